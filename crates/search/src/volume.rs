//! Volume over time: how many stories matching a query were published in
//! each bucket of a time range, counted from the `published` fast field
//! without loading a single document.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::PUBLISHED;

/// Equal buckets of `width` seconds, the first starting at `from` (unix
/// seconds); a story published at `t` falls in bucket `(t - from) / width`
/// when that is in `0..count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buckets {
    /// Start of the first bucket, unix seconds.
    pub from: i64,
    /// Width of each bucket, in seconds.
    pub width: i64,
    /// How many buckets.
    pub count: usize,
}

impl Buckets {
    /// The bucket a story published at `t` (unix seconds) falls in.
    pub(crate) fn index(&self, t: i64) -> Option<usize> {
        if t < self.from || self.width <= 0 {
            return None;
        }
        let i = usize::try_from((t - self.from) / self.width).ok()?;
        (i < self.count).then_some(i)
    }
}

/// Counts matching documents per bucket.
pub(crate) struct VolumeCollector(pub Buckets);

pub(crate) struct SegmentVolume {
    buckets: Buckets,
    published: Arc<dyn ColumnValues<DateTime>>,
    counts: Vec<u64>,
}

impl Collector for VolumeCollector {
    type Fruit = Vec<u64>;
    type Child = SegmentVolume;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentVolume> {
        Ok(SegmentVolume {
            buckets: self.0,
            published: reader
                .fast_fields()
                .date(PUBLISHED)?
                .first_or_default_col(DateTime::MIN),
            counts: vec![0; self.0.count],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        let mut total = vec![0; self.0.count];
        for fruit in fruits {
            for (sum, n) in total.iter_mut().zip(fruit) {
                *sum += n;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentVolume {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let t = self.published.get_val(doc).into_timestamp_secs();
        if let Some(i) = self.buckets.index(t) {
            self.counts[i] += 1;
        }
    }

    fn harvest(self) -> Vec<u64> {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_falls_in_its_bucket_and_outside_the_range_in_none() {
        let b = Buckets {
            from: 1000,
            width: 100,
            count: 3,
        };
        assert_eq!(b.index(999), None);
        assert_eq!(b.index(1000), Some(0));
        assert_eq!(b.index(1099), Some(0));
        assert_eq!(b.index(1100), Some(1));
        assert_eq!(b.index(1299), Some(2));
        assert_eq!(b.index(1300), None);
    }
}
