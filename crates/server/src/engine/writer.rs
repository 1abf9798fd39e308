//! The writer thread: the only place revisions are stored and numbered.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use newsterm_query::Document;
use newsterm_search::SearchIndex;
use newsterm_store::{Reader, StoreError, Write, Writer};
use newsterm_story::{Story, StoryId};
use newsterm_wire::Wire;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::events::{Events, Planned};
use super::handoff::Handoff;
use super::{IngestError, IngestRequest, WireItem};

/// Most writes the writer puts in one transaction.
const MAX_BATCH: usize = 2048;

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

/// Takes whatever requests have queued up, stores their writes in one
/// durable transaction, announces each stored revision in sequence
/// order, and only then answers the requests.
pub(super) fn run(mut writer: Writer, mut rx: mpsc::Receiver<IngestRequest>, out: &FanOut) {
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
        // Grouping comes before storing, so the event travels with the
        // story; what the store then refuses is taken back out.
        let mut to_store = Vec::with_capacity(writes.len());
        let mut settle = Vec::with_capacity(writes.len());
        let mut repeats: Vec<Option<StoryId>> = Vec::with_capacity(writes.len());
        for planned in out.events.plan(writes) {
            match planned {
                Planned::Store {
                    write,
                    new_story,
                    withdrawn,
                } => {
                    to_store.push(*write);
                    settle.push((new_story, withdrawn));
                    repeats.push(None);
                }
                Planned::Repeat(earlier) => repeats.push(Some(earlier)),
            }
        }
        match writer.append(to_store, OffsetDateTime::now_utc()) {
            Ok(results) => {
                let stored: Vec<bool> = results.iter().map(Result::is_ok).collect();
                out.events.settle(&settle, Some(&stored));
                let results: Vec<Result<Arc<Story>, IngestError>> = results
                    .into_iter()
                    .map(|r| r.map(Arc::new).map_err(IngestError::from))
                    .collect();
                let stored: Vec<&Arc<Story>> =
                    results.iter().filter_map(|r| r.as_ref().ok()).collect();
                for (story, doc) in stored.iter().zip(analyze(&stored)) {
                    out.announce(story, doc);
                }
                let mut results = results.into_iter();
                let mut answers = repeats.into_iter().map(|repeat| match repeat {
                    Some(earlier) => Err(IngestError::Repeat(earlier)),
                    None => results.next().unwrap_or_else(|| {
                        Err(IngestError::Store("the store gave no answer".into()))
                    }),
                });
                for (req, n) in requests.into_iter().zip(sizes) {
                    let mine: Vec<_> = answers.by_ref().take(n).collect();
                    let _ = req.reply.send(Ok(mine));
                }
            }
            Err(e) => {
                out.events.settle(&settle, None);
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

/// Each story analyzed for matching, on every core when there are many
/// (a bulk import): the staged search tier needs it before the ack.
fn analyze(stories: &[&Arc<Story>]) -> Vec<Arc<Document>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    if stories.len() < 64 || workers < 2 {
        return stories.iter().map(|s| Arc::new(Document::of(s))).collect();
    }
    let chunk = stories.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let parts: Vec<_> = stories
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|s| Arc::new(Document::of(s)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .zip(stories.chunks(chunk))
            .flat_map(|(handle, part)| {
                // Analysis does not panic on any story; should it, the
                // part is analyzed again here rather than left out.
                handle
                    .join()
                    .unwrap_or_else(|_| part.iter().map(|s| Arc::new(Document::of(s))).collect())
            })
            .collect()
    })
}

impl FanOut {
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
