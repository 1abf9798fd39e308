//! Standing alerts in the engine: kept in `alerts.db`, indexed in memory
//! (`newsterm_alert::AlertIndex`), matched against every stored revision
//! on the alerter thread — never on the publish path — and delivered to
//! stream subscribers ([`Alerts::subscribe`]) and webhooks.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use newsterm_alert::{
    Alert, AlertError, AlertId, AlertIndex, AlertSpec, AlertStore, Fired, TargetStatus,
    WebhookConfig, WebhookSender, Whose,
};
use newsterm_api::{AlertHit, Headline};
use newsterm_query::Document;
use newsterm_store::Reader;
use newsterm_story::Story;
use time::OffsetDateTime;
use tokio::sync::broadcast;

use super::EngineError;
use super::handoff::{Follower, Next};

/// How many recent hits [`Alerts::resend_unclaimed`] looks through.
const RESEND_SCAN: usize = 10_000;

/// How many alert events a stream subscriber may fall behind.
const EVENT_CAPACITY: usize = 4096;

/// One firing as every alert-stream subscriber receives it.
pub struct AlertEvent {
    /// The wire sequence of the revision that fired.
    pub seq: u64,
    pub hit: AlertHit,
    /// The alert's owner: a subscriber receives only the hits it may see.
    pub owner: Option<i64>,
}

/// One subscriber's alert hits: the shared broadcast, less the hits of
/// alerts the subscriber may not see.
pub struct AlertEvents {
    rx: broadcast::Receiver<Arc<AlertEvent>>,
    whose: Whose,
}

impl AlertEvents {
    /// The next hit for this subscriber (errors as `broadcast`'s: lagged
    /// behind, or the engine gone).
    pub async fn recv(&mut self) -> Result<Arc<AlertEvent>, broadcast::error::RecvError> {
        loop {
            let ev = self.rx.recv().await?;
            if self.whose.includes(ev.owner) {
                return Ok(ev);
            }
        }
    }
}

/// Whether this node sends an alert's webhook for one story revision:
/// always on a single server; on a node of a cluster, where every node
/// matches every alert, only the node the alert falls to (`cluster.rs`).
pub trait WebhookTurn: Send + Sync {
    /// True when this node delivers `alert`'s webhook for `story`. May
    /// block briefly (it runs on the alerter thread).
    fn mine(&self, alert: AlertId, story: &Story) -> bool;
}

pub struct Alerts {
    /// Who sends webhooks; `None`: this node, always.
    turn: RwLock<Option<Arc<dyn WebhookTurn>>>,
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
    /// Opens the alert store at `path` and loads every alert. Must run
    /// inside a tokio runtime (the webhook sender spawns its dispatcher).
    pub(super) fn open(
        path: &Path,
        outbound: newsterm_egress::Reach,
    ) -> Result<Alerts, EngineError> {
        let store = AlertStore::open(path)?;
        let index = store.load_index()?;
        let by_id = store.list()?.into_iter().map(|a| (a.id, a)).collect();
        let webhooks = WebhookSender::start(WebhookConfig {
            reach: outbound,
            ..WebhookConfig::default()
        })?;
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Ok(Alerts {
            turn: RwLock::new(None),
            store,
            index: RwLock::new(index),
            by_id: RwLock::new(by_id),
            webhooks,
            events,
        })
    }

    /// Makes `turn` decide which webhooks this node sends.
    pub fn set_webhook_turn(&self, turn: Arc<dyn WebhookTurn>) {
        *write(&self.turn) = Some(turn);
    }

    fn my_turn(&self, alert: AlertId, story: &Story) -> bool {
        read(&self.turn)
            .as_ref()
            .is_none_or(|turn| turn.mine(alert, story))
    }

    /// Sends the webhooks of hits fired in the last `within` that are
    /// now this node's turn and that no node claimed: after a node died,
    /// what it matched and had not sent yet. Returns how many it sent.
    pub fn resend_unclaimed(&self, reader: &Reader, within: Duration) -> usize {
        let since = OffsetDateTime::now_utc() - within;
        let recent = match self.store.recent_fired(None, Whose::Everyone, RESEND_SCAN) {
            Ok(recent) => recent,
            Err(e) => {
                tracing::error!(error = %e, "cannot read recent alert hits");
                return 0;
            }
        };
        let mut sent = 0;
        for hit in recent.into_iter().filter(|h| h.at >= since) {
            let Some(alert) = read(&self.by_id).get(&hit.alert).cloned() else {
                continue;
            };
            if alert.delivery.webhook.is_none() {
                continue;
            }
            let Ok(Some(story)) = reader.revision(hit.story, hit.revision) else {
                continue;
            };
            if self.my_turn(alert.id, &story) && self.webhooks.enqueue(&alert, &story) {
                sent += 1;
            }
        }
        sent
    }

