//! The writer thread: the only place revisions are stored. Alone it
//! numbers them ([`run`]); in a cluster it places each entry of the
//! replicated log at the log's number ([`run_replica`]).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use newsterm_query::Document;
use newsterm_search::SearchIndex;
use newsterm_store::{Placed, Placement, Reader, StoreError, Write, Writer};
use newsterm_story::{Story, StoryId};
use newsterm_wire::Wire;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use super::applied::{Applied, Outcome};
use super::background::map_on_cores;
use super::events::{Events, Planned};
use super::handoff::Handoff;
use super::log::LogEntry;
use super::{IngestError, IngestRequest, IngestResult, LogRecord, WireItem};

/// How often the writer forgets idempotency keys past their retention.
const FORGET_KEYS_EVERY: Duration = Duration::from_secs(600);
/// Tries at placing one batch of log entries before this node gives up
/// on following the log (a full disk, a broken store).
const PLACE_ATTEMPTS: u32 = 30;

/// Most writes the writer puts in one transaction.
const MAX_BATCH: usize = 2048;
/// Requests of at most this many writes (publishes, revisions) that
/// queued beside larger ones (imports) are stored before them, in their
/// own transaction.
const SMALL_REQUEST: usize = 8;

/// Where a stored revision goes next.
pub(super) struct FanOut {
    /// Stored revisions are staged here before they are acknowledged, so
    /// a search that starts after the ack finds them.
    pub index: Arc<SearchIndex>,
    pub wire: Wire<Arc<WireItem>>,
    pub indexer: Handoff,
    pub alerter: Handoff,
    /// Distinct stories stored, kept here so nobody has to count them.
    pub stories: Arc<AtomicU64>,
    /// Places each story in its event before it is stored.
    pub events: Arc<Events>,
}

/// Takes whatever requests have queued up and stores the small ones
/// (publishes, revisions) together in one durable transaction; a large
/// one (a bulk import) is stored a slice at a time, each slice in its own
/// transaction, with whatever small requests came meanwhile stored before
/// the next slice. Each stored revision is announced in sequence order,
/// and only then is its request answered (an import once all its slices
/// are stored).
pub(super) fn run(mut writer: Writer, mut rx: mpsc::Receiver<IngestRequest>, out: &FanOut) {
    let mut forgot = Instant::now();
    // Waiting for a request or for room in the search tier, whichever
    // comes first, needs a timer; without one (it could not be made), the
    // writer sleeps between looks, and a publish waits out the sleep.
    let timer = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .inspect_err(
            |e| tracing::warn!(error = %e, "writer has no timer; imports may delay publishes"),
        )
        .ok();
    let mut bulk: VecDeque<Bulk> = VecDeque::new();
    let mut room = Room::default();
    let mut slices = Slices::default();
    let mut open = true;
    while open || !bulk.is_empty() {
        let has_bulk = !bulk.is_empty();
        let slice_now = has_bulk && room.for_slice(out);
        let mut small = Vec::new();
        let mut small_writes = 0;
        let mut take = |r: IngestRequest| {
            if r.writes.len() <= SMALL_REQUEST {
                small_writes += r.writes.len();
                small.push(r);
            } else {
                bulk.push_back(Bulk::of(r));
            }
            small_writes
        };
        let mut taken = 0;
        if open && !slice_now {
            // With an import short of room, look again for room soon;
            // a publish arriving meanwhile is taken at once.
            let wait = has_bulk.then_some(ROOM_POLL);
            match receive(&mut rx, timer.as_ref(), wait) {
                Received::Request(r) => taken = take(r),
                Received::Waited => {}
                Received::Closed => open = false,
            }
        }
        while open && taken < MAX_BATCH {
            match rx.try_recv() {
                Ok(r) => taken = take(r),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => open = false,
            }
        }
        // A publish waiting beside a bulk import is stored first, in a
        // transaction of its own: its ack waits for one slice of the
        // import at most, never for the whole of it.
        if !small.is_empty() {
            slices.publishing(Instant::now());
            store_requests(&mut writer, small, out, &mut forgot);
        }
        let ready = !open || room.for_slice(out);
        if ready && let Some(front) = bulk.pop_front() {
            let started = Instant::now();
            let size = slices.size(started);
            let (rest, stored) = store_slice(&mut writer, front, size, out, &mut forgot);
            slices.took(started.elapsed(), stored);
            if let Some(rest) = rest {
                bulk.push_front(rest);
            }
        }
    }
    tracing::debug!("writer stopped");
}

