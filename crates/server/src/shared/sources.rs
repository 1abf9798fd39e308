//! Feed sources shared by a cluster's nodes, in the bucket
//! [`shared::SOURCES`]:
//!
//! - `source.<id>`: a source's settings (URL, name, schedule, priority,
//!   paused), written by the node that adds, pauses or resumes it;
//! - `url.<digest>`: the id polling a URL, made create-only, so two nodes
//!   adding one URL at once make one source;
//! - `status.<id>` and `seen.<id>.<digest>`: how the last poll went (and
//!   when the next is due) and which story each item became, written by
//!   the node polling the source after each poll;
//! - `next.source`: the id counter.
//!
//! Every node's `sources.db` is its view of the bucket, kept equal by a
//! watch, so every node lists the same sources, and the node that takes
//! a source over from a dead one knows its schedule and the items it
//! already took. Who polls a source is decided by a lease
//! (`newsterm_cluster::leases`), not here.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::Arc;

use newsterm_cluster::ClusterError;
use newsterm_cluster::leases::Leases;
use newsterm_cluster::shared::{Change, SharedBucket};
use newsterm_feed::{
    NewSource, Seen, SharedPolling, Source, SourceId, SourceSpec, SourceStatus, SourceStore,
    SourcesError, source_scope, spec_of,
};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::{Records, RecordsError, apply_changes, blocking, to_json};

/// The counter source ids come from in a cluster.
const SOURCE_COUNTER: &str = "next.source";

/// One seen item as the bucket keeps it: its key is hashed in the
/// bucket's key, so it travels in the value.
#[derive(Serialize, Deserialize)]
struct SeenRecord {
    key: String,
    #[serde(flatten)]
    seen: Seen,
}

fn source_key(id: SourceId) -> String {
    format!("source.{id}")
}

fn status_key(id: SourceId) -> String {
    format!("status.{id}")
}

fn url_key(url: &str) -> String {
    format!("url.{:016x}", digest(url))
}

fn seen_key(id: SourceId, item: &str) -> String {
    format!("seen.{id}.{:016x}", digest(item))
}

/// FNV-1a: bucket keys allow few characters, so URLs and item keys are
/// named by a hash that is the same on every node and in every build.
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The source a `<prefix>.<id>[.…]` key names.
fn id_in(key: &str, prefix: &str) -> Option<SourceId> {
    let rest = key.strip_prefix(prefix)?.strip_prefix('.')?;
    rest.split('.').next()?.parse().ok()
}

