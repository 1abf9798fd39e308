//! Opening newsterm's SQLite files — the story store, `alerts.db`,
//! `sources.db` and whatever comes next — one way: the file created
//! readable by its owner only, WAL journaling, the durability each file
//! asks for, a wait for other connections' locks (see [`Patience`]), and
//! its schema brought up to date by numbered migrations.
//!
//! **Schema versions.** A file's version is SQLite's `user_version`: the
//! number of [`Database::migrations`] applied to it. Opening applies the
//! missing ones in order, each in its own transaction together with the
//! new version number, so a crash mid-way leaves the file at the last
//! complete version. A file whose version is higher than the migrations
//! this build knows was written by a newer newsterm and is refused rather
//! than misread. Migrations are only ever appended to the list, never
//! edited: a file that already ran one never runs it again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// Page size of a newly created file, in bytes.
pub const PAGE_SIZE: u32 = 8192;

/// How long a connection waits for another one's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements a connection keeps. rusqlite keeps 16 and drops
/// the least recently used past that; the story store's reader alone runs
/// over twenty, so a mix of requests compiled some again at nearly every
/// call.
const PREPARED_STATEMENTS: usize = 64;

/// How long a connection waits for a lock another connection holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// Up to [`BUSY_TIMEOUT`]: every connection [`Database::connect`]
    /// opens.
    Long,
    /// Up to 10 ms: for work that holds others out while it waits (a
    /// checkpoint that rewinds the WAL keeps the writer out until the
    /// readers before it are done), and had better try again later.
    Brief,
}

/// Waiting connections look again every 100 µs for the first 10 ms, then
/// once a millisecond. SQLite's own handler (`busy_timeout`) sleeps 1, 2,
/// 5, 10, 15, 20 and 25 ms between looks, so a writer kept out for 20 ms
/// came back only after 33, with every publish queued behind it.
const CLOSE_LOOK: Duration = Duration::from_micros(100);
const CLOSE_LOOKS: u32 = 100;
const FAR_LOOK: Duration = Duration::from_millis(1);

impl Patience {
    /// How long to sleep before looking again after `looks` looks found
    /// the lock taken, or `None` when it is time to give up.
    fn pause(self, looks: u32) -> Option<Duration> {
        let close = looks.min(CLOSE_LOOKS);
        let waited = CLOSE_LOOK * close + FAR_LOOK * (looks - close);
        match self {
            _ if looks < CLOSE_LOOKS => Some(CLOSE_LOOK),
            Patience::Long if waited < BUSY_TIMEOUT => Some(FAR_LOOK),
            Patience::Long | Patience::Brief => None,
        }
    }

    fn wait(self, looks: i32) -> bool {
        match self.pause(u32::try_from(looks).unwrap_or(0)) {
            Some(pause) => {
                std::thread::sleep(pause);
                true
            }
            None => false,
        }
    }
}

/// Sets how long `conn` waits for another connection's lock.
pub fn set_patience(conn: &mut Connection, patience: Patience) -> rusqlite::Result<()> {
    // SQLite takes a plain function, so each patience gets its own.
    fn long(looks: i32) -> bool {
        Patience::Long.wait(looks)
    }
    fn brief(looks: i32) -> bool {
        Patience::Brief.wait(looks)
    }
    conn.busy_handler(Some(match patience {
        Patience::Long => long,
        Patience::Brief => brief,
    }))
}

/// When a commit returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// After the commit is on disk (`synchronous=FULL`): what an
    /// acknowledgement to a publisher promises.
    Full,
    /// WAL with `synchronous=NORMAL`: a process crash loses nothing; an
    /// operating-system crash can lose the last commits, never the file.
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// What a file needs when it is opened for writing.
#[derive(Debug, Clone, Copy)]
pub struct Database {
    /// Names the file in errors ("story store", "alerts", …).
    pub name: &'static str,
    /// How durable each commit is.
    pub synchronous: Synchronous,
    /// Whether `REFERENCES` clauses are enforced.
    pub foreign_keys: bool,
    /// The schema as a list of SQL batches; the file's version is how many
    /// of them it has run.
    pub migrations: &'static [&'static str],
}

/// How an existing file is opened by [`Database::connect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only; never blocks the writer in WAL mode.
    ReadOnly,
    /// Reads and writes, without creating the file or migrating it.
    ReadWrite,
}

