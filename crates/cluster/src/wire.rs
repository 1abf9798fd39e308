//! The wire stream: one JetStream stream whose sequence numbers are the
//! wire's, one subject per story.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::consumer::DeliverPolicy;
use async_nats::jetstream::consumer::push::OrderedConfig;
use async_nats::jetstream::context::{Context, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::{self, DiscardPolicy, StorageType};
use bytes::Bytes;
use futures_util::StreamExt;

use crate::config::ClusterConfig;
use crate::{ClusterError, WIRE_STREAM, WIRE_SUBJECTS, with_patience};

/// How long a publish keeps retrying (with the same message id, so
/// safely) while the stream has no leader or a server is down.
const PUBLISH_PATIENCE: Duration = Duration::from_secs(15);

/// How long a follower waits for the next entry before asking whether
/// the stream has moved on without it.
const STALL_CHECK: Duration = Duration::from_secs(5);

/// One entry of the stream, as a follower receives it.
#[derive(Debug, Clone)]
pub struct Record {
    /// Its stream sequence: the wire sequence.
    pub seq: u64,
    /// The entry's bytes, as the publishing node encoded them.
    pub payload: Bytes,
}

/// What JetStream said to a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// The stream sequence the entry was stored at.
    pub seq: u64,
    /// The message id was seen inside the duplicate window: `seq` is the
    /// first publish's, and nothing new was stored.
    pub duplicate: bool,
}

/// The stream's extent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamState {
    /// Lowest sequence still held (retention drops older entries); 0 or
    /// `last + 1` when the stream is empty.
    pub first: u64,
    /// Highest sequence ever assigned.
    pub last: u64,
}

/// The wire stream as one node uses it. Cheap to clone.
#[derive(Clone)]
pub struct WireStream {
    js: Context,
    /// Highest sequence this node knows the stream has reached.
    head: Arc<AtomicU64>,
    /// Lowest sequence this node last saw the stream hold.
    first: Arc<AtomicU64>,
}

impl WireStream {
    /// Creates the stream, or brings an existing one's retention and
    /// duplicate window in line with `config`.
    pub(crate) async fn open(
        js: &Context,
        config: &ClusterConfig,
        replicas: usize,
    ) -> Result<WireStream, ClusterError> {
        let r = &config.retention;
        let wanted = stream::Config {
            name: WIRE_STREAM.to_string(),
            subjects: vec![WIRE_SUBJECTS.to_string()],
            storage: StorageType::File,
            num_replicas: replicas,
            duplicate_window: config.dedup_window,
            max_age: r.max_age.unwrap_or_default(),
            max_messages: r.max_msgs.map_or(-1, |n| n.min(i64::MAX as u64) as i64),
            max_bytes: r.max_bytes.map_or(-1, |n| n.min(i64::MAX as u64) as i64),
            discard: DiscardPolicy::Old,
            description: Some("newsterm wire: one entry per story revision".into()),
            ..Default::default()
        };
        let setup = |e: &dyn std::fmt::Display| ClusterError::Setup {
            what: format!("stream {WIRE_STREAM}"),
            message: e.to_string(),
        };
        let info = with_patience("wire stream", || async {
            match js.get_stream(WIRE_STREAM).await {
                Ok(mut s) => {
                    let current = s.info().await.map_err(|e| setup(&e))?.config.clone();
                    let same = current.max_age == wanted.max_age
                        && current.max_messages == wanted.max_messages
                        && current.max_bytes == wanted.max_bytes
                        && current.duplicate_window == wanted.duplicate_window;
                    if same {
                        return s.get_info().await.map_err(|e| setup(&e));
                    }
                    let mut updated = current;
                    updated.max_age = wanted.max_age;
                    updated.max_messages = wanted.max_messages;
                    updated.max_bytes = wanted.max_bytes;
                    updated.duplicate_window = wanted.duplicate_window;
                    js.update_stream(updated).await.map_err(|e| setup(&e))
                }
                Err(_) => js
                    .create_stream(wanted.clone())
                    .await
                    .map_err(|e| setup(&e))?
                    .get_info()
                    .await
                    .map_err(|e| setup(&e)),
            }
        })
        .await?;
        Ok(WireStream {
            js: js.clone(),
            head: Arc::new(AtomicU64::new(info.state.last_sequence)),
            first: Arc::new(AtomicU64::new(info.state.first_sequence)),
        })
    }

