//! Feeds in and out over HTTP: the sources newsterm polls
//! (`/api/sources`), a one-shot feed import (`/api/import-feed`), and any
//! query served as Atom, RSS or JSON Feed (`/feeds/…`) for feed readers.
//!
//! Polled items take the same path as a publish: tagged, stored durably,
//! then indexed and fanned out ([`Engine::ingest`]).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use newsterm_feed::{
    FeedInput, FeedKind, FeedMeta, Fetcher, ImportOptions, IngestItem, NewSource, PollReport,
    Poller, SinkResult, Source, SourceId, SourceStore,
};
use newsterm_search::{SearchOptions, Sort};
use newsterm_store::Write;
use newsterm_story::{Priority, Story};
use serde::Deserialize;

use crate::engine::Engine;
use crate::error::ApiError;
use crate::routes::AppState;

/// Stories in a served feed.
const FEED_ITEMS: usize = 50;

/// The sources and the poller that reads them.
#[derive(Clone)]
pub struct Feeds {
    pub sources: Arc<SourceStore>,
    pub poller: Poller,
    pub fetcher: Fetcher,
}

impl Feeds {
    pub fn open(engine: &Arc<Engine>) -> Result<Feeds, String> {
        let sources = Arc::new(
            SourceStore::open(&engine.data_dir().join("sources.db")).map_err(|e| e.to_string())?,
        );
        let fetcher = Fetcher::new(Default::default()).map_err(|e| e.to_string())?;
        let poller = Poller::new(
            sources.clone(),
            fetcher.clone(),
            sink(engine.clone()),
            Default::default(),
        );
        Ok(Feeds {
            sources,
            poller,
            fetcher,
        })
    }
}

/// Where polled and imported items go: tagged on the blocking pool, then
/// into the engine like any publish.
fn sink(
    engine: Arc<Engine>,
) -> impl Fn(Vec<IngestItem>) -> std::pin::Pin<Box<dyn Future<Output = SinkResult> + Send>>
+ Send
+ Sync
+ 'static {
    move |items: Vec<IngestItem>| {
        let engine = engine.clone();
        Box::pin(async move {
            let tagging = engine.clone();
            let writes = tokio::task::spawn_blocking(move || {
                items
                    .into_iter()
                    .map(|item| match item {
                        IngestItem::New(content) => {
                            let tags = tagging.tag(&content);
                            Write::New(content, tags)
                        }
                        IngestItem::Revise(id, content) => {
                            let tags = tagging.tag(&content);
                            Write::Revise(id, content, tags)
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| e.to_string())?;
            let results = engine.ingest(writes).await.map_err(|e| e.to_string())?;
            Ok(results
                .into_iter()
                .map(|r| r.map(|s| (s.id, s.revision)).map_err(|e| e.to_string()))
                .collect())
        }) as std::pin::Pin<Box<dyn Future<Output = SinkResult> + Send>>
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sources", get(list_sources).post(add_source))
        .route("/api/sources/{id}", get(get_source).delete(remove_source))
        .route("/api/sources/{id}/pause", post(pause_source))
        .route("/api/sources/{id}/resume", post(resume_source))
        .route("/api/sources/{id}/poll", post(poll_source))
        .route("/api/import-feed", post(import_feed))
        .route("/feeds/{name}", get(serve_feed))
        .route("/feeds/alerts/{name}", get(serve_alert_feed))
}

fn feeds(st: &AppState) -> Result<&Feeds, ApiError> {
    st.feeds.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "feeds_unavailable",
            "feed sources could not be opened on this server",
        )
    })
}

fn source_error(e: newsterm_feed::SourcesError) -> ApiError {
    let msg = e.to_string();
    if msg.starts_with("no source") {
        ApiError::not_found(msg)
    } else if msg.contains("already exists") {
        ApiError::new(StatusCode::CONFLICT, "duplicate_source", msg)
    } else {
        ApiError::internal(msg)
    }
}

fn source_id(id: &str) -> Result<SourceId, ApiError> {
    id.parse::<i64>().map(SourceId).map_err(|_| {
        ApiError::bad_request(
            "bad_parameter",
            format!(
                "`{}` is not a source id (a number)",
                id.chars().take(40).collect::<String>()
            ),
        )
    })
}

/// Runs a source-store call on the blocking pool.
async fn with_sources<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&SourceStore) -> Result<T, newsterm_feed::SourcesError> + Send + 'static,
) -> Result<T, ApiError> {
    let sources = feeds(st)?.sources.clone();
    tokio::task::spawn_blocking(move || f(&sources))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(source_error)
}

