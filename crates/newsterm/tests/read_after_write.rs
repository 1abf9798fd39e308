//! A story is searchable the moment its publish is acknowledged: every
//! search that starts after the ack finds it, and a revision's new words
//! replace the old ones at once — during a bulk import, across index
//! commits — and a time-sorted cursor walks the stories once each while
//! some are still in memory and others already in the index.

mod common;

use std::collections::BTreeSet;

use common::{Server, http, markdown_story, publish};
use newsterm_api::SearchResponse;

async fn search(url: &str, q: &str, extra: &[(&str, &str)]) -> SearchResponse {
    let resp = http()
        .get(format!("{url}/api/search"))
        .query(&[("q", q)])
        .query(extra)
        .send()
        .await
        .expect("search request");
    assert_eq!(resp.status(), 200, "search {q:?}");
    resp.json().await.expect("search answer")
}

async fn total(url: &str, q: &str) -> u64 {
    search(url, q, &[("limit", "1")]).await.total
}

/// Bulk imports in the background until told to stop; returns how many
/// stories it imported.
fn spawn_import(
    url: String,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<u64> {
    tokio::spawn(async move {
        let mut imported = 0;
        let mut round = 0;
        while !*stop.borrow() {
            let lines: Vec<String> = (0..100)
                .map(|i| {
                    serde_json::json!({
                        "headline": format!("Imported archive story {round}-{i}"),
                        "published": "2020-01-01T00:00:00Z",
                        "body": "An older story loaded in bulk, with several words in it."
                    })
                    .to_string()
                })
                .collect();
            let report: newsterm_api::ImportReport = http()
                .post(format!("{url}/api/import?tag=false"))
                .body(lines.join("\n"))
                .send()
                .await
                .expect("import")
                .json()
                .await
                .expect("import report");
            imported += report.imported;
            round += 1;
        }
        imported
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_publish_is_found_by_the_next_search_even_during_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let import = spawn_import(url.clone(), stop_rx);

    let mut first_seq = None;
    let mut last_seq = 0;
    for i in 0..1_000 {
        let word = format!("rawword{i}q");
        let ack = publish(
            &url,
            "text/markdown",
            markdown_story(&format!("Read after write {i}"), &word),
        )
        .await;
        first_seq.get_or_insert(ack.seq);
        last_seq = ack.seq;
        assert_eq!(
            total(&url, &word).await,
            1,
            "story {i} ({word}, seq {}) not found right after its ack",
            ack.seq
        );
        // Every tenth story is revised at once: the new word is found, the
        // old one no longer.
        if i % 10 == 0 {
            let new_word = format!("revword{i}q");
            let resp = http()
                .put(format!("{url}/api/stories/{}", ack.id))
                .header("content-type", "text/markdown")
                .body(markdown_story(
                    &format!("Read after write {i}, revised"),
                    &new_word,
                ))
                .send()
                .await
                .expect("revise");
            assert_eq!(resp.status(), 200);
            assert_eq!(total(&url, &new_word).await, 1, "revision of {i} not found");
            assert_eq!(total(&url, &word).await, 0, "old text of {i} still found");
        }
    }
    stop_tx.send(true).unwrap();
    let imported = import.await.unwrap();
    assert!(imported > 0, "the import never ran beside the publishes");
    // The index committed many times while this ran (it commits at least
    // every half second): the publishes crossed commits.
    let health = common::health(&url).await;
    assert!(
        health.indexed_seq > first_seq.unwrap_or(0),
        "no index commit happened during the test"
    );
    assert!(last_seq > 0);
    // Each probe is there exactly once.
    assert_eq!(
        total(&url, "headline:read headline:after headline:write").await,
        1_000
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_time_cursor_walks_staged_and_indexed_stories_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let mut published = BTreeSet::new();
    for i in 0..60 {
        let ack = publish(
            &url,
            "text/markdown",
            markdown_story(&format!("Cursor story {i}"), "cursorword"),
        )
        .await;
        published.insert(ack.id.to_string());
    }
    // Page through by time while more stories arrive and the index
    // commits: every story published before the first page is seen once,
    // newer ones never (they rank above the cursor).
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut page_no = 0;
    loop {
        let mut extra = vec![("limit", "7".to_string()), ("sort", "time".to_string())];
        if let Some(c) = &cursor {
            extra.push(("cursor", c.clone()));
        }
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = search(&url, "cursorword", &extra).await;
        seen.extend(page.hits.iter().map(|h| h.id.to_string()));
        // Between pages: more stories, and time for a commit to move the
        // earlier ones from memory into the index.
        publish(
            &url,
            "text/markdown",
            markdown_story(&format!("Late cursor story {page_no}"), "cursorword"),
        )
        .await;
        page_no += 1;
        if page_no % 3 == 0 {
            let seq = common::health(&url).await.last_seq;
            common::wait_indexed(&url, seq).await;
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a story came twice");
    assert_eq!(
        unique, published,
        "the pages missed a story or added a new one"
    );
}
