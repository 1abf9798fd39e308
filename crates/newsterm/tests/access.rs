//! Who may do what, against a real `newsterm serve` on loopback with real
//! accounts: 401 and 403 per role and scope on every write, reads behind
//! a token unless `--public-read`, local mode only on loopback, browser
//! login with its cookie and CSRF token, the Host and Origin a server
//! answers to, and revisions that cannot silently overwrite each other.

mod common;

use std::time::Duration;

use common::{BIN, Server, add_user, markdown_story, raw_http, token_for};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A request as a client sends it, with an optional bearer token.
async fn send(
    method: Method,
    url: &str,
    token: Option<&str>,
    content_type: &str,
    body: &str,
) -> (StatusCode, Value) {
    let mut req = common::http()
        .request(method, url)
        .header("content-type", content_type)
        .body(body.to_string());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

fn error_message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("")
}

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><guid>g1</guid><title>Feed item</title><description>Text.</description></item></channel></rss>"#;

/// One write endpoint: what it is called with and the scope it needs.
struct Write {
    method: Method,
    path: String,
    scope: &'static str,
    content_type: &'static str,
    body: String,
}

fn write(method: Method, path: String, scope: &'static str, ct: &'static str, body: &str) -> Write {
    Write {
        method,
        path,
        scope,
        content_type: ct,
        body: body.to_string(),
    }
}

