//! Events in the engine: the grouper places every new story before it is
//! stored, so its event and near-duplicate link travel with it to the
//! store, the wire, the index and every reader; TOP is ranked from it.
//!
//! The grouper lives in memory. At start it is given back the recent
//! wire from the store, each story into the event it was stored with —
//! a replay, not a new grouping.

use std::sync::{Mutex, RwLock};

use newsterm_event::{Features, Grouper, Placement, TopEvent};

use super::background::map_on_cores;
use newsterm_store::{NewRevision, Reader, StoreError, Write};
use newsterm_story::{Story, StoryId};
use time::OffsetDateTime;

/// Revisions read back into the grouper at start: the recent wire, which
/// is all new stories are compared with and all TOP ranks.
const RESTORE_REVISIONS: u64 = 20_000;

/// The grouper, shared by the writer thread (which places stories) and
/// readers of TOP; and a counter that moves whenever TOP may have changed.
pub struct Events {
    grouper: RwLock<Grouper>,
    changed: tokio::sync::watch::Sender<u64>,
    /// TOP as last ranked. Every reader of TOP (the API, top.atom, the
    /// TOP stream of each terminal) asks again after each change, and
    /// ranking holds the grouper's lock that the writer needs to place
    /// the next story; one ranking serves them all until TOP can differ.
    ranked: Mutex<Option<RankedTop>>,
}

/// A ranking of TOP and what it was ranked from: the grouper's version
/// and the reference time (see [`Grouper::reference_time`]), which
/// together decide every row.
struct RankedTop {
    version: u64,
    reference: OffsetDateTime,
    /// The rows asked for: `rows` holds this many, or every event when
    /// there are fewer.
    ranked: usize,
    rows: Vec<TopEvent>,
}

/// Fewest rows a ranking of TOP builds, so that the pages terminals and
/// feeds ask for (30, 50, 100) share one ranking; a larger page ranks
/// again for its size.
const TOP_ROWS_RANKED: usize = 100;

/// What the writer does with one write once it is placed.
pub(super) enum Planned {
    /// Store `write`. `new_story` is a story the grouper took in before
    /// the store said yes (forgotten again if it says no); `withdrawn` a
    /// story to take out of its event once the withdrawal is stored.
    Store {
        write: Box<Write>,
        new_story: Option<StoryId>,
        withdrawn: Option<StoryId>,
        /// A new story's exact key (its source and every word of its
        /// text, `Features::exact_key`): in a cluster, the log's
        /// de-duplication id, so the same story sent to two nodes at once
        /// is stored once.
        exact: Option<u64>,
    },
    /// The same source already sent this exact story: nothing is stored.
    Repeat(StoryId),
}

impl Events {
    /// Reads the recent wire back into a new grouper, showing each story
    /// read to `also` too (what else learns from the recent wire).
    pub(super) fn restore(
        reader: &Reader,
        last_seq: u64,
        mut also: impl FnMut(&Story),
    ) -> Result<Events, StoreError> {
        let started = std::time::Instant::now();
        let mut grouper = Grouper::default();
        reader.for_each_latest_after(
            last_seq.saturating_sub(RESTORE_REVISIONS),
            1_000,
            |story| {
                grouper.restore(&story);
                also(&story);
                Ok(())
            },
        )?;
        tracing::info!(
            stories = grouper.len(),
            events = grouper.event_count(),
            took_ms = started.elapsed().as_millis() as u64,
            "events restored from the recent wire"
        );
        let (changed, _) = tokio::sync::watch::channel(0);
        Ok(Events {
            grouper: RwLock::new(grouper),
            changed,
            ranked: Mutex::new(None),
        })
    }

