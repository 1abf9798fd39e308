//! Getting a feed over HTTP(S) without trusting the other end.
//!
//! Every request is conditional when the caller has validators (ETag,
//! Last-Modified → `304` is [`FetchOutcome::NotModified`]), accepts gzip,
//! follows at most a few redirects, and runs under an overall deadline
//! and a per-read deadline, so a server that stalls or trickles cannot
//! hold a poller task for long. The body is streamed and reading stops as
//! soon as it passes the size cap; the cap applies to the *decompressed*
//! bytes, so a gzip bomb is cut off at the cap too, after inflating no
//! more than that.
//!
//! The client comes from newsterm-egress: it reaches only public
//! addresses unless [`FetchOptions::reach`] says otherwise, checks every
//! redirect hop, and speaks HTTPS with rustls on the *ring* provider and
//! the platform's trust store. Every failure to connect — refused,
//! unreachable, a refused internal address, DNS, TLS — is the one
//! [`FetchError::Unreachable`], whose text says nothing of the cause; the
//! cause goes to the log.

use std::time::Duration;

use futures_util::StreamExt;
use newsterm_egress::{EgressError, Reach};
use reqwest::header::{ACCEPT, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

use crate::error::size_in_words;
use crate::parse::DEFAULT_MAX_BYTES;

/// Limits and identity for every request a [`Fetcher`] makes.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The whole request, from connecting to the last byte.
    pub timeout: Duration,
    /// Longest wait for the next bytes of a response.
    pub read_timeout: Duration,
    /// Longest wait for the connection.
    pub connect_timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_bytes: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// Which addresses may be fetched: public ones only unless the
    /// operator allowed more.
    pub reach: Reach,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(20),
            read_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: 5,
            user_agent: format!("newsterm/{}", env!("CARGO_PKG_VERSION")),
            reach: Reach::PublicOnly,
        }
    }
}

/// What a previous fetch of the same URL returned, to make the next one
/// conditional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The last `ETag`, sent back as `If-None-Match`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The last `Last-Modified`, sent back as `If-Modified-Since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// A successful fetch.
#[derive(Debug)]
pub enum FetchOutcome {
    /// `304`: the feed has not changed since the validators were issued.
    NotModified,
    /// `200`: a new body.
    Fetched(Fetched),
}

/// A feed body and what to send next time.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The body, decompressed.
    pub bytes: Vec<u8>,
    /// What to send with the next fetch.
    pub validators: Validators,
    /// Where the body came from, after redirects.
    pub final_url: String,
}

/// Why a fetch failed, in words that name the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL does not parse or is not http(s).
    #[error("`{0}` is not an http(s) URL")]
    BadUrl(String),
    /// The server answered with an error status.
    #[error("HTTP {status} from {url}")]
    Status {
        /// The status.
        status: u16,
        /// The URL fetched.
        url: String,
    },
    /// The whole request took too long.
    #[error("timed out after {} fetching {url}", seconds(*.after))]
    Timeout {
        /// The time allowed.
        after: Duration,
        /// The URL fetched.
        url: String,
    },
    /// The response stopped arriving midway.
    #[error("{url} stopped sending: nothing received for {}", seconds(*.after))]
    Stalled {
        /// How long nothing arrived.
        after: Duration,
        /// The URL fetched.
        url: String,
    },
    /// Redirected more times than allowed.
    #[error("gave up after {limit} redirects from {url}")]
    TooManyRedirects {
        /// Redirects allowed.
        limit: usize,
        /// The URL fetched.
        url: String,
    },
    /// The body is over the cap.
    #[error("{}", too_large(.url, *.bytes, *.limit))]
    TooLarge {
        /// The URL fetched.
        url: String,
        /// Declared by the server; `None` when reading stopped at the cap.
        bytes: Option<u64>,
        /// The cap, in bytes.
        limit: u64,
    },
    /// Refused, unreachable, an internal address, DNS or TLS: users are
    /// not told which, so a fetch cannot probe a network.
    #[error("{}", newsterm_egress::CONNECTION_FAILED)]
    Unreachable {
        /// The URL fetched.
        url: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn too_large(url: &str, bytes: Option<u64>, limit: u64) -> String {
    match bytes {
        Some(n) => format!(
            "{url} sent {n} bytes, over the {} limit",
            size_in_words(limit)
        ),
        None => format!(
            "{url} sent more than the {} limit (after decompression); stopped reading",
            size_in_words(limit)
        ),
    }
}

/// What the server is asked for, best first.
const ACCEPT_FEEDS: &str = "application/atom+xml, application/rss+xml, application/feed+json, \
    application/ninjs+json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

/// An HTTP client for feeds. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    options: FetchOptions,
}

impl Fetcher {
    /// A fetcher with `options`; fails only if the HTTP client cannot be built.
    pub fn new(options: FetchOptions) -> Result<Fetcher, FetchError> {
        let client = newsterm_egress::client_builder(&options.reach)
            .user_agent(options.user_agent.clone())
            .redirect(newsterm_egress::redirect_policy(
                options.max_redirects,
                &options.reach,
            ))
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .gzip(true)
            .build()
            .map_err(|e| FetchError::Client(newsterm_egress::describe(&e)))?;
        Ok(Fetcher { client, options })
    }

