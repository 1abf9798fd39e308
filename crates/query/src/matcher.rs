//! Evaluating a [`Query`] against one story in memory, with the meaning
//! the search index gives it.
//!
//! A [`Document`] is built once per story: every field value from
//! [`story_values`] analyzed as the index analyzes it, and the
//! publication time as [`indexed_time`] stores it. Any number of queries
//! can then be tested against it cheaply, which is what filtered live
//! streams and standing alerts do for every new story.
//!
//! The semantics are those of the tantivy index in `newsterm-search`:
//! [`Field::Text`] searches headline, bullets and body; a prefix matches a
//! token (or a whole keyword value) starting with it; a phrase matches
//! tokens at consecutive positions within one value; a date range is
//! half-open; a negation on its own matches every story its inner query
//! does not.

use rustc_hash::FxHashMap;

use time::OffsetDateTime;

use crate::analysis::tokenize;
use crate::ast::Query;
use crate::dates::indexed_time;
use crate::document::story_values;
use crate::field::Field;

/// Number of [`Field`]s, for per-field tables.
const FIELDS: usize = Field::ALL.len();

/// A story analyzed for matching: per field, its distinct terms in sorted
/// order with the positions where each occurs.
#[derive(Debug, Clone)]
pub struct Document {
    fields: [FieldTerms; FIELDS],
    published: OffsetDateTime,
}

/// The distinct terms of one field, sorted, each with its positions in
/// ascending order.
///
/// Positions are numbered across the whole story and jump by two between
/// values, so tokens of two different values are never consecutive: a
/// phrase never spans two bullets, paragraphs or tags, and the merged
/// [`Field::Text`] keeps the positions of its parts.
#[derive(Debug, Clone, Default)]
struct FieldTerms {
    terms: Vec<Box<str>>,
    positions: Vec<Vec<u32>>,
}

impl FieldTerms {
    fn find(&self, term: &str) -> Option<usize> {
        self.terms.binary_search_by(|t| (**t).cmp(term)).ok()
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        let first = self.terms.partition_point(|t| **t < *prefix);
        self.terms.get(first).is_some_and(|t| t.starts_with(prefix))
    }

