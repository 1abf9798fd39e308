//! Word pairs: how the index answers phrases made of common words.
//!
//! A phrase is found by reading where each of its words occurs in every
//! story holding them all. For a phrase of frequent words (`of the`,
//! `said that the`) that is nearly every story, each with dozens of
//! positions per word: at a million stories such a phrase took half a
//! second where any other query took tens of milliseconds.
//!
//! So the index also holds, at the position of its first word, every two
//! adjacent words that are both among [`PAIRED_WORDS`], the function words
//! that make up a third of English news text. A phrase is then looked up
//! through its pairs ([`phrase_terms`]): `of the` is one term whose
//! postings are exactly the stories with that phrase, and in `mayor of the
//! city` the pair `of the` is checked for far fewer positions than `of`
//! and `the`. The stories found are exactly those the words at consecutive
//! positions would find.
//!
//! Pairing every word with a function-word neighbour (`the city`, as
//! Lucene's common-grams do) halved the phrase tail too, but made the
//! index 45–65 % larger and its building a third slower (BENCHMARKS.md,
//! "Phrases of common words"); pairs of two function words are a few
//! hundred distinct terms and add ~4 % to the index.
//!
//! A pair's term starts with [`PAIR_MARK`], which no word holds, so pairs
//! sort before every word and no prefix search (a range of words) reaches
//! one. The in-memory [`crate::Document`] holds the same pairs, so a story
//! scores the same before and after it is indexed.

use crate::analysis::{Token, Tokens, tokenize};

/// The words paired when they are neighbours: the most frequent words of
/// the bundled news articles, less pronouns and the `s` and `t` of split
/// contractions (more frequent in interviews than in news). Sorted, for
/// the binary search.
pub const PAIRED_WORDS: [&str; 16] = [
    "a", "and", "as", "at", "by", "for", "in", "is", "it", "of", "on", "that", "the", "to", "was",
    "with",
];

/// First character of every pair's term.
pub const PAIR_MARK: char = '\u{1}';

fn is_paired(word: &str) -> bool {
    PAIRED_WORDS.binary_search(&word).is_ok()
}

/// The term of two adjacent words when both are paired; `None` when
/// either is not (the index holds no such pair).
///
/// ```
/// use newsterm_query::{PAIR_MARK, word_pair};
/// assert_eq!(word_pair("of", "the"), Some(format!("{PAIR_MARK}of the")));
/// assert_eq!(word_pair("of", "paris"), None);
/// ```
pub fn word_pair(first: &str, second: &str) -> Option<String> {
    if !is_paired(first) || !is_paired(second) {
        return None;
    }
    let mut term = String::with_capacity(first.len() + second.len() + 2);
    term.push(PAIR_MARK);
    term.push_str(first);
    term.push(' ');
    term.push_str(second);
    Some(term)
}

/// The terms, each with its offset from the phrase's first word, that
/// find exactly the places where `words` occur one after the other: the
/// pair of each two adjacent words the index pairs, and the words no pair
/// covers. One word, or words of which none is paired, come back as they
/// are.
///
/// ```
/// use newsterm_query::{PAIR_MARK, phrase_terms};
/// let pair = |a: &str, b: &str| format!("{PAIR_MARK}{a} {b}");
/// assert_eq!(phrase_terms(&["of", "the"]), vec![(0, pair("of", "the"))]);
/// assert_eq!(
///     phrase_terms(&["mayor", "of", "the", "city"]),
///     vec![(0, "mayor".to_string()), (1, pair("of", "the")), (3, "city".to_string())]
/// );
/// ```
pub fn phrase_terms<S: AsRef<str>>(words: &[S]) -> Vec<(usize, String)> {
    let mut terms = Vec::new();
    let mut covered_to = 0; // words before this index are in a pair
    for (i, pair) in words.windows(2).enumerate() {
        match word_pair(pair[0].as_ref(), pair[1].as_ref()) {
            Some(term) => {
                terms.push((i, term));
                covered_to = i + 2;
            }
            None if covered_to <= i => {
                terms.push((i, pair[0].as_ref().to_string()));
                covered_to = i + 1;
            }
            None => {}
        }
    }
    if let Some(last) = words.len().checked_sub(1)
        && covered_to <= last
    {
        terms.push((last, words[last].as_ref().to_string()));
    }
    terms
}

/// One term the index holds for a text: a word, or the pair of two
/// adjacent paired words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexToken {
    /// The word or the pair's term; offsets span both words of a pair.
    pub token: Token,
    /// The word's place among the text's words; a pair's is its first
    /// word's.
    pub position: usize,
}

