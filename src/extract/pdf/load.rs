//! Opening a PDF: object-count limit, repair, and encryption.
//!
//! lopdf opens owner-password-only files (empty user password) transparently
//! and rebuilds broken cross-reference tables by scanning. With an unknown
//! user password it returns a document with no pages and the `/Encrypt`
//! entry still in the trailer (`shared/docs/libraries.md`), so encryption is
//! checked here, and the passwords the user gave are tried in turn.

use super::elided;
use crate::extract::limits::Limits;
use lopdf::xref::XrefRecovery;
use lopdf::{Document, LoadOptions, Object};

/// How the file was protected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Protection {
    None,
    /// Encrypted, but with an empty user password: anyone can open it.
    OwnerPasswordOnly,
    /// Opened with a password the user supplied.
    UserPassword,
}

pub struct Opened {
    pub doc: Document,
    pub protection: Protection,
    /// The password that opened it, for loading earlier revisions.
    pub password: Option<String>,
    /// Bytes the object streams expanded to while loading, to count
    /// against the document's budget.
    pub inflated: u64,
    /// Object streams that were not expanded, over a limit.
    pub problems: Vec<String>,
    /// Streams whose data lopdf did not load, read again from the file
    /// ([`super::recover`]).
    pub recovered: Vec<lopdf::ObjectId>,
}

/// An object stream found in the file before lopdf loads it.
struct ObjectStreamData {
    id: lopdf::ObjectId,
    /// Where its data lies in the loaded bytes.
    data: std::ops::Range<usize>,
    /// What its data decodes to, or `None` when it is over `limit`.
    decoded: Option<u64>,
}

/// The object streams of the file (`/Type /ObjStm`), each decoded once to
/// learn its size, within `limit` bytes each.
fn object_streams(source: &[u8], limit: u64) -> Vec<ObjectStreamData> {
    let finder = match aho_corasick::AhoCorasick::new([b"/ObjStm"]) {
        Ok(finder) => finder,
        Err(_) => return Vec::new(),
    };
    let mut found: Vec<ObjectStreamData> = Vec::new();
    for hit in finder.find_iter(source) {
        if found.last().is_some_and(|last| hit.start() < last.data.end) {
            continue;
        }
        let Some((offset, id)) = object_header_before(source, hit.start()) else {
            continue;
        };
        let Some((dict, data, at)) = super::recover::stream_at(source, offset, id) else {
            continue;
        };
        if !dict.has_type(b"ObjStm") {
            continue;
        }
        let stream = lopdf::Stream::new(dict, data.to_vec());
        let decoded = match stream.filters() {
            Ok(filters) if !filters.is_empty() => stream
                .decompressed_content_with_limit(usize::try_from(limit).unwrap_or(usize::MAX))
                .ok()
                .map(|bytes| bytes.len() as u64),
            _ => Some(data.len() as u64),
        };
        found.push(ObjectStreamData {
            id,
            data: at..at + data.len(),
            decoded,
        });
    }
    found
}

/// The `N G obj` header of the object whose dictionary holds `position`.
fn object_header_before(source: &[u8], position: usize) -> Option<(usize, lopdf::ObjectId)> {
    let window = &source[position.saturating_sub(4096)..position];
    let base = position - window.len();
    let obj = window.windows(3).rposition(|w| w == b"obj")?;
    let mut at = obj;
    let mut numbers = [0u64; 2];
    for slot in (0..2).rev() {
        while at > 0 && window[at - 1].is_ascii_whitespace() {
            at -= 1;
        }
        let end = at;
        while at > 0 && window[at - 1].is_ascii_digit() {
            at -= 1;
        }
        if at == end || end - at > 10 {
            return None;
        }
        numbers[slot] = std::str::from_utf8(&window[at..end]).ok()?.parse().ok()?;
    }
    Some((
        base + at,
        (
            u32::try_from(numbers[0]).ok()?,
            u16::try_from(numbers[1]).ok()?,
        ),
    ))
}

