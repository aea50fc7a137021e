//! Nothing is dropped in silence (issue 14, "Nothing is dropped in
//! silence" and "Writing outputs"): hidden files, version-control folders,
//! files a filter leaves out, empty folders and prepub's own reports and
//! decisions file are listed as skipped with the reason — in the JSON, the
//! summary and every report — and skipping an input the user named is
//! never exit 0.
#![cfg(unix)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

const MARKED: &str = "关于调整工作的通知\n机密★1年\n正文。\n";
const CLEAN: &str = "关于开展植树活动的通知\n请各单位按时参加。\n";

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.current_dir(dir).timeout(TIMEOUT);
    command
}

/// `prepub scan --format json ARGS` run in `dir`: the review and the exit
/// code.
fn scan(dir: &Path, args: &[&str]) -> (Value, i32) {
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
        .expect("runs");
    let code = output.status.code().expect("exited");
    let review = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (review, code)
}

/// `prepub scan ARGS` with the text report: stdout and the exit code.
fn scan_text(dir: &Path, args: &[&str]) -> (String, i32) {
    let output = prepub(dir)
        .args(["scan", "--no-progress", "--no-decisions"])
        .args(args)
        .output()
        .expect("runs");
    (
        String::from_utf8(output.stdout).expect("UTF-8"),
        output.status.code().expect("exited"),
    )
}

fn paths(review: &Value, list: &str) -> Vec<String> {
    review[list]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn skipped<'a>(review: &'a Value, path: &str) -> &'a Value {
    review["skipped"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["path"] == path))
        .unwrap_or_else(|| panic!("{path} not listed as skipped: {review:#}"))
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_hidden_file_with_a_marking_is_listed_as_skipped_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drafts/notice.txt", CLEAN);
    write(dir.path(), "drafts/.~notice.txt", MARKED);
    write(dir.path(), "drafts/.git/COMMIT_EDITMSG", MARKED);
    let (review, code) = scan(dir.path(), &["drafts"]);
    // Met in a walk, a skip is listed but does not change the exit code.
    assert_eq!(code, 0, "{review:#}");
    assert_eq!(paths(&review, "documents"), ["drafts/notice.txt"]);
    assert_eq!(
        paths(&review, "skipped"),
        ["drafts/.git", "drafts/.~notice.txt"]
    );
    let hidden = skipped(&review, "drafts/.~notice.txt");
    assert_eq!(hidden["reason"], "hidden");
    assert!(hidden["message"].as_str().unwrap().contains("--hidden"));
    assert!(hidden.get("named").is_none(), "{hidden:#}");
    assert_eq!(skipped(&review, "drafts/.git")["reason"], "version_control");

    let (text, code) = scan_text(dir.path(), &["drafts"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("SKIPPED drafts/.~notice.txt: hidden file"),
        "{text}"
    );
    assert!(
        text.ends_with("1 document: 1 pass, 0 review, 0 block; 0 findings; 2 skipped\n"),
        "{text}"
    );
    // --quiet leaves out the passes, never the skips.
    let (quiet, _) = scan_text(dir.path(), &["--quiet", "drafts"]);
    assert!(quiet.contains("SKIPPED drafts/.~notice.txt"), "{quiet}");

    // --hidden reads it (version-control folders stay skipped).
    let (review, code) = scan(dir.path(), &["--hidden", "drafts"]);
    assert_eq!(code, 1, "{review:#}");
    assert_eq!(
        paths(&review, "documents"),
        ["drafts/.~notice.txt", "drafts/notice.txt"]
    );
    assert_eq!(paths(&review, "skipped"), ["drafts/.git"]);
    // So does naming it.
    let (review, code) = scan(dir.path(), &["drafts/.~notice.txt"]);
    assert_eq!(code, 1, "{review:#}");
    assert_eq!(paths(&review, "documents"), ["drafts/.~notice.txt"]);
}

