//! The web terminal in a real browser: Debian's chromium driven by
//! playwright-core (node) against the real `newsterm serve`, one browser
//! run for every check (web/browser-test.mjs). Needs node, `npm ci` in
//! web/ and chromium (`.ci/run` installs them). Screenshots go to
//! `$NEWSTERM_SCREENSHOTS` (default: target/web-screenshots).

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_newsterm");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_web_terminal_works_in_chromium() {
    let web = repo().join("web");
    assert!(
        web.join("node_modules/playwright-core").is_dir(),
        "web/node_modules is missing: run `npm ci` in web/ (.ci/run does)"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        PathBuf::from(&chromium).exists(),
        "{chromium} is missing: apt-get install chromium (.ci/run does)"
    );
    let data = tempfile::tempdir().expect("temp dir");
    let shots = std::env::var("NEWSTERM_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("target/web-screenshots"));
    let out = Command::new("node")
        .arg(web.join("browser-test.mjs"))
        .env("NEWSTERM_BIN", BIN)
        .env("NEWSTERM_DATA", data.path())
        .env("NEWSTERM_SCREENSHOTS", &shots)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node must be installed for this test (.ci/run installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
