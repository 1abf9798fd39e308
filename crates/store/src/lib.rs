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
//! [`Writer::append`] returns only after its transaction is durable
//! (`synchronous=FULL`), which is what lets the server acknowledge a
//! publish. Several writes are grouped into one transaction, and so one
//! fsync, when they arrive together.
//!
//! The store knows nothing of HTTP, the index or subscribers.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use newsterm_story::{Story, StoryContent, StoryId, Tags};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use time::OffsetDateTime;

const SCHEMA_VERSION: i64 = 1;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("story {0} does not exist")]
    NotFound(StoryId),
    /// The disk is full: the write was rolled back and nothing is stored.
    #[error("the disk holding the store is full; nothing was stored")]
    DiskFull,
    #[error("store database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("store database was written by a newer newsterm (schema {0}); upgrade newsterm")]
    NewerSchema(i64),
    #[error("stored revision seq {seq} is unreadable: {message}")]
    Corrupt { seq: u64, message: String },
    #[error("store error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("cannot start the checkpoint thread: {0}")]
    Thread(std::io::Error),
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
}

/// Which entities a facet counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    Person,
    Org,
    Place,
    Topic,
}

impl MentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Person => "person",
            MentionKind::Org => "org",
            MentionKind::Place => "place",
            MentionKind::Topic => "topic",
        }
    }

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
    pub name: String,
    pub detail: Option<String>,
    pub count: u64,
}

/// The distinct (kind, name, detail) mentions of a story's tags, which the
/// facets count.
fn mentions(tags: &Tags) -> Vec<(MentionKind, String, Option<String>)> {
    use newsterm_story::tags::EntityType;
    let mut out: Vec<(MentionKind, String, Option<String>)> = Vec::new();
    for e in &tags.entities {
        let kind = match e.kind {
            EntityType::Person => MentionKind::Person,
            EntityType::Org => MentionKind::Org,
            EntityType::Loc | EntityType::Norp => MentionKind::Place,
        };
        if !out.iter().any(|(k, n, _)| *k == kind && *n == e.canonical) {
            out.push((kind, e.canonical.clone(), e.country.clone()));
        }
    }
    for t in &tags.topics {
        if !out
            .iter()
            .any(|(k, n, _)| *k == MentionKind::Topic && *n == t.code)
        {
            out.push((MentionKind::Topic, t.code.clone(), Some(t.label.clone())));
        }
    }
    out
}

fn replace_mentions(
    tx: &rusqlite::Connection,
    id: &str,
    published: OffsetDateTime,
    tags: &Tags,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM mentions WHERE story_id = ?1")?
        .execute([id])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO mentions (story_id, kind, name, detail, published) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (kind, name, detail) in mentions(tags) {
        insert.execute(params![
            id,
            kind.as_str(),
            name,
            detail,
            published.unix_timestamp()
        ])?;
    }
    Ok(())
}

/// A revision's place in a story's history.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionEntry {
    pub revision: u32,
    pub seq: u64,
    pub headline: String,
    pub received: OffsetDateTime,
}

/// The single writer. There must be exactly one per database: it owns the
/// next wire sequence number.
pub struct Writer {
    conn: Connection,
    last_seq: u64,
}

