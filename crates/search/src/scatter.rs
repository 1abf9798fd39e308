//! One search over an archive split into several indexes (time
//! partitions, on one machine or many): scattered to each, gathered into
//! the page a single index holding them all would answer.
//!
//! Relevance needs the whole archive's statistics (how many stories, how
//! long they are, how many hold each word), so a scattered search runs in
//! two phases: each partition reports [`SearchIndex::query_stats`] for the
//! query, and each is then searched with
//! [`SearchIndex::search_with_stats`] given the others' statistics
//! summed. [`gather`] merges the pages by the order one index ranks in
//! (score, then publication time, then story id) and sums the totals; a
//! partition outside [`published_bounds`] of the query holds no match and
//! need not be searched in the second phase.
//!
//! A [`StatsTally`] counts the same statistics of stories that are in no
//! index (for a fixed set of queries), so that a partition can be
//! searched as part of an archive of which only it was built: what a
//! simulation of a large archive's partitions needs.
//!
//! [`SearchIndex::query_stats`]: crate::SearchIndex::query_stats
//! [`SearchIndex::search_with_stats`]: crate::SearchIndex::search_with_stats

use std::collections::HashMap;

use newsterm_api::{SearchHit, SearchResponse};
use newsterm_query::{Document, Field, Query};
use newsterm_story::Story;
use time::OffsetDateTime;

use crate::index::query_words;
use crate::staged::{TierStats, scored_fields};

/// The BM25 statistics of one query's words in one or more indexes:
/// stories, tokens per field, and the stories holding each word.
#[derive(Debug, Clone, Default)]
pub struct QueryStats(pub(crate) TierStats);

impl QueryStats {
    /// Counts `other`'s stories here too.
    pub fn add(&mut self, other: &QueryStats) {
        self.0.merge(&other.0);
    }

    /// Stories counted.
    pub fn docs(&self) -> u64 {
        self.0.docs
    }
}

/// The BM25 statistics [`crate::SearchIndex::query_stats`] would
/// report for a fixed set of queries if the stories counted here were
/// indexed, without indexing them: each story is analyzed as the index
/// analyzes it, and only the document frequencies of the queries' words
/// are kept.
#[derive(Debug, Clone, Default)]
pub struct StatsTally {
    docs: u64,
    tokens: [u64; Field::ALL.len()],
    /// Stories holding each word of the queries, per field.
    doc_freq: [HashMap<String, u64>; Field::ALL.len()],
}

impl StatsTally {
    /// An empty tally counting the words of `queries`.
    pub fn new<'a>(queries: impl IntoIterator<Item = &'a Query>) -> StatsTally {
        let mut tally = StatsTally::default();
        let mut words = Vec::new();
        for query in queries {
            query_words(query, &mut words);
        }
        for (field, word) in words {
            tally.doc_freq[field as usize].insert(word, 0);
        }
        tally
    }

    /// Counts `story`, as indexing it would.
    pub fn add(&mut self, story: &Story) {
        if story.is_withdrawn() {
            return;
        }
        let doc = Document::of(story);
        self.docs += 1;
        for field in scored_fields() {
            self.tokens[field as usize] += u64::from(doc.field_len(field));
            let counted = &mut self.doc_freq[field as usize];
            for term in doc.terms(field) {
                if let Some(n) = counted.get_mut(term) {
                    *n += 1;
                }
            }
        }
    }

    /// Adds what `other` counted (over the same queries).
    pub fn merge(&mut self, other: &StatsTally) {
        self.docs += other.docs;
        for (mine, theirs) in self.tokens.iter_mut().zip(other.tokens) {
            *mine += theirs;
        }
        for (mine, theirs) in self.doc_freq.iter_mut().zip(&other.doc_freq) {
            for (word, n) in theirs {
                *mine.entry(word.clone()).or_default() += n;
            }
        }
    }

    /// Stories counted.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// An estimate of the statistics of `stories` stories drawn like the
    /// ones counted (a sample of them): `stories` documents, and tokens
    /// and document frequencies scaled in proportion.
    pub fn scaled(&self, stories: u64) -> StatsTally {
        if self.docs == 0 || self.docs == stories {
            return StatsTally {
                docs: if self.docs == 0 { 0 } else { stories },
                ..self.clone()
            };
        }
        let factor = stories as f64 / self.docs as f64;
        let scale = |n: u64| (n as f64 * factor).round() as u64;
        StatsTally {
            docs: stories,
            tokens: self.tokens.map(scale),
            doc_freq: self
                .doc_freq
                .clone()
                .map(|words| words.into_iter().map(|(w, n)| (w, scale(n))).collect()),
        }
    }

    /// The statistics of `query` (one of the queries this tally was made
    /// for) over the stories counted.
    pub fn query_stats(&self, query: &Query) -> QueryStats {
        let mut stats = TierStats::default();
        stats.docs = self.docs;
        stats.tokens = self.tokens;
        let mut words = Vec::new();
        query_words(query, &mut words);
        for (field, word) in words {
            let n = self.doc_freq[field as usize]
                .get(&word)
                .copied()
                .unwrap_or(0);
            stats.set_doc_freq(field, &word, n);
        }
        QueryStats(stats)
    }
}

