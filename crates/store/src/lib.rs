//! The durable store: SQLite in WAL mode, the source of truth for every
//! story revision and for the wire sequence.
//!
//! Two invariants live here and nowhere else:
//!
//! - **Every revision is kept.** A revision is never updated or deleted;
//!   a new one is appended.
//! - **The wire sequence is gap-free.** Each appended revision takes
//!   `last_seq + 1` inside the same transaction that stores it, so a
//!   rolled-back write leaves no hole and a committed one is never
//!   renumbered. Live subscribers resume from this number.
//!
//! In a cluster the numbers come from the replicated log instead:
//! [`Writer::place`] stores each write at the sequence the log gave it
//! (the same on every node), and a write that cannot be stored leaves
//! its number unused everywhere alike.
//!
//! A write may carry an idempotency key; a key seen in the last
//! [`KEY_RETENTION`] is answered with the revision it first made, and
//! nothing new is stored.
//!
//! [`Writer::append`] returns only after its transaction is durable
//! (`synchronous=FULL`), which is what lets the server acknowledge a
//! publish. Several writes are grouped into one transaction, and so one
//! fsync, when they arrive together.
//!
//! The store knows nothing of HTTP, the index or subscribers.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use newsterm_sqlite::{Access, Database, OpenError, Patience, Synchronous};
use newsterm_story::{
    ContentHead, EventId, RevisionKind, RevisionMark, Story, StoryContent, StoryHead, StoryId,
    TagEntities, TagTopics, Tags,
};
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

/// What every read of a revision selects, `r` being `revisions` and `s`
/// its row in `stories`, in the order [`row_to_raw`] reads.
// Bound values in SELECTs are written `+?N` where the query planner
// would otherwise read them: a LIMIT, and an equality among AND-ed terms
// (a join's ON counts), which SQLite propagates as a constant. A plan that
// read a value is compiled again each time a value is bound, which cost
// a fifth of every story read (see the test
// `reads_and_writes_run_their_compiled_statements_again_without_recompiling`).
macro_rules! select_revision {
    ($($rest:literal),*) => {
        concat!(
            "SELECT r.seq, r.id, r.revision, r.received, r.content, r.tags, r.kind, r.note, s.event, s.duplicate_of ",
            $($rest),*
        )
    };
}

/// The revision an idempotency key made: what a repeat is answered with.
const KEYED: &str = select_revision!(
    "FROM publish_keys k JOIN revisions r ON r.seq = k.seq
     JOIN stories s ON s.id = r.id WHERE k.key = +?1"
);

/// The latest revision of one story.
const LATEST: &str =
    select_revision!("FROM stories s JOIN revisions r ON r.seq = s.latest_seq WHERE s.id = +?1");

/// The latest revisions of the stories most recently published or revised.
const RECENT: &str = select_revision!(
    "FROM stories s JOIN revisions r ON r.seq = s.latest_seq ORDER BY s.latest_seq DESC LIMIT +?1"
);

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No story has this id.
    #[error("story {0} does not exist")]
    NotFound(StoryId),
    /// A revision made on top of `expected` while the story is at
    /// `latest`: someone else revised it first.
    #[error("story {id} is at revision {latest}, not {expected}")]
    Stale {
        /// The story.
        id: StoryId,
        /// The revision the write was made on.
        expected: u32,
        /// The story's latest revision.
        latest: u32,
    },
    /// A withdrawn story takes no further revisions.
    #[error("story {0} was withdrawn; it takes no further revisions")]
    Withdrawn(StoryId),
    /// A new story's id is already taken.
    #[error("story {0} already exists")]
    Exists(StoryId),
    /// The disk is full: the write was rolled back and nothing is stored.
    #[error("the disk holding the store is full; nothing was stored")]
    DiskFull,
    /// The file could not be opened, created or migrated.
    #[error(transparent)]
    Open(Box<OpenError>),
    /// A replicated write placed at or below what the store already holds.
    #[error("wire sequence {seq} is not after the store's last ({last})")]
    OutOfOrder {
        /// The sequence the write came with.
        seq: u64,
        /// The highest log position the store already holds.
        last: u64,
    },
    /// A stored revision does not parse.
    #[error("stored revision seq {seq} is unreadable: {message}")]
    Corrupt {
        /// The revision's wire sequence.
        seq: u64,
        /// What does not parse.
        message: String,
    },
    /// SQLite failed otherwise.
    #[error("store error: {0}")]
    Sqlite(rusqlite::Error),
    /// The checkpoint thread could not start.
    #[error("cannot start the checkpoint thread: {0}")]
    Thread(std::io::Error),
}

impl From<OpenError> for StoreError {
    fn from(e: OpenError) -> Self {
        match e.sqlite() {
            Some(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::DiskFull =>
            {
                StoreError::DiskFull
            }
            _ => StoreError::Open(Box::new(e)),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e
            && f.code == rusqlite::ErrorCode::DiskFull
        {
            return StoreError::DiskFull;
        }
        StoreError::Sqlite(e)
    }
}

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
    /// [`StoreError::Stale`]. `None` revises whatever is latest.
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

/// One write with where it lands: what [`Writer::place`] takes.
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

/// What [`Writer::place`] did with one write.
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
    /// A write numbered by this store, as [`Writer::append`] stores it.
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

/// A story's place in a list ([`Reader::list_marks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListMark {
    /// The story.
    pub id: StoryId,
    /// The wire sequence of its latest revision.
    pub seq: u64,
    /// The story it copies, if it is another source's copy.
    pub duplicate_of: Option<StoryId>,
}

/// Which entities a facet counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// People.
    Person,
    /// Organisations.
    Org,
    /// Places.
    Place,
    /// IPTC media topics.
    Topic,
}

impl MentionKind {
    /// Its name in the `mentions` table and in `/api/facets`.
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Person => "person",
            MentionKind::Org => "org",
            MentionKind::Place => "place",
            MentionKind::Topic => "topic",
        }
    }

    /// The kind named `s`, as written by [`MentionKind::as_str`].
    pub fn parse(s: &str) -> Option<MentionKind> {
        [
            MentionKind::Person,
            MentionKind::Org,
            MentionKind::Place,
            MentionKind::Topic,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One row of a facet: a name, what else is known of it, and in how many
/// stories it appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionCount {
    /// The name as tagged.
    pub name: String,
    /// What else is known of it (a place's country, a topic's label).
    pub detail: Option<String>,
    /// Stories mentioning it.
    pub count: u64,
}

/// One name's mentions in a recent window and in the baseline before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionTrend {
    /// Person, organisation, place or topic.
    pub kind: MentionKind,
    /// The name as tagged.
    pub name: String,
    /// What else is known of it (a place's country, a topic's label).
    pub detail: Option<String>,
    /// Stories in the recent window.
    pub recent: u64,
    /// Stories in the baseline before the window.
    pub before: u64,
}

/// The distinct (kind, name, detail) mentions of a story's tags, which the
/// facets count: two places of one name in different countries are two.
/// No detail is `""`, as the tables keep it.
fn mentions(tags: &Tags) -> Vec<(MentionKind, &str, &str)> {
    use newsterm_story::tags::EntityType;
    let entities = tags
        .entities
        .iter()
        .filter(|e| e.names_one_thing())
        .map(|e| {
            let kind = match e.kind {
                EntityType::Person => MentionKind::Person,
                EntityType::Org => MentionKind::Org,
                EntityType::Loc | EntityType::Norp => MentionKind::Place,
            };
            (
                kind,
                e.canonical.as_str(),
                e.country.as_deref().unwrap_or(""),
            )
        });
    let topics = tags
        .topics
        .iter()
        .map(|t| (MentionKind::Topic, t.code.as_str(), t.label.as_str()));
    let mut out: Vec<(MentionKind, &str, &str)> = Vec::new();
    for mention in entities.chain(topics) {
        if !out.contains(&mention) {
            out.push(mention);
        }
    }
    out
}

/// Replaces the facet mentions of story `id` with those of `tags`. A new
/// story (`first`) has none to take out.
fn replace_mentions(
    tx: &rusqlite::Connection,
    id: &str,
    published: OffsetDateTime,
    tags: &Tags,
    first: bool,
) -> Result<(), StoreError> {
    if !first {
        drop_mentions(tx, id)?;
    }
    // A row a statement, each a prepared single-row insert: SQLite keeps no
    // statement journal for those, where one statement for all the rows
    // (from a JSON array) kept one and cost the JSON's writing and reading.
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO mentions (story_id, kind, name, detail, published)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    // Only rows stored are counted, so the totals count exactly the
    // table's rows.
    let mut count = tx.prepare_cached(
        "INSERT INTO mention_totals (kind, name, detail, stories) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (kind, name, detail) DO UPDATE SET stories = stories + 1",
    )?;
    let published = published.unix_timestamp();
    for (kind, name, detail) in mentions(tags) {
        let kind = kind.as_str();
        if insert.execute(params![id, kind, name, detail, published])? == 1 {
            count.execute(params![kind, name, detail])?;
        }
    }
    Ok(())
}

/// Takes a story's mentions out of the facets, their totals first while
/// the rows still say which names they are.
fn drop_mentions(tx: &rusqlite::Connection, id: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE mention_totals SET stories = stories - 1
         WHERE (kind, name, detail) IN
             (SELECT kind, name, detail FROM mentions WHERE story_id = ?1)",
    )?
    .execute([id])?;
    tx.prepare_cached(
        "DELETE FROM mention_totals
         WHERE stories <= 0
           AND (kind, name, detail) IN
               (SELECT kind, name, detail FROM mentions WHERE story_id = ?1)",
    )?
    .execute([id])?;
    tx.prepare_cached("DELETE FROM mentions WHERE story_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The all-time top names of kind `?1` (`limit` `?4`) in three stories or
/// more, read from their partial index: the condition is written as the
/// index's is, so that the planner can use it. `?2` and `?3` are the other
/// forms' window and story set, unused.
const TOP_REPEATED_NAMES: &str = "SELECT name, NULLIF(detail, ''), stories FROM mention_totals
     WHERE kind = +?1 AND stories >= 3 AND ?2 = ?2 AND ?3 IS NULL
     ORDER BY stories DESC, name, detail LIMIT +?4";

/// [`TOP_REPEATED_NAMES`] among every name of the kind.
const TOP_NAMES: &str = "SELECT name, NULLIF(detail, ''), stories FROM mention_totals
     WHERE kind = +?1 AND ?2 = ?2 AND ?3 IS NULL
     ORDER BY stories DESC, name, detail LIMIT +?4";

/// The top names of kind `?1` among the mentions published at or after
/// `?2`, read from the time index (`?3` unused, `?4` the limit).
const WINDOW_NAMES: &str = "SELECT name, NULLIF(detail, ''), COUNT(*) AS n FROM mentions
     WHERE kind = +?1 AND published >= ?2 AND ?3 IS NULL
     GROUP BY name, detail ORDER BY n DESC, name, detail LIMIT +?4";

/// A revision's place in a story's history.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionEntry {
    /// The revision number, from 1.
    pub revision: u32,
    /// Its wire sequence.
    pub seq: u64,
    /// Its headline.
    pub headline: String,
    /// When newsterm received it.
    pub received: OffsetDateTime,
    /// Update, correction or withdrawal.
    pub kind: RevisionKind,
    /// The correction's note or the withdrawal's reason.
    pub note: Option<String>,
}

/// The single writer. There must be exactly one per database: it owns the
/// next wire sequence number.
pub struct Writer {
    conn: Connection,
    last_seq: u64,
    /// Highest log position placed, stored or not (see [`Writer::place`]).
    log_seq: u64,
}

