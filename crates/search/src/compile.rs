//! Compiling a [`newsterm_query::Query`] into tantivy queries.

use std::ops::Bound;

use newsterm_query::{Field, Query};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query as TantivyQuery,
    RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use crate::analyzer::{is_indexed_pair, word_pair};
use crate::pair_phrase::PairPhraseQuery;
use crate::schema::Fields;

/// How much more a match in the headline counts than one in the bullets
/// or body, for words without a field.
pub(crate) const HEADLINE_BOOST: f32 = 2.0;

type Compiled = Box<dyn TantivyQuery>;

/// The tantivy query matching exactly the stories `query` matches.
pub(crate) fn compile(query: &Query, fields: &Fields) -> Compiled {
    match query {
        Query::All => Box::new(AllQuery),
        Query::Term { field, text } => on_field(*field, fields, |f, _| term(f, *field, text)),
        Query::Prefix { field, text } => on_field(*field, fields, |f, _| prefix(f, text)),
        Query::Phrase { field, terms } => on_field(*field, fields, |f, part| {
            phrase(f, fields.pairs(part), part, terms)
        }),
        Query::DateRange { from, to } => date_range(fields.published, *from, *to),
        Query::And(items) => {
            let mut clauses: Vec<(Occur, Compiled)> = items
                .iter()
                .map(|item| match item {
                    Query::Not(inner) => (Occur::MustNot, compile(inner, fields)),
                    positive => (Occur::Must, compile(positive, fields)),
                })
                .collect();
            if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Query::Or(items) if items.is_empty() => Box::new(EmptyQuery),
        Query::Or(items) => Box::new(BooleanQuery::new(
            items
                .iter()
                .map(|item| (Occur::Should, compile(item, fields)))
                .collect(),
        )),
        // Tantivy's MustNot only removes matches, so a negation on its own
        // removes from everything.
        Query::Not(inner) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery)),
            (Occur::MustNot, compile(inner, fields)),
        ])),
    }
}

/// Whether `query`'s matches are better counted in a pass of their own
/// than during the pass that ranks them by score: tantivy ranks a lone
/// word's matches without visiting them all (block-WAND over its posting
/// lists) and counts them, or all stories, without scoring any. Every
/// other query's ranking pass visits each match.
pub(crate) fn counts_apart(query: &Query) -> bool {
    matches!(query, Query::Term { .. } | Query::All)
}

/// `build` on the field's index field, or on each of headline, bullets
/// and body for [`Field::Text`]; `build` is given the query field too.
fn on_field(
    field: Field,
    fields: &Fields,
    build: impl Fn(tantivy::schema::Field, Field) -> Compiled,
) -> Compiled {
    if let Some(index_field) = fields.get(field) {
        return build(index_field, field);
    }
    let parts = Field::TEXT_PARTS
        .iter()
        .filter_map(|&part| fields.get(part).map(|f| (part, f)))
        .map(|(part, f)| {
            let query = build(f, part);
            let query: Compiled = if part == Field::Headline {
                Box::new(BoostQuery::new(query, HEADLINE_BOOST))
            } else {
                query
            };
            (Occur::Should, query)
        })
        .collect();
    Box::new(BooleanQuery::new(parts))
}

fn term(index_field: tantivy::schema::Field, field: Field, text: &str) -> Compiled {
    // Keyword fields index no frequencies: a value is there or not.
    let record = if field.is_keyword() {
        IndexRecordOption::Basic
    } else {
        IndexRecordOption::WithFreqs
    };
    Box::new(TermQuery::new(
        Term::from_field_text(index_field, text),
        record,
    ))
}

/// Every term starting with `text`, as the range [text, successor): exact,
/// with no pattern syntax for the text to break.
fn prefix(index_field: tantivy::schema::Field, text: &str) -> Compiled {
    let lower = Bound::Included(Term::from_field_text(index_field, text));
    let upper = match prefix_successor(text) {
        Some(next) => Bound::Excluded(Term::from_field_text(index_field, &next)),
        None => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(lower, upper))
}

/// The smallest string greater than every string starting with `prefix`,
/// or `None` when there is none (an empty prefix, or only `char::MAX`).
fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => 0xE000,
            n => n,
        };
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// A phrase in `index_field`. Two [`crate::analyzer::PAIR_WORDS`] in a
/// field with a pair field (`pairs`) are one pair term there
/// ([`PairPhraseQuery`]); any other phrase reads its words' positions.
fn phrase(
    index_field: tantivy::schema::Field,
    pairs: Option<tantivy::schema::Field>,
    field: Field,
    terms: &[String],
) -> Compiled {
    if field.is_keyword() {
        return term(index_field, field, &terms.join(" "));
    }
    let word = |t: &String| Term::from_field_text(index_field, t);
    match (terms, pairs) {
        ([], _) => Box::new(EmptyQuery),
        ([one], _) => term(index_field, field, one),
        ([first, second], Some(pairs)) if is_indexed_pair(first, second) => {
            Box::new(PairPhraseQuery::new(
                Term::from_field_text(pairs, &word_pair(first, second)),
                [word(first), word(second)],
            ))
        }
        _ => Box::new(PhraseQuery::new(terms.iter().map(word).collect())),
    }
}

fn date_range(
    published: tantivy::schema::Field,
    from: Option<time::OffsetDateTime>,
    to: Option<time::OffsetDateTime>,
) -> Compiled {
    let bound = |t: Option<time::OffsetDateTime>, inclusive: bool| match t {
        None => Bound::Unbounded,
        Some(t) => {
            let term = Term::from_field_date(published, DateTime::from_utc(t));
            if inclusive {
                Bound::Included(term)
            } else {
                Bound::Excluded(term)
            }
        }
    };
    if from.is_none() && to.is_none() {
        return Box::new(AllQuery);
    }
    // A date range filters; it adds nothing to relevance. (Left at its
    // constant 1, it would add 1 or 0 depending on whether it happens to
    // cover all of a segment's dates, which tantivy optimizes away.)
    Box::new(BoostQuery::new(
        Box::new(RangeQuery::new(bound(from, true), bound(to, false))),
        0.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_successor_bounds_exactly_the_strings_with_the_prefix() {
        assert_eq!(prefix_successor("pu").as_deref(), Some("pv"));
        assert_eq!(prefix_successor("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_successor("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(prefix_successor(""), None);
        assert_eq!(prefix_successor("\u{10FFFF}"), None);
        let upper = prefix_successor("pu").unwrap_or_default();
        for inside in ["pu", "pub", "pu\u{10FFFF}", "puzzle"] {
            assert!(inside >= "pu" && inside < upper.as_str(), "{inside}");
        }
        for outside in ["pt", "pv", "p", "q"] {
            assert!(!(outside >= "pu" && outside < upper.as_str()), "{outside}");
        }
    }
}
