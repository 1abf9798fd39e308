//! What an archive costs on disk: the bundled Wikinews articles imported
//! into a fresh data directory take no more than 1.5 times their JSON
//! (store and index together, after the server stops), and a search
//! still shows each hit's headline and snippet, which the index no
//! longer keeps: they are read from the store.

mod common;

use std::io::Read;
use std::path::Path;

use common::{Server, import_lines, search, wait_indexed};

fn bundled_articles() -> String {
    let gz = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/wikinews_articles.jsonl.gz"
    ))
    .expect("bundled articles");
    let mut lines = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut lines)
        .expect("gunzip");
    lines
}

fn bytes_below(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map_or(0, |m| m.len());
    };
    entries
        .map(|e| bytes_below(&e.expect("dir entry").path()))
        .sum()
}

#[tokio::test]
async fn an_imported_archive_takes_at_most_one_and_a_half_times_its_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let lines = bundled_articles();
    let json = lines.len() as u64;
    let mut server = Server::start(&data);
    let report = import_lines(&server.url, &lines, false).await;
    let last = report.last_seq.expect("stories imported");
    wait_indexed(&server.url, last).await;
    assert!(server.terminate().success());

    let store = bytes_below(&data.join("store.db"))
        + bytes_below(&data.join("store.db-wal"))
        + bytes_below(&data.join("store.db-shm"));
    let index = bytes_below(&data.join("index"));
    let stories = report.imported.max(1);
    // The figure BENCHMARKS.md quotes (`-- --nocapture` shows it).
    println!(
        "{stories} stories, JSON {} B/story: store {} B/story, index {} B/story, together {:.2}x the JSON",
        json / stories,
        store / stories,
        index / stories,
        (store + index) as f64 / json as f64
    );
    assert!(
        2 * (store + index) <= 3 * json,
        "{json} bytes of JSON take {store} in the store and {index} in the index"
    );

    // Hits show their text, read from the store, after a restart too.
    let server = Server::start(&data);
    let found = search(&server.url, "dreamliner").await;
    assert!(found.total > 0);
    let hit = &found.hits[0];
    assert!(!hit.headline.is_empty(), "{hit:?}");
    assert!(
        hit.snippet.to_lowercase().contains("<b>dreamliner"),
        "{hit:?}"
    );
}
