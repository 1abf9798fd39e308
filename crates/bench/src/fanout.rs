//! Publish → subscriber latency: N subscribers on loopback, one publisher
//! sending stories at a steady pace, and for every delivery the time from
//! the publisher starting its publish to the subscriber reading the event
//! off its socket.
//!
//! newsterm is measured over SSE and WebSocket, as a separate `newsterm
//! serve` process (as a reader would meet it), and beside it, in the same
//! run, NATS core pub/sub (Debian's `nats-server`, driven by async-nats)
//! carrying the same payloads to the same number of subscribers, and
//! durable NATS JetStream (file storage, an fsync per message, an ordered
//! push consumer per subscriber; see `durable.rs`) when a nats-server of
//! 2.10 or later is at hand. A newsterm publish is an HTTP request whose
//! story is parsed, validated and committed durably to SQLite before
//! fan-out; a NATS core publish is fire-and-forget with no storage, a
//! JetStream one is acknowledged once stored and synced, so the
//! comparison is of everything a reader waits for in each system.
//!
//! newsterm runs twice at each size: in local mode (no users) and with
//! tokens on, where the publisher sends an editor's bearer token and
//! every subscriber a reader's, so what checking them costs shows side by
//! side. (All subscribers share one reader token, the per-token stream cap
//! raised to let them in; the cap is still counted on every connect.)

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::floor::Floor;
use crate::report::{Figure, Percentiles, r1};
use crate::{BenchConfig, BenchError, BenchTokens, Tokens, markdown_stories};

/// How subscribers are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Sse,
    Ws,
    Nats,
    /// NATS JetStream, file storage, an fsync per message.
    JetStream,
}

impl Transport {
    fn name(self) -> &'static str {
        match self {
            Transport::Sse => "sse",
            Transport::Ws => "ws",
            Transport::Nats => "nats",
            Transport::JetStream => "jetstream",
        }
    }
}

pub const SIZES: [usize; 4] = [1, 100, 1_000, 10_000];
/// Stories published before the measured ones, while connections settle.
pub(crate) const WARMUP: usize = 10;
/// Subscribers connecting at once, to stay inside the listen backlog.
const CONNECT_AT_ONCE: usize = 200;
const NATS_SUBJECT: &str = "newsterm.bench.wire";

/// Stories measured at a subscriber count: fewer the more subscribers.
pub(crate) fn stories_for(subscribers: usize) -> usize {
    match subscribers {
        0..=100 => 300,
        101..=1_000 => 100,
        _ => 40,
    }
}

/// Leave time for the fan-out to finish between stories, so the figure is
/// latency and not a queue building up.
pub(crate) fn pace(subscribers: usize) -> Duration {
    Duration::from_micros(2_000 + 15 * subscribers as u64)
}

/// Runs every transport at every size (or the one size asked for).
pub fn run(config: &BenchConfig, floor: &Floor) -> Result<Vec<Figure>, BenchError> {
    let sizes: Vec<usize> = match config.subscribers {
        Some(n) => vec![n],
        None => SIZES.to_vec(),
    };
    raise_fd_limit(sizes.iter().max().copied().unwrap_or(1) + 512);
    let nats = NatsServer::start(&config.scratch);
    if let Err(why) = &nats {
        eprintln!("note: NATS peer not measured: {why}");
    }
    let durable = crate::durable::DurableNats::start(&config.scratch);
    match &durable {
        Ok(js) => eprintln!("note: durable JetStream peer: {}", js.version),
        Err(why) => eprintln!("note: durable JetStream peer not measured: {why}"),
    }
    let mut figures = Vec::new();
    for &n in &sizes {
        for tokens in Tokens::BOTH {
            let dir = Scratch::new(&config.scratch, "fanout");
            let tokens_made = BenchTokens::provision(&dir.0, tokens)?;
            let server = ServerProcess::start(&config.server_exe, &dir.0, &[])?;
            for transport in [Transport::Sse, Transport::Ws] {
                let fig = measure(config, floor, transport, &server.url, &tokens_made, n)?;
                figures.push(fig.with("tokens", tokens.name()));
            }
            drop(server);
            drop(dir);
        }
        // A peer that cannot take the size is noted, and newsterm's
        // figures are still printed: durable JetStream here attaches
        // 1,000 ordered consumers and then leaves a batch of 200 waiting
        // past the minute `attach` allows.
        let peers = [
            (Transport::Nats, nats.as_ref().ok().map(|p| p.url.as_str())),
            (
                Transport::JetStream,
                durable.as_ref().ok().map(|p| p.url.as_str()),
            ),
        ];
        for (transport, url) in peers {
            let Some(url) = url else { continue };
            let none = BenchTokens::default();
            match measure(config, floor, transport, url, &none, n) {
                Ok(fig) => figures.push(fig),
                Err(e) => eprintln!(
                    "note: {} peer not measured at {n} subscribers: {e}",
                    transport.name()
                ),
            }
        }
    }
    Ok(figures)
}

