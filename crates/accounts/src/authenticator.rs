//! What a server asks of the accounts, and nothing more: the narrow
//! interface the HTTP layer holds, so the accounts can live somewhere
//! other than `accounts.db` (a cluster's shared key-value store) without
//! the server changing.

use crate::store::{Accounts, Principal, Session};
use crate::{AccountsError, AuthError};

/// Checks credentials and keeps browser sessions. Every method may block
/// (a password check takes argon2id's time on purpose), except
/// [`Authenticator::has_users`] and [`Authenticator::authenticate`] and
/// [`Authenticator::session`], which a server calls on every request and
/// which must answer from memory in the common case.
pub trait Authenticator: Send + Sync + 'static {
    /// True once any user exists: the server then leaves local mode.
    fn has_users(&self) -> Result<bool, AccountsError>;
    /// Who an API token (the value of `Authorization: Bearer`) stands for.
    fn authenticate(&self, token: &str) -> Result<Principal, AuthError>;
    /// The session a cookie value names.
    fn session(&self, cookie: &str) -> Result<Session, AuthError>;
    /// Checks a password and opens a session (slow on purpose).
    fn login(&self, user: &str, password: &str) -> Result<Session, AuthError>;
    /// Ends the session a cookie value names; none is no error.
    fn logout(&self, cookie: &str) -> Result<(), AccountsError>;
}

impl Authenticator for Accounts {
    fn has_users(&self) -> Result<bool, AccountsError> {
        Accounts::has_users(self)
    }

    fn authenticate(&self, token: &str) -> Result<Principal, AuthError> {
        Accounts::authenticate(self, token)
    }

    fn session(&self, cookie: &str) -> Result<Session, AuthError> {
        Accounts::session(self, cookie)
    }

    fn login(&self, user: &str, password: &str) -> Result<Session, AuthError> {
        Accounts::login(self, user, password)
    }

    fn logout(&self, cookie: &str) -> Result<(), AccountsError> {
        Accounts::logout(self, cookie)
    }
}
