//! The HTTP API: one handler per endpoint, each a thin shell over the
//! engine that turns request parts into calls and results into JSON.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use newsterm_api::{Headline, Health, ImportReport, LineError, PublishAck, RevisionInfo};
use newsterm_search::{SearchOptions, Sort};
use newsterm_store::{MentionKind, Write};
use newsterm_story::{Format, StoryContent, StoryId, Tags, jsonl};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::engine::Engine;
use crate::error::ApiError;
use crate::stream;

/// Largest story request body, in bytes.
pub const STORY_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// How much of a story request the server reads before giving up on it.
/// Bodies between this and [`STORY_BODY_LIMIT`] are read to the end and
/// refused with a 413 the client can see; cutting a client off mid-send
/// would leave it with a broken pipe instead of the reason.
const STORY_READ_LIMIT: usize = 16 * 1024 * 1024;
/// Largest bulk-import request body, in bytes.
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// Most results one search page returns.
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
    pub feeds: Option<crate::feeds::Feeds>,
}

pub fn router(state: AppState) -> Router {
    let stories = Router::new()
        .route("/api/stories", post(publish))
        .route("/api/stories/{id}", get(get_story).put(revise))
        .layer(DefaultBodyLimit::max(STORY_READ_LIMIT));
    let import = Router::new()
        .route("/api/import", post(import))
        .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT));
    Router::new()
        .merge(stories)
        .merge(import)
        .merge(crate::feeds::routes())
        .merge(crate::alerts::routes())
        .route("/api/stories/{id}/revisions", get(revisions))
        .route("/api/search", get(search))
        .route("/api/headlines", get(headlines))
        .route("/api/top", get(top))
        .route("/api/entities", get(entities))
        .route("/api/stream", get(stream::sse))
        .route("/api/ws", get(stream::websocket))
        .route("/healthz", get(health))
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .with_state(state)
}

/// Reads a story body in the form its `Content-Type` names, or the form
/// its content shows when the header is absent.
fn parse_story(headers: &HeaderMap, body: &[u8]) -> Result<StoryContent, ApiError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)").to_string());
    let format = match declared.as_deref() {
        None => Format::detect(body).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unknown_format",
                "cannot tell the story's form: send Content-Type text/markdown or application/json",
            )
        })?,
        Some(ct) => Format::from_content_type(ct).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unknown_format",
                format!(
                    "Content-Type `{}` is not a story form: use text/markdown or application/json (ninjs)",
                    ct.chars().take(80).collect::<String>()
                ),
            )
        })?,
    };
    Ok(format.parse(body, OffsetDateTime::now_utc())?.content)
}

async fn publish(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PublishAck>), ApiError> {
    let body = story_body(body)?;
    let (content, tags) = parse_and_tag(&st.engine, headers, body).await?;
    let ack = ingest_one(&st.engine, Write::New(content, tags)).await?;
    Ok((StatusCode::CREATED, Json(ack)))
}

async fn revise(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PublishAck>, ApiError> {
    let id: StoryId = id.parse()?;
    let body = story_body(body)?;
    let (content, tags) = parse_and_tag(&st.engine, headers, body).await?;
    Ok(Json(
        ingest_one(&st.engine, Write::Revise(id, content, tags)).await?,
    ))
}

fn story_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    let body = body.map_err(|e| ApiError::body(e, STORY_BODY_LIMIT))?;
    if body.len() > STORY_BODY_LIMIT {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "request body is {} bytes, over the limit of {STORY_BODY_LIMIT} bytes",
                body.len()
            ),
        ));
    }
    Ok(body)
}

/// Parsing, schema validation and tagging are CPU work: they run on the
/// blocking pool so they never stall the connections sharing this worker.
async fn parse_and_tag(
    engine: &Arc<Engine>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StoryContent, Tags), ApiError> {
    let engine = engine.clone();
    tokio::task::spawn_blocking(move || {
        let content = parse_story(&headers, &body)?;
        let tags = engine.tag(&content);
        Ok((content, tags))
    })
    .await
    .map_err(|e| ApiError::internal(format!("parser failed: {e}")))?
}

