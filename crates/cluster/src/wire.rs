//! The wire stream: one JetStream stream whose sequence numbers are the
//! wire's, one subject per story.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::context::{Context, PublishErrorKind};
use async_nats::jetstream::message::{PublishMessage, StreamMessage};
use async_nats::jetstream::stream::{
    self, DirectGetError, DirectGetErrorKind, DiscardPolicy, StorageType,
};
use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use tokio::sync::Notify;

use crate::config::ClusterConfig;
use crate::{ClusterError, WIRE_STREAM, WIRE_SUBJECTS, with_patience};

/// How long a publish keeps retrying (with the same message id, so
/// safely) while the stream has no leader or a server is down.
const PUBLISH_PATIENCE: Duration = Duration::from_secs(15);

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
    /// Told of every entry this node appended, so that its follower
    /// reads it at once (the publisher waits for this node to apply it).
    appended: Arc<Notify>,
}

impl WireStream {
    /// Creates the stream, or brings an existing one's retention and
    /// duplicate window in line with `config` and allows direct gets on
    /// it (a stream made by an older newsterm did not).
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
            // Followers read by direct get, which any replica answers.
            allow_direct: true,
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
                        && current.duplicate_window == wanted.duplicate_window
                        && current.allow_direct;
                    if same {
                        return s.get_info().await.map_err(|e| setup(&e));
                    }
                    let mut updated = current;
                    updated.max_age = wanted.max_age;
                    updated.max_messages = wanted.max_messages;
                    updated.max_bytes = wanted.max_bytes;
                    updated.duplicate_window = wanted.duplicate_window;
                    // A stream made by an older newsterm lacks it.
                    updated.allow_direct = true;
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
            appended: Arc::new(Notify::new()),
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
                    self.appended.notify_one();
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
    /// until `deliver` answers false; never ends otherwise.
    ///
    /// Entries are read by sequence with direct gets, which any live
    /// replica of the stream answers (the stream is made with
    /// `allow_direct`), several at a time while there is a backlog. A
    /// plain subscription to the wire's subjects wakes the reader when any
    /// node publishes, a publish acknowledged through this handle wakes it
    /// too, and it reads every [`POLL`] with no wake-up at all. A consumer
    /// would live on one NATS server: when that server was killed,
    /// nats-server 2.9 could leave its replacement unmade for over 30 s
    /// (ARCHITECTURE.md), and the node stopped applying the wire.
    pub async fn follow<F, Fut>(&self, mut after: u64, mut deliver: F)
    where
        F: FnMut(Record) -> Fut,
        Fut: Future<Output = bool>,
    {
        let mut wake = loop {
            match self.js.client().subscribe(WIRE_SUBJECTS).await {
                Ok(wake) => break wake,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot subscribe to the wire; retrying");
                    tokio::time::sleep(POLL).await;
                }
            }
        };
        let Ok(stream) = self.js.get_stream_no_info(WIRE_STREAM).await else {
            // Only a malformed stream name fails here, and it is a constant.
            tracing::error!("the wire stream's name is refused");
            return;
        };
        let mut wait = Duration::ZERO;
        let mut failing = false;
        loop {
            match self.read_after(&stream, &mut after, &mut deliver).await {
                Ok(Read::Stopped) => return,
                Ok(read) => {
                    if let Read::Entries = read {
                        // More may be on its way (a burst of publishes).
                        wait = SOON;
                    }
                    if failing {
                        failing = false;
                        tracing::info!(after, "reading the wire stream again");
                    }
                }
                Err(e) => {
                    if !failing {
                        failing = true;
                        tracing::warn!(after, error = %e, "cannot read the wire stream; trying again");
                    }
                }
            }
            tokio::select! {
                woken = wake.next() => {
                    if woken.is_none() {
                        // The connection was closed for good.
                        return;
                    }
                    // Whatever else woke meanwhile is read at once too.
                    while let Some(Some(_)) = wake.next().now_or_never() {}
                    wait = Duration::ZERO;
                }
                () = self.appended.notified() => wait = Duration::ZERO,
                () = tokio::time::sleep(wait) => {
                    // Woken before the answering replica stored the entry:
                    // ask again soon, then less and less often.
                    wait = if wait.is_zero() { SOON } else { (wait * 2).min(POLL) };
                }
            }
        }
    }

    /// Reads and delivers the entries after `after` that the answering
    /// replicas hold, moving `after` on.
    async fn read_after<F, Fut>(
        &self,
        stream: &stream::Stream<()>,
        after: &mut u64,
        deliver: &mut F,
    ) -> Result<Read, ClusterError>
    where
        F: FnMut(Record) -> Fut,
        Fut: Future<Output = bool>,
    {
        // The next entry held, whatever its number: after retention
        // dropped what this node lacks it is past `after + 1`, and the
        // engine reports the gap instead of applying it.
        let next = stream.direct_get_next_for_subject(WIRE_SUBJECTS, Some(*after + 1));
        let Some(first) = read(next).await? else {
            return Ok(Read::Nothing);
        };
        if !self.hand_on(first, after, deliver).await? {
            return Ok(Read::Stopped);
        }
        // The wire is gap-free past its first entry held: the following
        // entries by sequence, more requests in flight at once while each
        // round finds all it asked for (a backlog), up to READ_AHEAD.
        let mut window = 1;
        loop {
            let start = *after + 1;
            let mut batch = futures_util::stream::iter(start..start + window)
                .map(|s| read(stream.direct_get(s)))
                .buffered(window as usize);
            let mut found = Vec::new();
            while let Some(got) = batch.next().await {
                match got? {
                    Some(message) => found.push(message),
                    None => break,
                }
            }
            drop(batch);
            let full = found.len() as u64 == window;
            for message in found {
                if !self.hand_on(message, after, deliver).await? {
                    return Ok(Read::Stopped);
                }
            }
            if !full {
                return Ok(Read::Entries);
            }
            window = (window * 2).min(READ_AHEAD);
        }
    }

    /// Delivers `message`, which must be the entry after `after`, and
    /// moves `after` on; false when the receiver wants no more.
    async fn hand_on<F, Fut>(
        &self,
        message: StreamMessage,
        after: &mut u64,
        deliver: &mut F,
    ) -> Result<bool, ClusterError>
    where
        F: FnMut(Record) -> Fut,
        Fut: Future<Output = bool>,
    {
        let seq = message.sequence;
        if seq <= *after {
            return Err(ClusterError::Request(format!(
                "a replica answered entry {seq} for one after {after}"
            )));
        }
        self.head.fetch_max(seq, Ordering::AcqRel);
        let wanted = deliver(Record {
            seq,
            payload: message.payload,
        })
        .await;
        if wanted {
            *after = seq;
        }
        Ok(wanted)
    }
}

