//! OLE2 compound files (the container of `.doc`, `.xls`, `.ppt`, `.wps`,
//! `.et`, `.dps`, `.msg` and embedded OLE objects), read through the `cfb`
//! crate behind this one module.
//!
//! A compound file is a FAT file system inside a file: its sector chains can
//! be cut short, loop, or declare a stream larger than the whole file. So
//! every read goes through [`Ole`], which refuses a stream larger than the
//! file or over `--max-part-size` before reading it, counts what was read
//! against `--max-inflated`, and turns every error (and any panic inside the
//! library) into a sentence naming the stream, never a crash.

use crate::extract::limits::Limits;
use std::cell::{Cell, RefCell};
use std::io::{Cursor, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The first eight bytes of every compound file.
pub const MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

type File<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// One directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Path without the leading `/`, `/`-separated (`ObjectPool/_123/CONTENTS`).
    pub path: String,
    pub is_stream: bool,
    /// Declared size of a stream.
    pub len: u64,
}

/// An opened compound file.
pub struct Ole<'a> {
    file: RefCell<File<'a>>,
    entries: Vec<Entry>,
    size: u64,
    sector_shift: u16,
    limits: &'a Limits,
    read_total: Cell<u64>,
}

fn guarded<T>(what: &str, work: impl FnOnce() -> std::io::Result<T>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(format!("{what}: {error}")),
        Err(_) => Err(format!(
            "{what}: the compound file structure is damaged (the OLE reader gave up)"
        )),
    }
}

impl<'a> Ole<'a> {
    /// Opens a compound file; the error is a sentence for a problem message.
    pub fn open(bytes: &'a [u8], limits: &'a Limits) -> Result<Ole<'a>, String> {
        if !bytes.starts_with(MAGIC) {
            return Err("not an OLE compound file (no D0 CF 11 E0 signature)".into());
        }
        let file = guarded(
            "not a readable OLE compound file (truncated or corrupt sector chains)",
            || cfb::CompoundFile::open(Cursor::new(bytes)),
        )?;
        let entries = guarded("the OLE directory cannot be read", || {
            Ok(file
                .walk()
                .filter(|entry| !entry.is_root())
                .map(|entry| Entry {
                    path: entry
                        .path()
                        .to_string_lossy()
                        .trim_start_matches('/')
                        .to_owned(),
                    is_stream: entry.is_stream(),
                    len: entry.len(),
                })
                .collect::<Vec<_>>())
        })?;
        Ok(Ole {
            file: RefCell::new(file),
            entries,
            size: bytes.len() as u64,
            sector_shift: u16_at(bytes, 30).unwrap_or(9),
            limits,
            read_total: Cell::new(0),
        })
    }

    /// A compound file is whole sectors after its header; one that is not
    /// was cut short, and what was in the lost sectors is not known.
    pub fn check_length(&self, out: &mut crate::extract::document::Extraction) {
        let sector = if self.sector_shift == 12 { 4096 } else { 512 };
        if self.size > 512 && !self.size.is_multiple_of(sector) {
            out.problems.push(crate::extract::document::Problem::partial(
                None,
                format!(
                    "the OLE compound file ends inside a sector ({} bytes is not a whole number of {sector}-byte sectors): it was probably cut short, and what was in the lost part is not read",
                    self.size
                ),
            ));
        }
    }

    /// Every storage and stream, in directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn entry(&self, path: &str) -> Option<&Entry> {
        let path = path.trim_start_matches('/');
        self.entries.iter().find(|e| e.path == path).or_else(|| {
            self.entries
                .iter()
                .find(|e| e.path.eq_ignore_ascii_case(path))
        })
    }

    pub fn has_stream(&self, path: &str) -> bool {
        self.entry(path).is_some_and(|e| e.is_stream)
    }

    pub fn has_storage(&self, path: &str) -> bool {
        self.entry(path).is_some_and(|e| !e.is_stream)
    }

    /// Names of the entries directly inside `storage` ("" for the root).
    pub fn children(&self, storage: &str) -> Vec<&Entry> {
        let storage = storage.trim_matches('/');
        self.entries
            .iter()
            .filter(|e| match e.path.rsplit_once('/') {
                Some((parent, _)) => parent.eq_ignore_ascii_case(storage),
                None => storage.is_empty(),
            })
            .collect()
    }

    /// Reads a whole stream, refusing one larger than the file or over the
    /// limits before reading it.
    pub fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let Some(entry) = self.entry(path).filter(|e| e.is_stream) else {
            return Err(format!("stream {path} is missing"));
        };
        let path = entry.path.clone();
        let len = entry.len;
        if len > self.size {
            return Err(format!(
                "stream {path} declares {len} bytes, more than the whole file ({} bytes): the file is damaged",
                self.size
            ));
        }
        let room = self
            .limits
            .max_document_bytes
            .saturating_sub(self.read_total.get());
        if len > self.limits.max_part_bytes {
            return Err(format!(
                "stream {path} is {len} bytes, over the per-part limit of {} bytes (--max-part-size)",
                self.limits.max_part_bytes
            ));
        }
        if len > room {
            return Err(format!(
                "stream {path}: over the per-document limit of {} bytes read (--max-inflated)",
                self.limits.max_document_bytes
            ));
        }
        let mut file = self.file.borrow_mut();
        let data = guarded(&format!("stream {path} cannot be read"), || {
            let stream = file.open_stream(format!("/{path}"))?;
            let mut data = Vec::with_capacity(len as usize);
            stream.take(len).read_to_end(&mut data)?;
            Ok(data)
        })?;
        self.read_total
            .set(self.read_total.get() + data.len() as u64);
        if (data.len() as u64) < len {
            return Err(format!(
                "stream {path} is cut short ({} of {len} bytes): its sector chain ends early",
                data.len()
            ));
        }
        Ok(data)
    }

    /// Copies a storage (an embedded OLE object) into a compound file of its
    /// own, so it can be read as a document.
    pub fn storage_as_file(&self, storage: &str) -> Result<Vec<u8>, String> {
        let storage = storage.trim_matches('/').to_owned();
        let prefix = format!("{storage}/");
        let inner: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| e.path.starts_with(&prefix))
            .cloned()
            .collect();
        let mut streams = Vec::new();
        let mut total = 0u64;
        for entry in &inner {
            if entry.is_stream {
                let data = self.read(&entry.path)?;
                total += data.len() as u64;
                if total > self.limits.max_part_bytes {
                    return Err(format!(
                        "embedded object {storage} is over the per-part limit of {} bytes (--max-part-size)",
                        self.limits.max_part_bytes
                    ));
                }
                streams.push((entry.path[prefix.len()..].to_owned(), data));
            }
        }
        let storages: Vec<String> = inner
            .iter()
            .filter(|e| !e.is_stream)
            .map(|e| e.path[prefix.len()..].to_owned())
            .collect();
        guarded(
            &format!("embedded object {storage} cannot be copied"),
            || {
                let mut out = cfb::CompoundFile::create(Cursor::new(Vec::new()))?;
                for name in &storages {
                    out.create_storage_all(format!("/{name}"))?;
                }
                for (name, data) in &streams {
                    let mut stream = out.create_new_stream(format!("/{name}"))?;
                    stream.write_all(data)?;
                }
                out.flush()?;
                Ok(out.into_inner().into_inner())
            },
        )
    }
}

