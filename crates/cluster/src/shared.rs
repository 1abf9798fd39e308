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

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use async_nats::jetstream::kv::{self, CreateErrorKind, Operation, UpdateErrorKind};
use async_nats::jetstream::stream::DirectGetErrorKind;
use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};

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
    nats: Nats,
}

/// The records of a bucket when a node started following it, and the
/// changes after them.
pub struct Following {
    /// Every live key and its value.
    pub current: BTreeMap<String, Bytes>,
    /// Every change after `current`, in the bucket's order (a key
    /// written twice before it was read shows its last value only);
    /// ends only when the connection is closed for good. Read by
    /// revision from whichever replica answers, so losing a NATS server
    /// only delays it while no replica can be reached; such failures are
    /// logged.
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
            nats: nats.clone(),
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
    ///
    /// The records now come from one ordered consumer, read up to the
    /// bucket's last revision and dropped. The changes after them are
    /// read by revision with direct gets, which any live replica of the
    /// bucket's stream answers, woken by a plain subscription to the
    /// bucket's subjects and polled every [`POLL`] in case a wake-up was
    /// missed. A one-replica consumer kept for the whole run would live
    /// on one NATS server: when that server was killed, nats-server 2.9
    /// could leave its replacement unanswered for over a minute
    /// (ARCHITECTURE.md), and the node stopped following.
    pub async fn follow(&self) -> Result<Following, ClusterError> {
        // Subscribed before the records are read, so no change made in
        // between goes without a wake-up.
        let wake = self
            .nats
            .client()
            .subscribe(format!("$KV.{}.>", self.name))
            .await
            .map_err(|e| self.failed(&e))?;
        let mut follower = Follower {
            bucket: self.clone(),
            after: 0,
            wake,
            wait: Duration::ZERO,
            ready: VecDeque::new(),
            failing: false,
        };
        let current = match tokio::time::timeout(SNAPSHOT_STEP, self.status_last()).await {
            Ok(Ok(last)) => match self.records_by_consumer(last).await {
                Ok(current) => {
                    follower.after = last;
                    Some(current)
                }
                Err(e) => {
                    tracing::warn!(bucket = %self.name, error = %e, "cannot read a shared bucket through a consumer; reading it record by record");
                    None
                }
            },
            Ok(Err(e)) => {
                tracing::warn!(bucket = %self.name, error = %e, "no answer from a shared bucket's leader; reading it record by record");
                None
            }
            Err(_) => {
                tracing::warn!(bucket = %self.name, "no answer from a shared bucket's leader in time; reading it record by record");
                None
            }
        };
        let current = match current {
            Some(current) => current,
            None => follower.records_by_direct_get().await?,
        };
        let changes = futures_util::stream::unfold(follower, |mut f| async move {
            let change = f.next_change().await?;
            Some((change, f))
        })
        .boxed();
        Ok(Following { current, changes })
    }

    /// The bucket's last revision, asked of its stream's leader.
    async fn status_last(&self) -> Result<u64, ClusterError> {
        let status = self.store.status().await.map_err(|e| self.failed(&e))?;
        Ok(status.info.state.last_sequence)
    }

    /// Every live key and its value up to revision `last`, pushed by one
    /// ordered consumer (the fast way at start); an error when the
    /// consumer is not made or stalls for [`SNAPSHOT_STEP`].
    async fn records_by_consumer(
        &self,
        last: u64,
    ) -> Result<BTreeMap<String, Bytes>, ClusterError> {
        let mut current = BTreeMap::new();
        if last == 0 {
            return Ok(current);
        }
        let stalled = || self.failed(&"the bucket's watch stalled");
        // From the start: with one value kept per key, that is each
        // key's latest record (deletions included).
        let mut watch = tokio::time::timeout(SNAPSHOT_STEP, self.store.watch_all_from_revision(1))
            .await
            .map_err(|_| stalled())?
            .map_err(|e| self.failed(&e))?;
        let mut seen = 0;
        while seen < last {
            let entry = match tokio::time::timeout(SNAPSHOT_STEP, watch.next())
                .await
                .map_err(|_| stalled())?
            {
                Some(Ok(entry)) => entry,
                Some(Err(e)) => return Err(self.failed(&e)),
                None => return Err(self.failed(&"the bucket's watch ended")),
            };
            seen = entry.revision;
            apply_to(&mut current, change(entry));
        }
        Ok(current)
    }
}

fn apply_to(current: &mut BTreeMap<String, Bytes>, change: Change) {
    match change {
        Change::Put { key, value } => {
            current.insert(key, value);
        }
        Change::Delete { key } => {
            current.remove(&key);
        }
    }
}

/// How long the first read of a bucket through a consumer may wait for
/// one answer before it is read record by record instead.
const SNAPSHOT_STEP: Duration = Duration::from_secs(5);

