//! The write-ahead log kept bounded: checkpoints in the background, and
//! a snapshot of the store to another file.

use std::path::{Path, PathBuf};

use crate::StoreError;
use crate::schema::DATABASE;
use crate::writer::Writer;
use newsterm_sqlite::{Access, OpenError, Patience};
use rusqlite::Connection;

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
