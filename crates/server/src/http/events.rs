//! Events (`GET /api/events/{id}`) and READ (`GET /api/read`), and who a
//! reader is for READ's counts.

use std::net::SocketAddr;

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::routing::get;
use newsterm_api::{EventInfo, Headline, ReadEvent, ReadReport, ReadStory};
use newsterm_story::EventId;
use serde::Deserialize;
use time::OffsetDateTime;

use super::access::Caller;
use super::{ApiError, AppState, blocking, page_size};

/// Stories of one event an event page reads.
const EVENT_STORIES: usize = 500;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/events/{id}", get(event))
        .route("/api/read", get(read))
}

/// `GET /api/events/{id}`: the event from its stored stories.
async fn event(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<EventInfo>, ApiError> {
    let id: EventId = id.parse()?;
    let engine = st.engine.clone();
    let stories = blocking(move || engine.reader().event_stories(id, EVENT_STORIES)).await?;
    newsterm_event::summarize(id, &stories, st.engine.events().reference_time())
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("event {id} has no live story")))
}

#[derive(Deserialize)]
struct ReadParams {
    /// `hour` (default) or `day`.
    window: Option<String>,
    limit: Option<usize>,
}

/// `GET /api/read`: the most-read stories and events of the last hour or
/// day. Withdrawn stories are left out.
async fn read(
    State(st): State<AppState>,
    params: Result<Query<ReadParams>, QueryRejection>,
) -> Result<Json<ReadReport>, ApiError> {
    let Query(p) = params?;
    let (window, span) = match p.window.as_deref().unwrap_or("hour") {
        "hour" => ("hour", time::Duration::hours(1)),
        "day" => ("day", time::Duration::days(1)),
        other => {
            return Err(ApiError::bad_request(
                "bad_parameter",
                format!(
                    "window `{}` is not hour or day",
                    other.chars().take(40).collect::<String>()
                ),
            ));
        }
    };
    let limit = page_size(p.limit, 20)?;
    let engine = st.engine.clone();
    let report = blocking(move || -> Result<ReadReport, ApiError> {
        let since = OffsetDateTime::now_utc() - span;
        // Opens of stories withdrawn since do not count; more are asked
        // for than shown so the list stays full.
        let counted = engine.readership().most_read(since, limit * 2, |_| false);
        let mut stories = Vec::new();
        let mut withdrawn = std::collections::HashSet::new();
        for (id, readers) in counted.stories {
            match engine.reader().latest(id)? {
                Some(s) if !s.is_withdrawn() => {
                    if stories.len() < limit {
                        stories.push(ReadStory {
                            story: Headline::of(&s),
                            readers,
                        });
                    }
                }
                _ => {
                    withdrawn.insert(id);
                }
            }
        }
        let counted = engine
            .readership()
            .most_read(since, limit, |id| withdrawn.contains(&id));
        let mut events = Vec::new();
        for (event, readers) in counted.events {
            let members = engine.reader().event_stories(event, EVENT_STORIES)?;
            if let Some(summary) = newsterm_event::summarize(event, &members, since) {
                events.push(ReadEvent {
                    event,
                    label: summary.label,
                    readers,
                });
            }
        }
        Ok(ReadReport {
            window: window.to_string(),
            stories,
            events,
        })
    })
    .await?;
    Ok(Json(report))
}

/// Who is reading, as READ tells readers apart: the signed-in user, else
/// the reader id a client sends (`X-Newsterm-Reader`), else the address
/// the request came from. It is hashed on arrival and never answered.
pub(super) struct ReaderKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ReaderKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let key = parts
            .extensions
            .get::<Caller>()
            .and_then(Caller::principal)
            .map(|p| format!("user:{}", p.user_id))
            .or_else(|| header("x-newsterm-reader").map(|r| format!("reader:{r}")))
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(addr)| format!("address:{}", addr.ip()))
            })
            .unwrap_or_else(|| "anonymous".to_string());
        Ok(ReaderKey(key))
    }
}
