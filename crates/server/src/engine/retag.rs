//! The retagger thread: after a tagger upgrade (a new [`newsterm_tag::VERSION`]),
//! tags again, in the background, every story whose latest revision an older
//! tagger tagged, stores the new tags and indexes them. Publishing goes on
//! meanwhile: the retagger has its own store connection, and new revisions
//! are tagged at publish by the new tagger anyway.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use newsterm_search::SearchIndex;
use newsterm_store::{Reader, StoreError, Writer};
use newsterm_story::Story;
use newsterm_tag::{KnownPeople, Tagger};

/// How many stories are read from the store at a time.
const PAGE: usize = 256;
/// How many retagged stories are indexed between index commits.
const COMMIT_EVERY: u64 = 500;

/// Where the retagging stands, readable from anywhere (for `/healthz`).
#[derive(Debug, Default)]
pub(crate) struct RetagProgress {
    /// Stories left to tag again.
    pending: AtomicU64,
    /// Set at shutdown: the retagger stops after the story at hand (the
    /// rest are retagged at the next start).
    stop: AtomicBool,
}

impl RetagProgress {
    pub(crate) fn new(pending: u64) -> RetagProgress {
        RetagProgress {
            pending: AtomicU64::new(pending),
            stop: AtomicBool::new(false),
        }
    }

    pub(crate) fn pending(&self) -> u64 {
        self.pending.load(Ordering::Acquire)
    }

    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// Tags again every story an older tagger tagged, in sequence order, until
/// done or asked to stop.
pub(crate) fn run(
    tagger: &Tagger,
    people: &KnownPeople,
    reader: &Reader,
    mut writer: Writer,
    index: &SearchIndex,
    progress: &RetagProgress,
) {
    super::background::lower_priority();
    let mut after = 0;
    let mut uncommitted = 0u64;
    let mut failures = 0u64;
    'walk: loop {
        let page = match reader.latest_after(after, PAGE) {
            Ok(page) => page,
            Err(e) => {
                tracing::error!(error = %e, "retagging stopped: cannot read the store");
                break;
            }
        };
        let Some(last) = page.last() else { break };
        after = last.seq;
        for story in page {
            if story.tags.version >= newsterm_tag::VERSION {
                continue;
            }
            if progress.stop.load(Ordering::Acquire) {
                break 'walk;
            }
            if let Err(e) = retag(tagger, people, reader, &mut writer, index, story) {
                tracing::error!(error = %e, "cannot store a story's new tags");
                failures += 1;
            }
            uncommitted += 1;
            if uncommitted >= COMMIT_EVERY {
                commit(index, progress, uncommitted);
                uncommitted = 0;
            }
        }
    }
    if uncommitted > 0 {
        commit(index, progress, uncommitted);
    }
    if !progress.stop.load(Ordering::Acquire) {
        // Stories revised during the walk were tagged at publish instead.
        progress.pending.store(0, Ordering::Release);
    }
    if failures > 0 {
        tracing::warn!(failures, "retagging done; some stories kept their old tags");
    }
}

fn retag(
    tagger: &Tagger,
    people: &KnownPeople,
    reader: &Reader,
    writer: &mut Writer,
    index: &SearchIndex,
    mut story: Story,
) -> Result<(), StoreError> {
    story.tags = tagger.tag_content_known(&story.content, people);
    // Updates the mentions only if this is still the latest revision,
    // checked inside the store's own transaction.
    writer.set_tags(&story)?;
    index_story(index, &story);
    // A revision stored since was (or will be) indexed by the indexer after
    // being stored; indexing it here too, after this one, keeps the index
    // on the latest revision whichever of the two came first.
    if let Some(latest) = reader.latest(story.id)?
        && latest.seq != story.seq
    {
        index_story(index, &latest);
    }
    Ok(())
}

fn index_story(index: &SearchIndex, story: &Story) {
    if let Err(e) = index.index_story(story) {
        tracing::error!(error = %e, seq = story.seq, "cannot index a retagged story");
    }
}

/// Commits what was indexed, recording the sequence of the last commit (the
/// indexer's own position is not ours to advance), and only then counts the
/// `stories` as done: what `/healthz` says is done is searchable.
fn commit(index: &SearchIndex, progress: &RetagProgress, stories: u64) {
    if let Err(e) = index.commit(index.indexed_seq()) {
        tracing::error!(error = %e, "index commit of retagged stories failed");
    }
    progress.pending.fetch_sub(stories, Ordering::AcqRel);
}
