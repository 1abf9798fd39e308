//! The sources newsterm polls, their status, and the items already taken
//! from each, kept in their own SQLite file (e.g. `<data>/sources.db`),
//! apart from the story store.
//!
//! Seen items are kept per *scope* — one per source, one per imported
//! location — as dedupe key → (story id, content hash): that is how an item
//! seen again is skipped, or becomes a new revision of the story it made
//! when its content changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use newsterm_sqlite::{Database, Synchronous};
use newsterm_story::{Priority, StoryId, limits};
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use crate::schedule::{Every, Source, SourceId, SourceSpec, SourceStatus};

/// Why a sources operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SourcesError {
    /// Another source already polls this URL.
    #[error("a source with URL {url} already exists (source {id})")]
    DuplicateUrl {
        /// The URL.
        url: String,
        /// The source that polls it.
        id: SourceId,
    },
    /// No source has this id.
    #[error("no source with id {0}")]
    UnknownId(SourceId),
    /// The URL does not parse or is not http(s).
    #[error("`{0}` is not an http(s) URL")]
    BadUrl(String),
    /// The name is empty or too long.
    #[error("source name {0}")]
    BadName(String),
    /// SQLite failed.
    #[error("sources database {path}: {message}")]
    Database {
        /// The sources file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// `sources.db` could not be opened, created or migrated.
    #[error(transparent)]
    Open(Box<newsterm_sqlite::OpenError>),
}

impl From<newsterm_sqlite::OpenError> for SourcesError {
    fn from(e: newsterm_sqlite::OpenError) -> Self {
        SourcesError::Open(Box::new(e))
    }
}

/// A source to add.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
pub struct NewSource {
    /// The feed's http(s) URL.
    pub url: String,
    /// Shown as each story's source; the feed's title when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// How often to poll it (five minutes by default).
    #[serde(default)]
    pub every: Every,
    /// Given to every story from it.
    #[serde(default)]
    pub priority: Priority,
}

/// What an item already made: its story and the hash of the content it
/// had then.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    /// The story the item became.
    pub story_id: StoryId,
    /// The hash of the item's content when it was last taken.
    pub hash: String,
}

/// `sources.db`. All methods take `&self`: one connection behind a
/// mutex, since every operation is a short transaction.
pub struct SourceStore {
    conn: Mutex<Connection>,
    path: PathBuf,
}

/// `sources.db`. Migrations are only ever appended.
const DATABASE: Database = Database {
    name: "sources",
    synchronous: Synchronous::Normal,
    foreign_keys: false,
    migrations: &[
        // 1: files made before schema versions lived in `user_version`
        // already hold these tables, hence IF NOT EXISTS.
        "CREATE TABLE IF NOT EXISTS sources (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL UNIQUE,
            name TEXT,
            every_secs INTEGER NOT NULL,
            priority TEXT NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            added TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE IF NOT EXISTS seen (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            story_id TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (scope, key)
        ) WITHOUT ROWID;",
    ],
};

impl SourceStore {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> Result<SourceStore, SourcesError> {
        Ok(SourceStore {
            conn: Mutex::new(DATABASE.open(path)?),
            path: path.to_path_buf(),
        })
    }