/// Why a database file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be created (missing directory, permissions).
    #[error("{name} database {path}: cannot create it: {source}")]
    Create {
        /// The file's [`Database::name`].
        name: &'static str,
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// SQLite refused to open or set up the file.
    #[error("{name} database {path}: {source}")]
    Sqlite {
        /// The file's [`Database::name`].
        name: &'static str,
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file was written by a newer newsterm.
    #[error(
        "{name} database {path} has schema version {found}, newer than this newsterm knows ({known}); upgrade newsterm"
    )]
    Newer {
        /// The file's [`Database::name`].
        name: &'static str,
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: i64,
        /// The highest version this build knows.
        known: usize,
    },
    /// A migration failed; the file stays at the version before it.
    #[error("{name} database {path}: migration to schema version {version} failed: {source}")]
    Migration {
        /// The file's [`Database::name`].
        name: &'static str,
        /// The file.
        path: PathBuf,
        /// The version the failed migration would have reached.
        version: usize,
        /// What SQLite said.
        source: rusqlite::Error,
    },
}

impl OpenError {
    /// The SQLite error behind this one, if any (to tell a full disk from
    /// other failures).
    pub fn sqlite(&self) -> Option<&rusqlite::Error> {
        match self {
            OpenError::Sqlite { source, .. } | OpenError::Migration { source, .. } => Some(source),
            OpenError::Create { .. } | OpenError::Newer { .. } => None,
        }
    }
}

impl Database {
    /// Opens the file at `path` for writing, creating it (mode 0600 on
    /// Unix, as it may hold secrets) if it does not exist, and brings its
    /// schema up to date.
    pub fn open(&self, path: &Path) -> Result<Connection, OpenError> {
        create_private(path).map_err(|source| OpenError::Create {
            name: self.name,
            path: path.to_path_buf(),
            source,
        })?;
        let sqlite = |source| OpenError::Sqlite {
            name: self.name,
            path: path.to_path_buf(),
            source,
        };
        let mut conn = self.connect(path, Access::ReadWrite)?;
        // Only a new, empty file takes it (before WAL is switched on). A
        // row is kept whole in one page when it fits: with 4 KiB pages a
        // compressed story of 2 KiB fills a page alone, with 8 KiB three
        // share one.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(sqlite)?;
        // WAL lets readers run beside the writer.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite)?;
        conn.pragma_update(None, "synchronous", self.synchronous.pragma())
            .map_err(sqlite)?;
        conn.pragma_update(
            None,
            "foreign_keys",
            if self.foreign_keys { "ON" } else { "OFF" },
        )
        .map_err(sqlite)?;
        self.migrate(path, &mut conn)?;
        Ok(conn)
    }

    /// Opens an existing file without creating or migrating it: the extra
    /// connections beside the one [`Database::open`] returned.
    pub fn connect(&self, path: &Path, access: Access) -> Result<Connection, OpenError> {
        let flags = match access {
            Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
            Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let sqlite = |source| OpenError::Sqlite {
            name: self.name,
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(sqlite)?;
        set_patience(&mut conn, Patience::Long).map_err(sqlite)?;
        conn.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
        Ok(conn)
    }

    fn migrate(&self, path: &Path, conn: &mut Connection) -> Result<(), OpenError> {
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|source| OpenError::Sqlite {
                name: self.name,
                path: path.to_path_buf(),
                source,
            })?;
        let known = self.migrations.len();
        let Ok(done) = usize::try_from(found) else {
            return Err(self.newer(path, found));
        };
        if done > known {
            return Err(self.newer(path, found));
        }
        for (i, sql) in self.migrations.iter().enumerate().skip(done) {
            let version = i + 1;
            let step = |conn: &mut Connection| -> rusqlite::Result<()> {
                let tx = conn.transaction()?;
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "user_version", version as i64)?;
                tx.commit()
            };
            step(conn).map_err(|source| OpenError::Migration {
                name: self.name,
                path: path.to_path_buf(),
                version,
                source,
            })?;
        }
        Ok(())
    }

    fn newer(&self, path: &Path, found: i64) -> OpenError {
        OpenError::Newer {
            name: self.name,
            path: path.to_path_buf(),
            found,
            known: self.migrations.len(),
        }
    }
}

