//! Real `nats-server` processes with JetStream on loopback ports, for the
//! cluster tests: one server, or a cluster of several with routes between
//! them, each storing JetStream in its own temporary directory.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The nats-server program: `$NATS_SERVER`, or `nats-server` on the PATH
/// (Debian's package puts it in /usr/sbin).
fn program() -> String {
    std::env::var("NATS_SERVER").unwrap_or_else(|_| {
        for dir in ["/usr/sbin", "/usr/local/bin", "/usr/bin"] {
            let path = format!("{dir}/nats-server");
            if Path::new(&path).exists() {
                return path;
            }
        }
        "nats-server".into()
    })
}

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
        .map(|(i, dir)| node(dir.path(), nats, i, nats.servers.len(), extra))
        .collect();
    let urls = nodes.iter().map(|n| n.url.clone()).collect();
    (nodes, urls)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// One nats-server of a [`NatsCluster`].
struct NatsServer {
    name: String,
    port: u16,
    cluster_port: u16,
    store: PathBuf,
    child: Option<Child>,
}

/// Several nats-servers routed into one JetStream cluster, killed when
/// dropped.
pub struct NatsCluster {
    servers: Vec<NatsServer>,
    _dir: tempfile::TempDir,
}

impl NatsCluster {
    /// Starts `n` servers (1 to 3) and waits until each takes clients.
    pub fn start(n: usize) -> NatsCluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let servers = (0..n)
            .map(|i| NatsServer {
                name: format!("n{}", i + 1),
                port: free_port(),
                cluster_port: free_port(),
                store: dir.path().join(format!("n{}", i + 1)),
                child: None,
            })
            .collect();
        let mut cluster = NatsCluster { servers, _dir: dir };
        for i in 0..n {
            cluster.spawn(i);
        }
        for i in 0..n {
            cluster.wait_ready(i);
        }
        cluster
    }

    fn spawn(&mut self, i: usize) {
        let routes: Vec<String> = self
            .servers
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, s)| format!("nats://127.0.0.1:{}", s.cluster_port))
            .collect();
        let s = &self.servers[i];
        let mut cmd = Command::new(program());
        cmd.args(["-a", "127.0.0.1", "-p", &s.port.to_string(), "-js", "-sd"])
            .arg(&s.store)
            .args(["--server_name", &s.name]);
        if self.servers.len() > 1 {
            cmd.args([
                "--cluster_name",
                "newsterm-test",
                "--cluster",
                &format!("nats://127.0.0.1:{}", s.cluster_port),
                "--routes",
                &routes.join(","),
            ]);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e} (install it: apt-get install nats-server)",
                    program()
                )
            });
        self.servers[i].child = Some(child);
    }

    fn wait_ready(&self, i: usize) {
        let addr: SocketAddr = format!("127.0.0.1:{}", self.servers[i].port)
            .parse()
            .expect("address");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nats-server {} never listened",
                self.servers[i].name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every server's client URL, comma-separated, as `--nats` takes them,
    /// with server `first` first.
    pub fn urls_from(&self, first: usize) -> String {
        let n = self.servers.len();
        (0..n)
            .map(|k| format!("nats://127.0.0.1:{}", self.servers[(first + k) % n].port))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn urls(&self) -> String {
        self.urls_from(0)
    }

    /// Kills server `i` with SIGKILL (its JetStream files stay).
    pub fn kill9(&mut self, i: usize) {
        if let Some(mut child) = self.servers[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts server `i` again on its ports and files.
    pub fn restart(&mut self, i: usize) {
        self.kill9(i);
        self.spawn(i);
        self.wait_ready(i);
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        for i in 0..self.servers.len() {
            self.kill9(i);
        }
    }
}
