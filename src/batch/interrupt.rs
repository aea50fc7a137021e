//! Ctrl-C: stop a batch cleanly and leave nothing half-written.
//!
//! The first Ctrl-C (or SIGTERM) only sets a flag. The batch stops starting
//! documents, abandons the ones being read, writes no report and says how
//! far it got (exit 130). Reports are written to temporary files and renamed
//! into place only if no interrupt arrived, so a report is either whole and
//! from a finished batch, or absent. A second Ctrl-C while prepub is still
//! winding down exits at once, after deleting any temporary report file
//! being written — the user asked twice.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code after an interrupt (128 + SIGINT, the shell convention).
pub const EXIT_CODE: i32 = 130;

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Temporary files being written right now, deleted by a second Ctrl-C.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the Ctrl-C / SIGTERM handler. Only the binary calls this;
/// library users keep their own signal handling.
pub fn install() -> Result<(), String> {
    ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            remove_pending();
            eprintln!("prepub: interrupted again; stopping now");
            std::process::exit(EXIT_CODE);
        }
        eprintln!("prepub: interrupted; finishing up (press Ctrl-C again to stop at once)");
    })
    .map_err(|e| format!("cannot install the Ctrl-C handler: {e}"))
}

/// Whether the user asked to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Records an interrupt as if Ctrl-C had been pressed (used by the
/// test-only hooks of debug builds).
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

fn remove_pending() {
    if let Ok(pending) = PENDING.lock() {
        for path in pending.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Keeps a temporary file on the list a second Ctrl-C deletes, for as long
/// as the guard lives.
pub struct PendingFile {
    path: PathBuf,
}

impl PendingFile {
    pub fn register(path: &Path) -> PendingFile {
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(path.to_path_buf());
        }
        PendingFile {
            path: path.to_path_buf(),
        }
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Ok(mut pending) = PENDING.lock()
            && let Some(index) = pending.iter().position(|p| *p == self.path)
        {
            pending.swap_remove(index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_files_are_listed_while_guarded() {
        let path = PathBuf::from("/nonexistent/prepub-pending-test.tmp");
        let listed = || PENDING.lock().unwrap().contains(&path);
        {
            let _guard = PendingFile::register(&path);
            assert!(listed());
        }
        assert!(!listed());
    }
}
