//! The hand-off of stored revisions from the writer to a consumer thread
//! (the indexer, the alerter).
//!
//! The queue is bounded, so a consumer that falls behind (a slow index
//! merge, a burst of imports) never makes the process grow without limit,
//! and the writer never waits on it: when the queue is full the revision is
//! simply not queued. The consumer sees every revision anyway, once and in
//! sequence order, because the store holds them all: whenever the next
//! revision it receives is not the one after the last it handled, or the
//! queue runs dry while the writer has announced more, it reads what it
//! missed from the store.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use newsterm_store::Reader;
use newsterm_story::Story;

/// Revisions read from the store per catch-up page.
const CATCH_UP_PAGE: usize = 1000;

/// The writer's end.
pub(crate) struct Handoff {
    tx: Sender<Arc<Story>>,
    /// Highest sequence handed off, queued or not.
    announced: Arc<AtomicU64>,
    depth: Depth,
}

/// The consumer's end: yields every revision after its starting point.
pub(crate) struct Follower {
    rx: Receiver<Arc<Story>>,
    announced: Arc<AtomicU64>,
    reader: Arc<Reader>,
    /// Highest sequence yielded so far.
    done: u64,
    /// Revisions read from the store, next to be yielded.
    caught_up: VecDeque<Arc<Story>>,
    /// A revision received from the queue that waits until the gap before
    /// it has been read from the store.
    held: Option<Arc<Story>>,
}

/// The queue's length, readable from anywhere (for `/healthz`).
#[derive(Clone)]
pub(crate) struct Depth(Receiver<Arc<Story>>);

impl Depth {
    pub(crate) fn get(&self) -> usize {
        self.0.len()
    }
}

/// What [`Follower::next`] found.
pub(crate) enum Next {
    Story(Arc<Story>),
    /// Nothing new within the timeout.
    Idle,
    /// The writer is gone and everything it announced has been yielded.
    Closed,
}

impl Handoff {
    /// A hand-off whose consumer starts after `from`, with the store's
    /// last sequence at `last` (so a consumer behind the store catches up
    /// from it before anything new arrives).
    pub(crate) fn new(
        capacity: usize,
        from: u64,
        last: u64,
        reader: &Arc<Reader>,
    ) -> (Handoff, Follower) {
        let (tx, rx) = crossbeam_channel::bounded(capacity);
        let announced = Arc::new(AtomicU64::new(last));
        let handoff = Handoff {
            tx,
            announced: announced.clone(),
            // A receiver clone only looks at the queue's length.
            depth: Depth(rx.clone()),
        };
        let follower = Follower {
            rx,
            announced,
            reader: reader.clone(),
            done: from,
            caught_up: VecDeque::new(),
            held: None,
        };
        (handoff, follower)
    }

    pub(crate) fn depth(&self) -> Depth {
        self.depth.clone()
    }

    /// Hands a stored revision on without ever blocking. Called in
    /// sequence order.
    pub(crate) fn send(&self, story: Arc<Story>) {
        let seq = story.seq;
        // A full queue drops it here; the follower reads it from the store.
        let _ = self.tx.try_send(story);
        // After the send, so a follower that sees `announced` ahead of
        // what it holds either has the revision queued or finds it stored.
        self.announced.fetch_max(seq, Ordering::AcqRel);
    }
}

impl Follower {
    /// Highest sequence yielded so far (the starting point before any).
    pub(crate) fn done(&self) -> u64 {
        self.done
    }

    /// The next revision after the last one yielded, waiting at most
    /// `timeout` for one to be stored.
    pub(crate) fn next(&mut self, timeout: Duration) -> Next {
        loop {
            if let Some(story) = self.caught_up.pop_front() {
                self.done = story.seq;
                return Next::Story(story);
            }
            if let Some(story) = self.held.take() {
                if story.seq <= self.done {
                    continue;
                }
                if story.seq == self.done + 1 {
                    self.done = story.seq;
                    return Next::Story(story);
                }
                // Revisions before it were dropped from a full queue.
                self.catch_up(story.seq - 1);
                self.held = Some(story);
                continue;
            }
            let received = match self.rx.try_recv() {
                Ok(story) => Some(story),
                Err(TryRecvError::Empty) if self.behind() => {
                    self.catch_up(self.announced.load(Ordering::Acquire));
                    continue;
                }
                Err(TryRecvError::Empty) => match self.rx.recv_timeout(timeout) {
                    Ok(story) => Some(story),
                    Err(RecvTimeoutError::Timeout) if self.behind() => continue,
                    Err(RecvTimeoutError::Timeout) => return Next::Idle,
                    Err(RecvTimeoutError::Disconnected) => None,
                },
                Err(TryRecvError::Disconnected) => None,
            };
            match received {
                Some(story) => self.held = Some(story),
                None if self.behind() => self.catch_up(self.announced.load(Ordering::Acquire)),
                None => return Next::Closed,
            }
        }
    }

