//! One file through the pipeline: detect its format, extract it under the
//! watchdog (or take the extraction from the cache), then review it.
//!
//! A zip archive is opened here too, and each member goes through the same
//! steps as a document of its own (`archive.zip!/inner.docx`).

use crate::batch::cache::Cache;
use crate::batch::interrupt;
use crate::batch::watchdog::{self, Outcome, Watchdog};
use crate::extract::document::Extraction;
use crate::extract::limits::{Deadline, Limits};
use crate::extract::ocr::{self, OcrSettings};
use crate::extract::{self, Format, Request};
use crate::review::{DocumentReview, Identity, ReviewOptions, review_document, review_extraction};
use crate::rules::RuleSet;
use std::panic::catch_unwind;
use std::sync::Arc;

/// Options that change what a scan finds or shows.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Show personal data unmasked.
    pub show_match: bool,
    /// Record the conditions checked for each finding.
    pub explain: bool,
    pub limits: Limits,
    pub passwords: Vec<String>,
    /// Holds the time budget when an extractor does not (shared by the
    /// whole batch, so the cap on abandoned readers is per batch).
    pub watchdog: Watchdog,
    /// Reuse extractions of identical bytes from earlier runs (`--cache`).
    pub cache: Option<Arc<Cache>>,
    /// Whether and how pictures are read (`--no-ocr`, `--ocr-lang`,
    /// `--ocr-max-pages`).
    pub ocr: OcrSettings,
}

impl ScanOptions {
    /// The options the review stage needs (what to show, what to explain).
    pub fn review(&self) -> ReviewOptions {
        ReviewOptions {
            show_match: self.show_match,
            explain: self.explain,
        }
    }
}

/// Reviews one file's bytes. Returns one review per document: one for an
/// ordinary file, one per member for a zip archive.
///
/// Copies the bytes once so the reader can run on its own thread; callers
/// that own the bytes use [`scan_shared`].
pub fn scan_bytes(
    path: &str,
    bytes: &[u8],
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    scan_shared(path, Arc::new(bytes.to_vec()), rules, options)
}

/// [`scan_bytes`] for bytes the caller already owns: no copy.
pub fn scan_shared(
    path: &str,
    bytes: Arc<Vec<u8>>,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    let format = detect_safely(&bytes, path);
    if format == Format::Zip {
        return scan_archive(path, &bytes, rules, options);
    }
    let identity = Identity::of(&bytes);
    let extraction = extract_safely(format, path, &bytes, options);
    drop(bytes);
    vec![review_extraction(
        path,
        identity,
        format,
        extraction,
        rules,
        &options.review(),
    )]
}

/// Reviews each member of a zip archive as its own document, named
/// `archive.zip!/inner.docx`. A member that cannot be read is a failed
/// document with the reason; an archive that cannot be opened at all is one
/// failed document.
fn scan_archive(
    path: &str,
    bytes: &Arc<Vec<u8>>,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    // Opening an archive inflates its members: under the same watchdog and
    // budget as reading a document.
    let shared = Arc::clone(bytes);
    let limits = options.limits.clone();
    let budget = limits.time_budget;
    let wait = budget.saturating_add(watchdog::grace(budget));
    let members = match options.watchdog.run(wait, &interrupt::requested, move || {
        extract::archive::members(&shared, &limits)
    }) {
        Outcome::Done(members) => members,
        Outcome::Panicked(message) => Err(format!(
            "internal error while opening the archive ({message})"
        )),
        Outcome::TimedOut => Err(format!(
            "time budget of {} exceeded (--timeout) while opening the archive",
            seconds(budget)
        )),
        Outcome::Interrupted => Err("interrupted (Ctrl-C) before the archive was read".into()),
        Outcome::NotStarted(message) => Err(message),
    };
    let members = match members {
        Ok(members) => members,
        Err(why) => {
            let extraction = Extraction::failed(format!("zip archive: {why}"));
            return vec![review_document(
                path,
                bytes,
                Format::Zip,
                extraction,
                rules,
                &options.review(),
            )];
        }
    };
    members
        .into_iter()
        .map(|member| {
            let name = format!("{path}!/{}", member.name);
            match member.content {
                Ok(content) => {
                    let content = Arc::new(content);
                    let format = detect_safely(&content, &member.name);
                    let extraction = if format == Format::Zip {
                        Extraction::failed(
                            "archive nested deeper than prepub opens: unpack it and rescan",
                        )
                    } else {
                        extract_safely(format, &name, &content, options)
                    };
                    review_document(
                        &name,
                        &content,
                        format,
                        extraction,
                        rules,
                        &options.review(),
                    )
                }
                Err(why) => {
                    let extraction = Extraction::failed(format!("archive member not read: {why}"));
                    review_document(
                        &name,
                        &[],
                        Format::Unknown,
                        extraction,
                        rules,
                        &options.review(),
                    )
                }
            }
        })
        .collect()
}

