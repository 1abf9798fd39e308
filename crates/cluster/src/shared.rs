//! Records every node shares — users and tokens, alerts, webhook claims —
//! in JetStream key-value buckets, the cluster's one copy of them.
//!
//! A [`SharedBucket`] keeps the last value of each key (no history) for
//! ever. A node reads the whole bucket once ([`SharedBucket::follow`]
//! answers the current records and the changes after them, in the
//! bucket's order) and keeps its own files in step from then on; a
//! change is written to the bucket first and reaches every node's files,
//! the writer's included, through that watch. Ids that must never be
//! reused come from a counter key updated only from the revision it was
//! read at ([`SharedBucket::next_id`]).

use std::collections::BTreeMap;
use std::time::Duration;

use async_nats::jetstream::kv::{self, CreateErrorKind, Operation, UpdateErrorKind};
use bytes::Bytes;
use futures_util::StreamExt;

use crate::{ClusterError, Nats, key_value};

/// Users and API tokens.
pub const ACCOUNTS: &str = "newsterm-accounts";
/// Standing alerts.
pub const ALERTS: &str = "newsterm-alerts";
/// Claims of webhook deliveries: one key per alert and story revision,
/// made by the node that sends it.
pub const DELIVERIES: &str = "newsterm-deliveries";
/// Feed sources: their settings, their polling status and the items
/// already taken from each.
pub const SOURCES: &str = "newsterm-sources";

/// How many times [`SharedBucket::next_id`] retries when another node
/// took the counter's revision first.
const COUNTER_ATTEMPTS: usize = 50;

/// One change to a shared bucket, as a follower receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The key now holds this value.
    Put {
        /// The record's key.
        key: String,
        /// The record.
        value: Bytes,
    },
    /// The key was deleted.
    Delete {
        /// The record's key.
        key: String,
    },
}

/// A key-value bucket of shared records. Cheap to clone.
#[derive(Clone)]
pub struct SharedBucket {
    name: String,
    store: kv::Store,
}

/// The records of a bucket when a node started following it, and the
/// changes after them.
pub struct Following {
    /// Every live key and its value.
    pub current: BTreeMap<String, Bytes>,
    /// Every change after `current`, in the bucket's order; ends only
    /// when the connection is closed for good. When the watch's consumer
    /// is lost (its NATS server killed, a reconnect, a missed idle
    /// heartbeat), async-nats makes it again from the last revision
    /// delivered, so no change is skipped; the loss is logged.
    pub changes: futures_util::stream::BoxStream<'static, Change>,
}

impl SharedBucket {
    /// The bucket `name`, made if it does not exist yet.
    pub async fn open(nats: &Nats, name: &str) -> Result<SharedBucket, ClusterError> {
        SharedBucket::open_expiring(nats, name, Duration::ZERO).await
    }

    /// The bucket `name` whose entries expire `max_age` after they were
    /// written (zero: never), made if it does not exist yet.
    pub async fn open_expiring(
        nats: &Nats,
        name: &str,
        max_age: Duration,
    ) -> Result<SharedBucket, ClusterError> {
        let store = key_value(
            nats,
            name,
            "newsterm records shared by every node",
            max_age,
            1,
        )
        .await?;
        Ok(SharedBucket {
            name: name.to_string(),
            store,
        })
    }

    fn failed(&self, e: &dyn std::fmt::Display) -> ClusterError {
        ClusterError::Bucket {
            bucket: self.name.clone(),
            message: e.to_string(),
        }
    }

    /// Writes `value` under `key`, whatever was there.
    pub async fn put(&self, key: &str, value: Vec<u8>) -> Result<u64, ClusterError> {
        self.store
            .put(key, value.into())
            .await
            .map_err(|e| self.failed(&e))
    }

    /// Writes `value` under `key` only if the key holds nothing;
    /// [`ClusterError::Taken`] otherwise.
    pub async fn create(&self, key: &str, value: Vec<u8>) -> Result<u64, ClusterError> {
        match self.store.create(key, value.into()).await {
            Ok(revision) => Ok(revision),
            Err(e) if e.kind() == CreateErrorKind::AlreadyExists => Err(ClusterError::Taken {
                bucket: self.name.clone(),
                key: key.to_string(),
            }),
            Err(e) => Err(self.failed(&e)),
        }
    }

