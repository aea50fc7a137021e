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
//! change what is read, and the passwords tried. Never the path or the
//! modification time: an auditor's rerun must not be served stale text
//! because a file was replaced with the same name and date.
//!
//! **An entry is trusted only if it verifies.** Text served from the cache
//! is reviewed instead of the document, so whoever can write to the cache
//! directory could otherwise make a marked document pass by editing its
//! entry. Each cache has a secret, made on first use from the system's
//! random source and kept in `DIR/secret` (mode 0600, created atomically,
//! refused when others may read or write it or it is not the user's own).
//! Every entry carries an HMAC-SHA256 under that secret over its entry
//! format, its key and its stored bytes, checked before anything in it is
//! parsed; the key itself is keyed with the secret too, so the file names
//! say nothing about which files or passwords were seen. An entry that does
//! not verify — edited, copied from another cache, moved to another key,
//! written by an older prepub, truncated — is a miss: counted as rejected
//! (listed with `scan --verbose`), the document read again, the entry
//! rewritten.
//!
//! Entries are written atomically (temporary file, then rename) so a crash
//! or Ctrl-C never leaves half an entry. Extractions cut short by the time
//! budget are not stored — they depend on the machine's speed, not on the
//! file.

mod secret;
mod stored;

pub use secret::SECRET_FILE;

use crate::extract::Format;
use crate::extract::document::Extraction;
use crate::extract::limits::Limits;
use crate::extract::ocr::OcrSettings;
use hmac::Mac;
use secret::{HmacSha256, Secret, field, secret_of};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use stored::Stored;

/// Changes whenever the entry layout below changes.
const ENTRY_FORMAT: &str = "prepub-extraction-cache-5";

/// How many rejected entries `--verbose` names (the rest are counted).
const LISTED_REJECTIONS: usize = 20;

/// Why `--cache DIR` cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheError {
    /// The directory cannot be created: the command line asks for
    /// something impossible (exit 2).
    Directory(String),
    /// The secret cannot be trusted or made: the scan goes on without the
    /// cache, saying so.
    Secret(String),
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::Directory(message) | CacheError::Secret(message) => f.write_str(message),
        }
    }
}

/// Why an entry that exists was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rejection {
    /// It cannot be opened or read, is not a regular file, or is larger
    /// than any extraction within the limits could be.
    Unreadable,
    /// Not laid out as an entry (truncated, or no header line).
    Malformed,
    /// Written in another entry format (an older prepub).
    OtherFormat,
    /// Stored under another key (moved from another entry's place).
    OtherKey,
    /// Its MAC does not verify: edited, or made under another cache's
    /// secret.
    Forged,
}

impl Rejection {
    pub fn describe(self) -> &'static str {
        match self {
            Rejection::Unreadable => "unreadable, not a regular file or too large",
            Rejection::Malformed => "not a complete entry",
            Rejection::OtherFormat => "written by another prepub entry format",
            Rejection::OtherKey => "stored under another key",
            Rejection::Forged => "integrity check failed (edited, or from another cache)",
        }
    }
}

/// The rejected entries of one run: counted by reason, the first few named.
#[derive(Debug, Default)]
struct Rejections {
    by_reason: BTreeMap<Rejection, usize>,
    listed: Vec<(String, Rejection)>,
}

/// An extraction cache in a directory.
#[derive(Debug)]
pub struct Cache {
    directory: PathBuf,
    secret: Secret,
    hits: AtomicUsize,
    misses: AtomicUsize,
    writes: AtomicUsize,
    /// Entries that existed but could not be used (see [`Rejection`]).
    rejected: AtomicUsize,
    /// Entries that could not be written (the scan goes on without them).
    write_errors: AtomicUsize,
    rejections: Mutex<Rejections>,
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

/// The key of one document's extraction, and the most its entry may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    /// Hex HMAC-SHA256; also the entry's file name.
    hex: String,
    /// An entry larger than this is not read: no extraction within the
    /// key's limits stores that much.
    max_entry_bytes: u64,
}

