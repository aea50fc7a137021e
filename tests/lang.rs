//! The terminal speaks the user's language: `--lang`, else the locale
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`); the sign-off form stays Chinese unless
//! `--lang en`. And the command line's messages about output paths.

use assert_cmd::Command;
use predicates::prelude::*;

/// prepub with no locale variable set: each test sets the one it means.
fn prepub() -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env("OMP_THREAD_LIMIT", "1");
    command
}

fn scan_text(locale: Option<(&str, &str)>, extra: &[&str]) -> String {
    let mut command = prepub();
    if let Some((name, value)) = locale {
        command.env(name, value);
    }
    let output = command
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--fail-on",
            "never",
        ])
        .args(extra)
        .arg("fixtures/xlsx/roster.xlsx")
        .output()
        .expect("prepub runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn the_terminal_follows_the_locale_and_lang_overrides_it() {
    let english = scan_text(None, &[]);
    assert!(english.contains("1 document: "), "{english}");
    assert!(
        english.contains("hidden columns") || english.contains("BLOCK"),
        "{english}"
    );
    let chinese = scan_text(Some(("LANG", "zh_CN.UTF-8")), &[]);
    assert!(chinese.contains("共 1 份文件："), "{chinese}");
    assert!(!chinese.contains("1 document"), "{chinese}");
    // LC_ALL wins over LANG, as in the C library.
    let mut both = prepub();
    both.env("LANG", "zh_CN.UTF-8").env("LC_ALL", "en_US.UTF-8");
    let output = both
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--fail-on",
            "never",
        ])
        .arg("fixtures/xlsx/roster.xlsx")
        .output()
        .expect("prepub runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 document: "));
    // --lang beats the locale both ways.
    let asked = scan_text(Some(("LANG", "zh_CN.UTF-8")), &["--lang", "en"]);
    assert!(asked.contains("1 document: "), "{asked}");
    let asked = scan_text(Some(("LANG", "C.UTF-8")), &["--lang", "zh"]);
    assert!(asked.contains("共 1 份文件："), "{asked}");
}

#[test]
fn problems_are_in_the_terminal_language() {
    let mut command = prepub();
    let output = command
        .env("LANG", "zh_CN.UTF-8")
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--fail-on",
            "never",
        ])
        .arg("fixtures/malformed/damaged-content.odt")
        .output()
        .expect("prepub runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("此后的文字未读取"), "{text}");
    assert!(
        !text.contains("text after that point is not read"),
        "{text}"
    );
}

#[test]
fn the_form_stays_chinese_whatever_the_locale() {
    let dir = tempfile::tempdir().expect("a folder");
    let form = dir.path().join("form.md");
    prepub()
        .env("LANG", "en_US.UTF-8")
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--fail-on",
            "never",
            "-q",
        ])
        .arg("fixtures/xlsx/roster.xlsx")
        .arg("-o")
        .arg(&form)
        .assert()
        .success();
    let text = std::fs::read_to_string(&form).expect("the form");
    assert!(text.contains("工作表 名单 的隐藏列中有 2 个值"), "{text}");
    assert!(!text.contains("values in hidden columns"), "{text}");
    assert!(!text.contains("blocking finding(s)"), "{text}");
}

#[test]
fn an_output_folder_is_said_to_be_a_folder() {
    let dir = tempfile::tempdir().expect("a folder");
    prepub()
        .args([
            "scan",
            "--no-progress",
            "fixtures/text/notice-clean.txt",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a directory; -o takes a report file",
        ));
}

#[test]
fn a_missing_output_folder_is_named_not_the_temporary_file() {
    let dir = tempfile::tempdir().expect("a folder");
    let missing = dir.path().join("no-such-folder");
    let output = prepub()
        .args([
            "scan",
            "--no-progress",
            "fixtures/text/notice-clean.txt",
            "-o",
        ])
        .arg(missing.join("review.html"))
        .output()
        .expect("prepub runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(!stderr.contains(".prepub-"), "{stderr}");
    // `prepub report` says the same.
    let review = dir.path().join("review.json");
    prepub()
        .args([
            "scan",
            "--no-progress",
            "-q",
            "fixtures/text/notice-clean.txt",
            "-o",
        ])
        .arg(&review)
        .assert()
        .success();
    prepub()
        .arg("report")
        .arg(&review)
        .arg("-o")
        .arg(missing.join("form.docx"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("does not exist")
                .and(predicate::str::contains(".prepub-").not()),
        );
}
