//! Issue 14 ("Fail closed") for the PDF reader, through the binary: each
//! hostile PDF of `fixtures/malformed/make_pdf.py` is never `pass` — scanned
//! plainly, and again with a decisions file that waives every finding it
//! had — and the text hidden in it (the banner `TOP SECRET//NOFORN`, a 机密
//! marking) is found where it can be recovered.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// Every hostile PDF, the extra options it is scanned with, and whether
/// the extraction must be `partial` (or `failed`): something in it was not
/// read, or not read with certainty, so no decision can make it `pass`.
const HOSTILE: &[(&str, &[&str])] = &[
    ("pdf-length-missing.pdf", &[]),
    ("pdf-length-negative.pdf", &[]),
    ("pdf-length-string.pdf", &[]),
    ("pdf-length-dangling.pdf", &[]),
    ("pdf-length-self.pdf", &[]),
    ("pdf-length-too-long.pdf", &[]),
    ("pdf-filter-bogus-lzw.pdf", &[]),
    ("pdf-filter-double-flate.pdf", &[]),
    ("pdf-flate-truncated.pdf", &[]),
    ("pdf-stream-noise.pdf", &[]),
    ("pdf-contents-missing.pdf", &[]),
    ("pdf-outlined-text.pdf", &[]),
    ("pdf-polyglot-zip.pdf", &[]),
    ("pdf-polyglot-text.pdf", &[]),
    ("pdf-polyglot-binary.pdf", &[]),
    ("pdf-objstm-over-budget.pdf", &["--max-inflated", "3"]),
];

/// Read in full, their hidden text included: never `pass` unreviewed (the
/// text is a marking), and once a reviewer has waived what was found, the
/// findings must have been on the hidden text.
const FULLY_READ: &[&str] = &["pdf-actualtext.pdf", "pdf-alt-structure.pdf"];

fn fixture(name: &str) -> String {
    format!("fixtures/malformed/{name}")
}

/// Scans `files` copied into a temporary directory (so the decisions
/// file sits beside them), with `extra` options; the review as JSON.
fn scan(dir: &Path, files: &[&str], extra: &[&str]) -> Value {
    let output = Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PREPUB_REVIEWER")
        .args([
            "scan",
            "--format",
            "json",
            "--no-progress",
            "--fail-on",
            "never",
        ])
        .args(extra)
        .args(files)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn copy_in(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture(name));
    std::fs::copy(source, dir.path().join(name)).unwrap();
    dir
}

fn the_document<'a>(review: &'a Value, name: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|document| document["path"] == name)
        .unwrap_or_else(|| panic!("{name} not in the review: {review}"))
}

