//! The engine: the path every story takes from an accepted write to the
//! store, the index, the alerts and the wire, and the reads served from
//! them. It knows nothing of HTTP: the layer above turns requests into
//! calls on [`Engine`] and its answers into responses.
//!
//! Three threads own the work that must not run on the async workers:
//!
//! - the **writer** ([`writer`]) owns the store's single `Writer`. It takes
//!   whatever writes have queued up, appends them in one durable
//!   transaction, then (in sequence order) publishes each to the wire,
//!   hands it to the indexer and the alerter, and only then acknowledges
//!   the writers. Store first, then fan-out: nothing is announced that a
//!   crash could lose.
//! - the **indexer** ([`indexer`]) owns index writes. It batches stories
//!   and commits every few hundred milliseconds, recording the last
//!   sequence it holds; on start it catches up from the store, and
//!   whatever the last commit lacks is staged again first (see
//!   [`writer::restage`]), so a crash takes nothing out of search.
//! - the **alerter** ([`alerts`]) matches every stored revision against
//!   the standing alerts and delivers what fires.
//!
//! After a tagger upgrade a fourth, the **retagger** ([`retag`]), tags again
//! the stories an older tagger version tagged. It only replaces tags of
//! stored revisions (never appends one, so the writer still numbers every
//! revision) on a connection of its own, and re-indexes those stories
//! (index writes are serialized inside the index); it ends when done.
//!
//! The indexer and alerter are fed through bounded hand-offs
//! ([`handoff`]): the writer never waits for them, and one that falls
//! behind reads what it missed from the store.
//!
//! Tagging is CPU work done by the caller before [`Engine::ingest`] (on
//! the blocking pool), so every thread sees the same tags.

mod aggregates;
mod alerts;
mod events;
mod handoff;
mod indexer;
mod readership;
mod retag;
mod sources;
mod wire_item;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use newsterm_egress::Reach;
use newsterm_event::TopEvent;
use newsterm_query::Query;
use newsterm_search::SearchIndex;
use newsterm_store::{Checkpointer, Reader, StoreError, Write, Writer};
use newsterm_story::{Story, StoryContent, StoryId, Tags};
use newsterm_wire::Wire;
use tokio::sync::{mpsc, oneshot};

pub use aggregates::AggregateError;
pub use alerts::{AlertEvent, AlertEvents, Alerts};
pub use events::Events;
pub use readership::Readership;
pub use sources::{Sources, sink};
pub use wire_item::WireItem;

use handoff::Handoff;
use retag::RetagProgress;

/// Revisions the indexer and the alerter may have queued before they are
/// left to catch up from the store.
const HANDOFF_CAPACITY: usize = 8192;

/// The files of one data directory. Everything newsterm keeps lives in
/// it; nothing else is read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    pub fn new(path: impl Into<PathBuf>) -> DataDir {
        DataDir(path.into())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The SQLite store: every revision, the source of truth.
    pub fn store(&self) -> PathBuf {
        self.0.join("store.db")
    }

    /// The tantivy index, derived from the store.
    pub fn index(&self) -> PathBuf {
        self.0.join("index")
    }

    /// Standing alerts and their firings.
    pub fn alerts(&self) -> PathBuf {
        self.0.join("alerts.db")
    }

    /// Feed sources and the items taken from them.
    pub fn sources(&self) -> PathBuf {
        self.0.join("sources.db")
    }

    /// Users, tokens and sessions.
    pub fn accounts(&self) -> PathBuf {
        self.0.join(newsterm_accounts::ACCOUNTS_FILE)
    }

    /// Creates the directory if it is missing, readable by its owner
    /// only (it holds webhook secrets and account hashes), and makes an
    /// existing one owner-only too.
    pub fn create(&self) -> std::io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.0)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&self.0)?.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700))?;
            }
        }
        Ok(())
    }
}

/// Why a write was not stored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum IngestError {
    #[error("story {0} does not exist")]
    NotFound(StoryId),
    #[error(
        "story {id} is at revision {latest}, not {expected}: someone revised it first; read it again and send your change on top"
    )]
    Stale {
        id: StoryId,
        expected: u32,
        latest: u32,
    },
    /// A withdrawn story takes no further revision.
    #[error("story {0} was withdrawn; it takes no further revisions")]
    Withdrawn(StoryId),
    /// The same source already sent this exact story; it was not stored
    /// again.
    #[error("the same source already sent this story as {0}; it was not stored again")]
    Repeat(StoryId),
    #[error("the disk holding the store is full; nothing was stored")]
    DiskFull,
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error("store failure: {0}")]
    Store(String),
}

