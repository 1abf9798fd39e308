//! TOP as every TOP stream sends it, ranked once per change for all of
//! them.
//!
//! Each reader on the TOP screen (the terminal UI, the web terminal) holds
//! a TOP stream. Ranked per stream, a change to TOP cost one ranking per
//! reader: a hundred readers during a busy wire took more than a core of
//! a two-core server and slowed every publish. The board ranks once per
//! change while anyone watches and hands every stream the same list.
//! A stream that joins while a change is settling starts from the list
//! ranked before it and gets the new one as soon as it is ranked, as
//! every stream already watching does.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

/// What the board shows.
#[derive(Clone, Debug, PartialEq)]
enum Board {
    /// Nobody has ranked TOP since the first watcher came.
    Waiting,
    /// The last list ranked, as JSON.
    Ranked(Arc<str>),
    /// Ranking failed: the streams end (a reader reconnects).
    Ended,
}

/// How the board paces its rankings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pace {
    /// How long a change waits for others before TOP is ranked again: a
    /// bulk import changes it thousands of times a second.
    pub settle: Duration,
    /// TOP is ranked again this often even when no story arrives:
    /// recency decays.
    pub refresh: Duration,
}

/// The shared TOP: one ranking task while any stream watches, none
/// otherwise.
pub(crate) struct TopBoard {
    latest: watch::Sender<Board>,
    /// Whether a ranking task runs. Taken when a watcher joins and when
    /// the task decides to stop, so that a watcher joining as the last
    /// one leaves is never left without a task.
    ranking: Mutex<bool>,
    pace: Pace,
}

/// One stream's view of the board.
pub(crate) struct TopView {
    board: watch::Receiver<Board>,
    sent: Option<Arc<str>>,
}

impl TopBoard {
    pub(crate) fn new(pace: Pace) -> TopBoard {
        TopBoard {
            latest: watch::Sender::new(Board::Waiting),
            ranking: Mutex::new(false),
            pace,
        }
    }

    /// Joins the board, starting its ranking task if nobody watched:
    /// `rank` gives TOP as JSON (`None` when it cannot), `changes` moves
    /// whenever TOP may have changed, `shutdown` turns true when the
    /// server stops.
    pub(crate) fn watch<R, F>(
        self: &Arc<Self>,
        rank: R,
        changes: watch::Receiver<u64>,
        shutdown: watch::Receiver<bool>,
    ) -> TopView
    where
        R: FnMut() -> F + Send + 'static,
        F: Future<Output = Option<String>> + Send + 'static,
    {
        let mut running = self.ranking.lock().unwrap_or_else(|e| e.into_inner());
        if !*running {
            // What a task that ended left (a failure) is not this one's.
            self.latest.send_replace(Board::Waiting);
            *running = true;
            tokio::spawn(self.clone().run(rank, changes, shutdown));
        }
        let board = self.latest.subscribe();
        TopView { board, sent: None }
    }

    async fn run<R, F>(
        self: Arc<Self>,
        mut rank: R,
        mut changes: watch::Receiver<u64>,
        mut shutdown: watch::Receiver<bool>,
    ) where
        R: FnMut() -> F,
        F: Future<Output = Option<String>>,
    {
        let mut refresh = tokio::time::interval(self.pace.refresh);
        refresh.reset();
        changes.borrow_and_update();
        let ended = loop {
            if self.stop_if_unwatched() {
                return;
            }
            match rank().await {
                Some(json) => {
                    self.latest.send_if_modified(|board| {
                        let same = matches!(board, Board::Ranked(old) if **old == *json);
                        if !same {
                            *board = Board::Ranked(json.into());
                        }
                        !same
                    });
                }
                None => break Board::Ended,
            }
            tokio::select! {
                _ = shutdown.changed() => break Board::Ended,
                changed = changes.changed() => {
                    if changed.is_err() {
                        break Board::Ended;
                    }
                    tokio::time::sleep(self.pace.settle).await;
                    changes.borrow_and_update();
                }
                _ = refresh.tick() => {}
            }
        };
        let mut running = self.ranking.lock().unwrap_or_else(|e| e.into_inner());
        *running = false;
        // The streams watching end; a stream that joins later starts a
        // fresh task and waits for its first ranking.
        self.latest.send_replace(ended);
    }

    /// Stops the task when no stream watches any more, clearing the list
    /// so that the next watcher waits for a fresh one.
    fn stop_if_unwatched(&self) -> bool {
        let mut running = self.ranking.lock().unwrap_or_else(|e| e.into_inner());
        if self.latest.receiver_count() > 0 {
            return false;
        }
        *running = false;
        self.latest.send_replace(Board::Waiting);
        true
    }
}