/// Creates `path` empty and private if it does not exist; SQLite gives the
/// `-wal` and `-shm` files beside it the same mode.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTES: Database = Database {
        name: "notes",
        synchronous: Synchronous::Normal,
        foreign_keys: true,
        migrations: &[
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);",
            "ALTER TABLE notes ADD COLUMN author TEXT;",
        ],
    };

    #[test]
    fn patience_looks_often_at_first_and_gives_up_at_its_limit() {
        let total = |p: Patience| {
            (0..)
                .map_while(|looks| p.pause(looks))
                .fold(Duration::ZERO, |sum, pause| sum + pause)
        };
        assert_eq!(Patience::Long.pause(0), Some(CLOSE_LOOK));
        assert_eq!(Patience::Long.pause(CLOSE_LOOKS), Some(FAR_LOOK));
        assert_eq!(total(Patience::Brief), Duration::from_millis(10));
        assert_eq!(total(Patience::Long), BUSY_TIMEOUT);
    }

    #[test]
    fn a_brief_connection_gives_up_on_a_held_lock_and_a_long_one_waits_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        let holder = NOTES.open(&path).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut brief = NOTES.connect(&path, Access::ReadWrite).unwrap();
        set_patience(&mut brief, Patience::Brief).unwrap();
        let err = brief.execute_batch("BEGIN IMMEDIATE").unwrap_err();
        assert_eq!(
            err.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy)
        );
        let long = NOTES.connect(&path, Access::ReadWrite).unwrap();
        let waiting = std::thread::spawn(move || {
            long.execute("INSERT INTO notes (text) VALUES ('after the lock')", [])
        });
        std::thread::sleep(Duration::from_millis(50));
        holder.execute_batch("COMMIT").unwrap();
        assert_eq!(waiting.join().unwrap().unwrap(), 1);
    }

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_new_file_gets_every_migration_and_the_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        let conn = NOTES.open(&path).unwrap();
        assert_eq!(version(&conn), 2);
        conn.execute("INSERT INTO notes (text, author) VALUES ('a', 'b')", [])
            .unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        let conn = NOTES.open(&path).unwrap();
        conn.execute("INSERT INTO notes (text) VALUES ('secret')", [])
            .unwrap();
        for file in ["notes.db", "notes.db-wal"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[test]
    fn an_old_file_runs_only_the_migrations_it_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        let old = Database {
            migrations: &NOTES.migrations[..1],
            ..NOTES
        };
        let conn = old.open(&path).unwrap();
        conn.execute("INSERT INTO notes (text) VALUES ('kept')", [])
            .unwrap();
        drop(conn);
        let conn = NOTES.open(&path).unwrap();
        assert_eq!(version(&conn), 2);
        let text: String = conn
            .query_row("SELECT text FROM notes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(text, "kept");
        drop(conn);
        // Opening again runs nothing: the ALTER would fail a second time.
        NOTES.open(&path).unwrap();
    }

    #[test]
    fn a_file_from_a_newer_newsterm_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        drop(NOTES.open(&path).unwrap());
        let old = Database {
            migrations: &NOTES.migrations[..1],
            ..NOTES
        };
        let err = old.open(&path).unwrap_err();
        assert!(
            matches!(
                err,
                OpenError::Newer {
                    found: 2,
                    known: 1,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("upgrade newsterm"), "{err}");
    }

    #[test]
    fn a_failed_migration_leaves_the_file_at_the_version_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        let broken = Database {
            migrations: &[
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);",
                "CREATE TABLE half (x); ALTER TABLE missing ADD COLUMN y;",
            ],
            ..NOTES
        };
        let err = broken.open(&path).unwrap_err();
        assert!(
            matches!(err, OpenError::Migration { version: 2, .. }),
            "{err}"
        );
        let conn = NOTES.connect(&path, Access::ReadOnly).unwrap();
        assert_eq!(version(&conn), 1);
        let half: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            half, 0,
            "the failed migration's first statement was rolled back"
        );
    }

    #[test]
    fn a_missing_directory_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/notes.db");
        let err = NOTES.open(&path).unwrap_err();
        assert!(matches!(err, OpenError::Create { .. }), "{err}");
        assert!(err.to_string().contains("no/such/dir"), "{err}");
    }
}
