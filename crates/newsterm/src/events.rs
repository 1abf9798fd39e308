//! `newsterm eval-events`: near-duplicate detection and event grouping
//! scored on a labelled set, and the cost of placing a story at archive
//! scale.

use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use newsterm_event::Config;
use newsterm_event::eval::{self, Article, EvalStory, Labelled};
use newsterm_tag::Tagger;

/// Stories a day on the synthetic wire of the scale measurement: a busy
/// aggregator of a few hundred feeds.
const PER_DAY: usize = 20_000;

pub struct EvalOptions<'a> {
    pub file: Option<&'a Path>,
    pub write_set: Option<&'a Path>,
    pub scale: &'a [usize],
    pub json: bool,
}

pub fn eval(options: &EvalOptions<'_>) -> Result<()> {
    let set = match options.file {
        Some(path) => read_set(path)?,
        None => built_set()?,
    };
    if let Some(out) = options.write_set {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(out)
                .with_context(|| format!("cannot create {}", out.display()))?,
        );
        for label in &set {
            serde_json::to_writer(&mut w, label)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
        eprintln!("wrote {} labelled stories to {}", set.len(), out.display());
        return Ok(());
    }
    if set.is_empty() {
        bail!("the evaluation set holds no stories");
    }
    let tagger = Tagger::load()?;
    let stories = tag_all(&tagger, set)?;
    let config = Config::default();
    let report = eval::evaluate(&stories, &config);
    let source = options.file.map_or(
        "the set built from the bundled Wikinews articles".to_string(),
        |p| p.display().to_string(),
    );
    if options.json {
        println!(
            "{}",
            serde_json::json!({
                "set": source,
                "stories": report.stories,
                "gold_events": report.gold_events,
                "found_events": report.predicted_events,
                "near_duplicates": scores(&report.near_duplicates),
                "events_bcubed": scores(&report.events_bcubed),
                "events_pairwise": scores(&report.events_pairwise),
                "copies_linked": [report.copies_linked.0, report.copies_linked.1],
                "follow_ups_joined": [report.follow_ups_joined.0, report.follow_ups_joined.1],
                "follow_ups_as_copies": report.follow_ups_as_copies,
                "repeats_caught": [report.repeats_caught.0, report.repeats_caught.1],
                "false_repeats": report.false_repeats,
                "micros_per_story": report.cost_per_story.as_secs_f64() * 1e6,
            })
        );
    } else {
        println!("{source}\n{report}");
    }
    let checkpoints: Vec<usize> = options.scale.iter().copied().filter(|n| *n > 0).collect();
    if let Some(&total) = checkpoints.iter().max() {
        let bar = indicatif::ProgressBar::new(total as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "placing {pos}/{len} synthetic stories [{elapsed_precise}] {wide_bar} {per_sec}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let started = Instant::now();
        let costs = eval::scale(&stories, total, &checkpoints, PER_DAY, &config, |n| {
            bar.set_position(n as u64)
        });
        bar.finish_and_clear();
        let wall = started.elapsed();
        if !options.json {
            println!(
                "\ncost per story at scale ({} stories a day, features + placement, tagging not included; last {} stories before each point)",
                PER_DAY,
                eval::COST_WINDOW
            );
            println!(
                "{:>10} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9}",
                "stories", "mean", "p50", "p99", "max", "in memory", "events"
            );
        }
        for c in &costs {
            let us = |d: std::time::Duration| d.as_secs_f64() * 1e6;
            if options.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "stories": c.stories, "mean_us": us(c.mean), "p50_us": us(c.p50),
                        "p99_us": us(c.p99), "max_us": us(c.max),
                        "resident_stories": c.resident_stories, "resident_events": c.resident_events,
                    })
                );
            } else {
                println!(
                    "{:>10} {:>7.1}µs {:>7.1}µs {:>7.1}µs {:>7.0}µs {:>10} {:>9}",
                    c.stories,
                    us(c.mean),
                    us(c.p50),
                    us(c.p99),
                    us(c.max),
                    c.resident_stories,
                    c.resident_events
                );
            }
        }
        if !options.json {
            println!(
                "{total} stories in {:.1} s including making them; peak memory {}",
                wall.as_secs_f64(),
                peak_memory().unwrap_or_else(|| "unknown".into())
            );
        }
    }
    Ok(())
}

fn scores(s: &eval::Scores) -> serde_json::Value {
    serde_json::json!({"precision": s.precision, "recall": s.recall, "f1": s.f1})
}

/// The process's peak resident memory, from /proc (Linux).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.0} MiB", kb / 1024.0))
}

fn built_set() -> Result<Vec<Labelled>> {
    let articles = crate::corpus::wikinews_lines()?
        .iter()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str::<Article>(line)
                .with_context(|| format!("bundled article {} is unreadable", i + 1))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(eval::build_set(&articles))
}

fn read_set(path: &Path) -> Result<Vec<Labelled>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{} line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line).with_context(|| {
                format!("{} line {}: not a labelled story", path.display(), i + 1)
            })?,
        );
    }
    Ok(out)
}

/// Parses each labelled story as a bulk-import line and tags it, on
/// every core.
fn tag_all(tagger: &Tagger, set: Vec<Labelled>) -> Result<Vec<EvalStory>> {
    let now = time::OffsetDateTime::now_utc();
    let mut parsed = Vec::with_capacity(set.len());
    for label in set {
        let line = serde_json::to_string(&label)?;
        let content = newsterm_story::jsonl::parse_line(&line, now)
            .with_context(|| format!("item {} is not a valid story", label.item))?
            .content;
        parsed.push((label, content));
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = parsed.len().div_ceil(workers).max(1);
    let tagged: Vec<Vec<newsterm_story::Tags>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parsed
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(_, c)| tagger.tag_content(c))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow::anyhow!("a tagging thread failed"))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    Ok(parsed
        .into_iter()
        .zip(tagged.into_iter().flatten())
        .map(|((label, content), tags)| EvalStory {
            label,
            content,
            tags,
        })
        .collect())
}