/// About how long one slice of a bulk import takes to store: what a
/// publish that arrives meanwhile may have to wait for. Each slice costs a
/// transaction and its fsync, so an import alone is stored in long slices
/// and, while publishes keep arriving, in short ones ([`Slices`]).
const SLICE_TIME: Duration = Duration::from_millis(10);
/// A slice's length while publishes are arriving. A publisher that sends
/// its next story when the last is acknowledged arrives while the slice
/// that began after its own transaction runs, so it waits for most of a
/// slice, not half of one.
const LIVE_SLICE_TIME: Duration = Duration::from_millis(2);
/// How long after a publish the import's slices stay short.
const LIVE_FOR: Duration = Duration::from_secs(1);
const MIN_SLICE: usize = 16;
const MIN_LIVE_SLICE: usize = 2;
const MAX_SLICE: usize = 512;
/// Stories a bulk import may leave staged in the search tier: the rest of
/// [`newsterm_search::MAX_STAGED`] is kept for publishes, which are staged
/// whatever the tier holds (staging never waits).
const BULK_STAGED: usize = newsterm_search::MAX_STAGED / 2;
/// How often an import short of room in the search tier looks again.
const ROOM_POLL: Duration = Duration::from_millis(5);
/// How long an import short of room waits for the indexer to commit
/// anything before it is stored anyway: the indexer has stopped (a
/// failing disk), and staging goes on unbounded rather than hold the
/// import forever. An indexer that commits, however slowly, keeps the
/// import waiting: counted from the start of the wait instead, a starved
/// indexer let the import past the limit, the tier overflowed and every
/// write then waited on it.
const INDEXER_STOPPED: Duration = Duration::from_secs(30);

/// Whether the search tier has room for a slice of an import, and since
/// when the indexer has committed nothing while it has not.
#[derive(Default)]
struct Room {
    /// When the tier was first seen short of room with the index at
    /// this commit.
    short_since: Option<(Instant, u64)>,
}

impl Room {
    fn for_slice(&mut self, out: &FanOut) -> bool {
        self.for_writes(out, MAX_SLICE, BULK_STAGED)
    }

    /// Whether `writes` more fit under `limit` staged changes, or the
    /// indexer has stopped.
    fn for_writes(&mut self, out: &FanOut, writes: usize, limit: usize) -> bool {
        if out.index.staged_len() + writes <= limit {
            self.short_since = None;
            return true;
        }
        let committed = out.index.indexed_seq();
        match self.short_since {
            Some((since, seen)) if seen == committed => since.elapsed() >= INDEXER_STOPPED,
            _ => {
                self.short_since = Some((Instant::now(), committed));
                false
            }
        }
    }
}

enum Received {
    Request(IngestRequest),
    /// Nothing came within the wait.
    Waited,
    /// Every sender is gone: the engine is stopping.
    Closed,
}

/// The next request, waiting at most `wait` when given.
fn receive(
    rx: &mut mpsc::Receiver<IngestRequest>,
    timer: Option<&tokio::runtime::Runtime>,
    wait: Option<Duration>,
) -> Received {
    let got = match (timer, wait) {
        // The timeout is made inside `block_on`: made on this thread, which
        // is no runtime's, its timer panicked ("no reactor running") the
        // first time an import waited for room, and took the writer down.
        (Some(timer), Some(wait)) => {
            match timer.block_on(async { tokio::time::timeout(wait, rx.recv()).await }) {
                Ok(got) => got,
                Err(_) => return Received::Waited,
            }
        }
        (None, Some(wait)) => match rx.try_recv() {
            Ok(got) => Some(got),
            Err(mpsc::error::TryRecvError::Empty) => {
                std::thread::sleep(wait);
                return Received::Waited;
            }
            Err(mpsc::error::TryRecvError::Disconnected) => None,
        },
        (_, None) => rx.blocking_recv(),
    };
    got.map_or(Received::Closed, Received::Request)
}

