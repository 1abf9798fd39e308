//! Feeds end to end: sources polled from a local HTTP server, a one-shot
//! import, hostile input refused with nothing stored, and newsterm's own
//! feeds read by a real feed reader (Debian's newsboat).

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use common::{BIN, Server, get_json, health, http, markdown_story, publish, wait_indexed};
use newsterm_api::{Headline, SourceInfo};

fn rss(items: &[(&str, &str, &str)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Harbour Gazette</title><link>http://example.org/</link><description>Local news</description>\n",
    );
    for (guid, title, body) in items {
        out.push_str(&format!(
            "<item><guid>{guid}</guid><title>{title}</title><link>http://example.org/{guid}</link><description>&lt;p&gt;{body}&lt;/p&gt;</description><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// A loopback feed server whose document the test can change, and which
/// honours If-None-Match.
async fn feed_server(doc: Arc<Mutex<String>>) -> String {
    let app = axum::Router::new()
        .route(
            "/feed.xml",
            axum::routing::get(move |headers: HeaderMap| {
                let doc = doc.clone();
                async move {
                    let body = doc.lock().unwrap().clone();
                    let etag = format!("\"{}\"", body.len());
                    if headers
                        .get(header::IF_NONE_MATCH)
                        .is_some_and(|v| v.to_str().ok() == Some(etag.as_str()))
                    {
                        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
                    }
                    (
                        [
                            (header::CONTENT_TYPE, "application/rss+xml".to_string()),
                            (header::ETAG, etag),
                        ],
                        body,
                    )
                        .into_response()
                }
            }),
        )
        .route(
            "/broken.xml",
            axum::routing::get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "down") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn headlines(url: &str, q: &str) -> Vec<Headline> {
    http()
        .get(format!("{url}/api/headlines"))
        .query(&[("q", q), ("limit", "50")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

// The feed server runs on this test's runtime while the test blocks on
// CLI processes, so it needs worker threads of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_are_polled_deduplicated_revised_and_report_failures() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_allowing_private_fetch(dir.path());
    let url = server.url.clone();
    let doc = Arc::new(Mutex::new(rss(&[
        (
            "a1",
            "Ferry service resumes",
            "The morning ferry sailed again.",
        ),
        ("a2", "Lighthouse repainted", "Red and white once more."),
    ])));
    let feeds = feed_server(doc.clone()).await;

    let (ok, out, err) = run(&[
        "source",
        "add",
        "--server",
        &url,
        "--every",
        "1h",
        &format!("{feeds}/feed.xml"),
    ]);
    assert!(ok, "{err}");
    let id = out.split_whitespace().nth(1).unwrap().to_string();
    let (ok, _, _) = run(&[
        "source",
        "add",
        "--server",
        &url,
        &format!("{feeds}/broken.xml"),
    ]);
    assert!(ok);

    // A new source is polled at once.
    let deadline = Instant::now() + Duration::from_secs(20);
    while headlines(&url, "source:\"harbour gazette\"").await.len() < 2 && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = headlines(&url, "source:\"harbour gazette\"").await;
    assert_eq!(got.len(), 2, "{got:?}");

    // Polled again unchanged: the feed server answers 304, nothing new.
    let (ok, out, err) = run(&["source", "poll", "--server", &url, &id]);
    assert!(ok, "{err}");
    assert!(
        out.contains("not modified") || out.contains("0 new"),
        "{out}"
    );

    // One item changes, one is added: a revision and a new story.
    *doc.lock().unwrap() = rss(&[
        (
            "a1",
            "Ferry service resumes after storm",
            "The morning ferry sailed again, late.",
        ),
        ("a2", "Lighthouse repainted", "Red and white once more."),
        (
            "a3",
            "Harbour festival announced",
            "Boats and music in June.",
        ),
    ]);
    let (ok, out, err) = run(&["source", "poll", "--server", &url, &id]);
    assert!(ok, "{err}");
    assert!(
        out.contains("1 new") && out.contains("1 revised") && out.contains("1 already seen"),
        "{out}"
    );
    let ferry = headlines(&url, "ferry").await;
    assert_eq!(ferry.len(), 1);
    assert_eq!(ferry[0].revision, 2);

    // The list shows both sources, the broken one with its error in words.
    let sources: Vec<SourceInfo> = get_json(format!("{url}/api/sources")).await;
    assert_eq!(sources.len(), 2);
    let broken = sources
        .iter()
        .find(|s| s.url.ends_with("broken.xml"))
        .unwrap();
    assert!(
        broken
            .status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("500")),
        "{broken:?}"
    );
    let (ok, out, _) = run(&["source", "list", "--server", &url]);
    assert!(ok && out.contains("failing"), "{out}");
    let (ok, _, _) = run(&["source", "pause", "--server", &url, &id]);
    assert!(ok);
    let (ok, _, _) = run(&["source", "rm", "--server", &url, &id]);
    assert!(ok);
}

#[tokio::test]
async fn import_feed_takes_good_items_and_refuses_hostile_documents_whole() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.clone();

    let good = dir.path().join("good.xml");
    std::fs::write(
        &good,
        rss(&[
            ("b1", "Bridge closed for repairs", "Traffic diverted."),
            ("b2", "", ""),
            ("b3", "New bus line opens", "Route 9 starts Monday."),
        ]),
    )
    .unwrap();
    let (ok, out, err) = run(&["import-feed", "--server", &url, good.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("3 items: 2 new"), "{out}");
    assert!(
        out.contains("1 failed") && err.contains("b2"),
        "{out}\n{err}"
    );

    let before = health(&url).await;
    let laughs = dir.path().join("laughs.xml");
    std::fs::write(
        &laughs,
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<rss version=\"2.0\"><channel><title>x</title><item><title>&b;</title></item></channel></rss>\n",
    )
    .unwrap();
    let (ok, _, err) = run(&["import-feed", "--server", &url, laughs.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("entity"), "{err}");
    let bad_utf8 = dir.path().join("bad.xml");
    let mut bytes = rss(&[("c1", "Caf\u{e9}", "x")]).into_bytes();
    bytes.extend([0xff, 0xfe]);
    std::fs::write(&bad_utf8, bytes).unwrap();
    let (ok, _, err) = run(&["import-feed", "--server", &url, bad_utf8.to_str().unwrap()]);
    assert!(!ok && err.to_lowercase().contains("utf-8"), "{err}");
    let after = health(&url).await;
    assert_eq!(
        after.last_seq, before.last_seq,
        "a refused feed stored something"
    );
}

#[tokio::test]
async fn newsterm_feeds_are_read_by_newsboat() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.clone();
    publish(
        &url,
        "text/markdown",
        markdown_story("Comet visible tonight", "comet"),
    )
    .await;
    let last = publish(
        &url,
        "text/markdown",
        // TOP ranks the events of the last three days before its newest
        // story: both stories are of the same day.
        "---\nheadline: Tide tables revised\npriority: urgent\npublished: 2024-05-01T13:00:00Z\n---\n\nThe comet affects nothing.\n",
    )
    .await;
    wait_indexed(&url, last.seq).await;

    // Conditional GET: the same feed twice is a 304 the second time.
    let first = http()
        .get(format!("{url}/feeds/top.atom"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = http()
        .get(format!("{url}/feeds/top.atom"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let json: serde_json::Value = get_json(format!("{url}/feeds/search.json?q=comet")).await;
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["items"].as_array().unwrap().len(), 2);

    // newsboat, with its own config and cache, reads each feed.
    assert_eq!(
        newsboat_titles(dir.path(), "top", &format!("{url}/feeds/top.atom")),
        ["Comet visible tonight", "Tide tables revised"]
    );
    assert_eq!(
        newsboat_titles(
            dir.path(),
            "search",
            &format!("{url}/feeds/search.rss?q=tide")
        ),
        ["Tide tables revised"]
    );
}

/// Runs `newsboat -x reload print-unread` on one feed URL and returns the
/// item titles it stored, sorted.
fn newsboat_titles(dir: &std::path::Path, name: &str, feed: &str) -> Vec<String> {
    let urls = dir.join(format!("{name}.urls"));
    std::fs::write(&urls, format!("{feed}\n")).unwrap();
    let cache = dir.join(format!("{name}.cache.db"));
    let config = dir.join(format!("{name}.config"));
    std::fs::write(&config, "").unwrap();
    let out = Command::new("newsboat")
        .arg("-u")
        .arg(&urls)
        .arg("-c")
        .arg(&cache)
        .arg("-C")
        .arg(&config)
        .args(["-x", "reload", "print-unread"])
        .env("HOME", dir)
        .output()
        .expect(
            "newsboat must be installed for this test (apt-get install newsboat; .ci/run does)",
        );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "newsboat: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = rusqlite::Connection::open(&cache).unwrap();
    let mut stmt = db
        .prepare("SELECT title FROM rss_item ORDER BY title")
        .unwrap();
    let titles: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        stdout.contains(&format!("{} unread article", titles.len())),
        "newsboat said {stdout:?} for {titles:?}"
    );
    titles
}

// The CLI runs blocking beside the feed server: two worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_addresses_are_never_fetched_unless_the_operator_allows_it() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Arc::new(Mutex::new(rss(&[(
        "i1",
        "Intranet memo",
        "Only for the inside.",
    )])));
    let feeds = feed_server(doc).await;
    let port = feeds.rsplit(':').next().unwrap().to_string();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);

    let server = Server::start(&dir.path().join("guarded"));
    let url = server.url.clone();
    // Loopback by address, by name, as one number, in IPv6, as 0.0.0.0,
    // and a closed port: every one fails with the same words, so a user
    // learns nothing about what listens inside.
    for target in [
        format!("{feeds}/feed.xml"),
        format!("http://localhost:{port}/feed.xml"),
        format!("http://2130706433:{port}/feed.xml"),
        format!("http://[::ffff:127.0.0.1]:{port}/feed.xml"),
        format!("http://0.0.0.0:{port}/feed.xml"),
        format!("http://127.0.0.1:{closed_port}/feed.xml"),
    ] {
        let (ok, _, err) = run(&["import-feed", "--server", &url, &target]);
        assert!(!ok, "{target} was fetched");
        assert!(
            err.contains("could not fetch: connection failed (bad_feed, HTTP 422)"),
            "{target}: {err}"
        );
        assert!(
            !err.contains("refused") && !err.contains("loopback"),
            "{err}"
        );
    }
    // A source whose host is a literal internal address is refused when
    // it is added.
    for target in [
        format!("{feeds}/feed.xml"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
    ] {
        let (ok, _, err) = run(&["source", "add", "--server", &url, &target]);
        assert!(!ok, "{target} was added");
        assert!(
            err.contains("newsterm fetches only public addresses"),
            "{err}"
        );
    }
    // A polled source fails the same way, in its status.
    let (ok, out, err) = run(&[
        "source",
        "add",
        "--server",
        &url,
        &format!("http://localhost:{port}/feed.xml"),
    ]);
    assert!(ok, "{err}");
    let id = out.split_whitespace().nth(1).unwrap().to_string();
    let (_, out, err) = run(&["source", "poll", "--server", &url, &id]);
    assert!(
        format!("{out}{err}").contains("could not fetch: connection failed"),
        "{out}{err}"
    );
    assert!(headlines(&url, "intranet").await.is_empty());

    // The same feed, on a server whose operator allowed it.
    let allowed = Server::start_allowing_private_fetch(&dir.path().join("allowed"));
    let (ok, out, err) = run(&[
        "import-feed",
        "--server",
        &allowed.url,
        &format!("http://localhost:{port}/feed.xml"),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("1 new"), "{out}");
}
