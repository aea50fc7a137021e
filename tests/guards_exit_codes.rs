//! Every exit code of `prepub scan`, on purpose, in the order README's table
//! checks them: 2 (usage or rule-set error, nothing scanned) before 1 (a
//! finding at or above `--fail-on`) before 3 (not fully read) before 0;
//! 130 when interrupted. A CI gate relies on each, so each has its own test
//! with inputs made for it — none is caught by accident.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// Inputs made for the exit codes, by what they hold.
const CLEAN: &str = "关于开展全民健身活动的通知\n各区县：\n请按要求做好准备。\n";
/// Only an info finding (disclosure.cn.public).
const INFO: &str = "关于开展全民健身活动的通知\n（此件公开发布）\n";
/// A review finding (personal.cn.mobile), nothing above.
const REVIEW: &str = "关于召开会议的通知\n联系人：王五，手机13912345678。\n";
/// A block finding (marking.cn.level-star).
const BLOCK: &str = "机密★1年\n关于做好防汛工作的通知\n";

/// Clean text with bytes valid in no encoding: read, but not in full.
fn unread_clean() -> Vec<u8> {
    let mut bytes = CLEAN.as_bytes().to_vec();
    bytes.splice(12..12, [0xFF, 0xFE, 0xFD]);
    bytes
}

/// The same damage in a document with a review finding.
fn unread_review() -> Vec<u8> {
    let mut bytes = REVIEW.as_bytes().to_vec();
    bytes.splice(12..12, [0xFF, 0xFE, 0xFD]);
    bytes
}

fn inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("clean.txt", CLEAN.as_bytes().to_vec()),
        ("info.txt", INFO.as_bytes().to_vec()),
        ("review.txt", REVIEW.as_bytes().to_vec()),
        ("block.txt", BLOCK.as_bytes().to_vec()),
        ("unread-clean.txt", unread_clean()),
        ("unread-review.txt", unread_review()),
    ] {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").unwrap();
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PREPUB_REVIEWER")
        .env_remove("PREPUB_TEST_INTERRUPT");
    command
}

/// `prepub scan --format json ARGS` in `dir`: the exit code and the review
/// (`Value::Null` when nothing was printed).
fn scan(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = prepub(dir)
        .args([
            "scan",
            "--format",
            "json",
            "--no-progress",
            "--no-decisions",
        ])
        .args(args)
        .output()
        .unwrap();
    let review = if output.stdout.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&output.stdout).unwrap()
    };
    (output.status.code(), review)
}

fn code(dir: &Path, args: &[&str]) -> Option<i32> {
    scan(dir, args).0
}

/// Each input's extraction status and worst finding, so a change in what
/// the inputs hold fails here, not as a puzzling exit code below.
#[test]
fn the_inputs_hold_what_the_exit_codes_need() {
    let dir = inputs();
    let (_, review) = scan(dir.path(), &["--fail-on", "never", "."]);
    let worst = |name: &str| {
        let document = review["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == format!("./{name}").as_str() || d["path"] == name)
            .unwrap_or_else(|| panic!("{name} not in {review}"));
        let severities: Vec<&str> = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["severity"].as_str())
            .collect();
        let worst = ["block", "review", "info"]
            .into_iter()
            .find(|s| severities.contains(s))
            .unwrap_or("none");
        (
            document["extraction"]["status"]
                .as_str()
                .unwrap()
                .to_owned(),
            worst,
        )
    };
    assert_eq!(worst("clean.txt"), ("complete".into(), "none"));
    assert_eq!(worst("info.txt"), ("complete".into(), "info"));
    assert_eq!(worst("review.txt"), ("complete".into(), "review"));
    assert_eq!(worst("block.txt"), ("complete".into(), "block"));
    assert_eq!(worst("unread-clean.txt"), ("partial".into(), "none"));
    assert_eq!(worst("unread-review.txt"), ("partial".into(), "review"));
}

#[test]
fn exit_0_when_everything_was_read_and_nothing_is_at_or_above_fail_on() {
    let dir = inputs();
    assert_eq!(code(dir.path(), &["clean.txt"]), Some(0));
    assert_eq!(code(dir.path(), &["clean.txt", "info.txt"]), Some(0));
    // A review finding is below `--fail-on block`.
    assert_eq!(
        code(dir.path(), &["--fail-on", "block", "review.txt"]),
        Some(0)
    );
    // `--fail-on never`: 0 whatever was found or left unread.
    assert_eq!(
        code(
            dir.path(),
            &["--fail-on", "never", "block.txt", "unread-clean.txt"]
        ),
        Some(0)
    );
}

