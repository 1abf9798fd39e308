//! `accounts.db`: users, tokens and sessions, and the in-memory copy that
//! credentials are checked against.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use newsterm_sqlite::{Database, Synchronous};
use rusqlite::{Connection, OptionalExtension, params};
use time::{Duration, OffsetDateTime};

use crate::roles::{Role, Scopes};
use crate::secrets::{self, digest, equal, split_token};
use crate::{ACCOUNTS_FILE, AccountsError, AuthError};

/// How long a browser session lasts after login.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// `accounts.db`: private to its owner like every newsterm file (it holds
/// password and token hashes). Migrations are only ever appended.
const DATABASE: Database = Database {
    name: "accounts",
    // An acknowledged revocation or password change must survive a crash.
    synchronous: Synchronous::Full,
    foreign_keys: true,
    migrations: &[SCHEMA],
};

/// Migration 1; files made before schema versions were kept already hold
/// these tables, hence IF NOT EXISTS.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    -- Ids are never reused: alerts.db names owners by id, and a new user
    -- must never inherit a removed one's alerts.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL,
    password TEXT,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT,
    scopes TEXT NOT NULL,
    hash BLOB NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER
);
CREATE TABLE IF NOT EXISTS sessions (
    hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL
);
";

/// A user as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's row id (what alerts record as their owner).
    pub id: i64,
    /// The login name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// False for a user who can use tokens but not log in.
    pub has_password: bool,
    /// When the user was added.
    pub created: OffsetDateTime,
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The token's public id (16 hex digits, also inside the token), used to list and revoke it.
    pub id: String,
    /// The user it belongs to.
    pub user: String,
    /// A label its creator gave it.
    pub name: Option<String>,
    /// What it may do, within its user's role.
    pub scopes: Scopes,
    /// When it was made.
    pub created: OffsetDateTime,
    /// When it stops working; `None` never.
    pub expires: Option<OffsetDateTime>,
}

