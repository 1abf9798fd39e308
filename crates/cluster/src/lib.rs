//! NATS JetStream plumbing for running newsterm on several machines.
//!
//! This crate is the only one that speaks NATS. It knows nothing of
//! stories: it moves bytes and numbers, and the server gives them meaning.
//!
//! - [`Cluster::connect`] joins a NATS cluster and makes sure the wire
//!   stream and the buckets exist, with the configured retention.
//! - [`WireStream`]: the wire as a JetStream stream (file storage,
//!   replicated). [`WireStream::publish`] appends one entry with a message
//!   id (JetStream drops a repeat of it inside the duplicate window) and an
//!   expected last sequence for the entry's story (so two revisions of one
//!   story can never be numbered from the same predecessor);
//!   [`WireStream::follow`] delivers every entry in stream order from a
//!   given sequence, read by direct gets that any replica answers, so it
//!   goes on while one NATS server is down.
//! - [`snapshot`]: a node too far behind the stream's retention fetches a
//!   copy of another node's store through the JetStream object store.
//! - [`leases`]: work one node at a time must do (polling a feed source),
//!   claimed create-only, renewed by revision, expiring with its node.
//!
//! Invariants:
//! - **The stream sequence is the wire sequence.** Nothing but story
//!   revisions is ever published to the wire stream, so its sequence is
//!   gap-free and the same on every node.
//! - **An acknowledged entry is in the stream.** [`WireStream::publish`]
//!   returns only after JetStream acknowledged the entry (stored on a
//!   majority of its replicas).
//! - **Retrying is safe.** Every publish carries a message id; a retry
//!   with the same id inside the duplicate window is answered with the
//!   first one's sequence instead of being stored twice.

mod config;
pub mod leases;
pub mod members;
pub mod shared;
pub mod snapshot;
mod wire;

use std::time::Duration;

pub use config::{ClusterConfig, ConfigError, Retention};
pub use wire::{Published, Record, StreamState, WireStream};

/// Name of the JetStream stream that carries the wire.
pub const WIRE_STREAM: &str = "NEWSTERM_WIRE";
/// Subjects of the wire stream: `newsterm.wire.<story id>`.
pub const WIRE_SUBJECTS: &str = "newsterm.wire.>";

/// Why talking to the NATS cluster failed.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No NATS server in `urls` answered.
    #[error("cannot connect to NATS at {urls}: {message}")]
    Connect {
        /// The URLs tried, comma-separated.
        urls: String,
        /// What the client said.
        message: String,
    },
    /// The servers run without JetStream.
    #[error("JetStream is not available on the NATS servers ({0}); start nats-server with -js")]
    NoJetStream(String),
    /// Creating or updating a stream or bucket failed.
    #[error(
        "cannot set up JetStream {what}: {message} (are all the NATS servers up, routed into one cluster and started with -js? a stream with N replicas needs N of them; --replicas sets N)"
    )]
    Setup {
        /// The stream or bucket.
        what: String,
        /// What JetStream said.
        message: String,
    },
    /// A request to the servers failed or timed out.
    #[error("NATS request failed: {0}")]
    Request(String),
    /// Another revision of the story was appended since the one the
    /// publisher built on; it must catch up and try again.
    #[error("the story changed in the stream meanwhile (stream at {head})")]
    Conflict {
        /// The stream's last sequence for the story.
        head: u64,
    },
    /// The stream took no durable hold of the entry.
    #[error("the wire stream did not acknowledge the entry: {0}")]
    Unavailable(String),
    /// Writing or reading a store snapshot in the object store failed.
    #[error("snapshot: {0}")]
    Snapshot(String),
    /// Reading or writing a key-value bucket failed.
    #[error("key-value bucket {bucket}: {message}")]
    Bucket {
        /// The bucket.
        bucket: String,
        /// What JetStream said.
        message: String,
    },
    /// A record was to be created under a key that already holds one.
    #[error("key-value bucket {bucket} already holds {key}")]
    Taken {
        /// The bucket.
        bucket: String,
        /// The key that holds a record already.
        key: String,
    },
}

/// A connection to NATS with JetStream, and the replicas every stream
/// and bucket made through it gets. Cheap to clone.
#[derive(Clone)]
pub struct Nats {
    client: async_nats::Client,
    js: async_nats::jetstream::Context,
    replicas: usize,
}

impl Nats {
    /// Connects to the NATS servers at `urls` as `name` (how the servers
    /// list the connection). `replicas`: `None` for the NATS cluster's
    /// size; at most 3 either way.
    pub async fn connect(
        urls: &[String],
        name: &str,
        replicas: Option<usize>,
    ) -> Result<Nats, ClusterError> {
        let client = async_nats::ConnectOptions::new()
            .name(name)
            .connection_timeout(Duration::from_secs(5))
            .max_reconnects(None)
            .connect(urls)
            .await
            .map_err(|e| ClusterError::Connect {
                urls: urls.join(","),
                message: e.to_string(),
            })?;
        let js = async_nats::jetstream::ContextBuilder::new()
            .timeout(Duration::from_secs(10))
            .build(client.clone());
        let replicas = replicas
            .unwrap_or_else(|| cluster_size(&client, urls.len()))
            .clamp(1, 3);
        Ok(Nats {
            client,
            js,
            replicas,
        })
    }

