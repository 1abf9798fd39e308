//! Work that must not slow a publish: the indexer, the alerter, the
//! retagger and a bulk import's tagging run at a lower CPU priority than
//! the threads that answer publishers, and work spread over every core
//! for a large batch goes through one helper.
//!
//! On two cores an index merge or an import's tagging otherwise takes
//! the core a publish is being tagged and stored on, and its ack waits.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How much lower background work runs (a `nice` value).
const NICENESS: i32 = 10;

/// Lowers the calling thread's CPU priority to background work's. Threads
/// it starts afterwards inherit the lower priority. Failing to lower it
/// changes nothing but speed, so failures are ignored.
pub(crate) fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid has no preconditions; setpriority with
        // PRIO_PROCESS and a thread id only changes that thread's nice
        // value (Linux keeps it per thread) and reports failure in its
        // return value, which we may ignore.
        unsafe {
            let tid = libc::gettid();
            let _ = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICENESS);
        }
    }
}

/// `f` of every item, in order: for `min` items or more split across the
/// machine's cores, otherwise on this thread. An item whose thread
/// panicked is done again on this thread rather than left out.
pub(crate) fn map_on_cores<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if items.len() < min.max(2) || cores() < 2 {
        return items.iter().map(&f).collect();
    }
    spread(items, false, f)
}

/// `f` of every item, in order, on threads of their own at background
/// priority, one a core (a bulk import's tagging: the thread that asks
/// may be one that answers publishers, and must keep its priority).
pub(crate) fn map_in_background<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    spread(items, true, f)
}

/// `f` of every item on up to one thread a core, each thread taking the
/// next item not yet taken: items of unequal cost (a story of 300 words
/// and one of 20,000) leave no thread idle while another still has a
/// fixed share to go, as equal shares did. The results are put back in
/// order; an item whose thread panicked is done again on this thread.
fn spread<T: Sync, R: Send>(items: &[T], lowered: bool, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = cores().min(items.len());
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(move || {
                    if lowered {
                        lower_priority();
                    }
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        for thread in threads {
            // A thread that panicked loses what it did: done again below.
            for (i, r) in thread.join().unwrap_or_default() {
                slots[i] = Some(r);
            }
        }
    });
    slots
        .into_iter()
        .zip(items)
        .map(|(slot, item)| slot.unwrap_or_else(|| f(item)))
        .collect()
}

/// The cores this process may use, asked once: on Linux the answer reads
/// the cgroup's CPU quota from /proc and /sys (a dozen system calls),
/// which every publish paid three times when it was asked each call.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_whatever_the_split() {
        for n in [0, 1, 5, 63, 64, 65, 1000] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                map_on_cores(&items, 64, |i| i * 2),
                (0..n).map(|i| i * 2).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn items_of_unequal_cost_come_back_in_order_in_the_background() {
        // One slow item first: with equal shares the others queue behind it.
        let items: Vec<u64> = (0..200).collect();
        let got = map_in_background(&items, |&i| {
            if i == 0 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            i * 3
        });
        assert_eq!(got, (0..200).map(|i| i * 3).collect::<Vec<_>>());
        assert!(map_in_background(&[] as &[u64], |&i| i).is_empty());
    }

    #[test]
    fn an_item_whose_thread_panicked_is_done_again_here() {
        use std::sync::atomic::AtomicBool;
        let failed = AtomicBool::new(false);
        let items: Vec<u32> = (0..100).collect();
        let got = map_on_cores(&items, 2, |&i| {
            if i == 50 && !failed.swap(true, Ordering::SeqCst) {
                panic!("once");
            }
            i + 1
        });
        assert_eq!(got, (1..=100).collect::<Vec<_>>());
    }

    #[test]
    fn a_lowered_thread_still_runs_its_work() {
        let got = std::thread::spawn(|| {
            lower_priority();
            (1..=10).sum::<u32>()
        })
        .join()
        .expect("the thread ran");
        assert_eq!(got, 55);
    }
}