impl TopView {
    /// The next list to send, as JSON: the current one at first, then
    /// each that differs from the last sent. `None` when the stream
    /// should end.
    pub(crate) async fn next(&mut self, shutdown: &mut watch::Receiver<bool>) -> Option<String> {
        loop {
            if *shutdown.borrow() {
                return None;
            }
            let board = self.board.borrow_and_update().clone();
            match board {
                Board::Ranked(json) if self.sent.as_deref() != Some(&*json) => {
                    let out = json.to_string();
                    self.sent = Some(json);
                    return Some(out);
                }
                Board::Ended => return None,
                Board::Ranked(_) | Board::Waiting => {}
            }
            tokio::select! {
                _ = shutdown.changed() => return None,
                changed = self.board.changed() => changed.ok()?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const PACE: Pace = Pace {
        settle: Duration::from_millis(5),
        refresh: Duration::from_secs(3600),
    };

    /// A board, what moves it and a "TOP" that a test sets, with a count
    /// of the rankings.
    struct Fixture {
        board: Arc<TopBoard>,
        change: watch::Sender<u64>,
        stop_tx: watch::Sender<bool>,
        calls: Arc<AtomicUsize>,
        top: Arc<Mutex<String>>,
    }

    impl Fixture {
        fn new() -> Fixture {
            Fixture {
                board: Arc::new(TopBoard::new(PACE)),
                change: watch::Sender::new(0),
                stop_tx: watch::Sender::new(false),
                calls: Arc::new(AtomicUsize::new(0)),
                top: Arc::new(Mutex::new("[1]".to_string())),
            }
        }

        /// A stream joining, ranked by the counting ranking.
        fn watch(&self) -> TopView {
            let (calls, top) = (self.calls.clone(), self.top.clone());
            let rank = move || {
                calls.fetch_add(1, Ordering::SeqCst);
                std::future::ready(top.lock().map(|t| t.clone()).ok())
            };
            self.board
                .watch(rank, self.change.subscribe(), self.stop_tx.subscribe())
        }

        /// TOP becomes `json` and the board is told it changed.
        fn set(&self, json: &str) {
            *self.top.lock().expect("lock") = json.to_string();
            self.change.send_modify(|n| *n += 1);
        }

        fn rankings(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }

        /// What `view` sends next.
        async fn next(&self, view: &mut TopView) -> Option<String> {
            let mut stop = self.stop_tx.subscribe();
            tokio::time::timeout(Duration::from_secs(10), view.next(&mut stop))
                .await
                .expect("a list arrives")
        }
    }

    #[tokio::test]
    async fn a_change_is_ranked_once_whatever_the_watchers() {
        let f = Fixture::new();
        let mut views: Vec<TopView> = (0..50).map(|_| f.watch()).collect();
        for view in &mut views {
            assert_eq!(f.next(view).await.as_deref(), Some("[1]"));
        }
        assert_eq!(f.rankings(), 1, "one ranking for 50 streams");
        f.set("[2,1]");
        for view in &mut views {
            assert_eq!(f.next(view).await.as_deref(), Some("[2,1]"));
        }
        assert_eq!(f.rankings(), 2, "one more for the change");
    }

    #[tokio::test]
    async fn an_unchanged_list_is_not_sent_again() {
        let f = Fixture::new();
        let mut view = f.watch();
        assert_eq!(f.next(&mut view).await.as_deref(), Some("[1]"));
        // A change that leaves TOP as it was: ranked, not sent.
        f.set("[1]");
        while f.rankings() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        f.set("[3]");
        assert_eq!(f.next(&mut view).await.as_deref(), Some("[3]"));
    }

    #[tokio::test]
    async fn a_watcher_after_everyone_left_gets_a_fresh_list() {
        let f = Fixture::new();
        let mut first = f.watch();
        assert_eq!(f.next(&mut first).await.as_deref(), Some("[1]"));
        drop(first);
        // TOP changes while nobody watches; the task notices it is alone
        // and stops.
        f.set("[4]");
        for _ in 0..2000 {
            if !*f.board.ranking.lock().expect("lock") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(!*f.board.ranking.lock().expect("lock"), "the task stopped");
        let mut again = f.watch();
        assert_eq!(f.next(&mut again).await.as_deref(), Some("[4]"));
    }

    #[tokio::test]
    async fn streams_end_when_ranking_fails_or_the_server_stops() {
        let f = Fixture::new();
        let mut failing = f.board.watch(
            || std::future::ready(None),
            f.change.subscribe(),
            f.stop_tx.subscribe(),
        );
        assert_eq!(f.next(&mut failing).await, None);
        // The next stream starts afresh, and ends when the server stops.
        let mut view = f.watch();
        assert_eq!(f.next(&mut view).await.as_deref(), Some("[1]"));
        let _ = f.stop_tx.send(true);
        assert_eq!(f.next(&mut view).await, None);
    }
}
