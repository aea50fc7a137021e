//! Holding the per-document time budget even when an extractor forgets to.
//!
//! Extractors check [`Deadline`](crate::extract::limits::Deadline) in their loops and
//! stop by themselves — that is the cooperative budget. But a library call
//! can loop without returning (a parser stuck on a hostile file), and one
//! such file must not stall a batch of thousands. So every extraction runs on
//! a *helper thread*, and the calling worker waits for it only as long as the
//! budget (plus a short grace for a cooperative extractor to wrap up). When
//! the wait runs out the helper is *abandoned*: the document is reported
//! failed and the worker moves on. Rust cannot kill a thread, so the
//! abandoned helper keeps running, detached, until its extraction returns (it
//! then exits without anyone reading its result) or the process ends.
//!
//! Why memory stays bounded: each worker thread keeps one helper and reuses
//! it for every document (no thread per document); an abandoned helper holds
//! at most one document's data, itself capped by the limits; and at most
//! `max_abandoned` abandoned helpers may be alive at once — past that, the
//! next document waits for one of them to finish and, if none does within a
//! budget, is reported failed without being read.
//!
//! Why output stays deterministic: the watchdog only decides *whether* a
//! document finished in time; the batch still orders reviews by path. (A
//! document near its budget may finish on a fast machine and not on a slow
//! one — that is the budget's nature, and its message says so.)

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Abandoned helper threads allowed to be alive at once, by default.
pub const DEFAULT_MAX_ABANDONED: usize = 4;

/// Stack for helper threads. Parsers of nested formats recurse; a stack
/// overflow aborts the whole process (it cannot be caught like a panic), so
/// helpers get more than the 2 MiB default. Only touched pages cost memory.
const HELPER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// How often a waiting worker checks for Ctrl-C.
const POLL: Duration = Duration::from_millis(100);

/// How a guarded piece of work ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It returned in time.
    Done(T),
    /// It panicked; the panic's message.
    Panicked(String),
    /// It ran past the budget and was abandoned.
    TimedOut,
    /// It was abandoned because the user interrupted the batch.
    Interrupted,
    /// It never started: too many abandoned helpers are still running, or a
    /// helper thread could not be started. The message says which.
    NotStarted(String),
}

/// Runs work on reusable helper threads and abandons what overruns.
///
/// Cloning shares the count of abandoned helpers, so one batch has one cap.
#[derive(Clone, Debug)]
pub struct Watchdog {
    abandoned: Arc<AtomicUsize>,
    max_abandoned: usize,
    /// Set when a document waited a whole budget for room in vain: later
    /// documents are then refused at once (while the cap is still full)
    /// instead of each waiting a budget, which would stall the batch.
    saturated: Arc<AtomicBool>,
}

impl Default for Watchdog {
    fn default() -> Watchdog {
        Watchdog::new(DEFAULT_MAX_ABANDONED)
    }
}

/// The grace a cooperative extractor gets past its budget to return what it
/// read: a tenth of the budget, between 1 and 10 seconds.
pub fn grace(budget: Duration) -> Duration {
    (budget / 10).clamp(Duration::from_secs(1), Duration::from_secs(10))
}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// What a helper shares with the worker that owns it.
#[derive(Default)]
struct HelperState {
    /// Set when the helper is abandoned: the counter to decrement when it
    /// finally exits.
    abandoned_into: OnceLock<Arc<AtomicUsize>>,
}

/// A helper thread, owned by one worker thread.
struct Helper {
    jobs: mpsc::Sender<Job>,
    state: Arc<HelperState>,
}

thread_local! {
    /// This worker's helper, started on first use and kept for later
    /// documents; replaced when abandoned.
    static HELPER: RefCell<Option<Helper>> = const { RefCell::new(None) };
}

/// Decrements the abandoned count when an abandoned helper exits, however
/// it exits.
struct ExitGuard(Arc<HelperState>);

