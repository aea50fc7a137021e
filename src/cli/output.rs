//! Writing reports: each `--output` file with its format, staged and moved
//! into place only when all are written; standard output streamed.

use crate::cli::args::{Failure, OutputFormat};
use prepub::batch::spill::{DocumentSource, Spilled};
use prepub::report;
use prepub::review::Review;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Each `--output` file with its format: from the extension, else from an
/// explicit `--format`, else a usage error naming the extensions known.
pub(crate) fn plan_outputs(
    outputs: &[PathBuf],
    format: Option<OutputFormat>,
) -> Result<Vec<(PathBuf, OutputFormat)>, Failure> {
    outputs
        .iter()
        .map(|path| {
            // Said before the extension is looked at: `-o reports/` names a
            // folder, and "cannot tell the format" would not say so.
            if path.is_dir() || path.as_os_str().to_string_lossy().ends_with(['/', '\\']) {
                return Err(Failure::usage(format!(
                    "-o {}: is a directory; -o takes a report file, such as {}",
                    path.display(),
                    path.join("review.html").display()
                )));
            }
            OutputFormat::from_extension(path)
                .or(format)
                .map(|format| (path.clone(), format))
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "{}: cannot tell the report format from the extension; use .json, \
                         .jsonl, .html, .docx, .md, .sarif, .xml (JUnit), .csv or .txt, or give --format",
                        path.display()
                    ))
                })
        })
        .collect()
}

/// Refuses, before anything is read, a report path that names something
/// other than a regular file (a directory, a device, a FIFO, a socket: the
/// rename that puts a report in place would replace it) or that is one of
/// this run's inputs (the rename would replace the document under review)
/// — unless `reports_skipped` (a scan, which skips prepub's own reports
/// rather than reviewing them) and that input is a report prepub wrote.
///
/// Only the directory entry a report replaces matters: a hard link of an
/// input under another name keeps the input's bytes, so an input is
/// recognised by its name and its inode together.
pub(crate) fn check_output_targets(
    outputs: &[(PathBuf, OutputFormat)],
    inputs: &[&Path],
    reports_skipped: bool,
) -> Result<(), Failure> {
    for (output, _) in outputs {
        if let Some(folder) = missing_folder(output) {
            return Err(Failure::usage(format!(
                "-o {}: the folder {} does not exist; create it first",
                output.display(),
                folder.display()
            )));
        }
        let Ok(metadata) = std::fs::symlink_metadata(output) else {
            continue; // a new file
        };
        let kind = metadata.file_type();
        if !kind.is_file() && !kind.is_symlink() {
            return Err(Failure::usage(format!(
                "{}: is {}; -o writes a report only to a regular file or a new path",
                output.display(),
                describe_file_type(&metadata)
            )));
        }
        let Some(name) = output.file_name() else {
            continue;
        };
        for input in inputs {
            if input.file_name() == Some(name)
                && std::fs::symlink_metadata(input).is_ok_and(|other| same_file(&metadata, &other))
                && !(reports_skipped && is_prepub_report(output))
            {
                return Err(Failure::usage(format!(
                    "-o {} would replace the input {} of this run: write the report elsewhere",
                    output.display(),
                    input.display()
                )));
            }
        }
    }
    Ok(())
}

/// The folder a report would be written in, when it does not exist (the
/// temporary file of an atomic write could not be made there, and its
/// random name is no help to the user).
pub(crate) fn missing_folder(output: &Path) -> Option<&Path> {
    let folder = output.parent().filter(|p| !p.as_os_str().is_empty())?;
    (!folder.is_dir()).then_some(folder)
}

/// A report of an earlier run that the scan will skip, not review (see
/// `prepub::review::signature`): writing this run's report over it is the
/// everyday `scan drafts -o drafts/review.json`, not the loss of a draft.
fn is_prepub_report(path: &Path) -> bool {
    const CAP: u64 = 1 << 30;
    prepub::batch::read_input(path, CAP)
        .ok()
        .and_then(|bytes| prepub::review::signature::recognise(&bytes))
        .is_some_and(|own| own.reason() == prepub::review::SkipReason::PrepubReport)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

fn describe_file_type(metadata: &std::fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    "not a regular file"
}

/// A .docx is a zip: refuse to pour it onto a terminal.
pub(crate) fn check_stdout_format(format: OutputFormat) -> Result<(), Failure> {
    if format == OutputFormat::Docx && std::io::stdout().is_terminal() {
        return Err(Failure::usage(
            "--format docx: a .docx is binary and is not written to a terminal; write it to a file with -o FILE.docx (or redirect standard output)",
        ));
    }
    Ok(())
}

pub(crate) fn stdout_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A review to render: whole in memory (a saved review), or a scanned batch
/// whose documents wait in a spill file. The reports that can be streamed
/// (all but DOCX) read the documents one at a time either way; a DOCX is
/// built whole by the crate that writes it and, for a spilled batch, reads
/// the documents back into memory.
pub(crate) struct Reviewed<'a> {
    /// For a spilled batch, a review without documents.
    head: &'a Review,
    spilled: Option<&'a Spilled>,
    loaded: std::cell::OnceCell<Review>,
}

impl<'a> Reviewed<'a> {
    pub(crate) fn whole(review: &'a Review) -> Reviewed<'a> {
        Reviewed {
            head: review,
            spilled: None,
            loaded: std::cell::OnceCell::new(),
        }
    }

    pub(crate) fn spilled(head: &'a Review, documents: &'a Spilled) -> Reviewed<'a> {
        Reviewed {
            head,
            spilled: Some(documents),
            loaded: std::cell::OnceCell::new(),
        }
    }

