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
mod records;
mod roles;
mod secrets;
mod store;

pub use authenticator::Authenticator;
pub use records::{AccountRecord, TokenRecord, UserRecord, token_key, user_key};
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
    /// A user name outside the allowed characters or length.
    #[error("user name `{0}` is not valid: use 1 to 64 letters, digits, `.`, `_`, `-` or `@`")]
    InvalidName(String),
    /// A role other than admin, editor or reader.
    #[error("`{0}` is not a role: use admin, editor or reader")]
    InvalidRole(String),
    /// A scope list naming an unknown scope.
    #[error(
        "`{0}` is not a scope list: use publish, read, alerts, sources, admin, comma-separated"
    )]
    InvalidScope(String),
    /// A token asked for scopes its user's role does not have.
    #[error("the {role} role does not allow the {scopes} scope (it allows {allowed})")]
    ScopeBeyondRole {
        /// The user's role.
        role: Role,
        /// The scopes asked for.
        scopes: Scopes,
        /// The scopes the role allows.
        allowed: Scopes,
    },
    /// A password too short, too long or otherwise unusable; says why.
    #[error("the password {0}")]
    InvalidPassword(String),
    /// A token lifetime that is not a number with d, h or m, nor `never`.
    #[error("`{0}` is not a lifetime: use a number and d, h or m (30d, 12h), or never")]
    InvalidLifetime(String),
    /// A token name over one line or 100 characters.
    #[error("a token name must be one line of at most 100 characters")]
    InvalidTokenName,
    /// No user has this name.
    #[error("there is no user `{0}`")]
    NoSuchUser(String),
    /// The name is taken.
    #[error("a user `{0}` already exists")]
    UserExists(String),
    /// No token has this id.
    #[error("there is no token `{0}`")]
    NoSuchToken(String),
    /// The system's random source failed.
    #[error("cannot read random bytes from the system: {0}")]
    Random(String),
    /// Password hashing failed.
    #[error("cannot hash the password: {0}")]
    Hash(String),
    /// `accounts.db` could not be opened, created or migrated.
    #[error(transparent)]
    Open(Box<newsterm_sqlite::OpenError>),
    /// SQLite failed.
    #[error("accounts file: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// Why a credential was not accepted. The texts are what a client is
/// told; none says whether a user or token exists.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No live token matches.
    #[error("the token is not valid (wrong, revoked, or its user was removed)")]
    InvalidToken,
    /// The token's lifetime is over.
    #[error("the token has expired")]
    ExpiredToken,
    /// No live session matches the cookie.
    #[error("the session is not valid or has expired: log in again")]
    InvalidSession,
    /// The name or the password is wrong (which, is not said).
    #[error("wrong user name or password")]
    WrongPassword,
    /// The accounts could not be read.
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
