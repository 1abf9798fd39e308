//! The live wire end to end: order, resume without loss or repeats, and
//! isolation from subscribers that do not read.

mod common;

use std::time::Duration;

use common::{Server, markdown_story, publish};
use futures_util::StreamExt;
use newsterm_api::Headline;
use newsterm_client::SseParser;
use tokio::io::AsyncWriteExt;

/// Reads `n` story events from an open SSE response, returning their
/// sequence numbers and headlines.
async fn read_stories(
    resp: &mut reqwest::Response,
    parser: &mut SseParser,
    n: usize,
) -> Vec<Headline> {
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = tokio::time::timeout(Duration::from_secs(30), resp.chunk())
            .await
            .expect("stream went quiet")
            .expect("stream read")
            .expect("stream ended");
        for ev in parser.feed(&chunk) {
            if ev.event.as_deref() == Some("story") {
                let h: Headline = serde_json::from_str(&ev.data).expect("story event JSON");
                assert_eq!(
                    ev.id.as_deref(),
                    Some(h.seq.to_string().as_str()),
                    "SSE id is the wire seq"
                );
                out.push(h);
            }
        }
    }
    out
}

async fn open(url: &str, last_event_id: Option<u64>) -> reqwest::Response {
    let mut req = common::http().get(format!("{url}/api/stream"));
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id.to_string());
    }
    let resp = req.send().await.expect("open stream");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    resp
}

#[tokio::test]
async fn subscriber_gets_every_story_in_order_and_resumes_without_loss_or_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();

    let mut resp = open(&url, None).await;
    let mut parser = SseParser::default();
    let mut acks = Vec::new();
    for i in 0..100 {
        acks.push(
            publish(
                &url,
                "text/markdown",
                markdown_story(&format!("Story {i}"), "first"),
            )
            .await,
        );
    }
    let got = read_stories(&mut resp, &mut parser, 100).await;
    assert_eq!(
        got.iter().map(|h| h.seq).collect::<Vec<_>>(),
        acks.iter().map(|a| a.seq).collect::<Vec<_>>()
    );
    assert_eq!(got[41].headline, "Story 41");
    let last_seen = got.last().unwrap().seq;
    drop(resp);

    // While disconnected, 100 more land.
    let mut missed = Vec::new();
    for i in 100..200 {
        missed.push(
            publish(
                &url,
                "text/markdown",
                markdown_story(&format!("Story {i}"), "second"),
            )
            .await,
        );
    }
    let mut resp = open(&url, Some(last_seen)).await;
    let mut parser = SseParser::default();
    let got = read_stories(&mut resp, &mut parser, 100).await;
    assert_eq!(
        got.iter().map(|h| h.seq).collect::<Vec<_>>(),
        missed.iter().map(|a| a.seq).collect::<Vec<_>>(),
        "resume must deliver exactly the missed stories, in order"
    );
    // Nothing more is pending: the next event is a story published now.
    let fresh = publish(&url, "text/markdown", markdown_story("Fresh", "fresh")).await;
    let next = read_stories(&mut resp, &mut parser, 1).await;
    assert_eq!(next[0].seq, fresh.seq, "no event may be delivered twice");
}

#[tokio::test]
async fn a_subscriber_that_never_reads_does_not_hold_up_others() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let addr = url.trim_start_matches("http://").to_string();

    // A raw connection that asks for the stream and then never reads.
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stalled
        .write_all(format!("GET /api/stream HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();

    let mut resp = open(&url, None).await;
    let mut parser = SseParser::default();
    let big = "x".repeat(2000);
    let publisher = {
        let url = url.clone();
        tokio::spawn(async move {
            let mut seqs = Vec::new();
            for i in 0..1500 {
                let md = format!(
                    "---\nheadline: Bulk {i} {}\n---\n\nBody {i}.\n",
                    &big[..200]
                );
                seqs.push(publish(&url, "text/markdown", md).await.seq);
            }
            seqs
        })
    };
    let got = read_stories(&mut resp, &mut parser, 1500).await;
    let seqs = publisher.await.unwrap();
    assert_eq!(got.iter().map(|h| h.seq).collect::<Vec<_>>(), seqs);
    drop(stalled);
}

#[tokio::test]
async fn filtered_stream_and_websocket_deliver_matching_stories() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let client = newsterm_client::Client::new(&url).unwrap();
    let mut filtered = Box::pin(client.stream(Some("volcano OR priority:flash"), None));
    assert!(matches!(
        filtered.next().await,
        Some(Ok(newsterm_client::StreamEvent::Connected))
    ));
    let ws_url = format!("{}/api/ws", url.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(&ws_url)
        .await
        .expect("websocket");

    publish(
        &url,
        "text/markdown",
        markdown_story("Markets calm", "calm"),
    )
    .await;
    let volcano = publish(
        &url,
        "text/markdown",
        markdown_story("Volcano erupts", "lava"),
    )
    .await;
    let flash = publish(
        &url,
        "text/markdown",
        "---\nheadline: Flash from the wire\npriority: flash\n---\n",
    )
    .await;

    let mut got = Vec::new();
    while got.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(30), filtered.next()).await {
            Ok(Some(Ok(newsterm_client::StreamEvent::Story(h)))) => got.push(h.seq),
            Ok(Some(Ok(_))) => {}
            other => panic!("filtered stream failed: {other:?}"),
        }
    }
    assert_eq!(got, vec![volcano.seq, flash.seq]);

    let mut ws_seqs = Vec::new();
    while ws_seqs.len() < 3 {
        let msg = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .expect("websocket quiet")
            .expect("websocket ended")
            .expect("websocket error");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["event"], "story");
            ws_seqs.push(v["seq"].as_u64().unwrap());
        }
    }
    assert_eq!(ws_seqs, vec![volcano.seq - 1, volcano.seq, flash.seq]);
}
