//! The batch: walk the inputs, review documents in parallel, keep order.
//!
//! Takes paths, rules and options; gives the batch's `Review`. The
//! [`walk`] lists the files to read and what it skips, and why; one file
//! goes through extract → review in [`mod@file`], under the [`watchdog`] and
//! the limits (unless it is one of prepub's own files, see [`scan_input`]);
//! finished reviews wait in the [`spill`].
//!
//! Documents are reviewed independently on a rayon pool. Each finished
//! review goes at once to a [`Spill`] (a temporary file), never the
//! document's text nor the reviews of the whole batch: memory does not grow
//! with the number of files beyond a small index entry and the input list
//! (see `docs/README-hardening.md`). The spill is read back sorted by path,
//! so the review is byte-for-byte the same whatever `--jobs` is.

pub mod cache;
pub mod file;
pub mod interrupt;
pub mod progress;
pub mod read_budget;
pub mod shard;
pub mod since;
pub mod spill;
pub mod walk;
pub mod watchdog;

pub use walk::{
    Inputs, collect_files, collect_files_following, collect_files_under, for_each_listed_path,
    recorded_path,
};

use crate::batch::file::{ScanOptions, scan_shared};
use crate::batch::spill::{Spill, Spilled};
use crate::extract::Format;
use crate::review::review_document;
use crate::review::{
    DocumentReview, LimitsInfo, Review, RunOptions, SCHEMA, SkippedInput, ToolInfo, signature,
};
use crate::rules::RuleSet;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// One file to review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Path as shown in reports: as given, `/`-separated, lossy if the name
    /// is not valid UTF-8.
    pub display: String,
    pub path: PathBuf,
    /// Named by the user (on the command line or in `--files-from`), not
    /// met in a walk: skipping it keeps the scan from exiting 0.
    pub named: bool,
}

/// Which files a batch covers.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub paths: Vec<PathBuf>,
    /// `--files-from`: a file of paths, one per line, or `-` for stdin.
    pub files_from: Option<PathBuf>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `--shard K/N` (and `--shard-by`): keep only the paths of this
    /// shard (of these shards, for `prepub verify` of a partial merge).
    pub shard: Option<crate::batch::shard::Partition>,
    /// `--hidden`: walk into hidden files and folders too (version-control
    /// folders are still skipped).
    pub hidden: bool,
}

/// A path as reports show it: `/`-separated, without a leading `./`.
///
/// Bytes of a file name that are not UTF-8 (GBK names from Windows zips and
/// old shares) are written `\xNN`, never replaced by U+FFFD: two files whose
/// names differ only in such bytes stay two documents, and
/// [`path_of_display`] finds each again (`prepub verify`). A `\` of the name
/// itself is shown as `/`, so `\x` can only come from this escaping.
pub fn display_of(path: &Path) -> String {
    let shown = escaped(path).replace('\\', "/");
    let shown = shown.replace(ESCAPE_MARK, "\\x");
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

/// Stands for the `\` of a `\xNN` escape until backslashes of the name
/// itself have become `/` (a private-use character no file name needs).
const ESCAPE_MARK: &str = "\u{F8FF}x";

#[cfg(unix)]
fn escaped(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("{ESCAPE_MARK}{byte:02X}"));
        }
    }
    out
}

#[cfg(not(unix))]
fn escaped(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The path a displayed name stands for: the inverse of [`display_of`]'s
/// `\xNN` escapes (a relative display is relative to where prepub runs).
#[cfg(unix)]
pub fn path_of_display(display: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let bytes = display.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && bytes.get(i + 1) == Some(&b'x')
            && let Some(hex) = display.get(i + 2..i + 4)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 4;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    PathBuf::from(std::ffi::OsString::from_vec(out))
}

#[cfg(not(unix))]
pub fn path_of_display(display: &str) -> PathBuf {
    PathBuf::from(display)
}

pub(crate) fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// In words, what a file type is when it is not a regular file; `None`
/// for a regular file.
fn not_regular(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a directory");
    }
    if file_type.is_symlink() {
        return Some("a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
    }
    Some("of an unknown kind")
}

/// Opens a path for reading only if it is a regular file, and proves it is
/// one from the opened handle. On Unix the open neither follows a symbolic
/// link nor waits (`O_NOFOLLOW | O_NONBLOCK`), so a pipe or device swapped
/// in after the path was looked at cannot block the open; the handle's own
/// metadata then refuses anything that is not a regular file before a byte
/// is read.
pub(crate) fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = options
        .open(path)
        .map_err(|e| format!("cannot read: {}", describe_io(&e)))?;
    let metadata = file
        .metadata()
        .map_err(|e| format!("cannot read: {}", describe_io(&e)))?;
    if let Some(kind) = not_regular(metadata.file_type()) {
        return Err(format!(
            "not a regular file: {kind} (replaced while it was being opened); not read"
        ));
    }
    Ok((file, metadata))
}