/// The first `limit` hits of the pages one query's partitions answered,
/// in the order one index holding every partition ranks them (score,
/// then the newer publication, then the greater story id), with their
/// totals summed. The pages must be first pages of at least `limit`
/// hits each; the answer has no cursor.
pub fn gather(pages: impl IntoIterator<Item = SearchResponse>, limit: usize) -> SearchResponse {
    let mut total = 0;
    let mut hits: Vec<(Key, SearchHit)> = Vec::new();
    for page in pages {
        total += page.total;
        hits.extend(page.hits.into_iter().map(|hit| (Key::of(&hit), hit)));
    }
    hits.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    hits.truncate(limit);
    SearchResponse {
        total,
        hits: hits.into_iter().map(|(_, hit)| hit).collect(),
        next_cursor: None,
    }
}

/// A hit's place in a ranking, as the index ranks it
/// (`crate::ranking::Rank`): times to the second, ids as numbers.
#[derive(PartialEq, PartialOrd)]
struct Key {
    score: f32,
    published: i64,
    id: u128,
}

impl Key {
    fn of(hit: &SearchHit) -> Key {
        Key {
            score: hit.score,
            published: hit.published.unix_timestamp(),
            id: hit.id.into(),
        }
    }
}

/// The publication times every story matching `query` lies within, as
/// a half-open range (`None`: unbounded on that side). A partition whose
/// stories all lie outside it holds no match. Only the query's date
/// ranges bound it; a query without one is unbounded.
pub fn published_bounds(query: &Query) -> (Option<OffsetDateTime>, Option<OffsetDateTime>) {
    match query {
        Query::DateRange { from, to } => (*from, *to),
        // Every item must match: the narrowest of their bounds.
        Query::And(items) => items.iter().map(published_bounds).fold(
            (None, None),
            |(from, to), (item_from, item_to)| {
                (
                    from.max(item_from),
                    match (to, item_to) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                )
            },
        ),
        // Any item may match: the widest, bounded only when all are.
        Query::Or(items) if !items.is_empty() => {
            let bounds: Vec<_> = items.iter().map(published_bounds).collect();
            let from = bounds
                .iter()
                .map(|b| b.0)
                .collect::<Option<Vec<_>>>()
                .and_then(|f| f.into_iter().min());
            let to = bounds
                .iter()
                .map(|b| b.1)
                .collect::<Option<Vec<_>>>()
                .and_then(|t| t.into_iter().max());
            (from, to)
        }
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn bounds_come_from_date_ranges_only() {
        let q = |text: &str| newsterm_query::parse(text).expect("a valid query");
        assert_eq!(published_bounds(&q("oil -opec")), (None, None));
        let (from, to) = published_bounds(&q("oil published:[2024-01-01 TO 2024-01-31]"));
        assert_eq!(from, Some(datetime!(2024-01-01 0:00 UTC)));
        assert_eq!(to, Some(datetime!(2024-02-01 0:00 UTC)));
        // Either side of an OR may match: unbounded when one side is.
        assert_eq!(
            published_bounds(&q("published:>=2024-01-01 OR oil")),
            (None, None)
        );
        // A negated range bounds nothing.
        assert_eq!(
            published_bounds(&q("oil -published:>=2024-01-01")),
            (None, None)
        );
    }
}
