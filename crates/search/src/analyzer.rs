//! newsterm's analyzer as a tantivy tokenizer, so the index splits and
//! folds text exactly as queries and alerts do.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager};

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

/// Registers every analyzer the schema names ([`ANALYZER`],
/// [`PAIRS_ANALYZER`]), which an index needs before it indexes a story.
pub(crate) fn register(tokenizers: &TokenizerManager) {
    tokenizers.register(ANALYZER, TextAnalyzer::from(NewstermTokenizer::default()));
    tokenizers.register(
        PAIRS_ANALYZER,
        TextAnalyzer::from(PairsTokenizer::default()),
    );
}

/// Name the word-pair analyzer is registered under; like [`ANALYZER`],
/// part of the schema on disk: change it with [`PAIR_WORDS`].
pub(crate) const PAIRS_ANALYZER: &str = "newsterm_function_pairs_v1";

/// The words so frequent in news text that nearly every story holds them,
/// many times over (the most frequent words of the bundled Wikinews
/// articles, with "said"), in byte order. A phrase of two of them is the
/// slowest query for positions and the cheapest as one term; a pair of
/// any other words would make the index twice as large (tried; see
/// BENCHMARKS.md), and their phrases are quick through positions anyway,
/// their words being rarer.
pub(crate) const PAIR_WORDS: [&str; 48] = [
    "a", "about", "after", "all", "also", "an", "and", "are", "as", "at", "be", "been", "but",
    "by", "can", "for", "from", "had", "has", "have", "he", "her", "his", "i", "if", "in", "is",
    "it", "its", "more", "not", "of", "on", "one", "or", "said", "she", "that", "the", "their",
    "there", "they", "this", "to", "was", "which", "who", "with",
];

/// Whether a pair field holds the pair `first second`.
pub(crate) fn is_indexed_pair(first: &str, second: &str) -> bool {
    let listed = |w: &str| PAIR_WORDS.binary_search(&w).is_ok();
    listed(first) && listed(second)
}

/// The term a pair field holds for two neighbouring words. Words never
/// hold a space, so the pair is unambiguous.
pub(crate) fn word_pair(first: &str, second: &str) -> String {
    let mut pair = String::with_capacity(first.len() + 1 + second.len());
    pair.push_str(first);
    pair.push(' ');
    pair.push_str(second);
    pair
}

/// Every two neighbouring words of a text that are both [`PAIR_WORDS`],
/// as one token: the pair fields a phrase of two such words is looked up
/// in as one term, so that its matches and their count are read without
/// positions (see [`crate::pair_phrase`]).
#[derive(Clone, Default)]
pub(crate) struct PairsTokenizer {
    token: Token,
}

pub(crate) struct PairsTokenStream<'a> {
    tokens: newsterm_query::Tokens<'a>,
    previous: Option<newsterm_query::Token>,
    token: &'a mut Token,
}

impl Tokenizer for PairsTokenizer {
    type TokenStream<'a> = PairsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairsTokenStream<'a> {
        self.token.reset();
        let mut tokens = newsterm_query::tokenize(text);
        let previous = tokens.next();
        PairsTokenStream {
            tokens,
            previous,
            token: &mut self.token,
        }
    }
}

impl TokenStream for PairsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let (Some(first), Some(second)) = (self.previous.take(), self.tokens.next()) else {
                return false;
            };
            let indexed = is_indexed_pair(&first.text, &second.text);
            if indexed {
                self.token.text = word_pair(&first.text, &second.text);
                self.token.offset_from = first.start;
                self.token.offset_to = second.end;
                self.token.position = self.token.position.wrapping_add(1);
            }
            self.previous = Some(second);
            if indexed {
                return true;
            }
        }
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

    /// An index built with other pair words would lack the pairs of the
    /// words added, and a phrase of them would find nothing there: the
    /// list must not change without the analyzer's name, which has an
    /// index built before it rebuilt.
    #[test]
    fn pair_words_change_only_with_the_analyzer_name() {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in PAIR_WORDS.join(" ").bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        assert_eq!(
            (PAIRS_ANALYZER, hash),
            ("newsterm_function_pairs_v1", 0x5b0f0726876be384),
            "PAIR_WORDS changed: rename PAIRS_ANALYZER, then pin both here"
        );
    }

    #[test]
    fn pair_words_are_in_byte_order_and_analyzed() {
        assert!(PAIR_WORDS.windows(2).all(|w| w[0] < w[1]));
        for word in PAIR_WORDS {
            let tokens: Vec<String> = newsterm_query::tokenize(word).map(|t| t.text).collect();
            assert_eq!(tokens, [word]);
        }
    }

    #[test]
    fn pairs_are_the_neighbouring_index_tokens_of_pair_words() {
        let texts = [
            "Putin's U.S. visit: re-elected, as it was, in the end",
            "The THE the; of, the",
            "one",
            "",
            "a a a",
        ];
        let mut found = 0;
        for text in texts {
            let words: Vec<String> = newsterm_query::tokenize(text).map(|t| t.text).collect();
            let expected: Vec<String> = words
                .windows(2)
                .filter(|w| is_indexed_pair(&w[0], &w[1]))
                .map(|w| word_pair(&w[0], &w[1]))
                .collect();
            let mut analyzer = TextAnalyzer::from(PairsTokenizer::default());
            let mut stream = analyzer.token_stream(text);
            let mut pairs = Vec::new();
            while let Some(t) = stream.next() {
                pairs.push(t.text.clone());
            }
            assert_eq!(pairs, expected, "{text:?}");
            found += pairs.len();
        }
        assert_eq!(
            found, 10,
            "as it, it was, was in, in the; the the twice, the of, of the; a a twice"
        );
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
