//! Opening a PDF: object-count limit, repair, and encryption.
//!
//! lopdf opens owner-password-only files (empty user password) transparently
//! and rebuilds broken cross-reference tables by scanning. With an unknown
//! user password it returns a document with no pages and the `/Encrypt`
//! entry still in the trailer (`shared/docs/libraries.md`), so encryption is
//! checked here, and the passwords the user gave are tried in turn.

use super::elided;
use crate::limits::Limits;
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
        }
    };
    if opened.doc.objects.len() > limits.max_pdf_objects {
        return Err(too_many_objects(opened.doc.objects.len(), limits));
    }
    let mut opened = opened;
    super::recover::streams(&mut opened.doc, elided::loaded_bytes(bytes));
    Ok(opened)
}

/// Loads an earlier revision (a prefix of the file) the same way.
pub fn open_revision(bytes: &[u8], limits: &Limits, password: Option<&str>) -> Option<Document> {
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
