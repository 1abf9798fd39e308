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
//!
//! In a cluster ([`Sequencing::Replicated`]) the writer does not number
//! writes: [`Engine::ingest`] groups them into events here (so the event
//! and copy link are decided once, by the node that took the publish),
//! appends them to the replicated log ([`log`]) and answers once this
//! node has applied them; the writer thread places whatever the log
//! delivers ([`Engine::feed`]) at the log's sequence, each story into
//! the event its entry names, and the rest of the path — wire, indexer,
//! alerter — is the same.

mod aggregates;
mod alerts;
mod applied;
pub(crate) mod background;
mod events;
mod handoff;
mod indexer;
pub mod log;
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

use bytes::Bytes;
use newsterm_egress::Reach;
use newsterm_event::TopEvent;
use newsterm_query::Query;
use newsterm_search::{SearchError, SearchIndex, StoryTexts};
use newsterm_store::{Checkpointer, Placed, Reader, StoreError, Write, Writer};
use newsterm_story::{RevisionKind, Story, StoryContent, StoryHead, StoryId, Tags};
use newsterm_wire::Wire;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

pub use aggregates::AggregateError;
pub use alerts::{AlertEvent, AlertEvents, Alerts, WebhookTurn};
pub use events::Events;
use events::Planned;
pub use readership::Readership;
pub use sources::{Sources, sink};
pub use wire_item::WireItem;

use applied::Applied;
use handoff::Handoff;
use log::{Append, Appended, LogEntry, LogError, LogStatus, ReplicatedLog, Sequencing};
use retag::RetagProgress;

/// How often a write is tried again after another revision of its story
/// got into the log first.
const MAX_CONFLICTS: usize = 20;

/// Revisions the indexer and the alerter may have queued before they are
/// left to catch up from the store.
const HANDOFF_CAPACITY: usize = 8192;

/// The files of one data directory. Everything newsterm keeps lives in
/// it; nothing else is read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// The data directory at `path` (nothing is created yet).
    pub fn new(path: impl Into<PathBuf>) -> DataDir {
        DataDir(path.into())
    }

    /// Where it is.
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
        self.make()?;
        self.narrow()
    }

    fn make(&self) -> std::io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.0)
    }

    /// Takes group and other access away. Narrowed, never widened: a
    /// directory its owner made read-only stays so, and is refused by
    /// [`DataDir::prepare`].
    fn narrow(&self) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&self.0)?.permissions().mode();
            if mode & 0o077 != 0 {
                let owner_only = std::fs::Permissions::from_mode(mode & 0o700);
                std::fs::set_permissions(&self.0, owner_only)?;
            }
        }
        Ok(())
    }

    /// Creates the directory (as [`DataDir::create`]) and checks that it,
    /// each file in it and each folder of files (the index) can be
    /// written. A read-only one is refused here, by name, before the
    /// server listens: SQLite would quietly open a read-only file
    /// read-only and fail every publish later.
    pub fn prepare(&self) -> Result<(), EngineError> {
        let failed = |source| EngineError::DataDir {
            path: self.0.clone(),
            source,
        };
        self.make().map_err(failed)?;
        writable(&self.0, 1)?;
        self.narrow().map_err(failed)
    }
}

/// Checks that files can be made in `dir` and that no file in it is
/// read-only, `depth` folders down.
fn writable(dir: &Path, depth: usize) -> Result<(), EngineError> {
    let not_writable = |path: &Path| {
        let path = path.to_path_buf();
        move |source| EngineError::NotWritable { path, source }
    };
    let probe = dir.join(".newsterm-write-check");
    std::fs::File::create(&probe).map_err(not_writable(dir))?;
    std::fs::remove_file(&probe).map_err(not_writable(dir))?;
    for entry in std::fs::read_dir(dir).map_err(not_writable(dir))? {
        let path = entry.map_err(not_writable(dir))?.path();
        if path.is_dir() {
            if depth > 0 {
                writable(&path, depth - 1)?;
            }
        } else if path.is_file() {
            // Read from the mode, not by opening the file: closing any
            // descriptor of a database file drops the POSIX locks SQLite
            // holds on it in this process (accounts.db is already open when
            // the engine starts), and another process's connection would
            // then take the WAL for unused.
            let metadata = std::fs::metadata(&path).map_err(not_writable(&path))?;
            if metadata.permissions().readonly() {
                return Err(not_writable(&path)(std::io::Error::from(
                    std::io::ErrorKind::PermissionDenied,
                )));
            }
        }
    }
    Ok(())
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
    /// The cluster's log could not take the write; nothing was stored.
    #[error("the cluster cannot take writes now: {0}")]
    Unavailable(String),
}

