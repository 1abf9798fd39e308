//! Who may do what. Every request passes two gates before a handler
//! sees it:
//!
//! 1. [`check_host`] (every request, routed or not): the `Host` must be
//!    this server's — the one `--public-url` names, or a loopback name
//!    with the bound port when there is none — else 421; and an `Origin`,
//!    when a browser sends one, must be this server's own or one listed
//!    with `--cors-origin`, else 403. This closes DNS rebinding and
//!    cross-site requests, WebSockets included, in every mode.
//! 2. [`authorize`] (routed requests): what the route needs, from the one
//!    table [`need`] — a route missing from it needs `admin`, so nothing
//!    is open by accident — against who the request is from
//!    ([`Caller`]); the CSRF token on cookie-signed writes; the declared
//!    body size against the route's cap; the write rate.
//!
//! A data directory with no users is *local mode*: everything is open,
//! and allowed only on loopback. Once a user exists, every write needs a
//! credential with the right scope (401 without one, 403 with the wrong
//! one, both naming what is missing), and reads need one unless the
//! server runs with `--public-read`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use newsterm_accounts::{Authenticator, Credential, Principal, Scope, Session};
use newsterm_alert::Whose;

use super::limits::{IMPORT_BODY_LIMIT, RateLimits, STORY_READ_LIMIT, StreamCaps};
pub use super::refusal::GateError;
use super::{ApiError, AppState};
use crate::ServerConfig;

/// The session cookie a password login sets.
pub const SESSION_COOKIE: &str = "newsterm_session";
/// The header a cookie-signed write carries its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Bodies of small JSON requests (alerts, sources, login).
const SMALL_BODY: u64 = 64 * 1024;

/// What a route asks of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Anyone: the health check, logging in.
    Nobody,
    /// Any caller with a credential (who am I, log out).
    Someone,
    /// A credential carrying this scope.
    Scope(Scope),
}

/// What each route needs and the largest body it takes (a declared
/// `Content-Length` above it is refused before anything is read). The
/// whole access policy, in one place: a route that is not listed here
/// needs `admin`.
pub(super) fn need(method: &Method, route: &str) -> (Need, u64) {
    let read = Need::Scope(Scope::Read);
    let get = method == Method::GET || method == Method::HEAD;
    match route {
        // The web terminal's page and files: public, so that a reader
        // without a session can reach the sign-in form.
        "/healthz" | "/" | "/index.html" | "/assets/{*name}" if get => (Need::Nobody, 0),
        "/api/login" if method == Method::POST => (Need::Nobody, SMALL_BODY),
        "/api/logout" if method == Method::POST => (Need::Someone, SMALL_BODY),
        "/api/session" if get => (Need::Someone, 0),
        "/api/stories/{id}"
        | "/api/stories/{id}/revisions"
        | "/api/search"
        | "/api/entities"
        | "/api/headlines"
        | "/api/top"
        | "/api/events/{id}"
        | "/api/read"
        | "/api/volume"
        | "/api/places"
        | "/api/moving"
        | "/api/stream"
        | "/api/ws"
        | "/feeds/{name}"
            if get =>
        {
            (read, 0)
        }
        "/api/stories" if method == Method::POST => {
            (Need::Scope(Scope::Publish), STORY_READ_LIMIT as u64)
        }
        "/api/stories/{id}" if method == Method::PUT => {
            (Need::Scope(Scope::Publish), STORY_READ_LIMIT as u64)
        }
        "/api/stories/{id}/withdraw" if method == Method::POST => {
            (Need::Scope(Scope::Publish), SMALL_BODY)
        }
        "/api/import" if method == Method::POST => {
            (Need::Scope(Scope::Publish), IMPORT_BODY_LIMIT as u64)
        }
        "/api/alerts"
        | "/api/alerts/hits"
        | "/api/alerts/test"
        | "/api/alerts/{id}"
        | "/api/alerts/{id}/hits"
        | "/feeds/alerts/{name}" => (Need::Scope(Scope::Alerts), SMALL_BODY),
        "/api/sources"
        | "/api/sources/{id}"
        | "/api/sources/{id}/pause"
        | "/api/sources/{id}/resume"
        | "/api/sources/{id}/poll" => (Need::Scope(Scope::Sources), SMALL_BODY),
        "/api/import-feed" if method == Method::POST => (
            Need::Scope(Scope::Sources),
            newsterm_feed::DEFAULT_MAX_BYTES as u64,
        ),
        _ => (Need::Scope(Scope::Admin), 0),
    }
}