impl From<StoreError> for IngestError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(id) => IngestError::NotFound(id),
            StoreError::Stale {
                id,
                expected,
                latest,
            } => IngestError::Stale {
                id,
                expected,
                latest,
            },
            StoreError::Withdrawn(id) => IngestError::Withdrawn(id),
            StoreError::DiskFull => IngestError::DiskFull,
            other => IngestError::Store(other.to_string()),
        }
    }
}

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] newsterm_search::SearchError),
    #[error("cannot open the alerts: {0}")]
    Alerts(#[from] newsterm_alert::AlertError),
    #[error("cannot start the webhook sender: {0}")]
    Webhooks(#[from] newsterm_alert::WebhookError),
    #[error("cannot load the tagger: {0}")]
    Tagger(#[from] newsterm_tag::TagError),
    #[error("cannot start {0} thread: {1}")]
    Thread(&'static str, std::io::Error),
}

/// What an ingest answers: each write's stored revision or its error,
/// or one error when nothing was stored.
pub type IngestResult = Result<Vec<Result<Arc<Story>, IngestError>>, IngestError>;

/// Writes queued for the writer thread, with where to send the answer.
pub(crate) struct IngestRequest {
    writes: Vec<Write>,
    reply: oneshot::Sender<IngestResult>,
}

/// How far the engine's background work has got, read without touching
/// the store (what `/healthz` reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Distinct stories stored.
    pub stories: u64,
    /// Highest wire sequence stored and announced.
    pub last_seq: u64,
    /// Highest wire sequence the search index has committed.
    pub indexed_seq: u64,
    /// Revisions waiting in the indexer's hand-off queue.
    pub index_queue: usize,
    /// Revisions waiting in the alerter's hand-off queue.
    pub alert_queue: usize,
    /// Live stream subscribers.
    pub subscribers: usize,
    /// Stories tagged by an older tagger version, not yet tagged again.
    pub retag_pending: u64,
}

/// The running engine. Shared by every request handler.
pub struct Engine {
    tagger: Arc<newsterm_tag::Tagger>,
    alerts: Arc<Alerts>,
    reader: Arc<Reader>,
    index: Arc<SearchIndex>,
    events: Arc<Events>,
    readership: Readership,
    wire: Wire<Arc<WireItem>>,
    ingest: std::sync::Mutex<Option<mpsc::Sender<IngestRequest>>>,
    indexed_seq: Arc<AtomicU64>,
    stories: Arc<AtomicU64>,
    index_queue: handoff::Depth,
    alert_queue: handoff::Depth,
    threads: std::sync::Mutex<Vec<JoinHandle<()>>>,
    retag: Arc<RetagProgress>,
    checkpointer: std::sync::Mutex<Option<Checkpointer>>,
    data_dir: DataDir,
    /// Which addresses feed fetches and webhooks may reach.
    outbound: Reach,
}

impl Engine {
    /// Opens the store, index and alerts in `data_dir` (creating them) and
    /// starts the writer, indexer and alerter threads. Must run inside a
    /// tokio runtime (the webhook sender spawns its dispatcher).
    pub fn open(data_dir: &DataDir, outbound: Reach) -> Result<Arc<Engine>, EngineError> {
        data_dir.create().map_err(|source| EngineError::DataDir {
            path: data_dir.path().to_path_buf(),
            source,
        })?;
        let tagger = Arc::new(newsterm_tag::Tagger::load()?);
        let writer = Writer::open(&data_dir.store())?;
        let reader = Arc::new(Reader::open(&data_dir.store(), 4)?);
        let stories = Arc::new(AtomicU64::new(reader.story_count()?));
        let checkpointer = Checkpointer::start(&data_dir.store(), Duration::from_secs(1))?;
        // An index built by another version (schema or analyzer changed)
        // is started afresh; the indexer then rebuilds it from the store,
        // which is the source of truth.
        let (index, recreated) = SearchIndex::open_or_recreate(&data_dir.index())?;
        if recreated {
            tracing::warn!(
                "search index was built by another version; rebuilding it from the store"
            );
        }
        let index = Arc::new(index);
        let start_seq = writer.last_seq();
        let events = Arc::new(Events::restore(&reader, start_seq)?);
        let wire = Wire::new(start_seq, newsterm_wire::DEFAULT_CAPACITY);
        let indexed_seq = Arc::new(AtomicU64::new(index.indexed_seq()));
        // What a crash left stored but uncommitted is searchable from the
        // first request, as it was before the crash.
        let restaged = writer::restage(&index, &reader, start_seq)?;
        if restaged > 0 {
            tracing::info!(
                restaged,
                "stories stored after the last index commit are searchable again"
            );
        }

        // The indexer starts from what its last commit holds and so
        // catches up with whatever a crash left unindexed; the alerter
        // starts from now (alerts are for news, not for the archive).
        let (to_indexer, from_writer) =
            Handoff::new(HANDOFF_CAPACITY, index.indexed_seq(), start_seq, &reader);
        let index_queue = to_indexer.depth();
        let indexer = {
            let index = index.clone();
            let indexed_seq = indexed_seq.clone();
            std::thread::Builder::new()
                .name("newsterm-indexer".into())
                .spawn(move || indexer::run(&index, &indexed_seq, from_writer))
                .map_err(|e| EngineError::Thread("indexer", e))?
        };
        let alerts = Arc::new(Alerts::open(&data_dir.alerts(), outbound)?);
        let (to_alerter, from_writer) =
            Handoff::new(HANDOFF_CAPACITY, start_seq, start_seq, &reader);
        let alert_queue = to_alerter.depth();
        let alerter = {
            let alerts = alerts.clone();
            let reader = reader.clone();
            std::thread::Builder::new()
                .name("newsterm-alerter".into())
                .spawn(move || alerts::run_alerter(&alerts, &reader, from_writer))
                .map_err(|e| EngineError::Thread("alerter", e))?
        };
        let retag = Arc::new(RetagProgress::new(
            reader.count_tagged_before(newsterm_tag::VERSION)?,
        ));
        let (ingest_tx, ingest_rx) = mpsc::channel::<IngestRequest>(4096);
        let writer_thread = {
            let fan_out = writer::FanOut {
                index: index.clone(),
                wire: wire.clone(),
                indexer: to_indexer,
                alerter: to_alerter,
                stories: stories.clone(),
                events: events.clone(),
            };
            std::thread::Builder::new()
                .name("newsterm-writer".into())
                .spawn(move || writer::run(writer, ingest_rx, &fan_out))
                .map_err(|e| EngineError::Thread("writer", e))?
        };
        let mut threads = vec![writer_thread, indexer, alerter];
        if retag.pending() > 0 {
            tracing::info!(
                stories = retag.pending(),
                "tagging again the stories an older tagger tagged"
            );
            let store = Writer::open(&data_dir.store())?;
            let (tagger, reader, index, retag) =
                (tagger.clone(), reader.clone(), index.clone(), retag.clone());
            threads.push(
                std::thread::Builder::new()
                    .name("newsterm-retagger".into())
                    .spawn(move || retag::run(&tagger, &reader, store, &index, &retag))
                    .map_err(|e| EngineError::Thread("retagger", e))?,
            );
        }
        Ok(Arc::new(Engine {
            tagger,
            alerts,
            reader,
            index,
            events,
            readership: Readership::default(),
            wire,
            ingest: std::sync::Mutex::new(Some(ingest_tx)),
            indexed_seq,
            stories,
            index_queue,
            alert_queue,
            threads: std::sync::Mutex::new(threads),
            retag,
            checkpointer: std::sync::Mutex::new(Some(checkpointer)),
            data_dir: data_dir.clone(),
            outbound,
        }))
    }

    /// Tags a story's content: CPU work, so callers run it off the async
    /// workers (the blocking pool or their own threads).
    pub fn tag(&self, content: &StoryContent) -> Tags {
        self.tagger.tag_content(content)
    }

    pub fn alerts(&self) -> &Alerts {
        &self.alerts
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// Which addresses feed fetches and webhooks may reach.
    pub fn outbound(&self) -> Reach {
        self.outbound
    }

    /// Stores `writes` durably, then announces them. Resolves once the
    /// transaction is on disk.
    pub async fn ingest(&self, writes: Vec<Write>) -> IngestResult {
        let tx = self
            .ingest
            .lock()
            .map_err(|_| IngestError::ShuttingDown)?
            .clone()
            .ok_or(IngestError::ShuttingDown)?;
        let (reply, rx) = oneshot::channel();
        tx.send(IngestRequest { writes, reply })
            .await
            .map_err(|_| IngestError::ShuttingDown)?;
        rx.await.map_err(|_| IngestError::ShuttingDown)?
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    pub fn wire(&self) -> &Wire<Arc<WireItem>> {
        &self.wire
    }

    /// The events stories are grouped into, and TOP.
    pub fn events(&self) -> &Events {
        &self.events
    }

    /// READ: the opens readers make.
    pub fn readership(&self) -> &Readership {
        &self.readership
    }

    /// Where the background work stands; O(1), no store access.
    pub fn progress(&self) -> Progress {
        Progress {
            stories: self.stories.load(Ordering::Acquire),
            last_seq: self.wire.last_seq(),
            indexed_seq: self.indexed_seq.load(Ordering::Acquire),
            index_queue: self.index_queue.get(),
            alert_queue: self.alert_queue.get(),
            subscribers: self.wire.subscriber_count(),
            retag_pending: self.retag.pending(),
        }
    }

    /// Stops taking writes, lets queued ones finish, commits the index and
    /// joins the threads. Idempotent.
    pub fn shutdown(&self) {
        if let Ok(mut tx) = self.ingest.lock() {
            tx.take();
        }
        self.retag.stop();
        let threads = match self.threads.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => return,
        };
        for t in threads {
            let _ = t.join();
        }
        if let Ok(mut c) = self.checkpointer.lock() {
            c.take();
        }
    }

    /// Stories matching `filter` from the store after `after`, in sequence
    /// order, at most `limit` scanned: a resuming subscriber's backlog.
    /// The second value is the last sequence scanned, `None` at the end.
    pub fn backlog(
        &self,
        after: u64,
        limit: usize,
        filter: Option<&Query>,
    ) -> Result<(Vec<Arc<WireItem>>, Option<u64>), StoreError> {
        let stories = self.reader.since(after, limit)?;
        let last = stories.last().map(|s| s.seq);
        let items = stories
            .into_iter()
            .map(|s| Arc::new(WireItem::of(Arc::new(s))))
            .filter(|item| filter.is_none_or(|q| item.matches(q)))
            .collect();
        Ok((items, last))
    }

    /// TOP now, best first: one row per event with its latest story, read
    /// whole from the store (see [`newsterm_event::Grouper::top`] for the
    /// ranking).
    pub fn top(&self, limit: usize) -> Result<Vec<(TopEvent, Story)>, StoreError> {
        let mut rows = Vec::with_capacity(limit);
        for row in self.events.top(limit) {
            if let Some(story) = self.reader.latest(row.latest.id)?
                && !story.is_withdrawn()
            {
                rows.push((row, story));
            }
        }
        Ok(rows)
    }

    /// The latest story of each event in TOP, best first.
    pub fn top_stories(&self, limit: usize) -> Result<Vec<Story>, StoreError> {
        Ok(self.top(limit)?.into_iter().map(|(_, s)| s).collect())
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use newsterm_search::SearchOptions;
    use newsterm_story::{Block, StoryDraft};
    use time::OffsetDateTime;

    use super::*;

    fn content(headline: &str, word: &str) -> StoryContent {
        StoryDraft {
            headline: Some(headline.to_string()),
            body: vec![Block::Paragraph(format!("Only this story says {word}."))],
            ..Default::default()
        }
        .validate(OffsetDateTime::now_utc())
        .expect("valid story")
    }

    fn total(engine: &Engine, q: &str) -> u64 {
        let query = newsterm_query::parse(q).expect("query");
        engine
            .index()
            .search(&query, &SearchOptions::default())
            .expect("search")
            .total
    }

    /// What a `kill -9` leaves behind: acknowledged revisions in the store
    /// that the index never committed. They are searchable as soon as the
    /// engine is open — before the indexer has caught up with them.
    #[tokio::test]
    async fn revisions_stored_after_the_last_index_commit_are_searchable_at_start() {
        const STORED: usize = 2_000;
        let dir = tempfile::tempdir().expect("temp dir");
        let data = DataDir::new(dir.path());
        {
            let mut writer = Writer::open(&data.store()).expect("store");
            let now = OffsetDateTime::now_utc();
            let writes = (0..STORED)
                .map(|i| {
                    Write::New(
                        content(&format!("Stored story {i}"), &format!("keptword{i}q")),
                        Tags::default(),
                    )
                })
                .collect();
            let first = writer.append(writes, now).expect("stored")[0]
                .as_ref()
                .expect("stored")
                .id;
            let revise = Write::Revise(
                first,
                content("Stored story 0, revised", "newword0q"),
                Tags::default(),
            );
            writer.append(vec![revise], now).expect("revised");
        }
        let engine = Engine::open(&data, Reach::default()).expect("engine");
        assert!(
            engine.progress().indexed_seq < STORED as u64,
            "the index committed before the searches: nothing left to prove"
        );
        let last = format!("keptword{}q", STORED - 1);
        assert_eq!(total(&engine, &last), 1, "{last} not searchable at start");
        assert_eq!(total(&engine, "newword0q"), 1, "the revision's new text");
        assert_eq!(total(&engine, "keptword0q"), 0, "the revised-away text");
        assert_eq!(total(&engine, "headline:stored"), STORED as u64);
        engine.shutdown();
    }
}
