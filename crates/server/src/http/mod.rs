//! The HTTP API (axum): one module per resource, each handler a thin
//! shell that turns request parts into [`Engine`] calls and results into
//! JSON. Blocking work (SQLite, tantivy, tagging) goes to the blocking
//! pool through [`blocking`], never onto the async workers.
//!
//! Every request passes the gates of [`access`] first (the Host and
//! Origin, then who the caller is against what the route needs) and the
//! bounds of [`limits`] (deadlines, body caps, stream caps, rates).

mod access;
mod aggregates;
mod alerts;
mod error;
mod events;
mod feeds;
mod headlines;
mod limits;
mod refusal;
mod search;
mod session;
mod sources;
mod stories;
mod stream;
mod top_board;
mod web;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use newsterm_api::{ClusterHealth, Health};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::ServerConfig;
use crate::engine::{Engine, Sources};

pub use access::Gate;
pub use error::ApiError;
pub use limits::Limits;

/// Most results one page of any list returns.
pub const MAX_PAGE: usize = 500;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    /// Flips to true when the server starts shutting down, so long-lived
    /// streams close and let the graceful shutdown finish.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Feed sources and their poller; `None` if `sources.db` could not be
    /// opened (the rest of the server still serves).
    pub sources: Option<Sources>,
    /// Who may do what, and the per-client bounds.
    pub gate: Arc<Gate>,
    pub limits: Limits,
    /// Where alerts are added and removed: this node's files, or the
    /// cluster's bucket first.
    pub records: crate::shared::Records,
    /// TOP as every TOP stream sends it, ranked once per change.
    pub(crate) top: Arc<top_board::TopBoard>,
}

impl AppState {
    /// The board TOP streams share, paced as a server paces it.
    pub(crate) fn top_board() -> Arc<top_board::TopBoard> {
        Arc::new(top_board::TopBoard::new(stream::TOP_PACE))
    }
}

/// Every route of the API, behind its gates. Text answers are compressed
/// (gzip or brotli, as the client accepts); event streams are not, so
/// each event leaves at once.
pub fn router(state: AppState, config: &ServerConfig) -> Router {
    let routes = Router::new()
        .merge(stories::routes())
        .merge(aggregates::routes())
        .merge(search::routes())
        .merge(headlines::routes())
        .merge(events::routes())
        .merge(alerts::routes())
        .merge(sources::routes())
        .merge(feeds::routes())
        .merge(stream::routes())
        .merge(session::routes())
        .merge(web::routes())
        .route("/healthz", get(health))
        // Routed requests only: an unknown path is a plain 404.
        .route_layer(from_fn_with_state(state.clone(), access::authorize))
        .fallback(|| async { ApiError::not_found("no such endpoint") });
    let cors = (!config.cors_origins.is_empty()).then(|| {
        let origins = config
            .cors_origins
            .iter()
            .filter_map(|o| o.trim_end_matches('/').parse().ok())
            .collect::<Vec<_>>();
        // Cross-origin callers use tokens: cookies never cross origins.
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                HeaderName::from_static("last-event-id"),
            ])
            .expose_headers([header::ETAG, header::RETRY_AFTER])
    });
    routes
        .layer(CompressionLayer::new())
        .layer(from_fn_with_state(state.clone(), access::check_host))
        .layer(RequestBodyTimeoutLayer::new(state.limits.body_idle_timeout))
        .layer(from_fn_with_state(state.clone(), limits::deadline))
        .layer(tower::util::option_layer(cors))
        .layer(from_fn(access::security_headers))
        .with_state(state)
}

/// Runs `work` on the blocking pool and waits for it there, so SQLite and
/// tantivy calls never stall the connections sharing an async worker.
async fn blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(format!("background task failed: {e}")))?
        .map_err(Into::into)
}

/// The `Idempotency-Key` request header: a publisher's name for one
/// publish, so that sending it again (after a timeout, a dropped
/// connection) stores nothing new and answers what the first one made.
fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    const MAX: usize = 200;
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_idempotency_key",
                format!("Idempotency-Key must be 1 to {MAX} visible ASCII characters (a UUID is a good choice)"),
            )
        })?;
    Ok(Some(key.to_string()))
}

/// `limit=` as given, which must lie in `1..=MAX_PAGE`, or `default`.
fn page_size(limit: Option<usize>, default: usize) -> Result<usize, ApiError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::bad_request(
            "bad_parameter",
            format!("limit {n} is out of range: use 1 to {MAX_PAGE}"),
        )),
    }
}

/// `GET /healthz`: how far the engine's background work has got. Reads
/// only counters, so it answers in constant time at any archive size.
async fn health(State(st): State<AppState>) -> Json<Health> {
    let p = st.engine.progress();
    let cluster = st.engine.cluster_status().map(|c| ClusterHealth {
        node: c.node,
        nodes: c.nodes,
        stream_seq: p.log_head,
        applied_seq: p.applied_seq,
        behind: p.log_head.saturating_sub(p.applied_seq),
        problem: c.problem,
    });
    Json(Health {
        status: "ok".into(),
        stories: p.stories,
        last_seq: p.last_seq,
        indexed_seq: p.indexed_seq,
        subscribers: p.subscribers as u64,
        index_queue: p.index_queue as u64,
        alert_queue: p.alert_queue as u64,
        retag_pending: p.retag_pending,
        cluster,
    })
}
