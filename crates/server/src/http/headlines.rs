//! The latest headlines (`GET /api/headlines`) and the top stories
//! (`GET /api/top`).

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use newsterm_api::Headline;
use newsterm_query::Document;
use serde::Deserialize;

use super::search::optional_query;
use super::{ApiError, AppState, blocking, page_size};

/// Latest stories a filtered headline list looks through.
const FILTER_SCAN: usize = 5_000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/headlines", get(headlines))
        .route("/api/top", get(top))
}

#[derive(Deserialize)]
struct HeadlineParams {
    q: Option<String>,
    limit: Option<usize>,
}

/// The latest headlines (latest revision of each story), newest first,
/// filtered as a live stream with the same query would be.
async fn headlines(
    State(st): State<AppState>,
    params: Result<Query<HeadlineParams>, QueryRejection>,
) -> Result<Json<Vec<Headline>>, ApiError> {
    let Query(p) = params?;
    let limit = page_size(p.limit, 100)?;
    let matcher = optional_query(p.q.as_deref())?;
    let engine = st.engine.clone();
    let scan = if matcher.is_some() {
        FILTER_SCAN
    } else {
        limit
    };
    let stories = blocking(move || engine.reader().recent(scan)).await?;
    Ok(Json(
        stories
            .iter()
            .filter(|s| matcher.as_ref().is_none_or(|q| Document::of(s).matches(q)))
            .take(limit)
            .map(Headline::of)
            .collect(),
    ))
}

#[derive(Deserialize)]
struct TopParams {
    limit: Option<usize>,
}

async fn top(
    State(st): State<AppState>,
    params: Result<Query<TopParams>, QueryRejection>,
) -> Result<Json<Vec<Headline>>, ApiError> {
    let Query(p) = params?;
    let limit = page_size(p.limit, 30)?;
    let engine = st.engine.clone();
    let top = blocking(move || engine.top_stories(limit)).await?;
    Ok(Json(top.iter().map(Headline::of).collect()))
}
