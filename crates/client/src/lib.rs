//! A typed client for a newsterm server's HTTP API, used by the CLI, the
//! terminal UI and the benchmarks.
//!
//! Every call maps one endpoint; server errors come back as
//! [`ClientError::Api`] carrying the server's own code and message, so a
//! CLI can print exactly what the server said. [`Client::stream`] follows
//! the live wire over server-sent events and reconnects by itself,
//! resuming after the last sequence number it saw, so a reader never
//! misses a headline across a dropped connection.

mod sse;

use std::time::Duration;

use futures_util::{Stream, StreamExt};
use newsterm_api::{
    AlertHit, AlertInfo, EntityFacets, ErrorBody, EventInfo, Headline, Health, ImportFeedParams,
    ImportReport, Lagged, NewAlert, NewSource, PollReport, PublishAck, ReadReport, RevisionInfo,
    SearchResponse, SourceInfo, TopEntry, Withdrawal,
};
use newsterm_story::Story;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;

pub use sse::{SseEvent, SseParser};

/// Makes ring the process's TLS crypto provider, once.
///
/// reqwest is built with `rustls-no-provider` so that exactly one crypto
/// backend (ring, which the feed fetcher and NATS client use too) is
/// compiled; every reqwest client in the process needs a provider
/// installed before it is built. Idempotent and cheap.
pub fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only when another provider was installed first, which is
        // just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A plain reqwest client, for callers that speak HTTP beside the typed
/// [`Client`] (bulk uploads, benchmarks, tests).
pub fn http() -> reqwest::Client {
    install_tls_provider();
    reqwest::Client::new()
}

/// The server a client talks to when none is named.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:7171";

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error body.
    #[error("{message} ({code}, HTTP {status})")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The error code from the body (`not_found`, `bad_query`, …).
        code: String,
        /// The server's explanation.
        message: String,
    },
    /// The server could not be reached or the connection broke. The
    /// message names the server once and then the innermost reason
    /// ("Connection refused"); reqwest's own message, which repeats the
    /// request's URL, stays out of it and out of the error chain.
    #[error("cannot reach newsterm server at {url}: {}", root_cause(.error))]
    Connect {
        /// The server's URL.
        url: String,
        /// What went wrong on the way.
        error: reqwest::Error,
    },
    /// The server answered something this client cannot read.
    #[error("unexpected answer from server: {0}")]
    Protocol(String),
    /// The server URL does not parse or is not http(s).
    #[error("invalid server URL `{0}`: expected http://host:port or https://host")]
    BadUrl(String),
    /// The token cannot be sent as a header.
    #[error("the token holds characters that cannot go in an HTTP header")]
    BadToken,
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best matches first.
    #[default]
    Relevance,
    /// Newest first.
    Time,
}

impl Sort {
    /// The value of the `sort` parameter.
    pub fn as_str(&self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Time => "time",
        }
    }
}

/// What the live stream delivers.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The stream is (re)connected and delivering.
    Connected,
    /// A new story or revision landed on the wire; a withdrawal too
    /// (`Headline::is_withdrawn`). Boxed: the other events are small.
    Story(Box<Headline>),
    /// The server dropped this subscriber for falling behind; the client
    /// reconnects from `resume_from` by itself.
    Lagged(Lagged),
    /// The connection broke; the client retries after a short pause.
    Disconnected(String),
}

