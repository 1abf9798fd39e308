//! Offline maintenance of a data directory: rebuilding the search index
//! from the store (the source of truth), optionally tagging every story
//! again first after a tagger upgrade. Runs with no server on the data
//! directory: the index and the store's writer belong to one process at a
//! time, and the index's lock makes a running server's presence an error.

use std::time::{Duration, Instant};

use newsterm_search::SearchIndex;
use newsterm_store::{Reader, StoreError, Writer};

use crate::engine::DataDir;

/// What a reindex did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReindexReport {
    /// Stories indexed.
    pub stories: u64,
    /// The index now holds every revision up to this wire sequence.
    pub last_seq: u64,
    /// How long it took.
    pub elapsed: Duration,
}

/// Why a reindex stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReindexError {
    /// The data directory holds no store.
    #[error("no store at {}: nothing to index", .0.display())]
    NoStore(std::path::PathBuf),
    /// The index is locked, most likely by a running server.
    #[error("cannot open the search index (is a server running on this data directory?): {0}")]
    IndexBusy(#[source] newsterm_search::SearchError),
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index could not be written.
    #[error(transparent)]
    Search(#[from] newsterm_search::SearchError),
    /// The tagger's shipped data did not load (`--retag`).
    #[error("cannot load the tagger: {0}")]
    Tagger(#[from] newsterm_tag::TagError),
    /// One story could not be indexed.
    #[error("cannot index story {story} (seq {seq}): {source}")]
    Story {
        /// The story.
        story: newsterm_story::StoryId,
        /// Its wire sequence.
        seq: u64,
        /// What the index said.
        #[source]
        source: newsterm_search::SearchError,
    },
}

/// Rebuilds the index of `dir` from its store; with `retag`, tags every
/// story's latest revision again and stores the new tags first.
/// `progress(done, total)` is called after each story.
pub fn reindex(
    dir: &DataDir,
    retag: bool,
    mut progress: impl FnMut(u64, u64),
) -> Result<ReindexReport, ReindexError> {
    let store = dir.store();
    if !store.exists() {
        return Err(ReindexError::NoStore(store));
    }
    let reader = Reader::open(&store, 1)?;
    let total = reader.story_count()?;
    let last_seq = reader.last_seq()?;
    // An index another version built (another schema) is replaced: it
    // is about to be rebuilt whole anyway.
    let (index, _) =
        SearchIndex::open_or_recreate(&dir.index()).map_err(ReindexError::IndexBusy)?;
    let started = Instant::now();
    index.clear()?;
    let people = newsterm_tag::KnownPeople::default();
    let tagger = if retag {
        Some(newsterm_tag::Tagger::load()?)
    } else {
        None
    };
    // Opened after the index: a running server holds the index's lock, so
    // a second writer beside it never gets this far.
    let mut writer = if retag {
        Some(Writer::open(&store)?)
    } else {
        None
    };
    if retag {
        // The archive's full names first, so a story early in it that names
        // someone by surname alone is resolved like the later ones.
        reader.for_each_latest(1000, |story| {
            people.observe(&story.tags);
            Ok(())
        })?;
    }
    let mut failed = None;
    let mut done = 0;
    reader.for_each_latest(1000, |mut story| {
        if let (Some(tagger), Some(writer)) = (&tagger, writer.as_mut()) {
            story.tags = tagger.tag_content_known(&story.content, &people);
            writer.set_tags(&story)?;
        }
        if let Err(source) = index.index_story(&story)
            && failed.is_none()
        {
            failed = Some(ReindexError::Story {
                story: story.id,
                seq: story.seq,
                source,
            });
        }
        done += 1;
        progress(done, total);
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    index.commit(last_seq)?;
    Ok(ReindexReport {
        stories: total,
        last_seq,
        elapsed: started.elapsed(),
    })
}