fn problems(document: &Value) -> String {
    document["extraction"]["problems"]
        .as_array()
        .map(|problems| {
            problems
                .iter()
                .filter_map(|p| p["message"].as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// A decisions file that waives (keeps, with a reason) every finding of
/// `document`.
fn waive_everything(dir: &Path, name: &str, document: &Value) -> usize {
    let findings = document["findings"].as_array().unwrap();
    let entries: String = findings
        .iter()
        .map(|finding| {
            format!(
                "- id: '{}'\n  path: {name}\n  sha256: {}\n  rule: {}\n  text: '{}'\n  decision: keep\n  reason: 已审核，可以公开\n  reviewer: 张三\n  approver: 李四\n  date: 2026-11-20\n",
                finding["id"].as_str().unwrap(),
                document["sha256"].as_str().unwrap(),
                finding["rule"].as_str().unwrap(),
                finding["text"].as_str().unwrap_or("").replace('\'', "''"),
            )
        })
        .collect();
    std::fs::write(
        dir.join("prepub-decisions.yaml"),
        if entries.is_empty() {
            String::from("schema: prepub.decisions/1\ndecisions: []\n")
        } else {
            format!("schema: prepub.decisions/1\ndecisions:\n{entries}")
        },
    )
    .unwrap();
    findings.len()
}

fn with_decisions<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut options = vec!["--decisions", "prepub-decisions.yaml"];
    options.extend_from_slice(extra);
    options
}

#[test]
fn no_hostile_pdf_passes_even_with_every_finding_waived() {
    for (name, extra) in HOSTILE {
        let dir = copy_in(name);
        let review = scan(dir.path(), &[name], extra);
        let document = the_document(&review, name);
        let messages = problems(document);
        assert_ne!(document["verdict"], "pass", "{name}: {messages}");
        assert_ne!(
            document["extraction"]["status"], "complete",
            "{name} read as complete"
        );
        assert!(!messages.contains("internal error"), "{name}: {messages}");

        waive_everything(dir.path(), name, document);
        let waived = scan(dir.path(), &[name], &with_decisions(extra));
        let document = the_document(&waived, name);
        assert!(
            waived["decisions"]["file"].is_string(),
            "{name}: the decisions were not used: {waived}"
        );
        let open: Vec<&Value> = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| !finding["waived"].is_object())
            .collect();
        assert!(
            open.is_empty(),
            "{name}: not every finding was waived: {open:?}"
        );
        assert_ne!(
            document["verdict"],
            "pass",
            "{name} passed once its findings were waived: {}",
            problems(document)
        );
    }
}

#[test]
fn fully_read_hostile_pdfs_never_pass_unreviewed_and_their_findings_are_on_hidden_text() {
    for name in FULLY_READ {
        let dir = copy_in(name);
        let review = scan(dir.path(), &[name], &[]);
        let document = the_document(&review, name);
        assert_ne!(document["verdict"], "pass", "{name}");
        let hidden: Vec<&Value> = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| {
                finding["location"]["part"] == "hidden" && finding["category"] == "marking"
            })
            .collect();
        assert!(
            !hidden.is_empty(),
            "{name}: no marking found in hidden text: {document}"
        );
        assert!(waive_everything(dir.path(), name, document) > 0);
        let waived = scan(dir.path(), &[name], &with_decisions(&[]));
        let document = the_document(&waived, name);
        assert!(
            document["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|finding| finding["waived"].is_object()),
            "{name}: {document}"
        );
    }
}

/// `prepub extract` output for a fixture.
fn extract(name: &str, extra: &[&str]) -> String {
    let output = Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("extract")
        .args(extra)
        .arg(fixture(name))
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn recovered_streams_give_their_text_and_name_the_damage() {
    for name in [
        "pdf-length-missing.pdf",
        "pdf-length-negative.pdf",
        "pdf-length-string.pdf",
        "pdf-length-dangling.pdf",
        "pdf-length-self.pdf",
        "pdf-length-too-long.pdf",
    ] {
        let text = extract(name, &[]);
        assert!(text.contains("TOP SECRET//NOFORN"), "{name}: {text}");
        assert!(text.contains("wrong /Length (4 0 R)"), "{name}: {text}");
    }
    for (name, damage) in [
        ("pdf-filter-bogus-lzw.pdf", "is not /LZWDecode data"),
        ("pdf-filter-double-flate.pdf", "is not /FlateDecode data"),
        ("pdf-flate-truncated.pdf", "damaged after"),
    ] {
        let text = extract(name, &[]);
        assert!(text.contains("TOP SECRET//NOFORN"), "{name}: {text}");
        assert!(text.contains(damage), "{name}: {text}");
        assert!(text.contains("page 1:"), "{name} names the page: {text}");
    }
    let noise = extract("pdf-stream-noise.pdf", &[]);
    assert!(
        noise.contains("page 1: a content stream was not read"),
        "{noise}"
    );
    let missing = extract("pdf-contents-missing.pdf", &[]);
    assert!(
        missing.contains("page 1: its content stream 4 0 R is missing"),
        "{missing}"
    );
}

#[test]
fn pages_of_outlines_not_read_by_ocr_are_partial_naming_them() {
    let text = extract("pdf-outlined-text.pdf", &["--no-ocr"]);
    for page in 2..=4 {
        assert!(
            text.contains(&format!("page {page} has no text layer (only drawn shapes: text converted to outlines?): needs OCR or manual review; not read: OCR is off (--no-ocr)")),
            "{text}"
        );
    }
    assert!(text.contains("Cover page"), "{text}");
}

#[test]
fn actual_text_and_alt_are_read_as_hidden_text() {
    let text = extract("pdf-actualtext.pdf", &[]);
    // The glyphs a viewer shows stay the page text.
    assert!(text.contains("Public notice"), "{text}");
    for hidden in ["TOP SECRET//NOFORN", "机密★1年", "绝密★长期"] {
        assert!(text.contains(hidden), "{hidden}: {text}");
    }
    assert!(text.contains("--- hidden page 1 (/Alt"), "{text}");
    let tagged = extract("pdf-alt-structure.pdf", &[]);
    assert!(tagged.contains("Annual report"), "{tagged}");
    assert!(tagged.contains("tags /Alt"), "{tagged}");
    assert!(tagged.contains("TOP SECRET//NOFORN"), "{tagged}");
}

#[test]
fn documents_appended_after_the_end_are_read_and_reported() {
    let zip = extract("pdf-polyglot-zip.pdf", &[]);
    assert!(zip.contains("secret.txt in the zip appended"), "{zip}");
    assert!(zip.contains("机密★1年"), "{zip}");
    let text = extract("pdf-polyglot-text.pdf", &[]);
    assert!(text.contains("TOP SECRET//NOFORN"), "{text}");
    let binary = extract("pdf-polyglot-binary.pdf", &[]);
    assert!(
        binary.contains(
            "appended after the PDF's end (%%EOF) are data of no known format and could not be read"
        ),
        "{binary}"
    );
}

#[test]
fn object_streams_past_the_budget_are_named_and_the_rest_is_read() {
    let text = extract("pdf-objstm-over-budget.pdf", &["--max-inflated", "3"]);
    assert!(text.contains("Public notice"), "{text}");
    assert!(
        text.contains("object stream 31 0 R would take the document's expanded data past 3145728 bytes (--max-inflated)"),
        "{text}"
    );
    assert!(text.contains("object stream 32 0 R"), "{text}");
    // Within the default budget everything is read.
    let whole = extract("pdf-objstm-over-budget.pdf", &[]);
    assert!(whole.contains("TOP SECRET//NOFORN"), "{whole}");
    assert!(!whole.contains("object stream"), "{whole}");
}
