//! The real `newsterm tui` in a real terminal (tmux): type a function,
//! press Enter, and read what a person would see.

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

/// Polls the pane until it shows `needle` (or gives up after 20 s).
fn wait_for_screen(session: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = tmux(&["capture-pane", "-p", "-t", session]);
        let screen = String::from_utf8_lossy(&out.stdout).into_owned();
        if screen.contains(needle) || Instant::now() > deadline {
            return screen;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.0]);
    }
}

#[tokio::test]
async fn nse_in_the_terminal_shows_the_matching_headline() {
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
    let screen = wait_for_screen(&name, "Harvest festival returns");
    assert!(
        screen.contains("Harvest festival returns"),
        "monitor:\n{screen}"
    );

    tmux(&["send-keys", "-t", &name, "NSE zeppelin", "Enter"]);
    let screen = wait_for_screen(&name, "Airship fleet grounded");
    assert!(
        screen.contains("Airship fleet grounded"),
        "search screen:\n{screen}"
    );
    assert!(
        !screen.contains("Harvest festival returns"),
        "search screen:\n{screen}"
    );

    // A story published now lands on the monitor without a keypress.
    tmux(&["send-keys", "-t", &name, "N", "Enter"]);
    publish(
        &url,
        "text/markdown",
        markdown_story("Breaking: comet sighted", "comet"),
    )
    .await;
    let screen = wait_for_screen(&name, "Breaking: comet sighted");
    assert!(
        screen.contains("Breaking: comet sighted"),
        "live monitor:\n{screen}"
    );
    drop(session);
}
