//! How far back a search for the newest matches of a query looks.
//!
//! Ranking matches by time visits every one of them: the newest 80 of
//! `priority:urgent` in a million stories read the time of 90,000. So
//! the newest matches are looked for among recent stories first: a
//! window of the last days, read from [`Fields::published_day`], whose
//! matches are the newest of all whenever it holds a page of them (every
//! story outside it was published earlier). It is sized in stories,
//! from the query's words' document frequencies, as if its matches were
//! spread evenly among the archive's stories, and laid over the days
//! from the stories each day holds ([`DayCountCache`]), so gaps and
//! busy days in the archive do not throw it off; it is widened while it
//! falls short. A query whose matches are few enough is answered in one
//! pass over them all, as before.
//!
//! [`Fields::published_day`]: crate::schema::Fields::published_day

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use newsterm_query::{Field, Query};
use tantivy::index::SegmentId;
use tantivy::{Searcher, SegmentReader, Term, u64_to_i64};

use crate::scatter::published_bounds;
use crate::schema::{Fields, published_day};

/// The first window is sized to hold this many times the matches wanted,
/// were they spread evenly among the archive's stories: the estimate
/// counts stories that hold each word, not the query's matches.
const HEADROOM: u64 = 2;

/// Windows tried before the whole archive is searched.
pub(crate) const MAX_WINDOWS: usize = 4;

/// The days a window spans: stories published on day `first` or later
/// and, when `last` is set, on day `last` or earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Days {
    pub first: i64,
    pub last: Option<i64>,
}

impl Days {
    /// Whether a story published on `day` is in the window.
    pub fn holds(&self, day: i64) -> bool {
        day >= self.first && self.last.is_none_or(|last| day <= last)
    }
}

/// Stories a day in the index, oldest day first, as the `published_day`
/// term dictionaries count them (deleted stories included).
pub(crate) type DayCounts = Arc<Vec<(i64, u64)>>;

/// [`DayCounts`] of the index a searcher sees, kept between searches: a
/// segment never changes, so its counts are read once, and their sum
/// once per commit.
#[derive(Default)]
pub(crate) struct DayCountCache {
    cached: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    segments: HashMap<SegmentId, DayCounts>,
    /// The sum of `segments`' counts.
    by_day: BTreeMap<i64, u64>,
    /// The searcher generation `segments` are those of, and `by_day` as
    /// a list.
    generation: Option<u64>,
    total: DayCounts,
}

impl DayCountCache {
    /// The stories a day in what `searcher` sees.
    ///
    /// A commit adds a small segment or two, and a merge swaps segments
    /// for one: only the segments that came or went are read and added
    /// or taken off, so a steady publisher's commits cost little here.
    pub fn of(&self, searcher: &Searcher, fields: &Fields) -> tantivy::Result<DayCounts> {
        let generation = searcher.generation().generation_id();
        let mut guard = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        let cached = &mut *guard;
        if cached.generation == Some(generation) {
            return Ok(cached.total.clone());
        }
        let mut live = HashMap::new();
        for segment in searcher.segment_readers() {
            let id = segment.segment_id();
            let counts = match cached.segments.remove(&id) {
                Some(counts) => counts,
                None => {
                    let counts = segment_day_counts(segment, fields)?;
                    for &(day, n) in counts.iter() {
                        *cached.by_day.entry(day).or_default() += n;
                    }
                    counts
                }
            };
            live.insert(id, counts);
        }
        // What is left is gone from the index (merged or emptied).
        for counts in cached.segments.values() {
            for &(day, n) in counts.iter() {
                if let Some(sum) = cached.by_day.get_mut(&day) {
                    *sum = sum.saturating_sub(n);
                    if *sum == 0 {
                        cached.by_day.remove(&day);
                    }
                }
            }
        }
        cached.segments = live;
        cached.generation = Some(generation);
        cached.total = Arc::new(cached.by_day.iter().map(|(&d, &n)| (d, n)).collect());
        Ok(cached.total.clone())
    }
}

/// A segment's stories a day, read from its term dictionary (each day is
/// one term, its document frequency the day's stories).
fn segment_day_counts(segment: &SegmentReader, fields: &Fields) -> tantivy::Result<DayCounts> {
    let index = segment.inverted_index(fields.published_day)?;
    let mut terms = index.terms().stream()?;
    let mut counts = Vec::new();
    while terms.advance() {
        // An i64 term is its order-preserving u64, big-endian.
        if let Ok(bytes) = <[u8; 8]>::try_from(terms.key()) {
            let day = u64_to_i64(u64::from_be_bytes(bytes));
            counts.push((day, u64::from(terms.value().doc_freq)));
        }
    }
    Ok(Arc::new(counts))
}

