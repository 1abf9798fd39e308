//! The live wire over HTTP: server-sent events (`/api/stream`) and
//! WebSocket (`/api/ws`). Both run the same [`Session`]: a resuming
//! subscriber first drains its backlog from the store, then follows the
//! wire, and every event after its resume point arrives once, in order.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use newsterm_query::Query as SearchQuery;
use newsterm_wire::{Recv, Resume, Subscriber};
use serde::Deserialize;

use newsterm_accounts::Scope;
use newsterm_alert::Whose;

use super::access::Caller;
use super::limits::StreamPermit;
use super::search::optional_query;
use super::top_board::{Pace, TopView};
use super::{ApiError, AppState};
use crate::connections::Peer;
use crate::engine::{AlertEvent, AlertEvents, Engine, WireItem};

/// How often an idle stream sends a keep-alive, so proxies and clients
/// can tell a quiet wire from a dead connection.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// Revisions read from the store per backlog page.
const BACKLOG_PAGE: usize = 500;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/stream", get(sse))
        .route("/api/ws", get(websocket))
}

/// One wire item framed for each transport, made once per item and shared
/// by every session that sends it.
struct Frames {
    /// A complete SSE event (`id:`, `event:`, `data:` and the blank line).
    sse: Bytes,
    /// The WebSocket message: `{"event":"story","seq":N,"data":{…}}`.
    ws: Utf8Bytes,
}

impl Frames {
    fn of(item: &WireItem) -> Frames {
        let json = String::from_utf8_lossy(&item.json);
        let seq = item.headline.seq;
        // A kill is its own event, so every reader can act on it at once.
        let event = if item.headline.is_withdrawn() {
            "withdrawn"
        } else {
            "story"
        };
        Frames {
            sse: Bytes::from(format!("id: {seq}\nevent: {event}\ndata: {json}\n\n")),
            ws: format!("{{\"event\":\"{event}\",\"seq\":{seq},\"data\":{json}}}").into(),
        }
    }

    /// `item`'s frames, from its shared slot.
    fn send<T>(item: &WireItem, pick: impl Fn(&Frames) -> T) -> T {
        match item.encoded(Frames::of) {
            Some(frames) => pick(frames),
            None => pick(&Frames::of(item)),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct StreamParams {
    q: Option<String>,
    since: Option<u64>,
    /// `alerts=1`: the alert hits instead of the wire.
    #[serde(default)]
    alerts: Option<String>,
    /// `top=1`: TOP, sent whole whenever it changes, instead of the wire.
    #[serde(default)]
    top: Option<String>,
}

/// What a session produces next.
enum Frame {
    Story(Arc<WireItem>),
    KeepAlive,
    /// Dropped for falling behind; resume after this sequence.
    Lagged(u64),
}

enum Phase {
    Backlog(Resume<Arc<WireItem>>),
    Live(Subscriber<Arc<WireItem>>),
    Done,
}

struct Session {
    engine: Arc<Engine>,
    matcher: Option<Arc<SearchQuery>>,
    phase: Phase,
    queue: VecDeque<Arc<WireItem>>,
    keepalive: tokio::time::Interval,
    shutdown: tokio::sync::watch::Receiver<bool>,
    /// This stream's place under the stream caps, held while it runs.
    _permit: StreamPermit,
}

impl Session {
    fn open(
        st: &AppState,
        params: StreamParams,
        last_event_id: Option<u64>,
        permit: StreamPermit,
    ) -> Result<Self, ApiError> {
        let matcher = optional_query(params.q.as_deref())?.map(Arc::new);
        let wire = st.engine.wire();
        // A resume point past the wire's end (a store that was reset) means
        // "from now", not "skip the next N stories". In a cluster the end
        // is the log's: a point another node already sent is resumed from
        // exactly, even before this node has applied that far.
        let phase = match last_event_id.or(params.since) {
            Some(since) => Phase::Backlog(wire.resume(since.min(st.engine.wire_end()))),
            None => Phase::Live(wire.subscribe()),
        };
        let mut keepalive = tokio::time::interval(KEEPALIVE);
        keepalive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        keepalive.reset();
        Ok(Session {
            engine: st.engine.clone(),
            matcher,
            phase,
            queue: VecDeque::new(),
            keepalive,
            shutdown: st.shutdown.clone(),
            _permit: permit,
        })
    }

    /// The next frame, or `None` when the stream should end.
    async fn next(&mut self) -> Option<Frame> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(Frame::Story(item));
            }
            if *self.shutdown.borrow() {
                return None;
            }
            match &mut self.phase {
                Phase::Done => return None,
                Phase::Backlog(resume) => {
                    let engine = self.engine.clone();
                    let matcher = self.matcher.clone();
                    let after = resume.position();
                    let page = tokio::task::spawn_blocking(move || {
                        engine.backlog(after, BACKLOG_PAGE, matcher.as_deref())
                    })
                    .await;
                    match page {
                        Ok(Ok((items, Some(last)))) => {
                            resume.delivered(last);
                            self.queue.extend(items);
                        }
                        Ok(Ok((_, None))) => {
                            let Phase::Backlog(resume) =
                                std::mem::replace(&mut self.phase, Phase::Done)
                            else {
                                return None;
                            };
                            self.phase = Phase::Live(resume.live());
                        }
                        Ok(Err(e)) => {
                            tracing::error!(error = %e, "stream backlog read failed");
                            return None;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "stream backlog task failed");
                            return None;
                        }
                    }
                }
                Phase::Live(sub) => {
                    tokio::select! {
                        biased;
                        _ = self.shutdown.changed() => return None,
                        r = sub.recv() => match r {
                            Recv::Event(ev) => {
                                self.keepalive.reset();
                                let item = &ev.payload;
                                if self.matcher.as_ref().is_none_or(|q| item.matches(q)) {
                                    return Some(Frame::Story(item.clone()));
                                }
                            }
                            Recv::Lagged { resume_from } => {
                                self.phase = Phase::Done;
                                return Some(Frame::Lagged(resume_from));
                            }
                            Recv::Closed => return None,
                        },
                        _ = self.keepalive.tick() => return Some(Frame::KeepAlive),
                    }
                }
            }
        }
    }
}