/// What one subscriber read: each event's sequence and when it arrived.
pub(crate) type Received = Vec<(u64, Instant)>;

fn measure(
    config: &BenchConfig,
    floor: &Floor,
    transport: Transport,
    url: &str,
    tokens: &BenchTokens,
    subscribers: usize,
) -> Result<Figure, BenchError> {
    let rt = tokio::runtime::Runtime::new()?;
    let total = stories_for(subscribers) + WARMUP;
    // SSE and WebSocket are measured on one server: each round's stories
    // are its own, or the second round would be answered as repeats.
    let round = format!("{}-{subscribers}-", transport.name());
    let stories = markdown_stories(&config.corpus, total, &round);
    let bar = crate::progress(
        total as u64,
        &format!("{} fan-out to {subscribers}", transport.name()),
    );
    let (sent, received) = rt.block_on(async {
        if transport == Transport::JetStream {
            crate::durable::fresh_stream(url).await?;
        }
        let subs = attach(subscribers, |_, ready| {
            let url = url.to_string();
            let token = tokens.read.clone();
            async move {
                let token = token.as_deref();
                match transport {
                    Transport::Sse => sse_subscriber(&url, token, total, ready).await,
                    Transport::Ws => ws_subscriber(&url, token, total, ready).await,
                    Transport::Nats => nats_subscriber(&url, NATS_SUBJECT, total, ready).await,
                    Transport::JetStream => crate::durable::subscriber(&url, total, ready).await,
                }
            }
        })
        .await?;
        if matches!(transport, Transport::Sse | Transport::Ws) {
            wait_for_subscribers(url, subscribers).await?;
        }
        let sent = match transport {
            Transport::Nats => publish_nats(url, &stories, subscribers, &bar).await?,
            Transport::JetStream => {
                crate::durable::publish(url, &stories, subscribers, &bar).await?
            }
            _ => {
                let token = tokens.publish.as_deref();
                publish_http(&[url.to_string()], token, stories, subscribers, &bar).await?
            }
        };
        Ok::<_, BenchError>((sent, gather(subs).await?))
    })?;
    bar.finish_and_clear();
    rt.shutdown_timeout(Duration::from_secs(2));
    let fig = Figure::new("fanout").with("transport", transport.name());
    Ok(summarize(fig, floor, subscribers, total, &sent, &received))
}

/// Starts `n` subscribers, `subscriber(i, ready)` each, a batch at a time,
/// and returns once every one has said it is attached (sent on `ready`).
pub(crate) async fn attach<F, Fut>(
    n: usize,
    subscriber: F,
) -> Result<Vec<tokio::task::JoinHandle<Result<Received, BenchError>>>, BenchError>
where
    F: Fn(usize, mpsc::Sender<()>) -> Fut,
    Fut: std::future::Future<Output = Result<Received, BenchError>> + Send + 'static,
{
    let mut subs = Vec::with_capacity(n);
    let (ready_tx, mut ready_rx) = mpsc::channel::<()>(n.max(1));
    while subs.len() < n {
        let batch = CONNECT_AT_ONCE.min(n - subs.len());
        for _ in 0..batch {
            subs.push(tokio::spawn(subscriber(subs.len(), ready_tx.clone())));
        }
        for _ in 0..batch {
            tokio::time::timeout(Duration::from_secs(60), ready_rx.recv())
                .await
                .map_err(|_| {
                    BenchError::Failed(format!(
                        "subscribers did not connect ({} of {n} started)",
                        subs.len()
                    ))
                })?;
        }
    }
    Ok(subs)
}

