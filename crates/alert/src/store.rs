//! Alerts and their hits on disk: a SQLite file of its own
//! (`<data>/alerts.db`), so alerts survive restarts and the alert pane and
//! per-alert feeds can list recent hits.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use newsterm_sqlite::{Database, Synchronous};
use newsterm_story::StoryId;
use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::alert::{Alert, AlertError, AlertId, AlertSpec, Delivery, Webhook, Whose};
use crate::index::AlertIndex;

/// `alerts.db`. Migrations are only ever appended.
const DATABASE: Database = Database {
    name: "alerts",
    // WAL with NORMAL survives a process crash; only an OS crash can
    // lose the last few hits, never a whole alert table.
    synchronous: Synchronous::Normal,
    foreign_keys: true,
    migrations: &[
        // 1: files made before schema versions lived in `user_version`
        // already hold these tables, hence IF NOT EXISTS.
        "CREATE TABLE IF NOT EXISTS alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            query TEXT NOT NULL,
            stream INTEGER NOT NULL,
            feed INTEGER NOT NULL,
            webhook_url TEXT,
            webhook_secret TEXT,
            created TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS fired (
            alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
            story_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            fired_at TEXT NOT NULL,
            PRIMARY KEY (alert_id, story_id, revision)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS fired_by_seq ON fired(seq);
        CREATE INDEX IF NOT EXISTS fired_by_alert ON fired(alert_id, seq);",
        // 2: alerts belong to the user who made them (an id from
        // accounts.db, never reused); NULL for alerts made in local mode.
        "ALTER TABLE alerts ADD COLUMN owner INTEGER;
        CREATE INDEX alerts_by_owner ON alerts(owner);",
    ],
};

const ALERT_COLUMNS: &str =
    "id, name, query, stream, feed, webhook_url, webhook_secret, created, owner";

/// One alert firing for one revision of one story.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fired {
    /// The alert that fired.
    pub alert: AlertId,
    /// The story it fired for.
    pub story: StoryId,
    /// The story's revision that matched.
    pub revision: u32,
    /// The revision's wire sequence.
    pub seq: u64,
    /// When it fired.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The alerts file. Safe to share between threads; calls are serialized.
pub struct AlertStore {
    conn: Mutex<Connection>,
}

impl AlertStore {
    /// Opens (creating if needed) the alerts file at `path`.
    pub fn open(path: &Path) -> Result<AlertStore, AlertError> {
        Ok(AlertStore {
            conn: Mutex::new(DATABASE.open(path)?),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves SQLite itself
        // consistent (every write is a transaction).
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Validates and stores a new alert of `owner` (a user id; `None` in
    /// local mode).
    pub fn add(
        &self,
        spec: &AlertSpec,
        owner: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Alert, AlertError> {
        let mut alerts = self.add_all(std::slice::from_ref(spec), owner, now)?;
        alerts
            .pop()
            .ok_or_else(|| AlertError::Damaged("an added alert was not returned".into()))
    }

    /// Validates every spec, then stores them all in one transaction, or
    /// none when one is invalid.
    pub fn add_all(
        &self,
        specs: &[AlertSpec],
        owner: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Vec<Alert>, AlertError> {
        let queries = specs
            .iter()
            .map(AlertSpec::validate)
            .collect::<Result<Vec<_>, _>>()?;
        let created = OffsetDateTime::from_unix_timestamp(now.unix_timestamp()).unwrap_or(now);
        let created_text = created
            .format(&Rfc3339)
            .map_err(|e| AlertError::Damaged(e.to_string()))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut alerts = Vec::with_capacity(specs.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO alerts (name, query, stream, feed, webhook_url, webhook_secret, created, owner)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (spec, query) in specs.iter().zip(queries) {
                let hook = spec.delivery.webhook.as_ref();
                let name = spec.name.trim();
                insert.execute(params![
                    name,
                    spec.query,
                    spec.delivery.stream,
                    spec.delivery.feed,
                    hook.map(|h| h.url.as_str()),
                    hook.map(|h| h.secret.as_str()),
                    created_text,
                    owner,
                ])?;
                let id = u64::try_from(tx.last_insert_rowid())
                    .map_err(|_| AlertError::Damaged("negative alert id".into()))?;
                alerts.push(Alert {
                    id: AlertId(id),
                    name: name.to_string(),
                    query_text: spec.query.clone(),
                    query,
                    delivery: spec.delivery.clone(),
                    created,
                    owner,
                });
            }
        }
        tx.commit()?;
        Ok(alerts)
    }

    /// Replaces what alert `id` is called, matches and delivers to with
    /// `spec`, keeping its owner, creation time and hits; `None` when
    /// there is no such alert. Nothing changes when `spec` is invalid.
    pub fn replace(&self, id: AlertId, spec: &AlertSpec) -> Result<Option<Alert>, AlertError> {
        spec.validate()?;
        let hook = spec.delivery.webhook.as_ref();
        let changed = self.conn().execute(
            "UPDATE alerts SET name = ?2, query = ?3, stream = ?4, feed = ?5,
                 webhook_url = ?6, webhook_secret = ?7
             WHERE id = ?1",
            params![
                id_param(id)?,
                spec.name.trim(),
                spec.query,
                spec.delivery.stream,
                spec.delivery.feed,
                hook.map(|h| h.url.as_str()),
                hook.map(|h| h.secret.as_str()),
            ],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        self.get(id)
    }

    /// Stores `alert` under its own id, as another node of a cluster
    /// made it: a new row, or the same row brought up to date (its hits
    /// kept).
    pub fn put(&self, alert: &Alert) -> Result<(), AlertError> {
        let r = AlertRecord::of(alert)?;
        self.conn().execute(
            "INSERT INTO alerts (id, name, query, stream, feed, webhook_url, webhook_secret, created, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, query = excluded.query,
                stream = excluded.stream, feed = excluded.feed, webhook_url = excluded.webhook_url,
                webhook_secret = excluded.webhook_secret, created = excluded.created,
                owner = excluded.owner",
            params![
                r.id,
                r.name,
                r.query,
                r.stream,
                r.feed,
                r.webhook_url,
                r.webhook_secret,
                r.created,
                r.owner,
            ],
        )?;
        Ok(())
    }

    /// The highest alert id this file has ever given or taken.
    pub fn last_id(&self) -> Result<u64, AlertError> {
        let n: i64 = self.conn().query_row(
            "SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'alerts'), 0),
                        COALESCE((SELECT max(id) FROM alerts), 0))",
            [],
            |r| r.get(0),
        )?;
        Ok(n.unsigned_abs())
    }

    /// Removes an alert and its hits; false when there was none.
    pub fn remove(&self, id: AlertId) -> Result<bool, AlertError> {
        let removed = self
            .conn()
            .execute("DELETE FROM alerts WHERE id = ?1", [id_param(id)?])?;
        Ok(removed > 0)
    }

    /// The alert `id`, or `None` when there is no such alert.
    pub fn get(&self, id: AlertId) -> Result<Option<Alert>, AlertError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"))?;
        let row = stmt.query_row([id_param(id)?], raw_alert).optional()?;
        row.map(AlertRecord::into_alert).transpose()
    }

    /// Every alert, oldest first.
    pub fn list(&self) -> Result<Vec<Alert>, AlertError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached(&format!("SELECT {ALERT_COLUMNS} FROM alerts ORDER BY id"))?;
        let rows = stmt.query_map([], raw_alert)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?.into_alert()?);
        }
        Ok(out)
    }

    /// Number of alerts stored.
    pub fn count(&self) -> Result<u64, AlertError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM alerts", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// An index of every stored alert, for matching from startup on.
    ///
    /// Reads only ids and query texts. A stored query that no longer
    /// parses (the language changed since it was saved) is skipped with a
    /// warning rather than keeping the server from starting.
    pub fn load_index(&self) -> Result<AlertIndex, AlertError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, query FROM alerts ORDER BY id")?;
        let mut rows = stmt.query([])?;
        let mut index = AlertIndex::new();
        while let Some(row) = rows.next()? {
            let id = AlertId(row.get::<_, i64>(0)?.unsigned_abs());
            let text = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            match newsterm_query::parse(text) {
                Ok(query) => index.insert(id, &query),
                Err(e) => tracing::warn!(alert = %id, "stored alert query no longer parses: {e}"),
            }
        }
        Ok(index)
    }

    /// Logs hits, once each: a hit already logged for the same alert,
    /// story and revision (a replay after a restart) is ignored. Returns
    /// the hits that were new, the only ones to deliver.
    pub fn record_fired(&self, fired: &[Fired]) -> Result<Vec<Fired>, AlertError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut new = Vec::new();
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO fired (alert_id, story_id, revision, seq, fired_at)
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM alerts WHERE id = ?1)",
            )?;
            for hit in fired {
                let at = hit
                    .at
                    .format(&Rfc3339)
                    .map_err(|e| AlertError::Damaged(e.to_string()))?;
                let seq = i64::try_from(hit.seq)
                    .map_err(|_| AlertError::Damaged(format!("sequence {} too large", hit.seq)))?;
                let inserted = insert.execute(params![
                    id_param(hit.alert)?,
                    hit.story.to_string(),
                    hit.revision,
                    seq,
                    at,
                ])?;
                if inserted > 0 {
                    new.push(hit.clone());
                }
            }
        }
        tx.commit()?;
        Ok(new)
    }

    /// The newest `limit` hits, of one alert or of all, newest first; of
    /// `whose` alerts only.
    pub fn recent_fired(
        &self,
        alert: Option<AlertId>,
        whose: Whose,
        limit: usize,
    ) -> Result<Vec<Fired>, AlertError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // `?2 IS NULL` stands for every owner.
        let owner = match whose {
            Whose::Everyone => None,
            Whose::User(id) => Some(id),
        };
        let conn = self.conn();
        let mut stmt;
        let rows = match alert {
            // `+?N`: a value the query planner does not read, so that
            // SQLite does not compile the statement again at each call.
            Some(id) => {
                stmt = conn.prepare_cached(
                    "SELECT alert_id, story_id, revision, seq, fired_at FROM fired
                     WHERE alert_id = +?1
                       AND (?2 IS NULL OR alert_id IN (SELECT id FROM alerts WHERE owner = ?2))
                     ORDER BY seq DESC, alert_id LIMIT +?3",
                )?;
                stmt.query_map(params![id_param(id)?, owner, limit], raw_fired)?
            }
            None => {
                stmt = conn.prepare_cached(
                    "SELECT alert_id, story_id, revision, seq, fired_at FROM fired
                     WHERE ?1 IS NULL OR alert_id IN (SELECT id FROM alerts WHERE owner = ?1)
                     ORDER BY seq DESC, alert_id LIMIT +?2",
                )?;
                stmt.query_map(params![owner, limit], raw_fired)?
            }
        };
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }
}

