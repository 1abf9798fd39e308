//! The story: newsterm's one data model, the rules it keeps, and the forms
//! it is read from and written to.
//!
//! Every input form fills a [`StoryDraft`] and calls
//! [`StoryDraft::validate`], which is the only way to make a
//! [`StoryContent`]; a stored revision is a [`Story`]. The forms are:
//!
//! - [`markdown`]: Markdown with a YAML front-matter header;
//! - [`ninjs`]: IPTC ninjs 2.x JSON, validated against the IPTC schemas;
//! - [`jsonl`]: one JSON object a line, for bulk import.
//!
//! Parsers return a [`ParsedStory`]; renderers take anything that turns
//! into a [`StoryView`]; [`Format`] picks Markdown or ninjs by content
//! type, file extension or content.
//!
//! [`html`] is the one HTML reader (ninjs bodies, feed items) and
//! [`text`] holds the plain-text rules (sentences, truncation) every crate
//! shares.
//!
//! This crate does no I/O: it turns bytes into stories and back.

pub mod control;
pub mod error;
pub mod form;
pub mod format;
pub mod html;
mod ids;
pub mod jsonl;
pub mod lifecycle;
pub mod limits;
pub mod markdown;
pub mod model;
pub mod ninjs;
pub mod tags;
pub mod text;

#[cfg(test)]
mod fixtures;
mod plaintext;
#[cfg(any(test, feature = "test-data"))]
pub mod test_data;

pub use error::{FieldError, StoryError};
pub use form::{ParsedStory, StoryView};
pub use format::Format;
pub use lifecycle::{EventId, RevisionKind};
pub use model::{
    Block, ContentHead, Priority, RevisionMark, Story, StoryContent, StoryDraft, StoryHead,
    StoryId, TagEntities, TagTopics, TimeError, format_time, parse_time,
};
pub use tags::Tags;
