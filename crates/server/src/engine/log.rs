//! The sequencing seam: who gives an accepted write its wire sequence.
//!
//! Alone, the engine numbers writes itself (the writer thread's SQLite
//! transaction). In a cluster a [`ReplicatedLog`] does: the engine turns
//! each write into a [`LogEntry`] (story id minted, tags computed, time
//! of receipt fixed, so every node stores the same bytes), appends it to
//! the log, and the writer thread places each entry the log delivers at
//! the log's sequence. The engine stays synchronous and knows nothing of
//! the transport; the implementation lives outside it.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use newsterm_store::{NewRevision, Placed, Write};
use newsterm_story::{RevisionMark, StoryContent, StoryId, Tags};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Version of the [`LogEntry`] encoding; a node refuses entries from a
/// newer one rather than misreading them.
const ENTRY_VERSION: u32 = 1;

/// A log shared by every node of a cluster, which numbers entries.
pub trait ReplicatedLog: Send + Sync + 'static {
    /// Appends one entry, on condition that the last entry appended for
    /// its story is at `append.expect_last` (0: none). Resolves with the
    /// entry's sequence once the log holds it durably; a repeat of an
    /// earlier append's `msg_id` resolves with that one's sequence, and
    /// says so.
    fn append(&self, append: Append) -> BoxFuture<'static, Result<Appended, LogError>>;

    /// Where the log and this node stand, for `/healthz`.
    fn status(&self) -> LogStatus;
}

/// One append asked of the log.
#[derive(Debug, Clone)]
pub struct Append {
    pub story: StoryId,
    pub expect_last: u64,
    /// The de-duplication id: the publisher's idempotency key; for a new
    /// story without one, its exact key (source and text), so the same
    /// story sent to two nodes at once is appended once; else one minted
    /// per write. A retry inside the log never stores twice.
    pub msg_id: String,
    pub payload: Bytes,
}

/// Where an append landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The entry's sequence.
    pub seq: u64,
    /// An earlier append had the same `msg_id`: `seq` is its entry, and
    /// nothing new was appended.
    pub duplicate: bool,
}

/// Why an append failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LogError {
    /// The story gained a revision since the one this write built on.
    #[error("the story changed meanwhile (log at {head})")]
    Conflict { head: u64 },
    #[error("the replicated log is unavailable: {0}")]
    Unavailable(String),
}

/// The cluster as this node sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogStatus {
    pub node: String,
    /// Highest sequence known to be in the log.
    pub head: u64,
    /// Live nodes, this one included, by name.
    pub nodes: Vec<String>,
    /// Set when this node cannot follow the log (it is further behind
    /// than the log's retention): what to do about it, in words.
    pub problem: Option<String>,
}

/// What travels in the log for one write: everything a node needs to
/// store it exactly as every other node does, enrichment included.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LogEntry {
    v: u32,
    pub id: StoryId,
    pub write: Carried,
    /// When the publishing node accepted it, in Unix nanoseconds.
    pub received: i128,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The write itself, as [`Write`] has it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub(crate) enum Carried {
    Revision(Box<CarriedRevision>),
    Withdraw { reason: String },
}

/// A revision in the log: [`NewRevision`] without the story id, which
/// the entry carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CarriedRevision {
    /// The story's first revision (else one of an existing story).
    first: bool,
    content: StoryContent,
    tags: Tags,
    /// Kind, note, event and copy link, as [`RevisionMark`] writes them.
    #[serde(flatten)]
    mark: RevisionMark,
    /// The revision the writer built on (`If-Match`): every node checks
    /// it against the same store, so all refuse a stale one alike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base: Option<u32>,
}

/// Both conversions between [`NewRevision`] and [`CarriedRevision`], from
/// one list of the fields they share. Each side is taken apart with no
/// `..`, so a field added to either type fails to build here instead of
/// silently not travelling between nodes.
macro_rules! carry_revision_fields {
    ($($field:ident),+) => {
        impl From<NewRevision> for CarriedRevision {
            /// Drops the story id, which the entry carries beside it.
            fn from(revision: NewRevision) -> CarriedRevision {
                let NewRevision { id: _, $($field),+ } = revision;
                CarriedRevision { $($field),+ }
            }
        }

        impl CarriedRevision {
            /// The revision as the store takes it, for the entry's story.
            fn into_revision(self, id: StoryId) -> NewRevision {
                let CarriedRevision { $($field),+ } = self;
                NewRevision { id, $($field),+ }
            }
        }
    };
}

carry_revision_fields!(first, content, tags, mark, base);

impl LogEntry {
    /// The story a write is about, and whether it is the story's first
    /// revision; a new story takes `new_id`.
    pub(crate) fn story_of(write: &Write, new_id: StoryId) -> (StoryId, bool) {
        match write {
            Write::New(..) => (new_id, true),
            Write::Revise(id, ..) | Write::Withdraw { id, .. } => (*id, false),
            Write::Revision(r) => (r.id, r.first),
        }
    }