fn last_event_id(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    match headers.get("last-event-id") {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "bad_parameter",
                    "Last-Event-ID must be a wire sequence number",
                )
            }),
    }
}

/// Checks what a stream asks for and takes its place under the caps.
fn admit_stream(
    st: &AppState,
    caller: &Caller,
    peer: Option<std::net::IpAddr>,
    params: &StreamParams,
) -> Result<StreamPermit, ApiError> {
    if wants_alerts(params) {
        caller.require(Scope::Alerts)?;
    }
    Ok(st.gate.streams.open(caller.limit_key(peer))?)
}

/// `GET /api/stream`: server-sent events.
async fn sse(
    State(st): State<AppState>,
    caller: Caller,
    Peer(peer): Peer,
    headers: HeaderMap,
    params: Result<Query<StreamParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let permit = admit_stream(&st, &caller, peer, &params)?;
    if wants_alerts(&params) {
        return Ok(alert_stream(&st, caller.whose_alerts()?, permit));
    }
    if flag(params.top.as_deref()) {
        return Ok(top_stream(&st, permit));
    }
    let session = Session::open(&st, params, last_event_id(&headers)?, permit)?;
    let frames = futures_util::stream::unfold(session, |mut s| async move {
        let frame = s.next().await?;
        let bytes = match frame {
            Frame::Story(item) => Frames::send(&item, |f| f.sse.clone()),
            Frame::KeepAlive => Bytes::from_static(b": keep-alive\n\n"),
            Frame::Lagged(resume_from) => {
                s.phase = Phase::Done;
                Bytes::from(format!(
                    "event: lagged\ndata: {{\"resume_from\":{resume_from}}}\n\n"
                ))
            }
        };
        Some((Ok::<_, Infallible>(bytes), s))
    });
    // A comment first, so the client sees the stream open at once.
    let opening = futures_util::stream::once(async {
        Ok::<_, Infallible>(Bytes::from_static(b": newsterm wire\n\n"))
    });
    use futures_util::StreamExt;
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(opening.chain(frames)),
    )
        .into_response())
}