/// The recent windows a search for the newest `want` matches of a query
/// tries, newest day first, each holding more of the archive's stories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Windows {
    counts: DayCounts,
    /// The days of `counts` a match can have: `counts[oldest..newest]`.
    oldest: usize,
    newest: usize,
    /// The query's own last day, when it ends before the newest story:
    /// the windows stop there. Otherwise they are open-ended, as a story
    /// published after the counts were taken belongs in them.
    last: Option<i64>,
    /// Stories the next window holds at least.
    stories: u64,
}

impl Windows {
    /// The windows for the newest `want` matches of `query` published on
    /// day `before` or earlier (a cursor's; `None`: any day), or `None`
    /// when a window would hold half the stories the query can match
    /// among or more, so one pass over every match costs about as
    /// little. `counts` are the stories a day where `searcher` looks.
    pub fn plan(
        query: &Query,
        searcher: &Searcher,
        fields: &Fields,
        counts: DayCounts,
        want: usize,
        before: Option<i64>,
    ) -> tantivy::Result<Option<Windows>> {
        let docs: u64 = counts.iter().map(|&(_, n)| n).sum();
        if want == 0 || docs == 0 {
            return Ok(None);
        }
        let (from, to) = date_bounds(query);
        let to = match (to, before) {
            (Some(to), Some(before)) => Some(to.min(before)),
            (to, before) => to.or(before),
        };
        let oldest = counts.partition_point(|&(day, _)| from.is_some_and(|f| day < f));
        let newest = counts.partition_point(|&(day, _)| to.is_none_or(|t| day <= t));
        let among: u64 = counts[oldest..newest.max(oldest)]
            .iter()
            .map(|&(_, n)| n)
            .sum();
        let matches = matches_at_most(query, searcher, fields, docs)?.max(1);
        // Stories holding HEADROOM × want matches, were the matches
        // spread evenly among the archive's stories.
        let stories = (HEADROOM * want as u64).saturating_mul(docs) / matches;
        if stories.saturating_mul(2) >= among {
            return Ok(None);
        }
        let last = to.filter(|&t| counts.last().is_some_and(|&(day, _)| t < day));
        Ok(Some(Windows {
            counts,
            oldest,
            newest,
            last,
            stories,
        }))
    }

    /// The next window: the newest days holding [`Windows::stories`];
    /// `None` once that takes every day a match can have (the whole
    /// archive is the window then).
    pub fn next_window(&self) -> Option<Days> {
        let mut held = 0u64;
        for i in (self.oldest..self.newest).rev() {
            let (day, count) = self.counts[i];
            held += count;
            if held >= self.stories {
                return (i > self.oldest).then_some(Days {
                    first: day,
                    last: self.last,
                });
            }
        }
        None
    }

    /// Widens the window after it held `found` of the `want` matches:
    /// by as much as would have held them twice over, between 2 and 16
    /// times, or 8 times when it held none.
    pub fn widen(&mut self, found: usize, want: usize) {
        let factor = if found == 0 {
            8
        } else {
            (HEADROOM as usize * want).div_ceil(found).clamp(2, 16)
        };
        self.stories = self.stories.saturating_mul(factor as u64);
    }
}

/// The days of the earliest and latest publication `query` can match,
/// when its date ranges bound them (`None` for an open side).
fn date_bounds(query: &Query) -> (Option<i64>, Option<i64>) {
    let (from, to) = published_bounds(query);
    (
        from.map(|f| published_day(f.unix_timestamp())),
        // `to` is exclusive.
        to.map(|t| published_day(t.unix_timestamp() - 1)),
    )
}

