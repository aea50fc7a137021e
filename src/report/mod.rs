//! Reports: one renderer per output format, each reading only the review
//! model ([`crate::review::Review`]).
//!
//! Takes a review (whole, or a spilled batch read one document at a time);
//! gives text, JSON, SARIF, JUnit, CSV, HTML, Markdown or DOCX.

pub mod csv;
pub mod docx;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod labels;
pub mod markdown;
pub mod messages;
mod options;
pub mod present;
pub mod sarif;
pub mod terminal;
pub mod text;

#[cfg(test)]
pub(crate) mod fixture;

pub use labels::Lang;
pub use options::RenderOptions;

use crate::batch::spill::{DocumentSource, Tally};
use crate::extract::document::Severity;
use crate::review::{Review, SkippedInput};
use std::io::Write;
use std::path::Path;

/// What every streaming form renderer (HTML, Markdown, JUnit, SARIF)
/// offers: the form of a review written with the documents of a source.
type WriteForm =
    fn(&Review, &dyn DocumentSource, &RenderOptions, &mut dyn Write) -> Result<(), String>;

/// A streaming renderer's bytes for a review held whole in memory.
fn render_whole(
    write: WriteForm,
    review: &Review,
    options: &RenderOptions,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write(review, &review.documents, options, &mut out)?;
    Ok(out)
}

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
/// read, or an input the user named was skipped (a skip met in a walk is
/// listed but does not change the code by itself); 0 otherwise.
pub fn exit_code(review: &Review, fail_on: FailOn) -> i32 {
    exit_code_of(&Tally::of(&review.documents), &review.skipped, fail_on)
}

/// [`exit_code`] from a batch's running [`Tally`] and its skipped inputs,
/// for a batch whose documents are no longer in memory.
pub fn exit_code_of(tally: &Tally, skipped: &[SkippedInput], fail_on: FailOn) -> i32 {
    let threshold = match fail_on {
        FailOn::Review => Some(Severity::Review),
        FailOn::Block => Some(Severity::Block),
        FailOn::Never => None,
    };
    let Some(threshold) = threshold else {
        return 0;
    };
    if tally.worst_open.is_some_and(|worst| worst >= threshold) {
        return 1;
    }
    let named_skipped = skipped.iter().any(|input| input.named);
    if tally.unread || named_skipped { 3 } else { 0 }
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
    _pending: crate::batch::interrupt::PendingFile,
}

/// Writes `bytes` to a temporary file beside `path` (see [`Staged`]).
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, String> {
    stage_with(path, &mut |out| {
        out.write_all(bytes)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))
    })
}

/// Like [`stage`], but `write` streams the report into the temporary file
/// (buffered), so a report of any size is never whole in memory. An error
/// from `write` is returned as it is, and the temporary file is deleted.
pub fn stage_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> Result<(), String>,
) -> Result<Staged, String> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !directory.is_dir() {
        return Err(format!(
            "{}: the folder {} does not exist (or is not a folder): the report was not written",
            path.display(),
            directory.display()
        ));
    }
    let mut temporary = tempfile::Builder::new()
        .prefix(".prepub-")
        .suffix(".tmp")
        .tempfile_in(&directory)
        .map_err(|e| format!("{}: cannot create a temporary file: {e}", path.display()))?;
    // Listed before the first byte is written, so a second Ctrl-C during a
    // long write still finds it to delete.
    let pending = crate::batch::interrupt::PendingFile::register(temporary.path());
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, temporary.as_file_mut());
        write(&mut buffered)?;
        buffered
            .flush()
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    temporary
        .as_file()
        .sync_all()
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
        // Checked again here, not only when the run started: the rename
        // would replace whatever stands at the path by then.
        if let Ok(existing) = std::fs::symlink_metadata(&path)
            && !existing.file_type().is_file()
            && !existing.file_type().is_symlink()
        {
            return Err(format!(
                "{}: is not a regular file (a directory, device or pipe): the report was not written over it",
                path.display()
            ));
        }
        set_report_permissions(&path, temporary.as_file())?;
        temporary
            .persist(&path)
            .map_err(|e| format!("{}: cannot replace: {}", path.display(), e.error))?;
        Ok(())
    }
}

