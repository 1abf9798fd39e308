//! Standing alerts: how long checking every alert against one new story
//! takes with 1k to 1M alerts, against evaluating every alert (the naive
//! baseline) where that finishes in reasonable time.
//!
//! Alerts are generated from the corpus' own vocabulary — names seen
//! capitalised, two-word names as phrases, frequent words, prefixes,
//! boolean mixes, negations, field filters and dates — so they match the
//! stories as real alerts would. They are written to an alert store and
//! loaded from it as a server does at start, then every corpus story is
//! analyzed and matched, timed one story at a time.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use newsterm_alert::{AlertIndex, AlertSpec, AlertStore, Delivery};
use newsterm_query::{Document, Query};
use newsterm_story::Story;

use crate::report::{Figure, Percentiles, Report, r1};
use crate::{BenchConfig, BenchError, progress};

/// Alert counts measured when none is chosen.
const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
/// Largest count the naive baseline runs at.
const NAIVE_UP_TO: usize = 100_000;
/// Times each story is matched, to steady the figures.
const PASSES: usize = 3;
/// Alerts written to the store per transaction.
const STORE_BATCH: usize = 50_000;

/// Measures every size (or the one in `config.alerts`), adding figures
/// to the report as they are measured.
pub fn run(config: &BenchConfig, report: &mut Report) -> Result<(), BenchError> {
    let stories = corpus_stories(&config.corpus);
    if stories.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    report.add(time_analysis(&stories));
    let vocab = Vocab::of(&stories);
    let sizes = match config.alerts {
        Some(n) => vec![n],
        None => SIZES.to_vec(),
    };
    for n in sizes {
        let specs = generate(&vocab, n, n as u64);
        let queries: Vec<Query> = if n <= NAIVE_UP_TO {
            specs
                .iter()
                .filter_map(|s| newsterm_query::parse(&s.query).ok())
                .collect()
        } else {
            Vec::new()
        };
        let loaded = store_and_load(config, specs)?;
        let index = loaded.index;
        let (samples, matched, candidates) = time_index(&index, &stories);
        report.add(
            figure(n, "index", samples, rss_mb())
                .with("index_mb", r1(loaded.index_mb))
                .with("load_ms", loaded.load.as_millis() as u64)
                .with(
                    "candidates",
                    (candidates as f64 / (stories.len() * PASSES) as f64).round(),
                )
                .with("matches", (matched as f64 / stories.len() as f64).round()),
        );
        drop(index);
        if !queries.is_empty() {
            let (samples, naive_matched) = time_naive(&queries, &stories);
            if naive_matched != matched {
                return Err(BenchError::Failed(format!(
                    "the index found {matched} matches and the naive baseline {naive_matched}"
                )));
            }
            report.add(figure(n, "naive", samples, rss_mb()));
        }
    }
    Ok(())
}

fn figure(n: usize, method: &'static str, mut samples: Vec<Duration>, rss: f64) -> Figure {
    let total: f64 = samples.iter().map(Duration::as_secs_f64).sum();
    let p = Percentiles::of(&mut samples);
    Figure::new("alerts")
        .with("alerts", n as u64)
        .with("method", method)
        .with("median_us", r1(p.p50))
        .with("p99_us", r1(p.p99))
        .with("stories_per_s", (samples.len() as f64 / total).round())
        .with("rss_mb", r1(rss))
}

fn corpus_stories(corpus: &[String]) -> Vec<Story> {
    let now = time::OffsetDateTime::now_utc();
    corpus
        .iter()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| newsterm_story::jsonl::parse_line(l, now).ok())
        .zip(1u64..)
        .map(|(parsed, seq)| Story {
            seq,
            ..Story::new(parsed.content, now)
        })
        .collect()
}

/// An index loaded from a store, as a starting server loads it.
struct Loaded {
    index: AlertIndex,
    load: Duration,
    /// Resident memory the load added: the index itself.
    index_mb: f64,
}