impl Records {
    /// Adds a feed source: in a cluster to the bucket first (its id from
    /// the cluster's counter, its URL claimed create-only), then to this
    /// node's `sources.db`.
    pub(crate) async fn add_source(
        &self,
        store: Arc<SourceStore>,
        new: NewSource,
    ) -> Result<Source, RecordsError> {
        let Some(b) = &self.cluster else {
            return blocking(move || Ok(store.add(&new)?)).await;
        };
        let probe = spec_of(SourceId(0), &new)?;
        let (known, floor) = {
            let (store, url) = (store.clone(), probe.url.clone());
            blocking(move || Ok((store.find_url(&url)?, store.last_id()?))).await?
        };
        if let Some(id) = known {
            return Err(SourcesError::DuplicateUrl { url: probe.url, id }.into());
        }
        let id = b
            .sources
            .next_id(SOURCE_COUNTER, floor.unsigned_abs())
            .await?;
        let id = SourceId(i64::try_from(id).map_err(|_| RecordsError::Raced)?);
        let spec = SourceSpec { id, ..probe };
        let url = url_key(&spec.url);
        match b.sources.create(&url, id.to_string().into_bytes()).await {
            Ok(_) => {}
            Err(ClusterError::Taken { .. }) => {
                let holder = b
                    .sources
                    .get(&url)
                    .await?
                    .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok())
                    .unwrap_or(SourceId(0));
                return Err(SourcesError::DuplicateUrl {
                    url: spec.url,
                    id: holder,
                }
                .into());
            }
            Err(e) => return Err(e.into()),
        }
        b.sources.put(&source_key(id), to_json(&spec)).await?;
        blocking(move || {
            store.put(&spec)?;
            Ok(store.get(spec.id)?)
        })
        .await
    }

    /// Removes a feed source and what was taken from it: in a cluster
    /// from the bucket first, so no node lists or polls it again.
    pub(crate) async fn remove_source(
        &self,
        store: Arc<SourceStore>,
        id: SourceId,
    ) -> Result<(), RecordsError> {
        let Some(b) = &self.cluster else {
            return blocking(move || Ok(store.remove(id)?)).await;
        };
        let (source, seen) = {
            let store = store.clone();
            blocking(move || Ok((store.get(id)?, store.seen_in(&source_scope(id))?))).await?
        };
        b.sources.delete(&source_key(id)).await?;
        b.sources.delete(&status_key(id)).await?;
        b.sources.delete(&url_key(&source.spec.url)).await?;
        for (item, _) in seen {
            b.sources.delete(&seen_key(id, &item)).await?;
        }
        // This node's watch may have removed it already.
        blocking(move || match store.remove(id) {
            Ok(()) | Err(SourcesError::UnknownId(_)) => Ok(()),
            Err(e) => Err(e.into()),
        })
        .await
    }

    /// Pauses or resumes a feed source (a resumed one is due at once):
    /// in a cluster in the bucket first, so every node's poller sees it.
    pub(crate) async fn set_source_paused(
        &self,
        store: Arc<SourceStore>,
        id: SourceId,
        paused: bool,
    ) -> Result<Source, RecordsError> {
        if let Some(b) = &self.cluster {
            let source = {
                let store = store.clone();
                blocking(move || Ok(store.get(id)?)).await?
            };
            let spec = SourceSpec {
                paused,
                ..source.spec.clone()
            };
            b.sources.put(&source_key(id), to_json(&spec)).await?;
            if source.spec.paused && !paused {
                let mut status = source.status;
                status.health.next_due = None;
                b.sources.put(&status_key(id), to_json(&status)).await?;
            }
        }
        blocking(move || Ok(store.set_paused(id, paused)?)).await
    }

    /// Brings this node's `sources.db` to what the cluster holds and
    /// keeps it there until `stop` turns true. Does nothing for a single
    /// server.
    pub(crate) async fn follow_sources(
        &self,
        store: Arc<SourceStore>,
        stop: watch::Receiver<bool>,
    ) -> Result<(), RecordsError> {
        let Some(b) = &self.cluster else {
            return Ok(());
        };
        let following = b.sources.follow().await?;
        sync_sources(&b.sources, &following.current, store.clone()).await?;
        tokio::spawn(apply_changes(following.changes, stop, move |change| {
            let store = store.clone();
            blocking(move || apply(&store, change))
        }));
        Ok(())
    }

    /// Where this node hands on what its polls found, with `leases`
    /// saying which sources it polls; `None` for a single server.
    pub(crate) fn shared_polling(&self, leases: Leases) -> Option<Arc<dyn SharedPolling>> {
        let b = self.cluster.as_ref()?;
        Some(Arc::new(PolledHere {
            leases,
            bucket: b.sources.clone(),
        }))
    }
}

/// Applies one change of the sources bucket to this node's `sources.db`.
fn apply(store: &SourceStore, change: Change) -> Result<(), RecordsError> {
    let ignore_gone = |r: Result<(), SourcesError>| match r {
        Ok(()) | Err(SourcesError::UnknownId(_)) => Ok(()),
        Err(e) => Err(e),
    };
    match change {
        Change::Put { key, value } => {
            if id_in(&key, "source").is_some() {
                if let Ok(spec) = serde_json::from_slice::<SourceSpec>(&value) {
                    store.put(&spec)?;
                }
            } else if let Some(id) = id_in(&key, "status") {
                if let Ok(status) = serde_json::from_slice::<SourceStatus>(&value) {
                    // A status written after the source was removed.
                    ignore_gone(store.update_status(id, &status))?;
                }
            } else if let Some(id) = id_in(&key, "seen")
                && let Ok(record) = serde_json::from_slice::<SeenRecord>(&value)
            {
                store.record_seen(&source_scope(id), &[(record.key, record.seen)])?;
            }
        }
        Change::Delete { key } => {
            if let Some(id) = id_in(&key, "source") {
                ignore_gone(store.remove(id))?;
            }
        }
    }
    Ok(())
}

