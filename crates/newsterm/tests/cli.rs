//! The command line as a user runs it: publish, import, search, show,
//! watch and reindex against a real server, and clear errors on bad input.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{BIN, Server, health, newsterm, wait_indexed};

fn text(out: &Output) -> (String, String) {
    let (_, stdout, stderr) = common::outcome(out);
    (stdout, stderr)
}

#[tokio::test]
async fn publish_import_search_show_and_watch() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.as_str();

    // Watch from the start, in the background.
    let mut watch = Command::new(BIN)
        .args(["watch", "--server", url, "--since", "0", "glacier"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let md = dir.path().join("glacier.md");
    std::fs::write(
        &md,
        "---\nheadline: Glacier retreat speeds up in the Alps\nsource: Alpine Desk\npriority: urgent\n---\n• Ice loss doubled in a decade\n\nScientists measured the glacier every summer.\n",
    )
    .unwrap();
    let out = newsterm(&["publish", "--server", url, md.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let id = stdout
        .split_whitespace()
        .nth(1)
        .expect("id in output")
        .to_string();
    assert!(stdout.contains("seq 1"), "{stdout}");

    // A JSON-lines file with one bad line among good ones.
    let jsonl = dir.path().join("bulk.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            "{\"title\": \"Harbour reopens after storm\", \"published\": \"2024-02-01\", \"body\": \"Ships returned.\"}\n",
            "{\"title\": \"Broken line\", \"published\": \n",
            "\n",
            "{\"title\": \"Glacier museum opens\", \"published\": \"2024-02-03\", \"body\": \"Visitors came.\"}\n",
            "{\"body\": \"no headline here\"}\n",
        ),
    )
    .unwrap();
    let out = newsterm(&[
        "import",
        "--server",
        url,
        "--batch",
        "2",
        jsonl.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("imported 2 stories"), "{stdout}");
    assert!(stdout.contains("2 lines rejected"), "{stdout}");
    assert!(
        stderr.contains("bulk.jsonl:2:"),
        "bad line 2 not named: {stderr}"
    );
    assert!(
        stderr.contains("bulk.jsonl:5:") && stderr.contains("headline"),
        "{stderr}"
    );

    let h = health(url).await;
    assert_eq!(h.stories, 3);
    wait_indexed(url, h.last_seq).await;

    let out = newsterm(&["search", "--server", url, "glacier"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(stdout.starts_with("2 stories match"), "{stdout}");
    assert!(stdout.contains("Glacier retreat speeds up in the Alps"));
    assert!(stdout.contains("Glacier museum opens"));

    let out = newsterm(&["show", "--server", url, &id]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(
        stdout.contains("• Ice loss doubled in a decade"),
        "{stdout}"
    );
    assert!(stdout.contains("revision 1 of 1"), "{stdout}");
    let out = newsterm(&["show", "--server", url, "--format", "markdown", &id]);
    assert!(text(&out).0.starts_with("---\n"));

    // watch printed both glacier stories (and not the harbour one).
    let mut printed = String::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut stdout = watch.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(&mut stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while printed.lines().count() < 2 && std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            printed.push_str(&line);
            printed.push('\n');
        }
    }
    let _ = watch.kill();
    let _ = watch.wait();
    assert!(
        printed.contains("URGENT") && printed.contains("Glacier retreat"),
        "{printed}"
    );
    assert!(printed.contains("Glacier museum opens"), "{printed}");
    assert!(!printed.contains("Harbour"), "{printed}");
}

#[tokio::test]
async fn cli_errors_name_the_problem_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.as_str();

    let bad = dir.path().join("bad.md");
    std::fs::write(&bad, "---\nsource: Nobody\n---\n\nNo headline.\n").unwrap();
    let out = newsterm(&["publish", "--server", url, bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("headline"), "{}", text(&out).1);

    let out = newsterm(&["publish", "--server", url, "/nonexistent/story.md"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("cannot read /nonexistent/story.md"));

    let out = newsterm(&["search", "--server", url, "(unbalanced"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("position"), "{}", text(&out).1);

    let out = newsterm(&["search", "--server", "http://127.0.0.1:9", "anything"]);
    assert!(!out.status.success());
    let err = text(&out).1;
    assert!(err.contains("cannot reach"), "{err}");
    assert_eq!(
        err.matches("127.0.0.1:9").count(),
        1,
        "the address once: {err}"
    );
}

#[tokio::test]
async fn reindex_rebuilds_the_index_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data);
    let url = server.url.clone();
    let md = dir.path().join("s.md");
    std::fs::write(
        &md,
        "---\nheadline: Lighthouse keeper retires\n---\n\nAfter forty years.\n",
    )
    .unwrap();
    assert!(
        newsterm(&["publish", "--server", &url, md.to_str().unwrap()])
            .status
            .success()
    );
    let status = server.terminate();
    assert!(status.success(), "graceful shutdown failed: {status:?}");

    // Throw the index away; reindex brings it back from the store.
    std::fs::remove_dir_all(data.join("index")).unwrap();
    let out = newsterm(&["reindex", "--data", data.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("reindexed 1 story"), "{stdout}");

    let server = Server::start(&data);
    let out = newsterm(&["search", "--server", &server.url, "lighthouse"]);
    assert!(
        text(&out).0.starts_with("1 story matches"),
        "{}",
        text(&out).0
    );
}

/// A server whose log goes to a file writes plain text, not terminal
/// colour codes.
#[test]
fn serve_logs_to_a_file_without_colour_codes() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("data"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("spawn newsterm serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("listening line");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait().expect("server exits");
    let written = std::fs::read_to_string(&log_path).unwrap();
    assert!(written.contains("listening"), "no log written: {written:?}");
    assert!(
        !written.contains('\u{1b}'),
        "escape codes in a log file: {written:?}"
    );
}
