//! Hit snippets: a short piece of the story with the matched words in
//! `<b>…</b>`, HTML-escaped.

use std::collections::BTreeMap;

use newsterm_query::{Field, Query};
use newsterm_story::text::truncate;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::termdict::TermDictionary;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher, TantivyDocument, Term};

use crate::analyzer::NewstermTokenizer;
use crate::error::SearchError;
use crate::schema::Fields;

/// Characters of story text in a snippet.
const SNIPPET_CHARS: usize = 200;
/// Words a prefix is expanded to for highlighting.
const PREFIX_EXPANSIONS: usize = 32;

/// Snippet makers for one search, tried in order: body, headline, bullets.
pub(crate) struct Snippets {
    generators: Vec<(tantivy::schema::Field, SnippetGenerator)>,
    body: tantivy::schema::Field,
    bullets: tantivy::schema::Field,
}

impl Snippets {
    pub fn new(searcher: &Searcher, query: &Query, fields: &Fields) -> Result<Self, SearchError> {
        let mut generators = Vec::new();
        for (part, index_field) in [
            (Field::Body, fields.body),
            (Field::Headline, fields.headline),
            (Field::Bullets, fields.bullets),
        ] {
            let terms = highlight_terms(searcher, query, part, index_field)?;
            let mut generator = SnippetGenerator::new(
                terms,
                TextAnalyzer::from(NewstermTokenizer::default()),
                index_field,
                SNIPPET_CHARS,
            );
            generator.set_max_num_chars(SNIPPET_CHARS);
            generators.push((index_field, generator));
        }
        Ok(Snippets {
            generators,
            body: fields.body,
            bullets: fields.bullets,
        })
    }

    /// The best snippet of a stored document: the first of body, headline
    /// and bullets with a highlighted word, else the start of the body.
    pub fn of(&self, doc: &TantivyDocument) -> String {
        for (_, generator) in &self.generators {
            let snippet = generator.snippet_from_doc(doc);
            if !snippet.highlighted().is_empty() {
                return snippet.to_html();
            }
        }
        let body = joined(doc, self.body);
        let text = if body.is_empty() {
            joined(doc, self.bullets)
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
) -> Result<BTreeMap<String, Score>, SearchError> {
    let mut words = Vec::new();
    let mut prefixes = Vec::new();
    collect_positive(query, field, false, &mut words, &mut prefixes);
    for prefix in prefixes {
        words.extend(expand_prefix(searcher, index_field, &prefix)?);
    }
    let mut terms = BTreeMap::new();
    for word in words {
        let doc_freq = searcher.doc_freq(&Term::from_field_text(index_field, &word))?;
        if doc_freq > 0 {
            terms.insert(word, 1.0 / (1.0 + doc_freq as Score));
        }
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

fn joined(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    let parts: Vec<&str> = doc.get_all(field).filter_map(|v| v.as_str()).collect();
    parts.join(" ")
}