/// A bulk import being stored a slice at a time: the writes still to
/// store and the answers of those stored.
struct Bulk {
    writes: std::vec::IntoIter<Placed>,
    answers: Vec<Result<Arc<Story>, IngestError>>,
    reply: oneshot::Sender<IngestResult>,
    queued: Instant,
}

impl Bulk {
    fn of(request: IngestRequest) -> Bulk {
        Bulk {
            answers: Vec::with_capacity(request.writes.len()),
            writes: request.writes.into_iter(),
            reply: request.reply,
            queued: request.queued,
        }
    }
}

/// Stores the next slice of `bulk`; gives it back while writes remain,
/// and answers it once none do. A slice the store refuses ends the
/// import there: with an error for the whole request when nothing of it
/// was stored yet, else that error for each write not stored, beside the
/// answers of the slices stored before.
/// Also returns how many writes the slice held.
fn store_slice(
    writer: &mut Writer,
    mut bulk: Bulk,
    size: usize,
    out: &FanOut,
    forgot: &mut Instant,
) -> (Option<Bulk>, usize) {
    let slice: Vec<Placed> = bulk.writes.by_ref().take(size).collect();
    let n = slice.len();
    let waited = if bulk.answers.is_empty() {
        bulk.queued.elapsed()
    } else {
        Duration::ZERO
    };
    match store_writes(writer, slice, waited, out, forgot) {
        Ok(answers) => bulk.answers.extend(answers),
        Err(e) if bulk.answers.is_empty() => {
            let _ = bulk.reply.send(Err(e));
            return (None, n);
        }
        Err(e) => {
            let refused = n + bulk.writes.len();
            bulk.answers.extend(std::iter::repeat_n(Err(e), refused));
            let _ = bulk.reply.send(Ok(bulk.answers));
            return (None, n);
        }
    }
    if bulk.writes.len() > 0 {
        return (Some(bulk), n);
    }
    let _ = bulk.reply.send(Ok(bulk.answers));
    (None, n)
}

/// How many writes the next slice of an import holds: about
/// [`SLICE_TIME`] of work at what the last slice took a write, or
/// [`LIVE_SLICE_TIME`] while publishes are arriving beside the import.
#[derive(Debug, Default)]
struct Slices {
    /// What a write of the last slice took; none before the first.
    per_write: Option<Duration>,
    /// When the last publish (a small request) was stored.
    published: Option<Instant>,
}

impl Slices {
    fn publishing(&mut self, now: Instant) {
        self.published = Some(now);
    }

    fn took(&mut self, took: Duration, writes: usize) {
        self.per_write = Some(took / writes.max(1) as u32);
    }

    fn size(&self, now: Instant) -> usize {
        let live = self
            .published
            .is_some_and(|at| now.saturating_duration_since(at) < LIVE_FOR);
        let (time, min) = if live {
            (LIVE_SLICE_TIME, MIN_LIVE_SLICE)
        } else {
            (SLICE_TIME, MIN_SLICE)
        };
        let Some(per_write) = self.per_write else {
            return min;
        };
        if per_write.is_zero() {
            return MAX_SLICE;
        }
        let fits = (time.as_secs_f64() / per_write.as_secs_f64()) as usize;
        fits.clamp(min, MAX_SLICE)
    }
}

/// Stores the writes of `requests` in one durable transaction, announces
/// each stored revision in sequence order, and only then answers them.
fn store_requests(
    writer: &mut Writer,
    mut requests: Vec<IngestRequest>,
    out: &FanOut,
    forgot: &mut Instant,
) {
    let now = Instant::now();
    let waited = requests
        .iter()
        .map(|r| now.saturating_duration_since(r.queued))
        .max()
        .unwrap_or_default();
    let sizes: Vec<usize> = requests.iter().map(|r| r.writes.len()).collect();
    let writes: Vec<Placed> = requests
        .iter_mut()
        .flat_map(|r| std::mem::take(&mut r.writes))
        .collect();
    match store_writes(writer, writes, waited, out, forgot) {
        Ok(answers) => {
            let mut answers = answers.into_iter();
            for (req, n) in requests.into_iter().zip(sizes) {
                let mine: Vec<_> = answers.by_ref().take(n).collect();
                let _ = req.reply.send(Ok(mine));
            }
        }
        Err(e) => {
            for req in requests {
                let _ = req.reply.send(Err(e.clone()));
            }
        }
    }
}

