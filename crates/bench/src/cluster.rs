//! `newsterm bench cluster`: newsterm nodes (`serve --nats … --node …`,
//! separate processes) on a 3-server NATS JetStream cluster on loopback,
//! started by the bench with JetStream on temporary directories, as the
//! cluster tests start theirs.
//!
//! For 1 and 3 nodes, each on a fresh NATS cluster:
//! - **publish**: stories/s acknowledged with 8 publishers spread over
//!   the nodes, each waiting for its ack (stored in the stream on a
//!   majority and applied by the node it sent to), the ack's p50/p99, and
//!   how long until every node had applied all of them;
//! - **latency**: publish → subscriber p50/p99 with SSE subscribers spread
//!   over the nodes (publishes go round the nodes too, one at a time at
//!   the fan-out bench's pace), from the start of the publish to the
//!   subscriber reading the event, on whichever node it listens to. A
//!   size that cannot run is said, with why, and half of it tried.
//!
//! With 3 nodes, then, **catch-up**: one node is killed (SIGKILL), a
//! generated archive of `behind` stories is imported through another
//! (untagged, as the search bench loads its archive), and the killed node
//! is started again on its data directory: the stories/s it applies and
//! the time until its `/healthz` says it is caught up (applied all the
//! stream holds) and indexed.
//!
//! Beside it, in the same run, **the durable peer**: plain JetStream on a
//! fresh 3-server cluster (a stream with file storage and 3 replicas),
//! driven by async-nats directly: the same Markdown payloads published
//! by 8 publishers each awaiting its ack, and publish → push-consumer
//! latency with the same number of subscribers (core subscriptions of
//! one durable push consumer's delivery subject, spread over the three
//! servers). JetStream stores the bytes; newsterm also parses, tags,
//! groups, commits to SQLite on every node and indexes.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use newsterm_api::Health;

use crate::archive::Archive;
use crate::fanout::{
    Scratch, ServerProcess, WARMUP, attach, gather, nats_subscriber, pace, publish_http,
    raise_fd_limit, sse_subscriber, stories_for, summarize, wait_for_subscribers,
};
use crate::floor::Floor;
use crate::nats::NatsCluster;
use crate::report::{Figure, Percentiles, r1};
use crate::throughput::publish_concurrently;
use crate::{BenchConfig, BenchError, Report, markdown_stories, progress};

/// Subscriber counts measured when `--subscribers` does not pick one.
pub const SIZES: [usize; 3] = [1, 1_000, 10_000];
/// newsterm nodes measured.
const NODES: [usize; 2] = [1, 3];
/// NATS servers in every cluster the bench starts.
const NATS_SERVERS: usize = 3;
/// Stories published for the throughput figure unless `--stories` says.
pub const STORIES: usize = 2_000;
/// Stories a node is behind for the catch-up figure unless `--behind`.
pub const BEHIND: usize = 100_000;
/// Concurrent publishers for the throughput figures.
const PUBLISHERS: usize = 8;
/// A size that fails is halved down to this before giving up.
const SMALLEST_FALLBACK: usize = 500;
/// Lines per import request while filling the stream.
const IMPORT_BATCH: usize = 1_000;
/// The archive generator's seed (the search bench's is another).
const SEED: u64 = 11;
/// How long a node may take to catch up before the bench gives up.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(1_800);
/// The peer's stream and subjects.
const PEER_STREAM: &str = "BENCH_PEER";
const PEER_SUBJECT: &str = "bench.peer.wire";

/// Runs it all, adding each figure to `report` as it is measured.
pub fn run(config: &BenchConfig, floor: &Floor, report: &mut Report) -> Result<(), BenchError> {
    let sizes: Vec<usize> = match config.subscribers {
        Some(n) => vec![n],
        None => SIZES.to_vec(),
    };
    let stories = config.stories.unwrap_or(STORIES);
    let behind = config.behind.unwrap_or(BEHIND);
    raise_fd_limit(sizes.iter().max().copied().unwrap_or(1) * 2 + 1_024);
    eprintln!("peer: {}", crate::nats::version());
    for nodes in NODES {
        let scratch = Scratch::new(&config.scratch, &format!("cluster{nodes}"));
        let nats = NatsCluster::start(&scratch.0.join("nats"), NATS_SERVERS)?;
        let mut cluster = Nodes::start(config, &scratch.0, &nats, nodes)?;
        report.add(throughput(config, &cluster, stories)?);
        for &size in &sizes {
            let mut n = size;
            loop {
                match latency(config, floor, &cluster, n) {
                    Ok(fig) => {
                        report.add(fig);
                        break;
                    }
                    Err(e) => {
                        report.add(
                            Figure::new("cluster")
                                .with("system", "newsterm")
                                .with("what", "latency")
                                .with("nodes", nodes as u64)
                                .with("subscribers", n as u64)
                                .with("failed", e.to_string()),
                        );
                        if n / 2 < SMALLEST_FALLBACK {
                            break;
                        }
                        n /= 2;
                    }
                }
            }
        }
        if nodes == 3 && behind > 0 {
            report.add(catch_up(config, &mut cluster, behind)?);
        }
        drop(cluster);
        drop(nats);
    }
    peer(config, floor, report, &sizes, stories)
}