impl IngestError {
    /// Whether the write was refused for what it is (a repeat, a stale or
    /// withdrawn story) while the store went on taking others; any other
    /// error is the store's, and the writes after it were not stored
    /// either.
    pub fn refused_alone(&self) -> bool {
        matches!(
            self,
            IngestError::NotFound(_)
                | IngestError::Stale { .. }
                | IngestError::Withdrawn(_)
                | IngestError::Repeat(_)
        )
    }
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
    /// The directory could not be created or made owner-only.
    #[error("cannot create data directory {path}")]
    DataDir {
        /// The data directory.
        path: PathBuf,
        /// What the filesystem said.
        #[source]
        source: std::io::Error,
    },
    /// The directory or a file in it cannot be written (read-only mode,
    /// owner, or filesystem).
    #[error("{path} is not writable; the server keeps its data there and must write it")]
    NotWritable {
        /// The directory, or the file in it, that cannot be written.
        path: PathBuf,
        /// What the filesystem said.
        #[source]
        source: std::io::Error,
    },
    /// The story store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The search index could not be opened.
    #[error(transparent)]
    Search(#[from] newsterm_search::SearchError),
    /// The alert store could not be opened.
    #[error("cannot open the alerts: {0}")]
    Alerts(#[from] newsterm_alert::AlertError),
    /// The webhook sender could not start.
    #[error("cannot start the webhook sender: {0}")]
    Webhooks(#[from] newsterm_alert::WebhookError),
    /// The tagger's shipped data did not load.
    #[error("cannot load the tagger: {0}")]
    Tagger(#[from] newsterm_tag::TagError),
    /// A background thread (named) could not start.
    #[error("cannot start {0} thread: {1}")]
    Thread(&'static str, std::io::Error),
}

/// What an ingest answers: each write's stored revision or its error,
/// or one error when nothing was stored.
pub type IngestResult = Result<Vec<Result<Arc<Story>, IngestError>>, IngestError>;

/// Writes queued for the writer thread, with where to send the answer.
pub(crate) struct IngestRequest {
    writes: Vec<Placed>,
    reply: oneshot::Sender<IngestResult>,
    /// When it was queued: how long a publish waited for the writer is
    /// what the writer's debug events report.
    queued: std::time::Instant,
}

impl IngestRequest {
    /// A request for `writes` with their keys, and where its answer comes.
    fn of(writes: Vec<(Write, Option<String>)>) -> (IngestRequest, Queued) {
        let now = OffsetDateTime::now_utc();
        let writes = writes
            .into_iter()
            .map(|(write, key)| Placed {
                key,
                ..Placed::next(write, now)
            })
            .collect();
        let (reply, rx) = oneshot::channel();
        let request = IngestRequest {
            writes,
            reply,
            queued: std::time::Instant::now(),
        };
        (request, Queued(rx))
    }
}

/// Writes queued for the writer thread ([`Engine::queue_blocking`]).
pub struct Queued(oneshot::Receiver<IngestResult>);

impl Queued {
    /// What the writer answered, once the writes are stored.
    pub async fn answer(self) -> IngestResult {
        self.0.await.map_err(|_| IngestError::ShuttingDown)?
    }
}

/// One entry of the replicated log, as delivered to this node.
#[derive(Debug, Clone)]
pub struct LogRecord {
    pub seq: u64,
    pub payload: Bytes,
}

/// Where writes enter the engine.
enum Input {
    /// The writer thread numbers them.
    Local(mpsc::Sender<IngestRequest>),
    /// The log numbers them; the writer thread places what it delivers.
    Replica(mpsc::Sender<LogRecord>),
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
    /// In a cluster: the highest log sequence this node has applied
    /// (stored or not), and the highest it knows the log has reached.
    /// Both equal `last_seq` alone.
    pub applied_seq: u64,
    /// See `applied_seq`.
    pub log_head: u64,
}

/// The running engine. Shared by every request handler.
pub struct Engine {
    tagger: Arc<newsterm_tag::Tagger>,
    /// Full names of the people in the news, so a story naming someone by
    /// surname alone gets the same canonical name as the others.
    people: Arc<newsterm_tag::KnownPeople>,
    alerts: Arc<Alerts>,
    reader: Arc<Reader>,
    index: Arc<SearchIndex>,
    events: Arc<Events>,
    readership: Readership,
    wire: Wire<Arc<WireItem>>,
    input: std::sync::Mutex<Option<Input>>,
    log: Option<Arc<dyn ReplicatedLog>>,
    applied: Arc<Applied>,
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
    /// What the map counts of the revisions it counted last.
    map_marks: aggregates::MapMarksCache,
}

impl Engine {
    /// Opens the store, index and alerts in `data_dir` (creating them) and
    /// starts the writer, indexer and alerter threads. Must run inside a
    /// tokio runtime (the webhook sender spawns its dispatcher).
    pub fn open(data_dir: &DataDir, outbound: Reach) -> Result<Arc<Engine>, EngineError> {
        Engine::open_with(data_dir, outbound, Sequencing::Local)
    }

    /// [`Engine::open`], with writes numbered by `sequencing`.
    pub fn open_with(
        data_dir: &DataDir,
        outbound: Reach,
        sequencing: Sequencing,
    ) -> Result<Arc<Engine>, EngineError> {
        data_dir.prepare()?;
        // Loading the tagger is a quarter of a second of CPU, most of a
        // start on a small archive: it loads beside the store, the index,
        // the events and the restaging, which need no tags.
        let tagger_load = std::thread::Builder::new()
            .name("newsterm-tagger-load".into())
            .spawn(newsterm_tag::Tagger::load)
            .map_err(|e| EngineError::Thread("tagger loader", e))?;
        let writer = Writer::open(&data_dir.store())?;
        let reader = Arc::new(Reader::open(&data_dir.store(), 4)?);
        let stories = Arc::new(AtomicU64::new(reader.story_count()?));
        let checkpointer = Checkpointer::start(&data_dir.store(), Duration::from_secs(1))?;
        // An index built by another version (schema or analyzer changed)
        // is started afresh; the indexer then rebuilds it from the store,
        // which is the source of truth.
        // tantivy's indexing and merge threads start with the index
        // writer and inherit the priority of the thread that opens it:
        // a lowered one, so indexing and merges yield to publishes.
        let index_dir = data_dir.index();
        let (index, recreated) = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    background::lower_priority();
                    SearchIndex::open_or_recreate(&index_dir)
                })
                .join()
                .map_err(|_| EngineError::Thread("index opener", std::io::Error::other("panicked")))
        })??;
        if recreated {
            tracing::warn!(
                "search index was built by another version; rebuilding it from the store"
            );
        }
        index.set_texts(Arc::new(StoreTexts(reader.clone())));
        let index = Arc::new(index);
        let start_seq = writer.last_seq();
        let people = Arc::new(newsterm_tag::KnownPeople::default());
        let events = Arc::new(Events::restore(&reader, start_seq, |story| {
            people.observe(&story.tags)
        })?);
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
        let alerts = Arc::new(Alerts::open(&data_dir.alerts(), outbound.clone())?);
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
        let tagger = Arc::new(tagger_load.join().map_err(|_| {
            EngineError::Thread("tagger loader", std::io::Error::other("panicked"))
        })??);
        let retag = Arc::new(RetagProgress::new(
            reader.count_tagged_before(newsterm_tag::VERSION)?,
        ));
        let fan_out = writer::FanOut {
            index: index.clone(),
            wire: wire.clone(),
            indexer: to_indexer,
            alerter: to_alerter,
            stories: stories.clone(),
            events: events.clone(),
        };
        let applied = Arc::new(Applied::new(writer.log_seq()));
        let spawn = |work: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name("newsterm-writer".into())
                .spawn(work)
                .map_err(|e| EngineError::Thread("writer", e))
        };
        let (input, log, writer_thread) = match sequencing {
            Sequencing::Local => {
                let (tx, rx) = mpsc::channel::<IngestRequest>(4096);
                let thread = spawn(Box::new(move || writer::run(writer, rx, &fan_out)))?;
                (Input::Local(tx), None, thread)
            }
            Sequencing::Replicated(log) => {
                let (tx, rx) = mpsc::channel::<LogRecord>(4096);
                let applied = applied.clone();
                let thread = spawn(Box::new(move || {
                    writer::run_replica(writer, rx, &fan_out, &applied)
                }))?;
                (Input::Replica(tx), Some(log), thread)
            }
        };
        let mut threads = vec![writer_thread, indexer, alerter];
        if retag.pending() > 0 {
            tracing::info!(
                stories = retag.pending(),
                "tagging again the stories an older tagger tagged"
            );
            let store = Writer::open(&data_dir.store())?;
            let (tagger, people, reader, index, retag) = (
                tagger.clone(),
                people.clone(),
                reader.clone(),
                index.clone(),
                retag.clone(),
            );
            threads.push(
                std::thread::Builder::new()
                    .name("newsterm-retagger".into())
                    .spawn(move || retag::run(&tagger, &people, &reader, store, &index, &retag))
                    .map_err(|e| EngineError::Thread("retagger", e))?,
            );
        }
        Ok(Arc::new(Engine {
            tagger,
            people,
            alerts,
            reader,
            index,
            events,
            readership: Readership::default(),
            wire,
            input: std::sync::Mutex::new(Some(input)),
            log,
            applied,
            indexed_seq,
            stories,
            index_queue,
            alert_queue,
            threads: std::sync::Mutex::new(threads),
            retag,
            checkpointer: std::sync::Mutex::new(Some(checkpointer)),
            data_dir: data_dir.clone(),
            outbound,
            map_marks: aggregates::MapMarksCache::default(),
        }))
    }

