//! Snapshots: how a node that is further behind than the wire stream's
//! retention gets a store to start from.
//!
//! The node asks on [`SUBJECT`] (a queue group, so one node answers). The
//! answering node writes a consistent copy of its store, puts it in the
//! JetStream object store bucket [`BUCKET`] and replies with the object's
//! name and the wire sequence the copy holds; the asker downloads it and
//! follows the stream from there. Snapshots travel through JetStream, so
//! nodes never need to reach each other's HTTP ports.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_nats::jetstream::object_store::{self, ObjectStore};
use async_nats::jetstream::stream::StorageType;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::{Cluster, ClusterError, with_patience};

/// Where snapshot requests go.
pub const SUBJECT: &str = "newsterm.snapshot";
/// The object store bucket that carries snapshots.
pub const BUCKET: &str = "newsterm-snapshots";
/// Snapshots are short-lived: a copy nobody fetched in this long is gone.
const KEEP: Duration = Duration::from_secs(3600);
/// How long an asker waits for one node to make and upload a copy.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Serialize, Deserialize)]
struct Ask {
    /// The copy must hold at least this wire sequence.
    at_least: u64,
    node: String,
}

#[derive(Serialize, Deserialize)]
enum Answer {
    Ready {
        object: String,
        seq: u64,
        node: String,
    },
    Refused(String),
}

/// Makes a consistent copy of this node's store at the given path and
/// returns the wire sequence it holds. Runs on a blocking thread.
pub type MakeSnapshot = dyn Fn(&Path) -> Result<u64, String> + Send + Sync;

async fn bucket(cluster: &Cluster) -> Result<ObjectStore, ClusterError> {
    let js = cluster.jetstream();
    with_patience("snapshot bucket", || async {
        match js.get_object_store(BUCKET).await {
            Ok(store) => Ok(store),
            Err(_) => js
                .create_object_store(object_store::Config {
                    bucket: BUCKET.to_string(),
                    description: Some("newsterm store snapshots for nodes joining late".into()),
                    max_age: KEEP,
                    storage: StorageType::File,
                    num_replicas: cluster.replicas(),
                    ..Default::default()
                })
                .await
                .map_err(|e| ClusterError::Snapshot(e.to_string())),
        }
    })
    .await
}

/// Answers snapshot requests until `stop` turns true: makes a copy with
/// `make` in `scratch`, uploads it, replies with its name. A request for
/// more than this node holds (`applied`) is refused, so the asker tries
/// again and may reach a node that is further along.
pub async fn serve(
    cluster: Cluster,
    make: std::sync::Arc<MakeSnapshot>,
    applied: impl Fn() -> u64 + Send + Sync + 'static,
    scratch: PathBuf,
    mut stop: watch::Receiver<bool>,
) -> Result<(), ClusterError> {
    let mut requests = cluster
        .client()
        .queue_subscribe(SUBJECT, "newsterm-snapshot".into())
        .await
        .map_err(|e| ClusterError::Snapshot(e.to_string()))?;
    loop {
        let request = tokio::select! {
            r = requests.next() => match r { Some(r) => r, None => return Ok(()) },
            _ = stop.changed() => return Ok(()),
        };
        let Some(reply) = request.reply.clone() else {
            continue;
        };
        let answer = match serde_json::from_slice::<Ask>(&request.payload) {
            Err(e) => Answer::Refused(format!("unreadable request: {e}")),
            Ok(ask) if applied() < ask.at_least => Answer::Refused(format!(
                "node {} holds up to {}, not {}",
                cluster.node(),
                applied(),
                ask.at_least
            )),
            Ok(ask) => {
                tracing::info!(to = %ask.node, "making a store snapshot");
                match upload(&cluster, &make, &scratch).await {
                    Ok((object, seq)) => Answer::Ready {
                        object,
                        seq,
                        node: cluster.node().to_string(),
                    },
                    Err(e) => Answer::Refused(e.to_string()),
                }
            }
        };
        let body = serde_json::to_vec(&answer).unwrap_or_default();
        if let Err(e) = cluster.client().publish(reply, body.into()).await {
            tracing::warn!(error = %e, "cannot answer a snapshot request");
        }
    }
}

async fn upload(
    cluster: &Cluster,
    make: &std::sync::Arc<MakeSnapshot>,
    scratch: &Path,
) -> Result<(String, u64), ClusterError> {
    let path = scratch.join(format!("snapshot-{}.db", cluster.node()));
    let _ = tokio::fs::remove_file(&path).await;
    let seq = {
        let make = make.clone();
        let path = path.clone();
        tokio::task::spawn_blocking(move || make(&path))
            .await
            .map_err(|e| ClusterError::Snapshot(e.to_string()))?
            .map_err(ClusterError::Snapshot)?
    };
    let object = format!("store-{}-{seq}", cluster.node());
    let result = async {
        let mut file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| ClusterError::Snapshot(e.to_string()))?;
        bucket(cluster)
            .await?
            .put(object.as_str(), &mut file)
            .await
            .map_err(|e| ClusterError::Snapshot(e.to_string()))?;
        Ok((object.clone(), seq))
    }
    .await;
    let _ = tokio::fs::remove_file(&path).await;
    result
}

/// Asks the cluster for a store holding at least `at_least`, downloads
/// it to `dest` and returns the wire sequence it holds. Tries for up to
/// `patience` (nodes may still be catching up themselves).
pub async fn fetch(
    cluster: &Cluster,
    at_least: u64,
    dest: &Path,
    patience: Duration,
) -> Result<u64, ClusterError> {
    let ask = serde_json::to_vec(&Ask {
        at_least,
        node: cluster.node().to_string(),
    })
    .map_err(|e| ClusterError::Snapshot(e.to_string()))?;
    let deadline = tokio::time::Instant::now() + patience;
    let mut last_error = String::from("no node answered");
    while tokio::time::Instant::now() < deadline {
        let request = async_nats::Request::new()
            .payload(ask.clone().into())
            .timeout(Some(ANSWER_TIMEOUT));
        match cluster.client().send_request(SUBJECT, request).await {
            Ok(message) => match serde_json::from_slice::<Answer>(&message.payload) {
                Ok(Answer::Ready { object, seq, node }) => {
                    tracing::info!(%node, seq, "downloading a store snapshot");
                    download(cluster, &object, dest).await?;
                    return Ok(seq);
                }
                Ok(Answer::Refused(why)) => last_error = why,
                Err(e) => last_error = format!("unreadable answer: {e}"),
            },
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    Err(ClusterError::Snapshot(format!(
        "no node could give a store holding sequence {at_least}: {last_error}"
    )))
}

async fn download(cluster: &Cluster, object: &str, dest: &Path) -> Result<(), ClusterError> {
    let snapshot = |e: &dyn std::fmt::Display| ClusterError::Snapshot(e.to_string());
    let mut reader = bucket(cluster)
        .await?
        .get(object)
        .await
        .map_err(|e| snapshot(&e))?;
    let mut file = tokio::fs::File::create(dest)
        .await
        .map_err(|e| snapshot(&e))?;
    tokio::io::copy(&mut reader, &mut file)
        .await
        .map_err(|e| snapshot(&e))?;
    file.sync_all().await.map_err(|e| snapshot(&e))?;
    Ok(())
}