/// A cheap-to-clone handle on one server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:7171`).
    pub fn new(base_url: &str) -> Result<Client, ClientError> {
        let base = base_url.trim().trim_end_matches('/').to_string();
        let rest = base
            .strip_prefix("http://")
            .or_else(|| base.strip_prefix("https://"))
            .ok_or_else(|| ClientError::BadUrl(base_url.to_string()))?;
        if rest.is_empty() || rest.contains(char::is_whitespace) {
            return Err(ClientError::BadUrl(base_url.to_string()));
        }
        let http = Self::http_client(&base, reqwest::header::HeaderMap::new())?;
        Ok(Client { base, http })
    }

    /// The same client, sending `token` (from `newsterm token create`) as
    /// `Authorization: Bearer` on every request.
    pub fn with_token(self, token: &str) -> Result<Client, ClientError> {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.trim()))
            .map_err(|_| ClientError::BadToken)?;
        // Kept out of reqwest's debug output.
        value.set_sensitive(true);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, value);
        let http = Self::http_client(&self.base, headers)?;
        Ok(Client {
            base: self.base,
            http,
        })
    }

    fn http_client(
        base: &str,
        headers: reqwest::header::HeaderMap,
    ) -> Result<reqwest::Client, ClientError> {
        install_tls_provider();
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .default_headers(headers)
            .build()
            .map_err(|error| ClientError::Connect {
                url: base.to_string(),
                error,
            })
    }

    /// The server this client talks to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Publishes a new story; `content_type` is `text/markdown` or
    /// `application/json` (ninjs).
    pub async fn publish(
        &self,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<PublishAck, ClientError> {
        let req = self
            .http
            .post(self.url("/api/stories"))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.send_json(req).await
    }

    /// Publishes a new revision of story `id`; with `correction`, the
    /// revision is a correction with that note.
    pub async fn revise(
        &self,
        id: &str,
        body: Vec<u8>,
        content_type: &str,
        correction: Option<&str>,
    ) -> Result<PublishAck, ClientError> {
        let mut req = self
            .http
            .put(self.url(&format!("/api/stories/{}", encode(id))))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(note) = correction {
            req = req.query(&[("correction", note)]);
        }
        self.send_json(req).await
    }

    /// Withdraws story `id` (a kill), with the reason readers will see.
    pub async fn withdraw(&self, id: &str, reason: &str) -> Result<PublishAck, ClientError> {
        let req = self
            .http
            .post(self.url(&format!("/api/stories/{}/withdraw", encode(id))))
            .json(&Withdrawal {
                reason: reason.to_string(),
            });
        self.send_json(req).await
    }

    /// One event, from its stored stories.
    pub async fn event(&self, id: &str) -> Result<EventInfo, ClientError> {
        self.send_json(
            self.http
                .get(self.url(&format!("/api/events/{}", encode(id)))),
        )
        .await
    }

    /// READ: the most-read stories and events of the last `hour` or `day`.
    pub async fn read(&self, window: &str, limit: usize) -> Result<ReadReport, ClientError> {
        let req = self
            .http
            .get(self.url("/api/read"))
            .query(&[("window", window), ("limit", &limit.to_string())]);
        self.send_json(req).await
    }

    /// Bulk-imports JSON lines (one story a line); line numbers in the
    /// answer count from the first line of `body`.
    ///
    /// With `tag` false the stories are stored untagged (fast archive
    /// loads; `newsterm reindex --retag` tags them later).
    pub async fn import(&self, body: Vec<u8>, tag: bool) -> Result<ImportReport, ClientError> {
        let req = self
            .http
            .post(self.url("/api/import"))
            .query(&[("tag", tag)])
            .header(reqwest::header::CONTENT_TYPE, "application/x-ndjson")
            .body(body);
        self.send_json(req).await
    }

    /// The latest revision of a story, or revision `revision`.
    pub async fn story(&self, id: &str, revision: Option<u32>) -> Result<Story, ClientError> {
        let mut req = self
            .http
            .get(self.url(&format!("/api/stories/{}", encode(id))));
        if let Some(r) = revision {
            req = req.query(&[("rev", r)]);
        }
        self.send_json(req).await
    }

    /// A story rendered by the server as `markdown` or `ninjs`.
    pub async fn story_formatted(
        &self,
        id: &str,
        revision: Option<u32>,
        format: &str,
    ) -> Result<String, ClientError> {
        let mut req = self
            .http
            .get(self.url(&format!("/api/stories/{}", encode(id))))
            .query(&[("format", format)]);
        if let Some(r) = revision {
            req = req.query(&[("rev", r)]);
        }
        let resp = self.send(req).await?;
        resp.text()
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))
    }

    /// Every revision of story `id`, oldest first.
    pub async fn revisions(&self, id: &str) -> Result<Vec<RevisionInfo>, ClientError> {
        let req = self
            .http
            .get(self.url(&format!("/api/stories/{}/revisions", encode(id))));
        self.send_json(req).await
    }

    /// One page of stories matching `query`, in the search language.
    pub async fn search(
        &self,
        query: &str,
        limit: usize,
        sort: Sort,
        cursor: Option<&str>,
    ) -> Result<SearchResponse, ClientError> {
        let mut req = self.http.get(self.url("/api/search")).query(&[
            ("q", query),
            ("sort", sort.as_str()),
            ("limit", &limit.to_string()),
        ]);
        if let Some(c) = cursor {
            req = req.query(&[("cursor", c)]);
        }
        self.send_json(req).await
    }

    /// TOP now: one row per event, best first.
    pub async fn top(&self, limit: usize) -> Result<Vec<TopEntry>, ClientError> {
        let req = self
            .http
            .get(self.url("/api/top"))
            .query(&[("limit", limit)]);
        self.send_json(req).await
    }

    /// The latest headlines, newest first, optionally filtered by a query.
    pub async fn headlines(
        &self,
        query: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Headline>, ClientError> {
        let mut req = self
            .http
            .get(self.url("/api/headlines"))
            .query(&[("limit", limit)]);
        if let Some(q) = query {
            req = req.query(&[("q", q)]);
        }
        self.send_json(req).await
    }

    /// The most mentioned entities of `kind` (`person`, `org`, `place`,
    /// `topic`), optionally among stories matching `query` and published
    /// since `since` (RFC 3339 or a date).
    pub async fn entities(
        &self,
        kind: &str,
        query: Option<&str>,
        since: Option<&str>,
        limit: usize,
    ) -> Result<EntityFacets, ClientError> {
        let mut req = self
            .http
            .get(self.url("/api/entities"))
            .query(&[("type", kind), ("limit", &limit.to_string())]);
        if let Some(q) = query {
            req = req.query(&[("q", q)]);
        }
        if let Some(s) = since {
            req = req.query(&[("since", s)]);
        }
        self.send_json(req).await
    }

    /// The standing alerts this client may see.
    pub async fn alerts(&self) -> Result<Vec<AlertInfo>, ClientError> {
        self.send_json(self.http.get(self.url("/api/alerts"))).await
    }

    /// Adds a standing alert.
    pub async fn add_alert(&self, alert: &NewAlert) -> Result<AlertInfo, ClientError> {
        self.send_json(self.http.post(self.url("/api/alerts")).json(alert))
            .await
    }

    /// Removes alert `id`.
    pub async fn remove_alert(&self, id: u64) -> Result<(), ClientError> {
        self.send(self.http.delete(self.url(&format!("/api/alerts/{id}"))))
            .await
            .map(|_| ())
    }

    /// The newest hits of one alert, or of all alerts, newest first.
    pub async fn alert_hits(
        &self,
        id: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AlertHit>, ClientError> {
        let path = match id {
            Some(id) => format!("/api/alerts/{id}/hits"),
            None => "/api/alerts/hits".to_string(),
        };
        let req = self.http.get(self.url(&path)).query(&[("limit", limit)]);
        self.send_json(req).await
    }

    /// Which of the latest stories a query would have fired on.
    pub async fn test_alert(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<Headline>, ClientError> {
        let req = self
            .http
            .get(self.url("/api/alerts/test"))
            .query(&[("q", query), ("limit", &limit.to_string())]);
        self.send_json(req).await
    }

    /// Alert hits as they fire (`/api/stream?alerts=1`), reconnecting by
    /// itself; yields `None` items for keep-alives and reconnects.
    pub fn alert_stream(
        &self,
    ) -> impl Stream<Item = Result<Option<AlertHit>, ClientError>> + Send + 'static {
        self.named_stream("alerts", "alert")
    }

    /// TOP whenever it changes (`/api/stream?top=1`), the whole list each
    /// time, starting with the current one; reconnects by itself and
    /// yields `None` items for reconnects.
    pub fn top_stream(
        &self,
    ) -> impl Stream<Item = Result<Option<Vec<TopEntry>>, ClientError>> + Send + 'static {
        self.named_stream("top", "top")
    }

    /// The `event` events of `/api/stream?{param}=1`, decoded, across
    /// reconnects.
    fn named_stream<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        param: &'static str,
        event: &'static str,
    ) -> impl Stream<Item = Result<Option<T>, ClientError>> + Send + 'static {
        let client = self.clone();
        futures_util::stream::unfold(
            (
                client,
                None::<ByteStream>,
                SseParser::default(),
                std::collections::VecDeque::new(),
            ),
            move |(client, mut body, mut parser, mut pending)| async move {
                loop {
                    if let Some(hit) = pending.pop_front() {
                        return Some((Ok(Some(hit)), (client, body, parser, pending)));
                    }
                    let Some(stream) = body.as_mut() else {
                        let req = client
                            .http
                            .get(client.url("/api/stream"))
                            .query(&[(param, "1")]);
                        match client.send(req).await {
                            Ok(resp) => {
                                body = Some(Box::pin(resp.bytes_stream()));
                                parser = SseParser::default();
                                return Some((Ok(None), (client, body, parser, pending)));
                            }
                            Err(e) => {
                                tokio::time::sleep(Duration::from_secs(1)).await;
                                return Some((Err(e), (client, body, parser, pending)));
                            }
                        }
                    };
                    match stream.next().await {
                        Some(Ok(chunk)) => {
                            let items = parser
                                .feed(&chunk)
                                .into_iter()
                                .filter(|ev| ev.event.as_deref() == Some(event))
                                .filter_map(|ev| serde_json::from_str::<T>(&ev.data).ok());
                            pending.extend(items);
                        }
                        _ => {
                            body = None;
                            tokio::time::sleep(Duration::from_millis(500)).await;
                        }
                    }
                }
            },
        )
    }

    /// The feed sources the server polls, with their state.
    pub async fn sources(&self) -> Result<Vec<SourceInfo>, ClientError> {
        self.send_json(self.http.get(self.url("/api/sources")))
            .await
    }

    /// Adds a feed source.
    pub async fn add_source(&self, source: &NewSource) -> Result<SourceInfo, ClientError> {
        self.send_json(self.http.post(self.url("/api/sources")).json(source))
            .await
    }

    /// Stops polling a source until it is resumed.
    pub async fn pause_source(&self, id: i64) -> Result<SourceInfo, ClientError> {
        self.send_json(
            self.http
                .post(self.url(&format!("/api/sources/{id}/pause"))),
        )
        .await
    }

    /// Polls a paused source again, from now.
    pub async fn resume_source(&self, id: i64) -> Result<SourceInfo, ClientError> {
        self.send_json(
            self.http
                .post(self.url(&format!("/api/sources/{id}/resume"))),
        )
        .await
    }

    /// Polls a source now and answers with what the poll took.
    pub async fn poll_source(&self, id: i64) -> Result<PollReport, ClientError> {
        self.send_json(self.http.post(self.url(&format!("/api/sources/{id}/poll"))))
            .await
    }

    /// Stops polling source `id` and forgets it.
    pub async fn remove_source(&self, id: i64) -> Result<(), ClientError> {
        self.send(self.http.delete(self.url(&format!("/api/sources/{id}"))))
            .await
            .map(|_| ())
    }

    /// Imports one feed once: from the URL in `params` the server
    /// fetches, or from `body`.
    pub async fn import_feed(
        &self,
        params: &ImportFeedParams,
        body: Vec<u8>,
    ) -> Result<PollReport, ClientError> {
        let req = self
            .http
            .post(self.url("/api/import-feed"))
            .query(params)
            .body(body);
        self.send_json(req).await
    }

    /// The server's `/healthz`: stories, sequence and queue figures.
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.send_json(self.http.get(self.url("/healthz"))).await
    }

    /// Follows the live wire: every new story or revision matching
    /// `query`, starting after `since` (or from now).
    ///
    /// The stream never ends by itself: on a broken connection it yields
    /// [`StreamEvent::Disconnected`], waits, and resumes after the last
    /// sequence number delivered, so no headline is missed or repeated.
    pub fn stream(
        &self,
        query: Option<&str>,
        since: Option<u64>,
    ) -> impl Stream<Item = Result<StreamEvent, ClientError>> + Send + 'static {
        let state = StreamState {
            client: self.clone(),
            query: query.map(str::to_string),
            last_seq: since,
            body: None,
            parser: SseParser::default(),
            pending: std::collections::VecDeque::new(),
            backoff: Duration::from_millis(100),
        };
        futures_util::stream::unfold(state, |mut st| async move {
            let item = st.next_event().await;
            Some((item, st))
        })
    }

    /// Opens the event stream once, without reconnecting; the building
    /// block of [`Client::stream`], exposed for benchmarks that measure a
    /// single connection.
    pub async fn open_stream(
        &self,
        query: Option<&str>,
        since: Option<u64>,
    ) -> Result<reqwest::Response, ClientError> {
        let mut req = self
            .http
            .get(self.url("/api/stream"))
            .header(reqwest::header::ACCEPT, "text/event-stream");
        if let Some(q) = query {
            req = req.query(&[("q", q)]);
        }
        if let Some(s) = since {
            req = req.query(&[("since", s)]);
        }
        self.send(req).await
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, ClientError> {
        let resp = req.send().await.map_err(|error| ClientError::Connect {
            url: self.base.clone(),
            error,
        })?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let text = resp.text().await.unwrap_or_default();
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => ClientError::Api {
                status: status.as_u16(),
                code: body.error.code,
                message: body.error.message,
            },
            Err(_) => ClientError::Api {
                status: status.as_u16(),
                code: "http_error".into(),
                message: text.chars().take(300).collect(),
            },
        })
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        let resp = self.send(req).await?;
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol(e.to_string()))
    }
}