/// Why a path that is not a regular file was not read, in words.
fn why_not_read(path: &Path, metadata: &std::fs::Metadata) -> String {
    let file_type = metadata.file_type();
    if file_type.is_symlink() {
        let target = std::fs::read_link(path)
            .map(|target| format!(" (to {})", display_of(&target)))
            .unwrap_or_default();
        return match std::fs::metadata(path) {
            Err(e) => format!(
                "symbolic link{target} cannot be followed: {}; not read",
                describe_io(&e)
            ),
            Ok(pointed)
                if pointed.is_dir()
                    && std::fs::canonicalize(path).is_ok_and(|folder| {
                        path.parent()
                            .and_then(|parent| std::fs::canonicalize(parent).ok())
                            .is_some_and(|parent| parent.starts_with(&folder))
                    }) =>
            {
                format!(
                    "symbolic link not followed{target}: it leads back into a folder it is in (a loop); not read"
                )
            }
            Ok(_) => format!(
                "symbolic link not followed{target}: use --follow, or name the file it points to"
            ),
        };
    }
    if file_type.is_dir() {
        // Met as an entry the walk could not go into: say why.
        return match std::fs::read_dir(path) {
            Err(e) => format!(
                "folder could not be read: {}; the files in it were not reviewed",
                describe_io(&e)
            ),
            Ok(_) => "folder could not be read while the inputs were listed; \
                      the files in it were not reviewed"
                .into(),
        };
    }
    let kind = not_regular(file_type).unwrap_or("a file");
    format!("not a regular file: {kind}; not read")
}

/// What became of one input of a batch: its documents, or why it was not
/// reviewed.
#[derive(Debug)]
pub enum Scanned {
    /// One review per document: one for an ordinary file (also one that
    /// could not be read, as a `failed` document), one per member for a zip
    /// archive.
    Documents(Vec<DocumentReview>),
    /// A file prepub wrote itself (a report, the decisions file): not a
    /// draft, and reviewing it would only find its quotations of the drafts.
    Skipped(SkippedInput),
}

/// Reviews one file from disk; never fails — a file that cannot be read is a
/// document with a `failed` extraction that says why.
///
/// Unlike [`scan_input`], reviews the file even if prepub wrote it.
pub fn scan_file(file: &InputFile, rules: &RuleSet, options: &ScanOptions) -> Vec<DocumentReview> {
    match read_file(file, rules, options) {
        Ok(FileBytes {
            bytes,
            _reservation,
        }) => scan_shared(&file.display, std::sync::Arc::new(bytes), rules, options),
        Err(failed) => vec![*failed],
    }
}

/// Reads one input of a batch and reviews it — unless its content shows it
/// is one of prepub's own files ([`signature::recognise`]), which is
/// skipped, with the reason, instead of being reviewed as a draft.
pub fn scan_input(file: &InputFile, rules: &RuleSet, options: &ScanOptions) -> Scanned {
    // A review the killed run finished is read back from its file; should
    // that fail (the file changed since it was checked), the input is
    // simply reviewed again.
    if let Some(Ok(done)) = options
        .resumed
        .as_ref()
        .and_then(|r| r.documents(&file.display))
    {
        return Scanned::Documents(done);
    }
    let FileBytes {
        bytes,
        _reservation,
    } = match read_file(file, rules, options) {
        Ok(read) => read,
        Err(failed) => return Scanned::Documents(vec![*failed]),
    };
    if let Some(own) = signature::recognise(&bytes) {
        return Scanned::Skipped(SkippedInput::new(
            file.display.clone(),
            own.reason(),
            format!(
                "{}, recognised by its content: not reviewed as a document (it quotes \
                 the documents it is about)",
                own.describe()
            ),
            file.named,
        ));
    }
    if let Some(previous) = &options.since
        && let Some(reused) = previous.reuse(file, &crate::review::sha256_hex(&bytes))
    {
        return Scanned::Documents(reused);
    }
    Scanned::Documents(scan_shared(
        &file.display,
        std::sync::Arc::new(bytes),
        rules,
        options,
    ))
}

