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
    assert!(markdown.contains("须修改后方可公开"));
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

/// Finds a finding of `rule` in `path` of a JSON review: (id, sha256).
fn finding_of(review: &serde_json::Value, path: &str, rule: &str) -> (String, String) {
    let document = review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the review"));
    let finding = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {path}"));
    (
        finding["id"].as_str().unwrap().to_owned(),
        document["sha256"].as_str().unwrap().to_owned(),
    )
}

/// A scan that applies a decisions file renders the decisions in every
/// format, and `prepub report` on its JSON gives the same bytes.
#[test]
fn decisions_reach_every_report_and_survive_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let notice = "fixtures/text/notice-classified.txt";
    let roster = "fixtures/text/roster.csv";
    let first = dir.path().join("first.json");
    prepub()
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            notice,
            roster,
            "-o",
        ])
        .arg(&first)
        .assert()
        .code(1);
    let review: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&first).unwrap()).unwrap();

    // The notice: all three findings kept (so it passes) and a keep whose
    // finding is gone (stale). The roster: the ID number to be removed
    // (still there), a keep that expired, and a removal already done.
    let decision = |path: &str, (id, sha256): (String, String), kind: &str, extra: &str| {
        format!(
            "- {{id: '{id}', path: '{path}', sha256: '{sha256}', rule: r, text: t, \
             decision: {kind}, reviewer: Wang Wu, date: '2025-12-01'{extra}}}\n"
        )
    };
    let mut yaml = String::from("schema: prepub.decisions/1\ndecisions:\n");
    yaml += &decision(
        notice,
        finding_of(&review, notice, "marking.cn.level-star"),
        "keep",
        ", reason: 'declassified <b>2025</b>', expires: '2099-12-31'",
    );
    yaml += &decision(
        notice,
        finding_of(&review, notice, "marking.cn.copy-number"),
        "keep",
        ", reason: goes with the marking",
    );
    yaml += &decision(
        notice,
        finding_of(&review, notice, "marking.cn.urgency-line"),
        "keep",
        ", reason: urgency line of the same header",
    );
    yaml += &decision(
        notice,
        ("0000stale0000".into(), "ab".repeat(32)),
        "keep",
        ", reason: was quoted",
    );
    yaml += &decision(
        roster,
        finding_of(&review, roster, "personal.cn.resident-id"),
        "remove",
        "",
    );
    yaml += &decision(
        roster,
        finding_of(&review, roster, "personal.cn.mobile"),
        "keep",
        ", reason: office phone, expires: '2025-12-31'",
    );
    yaml += &decision(
        roster,
        ("0000gone0000".into(), "cd".repeat(32)),
        "revise",
        "",
    );
    let decisions = dir.path().join("decisions.yaml");
    std::fs::write(&decisions, yaml).unwrap();

    let scanned = outputs(dir.path(), "scan-");
    let mut scan = prepub();
    scan.args([
        "scan",
        "--no-progress",
        notice,
        roster,
        "--as-of",
        "2026-01-01",
        // A second person approves the keeps of the blocking findings.
        "--approver",
        "Li Si",
    ])
    .arg("--decisions")
    .arg(&decisions)
    .args(FORM);
    with_outputs(&mut scan, &scanned);
    // The ID number is still there: the batch still fails.
    scan.assert().code(1);

    let rendered = outputs(dir.path(), "report-");
    let mut report = prepub();
    report.arg("report").arg(&scanned[0]).args(FORM);
    with_outputs(&mut report, &rendered);
    report.assert().code(0);
    for (a, b) in scanned.iter().zip(&rendered) {
        assert!(
            std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
            "{} and {} differ",
            a.display(),
            b.display()
        );
    }

    let read = |i: usize| std::fs::read_to_string(&scanned[i]).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read(0)).unwrap();
    let summary = &json["summary"];
    assert_eq!(
        (
            &summary["waived"],
            &summary["resolved"],
            &summary["stale_decisions"]
        ),
        (&3.into(), &1.into(), &1.into()),
        "{summary}"
    );
    assert_eq!(json["documents"][0]["verdict"], "pass");

    let html = read(1);
    assert_eq!(html.matches("<tr class=\"waived\">").count(), 3);
    assert!(html.contains("reason: declassified &lt;b&gt;2025&lt;/b&gt;"));
    assert!(html.contains("<strong>remove</strong>"));
    assert!(html.contains("the keep decision expired on 2025-12-31: decide again"));
    assert!(html.contains("resolved: the text is gone"));
    assert!(html.contains("stale: the finding no longer appears"));
    assert!(
        html.contains(
            "3 findings waived (not counted above); 1 decision resolved; 1 stale decision."
        )
    );

    let markdown = read(3);
    assert_eq!(markdown.matches("<br>**Waived**").count(), 3);

    let sarif: serde_json::Value = serde_json::from_str(&read(4)).unwrap();
    let accepted = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"][0]["status"] == "accepted")
        .count();
    assert_eq!(accepted, 3);

    let junit = read(5);
    let notice_case = junit
        .split("<testcase ")
        .find(|case| case.starts_with(&format!("name=\"{notice}\"")))
        .expect("the notice's testcase");
    assert!(!notice_case.contains("<failure"), "{notice_case}");
    assert_eq!(notice_case.matches("Waived: ").count(), 3);

    let csv = read(6);
    let waived_rows = csv.lines().filter(|line| line.ends_with(",true")).count();
    assert_eq!(waived_rows, 3);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",decision,reviewer,decision_date,waived")
    );

    let text = read(7);
    assert!(text.contains("3 waived, 1 resolved, 1 stale"), "{text}");
}