#[test]
fn reports_written_into_the_scanned_folder_are_skipped_not_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drafts/notice.txt", MARKED);
    let reports = [
        "review.json",
        "review.sarif",
        "review.xml",
        "review.html",
        "review.md",
        "review.csv",
        "review.docx",
        "review.txt",
    ];
    let mut first = prepub(dir.path());
    first.args([
        "scan",
        "--no-progress",
        "--no-decisions",
        "--quiet",
        "drafts",
    ]);
    for report in reports {
        first.args(["-o", &format!("drafts/{report}")]);
    }
    assert_eq!(first.output().unwrap().status.code(), Some(1));
    write(
        dir.path(),
        "drafts/prepub-decisions.yaml",
        "# prepub decisions\nschema: prepub.decisions/1\ndecisions: []\n",
    );
    let (review, code) = scan(dir.path(), &["drafts"]);
    // The same verdict as before the reports were there: one block, from
    // the draft itself — not thousands from the reports quoting it.
    assert_eq!(code, 1, "{review:#}");
    assert_eq!(paths(&review, "documents"), ["drafts/notice.txt"]);
    assert_eq!(review["summary"]["findings"], 1, "{review:#}");
    let mut expected: Vec<String> = reports.iter().map(|r| format!("drafts/{r}")).collect();
    expected.push("drafts/prepub-decisions.yaml".into());
    expected.sort();
    assert_eq!(paths(&review, "skipped"), expected);
    for report in reports {
        let entry = skipped(&review, &format!("drafts/{report}"));
        assert_eq!(entry["reason"], "prepub_report", "{entry:#}");
        assert!(
            entry["message"]
                .as_str()
                .unwrap()
                .contains("recognised by its content"),
            "{entry:#}"
        );
    }
    assert_eq!(
        skipped(&review, "drafts/prepub-decisions.yaml")["reason"],
        "prepub_decisions"
    );
    // Writing the day's reports over yesterday's in the same folder is not
    // writing over an input: they are skipped, not reviewed.
    let again = prepub(dir.path())
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--quiet",
            "drafts",
        ])
        .args(["-o", "drafts/review.json"])
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // But a draft is still never replaced by a report.
    let refused = prepub(dir.path())
        .args(["scan", "--no-progress", "drafts", "--format", "text"])
        .args(["-o", "drafts/notice.txt"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("drafts/notice.txt")).unwrap(),
        MARKED
    );
}

#[test]
fn a_renamed_report_is_still_recognised_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drafts/notice.txt", MARKED);
    let output = prepub(dir.path())
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--format",
            "json",
            "drafts",
        ])
        .output()
        .unwrap();
    std::fs::write(dir.path().join("drafts/report.txt"), &output.stdout).unwrap();
    let sarif = prepub(dir.path())
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--format",
            "sarif",
            "drafts",
        ])
        .output()
        .unwrap();
    std::fs::write(dir.path().join("drafts/notes.log"), &sarif.stdout).unwrap();
    let (review, code) = scan(dir.path(), &["drafts"]);
    assert_eq!(code, 1, "{review:#}");
    assert_eq!(paths(&review, "documents"), ["drafts/notice.txt"]);
    let json = skipped(&review, "drafts/report.txt");
    assert_eq!(json["reason"], "prepub_report");
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .starts_with("a JSON review prepub wrote"),
        "{json:#}"
    );
    assert!(
        skipped(&review, "drafts/notes.log")["message"]
            .as_str()
            .unwrap()
            .starts_with("a SARIF log prepub wrote")
    );
    // Named on the command line, a report is still skipped — and then the
    // run never exits 0.
    std::fs::write(dir.path().join("drafts/notice.txt"), CLEAN).unwrap();
    let (review, code) = scan(dir.path(), &["drafts/notice.txt", "drafts/report.txt"]);
    assert_eq!(code, 3, "{review:#}");
    assert_eq!(skipped(&review, "drafts/report.txt")["named"], true);
    assert_eq!(review["summary"]["pass"], 1);
}