/// A file's bytes, and the room they take in the read budget until the
/// document is done.
struct FileBytes {
    bytes: Vec<u8>,
    _reservation: crate::batch::read_budget::Reservation,
}

/// Reads one input file whole, or says why it cannot be reviewed as a
/// failed document.
///
/// Only a regular file is opened, and never through a symbolic link (a link
/// named on the command line was resolved when the inputs were listed). The
/// read is bounded by the bytes actually read, not by what the metadata
/// said: at most `--max-file-size` + 1 bytes are read, and a file whose
/// size changed between looking and reading is failed, never reviewed
/// truncated or half-new.
fn read_file(
    file: &InputFile,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Result<FileBytes, Box<DocumentReview>> {
    let failed = |message: String, bytes: &[u8], size: u64| {
        let extraction = crate::extract::document::Extraction::failed(message);
        let mut review = review_document(
            &file.display,
            bytes,
            Format::Unknown,
            extraction,
            rules,
            &options.review(),
        );
        review.bytes = size;
        Box::new(review)
    };
    match std::fs::symlink_metadata(&file.path) {
        Ok(metadata) if !metadata.file_type().is_file() => {
            return Err(failed(why_not_read(&file.path, &metadata), &[], 0));
        }
        Ok(_) => {}
        Err(e) => return Err(failed(format!("cannot read: {}", describe_io(&e)), &[], 0)),
    }
    let (opened, metadata) = match open_regular(&file.path) {
        Ok(opened) => opened,
        Err(message) => return Err(failed(message, &[], 0)),
    };
    let size = metadata.len();
    let limit = options.limits.max_file_bytes;
    if size > limit {
        let mut review = failed(
            format!(
                "file is {size} bytes, over the limit of {limit} bytes (--max-file-size): not reviewed"
            ),
            &[],
            size,
        );
        review.sha256 = hash_reader(opened).unwrap_or_default();
        return Err(review);
    }
    // Held until this document is done: its bytes are in memory until then.
    let reservation = crate::batch::read_budget::reserve(size, limit);
    #[cfg(debug_assertions)]
    grow_hook(file);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if let Err(e) = opened.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        return Err(failed(
            format!("cannot read: {}", describe_io(&e)),
            &[],
            size,
        ));
    }
    let read = bytes.len() as u64;
    if read > limit {
        return Err(failed(
            format!(
                "file grew while it was read: {size} bytes when looked at, more than the limit of \
                 {limit} bytes (--max-file-size) when read; not reviewed"
            ),
            &[],
            read,
        ));
    }
    if read != size {
        return Err(failed(
            format!(
                "file changed while it was read: {size} bytes when looked at, {read} bytes read; \
                 not reviewed (scan it again once it is no longer being written)"
            ),
            &bytes,
            read,
        ));
    }
    Ok(FileBytes {
        bytes,
        _reservation: reservation,
    })
}

