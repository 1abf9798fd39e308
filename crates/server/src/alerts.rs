//! Standing alerts in the server: kept in `alerts.db`, indexed in memory
//! (`newsterm_alert::AlertIndex`), matched against every stored revision
//! on the engine's alerter thread — never on the publish path — and
//! delivered to `/api/stream?alerts=1`, webhooks and per-alert feeds.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use bytes::Bytes;
use newsterm_alert::{
    Alert, AlertError, AlertId, AlertIndex, AlertSpec, AlertStore, Delivery, Fired, Webhook,
    WebhookConfig, WebhookSender,
};
use newsterm_api::{AlertDelivery, AlertHit, AlertInfo, Headline, NewAlert, WebhookTarget};
use newsterm_query::Document;
use newsterm_store::Reader;
use newsterm_story::Story;
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::broadcast;

use crate::engine::Engine;
use crate::error::ApiError;
use crate::routes::{AppState, MAX_PAGE};

/// How many alert events a stream subscriber may fall behind.
const EVENT_CAPACITY: usize = 4096;

/// One firing as every alert-stream subscriber receives it.
pub struct AlertEvent {
    pub hit: AlertHit,
    /// The complete SSE event, rendered once.
    pub sse: Bytes,
}

pub struct Alerts {
    store: AlertStore,
    index: RwLock<AlertIndex>,
    by_id: RwLock<HashMap<AlertId, Alert>>,
    webhooks: WebhookSender,
    events: broadcast::Sender<Arc<AlertEvent>>,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Alerts {
    /// Opens `alerts.db` in `data_dir` and loads every alert. Must run
    /// inside a tokio runtime (the webhook sender spawns its dispatcher).
    pub fn open(data_dir: &Path) -> Result<Alerts, String> {
        let store = AlertStore::open(&data_dir.join("alerts.db")).map_err(|e| e.to_string())?;
        let index = store.load_index().map_err(|e| e.to_string())?;
        let by_id = store
            .list()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let webhooks = WebhookSender::start(WebhookConfig::default()).map_err(|e| e.to_string())?;
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Ok(Alerts {
            store,
            index: RwLock::new(index),
            by_id: RwLock::new(by_id),
            webhooks,
            events,
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<AlertEvent>> {
        self.events.subscribe()
    }

    pub fn add(&self, spec: AlertSpec) -> Result<Alert, AlertError> {
        let alert = self.store.add(&spec, OffsetDateTime::now_utc())?;
        write(&self.index).insert(alert.id, &alert.query);
        write(&self.by_id).insert(alert.id, alert.clone());
        Ok(alert)
    }

    pub fn remove(&self, id: AlertId) -> Result<bool, AlertError> {
        let removed = self.store.remove(id)?;
        write(&self.index).remove(id);
        write(&self.by_id).remove(&id);
        Ok(removed)
    }

    pub fn list(&self) -> Vec<Alert> {
        let mut alerts: Vec<Alert> = read(&self.by_id).values().cloned().collect();
        alerts.sort_by_key(|a| a.id);
        alerts
    }

    pub fn get(&self, id: AlertId) -> Option<Alert> {
        read(&self.by_id).get(&id).cloned()
    }

    pub fn info(&self, alert: &Alert) -> AlertInfo {
        AlertInfo {
            id: alert.id.0,
            name: alert.name.clone(),
            query: alert.query_text.clone(),
            delivery: AlertDelivery {
                stream: alert.delivery.stream,
                webhook: alert.delivery.webhook.as_ref().map(|w| WebhookTarget {
                    url: w.url.clone(),
                    secret: None,
                    failing: self.webhooks.status(&w.url).is_some_and(|s| s.failing),
                }),
                feed: alert.delivery.feed,
            },
            created: alert.created,
        }
    }

    pub fn recent(&self, id: Option<AlertId>, limit: usize) -> Result<Vec<Fired>, AlertError> {
        self.store.recent_fired(id, limit)
    }

    /// Matches one stored revision and delivers what fires. An alert fires
    /// once per story, and for a later revision only when that revision
    /// changes whether it matches.
    pub fn on_story(&self, story: &Story, previous: Option<&Story>) {
        let doc = Document::of(story);
        let before = previous.map(Document::of);
        let ids = read(&self.index).firing(&doc, before.as_ref());
        if ids.is_empty() {
            return;
        }
        let at = OffsetDateTime::now_utc();
        let fired: Vec<Fired> = ids
            .into_iter()
            .map(|alert| Fired {
                alert,
                story: story.id,
                revision: story.revision,
                seq: story.seq,
                at,
            })
            .collect();
        // The log drops repeats (a restart replaying the same revision).
        let new = match self.store.record_fired(&fired) {
            Ok(new) => new,
            Err(e) => {
                tracing::error!(error = %e, "cannot record fired alerts");
                return;
            }
        };
        let alerts = read(&self.by_id);
        for f in new {
            let Some(alert) = alerts.get(&f.alert) else {
                continue;
            };
            if alert.delivery.stream {
                let hit = AlertHit {
                    alert: alert.id.0,
                    name: alert.name.clone(),
                    story: Headline::of(story),
                    at: f.at,
                };
                let json = serde_json::to_string(&hit).unwrap_or_else(|_| "{}".into());
                let sse = Bytes::from(format!("id: {}\nevent: alert\ndata: {json}\n\n", f.seq));
                // Nobody listening is fine.
                let _ = self.events.send(Arc::new(AlertEvent { hit, sse }));
            }
            if alert.delivery.webhook.is_some() && !self.webhooks.enqueue(alert, story) {
                tracing::warn!(alert = %alert.id, "webhook queue full; delivery dropped");
            }
        }
    }
}

/// The alerter thread: takes each stored revision from the writer and
/// matches it, reading the previous revision from the store when needed.
pub fn run_alerter(alerts: &Alerts, reader: &Reader, rx: std::sync::mpsc::Receiver<Arc<Story>>) {
    while let Ok(story) = rx.recv() {
        let previous = if story.revision > 1 {
            reader
                .revision(story.id, story.revision - 1)
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "cannot read the previous revision");
                    None
                })
        } else {
            None
        };
        alerts.on_story(&story, previous.as_ref());
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/alerts", get(list).post(add))
        .route("/api/alerts/hits", get(all_hits))
        .route("/api/alerts/test", get(test))
        .route("/api/alerts/{id}", get(get_one).delete(remove))
        .route("/api/alerts/{id}/hits", get(hits))
}

fn alert_error(e: AlertError) -> ApiError {
    if e.is_invalid_input() {
        ApiError::bad_request(e.code(), e.to_string())
    } else {
        ApiError::internal(e.to_string())
    }
}

fn alert_id(id: &str) -> Result<AlertId, ApiError> {
    id.parse::<AlertId>().map_err(alert_error)
}

async fn list(State(st): State<AppState>) -> Json<Vec<AlertInfo>> {
    let alerts = st.engine.alerts();
    Json(alerts.list().iter().map(|a| alerts.info(a)).collect())
}

async fn get_one(
    State(st): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<AlertInfo>, ApiError> {
    let id = alert_id(&id)?;
    let alerts = st.engine.alerts();
    let alert = alerts
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("alert {id} does not exist")))?;
    Ok(Json(alerts.info(&alert)))
}

async fn add(
    State(st): State<AppState>,
    body: Result<Json<NewAlert>, JsonRejection>,
) -> Result<(StatusCode, Json<AlertInfo>), ApiError> {
    let Json(new) = body.map_err(|e| ApiError::bad_request("bad_body", e.body_text()))?;
    let webhook = match new.delivery.webhook {
        None => None,
        Some(w) => Some(Webhook {
            url: w.url,
            secret: match w.secret {
                Some(s) => s,
                None => Webhook::random_secret()
                    .map_err(|e| ApiError::internal(format!("cannot make a secret: {e}")))?,
            },
        }),
    };
    let spec = AlertSpec {
        name: new.name,
        query: new.query,
        delivery: Delivery {
            stream: new.delivery.stream,
            webhook,
            feed: new.delivery.feed,
        },
    };
    let engine = st.engine.clone();
    let alert = tokio::task::spawn_blocking(move || engine.alerts().add(spec))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(alert_error)?;
    Ok((StatusCode::CREATED, Json(st.engine.alerts().info(&alert))))
}

async fn remove(
    State(st): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = alert_id(&id)?;
    let engine = st.engine.clone();
    let removed = tokio::task::spawn_blocking(move || engine.alerts().remove(id))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(alert_error)?;
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
    UrlPath(id): UrlPath<String>,
    params: Result<Query<HitParams>, QueryRejection>,
) -> Result<Json<Vec<AlertHit>>, ApiError> {
    let id = alert_id(&id)?;
    if st.engine.alerts().get(id).is_none() {
        return Err(ApiError::not_found(format!("alert {id} does not exist")));
    }
    let Query(p) = params?;
    Ok(Json(hit_list(&st.engine, Some(id), p.limit).await?))
}

async fn all_hits(
    State(st): State<AppState>,
    params: Result<Query<HitParams>, QueryRejection>,
) -> Result<Json<Vec<AlertHit>>, ApiError> {
    let Query(p) = params?;
    Ok(Json(hit_list(&st.engine, None, p.limit).await?))
}

/// Recent hits with their stories' headlines (as of the revision that
/// fired), newest first.
pub async fn hit_list(
    engine: &Arc<Engine>,
    id: Option<AlertId>,
    limit: Option<usize>,
) -> Result<Vec<AlertHit>, ApiError> {
    let limit = limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let engine = engine.clone();
    tokio::task::spawn_blocking(move || {
        let alerts = engine.alerts();
        let fired = alerts.recent(id, limit).map_err(alert_error)?;
        let mut out = Vec::with_capacity(fired.len());
        for f in fired {
            let Some(story) = engine.reader().revision(f.story, f.revision)? else {
                continue;
            };
            let name = alerts.get(f.alert).map(|a| a.name).unwrap_or_default();
            out.push(AlertHit {
                alert: f.alert.0,
                name,
                story: Headline::of(&story),
                at: f.at,
            });
        }
        Ok(out)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
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
    let query = Engine::parse_query(&p.q)?;
    let limit = p.limit.unwrap_or(20).clamp(1, MAX_PAGE);
    let engine = st.engine.clone();
    let stories = tokio::task::spawn_blocking(move || engine.reader().recent(1000))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(
        stories
            .iter()
            .filter(|s| Document::of(s).matches(&query))
            .take(limit)
            .map(Headline::of)
            .collect(),
    ))
}
