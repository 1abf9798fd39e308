//! What travels on the wire for one stored revision.

use std::any::Any;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use newsterm_api::Headline;
use newsterm_query::{Document, Query};
use newsterm_story::Story;

/// One revision as every live subscriber receives it: the headline, its
/// JSON rendered once, and what filters match against.
pub struct WireItem {
    pub headline: Headline,
    /// The headline as JSON, shared by every subscriber and transport.
    pub json: Bytes,
    pub story: Arc<Story>,
    /// The story analyzed for query matching, made on first use and then
    /// shared by every filtered subscriber.
    doc: OnceLock<Document>,
    /// The transport layer's encoding of this item (its framing is none of
    /// the engine's business), made by the first session that sends it and
    /// reused by the thousands after.
    encoded: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl WireItem {
    pub fn of(story: Arc<Story>) -> WireItem {
        let headline = Headline::of(&story);
        let json = Bytes::from(serde_json::to_vec(&headline).unwrap_or_else(|_| b"{}".to_vec()));
        WireItem {
            headline,
            json,
            story,
            doc: OnceLock::new(),
            encoded: OnceLock::new(),
        }
    }

    /// Whether `query` matches this revision, as a search would.
    pub fn matches(&self, query: &Query) -> bool {
        self.doc
            .get_or_init(|| Document::of(&self.story))
            .matches(query)
    }

    /// The transport encoding `make` builds, built once per item. `None`
    /// only if another encoding type already took the slot (one transport
    /// layer uses it, so in practice never).
    pub fn encoded<T: Any + Send + Sync>(&self, make: impl FnOnce(&WireItem) -> T) -> Option<&T> {
        self.encoded
            .get_or_init(|| Box::new(make(self)))
            .downcast_ref::<T>()
    }
}
