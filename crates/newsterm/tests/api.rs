//! The HTTP API end to end, against a real `newsterm serve` on loopback.

mod common;

use std::collections::BTreeSet;

use common::{Server, get_json, health, http, markdown_story, publish, revise, wait_indexed};
use newsterm_api::{ErrorBody, RevisionInfo, SearchResponse};
use newsterm_story::{Format, Story};
use time::OffsetDateTime;

const FULL_MARKDOWN: &str = r#"---
headline: "Ceasefire talks resume in Geneva: \"last chance\", envoy says"
source: Example Wire
published: 2024-05-01T12:30:00Z
updated: 2024-05-01T14:00:00Z
priority: urgent
byline: Jane Roe and Ana Diaz
dateline: GENEVA
caption: Delegates arrive at the Palais des Nations on Wednesday.
credit: Example Wire / Photo Desk
url: https://example.org/stories/ceasefire-talks
lang: en
keywords: [diplomacy, ceasefire]
---
• Envoys from both sides meet for the first time since March
• The UN calls the round "the last chance" for a truce

Negotiators returned to Geneva on Wednesday for a new round of talks.

## What is on the table

A 30-day truce, prisoner exchanges and aid corridors — "nothing less", said one délégué.
"#;

async fn get_text(url: &str) -> (u16, String) {
    let resp = http().get(url).send().await.expect("GET");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("body"))
}

fn parse(format: Format, text: &str) -> newsterm_story::ParsedStory {
    format
        .parse(text.as_bytes(), OffsetDateTime::now_utc())
        .unwrap_or_else(|e| panic!("server output does not parse back as {format}: {e}\n{text}"))
}

#[tokio::test]
async fn markdown_and_ninjs_round_trip_and_revisions_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let original = parse(Format::Markdown, FULL_MARKDOWN).content;

    let ack = publish(url, "text/markdown", FULL_MARKDOWN).await;
    assert_eq!(ack.revision, 1);
    for format in [Format::Markdown, Format::Ninjs] {
        let (status, text) = get_text(&format!(
            "{url}/api/stories/{}?format={}",
            ack.id,
            format.as_str()
        ))
        .await;
        assert_eq!(status, 200);
        let back = parse(format, &text);
        assert_eq!(back.content, original, "{format} output lost a field");
        assert_eq!(back.id, Some(ack.id));
        assert_eq!(back.revision, Some(1));
    }

    // The same story sent as ninjs by another source comes back equal in
    // both forms. (From the same source it would be a repeat, not stored.)
    let mut other = original.clone();
    other.source = Some("Other Wire".into());
    let ninjs = Format::Ninjs.render(&other);
    let ack2 = publish(url, "application/json", ninjs).await;
    assert_ne!(ack2.id, ack.id);
    assert_eq!(ack2.seq, ack.seq + 1);
    for format in [Format::Markdown, Format::Ninjs] {
        let (_, text) = get_text(&format!(
            "{url}/api/stories/{}?format={}",
            ack2.id,
            format.as_str()
        ))
        .await;
        assert_eq!(parse(format, &text).content, other);
    }

    // Revise the first story: revision 2 is served, revision 1 stays.
    let revised_md = FULL_MARKDOWN.replace(
        "Ceasefire talks resume in Geneva",
        "Ceasefire agreed in Geneva",
    );
    let rev = revise(url, &ack, revised_md).await;
    assert_eq!((rev.id, rev.revision, rev.seq), (ack.id, 2, ack2.seq + 1));

    let latest: Story = get_json(format!("{url}/api/stories/{}", ack.id)).await;
    assert_eq!(latest.revision, 2);
    assert!(latest.content.headline.starts_with("Ceasefire agreed"));
    let first: Story = get_json(format!("{url}/api/stories/{}?rev=1", ack.id)).await;
    assert_eq!(first.content, original);
    let revs: Vec<RevisionInfo> = get_json(format!("{url}/api/stories/{}/revisions", ack.id)).await;
    assert_eq!(
        revs.iter().map(|r| r.revision).collect::<Vec<_>>(),
        vec![1, 2]
    );

    let (status, text) = get_text(&format!("{url}/api/stories/{}?rev=3", ack.id)).await;
    assert_eq!(status, 404, "{text}");
}

