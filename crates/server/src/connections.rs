//! The accept loop: every connection served over HTTP/1.1 by hyper with a
//! header-read deadline, the peer's address handed to the router, and a
//! graceful stop that lets in-flight requests finish.
//!
//! axum's own `serve` sets no deadline on reading a request's headers, so
//! a client that opens a connection and trickles (or never sends) its
//! headers holds a task and a socket for as long as it likes. Here hyper
//! closes such a connection after [`Limits::header_timeout`]. The same
//! deadline ends an idle keep-alive connection waiting for its next
//! request. Body and whole-request deadlines are middleware (`http`).
//!
//! HTTP/2 is not offered: newsterm serves plain HTTP (TLS, and HTTP/2
//! with it, belong to the proxy in front), where browsers and the
//! clients newsterm ships speak HTTP/1.1.

use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt as _;

/// Serves `app` on `listener` until `stop` turns true, then stops
/// accepting, asks every open connection to finish its request in flight
/// and close, and returns once they all have.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    // Each connection task holds a receiver; the sender's `closed()`
    // resolves when the last one is gone.
    let (open_tx, open_rx) = watch::channel(());
    let (closing_tx, closing_rx) = watch::channel(false);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped(&mut stop) => break,
        };
        let (stream, peer) = match accepted {
            Ok(conn) => conn,
            Err(e) => {
                accept_failed(e).await;
                continue;
            }
        };
        // Events and acknowledgements are small writes that must leave
        // at once.
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req.map(Body::new)
            });
        let service = TowerToHyperService::new(service);
        let open = open_rx.clone();
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let mut conn = pin!(
                builder
                    .serve_connection(TokioIo::new(stream), service)
                    .with_upgrades()
            );
            let mut asked = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(%peer, error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    _ = stopped(&mut closing), if !asked => {
                        asked = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(open);
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(open_rx);
    drop(closing_rx);
    open_tx.closed().await;
    Ok(())
}

/// Resolves once `flag` is true (or its sender is gone).
async fn stopped(flag: &mut watch::Receiver<bool>) {
    while !*flag.borrow_and_update() {
        if flag.changed().await.is_err() {
            return;
        }
    }
}

/// A failed accept: a connection the peer reset before it was taken is
/// nothing; anything else (out of file descriptors, most often) is
/// logged and the loop waits a moment, as the descriptors a closing
/// connection frees are what it needs.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// The address a request came from, when it came through [`serve`] (a
/// router driven directly, as in unit tests, has none).
pub(crate) fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// [`peer`] as a handler argument.
pub(crate) struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Peer, Infallible> {
        Ok(Peer(peer(&parts.extensions)))
    }
}
