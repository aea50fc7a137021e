//! CLI-level tests: drive the `prepub` binary on the committed fixtures.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn prepub() -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env_remove("NO_COLOR");
    command
}

fn scan_json(args: &[&str]) -> (Value, i32) {
    let output = prepub()
        .args(["scan", "--format", "json", "--no-progress"])
        .args(args)
        .output()
        .expect("runs");
    let code = output.status.code().expect("exit code");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (json, code)
}

fn document<'a>(review: &'a Value, path: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} in review"))
}

/// Masks the only field that changes between runs, and the embedded pack
/// texts (pinned by their digests; `tests/audit.rs` checks them), so the
/// golden file stays readable.
fn stable(mut review: Value) -> Value {
    review["started_at"] = Value::String("<time>".into());
    if let Some(packs) = review["rules"]["packs"].as_array_mut() {
        for pack in packs {
            if pack.get("source").is_some() {
                pack["source"] = Value::String("<embedded pack text>".into());
            }
        }
    }
    review
}

#[test]
fn golden_review_of_text_fixtures() {
    let (review, code) = scan_json(&["fixtures/text"]);
    assert_eq!(code, 1);
    let actual = serde_json::to_string_pretty(&stable(review)).unwrap() + "\n";
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/text-fixtures.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).unwrap();
        // Compared with itself it would pass: the rewriting run fails.
        panic!(
            "{} rewritten because UPDATE_GOLDEN is set: review the diff, then run again without it",
            golden.display()
        );
    }
    let expected =
        std::fs::read_to_string(&golden).expect("golden file (UPDATE_GOLDEN=1 to create)");
    assert_eq!(
        actual,
        expected,
        "review differs from {}; rerun with UPDATE_GOLDEN=1 if intended",
        golden.display()
    );
}

#[test]
fn contract_fields_and_verdicts() {
    let (review, _) = scan_json(&["fixtures/text"]);
    assert_eq!(review["schema"], "prepub.review/1");
    assert_eq!(review["tool"]["name"], "prepub");
    assert!(
        review["rules"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let classified = document(&review, "fixtures/text/notice-classified.txt");
    assert_eq!(classified["verdict"], "block");
    assert_eq!(classified["format"], "txt");
    assert_eq!(classified["sha256"].as_str().unwrap().len(), 64);
    let finding = classified["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "marking.cn.level-star")
        .expect("level-star finding");
    assert_eq!(finding["text"], "机密★1年");
    assert_eq!(finding["category"], "marking");
    assert_eq!(finding["location"]["part"], "body");
    assert_eq!(finding["location"]["line"], 2);
    assert_eq!(finding["location"]["column"], 1);
    assert_eq!(
        document(&review, "fixtures/text/notice-clean.txt")["verdict"],
        "pass"
    );
    assert_eq!(
        document(&review, "fixtures/text/traps.md")["verdict"],
        "pass"
    );
}

#[test]
fn gbk_and_utf16_files_are_decoded() {
    let (review, _) = scan_json(&["fixtures/text"]);
    let gbk = document(&review, "fixtures/text/gbk-internal.txt");
    assert_eq!(gbk["extraction"]["encoding"], "gb18030");
    assert_eq!(gbk["findings"][0]["text"], "内部资料 注意保存");
    let utf16 = document(&review, "fixtures/text/utf16-bom.txt");
    assert_eq!(utf16["extraction"]["encoding"], "UTF-16LE");
    assert_eq!(utf16["verdict"], "block");
}

#[test]
fn unreadable_and_unsupported_files_are_listed_not_passed() {
    let (review, _) = scan_json(&["fixtures/text"]);
    let image = document(&review, "fixtures/text/scan.png");
    assert_eq!(image["verdict"], "review");
    assert_eq!(image["extraction"]["status"], "failed");
    assert!(
        image["extraction"]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("OCR")
    );
    let broken = document(&review, "fixtures/text/broken-bytes.txt");
    assert_eq!(broken["extraction"]["status"], "partial");
    assert_eq!(broken["verdict"], "review");
}

#[test]
fn exit_codes() {
    let (_, clean) = scan_json(&["fixtures/text/notice-clean.txt"]);
    assert_eq!(clean, 0);
    let (_, blocked) = scan_json(&["fixtures/text/notice-classified.txt"]);
    assert_eq!(blocked, 1);
    let (_, unread) = scan_json(&["fixtures/text/scan.png"]);
    assert_eq!(unread, 3);
    let (_, never) = scan_json(&["--fail-on", "never", "fixtures/text"]);
    assert_eq!(never, 0);
    let (_, block_only) = scan_json(&["--fail-on", "block", "fixtures/text/roster.csv"]);
    assert_eq!(block_only, 1);
    prepub()
        .args(["scan", "no/such/file.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such/file.txt"));
    prepub()
        .args(["scan", "--bogus-flag", "x"])
        .assert()
        .code(2);
    prepub()
        .args([
            "scan",
            "--rules",
            "tests/data/broken-pack.yaml",
            "fixtures/text",
        ])
        .assert()
        .code(2)
        .stdout(predicates::str::is_empty());
}

#[test]
fn jobs_do_not_change_the_review() {
    let (one, _) = scan_json(&["--jobs", "1", "fixtures"]);
    let (four, _) = scan_json(&["--jobs", "4", "fixtures"]);
    assert_eq!(stable(one), stable(four));
}

#[test]
fn personal_data_is_masked_unless_show_match() {
    let (masked, _) = scan_json(&["fixtures/text/roster.csv"]);
    // The documents, not the whole review: the embedded rule packs carry
    // their own (synthetic) examples.
    let text = serde_json::to_string(&masked["documents"]).unwrap();
    assert!(!text.contains("11010519491231002X"));
    assert!(!text.contains("13912345678"));
    assert!(text.contains("1101**********002X"));
    let (shown, _) = scan_json(&["--show-match", "fixtures/text/roster.csv"]);
    let text = serde_json::to_string(&shown["documents"]).unwrap();
    assert!(text.contains("11010519491231002X"));
    let id = |review: &Value| {
        document(review, "fixtures/text/roster.csv")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        id(&masked),
        id(&shown),
        "ids are computed from unmasked text either way"
    );
}

#[test]
fn output_file_is_written_and_text_goes_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("review.json");
    prepub()
        .args(["scan", "--no-progress", "-o"])
        .arg(&out)
        .arg("fixtures/text/notice-classified.txt")
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "BLOCK fixtures/text/notice-classified.txt",
        ));
    let review: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(review["summary"]["block"], 1);
}

