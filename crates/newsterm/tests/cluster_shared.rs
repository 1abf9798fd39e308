//! What a cluster's nodes share besides the wire, over real nats-server
//! and newsterm processes on loopback: users and tokens (a token made on
//! one node works on every node, and its revocation on one refuses it on
//! all), and standing alerts (added on one node, listed and firing on
//! another, removed everywhere, each webhook sent by one node while
//! nodes leave, join and die).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::nats::{NatsCluster, data_dirs, live_nodes_are, node, nodes_on};
use common::{add_user, http, markdown_story, newsterm, stdout_of, token_for};
use newsterm_api::{AlertHit, AlertInfo, PublishAck};

/// The HTTP status `GET {url}/api/alerts` answers with `token` (none
/// when empty).
async fn alerts_status(url: &str, token: &str) -> u16 {
    let mut req = http().get(format!("{url}/api/alerts"));
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    req.send().await.expect("GET alerts").status().as_u16()
}

/// Polls (bounded) until `check` holds, naming `what` if it never does.
async fn until<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    until_within(30, what, check).await;
}

/// [`until`] with `secs` seconds to hold.
async fn until_within<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls each node in turn until `check` holds on it, naming the node
/// and `what` if it never does.
async fn on_every_node<F, Fut>(urls: &[String], what: &str, check: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = bool>,
{
    for url in urls {
        until(&format!("{url} {what}"), || check(url.clone())).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_made_on_one_node_works_on_every_node_and_its_revocation_everywhere() {
    let nats = NatsCluster::start(3);
    let dirs = data_dirs(3);
    // The first admin exists on node 1 before the cluster does: the
    // first node to join brings it.
    add_user(dirs[0].path(), "ana", "admin", None);
    let (_nodes, urls) = nodes_on(&dirs, &nats, &[]);
    // Made on node 1's data directory while it runs.
    let admin = token_for(dirs[0].path(), "ana", None);
    add_user(dirs[0].path(), "rae", "reader", None);
    let reader = token_for(dirs[0].path(), "rae", None);

    for url in &urls {
        until(&format!("{url} refuses a request without a token"), || {
            let url = url.clone();
            async move { alerts_status(&url, "").await == 401 }
        })
        .await;
        until(&format!("{url} takes the reader's token"), || {
            let (url, reader) = (url.clone(), reader.clone());
            async move { alerts_status(&url, &reader).await == 200 }
        })
        .await;
        assert_eq!(alerts_status(url, &admin).await, 200, "{url}, admin token");
    }

    // Node 3's directory lists the users made on node 1.
    let d3 = dirs[2].path().to_str().unwrap();
    let listed = stdout_of(&newsterm(&["user", "list", "--data", d3]));
    assert!(
        listed.contains("ana\tadmin") && listed.contains("rae\treader"),
        "{listed}"
    );

    // Revoked on node 1: refused on nodes 2 and 3 too.
    let id = reader.split('_').nth(1).expect("token id").to_string();
    let d1 = dirs[0].path().to_str().unwrap();
    stdout_of(&newsterm(&["token", "revoke", &id, "--data", d1]));
    on_every_node(&urls, "refuses the revoked token", |url| {
        let reader = reader.clone();
        async move { alerts_status(&url, &reader).await == 401 }
    })
    .await;
    assert_eq!(alerts_status(&urls[1], &admin).await, 200);

    // A user removed on node 2 loses every token on every node.
    let d2 = dirs[1].path().to_str().unwrap();
    stdout_of(&newsterm(&["user", "rm", "ana", "--data", d2]));
    on_every_node(&urls, "refuses the removed user's token", |url| {
        let admin = admin.clone();
        async move { alerts_status(&url, &admin).await == 401 }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_alert_added_on_one_node_fires_on_another_and_its_removal_reaches_all() {
    let nats = NatsCluster::start(3);
    let dirs = data_dirs(3);
    let (_nodes, urls) = nodes_on(&dirs, &nats, &[]);

    let resp = http()
        .post(format!("{}/api/alerts", urls[0]))
        .json(&serde_json::json!({"name": "zebras", "query": "zebrafinch"}))
        .send()
        .await
        .expect("add alert");
    assert_eq!(resp.status(), 201);
    let alert: AlertInfo = resp.json().await.expect("alert");

    on_every_node(
        &urls[1..],
        "lists the alert added on node 1",
        |url| async move {
            let listed: Vec<AlertInfo> = common::get_json(format!("{url}/api/alerts")).await;
            listed
                .iter()
                .any(|a| a.id == alert.id && a.query == "zebrafinch")
        },
    )
    .await;

    // Published on node 3: node 2's alert hits show it.
    let ack = common::publish(
        &urls[2],
        "text/markdown",
        markdown_story("Zebra finches sighted", "zebrafinch"),
    )
    .await;
    until("node 2 records the hit", || {
        let url = urls[1].clone();
        async move {
            let hits: Vec<AlertHit> =
                common::get_json(format!("{url}/api/alerts/{}/hits", alert.id)).await;
            hits.iter().any(|h| h.story.id == ack.id)
        }
    })
    .await;

    // Removed on node 2: gone from every node.
    delete(
        &format!("{}/api/alerts/{}", urls[1], alert.id),
        "remove alert",
    )
    .await;
    on_every_node(&urls, "no longer lists the alert", |url| async move {
        let listed: Vec<AlertInfo> = common::get_json(format!("{url}/api/alerts")).await;
        listed.is_empty()
    })
    .await;

    // Ids come from the cluster: an alert added next on another node
    // never takes the removed one's.
    let resp = http()
        .post(format!("{}/api/alerts", urls[2]))
        .json(&serde_json::json!({"name": "again", "query": "zebrafinch"}))
        .send()
        .await
        .expect("add alert");
    let again: AlertInfo = resp.json().await.expect("alert");
    assert!(again.id > alert.id, "{} reused {}", again.id, alert.id);
}

/// Every webhook delivery a [`webhook_target`] received: (alert id,
/// story id), in arrival order.
type Deliveries = Arc<Mutex<Vec<(u64, String)>>>;

/// A webhook target on loopback that keeps every delivery's alert and
/// story id.
async fn webhook_target() -> (String, Deliveries) {
    let got: Deliveries = Arc::default();
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let keep = keep.clone();
            async move {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let alert = v["alert"]["id"].as_u64().unwrap_or(0);
                let id = v["story"]["id"].as_str().unwrap_or("").to_string();
                keep.lock().unwrap().push((alert, id));
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), got)
}

/// True when `got` holds a delivery of `story` (by any alert).
fn delivered(got: &Deliveries, story: &str) -> bool {
    got.lock().unwrap().iter().any(|(_, s)| s == story)
}

/// Publishes story `n` naming zebrafinch on `url`; its id.
async fn publish_on(url: &str, n: usize) -> String {
    publish_word(url, "zebrafinch", n).await
}

/// Publishes story `n` naming `word` on `url`; its id.
async fn publish_word(url: &str, word: &str, n: usize) -> String {
    let body = format!(
        "---\nheadline: \"Sighting {word} {n}\"\nsource: Wire {n}\npublished: 2024-05-01T12:00:00Z\n---\n\nBird watchers counted {n} {word} nests, number {n} of the season.\n"
    );
    common::publish(url, "text/markdown", body)
        .await
        .id
        .to_string()
}

/// Sends `request` until it is answered `want` (a node whose NATS
/// server just came back refuses writes for a moment), and returns the
/// answer.
async fn once_up(
    what: &str,
    want: u16,
    request: impl Fn() -> reqwest::RequestBuilder,
) -> reqwest::Response {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let resp = request().send().await.expect(what);
        if resp.status() == want {
            return resp;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: still {} {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// How long a node may take to follow again once its NATS server is
/// gone or back: a correctness deadline, not a measure of speed. A node
/// reads the buckets from any live replica, woken at once or polled
/// every second, but a loaded machine needs a few seconds to notice the
/// dead server and reconnect, and the buckets' streams to elect leaders
/// again before the writer's change is taken at all.
const RECOVERY: u64 = 30;

/// Adds an alert on `word` through `on` (retried while its NATS is
/// settling), giving its id.
async fn alert_made_on(on: &str, word: &str) -> u64 {
    let alert: AlertInfo = once_up("add an alert", 201, || {
        http()
            .post(format!("{on}/api/alerts"))
            .json(&serde_json::json!({"name": word, "query": word}))
    })
    .await
    .json()
    .await
    .expect("alert");
    alert.id
}

/// Waits until `watcher` lists alert `id` (the one on `word`).
async fn alert_listed_on(watcher: &str, id: u64, word: &str) {
    until_within(
        RECOVERY,
        &format!("{watcher} lists the alert on {word}"),
        || async move {
            let listed: Vec<AlertInfo> = common::get_json(format!("{watcher}/api/alerts")).await;
            listed.iter().any(|a| a.id == id)
        },
    )
    .await;
}

/// Adds an alert on `word` through `on`, publishes a story naming it
/// there, and waits until `watcher` lists the alert and records the hit.
async fn alert_fires_on(on: &str, watcher: &str, word: &str) {
    let id = alert_made_on(on, word).await;
    let made = Instant::now();
    alert_listed_on(watcher, id, word).await;
    eprintln!(
        "alert on {word} listed on the watcher after {:?}",
        made.elapsed()
    );
    let body = format!(
        "---\nheadline: \"Sighting of {word}\"\nsource: Wire\npublished: 2024-05-01T12:00:00Z\n---\n\nBird watchers counted {word} nests.\n"
    );
    let ack: PublishAck = once_up("publish", 201, || {
        http()
            .post(format!("{on}/api/stories"))
            .header("content-type", "text/markdown")
            .body(body.clone())
    })
    .await
    .json()
    .await
    .expect("ack");
    let story = ack.id.to_string();
    let sent = Instant::now();
    until_within(
        RECOVERY,
        &format!("{watcher} records the hit on {word}"),
        || {
            let story = story.clone();
            async move {
                let hits: Vec<AlertHit> =
                    common::get_json(format!("{watcher}/api/alerts/{id}/hits")).await;
                hits.iter().any(|h| h.story.id.to_string() == story)
            }
        },
    )
    .await;
    eprintln!(
        "hit on {word} recorded on the watcher {:?} after the publish's ack",
        sent.elapsed()
    );
}

/// Adds a feed source named after `word` through `on` (retried while its
/// NATS is settling), giving its id.
async fn source_made_on(on: &str, word: &str) -> i64 {
    let source: newsterm_api::SourceInfo = once_up("add a source", 201, || {
        http()
            .post(format!("{on}/api/sources"))
            .json(&serde_json::json!({
                "url": format!("http://feeds.example.org/{word}.xml"),
                "name": word,
            }))
    })
    .await
    .json()
    .await
    .expect("source");
    source.id
}

/// Waits until `watcher` lists source `id`.
async fn source_listed_on(watcher: &str, id: i64) {
    until_within(
        RECOVERY,
        &format!("{watcher} lists source {id}"),
        || async move { sources_on(watcher).await.iter().any(|s| s.id == id) },
    )
    .await;
}

/// Adds the admin `user` with a token through the CLI on another node's
/// data directory `data`, and waits until `watcher` takes that token.
async fn token_taken_on(watcher: &str, data: &std::path::Path, user: &str) {
    add_user(data, user, "admin", None);
    let token = token_for(data, user, None);
    let made = Instant::now();
    until_within(RECOVERY, &format!("{watcher} takes {user}'s token"), || {
        let token = token.clone();
        async move { alerts_status(watcher, &token).await == 200 }
    })
    .await;
    eprintln!(
        "{user}'s token taken by the watcher after {:?}",
        made.elapsed()
    );
}

/// Node 1 talks to NATS server 1 alone (it learns of the others from it
/// and fails over to them while it is down); node 2, when there are more
/// servers, to the others first. Server 1 is killed with SIGKILL and
/// started again. With one server, node 1's follow of the shared
/// buckets (alerts, sources, users and tokens) must take up again: an
/// alert, a source and a token made afterwards through node 2 (the same
/// node) hold on node 1. With three, it must not stop: an alert, a
/// story it matches (the hit), more stories (searchable on both nodes),
/// a source and a token made through node 2 while server 1 is down reach
/// node 1 during the outage, and a token made after it returns.
async fn shared_records_follow_after_a_nats_server_restart(servers: usize) {
    let mut nats = NatsCluster::start(servers);
    let dirs = data_dirs(servers.min(2));
    let first = nats.url(0);
    let mut nodes = vec![common::Server::start_with(
        dirs[0].path(),
        &["--nats", &first, "--node", "node1"],
    )];
    if servers > 1 {
        nodes.push(node(dirs[1].path(), &nats, 1, servers, &[]));
    }
    let urls: Vec<String> = nodes.iter().map(|n| n.url.clone()).collect();
    let (watcher, writer) = (&urls[0], &urls[urls.len() - 1]);
    alert_fires_on(writer, watcher, "zebrafinch").await;

    nats.kill9(0);
    if servers > 1 {
        // Node 1 must keep following through the outage: an alert, a
        // story that it matches, a source and a token made through node 2
        // while node 1's server is down reach node 1 before that server
        // returns (the token last: once a user exists, adding a source
        // needs one); the stories published meanwhile are on both nodes,
        // searchable.
        alert_fires_on(writer, watcher, "kingfisher").await;
        let mut published = Vec::new();
        for n in 0..5 {
            let story: PublishAck = once_up("publish", 201, || {
                http()
                    .post(format!("{writer}/api/stories"))
                    .header("content-type", "text/markdown")
                    .body(markdown_story("Outage story", &format!("outage{n}word")))
            })
            .await
            .json()
            .await
            .expect("ack");
            published.push((n, story, Instant::now()));
        }
        for (n, story, sent) in &published {
            for url in [watcher, writer] {
                let word = format!("outage{n}word");
                until_within(
                    RECOVERY,
                    &format!(
                        "{url} finds story {} (seq {}) published during the outage",
                        story.id, story.seq
                    ),
                    || {
                        let word = word.clone();
                        async move { found(url, &word).await == 1 }
                    },
                )
                .await;
            }
            eprintln!(
                "story {n} published during the outage searchable on both nodes after {:?}",
                sent.elapsed()
            );
        }
        let sid = source_made_on(writer, "heron").await;
        let made = Instant::now();
        source_listed_on(watcher, sid).await;
        eprintln!(
            "source made during the outage listed on the watcher after {:?}",
            made.elapsed()
        );
        token_taken_on(watcher, dirs[dirs.len() - 1].path(), "bea").await;
    }
    nats.restart(0);

    if servers == 1 {
        // (With more servers a user exists by now, and these were shown
        // during the outage.)
        alert_fires_on(writer, watcher, "okapi").await;
        let sid = source_made_on(writer, "okapi").await;
        source_listed_on(watcher, sid).await;
    }
    token_taken_on(watcher, dirs[dirs.len() - 1].path(), "ana").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_nodes_shared_records_follow_again_after_its_only_nats_server_is_killed_and_restarted() {
    shared_records_follow_after_a_nats_server_restart(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_nodes_shared_records_follow_through_failover_and_after_its_nats_server_restarts() {
    shared_records_follow_after_a_nats_server_restart(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_alerts_webhook_is_sent_once_across_the_cluster_while_nodes_leave_join_and_die() {
    let nats = NatsCluster::start(3);
    let dirs = data_dirs(3);
    let fetch = ["--allow-private-fetch"];
    let (mut nodes, mut urls) = nodes_on(&dirs, &nats, &fetch);
    let (hook, got) = webhook_target().await;
    let resp = http()
        .post(format!("{}/api/alerts", urls[0]))
        .json(&serde_json::json!({"name": "zebras", "query": "zebrafinch",
            "delivery": {"webhook": {"url": hook, "secret": "s3cret"}}}))
        .send()
        .await
        .expect("add alert");
    assert_eq!(resp.status(), 201);
    let alert: AlertInfo = resp.json().await.expect("alert");
    live_nodes_are(&urls, &["node1", "node2", "node3"]).await;
    on_every_node(&urls, "lists the alert", |url| async move {
        let listed: Vec<AlertInfo> = common::get_json(format!("{url}/api/alerts")).await;
        listed.iter().any(|a| a.id == alert.id)
    })
    .await;

    let mut published = Vec::new();
    // All three nodes up; then node 2 leaves; then it joins again.
    for (phase, up) in [[0, 1, 2], [0, 2, 2], [0, 1, 2]].iter().enumerate() {
        if phase == 1 {
            nodes[1].terminate();
            live_nodes_are(&[urls[0].clone(), urls[2].clone()], &["node1", "node3"]).await;
        }
        if phase == 2 {
            nodes[1] = node(dirs[1].path(), &nats, 1, 3, &fetch);
            urls[1] = nodes[1].url.clone();
            live_nodes_are(&urls, &["node1", "node2", "node3"]).await;
        }
        for (k, &i) in up.iter().enumerate() {
            published.push(publish_on(&urls[i], phase * 10 + k).await);
        }
        let want = published.clone();
        until(
            &format!("phase {phase}: every story's webhook arrives"),
            || {
                let (got, want) = (got.clone(), want.clone());
                async move { want.iter().all(|id| delivered(&got, id)) }
            },
        )
        .await;
    }
    // The alert (id 1) falls to node1. Killed with no goodbye, its
    // heartbeat lingers for seconds: what matched meanwhile is sent by
    // the node that takes the alert over once node1 counts as gone.
    assert_eq!(alert.id, 1);
    nodes[0].kill9();
    for (k, &i) in [2usize, 1].iter().enumerate() {
        published.push(publish_on(&urls[i], 30 + k).await);
    }
    let want = published.clone();
    until("after node1's death: every story's webhook arrives", || {
        let (got, want) = (got.clone(), want.clone());
        async move { want.iter().all(|id| delivered(&got, id)) }
    })
    .await;
    // Every live node has matched every story (so each had its chance to
    // send) before the deliveries are counted.
    on_every_node(&urls[1..], "recorded every hit", |url| {
        let published = published.clone();
        async move {
            let hits: Vec<AlertHit> =
                common::get_json(format!("{url}/api/alerts/{}/hits?limit=100", alert.id)).await;
            published
                .iter()
                .all(|id| hits.iter().any(|h| h.story.id.to_string() == *id))
        }
    })
    .await;
    let got = got.lock().unwrap().clone();
    for id in &published {
        let n = got.iter().filter(|(_, g)| g == id).count();
        assert_eq!(n, 1, "story {id} delivered {n} times: {got:?}");
    }
}

/// The story ids of alert `alert`'s hits on `url`; `None` when the node
/// answers that there is no such alert.
async fn hit_ids(url: &str, alert: u64) -> Option<Vec<String>> {
    let resp = http()
        .get(format!("{url}/api/alerts/{alert}/hits?limit=100"))
        .send()
        .await
        .expect("GET hits");
    if resp.status() == 404 {
        return None;
    }
    let hits: Vec<AlertHit> = resp.json().await.expect("hits");
    Some(hits.iter().map(|h| h.story.id.to_string()).collect())
}

/// Adds an alert on `url` whose webhook goes to `hook`.
async fn add_hooked_alert(url: &str, name: &str, query: &str, hook: &str) -> AlertInfo {
    let resp = http()
        .post(format!("{url}/api/alerts"))
        .json(&serde_json::json!({"name": name, "query": query,
            "delivery": {"webhook": {"url": hook, "secret": "s3cret"}}}))
        .send()
        .await
        .expect("add alert");
    assert_eq!(resp.status(), 201);
    resp.json().await.expect("alert")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_alert_edited_on_one_node_fires_by_its_new_query_on_every_node_and_stops_everywhere_once_removed()
 {
    let nats = NatsCluster::start(3);
    let dirs = data_dirs(3);
    let fetch = ["--allow-private-fetch"];
    let (_nodes, urls) = nodes_on(&dirs, &nats, &fetch);
    let (hook, got) = webhook_target().await;
    // `watch` is edited and removed; `witness` stays, and shows each node
    // has matched a story.
    let watch = add_hooked_alert(&urls[0], "watch", "zebrafinch", &hook).await;
    let witness = add_hooked_alert(&urls[0], "witness", "zebrafinch OR okapi", &hook).await;
    live_nodes_are(&urls, &["node1", "node2", "node3"]).await;

    // Edited on node 2: every node lists the new query.
    let resp = http()
        .put(format!("{}/api/alerts/{}", urls[1], watch.id))
        .json(&serde_json::json!({"name": "watch", "query": "okapi",
            "delivery": {"webhook": {"url": hook}}}))
        .send()
        .await
        .expect("edit alert");
    assert_eq!(resp.status(), 200);
    on_every_node(&urls, "lists the edited query", |url| async move {
        let listed: Vec<AlertInfo> = common::get_json(format!("{url}/api/alerts")).await;
        listed
            .iter()
            .any(|a| a.id == watch.id && a.query == "okapi")
            && listed.iter().any(|a| a.id == witness.id)
    })
    .await;

    // A story of the old query, then one of the new, on other nodes.
    let zebra = publish_word(&urls[2], "zebrafinch", 1).await;
    let okapi = publish_word(&urls[0], "okapi", 2).await;
    for url in &urls {
        until(&format!("{url} matched both stories"), || {
            let (url, zebra, okapi) = (url.clone(), zebra.clone(), okapi.clone());
            async move {
                hit_ids(&url, witness.id)
                    .await
                    .is_some_and(|h| h.contains(&zebra) && h.contains(&okapi))
                    && hit_ids(&url, watch.id)
                        .await
                        .is_some_and(|h| h.contains(&okapi))
            }
        })
        .await;
        let hits = hit_ids(url, watch.id).await.expect("the edited alert");
        assert_eq!(
            hits,
            std::slice::from_ref(&okapi),
            "{url}: the edited alert's hits"
        );
    }
    until(
        "the edited alert's webhook for the okapi story arrives",
        || {
            let (got, okapi) = (got.clone(), okapi.clone());
            async move { got.lock().unwrap().contains(&(watch.id, okapi)) }
        },
    )
    .await;

    // Removed on node 3: gone on every node, and no node matches it again.
    delete(
        &format!("{}/api/alerts/{}", urls[2], watch.id),
        "remove alert",
    )
    .await;
    for url in &urls {
        until(&format!("{url} has no alert {}", watch.id), || {
            let url = url.clone();
            async move { hit_ids(&url, watch.id).await.is_none() }
        })
        .await;
    }
    let later = publish_word(&urls[1], "okapi", 3).await;
    for url in &urls {
        until(&format!("{url} matched the later story"), || {
            let (url, later) = (url.clone(), later.clone());
            async move {
                hit_ids(&url, witness.id)
                    .await
                    .is_some_and(|h| h.contains(&later))
            }
        })
        .await;
        assert!(hit_ids(url, watch.id).await.is_none(), "{url}");
    }
    until("the witness's webhook for the later story arrives", || {
        let (got, later) = (got.clone(), later.clone());
        async move { got.lock().unwrap().contains(&(witness.id, later)) }
    })
    .await;
    let watched: Vec<String> = got
        .lock()
        .unwrap()
        .iter()
        .filter(|(a, _)| *a == watch.id)
        .map(|(_, s)| s.clone())
        .collect();
    assert_eq!(
        watched,
        [okapi],
        "the edited alert sends only its new query's story, once, and nothing once removed"
    );
}

/// An RSS document with `(guid, word)` items, each story naming its word.
fn harbour_rss(items: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Harbour Gazette</title><link>http://example.org/</link><description>Local news</description>\n",
    );
    for (guid, word) in items {
        out.push_str(&format!(
            "<item><guid>{guid}</guid><title>Harbour report {guid}</title><link>http://example.org/{guid}</link><description>&lt;p&gt;The harbour master logged a {word} sighting at the pier.&lt;/p&gt;</description><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// A loopback feed server whose document the test can change, answering
/// every request in full and keeping, in order, the node that made each
/// (newsterm names it in its User-Agent).
#[derive(Clone, Default)]
struct Feed {
    doc: Arc<Mutex<String>>,
    pollers: Arc<Mutex<Vec<String>>>,
}

impl Feed {
    async fn start(&self) -> String {
        let me = self.clone();
        let app = axum::Router::new().route(
            "/feed.xml",
            axum::routing::get(move |headers: axum::http::HeaderMap| {
                let me = me.clone();
                async move {
                    let agent = headers
                        .get(axum::http::header::USER_AGENT)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let node = agent
                        .split_once("(node ")
                        .map(|(_, n)| n.trim_end_matches(')').to_string())
                        .unwrap_or_else(|| format!("unnamed: {agent}"));
                    me.pollers.lock().unwrap().push(node);
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/rss+xml")],
                        me.doc.lock().unwrap().clone(),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/feed.xml")
    }

    fn pollers(&self) -> Vec<String> {
        self.pollers.lock().unwrap().clone()
    }
}

/// The sources `url` lists.
async fn sources_on(url: &str) -> Vec<newsterm_api::SourceInfo> {
    common::get_json(format!("{url}/api/sources")).await
}

/// How many stories `url` finds for `word`.
async fn found(url: &str, word: &str) -> u64 {
    common::search(url, word).await.total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_feed_source_is_the_clusters_polled_by_one_node_at_a_time_and_taken_over_after_kill_9() {
    let nats = NatsCluster::start(3);
    let dirs = data_dirs(3);
    let fetch = ["--allow-private-fetch"];
    let (mut nodes, urls) = nodes_on(&dirs, &nats, &fetch);
    live_nodes_are(&urls, &["node1", "node2", "node3"]).await;
    let feed = Feed::default();
    *feed.doc.lock().unwrap() = harbour_rss(&[("h1", "cormorant"), ("h2", "puffin")]);
    let feed_url = feed.start().await;

    // Added on node 1: every node lists it.
    let resp = http()
        .post(format!("{}/api/sources", urls[0]))
        .json(&serde_json::json!({"url": feed_url, "name": "Harbour", "every": "10s"}))
        .send()
        .await
        .expect("add source");
    assert_eq!(resp.status(), 201);
    let source: newsterm_api::SourceInfo = resp.json().await.expect("source");
    on_every_node(&urls, "lists the source", |url| {
        let source = source.clone();
        async move {
            sources_on(&url)
                .await
                .iter()
                .any(|s| s.id == source.id && s.url == source.url)
        }
    })
    .await;
    // Added again on node 3 (the same URL): refused.
    let resp = http()
        .post(format!("{}/api/sources", urls[2]))
        .json(&serde_json::json!({"url": feed_url}))
        .send()
        .await
        .expect("add source again");
    assert_eq!(resp.status(), 409);

    // Polled on its schedule by one node; every node has its stories,
    // once, and shows how the last poll went.
    until("the source is polled twice", || {
        let feed = feed.clone();
        async move { feed.pollers().len() >= 2 }
    })
    .await;
    let poller = feed.pollers()[0].clone();
    for url in &urls {
        until(
            &format!("{url} has both stories and the poll's status"),
            || {
                let url = url.clone();
                async move {
                    let status = sources_on(&url).await[0].status.clone();
                    found(&url, "cormorant").await == 1
                        && found(&url, "puffin").await == 1
                        && status.total_taken == 2
                        && status.last_success.is_some()
                }
            },
        )
        .await;
    }

    // The polling node is killed without a word; the feed gains a story.
    let dead = poller
        .strip_prefix("node")
        .and_then(|n| n.parse::<usize>().ok())
        .expect("a node name")
        - 1;
    nodes[dead].kill9();
    let polled_before = feed.pollers().len();
    *feed.doc.lock().unwrap() =
        harbour_rss(&[("h1", "cormorant"), ("h2", "puffin"), ("h3", "guillemot")]);
    let alive: Vec<String> = (0..3)
        .filter(|&i| i != dead)
        .map(|i| urls[i].clone())
        .collect();
    // Another node takes the source over, knowing what was taken: only
    // the new story is new, on every node still up.
    for url in &alive {
        until(
            &format!("{url} has the story polled after the kill"),
            || {
                let url = url.clone();
                async move {
                    let status = sources_on(&url).await[0].status.clone();
                    found(&url, "guillemot").await == 1 && status.total_taken >= 3
                }
            },
        )
        .await;
        // The old items counted again would make it 5.
        let status = sources_on(url).await[0].status.clone();
        assert_eq!(
            status.total_taken, 3,
            "{url}: the taker took the old items again: {status:?}"
        );
        assert_eq!(found(url, "cormorant").await, 1, "{url}");
        assert_eq!(found(url, "puffin").await, 1, "{url}");
    }
    // One poller at a time: the killed node's polls, then the taker's.
    let pollers = feed.pollers();
    let taker = pollers[polled_before].clone();
    assert_ne!(taker, poller);
    let split = pollers.iter().position(|p| *p != poller).expect("a taker");
    assert!(
        pollers[..split].iter().all(|p| *p == poller)
            && pollers[split..].iter().all(|p| *p == taker),
        "two nodes polled the source: {pollers:?}"
    );

    // Paused on one live node, removed on the other: every node follows.
    let resp = http()
        .post(format!("{}/api/sources/{}/pause", alive[0], source.id))
        .send()
        .await
        .expect("pause");
    assert_eq!(resp.status(), 200);
    until(&format!("{} lists the source paused", alive[1]), || {
        let url = alive[1].clone();
        async move { sources_on(&url).await.iter().all(|s| s.paused) }
    })
    .await;
    delete(&format!("{}/api/sources/{}", alive[1], source.id), "remove").await;
    on_every_node(&alive, "lists no source", |url| async move {
        sources_on(&url).await.is_empty()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_story_sent_to_two_nodes_at_once_is_stored_once() {
    let nats = NatsCluster::start(3);
    let dirs = data_dirs(2);
    let (_nodes, urls) = nodes_on(&dirs, &nats, &[]);
    let send = |url: String, body: String| async move {
        let resp = http()
            .post(format!("{url}/api/stories"))
            .header("content-type", "text/markdown")
            .body(body)
            .send()
            .await
            .expect("publish");
        let status = resp.status().as_u16();
        let ack: PublishAck = resp.json().await.expect("ack");
        (status, ack.id.to_string())
    };
    for round in 0..5 {
        let word = format!("walrus{round}");
        let body = common::markdown_story(&format!("Walrus count {round}"), &word);
        let ((s1, id1), (s2, id2)) = tokio::join!(
            send(urls[0].clone(), body.clone()),
            send(urls[1].clone(), body.clone())
        );
        // One takes it (201); the other answers with that story as a
        // repeat (200), or took it first itself.
        let mut statuses = [s1, s2];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201], "round {round}");
        assert_eq!(id1, id2, "round {round}: two stories for one");
        on_every_node(&urls, &format!("finds {word}"), |url| {
            let word = word.clone();
            async move { found(&url, &word).await >= 1 }
        })
        .await;
    }
    // Every node stored each story once.
    let last = common::markdown_story("Walrus count last", "walruslast");
    let ack = common::publish(&urls[0], "text/markdown", last).await;
    for url in &urls {
        until(&format!("{url} applied every story"), || {
            let url = url.clone();
            async move {
                common::health(&url)
                    .await
                    .cluster
                    .is_some_and(|c| c.applied_seq >= ack.seq)
            }
        })
        .await;
        for round in 0..5 {
            assert_eq!(found(url, &format!("walrus{round}")).await, 1, "{url}");
        }
    }
}

/// DELETEs `url` (`what` names it in a failure) and asserts 204.
async fn delete(url: &str, what: &str) {
    let resp = http().delete(url).send().await.expect(what);
    assert_eq!(resp.status(), 204, "{what}");
}
