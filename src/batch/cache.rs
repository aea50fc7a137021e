//! The extraction cache (`--cache DIR`): rescanning a mostly unchanged
//! archive costs little.
//!
//! Reading a document (unzipping, parsing XML, interpreting PDF content) is
//! most of a scan's time; matching the rules over the text is cheap. So the
//! cache keeps each document's [`Extraction`] and the rules always run
//! afresh — a changed rule pack never reuses old findings.
//!
//! The key is what determines an extraction and nothing else: the SHA-256 of
//! the file's *bytes*, the detected format, the identity of the prepub build
//! that read it (its version and a digest of its own executable, so a
//! rebuilt reader never trusts text an older one extracted), the limits that
//! change what is read, and a digest of the passwords tried. Never the path
//! or the modification time: an auditor's rerun must not be served stale
//! text because a file was replaced with the same name and date.
//!
//! Entries are written atomically (temporary file, then rename) so a crash
//! or Ctrl-C never leaves half an entry; an entry that does not parse, or
//! whose recorded key differs, is ignored and rewritten. Extractions cut
//! short by the time budget are not stored — they depend on the machine's
//! speed, not on the file.

use crate::extract::Format;
use crate::extract::document::{
    Category, Extraction, Impact, Notice, Part, PictureRecord, Problem, Segment, Severity,
};
use crate::extract::limits::Limits;
use crate::extract::ocr::OcrSettings;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Changes whenever the entry layout below changes.
const ENTRY_FORMAT: &str = "prepub-extraction-cache-2";

/// An extraction cache in a directory.
#[derive(Debug)]
pub struct Cache {
    directory: PathBuf,
    hits: AtomicUsize,
    misses: AtomicUsize,
    writes: AtomicUsize,
    /// Entries that existed but could not be used (corrupt, other key).
    rejected: AtomicUsize,
    /// Entries that could not be written (the scan goes on without them).
    write_errors: AtomicUsize,
}

/// What a cache did during one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: usize,
    pub misses: usize,
    pub writes: usize,
    pub rejected: usize,
    pub write_errors: usize,
}

impl std::fmt::Display for CacheStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} hit(s), {} miss(es), {} written",
            self.hits, self.misses, self.writes
        )?;
        if self.rejected > 0 {
            write!(f, ", {} unusable entr(ies) replaced", self.rejected)?;
        }
        if self.write_errors > 0 {
            write!(f, ", {} could not be written", self.write_errors)?;
        }
        Ok(())
    }
}

