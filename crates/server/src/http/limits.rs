//! Bounds on what any one client can take: how long a request may take
//! to arrive, how many streams stay open, how fast writes and logins
//! come. Each refusal says when to try again (`Retry-After`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::refusal::GateError;
use super::{ApiError, AppState};

/// Largest story request body, in bytes.
pub const STORY_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// How much of a story request the server reads before giving up on it.
/// Bodies between this and [`STORY_BODY_LIMIT`] are read to the end and
/// refused with a 413 the client can see; cutting a client off mid-send
/// would leave it with a broken pipe instead of the reason. A declared
/// `Content-Length` above it is refused before reading (`access`).
pub const STORY_READ_LIMIT: usize = 16 * 1024 * 1024;
/// Largest bulk-import request body, in bytes.
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The bounds a server keeps. [`Limits::default`] suits a server in
/// front of readers; a benchmark raises the rates and stream counts.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest a client may take to send a request's headers (and
    /// longest a kept-alive connection may sit idle).
    pub header_timeout: Duration,
    /// Longest a request body may pause between two pieces.
    pub body_idle_timeout: Duration,
    /// Longest from a request's headers to its answer's headers (body
    /// upload and handling together); streams are not cut by it, their
    /// answer starts at once.
    pub request_timeout: Duration,
    /// Open event streams (SSE and WebSocket) on the whole server.
    pub max_streams: usize,
    /// Open event streams per token (per user for browser sessions, per
    /// address for anonymous readers).
    pub max_streams_per_caller: usize,
    /// Writes per second per token (or browser session user); one
    /// address may write four times as fast, as several tokens may share
    /// it. Local mode has no write limits.
    pub writes_per_second: u32,
    /// Login attempts per minute, per address and per user name.
    pub logins_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_streams: 20_000,
            max_streams_per_caller: 64,
            writes_per_second: 50,
            logins_per_minute: 10,
        }
    }
}

