//! Who may use a newsterm server: users with a role, API tokens with
//! scopes, and browser sessions with their CSRF tokens, kept in
//! `accounts.db` in the data directory.
//!
//! - [`Role`]: `admin` (everything), `editor` (publish, revise, import,
//!   sources, webhooks), `reader` (read, own alerts). A role bounds the
//!   [`Scopes`] any of the user's credentials may carry.
//! - Tokens (`nt_<id>_<secret>`) are shown once when created and stored
//!   only as a hash; [`Accounts::authenticate`] checks one in constant
//!   time and answers with the [`Principal`] it stands for.
//! - Passwords are hashed with argon2id; [`Accounts::login`] turns one into
//!   a [`Session`] (a cookie value and a CSRF token), which
//!   [`Accounts::session`] checks on later requests.
//!
//! The file is SQLite in WAL mode with a busy timeout, so the CLI can add
//! a user or revoke a token while a server runs on the same directory.
//! The server sees such a change on its next request: every check first
//! asks SQLite whether another connection committed since
//! (`PRAGMA data_version`, an in-memory read) and reloads the few rows
//! it keeps in memory only then. Checking a credential therefore does no
//! disk I/O in the common case.
//!
//! A data directory with no users is *local mode*, which the server
//! allows only on loopback: [`Accounts::has_users`].

mod authenticator;
mod roles;
mod secrets;
mod store;

pub use authenticator::Authenticator;
pub use roles::{Role, Scope, Scopes};
pub use secrets::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, TOKEN_PREFIX, equal};
pub use store::{
    Accounts, Credential, NewToken, Principal, SESSION_LIFETIME, Session, TokenInfo, User,
    parse_lifetime,
};

/// The file in the data directory that holds users, tokens and sessions.
pub const ACCOUNTS_FILE: &str = "accounts.db";

/// Why an accounts operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error("user name `{0}` is not valid: use 1 to 64 letters, digits, `.`, `_`, `-` or `@`")]
    InvalidName(String),
    #[error("`{0}` is not a role: use admin, editor or reader")]
    InvalidRole(String),
    #[error(
        "`{0}` is not a scope list: use publish, read, alerts, sources, admin, comma-separated"
    )]
    InvalidScope(String),
    #[error("the {role} role does not allow the {scopes} scope (it allows {allowed})")]
    ScopeBeyondRole {
        role: Role,
        scopes: Scopes,
        allowed: Scopes,
    },
    #[error("the password {0}")]
    InvalidPassword(String),
    #[error("`{0}` is not a lifetime: use a number and d, h or m (30d, 12h), or never")]
    InvalidLifetime(String),
    #[error("a token name must be one line of at most 100 characters")]
    InvalidTokenName,
    #[error("there is no user `{0}`")]
    NoSuchUser(String),
    #[error("a user `{0}` already exists")]
    UserExists(String),
    #[error("there is no token `{0}`")]
    NoSuchToken(String),
    #[error("cannot read random bytes from the system: {0}")]
    Random(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// `accounts.db` could not be opened, created or migrated.
    #[error(transparent)]
    Open(Box<newsterm_sqlite::OpenError>),
    #[error("accounts file: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// Why a credential was not accepted. The texts are what a client is
/// told; none says whether a user or token exists.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the token is not valid (wrong, revoked, or its user was removed)")]
    InvalidToken,
    #[error("the token has expired")]
    ExpiredToken,
    #[error("the session is not valid or has expired: log in again")]
    InvalidSession,
    #[error("wrong user name or password")]
    WrongPassword,
    #[error(transparent)]
    Accounts(#[from] AccountsError),
}

impl From<newsterm_sqlite::OpenError> for AccountsError {
    fn from(e: newsterm_sqlite::OpenError) -> Self {
        AccountsError::Open(Box::new(e))
    }
}

impl From<rusqlite::Error> for AuthError {
    fn from(e: rusqlite::Error) -> AuthError {
        AuthError::Accounts(AccountsError::Storage(e))
    }
}