/// Makes this node's sources what the bucket holds. A bucket that was
/// never written to (no id counter yet) takes this node's sources first
/// (with their status and seen items), as accounts and alerts do.
async fn sync_sources(
    bucket: &SharedBucket,
    current: &BTreeMap<String, bytes::Bytes>,
    store: Arc<SourceStore>,
) -> Result<(), RecordsError> {
    if !current.contains_key(SOURCE_COUNTER) {
        let (local, floor) = {
            let store = store.clone();
            blocking(move || {
                let mut local = Vec::new();
                for source in store.list()? {
                    let seen = store.seen_in(&source_scope(source.spec.id))?;
                    local.push((source, seen));
                }
                Ok((local, store.last_id()?))
            })
            .await?
        };
        let brought = !local.is_empty();
        for (source, seen) in local {
            let id = source.spec.id;
            let mut writes = vec![
                (url_key(&source.spec.url), id.to_string().into_bytes()),
                (source_key(id), to_json(&source.spec)),
                (status_key(id), to_json(&source.status)),
            ];
            writes.extend(
                seen.into_iter()
                    .map(|(key, seen)| (seen_key(id, &key), to_json(&SeenRecord { key, seen }))),
            );
            for (key, value) in writes {
                match bucket.create(&key, value).await {
                    Ok(_) | Err(ClusterError::Taken { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        // Marks the bucket as written, even once every source is
        // removed again.
        if brought {
            bucket.next_id(SOURCE_COUNTER, floor.unsigned_abs()).await?;
        }
    }
    let current = bucket.follow().await?.current;
    blocking(move || {
        let wanted: std::collections::BTreeSet<SourceId> =
            current.keys().filter_map(|k| id_in(k, "source")).collect();
        for source in store.list()? {
            if !wanted.contains(&source.spec.id) {
                store.remove(source.spec.id)?;
            }
        }
        // Settings before status and seen items, which need their source.
        let mut ordered: Vec<_> = current.into_iter().collect();
        ordered.sort_by_key(|(k, _)| !k.starts_with("source."));
        for (key, value) in ordered {
            apply(&store, Change::Put { key, value })?;
        }
        Ok(())
    })
    .await
}

/// A node's poller in a cluster: it polls a source while it holds the
/// source's lease, and writes what each poll found to the bucket, where
/// every node's `sources.db` (and the next poller of the source) reads
/// it.
struct PolledHere {
    leases: Leases,
    bucket: SharedBucket,
}

impl SharedPolling for PolledHere {
    fn turn(&self, id: SourceId) -> Option<Box<dyn Send>> {
        let n = u64::try_from(id.0).ok()?;
        self.leases
            .turn(n)
            .map(|turn| Box::new(turn) as Box<dyn Send>)
    }

    fn polled(
        &self,
        id: SourceId,
        status: SourceStatus,
        seen: Vec<(String, Seen)>,
    ) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let bucket = self.bucket.clone();
        Box::pin(async move {
            // Seen items first: a node that takes the source over after
            // reading this status has them too.
            for (key, seen) in seen {
                let at = seen_key(id, &key);
                if let Err(e) = bucket.put(&at, to_json(&SeenRecord { key, seen })).await {
                    tracing::warn!(error = %e, source = %id, "a seen item was not shared");
                }
            }
            if let Err(e) = bucket.put(&status_key(id), to_json(&status)).await {
                tracing::warn!(error = %e, source = %id, "a source's status was not shared");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_source_and_stay_within_the_buckets_alphabet() {
        let id = SourceId(12);
        assert_eq!(id_in(&source_key(id), "source"), Some(id));
        assert_eq!(id_in(&status_key(id), "status"), Some(id));
        let seen = seen_key(id, "link:https://example.com/a b?c=d");
        assert_eq!(id_in(&seen, "seen"), Some(id));
        assert_eq!(id_in(&seen, "source"), None);
        assert_eq!(id_in("sources.3", "source"), None);
        for key in [seen, url_key("https://example.com/feed.xml")] {
            assert!(
                key.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'),
                "{key}"
            );
        }
        assert_ne!(seen_key(id, "id:1"), seen_key(id, "id:2"));
        assert_ne!(seen_key(id, "id:1"), seen_key(SourceId(13), "id:1"));
    }
}