/// Stores `writes` in one durable transaction and announces each stored
/// revision in sequence order; the answer for each write, or one error
/// when nothing was stored. `waited` is how long its oldest request
/// waited for the writer (reported with the batch's timings).
fn store_writes(
    writer: &mut Writer,
    writes: Vec<Placed>,
    waited: Duration,
    out: &FanOut,
    forgot: &mut Instant,
) -> IngestResult {
    let started = Instant::now();
    let count = writes.len();
    let now = OffsetDateTime::now_utc();
    forget_keys(writer, forgot);
    // Grouping comes before storing, so the event travels with the
    // story; what the store then refuses (or finds it already has,
    // by the publisher's idempotency key) is taken back out.
    let mut to_store = Vec::with_capacity(writes.len());
    let mut settle = Vec::with_capacity(writes.len());
    let mut repeats: Vec<Option<StoryId>> = Vec::with_capacity(writes.len());
    let (keys, writes): (Vec<_>, Vec<_>) = writes.into_iter().map(|p| (p.key, p.write)).unzip();
    for (planned, key) in out.events.plan(writes).into_iter().zip(keys) {
        match planned {
            Planned::Store {
                write,
                new_story,
                withdrawn,
                exact: _,
            } => {
                to_store.push(Placed {
                    key,
                    ..Placed::next(*write, now)
                });
                settle.push((new_story, withdrawn));
                repeats.push(None);
            }
            Planned::Repeat(earlier) => repeats.push(Some(earlier)),
        }
    }
    // The stories' analysis for search does not wait for the store:
    // it runs beside the transaction and its fsync.
    let planned = started.elapsed();
    let (placed, docs, transaction) = place_beside_analysis(writer, to_store);
    let stored_in = started.elapsed();
    // Where a publish's time goes beside other work: the wait for the
    // writer, grouping, the transaction, then staging and fan-out.
    let _timing = BatchTiming {
        writes: count,
        waited,
        planned,
        transaction,
        stored_in,
        started,
    };
    match placed {
        Ok(results) => {
            let stored: Vec<bool> = results
                .iter()
                .map(|r| matches!(r, Ok(Placement::Stored(_))))
                .collect();
            out.events.settle(&settle, Some(&stored));
            let mut results = out.settle_all(results, docs).into_iter();
            Ok(repeats
                .into_iter()
                .map(|repeat| match repeat {
                    Some(earlier) => Err(IngestError::Repeat(earlier)),
                    None => results.next().unwrap_or_else(|| {
                        Err(IngestError::Store("the store gave no answer".into()))
                    }),
                })
                .collect())
        }
        Err(e) => {
            out.events.settle(&settle, None);
            tracing::error!(error = %e, "store write failed; nothing stored");
            Err(IngestError::from(e))
        }
    }
}

/// Reports one batch's timings at debug level when dropped, after its
/// requests were answered.
struct BatchTiming {
    writes: usize,
    waited: Duration,
    planned: Duration,
    /// The store's transaction alone, within `stored_in`.
    transaction: Duration,
    stored_in: Duration,
    started: Instant,
}

impl Drop for BatchTiming {
    fn drop(&mut self) {
        tracing::debug!(
            writes = self.writes,
            waited_us = self.waited.as_micros() as u64,
            plan_us = self.planned.as_micros() as u64,
            store_us = (self.stored_in - self.planned).as_micros() as u64,
            transaction_us = self.transaction.as_micros() as u64,
            settle_us = (self.started.elapsed() - self.stored_in).as_micros() as u64,
            "batch stored"
        );
    }
}