type ByteStream =
    std::pin::Pin<Box<dyn Stream<Item = Result<bytes::Bytes, reqwest::Error>> + Send>>;

struct StreamState {
    client: Client,
    query: Option<String>,
    last_seq: Option<u64>,
    body: Option<ByteStream>,
    parser: SseParser,
    pending: std::collections::VecDeque<StreamEvent>,
    backoff: Duration,
}

impl StreamState {
    async fn next_event(&mut self) -> Result<StreamEvent, ClientError> {
        loop {
            if let Some(ev) = self.pending.pop_front() {
                return Ok(ev);
            }
            let Some(body) = self.body.as_mut() else {
                match self
                    .client
                    .open_stream(self.query.as_deref(), self.last_seq)
                    .await
                {
                    Ok(resp) => {
                        self.body = Some(Box::pin(resp.bytes_stream()));
                        self.parser = SseParser::default();
                        self.backoff = Duration::from_millis(100);
                        return Ok(StreamEvent::Connected);
                    }
                    // A query the server rejects will never succeed: say so once.
                    Err(
                        e @ ClientError::Api {
                            status: 400..=499, ..
                        },
                    ) => return Err(e),
                    Err(e) => {
                        tokio::time::sleep(self.backoff).await;
                        self.backoff = (self.backoff * 2).min(Duration::from_secs(5));
                        return Ok(StreamEvent::Disconnected(e.to_string()));
                    }
                }
            };
            match body.next().await {
                Some(Ok(chunk)) => {
                    for ev in self.parser.feed(&chunk) {
                        if let Some(ev) = self.interpret(ev)? {
                            self.pending.push_back(ev);
                        }
                    }
                }
                Some(Err(e)) => {
                    self.body = None;
                    return Ok(StreamEvent::Disconnected(e.to_string()));
                }
                None => {
                    self.body = None;
                    return Ok(StreamEvent::Disconnected("server closed the stream".into()));
                }
            }
        }
    }

