//! Hit snippets: a short piece of the story with the matched words in
//! `<b>…</b>`, HTML-escaped.

use std::collections::BTreeMap;

use newsterm_query::{Document, Field, Query};
use newsterm_story::Story;
use newsterm_story::text::truncate;
use tantivy::snippet::SnippetGenerator;
use tantivy::termdict::TermDictionary;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher, Term};

use crate::analyzer::NewstermTokenizer;
use crate::error::SearchError;
use crate::schema::Fields;
use crate::staged::TierStats;

/// Characters of story text in a snippet.
const SNIPPET_CHARS: usize = 200;
/// Words a prefix is expanded to for highlighting.
const PREFIX_EXPANSIONS: usize = 32;
/// Texts longer than this (bytes) are cut to a window around the first
/// place a searched word may be before their snippet is made: making one
/// reads every word of the text, and a story of 100 KB took milliseconds
/// (what made rare words, found mostly in long stories, the slowest
/// queries).
const WINDOW_FROM: usize = 4 * 1024;
/// Bytes of the window after the first place a searched word may be.
const WINDOW_AFTER: usize = 2 * 1024;

/// Snippet makers for one search, tried in order: body, headline, bullets.
pub(crate) struct Snippets {
    generators: Vec<Generator>,
}

/// The snippet maker of one part of a story, and the words it highlights.
struct Generator {
    part: Field,
    snippets: SnippetGenerator,
    words: Vec<String>,
}

impl Generator {
    /// The snippet of `text`: from a window of it when it is long and a
    /// searched word is found in the window, else from all of it.
    fn snippet(&self, text: &str) -> tantivy::snippet::Snippet {
        if let Some(window) = window(text, &self.words) {
            let snippet = self.snippets.snippet(window);
            if !snippet.highlighted().is_empty() {
                return snippet;
            }
        }
        self.snippets.snippet(text)
    }
}

impl Snippets {
    /// `staged` are the staged documents among the hits: the words their
    /// prefixes expand to are highlighted too, and `tier` adds the staged
    /// document frequencies to the index's.
    pub fn new(
        searcher: &Searcher,
        query: &Query,
        fields: &Fields,
        tier: &TierStats,
        staged: &[&Document],
    ) -> Result<Self, SearchError> {
        let mut generators = Vec::new();
        for part in [Field::Body, Field::Headline, Field::Bullets] {
            let Some(index_field) = fields.get(part) else {
                continue;
            };
            let terms = highlight_terms(searcher, query, part, index_field, tier, staged)?;
            let words = terms.keys().cloned().collect();
            let mut generator = SnippetGenerator::new(
                terms,
                TextAnalyzer::from(NewstermTokenizer::default()),
                index_field,
                SNIPPET_CHARS,
            );
            generator.set_max_num_chars(SNIPPET_CHARS);
            generators.push(Generator {
                part,
                snippets: generator,
                words,
            });
        }
        Ok(Snippets { generators })
    }

    /// The snippet of a story, from its text.
    pub fn of_story(&self, story: &Story) -> String {
        let c = &story.content;
        self.best(|part| match part {
            Field::Headline => c.headline.clone(),
            Field::Bullets => c.bullets.join(" "),
            _ => {
                let parts: Vec<&str> = c.body.iter().map(|b| b.text()).collect();
                parts.join(" ")
            }
        })
    }

    /// The first of body, headline and bullets with a highlighted word,
    /// else the start of the body (or of the bullets).
    fn best(&self, text_of: impl Fn(Field) -> String) -> String {
        for generator in &self.generators {
            let snippet = generator.snippet(&text_of(generator.part));
            if !snippet.highlighted().is_empty() {
                return snippet.to_html();
            }
        }
        let body = text_of(Field::Body);
        let text = if body.is_empty() {
            text_of(Field::Bullets)
        } else {
            body
        };
        quick_xml::escape::escape(truncate(&text, SNIPPET_CHARS)).into_owned()
    }
}

/// For a text longer than [`WINDOW_FROM`], the part of it from a little
/// before the first place one of `words` (folded, lower-case) appears as
/// a whole word, compared without regard to ASCII case, to
/// [`WINDOW_AFTER`] bytes after; whole words at both ends. `None` for a
/// short text, or when no word is found that way (a word folded from
/// another spelling, such as `cafe` from `Café`).
fn window<'a>(text: &'a str, words: &[String]) -> Option<&'a str> {
    if text.len() <= WINDOW_FROM || words.is_empty() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let first = words
        .iter()
        .filter(|w| !w.is_empty())
        .filter_map(|w| first_whole_word(&lower, w))
        .min()?;
    let mut start = first.saturating_sub(SNIPPET_CHARS);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    // Back to the start of a word, so the window does not begin inside one.
    start = text[..start]
        .rfind(|c: char| !c.is_alphanumeric())
        .map_or(0, |at| at + 1);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = (first + WINDOW_AFTER).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end < text.len() {
        end = text[..end]
            .rfind(|c: char| !c.is_alphanumeric())
            .filter(|&at| at > first)
            .unwrap_or(end);
    }
    Some(&text[start..end])
}

