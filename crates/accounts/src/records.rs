//! Users and tokens as records a cluster shares: the rows of
//! `accounts.db` in a form any node can write into its own copy, row for
//! row (the same ids, so alerts name the same owner everywhere).

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::AccountsError;
use crate::roles::{Role, Scopes};
use crate::secrets;
use crate::store::{Accounts, check_name};

/// A user, as the `users` row holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// The row id (never reused; alerts name their owner by it).
    pub id: i64,
    /// The login name.
    pub name: String,
    /// The role's name.
    pub role: String,
    /// The argon2id hash of the password, if the user has one.
    pub password: Option<String>,
    /// When the user was added (Unix seconds).
    pub created: i64,
}

/// An API token, as the `tokens` row holds it (only its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// The token's public id.
    pub id: String,
    /// Its user's row id.
    pub user_id: i64,
    /// Its label.
    pub name: Option<String>,
    /// Its scopes, comma-separated.
    pub scopes: String,
    /// The SHA-256 of its secret, in hex.
    pub hash: String,
    /// When it was made (Unix seconds).
    pub created: i64,
    /// When it stops working (Unix seconds), if ever.
    pub expires: Option<i64>,
}

/// One shared account record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AccountRecord {
    /// A user.
    User(UserRecord),
    /// A token.
    Token(TokenRecord),
}

impl AccountRecord {
    /// The key the record is shared under: `user.<id>` or `token.<id>`.
    pub fn key(&self) -> String {
        match self {
            AccountRecord::User(u) => user_key(u.id),
            AccountRecord::Token(t) => token_key(&t.id),
        }
    }
}

/// The key of user `id`'s record.
pub fn user_key(id: i64) -> String {
    format!("user.{id}")
}

/// The key of token `id`'s record.
pub fn token_key(id: &str) -> String {
    format!("token.{id}")
}

impl Accounts {
    /// The record of a new user numbered `id` (from the cluster's
    /// counter), checked and hashed as [`Accounts::add_user`] does, not
    /// yet written anywhere. A name this copy already holds is refused.
    pub fn new_user_record(
        &self,
        id: i64,
        name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<UserRecord, AccountsError> {
        let name = check_name(name)?;
        if self.user_record(name).is_ok() {
            return Err(AccountsError::UserExists(name.to_string()));
        }
        Ok(UserRecord {
            id,
            name: name.to_string(),
            role: role.as_str().to_string(),
            password: password.map(secrets::hash_password).transpose()?,
            created: time::OffsetDateTime::now_utc().unix_timestamp(),
        })
    }

    /// The highest user id this copy has ever given or taken.
    pub fn last_user_id(&self) -> Result<i64, AccountsError> {
        Ok(self.conn().query_row(
            "SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'users'), 0),
                        COALESCE((SELECT max(id) FROM users), 0))",
            [],
            |r| r.get(0),
        )?)
    }

