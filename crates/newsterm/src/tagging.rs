//! `newsterm tag` and `newsterm eval-tags`: the tagger on its own, for
//! scripts and for measuring it against gold data.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use newsterm_tag::{Tagger, eval};

/// Reads `{"id","text"}` lines on stdin and writes one line of tags per
/// line on stdout; a bad line gets `{"line":N,"error":…}` and the rest
/// carry on.
pub fn tag_stdin() -> Result<()> {
    let tagger = Tagger::load()?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let summary = newsterm_tag::tag_jsonl(
        &tagger,
        stdin.lock(),
        std::io::BufWriter::new(stdout.lock()),
    )
    .context("cannot write tags")?;
    eprintln!(
        "tagged {} of {} lines ({} with errors), {:.0} words/s",
        summary.tagged,
        summary.lines,
        summary.errors,
        summary.words as f64 / summary.seconds.max(1e-9)
    );
    Ok(())
}

pub fn eval(gold: &Path, json: bool) -> Result<()> {
    let started = Instant::now();
    let tagger = Tagger::load()?;
    let load = started.elapsed();
    let file =
        std::fs::File::open(gold).with_context(|| format!("cannot open {}", gold.display()))?;
    let docs = eval::read_gold(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not gold JSON lines", gold.display()))?;
    if docs.is_empty() {
        bail!("{} holds no documents", gold.display());
    }
    let report = eval::evaluate(&tagger, &docs);
    if json {
        println!("{}", report.to_json("newsterm-tag"));
    } else {
        println!("{}\n{report}\ntagger loaded in {load:.2?}", gold.display());
    }
    Ok(())
}