impl CacheKey {
    pub fn as_str(&self) -> &str {
        &self.hex
    }
}

/// The header line of an entry file; the stored extraction follows it.
#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    key: String,
    /// Hex HMAC-SHA256 over the format, the key and the bytes after the
    /// header line.
    mac: String,
}

impl Cache {
    /// Opens (creating if needed) a cache directory and its secret.
    pub fn open(directory: &Path) -> Result<Cache, CacheError> {
        create_private_dir(directory).map_err(|e| {
            CacheError::Directory(format!(
                "--cache {}: cannot create the directory: {e}",
                directory.display()
            ))
        })?;
        let secret = secret_of(directory)?;
        Ok(Cache {
            directory: directory.to_path_buf(),
            secret,
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            write_errors: AtomicUsize::new(0),
            rejections: Mutex::new(Rejections::default()),
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

    /// The rejected entries of this run, one line each (`scan --verbose`):
    /// the count by reason, then the first documents concerned.
    pub fn rejections(&self) -> Vec<String> {
        let rejections = self.rejections.lock().unwrap_or_else(|e| e.into_inner());
        let mut lines: Vec<String> = rejections
            .by_reason
            .iter()
            .map(|(reason, count)| format!("{count} entr(ies) rejected: {}", reason.describe()))
            .collect();
        for (name, reason) in &rejections.listed {
            lines.push(format!(
                "entry for {name} rejected ({}); read again",
                reason.describe()
            ));
        }
        let total: usize = rejections.by_reason.values().sum();
        if total > rejections.listed.len() {
            lines.push(format!(
                "… and {} more rejected entr(ies)",
                total - rejections.listed.len()
            ));
        }
        lines
    }

    /// The key of one document's extraction.
    pub fn key(
        &self,
        bytes: &[u8],
        format: Format,
        limits: &Limits,
        passwords: &[String],
        ocr: &OcrSettings,
    ) -> CacheKey {
        let mut mac = self.secret.mac("prepub cache key");
        field(&mut mac, ENTRY_FORMAT.as_bytes());
        field(&mut mac, env!("CARGO_PKG_VERSION").as_bytes());
        field(&mut mac, build_identity().as_bytes());
        field(&mut mac, &Sha256::digest(bytes));
        field(&mut mac, format.as_str().as_bytes());
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
            field(&mut mac, &number.to_le_bytes());
        }
        // Whether pictures were read, in which languages, by which engine.
        field(&mut mac, ocr.key().as_bytes());
        field(&mut mac, &(passwords.len() as u64).to_le_bytes());
        for password in passwords {
            field(&mut mac, password.as_bytes());
        }
        CacheKey {
            hex: hex::encode(mac.finalize().into_bytes()),
            // Text within the document budget, with room for the JSON
            // around each segment.
            max_entry_bytes: limits
                .max_document_bytes
                .saturating_mul(4)
                .saturating_add(16 << 20),
        }
    }

    fn entry_path(&self, key: &CacheKey) -> PathBuf {
        let fan = key.hex.get(..2).unwrap_or("00");
        self.directory.join(fan).join(format!("{}.json", key.hex))
    }

    /// The MAC of an entry's stored bytes under `key`.
    fn entry_mac(&self, key: &CacheKey, payload: &[u8]) -> HmacSha256 {
        let mut mac = self.secret.mac("prepub cache entry");
        field(&mut mac, ENTRY_FORMAT.as_bytes());
        field(&mut mac, key.hex.as_bytes());
        field(&mut mac, payload);
        mac
    }

    /// The stored extraction for `key`, if there is one that verifies.
    /// `name` (the document) is only for `--verbose`'s list of rejections.
    pub fn get(&self, key: &CacheKey, name: &str) -> Option<Extraction> {
        match self.read_entry(key) {
            Ok(Some(extraction)) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Some(extraction)
            }
            Ok(None) => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(reason) => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                self.misses.fetch_add(1, Ordering::Relaxed);
                let mut rejections = self.rejections.lock().unwrap_or_else(|e| e.into_inner());
                *rejections.by_reason.entry(reason).or_default() += 1;
                if rejections.listed.len() < LISTED_REJECTIONS {
                    rejections.listed.push((name.to_owned(), reason));
                }
                None
            }
        }
    }

