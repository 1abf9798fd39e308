//! The engine: the path every story takes from an accepted request to the
//! store, the index and the wire, and the reads served from them.
//!
//! Two threads own the writes, so the HTTP side never waits on a lock:
//!
//! - the **writer** owns the store's single [`Writer`]. It takes whatever
//!   publishes have queued up, appends them in one durable transaction,
//!   then (in sequence order) publishes each to the wire, hands it to the
//!   indexer, and only then acknowledges the publishers. Store first, then
//!   index and fan-out: nothing is announced that a crash could lose.
//! - the **indexer** owns index writes. It batches stories and commits
//!   every few hundred milliseconds, recording the last sequence it holds;
//!   on start it first catches up from the store with whatever a crash
//!   left unindexed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use newsterm_api::Headline;
use newsterm_query::{Document, Query};
use newsterm_search::SearchIndex;
use newsterm_store::{Checkpointer, Reader, StoreError, Write, Writer};
use newsterm_story::{Story, StoryContent, StoryId, Tags};
use newsterm_wire::Wire;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use crate::alerts::Alerts;

/// Most writes the writer puts in one transaction.
const MAX_BATCH: usize = 2048;
/// Longest a story waits before the indexer commits it.
const INDEX_COMMIT_EVERY: Duration = Duration::from_millis(500);
/// Most stories the indexer takes before committing regardless.
const INDEX_MAX_PENDING: usize = 20_000;