#[tokio::test]
async fn every_write_needs_a_token_with_its_scope() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_user(&data, "ana", "admin", None);
    add_user(&data, "ed", "editor", None);
    add_user(&data, "rae", "reader", None);
    let admin = token_for(&data, "ana", None);
    let editor = token_for(&data, "ed", None);
    let editor_read_only = token_for(&data, "ed", Some("read"));
    let reader = token_for(&data, "rae", None);
    let server = Server::start(&data);
    let url = &server.url;

    // What the writes below act on.
    let (s, v) = send(
        Method::POST,
        &format!("{url}/api/stories"),
        Some(&editor),
        "text/markdown",
        &markdown_story("First", "first"),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let story = v["id"].as_str().unwrap().to_string();
    let (s, v) = send(
        Method::POST,
        &format!("{url}/api/sources"),
        Some(&editor),
        "application/json",
        r#"{"url":"https://example.org/feed.xml","every":"1h"}"#,
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let source = v["id"].as_u64().unwrap();
    let (s, v) = send(
        Method::POST,
        &format!("{url}/api/alerts"),
        Some(&reader),
        "application/json",
        r#"{"name":"quakes","query":"quake"}"#,
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let alert = v["id"].as_u64().unwrap();

    let writes = [
        write(
            Method::POST,
            "/api/stories".into(),
            "publish",
            "text/markdown",
            &markdown_story("Second", "second"),
        ),
        write(
            Method::PUT,
            format!("/api/stories/{story}"),
            "publish",
            "text/markdown",
            &markdown_story("First, revised", "first"),
        ),
        write(
            Method::POST,
            format!("/api/stories/{story}/withdraw"),
            "publish",
            "application/json",
            r#"{"reason":"Withdrawn in a test."}"#,
        ),
        write(
            Method::POST,
            "/api/import".into(),
            "publish",
            "application/x-ndjson",
            r#"{"title":"Imported","body":"Text."}"#,
        ),
        write(
            Method::POST,
            "/api/import-feed".into(),
            "sources",
            "application/rss+xml",
            RSS,
        ),
        write(
            Method::POST,
            "/api/sources".into(),
            "sources",
            "application/json",
            r#"{"url":"https://example.org/other.xml"}"#,
        ),
        write(
            Method::POST,
            format!("/api/sources/{source}/pause"),
            "sources",
            "text/plain",
            "",
        ),
        write(
            Method::POST,
            format!("/api/sources/{source}/resume"),
            "sources",
            "text/plain",
            "",
        ),
        write(
            Method::DELETE,
            format!("/api/sources/{source}"),
            "sources",
            "text/plain",
            "",
        ),
        write(
            Method::POST,
            "/api/alerts".into(),
            "alerts",
            "application/json",
            r#"{"name":"oil","query":"oil"}"#,
        ),
        write(
            Method::PUT,
            format!("/api/alerts/{alert}"),
            "alerts",
            "application/json",
            r#"{"name":"tremors","query":"quake OR tremor"}"#,
        ),
        write(
            Method::DELETE,
            format!("/api/alerts/{alert}"),
            "alerts",
            "text/plain",
            "",
        ),
    ];
    for w in &writes {
        let target = format!("{url}{}", w.path);
        let what = format!("{} {}", w.method, w.path);
        // No token: 401, naming the scope.
        let (s, v) = send(w.method.clone(), &target, None, w.content_type, &w.body).await;
        assert_eq!(s, 401, "{what}: {v}");
        assert_eq!(error_code(&v), "unauthorized", "{what}");
        assert!(
            error_message(&v).contains(&format!("`{}` scope", w.scope)),
            "{what}: {v}"
        );
        // A token that is not one: 401.
        let forged = "nt_0123456789abcdef_".to_string() + &"0".repeat(64);
        let (s, v) = send(
            w.method.clone(),
            &target,
            Some(&forged),
            w.content_type,
            &w.body,
        )
        .await;
        assert_eq!(
            (s.as_u16(), error_code(&v)),
            (401, "invalid_token"),
            "{what}"
        );
        // Tokens without the scope: 403, naming it.
        let mut refused = vec![("editor with read only", &editor_read_only)];
        if w.scope != "alerts" {
            refused.push(("reader", &reader));
        }
        for (who, token) in refused {
            let (s, v) = send(
                w.method.clone(),
                &target,
                Some(token),
                w.content_type,
                &w.body,
            )
            .await;
            assert_eq!(s, 403, "{what} as {who}: {v}");
            assert_eq!(error_code(&v), "forbidden", "{what} as {who}");
            assert!(
                error_message(&v).contains(&format!("`{}` scope", w.scope)),
                "{what} as {who}: {v}"
            );
        }
        // The least role that may: let through (whatever the endpoint
        // then answers, it is not a refusal).
        let allowed = if w.scope == "alerts" {
            &reader
        } else {
            &editor
        };
        let (s, v) = send(
            w.method.clone(),
            &target,
            Some(allowed),
            w.content_type,
            &w.body,
        )
        .await;
        assert!(s.is_success(), "{what}: {s} {v}");
    }
    // Polling fetches the source (example.org is out of reach here): not
    // a refusal either way for an editor, refused for a reader.
    let poll = format!("{url}/api/sources/1/poll");
    let (s, _) = send(Method::POST, &poll, Some(&reader), "text/plain", "").await;
    assert_eq!(s, 403);
    let (s, _) = send(Method::POST, &poll, Some(&admin), "text/plain", "").await;
    assert!(s != 401 && s != 403, "{s}");

    // Reads need a token too; any of these may read.
    let search = format!("{url}/api/search?q=first");
    let (s, v) = send(Method::GET, &search, None, "text/plain", "").await;
    assert_eq!((s.as_u16(), error_code(&v)), (401, "unauthorized"), "{v}");
    assert!(error_message(&v).contains("`read` scope"), "{v}");
    for token in [&reader, &editor_read_only, &admin] {
        let (s, v) = send(Method::GET, &search, Some(token), "text/plain", "").await;
        assert_eq!(s, 200, "{v}");
    }
    // The health check stays open, for load balancers.
    let (s, _) = send(
        Method::GET,
        &format!("{url}/healthz"),
        None,
        "text/plain",
        "",
    )
    .await;
    assert_eq!(s, 200);
    // A token revoked on the directory, with the server running, stops
    // working at once.
    let listed = common::stdout_of(&common::newsterm(&[
        "token",
        "list",
        "--user",
        "rae",
        "--data",
        data.to_str().unwrap(),
    ]));
    let id = listed.split('\t').next().unwrap().trim();
    common::stdout_of(&common::newsterm(&[
        "token",
        "revoke",
        id,
        "--data",
        data.to_str().unwrap(),
    ]));
    let (s, v) = send(Method::GET, &search, Some(&reader), "text/plain", "").await;
    assert_eq!((s.as_u16(), error_code(&v)), (401, "invalid_token"), "{v}");
}

#[tokio::test]
async fn public_read_opens_reading_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_user(&data, "ed", "editor", None);
    let editor = token_for(&data, "ed", None);
    let server = Server::start_with(&data, &["--public-read"]);
    let url = &server.url;
    let (s, _) = send(
        Method::POST,
        &format!("{url}/api/stories"),
        None,
        "text/markdown",
        &markdown_story("Open", "open"),
    )
    .await;
    assert_eq!(s, 401);
    let (s, v) = send(
        Method::POST,
        &format!("{url}/api/stories"),
        Some(&editor),
        "text/markdown",
        &markdown_story("Open", "open"),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap();
    for path in [
        format!("/api/stories/{id}"),
        "/api/headlines".to_string(),
        "/api/top".to_string(),
        "/feeds/top.atom".to_string(),
    ] {
        let (s, _) = send(Method::GET, &format!("{url}{path}"), None, "text/plain", "").await;
        assert_eq!(s, 200, "{path}");
    }
    // Alerts are a reader's own: never public.
    let (s, _) = send(
        Method::GET,
        &format!("{url}/api/alerts"),
        None,
        "text/plain",
        "",
    )
    .await;
    assert_eq!(s, 401);
}

/// Runs `newsterm serve` with `args` and returns how it ended, killing it
/// if it is still running after a minute (a server that should have
/// refused to start).
fn serve_briefly(args: &[&str]) -> (bool, String, String) {
    let mut child = std::process::Command::new(BIN)
        .arg("serve")
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    common::outcome(&child.wait_with_output().unwrap())
}

#[test]
fn without_users_the_server_stays_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    let (ok, out, err) = serve_briefly(&["--listen", "0.0.0.0:0", "--data", d]);
    assert!(!ok, "started open to the network: {out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("has no users") && err.contains("newsterm user add NAME --role admin"),
        "{err}"
    );
    // With a user it still needs to know its public address.
    add_user(&data, "ana", "admin", None);
    let (ok, _, err) = serve_briefly(&["--listen", "0.0.0.0:0", "--data", d]);
    assert!(!ok);
    assert!(err.contains("--public-url"), "{err}");
    // Both given: it serves (on every address), and answers its public
    // name only.
    let mut server = std::process::Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--public-url",
            "https://news.example.org",
            "--data",
            d,
        ])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port = line.trim().rsplit(':').next().unwrap().to_string();
    let addr = format!("127.0.0.1:{port}");
    let good = raw_http(
        &addr,
        "GET /healthz HTTP/1.1\r\nHost: news.example.org\r\nConnection: close\r\n\r\n",
    );
    assert!(good.starts_with("HTTP/1.1 200"), "{good}");
    let bad = raw_http(
        &addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(bad.starts_with("HTTP/1.1 421"), "{bad}");
    let _ = server.kill();
    let _ = server.wait();
}

