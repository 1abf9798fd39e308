//! Outbound fetches on a user's behalf — feed sources, `import-feed` URLs
//! and webhooks — never reach inside, against the real server: not
//! through a redirect from a host the operator allowed, not through any
//! IPv6 spelling of loopback, private or link-local space, and every
//! failure reads the same, so a user cannot tell a closed port from an
//! open one.
//!
//! The loopback test server stands for the inside. The redirect test
//! reaches its first hop the way the egress crate's own tests do: the
//! operator allows that one host (`--allow-fetch-host localhost`), and
//! each redirect target is checked on its own.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::RawQuery;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use common::{Server, http, markdown_story, publish};

/// What every network failure of a fetch reads as.
const FAILED: &str = "could not fetch: connection failed";

/// The inside: a feed at `/feed.xml`, a webhook receiver at `/hook`, and
/// `/hop?URL`, a redirect to URL. It records every request's path.
#[derive(Clone, Default)]
struct Inside {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Inside {
    /// Serves on 127.0.0.1 and, when the machine has IPv6 loopback, on
    /// [::1] with the same port; the port.
    async fn start(&self) -> u16 {
        let v4 = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = v4.local_addr().unwrap().port();
        let v6 =
            tokio::net::TcpListener::bind(SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], port)))
                .await
                .ok();
        for listener in std::iter::once(v4).chain(v6) {
            let app = self.app();
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        port
    }

    fn app(&self) -> axum::Router {
        let record = |me: &Inside, path: &str| me.seen.lock().unwrap().push(path.to_string());
        let (feed, hook, hop) = (self.clone(), self.clone(), self.clone());
        axum::Router::new()
            .route(
                "/feed.xml",
                axum::routing::get(move || async move {
                    record(&feed, "/feed.xml");
                    (
                        [(header::CONTENT_TYPE, "application/rss+xml")],
                        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Intranet</title>\
                         <item><guid>m1</guid><title>Intranet memo</title><description>Inside only.</description></item>\
                         </channel></rss>",
                    )
                        .into_response()
                }),
            )
            .route(
                "/hook",
                axum::routing::post(move || async move {
                    record(&hook, "/hook");
                    StatusCode::OK
                }),
            )
            .route(
                "/hop",
                axum::routing::get(move |RawQuery(to): RawQuery| async move {
                    record(&hop, "/hop");
                    Redirect::temporary(&to.unwrap_or_default())
                })
                .post(|RawQuery(to): RawQuery| async move {
                    Redirect::temporary(&to.unwrap_or_default())
                }),
            )
    }

    fn count(&self, path: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

/// A port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    closed.local_addr().unwrap().port()
}

/// `POST /api/import-feed?url=`: the status and the error's code and
/// message (empty on success).
async fn import_feed(server: &str, url: &str) -> (u16, String, String) {
    let resp = http()
        .post(format!("{server}/api/import-feed"))
        .query(&[("url", url)])
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body: serde_json::Value = resp.json().await.unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    (
        status,
        text(&body["error"]["code"]),
        text(&body["error"]["message"]),
    )
}