/// The story store's file. Migrations are only ever appended.
const DATABASE: Database = Database {
    name: "story store",
    // FULL makes each commit durable before it returns, which is what an
    // acknowledgement promises.
    synchronous: Synchronous::Full,
    foreign_keys: false,
    migrations: &[
        // 1: files made before schema versions lived in `user_version`
        // already hold these tables, hence IF NOT EXISTS.
        "CREATE TABLE IF NOT EXISTS stories (
             id TEXT PRIMARY KEY,
             latest_revision INTEGER NOT NULL,
             latest_seq INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS revisions (
             seq INTEGER PRIMARY KEY,
             id TEXT NOT NULL,
             revision INTEGER NOT NULL,
             received INTEGER NOT NULL,
             content TEXT NOT NULL,
             tags TEXT NOT NULL DEFAULT '{}',
             UNIQUE (id, revision)
         );
         CREATE INDEX IF NOT EXISTS stories_latest ON stories (latest_seq);
         CREATE TABLE IF NOT EXISTS mentions (
             story_id TEXT NOT NULL,
             kind TEXT NOT NULL,
             name TEXT NOT NULL,
             detail TEXT,
             published INTEGER NOT NULL,
             PRIMARY KEY (story_id, kind, name)
         ) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS mentions_by_kind ON mentions (kind, published);",
        // 2: where a cluster node's log position and publishers'
        // idempotency keys live. Files from before user_version may hold
        // an old `meta` already.
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS publish_keys (
             key TEXT PRIMARY KEY,
             seq INTEGER NOT NULL,
             at INTEGER NOT NULL
         ) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS publish_keys_at ON publish_keys (at);",
        // 3: each name's story count, kept by triggers as mentions come and
        // go, so that the all-time facets read their top names from an
        // index instead of counting every mention of the archive (a GROUP
        // BY that grew with it: the facets a terminal opens on must not).
        // The detail kept is the greatest seen, as MAX(detail) gave.
        "CREATE TABLE mention_totals (
             kind TEXT NOT NULL,
             name TEXT NOT NULL,
             detail TEXT,
             stories INTEGER NOT NULL,
             PRIMARY KEY (kind, name)
         ) WITHOUT ROWID;
         INSERT INTO mention_totals (kind, name, detail, stories)
             SELECT kind, name, MAX(detail), COUNT(*) FROM mentions GROUP BY kind, name;
         CREATE INDEX mention_totals_top ON mention_totals (kind, stories);
         CREATE TRIGGER mention_counted AFTER INSERT ON mentions BEGIN
             INSERT INTO mention_totals (kind, name, detail, stories)
                 VALUES (NEW.kind, NEW.name, NEW.detail, 1)
             ON CONFLICT (kind, name) DO UPDATE SET
                 stories = stories + 1,
                 detail = CASE WHEN detail IS NULL OR excluded.detail > detail
                               THEN COALESCE(excluded.detail, detail) ELSE detail END;
         END;
         CREATE TRIGGER mention_uncounted AFTER DELETE ON mentions BEGIN
             UPDATE mention_totals SET stories = stories - 1
                 WHERE kind = OLD.kind AND name = OLD.name;
             DELETE FROM mention_totals
                 WHERE kind = OLD.kind AND name = OLD.name AND stories <= 0;
         END;",
        // 4: the tagger version of each story's latest revision beside the
        // story, where counting what a tagger upgrade must tag again reads
        // an index instead of every story's tags JSON (which is stored
        // deflated from this version on, out of SQL's reach).
        "ALTER TABLE stories ADD COLUMN tag_version INTEGER NOT NULL DEFAULT 0;
         UPDATE stories SET tag_version = COALESCE((
             SELECT json_extract(r.tags, '$.version') FROM revisions r
             WHERE r.seq = stories.latest_seq AND json_valid(r.tags)), 0);
         CREATE INDEX stories_tag_version ON stories (tag_version);",
        // 5: the writer keeps mention_totals itself (see replace_mentions),
        // a story at a time: the triggers ran once per mention row, each
        // with its statement journal. The totals they kept so far stay
        // right, so only the triggers go.
        "DROP TRIGGER IF EXISTS mention_counted;
         DROP TRIGGER IF EXISTS mention_uncounted;",
        // 6: the top-names index holds only names in three stories or
        // more. Most names are in one or two, and each new story moved
        // each of its names' entries between those crowded counts: a
        // quarter of a tagged publish's WAL pages (8 of 35). Reads ask
        // for `stories >= 3` in these words, so the planner can use it.
        "DROP INDEX IF EXISTS mention_totals_top;
         CREATE INDEX IF NOT EXISTS mention_totals_repeated ON mention_totals (kind, stories)
             WHERE stories >= 3;",
        // 7: a mention is of a name and its detail: Georgia in the US and
        // Georgia the country, or Hyde Park in London and in New York,
        // are two rows of the places facet, each with its own count, where
        // the name alone made one row of both (and a story naming both
        // kept only the first). No detail is stored as '' (a key's columns
        // cannot be NULL here) and read back as none.
        "CREATE TABLE mentions_of_things (
             story_id TEXT NOT NULL,
             kind TEXT NOT NULL,
             name TEXT NOT NULL,
             detail TEXT NOT NULL DEFAULT '',
             published INTEGER NOT NULL,
             PRIMARY KEY (story_id, kind, name, detail)
         ) WITHOUT ROWID;
         INSERT INTO mentions_of_things (story_id, kind, name, detail, published)
             SELECT story_id, kind, name, COALESCE(detail, ''), published FROM mentions;
         DROP TABLE mentions;
         ALTER TABLE mentions_of_things RENAME TO mentions;
         CREATE INDEX mentions_by_kind ON mentions (kind, published);
         CREATE TABLE totals_of_things (
             kind TEXT NOT NULL,
             name TEXT NOT NULL,
             detail TEXT NOT NULL DEFAULT '',
             stories INTEGER NOT NULL,
             PRIMARY KEY (kind, name, detail)
         ) WITHOUT ROWID;
         INSERT INTO totals_of_things (kind, name, detail, stories)
             SELECT kind, name, detail, COUNT(*) FROM mentions GROUP BY kind, name, detail;
         DROP TABLE mention_totals;
         ALTER TABLE totals_of_things RENAME TO mention_totals;
         CREATE INDEX mention_totals_repeated ON mention_totals (kind, stories)
             WHERE stories >= 3;",
        // 8: mentions by time alone. Keyed by kind first, a story's
        // mentions went to the newest leaf of each kind's range: a page
        // of the WAL per kind for every publish (5.2 of a tagged
        // publish's 24.6). By time, a new story's mentions share the
        // newest leaves. A window's facet reads every kind's mentions of
        // the window and keeps its own (the index holds the key's
        // columns, so it is still read alone); trends read them all.
        "DROP INDEX IF EXISTS mentions_by_kind;
         CREATE INDEX IF NOT EXISTS mentions_by_time ON mentions (published);",
        // 9: changes to mention_totals left waiting, to be folded in
        // later in batches (one build, 2026-12-07).
        "CREATE TABLE IF NOT EXISTS mention_deltas (
             kind TEXT NOT NULL,
             name TEXT NOT NULL,
             detail TEXT NOT NULL DEFAULT '',
             change INTEGER NOT NULL
         );",
        // 10: ...and given up (BENCHMARKS.md, "A publish's facet rows"):
        // at a million stories a batch's names seldom repeated, so
        // folding cost more than counting each name as it came, and the
        // folds stood in the publishes' way. What waits is folded in
        // once, here, and the writer counts every name in the totals
        // again.
        "INSERT INTO mention_totals (kind, name, detail, stories)
             SELECT kind, name, detail, SUM(change) FROM mention_deltas
             WHERE true GROUP BY kind, name, detail
             ON CONFLICT (kind, name, detail) DO UPDATE SET stories = stories + excluded.stories;
         DELETE FROM mention_totals WHERE stories <= 0;
         DROP TABLE mention_deltas;",
    ],
};