    /// The options it fetches with.
    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// Gets `url`, conditionally when `validators` hold anything.
    pub async fn fetch(
        &self,
        url: &str,
        validators: &Validators,
    ) -> Result<FetchOutcome, FetchError> {
        let parsed = match newsterm_egress::parse_url(url, &self.options.reach) {
            Ok(parsed) => parsed,
            Err(EgressError::NotHttp(_)) => {
                return Err(FetchError::BadUrl(url.chars().take(200).collect()));
            }
            Err(refused) => return Err(unreachable(url, &refused)),
        };
        let deadline = self.options.timeout;
        match tokio::time::timeout(deadline, self.fetch_within_deadline(parsed, validators)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout {
                after: deadline,
                url: url.to_string(),
            }),
        }
    }

    async fn fetch_within_deadline(
        &self,
        url: url::Url,
        validators: &Validators,
    ) -> Result<FetchOutcome, FetchError> {
        let mut request = self.client.get(url.clone()).header(ACCEPT, ACCEPT_FEEDS);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(since) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, since);
        }
        let response = request.send().await.map_err(|e| self.classify(&e, &url))?;
        let status = response.status();
        let final_url = response.url().to_string();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                status: status.as_u16(),
                url: final_url,
            });
        }
        let limit = self.options.max_bytes;
        if let Some(declared) = response.content_length()
            && declared > limit as u64
        {
            return Err(FetchError::TooLarge {
                url: final_url,
                bytes: Some(declared),
                limit: limit as u64,
            });
        }
        let validators = validators_of(response.headers());
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.classify(&e, &url))?;
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge {
                    url: final_url,
                    bytes: None,
                    limit: limit as u64,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchOutcome::Fetched(Fetched {
            bytes: body,
            validators,
            final_url,
        }))
    }

    fn classify(&self, e: &reqwest::Error, url: &url::Url) -> FetchError {
        let url = e.url().unwrap_or(url).to_string();
        if newsterm_egress::refusal(e).is_some() {
            unreachable(&url, e)
        } else if e.is_redirect() {
            FetchError::TooManyRedirects {
                limit: self.options.max_redirects,
                url,
            }
        } else if e.is_timeout() && !e.is_connect() {
            FetchError::Stalled {
                after: self.options.read_timeout,
                url,
            }
        } else {
            unreachable(&url, e)
        }
    }
}