#[test]
fn exit_1_when_a_finding_is_at_or_above_fail_on() {
    let dir = inputs();
    assert_eq!(code(dir.path(), &["block.txt"]), Some(1));
    assert_eq!(code(dir.path(), &["review.txt"]), Some(1));
    assert_eq!(
        code(dir.path(), &["--fail-on", "block", "block.txt"]),
        Some(1)
    );
    // 1 is checked before 3: a document not read in full does not hide a
    // finding elsewhere in the batch, or in itself.
    assert_eq!(
        code(dir.path(), &["block.txt", "unread-clean.txt"]),
        Some(1)
    );
    assert_eq!(code(dir.path(), &["unread-review.txt"]), Some(1));
}

#[test]
fn exit_3_when_nothing_is_at_or_above_fail_on_but_something_was_not_read_in_full() {
    let dir = inputs();
    assert_eq!(code(dir.path(), &["unread-clean.txt"]), Some(3));
    assert_eq!(
        code(dir.path(), &["clean.txt", "info.txt", "unread-clean.txt"]),
        Some(3)
    );
    // Its review finding is below `--fail-on block`; the reading is not.
    assert_eq!(
        code(dir.path(), &["--fail-on", "block", "unread-review.txt"]),
        Some(3)
    );
    // A format prepub does not read at all.
    std::fs::write(dir.path().join("scan.png"), b"\x89PNG\r\n\x1a\n\0\0\0\0").unwrap();
    assert_eq!(code(dir.path(), &["clean.txt", "scan.png"]), Some(3));
}

#[test]
fn exit_3_not_0_when_every_finding_of_an_unread_document_is_waived() {
    let dir = inputs();
    let (first, review) = scan(dir.path(), &["unread-review.txt", "block.txt"]);
    assert_eq!(first, Some(1));
    let mut entries = String::new();
    for document in review["documents"].as_array().unwrap() {
        for finding in document["findings"].as_array().unwrap() {
            let quoted = |v: &Value| serde_json::to_string(v).unwrap();
            entries.push_str(&format!(
                "- id: {}\n  path: {}\n  sha256: {}\n  rule: {}\n  text: {}\n  decision: keep\n  reason: 已核实可以公开\n  reviewer: 张三\n  approver: 李四\n  date: 2026-11-20\n",
                quoted(&finding["id"]),
                quoted(&document["path"]),
                quoted(&document["sha256"]),
                quoted(&finding["rule"]),
                quoted(&finding["text"]),
            ));
        }
    }
    std::fs::write(
        dir.path().join("keep.yaml"),
        format!("schema: prepub.decisions/1\ndecisions:\n{entries}"),
    )
    .unwrap();
    let decided = |files: &[&str]| {
        let output = prepub(dir.path())
            .args(["scan", "--no-progress", "--decisions", "keep.yaml"])
            .args(files)
            .output()
            .unwrap();
        output.status.code()
    };
    // Waived and read in full: 0. Waived but not read in full: 3.
    assert_eq!(decided(&["block.txt"]), Some(0));
    assert_eq!(decided(&["unread-review.txt"]), Some(3));
    assert_eq!(decided(&["block.txt", "unread-review.txt"]), Some(3));
}

#[test]
fn exit_2_on_a_usage_or_rule_set_error_before_anything_is_scanned() {
    let dir = inputs();
    std::fs::write(dir.path().join("broken.yaml"), "name: [unclosed\n").unwrap();
    for args in [
        &["--bogus-flag", "block.txt"][..],
        &["--fail-on", "sometimes", "block.txt"],
        // A path that does not exist, beside one that would give 1.
        &["block.txt", "missing.txt"],
        &["--rules", "broken.yaml", "block.txt"],
        &["--rules", "no-such-pack.yaml", "block.txt"],
    ] {
        let (code, review) = scan(dir.path(), args);
        assert_eq!(code, Some(2), "{args:?}");
        assert_eq!(review, Value::Null, "{args:?}: a review was printed");
    }
}

#[test]
fn exit_130_when_interrupted_with_no_report_written() {
    let dir = inputs();
    let output = prepub(dir.path())
        .env("PREPUB_TEST_INTERRUPT", "info.txt")
        .args([
            "scan",
            "--no-progress",
            "--jobs",
            "1",
            "-o",
            "review.json",
            "block.txt",
            "clean.txt",
            "info.txt",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("no report written"), "{stderr}");
    assert!(!dir.path().join("review.json").exists());
}
