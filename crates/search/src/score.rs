//! Relevance of staged stories, computed as the index computes it.
//!
//! [`crate::compile`] turns a query into tantivy queries whose scores are
//! BM25 for terms and phrases, constants for prefixes, ranges and
//! negations, sums for AND and OR, and a boost on headline words.
//! [`Plan`] mirrors that tree for a [`Document`] held in memory, with the
//! same [`Bm25Weight`]s built from the same statistics ([`Stats`]: the
//! index's plus the staged tier's), so a staged story gets the score it
//! will have once indexed.

use newsterm_query::{Document, Field, Query};
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight};
use tantivy::{Score, Searcher, Term};

use crate::compile::HEADLINE_BOOST;
use crate::schema::Fields;
use crate::staged::TierStats;

/// BM25 statistics over the index and the staged tier together.
pub(crate) struct Stats<'a> {
    pub searcher: &'a Searcher,
    pub tier: &'a TierStats,
    pub fields: &'a Fields,
}

impl Bm25StatisticsProvider for Stats<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        let staged = self
            .fields
            .query_field(field)
            .map_or(0, |f| self.tier.tokens[f as usize]);
        Ok(self.searcher.total_num_tokens(field)? + staged)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(Bm25StatisticsProvider::total_num_docs(self.searcher)? + self.tier.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let staged = match (self.fields.query_field(term.field()), term.value().as_str()) {
            (Some(field), Some(text)) => self.tier.doc_freq(field, text),
            _ => 0,
        };
        Ok(self.searcher.doc_freq(term)? + staged)
    }
}

/// A query prepared for scoring staged documents.
pub(crate) enum Plan {
    /// Every story, as tantivy's `AllQuery`: a clause that tantivy drops
    /// from an AND when other clauses are there (it filters nothing), so
    /// it scores 1 only on its own, and at most 1 in an OR.
    Everything,
    Never,
    Term {
        field: Field,
        text: String,
        weight: Bm25Weight,
    },
    Prefix {
        field: Field,
        text: String,
        boost: Score,
    },
    Phrase {
        field: Field,
        terms: Vec<String>,
        weight: Bm25Weight,
    },
    Range(Option<time::OffsetDateTime>, Option<time::OffsetDateTime>),
    /// Matches when any part does; scores their sum.
    Any(Vec<Plan>),
    /// Matches when every `must` does and no `must_not`; scores the sum
    /// of `must` (1 when there is none, as the index adds "everything").
    All {
        must: Vec<Plan>,
        must_not: Vec<Plan>,
    },
}

impl Plan {
    pub fn new(query: &Query, stats: &Stats<'_>) -> Result<Plan, tantivy::TantivyError> {
        Ok(match query {
            Query::All => Plan::Everything,
            Query::Term { field, text } => {
                on_field(*field, |f, boost| term(stats, f, text, boost))?
            }
            Query::Prefix { field, text } => on_field(*field, |f, boost| {
                Ok(Plan::Prefix {
                    field: f,
                    text: text.clone(),
                    boost,
                })
            })?,
            Query::Phrase { field, terms } => {
                on_field(*field, |f, boost| phrase(stats, f, terms, boost))?
            }
            Query::DateRange {
                from: None,
                to: None,
            } => Plan::Everything,
            Query::DateRange { from, to } => Plan::Range(*from, *to),
            Query::And(items) => {
                let mut must = Vec::new();
                let mut must_not = Vec::new();
                for item in items {
                    match item {
                        Query::Not(inner) => must_not.push(Plan::new(inner, stats)?),
                        positive => must.push(Plan::new(positive, stats)?),
                    }
                }
                let everything = must.iter().all(|p| matches!(p, Plan::Everything));
                if everything && must_not.is_empty() {
                    // tantivy answers this with its all-documents scorer.
                    Plan::Everything
                } else {
                    Plan::All { must, must_not }
                }
            }
            Query::Or(items) if items.is_empty() => Plan::Never,
            Query::Or(items) => Plan::Any(
                items
                    .iter()
                    .map(|item| Plan::new(item, stats))
                    .collect::<Result<_, _>>()?,
            ),
            Query::Not(inner) => Plan::All {
                must: vec![],
                must_not: vec![Plan::new(inner, stats)?],
            },
        })
    }