    /// Hits as they fire, of `whose` alerts only.
    pub fn subscribe(&self, whose: Whose) -> AlertEvents {
        AlertEvents {
            rx: self.events.subscribe(),
            whose,
        }
    }

    pub fn add(&self, spec: AlertSpec, owner: Option<i64>) -> Result<Alert, AlertError> {
        let alert = self.store.add(&spec, owner, OffsetDateTime::now_utc())?;
        write(&self.index).insert(alert.id, &alert.query);
        write(&self.by_id).insert(alert.id, alert.clone());
        Ok(alert)
    }

    /// Replaces alert `id`'s name, query and delivery (see
    /// [`AlertStore::replace`]); `None` when there is no such alert.
    pub fn replace(&self, id: AlertId, spec: AlertSpec) -> Result<Option<Alert>, AlertError> {
        let Some(alert) = self.store.replace(id, &spec)? else {
            return Ok(None);
        };
        {
            let mut index = write(&self.index);
            index.remove(id);
            index.insert(id, &alert.query);
        }
        write(&self.by_id).insert(id, alert.clone());
        Ok(Some(alert))
    }

    /// Takes in an alert as the cluster holds it (new, or changed on
    /// another node), under its own id.
    pub fn put(&self, alert: Alert) -> Result<(), AlertError> {
        self.store.put(&alert)?;
        let mut index = write(&self.index);
        index.remove(alert.id);
        index.insert(alert.id, &alert.query);
        write(&self.by_id).insert(alert.id, alert);
        Ok(())
    }

    /// The highest alert id this node has given or taken.
    pub fn last_id(&self) -> Result<u64, AlertError> {
        self.store.last_id()
    }

    pub fn remove(&self, id: AlertId) -> Result<bool, AlertError> {
        let removed = self.store.remove(id)?;
        write(&self.index).remove(id);
        write(&self.by_id).remove(&id);
        Ok(removed)
    }

    pub fn list(&self, whose: Whose) -> Vec<Alert> {
        let mut alerts: Vec<Alert> = read(&self.by_id)
            .values()
            .filter(|a| whose.includes(a.owner))
            .cloned()
            .collect();
        alerts.sort_by_key(|a| a.id);
        alerts
    }

    /// The alert, if it exists and is one of `whose`: to anyone else an
    /// alert that is not theirs does not exist.
    pub fn get(&self, id: AlertId, whose: Whose) -> Option<Alert> {
        read(&self.by_id)
            .get(&id)
            .filter(|a| whose.includes(a.owner))
            .cloned()
    }

    /// How deliveries to a webhook target have gone lately.
    pub fn webhook_status(&self, url: &str) -> Option<TargetStatus> {
        self.webhooks.status(url)
    }

    pub fn recent(
        &self,
        id: Option<AlertId>,
        whose: Whose,
        limit: usize,
    ) -> Result<Vec<Fired>, AlertError> {
        self.store.recent_fired(id, whose, limit)
    }

    /// Whether any alert stands. With none, a stored revision has nothing
    /// to match: the alerter skips analysing it and reading its previous
    /// revision.
    pub fn any(&self) -> bool {
        !read(&self.index).is_empty()
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
                // Nobody listening is fine.
                let _ = self.events.send(Arc::new(AlertEvent {
                    seq: f.seq,
                    hit,
                    owner: alert.owner,
                }));
            }
            if alert.delivery.webhook.is_some()
                && self.my_turn(alert.id, story)
                && !self.webhooks.enqueue(alert, story)
            {
                tracing::warn!(alert = %alert.id, "webhook queue full; delivery dropped");
            }
        }
    }
}

/// The alerter thread: matches each stored revision the follower yields,
/// reading the previous revision from the store when needed.
pub(super) fn run_alerter(alerts: &Alerts, reader: &Reader, mut from_writer: Follower) {
    // Alerts never slow a publish.
    super::background::lower_priority();
    loop {
        let story = match from_writer.next(Duration::from_secs(3600)) {
            Next::Story(story) => story,
            Next::Idle => continue,
            Next::Closed => break,
        };
        if !alerts.any() {
            continue;
        }
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
    tracing::debug!("alerter stopped");
}
