//! Fail closed, zip-package formats (DOCX, XLSX, PPTX, ODT, OFD): through the
//! binary, on the hostile files of `fixtures/malformed/make_packages.py`.
//!
//! For each file: text hidden in a place readers used to skip (the
//! `mc:Fallback`, a copy of a part hidden behind another of the same name, a
//! chart, a formula without a cached value, a DTD entity, a part no
//! relationship points to) is found; and a file that was not read in full
//! (two entries with one name, pictures and no text, an empty file, an
//! expansion over the limits) is never `pass` — neither plainly nor when a
//! decisions file waives every one of its findings.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The expansion bombs, read with small limits only (`tests/data/budget`).
const BUDGET: &str = "../tests/data/budget";

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("the prepub binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    command.env_remove("PREPUB_REVIEWER");
    command
}

/// Copies fixtures into `docs/` of a new temporary directory.
fn batch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    for (folder, name) in files {
        std::fs::copy(
            fixtures().join(folder).join(name),
            dir.path().join("docs").join(name),
        )
        .unwrap_or_else(|e| panic!("{folder}/{name}: {e}"));
    }
    dir
}

fn scan(dir: &Path, extra: &[&str]) -> Value {
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
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn document<'a>(review: &'a Value, name: &str) -> &'a Value {
    let path = format!("docs/{name}");
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path.as_str())
        .unwrap_or_else(|| panic!("{path} not in the review: {review}"))
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

/// A decisions file that waives (`keep`) every finding of `review`.
fn waive_everything(dir: &Path, review: &Value) {
    let mut entries = String::new();
    for document in review["documents"].as_array().unwrap() {
        for finding in document["findings"].as_array().unwrap() {
            entries.push_str(&format!(
                "- id: '{}'\n  path: {}\n  sha256: {}\n  rule: {}\n  text: '{}'\n  decision: keep\n  reason: 已解密，见解密通知\n  reviewer: 张三\n  approver: 李四\n  date: 2026-11-20\n",
                finding["id"].as_str().unwrap(),
                document["path"].as_str().unwrap(),
                document["sha256"].as_str().unwrap(),
                finding["rule"].as_str().unwrap(),
                finding["text"].as_str().unwrap().replace('\'', "''"),
            ));
        }
    }
    std::fs::write(
        dir.join("decisions.yaml"),
        if entries.is_empty() {
            "schema: prepub.decisions/1\ndecisions: []\n".to_owned()
        } else {
            format!("schema: prepub.decisions/1\ndecisions:\n{entries}")
        },
    )
    .unwrap();
}

/// Files not read in full, with a word their problems must contain; each
/// must be `partial` or `failed` and never `pass`, with or without every
/// finding waived.
const NOT_READ_IN_FULL: &[(&str, &str, &str)] = &[
    (
        "malformed",
        "packages-docx-duplicate-document.docx",
        "two entries named word/document.xml: both read",
    ),
    (
        "malformed",
        "packages-docx-case-duplicate.docx",
        "two entries named",
    ),
    (
        "malformed",
        "packages-xlsx-duplicate-sheet.xlsx",
        "two entries named xl/worksheets/sheet1.xml",
    ),
    (
        "malformed",
        "packages-pptx-duplicate-slide.pptx",
        "two entries named ppt/slides/slide1.xml",
    ),
    (
        "malformed",
        "packages-odt-duplicate-content.odt",
        "two entries named content.xml",
    ),
    (
        "malformed",
        "packages-ofd-duplicate-page.ofd",
        "two entries named Doc_0/Pages/Page_0/Content.xml",
    ),
    (
        "malformed",
        "packages-docx-picture-only.docx",
        "word/media/image1.png: not read by OCR: PNG cannot be decoded",
    ),
    (
        "malformed",
        "packages-xlsx-picture-only.xlsx",
        "xl/media/image1.png: not read by OCR: PNG cannot be decoded",
    ),
    (
        "malformed",
        "packages-pptx-picture-only.pptx",
        "ppt/media/image1.png: not read by OCR: PNG cannot be decoded",
    ),
    (
        "malformed",
        "packages-odt-picture-only.odt",
        "Pictures/1.png: not read by OCR: PNG cannot be decoded",
    ),
    ("malformed", "packages-empty.docx", "empty file (0 bytes)"),
    ("malformed", "packages-empty.xlsx", "empty file"),
    ("malformed", "packages-empty.pptx", "empty file"),
    ("malformed", "packages-empty.odt", "empty file"),
    ("malformed", "packages-empty.ofd", "empty file"),
    ("malformed", "packages-empty.pdf", "empty file"),
    (
        "malformed",
        "packages-nul-bytes.docx",
        "empty file (4096 bytes, all blank or NUL)",
    ),
    (
        "malformed",
        "packages-docx-entity-bomb.docx",
        "possible entity bomb",
    ),
    (
        "malformed",
        "packages-ofd-missing-page-references.ofd",
        "more problems like it",
    ),
];

