//! Standing alerts over HTTP: list, add, edit, remove, recent hits and a
//! dry run (`/api/alerts…`). Matching and delivery live in the engine.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use newsterm_alert::{Alert, AlertId, AlertSpec, Delivery, Webhook, Whose};
use newsterm_api::{AlertDelivery, AlertHit, AlertInfo, Headline, NewAlert, WebhookTarget};
use newsterm_query::Document;
use serde::Deserialize;

use newsterm_accounts::Scope;

use super::access::Caller;
use super::sources::check_outbound_url;
use super::{ApiError, AppState, blocking, page_size};
use crate::engine::{Alerts, Engine};

/// Latest stories a dry run (`/api/alerts/test`) looks through.
const TEST_SCAN: usize = 1000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/alerts", get(list).post(add))
        .route("/api/alerts/hits", get(all_hits))
        .route("/api/alerts/test", get(test))
        .route("/api/alerts/{id}", get(get_one).put(edit).delete(remove))
        .route("/api/alerts/{id}/hits", get(hits))
}

fn alert_id(id: &str) -> Result<AlertId, ApiError> {
    Ok(id.parse::<AlertId>()?)
}

async fn list(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AlertInfo>>, ApiError> {
    let alerts = st.engine.alerts();
    let whose = caller.whose_alerts()?;
    Ok(Json(
        alerts.list(whose).iter().map(|a| info(alerts, a)).collect(),
    ))
}

/// The alert `id` if the caller may see it; another user's alert is as
/// absent as one that never existed, so ids tell nothing about others.
fn visible_alert(st: &AppState, caller: &Caller, id: &str) -> Result<Alert, ApiError> {
    let id = alert_id(id)?;
    st.engine
        .alerts()
        .get(id, caller.whose_alerts()?)
        .ok_or_else(|| ApiError::not_found(format!("alert {id} does not exist")))
}

async fn get_one(
    State(st): State<AppState>,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<AlertInfo>, ApiError> {
    let alert = visible_alert(&st, &caller, &id)?;
    Ok(Json(info(st.engine.alerts(), &alert)))
}

/// What a `POST` or `PUT` body asks for, checked: a webhook needs the
/// sources scope and an outbound URL the server may reach. A webhook given
/// without a secret keeps the one `before` had, or gets a random one.
fn spec_of(
    st: &AppState,
    caller: &Caller,
    new: NewAlert,
    before: Option<&Alert>,
) -> Result<AlertSpec, ApiError> {
    let webhook = match new.delivery.webhook {
        None => None,
        Some(w) => {
            // A webhook makes the server send requests out: an editor's
            // or admin's call, like feed sources.
            caller.require(Scope::Sources)?;
            check_outbound_url("webhook", &w.url, st.engine.outbound())?;
            let kept = before
                .and_then(|a| a.delivery.webhook.as_ref())
                .map(|h| h.secret.clone());
            Some(Webhook {
                url: w.url,
                secret: match w.secret.or(kept) {
                    Some(s) => s,
                    None => Webhook::random_secret()
                        .map_err(|e| ApiError::internal(format!("cannot make a secret: {e}")))?,
                },
            })
        }
    };
    Ok(AlertSpec {
        name: new.name,
        query: new.query,
        delivery: Delivery {
            stream: new.delivery.stream,
            webhook,
            feed: new.delivery.feed,
        },
    })
}

async fn add(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Json<NewAlert>, JsonRejection>,
) -> Result<(StatusCode, Json<AlertInfo>), ApiError> {
    let Json(new) = body.map_err(|e| ApiError::bad_request("bad_body", e.body_text()))?;
    let made_secret = new
        .delivery
        .webhook
        .as_ref()
        .is_some_and(|w| w.secret.is_none());
    let spec = spec_of(&st, &caller, new, None)?;
    let owner = caller.principal().map(|p| p.user_id);
    let alert = st.records.add_alert(st.engine.clone(), spec, owner).await?;
    let mut shown = info(st.engine.alerts(), &alert);
    // A secret the server made is shown this once, or its receiver could
    // never check a signature; one the caller sent is never echoed.
    if made_secret
        && let (Some(shown), Some(hook)) = (
            shown.delivery.webhook.as_mut(),
            alert.delivery.webhook.as_ref(),
        )
    {
        shown.secret = Some(hook.secret.clone());
    }
    Ok((StatusCode::CREATED, Json(shown)))
}

/// `PUT /api/alerts/{id}`: a new name, query or delivery for an alert the
/// caller may see (owner and creation time stay).
async fn edit(
    State(st): State<AppState>,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
    body: Result<Json<NewAlert>, JsonRejection>,
) -> Result<Json<AlertInfo>, ApiError> {
    let before = visible_alert(&st, &caller, &id)?;
    let Json(new) = body.map_err(|e| ApiError::bad_request("bad_body", e.body_text()))?;
    let spec = spec_of(&st, &caller, new, Some(&before))?;
    let id = before.id;
    let alert = st
        .records
        .replace_alert(st.engine.clone(), id, spec)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("alert {id} does not exist")))?;
    Ok(Json(info(st.engine.alerts(), &alert)))
}