/// `GET /api/stream?alerts=1`: every hit of the caller's alerts as it fires, as `event:
/// alert` with an [`newsterm_api::AlertHit`]. A subscriber that falls
/// behind is told so and closed, like the wire's.
fn alert_stream(st: &AppState, whose: Whose, permit: StreamPermit) -> Response {
    use tokio::sync::broadcast::error::RecvError;
    let rx = st.engine.alerts().subscribe(whose);
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.reset();
    let state = (rx, keepalive, st.shutdown.clone(), false, permit);
    let frames = futures_util::stream::unfold(
        state,
        |(mut rx, mut keepalive, mut shutdown, done, permit)| async move {
            if done || *shutdown.borrow() {
                return None;
            }
            let (bytes, done) = tokio::select! {
                _ = shutdown.changed() => return None,
                ev = rx.recv() => match ev {
                    Ok(ev) => (alert_sse(&ev), false),
                    Err(RecvError::Lagged(n)) => (
                        Bytes::from(format!("event: lagged\ndata: {{\"missed\":{n}}}\n\n")),
                        true,
                    ),
                    Err(RecvError::Closed) => return None,
                },
                _ = keepalive.tick() => (Bytes::from_static(b": keep-alive\n\n"), false),
            };
            Some((
                Ok::<_, Infallible>(bytes),
                (rx, keepalive, shutdown, done, permit),
            ))
        },
    );
    let opening = futures_util::stream::once(async {
        Ok::<_, Infallible>(Bytes::from_static(b": newsterm alerts\n\n"))
    });
    use futures_util::StreamExt;
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(opening.chain(frames)),
    )
        .into_response()
}

/// `GET /api/ws`: the same events over WebSocket, one JSON text message
/// each: `{"event":"story","seq":N,"data":{…}}`, or
/// `{"event":"lagged","resume_from":N}` before the server closes.
async fn websocket(
    State(st): State<AppState>,
    caller: Caller,
    Peer(peer): Peer,
    headers: HeaderMap,
    params: Result<Query<StreamParams>, QueryRejection>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let permit = admit_stream(&st, &caller, peer, &params)?;
    if wants_alerts(&params) {
        let rx = st.engine.alerts().subscribe(caller.whose_alerts()?);
        let shutdown = st.shutdown.clone();
        return Ok(upgrade.on_upgrade(move |socket| async move {
            run_alert_websocket(socket, rx, shutdown).await;
            drop(permit);
        }));
    }
    if flag(params.top.as_deref()) {
        let st = st.clone();
        return Ok(upgrade.on_upgrade(move |socket| async move {
            run_top_websocket(socket, st).await;
            drop(permit);
        }));
    }
    let session = Session::open(&st, params, last_event_id(&headers)?, permit)?;
    Ok(upgrade.on_upgrade(move |socket| run_websocket(socket, session)))
}

fn wants_alerts(params: &StreamParams) -> bool {
    flag(params.alerts.as_deref())
}

fn flag(value: Option<&str>) -> bool {
    value.is_some_and(|a| matches!(a, "1" | "true" | "yes"))
}

/// Rows TOP streams send.
const TOP_ROWS: usize = 30;
/// How TOP streams' shared ranking is paced: a change waits for others
/// (a bulk import changes TOP thousands of times a second), and TOP is
/// ranked again now and then even when no story arrives, as recency
/// decays.
pub(crate) const TOP_PACE: Pace = Pace {
    settle: Duration::from_millis(200),
    refresh: Duration::from_secs(60),
};

/// What a TOP stream sends next: the list whenever it differs from the
/// last one sent, starting with the current one, from the board every
/// TOP stream shares.
struct TopWatch {
    view: TopView,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

impl TopWatch {
    fn new(st: &AppState) -> TopWatch {
        let ranked = st.clone();
        let rank = move || {
            let st = ranked.clone();
            async move {
                match super::headlines::top_entries(&st, TOP_ROWS).await {
                    Ok(top) => Some(serde_json::to_string(&top).unwrap_or_else(|_| "[]".into())),
                    Err(e) => {
                        tracing::error!(error = %e.message, "TOP stream cannot rank");
                        None
                    }
                }
            }
        };
        TopWatch {
            view: st
                .top
                .watch(rank, st.engine.events().changes(), st.shutdown.clone()),
            shutdown: st.shutdown.clone(),
        }
    }

