//! Several newsterm nodes over a real NATS JetStream cluster, on loopback:
//! one wire for all, every node's store the same, nothing acknowledged
//! lost when a node and a NATS server are killed, a retried publish
//! stored once, a node that fell behind the stream's retention reloaded
//! from a snapshot.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use common::nats::{NatsCluster, data_dirs, live_nodes_are, node, nodes_on};
use common::{get_json, health, http, markdown_story};
use futures_util::StreamExt;
use newsterm_api::{Health, PublishAck, SearchResponse};
use newsterm_client::SseParser;
use newsterm_story::Story;
use tokio::sync::watch;

/// One stored revision as a store dump lists it: sequence, story id,
/// revision, receipt time, content, tags (both as stored, deflated), and the lifecycle (kind, note,
/// the story's event and near-duplicate link).
type Row = (
    i64,
    String,
    i64,
    i64,
    rusqlite::types::Value,
    rusqlite::types::Value,
    String,
);

/// Every revision in a node's store, in wire order, read straight from
/// its SQLite file.
fn dump(data: &Path) -> Vec<Row> {
    let conn = rusqlite::Connection::open_with_flags(
        data.join("store.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open store");
    let mut stmt = conn
        .prepare(
            "SELECT r.seq, r.id, r.revision, r.received, r.content, r.tags,
                    COALESCE(r.kind, '') || '|' || COALESCE(r.note, '') || '|' ||
                    COALESCE(s.event, '') || '|' || COALESCE(s.duplicate_of, '')
             FROM revisions r JOIN stories s ON s.id = r.id ORDER BY r.seq",
        )
        .expect("dump query");
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })
    .expect("dump rows")
    .collect::<Result<_, _>>()
    .expect("dump")
}

const FIRE: [&str; 3] = [
    "Firefighters battled a blaze at the Grand Hotel in Porto on Tuesday night, forcing the evacuation of some 300 guests.",
    "The fire started in a kitchen on the ground floor shortly after 10 pm and spread to the upper floors, the civil protection agency said.",
    "Two guests were taken to hospital with smoke inhalation; no deaths were reported.",
];

fn fire_story(source: &str, body: &[&str]) -> String {
    format!(
        "---\nheadline: \"Fire forces evacuation of Porto hotel\"\nsource: {source}\npublished: 2024-05-01T21:30:00Z\n---\n\n{}\n",
        body.join("\n\n")
    )
}

