//! Leases: work that one node at a time must do (polling a feed source),
//! each piece named by a number, held through a key-value bucket whose
//! entries expire.
//!
//! A node claims a piece with a create-only write of its key (so of two
//! nodes claiming at once, one gets it), renews its claim every
//! [`RENEW`] with a write that names the revision it holds (so a claim
//! that lapsed and was taken by another is never renewed over), and
//! releases it with a delete naming that revision. The bucket drops a
//! claim [`TTL`] after its last renewal: a node killed without a word
//! loses its leases by itself, and the next owner takes them.
//!
//! Which node claims a piece: the live node it falls to
//! ([`members::owner`], rendezvous hashing over the heartbeats). A holder
//! that is no longer the owner (a node joined, or came back) releases the
//! piece between two uses, so in a steady cluster each node holds its
//! share and nobody claims in vain.
//!
//! A node acts on a lease only through a [`Turn`], given while the lease
//! was renewed less than `TTL - MARGIN` ago: by the time the bucket could
//! hand the piece to another node, this one stopped starting new work on
//! it. A lease is never released while a turn on it is held.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::members::{self, LiveSet};
use crate::shared::SharedBucket;
use crate::{Cluster, ClusterError};

/// The bucket of leases.
pub const BUCKET: &str = "newsterm-leases";
/// How long a lease lasts after its last renewal.
pub const TTL: Duration = Duration::from_secs(10);
/// How often a node renews its leases and claims what falls to it.
pub const RENEW: Duration = Duration::from_secs(2);
/// A lease stops giving turns this long before it could expire.
const MARGIN: Duration = Duration::from_secs(3);

/// What a node holding leases wants leased: the pieces that exist now;
/// `None` when it cannot tell (its leases are then kept as they are).
pub type Wanted = Arc<dyn Fn() -> Option<BTreeSet<u64>> + Send + Sync>;

/// This node's leases on the pieces named `<prefix>.<number>`. Cheap to
/// clone.
#[derive(Clone)]
pub struct Leases {
    state: Arc<State>,
}

struct State {
    node: String,
    prefix: String,
    held: Mutex<HashMap<u64, Held>>,
}

struct Held {
    /// The bucket's revision of this node's claim.
    revision: u64,
    /// Turns are given until then.
    until: Instant,
    /// Turns taken and not yet given back.
    busy: usize,
}

/// This node's turn on a piece: while it lives, the lease is kept (never
/// released to another node).
pub struct Turn {
    state: Arc<State>,
    key: u64,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(held) = self.state.held().get_mut(&self.key) {
            held.busy = held.busy.saturating_sub(1);
        }
    }
}

impl State {
    fn held(&self) -> MutexGuard<'_, HashMap<u64, Held>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn key(&self, n: u64) -> String {
        format!("{}.{n}", self.prefix)
    }
}

impl Leases {
    /// Starts holding leases on the pieces `wanted` names (asked every
    /// [`RENEW`], off the async workers) that fall to this node among
    /// `live`, until `stop` turns true; then releases them all, so the
    /// others take them at once.
    pub async fn start(
        cluster: &Cluster,
        prefix: &str,
        live: watch::Receiver<LiveSet>,
        wanted: Wanted,
        mut stop: watch::Receiver<bool>,
    ) -> Result<Leases, ClusterError> {
        let bucket = SharedBucket::open_expiring(cluster.nats(), BUCKET, TTL).await?;
        let state = Arc::new(State {
            node: cluster.node().to_string(),
            prefix: prefix.to_string(),
            held: Mutex::new(HashMap::new()),
        });
        let leases = Leases {
            state: state.clone(),
        };
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(RENEW);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                let wanted = wanted.clone();
                let wanted = tokio::task::spawn_blocking(move || wanted())
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| state.held().keys().copied().collect());
                let live = live.borrow().clone();
                // Bounded, so a request lost with a dying server cannot
                // stop renewals for good.
                let round = round(&state, &bucket, &live, &wanted);
                if tokio::time::timeout(TTL, round).await.is_err() {
                    tracing::debug!("renewing leases timed out");
                }
            }
            let held: Vec<(u64, u64)> =
                state.held().drain().map(|(k, h)| (k, h.revision)).collect();
            for (n, revision) in held {
                let _ = bucket.delete_if(&state.key(n), revision).await;
            }
        });
        Ok(leases)
    }

    /// This node's turn on piece `n`, if it holds a fresh lease on it.
    pub fn turn(&self, n: u64) -> Option<Turn> {
        let mut held = self.state.held();
        let h = held.get_mut(&n)?;
        if h.until <= Instant::now() {
            return None;
        }
        h.busy += 1;
        Some(Turn {
            state: self.state.clone(),
            key: n,
        })
    }

    /// The pieces this node holds a lease on now.
    pub fn held(&self) -> BTreeSet<u64> {
        self.state.held().keys().copied().collect()
    }
}

/// One round: renews what this node holds and should keep, releases what
/// it should not (unless in use), and claims what falls to it.
async fn round(state: &State, bucket: &SharedBucket, live: &LiveSet, wanted: &BTreeSet<u64>) {
    let started = Instant::now();
    let me = state.node.as_str();
    // This node counts itself live even before its heartbeat is seen.
    let names: Vec<&str> = live
        .keys()
        .map(String::as_str)
        .chain([me])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mine = |n: u64| members::owner(n, names.iter().copied()) == Some(me);
    let held: Vec<(u64, u64)> = state.held().iter().map(|(k, h)| (*k, h.revision)).collect();
    for (n, revision) in held {
        if !wanted.contains(&n) || !mine(n) {
            let released = {
                let mut held = state.held();
                match held.get(&n) {
                    Some(h) if h.busy == 0 => held.remove(&n).is_some(),
                    _ => false,
                }
            };
            if released {
                if let Err(e) = bucket.delete_if(&state.key(n), revision).await {
                    tracing::debug!(error = %e, lease = n, "cannot release a lease");
                }
                continue;
            }
        }
        match bucket
            .update(&state.key(n), me.as_bytes().to_vec(), revision)
            .await
        {
            Ok(revision) => {
                if let Some(h) = state.held().get_mut(&n) {
                    h.revision = revision;
                    h.until = started + TTL - MARGIN;
                }
            }
            Err(ClusterError::Taken { .. }) => {
                tracing::warn!(
                    lease = n,
                    "a lease lapsed; claimed again if it still falls to this node"
                );
                state.held().remove(&n);
            }
            // Kept until it runs out: the next round tries again.
            Err(e) => tracing::debug!(error = %e, lease = n, "cannot renew a lease"),
        }
    }
    for &n in wanted {
        if state.held().contains_key(&n) || !mine(n) {
            continue;
        }
        match bucket.create(&state.key(n), me.as_bytes().to_vec()).await {
            Ok(revision) => {
                tracing::debug!(lease = n, "lease claimed");
                state.held().insert(
                    n,
                    Held {
                        revision,
                        until: started + TTL - MARGIN,
                        busy: 0,
                    },
                );
            }
            // Still another's (its holder gone, its claim not yet run
            // out, or about to be released): tried again next round.
            Err(ClusterError::Taken { .. }) => {}
            Err(e) => tracing::debug!(error = %e, lease = n, "cannot claim a lease"),
        }
    }
}
