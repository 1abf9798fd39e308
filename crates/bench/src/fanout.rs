//! Publish → subscriber latency over SSE: N subscribers on loopback, one
//! publisher sending stories at a steady pace, and for every delivery the
//! time from the publisher starting its POST to the subscriber reading the
//! event off its socket. That span includes the durable SQLite commit
//! (store first, then fan-out), which the publish ack figures isolate.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::floor::Floor;
use crate::report::{Figure, Percentiles, r1};
use crate::{BenchConfig, BenchError, BenchServer, markdown_stories};

/// Stories published per run after the warm-up.
fn stories_for(subscribers: usize) -> usize {
    if subscribers >= 1000 { 100 } else { 300 }
}
const WARMUP: usize = 10;

pub fn sse(config: &BenchConfig, subscribers: usize, floor: &Floor) -> Result<Figure, BenchError> {
    raise_fd_limit(subscribers * 2 + 256);
    let server = BenchServer::start(&config.scratch, "fanout")?;
    let rt = tokio::runtime::Runtime::new()?;
    let total = stories_for(subscribers) + WARMUP;
    let stories = markdown_stories(&config.corpus, total);
    let addr = server.url.trim_start_matches("http://").to_string();
    // Leave the fan-out time to finish between stories, so the figure is
    // latency, not a queue building up.
    let pace = Duration::from_micros(2_000 + 20 * subscribers as u64);
    let bar = crate::progress(
        total as u64,
        &format!("fan-out to {subscribers} SSE subscriber(s)"),
    );

    let (sent, received) = rt.block_on(async {
        let mut subs = Vec::with_capacity(subscribers);
        for _ in 0..subscribers {
            let mut s = TcpStream::connect(&addr).await?;
            s.set_nodelay(true)?;
            s.write_all(
                format!(
                    "GET /api/stream HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
                )
                .as_bytes(),
            )
            .await?;
            subs.push(tokio::spawn(read_events(s, total)));
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while server.engine.wire().subscriber_count() < subscribers {
            if Instant::now() > deadline {
                return Err(BenchError::Failed("subscribers did not all connect".into()));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let http = reqwest::Client::new();
        let url = format!("{}/api/stories", server.url);
        let mut sent: HashMap<u64, Instant> = HashMap::new();
        for story in stories {
            let t = Instant::now();
            let ack: newsterm_api::PublishAck = http
                .post(&url)
                .header("content-type", "text/markdown")
                .body(story)
                .send()
                .await?
                .json()
                .await?;
            sent.insert(ack.seq, t);
            bar.inc(1);
            tokio::time::sleep(pace).await;
        }
        let mut received = Vec::with_capacity(subscribers);
        for s in subs {
            received.push(s.await.map_err(|e| BenchError::Failed(e.to_string()))??);
        }
        Ok::<_, BenchError>((sent, received))
    })?;
    bar.finish_and_clear();

    let first_seq = sent.keys().min().copied().unwrap_or(0);
    let mut latencies = Vec::new();
    let mut spread: HashMap<u64, (Instant, Instant)> = HashMap::new();
    let mut missing = 0usize;
    for sub in &received {
        let mut got = 0;
        for &(seq, at) in sub {
            if seq < first_seq + WARMUP as u64 {
                continue;
            }
            if let Some(t) = sent.get(&seq) {
                latencies.push(at.saturating_duration_since(*t));
                got += 1;
                let e = spread.entry(seq).or_insert((at, at));
                e.0 = e.0.min(at);
                e.1 = e.1.max(at);
            }
        }
        missing += (total - WARMUP).saturating_sub(got);
    }
    let p = Percentiles::of(&mut latencies);
    // The cost of each extra delivery: the time from the first subscriber
    // having a story to the last having it, shared among the others.
    let per_delivery_us = if subscribers > 1 {
        let mean: f64 = spread
            .values()
            .map(|(a, b)| b.duration_since(*a).as_secs_f64() * 1e6)
            .sum::<f64>()
            / spread.len().max(1) as f64;
        mean / (subscribers - 1) as f64
    } else {
        f64::NAN
    };
    let mut fig = Figure::new("fanout")
        .with("transport", "sse")
        .with("subscribers", subscribers as u64)
        .with("stories", (total - WARMUP) as u64)
        .with("p50_us", r1(p.p50))
        .with("p99_us", r1(p.p99))
        .with("max_us", r1(p.max))
        .with("p50_x_rtt", r1(p.p50 / floor.rtt_p50_us))
        .with("p99_x_rtt", r1(p.p99 / floor.rtt_p99_us))
        .with("missed", missing as u64);
    if subscribers > 1 {
        fig = fig
            .with("per_delivery_us", (per_delivery_us * 100.0).round() / 100.0)
            .with("per_delivery_x_write", r1(per_delivery_us / floor.write_us));
    }
    drop(server);
    Ok(fig)
}

/// Reads an SSE response and notes when each event's `id:` line arrived.
async fn read_events(mut s: TcpStream, want: usize) -> Result<Vec<(u64, Instant)>, BenchError> {
    let mut seen = Vec::with_capacity(want);
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry: Vec<u8> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while seen.len() < want {
        let n = match tokio::time::timeout_at(deadline.into(), s.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(e.into()),
        };
        let now = Instant::now();
        carry.extend_from_slice(&buf[..n]);
        // Events are whole lines; keep any partial line for the next read.
        let cut = carry.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        for line in carry[..cut].split(|&b| b == b'\n') {
            if let Some(rest) = line.strip_prefix(b"id: ") {
                if let Some(seq) = std::str::from_utf8(rest)
                    .ok()
                    .and_then(|s| s.trim().parse::<u64>().ok())
                {
                    seen.push((seq, now));
                }
            }
        }
        carry.drain(..cut);
    }
    Ok(seen)
}

/// 1,000 subscribers need twice as many sockets as the usual soft limit
/// allows; raise it toward the hard limit.
fn raise_fd_limit(want: usize) {
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && (lim.rlim_cur as usize) < want {
            lim.rlim_cur = (want as libc::rlim_t).min(lim.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}
