//! Secrets: random values, their stored hashes, and the constant-time
//! comparisons that check them.
//!
//! An API token reads `nt_<id>_<secret>`: the id (8 random bytes, hex)
//! finds the row, and the secret (32 random bytes, hex) is checked against
//! the SHA-256 stored for it. Session cookies are 32 random bytes, stored
//! as their SHA-256 too. Passwords are hashed with argon2id; a login for
//! an unknown user still verifies against a fixed hash, so the time an
//! answer takes does not tell which user names exist.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AccountsError;

/// What every API token starts with, so it is recognisable in a config
/// file or a leaked log (and secret scanners can be taught it).
pub const TOKEN_PREFIX: &str = "nt_";

/// `n` random bytes from the operating system, as lower-case hex.
pub(crate) fn random_hex(n: usize) -> Result<String, AccountsError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AccountsError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// SHA-256 of a high-entropy secret.
pub(crate) fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// True when `a` and `b` are equal, in time that depends only on their
/// lengths.
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A token's id and secret, split from `nt_<id>_<secret>`.
pub(crate) fn split_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.trim().strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hexish = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hexish(id, 16) && hexish(secret, 64)).then_some((id, secret))
}

/// A fresh token: its id, and the whole token to hand out once.
pub(crate) fn new_token() -> Result<(String, String, Vec<u8>), AccountsError> {
    let id = random_hex(8)?;
    let secret = random_hex(32)?;
    let hash = digest(&secret);
    Ok((id.clone(), format!("{TOKEN_PREFIX}{id}_{secret}"), hash))
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (hashing is bounded by it).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The argon2id hash of `password` (PHC string), after checking its length.
pub(crate) fn hash_password(password: &str) -> Result<String, AccountsError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AccountsError::InvalidPassword(format!(
            "is {n} characters; at least {MIN_PASSWORD_CHARS} are needed"
        )));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(AccountsError::InvalidPassword(format!(
            "is {n} characters; at most {MAX_PASSWORD_CHARS} are allowed"
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AccountsError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountsError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountsError::Hash(e.to_string()))
}

/// True when `password` matches `stored` (a PHC string). With no stored
/// hash the check runs against a fixed one and fails, taking as long.
pub(crate) fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy =
        DUMMY.get_or_init(|| hash_password("not a password anyone has").unwrap_or_default());
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_only_in_their_own_shape() {
        let (id, token, hash) = new_token().unwrap();
        let (got_id, secret) = split_token(&token).unwrap();
        assert_eq!(got_id, id);
        assert!(equal(&digest(secret), &hash));
        assert_eq!(token.len(), 3 + 16 + 1 + 64);
        for bad in [
            "",
            "nt_",
            "nt_abc_def",
            "xx_0123456789abcdef_00",
            &token[1..],
        ] {
            assert!(split_token(bad).is_none(), "{bad}");
        }
        let (_, other, _) = new_token().unwrap();
        assert_ne!(token, other);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", Some(&h)));
        assert!(!verify_password("wrong horse!", Some(&h)));
        assert!(!verify_password("correct horse", None));
        assert!(hash_password("short").is_err());
        assert_ne!(hash_password("correct horse").unwrap(), h, "salted");
    }
}
