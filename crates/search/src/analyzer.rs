//! newsterm's analyzer as a tantivy tokenizer, so the index splits and
//! folds text exactly as queries and alerts do.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name the analyzer is registered under. It is part of the schema stored
/// on disk: change it whenever [`newsterm_query::tokenize`] changes, so
/// that an index built with the old rules is detected and rebuilt.
pub(crate) const ANALYZER: &str = "newsterm_v1";

/// Wraps [`newsterm_query::tokenize`].
#[derive(Clone, Default)]
pub(crate) struct NewstermTokenizer {
    token: Token,
}

pub(crate) struct NewstermTokenStream<'a> {
    tokens: newsterm_query::Tokens<'a>,
    token: &'a mut Token,
}

impl Tokenizer for NewstermTokenizer {
    type TokenStream<'a> = NewstermTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewstermTokenStream<'a> {
        self.token.reset();
        NewstermTokenStream {
            tokens: newsterm_query::tokenize(text),
            token: &mut self.token,
        }
    }
}

impl TokenStream for NewstermTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(next) = self.tokens.next() else {
            return false;
        };
        self.token.text = next.text;
        self.token.offset_from = next.start;
        self.token.offset_to = next.end;
        // Starts from usize::MAX after reset, so the first token is 0.
        self.token.position = self.token.position.wrapping_add(1);
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

    fn tantivy_tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut analyzer = TextAnalyzer::from(NewstermTokenizer::default());
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn index_tokens_equal_query_tokens_on_tricky_text() {
        let texts = [
            "Putin's U.S. visit: re-elected, 42% (2024)!",
            "Café «Zürich» — naïve cafe\u{301}; İSTANBUL straße",
            "हिन्दी भाषा, 東京都 2024年, Москва",
            "a\u{0}b\tc\r\n—— 'quoted' “curly” x\u{10FFFF}y",
            "",
        ];
        for text in texts {
            let expected: Vec<(String, usize, usize, usize)> = newsterm_query::tokenize(text)
                .enumerate()
                .map(|(i, t)| (t.text, t.start, t.end, i))
                .collect();
            assert_eq!(tantivy_tokens(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_reused_tokenizer_restarts_positions() {
        let mut analyzer = TextAnalyzer::from(NewstermTokenizer::default());
        for _ in 0..2 {
            let mut stream = analyzer.token_stream("one two");
            assert!(stream.advance());
            assert_eq!(stream.token().position, 0);
        }
    }
}