async fn ingest_one(engine: &Engine, write: Write) -> Result<PublishAck, ApiError> {
    let mut results = engine.ingest(vec![write]).await?;
    let story = results
        .pop()
        .ok_or_else(|| ApiError::internal("store returned no result"))??;
    Ok(PublishAck {
        id: story.id,
        revision: story.revision,
        seq: story.seq,
    })
}

#[derive(Deserialize)]
struct StoryParams {
    rev: Option<u32>,
    format: Option<String>,
}

async fn get_story(
    State(st): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<StoryParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let id: StoryId = id.parse()?;
    let format = params
        .format
        .as_deref()
        .filter(|f| !f.eq_ignore_ascii_case("json"))
        .map(str::parse::<Format>)
        .transpose()?;
    let engine = st.engine.clone();
    let story = tokio::task::spawn_blocking(move || match params.rev {
        Some(rev) => engine.reader().revision(id, rev),
        None => engine.reader().latest(id),
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let story = story.ok_or_else(|| match params.rev {
        Some(rev) => ApiError::not_found(format!("story {id} has no revision {rev}")),
        None => ApiError::not_found(format!("story {id} does not exist")),
    })?;
    Ok(match format {
        None => Json(story).into_response(),
        Some(f) => ([(header::CONTENT_TYPE, f.content_type())], f.render(&story)).into_response(),
    })
}

async fn revisions(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionInfo>>, ApiError> {
    let id: StoryId = id.parse()?;
    let engine = st.engine.clone();
    let revs = tokio::task::spawn_blocking(move || engine.reader().revisions(id))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    if revs.is_empty() {
        return Err(ApiError::not_found(format!("story {id} does not exist")));
    }
    Ok(Json(
        revs.into_iter()
            .map(|r| RevisionInfo {
                revision: r.revision,
                seq: r.seq,
                headline: r.headline,
                received: r.received,
            })
            .collect(),
    ))
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
) -> Result<Json<newsterm_api::SearchResponse>, ApiError> {
    let Query(p) = params?;
    let query = Engine::parse_query(&p.q)?;
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
        limit: p.limit.unwrap_or(20).clamp(1, MAX_PAGE),
        sort,
        cursor: p.cursor,
    };
    let index = st.engine.index().clone();
    let resp = tokio::task::spawn_blocking(move || index.search(&query, &opts))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(search_error)?;
    Ok(Json(resp))
}

fn search_error(e: newsterm_search::SearchError) -> ApiError {
    match e {
        newsterm_search::SearchError::InvalidCursor(_) => {
            ApiError::bad_request("bad_parameter", e.to_string())
        }
        other => ApiError::from(other),
    }
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
    let limit = p.limit.unwrap_or(100).clamp(1, MAX_PAGE);
    let matcher = match p.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(Engine::parse_query(q)?),
        None => None,
    };
    let engine = st.engine.clone();
    let scan = if matcher.is_some() { 5_000 } else { limit };
    let stories = tokio::task::spawn_blocking(move || engine.reader().recent(scan))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(
        stories
            .iter()
            .filter(|s| {
                matcher
                    .as_ref()
                    .is_none_or(|q| newsterm_query::Document::of(s).matches(q))
            })
            .take(limit)
            .map(Headline::of)
            .collect(),
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

/// Stories a facet looks at when it is narrowed by a query: the most
/// recent matches.
const FACET_STORIES: usize = 1000;

/// Entity facets: the most mentioned people, organizations, places or
/// topics, each counted once per story, optionally among the stories a
/// query finds and since a date.
async fn entities(
    State(st): State<AppState>,
    params: Result<Query<EntityParams>, QueryRejection>,
) -> Result<Json<newsterm_api::EntityFacets>, ApiError> {
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
    let query = match p.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(Engine::parse_query(q)?),
        None => None,
    };
    let limit = p.limit.unwrap_or(20).clamp(1, MAX_PAGE);
    let engine = st.engine.clone();
    let counts = tokio::task::spawn_blocking(move || {
        let among = match query {
            Some(q) => {
                let opts = SearchOptions {
                    limit: FACET_STORIES,
                    sort: Sort::Time,
                    cursor: None,
                };
                let hits = engine.index().search(&q, &opts).map_err(search_error)?;
                Some(hits.hits.into_iter().map(|h| h.id).collect::<Vec<_>>())
            }
            None => None,
        };
        engine
            .reader()
            .mention_counts(kind, since, among.as_deref(), limit)
            .map_err(ApiError::from)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(newsterm_api::EntityFacets {
        kind: kind.as_str().to_string(),
        entities: counts
            .into_iter()
            .map(|c| newsterm_api::EntityCount {
                name: c.name,
                detail: c.detail,
                count: c.count,
            })
            .collect(),
    }))
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
    let limit = p.limit.unwrap_or(30).clamp(1, MAX_PAGE);
    let engine = st.engine.clone();
    let top = tokio::task::spawn_blocking(move || engine.top(limit))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(top))
}

#[derive(Deserialize)]
struct ImportParams {
    /// `tag=false` stores the stories untagged, for loading an archive
    /// fast and tagging it afterwards with `newsterm reindex --retag`.
    tag: Option<bool>,
}

/// Bulk import: one JSON object a line. Lines that fail are reported
/// with their line number; every other line is stored, in order, in one
/// durable transaction.
async fn import(
    State(st): State<AppState>,
    params: Result<Query<ImportParams>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ApiError> {
    let Query(p) = params?;
    let tag = p.tag.unwrap_or(true);
    let body = body.map_err(|e| ApiError::body(e, IMPORT_BODY_LIMIT))?;
    let engine = st.engine.clone();
    let (writes, mut rejected) =
        tokio::task::spawn_blocking(move || parse_import(&engine, &body, tag))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
    let results = st
        .engine
        .ingest(
            writes
                .iter()
                .map(|(_, c, t)| Write::New(c.clone(), t.clone()))
                .collect(),
        )
        .await?;
    let mut report = ImportReport::default();
    for ((line, _, _), result) in writes.iter().zip(results) {
        match result {
            Ok(story) => {
                report.imported += 1;
                report.first_seq.get_or_insert(story.seq);
                report.last_seq = Some(story.seq);
            }
            Err(e) => rejected.push(LineError {
                line: *line,
                error: e.to_string(),
            }),
        }
    }
    rejected.sort_by_key(|e| e.line);
    report.rejected = rejected;
    Ok(Json(report))
}

/// Parses every line, then tags the good ones on every core: tagging is
/// most of an import's CPU time.
fn parse_import(
    engine: &Engine,
    body: &[u8],
    tag: bool,
) -> (Vec<(u64, StoryContent, Tags)>, Vec<LineError>) {
    let now = OffsetDateTime::now_utc();
    let mut writes = Vec::new();
    let mut rejected = Vec::new();
    for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = std::str::from_utf8(raw)
            .map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))
            .and_then(|text| {
                jsonl::parse_line(text, now)
                    .map(|p| p.content)
                    .map_err(|e| e.to_string())
            });
        match parsed {
            Ok(content) => writes.push((line, content)),
            Err(error) => rejected.push(LineError { line, error }),
        }
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = writes.len().div_ceil(workers).max(1);
    let tagged = std::thread::scope(|scope| {
        let handles: Vec<_> = writes
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(_, c)| if tag { engine.tag(c) } else { Tags::default() })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });
    let writes = writes
        .into_iter()
        .zip(tagged)
        .map(|((line, content), tags)| (line, content, tags))
        .collect();
    (writes, rejected)
}

async fn health(State(st): State<AppState>) -> Result<Json<Health>, ApiError> {
    let engine = st.engine.clone();
    let stories = tokio::task::spawn_blocking(move || engine.reader().story_count())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(Health {
        status: "ok".into(),
        stories,
        last_seq: st.engine.wire().last_seq(),
        indexed_seq: st.engine.indexed_seq(),
        subscribers: st.engine.wire().subscriber_count() as u64,
    }))
}
