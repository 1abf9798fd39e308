//! `EVT`: one event on a page — its label, when it began and last moved,
//! how many stories and distinct sources carry it, what its stories name
//! most, how fast it moves — above the list of its stories, newest first.
//!
//! Opened from a TOP row (Enter) or from the reader (`EVT`), and fetched
//! again whenever a story of the event lands on the wire or TOP says it
//! changed, so the page lives like TOP does.

use newsterm_api::{EventInfo, NameCount, TopEntry, Velocity};
use newsterm_story::EventId;
use ratatui::text::{Line, Span};

use crate::app::View;
use crate::reader::datetime;
use crate::rows::{Cursor, Row};
use crate::theme;
use crate::wrap::{fit, truncate};

/// Names listed per kind (people, organisations, places, topics).
const NAMES_SHOWN: usize = 5;

/// The page of one event.
#[derive(Debug)]
pub(crate) struct EventPage {
    pub id: EventId,
    /// Once it has arrived.
    pub info: Option<EventInfo>,
    /// Its live stories, newest first; copies keep rows of their own here,
    /// since this is where they unfold.
    pub rows: Vec<Row>,
    pub cursor: Cursor,
    /// A fetch is on its way.
    pub loading: bool,
    /// The list Esc returns to.
    pub back: View,
}

impl EventPage {
    pub fn new(id: EventId, back: View) -> EventPage {
        EventPage {
            id,
            info: None,
            rows: Vec::new(),
            cursor: Cursor::default(),
            loading: true,
            back,
        }
    }

    /// Takes the event if it is this page's; the selection stays on its
    /// story when the list is fetched again.
    pub fn receive(&mut self, info: EventInfo) -> bool {
        if info.event != self.id {
            return false;
        }
        let mut rows: Vec<Row> = info.stories.iter().map(Row::from).collect();
        rows.sort_by(|a, b| b.published.cmp(&a.published).then(b.seq.cmp(&a.seq)));
        self.rows = rows;
        self.info = Some(info);
        self.loading = false;
        true
    }

    /// Whether TOP's row for this event says more than the page shows: a
    /// story landed, or one was withdrawn.
    pub fn is_behind(&self, top: &[TopEntry]) -> bool {
        let (Some(info), Some(entry)) = (&self.info, top.iter().find(|e| e.event == self.id))
        else {
            return false;
        };
        !self.loading && (entry.stories != info.stories.len() as u64 || entry.last != info.last)
    }

    /// The lines above the list, `width` columns wide.
    pub fn header(&self, width: usize) -> Vec<Line<'static>> {
        let Some(info) = &self.info else {
            return vec![Line::styled(
                truncate(&format!("loading event {}…", self.id), width),
                theme::DIM,
            )];
        };
        let mut lines = vec![Line::styled(truncate(&info.label, width), theme::BOLD)];
        let counts = format!(
            "{} from {} · {} → {}",
            count(info.stories.len(), "story", "stories"),
            count(info.sources.len(), "source", "sources"),
            datetime(info.first),
            datetime(info.last),
        );
        lines.push(Line::styled(truncate(&counts, width), theme::BASE));
        lines.push(Line::from(vec![
            Span::styled(fit("Pace", LABEL_COLS), theme::DIM),
            Span::styled(
                truncate(&pace(info.velocity), width.saturating_sub(LABEL_COLS)),
                theme::BASE,
            ),
        ]));
        let sources = info.sources.join(", ");
        let named: [(&str, &[NameCount]); 4] = [
            ("People", &info.people),
            ("Orgs", &info.organisations),
            ("Places", &info.places),
            ("Topics", &info.topics),
        ];
        lines.push(labelled("Sources", &sources, width));
        for (label, names) in named {
            lines.push(labelled(label, &listed(names), width));
        }
        lines
    }
}

/// Columns of a header line's label ("Sources ").
const LABEL_COLS: usize = 8;

fn labelled(label: &str, text: &str, width: usize) -> Line<'static> {
    let text = if text.is_empty() { "—" } else { text };
    Line::from(vec![
        Span::styled(fit(label, LABEL_COLS), theme::DIM),
        Span::styled(
            truncate(text, width.saturating_sub(LABEL_COLS)),
            theme::BASE,
        ),
    ])
}

/// `Kherson 4, Ukraine 2`: the most named first.
fn listed(names: &[NameCount]) -> String {
    names
        .iter()
        .take(NAMES_SHOWN)
        .map(|n| format!("{} {}", n.name, n.count))
        .collect::<Vec<_>>()
        .join(", ")
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `3 stories in the last hour, 1 in its first ▲ rising`.
pub(crate) fn pace(v: Velocity) -> String {
    let mut text = format!(
        "{} in the last hour, {} in its first",
        count(v.last_hour as usize, "story", "stories"),
        v.first_hour
    );
    if is_rising(v) {
        text.push_str(" ▲ rising");
    }
    text
}

/// An event moves faster now than when it broke.
pub(crate) fn is_rising(v: Velocity) -> bool {
    v.last_hour > v.first_hour
}
