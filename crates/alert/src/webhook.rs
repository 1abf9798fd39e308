//! Webhook delivery: each hit POSTed as JSON to the alert's URL, signed
//! with the alert's secret, retried with backoff, without ever making the
//! caller wait.
//!
//! [`WebhookSender::enqueue`] only puts a job on a bounded queue (a full
//! queue drops the job and counts it). A dispatcher task hands each job to
//! its target's own worker task, so a slow or dead target delays only its
//! own deliveries. A target whose deliveries keep failing is marked
//! failing ([`WebhookSender::status`]) and then gets a single attempt per
//! job until one succeeds again, so its queue drains instead of growing.
//!
//! Deliveries go through newsterm-egress: http or https (rustls, as feed
//! fetching), public addresses only unless [`WebhookConfig::reach`] says
//! otherwise, and no redirects followed. A delivery that cannot connect
//! for any reason records the one text
//! [`newsterm_egress::CONNECTION_FAILED`]; the cause goes to the log.
//!
//! The body is `{"alert":{"id","name"},"story":<headline object>,"seq"}`,
//! and the header `X-Newsterm-Signature: sha256=<hex>` carries the
//! HMAC-SHA256 of the exact body bytes keyed with the secret.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use newsterm_api::Headline;
use newsterm_egress::{CONNECTION_FAILED, Reach};
use newsterm_story::Story;
use ring::hmac;
use serde::Serialize;
use tokio::sync::mpsc;

use crate::alert::Alert;

/// The header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "X-Newsterm-Signature";

/// How deliveries are queued, retried and given up on.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Jobs waiting for the dispatcher; more are dropped.
    pub queue: usize,
    /// Jobs waiting for one target; more are dropped.
    pub per_target_queue: usize,
    /// Tries per delivery, the first included.
    pub attempts: u32,
    /// Wait before the first retry; doubled before each next one.
    pub first_retry: Duration,
    /// Longest wait for one response.
    pub timeout: Duration,
    /// Deliveries in a row that must fail for a target to be marked
    /// failing.
    pub failing_after: u32,
    /// Which addresses webhooks may be delivered to.
    pub reach: Reach,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            queue: 10_000,
            per_target_queue: 1_000,
            attempts: 5,
            first_retry: Duration::from_millis(500),
            timeout: Duration::from_secs(5),
            failing_after: 3,
            reach: Reach::PublicOnly,
        }
    }
}

/// How one target has been doing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TargetStatus {
    /// Its last `failing_after` deliveries all failed; it gets one
    /// attempt per delivery until one succeeds.
    pub failing: bool,
    /// Failed deliveries since the last one that succeeded.
    pub consecutive_failures: u32,
    /// Deliveries that succeeded, since the server started.
    pub delivered: u64,
    /// Deliveries that failed, since the server started.
    pub failed: u64,
    /// Why the last failed delivery failed.
    pub last_error: Option<String>,
}

/// Why the sender could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Webhooks are sent from a tokio task; there was no runtime to spawn it on.
    #[error("webhook delivery must be started inside a tokio runtime")]
    NoRuntime,
    /// The HTTP client could not be built.
    #[error("webhook HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// Delivers webhook calls in the background. Cheap to clone; every clone
/// feeds the same queue.
#[derive(Clone)]
pub struct WebhookSender {
    jobs: mpsc::Sender<Job>,
    shared: Arc<Shared>,
}

struct Job {
    url: String,
    secret: String,
    body: Vec<u8>,
}

#[derive(Default)]
struct Shared {
    dropped: AtomicU64,
    targets: Mutex<HashMap<String, TargetStatus>>,
}

impl Shared {
    fn is_failing(&self, url: &str) -> bool {
        self.targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(url)
            .is_some_and(|s| s.failing)
    }

    fn record(&self, url: &str, outcome: Result<(), DeliveryError>, failing_after: u32) {
        let mut targets = self.targets.lock().unwrap_or_else(PoisonError::into_inner);
        let status = targets.entry(url.to_string()).or_default();
        match outcome {
            Ok(()) => {
                status.delivered += 1;
                status.consecutive_failures = 0;
                status.failing = false;
            }
            Err(e) => {
                status.failed += 1;
                status.consecutive_failures = status.consecutive_failures.saturating_add(1);
                if !status.failing && status.consecutive_failures >= failing_after {
                    tracing::warn!(url, "webhook target marked failing: {e}");
                    status.failing = true;
                }
                status.last_error = Some(e.to_string());
            }
        }
    }

