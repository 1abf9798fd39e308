//! `newsterm bench partitions`: the archive of `newsterm bench search`
//! (N generated stories, 100,000 by default) built as P time partitions —
//! separate search indexes, each holding an equal slice of the archive's
//! ten years — for each P asked (1, 4 and 16 by default), and the same
//! query mix as the search bench asked of each: scattered to every
//! partition and gathered (`newsterm_search::gather`), top 10 plus the
//! total count.
//!
//! A scattered search runs in two phases: every partition reports the
//! statistics of the query's words, then every partition the query's date
//! range reaches is searched with the others' statistics (so relevance is
//! the whole archive's), and the pages are merged. Each partition is
//! timed alone, one after another, on this machine; from those times two
//! figures per query:
//!
//! - **fan-out**: the slowest partition of each phase plus the gatherer's
//!   own work, what a query costs when each partition answers at once on
//!   a machine of its own (network round trips not included: the
//!   loopback floor printed in the same run is the least one costs);
//! - **one machine**: every partition's time summed, the work one
//!   machine holding every partition does for the query.
//!
//! Also per P: the build time (generating the stories included, the same
//! for every P), disk and segments per partition, and how many answers
//! equal those of the first P asked (same ids, scores and totals).
//!
//! Measured in this process, no HTTP and no store: hits carry no
//! headline or snippet (the server reads those from its store).

use std::path::{Path, PathBuf};
use std::time::Instant;

use newsterm_api::SearchResponse;
use newsterm_query::Query;
use newsterm_search::{QueryStats, SearchIndex, SearchOptions, Sort};
use newsterm_story::{Story, StoryId};

use crate::archive::{Archive, Class, queries};
use crate::report::{Figure, r1};
use crate::search::{QUERIES, SEED, dir_bytes, percentiles, query_figures, r2};
use crate::{BenchConfig, BenchError, progress};

/// Hits per answer, as the search bench asks.
const LIMIT: usize = 10;

/// One time partition: the stories published in `[from, to)`.
pub(crate) struct Partition {
    from: i64,
    to: i64,
    dir: PathBuf,
    index: SearchIndex,
}

impl Partition {
    /// Whether a story published within `bounds` can be here.
    fn reaches(
        &self,
        bounds: &(Option<time::OffsetDateTime>, Option<time::OffsetDateTime>),
    ) -> bool {
        let after_start = bounds.1.is_none_or(|to| to.unix_timestamp() > self.from);
        let before_end = bounds.0.is_none_or(|from| from.unix_timestamp() < self.to);
        after_start && before_end
    }
}

/// The archive as `P` search indexes split by publication time.
pub(crate) struct Partitioned {
    parts: Vec<Partition>,
}

/// Where one scattered query's time went, in milliseconds.
#[derive(Debug, Default)]
pub(crate) struct Timing {
    /// Each partition's statistics (phase 1; none with one partition).
    pub stats: Vec<f64>,
    /// Each searched partition's page (phase 2).
    pub search: Vec<f64>,
    /// The gatherer's own work: summing statistics, merging pages.
    pub gather: f64,
}

impl Timing {
    /// Every partition answering at once: the slowest of each phase.
    pub fn fan_out(&self) -> f64 {
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        max(&self.stats) + max(&self.search) + self.gather
    }

