//! The newsterm server: the engine that stores, indexes, matches and fans
//! out every story, under the HTTP API (axum) that serves it.
//!
//! The layers run one way: [`engine`] (store, index, wire, the writer,
//! indexer and alerter threads; no HTTP) below `http` (state, one module
//! per resource, streaming), below this file, which starts and stops
//! them. Async is confined to the network edge; store and index work runs
//! on the engine's own threads or on the blocking pool.
//!
//! Other crates use [`start`] (a running server), [`reindex`] (offline
//! maintenance of a data directory) and [`DataDir`].
//!
//! Who may do what is decided in `http::access` against the data
//! directory's accounts (`newsterm-accounts`): with no users the server
//! runs in *local mode*, open to everyone and so allowed only on
//! loopback; [`start`] refuses any other address until the first user
//! exists, and then only with a public URL to answer to.

mod cluster;
mod connections;
mod engine;
mod http;
mod reindex;
mod shared;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use engine::{DataDir, EngineError, Progress};
pub use http::Limits;
pub use newsterm_cluster::{ClusterConfig, ClusterError, Retention};
pub use newsterm_egress::{AllowedHosts, Reach};
pub use reindex::{ReindexError, ReindexReport, reindex};
pub use shared::{CLUSTER_FILE, Records, RecordsError};

use engine::{Engine, Sources};
use newsterm_accounts::{Accounts, AccountsError, Authenticator};

/// The address a server listens on unless told otherwise: loopback, where
/// a data directory without users (local mode) may be served.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7171";

/// How often rate-limit state of clients gone quiet is dropped.
const FORGET_IDLE_EVERY: Duration = Duration::from_secs(60);

/// Where a server keeps its data, where it listens, and whom it serves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where the stories, index, alerts, sources and accounts are kept.
    pub data_dir: DataDir,
    /// The address to listen on.
    pub listen: SocketAddr,
    /// Which addresses feed sources, feed imports by URL and webhooks may
    /// reach: public ones only unless the operator allows internal ones
    /// (`--allow-private-fetch`).
    pub outbound: Reach,
    /// Reading (stories, search, headlines, streams, feeds) needs no
    /// credential even when users exist (`--public-read`).
    pub public_read: bool,
    /// The address readers reach this server at (`--public-url`, such as
    /// `https://news.example.org`): the one Host it answers to, the
    /// origin its pages and streams are used from, the base of its feed
    /// links, and, when https, what makes session cookies `Secure`.
    /// Required to listen on anything but loopback.
    pub public_url: Option<url::Url>,
    /// Other origins whose pages may call the API with a token
    /// (`--cors-origin`, such as `https://dashboard.example.org`). None
    /// by default: no cross-origin access at all.
    pub cors_origins: Vec<String>,
    /// Timeouts, stream caps and rate limits.
    pub limits: Limits,
}

impl ServerConfig {
    /// A server over `data_dir` on `listen` with every default: public
    /// fetches only, reads need a token once users exist, no public URL,
    /// no cross-origin access, the default limits.
    pub fn new(data_dir: DataDir, listen: SocketAddr) -> ServerConfig {
        ServerConfig {
            data_dir,
            listen,
            outbound: Reach::PublicOnly,
            public_read: false,
            public_url: None,
            cors_origins: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// Why a server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A data directory without users, served off loopback.
    #[error(
        "refusing to listen on {listen}: {} has no users, and a server without users is open to anyone who reaches it, so it serves only on loopback. Create the first admin with\n    newsterm user add NAME --role admin --password-stdin --data {}\nthen start again (or listen on 127.0.0.1)",
        data.display(),
        data.display()
    )]
    NoUsers {
        /// The address asked for.
        listen: SocketAddr,
        /// The data directory.
        data: PathBuf,
    },
    /// Listening off loopback with no `--public-url`.
    #[error(
        "refusing to listen on {0} without --public-url: give the address readers reach this server at (such as --public-url https://news.example.org); it is the only Host the server answers to and where its feeds link"
    )]
    NoPublicUrl(SocketAddr),
    /// The `--public-url` cannot be used; says why.
    #[error("public URL `{url}` {problem}")]
    BadPublicUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A `--cors-origin` that is not scheme://host[:port].
    #[error(
        "CORS origin `{0}` is not an origin: write it as scheme://host[:port], such as https://app.example.org"
    )]
    BadCorsOrigin(String),
    /// The accounts could not be opened.
    #[error("cannot open the accounts: {0}")]
    Accounts(#[from] AccountsError),
    /// The engine could not start.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed after it started.
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
    /// The cluster could not be joined, or this node's store does not
    /// fit the cluster's stream.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// The cluster's users, tokens or alerts could not be brought into
    /// this node's files.
    #[error(transparent)]
    Records(#[from] RecordsError),
}

/// A server running in the background of this process.
pub struct RunningServer {
    addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), ServerError>>,
    engine: Arc<Engine>,
}