    /// The next TOP to send, `None` when the stream should end.
    async fn next(&mut self) -> Option<String> {
        self.view.next(&mut self.shutdown).await
    }
}

/// `GET /api/stream?top=1`: `event: top` with the whole TOP list (an
/// array of [`newsterm_api::TopEntry`]) at once, then again each time it
/// changes.
fn top_stream(st: &AppState, permit: StreamPermit) -> Response {
    // The permit lives as long as the stream: it counts against the caps.
    let state = (TopWatch::new(st), permit);
    let frames = futures_util::stream::unfold(state, |(mut w, permit)| async move {
        let json = w.next().await?;
        Some((
            Ok::<_, Infallible>(Bytes::from(format!("event: top\ndata: {json}\n\n"))),
            (w, permit),
        ))
    });
    let opening = futures_util::stream::once(async {
        Ok::<_, Infallible>(Bytes::from_static(b": newsterm top\n\n"))
    });
    use futures_util::StreamExt;
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(opening.chain(frames)),
    )
        .into_response()
}

/// TOP over WebSocket: `{"event":"top","data":[…]}` at once and on every
/// change.
async fn run_top_websocket(socket: WebSocket, st: AppState) {
    use futures_util::{SinkExt, StreamExt};
    let (mut sink, mut incoming) = socket.split();
    let mut watch = TopWatch::new(&st);
    loop {
        let msg = tokio::select! {
            frame = incoming.next() => match frame {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => continue,
            },
            top = watch.next() => match top {
                Some(json) => Message::Text(format!("{{\"event\":\"top\",\"data\":{json}}}").into()),
                None => break,
            },
        };
        if sink.send(msg).await.is_err() {
            return;
        }
    }
    let _ = sink.send(Message::Close(None)).await;
}

/// Alert hits over WebSocket: `{"event":"alert","data":{…AlertHit…}}`.
async fn run_alert_websocket(
    socket: WebSocket,
    mut rx: AlertEvents,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    use futures_util::{SinkExt, StreamExt};
    use tokio::sync::broadcast::error::RecvError;
    let (mut sink, mut incoming) = socket.split();
    loop {
        let msg = tokio::select! {
            _ = shutdown.changed() => break,
            frame = incoming.next() => match frame {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => continue,
            },
            ev = rx.recv() => match ev {
                Ok(ev) => {
                    let data = serde_json::to_string(&ev.hit).unwrap_or_else(|_| "{}".into());
                    Message::Text(format!("{{\"event\":\"alert\",\"data\":{data}}}").into())
                }
                Err(RecvError::Lagged(n)) => {
                    let text = format!("{{\"event\":\"lagged\",\"missed\":{n}}}");
                    let _ = sink.send(Message::Text(text.into())).await;
                    break;
                }
                Err(RecvError::Closed) => break,
            },
        };
        if sink.send(msg).await.is_err() {
            return;
        }
    }
    let _ = sink.send(Message::Close(None)).await;
}

async fn run_websocket(socket: WebSocket, mut session: Session) {
    use futures_util::{SinkExt, StreamExt};
    let (mut sink, mut incoming) = socket.split();
    // Reading runs on its own task, so the send loop waits on one future
    // only; it reports when the client closes or the connection breaks.
    let (closed_tx, mut closed) = tokio::sync::oneshot::channel::<()>();
    let reader = tokio::spawn(async move {
        while let Some(Ok(msg)) = incoming.next().await {
            if matches!(msg, Message::Close(_)) {
                break;
            }
        }
        let _ = closed_tx.send(());
    });
    loop {
        let frame = tokio::select! {
            frame = session.next() => frame,
            _ = &mut closed => break,
        };
        let msg = match frame {
            Some(Frame::Story(item)) => Message::Text(Frames::send(&item, |f| f.ws.clone())),
            Some(Frame::KeepAlive) => Message::Ping(Bytes::new()),
            Some(Frame::Lagged(resume_from)) => {
                let text = format!("{{\"event\":\"lagged\",\"resume_from\":{resume_from}}}");
                let _ = sink.send(Message::Text(text.into())).await;
                break;
            }
            None => break,
        };
        if sink.send(msg).await.is_err() {
            break;
        }
    }
    let _ = sink.send(Message::Close(None)).await;
    reader.abort();
}

/// An alert hit as an SSE event; its id is the wire sequence of the
/// revision that fired.
fn alert_sse(ev: &AlertEvent) -> Bytes {
    let json = serde_json::to_string(&ev.hit).unwrap_or_else(|_| "{}".into());
    Bytes::from(format!("id: {}\nevent: alert\ndata: {json}\n\n", ev.seq))
}
