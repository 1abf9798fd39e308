//! Why a feed could not be read, in words a user can act on.

/// Why a whole feed document was refused. (Problems with one item are
/// reported on that item, see [`crate::FeedItem::content`].)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The document is bigger than the configured cap.
    #[error("{}", too_large(*.bytes, *.limit))]
    TooLarge {
        /// The size when known; `None` when reading stopped at the cap.
        bytes: Option<u64>,
        /// The cap, in bytes.
        limit: u64,
    },
    /// The DOCTYPE declares entities: the way in for billion-laughs
    /// expansion and external-entity (XXE) reads.
    #[error(
        "feed rejected: its DOCTYPE declares entities, and entity declarations are not allowed (they enable entity-expansion and external-entity attacks)"
    )]
    EntityDeclarations,
    /// The bytes are not text in the encoding the document declares.
    #[error("{0}")]
    Encoding(String),
    /// The document is not well-formed XML or JSON.
    #[error("malformed feed: {0}")]
    Malformed(String),
    /// Well-formed, but not RSS, Atom, JSON Feed or ninjs.
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// A feed file could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// What the filesystem said.
        message: String,
    },
}

/// `10485760` → `10 MiB`; sizes that are not whole MiB or KiB stay bytes.
pub(crate) fn size_in_words(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn too_large(bytes: Option<u64>, limit: u64) -> String {
    match bytes {
        Some(n) => format!("feed is {n} bytes, over the {} limit", size_in_words(limit)),
        None => format!(
            "feed is over the {} limit; stopped reading there",
            size_in_words(limit)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_errors_name_the_size_and_the_limit() {
        let e = FeedError::TooLarge {
            bytes: Some(104_857_600),
            limit: 10 * 1024 * 1024,
        };
        assert_eq!(
            e.to_string(),
            "feed is 104857600 bytes, over the 10 MiB limit"
        );
        let e = FeedError::TooLarge {
            bytes: None,
            limit: 1500,
        };
        assert!(e.to_string().contains("over the 1500 bytes limit"), "{e}");
        assert_eq!(size_in_words(64 * 1024), "64 KiB");
    }
}
