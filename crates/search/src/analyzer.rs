//! newsterm's analyzer as tantivy tokenizers, so the index splits and
//! folds text exactly as queries and alerts do.

use newsterm_query::{IndexTokens, Tokens, index_tokens, tokenize};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name the index's analyzer is registered under. It is part of the
/// schema stored on disk: change it whenever [`newsterm_query::tokenize`]
/// or the word pairs ([`newsterm_query::index_tokens`]) change, so that an
/// index built with the old rules is detected and rebuilt.
pub(crate) const ANALYZER: &str = "newsterm_v2";

/// The terms the index holds: words and word pairs
/// ([`newsterm_query::index_tokens`]).
#[derive(Clone, Default)]
pub(crate) struct IndexTokenizer {
    token: Token,
}

/// Words only ([`newsterm_query::tokenize`]): what snippets highlight.
#[derive(Clone, Default)]
pub(crate) struct WordTokenizer {
    token: Token,
}

/// Terms with their offsets and positions, from either tokenizer.
pub(crate) struct AnalyzedStream<'a, I> {
    terms: I,
    token: &'a mut Token,
}

impl Tokenizer for IndexTokenizer {
    type TokenStream<'a> = AnalyzedStream<'a, IndexTokens<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.token.reset();
        AnalyzedStream {
            terms: index_tokens(text),
            token: &mut self.token,
        }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = AnalyzedStream<'a, Words<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.token.reset();
        AnalyzedStream {
            terms: Words {
                tokens: tokenize(text),
                position: 0,
            },
            token: &mut self.token,
        }
    }
}

/// [`tokenize`]'s words, numbered.
pub(crate) struct Words<'a> {
    tokens: Tokens<'a>,
    position: usize,
}

impl Iterator for Words<'_> {
    type Item = newsterm_query::IndexToken;

    fn next(&mut self) -> Option<Self::Item> {
        let token = self.tokens.next()?;
        self.position += 1;
        Some(newsterm_query::IndexToken {
            token,
            position: self.position - 1,
        })
    }
}

impl<I: Iterator<Item = newsterm_query::IndexToken>> TokenStream for AnalyzedStream<'_, I> {
    fn advance(&mut self) -> bool {
        let Some(next) = self.terms.next() else {
            return false;
        };
        self.token.text = next.token.text;
        self.token.offset_from = next.token.start;
        self.token.offset_to = next.token.end;
        self.token.position = next.position;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TextAnalyzer;

    fn tantivy_tokens(tokenizer: impl Tokenizer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut analyzer = TextAnalyzer::from(tokenizer);
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    const TRICKY: [&str; 5] = [
        "Putin's U.S. visit: re-elected, 42% (2024)!",
        "Café «Zürich» — naïve cafe\u{301}; İSTANBUL straße",
        "हिन्दी भाषा, 東京都 2024年, Москва",
        "a\u{0}b\tc\r\n—— 'quoted' “curly” x\u{10FFFF}y of the",
        "",
    ];

    #[test]
    fn word_tokens_equal_query_tokens_on_tricky_text() {
        for text in TRICKY {
            let expected: Vec<(String, usize, usize, usize)> = newsterm_query::tokenize(text)
                .enumerate()
                .map(|(i, t)| (t.text, t.start, t.end, i))
                .collect();
            assert_eq!(
                tantivy_tokens(WordTokenizer::default(), text),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn index_tokens_are_the_words_and_their_pairs_at_the_first_words_position() {
        for text in TRICKY {
            let indexed = tantivy_tokens(IndexTokenizer::default(), text);
            let words: Vec<_> = indexed
                .iter()
                .filter(|t| !t.0.starts_with(newsterm_query::PAIR_MARK))
                .cloned()
                .collect();
            assert_eq!(
                words,
                tantivy_tokens(WordTokenizer::default(), text),
                "{text:?}"
            );
            for pair in indexed
                .iter()
                .filter(|t| t.0.starts_with(newsterm_query::PAIR_MARK))
            {
                let first = &words[pair.3];
                let second = &words[pair.3 + 1];
                assert_eq!(
                    Some(pair.0.clone()),
                    newsterm_query::word_pair(&first.0, &second.0)
                );
                assert_eq!((pair.1, pair.2), (first.1, second.2));
            }
        }
        let pairs = tantivy_tokens(IndexTokenizer::default(), "b\tof the—a city");
        let pairs: Vec<&str> = pairs.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            pairs,
            ["b", "of", "\u{1}of the", "the", "\u{1}the a", "a", "city"]
        );
    }

    #[test]
    fn a_reused_tokenizer_restarts_positions() {
        let mut analyzer = TextAnalyzer::from(IndexTokenizer::default());
        for _ in 0..2 {
            let mut stream = analyzer.token_stream("one two");
            assert!(stream.advance());
            assert_eq!(stream.token().position, 0);
        }
    }
}