    /// The record of the user called `name`.
    pub fn user_record(&self, name: &str) -> Result<UserRecord, AccountsError> {
        self.conn()
            .query_row(
                "SELECT id, name, role, password, created FROM users WHERE name = ?1",
                [name.trim()],
                |r| {
                    Ok(UserRecord {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: r.get(2)?,
                        password: r.get(3)?,
                        created: r.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| AccountsError::NoSuchUser(name.trim().to_string()))
    }

    /// The record of token `id`.
    pub fn token_record(&self, id: &str) -> Result<TokenRecord, AccountsError> {
        self.conn()
            .query_row(
                "SELECT id, user_id, name, scopes, hash, created, expires FROM tokens WHERE id = ?1",
                [id],
                |r| {
                    Ok(TokenRecord {
                        id: r.get(0)?,
                        user_id: r.get(1)?,
                        name: r.get(2)?,
                        scopes: r.get(3)?,
                        hash: hex::encode(r.get::<_, Vec<u8>>(4)?),
                        created: r.get(5)?,
                        expires: r.get(6)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| AccountsError::NoSuchToken(id.chars().take(40).collect()))
    }

    /// Every user's and token's record, users first.
    pub fn records(&self) -> Result<Vec<AccountRecord>, AccountsError> {
        let mut out = Vec::new();
        for user in self.users()? {
            out.push(AccountRecord::User(self.user_record(&user.name)?));
        }
        for token in self.tokens(None)? {
            out.push(AccountRecord::Token(self.token_record(&token.id)?));
        }
        Ok(out)
    }

    /// Writes a shared record into this copy (a newer version replaces
    /// the row; the same one again changes nothing).
    pub fn apply(&self, record: &AccountRecord) -> Result<(), AccountsError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        apply_in(&tx, record)?;
        tx.commit()?;
        drop(conn);
        self.changed();
        Ok(())
    }

    /// Removes from this copy the record shared under `key` (a user goes
    /// with their tokens and sessions). An unknown key changes nothing.
    pub fn forget(&self, key: &str) -> Result<(), AccountsError> {
        let conn = self.conn();
        if let Some(id) = key.strip_prefix("user.") {
            let id: i64 = id.parse().unwrap_or(-1);
            conn.execute("DELETE FROM users WHERE id = ?1", [id])?;
        } else if let Some(id) = key.strip_prefix("token.") {
            conn.execute("DELETE FROM tokens WHERE id = ?1", [id])?;
        }
        drop(conn);
        self.changed();
        Ok(())
    }

    /// Makes this copy hold exactly `records` (and the sessions of the
    /// users still there), in one transaction.
    pub fn replace_all(&self, records: &[AccountRecord]) -> Result<(), AccountsError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS keep_users (id INTEGER PRIMARY KEY);
             CREATE TEMP TABLE IF NOT EXISTS keep_tokens (id TEXT PRIMARY KEY);
             DELETE FROM keep_users; DELETE FROM keep_tokens;",
        )?;
        for record in records {
            match record {
                AccountRecord::User(u) => {
                    tx.execute("INSERT OR IGNORE INTO keep_users VALUES (?1)", [u.id])?;
                }
                AccountRecord::Token(t) => {
                    tx.execute("INSERT OR IGNORE INTO keep_tokens VALUES (?1)", [&t.id])?;
                }
            }
        }
        tx.execute_batch(
            "DELETE FROM tokens WHERE id NOT IN (SELECT id FROM keep_tokens);
             DELETE FROM users WHERE id NOT IN (SELECT id FROM keep_users);",
        )?;
        // Users before the tokens that name them.
        let (users, tokens): (Vec<_>, Vec<_>) = records
            .iter()
            .partition(|r| matches!(r, AccountRecord::User(_)));
        for record in users.into_iter().chain(tokens) {
            apply_in(&tx, record)?;
        }
        tx.commit()?;
        drop(conn);
        self.changed();
        Ok(())
    }
}

fn apply_in(tx: &Transaction<'_>, record: &AccountRecord) -> Result<(), AccountsError> {
    match record {
        AccountRecord::User(u) => {
            let role: Role = u.role.parse()?;
            // The cluster's record wins over a same-named user this copy
            // made alone.
            tx.execute(
                "DELETE FROM users WHERE name = ?1 AND id <> ?2",
                params![u.name, u.id],
            )?;
            tx.execute(
                "INSERT INTO users (id, name, role, password, created) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role,
                    password = excluded.password, created = excluded.created",
                params![u.id, u.name, role.as_str(), u.password, u.created],
            )?;
        }
        AccountRecord::Token(t) => {
            let scopes: Scopes = t.scopes.parse()?;
            let hash = hex::decode(&t.hash)
                .map_err(|_| AccountsError::InvalidScope("a token record's hash".into()))?;
            // A token whose user this copy does not hold (yet) is left
            // out rather than refused: the user's record comes first in
            // the bucket's order, so this happens only for a removed user.
            tx.execute(
                "INSERT INTO tokens (id, user_id, name, scopes, hash, created, expires)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2)
                 ON CONFLICT(id) DO UPDATE SET user_id = excluded.user_id, name = excluded.name,
                    scopes = excluded.scopes, hash = excluded.hash, created = excluded.created,
                    expires = excluded.expires",
                params![
                    t.id,
                    t.user_id,
                    t.name,
                    scopes.to_string(),
                    hash,
                    t.created,
                    t.expires
                ],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_takes_records_row_for_row_and_drops_what_the_cluster_no_longer_holds() {
        let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let a = Accounts::open(a_dir.path()).unwrap();
        let b = Accounts::open(b_dir.path()).unwrap();
        a.add_user("ana", Role::Admin, None).unwrap();
        let new = a.create_token("ana", None, None, Some("ci")).unwrap();
        let records = a.records().unwrap();
        for r in &records {
            b.apply(r).unwrap();
        }
        assert_eq!(b.authenticate(&new.token).unwrap().user, "ana");
        assert_eq!(b.records().unwrap(), records);
        // Applying the same record again changes nothing.
        b.apply(&records[1]).unwrap();
        assert_eq!(b.records().unwrap(), records);

        b.forget(&token_key(&new.info.id)).unwrap();
        assert!(b.authenticate(&new.token).is_err());

        b.replace_all(&records).unwrap();
        assert!(b.authenticate(&new.token).is_ok());
        b.replace_all(&records[..1]).unwrap();
        assert!(b.authenticate(&new.token).is_err());
        assert_eq!(b.users().unwrap().len(), 1);
        b.replace_all(&[]).unwrap();
        assert!(!b.has_users().unwrap());
    }
}
