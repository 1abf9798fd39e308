//! `newsterm bench search`: an archive of N generated stories (100,000 by
//! default) loaded into newsterm, SQLite FTS5 and, when `pg_ctl` is
//! installed, PostgreSQL full-text search, then the same 1,000 queries
//! through each: top 10 plus the total count, p50/p90/p99 per class.
//! Also load time to searchable, disk per story and memory; the
//! publish → searchable delay over 1,000 publishes (each followed at once
//! by a search for its own unique word); and the ack latency of a publish
//! on an empty archive and on the loaded one; and the reads that must not
//! grow with the archive (`/healthz`, TOP, headlines with and without a
//! filter, facets, feeds), timed over HTTP beside the same publishing.
//!
//! newsterm is measured over HTTP (the search API a client calls), with
//! 200 stories/s being published during the timed queries; FTS5 in this
//! process through rusqlite; PostgreSQL through one `psql` session with
//! `\timing` (client round trips on loopback).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::archive::{Archive, BenchQuery, Class, queries};
use crate::report::{Figure, r1};
use crate::{BenchConfig, BenchError, BenchServer, progress};

pub(crate) const SEED: u64 = 20_261_201;
pub(crate) const QUERIES: usize = 1_000;
const BATCH: u64 = 1_000;
const READ_AFTER_WRITE: usize = 1_000;
const ACK_SAMPLES: usize = 200;

/// Latency percentiles in milliseconds.
pub(crate) fn percentiles(samples: &mut [f64]) -> (f64, f64, f64) {
    if samples.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.9), at(0.99))
}

pub(crate) fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// How many of the slowest queries [`slowest_queries`] names.
const SLOWEST_NAMED: usize = 5;

/// The slowest queries of one system, slowest first, each with its text:
/// which queries a tail is made of, so that the next change can aim at
/// them. `timed` holds the times of `qs`, in order.
fn slowest_queries(system: &str, qs: &[BenchQuery], timed: &[(Class, f64)]) -> Vec<Figure> {
    let mut order: Vec<usize> = (0..timed.len().min(qs.len())).collect();
    order.sort_by(|&a, &b| timed[b].1.total_cmp(&timed[a].1));
    order
        .into_iter()
        .take(SLOWEST_NAMED)
        .map(|i| {
            Figure::new("slowest")
                .with("system", system)
                .with("class", qs[i].class.name().to_string())
                .with("ms", r2(timed[i].1))
                .with("query", qs[i].newsterm())
        })
        .collect()
}

/// One figure per class and one overall, for one system.
pub(crate) fn query_figures(
    bench: &'static str,
    system: &str,
    stories: u64,
    timed: &[(Class, f64)],
) -> Vec<Figure> {
    let mut by_class: BTreeMap<Class, Vec<f64>> = BTreeMap::new();
    for (class, ms) in timed {
        by_class.entry(*class).or_default().push(*ms);
    }
    let mut all: Vec<f64> = timed.iter().map(|(_, ms)| *ms).collect();
    let mut out = Vec::new();
    let mut push = |class: &str, samples: &mut Vec<f64>| {
        let n = samples.len() as u64;
        let (p50, p90, p99) = percentiles(samples);
        out.push(
            Figure::new(bench)
                .with("system", system)
                .with("stories", stories)
                .with("class", class.to_string())
                .with("queries", n)
                .with("p50_ms", r2(p50))
                .with("p90_ms", r2(p90))
                .with("p99_ms", r2(p99)),
        );
    };
    for (class, samples) in &mut by_class {
        push(class.name(), samples);
    }
    push("all", &mut all);
    out
}

