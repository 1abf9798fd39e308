//! Shared by the end-to-end tests: a real `newsterm serve` on a loopback
//! port over a temporary data directory, and small HTTP helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use newsterm_api::{Health, ImportReport, PublishAck};

pub mod nats;
pub mod tmux;

pub const BIN: &str = env!("CARGO_BIN_EXE_newsterm");

/// How long a server may take to start listening (it catches up its
/// index and restages stories first) before a test fails.
pub const START_DEADLINE: Duration = Duration::from_secs(120);

/// Awaits `future`, failing the test with `what` named when it has not
/// finished within `secs` seconds, so a server that stops answering turns
/// a test red instead of hanging it.
pub async fn within<T>(
    secs: u64,
    what: impl std::fmt::Display,
    future: impl std::future::Future<Output = T>,
) -> T {
    match tokio::time::timeout(Duration::from_secs(secs), future).await {
        Ok(out) => out,
        Err(_) => panic!("{what}: not done within {secs} s"),
    }
}

/// A `newsterm serve` child process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl Server {
    pub fn start(data: &Path) -> Server {
        Server::start_with(data, &[])
    }

    /// A server allowed to fetch from loopback, as the feed and webhook
    /// test servers on this machine need (`--allow-private-fetch`).
    pub fn start_allowing_private_fetch(data: &Path) -> Server {
        Server::start_with(data, &["--allow-private-fetch"])
    }

    /// A server started with `extra` arguments after the usual ones.
    pub fn start_with(data: &Path, extra: &[&str]) -> Server {
        Server::spawn(data, "127.0.0.1:0", extra)
    }

    /// A server on a given address, e.g. the one a stopped server had.
    pub fn start_at(data: &Path, listen: &str) -> Server {
        Server::spawn(data, listen, &[])
    }

    /// A server started with `extra` arguments, its command first passed
    /// to `configure` (limits, signal dispositions).
    pub fn start_configured(
        data: &Path,
        extra: &[&str],
        configure: impl FnOnce(&mut Command),
    ) -> Server {
        Server::spawn_configured(data, "127.0.0.1:0", extra, configure)
    }

    fn spawn(data: &Path, listen: &str, extra: &[&str]) -> Server {
        Server::spawn_configured(data, listen, extra, |_| {})
    }

    fn spawn_configured(
        data: &Path,
        listen: &str,
        extra: &[&str],
        configure: impl FnOnce(&mut Command),
    ) -> Server {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--listen", listen, "--data"])
            .arg(data)
            .args(extra)
            .env(
                "RUST_LOG",
                std::env::var("NEWSTERM_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        configure(&mut command);
        let mut child = command.spawn().expect("spawn newsterm serve");
        let stdout = child.stdout.take().expect("stdout");
        // Read on a thread of its own so that a server that hangs before
        // listening fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
        });
        let line = match rx.recv_timeout(START_DEADLINE) {
            Ok(read) => read.expect("read listening line"),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "newsterm serve on {} did not say it was listening within {} s",
                    data.display(),
                    START_DEADLINE.as_secs()
                );
            }
        };
        let url = line
            .trim()
            .strip_prefix("newsterm listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from serve: {line:?}"))
            .to_string();
        Server {
            child,
            url,
            data: data.to_path_buf(),
        }
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait (bounded) for the server to exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for server") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop within 60 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn http() -> reqwest::Client {
    newsterm_client::http()
}

/// Runs the `newsterm` binary with `args` and no input, to completion.
pub fn newsterm(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run newsterm")
}

/// GETs a URL and reads its answer as text, failing the test on any error.
pub async fn get_text(url: impl reqwest::IntoUrl) -> String {
    http()
        .get(url)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text answer")
}