async fn search_ids(url: &str, q: &str) -> BTreeSet<String> {
    let resp = http()
        .get(format!("{url}/api/search"))
        .query(&[("q", q), ("limit", "100")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "query {q:?}");
    let body: SearchResponse = resp.json().await.unwrap();
    assert_eq!(body.total as usize, body.hits.len(), "query {q:?}");
    body.hits.into_iter().map(|h| h.id.to_string()).collect()
}

#[tokio::test]
async fn search_finds_exactly_the_expected_stories() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let stories = [
        (
            "quake",
            "Earthquake strikes northern Japan",
            "Tokyo Wire",
            "2024-01-10",
            "urgent",
            "TOKYO",
            "en",
            "A strong earthquake shook the coast near Sendai.",
        ),
        (
            "floods",
            "Floods force thousands from homes",
            "River News",
            "2024-02-15",
            "normal",
            "DHAKA",
            "en",
            "Heavy monsoon rain flooded the delta.",
        ),
        (
            "election",
            "Voters head to the polls in a tight election",
            "Tokyo Wire",
            "2024-03-01",
            "normal",
            "OSAKA",
            "en",
            "The central bank stayed silent as voters queued.",
        ),
        (
            "bank",
            "Central bank raises rates again",
            "Money Desk",
            "2024-03-20",
            "flash",
            "FRANKFURT",
            "en",
            "The bank raised its main rate by a quarter point.",
        ),
        (
            "french",
            "La banque centrale relève ses taux",
            "Money Desk",
            "2024-03-21",
            "normal",
            "PARIS",
            "fr",
            "La banque a relevé son taux directeur.",
        ),
        (
            "quake2",
            "Aftershocks rattle Sendai",
            "River News",
            "2024-01-11",
            "normal",
            "SENDAI",
            "en",
            "Aftershock after aftershock hit the region.",
        ),
    ];
    let mut ids = std::collections::HashMap::new();
    let mut last = 0;
    for (key, headline, source, published, priority, dateline, lang, body) in stories {
        let md = format!(
            "---\nheadline: {headline}\nsource: {source}\npublished: {published}\npriority: {priority}\ndateline: {dateline}\nlang: {lang}\nbyline: Staff of {source}\n---\n\n{body}\n"
        );
        let ack = publish(url, "text/markdown", md).await;
        ids.insert(key, ack.id.to_string());
        last = ack.seq;
    }
    wait_indexed(url, last).await;
    let set = |keys: &[&str]| -> BTreeSet<String> { keys.iter().map(|k| ids[k].clone()).collect() };

    assert_eq!(search_ids(url, "earthquake").await, set(&["quake"]));
    assert_eq!(search_ids(url, "aftershock*").await, set(&["quake2"]));
    assert_eq!(
        search_ids(url, "\"central bank\"").await,
        set(&["election", "bank"])
    );
    assert_eq!(search_ids(url, "bank NOT election").await, set(&["bank"]));
    assert_eq!(
        search_ids(url, "earthquake OR floods").await,
        set(&["quake", "floods"])
    );
    assert_eq!(
        search_ids(url, "source:\"Tokyo Wire\"").await,
        set(&["quake", "election"])
    );
    assert_eq!(search_ids(url, "lang:fr").await, set(&["french"]));
    assert_eq!(search_ids(url, "priority:flash").await, set(&["bank"]));
    // place: is the dateline (quake2) and the places tagging found in the
    // text ("near Sendai" in quake's body).
    assert_eq!(
        search_ids(url, "place:sendai").await,
        set(&["quake", "quake2"])
    );
    assert_eq!(search_ids(url, "place:dhaka").await, set(&["floods"]));
    assert_eq!(
        search_ids(url, "byline:money").await,
        set(&["bank", "french"])
    );
    assert_eq!(
        search_ids(url, "published:[2024-01-01 TO 2024-01-31]").await,
        set(&["quake", "quake2"])
    );
    assert_eq!(
        search_ids(url, "published:>=2024-03-01 AND source:\"money desk\"").await,
        set(&["bank", "french"])
    );
    assert_eq!(search_ids(url, "tsunami").await, set(&[]));

    // Time sort is newest published first, and pages cover every hit once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut req = http().get(format!("{url}/api/search")).query(&[
            ("q", "published:>=2024-01-01"),
            ("sort", "time"),
            ("limit", "2"),
        ]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c.as_str())]);
        }
        let page: SearchResponse = req.send().await.unwrap().json().await.unwrap();
        assert_eq!(page.total, 6);
        seen.extend(page.hits.iter().map(|h| h.published));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert!(
        seen.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {seen:?}"
    );

    // Snippets highlight the matched word.
    let resp: SearchResponse = get_json(format!("{url}/api/search?q=monsoon")).await;
    assert!(
        resp.hits[0].snippet.contains("<b>monsoon</b>"),
        "{}",
        resp.hits[0].snippet
    );
}