/// Writes the alerts to a fresh store, forgets them, then loads the index
/// from the store and measures what that took.
fn store_and_load(config: &BenchConfig, specs: Vec<AlertSpec>) -> Result<Loaded, BenchError> {
    let dir = config
        .scratch
        .join(format!("newsterm-bench-alerts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let failed = |e: newsterm_alert::AlertError| BenchError::Failed(e.to_string());
    let result = (|| {
        let store = AlertStore::open(&dir.join("alerts.db")).map_err(failed)?;
        let bar = progress(
            specs.len() as u64,
            &format!("storing {} alerts", specs.len()),
        );
        let now = time::OffsetDateTime::now_utc();
        for batch in specs.chunks(STORE_BATCH) {
            store.add_all(batch, None, now).map_err(failed)?;
            bar.inc(batch.len() as u64);
        }
        bar.finish_and_clear();
        drop(specs);
        release_free_memory();
        let before = rss_mb();
        let started = Instant::now();
        let index = store.load_index().map_err(failed)?;
        let load = started.elapsed();
        drop(store);
        release_free_memory();
        Ok(Loaded {
            index,
            load,
            index_mb: rss_mb() - before,
        })
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Hands memory freed so far back to the OS, so resident memory measured
/// next counts only what is live.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it takes no
    // pointers and is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Per-story time to analyze and match; total matches and candidates.
fn time_index(index: &AlertIndex, stories: &[Story]) -> (Vec<Duration>, usize, usize) {
    let bar = progress(
        (stories.len() * PASSES) as u64,
        &format!("matching {} alerts", index.len()),
    );
    let mut samples = Vec::with_capacity(stories.len() * PASSES);
    let mut matched = 0;
    let mut candidates = 0;
    for pass in 0..PASSES {
        for story in stories {
            let started = Instant::now();
            let doc = Document::of(story);
            let hits = index.match_document(&doc);
            samples.push(started.elapsed());
            if pass == 0 {
                matched += hits.len();
            }
            candidates += index.candidate_count(&doc);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    (samples, matched, candidates)
}

/// Analyzing a story alone (tokenizing every field), which every figure
/// below includes: the floor under any number of alerts.
fn time_analysis(stories: &[Story]) -> Figure {
    let mut samples = Vec::with_capacity(stories.len() * PASSES);
    for _ in 0..PASSES {
        for story in stories {
            let started = Instant::now();
            let doc = Document::of(story);
            samples.push(started.elapsed());
            drop(doc);
        }
    }
    let total: f64 = samples.iter().map(Duration::as_secs_f64).sum();
    let count = samples.len() as f64;
    let p = Percentiles::of(&mut samples);
    Figure::new("analyze")
        .with("median_us", r1(p.p50))
        .with("p99_us", r1(p.p99))
        .with("stories_per_s", (count / total).round())
}

/// Per-story time to analyze the story and evaluate every query.
fn time_naive(queries: &[Query], stories: &[Story]) -> (Vec<Duration>, usize) {
    let bar = progress(
        stories.len() as u64,
        &format!("naive, {} alerts", queries.len()),
    );
    let mut samples = Vec::with_capacity(stories.len());
    let mut matched = 0;
    for story in stories {
        let started = Instant::now();
        let doc = Document::of(story);
        let hits = queries.iter().filter(|q| doc.matches(q)).count();
        samples.push(started.elapsed());
        matched += hits;
        bar.inc(1);
    }
    bar.finish_and_clear();
    (samples, matched)
}

/// Resident memory of this process, in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// What alerts are made of, taken from the corpus.
struct Vocab {
    /// Words written capitalised nearly everywhere they occur: names.
    names: Vec<String>,
    /// Two names in a row, seen at least twice: "Barack Obama".
    phrases: Vec<String>,
    /// Frequent lower-case words of at least five letters.
    words: Vec<String>,
    /// Years stories were published in.
    years: Vec<i32>,
}

impl Vocab {
    fn of(stories: &[Story]) -> Vocab {
        // token → (as written, capitalised count, total count)
        let mut seen: HashMap<String, (String, u32, u32)> = HashMap::new();
        let mut pairs: HashMap<(String, String), u32> = HashMap::new();
        let mut years: Vec<i32> = Vec::new();
        for story in stories {
            years.push(story.content.published.year());
            let c = &story.content;
            let values = std::iter::once(c.headline.as_str())
                .chain(c.bullets.iter().map(String::as_str))
                .chain(c.body.iter().map(|b| b.text()));
            for value in values {
                let mut previous: Option<String> = None;
                for token in newsterm_query::tokenize(value) {
                    let written = &value[token.start..token.end];
                    let capital = written.chars().next().is_some_and(char::is_uppercase)
                        && written.chars().skip(1).any(char::is_lowercase);
                    let entry = seen
                        .entry(token.text.clone())
                        .or_insert_with(|| (written.to_string(), 0, 0));
                    entry.2 += 1;
                    if capital {
                        entry.1 += 1;
                        entry.0 = written.to_string();
                        if let Some(first) = previous.take() {
                            *pairs.entry((first, written.to_string())).or_default() += 1;
                        }
                        previous = Some(written.to_string());
                    } else {
                        previous = None;
                    }
                }
            }
        }
        let is_name = |(_, capital, total): &(String, u32, u32)| {
            *total >= 2 && f64::from(*capital) >= 0.8 * f64::from(*total)
        };
        let mut names: Vec<String> = seen
            .values()
            .filter(|e| is_name(e) && e.0.chars().count() >= 3)
            .map(|e| e.0.clone())
            .collect();
        let mut words: Vec<String> = seen
            .iter()
            .filter(|(t, e)| e.1 == 0 && e.2 >= 3 && t.chars().count() >= 5)
            .map(|(t, _)| t.clone())
            .collect();
        let mut phrases: Vec<String> = pairs
            .into_iter()
            .filter(|(_, n)| *n >= 2)
            .map(|((a, b), _)| format!("\"{a} {b}\""))
            .collect();
        // Hash maps iterate in random order; sort for the same alerts on
        // every run.
        names.sort_unstable();
        words.sort_unstable();
        phrases.sort_unstable();
        years.sort_unstable();
        years.dedup();
        Vocab {
            names,
            phrases,
            words,
            years,
        }
    }
}

/// `n` alerts, the same for the same seed.
fn generate(vocab: &Vocab, n: usize, seed: u64) -> Vec<AlertSpec> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|i| AlertSpec {
            name: format!("alert {i}"),
            query: query(vocab, &mut rng),
            delivery: Delivery::default(),
        })
        .collect()
}

fn query(v: &Vocab, rng: &mut fastrand::Rng) -> String {
    let pick = |rng: &mut fastrand::Rng, items: &[String]| -> String {
        if items.is_empty() {
            return "news".to_string();
        }
        items[rng.usize(..items.len())].clone()
    };
    let name = |rng: &mut fastrand::Rng| pick(rng, &v.names);
    let word = |rng: &mut fastrand::Rng| pick(rng, &v.words);
    let phrase = |rng: &mut fastrand::Rng| pick(rng, &v.phrases);
    let year = v
        .years
        .get(rng.usize(..v.years.len().max(1)))
        .copied()
        .unwrap_or(2010);
    match rng.u32(..1000) {
        0..250 => name(rng),
        250..400 => phrase(rng),
        400..550 => format!("{} {}", name(rng), word(rng)),
        550..650 => format!("({} OR {}) {}", name(rng), name(rng), word(rng)),
        650..750 => format!("{} -{}", name(rng), word(rng)),
        750..800 => {
            let w = word(rng);
            let cut: String = w.chars().take(rng.usize(3..=5)).collect();
            format!("{cut}*")
        }
        800..850 => format!("headline:{}", name(rng)),
        850..880 => format!("priority:urgent {}", name(rng)),
        880..910 => format!("source:wikinews* {} {}", name(rng), word(rng)),
        910..930 => format!("place:{} OR person:{}", name(rng), name(rng)),
        930..960 => format!("published:>={year}-01-01 {}", name(rng)),
        960..990 => format!("{} OR {} OR {}", name(rng), phrase(rng), word(rng)),
        990..998 => format!(
            "({} {}) OR ({} -{})",
            word(rng),
            word(rng),
            name(rng),
            name(rng)
        ),
        // A few alerts need no term at all and are checked on every story.
        _ => format!("-{} published:<{year}-06-01", word(rng)),
    }
}
