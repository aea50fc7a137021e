//! Shared helpers for prepub's fuzz targets.
//!
//! Each target feeds bytes to one reader and then runs the built-in rules
//! over whatever text came out, so normalisation and matching also see the
//! strange text hostile files produce. A panic anywhere is a finding; so is
//! a run that exceeds libFuzzer's `-timeout` or `-rss_limit_mb`.
//!
//! Zip-based formats get two kinds of targets: `<format>` mutates whole
//! files (exercising the zip layer: most mutations break a CRC or a deflate
//! stream), and `<format>_part` keeps a valid package from `fixtures/` and
//! puts the fuzz input into one of its parts, stored uncompressed, so the
//! mutations reach the XML readers.

use prepub::extract::document::Extraction;
use prepub::extract::{self, Format, Request};
use prepub::extract::limits::{Deadline, Limits};
use prepub::rules::RuleSet;
use prepub::review::find_all;
use prepub::review::ReviewOptions;
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;
use std::time::Duration;

/// Limits small enough that one input stays fast, large enough that every
/// code path (limits included) can be reached.
pub fn limits() -> Limits {
    Limits {
        max_file_bytes: 64 << 20,
        max_part_bytes: 4 << 20,
        max_document_bytes: 16 << 20,
        max_zip_ratio: 100,
        max_zip_entries: 1000,
        max_pdf_objects: 50_000,
        max_depth: 32,
        time_budget: Duration::from_secs(20),
    }
}

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in packs compile"))
}

/// Runs the rules over an extraction, as a scan would.
pub fn match_rules(extraction: &Extraction) {
    let _ = find_all(extraction, rules(), &ReviewOptions::default());
}

/// Extracts `data` as `format` and matches the result.
pub fn extract_as(format: Format, data: &[u8]) {
    let limits = limits();
    let request = Request {
        bytes: data,
        name: "fuzz/input",
        limits: &limits,
        deadline: Deadline::after(limits.time_budget),
        passwords: &[],
    };
    let extraction = extract::extract(format, &request);
    check(&extraction);
    match_rules(&extraction);
}

/// Invariants every extraction keeps, whatever the input.
pub fn check(extraction: &Extraction) {
    for problem in &extraction.problems {
        assert!(
            !problem.message.trim().is_empty(),
            "a problem without a message"
        );
    }
}

/// Detects the format the way a scan does (name from the first byte, so
/// the extension tie-breaker is exercised too), then extracts.
pub fn detect_and_extract(data: &[u8]) {
    const NAMES: [&str; 12] = [
        "a.txt", "a.docx", "a.pdf", "a.ofd", "a.html", "a.xlsx", "a.pptx", "a.odt", "a.zip",
        "a.doc", "a.csv", "a",
    ];
    let name = NAMES[data.first().map_or(0, |b| *b as usize) % NAMES.len()];
    let format = extract::detect(data, name);
    extract_as(format, data);
}

/// A valid package from `fixtures/`, read once.
pub fn template(path: &str) -> &'static [u8] {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static TEMPLATES: OnceLock<Mutex<HashMap<String, &'static [u8]>>> = OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut templates = templates.lock().expect("template lock");
    templates.entry(path.to_owned()).or_insert_with(|| {
        let full = format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
        Box::leak(bytes.into_boxed_slice())
    })
}

/// Rebuilds `package` with one entry's content replaced by `content`
/// (stored uncompressed). The first byte of `data` picks the entry among
/// the package's entries whose names end in one of `suffixes`; the rest is
/// the new content.
pub fn with_part(package: &[u8], suffixes: &[&str], data: &[u8]) -> Option<Vec<u8>> {
    let (selector, content) = data.split_first()?;
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).ok()?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok().map(|name| name.into_owned()))
        .collect();
    let mut candidates: Vec<&String> = names
        .iter()
        .filter(|n| suffixes.iter().any(|s| n.ends_with(s)))
        .collect();
    candidates.sort();
    if candidates.is_empty() {
        return None;
    }
    let chosen = candidates[*selector as usize % candidates.len()].clone();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in &names {
        let mut entry = archive.by_name(name).ok()?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        drop(entry);
        out.start_file(name.as_str(), stored).ok()?;
        if *name == chosen {
            out.write_all(content).ok()?;
        } else {
            out.write_all(&bytes).ok()?;
        }
    }
    Some(out.finish().ok()?.into_inner())
}

/// Puts `data` into a part of one of the fixture packages (the first byte
/// picks which) and extracts it.
pub fn fuzz_part(format: Format, fixtures: &[&str], suffixes: &[&str], data: &[u8]) {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let fixture = fixtures[*selector as usize % fixtures.len()];
    if let Some(package) = with_part(template(fixture), suffixes, rest) {
        extract_as(format, &package);
    }
}

/// A one-page PDF whose page content stream is `content` and whose font's
/// ToUnicode CMap is `cmap`, with a correct cross-reference table, so the
/// mutations reach the content-stream interpreter and the CMap parser
/// instead of stopping at the file structure.
pub fn pdf_with(content: &[u8], cmap: &[u8]) -> Vec<u8> {
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
           /Resources << /Font << /F1 5 0 R /F2 7 0 R >> /XObject << /X1 8 0 R >> >> >>"
            .to_vec(),
        stream(b"", content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
           /DescendantFonts [9 0 R] /ToUnicode 6 0 R >>"
            .to_vec(),
        stream(b"", cmap),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding \
           << /Differences [65 /uni673A /uni5BC6] >> >>"
            .to_vec(),
        stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /Font << /F1 5 0 R >> >>",
            content,
        ),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
           /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
            .to_vec(),
    ];
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dictionary: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = b"<< ".to_vec();
    out.extend_from_slice(dictionary);
    out.extend_from_slice(format!(" /Length {} >>\nstream\n", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// The ToUnicode CMap the `pdf_content` target uses when the input is the
/// content stream.
pub const SIMPLE_CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap \
/CMapName /Adobe-Identity-UCS def 1 begincodespacerange <0000> <FFFF> endcodespacerange \
2 beginbfchar <0001> <673A> <0002> <5BC6> endbfchar 1 beginbfrange <0003> <0010> <4E00> endbfrange \
endcmap CMapName currentdict /CMap defineresource pop end end";
