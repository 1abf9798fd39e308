//! Real `nats-server` processes with JetStream on loopback ports, for the
//! cluster tests: one server, or a cluster of several with routes between
//! them, each storing JetStream in its own temporary directory.

use std::path::Path;
use std::time::{Duration, Instant};

/// Node `i` of a cluster (`newsterm serve --nats … --node node<i+1>`
/// on `data`), talking first to NATS server `i` of `servers`.
pub fn node(
    data: &Path,
    nats: &NatsCluster,
    i: usize,
    servers: usize,
    extra: &[&str],
) -> super::Server {
    let urls = nats.urls_from(i % servers);
    let name = format!("node{}", i + 1);
    let mut args = vec!["--nats", urls.as_str(), "--node", name.as_str()];
    args.extend_from_slice(extra);
    super::Server::start_with(data, &args)
}

/// `n` fresh data directories, one for each node of a test cluster.
pub fn data_dirs(n: usize) -> Vec<tempfile::TempDir> {
    (0..n)
        .map(|_| tempfile::tempdir().expect("data dir"))
        .collect()
}

/// A [`node`] on each of `dirs` (node `i` talking first to NATS server
/// `i`), started with `extra` arguments, and their URLs in the same order.
pub fn nodes_on(
    dirs: &[tempfile::TempDir],
    nats: &NatsCluster,
    extra: &[&str],
) -> (Vec<super::Server>, Vec<String>) {
    let nodes: Vec<super::Server> = dirs
        .iter()
        .enumerate()
        .map(|(i, dir)| node(dir.path(), nats, i, nats.servers(), extra))
        .collect();
    let urls = nodes.iter().map(|n| n.url.clone()).collect();
    (nodes, urls)
}

/// Several nats-servers routed into one JetStream cluster (the bench's
/// [`newsterm_bench::nats::NatsCluster`]) on a temporary directory,
/// killed when dropped.
pub struct NatsCluster {
    inner: newsterm_bench::nats::NatsCluster,
    _dir: tempfile::TempDir,
}

impl NatsCluster {
    /// Starts `n` servers (1 to 3) and waits until each takes clients.
    pub fn start(n: usize) -> NatsCluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let inner = newsterm_bench::nats::NatsCluster::start(dir.path(), n)
            .unwrap_or_else(|e| panic!("{e}"));
        NatsCluster { inner, _dir: dir }
    }

    /// How many servers the cluster has.
    pub fn servers(&self) -> usize {
        self.inner.len()
    }

    /// The client URL of server `i` alone.
    pub fn url(&self, i: usize) -> String {
        self.inner.url(i)
    }

    /// Every server's client URL, comma-separated, as `--nats` takes them,
    /// with server `first` first.
    pub fn urls_from(&self, first: usize) -> String {
        self.inner.urls_from(first)
    }

    pub fn urls(&self) -> String {
        self.urls_from(0)
    }

    /// Kills server `i` with SIGKILL (its JetStream files stay).
    pub fn kill9(&mut self, i: usize) {
        self.inner.kill9(i);
    }

    /// Starts server `i` again on its ports and files.
    pub fn restart(&mut self, i: usize) {
        self.inner.restart(i).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Waits (bounded, 30 s a node) until every node of `urls` sees exactly
/// `names` live. On a loaded machine a node's heartbeat can come after its
/// expiry, and the node leaves the live set until its next beat.
pub async fn live_nodes_are(urls: &[String], names: &[&str]) {
    for url in urls {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let h = super::health(url).await;
            if h.cluster.as_ref().is_some_and(|c| c.nodes == names) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{url} does not see {names:?} live: {h:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