/// How long a refused client is asked to wait for a stream slot.
const STREAM_RETRY_SECS: u64 = 5;

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// Write and login rates (GCRA, from `governor`), keyed by credential,
/// address and user name.
pub(super) struct RateLimits {
    writes_by_caller: DefaultKeyedRateLimiter<String>,
    writes_by_address: DefaultKeyedRateLimiter<IpAddr>,
    logins_by_address: DefaultKeyedRateLimiter<IpAddr>,
    logins_by_name: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl RateLimits {
    pub(super) fn new(limits: &Limits) -> RateLimits {
        let writes = nonzero(limits.writes_per_second);
        let address_writes = nonzero(limits.writes_per_second.saturating_mul(4));
        let logins = nonzero(limits.logins_per_minute);
        RateLimits {
            writes_by_caller: DefaultKeyedRateLimiter::keyed(Quota::per_second(writes)),
            writes_by_address: DefaultKeyedRateLimiter::keyed(Quota::per_second(address_writes)),
            logins_by_address: DefaultKeyedRateLimiter::keyed(Quota::per_minute(logins)),
            logins_by_name: DefaultKeyedRateLimiter::keyed(Quota::per_minute(logins)),
            clock: DefaultClock::default(),
        }
    }

    fn refused<T>(
        &self,
        what: &'static str,
        outcome: Result<(), governor::NotUntil<T>>,
    ) -> Result<(), GateError>
    where
        T: governor::clock::Reference,
        DefaultClock: Clock<Instant = T>,
    {
        outcome.map_err(|not_until| GateError::RateLimited {
            what,
            retry_after: not_until.wait_time_from(self.clock.now()).as_secs().max(1),
        })
    }

    /// Counts a write against its caller's and its address's rate; a
    /// `local` caller (local mode) is not limited.
    pub(super) fn check_write(
        &self,
        key: Option<String>,
        peer: Option<IpAddr>,
        local: bool,
    ) -> Result<(), GateError> {
        if local {
            return Ok(());
        }
        if let Some(key) = key {
            self.refused("writes", self.writes_by_caller.check_key(&key))?;
        }
        if let Some(ip) = peer {
            self.refused("writes", self.writes_by_address.check_key(&ip))?;
        }
        Ok(())
    }

    /// Counts a login attempt against its address and the user name.
    pub(super) fn check_login(&self, peer: Option<IpAddr>, user: &str) -> Result<(), GateError> {
        if let Some(ip) = peer {
            self.refused("login attempts", self.logins_by_address.check_key(&ip))?;
        }
        let name = user.trim().to_lowercase();
        self.refused("login attempts", self.logins_by_name.check_key(&name))
    }

    /// Forgets keys whose limits have fully recovered, so addresses and
    /// names seen once do not pile up.
    pub(super) fn forget_idle(&self) {
        for limiter in [&self.writes_by_caller, &self.logins_by_name] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        for limiter in [&self.writes_by_address, &self.logins_by_address] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Open streams: counted for the whole server and per caller.
pub(super) struct StreamCaps {
    max: usize,
    max_per_caller: usize,
    open: Mutex<OpenStreams>,
}

#[derive(Default)]
struct OpenStreams {
    total: usize,
    by_caller: HashMap<String, usize>,
}

/// One open stream's place; dropping it frees the place.
pub(super) struct StreamPermit {
    caps: Arc<StreamCaps>,
    key: Option<String>,
}

impl StreamCaps {
    pub(super) fn new(limits: &Limits) -> StreamCaps {
        StreamCaps {
            max: limits.max_streams,
            max_per_caller: limits.max_streams_per_caller,
            open: Mutex::default(),
        }
    }

    /// A place for one more stream of the caller counted under `key`, or
    /// 503 with `Retry-After` when the server or the caller is full.
    pub(super) fn open(self: &Arc<Self>, key: Option<String>) -> Result<StreamPermit, GateError> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= self.max {
            return Err(GateError::TooManyStreams {
                scope: "server",
                limit: self.max,
                retry_after: STREAM_RETRY_SECS,
            });
        }
        if let Some(key) = &key {
            let mine = open.by_caller.entry(key.clone()).or_default();
            if *mine >= self.max_per_caller {
                return Err(GateError::TooManyStreams {
                    scope: "per-token",
                    limit: self.max_per_caller,
                    retry_after: STREAM_RETRY_SECS,
                });
            }
            *mine += 1;
        }
        open.total += 1;
        Ok(StreamPermit {
            caps: self.clone(),
            key,
        })
    }
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self
            .caps
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(key) = &self.key
            && let Some(n) = open.by_caller.get_mut(key)
        {
            *n -= 1;
            if *n == 0 {
                open.by_caller.remove(key);
            }
        }
    }
}

/// The whole-request deadline: from headers in to headers out.
pub(super) async fn deadline(
    State(st): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let limit = st.limits.request_timeout;
    tokio::time::timeout(limit, next.run(req))
        .await
        .map_err(|_| GateError::Timeout(limit.as_secs()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(max: usize, per: usize) -> Arc<StreamCaps> {
        Arc::new(StreamCaps::new(&Limits {
            max_streams: max,
            max_streams_per_caller: per,
            ..Limits::default()
        }))
    }

    #[test]
    fn streams_are_capped_per_caller_and_in_all() {
        let caps = caps(3, 2);
        let a1 = caps.open(Some("a".into())).unwrap();
        let _a2 = caps.open(Some("a".into())).unwrap();
        assert!(matches!(
            caps.open(Some("a".into())),
            Err(GateError::TooManyStreams {
                scope: "per-token",
                ..
            })
        ));
        let _b = caps.open(Some("b".into())).unwrap();
        assert!(matches!(
            caps.open(None),
            Err(GateError::TooManyStreams {
                scope: "server",
                ..
            })
        ));
        drop(a1);
        let _a3 = caps.open(Some("a".into())).unwrap();
    }

    #[test]
    fn logins_are_limited_per_address_and_name() {
        let rates = RateLimits::new(&Limits {
            logins_per_minute: 2,
            ..Limits::default()
        });
        let here = Some(IpAddr::from([127, 0, 0, 1]));
        let there = Some(IpAddr::from([127, 0, 0, 2]));
        assert!(rates.check_login(here, "ana").is_ok());
        assert!(rates.check_login(here, "ANA").is_ok());
        // A third try at the same name within the minute, from anywhere.
        let e = rates.check_login(there, "ana").unwrap_err();
        assert!(
            matches!(
                e,
                GateError::RateLimited {
                    retry_after: 1..,
                    ..
                }
            ),
            "{e}"
        );
        // And a third from the same address, at any name.
        assert!(rates.check_login(here, "bo").is_err());
    }

    #[test]
    fn local_mode_writes_are_not_limited() {
        let rates = RateLimits::new(&Limits {
            writes_per_second: 1,
            ..Limits::default()
        });
        let here = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..10 {
            assert!(rates.check_write(None, here, true).is_ok());
        }
    }
}
