//! READ: which stories and events readers open, each reader counted once
//! per story. A reader is known only by a keyed hash of whatever names
//! them to the server (a token, the terminal's reader id, the address it
//! connects from); the key is drawn at start and never leaves the process,
//! and only counts are ever answered.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Mutex;

use newsterm_story::{EventId, StoryId};
use time::OffsetDateTime;

/// How long opens are remembered: READ looks back a day at most.
const REMEMBER_SECS: i64 = 86_400;

#[derive(Default)]
struct Opens {
    /// Per story and reader: the story's event and the reader's latest
    /// open of it.
    latest: HashMap<(StoryId, u64), (Option<EventId>, i64)>,
    /// When the oldest opens were last dropped.
    pruned: i64,
}

/// The opens of the last day.
pub struct Readership {
    opens: Mutex<Opens>,
    key: std::hash::RandomState,
}

impl Default for Readership {
    fn default() -> Self {
        Readership {
            opens: Mutex::new(Opens::default()),
            key: std::hash::RandomState::new(),
        }
    }
}

/// Most-read stories and events of a window, each with its count of
/// distinct readers, most read first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MostRead {
    pub stories: Vec<(StoryId, u64)>,
    pub events: Vec<(EventId, u64)>,
}

impl Readership {
    /// Counts an open of `story` (of `event`) by the reader `who` names.
    pub fn open(&self, story: StoryId, event: Option<EventId>, who: &str, at: OffsetDateTime) {
        let reader = self.key.hash_one(who);
        let at = at.unix_timestamp();
        let mut opens = self.opens.lock().unwrap_or_else(|p| p.into_inner());
        opens.latest.insert((story, reader), (event, at));
        if at - opens.pruned > 600 {
            opens.latest.retain(|_, (_, t)| at - *t <= REMEMBER_SECS);
            opens.pruned = at;
        }
    }

    /// The stories and events most read since `since`, at most `limit`
    /// of each, leaving out the stories `skip` rejects (withdrawn ones).
    pub fn most_read(
        &self,
        since: OffsetDateTime,
        limit: usize,
        skip: impl Fn(StoryId) -> bool,
    ) -> MostRead {
        let since = since.unix_timestamp();
        let opens = self.opens.lock().unwrap_or_else(|p| p.into_inner());
        let mut stories: HashMap<StoryId, u64> = HashMap::new();
        let mut event_readers: HashSet<(EventId, u64)> = HashSet::new();
        for (&(story, reader), &(event, at)) in &opens.latest {
            if at < since || skip(story) {
                continue;
            }
            *stories.entry(story).or_default() += 1;
            if let Some(e) = event {
                event_readers.insert((e, reader));
            }
        }
        drop(opens);
        let mut events: HashMap<EventId, u64> = HashMap::new();
        for (e, _) in event_readers {
            *events.entry(e).or_default() += 1;
        }
        MostRead {
            stories: ranked(stories, limit),
            events: ranked(events, limit),
        }
    }
}

/// Most read first; ties in id order so answers are stable.
fn ranked<K: Ord + Copy>(counts: HashMap<K, u64>, limit: usize) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(limit);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_count_per_reader_per_story() {
        let r = Readership::default();
        let now = OffsetDateTime::now_utc();
        let (a, b) = (StoryId::new(), StoryId::new());
        let e = EventId::new_at(now);
        for _ in 0..5 {
            r.open(a, Some(e), "reader-1", now);
        }
        r.open(a, Some(e), "reader-2", now);
        r.open(b, Some(e), "reader-1", now);
        let read = r.most_read(now - time::Duration::hours(1), 10, |_| false);
        assert_eq!(read.stories, vec![(a, 2), (b, 1)]);
        assert_eq!(read.events, vec![(e, 2)], "two readers opened the event");
        // An open older than the window does not count; a skipped story neither.
        let old = now - time::Duration::hours(3);
        r.open(b, Some(e), "reader-3", old);
        let read = r.most_read(now - time::Duration::hours(1), 10, |s| s == a);
        assert_eq!(read.stories, vec![(b, 1)]);
    }
}