    /// Tags a story's content: CPU work, so callers run it off the async
    /// workers (the blocking pool or their own threads).
    pub fn tag(&self, content: &StoryContent) -> Tags {
        self.tagger.tag_content_known(content, &self.people)
    }

    pub fn alerts(&self) -> &Alerts {
        &self.alerts
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// Which addresses feed fetches and webhooks may reach.
    pub fn outbound(&self) -> &Reach {
        &self.outbound
    }

    /// Stores `writes` durably, then announces them. Resolves once the
    /// transaction is on disk (in a cluster: once the log holds them and
    /// this node has applied them).
    pub async fn ingest(&self, writes: Vec<Write>) -> IngestResult {
        self.ingest_keyed(writes, None).await
    }

    /// [`Engine::ingest`] with the publisher's idempotency key: a write
    /// whose key was seen before is answered with what it made then, and
    /// nothing new is stored. Several writes under one key get `key/0`,
    /// `key/1`, … each.
    pub async fn ingest_keyed(&self, writes: Vec<Write>, key: Option<&str>) -> IngestResult {
        let keys = write_keys(key, writes.len());
        self.ingest_with_keys(writes.into_iter().zip(keys).collect())
            .await
    }

    /// [`Engine::ingest_keyed`] with each write's own key (from
    /// [`write_keys`]): a request stored in parts keys each part's
    /// writes as the whole request would have.
    pub async fn ingest_with_keys(&self, writes: Vec<(Write, Option<String>)>) -> IngestResult {
        let n = writes.len();
        let (writes, keys): (Vec<Write>, Vec<Option<String>>) = writes.into_iter().unzip();
        // A write whose key made something already is answered with that,
        // before grouping could call it a repeat of itself.
        let mut known: Vec<Option<Story>> = if keys.iter().any(Option::is_some) {
            let keys = keys.clone();
            self.read(move |r| {
                keys.iter()
                    .map(|k| k.as_deref().map_or(Ok(None), |k| r.keyed(k)))
                    .collect()
            })
            .await?
        } else {
            vec![None; n]
        };
        let fresh: Vec<(Write, Option<String>)> = writes
            .into_iter()
            .zip(keys)
            .zip(&known)
            .filter(|(_, known)| known.is_none())
            .map(|(w, _)| w)
            .collect();
        let mut stored = if fresh.is_empty() {
            Vec::new()
        } else {
            self.store(fresh).await?
        }
        .into_iter();
        Ok(known
            .iter_mut()
            .map(|k| match k.take() {
                Some(story) => Ok(Arc::new(story)),
                None => stored
                    .next()
                    .unwrap_or_else(|| Err(IngestError::Store("the store gave no answer".into()))),
            })
            .collect())
    }

    /// Stores writes with their keys: through the writer thread alone, or
    /// through the replicated log in a cluster.
    async fn store(&self, writes: Vec<(Write, Option<String>)>) -> IngestResult {
        let Some(tx) = self.writer_queue()? else {
            return self.replicate_all(writes).await;
        };
        let (request, answer) = IngestRequest::of(writes);
        tx.send(request)
            .await
            .map_err(|_| IngestError::ShuttingDown)?;
        answer.answer().await
    }

    /// The writer thread's queue; none in a cluster, where writes go
    /// through the replicated log.
    fn writer_queue(&self) -> Result<Option<mpsc::Sender<IngestRequest>>, IngestError> {
        match self.input.lock() {
            Ok(input) => match input.as_ref() {
                Some(Input::Local(tx)) => Ok(Some(tx.clone())),
                Some(Input::Replica(_)) => Ok(None),
                None => Err(IngestError::ShuttingDown),
            },
            Err(_) => Err(IngestError::ShuttingDown),
        }
    }

    /// Queues writes without an idempotency key for the writer thread
    /// from the thread that made them (the one that parsed and tagged a
    /// publish, on the blocking pool), so they reach the writer without
    /// waking an async worker in between: one hop fewer before the
    /// commit. Gives the writes back in a cluster, where they go through
    /// the replicated log ([`Engine::ingest`]). Must not be called on an
    /// async worker: it waits while the writer's queue is full.
    pub fn queue_blocking(&self, writes: Vec<Write>) -> Result<Queued, Vec<Write>> {
        let tx = match self.writer_queue() {
            Ok(Some(tx)) => Some(tx),
            Ok(None) => return Err(writes),
            Err(_) => None,
        };
        let (request, answer) = IngestRequest::of(writes.into_iter().map(|w| (w, None)).collect());
        // A writer that has stopped drops the request, and with it the
        // reply: the answer is then `ShuttingDown`.
        if let Some(tx) = tx {
            let _ = tx.blocking_send(request);
        }
        Ok(answer)
    }

    /// In a cluster, this node groups the writes (the event and
    /// near-duplicate link are decided here, once, and carried in the
    /// log to every node), then appends each to the log.
    async fn replicate_all(&self, writes: Vec<(Write, Option<String>)>) -> IngestResult {
        let log = self.log.clone().ok_or(IngestError::ShuttingDown)?;
        let received = OffsetDateTime::now_utc();
        let (writes, keys): (Vec<Write>, Vec<Option<String>>) = writes.into_iter().unzip();
        let events = self.events.clone();
        let planned = tokio::task::spawn_blocking(move || events.plan(writes))
            .await
            .map_err(|e| IngestError::Store(e.to_string()))?;
        let appends = planned.into_iter().zip(keys).map(|(planned, key)| {
            let log = log.clone();
            async move {
                match planned {
                    Planned::Repeat(earlier) => Err(IngestError::Repeat(earlier)),
                    Planned::Store {
                        write,
                        new_story,
                        exact,
                        ..
                    } => {
                        let outcome = self.replicate(&log, *write, key, exact, received).await;
                        if let Some(id) = new_story
                            && !matches!(&outcome, Ok(s) if s.id == id)
                        {
                            self.events.forget(id);
                        }
                        outcome
                    }
                }
            }
        });
        Ok(futures_util::future::join_all(appends).await)
    }

    /// Appends one write to the replicated log and waits until this node
    /// has applied it. A revision names the log position of the revision
    /// it follows; when another got in first, this node catches up and
    /// tries again on top of it.
    ///
    /// A new story sent without an idempotency key goes by its exact key
    /// (`exact`: source and text): when another node appended the same
    /// story inside the log's duplicate window, before this node applied
    /// it, the log holds it once and this write is answered as a repeat
    /// of it, as a repeat this node knew of would be. Should that story
    /// have been withdrawn meanwhile, this one is appended afresh.
    async fn replicate(
        &self,
        log: &Arc<dyn ReplicatedLog>,
        write: Write,
        key: Option<String>,
        exact: Option<u64>,
        received: OffsetDateTime,
    ) -> Result<Arc<Story>, IngestError> {
        let (id, first) = LogEntry::story_of(&write, StoryId::new());
        let by_content = key.is_none() && first && exact.is_some();
        let mut msg_id = match (&key, exact) {
            (Some(k), _) => format!("key:{k}"),
            (None, Some(exact)) if first => format!("new:{exact:016x}"),
            // Without a key of the publisher's, one per write still makes
            // the log's own retries harmless.
            _ => format!("write:{}", StoryId::new()),
        };
        let payload = LogEntry::of(write, id, received, key).encode();
        for _ in 0..MAX_CONFLICTS {
            let expect_last = if first {
                0
            } else {
                self.latest_seq(log, id).await?
            };
            let append = Append {
                story: id,
                expect_last,
                msg_id: msg_id.clone(),
                payload: payload.clone(),
            };
            match log.append(append).await {
                Ok(Appended {
                    seq,
                    duplicate: true,
                }) if by_content => {
                    let earlier = self.applied_outcome(seq).await?;
                    let withdrawn = {
                        let earlier = earlier.id;
                        self.read(move |r| r.latest(earlier))
                            .await?
                            .is_some_and(|s| s.mark.kind == RevisionKind::Withdrawal)
                    };
                    if !withdrawn {
                        return Err(IngestError::Repeat(earlier.id));
                    }
                    msg_id = format!("write:{}", StoryId::new());
                }
                Ok(appended) => return self.applied_outcome(appended.seq).await,
                Err(LogError::Conflict { head }) => self.applied.reach(head).await?,
                Err(LogError::Unavailable(why)) => return Err(IngestError::Unavailable(why)),
            }
        }
        Err(IngestError::Unavailable(format!(
            "story {id} kept changing while this revision was being sent; send it again"
        )))
    }

    /// The log position of a story's latest revision. A story this node
    /// does not have yet may have been published on another one: it is
    /// looked for again once this node has applied all the log holds.
    async fn latest_seq(
        &self,
        log: &Arc<dyn ReplicatedLog>,
        id: StoryId,
    ) -> Result<u64, IngestError> {
        if let Some(seq) = self.read(move |r| r.latest_seq(id)).await? {
            return Ok(seq);
        }
        let head = log.status().head;
        if self.applied.position() >= head {
            return Err(IngestError::NotFound(id));
        }
        self.applied.reach(head).await?;
        self.read(move |r| r.latest_seq(id))
            .await?
            .ok_or(IngestError::NotFound(id))
    }

    /// What log entry `seq` became on this node, once applied.
    async fn applied_outcome(&self, seq: u64) -> Result<Arc<Story>, IngestError> {
        if let Some(outcome) = self.applied.outcome(seq).await? {
            return outcome;
        }
        match self.read(move |r| r.at(seq)).await? {
            Some(story) => Ok(Arc::new(story)),
            None => Err(IngestError::Store(format!(
                "log entry {seq} stored no revision"
            ))),
        }
    }

    /// A store read on the blocking pool.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Reader) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, IngestError> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || read(&reader))
            .await
            .map_err(|e| IngestError::Store(e.to_string()))?
            .map_err(IngestError::from)
    }