fn open_conn(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

impl Writer {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Writer, StoreError> {
        let conn = open_conn(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        // WAL lets readers run beside the writer; FULL makes each commit
        // durable before it returns, which is what an acknowledgement promises.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Checkpoints copy the WAL into the database and fsync it; done
        // inside a commit they stall that publish for milliseconds. The
        // [`Checkpointer`] runs them on its own connection instead.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS stories (
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
        )?;
        let version: Option<i64> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match version {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1)",
                    [SCHEMA_VERSION],
                )?;
            }
            Some(v) if v > SCHEMA_VERSION => return Err(StoreError::NewerSchema(v)),
            Some(_) => {}
        }
        let last_seq: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM revisions", [], |r| {
                r.get(0)
            })?;
        Ok(Writer {
            conn,
            last_seq: last_seq as u64,
        })
    }

    /// The highest wire sequence stored.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
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
        let tx = self.conn.transaction()?;
        let mut seq = self.last_seq;
        let mut results = Vec::with_capacity(writes.len());
        {
            let mut find =
                tx.prepare_cached("SELECT latest_revision FROM stories WHERE id = ?1")?;
            let mut insert_rev = tx.prepare_cached(
                "INSERT INTO revisions (seq, id, revision, received, content, tags) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut upsert_story = tx.prepare_cached(
                "INSERT INTO stories (id, latest_revision, latest_seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET latest_revision = excluded.latest_revision,
                                                latest_seq = excluded.latest_seq",
            )?;
            for write in writes {
                let (id, revision, content, tags) = match write {
                    Write::New(content, tags) => (StoryId::new(), 1, content, tags),
                    Write::Revise(id, content, tags) => {
                        let latest: Option<u32> =
                            find.query_row([id.to_string()], |r| r.get(0)).optional()?;
                        match latest {
                            Some(r) => (id, r + 1, content, tags),
                            None => {
                                results.push(Err(StoreError::NotFound(id)));
                                continue;
                            }
                        }
                    }
                };
                seq += 1;
                let corrupt = |e: serde_json::Error| StoreError::Corrupt {
                    seq,
                    message: e.to_string(),
                };
                let json = serde_json::to_string(&content).map_err(corrupt)?;
                let tags_json = serde_json::to_string(&tags).map_err(corrupt)?;
                let id_text = id.to_string();
                insert_rev.execute(params![
                    seq as i64,
                    id_text,
                    revision,
                    unix_nanos(received),
                    json,
                    tags_json
                ])?;
                upsert_story.execute(params![id_text, revision, seq as i64])?;
                replace_mentions(&tx, &id_text, content.published, &tags)?;
                results.push(Ok(Story {
                    id,
                    revision,
                    seq,
                    content,
                    tags,
                    received,
                }));
            }
        }
        tx.commit()?;
        self.last_seq = seq;
        Ok(results)
    }

    /// Replaces the tags stored with one revision (re-tagging), and the
    /// story's facet mentions when it is the latest revision.
    pub fn set_tags(&mut self, story: &Story) -> Result<(), StoreError> {
        let json = serde_json::to_string(&story.tags).map_err(|e| StoreError::Corrupt {
            seq: story.seq,
            message: e.to_string(),
        })?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE revisions SET tags = ?1 WHERE seq = ?2",
            params![json, story.seq as i64],
        )?;
        let latest: Option<i64> = tx
            .query_row(
                "SELECT latest_seq FROM stories WHERE id = ?1",
                [story.id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if latest == Some(story.seq as i64) {
            replace_mentions(
                &tx,
                &story.id.to_string(),
                story.content.published,
                &story.tags,
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Moves the WAL into the database file in the background, off the
/// publish path, every `every`. Stops when dropped.
pub struct Checkpointer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    pub fn start(path: &Path, every: std::time::Duration) -> Result<Checkpointer, StoreError> {
        let conn = open_conn(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let (stop, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("newsterm-checkpoint".into())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    // PASSIVE never waits for the writer or readers; what it
                    // cannot copy now it copies next time.
                    let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    let busy = |e: &rusqlite::Error| {
                        matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy)
                    };
                    if let Err(e) = result
                        && !busy(&e)
                    {
                        tracing::warn!(error = %e, "WAL checkpoint failed");
                    }
                }
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            })
            .map_err(StoreError::Thread)?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
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
                open_conn(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map(Mutex::new)
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
        self.with(|c| {
            c.prepare_cached(
                "SELECT r.seq, r.id, r.revision, r.received, r.content, r.tags
                 FROM stories s JOIN revisions r ON r.seq = s.latest_seq WHERE s.id = ?1",
            )?
            .query_row([id.to_string()], row_to_raw)
            .optional()?
            .map(RawRow::into_story)
            .transpose()
        })
    }

    /// One revision of a story.
    pub fn revision(&self, id: StoryId, revision: u32) -> Result<Option<Story>, StoreError> {
        self.with(|c| {
            c.prepare_cached(
                "SELECT seq, id, revision, received, content, tags
                 FROM revisions WHERE id = ?1 AND revision = ?2",
            )?
            .query_row(params![id.to_string(), revision], row_to_raw)
            .optional()?
            .map(RawRow::into_story)
            .transpose()
        })
    }

    /// Every revision of a story, oldest first; empty if it does not exist.
    pub fn revisions(&self, id: StoryId) -> Result<Vec<RevisionEntry>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, id, revision, received, content, tags
                 FROM revisions WHERE id = ?1 ORDER BY revision",
            )?;
            let rows = stmt.query_map([id.to_string()], row_to_raw)?;
            let mut out = Vec::new();
            for row in rows {
                let story = row?.into_story()?;
                out.push(RevisionEntry {
                    revision: story.revision,
                    seq: story.seq,
                    headline: story.content.headline,
                    received: story.received,
                });
            }
            Ok(out)
        })
    }

    /// Revisions with a wire sequence above `after`, in sequence order, at
    /// most `limit`: what a resuming subscriber or the indexer catches up on.
    pub fn since(&self, after: u64, limit: usize) -> Result<Vec<Story>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, id, revision, received, content, tags
                 FROM revisions WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after as i64, limit as i64], row_to_raw)?;
            rows.map(|r| r?.into_story()).collect()
        })
    }

    /// The latest revision of the stories most recently published or
    /// revised, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<Story>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT r.seq, r.id, r.revision, r.received, r.content, r.tags
                 FROM stories s JOIN revisions r ON r.seq = s.latest_seq
                 ORDER BY s.latest_seq DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], row_to_raw)?;
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
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT name, MAX(detail), COUNT(*) AS n FROM mentions
                 WHERE kind = ?1 AND published >= ?2
                   AND (?3 IS NULL OR story_id IN (SELECT value FROM json_each(?3)))
                 GROUP BY name ORDER BY n DESC, name LIMIT ?4",
            )?;
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
        })
    }

    /// Calls `f` with the latest revision of every story, in sequence
    /// order, in pages: what a re-index walks.
    pub fn for_each_latest(
        &self,
        page: usize,
        mut f: impl FnMut(Story) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut after = 0u64;
        loop {
            let batch = self.with(|c| {
                let mut stmt = c.prepare_cached(
                    "SELECT r.seq, r.id, r.revision, r.received, r.content, r.tags
                     FROM stories s JOIN revisions r ON r.seq = s.latest_seq
                     WHERE s.latest_seq > ?1 ORDER BY s.latest_seq LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![after as i64, page as i64], row_to_raw)?;
                rows.map(|r| r?.into_story()).collect::<Result<Vec<_>, _>>()
            })?;
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

struct RawRow {
    seq: i64,
    id: String,
    revision: u32,
    received: i64,
    content: String,
    tags: String,
}

fn row_to_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        revision: r.get(2)?,
        received: r.get(3)?,
        content: r.get(4)?,
        tags: r.get(5)?,
    })
}

