//! `--cache DIR`: a rerun reads unchanged files from the cache, gives the
//! same review, and never trusts the path — changed bytes miss, a renamed
//! file is still named by its new name, a corrupt entry is replaced. (Edited
//! entries and the cache's secret: `tests/fail_closed_audit.rs`.)

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn prepub() -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs a cached scan; returns the review (run-dependent fields removed)
/// and the cache line printed on stderr.
fn cached_scan(cache: &Path, target: &Path) -> (Value, String) {
    let output = prepub()
        .args(["scan", "--format", "json", "--no-progress", "--cache"])
        .arg(cache)
        .arg(target)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut review: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}); stderr: {stderr}"));
    review["started_at"] = Value::Null;
    let line = stderr
        .lines()
        .find(|l| l.starts_with("cache "))
        .unwrap_or_else(|| panic!("no cache line in {stderr:?}"))
        .to_owned();
    (review, line)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn count_files(dir: &Path) -> usize {
    walk(dir).len()
}

/// The cache's entries (`XX/<key>.json`; not its secret).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn second_run_hits_and_gives_the_same_review() {
    let work = tempfile::tempdir().unwrap();
    let docs = work.path().join("docs");
    let cache = work.path().join("cache");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/text"),
        &docs,
    );
    let files = std::fs::read_dir(&docs).unwrap().count();

    let (first, line) = cached_scan(&cache, &docs);
    assert_eq!(
        line,
        format!(
            "cache {}: 0 hit(s), {files} miss(es), {files} written",
            cache.display()
        )
    );
    assert_eq!(count_files(&cache), files);

    let (second, line) = cached_scan(&cache, &docs);
    assert_eq!(
        line,
        format!(
            "cache {}: {files} hit(s), 0 miss(es), 0 written",
            cache.display()
        )
    );
    assert_eq!(first, second, "a cached rerun gives the same review");

    // Changed bytes miss; the other files still hit.
    std::fs::write(
        docs.join("notice-clean.txt"),
        "关于开展调研的通知\n机密★1年\n",
    )
    .unwrap();
    let (third, line) = cached_scan(&cache, &docs);
    assert!(
        line.ends_with(&format!("{} hit(s), 1 miss(es), 1 written", files - 1)),
        "{line}"
    );
    let changed = third["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("notice-clean.txt"))
        .unwrap();
    assert_eq!(changed["verdict"], "block", "the new text was read");
}

#[test]
fn a_renamed_file_hits_but_is_reviewed_under_its_new_name() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let original = work.path().join("a");
    std::fs::create_dir_all(&original).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/text/notice-clean.txt"),
        original.join("notice.txt"),
    )
    .unwrap();
    let (review, _) = cached_scan(&cache, &original);
    assert_eq!(review["documents"][0]["verdict"], "pass");

    // Same bytes, a name that is itself a finding: the cache serves the
    // text, the name comes from this run.
    let renamed = work.path().join("b");
    std::fs::create_dir_all(&renamed).unwrap();
    std::fs::copy(
        original.join("notice.txt"),
        renamed.join("机密★1年 通知.txt"),
    )
    .unwrap();
    let (review, line) = cached_scan(&cache, &renamed);
    assert!(line.ends_with("1 hit(s), 0 miss(es), 0 written"), "{line}");
    let document = &review["documents"][0];
    assert!(
        document["path"]
            .as_str()
            .unwrap()
            .ends_with("机密★1年 通知.txt")
    );
    let findings = document["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["location"]["part"] == "filename" && f["text"] == "机密★1年"),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|f| f["text"] == "notice.txt"),
        "the old name is not carried over"
    );
}

#[test]
fn corrupt_entries_are_ignored_and_rewritten() {
    let work = tempfile::tempdir().unwrap();
    let docs = work.path().join("docs");
    let cache = work.path().join("cache");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/text"),
        &docs,
    );
    let (first, _) = cached_scan(&cache, &docs);
    let entries = walk(&cache);
    for entry in &entries {
        let bytes = std::fs::read(entry).unwrap();
        std::fs::write(entry, &bytes[..bytes.len() / 3]).unwrap();
    }
    let (second, line) = cached_scan(&cache, &docs);
    let n = entries.len();
    assert!(
        line.ends_with(&format!(
            "0 hit(s), {n} miss(es), {n} written, {n} unusable entr(ies) replaced"
        )),
        "{line}"
    );
    assert_eq!(first, second);
    let (_, line) = cached_scan(&cache, &docs);
    assert!(
        line.ends_with(&format!("{n} hit(s), 0 miss(es), 0 written")),
        "{line}"
    );
}

#[test]
fn changing_a_limit_that_shapes_extraction_misses() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/text/notice-clean.txt");
    cached_scan(&cache, &target);
    let output = prepub()
        .args([
            "scan",
            "--format",
            "json",
            "--no-progress",
            "--max-depth",
            "3",
            "--cache",
        ])
        .arg(&cache)
        .arg(&target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("0 hit(s), 1 miss(es)"), "{stderr}");
}