#[test]
fn a_named_input_left_out_by_a_filter_is_never_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notice.txt", CLEAN);
    write(dir.path(), "drafts/a.txt", CLEAN);
    write(dir.path(), "drafts/b.md", CLEAN);
    let (review, code) = scan(dir.path(), &["--exclude", "*.txt", "notice.txt"]);
    assert_eq!(code, 3, "{review:#}");
    assert_eq!(paths(&review, "documents"), Vec::<String>::new());
    let excluded = skipped(&review, "notice.txt");
    assert_eq!(excluded["reason"], "excluded_by_filter");
    assert_eq!(excluded["named"], true);
    assert!(
        excluded["message"]
            .as_str()
            .unwrap()
            .starts_with("excluded by --exclude *.txt; it was named"),
        "{excluded:#}"
    );
    let (review, code) = scan(dir.path(), &["--include", "*.md", "notice.txt", "drafts"]);
    assert_eq!(code, 3, "{review:#}");
    assert_eq!(paths(&review, "documents"), ["drafts/b.md"]);
    assert_eq!(
        skipped(&review, "notice.txt")["reason"],
        "not_included_by_filter"
    );
    // Met in the walk, the filtered-out file is listed and changes nothing.
    let walked = skipped(&review, "drafts/a.txt");
    assert_eq!(walked["reason"], "not_included_by_filter");
    assert!(walked.get("named").is_none());
    let (review, code) = scan(dir.path(), &["--include", "*.md", "drafts"]);
    assert_eq!(code, 0, "{review:#}");
    // `--fail-on never` never fails, as for documents not fully read.
    let (_, code) = scan(
        dir.path(),
        &["--fail-on", "never", "--exclude", "*.txt", "notice.txt"],
    );
    assert_eq!(code, 0);
}

#[test]
fn empty_folders_are_listed_and_a_named_one_is_never_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "batch/notice.txt", CLEAN);
    std::fs::create_dir_all(dir.path().join("batch/附件/空")).unwrap();
    std::fs::create_dir_all(dir.path().join("nothing")).unwrap();
    let (review, code) = scan(dir.path(), &["batch"]);
    assert_eq!(code, 0, "{review:#}");
    assert_eq!(paths(&review, "skipped"), ["batch/附件/空"]);
    assert_eq!(skipped(&review, "batch/附件/空")["reason"], "empty_folder");
    let (review, code) = scan(dir.path(), &["nothing"]);
    assert_eq!(code, 3, "{review:#}");
    assert_eq!(skipped(&review, "nothing")["named"], true);
    assert_eq!(review["summary"]["documents"], 0);
}