/// Reads one input file whole, as [`scan_file`] does, for commands that
/// take a single file (`prepub extract`): only a regular file is opened
/// (a link named is followed to its target first), at most `limit` + 1
/// bytes are read, and a file over `limit` or one that changed while it was
/// read is an error saying so.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let path =
        std::fs::canonicalize(path).map_err(|e| format!("cannot read: {}", describe_io(&e)))?;
    let metadata = std::fs::symlink_metadata(&path)
        .map_err(|e| format!("cannot read: {}", describe_io(&e)))?;
    if !metadata.file_type().is_file() {
        return Err(why_not_read(&path, &metadata));
    }
    let (opened, metadata) = open_regular(&path)?;
    let size = metadata.len();
    if size > limit {
        return Err(format!(
            "file is {size} bytes, over the limit of {limit} bytes (--max-file-size): not read"
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    opened
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {}", describe_io(&e)))?;
    let read = bytes.len() as u64;
    if read != size {
        return Err(format!(
            "file changed while it was read: {size} bytes when looked at, {read} bytes read \
             (at most {limit} + 1 are read); not read"
        ));
    }
    Ok(bytes)
}

/// Test-only hook of debug builds: after a file whose path contains
/// `PREPUB_TEST_GROW`'s value has been opened and its size taken, and
/// before it is read, a line is appended to it, as a writer still writing
/// it would — so tests can make "changed while read" happen at a known
/// point.
#[cfg(debug_assertions)]
fn grow_hook(file: &InputFile) {
    if let Ok(trigger) = std::env::var("PREPUB_TEST_GROW")
        && !trigger.is_empty()
        && file.display.contains(&trigger)
        && let Ok(mut grown) = std::fs::OpenOptions::new().append(true).open(&file.path)
    {
        let _ =
            std::io::Write::write_all(&mut grown, "机密★1年 (appended while read)\n".as_bytes());
    }
}

fn hash_reader(mut file: impl Read) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// How to run a batch.
#[derive(Clone, Debug, Default)]
pub struct BatchOptions {
    /// Worker threads; `None` = all cores.
    pub jobs: Option<usize>,
    /// Draw a progress bar (only ever on a terminal).
    pub progress: bool,
    /// The language of the progress line.
    pub lang: crate::report::Lang,
    pub scan: ScanOptions,
}

/// Why a batch produced no review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchError {
    /// The batch could not start (worker threads); the message says why.
    Setup(String),
    /// The user pressed Ctrl-C: how many files had been reviewed.
    Interrupted { done: usize, total: usize },
    /// Finished reviews could not be kept in (or read back from) the
    /// temporary file; the message says why.
    Storage(String),
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::Setup(message) | BatchError::Storage(message) => f.write_str(message),
            BatchError::Interrupted { done, total } => write!(
                f,
                "interrupted after {done} of {total} files; no report written"
            ),
        }
    }
}

/// A finished batch: everything of the review but its documents, which
/// wait in a [`Spilled`] file to be streamed into the reports.
#[derive(Debug)]
pub struct BatchReview {
    /// The review with no documents; its summary counts them all.
    pub head: Review,
    pub documents: Spilled,
}

impl BatchReview {
    /// The whole review in memory, for the commands that need every
    /// document at once (the interactive `review`).
    pub fn into_review(self) -> Result<Review, BatchError> {
        self.documents
            .into_review(self.head)
            .map_err(BatchError::Storage)
    }
}

/// Reviews every file and assembles the batch review in memory.
pub fn run(inputs: &Inputs, rules: &RuleSet, options: &BatchOptions) -> Result<Review, BatchError> {
    run_spilled(inputs, rules, options, &|_| {})?.into_review()
}

/// Reviews every file; each finished review first goes through `each`
/// (the decisions of `scan --decisions`) and then to the spill.
///
/// After Ctrl-C no new file is started and files being read are abandoned;
/// the batch then returns [`BatchError::Interrupted`] rather than a review
/// that would silently lack documents.
///
/// The review lists what the walk skipped and the files found to be
/// prepub's own ([`scan_input`]), sorted by path.
pub fn run_spilled(
    inputs: &Inputs,
    rules: &RuleSet,
    options: &BatchOptions,
    each: &(dyn Fn(&mut DocumentReview) + Sync),
) -> Result<BatchReview, BatchError> {
    run_streamed(inputs, rules, options, each, &|_, _| Ok(()))
}

/// What [`run_streamed`] hands each input's reviews to: the input's
/// display path and its documents.
pub type Finished<'a> = dyn Fn(&str, &[DocumentReview]) -> Result<(), String> + Sync + 'a;

