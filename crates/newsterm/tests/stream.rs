//! The live wire end to end: order, resume without loss or repeats, and
//! isolation from subscribers that do not read.

mod common;

use std::time::{Duration, Instant};

use common::{Server, health, import_lines, markdown_story, publish};
use futures_util::StreamExt;
use newsterm_api::Headline;
use newsterm_client::SseParser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// Fails, naming the first difference, unless `seqs` is exactly
/// `first..=last` in order.
fn assert_run(seqs: &[u64], first: u64, last: u64, what: &str) {
    let expected = first..=last;
    if let Some((i, (got, want))) = seqs
        .iter()
        .zip(expected.clone())
        .enumerate()
        .find(|(_, (g, w))| **g != *w)
    {
        panic!("{what}: event {i} is seq {got}, expected {want}");
    }
    assert_eq!(
        seqs.len() as u64,
        expected.count() as u64,
        "{what}: {} events for {first}..={last}",
        seqs.len()
    );
}

/// How far a subscriber may fall behind before the server drops it
/// (README: "more than 8,192 events behind").
const WIRE_CAPACITY: u64 = 8192;

/// `n` JSON lines with long headlines and sources in a 3-byte script, so
/// that every event is a few kilobytes and fills socket buffers quickly.
fn bulky_lines(first: u64, n: u64) -> String {
    let filler = "港口起重机停工码头罢工进入第三天".repeat(20);
    (first..first + n)
        .map(|i| {
            let headline: String = format!("Bulk {i} {filler}").chars().take(300).collect();
            let source: String = format!("Wire {filler}").chars().take(200).collect();
            serde_json::json!({"title": headline, "source": source, "body": format!("Body {i}.")})
                .to_string()
                + "\n"
        })
        .collect()
}

/// The most a server can have written ahead of a reader that reads
/// nothing: the kernel's largest TCP send buffer (`tcp_wmem`, Linux),
/// plus a generous allowance for the HTTP layer's write buffer and the
/// reader's tiny receive window.
fn max_bytes_in_flight() -> u64 {
    let wmem_max = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|s| s.split_whitespace().nth(2)?.parse::<u64>().ok())
        .unwrap_or(4 << 20);
    wmem_max + (2 << 20)
}

/// Decodes a chunked HTTP/1.1 response as it arrives.
#[derive(Default)]
struct Dechunker {
    raw: Vec<u8>,
    at: usize,
    in_body: bool,
    ended: bool,
}

