//! Browser sign-in: `POST /api/login` (user name and password → a session
//! cookie and the CSRF token its writes must carry), `POST /api/logout`,
//! and `GET /api/session` (who the caller is, and the CSRF token again
//! for a page that reloaded).
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no
//! other site's page sends it) and `Secure` when the public URL is https.
//! Every cookie-signed request other than GET must carry the session's
//! CSRF token in `X-CSRF-Token` (checked in `access`).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use newsterm_accounts::{Principal, SESSION_LIFETIME};
use newsterm_api::{LoginRequest, SessionInfo, UserInfo};

use super::access::{Caller, GateError, session_cookie};
use super::{ApiError, AppState, blocking};
use crate::connections::Peer;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/session", get(whoami))
}

fn user_info(p: &Principal) -> UserInfo {
    UserInfo {
        name: p.user.clone(),
        role: p.role.to_string(),
        scopes: p.scopes.iter().map(|s| s.to_string()).collect(),
    }
}

async fn login(
    State(st): State<AppState>,
    Peer(peer): Peer,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(req) = body?;
    let gate = st.gate.clone();
    if gate.local_mode()? {
        return Err(GateError::LocalMode.into());
    }
    gate.rates.check_login(peer, &req.user)?;
    let accounts = gate.accounts().clone();
    // argon2id takes its time on purpose: not on an async worker.
    let session = blocking(move || {
        accounts
            .login(&req.user, &req.password)
            .map_err(GateError::from)
    })
    .await?;
    let cookie = gate.cookie(&session.cookie, SESSION_LIFETIME.whole_seconds());
    let info = SessionInfo {
        user: Some(user_info(&session.principal)),
        csrf: Some(session.csrf.clone()),
        local: false,
        public_read: gate.public_read(),
    };
    Ok(([(header::SET_COOKIE, cookie)], Json(info)).into_response())
}

async fn logout(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(cookie) = session_cookie(&headers).map(str::to_string) {
        let accounts = st.gate.accounts().clone();
        blocking(move || accounts.logout(&cookie).map_err(GateError::from)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, st.gate.cookie("", 0))],
    )
        .into_response())
}

async fn whoami(State(st): State<AppState>, caller: Caller) -> Json<SessionInfo> {
    Json(SessionInfo {
        user: caller.principal().map(user_info),
        csrf: match &caller {
            Caller::Browser(session) => Some(session.csrf.clone()),
            _ => None,
        },
        local: matches!(caller, Caller::Local),
        public_read: st.gate.public_read(),
    })
}