/// Names of the entries at the root of a compound file, for format
/// detection; `None` when the directory cannot be read.
pub fn root_names(bytes: &[u8]) -> Option<Vec<String>> {
    let limits = Limits::default();
    let ole = Ole::open(bytes, &limits).ok()?;
    Some(
        ole.children("")
            .into_iter()
            .map(|e| e.path.clone())
            .collect(),
    )
}

/// Reads a little-endian `u16` at `at`, if it is inside `bytes`.
pub fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// Reads a little-endian `u32` at `at`, if it is inside `bytes`.
pub fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// What a format is called in messages.
pub(crate) fn what(format: super::Format) -> &'static str {
    match format {
        super::Format::Doc => "legacy binary Word format (.doc)",
        super::Format::Xls => "legacy binary Excel format (.xls)",
        super::Format::Ppt => "legacy binary PowerPoint format (.ppt)",
        super::Format::Wps => "WPS Office file (.wps/.et/.dps)",
        _ => "OLE compound file",
    }
}

/// A `Macros` storage (Word) or `_VBA_PROJECT_CUR` (Excel) holds VBA.
pub(crate) fn check_macros(
    ole: &Ole<'_>,
    format: &str,
    out: &mut crate::extract::document::Extraction,
) {
    use crate::extract::document::{Category, Notice, Part, Severity};
    let storages: Vec<&str> = ["Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT"]
        .into_iter()
        .filter(|name| ole.has_storage(name))
        .collect();
    if storages.is_empty() {
        return;
    }
    out.notices.push(Notice {
        rule: format!("hidden.{format}.macros"),
        category: Category::Hidden,
        severity: Severity::Info,
        message: format!(
            "the document contains VBA macros ({}): macros are not reviewed and should be removed before publishing",
            storages.join(", ")
        ),
        part: Part::Attachment,
        page: None,
        text: storages.join(", "),
    });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A compound file holding the given streams (paths may name storages).
    pub(crate) fn build(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        for (path, data) in streams {
            if let Some((parent, _)) = path.rsplit_once('/') {
                out.create_storage_all(format!("/{parent}")).unwrap();
            }
            let mut stream = out.create_new_stream(format!("/{path}")).unwrap();
            stream.write_all(data).unwrap();
        }
        out.flush().unwrap();
        out.into_inner().into_inner()
    }

    #[test]
    fn streams_are_listed_and_read() {
        let bytes = build(&[("WordDocument", b"abc"), ("ObjectPool/_1/CONTENTS", b"xyz")]);
        let limits = Limits::default();
        let ole = Ole::open(&bytes, &limits).unwrap();
        assert!(ole.has_stream("WordDocument"));
        assert!(ole.has_storage("ObjectPool"));
        assert_eq!(ole.read("ObjectPool/_1/CONTENTS").unwrap(), b"xyz");
        assert_eq!(root_names(&bytes).unwrap(), ["ObjectPool", "WordDocument"]);
        let copy = ole.storage_as_file("ObjectPool/_1").unwrap();
        let inner = Ole::open(&copy, &limits).unwrap();
        assert_eq!(inner.read("CONTENTS").unwrap(), b"xyz");
    }

    #[test]
    fn limits_and_damage_are_errors() {
        let bytes = build(&[("Big", &[7u8; 5000])]);
        let limits = Limits {
            max_part_bytes: 1000,
            ..Limits::default()
        };
        let ole = Ole::open(&bytes, &limits).unwrap();
        assert!(ole.read("Big").unwrap_err().contains("--max-part-size"));
        for cut in (0..bytes.len()).step_by(97) {
            let limits = Limits::default();
            if let Ok(ole) = Ole::open(&bytes[..cut], &limits) {
                let _ = ole.read("Big");
            }
        }
        assert!(Ole::open(b"not ole", &limits).is_err());
    }
}