/// What every subscriber read, once each has finished.
pub(crate) async fn gather(
    subs: Vec<tokio::task::JoinHandle<Result<Received, BenchError>>>,
) -> Result<Vec<Received>, BenchError> {
    let mut received = Vec::with_capacity(subs.len());
    for s in subs {
        received.push(s.await.map_err(|e| BenchError::Failed(e.to_string()))??);
    }
    Ok(received)
}

/// Adds to `fig` the latency of every delivery of the stories in `sent`
/// (past the warm-up ones) from the start of its publish, how many were
/// missed, and the cost of each extra delivery.
pub(crate) fn summarize(
    fig: Figure,
    floor: &Floor,
    subscribers: usize,
    total: usize,
    sent: &HashMap<u64, Instant>,
    received: &[Received],
) -> Figure {
    let first_seq = sent.keys().min().copied().unwrap_or(0);
    let mut latencies = Vec::new();
    let mut spread: HashMap<u64, (Instant, Instant)> = HashMap::new();
    let mut missed = 0usize;
    for sub in received {
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
        missed += (total - WARMUP).saturating_sub(got);
    }
    let p = Percentiles::of(&mut latencies);
    let mut fig = fig
        .with("subscribers", subscribers as u64)
        .with("stories", (total - WARMUP) as u64)
        .with("p50_us", r1(p.p50))
        .with("p99_us", r1(p.p99))
        .with("max_us", r1(p.max))
        .with("p50_x_rtt", r1(p.p50 / floor.rtt_p50_us))
        .with("p99_x_rtt", r1(p.p99 / floor.rtt_p99_us))
        .with("missed", missed as u64);
    if subscribers > 1 {
        // The cost of each extra delivery: from the first subscriber having
        // a story to the last having it, shared among the others.
        let mean = spread
            .values()
            .map(|(a, b)| b.duration_since(*a).as_secs_f64() * 1e6)
            .sum::<f64>()
            / spread.len().max(1) as f64;
        let per = mean / (subscribers - 1) as f64;
        fig = fig
            .with("per_delivery_us", (per * 100.0).round() / 100.0)
            .with("per_delivery_x_write", r1(per / floor.write_us));
    }
    fig
}