/// GETs a URL and reads its JSON answer, failing the test on any error.
pub async fn get_json<T: serde::de::DeserializeOwned>(url: impl reqwest::IntoUrl) -> T {
    http()
        .get(url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON answer")
}

/// Searches the archive for `q`, failing the test on any error.
pub async fn search(url: &str, q: &str) -> newsterm_api::SearchResponse {
    let url = reqwest::Url::parse_with_params(&format!("{url}/api/search"), [("q", q)])
        .expect("search URL");
    get_json(url).await
}

pub async fn publish(url: &str, content_type: &str, body: impl Into<reqwest::Body>) -> PublishAck {
    let request = http()
        .post(format!("{url}/api/stories"))
        .header("content-type", content_type)
        .body(body);
    ack_of(request, 201, "publish").await
}

/// Revises the story `ack` names to the Markdown `md`, failing the test
/// unless the server takes it.
pub async fn revise(url: &str, ack: &PublishAck, md: String) -> PublishAck {
    let request = http()
        .put(format!("{url}/api/stories/{}", ack.id))
        .header("content-type", "text/markdown")
        .body(md);
    ack_of(request, 200, "revise").await
}

/// Sends a write and reads the ack it answers with, failing the test
/// (with the server's answer) unless it comes with status `want`.
pub async fn ack_of(request: reqwest::RequestBuilder, want: u16, what: &str) -> PublishAck {
    let resp = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{what} request: {e}"));
    let status = resp.status();
    let text = resp
        .text()
        .await
        .unwrap_or_else(|e| panic!("{what} body: {e}"));
    assert_eq!(status, want, "{what} failed: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what} ack: {e}: {text}"))
}

pub async fn health(url: &str) -> Health {
    get_json(format!("{url}/healthz")).await
}

/// Waits (bounded) until the search index has committed `seq`.
pub async fn wait_indexed(url: &str, seq: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let h = health(url).await;
        if h.indexed_seq >= seq {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "index stuck at seq {} (want {seq})",
            h.indexed_seq
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A minimal Markdown story with a unique word in its body.
pub fn markdown_story(headline: &str, word: &str) -> String {
    format!(
        "---\nheadline: \"{headline}\"\nsource: Test Wire\npublished: 2024-05-01T12:00:00Z\n---\n\nThe body mentions {word} once.\n"
    )
}

/// Imports JSON lines in one request (`tag=false` skips tagging, the
/// quick way to put many stories on the wire), failing the test unless
/// every line was taken.
pub async fn import_lines(url: &str, lines: &str, tag: bool) -> ImportReport {
    let resp = http()
        .post(format!("{url}/api/import"))
        .query(&[("tag", tag)])
        .header("content-type", "application/x-ndjson")
        .body(lines.to_string())
        .send()
        .await
        .expect("import request");
    let status = resp.status();
    let text = resp.text().await.expect("import body");
    assert_eq!(status, 200, "import failed: {text}");
    let report: ImportReport = serde_json::from_str(&text).expect("import report");
    assert!(report.rejected.is_empty(), "lines rejected: {text}");
    report
}

/// Runs the `newsterm` binary with `args`, writing `input` to its stdin.
pub fn with_stdin(args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run newsterm");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for newsterm")
}

/// Whether a finished command succeeded, with its standard output and
/// standard error as text.
pub fn outcome(out: &std::process::Output) -> (bool, String, String) {
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the `newsterm` binary with `args` and no input: whether it
/// succeeded, and what it wrote to standard output and error.
pub fn run(args: &[&str]) -> (bool, String, String) {
    outcome(&newsterm(args))
}

/// The standard output of a command that must have succeeded.
pub fn stdout_of(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Adds a user to the data directory `data` (`newsterm user add`), with a
/// password when one is given.
pub fn add_user(data: &Path, name: &str, role: &str, password: Option<&str>) {
    let d = data.to_str().expect("utf-8 path");
    let out = match password {
        Some(p) => with_stdin(
            &[
                "user",
                "add",
                name,
                "--role",
                role,
                "--password-stdin",
                "--data",
                d,
            ],
            &format!("{p}\n"),
        ),
        None => newsterm(&["user", "add", name, "--role", role, "--data", d]),
    };
    stdout_of(&out);
}

/// A new token for `user` (`newsterm token create`), with `scope` or all
/// the role allows.
pub fn token_for(data: &Path, user: &str, scope: Option<&str>) -> String {
    let d = data.to_str().expect("utf-8 path");
    let mut args = vec!["token", "create", "--user", user, "--data", d];
    if let Some(s) = scope {
        args.extend(["--scope", s]);
    }
    stdout_of(&newsterm(&args)).trim().to_string()
}

/// Sends `request` as written (for requests a well-behaved client would
/// not make: other Hosts, cross-site Origins) and reads the answer to
/// the end; the request should say `Connection: close`.
pub fn raw_http(addr: &str, request: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut conn = std::net::TcpStream::connect(addr).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    conn.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}