    /// One machine doing all of it, one partition after another.
    pub fn one_machine(&self) -> f64 {
        self.stats.iter().sum::<f64>() + self.search.iter().sum::<f64>() + self.gather
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

impl Partitioned {
    /// `count` empty indexes under `dir`, splitting the archive's span
    /// into equal slices of time.
    pub fn create(dir: &Path, count: usize) -> Result<Partitioned, BenchError> {
        let (start, end) = Archive::span();
        let count = count.max(1);
        let width = (end - start + count as i64 - 1) / count as i64;
        let parts = (0..count)
            .map(|k| {
                let dir = dir.join(format!("part{k:02}"));
                Ok(Partition {
                    from: start + k as i64 * width,
                    to: (start + (k as i64 + 1) * width).min(end),
                    index: SearchIndex::open(&dir)?,
                    dir,
                })
            })
            .collect::<Result<_, BenchError>>()?;
        Ok(Partitioned { parts })
    }

    /// Indexes `story` in the partition of its publication time.
    pub fn add(&self, story: &Story) -> Result<(), BenchError> {
        let t = story.content.published.unix_timestamp();
        let part = self
            .parts
            .iter()
            .find(|p| t < p.to)
            .or(self.parts.last())
            .ok_or_else(|| BenchError::Failed("no partitions".into()))?;
        part.index.index_story(story)?;
        Ok(())
    }

    /// Commits every partition, recording `seq` as what it holds.
    pub fn commit(&self, seq: u64) -> Result<(), BenchError> {
        for part in &self.parts {
            part.index.commit(seq)?;
        }
        Ok(())
    }

    /// Top `LIMIT` plus the total: scattered in two phases and gathered,
    /// or with one partition a plain search.
    pub fn ask(&self, query: &Query) -> Result<(SearchResponse, Timing), BenchError> {
        let opts = SearchOptions {
            limit: LIMIT,
            sort: Sort::Relevance,
            cursor: None,
        };
        let mut timing = Timing::default();
        if let [only] = self.parts.as_slice() {
            let t = Instant::now();
            let page = only.index.search(query, &opts)?;
            timing.search.push(ms(t));
            return Ok((page, timing));
        }
        let mut stats = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            let t = Instant::now();
            stats.push(part.index.query_stats(query)?);
            timing.stats.push(ms(t));
        }
        let bounds = newsterm_search::published_bounds(query);
        let mut pages = Vec::new();
        for (k, part) in self.parts.iter().enumerate() {
            if !part.reaches(&bounds) {
                continue;
            }
            let t = Instant::now();
            let mut elsewhere = QueryStats::default();
            for (_, other) in stats.iter().enumerate().filter(|(j, _)| *j != k) {
                elsewhere.add(other);
            }
            timing.gather += ms(t);
            let t = Instant::now();
            pages.push(part.index.search_with_stats(query, &opts, &elsewhere)?);
            timing.search.push(ms(t));
        }
        let t = Instant::now();
        let page = newsterm_search::gather(pages, LIMIT);
        timing.gather += ms(t);
        Ok((page, timing))
    }
}

/// Story `i` of the archive as the server would index it: parsed from
/// its JSON line, wire sequence `i + 1`, and an id made from its
/// publication time and `i`, so every build holds the same ids.
pub(crate) fn story(
    archive: &Archive,
    i: u64,
    now: time::OffsetDateTime,
) -> Result<Story, BenchError> {
    let parsed = newsterm_story::jsonl::parse_line(&archive.json_line(i), now)
        .map_err(|e| BenchError::Failed(format!("generated story {i}: {e}")))?;
    let published = parsed.content.published.unix_timestamp();
    Ok(Story {
        id: story_id(published, i),
        seq: i + 1,
        ..Story::new(parsed.content, now)
    })
}

/// The ULID whose time is `published` (seconds) and whose random part is `i`.
fn story_id(published: i64, i: u64) -> StoryId {
    const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let ms = u128::from(u64::try_from(published).unwrap_or(0)) * 1_000;
    let value = (ms << 80) | u128::from(i);
    let text: String = (0..26)
        .rev()
        .map(|k| char::from(CROCKFORD[((value >> (5 * k)) & 31) as usize]))
        .collect();
    text.parse().unwrap_or_default()
}

/// Builds the first `stories` stories of `archive` into `into`, with a
/// progress bar, and commits.
pub(crate) fn build(
    archive: &Archive,
    stories: u64,
    into: &Partitioned,
    what: &str,
) -> Result<(), BenchError> {
    let now = time::OffsetDateTime::now_utc();
    let bar = progress(stories, what);
    for i in 0..stories {
        into.add(&story(archive, i, now)?)?;
        if i % 1_000 == 999 {
            bar.inc(1_000);
        }
    }
    into.commit(stories)?;
    bar.finish_and_clear();
    Ok(())
}

/// CPU time this process has used, in clock ticks.
fn cpu_ticks() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name, which is in parentheses.
            let rest = s.rsplit_once(')')?.1.to_string();
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // utime and stime are fields 14 and 15 of the line: 12 and 13 here.
            let user: u64 = fields.get(11)?.parse().ok()?;
            let system: u64 = fields.get(12)?.parse().ok()?;
            Some(user + system)
        })
        .unwrap_or(0)
}

