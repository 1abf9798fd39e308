//! A publish waits for a slice of a bulk import at most, never for the
//! whole of it: the writer stores an import a slice at a time and takes
//! the publishes that came meanwhile between two slices.

mod common;

use common::{Server, http, markdown_story, publish};

/// Lines of the import: far more than one slice, so storing them takes
/// long enough (in a debug build, with the search tier to fill) for a
/// publish to arrive while they are stored.
const IMPORT_LINES: usize = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_beside_a_large_import_is_stored_between_its_slices() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let lines: Vec<String> = (0..IMPORT_LINES)
        .map(|i| {
            serde_json::json!({
                "headline": format!("Bulkline archive story {i}"),
                "published": "2020-01-01T00:00:00Z",
                "body": "An older story loaded in bulk, with several words in it."
            })
            .to_string()
        })
        .collect();
    let import_url = url.clone();
    let import = tokio::spawn(async move {
        http()
            .post(format!("{import_url}/api/import?tag=false"))
            .body(lines.join("\n"))
            .send()
            .await
            .expect("import")
            .json::<newsterm_api::ImportReport>()
            .await
            .expect("import report")
    });
    // The import's first slice is stored: the import is under way.
    while common::health(&url).await.last_seq == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let ack = publish(
        &url,
        "text/markdown",
        markdown_story("Published beside the import", "besideword"),
    )
    .await;
    let report = import.await.unwrap();
    assert_eq!(report.imported, IMPORT_LINES as u64, "{report:?}");
    let (first, last) = (report.first_seq.unwrap(), report.last_seq.unwrap());
    assert!(
        first < ack.seq && ack.seq < last,
        "the publish (seq {}) waited for the whole import (seqs {first} to {last})",
        ack.seq
    );
    // Every line was stored and is searchable, the publish too.
    let resp: newsterm_api::SearchResponse = http()
        .get(format!("{url}/api/search"))
        .query(&[("q", "headline:bulkline"), ("limit", "1")])
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("search answer");
    assert_eq!(resp.total, IMPORT_LINES as u64);
}