    /// Where the words occur one after the other: the start position of
    /// each occurrence of the phrase, in ascending order.
    fn phrase_starts<'a, S: AsRef<str>>(&'a self, words: &[S]) -> impl Iterator<Item = u32> + 'a {
        let mut lists = Vec::with_capacity(words.len());
        for word in words {
            match self.find(word.as_ref()) {
                Some(i) => lists.push(self.positions[i].as_slice()),
                None => {
                    lists.clear();
                    break;
                }
            }
        }
        let (first, rest): (&[u32], Vec<&[u32]>) = match lists.split_first() {
            Some((first, rest)) => (first, rest.to_vec()),
            None => (&[], Vec::new()),
        };
        first.iter().copied().filter(move |&start| {
            rest.iter().zip(1u32..).all(|(list, offset)| {
                start
                    .checked_add(offset)
                    .is_some_and(|p| list.binary_search(&p).is_ok())
            })
        })
    }

    fn has_phrase<S: AsRef<str>>(&self, words: &[S]) -> bool {
        self.phrase_starts(words).next().is_some()
    }

    /// Occurrences of all the field's terms: its length in tokens (text
    /// fields) or values (keyword fields), as the index's field norm
    /// counts it.
    fn len(&self) -> u32 {
        let n: usize = self.positions.iter().map(Vec::len).sum();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

impl Document {
    /// Analyzes a story: text fields tokenized value by value, keyword
    /// fields as their normalized whole values.
    pub fn of(story: &newsterm_story::Story) -> Document {
        // Each distinct string gets a number, so the occurrences sorted
        // below are integers, not strings: a long story has thousands of
        // tokens but only hundreds of distinct ones.
        let mut numbers: FxHashMap<String, u32> = FxHashMap::default();
        let mut number = |text: String| -> u32 {
            if let Some(&n) = numbers.get(&text) {
                return n;
            }
            let n = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
            numbers.insert(text, n);
            n
        };
        // (field, string number, position)
        let mut occurrences: Vec<(u8, u32, u32)> = Vec::new();
        let mut position = 0u32;
        for value in story_values(story) {
            let field = value.field;
            if field.is_keyword() {
                let n = number(value.text.into_owned());
                occurrences.push((field as u8, n, position));
                position = position.saturating_add(2);
                continue;
            }
            let merged = Field::TEXT_PARTS.contains(&field);
            for token in tokenize(&value.text) {
                let n = number(token.text);
                occurrences.push((field as u8, n, position));
                if merged {
                    occurrences.push((Field::Text as u8, n, position));
                }
                position = position.saturating_add(1);
            }
            // The gap keeps a phrase from joining the end of one value to
            // the start of the next.
            position = position.saturating_add(1);
        }

        // Renumber strings in sorted order, so sorting occurrences sorts
        // each field's terms too.
        let mut strings: Vec<(String, u32)> = numbers.into_iter().collect();
        strings.sort_unstable();
        let mut rank = vec![0u32; strings.len()];
        for (r, (_, n)) in (0u32..).zip(&strings) {
            rank[*n as usize] = r;
        }
        for occurrence in &mut occurrences {
            occurrence.1 = rank[occurrence.1 as usize];
        }
        occurrences.sort_unstable();

        let mut fields: [FieldTerms; FIELDS] = Default::default();
        let mut last: Option<(u8, u32)> = None;
        for (field, r, position) in occurrences {
            let terms = &mut fields[usize::from(field)];
            if last == Some((field, r)) {
                if let Some(list) = terms.positions.last_mut() {
                    list.push(position);
                }
            } else {
                terms.terms.push(strings[r as usize].0.as_str().into());
                terms.positions.push(vec![position]);
                last = Some((field, r));
            }
        }
        Document {
            fields,
            published: indexed_time(story.content.published),
        }
    }

    /// The publication time as queries compare it (UTC, whole seconds).
    pub fn published(&self) -> OffsetDateTime {
        self.published
    }

    /// The field's distinct terms in ascending order: tokens for text
    /// fields ([`Field::Text`] merges headline, bullets and body), whole
    /// normalized values for keyword fields.
    pub fn terms(&self, field: Field) -> impl ExactSizeIterator<Item = &str> {
        self.fields[field as usize].terms.iter().map(|t| &**t)
    }

    /// Like [`Document::terms`], each term with the ascending positions
    /// where it occurs. Positions are only comparable within one field;
    /// consecutive positions are consecutive tokens of one value, which
    /// is what a phrase needs.
    pub fn term_positions(&self, field: Field) -> impl ExactSizeIterator<Item = (&str, &[u32])> {
        let terms = &self.fields[field as usize];
        terms
            .terms
            .iter()
            .zip(&terms.positions)
            .map(|(t, p)| (&**t, p.as_slice()))
    }

    /// True when the field holds the token (text fields) or the whole
    /// value (keyword fields) `term`.
    pub fn contains(&self, field: Field, term: &str) -> bool {
        self.fields[field as usize].find(term).is_some()
    }

    /// True when a term of the field starts with `prefix`.
    pub fn contains_prefix(&self, field: Field, prefix: &str) -> bool {
        self.fields[field as usize].has_prefix(prefix)
    }

    /// True when `words` occur at consecutive positions within one value
    /// of the field, as a [`Query::Phrase`] requires. On keyword fields
    /// the words are joined by spaces and compared with whole values; no
    /// words match nothing.
    pub fn contains_phrase<S: AsRef<str>>(&self, field: Field, words: &[S]) -> bool {
        if field.is_keyword() {
            let joined: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
            return !words.is_empty() && self.contains(field, &joined.join(" "));
        }
        self.fields[field as usize].has_phrase(words)
    }

    /// How often `term` occurs in the field (0 when it does not): the
    /// term frequency relevance scoring counts.
    pub fn term_freq(&self, field: Field, term: &str) -> u32 {
        let terms = &self.fields[field as usize];
        terms.find(term).map_or(0, |i| {
            u32::try_from(terms.positions[i].len()).unwrap_or(u32::MAX)
        })
    }

    /// How often `words` occur as a phrase in the field (0 when they do
    /// not, or when there are no words): the phrase frequency relevance
    /// scoring counts.
    pub fn phrase_freq<S: AsRef<str>>(&self, field: Field, words: &[S]) -> u32 {
        let n = self.fields[field as usize].phrase_starts(words).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The field's length: its tokens (text fields, summed over its
    /// values) or its number of values (keyword fields) — what the
    /// index's field norms record.
    pub fn field_len(&self, field: Field) -> u32 {
        self.fields[field as usize].len()
    }

    /// True when the publication time is in `from <= published < to`.
    pub fn published_in(&self, from: Option<OffsetDateTime>, to: Option<OffsetDateTime>) -> bool {
        from.is_none_or(|f| self.published >= f) && to.is_none_or(|t| self.published < t)
    }

    /// True when the story matches `query`: see [`matches`].
    pub fn matches(&self, query: &Query) -> bool {
        matches(query, self)
    }
}

/// True when a search for `query` would find the story `doc` was built
/// from.
pub fn matches(query: &Query, doc: &Document) -> bool {
    match query {
        Query::All => true,
        Query::Term { field, text } => doc.contains(*field, text),
        Query::Prefix { field, text } => doc.contains_prefix(*field, text),
        Query::Phrase { field, terms } => doc.contains_phrase(*field, terms),
        Query::DateRange { from, to } => doc.published_in(*from, *to),
        Query::And(items) => items.iter().all(|q| matches(q, doc)),
        Query::Or(items) => items.iter().any(|q| matches(q, doc)),
        Query::Not(inner) => !matches(inner, doc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse;
    use newsterm_story::{Block, Priority, Story, StoryDraft, Tags};
    use time::macros::datetime;

    fn story() -> Story {
        let content = StoryDraft {
            headline: Some("Quake hits Lisbon coast".into()),
            bullets: vec![
                "Magnitude 6.1 tremor".into(),
                "No casualties reported".into(),
            ],
            body: vec![
                Block::Paragraph("Buildings shook in Lisbon's old town.".into()),
                Block::Subhead("Aftermath".into()),
                Block::Paragraph("Officials said schools reopen Monday.".into()),
            ],
            byline: Some("Ana Lima".into()),
            dateline: Some("LISBON".into()),
            source: Some("Example Wire".into()),
            priority: Some(Priority::Urgent),
            published: Some("2024-05-01T12:00:00.700Z".into()),
            ..Default::default()
        }
        .validate(datetime!(2024-05-01 12:00 UTC))
        .unwrap();
        // A tagged story: one person and one place in Portugal.
        let entity = |kind, name: &str, country: Option<&str>| newsterm_story::tags::Entity {
            country: country.map(str::to_string),
            ..newsterm_story::tags::Entity::mention(kind, 0, 1, name)
        };
        let tags = Tags {
            language: "en".into(),
            tagged: true,
            entities: vec![
                entity(
                    newsterm_story::tags::EntityType::Person,
                    "Marcelo Rebelo de Sousa",
                    None,
                ),
                entity(newsterm_story::tags::EntityType::Loc, "Lisbon", Some("PT")),
            ],
            ..Tags::default()
        };
        Story {
            seq: 1,
            tags,
            ..Story::new(content, datetime!(2024-05-01 12:00 UTC))
        }
    }

    fn check(query: &str) -> bool {
        let q = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        Document::of(&story()).matches(&q)
    }

    #[test]
    fn words_match_headline_bullets_and_body_but_not_other_fields() {
        assert!(check("quake"));
        assert!(check("casualties"));
        assert!(check("schools"));
        assert!(!check("ana"), "the byline is not default text");
        assert!(check("byline:ana"));
        assert!(!check("tsunami"));
    }

    #[test]
    fn fields_restrict_where_a_word_may_be() {
        assert!(check("headline:quake"));
        assert!(!check("headline:schools"));
        assert!(check("bullets:tremor"));
        assert!(check("body:aftermath"));
        assert!(check("person:rebelo"));
        assert!(check("place:lisbon"));
    }

    #[test]
    fn phrases_need_consecutive_words_within_one_value() {
        assert!(check("\"hits lisbon coast\""));
        assert!(!check("\"lisbon hits\""));
        // "tremor" ends one bullet and "No" starts the next.
        assert!(!check("\"tremor no\""));
        // "coast" ends the headline and "Magnitude" starts the bullets.
        assert!(!check("\"coast magnitude\""));
        assert!(check("Lisbon's"));
        assert!(check("person:\"rebelo de sousa\""));
    }

    #[test]
    fn prefixes_match_tokens_and_keyword_values() {
        assert!(check("casual*"));
        assert!(!check("casualtiesx*"));
        assert!(check("source:exam*"));
        assert!(check("source:\"example w\"*"));
        assert!(!check("source:wire*"));
    }

    #[test]
    fn keyword_fields_match_whole_values() {
        assert!(check("source:\"example wire\""));
        assert!(!check("source:example"));
        assert!(check("priority:urgent"));
        assert!(!check("priority:flash"));
        assert!(check("country:pt"));
        assert!(check("lang:en"));
    }

    #[test]
    fn dates_compare_whole_seconds_half_open() {
        assert!(check("published:2024-05-01"));
        assert!(!check("published:2024-05-02"));
        assert!(check("published:<=2024-05-01T12:00:00Z"));
        assert!(!check("published:<2024-05-01T12:00:00Z"));
        assert!(check("published:[2024-04-01 TO 2024-05-01]"));
    }

    #[test]
    fn boolean_operators_and_pure_negation() {
        assert!(check("quake -tsunami"));
        assert!(!check("quake -lisbon"));
        assert!(check("tsunami OR quake"));
        assert!(check("-tsunami"));
        assert!(!check("-quake"));
        assert!(check("(tsunami OR quake) headline:coast"));
        assert!(check(""));
    }

    #[test]
    fn hand_built_degenerate_trees_follow_the_index() {
        let doc = Document::of(&story());
        assert!(!doc.matches(&Query::Or(vec![])));
        assert!(doc.matches(&Query::And(vec![])));
        let empty_phrase = Query::Phrase {
            field: Field::Text,
            terms: vec![],
        };
        assert!(!doc.matches(&empty_phrase));
        let keyword_phrase = Query::Phrase {
            field: Field::Source,
            terms: vec!["example".into(), "wire".into()],
        };
        assert!(doc.matches(&keyword_phrase));
    }

    #[test]
    fn terms_are_distinct_and_sorted() {
        let doc = Document::of(&story());
        let terms: Vec<&str> = doc.terms(Field::Text).collect();
        let mut sorted = terms.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(terms, sorted);
        assert!(terms.contains(&"lisbon"));
        assert_eq!(
            doc.terms(Field::Source).collect::<Vec<_>>(),
            ["example wire"]
        );
    }
}
