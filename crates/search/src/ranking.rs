//! Result order and paging: the sort key every hit gets, and the cursors
//! that continue a result list.

use std::sync::Arc;

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer};
use tantivy::columnar::ColumnValues;
use tantivy::{DateTime, DocId, Score, SegmentReader};

use crate::error::SearchError;
use crate::schema::{ID_HI, ID_LO, PUBLISHED};

/// Where a hit ranks; greater ranks first.
///
/// Compared field by field: score (0 when sorting by time), then the
/// publication time, then the story id, so no two stories tie and pages
/// never overlap.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(crate) struct Rank {
    pub score: Score,
    pub published: i64,
    pub id: u128,
}

/// Ranks matching documents, leaving out (as `None`, which ranks below
/// every hit) those at or above `after` — the last hit of the previous
/// page in a time-sorted search.
pub(crate) struct Ranker {
    pub by_score: bool,
    pub after: Option<Rank>,
}

pub(crate) struct SegmentRanker {
    by_score: bool,
    after: Option<Rank>,
    published: Arc<dyn ColumnValues<DateTime>>,
    id_hi: Arc<dyn ColumnValues<u64>>,
    id_lo: Arc<dyn ColumnValues<u64>>,
}

impl SortKeyComputer for Ranker {
    type SortKey = Option<Rank>;
    type Child = SegmentRanker;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        self.by_score
    }

    fn segment_sort_key_computer(&self, reader: &SegmentReader) -> tantivy::Result<SegmentRanker> {
        let fast = reader.fast_fields();
        Ok(SegmentRanker {
            by_score: self.by_score,
            after: self.after,
            published: fast.date(PUBLISHED)?.first_or_default_col(DateTime::MIN),
            id_hi: fast.u64(ID_HI)?.first_or_default_col(0),
            id_lo: fast.u64(ID_LO)?.first_or_default_col(0),
        })
    }
}

impl SegmentSortKeyComputer for SegmentRanker {
    type SortKey = Option<Rank>;
    type SegmentSortKey = Option<Rank>;
    type SegmentComparator = NaturalComparator;

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> Option<Rank> {
        let rank = Rank {
            score: if self.by_score { score } else { 0.0 },
            published: self.published.get_val(doc).into_timestamp_secs(),
            id: (u128::from(self.id_hi.get_val(doc)) << 64) | u128::from(self.id_lo.get_val(doc)),
        };
        match self.after {
            Some(after) if rank >= after => None,
            _ => Some(rank),
        }
    }

    fn convert_segment_sort_key(&self, key: Option<Rank>) -> Option<Rank> {
        key
    }
}

/// Where the next page starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cursor {
    /// Relevance order: skip this many hits. New stories can shift the
    /// order between pages, which is accepted for relevance.
    Offset(usize),
    /// Time order: hits ranking below this one (search-after), so new
    /// stories never shift or repeat hits.
    After { published: i64, id: u128 },
}

impl Cursor {
    pub fn encode(&self) -> String {
        match self {
            Cursor::Offset(n) => format!("r{n}"),
            Cursor::After { published, id } => {
                format!("t{published}.{}", ulid::Ulid::from(*id))
            }
        }
    }

    pub fn decode(text: &str) -> Result<Cursor, SearchError> {
        let invalid = || SearchError::InvalidCursor(text.chars().take(60).collect());
        if let Some(n) = text.strip_prefix('r') {
            return n.parse().map(Cursor::Offset).map_err(|_| invalid());
        }
        let rest = text.strip_prefix('t').ok_or_else(invalid)?;
        let (published, id) = rest.split_once('.').ok_or_else(invalid)?;
        Ok(Cursor::After {
            published: published.parse().map_err(|_| invalid())?,
            id: ulid::Ulid::from_string(id).map_err(|_| invalid())?.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for cursor in [
            Cursor::Offset(0),
            Cursor::Offset(40),
            Cursor::After {
                published: -5,
                id: u128::MAX,
            },
            Cursor::After {
                published: 1_714_564_800,
                id: 42,
            },
        ] {
            assert_eq!(Cursor::decode(&cursor.encode()).ok(), Some(cursor));
        }
    }

    #[test]
    fn garbage_cursors_are_refused() {
        for text in [
            "",
            "x",
            "r-1",
            "t12",
            "t12.nope",
            "tabc.01HX0000000000000000000000",
        ] {
            assert!(
                matches!(Cursor::decode(text), Err(SearchError::InvalidCursor(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn ranks_order_by_score_then_time_then_id() {
        let r = |score, published, id| Rank {
            score,
            published,
            id,
        };
        assert!(r(2.0, 0, 0) > r(1.0, 9, 9));
        assert!(r(1.0, 5, 0) > r(1.0, 4, 9));
        assert!(r(1.0, 5, 2) > r(1.0, 5, 1));
        assert!(Some(r(0.0, 0, 0)) > None);
    }
}