impl Writer {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Writer, StoreError> {
        let conn = DATABASE.open(path)?;
        // Checkpoints copy the WAL into the database and fsync it; done
        // inside a commit they stall that publish for milliseconds. The
        // [`Checkpointer`] runs them on its own connection instead.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        // A bulk import's transaction (1,000 stories, each with its tags
        // and a score of mentions) dirties more pages than SQLite's default
        // 2 MiB cache holds, and SQLite then spills them to the WAL before
        // the commit, some more than once. A statement that writes several
        // rows keeps a statement journal, in a temporary file once past
        // 64 KiB. In a profile of a
        // tagged import the two were most of the writer's time on mentions
        // (a third of the writer thread); memory is cheaper. What is stored
        // does not change.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Files from before the lifecycle columns; done outside the
        // numbered migrations because some files got the columns before
        // schema versions lived in user_version. New columns go in
        // DATABASE.migrations.
        add_lifecycle_columns(&conn)?;
        let last_seq: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM revisions", [], |r| {
                r.get(0)
            })?;
        let log_seq: Option<i64> = conn
            .query_row("SELECT value FROM meta WHERE key = 'log_seq'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(Writer {
            conn,
            last_seq: last_seq as u64,
            log_seq: log_seq.unwrap_or(0).max(last_seq) as u64,
        })
    }

    /// The highest wire sequence stored.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// The highest wire sequence placed, including a replicated write
    /// that stored nothing: where following the log resumes.
    pub fn log_seq(&self) -> u64 {
        self.log_seq
    }

    /// Appends `writes` in one durable transaction, in order.
    ///
    /// The outer error means nothing was stored (for instance a full
    /// disk). Otherwise each write has its own result: a revision of an
    /// unknown story fails alone, the others are stored.
    pub fn append(
        &mut self,
        writes: Vec<Write>,
        received: OffsetDateTime,
    ) -> Result<Vec<Result<Story, StoreError>>, StoreError> {
        let placed = self.place(
            writes
                .into_iter()
                .map(|w| Placed::next(w, received))
                .collect(),
        )?;
        Ok(placed
            .into_iter()
            .map(|r| r.map(Placement::into_story))
            .collect())
    }

    /// Stores `writes` in one durable transaction, in order, each at its
    /// given sequence (a replicated log's) or the next one.
    ///
    /// A write with a given sequence that fails (a revision of a story
    /// that is not there) leaves that number unused, so every replica
    /// that places the same log ends with the same numbers; a write
    /// numbered here takes no number when it fails. A write whose
    /// idempotency key is already stored is answered with the revision
    /// the key first made. The outer error means nothing was stored.
    pub fn place(
        &mut self,
        writes: Vec<Placed>,
    ) -> Result<Vec<Result<Placement, StoreError>>, StoreError> {
        self.place_in_transaction(writes)
            .map_err(|e| no_room(&self.conn, e))
    }

    fn place_in_transaction(
        &mut self,
        writes: Vec<Placed>,
    ) -> Result<Vec<Result<Placement, StoreError>>, StoreError> {
        let tx = begin_write(&mut self.conn)?;
        let mut seq = self.last_seq;
        let mut log_seq = self.log_seq;
        let mut results = Vec::with_capacity(writes.len());
        {
            let mut find = tx.prepare_cached(
                "SELECT s.latest_revision, r.kind
                 FROM stories s JOIN revisions r ON r.seq = s.latest_seq WHERE s.id = +?1",
            )?;
            let mut find_text = tx.prepare_cached(
                "SELECT r.seq, r.kind, r.content, r.tags
                 FROM stories s JOIN revisions r ON r.seq = s.latest_seq WHERE s.id = +?1",
            )?;
            let mut insert_rev = tx.prepare_cached(
                "INSERT INTO revisions (seq, id, revision, received, content, tags, kind, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut upsert_story = tx.prepare_cached(
                "INSERT INTO stories (id, latest_revision, latest_seq, event, duplicate_of, tag_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET latest_revision = excluded.latest_revision,
                                                latest_seq = excluded.latest_seq,
                                                tag_version = excluded.tag_version,
                                                event = COALESCE(stories.event, excluded.event),
                                                duplicate_of = COALESCE(stories.duplicate_of, excluded.duplicate_of)
                 RETURNING event, duplicate_of",
            )?;
            let mut find_key = tx.prepare_cached(KEYED)?;
            let mut insert_key = tx.prepare_cached(
                "INSERT OR IGNORE INTO publish_keys (key, seq, at) VALUES (?1, ?2, ?3)",
            )?;
            for placed in writes {
                if let Some(given) = placed.seq {
                    if given <= log_seq {
                        results.push(Err(StoreError::OutOfOrder {
                            seq: given,
                            last: log_seq,
                        }));
                        continue;
                    }
                    log_seq = given;
                }
                if let Some(key) = &placed.key
                    && let Some(raw) = find_key.query_row([key], row_to_raw).optional()?
                {
                    results.push(raw.into_story().map(Placement::Repeat));
                    continue;
                }
                let received = placed.received;
                let (rev, content_json, tags_json) = match placed.write.into_revision() {
                    // A first revision takes the id its publisher minted.
                    Ok(rev) => (
                        NewRevision {
                            id: placed.id.filter(|_| rev.first).unwrap_or(rev.id),
                            ..rev
                        },
                        None,
                        None,
                    ),
                    Err((id, reason)) => {
                        // A withdrawal repeats the latest text as stored, so
                        // the history shows what was withdrawn.
                        let latest: Option<(i64, Option<String>, StoredText, StoredText)> =
                            find_text
                                .query_row([id.to_string()], |r| {
                                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                                })
                                .optional()?;
                        let Some((latest_seq, kind, content, tags)) = latest else {
                            results.push(Err(StoreError::NotFound(id)));
                            continue;
                        };
                        if kind.as_deref() == Some(RevisionKind::Withdrawal.as_str()) {
                            results.push(Err(StoreError::Withdrawn(id)));
                            continue;
                        }
                        let (parsed_content, parsed_tags) =
                            parse_texts(latest_seq as u64, content.as_ref(), tags.as_ref())?;
                        let rev = NewRevision {
                            id,
                            first: false,
                            content: parsed_content,
                            tags: parsed_tags,
                            mark: RevisionMark {
                                kind: RevisionKind::Withdrawal,
                                note: Some(reason),
                                ..RevisionMark::default()
                            },
                            base: None,
                        };
                        (rev, Some(content), Some(tags))
                    }
                };
                let id_text = rev.id.to_string();
                let latest: Option<(u32, Option<String>)> = find
                    .query_row([&id_text], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let revision = match (rev.first, latest) {
                    (true, None) => 1,
                    (true, Some(_)) => {
                        results.push(Err(StoreError::Exists(rev.id)));
                        continue;
                    }
                    (false, None) => {
                        results.push(Err(StoreError::NotFound(rev.id)));
                        continue;
                    }
                    (false, Some((_, Some(kind)))) if kind == RevisionKind::Withdrawal.as_str() => {
                        results.push(Err(StoreError::Withdrawn(rev.id)));
                        continue;
                    }
                    (false, Some((latest, _))) if rev.base.is_some_and(|base| base != latest) => {
                        results.push(Err(StoreError::Stale {
                            id: rev.id,
                            expected: rev.base.unwrap_or_default(),
                            latest,
                        }));
                        continue;
                    }
                    (false, Some((r, _))) => r + 1,
                };
                seq = placed.seq.unwrap_or(seq + 1);
                let corrupt = |e: serde_json::Error| StoreError::Corrupt {
                    seq,
                    message: e.to_string(),
                };
                let json = match content_json {
                    Some(j) => j,
                    None => {
                        StoredText::pack(&serde_json::to_string(&rev.content).map_err(corrupt)?)
                    }
                };
                let tags_json = match tags_json {
                    Some(j) => j,
                    None => StoredText::pack(&serde_json::to_string(&rev.tags).map_err(corrupt)?),
                };
                let kind = (!rev.mark.kind.is_update()).then(|| rev.mark.kind.as_str());
                insert_rev.execute(params![
                    seq as i64,
                    id_text,
                    revision,
                    unix_nanos(received),
                    json,
                    tags_json,
                    kind,
                    rev.mark.note,
                ])?;
                let (event, duplicate_of): (Option<String>, Option<String>) = upsert_story
                    .query_row(
                        params![
                            id_text,
                            revision,
                            seq as i64,
                            rev.mark.event.map(|e| e.to_string()),
                            rev.mark.duplicate_of.map(|d| d.to_string()),
                            rev.tags.version,
                        ],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?;
                if let Some(key) = &placed.key {
                    insert_key.execute(params![key, seq as i64, received.unix_timestamp()])?;
                }
                if rev.mark.is_withdrawn() {
                    // A withdrawn story is counted in no facet.
                    drop_mentions(&tx, &id_text)?;
                } else {
                    replace_mentions(
                        &tx,
                        &id_text,
                        rev.content.published,
                        &rev.tags,
                        revision == 1,
                    )?;
                }
                results.push(Ok(Placement::Stored(Story {
                    id: rev.id,
                    revision,
                    seq,
                    content: rev.content,
                    tags: rev.tags,
                    received,
                    mark: RevisionMark {
                        kind: rev.mark.kind,
                        note: rev.mark.note,
                        event: parse_link(seq, event.as_deref())?,
                        duplicate_of: parse_link(seq, duplicate_of.as_deref())?,
                    },
                })));
            }
        }
        if log_seq > seq {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('log_seq', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [log_seq as i64],
            )?;
        }
        tx.commit()?;
        self.last_seq = seq;
        self.log_seq = log_seq.max(seq);
        Ok(results)
    }

    /// Forgets idempotency keys older than [`KEY_RETENTION`]. Cheap
    /// (indexed by time); the writer calls it now and then.
    pub fn forget_keys(&mut self, now: OffsetDateTime) -> Result<usize, StoreError> {
        let before = (now - KEY_RETENTION).unix_timestamp();
        Ok(self
            .conn
            .execute("DELETE FROM publish_keys WHERE at < ?1", [before])?)
    }

    /// Replaces the tags stored with one revision (re-tagging), and the
    /// story's facet mentions when it is the latest revision.
    pub fn set_tags(&mut self, story: &Story) -> Result<(), StoreError> {
        self.set_tags_in_transaction(story)
            .map_err(|e| no_room(&self.conn, e))
    }

    fn set_tags_in_transaction(&mut self, story: &Story) -> Result<(), StoreError> {
        let json = StoredText::pack(&serde_json::to_string(&story.tags).map_err(|e| {
            StoreError::Corrupt {
                seq: story.seq,
                message: e.to_string(),
            }
        })?);
        let tx = begin_write(&mut self.conn)?;
        tx.execute(
            "UPDATE revisions SET tags = ?1 WHERE seq = ?2",
            params![json, story.seq as i64],
        )?;
        // The story's own record follows only its latest revision's tags.
        let id = story.id.to_string();
        let latest = tx.execute(
            "UPDATE stories SET tag_version = ?1 WHERE id = ?2 AND latest_seq = ?3",
            params![story.tags.version, id, story.seq as i64],
        )? == 1;
        if latest {
            replace_mentions(&tx, &id, story.content.published, &story.tags, false)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// SQLite calls only ENOSPC a full disk. A quota (EDQUOT) or a file-size
/// limit (EFBIG) met while writing is a plain I/O error to it, though to
/// whoever publishes it is the same: no room, nothing stored (the
/// transaction was rolled back), try again when there is.
fn no_room(conn: &Connection, e: StoreError) -> StoreError {
    if let StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) = &e
        && f.code == rusqlite::ErrorCode::SystemIoFailure
    {
        // SAFETY: sqlite3_system_errno only reads the connection, which
        // is open and used by this thread alone (`&mut self` above).
        let errno = unsafe { rusqlite::ffi::sqlite3_system_errno(conn.handle()) };
        use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
        if matches!(
            std::io::Error::from_raw_os_error(errno).kind(),
            StorageFull | QuotaExceeded | FileTooLarge
        ) {
            return StoreError::DiskFull;
        }
    }
    e
}

/// Starts a write transaction holding the write lock from its first
/// statement. A deferred one would start reading, and SQLite refuses to
/// upgrade a read to a write while another connection holds the lock (the
/// [`Checkpointer`] rewinding the WAL) without waiting out the busy
/// timeout: the write would fail "database is locked".
fn begin_write(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}

/// Largest the WAL file is left at: beyond it the [`Checkpointer`]
/// truncates it. A WAL is replayed by every reader that opens the store
/// and costs disk beside the database, so a bulk import must not leave
/// gigabytes of it behind.
pub const WAL_LIMIT: u64 = 64 << 20;

/// Writes a consistent copy of the store at `path` to `dest` (which must
/// not exist) without stopping the writer, and returns the log position
/// the copy holds: what a node that joins late starts from.
pub fn snapshot(path: &Path, dest: &Path) -> Result<u64, StoreError> {
    let conn = DATABASE.connect(path, Access::ReadOnly)?;
    let dest_text = dest.to_str().ok_or_else(|| {
        StoreError::Open(Box::new(OpenError::Sqlite {
            name: DATABASE.name,
            path: dest.to_path_buf(),
            source: rusqlite::Error::InvalidPath(dest.to_path_buf()),
        }))
    })?;
    // One statement, one read transaction: the copy is of one moment.
    conn.execute("VACUUM INTO ?1", [dest_text])?;
    drop(conn);
    Ok(Writer::open(dest)?.log_seq())
}

/// Moves the WAL into the database file in the background, off the
/// publish path, every `every`, and keeps the WAL file under a limit.
/// Stops when dropped, emptying the WAL file.
///
/// Each round is a PASSIVE checkpoint, which never waits for the writer
/// or readers: what it cannot copy now it copies next time. Under a
/// steady stream of writes that never empties the WAL (SQLite rewinds it
/// only once every frame is copied, and a new frame is always there), so
/// when the file has grown past the limit the PASSIVE round, having just
/// copied nearly all of it, is followed by one that holds the write lock
/// for the few frames written since:
///
/// - while stories keep coming, a RESTART: the next commit writes from
///   the start of the file again, so it grows no further. Truncating it
///   there instead cost the writer 25–35 ms each time (giving the blocks
///   of 64 MiB back is slow), once a second under 200 publishes a second: the
///   tail of every publish's acknowledgement.
/// - once a round has seen no commit, a TRUNCATE: it gives the disk back
///   while no one is waiting to write.
///
/// Neither waits for readers more than [`Patience::Brief`]: a long read
/// must not hold the writer out. What it could not do, the next round does.
pub struct Checkpointer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the store at `path` every `every`, rewinding the WAL beyond [`WAL_LIMIT`].
    pub fn start(path: &Path, every: std::time::Duration) -> Result<Checkpointer, StoreError> {
        Checkpointer::start_with_limit(path, every, WAL_LIMIT)
    }

    /// Like [`Checkpointer::start`], rewinding the WAL beyond `limit` bytes.
    pub fn start_with_limit(
        path: &Path,
        every: std::time::Duration,
        limit: u64,
    ) -> Result<Checkpointer, StoreError> {
        let mut conn = DATABASE.connect(path, Access::ReadWrite)?;
        newsterm_sqlite::set_patience(&mut conn, Patience::Brief)?;
        let wal = wal_path(path);
        let (stop, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("newsterm-checkpoint".into())
            .spawn(move || {
                let mut seen = data_version(&conn);
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    let now = data_version(&conn);
                    checkpoint_round(&conn, &wal, limit, now == seen);
                    seen = now;
                }
                // Stopping: leave no WAL behind at all.
                checkpoint_round(&conn, &wal, 0, true);
            })
            .map_err(StoreError::Thread)?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// The WAL file SQLite keeps beside the database at `path`.
pub fn wal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// A number that changes whenever another connection commits (`None`
/// if it cannot be read, which never counts as quiet).
fn data_version(conn: &Connection) -> Option<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0)).ok()
}

/// One round of the [`Checkpointer`]; `quiet` when nothing was committed
/// since the last round.
fn checkpoint_round(conn: &Connection, wal: &Path, limit: u64, quiet: bool) {
    let busy = |e: &rusqlite::Error| {
        matches!(e, rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    };
    let run =
        |mode: &str| conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(()));
    if let Err(e) = run("PASSIVE")
        && !busy(&e)
    {
        tracing::warn!(error = %e, "WAL checkpoint failed");
        return;
    }
    let size = std::fs::metadata(wal).map_or(0, |m| m.len());
    if size <= limit {
        return;
    }
    let mode = if quiet { "TRUNCATE" } else { "RESTART" };
    if let Err(e) = run(mode)
        && !busy(&e)
    {
        tracing::warn!(error = %e, mode, "WAL rewind failed");
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Read access, safe to share between threads; reads never block the writer.
pub struct Reader {
    conns: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl Reader {
    /// Opens `connections` read-only connections on an existing store.
    pub fn open(path: &Path, connections: usize) -> Result<Reader, StoreError> {
        let conns = (0..connections.max(1))
            .map(|_| {
                DATABASE
                    .connect(path, Access::ReadOnly)
                    .map(Mutex::new)
                    .map_err(StoreError::from)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Reader {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(conn) = self.conns[(start + i) % n].try_lock() {
                return f(&conn);
            }
        }
        let conn = self.conns[start % n]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&conn)
    }

    /// The latest revision of a story.
    pub fn latest(&self, id: StoryId) -> Result<Option<Story>, StoreError> {
        self.with(|c| one_story(c, LATEST, [id.to_string()]))
    }

    /// One revision of a story.
    pub fn revision(&self, id: StoryId, revision: u32) -> Result<Option<Story>, StoreError> {
        self.with(|c| one_story(c, select_revision!(
                "FROM revisions r JOIN stories s ON s.id = r.id WHERE r.id = +?1 AND r.revision = +?2"
            ), params![id.to_string(), revision]))
    }

    /// The revision stored at wire sequence `seq`.
    pub fn at(&self, seq: u64) -> Result<Option<Story>, StoreError> {
        self.with(|c| {
            one_story(
                c,
                select_revision!(
                    "FROM revisions r JOIN stories s ON s.id = r.id WHERE r.seq = +?1"
                ),
                [seq as i64],
            )
        })
    }

    /// The revision an idempotency key made, if the key is remembered.
    pub fn keyed(&self, key: &str) -> Result<Option<Story>, StoreError> {
        self.with(|c| one_story(c, KEYED, [key]))
    }

    /// What a list needs to order the stories `ids` and fold copies into
    /// the stories they repeat before it reads any: each existing story's
    /// latest wire sequence and the story it copies, in the order given
    /// (ids the store does not hold are left out).
    pub fn list_marks(&self, ids: &[StoryId]) -> Result<Vec<ListMark>, StoreError> {
        self.with(|c| {
            let mut stmt =
                c.prepare_cached("SELECT latest_seq, duplicate_of FROM stories WHERE id = ?1")?;
            let mut marks = Vec::with_capacity(ids.len());
            for &id in ids {
                let row = stmt
                    .query_row([id.to_string()], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
                    })
                    .optional()?;
                if let Some((seq, copies)) = row {
                    let seq = seq as u64;
                    marks.push(ListMark {
                        id,
                        seq,
                        duplicate_of: parse_link(seq, copies.as_deref())?,
                    });
                }
            }
            Ok(marks)
        })
    }

    /// The heads of the latest revisions of the stories `ids`, in the
    /// order given (ids the store does not hold are left out): what a list
    /// shows of each story, read without building its body or its tags.
    pub fn heads(&self, ids: &[StoryId]) -> Result<Vec<StoryHead>, StoreError> {
        self.latest_rows(ids, RawRow::into_head)
    }

    /// The latest revisions of the stories `ids`, in the order given (ids
    /// the store does not hold are left out), with **only the entities of
    /// their tags**: what the map counts of each story. Its quotes,
    /// figures, topics and highlights are left unbuilt.
    pub fn latest_with_entities(&self, ids: &[StoryId]) -> Result<Vec<Story>, StoreError> {
        self.latest_rows(ids, RawRow::into_story_from::<TagEntities>)
    }

    /// The latest revisions of the stories `ids`, in the order given (ids
    /// the store does not hold are left out), each built by `build`.
    fn latest_rows<T>(
        &self,
        ids: &[StoryId],
        build: impl Fn(RawRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(LATEST)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(row) = stmt.query_row([id.to_string()], row_to_raw).optional()? {
                    out.push(build(row)?);
                }
            }
            Ok(out)
        })
    }

    /// The heads of the latest revisions of the stories most recently
    /// published or revised, newest first ([`Reader::recent`] without the
    /// bodies and tags).
    pub fn recent_heads(&self, limit: usize) -> Result<Vec<StoryHead>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(RECENT)?;
            let rows = stmt.query_map([limit as i64], row_to_raw)?;
            rows.map(|r| r?.into_head()).collect()
        })
    }

    /// The wire sequence of a story's latest revision, if it exists.
    pub fn latest_seq(&self, id: StoryId) -> Result<Option<u64>, StoreError> {
        self.with(|c| {
            let seq: Option<i64> = c
                .prepare_cached("SELECT latest_seq FROM stories WHERE id = ?1")?
                .query_row([id.to_string()], |r| r.get(0))
                .optional()?;
            Ok(seq.map(|s| s as u64))
        })
    }

    /// Every revision of a story, oldest first; empty if it does not exist.
    pub fn revisions(&self, id: StoryId) -> Result<Vec<RevisionEntry>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(select_revision!(
                "FROM revisions r JOIN stories s ON s.id = r.id WHERE r.id = +?1 ORDER BY r.revision"
            ))?;
            let rows = stmt.query_map([id.to_string()], row_to_raw)?;
            let mut out = Vec::new();
            for row in rows {
                let head = row?.into_head()?;
                out.push(RevisionEntry {
                    revision: head.revision,
                    seq: head.seq,
                    headline: head.headline,
                    received: head.received,
                    kind: head.mark.kind,
                    note: head.mark.note,
                });
            }
            Ok(out)
        })
    }

    /// Revisions with a wire sequence above `after`, in sequence order, at
    /// most `limit`: what a resuming subscriber or the indexer catches up on.
    pub fn since(&self, after: u64, limit: usize) -> Result<Vec<Story>, StoreError> {
        self.with(|c| {
            page_after(
                c,
                select_revision!("FROM revisions r JOIN stories s ON s.id = r.id WHERE r.seq > ?1 ORDER BY r.seq LIMIT +?2"),
                after,
                limit,
            )
        })
    }

    /// The revisions stored at these wire sequence numbers, in the same
    /// order, `None` where there is none, with **only the topics of their
    /// tags**: how the search index reads the text of its hits, which it
    /// does not keep. A hit shows its top topic and no other tag, and a
    /// tagged story's tags (every mention, quote and figure) run to twice
    /// its text: building them was most of the work for each hit.
    pub fn topics_at_seqs(&self, seqs: &[u64]) -> Result<Vec<Option<Story>>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(select_revision!(
                "FROM revisions r JOIN stories s ON s.id = r.id WHERE r.seq = +?1"
            ))?;
            seqs.iter()
                .map(|&seq| {
                    stmt.query_row([seq as i64], row_to_raw)
                        .optional()?
                        .map(RawRow::into_story_from::<TagTopics>)
                        .transpose()
                })
                .collect()
        })
    }

    /// The latest revision of the stories most recently published or
    /// revised, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<Story>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(RECENT)?;
            let rows = stmt.query_map([limit as i64], row_to_raw)?;
            rows.map(|r| r?.into_story()).collect()
        })
    }

    /// The latest revision of the stories of one event, oldest first, at
    /// most `limit` (withdrawn ones included: callers decide).
    pub fn event_stories(&self, event: EventId, limit: usize) -> Result<Vec<Story>, StoreError> {
        self.latest_where("s.event = +?1 ORDER BY s.rowid", &event.to_string(), limit)
    }

    /// The latest revision of the stories that nearly repeat `id` (other
    /// sources carrying the same copy), oldest first.
    pub fn duplicates_of(&self, id: StoryId, limit: usize) -> Result<Vec<Story>, StoreError> {
        self.latest_where(
            "s.duplicate_of = +?1 ORDER BY s.rowid",
            &id.to_string(),
            limit,
        )
    }

    fn latest_where(
        &self,
        filter: &str,
        arg: &str,
        limit: usize,
    ) -> Result<Vec<Story>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(&format!(
                concat!(
                    select_revision!(),
                    "FROM stories s JOIN revisions r ON r.seq = s.latest_seq WHERE {filter} LIMIT +?2"
                ),
                filter = filter
            ))?;
            let rows = stmt.query_map(params![arg, limit as i64], row_to_raw)?;
            rows.map(|r| r?.into_story()).collect()
        })
    }

    /// Withdrawals received at or after `since`, newest first, at most
    /// `limit`: what feeds announce as deleted entries.
    pub fn withdrawals(
        &self,
        since: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<Story>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(select_revision!(
                "FROM revisions r JOIN stories s ON s.id = r.id
                 WHERE r.kind = 'withdrawal' AND r.received >= ?1
                 ORDER BY r.received DESC LIMIT +?2"
            ))?;
            let rows = stmt.query_map(params![unix_nanos(since), limit as i64], row_to_raw)?;
            rows.map(|r| r?.into_story()).collect()
        })
    }

    /// The highest wire sequence stored.
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        self.with(|c| {
            let n: i64 = c.query_row("SELECT COALESCE(MAX(seq), 0) FROM revisions", [], |r| {
                r.get(0)
            })?;
            Ok(n as u64)
        })
    }

    /// How many stories (not revisions) the store holds.
    pub fn story_count(&self) -> Result<u64, StoreError> {
        self.with(|c| {
            let n: i64 = c.query_row("SELECT COUNT(*) FROM stories", [], |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    /// The most mentioned names of `kind` among latest revisions published
    /// at or after `since`, optionally only among the stories `among`.
    pub fn mention_counts(
        &self,
        kind: MentionKind,
        since: Option<OffsetDateTime>,
        among: Option<&[StoryId]>,
        limit: usize,
    ) -> Result<Vec<MentionCount>, StoreError> {
        let since = since.map_or(i64::MIN, |t| t.unix_timestamp());
        let among_json = among.map(|ids| {
            serde_json::Value::from(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>())
                .to_string()
        });
        // Each form reads only what it counts, never the whole archive's
        // mentions: all time, the kept totals from their index; a set of
        // stories, each story's mentions by key (the unary `+` keeps the
        // planner off the time index, which would scan every mention
        // and test it against the set); a window alone, the mentions
        // published in it.
        let (sql, fewer) = match (among_json.is_some(), since == i64::MIN) {
            // Names in three stories or more are indexed; when there are
            // not `limit` of them, every name of the kind is read, which
            // happens only while few of its names repeat.
            (false, true) => (TOP_REPEATED_NAMES, Some(TOP_NAMES)),
            (true, _) => (
                "SELECT m.name, NULLIF(m.detail, ''), COUNT(*) AS n
                 FROM json_each(?3) AS j CROSS JOIN mentions AS m
                   ON m.story_id = j.value AND m.kind = +?1
                 WHERE +m.published >= ?2
                 GROUP BY m.name, m.detail ORDER BY n DESC, m.name, m.detail LIMIT +?4",
                None,
            ),
            (false, false) => (WINDOW_NAMES, None),
        };
        let read = |c: &Connection, sql: &str| -> Result<Vec<MentionCount>, StoreError> {
            let mut stmt = c.prepare_cached(sql)?;
            let rows = stmt.query_map(
                params![kind.as_str(), since, among_json, limit as i64],
                |r| {
                    Ok(MentionCount {
                        name: r.get(0)?,
                        detail: r.get(1)?,
                        count: r.get::<_, i64>(2)? as u64,
                    })
                },
            )?;
            rows.map(|r| r.map_err(StoreError::from)).collect()
        };
        self.with(|c| {
            let counts = read(c, sql)?;
            match fewer {
                Some(all) if counts.len() < limit => read(c, all),
                _ => Ok(counts),
            }
        })
    }

    /// Stories whose latest revision was tagged by a tagger version below
    /// `version` (or never tagged): what a tagger upgrade has to tag again.
    pub fn count_tagged_before(&self, version: u32) -> Result<u64, StoreError> {
        self.with(|c| {
            let n: i64 = c.query_row(
                "SELECT COUNT(*) FROM stories WHERE tag_version < ?1",
                [version],
                |r| r.get(0),
            )?;
            Ok(n as u64)
        })
    }

    /// Every name of the entity kinds with a mention published at or after
    /// `baseline_from`, with how many stories mention it from `recent_from`
    /// on and how many before: what "moving now" compares. Names with no
    /// recent mention are left out.
    pub fn mention_trends(
        &self,
        baseline_from: OffsetDateTime,
        recent_from: OffsetDateTime,
    ) -> Result<Vec<MentionTrend>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT kind, name, NULLIF(detail, ''),
                        SUM(published >= ?2) AS recent, SUM(published < ?2) AS before
                 FROM mentions WHERE published >= ?1
                 GROUP BY kind, name, detail HAVING recent > 0",
            )?;
            let rows = stmt.query_map(
                params![baseline_from.unix_timestamp(), recent_from.unix_timestamp()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )?;
            let mut out = Vec::new();
            for row in rows {
                let (kind, name, detail, recent, before) = row?;
                if let Some(kind) = MentionKind::parse(&kind) {
                    out.push(MentionTrend {
                        kind,
                        name,
                        detail,
                        recent: recent as u64,
                        before: before as u64,
                    });
                }
            }
            Ok(out)
        })
    }

    /// Calls `f` with the latest revision of every story, in sequence
    /// order, in pages: what a re-index walks.
    pub fn for_each_latest(
        &self,
        page: usize,
        f: impl FnMut(Story) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.for_each_latest_after(0, page, f)
    }

    /// One page of the walk: at most `limit` latest revisions of stories
    /// whose latest revision came after wire sequence `after`, in sequence
    /// order (for a walk that must be able to stop between stories).
    pub fn latest_after(&self, after: u64, limit: usize) -> Result<Vec<Story>, StoreError> {
        self.with(|c| {
            page_after(
                c,
                select_revision!("FROM stories s JOIN revisions r ON r.seq = s.latest_seq WHERE s.latest_seq > ?1 ORDER BY s.latest_seq LIMIT +?2"),
                after,
                limit,
            )
        })
    }

    /// Like [`Reader::for_each_latest`], for the stories whose latest
    /// revision came after wire sequence `after`: what the event grouper
    /// reloads at start.
    pub fn for_each_latest_after(
        &self,
        mut after: u64,
        page: usize,
        mut f: impl FnMut(Story) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        loop {
            let batch = self.latest_after(after, page)?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            after = last.seq;
            for story in batch {
                f(story)?;
            }
        }
    }
}

