//! A node of a cluster: the engine's [`ReplicatedLog`] seam filled with
//! the JetStream wire stream (`newsterm-cluster`), and the tasks that keep
//! the node in step — following the stream into the engine, beating in
//! the membership bucket, answering snapshot requests.
//!
//! Start-up decides where the node's store begins: its own (a node that
//! was down replays what it missed), empty (a new node replays the whole
//! stream), or a snapshot from another node when the stream no longer
//! holds everything this node lacks.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use newsterm_alert::AlertId;
use newsterm_cluster::leases::{Leases, Wanted};
use newsterm_cluster::members::{self, Members};
use newsterm_cluster::shared::{self, SharedBucket};
use newsterm_cluster::{Cluster, ClusterConfig, ClusterError, snapshot};
use newsterm_egress::Reach;
use newsterm_story::Story;
use tokio::sync::watch;

use crate::ServerError;
use crate::engine::log::{Append, Appended, LogError, LogStatus, ReplicatedLog, Sequencing};
use crate::engine::{DataDir, Engine, LogRecord, Sources, WebhookTurn};
use crate::shared::Records;

/// How long a node that needs a snapshot waits for another to give one.
const SNAPSHOT_PATIENCE: Duration = Duration::from_secs(120);
/// How often a node asks the stream how far it has got, so `/healthz`
/// shows how far behind the node is even while nothing arrives.
const STATE_EVERY: Duration = Duration::from_secs(2);

/// How long a webhook delivery's claim is kept: far longer than any
/// node takes to match a story it applied.
const CLAIM_AGE: Duration = Duration::from_secs(24 * 3600);
/// How far back a node taking over another's alerts looks for hits whose
/// webhook was never sent.
const TAKE_OVER_WINDOW: Duration = Duration::from_secs(600);
/// How long the alerter waits for a claim before sending anyway.
const CLAIM_PATIENCE: Duration = Duration::from_secs(5);
/// The leases on feed sources are `source.<id>` in the leases bucket.
const SOURCE_LEASES: &str = "source";

/// Which node sends an alert's webhook: the one the alert falls to over
/// the live nodes (rendezvous hashing, so a node joining or leaving moves
/// only its share), after claiming the delivery in a bucket — while the
/// nodes' views of who is live differ for a moment, two may think the
/// alert theirs, and only the first claim sends.
struct Turn {
    node: String,
    live: watch::Receiver<members::LiveSet>,
    claims: SharedBucket,
    runtime: tokio::runtime::Handle,
}

impl WebhookTurn for Turn {
    fn mine(&self, alert: AlertId, story: &Story) -> bool {
        let owner = {
            let live = self.live.borrow();
            // This node counts itself live even before its heartbeat is
            // seen, or no node might send.
            let names = live.keys().map(String::as_str).chain([self.node.as_str()]);
            members::owner(alert.0, names).map(str::to_string)
        };
        if owner.as_deref() != Some(self.node.as_str()) {
            return false;
        }
        let key = format!("hook.{alert}.{}.{}", story.id, story.revision);
        let claim = self.claims.create(&key, self.node.clone().into_bytes());
        match self
            .runtime
            .block_on(async { tokio::time::timeout(CLAIM_PATIENCE, claim).await })
        {
            Ok(Ok(_)) => true,
            Ok(Err(ClusterError::Taken { .. })) => false,
            // Better twice than never: the receiver can tell a repeat by
            // the story id and revision it carries.
            Ok(Err(e)) => {
                tracing::warn!(error = %e, %alert, "cannot claim a webhook delivery; sending anyway");
                true
            }
            Err(_) => {
                tracing::warn!(%alert, "claiming a webhook delivery timed out; sending anyway");
                true
            }
        }
    }
}

/// The wire stream as the engine's log.
struct JetStreamLog {
    cluster: Cluster,
    members: Mutex<Option<Members>>,
}

