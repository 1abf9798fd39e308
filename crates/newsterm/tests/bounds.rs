//! What one client can take from a server, against a real `newsterm
//! serve` on loopback: answers of bounded size, pages of bounded length,
//! connections that stall are cut, open streams and write and login rates
//! are capped with a `Retry-After`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Server, add_user, markdown_story, raw_http, token_for};
use serde_json::Value;

/// How long the issue allows a stalled client to hold a connection.
const CUT_WITHIN: Duration = Duration::from_secs(15);

#[tokio::test]
async fn an_import_of_bad_lines_gets_a_short_answer() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    // 2 MB of lines that are not stories, and 1,000 more after a good one.
    let mut body = "{\"no\": \"headline\", \"pad\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n"
        .repeat(2 * 1024 * 1024 / 72);
    let bad = body.lines().count() as u64;
    body.push_str("{\"title\":\"The one good line\",\"body\":\"Text.\"}\n");
    body.push_str(&"not json at all\n".repeat(1000));
    let resp = common::http()
        .post(format!("{}/api/import", server.url))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    assert!(text.len() < 64 * 1024, "answer of {} bytes", text.len());
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["imported"], 1);
    assert_eq!(report["rejected_total"], bad + 1000);
    let listed = report["rejected"].as_array().unwrap();
    assert_eq!(listed.len(), 100);
    assert_eq!(listed[0]["line"], 1);
    assert_eq!(listed[99]["line"], 100);
}

#[tokio::test]
async fn a_page_is_one_to_five_hundred_long() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    for path in [
        "/api/search?q=x&",
        "/api/headlines?",
        "/api/top?",
        "/api/entities?type=person&",
        "/api/alerts/hits?",
    ] {
        for bad in ["0", "501", "1000000"] {
            let r = common::http()
                .get(format!("{url}{path}limit={bad}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{path}limit={bad}");
            let v: Value = r.json().await.unwrap();
            assert!(
                v["error"]["message"].as_str().unwrap().contains("1 to 500"),
                "{v}"
            );
        }
        let r = common::http()
            .get(format!("{url}{path}limit=500"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}limit=500");
    }
}

/// Sends `head` and then nothing more; returns what the server answered
/// (empty when it just closed), failing if it kept the connection open
/// past [`CUT_WITHIN`].
fn stall_after(addr: &str, head: &str) -> String {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    conn.set_read_timeout(Some(CUT_WITHIN)).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match conn.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "connection still open after {:?} ({e}); it sent {:?}",
                started.elapsed(),
                String::from_utf8_lossy(&answer)
            ),
        }
        if started.elapsed() > CUT_WITHIN {
            panic!("connection held past {CUT_WITHIN:?}");
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn stalled_clients_are_cut_within_fifteen_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.url.trim_start_matches("http://").to_string();
    // Connects and says nothing.
    stall_after(&addr, "");
    // Half a request head (slowloris).
    stall_after(
        &addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Slow: "),
    );
    // A body far over any limit is refused before a byte of it is read.
    let answer = stall_after(
        &addr,
        &format!(
            "POST /api/stories HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/markdown\r\nContent-Length: 999999999999\r\n\r\n"
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // A body that stops half-way.
    let answer = stall_after(
        &addr,
        &format!(
            "POST /api/stories HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/markdown\r\nContent-Length: 1000\r\n\r\n---\nheadline: Stuck\n"
        ),
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
    // The server still serves everyone else.
    let ok = raw_http(
        &addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

/// Opens an SSE stream; the response is kept to hold it open.
async fn open_stream(url: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = common::http().get(format!("{url}/api/stream"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn open_streams_are_capped_in_all_and_per_token() {
    let dir = tempfile::tempdir().unwrap();
    // Local mode: the server-wide cap.
    let server = Server::start_with(&dir.path().join("local"), &["--max-streams", "3"]);
    let mut open = Vec::new();
    for _ in 0..3 {
        let r = open_stream(&server.url, None).await;
        assert_eq!(r.status(), 200);
        open.push(r);
    }
    let refused = open_stream(&server.url, None).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    // A closed stream frees its place.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = open_stream(&server.url, None).await;
        if r.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the place was never freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // With accounts: per token.
    let data = dir.path().join("accounts");
    add_user(&data, "rae", "reader", None);
    let first = token_for(&data, "rae", None);
    let second = token_for(&data, "rae", None);
    let server = Server::start_with(&data, &["--max-streams-per-token", "2"]);
    let mut held = Vec::new();
    for _ in 0..2 {
        let r = open_stream(&server.url, Some(&first)).await;
        assert_eq!(r.status(), 200);
        held.push(r);
    }
    let refused = open_stream(&server.url, Some(&first)).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    let v: Value = refused.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("per-token"),
        "{v}"
    );
    assert_eq!(open_stream(&server.url, Some(&second)).await.status(), 200);
}

/// Sends the `i`th request for `i` below `times` until one is refused as
/// too many (429), and returns that answer; every answer before it must
/// have the status `taken`.
async fn first_refusal(
    times: usize,
    taken: u16,
    request: impl Fn(usize) -> reqwest::RequestBuilder,
) -> Option<reqwest::Response> {
    for i in 0..times {
        let r = request(i).send().await.unwrap();
        if r.status() == 429 {
            return Some(r);
        }
        assert_eq!(r.status(), taken);
    }
    None
}

#[tokio::test]
async fn writes_and_logins_are_rate_limited_with_a_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_user(&data, "ed", "editor", Some("correct horse"));
    let editor = token_for(&data, "ed", None);
    let server = Server::start_with(&data, &["--write-rate", "1"]);
    let url = &server.url;
    let limited = first_refusal(20, 201, |i| {
        common::http()
            .post(format!("{url}/api/stories"))
            .bearer_auth(&editor)
            .header("content-type", "text/markdown")
            .body(markdown_story(&format!("Story {i}"), "rate"))
    })
    .await;
    let limited = limited.expect("20 writes in a row at 1/s were never limited");
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);

    // Guessing passwords: refused early, before any hashing, with a wait.
    let limited = first_refusal(30, 401, |_| {
        common::http()
            .post(format!("{url}/api/login"))
            .json(&serde_json::json!({"user": "ed", "password": "guess guess"}))
    })
    .await;
    let limited = limited.expect("30 wrong passwords in a row were never limited");
    assert!(limited.headers().contains_key("retry-after"));
}