    /// The NATS connection.
    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }

    /// Its JetStream context.
    pub fn jetstream(&self) -> &async_nats::jetstream::Context {
        &self.js
    }

    /// Replicas of every stream and bucket made through this connection.
    pub fn replicas(&self) -> usize {
        self.replicas
    }
}

/// A joined NATS cluster: the connection, the JetStream context and the
/// wire stream, as one node named `node` sees them.
#[derive(Clone)]
pub struct Cluster {
    nats: Nats,
    config: ClusterConfig,
    wire: WireStream,
}

impl Cluster {
    /// Connects to the NATS servers and creates (or updates the retention
    /// of) the wire stream. Waits up to a minute for JetStream to elect
    /// its leaders, which a cluster that just started needs.
    pub async fn connect(config: ClusterConfig) -> Result<Cluster, ClusterError> {
        let nats = Nats::connect(
            &config.urls,
            &format!("newsterm-{}", config.node),
            config.replicas,
        )
        .await?;
        let wire = WireStream::open(nats.jetstream(), &config, nats.replicas()).await?;
        tracing::info!(node = %config.node, replicas = nats.replicas(), "joined the NATS cluster");
        Ok(Cluster { nats, config, wire })
    }

    /// This node's name.
    pub fn node(&self) -> &str {
        &self.config.node
    }

    /// How this node joined.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// The wire stream.
    pub fn wire(&self) -> &WireStream {
        &self.wire
    }

    /// The connection to NATS.
    pub fn nats(&self) -> &Nats {
        &self.nats
    }

    /// The NATS client.
    pub fn client(&self) -> &async_nats::Client {
        self.nats.client()
    }

    /// The JetStream context.
    pub fn jetstream(&self) -> &async_nats::jetstream::Context {
        self.nats.jetstream()
    }

    /// Replicas of every stream and bucket this cluster creates.
    pub fn replicas(&self) -> usize {
        self.nats.replicas()
    }
}

/// How many NATS servers form the cluster: the servers the connected one
/// advertises to clients, or at least the URLs given.
fn cluster_size(client: &async_nats::Client, given: usize) -> usize {
    let info = client.server_info();
    // A clustered server lists every member's client URL (its own
    // included); a lone server lists none.
    info.connect_urls.len().max(given).max(1)
}

/// The key-value bucket `name`, made (with this cluster's replicas) if
/// it does not exist yet. `max_age` zero keeps entries for ever.
///
/// The bucket's stream is made here with the key-value layout rather
/// than by `create_key_value`, which first asks for account details in a
/// form nats-server 2.9 (Debian's) does not send.
pub(crate) async fn key_value(
    nats: &Nats,
    name: &str,
    description: &str,
    max_age: Duration,
    history: i64,
) -> Result<async_nats::jetstream::kv::Store, ClusterError> {
    use async_nats::jetstream::stream;
    let js = nats.jetstream();
    let failed = |e: &dyn std::fmt::Display| ClusterError::Bucket {
        bucket: name.to_string(),
        message: e.to_string(),
    };
    with_patience(name, || async {
        if let Ok(store) = js.get_key_value(name).await {
            return Ok(store);
        }
        js.create_stream(stream::Config {
            name: format!("KV_{name}"),
            description: Some(description.to_string()),
            subjects: vec![format!("$KV.{name}.>")],
            max_messages_per_subject: history.max(1),
            max_age,
            storage: stream::StorageType::File,
            num_replicas: nats.replicas(),
            allow_rollup: true,
            deny_delete: true,
            allow_direct: true,
            discard: stream::DiscardPolicy::New,
            ..Default::default()
        })
        .await
        .map_err(|e| failed(&e))?;
        js.get_key_value(name).await.map_err(|e| failed(&e))
    })
    .await
}

/// Runs `attempt` until it succeeds or a minute has passed, waiting a
/// little longer each time: JetStream answers "temporarily unavailable"
/// while a new cluster elects its leaders.
pub(crate) async fn with_patience<T, E: std::fmt::Display, F, Fut>(
    what: &str,
    mut attempt: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let start = tokio::time::Instant::now();
    let deadline = start + Duration::from_secs(60);
    let mut said = start;
    let mut wait = Duration::from_millis(100);
    loop {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(e) if tokio::time::Instant::now() + wait < deadline => {
                // A cluster that just started answers "no suitable peers
                // for placement" or times out until its JetStream group
                // has a leader and every server; say so now and then.
                if said.elapsed() >= Duration::from_secs(10) {
                    said = tokio::time::Instant::now();
                    tracing::info!(what, error = %e, waited = ?start.elapsed(), "JetStream not ready yet; still trying for up to a minute");
                } else {
                    tracing::debug!(what, error = %e, "JetStream not ready; retrying");
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
            Err(e) => return Err(e),
        }
    }
}
