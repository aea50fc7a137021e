//! The report formats through the binary: one scan writing many reports,
//! and `prepub report` rendering the saved JSON to the very same bytes.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn prepub() -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env_remove("NO_COLOR");
    command
}

const FORMATS: [&str; 8] = [
    "review.json",
    "signoff.html",
    "signoff.docx",
    "signoff.md",
    "review.sarif",
    "junit.xml",
    "findings.csv",
    "summary.txt",
];

const FORM: [&str; 8] = [
    "--lang",
    "en",
    "--reviewer",
    "Wang Wu",
    "--department",
    "General Office",
    "--batch",
    "2024-03 batch 1",
];

fn outputs(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    FORMATS
        .iter()
        .map(|name| dir.join(format!("{prefix}{name}")))
        .collect()
}

fn with_outputs(command: &mut Command, files: &[PathBuf]) {
    for file in files {
        command.arg("-o").arg(file);
    }
}

#[test]
fn report_from_json_is_byte_identical_to_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let scanned = outputs(dir.path(), "scan-");
    let mut scan = prepub();
    scan.args(["scan", "--no-progress", "fixtures/text"])
        .args(FORM);
    with_outputs(&mut scan, &scanned);
    scan.assert().code(1);

    let rendered = outputs(dir.path(), "report-");
    let mut report = prepub();
    report.arg("report").arg(&scanned[0]).args(FORM);
    with_outputs(&mut report, &rendered);
    report.assert().code(0).stdout("");

    for (a, b) in scanned.iter().zip(&rendered) {
        let a_bytes = std::fs::read(a).unwrap();
        let b_bytes = std::fs::read(b).unwrap();
        assert!(!a_bytes.is_empty(), "{} is empty", a.display());
        assert!(
            a_bytes == b_bytes,
            "{} and {} differ",
            a.display(),
            b.display()
        );
    }

    // Each file is what its extension says.
    let html = std::fs::read_to_string(&scanned[1]).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Wang Wu"));
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(&std::fs::read(&scanned[2]).unwrap()[..2], b"PK");
    assert!(
        std::fs::read_to_string(&scanned[3])
            .unwrap()
            .contains("# Pre-publication confidentiality review")
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&scanned[4]).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(&scanned[5])
            .unwrap()
            .contains("<testsuites")
    );
    assert!(
        std::fs::read(&scanned[6])
            .unwrap()
            .starts_with("\u{FEFF}document,".as_bytes())
    );
    assert!(
        std::fs::read_to_string(&scanned[7])
            .unwrap()
            .contains("BLOCK fixtures/text/notice-classified.txt")
    );
}

#[test]
fn format_on_stdout_and_chinese_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    prepub()
        .args([
            "scan",
            "--no-progress",
            "--quiet",
            "fixtures/text/notice-classified.txt",
            "-o",
        ])
        .arg(&json)
        .assert()
        .code(1);
    let output = prepub()
        .arg("report")
        .arg(&json)
        .args(["--format", "md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let markdown = String::from_utf8(output.stdout).unwrap();
    assert!(markdown.contains("# 信息公开保密审查单"));
    assert!(markdown.contains("不予公开·须修改"));
    assert!(markdown.contains("- **审查人**：____________"));

    // From standard input too.
    let output = prepub()
        .args(["report", "-", "--format", "junit"])
        .write_stdin(std::fs::read(&json).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("<failure")
    );
}

#[test]
fn unknown_extensions_and_bad_reviews_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("report.pdf");
    prepub()
        .args([
            "scan",
            "--no-progress",
            "fixtures/text/notice-clean.txt",
            "-o",
        ])
        .arg(&odd)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot tell the report format"));
    assert!(!odd.exists(), "nothing written, nothing scanned");

    // An explicit --format covers an extension that names none.
    prepub()
        .args([
            "scan",
            "--no-progress",
            "--format",
            "sarif",
            "fixtures/text/notice-clean.txt",
            "-o",
        ])
        .arg(&odd)
        .assert()
        .code(0);
    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(&odd).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    let not_a_review = dir.path().join("x.json");
    std::fs::write(&not_a_review, "{\"schema\": \"something/else\"}").unwrap();
    prepub()
        .arg("report")
        .arg(&not_a_review)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("x.json"));
    prepub()
        .args(["report", "does-not-exist.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "does-not-exist.json: cannot read",
        ));
}