/// Decides which object streams fit the budget. Returns the bytes those
/// expand to, the problems for the others, and the file with the data of
/// the others zeroed (so lopdf expands nothing from them), if any.
fn budget_object_streams(bytes: &[u8], limits: &Limits) -> (u64, Vec<String>, Option<Vec<u8>>) {
    let source = elided::loaded_bytes(bytes);
    let skipped = bytes.len() - source.len();
    let mut total = 0u64;
    let mut problems = Vec::new();
    let mut patched: Option<Vec<u8>> = None;
    for found in object_streams(source, limits.max_part_bytes) {
        let over = match found.decoded {
            None => Some(format!(
                "object stream {} {} R decodes to more than {} bytes (--max-part-size): the objects in it were not read",
                found.id.0, found.id.1, limits.max_part_bytes
            )),
            Some(size) if total.saturating_add(size) > limits.max_document_bytes => Some(format!(
                "object stream {} {} R would take the document's expanded data past {} bytes (--max-inflated): the objects in it were not read",
                found.id.0, found.id.1, limits.max_document_bytes
            )),
            Some(size) => {
                total += size;
                None
            }
        };
        if let Some(message) = over {
            problems.push(message);
            let copy = patched.get_or_insert_with(|| bytes.to_vec());
            copy[skipped + found.data.start..skipped + found.data.end].fill(0);
        }
    }
    (total, problems, patched)
}

fn options(limits: &Limits, password: Option<&str>) -> LoadOptions {
    LoadOptions {
        password: password.map(String::from),
        max_decompressed_size: Some(usize::try_from(limits.max_part_bytes).unwrap_or(usize::MAX)),
        filter: Some(elided::filter),
        ..LoadOptions::default()
    }
}

/// `Document::load_mem_with_options`, with the repair lopdf skips when a
/// load filter is set: a file whose page tree does not load from its
/// cross-reference data is loaded again with the table rebuilt by scanning
/// (lopdf's own rule, in `Reader::read`).
fn load(bytes: &[u8], options: LoadOptions) -> lopdf::Result<Document> {
    let doc = Document::load_mem_with_options(bytes, options.clone())?;
    let repairable = !doc.trailer.has(b"Encrypt")
        && doc.xref_recovery != Some(XrefRecovery::Reconstructed)
        && !page_tree_loaded(&doc);
    if repairable {
        let options = LoadOptions {
            force_reconstruct: true,
            ..options
        };
        if let Ok(rebuilt) = Document::load_mem_with_options(bytes, options)
            && rebuilt.xref_recovery == Some(XrefRecovery::Reconstructed)
            && page_tree_loaded(&rebuilt)
        {
            return Ok(rebuilt);
        }
    }
    Ok(doc)
}

/// Whether the catalog leads to the root of a page tree with `/Kids`.
fn page_tree_loaded(doc: &Document) -> bool {
    doc.catalog()
        .and_then(|catalog| catalog.get(b"Pages"))
        .and_then(Object::as_reference)
        .and_then(|root| doc.get_dictionary(root))
        .and_then(|root| root.get_deref(b"Kids", doc))
        .and_then(Object::as_array)
        .is_ok()
}