/// `POST` of `body` as JSON to `path`: the status and the answer.
async fn post_json(server: &str, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let resp = http()
        .post(format!("{server}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or_default())
}

/// Adds a source for `url` (which must be accepted) and polls it now:
/// the poll's status and error message.
async fn add_and_poll(server: &str, url: &str) -> (u16, String) {
    let (status, source) = post_json(server, "/api/sources", serde_json::json!({"url": url})).await;
    assert_eq!(status, 201, "{url}: {source}");
    let id = source["id"].to_string().trim_matches('"').to_string();
    let (status, polled) = post_json(
        server,
        &format!("/api/sources/{id}/poll"),
        serde_json::json!({}),
    )
    .await;
    let message = polled["error"]["message"].as_str().unwrap_or_default();
    (status, message.to_string())
}

/// An alert on `word` delivered to `webhook`: the status of adding it.
async fn add_webhook_alert(server: &str, word: &str, webhook: &str) -> (u16, serde_json::Value) {
    post_json(
        server,
        "/api/alerts",
        serde_json::json!({"name": word, "query": word,
            "delivery": {"webhook": {"url": webhook, "secret": "s3cret"}}}),
    )
    .await
}

/// Waits (bounded) until the alert named `name` is marked failing.
async fn wait_failing(server: &str, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let alerts: Vec<serde_json::Value> = common::get_json(format!("{server}/api/alerts")).await;
        let failing = alerts
            .iter()
            .any(|a| a["name"] == name && a["delivery"]["webhook"]["failing"] == true);
        if failing {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "webhook of {name} not marked failing: {alerts:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_from_an_allowed_host_into_the_inside_are_refused_alike() {
    let inside = Inside::default();
    let port = inside.start().await;
    let closed = closed_port();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--allow-fetch-host", "localhost"]);
    let url = &server.url;
    let hop = |to: &str| format!("http://localhost:{port}/hop?{to}");

    // The allowed host is reached, directly and through a redirect back to
    // itself: what follows is refused for where it leads, not because the
    // first hop is out of reach.
    let direct = format!("http://localhost:{port}/feed.xml");
    assert_eq!(import_feed(url, &direct).await.0, 200);
    assert_eq!(import_feed(url, &hop(&direct)).await.0, 200);
    let feeds_before = inside.count("/feed.xml");
    assert_eq!(feeds_before, 2);

    // Every redirect into the inside — the same open server under other
    // spellings, a closed port, private and metadata addresses — fails
    // with the same words, and nothing is fetched.
    let targets = [
        format!("http://127.0.0.1:{port}/feed.xml"),
        format!("http://127.0.0.1:{closed}/feed.xml"),
        format!("http://[::1]:{port}/feed.xml"),
        format!("http://[::ffff:127.0.0.1]:{port}/feed.xml"),
        format!("http://2130706433:{port}/feed.xml"),
        format!("http://0.0.0.0:{port}/feed.xml"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/feed.xml".to_string(),
        "http://[fd00::1]/feed.xml".to_string(),
    ];
    for target in &targets {
        assert_eq!(
            import_feed(url, &hop(target)).await,
            (422, "bad_feed".to_string(), FAILED.to_string()),
            "import-feed redirected to {target}"
        );
    }
    // A source that redirects there is added (its host is allowed) and
    // fails its poll the same way, open port or closed.
    for target in &targets[..2] {
        assert_eq!(
            add_and_poll(url, &hop(target)).await,
            (422, FAILED.to_string()),
            "source redirected to {target}"
        );
    }
    assert_eq!(inside.count("/feed.xml"), feeds_before, "fetched inside");

    // Webhooks follow no redirect at all: an alert whose webhook
    // redirects to the receiver is marked failing and the receiver hears
    // nothing, while one sent to the allowed host directly is delivered.
    for (name, webhook) in [
        ("hopped", hop(&format!("http://127.0.0.1:{port}/hook"))),
        ("direct", format!("http://localhost:{port}/hook")),
    ] {
        let (status, body) = add_webhook_alert(url, name, &webhook).await;
        assert_eq!(status, 201, "{body}");
    }
    for i in 0..3 {
        let story = markdown_story(
            &format!("Hopped and direct {i}"),
            &format!("hopped direct n{i}"),
        );
        publish(url, "text/markdown", story).await;
    }
    wait_failing(url, "hopped").await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while inside.count("/hook") < 3 {
        assert!(Instant::now() < deadline, "direct webhook not delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Three hits, three deliveries: all from the direct alert.
    assert_eq!(inside.count("/hook"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_loopback_private_and_mapped_addresses_are_refused_for_every_fetch() {
    let inside = Inside::default();
    let port = inside.start().await;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    for host in [
        "[::1]",
        "[0:0:0:0:0:0:0:1]",
        "[::]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[::127.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[::ffff:10.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::]",
        "[fe80::1]",
        "[fd00::1]",
        "[fc00::1]",
    ] {
        let target = format!("http://{host}:{port}/feed.xml");
        // import-feed: the one failure text.
        assert_eq!(
            import_feed(url, &target).await,
            (422, "bad_feed".to_string(), FAILED.to_string()),
            "import-feed {target}"
        );
        // A source is refused when it is added.
        let (status, body) =
            post_json(url, "/api/sources", serde_json::json!({"url": target})).await;
        assert_eq!(status, 400, "source {target}: {body}");
        assert_eq!(body["error"]["code"], "bad_url", "{body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.ends_with("newsterm fetches only public addresses"),
            "{message}"
        );
        // A webhook too.
        let hook = format!("http://{host}:{port}/hook");
        let (status, body) = add_webhook_alert(url, "inside", &hook).await;
        assert_eq!(status, 400, "webhook {hook}: {body}");
        assert_eq!(body["error"]["code"], "bad_url", "{body}");
    }
    // Nothing reached the inside, though it listens on [::1] too.
    assert!(inside.seen.lock().unwrap().is_empty(), "{:?}", inside.seen);
    let sources: Vec<serde_json::Value> = common::get_json(format!("{url}/api/sources")).await;
    assert!(sources.is_empty(), "{sources:?}");
}
