//! Reading parts out of zip containers (OOXML, ODF, OFD, zip archives) with
//! caps on what inflates.
//!
//! A 3 MB zip bomb drove an unbounded reader to 12 GB
//! (`shared/docs/libraries.md`), so every read goes through [`Container`],
//! which caps each part, the whole document and the compression ratio, and
//! turns a violation into an error message naming the limit.

use crate::extract::limits::Limits;
use std::collections::HashMap;
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
///
/// **Entries with the same name.** A zip may hold two entries named
/// `word/document.xml` (or `word/document.xml` and `Word/Document.xml`, which
/// OPC and most readers take for one part); readers disagree about which one
/// counts, so a marking in the one prepub does not read would pass. The zip
/// crate keeps only the last of two entries with one name, so the central
/// directory is read again here to find the others. Each such name has a
/// list of copies; [`Container::read`] returns the copy chosen by the
/// *variant* the container was opened under (see [`with_variant`]), and the
/// dispatcher in [`crate::extract`] runs the format's reader once per
/// variant, so that every copy is read by the reader of its format.
pub struct Container<'a> {
    archive: std::sync::Mutex<ZipArchive<Cursor<&'a [u8]>>>,
    bytes: &'a [u8],
    names: Vec<String>,
    limits: &'a Limits,
    inflated: AtomicU64,
    /// Entry name → its copies in central-directory order, for names that
    /// occur more than once byte for byte.
    copies: HashMap<String, Vec<EntryCopy>>,
    /// Normalised name → every copy of every entry with that normalised
    /// name, for names shared by more than one entry.
    groups: HashMap<String, Vec<EntryCopy>>,
    variant: usize,
}

/// One of several entries sharing a name.
#[derive(Clone, Debug)]
enum EntryCopy {
    /// The entry the zip crate keeps under this name.
    Kept(String),
    /// An entry the zip crate hides behind a later one of the same name,
    /// read from its local header here.
    Shadowed(RawEntry),
}

#[derive(Clone, Debug)]
struct RawEntry {
    name: String,
    /// Offset of the local header in the file.
    header: u64,
    compressed: u64,
    size: u64,
    method: u16,
    flags: u16,
    crc: u32,
}

thread_local! {
    static VARIANT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `read` with containers opened inside it choosing copy `variant` of
/// every entry name that occurs more than once (the last copy when there
/// are fewer).
pub fn with_variant<T>(variant: usize, read: impl FnOnce() -> T) -> T {
    let before = VARIANT.with(|cell| cell.replace(variant));
    let result = read();
    VARIANT.with(|cell| cell.set(before));
    result
}

/// An entry name shared by several entries of one zip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedName {
    /// The name as the first of the entries spells it.
    pub name: String,
    /// The different spellings (`word/document.xml`, `Word/Document.xml`),
    /// one when the entries are named byte for byte the same.
    pub spellings: Vec<String>,
    pub count: usize,
}

