//! Who is in the cluster: each node writes a heartbeat to the key-value
//! bucket [`BUCKET`] every [`BEAT`]; the bucket drops entries older than
//! [`EXPIRY`], so a node that stops beating (killed, cut off) leaves the
//! live set by itself and a node that stops cleanly deletes its key.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::kv;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::{Cluster, ClusterError, key_value};

/// The bucket of heartbeats.
pub const BUCKET: &str = "newsterm-nodes";
/// How often a node says it is alive.
pub const BEAT: Duration = Duration::from_secs(1);
/// How long after its last heartbeat a node counts as gone.
pub const EXPIRY: Duration = Duration::from_secs(5);

/// One node as its heartbeat describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Its name.
    pub node: String,
    /// The highest wire sequence it has applied.
    pub applied: u64,
}

/// The live nodes, by name, as last read.
pub type LiveSet = BTreeMap<String, Member>;

/// This node's membership: its heartbeat, and the live set it sees.
#[derive(Clone)]
pub struct Members {
    live: watch::Receiver<LiveSet>,
}

impl Members {
    /// Starts beating for this node (reporting `applied()` each time) and
    /// reading the live set, until `stop` turns true; then deletes this
    /// node's key so the others see it leave at once.
    pub async fn join(
        cluster: &Cluster,
        applied: impl Fn() -> u64 + Send + Sync + 'static,
        mut stop: watch::Receiver<bool>,
    ) -> Result<Members, ClusterError> {
        let bucket = key_value(cluster.nats(), BUCKET, "newsterm live nodes", EXPIRY, 1).await?;
        let node = cluster.node().to_string();
        let (tx, live) = watch::channel(LiveSet::new());
        let applied = Arc::new(applied);
        beat(&bucket, &node, applied()).await;
        tx.send_replace(read_live(&bucket).await.unwrap_or_default());
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(BEAT);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = stop.changed() => break,
                }
                // Bounded, so a request lost with a dying server cannot
                // stop the heartbeat for good.
                let round = async {
                    beat(&bucket, &node, applied()).await;
                    read_live(&bucket).await
                };
                match tokio::time::timeout(EXPIRY, round).await {
                    Err(_) => tracing::debug!("reading the live nodes timed out"),
                    Ok(Err(e)) => tracing::debug!(error = %e, "cannot read the live nodes"),
                    Ok(Ok(set)) => {
                        tx.send_if_modified(|old| {
                            let changed = old.keys().ne(set.keys());
                            *old = set;
                            changed
                        });
                    }
                }
            }
            let _ = bucket.delete(&node).await;
        });
        Ok(Members { live })
    }

    /// The live nodes now.
    pub fn live(&self) -> LiveSet {
        self.live.borrow().clone()
    }

    /// A receiver that wakes when a node joins or leaves.
    pub fn changes(&self) -> watch::Receiver<LiveSet> {
        self.live.clone()
    }
}

/// The node of `nodes` that `key` falls to: the one scoring highest for
/// it (rendezvous hashing), so when a node leaves only its own keys move,
/// and a node that joins takes about its share from each of the others.
/// Every node computes the same answer from the same set.
pub fn owner<'a>(key: u64, nodes: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    nodes
        .into_iter()
        .max_by_key(|node| (score(node, key), *node))
}

/// FNV-1a over the node's name and the key, then a finishing mix: stable
/// across builds and machines, unlike std's hasher.
fn score(node: &str, key: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in node.bytes().chain(key.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

async fn beat(bucket: &kv::Store, node: &str, applied: u64) {
    let member = Member {
        node: node.to_string(),
        applied,
    };
    let body = serde_json::to_vec(&member).unwrap_or_default();
    if let Err(e) = bucket.put(node, body.into()).await {
        tracing::debug!(error = %e, "heartbeat not written");
    }
}

async fn read_live(bucket: &kv::Store) -> Result<LiveSet, ClusterError> {
    let failed = |e: &dyn std::fmt::Display| ClusterError::Bucket {
        bucket: BUCKET.into(),
        message: e.to_string(),
    };
    let mut keys = bucket.keys().await.map_err(|e| failed(&e))?;
    let mut set = LiveSet::new();
    while let Some(key) = keys.next().await {
        let key = key.map_err(|e| failed(&e))?;
        if let Some(value) = bucket.get(&key).await.map_err(|e| failed(&e))?
            && let Ok(member) = serde_json::from_slice::<Member>(&value)
        {
            set.insert(key, member);
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::owner;

    #[test]
    fn keys_spread_over_the_nodes_and_only_a_leaving_nodes_keys_move() {
        let three = ["node1", "node2", "node3"];
        let two = ["node1", "node3"];
        let mut counts = [0usize; 3];
        for key in 0..3000u64 {
            let before = owner(key, three).unwrap();
            counts[three.iter().position(|n| *n == before).unwrap()] += 1;
            let after = owner(key, two).unwrap();
            if before != "node2" {
                assert_eq!(before, after, "key {key} moved without its node leaving");
            }
        }
        assert!(counts.iter().all(|&c| c > 800), "{counts:?}");
        assert_eq!(owner(7, []), None);
    }
}