impl RawRow {
    fn into_story(self) -> Result<Story, StoreError> {
        let seq = self.seq as u64;
        let corrupt = |message: String| StoreError::Corrupt { seq, message };
        let id: StoryId = self.id.parse().map_err(|e| corrupt(format!("{e}")))?;
        let content: StoryContent =
            serde_json::from_str(&self.content).map_err(|e| corrupt(e.to_string()))?;
        let tags: Tags = serde_json::from_str(&self.tags).map_err(|e| corrupt(e.to_string()))?;
        let received = OffsetDateTime::from_unix_timestamp_nanos(self.received as i128)
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(Story {
            id,
            revision: self.revision,
            seq,
            content,
            tags,
            received,
        })
    }
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

    #[test]
    fn facets_count_each_story_once_and_follow_revisions() {
        use newsterm_story::tags::{Entity, EntityType};
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let person = |name: &str| Entity::mention(EntityType::Person, 0, 1, name);
        let tags = |names: &[&str]| Tags {
            tagged: true,
            language: "en".into(),
            entities: names.iter().map(|n| person(n)).collect(),
            ..Tags::default()
        };
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
        let counts = r
            .mention_counts(MentionKind::Person, None, None, 10)
            .unwrap();
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.name.as_str(), c.count))
                .collect::<Vec<_>>(),
            vec![("Ana Lima", 2), ("Bo Chen", 1)]
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
        assert!(
            r.mention_counts(MentionKind::Org, None, None, 10)
                .unwrap()
                .is_empty()
        );
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
}