    /// Appends one entry on `story`'s subject with message id `msg_id`,
    /// provided the subject's last entry is `expect_last` (0: none).
    /// Resolves once JetStream has stored it on a majority of replicas.
    /// Retries on its own (same id, so never twice) while the stream is
    /// between leaders.
    pub async fn publish(
        &self,
        story: &str,
        expect_last: u64,
        msg_id: &str,
        payload: Bytes,
    ) -> Result<Published, ClusterError> {
        let subject = format!("newsterm.wire.{story}");
        let deadline = tokio::time::Instant::now() + PUBLISH_PATIENCE;
        let mut wait = Duration::from_millis(50);
        // An entry whose story's earlier entries all left the stream
        // (retention) has none on its subject any more.
        let expect_last = if expect_last < self.first.load(Ordering::Acquire) {
            0
        } else {
            expect_last
        };
        loop {
            let message = PublishMessage::build()
                .payload(payload.clone())
                .message_id(msg_id)
                .expected_last_subject_sequence(expect_last);
            let attempt = async { self.js.send_publish(subject.clone(), message).await?.await };
            let error = match attempt.await {
                Ok(ack) => {
                    self.head.fetch_max(ack.sequence, Ordering::AcqRel);
                    return Ok(Published {
                        seq: ack.sequence,
                        duplicate: ack.duplicate,
                    });
                }
                Err(e) if e.kind() == PublishErrorKind::WrongLastSequence => {
                    let state = self.state().await.unwrap_or_default();
                    return Err(ClusterError::Conflict {
                        head: state.last.max(self.head()),
                    });
                }
                Err(e) => e,
            };
            if tokio::time::Instant::now() + wait >= deadline {
                return Err(ClusterError::Unavailable(error.to_string()));
            }
            tracing::debug!(error = %error, "wire publish failed; retrying with the same id");
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(1));
        }
    }

    /// The stream's first and last sequence, asked of JetStream.
    pub async fn state(&self) -> Result<StreamState, ClusterError> {
        let stream = self
            .js
            .get_stream_no_info(WIRE_STREAM)
            .await
            .map_err(|e| ClusterError::Request(e.to_string()))?;
        let info = stream
            .get_info()
            .await
            .map_err(|e| ClusterError::Request(e.to_string()))?;
        let state = StreamState {
            first: info.state.first_sequence,
            last: info.state.last_sequence,
        };
        self.head.fetch_max(state.last, Ordering::AcqRel);
        self.first.store(state.first, Ordering::Release);
        Ok(state)
    }

    /// Highest sequence this node knows the stream to have reached.
    pub fn head(&self) -> u64 {
        self.head.load(Ordering::Acquire)
    }

    /// Hands every entry after `after` to `deliver`, in stream order,
    /// until `deliver` answers false. A server dying or a connection
    /// breaking only pauses it: the consumer is made again from the last
    /// entry delivered.
    pub async fn follow<F, Fut>(&self, mut after: u64, mut deliver: F)
    where
        F: FnMut(Record) -> Fut,
        Fut: Future<Output = bool>,
    {
        let mut wait = Duration::from_millis(100);
        loop {
            match self.follow_once(&mut after, &mut deliver).await {
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!(error = %e, after, "wire consumer interrupted; making a new one");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    async fn follow_once<F, Fut>(
        &self,
        after: &mut u64,
        deliver: &mut F,
    ) -> Result<(), ClusterError>
    where
        F: FnMut(Record) -> Fut,
        Fut: Future<Output = bool>,
    {
        let request = |e: &dyn std::fmt::Display| ClusterError::Request(e.to_string());
        let stream = self
            .js
            .get_stream_no_info(WIRE_STREAM)
            .await
            .map_err(|e| request(&e))?;
        let deliver_policy = if *after == 0 {
            DeliverPolicy::All
        } else {
            DeliverPolicy::ByStartSequence {
                start_sequence: *after + 1,
            }
        };
        let consumer = stream
            .create_consumer(OrderedConfig {
                deliver_subject: self.js.client().new_inbox(),
                deliver_policy,
                ..Default::default()
            })
            .await
            .map_err(|e| request(&e))?;
        let mut messages = consumer.messages().await.map_err(|e| request(&e))?;
        loop {
            let message = match tokio::time::timeout(STALL_CHECK, messages.next()).await {
                Ok(Some(message)) => message.map_err(|e| request(&e))?,
                Ok(None) => break,
                // Quiet: fine if the stream has nothing more, else the
                // consumer is stuck (its server died mid-recreate).
                Err(_) => {
                    let state = tokio::time::timeout(STALL_CHECK, self.state())
                        .await
                        .map_err(|_| ClusterError::Request("stream state timed out".into()))??;
                    if state.last > *after {
                        return Err(ClusterError::Request(format!(
                            "no entry for {STALL_CHECK:?} while the stream is at {}",
                            state.last
                        )));
                    }
                    continue;
                }
            };
            let info = message.info().map_err(|e| request(&e))?;
            let seq = info.stream_sequence;
            self.head
                .fetch_max(seq.saturating_add(info.pending), Ordering::AcqRel);
            let record = Record {
                seq,
                payload: message.payload.clone(),
            };
            if !deliver(record).await {
                return Ok(());
            }
            *after = seq;
        }
        Err(ClusterError::Request(
            "the consumer's messages ended".into(),
        ))
    }
}