/// A token just created: `token` is the secret to hand over, once.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// The token as listed.
    pub info: TokenInfo,
    /// The secret itself, shown once and stored only as its hash.
    pub token: String,
}

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer nt_…`, by token id.
    Token {
        /// The token's public id.
        id: String,
    },
    /// A session cookie from a password login.
    Session,
}

/// Who a request is from, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's row id.
    pub user_id: i64,
    /// The user's name.
    pub user: String,
    /// The user's role.
    pub role: Role,
    /// What this credential may do: its own scopes within its user's role.
    pub scopes: Scopes,
    /// How the request proved it.
    pub credential: Credential,
}

impl Principal {
    /// True when this credential may do what `scope` allows.
    pub fn allows(&self, scope: crate::Scope) -> bool {
        self.scopes.allows(scope)
    }
}

/// A browser session: the cookie that names it, the CSRF token writes
/// must carry, and whose it is.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie value (a random secret; stored only as its hash).
    pub cookie: String,
    /// Sent back with every write (`X-CSRF-Token`).
    pub csrf: String,
    /// When the session ends.
    pub expires: OffsetDateTime,
    /// Whose session it is.
    pub principal: Principal,
}

impl Session {
    /// True when `given` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, given: &str) -> bool {
        equal(self.csrf.as_bytes(), given.trim().as_bytes())
    }
}

/// `30d`, `12h`, `90m`, `2w` as a duration; `never` (or `none`) as none.
pub fn parse_lifetime(text: &str) -> Result<Option<Duration>, AccountsError> {
    let t = text.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "never" | "none") {
        return Ok(None);
    }
    let bad = || AccountsError::InvalidLifetime(text.chars().take(40).collect());
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let n: i64 = t[..split].parse().map_err(|_| bad())?;
    if n <= 0 || n > 100_000 {
        return Err(bad());
    }
    let d = match &t[split..] {
        "w" => Duration::weeks(n),
        "d" => Duration::days(n),
        "h" => Duration::hours(n),
        "m" | "min" => Duration::minutes(n),
        _ => return Err(bad()),
    };
    Ok(Some(d))
}

pub(crate) fn check_name(name: &str) -> Result<&str, AccountsError> {
    let name = name.trim();
    let ok = (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(name)
    } else {
        Err(AccountsError::InvalidName(name.chars().take(64).collect()))
    }
}

fn to_time(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// What credentials are checked against: a copy of the tokens and
/// sessions, taken when SQLite last said something changed.
#[derive(Default)]
struct Snapshot {
    users: usize,
    tokens: HashMap<String, CachedToken>,
    sessions: HashMap<Vec<u8>, CachedSession>,
}

struct CachedToken {
    hash: Vec<u8>,
    expires: Option<OffsetDateTime>,
    principal: Principal,
}

struct CachedSession {
    csrf: String,
    expires: OffsetDateTime,
    principal: Principal,
}

struct Cache {
    /// `PRAGMA data_version` when the snapshot was taken; `None` after
    /// this process wrote (SQLite does not count a connection's own
    /// commits in it).
    version: Option<i64>,
    snapshot: Arc<Snapshot>,
}

/// The accounts of one data directory. Cheap to share behind an `Arc`;
/// every method is synchronous (SQLite, and argon2 for passwords), so a
/// server calls them off its async workers where they may block.
pub struct Accounts {
    path: PathBuf,
    conn: Mutex<Connection>,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts")
            .field("path", &self.path)
            .finish()
    }
}

impl Accounts {
    /// Opens (creating) `accounts.db` in `data_dir`, which must exist.
    pub fn open(data_dir: &Path) -> Result<Accounts, AccountsError> {
        let path = data_dir.join(ACCOUNTS_FILE);
        let conn = DATABASE.open(&path)?;
        Ok(Accounts {
            path,
            conn: Mutex::new(conn),
            cache: Mutex::new(Cache {
                version: None,
                snapshot: Arc::default(),
            }),
        })
    }

    /// The accounts file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Marks the snapshot stale after this process wrote.
    pub(crate) fn changed(&self) {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .version = None;
    }

    /// The snapshot, reloaded first if anything committed since it was
    /// taken.
    fn snapshot(&self) -> Result<Arc<Snapshot>, AccountsError> {
        let conn = self.conn();
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.version != Some(version) {
            cache.snapshot = Arc::new(load(&conn)?);
            cache.version = Some(version);
        }
        Ok(cache.snapshot.clone())
    }

    /// True once any user exists: the server then leaves local mode.
    pub fn has_users(&self) -> Result<bool, AccountsError> {
        Ok(self.snapshot()?.users > 0)
    }

    /// Adds a user; with no password the user can use tokens but not log
    /// in.
    pub fn add_user(
        &self,
        name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<User, AccountsError> {
        let name = check_name(name)?;
        let hash = password.map(secrets::hash_password).transpose()?;
        let created = now();
        let conn = self.conn();
        let inserted = conn.execute(
            "INSERT INTO users (name, role, password, created) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), hash, created.unix_timestamp()],
        );
        match inserted {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(AccountsError::UserExists(name.to_string()));
            }
            Err(e) => return Err(e.into()),
        }
        let id = conn.last_insert_rowid();
        drop(conn);
        self.changed();
        Ok(User {
            id,
            name: name.to_string(),
            role,
            has_password: hash.is_some(),
            created: to_time(created.unix_timestamp()),
        })
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>, AccountsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, name, role, password IS NOT NULL, created FROM users ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, role, has_password, created) = row?;
            out.push(User {
                id,
                name,
                role: role.parse()?,
                has_password,
                created: to_time(created),
            });
        }
        Ok(out)
    }

    /// Removes a user with every token and session of theirs.
    pub fn remove_user(&self, name: &str) -> Result<(), AccountsError> {
        let n = self
            .conn()
            .execute("DELETE FROM users WHERE name = ?1", [name.trim()])?;
        if n == 0 {
            return Err(AccountsError::NoSuchUser(name.trim().to_string()));
        }
        self.changed();
        Ok(())
    }

    /// Sets a user's password and ends every session of theirs.
    pub fn set_password(&self, name: &str, password: &str) -> Result<(), AccountsError> {
        let hash = secrets::hash_password(password)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET password = ?1 WHERE name = ?2",
            params![hash, name.trim()],
        )?;
        if n == 0 {
            return Err(AccountsError::NoSuchUser(name.trim().to_string()));
        }
        tx.execute(
            "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)",
            [name.trim()],
        )?;
        tx.commit()?;
        drop(conn);
        self.changed();
        Ok(())
    }

    /// Creates a token for `user`. `scopes` defaults to everything the
    /// user's role allows; asking for more is an error naming the excess.
    pub fn create_token(
        &self,
        user: &str,
        scopes: Option<Scopes>,
        lifetime: Option<Duration>,
        name: Option<&str>,
    ) -> Result<NewToken, AccountsError> {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = name
            && (n.chars().count() > 100 || n.chars().any(char::is_control))
        {
            return Err(AccountsError::InvalidTokenName);
        }
        let (user_id, user, role) = self.user_row(user)?;
        let allowed = role.scopes();
        let scopes = scopes.unwrap_or(allowed);
        if !allowed.contains_all(scopes) {
            return Err(AccountsError::ScopeBeyondRole {
                role,
                scopes: scopes.minus(allowed),
                allowed,
            });
        }
        let (id, token, hash) = secrets::new_token()?;
        let created = to_time(now().unix_timestamp());
        let expires = lifetime.map(|d| created + d);
        self.conn().execute(
            "INSERT INTO tokens (id, user_id, name, scopes, hash, created, expires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                user_id,
                name,
                scopes.to_string(),
                hash,
                created.unix_timestamp(),
                expires.map(|e| e.unix_timestamp())
            ],
        )?;
        self.changed();
        Ok(NewToken {
            info: TokenInfo {
                id,
                user,
                name: name.map(str::to_string),
                scopes,
                created,
                expires,
            },
            token,
        })
    }

    fn user_row(&self, name: &str) -> Result<(i64, String, Role), AccountsError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, name, role FROM users WHERE name = ?1",
                [name.trim()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        let (id, name_as_stored, role) =
            row.ok_or_else(|| AccountsError::NoSuchUser(name.trim().to_string()))?;
        Ok((id, name_as_stored, role.parse()?))
    }

    /// Every token (of one user, when named), newest first.
    pub fn tokens(&self, user: Option<&str>) -> Result<Vec<TokenInfo>, AccountsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT t.id, u.name, t.name, t.scopes, t.created, t.expires
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE ?1 IS NULL OR u.name = ?1
             ORDER BY t.created DESC, t.id",
        )?;
        let rows = stmt.query_map([user.map(str::trim)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, user, name, scopes, created, expires) = row?;
            out.push(TokenInfo {
                id,
                user,
                name,
                scopes: scopes.parse()?,
                created: to_time(created),
                expires: expires.map(to_time),
            });
        }
        Ok(out)
    }

    /// Revokes a token, named by its id (or given whole).
    pub fn revoke_token(&self, id_or_token: &str) -> Result<(), AccountsError> {
        let id = split_token(id_or_token)
            .map(|(id, _)| id)
            .unwrap_or(id_or_token.trim());
        let n = self
            .conn()
            .execute("DELETE FROM tokens WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(AccountsError::NoSuchToken(id.chars().take(40).collect()));
        }
        self.changed();
        Ok(())
    }

    /// Who `token` (the value of `Authorization: Bearer`) stands for.
    pub fn authenticate(&self, token: &str) -> Result<Principal, AuthError> {
        let (id, secret) = split_token(token).ok_or(AuthError::InvalidToken)?;
        let snapshot = self.snapshot()?;
        let known = snapshot.tokens.get(id).ok_or(AuthError::InvalidToken)?;
        if !equal(&digest(secret), &known.hash) {
            return Err(AuthError::InvalidToken);
        }
        if known.expires.is_some_and(|e| e <= now()) {
            return Err(AuthError::ExpiredToken);
        }
        Ok(known.principal.clone())
    }

    /// Checks a password and opens a session. Slow on purpose (argon2id):
    /// call it off the async workers, behind a rate limit.
    pub fn login(&self, name: &str, password: &str) -> Result<Session, AuthError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, name, role, password FROM users WHERE name = ?1",
                [name.trim()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .optional()?;
        let stored = row.as_ref().and_then(|r| r.3.as_deref());
        if !secrets::verify_password(password, stored) {
            return Err(AuthError::WrongPassword);
        }
        let Some((user_id, user, role, _)) = row else {
            return Err(AuthError::WrongPassword);
        };
        let role: Role = role.parse()?;
        let cookie = secrets::random_hex(32)?;
        let csrf = secrets::random_hex(32)?;
        let created = now();
        let expires = to_time((created + SESSION_LIFETIME).unix_timestamp());
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM sessions WHERE expires <= ?1",
            [created.unix_timestamp()],
        )?;
        tx.execute(
            "INSERT INTO sessions (hash, user_id, csrf, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                digest(&cookie),
                user_id,
                csrf,
                created.unix_timestamp(),
                expires.unix_timestamp()
            ],
        )?;
        tx.commit()?;
        drop(conn);
        self.changed();
        Ok(Session {
            cookie,
            csrf,
            expires,
            principal: Principal {
                user_id,
                user,
                role,
                scopes: role.scopes(),
                credential: Credential::Session,
            },
        })
    }

    /// The session a cookie value names.
    pub fn session(&self, cookie: &str) -> Result<Session, AuthError> {
        let snapshot = self.snapshot()?;
        let known = snapshot
            .sessions
            .get(&digest(cookie.trim()))
            .ok_or(AuthError::InvalidSession)?;
        if known.expires <= now() {
            return Err(AuthError::InvalidSession);
        }
        Ok(Session {
            cookie: cookie.trim().to_string(),
            csrf: known.csrf.clone(),
            expires: known.expires,
            principal: known.principal.clone(),
        })
    }

    /// Ends the session a cookie value names (no error if there is none).
    pub fn logout(&self, cookie: &str) -> Result<(), AccountsError> {
        self.conn().execute(
            "DELETE FROM sessions WHERE hash = ?1",
            [digest(cookie.trim())],
        )?;
        self.changed();
        Ok(())
    }
}

/// Reads what credentials are checked against.
fn load(conn: &Connection) -> Result<Snapshot, AccountsError> {
    let users: i64 = conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
    let mut snapshot = Snapshot {
        users: users as usize,
        ..Snapshot::default()
    };
    let mut stmt = conn.prepare(
        "SELECT t.id, t.hash, t.scopes, t.expires, u.id, u.name, u.role
         FROM tokens t JOIN users u ON u.id = t.user_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    for row in rows {
        let (id, hash, scopes, expires, user_id, user, role) = row?;
        let role: Role = role.parse()?;
        // A token never does more than its user's role allows, even if
        // the role was narrowed after the token was made.
        let scopes = Scopes::of(
            &scopes
                .parse::<Scopes>()?
                .iter()
                .filter(|s| role.scopes().allows(*s))
                .collect::<Vec<_>>(),
        );
        snapshot.tokens.insert(
            id.clone(),
            CachedToken {
                hash,
                expires: expires.map(to_time),
                principal: Principal {
                    user_id,
                    user,
                    role,
                    scopes,
                    credential: Credential::Token { id },
                },
            },
        );
    }
    let mut stmt = conn.prepare(
        "SELECT s.hash, s.csrf, s.expires, u.id, u.name, u.role
         FROM sessions s JOIN users u ON u.id = s.user_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (hash, csrf, expires, user_id, user, role) = row?;
        let role: Role = role.parse()?;
        snapshot.sessions.insert(
            hash,
            CachedSession {
                csrf,
                expires: to_time(expires),
                principal: Principal {
                    user_id,
                    user,
                    role,
                    scopes: role.scopes(),
                    credential: Credential::Session,
                },
            },
        );
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scope;

    fn open() -> (tempfile::TempDir, Accounts) {
        let dir = tempfile::tempdir().unwrap();
        let accounts = Accounts::open(dir.path()).unwrap();
        (dir, accounts)
    }

    #[test]
    fn a_fresh_directory_is_local_mode_until_a_user_exists() {
        let (_dir, a) = open();
        assert!(!a.has_users().unwrap());
        a.add_user("ana", Role::Admin, None).unwrap();
        assert!(a.has_users().unwrap());
    }

    #[test]
    fn users_are_added_listed_and_removed_with_their_tokens() {
        let (_dir, a) = open();
        a.add_user("ana", Role::Admin, Some("correct horse"))
            .unwrap();
        a.add_user("bo", Role::Reader, None).unwrap();
        let e = a.add_user("ANA", Role::Reader, None).unwrap_err();
        assert_eq!(e.to_string(), "a user `ANA` already exists");
        assert!(matches!(
            a.add_user("bad name", Role::Reader, None),
            Err(AccountsError::InvalidName(_))
        ));
        let users = a.users().unwrap();
        assert_eq!(
            users
                .iter()
                .map(|u| (u.name.as_str(), u.role, u.has_password))
                .collect::<Vec<_>>(),
            [("ana", Role::Admin, true), ("bo", Role::Reader, false)]
        );
        let t = a.create_token("bo", None, None, None).unwrap();
        assert!(a.authenticate(&t.token).is_ok());
        a.remove_user("bo").unwrap();
        assert!(matches!(
            a.authenticate(&t.token),
            Err(AuthError::InvalidToken)
        ));
        assert!(a.tokens(None).unwrap().is_empty());
        assert!(matches!(
            a.remove_user("bo"),
            Err(AccountsError::NoSuchUser(_))
        ));
    }

    #[test]
    fn tokens_carry_scopes_within_their_role() {
        let (_dir, a) = open();
        a.add_user("ed", Role::Editor, None).unwrap();
        let all = a.create_token("ed", None, None, Some("ci")).unwrap();
        assert_eq!(all.info.scopes, Role::Editor.scopes());
        let p = a.authenticate(&all.token).unwrap();
        assert_eq!((p.user.as_str(), p.role), ("ed", Role::Editor));
        assert!(p.allows(Scope::Publish) && p.allows(Scope::Sources));
        assert!(!p.allows(Scope::Admin));
        assert_eq!(
            p.credential,
            Credential::Token {
                id: all.info.id.clone()
            }
        );

        let read_only = a
            .create_token("ed", Some("read".parse().unwrap()), None, None)
            .unwrap();
        let p = a.authenticate(&read_only.token).unwrap();
        assert!(p.allows(Scope::Read) && !p.allows(Scope::Publish));

        let e = a
            .create_token("ed", Some("read,admin".parse().unwrap()), None, None)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the editor role does not allow the admin scope (it allows publish,read,alerts,sources)"
        );
    }

    #[test]
    fn wrong_revoked_and_expired_tokens_are_refused() {
        let (_dir, a) = open();
        a.add_user("ana", Role::Admin, None).unwrap();
        let t = a.create_token("ana", None, None, None).unwrap();
        // Same id, another secret.
        let (id, _) = split_token(&t.token).unwrap();
        let forged = format!("nt_{id}_{}", "0".repeat(64));
        assert!(matches!(
            a.authenticate(&forged),
            Err(AuthError::InvalidToken)
        ));
        assert!(matches!(
            a.authenticate("nt_garbage"),
            Err(AuthError::InvalidToken)
        ));

        let listed = a.tokens(Some("ana")).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, t.info.id);
        a.revoke_token(&t.info.id).unwrap();
        assert!(matches!(
            a.authenticate(&t.token),
            Err(AuthError::InvalidToken)
        ));
        assert!(matches!(
            a.revoke_token(&t.info.id),
            Err(AccountsError::NoSuchToken(_))
        ));

        let expired = a
            .create_token("ana", None, Some(Duration::seconds(-1)), None)
            .unwrap();
        assert!(matches!(
            a.authenticate(&expired.token),
            Err(AuthError::ExpiredToken)
        ));
    }

    #[test]
    fn changes_by_another_process_are_seen_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let server = Accounts::open(dir.path()).unwrap();
        let cli = Accounts::open(dir.path()).unwrap();
        assert!(!server.has_users().unwrap());
        cli.add_user("ana", Role::Admin, None).unwrap();
        assert!(server.has_users().unwrap());
        let t = cli.create_token("ana", None, None, None).unwrap();
        assert!(server.authenticate(&t.token).is_ok());
        cli.revoke_token(&t.info.id).unwrap();
        assert!(matches!(
            server.authenticate(&t.token),
            Err(AuthError::InvalidToken)
        ));
    }

    #[test]
    fn login_opens_a_session_with_a_csrf_token_and_logout_ends_it() {
        let (_dir, a) = open();
        a.add_user("ana", Role::Reader, Some("correct horse"))
            .unwrap();
        a.add_user("tok", Role::Reader, None).unwrap();
        // A wrong password, no such user, and a user without a password
        // all get the same answer.
        for (user, password) in [
            ("ana", "wrong horse"),
            ("nobody", "correct horse"),
            ("tok", "correct horse"),
        ] {
            let refused = a.login(user, password);
            assert!(matches!(refused, Err(AuthError::WrongPassword)), "{user}");
        }
        let s = a.login("ana", "correct horse").unwrap();
        let again = a.session(&s.cookie).unwrap();
        assert_eq!(again.principal.user, "ana");
        assert_eq!(again.principal.credential, Credential::Session);
        assert!(again.csrf_matches(&s.csrf));
        assert!(!again.csrf_matches("nope"));
        assert!(matches!(a.session("nope"), Err(AuthError::InvalidSession)));
        a.logout(&s.cookie).unwrap();
        assert!(matches!(
            a.session(&s.cookie),
            Err(AuthError::InvalidSession)
        ));
    }

    #[test]
    fn a_new_password_ends_every_session() {
        let (_dir, a) = open();
        a.add_user("ana", Role::Reader, Some("correct horse"))
            .unwrap();
        let s = a.login("ana", "correct horse").unwrap();
        a.set_password("ana", "battery staple").unwrap();
        assert!(a.session(&s.cookie).is_err());
        assert!(a.login("ana", "correct horse").is_err());
        assert!(a.login("ana", "battery staple").is_ok());
        assert!(matches!(
            a.set_password("ghost", "battery staple"),
            Err(AccountsError::NoSuchUser(_))
        ));
    }

    #[test]
    fn lifetimes_parse() {
        assert_eq!(parse_lifetime("30d").unwrap(), Some(Duration::days(30)));
        assert_eq!(parse_lifetime("12h").unwrap(), Some(Duration::hours(12)));
        assert_eq!(parse_lifetime("2w").unwrap(), Some(Duration::weeks(2)));
        assert_eq!(parse_lifetime("never").unwrap(), None);
        for bad in ["", "d", "30", "-1d", "0d", "3y", "1.5d"] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
    }
}
