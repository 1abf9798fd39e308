//! Polling sources and importing feeds: fetch, parse, tell new items from
//! seen ones, hand the new and changed to the caller's [`Sink`], and
//! remember which item became which story.
//!
//! Each due source is polled in its own task, at most
//! [`PollerOptions::concurrency`] at once; the scheduler never waits for a
//! poll, so a source that hangs holds only its own task (and only until
//! the fetcher's deadline). A source is never polled twice at once.
//!
//! Nothing from a broken item is stored: items that are not valid stories
//! never reach the sink, and an item's key is recorded only after the
//! sink stored it, so anything not stored is tried again next time. When
//! the sink fails, the source's validators are not updated either, so the
//! next poll fetches the whole feed again instead of getting `304`.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use newsterm_story::{Priority, StoryContent, StoryId};
use time::OffsetDateTime;
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;

use crate::error::FeedError;
use crate::fetch::{FetchError, FetchOutcome, Fetcher, Validators};
use crate::parse::{FeedItem, ParseOptions, ParsedFeed, parse};
use crate::schedule::{Source, SourceId, SourceStatus};
use crate::sources::{Seen, SourceStore, SourcesError, source_scope};

/// What the poller asks the sink to store.
#[derive(Debug, Clone, PartialEq)]
pub enum IngestItem {
    /// An item never seen before: a new story.
    New(StoryContent),
    /// A seen item whose content changed: a new revision of its story.
    Revise(StoryId, StoryContent),
}

/// The sink's answer: per item, in order, the story id and revision it
/// was stored as, or why not; or one error for the whole batch.
pub type SinkResult = Result<Vec<Result<(StoryId, u32), SinkError>>, SinkError>;

/// Why a sink did not store an item (or, for the whole batch, anything).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    /// The story an item revises is not in the store.
    #[error("story {0} does not exist")]
    StoryGone(StoryId),
    /// The disk is full: nothing was stored; the poll is retried later.
    #[error("the disk holding the store is full; nothing was stored")]
    DiskFull,
    /// The server is stopping.
    #[error("the server is shutting down")]
    ShuttingDown,
    /// The store failed otherwise.
    #[error("store failure: {0}")]
    Store(String),
}

/// Where new and changed items go: the server's ingest path. Any
/// `Fn(Vec<IngestItem>) -> impl Future<Output = SinkResult>` is a sink.
pub trait Sink: Send + Sync + 'static {
    /// Stores `items` (new stories and revisions) and answers what became of each.
    fn ingest(&self, items: Vec<IngestItem>) -> Pin<Box<dyn Future<Output = SinkResult> + Send>>;
}

