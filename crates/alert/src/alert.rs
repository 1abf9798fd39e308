//! What an alert is: a name, a standing query, and where its matches go;
//! and the rules a new alert must keep.

use std::fmt;
use std::str::FromStr;

use newsterm_query::{Query, QueryError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Longest alert name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest webhook secret, in characters.
pub const MAX_SECRET_CHARS: usize = 256;
/// Longest webhook URL, in characters.
pub const MAX_URL_CHARS: usize = 2_048;

/// An alert's identity, given by the store and never reused, so a
/// removed alert's hits are never mistaken for a newer alert's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AlertId(pub u64);

impl fmt::Display for AlertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for AlertId {
    type Err = AlertError;

    fn from_str(s: &str) -> Result<AlertId, AlertError> {
        s.trim()
            .parse()
            .map(AlertId)
            .map_err(|_| AlertError::InvalidId(s.chars().take(40).collect()))
    }
}

/// A standing alert as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Assigned when the alert is added; never reused.
    pub id: AlertId,
    /// What the user called it (shown with each match).
    pub name: String,
    /// The query as the user wrote it.
    #[serde(rename = "query")]
    pub query_text: String,
    /// The parsed query.
    #[serde(skip)]
    pub query: Query,
    /// Where its matches go: the stream, the feed and/or a webhook.
    pub delivery: Delivery,
    /// When it was added.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// The user who made it (an accounts user id), or `None` for an alert
    /// made in local mode, which only an admin sees once users exist.
    #[serde(skip)]
    pub owner: Option<i64>,
}

/// Whose alerts someone may see: a reader sees only their own; an admin,
/// and everyone in local mode, sees them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// Every alert, whoever made it.
    Everyone,
    /// Only the alerts this user (an accounts user id) made.
    User(i64),
}

impl Whose {
    /// Whether an alert of `owner` (see [`Alert::owner`]) is among these.
    pub fn includes(self, owner: Option<i64>) -> bool {
        match self {
            Whose::Everyone => true,
            Whose::User(id) => owner == Some(id),
        }
    }
}

/// Where an alert's matches are delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The terminal's alert pane (with the bell) and
    /// `/api/stream?alerts=1`.
    #[serde(default = "yes")]
    pub stream: bool,
    /// An HTTP POST to a URL for each match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Webhook>,
    /// An Atom feed of the alert's recent matches.
    #[serde(default = "yes")]
    pub feed: bool,
}

fn yes() -> bool {
    true
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery {
            stream: true,
            webhook: None,
            feed: true,
        }
    }
}

/// A webhook target: each match is POSTed to `url`, signed with `secret`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// Where matches are POSTed (https, a public address unless the operator allows internal ones).
    pub url: String,
    /// Signs every delivery; accepted on input, never written back out.
    #[serde(skip_serializing, default)]
    pub secret: String,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url)
            .field("secret", &"…")
            .finish()
    }
}

impl Webhook {
    /// A fresh random secret (32 bytes from the OS, as hex) for a webhook
    /// whose owner did not choose one.
    pub fn random_secret() -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(hex::encode(bytes))
    }
}

/// What a user asks for when adding an alert (the body of
/// `POST /api/alerts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSpec {
    /// What to call the alert.
    pub name: String,
    /// The query, in the search language.
    pub query: String,
    /// Where matches go (the live stream only when absent).
    #[serde(default)]
    pub delivery: Delivery,
}

