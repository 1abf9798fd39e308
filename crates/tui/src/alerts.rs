//! Standing alerts as the terminal shows them: hits arriving live land in
//! the alert pane under every list and count as unread until the user
//! opens `ALRT`; the `ALRT` screen lists the alerts over their recent hits.
//!
//! This is state only; the app drives it and the renderer draws it.

use std::collections::VecDeque;
use std::fmt;

use newsterm_api::{AlertDelivery, AlertHit, AlertInfo};

use crate::connection::Connection;
use crate::rows::scroll_to_show;

/// An alert to add or remove, as typed after `ALRT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertChange {
    /// `ALRT ADD <name> <query…>`: the name is one word or "double quoted".
    Add {
        /// What to call the alert.
        name: String,
        /// Its query, in the search language.
        query: String,
    },
    /// `ALRT DEL <id>`.
    Remove {
        /// The alert's id.
        id: u64,
    },
}

impl fmt::Display for AlertChange {
    /// The change as the user typed it, to head its error messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlertChange::Add { name, .. } => write!(f, "ALRT ADD {name}"),
            AlertChange::Remove { id } => write!(f, "ALRT DEL {id}"),
        }
    }
}

/// Live hits the pane shows, newest first.
pub(crate) const PANE_HITS: usize = 3;
/// Hits the `ALRT` screen keeps, fetched and live together.
const SCREEN_HITS: usize = 200;

/// The hits that arrived while the terminal ran, and how many the user
/// has not looked at yet.
#[derive(Debug, Default)]
pub(crate) struct AlertPane {
    /// Newest first, at most [`PANE_HITS`].
    pub recent: VecDeque<AlertHit>,
    pub unread: usize,
    /// The alert stream's state: hits stop arriving while it is down.
    pub connection: Connection,
}

impl AlertPane {
    /// Takes a live hit; `seen` when the user is looking at the `ALRT`
    /// screen, where it shows up at once.
    pub fn receive(&mut self, hit: AlertHit, seen: bool) {
        self.recent.push_front(hit);
        self.recent.truncate(PANE_HITS);
        if !seen {
            self.unread += 1;
        }
    }
}