fn id_param(id: AlertId) -> Result<i64, AlertError> {
    i64::try_from(id.0).map_err(|_| AlertError::InvalidId(id.to_string()))
}

/// An alert as a row of `alerts.db` holds it, and as a cluster's shared
/// bucket carries it (webhook secret included); checked in
/// [`AlertRecord::into_alert`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AlertRecord {
    /// The alert's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its query, as written.
    pub query: String,
    /// Whether hits go to the alert stream.
    pub stream: bool,
    /// Whether hits go to the alert's feed.
    pub feed: bool,
    /// Its webhook's URL, if it has one.
    pub webhook_url: Option<String>,
    /// Its webhook's secret, if it has one.
    pub webhook_secret: Option<String>,
    /// When it was added (RFC 3339).
    pub created: String,
    /// Its owner's user id.
    pub owner: Option<i64>,
}

impl AlertRecord {
    /// The record of `alert`.
    pub fn of(alert: &Alert) -> Result<AlertRecord, AlertError> {
        let hook = alert.delivery.webhook.as_ref();
        Ok(AlertRecord {
            id: id_param(alert.id)?,
            name: alert.name.clone(),
            query: alert.query_text.clone(),
            stream: alert.delivery.stream,
            feed: alert.delivery.feed,
            webhook_url: hook.map(|h| h.url.clone()),
            webhook_secret: hook.map(|h| h.secret.clone()),
            created: alert
                .created
                .format(&Rfc3339)
                .map_err(|e| AlertError::Damaged(e.to_string()))?,
            owner: alert.owner,
        })
    }
}

