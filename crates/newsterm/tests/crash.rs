//! `kill -9` in the middle of a publishing loop loses nothing that was
//! acknowledged, and leaves no gap in the wire sequence.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Server, health, http, markdown_story, wait_indexed};
use newsterm_api::{PublishAck, SearchResponse};
use newsterm_client::SseParser;

async fn search(url: &str, word: &str) -> SearchResponse {
    http()
        .get(format!("{url}/api/search"))
        .query(&[("q", word)])
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("search answer")
}

#[tokio::test]
async fn acknowledged_stories_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let url = server.url.clone();

    let acked: Arc<Mutex<Vec<(PublishAck, String)>>> = Arc::default();
    let mut publishers = Vec::new();
    for p in 0..4 {
        let url = url.clone();
        let acked = acked.clone();
        publishers.push(tokio::spawn(async move {
            for i in 0.. {
                let word = format!("crashword{p}x{i}");
                let resp = http()
                    .post(format!("{url}/api/stories"))
                    .header("content-type", "text/markdown")
                    .body(markdown_story(&format!("Crash test {p}/{i}"), &word))
                    .send()
                    .await;
                let Ok(resp) = resp else { return };
                if resp.status() != 201 {
                    return;
                }
                let Ok(ack) = resp.json::<PublishAck>().await else {
                    return;
                };
                acked.lock().unwrap().push((ack, word));
            }
        }));
    }
    // A random moment after the loop is well under way (however slow the
    // machine: counted in acknowledged publishes, then a random wait).
    while acked.lock().unwrap().len() <= 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(fastrand::u64(0..500))).await;
    server.kill9();
    for p in publishers {
        let _ = p.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 10,
        "only {} publishes before the kill",
        acked.len()
    );

    let server = Server::start(dir.path());
    let url = server.url.clone();
    let h = health(&url).await;
    assert!(h.last_seq >= acked.iter().map(|(a, _)| a.seq).max().unwrap());
    // The last stories acknowledged before the kill are searchable at
    // once, whether or not the index had committed them.
    for (ack, word) in acked.iter().rev().take(5) {
        assert_eq!(
            search(&url, word).await.total,
            1,
            "story {} not searchable right after the restart",
            ack.id
        );
    }
    wait_indexed(&url, h.last_seq).await;

    for (ack, _) in &acked {
        let resp = http()
            .get(format!("{url}/api/stories/{}", ack.id))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "acknowledged story {} lost", ack.id);
    }
    // Every acknowledged story is searchable after the restart (sampled
    // so the test stays quick, but always including the last ones).
    let mut sample: Vec<&(PublishAck, String)> = acked.iter().rev().take(20).collect();
    sample.extend(acked.iter().step_by(7));
    for (ack, word) in sample {
        let resp = search(&url, word).await;
        assert_eq!(
            resp.hits.len(),
            1,
            "story {} not searchable for {word}",
            ack.id
        );
        assert_eq!(resp.hits[0].id, ack.id);
    }

    // The wire sequence has no gap: replaying from 0 yields 1..=last.
    let mut resp = http()
        .get(format!("{url}/api/stream?since=0"))
        .send()
        .await
        .unwrap();
    let mut parser = SseParser::default();
    let mut seqs = Vec::new();
    while seqs.len() < h.last_seq as usize {
        let chunk = tokio::time::timeout(Duration::from_secs(30), resp.chunk())
            .await
            .expect("replay went quiet")
            .unwrap()
            .expect("replay ended");
        for ev in parser.feed(&chunk) {
            if ev.event.as_deref() == Some("story") {
                seqs.push(ev.id.unwrap().parse::<u64>().unwrap());
            }
        }
    }
    assert_eq!(seqs, (1..=h.last_seq).collect::<Vec<_>>());
}