#[test]
fn every_report_format_lists_the_skipped_inputs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drafts/notice.txt", CLEAN);
    write(dir.path(), "drafts/.hidden-draft.txt", MARKED);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let status = prepub(dir.path())
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "drafts",
            "--lang",
            "en",
        ])
        .args(["-o", "out/r.json", "-o", "out/r.sarif", "-o", "out/r.xml"])
        .args([
            "-o",
            "out/r.html",
            "-o",
            "out/r.md",
            "-o",
            "out/r.csv",
            "-o",
            "out/r.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let sarif: Value = serde_json::from_str(&read("r.sarif")).unwrap();
    let notifications = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let skip = notifications
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["descriptor"]["id"] == "input.skipped")
        .expect("a notification for the skipped file");
    assert_eq!(
        skip["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "drafts/.hidden-draft.txt"
    );
    assert_eq!(sarif["runs"][0]["properties"]["skipped"], 1);
    let junit = read("r.xml");
    assert!(junit.contains("skipped=\"1\""), "{junit}");
    assert!(junit.contains("<skipped type=\"hidden\""), "{junit}");
    let html = read("r.html");
    assert!(html.contains("<h2>Not reviewed</h2>"), "{html}");
    assert!(html.contains("drafts/.hidden-draft.txt"));
    let md = read("r.md");
    assert!(md.contains("1 input not reviewed (listed below)."), "{md}");
    assert!(md.contains("drafts/.hidden-draft.txt"));
    let csv = read("r.csv");
    assert!(
        csv.contains("drafts/.hidden-draft.txt,,skipped.hidden,"),
        "{csv}"
    );
    let text = read("r.txt");
    assert!(text.contains("SKIPPED drafts/.hidden-draft.txt"), "{text}");
    // `prepub report` renders the list again from the JSON.
    let again = prepub(dir.path())
        .args(["report", "out/r.json", "--format", "text"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
}

#[test]
fn shards_list_their_own_skips_and_merge_unites_them() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        write(dir.path(), &format!("drafts/{i}.txt"), CLEAN);
        write(dir.path(), &format!("drafts/.{i}.txt"), MARKED);
    }
    let (whole, _) = scan(dir.path(), &["drafts"]);
    let mut parts = Vec::new();
    let mut listed = 0;
    for index in 1..=3 {
        let shard = format!("{index}/3");
        let (review, _) = scan(dir.path(), &["--shard", &shard, "drafts"]);
        listed += review["skipped"].as_array().map_or(0, Vec::len);
        let file = format!("shard{index}.json");
        std::fs::write(dir.path().join(&file), review.to_string()).unwrap();
        parts.push(file);
    }
    // Each hidden file is listed by exactly one shard.
    assert_eq!(listed, 12);
    let merged = prepub(dir.path())
        .arg("merge")
        .args(&parts)
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged: Value = serde_json::from_slice(&merged.stdout).unwrap();
    assert_eq!(merged["skipped"], whole["skipped"]);
}

#[test]
fn verify_finds_a_skip_whose_reason_no_longer_holds() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drafts/notice.txt", MARKED);
    std::fs::create_dir_all(dir.path().join("drafts/empty")).unwrap();
    let output = prepub(dir.path())
        .args([
            "scan",
            "--no-progress",
            "--no-decisions",
            "--format",
            "json",
            "drafts",
        ])
        .output()
        .unwrap();
    std::fs::write(dir.path().join("drafts/old-review.json"), &output.stdout).unwrap();
    let (review, _) = scan(dir.path(), &["drafts"]);
    assert_eq!(
        paths(&review, "skipped"),
        ["drafts/empty", "drafts/old-review.json"]
    );
    std::fs::write(dir.path().join("review.json"), review.to_string()).unwrap();
    let verify = |dir: &Path| {
        let output = prepub(dir)
            .args(["verify", "review.json"])
            .output()
            .unwrap();
        (
            String::from_utf8(output.stdout).unwrap(),
            output.status.code().unwrap(),
        )
    };
    let (said, code) = verify(dir.path());
    assert_eq!(code, 0, "{said}");
    // The "report" is now a draft, and the empty folder holds one.
    std::fs::write(dir.path().join("drafts/old-review.json"), MARKED).unwrap();
    write(dir.path(), "drafts/empty/new.txt", MARKED);
    let (said, code) = verify(dir.path());
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("drafts/old-review.json: skipped then (prepub report), its content is no longer prepub's own"),
        "{said}"
    );
    assert!(
        said.contains(
            "drafts/empty: skipped then (empty folder), now the folder holds 1 entr(ies)"
        ),
        "{said}"
    );
    // The other way round: a document read then is prepub's own now.
    std::fs::remove_file(dir.path().join("drafts/empty/new.txt")).unwrap();
    std::fs::remove_file(dir.path().join("drafts/old-review.json")).unwrap();
    let (fresh, _) = scan(dir.path(), &["drafts"]);
    std::fs::write(dir.path().join("review.json"), fresh.to_string()).unwrap();
    std::fs::write(dir.path().join("drafts/notice.txt"), &output.stdout).unwrap();
    let (said, code) = verify(dir.path());
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("drafts/notice.txt: reviewed then, skipped now: a JSON review prepub wrote"),
        "{said}"
    );
}