/// `n` newsterm nodes, node `i` talking first to NATS server `i`.
struct Nodes {
    exe: std::path::PathBuf,
    dirs: Vec<std::path::PathBuf>,
    args: Vec<Vec<String>>,
    procs: Vec<Option<ServerProcess>>,
    urls: Vec<String>,
}

impl Nodes {
    fn start(
        config: &BenchConfig,
        scratch: &Path,
        nats: &NatsCluster,
        n: usize,
    ) -> Result<Nodes, BenchError> {
        let mut nodes = Nodes {
            exe: config.server_exe.clone(),
            dirs: Vec::new(),
            args: Vec::new(),
            procs: Vec::new(),
            urls: Vec::new(),
        };
        for i in 0..n {
            nodes.dirs.push(scratch.join(format!("node{}", i + 1)));
            nodes.args.push(vec![
                "--nats".into(),
                nats.urls_from(i % nats.len()),
                "--node".into(),
                format!("node{}", i + 1),
            ]);
            let proc = ServerProcess::start(&nodes.exe, &nodes.dirs[i], &nodes.args[i])?;
            nodes.urls.push(proc.url.clone());
            nodes.procs.push(Some(proc));
        }
        Ok(nodes)
    }

    fn kill(&mut self, i: usize) {
        self.procs[i] = None;
    }

    /// Starts node `i` again on its data directory; its URL changes.
    fn restart(&mut self, i: usize) -> Result<(), BenchError> {
        self.kill(i);
        let proc = ServerProcess::start(&self.exe, &self.dirs[i], &self.args[i])?;
        self.urls[i] = proc.url.clone();
        self.procs[i] = Some(proc);
        Ok(())
    }
}

async fn health(http: &reqwest::Client, url: &str) -> Result<Health, BenchError> {
    Ok(http
        .get(format!("{url}/healthz"))
        .send()
        .await?
        .json()
        .await?)
}

/// Stories/s acknowledged with [`PUBLISHERS`] publishers over the nodes,
/// and the time until every node applied them all.
fn throughput(config: &BenchConfig, nodes: &Nodes, stories: usize) -> Result<Figure, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let n = nodes.urls.len();
    let list = Arc::new(markdown_stories(
        &config.corpus,
        stories,
        &format!("tput{n}-"),
    ));
    if list.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    let bar = progress(stories as u64, &format!("cluster publish, {n} node(s)"));
    let http = newsterm_client::http();
    let urls = nodes.urls.clone();
    let (sent, everywhere) = rt.block_on(async {
        let send_http = http.clone();
        let sent = publish_concurrently(PUBLISHERS, &list, &bar, move |c, s| {
            let (http, url) = (send_http.clone(), urls[c % urls.len()].clone());
            async move { Ok(crate::publish_markdown(&http, &url, None, s).await?.seq) }
        })
        .await?;
        let started = Instant::now();
        for url in &nodes.urls {
            while health(&http, url).await?.last_seq < sent.highest {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        let everywhere = sent.secs + started.elapsed().as_secs_f64();
        Ok::<_, BenchError>((sent, everywhere))
    })?;
    let (secs, mut lat) = (sent.secs, sent.latencies);
    bar.finish_and_clear();
    let p = Percentiles::of(&mut lat);
    Ok(Figure::new("cluster")
        .with("system", "newsterm")
        .with("what", "publish")
        .with("nodes", n as u64)
        .with("publishers", PUBLISHERS as u64)
        .with("stories", stories as u64)
        .with("stories_per_s", r1(stories as f64 / secs))
        .with("ack_p50_us", r1(p.p50))
        .with("ack_p99_us", r1(p.p99))
        .with("on_every_node_s", r1(everywhere)))
}

/// Stories measured for latency: the fan-out bench's count for the size,
/// or `--stories` when that is fewer.
fn latency_stories(config: &BenchConfig, subscribers: usize) -> usize {
    stories_for(subscribers).min(config.stories.unwrap_or(usize::MAX).max(1))
}

/// Publish → subscriber latency with `subscribers` SSE subscribers spread
/// over the nodes.
fn latency(
    config: &BenchConfig,
    floor: &Floor,
    nodes: &Nodes,
    subscribers: usize,
) -> Result<Figure, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let n = nodes.urls.len();
    let total = latency_stories(config, subscribers) + WARMUP;
    let stories = markdown_stories(&config.corpus, total, &format!("lat{n}-{subscribers}-"));
    let bar = progress(
        total as u64,
        &format!("cluster fan-out to {subscribers} over {n} node(s)"),
    );
    let result = rt.block_on(async {
        let subs = attach(subscribers, |i, ready| {
            let url = nodes.urls[i % n].clone();
            async move { sse_subscriber(&url, None, total, ready).await }
        })
        .await?;
        for (j, url) in nodes.urls.iter().enumerate() {
            wait_for_subscribers(url, (j..subscribers).step_by(n).count()).await?;
        }
        let sent = publish_http(&nodes.urls, None, stories, subscribers, &bar).await?;
        Ok::<_, BenchError>((sent, gather(subs).await?))
    });
    bar.finish_and_clear();
    rt.shutdown_timeout(Duration::from_secs(2));
    let (sent, received) = result?;
    let fig = Figure::new("cluster")
        .with("system", "newsterm")
        .with("what", "latency")
        .with("nodes", n as u64)
        .with("transport", "sse");
    Ok(summarize(fig, floor, subscribers, total, &sent, &received))
}