    /// Hands one entry of the replicated log to the writer thread, waiting
    /// while it is busy. Fails once the engine is shutting down (or when
    /// it does not follow a log).
    pub async fn feed(&self, record: LogRecord) -> Result<(), IngestError> {
        let tx = match self.input.lock() {
            Ok(input) => match input.as_ref() {
                Some(Input::Replica(tx)) => tx.clone(),
                _ => return Err(IngestError::ShuttingDown),
            },
            Err(_) => return Err(IngestError::ShuttingDown),
        };
        tx.send(record).await.map_err(|_| IngestError::ShuttingDown)
    }

    /// The cluster as this node sees it; `None` alone.
    pub fn cluster_status(&self) -> Option<LogStatus> {
        let mut status = self.log.as_ref()?.status();
        if status.problem.is_none() {
            status.problem = self.applied.stalled();
        }
        Some(status)
    }

    /// The highest wire sequence that exists anywhere: this node's, or in
    /// a cluster the log's, which may be ahead of what this node applied.
    pub fn wire_end(&self) -> u64 {
        let head = self.log.as_ref().map_or(0, |l| l.status().head);
        self.wire.last_seq().max(head)
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
            applied_seq: self.applied.position().max(self.wire.last_seq()),
            log_head: self
                .log
                .as_ref()
                .map_or(0, |l| l.status().head)
                .max(self.wire.last_seq()),
        }
    }

    /// Stops taking writes, lets queued ones finish, commits the index and
    /// joins the threads. Idempotent.
    pub fn shutdown(&self) {
        if let Ok(mut input) = self.input.lock() {
            input.take();
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

    /// TOP now, best first: one row per event with the head of its latest
    /// story as the store holds it (see [`newsterm_event::Grouper::top`]
    /// for the ranking). A row whose story was withdrawn or is gone since
    /// the ranking is left out.
    pub fn top(&self, limit: usize) -> Result<Vec<(TopEvent, StoryHead)>, StoreError> {
        let rows = self.events.top(limit);
        let ids: Vec<StoryId> = rows.iter().map(|r| r.latest.id).collect();
        // Heads come back in the order asked, the missing left out.
        let mut heads = self.reader.heads(&ids)?.into_iter().peekable();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(head) = heads.next_if(|h| h.id == row.latest.id)
                && !head.is_withdrawn()
            {
                out.push((row, head));
            }
        }
        Ok(out)
    }

    /// The latest story of each event in TOP, best first, read whole (for
    /// the feed of TOP, whose entries carry the text) and once: not its
    /// head first.
    pub fn top_stories(&self, limit: usize) -> Result<Vec<Story>, StoreError> {
        let mut stories = Vec::with_capacity(limit);
        for row in self.events.top(limit) {
            if let Some(story) = self.reader.latest(row.latest.id)?
                && !story.is_withdrawn()
            {
                stories.push(story);
            }
        }
        Ok(stories)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The search index reads its hits' text from the store.
struct StoreTexts(Arc<Reader>);

impl StoryTexts for StoreTexts {
    fn at_seqs(&self, seqs: &[u64]) -> Result<Vec<Option<newsterm_story::Story>>, SearchError> {
        self.0
            .topics_at_seqs(seqs)
            .map_err(|e| SearchError::Texts(e.to_string()))
    }
}

/// The idempotency keys of a request's `n` writes under the publisher's
/// `key`: the key itself for a single write, `key/0`, `key/1`, … for
/// several, none without a key.
pub fn write_keys(key: Option<&str>, n: usize) -> Vec<Option<String>> {
    (0..n)
        .map(|i| match key {
            None => None,
            Some(k) if n == 1 => Some(k.to_string()),
            Some(k) => Some(format!("{k}/{i}")),
        })
        .collect()
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

    /// `n` new stories, the i-th headlined "`headline` i" with the word
    /// "`word`iq" that no other story has.
    fn numbered(n: usize, headline: &str, word: &str) -> Vec<Write> {
        (0..n)
            .map(|i| {
                Write::New(
                    content(&format!("{headline} {i}"), &format!("{word}{i}q")),
                    Tags::default(),
                )
            })
            .collect()
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
            let writes = numbered(STORED, "Stored story", "keptword");
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

    /// An import larger than the staged tier, with a publish sent beside
    /// it: both are answered, every story is searchable at its answer,
    /// and the index catches up with all of it. Before, the indexer
    /// committed after every story once it was a quarter of the tier
    /// behind the writer, and staging waited up to 30 s a story for a
    /// commit once the tier was full, so such an import (and any publish
    /// queued behind it) took many minutes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_import_larger_than_the_staged_tier_is_stored_indexed_and_searchable() {
        const IMPORTED: usize = newsterm_search::MAX_STAGED + 2_000;
        let dir = tempfile::tempdir().expect("temp dir");
        let engine = Engine::open(&DataDir::new(dir.path()), Reach::default()).expect("engine");
        let writes = numbered(IMPORTED, "Imported story", "bulkword");
        let import = {
            let engine = engine.clone();
            tokio::spawn(async move { engine.ingest(writes).await })
        };
        // The publish goes once the import is being stored.
        while engine.progress().last_seq == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let beside = vec![Write::New(
            content("Published beside the import", "besideword"),
            Tags::default(),
        )];
        let published = engine.ingest(beside).await.expect("publish answered");
        assert!(published[0].is_ok(), "publish beside the import stored");
        assert_eq!(total(&engine, "besideword"), 1, "searchable at its ack");
        let imported = import.await.expect("import task").expect("import answered");
        assert_eq!(imported.iter().filter(|r| r.is_ok()).count(), IMPORTED);
        let last = format!("bulkword{}q", IMPORTED - 1);
        assert_eq!(total(&engine, &last), 1, "{last} searchable at the answer");
        let last_seq = engine.progress().last_seq;
        while engine.progress().indexed_seq < last_seq {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(engine.index().staged_len(), 0, "all of it committed");
        assert_eq!(total(&engine, "headline:imported"), IMPORTED as u64);
        assert_eq!(total(&engine, "besideword"), 1);
        engine.shutdown();
    }
}
