//! A full disk and a read-only data directory, met by the real server.
//!
//! The disk runs out without root or a spare filesystem: the server runs
//! with SIGXFSZ ignored, and once it holds a few stories its file-size
//! limit (RLIMIT_FSIZE) is lowered to just above its largest file, so
//! the store's next growth fails as on a full disk. Raising the limit
//! again is the space coming back.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Server, http, markdown_story, publish, wait_indexed};
use newsterm_api::PublishAck;

/// Lowers (or raises) the soft file-size limit of the running server;
/// the hard limit stays unlimited, so no privilege is needed either way.
fn set_file_size_limit(server: &Server, soft: libc::rlim_t) {
    let limit = libc::rlimit {
        rlim_cur: soft,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: prlimit reads `limit` and writes nothing (old is null).
    let rc = unsafe {
        libc::prlimit(
            server.child.id() as libc::pid_t,
            libc::RLIMIT_FSIZE,
            &limit,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, 0, "prlimit: {}", std::io::Error::last_os_error());
}

/// The size of the largest file below `dir`.
fn largest_file(dir: &Path) -> u64 {
    let mut largest = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        largest = largest.max(if meta.is_dir() {
            largest_file(&entry.path())
        } else {
            meta.len()
        });
    }
    largest
}

/// A story whose body is `kib` KiB of distinct words, so that neither
/// SQLite nor the index can store it in less.
fn big_story(headline: &str, word: &str, kib: usize) -> String {
    let mut body = String::new();
    let mut n = 0u64;
    while body.len() < kib * 1024 {
        body.push_str(&format!("{word}x{n:x} "));
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1;
    }
    format!(
        "---\nheadline: \"{headline}\"\nsource: Test Wire\npublished: 2024-05-01T12:00:00Z\n---\n\n{word} {body}\n"
    )
}

async fn search_ids(url: &str, q: &str) -> Vec<newsterm_story::StoryId> {
    common::search(url, q)
        .await
        .hits
        .iter()
        .map(|h| h.id)
        .collect()
}

async fn headline_of(url: &str, ack: &PublishAck) -> String {
    let resp = http()
        .get(format!("{url}/api/stories/{}", ack.id))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "story {} not readable", ack.id);
    let story: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(story["seq"], ack.seq, "{story}");
    story["headline"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_507_stores_nothing_keeps_serving_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Ignored in the parent, SIGXFSZ stays ignored in the server it
    // execs: a write past the limit then fails with EFBIG instead of
    // killing the process.
    let server = Server::start_configured(&data, &[], |cmd| {
        // SAFETY: only async-signal-safe signal(2) between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                Ok(())
            });
        }
    });
    let url = server.url.clone();

    let mut kept = Vec::new();
    for i in 0..3 {
        let headline = format!("Before the disk filled {i}");
        let ack = publish(
            &url,
            "text/markdown",
            markdown_story(&headline, &format!("roomy{i}")),
        )
        .await;
        kept.push((headline, ack));
    }
    wait_indexed(&url, kept[2].1.seq).await;

    set_file_size_limit(&server, largest_file(&data) + 256 * 1024);

    let mut refused = None;
    for i in 0..200 {
        let word = format!("overflow{i}");
        let resp = http()
            .post(format!("{url}/api/stories"))
            .header("content-type", "text/markdown")
            .body(big_story(&format!("Filling the disk {i}"), &word, 48))
            .send()
            .await
            .unwrap();
        match resp.status().as_u16() {
            201 => {
                let ack: PublishAck = resp.json().await.unwrap();
                kept.push((format!("Filling the disk {i}"), ack));
            }
            507 => {
                let body: serde_json::Value = resp.json().await.expect("a JSON error body");
                assert_eq!(body["error"]["code"], "disk_full", "{body}");
                let message = body["error"]["message"].as_str().unwrap();
                assert!(message.contains("full"), "{message}");
                refused = Some(word);
                break;
            }
            other => panic!(
                "publish {i} answered {other}: {}",
                resp.text().await.unwrap()
            ),
        }
    }
    let refused = refused.expect("200 stories of 48 KiB never met the full disk");
    let mut last = kept.last().unwrap().1.seq;

    // A tagged import meeting the full disk (tagged and stored a part at
    // a time) keeps the lines before the failure and refuses every line
    // after it, saying why: no hole where a later part found room again.
    const LINES: u64 = 100;
    let lines: String = (0..LINES)
        .map(|i| {
            let headline = format!("Imported onto a full disk {i}");
            let body = big_story(&headline, "importfull", 24);
            serde_json::json!({ "title": headline, "body": body }).to_string() + "\n"
        })
        .collect();
    let resp = http()
        .post(format!("{url}/api/import"))
        .header("content-type", "application/x-ndjson")
        .body(lines)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body: serde_json::Value = resp.json().await.expect("a JSON answer");
    if status == 507 {
        assert_eq!(body["error"]["code"], "disk_full", "{body}");
    } else {
        assert_eq!(status, 200, "{body}");
        let report: newsterm_api::ImportReport =
            serde_json::from_value(body.clone()).expect("an import report");
        assert_eq!(report.imported + report.rejected_total, LINES, "{body}");
        let refused_lines: Vec<u64> = report.rejected.iter().map(|e| e.line).collect();
        let after_the_stored: Vec<u64> = (report.imported + 1..=LINES).collect();
        assert_eq!(refused_lines, after_the_stored, "{body}");
        assert!(
            report.rejected.iter().all(|e| e.error.contains("full")),
            "{body}"
        );
        if let Some(seq) = report.last_seq {
            assert_eq!(seq, last + report.imported, "{body}");
            last = seq;
        }
    }

    // Nothing half-written: the refused story took no sequence number and
    // is nowhere to be found; reads and search go on as before.
    let h = common::health(&url).await;
    assert_eq!(h.last_seq, last, "{h:?}");
    for (headline, ack) in &kept {
        assert_eq!(&headline_of(&url, ack).await, headline);
    }
    assert_eq!(search_ids(&url, "roomy1").await, [kept[1].1.id]);
    assert!(search_ids(&url, &refused).await.is_empty());

    // Space comes back: the same story is taken, right after the last
    // one, and found.
    set_file_size_limit(&server, libc::RLIM_INFINITY);
    let retry = publish(
        &url,
        "text/markdown",
        big_story("Space came back", &refused, 48),
    )
    .await;
    assert_eq!(retry.seq, last + 1);
    wait_indexed(&url, retry.seq).await;
    assert_eq!(search_ids(&url, &refused).await, [retry.id]);

    // And a restart finds exactly what was acknowledged.
    let mut server = server;
    assert!(server.terminate().success());
    let server = Server::start(&data);
    let h = common::health(&server.url).await;
    assert_eq!(h.last_seq, retry.seq, "{h:?}");
    assert_eq!(h.indexed_seq, retry.seq, "{h:?}");
    for (headline, ack) in &kept {
        assert_eq!(&headline_of(&server.url, ack).await, headline);
    }
    assert_eq!(search_ids(&server.url, &refused).await, [retry.id]);
}

#[test]
fn a_read_only_data_directory_is_refused_at_start_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    // Created by a first run, then taken out of the server's hands.
    let data = dir.path().join("data");
    drop(Server::start(&data));
    let fresh = dir.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();

    // Root writes anywhere whatever the mode says: as root, run the
    // server as nobody, for whom the same modes hold. Its owner could
    // chmod it back, but the server only ever narrows a mode (0500).
    let root = std::fs::metadata(dir.path()).unwrap().uid() == 0;
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(dir.path(), 0o755);
    for path in [&data, &fresh] {
        for entry in std::fs::read_dir(path).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                mode(&p, 0o444);
            }
        }
        mode(path, 0o555);
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_LOG", "warn");
        if root {
            // `nobody` owns neither directory, so it cannot chmod them.
            cmd.uid(65534).gid(65534);
        }
        let mut child = cmd.spawn().expect("run newsterm serve");
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the server kept running on read-only {}", path.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{} started: {stderr}",
            path.display()
        );
        assert!(
            stderr.contains(&path.display().to_string()) && stderr.contains("not writable"),
            "the error names the directory and says why: {stderr}"
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("listening"),
            "it must not listen on a store it cannot write"
        );
        mode(path, 0o700);
    }
}
