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
//! With `--sample K`, only K of each count's P partitions are built
//! (spread evenly over the span): every story of the archive is still
//! generated, on every core, and the stories of the partitions not built
//! are analyzed as the index would and counted (stories, tokens, and the
//! stories holding each word of the query mix) without being indexed.
//! Those counts are what the partitions not built would answer in the
//! first phase, so a built partition is searched exactly as it would be
//! in the whole archive (a unit test holds its pages equal to a full
//! build's), and one partition of a 10M-story archive is measured in the
//! time its own stories take to index plus one pass of generating and
//! analyzing the rest. Fan-out is then the slowest of the built
//! partitions; a query whose date range reaches none of them is left
//! out of the figures; answers are not compared.
//!
//! Measured in this process, no HTTP and no store: hits carry no
//! headline or snippet (the server reads those from its store).

use std::path::{Path, PathBuf};
use std::time::Instant;

use newsterm_api::SearchResponse;
use newsterm_query::Query;
use newsterm_search::{SearchIndex, SearchOptions, Sort, StatsTally};
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
    /// Its index, when it is one of the partitions built.
    built: Option<Built>,
}

/// A built partition's index and where it lies.
pub(crate) struct Built {
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

/// The archive as `P` search indexes split by publication time; of a
/// sample, only some of them are built, and the others' stories are
/// counted in `rest` (the statistics a scattered search would have
/// gathered from them) without being indexed.
pub(crate) struct Partitioned {
    parts: Vec<Partition>,
    rest: StatsTally,
    /// One in how many stories of the partitions not built is counted
    /// (1: every one, the statistics exact; more: an estimate scaled up).
    count_every: u64,
}

/// Which of `count` partitions a sample of `sample` builds: spread
/// evenly, the middle one when one; all of them without a sample.
fn sampled(count: usize, sample: Option<usize>) -> Vec<usize> {
    match sample {
        Some(k) if k < count => (0..k.max(1))
            .map(|j| (2 * j + 1) * count / (2 * k.max(1)))
            .collect(),
        _ => (0..count).collect(),
    }
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
    /// `count` partitions splitting the archive's span into equal slices
    /// of time, the `sample` of them (all without one) as empty indexes
    /// under `dir`; the others count the words of `queries` in one of
    /// every `count_every` of their stories.
    pub fn create(
        dir: &Path,
        count: usize,
        sample: Option<usize>,
        count_every: u64,
        queries: &[Query],
    ) -> Result<Partitioned, BenchError> {
        let (start, end) = Archive::span();
        let count = count.max(1);
        let width = (end - start + count as i64 - 1) / count as i64;
        let built = sampled(count, sample);
        let parts = (0..count)
            .map(|k| {
                let built = if built.contains(&k) {
                    let dir = dir.join(format!("part{k:02}"));
                    Some(Built {
                        index: SearchIndex::open(&dir)?,
                        dir,
                    })
                } else {
                    None
                };
                Ok(Partition {
                    from: start + k as i64 * width,
                    to: (start + (k as i64 + 1) * width).min(end),
                    built,
                })
            })
            .collect::<Result<_, BenchError>>()?;
        Ok(Partitioned {
            parts,
            rest: StatsTally::new(queries),
            count_every: count_every.max(1),
        })
    }

    /// The built partitions.
    fn built(&self) -> impl Iterator<Item = &Built> {
        self.parts.iter().filter_map(|p| p.built.as_ref())
    }

    /// Whether some partitions are not built.
    fn is_sample(&self) -> bool {
        self.parts.iter().any(|p| p.built.is_none())
    }

    /// The index of the partition of stories published at `t`; `None`
    /// when that partition is not built (the story goes in a tally).
    fn place(&self, t: i64) -> Result<Option<&SearchIndex>, BenchError> {
        let part = self
            .parts
            .iter()
            .find(|p| t < p.to)
            .or(self.parts.last())
            .ok_or_else(|| BenchError::Failed("no partitions".into()))?;
        Ok(part.built.as_ref().map(|b| &b.index))
    }

    /// Commits every built partition, recording `seq` as what it holds.
    pub fn commit(&self, seq: u64) -> Result<(), BenchError> {
        for built in self.built() {
            built.index.commit(seq)?;
        }
        Ok(())
    }

    /// Top `LIMIT` plus the total: scattered in two phases and gathered
    /// (over the built partitions, scored with the whole archive's
    /// statistics), or with one partition a plain search.
    pub fn ask(&self, query: &Query) -> Result<(SearchResponse, Timing), BenchError> {
        let (pages, timing) = self.pages(query)?;
        let t = Instant::now();
        let page = newsterm_search::gather(pages.into_iter().map(|(_, page)| page), LIMIT);
        let mut timing = timing;
        timing.gather += ms(t);
        Ok((page, timing))
    }

    /// Each searched partition's first page (by its place among all the
    /// partitions) before they are gathered, and where the time went.
    fn pages(&self, query: &Query) -> Result<(Vec<(usize, SearchResponse)>, Timing), BenchError> {
        let opts = SearchOptions {
            limit: LIMIT,
            sort: Sort::Relevance,
            cursor: None,
        };
        let mut timing = Timing::default();
        if let [only] = self.parts.as_slice() {
            let Some(built) = &only.built else {
                return Ok((Vec::new(), timing));
            };
            let t = Instant::now();
            let page = built.index.search(query, &opts)?;
            timing.search.push(ms(t));
            return Ok((vec![(0, page)], timing));
        }
        // Phase 1: each built partition's statistics; the partitions not
        // built were counted while the archive was generated.
        let mut stats = Vec::with_capacity(self.parts.len());
        for (k, part) in self.parts.iter().enumerate() {
            if let Some(built) = &part.built {
                let t = Instant::now();
                stats.push((k, built.index.query_stats(query)?));
                timing.stats.push(ms(t));
            }
        }
        let t = Instant::now();
        let unbuilt = self.rest.query_stats(query);
        timing.gather += ms(t);
        let bounds = newsterm_search::published_bounds(query);
        let mut pages = Vec::new();
        for (k, part) in self.parts.iter().enumerate() {
            let Some(built) = &part.built else { continue };
            if !part.reaches(&bounds) {
                continue;
            }
            let t = Instant::now();
            let mut elsewhere = unbuilt.clone();
            for (_, other) in stats.iter().filter(|(j, _)| *j != k) {
                elsewhere.add(other);
            }
            timing.gather += ms(t);
            let t = Instant::now();
            pages.push((k, built.index.search_with_stats(query, &opts, &elsewhere)?));
            timing.search.push(ms(t));
        }
        Ok((pages, timing))
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

/// Builds the first `stories` stories of `archive` into `into` on
/// `threads` threads (each generates every `threads`-th story), with a
/// progress bar, and commits. Stories of partitions not built are
/// counted for their statistics instead.
pub(crate) fn build(
    archive: &Archive,
    stories: u64,
    into: &mut Partitioned,
    threads: usize,
    what: &str,
) -> Result<(), BenchError> {
    let now = time::OffsetDateTime::now_utc();
    let bar = progress(stories, what);
    let threads = threads.max(1) as u64;
    let shared: &Partitioned = into;
    let tallies = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let bar = bar.clone();
                scope.spawn(move || -> Result<(StatsTally, u64), BenchError> {
                    let mut tally = StatsTally::default();
                    tally.merge(&shared.rest);
                    let mut unbuilt = 0u64;
                    for i in (t..stories).step_by(threads as usize) {
                        // Only the time first: most stories of a sample
                        // are in partitions not built.
                        match shared.place(archive.published(i))? {
                            Some(index) => index.index_story(&story(archive, i, now)?)?,
                            None => {
                                if unbuilt.is_multiple_of(shared.count_every) {
                                    tally.add(&story(archive, i, now)?);
                                }
                                unbuilt += 1;
                            }
                        }
                        if i % 1_000 == 999 {
                            bar.inc(1_000);
                        }
                    }
                    Ok((tally, unbuilt))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| BenchError::Failed("a build thread panicked".into()))?
            })
            .collect::<Result<Vec<_>, BenchError>>()
    })?;
    let mut rest = StatsTally::default();
    let mut unbuilt = 0;
    for (tally, n) in &tallies {
        rest.merge(tally);
        unbuilt += n;
    }
    into.rest = rest.scaled(unbuilt);
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
    let parsed: Vec<Query> = qs.iter().map(|(_, q)| q.clone()).collect();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let root = config
        .scratch
        .join(format!("newsterm-bench-partitions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut figures = Vec::new();
    let mut first: Option<(usize, Vec<Answer>)> = None;
    for &count in &counts {
        let dir = root.join(format!("p{count}"));
        let mut parts = Partitioned::create(
            &dir,
            count,
            config.sample,
            config.count_every.unwrap_or(1),
            &parsed,
        )?;
        let sample = parts.is_sample();
        let started = Instant::now();
        build(
            &archive,
            stories,
            &mut parts,
            threads,
            &format!("P={count}: index"),
        )?;
        let built = started.elapsed().as_secs_f64();
        settle(&parts, stories)?;

        let disks: Vec<u64> = parts.built().map(|b| dir_bytes(&b.dir)).collect();
        let docs: Vec<u64> = parts.built().map(|b| b.index.num_docs()).collect();
        let segments: Vec<usize> = parts.built().map(|b| b.index.segments()).collect();
        let indexed: u64 = docs.iter().sum();

        let bar = progress(qs.len() as u64, &format!("P={count}: queries"));
        let mut fan_out = Vec::with_capacity(qs.len());
        let mut one_machine = Vec::with_capacity(qs.len());
        let mut stats_ms = Vec::new();
        let mut searched = 0usize;
        let mut answers = Vec::with_capacity(qs.len());
        for (class, query) in &qs {
            let (page, timing) = parts.ask(query)?;
            answers.push(answer(&page));
            bar.inc(1);
            // Of a sample, a query whose date range reaches no built
            // partition searched nothing: left out rather than counted
            // as the cost of a query the other partitions would answer.
            if sample && timing.search.is_empty() {
                continue;
            }
            fan_out.push((*class, timing.fan_out()));
            one_machine.push((*class, timing.one_machine()));
            stats_ms.push(timing.stats.iter().copied().fold(0.0, f64::max));
            searched += timing.search.len();
        }
        bar.finish_and_clear();
        // A sample's answers hold only its partitions' hits: not compared.
        let same = match (&first, sample) {
            (_, true) => "sample: not compared".to_string(),
            (Some((p, earlier)), false) => format!(
                "P={p}: {}/{}",
                earlier.iter().zip(&answers).filter(|(a, b)| a == b).count(),
                answers.len()
            ),
            (None, false) => format!("P={count}: {n}/{n}", n = answers.len()),
        };
        let (stats_p50, _, stats_p99) = percentiles(&mut stats_ms);
        let mb = |b: u64| r1(b as f64 / 1e6);
        figures.push(
            Figure::new("partition")
                .with("partitions", count as u64)
                .with("built", docs.len() as u64)
                .with("stories", stories)
                .with("threads", threads as u64)
                .with("counted_one_in", if sample { parts.count_every } else { 0 })
                .with("build_s", r1(built))
                .with("stories_per_s", (stories as f64 / built.max(1e-9)).round())
                .with("disk_mb", mb(disks.iter().sum()))
                .with(
                    "disk_mb_per_partition_max",
                    mb(disks.iter().copied().max().unwrap_or(0)),
                )
                .with(
                    "disk_bytes_per_story",
                    disks.iter().sum::<u64>() / indexed.max(1),
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
                .with("queries_timed", fan_out.len() as u64)
                .with(
                    "searched_per_query",
                    r2(searched as f64 / fan_out.len().max(1) as f64),
                )
                .with("stats_phase_p50_ms", r2(stats_p50))
                .with("stats_phase_p99_ms", r2(stats_p99))
                .with("same_answers_as", same),
        );
        let label = |how: &str| {
            if sample {
                format!("P={count} ({} built) {how}", docs.len())
            } else {
                format!("P={count} {how}")
            }
        };
        figures.extend(query_figures(
            "partition",
            &label("fan-out"),
            stories,
            &fan_out,
        ));
        if count > 1 && !sample {
            figures.extend(query_figures(
                "partition",
                &label("one machine"),
                stories,
                &one_machine,
            ));
        }
        if first.is_none() && !sample {
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

    /// The first 1,500 stories of the archive of the bundled corpus, the
    /// benchmark's query mix over them, and a place for partitions.
    struct Fixture {
        archive: Archive,
        qs: Vec<(String, Query)>,
        dir: tempfile::TempDir,
    }

    const STORIES: u64 = 1_500;

    impl Fixture {
        fn new() -> Fixture {
            let archive = Archive::new(&bundled(), SEED);
            let qs = queries(&archive, STORIES, 240, SEED)
                .into_iter()
                .map(|q| {
                    let text = q.newsterm();
                    let query = newsterm_query::parse(&text).expect("a valid query");
                    (text, query)
                })
                .collect();
            let dir = tempfile::tempdir().expect("a temporary directory");
            Fixture { archive, qs, dir }
        }

        /// The stories in `count` partitions, of which `sample` are
        /// built, one in `count_every` of the others' stories counted.
        fn build(
            &self,
            name: &str,
            count: usize,
            sample: Option<usize>,
            count_every: u64,
        ) -> Partitioned {
            let all: Vec<Query> = self.qs.iter().map(|(_, q)| q.clone()).collect();
            let mut parts = Partitioned::create(
                &self.dir.path().join(name),
                count,
                sample,
                count_every,
                &all,
            )
            .expect("partitions");
            build(&self.archive, STORIES, &mut parts, 2, "test").expect("built");
            parts
        }
    }

    /// The page `whole` gathers from its partitions `keep` alone.
    fn gathered_from(whole: &Partitioned, query: &Query, keep: &[usize]) -> SearchResponse {
        let (pages, _) = whole.pages(query).expect("the partitions answer");
        let kept = pages.into_iter().filter(|(k, _)| keep.contains(k));
        newsterm_search::gather(kept.map(|(_, page)| page), LIMIT)
    }

    /// What a reader sees from an archive split into time partitions is
    /// what one index holding it all answers: the same stories in the
    /// same order with the same scores, and the same total, for every
    /// query of the benchmark's mix.
    #[test]
    fn scattered_answers_equal_one_index() {
        let fixture = Fixture::new();
        let one = fixture.build("one", 1, None, 1);
        let split = fixture.build("split", 5, None, 1);
        assert!(
            split.built().all(|b| b.index.num_docs() > 0),
            "every partition holds stories"
        );
        assert_eq!(split.built().count(), 5);

        let mut found = 0;
        let mut skipped = 0;
        for (text, query) in &fixture.qs {
            let (single, _) = one.ask(query).expect("one index answers");
            let (gathered, timing) = split.ask(query).expect("the partitions answer");
            assert_eq!(
                answer(&gathered),
                answer(&single),
                "{text} answered differently when scattered"
            );
            found += usize::from(!single.hits.is_empty());
            skipped += split.parts.len() - timing.search.len();
        }
        assert!(found > 200, "most queries find stories ({found} of 240)");
        assert!(skipped > 0, "date ranges leave some partitions out");
    }

    /// A sample builds some partitions only, spread over the archive's
    /// span, and counts the others' stories without indexing them.
    #[test]
    fn a_sample_builds_the_partitions_spread_evenly() {
        assert_eq!(sampled(16, Some(1)), vec![8]);
        assert_eq!(sampled(5, Some(2)), vec![1, 3]);
        assert_eq!(sampled(64, Some(4)), vec![8, 24, 40, 56]);
        assert_eq!(sampled(4, Some(4)), vec![0, 1, 2, 3]);
        assert_eq!(sampled(4, None), vec![0, 1, 2, 3]);
    }

    /// A partition built alone, the rest of the archive only counted,
    /// answers each query with exactly the page (stories, scores, total)
    /// it answers when every partition is built: the counted statistics
    /// are the whole archive's, so its figures are those of a partition
    /// of the full archive.
    #[test]
    fn a_sampled_partition_answers_as_in_the_whole_build() {
        let fixture = Fixture::new();
        let whole = fixture.build("whole", 5, None, 1);
        let sample = fixture.build("sample", 5, Some(2), 1);
        assert!(sample.is_sample() && !whole.is_sample());
        let indexed: u64 = sample.built().map(|b| b.index.num_docs()).sum();
        assert_eq!(
            indexed + sample.rest.docs(),
            STORIES,
            "every story is indexed or counted"
        );
        assert!(indexed > 0 && indexed < STORIES);

        let mut compared = 0;
        for (text, query) in &fixture.qs {
            let expected = gathered_from(&whole, query, &[1, 3]);
            let (got, _) = sample.ask(query).expect("the sample answers");
            assert_eq!(
                answer(&got),
                answer(&expected),
                "{text} answered differently by the sample"
            );
            compared += usize::from(!got.hits.is_empty());
        }
        assert!(
            compared > 150,
            "most queries find stories ({compared} of 240)"
        );
    }

    /// The time a partition is chosen by is the one the story is
    /// published at, for stories of every kind of base article.
    #[test]
    fn a_storys_time_is_known_without_making_it() {
        let archive = Archive::new(&bundled(), SEED);
        for i in 0..3_000 {
            assert_eq!(
                archive.published(i),
                archive.story(i).published,
                "story {i}"
            );
        }
    }

    /// Counting one in several stories of the partitions not built
    /// estimates their statistics: the story count is exact, and the
    /// sampled partition finds the same stories as in the whole build,
    /// scored within a few per cent on average (of 1,500 stories, a
    /// quarter of 1,200 counted; the error falls as the archive grows).
    #[test]
    fn counting_one_in_several_stories_estimates_the_statistics() {
        let fixture = Fixture::new();
        let whole = fixture.build("whole", 5, None, 1);
        let sample = fixture.build("sample", 5, Some(1), 4);
        let indexed: u64 = sample.built().map(|b| b.index.num_docs()).sum();
        assert_eq!(indexed + sample.rest.docs(), STORIES);
        let (mut error, mut scored) = (0.0, 0u32);
        for (text, query) in &fixture.qs {
            let expected = gathered_from(&whole, query, &[2]);
            let (got, _) = sample.ask(query).expect("the sample answers");
            assert_eq!(got.total, expected.total, "{text}: the same matches");
            let mut got_ids: Vec<_> = got.hits.iter().map(|h| h.id).collect();
            let mut expected_ids: Vec<_> = expected.hits.iter().map(|h| h.id).collect();
            if got.hits.len() < LIMIT {
                got_ids.sort();
                expected_ids.sort();
                assert_eq!(got_ids, expected_ids, "{text}: the same stories");
            }
            for (g, e) in got.hits.iter().zip(&expected.hits) {
                error += f64::from((g.score - e.score).abs() / e.score.abs().max(1e-6));
                scored += 1;
            }
        }
        let mean = error / f64::from(scored.max(1));
        assert!(scored > 1_000, "most queries find stories ({scored} hits)");
        assert!(
            mean < 0.05,
            "scores within a few per cent of the exact ones ({:.1} % off on average)",
            mean * 100.0
        );
    }
}