/// Why a write was not stored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum IngestError {
    #[error("story {0} does not exist")]
    NotFound(StoryId),
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
    Alerts(String),
    #[error("cannot load the tagger: {0}")]
    Tagger(#[from] newsterm_tag::TagError),
    #[error("cannot start {0} thread: {1}")]
    Thread(&'static str, std::io::Error),
}

/// What travels on the wire for one revision: the headline, rendered once
/// for every transport, and what filters match against.
pub struct WireItem {
    pub headline: Headline,
    /// The story analyzed for query matching, made on first use and then
    /// shared by every filtered subscriber.
    doc: std::sync::OnceLock<Document>,
    /// A complete SSE event (`id:`, `event:`, `data:` and the blank line).
    pub sse: Bytes,
    /// The WebSocket message: `{"event":"story","seq":N,"data":{…}}`.
    pub ws: axum::extract::ws::Utf8Bytes,
    pub story: Arc<Story>,
}

impl WireItem {
    pub fn of(story: Arc<Story>) -> WireItem {
        let headline = Headline::of(&story);
        let json = serde_json::to_string(&headline).unwrap_or_else(|_| "{}".into());
        let sse = Bytes::from(format!(
            "id: {}\nevent: story\ndata: {}\n\n",
            headline.seq, json
        ));
        let ws = format!(
            "{{\"event\":\"story\",\"seq\":{},\"data\":{}}}",
            headline.seq, json
        )
        .into();
        WireItem {
            headline,
            doc: std::sync::OnceLock::new(),
            sse,
            ws,
            story,
        }
    }
}

impl WireItem {
    /// Whether `query` matches this revision, as a search would.
    pub fn matches(&self, query: &Query) -> bool {
        self.doc
            .get_or_init(|| Document::of(&self.story))
            .matches(query)
    }
}

/// What an ingest answers: each write's stored revision or its error,
/// or one error when nothing was stored.
pub type IngestResult = Result<Vec<Result<Arc<Story>, IngestError>>, IngestError>;

struct IngestRequest {
    writes: Vec<Write>,
    reply: oneshot::Sender<IngestResult>,
}

/// The running engine. Shared by every request handler.
pub struct Engine {
    tagger: newsterm_tag::Tagger,
    alerts: Arc<Alerts>,
    reader: Arc<Reader>,
    index: Arc<SearchIndex>,
    wire: Wire<Arc<WireItem>>,
    ingest: std::sync::Mutex<Option<mpsc::Sender<IngestRequest>>>,
    indexed_seq: Arc<AtomicU64>,
    threads: std::sync::Mutex<Vec<JoinHandle<()>>>,
    checkpointer: std::sync::Mutex<Option<Checkpointer>>,
    data_dir: PathBuf,
}

/// Where the engine keeps its files inside a data directory.
pub fn store_path(data_dir: &Path) -> PathBuf {
    data_dir.join("store.db")
}

pub fn index_path(data_dir: &Path) -> PathBuf {
    data_dir.join("index")
}

impl Engine {
    /// Opens the store and index in `data_dir` (creating them) and starts
    /// the writer and indexer threads.
    pub fn open(data_dir: &Path) -> Result<Arc<Engine>, EngineError> {
        std::fs::create_dir_all(data_dir).map_err(|source| EngineError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let tagger = newsterm_tag::Tagger::load()?;
        let writer = Writer::open(&store_path(data_dir))?;
        let reader = Arc::new(Reader::open(&store_path(data_dir), 4)?);
        let checkpointer = Checkpointer::start(&store_path(data_dir), Duration::from_secs(1))?;
        // An index built by another version (schema or analyzer changed)
        // is started afresh; the indexer then rebuilds it from the store,
        // which is the source of truth.
        let (index, recreated) = SearchIndex::open_or_recreate(&index_path(data_dir))?;
        if recreated {
            tracing::warn!(
                "search index was built by another version; rebuilding it from the store"
            );
        }
        let index = Arc::new(index);
        let start_seq = writer.last_seq();
        let wire = Wire::new(start_seq, newsterm_wire::DEFAULT_CAPACITY);
        let indexed_seq = Arc::new(AtomicU64::new(index.indexed_seq()));

        let (index_tx, index_rx) = std::sync::mpsc::channel::<Arc<Story>>();
        let indexer = {
            let index = index.clone();
            let reader = reader.clone();
            let indexed_seq = indexed_seq.clone();
            std::thread::Builder::new()
                .name("newsterm-indexer".into())
                .spawn(move || run_indexer(&index, &reader, start_seq, &indexed_seq, index_rx))
                .map_err(|e| EngineError::Thread("indexer", e))?
        };
        let alerts = Arc::new(Alerts::open(data_dir).map_err(EngineError::Alerts)?);
        let (alert_tx, alert_rx) = std::sync::mpsc::channel::<Arc<Story>>();
        let alerter = {
            let alerts = alerts.clone();
            let reader = reader.clone();
            std::thread::Builder::new()
                .name("newsterm-alerter".into())
                .spawn(move || crate::alerts::run_alerter(&alerts, &reader, alert_rx))
                .map_err(|e| EngineError::Thread("alerter", e))?
        };
        let (ingest_tx, ingest_rx) = mpsc::channel::<IngestRequest>(4096);
        let writer_thread = {
            let wire = wire.clone();
            std::thread::Builder::new()
                .name("newsterm-writer".into())
                .spawn(move || run_writer(writer, ingest_rx, &wire, index_tx, alert_tx))
                .map_err(|e| EngineError::Thread("writer", e))?
        };
        Ok(Arc::new(Engine {
            tagger,
            alerts,
            reader,
            index,
            wire,
            ingest: std::sync::Mutex::new(Some(ingest_tx)),
            indexed_seq,
            threads: std::sync::Mutex::new(vec![writer_thread, indexer, alerter]),
            checkpointer: std::sync::Mutex::new(Some(checkpointer)),
            data_dir: data_dir.to_path_buf(),
        }))
    }

    /// Tags a story's content: CPU work, so callers run it off the async
    /// workers (the blocking pool or their own threads).
    pub fn tag(&self, content: &StoryContent) -> Tags {
        tag_content(&self.tagger, content)
    }

    pub fn alerts(&self) -> &Alerts {
        &self.alerts
    }

    pub fn tagger(&self) -> &newsterm_tag::Tagger {
        &self.tagger
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
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

    pub fn reader_arc(&self) -> Arc<Reader> {
        self.reader.clone()
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    pub fn wire(&self) -> &Wire<Arc<WireItem>> {
        &self.wire
    }

    /// Highest wire sequence the search index has committed.
    pub fn indexed_seq(&self) -> u64 {
        self.indexed_seq.load(Ordering::Acquire)
    }

    /// Stops taking writes, lets queued ones finish, commits the index and
    /// joins the threads. Idempotent.
    pub fn shutdown(&self) {
        if let Ok(mut tx) = self.ingest.lock() {
            tx.take();
        }
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

    /// Top stories now: breaking first, then fresh, from the latest few
    /// hundred stories on the wire.
    pub fn top(&self, limit: usize) -> Result<Vec<Headline>, StoreError> {
        Ok(self.top_stories(limit)?.iter().map(Headline::of).collect())
    }

    /// The stories [`Engine::top`] ranks, whole.
    pub fn top_stories(&self, limit: usize) -> Result<Vec<Story>, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut scored: Vec<(f64, Story)> = self
            .reader
            .recent(500)?
            .into_iter()
            .map(|s| (top_score(&s, now), s))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.seq.cmp(&a.1.seq)));
        Ok(scored.into_iter().take(limit).map(|(_, s)| s).collect())
    }

    /// Parses a query in the search language.
    pub fn parse_query(q: &str) -> Result<Query, newsterm_query::QueryError> {
        newsterm_query::parse(q)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Tags a story's [`StoryContent::tagging_text`]: the headline, then the
/// rest, so spans point into that text.
pub fn tag_content(tagger: &newsterm_tag::Tagger, content: &StoryContent) -> Tags {
    let text = content.tagging_text();
    let rest = text
        .get(content.headline.len()..)
        .unwrap_or("")
        .trim_start_matches('\n');
    tagger.tag_story(&content.headline, rest)
}

/// Priority weight × freshness (half-life six hours since newsterm
/// received the revision) × a small bonus for stories revised often,
/// which on a wire means a developing story.
fn top_score(story: &Story, now: OffsetDateTime) -> f64 {
    let weight = match story.content.priority {
        newsterm_story::Priority::Flash => 4.0,
        newsterm_story::Priority::Urgent => 2.5,
        newsterm_story::Priority::Normal => 1.0,
    };
    let age_hours = ((now - story.received).as_seconds_f64() / 3600.0).max(0.0);
    let freshness = 0.5f64.powf(age_hours / 6.0);
    let developing = 1.0 + 0.1 * f64::from(story.revision.saturating_sub(1).min(5));
    weight * freshness * developing
}

fn run_writer(
    mut writer: Writer,
    mut rx: mpsc::Receiver<IngestRequest>,
    wire: &Wire<Arc<WireItem>>,
    index_tx: std::sync::mpsc::Sender<Arc<Story>>,
    alert_tx: std::sync::mpsc::Sender<Arc<Story>>,
) {
    while let Some(first) = rx.blocking_recv() {
        let mut requests = vec![first];
        let mut total = requests[0].writes.len();
        while total < MAX_BATCH {
            match rx.try_recv() {
                Ok(r) => {
                    total += r.writes.len();
                    requests.push(r);
                }
                Err(_) => break,
            }
        }
        let sizes: Vec<usize> = requests.iter().map(|r| r.writes.len()).collect();
        let writes: Vec<Write> = requests
            .iter_mut()
            .flat_map(|r| std::mem::take(&mut r.writes))
            .collect();
        match writer.append(writes, OffsetDateTime::now_utc()) {
            Ok(results) => {
                let mut results = results.into_iter().map(|r| match r {
                    Ok(story) => {
                        let story = Arc::new(story);
                        wire.publish(story.seq, Arc::new(WireItem::of(story.clone())));
                        // The indexer and alerter only stop when the engine does.
                        let _ = index_tx.send(story.clone());
                        let _ = alert_tx.send(story.clone());
                        Ok(story)
                    }
                    Err(e) => Err(IngestError::from(e)),
                });
                for (req, n) in requests.into_iter().zip(sizes) {
                    let mine: Vec<_> = results.by_ref().take(n).collect();
                    let _ = req.reply.send(Ok(mine));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "store write failed; nothing stored");
                let e = IngestError::from(e);
                for req in requests {
                    let _ = req.reply.send(Err(e.clone()));
                }
            }
        }
    }
    tracing::debug!("writer stopped");
}

fn run_indexer(
    index: &SearchIndex,
    reader: &Reader,
    store_seq_at_start: u64,
    indexed_seq: &AtomicU64,
    rx: std::sync::mpsc::Receiver<Arc<Story>>,
) {
    let mut done = index.indexed_seq();
    if done < store_seq_at_start {
        tracing::info!(
            from = done,
            to = store_seq_at_start,
            "search index catching up with the store"
        );
        while done < store_seq_at_start {
            let page = match reader.since(done, 1000) {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "index catch-up cannot read the store");
                    break;
                }
            };
            let Some(last) = page.last().map(|s| s.seq) else {
                break;
            };
            for story in page.iter().filter(|s| s.seq <= store_seq_at_start) {
                if let Err(e) = index.index_story(story) {
                    tracing::error!(error = %e, seq = story.seq, "cannot index story");
                }
            }
            done = last.min(store_seq_at_start);
        }
        commit(index, done, indexed_seq);
    }
    let mut pending = 0usize;
    let mut last_seq = done;
    let mut oldest_pending: Option<Instant> = None;
    loop {
        let timeout = oldest_pending
            .map(|t| INDEX_COMMIT_EVERY.saturating_sub(t.elapsed()))
            .unwrap_or(Duration::from_secs(3600));
        match rx.recv_timeout(timeout) {
            Ok(story) => {
                if let Err(e) = index.index_story(&story) {
                    tracing::error!(error = %e, seq = story.seq, "cannot index story");
                }
                last_seq = story.seq;
                pending += 1;
                oldest_pending.get_or_insert_with(Instant::now);
                let stale = oldest_pending.is_some_and(|t| t.elapsed() >= INDEX_COMMIT_EVERY);
                if pending >= INDEX_MAX_PENDING || stale {
                    commit(index, last_seq, indexed_seq);
                    pending = 0;
                    oldest_pending = None;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if pending > 0 {
                    commit(index, last_seq, indexed_seq);
                    pending = 0;
                }
                oldest_pending = None;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                if pending > 0 {
                    commit(index, last_seq, indexed_seq);
                }
                tracing::debug!("indexer stopped");
                return;
            }
        }
    }
}

fn commit(index: &SearchIndex, seq: u64, indexed_seq: &AtomicU64) {
    match index.commit(seq) {
        Ok(()) => indexed_seq.store(seq, Ordering::Release),
        // The store still holds the stories: the next start catches up.
        Err(e) => tracing::error!(error = %e, seq, "index commit failed"),
    }
}