/// Waits (bounded) until a node has applied and indexed the wire up to
/// `seq`.
async fn caught_up(url: &str, seq: u64) -> Health {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let h = health(url).await;
        let applied = h.cluster.as_ref().map_or(0, |c| c.applied_seq);
        if applied >= seq && h.indexed_seq >= seq {
            return h;
        }
        assert!(
            Instant::now() < deadline,
            "{url} stuck at applied {applied}, indexed {} (want {seq}): {h:?}",
            h.indexed_seq
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Publishes with an idempotency key, retrying on the next node (same
/// key) whenever a node does not answer: what a careful publisher does.
async fn publish_keyed(urls: &[String], first: usize, key: &str, body: String) -> PublishAck {
    let client = http();
    for attempt in 0..40 {
        let url = &urls[(first + attempt) % urls.len()];
        let sent = client
            .post(format!("{url}/api/stories"))
            .header("content-type", "text/markdown")
            .header("Idempotency-Key", key)
            .timeout(Duration::from_secs(30))
            .body(body.clone())
            .send()
            .await;
        // 200: a node that already had the story answers with it.
        if let Ok(resp) = sent
            && (resp.status() == 201 || resp.status() == 200)
        {
            return resp.json().await.expect("publish ack");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no node took publish {key}");
}

async fn search_total(url: &str, q: &str) -> SearchResponse {
    let mut u = reqwest::Url::parse(&format!("{url}/api/search")).expect("url");
    u.query_pairs_mut().append_pair("q", q);
    get_json(u).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_hold_one_wire_and_a_retried_publish_is_stored_once() {
    let nats = NatsCluster::start(3);
    let dirs = data_dirs(3);
    let (_nodes, urls) = nodes_on(&dirs, &nats, &[]);

    // 1,000 stories published over the three nodes, a dozen at a time.
    let acks: Vec<(usize, PublishAck)> = futures_util::stream::iter(0..1000usize)
        .map(|i| {
            let url = urls[i % 3].clone();
            async move {
                let body = markdown_story(&format!("Cluster story {i}"), &format!("w{i}x"));
                (i, common::publish(&url, "text/markdown", body).await)
            }
        })
        .buffer_unordered(12)
        .collect()
        .await;
    // Every tenth story revised on another node than the one that took it.
    for (i, ack) in acks.iter().filter(|(i, _)| i % 10 == 0) {
        let resp = http()
            .put(format!("{}/api/stories/{}", urls[(i + 1) % 3], ack.id))
            .header("content-type", "text/markdown")
            .body(markdown_story(
                &format!("Cluster story {i} revised"),
                &format!("w{i}x"),
            ))
            .send()
            .await
            .expect("revise");
        assert_eq!(resp.status(), 200, "revise on another node");
    }

    // A publisher that gives up after 1 ms and sends the same story again
    // with the same key, to another node, then to a third.
    let retried = markdown_story("Retried story", "retriedword");
    let _ = http()
        .post(format!("{}/api/stories", urls[0]))
        .header("content-type", "text/markdown")
        .header("Idempotency-Key", "retry-7f3c")
        .timeout(Duration::from_millis(1))
        .body(retried.clone())
        .send()
        .await;
    let second = publish_keyed(&urls, 1, "retry-7f3c", retried.clone()).await;
    let third = publish_keyed(&urls, 2, "retry-7f3c", retried).await;
    assert_eq!(
        (second.id, second.seq),
        (third.id, third.seq),
        "a repeat is answered with the first story"
    );

    // One story from two outlets, each taken by another node: the node
    // that takes the copy links it to the original and puts it in the
    // same event, once, and every node stores that; a withdrawal sent to
    // a third node reaches them all.
    let original =
        common::publish(&urls[0], "text/markdown", fire_story("Coastal Wire", &FIRE)).await;
    caught_up(&urls[1], original.seq).await;
    let copy = common::publish(
        &urls[1],
        "text/markdown",
        fire_story("Northern Post", &[FIRE[1], FIRE[0], FIRE[2]]),
    )
    .await;
    let killed = http()
        .post(format!("{}/api/stories/{}/withdraw", urls[2], original.id))
        .json(&serde_json::json!({"reason": "The report was false"}))
        .send()
        .await
        .expect("withdraw");
    assert_eq!(killed.status(), 200, "withdraw on a third node");

    let last = nodes_last(&urls).await;
    assert_eq!(
        last,
        1000 + 100 + 1 + 3,
        "one wire number per revision, no gap"
    );
    let mut events = BTreeSet::new();
    for url in &urls {
        let h = caught_up(url, last).await;
        assert_eq!(h.stories, 1003, "{url}: the retried story is stored once");
        let was: Story = get_json(format!("{url}/api/stories/{}", original.id)).await;
        assert!(was.is_withdrawn(), "{url}: the withdrawal is applied");
        let copied: Story = get_json(format!("{url}/api/stories/{}", copy.id)).await;
        assert_eq!(
            copied.mark.duplicate_of,
            Some(original.id),
            "{url}: copy link"
        );
        assert_eq!(copied.mark.event, was.mark.event, "{url}: one event");
        events.insert(copied.mark.event.expect("the copy has an event"));
        let found = search_total(url, "Porto").await;
        assert_eq!(
            found.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
            [copy.id],
            "{url}: the withdrawn story left search"
        );
        assert_eq!(h.cluster.expect("cluster health").behind, 0);
        live_nodes_are(std::slice::from_ref(url), &["node1", "node2", "node3"]).await;
    }

    assert_eq!(events.len(), 1, "the same event id on every node");

    // The same stories at the same sequence numbers everywhere, with the
    // same events, near-duplicate links and withdrawals.
    let first = dump(dirs[0].path());
    assert_eq!(first.len() as u64, last);
    let seqs: Vec<i64> = first.iter().map(|r| r.0).collect();
    assert_eq!(seqs, (1..=last as i64).collect::<Vec<_>>());
    for dir in &dirs[1..] {
        assert!(dump(dir.path()) == first, "store dumps differ");
    }

    // Each story searchable on every node.
    let checks: Vec<_> = acks
        .iter()
        .flat_map(|(i, ack)| urls.iter().map(move |u| (u.clone(), *i, ack.id)))
        .collect();
    futures_util::stream::iter(checks)
        .for_each_concurrent(16, |(url, i, id)| async move {
            let r = search_total(&url, &format!("w{i}x")).await;
            assert_eq!(r.total, 1, "{url}: story {i}");
            assert_eq!(r.hits[0].id, id);
        })
        .await;
    for url in &urls {
        assert_eq!(search_total(url, "retriedword").await.total, 1);
    }
}

/// The highest wire sequence any node knows of.
async fn nodes_last(urls: &[String]) -> u64 {
    let mut last = 0;
    for url in urls {
        let h = health(url).await;
        last = last.max(h.cluster.map_or(h.last_seq, |c| c.stream_seq));
    }
    last
}

/// Follows the wire over SSE from the start on `urls[0]`; whenever the
/// connection breaks, resumes on the next URL with the last id received.
/// Returns every sequence received once `until` says how far to read.
async fn follow_wire(urls: Vec<String>, mut until: watch::Receiver<u64>) -> Vec<u64> {
    let mut seqs = Vec::new();
    let mut at = 0usize;
    loop {
        let resp = http()
            .get(format!("{}/api/stream", urls[at % urls.len()]))
            .header(
                "Last-Event-ID",
                seqs.last().copied().unwrap_or(0).to_string(),
            )
            .send()
            .await;
        let Ok(mut resp) = resp else {
            at += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let mut parser = SseParser::default();
        loop {
            let target = *until.borrow();
            if target > 0 && seqs.last().is_some_and(|s| *s >= target) {
                return seqs;
            }
            let chunk = tokio::select! {
                c = resp.chunk() => c,
                _ = until.changed() => continue,
            };
            match chunk {
                Ok(Some(chunk)) => {
                    for ev in parser.feed(&chunk) {
                        if ev.event.as_deref() == Some("story") {
                            let seq = ev.id.as_deref().and_then(|s| s.parse().ok());
                            seqs.push(seq.expect("story event id"));
                        }
                    }
                }
                _ => break,
            }
        }
        // The node went away: carry on at another one.
        at += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_and_a_nats_server_killed_mid_publish_lose_nothing_acknowledged() {
    let mut nats = NatsCluster::start(3);
    let dirs = data_dirs(3);
    let (mut nodes, urls) = nodes_on(&dirs, &nats, &[]);

    // A reader of node3's stream, which moves to node1 when node3 dies.
    let (until_tx, until) = watch::channel(0u64);
    let reader = tokio::spawn(follow_wire(vec![urls[2].clone(), urls[0].clone()], until));

    let total = 600usize;
    let (killed_tx, killed) = watch::channel(false);
    let publisher = {
        let urls = urls.clone();
        tokio::spawn(async move {
            futures_util::stream::iter(0..total)
                .map(|i| {
                    let urls = urls.clone();
                    let mut killed = killed.clone();
                    async move {
                        if i == total / 2 {
                            // Half-way: wait for the kills before going on.
                            let _ = killed.wait_for(|k| *k).await;
                        }
                        let body = markdown_story(&format!("Kill story {i}"), &format!("k{i}x"));
                        publish_keyed(&urls, i % 3, &format!("kill-{i}"), body).await
                    }
                })
                .buffered(8)
                .collect::<Vec<_>>()
                .await
        })
    };
    // While publishing: kill -9 node3 and the NATS server node2 talks to.
    while health(&urls[0]).await.last_seq < (total / 3) as u64 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    nodes[2].kill9();
    nats.kill9(1);
    let _ = killed_tx.send(true);
    let acks = publisher.await.expect("publisher");

    // Still during the outage: the two nodes left (node2 cut from its
    // NATS server) hold every acknowledged story.
    let acked = acks.iter().map(|a| a.seq).max().unwrap_or(0);
    for url in &urls[..2] {
        let h = caught_up(url, acked).await;
        assert_eq!(h.stories, total as u64, "{url} during the outage");
    }

    // Back up: the NATS server, then node3 on the store it had.
    nats.restart(1);
    nodes[2] = node(dirs[2].path(), &nats, 2, 3, &[]);
    let urls: Vec<String> = nodes.iter().map(|n| n.url.clone()).collect();
    let last = nodes_last(&urls).await;
    assert_eq!(last, total as u64, "one wire number per story, no repeat");
    for url in &urls {
        let h = caught_up(url, last).await;
        assert_eq!(h.stories, total as u64, "{url}");
    }
    let first = dump(dirs[0].path());
    for dir in &dirs[1..] {
        assert!(dump(dir.path()) == first, "store dumps differ");
    }
    for ack in &acks {
        let row = &first[(ack.seq - 1) as usize];
        assert_eq!(
            (row.0 as u64, row.1.as_str()),
            (ack.seq, ack.id.to_string().as_str()),
            "acknowledged story at its sequence"
        );
    }

    let _ = until_tx.send(last);
    let seqs = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .expect("the stream reader finished")
        .expect("reader task");
    assert_eq!(
        seqs,
        (1..=last).collect::<Vec<_>>(),
        "the reader saw every event once, in order, across the move"
    );
    let distinct: BTreeSet<u64> = seqs.iter().copied().collect();
    assert_eq!(distinct.len(), seqs.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_further_behind_than_retention_reloads_from_a_snapshot() {
    let nats = NatsCluster::start(1);
    let dirs = data_dirs(2);
    let retain = ["--retain-entries", "50"];
    let a = node(dirs[0].path(), &nats, 0, 1, &retain);
    let mut b = node(dirs[1].path(), &nats, 1, 1, &retain);
    for i in 0..20 {
        common::publish(
            &a.url,
            "text/markdown",
            markdown_story("Early", &format!("e{i}x")),
        )
        .await;
    }
    caught_up(&b.url, 20).await;
    assert!(b.terminate().success());

    // While b is down the stream moves on far past what it keeps.
    for i in 0..200 {
        common::publish(
            &a.url,
            "text/markdown",
            markdown_story("Late", &format!("l{i}x")),
        )
        .await;
    }
    let b = node(dirs[1].path(), &nats, 1, 1, &retain);
    let h = caught_up(&b.url, 220).await;
    let c = h.cluster.expect("cluster health");
    assert_eq!((c.applied_seq, c.behind, c.problem), (220, 0, None));
    assert_eq!(h.stories, 220);
    assert!(
        dump(dirs[1].path()) == dump(dirs[0].path()),
        "store dumps differ"
    );
    assert_eq!(search_total(&b.url, "l150x").await.total, 1);
    assert_eq!(search_total(&b.url, "e5x").await.total, 1);
}
