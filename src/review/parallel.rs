//! Matching the windows of one large text on several threads.
//!
//! A batch keeps every core busy with a document each, but one large text
//! (a 1 GB log, a database dump) is one document: alone, it ran on one
//! core while the others sat idle. Its windows are independent (each is
//! normalised and matched on its own, [`crate::rules::window`]), so they
//! are shared out here, and their results come back in window order: the
//! review is the same whatever the number of threads.
//!
//! Plain scoped threads, not the batch's rayon pool: a rayon worker that
//! waits for its windows runs other queued documents in the meantime, on
//! its own stack, and extraction keeps per-thread state (the container
//! variant being read, the nesting depth) that such a document would then
//! see.

use std::num::NonZeroUsize;
use std::panic::resume_unwind;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` applied to every item, the results in the items' order, on up to
/// `threads` threads (`None`: as many as the machine has cores). A panic
/// in `work` is raised again here, with its own message, once every thread
/// has stopped.
pub(crate) fn map_in_order<T, R, F>(items: &[T], threads: Option<NonZeroUsize>, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    // Nearly every segment is one window: asking the machine for its cores
    // reads the process's cgroup files, and is left until there are two.
    if items.len() < 2 {
        return items.iter().map(work).collect();
    }
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
        .min(items.len());
    if threads < 2 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let failure = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else {
                            break;
                        };
                        let result = work(item);
                        *results[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    }
                })
            })
            .collect();
        // Every worker is joined, so the first panic is the one raised.
        workers
            .into_iter()
            .filter_map(|worker| worker.join().err())
            .next()
    });
    if let Some(payload) = failure {
        resume_unwind(payload);
    }
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item is taken by a worker, and none panicked")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn threads(n: usize) -> Option<NonZeroUsize> {
        NonZeroUsize::new(n)
    }

    #[test]
    fn results_come_back_in_order_whatever_the_threads() {
        let items: Vec<u64> = (0..200).collect();
        let expected: Vec<u64> = items.iter().map(|i| i * i).collect();
        for n in [1, 2, 3, 8, 500] {
            let got = map_in_order(&items, threads(n), |&i| {
                // Uneven work, so threads finish out of order.
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                i * i
            });
            assert_eq!(got, expected, "{n} threads");
        }
        assert_eq!(map_in_order(&items, None, |&i| i + 1)[199], 200);
        assert!(map_in_order(&[] as &[u8], threads(4), |&i| i).is_empty());
    }

    #[test]
    fn more_than_one_thread_is_used() {
        let items: Vec<usize> = (0..8).collect();
        let seen = Mutex::new(std::collections::HashSet::new());
        map_in_order(&items, threads(2), |_| {
            seen.lock().unwrap().insert(std::thread::current().id());
            std::thread::sleep(std::time::Duration::from_millis(5));
        });
        assert_eq!(seen.lock().unwrap().len(), 2);
    }

    #[test]
    fn a_panic_keeps_its_message() {
        let items: Vec<usize> = (0..10).collect();
        let caught = std::panic::catch_unwind(|| {
            map_in_order(&items, threads(3), |&i| {
                if i == 6 {
                    panic!("window {i} failed");
                }
                i
            })
        })
        .unwrap_err();
        assert_eq!(crate::review::panic_message(&*caught), "window 6 failed");
    }
}