async fn list_sources(State(st): State<AppState>) -> Result<Json<Vec<Source>>, ApiError> {
    Ok(Json(with_sources(&st, |s| s.list()).await?))
}

async fn get_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Source>, ApiError> {
    let id = source_id(&id)?;
    Ok(Json(with_sources(&st, move |s| s.get(id)).await?))
}

async fn add_source(
    State(st): State<AppState>,
    body: Result<Json<NewSource>, JsonRejection>,
) -> Result<(StatusCode, Json<Source>), ApiError> {
    let Json(new) = body.map_err(|e| ApiError::bad_request("bad_body", e.body_text()))?;
    let lower = new.url.trim().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(ApiError::bad_request(
            "bad_parameter",
            format!(
                "`{}` is not an http(s) URL",
                new.url.chars().take(200).collect::<String>()
            ),
        ));
    }
    let source = with_sources(&st, move |s| s.add(&new)).await?;
    feeds(&st)?.poller.wake();
    Ok((StatusCode::CREATED, Json(source)))
}

async fn remove_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = source_id(&id)?;
    with_sources(&st, move |s| s.remove(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn pause_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Source>, ApiError> {
    let id = source_id(&id)?;
    Ok(Json(
        with_sources(&st, move |s| s.set_paused(id, true)).await?,
    ))
}

async fn resume_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Source>, ApiError> {
    let id = source_id(&id)?;
    let source = with_sources(&st, move |s| s.set_paused(id, false)).await?;
    feeds(&st)?.poller.wake();
    Ok(Json(source))
}

async fn poll_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PollReport>, ApiError> {
    let id = source_id(&id)?;
    let report = feeds(&st)?.poller.poll_now(id).await.map_err(poll_error)?;
    Ok(Json(report))
}

fn poll_error(e: newsterm_feed::PollError) -> ApiError {
    match e {
        newsterm_feed::PollError::Sources(s) => source_error(s),
        newsterm_feed::PollError::Sink(s) => ApiError::internal(s),
        other => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_feed",
            other.to_string(),
        ),
    }
}

#[derive(Deserialize)]
struct ImportParams {
    url: Option<String>,
    source: Option<String>,
    priority: Option<String>,
}

/// Imports one feed once, from `?url=` or from the request body.
async fn import_feed(
    State(st): State<AppState>,
    params: Result<Query<ImportParams>, QueryRejection>,
    body: Bytes,
) -> Result<Json<PollReport>, ApiError> {
    let Query(p) = params?;
    let feeds = feeds(&st)?;
    let priority = match p.priority.as_deref() {
        None => Priority::Normal,
        Some(s) => s.parse::<Priority>()?,
    };
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
        priority,
        store: Some(feeds.sources.clone()),
    };
    let sink = sink(st.engine.clone());
    let report = newsterm_feed::import_feed(input, &feeds.fetcher, &sink, options)
        .await
        .map_err(poll_error)?;
    Ok(Json(report))
}

#[derive(Deserialize)]
struct FeedParams {
    q: Option<String>,
}

