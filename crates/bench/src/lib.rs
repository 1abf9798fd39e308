//! Benchmarks that print figures, run by `newsterm bench` on a release
//! build: publish and import throughput over HTTP, publish → subscriber
//! latency over SSE at several subscriber counts, and the floor every
//! latency should be read against — one loopback TCP round trip and one
//! socket write on the same machine, measured in the same run; and
//! standing-alert matching per story with 1k to 1M alerts, against
//! evaluating every alert. Apart from these: archive search beside SQLite
//! FTS5 and PostgreSQL (`search`), the same archive split into time
//! partitions with queries scattered and gathered (`partitions`), and
//! newsterm on a NATS JetStream cluster (`cluster`: publish throughput and
//! latency with 1 and 3 nodes, a node's catch-up) beside plain JetStream.
//!
//! Each benchmark starts its own server in this process, on a fresh
//! temporary data directory and a loopback port, with its own runtime
//! threads, so figures do not depend on anything left running. Results are
//! printed as a table, or with `--json` as one JSON object a line.
//!
//! Publishing and fan-out are measured twice, side by side: in local
//! mode (no users, no credential checked) and with tokens on (a user per
//! role, every publish and every subscriber carrying a bearer token, the
//! rate limiter and stream caps counting), so the cost of the checks is
//! read off the same run.
//!
//! This crate measures; it asserts nothing. Timing is never a test.

mod alerts;
mod archive;
mod cluster;
mod durable;
mod fanout;
mod feeds;
mod floor;
pub mod nats;
mod partitions;
mod report;
mod search;
mod throughput;

use std::path::PathBuf;

pub use report::{Figure, Report};

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Which benchmark to run.
    pub which: Which,
    /// Stories (JSON lines, as in the bundled corpus) to publish.
    pub corpus: Vec<String>,
    /// Only this subscriber count (fan-out); `None` runs every size.
    pub subscribers: Option<usize>,
    /// Only this many standing alerts (alerts); `None` runs every size.
    pub alerts: Option<usize>,
    /// Stories in the generated archive (search, partitions); `None` is
    /// 100,000. For publish: publishes per configuration (`None` is
    /// 4,000). For the cluster benchmark: stories published for its
    /// throughput figures (`None` is 2,000), and at most this many for
    /// each latency figure.
    pub stories: Option<usize>,
    /// Stories a cluster node is behind when it catches up (cluster);
    /// `None` is 100,000, 0 skips the catch-up.
    pub behind: Option<usize>,
    /// How many time partitions to split the archive into, one build and
    /// one query run each (partitions); `None` is 1, 4 and 16.
    pub partitions: Option<Vec<usize>>,
    /// Build only this many of each count's partitions, spread evenly
    /// (partitions): the others' stories are generated and counted for
    /// the whole archive's word statistics, not indexed. `None` builds
    /// every partition.
    pub sample: Option<usize>,
    /// Of a sample (partitions), count only one in this many stories of
    /// the partitions not built, and scale: the whole archive's word
    /// statistics estimated instead of counted. `None` counts every one.
    pub count_every: Option<u64>,
    /// Search: measure newsterm only, without loading the same archive
    /// into SQLite FTS5 and PostgreSQL (for reruns that change newsterm
    /// alone; at 1M stories the peers' loads take most of an hour).
    pub newsterm_only: bool,
    /// Search: import one batch of 1,000 in this many tagged (the rest
    /// untagged, as an archive load is), so the facets count mentions
    /// that grow with the archive. `None` tags none.
    pub tag_every: Option<u64>,
    /// Print JSON lines instead of tables.
    pub json: bool,
    /// Where temporary data directories go.
    pub scratch: PathBuf,
    /// Feed files for the feed benchmark (`../shared/data/feeds`).
    pub feeds_dir: PathBuf,
    /// The `newsterm` binary, run as a separate server process for the
    /// fan-out benchmark (as NATS is).
    pub server_exe: PathBuf,
}