#[test]
fn packages_not_read_in_full_never_pass_even_with_every_finding_waived() {
    let files: Vec<(&str, &str)> = NOT_READ_IN_FULL.iter().map(|(f, n, _)| (*f, *n)).collect();
    let dir = batch(&files);
    let plain = scan(dir.path(), &[]);
    for (_, name, expected) in NOT_READ_IN_FULL {
        let document = document(&plain, name);
        let status = document["extraction"]["status"].as_str().unwrap();
        assert!(
            status == "partial" || status == "failed",
            "{name}: {status}: {}",
            problems(document)
        );
        assert!(
            problems(document).contains(expected),
            "{name}: expected a problem with {expected:?}, got {}",
            problems(document)
        );
        assert_ne!(
            document["verdict"],
            "pass",
            "{name}: {}",
            problems(document)
        );
    }
    waive_everything(dir.path(), &plain);
    let waived = scan(dir.path(), &["--decisions", "decisions.yaml"]);
    for (_, name, _) in NOT_READ_IN_FULL {
        let document = document(&waived, name);
        assert_ne!(
            document["verdict"],
            "pass",
            "{name} passed once its findings were waived: {}",
            problems(document)
        );
    }
}

/// Files whose marking sits where readers used to look away: (file, the
/// marking, the part it is reported in).
const HIDDEN_MARKINGS: &[(&str, &str, &str)] = &[
    ("packages-docx-fallback-marking.docx", "机密★1年", "hidden"),
    ("packages-pptx-fallback-marking.pptx", "机密★1年", "body"),
    ("packages-docx-duplicate-document.docx", "机密★1年", "body"),
    ("packages-docx-case-duplicate.docx", "绝密★长期", "body"),
    ("packages-xlsx-duplicate-sheet.xlsx", "机密★1年", "body"),
    ("packages-pptx-duplicate-slide.pptx", "绝密★长期", "body"),
    ("packages-odt-duplicate-content.odt", "机密★1年", "body"),
    ("packages-ofd-duplicate-page.ofd", "机密★1年", "body"),
    ("packages-docx-unreferenced-part.docx", "机密★1年", "hidden"),
    ("packages-docx-dtd-entity.docx", "机密★1年", "body"),
    ("packages-xlsx-dtd-entity.xlsx", "机密★1年", "hidden"),
    (
        "packages-xlsx-formula-without-value.xlsx",
        "机密★1年",
        "hidden",
    ),
    ("packages-xlsx-chart-title.xlsx", "绝密★长期", "textbox"),
    ("packages-xlsx-defined-name.xlsx", "秘密★5年", "hidden"),
];

#[test]
fn markings_in_places_readers_used_to_skip_are_found_and_block() {
    let files: Vec<(&str, &str)> = HIDDEN_MARKINGS
        .iter()
        .map(|(n, _, _)| ("malformed", *n))
        .collect();
    let dir = batch(&files);
    let review = scan(dir.path(), &[]);
    for (name, marking, part) in HIDDEN_MARKINGS {
        let document = document(&review, name);
        let findings = document["findings"].as_array().unwrap();
        let found = findings.iter().find(|f| {
            f["category"] == "marking"
                && f["text"].as_str().is_some_and(|t| t.contains(marking))
                && f["location"]["part"] == *part
        });
        let found = found
            .unwrap_or_else(|| panic!("{name}: no {marking} marking in part {part}: {findings:?}"));
        assert_eq!(found["severity"], "block", "{name}: {found}");
        assert_eq!(document["verdict"], "block", "{name}");
    }
    // The Fallback's marking is one finding: not doubled by reading the
    // branches, nor by the package's reading per copy of a shared name.
    let fallback = document(&review, "packages-docx-fallback-marking.docx");
    let count = fallback["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "marking")
        .count();
    assert_eq!(count, 1, "{fallback}");
}

#[test]
fn expansion_over_the_limits_is_partial_naming_the_part_not_an_abort() {
    let dir = batch(&[
        (BUDGET, "xlsx-shared-string-bomb.xlsx"),
        (BUDGET, "ofd-template-bomb.ofd"),
    ]);
    let review = scan(
        dir.path(),
        &[
            "--max-part-size",
            "1",
            "--max-inflated",
            "4",
            "--timeout",
            "60",
        ],
    );
    let xlsx = document(&review, "xlsx-shared-string-bomb.xlsx");
    assert_eq!(
        xlsx["extraction"]["status"],
        "partial",
        "{}",
        problems(xlsx)
    );
    assert!(
        problems(xlsx).contains("sheet 表1: the cells expand to more than the per-part limit"),
        "{}",
        problems(xlsx)
    );
    let ofd = document(&review, "ofd-template-bomb.ofd");
    assert_eq!(ofd["extraction"]["status"], "partial", "{}", problems(ofd));
    assert!(
        problems(ofd).contains("the pages expand to more than the per-document limit"),
        "{}",
        problems(ofd)
    );
    for document in [xlsx, ofd] {
        assert_ne!(document["verdict"], "pass");
        let text: usize = document["extraction"]["problems"].as_array().unwrap().len();
        assert!(text < 20, "{}", problems(document));
    }
    waive_everything(dir.path(), &review);
    let waived = scan(
        dir.path(),
        &[
            "--max-part-size",
            "1",
            "--max-inflated",
            "4",
            "--decisions",
            "decisions.yaml",
        ],
    );
    for name in ["xlsx-shared-string-bomb.xlsx", "ofd-template-bomb.ofd"] {
        assert_ne!(document(&waived, name)["verdict"], "pass", "{name}");
    }
}