/// Runs a revision query whose parameters are a sequence to start after
/// and a page size.
fn page_after(
    c: &Connection,
    sql: &str,
    after: u64,
    limit: usize,
) -> Result<Vec<Story>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(params![after as i64, limit as i64], row_to_raw)?;
    rows.map(|r| r?.into_story()).collect()
}

struct RawRow {
    seq: i64,
    id: String,
    revision: u32,
    received: i64,
    content: StoredText,
    tags: StoredText,
    kind: Option<String>,
    note: Option<String>,
    event: Option<String>,
    duplicate_of: Option<String>,
}

/// The one revision a `select_revision!` query finds, if any.
fn one_story(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Option<Story>, StoreError> {
    c.prepare_cached(sql)?
        .query_row(params, row_to_raw)
        .optional()?
        .map(RawRow::into_story)
        .transpose()
}

fn row_to_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        revision: r.get(2)?,
        received: r.get(3)?,
        content: r.get(4)?,
        tags: r.get(5)?,
        kind: r.get(6)?,
        note: r.get(7)?,
        event: r.get(8)?,
        duplicate_of: r.get(9)?,
    })
}

/// A revision's content or tags JSON as the `content` and `tags` columns
/// hold it: JSON text in files written before compression, else a format
/// byte and the JSON compressed. The text of news compresses to under
/// half, and a stored row is then a third of a page instead of a page of
/// its own. A tagged story's tags (every mention with its offsets, place
/// and canonical name, every figure and quote) run to twice its text as
/// JSON and compress to a fifth: stored plain they were most of the row,
/// two overflow pages written for every story a tagged import stores.
///
/// New rows are zstd frames ([`ZSTD`], level 1). Rows of earlier versions
/// are raw deflate streams ([`DEFLATED`]) and are read as they are. On the
/// bundled articles zstd packs a story's text and tags to 11 % less than
/// deflate did, in half the time, and unpacks them three times as fast;
/// every publish packs both inside its transaction, and every story read
/// (a search's hits, a list's rows, a feed's items) unpacks them.
#[derive(Debug, Clone)]
enum StoredText {
    /// Uncompressed JSON (files from before compression).
    Plain(String),
    /// A format byte ([`ZSTD`] or [`DEFLATED`]), then the JSON compressed.
    Packed(Vec<u8>),
}

/// First byte of a [`StoredText::Packed`] value that a raw deflate stream
/// follows: what versions before zstd wrote, still read.
const DEFLATED: u8 = 1;
/// First byte of a [`StoredText::Packed`] value that a zstd frame follows.
const ZSTD: u8 = 2;
/// zstd's level for stored texts: its fastest ordinary level, which already
/// packs news JSON tighter than deflate's fastest did.
const ZSTD_LEVEL: i32 = 1;
/// The most a stored text may unpack to. A frame names its own size; a
/// larger one than any story holds is a damaged row, not a buffer to make.
const MAX_UNPACKED: u64 = 256 << 20;

impl StoredText {
    /// The JSON packed as a zstd frame, or kept plain should zstd fail
    /// (it cannot get memory for its context), which every version reads.
    fn pack(json: &str) -> StoredText {
        match compress(json.as_bytes()) {
            Some(packed) => StoredText::Packed(packed),
            None => StoredText::Plain(json.to_owned()),
        }
    }

    /// The JSON, unpacked if packed.
    fn as_ref(&self) -> Result<std::borrow::Cow<'_, str>, String> {
        match self {
            StoredText::Plain(s) => Ok(std::borrow::Cow::Borrowed(s)),
            StoredText::Packed(bytes) => match bytes.split_first() {
                Some((&ZSTD, frame)) => decompress(frame).map(std::borrow::Cow::Owned),
                Some((&DEFLATED, deflated)) => inflate(deflated).map(std::borrow::Cow::Owned),
                _ => Err("stored JSON in an unknown format".into()),
            },
        }
    }
}

/// [`ZSTD`] then `bytes` as one zstd frame, which records its own length.
///
/// The writer packs a story's content and tags at every store: a thread
/// keeps one compression context for all of them, as [`decompress`]
/// does, since making one costs more than packing a story.
fn compress(bytes: &[u8]) -> Option<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|kept| {
        let compressor = match kept {
            Some(compressor) => compressor,
            None => kept.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL).ok()?),
        };
        let mut out = vec![0; 1 + zstd::zstd_safe::compress_bound(bytes.len())];
        out[0] = ZSTD;
        let written = compressor.compress_to_buffer(bytes, &mut out[1..]).ok()?;
        out.truncate(1 + written);
        Some(out)
    })
}

/// The text a zstd frame holds, unpacked into a buffer of the size the
/// frame records.
///
/// Every story read unpacks its content and tags, a search's hits and a
/// list's rows included: a reader thread keeps one context and reuses it.
fn decompress(frame: &[u8]) -> Result<String, String> {
    thread_local! {
        static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size <= MAX_UNPACKED => size as usize,
        Ok(Some(size)) => return Err(format!("stored JSON claims {size} bytes unpacked")),
        Ok(None) => return Err("stored JSON does not record its size".into()),
        Err(_) => return Err("stored JSON is not a zstd frame".into()),
    };
    DECOMPRESSOR.with_borrow_mut(|kept| {
        let decompressor = match kept {
            Some(decompressor) => decompressor,
            None => kept.insert(
                zstd::bulk::Decompressor::new()
                    .map_err(|e| format!("cannot unpack stored JSON: {e}"))?,
            ),
        };
        let mut out = Vec::with_capacity(size);
        let written = decompressor
            .decompress_to_buffer(frame, &mut out)
            .map_err(|e| format!("stored JSON does not unpack: {e}"))?;
        if written != size {
            return Err(format!(
                "stored JSON unpacks to {written} bytes, not {size}"
            ));
        }
        String::from_utf8(out).map_err(|e| format!("stored JSON is not UTF-8: {e}"))
    })
}

/// The text a raw deflate stream holds (rows written before zstd).
///
/// A reader thread keeps one inflater and resets it (a new one is tens of
/// kilobytes to allocate and clear, which cost as much as inflating a
/// story), and the text is inflated straight into a buffer sized for it.
fn inflate(deflated: &[u8]) -> Result<String, String> {
    use flate2::{Decompress, FlushDecompress, Status};
    thread_local! {
        static INFLATER: std::cell::RefCell<Decompress> =
            std::cell::RefCell::new(Decompress::new(false));
    }
    INFLATER.with_borrow_mut(|inflater| {
        inflater.reset(false);
        // News text and tags JSON deflate to between a fifth and a half.
        let mut out = Vec::with_capacity(deflated.len().saturating_mul(4).max(1024));
        loop {
            let (read, written) = (inflater.total_in(), inflater.total_out());
            let input = deflated.get(read as usize..).unwrap_or_default();
            let status = inflater
                // Not `Finish`: that asks for the whole text in one call
                // and fails where the buffer is too small for it.
                .decompress_vec(input, &mut out, FlushDecompress::None)
                .map_err(|e| format!("stored JSON does not inflate: {e}"))?;
            if status == Status::StreamEnd {
                break;
            }
            if out.len() == out.capacity() {
                out.reserve(out.capacity());
            } else if inflater.total_in() == read && inflater.total_out() == written {
                return Err("stored JSON is cut short".into());
            }
        }
        String::from_utf8(out).map_err(|e| format!("stored JSON is not UTF-8: {e}"))
    })
}

impl rusqlite::ToSql for StoredText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(match self {
            StoredText::Plain(s) => s.to_sql()?,
            StoredText::Packed(b) => b.to_sql()?,
        })
    }
}

impl rusqlite::types::FromSql for StoredText {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value {
            rusqlite::types::ValueRef::Blob(b) => Ok(StoredText::Packed(b.to_vec())),
            other => String::column_result(other).map(StoredText::Plain),
        }
    }
}

/// A stored revision's content and tags, from their JSON: whole
/// ([`StoryContent`], [`Tags`]) or as a head reads them ([`ContentHead`],
/// [`TagTopics`]).
fn parse_texts<C, T>(
    seq: u64,
    content: Result<std::borrow::Cow<'_, str>, String>,
    tags: Result<std::borrow::Cow<'_, str>, String>,
) -> Result<(C, T), StoreError>
where
    C: serde::de::DeserializeOwned,
    T: serde::de::DeserializeOwned,
{
    let corrupt = |message: String| StoreError::Corrupt { seq, message };
    let content: C =
        serde_json::from_str(&content.map_err(corrupt)?).map_err(|e| corrupt(e.to_string()))?;
    let tags: T =
        serde_json::from_str(&tags.map_err(corrupt)?).map_err(|e| corrupt(e.to_string()))?;
    Ok((content, tags))
}

/// A stored event or story id (`stories.event`, `stories.duplicate_of`).
fn parse_link<T: std::str::FromStr>(seq: u64, text: Option<&str>) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.map(|t| {
        t.parse::<T>().map_err(|e| StoreError::Corrupt {
            seq,
            message: e.to_string(),
        })
    })
    .transpose()
}

impl RawRow {
    /// The row's [`StoryHead`]: its content and tags JSON read for the
    /// fields a headline shows, the body and the other tags left unbuilt.
    fn into_head(self) -> Result<StoryHead, StoreError> {
        let seq = self.seq as u64;
        let (id, received, mark) = self.identity()?;
        let (content, tags): (ContentHead, TagTopics) =
            parse_texts(seq, self.content.as_ref(), self.tags.as_ref())?;
        Ok(StoryHead::from_parts(
            id,
            self.revision,
            seq,
            content,
            tags,
            received,
            mark,
        ))
    }

