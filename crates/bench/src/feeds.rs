//! Feeds: items/s parsed from the real feed files (every file under the
//! feeds folder, repeated), items/s parsed *and* ingested through the
//! server's feed import, and polls/s with 1,000 sources against a local
//! HTTP server.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use newsterm_feed::{
    Every, FetchOptions, Fetcher, IngestItem, NewSource, ParseOptions, Poller, PollerOptions,
    SinkResult, SourceStore,
};
use newsterm_story::{Priority, StoryId};

use crate::report::{Figure, r1};
use crate::{BenchConfig, BenchError, BenchServer, progress};

const PARSE_ROUNDS: usize = 5;
const SOURCES: usize = 1_000;

pub fn run(config: &BenchConfig) -> Result<Vec<Figure>, BenchError> {
    let files = feed_files(&config.feeds_dir);
    if files.is_empty() {
        eprintln!(
            "note: no feed files under {}; feed benchmarks skipped (pass --feeds DIR)",
            config.feeds_dir.display()
        );
        return Ok(Vec::new());
    }
    let docs: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    Ok(vec![parse(&docs), ingest(config, &docs)?, poll(config)?])
}

fn feed_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "xml" || x == "json" || x == "rss" || x == "atom")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file parsed `PARSE_ROUNDS` times; only well-formed items count.
fn parse(docs: &[Vec<u8>]) -> Figure {
    let bar = progress((docs.len() * PARSE_ROUNDS) as u64, "parse feeds");
    let opts = ParseOptions::default();
    let started = Instant::now();
    let mut items = 0usize;
    let mut refused = 0usize;
    for _ in 0..PARSE_ROUNDS {
        for d in docs {
            match newsterm_feed::parse(d, &opts) {
                Ok(feed) => items += feed.items.iter().filter(|i| i.content.is_ok()).count(),
                Err(_) => refused += 1,
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    Figure::new("feeds")
        .with("what", "parse")
        .with("files", docs.len() as u64)
        .with("items", (items / PARSE_ROUNDS) as u64)
        .with("refused_files", (refused / PARSE_ROUNDS) as u64)
        .with("items_per_s", r1(items as f64 / secs))
        .with(
            "mb_per_s",
            r1(docs.iter().map(Vec::len).sum::<usize>() as f64 * PARSE_ROUNDS as f64 / secs / 1e6),
        )
}

/// Every file imported once through `POST /api/import-feed`: parsed,
/// tagged, stored durably, indexed.
fn ingest(config: &BenchConfig, docs: &[Vec<u8>]) -> Result<Figure, BenchError> {
    let server = BenchServer::start(&config.scratch, "feeds")?;
    let rt = tokio::runtime::Runtime::new()?;
    let bar = progress(docs.len() as u64, "import feeds");
    let (secs, stored) = rt.block_on(async {
        let http = newsterm_client::http();
        let started = Instant::now();
        let mut stored = 0u64;
        for d in docs {
            let resp = http
                .post(format!("{}/api/import-feed", server.url))
                .body(d.clone())
                .send()
                .await?;
            if resp.status().is_success() {
                let report: serde_json::Value = resp.json().await?;
                stored +=
                    report["new"].as_u64().unwrap_or(0) + report["revised"].as_u64().unwrap_or(0);
            }
            bar.inc(1);
        }
        Ok::<_, BenchError>((started.elapsed().as_secs_f64(), stored))
    })?;
    bar.finish_and_clear();
    Ok(Figure::new("feeds")
        .with("what", "parse+tag+store")
        .with("files", docs.len() as u64)
        .with("stories", stored)
        .with("stories_per_s", r1(stored as f64 / secs)))
}

/// 1,000 sources on a local server, polled by the real poller (fetch,
/// parse, dedupe) into a sink that counts; polls/s until each was polled
/// once.
fn poll(config: &BenchConfig) -> Result<Figure, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let dir = config
        .scratch
        .join(format!("newsterm-bench-poll-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let result = rt.block_on(async {
        let doc: &'static str = FEED;
        let app = axum::Router::new().route(
            "/feed/{n}",
            axum::routing::get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/rss+xml")],
                    doc,
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, app).await });

        let store = Arc::new(
            SourceStore::open(&dir.join("sources.db"))
                .map_err(|e| BenchError::Failed(e.to_string()))?,
        );
        for n in 0..SOURCES {
            store
                .add(&NewSource {
                    url: format!("http://{addr}/feed/{n}"),
                    name: Some(format!("Source {n}")),
                    every: "1h"
                        .parse::<Every>()
                        .map_err(|e| BenchError::Failed(e.to_string()))?,
                    priority: Priority::Normal,
                })
                .map_err(|e| BenchError::Failed(e.to_string()))?;
        }
        let taken = Arc::new(AtomicUsize::new(0));
        let counter = taken.clone();
        let sink = move |items: Vec<IngestItem>| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(items.len(), Ordering::Relaxed);
                let out: SinkResult = Ok(items.iter().map(|_| Ok((StoryId::new(), 1))).collect());
                out
            }
        };
        let fetcher =
            Fetcher::new(FetchOptions::default()).map_err(|e| BenchError::Failed(e.to_string()))?;
        let poller = Poller::new(
            store.clone(),
            fetcher,
            sink,
            PollerOptions {
                concurrency: 64,
                tick: Duration::from_millis(50),
            },
        );
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let bar = progress(SOURCES as u64, "poll 1,000 sources");
        let started = Instant::now();
        let running = {
            let poller = poller.clone();
            tokio::spawn(async move { poller.run(stop_rx).await })
        };
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let polled = store
                .list()
                .map_err(|e| BenchError::Failed(e.to_string()))?
                .iter()
                .filter(|s| s.status.health.last_success.is_some())
                .count();
            bar.set_position(polled as u64);
            if polled >= SOURCES || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let secs = started.elapsed().as_secs_f64();
        let _ = stop.send(true);
        let _ = running.await;
        bar.finish_and_clear();
        Ok::<_, BenchError>(
            Figure::new("feeds")
                .with("what", "poll")
                .with("sources", SOURCES as u64)
                .with("seconds", r1(secs))
                .with("polls_per_s", r1(SOURCES as f64 / secs))
                .with("items_taken", taken.load(Ordering::Relaxed) as u64),
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A small, ordinary RSS 2.0 feed of five items.
const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bench Wire</title><link>http://example.org/</link><description>bench</description>
<item><guid>1</guid><title>Port reopens after storm</title><description>Ships returned to the harbour on Monday.</description></item>
<item><guid>2</guid><title>Council approves budget</title><description>The vote was 7 to 2.</description></item>
<item><guid>3</guid><title>Rail strike called off</title><description>Unions and operators reached a deal.</description></item>
<item><guid>4</guid><title>Museum doubles visitors</title><description>A new wing opened in March.</description></item>
<item><guid>5</guid><title>Heatwave expected</title><description>Temperatures may reach 38 degrees.</description></item>
</channel></rss>
"#;