    /// Reads and verifies one entry: `Ok(None)` when there is none.
    fn read_entry(&self, key: &CacheKey) -> Result<Option<Extraction>, Rejection> {
        let path = self.entry_path(key);
        match std::fs::symlink_metadata(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            _ => {}
        }
        // Only a regular file, never through a link, at most the largest
        // entry the key allows: a device or a huge file put in the cache
        // neither blocks nor fills memory.
        let (file, _) = crate::batch::open_regular(&path).map_err(|_| Rejection::Unreadable)?;
        let mut bytes = Vec::new();
        file.take(key.max_entry_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|_| Rejection::Unreadable)?;
        if bytes.len() as u64 > key.max_entry_bytes {
            return Err(Rejection::Unreadable);
        }
        let newline = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or(Rejection::Malformed)?;
        let (header, payload) = (&bytes[..newline], &bytes[newline + 1..]);
        let header: Header = serde_json::from_slice(header).map_err(|_| Rejection::Malformed)?;
        if header.format != ENTRY_FORMAT {
            return Err(Rejection::OtherFormat);
        }
        if header.key != key.hex {
            return Err(Rejection::OtherKey);
        }
        let tag = hex::decode(&header.mac).map_err(|_| Rejection::Malformed)?;
        // Checked before a byte of the payload is parsed; in constant time.
        self.entry_mac(key, payload)
            .verify_slice(&tag)
            .map_err(|_| Rejection::Forged)?;
        let stored: Stored = serde_json::from_slice(payload).map_err(|_| Rejection::Malformed)?;
        Ok(Some(stored.into_extraction()))
    }

    /// Stores an extraction unless it depends on more than the file (it was
    /// cut short by the time budget). Failures to write are counted, never
    /// fatal: the cache only saves time.
    pub fn put(&self, key: &CacheKey, name: &str, extraction: &Extraction) {
        if !cacheable(extraction) {
            return;
        }
        let written = serde_json::to_vec(&Stored::from_extraction(extraction, name))
            .map_err(|e| e.to_string())
            .and_then(|payload| {
                if payload.len() as u64 > key.max_entry_bytes {
                    return Err("larger than an entry may be".into());
                }
                let header = Header {
                    format: ENTRY_FORMAT.to_owned(),
                    key: key.hex.clone(),
                    mac: hex::encode(self.entry_mac(key, &payload).finalize().into_bytes()),
                };
                let mut bytes = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
                bytes.push(b'\n');
                bytes.extend_from_slice(&payload);
                self.write_entry(key, &bytes)
            });
        match written {
            Ok(()) => self.writes.fetch_add(1, Ordering::Relaxed),
            Err(_) => self.write_errors.fetch_add(1, Ordering::Relaxed),
        };
    }

