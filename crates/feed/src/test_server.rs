//! A loopback HTTP server for tests: serves feeds and faults (slow, 500,
//! 304 with ETag, redirects and a redirect loop, stalls, trickles,
//! oversized and gzip-bomb bodies). Nothing leaves 127.0.0.1.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use futures_util::stream;

/// What `/feed.xml` serves; tests change it between polls.
pub(crate) struct Served {
    pub feed: std::sync::Mutex<String>,
    pub etag: std::sync::Mutex<String>,
    /// Requests that reached `/feed.xml`.
    pub hits: AtomicUsize,
    /// Requests answered 304.
    pub not_modified: AtomicUsize,
}

pub(crate) struct TestServer {
    pub base: String,
    pub served: Arc<Served>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn set_feed(&self, feed: &str, etag: &str) {
        *self.served.feed.lock().unwrap() = feed.to_string();
        *self.served.etag.lock().unwrap() = etag.to_string();
    }
}

/// An RSS 2.0 feed with one item per `(guid, title)`.
pub(crate) fn rss(items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title)| format!("<item><guid>{guid}</guid><title>{title}</title></item>"))
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Loopback wire</title>{items}</channel></rss>"
    )
}

/// Starts the server on an ephemeral loopback port. It lives as long as
/// the test's runtime.
pub(crate) async fn start() -> TestServer {
    let served = Arc::new(Served {
        feed: std::sync::Mutex::new(rss(&[("1", "First story"), ("2", "Second story")])),
        etag: std::sync::Mutex::new("\"v1\"".into()),
        hits: AtomicUsize::new(0),
        not_modified: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/feed.xml", get(feed))
        .route("/gzip.xml", get(gzipped))
        .route("/bomb.xml", get(bomb))
        .route("/status/{code}", get(status))
        .route("/redirect/{n}", get(redirect))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/slow", get(slow))
        .route("/stall", get(stall))
        .route("/trickle", get(trickle))
        .route("/huge", get(huge))
        .route("/huge-declared", get(huge_declared))
        .route("/user-agent", get(user_agent))
        .with_state(served.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    TestServer {
        base: format!("http://{addr}"),
        served,
    }
}

async fn feed(State(s): State<Arc<Served>>, headers: HeaderMap) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let etag = s.etag.lock().unwrap().clone();
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        s.not_modified.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let body = s.feed.lock().unwrap().clone();
    (
        [
            (header::ETAG, etag),
            (
                header::LAST_MODIFIED,
                "Tue, 14 Nov 2023 22:13:20 GMT".into(),
            ),
            (header::CONTENT_TYPE, "application/rss+xml".into()),
        ],
        body,
    )
        .into_response()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

async fn gzipped(State(s): State<Arc<Served>>) -> Response {
    let body = gzip(s.feed.lock().unwrap().as_bytes());
    ([(header::CONTENT_ENCODING, "gzip")], body).into_response()
}

/// 64 MiB of zeros inside an RSS comment, gzipped to some 64 KiB.
async fn bomb() -> Response {
    let body = tokio::task::spawn_blocking(|| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(b"<rss version=\"2.0\"><channel><!--")
            .unwrap();
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..64 {
            enc.write_all(&zeros).unwrap();
        }
        enc.write_all(b"--></channel></rss>").unwrap();
        enc.finish().unwrap()
    })
    .await
    .unwrap();
    ([(header::CONTENT_ENCODING, "gzip")], body).into_response()
}

async fn status(Path(code): Path<u16>) -> StatusCode {
    StatusCode::from_u16(code).unwrap()
}

async fn redirect(Path(n): Path<u32>) -> Redirect {
    if n == 0 {
        Redirect::temporary("/feed.xml")
    } else {
        Redirect::temporary(&format!("/redirect/{}", n - 1))
    }
}

async fn slow() -> String {
    tokio::time::sleep(Duration::from_secs(30)).await;
    rss(&[("slow", "Too late")])
}

/// Sends the start of a feed, then nothing, ever.
async fn stall() -> Response {
    let start = stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(
        b"<rss version=\"2.0\"><channel>",
    ))]);
    Body::from_stream(futures_util::StreamExt::chain(start, stream::pending())).into_response()
}

/// One byte every 100 ms, forever: never idle long enough for a read
/// timeout, so only the overall deadline stops it.
async fn trickle() -> Response {
    let bytes = stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((Ok::<_, std::io::Error>(Bytes::from_static(b" ")), ()))
    });
    Body::from_stream(bytes).into_response()
}

/// 100 MiB, chunked, without a length: made as it is read.
async fn huge() -> Response {
    let chunk = Bytes::from(vec![b' '; 1 << 20]);
    let bytes = stream::iter((0..100).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    Body::from_stream(bytes).into_response()
}

/// Declares 100 MiB up front (and would send it, if read).
async fn huge_declared() -> Response {
    let mut response = huge().await;
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(100u64 << 20));
    response
}

async fn user_agent(headers: HeaderMap) -> String {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    rss(&[("ua", ua)])
}
