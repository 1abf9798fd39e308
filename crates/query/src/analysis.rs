//! The analyzer: how text becomes the terms that queries match.
//!
//! The search index, the query parser and the alert matcher all call
//! [`tokenize`], so a word matches in a query exactly when it matches in a
//! story. The rules:
//!
//! - A token is a maximal run of letters, digits and combining marks
//!   (`char::is_alphanumeric` plus Unicode categories Mn, Mc, Me); every
//!   other character separates tokens. An apostrophe separates too:
//!   `Putin's` gives `putin` and `s`, `don't` gives `don` and `t`; a
//!   hyphen does the same (`re-elected` gives `re` and `elected`).
//! - Each token is lower-cased, then ASCII-folded where a letter has an
//!   obvious ASCII form (`é` → `e`, `ß` → `ss`, `ø` → `o`, fullwidth `Ａ`
//!   → `a`); accents written as separate combining characters are dropped,
//!   so composed and decomposed `é` analyze alike. Other scripts are kept
//!   as written (lower-cased).
//! - A run of CJK characters is one token (there is no word segmentation).
//! - Tokens longer than [`MAX_TOKEN_BYTES`] after folding are dropped
//!   (they are encoded blobs, not words) and take no position.
//!
//! Re-analyzing a token's text gives back that same single token.

use unicode_general_category::{GeneralCategory, get_general_category};

use crate::folding::push_folded;

/// Longest token kept, in bytes of folded text.
pub const MAX_TOKEN_BYTES: usize = 100;

/// One analyzed word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lower-cased, ASCII-folded text.
    pub text: String,
    /// Byte offset of the token's first character in the analyzed text.
    pub start: usize,
    /// Byte offset just past the token's last character.
    pub end: usize,
}

/// Splits `text` into analyzed tokens, in order. See the module docs for
/// the rules.
pub fn tokenize(text: &str) -> Tokens<'_> {
    Tokens { text, pos: 0 }
}

/// A text's whole value as keyword fields (source, lang, priority, id,
/// topic, country) hold it: its tokens joined by single spaces.
///
/// So `Example Wire`, `example-wire` and ` EXAMPLE  wire ` are the same
/// source, and `source:"Example Wire"` matches a story from any of them,
/// but `source:example` does not: keyword fields match whole values.
pub fn normalize_keyword(text: &str) -> String {
    let mut out = String::new();
    for token in tokenize(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&token.text);
    }
    out
}

/// Iterator returned by [`tokenize`].
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            let rest = &self.text[self.pos..];
            let (skip, _) = rest.char_indices().find(|&(_, c)| is_word_char(c))?;
            let start = self.pos + skip;
            let mut end = self.text.len();
            let mut folded = String::new();
            for (i, c) in self.text[start..].char_indices() {
                if !is_word_char(c) {
                    end = start + i;
                    break;
                }
                push_analyzed(c, &mut folded);
            }
            self.pos = end;
            if !folded.is_empty() && folded.len() <= MAX_TOKEN_BYTES {
                return Some(Token {
                    text: folded,
                    start,
                    end,
                });
            }
        }
    }
}

/// True for characters that belong inside a word.
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric()
        || matches!(
            get_general_category(c),
            GeneralCategory::NonspacingMark
                | GeneralCategory::SpacingMark
                | GeneralCategory::EnclosingMark
        )
}

fn push_analyzed(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        if !is_accent(lower) {
            push_folded(lower, out);
        }
    }
}

/// Combining accents from the blocks that decorate Latin, Greek and
/// Cyrillic letters; marks of other scripts (Indic vowel signs, viramas)
/// are part of the spelling and are kept.
fn is_accent(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).map(|t| t.text).collect()
    }

    #[test]
    fn splits_on_punctuation_and_lowercases() {
        assert_eq!(
            texts("Putin's U.S. visit: re-elected, 42% (2024)!"),
            [
                "putin", "s", "u", "s", "visit", "re", "elected", "42", "2024"
            ]
        );
    }

    #[test]
    fn offsets_point_at_the_original_bytes() {
        let text = "  Café «Zürich»—ok";
        let tokens: Vec<Token> = tokenize(text).collect();
        let spans: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(spans, ["Café", "Zürich", "ok"]);
        assert_eq!(tokens[1].text, "zurich");
    }

    #[test]
    fn composed_and_decomposed_accents_analyze_alike() {
        assert_eq!(texts("café naïve"), texts("cafe\u{301} nai\u{308}ve"));
        assert_eq!(texts("café naïve"), ["cafe", "naive"]);
    }

    #[test]
    fn dotted_capital_i_folds_to_i() {
        assert_eq!(texts("İSTANBUL"), ["istanbul"]);
    }

    #[test]
    fn other_scripts_stay_whole_words() {
        assert_eq!(texts("Москва, Αθήνα"), ["москва", "αθήνα"]);
        // A virama (U+094D) is a mark, so the Hindi word is not cut at it.
        assert_eq!(texts("हिन्दी भाषा"), ["हिन्दी", "भाषा"]);
        assert_eq!(texts("東京都 2024年"), ["東京都", "2024年"]);
    }

    #[test]
    fn apostrophes_and_curly_quotes_split() {
        assert_eq!(texts("Putin’s “plan”"), ["putin", "s", "plan"]);
    }

    #[test]
    fn overlong_tokens_are_dropped() {
        let blob = "x".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(texts(&format!("a {blob} b")), ["a", "b"]);
        let longest = "y".repeat(MAX_TOKEN_BYTES);
        assert_eq!(texts(&longest), std::slice::from_ref(&longest));
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_tokens() {
        assert!(texts("").is_empty());
        assert!(texts(" -- & … !").is_empty());
    }

    #[test]
    fn keyword_values_normalize_case_space_and_punctuation() {
        assert_eq!(normalize_keyword(" Example  Wire "), "example wire");
        assert_eq!(normalize_keyword("EXAMPLE-WIRE"), "example wire");
        assert_eq!(
            normalize_keyword("Agence France-Presse"),
            "agence france presse"
        );
        assert_eq!(normalize_keyword("***"), "");
    }

    #[test]
    fn reanalyzing_a_token_gives_the_same_token() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet: Vec<char> = "aZé\u{301}ßİ’'-. 1٣हि्东ＡﬁÆøΣς\u{0}\u{10FFFF}"
            .chars()
            .collect();
        for _ in 0..2_000 {
            let len = rng.usize(0..24);
            let text: String = (0..len)
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect();
            for token in tokenize(&text) {
                assert_eq!(
                    texts(&token.text),
                    std::slice::from_ref(&token.text),
                    "from {text:?}"
                );
            }
        }
    }
}
