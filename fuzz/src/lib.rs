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

use prepub::document::Extraction;
use prepub::extract::{self, Format, Request};
use prepub::limits::{Deadline, Limits};
use prepub::rules::RuleSet;
use prepub::scan::{ScanOptions, find_all};
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
    let _ = find_all(extraction, rules(), &ScanOptions::default());
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
