//! `newsterm`: the command line. Each subcommand is a thin shell over a
//! library crate: `serve` over newsterm-server, the client commands over
//! newsterm-client, `tui` over newsterm-tui.

/// `println!` for text that came from a server, a feed or a file: control
/// characters and bidi overrides are printed as visible escapes, never
/// sent to the terminal. Line breaks and tabs (the output's own layout)
/// stay.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", newsterm_story::control::escape_controls(&format!($($arg)*), true))
    };
}

/// [`say!`] to stderr.
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", newsterm_story::control::escape_controls(&format!($($arg)*), true))
    };
}

/// Every thread's allocations go through mimalloc: see the dependency's
/// note in Cargo.toml, and [`keep_off_huge_pages`].
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod accounts;
mod commands;
mod corpus;
mod demo;
mod events;
mod reindex;
mod standing;
mod tagging;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "newsterm",
    version,
    about = "A self-hostable real-time news terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where client commands find the server.
#[derive(clap::Args, Clone)]
pub struct ServerArg {
    /// URL of the newsterm server.
    #[arg(long, global = true, env = "NEWSTERM_SERVER", default_value = newsterm_client::DEFAULT_SERVER)]
    pub server: String,
    /// API token (`newsterm token create`), sent as `Authorization:
    /// Bearer`.
    #[arg(long, global = true, env = "NEWSTERM_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

impl ServerArg {
    /// A client for the server, carrying the token when one is given.
    pub fn client(&self) -> Result<newsterm_client::Client> {
        let client = newsterm_client::Client::new(&self.server)?;
        Ok(match self.token.as_deref().map(str::trim) {
            Some(token) if !token.is_empty() => client.with_token(token)?,
            _ => client,
        })
    }
}

/// How `newsterm serve` runs: where it listens, whom it answers, and its
/// limits.
#[derive(clap::Args, Clone)]
pub struct ServeOptions {
    /// Address to listen on. Anything but loopback needs at least one
    /// user (`newsterm user add`) and --public-url.
    #[arg(long, default_value = newsterm_server::DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// The address readers reach this server at, such as
    /// https://news.example.org: the only Host it answers to, the base of
    /// its feed links; https makes session cookies Secure.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<url::Url>,
    /// Reading (stories, search, streams, feeds) needs no token even when
    /// users exist; writing always does.
    #[arg(long)]
    pub public_read: bool,
    /// An origin whose web pages may call this API with a token (repeat
    /// for several), such as https://dashboard.example.org. Off by
    /// default.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Let feed sources, feed imports by URL and webhooks reach
    /// internal addresses (loopback, private, link-local): for
    /// intranet feeds, on purpose.
    #[arg(long)]
    pub allow_private_fetch: bool,
    /// Let feed sources, feed imports by URL and webhooks reach this one
    /// host (a name or address, such as feeds.intranet.example) wherever
    /// it resolves, even inside; repeat for several. Every other internal
    /// address stays refused, redirects from this host included.
    #[arg(long = "allow-fetch-host", value_name = "HOST")]
    pub allow_fetch_hosts: Vec<String>,
    /// Open event streams (SSE and WebSocket) on the whole server.
    #[arg(long, default_value_t = newsterm_server::Limits::default().max_streams)]
    pub max_streams: usize,
    /// Open event streams per token (per user for browser sessions, per
    /// address for anonymous readers).
    #[arg(long, default_value_t = newsterm_server::Limits::default().max_streams_per_caller)]
    pub max_streams_per_token: usize,
    /// Writes per second per token; an address may make four times as
    /// many. Not limited in local mode (no users, loopback).
    #[arg(long, default_value_t = newsterm_server::Limits::default().writes_per_second)]
    pub write_rate: u32,
}

impl ServeOptions {
    /// The server this describes, over `data`.
    pub fn config(&self, data: PathBuf) -> Result<newsterm_server::ServerConfig> {
        let mut config =
            newsterm_server::ServerConfig::new(newsterm_server::DataDir::new(data), self.listen);
        config.outbound = if self.allow_private_fetch {
            newsterm_server::Reach::Anywhere
        } else if self.allow_fetch_hosts.is_empty() {
            newsterm_server::Reach::PublicOnly
        } else {
            newsterm_server::Reach::PublicAnd(
                newsterm_server::AllowedHosts::parse(&self.allow_fetch_hosts)
                    .context("--allow-fetch-host")?,
            )
        };
        config.public_url = self.public_url.clone();
        config.public_read = self.public_read;
        config.cors_origins = self.cors_origins.clone();
        config.limits.max_streams = self.max_streams;
        config.limits.max_streams_per_caller = self.max_streams_per_token;
        config.limits.writes_per_second = self.write_rate;
        Ok(config)
    }
}

/// Joining a cluster (`serve --nats … --node …`).
#[derive(clap::Args, Clone)]
pub struct ClusterArgs {
    /// Join a cluster over these NATS servers (comma-separated
    /// nats://HOST:PORT; JetStream must be on). Without it the server runs
    /// alone, embedded, as always.
    #[arg(long, value_name = "URLS", env = "NEWSTERM_NATS")]
    pub nats: Option<String>,
    /// This node's name in the cluster (letters, digits, - and _).
    #[arg(long, value_name = "NAME", env = "NEWSTERM_NODE", requires = "nats")]
    pub node: Option<String>,
    /// Replicas of the wire stream (default: the NATS cluster's size, at
    /// most 3).
    #[arg(long, requires = "nats")]
    pub replicas: Option<usize>,
    /// Drop wire entries older than this from the stream (e.g. 30d); a
    /// node further behind reloads its store from a snapshot.
    #[arg(long, value_name = "AGE", requires = "nats")]
    pub retain_age: Option<String>,
    /// Keep at most this many entries in the stream.
    #[arg(long, value_name = "N", requires = "nats")]
    pub retain_entries: Option<u64>,
    /// How long a publish's idempotency key (or the server's own id for
    /// it) guards against a repeat inside the stream (e.g. 2m).
    #[arg(long, value_name = "SPAN", requires = "nats")]
    pub dedup_window: Option<String>,
}

/// Where the server keeps its store and index.
#[derive(clap::Args, Clone)]
pub struct DataArg {
    /// Data directory (store and search index).
    #[arg(
        long,
        global = true,
        env = "NEWSTERM_DATA",
        default_value = "newsterm-data"
    )]
    pub data: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: API, live stream and search over a data directory.
    Serve {
        #[command(flatten)]
        data: DataArg,
        #[command(flatten)]
        options: ServeOptions,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Publish stories from Markdown or ninjs files (one story a file).
    Publish {
        #[command(flatten)]
        server: ServerArg,
        /// Publish the file as a new revision of this story.
        #[arg(long, value_name = "ID")]
        update: Option<String>,
        /// Mark the revision a correction, with this note (shown above the
        /// body); needs --update.
        #[arg(long, value_name = "NOTE")]
        correction: Option<String>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Withdraw (kill) a story: it leaves search, TOP, READ and feeds,
    /// stays in its history with the reason, and every reader is told.
    Withdraw {
        #[command(flatten)]
        server: ServerArg,
        /// Why, in one line; readers see it.
        #[arg(long)]
        reason: String,
        id: String,
    },
    /// Bulk-import a JSON-lines file (one story a line).
    Import {
        #[command(flatten)]
        server: ServerArg,
        /// Lines sent per request.
        #[arg(long, default_value_t = 1000)]
        batch: usize,
        /// Store untagged (fast archive load; tag later with
        /// `reindex --retag`).
        #[arg(long)]
        no_tag: bool,
        file: PathBuf,
    },
    /// Search the archive.
    Search {
        #[command(flatten)]
        server: ServerArg,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Order: relevance or time (newest first).
        #[arg(long, default_value = "relevance")]
        sort: String,
        /// Print the raw JSON answer.
        #[arg(long)]
        json: bool,
        /// The query; words may start with `-` (`newsterm search -opec oil`),
        /// so options go before it.
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        query: Vec<String>,
    },
    /// Show one story.
    Show {
        #[command(flatten)]
        server: ServerArg,
        /// Revision to show (default: the latest).
        #[arg(long)]
        rev: Option<u32>,
        /// text (default), markdown, ninjs or json.
        #[arg(long, default_value = "text")]
        format: String,
        id: String,
    },
    /// Print headlines as they land, optionally filtered by a query.
    Watch {
        #[command(flatten)]
        server: ServerArg,
        /// Start after this wire sequence number (replays what came since).
        #[arg(long)]
        since: Option<u64>,
        /// The query; words may start with `-`, so options go before it.
        #[arg(allow_hyphen_values = true)]
        query: Vec<String>,
    },
    /// Open the terminal UI.
    Tui {
        #[command(flatten)]
        server: ServerArg,
    },
    /// Run a live demo: an embedded server, the bundled Wikinews archive,
    /// a replayed wire and the terminal UI.
    Demo {
        /// Data directory (default: a fresh temporary one, removed on exit).
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// Seconds between replayed stories (on average).
        #[arg(long, default_value_t = 1.5)]
        interval: f64,
        /// Do not open the terminal UI: print the wire instead and keep
        /// serving (the web terminal too) until Ctrl-C.
        #[arg(long)]
        no_tui: bool,
        /// Replay only this many stories, once, then stop (default: all
        /// of them, then keep sending them again as fresh revisions).
        #[arg(long)]
        stories: Option<usize>,
    },
    /// Measure publish, import and fan-out on this machine (use a release build).
    ///
    /// `fanout` and `cluster` start `newsterm serve` processes: with
    /// NEWSTERM_BENCH_SERVER=<path> they start that binary instead, so two
    /// builds can be measured with the same driver.
    Bench {
        /// all, floor, publish, import, fanout, alerts, feeds, search
        /// (archive search beside SQLite FTS5 and PostgreSQL), partitions
        /// (the same archive split into time partitions, queries scattered
        /// and gathered) or cluster (nodes on a 3-server NATS JetStream
        /// cluster beside plain JetStream); the last three are not in all.
        #[arg(default_value = "all")]
        which: String,
        /// Only this many subscribers (fan-out).
        #[arg(long)]
        subscribers: Option<usize>,
        /// Only this many standing alerts (alerts).
        #[arg(long)]
        alerts: Option<usize>,
        /// Stories in the generated archive (search, partitions; default
        /// 100,000), published per configuration (publish; default 4,000,
        /// a quarter of it beside an import), or published for the
        /// throughput figures (cluster; default 2,000, and at most this
        /// many for each latency figure).
        #[arg(long)]
        stories: Option<usize>,
        /// Stories a node is behind when it catches up (cluster; default
        /// 100,000; 0 skips the catch-up).
        #[arg(long)]
        behind: Option<usize>,
        /// Partition counts to build and query, comma-separated
        /// (partitions; default 1,4,16).
        #[arg(long, value_delimiter = ',')]
        partitions: Option<Vec<usize>>,
        /// Build only this many of each count's partitions, spread evenly
        /// (partitions; default all): the others' stories are generated
        /// and counted for the archive's word statistics, not indexed, so
        /// one partition of a large archive is measured without building
        /// it all.
        #[arg(long)]
        sample: Option<usize>,
        /// With --sample: count one in this many stories of the
        /// partitions not built for the word statistics, and scale
        /// (default 1: every story, the statistics exact).
        #[arg(long)]
        count_every: Option<u64>,
        /// Search: newsterm alone, without the SQLite FTS5 and PostgreSQL
        /// peers (for reruns that change newsterm only).
        #[arg(long)]
        newsterm_only: bool,
        /// Search: import one batch of 1,000 stories in this many tagged
        /// (default none), so that facets have mentions to count.
        #[arg(long)]
        tag_every: Option<u64>,
        /// One JSON object a line instead of tables.
        #[arg(long)]
        json: bool,
        /// Feed files for the feed benchmark.
        #[arg(long, default_value = "../shared/data/feeds")]
        feeds: PathBuf,
    },
    /// Rebuild the search index from the store (stop the server first).
    Reindex {
        #[command(flatten)]
        data: DataArg,
        /// Tag every story again with this build's tagger first.
        #[arg(long)]
        retag: bool,
    },
    /// Standing alerts: add, list, rm, test, hits.
    Alert {
        #[command(flatten)]
        server: ServerArg,
        #[command(subcommand)]
        command: standing::AlertCommand,
    },
    /// Feed sources the server polls: add, list, rm, pause, resume, poll.
    Source {
        #[command(flatten)]
        server: ServerArg,
        #[command(subcommand)]
        command: standing::SourceCommand,
    },
    /// Import one feed (file or URL) once.
    ImportFeed {
        #[command(flatten)]
        server: ServerArg,
        /// Source name for its stories (default: the feed's title).
        #[arg(long)]
        source: Option<String>,
        file_or_url: String,
    },
    /// Users of a data directory: add, list, rm, passwd (with or without
    /// a server running on it).
    User {
        #[command(flatten)]
        data: DataArg,
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// API tokens of a data directory: create, list, revoke.
    Token {
        #[command(flatten)]
        data: DataArg,
        #[command(subcommand)]
        command: accounts::TokenCommand,
    },
    /// Tag JSON lines `{"id","text"}` from stdin; write tags as JSON lines.
    Tag,
    /// Score near-duplicate detection and event grouping on a labelled
    /// set, and measure the cost per story at archive scale.
    EvalEvents {
        /// Labelled stories, JSON lines (`.gz` too), as `--write-set` writes
        /// them; default: the set built from the bundled Wikinews articles.
        file: Option<PathBuf>,
        /// Write the built set to this file and stop.
        #[arg(long, value_name = "FILE")]
        write_set: Option<PathBuf>,
        /// Measure the cost per story after this many synthetic stories
        /// (comma-separated; 0 skips the measurement).
        #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
        scale: Vec<usize>,
        /// JSON lines instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Score the tagger against gold entity annotations (JSON lines).
    EvalTags {
        gold: PathBuf,
        /// Also score top-level topics against this labelled sample of the
        /// bundled stories (crates/tag/eval/topics_sample.tsv).
        #[arg(long)]
        topics: Option<PathBuf>,
        /// Also score quote speakers against this labelled sample
        /// (crates/tag/eval/quotes_sample.tsv).
        #[arg(long)]
        quotes: Option<PathBuf>,
        /// Also score what figures count against this labelled sample
        /// (crates/tag/eval/figures_sample.tsv).
        #[arg(long)]
        figures: Option<PathBuf>,
        /// Also score where places are put on the map against this labelled
        /// sample (crates/tag/eval/places_sample.tsv).
        #[arg(long)]
        places: Option<PathBuf>,
        /// Print JSON (one object per evaluation) instead of tables.
        #[arg(long)]
        json: bool,
    },
}

/// mimalloc asks the kernel for transparent huge pages on its arenas, and
/// the first touch of each 2 MiB page had the kernel clear it while a
/// publish waited: the writer stalled for 20-45 ms at a time (BENCHMARKS.md).
/// Small pages for this process keep its tail where glibc's was.
#[cfg(target_os = "linux")]
fn keep_off_huge_pages() {
    let (yes, unused) = (libc::c_ulong::from(1u8), libc::c_ulong::from(0u8));
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only
    // how this process's page faults are served. Should it fail (an old
    // kernel), huge pages stay as they were: slower tails, nothing wrong.
    let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, yes, unused, unused, unused) };
}

#[cfg(not(target_os = "linux"))]
fn keep_off_huge_pages() {}

fn main() -> std::process::ExitCode {
    keep_off_huge_pages();
    let cli = Cli::parse();
    newsterm_client::install_tls_provider();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, in colour only when it is a terminal (a log file
/// must not fill with escape codes).
fn init_logging(default: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            data,
            options,
            cluster,
        } => {
            init_logging("info");
            commands::serve(options.config(data.data)?, cluster).await
        }
        Command::Publish {
            server,
            update,
            correction,
            files,
        } => commands::publish(&server, update.as_deref(), correction.as_deref(), &files).await,
        Command::Withdraw { server, reason, id } => commands::withdraw(&server, &id, &reason).await,
        Command::Import {
            server,
            batch,
            no_tag,
            file,
        } => commands::import(&server, &file, batch, !no_tag).await,
        Command::Search {
            server,
            limit,
            sort,
            json,
            query,
        } => commands::search(&server, &query.join(" "), limit, &sort, json).await,
        Command::Show {
            server,
            rev,
            format,
            id,
        } => commands::show(&server, &id, rev, &format).await,
        Command::Watch {
            server,
            since,
            query,
        } => commands::watch(&server, &query.join(" "), since).await,
        Command::Tui { server } => {
            newsterm_tui::run(server.client()?).await?;
            Ok(())
        }
        Command::Demo {
            data,
            listen,
            interval,
            no_tui,
            stories,
        } => {
            init_logging(if no_tui { "info" } else { "warn" });
            demo::run(demo::DemoOptions {
                data,
                listen,
                interval,
                tui: !no_tui,
                stories,
            })
            .await
        }
        Command::Bench {
            which,
            subscribers,
            alerts,
            stories,
            behind,
            partitions,
            sample,
            count_every,
            newsterm_only,
            tag_every,
            json,
            feeds,
        } => {
            // The benchmarks run servers in this process: their warnings,
            // and with RUST_LOG their debug timings, go to stderr.
            init_logging("warn");
            let which = match which.as_str() {
                "all" => newsterm_bench::Which::All,
                "floor" => newsterm_bench::Which::Floor,
                "publish" => newsterm_bench::Which::Publish,
                "import" => newsterm_bench::Which::Import,
                "fanout" => newsterm_bench::Which::Fanout,
                "alerts" => newsterm_bench::Which::Alerts,
                "feeds" => newsterm_bench::Which::Feeds,
                "search" => newsterm_bench::Which::Search,
                "cluster" => newsterm_bench::Which::Cluster,
                "partitions" => newsterm_bench::Which::Partitions,
                other => anyhow::bail!(
                    "unknown benchmark `{other}`: use all, floor, publish, import, fanout, alerts, feeds, search, partitions or cluster"
                ),
            };
            let config = newsterm_bench::BenchConfig {
                which,
                corpus: corpus::wikinews_lines()?,
                subscribers,
                alerts,
                stories,
                behind,
                partitions,
                sample,
                count_every,
                newsterm_only,
                tag_every,
                json,
                scratch: std::env::temp_dir(),
                feeds_dir: feeds,
                // Another build's server measured by this build's driver:
                // two builds compared with the same load.
                server_exe: match std::env::var_os("NEWSTERM_BENCH_SERVER") {
                    Some(exe) => exe.into(),
                    None => std::env::current_exe()?,
                },
            };
            tokio::task::spawn_blocking(move || newsterm_bench::run(&config)).await??;
            Ok(())
        }
        Command::Reindex { data, retag } => {
            init_logging("warn");
            tokio::task::spawn_blocking(move || reindex::run(&data.data, retag)).await?
        }
        Command::Alert { server, command } => standing::alert(&server, command).await,
        Command::Source { server, command } => standing::source(&server, command).await,
        Command::ImportFeed {
            server,
            source,
            file_or_url,
        } => standing::import_feed(&server, &file_or_url, source.as_deref()).await,
        Command::User { data, command } => accounts::user(&data.data, command).await,
        Command::Token { data, command } => accounts::token(&data.data, command).await,
        Command::Tag => tokio::task::spawn_blocking(tagging::tag_stdin).await?,
        Command::EvalEvents {
            file,
            write_set,
            scale,
            json,
        } => {
            tokio::task::spawn_blocking(move || {
                events::eval(&events::EvalOptions {
                    file: file.as_deref(),
                    write_set: write_set.as_deref(),
                    scale: &scale,
                    json,
                })
            })
            .await?
        }
        Command::EvalTags {
            gold,
            topics,
            quotes,
            figures,
            places,
            json,
        } => {
            let samples = tagging::Samples {
                topics,
                quotes,
                figures,
                places,
            };
            tokio::task::spawn_blocking(move || tagging::eval(&gold, &samples, json)).await?
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("newsterm").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    #[test]
    fn queries_may_start_with_a_hyphen() {
        let Command::Search { query, limit, .. } = parse(&["search", "-covid"]).command else {
            panic!("not a search");
        };
        assert_eq!((query, limit), (vec!["-covid".to_string()], 20));
        let Command::Search { query, limit, .. } =
            parse(&["search", "--limit", "5", "oil", "-opec"]).command
        else {
            panic!("not a search");
        };
        assert_eq!((query.join(" "), limit), ("oil -opec".to_string(), 5));
        let Command::Watch { query, .. } = parse(&["watch", "-sport"]).command else {
            panic!("not a watch");
        };
        assert_eq!(query, ["-sport"]);
    }

    #[test]
    fn alert_options_after_the_query_are_still_options() {
        let add = |args: &[&str]| match parse(args).command {
            Command::Alert {
                command: standing::AlertCommand::Add { query, webhook, .. },
                ..
            } => (query, webhook),
            _ => panic!("not an alert add"),
        };
        let (query, webhook) = add(&[
            "alert",
            "add",
            "quakes",
            "earthquake -drill",
            "--webhook",
            "http://127.0.0.1:9000/hook",
        ]);
        assert_eq!(query, ["earthquake -drill"]);
        assert_eq!(webhook.as_deref(), Some("http://127.0.0.1:9000/hook"));
        let (query, _) = add(&["alert", "add", "quakes", "--", "-drill", "quake"]);
        assert_eq!(query, ["-drill", "quake"]);
        let Command::Alert {
            command: standing::AlertCommand::Test { query },
            ..
        } = parse(&["alert", "test", "-drill"]).command
        else {
            panic!("not an alert test");
        };
        assert_eq!(query, ["-drill"]);
    }
}