    /// Writes `value` under `key` only if the key's last record is
    /// `revision`; [`ClusterError::Taken`] when another was written since
    /// (or the record expired).
    pub async fn update(
        &self,
        key: &str,
        value: Vec<u8>,
        revision: u64,
    ) -> Result<u64, ClusterError> {
        match self.store.update(key, value.into(), revision).await {
            Ok(revision) => Ok(revision),
            Err(e) if e.kind() == UpdateErrorKind::WrongLastRevision => Err(ClusterError::Taken {
                bucket: self.name.clone(),
                key: key.to_string(),
            }),
            Err(e) => Err(self.failed(&e)),
        }
    }

    /// Deletes `key` only if its last record is `revision`: a record
    /// another node wrote since stays.
    pub async fn delete_if(&self, key: &str, revision: u64) -> Result<(), ClusterError> {
        self.store
            .delete_expect_revision(key, Some(revision))
            .await
            .map_err(|e| self.failed(&e))
    }

    /// Deletes `key` (no error if it holds nothing).
    pub async fn delete(&self, key: &str) -> Result<(), ClusterError> {
        self.store.delete(key).await.map_err(|e| self.failed(&e))
    }

    /// The value under `key`, if any.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, ClusterError> {
        self.store.get(key).await.map_err(|e| self.failed(&e))
    }

    /// The next number of the counter `key`, above `floor` (the highest id
    /// already in use where the counter did not count it). Two nodes
    /// never get the same number: each update names the revision it read.
    pub async fn next_id(&self, key: &str, floor: u64) -> Result<u64, ClusterError> {
        for _ in 0..COUNTER_ATTEMPTS {
            let entry = self.store.entry(key).await.map_err(|e| self.failed(&e))?;
            let (last, revision) = match &entry {
                Some(e) if e.operation == Operation::Put => (
                    std::str::from_utf8(&e.value)
                        .ok()
                        .and_then(|t| t.parse::<u64>().ok())
                        .unwrap_or(0),
                    Some(e.revision),
                ),
                _ => (0, None),
            };
            let next = last.max(floor) + 1;
            let body = Bytes::from(next.to_string());
            let written = match revision {
                Some(r) => self.store.update(key, body, r).await.map_err(|e| {
                    (
                        e.kind() == UpdateErrorKind::WrongLastRevision,
                        e.to_string(),
                    )
                }),
                None => self
                    .store
                    .create(key, body)
                    .await
                    .map_err(|e| (e.kind() == CreateErrorKind::AlreadyExists, e.to_string())),
            };
            match written {
                Ok(_) => return Ok(next),
                // Another node counted first: read again.
                Err((true, _)) => continue,
                Err((false, message)) => return Err(self.failed(&message)),
            }
        }
        Err(self.failed(&"the id counter kept changing under this node"))
    }

    /// The bucket's records now, and every change after them.
    pub async fn follow(&self) -> Result<Following, ClusterError> {
        let status = self.store.status().await.map_err(|e| self.failed(&e))?;
        let last = status.info.state.last_sequence;
        // From the start: with one value kept per key, that is each key's
        // latest record (deletions included), then what comes after.
        let mut watch = self
            .store
            .watch_all_from_revision(1)
            .await
            .map_err(|e| self.failed(&e))?;
        let mut current = BTreeMap::new();
        let mut seen = 0;
        while seen < last {
            let entry = match watch.next().await {
                Some(Ok(entry)) => entry,
                Some(Err(e)) => return Err(self.failed(&e)),
                None => return Err(self.failed(&"the bucket's watch ended")),
            };
            seen = entry.revision;
            match change(entry) {
                Change::Put { key, value } => {
                    current.insert(key, value);
                }
                Change::Delete { key } => {
                    current.remove(&key);
                }
            }
        }
        let name = self.name.clone();
        let changes = watch
            .filter_map(move |entry| {
                let got = match entry {
                    Ok(entry) => Some(change(entry)),
                    Err(e) => {
                        tracing::warn!(bucket = %name, error = %e, "watch of a shared bucket interrupted; following again from the last revision seen");
                        None
                    }
                };
                std::future::ready(got)
            })
            .boxed();
        Ok(Following { current, changes })
    }
}

fn change(entry: kv::Entry) -> Change {
    match entry.operation {
        Operation::Put => Change::Put {
            key: entry.key,
            value: entry.value,
        },
        Operation::Delete | Operation::Purge => Change::Delete { key: entry.key },
    }
}
