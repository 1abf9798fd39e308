//! What tagging a story produces. The types belong to the story model
//! (`newsterm_story::tags`), so the store, index, API and terminal read
//! exactly what the tagger writes; this module names them for the tagger.
//! Every span is a pair of Unicode scalar (char) offsets into the tagged
//! text, end exclusive.

pub use newsterm_story::tags::{
    Entity, EntityType, Figure, FigureKind, Highlight, Quote, QuoteKind, Topic,
};

/// Everything found in one story: the story model's [`newsterm_story::Tags`].
pub type Annotations = newsterm_story::Tags;
