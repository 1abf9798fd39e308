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
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            if f.code == rusqlite::ErrorCode::DiskFull {
                return StoreError::DiskFull;
            }
        }
        StoreError::Sqlite(e)
    }
}

/// One write asked of the store.
#[derive(Debug, Clone)]
pub enum Write {
    /// A story seen for the first time; the store mints its id.
    New(StoryContent),
    /// A new revision of an existing story.
    Revise(StoryId, StoryContent),
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
             CREATE INDEX IF NOT EXISTS stories_latest ON stories (latest_seq);",
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
                "INSERT INTO revisions (seq, id, revision, received, content) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut upsert_story = tx.prepare_cached(
                "INSERT INTO stories (id, latest_revision, latest_seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET latest_revision = excluded.latest_revision,
                                                latest_seq = excluded.latest_seq",
            )?;
            for write in writes {
                let (id, revision, content) = match write {
                    Write::New(content) => (StoryId::new(), 1, content),
                    Write::Revise(id, content) => {
                        let latest: Option<u32> =
                            find.query_row([id.to_string()], |r| r.get(0)).optional()?;
                        match latest {
                            Some(r) => (id, r + 1, content),
                            None => {
                                results.push(Err(StoreError::NotFound(id)));
                                continue;
                            }
                        }
                    }
                };
                seq += 1;
                let json = serde_json::to_string(&content).map_err(|e| StoreError::Corrupt {
                    seq,
                    message: e.to_string(),
                })?;
                let id_text = id.to_string();
                insert_rev.execute(params![
                    seq as i64,
                    id_text,
                    revision,
                    unix_nanos(received),
                    json
                ])?;
                upsert_story.execute(params![id_text, revision, seq as i64])?;
                results.push(Ok(Story {
                    id,
                    revision,
                    seq,
                    content,
                    tags: Tags::default(),
                    received,
                }));
            }
        }
        tx.commit()?;
        self.last_seq = seq;
        Ok(results)
    }

    /// Replaces the enrichment stored with one revision (re-tagging).
    pub fn set_tags(&mut self, seq: u64, tags: &Tags) -> Result<(), StoreError> {
        let json = serde_json::to_string(tags).map_err(|e| StoreError::Corrupt {
            seq,
            message: e.to_string(),
        })?;
        self.conn.execute(
            "UPDATE revisions SET tags = ?1 WHERE seq = ?2",
            params![json, seq as i64],
        )?;
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
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        if !matches!(&e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy) {
                            eprintln!("newsterm: WAL checkpoint failed: {e}");
                        }
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
            .append(vec![Write::New(content("Flash: quake"))], now)
            .unwrap();
        let story = first.into_iter().next().unwrap().unwrap();
        assert_eq!((story.revision, story.seq), (1, 1));
        let res = w
            .append(
                vec![
                    Write::Revise(story.id, content("Quake of magnitude 7 hits coast")),
                    Write::Revise(StoryId::new(), content("nobody")),
                    Write::New(content("Other story")),
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
                vec![Write::New(content("a")), Write::New(content("b"))],
                now,
            )
            .unwrap();
        }
        let mut w = Writer::open(&path).unwrap();
        assert_eq!(w.last_seq(), 2);
        let s = w.append(vec![Write::New(content("c"))], now).unwrap();
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
            .append(vec![Write::New(c.clone())], OffsetDateTime::now_utc())
            .unwrap()
            .remove(0)
            .unwrap();
        assert_eq!(r.latest(s.id).unwrap().unwrap().content, c);
    }

    #[test]
    fn for_each_latest_visits_each_story_once() {
        let (_d, mut w, r) = open();
        let now = OffsetDateTime::now_utc();
        let writes = (0..25)
            .map(|i| Write::New(content(&format!("s{i}"))))
            .collect();
        let ids: Vec<StoryId> = w
            .append(writes, now)
            .unwrap()
            .into_iter()
            .map(|s| s.unwrap().id)
            .collect();
        w.append(vec![Write::Revise(ids[3], content("s3 v2"))], now)
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
