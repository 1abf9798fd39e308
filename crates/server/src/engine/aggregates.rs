//! What is better seen than read: story volume over time, the places in
//! the news with their coordinates, and the names moving now. Counted
//! from the index (volume, which stories) and the store (tags, mentions).

use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use newsterm_api::{MapPlace, MovingEntity, PlaceCount, Places, Volume, VolumeBucket, VolumePoint};
use newsterm_query::Query;
use newsterm_search::{Buckets, SearchError};
use newsterm_store::{MentionKind, StoreError};
use newsterm_story::{Priority, StoryId};
use time::{Duration, OffsetDateTime};

use super::Engine;

/// Most buckets one volume series may have.
pub const MAX_BUCKETS: usize = 5_000;

/// Why an aggregate could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Range(String),
}

/// `t` rounded down to a whole bucket (UTC).
fn floor(t: OffsetDateTime, width: i64) -> i64 {
    t.unix_timestamp().div_euclid(width) * width
}

/// Revisions whose map marks are kept at most: twice the most stories one
/// places request reads, so that readers' requests in turn find theirs.
const MAP_MARKS_KEPT: usize = 2_000;

/// What the map counts of one revision: its places with coordinates, when
/// it was published and its priority.
pub(super) struct MapMarks {
    published: OffsetDateTime,
    priority: Priority,
    places: Vec<MapPlace>,
}

/// The map marks of the revisions counted last, by wire sequence (a
/// revision's tags never change under its sequence, but for the retagger,
/// during whose run the cache is left alone). Every open map asks for the
/// places of the newest stories again once a minute, and reading them
/// whole (their tags inflated and parsed) cost ~80 µs a story: 500
/// stories, 40 ms of a core, a request. With the marks kept, a request
/// reads the stories that are new since the last.
pub(super) struct MapMarksCache(Mutex<LruCache<u64, Arc<MapMarks>>>);

impl Default for MapMarksCache {
    fn default() -> MapMarksCache {
        let kept = NonZeroUsize::new(MAP_MARKS_KEPT).unwrap_or(NonZeroUsize::MIN);
        MapMarksCache(Mutex::new(LruCache::new(kept)))
    }
}

impl MapMarksCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<u64, Arc<MapMarks>>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Engine {
    /// Stories matching `query` published in each `bucket` from `from` to
    /// `to`, the range widened to whole buckets.
    pub fn volume(
        &self,
        q: &str,
        query: &Query,
        bucket: VolumeBucket,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Volume, AggregateError> {
        let width = bucket.seconds();
        let start = floor(from, width);
        let end = floor(to, width)
            + if floor(to, width) == to.unix_timestamp() {
                0
            } else {
                width
            };
        if end <= start {
            return Err(AggregateError::Range(
                "`from` must be before `to`".to_string(),
            ));
        }
        let count = usize::try_from((end - start) / width).unwrap_or(usize::MAX);
        if count > MAX_BUCKETS {
            return Err(AggregateError::Range(format!(
                "the range holds {count} buckets; at most {MAX_BUCKETS} are allowed (use bucket=day or a shorter range)"
            )));
        }
        let counts = self.index().volume(
            query,
            Buckets {
                from: start,
                width,
                count,
            },
        )?;
        let at = |secs: i64| {
            OffsetDateTime::from_unix_timestamp(secs)
                .map_err(|e| AggregateError::Range(e.to_string()))
        };
        let points = counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| {
                Ok(VolumePoint {
                    t: at(start + i as i64 * width)?,
                    count,
                })
            })
            .collect::<Result<Vec<_>, AggregateError>>()?;
        Ok(Volume {
            q: q.to_string(),
            bucket,
            from: at(start)?,
            to: at(end)?,
            points,
        })
    }