async fn expect_error(resp: reqwest::Response, status: u16, code: &str, words: &[&str]) {
    assert_eq!(resp.status().as_u16(), status);
    let body: ErrorBody = resp.json().await.expect("error body is JSON");
    assert_eq!(body.error.code, code, "{}", body.error.message);
    for w in words {
        assert!(
            body.error
                .message
                .to_lowercase()
                .contains(&w.to_lowercase()),
            "message {:?} should mention {w:?}",
            body.error.message
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_a_named_problem_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let ack = publish(
        url,
        "text/markdown",
        markdown_story("Baseline story", "baseline"),
    )
    .await;
    let before = health(url).await;

    let post = |ct: &'static str, body: Vec<u8>| {
        http()
            .post(format!("{url}/api/stories"))
            .header("content-type", ct)
            .body(body)
            .send()
    };
    expect_error(
        post(
            "application/json",
            b"{\"uri\": \"x\",\n \"headlines\": [}".to_vec(),
        )
        .await
        .unwrap(),
        400,
        "malformed_input",
        &["line 2", "column"],
    )
    .await;
    expect_error(
        post(
            "application/json",
            br#"{"uri":"urn:x","headlines":[{"role":"main","value":"Hi"}],"urgency":"high"}"#
                .to_vec(),
        )
        .await
        .unwrap(),
        400,
        "schema_violation",
        &["urgency"],
    )
    .await;
    expect_error(
        post(
            "text/markdown",
            b"---\nsource: Wire\n---\n\nBody only.\n".to_vec(),
        )
        .await
        .unwrap(),
        400,
        "invalid_story",
        &["headline"],
    )
    .await;
    let mut huge = markdown_story("Huge", "huge").into_bytes();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    expect_error(
        post("text/markdown", huge).await.unwrap(),
        413,
        "body_too_large",
        &["limit"],
    )
    .await;
    let mut bad_utf8 = markdown_story("Bad bytes", "bytes").into_bytes();
    bad_utf8.extend([0xff, 0xfe, b'\n']);
    expect_error(
        post("text/markdown", bad_utf8).await.unwrap(),
        400,
        "malformed_input",
        &["UTF-8"],
    )
    .await;
    expect_error(
        post("image/png", b"x".to_vec()).await.unwrap(),
        415,
        "unknown_format",
        &["image/png"],
    )
    .await;
    // A revision of a story that does not exist.
    let resp = http()
        .put(format!("{url}/api/stories/01J0000000000000000000000Z"))
        .header("content-type", "text/markdown")
        .body(markdown_story("Ghost", "ghost"))
        .send()
        .await
        .unwrap();
    expect_error(resp, 404, "not_found", &["does not exist"]).await;
    let resp = http()
        .get(format!("{url}/api/search?q=%22unclosed"))
        .send()
        .await
        .unwrap();
    expect_error(resp, 400, "invalid_query", &["position"]).await;
    let resp = http()
        .get(format!("{url}/api/stories/not-an-id"))
        .send()
        .await
        .unwrap();
    expect_error(resp, 400, "invalid_id", &["not-an-id"]).await;

    let after = health(url).await;
    assert_eq!(
        after.stories, before.stories,
        "a refused request stored a story"
    );
    assert_eq!(
        after.last_seq, before.last_seq,
        "a refused request took a wire number"
    );
    // And the server still serves.
    let next = publish(
        url,
        "text/markdown",
        markdown_story("After the storm", "after"),
    )
    .await;
    assert_eq!(next.seq, ack.seq + 1);
}

/// Text answers leave compressed when the client accepts it (feeds of 50
/// stories are hundreds of kilobytes otherwise); the live stream never
/// is, so each event leaves the moment it is written.
#[tokio::test]
async fn text_answers_are_compressed_and_streams_are_not() {
    use std::io::Read;
    // A client that leaves the encoding alone, to see what is on the wire.
    newsterm_client::install_tls_provider();
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let mut last = 0;
    for i in 0..20 {
        last = publish(
            url,
            "text/markdown",
            markdown_story(&format!("Compressible story number {i}"), "compressible"),
        )
        .await
        .seq;
    }
    wait_indexed(url, last).await;
    // The search feed lists all twenty (TOP folds them into one event).
    let plain = raw
        .get(format!("{url}/feeds/search.atom?q=compressible"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();

    let gzipped = raw
        .get(format!("{url}/feeds/search.atom?q=compressible"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), 200);
    assert_eq!(
        gzipped
            .headers()
            .get("content-encoding")
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let compressed = gzipped.bytes().await.unwrap();
    assert!(
        compressed.len() * 3 < plain.len(),
        "{} vs {}",
        compressed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain, "the compressed feed is the same feed");

    let stream = raw
        .get(format!("{url}/api/stream"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert!(
        stream.headers().get("content-encoding").is_none(),
        "an event stream must not be compressed"
    );
}

/// `/healthz` counts stories (not revisions) without scanning the store.
#[tokio::test]
async fn health_counts_stories_and_revisions_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let url = server.url.clone();
    let a = publish(&url, "text/markdown", markdown_story("First", "one")).await;
    publish(&url, "text/markdown", markdown_story("Second", "two")).await;
    let resp = http()
        .put(format!("{url}/api/stories/{}", a.id))
        .header("content-type", "text/markdown")
        .body(markdown_story("First, revised", "three"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let h = health(&url).await;
    assert_eq!((h.stories, h.last_seq), (2, 3));
    // The indexer's and the alerter's queues are reported, and drain once
    // the index has caught up.
    let raw: serde_json::Value = get_json(format!("{url}/healthz")).await;
    for queue in ["index_queue", "alert_queue"] {
        assert!(raw[queue].is_u64(), "{queue} missing from {raw}");
    }
    wait_indexed(&url, 3).await;
    assert_eq!(health(&url).await.index_queue, 0);
    // The count survives a restart (it is read from the store at start).
    server.terminate();
    let server = Server::start(dir.path());
    let h = health(&server.url).await;
    assert_eq!((h.stories, h.last_seq), (2, 3));
}

#[tokio::test]
async fn a_publish_sent_again_with_its_idempotency_key_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let send = |key: &'static str, headline: &'static str| {
        http()
            .post(format!("{}/api/stories", server.url))
            .header("content-type", "text/markdown")
            .header("Idempotency-Key", key)
            .body(markdown_story(headline, "retried"))
            .send()
    };
    let first: newsterm_api::PublishAck =
        send("pub-1", "First").await.unwrap().json().await.unwrap();
    let again: newsterm_api::PublishAck =
        send("pub-1", "First").await.unwrap().json().await.unwrap();
    assert_eq!(first, again, "the retry gets the first answer");
    let other: newsterm_api::PublishAck =
        send("pub-2", "Other").await.unwrap().json().await.unwrap();
    assert_ne!(other.id, first.id);
    assert_eq!(health(&server.url).await.stories, 2);
    assert_eq!(
        health(&server.url).await.last_seq,
        2,
        "a repeat takes no wire number"
    );
    // A key is a short run of visible characters.
    let bad = http()
        .post(format!("{}/api/stories", server.url))
        .header("content-type", "text/markdown")
        .header("Idempotency-Key", "x".repeat(300))
        .body(markdown_story("Bad", "bad"))
        .send()
        .await
        .unwrap();
    expect_error(bad, 400, "bad_idempotency_key", &["Idempotency-Key"]).await;
    assert_eq!(health(&server.url).await.stories, 2);
}

/// A filtered headline list (what FIRST, NI and N with a query load first)
/// finds the newest matching stories however many newer stories do not
/// match, and lists them newest revision first.
#[tokio::test]
async fn filtered_headlines_reach_past_thousands_of_newer_stories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    let line = |i: usize, source: &str| {
        serde_json::json!({
            "headline": format!("Harbour report {i}"),
            "body": format!("Ships came and went, report {i}."),
            "source": source,
            "published": "2024-05-01T12:00:00Z",
        })
        .to_string()
    };
    let old: String = (0..3)
        .map(|i| line(i, "Deep Archive Gazette") + "\n")
        .collect();
    common::import_lines(&server.url, &old, false).await;
    let newer: String = (3..6_003).map(|i| line(i, "Busy Wire") + "\n").collect();
    let report = common::import_lines(&server.url, &newer, false).await;
    wait_indexed(&server.url, report.last_seq.expect("last seq")).await;

    let url = reqwest::Url::parse_with_params(
        &format!("{}/api/headlines", server.url),
        [("q", "source:\"Deep Archive Gazette\""), ("limit", "10")],
    )
    .expect("headlines URL");
    let rows: Vec<newsterm_api::Headline> = get_json(url).await;
    let heads: Vec<&str> = rows.iter().map(|h| h.headline.as_str()).collect();
    assert_eq!(
        heads,
        ["Harbour report 2", "Harbour report 1", "Harbour report 0"],
        "the three matching stories, newest first, behind 6,000 newer ones"
    );
}

/// A tagged import is tagged and stored a part at a time, the next part
/// tagged while the one before is stored: its stories still take the wire
/// in line order, each with its own tags, and the import sent again under
/// its idempotency key stores nothing and answers what it made the first
/// time, across the parts.
#[tokio::test]
async fn a_tagged_import_keeps_line_order_tags_and_its_idempotency_key_across_parts() {
    const LINES: usize = 150;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    let cities = ["Paris", "Berlin", "Madrid", "Lisbon", "Vienna", "Warsaw"];
    let body: String = (0..LINES)
        .map(|i| {
            let city = cities[i % cities.len()];
            serde_json::json!({
                "title": format!("Import line {i}: council of {city} votes on harbour plan {i}"),
                "body": format!(
                    "The city council of {city} voted {i} to {} on Tuesday to expand the harbour. \
                     Mayor Anna Keller said the plan numbered {i} would bring jobs to {city}.",
                    LINES - i
                ),
            })
            .to_string()
                + "\n"
        })
        .collect();
    let send = || {
        http()
            .post(format!("{}/api/import", server.url))
            .header("content-type", "application/x-ndjson")
            .header("Idempotency-Key", "archive-2024")
            .body(body.clone())
            .send()
    };
    let first: newsterm_api::ImportReport = send().await.unwrap().json().await.unwrap();
    assert_eq!(first.imported, LINES as u64, "{first:?}");
    assert_eq!(first.rejected_total, 0, "{first:?}");
    let (from, to) = (first.first_seq.unwrap(), first.last_seq.unwrap());
    assert_eq!(to - from + 1, LINES as u64, "one wire number a line");

    let listed: Vec<newsterm_api::Headline> = get_json(&format!(
        "{}/api/headlines?limit=500&fold=false",
        server.url
    ))
    .await;
    assert_eq!(listed.len(), LINES);
    for h in &listed {
        let line: u64 = h
            .headline
            .strip_prefix("Import line ")
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected headline {:?}", h.headline));
        assert_eq!(
            h.seq,
            from + line,
            "{:?} took the wire out of line order",
            h.headline
        );
        let story: Story = get_json(&format!("{}/api/stories/{}", server.url, h.id)).await;
        let city = cities[line as usize % cities.len()];
        assert!(
            story.tags.entities.iter().any(|e| e.text == city),
            "{:?} is not tagged with its own city {city}: {:?}",
            h.headline,
            story.tags.entities
        );
    }

    let again: newsterm_api::ImportReport = send().await.unwrap().json().await.unwrap();
    assert_eq!(again.imported, LINES as u64, "{again:?}");
    assert_eq!(
        (again.first_seq, again.last_seq),
        (first.first_seq, first.last_seq),
        "the retry answers what the first import made"
    );
    let h = health(&server.url).await;
    assert_eq!(
        (h.stories, h.last_seq),
        (LINES as u64, to),
        "nothing stored twice"
    );
}