    fn behind(&self) -> bool {
        self.announced.load(Ordering::Acquire) > self.done
    }

    /// Reads one page of the stored revisions after `done`, up to `to`,
    /// into the catch-up queue. A store that cannot be read is logged and
    /// the gap skipped: stopping would hold up everything after it.
    fn catch_up(&mut self, to: u64) {
        let want = usize::try_from(to.saturating_sub(self.done))
            .unwrap_or(CATCH_UP_PAGE)
            .min(CATCH_UP_PAGE);
        if want == 0 {
            return;
        }
        match self.reader.since(self.done, want) {
            Ok(page) => {
                let before = self.caught_up.len();
                self.caught_up
                    .extend(page.into_iter().filter(|s| s.seq <= to).map(Arc::new));
                if self.caught_up.len() == before {
                    tracing::error!(
                        after = self.done,
                        to,
                        "store holds fewer revisions than announced"
                    );
                    self.done = to;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, after = self.done, to, "cannot read missed revisions from the store");
                self.done = to;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use newsterm_store::{Write, Writer};
    use newsterm_story::{StoryDraft, Tags};
    use time::OffsetDateTime;

    use super::*;

    /// A store holding `n` stories, and their stored revisions.
    fn stored(n: usize) -> (tempfile::TempDir, Arc<Reader>, Vec<Arc<Story>>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("store.db");
        let mut writer = Writer::open(&path).expect("store");
        let now = OffsetDateTime::now_utc();
        let writes = (0..n)
            .map(|i| {
                let content = StoryDraft {
                    headline: Some(format!("Story {i}")),
                    ..Default::default()
                }
                .validate(now)
                .expect("valid story");
                Write::New(content, Tags::default())
            })
            .collect();
        let stories = writer
            .append(writes, now)
            .expect("stored")
            .into_iter()
            .map(|r| Arc::new(r.expect("stored")))
            .collect();
        let reader = Arc::new(Reader::open(&path, 1).expect("reader"));
        (dir, reader, stories)
    }

    fn drain(follower: &mut Follower) -> Vec<u64> {
        let mut seqs = Vec::new();
        while let Next::Story(s) = follower.next(Duration::from_millis(1)) {
            seqs.push(s.seq);
        }
        seqs
    }

    #[test]
    fn a_full_queue_loses_nothing_and_keeps_the_order() {
        let (_dir, reader, stories) = stored(50);
        let (handoff, mut follower) = Handoff::new(4, 0, 0, &reader);
        for s in &stories {
            handoff.send(s.clone());
        }
        assert_eq!(handoff.depth().get(), 4, "the queue stays bounded");
        assert_eq!(drain(&mut follower), (1..=50).collect::<Vec<_>>());
        assert_eq!(handoff.depth().get(), 0);
    }

    #[test]
    fn a_follower_behind_the_store_catches_up_before_new_revisions() {
        let (_dir, reader, stories) = stored(30);
        // Started after seq 10 with the store at 20: 11..=20 come from the
        // store, then what the writer hands off.
        let (handoff, mut follower) = Handoff::new(64, 10, 20, &reader);
        for s in &stories[20..] {
            handoff.send(s.clone());
        }
        assert_eq!(drain(&mut follower), (11..=30).collect::<Vec<_>>());
    }

    #[test]
    fn the_follower_ends_once_the_writer_is_gone_and_all_is_yielded() {
        let (_dir, reader, stories) = stored(5);
        let (handoff, mut follower) = Handoff::new(2, 0, 0, &reader);
        for s in &stories {
            handoff.send(s.clone());
        }
        drop(handoff);
        let mut seqs = Vec::new();
        loop {
            match follower.next(Duration::from_millis(1)) {
                Next::Story(s) => seqs.push(s.seq),
                Next::Idle => panic!("a closed hand-off never idles"),
                Next::Closed => break,
            }
        }
        assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
    }
}