impl RunningServer {
    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's base URL, `http://` and the address bound.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How far the engine's background work has got (what `/healthz`
    /// reports), read without a request.
    pub fn progress(&self) -> Progress {
        self.engine.progress()
    }

    /// Asks the server to stop and waits until it has: streams closed,
    /// in-flight publishes answered, the index committed.
    pub async fn stop(self) -> Result<(), ServerError> {
        let _ = self.stop.send(true);
        self.wait().await
    }

    /// Waits for the server to stop by itself (it never does unless
    /// [`RunningServer::stop`] is called from elsewhere or it fails).
    pub async fn wait(self) -> Result<(), ServerError> {
        let result = match self.task.await {
            Ok(r) => r,
            Err(e) => Err(ServerError::Io(std::io::Error::other(e.to_string()))),
        };
        let engine = self.engine;
        // Joining the writer and indexer threads blocks.
        let _ = tokio::task::spawn_blocking(move || engine.shutdown()).await;
        result
    }

    /// A handle that can stop the server from another task.
    pub fn stopper(&self) -> tokio::sync::watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Checks what `config` says about the server's own address: a public
/// URL is `http(s)://host[:port]` with no path, CORS origins are origins.
fn check_addresses(config: &ServerConfig) -> Result<(), ServerError> {
    if let Some(url) = &config.public_url {
        let bad = |problem| ServerError::BadPublicUrl {
            url: url.to_string(),
            problem,
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("is not http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("has no host"));
        }
        if url.path() != "/" || url.query().is_some() || !url.username().is_empty() {
            return Err(bad(
                "must be scheme://host[:port] alone: newsterm is served from the root of its address",
            ));
        }
    }
    for origin in &config.cors_origins {
        let ok = url::Url::parse(origin).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some()
                && u.origin().ascii_serialization()
                    == origin.trim_end_matches('/').to_ascii_lowercase()
        });
        if !ok {
            return Err(ServerError::BadCorsOrigin(origin.clone()));
        }
    }
    Ok(())
}

/// Checks that a server on `config.listen` may run on `accounts`:
/// without users only on loopback, and off loopback only with a public
/// URL.
fn check_listen(config: &ServerConfig, accounts: &Accounts) -> Result<(), ServerError> {
    if !config.listen.ip().is_loopback() {
        if !accounts.has_users()? {
            return Err(ServerError::NoUsers {
                listen: config.listen,
                data: config.data_dir.path().to_path_buf(),
            });
        }
        if config.public_url.is_none() {
            return Err(ServerError::NoPublicUrl(config.listen));
        }
    }
    Ok(())
}

/// Opens the engine on `config.data_dir`, binds `config.listen` and
/// starts serving in the background.
pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
    launch(config, None).await
}

/// [`start`] as one node of a cluster: the wire is the cluster's
/// JetStream stream, which this node follows into its own store and
/// index; a publish here is acknowledged once the stream holds it and
/// this node has applied it.
pub async fn start_clustered(
    config: ServerConfig,
    cluster: ClusterConfig,
) -> Result<RunningServer, ServerError> {
    launch(config, Some(cluster)).await
}

async fn launch(
    config: ServerConfig,
    cluster: Option<ClusterConfig>,
) -> Result<RunningServer, ServerError> {
    check_addresses(&config)?;
    let data_dir = config.data_dir.clone();
    let accounts = tokio::task::spawn_blocking(move || {
        data_dir.prepare()?;
        Ok::<_, ServerError>(Arc::new(Accounts::open(data_dir.path())?))
    })
    .await
    .map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))??;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let data_dir = config.data_dir.clone();
    let outbound = config.outbound.clone();
    let (engine, records, node) = match cluster {
        // Blocking-pool threads run inside the runtime, which the webhook
        // sender needs for its dispatcher.
        None => {
            Records::mark(&data_dir, None)?;
            let engine = tokio::task::spawn_blocking(move || Engine::open(&data_dir, outbound))
                .await
                .map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))??;
            (engine, Records::local(), None)
        }
        Some(cluster) => {
            let (engine, records, node) =
                cluster::open(cluster, &data_dir, outbound, stop_rx.clone()).await?;
            (engine, records, Some(node))
        }
    };
    records
        .follow(accounts.clone(), engine.clone(), stop_rx.clone())
        .await?;
    check_listen(&config, &accounts)?;
    let accounts: Arc<dyn Authenticator> = accounts;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    let sources = match Sources::open(&engine, node.as_ref().map(cluster::Node::name)) {
        Ok(s) => {
            // In a cluster the sources are the cluster's, and this node
            // polls only those it holds the lease of.
            records
                .follow_sources(s.store.clone(), stop_rx.clone())
                .await?;
            if let Some(node) = &node {
                cluster::share_polling(node, &records, &s, stop_rx.clone()).await?;
            }
            let poller = s.poller.clone();
            let stop = stop_rx.clone();
            tokio::spawn(async move { poller.run(stop).await });
            Some(s)
        }
        Err(e) => {
            tracing::error!(error = %e, "feed sources unavailable; serving without them");
            None
        }
    };
    let gate = Arc::new(http::Gate::new(accounts, &config, addr));
    let state = http::AppState {
        engine: engine.clone(),
        shutdown: stop_rx.clone(),
        sources,
        gate: gate.clone(),
        limits: config.limits.clone(),
        records,
        top: http::AppState::top_board(),
    };
    let app = http::router(state, &config);
    {
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(FORGET_IDLE_EVERY);
            loop {
                tokio::select! {
                    _ = every.tick() => gate.forget_idle(),
                    _ = stop.changed() => break,
                }
            }
        });
    }
    let header_timeout = config.limits.header_timeout;
    let task = tokio::spawn(async move {
        connections::serve(listener, app, header_timeout, stop_rx).await?;
        Ok(())
    });
    tracing::info!(%addr, "newsterm server listening");
    Ok(RunningServer {
        addr,
        stop,
        task,
        engine,
    })
}