/// Places each entry the replicated log delivers at the log's sequence,
/// in batches of whatever has arrived, announces what was stored, and
/// records every outcome for the publishers waiting on it. An entry
/// already placed (a redelivery) is skipped; a missing one (the log no
/// longer holds it) stops this node applying, loudly, rather than leave
/// a hole only this node has.
pub(super) fn run_replica(
    mut writer: Writer,
    mut rx: mpsc::Receiver<LogRecord>,
    out: &FanOut,
    applied: &Applied,
) {
    let mut forgot = Instant::now();
    let mut room = Room::default();
    let mut stalled = false;
    while let Some(first) = rx.blocking_recv() {
        let mut records = vec![first];
        while records.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(r) => records.push(r),
                Err(_) => break,
            }
        }
        if stalled {
            continue;
        }
        let mut next = writer.log_seq() + 1;
        let mut batch = Vec::with_capacity(records.len());
        for record in records {
            if record.seq < next {
                continue;
            }
            if record.seq > next {
                applied.stall(format!(
                    "the wire stream no longer holds entries {next} to {}: this node is further behind than the stream's retention; restart it to reload its store from a snapshot",
                    record.seq - 1
                ));
                stalled = true;
                break;
            }
            match LogEntry::decode(record.seq, &record.payload) {
                Ok(placed) => batch.push(placed),
                Err(e) => {
                    applied.stall(format!("cannot read wire entry {}: {e}", record.seq));
                    stalled = true;
                    break;
                }
            }
            next += 1;
        }
        if batch.is_empty() {
            continue;
        }
        // A node catching up with the log applies faster than its indexer
        // commits: it waits for room as an import does, or the staged
        // tier (which staging no longer bounds) grows with the backlog.
        while !room.for_writes(out, batch.len(), newsterm_search::MAX_STAGED) {
            std::thread::sleep(ROOM_POLL);
        }
        forget_keys(&mut writer, &mut forgot);
        let seqs: Vec<u64> = batch.iter().filter_map(|p| p.seq).collect();
        let mut attempt = 1;
        let results = loop {
            match writer.place(batch.clone()) {
                Ok(results) => break Some(results),
                Err(e) if attempt < PLACE_ATTEMPTS => {
                    tracing::error!(error = %e, attempt, "cannot store wire entries; retrying");
                    attempt += 1;
                    std::thread::sleep(Duration::from_secs(1));
                }
                Err(e) => {
                    applied.stall(format!(
                        "cannot store wire entries from {}: {e}; fix the store and restart this node",
                        seqs[0]
                    ));
                    break None;
                }
            }
        };
        let Some(results) = results else {
            stalled = true;
            continue;
        };
        // Each node takes the event and near-duplicate link the entry
        // carries, decided once by the node that took the publish.
        out.events.take_in(results.iter().filter_map(|r| match r {
            Ok(Placement::Stored(story)) => Some(story),
            _ => None,
        }));
        let outcomes: Vec<(u64, Outcome)> = seqs
            .into_iter()
            .zip(out.settle_all(results, Vec::new()))
            .collect();
        applied.record(outcomes, writer.log_seq());
    }
    tracing::debug!("writer stopped");
}

fn forget_keys(writer: &mut Writer, last: &mut Instant) {
    if last.elapsed() < FORGET_KEYS_EVERY {
        return;
    }
    *last = Instant::now();
    if let Err(e) = writer.forget_keys(OffsetDateTime::now_utc()) {
        tracing::warn!(error = %e, "cannot forget old idempotency keys");
    }
}

/// Stages again what the store holds past the index's last commit — the
/// revisions a crash left acknowledged but unindexed — so that after a
/// restart they are searchable from the first request, as they were
/// before it. Call before the writer starts (staging goes in wire order).
///
/// A gap of more than half the staged tier is an index being rebuilt
/// (recreated, or far behind): that is left to the indexer alone, so the
/// tier keeps room for new publishes. Returns how many were staged.
pub(super) fn restage(
    index: &SearchIndex,
    reader: &Reader,
    last_seq: u64,
) -> Result<usize, StoreError> {
    let from = index.indexed_seq();
    let gap = last_seq.saturating_sub(from);
    if gap == 0 || gap > (newsterm_search::MAX_STAGED / 2) as u64 {
        return Ok(0);
    }
    let stories: Vec<Arc<Story>> = reader
        .since(from, gap as usize)?
        .into_iter()
        .map(Arc::new)
        .collect();
    let refs: Vec<&Arc<Story>> = stories.iter().collect();
    for (story, doc) in stories.iter().zip(analyze(&refs)) {
        index.stage(story.clone(), doc);
    }
    Ok(stories.len())
}

