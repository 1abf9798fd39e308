//! A story's life on the wire after its first publication: what each
//! revision is (an update, a correction with its note, a withdrawal with
//! its reason), and the event the story reports.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ulid::Ulid;

use crate::control::checked_line;
use crate::error::StoryError;
use crate::limits;

/// What a revision is to its story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevisionKind {
    /// New or changed text. The first publication is one too: every
    /// revision updates what readers had (nothing, for the first).
    #[default]
    Update,
    /// Fixes an error; its note says what was wrong and is shown above
    /// the body.
    Correction,
    /// The story is withdrawn (a kill): it leaves search, TOP, READ and
    /// feeds and stays in the history with its reason.
    Withdrawal,
}

impl RevisionKind {
    /// The kind's name in the API and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Update => "update",
            RevisionKind::Correction => "correction",
            RevisionKind::Withdrawal => "withdrawal",
        }
    }

    /// True for an update (and a first publication), the default.
    pub fn is_update(&self) -> bool {
        *self == RevisionKind::Update
    }
}

impl FromStr for RevisionKind {
    type Err = StoryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "update" => Ok(RevisionKind::Update),
            "correction" => Ok(RevisionKind::Correction),
            "withdrawal" => Ok(RevisionKind::Withdrawal),
            _ => Err(StoryError::field(
                "kind",
                format!(
                    "`{}` is not one of update, correction, withdrawal",
                    crate::text::truncate(s, 40)
                ),
            )),
        }
    }
}

/// The line a reader sees above a story's body: what a correction fixed,
/// why a story was withdrawn; nothing for an update.
pub fn notice(kind: RevisionKind, note: Option<&str>) -> Option<String> {
    let note = note.unwrap_or("no note given");
    match kind {
        RevisionKind::Update => None,
        RevisionKind::Correction => Some(format!("Correction: {note}")),
        RevisionKind::Withdrawal => Some(format!("WITHDRAWN: {note}")),
    }
}

/// Checks a correction note or withdrawal reason: one line, not empty,
/// at most [`limits::LINE_CHARS`] characters. `field` names it in the
/// error (`correction`, `reason`).
pub fn validate_note(field: &'static str, note: &str) -> Result<String, StoryError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(StoryError::field(
            field,
            "is required and must not be empty",
        ));
    }
    let mut errors = Vec::new();
    let note = checked_line(field, note, limits::LINE_CHARS, &mut errors);
    if errors.is_empty() {
        Ok(note)
    } else {
        Err(StoryError::Invalid(errors))
    }
}

/// An event's identity: a ULID whose time is its first story's
/// publication time, so ids sort by when events began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(Ulid);

impl EventId {
    /// Mints an id for an event whose first story was published at `at`
    /// (times before 1970 are taken as 1970).
    pub fn new_at(at: OffsetDateTime) -> EventId {
        let ms = u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        EventId(Ulid::from_parts(ms, rand_bits()))
    }

    /// Makes an id from its 128 bits (for tests and evaluations that need
    /// ids they can predict).
    pub fn from_u128(n: u128) -> EventId {
        EventId(Ulid(n))
    }
}

/// The random part of a minted id: 80 bits from a fresh ULID, which
/// already draws them from the operating system's generator.
fn rand_bits() -> u128 {
    Ulid::new().random()
}

crate::ids::ulid_text!(EventId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_carry_their_start_time_and_round_trip() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let a = EventId::new_at(at);
        let b = EventId::new_at(at);
        assert_ne!(a, b, "two events started at once are still two");
        assert_eq!(a.to_string().parse::<EventId>().unwrap(), a);
        assert_eq!(a.0.timestamp_ms(), 1_700_000_000_000);
        assert!("nope".parse::<EventId>().is_err());
    }

    #[test]
    fn notes_are_one_nonempty_line() {
        assert_eq!(
            validate_note("correction", "  Fixes the death toll. ").unwrap(),
            "Fixes the death toll."
        );
        let err = validate_note("reason", " ").unwrap_err().to_string();
        assert!(err.contains("reason") && err.contains("required"), "{err}");
        let err = validate_note("correction", "a\nb").unwrap_err().to_string();
        assert!(err.contains("single line"), "{err}");
        assert!(validate_note("reason", &"x".repeat(1001)).is_err());
    }

    #[test]
    fn kinds_parse_and_print() {
        for k in [
            RevisionKind::Update,
            RevisionKind::Correction,
            RevisionKind::Withdrawal,
        ] {
            assert_eq!(k.as_str().parse::<RevisionKind>().unwrap(), k);
        }
        assert!("kill".parse::<RevisionKind>().is_err());
    }
}
