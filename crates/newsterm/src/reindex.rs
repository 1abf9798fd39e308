//! `newsterm reindex`: rebuilds the search index from the store with a
//! progress bar (the work is `newsterm_server::reindex`).

use std::path::Path;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use newsterm_server::DataDir;

pub fn run(data: &Path, retag: bool) -> Result<()> {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} stories ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(if retag {
        "re-tagging and reindexing"
    } else {
        "reindexing"
    });
    let report = newsterm_server::reindex(&DataDir::new(data), retag, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    let secs = report.elapsed.as_secs_f64();
    println!(
        "{} {} in {secs:.2}s ({:.0} stories/s); index holds wire seq ≤ {}",
        if retag {
            "re-tagged and reindexed"
        } else {
            "reindexed"
        },
        crate::commands::stories(report.stories),
        report.stories as f64 / secs.max(1e-9),
        report.last_seq
    );
    Ok(())
}