/// Who a request is from, as its handler sees it.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Local mode: no users exist and the server listens on loopback.
    Local,
    /// No credential (a public read, the health check, a login).
    Anonymous,
    /// An API token.
    Token(Principal),
    /// A browser session (cookie), with its CSRF token.
    Browser(Session),
}

impl Caller {
    /// The user behind the request, if one is signed in.
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Caller::Token(p) => Some(p),
            Caller::Browser(s) => Some(&s.principal),
            Caller::Local | Caller::Anonymous => None,
        }
    }

    /// Checks that this caller may use `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), GateError> {
        match self {
            Caller::Local => Ok(()),
            Caller::Anonymous => Err(GateError::NoCredential(Some(scope))),
            Caller::Token(p) | Caller::Browser(Session { principal: p, .. }) => {
                if p.allows(scope) {
                    Ok(())
                } else {
                    Err(GateError::MissingScope {
                        scope,
                        user: p.user.clone(),
                        role: p.role.to_string(),
                        by: match p.credential {
                            Credential::Token { .. } => "token",
                            Credential::Session => "session",
                        },
                    })
                }
            }
        }
    }

    /// Whose alerts this caller sees and acts on: all of them in local
    /// mode or with the `admin` scope, else only the user's own.
    pub fn whose_alerts(&self) -> Result<Whose, GateError> {
        match self {
            Caller::Local => Ok(Whose::Everyone),
            Caller::Anonymous => Err(GateError::NoCredential(Some(Scope::Alerts))),
            Caller::Token(p) | Caller::Browser(Session { principal: p, .. }) => {
                Ok(if p.allows(Scope::Admin) {
                    Whose::Everyone
                } else {
                    Whose::User(p.user_id)
                })
            }
        }
    }

    /// What per-caller limits (write rate, open streams) are counted
    /// under: the token, or the user of a browser session. Local mode has
    /// no per-caller limits; an anonymous reader is counted by address.
    pub(super) fn limit_key(&self, peer: Option<IpAddr>) -> Option<String> {
        match self {
            Caller::Local => None,
            Caller::Anonymous => peer.map(|ip| format!("ip:{ip}")),
            Caller::Token(Principal {
                credential: Credential::Token { id },
                ..
            }) => Some(format!("token:{id}")),
            Caller::Token(p) | Caller::Browser(Session { principal: p, .. }) => {
                Some(format!("user:{}", p.user_id))
            }
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller, ApiError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("request reached its handler without a caller"))
    }
}

/// What the gate knows: the accounts, and the server's own address.
pub struct Gate {
    accounts: Arc<dyn Authenticator>,
    /// True when the server listens on loopback only: local mode is
    /// allowed.
    loopback: bool,
    public_read: bool,
    /// Every `Host` value accepted, lower-case.
    hosts: Vec<String>,
    /// `scheme://host[:port]` readers reach the server at, when
    /// `--public-url` fixed it.
    public_base: Option<String>,
    /// Other origins allowed (`--cors-origin`), lower-case.
    cors: Vec<String>,
    /// Session cookies carry `Secure` (the public URL is https).
    secure_cookies: bool,
    pub(super) rates: RateLimits,
    pub(super) streams: Arc<StreamCaps>,
}

