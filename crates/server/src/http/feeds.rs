//! Feeds out: the top stories, any search and each alert's hits as Atom
//! 1.0, RSS 2.0 or JSON Feed 1.1 (`/feeds/…`), with ETags so feed
//! readers that ask again get a 304 until something changes.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use newsterm_alert::Whose;
use newsterm_feed::{FeedKind, FeedMeta};
use newsterm_story::Story;
use serde::Deserialize;

use super::access::Caller;
use super::headlines::{newest_matching, split_copies};
use super::{ApiError, AppState, blocking};

/// Stories in a served feed.
const FEED_ITEMS: usize = 50;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/feeds/{name}", get(serve_feed))
        .route("/feeds/alerts/{name}", get(serve_alert_feed))
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
    let base = st.gate.base_url(&headers);
    let engine = st.engine.clone();
    let (title, self_url, stories) = match stem {
        "top" => {
            let stories = blocking(move || -> Result<Vec<Story>, ApiError> {
                let mut stories = engine.top_stories(FEED_ITEMS)?;
                stories.extend(recent_withdrawals(&engine, None)?);
                Ok(stories)
            })
            .await?;
            (
                "newsterm: top stories".to_string(),
                format!("{base}/feeds/{name}"),
                stories,
            )
        }
        "search" => {
            let q = p.q.unwrap_or_default();
            let query = newsterm_query::parse(&q)?;
            let title = format!("newsterm: {q}");
            let self_url = format!("{base}/feeds/{name}?q={}", encode_query(&q));
            let stories = blocking(move || -> Result<Vec<Story>, ApiError> {
                let found = newest_matching(&engine, &query, FEED_ITEMS)?;
                // Other sources' copies of a story in the feed fold into it.
                let (originals, _) = split_copies(&found);
                let mut stories: Vec<Story> = originals.into_iter().cloned().collect();
                stories.extend(recent_withdrawals(&engine, Some(&query))?);
                Ok(stories)
            })
            .await?;
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
    caller: Caller,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (stem, ext) = name
        .rsplit_once('.')
        .ok_or_else(|| ApiError::not_found(format!("no feed `{name}`: try alerts/ID.atom")))?;
    let kind = FeedKind::from_extension(ext).ok_or_else(|| {
        ApiError::not_found(format!("no feed format `.{ext}`: use .atom, .rss or .json"))
    })?;
    let id: newsterm_alert::AlertId = stem.parse()?;
    let alert = st
        .engine
        .alerts()
        .get(id, caller.whose_alerts()?)
        .filter(|a| a.delivery.feed)
        .ok_or_else(|| ApiError::not_found(format!("alert {id} has no feed")))?;
    let engine = st.engine.clone();
    let stories = blocking(move || -> Result<Vec<Story>, ApiError> {
        let fired = engine
            .alerts()
            .recent(Some(id), Whose::Everyone, FEED_ITEMS)?;
        let mut stories = Vec::with_capacity(fired.len());
        for f in fired {
            if let Some(s) = engine.reader().revision(f.story, f.revision)? {
                stories.push(s);
            }
        }
        Ok(stories)
    })
    .await?;
    let base = st.gate.base_url(&headers);
    let meta = FeedMeta {
        title: format!("newsterm alert: {}", alert.name),
        self_url: format!("{base}/feeds/alerts/{name}"),
        alternate_url: None,
        story_url_base: Some(format!("{base}/api/stories/")),
        updated: None,
    };
    Ok(feed_response(&headers, kind, &meta, &stories))
}

/// How long a withdrawn story stays in feeds as a deleted entry.
const TOMBSTONE_HOURS: i64 = 24;

/// Stories withdrawn in the last day (matching `query`, if given), for
/// the feed formats that can announce a deleted entry.
fn recent_withdrawals(
    engine: &crate::engine::Engine,
    query: Option<&newsterm_query::Query>,
) -> Result<Vec<Story>, ApiError> {
    let since = time::OffsetDateTime::now_utc() - time::Duration::hours(TOMBSTONE_HOURS);
    Ok(engine
        .reader()
        .withdrawals(since, FEED_ITEMS)?
        .into_iter()
        .filter(|s| query.is_none_or(|q| newsterm_query::Document::of(s).matches(q)))
        .collect())
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

/// A query as the value of a URL's query string (`q=`), for the feed's
/// self link: form-urlencoded, as browsers send it.
fn encode_query(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}
