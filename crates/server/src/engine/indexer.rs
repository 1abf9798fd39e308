//! The indexer thread: the only writer of the search index.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use newsterm_search::SearchIndex;

use super::handoff::{Follower, Next};

/// The indexer commits once no story has come for this long.
const COMMIT_WHEN_QUIET: Duration = Duration::from_millis(500);
/// Longest a story waits before the indexer commits it while stories
/// keep coming. Every story is searchable from its ack on (the staged
/// tier), so a commit only moves stories from memory to disk: each one
/// costs fsyncs beside the publishers' and a segment for tantivy's merge
/// threads to fold in, and on two cores both lengthened the ack's tail
/// when a commit came every half second. Longer would grow the staged
/// tier every search also reads.
const COMMIT_EVERY: Duration = Duration::from_secs(2);
/// Most stories the indexer takes before committing regardless. Each
/// commit drops what it holds from the staged tier, where a bulk import
/// waits for room (see the writer's `BULK_STAGED`, half the tier): a
/// quarter of the tier keeps the import going while the indexer works
/// on the next quarter, and is also all a crash can leave unindexed of
/// what the indexer took, which a restart stages again (half the tier).
const MAX_PENDING: usize = newsterm_search::MAX_STAGED / 4;

/// Indexes every revision the follower yields (first whatever the last
/// commit lacks, read from the store), committing after
/// [`COMMIT_WHEN_QUIET`] without a story, every [`COMMIT_EVERY`] or
/// [`MAX_PENDING`] stories, and once more when the writer stops.
pub(super) fn run(index: &SearchIndex, indexed_seq: &AtomicU64, mut from_writer: Follower) {
    super::background::lower_priority();
    let mut pending = 0usize;
    let mut oldest_pending: Option<Instant> = None;
    loop {
        let timeout = oldest_pending
            .map(|t| COMMIT_WHEN_QUIET.min(COMMIT_EVERY.saturating_sub(t.elapsed())))
            .unwrap_or(Duration::from_secs(3600));
        match from_writer.next(timeout) {
            Next::Story(story) => {
                if let Err(e) = index.index_story(&story) {
                    tracing::error!(error = %e, seq = story.seq, "cannot index story");
                }
                pending += 1;
                let first = *oldest_pending.get_or_insert_with(Instant::now);
                // Counted in what this thread took, never in the staged
                // tier's length: the tier also holds what the writer
                // stored ahead of the indexer, which no commit can drop,
                // so an indexer behind by a quarter of the tier committed
                // after every story (a commit costs fsyncs and a segment)
                // and fell further behind: restarted on 8,000 unindexed
                // stories, it went at about one story a second.
                if pending >= MAX_PENDING || first.elapsed() >= COMMIT_EVERY {
                    commit(index, from_writer.done(), indexed_seq);
                    pending = 0;
                    oldest_pending = None;
                }
            }
            Next::Idle => {
                if pending > 0 {
                    commit(index, from_writer.done(), indexed_seq);
                    pending = 0;
                }
                oldest_pending = None;
            }
            Next::Closed => {
                if pending > 0 {
                    commit(index, from_writer.done(), indexed_seq);
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
