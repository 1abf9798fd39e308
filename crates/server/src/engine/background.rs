//! Work that must not slow a publish: the indexer, the alerter, the
//! retagger and a bulk import's tagging run at a lower CPU priority than
//! the threads that answer publishers, and work spread over every core
//! for a large batch goes through one helper.
//!
//! On two cores an index merge or an import's tagging otherwise takes
//! the core a publish is being tagged and stored on, and its ack waits.

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
/// machine's cores, otherwise on this thread. A part whose thread
/// panicked is done again on this thread rather than left out.
pub(crate) fn map_on_cores<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if items.len() < min.max(2) {
        return items.iter().map(&f).collect();
    }
    let workers = cores();
    if workers < 2 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(workers);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .zip(items.chunks(chunk))
            .flat_map(|(handle, part)| {
                handle
                    .join()
                    .unwrap_or_else(|_| part.iter().map(f).collect())
            })
            .collect()
    })
}

/// The cores this process may use, asked once: on Linux the answer reads
/// the cgroup's CPU quota from /proc and /sys (a dozen system calls),
/// which every publish paid three times when it was asked each call.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
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