/// Opens a PDF, or says in a sentence why it cannot be reviewed.
pub fn open(bytes: &[u8], limits: &Limits, passwords: &[String]) -> Result<Opened, String> {
    let objects = count_objects(bytes);
    if objects > limits.max_pdf_objects {
        return Err(too_many_objects(objects, limits));
    }
    // Object streams count against the document's budget like every other
    // stream: the ones over it are not expanded (lopdf would expand each
    // up to --max-part-size, whatever the document's total).
    let (inflated, stream_problems, budgeted) = budget_object_streams(bytes, limits);
    let bytes: &[u8] = budgeted.as_deref().unwrap_or(bytes);
    let mut doc = load(bytes, options(limits, None)).map_err(|error| {
        format!("not a readable PDF (truncated or damaged beyond repair): {error}")
    })?;
    // Encryption keys are derived from the trailer's /ID; without one
    // lopdf cannot even try the empty password. Readers treat a missing ID
    // as empty, so retry with `/ID [<> <>]` written into the trailer.
    let patched = (still_encrypted(&doc) && !doc.trailer.has(b"ID"))
        .then(|| with_empty_id(bytes))
        .flatten();
    let bytes: &[u8] = match &patched {
        Some(patched) => {
            if let Ok(retried) = load(patched, options(limits, None)) {
                doc = retried;
            }
            patched
        }
        None => bytes,
    };
    let opened = if still_encrypted(&doc) {
        let mut opened = None;
        for password in passwords {
            if let Ok(doc) = load(bytes, options(limits, Some(password)))
                && !still_encrypted(&doc)
            {
                opened = Some(Opened {
                    doc,
                    protection: Protection::UserPassword,
                    password: Some(password.clone()),
                    inflated,
                    problems: stream_problems.clone(),
                    recovered: Vec::new(),
                });
                break;
            }
        }
        match opened {
            Some(opened) => opened,
            None if passwords.is_empty() => {
                return Err(String::from(
                    "encrypted: cannot be reviewed without the password (--password)",
                ));
            }
            None => {
                return Err(format!(
                    "encrypted: cannot be reviewed without the password — none of the {} password(s) given opened it (--password)",
                    passwords.len()
                ));
            }
        }
    } else {
        let protection = if doc.was_encrypted() {
            Protection::OwnerPasswordOnly
        } else {
            Protection::None
        };
        Opened {
            doc,
            protection,
            password: None,
            inflated,
            problems: stream_problems,
            recovered: Vec::new(),
        }
    };
    if opened.doc.objects.len() > limits.max_pdf_objects {
        return Err(too_many_objects(opened.doc.objects.len(), limits));
    }
    let mut opened = opened;
    opened.recovered = super::recover::streams(&mut opened.doc, elided::loaded_bytes(bytes));
    Ok(opened)
}

/// Loads an earlier revision (a prefix of the file) the same way.
pub fn open_revision(bytes: &[u8], limits: &Limits, password: Option<&str>) -> Option<Document> {
    let (_, problems, budgeted) = budget_object_streams(bytes, limits);
    if !problems.is_empty() {
        // The revision is over the budget the current version was read
        // with: not read (the current version's problems already say so).
        return None;
    }
    drop(budgeted);
    let mut doc = load(bytes, options(limits, password)).ok()?;
    if still_encrypted(&doc) || doc.objects.len() > limits.max_pdf_objects {
        return None;
    }
    super::recover::streams(&mut doc, elided::loaded_bytes(bytes));
    Some(doc)
}

/// Whether the document is encrypted and was not decrypted. lopdf removes
/// `/Encrypt` from the trailer once it decrypts; its `is_encrypted()` only
/// sees an `/Encrypt` given by reference, and some files write it directly.
fn still_encrypted(doc: &Document) -> bool {
    doc.trailer.has(b"Encrypt")
}

fn too_many_objects(count: usize, limits: &Limits) -> String {
    format!(
        "the PDF has {count} objects, over the limit of {} (--max-pdf-objects)",
        limits.max_pdf_objects
    )
}

/// The file with `/ID [<> <>]` added to its last classic trailer, if it has
/// one (the offsets of everything before the trailer stay the same).
fn with_empty_id(bytes: &[u8]) -> Option<Vec<u8>> {
    let trailer = bytes.windows(7).rposition(|window| window == b"trailer")?;
    let open = trailer
        + bytes[trailer..]
            .windows(2)
            .position(|window| window == b"<<")?
        + 2;
    let mut patched = Vec::with_capacity(bytes.len() + 16);
    patched.extend_from_slice(&bytes[..open]);
    patched.extend_from_slice(b"/ID [<> <>]");
    patched.extend_from_slice(&bytes[open..]);
    Some(patched)
}