async fn remove(
    State(st): State<AppState>,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = visible_alert(&st, &caller, &id)?.id;
    let removed = st.records.remove_alert(st.engine.clone(), id).await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("alert {id} does not exist")))
    }
}

#[derive(Deserialize)]
struct HitParams {
    limit: Option<usize>,
}

async fn hits(
    State(st): State<AppState>,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
    params: Result<Query<HitParams>, QueryRejection>,
) -> Result<Json<Vec<AlertHit>>, ApiError> {
    let id = visible_alert(&st, &caller, &id)?.id;
    let Query(p) = params?;
    let whose = caller.whose_alerts()?;
    Ok(Json(hit_list(&st.engine, Some(id), whose, p.limit).await?))
}

async fn all_hits(
    State(st): State<AppState>,
    caller: Caller,
    params: Result<Query<HitParams>, QueryRejection>,
) -> Result<Json<Vec<AlertHit>>, ApiError> {
    let Query(p) = params?;
    let whose = caller.whose_alerts()?;
    Ok(Json(hit_list(&st.engine, None, whose, p.limit).await?))
}

/// Recent hits with their stories' headlines (as of the revision that
/// fired), newest first.
async fn hit_list(
    engine: &Arc<Engine>,
    id: Option<AlertId>,
    whose: Whose,
    limit: Option<usize>,
) -> Result<Vec<AlertHit>, ApiError> {
    let limit = page_size(limit, 50)?;
    let engine = engine.clone();
    blocking(move || {
        let alerts = engine.alerts();
        let fired = alerts.recent(id, whose, limit)?;
        let mut out = Vec::with_capacity(fired.len());
        for f in fired {
            let Some(story) = engine.reader().revision(f.story, f.revision)? else {
                continue;
            };
            let name = alerts
                .get(f.alert, whose)
                .map(|a| a.name)
                .unwrap_or_default();
            out.push(AlertHit {
                alert: f.alert.0,
                name,
                story: Headline::of(&story),
                at: f.at,
            });
        }
        Ok::<_, ApiError>(out)
    })
    .await
}

#[derive(Deserialize)]
struct TestParams {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
}

/// Which of the latest stories a query would fire on: how a user checks
/// an alert before adding it.
async fn test(
    State(st): State<AppState>,
    params: Result<Query<TestParams>, QueryRejection>,
) -> Result<Json<Vec<Headline>>, ApiError> {
    let Query(p) = params?;
    if p.q.trim().is_empty() {
        return Err(ApiError::bad_request("invalid_query", "the query is empty"));
    }
    let query = newsterm_query::parse(&p.q)?;
    let limit = page_size(p.limit, 20)?;
    let engine = st.engine.clone();
    let stories = blocking(move || engine.reader().recent(TEST_SCAN)).await?;
    Ok(Json(
        stories
            .iter()
            .filter(|s| Document::of(s).matches(&query))
            .take(limit)
            .map(Headline::of)
            .collect(),
    ))
}

/// An alert as the API shows it: its webhook's secret never leaves the
/// server, its recent delivery trouble does.
fn info(alerts: &Alerts, alert: &Alert) -> AlertInfo {
    AlertInfo {
        id: alert.id.0,
        name: alert.name.clone(),
        query: alert.query_text.clone(),
        delivery: AlertDelivery {
            stream: alert.delivery.stream,
            webhook: alert.delivery.webhook.as_ref().map(|w| WebhookTarget {
                url: w.url.clone(),
                secret: None,
                failing: alerts.webhook_status(&w.url).is_some_and(|s| s.failing),
            }),
            feed: alert.delivery.feed,
        },
        created: alert.created,
    }
}