/// [`FetchError::Unreachable`], with the cause logged for the operator.
fn unreachable(url: &str, cause: &(dyn std::error::Error + 'static)) -> FetchError {
    tracing::warn!(url, cause = %newsterm_egress::describe(cause), "feed fetch failed");
    FetchError::Unreachable {
        url: url.to_string(),
    }
}

fn validators_of(headers: &HeaderMap) -> Validators {
    let get = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    Validators {
        etag: get(ETAG),
        last_modified: get(LAST_MODIFIED),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Instant;

    use super::*;
    use crate::test_server;

    /// A fetcher for the loopback test server, which only an operator's
    /// `--allow-private-fetch` lets it reach.
    fn fetcher(tweak: impl FnOnce(&mut FetchOptions)) -> Fetcher {
        let mut options = FetchOptions {
            reach: Reach::Anywhere,
            ..FetchOptions::default()
        };
        tweak(&mut options);
        Fetcher::new(options).unwrap()
    }

    fn body(outcome: FetchOutcome) -> Fetched {
        match outcome {
            FetchOutcome::Fetched(f) => f,
            FetchOutcome::NotModified => panic!("expected a body, got 304"),
        }
    }

    #[tokio::test]
    async fn conditional_requests_get_304_once_nothing_changed() {
        let server = test_server::start().await;
        let f = fetcher(|_| {});
        let url = server.url("/feed.xml");
        let first = body(f.fetch(&url, &Validators::default()).await.unwrap());
        assert!(String::from_utf8_lossy(&first.bytes).contains("First story"));
        assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
        assert_eq!(
            first.validators.last_modified.as_deref(),
            Some("Tue, 14 Nov 2023 22:13:20 GMT")
        );
        let again = f.fetch(&url, &first.validators).await.unwrap();
        assert!(matches!(again, FetchOutcome::NotModified));
        server.set_feed(&test_server::rss(&[("3", "Third")]), "\"v2\"");
        let changed = body(f.fetch(&url, &first.validators).await.unwrap());
        assert_eq!(changed.validators.etag.as_deref(), Some("\"v2\""));
        assert_eq!(server.served.not_modified.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn gzip_is_decompressed_and_a_gzip_bomb_is_cut_at_the_cap() {
        let server = test_server::start().await;
        let f = fetcher(|o| o.max_bytes = 1 << 20);
        let plain = body(
            f.fetch(&server.url("/gzip.xml"), &Validators::default())
                .await
                .unwrap(),
        );
        assert!(String::from_utf8_lossy(&plain.bytes).starts_with("<?xml"));
        let e = f
            .fetch(&server.url("/bomb.xml"), &Validators::default())
            .await
            .unwrap_err();
        assert!(matches!(e, FetchError::TooLarge { bytes: None, .. }), "{e}");
        assert!(
            e.to_string()
                .contains("more than the 1 MiB limit (after decompression)"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused_without_reading_them() {
        let server = test_server::start().await;
        let f = fetcher(|_| {});
        let e = f
            .fetch(&server.url("/huge-declared"), &Validators::default())
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} sent 104857600 bytes, over the 10 MiB limit",
                server.url("/huge-declared")
            )
        );
        let e = f
            .fetch(&server.url("/huge"), &Validators::default())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("more than the 10 MiB limit"), "{e}");
    }

    #[tokio::test]
    async fn errors_name_status_redirects_and_timeouts() {
        let server = test_server::start().await;
        let f = fetcher(|o| {
            o.timeout = Duration::from_millis(1500);
            o.read_timeout = Duration::from_millis(500);
        });
        let none = Validators::default();
        let e = f
            .fetch(&server.url("/status/500"), &none)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("HTTP 500 from {}", server.url("/status/500"))
        );

        // /redirect/4 → … → /redirect/0 → /feed.xml: five redirects.
        let ok = body(f.fetch(&server.url("/redirect/4"), &none).await.unwrap());
        assert_eq!(ok.final_url, server.url("/feed.xml"));
        let e = f
            .fetch(&server.url("/redirect/5"), &none)
            .await
            .unwrap_err();
        assert!(
            e.to_string().starts_with("gave up after 5 redirects"),
            "{e}"
        );
        let e = f.fetch(&server.url("/loop"), &none).await.unwrap_err();
        assert!(
            e.to_string().starts_with("gave up after 5 redirects"),
            "{e}"
        );

        let started = Instant::now();
        let e = f.fetch(&server.url("/slow"), &none).await.unwrap_err();
        assert!(
            matches!(e, FetchError::Stalled { .. } | FetchError::Timeout { .. }),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));

        let e = f.fetch(&server.url("/stall"), &none).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} stopped sending: nothing received for 0.5 s",
                server.url("/stall")
            )
        );

        let started = Instant::now();
        let e = f.fetch(&server.url("/trickle"), &none).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("timed out after 1.5 s fetching {}", server.url("/trickle"))
        );
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn the_user_agent_names_newsterm_and_its_version() {
        let server = test_server::start().await;
        let got = body(
            fetcher(|_| {})
                .fetch(&server.url("/user-agent"), &Validators::default())
                .await
                .unwrap(),
        );
        let text = String::from_utf8(got.bytes).unwrap();
        assert!(
            text.contains(&format!("newsterm/{}", env!("CARGO_PKG_VERSION"))),
            "{text}"
        );
    }

    #[tokio::test]
    async fn bad_urls_refused_connections_and_tls_fail_with_one_text() {
        let f = fetcher(|o| o.timeout = Duration::from_secs(5));
        let none = Validators::default();
        let e = f.fetch("file:///etc/passwd", &none).await.unwrap_err();
        assert_eq!(e.to_string(), "`file:///etc/passwd` is not an http(s) URL");
        // A port nothing listens on, a TLS handshake with a plain-HTTP
        // server, and an open port all read the same when they fail.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let e = f
            .fetch(&format!("http://127.0.0.1:{port}/"), &none)
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "could not fetch: connection failed");
        let server = test_server::start().await;
        let https = server.url("/feed.xml").replace("http://", "https://");
        let e = f.fetch(&https, &none).await.unwrap_err();
        assert_eq!(e.to_string(), "could not fetch: connection failed");
    }

    #[tokio::test]
    async fn internal_addresses_are_refused_unless_allowed() {
        let server = test_server::start().await;
        let port = server
            .url("/")
            .rsplit(':')
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        let guarded = Fetcher::new(FetchOptions::default()).unwrap();
        let none = Validators::default();
        for url in [
            server.url("/feed.xml"),
            format!("http://localhost:{port}/feed.xml"),
            format!("http://2130706433:{port}/feed.xml"),
            format!("http://[::ffff:127.0.0.1]:{port}/feed.xml"),
            format!("http://0.0.0.0:{port}/feed.xml"),
        ] {
            let e = guarded.fetch(&url, &none).await.unwrap_err();
            assert_eq!(e.to_string(), "could not fetch: connection failed", "{url}");
        }
        assert_eq!(server.served.hits.load(Ordering::SeqCst), 0);
        // The same server, allowed.
        let allowed = fetcher(|_| {});
        let ok = body(
            allowed
                .fetch(&format!("http://localhost:{port}/feed.xml"), &none)
                .await
                .unwrap(),
        );
        assert!(String::from_utf8_lossy(&ok.bytes).contains("First story"));
    }
}
