//! Reads of the store: a story's revisions, the latest of many, pages
//! after a sequence, lists' heads and facets' counts, on a small pool of
//! read-only connections that never wait for the writer.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::mentions::{
    MentionCount, MentionKind, MentionTrend, TOP_NAMES, TOP_REPEATED_NAMES, WINDOW_NAMES,
};
use crate::packed::StoredText;
use crate::schema::DATABASE;
use crate::{KEYED, LATEST, RECENT, StoreError, unix_nanos};
use newsterm_sqlite::Access;
use newsterm_story::{
    ContentHead, EventId, RevisionKind, RevisionMark, Story, StoryHead, StoryId, TagEntities,
    TagTopics, Tags,
};
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

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

    pub(crate) fn with<T>(
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

pub(crate) struct RawRow {
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

pub(crate) fn row_to_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
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

/// A stored revision's content and tags, from their JSON: whole
/// ([`StoryContent`](newsterm_story::StoryContent), [`Tags`]) or as a head reads them ([`ContentHead`],
/// [`TagTopics`]).
pub(crate) fn parse_texts<C, T>(
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
pub(crate) fn parse_link<T: std::str::FromStr>(
    seq: u64,
    text: Option<&str>,
) -> Result<Option<T>, StoreError>
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

    pub(crate) fn into_story(self) -> Result<Story, StoreError> {
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
