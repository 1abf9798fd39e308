//! Feeds end to end: sources polled from a local HTTP server, a one-shot
//! import, hostile input refused with nothing stored, and newsterm's own
//! feeds read by a real feed reader (Debian's newsboat).

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use common::{Server, get_json, health, http, import_lines, publish, run, wait_indexed};
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

/// One request the feed server saw: its path, its conditional headers,
/// and the status it answered.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
    status: u16,
}

/// A loopback feed server whose documents the test can change. It sends
/// an ETag and a Last-Modified with each, answers a matching conditional
/// request with 304, and records every request it saw.
#[derive(Clone, Default)]
struct FeedServer {
    doc: Arc<Mutex<String>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

const LAST_MODIFIED: &str = "Mon, 01 Jan 2024 10:00:00 GMT";

impl FeedServer {
    async fn start(&self) -> String {
        let me = self.clone();
        let feed = move |path: axum::extract::Path<String>, headers: HeaderMap| {
            let me = me.clone();
            async move {
                let header = |name| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                let (if_none_match, if_modified_since) = (
                    header(header::IF_NONE_MATCH),
                    header(header::IF_MODIFIED_SINCE),
                );
                let body = me.doc.lock().unwrap().clone();
                let etag = format!("\"{}-{}\"", path.0, body.len());
                let status = if path.0 == "broken.xml" {
                    500
                } else if if_none_match.as_deref() == Some(etag.as_str()) {
                    304
                } else {
                    200
                };
                me.seen.lock().unwrap().push(Seen {
                    path: path.0.clone(),
                    if_none_match,
                    if_modified_since,
                    status,
                });
                match status {
                    500 => (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response(),
                    304 => (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response(),
                    _ => (
                        [
                            (header::CONTENT_TYPE, "application/rss+xml".to_string()),
                            (header::ETAG, etag),
                            (header::LAST_MODIFIED, LAST_MODIFIED.to_string()),
                        ],
                        body,
                    )
                        .into_response(),
                }
            }
        };
        let app = axum::Router::new().route("/{file}", axum::routing::get(feed));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }

    fn requests(&self, path: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }
}

async fn headlines(url: &str, q: &str) -> Vec<Headline> {
    let url = reqwest::Url::parse_with_params(
        &format!("{url}/api/headlines"),
        [("q", q), ("limit", "50")],
    )
    .expect("headlines URL");
    get_json(url).await
}

// The feed server runs on this test's runtime while the test blocks on
// CLI processes, so it needs worker threads of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_are_polled_deduplicated_revised_and_report_failures() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_allowing_private_fetch(dir.path());
    let url = server.url.clone();
    let server_side = FeedServer::default();
    let doc = server_side.doc.clone();
    *doc.lock().unwrap() = rss(&[
        (
            "a1",
            "Ferry service resumes",
            "The morning ferry sailed again.",
        ),
        ("a2", "Lighthouse repainted", "Red and white once more."),
    ]);
    let feeds = server_side.start().await;

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

    // Polled again unchanged: the request is conditional on what the first
    // answer said, the feed server answers 304, and nothing is read.
    let (ok, out, err) = run(&["source", "poll", "--server", &url, &id]);
    assert!(ok, "{err}");
    assert!(out.contains("not modified"), "{out}");
    let seen = server_side.requests("feed.xml");
    assert_eq!(seen.len(), 2, "{seen:?}");
    let (first, second) = (&seen[0], &seen[1]);
    assert_eq!(
        (first.status, first.if_none_match.as_deref()),
        (200, None),
        "{first:?}"
    );
    assert!(
        second
            .if_none_match
            .as_deref()
            .is_some_and(|e| e.starts_with("\"feed.xml-")),
        "{second:?}"
    );
    assert_eq!(second.if_modified_since.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(second.status, 304);

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
    let (ok, _, _) = run(&["source", "rm", "--server", &url, &id]);
    assert!(ok);
    let (_, out, _) = run(&["source", "list", "--server", &url]);
    assert!(
        !out.lines().any(|l| l.starts_with(&format!("{id}\t"))),
        "{out}"
    );
}

/// How many requests for `path` the feed server has seen.
fn polls(server: &FeedServer, path: &str) -> usize {
    server.requests(path).len()
}

/// Waits (bounded) until the feed server has seen `n` requests for `path`.
async fn wait_polls(server: &FeedServer, path: &str, n: usize, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while polls(server, path) < n {
        assert!(
            Instant::now() < deadline,
            "{path} polled {} times, expected {n}",
            polls(server, path)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_source_is_not_polled_until_resumed_and_a_removed_one_never_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_allowing_private_fetch(dir.path());
    let url = server.url.clone();
    let feeds = FeedServer::default();
    *feeds.doc.lock().unwrap() = rss(&[("p1", "Pier closed", "Storm damage.")]);
    let base = feeds.start().await;

    // Three sources on the shortest schedule, each polled once on adding.
    let mut ids = Vec::new();
    for name in ["paused.xml", "steady.xml", "removed.xml"] {
        let (ok, out, err) = run(&[
            "source",
            "add",
            "--server",
            &url,
            "--every",
            "10s",
            "--name",
            name,
            &format!("{base}/{name}"),
        ]);
        assert!(ok, "{err}");
        ids.push(out.split_whitespace().nth(1).unwrap().to_string());
        wait_polls(&feeds, name, 1, 20).await;
    }
    let (ok, _, err) = run(&["source", "pause", "--server", &url, &ids[0]]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["source", "rm", "--server", &url, &ids[2]]);
    assert!(ok, "{err}");
    // Counted once the commands are answered: on a loaded machine adding
    // the other sources can take longer than the schedule, so the paused
    // source may have been polled again before it was paused.
    let paused_before = polls(&feeds, "paused.xml");
    let removed_before = polls(&feeds, "removed.xml");
    let steady_now = polls(&feeds, "steady.xml");

    // The steady source is polled twice more on its schedule; by then the
    // paused and the removed one have been due twice and were not polled.
    wait_polls(&feeds, "steady.xml", steady_now + 2, 60).await;
    assert_eq!(
        polls(&feeds, "paused.xml"),
        paused_before,
        "a paused source was polled"
    );
    assert_eq!(
        polls(&feeds, "removed.xml"),
        removed_before,
        "a removed source was polled"
    );
    let (_, out, _) = run(&["source", "list", "--server", &url]);
    let paused_line = out.lines().find(|l| l.contains("paused.xml")).unwrap_or("");
    assert!(paused_line.contains("paused"), "{out}");

    // Resumed, it is polled again.
    let (ok, _, err) = run(&["source", "resume", "--server", &url, &ids[0]]);
    assert!(ok, "{err}");
    wait_polls(&feeds, "paused.xml", paused_before + 1, 30).await;
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

/// The bundled Wikinews archive's first `n` lines.
fn wikinews_lines(n: usize) -> String {
    use std::io::BufRead;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/wikinews_articles.jsonl.gz"
    );
    let file = std::fs::File::open(path).expect("bundled Wikinews archive");
    std::io::BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .take(n)
        .map(|l| l.expect("archive line") + "\n")
        .collect()
}

const ZURICH: &str = "---\nheadline: \"Zürich café owners meet São Paulo’s 東京 delegation\"\nsource: Test Wire\npublished: 2030-01-01T09:00:00Z\npriority: urgent\n---\n• Talks “went well”, officials said\n\nPrices rose <b>5%</b> & more, the <script>alert(1)</script> way.\n";

/// newsterm's own view of a feed: the titles its JSON Feed lists.
async fn json_feed_titles(url: &str, feed: &str) -> Vec<String> {
    let json: serde_json::Value = get_json(format!("{url}/feeds/{feed}")).await;
    let mut titles: Vec<String> = json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().unwrap_or("").to_string())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn newsterm_feeds_are_read_by_newsboat_as_newsterm_means_them() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.clone();
    // A real-sized archive: 120 Wikinews articles, several with
    // non-ASCII titles, more than a feed carries.
    import_lines(&url, &wikinews_lines(120), false).await;
    let zurich = publish(&url, "text/markdown", ZURICH).await;
    let last = publish(
        &url,
        "text/markdown",
        // Same day as ZURICH: TOP ranks the events of the three days before
        // its newest story.
        "---\nheadline: Tide tables revised\npriority: urgent\npublished: 2030-01-01T08:00:00Z\n---\n\nThe comet affects nothing.\n",
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
    let json: serde_json::Value = get_json(format!("{url}/feeds/search.json?q=tide")).await;
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");

    // newsboat, with its own config and cache, lists exactly the stories
    // newsterm's top feed holds, titles intact. TOP keeps the three days
    // before its newest story, so the older archive stays out of it.
    let expected = json_feed_titles(&url, "top.json").await;
    assert!(expected.len() >= 2, "{expected:?}");
    let items = newsboat_items(dir.path(), "top", &format!("{url}/feeds/top.atom"));
    let mut titles: Vec<String> = items.iter().map(|i| i.title.clone()).collect();
    titles.sort();
    assert_eq!(titles, expected);
    let zurich_title = "Zürich café owners meet São Paulo’s 東京 delegation";
    let item = items
        .iter()
        .find(|i| i.title == zurich_title)
        .unwrap_or_else(|| panic!("newsboat lost the non-ASCII title: {titles:?}"));
    // What the story says is text: markup in it reaches the reader
    // escaped, never as markup, and the highlight comes with it.
    assert!(
        item.content.contains("Talks “went well”, officials said"),
        "{}",
        item.content
    );
    assert!(
        item.content.contains("&lt;b&gt;5%&lt;/b&gt; &amp; more"),
        "{}",
        item.content
    );
    assert!(!item.content.contains("<script"), "{}", item.content);

    // A revision reaches newsboat as the same item with the new headline.
    let resp = http()
        .put(format!("{url}/api/stories/{}", zurich.id))
        .header("content-type", "text/markdown")
        .body(ZURICH.replace(
            "meet São Paulo’s 東京 delegation",
            "sign a deal with São Paulo",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let revised = resp.json::<newsterm_api::PublishAck>().await.unwrap();
    wait_indexed(&url, revised.seq).await;
    let items = newsboat_items(dir.path(), "top", &format!("{url}/feeds/top.atom"));
    let same: Vec<&NewsboatItem> = items.iter().filter(|i| i.guid == item.guid).collect();
    assert_eq!(same.len(), 1, "{items:?}");
    assert_eq!(
        same[0].title,
        "Zürich café owners sign a deal with São Paulo"
    );
    assert!(
        !items.iter().any(|i| i.title == zurich_title),
        "the old headline lingers"
    );

    // RSS too, for a search.
    let items = newsboat_items(
        dir.path(),
        "search",
        &format!("{url}/feeds/search.rss?q=%22tide%20tables%22"),
    );
    let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["Tide tables revised"]);
}

/// One article as newsboat stored it.
#[derive(Debug)]
struct NewsboatItem {
    guid: String,
    title: String,
    content: String,
}

/// Runs `newsboat -x reload print-unread` on one feed URL (a cache per
/// `name`, kept between runs) and returns the articles it stored.
fn newsboat_items(dir: &std::path::Path, name: &str, feed: &str) -> Vec<NewsboatItem> {
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
        .prepare("SELECT guid, title, content, unread FROM rss_item WHERE deleted = 0")
        .unwrap();
    let mut unread = 0;
    let items: Vec<NewsboatItem> = stmt
        .query_map([], |r| {
            Ok((
                NewsboatItem {
                    guid: r.get(0)?,
                    title: r.get(1)?,
                    content: r.get(2)?,
                },
                r.get::<_, i64>(3)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .map(|(item, u)| {
            unread += u;
            item
        })
        .collect();
    assert!(
        stdout.contains(&format!("{unread} unread article")),
        "newsboat said {stdout:?} for {items:?}"
    );
    items
}

// The CLI runs blocking beside the feed server: two worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_addresses_are_never_fetched_unless_the_operator_allows_it() {
    let dir = tempfile::tempdir().unwrap();
    let inside = FeedServer::default();
    *inside.doc.lock().unwrap() = rss(&[("i1", "Intranet memo", "Only for the inside.")]);
    let feeds = inside.start().await;
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
    // Not one request reached the internal server.
    assert!(inside.seen.lock().unwrap().is_empty(), "it was fetched");

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
    assert_eq!(polls(&inside, "feed.xml"), 1);
}