    fn write_lock(&self) -> std::sync::RwLockWriteGuard<'_, Grouper> {
        self.grouper.write().unwrap_or_else(|p| p.into_inner())
    }

    fn read_lock(&self) -> std::sync::RwLockReadGuard<'_, Grouper> {
        self.grouper.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Places each write's story: a new story gets its id, event and
    /// near-duplicate link (or is found to repeat one), a revision keeps
    /// its story's event. Reading features, most of the work, happens
    /// before the lock is taken.
    pub(super) fn plan(&self, writes: Vec<Write>) -> Vec<Planned> {
        enum Read {
            Revision(Box<(NewRevision, Features)>),
            Withdraw(StoryId, String),
        }
        let revisions: Vec<Result<NewRevision, (StoryId, String)>> =
            writes.into_iter().map(Write::into_revision).collect();
        // A bulk import's features are read on every core.
        let features = map_on_cores(&revisions, 64, |r| {
            r.as_ref()
                .ok()
                .map(|rev| Features::of(&rev.content, &rev.tags))
        });
        let read: Vec<Read> = revisions
            .into_iter()
            .zip(features)
            .map(|(r, features)| match (r, features) {
                (Ok(rev), Some(features)) => Read::Revision(Box::new((rev, features))),
                (Ok(rev), None) => {
                    let features = Features::of(&rev.content, &rev.tags);
                    Read::Revision(Box::new((rev, features)))
                }
                (Err((id, reason)), _) => Read::Withdraw(id, reason),
            })
            .collect();
        let mut grouper = self.write_lock();
        read.into_iter()
            .map(|r| match r {
                Read::Withdraw(id, reason) => Planned::Store {
                    write: Box::new(Write::Withdraw { id, reason }),
                    new_story: None,
                    withdrawn: Some(id),
                    exact: None,
                },
                Read::Revision(read) if read.0.first => {
                    let (mut rev, features) = *read;
                    let exact = Some(features.exact_key);
                    match grouper.place_read(rev.id, &rev.content, features) {
                        Placement::Repeat(earlier) => return Planned::Repeat(earlier),
                        Placement::Grouped {
                            event,
                            duplicate_of,
                            ..
                        } => {
                            rev.mark.event = Some(event);
                            rev.mark.duplicate_of = duplicate_of;
                        }
                    }
                    let id = rev.id;
                    Planned::Store {
                        write: Box::new(Write::Revision(Box::new(rev))),
                        new_story: Some(id),
                        withdrawn: None,
                        exact,
                    }
                }
                Read::Revision(read) => {
                    let (mut rev, features) = *read;
                    rev.mark.event = grouper.revise_read(rev.id, &rev.content, features);
                    Planned::Store {
                        write: Box::new(Write::Revision(Box::new(rev))),
                        new_story: None,
                        withdrawn: None,
                        exact: None,
                    }
                }
            })
            .collect()
    }

    /// After the store answered: stories it did not take are forgotten,
    /// withdrawals leave their events, and TOP's watchers are told.
    /// `stored` is `None` when the whole transaction failed.
    pub(super) fn settle(
        &self,
        plans: &[(Option<StoryId>, Option<StoryId>)],
        stored: Option<&[bool]>,
    ) {
        let mut grouper = self.write_lock();
        for (i, (new_story, withdrawn)) in plans.iter().enumerate() {
            let ok = stored.is_some_and(|s| s.get(i).copied().unwrap_or(false));
            if let (Some(id), false) = (new_story, ok) {
                grouper.forget(*id);
            }
            if let (Some(id), true) = (withdrawn, ok) {
                grouper.withdraw(*id);
            }
        }
        let version = grouper.version();
        drop(grouper);
        self.changed.send_replace(version);
    }

    /// Takes in stories stored as the cluster's log placed them: each
    /// goes where its entry says (see [`Grouper::restore`]), nothing is
    /// decided here, so every node's events are the ones the publishing
    /// node chose.
    pub(super) fn take_in<'a>(&self, stored: impl IntoIterator<Item = &'a Story>) {
        let mut grouper = self.write_lock();
        for story in stored {
            grouper.restore(story);
        }
        let version = grouper.version();
        drop(grouper);
        self.changed.send_replace(version);
    }

    /// Forgets a story [`Events::plan`] placed whose write then did not
    /// reach the store.
    pub(super) fn forget(&self, id: StoryId) {
        self.settle(&[(Some(id), None)], Some(&[false]));
    }

    /// TOP now, best first.
    pub fn top(&self, limit: usize) -> Vec<TopEvent> {
        let mut ranked = self.ranked.lock().unwrap_or_else(|p| p.into_inner());
        let grouper = self.read_lock();
        let reference = grouper.reference_time(OffsetDateTime::now_utc());
        let current = ranked.as_ref().is_some_and(|r| {
            r.version == grouper.version() && r.reference == reference && r.ranked >= limit
        });
        if !current {
            let rows = limit.max(TOP_ROWS_RANKED);
            *ranked = Some(RankedTop {
                version: grouper.version(),
                reference,
                ranked: rows,
                rows: grouper.top(reference, rows),
            });
        }
        drop(grouper);
        ranked
            .as_ref()
            .map(|r| r.rows.iter().take(limit).cloned().collect())
            .unwrap_or_default()
    }

    /// What TOP calls now (see [`Grouper::reference_time`]).
    pub fn reference_time(&self) -> OffsetDateTime {
        self.read_lock().reference_time(OffsetDateTime::now_utc())
    }

    /// Moves whenever TOP may have changed.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }
}
