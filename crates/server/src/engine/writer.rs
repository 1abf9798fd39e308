//! The writer thread: the only place revisions are stored and numbered.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use newsterm_store::{Write, Writer};
use newsterm_story::Story;
use newsterm_wire::Wire;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::handoff::Handoff;
use super::{IngestError, IngestRequest, WireItem};

/// Most writes the writer puts in one transaction.
const MAX_BATCH: usize = 2048;

/// Where a stored revision goes next.
pub(super) struct FanOut {
    pub wire: Wire<Arc<WireItem>>,
    pub indexer: Handoff,
    pub alerter: Handoff,
    /// Distinct stories stored, kept here so nobody has to count them.
    pub stories: Arc<AtomicU64>,
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
        match writer.append(writes, OffsetDateTime::now_utc()) {
            Ok(results) => {
                let mut results = results.into_iter().map(|r| match r {
                    Ok(story) => {
                        let story = Arc::new(story);
                        out.announce(&story);
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

impl FanOut {
    fn announce(&self, story: &Arc<Story>) {
        if story.revision == 1 {
            self.stories.fetch_add(1, Ordering::AcqRel);
        }
        self.wire
            .publish(story.seq, Arc::new(WireItem::of(story.clone())));
        self.indexer.send(story.clone());
        self.alerter.send(story.clone());
    }
}