impl<F, Fut> Sink for F
where
    F: Fn(Vec<IngestItem>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = SinkResult> + Send + 'static,
{
    fn ingest(&self, items: Vec<IngestItem>) -> Pin<Box<dyn Future<Output = SinkResult> + Send>> {
        Box::pin(self(items))
    }
}

/// Pollers that share their sources (the nodes of a cluster): which one
/// polls a source now, and where each tells the others what its polls
/// found. Without it a poller polls every due source itself.
pub trait SharedPolling: Send + Sync + 'static {
    /// This poller's turn to poll `id`, held while the poll runs; `None`
    /// when the source is another poller's to poll.
    fn turn(&self, id: SourceId) -> Option<Box<dyn Send>>;
    /// Hands on what a poll of `id` left: the source's status and the
    /// items it recorded as seen, by key (already written to this
    /// poller's own store).
    fn polled(
        &self,
        id: SourceId,
        status: SourceStatus,
        seen: Vec<(String, Seen)>,
    ) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Why a poll or an import took nothing.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// Another poller sharing the sources (a node of the cluster) polls
    /// this one.
    #[error(
        "source {0} is polled by another node of the cluster; ask that node, or wait for its schedule"
    )]
    Elsewhere(SourceId),
    /// The feed could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The feed could not be read.
    #[error(transparent)]
    Feed(#[from] FeedError),
    /// The items could not be stored.
    #[error("could not store the items: {0}")]
    Sink(#[from] SinkError),
    /// The source list could not be read or updated.
    #[error(transparent)]
    Sources(#[from] SourcesError),
    /// A poll task failed unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
}

pub use newsterm_api::{ItemFailure, PollReport};

/// A report's failures in one line, for a source's status.
fn problem(report: &PollReport) -> Option<String> {
    let first = report.failed.first()?;
    Some(format!(
        "{} of {} items not taken; first: {}: {}",
        report.failed.len(),
        report.items,
        first.key,
        first.reason
    ))
}

/// How the poller runs.
#[derive(Debug, Clone)]
pub struct PollerOptions {
    /// Most sources polled at once.
    pub concurrency: usize,
    /// How often the scheduler looks for due sources.
    pub tick: Duration,
}

impl Default for PollerOptions {
    fn default() -> Self {
        PollerOptions {
            concurrency: 16,
            tick: Duration::from_secs(1),
        }
    }
}

/// Polls every due source, forever or until told to stop. Cheap to clone:
/// clones share the same state, so a server can keep one to call
/// [`Poller::poll_now`] while another runs [`Poller::run`].
#[derive(Clone)]
pub struct Poller {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<SourceStore>,
    fetcher: Fetcher,
    sink: Arc<dyn Sink>,
    options: PollerOptions,
    permits: Semaphore,
    /// One lock per source, held while it is polled.
    busy: Mutex<HashMap<SourceId, Arc<tokio::sync::Mutex<()>>>>,
    wake: Notify,
    shared: std::sync::OnceLock<Arc<dyn SharedPolling>>,
}

impl Poller {
    /// A poller over the sources in `store`, fetching with `fetcher` and storing through `sink`.
    pub fn new(
        store: Arc<SourceStore>,
        fetcher: Fetcher,
        sink: impl Sink,
        options: PollerOptions,
    ) -> Poller {
        Poller {
            inner: Arc::new(Inner {
                store,
                fetcher,
                sink: Arc::new(sink),
                permits: Semaphore::new(options.concurrency.max(1)),
                options,
                busy: Mutex::new(HashMap::new()),
                wake: Notify::new(),
                shared: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Shares the sources with other pollers (see [`SharedPolling`]):
    /// from now on this one polls a source only in its turn, and hands on
    /// what each poll found. Set once; later calls are ignored.
    pub fn share(&self, shared: Arc<dyn SharedPolling>) {
        let _ = self.inner.shared.set(shared);
    }

    /// This poller's turn to poll `id`: always, unless it shares its
    /// sources and the source is another's.
    fn turn(&self, id: SourceId) -> Option<Option<Box<dyn Send>>> {
        match self.inner.shared.get() {
            None => Some(None),
            Some(shared) => shared.turn(id).map(Some),
        }
    }

    /// Makes [`Poller::run`] look for due sources now rather than at its
    /// next tick, e.g. after a source was added or resumed.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Polls due sources until `shutdown` turns true (or its sender is
    /// dropped). Fetches in flight are abandoned at shutdown; items
    /// already handed to the sink are seen through and recorded.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let mut tasks = JoinSet::new();
        loop {
            if *shutdown.borrow() {
                break;
            }
            while tasks.try_join_next().is_some() {}
            match self.inner.list().await {
                Ok(sources) => self.start_due(sources, &mut tasks, &shutdown),
                Err(e) => tracing::error!(error = %e, "cannot list sources"),
            }
            tokio::select! {
                changed = shutdown.changed() => if changed.is_err() { break },
                () = self.inner.wake.notified() => {}
                () = tokio::time::sleep(self.inner.options.tick) => {}
            }
        }
        while tasks.join_next().await.is_some() {}
    }

    fn start_due(
        &self,
        sources: Vec<Source>,
        tasks: &mut JoinSet<()>,
        shutdown: &watch::Receiver<bool>,
    ) {
        let now = OffsetDateTime::now_utc();
        let live: HashSet<SourceId> = sources.iter().map(|s| s.spec.id).collect();
        if let Ok(mut busy) = self.inner.busy.lock() {
            busy.retain(|id, _| live.contains(id));
        }
        for source in sources.into_iter().filter(|s| s.is_due(now)) {
            // Still being polled from an earlier tick: leave it be.
            let Ok(guard) = self.inner.lock_for(source.spec.id).try_lock_owned() else {
                continue;
            };
            // Another poller's to poll.
            let Some(turn) = self.turn(source.spec.id) else {
                continue;
            };
            let inner = self.inner.clone();
            let shutdown = shutdown.clone();
            tasks.spawn(async move {
                let _guard = guard;
                let _turn = turn;
                let Ok(_permit) = inner.permits.acquire().await else {
                    return;
                };
                if let Err(e) = inner.poll(source, Some(shutdown)).await {
                    tracing::debug!(error = %e, "poll failed");
                }
            });
        }
    }

    /// Polls one source now, whatever its schedule (waiting for a poll of
    /// it already under way), and updates its status.
    pub async fn poll_now(&self, id: SourceId) -> Result<PollReport, PollError> {
        let lock = self.inner.lock_for(id);
        let _guard = lock.lock().await;
        let Some(_turn) = self.turn(id) else {
            return Err(PollError::Elsewhere(id));
        };
        let store = self.inner.store.clone();
        let source = blocking(move || store.get(id)).await??;
        self.inner.poll(source, None).await
    }
}

impl Inner {
    fn lock_for(&self, id: SourceId) -> Arc<tokio::sync::Mutex<()>> {
        match self.busy.lock() {
            Ok(mut busy) => busy.entry(id).or_default().clone(),
            // Poisoned only if a panic happened while inserting; a fresh
            // lock keeps polling going.
            Err(_) => Arc::default(),
        }
    }

    async fn list(&self) -> Result<Vec<Source>, PollError> {
        let store = self.store.clone();
        Ok(blocking(move || store.list()).await??)
    }

    /// Polls `source` and records the outcome in its status.
    async fn poll(
        &self,
        source: Source,
        shutdown: Option<watch::Receiver<bool>>,
    ) -> Result<PollReport, PollError> {
        let id = source.spec.id;
        let every = source.spec.every;
        let mut status = source.status.clone();
        let mut seen = Vec::new();
        let fetch = self
            .fetcher
            .fetch(&source.spec.url, &source.status.validators);
        let fetched = match shutdown {
            Some(mut stop) => tokio::select! {
                r = fetch => r,
                () = stopped(&mut stop) => return Err(PollError::Internal("shutting down".into())),
            },
            None => fetch.await,
        };
        let now = OffsetDateTime::now_utc();
        let result = match fetched {
            Ok(FetchOutcome::NotModified) => Ok((
                PollReport {
                    not_modified: true,
                    ..Default::default()
                },
                None,
            )),
            Ok(FetchOutcome::Fetched(body)) => {
                let options = ParseOptions {
                    source_name: source.spec.name.clone(),
                    base_url: Some(body.final_url.clone()),
                    priority: source.spec.priority,
                    max_bytes: self.fetcher.options().max_bytes,
                    now,
                };
                let validators = body.validators.clone();
                match parse_off_thread(body.bytes, options).await {
                    Ok(feed) => {
                        let scope = source_scope(id);
                        ingest(feed, &*self.sink, Some(&self.store), &scope)
                            .await
                            .map(|(report, taken)| {
                                let clean = taken.clean;
                                seen = taken.seen;
                                (report, clean.then_some(validators))
                            })
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(PollError::Fetch(e)),
        };
        match &result {
            Ok((report, validators)) => {
                let counts =
                    (!report.not_modified).then_some((report.items, report.new + report.revised));
                if let Some(v) = validators {
                    status.validators = v.clone();
                } else if !report.not_modified {
                    // Items the sink could not store come back only if
                    // the next fetch is not answered with 304.
                    status.validators = Validators::default();
                }
                status.succeeded(now, every, counts, problem(report));
            }
            Err(e) => {
                // Validators are kept only after a clean poll, so whatever
                // this one could not take is fetched in full next time.
                status.validators = Validators::default();
                status.failed(now, every, e.to_string());
            }
        }
        let store = self.store.clone();
        let written = status.clone();
        match blocking(move || store.update_status(id, &written)).await? {
            Ok(()) => {
                if let Some(shared) = self.shared.get() {
                    shared.polled(id, status, seen).await;
                }
            }
            // Removed while it was being polled: nothing left to update.
            Err(SourcesError::UnknownId(_)) => {}
            Err(e) => return Err(e.into()),
        }
        result.map(|(report, _)| report)
    }
}

async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // A dropped sender means the owner is gone: stop too.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PollError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| PollError::Internal(e.to_string()))
}

/// Parsing is CPU work on up to `max_bytes`: keep it off the async workers.
async fn parse_off_thread(bytes: Vec<u8>, options: ParseOptions) -> Result<ParsedFeed, PollError> {
    Ok(blocking(move || parse(&bytes, &options)).await??)
}

/// What [`ingest`] stored: whether the sink stored everything it was
/// given, and the items it recorded as seen.
#[derive(Default)]
struct Taken {
    clean: bool,
    seen: Vec<(String, Seen)>,
}

/// Sorts a parsed feed's items into new, changed, seen and broken, hands
/// the new and changed to `sink`, and records what they became. Returns
/// the report and what was taken.
async fn ingest(
    feed: ParsedFeed,
    sink: &dyn Sink,
    store: Option<&Arc<SourceStore>>,
    scope: &str,
) -> Result<(PollReport, Taken), PollError> {
    let mut report = PollReport {
        items: feed.items.len() as u64,
        ..Default::default()
    };
    let mut keys_in_feed = HashSet::new();
    let mut good: Vec<(String, String, StoryContent)> = Vec::new();
    for FeedItem {
        key,
        hash,
        content,
        notes,
    } in feed.items
    {
        if !keys_in_feed.insert(key.clone()) {
            report.skipped_duplicate += 1;
            continue;
        }
        match content {
            Ok(content) => {
                report
                    .notes
                    .extend(notes.into_iter().map(|n| format!("{key}: {n}")));
                good.push((key, hash, content));
            }
            Err(reason) => report.failed.push(ItemFailure {
                key,
                reason: reason.to_string(),
            }),
        }
    }
    let seen = match store {
        Some(store) => {
            let store = store.clone();
            let scope = scope.to_string();
            let keys: Vec<String> = good.iter().map(|(k, _, _)| k.clone()).collect();
            blocking(move || store.seen(&scope, &keys)).await??
        }
        None => HashMap::new(),
    };
    let mut batch = Vec::new();
    let mut pending = Vec::new();
    for (key, hash, content) in good {
        match seen.get(&key) {
            Some(s) if s.hash == hash => report.skipped_duplicate += 1,
            Some(s) => {
                batch.push(IngestItem::Revise(s.story_id, content));
                pending.push((key, hash, true));
            }
            None => {
                batch.push(IngestItem::New(content));
                pending.push((key, hash, false));
            }
        }
    }
    if batch.is_empty() {
        return Ok((
            report,
            Taken {
                clean: true,
                seen: Vec::new(),
            },
        ));
    }
    let expected = batch.len();
    let results = sink.ingest(batch).await.map_err(PollError::Sink)?;
    let mut clean = results.len() == expected;
    let mut taken = Vec::new();
    let mut results = results.into_iter();
    for (key, hash, is_revision) in pending {
        match results.next() {
            Some(Ok((story_id, _revision))) => {
                if is_revision {
                    report.revised += 1;
                } else {
                    report.new += 1;
                }
                taken.push((key, Seen { story_id, hash }));
            }
            Some(Err(reason)) => {
                clean = false;
                report.failed.push(ItemFailure {
                    key,
                    reason: reason.to_string(),
                });
            }
            None => report.failed.push(ItemFailure {
                key,
                reason: "the store gave no answer for this item".into(),
            }),
        }
    }
    if let Some(store) = store
        && !taken.is_empty()
    {
        let store = store.clone();
        let scope = scope.to_string();
        let recorded = taken.clone();
        blocking(move || store.record_seen(&scope, &recorded)).await??;
    }
    Ok((report, Taken { clean, seen: taken }))
}

/// Where a one-shot import reads its feed from.
#[derive(Debug, Clone, Copy)]
pub enum FeedInput<'a> {
    /// An http(s) URL, fetched with the fetcher's limits.
    Url(&'a str),
    /// A file, read only up to the size cap.
    Path(&'a Path),
    /// Bytes already in hand (e.g. standard input).
    Bytes(&'a [u8]),
}

impl<'a> FeedInput<'a> {
    /// A command-line argument: a URL when it starts with `http://` or
    /// `https://`, else a file path.
    pub fn from_arg(arg: &'a str) -> FeedInput<'a> {
        let lower = arg.trim_start().to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            FeedInput::Url(arg.trim())
        } else {
            FeedInput::Path(Path::new(arg))
        }
    }
}

/// How a one-shot import names and remembers what it took.
#[derive(Clone, Default)]
pub struct ImportOptions {
    /// Each story's source; the feed's title when absent.
    pub source_name: Option<String>,
    /// Given to every story imported.
    pub priority: Priority,
    /// Where to remember imported items, so importing the same feed again
    /// skips what did not change; without it, only repeats within the
    /// feed are skipped.
    pub store: Option<Arc<SourceStore>>,
}

/// Imports one feed once (`newsterm import-feed`): every item that makes
/// a valid story and was not imported before with the same content goes
/// to `sink`; the report says what was taken, skipped and why items
/// failed.
pub async fn import_feed(
    input: FeedInput<'_>,
    fetcher: &Fetcher,
    sink: &dyn Sink,
    options: ImportOptions,
) -> Result<PollReport, PollError> {
    let max_bytes = fetcher.options().max_bytes;
    let (bytes, base_url, scope) = match input {
        FeedInput::Url(url) => match fetcher.fetch(url, &Validators::default()).await? {
            FetchOutcome::Fetched(f) => (f.bytes, Some(f.final_url), format!("import:{url}")),
            // Unconditional requests are never answered 304 by a correct
            // server; treat one that does as having nothing to import.
            FetchOutcome::NotModified => {
                return Ok(PollReport {
                    not_modified: true,
                    ..Default::default()
                });
            }
        },
        FeedInput::Path(path) => {
            let scope = format!(
                "import:{}",
                std::fs::canonicalize(path)
                    .unwrap_or_else(|_| path.to_path_buf())
                    .display()
            );
            let path = path.to_path_buf();
            let bytes = blocking(move || read_capped(&path, max_bytes)).await??;
            (bytes, None, scope)
        }
        FeedInput::Bytes(b) => (b.to_vec(), None, "import:-".to_string()),
    };
    let parse_options = ParseOptions {
        source_name: options.source_name,
        base_url,
        priority: options.priority,
        max_bytes,
        now: OffsetDateTime::now_utc(),
    };
    let feed = parse_off_thread(bytes, parse_options).await?;
    let (report, _) = ingest(feed, sink, options.store.as_ref(), &scope).await?;
    Ok(report)
}

/// Reads a file, refusing one over `max_bytes` without reading it all.
fn read_capped(path: &Path, max_bytes: usize) -> Result<Vec<u8>, FeedError> {
    use std::io::Read;
    let read_err = |e: std::io::Error| FeedError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let len = file.metadata().map_err(read_err)?.len();
    if len > max_bytes as u64 {
        return Err(FeedError::TooLarge {
            bytes: Some(len),
            limit: max_bytes as u64,
        });
    }
    // The file may grow while it is read: never take more than the cap.
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() > max_bytes {
        return Err(FeedError::TooLarge {
            bytes: None,
            limit: max_bytes as u64,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Instant;

    use super::*;
    use crate::fetch::FetchOptions;
    use crate::sources::NewSource;
    use crate::test_server::{self, rss};

    type Received = Arc<Mutex<Vec<IngestItem>>>;

    /// A sink that stores everything, minting ids like the store does.
    fn recording_sink() -> (impl Sink, Received) {
        let got: Received = Arc::default();
        let seen = got.clone();
        let sink = move |items: Vec<IngestItem>| {
            let seen = seen.clone();
            async move {
                let mut out = Vec::new();
                for item in items {
                    out.push(Ok(match &item {
                        IngestItem::New(_) => (StoryId::new(), 1),
                        IngestItem::Revise(id, _) => (*id, 2),
                    }));
                    seen.lock().unwrap().push(item);
                }
                Ok(out)
            }
        };
        (sink, got)
    }

    fn headlines(items: &[IngestItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                IngestItem::New(c) => format!("new {}", c.headline),
                IngestItem::Revise(_, c) => format!("revise {}", c.headline),
            })
            .collect()
    }

    /// The test server is on loopback, which only an operator's
    /// `--allow-private-fetch` lets a fetcher reach.
    fn fetcher() -> Fetcher {
        Fetcher::new(FetchOptions {
            reach: newsterm_egress::Reach::Anywhere,
            ..FetchOptions::default()
        })
        .unwrap()
    }

    fn store() -> (tempfile::TempDir, Arc<SourceStore>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SourceStore::open(&dir.path().join("sources.db")).unwrap());
        (dir, store)
    }

    fn add(store: &SourceStore, url: String) -> SourceId {
        store
            .add(&NewSource {
                url,
                name: Some("Loopback".into()),
                ..Default::default()
            })
            .unwrap()
            .spec
            .id
    }

    #[tokio::test]
    async fn polls_take_new_items_skip_seen_ones_and_revise_changed_ones() {
        let server = test_server::start().await;
        let (_dir, store) = store();
        let id = add(&store, server.url("/feed.xml"));
        let (sink, got) = recording_sink();
        let poller = Poller::new(store.clone(), fetcher(), sink, PollerOptions::default());

        let first = poller.poll_now(id).await.unwrap();
        assert_eq!((first.items, first.new, first.revised), (2, 2, 0));
        assert_eq!(
            headlines(&got.lock().unwrap()),
            ["new First story", "new Second story"]
        );
        let status = store.get(id).unwrap().status;
        assert_eq!(
            (
                status.health.items_seen,
                status.health.items_new,
                status.health.total_taken
            ),
            (2, 2, 2)
        );
        assert_eq!(status.validators.etag.as_deref(), Some("\"v1\""));
        assert!(status.health.last_success.is_some() && status.health.last_error.is_none());

        let second = poller.poll_now(id).await.unwrap();
        assert!(second.not_modified);
        assert_eq!(got.lock().unwrap().len(), 2, "a 304 stores nothing");

        server.set_feed(
            &rss(&[
                ("1", "First story, updated"),
                ("2", "Second story"),
                ("3", "Third"),
                ("4", ""),
            ]),
            "\"v2\"",
        );
        let third = poller.poll_now(id).await.unwrap();
        assert_eq!(
            (
                third.new,
                third.revised,
                third.skipped_duplicate,
                third.failed.len()
            ),
            (1, 1, 1, 1),
            "{third:?}"
        );
        let all = got.lock().unwrap().clone();
        assert_eq!(
            headlines(&all[2..]),
            ["revise First story, updated", "new Third"]
        );
        // The revision goes to the story the item first became.
        let IngestItem::Revise(revised, _) = &all[2] else {
            unreachable!()
        };
        let first_ids = store
            .seen(&source_scope(id), &["id:1".to_string()])
            .unwrap();
        assert_eq!(first_ids["id:1"].story_id, *revised);
        let status = store.get(id).unwrap().status;
        assert_eq!(status.health.total_taken, 4);
        let problem = status.health.last_error.unwrap();
        assert!(
            problem.starts_with("1 of 4 items not taken; first: id:4:"),
            "{problem}"
        );
        assert_eq!(status.health.consecutive_failures, 0);
    }

    #[tokio::test]
    async fn a_failing_source_backs_off_with_its_error_in_words() {
        let server = test_server::start().await;
        let (_dir, store) = store();
        let id = add(&store, server.url("/status/500"));
        let (sink, got) = recording_sink();
        let poller = Poller::new(store.clone(), fetcher(), sink, PollerOptions::default());
        let before = OffsetDateTime::now_utc();
        let e = poller.poll_now(id).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("HTTP 500 from {}", server.url("/status/500"))
        );
        let status = store.get(id).unwrap().status;
        assert_eq!(status.health.consecutive_failures, 1);
        assert_eq!(
            status.health.last_error.as_deref(),
            Some(e.to_string().as_str())
        );
        let wait = status.health.next_due.unwrap() - before;
        assert!(
            wait >= time::Duration::minutes(10),
            "backoff doubles 5m: {wait}"
        );
        assert!(got.lock().unwrap().is_empty());
        assert!(matches!(
            poller.poll_now(SourceId(99)).await,
            Err(PollError::Sources(SourcesError::UnknownId(SourceId(99))))
        ));
    }

    #[tokio::test]
    async fn nothing_is_recorded_when_the_store_fails() {
        let server = test_server::start().await;
        let (_dir, store) = store();
        let id = add(&store, server.url("/feed.xml"));
        let failing = |_items: Vec<IngestItem>| async { Err::<Vec<_>, _>(SinkError::DiskFull) };
        let poller = Poller::new(store.clone(), fetcher(), failing, PollerOptions::default());
        let e = poller.poll_now(id).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "could not store the items: the disk holding the store is full; nothing was stored"
        );
        let status = store.get(id).unwrap().status;
        assert_eq!(status.validators, Validators::default());
        let keys = vec!["id:1".to_string(), "id:2".to_string()];
        assert!(store.seen(&source_scope(id), &keys).unwrap().is_empty());

        // One item refused by the store: only the other is remembered, and
        // the next poll fetches the feed in full and offers it again.
        let picky = |items: Vec<IngestItem>| async move {
            Ok(items
                .iter()
                .map(|i| match i {
                    IngestItem::New(c) if c.headline.starts_with("First") => {
                        Err(SinkError::Store("rejected".to_string()))
                    }
                    _ => Ok((StoryId::new(), 1)),
                })
                .collect())
        };
        let poller = Poller::new(store.clone(), fetcher(), picky, PollerOptions::default());
        let report = poller.poll_now(id).await.unwrap();
        assert_eq!((report.new, report.failed.len()), (1, 1));
        assert_eq!(store.seen(&source_scope(id), &keys).unwrap().len(), 1);
        let (sink, got) = recording_sink();
        let poller = Poller::new(store.clone(), fetcher(), sink, PollerOptions::default());
        let report = poller.poll_now(id).await.unwrap();
        assert!(!report.not_modified);
        assert_eq!(headlines(&got.lock().unwrap()), ["new First story"]);
    }

    #[tokio::test]
    async fn a_hanging_source_does_not_delay_another() {
        let server = test_server::start().await;
        let (_dir, store) = store();
        let hanging = add(&store, server.url("/stall"));
        let healthy = add(&store, server.url("/feed.xml"));
        let (sink, got) = recording_sink();
        let slow_fetcher = Fetcher::new(FetchOptions {
            timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(60),
            reach: newsterm_egress::Reach::Anywhere,
            ..FetchOptions::default()
        })
        .unwrap();
        let poller = Poller::new(
            store.clone(),
            slow_fetcher,
            sink,
            PollerOptions {
                concurrency: 2,
                tick: Duration::from_millis(50),
            },
        );
        let (stop, shutdown) = watch::channel(false);
        let running = tokio::spawn({
            let poller = poller.clone();
            async move { poller.run(shutdown).await }
        });
        let started = Instant::now();
        while got.lock().unwrap().len() < 2 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "healthy source never delivered"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            store
                .get(healthy)
                .unwrap()
                .status
                .health
                .last_success
                .is_some()
        );
        assert!(
            store.get(hanging).unwrap().status.last_attempt.is_none(),
            "the hanging source is still being fetched"
        );
        // Shutdown abandons the hung fetch instead of waiting a minute.
        stop.send(true).unwrap();
        let stopped = Instant::now();
        tokio::time::timeout(Duration::from_secs(5), running)
            .await
            .expect("run did not stop")
            .unwrap();
        assert!(stopped.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn import_reports_taken_skipped_and_failed_and_remembers() {
        let server = test_server::start().await;
        let (dir, store) = store();
        let path = dir.path().join("feed.xml");
        std::fs::write(
            &path,
            rss(&[
                ("a", "Alpha"),
                ("a", "Alpha again"),
                ("x", ""),
                ("b", "Beta"),
            ]),
        )
        .unwrap();
        let (sink, got) = recording_sink();
        let options = ImportOptions {
            store: Some(store.clone()),
            ..Default::default()
        };
        let arg = path.to_string_lossy().to_string();
        let first = import_feed(
            FeedInput::from_arg(&arg),
            &fetcher(),
            &sink,
            options.clone(),
        )
        .await
        .unwrap();
        assert_eq!(
            (
                first.items,
                first.new,
                first.skipped_duplicate,
                first.failed.len()
            ),
            (4, 2, 1, 1)
        );
        assert_eq!(first.failed[0].key, "id:x");
        let summary = first.summary();
        assert!(
            summary.starts_with("4 items: 2 new, 0 revised, 1 already seen, 1 failed"),
            "{summary}"
        );
        let again = import_feed(FeedInput::Path(&path), &fetcher(), &sink, options)
            .await
            .unwrap();
        assert_eq!((again.new, again.skipped_duplicate), (0, 3));
        assert_eq!(headlines(&got.lock().unwrap()), ["new Alpha", "new Beta"]);

        let url = server.url("/feed.xml");
        let fetched = import_feed(
            FeedInput::from_arg(&url),
            &fetcher(),
            &sink,
            ImportOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(fetched.new, 2);
        let bytes = rss(&[("z", "Zulu")]);
        let given = import_feed(
            FeedInput::Bytes(bytes.as_bytes()),
            &fetcher(),
            &sink,
            ImportOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(given.new, 1);
    }

    #[tokio::test]
    async fn a_100_mb_file_is_refused_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.xml");
        // Sparse: 100 MB on paper, nothing on disk, nothing read.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(100 * 1024 * 1024)
            .unwrap();
        let (sink, got) = recording_sink();
        let e = import_feed(
            FeedInput::Path(&path),
            &fetcher(),
            &sink,
            ImportOptions::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "feed is 104857600 bytes, over the 10 MiB limit"
        );
        assert!(got.lock().unwrap().is_empty());
        let missing = dir.path().join("missing.xml");
        let e = import_feed(
            FeedInput::Path(&missing),
            &fetcher(),
            &sink,
            ImportOptions::default(),
        )
        .await
        .unwrap_err();
        assert!(e.to_string().starts_with("cannot read "), "{e}");
    }
}
