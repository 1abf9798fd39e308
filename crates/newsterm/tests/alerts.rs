//! Standing alerts end to end: CRUD through the API and the CLI, firing
//! rules, the alert stream, signed webhooks with retries, per-alert feeds.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use common::{BIN, Server, get_json, http, markdown_story, publish};
use newsterm_api::{AlertHit, AlertInfo, ErrorBody, PublishAck};
use newsterm_client::SseParser;

async fn add_alert(url: &str, body: serde_json::Value) -> reqwest::Response {
    http()
        .post(format!("{url}/api/alerts"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn hits(url: &str, id: u64) -> Vec<AlertHit> {
    get_json(format!("{url}/api/alerts/{id}/hits")).await
}

/// Waits until the server has matched everything up to `seq` (hits are
/// recorded off the publish path) — by waiting for `n` hits, bounded.
async fn wait_hits(url: &str, id: u64, n: usize) -> Vec<AlertHit> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let h = hits(url, id).await;
        if h.len() >= n || Instant::now() > deadline {
            return h;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn revise(url: &str, ack: &PublishAck, md: String) -> PublishAck {
    http()
        .put(format!("{url}/api/stories/{}", ack.id))
        .header("content-type", "text/markdown")
        .body(md)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn alerts_fire_once_per_story_and_again_only_when_a_revision_changes_the_match() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;

    let resp = add_alert(
        url,
        serde_json::json!({"name": "bad", "query": "volcano AND (lava"}),
    )
    .await;
    assert_eq!(resp.status(), 400);
    let err: ErrorBody = resp.json().await.unwrap();
    assert!(
        err.error.message.contains("position"),
        "{}",
        err.error.message
    );

    let resp = add_alert(
        url,
        serde_json::json!({"name": "volcanoes", "query": "volcano -drill"}),
    )
    .await;
    assert_eq!(resp.status(), 201);
    let alert: AlertInfo = resp.json().await.unwrap();

    // The alert stream, open before anything fires, over SSE and WebSocket.
    let mut stream = http()
        .get(format!("{url}/api/stream?alerts=1"))
        .send()
        .await
        .unwrap();
    let ws_url = format!("{}/api/ws?alerts=1", url.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(&ws_url)
        .await
        .expect("websocket");

    publish(url, "text/markdown", markdown_story("Markets calm", "calm")).await;
    let story = publish(
        url,
        "text/markdown",
        markdown_story("Volcano erupts", "lava"),
    )
    .await;
    let h = wait_hits(url, alert.id, 1).await;
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].story.id, story.id);
    assert_eq!(h[0].name, "volcanoes");

    // The stream delivered it.
    let mut parser = SseParser::default();
    let mut streamed = None;
    while streamed.is_none() {
        let chunk = tokio::time::timeout(Duration::from_secs(20), stream.chunk())
            .await
            .expect("alert stream quiet")
            .unwrap()
            .expect("alert stream ended");
        for ev in parser.feed(&chunk) {
            if ev.event.as_deref() == Some("alert") {
                streamed = Some(serde_json::from_str::<AlertHit>(&ev.data).unwrap());
            }
        }
    }
    assert_eq!(streamed.unwrap().story.id, story.id);
    use futures_util::StreamExt;
    let msg = loop {
        let m = tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("alert websocket quiet")
            .expect("alert websocket ended")
            .expect("alert websocket error");
        if let tokio_tungstenite::tungstenite::Message::Text(t) = m {
            break serde_json::from_str::<serde_json::Value>(&t).unwrap();
        }
    };
    assert_eq!(msg["event"], "alert");
    assert_eq!(msg["data"]["story"]["id"], story.id.to_string());

    // A revision that still matches does not fire again...
    revise(url, &story, markdown_story("Volcano erupts again", "lava")).await;
    // ...one that stops matching does not fire...
    revise(
        url,
        &story,
        markdown_story("Drill at volcano observatory", "drill"),
    )
    .await;
    // ...and one that matches again does.
    let last = revise(
        url,
        &story,
        markdown_story("Volcano ash closes airport", "ash"),
    )
    .await;
    let h = wait_hits(url, alert.id, 2).await;
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0].story.revision, last.revision);
    // Let the matcher finish with everything published, then check no
    // extra hit slipped in.
    let marker = add_alert(
        url,
        serde_json::json!({"name": "marker", "query": "sentinelword"}),
    )
    .await;
    let marker: AlertInfo = marker.json().await.unwrap();
    publish(
        url,
        "text/markdown",
        markdown_story("Sentinel", "sentinelword"),
    )
    .await;
    wait_hits(url, marker.id, 1).await;
    assert_eq!(hits(url, alert.id).await.len(), 2);

    // Its feed lists the stories it fired on.
    let atom = http()
        .get(format!("{url}/feeds/alerts/{}.atom", alert.id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(atom.contains("Volcano ash closes airport"), "{atom}");

    // Removal takes effect for the next story.
    let resp = http()
        .delete(format!("{url}/api/alerts/{}", alert.id))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    publish(
        url,
        "text/markdown",
        markdown_story("Volcano quiet", "quiet"),
    )
    .await;
    let resp = http()
        .get(format!("{url}/api/alerts/{}/hits", alert.id))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn cli_adds_lists_tests_and_removes_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    publish(
        url,
        "text/markdown",
        markdown_story("Floods in the delta", "monsoon"),
    )
    .await;

    let run = |args: &[&str]| {
        let out = Command::new(BIN).args(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(&[
        "alert", "add", "--server", url, "floods", "flood*", "OR", "monsoon",
    ]);
    assert!(ok, "{err}");
    let id = out.split_whitespace().nth(1).unwrap().to_string();
    let (ok, out, _) = run(&["alert", "list", "--server", url]);
    assert!(
        ok && out.contains("floods") && out.contains("flood* OR monsoon"),
        "{out}"
    );
    let (ok, out, _) = run(&["alert", "test", "--server", url, "monsoon"]);
    assert!(ok && out.contains("Floods in the delta"), "{out}");
    let (ok, _, err) = run(&["alert", "add", "--server", url, "broken", "\"unclosed"]);
    assert!(!ok && err.contains("position"), "{err}");
    let (ok, out, _) = run(&["alert", "rm", "--server", url, &id]);
    assert!(ok && out.contains(&format!("removed alert {id}")));
    let (_, out, _) = run(&["alert", "list", "--server", url]);
    assert!(!out.contains("floods"), "{out}");
}

/// A local webhook receiver: records verified deliveries, can fail the
/// first N calls, or hang.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<serde_json::Value>>>,
    fail_first: Arc<Mutex<u32>>,
    calls: Arc<Mutex<u32>>,
}

async fn start_receiver(rx: Receiver, secret: &'static str) -> String {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let rx = rx.clone();
            async move {
                *rx.calls.lock().unwrap() += 1;
                {
                    let mut fail = rx.fail_first.lock().unwrap();
                    if *fail > 0 {
                        *fail -= 1;
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                }
                let sig = headers
                    .get(newsterm_alert::SIGNATURE_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !newsterm_alert::verify(secret.as_bytes(), &body, sig) {
                    return StatusCode::UNAUTHORIZED;
                }
                rx.got
                    .lock()
                    .unwrap()
                    .push(serde_json::from_slice(&body).unwrap());
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/hook")
}

#[tokio::test]
async fn webhooks_are_signed_retried_and_never_hold_up_publishing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_allowing_private_fetch(dir.path());
    let url = &server.url;

    let receiver = Receiver::default();
    *receiver.fail_first.lock().unwrap() = 2;
    let hook = start_receiver(receiver.clone(), "s3cret").await;
    let resp = add_alert(
        url,
        serde_json::json!({"name": "hooked", "query": "harbour",
            "delivery": {"webhook": {"url": hook, "secret": "s3cret"}}}),
    )
    .await;
    assert_eq!(resp.status(), 201);

    // A second alert whose target is dead (nothing listens there).
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    add_alert(
        url,
        serde_json::json!({"name": "dead", "query": "harbour",
            "delivery": {"webhook": {"url": dead_url, "secret": "x"}}}),
    )
    .await;

    let story = publish(
        url,
        "text/markdown",
        markdown_story("Harbour reopens", "ships"),
    )
    .await;
    // Publishing goes on while one target fails and the other is dead.
    for i in 0..20 {
        publish(
            url,
            "text/markdown",
            markdown_story(&format!("Unrelated {i}"), "other"),
        )
        .await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while receiver.got.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "signed delivery after retries");
    assert_eq!(got[0]["story"]["id"], story.id.to_string());
    assert!(
        *receiver.calls.lock().unwrap() >= 3,
        "the two failures were retried"
    );
}

#[tokio::test]
async fn webhooks_to_internal_addresses_are_not_delivered_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let receiver = Receiver::default();
    let hook = start_receiver(receiver.clone(), "s3cret").await;
    let port = hook.rsplit(':').next().unwrap().trim_end_matches("/hook");
    let inside = |target: String| {
        serde_json::json!({"name": "inside", "query": "harbour",
            "delivery": {"webhook": {"url": target, "secret": "s3cret"}}})
    };
    // A literal internal address is refused when the alert is added, in
    // every spelling.
    for target in [
        hook.clone(),
        format!("http://[::1]:{port}/hook"),
        format!("http://2130706433:{port}/hook"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
    ] {
        let resp = add_alert(url, inside(target.clone())).await;
        assert_eq!(resp.status(), 400, "{target}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_url", "{target}");
    }
    // A name is checked where it is resolved, at delivery.
    let resp = add_alert(url, inside(format!("http://localhost:{port}/hook"))).await;
    assert_eq!(resp.status(), 201);
    // Three hits: a target is marked failing after three failed
    // deliveries. Each is refused before connecting; the receiver hears
    // nothing.
    for i in 0..3 {
        publish(
            url,
            "text/markdown",
            markdown_story(&format!("Harbour reopens {i}"), "ships"),
        )
        .await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let alerts: Vec<serde_json::Value> = common::get_json(format!("{url}/api/alerts")).await;
        let failing = alerts
            .iter()
            .filter(|a| a["delivery"]["webhook"]["failing"] == true)
            .count();
        if failing == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "not marked failing: {alerts:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(*receiver.calls.lock().unwrap(), 0);
}