/// A batch of many files, named so that walk order and path order differ
/// (`a b` < `a!` < `a-b` < `a.txt` < `a/` in byte order, while the walk
/// visits the directory `a` before `a-b`): a scan spills every review to a
/// temporary file and streams the reports from it, and what comes out must
/// be every document, once, in path order, whatever `--jobs` is, and the
/// very same bytes `prepub report` renders from the JSON in memory.
#[test]
fn many_files_every_report_every_document_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("batch");
    let mut expected = Vec::new();
    for directory in ["a", "a b", "a!", "a-b", "z"] {
        std::fs::create_dir_all(root.join(directory)).unwrap();
        for i in 0..60 {
            let name = format!("{directory}/f{i:03}.txt");
            let mut text = String::from(
                "各地区各部门要认真贯彻落实，确保各项任务落到实处。\n\
                 现将有关事项通知如下，请结合实际认真贯彻执行。\n",
            );
            if i % 7 == 0 {
                text.push_str("机密★1年\n");
            }
            std::fs::write(root.join(&name), text).unwrap();
            expected.push(format!("{}/{name}", root.display()));
        }
    }
    std::fs::write(root.join("a.txt"), "本办法自发布之日起施行。\n").unwrap();
    expected.push(format!("{}/a.txt", root.display()));
    expected.sort();

    let scan = |jobs: &str, prefix: &str| {
        let files = outputs(dir.path(), prefix);
        let mut command = prepub();
        command
            .args(["scan", "--no-progress", "--no-decisions", "--jobs", jobs])
            .arg(&root)
            .args(FORM);
        with_outputs(&mut command, &files);
        command.assert().code(1);
        files
    };
    let one = scan("1", "one-");
    let two = scan("2", "two-");

    let review: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&two[0]).unwrap()).unwrap();
    let paths: Vec<&str> = review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, expected);
    assert_eq!(review["summary"]["documents"], expected.len());
    assert_eq!(review["summary"]["block"], 5 * 9);

    let without_date = |path: &Path| -> String {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|line| !line.contains("started_at"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_date(&one[0]), without_date(&two[0]));

    let rendered = outputs(dir.path(), "report-");
    let mut report = prepub();
    report.arg("report").arg(&two[0]).args(FORM);
    with_outputs(&mut report, &rendered);
    report.assert().code(0);
    for (scanned, rendered) in two.iter().zip(&rendered) {
        assert!(
            std::fs::read(scanned).unwrap() == std::fs::read(rendered).unwrap(),
            "{} and {} differ",
            scanned.display(),
            rendered.display()
        );
    }
    // Every document in the text and CSV reports, in order.
    let text = std::fs::read_to_string(&two[7]).unwrap();
    let shown: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_once(' ').map(|(_, path)| path))
        .filter(|path| path.starts_with(&*root.to_string_lossy()))
        .collect();
    assert_eq!(shown, expected);
    let html = std::fs::read_to_string(&two[1]).unwrap();
    let mut at = 0;
    for path in &expected {
        let found = html[at..].find(path.as_str()).map(|i| at + i);
        assert!(
            found.is_some(),
            "{path} missing or out of order in the HTML"
        );
        at = found.unwrap();
    }
}

/// Finished reviews wait in a temporary file; when none can be made the
/// scan stops with exit 2 and says why, rather than writing a review that
/// lacks documents.
#[test]
fn no_temporary_directory_is_a_named_error() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("review.json");
    let output = prepub()
        .env("TMPDIR", dir.path().join("no-such-directory"))
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "fixtures/text",
            "-o",
        ])
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot keep finished reviews in a temporary file"),
        "{stderr}"
    );
    assert!(!json.exists());
}
