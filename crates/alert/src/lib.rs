//! Standing alerts: queries in the search language checked against every
//! new story and revision, and the hits delivered to the terminal, the
//! stream, webhooks and feeds.
//!
//! - [`Alert`], [`AlertSpec`]: what an alert is and the rules a new one
//!   keeps (name, query, delivery).
//! - [`AlertIndex`]: every alert indexed by the terms its query requires
//!   (a Lucene Monitor style presearcher), so a story is matched against a
//!   million alerts by evaluating only the few that could match. Adding
//!   and removing take effect at once, with no rebuild. Its results equal
//!   evaluating every alert with [`newsterm_query::matches`].
//! - [`should_fire`], [`AlertIndex::firing`]: an alert fires once per
//!   matching story, and for a revision only when the revision changes
//!   whether it matches.
//! - [`AlertStore`]: alerts and their hits in a SQLite file of their own.
//! - [`WebhookSender`]: signed webhook calls, retried with backoff in the
//!   background, never blocking the caller.
//!
//! ```
//! use newsterm_alert::{AlertId, AlertIndex};
//! use newsterm_query::parse;
//!
//! let mut alerts = AlertIndex::new();
//! alerts.insert(AlertId(1), &parse("earthquake -japan").unwrap());
//! alerts.insert(AlertId(2), &parse("place:lisbon OR elect*").unwrap());
//! # let story = newsterm_story::Story {
//! #     id: newsterm_story::StoryId::new(), revision: 1, seq: 1,
//! #     content: newsterm_story::StoryDraft {
//! #         headline: Some("Earthquake in Chile before elections".into()),
//! #         ..Default::default()
//! #     }.validate(time::OffsetDateTime::now_utc()).unwrap(),
//! #     tags: Default::default(), received: time::OffsetDateTime::now_utc(),
//! #     mark: Default::default(),
//! # };
//! // story: "Earthquake in Chile before elections"
//! assert_eq!(alerts.match_story(&story), [AlertId(1), AlertId(2)]);
//! ```

mod alert;
mod firing;
mod index;
mod presearch;
mod program;
mod store;
mod webhook;

pub use alert::{
    Alert, AlertError, AlertId, AlertSpec, Delivery, MAX_NAME_CHARS, MAX_SECRET_CHARS,
    MAX_URL_CHARS, Webhook, Whose,
};
pub use firing::should_fire;
pub use index::AlertIndex;
pub use store::{AlertRecord, AlertStore, Fired};
pub use webhook::{
    SIGNATURE_HEADER, TargetStatus, WebhookConfig, WebhookError, WebhookSender, payload, signature,
    verify,
};