/// A benchmark, or all of them, as `newsterm bench <which>` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Every benchmark but `Search`.
    All,
    /// The machine's floor: a loopback round trip and a socket write,
    /// before newsterm does anything.
    Floor,
    /// Publishing one story per request, with concurrent publishers.
    Publish,
    /// Bulk import over `/api/import`.
    Import,
    /// Stream fan-out to many subscribers, beside NATS.
    Fanout,
    /// Standing alerts matched per story.
    Alerts,
    /// Feed parsing and polling.
    Feeds,
    /// Archive search against SQLite FTS5 and PostgreSQL; not part of
    /// `All` (its load alone takes minutes).
    Search,
    /// newsterm nodes on a NATS JetStream cluster, beside plain
    /// JetStream; not part of `All` (it starts NATS clusters and fills a
    /// stream with 100,000 stories).
    Cluster,
    /// The search bench's archive split into time partitions, queries
    /// scattered and gathered; not part of `All`.
    Partitions,
}

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The server under test did not start.
    #[error("bench server: {0}")]
    Server(#[from] newsterm_server::ServerError),
    /// A client call failed.
    #[error("bench client: {0}")]
    Client(#[from] newsterm_client::ClientError),
    /// A file or process failed.
    #[error("bench I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The bench's users and tokens could not be made.
    #[error("bench accounts: {0}")]
    Accounts(#[from] newsterm_accounts::AccountsError),
    /// An HTTP request failed.
    #[error("bench HTTP: {0}")]
    Http(#[from] reqwest::Error),
    /// The NATS servers did not start.
    #[error("bench NATS: {0}")]
    Nats(#[from] nats::NatsError),
    /// A search index failed.
    #[error("bench search index: {0}")]
    Search(#[from] newsterm_search::SearchError),
    /// A benchmark's own check failed; says which.
    #[error("{0}")]
    Failed(String),
}

/// Runs the chosen benchmarks, printing each result as it is measured.
pub fn run(config: &BenchConfig) -> Result<Report, BenchError> {
    let mut report = Report::new(config.json);
    report.machine();
    let floor = floor::measure()?;
    report.add(floor.rtt.clone());
    report.add(floor.write.clone());
    if matches!(config.which, Which::All | Which::Publish) {
        throughput::publish(config, &mut report)?;
    }
    if matches!(config.which, Which::All | Which::Import) {
        report.add(throughput::import(config, false)?);
        report.add(throughput::import(config, true)?);
    }
    if matches!(config.which, Which::All | Which::Fanout) {
        for fig in fanout::run(config, &floor)? {
            report.add(fig);
        }
    }
    if matches!(config.which, Which::All | Which::Alerts) {
        alerts::run(config, &mut report)?;
    }
    if config.which == Which::Search {
        for fig in search::run(config)? {
            report.add(fig);
        }
    }
    if config.which == Which::Cluster {
        cluster::run(config, &floor, &mut report)?;
    }
    if config.which == Which::Partitions {
        for fig in partitions::run(config)? {
            report.add(fig);
        }
    }
    if matches!(config.which, Which::All | Which::Feeds) {
        for fig in feeds::run(config)? {
            report.add(fig);
        }
    }
    Ok(report)
}

/// Whether a benchmarked server checks credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tokens {
    /// Local mode: no users, nothing checked (loopback only).
    Off,
    /// Users exist: every publish carries an editor's token and every
    /// subscriber a reader's.
    On,
}

impl Tokens {
    pub const BOTH: [Tokens; 2] = [Tokens::Off, Tokens::On];

    pub fn name(self) -> &'static str {
        match self {
            Tokens::Off => "off",
            Tokens::On => "on",
        }
    }
}

/// The bearer tokens of a server with tokens on.
#[derive(Debug, Clone, Default)]
pub(crate) struct BenchTokens {
    /// An editor's token (publish).
    pub publish: Option<String>,
    /// A reader's token (read).
    pub read: Option<String>,
}

impl BenchTokens {
    /// With `Tokens::On`, makes an editor and a reader in `dir` (a fresh
    /// data directory), as `newsterm user add` and `token create` would,
    /// and returns their tokens; with `Tokens::Off`, none.
    pub fn provision(dir: &std::path::Path, tokens: Tokens) -> Result<BenchTokens, BenchError> {
        if tokens == Tokens::Off {
            return Ok(BenchTokens::default());
        }
        newsterm_server::DataDir::new(dir).create()?;
        let accounts = newsterm_accounts::Accounts::open(dir)?;
        accounts.add_user("bench-editor", newsterm_accounts::Role::Editor, None)?;
        accounts.add_user("bench-reader", newsterm_accounts::Role::Reader, None)?;
        let publish = accounts.create_token("bench-editor", None, None, Some("bench"))?;
        let read = accounts.create_token("bench-reader", None, None, Some("bench"))?;
        Ok(BenchTokens {
            publish: Some(publish.token),
            read: Some(read.token),
        })
    }
}

/// Limits that let a benchmark's load through while still counting it:
/// the rate limiter and stream caps run on every request, as in
/// production, but never refuse one.
pub(crate) fn bench_limits() -> newsterm_server::Limits {
    newsterm_server::Limits {
        max_streams: 50_000,
        max_streams_per_caller: 50_000,
        writes_per_second: 1_000_000,
        ..newsterm_server::Limits::default()
    }
}

/// A fresh server on its own runtime, stopped and cleaned up on drop.
pub(crate) struct BenchServer {
    pub url: String,
    /// The tokens to use, when the server checks them.
    pub tokens: BenchTokens,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    runtime: Option<tokio::runtime::Runtime>,
    server: Option<newsterm_server::RunningServer>,
    dir: PathBuf,
}

impl BenchServer {
    pub fn start(scratch: &std::path::Path, name: &str) -> Result<BenchServer, BenchError> {
        BenchServer::start_with(scratch, name, Tokens::Off)
    }

    /// A fresh server, checking tokens or not.
    pub fn start_with(
        scratch: &std::path::Path,
        name: &str,
        tokens: Tokens,
    ) -> Result<BenchServer, BenchError> {
        let dir = scratch.join(format!("newsterm-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let tokens = BenchTokens::provision(&dir, tokens)?;
        // The server gets its own worker threads, as a separate process
        // would; the clients run on the caller's runtime.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("bench-server")
            .enable_all()
            .build()?;
        let mut config = newsterm_server::ServerConfig::new(
            newsterm_server::DataDir::new(&dir),
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        );
        config.limits = bench_limits();
        let server = runtime.block_on(newsterm_server::start(config))?;
        Ok(BenchServer {
            url: server.url(),
            tokens,
            stop: Some(server.stopper()),
            runtime: Some(runtime),
            server: Some(server),
            dir,
        })
    }
}

impl BenchServer {
    /// How far the server's background work has got.
    pub fn progress(&self) -> newsterm_server::Progress {
        self.server
            .as_ref()
            .map_or_else(Default::default, newsterm_server::RunningServer::progress)
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.dir
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        if let (Some(stop), Some(rt), Some(server)) =
            (self.stop.take(), self.runtime.take(), self.server.take())
        {
            let _ = stop.send(true);
            let _ = rt.block_on(server.wait());
            rt.shutdown_timeout(std::time::Duration::from_secs(2));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One Markdown publish to the server at `url`, with `token` as its
/// bearer when given; it must be acknowledged.
pub(crate) async fn publish_markdown(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    md: String,
) -> Result<newsterm_api::PublishAck, BenchError> {
    let mut request = http
        .post(format!("{url}/api/stories"))
        .header("content-type", "text/markdown")
        .body(md);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let resp = request.send().await?;
    if resp.status() != 201 {
        return Err(BenchError::Failed(format!(
            "publish answered {}: {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        )));
    }
    Ok(resp.json().await?)
}

/// `n` stories as Markdown, ready to POST, cycling through the corpus,
/// each headline numbered after
/// `round`, so that stories of two rounds published to one server differ
/// and none is answered as a repeat of the other.
pub(crate) fn markdown_stories(corpus: &[String], n: usize, round: &str) -> Vec<String> {
    let now = time::OffsetDateTime::now_utc();
    let parsed: Vec<_> = corpus
        .iter()
        .filter_map(|l| newsterm_story::jsonl::parse_line(l, now).ok())
        .collect();
    if parsed.is_empty() {
        return vec![];
    }
    (0..n)
        .map(|i| {
            let mut c = parsed[i % parsed.len()].content.clone();
            c.headline = format!("{} #{round}{i}", c.headline);
            // Dated now, as a live wire's stories are: what is published
            // as it happens is stored, indexed and grouped among the
            // newest, not spread over the corpus's years.
            c.published = now;
            newsterm_story::Format::Markdown.render(&c)
        })
        .collect()
}

pub(crate) fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}