/// [`run_spilled`], handing each input's finished reviews to `finished`
/// (with the input's display path) as soon as the input is done, in the
/// order inputs finish: `--format jsonl` streams them. An error from
/// `finished` (the stream could not be written) stops the batch as a
/// storage failure.
pub fn run_streamed(
    inputs: &Inputs,
    rules: &RuleSet,
    options: &BatchOptions,
    each: &(dyn Fn(&mut DocumentReview) + Sync),
    finished: &Finished<'_>,
) -> Result<BatchReview, BatchError> {
    let files = inputs.files.as_slice();
    let started_at = now_rfc3339();
    let progress = progress::Progress::new(files.len(), options.progress, options.lang);
    let done = AtomicUsize::new(0);
    let reused = AtomicUsize::new(0);
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| BatchError::Setup(format!("cannot start worker threads: {e}")))?;
    let spill = Mutex::new(Spill::with_capacity(files.len()).map_err(BatchError::Storage)?);
    let storage_failure: Mutex<Option<String>> = Mutex::new(None);
    let own_files: Mutex<Vec<SkippedInput>> = Mutex::new(Vec::new());
    // Once the spill has failed the batch cannot produce a review: stop
    // starting files rather than read them for nothing.
    let storage_failed = AtomicBool::new(false);
    let failed = |message: String| {
        let mut slot = storage_failure.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(message);
        storage_failed.store(true, Ordering::Relaxed);
    };
    pool.install(|| {
        files.par_iter().enumerate().for_each(|(index, file)| {
            if crate::batch::interrupt::requested() || storage_failed.load(Ordering::Relaxed) {
                return;
            }
            #[cfg(debug_assertions)]
            interrupt_hook(file);
            progress.start(index, &file.display);
            crate::extract::ocr::set_page_progress(progress.ocr_pages(index));
            let scanned = scan_input(file, rules, &options.scan);
            crate::extract::ocr::set_page_progress(None);
            if crate::batch::interrupt::requested() {
                // Possibly abandoned half-way: not a review to keep.
                return;
            }
            done.fetch_add(1, Ordering::Relaxed);
            let mut reviews = match scanned {
                Scanned::Documents(reviews) => reviews,
                Scanned::Skipped(skipped) => {
                    progress.finish(index, 1);
                    own_files
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(skipped);
                    return;
                }
            };
            progress.finish(index, reviews.len());
            reused.fetch_add(
                reviews.iter().filter(|r| r.reused_from.is_some()).count(),
                Ordering::Relaxed,
            );
            let mut lines = Vec::with_capacity(reviews.len());
            for review in &mut reviews {
                each(review);
                match Spill::encode(review) {
                    Ok(line) => lines.push(line),
                    Err(message) => return failed(message),
                }
            }
            if let Err(message) = finished(&file.display, &reviews) {
                return failed(message);
            }
            let mut spill = spill.lock().unwrap_or_else(|e| e.into_inner());
            for (member, (review, line)) in reviews.iter().zip(&lines).enumerate() {
                if let Err(message) = spill.push(review, line, index, member, &file.display) {
                    return failed(message);
                }
            }
        })
    });
    if crate::batch::interrupt::requested() {
        progress.clear();
        return Err(BatchError::Interrupted {
            done: done.load(Ordering::Relaxed),
            total: files.len(),
        });
    }
    let failure = storage_failure
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(message) = failure {
        progress.clear();
        return Err(BatchError::Storage(message));
    }
    progress.reading_done();
    let spill = spill.into_inner().unwrap_or_else(|e| e.into_inner());
    let documents = spill
        .finish(|index| files.get(index).map_or("", |file| file.display.as_str()))
        .map_err(BatchError::Storage)?;
    let mut skipped = inputs.skipped.clone();
    skipped.extend(own_files.into_inner().unwrap_or_else(|e| e.into_inner()));
    skipped.sort();
    let head = Review {
        schema: SCHEMA.to_owned(),
        tool: ToolInfo::current(),
        started_at,
        rules: rules.info(),
        summary: documents.tally().summary.clone(),
        skipped,
        documents: Vec::new(),
        options: Some(RunOptions {
            since: options
                .scan
                .since
                .as_ref()
                .map(|previous| previous.info(files, reused.load(Ordering::Relaxed))),
            ..run_options(&options.scan)
        }),
        decisions: None,
    };
    Ok(BatchReview { head, documents })
}