/// The names shared by more than one entry of the zip in `bytes` (exactly,
/// or once case, a leading `/`, backslashes and `%`-escapes are ignored),
/// in the order the archive lists them; empty when the zip cannot be read.
pub fn shared_names(bytes: &[u8], limits: &Limits) -> Vec<SharedName> {
    let Ok(container) = Container::open(bytes, limits) else {
        return Vec::new();
    };
    let mut shared = Vec::new();
    let mut done = std::collections::HashSet::new();
    for name in &container.names {
        let key = normalise_name(name);
        let Some(copies) = container.groups.get(&key) else {
            continue;
        };
        if !done.insert(key.clone()) {
            continue;
        }
        let spellings: Vec<String> = container
            .names
            .iter()
            .filter(|other| normalise_name(other) == key)
            .cloned()
            .collect();
        shared.push(SharedName {
            name: name.clone(),
            spellings,
            count: copies.len(),
        });
    }
    shared
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
        let names: Vec<String> = archive
            .file_names()
            .filter_map(|name| name.ok().map(|name| name.into_owned()))
            .collect();
        let copies = if archive.has_duplicate_names() {
            exact_copies(bytes, &archive, limits.max_zip_entries)
        } else {
            HashMap::new()
        };
        let mut groups: HashMap<String, Vec<EntryCopy>> = HashMap::new();
        for name in &names {
            let entry = groups.entry(normalise_name(name)).or_default();
            match copies.get(name) {
                Some(list) => entry.extend(list.iter().cloned()),
                None => entry.push(EntryCopy::Kept(name.clone())),
            }
        }
        groups.retain(|_, list| list.len() > 1);
        Ok(Container {
            archive: std::sync::Mutex::new(archive),
            bytes,
            names,
            limits,
            inflated: AtomicU64::new(0),
            copies,
            groups,
            variant: VARIANT.with(std::cell::Cell::get),
        })
    }

    /// How many entries are named exactly `name` (1 for most).
    pub fn copies(&self, name: &str) -> usize {
        self.copies.get(name).map_or(1, Vec::len)
    }

    /// Reads copy `index` (central-directory order) of the entries named
    /// exactly `name`, with the same caps as [`Container::read`].
    pub fn read_copy(&self, name: &str, index: usize) -> Result<Vec<u8>, PartError> {
        match self.copies.get(name) {
            Some(list) => match list.get(index) {
                Some(copy) => self.read_from(copy.clone()),
                None => Err(PartError::Missing),
            },
            None if index == 0 => self.read(name),
            None => Err(PartError::Missing),
        }
    }

    /// The names that more than one entry share (see [`shared_names`]).
    pub fn has_shared_names(&self) -> bool {
        !self.groups.is_empty()
    }

    /// Whether `name` is one of the names several entries share.
    pub fn is_shared(&self, name: &str) -> bool {
        self.groups.contains_key(&normalise_name(name))
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
    /// Of several entries sharing the name, the copy of the container's
    /// variant is read.
    pub fn read(&self, wanted: &str) -> Result<Vec<u8>, PartError> {
        let name = self.resolve(wanted).ok_or(PartError::Missing)?.to_owned();
        if let Some(list) = self.groups.get(&normalise_name(&name)) {
            let copy = list[self.variant.min(list.len() - 1)].clone();
            return self.read_from(copy);
        }
        self.read_kept(&name)
    }

    fn read_from(&self, copy: EntryCopy) -> Result<Vec<u8>, PartError> {
        match copy {
            EntryCopy::Kept(name) => self.read_kept(&name),
            EntryCopy::Shadowed(raw) => self.read_shadowed(&raw),
        }
    }

    /// Reads the entry the zip crate keeps under `name`.
    fn read_kept(&self, name: &str) -> Result<Vec<u8>, PartError> {
        let mut archive = self
            .archive
            .lock()
            .map_err(|_| PartError::Corrupt("container lock poisoned".into()))?;
        let entry = archive
            .by_name(name)
            .map_err(|error| PartError::Corrupt(format!("{name}: {error}")))?;
        let declared = entry.size();
        let compressed = entry.compressed_size();
        self.inflate(name, declared, compressed, entry)
    }

    /// Reads an entry hidden behind a later one of the same name: stored or
    /// deflated, checked against its CRC.
    fn read_shadowed(&self, raw: &RawEntry) -> Result<Vec<u8>, PartError> {
        let name = &raw.name;
        let corrupt = |why: &str| {
            PartError::Corrupt(format!("{name} (an earlier entry of that name): {why}"))
        };
        if raw.flags & 1 != 0 {
            return Err(corrupt("encrypted"));
        }
        let header = usize::try_from(raw.header).map_err(|_| corrupt("bad offset"))?;
        let local = self
            .bytes
            .get(header..header.saturating_add(30))
            .filter(|local| local.starts_with(b"PK\x03\x04"))
            .ok_or_else(|| corrupt("its local header is missing"))?;
        let start = header + 30 + le16(local, 26) as usize + le16(local, 28) as usize;
        let end = usize::try_from(raw.compressed)
            .ok()
            .and_then(|length| start.checked_add(length))
            .ok_or_else(|| corrupt("bad size"))?;
        let data = self
            .bytes
            .get(start..end)
            .ok_or_else(|| corrupt("its data runs past the end of the file"))?;
        let reader: Box<dyn Read> = match raw.method {
            0 => Box::new(data),
            8 => Box::new(flate2::read::DeflateDecoder::new(data)),
            other => return Err(corrupt(&format!("unsupported compression method {other}"))),
        };
        let content = self.inflate(name, raw.size, raw.compressed, reader)?;
        let mut crc = flate2::Crc::new();
        crc.update(&content);
        if crc.sum() != raw.crc {
            return Err(corrupt("its checksum does not match (damaged)"));
        }
        Ok(content)
    }

    fn inflate(
        &self,
        name: &str,
        declared: u64,
        compressed: u64,
        entry: impl Read,
    ) -> Result<Vec<u8>, PartError> {
        let compressed = compressed.max(1);
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

    /// Reads at most the first `length` bytes of an entry (the copy the zip
    /// crate keeps), for looking at a part's prolog without inflating it
    /// all; they count against the document budget like any read.
    pub fn read_head(&self, wanted: &str, length: u64) -> Result<Vec<u8>, PartError> {
        let name = self.resolve(wanted).ok_or(PartError::Missing)?.to_owned();
        let mut archive = self
            .archive
            .lock()
            .map_err(|_| PartError::Corrupt("container lock poisoned".into()))?;
        let entry = archive
            .by_name(&name)
            .map_err(|error| PartError::Corrupt(format!("{name}: {error}")))?;
        let already = self.inflated.load(Ordering::Relaxed);
        let room = self.limits.max_document_bytes.saturating_sub(already);
        let mut data = Vec::new();
        entry
            .take(length.min(room))
            .read_to_end(&mut data)
            .map_err(|error| {
                PartError::Corrupt(format!("{name}: cannot be decompressed: {error}"))
            })?;
        self.inflated
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        Ok(data)
    }

    /// Reads an entry as text, dropping a UTF-8 BOM and decoding UTF-16 if a
    /// BOM says so.
    pub fn read_text(&self, wanted: &str) -> Result<String, PartError> {
        let bytes = self.read(wanted)?;
        Ok(crate::extract::text::decode(&bytes).0)
    }
}

fn le16(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn le32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn le64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Every entry of a name that occurs more than once in the central
/// directory, in directory order: the earlier ones read from the directory
/// here, the last one the entry the zip crate keeps (it keeps the last).
fn exact_copies(
    bytes: &[u8],
    archive: &ZipArchive<Cursor<&[u8]>>,
    max_entries: usize,
) -> HashMap<String, Vec<EntryCopy>> {
    let offset = archive.offset();
    let mut at = archive.central_directory_start() as usize;
    let mut by_raw: HashMap<Vec<u8>, Vec<RawEntry>> = HashMap::new();
    let mut seen = 0;
    while seen <= max_entries {
        let Some(header) = bytes.get(at..at.saturating_add(46)) else {
            break;
        };
        if !header.starts_with(b"PK\x01\x02") {
            break;
        }
        seen += 1;
        let name_length = le16(header, 28) as usize;
        let extra_length = le16(header, 30) as usize;
        let comment_length = le16(header, 32) as usize;
        let Some(raw_name) = bytes.get(at + 46..at + 46 + name_length) else {
            break;
        };
        let extra = bytes
            .get(at + 46 + name_length..at + 46 + name_length + extra_length)
            .unwrap_or(&[]);
        let mut size = u64::from(le32(header, 24));
        let mut compressed = u64::from(le32(header, 20));
        let mut header_offset = u64::from(le32(header, 42));
        // ZIP64: the sizes and offset that are 0xFFFFFFFF come from the
        // extra field 0x0001, in that order.
        let mut field = 0;
        while field + 4 <= extra.len() {
            let id = le16(extra, field);
            let length = le16(extra, field + 2) as usize;
            let body = extra.get(field + 4..field + 4 + length).unwrap_or(&[]);
            if id == 1 {
                let mut next = 0;
                for value in [&mut size, &mut compressed, &mut header_offset] {
                    if *value == u64::from(u32::MAX) && next + 8 <= body.len() {
                        *value = le64(body, next);
                        next += 8;
                    }
                }
            }
            field += 4 + length;
        }
        by_raw.entry(raw_name.to_vec()).or_default().push(RawEntry {
            name: String::new(),
            header: header_offset.saturating_add(offset),
            compressed,
            size,
            method: le16(header, 10),
            flags: le16(header, 8),
            crc: le32(header, 16),
        });
        at += 46 + name_length + extra_length + comment_length;
    }
    let mut copies = HashMap::new();
    for (raw_name, mut entries) in by_raw {
        if entries.len() < 2 {
            continue;
        }
        let Some(name) = archive
            .index_for_name_raw(&raw_name)
            .and_then(|index| archive.name_for_index(index))
            .and_then(Result::ok)
            .map(|name| name.into_owned())
        else {
            continue;
        };
        entries.pop();
        let mut list: Vec<EntryCopy> = entries
            .into_iter()
            .map(|mut entry| {
                entry.name = name.clone();
                EntryCopy::Shadowed(entry)
            })
            .collect();
        list.push(EntryCopy::Kept(name.clone()));
        copies.insert(name, list);
    }
    copies
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