    fn drop_job(&self, url: &str, why: &str) {
        let total = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::warn!(url, dropped = total, "webhook delivery dropped: {why}");
    }
}

impl WebhookSender {
    /// Starts the dispatcher on the current tokio runtime.
    pub fn start(config: WebhookConfig) -> Result<WebhookSender, WebhookError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| WebhookError::NoRuntime)?;
        let client = http_client(&config)?;
        let (jobs, queue) = mpsc::channel(config.queue.max(1));
        let shared = Arc::new(Shared::default());
        runtime.spawn(dispatch(queue, client, config, shared.clone()));
        Ok(WebhookSender { jobs, shared })
    }

    /// Queues one delivery of a hit of `alert` on `story`, without
    /// waiting. False when the alert has no webhook or the queue is full
    /// (the job is then dropped and counted in
    /// [`WebhookSender::dropped`]).
    pub fn enqueue(&self, alert: &Alert, story: &Story) -> bool {
        let Some(hook) = &alert.delivery.webhook else {
            return false;
        };
        let job = Job {
            url: hook.url.clone(),
            secret: hook.secret.clone(),
            body: payload(alert, story),
        };
        match self.jobs.try_send(job) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(job)) => {
                self.shared.drop_job(&job.url, "the delivery queue is full");
                false
            }
            Err(mpsc::error::TrySendError::Closed(job)) => {
                self.shared.drop_job(&job.url, "the sender has stopped");
                false
            }
        }
    }

    /// Jobs dropped so far because a queue was full.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// How deliveries to `url` have gone; `None` before the first one
    /// finished.
    pub fn status(&self, url: &str) -> Option<TargetStatus> {
        self.shared
            .targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(url)
            .cloned()
    }

    /// Every target delivered to so far, with its status, by URL.
    pub fn targets(&self) -> Vec<(String, TargetStatus)> {
        let targets = self
            .shared
            .targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut out: Vec<_> = targets
            .iter()
            .map(|(u, s)| (u.clone(), s.clone()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// The client every delivery goes through: guarded by `config.reach`, and
/// following no redirect (a 3xx is a failed delivery).
fn http_client(config: &WebhookConfig) -> Result<reqwest::Client, WebhookError> {
    Ok(newsterm_egress::client_builder(&config.reach)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.timeout)
        .user_agent(concat!("newsterm/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// The JSON body POSTed for a hit of `alert` on `story`.
pub fn payload(alert: &Alert, story: &Story) -> Vec<u8> {
    #[derive(Serialize)]
    struct AlertRef<'a> {
        id: crate::AlertId,
        name: &'a str,
    }
    #[derive(Serialize)]
    struct Payload<'a> {
        alert: AlertRef<'a>,
        story: Headline,
        seq: u64,
    }
    let body = Payload {
        alert: AlertRef {
            id: alert.id,
            name: &alert.name,
        },
        story: Headline::of(story),
        seq: story.seq,
    };
    // Plain data with string keys: serializing it cannot fail.
    serde_json::to_vec(&body).unwrap_or_default()
}

/// The `X-Newsterm-Signature` value for `body`: `sha256=` and the hex
/// HMAC-SHA256 (RFC 2104) of the body keyed with `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    format!("sha256={}", hex::encode(hmac::sign(&key, body)))
}

/// True when `header` is the signature of `body` under `secret`, compared
/// in constant time: what a receiver checks.
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(mac) = header
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::verify(&key, body, &mac).is_ok()
}

/// Routes jobs to one worker per target, until every sender is gone.
async fn dispatch(
    mut jobs: mpsc::Receiver<Job>,
    client: reqwest::Client,
    config: WebhookConfig,
    shared: Arc<Shared>,
) {
    let mut workers: HashMap<String, mpsc::Sender<Job>> = HashMap::new();
    while let Some(job) = jobs.recv().await {
        let worker = workers.entry(job.url.clone()).or_insert_with(|| {
            let (tx, rx) = mpsc::channel(config.per_target_queue.max(1));
            tokio::spawn(deliver_to_target(
                job.url.clone(),
                rx,
                client.clone(),
                config.clone(),
                shared.clone(),
            ));
            tx
        });
        if let Err(e) = worker.try_send(job) {
            let job = match e {
                mpsc::error::TrySendError::Full(job) | mpsc::error::TrySendError::Closed(job) => {
                    job
                }
            };
            shared.drop_job(&job.url, "the target's queue is full");
        }
    }
}

/// Delivers one target's jobs in order, one at a time.
async fn deliver_to_target(
    url: String,
    mut jobs: mpsc::Receiver<Job>,
    client: reqwest::Client,
    config: WebhookConfig,
    shared: Arc<Shared>,
) {
    while let Some(job) = jobs.recv().await {
        let attempts = if shared.is_failing(&url) {
            1
        } else {
            config.attempts.max(1)
        };
        let signed = signature(job.secret.as_bytes(), &job.body);
        let mut wait = config.first_retry;
        let mut outcome = Ok(());
        for attempt in 1..=attempts {
            outcome = post(&client, &config.reach, &job, &signed).await;
            match &outcome {
                Ok(()) => break,
                Err(e) if !e.is_transient() => break,
                Err(_) => {}
            }
            if attempt < attempts {
                tokio::time::sleep(wait).await;
                wait = wait.saturating_mul(2);
            }
        }
        shared.record(&url, outcome, config.failing_after);
    }
}

/// Why one delivery failed. Users see one text for every network
/// failure (the cause goes to the log), so a webhook cannot be used to
/// probe what listens where.
#[derive(Debug, thiserror::Error)]
enum DeliveryError {
    /// The target's address is internal: refused before connecting.
    #[error("{CONNECTION_FAILED}")]
    Refused,
    /// No answer: refused, reset, timed out.
    #[error("{CONNECTION_FAILED}")]
    Unreachable,
    /// The target answered with an error status.
    #[error("answered {0}")]
    Answered(reqwest::StatusCode),
}

impl DeliveryError {
    /// Worth retrying: no answer, a 5xx, 408 or 429. Any other 4xx means
    /// the target refused the request itself, and an internal address
    /// stays internal.
    fn is_transient(&self) -> bool {
        match self {
            DeliveryError::Refused => false,
            DeliveryError::Unreachable => true,
            DeliveryError::Answered(status) => {
                !status.is_client_error()
                    || *status == reqwest::StatusCode::REQUEST_TIMEOUT
                    || *status == reqwest::StatusCode::TOO_MANY_REQUESTS
            }
        }
    }
}

async fn post(
    client: &reqwest::Client,
    reach: &Reach,
    job: &Job,
    signed: &str,
) -> Result<(), DeliveryError> {
    // A literal IP host never reaches the guarded resolver: check it here.
    if let Err(refused) = newsterm_egress::parse_url(&job.url, reach) {
        tracing::warn!(url = %job.url, cause = %refused, "webhook delivery refused");
        return Err(DeliveryError::Refused);
    }
    let response = client
        .post(&job.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signed)
        .body(job.body.clone())
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(url = %job.url, cause = %newsterm_egress::describe(&e), "webhook delivery failed");
            if newsterm_egress::refusal(&e).is_some() {
                DeliveryError::Refused
            } else {
                DeliveryError::Unreachable
            }
        })?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(DeliveryError::Answered(status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{AlertId, Delivery, Webhook};
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use newsterm_story::StoryDraft;
    use std::sync::atomic::AtomicUsize;
    use std::time::Instant;
    use time::macros::datetime;

    const SECRET: &str = "s3cret";

    #[test]
    fn signatures_match_rfc_4231_vectors() {
        // Test cases 1, 2 and 6 (a key longer than the block).
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, body, mac) in cases {
            assert_eq!(signature(key, body), format!("sha256={mac}"));
        }
    }

    #[test]
    fn verify_accepts_only_the_right_signature() {
        let sig = signature(b"k", b"body");
        assert!(verify(b"k", b"body", &sig));
        assert!(!verify(b"k", b"body!", &sig));
        assert!(!verify(b"other", b"body", &sig));
        assert!(!verify(b"k", b"body", "sha256="));
        assert!(!verify(b"k", b"body", &sig.replace("sha256=", "sha1=")));
        assert!(!verify(b"k", b"body", &format!("{sig}00")));
    }

    fn alert(url: &str) -> Alert {
        Alert {
            id: AlertId(7),
            name: "Quakes".into(),
            query_text: "quake".into(),
            query: newsterm_query::parse("quake").unwrap(),
            delivery: Delivery {
                stream: true,
                webhook: Some(Webhook {
                    url: url.into(),
                    secret: SECRET.into(),
                }),
                feed: false,
            },
            created: datetime!(2024-05-01 12:00 UTC),
            owner: None,
        }
    }

    fn story() -> Story {
        let content = StoryDraft {
            headline: Some("Quake hits coast".into()),
            source: Some("Example Wire".into()),
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap();
        Story {
            seq: 42,
            ..Story::new(content, datetime!(2024-05-01 12:00 UTC))
        }
    }

    /// A receiver answering the first `failures` requests with 500.
    #[derive(Clone, Default)]
    struct Receiver {
        failures: usize,
        hang: bool,
        calls: Arc<AtomicUsize>,
        got: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    }

    async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
        let n = r.calls.fetch_add(1, Ordering::SeqCst);
        if r.hang {
            std::future::pending::<()>().await;
        }
        r.got
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((headers, body));
        if n < r.failures {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::NO_CONTENT
        }
    }

    async fn serve(receiver: Receiver) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .route("/hook", post(receive))
            .with_state(receiver);
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    }

    /// Quick retries, and allowed to reach the loopback receivers (as an
    /// operator's `--allow-private-fetch` would).
    fn fast() -> WebhookConfig {
        WebhookConfig {
            first_retry: Duration::from_millis(10),
            timeout: Duration::from_secs(2),
            reach: Reach::Anywhere,
            ..WebhookConfig::default()
        }
    }

    #[tokio::test]
    async fn internal_targets_are_refused_without_a_connection() {
        let receiver = Receiver::default();
        let url = serve(receiver.clone()).await;
        let port = url.split(':').nth(2).unwrap().trim_end_matches("/hook");
        let guarded = WebhookSender::start(WebhookConfig {
            reach: Reach::PublicOnly,
            ..fast()
        })
        .unwrap();
        let targets = [
            url.clone(),
            format!("http://localhost:{port}/hook"),
            format!("http://2130706433:{port}/hook"),
            format!("http://[::1]:{port}/hook"),
        ];
        for target in &targets {
            assert!(guarded.enqueue(&alert(target), &story()));
        }
        for target in &targets {
            until("the refusal", || guarded.status(target).is_some()).await;
            let status = guarded.status(target).unwrap();
            assert_eq!(status.delivered, 0, "{target}");
            assert_eq!(
                status.last_error.as_deref(),
                Some("could not fetch: connection failed"),
                "{target}"
            );
        }
        assert_eq!(receiver.calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let landed = Arc::new(AtomicUsize::new(0));
        let counter = landed.clone();
        let target = format!("{base}/landed");
        let app = axum::Router::new()
            .route(
                "/hook",
                post(move || async move { axum::response::Redirect::temporary(&target) }),
            )
            .route(
                "/landed",
                post(move || async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    StatusCode::NO_CONTENT
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        let url = format!("{base}/hook");
        let sender = WebhookSender::start(WebhookConfig {
            attempts: 1,
            ..fast()
        })
        .unwrap();
        assert!(sender.enqueue(&alert(&url), &story()));
        until("the attempt", || sender.status(&url).is_some()).await;
        let status = sender.status(&url).unwrap();
        assert_eq!((status.delivered, status.failed), (0, 1));
        assert_eq!(
            status.last_error.as_deref(),
            Some("answered 307 Temporary Redirect")
        );
        assert_eq!(landed.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn https_targets_are_spoken_to_over_tls() {
        // A plain-HTTP server behind an https URL: the delivery fails in
        // the TLS handshake, which shows TLS was spoken (a client without
        // TLS support would refuse the scheme before connecting).
        let url = serve(Receiver::default())
            .await
            .replace("http://", "https://");
        let client = http_client(&fast()).unwrap();
        let e = client.post(&url).body("{}").send().await.unwrap_err();
        let cause = newsterm_egress::describe(&e);
        assert!(cause.contains("corrupt message"), "{cause}");
    }

    async fn until(what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn delivers_a_signed_payload() {
        let receiver = Receiver::default();
        let url = serve(receiver.clone()).await;
        let sender = WebhookSender::start(fast()).unwrap();
        let story = story();
        assert!(sender.enqueue(&alert(&url), &story));
        until("delivery", || sender.status(&url).is_some()).await;

        let got = receiver.got.lock().unwrap().clone();
        let (headers, body) = &got[0];
        let sig = headers[SIGNATURE_HEADER].to_str().unwrap();
        assert!(verify(SECRET.as_bytes(), body, sig));
        assert_eq!(headers["content-type"], "application/json");
        let json: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(json["alert"]["id"], 7);
        assert_eq!(json["alert"]["name"], "Quakes");
        assert_eq!(json["story"]["headline"], "Quake hits coast");
        assert_eq!(json["story"]["id"], story.id.to_string());
        assert_eq!(json["seq"], 42);
        let status = sender.status(&url).unwrap();
        assert_eq!(
            (status.delivered, status.failed, status.failing),
            (1, 0, false)
        );
    }

    #[tokio::test]
    async fn failed_deliveries_are_retried() {
        let receiver = Receiver {
            failures: 2,
            ..Receiver::default()
        };
        let url = serve(receiver.clone()).await;
        let sender = WebhookSender::start(fast()).unwrap();
        assert!(sender.enqueue(&alert(&url), &story()));
        until("delivery", || sender.status(&url).is_some()).await;
        assert_eq!(receiver.calls.load(Ordering::SeqCst), 3);
        assert_eq!(sender.status(&url).unwrap().delivered, 1);
    }

    #[tokio::test]
    async fn a_target_that_keeps_failing_is_marked_failing_then_recovers() {
        let receiver = Receiver {
            failures: 3 * 2 + 1,
            ..Receiver::default()
        };
        let url = serve(receiver.clone()).await;
        let config = WebhookConfig {
            attempts: 2,
            ..fast()
        };
        let sender = WebhookSender::start(config).unwrap();
        for _ in 0..3 {
            assert!(sender.enqueue(&alert(&url), &story()));
        }
        until("three failures", || {
            sender.status(&url).is_some_and(|s| s.failed == 3)
        })
        .await;
        let status = sender.status(&url).unwrap();
        assert!(status.failing);
        assert_eq!(
            status.last_error.as_deref(),
            Some("answered 500 Internal Server Error")
        );
        // Failing: one try per delivery (it fails), then a success clears it.
        assert!(sender.enqueue(&alert(&url), &story()));
        assert!(sender.enqueue(&alert(&url), &story()));
        until("recovery", || {
            sender.status(&url).is_some_and(|s| s.delivered == 1)
        })
        .await;
        assert_eq!(receiver.calls.load(Ordering::SeqCst), 3 * 2 + 2);
        assert!(!sender.status(&url).unwrap().failing);
    }

    #[tokio::test]
    async fn a_hanging_target_delays_neither_the_caller_nor_other_targets() {
        let hanging = Receiver {
            hang: true,
            ..Receiver::default()
        };
        let dead_url = serve(hanging.clone()).await;
        let healthy = Receiver::default();
        let live_url = serve(healthy.clone()).await;
        let config = WebhookConfig {
            per_target_queue: 4,
            timeout: Duration::from_secs(30),
            ..fast()
        };
        let sender = WebhookSender::start(config).unwrap();
        for _ in 0..50 {
            sender.enqueue(&alert(&dead_url), &story());
        }
        assert!(sender.enqueue(&alert(&live_url), &story()));
        until("the healthy target", || {
            sender.status(&live_url).is_some_and(|s| s.delivered == 1)
        })
        .await;
        until("the hanging call", || {
            hanging.calls.load(Ordering::SeqCst) == 1
        })
        .await;
        assert!(sender.status(&dead_url).is_none());
        // Four queued and perhaps one in flight: the rest were dropped and
        // counted.
        assert!(
            (50 - 5..=50 - 4).contains(&sender.dropped()),
            "{}",
            sender.dropped()
        );
    }

    #[tokio::test]
    async fn alerts_without_a_webhook_queue_nothing() {
        let sender = WebhookSender::start(fast()).unwrap();
        let mut quiet = alert("http://127.0.0.1:9/");
        quiet.delivery.webhook = None;
        assert!(!sender.enqueue(&quiet, &story()));
        assert_eq!(sender.dropped(), 0);
    }

    #[test]
    fn starting_outside_a_runtime_is_an_error() {
        assert!(matches!(
            WebhookSender::start(fast()),
            Err(WebhookError::NoRuntime)
        ));
    }
}