impl Dechunker {
    /// Takes more bytes and returns the body bytes they complete.
    fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.raw.extend_from_slice(bytes);
        let mut body = Vec::new();
        if !self.in_body {
            let Some(end) = self.raw.windows(4).position(|w| w == b"\r\n\r\n") else {
                return body;
            };
            let head = String::from_utf8_lossy(&self.raw[..end]).to_ascii_lowercase();
            assert!(head.starts_with("http/1.1 200"), "{head}");
            assert!(head.contains("transfer-encoding: chunked"), "{head}");
            self.at = end + 4;
            self.in_body = true;
        }
        while !self.ended {
            let rest = &self.raw[self.at..];
            let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") else {
                break;
            };
            let size_text = String::from_utf8_lossy(&rest[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .unwrap_or_else(|_| panic!("bad chunk size {size_text:?}"));
            if size == 0 {
                self.ended = true;
                break;
            }
            let data = line_end + 2;
            if rest.len() < data + size + 2 {
                break;
            }
            body.extend_from_slice(&rest[data..data + size]);
            self.at += data + size + 2;
        }
        // Keep memory flat over a long stream.
        self.raw.drain(..self.at);
        self.at = 0;
        body
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_subscriber_is_told_where_to_resume_and_never_holds_up_anyone() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let started = Instant::now();

    // Some history first, so "from now" is not the start of the wire.
    let history = import_lines(&url, &bulky_lines(0, 40), false).await;
    let joined_at = history.last_seq.unwrap();

    // A subscriber with a tiny receive window that asks for the stream
    // and then reads nothing: the server's writes to it soon block.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let mut stalled = socket.connect(addr).await.unwrap();
    stalled
        .write_all(format!("GET /api/stream HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut live = open(&url, None).await;
    let mut parser = SseParser::default();
    let deadline = Instant::now() + Duration::from_secs(20);
    while health(&url).await.subscribers < 2 {
        assert!(
            Instant::now() < deadline,
            "the stalled subscriber never attached"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Publish until the stalled subscriber must be more than the wire's
    // capacity behind, whatever the sockets and the HTTP layer buffered
    // for it. Each batch is acknowledged, and reaches the reading
    // subscriber whole, while the stalled one holds its connection
    // unread: a fan-out that waited for it would hang here.
    const BATCH: u64 = 500;
    let mut next = 40;
    let mut last_seq = joined_at;
    let mut smallest_event = u64::MAX;
    loop {
        let buffered_events = max_bytes_in_flight() / smallest_event.min(1 << 20);
        if last_seq >= joined_at + WIRE_CAPACITY + buffered_events + BATCH {
            break;
        }
        let report = tokio::time::timeout(
            Duration::from_secs(60),
            import_lines(&url, &bulky_lines(next, BATCH), false),
        )
        .await
        .expect("publishing stalled behind a subscriber that does not read");
        next += BATCH;
        let (first, last) = (report.first_seq.unwrap(), report.last_seq.unwrap());
        assert_eq!(first, last_seq + 1, "wire sequence has a gap");
        let got = read_stories(&mut live, &mut parser, (last - first + 1) as usize).await;
        let seqs: Vec<u64> = got.iter().map(|h| h.seq).collect();
        assert_run(&seqs, first, last, "the reading subscriber");
        for h in &got {
            // The event's data alone; the frame around it only adds.
            smallest_event = smallest_event.min(serde_json::to_string(h).unwrap().len() as u64);
        }
        last_seq = last;
    }
    println!(
        "published {} stories of at least {smallest_event} bytes each in {:?}",
        last_seq - joined_at,
        started.elapsed()
    );

    // Now the stalled subscriber reads: the stories it was sent before it
    // stalled, in order from where it joined, then `lagged` with the last
    // one it got, then the end of the stream.
    let mut dechunker = Dechunker::default();
    let mut sse = SseParser::default();
    let mut seen = Vec::new();
    let mut resume_from = None;
    let mut buf = vec![0u8; 256 * 1024];
    let deadline = Instant::now() + Duration::from_secs(120);
    while !dechunker.ended {
        let n = tokio::time::timeout_at(deadline.into(), stalled.read(&mut buf))
            .await
            .expect("the stalled stream neither lagged nor ended")
            .expect("read stalled stream");
        assert!(
            n > 0,
            "server closed the connection before the stream ended"
        );
        for ev in sse.feed(&dechunker.feed(&buf[..n])) {
            match ev.event.as_deref() {
                Some("story") => {
                    assert!(resume_from.is_none(), "a story after `lagged`");
                    let seq = ev.id.unwrap().parse::<u64>().unwrap();
                    assert!(
                        seq < last_seq,
                        "the stalled subscriber got every story: it never fell behind"
                    );
                    seen.push(seq);
                }
                Some("lagged") => {
                    let lagged: newsterm_api::Lagged = serde_json::from_str(&ev.data).unwrap();
                    resume_from = Some(lagged.resume_from);
                }
                _ => {}
            }
        }
    }
    let resume_from = resume_from.expect("the stalled stream ended without `lagged`");
    assert_run(
        &seen,
        joined_at + 1,
        resume_from,
        "before `lagged`, the stalled subscriber from where it joined",
    );
    assert!(
        resume_from + WIRE_CAPACITY <= last_seq,
        "lagged at {resume_from} of {last_seq}: it did not really fall behind"
    );

    // Resuming from `resume_from` delivers everything it missed, once.
    let mut resumed = open(&url, Some(resume_from)).await;
    let mut parser = SseParser::default();
    let got = read_stories(&mut resumed, &mut parser, (last_seq - resume_from) as usize).await;
    let seqs: Vec<u64> = got.iter().map(|h| h.seq).collect();
    assert_run(
        &seqs,
        resume_from + 1,
        last_seq,
        "resumed from `resume_from`",
    );
    let fresh = publish(&url, "text/markdown", markdown_story("Fresh", "fresh")).await;
    let next = read_stories(&mut resumed, &mut parser, 1).await;
    assert_eq!(next[0].seq, fresh.seq, "no event may be delivered twice");
    println!("whole test {:?}", started.elapsed());
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

#[tokio::test]
async fn a_wire_event_carries_the_places_its_story_names_for_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    let mut resp = open(&url, None).await;
    let mut parser = SseParser::default();
    publish(
        &url,
        "text/markdown",
        "---\nheadline: Ferry talks resume\ndateline: GENEVA, Switzerland\n---\n\nNegotiators met in Geneva and then in Lausanne on Tuesday, and again in Geneva on Wednesday.\n".to_string(),
    )
    .await;
    publish(
        &url,
        "text/markdown",
        markdown_story("Quiet day on the markets", "nothing named"),
    )
    .await;
    let events = read_stories(&mut resp, &mut parser, 2).await;
    let names: Vec<&str> = events[0].places.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Geneva", "Lausanne"], "{:?}", events[0].places);
    let geneva = &events[0].places[0];
    assert_eq!(geneva.country.as_deref(), Some("CH"));
    assert!(
        (geneva.lat - 46.2).abs() < 0.1 && (geneva.lon - 6.15).abs() < 0.1,
        "{geneva:?}"
    );
    assert!(events[1].places.is_empty(), "{:?}", events[1].places);
}