    /// The places tagged in the newest `stories` stories matching `query`
    /// (published at or after `since`, when given), each with its
    /// coordinates, how many of those stories mention it, their highest
    /// priority and the newest one's time. Places the gazetteer gave no
    /// coordinates (a demonym's country) are left out.
    pub fn places(
        &self,
        query: &Query,
        since: Option<OffsetDateTime>,
        stories: usize,
    ) -> Result<Places, AggregateError> {
        let query = match since {
            Some(from) => Query::and([
                query.clone(),
                Query::DateRange {
                    from: Some(from),
                    to: None,
                },
            ]),
            None => query.clone(),
        };
        let ids = self.index().latest_ids(&query, stories)?;
        let marks = self.map_marks_of(&ids)?;
        let mut by_place: HashMap<&str, PlaceCount> = HashMap::new();
        for story in &marks {
            for place in &story.places {
                by_place
                    .entry(place.name.as_str())
                    .and_modify(|p| {
                        p.count += 1;
                        p.priority = p.priority.min(story.priority);
                        p.latest = p.latest.max(story.published);
                    })
                    .or_insert_with(|| PlaceCount {
                        place: place.clone(),
                        count: 1,
                        priority: story.priority,
                        latest: story.published,
                    });
            }
        }
        let looked_at = marks.len() as u64;
        let mut places: Vec<PlaceCount> = by_place.into_values().collect();
        places.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.place.name.cmp(&b.place.name))
        });
        Ok(Places {
            stories: looked_at,
            places,
        })
    }

    /// The map marks of the latest revisions of `ids` the store holds, in
    /// order: kept ones from the cache, the rest read with only their
    /// entities' tags and kept.
    fn map_marks_of(&self, ids: &[StoryId]) -> Result<Vec<Arc<MapMarks>>, AggregateError> {
        let keep = self.retag.pending() == 0;
        let latest = self.reader().list_marks(ids)?;
        let mut found: HashMap<StoryId, Arc<MapMarks>> = HashMap::new();
        let mut missing: Vec<StoryId> = Vec::new();
        {
            let mut cache = self.map_marks.lock();
            for mark in &latest {
                match cache.get(&mark.seq).filter(|_| keep) {
                    Some(marks) => {
                        found.insert(mark.id, marks.clone());
                    }
                    None => missing.push(mark.id),
                }
            }
        }
        if !missing.is_empty() {
            let stories = self.reader().latest_with_entities(&missing)?;
            let mut cache = self.map_marks.lock();
            for story in stories {
                let marks = Arc::new(MapMarks {
                    published: story.content.published,
                    priority: story.content.priority,
                    places: MapPlace::of(&story).collect(),
                });
                if keep {
                    cache.put(story.seq, marks.clone());
                }
                found.insert(story.id, marks);
            }
        }
        Ok(latest
            .iter()
            .filter_map(|mark| found.remove(&mark.id))
            .collect())
    }

    /// The topics and names mentioned in the last `window` (up to `now`)
    /// most above the rate their mentions ran at in the `baseline` before
    /// it, at most `limit`.
    pub fn moving(
        &self,
        now: OffsetDateTime,
        window: Duration,
        baseline: Duration,
        limit: usize,
    ) -> Result<Vec<MovingEntity>, AggregateError> {
        if window <= Duration::ZERO || baseline <= window {
            return Err(AggregateError::Range(
                "the baseline must be longer than the window, and both positive".to_string(),
            ));
        }
        let recent_from = now - window;
        let mut trends = self.reader().mention_trends(now - baseline, recent_from)?;
        // A mnemonic topic and the Media Topic it stands for are one topic
        // tagged twice: it moves once, by its mnemonic.
        let twins: HashSet<&str> = trends
            .iter()
            .filter(|t| t.kind == MentionKind::Topic)
            .filter_map(|t| newsterm_story::tags::iptc_twin(&t.name))
            .collect();
        trends.retain(|t| !(t.kind == MentionKind::Topic && twins.contains(t.name.as_str())));
        // Stories the baseline rate predicts for one window.
        let share = window.as_seconds_f64() / (baseline - window).as_seconds_f64();
        let mut moving: Vec<MovingEntity> = trends
            .into_iter()
            .map(|t| {
                let expected = t.before as f64 * share;
                let recent = t.recent as f64;
                MovingEntity {
                    kind: t.kind.as_str().to_string(),
                    name: t.name,
                    detail: t.detail,
                    recent: t.recent,
                    expected,
                    // Rise over the expected count, in units of its spread
                    // (a Poisson-like z-score), so a jump from 0 to 5 outranks
                    // a steady 50.
                    score: (recent - expected) / (expected + 1.0).sqrt(),
                }
            })
            .filter(|m| m.score > 0.0)
            .collect();
        moving.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b.recent.cmp(&a.recent))
                .then_with(|| a.name.cmp(&b.name))
        });
        moving.truncate(limit);
        Ok(moving)
    }
}
