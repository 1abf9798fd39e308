//! The English language's common words, for rules that must tell a word
//! capitalised at the head of a list or a slogan ("Treason, Bribery, or other
//! high Crimes", "Re-open, Reset, Reform") from a name.
//!
//! The word classes (`clusters.rs`) know only the words of the texts they were
//! learned from, a few thousand; news capitalises many more. This list is the
//! lower-case words of SCOWL's American English list (Debian's `wamerican`)
//! that the list does not also hold capitalised: "bribery" and "banker" are
//! in it, "bush", "rice" and "hope", which it also has as names, are not.
//! Shipped as `data/common_words.txt.gz`, one word a line.

use rustc_hash::FxHashSet;

use crate::error::TagError;
use crate::gazetteer::gunzip;

/// Common English words that are never names, in lower case.
pub(crate) struct CommonWords {
    words: FxHashSet<Box<str>>,
}

impl CommonWords {
    /// Reads the shipped list (gzip, one word a line).
    pub(crate) fn from_gz(gz: &[u8]) -> Result<CommonWords, TagError> {
        let words = gunzip("common words", gz)?
            .lines()
            .filter(|w| !w.is_empty())
            .map(Box::from)
            .collect();
        Ok(CommonWords { words })
    }

    /// Whether `lower`, in lower case, is one of the words.
    pub(crate) fn contains(&self, lower: &str) -> bool {
        self.words.contains(lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_are_also_names_are_left_out() {
        let words = CommonWords::from_gz(crate::COMMON_WORDS).expect("shipped list");
        for word in ["bribery", "banker", "reset", "astrophysics"] {
            assert!(words.contains(word), "{word}");
        }
        // Surnames, given names and brands the list also writes capitalised.
        for word in ["bush", "rice", "hope", "baker", "will"] {
            assert!(!words.contains(word), "{word}");
        }
    }
}
