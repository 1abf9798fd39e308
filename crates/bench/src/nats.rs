//! Real `nats-server` processes with JetStream on loopback ports: one
//! server, or a cluster of several with routes between them, each storing
//! JetStream in its own directory. The cluster benchmark starts one this
//! way, and so do the cluster tests.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why a NATS cluster could not be started.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    /// No loopback port could be had.
    #[error("no free loopback port: {0}")]
    Port(std::io::Error),
    /// The program is missing.
    #[error("cannot start {program}: {source} (install it: apt-get install nats-server)")]
    NotInstalled {
        /// The program tried.
        program: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A server was started and never took connections.
    #[error("nats-server {0} never listened")]
    NotListening(String),
    /// Its JetStream directory could not be made.
    #[error("JetStream directory: {0}")]
    Dir(std::io::Error),
}

/// The nats-server program: `$NATS_SERVER`, or `nats-server` on the PATH
/// (Debian's package puts it in /usr/sbin).
pub fn program() -> String {
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

/// What `nats-server --version` prints, or an empty string.
pub fn version() -> String {
    Command::new(program())
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn free_port() -> Result<u16, NatsError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(NatsError::Port)
}

/// One nats-server of a [`NatsCluster`].
struct NatsServer {
    name: String,
    port: u16,
    cluster_port: u16,
    store: PathBuf,
    child: Option<Child>,
}

/// Several nats-servers routed into one JetStream cluster, each with its
/// JetStream files in a directory of its own under the cluster's; killed
/// when dropped (the directory is the caller's to remove).
pub struct NatsCluster {
    servers: Vec<NatsServer>,
}

impl NatsCluster {
    /// Starts `n` servers (1 to 3) with their JetStream files under `dir`
    /// and waits until each takes clients.
    pub fn start(dir: &Path, n: usize) -> Result<NatsCluster, NatsError> {
        std::fs::create_dir_all(dir).map_err(NatsError::Dir)?;
        let mut servers = Vec::with_capacity(n);
        for i in 0..n {
            servers.push(NatsServer {
                name: format!("n{}", i + 1),
                port: free_port()?,
                cluster_port: free_port()?,
                store: dir.join(format!("n{}", i + 1)),
                child: None,
            });
        }
        let mut cluster = NatsCluster { servers };
        for i in 0..n {
            cluster.spawn(i)?;
        }
        for i in 0..n {
            cluster.wait_ready(i)?;
        }
        Ok(cluster)
    }

    /// How many servers the cluster has.
    pub fn len(&self) -> usize {
        self.servers.len()
    }

    /// Whether the cluster has no server.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    fn spawn(&mut self, i: usize) -> Result<(), NatsError> {
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
        // For debugging a cluster test: each server's debug log in this
        // directory.
        if let Ok(dir) = std::env::var("NEWSTERM_TEST_NATS_LOG") {
            cmd.args(["-D", "-l", &format!("{dir}/{}.log", s.name)]);
        }
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
            .map_err(|source| NatsError::NotInstalled {
                program: program(),
                source,
            })?;
        self.servers[i].child = Some(child);
        Ok(())
    }

    fn wait_ready(&self, i: usize) -> Result<(), NatsError> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.servers[i].port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return Err(NatsError::NotListening(self.servers[i].name.clone()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// The client URL of server `i`.
    pub fn url(&self, i: usize) -> String {
        format!("nats://127.0.0.1:{}", self.servers[i].port)
    }

    /// Every server's client URL, comma-separated, as `--nats` takes them,
    /// with server `first` first.
    pub fn urls_from(&self, first: usize) -> String {
        let n = self.servers.len();
        (0..n)
            .map(|k| self.url((first + k) % n))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Kills server `i` with SIGKILL (its JetStream files stay).
    pub fn kill9(&mut self, i: usize) {
        if let Some(mut child) = self.servers[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts server `i` again on its ports and files.
    pub fn restart(&mut self, i: usize) -> Result<(), NatsError> {
        self.kill9(i);
        self.spawn(i)?;
        self.wait_ready(i)
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        for i in 0..self.servers.len() {
            self.kill9(i);
        }
    }
}
