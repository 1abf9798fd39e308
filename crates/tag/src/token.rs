//! Splitting text into tokens and sentences.
//!
//! Token boundaries follow the conventions of the entity gold data (Universal
//! Dependencies style): possessive `'s` is its own token, `U.S.` and initials keep
//! their period, `%` and currency signs stand alone, hyphenated words stay whole.

use std::ops::Range;

use newsterm_story::text::{is_abbreviation, sentence_ends};

/// One token: byte offsets into the text (for slicing) and char offsets (for output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub cstart: usize,
    pub cend: usize,
    /// A line break lies between this token and the previous one.
    pub newline_before: bool,
    /// Any whitespace lies between this token and the previous one.
    pub space_before: bool,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Whether `c` joins the word characters on either side of it into one token.
fn joins(prev: char, c: char, next: char) -> bool {
    match c {
        '-' | '\u{2011}' => true,
        '.' => true,
        '\'' | '\u{2019}' => prev.is_alphabetic() && next.is_alphabetic(),
        ',' | ':' => prev.is_ascii_digit() && next.is_ascii_digit(),
        '&' => prev.is_uppercase() && next.is_uppercase(),
        _ => false,
    }
}

/// "then-New York Governor", "ex-Texas senator": a prefix of time in lower
/// case is no part of the name after its hyphen, which is a token of its
/// own (else the tagger sees "York" and "Jersey" alone). "pro-Beijing" and
/// "anti-American" stay whole: a stance is no mention of the place.
fn prefixes_a_name(word: &str, joiner: char, next: char) -> bool {
    matches!(joiner, '-' | '\u{2011}') && next.is_uppercase() && matches!(word, "then" | "ex")
}

/// "Massachusetts-based", "a Chicago-headquartered firm": a word after a
/// name's hyphen that says where a body is leaves the name a token of its
/// own. "Indian-born" stays whole: where someone was born is seldom what a
/// story is about, and counted as a place it made "Congress" in a US
/// campaign story India's as much as the United States'.
fn says_where_after_a_name(rest: &str) -> bool {
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    matches!(word.as_str(), "based" | "headquartered")
}

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let ch = |i: usize| chars[i].1;
    let mut tokens = Vec::with_capacity(n / 5 + 1);
    let mut newline = false;
    let mut space = false;
    let mut i = 0;
    while i < n {
        let c = ch(i);
        if c.is_whitespace() {
            newline |= c == '\n' || c == '\u{2029}';
            space = true;
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        if c.is_alphanumeric() {
            loop {
                if end < n && ch(end).is_alphanumeric() {
                    end += 1;
                } else if end + 1 < n
                    && ch(end + 1).is_alphanumeric()
                    && joins(ch(end - 1), ch(end), ch(end + 1))
                    && !prefixes_a_name(&text[byte_at(start)..byte_at(end)], ch(end), ch(end + 1))
                    && !(ch(start).is_uppercase()
                        && matches!(ch(end), '-' | '\u{2011}')
                        && says_where_after_a_name(&text[byte_at(end + 1)..]))
                {
                    end += 2;
                } else {
                    break;
                }
            }
            // "Jo JorgensenImage: Jo Jorgensen for President": a caption's
            // label that the source glued to the word before it is a token
            // of its own.
            if let Some(label) = ["Image", "Photo"].into_iter().find(|label| {
                let l = label.len();
                end - start > l
                    && end < n
                    && ch(end) == ':'
                    && text.get(byte_at(end - l)..byte_at(end)) == Some(*label)
                    && (ch(end - l - 1).is_lowercase() || ch(end - l - 1) == '.')
            }) {
                end -= label.len();
                // "Edward Snowden.Image:": the sentence's period too.
                if ch(end - 1) == '.' && end - start > 1 {
                    end -= 1;
                }
            }
            // Possessive 's is a token of its own, as in the gold data.
            if end - start > 2
                && matches!(ch(end - 1), 's' | 'S')
                && is_apostrophe(ch(end - 2))
                && ch(end - 3).is_alphanumeric()
            {
                end -= 2;
            } else if end < n
                && ch(end) == '.'
                && is_abbreviation(&text[byte_at(start)..byte_at(end)])
            {
                end += 1;
            }
        } else if is_apostrophe(c)
            && end < n
            && matches!(ch(end), 's' | 'S')
            && (end + 1 >= n || !ch(end + 1).is_alphanumeric())
            && start > 0
            && ch(start - 1).is_alphanumeric()
        {
            end += 1; // the split-off possessive
        }
        tokens.push(Token {
            start: byte_at(start),
            end: byte_at(end),
            cstart: start,
            cend: end,
            newline_before: newline,
            space_before: space,
        });
        newline = false;
        space = false;
        i = end;
    }
    tokens
}

