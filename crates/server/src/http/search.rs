//! The archive: full-text search (`GET /api/search`) and entity facets
//! (`GET /api/entities`).

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use newsterm_api::{EntityCount, EntityFacets, SearchResponse};
use newsterm_search::{SearchOptions, Sort};
use newsterm_store::MentionKind;
use serde::Deserialize;

use super::{ApiError, AppState, blocking, page_size};

/// Stories a facet looks at when it is narrowed by a query: the most
/// recent matches.
const FACET_STORIES: usize = 1000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/entities", get(entities))
}

/// A query in the search language, or none when `q` is absent or blank.
pub(super) fn optional_query(q: Option<&str>) -> Result<Option<newsterm_query::Query>, ApiError> {
    match q.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Ok(Some(newsterm_query::parse(q)?)),
        None => Ok(None),
    }
}

#[derive(Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
    sort: Option<String>,
    cursor: Option<String>,
}

async fn search(
    State(st): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let Query(p) = params?;
    let query = newsterm_query::parse(&p.q)?;
    let sort = match p.sort.as_deref() {
        None | Some("relevance") => Sort::Relevance,
        Some("time") => Sort::Time,
        Some(other) => {
            return Err(ApiError::bad_request(
                "bad_parameter",
                format!(
                    "sort `{}` is not relevance or time",
                    other.chars().take(40).collect::<String>()
                ),
            ));
        }
    };
    let opts = SearchOptions {
        limit: page_size(p.limit, 20)?,
        sort,
        cursor: p.cursor,
    };
    let engine = st.engine.clone();
    Ok(Json(
        blocking(move || engine.index().search(&query, &opts)).await?,
    ))
}

#[derive(Deserialize)]
struct EntityParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    q: Option<String>,
    since: Option<String>,
    limit: Option<usize>,
}

/// Entity facets: the most mentioned people, organizations, places or
/// topics, each counted once per story, optionally among the stories a
/// query finds and since a date.
async fn entities(
    State(st): State<AppState>,
    params: Result<Query<EntityParams>, QueryRejection>,
) -> Result<Json<EntityFacets>, ApiError> {
    let Query(p) = params?;
    let kind_name = p.kind.as_deref().unwrap_or("");
    let kind = MentionKind::parse(kind_name).ok_or_else(|| {
        ApiError::bad_request(
            "bad_parameter",
            format!(
                "type `{}` is not person, org, place or topic",
                kind_name.chars().take(40).collect::<String>()
            ),
        )
    })?;
    let since = p
        .since
        .as_deref()
        .map(|s| {
            newsterm_story::parse_time(s)
                .map_err(|e| ApiError::bad_request("bad_parameter", format!("since {e}")))
        })
        .transpose()?;
    let query = optional_query(p.q.as_deref())?;
    let limit = page_size(p.limit, 20)?;
    let engine = st.engine.clone();
    let counts = blocking(move || {
        let among = match query {
            Some(q) => Some(engine.index().latest_ids(&q, FACET_STORIES)?),
            None => None,
        };
        engine
            .reader()
            .mention_counts(kind, since, among.as_deref(), limit)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(Json(EntityFacets {
        kind: kind.as_str().to_string(),
        entities: counts
            .into_iter()
            .map(|c| EntityCount {
                name: c.name,
                detail: c.detail,
                count: c.count,
            })
            .collect(),
    }))
}
