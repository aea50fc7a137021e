//! The legacy formats of issue 16 against real files: the shared corpus's
//! `legacy/` set (`../shared/corpus/legacy`, MANIFEST.tsv and LibreOffice
//! 7.4's reference texts in `reference/`).
//!
//! For every file both LibreOffice and prepub read, the recall of the
//! reference text in prepub's text is measured — CJK bigrams when the
//! reference has Chinese/Japanese text, words otherwise — and at least 95%
//! of those files must reach 0.95. The files below that, and the files
//! prepub could not read, are printed. Encrypted files (NOT READ in the
//! manifest) must never come back `complete`. When the corpus is absent the
//! test prints why and checks nothing.

use prepub::extract::document::{Extraction, ExtractionStatus};
use prepub::extract::limits::{Deadline, Limits};
use prepub::extract::{Request, detect, extract};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("PREPUB_CORPUS") {
        candidates.push(PathBuf::from(dir).join("legacy"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/legacy"));
    let found = candidates
        .into_iter()
        .find(|dir| dir.join("MANIFEST.tsv").is_file());
    if found.is_none() {
        eprintln!("legacy corpus not found (../shared/corpus/legacy): skipping");
    }
    found
}

const LEGACY: &[&str] = &[
    "doc", "dot", "wps", "xls", "xlt", "et", "ppt", "pps", "dps", "rtf", "fodt", "fods", "fodp",
];

fn run(path: &Path) -> Extraction {
    let bytes = std::fs::read(path).expect("corpus file is readable");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let limits = Limits::default();
    let request = Request {
        bytes: &bytes,
        name: &name,
        limits: &limits,
        deadline: Deadline::never(),
        passwords: &[],
    };
    extract(detect(&bytes, &name), &request)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x3040..=0x30FF)
}

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|&c| is_cjk(c)).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Words of letters only: LibreOffice glues footnote marks to the word
/// before them ("Paragraph 11", "text1i") and formats numbers its own way,
/// so tokens with digits are not compared.
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && !w.chars().any(|c| is_cjk(c) || c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect()
}

/// Recall of the reference in prepub's text, and which measure was used.
fn recall(reference: &str, ours: &str) -> (f64, &'static str) {
    let wanted = bigrams(reference);
    if wanted.len() >= 10 {
        let found = bigrams(ours);
        let hit = wanted.iter().filter(|b| found.contains(b)).count();
        return (hit as f64 / wanted.len() as f64, "CJK bigrams");
    }
    let wanted = words(reference);
    if wanted.is_empty() {
        return (1.0, "empty reference");
    }
    let found = words(ours);
    let hit = wanted.iter().filter(|w| found.contains(*w)).count();
    (hit as f64 / wanted.len() as f64, "words")
}

#[test]
fn legacy_files_agree_with_libreoffice() {
    let Some(dir) = corpus() else {
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("manifest");
    let mut measured = Vec::new();
    let mut unread = Vec::new();
    let mut encrypted_checked = 0;
    for line in manifest.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(reference), Some(libreoffice)) =
            (columns.first(), columns.get(8), columns.get(9))
        else {
            continue;
        };
        let extension = file.rsplit('.').next().unwrap_or("").to_lowercase();
        if !LEGACY.contains(&extension.as_str()) {
            continue;
        }
        let path = dir.join("files").join(file);
        if !path.is_file() {
            continue;
        }
        let extraction = run(&path);
        let status = extraction.status();
        let note = columns.get(7).copied().unwrap_or("");
        if note.contains("ENCRYPTED") {
            assert_ne!(
                status,
                ExtractionStatus::Complete,
                "{file} is encrypted but was read as complete"
            );
            encrypted_checked += 1;
        }
        if reference.is_empty() || libreoffice.starts_with("NOT READ") {
            continue;
        }
        let Ok(reference_text) = std::fs::read_to_string(dir.join("reference").join(reference))
        else {
            continue;
        };
        if status == ExtractionStatus::Failed {
            unread.push(format!(
                "{file}: {}",
                extraction
                    .problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            continue;
        }
        let ours = extraction
            .segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        // The spreadsheet references head each sheet with "=== Sheet: NAME"
        // (prepub gives the name as metadata), the presentation ones each
        // slide with "=== Slide N": the heading words are not document text.
        let reference_text: String = reference_text
            .lines()
            .filter(|line| !line.starts_with("=== Slide "))
            .map(|line| line.strip_prefix("=== Sheet: ").unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n");
        let (score, measure) = recall(&reference_text, &ours);
        measured.push((file.to_string(), score, measure, status));
    }
    let below: Vec<&(String, f64, &str, ExtractionStatus)> =
        measured.iter().filter(|(_, s, _, _)| *s < 0.95).collect();
    eprintln!(
        "legacy corpus: {} files read by both, {} below 0.95 recall, {} read by LibreOffice but failed in prepub, {} encrypted files checked",
        measured.len(),
        below.len(),
        unread.len(),
        encrypted_checked
    );
    for (file, score, measure, status) in &below {
        eprintln!("  below: {file}: {measure} recall {score:.3} ({status:?})");
    }
    for line in &unread {
        eprintln!("  not read by prepub: {line}");
    }
    assert!(!measured.is_empty(), "no legacy file was measured");
    let good = measured.len() - below.len();
    assert!(
        good * 100 >= measured.len() * 95,
        "only {good} of {} legacy files reach 0.95 recall",
        measured.len()
    );
}