pub(crate) fn dir_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map_or(0, |m| m.len());
    };
    entries
        .filter_map(Result::ok)
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_bytes(&p)
            } else {
                e.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

pub fn run(config: &BenchConfig) -> Result<Vec<Figure>, BenchError> {
    let stories = config.stories.unwrap_or(100_000) as u64;
    let archive = Arc::new(Archive::new(&config.corpus, SEED));
    if archive.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    let qs = queries(&archive, stories, QUERIES, SEED);
    let json_bytes: u64 = {
        // The JSON size of the archive, from a sample (generating all of
        // it twice more only to measure would double the run).
        let sample = stories.min(10_000);
        let bytes: u64 = (0..sample)
            .map(|i| archive.json_line(i).len() as u64 + 1)
            .sum();
        bytes * stories / sample
    };
    let mut figures = Vec::new();
    figures.extend(newsterm(config, &archive, stories, &qs, json_bytes)?);
    if config.newsterm_only {
        return Ok(figures);
    }
    figures.extend(fts5(config, &archive, stories, &qs)?);
    match postgres(config, &archive, stories, &qs) {
        Ok(f) => figures.extend(f),
        Err(e) => eprintln!("PostgreSQL skipped: {e}"),
    }
    Ok(figures)
}

fn newsterm(
    config: &BenchConfig,
    archive: &Arc<Archive>,
    stories: u64,
    qs: &[BenchQuery],
    json_bytes: u64,
) -> Result<Vec<Figure>, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let server = BenchServer::start(&config.scratch, "search")?;
    let http = newsterm_client::http();
    let mut figures = Vec::new();

    figures.push(ack_latency(&rt, &http, &server.url, "empty", 0)?);

    // Load: import batches of generated lines, stored untagged as an
    // archive load is (but one in `--tag-every`), then wait until the
    // index holds the last one.
    let bar = progress(stories, "newsterm: import");
    let started = Instant::now();
    let refused = rt.block_on(async {
        let (mut i, mut refused) = (0, 0);
        while i < stories {
            let end = (i + BATCH).min(stories);
            let body: String = (i..end)
                .map(|n| archive.json_line(n))
                .collect::<Vec<_>>()
                .join("\n");
            let tag = config
                .tag_every
                .is_some_and(|n| (i / BATCH).is_multiple_of(n.max(1)));
            let report = crate::throughput::import_batch(&http, &server.url, body, tag).await?;
            // Past ~100,000 stories the generator can draw a text the
            // server takes for a repeat of an earlier one ("the same
            // source already sent this story"): counted in the load
            // figure, not fatal.
            refused += report.rejected_total;
            bar.inc(end - i);
            i = end;
        }
        Ok::<_, BenchError>(refused)
    })?;
    let stored = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let last = server.progress().last_seq;
    while server.progress().indexed_seq < last {
        std::thread::sleep(Duration::from_millis(20));
    }
    let searchable = started.elapsed().as_secs_f64();
    // Let the store settle (checkpoints, merges) before measuring disk.
    std::thread::sleep(Duration::from_secs(3));
    let data = server.data_dir();
    let disk = dir_bytes(data);
    let store = dir_bytes(&data.join("store.db")) + dir_bytes(&data.join("store.db-wal"));
    let index = dir_bytes(&data.join("index"));
    figures.push(
        Figure::new("load")
            .with("system", "newsterm")
            .with("stories", stories)
            .with("tagged_every", config.tag_every.unwrap_or(0))
            .with("refused", refused)
            .with("stored_s", r1(stored))
            .with("searchable_s", r1(searchable))
            .with("json_bytes_per_story", json_bytes / stories.max(1))
            .with("disk_bytes_per_story", disk / stories.max(1))
            .with("store_bytes_per_story", store / stories.max(1))
            .with("wal_bytes", dir_bytes(&data.join("store.db-wal")))
            .with("index_bytes_per_story", index / stories.max(1))
            .with("disk_vs_json", r2(disk as f64 / json_bytes.max(1) as f64))
            .with("rss_mb", r1(rss_mb())),
    );

    figures.push(ack_latency(&rt, &http, &server.url, "loaded", stories)?);

    // The queries, while a publisher sends 200 stories/s.
    let publisher = SteadyPublisher::start(&rt, &http, &server.url, archive, stories + 1_000_000);
    let bar = progress(qs.len() as u64, "newsterm: queries");
    let timed = rt.block_on(async {
        let mut timed = Vec::with_capacity(qs.len());
        for q in qs {
            let t = Instant::now();
            let resp = http
                .get(format!("{}/api/search", server.url))
                .query(&[("q", q.newsterm().as_str()), ("limit", "10")])
                .send()
                .await?;
            if !resp.status().is_success() {
                return Err(BenchError::Failed(format!(
                    "search {:?} answered {}",
                    q.newsterm(),
                    resp.status()
                )));
            }
            let _: newsterm_api::SearchResponse = resp.json().await?;
            timed.push((q.class, t.elapsed().as_secs_f64() * 1e3));
            bar.inc(1);
        }
        Ok::<_, BenchError>(timed)
    })?;
    bar.finish_and_clear();
    let reads = reads(&rt, &http, &server.url, stories)?;
    figures.push(publisher.stop(&rt, stories)?);
    figures.extend(query_figures("search", "newsterm", stories, &timed));
    figures.extend(slowest_queries("newsterm", qs, &timed));
    figures.extend(reads);

    figures.push(read_after_write(&rt, &http, &server.url)?);
    Ok(figures)
}

