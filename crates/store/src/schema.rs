//! The store's file: its tables, and the migrations that bring a file
//! made by an older build up to date (only ever appended).

use crate::StoreError;
use newsterm_sqlite::{Database, Synchronous};
use rusqlite::Connection;

/// The story store's file. Migrations are only ever appended.
pub(crate) const DATABASE: Database = Database {
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

/// Adds what the event grouping and the wire's lifecycle keep to a store
/// made before they existed: the columns are nullable, so older rows read
/// as plain updates of ungrouped stories.
pub(crate) fn add_lifecycle_columns(conn: &Connection) -> Result<(), StoreError> {
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