fn raw_alert(row: &Row<'_>) -> rusqlite::Result<AlertRecord> {
    Ok(AlertRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        query: row.get(2)?,
        stream: row.get(3)?,
        feed: row.get(4)?,
        webhook_url: row.get(5)?,
        webhook_secret: row.get(6)?,
        created: row.get(7)?,
        owner: row.get(8)?,
    })
}

impl AlertRecord {
    /// The alert, its query parsed and its fields checked.
    pub fn into_alert(self) -> Result<Alert, AlertError> {
        let damaged = |what: String| AlertError::Damaged(format!("alert {}: {what}", self.id));
        let query = newsterm_query::parse(&self.query).map_err(|e| damaged(e.to_string()))?;
        let created = OffsetDateTime::parse(&self.created, &Rfc3339)
            .map_err(|e| damaged(format!("created time: {e}")))?;
        let webhook = match (self.webhook_url, self.webhook_secret) {
            (Some(url), Some(secret)) => Some(Webhook { url, secret }),
            _ => None,
        };
        Ok(Alert {
            id: AlertId(self.id.unsigned_abs()),
            name: self.name,
            query_text: self.query,
            query,
            delivery: Delivery {
                stream: self.stream,
                webhook,
                feed: self.feed,
            },
            created,
            owner: self.owner,
        })
    }
}