impl Drop for ExitGuard {
    fn drop(&mut self) {
        if let Some(counter) = self.0.abandoned_into.get() {
            counter.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn start_helper() -> std::io::Result<Helper> {
    let (jobs, inbox) = mpsc::channel::<Job>();
    let state = Arc::new(HelperState::default());
    let guard = ExitGuard(Arc::clone(&state));
    std::thread::Builder::new()
        .name("prepub-extract".into())
        .stack_size(HELPER_STACK_BYTES)
        .spawn(move || {
            let _guard = guard;
            // Ends when the owner drops its sender: at the end of the batch,
            // or when this helper was abandoned and its last job returned.
            while let Ok(job) = inbox.recv() {
                job();
            }
        })?;
    Ok(Helper { jobs, state })
}

impl Watchdog {
    pub fn new(max_abandoned: usize) -> Watchdog {
        Watchdog {
            abandoned: Arc::new(AtomicUsize::new(0)),
            max_abandoned,
            saturated: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Abandoned helpers still running.
    pub fn abandoned(&self) -> usize {
        self.abandoned.load(Ordering::SeqCst)
    }

    /// Runs `work` on this thread's helper and waits at most `limit` for it.
    ///
    /// `interrupted` is polled while waiting; when it returns true the work
    /// is abandoned at once (Ctrl-C must not wait for a slow document).
    pub fn run<T, F>(&self, limit: Duration, interrupted: &dyn Fn() -> bool, work: F) -> Outcome<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        if let Err(message) = self.wait_for_room(limit, interrupted) {
            return message;
        }
        let (send_result, result) = mpsc::sync_channel::<Result<T, String>>(1);
        let job: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(work))
                .map_err(|payload| crate::review::panic_message(&*payload));
            // The owner may have stopped waiting; nobody to tell then.
            let _ = send_result.send(outcome);
        });
        let sent = HELPER.with(|slot| -> Result<Arc<HelperState>, String> {
            let mut slot = slot.borrow_mut();
            if slot.is_none() {
                *slot = Some(
                    start_helper().map_err(|e| format!("cannot start a thread to read it: {e}"))?,
                );
            }
            let helper = slot.as_ref().ok_or("no helper thread")?;
            match helper.jobs.send(job) {
                Ok(()) => Ok(Arc::clone(&helper.state)),
                Err(_) => {
                    // The helper died (it cannot, short of a bug); start over
                    // with a fresh one next time.
                    *slot = None;
                    Err("its reading thread stopped unexpectedly".into())
                }
            }
        });
        let state = match sent {
            Ok(state) => state,
            Err(message) => return Outcome::NotStarted(message),
        };
        let started = Instant::now();
        loop {
            let left = limit.saturating_sub(started.elapsed());
            if left.is_zero() {
                self.abandon(&state);
                return Outcome::TimedOut;
            }
            if interrupted() {
                self.abandon(&state);
                return Outcome::Interrupted;
            }
            match result.recv_timeout(left.min(POLL)) {
                Ok(Ok(value)) => return Outcome::Done(value),
                Ok(Err(message)) => return Outcome::Panicked(message),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => {
                    HELPER.with(|slot| *slot.borrow_mut() = None);
                    return Outcome::Panicked("the reading thread stopped without a result".into());
                }
            }
        }
    }

    /// Leaves the current helper to finish on its own and forgets it, so
    /// the next document starts a fresh one.
    fn abandon(&self, state: &Arc<HelperState>) {
        self.abandoned.fetch_add(1, Ordering::SeqCst);
        if state
            .abandoned_into
            .set(Arc::clone(&self.abandoned))
            .is_err()
        {
            // Already abandoned (cannot happen: a helper is dropped when
            // abandoned); keep the count right regardless.
            self.abandoned.fetch_sub(1, Ordering::SeqCst);
        }
        // Dropping the sender lets the helper exit once its job returns.
        HELPER.with(|slot| *slot.borrow_mut() = None);
    }

    /// Waits, up to `limit`, until fewer than `max_abandoned` abandoned
    /// helpers are alive.
    fn wait_for_room<T>(
        &self,
        limit: Duration,
        interrupted: &dyn Fn() -> bool,
    ) -> Result<(), Outcome<T>> {
        let started = Instant::now();
        loop {
            let alive = self.abandoned();
            if alive < self.max_abandoned {
                self.saturated.store(false, Ordering::SeqCst);
                return Ok(());
            }
            if interrupted() {
                return Err(Outcome::Interrupted);
            }
            if started.elapsed() >= limit || self.saturated.load(Ordering::SeqCst) {
                self.saturated.store(true, Ordering::SeqCst);
                return Err(Outcome::NotStarted(format!(
                    "not read: {alive} earlier document(s) that ran over the time budget are \
                     still being read in the background (at most {} allowed); scan this file \
                     again on its own",
                    self.max_abandoned
                )));
            }
            std::thread::sleep(Duration::from_millis(20).min(limit));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> bool {
        false
    }

    #[test]
    fn returns_what_the_work_returns_and_reuses_the_helper() {
        let watchdog = Watchdog::default();
        let first = watchdog.run(Duration::from_secs(5), &never, || {
            std::thread::current().id()
        });
        let second = watchdog.run(Duration::from_secs(5), &never, || {
            std::thread::current().id()
        });
        match (first, second) {
            (Outcome::Done(a), Outcome::Done(b)) => {
                assert_eq!(a, b, "one helper serves successive documents");
                assert_ne!(a, std::thread::current().id());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn contains_a_panic() {
        let watchdog = Watchdog::default();
        let outcome: Outcome<()> =
            watchdog.run(Duration::from_secs(5), &never, || panic!("boom in reader"));
        assert!(matches!(outcome, Outcome::Panicked(m) if m.contains("boom in reader")));
        // The helper survives a contained panic.
        assert!(matches!(
            watchdog.run(Duration::from_secs(5), &never, || 7),
            Outcome::Done(7)
        ));
    }

    #[test]
    fn abandons_overrunning_work_and_counts_it_until_it_exits() {
        let watchdog = Watchdog::default();
        let release = Arc::new(AtomicBool::new(false));
        let hold = Arc::clone(&release);
        let started = Instant::now();
        let outcome = watchdog.run(Duration::from_millis(200), &never, move || {
            while !hold.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        assert!(matches!(outcome, Outcome::TimedOut));
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(watchdog.abandoned(), 1);
        // The next document gets a fresh helper and runs normally.
        assert!(matches!(
            watchdog.run(Duration::from_secs(5), &never, || 1),
            Outcome::Done(1)
        ));
        release.store(true, Ordering::SeqCst);
        let waited = Instant::now();
        while watchdog.abandoned() > 0 && waited.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            watchdog.abandoned(),
            0,
            "the abandoned helper exits once its work returns"
        );
    }

    #[test]
    fn refuses_new_work_when_too_many_helpers_are_abandoned() {
        let watchdog = Watchdog::new(1);
        let release = Arc::new(AtomicBool::new(false));
        let hold = Arc::clone(&release);
        let outcome = watchdog.run(Duration::from_millis(100), &never, move || {
            while !hold.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        assert!(matches!(outcome, Outcome::TimedOut));
        let refused = watchdog.run(Duration::from_millis(100), &never, || 1);
        assert!(
            matches!(&refused, Outcome::NotStarted(m) if m.contains("still being read")),
            "{refused:?}"
        );
        // Once a document waited a whole budget in vain, the next is refused
        // without waiting again.
        let quick = Instant::now();
        let refused = watchdog.run(Duration::from_secs(30), &never, || 1);
        assert!(matches!(refused, Outcome::NotStarted(_)));
        assert!(quick.elapsed() < Duration::from_secs(1));
        release.store(true, Ordering::SeqCst);
        let waited = Instant::now();
        while watchdog.abandoned() > 0 && waited.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(matches!(
            watchdog.run(Duration::from_secs(5), &never, || 2),
            Outcome::Done(2)
        ));
    }

    #[test]
    fn an_interrupt_abandons_the_wait_at_once() {
        let watchdog = Watchdog::default();
        let release = Arc::new(AtomicBool::new(false));
        let hold = Arc::clone(&release);
        let started = Instant::now();
        let outcome = watchdog.run(Duration::from_secs(60), &|| true, move || {
            while !hold.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        assert!(matches!(outcome, Outcome::Interrupted));
        assert!(started.elapsed() < Duration::from_secs(2));
        release.store(true, Ordering::SeqCst);
    }

    #[test]
    fn grace_is_bounded() {
        assert_eq!(grace(Duration::from_secs(1)), Duration::from_secs(1));
        assert_eq!(grace(Duration::from_secs(120)), Duration::from_secs(10));
        assert_eq!(grace(Duration::from_secs(30)), Duration::from_secs(3));
    }
}
