//! One file through the pipeline: detect its format, extract it under the
//! watchdog (or take the extraction from the cache), then review it.
//!
//! Containers are opened here too — a zip archive, a mail — and each member
//! or attachment goes through the same steps as a document of its own
//! (`archive.zip!/inner.docx`, `mail.eml!/附件.docx`), containers inside
//! containers included, under one budget per file (see
//! [`crate::extract::members`]).

use crate::batch::cache::Cache;
use crate::batch::interrupt;
use crate::batch::watchdog::{self, Outcome, Watchdog};
use crate::extract::document::{Extraction, ExtractionStatus, Part, Problem};
use crate::extract::limits::{Deadline, Limits};
use crate::extract::members::{Budget, MAX_NESTING};
use crate::extract::mime::Opened;
use crate::extract::ocr::{self, OcrSettings};
use crate::extract::{self, Format, Request};
use crate::review::{DocumentReview, Identity, ReviewOptions, review_document, review_extraction};
use crate::rules::RuleSet;
use std::panic::catch_unwind;
use std::sync::Arc;

/// The reviews a killed run finished, by input display path: where each
/// is, and how to read it back, so a resumed scan of a million documents
/// holds an index rather than the reviews.
pub struct Resumed {
    inputs: std::collections::HashMap<String, Vec<ResumedAt>>,
    read: Box<dyn Fn(ResumedAt) -> Result<DocumentReview, String> + Send + Sync>,
}

/// Where one finished review is, in the file a killed run left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResumedAt {
    pub offset: u64,
    pub len: u64,
}

impl Resumed {
    /// The finished inputs and where their reviews are; `read` reads one.
    pub fn new(
        inputs: std::collections::HashMap<String, Vec<ResumedAt>>,
        read: Box<dyn Fn(ResumedAt) -> Result<DocumentReview, String> + Send + Sync>,
    ) -> Resumed {
        Resumed { inputs, read }
    }

    /// How many inputs the killed run finished.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// Whether the killed run finished `input`.
    pub fn contains(&self, input: &str) -> bool {
        self.inputs.contains_key(input)
    }

    /// The reviews of `input`, read back, when the killed run finished it.
    pub fn documents(&self, input: &str) -> Option<Result<Vec<DocumentReview>, String>> {
        let places = self.inputs.get(input)?;
        Some(places.iter().map(|&at| (self.read)(at)).collect())
    }
}

impl std::fmt::Debug for Resumed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resumed")
            .field("inputs", &self.inputs.len())
            .finish()
    }
}

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
    /// `--since previous.json`: reviews of unchanged files to take over.
    pub since: Option<Arc<crate::batch::since::Previous>>,
    /// `--resume FILE.jsonl`: the reviews a killed run of this same scan
    /// finished, by input; those inputs are not read again.
    pub resumed: Option<Arc<Resumed>>,
    /// Threads one large text is matched on (`--jobs`; `None`: every core).
    pub threads: Option<std::num::NonZeroUsize>,
}

impl ScanOptions {
    /// The options the review stage needs (what to show, what to explain).
    pub fn review(&self) -> ReviewOptions {
        ReviewOptions {
            show_match: self.show_match,
            explain: self.explain,
            threads: self.threads,
        }
    }
}

/// Reviews one file's bytes. Returns one review per document: one for an
/// ordinary file, one per member for a zip archive, one for a mail and one
/// per attachment.
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
    let mut budget = Budget::new(&options.limits);
    scan_nested(path, bytes, 0, &mut budget, rules, options)
}

/// One file, or one member of a container `depth` containers deep: a zip
/// archive becomes its members' documents, a mail its own document and
/// its attachments' documents, anything else one document. `budget` is
/// shared by everything read out of the file given.
fn scan_nested(
    path: &str,
    bytes: Arc<Vec<u8>>,
    depth: usize,
    budget: &mut Budget,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    let format = detect_safely(&bytes, path);
    let container = matches!(format, Format::Zip | Format::Mail);
    if container && depth >= MAX_NESTING {
        let extraction = Extraction::failed(format!(
            "not opened: archives and mails nested more than {MAX_NESTING} deep; save it and review it separately"
        ));
        return vec![review_document(
            path,
            &bytes,
            format,
            extraction,
            rules,
            &options.review(),
        )];
    }
    match format {
        Format::Zip => scan_archive(path, &bytes, depth, budget, rules, options),
        Format::Mail => scan_mail(path, bytes, depth, budget, rules, options),
        _ => {
            let identity = Identity::of(&bytes);
            let extraction = extract_safely(format, path, bytes, options);
            vec![review_extraction(
                path,
                identity,
                format,
                extraction,
                rules,
                &options.review(),
            )]
        }
    }
}

