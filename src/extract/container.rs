//! Reading parts out of zip containers (OOXML, ODF, OFD, zip archives) with
//! caps on what inflates.
//!
//! A 3 MB zip bomb drove an unbounded reader to 12 GB
//! (`shared/docs/libraries.md`), so every read goes through [`Container`],
//! which caps each part, the whole document and the compression ratio, and
//! turns a violation into an error message naming the limit.

use crate::extract::limits::Limits;
use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use zip::ZipArchive;

/// Why a part could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartError {
    Missing,
    /// A limit was exceeded; the message names it.
    Limit(String),
    /// The entry is corrupt, encrypted or uses an unsupported compression.
    Corrupt(String),
}

impl std::fmt::Display for PartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PartError::Missing => f.write_str("missing"),
            PartError::Limit(message) | PartError::Corrupt(message) => f.write_str(message),
        }
    }
}

/// An opened zip container with a running total of inflated bytes.
pub struct Container<'a> {
    archive: std::sync::Mutex<ZipArchive<Cursor<&'a [u8]>>>,
    names: Vec<String>,
    limits: &'a Limits,
    inflated: AtomicU64,
}

impl<'a> Container<'a> {
    /// Opens a zip; the error is a sentence suitable for a problem message.
    pub fn open(bytes: &'a [u8], limits: &'a Limits) -> Result<Container<'a>, String> {
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|error| {
            format!("not a readable zip container (truncated or corrupt): {error}")
        })?;
        if archive.len() > limits.max_zip_entries {
            return Err(format!(
                "zip has {} entries, over the limit of {} (--max-zip-entries)",
                archive.len(),
                limits.max_zip_entries
            ));
        }
        let names = archive
            .file_names()
            .filter_map(|name| name.ok().map(|name| name.into_owned()))
            .collect();
        Ok(Container {
            archive: std::sync::Mutex::new(archive),
            names,
            limits,
            inflated: AtomicU64::new(0),
        })
    }

    /// Decompressed bytes read so far, for capping documents embedded in
    /// this one by what is left of the per-document budget.
    pub fn inflated(&self) -> u64 {
        self.inflated.load(Ordering::Relaxed)
    }

    /// Entry names in the order the archive lists them.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Finds an entry by name: exact first, then ignoring case, a leading
    /// `/`, backslashes and `%20`-style escapes (producers differ).
    pub fn resolve(&self, wanted: &str) -> Option<&str> {
        if let Some(name) = self.names.iter().find(|n| *n == wanted) {
            return Some(name);
        }
        let key = normalise_name(wanted);
        self.names
            .iter()
            .find(|n| normalise_name(n) == key)
            .map(String::as_str)
    }

    pub fn contains(&self, wanted: &str) -> bool {
        self.resolve(wanted).is_some()
    }

    /// Reads one entry, enforcing the per-part, per-document and ratio caps.
    pub fn read(&self, wanted: &str) -> Result<Vec<u8>, PartError> {
        let name = self.resolve(wanted).ok_or(PartError::Missing)?.to_owned();
        let mut archive = self
            .archive
            .lock()
            .map_err(|_| PartError::Corrupt("container lock poisoned".into()))?;
        let entry = archive
            .by_name(&name)
            .map_err(|error| PartError::Corrupt(format!("{name}: {error}")))?;
        let declared = entry.size();
        let compressed = entry.compressed_size().max(1);
        if declared > 1024 * 1024 && declared / compressed > self.limits.max_zip_ratio {
            return Err(PartError::Limit(format!(
                "{name}: compression ratio {}:1 is over the limit of {}:1 (--max-zip-ratio): possible zip bomb",
                declared / compressed,
                self.limits.max_zip_ratio
            )));
        }
        let already = self.inflated.load(Ordering::Relaxed);
        let document_room = self.limits.max_document_bytes.saturating_sub(already);
        let cap = self.limits.max_part_bytes.min(document_room);
        let mut data = Vec::with_capacity(declared.min(cap).min(16 * 1024 * 1024) as usize);
        let read = entry
            .take(cap + 1)
            .read_to_end(&mut data)
            .map_err(|error| {
                PartError::Corrupt(format!("{name}: cannot be decompressed: {error}"))
            })?;
        self.inflated.fetch_add(read as u64, Ordering::Relaxed);
        if read as u64 > cap {
            let which = if cap == self.limits.max_part_bytes {
                format!(
                    "the per-part limit of {} bytes (--max-part-size)",
                    self.limits.max_part_bytes
                )
            } else {
                format!(
                    "the per-document limit of {} decompressed bytes (--max-inflated)",
                    self.limits.max_document_bytes
                )
            };
            return Err(PartError::Limit(format!(
                "{name}: decompressed size is over {which}"
            )));
        }
        Ok(data)
    }

    /// Reads an entry as text, dropping a UTF-8 BOM and decoding UTF-16 if a
    /// BOM says so.
    pub fn read_text(&self, wanted: &str) -> Result<String, PartError> {
        let bytes = self.read(wanted)?;
        Ok(crate::extract::text::decode(&bytes).0)
    }
}

fn normalise_name(name: &str) -> String {
    let name = name.replace('\\', "/");
    let name = name.trim_start_matches('/');
    percent_decode(name).to_lowercase()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |byte: u8| (byte as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves a relationship target against the part that holds the
/// relationship (`word/document.xml` + `media/a.png` → `word/media/a.png`).
pub fn resolve_target(source_part: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_owned();
    }
    let mut components: Vec<&str> = source_part.split('/').collect();
    components.pop();
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                components.pop();
            }
            other => components.push(other),
        }
    }
    components.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buffer = Cursor::new(Vec::new());
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

    #[test]
    fn reads_and_resolves_names() {
        let bytes = zip_with(&[("Doc_0/Page 1/Content.xml", b"<a/>")]);
        let limits = Limits::default();
        let container = Container::open(&bytes, &limits).unwrap();
        assert_eq!(
            container.read("doc_0/Page%201/Content.xml").unwrap(),
            b"<a/>"
        );
        assert_eq!(container.read("nope"), Err(PartError::Missing));
    }

    #[test]
    fn caps_inflated_bytes() {
        let big = vec![b'a'; 4 * 1024 * 1024];
        let bytes = zip_with(&[("big.xml", &big)]);
        let limits = Limits {
            max_part_bytes: 1024,
            max_zip_ratio: u64::MAX,
            ..Limits::default()
        };
        let container = Container::open(&bytes, &limits).unwrap();
        assert!(matches!(
            container.read("big.xml"),
            Err(PartError::Limit(_))
        ));
        let ratio_limits = Limits::default();
        let container = Container::open(&bytes, &ratio_limits).unwrap();
        assert!(
            matches!(container.read("big.xml"), Err(PartError::Limit(m)) if m.contains("ratio"))
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let limits = Limits::default();
        assert!(Container::open(b"PK\x03\x04garbage", &limits).is_err());
    }

    #[test]
    fn relationship_targets() {
        assert_eq!(
            resolve_target("word/document.xml", "header1.xml"),
            "word/header1.xml"
        );
        assert_eq!(
            resolve_target("word/document.xml", "../customXml/item.xml"),
            "customXml/item.xml"
        );
        assert_eq!(
            resolve_target("word/document.xml", "/word/footer.xml"),
            "word/footer.xml"
        );
    }
}