/// The options a review records for a scan with `scan` (the inputs, the
/// configuration file and the shard are filled in by the command).
pub fn run_options(scan: &ScanOptions) -> RunOptions {
    RunOptions {
        show_match: scan.show_match,
        explain: scan.explain,
        limits: LimitsInfo::of(&scan.limits),
        passwords: scan.passwords.len(),
        shard: None,
        inputs: None,
        ocr: Some(crate::review::OcrInfo::of(&scan.ocr)),
        config: None,
        since: None,
    }
}

/// Test-only hook of debug builds: starting a file whose path contains
/// `PREPUB_TEST_INTERRUPT`'s value acts as if Ctrl-C had been pressed, so
/// tests can interrupt a batch at a known point on every platform.
#[cfg(debug_assertions)]
fn interrupt_hook(file: &InputFile) {
    if let Ok(trigger) = std::env::var("PREPUB_TEST_INTERRUPT")
        && !trigger.is_empty()
        && file.display.contains(&trigger)
    {
        crate::batch::interrupt::request();
    }
}

/// The current time as RFC 3339 UTC, second precision.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    now.format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_path_is_named() {
        let selection = Selection {
            paths: vec![PathBuf::from("no/such/dir")],
            ..Selection::default()
        };
        let error = collect_files(&selection).unwrap_err();
        assert!(
            error.contains("no/such/dir") && error.contains("no such file"),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn lists_what_is_not_a_regular_file_instead_of_dropping_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("gone"), root.join("dangling.txt")).unwrap();
        let selection = Selection {
            paths: vec![root.to_path_buf()],
            ..Selection::default()
        };
        let files = collect_files(&selection).unwrap().files;
        let names: Vec<String> = files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.txt", "dangling.txt", "link.txt"]);
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let options = ScanOptions::default();
        let expected = ["cannot be followed: no such file", "not followed (to "];
        for (file, says) in files[1..].iter().zip(expected) {
            let reviews = scan_file(file, &rules, &options);
            assert_eq!(reviews.len(), 1);
            assert_eq!(
                reviews[0].extraction.status,
                crate::extract::document::ExtractionStatus::Failed
            );
            assert!(
                reviews[0].extraction.problems[0]
                    .message
                    .starts_with("symbolic link")
                    && reviews[0].extraction.problems[0].message.contains(says),
                "{:?}",
                reviews[0].extraction.problems
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn following_links_reads_targets_and_lists_loops() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
        std::fs::create_dir(outside.path().join("folder")).unwrap();
        std::fs::write(outside.path().join("folder/inner.txt"), "i").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("f.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("folder"), root.join("g")).unwrap();
        std::fs::create_dir(root.join("h")).unwrap();
        std::os::unix::fs::symlink(root, root.join("h/loop")).unwrap();
        let selection = Selection {
            paths: vec![root.to_path_buf()],
            ..Selection::default()
        };
        let files = collect_files_following(&selection, true).unwrap().files;
        let shown: Vec<String> = files
            .iter()
            .map(|f| f.display.rsplit('/').next().unwrap().to_owned())
            .collect();
        assert_eq!(shown, ["f.txt", "inner.txt", "loop"], "{files:?}");
        assert_eq!(
            files[0].path,
            std::fs::canonicalize(outside.path().join("secret.txt")).unwrap()
        );
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let options = ScanOptions::default();
        let read = scan_file(&files[0], &rules, &options);
        assert_eq!(read[0].bytes, 1);
        let looped = scan_file(&files[2], &rules, &options);
        let message = &looped[0].extraction.problems[0].message;
        assert!(message.contains("(a loop)"), "{message}");
        // Not followed, the same tree lists the links unread.
        let unfollowed = collect_files(&selection).unwrap().files;
        assert_eq!(unfollowed.len(), 3, "{unfollowed:?}");
    }

    #[cfg(unix)]
    #[test]
    fn read_input_refuses_devices_and_reads_files_through_named_links() {
        let error = read_input(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert_eq!(error, "not a regular file: a character device; not read");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "abc").unwrap();
        std::os::unix::fs::symlink(dir.path().join("a.txt"), dir.path().join("l.txt")).unwrap();
        assert_eq!(read_input(&dir.path().join("l.txt"), 10).unwrap(), b"abc");
        let over = read_input(&dir.path().join("a.txt"), 2).unwrap_err();
        assert!(over.contains("over the limit of 2 bytes"), "{over}");
    }
}