    /// Adds a source, due at once. The URL must be http(s) and not
    /// already a source.
    pub fn add(&self, new: &NewSource) -> Result<Source, SourcesError> {
        let (url, name) = checked(new)?;
        let conn = self.conn()?;
        if let Some(id) = self.id_of_url(&conn, &url)? {
            return Err(SourcesError::DuplicateUrl { url, id });
        }
        conn.execute(
            "INSERT INTO sources (url, name, every_secs, priority, added) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                url,
                name,
                new.every.duration().as_secs() as i64,
                new.priority.as_str(),
                newsterm_story::format_time(OffsetDateTime::now_utc()),
            ],
        )
        .map_err(|e| self.db(e))?;
        let id = SourceId(conn.last_insert_rowid());
        drop(conn);
        self.get(id)
    }

    /// The source polling `url` (as [`SourceStore::add`] would write it),
    /// if any.
    pub fn find_url(&self, url: &str) -> Result<Option<SourceId>, SourcesError> {
        let url = normalize_url(url)?;
        let conn = self.conn()?;
        self.id_of_url(&conn, &url)
    }

    fn id_of_url(&self, conn: &Connection, url: &str) -> Result<Option<SourceId>, SourcesError> {
        conn.query_row("SELECT id FROM sources WHERE url = ?1", [url], |r| {
            r.get::<_, i64>(0)
        })
        .optional()
        .map(|id| id.map(SourceId))
        .map_err(|e| self.db(e))
    }

    /// Writes `spec` as source `spec.id`, as another copy of the sources
    /// (a cluster's shared bucket) holds it: added with that id when it is
    /// new here (due at once), its settings replaced otherwise, its
    /// status kept.
    pub fn put(&self, spec: &SourceSpec) -> Result<(), SourcesError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(|e| self.db(e))?;
        // The other copy is the truth: a source here under another id
        // with the same URL is one it no longer holds.
        let stale: Vec<i64> = {
            let mut stmt = tx
                .prepare("SELECT id FROM sources WHERE url = ?1 AND id != ?2")
                .map_err(|e| self.db(e))?;
            let rows = stmt
                .query_map(params![spec.url, spec.id.0], |r| r.get(0))
                .map_err(|e| self.db(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.db(e))?
        };
        for id in stale {
            tx.execute("DELETE FROM sources WHERE id = ?1", [id])
                .map_err(|e| self.db(e))?;
            tx.execute(
                "DELETE FROM seen WHERE scope = ?1",
                [source_scope(SourceId(id))],
            )
            .map_err(|e| self.db(e))?;
        }
        tx.execute(
            "INSERT INTO sources (id, url, name, every_secs, priority, paused, added)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET url = ?2, name = ?3, every_secs = ?4,
                priority = ?5, paused = ?6",
            params![
                spec.id.0,
                spec.url,
                spec.name,
                spec.every.duration().as_secs() as i64,
                spec.priority.as_str(),
                spec.paused,
                newsterm_story::format_time(OffsetDateTime::now_utc()),
            ],
        )
        .map_err(|e| self.db(e))?;
        tx.commit().map_err(|e| self.db(e))
    }

    /// The highest source id this file has handed out (0 when none).
    pub fn last_id(&self) -> Result<i64, SourcesError> {
        let conn = self.conn()?;
        let in_table: i64 = conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM sources", [], |r| r.get(0))
            .map_err(|e| self.db(e))?;
        // AUTOINCREMENT remembers removed ids too.
        let counted: i64 = conn
            .query_row(
                "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'sources'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.db(e))?
            .unwrap_or(0);
        Ok(in_table.max(counted))
    }

    /// Every source, in the order they were added.
    pub fn list(&self) -> Result<Vec<Source>, SourcesError> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare(&format!("{SELECT_SOURCE} ORDER BY id"))
            .map_err(|e| self.db(e))?;
        let rows = stmt.query_map([], row_to_source).map_err(|e| self.db(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.db(e))
    }

    /// Source `id` and its status.
    pub fn get(&self, id: SourceId) -> Result<Source, SourcesError> {
        self.conn()?
            .query_row(
                &format!("{SELECT_SOURCE} WHERE id = ?1"),
                [id.0],
                row_to_source,
            )
            .optional()
            .map_err(|e| self.db(e))?
            .ok_or(SourcesError::UnknownId(id))
    }

    /// Removes a source and everything remembered about its items.
    pub fn remove(&self, id: SourceId) -> Result<(), SourcesError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(|e| self.db(e))?;
        let n = tx
            .execute("DELETE FROM sources WHERE id = ?1", [id.0])
            .map_err(|e| self.db(e))?;
        if n == 0 {
            return Err(SourcesError::UnknownId(id));
        }
        tx.execute("DELETE FROM seen WHERE scope = ?1", [source_scope(id)])
            .map_err(|e| self.db(e))?;
        tx.commit().map_err(|e| self.db(e))
    }

    /// Pauses (`true`) or resumes (`false`) a source. A resumed source is
    /// due at once.
    pub fn set_paused(&self, id: SourceId, paused: bool) -> Result<Source, SourcesError> {
        let mut source = self.get(id)?;
        if !paused && source.spec.paused {
            source.status.health.next_due = None;
        }
        let status = serde_json::to_string(&source.status).map_err(|e| self.db(e))?;
        let n = self
            .conn()?
            .execute(
                "UPDATE sources SET paused = ?2, status = ?3 WHERE id = ?1",
                params![id.0, paused, status],
            )
            .map_err(|e| self.db(e))?;
        if n == 0 {
            return Err(SourcesError::UnknownId(id));
        }
        self.get(id)
    }

    /// Records how the last poll went.
    pub fn update_status(&self, id: SourceId, status: &SourceStatus) -> Result<(), SourcesError> {
        let json = serde_json::to_string(status).map_err(|e| self.db(e))?;
        let n = self
            .conn()?
            .execute(
                "UPDATE sources SET status = ?2 WHERE id = ?1",
                params![id.0, json],
            )
            .map_err(|e| self.db(e))?;
        if n == 0 {
            return Err(SourcesError::UnknownId(id));
        }
        Ok(())
    }

    /// What each of `keys` made before, for those seen in `scope`.
    pub fn seen(
        &self,
        scope: &str,
        keys: &[String],
    ) -> Result<HashMap<String, Seen>, SourcesError> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT story_id, hash FROM seen WHERE scope = ?1 AND key = ?2")
            .map_err(|e| self.db(e))?;
        let mut out = HashMap::new();
        for key in keys {
            let row = stmt
                .query_row(params![scope, key], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .optional()
                .map_err(|e| self.db(e))?;
            // An id that no longer parses is treated as never seen.
            if let Some((id, hash)) = row
                && let Ok(story_id) = id.parse()
            {
                out.insert(key.clone(), Seen { story_id, hash });
            }
        }
        Ok(out)
    }

    /// Every item seen in `scope`, by key.
    pub fn seen_in(&self, scope: &str) -> Result<Vec<(String, Seen)>, SourcesError> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare("SELECT key, story_id, hash FROM seen WHERE scope = ?1 ORDER BY key")
            .map_err(|e| self.db(e))?;
        let rows = stmt
            .query_map([scope], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.db(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (key, id, hash) = row.map_err(|e| self.db(e))?;
            if let Ok(story_id) = id.parse() {
                out.push((key, Seen { story_id, hash }));
            }
        }
        Ok(out)
    }

    /// Records which story each key became, with its content hash.
    pub fn record_seen(&self, scope: &str, entries: &[(String, Seen)]) -> Result<(), SourcesError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(|e| self.db(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO seen (scope, key, story_id, hash) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (scope, key) DO UPDATE SET story_id = ?3, hash = ?4",
                )
                .map_err(|e| self.db(e))?;
            for (key, seen) in entries {
                stmt.execute(params![scope, key, seen.story_id.to_string(), seen.hash])
                    .map_err(|e| self.db(e))?;
            }
        }
        tx.commit().map_err(|e| self.db(e))
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, SourcesError> {
        self.conn.lock().map_err(|_| SourcesError::Database {
            path: self.path.clone(),
            message: "a previous operation panicked while holding the connection".into(),
        })
    }

    fn db(&self, e: impl std::fmt::Display) -> SourcesError {
        SourcesError::Database {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }
}