/// `/feeds/top.atom`, `/feeds/search.rss?q=…`, `/feeds/top.json`: the top
/// stories, or the newest stories matching a query, as a feed, with an
/// ETag so readers that ask again get a 304 until something changes.
async fn serve_feed(
    State(st): State<AppState>,
    Path(name): Path<String>,
    params: Result<Query<FeedParams>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(p) = params?;
    let (stem, ext) = name
        .rsplit_once('.')
        .ok_or_else(|| ApiError::not_found(format!("no feed `{name}`: try top.atom")))?;
    let kind = FeedKind::from_extension(ext).ok_or_else(|| {
        ApiError::not_found(format!("no feed format `.{ext}`: use .atom, .rss or .json"))
    })?;
    let base = base_url(&headers);
    let engine = st.engine.clone();
    let (title, self_url, stories) = match stem {
        "top" => {
            let stories = tokio::task::spawn_blocking(move || engine.top_stories(FEED_ITEMS))
                .await
                .map_err(|e| ApiError::internal(e.to_string()))??;
            (
                "newsterm: top stories".to_string(),
                format!("{base}/feeds/{name}"),
                stories,
            )
        }
        "search" => {
            let q = p.q.unwrap_or_default();
            let query = Engine::parse_query(&q)?;
            let title = format!("newsterm: {q}");
            let self_url = format!("{base}/feeds/{name}?q={}", encode_query(&q));
            let stories = tokio::task::spawn_blocking(move || -> Result<Vec<Story>, ApiError> {
                let opts = SearchOptions {
                    limit: FEED_ITEMS,
                    sort: Sort::Time,
                    cursor: None,
                };
                let hits = engine
                    .index()
                    .search(&query, &opts)
                    .map_err(ApiError::from)?;
                let mut stories = Vec::with_capacity(hits.hits.len());
                for hit in hits.hits {
                    if let Some(s) = engine.reader().latest(hit.id)? {
                        stories.push(s);
                    }
                }
                Ok(stories)
            })
            .await
            .map_err(|e| ApiError::internal(e.to_string()))??;
            (title, self_url, stories)
        }
        other => {
            return Err(ApiError::not_found(format!(
                "no feed `{other}`: use top or search?q="
            )));
        }
    };
    let meta = FeedMeta {
        title,
        self_url,
        alternate_url: None,
        story_url_base: Some(format!("{base}/api/stories/")),
        updated: None,
    };
    Ok(feed_response(&headers, kind, &meta, &stories))
}

/// `/feeds/alerts/{id}.atom` (or `.rss`, `.json`): an alert's recent
/// hits, newest first, each the revision that fired.
async fn serve_alert_feed(
    State(st): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (stem, ext) = name
        .rsplit_once('.')
        .ok_or_else(|| ApiError::not_found(format!("no feed `{name}`: try alerts/ID.atom")))?;
    let kind = FeedKind::from_extension(ext).ok_or_else(|| {
        ApiError::not_found(format!("no feed format `.{ext}`: use .atom, .rss or .json"))
    })?;
    let id: newsterm_alert::AlertId = stem
        .parse()
        .map_err(|e: newsterm_alert::AlertError| ApiError::bad_request(e.code(), e.to_string()))?;
    let alert = st
        .engine
        .alerts()
        .get(id)
        .filter(|a| a.delivery.feed)
        .ok_or_else(|| ApiError::not_found(format!("alert {id} has no feed")))?;
    let engine = st.engine.clone();
    let stories = tokio::task::spawn_blocking(move || -> Result<Vec<Story>, ApiError> {
        let fired = engine
            .alerts()
            .recent(Some(id), FEED_ITEMS)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let mut stories = Vec::with_capacity(fired.len());
        for f in fired {
            if let Some(s) = engine.reader().revision(f.story, f.revision)? {
                stories.push(s);
            }
        }
        Ok(stories)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let base = base_url(&headers);
    let meta = FeedMeta {
        title: format!("newsterm alert: {}", alert.name),
        self_url: format!("{base}/feeds/alerts/{name}"),
        alternate_url: None,
        story_url_base: Some(format!("{base}/api/stories/")),
        updated: None,
    };
    Ok(feed_response(&headers, kind, &meta, &stories))
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The feed, or `304 Not Modified` when the reader's ETag still holds.
fn feed_response(
    headers: &HeaderMap,
    kind: FeedKind,
    meta: &FeedMeta,
    stories: &[Story],
) -> Response {
    let etag = newsterm_feed::etag(meta, stories);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if fresh {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let body = kind.render(meta, stories);
    (
        [
            (header::CONTENT_TYPE, kind.content_type().to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

/// Percent-encodes a query for the feed's self link.
fn encode_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