/// Reviews each member of a zip archive as its own document, named
/// `archive.zip!/inner.docx`. A member that cannot be read is a failed
/// document with the reason; an archive that cannot be opened at all is one
/// failed document.
fn scan_archive(
    path: &str,
    bytes: &Arc<Vec<u8>>,
    depth: usize,
    budget: &mut Budget,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    // Opening an archive inflates its members: under the same watchdog and
    // budget as reading a document.
    let shared = Arc::clone(bytes);
    let limits = options.limits.clone();
    let budget_time = limits.time_budget;
    let wait = budget_time.saturating_add(watchdog::grace(budget_time));
    let mut left = *budget;
    let opened = options.watchdog.run(wait, &interrupt::requested, move || {
        let members = extract::archive::members_within(&shared, &limits, depth, &mut left);
        (members, left)
    });
    let members = match opened {
        Outcome::Done((members, left)) => {
            *budget = left;
            members
        }
        Outcome::Panicked(message) => Err(format!(
            "internal error while opening the archive ({message})"
        )),
        Outcome::TimedOut => Err(format!(
            "time budget of {} exceeded (--timeout) while opening the archive",
            seconds(budget_time)
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
    let mut reviews = Vec::with_capacity(members.len());
    for member in members {
        let name = format!("{path}!/{}", member.name);
        match member.content {
            // Nested zips were opened by the archive reader; a mail among
            // the members is opened here, one level deeper.
            Ok(content) => reviews.extend(scan_nested(
                &name,
                Arc::new(content),
                member.depth,
                budget,
                rules,
                options,
            )),
            Err(why) => {
                let extraction = Extraction::failed(format!("archive member not read: {why}"));
                reviews.push(review_document(
                    &name,
                    &[],
                    Format::Unknown,
                    extraction,
                    rules,
                    &options.review(),
                ));
            }
        }
    }
    reviews
}

/// Reviews a mail (or saved page) and, as documents of their own, its
/// attachments, named `mail.eml!/附件.docx`. The mail is reviewed last, so
/// that an attachment that could not be read in full makes the mail
/// `partial`, naming it: a mail is not `pass` while a file it carries went
/// unread.
fn scan_mail(
    path: &str,
    bytes: Arc<Vec<u8>>,
    depth: usize,
    budget: &mut Budget,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    let identity = Identity::of(&bytes);
    let settings = options.ocr.clone();
    let pages = ocr::page_progress();
    let opened = guarded(Format::Mail, path, bytes, options, move |request| {
        ocr::set_page_progress(pages);
        let mut opened = extract::mime::open(request);
        // The saved page's pictures, as for any other document.
        ocr::recognise(
            &mut opened.extraction,
            &settings,
            request.limits,
            request.deadline,
        );
        opened
    });
    let Opened {
        mut extraction,
        attachments,
    } = opened.unwrap_or_else(|failed| Opened {
        extraction: *failed,
        attachments: Vec::new(),
    });
    let mut reviews = Vec::with_capacity(attachments.len() + 1);
    for attachment in attachments {
        let name = format!("{path}!/{}", attachment.name);
        let admitted = attachment.content.and_then(|content| {
            budget
                .admit(content.len(), &options.limits)
                .map(|()| content)
        });
        let documents = match admitted {
            Ok(content) => scan_nested(&name, Arc::new(content), depth + 1, budget, rules, options),
            Err(why) => {
                let extraction =
                    Extraction::failed(format!("{} cannot be read: {why}", attachment.what));
                vec![review_document(
                    &name,
                    &[],
                    Format::Unknown,
                    extraction,
                    rules,
                    &options.review(),
                )]
            }
        };
        if let Some(unread) = documents
            .iter()
            .find(|document| document.extraction.status != ExtractionStatus::Complete)
        {
            let why = unread
                .extraction
                .problems
                .first()
                .map(|problem| format!(": {}", problem.message))
                .unwrap_or_default();
            extraction.problems.push(Problem::partial(
                Some(Part::Attachment.as_str().to_owned()),
                format!(
                    "{} was not read in full: {} is {}{why}",
                    attachment.what,
                    unread.path,
                    unread.extraction.status.as_str()
                ),
            ));
        }
        reviews.extend(documents);
    }
    extraction.compact_problems();
    reviews.insert(
        0,
        review_extraction(
            path,
            identity,
            Format::Mail,
            extraction,
            rules,
            &options.review(),
        ),
    );
    reviews
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
    bytes: Arc<Vec<u8>>,
    options: &ScanOptions,
) -> Extraction {
    let cached = options.cache.as_ref().map(|cache| {
        let key = cache.key(
            &bytes,
            format,
            &options.limits,
            &options.passwords,
            &options.ocr,
        );
        (cache, key)
    });
    if let Some((cache, key)) = &cached
        && let Some(extraction) = cache.get(key, path)
    {
        return extraction;
    }
    let extraction = if extract::is_plain_text(format) {
        // The reader is handed the bytes (this is their last holder but
        // for a cache key), so a large text file is read without a copy.
        guarded_with_bytes(format, path, bytes, options, move |bytes, _| {
            let bytes = Arc::try_unwrap(bytes).unwrap_or_else(|shared| shared.to_vec());
            extract::extract_plain_text(format, bytes)
        })
    } else {
        let settings = options.ocr.clone();
        let pages = ocr::page_progress();
        guarded(format, path, bytes, options, move |request| {
            // This thread is the watchdog's helper: OCR reports to the
            // batch's progress line for this file.
            ocr::set_page_progress(pages);
            let mut extraction = extract::extract(format, request);
            // The pictures the reader met, under the same watchdog and
            // budget.
            ocr::recognise(&mut extraction, &settings, request.limits, request.deadline);
            extraction
        })
    };
    match extraction {
        Ok(extraction) => {
            if let Some((cache, key)) = &cached {
                cache.put(key, path, &extraction);
            }
            extraction
        }
        Err(failed) => *failed,
    }
}

/// Runs `read` on the file's bytes under the watchdog, with a request
/// bound by the time budget; `Err` is the failed extraction to report when
/// it panicked, overran the budget (plus a short grace to return what it
/// read), was interrupted or could not start (boxed: an extraction is
/// large, and the failure path is the rare one).
fn guarded<T: Send + 'static>(
    format: Format,
    path: &str,
    bytes: Arc<Vec<u8>>,
    options: &ScanOptions,
    read: impl FnOnce(&Request<'_>) -> T + Send + 'static,
) -> Result<T, Box<Extraction>> {
    guarded_with_bytes(format, path, bytes, options, move |bytes, reading| {
        read(&reading.request(&bytes))
    })
}

/// What a reader is given besides the file's bytes.
struct Reading {
    name: String,
    limits: Limits,
    deadline: Deadline,
    passwords: Vec<String>,
}

impl Reading {
    fn request<'a>(&'a self, bytes: &'a [u8]) -> Request<'a> {
        Request {
            bytes,
            name: &self.name,
            limits: &self.limits,
            deadline: self.deadline,
            passwords: &self.passwords,
        }
    }
}

/// [`guarded`] for a reader that takes the bytes themselves.
fn guarded_with_bytes<T: Send + 'static>(
    format: Format,
    path: &str,
    bytes: Arc<Vec<u8>>,
    options: &ScanOptions,
    read: impl FnOnce(Arc<Vec<u8>>, &Reading) -> T + Send + 'static,
) -> Result<T, Box<Extraction>> {
    let budget = options.limits.time_budget;
    let name = path.to_owned();
    let limits = options.limits.clone();
    let passwords = options.passwords.clone();
    let work = move || {
        #[cfg(debug_assertions)]
        test_hooks(&name);
        let reading = Reading {
            deadline: Deadline::after(limits.time_budget),
            name,
            limits,
            passwords,
        };
        read(bytes, &reading)
    };
    let wait = budget.saturating_add(watchdog::grace(budget));
    match options.watchdog.run(wait, &interrupt::requested, work) {
        Outcome::Done(done) => Ok(done),
        Outcome::Panicked(message) => Err(Box::new(Extraction::failed(format!(
            "internal error while reading this {format} document ({message}); it was not reviewed — please report this file"
        )))),
        Outcome::TimedOut => Err(Box::new(Extraction::failed(format!(
            "time budget of {} exceeded (--timeout): reading was abandoned and the document was not reviewed",
            seconds(budget)
        )))),
        Outcome::Interrupted => Err(Box::new(Extraction::failed(
            "interrupted (Ctrl-C) before this document was read",
        ))),
        Outcome::NotStarted(message) => Err(Box::new(Extraction::failed(message))),
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
/// returns (ignoring the deadline, like a stuck parser would), after
/// creating the file `PREPUB_TEST_READY_FILE` names, if any — so a test
/// acts once the batch is stuck, not after a sleep it hopes is long enough.
#[cfg(debug_assertions)]
fn test_hooks(path: &str) {
    let triggered = |variable: &str| {
        std::env::var(variable).is_ok_and(|trigger| !trigger.is_empty() && path.contains(&trigger))
    };
    if triggered("PREPUB_TEST_PANIC") {
        panic!("test panic for {path}");
    }
    if triggered("PREPUB_TEST_HANG") {
        if let Some(ready) = std::env::var_os("PREPUB_TEST_READY_FILE") {
            let _ = std::fs::write(ready, path);
        }
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, data) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
            if out.len() % 77 == 76 {
                out.push('\n');
            }
        }
        out
    }

    /// A mail with a plain body and base64 attachments.
    fn mail(body: &str, attachments: &[(&str, &str, &[u8])]) -> Vec<u8> {
        let mut out = format!(
            "From: a@example.cn\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        );
        for (name, content_type, data) in attachments {
            out.push_str(&format!(
                "--B\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                base64(data)
            ));
        }
        out.push_str("--B--\r\n");
        out.into_bytes()
    }

    fn scan(bytes: &[u8], options: &ScanOptions) -> Vec<DocumentReview> {
        let rules = RuleSet::builtin().unwrap();
        scan_bytes("mail.eml", bytes, &rules, options)
    }

    fn paths(reviews: &[DocumentReview]) -> Vec<&str> {
        reviews.iter().map(|r| r.path.as_str()).collect()
    }

    #[test]
    fn attachments_are_documents_and_an_unread_one_makes_the_mail_partial() {
        let archive = zip(&[("正文.txt", "秘密★5年".as_bytes())]);
        let bytes = mail(
            "见附件。",
            &[
                ("名单.txt", "text/plain", "机密★1年".as_bytes()),
                ("材料.zip", "application/zip", &archive),
                ("blob.bin", "application/octet-stream", &[0, 1, 2, 3, 4, 5]),
            ],
        );
        let reviews = scan(&bytes, &ScanOptions::default());
        assert_eq!(
            paths(&reviews),
            [
                "mail.eml",
                "mail.eml!/名单.txt",
                "mail.eml!/材料.zip!/正文.txt",
                "mail.eml!/blob.bin"
            ]
        );
        for member in &reviews[1..3] {
            assert_eq!(member.verdict, crate::review::Verdict::Block, "{member:?}");
        }
        assert_eq!(
            reviews[3].extraction.status,
            ExtractionStatus::Failed,
            "{:?}",
            reviews[3].extraction
        );
        let mail = &reviews[0];
        assert_eq!(mail.extraction.status, ExtractionStatus::Partial);
        assert_eq!(mail.extraction.problems.len(), 1, "{:?}", mail.extraction);
        assert!(
            mail.extraction.problems[0].message.starts_with(
                "attachment blob.bin was not read in full: mail.eml!/blob.bin is failed"
            ),
            "{:?}",
            mail.extraction.problems
        );
        assert_ne!(mail.verdict, crate::review::Verdict::Pass);
        // The members' identities are their own bytes.
        assert_eq!(
            reviews[1].sha256,
            crate::review::sha256_hex("机密★1年".as_bytes())
        );
    }

    #[test]
    fn a_mail_in_an_archive_is_opened_with_its_attachments() {
        let inner = mail("正文", &[("a.txt", "text/plain", "机密★1年".as_bytes())]);
        let archive = zip(&[("材料/m.eml", &inner)]);
        let rules = RuleSet::builtin().unwrap();
        let reviews = scan_bytes("batch.zip", &archive, &rules, &ScanOptions::default());
        assert_eq!(
            paths(&reviews),
            ["batch.zip!/材料/m.eml", "batch.zip!/材料/m.eml!/a.txt"]
        );
        assert_eq!(reviews[1].verdict, crate::review::Verdict::Block);
        assert_eq!(reviews[0].format, "mail");
    }

    #[test]
    fn containers_nest_at_most_max_nesting_deep() {
        let mut bytes = mail("最里层", &[("a.txt", "text/plain", "机密★1年".as_bytes())]);
        for level in 0..MAX_NESTING + 1 {
            let name = format!("level{level}.eml");
            bytes = mail("转发", &[(&name, "message/rfc822", &bytes)]);
        }
        let reviews = scan(&bytes, &ScanOptions::default());
        let refused: Vec<&DocumentReview> = reviews
            .iter()
            .filter(|r| r.extraction.status == ExtractionStatus::Failed)
            .collect();
        assert_eq!(refused.len(), 1, "{:?}", paths(&reviews));
        assert_eq!(refused[0].path.matches("!/").count(), MAX_NESTING);
        assert!(
            refused[0].extraction.problems[0]
                .message
                .contains(&format!("nested more than {MAX_NESTING} deep")),
            "{:?}",
            refused[0].extraction
        );
        // Every mail around it is partial: none passes with it unread.
        let around: Vec<&DocumentReview> = reviews
            .iter()
            .filter(|r| refused[0].path.starts_with(&format!("{}!/", r.path)))
            .collect();
        assert_eq!(around.len(), MAX_NESTING);
        for mail in around {
            assert_eq!(
                mail.extraction.status,
                ExtractionStatus::Partial,
                "{}",
                mail.path
            );
        }
    }

    #[test]
    fn one_budget_covers_the_attachments_and_the_archives_inside() {
        let archive = zip(&[("a.txt", b"1"), ("b.txt", b"2"), ("c.txt", b"3")]);
        let bytes = mail(
            "x",
            &[
                ("first.txt", "text/plain", b"first"),
                ("pack.zip", "application/zip", &archive),
                ("last.txt", "text/plain", b"last"),
            ],
        );
        let options = ScanOptions {
            limits: Limits {
                max_zip_entries: 4,
                ..Limits::default()
            },
            ..ScanOptions::default()
        };
        let reviews = scan(&bytes, &options);
        // first.txt and pack.zip are two members, a.txt and b.txt two more:
        // c.txt and last.txt are over the budget, and listed, not dropped.
        assert_eq!(
            paths(&reviews),
            [
                "mail.eml",
                "mail.eml!/first.txt",
                "mail.eml!/pack.zip!/a.txt",
                "mail.eml!/pack.zip!/b.txt",
                "mail.eml!/pack.zip!/c.txt",
                "mail.eml!/last.txt"
            ]
        );
        for over in [&reviews[4], &reviews[5]] {
            assert_eq!(over.extraction.status, ExtractionStatus::Failed);
            assert!(
                over.extraction.problems[0]
                    .message
                    .contains("--max-zip-entries"),
                "{}: {:?}",
                over.path,
                over.extraction
            );
        }
        let limits = Limits {
            max_document_bytes: 8,
            ..Limits::default()
        };
        let options = ScanOptions {
            limits,
            ..ScanOptions::default()
        };
        let bytes = mail(
            "x",
            &[
                ("a.txt", "text/plain", b"12345"),
                ("b.txt", "text/plain", b"67890"),
            ],
        );
        let reviews = scan(&bytes, &options);
        assert_eq!(reviews[1].extraction.status, ExtractionStatus::Complete);
        assert!(
            reviews[2].extraction.problems[0]
                .message
                .contains("--max-inflated"),
            "{:?}",
            reviews[2].extraction
        );
    }
}