/// The seen-items scope of a source.
pub fn source_scope(id: SourceId) -> String {
    format!("source:{id}")
}

const SELECT_SOURCE: &str =
    "SELECT id, url, name, every_secs, priority, paused, status FROM sources";

fn row_to_source(r: &rusqlite::Row<'_>) -> rusqlite::Result<Source> {
    let every_secs: i64 = r.get(3)?;
    let priority: String = r.get(4)?;
    let status: String = r.get(6)?;
    let every =
        Every::new(std::time::Duration::from_secs(every_secs.max(0) as u64)).unwrap_or_default();
    Ok(Source {
        spec: SourceSpec {
            id: SourceId(r.get(0)?),
            url: r.get(1)?,
            name: r.get(2)?,
            every,
            priority: priority.parse().unwrap_or_default(),
            paused: r.get(5)?,
        },
        // A status written by another version that no longer reads is
        // dropped: the source is simply polled afresh.
        status: serde_json::from_str(&status).unwrap_or_default(),
    })
}

/// The settings of a new source `id` as [`SourceStore::add`] would store
/// them: its URL checked and normalised, its name checked, not paused.
pub fn spec_of(id: SourceId, new: &NewSource) -> Result<SourceSpec, SourcesError> {
    let (url, name) = checked(new)?;
    Ok(SourceSpec {
        id,
        url,
        name,
        every: new.every,
        priority: new.priority,
        paused: false,
    })
}

/// A new source's URL, normalised, and its name, trimmed; refused when
/// either is not acceptable.
fn checked(new: &NewSource) -> Result<(String, Option<String>), SourcesError> {
    let url = normalize_url(&new.url)?;
    let name = match new.name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) if n.contains(['\n', '\r']) => {
            return Err(SourcesError::BadName("must be a single line".into()));
        }
        Some(n) if n.chars().count() > limits::LINE_CHARS => {
            return Err(SourcesError::BadName(format!(
                "is longer than {} characters",
                limits::LINE_CHARS
            )));
        }
        Some(n) => Some(n.to_string()),
    };
    Ok((url, name))
}