/// The server counts its live subscribers in `/healthz`; start publishing
/// only when every one is attached to the wire.
pub(crate) async fn wait_for_subscribers(url: &str, n: usize) -> Result<(), BenchError> {
    let http = newsterm_client::http();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let h: newsterm_api::Health = http
            .get(format!("{url}/healthz"))
            .send()
            .await?
            .json()
            .await?;
        if h.subscribers as usize >= n {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(BenchError::Failed(format!(
                "only {} of {n} subscribers attached",
                h.subscribers
            )));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Publishes `stories` one at a time at the pace for `subscribers`, story
/// `i` to the server `urls[i % urls.len()]`, and answers when each
/// publish (by its wire sequence) was started.
pub(crate) async fn publish_http(
    urls: &[String],
    token: Option<&str>,
    stories: Vec<String>,
    subscribers: usize,
    bar: &indicatif::ProgressBar,
) -> Result<HashMap<u64, Instant>, BenchError> {
    let http = newsterm_client::http();
    let mut sent = HashMap::new();
    for (i, story) in stories.into_iter().enumerate() {
        let url = &urls[i % urls.len()];
        let t = Instant::now();
        let ack = crate::publish_markdown(&http, url, token, story).await?;
        sent.insert(ack.seq, t);
        bar.inc(1);
        tokio::time::sleep(pace(subscribers)).await;
    }
    Ok(sent)
}

/// NATS gets the same bytes a newsterm subscriber gets: the headline
/// event, prefixed by its sequence number.
async fn publish_nats(
    url: &str,
    stories: &[String],
    subscribers: usize,
    bar: &indicatif::ProgressBar,
) -> Result<HashMap<u64, Instant>, BenchError> {
    let client = async_nats::connect(url)
        .await
        .map_err(|e| BenchError::Failed(format!("NATS connect: {e}")))?;
    publish_paced(stories, subscribers, bar, |payload| {
        let client = client.clone();
        async move {
            client
                .publish(NATS_SUBJECT, payload.into())
                .await
                .map_err(|e| BenchError::Failed(format!("NATS publish: {e}")))?;
            client
                .flush()
                .await
                .map_err(|e| BenchError::Failed(format!("NATS flush: {e}")))
        }
    })
    .await
}

/// Sends each of `stories` as a NATS peer's payload ([`nats_payload`],
/// numbered from 1) with `send`, one at a time at the pace for
/// `subscribers`: when each send started, by sequence.
pub(crate) async fn publish_paced<F, Fut>(
    stories: &[String],
    subscribers: usize,
    bar: &indicatif::ProgressBar,
    send: F,
) -> Result<HashMap<u64, Instant>, BenchError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), BenchError>>,
{
    let mut sent = HashMap::new();
    for (i, story) in stories.iter().enumerate() {
        let seq = i as u64 + 1;
        let payload = nats_payload(seq, story);
        let t = Instant::now();
        send(payload).await?;
        sent.insert(seq, t);
        bar.inc(1);
        tokio::time::sleep(pace(subscribers)).await;
    }
    Ok(sent)
}

/// What a NATS peer carries for the Markdown `story` at `seq`: the
/// sequence, then the headline event a newsterm subscriber gets.
pub(crate) fn nats_payload(seq: u64, story: &str) -> String {
    let headline = story
        .lines()
        .find(|l| l.starts_with("headline:"))
        .unwrap_or("");
    format!(
        "{seq} {{\"seq\":{seq},\"id\":\"01J00000000000000000000000\",\"revision\":1,\"headline\":{:?},\"published\":\"2026-01-01T00:00:00Z\",\"priority\":\"normal\",\"source\":\"Wikinews\",\"language\":\"en\"}}",
        headline
    )
}

pub(crate) async fn sse_subscriber(
    url: &str,
    token: Option<&str>,
    want: usize,
    ready: mpsc::Sender<()>,
) -> Result<Received, BenchError> {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).await?;
    s.set_nodelay(true)?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    s.write_all(
        format!(
            "GET /api/stream HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{auth}\r\n"
        )
        .as_bytes(),
    )
    .await?;
    let mut seen = Vec::with_capacity(want);
    let mut buf = vec![0u8; 16 * 1024];
    let mut carry: Vec<u8> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut announced = false;
    while seen.len() < want {
        let n = match tokio::time::timeout_at(deadline.into(), s.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(e.into()),
        };
        let now = Instant::now();
        if !announced {
            // The response head has arrived: this subscriber is attached.
            let _ = ready.send(()).await;
            announced = true;
        }
        carry.extend_from_slice(&buf[..n]);
        let cut = carry.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        for line in carry[..cut].split(|&b| b == b'\n') {
            if let Some(seq) = line.strip_prefix(b"id: ").and_then(parse_u64) {
                seen.push((seq, now));
            }
        }
        carry.drain(..cut);
    }
    Ok(seen)
}

async fn ws_subscriber(
    url: &str,
    token: Option<&str>,
    want: usize,
    ready: mpsc::Sender<()>,
) -> Result<Received, BenchError> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let ws_url = format!("{}/api/ws", url.replace("http://", "ws://"));
    let mut request = ws_url
        .into_client_request()
        .map_err(|e| BenchError::Failed(format!("WebSocket request: {e}")))?;
    if let Some(token) = token {
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|e| BenchError::Failed(format!("WebSocket token header: {e}")))?;
        request.headers_mut().insert("authorization", value);
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| BenchError::Failed(format!("WebSocket connect: {e}")))?;
    let _ = ready.send(()).await;
    let mut seen = Vec::with_capacity(want);
    let deadline = Instant::now() + Duration::from_secs(300);
    while seen.len() < want {
        let msg = match tokio::time::timeout_at(deadline.into(), ws.next()).await {
            Ok(Some(Ok(m))) => m,
            _ => break,
        };
        let now = Instant::now();
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let seq = text
                .as_str()
                .split_once("\"seq\":")
                .and_then(|(_, rest)| parse_u64(rest.split(',').next().unwrap_or("").as_bytes()));
            if let Some(seq) = seq {
                seen.push((seq, now));
            }
        }
    }
    Ok(seen)
}