/// Stories a second published beside the timed queries and reads.
const PUBLISH_RATE: u64 = 200;

/// Publishes generated stories at a steady [`PUBLISH_RATE`]: each send is
/// its own task on the tick, so a slow ack does not lower the rate (as
/// a publisher waiting for each ack would); every ack is timed.
struct SteadyPublisher {
    running: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Result<Vec<Option<f64>>, BenchError>>,
    started: Instant,
}

impl SteadyPublisher {
    fn start(
        rt: &tokio::runtime::Runtime,
        http: &reqwest::Client,
        url: &str,
        archive: &Arc<Archive>,
        first: u64,
    ) -> SteadyPublisher {
        let running = Arc::new(AtomicBool::new(true));
        let (http, url, archive) = (http.clone(), url.to_string(), archive.clone());
        let task = rt.spawn({
            let running = running.clone();
            async move {
                let mut tick =
                    tokio::time::interval(Duration::from_micros(1_000_000 / PUBLISH_RATE));
                let mut sends = tokio::task::JoinSet::new();
                let mut i = first;
                while running.load(Ordering::Relaxed) {
                    tick.tick().await;
                    let s = archive.story(i);
                    let md = format!(
                        "---\nheadline: {:?}\n---\n{}\n",
                        s.headline,
                        s.paragraphs.join("\n\n")
                    );
                    let (http, url) = (http.clone(), url.clone());
                    sends.spawn(async move {
                        let t = Instant::now();
                        // A refusal (a generated text the server takes
                        // for a repeat) is counted, not fatal.
                        crate::publish_markdown(&http, &url, None, md)
                            .await
                            .ok()
                            .map(|_| t.elapsed().as_secs_f64() * 1e3)
                    });
                    i += 1;
                }
                let mut acks = Vec::new();
                while let Some(sent) = sends.join_next().await {
                    acks.push(sent.map_err(|e| BenchError::Failed(e.to_string()))?);
                }
                Ok(acks)
            }
        });
        SteadyPublisher {
            running,
            task,
            started: Instant::now(),
        }
    }