/// What the store answers a batch: each write's outcome, or an error
/// for the whole transaction.
type StoreAnswer = Result<Vec<Result<Placement, StoreError>>, StoreError>;
/// A story as a write was expected to store it, and its analysis.
type Analyzed = (Arc<Story>, Arc<Document>);
/// A stored revision, whether this batch stored it (not a repeat), and
/// its analysis when it was made beside the transaction.
type Settled = (Arc<Story>, bool, Option<Arc<Document>>);

/// Each story analyzed for matching, on every core when there are many
/// (a bulk import): the staged search tier needs it before the ack.
fn analyze(stories: &[&Arc<Story>]) -> Vec<Arc<Document>> {
    map_on_cores(stories, 64, |s| Arc::new(Document::of(s)))
}

/// Stores `to_store` on this thread while another analyzes the stories
/// the writes will store (their text, tags, id and event are known
/// before the transaction), so the analysis costs the ack nothing while
/// the transaction and its fsync run. The analyses come back one per
/// write, `None` for a withdrawal (its text is read in the transaction),
/// and how long the transaction took.
fn place_beside_analysis(
    writer: &mut Writer,
    to_store: Vec<Placed>,
) -> (StoreAnswer, Vec<Option<Analyzed>>, Duration) {
    let expected: Vec<Option<Arc<Story>>> = to_store.iter().map(expected_story).collect();
    let (reply, answer) = std::sync::mpsc::channel();
    let sent = ANALYST.with(|analyst| {
        analyst
            .as_ref()
            .is_some_and(|a| a.jobs.send((expected, reply)).is_ok())
    });
    let started = Instant::now();
    let placed = writer.place(to_store);
    let transaction = started.elapsed();
    // Without an analyst (it could not start, or a story made it panic),
    // the stories are analyzed after the store answered, as they were
    // before analyses ran beside it.
    let docs = if sent {
        answer.recv().unwrap_or_default()
    } else {
        Vec::new()
    };
    (placed, docs, transaction)
}

/// One batch's stories for the analyst, and where its analyses go.
type AnalysisJob = (
    Vec<Option<Arc<Story>>>,
    std::sync::mpsc::Sender<Vec<Option<Analyzed>>>,
);

/// A thread that analyzes each batch's stories while the writer stores
/// them, one for the writer thread's whole life: a thread spawned for
/// each batch cost every publish a thread's creation and teardown (its
/// stack mapped and unmapped), ~0.1 ms of a single publish's 2.6 ms
/// (BENCHMARKS.md).
struct Analyst {
    jobs: std::sync::mpsc::Sender<AnalysisJob>,
}

impl Analyst {
    fn start() -> Option<Analyst> {
        let (jobs, queue) = std::sync::mpsc::channel::<AnalysisJob>();
        std::thread::Builder::new()
            .name("newsterm-analyst".into())
            .spawn(move || {
                // Ends when the writer thread, and with it the sender, ends.
                for (expected, reply) in queue {
                    let _ = reply.send(analyze_expected(&expected));
                }
            })
            .inspect_err(|e| tracing::warn!(error = %e, "no analyst thread; stories are analyzed after they are stored"))
            .ok()?;
        Some(Analyst { jobs })
    }
}

thread_local! {
    /// The writer thread's analyst, started at its first batch.
    static ANALYST: Option<Analyst> = Analyst::start();
}

/// Each expected story with its analysis, `None` where none is expected.
fn analyze_expected(expected: &[Option<Arc<Story>>]) -> Vec<Option<Analyzed>> {
    let stories: Vec<&Arc<Story>> = expected.iter().flatten().collect();
    let mut docs = analyze(&stories).into_iter();
    expected
        .iter()
        .map(|s| {
            let s = s.as_ref()?;
            Some((s.clone(), docs.next()?))
        })
        .collect()
}

/// The story a write will store, as far as its analysis depends on it:
/// text, tags, id and event (see `newsterm_query::story_values`).
fn expected_story(placed: &Placed) -> Option<Arc<Story>> {
    let Write::Revision(rev) = &placed.write else {
        return None;
    };
    let id = match placed.id {
        Some(id) if rev.first => id,
        _ => rev.id,
    };
    Some(Arc::new(Story {
        id,
        revision: 0,
        seq: 0,
        content: rev.content.clone(),
        tags: rev.tags.clone(),
        received: placed.received,
        mark: newsterm_story::RevisionMark {
            event: rev.mark.event,
            ..Default::default()
        },
    }))
}