/// Where `word` first appears in `lower` with no letter or digit on either
/// side.
fn first_whole_word(lower: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = lower[from..].find(word) {
        let at = from + at;
        let end = at + word.len();
        let before = lower[..at].chars().next_back();
        let after = lower[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return Some(at);
        }
        from = at + lower[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The words `query` looks for in `field` (and not under a negation),
/// weighted like tantivy's own generator: rarer words score higher.
fn highlight_terms(
    searcher: &Searcher,
    query: &Query,
    field: Field,
    index_field: tantivy::schema::Field,
    tier: &TierStats,
    staged: &[&Document],
) -> Result<BTreeMap<String, Score>, SearchError> {
    let mut words = Vec::new();
    let mut prefixes = Vec::new();
    collect_positive(query, field, false, &mut words, &mut prefixes);
    for prefix in prefixes {
        words.extend(expand_prefix(searcher, index_field, &prefix)?);
        for doc in staged {
            words.extend(
                doc.terms(field)
                    .filter(|t| t.starts_with(prefix.as_str()))
                    .take(PREFIX_EXPANSIONS)
                    .map(str::to_string),
            );
        }
    }
    let mut terms = BTreeMap::new();
    for word in words {
        let doc_freq = searcher.doc_freq(&Term::from_field_text(index_field, &word))?
            + tier.doc_freq(field, &word);
        terms.insert(word, 1.0 / (1.0 + doc_freq as Score));
    }
    Ok(terms)
}

fn collect_positive(
    query: &Query,
    field: Field,
    negated: bool,
    words: &mut Vec<String>,
    prefixes: &mut Vec<String>,
) {
    let here = |f: &Field| *f == field || *f == Field::Text;
    match query {
        Query::Term { field: f, text } if !negated && here(f) => words.push(text.clone()),
        Query::Phrase { field: f, terms } if !negated && here(f) => {
            words.extend(terms.iter().cloned())
        }
        Query::Prefix { field: f, text } if !negated && here(f) => prefixes.push(text.clone()),
        Query::And(items) | Query::Or(items) => {
            for item in items {
                collect_positive(item, field, negated, words, prefixes);
            }
        }
        Query::Not(inner) => collect_positive(inner, field, !negated, words, prefixes),
        _ => {}
    }
}

/// Indexed words starting with `prefix`, a few per segment.
fn expand_prefix(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    prefix: &str,
) -> Result<Vec<String>, SearchError> {
    let mut words = Vec::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let dictionary: &TermDictionary = index.terms();
        let mut stream = dictionary.range().ge(prefix.as_bytes()).into_stream()?;
        while words.len() < PREFIX_EXPANSIONS && stream.advance() {
            match std::str::from_utf8(stream.key()) {
                Ok(word) if word.starts_with(prefix) => words.push(word.to_string()),
                _ => break,
            }
        }
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    /// Filler of `n` bytes that holds none of the searched words.
    fn filler(n: usize) -> String {
        "Quiet filler sentence here. ".repeat(n / 28 + 1)[..n].to_string()
    }

    #[test]
    fn a_short_text_is_not_cut() {
        assert_eq!(
            window("A short text about Donors.", &words(&["donors"])),
            None
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_whole_word_found() {
        let text = format!(
            "{} startart the Donors met. {}",
            filler(40_000),
            filler(40_000)
        );
        let cut = window(&text, &words(&["art", "donors"])).expect("a window");
        assert!(cut.contains("Donors met"), "{cut}");
        // `art` inside `startart` is not a whole word: the window starts at
        // the word before the first whole `donors`, whole words at both ends.
        assert!(cut.len() <= SNIPPET_CHARS + WINDOW_AFTER, "{}", cut.len());
        assert!(cut.starts_with(|c: char| c.is_alphanumeric()), "{cut}");
        let at = text.find(cut).expect("a part of the text");
        assert!(at == 0 || !text[..at].ends_with(|c: char| c.is_alphanumeric()));
    }

    #[test]
    fn a_word_not_found_as_written_leaves_the_text_whole() {
        let text = format!("{} Café {}", filler(5_000), filler(5_000));
        assert_eq!(window(&text, &words(&["cafe"])), None);
        assert_eq!(window(&text, &words(&[])), None);
    }

    #[test]
    fn a_window_ends_on_characters_not_inside_them() {
        let text = format!("{}donors {}", "éé ".repeat(1_500), "üü ".repeat(1_500));
        let cut = window(&text, &words(&["donors"])).expect("a window");
        assert!(cut.contains("donors"), "{cut}");
        assert!(cut.len() < text.len() / 2, "{}", cut.len());
    }
}