    /// Stops publishing; the rate reached and the acks' latency.
    fn stop(self, rt: &tokio::runtime::Runtime, stories: u64) -> Result<Figure, BenchError> {
        self.running.store(false, Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64();
        let sends = rt
            .block_on(self.task)
            .map_err(|e| BenchError::Failed(e.to_string()))??;
        let mut acks: Vec<f64> = sends.iter().flatten().copied().collect();
        let published = acks.len() as u64;
        let (p50, p90, p99) = percentiles(&mut acks);
        Ok(Figure::new("beside")
            .with("stories", stories)
            .with("published", published)
            .with("refused", sends.len() as u64 - published)
            .with("stories_per_s", r1(published as f64 / secs))
            .with("ack_p50_ms", r2(p50))
            .with("ack_p90_ms", r2(p90))
            .with("ack_p99_ms", r2(p99)))
    }
}

/// The reads that must not grow with the archive, and how often each is
/// timed.
const READS: [(&str, &str); 13] = [
    ("healthz", "/healthz"),
    ("top", "/api/top"),
    ("headlines", "/api/headlines?limit=20"),
    (
        "headlines priority:urgent",
        "/api/headlines?limit=20&q=priority:urgent",
    ),
    (
        "headlines source:",
        "/api/headlines?limit=20&q=source:%22Metro%20Desk%22",
    ),
    (
        "headlines date range",
        "/api/headlines?limit=20&q=published:%5B2020-01-01%20TO%202020-03-01%5D",
    ),
    ("facets", "/api/entities?type=topic"),
    (
        "facets priority:urgent",
        "/api/entities?type=place&q=priority:urgent",
    ),
    ("feed top.atom", "/feeds/top.atom"),
    (
        "feed search.json priority:urgent",
        "/feeds/search.json?q=priority:urgent",
    ),
    (
        "search priority:urgent",
        "/api/search?limit=10&q=priority:urgent",
    ),
    (
        "search priority:urgent newest first, 50",
        "/api/search?limit=50&sort=time&q=priority:urgent",
    ),
    (
        "search said newest first, 200",
        "/api/search?limit=200&sort=time&q=said",
    ),
];
const READ_SAMPLES: usize = 40;

/// Each of [`READS`] over HTTP, [`READ_SAMPLES`] times in turn, while the
/// caller's publisher runs: p50/p90/p99 per read.
fn reads(
    rt: &tokio::runtime::Runtime,
    http: &reqwest::Client,
    url: &str,
    stories: u64,
) -> Result<Vec<Figure>, BenchError> {
    let mut timed: Vec<Vec<f64>> = vec![Vec::new(); READS.len()];
    rt.block_on(async {
        for _ in 0..READ_SAMPLES {
            for ((_, path), samples) in READS.iter().zip(&mut timed) {
                let t = Instant::now();
                let resp = http.get(format!("{url}{path}")).send().await?;
                let status = resp.status();
                let _ = resp.bytes().await?;
                if !status.is_success() {
                    return Err(BenchError::Failed(format!("{path} answered {status}")));
                }
                samples.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        Ok::<_, BenchError>(())
    })?;
    Ok(READS
        .iter()
        .zip(&mut timed)
        .map(|((name, _), samples)| {
            let (p50, p90, p99) = percentiles(samples);
            Figure::new("read")
                .with("read", *name)
                .with("stories", stories)
                .with("p50_ms", r2(p50))
                .with("p90_ms", r2(p90))
                .with("p99_ms", r2(p99))
        })
        .collect())
}

/// `n` written in letters (a, b, …, z, ba, bb, …): a word no other probe has.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Ack latency of single publishes, one at a time.
fn ack_latency(
    rt: &tokio::runtime::Runtime,
    http: &reqwest::Client,
    url: &str,
    archive: &'static str,
    stories: u64,
) -> Result<Figure, BenchError> {
    let mut lat = rt.block_on(async {
        let mut lat = Vec::new();
        for i in 0..ACK_SAMPLES {
            // A word of letters only: the server takes a text that differs
            // from an earlier one in numbers alone as that story repeated.
            let word = format!("{archive}{}", letters(i));
            let md =
                format!("---\nheadline: Ack probe {word}\n---\nA probe of ack latency, {word}.\n");
            let t = Instant::now();
            crate::publish_markdown(http, url, None, md).await?;
            lat.push(t.elapsed().as_secs_f64() * 1e3);
        }
        Ok::<_, BenchError>(lat)
    })?;
    let (p50, p90, p99) = percentiles(&mut lat);
    Ok(Figure::new("ack")
        .with("archive", archive)
        .with("stories", stories)
        .with("p50_ms", r2(p50))
        .with("p90_ms", r2(p90))
        .with("p99_ms", r2(p99)))
}

/// Publishes stories with a word of their own and searches for it as soon
/// as the publish is acknowledged; a miss is retried until found, and the
/// wait is the delay.
fn read_after_write(
    rt: &tokio::runtime::Runtime,
    http: &reqwest::Client,
    url: &str,
) -> Result<Figure, BenchError> {
    let bar = progress(READ_AFTER_WRITE as u64, "newsterm: publish then search");
    let (misses, mut delays) = rt.block_on(async {
        let mut misses = 0u64;
        let mut delays = Vec::new();
        for i in 0..READ_AFTER_WRITE {
            let word = format!("rawprobe{i}x{}", std::process::id());
            let md = format!(
                "---\nheadline: Probe {}\n---\nThis story alone says {word}.\n",
                letters(i)
            );
            crate::publish_markdown(http, url, None, md).await?;
            let acked = Instant::now();
            let mut first = true;
            loop {
                let found: newsterm_api::SearchResponse = http
                    .get(format!("{url}/api/search"))
                    .query(&[("q", word.as_str()), ("limit", "1")])
                    .send()
                    .await?
                    .json()
                    .await?;
                if found.total > 0 {
                    break;
                }
                if first {
                    misses += 1;
                    first = false;
                }
                if acked.elapsed() > Duration::from_secs(30) {
                    return Err(BenchError::Failed(format!(
                        "{word} never became searchable"
                    )));
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            delays.push(if first {
                0.0
            } else {
                acked.elapsed().as_secs_f64() * 1e3
            });
            bar.inc(1);
        }
        Ok::<_, BenchError>((misses, delays))
    })?;
    bar.finish_and_clear();
    let max = delays.iter().copied().fold(0.0, f64::max);
    let (p50, _, p99) = percentiles(&mut delays);
    Ok(Figure::new("raw")
        .with("publishes", READ_AFTER_WRITE as u64)
        .with("missed_at_first_search", misses)
        .with("delay_p50_ms", r2(p50))
        .with("delay_p99_ms", r2(p99))
        .with("delay_max_ms", r2(max)))
}

fn fts5(
    config: &BenchConfig,
    archive: &Archive,
    stories: u64,
    qs: &[BenchQuery],
) -> Result<Vec<Figure>, BenchError> {
    let dir = config
        .scratch
        .join(format!("newsterm-bench-fts5-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("fts.db");
    let sql = |e: rusqlite::Error| BenchError::Failed(format!("FTS5: {e}"));
    let mut conn = rusqlite::Connection::open(&path).map_err(sql)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE TABLE stories (id INTEGER PRIMARY KEY, published INTEGER NOT NULL, priority TEXT, source TEXT);
         CREATE INDEX stories_published ON stories (published);
         CREATE VIRTUAL TABLE fts USING fts5(headline, body, tokenize = 'unicode61 remove_diacritics 2');",
    )
    .map_err(sql)?;
    let bar = progress(stories, "FTS5: load");
    let started = Instant::now();
    let mut i = 0;
    while i < stories {
        let end = (i + 10_000).min(stories);
        let tx = conn.transaction().map_err(sql)?;
        {
            let mut meta = tx
                .prepare_cached(
                    "INSERT INTO stories (id, published, priority, source) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(sql)?;
            let mut text = tx
                .prepare_cached("INSERT INTO fts (rowid, headline, body) VALUES (?1, ?2, ?3)")
                .map_err(sql)?;
            for n in i..end {
                let s = archive.story(n);
                let id = n as i64 + 1;
                meta.execute(rusqlite::params![id, s.published, s.priority, s.source])
                    .map_err(sql)?;
                text.execute(rusqlite::params![id, s.headline, s.paragraphs.join("\n\n")])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        bar.inc(end - i);
        i = end;
    }
    bar.finish_and_clear();
    let loaded = started.elapsed().as_secs_f64();
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
    let mut figures = vec![
        Figure::new("load")
            .with("system", "sqlite-fts5")
            .with("stories", stories)
            .with("searchable_s", r1(loaded))
            .with("disk_bytes_per_story", dir_bytes(&dir) / stories.max(1)),
    ];
    let bar = progress(qs.len() as u64, "FTS5: queries");
    let mut timed = Vec::with_capacity(qs.len());
    for q in qs {
        let (range_sql, from, to) = match q.range {
            Some((from, to)) => (" AND s.published >= ?2 AND s.published < ?3", from, to),
            None => (" AND ?2 <= ?3", 0, 0),
        };
        let top_sql = format!(
            "SELECT s.id FROM fts JOIN stories s ON s.id = fts.rowid
             WHERE fts MATCH ?1{range_sql} ORDER BY bm25(fts, 2.0, 1.0) LIMIT 10"
        );
        let count_sql = format!(
            "SELECT count(*) FROM fts JOIN stories s ON s.id = fts.rowid WHERE fts MATCH ?1{range_sql}"
        );
        let t = Instant::now();
        let params = rusqlite::params![q.fts5(), from, to];
        let mut stmt = conn.prepare_cached(&top_sql).map_err(sql)?;
        let ids: Vec<i64> = stmt
            .query_map(params, |r| r.get(0))
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        let total: i64 = conn
            .prepare_cached(&count_sql)
            .map_err(sql)?
            .query_row(params, |r| r.get(0))
            .map_err(sql)?;
        std::hint::black_box((ids, total));
        timed.push((q.class, t.elapsed().as_secs_f64() * 1e3));
        bar.inc(1);
    }
    bar.finish_and_clear();
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
    figures.extend(query_figures("search", "sqlite-fts5", stories, &timed));
    Ok(figures)
}

/// A private PostgreSQL cluster in a temporary directory, on a loopback
/// port and a socket of its own; stopped and removed on drop.
struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

impl Cluster {
    fn start(scratch: &Path) -> Result<Cluster, BenchError> {
        let pg_ctl = find_pg_ctl().ok_or_else(|| BenchError::Failed("pg_ctl not found".into()))?;
        let bin = pg_ctl
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| BenchError::Failed("pg_ctl has no directory".into()))?;
        let dir = scratch.join(format!("newsterm-bench-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let cluster = Cluster { dir, port, bin };
        // PostgreSQL refuses to run as root; run it as `postgres` then.
        cluster.chown()?;
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-U",
                "bench",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=1GB -c synchronous_commit=off -c max_wal_size=8GB",
            cluster.port,
            cluster.dir.display()
        );
        let log = format!("{}/log", cluster.dir.display());
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &cluster.data(),
                "-o",
                &opts,
                "-l",
                &log,
                "-w",
                "start",
            ],
        )?;
        Ok(cluster)
    }

    fn data(&self) -> String {
        format!("{}/data", self.dir.display())
    }

    fn as_root() -> bool {
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() == 0 }
    }

    fn chown(&self) -> Result<(), BenchError> {
        if Cluster::as_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres", &self.dir.display().to_string()])
                .status()?;
            if !status.success() {
                return Err(BenchError::Failed(
                    "cannot give the cluster to postgres".into(),
                ));
            }
        }
        Ok(())
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if Cluster::as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), BenchError> {
        let out = self
            .command(program)
            .args(args)
            .stdout(Stdio::null())
            .output()?;
        if !out.status.success() {
            return Err(BenchError::Failed(format!(
                "{program}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    /// `psql` on the cluster, reading SQL from stdin.
    fn psql(&self) -> Command {
        let mut c = self.command("psql");
        c.args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "bench",
            "-d",
            "postgres",
        ]);
        c
    }

    fn psql_script(&self, script: &str) -> Result<String, BenchError> {
        let mut child = self
            .psql()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(script.as_bytes())?;
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            return Err(BenchError::Failed(format!(
                "psql: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn find_pg_ctl() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("pg_ctl"))
            .find(|p| p.exists())
    });
    on_path
        .or_else(|| {
            let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(Result::ok)
                .map(|e| e.path().join("bin/pg_ctl"))
                .filter(|p| p.exists())
                .collect();
            found.sort();
            found.pop()
        })
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn postgres(
    config: &BenchConfig,
    archive: &Archive,
    stories: u64,
    qs: &[BenchQuery],
) -> Result<Vec<Figure>, BenchError> {
    let cluster = Cluster::start(&config.scratch)?;
    cluster.psql_script(
        "CREATE TABLE stories (id bigint PRIMARY KEY, published timestamptz NOT NULL, priority text, source text, headline text, body text);",
    )?;
    let bar = progress(stories, "PostgreSQL: load");
    let started = Instant::now();
    let mut copy = cluster
        .psql()
        .args(["-c", "COPY stories FROM STDIN (FORMAT csv)"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    {
        let stdin = copy
            .stdin
            .as_mut()
            .ok_or_else(|| BenchError::Failed("psql has no stdin".into()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, stdin);
        let csv = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        for n in 0..stories {
            let s = archive.story(n);
            let published = time::OffsetDateTime::from_unix_timestamp(s.published)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default();
            writeln!(
                out,
                "{},{},{},{},{},{}",
                n + 1,
                published,
                s.priority,
                csv(s.source),
                csv(&s.headline),
                csv(&s.paragraphs.join("\n\n"))
            )?;
            if n % 1_000 == 0 {
                bar.set_position(n);
            }
        }
        out.flush()?;
    }
    let status = copy.wait()?;
    if !status.success() {
        return Err(BenchError::Failed("COPY into PostgreSQL failed".into()));
    }
    bar.set_message("PostgreSQL: GIN index");
    cluster.psql_script(
        "ALTER TABLE stories ADD COLUMN tsv tsvector GENERATED ALWAYS AS
             (setweight(to_tsvector('simple', headline), 'A') || to_tsvector('simple', body)) STORED;
         CREATE INDEX stories_tsv ON stories USING gin (tsv);
         CREATE INDEX stories_published ON stories (published);
         VACUUM ANALYZE stories;",
    )?;
    bar.finish_and_clear();
    let loaded = started.elapsed().as_secs_f64();
    let disk = dir_bytes(&cluster.dir.join("data/base"));
    let mut figures = vec![
        Figure::new("load")
            .with("system", "postgresql")
            .with("stories", stories)
            .with("searchable_s", r1(loaded))
            .with("disk_bytes_per_story", disk / stories.max(1)),
    ];
    // One session: \timing prints each statement's round trip.
    let mut script = String::from("\\timing on\n\\o /dev/null\n");
    for q in qs {
        let range = match q.range {
            Some((from, to)) => {
                format!(" AND published >= to_timestamp({from}) AND published < to_timestamp({to})")
            }
            None => String::new(),
        };
        let tsq = format!("to_tsquery('simple', {})", sql_text(&q.tsquery()));
        script.push_str(&format!(
            "SELECT id FROM stories WHERE tsv @@ {tsq}{range} ORDER BY ts_rank(tsv, {tsq}) DESC LIMIT 10;\n\
             SELECT count(*) FROM stories WHERE tsv @@ {tsq}{range};\n"
        ));
    }
    let bar = progress(1, "PostgreSQL: queries");
    let out = cluster.psql_script(&script)?;
    bar.finish_and_clear();
    let times: Vec<f64> = out
        .lines()
        .filter_map(|l| l.strip_prefix("Time: "))
        .filter_map(|t| t.split_whitespace().next())
        .filter_map(|ms| ms.parse().ok())
        .collect();
    if times.len() != 2 * qs.len() {
        return Err(BenchError::Failed(format!(
            "psql timed {} statements, expected {}",
            times.len(),
            2 * qs.len()
        )));
    }
    let timed: Vec<(Class, f64)> = qs
        .iter()
        .zip(times.chunks(2))
        .map(|(q, pair)| (q.class, pair.iter().sum()))
        .collect();
    figures.extend(query_figures("search", "postgresql", stories, &timed));
    Ok(figures)
}