/// Waits until the indexes' background merges are done (this process
/// nearly idle for a second, at most two minutes), then commits again so
/// searches see the merged segments.
fn settle(into: &Partitioned, seq: u64) -> Result<(), BenchError> {
    let started = Instant::now();
    loop {
        let before = cpu_ticks();
        std::thread::sleep(std::time::Duration::from_secs(1));
        // Under 5 % of one core over the second (ticks are 1/100 s).
        if cpu_ticks().saturating_sub(before) < 5 || started.elapsed().as_secs() > 120 {
            break;
        }
    }
    into.commit(seq)
}

/// What one answer was: ids with scores, and the total.
type Answer = (Vec<(String, f32)>, u64);

fn answer(page: &SearchResponse) -> Answer {
    (
        page.hits
            .iter()
            .map(|h| (h.id.to_string(), h.score))
            .collect(),
        page.total,
    )
}

pub fn run(config: &BenchConfig) -> Result<Vec<Figure>, BenchError> {
    let stories = config.stories.unwrap_or(100_000) as u64;
    let counts = config.partitions.clone().unwrap_or_else(|| vec![1, 4, 16]);
    let archive = Archive::new(&config.corpus, SEED);
    if archive.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    let qs: Vec<(Class, Query)> = queries(&archive, stories, QUERIES, SEED)
        .into_iter()
        .map(|q| {
            newsterm_query::parse(&q.newsterm())
                .map(|parsed| (q.class, parsed))
                .map_err(|e| BenchError::Failed(format!("query {:?}: {e}", q.newsterm())))
        })
        .collect::<Result<_, _>>()?;
    let root = config
        .scratch
        .join(format!("newsterm-bench-partitions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut figures = Vec::new();
    let mut first: Option<(usize, Vec<Answer>)> = None;
    for &count in &counts {
        let dir = root.join(format!("p{count}"));
        let parts = Partitioned::create(&dir, count)?;
        let started = Instant::now();
        build(&archive, stories, &parts, &format!("P={count}: index"))?;
        let built = started.elapsed().as_secs_f64();
        settle(&parts, stories)?;

        let disks: Vec<u64> = parts.parts.iter().map(|p| dir_bytes(&p.dir)).collect();
        let docs: Vec<u64> = parts.parts.iter().map(|p| p.index.num_docs()).collect();
        let segments: Vec<usize> = parts.parts.iter().map(|p| p.index.segments()).collect();

        let bar = progress(qs.len() as u64, &format!("P={count}: queries"));
        let mut fan_out = Vec::with_capacity(qs.len());
        let mut one_machine = Vec::with_capacity(qs.len());
        let mut stats_ms = Vec::new();
        let mut searched = 0usize;
        let mut answers = Vec::with_capacity(qs.len());
        for (class, query) in &qs {
            let (page, timing) = parts.ask(query)?;
            fan_out.push((*class, timing.fan_out()));
            one_machine.push((*class, timing.one_machine()));
            stats_ms.push(timing.stats.iter().copied().fold(0.0, f64::max));
            searched += timing.search.len();
            answers.push(answer(&page));
            bar.inc(1);
        }
        bar.finish_and_clear();
        let same = match &first {
            Some((_, earlier)) => earlier.iter().zip(&answers).filter(|(a, b)| a == b).count(),
            None => answers.len(),
        };
        let (stats_p50, _, stats_p99) = percentiles(&mut stats_ms);
        let mb = |b: u64| r1(b as f64 / 1e6);
        figures.push(
            Figure::new("partition")
                .with("partitions", count as u64)
                .with("stories", stories)
                .with("build_s", r1(built))
                .with("stories_per_s", (stories as f64 / built.max(1e-9)).round())
                .with("disk_mb", mb(disks.iter().sum()))
                .with(
                    "disk_mb_per_partition_max",
                    mb(disks.iter().copied().max().unwrap_or(0)),
                )
                .with(
                    "disk_bytes_per_story",
                    disks.iter().sum::<u64>() / stories.max(1),
                )
                .with(
                    "stories_per_partition_min",
                    docs.iter().copied().min().unwrap_or(0),
                )
                .with(
                    "stories_per_partition_max",
                    docs.iter().copied().max().unwrap_or(0),
                )
                .with(
                    "segments_max",
                    segments.iter().copied().max().unwrap_or(0) as u64,
                )
                .with(
                    "searched_per_query",
                    r2(searched as f64 / qs.len().max(1) as f64),
                )
                .with("stats_phase_p50_ms", r2(stats_p50))
                .with("stats_phase_p99_ms", r2(stats_p99))
                .with(
                    "same_answers_as",
                    format!(
                        "P={}: {same}/{}",
                        first.as_ref().map_or(count, |(p, _)| *p),
                        answers.len()
                    ),
                ),
        );
        let label = |how: &str| format!("P={count} {how}");
        figures.extend(query_figures(
            "partition",
            &label("fan-out"),
            stories,
            &fan_out,
        ));
        if count > 1 {
            figures.extend(query_figures(
                "partition",
                &label("one machine"),
                stories,
                &one_machine,
            ));
        }
        if first.is_none() {
            first = Some((count, answers));
        }
        drop(parts);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&root);
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn bundled() -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../newsterm/data/wikinews_articles.jsonl.gz");
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).expect("the bundled corpus"))
            .read_to_string(&mut text)
            .expect("a gzipped corpus");
        text.lines().map(str::to_string).collect()
    }

    /// What a reader sees from an archive split into time partitions is
    /// what one index holding it all answers: the same stories in the
    /// same order with the same scores, and the same total, for every
    /// query of the benchmark's mix.
    #[test]
    fn scattered_answers_equal_one_index() {
        let archive = Archive::new(&bundled(), SEED);
        let stories = 1_500;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let one = Partitioned::create(&dir.path().join("one"), 1).expect("one index");
        let split = Partitioned::create(&dir.path().join("split"), 5).expect("five partitions");
        let now = time::OffsetDateTime::now_utc();
        for i in 0..stories {
            let story = story(&archive, i, now).expect("a generated story");
            one.add(&story).expect("indexed");
            split.add(&story).expect("indexed");
        }
        one.commit(stories).expect("committed");
        split.commit(stories).expect("committed");
        assert!(
            split.parts.iter().all(|p| p.index.num_docs() > 0),
            "every partition holds stories"
        );

        let mut found = 0;
        let mut skipped = 0;
        for q in queries(&archive, stories, 240, SEED) {
            let query = newsterm_query::parse(&q.newsterm()).expect("a valid query");
            let (single, _) = one.ask(&query).expect("one index answers");
            let (gathered, timing) = split.ask(&query).expect("the partitions answer");
            assert_eq!(
                answer(&gathered),
                answer(&single),
                "{} answered differently when scattered",
                q.newsterm()
            );
            found += usize::from(!single.hits.is_empty());
            skipped += split.parts.len() - timing.search.len();
        }
        assert!(found > 200, "most queries find stories ({found} of 240)");
        assert!(skipped > 0, "date ranges leave some partitions out");
    }
}
