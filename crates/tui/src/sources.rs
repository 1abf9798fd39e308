//! Feed sources as `SRC` lists them — how often each is polled, whether
//! it is healthy, what its polls took — and the changes `SRC ADD`, `DEL`,
//! `PAUSE`, `RESUME` and `POLL` ask the server for.
//!
//! This is state only; the app drives it and the renderer draws it.

use std::fmt;

use newsterm_api::{SourceInfo, SourceState};
use time::OffsetDateTime;

use crate::entities::Selection;

/// A change to the server's feed sources, as typed after `SRC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceChange {
    /// `SRC ADD <url> [every]`: poll a new feed, every `5m` say.
    Add {
        /// The feed's URL.
        url: String,
        /// How often to poll it (`5m`); the server's default when `None`.
        every: Option<String>,
    },
    /// `SRC DEL <id>`.
    Remove {
        /// The source's id.
        id: i64,
    },
    /// `SRC PAUSE <id>`.
    Pause {
        /// The source's id.
        id: i64,
    },
    /// `SRC RESUME <id>`.
    Resume {
        /// The source's id.
        id: i64,
    },
    /// `SRC POLL <id>`: poll now and say what it took.
    Poll {
        /// The source's id.
        id: i64,
    },
}

impl fmt::Display for SourceChange {
    /// The change as the user typed it, to head its messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceChange::Add { url, .. } => write!(f, "SRC ADD {url}"),
            SourceChange::Remove { id } => write!(f, "SRC DEL {id}"),
            SourceChange::Pause { id } => write!(f, "SRC PAUSE {id}"),
            SourceChange::Resume { id } => write!(f, "SRC RESUME {id}"),
            SourceChange::Poll { id } => write!(f, "SRC POLL {id}"),
        }
    }
}

/// Whether the source is polled and its last poll went wrong: a paused
/// source is not failing, whatever its last poll said.
pub(crate) fn is_failing(s: &SourceInfo) -> bool {
    matches!(s.state(), SourceState::Failing { .. })
}

/// A source's state in a word or two: `ok`, `paused`, `failing ×3`, or
/// `waiting` before its first poll.
pub(crate) fn state(s: &SourceInfo) -> String {
    match s.state() {
        SourceState::Paused => "paused".into(),
        SourceState::Failing {
            in_a_row: 0 | 1, ..
        } => "failing".into(),
        SourceState::Failing { in_a_row, .. } => format!("failing ×{in_a_row}"),
        SourceState::Ok { .. } => "ok".into(),
        SourceState::Waiting => "waiting".into(),
    }
}

/// How long ago `then` was, in the largest whole unit: `40s ago`,
/// `5m ago`, `3h ago`, `2d ago`.
pub(crate) fn age(then: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (now - then).whole_seconds();
    match seconds {
        // A clock slightly ahead of ours is not "in the future" to a reader.
        ..5 => "just now".into(),
        5..60 => format!("{seconds}s ago"),
        60..3_600 => format!("{}m ago", seconds / 60),
        3_600..86_400 => format!("{}h ago", seconds / 3_600),
        _ => format!("{}d ago", seconds / 86_400),
    }
}

/// `SRC`: the feed sources, in the server's order.
#[derive(Debug, Default)]
pub(crate) struct SourceList {
    pub sources: Vec<SourceInfo>,
    pub loading: bool,
    pub selection: Selection,
}

impl SourceList {
    /// Takes a fresh list, keeping the selection on the same source when
    /// it is still there (after a poll or a pause, say).
    pub fn receive(&mut self, sources: Vec<SourceInfo>, height: usize) {
        let kept = self.selected().map(|s| s.id);
        self.sources = sources;
        self.loading = false;
        let index = kept
            .and_then(|id| self.sources.iter().position(|s| s.id == id))
            .unwrap_or(0);
        self.selection = Selection::default();
        self.selection.move_to(self.sources.len(), index, height);
    }

    pub fn selected(&self) -> Option<&SourceInfo> {
        self.sources.get(self.selection.index)
    }

    pub fn failing(&self) -> usize {
        self.sources.iter().filter(|s| is_failing(s)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{noon, source};

    #[test]
    fn states_put_paused_and_failing_before_ok() {
        let mut s = source(1, "https://example.org/feed.xml");
        assert_eq!(state(&s), "waiting");
        s.status.last_success = Some(noon());
        assert_eq!(state(&s), "ok");
        s.status.last_error = Some("HTTP 500".into());
        s.status.consecutive_failures = 3;
        assert_eq!(state(&s), "failing ×3");
        assert!(is_failing(&s));
        s.paused = true;
        assert_eq!(state(&s), "paused");
        assert!(!is_failing(&s), "a paused source is not failing");
    }

    #[test]
    fn ages_use_the_largest_whole_unit() {
        let ago = |secs: i64| age(noon() - time::Duration::seconds(secs), noon());
        assert_eq!(ago(-30), "just now");
        assert_eq!(ago(42), "42s ago");
        assert_eq!(ago(5 * 60 + 59), "5m ago");
        assert_eq!(ago(3 * 3_600), "3h ago");
        assert_eq!(ago(2 * 86_400 + 1), "2d ago");
    }

    #[test]
    fn a_fresh_list_keeps_the_selection_on_its_source() {
        let mut list = SourceList::default();
        let all: Vec<SourceInfo> = (1..=4).map(|id| source(id, "u")).collect();
        list.receive(all.clone(), 10);
        list.selection.move_to(4, 2, 10);
        list.receive(all[1..].to_vec(), 10);
        assert_eq!(list.selected().map(|s| s.id), Some(3));
        list.receive(vec![all[0].clone()], 10);
        assert_eq!(
            list.selected().map(|s| s.id),
            Some(1),
            "gone: back to the top"
        );
    }
}
