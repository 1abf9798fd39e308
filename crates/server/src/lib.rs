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

mod engine;
mod http;
mod reindex;

use std::net::SocketAddr;
use std::sync::Arc;

pub use engine::{DataDir, EngineError, Progress};
pub use newsterm_egress::Reach;
pub use reindex::{ReindexError, ReindexReport, reindex};

use engine::{Engine, Sources};

/// The address a server listens on unless told otherwise: loopback only,
/// because publishing is not authenticated yet.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7171";

/// Where a server keeps its data and where it listens.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub data_dir: DataDir,
    pub listen: SocketAddr,
    /// Which addresses feed sources, feed imports by URL and webhooks may
    /// reach: public ones only unless the operator allows internal ones
    /// (`--allow-private-fetch`).
    pub outbound: Reach,
}

/// Why a server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
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

/// Opens the engine on `config.data_dir`, binds `config.listen` and
/// starts serving in the background.
pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
    let data_dir = config.data_dir.clone();
    // Blocking-pool threads run inside the runtime, which the webhook
    // sender needs for its dispatcher.
    let outbound = config.outbound;
    let engine = tokio::task::spawn_blocking(move || Engine::open(&data_dir, outbound))
        .await
        .map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))??;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let sources = match Sources::open(&engine) {
        Ok(s) => {
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
    let state = http::AppState {
        engine: engine.clone(),
        shutdown: stop_rx.clone(),
        sources,
    };
    let app = http::router(state);
    let mut signal = stop_rx;
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                while !*signal.borrow() {
                    if signal.changed().await.is_err() {
                        break;
                    }
                }
            })
            .await?;
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
