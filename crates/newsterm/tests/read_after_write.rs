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

/// Publishes probed for read-after-write, each checked at once: enough to
/// meet the indexer in every state while staying quick in a debug build.
const PROBES: usize = 100;
/// Every this many probes the test waits for the index to commit them all,
/// so later probes are found beside committed ones and the committed ones
/// are counted once (the staged copy gives way to the indexed one).
const COMMIT_EVERY_PROBES: usize = 25;
/// Lines in each request of the concurrent bulk import: enough to keep
/// the writer batching and the indexer busy beside the probes.
const IMPORT_BATCH: usize = 25;

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
            let lines: Vec<String> = (0..IMPORT_BATCH)
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

    for i in 0..PROBES {
        let word = format!("rawword{i}q");
        let ack = publish(
            &url,
            "text/markdown",
            markdown_story(&format!("Read after write {i}"), &word),
        )
        .await;
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
        // Across an index commit: once everything so far is committed,
        // each probe is still there exactly once.
        if (i + 1) % COMMIT_EVERY_PROBES == 0 {
            common::wait_indexed(&url, common::health(&url).await.last_seq).await;
            assert_eq!(
                total(&url, "headline:read headline:after headline:write").await,
                (i + 1) as u64,
                "after the commit following probe {i}"
            );
        }
    }
    stop_tx.send(true).unwrap();
    let imported = import.await.unwrap();
    assert!(imported > 0, "the import never ran beside the publishes");
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
