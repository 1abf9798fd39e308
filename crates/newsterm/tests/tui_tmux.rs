//! The real `newsterm tui` in a real terminal (tmux): type a function,
//! press Enter, and read what a person would see. One session covers the
//! whole walk, so tmux and the TUI start once.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{BIN, Server, markdown_story, publish, wait_indexed};

fn tmux(args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed for this test (apt-get install tmux; .ci/run does)")
}

fn screen(session: &str) -> String {
    let out = tmux(&["capture-pane", "-p", "-t", session]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Polls the pane until `ready` holds for what it shows, and returns that
/// screen; fails with the last screen after 20 s.
fn wait_for_screen(session: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let shown = screen(session);
        if ready(&shown) {
            return shown;
        }
        assert!(Instant::now() < deadline, "never showed {what}:\n{shown}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The first line of the screen: the function on show and the
/// connection state.
fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.0]);
    }
}

#[tokio::test]
async fn the_terminal_searches_and_shows_stories_published_while_it_watches() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    publish(
        &url,
        "text/markdown",
        markdown_story("Airship fleet grounded", "zeppelin"),
    )
    .await;
    let last = publish(
        &url,
        "text/markdown",
        markdown_story("Harvest festival returns", "pumpkin"),
    )
    .await;
    wait_indexed(&url, last.seq).await;

    let name = format!("newsterm-test-{}", std::process::id());
    let session = Session(name.clone());
    let cmd = format!("{BIN} tui --server {url}");
    let out = tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "100",
        "-y",
        "30",
        &cmd,
    ]);
    assert!(
        out.status.success(),
        "tmux: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The live monitor opens with the latest headlines.
    wait_for_screen(&name, "the monitor", |s| {
        s.contains("Harvest festival returns") && s.contains("Airship fleet grounded")
    });

    // NSE shows only what matches: wait for the search screen itself, not
    // for a headline the monitor already showed.
    tmux(&["send-keys", "-t", &name, "NSE zeppelin", "Enter"]);
    let shown = wait_for_screen(&name, "the NSE results", |s| {
        header(s).contains("NSE zeppelin") && s.contains("Airship fleet grounded")
    });
    assert!(
        !shown.contains("Harvest festival returns"),
        "search screen:\n{shown}"
    );

    // Back on the monitor, once it is up and its stream is live, a story
    // published now must appear with no key pressed: only the live stream
    // can bring it (the monitor's fetch happened before it existed).
    tmux(&["send-keys", "-t", &name, "N", "Enter"]);
    wait_for_screen(&name, "the live monitor", |s| {
        let top = header(s);
        !top.contains("NSE")
            && top.contains("● live")
            && s.contains("Harvest festival returns")
            && s.contains("Airship fleet grounded")
    });
    publish(
        &url,
        "text/markdown",
        markdown_story("Breaking: comet sighted", "comet"),
    )
    .await;
    wait_for_screen(&name, "the story published after the screen was up", |s| {
        s.contains("Breaking: comet sighted")
    });
    drop(session);
}