/// The value of one header of a raw HTTP answer.
fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

fn json_body(answer: &str) -> Value {
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or(Value::Null)
}

async fn login(url: &str, user: &str, password: &str, origin: Option<&str>) -> reqwest::Response {
    let mut req = common::http()
        .post(format!("{url}/api/login"))
        .json(&serde_json::json!({"user": user, "password": password}));
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_browser_logs_in_with_a_cookie_and_writes_with_its_csrf_token() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_user(&data, "ana", "editor", Some("correct horse"));
    let server = Server::start(&data);
    let url = &server.url;

    let wrong = login(url, "ana", "wrong horse", None).await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    // Another site's page cannot log a visitor in (login CSRF).
    let cross = login(url, "ana", "correct horse", Some("https://evil.example")).await;
    assert_eq!(cross.status(), 403);

    let resp = login(url, "ana", "correct horse", Some(url)).await;
    assert_eq!(resp.status(), 200);
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    let info: Value = resp.json().await.unwrap();
    assert_eq!(info["user"]["name"], "ana");
    assert_eq!(info["user"]["role"], "editor");
    let csrf = info["csrf"].as_str().unwrap().to_string();
    assert_eq!(csrf.len(), 64);
    let cookie = set_cookie.split(';').next().unwrap().to_string();

    let with_cookie = |method: Method, path: &str| {
        common::http()
            .request(method, format!("{url}{path}"))
            .header("cookie", &cookie)
    };
    let r = with_cookie(Method::GET, "/api/headlines")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r: Value = with_cookie(Method::GET, "/api/session")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        r["csrf"],
        csrf.as_str(),
        "a reloaded page gets its token back"
    );

    // A write by cookie alone, as a forged cross-site form would send it,
    // is refused and stores nothing; with the token it goes through.
    let story = markdown_story("By cookie", "cookie");
    for csrf_given in [None, Some("0".repeat(64))] {
        let mut req = with_cookie(Method::POST, "/api/stories")
            .header("content-type", "text/markdown")
            .body(story.clone());
        if let Some(c) = &csrf_given {
            req = req.header("x-csrf-token", c);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 403, "{csrf_given:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(error_code(&v), "csrf");
    }
    assert_eq!(common::health(url).await.stories, 0);
    let r = with_cookie(Method::POST, "/api/stories")
        .header("content-type", "text/markdown")
        .header("x-csrf-token", &csrf)
        .body(story)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // Logging out is a write too; afterwards the cookie is dead.
    let r = with_cookie(Method::POST, "/api/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = with_cookie(Method::POST, "/api/logout")
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let r = with_cookie(Method::GET, "/api/headlines")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[test]
fn cookies_are_secure_behind_an_https_public_url() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_user(&data, "ana", "reader", Some("correct horse"));
    let server = Server::start_with(&data, &["--public-url", "https://news.example.org"]);
    let addr = server.url.trim_start_matches("http://").to_string();
    let body = r#"{"user":"ana","password":"correct horse"}"#;
    let answer = raw_http(
        &addr,
        &format!(
            "POST /api/login HTTP/1.1\r\nHost: news.example.org\r\nOrigin: https://news.example.org\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let cookie = header(&answer, "set-cookie").unwrap();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn the_server_answers_only_its_own_host_and_origin() {
    let dir = tempfile::tempdir().unwrap();
    // Local mode: everything open, on loopback names only.
    let server = Server::start(&dir.path().join("local"));
    let url = &server.url;
    let addr = url.trim_start_matches("http://").to_string();
    let port = addr.rsplit(':').next().unwrap();
    common::publish(url, "text/markdown", markdown_story("Visible", "visible")).await;

    let get = |host: &str| {
        raw_http(
            &addr,
            &format!("GET /feeds/top.atom HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    // A made-up Host (and a rebound name pointing here) is refused, so it
    // is never written into a feed.
    for host in [
        "evil.example.com".to_string(),
        format!("attacker.example:{port}"),
    ] {
        let answer = get(&host);
        assert!(answer.starts_with("HTTP/1.1 421"), "{host}: {answer}");
        assert_eq!(error_code(&json_body(&answer)), "wrong_host");
        assert!(!answer.contains("<feed"), "{answer}");
    }
    for host in [format!("localhost:{port}"), addr.clone()] {
        let answer = get(&host);
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
        assert!(
            answer.contains(&format!("http://{host}/feeds/top.atom")),
            "{answer}"
        );
    }

    // Cross-site "simple" requests are refused before anything happens.
    let evil = "https://evil.example";
    let line = r#"{"title":"Planted","body":"Text."}"#;
    for (path, ct, body) in [
        ("/api/import", "text/plain", line),
        (
            "/api/import-feed?url=https://example.org/feed.xml",
            "text/plain",
            "",
        ),
        ("/api/sources/1/poll", "text/plain", ""),
        (
            "/api/stories",
            "text/plain",
            "---\nheadline: Planted\n---\n\nText.\n",
        ),
    ] {
        let answer = raw_http(
            &addr,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {evil}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        );
        assert!(answer.starts_with("HTTP/1.1 403"), "{path}: {answer}");
        assert_eq!(error_code(&json_body(&answer)), "wrong_origin", "{path}");
    }
    assert_eq!(common::health(url).await.stories, 1, "nothing was planted");
    // The same request from the server's own page goes through.
    let answer = raw_http(
        &addr,
        &format!(
            "POST /api/import HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{line}",
            line.len()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // A WebSocket from another site's page is refused; from this
    // server's own, accepted.
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let ws = format!("ws://{addr}/api/ws");
    let mut req = ws.as_str().into_client_request().unwrap();
    req.headers_mut().insert("origin", evil.parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 403)
        }
        other => panic!(
            "a cross-site WebSocket was not refused: {:?}",
            other.map(|_| ())
        ),
    }
    let mut req = ws.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", format!("http://{addr}").parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok());

    // Every answer tells browsers not to sniff, leak or frame it.
    let answer = get(&addr);
    assert_eq!(header(&answer, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&answer, "referrer-policy"), Some("same-origin"));
    assert!(
        header(&answer, "content-security-policy")
            .is_some_and(|c| c.contains("frame-ancestors 'none'")),
        "{answer}"
    );

    // With a public URL, that is the one Host, and feeds link to it.
    let public = Server::start_with(
        &dir.path().join("public"),
        &["--public-url", "https://news.example.org"],
    );
    let addr = public.url.trim_start_matches("http://").to_string();
    let answer = raw_http(
        &addr,
        "GET /feeds/top.atom HTTP/1.1\r\nHost: news.example.org\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("https://news.example.org/feeds/top.atom"),
        "{answer}"
    );
    let answer = raw_http(
        &addr,
        &format!("GET /feeds/top.atom HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
}

#[test]
fn cross_origin_calls_are_off_unless_an_origin_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--cors-origin", "https://app.example.org"]);
    let addr = server.url.trim_start_matches("http://").to_string();
    let preflight = |origin: &str| {
        raw_http(
            &addr,
            &format!(
                "OPTIONS /api/stories HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\nConnection: close\r\n\r\n"
            ),
        )
    };
    let listed = preflight("https://app.example.org");
    assert_eq!(
        header(&listed, "access-control-allow-origin"),
        Some("https://app.example.org"),
        "{listed}"
    );
    assert!(header(&listed, "access-control-allow-credentials").is_none());
    let other = preflight("https://other.example");
    assert!(
        header(&other, "access-control-allow-origin").is_none(),
        "{other}"
    );
    let get = |origin: &str| {
        raw_http(
            &addr,
            &format!(
                "GET /api/headlines HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n"
            ),
        )
    };
    let listed = get("https://app.example.org");
    assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
    assert_eq!(
        header(&listed, "access-control-allow-origin"),
        Some("https://app.example.org")
    );
    assert!(get("https://other.example").starts_with("HTTP/1.1 403"));
}

#[tokio::test]
async fn a_revision_names_what_it_revises_and_cannot_overwrite_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let first = common::publish(url, "text/markdown", markdown_story("Dam holds", "dam")).await;
    let other = common::publish(url, "text/markdown", markdown_story("Other", "other")).await;
    let story_url = format!("{url}/api/stories/{}", first.id);

    let got = common::http().get(&story_url).send().await.unwrap();
    assert_eq!(got.headers()["etag"], "\"1\"");

    let put = |if_match: Option<&str>, body: String| {
        let mut req = common::http()
            .put(&story_url)
            .header("content-type", "text/markdown")
            .body(body);
        if let Some(m) = if_match {
            req = req.header("if-match", m);
        }
        req.send()
    };
    let r = put(Some("\"1\""), markdown_story("Dam holds, v2", "dam"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    // A second editor still working from revision 1 is told, not obeyed.
    let r = put(Some("\"1\""), markdown_story("Dam breaks", "dam"))
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "stale_revision");
    assert!(error_message(&v).contains("revision 2"), "{v}");
    let revisions: Vec<Value> = common::get_json(format!("{story_url}/revisions")).await;
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1]["headline"], "Dam holds, v2");

    // A body that names another story is refused, in either form.
    let md = format!("---\nid: {}\nheadline: Swapped\n---\n\nText.\n", other.id);
    let r = put(None, md).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "id_mismatch", "{v}");
    let ninjs = serde_json::json!({
        "uri": format!("urn:newsterm:story:{}", other.id),
        "headlines": [{"role": "main", "value": "Swapped"}],
    });
    let r = common::http()
        .put(&story_url)
        .header("content-type", "application/json")
        .body(ninjs.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Its own id is fine, and so is no If-Match (on top of the latest).
    let md = format!(
        "---\nid: {}\nheadline: Dam holds, v3\n---\n\nText.\n",
        first.id
    );
    assert_eq!(put(None, md).await.unwrap().status(), 200);
    let r = put(Some("3"), markdown_story("x", "x")).await.unwrap();
    assert_eq!(r.status(), 400, "If-Match takes the quoted ETag");
    assert_eq!(
        common::get_json::<Vec<Value>>(format!("{story_url}/revisions"))
            .await
            .len(),
        3
    );
}

/// The alert names in what `path` lists for a token's holder (alerts, or
/// their recent hits), sorted.
async fn names_at(url: &str, path: &str, token: &str) -> Vec<String> {
    let (s, v) = send(
        Method::GET,
        &format!("{url}{path}"),
        Some(token),
        "text/plain",
        "",
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let mut names: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

async fn alert_names(url: &str, token: &str) -> Vec<String> {
    names_at(url, "/api/alerts", token).await
}

async fn hit_names(url: &str, token: &str) -> Vec<String> {
    names_at(url, "/api/alerts/hits", token).await
}

#[tokio::test]
async fn a_reader_sees_edits_and_removes_only_their_own_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_user(&data, "ana", "admin", None);
    add_user(&data, "rae", "reader", None);
    add_user(&data, "ray", "reader", None);
    let admin = token_for(&data, "ana", None);
    let rae = token_for(&data, "rae", None);
    let ray = token_for(&data, "ray", None);
    let server = Server::start(&data);
    let url = &server.url;

    let add = |token: String, body: &'static str| async move {
        let (s, v) = send(
            Method::POST,
            &format!("{url}/api/alerts"),
            Some(&token),
            "application/json",
            body,
        )
        .await;
        assert_eq!(s, 201, "{v}");
        v["id"].as_u64().unwrap()
    };
    let quakes = add(rae.clone(), r#"{"name":"quakes","query":"tremor"}"#).await;
    add(ray.clone(), r#"{"name":"floods","query":"deluge"}"#).await;

    assert_eq!(alert_names(url, &rae).await, ["quakes"]);
    assert_eq!(alert_names(url, &ray).await, ["floods"]);
    assert_eq!(alert_names(url, &admin).await, ["floods", "quakes"]);

    // Another reader's alert is, to ray, an alert that does not exist.
    for (method, path) in [
        (Method::GET, format!("/api/alerts/{quakes}")),
        (Method::GET, format!("/api/alerts/{quakes}/hits")),
        (Method::GET, format!("/feeds/alerts/{quakes}.atom")),
        (Method::DELETE, format!("/api/alerts/{quakes}")),
    ] {
        let (s, v) = send(
            method.clone(),
            &format!("{url}{path}"),
            Some(&ray),
            "text/plain",
            "",
        )
        .await;
        assert_eq!(s, 404, "{method} {path}: {v}");
    }
    assert_eq!(alert_names(url, &rae).await, ["quakes"], "ray removed it");
    // Nor can he edit it; its owner can.
    let edit = |token: String, name: &'static str| async move {
        send(
            Method::PUT,
            &format!("{url}/api/alerts/{quakes}"),
            Some(&token),
            "application/json",
            &format!(r#"{{"name":"{name}","query":"tremor"}}"#),
        )
        .await
    };
    let (s, v) = edit(ray.clone(), "ray's now").await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(alert_names(url, &rae).await, ["quakes"], "ray edited it");
    let (s, v) = edit(rae.clone(), "tremors").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(alert_names(url, &rae).await, ["tremors"]);

    // Ray's alert stream carries his hits only: rae's fires first, yet
    // the first hit ray receives is his own.
    let mut stream = common::http()
        .get(format!("{url}/api/stream?alerts=1"))
        .bearer_auth(&ray)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    for (headline, word) in [("Tremor felt", "tremor"), ("Deluge downtown", "deluge")] {
        let (s, v) = send(
            Method::POST,
            &format!("{url}/api/stories"),
            Some(&admin),
            "text/markdown",
            &markdown_story(headline, word),
        )
        .await;
        assert_eq!(s, 201, "{v}");
    }
    let mut parser = newsterm_client::SseParser::default();
    let first = loop {
        let chunk = tokio::time::timeout(Duration::from_secs(20), stream.chunk())
            .await
            .expect("alert stream quiet")
            .unwrap()
            .expect("alert stream ended");
        if let Some(ev) = parser
            .feed(&chunk)
            .into_iter()
            .find(|ev| ev.event.as_deref() == Some("alert"))
        {
            break serde_json::from_str::<Value>(&ev.data).unwrap();
        }
    };
    assert_eq!(first["name"], "floods", "{first}");
    // Both hits are logged by now (they fire in wire order).
    assert_eq!(hit_names(url, &ray).await, ["floods"]);
    assert_eq!(hit_names(url, &rae).await, ["tremors"]);
    assert_eq!(hit_names(url, &admin).await, ["floods", "tremors"]);

    // An admin acts on anyone's alert.
    let (s, v) = send(
        Method::DELETE,
        &format!("{url}/api/alerts/{quakes}"),
        Some(&admin),
        "text/plain",
        "",
    )
    .await;
    assert_eq!(s, 204, "{v}");
    assert!(alert_names(url, &rae).await.is_empty());
}
