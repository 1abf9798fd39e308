//! `newsterm reindex`: rebuilds the search index from the store, which is
//! the source of truth. Run with the server stopped (the index is locked
//! while a server holds it).

use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use newsterm_search::SearchIndex;
use newsterm_server::engine::{index_path, store_path};
use newsterm_store::Reader;

pub fn run(data: &Path) -> Result<()> {
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
            "{spinner} reindexing [{bar:30}] {pos}/{len} stories ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut failed = None;
    reader.for_each_latest(1000, |story| {
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
        "reindexed {} in {secs:.2}s ({:.0} stories/s); index holds wire seq ≤ {last_seq}",
        crate::commands::stories(total),
        total as f64 / secs.max(1e-9)
    );
    Ok(())
}