#[test]
fn text_report_has_no_colour_when_not_a_terminal() {
    let output = prepub()
        .args(["scan", "fixtures/text/notice-classified.txt"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\x1b'));
    assert!(
        stdout
            .contains("fixtures/text/notice-classified.txt:2:1 [body] marking.cn.level-star block")
    );
    assert!(output.stderr.is_empty(), "no progress noise off a terminal");
}

#[test]
fn files_from_and_globs() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(
        &list,
        "fixtures/text/notice-clean.txt\nfixtures/text/utf16-bom.txt\n",
    )
    .unwrap();
    let (review, _) = scan_json(&["--files-from", list.to_str().unwrap()]);
    assert_eq!(review["summary"]["documents"], 2);
    let (review, _) = scan_json(&["--include", "*.csv", "fixtures"]);
    assert_eq!(review["summary"]["documents"], 1);
    let (review, _) = scan_json(&["--exclude", "*.py", "--exclude", "*.png", "fixtures/text"]);
    assert!(
        review["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| !d["path"].as_str().unwrap().ends_with(".py"))
    );
}

#[test]
fn chinese_file_names_work() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("关于保密工作的通知.txt");
    std::fs::write(&file, "机密★1年\n").unwrap();
    let (review, code) = scan_json(&[file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        review["documents"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("关于保密工作的通知.txt")
    );
}

#[test]
fn a_panic_stays_in_its_document() {
    let output = prepub()
        .env("PREPUB_TEST_PANIC", "notice-clean")
        .args(["scan", "--format", "json", "--no-progress", "fixtures/text"])
        .output()
        .unwrap();
    let review: Value = serde_json::from_slice(&output.stdout).unwrap();
    let crashed = document(&review, "fixtures/text/notice-clean.txt");
    assert_eq!(crashed["extraction"]["status"], "failed");
    assert_eq!(crashed["verdict"], "review");
    assert!(
        crashed["extraction"]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("internal error")
    );
    assert_eq!(
        document(&review, "fixtures/text/notice-classified.txt")["verdict"],
        "block"
    );
}

#[test]
fn rules_commands() {
    prepub()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicates::str::contains(" 0 failed"));
    prepub()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicates::str::contains("marking.cn.level-star"));
    prepub()
        .args(["rules", "show", "personal.cn.resident-id"])
        .assert()
        .success()
        .stdout(predicates::str::contains("cn-resident-id"));
    let check = prepub()
        .args(["rules", "check", "tests/data/broken-pack.yaml"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(check.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("duplicate rule id"), "{stderr}");
    assert!(stderr.contains("unknown validator"), "{stderr}");
    assert!(stderr.contains("invalid regex"), "{stderr}");
    prepub()
        .args(["rules", "check", "tests/data/bad-yaml.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad-yaml.yaml:3:"));
    let dir = tempfile::tempdir().unwrap();
    prepub()
        .args(["rules", "init"])
        .arg(dir.path())
        .assert()
        .success();
    prepub()
        .args(["rules", "check"])
        .arg(dir.path())
        .assert()
        .success();
    prepub()
        .args(["rules", "test"])
        .arg(dir.path())
        .assert()
        .success();
}

#[test]
fn failing_examples_fail_rules_test() {
    prepub()
        .args(["rules", "test", "tests/data/wrong-examples.yaml"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("FAILED"));
}

#[test]
fn extract_shows_segments() {
    prepub()
        .args(["extract", "fixtures/text/gbk-internal.txt"])
        .assert()
        .success()
        .stdout(predicates::str::contains("--- body"))
        .stdout(predicates::str::contains("内部资料 注意保存"));
}

#[test]
fn help_completions_and_man() {
    prepub()
        .args(["scan", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Exit codes"));
    prepub()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicates::str::contains("prepub"));
    prepub()
        .arg("man")
        .assert()
        .success()
        .stdout(predicates::str::contains(".TH prepub"));
}

#[test]
fn zip_members_are_reviewed_as_documents() {
    let (review, code) = scan_json(&["fixtures/archive/batch.zip"]);
    assert_eq!(code, 1);
    let paths: Vec<&str> = review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "fixtures/archive/batch.zip!/inner.zip!/附件/名单.csv",
            "fixtures/archive/batch.zip!/公开.txt",
            "fixtures/archive/batch.zip!/通知.txt",
        ]
    );
    assert_eq!(
        document(&review, "fixtures/archive/batch.zip!/通知.txt")["verdict"],
        "block"
    );
    assert_eq!(
        document(&review, "fixtures/archive/batch.zip!/公开.txt")["verdict"],
        "pass"
    );
    assert_eq!(
        document(
            &review,
            "fixtures/archive/batch.zip!/inner.zip!/附件/名单.csv"
        )["verdict"],
        "block"
    );
}