impl Gate {
    pub(crate) fn new(
        accounts: Arc<dyn Authenticator>,
        config: &ServerConfig,
        bound: SocketAddr,
    ) -> Gate {
        let public = config.public_url.as_ref();
        let hosts = match public {
            Some(url) => {
                let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
                match url.port() {
                    Some(port) => vec![format!("{host}:{port}")],
                    // A default port may be written or left out.
                    None => vec![
                        host.clone(),
                        format!("{host}:{}", url.port_or_known_default().unwrap_or(80)),
                    ],
                }
            }
            None => {
                let port = bound.port();
                let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
                    .iter()
                    .map(|h| format!("{h}:{port}"))
                    .collect();
                if port == 80 {
                    hosts.extend(["localhost", "127.0.0.1", "[::1]"].map(String::from));
                }
                hosts
            }
        };
        Gate {
            accounts,
            loopback: bound.ip().is_loopback(),
            public_read: config.public_read,
            hosts,
            public_base: public.map(|u| u.origin().ascii_serialization()),
            cors: config
                .cors_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect(),
            secure_cookies: public.is_some_and(|u| u.scheme() == "https"),
            rates: RateLimits::new(&config.limits),
            streams: Arc::new(StreamCaps::new(&config.limits)),
        }
    }

    pub fn accounts(&self) -> &Arc<dyn Authenticator> {
        &self.accounts
    }

    pub fn public_read(&self) -> bool {
        self.public_read
    }

    /// `scheme://host[:port]` that links to this server start with: the
    /// public URL's, else the (checked) Host the request named.
    pub fn base_url(&self, headers: &HeaderMap) -> String {
        match &self.public_base {
            Some(base) => base.clone(),
            None => format!("http://{}", host(headers).unwrap_or(&self.hosts[0])),
        }
    }

    /// The attributes every session cookie carries.
    pub fn cookie(&self, value: &str, max_age: i64) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!(
            "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
        )
    }

    /// Drops rate-limit state of clients that have gone quiet.
    pub(crate) fn forget_idle(&self) {
        self.rates.forget_idle();
    }

    /// True when no user exists (local mode, or a closed server).
    pub fn local_mode(&self) -> Result<bool, GateError> {
        Ok(!self.accounts.has_users()?)
    }

    fn check_host(&self, headers: &HeaderMap) -> Result<(), GateError> {
        let got = host(headers).unwrap_or("").to_ascii_lowercase();
        if !self.hosts.contains(&got) {
            return Err(GateError::WrongHost {
                got: got.chars().take(100).collect(),
                want: self.hosts[0].clone(),
            });
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or("").to_ascii_lowercase();
        let own = self
            .public_base
            .clone()
            .unwrap_or_else(|| format!("http://{got}"));
        if origin == own || self.cors.contains(&origin) {
            Ok(())
        } else {
            Err(GateError::WrongOrigin(origin.chars().take(100).collect()))
        }
    }

    /// Who the request is from, by its credential (a bearer token wins
    /// over a session cookie). A credential that does not check out is
    /// an error, not an anonymous request.
    fn identify(&self, headers: &HeaderMap) -> Result<Identity, GateError> {
        if !self.accounts.has_users()? {
            return Ok(if self.loopback {
                Identity::Local
            } else {
                Identity::Closed
            });
        }
        if let Some(value) = headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    let (scheme, token) = v.trim().split_once(' ')?;
                    scheme.eq_ignore_ascii_case("bearer").then_some(token)
                })
                .ok_or(GateError::MalformedAuthorization)?;
            return Ok(Identity::Caller(Caller::Token(
                self.accounts.authenticate(token.trim())?,
            )));
        }
        if let Some(cookie) = session_cookie(headers) {
            return Ok(Identity::Caller(Caller::Browser(
                self.accounts.session(cookie)?,
            )));
        }
        Ok(Identity::Caller(Caller::Anonymous))
    }

    /// Lets `identity` through to a route that needs `need`, or says why
    /// not.
    fn admit(
        &self,
        need: Need,
        identity: Identity,
        method: &Method,
        headers: &HeaderMap,
    ) -> Result<Caller, GateError> {
        let caller = match identity {
            Identity::Local => return Ok(Caller::Local),
            Identity::Closed if need == Need::Nobody => return Ok(Caller::Anonymous),
            Identity::Closed => return Err(GateError::NoUsers),
            Identity::Caller(caller) => caller,
        };
        match (need, &caller) {
            (Need::Nobody, _) => {}
            (Need::Someone, Caller::Anonymous) => return Err(GateError::NoCredential(None)),
            (Need::Someone, _) => {}
            (Need::Scope(Scope::Read), Caller::Anonymous) if self.public_read => {}
            (Need::Scope(scope), _) => caller.require(scope)?,
        }
        if let Caller::Browser(session) = &caller
            && !is_safe(method)
        {
            let given = headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !session.csrf_matches(given) {
                return Err(GateError::Csrf);
            }
        }
        Ok(caller)
    }
}

