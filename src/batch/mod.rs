//! The batch: walk the inputs, review documents in parallel, keep order.
//!
//! Takes paths, rules and options; gives the batch's `Review`. One file
//! goes through extract → review in [`mod@file`], under the [`watchdog`] and
//! the limits; finished reviews wait in the [`spill`].
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
pub mod read_budget;
pub mod shard;
pub mod spill;
pub mod watchdog;

use crate::batch::file::{ScanOptions, scan_shared};
use crate::batch::spill::{Spill, Spilled};
use crate::extract::Format;
use crate::review::review_document;
use crate::review::{DocumentReview, LimitsInfo, Review, RunOptions, SCHEMA, ToolInfo};
use crate::rules::RuleSet;
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::io::{BufRead, IsTerminal, Read};
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
}

/// Which files a batch covers.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub paths: Vec<PathBuf>,
    /// `--files-from`: a file of paths, one per line, or `-` for stdin.
    pub files_from: Option<PathBuf>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `--shard K/N`: keep only the files of this shard.
    pub shard: Option<crate::batch::shard::Shard>,
}

fn display_of(path: &Path) -> String {
    let shown = path.to_string_lossy().replace('\\', "/");
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

fn glob_set(patterns: &[String], flag: &str) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| format!("{flag} {pattern}: {e}"))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| format!("{flag}: {e}"))
}

fn is_hidden_or_vcs(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || matches!(name.as_ref(), "CVS" | "_darcs")
}

