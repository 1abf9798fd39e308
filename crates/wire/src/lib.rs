//! The live wire: fans each stored revision out to every subscriber, in
//! wire-sequence order, without ever letting a slow subscriber hold up
//! the publisher or anyone else.
//!
//! Architecture invariants:
//!
//! - Events are published in strictly increasing sequence order, and
//!   only after the store made them durable (the caller's duty; checked
//!   here in debug builds).
//! - [`Wire::publish`] never blocks and never waits for a subscriber. A
//!   subscriber that falls more than the channel's capacity behind gets
//!   [`Recv::Lagged`] with the point to resume from, and is expected to
//!   reconnect; the others are unaffected.
//! - A [`Resume`] merges a backlog read from the store with the live
//!   channel so that a reconnecting subscriber sees every event after its
//!   resume point exactly once, in order.
//!
//! The wire knows nothing of HTTP or of what an event holds: the payload
//! type is the caller's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::broadcast;

/// How many events a subscriber may fall behind before it is dropped.
pub const DEFAULT_CAPACITY: usize = 8192;

/// One event on the wire: a sequence number and a shared payload.
#[derive(Debug)]
pub struct Event<T> {
    /// Its place on the wire: gap-free, one more than the event before.
    pub seq: u64,
    /// What was published, shared by every subscriber.
    pub payload: T,
}

/// The fan-out point. Cheap to clone; every clone publishes to the same
/// subscribers.
pub struct Wire<T> {
    tx: broadcast::Sender<Arc<Event<T>>>,
    last_seq: Arc<AtomicU64>,
}

impl<T> Clone for Wire<T> {
    fn clone(&self) -> Self {
        Wire {
            tx: self.tx.clone(),
            last_seq: self.last_seq.clone(),
        }
    }
}

impl<T: Send + Sync + 'static> Wire<T> {
    /// A wire whose last published sequence is `last_seq` (the store's,
    /// at start) and whose subscribers may lag `capacity` events.
    pub fn new(last_seq: u64, capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Wire {
            tx,
            last_seq: Arc::new(AtomicU64::new(last_seq)),
        }
    }

    /// Sends an event to every current subscriber. Never blocks.
    pub fn publish(&self, seq: u64, payload: T) {
        let prev = self.last_seq.swap(seq, Ordering::AcqRel);
        debug_assert!(seq > prev, "wire sequence must increase: {prev} then {seq}");
        // No receivers is not an error: nobody is watching right now.
        let _ = self.tx.send(Arc::new(Event { seq, payload }));
    }

    /// The last sequence number published.
    pub fn last_seq(&self) -> u64 {
        self.last_seq.load(Ordering::Acquire)
    }

    /// Subscribers attached right now (what `/healthz` shows).
    pub fn subscriber_count(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Starts following the wire from now: after the last sequence
    /// published so far, which is also where it resumes if it lags before
    /// its first event.
    pub fn subscribe(&self) -> Subscriber<T> {
        // Read before subscribing: every event above `start` is published
        // after this load, so it either reaches the new receiver or makes
        // it lag — and a lag resumes after `start`, losing none of them.
        let start = self.last_seq();
        Subscriber {
            rx: self.tx.subscribe(),
            last: start,
        }
    }

    /// Starts following the wire after `since`, with the events between
    /// `since` and now to be read from a backlog (see [`Resume`]).
    ///
    /// The subscription is taken before the backlog is read, so no event
    /// can fall between the two.
    pub fn resume(&self, since: u64) -> Resume<T> {
        Resume {
            sub: Subscriber {
                rx: self.tx.subscribe(),
                last: since,
            },
        }
    }
}

/// What a subscriber receives next.
#[derive(Debug)]
pub enum Recv<T> {
    /// The next event, in sequence order.
    Event(Arc<Event<T>>),
    /// The subscriber fell too far behind and missed events; it should
    /// reconnect and resume after `resume_from`.
    Lagged {
        /// The last sequence number delivered; resume after it.
        resume_from: u64,
    },
    /// The wire is gone (server shutting down).
    Closed,
}

/// A live subscription.
pub struct Subscriber<T> {
    rx: broadcast::Receiver<Arc<Event<T>>>,
    /// Last sequence delivered, or where the subscription started (the
    /// wire's end when it was taken, or the resume point). Events at or
    /// below it are skipped: they came before the subscription, or the
    /// backlog already delivered them.
    last: u64,
}

