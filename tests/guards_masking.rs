//! Reports leak nothing: personal data is masked by what the text is, not
//! by which rule or reader reported it.
//!
//! On the documents of `fixtures/malformed/make_masking.py`, whose ID number
//! and mobile number reach a report by every road other than a personal
//! rule's own finding — the text under a failed redaction, a hidden-text
//! excerpt, a comment author's label, the document's author in a notice's
//! message, a sheet name in a notice, a reader's problem, a verdict reason
//! and a finding's location — neither number appears in clear in any
//! output format, each road shows it masked, and `--show-match` shows it.

use assert_cmd::Command;
use serde_json::Value;
use std::io::Read;
use std::path::Path;

/// Synthetic, and in no rule pack's examples: a report that embeds the
/// packs cannot hide a leak.
const ID: &str = "320102194807010041";
const ID_MASKED: &str = "3201**********0041";
const MOBILE: &str = "13712345678";
const MOBILE_MASKED: &str = "137****5678";

const FILES: [&str; 4] = [
    "masking-redaction.pdf",
    "masking-hidden.docx",
    "masking-sheet-name.xlsx",
    "masking-author.html",
];

fn batch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed");
    for file in FILES {
        std::fs::copy(fixtures.join(file), dir.path().join("docs").join(file))
            .unwrap_or_else(|e| panic!("fixtures/malformed/{file} (make_masking.py): {e}"));
    }
    dir
}

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").unwrap();
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PREPUB_REVIEWER");
    command
}

fn json(dir: &Path, extra: &[&str]) -> Value {
    let output = prepub(dir)
        .args([
            "scan",
            "docs",
            "--format",
            "json",
            "--no-progress",
            "--fail-on",
            "never",
        ])
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The text of a written report; for `.docx`, every XML part of it.
fn report_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "docx") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            if entry.name().unwrap().ends_with(".xml") {
                entry.read_to_string(&mut text).unwrap();
            }
        }
        text
    } else {
        String::from_utf8(bytes).unwrap()
    }
}

#[test]
fn no_output_format_shows_personal_data_in_clear() {
    let dir = batch();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let formats = [
        ("JSON", "review.json"),
        ("text", "review.txt"),
        ("HTML", "signoff.html"),
        ("Markdown", "signoff.md"),
        ("CSV", "review.csv"),
        ("SARIF", "review.sarif"),
        ("JUnit", "review.xml"),
        ("DOCX", "signoff.docx"),
    ];
    let mut command = prepub(dir.path());
    command.args(["scan", "docs", "--no-progress", "--fail-on", "never"]);
    for (_, file) in formats {
        command.arg("-o").arg(out.join(file));
    }
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reports: Vec<(&str, String)> = formats
        .iter()
        .map(|(name, file)| (*name, report_text(&out.join(file))))
        .collect();
    reports.push(("terminal", String::from_utf8(output.stdout).unwrap()));
    let mut failures = Vec::new();
    for (format, text) in &reports {
        for clear in [ID, MOBILE] {
            if text.contains(clear) {
                let at = text.find(clear).unwrap_or(0);
                let from = text.floor_char_boundary(at.saturating_sub(120));
                let to = text.ceil_char_boundary((at + 80).min(text.len()));
                failures.push(format!("{format} shows {clear}: …{}…", &text[from..to]));
            }
        }
        // The data did reach the report, masked (Markdown escapes the `*`).
        let unescaped = text.replace('\\', "");
        for masked in [ID_MASKED, MOBILE_MASKED] {
            if !unescaped.contains(masked) {
                failures.push(format!("{format} does not show {masked}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn document<'a>(review: &'a Value, file: &str) -> &'a Value {
    let path = format!("docs/{file}");
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path.as_str())
        .unwrap_or_else(|| panic!("{path} not in {review}"))
}

fn finding<'a>(document: &'a Value, rule: &str, part: &str) -> &'a Value {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["location"]["part"] == part)
        .unwrap_or_else(|| panic!("no {rule} in {part}: {document:#}"))
}

/// Where the data travels, each road by name: (file, rule, part, field of
/// the finding, what the field must contain masked, and in clear with
/// `--show-match`).
const ROADS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "masking-redaction.pdf",
        "redaction.pdf.text-under-box",
        "body",
        "text",
        ID_MASKED,
        ID,
    ),
    (
        "masking-redaction.pdf",
        "redaction.pdf.text-under-box",
        "body",
        "context",
        ID_MASKED,
        ID,
    ),
    (
        "masking-hidden.docx",
        "hidden.docx.hidden-text",
        "hidden",
        "text",
        ID_MASKED,
        ID,
    ),
    (
        "masking-hidden.docx",
        "marking.cn.level-star",
        "comment",
        "context",
        "[王五137****5678, 2026-01-01]",
        "[王五13712345678, 2026-01-01]",
    ),
    (
        "masking-hidden.docx",
        "metadata.docx.author",
        "metadata",
        "text",
        MOBILE_MASKED,
        MOBILE,
    ),
    (
        "masking-author.html",
        "metadata.html.author",
        "metadata",
        "message",
        MOBILE_MASKED,
        MOBILE,
    ),
    (
        "masking-sheet-name.xlsx",
        "hidden.xlsx.hidden-sheet",
        "hidden",
        "text",
        MOBILE_MASKED,
        MOBILE,
    ),
];

#[test]
fn every_road_shows_the_data_masked_and_show_match_shows_it() {
    let dir = batch();
    let masked = json(dir.path(), &[]);
    let shown = json(dir.path(), &["--show-match"]);
    let mut failures = Vec::new();
    for (file, rule, part, field, hidden, clear) in ROADS {
        let value = |review: &Value| {
            finding(document(review, file), rule, part)[*field]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        let (masked, shown) = (value(&masked), value(&shown));
        if !masked.contains(hidden) || masked.contains(clear) {
            failures.push(format!("{file} {rule} {field}: {masked:?}"));
        }
        if !shown.contains(clear) {
            failures.push(format!(
                "{file} {rule} {field} with --show-match: {shown:?}"
            ));
        }
    }
    // A reader's problem, the verdict's reasons that quote it, and the
    // location of a finding in the sheet named after a person.
    let sheet = document(&masked, "masking-sheet-name.xlsx");
    let problem = sheet["extraction"]["problems"][0]["message"]
        .as_str()
        .unwrap_or_default();
    if !problem.starts_with("sheet 王五137****5678") {
        failures.push(format!("problem: {problem:?}"));
    }
    let reasons = sheet["reasons"].to_string();
    if !reasons.contains("王五137****5678") || reasons.contains(MOBILE) {
        failures.push(format!("reasons: {reasons}"));
    }
    let location = &finding(sheet, "marking.cn.level-star", "hidden")["location"]["sheet"];
    if location != "王五137****5678" {
        failures.push(format!("location: {location}"));
    }
    let shown_sheet = document(&shown, "masking-sheet-name.xlsx");
    if !shown_sheet["extraction"]["problems"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains(MOBILE)
    {
        failures.push("problem with --show-match: not shown".into());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Masking does not change what a finding is: ids are the same with and
/// without `--show-match`, so decisions made on a masked review apply to a
/// revealed one.
#[test]
fn masking_leaves_finding_ids_alone() {
    let dir = batch();
    let ids = |review: &Value| -> Vec<Value> {
        review["documents"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["findings"].as_array().unwrap().iter())
            .map(|f| f["id"].clone())
            .collect()
    };
    let masked = json(dir.path(), &[]);
    let shown = json(dir.path(), &["--show-match"]);
    assert!(!ids(&masked).is_empty());
    assert_eq!(ids(&masked), ids(&shown));
}