/// Splits `text` into the terms the index holds: its words
/// ([`tokenize`]), each followed by the pair it starts, if any.
///
/// ```
/// use newsterm_query::{PAIR_MARK, index_tokens};
/// let terms: Vec<(String, usize)> =
///     index_tokens("Mayor of the city").map(|t| (t.token.text, t.position)).collect();
/// assert_eq!(terms, vec![
///     ("mayor".to_string(), 0),
///     ("of".to_string(), 1),
///     (format!("{PAIR_MARK}of the"), 1),
///     ("the".to_string(), 2),
///     ("city".to_string(), 3),
/// ]);
/// ```
pub fn index_tokens(text: &str) -> IndexTokens<'_> {
    IndexTokens {
        words: tokenize(text),
        ahead: None,
        pair: None,
        position: 0,
    }
}

/// Iterator returned by [`index_tokens`].
#[derive(Debug, Clone)]
pub struct IndexTokens<'a> {
    words: Tokens<'a>,
    /// The word after the last one returned, read ahead to make its pair.
    ahead: Option<Token>,
    /// The pair the last word returned starts, returned next.
    pair: Option<IndexToken>,
    /// Position of the next word.
    position: usize,
}

impl Iterator for IndexTokens<'_> {
    type Item = IndexToken;

    fn next(&mut self) -> Option<IndexToken> {
        if let Some(pair) = self.pair.take() {
            return Some(pair);
        }
        let word = self.ahead.take().or_else(|| self.words.next())?;
        let position = self.position;
        self.position += 1;
        self.ahead = self.words.next();
        if let Some(after) = &self.ahead
            && let Some(text) = word_pair(&word.text, &after.text)
        {
            self.pair = Some(IndexToken {
                token: Token {
                    text,
                    start: word.start,
                    end: after.end,
                },
                position,
            });
        }
        Some(IndexToken {
            token: word,
            position,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// Where each term `index_tokens` gives for `text` occurs.
    fn postings(text: &str) -> HashMap<String, Vec<usize>> {
        let mut postings: HashMap<String, Vec<usize>> = HashMap::new();
        for term in index_tokens(text) {
            postings
                .entry(term.token.text)
                .or_default()
                .push(term.position);
        }
        postings
    }

    #[test]
    fn the_paired_words_are_sorted_and_analyzed() {
        assert!(PAIRED_WORDS.windows(2).all(|w| w[0] < w[1]));
        for word in PAIRED_WORDS {
            let analyzed: Vec<String> = tokenize(word).map(|t| t.text).collect();
            assert_eq!(analyzed, [word]);
        }
    }

    #[test]
    fn a_phrase_looked_up_through_its_pairs_is_found_exactly_where_its_words_are() {
        let texts = [
            "the mayor of new york said the city of new york is a city of the state of new york",
            "of the of the the of new new york york a a the",
            "new york",
            "the",
            "",
        ];
        let vocabulary = ["the", "of", "new", "york", "a", "city"];
        // Every phrase of one to three words over the vocabulary.
        let mut phrases: Vec<Vec<&str>> = vocabulary.iter().map(|w| vec![*w]).collect();
        for _ in 0..2 {
            let longer: Vec<Vec<&str>> = phrases
                .iter()
                .filter(|p| p.len() == phrases.last().map_or(0, Vec::len))
                .flat_map(|p| {
                    vocabulary.iter().map(move |w| {
                        let mut q = p.clone();
                        q.push(*w);
                        q
                    })
                })
                .collect();
            phrases.extend(longer);
        }
        for text in texts {
            let words: Vec<String> = tokenize(text).map(|t| t.text).collect();
            let postings = postings(text);
            for phrase in &phrases {
                let by_words: Vec<usize> = (0..words.len())
                    .filter(|&p| {
                        phrase
                            .iter()
                            .enumerate()
                            .all(|(i, w)| words.get(p + i).is_some_and(|x| x == w))
                    })
                    .collect();
                let terms = phrase_terms(phrase);
                let covered: Vec<usize> = terms
                    .iter()
                    .flat_map(|(at, t)| {
                        let span = if t.starts_with(PAIR_MARK) { 2 } else { 1 };
                        *at..*at + span
                    })
                    .collect();
                assert!(
                    (0..phrase.len()).all(|i| covered.contains(&i)),
                    "{phrase:?} -> {terms:?}"
                );
                let by_terms: Vec<usize> = (0..words.len())
                    .filter(|&p| {
                        terms.iter().all(|(at, t)| {
                            postings.get(t).is_some_and(|list| list.contains(&(p + at)))
                        })
                    })
                    .collect();
                assert_eq!(by_terms, by_words, "{phrase:?} in {text:?} via {terms:?}");
            }
        }
    }

    #[test]
    fn no_pair_is_looked_up_when_no_word_is_paired() {
        assert_eq!(
            phrase_terms(&["new", "york", "times"]),
            [
                (0, "new".to_string()),
                (1, "york".to_string()),
                (2, "times".to_string())
            ]
        );
        assert!(phrase_terms::<&str>(&[]).is_empty());
        assert!(index_tokens("New York Times").all(|t| !t.token.text.starts_with(PAIR_MARK)));
    }
}
