//! A cap on the bytes of input files held in memory at once.
//!
//! A file is read whole — it is hashed, detected and handed to its
//! extractor as one buffer — so workers reading large files side by side
//! would each hold one: on a 64-core server, 64 times the largest file.
//! Each worker therefore reserves the size of its file here before reading
//! it and gives it back when the document is done. The budget is
//! `--max-file-size`, the largest file prepub agrees to hold at all: files
//! that together would exceed it are read one after another instead of
//! side by side, and a file as large as the whole budget is read alone.
//! Small files, the common case, never wait.
//!
//! A worker holding a reservation only waits for its document's reader
//! thread (a channel, not rayon work-stealing) and never reserves again
//! before giving it back, and the readers' own parallelism (lopdf's) runs
//! in rayon's global pool, never in the batch's: so no worker can wait for
//! a reservation while holding one, and the budget cannot deadlock.
//!
//! The budget is process-wide because memory is; the capacity comes with
//! each reservation (it is the run's limit), so runs with different limits
//! in one process (tests) need no set-up.

use std::sync::{Condvar, Mutex, MutexGuard};

static IN_USE: Mutex<u64> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// Bytes reserved for one file being read; given back when dropped.
#[must_use = "the reservation is given back as soon as it is dropped"]
pub struct Reservation {
    bytes: u64,
}

/// Waits until `bytes` (at most `capacity`) fit beside what other workers
/// hold, then reserves them. Never waits when nothing else is held, so a
/// file over the capacity still goes ahead, alone.
pub fn reserve(bytes: u64, capacity: u64) -> Reservation {
    let bytes = bytes.min(capacity);
    let mut in_use = lock();
    while *in_use > 0 && in_use.saturating_add(bytes) > capacity {
        in_use = FREED
            .wait(in_use)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    *in_use += bytes;
    Reservation { bytes }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut in_use = lock();
        *in_use = in_use.saturating_sub(self.bytes);
        FREED.notify_all();
    }
}

/// The counter, even if a worker panicked while holding the lock: it is
/// only ever updated whole, so it is never left half-changed.
fn lock() -> MutexGuard<'static, u64> {
    IN_USE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, mpsc};
    use std::time::Duration;

    // The budget is process-wide and unit tests run in parallel: this test
    // uses a capacity far above any file, so other tests' files never make
    // it wait (theirs may wait for it, for the fraction of a second its
    // large reservation is held).
    #[test]
    fn files_that_do_not_fit_together_are_read_one_after_another() {
        const CAPACITY: u64 = 1 << 50;
        let big = reserve(CAPACITY / 10 * 8, CAPACITY);
        // Small reservations fit beside it and do not wait.
        let small = reserve(1024, CAPACITY);
        drop(small);
        // Another large one waits until the first is given back.
        let got_it = Arc::new(AtomicBool::new(false));
        let (done, finished) = mpsc::channel();
        let flag = Arc::clone(&got_it);
        let waiter = std::thread::spawn(move || {
            let second = reserve(CAPACITY / 2, CAPACITY);
            flag.store(true, Ordering::SeqCst);
            done.send(()).unwrap();
            drop(second);
        });
        assert!(
            finished.recv_timeout(Duration::from_millis(200)).is_err(),
            "the second large file was read beside the first"
        );
        assert!(!got_it.load(Ordering::SeqCst));
        drop(big);
        finished
            .recv_timeout(Duration::from_secs(10))
            .expect("giving the first back lets the second go ahead");
        waiter.join().unwrap();
        // A file over the whole budget goes ahead when nothing else is held.
        let oversized = reserve(CAPACITY * 3, CAPACITY);
        assert_eq!(oversized.bytes, CAPACITY);
    }
}
