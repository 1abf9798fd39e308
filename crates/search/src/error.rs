//! What can go wrong with the search index.

use std::path::PathBuf;

/// Why the index could not be opened, written or searched.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index on disk was built with another schema or analyzer;
    /// [`crate::SearchIndex::open_or_recreate`] rebuilds it from empty.
    #[error("the search index in {} was built by another version of newsterm and must be rebuilt", .path.display())]
    SchemaMismatch {
        /// The index folder.
        path: PathBuf,
    },
    /// A `cursor` that this index did not hand out, or one made for the
    /// other sort order.
    #[error("invalid cursor `{0}`: pass back the next_cursor of the previous page unchanged")]
    InvalidCursor(String),
    /// Reading or writing the index files failed.
    #[error("search index I/O error in {}: {source}", .path.display())]
    Io {
        /// The index folder.
        path: PathBuf,
        /// What the filesystem said.
        source: std::io::Error,
    },
    /// tantivy refused an operation on the index.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A stored document lacks something every document has.
    #[error("search index document is damaged: {0}")]
    Damaged(String),
    /// The text of a hit could not be read from the store
    /// ([`crate::StoryTexts`]).
    #[error("cannot read a hit's story: {0}")]
    Texts(String),
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Index(e.into())
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Index(e.into())
    }
}