fn raw_fired(row: &Row<'_>) -> rusqlite::Result<Result<Fired, AlertError>> {
    let alert: i64 = row.get(0)?;
    let story: String = row.get(1)?;
    let revision: u32 = row.get(2)?;
    let seq: i64 = row.get(3)?;
    let at: String = row.get(4)?;
    let damaged = |what: String| AlertError::Damaged(format!("hit of alert {alert}: {what}"));
    Ok((|| {
        Ok(Fired {
            alert: AlertId(alert.unsigned_abs()),
            story: story
                .parse()
                .map_err(|_| damaged(format!("story id `{story}`")))?,
            revision,
            seq: seq.unsigned_abs(),
            at: OffsetDateTime::parse(&at, &Rfc3339).map_err(|e| damaged(e.to_string()))?,
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2024-05-01 12:00:00.250 UTC);

    fn spec(name: &str, query: &str) -> AlertSpec {
        AlertSpec {
            name: name.into(),
            query: query.into(),
            delivery: Delivery::default(),
        }
    }

    fn hit(alert: AlertId, story: StoryId, revision: u32, seq: u64) -> Fired {
        Fired {
            alert,
            story,
            revision,
            seq,
            at: datetime!(2024-05-01 12:00:01 UTC),
        }
    }

    #[test]
    fn alerts_survive_reopening_and_load_into_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alerts.db");
        let hooked = AlertSpec {
            delivery: Delivery {
                stream: false,
                webhook: Some(Webhook {
                    url: "http://127.0.0.1:9/hook".into(),
                    secret: "s3cret".into(),
                }),
                feed: true,
            },
            ..spec("Oil", "\"oil prices\" -opec")
        };
        let (a, b) = {
            let store = AlertStore::open(&path).unwrap();
            let a = store
                .add(&spec(" Quakes ", "quake*"), Some(7), NOW)
                .unwrap();
            let b = store.add(&hooked, None, NOW).unwrap();
            (a, b)
        };
        let store = AlertStore::open(&path).unwrap();
        assert_eq!(store.list().unwrap(), [a.clone(), b.clone()]);
        assert_eq!(a.name, "Quakes");
        assert_eq!((a.owner, b.owner), (Some(7), None));
        assert_eq!(a.created, datetime!(2024-05-01 12:00 UTC));
        assert_eq!(store.get(b.id).unwrap(), Some(b.clone()));
        assert_eq!(
            store
                .get(b.id)
                .unwrap()
                .and_then(|x| x.delivery.webhook)
                .map(|w| w.secret),
            Some("s3cret".to_string())
        );
        assert_eq!(store.count().unwrap(), 2);

        let index = store.load_index().unwrap();
        assert_eq!(index.len(), 2);
        assert!(index.contains(a.id) && index.contains(b.id));
    }

    #[test]
    fn invalid_specs_store_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlertStore::open(&dir.path().join("alerts.db")).unwrap();
        let err = store
            .add_all(&[spec("ok", "oil"), spec("bad", "oil (gas")], None, NOW)
            .unwrap_err();
        assert!(
            matches!(err, AlertError::InvalidQuery(ref e) if e.position == 4),
            "{err}"
        );
        assert_eq!(store.count().unwrap(), 0);
    }

    #[test]
    fn removed_ids_are_never_reused_and_take_their_hits_along() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlertStore::open(&dir.path().join("alerts.db")).unwrap();
        let a = store.add(&spec("a", "oil"), None, NOW).unwrap();
        store
            .record_fired(&[hit(a.id, StoryId::new(), 1, 5)])
            .unwrap();
        assert!(store.remove(a.id).unwrap());
        assert!(!store.remove(a.id).unwrap());
        assert_eq!(store.get(a.id).unwrap(), None);
        assert!(
            store
                .recent_fired(None, Whose::Everyone, 10)
                .unwrap()
                .is_empty()
        );
        let b = store.add(&spec("b", "gas"), None, NOW).unwrap();
        assert!(b.id > a.id);
    }

    #[test]
    fn hits_are_logged_once_and_listed_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlertStore::open(&dir.path().join("alerts.db")).unwrap();
        let a = store.add(&spec("a", "oil"), None, NOW).unwrap().id;
        let b = store.add(&spec("b", "gas"), None, NOW).unwrap().id;
        let story = StoryId::new();
        let first = vec![hit(a, story, 1, 10), hit(b, story, 1, 10)];
        assert_eq!(store.record_fired(&first).unwrap(), first);
        // A replay of the same revision delivers nothing new.
        let again = vec![hit(a, story, 1, 10), hit(a, story, 2, 12)];
        assert_eq!(store.record_fired(&again).unwrap(), [hit(a, story, 2, 12)]);
        // Hits of an alert removed meanwhile are dropped.
        assert!(
            store
                .record_fired(&[hit(AlertId(99), story, 1, 13)])
                .unwrap()
                .is_empty()
        );

        let of_a = store.recent_fired(Some(a), Whose::Everyone, 10).unwrap();
        assert_eq!(of_a, [hit(a, story, 2, 12), hit(a, story, 1, 10)]);
        assert_eq!(
            store.recent_fired(None, Whose::Everyone, 2).unwrap().len(),
            2
        );
        assert_eq!(
            store.recent_fired(None, Whose::Everyone, 2).unwrap()[0].seq,
            12
        );
    }

    #[test]
    fn a_user_lists_only_the_hits_of_their_own_alerts() {
        let dir = tempfile::tempdir().unwrap();
        let store = AlertStore::open(&dir.path().join("alerts.db")).unwrap();
        let mine = store.add(&spec("mine", "oil"), Some(1), NOW).unwrap().id;
        let theirs = store.add(&spec("theirs", "oil"), Some(2), NOW).unwrap().id;
        let local = store.add(&spec("local", "oil"), None, NOW).unwrap().id;
        let story = StoryId::new();
        store
            .record_fired(&[
                hit(mine, story, 1, 10),
                hit(theirs, story, 1, 10),
                hit(local, story, 1, 10),
            ])
            .unwrap();
        let alerts_of = |whose, alert| -> Vec<AlertId> {
            store
                .recent_fired(alert, whose, 10)
                .unwrap()
                .into_iter()
                .map(|f| f.alert)
                .collect()
        };
        assert_eq!(alerts_of(Whose::User(1), None), [mine]);
        assert!(alerts_of(Whose::User(1), Some(theirs)).is_empty());
        assert_eq!(alerts_of(Whose::User(2), Some(theirs)), [theirs]);
        assert_eq!(alerts_of(Whose::Everyone, None), [mine, theirs, local]);
    }

    #[test]
    fn a_replaced_alert_keeps_its_owner_creation_and_hits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alerts.db");
        let store = AlertStore::open(&path).unwrap();
        let a = store.add(&spec("quakes", "quake"), Some(3), NOW).unwrap();
        store
            .record_fired(&[hit(a.id, StoryId::new(), 1, 5)])
            .unwrap();
        let edited = store
            .replace(a.id, &spec(" tremors ", "tremor OR quake"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (edited.id, edited.name.as_str(), edited.query_text.as_str()),
            (a.id, "tremors", "tremor OR quake")
        );
        assert_eq!((edited.owner, edited.created), (a.owner, a.created));
        assert_eq!(
            store
                .recent_fired(Some(a.id), Whose::Everyone, 10)
                .unwrap()
                .len(),
            1
        );
        // An invalid spec changes nothing; an unknown id is none.
        assert!(store.replace(a.id, &spec("bad", "(")).is_err());
        assert!(
            store
                .replace(AlertId(999), &spec("x", "y"))
                .unwrap()
                .is_none()
        );
        assert_eq!(
            AlertStore::open(&path).unwrap().get(a.id).unwrap(),
            Some(edited)
        );
    }
}
