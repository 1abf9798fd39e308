//! `newsterm reindex`: rebuilds the search index from the store, which is
//! the source of truth, optionally tagging every story again first (after
//! a tagger upgrade). Run with the server stopped: the index and the
//! store's writer belong to one process at a time.

use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use newsterm_search::SearchIndex;
use newsterm_server::engine::{index_path, store_path};
use newsterm_store::{Reader, Writer};

pub fn run(data: &Path, retag: bool) -> Result<()> {
    let store = store_path(data);
    if !store.exists() {
        anyhow::bail!("no store at {}: nothing to index", store.display());
    }
    let reader = Reader::open(&store, 1)?;
    let total = reader.story_count()?;
    let last_seq = reader.last_seq()?;
    let index = SearchIndex::open(&index_path(data))
        .context("cannot open the search index (is a server running on this data directory?)")?;
    let started = std::time::Instant::now();
    index.clear()?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} stories ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let tagger = if retag {
        Some(newsterm_tag::Tagger::load()?)
    } else {
        None
    };
    // A second writer beside a running server would race it; the index
    // was opened first, and a running server holds its lock, so that
    // case already failed above.
    let mut writer = if retag {
        Some(Writer::open(&store)?)
    } else {
        None
    };
    bar.set_message(if retag {
        "re-tagging and reindexing"
    } else {
        "reindexing"
    });
    let mut failed = None;
    reader.for_each_latest(1000, |mut story| {
        if let (Some(tagger), Some(writer)) = (&tagger, writer.as_mut()) {
            story.tags = newsterm_server::engine::tag_content(tagger, &story.content);
            writer.set_tags(&story)?;
        }
        if let Err(e) = index.index_story(&story) {
            failed = Some(format!("story {} (seq {}): {e}", story.id, story.seq));
        }
        bar.inc(1);
        Ok(())
    })?;
    if let Some(f) = failed {
        anyhow::bail!("cannot index {f}");
    }
    index.commit(last_seq)?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} {} in {secs:.2}s ({:.0} stories/s); index holds wire seq ≤ {last_seq}",
        if retag {
            "re-tagged and reindexed"
        } else {
            "reindexed"
        },
        crate::commands::stories(total),
        total as f64 / secs.max(1e-9)
    );
    Ok(())
}
