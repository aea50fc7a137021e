//! Reports: one renderer per output format, each reading only the review
//! model ([`crate::review::Review`]).

pub mod csv;
pub mod docx;
pub mod html;
pub mod json;
pub mod junit;
pub mod labels;
pub mod markdown;
mod options;
pub mod present;
pub mod sarif;
pub mod text;

#[cfg(test)]
pub(crate) mod fixture;

pub use labels::Lang;
pub use options::RenderOptions;

use crate::document::Severity;
use crate::review::Review;
use std::io::Write;
use std::path::Path;

/// When a scan fails a CI gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Review,
    Block,
    Never,
}

/// Exit codes of `scan`, checked in this order: 2 is decided before any
/// scanning (usage or rule-set error); 1 = an unwaived finding at or above
/// the `--fail-on` level; 3 = no such finding but a document was not fully
/// read; 0 otherwise.
pub fn exit_code(review: &Review, fail_on: FailOn) -> i32 {
    let threshold = match fail_on {
        FailOn::Review => Some(Severity::Review),
        FailOn::Block => Some(Severity::Block),
        FailOn::Never => None,
    };
    let Some(threshold) = threshold else {
        return 0;
    };
    let failing = review
        .documents
        .iter()
        .flat_map(|d| &d.findings)
        .any(|f| f.waived.is_none() && f.severity >= threshold);
    if failing {
        return 1;
    }
    let unread = review
        .documents
        .iter()
        .any(|d| d.extraction.status != crate::document::ExtractionStatus::Complete);
    if unread { 3 } else { 0 }
}

/// Writes a report so that readers never see half of it: the bytes go to a
/// temporary file in the same directory, which is then renamed over the
/// target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    stage(path, bytes)?.commit()
}

/// A report written to a temporary file beside its target, not yet in
/// place. Dropping it deletes the temporary file; [`Staged::commit`] renames
/// it over the target. Staging every report first and committing them only
/// once all are written means an interrupted run leaves no report behind,
/// whole or half.
pub struct Staged {
    path: std::path::PathBuf,
    temporary: tempfile::NamedTempFile,
    _pending: crate::interrupt::PendingFile,
}

/// Writes `bytes` to a temporary file beside `path` (see [`Staged`]).
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, String> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".prepub-")
        .suffix(".tmp")
        .tempfile_in(&directory)
        .map_err(|e| format!("{}: cannot create a temporary file: {e}", path.display()))?;
    // Listed before the first byte is written, so a second Ctrl-C during a
    // long write still finds it to delete.
    let pending = crate::interrupt::PendingFile::register(temporary.path());
    temporary
        .write_all(bytes)
        .and_then(|_| temporary.as_file().sync_all())
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    Ok(Staged {
        path: path.to_path_buf(),
        temporary,
        _pending: pending,
    })
}

impl Staged {
    /// Moves the report into place.
    pub fn commit(self) -> Result<(), String> {
        let Staged {
            path,
            temporary,
            _pending,
        } = self;
        temporary
            .persist(&path)
            .map_err(|e| format!("{}: cannot replace: {}", path.display(), e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        std::fs::write(&target, "old").unwrap();
        write_atomically(&target, b"new contents").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new contents");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_dropped_stage_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        let staged = stage(&target, b"never committed").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(staged);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