impl ReplicatedLog for JetStreamLog {
    fn append(&self, append: Append) -> BoxFuture<'static, Result<Appended, LogError>> {
        let wire = self.cluster.wire().clone();
        Box::pin(async move {
            let story = append.story.to_string();
            match wire
                .publish(&story, append.expect_last, &append.msg_id, append.payload)
                .await
            {
                Ok(published) => Ok(Appended {
                    seq: published.seq,
                    duplicate: published.duplicate,
                }),
                Err(ClusterError::Conflict { head }) => Err(LogError::Conflict { head }),
                Err(e) => Err(LogError::Unavailable(e.to_string())),
            }
        })
    }

    fn status(&self) -> LogStatus {
        let nodes = self
            .members
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|m| m.live().into_keys().collect())
            .unwrap_or_default();
        LogStatus {
            node: self.cluster.node().to_string(),
            head: self.cluster.wire().head(),
            nodes,
            problem: None,
        }
    }
}

/// A running node's place in the cluster, for what starts after the
/// engine (feed polling).
pub(crate) struct Node {
    cluster: Cluster,
    live: watch::Receiver<members::LiveSet>,
}

impl Node {
    /// This node's name.
    pub(crate) fn name(&self) -> &str {
        self.cluster.node()
    }
}

/// Joins the cluster, brings the data directory's store to a point the
/// stream continues from, opens the engine on the stream, and starts the
/// node's background tasks (which end when `stop` turns true).
pub(crate) async fn open(
    config: ClusterConfig,
    data_dir: &DataDir,
    outbound: Reach,
    stop: watch::Receiver<bool>,
) -> Result<(Arc<Engine>, Records, Node), ServerError> {
    let cluster = Cluster::connect(config).await?;
    seed_store(&cluster, data_dir).await?;
    let records = Records::in_cluster(cluster.nats()).await?;
    Records::mark(data_dir, Some(&cluster.config().urls))?;
    let log = Arc::new(JetStreamLog {
        cluster: cluster.clone(),
        members: Mutex::new(None),
    });
    let engine = {
        let data_dir = data_dir.clone();
        let log: Arc<dyn ReplicatedLog> = log.clone();
        tokio::task::spawn_blocking(move || {
            Engine::open_with(&data_dir, outbound, Sequencing::Replicated(log))
        })
        .await
        .map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))??
    };
    let applied = {
        let engine = Arc::downgrade(&engine);
        move || engine.upgrade().map_or(0, |e| e.progress().applied_seq)
    };
    let members = Members::join(&cluster, applied.clone(), stop.clone()).await?;
    engine.alerts().set_webhook_turn(Arc::new(Turn {
        node: cluster.node().to_string(),
        live: members.changes(),
        claims: SharedBucket::open_expiring(cluster.nats(), shared::DELIVERIES, CLAIM_AGE).await?,
        runtime: tokio::runtime::Handle::current(),
    }));
    tokio::spawn(take_over_webhooks(
        members.changes(),
        engine.clone(),
        stop.clone(),
    ));
    let node = Node {
        cluster: cluster.clone(),
        live: members.changes(),
    };
    *log.members.lock().unwrap_or_else(PoisonError::into_inner) = Some(members);
    tokio::spawn(follow(cluster.clone(), engine.clone(), stop.clone()));
    tokio::spawn(watch_state(cluster.clone(), stop.clone()));
    let store = data_dir.store();
    let make: Arc<snapshot::MakeSnapshot> = Arc::new(move |dest: &std::path::Path| {
        newsterm_store::snapshot(&store, dest).map_err(|e| e.to_string())
    });
    let scratch = data_dir.path().to_path_buf();
    tokio::spawn(async move {
        if let Err(e) = snapshot::serve(cluster, make, applied, scratch, stop).await {
            tracing::warn!(error = %e, "this node cannot answer snapshot requests");
        }
    });
    Ok((engine, records, node))
}

/// Makes this node poll a feed source only while it holds the source's
/// lease (`newsterm_cluster::leases`: the sources that fall to it among
/// the live nodes, taken over from a node that died once its lease runs
/// out), and share what its polls found through `records`.
pub(crate) async fn share_polling(
    node: &Node,
    records: &Records,
    sources: &Sources,
    stop: watch::Receiver<bool>,
) -> Result<(), ServerError> {
    let store = sources.store.clone();
    let wanted: Wanted = Arc::new(move || {
        let list = store.list().ok()?;
        Some(
            list.into_iter()
                .filter(|s| !s.spec.paused)
                .filter_map(|s| u64::try_from(s.spec.id.0).ok())
                .collect(),
        )
    });
    let leases = Leases::start(
        &node.cluster,
        SOURCE_LEASES,
        node.live.clone(),
        wanted,
        stop,
    )
    .await?;
    if let Some(shared) = records.shared_polling(leases) {
        sources.poller.share(shared);
    }
    Ok(())
}