/// Expands directories, applies include/exclude and the shard, and sorts by
/// display path. A path that does not exist is an error naming it.
///
/// `--files-from` is read as a stream, one path at a time: each listed path
/// is checked, walked and filtered as it is read, so a list of millions of
/// paths never sits in memory as a whole — only the files this run (this
/// shard) will review are kept, as their path strings. Sorting at the end
/// keeps the review's order independent of the list's order.
pub fn collect_files(selection: &Selection) -> Result<Vec<InputFile>, String> {
    let include = glob_set(&selection.include, "--include")?;
    let exclude = glob_set(&selection.exclude, "--exclude")?;
    let wanted = |display: &str, path: &Path| {
        if selection
            .shard
            .is_some_and(|shard| !shard.contains(display))
        {
            return false;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let matches = |set: &GlobSet| set.is_match(display) || set.is_match(&name);
        include.as_ref().is_none_or(matches) && !exclude.as_ref().is_some_and(matches)
    };
    let mut files = Vec::new();
    let mut add_root = |root: PathBuf| -> Result<(), String> {
        let metadata = std::fs::metadata(&root)
            .map_err(|e| format!("{}: {}", root.display(), describe_io(&e)))?;
        if metadata.is_dir() {
            let walker = walkdir::WalkDir::new(&root)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|entry| entry.depth() == 0 || !is_hidden_or_vcs(entry.file_name()));
            for entry in walker {
                let entry = entry.map_err(|e| format!("{}: {e}", root.display()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let display = display_of(entry.path());
                if wanted(&display, entry.path()) {
                    files.push(InputFile {
                        display,
                        path: entry.into_path(),
                    });
                }
            }
        } else {
            let display = display_of(&root);
            if wanted(&display, &root) {
                files.push(InputFile {
                    display,
                    path: root,
                });
            }
        }
        Ok(())
    };
    for root in &selection.paths {
        add_root(root.clone())?;
    }
    if let Some(list) = &selection.files_from {
        for_each_listed_path(list, &mut add_root)?;
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    files.dedup_by(|a, b| a.display == b.display);
    // The list lives as long as the batch: give back the room its growth
    // left over.
    files.shrink_to_fit();
    Ok(files)
}

/// Calls `each` for every non-empty line of a `--files-from` list, reading
/// the list as a stream.
fn for_each_listed_path(
    list: &Path,
    each: &mut dyn FnMut(PathBuf) -> Result<(), String>,
) -> Result<(), String> {
    let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(list)
            .map_err(|e| format!("--files-from {}: {}", list.display(), describe_io(&e)))?;
        Box::new(std::io::BufReader::new(file))
    };
    for line in reader.lines() {
        let line = line.map_err(|e| format!("--files-from {}: {e}", list.display()))?;
        let line = line.trim_end_matches('\r');
        if !line.trim().is_empty() {
            each(PathBuf::from(line))?;
        }
    }
    Ok(())
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// Reviews one file from disk; never fails — a file that cannot be read is a
/// document with a `failed` extraction that says why.
pub fn scan_file(file: &InputFile, rules: &RuleSet, options: &ScanOptions) -> Vec<DocumentReview> {
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
        review
    };
    let size = match std::fs::metadata(&file.path) {
        Ok(metadata) => metadata.len(),
        Err(e) => return vec![failed(format!("cannot read: {}", describe_io(&e)), &[], 0)],
    };
    if size > options.limits.max_file_bytes {
        let mut review = failed(
            format!(
                "file is {size} bytes, over the limit of {} bytes (--max-file-size): not reviewed",
                options.limits.max_file_bytes
            ),
            &[],
            size,
        );
        review.sha256 = hash_file(&file.path).unwrap_or_default();
        return vec![review];
    }
    // Held until this document is done: its bytes are in memory until then.
    let _reservation = crate::batch::read_budget::reserve(size, options.limits.max_file_bytes);
    match std::fs::read(&file.path) {
        Ok(bytes) => scan_shared(&file.display, std::sync::Arc::new(bytes), rules, options),
        Err(e) => vec![failed(
            format!("cannot read: {}", describe_io(&e)),
            &[],
            size,
        )],
    }
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
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
pub fn run(
    files: &[InputFile],
    rules: &RuleSet,
    options: &BatchOptions,
) -> Result<Review, BatchError> {
    run_spilled(files, rules, options, &|_| {})?.into_review()
}

/// Reviews every file; each finished review first goes through `each`
/// (the decisions of `scan --decisions`) and then to the spill.
///
/// After Ctrl-C no new file is started and files being read are abandoned;
/// the batch then returns [`BatchError::Interrupted`] rather than a review
/// that would silently lack documents.
pub fn run_spilled(
    files: &[InputFile],
    rules: &RuleSet,
    options: &BatchOptions,
    each: &(dyn Fn(&mut DocumentReview) + Sync),
) -> Result<BatchReview, BatchError> {
    let started_at = now_rfc3339();
    let bar = progress_bar(files.len(), options.progress);
    let findings_so_far = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| BatchError::Setup(format!("cannot start worker threads: {e}")))?;
    let spill = Mutex::new(Spill::with_capacity(files.len()).map_err(BatchError::Storage)?);
    let storage_failure: Mutex<Option<String>> = Mutex::new(None);
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
            let mut reviews = scan_file(file, rules, &options.scan);
            if crate::batch::interrupt::requested() {
                // Possibly abandoned half-way: not a review to keep.
                return;
            }
            done.fetch_add(1, Ordering::Relaxed);
            if let Some(bar) = &bar {
                let found: usize = reviews.iter().map(|r| r.findings.len()).sum();
                let total = findings_so_far.fetch_add(found, Ordering::Relaxed) + found;
                bar.set_message(format!("{total} findings · {}", file.display));
                bar.inc(1);
            }
            let mut lines = Vec::with_capacity(reviews.len());
            for review in &mut reviews {
                each(review);
                match Spill::encode(review) {
                    Ok(line) => lines.push(line),
                    Err(message) => return failed(message),
                }
            }
            let mut spill = spill.lock().unwrap_or_else(|e| e.into_inner());
            for (member, (review, line)) in reviews.iter().zip(&lines).enumerate() {
                if let Err(message) = spill.push(review, line, index, member, &file.display) {
                    return failed(message);
                }
            }
        })
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if crate::batch::interrupt::requested() {
        return Err(BatchError::Interrupted {
            done: done.load(Ordering::Relaxed),
            total: files.len(),
        });
    }
    let failure = storage_failure
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(message) = failure {
        return Err(BatchError::Storage(message));
    }
    let spill = spill.into_inner().unwrap_or_else(|e| e.into_inner());
    let documents = spill
        .finish(|index| files.get(index).map_or("", |file| file.display.as_str()))
        .map_err(BatchError::Storage)?;
    let head = Review {
        schema: SCHEMA.to_owned(),
        tool: ToolInfo::current(),
        started_at,
        rules: rules.info(),
        summary: documents.tally().summary.clone(),
        documents: Vec::new(),
        options: Some(RunOptions {
            show_match: options.scan.show_match,
            explain: options.scan.explain,
            limits: LimitsInfo::of(&options.scan.limits),
            passwords: options.scan.passwords.len(),
            shard: None,
        }),
        decisions: None,
    };
    Ok(BatchReview { head, documents })
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

fn progress_bar(total: usize, wanted: bool) -> Option<indicatif::ProgressBar> {
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} documents · ETA {eta} · {wide_msg}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
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
    fn walks_sorted_skipping_hidden_and_applies_globs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("b/z.txt"), "z").unwrap();
        std::fs::write(root.join("a.md"), "a").unwrap();
        std::fs::write(root.join(".hidden.txt"), "h").unwrap();
        std::fs::write(root.join(".git/config"), "c").unwrap();
        let mut selection = Selection {
            paths: vec![root.to_path_buf()],
            ..Selection::default()
        };
        let names = |files: Vec<InputFile>| -> Vec<String> {
            files
                .into_iter()
                .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(collect_files(&selection).unwrap()), ["a.md", "z.txt"]);
        selection.exclude = vec!["*.md".into()];
        assert_eq!(names(collect_files(&selection).unwrap()), ["z.txt"]);
        selection.exclude.clear();
        selection.include = vec!["*.md".into()];
        assert_eq!(names(collect_files(&selection).unwrap()), ["a.md"]);
    }

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
}
