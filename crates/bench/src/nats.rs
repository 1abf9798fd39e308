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
    /// The servers never formed a JetStream cluster that could place a
    /// stream on all of them.
    #[error("the {servers} nats-servers formed no JetStream cluster in {tries} tries: {last}")]
    NotFormed {
        /// How many servers.
        servers: usize,
        /// How many times a fresh cluster was started.
        tries: usize,
        /// What JetStream last answered, or which server never listened.
        last: String,
    },
}

/// How many times a cluster that forms no JetStream cluster is started
/// afresh.
const FORM_TRIES: usize = 3;
/// How long a started cluster may take to place a stream on every server.
const FORM_PATIENCE: Duration = Duration::from_secs(45);

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
        let mut last = String::new();
        for _ in 0..FORM_TRIES {
            for i in 0..n {
                cluster.spawn(i)?;
            }
            match (0..n).try_for_each(|i| cluster.wait_ready(i)) {
                Ok(()) => match cluster.placeable() {
                    Ok(()) => return Ok(cluster),
                    // Formed wrong (nats-server 2.9 can leave a server out
                    // of the JetStream group it elects on a loaded
                    // machine).
                    Err(e) => last = e,
                },
                // A port picked free was taken before the server bound it
                // (tests start clusters side by side): pick others.
                Err(e) => {
                    last = e.to_string();
                    for server in &mut cluster.servers {
                        server.port = free_port()?;
                        server.cluster_port = free_port()?;
                    }
                }
            }
            // Start afresh on empty directories.
            for i in 0..n {
                cluster.kill9(i);
                let _ = std::fs::remove_dir_all(&cluster.servers[i].store);
            }
        }
        Err(NatsError::NotFormed {
            servers: n,
            tries: FORM_TRIES,
            last,
        })
    }

    /// Waits until JetStream places a stream on every server (made and
    /// deleted again), as the first newsterm node's wire stream will be;
    /// what JetStream last answered when it never does.
    fn placeable(&self) -> Result<(), String> {
        let urls: Vec<String> = (0..self.len()).map(|i| self.url(i)).collect();
        let replicas = self.len();
        let probe = async move {
            let addrs = urls
                .iter()
                .map(|u| u.parse::<async_nats::ServerAddr>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            let client = async_nats::ConnectOptions::new()
                .connect(addrs)
                .await
                .map_err(|e| e.to_string())?;
            let js = async_nats::jetstream::ContextBuilder::new()
                .timeout(Duration::from_secs(5))
                .build(client);
            let config = async_nats::jetstream::stream::Config {
                name: "PLACEMENT_PROBE".into(),
                subjects: vec!["placement.probe".into()],
                num_replicas: replicas,
                storage: async_nats::jetstream::stream::StorageType::File,
                ..Default::default()
            };
            let deadline = Instant::now() + FORM_PATIENCE;
            loop {
                let error = match js.create_stream(config.clone()).await {
                    Ok(_) => match js.delete_stream("PLACEMENT_PROBE").await {
                        Ok(_) => return Ok(()),
                        Err(e) => e.to_string(),
                    },
                    Err(e) => e.to_string(),
                };
                if Instant::now() > deadline {
                    return Err(error);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        };
        // Callers may be inside a runtime already (the async tests).
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?
                .block_on(probe)
        })
        .join()
        .map_err(|_| "the placement probe panicked".to_string())?
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

    fn wait_ready(&mut self, i: usize) -> Result<(), NatsError> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.servers[i].port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            // A server that could not bind its ports exits at once.
            let exited = self.servers[i]
                .child
                .as_mut()
                .is_none_or(|c| !matches!(c.try_wait(), Ok(None)));
            if exited || Instant::now() > deadline {
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