/// When a node leaves the live set (stopped, or killed and its heartbeat
/// expired), sends the webhooks of recent hits that now fall to this
/// node and that no node claimed: what the gone node had not sent.
async fn take_over_webhooks(
    mut live: watch::Receiver<members::LiveSet>,
    engine: Arc<Engine>,
    mut stop: watch::Receiver<bool>,
) {
    let mut before: Vec<String> = live.borrow().keys().cloned().collect();
    loop {
        tokio::select! {
            changed = live.changed() => if changed.is_err() { return },
            _ = stop.wait_for(|s| *s) => return,
        }
        let now: Vec<String> = live.borrow_and_update().keys().cloned().collect();
        let someone_left = before.iter().any(|n| !now.contains(n));
        before = now;
        if !someone_left {
            continue;
        }
        let engine = engine.clone();
        let sent = tokio::task::spawn_blocking(move || {
            engine
                .alerts()
                .resend_unclaimed(engine.reader(), TAKE_OVER_WINDOW)
        })
        .await
        .unwrap_or(0);
        if sent > 0 {
            tracing::info!(sent, "sent webhooks a node that left had not");
        }
    }
}

/// Feeds the stream into the engine from what the store already holds.
async fn follow(cluster: Cluster, engine: Arc<Engine>, mut stop: watch::Receiver<bool>) {
    let after = engine.progress().applied_seq;
    let feed = cluster.wire().follow(after, |record| {
        let engine = engine.clone();
        async move {
            engine
                .feed(LogRecord {
                    seq: record.seq,
                    payload: record.payload,
                })
                .await
                .is_ok()
        }
    });
    tokio::select! {
        () = feed => {}
        _ = stop.wait_for(|s| *s) => {}
    }
}

/// Asks the stream for its extent now and then (see [`STATE_EVERY`]).
async fn watch_state(cluster: Cluster, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(STATE_EVERY);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        if let Err(e) = cluster.wire().state().await {
            tracing::debug!(error = %e, "cannot read the wire stream's state");
        }
    }
}

/// Makes sure the stream continues where the store ends: refuses a store
/// ahead of the stream (it belongs to another cluster, or to a single
/// server), and replaces a store the stream cannot catch up (further
/// behind than retention) with a snapshot from another node.
async fn seed_store(cluster: &Cluster, data_dir: &DataDir) -> Result<(), ServerError> {
    std::fs::create_dir_all(data_dir.path()).map_err(ServerError::Io)?;
    let store = data_dir.store();
    let have = tokio::task::spawn_blocking(move || {
        newsterm_store::Writer::open(&store).map(|w| w.log_seq())
    })
    .await
    .map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))?
    .map_err(crate::engine::EngineError::from)?;
    let stream = cluster.wire().state().await?;
    if have > stream.last {
        return Err(ServerError::Cluster(ClusterError::Setup {
            what: "this node's store".into(),
            message: format!(
                "{} holds wire sequence {have} but the cluster's stream ends at {}: it belongs to another cluster or to a single server; start this node on an empty data directory",
                data_dir.path().display(),
                stream.last
            ),
        }));
    }
    if stream.first <= have + 1 {
        if have < stream.last {
            tracing::info!(
                have,
                stream = stream.last,
                "replaying the wire stream to catch up"
            );
        }
        return Ok(());
    }
    tracing::warn!(
        have,
        first = stream.first,
        "the stream no longer holds what this node lacks; loading a snapshot from another node"
    );
    let part = data_dir.path().join("store.db.snapshot");
    let _ = std::fs::remove_file(&part);
    let seq = snapshot::fetch(cluster, stream.first - 1, &part, SNAPSHOT_PATIENCE).await?;
    let store = data_dir.store();
    for stale in [
        store.clone(),
        store.with_extension("db-wal"),
        store.with_extension("db-shm"),
    ] {
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ServerError::Io(e)),
        }
    }
    // The index is derived: rebuilt from the new store when the engine opens.
    match std::fs::remove_dir_all(data_dir.index()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(ServerError::Io(e)),
    }
    std::fs::rename(&part, &store).map_err(ServerError::Io)?;
    tracing::info!(seq, "store loaded from a snapshot");
    Ok(())
}