/// A report gets the permissions a new file of the user's would (0666 less
/// the umask), or those of the report it replaces — not the temporary
/// file's 0600.
#[cfg(unix)]
fn set_report_permissions(path: &Path, file: &std::fs::File) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match std::fs::metadata(path) {
        Ok(existing) if existing.is_file() => existing.permissions().mode() & 0o7777,
        _ => 0o666 & !current_umask(),
    };
    file.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("{}: cannot set permissions: {e}", path.display()))
}

#[cfg(not(unix))]
fn set_report_permissions(_path: &Path, _file: &std::fs::File) -> Result<(), String> {
    Ok(())
}

/// The process's umask. Linux reports it in /proc without changing it;
/// elsewhere it is read by setting and restoring it, when the reports are
/// written and no other thread creates files.
#[cfg(unix)]
fn current_umask() -> u32 {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("Umask:"))
        && let Ok(mask) = u32::from_str_radix(line["Umask:".len()..].trim(), 8)
    {
        return mask;
    }
    // SAFETY: umask only swaps the process's file-creation mask; it is put
    // back at once.
    let mask = unsafe { libc::umask(0) };
    unsafe { libc::umask(mask) };
    // mode_t is u32 on Linux, u16 on some other systems.
    #[allow(clippy::useless_conversion)]
    u32::from(mask)
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
    fn a_failed_streamed_stage_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        let error = stage_with(&target, &mut |out| {
            out.write_all(b"half of it").unwrap();
            Err("renderer gave up".into())
        })
        .err()
        .unwrap();
        assert_eq!(error, "renderer gave up");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn exit_codes_from_the_tally() {
        let review = crate::report::fixture::review();
        let open = |threshold: Severity| {
            review
                .documents
                .iter()
                .flat_map(|d| &d.findings)
                .any(|f| f.waived.is_none() && f.severity >= threshold)
        };
        let unread = review
            .documents
            .iter()
            .any(|d| d.extraction.status != crate::extract::document::ExtractionStatus::Complete);
        let expected = |threshold| match (open(threshold), unread) {
            (true, _) => 1,
            (false, true) => 3,
            (false, false) => 0,
        };
        assert_eq!(
            exit_code(&review, FailOn::Review),
            expected(Severity::Review)
        );
        assert_eq!(exit_code(&review, FailOn::Block), expected(Severity::Block));
        assert_eq!(exit_code(&review, FailOn::Never), 0);
        let clean = Tally::default();
        assert_eq!(exit_code_of(&clean, &[], FailOn::Review), 0);
        let unread = Tally {
            unread: true,
            ..Tally::default()
        };
        assert_eq!(exit_code_of(&unread, &[], FailOn::Block), 3);
        assert_eq!(exit_code_of(&unread, &[], FailOn::Never), 0);
        // A skip met in a walk is listed but changes nothing; a named input
        // skipped is never exit 0 (unless --fail-on never).
        let walked = SkippedInput::new(
            "a/.x".into(),
            crate::review::SkipReason::Hidden,
            "hidden".into(),
            false,
        );
        assert_eq!(
            exit_code_of(&clean, std::slice::from_ref(&walked), FailOn::Review),
            0
        );
        let named = SkippedInput {
            named: true,
            ..walked
        };
        assert_eq!(
            exit_code_of(&clean, std::slice::from_ref(&named), FailOn::Review),
            3
        );
        assert_eq!(
            exit_code_of(&clean, std::slice::from_ref(&named), FailOn::Block),
            3
        );
        assert_eq!(exit_code_of(&clean, &[named], FailOn::Never), 0);
    }

    #[test]
    fn streamed_from_a_spill_every_report_is_the_in_memory_one() {
        let mut review = crate::report::fixture::review();
        // A batch's documents are in path order; the spill restores it.
        review.documents.sort_by(|a, b| a.path.cmp(&b.path));
        let mut spill = crate::batch::spill::Spill::new().unwrap();
        // Pushed in reverse order: the spill's index must restore it.
        for (file, document) in review.documents.iter().enumerate().rev() {
            let line = crate::batch::spill::Spill::encode(document).unwrap();
            spill
                .push(document, &line, file, 0, &document.path)
                .unwrap();
        }
        let spilled = spill
            .finish(|file| review.documents[file].path.as_str())
            .unwrap();
        let mut head = review.clone();
        head.documents.clear();
        let form = RenderOptions::default();
        let text = text::TextOptions {
            colour: false,
            quiet: false,
            summarise_info: false,
            lang: Lang::En,
        };
        // Compared as text, so a failure shows where they differ.
        let streamed = |write: &dyn Fn(&mut Vec<u8>) -> Result<(), String>| {
            let mut out = Vec::new();
            write(&mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let whole = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
        assert_eq!(
            streamed(&|out| json::write(&head, &spilled, out)),
            whole(json::render(&review).unwrap())
        );
        assert_eq!(
            streamed(&|out| text::write(&head, &spilled, &text, out)),
            whole(text::render(&review, &text))
        );
        assert_eq!(
            streamed(&|out| csv::write(&head, &spilled, &form, out)),
            whole(csv::render(&review, &form).unwrap())
        );
        assert_eq!(
            streamed(&|out| junit::write(&head, &spilled, &form, out)),
            whole(junit::render(&review, &form).unwrap())
        );
        assert_eq!(
            streamed(&|out| html::write(&head, &spilled, &form, out)),
            whole(html::render(&review, &form).unwrap())
        );
        assert_eq!(
            streamed(&|out| sarif::write(&head, &spilled, &form, out)),
            whole(sarif::render(&review, &form).unwrap())
        );
        assert_eq!(
            streamed(&|out| markdown::write(&head, &spilled, &form, out)),
            whole(markdown::render(&review, &form).unwrap())
        );
    }

    /// Each renderer writes the mark by which a later scan knows the file
    /// for prepub's own and skips it instead of reviewing its quotations.
    #[test]
    fn every_report_is_recognised_as_prepub_s_own() {
        use crate::review::signature::{OwnFile, recognise};
        let review = crate::report::fixture::review();
        for lang in [Lang::Zh, Lang::En] {
            let form = RenderOptions {
                lang,
                batch: Some("第一批 <b>".into()),
                ..RenderOptions::default()
            };
            let text = text::TextOptions {
                colour: false,
                quiet: false,
                summarise_info: false,
                lang,
            };
            let quiet = text::TextOptions {
                colour: false,
                quiet: true,
                summarise_info: false,
                lang,
            };
            let rendered: [(OwnFile, Vec<u8>); 9] = [
                (OwnFile::JsonReview, json::render(&review).unwrap()),
                (OwnFile::Sarif, sarif::render(&review, &form).unwrap()),
                (OwnFile::Junit, junit::render(&review, &form).unwrap()),
                (OwnFile::Html, html::render(&review, &form).unwrap()),
                (OwnFile::Markdown, markdown::render(&review, &form).unwrap()),
                (OwnFile::Csv, csv::render(&review, &form).unwrap()),
                (OwnFile::Docx, docx::render(&review, &form).unwrap()),
                (OwnFile::Text, text::render(&review, &text)),
                (OwnFile::Text, text::render(&review, &quiet)),
            ];
            for (kind, bytes) in rendered {
                assert_eq!(recognise(&bytes), Some(kind), "{kind:?} in {lang:?}");
            }
        }
        let mut empty = review.clone();
        empty.documents.clear();
        empty.skipped.clear();
        empty.summary = crate::review::Summary::default();
        let form = RenderOptions::default();
        assert_eq!(
            recognise(&csv::render(&empty, &form).unwrap()),
            Some(OwnFile::Csv)
        );
        assert_eq!(
            recognise(&junit::render(&empty, &form).unwrap()),
            Some(OwnFile::Junit)
        );
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
