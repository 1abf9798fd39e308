//! The one error type of this crate.

use std::io;

/// Why the tagger could not load its data, or an evaluation could not read its gold.
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    /// Shipped or given data is not in the expected format.
    #[error("corrupt {what}: {reason}")]
    Corrupt { what: &'static str, reason: String },
    /// A file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    /// A line of a gold JSONL file is not a gold document.
    #[error("gold line {line}: {reason}")]
    Gold { line: usize, reason: String },
}