/// Groups tokens into sentences (ranges of token indices), cut where
/// [`sentence_ends`] — the splitter the feed reader uses too — ends them.
/// A line break always ends a sentence: headlines, datelines and list
/// items are sentences of their own.
pub(crate) fn sentences(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut ends = sentence_ends(text).into_iter().peekable();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        let mut ended = false;
        while ends.next_if(|&end| end <= token.start).is_some() {
            ended = true;
        }
        if ended && i > start {
            out.push(start..i);
            start = i;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn splits_possessives_and_keeps_abbreviations() {
        assert_eq!(
            words("Obama's U.S. visit cost $5.5 million, Mr. Roe's aide said."),
            vec![
                "Obama", "'s", "U.S.", "visit", "cost", "$", "5.5", "million", ",", "Mr.", "Roe",
                "'s", "aide", "said", "."
            ]
        );
    }

    #[test]
    fn splits_a_captions_label_glued_to_the_word_before() {
        assert_eq!(
            words("Jo JorgensenImage: Jo Jorgensen. The facemask.Photo: AP. An ImageMagick: x"),
            vec![
                "Jo",
                "Jorgensen",
                "Image",
                ":",
                "Jo",
                "Jorgensen",
                ".",
                "The",
                "facemask",
                ".",
                "Photo",
                ":",
                "AP",
                ".",
                "An",
                "ImageMagick",
                ":",
                "x"
            ]
        );
    }

    #[test]
    fn keeps_hyphenated_names_and_numbers_whole() {
        assert_eq!(
            words("Bailey-Ross counted 300,000 people (15%) in AT&T's don't-care list"),
            vec![
                "Bailey-Ross",
                "counted",
                "300,000",
                "people",
                "(",
                "15",
                "%",
                ")",
                "in",
                "AT&T",
                "'s",
                "don't-care",
                "list"
            ]
        );
    }

    #[test]
    fn a_prefix_before_a_hyphen_leaves_the_name_after_it_whole() {
        assert_eq!(
            words("then-New York Governor, ex-Texas senator, pro-Beijing, Ex-Im, Ohio-based"),
            vec![
                "then",
                "-",
                "New",
                "York",
                "Governor",
                ",",
                "ex",
                "-",
                "Texas",
                "senator",
                ",",
                "pro-Beijing",
                ",",
                "Ex-Im",
                ",",
                "Ohio",
                "-",
                "based"
            ]
        );
    }

    #[test]
    fn char_offsets_count_scalars_not_bytes() {
        let text = "Café Zürich said";
        let toks = tokenize(text);
        assert_eq!((toks[1].cstart, toks[1].cend), (5, 11));
        assert_eq!(toks[1].text(text), "Zürich");
    }

    #[test]
    fn sentences_end_at_periods_and_line_breaks() {
        let text = "Headline here\n\nHe left. \"We won.\" She said Mr. Roe came.";
        let toks = tokenize(text);
        let sents: Vec<String> = sentences(text, &toks)
            .into_iter()
            .map(|r| text[toks[r.start].start..toks[r.end - 1].end].to_string())
            .collect();
        assert_eq!(
            sents,
            vec![
                "Headline here",
                "He left.",
                "\"We won.\"",
                "She said Mr. Roe came."
            ]
        );
    }
}