/// How often a follower reads its bucket with no wake-up: the bound on
/// how late a change is seen when its wake-up was lost (a reconnect).
pub const POLL: Duration = Duration::from_secs(1);
/// How long a follower waits for a replica's answer before asking again
/// (another replica may answer then).
const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// The first wait after a wake-up that found nothing new: the change may
/// not be stored on the replica that answered yet.
const SOON: Duration = Duration::from_millis(20);

/// Reads the changes after `after` from a bucket's stream by revision.
struct Follower {
    bucket: SharedBucket,
    /// The last revision handed on.
    after: u64,
    wake: async_nats::Subscriber,
    /// How long to wait before reading again with no wake-up.
    wait: Duration,
    ready: VecDeque<Change>,
    /// Whether the last read failed (logged once until one succeeds).
    failing: bool,
}

impl Follower {
    /// Every live key and its value, read record by record from any
    /// replica: slower than a consumer, but answered while the bucket's
    /// leader or the consumer's server is gone. Tries for a minute.
    async fn records_by_direct_get(&mut self) -> Result<BTreeMap<String, Bytes>, ClusterError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            match self.read_new().await {
                Ok(()) => break,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    tracing::debug!(error = %e, "no replica answered yet; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => return Err(e),
            }
        }
        let mut current = BTreeMap::new();
        for change in self.ready.drain(..) {
            apply_to(&mut current, change);
        }
        Ok(current)
    }

    /// The next change; `None` only when the connection is closed for
    /// good.
    async fn next_change(&mut self) -> Option<Change> {
        loop {
            if let Some(change) = self.ready.pop_front() {
                return Some(change);
            }
            match self.read_new().await {
                Ok(()) if !self.ready.is_empty() => {
                    // More may be on its way (a burst of writes).
                    self.wait = SOON;
                    continue;
                }
                Ok(()) => {}
                Err(e) if !self.failing => {
                    self.failing = true;
                    tracing::warn!(bucket = %self.bucket.name, after = self.after, error = %e, "cannot read a shared bucket; trying again");
                }
                Err(_) => {}
            }
            tokio::select! {
                woken = self.wake.next() => {
                    woken?;
                    // Whatever else woke meanwhile is read at once too.
                    while let Some(Some(_)) = self.wake.next().now_or_never() {}
                    self.wait = Duration::ZERO;
                }
                _ = tokio::time::sleep(self.wait) => {
                    self.wait = if self.wait.is_zero() { SOON } else { (self.wait * 2).min(POLL) };
                }
            }
        }
    }

    /// Reads every record after `after` that the answering replica holds
    /// into `ready`.
    async fn read_new(&mut self) -> Result<(), ClusterError> {
        let store = &self.bucket.store;
        let subjects = format!("{}>", store.prefix);
        loop {
            let read = tokio::time::timeout(
                READ_TIMEOUT,
                store
                    .stream
                    .direct_get_next_for_subject(subjects.clone(), Some(self.after + 1)),
            )
            .await;
            let message = match read {
                Ok(Ok(message)) => message,
                Ok(Err(e)) if e.kind() == DirectGetErrorKind::NotFound => break,
                Ok(Err(e)) => return Err(self.bucket.failed(&e)),
                Err(_) => return Err(self.bucket.failed(&"no replica answered a direct get")),
            };
            if message.sequence <= self.after {
                return Err(self
                    .bucket
                    .failed(&"a replica answered with an older record"));
            }
            self.after = message.sequence;
            let operation = message.headers.get("KV-Operation").map(|v| v.as_str());
            if let Some(change) = stored_change(
                &store.prefix,
                message.subject.as_str(),
                operation,
                message.payload.clone(),
            ) {
                self.ready.push_back(change);
            }
        }
        if self.failing {
            self.failing = false;
            tracing::info!(bucket = %self.bucket.name, after = self.after, "reading the shared bucket again");
        }
        Ok(())
    }
}

/// The change a record of the bucket's stream holds, from its subject
/// and `KV-Operation` header (`None` for a subject outside the bucket's
/// keys, under `prefix`).
fn stored_change(
    prefix: &str,
    subject: &str,
    operation: Option<&str>,
    value: Bytes,
) -> Option<Change> {
    let key = subject.strip_prefix(prefix)?.to_string();
    Some(match operation {
        Some("DEL") | Some("PURGE") => Change::Delete { key },
        _ => Change::Put { key, value },
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_record_is_a_put_unless_marked_deleted_or_purged() {
        let prefix = "$KV.newsterm-alerts.";
        assert_eq!(
            stored_change(
                prefix,
                "$KV.newsterm-alerts.alert.7",
                None,
                Bytes::from("{}")
            ),
            Some(Change::Put {
                key: "alert.7".into(),
                value: Bytes::from("{}"),
            })
        );
        for marker in ["DEL", "PURGE"] {
            assert_eq!(
                stored_change(
                    prefix,
                    "$KV.newsterm-alerts.alert.7",
                    Some(marker),
                    Bytes::new()
                ),
                Some(Change::Delete {
                    key: "alert.7".into()
                })
            );
        }
        assert_eq!(
            stored_change(prefix, "$KV.other.alert.7", None, Bytes::new()),
            None
        );
    }
}
