//! The one writer: appends and places revisions, each write's sequence
//! taken in the transaction that stores it, grouped writes sharing one
//! fsync.

use std::path::Path;

use crate::mentions::{drop_mentions, replace_mentions};
use crate::packed::StoredText;
use crate::reader::{parse_link, parse_texts, row_to_raw};
use crate::schema::{DATABASE, add_lifecycle_columns};
use crate::write::{KEY_RETENTION, NewRevision, Placed, Placement, Write};
use crate::{KEYED, StoreError, unix_nanos};
use newsterm_story::{RevisionKind, RevisionMark, Story};
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

/// The single writer. There must be exactly one per database: it owns the
/// next wire sequence number.
pub struct Writer {
    pub(crate) conn: Connection,
    last_seq: u64,
    /// Highest log position placed, stored or not (see [`Writer::place`]).
    log_seq: u64,
}

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
/// [`Checkpointer`](crate::Checkpointer) rewinding the WAL) without waiting out the busy
/// timeout: the write would fail "database is locked".
fn begin_write(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}