/// Whether an analysis of `expected` holds for `stored`: the fields
/// analysis reads are the same.
fn same_analysis(expected: &Story, stored: &Story) -> bool {
    expected.id == stored.id
        && expected.mark.event == stored.mark.event
        && expected.content == stored.content
        && expected.tags == stored.tags
}

impl FanOut {
    /// Announces the revisions stored now (a repeat was announced when it
    /// was first stored), staged for search with their analysis, and
    /// gives the writer's answer for each.
    ///
    /// `docs` holds, per result, an analysis made while the store worked
    /// (see [`place_beside_analysis`]); one missing, or made for other
    /// fields than were stored, is made again here.
    fn settle_all(
        &self,
        results: Vec<Result<Placement, StoreError>>,
        docs: Vec<Option<Analyzed>>,
    ) -> Vec<Result<Arc<Story>, IngestError>> {
        let mut docs = docs.into_iter();
        let settled: Vec<Result<Settled, IngestError>> = results
            .into_iter()
            .map(|r| {
                let made = docs.next().flatten();
                match r {
                    Ok(Placement::Stored(story)) => {
                        let doc = made
                            .filter(|(expected, _)| same_analysis(expected, &story))
                            .map(|(_, doc)| doc);
                        Ok((Arc::new(story), true, doc))
                    }
                    Ok(Placement::Repeat(story)) => Ok((Arc::new(story), false, None)),
                    Err(e) => Err(IngestError::from(e)),
                }
            })
            .collect();
        let stored: Vec<(&Arc<Story>, &Option<Arc<Document>>)> = settled
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|(_, new, _)| *new)
            .map(|(s, _, doc)| (s, doc))
            .collect();
        let missing: Vec<&Arc<Story>> = stored
            .iter()
            .filter(|(_, doc)| doc.is_none())
            .map(|(s, _)| *s)
            .collect();
        let mut made_now = analyze(&missing).into_iter();
        for (story, doc) in stored {
            let doc = match doc {
                Some(doc) => Some(doc.clone()),
                None => made_now.next(),
            };
            if let Some(doc) = doc {
                self.announce(story, doc);
            }
        }
        settled.into_iter().map(|r| r.map(|(s, _, _)| s)).collect()
    }

    fn announce(&self, story: &Arc<Story>, doc: Arc<Document>) {
        self.index.stage(story.clone(), doc);
        if story.revision == 1 {
            self.stories.fetch_add(1, Ordering::AcqRel);
        }
        self.wire
            .publish(story.seq, Arc::new(WireItem::of(story.clone())));
        self.indexer.send(story.clone());
        self.alerter.send(story.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_is_stored_in_short_slices_while_publishes_arrive() {
        let start = Instant::now();
        let mut slices = Slices::default();
        assert_eq!(slices.size(start), MIN_SLICE, "no measure yet");
        // 100 writes took 50 ms: half a millisecond a write.
        slices.took(Duration::from_millis(50), 100);
        let alone = slices.size(start);
        assert_eq!(alone, 20, "10 ms of writes");
        slices.publishing(start);
        let beside = slices.size(start + Duration::from_millis(10));
        assert_eq!(beside, 4, "2 ms of writes while publishes arrive");
        assert_eq!(
            slices.size(start + LIVE_FOR + Duration::from_millis(1)),
            alone,
            "long slices again once publishes stop"
        );
        // Slow writes never make a slice empty, fast ones never unbounded.
        slices.took(Duration::from_secs(1), 1);
        assert_eq!(slices.size(start), MIN_LIVE_SLICE);
        slices.took(Duration::ZERO, 10);
        assert_eq!(slices.size(start), MAX_SLICE);
    }

    #[test]
    fn an_import_waiting_for_room_on_the_writer_thread_waits_and_goes_on() {
        // The writer is a plain thread, outside every runtime, as here.
        let timer = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a timer");
        let (tx, mut rx) = mpsc::channel::<IngestRequest>(1);
        let got = receive(&mut rx, Some(&timer), Some(Duration::from_millis(1)));
        assert!(matches!(got, Received::Waited));
        drop(tx);
        let got = receive(&mut rx, Some(&timer), Some(Duration::from_millis(1)));
        assert!(matches!(got, Received::Closed));
    }
}
