//! The promise, format by format: a damaged or partly unreadable document
//! is never `pass` — neither plainly nor when a decisions file waives every
//! one of its findings.
//!
//! Through the binary, on the damaged copies of well-formed fixtures that
//! `fixtures/malformed/make_damaged.py` makes (a part cut short, a stream
//! that fails to inflate or parse, bytes valid in no encoding). Every format
//! prepub knows (`Format::ALL`) has at least one; every failure names the
//! format and the file.

use assert_cmd::Command;
use prepub::extract::Format;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One damaged file: the format it is reported as, the document's path
/// under `docs/` (an archive member is named `zip!/member`), and words the
/// problems must contain (what the damage is), so the test fails if the
/// reader stops saying why.
struct Damaged {
    format: &'static str,
    document: &'static str,
    problem: &'static str,
}

const DAMAGED: &[Damaged] = &[
    Damaged {
        format: "txt",
        document: "damaged-text.txt",
        problem: "not valid UTF-8",
    },
    Damaged {
        format: "md",
        document: "damaged-markdown.md",
        problem: "not valid UTF-8",
    },
    Damaged {
        format: "csv",
        document: "damaged-table.tsv",
        problem: "not valid UTF-8",
    },
    Damaged {
        format: "log",
        document: "damaged-log.log",
        problem: "not valid UTF-8",
    },
    Damaged {
        format: "text",
        document: "damaged-other.ini",
        problem: "not valid UTF-8",
    },
    Damaged {
        format: "html",
        document: "damaged-page.html",
        problem: "not valid UTF-8",
    },
    Damaged {
        format: "mail",
        document: "damaged-mail.eml",
        problem: "is damaged",
    },
    Damaged {
        format: "mail",
        document: "damaged-page.mht",
        problem: "is damaged",
    },
    Damaged {
        format: "pdf",
        document: "damaged-stream.pdf",
        problem: "/FlateDecode failed",
    },
    Damaged {
        format: "pdf",
        document: "damaged-cut.pdf",
        problem: "not a readable PDF",
    },
    Damaged {
        format: "ofd",
        document: "damaged-page.ofd",
        problem: "Doc_0/Pages/Page_0/Content.xml: malformed XML",
    },
    Damaged {
        format: "docx",
        document: "damaged-body.docx",
        problem: "word/document.xml is not readable XML",
    },
    Damaged {
        format: "docx",
        document: "damaged-body.docm",
        problem: "word/document.xml: cannot be decompressed",
    },
    Damaged {
        format: "xlsx",
        document: "damaged-sheet.xlsx",
        problem: "sheet 隐藏表 cannot be read",
    },
    Damaged {
        format: "pptx",
        document: "damaged-slide.pptx",
        problem: "PPTX slide 2 (ppt/slides/slide2.xml): malformed XML",
    },
    Damaged {
        format: "odt",
        document: "damaged-content.odt",
        problem: "content.xml: malformed XML",
    },
    Damaged {
        format: "ods",
        document: "damaged-content.ods",
        problem: "content.xml: malformed XML",
    },
    Damaged {
        format: "odp",
        document: "damaged-content.odp",
        problem: "content.xml: malformed XML",
    },
    Damaged {
        format: "odt",
        document: "damaged-flat.fodt",
        problem: "XML ends before its elements are closed",
    },
    Damaged {
        format: "ods",
        document: "damaged-flat.fods",
        problem: "XML ends before its elements are closed",
    },
    Damaged {
        format: "odp",
        document: "damaged-flat.fodp",
        problem: "XML ends before its elements are closed",
    },
    Damaged {
        format: "doc",
        document: "damaged-table-stream.doc",
        problem: "the piece table (CLX) is malformed",
    },
    Damaged {
        format: "wps",
        document: "damaged-cut.wps",
        problem: "not a readable OLE compound file",
    },
    Damaged {
        format: "xls",
        document: "damaged-strings.xls",
        problem: "sheet 隐藏表: 1 cell(s) (the first A1) refer to strings",
    },
    Damaged {
        format: "wps",
        document: "damaged-cut.et",
        problem: "not a readable OLE compound file",
    },
    Damaged {
        format: "ppt",
        document: "damaged-slide.ppt",
        problem: "declares 65535 bytes, more than its container holds",
    },
    Damaged {
        format: "wps",
        document: "damaged-cut.dps",
        problem: "not a readable OLE compound file",
    },
    Damaged {
        format: "encrypted",
        document: "damaged-encrypted.docx",
        problem: "encrypted",
    },
    Damaged {
        format: "rtf",
        document: "damaged-cut.rtf",
        problem: "ends inside 3 open groups",
    },
    Damaged {
        format: "zip",
        document: "damaged-cut.zip",
        problem: "not a readable zip container",
    },
    Damaged {
        format: "unknown",
        document: "damaged-member.zip!/通知.txt",
        problem: "cannot be decompressed",
    },
    Damaged {
        format: "image",
        document: "damaged-image.png",
        // Decoded before any OCR engine is needed, so the same with or
        // without Tesseract installed.
        problem: "not read by OCR: PNG header cannot be read",
    },
    Damaged {
        format: "archive",
        document: "damaged-archive.gz",
        problem: "archive format prepub cannot open",
    },
    Damaged {
        format: "unknown",
        document: "damaged-unknown.bin",
        problem: "unrecognised file format",
    },
];

fn malformed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed")
}

/// The file a table entry is in (an archive member: its archive).
fn file_of(document: &str) -> &str {
    document.split("!/").next().unwrap_or(document)
}