    fn interpret(&mut self, ev: SseEvent) -> Result<Option<StreamEvent>, ClientError> {
        match ev.event.as_deref() {
            Some("story") | Some("withdrawn") | None => {
                let h: Headline = serde_json::from_str(&ev.data)
                    .map_err(|e| ClientError::Protocol(format!("bad story event: {e}")))?;
                // Resume point for reconnects: the server numbers events by wire seq.
                self.last_seq = Some(h.seq);
                Ok(Some(StreamEvent::Story(Box::new(h))))
            }
            Some("lagged") => {
                let l: Lagged = serde_json::from_str(&ev.data)
                    .map_err(|e| ClientError::Protocol(format!("bad lagged event: {e}")))?;
                self.last_seq = Some(l.resume_from);
                self.body = None;
                Ok(Some(StreamEvent::Lagged(l)))
            }
            _ => Ok(None),
        }
    }
}

/// The innermost error under `error`: what actually went wrong.
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Bytes a path segment keeps as they are: RFC 3986's unreserved set.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a path segment; story ids are ULIDs, but a user may
/// type anything and it must reach the server as one segment.
fn encode(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_urls_that_are_not_http() {
        assert!(Client::new("ftp://x").is_err());
        assert!(Client::new("http://").is_err());
        assert!(Client::new("http://127.0.0.1:7171/").is_ok());
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode("01ABC"), "01ABC");
        assert_eq!(encode("a/b c"), "a%2Fb%20c");
        assert_eq!(encode("é?#"), "%C3%A9%3F%23");
    }

    #[tokio::test]
    async fn a_refused_connection_names_the_server_once_and_the_reason() {
        // A port that was just free: nothing listens on it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let err = Client::new(&url).unwrap().health().await.unwrap_err();
        let message = err.to_string();
        assert_eq!(message.matches(&url).count(), 1, "{message}");
        assert!(message.to_lowercase().contains("refused"), "{message}");
        assert!(std::error::Error::source(&err).is_none(), "{message}");
    }
}
