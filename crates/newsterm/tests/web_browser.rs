//! The web terminal in a real browser: Debian's chromium driven by
//! playwright-core (node) against the real `newsterm serve`, one browser
//! run for every check (web/browser-test.mjs). Needs node and chromium
//! (`.ci/run` installs both); the pinned node packages of web/ are
//! installed from its package-lock.json when missing. Screenshots go to
//! `$NEWSTERM_SCREENSHOTS` (default: target/web-screenshots).

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_newsterm");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The browser: `$CHROMIUM` when set (it must exist), else Debian's.
/// `None` only when no chromium is installed at all.
fn chromium() -> Option<String> {
    if let Ok(given) = std::env::var("CHROMIUM") {
        assert!(
            Path::new(&given).exists(),
            "CHROMIUM={given} does not exist"
        );
        return Some(given);
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .map(String::from)
}

/// A fresh checkout (every worktree, CI) has no web/node_modules: install
/// exactly what package-lock.json pins, from npm's cache when it has them.
fn node_packages(web: &Path) {
    if web
        .join("node_modules/playwright-core/package.json")
        .is_file()
        && web.join("node_modules/axe-core/axe.min.js").is_file()
    {
        return;
    }
    eprintln!(
        "web/node_modules is missing: running `npm ci` in {}",
        web.display()
    );
    let status = Command::new("npm")
        .args([
            "ci",
            "--prefer-offline",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(web)
        .status()
        .expect("npm must be installed for this test (.ci/run installs it)");
    assert!(status.success(), "npm ci in web/ failed");
}

#[test]
fn the_web_terminal_works_in_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "\n################################################################\n\
             SKIPPED the_web_terminal_works_in_chromium: no chromium installed\n\
             (apt-get install chromium; .ci/run does)\n\
             ################################################################\n"
        );
        return;
    };
    let web = repo().join("web");
    node_packages(&web);
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
