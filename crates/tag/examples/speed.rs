//! Tagging speed on the 377 bundled Wikinews articles, tagged as a bulk import
//! tags them: each line read by the import's JSON-lines reader, its content
//! tagged with one shared [`KnownPeople`] (`Tagger::tag_content_known`).
//!
//! cargo run --release -p newsterm-tag --example speed -- [--passes N]
//!
//! Prints the fastest of N passes (default 5) on one core: articles, words
//! (whitespace-separated, of the tagged text), ms per article and words/s, by
//! the clock and (on Linux) by the CPU time the tagging thread was given, which
//! other work on a busy machine disturbs less.

use std::io::Read;
use std::time::Instant;

use newsterm_tag::{KnownPeople, Tagger};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut passes = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--passes" => passes = args.next().ok_or("--passes needs a number")?.parse()?,
            other => {
                return Err(format!("unknown argument {other}; usage: speed [--passes N]").into());
            }
        }
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../newsterm/data/wikinews_articles.jsonl.gz"
    );
    let mut lines = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut lines)?;
    let contents: Vec<_> = lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| newsterm_story::jsonl::parse_line(l, time::OffsetDateTime::UNIX_EPOCH))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|p| p.content)
        .collect();
    let words: usize = contents
        .iter()
        .map(|c| c.tagging_text().split_whitespace().count())
        .sum();
    let tagger = Tagger::load()?;
    let mut best = f64::INFINITY;
    let mut best_cpu = f64::INFINITY;
    let mut entities = 0;
    for _ in 0..passes.max(1) {
        let people = KnownPeople::default();
        let (t0, c0) = (Instant::now(), cpu_seconds());
        entities = contents
            .iter()
            .map(|c| tagger.tag_content_known(c, &people).entities.len())
            .sum::<usize>();
        best = best.min(t0.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c0, cpu_seconds()) {
            best_cpu = best_cpu.min(c1 - c0);
        }
    }
    let n = contents.len() as f64;
    println!(
        "{n} articles, {words} words ({:.0} an article), {entities} entities: {:.3} ms an article, {:.0} words/s (fastest of {passes} passes, one core)",
        words as f64 / n,
        best * 1e3 / n,
        words as f64 / best
    );
    if best_cpu.is_finite() {
        println!(
            "CPU time: {:.3} ms an article, {:.0} words/s",
            best_cpu * 1e3 / n,
            words as f64 / best_cpu
        );
    }
    Ok(())
}

/// CPU time (user + system) of this thread so far, from /proc (Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which ends at the last ')'): utime and
    // stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split(' ');
    let utime: f64 = fields.nth(11)?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