/// What is selected on the `ALRT` screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Selected<'a> {
    Alert(&'a AlertInfo),
    Hit(&'a AlertHit),
}

/// `ALRT`: the standing alerts over their recent hits. One selection
/// runs down both lists, alerts first, so ↑ from the newest hit reaches
/// the alerts.
#[derive(Debug, Default)]
pub(crate) struct AlertScreen {
    pub alerts: Vec<AlertInfo>,
    /// Newest first.
    pub hits: Vec<AlertHit>,
    pub loading: bool,
    /// Index into the alerts followed by the hits.
    selected: usize,
    first_alert: usize,
    first_hit: usize,
}

/// Hits are the same when the same alert fired on the same revision.
fn same_hit(a: &AlertHit, b: &AlertHit) -> bool {
    a.alert == b.alert && a.story.id == b.story.id && a.story.revision == b.story.revision
}

impl AlertScreen {
    /// Takes the server's alerts and latest hits. Hits that arrived live
    /// meanwhile are kept unless their alert has gone; the selection goes
    /// back to the newest hit.
    pub fn receive(&mut self, alerts: Vec<AlertInfo>, hits: Vec<AlertHit>) {
        let mut merged = hits;
        for live in std::mem::take(&mut self.hits) {
            let alert_exists = alerts.iter().any(|a| a.id == live.alert);
            if alert_exists && !merged.iter().any(|h| same_hit(h, &live)) {
                merged.push(live);
            }
        }
        merged.sort_by(|a, b| b.at.cmp(&a.at).then(b.story.seq.cmp(&a.story.seq)));
        merged.truncate(SCREEN_HITS);
        self.alerts = alerts;
        self.hits = merged;
        self.loading = false;
        self.selected = if self.hits.is_empty() {
            0
        } else {
            self.alerts.len()
        };
        self.first_alert = 0;
        self.first_hit = 0;
    }

    /// Puts a live hit on top. A selection on the newest hit follows the
    /// new one, as on the wire; one further down stays on its hit.
    pub fn receive_live(&mut self, hit: AlertHit) {
        if self.hits.iter().any(|h| same_hit(h, &hit)) {
            return;
        }
        let head = self.alerts.len();
        if self.selected > head {
            self.selected += 1;
        }
        if self.first_hit > 0 {
            self.first_hit += 1;
        }
        self.hits.insert(0, hit);
        self.hits.truncate(SCREEN_HITS);
        self.selected = self.selected.min(self.len().saturating_sub(1));
    }

    fn len(&self) -> usize {
        self.alerts.len() + self.hits.len()
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    pub fn selected(&self) -> Option<Selected<'_>> {
        match self.alerts.get(self.selected) {
            Some(alert) => Some(Selected::Alert(alert)),
            None => self
                .hits
                .get(self.selected - self.alerts.len())
                .map(Selected::Hit),
        }
    }

    /// `(alert rows, hit rows)` on a screen `height` lines tall, each list
    /// under a one-line heading. Hits get at least half when they have
    /// that many; alerts get what they need of the rest.
    pub fn heights(&self, height: usize) -> (usize, usize) {
        let room = height.saturating_sub(2);
        let hits_least = self.hits.len().max(1).min(room / 2);
        let alerts = self.alerts.len().max(1).min(room - hits_least);
        (alerts, room - alerts)
    }

    /// Selects entry `target` of alerts-then-hits (clamped), scrolling
    /// its list to show it on a screen `height` lines tall.
    pub fn move_to(&mut self, target: usize, height: usize) {
        let target = target.min(self.len().saturating_sub(1));
        let (alert_rows, hit_rows) = self.heights(height);
        let (alerts, hits) = self.windows(alert_rows, hit_rows);
        self.first_alert = alerts;
        self.first_hit = hits;
        match target.checked_sub(self.alerts.len()) {
            None => {
                self.first_alert = scroll_to_show(alerts, target, self.alerts.len(), alert_rows)
            }
            Some(hit) => self.first_hit = scroll_to_show(hits, hit, self.hits.len(), hit_rows),
        }
        self.selected = target;
    }

    /// The first alert and the first hit on screen, for lists `alert_rows`
    /// and `hit_rows` tall, keeping the selection visible.
    pub fn windows(&self, alert_rows: usize, hit_rows: usize) -> (usize, usize) {
        let a = self.alerts.len();
        let (in_alerts, in_hits) = match self.selected.checked_sub(a) {
            None => (self.selected, self.first_hit),
            Some(hit) => (self.first_alert, hit),
        };
        (
            scroll_to_show(self.first_alert, in_alerts, a, alert_rows),
            scroll_to_show(self.first_hit, in_hits, self.hits.len(), hit_rows),
        )
    }

    /// The fetch failed: nothing is loading any more.
    pub fn fail(&mut self) {
        self.loading = false;
    }
}

/// Where an alert's hits go, in a few words: `tui webhook(failing) feed`.
pub(crate) fn delivery_label(d: &AlertDelivery) -> String {
    let mut to = Vec::new();
    if d.stream {
        to.push("tui");
    }
    match &d.webhook {
        Some(w) if w.failing => to.push("webhook(failing)"),
        Some(_) => to.push("webhook"),
        None => {}
    }
    if d.feed {
        to.push("feed");
    }
    if to.is_empty() {
        return "nowhere".into();
    }
    to.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{alert, alert_hit, headline, noon};
    use newsterm_api::WebhookTarget;
    use newsterm_story::Priority;

    /// `n` hits of alert 1 as the server lists them, newest (`h1`) first.
    fn newest_first(n: u64) -> Vec<AlertHit> {
        (1..=n)
            .map(|i| {
                alert_hit(
                    1,
                    "a",
                    headline(n + 1 - i, Priority::Normal, &format!("h{i}")),
                )
            })
            .collect()
    }

    fn names(screen: &AlertScreen) -> Vec<&str> {
        screen
            .hits
            .iter()
            .map(|h| h.story.headline.as_str())
            .collect()
    }

    #[test]
    fn delivery_reads_as_a_short_list_and_flags_a_failing_webhook() {
        let mut a = alert(1, "tui", "gaza");
        assert_eq!(delivery_label(&a.delivery), "tui feed");
        a.delivery.webhook = Some(WebhookTarget {
            url: "http://127.0.0.1:9/hook".into(),
            secret: None,
            failing: true,
        });
        assert_eq!(delivery_label(&a.delivery), "tui webhook(failing) feed");
        a.delivery.stream = false;
        a.delivery.feed = false;
        a.delivery.webhook = None;
        assert_eq!(delivery_label(&a.delivery), "nowhere");
    }

    #[test]
    fn the_pane_keeps_the_newest_hits_and_counts_unseen_ones() {
        let mut pane = AlertPane::default();
        for n in 1..=5 {
            pane.receive(
                alert_hit(1, "kyiv", headline(n, Priority::Normal, "x")),
                n == 5,
            );
        }
        let seqs: Vec<u64> = pane.recent.iter().map(|h| h.story.seq).collect();
        assert_eq!(seqs, [5, 4, 3]);
        assert_eq!(pane.unread, 4);
    }

    #[test]
    fn a_fetch_keeps_live_hits_of_alerts_that_still_exist() {
        let mut screen = AlertScreen::default();
        let old = alert_hit(1, "kyiv", headline(1, Priority::Normal, "fetched"));
        let mut live = alert_hit(1, "kyiv", headline(2, Priority::Normal, "live"));
        live.at = noon() + time::Duration::minutes(5);
        let orphan = alert_hit(9, "gone", headline(3, Priority::Normal, "orphan"));
        screen.receive_live(live.clone());
        screen.receive_live(orphan);
        screen.receive_live(old.clone());
        screen.receive(vec![alert(1, "kyiv", "place:Kyiv")], vec![old]);
        assert_eq!(names(&screen), ["live", "fetched"]);
        // The same hit arriving live again is not listed twice.
        screen.receive_live(live);
        assert_eq!(screen.hits.len(), 2);
    }

    #[test]
    fn one_selection_runs_from_the_newest_hit_up_into_the_alerts() {
        let mut screen = AlertScreen::default();
        let alerts = vec![alert(1, "a", "x"), alert(2, "b", "y")];
        screen.receive(alerts, newest_first(3));
        assert!(
            matches!(screen.selected(), Some(Selected::Hit(h)) if h.story.headline == "h1"),
            "fetched hits keep the server's order and the first is selected"
        );
        screen.move_to(screen.selected_index() - 1, 20);
        assert!(matches!(screen.selected(), Some(Selected::Alert(a)) if a.name == "b"));
        screen.move_to(usize::MAX, 20);
        assert!(matches!(screen.selected(), Some(Selected::Hit(h)) if h.story.headline == "h3"));
    }

    #[test]
    fn a_pinned_hit_stays_selected_when_live_ones_arrive() {
        let mut screen = AlertScreen::default();
        screen.receive(vec![alert(1, "a", "x")], newest_first(3));
        screen.move_to(2, 20);
        screen.receive_live(alert_hit(1, "a", headline(9, Priority::Normal, "new")));
        assert!(matches!(screen.selected(), Some(Selected::Hit(h)) if h.story.headline == "h2"));
        // At the head, the selection follows the newest hit.
        screen.move_to(1, 20);
        screen.receive_live(alert_hit(1, "a", headline(10, Priority::Normal, "newer")));
        assert!(matches!(screen.selected(), Some(Selected::Hit(h)) if h.story.headline == "newer"));
    }

    #[test]
    fn heights_share_the_screen_between_alerts_and_hits() {
        let mut screen = AlertScreen::default();
        assert_eq!(screen.heights(21), (1, 18), "empty lists still get a row");
        let many_alerts: Vec<_> = (0..40).map(|n| alert(n, "a", "x")).collect();
        screen.receive(many_alerts.clone(), Vec::new());
        assert_eq!(screen.heights(21), (18, 1));
        screen.receive(many_alerts, newest_first(40));
        let (alerts, hits) = screen.heights(21);
        assert_eq!((alerts + hits, hits), (19, 9));
    }
}
