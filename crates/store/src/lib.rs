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

use newsterm_sqlite::OpenError;
use newsterm_story::StoryId;
use time::OffsetDateTime;

/// What every read of a revision selects, `r` being `revisions` and `s`
/// its row in `stories`, in the order [`row_to_raw`](reader::row_to_raw) reads.
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

// Declared after `select_revision!`, which their queries are written with.
mod checkpoint;
mod mentions;
mod packed;
mod reader;
mod schema;
mod write;
mod writer;

pub use checkpoint::{Checkpointer, WAL_LIMIT, snapshot, wal_path};
pub use mentions::{MentionCount, MentionKind, MentionTrend};
pub use reader::{ListMark, Reader, RevisionEntry};
pub use write::{KEY_RETENTION, NewRevision, Placed, Placement, Write};
pub use writer::Writer;

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

fn unix_nanos(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use newsterm_story::{
        EventId, RevisionKind, RevisionMark, Story, StoryContent, StoryHead, Tags,
    };
    use rusqlite::{Connection, params};

    use crate::mentions::{TOP_REPEATED_NAMES, WINDOW_NAMES};
    use crate::packed::{DEFLATED, MAX_UNPACKED, StoredText, ZSTD};
    use crate::schema::DATABASE;
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