    /// The row's story id, when it was received and its revision mark:
    /// what a whole story and a head read alike.
    fn identity(&self) -> Result<(StoryId, OffsetDateTime, RevisionMark), StoreError> {
        let seq = self.seq as u64;
        let corrupt = |message: String| StoreError::Corrupt { seq, message };
        let id: StoryId = self.id.parse().map_err(|e| corrupt(format!("{e}")))?;
        let received = OffsetDateTime::from_unix_timestamp_nanos(self.received as i128)
            .map_err(|e| corrupt(e.to_string()))?;
        let kind = match self.kind.as_deref() {
            None => RevisionKind::Update,
            Some(k) => k.parse().map_err(|e| corrupt(format!("{e}")))?,
        };
        let mark = RevisionMark {
            kind,
            note: self.note.clone(),
            event: parse_link(seq, self.event.as_deref())?,
            duplicate_of: parse_link(seq, self.duplicate_of.as_deref())?,
        };
        Ok((id, received, mark))
    }

    fn into_story(self) -> Result<Story, StoreError> {
        self.into_story_from::<Tags>()
    }

    /// The row's story with its tags read as `T`: whole ([`Tags`]), or
    /// only the part a caller shows ([`TagTopics`]), the rest left unbuilt.
    fn into_story_from<T>(self) -> Result<Story, StoreError>
    where
        T: serde::de::DeserializeOwned + Into<Tags>,
    {
        let seq = self.seq as u64;
        let (id, received, mark) = self.identity()?;
        let (content, tags): (_, T) = parse_texts(seq, self.content.as_ref(), self.tags.as_ref())?;
        Ok(Story {
            id,
            revision: self.revision,
            seq,
            content,
            tags: tags.into(),
            received,
            mark,
        })
    }
}

/// Adds what the event grouping and the wire's lifecycle keep to a store
/// made before they existed: the columns are nullable, so older rows read
/// as plain updates of ungrouped stories.
fn add_lifecycle_columns(conn: &Connection) -> Result<(), StoreError> {
    let has = |table: &str, column: &str| -> Result<bool, StoreError> {
        let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
        let names = stmt.query_map([], |r| r.get::<_, String>(1))?;
        for name in names {
            if name? == column {
                return Ok(true);
            }
        }
        Ok(false)
    };
    for (table, column) in [
        ("revisions", "kind"),
        ("revisions", "note"),
        ("stories", "event"),
        ("stories", "duplicate_of"),
    ] {
        if !has(table, column)? {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} TEXT"))?;
        }
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS stories_event ON stories (event) WHERE event IS NOT NULL;
         CREATE INDEX IF NOT EXISTS stories_duplicate_of ON stories (duplicate_of)
             WHERE duplicate_of IS NOT NULL;
         CREATE INDEX IF NOT EXISTS revisions_withdrawn ON revisions (received)
             WHERE kind = 'withdrawal';",
    )?;
    Ok(())
}

