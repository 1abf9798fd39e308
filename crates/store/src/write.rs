//! What a writer is given to store: a story's revision, a withdrawal, a
//! key to answer a repeat with, and where a cluster's log placed it.

use newsterm_story::{RevisionMark, Story, StoryContent, StoryId, Tags};
use time::OffsetDateTime;

/// One write asked of the store: content and the tags found in it.
#[derive(Debug, Clone)]
pub enum Write {
    /// A story seen for the first time; the store mints its id.
    New(StoryContent, Tags),
    /// A new revision of an existing story.
    Revise(StoryId, StoryContent, Tags),
    /// A revision with its kind, note and event decided by the caller.
    Revision(Box<NewRevision>),
    /// Withdraws a story: a new revision that repeats the latest one's
    /// content and tags, marked a withdrawal with `reason`.
    Withdraw {
        /// The story withdrawn.
        id: StoryId,
        /// Why, shown to readers.
        reason: String,
    },
}

/// A revision as the engine hands it over once it has grouped it.
#[derive(Debug, Clone)]
pub struct NewRevision {
    /// The story. For a first revision the caller mints it, so that it
    /// can link later stories to it before the write returns.
    pub id: StoryId,
    /// True for the story's first revision.
    pub first: bool,
    /// The revision's content.
    pub content: StoryContent,
    /// The tags found in it.
    pub tags: Tags,
    /// Update, correction or withdrawal, the correction's note (a
    /// withdrawal goes through [`Write::Withdraw`]), the story's event and
    /// the story it nearly repeats. A story keeps the event and link its
    /// first revision set; a later revision only fills them in when the
    /// story had none (stored before it was grouped).
    pub mark: RevisionMark,
    /// The revision this one was made on top of, when the writer said
    /// (`If-Match`): stored only if the story is still at it, else
    /// [`StoreError::Stale`](crate::StoreError::Stale). `None` revises whatever is latest.
    pub base: Option<u32>,
}

impl NewRevision {
    /// A plain update (or first publication), not yet grouped.
    pub fn update(id: StoryId, first: bool, content: StoryContent, tags: Tags) -> NewRevision {
        NewRevision {
            id,
            first,
            content,
            tags,
            mark: RevisionMark::default(),
            base: None,
        }
    }
}

impl Write {
    /// The revision this write stores (a new story gets a fresh id), or a
    /// withdrawal's story and reason, which take the stored text.
    pub fn into_revision(self) -> Result<NewRevision, (StoryId, String)> {
        match self {
            Write::New(content, tags) => {
                Ok(NewRevision::update(StoryId::new(), true, content, tags))
            }
            Write::Revise(id, content, tags) => Ok(NewRevision::update(id, false, content, tags)),
            Write::Revision(r) => Ok(*r),
            Write::Withdraw { id, reason } => Err((id, reason)),
        }
    }
}

/// How long an idempotency key is remembered.
pub const KEY_RETENTION: time::Duration = time::Duration::hours(24);

/// One write with where it lands: what [`Writer::place`](crate::Writer::place) takes.
#[derive(Debug, Clone)]
pub struct Placed {
    /// What to store.
    pub write: Write,
    /// The wire sequence a replicated log gave it; `None` takes the next.
    pub seq: Option<u64>,
    /// The id a first revision takes (minted by whoever published it);
    /// `None` mints one.
    pub id: Option<StoryId>,
    /// When the publishing server accepted it: the revision's receipt time.
    pub received: OffsetDateTime,
    /// The publisher's idempotency key, if it sent one.
    pub key: Option<String>,
}

/// What [`Writer::place`](crate::Writer::place) did with one write.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Stored as a new revision.
    Stored(Story),
    /// Its idempotency key was seen before: nothing was stored, and this
    /// is the revision the key made then.
    Repeat(Story),
}

impl Placement {
    /// The revision, stored now or earlier.
    pub fn story(&self) -> &Story {
        match self {
            Placement::Stored(s) | Placement::Repeat(s) => s,
        }
    }

    /// [`Placement::story`], owned.
    pub fn into_story(self) -> Story {
        match self {
            Placement::Stored(s) | Placement::Repeat(s) => s,
        }
    }
}

impl Placed {
    /// A write numbered by this store, as [`Writer::append`](crate::Writer::append) stores it.
    pub fn next(write: Write, received: OffsetDateTime) -> Placed {
        Placed {
            write,
            seq: None,
            id: None,
            received,
            key: None,
        }
    }
}