impl Cache {
    /// Opens (creating if needed) a cache directory.
    pub fn open(directory: &Path) -> Result<Cache, String> {
        std::fs::create_dir_all(directory).map_err(|e| {
            format!(
                "--cache {}: cannot create the directory: {e}",
                directory.display()
            )
        })?;
        Ok(Cache {
            directory: directory.to_path_buf(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            write_errors: AtomicUsize::new(0),
        })
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }

    /// The key of one document's extraction (hex SHA-256).
    pub fn key(
        bytes: &[u8],
        format: Format,
        limits: &Limits,
        passwords: &[String],
        ocr: &OcrSettings,
    ) -> String {
        let mut hasher = Sha256::new();
        let mut field = |value: &[u8]| {
            hasher.update((value.len() as u64).to_le_bytes());
            hasher.update(value);
        };
        field(ENTRY_FORMAT.as_bytes());
        field(env!("CARGO_PKG_VERSION").as_bytes());
        field(build_identity().as_bytes());
        field(&Sha256::digest(bytes));
        field(format.as_str().as_bytes());
        // Every limit that changes what an extractor reads. The file-size
        // limit is checked before reading and the time budget's cut-offs
        // are never stored, so neither belongs here.
        for number in [
            limits.max_part_bytes,
            limits.max_document_bytes,
            limits.max_zip_ratio,
            limits.max_zip_entries as u64,
            limits.max_pdf_objects as u64,
            limits.max_depth as u64,
            limits.max_image_pixels,
        ] {
            field(&number.to_le_bytes());
        }
        // Whether pictures were read, in which languages, by which engine.
        field(ocr.key().as_bytes());
        for password in passwords {
            field(password.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        let fan = key.get(..2).unwrap_or("00");
        self.directory.join(fan).join(format!("{key}.json"))
    }

    /// The stored extraction for `key`, if there is a usable one.
    pub fn get(&self, key: &str) -> Option<Extraction> {
        let path = self.entry_path(key);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(_) => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        match serde_json::from_slice::<Entry>(&bytes) {
            Ok(entry) if entry.format == ENTRY_FORMAT && entry.key == key => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Some(entry.extraction.into_extraction())
            }
            _ => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                self.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Stores an extraction unless it depends on more than the file (it was
    /// cut short by the time budget). Failures to write are counted, never
    /// fatal: the cache only saves time.
    pub fn put(&self, key: &str, name: &str, extraction: &Extraction) {
        if !cacheable(extraction) {
            return;
        }
        let entry = Entry {
            format: ENTRY_FORMAT.to_owned(),
            key: key.to_owned(),
            extraction: Stored::from_extraction(extraction, name),
        };
        let written = serde_json::to_vec(&entry)
            .map_err(|e| e.to_string())
            .and_then(|bytes| self.write_entry(key, &bytes));
        match written {
            Ok(()) => self.writes.fetch_add(1, Ordering::Relaxed),
            Err(_) => self.write_errors.fetch_add(1, Ordering::Relaxed),
        };
    }

    fn write_entry(&self, key: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.entry_path(key);
        let directory = path.parent().ok_or("no parent")?;
        std::fs::create_dir_all(directory).map_err(|e| e.to_string())?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".entry-")
            .suffix(".tmp")
            .tempfile_in(directory)
            .map_err(|e| e.to_string())?;
        temporary.write_all(bytes).map_err(|e| e.to_string())?;
        temporary.persist(&path).map_err(|e| e.error.to_string())?;
        Ok(())
    }
}

/// Whether an extraction depends only on the file (and so may be reused).
fn cacheable(extraction: &Extraction) -> bool {
    // Cut short by the clock, or missing the OCR engine: both say more
    // about this machine than about the file.
    !extraction.problems.iter().any(|problem| {
        problem.message.contains("time budget") || problem.message.contains("OCR unavailable")
    })
}

/// Identifies the running build: a digest of prepub's own executable,
/// computed once. Falls back to the version alone where the executable
/// cannot be read (the version is in the key anyway).
fn build_identity() -> &'static str {
    static IDENTITY: OnceLock<String> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        std::env::current_exe()
            .and_then(std::fs::read)
            .map(|bytes| hex::encode(Sha256::digest(&bytes)))
            .unwrap_or_else(|_| "executable unreadable".to_owned())
    })
}

/// One cache file.
#[derive(Serialize, Deserialize)]
struct Entry {
    format: String,
    key: String,
    extraction: Stored,
}

/// [`Extraction`] as stored. A separate type, so the in-memory model can
/// change without silently changing what old entries mean (the entry
/// format constant changes instead).
#[derive(Serialize, Deserialize)]
struct Stored {
    segments: Vec<StoredSegment>,
    problems: Vec<StoredProblem>,
    notices: Vec<StoredNotice>,
    encoding: Option<String>,
    pages: Option<u32>,
    /// What OCR made of each picture (the pictures themselves are gone).
    pictures_read: Vec<PictureRecord>,
}

#[derive(Serialize, Deserialize)]
struct StoredSegment {
    part: Part,
    page: Option<u32>,
    text: String,
    sheet: Option<String>,
    cell: Option<String>,
    label: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredProblem {
    part: Option<String>,
    message: String,
    failed: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredNotice {
    rule: String,
    category: Category,
    severity: Severity,
    message: String,
    part: Part,
    page: Option<u32>,
    text: String,
}

impl Stored {
    /// Keeps everything but the file-name segment, which comes from the path
    /// (the scan adds it back for whatever name the bytes have this time).
    fn from_extraction(extraction: &Extraction, name: &str) -> Stored {
        let file_name = name.rsplit(['/', '\\']).next().unwrap_or(name);
        Stored {
            segments: extraction
                .segments
                .iter()
                .filter(|s| !(s.part == Part::Filename && s.text == file_name))
                .map(|s| StoredSegment {
                    part: s.part,
                    page: s.page,
                    text: s.text.clone(),
                    sheet: s.sheet.clone(),
                    cell: s.cell.clone(),
                    label: s.label.clone(),
                })
                .collect(),
            problems: extraction
                .problems
                .iter()
                .map(|p| StoredProblem {
                    part: p.part.clone(),
                    message: p.message.clone(),
                    failed: p.impact == Impact::Failed,
                })
                .collect(),
            notices: extraction
                .notices
                .iter()
                .map(|n| StoredNotice {
                    rule: n.rule.clone(),
                    category: n.category,
                    severity: n.severity,
                    message: n.message.clone(),
                    part: n.part,
                    page: n.page,
                    text: n.text.clone(),
                })
                .collect(),
            encoding: extraction.encoding.clone(),
            pages: extraction.pages,
            pictures_read: extraction.pictures_read.clone(),
        }
    }

    fn into_extraction(self) -> Extraction {
        Extraction {
            segments: self
                .segments
                .into_iter()
                .map(|s| Segment {
                    part: s.part,
                    page: s.page,
                    text: s.text,
                    sheet: s.sheet,
                    cell: s.cell,
                    label: s.label,
                })
                .collect(),
            problems: self
                .problems
                .into_iter()
                .map(|p| Problem {
                    part: p.part,
                    message: p.message,
                    impact: if p.failed {
                        Impact::Failed
                    } else {
                        Impact::Partial
                    },
                })
                .collect(),
            notices: self
                .notices
                .into_iter()
                .map(|n| Notice {
                    rule: n.rule,
                    category: n.category,
                    severity: n.severity,
                    message: n.message,
                    part: n.part,
                    page: n.page,
                    text: n.text,
                })
                .collect(),
            encoding: self.encoding,
            pages: self.pages,
            pictures: Vec::new(),
            pictures_read: self.pictures_read,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Extraction {
        let mut extraction = Extraction {
            encoding: Some("GB18030".into()),
            pages: Some(3),
            ..Extraction::default()
        };
        extraction.push(
            Segment::new(Part::Comment, "机密★1年")
                .on_page(2)
                .with_label("张三"),
        );
        extraction.push(Segment::new(Part::Body, "a\tb").in_cell("Sheet1", "C7"));
        extraction.push(Segment::new(Part::Filename, "a.docx"));
        extraction.problems.push(Problem::partial(
            Some("header".to_owned()),
            "header2.xml: corrupt",
        ));
        extraction.notices.push(Notice {
            rule: "hidden.docx.comments".into(),
            category: Category::Hidden,
            severity: Severity::Review,
            message: "1 comment".into(),
            part: Part::Comment,
            page: None,
            text: "张三".into(),
        });
        extraction
    }

    #[test]
    fn round_trips_everything_but_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = Cache::key(
            b"bytes",
            Format::Docx,
            &Limits::default(),
            &[],
            &OcrSettings::default(),
        );
        assert!(cache.get(&key).is_none());
        let original = sample();
        cache.put(&key, "dir/a.docx", &original);
        let restored = cache.get(&key).expect("stored");
        let mut expected = original.clone();
        expected.segments.retain(|s| s.part != Part::Filename);
        assert_eq!(restored.segments, expected.segments);
        assert_eq!(restored.problems, expected.problems);
        assert_eq!(restored.notices, expected.notices);
        assert_eq!(restored.encoding, expected.encoding);
        assert_eq!(restored.pages, expected.pages);
        assert_eq!(
            cache.stats(),
            CacheStats {
                hits: 1,
                misses: 1,
                writes: 1,
                ..CacheStats::default()
            }
        );
    }

    #[test]
    fn key_follows_bytes_format_limits_and_passwords_not_names() {
        let limits = Limits::default();
        let key = |bytes: &[u8], format, limits: &Limits, passwords: &[String]| {
            Cache::key(bytes, format, limits, passwords, &OcrSettings::default())
        };
        let base = key(b"x", Format::Pdf, &limits, &[]);
        assert_eq!(base, key(b"x", Format::Pdf, &limits, &[]));
        assert_ne!(base, key(b"y", Format::Pdf, &limits, &[]));
        assert_ne!(base, key(b"x", Format::Docx, &limits, &[]));
        let smaller = Limits {
            max_part_bytes: 1,
            ..Limits::default()
        };
        assert_ne!(base, key(b"x", Format::Pdf, &smaller, &[]));
        assert_ne!(base, key(b"x", Format::Pdf, &limits, &["secret".into()]));
        let slower = Limits {
            time_budget: std::time::Duration::from_secs(5),
            ..Limits::default()
        };
        assert_eq!(base, key(b"x", Format::Pdf, &slower, &[]));
    }

    #[test]
    fn corrupt_or_foreign_entries_are_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = Cache::key(
            b"bytes",
            Format::Txt,
            &Limits::default(),
            &[],
            &OcrSettings::default(),
        );
        cache.put(&key, "a.txt", &sample());
        let path = cache.entry_path(&key);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        assert!(cache.get(&key).is_none(), "a truncated entry is not used");
        let other = Cache::key(
            b"other",
            Format::Txt,
            &Limits::default(),
            &[],
            &OcrSettings::default(),
        );
        std::fs::write(
            &path,
            String::from_utf8(whole).unwrap().replace(&key, &other),
        )
        .unwrap();
        assert!(
            cache.get(&key).is_none(),
            "an entry for another key is not used"
        );
        cache.put(&key, "a.txt", &sample());
        assert!(cache.get(&key).is_some(), "rewritten");
        assert_eq!(cache.stats().rejected, 2);
    }

    #[test]
    fn extractions_cut_short_by_the_budget_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = Cache::key(
            b"slow",
            Format::Pdf,
            &Limits::default(),
            &[],
            &OcrSettings::default(),
        );
        let mut extraction = sample();
        extraction.problems.push(Problem::partial(
            None,
            "time budget of 120 s exceeded: pages after 40 not read",
        ));
        cache.put(&key, "slow.pdf", &extraction);
        assert!(cache.get(&key).is_none());
        assert_eq!(cache.stats().writes, 0);
    }
}