    fn write_entry(&self, key: &CacheKey, bytes: &[u8]) -> Result<(), String> {
        let path = self.entry_path(key);
        let directory = path.parent().ok_or("no parent")?;
        create_private_dir(directory).map_err(|e| e.to_string())?;
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

/// Creates a directory (and its parents) readable by its owner only: the
/// cache holds the text of the documents it has seen.
fn create_private_dir(directory: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(directory)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::{Category, Notice, Part, Problem, Segment, Severity};

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

    fn key_of(cache: &Cache, bytes: &[u8]) -> CacheKey {
        cache.key(
            bytes,
            Format::Txt,
            &Limits::default(),
            &[],
            &OcrSettings::default(),
        )
    }

    #[test]
    fn round_trips_everything_but_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = cache.key(
            b"bytes",
            Format::Docx,
            &Limits::default(),
            &[],
            &OcrSettings::default(),
        );
        assert!(cache.get(&key, "a.docx").is_none());
        let original = sample();
        cache.put(&key, "dir/a.docx", &original);
        let restored = cache.get(&key, "a.docx").expect("stored");
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
        assert!(cache.rejections().is_empty());
    }

    #[test]
    fn key_follows_bytes_format_limits_and_passwords_not_names() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let limits = Limits::default();
        let key = |bytes: &[u8], format, limits: &Limits, passwords: &[String]| {
            cache.key(bytes, format, limits, passwords, &OcrSettings::default())
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
        assert_ne!(
            key(b"x", Format::Pdf, &limits, &["ab".into(), "c".into()]),
            key(b"x", Format::Pdf, &limits, &["a".into(), "bc".into()])
        );
        let slower = Limits {
            time_budget: std::time::Duration::from_secs(5),
            ..Limits::default()
        };
        assert_eq!(base, key(b"x", Format::Pdf, &slower, &[]));
        // Keyed with the secret: another cache names the same bytes
        // otherwise, so its file names tell nothing about what was seen.
        let other_dir = tempfile::tempdir().unwrap();
        let other = Cache::open(other_dir.path()).unwrap();
        assert_ne!(
            base,
            other.key(b"x", Format::Pdf, &limits, &[], &OcrSettings::default())
        );
        // The same cache opened again keeps its secret and its keys.
        let again = Cache::open(dir.path()).unwrap();
        assert_eq!(
            base,
            again.key(b"x", Format::Pdf, &limits, &[], &OcrSettings::default())
        );
    }

    #[test]
    fn corrupt_or_misplaced_entries_are_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = key_of(&cache, b"bytes");
        cache.put(&key, "a.txt", &sample());
        let path = cache.entry_path(&key);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..20]).unwrap();
        assert!(
            cache.get(&key, "a.txt").is_none(),
            "an entry cut short in its header is not used"
        );
        // Another document's entry, moved into this one's place.
        let other = key_of(&cache, b"other");
        cache.put(&other, "b.txt", &Extraction::default());
        std::fs::copy(cache.entry_path(&other), &path).unwrap();
        assert!(
            cache.get(&key, "a.txt").is_none(),
            "an entry for another key is not used"
        );
        // …with its header made to name this key: the MAC covers the key.
        let moved = std::fs::read_to_string(&path)
            .unwrap()
            .replacen(&other.hex, &key.hex, 1);
        std::fs::write(&path, moved).unwrap();
        assert!(cache.get(&key, "a.txt").is_none());
        cache.put(&key, "a.txt", &sample());
        assert!(cache.get(&key, "a.txt").is_some(), "rewritten");
        assert_eq!(cache.stats().rejected, 3);
        let report = cache.rejections().join("\n");
        assert!(
            report.contains("1 entr(ies) rejected: not a complete entry"),
            "{report}"
        );
        assert!(
            report.contains("1 entr(ies) rejected: stored under another key"),
            "{report}"
        );
        assert!(
            report.contains("entry for a.txt rejected (integrity check failed"),
            "{report}"
        );
    }

    #[test]
    fn an_edited_entry_fails_its_integrity_check() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = key_of(&cache, b"bytes");
        cache.put(&key, "a.txt", &sample());
        let path = cache.entry_path(&key);
        let entry = std::fs::read_to_string(&path).unwrap();
        assert!(entry.contains("机密★1年"));
        // The same layout, a harmless text: what an attacker would write.
        std::fs::write(&path, entry.replace("机密★1年", "公开通知")).unwrap();
        assert!(cache.get(&key, "a.txt").is_none());
        assert_eq!(cache.stats().rejected, 1);
        assert!(cache.rejections()[0].contains("integrity check failed"));
        // Nor does an edited MAC verify.
        let mut lines = entry.splitn(2, '\n');
        let mut header: Header = serde_json::from_str(lines.next().unwrap()).unwrap();
        header.mac = "00".repeat(32);
        let forged = format!(
            "{}\n{}",
            serde_json::to_string(&header).unwrap(),
            lines.next().unwrap().replace("机密★1年", "公开通知")
        );
        std::fs::write(&path, forged).unwrap();
        assert!(cache.get(&key, "a.txt").is_none());
        assert_eq!(cache.stats().hits, 0);
    }

    #[test]
    fn an_entry_from_another_cache_does_not_verify() {
        let first_dir = tempfile::tempdir().unwrap();
        let second_dir = tempfile::tempdir().unwrap();
        let first = Cache::open(first_dir.path()).unwrap();
        let second = Cache::open(second_dir.path()).unwrap();
        let mut clean = Extraction::default();
        clean.push(Segment::new(Part::Body, "公开通知"));
        let theirs = key_of(&first, b"marked bytes");
        first.put(&theirs, "a.txt", &clean);
        let ours = key_of(&second, b"marked bytes");
        let entry = std::fs::read_to_string(first.entry_path(&theirs)).unwrap();
        let path = second.entry_path(&ours);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // As copied, and with its key rewritten to ours.
        for copied in [entry.clone(), entry.replacen(&theirs.hex, &ours.hex, 1)] {
            std::fs::write(&path, copied).unwrap();
            assert!(second.get(&ours, "a.txt").is_none());
        }
        assert_eq!(second.stats().rejected, 2);
    }

    #[cfg(unix)]
    #[test]
    fn an_entry_that_is_a_link_a_device_or_too_large_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = key_of(&cache, b"bytes");
        let path = cache.entry_path(&key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
        assert!(cache.get(&key, "a.txt").is_none());
        std::fs::remove_file(&path).unwrap();
        cache.put(&key, "a.txt", &sample());
        let small = CacheKey {
            max_entry_bytes: 10,
            ..key.clone()
        };
        assert!(cache.get(&small, "a.txt").is_none());
        assert!(cache.get(&key, "a.txt").is_some());
        let report = cache.rejections().join("\n");
        assert!(
            report.contains("2 entr(ies) rejected: unreadable, not a regular file or too large"),
            "{report}"
        );
    }

    #[test]
    fn extractions_cut_short_by_the_budget_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = cache.key(
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
        assert!(cache.get(&key, "slow.pdf").is_none());
        assert_eq!(cache.stats().writes, 0);
    }

    #[cfg(unix)]
    #[test]
    fn the_secret_is_made_private_and_refused_when_others_may_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cache");
        Cache::open(&root).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let secret = root.join(SECRET_FILE);
        assert_eq!(mode(&secret), 0o600);
        assert_eq!(mode(&root), 0o700, "the cache holds documents' text");
        assert_eq!(std::fs::read_to_string(&secret).unwrap().len(), 64);
        for loose in [0o640, 0o604, 0o620] {
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(loose)).unwrap();
            let error = Cache::open(&root).unwrap_err();
            assert!(
                matches!(&error, CacheError::Secret(message)
                    if message.contains(&format!("may be read or written by others (mode {loose:04o})"))
                        && message.contains("without the cache")),
                "{error:?}"
            );
        }
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Cache::open(&root).is_ok());
        // Not a secret, or a link to one: refused, not replaced.
        std::fs::write(&secret, "not hex").unwrap();
        let error = Cache::open(&root).unwrap_err().to_string();
        assert!(error.contains("does not hold a secret"), "{error}");
        std::fs::remove_file(&secret).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "00".repeat(32)).unwrap();
        std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &secret).unwrap();
        let error = Cache::open(&root).unwrap_err().to_string();
        assert!(error.contains("is a symbolic link"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_that_is_not_the_users_own_is_refused() {
        // Only root can give a file away; elsewhere the owner check is
        // what `metadata.uid() != geteuid()` says for any other user.
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        Cache::open(dir.path()).unwrap();
        let secret = dir.path().join(SECRET_FILE);
        std::os::unix::fs::chown(&secret, Some(4242), None).unwrap();
        let error = Cache::open(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("belongs to user 4242, not to this user (0)"),
            "{error}"
        );
    }
}
