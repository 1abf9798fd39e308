//! A real terminal for the terminal UI's end-to-end tests: a detached
//! tmux session whose screen is read as a person would see it.

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `tmux` with `args`.
pub fn tmux(args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed for this test (apt-get install tmux; .ci/run does)")
}

/// What the session's pane shows now.
pub fn screen(session: &str) -> String {
    let out = tmux(&["capture-pane", "-p", "-t", session]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Polls the pane until `ready` holds for what it shows, and returns that
/// screen; fails with the last screen after 20 s.
pub fn wait_for_screen(session: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
    wait_for_screen_within(session, what, Duration::from_secs(20), ready)
}

/// [`wait_for_screen`] with a patience of its own (a bound on a hang, not
/// a speed check).
pub fn wait_for_screen_within(
    session: &str,
    what: &str,
    patience: Duration,
    ready: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + patience;
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
pub fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

/// A detached tmux session running one command, killed when dropped.
pub struct Session(pub String);

impl Session {
    /// Starts `cmd` in a new `cols`×`rows` session named `name`.
    pub fn start(name: &str, cols: u16, rows: u16, cmd: &str) -> Session {
        let (cols, rows) = (cols.to_string(), rows.to_string());
        let out = tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &cols,
            "-y",
            &rows,
            cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Session(name.to_string())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.0]);
    }
}