impl AlertSpec {
    /// Checks every rule and returns the parsed query: the name is 1 to
    /// [`MAX_NAME_CHARS`] characters on one line, the query parses and is
    /// not blank, and a webhook has an http(s) URL and a secret.
    pub fn validate(&self) -> Result<Query, AlertError> {
        let name = self.name.trim();
        let chars = name.chars().count();
        if chars == 0 {
            return Err(AlertError::InvalidName("is required".into()));
        }
        if chars > MAX_NAME_CHARS {
            return Err(AlertError::InvalidName(format!(
                "is {chars} characters long; at most {MAX_NAME_CHARS} are allowed"
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(AlertError::InvalidName(
                "must be one line without control characters".into(),
            ));
        }
        if self.query.trim().is_empty() {
            return Err(AlertError::InvalidQuery(QueryError {
                position: 0,
                message: "an alert needs a query; `*` alerts on every story".into(),
            }));
        }
        let query = newsterm_query::parse(&self.query).map_err(AlertError::InvalidQuery)?;
        if let Some(webhook) = &self.delivery.webhook {
            check_webhook(webhook)?;
        }
        Ok(query)
    }
}

fn check_webhook(webhook: &Webhook) -> Result<(), AlertError> {
    let invalid = |m: String| Err(AlertError::InvalidWebhook(m));
    if webhook.url.chars().count() > MAX_URL_CHARS {
        return invalid(format!("the URL is longer than {MAX_URL_CHARS} characters"));
    }
    match reqwest::Url::parse(&webhook.url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
        Ok(_) => return invalid(format!("`{}` is not an http(s) URL", webhook.url)),
        Err(e) => return invalid(format!("`{}` is not a URL: {e}", webhook.url)),
    }
    let secret_chars = webhook.secret.chars().count();
    if secret_chars == 0 || secret_chars > MAX_SECRET_CHARS {
        return invalid(format!(
            "the secret must be 1 to {MAX_SECRET_CHARS} characters"
        ));
    }
    Ok(())
}

/// Why an alert could not be added, read or stored.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The name is empty or too long.
    #[error("alert name {0}")]
    InvalidName(String),
    /// Carries the character position in the query at fault.
    #[error("{0}")]
    InvalidQuery(QueryError),
    /// The webhook URL or secret is unusable; says why.
    #[error("webhook: {0}")]
    InvalidWebhook(String),
    /// An id that is not a number.
    #[error("`{0}` is not an alert id")]
    InvalidId(String),
    /// SQLite failed.
    #[error("alert store: {0}")]
    Storage(#[from] rusqlite::Error),
    /// `alerts.db` could not be opened, created or migrated.
    #[error(transparent)]
    Open(Box<newsterm_sqlite::OpenError>),
    /// A stored alert no longer parses.
    #[error("alert store holds a damaged row: {0}")]
    Damaged(String),
}

impl From<newsterm_sqlite::OpenError> for AlertError {
    fn from(e: newsterm_sqlite::OpenError) -> Self {
        AlertError::Open(Box::new(e))
    }
}

impl AlertError {
    /// True when the request was at fault (HTTP 400), not the server.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            AlertError::InvalidName(_)
                | AlertError::InvalidQuery(_)
                | AlertError::InvalidWebhook(_)
                | AlertError::InvalidId(_)
        )
    }

    /// A short machine-readable code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AlertError::InvalidName(_) => "invalid_name",
            AlertError::InvalidQuery(_) => "invalid_query",
            AlertError::InvalidWebhook(_) => "invalid_webhook",
            AlertError::InvalidId(_) => "invalid_id",
            AlertError::Storage(_) | AlertError::Open(_) | AlertError::Damaged(_) => "storage",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, query: &str) -> AlertSpec {
        AlertSpec {
            name: name.into(),
            query: query.into(),
            delivery: Delivery::default(),
        }
    }

    #[test]
    fn a_valid_spec_gives_its_parsed_query() {
        let q = spec("Quakes", "quake place:lisbon").validate().unwrap();
        assert_eq!(q, newsterm_query::parse("quake place:lisbon").unwrap());
    }

    #[test]
    fn names_are_one_to_a_hundred_characters_on_one_line() {
        assert!(spec("", "oil").validate().is_err());
        assert!(spec("   ", "oil").validate().is_err());
        assert!(spec(&"é".repeat(100), "oil").validate().is_ok());
        let long = spec(&"é".repeat(101), "oil").validate().unwrap_err();
        assert!(long.to_string().contains("101 characters"), "{long}");
        assert!(spec("a\nb", "oil").validate().is_err());
    }

    #[test]
    fn invalid_queries_carry_their_position() {
        let err = spec("x", "oil plase:lisbon").validate().unwrap_err();
        match &err {
            AlertError::InvalidQuery(e) => assert_eq!(e.position, 4),
            other => panic!("{other:?}"),
        }
        assert!(err.is_invalid_input());
        assert_eq!(err.code(), "invalid_query");
        assert!(err.to_string().contains("position 4"));
        assert!(spec("x", "  ").validate().is_err());
    }

    #[test]
    fn webhooks_need_an_http_url_and_a_secret() {
        let with = |url: &str, secret: &str| AlertSpec {
            delivery: Delivery {
                webhook: Some(Webhook {
                    url: url.into(),
                    secret: secret.into(),
                }),
                ..Delivery::default()
            },
            ..spec("x", "oil")
        };
        assert!(with("http://127.0.0.1:9/hook", "s3cret").validate().is_ok());
        assert!(with("ftp://example.org/", "s3cret").validate().is_err());
        assert!(with("not a url", "s3cret").validate().is_err());
        assert!(with("http://127.0.0.1:9/hook", "").validate().is_err());
    }

    #[test]
    fn secrets_are_never_serialized_or_debug_printed() {
        let hook = Webhook {
            url: "http://h/".into(),
            secret: "topsecret".into(),
        };
        assert!(!serde_json::to_string(&hook).unwrap().contains("topsecret"));
        assert!(!format!("{hook:?}").contains("topsecret"));
        let parsed: Webhook =
            serde_json::from_str(r#"{"url":"http://h/","secret":"topsecret"}"#).unwrap();
        assert_eq!(parsed.secret, "topsecret");
    }

    #[test]
    fn random_secrets_differ() {
        let a = Webhook::random_secret().unwrap();
        let b = Webhook::random_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn delivery_defaults_to_stream_and_feed() {
        let spec: AlertSpec = serde_json::from_str(r#"{"name":"n","query":"q"}"#).unwrap();
        assert_eq!(spec.delivery, Delivery::default());
        assert!(spec.delivery.stream && spec.delivery.feed);
    }
}
