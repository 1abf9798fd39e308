//! Word lists that tell a name from a word, and one kind of name from
//! another.
//!
//! **Common words**, for rules that must tell a word capitalised at the head
//! of a list or a slogan ("Treason, Bribery, or other high Crimes", "Re-open,
//! Reset, Reform") from a name. The word classes (`clusters.rs`) know only
//! the words of the texts they were learned from, a few thousand; news
//! capitalises many more. This list is the lower-case words of SCOWL's
//! American English list (Debian's `wamerican`) that the list does not also
//! hold capitalised: "bribery" and "banker" are in it, "bush", "rice" and
//! "hope", which it also has as names, are not. Shipped as
//! `data/common_words.txt.gz`, one word a line.
//!
//! **Surnames**: the 88,799 family names of the 1990 US Census
//! (`sources/us_census_1990_surnames.txt.gz`, in lower case), for rules
//! that must tell a person named by one word ("Powell", "Marx") from a
//! company, product or drug the model took for one ("Qantas", "Novichok"),
//! which no census counts.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

use crate::error::TagError;
use crate::gazetteer::gunzip;

/// A list of words in lower case: the common English words that are never
/// names, or the census's surnames.
pub(crate) struct WordList {
    words: FxHashSet<Box<str>>,
}

impl WordList {
    /// Reads a shipped list (gzip, one word a line); `what` names it in an
    /// error.
    pub(crate) fn from_gz(what: &'static str, gz: &[u8]) -> Result<WordList, TagError> {
        let words = gunzip(what, gz)?
            .lines()
            .filter(|w| !w.is_empty())
            .map(Box::from)
            .collect();
        Ok(WordList { words })
    }

    /// Whether `lower`, in lower case, is one of the words.
    pub(crate) fn contains(&self, lower: &str) -> bool {
        self.words.contains(lower)
    }
}

/// Word lists written in the code ([`crate::features::TITLE_WORDS`] and the
/// like) that rules ask about for every token or span: a slice's `contains`
/// compares the word with each entry in turn, a hundred string comparisons
/// for a miss, so the lists are asked through a hash set made at first use.
pub(crate) struct WordSet {
    lists: &'static [&'static [&'static str]],
    set: OnceLock<FxHashSet<&'static str>>,
}

impl WordSet {
    /// The words of all of `lists`.
    pub(crate) const fn of(lists: &'static [&'static [&'static str]]) -> WordSet {
        WordSet {
            lists,
            set: OnceLock::new(),
        }
    }

    /// Whether `word` is in one of the lists, as written.
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.set
            .get_or_init(|| self.lists.iter().flat_map(|l| l.iter().copied()).collect())
            .contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_are_also_names_are_left_out() {
        let words = WordList::from_gz("common words", crate::COMMON_WORDS).expect("shipped list");
        for word in ["bribery", "banker", "reset", "astrophysics"] {
            assert!(words.contains(word), "{word}");
        }
        // Surnames, given names and brands the list also writes capitalised.
        for word in ["bush", "rice", "hope", "baker", "will"] {
            assert!(!words.contains(word), "{word}");
        }
    }

    #[test]
    fn the_census_counts_family_names_and_no_brands() {
        let surnames = WordList::from_gz("surnames", crate::SURNAMES).expect("shipped list");
        for name in ["powell", "marx", "romney", "christie"] {
            assert!(surnames.contains(name), "{name}");
        }
        for word in ["qantas", "novichok", "medicaid", "github"] {
            assert!(!surnames.contains(word), "{word}");
        }
    }

    #[test]
    fn a_word_set_holds_the_words_of_every_list_as_written() {
        static SET: WordSet = WordSet::of(&[&["mayor", "judge"], &["inc."]]);
        assert!(SET.contains("judge"));
        assert!(SET.contains("inc."));
        assert!(!SET.contains("Judge"));
        assert!(!SET.contains("inc"));
    }
}