/// Kills the last node, imports `behind` stories through the first, and
/// times the killed node's catch-up after it is started again.
fn catch_up(config: &BenchConfig, nodes: &mut Nodes, behind: usize) -> Result<Figure, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let http = newsterm_client::http();
    let last = nodes.urls.len() - 1;
    let had = rt.block_on(health(&http, &nodes.urls[last]))?.last_seq;
    nodes.kill(last);
    let archive = Archive::new(&config.corpus, SEED);
    if archive.is_empty() {
        return Err(BenchError::Failed("no stories in the corpus".into()));
    }
    let bar = progress(behind as u64, "cluster: filling the stream (import)");
    let head = rt.block_on(async {
        let mut i = 0u64;
        while i < behind as u64 {
            let end = (i + IMPORT_BATCH as u64).min(behind as u64);
            let body = (i..end)
                .map(|n| archive.json_line(n))
                .collect::<Vec<_>>()
                .join("\n");
            crate::throughput::import_batch(&http, &nodes.urls[0], body, false).await?;
            bar.inc(end - i);
            i = end;
        }
        Ok::<_, BenchError>(health(&http, &nodes.urls[0]).await?.last_seq)
    })?;
    bar.finish_and_clear();
    let missed = head.saturating_sub(had);
    let bar = progress(missed, "cluster: catching up");
    let started = Instant::now();
    nodes.restart(last)?;
    let listening = started.elapsed().as_secs_f64();
    let url = nodes.urls[last].clone();
    let (applied_s, indexed_s) = rt.block_on(async {
        let deadline = started + CATCH_UP_LIMIT;
        let mut applied_s = None;
        loop {
            let h = health(&http, &url).await?;
            let cluster = h.cluster.unwrap_or_default();
            bar.set_position(cluster.applied_seq.saturating_sub(had));
            if applied_s.is_none() && cluster.applied_seq >= head && cluster.behind == 0 {
                applied_s = Some(started.elapsed().as_secs_f64());
            }
            if let Some(applied) = applied_s
                && h.indexed_seq >= head
            {
                return Ok((applied, started.elapsed().as_secs_f64()));
            }
            if Instant::now() > deadline {
                return Err(BenchError::Failed(format!(
                    "the restarted node applied {} of {head} in {} s",
                    cluster.applied_seq,
                    CATCH_UP_LIMIT.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })?;
    bar.finish_and_clear();
    Ok(Figure::new("cluster")
        .with("system", "newsterm")
        .with("what", "catch-up")
        .with("nodes", nodes.urls.len() as u64)
        .with("behind", missed)
        .with("listening_after_s", r1(listening))
        .with("caught_up_s", r1(applied_s))
        .with("applied_per_s", r1(missed as f64 / applied_s))
        .with("indexed_after_s", r1(indexed_s)))
}

fn nats_failed(what: &str) -> impl Fn(&dyn std::fmt::Display) -> BenchError + '_ {
    move |e| BenchError::Failed(format!("JetStream peer, {what}: {e}"))
}

/// Plain JetStream, file storage, 3 replicas, on a fresh 3-server
/// cluster: publish throughput and publish → push-consumer latency.
fn peer(
    config: &BenchConfig,
    floor: &Floor,
    report: &mut Report,
    sizes: &[usize],
    stories: usize,
) -> Result<(), BenchError> {
    let scratch = Scratch::new(&config.scratch, "cluster-peer");
    let nats = NatsCluster::start(&scratch.0.join("nats"), NATS_SERVERS)?;
    let rt = tokio::runtime::Runtime::new()?;
    let stream = rt.block_on(async {
        let client = async_nats::connect(nats.url(0))
            .await
            .map_err(|e| nats_failed("connect")(&e))?;
        let js = jetstream::new(client);
        let stream_config = jetstream::stream::Config {
            name: PEER_STREAM.into(),
            subjects: vec!["bench.peer.>".into()],
            storage: jetstream::stream::StorageType::File,
            num_replicas: NATS_SERVERS,
            ..Default::default()
        };
        // The servers elect a JetStream leader first.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match js.get_or_create_stream(stream_config.clone()).await {
                Ok(stream) => return Ok::<_, BenchError>((js, stream)),
                Err(e) if Instant::now() > deadline => return Err(nats_failed("stream")(&e)),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    })?;
    let (js, stream) = stream;
    report.add(rt.block_on(peer_throughput(config, &js, stories))?);
    for &n in sizes {
        let fig = rt.block_on(peer_latency(config, floor, &nats, &js, &stream, n));
        match fig {
            Ok(fig) => report.add(fig),
            Err(e) => report.add(
                Figure::new("cluster")
                    .with("system", "jetstream")
                    .with("what", "latency")
                    .with("subscribers", n as u64)
                    .with("failed", e.to_string()),
            ),
        }
    }
    rt.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

async fn peer_throughput(
    config: &BenchConfig,
    js: &jetstream::Context,
    stories: usize,
) -> Result<Figure, BenchError> {
    let list = Arc::new(markdown_stories(&config.corpus, stories, "tput-"));
    let bar = progress(stories as u64, "JetStream publish");
    let js = js.clone();
    let sent = publish_concurrently(PUBLISHERS, &list, &bar, move |_, s| {
        let js = js.clone();
        async move {
            let ack = js
                .publish(PEER_SUBJECT, s.into())
                .await
                .map_err(|e| nats_failed("publish")(&e))?
                .await
                .map_err(|e| nats_failed("ack")(&e))?;
            Ok(ack.sequence)
        }
    })
    .await?;
    let (secs, mut lat) = (sent.secs, sent.latencies);
    bar.finish_and_clear();
    let p = Percentiles::of(&mut lat);
    Ok(Figure::new("cluster")
        .with("system", "jetstream")
        .with("what", "publish")
        .with("publishers", PUBLISHERS as u64)
        .with("stories", list.len() as u64)
        .with("stories_per_s", r1(list.len() as f64 / secs))
        .with("ack_p50_us", r1(p.p50))
        .with("ack_p99_us", r1(p.p99)))
}

/// `subscribers` core subscriptions, spread over the servers, of one
/// durable push consumer's delivery subject; each story published and
/// its ack awaited, at the fan-out bench's pace.
async fn peer_latency(
    config: &BenchConfig,
    floor: &Floor,
    nats: &NatsCluster,
    js: &jetstream::Context,
    stream: &jetstream::stream::Stream,
    subscribers: usize,
) -> Result<Figure, BenchError> {
    let total = latency_stories(config, subscribers) + WARMUP;
    let stories = markdown_stories(&config.corpus, total, &format!("lat-{subscribers}-"));
    let deliver = format!("bench.deliver.{subscribers}");
    let servers: Vec<String> = (0..nats.len()).map(|i| nats.url(i)).collect();
    let subs = attach(subscribers, |i, ready| {
        let url = servers[i % servers.len()].clone();
        let deliver = deliver.clone();
        async move { nats_subscriber(&url, &deliver, total, ready).await }
    })
    .await?;
    let durable = format!("peer{subscribers}");
    stream
        .create_consumer(jetstream::consumer::push::Config {
            durable_name: Some(durable.clone()),
            deliver_subject: deliver.clone(),
            deliver_policy: jetstream::consumer::DeliverPolicy::New,
            ack_policy: jetstream::consumer::AckPolicy::None,
            ..Default::default()
        })
        .await
        .map_err(|e| nats_failed("consumer")(&e))?;
    let bar = progress(
        total as u64,
        &format!("JetStream push consumer to {subscribers}"),
    );
    let mut sent: HashMap<u64, Instant> = HashMap::new();
    for (i, story) in stories.into_iter().enumerate() {
        // The sequence travels first, as the fan-out bench's NATS peer
        // sends it; the rest is the Markdown newsterm is sent.
        let seq = i as u64 + 1;
        let t = Instant::now();
        js.publish(PEER_SUBJECT, format!("{seq} {story}").into())
            .await
            .map_err(|e| nats_failed("publish")(&e))?
            .await
            .map_err(|e| nats_failed("ack")(&e))?;
        sent.insert(seq, t);
        bar.inc(1);
        tokio::time::sleep(pace(subscribers)).await;
    }
    let received = gather(subs).await?;
    bar.finish_and_clear();
    let _ = stream.delete_consumer(&durable).await;
    let fig = Figure::new("cluster")
        .with("system", "jetstream")
        .with("what", "latency")
        .with("transport", "push consumer");
    Ok(summarize(fig, floor, subscribers, total, &sent, &received))
}
