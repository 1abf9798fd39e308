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

/// Snippet makers for one search, tried in order: body, headline, bullets.
pub(crate) struct Snippets {
    generators: Vec<(Field, SnippetGenerator)>,
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
            let mut generator = SnippetGenerator::new(
                terms,
                TextAnalyzer::from(NewstermTokenizer::default()),
                index_field,
                SNIPPET_CHARS,
            );
            generator.set_max_num_chars(SNIPPET_CHARS);
            generators.push((part, generator));
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
        for (part, generator) in &self.generators {
            let snippet = generator.snippet(&text_of(*part));
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