/// What one round of reading the stream came to.
enum Read {
    /// At least one entry was delivered.
    Entries,
    /// The answering replica holds nothing after the last entry.
    Nothing,
    /// The receiver wants no more.
    Stopped,
}

/// How many direct gets a follower has in flight while it catches up.
const READ_AHEAD: u64 = 64;
/// How often a follower reads the stream with no wake-up: the bound on
/// how late an entry is seen when its wake-up was lost (a reconnect).
pub const POLL: Duration = Duration::from_secs(1);
/// How long a follower waits for a replica's answer before asking again
/// (another replica may answer then).
const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// The first wait after a wake-up that found nothing new: the entry may
/// not be stored on the replica that answered yet.
const SOON: Duration = Duration::from_millis(1);

/// One direct get, bounded by [`READ_TIMEOUT`]: `None` when the
/// answering replica holds no such entry.
async fn read(
    get: impl Future<Output = Result<StreamMessage, DirectGetError>>,
) -> Result<Option<StreamMessage>, ClusterError> {
    match tokio::time::timeout(READ_TIMEOUT, get).await {
        Ok(Ok(message)) => Ok(Some(message)),
        Ok(Err(e)) if e.kind() == DirectGetErrorKind::NotFound => Ok(None),
        Ok(Err(e)) => Err(ClusterError::Request(e.to_string())),
        Err(_) => Err(ClusterError::Request(
            "no replica answered a direct get".into(),
        )),
    }
}