enum Identity {
    Local,
    /// No users, and not on loopback: only open routes are served.
    Closed,
    Caller(Caller),
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn host(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|h| h.to_str().ok())
}

/// The session cookie's value, if the request carries one.
pub(super) fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// Gate 1, on every request: the Host and Origin are this server's.
pub(super) async fn check_host(
    State(st): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    st.gate.check_host(req.headers())?;
    Ok(next.run(req).await)
}

/// Gate 2, on every routed request: the caller may use the route, the
/// body is within its cap, a write is within its rate.
pub(super) async fn authorize(
    State(st): State<AppState>,
    route: MatchedPath,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (need, body_cap) = need(req.method(), route.as_str());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(declared) = declared
        && declared > body_cap
    {
        return Err(GateError::BodyTooLarge {
            declared,
            limit: body_cap,
        }
        .into());
    }
    let gate = &st.gate;
    let identity = gate.identify(req.headers())?;
    let caller = gate.admit(need, identity, req.method(), req.headers())?;
    if need != Need::Nobody && !is_safe(req.method()) {
        let peer = crate::connections::peer(req.extensions());
        gate.rates.check_write(
            caller.limit_key(peer),
            peer,
            matches!(caller, Caller::Local),
        )?;
    }
    req.extensions_mut().insert(caller);
    Ok(next.run(req).await)
}

/// Every response: no MIME sniffing, no referrer beyond this origin, and
/// a content security policy — strict for HTML (this origin only, no
/// framing), everything off for anything else a browser might render.
pub(super) async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/html")
        });
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if html { HTML_CSP } else { OTHER_CSP }),
    );
    if html {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    res
}

/// The policy of every HTML page newsterm serves: its own scripts, styles,
/// images and connections only; no plugins, no framing, no `<base>`.
pub const HTML_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Everything else (JSON, feeds) is data: nothing in it may run or load.
const OTHER_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use axum::routing::get;
    use tower::ServiceExt as _;

    use super::*;

    async fn headers_of(content_type: &'static str) -> HeaderMap {
        let app = Router::new()
            .route(
                "/",
                get(move || async move { ([(header::CONTENT_TYPE, content_type)], "x") }),
            )
            .layer(axum::middleware::from_fn(security_headers));
        let res = app
            .oneshot(HttpRequest::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        res.headers().clone()
    }

    #[tokio::test]
    async fn html_gets_a_strict_policy_and_everything_else_runs_nothing() {
        let html = headers_of("text/html; charset=utf-8").await;
        assert_eq!(html[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(html[header::REFERRER_POLICY], "same-origin");
        assert_eq!(html[header::X_FRAME_OPTIONS], "DENY");
        let csp = html[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        for part in [
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let json = headers_of("application/json").await;
        assert_eq!(json[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            json[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; frame-ancestors 'none'"
        );
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; newsterm_session=abc123 ; other=1"),
        );
        assert_eq!(session_cookie(&h), Some("abc123"));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("newsterm_session="),
        );
        assert_eq!(session_cookie(&h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("xnewsterm_session=abc"),
        );
        assert_eq!(session_cookie(&h), None);
    }

    #[test]
    fn unlisted_routes_need_admin() {
        assert_eq!(need(&Method::GET, "/healthz").0, Need::Nobody);
        assert_eq!(
            need(&Method::HEAD, "/api/search").0,
            Need::Scope(Scope::Read)
        );
        assert_eq!(
            need(&Method::PUT, "/api/stories/{id}").0,
            Need::Scope(Scope::Publish)
        );
        assert_eq!(
            need(&Method::DELETE, "/api/stories/{id}").0,
            Need::Scope(Scope::Admin)
        );
        assert_eq!(
            need(&Method::GET, "/api/new-thing").0,
            Need::Scope(Scope::Admin)
        );
    }
}
