//! The HTTP API (axum): one module per resource, each handler a thin
//! shell that turns request parts into [`Engine`] calls and results into
//! JSON. Blocking work (SQLite, tantivy, tagging) goes to the blocking
//! pool through [`blocking`], never onto the async workers.

mod alerts;
mod error;
mod feeds;
mod headlines;
mod search;
mod sources;
mod stories;
mod stream;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use newsterm_api::Health;
use tower_http::compression::CompressionLayer;

use crate::engine::{Engine, Sources};

pub use error::ApiError;

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
}

/// Every route of the API. Text answers are compressed (gzip or brotli,
/// as the client accepts); event streams are not, so each event leaves
/// at once.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(stories::routes())
        .merge(search::routes())
        .merge(headlines::routes())
        .merge(alerts::routes())
        .merge(sources::routes())
        .merge(feeds::routes())
        .merge(stream::routes())
        .route("/healthz", get(health))
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .layer(CompressionLayer::new())
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

/// `limit=` as given, within `1..=MAX_PAGE`, or `default`.
fn page_size(limit: Option<usize>, default: usize) -> usize {
    limit.unwrap_or(default).clamp(1, MAX_PAGE)
}

/// `GET /healthz`: how far the engine's background work has got. Reads
/// only counters, so it answers in constant time at any archive size.
async fn health(State(st): State<AppState>) -> Json<Health> {
    let p = st.engine.progress();
    Json(Health {
        status: "ok".into(),
        stories: p.stories,
        last_seq: p.last_seq,
        indexed_seq: p.indexed_seq,
        subscribers: p.subscribers as u64,
        index_queue: p.index_queue as u64,
        alert_queue: p.alert_queue as u64,
    })
}