fn detect_safely(bytes: &[u8], path: &str) -> Format {
    catch_unwind(|| extract::detect(bytes, path)).unwrap_or(Format::Unknown)
}

/// Runs the extractor under the watchdog: a panic is contained to this
/// document, and a reader that overruns the time budget (plus a short grace
/// to return what it read) is abandoned and the document reported failed.
pub fn extract_safely(
    format: Format,
    path: &str,
    bytes: &Arc<Vec<u8>>,
    options: &ScanOptions,
) -> Extraction {
    let cached = options.cache.as_ref().map(|cache| {
        let key = Cache::key(
            bytes,
            format,
            &options.limits,
            &options.passwords,
            &options.ocr,
        );
        (cache, key)
    });
    if let Some((cache, key)) = &cached
        && let Some(extraction) = cache.get(key)
    {
        return extraction;
    }
    let budget = options.limits.time_budget;
    let name = path.to_owned();
    let shared = Arc::clone(bytes);
    let limits = options.limits.clone();
    let passwords = options.passwords.clone();
    let settings = options.ocr.clone();
    let work = move || {
        #[cfg(debug_assertions)]
        test_hooks(&name);
        let deadline = Deadline::after(limits.time_budget);
        let request = Request {
            bytes: &shared,
            name: &name,
            limits: &limits,
            deadline,
            passwords: &passwords,
        };
        let mut extraction = extract::extract(format, &request);
        // The pictures the reader met, under the same watchdog and budget.
        ocr::recognise(&mut extraction, &settings, &limits, deadline);
        extraction
    };
    let wait = budget.saturating_add(watchdog::grace(budget));
    match options.watchdog.run(wait, &interrupt::requested, work) {
        Outcome::Done(extraction) => {
            if let Some((cache, key)) = &cached {
                cache.put(key, path, &extraction);
            }
            extraction
        }
        Outcome::Panicked(message) => Extraction::failed(format!(
            "internal error while reading this {format} document ({message}); it was not reviewed — please report this file"
        )),
        Outcome::TimedOut => Extraction::failed(format!(
            "time budget of {} exceeded (--timeout): reading was abandoned and the document was not reviewed",
            seconds(budget)
        )),
        Outcome::Interrupted => {
            Extraction::failed("interrupted (Ctrl-C) before this document was read")
        }
        Outcome::NotStarted(message) => Extraction::failed(message),
    }
}

/// A duration as people write it in messages: `120 s`, `0.5 s`.
pub fn seconds(duration: std::time::Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// Test-only hooks of debug builds, driven by environment variables naming
/// part of a file name, so integration tests can prove containment:
/// `PREPUB_TEST_PANIC` panics inside extraction; `PREPUB_TEST_HANG` never
/// returns (ignoring the deadline, like a stuck parser would).
#[cfg(debug_assertions)]
fn test_hooks(path: &str) {
    let triggered = |variable: &str| {
        std::env::var(variable).is_ok_and(|trigger| !trigger.is_empty() && path.contains(&trigger))
    };
    if triggered("PREPUB_TEST_PANIC") {
        panic!("test panic for {path}");
    }
    if triggered("PREPUB_TEST_HANG") {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}