    /// The document's score, `None` when it does not match.
    pub fn score(&self, doc: &Document) -> Option<Score> {
        match self {
            Plan::Everything => Some(1.0),
            Plan::Never => None,
            Plan::Term {
                field,
                text,
                weight,
            } => {
                let freq = doc.term_freq(*field, text);
                // Keyword fields index no frequencies: a value counts once.
                let freq = if field.is_keyword() {
                    freq.min(1)
                } else {
                    freq
                };
                (freq > 0).then(|| weight.score(norm_id(doc, *field), freq))
            }
            Plan::Prefix { field, text, boost } => {
                doc.contains_prefix(*field, text).then_some(*boost)
            }
            Plan::Phrase {
                field,
                terms,
                weight,
            } => {
                let freq = doc.phrase_freq(*field, terms);
                (freq > 0).then(|| weight.score(norm_id(doc, *field), freq))
            }
            // Date ranges filter and do not score (see `compile`).
            Plan::Range(from, to) => doc.published_in(*from, *to).then_some(0.0),
            Plan::Any(parts) => {
                let everything = parts.iter().any(|p| matches!(p, Plan::Everything));
                let sum = parts
                    .iter()
                    .filter(|p| !matches!(p, Plan::Everything))
                    .filter_map(|p| p.score(doc))
                    .reduce(|a, b| a + b);
                match (sum, everything) {
                    (Some(sum), true) => Some(sum + 1.0),
                    (None, true) => Some(1.0),
                    (sum, false) => sum,
                }
            }
            Plan::All { must, must_not } => {
                if must_not.iter().any(|p| p.score(doc).is_some()) {
                    return None;
                }
                // Everything-clauses filter nothing; tantivy drops them
                // unless nothing else is left.
                let mut sum = None;
                for p in must.iter().filter(|p| !matches!(p, Plan::Everything)) {
                    sum = Some(sum.unwrap_or(0.0) + p.score(doc)?);
                }
                Some(sum.unwrap_or(1.0))
            }
        }
    }
}

fn norm_id(doc: &Document, field: Field) -> u8 {
    tantivy::fieldnorm::FieldNormReader::fieldnorm_to_id(doc.field_len(field))
}

/// `build` on the field, or a sum over headline (boosted), bullets and
/// body for [`Field::Text`], as the index compiles it.
fn on_field(
    field: Field,
    build: impl Fn(Field, Score) -> Result<Plan, tantivy::TantivyError>,
) -> Result<Plan, tantivy::TantivyError> {
    if field != Field::Text {
        return build(field, 1.0);
    }
    let parts = Field::TEXT_PARTS
        .iter()
        .map(|&part| {
            let boost = if part == Field::Headline {
                HEADLINE_BOOST
            } else {
                1.0
            };
            build(part, boost)
        })
        .collect::<Result<_, _>>()?;
    Ok(Plan::Any(parts))
}

fn term(
    stats: &Stats<'_>,
    field: Field,
    text: &str,
    boost: Score,
) -> Result<Plan, tantivy::TantivyError> {
    let Some(index_field) = stats.fields.get(field) else {
        return Ok(Plan::Never);
    };
    let weight = Bm25Weight::for_terms(stats, &[Term::from_field_text(index_field, text)])?;
    Ok(Plan::Term {
        field,
        text: text.to_string(),
        weight: weight.boost_by(boost),
    })
}

fn phrase(
    stats: &Stats<'_>,
    field: Field,
    terms: &[String],
    boost: Score,
) -> Result<Plan, tantivy::TantivyError> {
    if field.is_keyword() {
        return term(stats, field, &terms.join(" "), boost);
    }
    match terms {
        [] => Ok(Plan::Never),
        [one] => term(stats, field, one, boost),
        _ => {
            let Some(index_field) = stats.fields.get(field) else {
                return Ok(Plan::Never);
            };
            let terms_of: Vec<Term> = terms
                .iter()
                .map(|t| Term::from_field_text(index_field, t))
                .collect();
            let weight = Bm25Weight::for_terms(stats, &terms_of)?;
            Ok(Plan::Phrase {
                field,
                terms: terms.to_vec(),
                weight: weight.boost_by(boost),
            })
        }
    }
}
