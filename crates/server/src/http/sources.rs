//! Feed sources over HTTP (`/api/sources…`) and one-shot feed imports
//! (`POST /api/import-feed`). Polling itself is the engine's.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use newsterm_api::{ImportFeedParams, NewSource, PollReport, SourceInfo};
use newsterm_feed::{Every, FeedInput, ImportOptions, Source, SourceId, SourceStore};

use super::{ApiError, AppState, blocking};
use crate::engine::{Sources, sink};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sources", get(list_sources).post(add_source))
        .route("/api/sources/{id}", get(get_source).delete(remove_source))
        .route("/api/sources/{id}/pause", post(pause_source))
        .route("/api/sources/{id}/resume", post(resume_source))
        .route("/api/sources/{id}/poll", post(poll_source))
        .route(
            "/api/import-feed",
            post(import_feed).layer(DefaultBodyLimit::max(newsterm_feed::DEFAULT_MAX_BYTES)),
        )
}

fn sources(st: &AppState) -> Result<&Sources, ApiError> {
    st.sources.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "feeds_unavailable",
            "feed sources could not be opened on this server",
        )
    })
}

fn source_id(id: &str) -> Result<SourceId, ApiError> {
    id.parse::<SourceId>()
        .map_err(|e| ApiError::bad_request("bad_parameter", e.to_string()))
}

/// Refuses, when it is added, a URL the server would never fetch: one
/// that is not http(s), or whose host is a literal internal address
/// (`127.0.0.1`, `[::1]`, `169.254.169.254`, `2130706433`…). Names are
/// checked when they are resolved, at every fetch.
pub(super) fn check_outbound_url(
    what: &str,
    url: &str,
    reach: &newsterm_egress::Reach,
) -> Result<(), ApiError> {
    newsterm_egress::parse_url(url.trim(), reach)
        .map(drop)
        .map_err(|e| ApiError::bad_request("bad_url", format!("{what} URL: {e}")))
}

/// Runs a source-store call on the blocking pool.
async fn with_store<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&SourceStore) -> Result<T, newsterm_feed::SourcesError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = sources(st)?.store.clone();
    blocking(move || f(&store)).await
}

/// A source as the API shows it (its conditional-request validators stay
/// on the server).
fn info(source: Source) -> SourceInfo {
    SourceInfo {
        id: source.spec.id.0,
        url: source.spec.url,
        name: source.spec.name,
        every: source.spec.every.to_string(),
        priority: source.spec.priority,
        paused: source.spec.paused,
        status: source.status.health,
    }
}

async fn list_sources(State(st): State<AppState>) -> Result<Json<Vec<SourceInfo>>, ApiError> {
    let list = with_store(&st, |s| s.list()).await?;
    Ok(Json(list.into_iter().map(info).collect()))
}

async fn get_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SourceInfo>, ApiError> {
    let id = source_id(&id)?;
    Ok(Json(info(with_store(&st, move |s| s.get(id)).await?)))
}

async fn add_source(
    State(st): State<AppState>,
    body: Result<Json<NewSource>, JsonRejection>,
) -> Result<(StatusCode, Json<SourceInfo>), ApiError> {
    let Json(new) = body?;
    let every = match new.every.as_deref() {
        Some(text) => text
            .parse::<Every>()
            .map_err(|e| ApiError::bad_request("bad_parameter", format!("every: {e}")))?,
        None => Every::default(),
    };
    check_outbound_url("source", &new.url, st.engine.outbound())?;
    let new = newsterm_feed::NewSource {
        url: new.url,
        name: new.name,
        every,
        priority: new.priority.unwrap_or_default(),
    };
    let store = sources(&st)?.store.clone();
    let source = st.records.add_source(store, new).await?;
    sources(&st)?.poller.wake();
    Ok((StatusCode::CREATED, Json(info(source))))
}

async fn remove_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = source_id(&id)?;
    let store = sources(&st)?.store.clone();
    st.records.remove_source(store, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn pause_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SourceInfo>, ApiError> {
    let id = source_id(&id)?;
    let store = sources(&st)?.store.clone();
    Ok(Json(info(
        st.records.set_source_paused(store, id, true).await?,
    )))
}

async fn resume_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SourceInfo>, ApiError> {
    let id = source_id(&id)?;
    let store = sources(&st)?.store.clone();
    let source = st.records.set_source_paused(store, id, false).await?;
    sources(&st)?.poller.wake();
    Ok(Json(info(source)))
}

async fn poll_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PollReport>, ApiError> {
    let id = source_id(&id)?;
    let r = sources(&st)?.poller.poll_now(id).await?;
    Ok(Json(r))
}

/// Imports one feed once, from `?url=` or from the request body.
async fn import_feed(
    State(st): State<AppState>,
    params: Result<Query<ImportFeedParams>, QueryRejection>,
    body: Bytes,
) -> Result<Json<PollReport>, ApiError> {
    let Query(p) = params?;
    let sources = sources(&st)?;
    let input = match p.url.as_deref() {
        Some(url) => FeedInput::Url(url),
        None if !body.is_empty() => FeedInput::Bytes(&body),
        None => {
            return Err(ApiError::bad_request(
                "bad_body",
                "send the feed as the request body, or its address as ?url=",
            ));
        }
    };
    let options = ImportOptions {
        source_name: p.source,
        priority: p.priority.unwrap_or_default(),
        store: Some(sources.store.clone()),
    };
    let sink = sink(st.engine.clone());
    let r = newsterm_feed::import_feed(input, &sources.fetcher, &sink, options).await?;
    Ok(Json(r))
}
