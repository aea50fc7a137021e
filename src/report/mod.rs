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
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(&directory)
        .map_err(|e| format!("{}: cannot create a temporary file: {e}", path.display()))?;
    temporary
        .write_all(bytes)
        .and_then(|_| temporary.as_file().sync_all())
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    temporary
        .persist(path)
        .map_err(|e| format!("{}: cannot replace: {}", path.display(), e.error))?;
    Ok(())
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
}