impl<T: Send + Sync + 'static> Subscriber<T> {
    /// Waits for the next event.
    pub async fn recv(&mut self) -> Recv<T> {
        loop {
            match self.rx.recv().await {
                Ok(ev) => {
                    if ev.seq <= self.last {
                        continue;
                    }
                    self.last = ev.seq;
                    return Recv::Event(ev);
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    return Recv::Lagged {
                        resume_from: self.last,
                    };
                }
                Err(broadcast::error::RecvError::Closed) => return Recv::Closed,
            }
        }
    }

    /// The sequence number of the last event delivered, or where the
    /// subscription started if none was.
    pub fn last_seq(&self) -> u64 {
        self.last
    }
}

/// A subscription resuming after a known sequence number: first drain the
/// backlog, then switch to the live wire.
pub struct Resume<T> {
    sub: Subscriber<T>,
}

impl<T: Send + Sync + 'static> Resume<T> {
    /// The sequence to read the backlog after.
    pub fn position(&self) -> u64 {
        self.sub.last
    }

    /// Records that the backlog delivered everything up to `seq`.
    ///
    /// Backlog pages must be read in order; call this after each one.
    pub fn delivered(&mut self, seq: u64) {
        debug_assert!(seq >= self.sub.last);
        self.sub.last = seq;
    }

    /// The backlog is drained: follow the live wire. Live events the
    /// backlog already delivered are skipped.
    pub fn live(self) -> Subscriber<T> {
        self.sub
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_see_events_in_order() {
        let wire = Wire::new(0, 16);
        let mut a = wire.subscribe();
        let mut b = wire.subscribe();
        for seq in 1..=5 {
            wire.publish(seq, format!("story {seq}"));
        }
        for sub in [&mut a, &mut b] {
            for seq in 1..=5 {
                match sub.recv().await {
                    Recv::Event(ev) => assert_eq!(ev.seq, seq),
                    _ => panic!("expected event {seq}"),
                }
            }
        }
    }

    #[tokio::test]
    async fn a_subscriber_that_never_reads_is_told_it_lagged_and_others_are_not() {
        let wire = Wire::new(0, 4);
        let mut idle = wire.subscribe();
        let mut busy = wire.subscribe();
        for seq in 1..=3 {
            wire.publish(seq, ());
            assert!(matches!(busy.recv().await, Recv::Event(_)));
        }
        for seq in 4..=20 {
            wire.publish(seq, ());
            assert!(matches!(busy.recv().await, Recv::Event(e) if e.seq == seq));
        }
        assert!(matches!(idle.recv().await, Recv::Lagged { resume_from: 0 }));
    }

    #[tokio::test]
    async fn a_subscriber_that_lags_before_its_first_event_resumes_where_it_joined() {
        // The wire already carried 100 events when this subscriber joined;
        // replaying those would flood it with the whole archive.
        let wire = Wire::new(100, 4);
        let mut late = wire.subscribe();
        for seq in 101..=110 {
            wire.publish(seq, ());
        }
        assert!(matches!(
            late.recv().await,
            Recv::Lagged { resume_from: 100 }
        ));
    }

    #[tokio::test]
    async fn a_lagging_subscriber_resumes_after_the_last_event_it_was_given() {
        let wire = Wire::new(50, 4);
        let mut slow = wire.subscribe();
        wire.publish(51, ());
        wire.publish(52, ());
        for seq in 51..=52 {
            assert!(matches!(slow.recv().await, Recv::Event(e) if e.seq == seq));
        }
        for seq in 53..=70 {
            wire.publish(seq, ());
        }
        assert!(matches!(
            slow.recv().await,
            Recv::Lagged { resume_from: 52 }
        ));
    }

    #[tokio::test]
    async fn resume_skips_what_the_backlog_delivered() {
        let wire = Wire::new(10, 16);
        // A subscriber resuming after 10; events 11..=12 are in the store
        // and are also published live while it reads its backlog.
        let mut resume = wire.resume(10);
        wire.publish(11, ());
        wire.publish(12, ());
        let mut delivered = vec![];
        for seq in 11..=12 {
            delivered.push(seq);
            resume.delivered(seq);
        }
        let mut live = resume.live();
        wire.publish(13, ());
        match live.recv().await {
            Recv::Event(ev) => delivered.push(ev.seq),
            _ => panic!("expected 13"),
        }
        assert_eq!(delivered, vec![11, 12, 13]);
    }
}