/// The URL as `url` serialises it (lower-case scheme and host, `/` path
/// on a bare host), so one feed is not added twice under two spellings.
fn normalize_url(raw: &str) -> Result<String, SourcesError> {
    let bad = || SourcesError::BadUrl(raw.chars().take(200).collect());
    let url = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    let s = url.to_string();
    if s.len() > limits::URL_CHARS {
        return Err(bad());
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &tempfile::TempDir) -> SourceStore {
        SourceStore::open(&dir.path().join("sources.db")).unwrap()
    }

    fn new(url: &str) -> NewSource {
        NewSource {
            url: url.into(),
            ..Default::default()
        }
    }

    #[test]
    fn sources_persist_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let a = {
            let s = store(&dir);
            let a = s
                .add(&NewSource {
                    url: "HTTP://Example.COM".into(),
                    name: Some("  Example wire ".into()),
                    every: "30s".parse().unwrap(),
                    priority: Priority::Urgent,
                })
                .unwrap();
            s.add(&new("https://other.example/feed.xml")).unwrap();
            let mut status = SourceStatus::default();
            status.failed(
                OffsetDateTime::now_utc(),
                a.spec.every,
                "HTTP 500 from x".into(),
            );
            s.update_status(a.spec.id, &status).unwrap();
            s.set_paused(a.spec.id, true).unwrap();
            a
        };
        let s = store(&dir);
        let list = s.list().unwrap();
        assert_eq!(list.len(), 2);
        let got = &list[0];
        assert_eq!(got.spec.url, "http://example.com/");
        assert_eq!(got.spec.name.as_deref(), Some("Example wire"));
        assert_eq!(got.spec.every.to_string(), "30s");
        assert_eq!(got.spec.priority, Priority::Urgent);
        assert!(got.spec.paused);
        assert_eq!(got.status.health.consecutive_failures, 1);
        assert_eq!(
            got.status.health.last_error.as_deref(),
            Some("HTTP 500 from x")
        );
        let resumed = s.set_paused(a.spec.id, false).unwrap();
        assert!(!resumed.spec.paused);
        assert!(resumed.is_due(OffsetDateTime::now_utc()));
    }

    #[test]
    fn duplicates_bad_urls_and_unknown_ids_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let a = s.add(&new("http://example.com/feed")).unwrap();
        let e = s
            .add(&new(" http://EXAMPLE.com/feed "))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "a source with URL http://example.com/feed already exists (source {})",
                a.spec.id
            )
        );
        let e = s
            .add(&new("ftp://example.com/feed"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`ftp://example.com/feed` is not an http(s) URL"),
            "{e}"
        );
        let e = s
            .add(&NewSource {
                url: "http://x.example/".into(),
                name: Some("two\nlines".into()),
                ..Default::default()
            })
            .unwrap_err()
            .to_string();
        assert!(e.contains("single line"), "{e}");
        assert_eq!(
            s.remove(SourceId(999)).unwrap_err().to_string(),
            "no source with id 999"
        );
        assert!(matches!(
            s.set_paused(SourceId(999), true),
            Err(SourcesError::UnknownId(SourceId(999)))
        ));
    }

    #[test]
    fn seen_keys_are_kept_per_scope_and_removed_with_their_source() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let a = s.add(&new("http://a.example/feed")).unwrap().spec.id;
        let b = s.add(&new("http://b.example/feed")).unwrap().spec.id;
        let story = StoryId::new();
        let seen = Seen {
            story_id: story,
            hash: "h1".into(),
        };
        s.record_seen(&source_scope(a), &[("id:1".into(), seen.clone())])
            .unwrap();
        let keys = vec!["id:1".to_string(), "id:2".to_string()];
        let found = s.seen(&source_scope(a), &keys).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found["id:1"], seen);
        assert!(s.seen(&source_scope(b), &keys).unwrap().is_empty());
        // A changed hash overwrites.
        let changed = Seen {
            story_id: story,
            hash: "h2".into(),
        };
        s.record_seen(&source_scope(a), &[("id:1".into(), changed.clone())])
            .unwrap();
        assert_eq!(s.seen(&source_scope(a), &keys).unwrap()["id:1"], changed);
        s.remove(a).unwrap();
        assert!(s.seen(&source_scope(a), &keys).unwrap().is_empty());
        // Ids are never reused, so a new source cannot inherit old keys.
        let c = s.add(&new("http://a.example/feed")).unwrap().spec.id;
        assert!(c.0 > b.0);
    }
}
