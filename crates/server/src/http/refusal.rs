//! Why a request was turned away before its handler: by the access gate
//! (credentials, scopes, Host and Origin, body size) or by the limits
//! (rates, open streams, time). Below both, so neither uses the other;
//! `error.rs` gives each variant its status.

use newsterm_accounts::{AccountsError, AuthError, Scope};

/// Why the gate turned a request away. Each variant has its status (see
/// `From<GateError> for ApiError`).
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error(
        "this server has no users yet, and without users it serves only on loopback: create the first admin with `newsterm user add NAME --role admin --data DIR`"
    )]
    NoUsers,
    #[error(
        "this server has no users (local mode): there is nothing to log in to; every request is allowed on loopback"
    )]
    LocalMode,
    #[error("{}", no_credential_message(*.0))]
    NoCredential(Option<Scope>),
    #[error(
        "this needs the `{scope}` scope, which this {by} of user `{user}` ({role}) does not carry"
    )]
    MissingScope {
        scope: Scope,
        user: String,
        role: String,
        by: &'static str,
    },
    #[error("`Authorization` must read `Bearer <token>`")]
    MalformedAuthorization,
    #[error("{0}")]
    Credential(#[from] AuthError),
    #[error(
        "a write signed in by session cookie must carry that session's CSRF token in the X-CSRF-Token header"
    )]
    Csrf,
    #[error("Host `{got}` is not this server: it answers to {want}")]
    WrongHost { got: String, want: String },
    #[error("requests from origin `{0}` are not allowed here")]
    WrongOrigin(String),
    #[error("request body is {declared} bytes, over this endpoint's limit of {limit} bytes")]
    BodyTooLarge { declared: u64, limit: u64 },
    #[error("too many {what}: try again in {retry_after} s")]
    RateLimited {
        what: &'static str,
        retry_after: u64,
    },
    #[error("too many open streams ({scope} limit {limit}): try again in {retry_after} s")]
    TooManyStreams {
        scope: &'static str,
        limit: usize,
        retry_after: u64,
    },
    #[error("the request took longer than {0} s to arrive and be answered")]
    Timeout(u64),
    #[error("accounts: {0}")]
    Accounts(#[from] AccountsError),
}

fn no_credential_message(scope: Option<Scope>) -> String {
    let what = match scope {
        Some(scope) => format!("a token with the `{scope}` scope"),
        None => "a credential".to_string(),
    };
    format!(
        "this needs {what}: send `Authorization: Bearer <token>` (make one with `newsterm token create`) or log in"
    )
}