/// A cheap upper bound on the objects before parsing: `endobj` keywords.
/// (Objects inside object streams are counted after loading.)
fn count_objects(bytes: &[u8]) -> usize {
    let finder = aho_corasick::AhoCorasick::new([b"endobj"]);
    match finder {
        Ok(finder) => finder.find_iter(bytes).count(),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_pdf() {
        let error = open(b"%PDF-1.4\ngarbage", &Limits::default(), &[])
            .err()
            .unwrap_or_default();
        assert!(error.starts_with("not a readable PDF"), "{error}");
    }

    #[test]
    fn an_empty_id_goes_into_the_last_trailer() {
        let patched =
            with_empty_id(b"xref\ntrailer << /Size 1 >> old\ntrailer\n<</Size 2>>").unwrap();
        assert_eq!(
            patched,
            b"xref\ntrailer << /Size 1 >> old\ntrailer\n<</ID [<> <>]/Size 2>>"
        );
        assert!(with_empty_id(b"no trailer here").is_none());
    }

    /// A saved one-page PDF whose objects all sit 64 bytes after where its
    /// (readable) cross-reference table says.
    fn shifted_pdf() -> Vec<u8> {
        use lopdf::{Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let contents = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents,
            "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut saved = Vec::new();
        doc.save_to(&mut saved).unwrap();
        let header_end = saved.iter().position(|&byte| byte == b'\n').unwrap() + 1;
        let startxref = saved.windows(9).rposition(|w| w == b"startxref").unwrap();
        let xref: usize = String::from_utf8_lossy(&saved[startxref + 9..])
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut shifted = saved[..header_end].to_vec();
        shifted.extend_from_slice(&[b'%'; 63]);
        shifted.push(b'\n');
        shifted.extend_from_slice(&saved[header_end..startxref]);
        shifted.extend_from_slice(format!("startxref\n{}\n%%EOF\n", xref + 64).as_bytes());
        shifted
    }

    #[test]
    fn a_page_tree_the_table_misplaces_is_found_by_rebuilding() {
        let bytes = shifted_pdf();
        // lopdf repairs this only when no load filter is set.
        let filtered = Document::load_mem_with_options(
            &bytes,
            LoadOptions {
                filter: Some(elided::filter),
                ..LoadOptions::default()
            },
        )
        .unwrap();
        assert!(filtered.get_pages().is_empty());
        let opened = open(&bytes, &Limits::default(), &[]).unwrap();
        assert_eq!(opened.doc.get_pages().len(), 1);
        assert_eq!(opened.doc.xref_recovery, Some(XrefRecovery::Reconstructed));
    }

    #[test]
    fn object_limit_is_enforced_before_parsing() {
        let limits = Limits {
            max_pdf_objects: 2,
            ..Limits::default()
        };
        let bytes = b"%PDF-1.4\n1 0 obj 1 endobj 2 0 obj 2 endobj 3 0 obj 3 endobj";
        let error = open(bytes, &limits, &[]).err().unwrap_or_default();
        assert!(error.contains("--max-pdf-objects"), "{error}");
    }
}

#[cfg(test)]
mod object_stream_tests {
    use super::*;

    fn fixture() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/malformed/pdf-objstm-over-budget.pdf"
        ))
        .unwrap()
    }

    #[test]
    fn object_streams_are_found_and_sized() {
        let bytes = fixture();
        let found = object_streams(elided::loaded_bytes(&bytes), 10_000_000);
        let sizes: Vec<(u32, Option<u64>)> = found.iter().map(|f| (f.id.0, f.decoded)).collect();
        assert_eq!(sizes.len(), 3, "{sizes:?}");
        assert!(
            sizes
                .iter()
                .all(|(_, size)| size.is_some_and(|s| s > 2_000_000)),
            "{sizes:?}"
        );
    }

    #[test]
    fn object_streams_over_the_budget_are_not_expanded() {
        let bytes = fixture();
        let limits = Limits {
            max_document_bytes: 3_000_000,
            ..Limits::default()
        };
        let opened = open(&bytes, &limits, &[]).unwrap();
        assert!(opened.inflated > 2_000_000 && opened.inflated <= 3_000_000);
        assert_eq!(opened.problems.len(), 2, "{:?}", opened.problems);
        assert!(
            opened.problems[0].contains("object stream 31 0 R"),
            "{:?}",
            opened.problems
        );
        assert!(opened.problems[1].contains("--max-inflated"));
        assert!(
            !opened.doc.objects.contains_key(&(14, 0)),
            "page 2 was in the third"
        );
        let limits = Limits {
            max_part_bytes: 1_000_000,
            ..Limits::default()
        };
        let opened = open(&bytes, &limits, &[]).unwrap();
        assert_eq!(opened.problems.len(), 3, "{:?}", opened.problems);
        assert!(opened.problems[0].contains("--max-part-size"));
    }
}