fn unix_nanos(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsterm_story::StoryDraft;

    fn content(headline: &str) -> StoryContent {
        StoryDraft {
            headline: Some(headline.into()),
            ..Default::default()
        }
        .validate(OffsetDateTime::now_utc())
        .unwrap()
    }

    fn open() -> (tempfile::TempDir, Writer, Reader) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let w = Writer::open(&path).unwrap();
        let r = Reader::open(&path, 2).unwrap();
        (dir, w, r)
    }

    /// Tags naming each of `names` as a mention of `kind`.
    fn named(kind: newsterm_story::tags::EntityType, names: &[&str]) -> Tags {
        Tags {
            tagged: true,
            language: "en".into(),
            entities: names
                .iter()
                .map(|n| newsterm_story::tags::Entity::mention(kind, 0, 1, n))
                .collect(),
            ..Tags::default()
        }
    }

    /// The all-time totals of `kind` as (name, stories), checked against
    /// a count of the mentions themselves (a window from the beginning of
    /// time takes that path): the kept totals must never drift from it.
    fn checked_totals(r: &Reader, kind: MentionKind) -> Vec<(String, u64)> {
        checked_top(r, kind, 10)
    }

    /// [`checked_totals`], the top `limit` only.
    fn checked_top(r: &Reader, kind: MentionKind, limit: usize) -> Vec<(String, u64)> {
        let kept = r.mention_counts(kind, None, None, limit).unwrap();
        let counted = r
            .mention_counts(kind, Some(OffsetDateTime::UNIX_EPOCH), None, limit)
            .unwrap();
        assert_eq!(kept, counted, "kept totals drifted from the mentions");
        kept.into_iter().map(|c| (c.name, c.count)).collect()
    }

    /// Stores one write on its own and returns the stored revision,
    /// failing the test on any error.
    fn store_one(w: &mut Writer, write: Write, now: OffsetDateTime) -> Story {
        w.append(vec![write], now).unwrap().remove(0).unwrap()
    }

    #[test]
    fn revisions_are_kept_and_sequence_has_no_gap() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let first = w
            .append(
                vec![Write::New(content("Flash: quake"), Tags::default())],
                now,
            )
            .unwrap();
        let story = first.into_iter().next().unwrap().unwrap();
        assert_eq!((story.revision, story.seq), (1, 1));
        let res = w
            .append(
                vec![
                    Write::Revise(
                        story.id,
                        content("Quake of magnitude 7 hits coast"),
                        Tags::default(),
                    ),
                    Write::Revise(StoryId::new(), content("nobody"), Tags::default()),
                    Write::New(content("Other story"), Tags::default()),
                ],
                now,
            )
            .unwrap();
        assert_eq!(res[0].as_ref().unwrap().seq, 2);
        assert!(matches!(res[1], Err(StoreError::NotFound(_))));
        assert_eq!(
            res[2].as_ref().unwrap().seq,
            3,
            "a failed write takes no number"
        );
        let latest = r.latest(story.id).unwrap().unwrap();
        assert_eq!(latest.revision, 2);
        assert_eq!(latest.content.headline, "Quake of magnitude 7 hits coast");
        let old = r.revision(story.id, 1).unwrap().unwrap();
        assert_eq!(old.content.headline, "Flash: quake");
        assert_eq!(r.revisions(story.id).unwrap().len(), 2);
        let seqs: Vec<u64> = r.since(0, 100).unwrap().iter().map(|s| s.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        assert_eq!(r.story_count().unwrap(), 2);
        let recent: Vec<String> = r
            .recent(10)
            .unwrap()
            .into_iter()
            .map(|s| s.content.headline)
            .collect();
        assert_eq!(
            recent,
            vec!["Other story", "Quake of magnitude 7 hits coast"]
        );
    }

    #[test]
    fn placed_writes_keep_the_logs_numbers_and_a_failed_one_leaves_its_number_unused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let now = OffsetDateTime::now_utc();
        let id = StoryId::new();
        let at = |seq, write, id| Placed {
            write,
            seq: Some(seq),
            id,
            received: now,
            key: None,
        };
        {
            let mut w = Writer::open(&path).unwrap();
            let res = w
                .place(vec![
                    at(1, Write::New(content("a"), Tags::default()), Some(id)),
                    // A revision of a story no node has: every node skips 2.
                    at(
                        2,
                        Write::Revise(StoryId::new(), content("x"), Tags::default()),
                        None,
                    ),
                    at(3, Write::Revise(id, content("a2"), Tags::default()), None),
                ])
                .unwrap();
            assert_eq!(
                res[0].as_ref().unwrap().story().id,
                id,
                "the log's id is kept"
            );
            assert!(matches!(res[1], Err(StoreError::NotFound(_))));
            let rev = res[2].as_ref().unwrap().story();
            assert_eq!((rev.seq, rev.revision), (3, 2));
            assert_eq!((w.last_seq(), w.log_seq()), (3, 3));
            let again = w
                .place(vec![at(
                    3,
                    Write::New(content("dup"), Tags::default()),
                    None,
                )])
                .unwrap();
            assert!(
                matches!(again[0], Err(StoreError::OutOfOrder { seq: 3, last: 3 })),
                "a redelivered entry is not stored twice"
            );
            // A trailing failure still moves the log position on.
            w.place(vec![at(
                4,
                Write::New(content("b"), Tags::default()),
                Some(id),
            )])
            .unwrap();
            assert_eq!((w.last_seq(), w.log_seq()), (3, 4));
        }
        let w = Writer::open(&path).unwrap();
        assert_eq!(w.log_seq(), 4, "the log position survives a restart");
    }

    #[test]
    fn a_repeated_idempotency_key_is_answered_with_the_first_revision() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let keyed = |headline: &str, key: &str| Placed {
            key: Some(key.into()),
            ..Placed::next(Write::New(content(headline), Tags::default()), now)
        };
        let first = w
            .place(vec![keyed("once", "k1")])
            .unwrap()
            .remove(0)
            .unwrap()
            .into_story();
        let res = w
            .place(vec![
                keyed("twice", "k1"),
                keyed("other", "k2"),
                keyed("thrice", "k1"),
            ])
            .unwrap();
        assert_eq!(res[0].as_ref().unwrap(), &Placement::Repeat(first.clone()));
        assert!(matches!(res[1], Ok(Placement::Stored(_))));
        assert_eq!(res[2].as_ref().unwrap().story().seq, first.seq);
        assert_eq!(r.story_count().unwrap(), 2);
        assert_eq!(r.keyed("k2").unwrap().unwrap().content.headline, "other");
        w.forget_keys(now + KEY_RETENTION + time::Duration::seconds(1))
            .unwrap();
        assert!(r.keyed("k1").unwrap().is_none(), "keys expire");
    }

    #[test]
    fn a_snapshot_is_a_store_that_holds_the_same_revisions() {
        let (d, mut w, _r) = open();
        let now = OffsetDateTime::now_utc();
        w.append(
            vec![
                Write::New(content("a"), Tags::default()),
                Write::New(content("b"), Tags::default()),
            ],
            now,
        )
        .unwrap();
        let dest = d.path().join("copy.db");
        assert_eq!(snapshot(&d.path().join("store.db"), &dest).unwrap(), 2);
        let copy = Reader::open(&dest, 1).unwrap();
        assert_eq!(copy.since(0, 10).unwrap().len(), 2);
    }

    #[test]
    fn sequence_continues_after_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let now = OffsetDateTime::now_utc();
        {
            let mut w = Writer::open(&path).unwrap();
            w.append(
                vec![
                    Write::New(content("a"), Tags::default()),
                    Write::New(content("b"), Tags::default()),
                ],
                now,
            )
            .unwrap();
        }
        let mut w = Writer::open(&path).unwrap();
        assert_eq!(w.last_seq(), 2);
        let s = w
            .append(vec![Write::New(content("c"), Tags::default())], now)
            .unwrap();
        assert_eq!(s[0].as_ref().unwrap().seq, 3);
    }

    #[test]
    fn stored_content_round_trips_exactly() {
        let (_d, mut w, r) = open();
        let c = StoryDraft {
            headline: Some("Ünïcode “quotes”: yes".into()),
            bullets: vec!["one".into(), "two".into()],
            body: vec![
                newsterm_story::Block::Paragraph("Lede.".into()),
                newsterm_story::Block::Subhead("More".into()),
            ],
            source: Some("Wire".into()),
            published: Some("2024-05-01T12:00:00Z".into()),
            ..Default::default()
        }
        .validate(OffsetDateTime::now_utc())
        .unwrap();
        let s = w
            .append(
                vec![Write::New(c.clone(), Tags::default())],
                OffsetDateTime::now_utc(),
            )
            .unwrap()
            .remove(0)
            .unwrap();
        assert_eq!(r.latest(s.id).unwrap().unwrap().content, c);
    }

    /// A raw deflate stream of `bytes` behind [`DEFLATED`], as versions
    /// before zstd packed a row.
    fn deflated(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut out = vec![DEFLATED];
        let mut enc = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap();
        out
    }

    /// A tagged story's tags are stored packed, at a fraction of their
    /// JSON, and read back whole; tags a file from before stored as JSON
    /// text or as a deflate stream still read.
    #[test]
    fn tags_are_stored_packed_and_rows_of_earlier_versions_still_read() {
        use newsterm_story::tags::{Entity, EntityType};
        let (dir, mut w, r) = open();
        let names = ["Ana Lima", "Bo Chen", "Carla Duarte", "Dmitri Orlov"];
        let tags = Tags {
            tagged: true,
            language: "en".into(),
            entities: (0..40)
                .map(|i| Entity::mention(EntityType::Person, i * 20, i * 20 + 8, names[i % 4]))
                .collect(),
            ..Tags::default()
        };
        let json = serde_json::to_string(&tags).unwrap();
        let story = store_one(
            &mut w,
            Write::New(content("Tagged"), tags.clone()),
            OffsetDateTime::now_utc(),
        );
        assert_eq!(r.latest(story.id).unwrap().unwrap().tags, tags);
        let raw = Connection::open(dir.path().join("store.db")).unwrap();
        let (kind, stored, format): (String, i64, i64) = raw
            .query_row(
                "SELECT typeof(tags), length(tags), unicode(CAST(substr(tags, 1, 1) AS TEXT))
                 FROM revisions WHERE seq = ?1",
                [story.seq as i64],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .unwrap();
        assert_eq!((kind.as_str(), format), ("blob", i64::from(ZSTD)));
        assert!(
            (stored as usize) * 3 < json.len(),
            "{stored} bytes stored for {} of JSON",
            json.len()
        );
        let set_tags = |value: &dyn rusqlite::ToSql| {
            raw.execute(
                "UPDATE revisions SET tags = ?1 WHERE seq = ?2",
                params![value, story.seq as i64],
            )
            .unwrap();
        };
        set_tags(&json);
        assert_eq!(r.latest(story.id).unwrap().unwrap().tags, tags);
        set_tags(&deflated(json.as_bytes()));
        assert_eq!(r.latest(story.id).unwrap().unwrap().tags, tags);
    }

    #[test]
    fn hits_are_read_with_their_text_and_topics_and_no_other_tag() {
        use newsterm_story::tags::{Entity, EntityType, Topic};
        let (_dir, mut w, r) = open();
        let topics = vec![Topic {
            code: "CONFLICT".into(),
            label: "Conflict, war and peace".into(),
            score: 0.9,
        }];
        let tags = Tags {
            tagged: true,
            language: "en".into(),
            entities: vec![Entity::mention(EntityType::Person, 0, 8, "Ana Lima")],
            topics: topics.clone(),
            ..Tags::default()
        };
        let now = OffsetDateTime::now_utc();
        let a = store_one(&mut w, Write::New(content("First"), tags.clone()), now);
        let b = store_one(&mut w, Write::New(content("Second"), Tags::default()), now);
        let read = r.topics_at_seqs(&[b.seq, b.seq + 100, a.seq]).unwrap();
        let [Some(second), None, Some(first)] = read.as_slice() else {
            panic!("{read:?}");
        };
        assert_eq!(first.content, a.content);
        assert_eq!((first.id, first.revision, first.seq), (a.id, 1, a.seq));
        assert_eq!(first.tags.topics, topics);
        assert_eq!(first.tags.top_topic(), Some("CONFLICT"));
        assert!(first.tags.entities.is_empty());
        assert_eq!(second.content, b.content);
        assert_eq!(second.tags, Tags::default());
        // The whole revision still has them all.
        assert_eq!(r.latest(a.id).unwrap().unwrap().tags, tags);
    }

    #[test]
    fn packed_text_unpacks_back_whatever_its_size_and_a_cut_one_is_an_error() {
        let texts = [
            String::new(),
            "{\"headline\":\"Rates cut\"}".to_string(),
            // A text that packs to almost nothing, and one that hardly
            // packs at all.
            "{\"entities\":[{\"name\":\"Ana Lima\"}]}".repeat(5_000),
            (0..40_000u32)
                .map(|i| char::from_u32(0x4e00 + (i * 7919) % 5000).unwrap_or('x'))
                .collect(),
        ];
        for text in &texts {
            let StoredText::Packed(bytes) = StoredText::pack(text) else {
                panic!("pack writes packed text");
            };
            assert_eq!(bytes[0], ZSTD);
            assert_eq!(StoredText::Packed(bytes.clone()).as_ref().unwrap(), *text);
            // The thread's context is reused: nothing of the text before
            // may leak into the next one's frame.
            let StoredText::Packed(again) = StoredText::pack(text) else {
                panic!("pack writes packed text");
            };
            assert_eq!(again, bytes, "the same text packs the same way twice");
            let old = deflated(text.as_bytes());
            assert_eq!(StoredText::Packed(old.clone()).as_ref().unwrap(), *text);
            for packed in [bytes, old] {
                if packed.len() > 4 {
                    let cut = StoredText::Packed(packed[..packed.len() / 2].to_vec());
                    assert!(cut.as_ref().is_err(), "a cut stream must not read");
                }
            }
        }
        for garbage in [
            vec![DEFLATED, 0xff, 0xff, 0xff, 0xff],
            vec![ZSTD, 0xff, 0xff, 0xff, 0xff],
            vec![ZSTD],
            vec![9, b'{', b'}'],
        ] {
            assert!(StoredText::Packed(garbage).as_ref().is_err());
        }
        // A frame that names a size no story has is refused before any
        // buffer is made for it.
        // (A frame header: magic number, then a descriptor for one segment
        // with an 8-byte content size, then the size.)
        let mut frame = vec![ZSTD, 0x28, 0xb5, 0x2f, 0xfd, 0xe0];
        frame.extend((MAX_UNPACKED + 1).to_le_bytes());
        let error = StoredText::Packed(frame).as_ref().unwrap_err();
        assert!(error.contains("bytes unpacked"), "{error}");
    }

    #[test]
    fn heads_are_what_the_whole_latest_revisions_show() {
        use newsterm_story::tags::Topic;
        let (dir, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let topics = |best: &str| Tags {
            tagged: true,
            language: "en".into(),
            topics: vec![
                Topic {
                    code: "medtop:04000000".into(),
                    label: "economy".into(),
                    score: 0.95,
                },
                Topic {
                    code: best.into(),
                    label: best.into(),
                    score: 0.8,
                },
            ],
            ..named(newsterm_story::tags::EntityType::Person, &["Ana Lima"])
        };
        let sourced = |headline: &str, source: &str| StoryContent {
            source: Some(source.into()),
            priority: newsterm_story::Priority::Urgent,
            body: vec![newsterm_story::Block::Paragraph(format!(
                "{headline}, in full."
            ))],
            ..content(headline)
        };
        let plain = store_one(&mut w, Write::New(content("Plain"), Tags::default()), now);
        let revised = store_one(
            &mut w,
            Write::New(sourced("Rates held", "Wire A"), topics("ECONOMY")),
            now,
        );
        store_one(
            &mut w,
            Write::Revise(
                revised.id,
                sourced("Rates cut", "Wire A"),
                topics("MARKETS"),
            ),
            now,
        );
        let copy = store_one(
            &mut w,
            Write::Revision(Box::new(NewRevision {
                mark: RevisionMark {
                    duplicate_of: Some(revised.id),
                    event: Some(EventId::new_at(now)),
                    ..RevisionMark::default()
                },
                ..NewRevision::update(
                    StoryId::new(),
                    true,
                    sourced("Rates cut", "Wire B"),
                    Tags::default(),
                )
            })),
            now,
        );
        let gone = store_one(&mut w, Write::New(content("Gone"), Tags::default()), now);
        store_one(
            &mut w,
            Write::Withdraw {
                id: gone.id,
                reason: "wrong town".into(),
            },
            now,
        );
        // A row written before compression reads the same.
        let raw = Connection::open(dir.path().join("store.db")).unwrap();
        raw.execute(
            "UPDATE revisions SET content = ?1 WHERE seq = ?2",
            params![
                serde_json::to_string(&plain.content).unwrap(),
                plain.seq as i64
            ],
        )
        .unwrap();

        let ids = [gone.id, StoryId::new(), copy.id, revised.id, plain.id];
        let whole: Vec<StoryHead> = ids
            .iter()
            .filter_map(|&id| r.latest(id).unwrap())
            .map(|s| StoryHead::of(&s))
            .collect();
        let heads = r.heads(&ids).unwrap();
        assert_eq!(heads, whole);
        assert_eq!(
            heads
                .iter()
                .map(|h| (
                    h.headline.as_str(),
                    h.top_topic.as_deref(),
                    h.is_withdrawn()
                ))
                .collect::<Vec<_>>(),
            [
                ("Gone", None, true),
                ("Rates cut", None, false),
                ("Rates cut", Some("MARKETS"), false),
                ("Plain", None, false),
            ]
        );
        let recent: Vec<StoryHead> = r.recent(10).unwrap().iter().map(StoryHead::of).collect();
        assert_eq!(r.recent_heads(10).unwrap(), recent);
        assert_eq!(recent.len(), 4);
        let revisions = r.revisions(revised.id).unwrap();
        assert_eq!(
            revisions
                .iter()
                .map(|e| e.headline.as_str())
                .collect::<Vec<_>>(),
            ["Rates held", "Rates cut"]
        );
    }

    #[test]
    fn facets_count_each_story_once_and_follow_revisions() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let tags = |names: &[&str]| named(newsterm_story::tags::EntityType::Person, names);
        let res = w
            .append(
                vec![
                    Write::New(content("a"), tags(&["Ana Lima", "Ana Lima", "Bo Chen"])),
                    Write::New(content("b"), tags(&["Ana Lima"])),
                ],
                now,
            )
            .unwrap();
        let b = res[1].as_ref().unwrap().id;
        assert_eq!(
            checked_totals(&r, MentionKind::Person),
            vec![("Ana Lima".into(), 2), ("Bo Chen".into(), 1)]
        );
        // A revision replaces the story's mentions; a filter by story keeps only those.
        w.append(
            vec![Write::Revise(b, content("b2"), tags(&["Bo Chen"]))],
            now,
        )
        .unwrap();
        let counts = r
            .mention_counts(MentionKind::Person, None, Some(&[b]), 10)
            .unwrap();
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.name.as_str(), c.count))
                .collect::<Vec<_>>(),
            vec![("Bo Chen", 1)]
        );
        // All time, the kept totals follow the revision: Ana Lima lost b.
        assert_eq!(
            checked_totals(&r, MentionKind::Person),
            vec![("Bo Chen".into(), 2), ("Ana Lima".into(), 1)]
        );
        assert!(
            r.mention_counts(MentionKind::Org, None, None, 10)
                .unwrap()
                .is_empty()
        );
    }

    /// A file of schema 9 may hold changes to the totals still waiting to
    /// be folded in: the upgrade folds them, names brought to nought
    /// leave, and the totals equal the mentions' own count again.
    #[test]
    fn totals_left_waiting_by_schema_9_are_folded_in_at_the_upgrade() {
        let (dir, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let tags = |names: &[&str]| named(newsterm_story::tags::EntityType::Person, names);
        store_one(
            &mut w,
            Write::New(content("a"), tags(&["Ana Lima", "Bo Chen"])),
            now,
        );
        store_one(&mut w, Write::New(content("b"), tags(&["Ana Lima"])), now);
        drop((w, r));
        let path = dir.path().join("store.db");
        let raw = Connection::open(&path).unwrap();
        // As schema 9 left them: part of each count still waiting, and a
        // name counted and uncounted that the totals never held.
        raw.execute_batch(
            "CREATE TABLE mention_deltas (kind TEXT NOT NULL, name TEXT NOT NULL,
                 detail TEXT NOT NULL DEFAULT '', change INTEGER NOT NULL);
             UPDATE mention_totals SET stories = stories - 1 WHERE name = 'Ana Lima';
             DELETE FROM mention_totals WHERE name = 'Bo Chen';
             INSERT INTO mention_deltas VALUES ('person', 'Ana Lima', '', 1),
                 ('person', 'Bo Chen', '', 1), ('person', 'Cy Diaz', '', 1),
                 ('person', 'Cy Diaz', '', -1);
             PRAGMA user_version = 9;",
        )
        .unwrap();
        drop(raw);
        let _w = Writer::open(&path).unwrap();
        let r = Reader::open(&path, 1).unwrap();
        assert_eq!(
            checked_totals(&r, MentionKind::Person),
            vec![("Ana Lima".into(), 2), ("Bo Chen".into(), 1)]
        );
        let left: i64 = r
            .with(|c| {
                Ok(c.query_row(
                    "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'mention_deltas'",
                    [],
                    |row| row.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn facets_leave_out_an_organisation_called_only_by_its_kind() {
        use newsterm_story::tags::EntityType;
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let with_bare_court = |name: &str| {
            let mut tags = named(EntityType::Org, &[name, "Court"]);
            tags.entities[1].unresolved = Some("a kind of body named bare".into());
            tags.entities[1].id.clear();
            tags
        };
        w.append(
            vec![
                Write::New(content("a"), with_bare_court("Court of Session")),
                Write::New(content("b"), with_bare_court("Supreme Court of Canada")),
            ],
            now,
        )
        .unwrap();
        assert_eq!(
            checked_totals(&r, MentionKind::Org),
            vec![
                ("Court of Session".into(), 1),
                ("Supreme Court of Canada".into(), 1)
            ]
        );
    }

    #[test]
    fn kept_totals_agree_with_the_mentions_after_revisions_in_one_batch() {
        use newsterm_story::tags::{Entity, EntityType};
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let tags = |names: &[(EntityType, &str)]| Tags {
            tagged: true,
            language: "en".into(),
            entities: names
                .iter()
                .map(|(k, n)| Entity::mention(*k, 0, 1, n))
                .collect(),
            ..Tags::default()
        };
        use EntityType::{Org, Person};
        let res = w
            .append(
                vec![
                    Write::New(content("a"), tags(&[(Person, "Ana Lima"), (Org, "Acme")])),
                    Write::New(content("b"), tags(&[(Person, "Ana Lima")])),
                    Write::New(content("c"), tags(&[(Org, "Acme")])),
                ],
                now,
            )
            .unwrap();
        let id = |i: usize| res[i].as_ref().unwrap().id;
        // Two revisions of one story in a batch, repeated names, a name
        // that leaves every story and a withdrawal.
        w.append(
            vec![
                Write::Revise(
                    id(0),
                    content("a2"),
                    tags(&[(Person, "Bo Chen"), (Person, "Bo Chen"), (Org, "Acme")]),
                ),
                Write::Revise(
                    id(0),
                    content("a3"),
                    tags(&[(Person, "Bo Chen"), (Org, "Initech"), (Org, "Initech")]),
                ),
                Write::Revise(id(1), content("b2"), tags(&[(Person, "Bo Chen")])),
                Write::Withdraw {
                    id: id(2),
                    reason: "wrong".into(),
                },
            ],
            now,
        )
        .unwrap();
        assert_eq!(
            checked_totals(&r, MentionKind::Person),
            vec![("Bo Chen".into(), 2)]
        );
        assert_eq!(
            checked_totals(&r, MentionKind::Org),
            vec![("Initech".into(), 1)]
        );
    }

    /// Tags naming places, each `(name, country)`.
    fn placed(places: &[(&str, Option<&str>)]) -> Tags {
        use newsterm_story::tags::{Entity, EntityType};
        Tags {
            tagged: true,
            language: "en".into(),
            entities: places
                .iter()
                .map(|(name, country)| {
                    let mut e = Entity::mention(EntityType::Loc, 0, 1, name);
                    e.country = country.map(str::to_string);
                    e
                })
                .collect(),
            ..Tags::default()
        }
    }

    /// The places facet as (name, country, stories), all time and counted.
    fn places_facet(r: &Reader) -> Vec<(String, Option<String>, u64)> {
        let kept = r
            .mention_counts(MentionKind::Place, None, None, 10)
            .unwrap();
        let counted = r
            .mention_counts(
                MentionKind::Place,
                Some(OffsetDateTime::UNIX_EPOCH),
                None,
                10,
            )
            .unwrap();
        assert_eq!(kept, counted, "kept totals drifted from the mentions");
        kept.into_iter()
            .map(|c| (c.name, c.detail, c.count))
            .collect()
    }

    /// Georgia the US state and Georgia the country share a name, not a
    /// row of the facet: each is counted apart, a story naming both counts
    /// for both, and a revision that drops one takes only its count away.
    #[test]
    fn places_of_one_name_in_two_countries_are_two_rows_of_the_facet() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let us = ("Georgia", Some("US"));
        let ge = ("Georgia", Some("GE"));
        store_one(&mut w, Write::New(content("a"), placed(&[us])), now);
        store_one(&mut w, Write::New(content("b"), placed(&[us])), now);
        let both = store_one(&mut w, Write::New(content("c"), placed(&[ge, us])), now);
        let row =
            |name: &str, country: &str, n: u64| (name.to_string(), Some(country.to_string()), n);
        assert_eq!(
            places_facet(&r),
            vec![row("Georgia", "US", 3), row("Georgia", "GE", 1)]
        );
        let ids = [both.id];
        let among = r
            .mention_counts(MentionKind::Place, None, Some(&ids), 10)
            .unwrap();
        assert_eq!(among.len(), 2, "{among:?}");
        let mut revised = both.clone();
        revised.tags = placed(&[ge]);
        w.set_tags(&revised).unwrap();
        assert_eq!(
            places_facet(&r),
            vec![row("Georgia", "US", 2), row("Georgia", "GE", 1)]
        );
        let trends = r
            .mention_trends(now - time::Duration::days(2), now - time::Duration::days(1))
            .unwrap();
        assert_eq!(
            trends.iter().filter(|t| t.name == "Georgia").count(),
            2,
            "{trends:?}"
        );
    }

    /// A file of schema 6, where a name was one row whatever its detail,
    /// keeps its counts when opened, and goes on counting a name's places
    /// apart.
    #[test]
    fn mentions_from_before_details_were_keys_keep_their_counts() {
        let (dir, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        store_one(
            &mut w,
            Write::New(content("a"), placed(&[("Perth", Some("AU"))])),
            now,
        );
        store_one(
            &mut w,
            Write::New(content("b"), placed(&[("Perth", Some("AU"))])),
            now,
        );
        store_one(
            &mut w,
            Write::New(content("c"), placed(&[("Mars", None)])),
            now,
        );
        drop((w, r));
        let path = dir.path().join("store.db");
        let raw = Connection::open(&path).unwrap();
        // Schema 6 as it was: the tables keyed without the detail, NULL
        // for none.
        raw.execute_batch(
            "CREATE TABLE old_mentions (story_id TEXT NOT NULL, kind TEXT NOT NULL,
                 name TEXT NOT NULL, detail TEXT, published INTEGER NOT NULL,
                 PRIMARY KEY (story_id, kind, name)) WITHOUT ROWID;
             INSERT INTO old_mentions SELECT story_id, kind, name, NULLIF(detail, ''), published
                 FROM mentions;
             DROP TABLE mentions;
             ALTER TABLE old_mentions RENAME TO mentions;
             CREATE INDEX mentions_by_kind ON mentions (kind, published);
             CREATE TABLE old_totals (kind TEXT NOT NULL, name TEXT NOT NULL, detail TEXT,
                 stories INTEGER NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID;
             INSERT INTO old_totals SELECT kind, name, NULLIF(detail, ''), stories
                 FROM mention_totals;
             DROP TABLE mention_totals;
             ALTER TABLE old_totals RENAME TO mention_totals;
             CREATE INDEX mention_totals_repeated ON mention_totals (kind, stories)
                 WHERE stories >= 3;
             PRAGMA user_version = 6;",
        )
        .unwrap();
        drop(raw);
        let mut w = Writer::open(&path).unwrap();
        let r = Reader::open(&path, 1).unwrap();
        assert_eq!(
            places_facet(&r),
            vec![
                ("Perth".to_string(), Some("AU".to_string()), 2),
                ("Mars".to_string(), None, 1),
            ]
        );
        store_one(
            &mut w,
            Write::New(content("d"), placed(&[("Perth", Some("GB"))])),
            now,
        );
        assert_eq!(
            places_facet(&r),
            vec![
                ("Perth".to_string(), Some("AU".to_string()), 2),
                ("Mars".to_string(), None, 1),
                ("Perth".to_string(), Some("GB".to_string()), 1),
            ]
        );
    }

    /// A name's detail in the facets is what its stories' tags say now: a
    /// country every story has since lost (tagged again by a newer tagger)
    /// is not kept.
    #[test]
    fn a_names_detail_follows_its_stories_tags_when_they_are_tagged_again() {
        use newsterm_story::tags::{Entity, EntityType};
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let forbes = |country: Option<&str>| {
            let mut e = Entity::mention(EntityType::Loc, 0, 6, "Forbes");
            e.country = country.map(str::to_string);
            Tags {
                tagged: true,
                language: "en".into(),
                entities: vec![e],
                ..Tags::default()
            }
        };
        let stories: Vec<Story> = ["a", "b"]
            .into_iter()
            .map(|h| store_one(&mut w, Write::New(content(h), forbes(Some("AU"))), now))
            .collect();
        let detail = |r: &Reader| {
            let counts = r
                .mention_counts(MentionKind::Place, None, None, 10)
                .unwrap();
            assert_eq!(counts.len(), 1, "{counts:?}");
            assert_eq!(counts[0].count, 2, "{counts:?}");
            counts[0].detail.clone()
        };
        assert_eq!(detail(&r).as_deref(), Some("AU"));
        for mut story in stories {
            story.tags = forbes(None);
            w.set_tags(&story).unwrap();
        }
        assert_eq!(detail(&r), None);
    }

    /// A file from when triggers kept the totals (schema 4) keeps its
    /// totals when opened: the triggers go, and what the writer then adds
    /// and takes away is counted once.
    #[test]
    fn totals_kept_by_triggers_before_stay_right_after_the_upgrade() {
        let (dir, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let tags = |names: &[&str]| named(newsterm_story::tags::EntityType::Person, names);
        let a = store_one(&mut w, Write::New(content("a"), tags(&["Ana Lima"])), now).id;
        drop((w, r));
        let path = dir.path().join("store.db");
        let raw = Connection::open(&path).unwrap();
        // Schema 4 as it was: migration 3's triggers in place.
        let triggers = DATABASE.migrations[2];
        let triggers = &triggers[triggers.find("CREATE TRIGGER").unwrap()..];
        raw.execute_batch(triggers).unwrap();
        raw.pragma_update(None, "user_version", 4).unwrap();
        drop(raw);
        let mut w = Writer::open(&path).unwrap();
        let r = Reader::open(&path, 1).unwrap();
        w.append(
            vec![
                Write::New(content("b"), tags(&["Ana Lima", "Bo Chen"])),
                Write::Revise(a, content("a2"), tags(&["Bo Chen"])),
            ],
            now,
        )
        .unwrap();
        assert_eq!(
            checked_totals(&r, MentionKind::Person),
            vec![("Bo Chen".into(), 2), ("Ana Lima".into(), 1)]
        );
    }

    /// A story of `body` as its one paragraph, untagged.
    fn long_story(headline: String, body: &str, now: OffsetDateTime) -> Write {
        let c = StoryDraft {
            headline: Some(headline),
            body: vec![newsterm_story::Block::Paragraph(body.into())],
            ..Default::default()
        }
        .validate(now)
        .unwrap();
        Write::New(c, Tags::default())
    }

    /// A fresh store with a checkpointer every `every` ms holding its WAL
    /// to 256 KiB (returned last).
    fn checkpointed(every: u64) -> (tempfile::TempDir, Writer, Reader, Checkpointer, u64) {
        let (dir, w, r) = open();
        let limit = 256 << 10;
        let path = dir.path().join("store.db");
        let checkpointer =
            Checkpointer::start_with_limit(&path, std::time::Duration::from_millis(every), limit)
                .unwrap();
        (dir, w, r, checkpointer, limit)
    }

    fn wal_size(path: &Path) -> u64 {
        std::fs::metadata(wal_path(path)).map_or(0, |m| m.len())
    }

    #[test]
    fn the_wal_is_truncated_to_its_limit_after_a_bulk_import() {
        let (dir, mut w, _r, checkpointer, limit) = checkpointed(20);
        let path = dir.path().join("store.db");
        let body = "A paragraph of a long imported story, repeated. ".repeat(40);
        let now = OffsetDateTime::now_utc();
        for batch in 0..40 {
            let writes = (0..50)
                .map(|i| long_story(format!("Imported story {batch}-{i}"), &body, now))
                .collect();
            w.append(writes, now).unwrap();
        }
        let wal_size = || wal_size(&path);
        // Far more was written than the limit: the WAL would hold it all.
        let written = 40 * 50 * body.len() as u64;
        assert!(written > 10 * limit, "{written}");
        // The import is over; the checkpointer brings the WAL under the
        // limit on its own (polled, not timed: a round is 20 ms).
        let mut rounds = 0;
        while wal_size() > limit {
            rounds += 1;
            assert!(rounds < 3_000, "WAL still {} bytes", wal_size());
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        drop(checkpointer);
        assert!(wal_size() <= limit);
        // Nothing was lost in the truncation.
        let r = Reader::open(&path, 1).unwrap();
        assert_eq!(r.story_count().unwrap(), 2_000);
    }

    #[test]
    fn the_wal_stays_bounded_while_stories_keep_coming() {
        // A steady publisher never leaves a round without a new commit, so
        // the WAL is never quiet enough to truncate: it must still stop
        // growing, by being written again from its start.
        let (dir, mut w, r, checkpointer, limit) = checkpointed(10);
        let path = dir.path().join("store.db");
        let body = "A paragraph of a story published one at a time. ".repeat(40);
        let now = OffsetDateTime::now_utc();
        let stories: u64 = 1_500;
        let mut largest = 0;
        for i in 0..stories {
            let story = long_story(format!("Published story {i}"), &body, now);
            w.append(vec![story], now).unwrap();
            largest = largest.max(wal_size(&path));
            // Readers come and go between commits, as they do beside a
            // publisher; a checkpoint must not wait on them for long.
            if i % 50 == 0 {
                assert_eq!(r.story_count().unwrap(), i + 1);
            }
            std::thread::sleep(std::time::Duration::from_micros(300));
        }
        let written = stories * body.len() as u64;
        assert!(written > 10 * limit, "{written}");
        // Bounded by the limit plus what a few rounds write, far below what
        // went through it.
        assert!(
            largest < 8 * limit,
            "the WAL grew to {largest} bytes for {written} written"
        );
        drop(checkpointer);
        assert_eq!(
            Reader::open(&path, 1).unwrap().story_count().unwrap(),
            stories
        );
    }

    #[test]
    fn top_names_are_right_on_both_sides_of_the_repeated_names_index() {
        use newsterm_story::tags::EntityType;
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        // Ann in 5 stories, Bo in 4, Cy in 3, Di in 2, Ed in 1.
        let people = ["Ann", "Bo", "Cy", "Di", "Ed"];
        for n in 0..5 {
            let names: Vec<&str> = people[..5 - n].to_vec();
            store_one(
                &mut w,
                Write::New(content("x"), named(EntityType::Person, &names)),
                now,
            );
        }
        let top = |limit| checked_top(&r, MentionKind::Person, limit);
        let all: Vec<(String, u64)> = people
            .iter()
            .zip((1..=5).rev())
            .map(|(p, n)| (p.to_string(), n))
            .collect();
        // Enough names in three stories or more: from the index alone.
        assert_eq!(top(2), all[..2]);
        assert_eq!(top(3), all[..3]);
        // Fewer than asked for: the names in one or two stories follow.
        assert_eq!(top(4), all[..4]);
        assert_eq!(top(10), all);
        // The all-time read is one the index can serve.
        let plan = facet_plan(&r, TOP_REPEATED_NAMES, i64::MIN);
        assert!(plan.contains("mention_totals_repeated"), "{plan}");
        // A window's read is a range of the time index, not the table.
        let plan = facet_plan(&r, WINDOW_NAMES, 0);
        assert!(plan.contains("mentions_by_time (published>?)"), "{plan}");
    }

    /// SQLite's plan for the facet read `sql` of people since `since`.
    fn facet_plan(r: &Reader, sql: &str, since: i64) -> String {
        r.with(|c| {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let rows = stmt.query_map(params!["person", since, None::<String>, 3], |row| {
                row.get::<_, String>(3)
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?.join("; "))
        })
        .unwrap()
    }

    #[test]
    fn trends_split_mentions_into_the_recent_window_and_the_baseline() {
        use newsterm_story::tags::EntityType;
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let hours_ago = |h: i64| {
            let mut c = content("x");
            c.published = now - time::Duration::hours(h);
            c
        };
        let tags = |names: &[&str]| named(EntityType::Org, names);
        w.append(
            vec![
                Write::New(hours_ago(0), tags(&["Acme", "Globex"])),
                Write::New(hours_ago(0), tags(&["Acme"])),
                Write::New(hours_ago(5), tags(&["Globex"])),
                Write::New(hours_ago(6), tags(&["Globex", "Initech"])),
                Write::New(hours_ago(48), tags(&["Acme"])),
            ],
            now,
        )
        .unwrap();
        let mut trends = r
            .mention_trends(
                now - time::Duration::hours(24),
                now - time::Duration::hours(1),
            )
            .unwrap();
        trends.sort_by(|a, b| a.name.cmp(&b.name));
        let seen: Vec<(&str, u64, u64)> = trends
            .iter()
            .map(|t| (t.name.as_str(), t.recent, t.before))
            .collect();
        // Initech has no recent mention; Acme's 48-hour-old one is outside the baseline.
        assert_eq!(seen, vec![("Acme", 2, 0), ("Globex", 1, 2)]);
        assert!(trends.iter().all(|t| t.kind == MentionKind::Org));
    }

    #[test]
    fn for_each_latest_visits_each_story_once() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let writes = (0..25)
            .map(|i| Write::New(content(&format!("s{i}")), Tags::default()))
            .collect();
        let ids: Vec<StoryId> = w
            .append(writes, now)
            .unwrap()
            .into_iter()
            .map(|s| s.unwrap().id)
            .collect();
        w.append(
            vec![Write::Revise(ids[3], content("s3 v2"), Tags::default())],
            now,
        )
        .unwrap();
        let mut seen = Vec::new();
        r.for_each_latest(7, |s| {
            seen.push(s.content.headline);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 25);
        assert_eq!(seen.last().map(String::as_str), Some("s3 v2"));
    }

    #[test]
    fn stories_tagged_by_an_older_tagger_are_counted_by_their_latest_revision() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let tags = |version| Tags {
            version,
            ..Tags::default()
        };
        let writes = vec![
            Write::New(content("never tagged"), Tags::default()),
            Write::New(content("old tagger"), tags(2)),
            Write::New(content("current tagger"), tags(3)),
        ];
        let ids: Vec<StoryId> = w
            .append(writes, now)
            .unwrap()
            .into_iter()
            .map(|s| s.unwrap().id)
            .collect();
        assert_eq!(r.count_tagged_before(3).unwrap(), 2);
        // A new revision tagged by the current tagger settles its story.
        w.append(vec![Write::Revise(ids[1], content("old v2"), tags(3))], now)
            .unwrap();
        assert_eq!(r.count_tagged_before(3).unwrap(), 1);
        assert_eq!(r.count_tagged_before(1).unwrap(), 1);
        // So does a retagging of its latest revision.
        let mut never = r.latest(ids[0]).unwrap().unwrap();
        never.tags = tags(3);
        w.set_tags(&never).unwrap();
        assert_eq!(r.count_tagged_before(3).unwrap(), 0);
    }

    /// A file from before the stories kept their tagger version (schema
    /// 3, tags stored as JSON text) is counted from its tags when opened.
    #[test]
    fn a_file_from_before_tag_versions_is_counted_from_its_tags() {
        let (dir, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        for (headline, version) in [("old", 2), ("current", 3), ("never", 0)] {
            let tags = Tags {
                version,
                ..Tags::default()
            };
            store_one(&mut w, Write::New(content(headline), tags.clone()), now);
        }
        drop((w, r));
        let path = dir.path().join("store.db");
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch(
            "UPDATE revisions SET tags = CASE seq WHEN 1 THEN '{\"version\":2}'
                                          WHEN 2 THEN '{\"version\":3}' ELSE '{}' END;
             DROP INDEX stories_tag_version;
             ALTER TABLE stories DROP COLUMN tag_version;
             PRAGMA user_version = 3;",
        )
        .unwrap();
        drop(raw);
        let _w = Writer::open(&path).unwrap();
        let r = Reader::open(&path, 1).unwrap();
        assert_eq!(r.count_tagged_before(3).unwrap(), 2);
        assert_eq!(r.count_tagged_before(2).unwrap(), 1);
    }

    #[test]
    fn a_revision_on_top_of_a_stale_one_is_refused_and_takes_no_number() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let id = store_one(&mut w, Write::New(content("v1"), Tags::default()), now).id;
        let on_top_of = |base: u32, headline: &str| {
            Write::Revision(Box::new(NewRevision {
                base: Some(base),
                ..revision(id, false, headline, None)
            }))
        };
        let res = w
            .append(
                vec![on_top_of(1, "v2"), on_top_of(1, "v2 from elsewhere")],
                now,
            )
            .unwrap();
        assert_eq!(res[0].as_ref().unwrap().revision, 2);
        assert!(
            matches!(
                res[1],
                Err(StoreError::Stale {
                    expected: 1,
                    latest: 2,
                    ..
                })
            ),
            "{:?}",
            res[1]
        );
        let next = w.append(vec![on_top_of(2, "v3")], now).unwrap();
        assert_eq!(
            next[0].as_ref().unwrap().seq,
            3,
            "the refusal took no number"
        );
        assert_eq!(r.latest(id).unwrap().unwrap().content.headline, "v3");
    }

    /// One of SQLite's counters (`SQLITE_STMTSTATUS_*`) for every statement
    /// `conn` holds (its cache of prepared statements).
    fn statement_counts(conn: &Connection, counter: std::ffi::c_int) -> Vec<i64> {
        use rusqlite::ffi;
        let mut counts = Vec::new();
        // SAFETY: the handle is the live connection's, borrowed for the
        // call; the statements are only read, never finalized here.
        unsafe {
            let db = conn.handle();
            let mut stmt = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !stmt.is_null() {
                counts.push(i64::from(ffi::sqlite3_stmt_status(stmt, counter, 0)));
                stmt = ffi::sqlite3_next_stmt(db, stmt);
            }
        }
        counts
    }

    /// How many times SQLite compiled a statement of `conn` again since it
    /// was prepared, summed over every statement the connection holds.
    fn recompiled(conn: &Connection) -> i64 {
        statement_counts(conn, rusqlite::ffi::SQLITE_STMTSTATUS_REPREPARE)
            .into_iter()
            .sum()
    }

    /// The fewest runs of any statement `conn` holds.
    fn least_runs(conn: &Connection) -> i64 {
        statement_counts(conn, rusqlite::ffi::SQLITE_STMTSTATUS_RUN)
            .into_iter()
            .min()
            .unwrap_or(i64::MAX)
    }

    #[test]
    fn reads_and_writes_run_their_compiled_statements_again_without_recompiling() {
        use newsterm_story::tags::EntityType::{Org, Person};
        // SQLite compiles a SELECT again at each new binding when its plan
        // read the bound value: a LIMIT, or an equality among AND-ed terms
        // (a join's ON counts), which it propagates as a constant.
        // Recompiling cost a fifth of every story read; the statements bind
        // `+?N` there.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let mut w = Writer::open(&path).unwrap();
        let r = Reader::open(&path, 1).unwrap();
        let now = OffsetDateTime::now_utc();
        let event = EventId::new_at(now);
        let mut ids = Vec::new();
        for round in 0..3 {
            let mut stored = w
                .place(vec![
                    Placed {
                        key: Some(format!("key {round}")),
                        ..Placed::next(
                            Write::New(content(&format!("a{round}")), named(Person, &["Bo Chen"])),
                            now,
                        )
                    },
                    Placed::next(
                        grouped(StoryId::new(), true, &format!("b{round}"), Some(event)),
                        now,
                    ),
                ])
                .unwrap();
            let a = stored.remove(0).unwrap().into_story();
            ids.push(a.id);
            w.append(
                vec![Write::Revise(
                    a.id,
                    content(&format!("a{round}'")),
                    named(Org, &["Initech"]),
                )],
                now,
            )
            .unwrap();
        }
        w.append(
            vec![Write::Withdraw {
                id: ids[0],
                reason: "wrong".into(),
            }],
            now,
        )
        .unwrap();
        let rounds = 3;
        for _ in 0..rounds {
            for &id in &ids {
                r.latest(id).unwrap();
                r.revision(id, 1).unwrap();
                r.latest_seq(id).unwrap();
                r.revisions(id).unwrap();
                r.duplicates_of(id, 5).unwrap();
            }
            for seq in 1..6 {
                r.at(seq).unwrap();
                r.since(seq, 5).unwrap();
                r.latest_after(seq, 5).unwrap();
            }
            r.topics_at_seqs(&[1, 2, 3]).unwrap();
            r.list_marks(&ids).unwrap();
            r.keyed("key 1").unwrap();
            r.recent(5).unwrap();
            r.event_stories(event, 5).unwrap();
            r.withdrawals(now - time::Duration::hours(1), 5).unwrap();
            r.count_tagged_before(1).unwrap();
            r.mention_trends(now - time::Duration::days(2), now - time::Duration::days(1))
                .unwrap();
            for kind in [MentionKind::Person, MentionKind::Org] {
                r.mention_counts(kind, None, None, 5).unwrap();
                r.mention_counts(kind, Some(now - time::Duration::days(1)), None, 5)
                    .unwrap();
                r.mention_counts(kind, None, Some(&ids), 5).unwrap();
            }
        }
        r.with(|c| {
            assert_eq!(recompiled(c), 0, "reads compiled again");
            // Each read ran in every round; one the connection's cache
            // dropped was prepared anew (and its recompiles forgotten).
            assert!(
                least_runs(c) >= rounds,
                "a read was dropped from the cache and prepared again"
            );
            Ok(())
        })
        .unwrap();
        assert_eq!(recompiled(&w.conn), 0, "writes compiled again");
    }

    #[test]
    fn list_marks_hold_each_storys_latest_seq_and_copy_link_in_the_order_asked() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let a = store_one(&mut w, Write::New(content("a"), Tags::default()), now);
        let copy = NewRevision {
            mark: RevisionMark {
                duplicate_of: Some(a.id),
                ..RevisionMark::default()
            },
            ..NewRevision::update(StoryId::new(), true, content("a again"), Tags::default())
        };
        let b = store_one(&mut w, Write::Revision(Box::new(copy)), now);
        let a2 = store_one(
            &mut w,
            Write::Revise(a.id, content("a2"), Tags::default()),
            now,
        );
        let marks = r.list_marks(&[b.id, StoryId::new(), a.id]).unwrap();
        assert_eq!(
            marks,
            [
                ListMark {
                    id: b.id,
                    seq: b.seq,
                    duplicate_of: Some(a.id)
                },
                ListMark {
                    id: a.id,
                    seq: a2.seq,
                    duplicate_of: None
                }
            ]
        );
    }

    fn grouped(id: StoryId, first: bool, headline: &str, event: Option<EventId>) -> Write {
        Write::Revision(Box::new(revision(id, first, headline, event)))
    }

    fn revision(id: StoryId, first: bool, headline: &str, event: Option<EventId>) -> NewRevision {
        NewRevision {
            mark: RevisionMark {
                event,
                ..RevisionMark::default()
            },
            ..NewRevision::update(id, first, content(headline), Tags::default())
        }
    }

    #[test]
    fn withdrawal_keeps_history_and_ends_the_story() {
        use newsterm_story::tags::{Entity, EntityType};
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let tags = Tags {
            tagged: true,
            language: "en".into(),
            entities: vec![Entity::mention(EntityType::Person, 0, 3, "Ana Lima")],
            ..Tags::default()
        };
        let id = store_one(&mut w, Write::New(content("Minister resigns"), tags), now).id;
        let res = w
            .append(
                vec![
                    Write::Withdraw {
                        id,
                        reason: "The minister did not resign".into(),
                    },
                    Write::Withdraw {
                        id: StoryId::new(),
                        reason: "x".into(),
                    },
                ],
                now,
            )
            .unwrap();
        let withdrawn = res[0].as_ref().unwrap();
        assert!(withdrawn.is_withdrawn());
        assert_eq!((withdrawn.revision, withdrawn.seq), (2, 2));
        assert_eq!(withdrawn.content.headline, "Minister resigns");
        assert!(matches!(res[1], Err(StoreError::NotFound(_))));
        let latest = r.latest(id).unwrap().unwrap();
        assert_eq!(latest.mark.kind, RevisionKind::Withdrawal);
        assert_eq!(
            latest.mark.note.as_deref(),
            Some("The minister did not resign")
        );
        let history = r.revisions(id).unwrap();
        assert_eq!(
            history.iter().map(|h| h.kind).collect::<Vec<_>>(),
            vec![RevisionKind::Update, RevisionKind::Withdrawal]
        );
        // Nothing more can be said of a withdrawn story, and it leaves the facets.
        let again = w
            .append(
                vec![
                    Write::Revise(id, content("Minister resigns after all"), Tags::default()),
                    Write::Withdraw {
                        id,
                        reason: "twice".into(),
                    },
                ],
                now,
            )
            .unwrap();
        assert!(matches!(again[0], Err(StoreError::Withdrawn(_))));
        assert!(matches!(again[1], Err(StoreError::Withdrawn(_))));
        assert_eq!(w.last_seq(), 2, "refused writes take no number");
        assert!(
            r.mention_counts(MentionKind::Person, None, None, 10)
                .unwrap()
                .is_empty()
        );
        let since = now - time::Duration::minutes(1);
        let gone: Vec<StoryId> = r
            .withdrawals(since, 10)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(gone, vec![id]);
    }

    #[test]
    fn corrections_carry_their_note() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let id = store_one(
            &mut w,
            Write::New(content("Toll rises to 40"), Tags::default()),
            now,
        )
        .id;
        w.append(
            vec![Write::Revision(Box::new(NewRevision {
                id,
                first: false,
                content: content("Toll rises to 14"),
                tags: Tags::default(),
                mark: RevisionMark {
                    kind: RevisionKind::Correction,
                    note: Some("An earlier version gave the toll as 40.".into()),
                    ..RevisionMark::default()
                },
                base: None,
            }))],
            now,
        )
        .unwrap();
        let latest = r.latest(id).unwrap().unwrap();
        assert_eq!(latest.mark.kind, RevisionKind::Correction);
        assert_eq!(
            latest.mark.note.as_deref(),
            Some("An earlier version gave the toll as 40.")
        );
        assert_eq!(
            r.revision(id, 1).unwrap().unwrap().mark.kind,
            RevisionKind::Update
        );
    }

    #[test]
    fn a_story_keeps_the_event_of_its_first_revision() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let quake = EventId::new_at(now);
        let other = EventId::new_at(now);
        let (a, b) = (StoryId::new(), StoryId::new());
        let res = w
            .append(
                vec![
                    grouped(a, true, "Quake hits coast", Some(quake)),
                    Write::Revision(Box::new(NewRevision {
                        mark: RevisionMark {
                            event: Some(quake),
                            duplicate_of: Some(a),
                            ..RevisionMark::default()
                        },
                        ..revision(b, true, "Quake hits the coast", None)
                    })),
                    grouped(a, true, "same id again", None),
                ],
                now,
            )
            .unwrap();
        assert_eq!(res[1].as_ref().unwrap().mark.duplicate_of, Some(a));
        assert!(matches!(res[2], Err(StoreError::Exists(_))));
        // A later revision naming another event does not move the story.
        let rev = store_one(
            &mut w,
            grouped(a, false, "Quake of 7.1 hits coast", Some(other)),
            now,
        );
        assert_eq!((rev.revision, rev.mark.event), (2, Some(quake)));
        // A plain revision (no event) keeps it too.
        w.append(vec![Write::Revise(a, content("v3"), Tags::default())], now)
            .unwrap();
        assert_eq!(r.latest(a).unwrap().unwrap().mark.event, Some(quake));
        assert_eq!(r.revision(a, 1).unwrap().unwrap().mark.event, Some(quake));
        let members: Vec<StoryId> = r
            .event_stories(quake, 10)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(members, vec![a, b]);
        let dups: Vec<StoryId> = r
            .duplicates_of(a, 10)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(dups, vec![b]);
        let mut after = Vec::new();
        r.for_each_latest_after(3, 10, |s| {
            after.push(s.content.headline);
            Ok(())
        })
        .unwrap();
        assert_eq!(after, vec!["v3"]);
    }

    #[test]
    fn stories_take_under_two_thirds_of_their_json_on_disk() {
        let (dir, mut w, r) = open();
        let path = dir.path().join("store.db");
        // Varied prose, as an archive holds: words drawn from a few
        // hundred, numbers and names changing from story to story.
        let words: Vec<String> = (0..400)
            .map(|i| format!("w{}ord{}", i * 7919 % 997, i % 13))
            .collect();
        let mut x: u64 = 42;
        let mut next = || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) as usize
        };
        let now = OffsetDateTime::now_utc();
        let mut json = 0usize;
        for batch in 0..10 {
            let writes = (0..100)
                .map(|i| {
                    let body: Vec<String> = (0..600)
                        .map(|_| words[next() % words.len()].clone())
                        .collect();
                    let c = StoryDraft {
                        headline: Some(format!("Story {batch}-{i} on {}", next())),
                        body: vec![newsterm_story::Block::Paragraph(body.join(" "))],
                        ..Default::default()
                    }
                    .validate(now)
                    .unwrap();
                    json += serde_json::to_string(&c).unwrap().len();
                    Write::New(c, Tags::default())
                })
                .collect();
            w.append(writes, now).unwrap();
        }
        // Everything checkpointed into the database file, the WAL emptied.
        drop(
            Checkpointer::start_with_limit(&path, std::time::Duration::from_secs(3600), 0).unwrap(),
        );
        let disk = std::fs::metadata(&path).unwrap().len() as usize
            + std::fs::metadata(wal_path(&path)).map_or(0, |m| m.len() as usize);
        assert!(
            disk * 3 < json * 2,
            "{disk} bytes on disk for {json} of JSON"
        );
        // And every story reads back whole.
        let all = r.since(0, 2_000).unwrap();
        assert_eq!(all.len(), 1_000);
        assert!(
            all.iter()
                .all(|s| s.content.body[0].text().split(' ').count() == 600)
        );
    }

    #[test]
    fn a_store_from_before_events_gains_their_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                 INSERT INTO meta VALUES ('schema', 1);
                 CREATE TABLE stories (id TEXT PRIMARY KEY, latest_revision INTEGER NOT NULL,
                                       latest_seq INTEGER NOT NULL);
                 CREATE TABLE revisions (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,
                     revision INTEGER NOT NULL, received INTEGER NOT NULL, content TEXT NOT NULL,
                     tags TEXT NOT NULL DEFAULT '{}', UNIQUE (id, revision));",
            )
            .unwrap();
            let json = serde_json::to_string(&content("old story")).unwrap();
            let id = StoryId::new().to_string();
            c.execute(
                "INSERT INTO revisions (seq, id, revision, received, content) VALUES (1, ?1, 1, 0, ?2)",
                params![id, json],
            )
            .unwrap();
            c.execute("INSERT INTO stories VALUES (?1, 1, 1)", [id])
                .unwrap();
        }
        let mut w = Writer::open(&path).unwrap();
        let r = Reader::open(&path, 1).unwrap();
        let old = r.since(0, 10).unwrap().remove(0);
        assert_eq!(
            (old.mark.kind, old.mark.event),
            (RevisionKind::Update, None)
        );
        let e = EventId::new_at(OffsetDateTime::now_utc());
        // An ungrouped story takes the event its next revision brings.
        w.append(
            vec![grouped(old.id, false, "old story, grouped", Some(e))],
            OffsetDateTime::now_utc(),
        )
        .unwrap();
        assert_eq!(r.latest(old.id).unwrap().unwrap().mark.event, Some(e));
    }
}
