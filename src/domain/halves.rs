//! Large slices of pure work split in two halves, one on a second thread: a gap report ranks
//! 100 000 rows, and a report is asked for one at a time, so its latency, not the server's
//! throughput, is what a second core can shorten. Below [`MIN_PARALLEL`] items, or with a
//! single core, everything stays on the calling thread. Results are the same either way
//! (tested), and a panic on the second thread is raised again on the calling one.

use std::num::NonZeroUsize;
use std::sync::OnceLock;
use std::thread;

/// Fewer items than this are not worth a thread (starting one costs tens of microseconds).
pub const MIN_PARALLEL: usize = 20_000;

fn worth_a_thread(len: usize, min: usize) -> bool {
    // Asked once: the answer reads the process's CPU affinity and cgroup limits.
    static SEVERAL_CORES: OnceLock<bool> = OnceLock::new();
    len >= min.max(2)
        && *SEVERAL_CORES.get_or_init(|| thread::available_parallelism().is_ok_and(|n| n > NonZeroUsize::MIN))
}

fn join<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `items.into_iter().map(f).collect()`, the second half mapped on another thread.
pub fn map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync, min: usize) -> Vec<U> {
    if !worth_a_thread(items.len(), min) {
        return items.into_iter().map(f).collect();
    }
    let mut first = items;
    let second = first.split_off(first.len() / 2);
    let f = &f;
    thread::scope(|s| {
        let later = s.spawn(move || second.into_iter().map(f).collect::<Vec<U>>());
        let mut out: Vec<U> = Vec::with_capacity(first.len() * 2 + 1);
        out.extend(first.into_iter().map(f));
        out.extend(join(later));
        out
    })
}

/// `items.sort_unstable()`, each half sorted on its own thread and the two merged. Equal
/// items may come out in any order, as with `sort_unstable`.
pub fn sort<T: Ord + Send>(mut items: Vec<T>, min: usize) -> Vec<T> {
    if !worth_a_thread(items.len(), min) {
        items.sort_unstable();
        return items;
    }
    let mut second = items.split_off(items.len() / 2);
    thread::scope(|s| {
        let later = s.spawn(|| second.sort_unstable());
        items.sort_unstable();
        join(later);
    });
    merge(items, second)
}

fn merge<T: Ord>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x <= y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed pseudo-random sequence, with repeats.
    fn numbers(n: usize) -> Vec<u64> {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % 1000
            })
            .collect()
    }

    #[test]
    fn split_work_gives_what_one_thread_gives() {
        for n in [0, 1, 2, 3, 10, 1001] {
            let items = numbers(n);
            let mut sorted = items.clone();
            sorted.sort_unstable();
            // min 1: split whenever there are two items and two cores.
            assert_eq!(sort(items.clone(), 1), sorted, "sort of {n}");
            assert_eq!(sort(items.clone(), usize::MAX), sorted, "sort of {n} on one thread");
            let doubled: Vec<u64> = items.iter().map(|x| x * 2).collect();
            assert_eq!(map(items.clone(), |x| x * 2, 1), doubled, "map of {n}");
        }
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panic_on_the_second_thread_reaches_the_caller() {
        let items: Vec<u64> = (0..100).collect();
        // The last item is in the second half.
        map(items, |x| if x == 99 { panic!("boom") } else { x }, 1);
    }
}
