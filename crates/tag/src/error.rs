//! The one error type of this crate.

use std::io;

/// Why the tagger could not load its data, or an evaluation could not read its gold.
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    /// Shipped or given data is not in the expected format.
    #[error("corrupt {what}: {reason}")]
    Corrupt {
        /// Which data.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being read or written.
        what: String,
        /// What the filesystem said.
        #[source]
        source: io::Error,
    },
    /// A line of a gold JSONL file is not a gold document.
    #[error("gold line {line}: {reason}")]
    Gold {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}