/// A temporary directory holding every damaged file in `docs/`.
fn batch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    let files: BTreeSet<&str> = DAMAGED.iter().map(|d| file_of(d.document)).collect();
    for file in files {
        std::fs::copy(malformed().join(file), dir.path().join("docs").join(file))
            .unwrap_or_else(|e| panic!("fixtures/malformed/{file} (make_damaged.py): {e}"));
    }
    dir
}

/// `prepub scan docs` in `dir`, as JSON, with the exit code.
fn scan(dir: &Path) -> (Value, Option<i32>) {
    let output = Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PREPUB_REVIEWER")
        .args(["scan", "docs", "--format", "json", "--no-progress"])
        .output()
        .unwrap();
    let review = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (review, output.status.code())
}

fn document<'a>(review: &'a Value, name: &str) -> Option<&'a Value> {
    let path = format!("docs/{name}");
    review["documents"]
        .as_array()?
        .iter()
        .find(|d| d["path"] == path.as_str())
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

/// `prepub-decisions.yaml` (found by default in the directory the scan
/// runs in) keeping every finding of every document of `review`.
fn waive_everything(dir: &Path, review: &Value) -> usize {
    let mut entries = String::new();
    let mut count = 0;
    for document in review["documents"].as_array().unwrap() {
        for finding in document["findings"].as_array().unwrap() {
            count += 1;
            // JSON strings are YAML flow scalars: any text is quoted safely.
            let quoted = |v: &Value| serde_json::to_string(v).unwrap();
            entries.push_str(&format!(
                "- id: {}\n  path: {}\n  sha256: {}\n  rule: {}\n  text: {}\n  decision: keep\n  reason: 已解密，见解密通知\n  reviewer: 张三\n  approver: 李四\n  date: 2026-11-20\n",
                quoted(&finding["id"]),
                quoted(&document["path"]),
                quoted(&document["sha256"]),
                quoted(&finding["rule"]),
                quoted(&finding["text"]),
            ));
        }
    }
    std::fs::write(
        dir.join("prepub-decisions.yaml"),
        format!("schema: prepub.decisions/1\ndecisions:\n{entries}"),
    )
    .unwrap();
    count
}

/// Why a damaged document breaks the promise in `review`, if it does.
fn broken_promise(entry: &Damaged, review: &Value) -> Option<String> {
    let Damaged {
        format,
        document: name,
        problem,
    } = entry;
    let Some(document) = document(review, name) else {
        return Some(format!("{format}: {name} is not in the review"));
    };
    let status = document["extraction"]["status"].as_str().unwrap_or("?");
    let verdict = document["verdict"].as_str().unwrap_or("?");
    let problems = problems(document);
    if document["format"] != *format {
        return Some(format!(
            "{format}: {name} was read as {}",
            document["format"]
        ));
    }
    if status == "complete" || verdict == "pass" {
        return Some(format!(
            "{format}: {name} is {status} and {verdict}: {problems}"
        ));
    }
    if !problems.contains(problem) {
        return Some(format!(
            "{format}: {name}: no problem saying {problem:?}, only: {problems}"
        ));
    }
    None
}

#[test]
fn every_format_has_a_damaged_fixture() {
    let covered: BTreeSet<&str> = DAMAGED.iter().map(|d| d.format).collect();
    let missing: Vec<&str> = Format::ALL
        .iter()
        .map(|f| f.as_str())
        .filter(|f| !covered.contains(f))
        .collect();
    assert!(
        missing.is_empty(),
        "formats with no damaged fixture in tests/guards_never_pass.rs: {missing:?}"
    );
}

#[test]
fn a_damaged_document_of_any_format_never_passes() {
    let dir = batch();
    let (review, code) = scan(dir.path());
    let failures: Vec<String> = DAMAGED
        .iter()
        .filter_map(|entry| broken_promise(entry, &review))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(matches!(code, Some(1 | 3)), "exit {code:?}");
}

#[test]
fn a_damaged_document_of_any_format_never_passes_with_every_finding_waived() {
    let dir = batch();
    let (plain, _) = scan(dir.path());
    let waived = waive_everything(dir.path(), &plain);
    // The waiving run must have findings to waive, in many formats.
    let with_findings = DAMAGED
        .iter()
        .filter(|d| {
            document(&plain, d.document).is_some_and(|d| d["findings"] != Value::Array(vec![]))
        })
        .count();
    assert!(
        waived > 50 && with_findings > 20,
        "{waived} findings in {with_findings} files"
    );

    let (review, code) = scan(dir.path());
    assert!(
        review["decisions"]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("prepub-decisions.yaml")),
        "the decisions file was not applied: {}",
        review["decisions"]
    );
    let mut failures: Vec<String> = Vec::new();
    for entry in DAMAGED {
        if let Some(failure) = broken_promise(entry, &review) {
            failures.push(format!("with every finding waived: {failure}"));
            continue;
        }
        let document = document(&review, entry.document).unwrap();
        let open = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["waived"].is_null())
            .count();
        if open > 0 {
            failures.push(format!(
                "{}: {}: {open} finding(s) not waived — the test would not prove anything",
                entry.format, entry.document
            ));
        }
        // Nothing open is left, so only the reading keeps it from passing.
        if document["verdict"] != "review" {
            failures.push(format!(
                "{}: {}: {} with every finding waived",
                entry.format, entry.document, document["verdict"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // No open finding anywhere, and documents not read in full: exit 3.
    assert_eq!(code, Some(3), "{}", review["summary"]);
}