    pub(crate) fn of(
        write: Write,
        id: StoryId,
        received: OffsetDateTime,
        key: Option<String>,
    ) -> LogEntry {
        // The id is the entry's own, so the one a new story's revision
        // mints here is not carried.
        let write = match write.into_revision() {
            Ok(r) => Carried::Revision(Box::new(r.into())),
            Err((_, reason)) => Carried::Withdraw { reason },
        };
        LogEntry {
            v: ENTRY_VERSION,
            id,
            write,
            received: received.unix_timestamp_nanos(),
            key,
        }
    }

    pub(crate) fn encode(&self) -> Bytes {
        // Plain data with string keys: serializing cannot fail.
        Bytes::from(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads an entry the log delivered at `seq`, as the store places it.
    pub(crate) fn decode(seq: u64, payload: &[u8]) -> Result<Placed, String> {
        let entry: LogEntry = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
        if entry.v > ENTRY_VERSION {
            return Err(format!(
                "entry format {} is newer than this node's ({ENTRY_VERSION}); upgrade it",
                entry.v
            ));
        }
        let received =
            OffsetDateTime::from_unix_timestamp_nanos(entry.received).map_err(|e| e.to_string())?;
        let id = entry.id;
        let write = match entry.write {
            Carried::Revision(r) => Write::Revision(Box::new(r.into_revision(id))),
            Carried::Withdraw { reason } => Write::Withdraw { id, reason },
        };
        Ok(Placed {
            write,
            seq: Some(seq),
            id: Some(id),
            received,
            key: entry.key,
        })
    }
}

/// The engine's sequencer: itself, or a replicated log.
#[derive(Clone)]
pub enum Sequencing {
    Local,
    Replicated(Arc<dyn ReplicatedLog>),
}

#[cfg(test)]
mod tests {
    use newsterm_story::{EventId, RevisionKind, StoryDraft};

    use super::*;

    fn content(headline: &str, now: OffsetDateTime) -> StoryContent {
        StoryDraft {
            headline: Some(headline.into()),
            ..Default::default()
        }
        .validate(now)
        .expect("valid")
    }

    #[test]
    fn an_entry_places_the_same_write_on_every_node() {
        let now = OffsetDateTime::now_utc();
        let content = content("Ports reopen", now);
        let id = StoryId::new();
        let entry = LogEntry::of(
            Write::New(content.clone(), Tags::default()),
            id,
            now,
            Some("k1".into()),
        );
        let placed = LogEntry::decode(7, &entry.encode()).expect("decodes");
        assert_eq!(placed.seq, Some(7));
        assert_eq!(placed.id, Some(id));
        assert_eq!(placed.received, now, "receipt time kept to the nanosecond");
        assert_eq!(placed.key.as_deref(), Some("k1"));
        assert!(
            matches!(placed.write, Write::Revision(r) if r.first && r.id == id && r.content == content)
        );
    }

    #[test]
    fn a_correction_keeps_every_field_between_nodes() {
        let now = OffsetDateTime::now_utc();
        let id = StoryId::new();
        let sent = NewRevision {
            mark: RevisionMark {
                kind: RevisionKind::Correction,
                note: Some("The vote was 12-3, not 13-2.".into()),
                event: Some(EventId::new_at(now)),
                duplicate_of: Some(StoryId::new()),
            },
            base: Some(3),
            ..NewRevision::update(id, false, content("Vote passes", now), Tags::default())
        };
        let entry = LogEntry::of(Write::Revision(Box::new(sent.clone())), id, now, None);
        let placed = LogEntry::decode(2, &entry.encode()).expect("decodes");
        let Write::Revision(got) = placed.write else {
            panic!("a revision comes back a revision");
        };
        assert_eq!(got.id, id);
        assert!(!got.first);
        assert_eq!(got.content, sent.content);
        assert_eq!(got.mark.kind, RevisionKind::Correction);
        assert_eq!(
            got.mark.note, sent.mark.note,
            "the correction's note travels"
        );
        assert_eq!(
            got.mark.event, sent.mark.event,
            "the event the story joined travels"
        );
        assert_eq!(got.mark.duplicate_of, sent.mark.duplicate_of);
        assert_eq!(got.base, Some(3), "the If-Match base travels");
    }

    #[test]
    fn an_entry_from_a_newer_format_is_refused_not_misread() {
        let now = OffsetDateTime::now_utc();
        let content = content("x", now);
        let mut entry = LogEntry::of(
            Write::New(content, Tags::default()),
            StoryId::new(),
            now,
            None,
        );
        entry.v = ENTRY_VERSION + 1;
        let e = LogEntry::decode(1, &entry.encode()).expect_err("newer format");
        assert!(e.contains("newer"), "{e}");
    }
}