pub(crate) async fn nats_subscriber(
    url: &str,
    subject: &str,
    want: usize,
    ready: mpsc::Sender<()>,
) -> Result<Received, BenchError> {
    let client = async_nats::connect(url)
        .await
        .map_err(|e| BenchError::Failed(format!("NATS connect: {e}")))?;
    let sub = client
        .subscribe(subject.to_string())
        .await
        .map_err(|e| BenchError::Failed(format!("NATS subscribe: {e}")))?;
    // The subscription is registered with the server once a flush returns.
    client
        .flush()
        .await
        .map_err(|e| BenchError::Failed(format!("NATS flush: {e}")))?;
    let _ = ready.send(()).await;
    Ok(read_sequenced(sub.map(|m| m.payload), want).await)
}

/// Reads NATS payloads (each starting with its sequence and a space, see
/// [`nats_payload`]) until `want` have come, the stream ends, or five
/// minutes pass: each one's sequence and arrival.
pub(crate) async fn read_sequenced<P: AsRef<[u8]>>(
    payloads: impl futures_util::Stream<Item = P>,
    want: usize,
) -> Received {
    let mut payloads = std::pin::pin!(payloads);
    let mut seen = Vec::with_capacity(want);
    let deadline = Instant::now() + Duration::from_secs(300);
    while seen.len() < want {
        let payload = match tokio::time::timeout_at(deadline.into(), payloads.next()).await {
            Ok(Some(p)) => p,
            _ => break,
        };
        let now = Instant::now();
        let head = payload.as_ref().split(|&b| b == b' ').next().unwrap_or(&[]);
        if let Some(seq) = parse_u64(head) {
            seen.push((seq, now));
        }
    }
    seen
}

fn parse_u64(bytes: &[u8]) -> Option<u64> {
    std::str::from_utf8(bytes).ok()?.trim().parse().ok()
}

/// A scratch directory, removed on drop.
pub(crate) struct Scratch(pub std::path::PathBuf);

impl Scratch {
    /// `scratch/newsterm-bench-<name>-<pid>`, empty.
    pub fn new(scratch: &Path, name: &str) -> Scratch {
        let dir = scratch.join(format!("newsterm-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `newsterm serve` child on a data directory, with the bench's limits
/// and `extra` arguments; killed (SIGKILL) on drop, its directory left.
pub(crate) struct ServerProcess {
    child: Child,
    pub url: String,
}

impl ServerProcess {
    pub fn start(exe: &Path, dir: &Path, extra: &[String]) -> Result<ServerProcess, BenchError> {
        let limits = crate::bench_limits();
        let mut child = Command::new(exe)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir)
            .arg("--max-streams")
            .arg(limits.max_streams.to_string())
            .arg("--max-streams-per-token")
            .arg(limits.max_streams_per_caller.to_string())
            .arg("--write-rate")
            .arg(limits.writes_per_second.to_string())
            .args(extra)
            // Quiet by default; `NEWSTERM_BENCH_SERVER_LOG=newsterm_server=debug`
            // shows each publish's timings (tagging, the writer's batch),
            // as BENCHMARKS.md breaks a publish down.
            .env(
                "RUST_LOG",
                std::env::var("NEWSTERM_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| BenchError::Failed("no stdout from newsterm serve".into()))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = match line.trim().strip_prefix("newsterm listening on ") {
            Some(url) => url.to_string(),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(BenchError::Failed(format!("newsterm serve said {line:?}")));
            }
        };
        Ok(ServerProcess { child, url })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why the NATS peer is not there to be measured.
#[derive(Debug, thiserror::Error)]
enum NatsUnavailable {
    #[error("no free loopback port: {0}")]
    Port(std::io::Error),
    #[error("nats-server is not installed (apt-get install nats-server)")]
    NotInstalled,
    #[error("nats-server did not start listening")]
    NotListening,
}

/// Debian's nats-server on a free loopback port, killed on drop.
struct NatsServer {
    child: Child,
    url: String,
}

impl NatsServer {
    fn start(_scratch: &Path) -> Result<NatsServer, NatsUnavailable> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(NatsUnavailable::Port)?
            .port();
        let child = Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|_| NatsUnavailable::NotInstalled)?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(NatsUnavailable::NotListening);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let version = Command::new("nats-server")
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        eprintln!("peer: {version} on 127.0.0.1:{port}");
        Ok(NatsServer {
            child,
            url: format!("nats://127.0.0.1:{port}"),
        })
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Many subscribers need more sockets than the usual soft limit allows;
/// raise it toward the hard limit.
pub(crate) fn raise_fd_limit(want: usize) {
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