    fn documents(&self) -> &dyn DocumentSource {
        match self.spilled {
            Some(spilled) => spilled,
            None => &self.head.documents,
        }
    }

    /// The review with every document in memory.
    fn in_memory(&self) -> Result<&Review, String> {
        let Some(spilled) = self.spilled else {
            return Ok(self.head);
        };
        if let Some(review) = self.loaded.get() {
            return Ok(review);
        }
        let mut review = self.head.clone();
        review.documents = spilled.load()?;
        Ok(self.loaded.get_or_init(|| review))
    }
}

/// Renders every requested report from the one review and writes each
/// atomically. Files never get colour.
///
/// All reports are staged (written to temporary files) before any is moved
/// into place, and none is if Ctrl-C arrived meanwhile: an interrupted run
/// leaves no report, not even some of them.
pub(crate) fn write_reports(
    reviewed: &Reviewed<'_>,
    outputs: &[(PathBuf, OutputFormat)],
    form: &report::RenderOptions,
    text: &report::text::TextOptions,
) -> Result<(), Failure> {
    let text = report::text::TextOptions {
        colour: false,
        ..*text
    };
    let mut staged = Vec::with_capacity(outputs.len());
    for (path, format) in outputs {
        let mut failure = None;
        let stage = report::stage_with(path, &mut |out| {
            render_to(reviewed, *format, form, &text, out).map_err(|e| {
                let message = e.message.clone();
                failure = Some(e);
                message
            })
        });
        match stage {
            Ok(report) => staged.push(report),
            Err(message) => return Err(failure.unwrap_or_else(|| Failure::usage(message))),
        }
        #[cfg(debug_assertions)]
        slow_write_hook();
    }
    if prepub::batch::interrupt::requested() {
        return Err(Failure {
            code: prepub::batch::interrupt::EXIT_CODE,
            message: "interrupted while writing the reports; no report written".into(),
        });
    }
    for report in staged {
        report.commit().map_err(Failure::usage)?;
    }
    Ok(())
}

/// Test-only hook of debug builds: `PREPUB_TEST_SLOW_WRITE=SECONDS` pauses
/// after staging each report, so a test can interrupt a run mid-write.
#[cfg(debug_assertions)]
fn slow_write_hook() {
    if let Some(seconds) = std::env::var("PREPUB_TEST_SLOW_WRITE")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_secs(seconds));
    }
}

/// Streams standard output through `write`, buffered. A closed pipe
/// (`prepub … | head`) is not an error worth a message: the rest of the
/// output is dropped quietly.
pub(crate) fn write_stdout_with(
    write: &mut dyn FnMut(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut out = ClosablePipe {
        inner: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        closed: false,
    };
    write(&mut out)?;
    out.flush().map_err(|e| Failure {
        code: 2,
        message: format!("cannot write to standard output: {e}"),
    })
}

/// A writer that turns a broken pipe into silence.
struct ClosablePipe<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for ClosablePipe<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(bytes.len());
        }
        match self.inner.write(bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(bytes.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Writes one report of `reviewed` in `format` to `out`.
pub(crate) fn render_to(
    reviewed: &Reviewed<'_>,
    format: OutputFormat,
    form: &report::RenderOptions,
    text: &report::text::TextOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let head = reviewed.head;
    let documents = reviewed.documents();
    let written = match format {
        OutputFormat::Json => report::json::write(head, documents, out),
        OutputFormat::Text => report::text::write(
            head,
            documents,
            &report::text::TextOptions {
                summarise_info: form.summarise_info,
                ..*text
            },
            out,
        ),
        OutputFormat::Csv => report::csv::write(head, documents, form, out),
        OutputFormat::Junit => report::junit::write(head, documents, form, out),
        OutputFormat::Html => report::html::write(head, documents, form, out),
        OutputFormat::Markdown => report::markdown::write(head, documents, form, out),
        OutputFormat::Sarif => report::sarif::write(head, documents, form, out),
        OutputFormat::Docx | OutputFormat::Jsonl => reviewed.in_memory().and_then(|review| {
            let bytes = render(review, format, form, text)?;
            out.write_all(&bytes)
                .map_err(|e| format!("cannot write: {e}"))
        }),
    };
    written.map_err(|e| Failure {
        code: 2,
        message: format!("cannot render the {format:?} report: {e}"),
    })
}

/// Renders a whole in-memory review in `format`.
pub(crate) fn render(
    review: &Review,
    format: OutputFormat,
    form: &report::RenderOptions,
    text: &report::text::TextOptions,
) -> Result<Vec<u8>, String> {
    match format {
        OutputFormat::Json => report::json::render(review),
        OutputFormat::Jsonl => report::jsonl::render(review),
        OutputFormat::Text => Ok(report::text::render(
            review,
            &report::text::TextOptions {
                summarise_info: form.summarise_info,
                ..*text
            },
        )),
        OutputFormat::Html => report::html::render(review, form),
        OutputFormat::Docx => report::docx::render(review, form),
        OutputFormat::Markdown => report::markdown::render(review, form),
        OutputFormat::Sarif => report::sarif::render(review, form),
        OutputFormat::Junit => report::junit::render(review, form),
        OutputFormat::Csv => report::csv::render(review, form),
    }
}