/// At least as many stories as `query` matches among the `docs` indexed:
/// the stories holding its rarest required word, read from the term
/// dictionaries.
fn matches_at_most(
    query: &Query,
    searcher: &Searcher,
    fields: &Fields,
    docs: u64,
) -> tantivy::Result<u64> {
    let holding = |field: Field, word: &str| -> tantivy::Result<u64> {
        let mut sum = 0;
        for &part in field.parts() {
            if let Some(index_field) = fields.get(part) {
                sum += searcher.doc_freq(&Term::from_field_text(index_field, word))?;
            }
        }
        Ok(sum.min(docs))
    };
    Ok(match query {
        Query::Term { field, text } => holding(*field, text)?,
        Query::Phrase { field, terms } if field.is_keyword() => holding(*field, &terms.join(" "))?,
        Query::Phrase { field, terms } => {
            let mut least = docs;
            for word in terms {
                least = least.min(holding(*field, word)?);
            }
            least
        }
        Query::And(items) => {
            let mut least = docs;
            for item in items.iter().filter(|i| !matches!(i, Query::Not(_))) {
                least = least.min(matches_at_most(item, searcher, fields, docs)?);
            }
            least
        }
        Query::Or(items) => {
            let mut sum = 0u64;
            for item in items {
                sum = sum.saturating_add(matches_at_most(item, searcher, fields, docs)?);
            }
            sum.min(docs)
        }
        Query::All | Query::Prefix { .. } | Query::DateRange { .. } | Query::Not(_) => docs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten stories a day on days 0–9, none on 10–19 (a gap), one a day
    /// on 20–29.
    fn counts() -> DayCounts {
        let busy = (0..10).map(|d| (d, 10));
        let quiet = (20..30).map(|d| (d, 1));
        Arc::new(busy.chain(quiet).collect())
    }

    fn windows(stories: u64, last: Option<i64>) -> Windows {
        let counts = counts();
        Windows {
            oldest: 0,
            newest: counts.len(),
            counts,
            last,
            stories,
        }
    }

    #[test]
    fn a_window_takes_the_newest_days_holding_its_stories() {
        let open = |first| Some(Days { first, last: None });
        assert_eq!(windows(1, None).next_window(), open(29));
        assert_eq!(windows(3, None).next_window(), open(27));
        // Across the gap: the quiet days' 10 and one busy day's.
        assert_eq!(windows(11, None).next_window(), open(9));
        assert_eq!(windows(100, None).next_window(), open(1));
        // Taking the oldest day is the whole archive: no window.
        assert_eq!(windows(101, None).next_window(), None);
        assert_eq!(windows(u64::MAX, None).next_window(), None);
        // Under the query's own last day, the window stops there.
        assert_eq!(
            windows(3, Some(40)).next_window(),
            Some(Days {
                first: 27,
                last: Some(40)
            })
        );
    }

    /// The counts kept between searches are those of the index as it is,
    /// after commits and after a merge swaps segments for one.
    #[test]
    fn day_counts_follow_commits_and_merges() {
        use tantivy::{ReloadPolicy, doc};
        let (index, fields, mut writer) = crate::schema::test_index();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .expect("reader");
        let cache = DayCountCache::default();
        let mut expected: BTreeMap<i64, u64> = BTreeMap::new();
        let check = |expected: &BTreeMap<i64, u64>| {
            reader.reload().expect("reload");
            let counts = cache.of(&reader.searcher(), &fields).expect("counts");
            let want: Vec<(i64, u64)> = expected.iter().map(|(&d, &n)| (d, n)).collect();
            assert_eq!(*counts, want);
        };
        for days in [[1, 2, 2, 5], [5, 5, 9, -3], [2, 9, 9, 9]] {
            for day in days {
                writer
                    .add_document(doc!(fields.published_day => day))
                    .expect("add");
                *expected.entry(day).or_default() += 1;
            }
            writer.commit().expect("commit");
            check(&expected);
        }
        let segments = index.searchable_segment_ids().expect("segments");
        assert_eq!(segments.len(), 3);
        writer.merge(&segments).wait().expect("merge");
        check(&expected);
        assert_eq!(reader.searcher().segment_readers().len(), 1);
    }

    #[test]
    fn a_window_holds_its_days_only() {
        let days = Days {
            first: 10,
            last: Some(12),
        };
        assert!(!days.holds(9) && days.holds(10) && days.holds(12) && !days.holds(13));
        let open = Days {
            first: -3,
            last: None,
        };
        assert!(!open.holds(-4) && open.holds(-3) && open.holds(i64::MAX));
    }

    #[test]
    fn a_window_widens_by_what_it_lacked() {
        let widened = |found| {
            let mut w = windows(10, None);
            w.widen(found, 80);
            w.stories
        };
        assert_eq!(widened(0), 80);
        assert_eq!(widened(40), 40, "half found: room for twice the want");
        assert_eq!(widened(79), 30);
        assert_eq!(widened(1), 160, "at most 16 times");
    }

    #[test]
    fn date_ranges_in_a_conjunction_bound_the_days() {
        let day = 86_400;
        let at = |s: i64| time::OffsetDateTime::from_unix_timestamp(s).expect("a time");
        let range = |from: i64, to: i64| Query::DateRange {
            from: Some(at(from)),
            to: Some(at(to)),
        };
        let word = Query::Term {
            field: Field::Text,
            text: "oil".into(),
        };
        assert_eq!(date_bounds(&range(2 * day, 10 * day)), (Some(2), Some(9)));
        assert_eq!(
            date_bounds(&Query::And(vec![
                word.clone(),
                range(0, 10 * day + 1),
                range(day, 20 * day)
            ])),
            (Some(1), Some(10))
        );
        assert_eq!(date_bounds(&word), (None, None));
        assert_eq!(
            date_bounds(&Query::Or(vec![word, range(0, day)])),
            (None, None)
        );
    }
}
