//! `newsterm demo` as a user runs it: with `--no-tui` the replayed wire
//! keeps going after the bundled stories are used up (each comes again as
//! a fresh revision), and a replay cut short with `--stories N` says that
//! it ended while the server keeps serving; with the terminal UI (in
//! tmux) the status bar and the help screen say where the web terminal is.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::tmux::{Session, header, tmux, wait_for_screen, wait_for_screen_within};
use common::{BIN, get_text, health};

/// Longest a demo is waited for before the test gives up (a hang, not a
/// speed check: on an idle machine it takes seconds).
const PATIENCE: Duration = Duration::from_secs(240);

/// A `newsterm demo --no-tui` child, killed when dropped.
struct Demo {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    _data: tempfile::TempDir,
}

impl Demo {
    fn start(extra: &[&str]) -> Demo {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args(["demo", "--no-tui", "--interval", "0.05", "--data"])
            .arg(data.path().join("data"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines_of(child.stdout.take().unwrap());
        let stderr = lines_of(child.stderr.take().unwrap());
        Demo {
            child,
            stdout,
            stderr,
            _data: data,
        }
    }

    fn next_line(from: &Receiver<String>, started: Instant) -> String {
        let left = PATIENCE.saturating_sub(started.elapsed());
        from.recv_timeout(left)
            .expect("the demo printed nothing more within the test's patience")
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lines of a child's output, read on a thread of their own.
fn lines_of<R: Read + Send + 'static>(out: R) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// A printed wire line's headline and revision:
/// `  seq  HH:MM  PRI     SOURCE            Headline  (r2)`.
fn headline_and_revision(line: &str) -> Option<(String, u32)> {
    let rest = line.get(41..)?;
    match rest.rsplit_once("  (r") {
        Some((headline, rev)) => {
            let digits: String = rev.chars().take_while(char::is_ascii_digit).collect();
            Some((headline.to_string(), digits.parse().ok()?))
        }
        None => Some((rest.to_string(), 1)),
    }
}

#[test]
fn the_wire_keeps_going_with_fresh_revisions_after_the_bundled_stories() {
    let demo = Demo::start(&[]);
    let started = Instant::now();
    // Headline → revisions printed. The first pass prints each replayed
    // story once, or twice if the demo filled in a flash or added
    // highlights; only the loop prints the others a second time.
    let mut seen: HashMap<String, Vec<u32>> = HashMap::new();
    loop {
        let line = Demo::next_line(&demo.stdout, started);
        let Some((headline, revision)) = headline_and_revision(&line) else {
            continue;
        };
        seen.entry(headline).or_default().push(revision);
        if seen.len() >= 60 && seen.values().all(|revs| revs.len() >= 2) {
            break;
        }
    }
    for (headline, revisions) in &seen {
        assert!(
            revisions.windows(2).all(|w| w[0] < w[1]),
            "{headline}: each time it comes back it is a newer revision: {revisions:?}"
        );
    }
}

#[tokio::test]
async fn a_replay_cut_short_says_it_ended_and_keeps_serving() {
    let demo = Demo::start(&["--stories", "2"]);
    let started = Instant::now();
    let mut url = None;
    loop {
        let line = Demo::next_line(&demo.stderr, started);
        if let Some(rest) = line.strip_prefix("newsterm demo: server on ") {
            url = rest.split_whitespace().next().map(str::to_string);
        }
        if line.contains("the replayed wire has ended") {
            break;
        }
    }
    // Both stories were printed as they landed (the last one perhaps
    // just after the message), and nothing else was replayed.
    let mut headlines = HashSet::new();
    while headlines.len() < 2 {
        let line = Demo::next_line(&demo.stdout, started);
        headlines.extend(headline_and_revision(&line).map(|(h, _)| h));
    }
    let more: Vec<String> = demo.stdout.try_iter().collect();
    assert!(
        more.iter()
            .filter_map(|l| headline_and_revision(l))
            .all(|(h, _)| headlines.contains(&h)),
        "only the two stories asked for: {more:?}"
    );
    let url = url.expect("the demo names its server");
    assert_eq!(health(&url).await.status, "ok", "the server keeps serving");
}

#[tokio::test]
async fn the_terminal_ui_of_the_demo_says_where_the_web_terminal_is() {
    let data = tempfile::tempdir().unwrap();
    let name = format!("newsterm-demo-test-{}", std::process::id());
    let cmd = format!(
        "{BIN} demo --stories 2 --interval 0.2 --data {}",
        data.path().join("data").display()
    );
    let _session = Session::start(&name, 100, 30, &cmd);
    // The TUI opens once the archive is in; its status bar names the
    // address of the web terminal the demo serves beside it.
    let shown = wait_for_screen_within(&name, "the demo's terminal UI", PATIENCE, |s| {
        header(s).contains(" web http://127.0.0.1:") && header(s).contains("● live")
    });
    let url = header(&shown)
        .split(" web ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("an address after 'web'")
        .to_string();
    assert!(url.ends_with('/'), "{url}");
    let page = get_text(&url).await;
    assert!(page.contains("<title>newsterm</title>"), "{page}");
    assert_eq!(
        health(url.trim_end_matches('/')).await.status,
        "ok",
        "the web terminal's server is the demo's"
    );
    // The help screen says it too, whatever the width.
    tmux(&["send-keys", "-t", &name, "?"]);
    wait_for_screen(&name, "the help screen", |s| {
        s.contains(&format!(
            " Web terminal {url}  the same functions in a browser"
        ))
    });
}
