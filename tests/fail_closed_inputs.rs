//! Reading inputs fails closed (issue 14, "Reading inputs"): only regular
//! files are opened, reads are bounded by what is read, a bad directory
//! entry never stops the batch, and nothing met in a walk vanishes without
//! a word.
//!
//! Every scan here runs under a timeout: a regression (a FIFO opened for
//! reading blocks forever, `/dev/zero` is read until memory runs out) fails
//! the test instead of hanging the suite.
#![cfg(unix)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);

/// Scans with JSON on stdout under [`TIMEOUT`]; returns the review and the
/// exit code.
fn scan(env: &[(&str, &str)], args: &[&Path]) -> (Value, i32) {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .args(["scan", "--format", "json", "--no-progress"])
        .args(args)
        .timeout(TIMEOUT)
        .output()
        .expect("runs");
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("killed (timeout or signal): {:?}", output.status));
    let review = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (review, code)
}

fn document<'a>(review: &'a Value, path_end: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .unwrap_or_else(|| panic!("{path_end} in review: {review:#}"))
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

fn assert_failed(document: &Value, says: &str) {
    assert_eq!(document["extraction"]["status"], "failed", "{document:#}");
    assert_ne!(document["verdict"], "pass", "{document:#}");
    let problems = problems(document);
    assert!(problems.contains(says), "expected {says:?} in {problems:?}");
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

const MARKED: &str = "关于调整工作的通知\n机密★1年\n正文。\n";

#[test]
fn a_named_pipe_given_by_name_is_failed_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.txt");
    mkfifo(&fifo);
    // Nobody ever writes to the pipe: opening it for reading would block.
    let (review, code) = scan(&[], &[&fifo]);
    assert_eq!(code, 3, "{review:#}");
    assert_failed(
        document(&review, "pipe.txt"),
        "not a regular file: a named pipe (FIFO); not read",
    );
}

#[test]
fn character_devices_are_failed_not_read() {
    // /dev/zero never ends and /dev/urandom neither: reading either grew to
    // the machine's whole memory.
    let (review, code) = scan(&[], &[Path::new("/dev/zero"), Path::new("/dev/urandom")]);
    assert_eq!(code, 3, "{review:#}");
    for device in ["/dev/zero", "/dev/urandom"] {
        let document = document(&review, device);
        assert_failed(document, "not a regular file: a character device; not read");
        assert_eq!(document["bytes"], 0);
    }
}

#[test]
fn a_pipe_and_a_link_met_in_a_walk_are_listed_and_the_rest_is_reviewed() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("绝密.txt");
    std::fs::write(&secret, MARKED).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "公开的内容。\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), MARKED).unwrap();
    mkfifo(&dir.path().join("pipe.txt"));
    std::os::unix::fs::symlink(&secret, dir.path().join("link.txt")).unwrap();
    let (review, code) = scan(&[], &[dir.path()]);
    assert_eq!(document(&review, "a.txt")["verdict"], "pass");
    assert_eq!(document(&review, "b.txt")["verdict"], "block");
    assert_failed(
        document(&review, "pipe.txt"),
        "not a regular file: a named pipe (FIFO); not read",
    );
    // A link to a marked file is not a silent pass: it is a document that
    // says it was not read.
    assert_failed(document(&review, "link.txt"), "symbolic link not followed");
    assert_eq!(review["summary"]["documents"], 4, "{review:#}");
    assert_ne!(code, 0);
}

#[test]
fn a_link_to_a_marked_file_alone_in_a_folder_is_not_a_pass() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, MARKED).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("report.txt")).unwrap();
    let (review, code) = scan(&[], &[dir.path()]);
    assert_eq!(review["summary"]["pass"], 0, "{review:#}");
    assert_eq!(code, 3, "{review:#}");
    assert_failed(
        document(&review, "report.txt"),
        "symbolic link not followed",
    );
}

#[test]
fn a_link_named_on_the_command_line_is_read_as_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, MARKED).unwrap();
    let link = dir.path().join("named-link.txt");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let (review, code) = scan(&[], &[&link]);
    let document = document(&review, "named-link.txt");
    assert_eq!(document["verdict"], "block", "{document:#}");
    assert_eq!(document["extraction"]["status"], "complete");
    assert_eq!(code, 1);
}

#[test]
fn a_file_that_grows_while_read_is_failed_not_reviewed_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let growing = dir.path().join("growing.txt");
    std::fs::write(&growing, "公开的内容。\n").unwrap();
    std::fs::write(dir.path().join("steady.txt"), "公开的内容。\n").unwrap();
    // Debug-build hook: appends a line after the size is taken and before
    // the bytes are read.
    let (review, code) = scan(&[("PREPUB_TEST_GROW", "growing")], &[dir.path()]);
    assert_failed(
        document(&review, "growing.txt"),
        "file changed while it was read",
    );
    assert_eq!(document(&review, "steady.txt")["verdict"], "pass");
    assert_eq!(code, 3, "{review:#}");
}

#[test]
fn a_file_that_grows_past_the_limit_while_read_is_failed() {
    let dir = tempfile::tempdir().unwrap();
    let growing = dir.path().join("growing.txt");
    // 10 bytes under a 1 MiB limit when looked at; the hook makes it longer
    // than the limit before it is read. At most limit + 1 bytes are read
    // whatever the file has become.
    const MIB: usize = 1024 * 1024;
    std::fs::write(&growing, "a".repeat(MIB - 10)).unwrap();
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    let output = command
        .env("PREPUB_TEST_GROW", "growing")
        .args(["scan", "--format", "json", "--no-progress"])
        .args(["--max-file-size", "1"])
        .arg(&growing)
        .timeout(TIMEOUT)
        .output()
        .expect("runs");
    let review: Value = serde_json::from_slice(&output.stdout).expect("json");
    let document = document(&review, "growing.txt");
    assert_failed(document, "file grew while it was read");
    assert_eq!(document["bytes"], MIB + 1, "read is capped at limit + 1");
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn an_over_long_path_in_a_walk_is_one_failed_line_and_the_batch_goes_on() {
    // Paths longer than PATH_MAX (4096 on Linux) cannot be opened by name.
    // Built below the limit in two halves, then one half is moved into the
    // other.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("scan");
    let component = "d".repeat(200);
    let mut first = root.clone();
    for _ in 0..11 {
        first.push(&component);
    }
    std::fs::create_dir_all(&first).unwrap();
    let mut second = dir.path().join("half");
    for _ in 0..11 {
        second.push(&component);
    }
    std::fs::create_dir_all(&second).unwrap();
    std::fs::write(second.join("deep.txt"), MARKED).unwrap();
    std::fs::rename(dir.path().join("half"), first.join("half")).unwrap();
    std::fs::write(root.join("ok.txt"), "公开的内容。\n").unwrap();
    let (review, code) = scan(&[], &[&root]);
    assert_eq!(document(&review, "ok.txt")["verdict"], "pass");
    let failed: Vec<&Value> = review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["extraction"]["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{review:#}");
    assert!(
        problems(failed[0]).contains("too long"),
        "{}",
        problems(failed[0])
    );
    assert_eq!(code, 3);
}

/// GBK file names from Windows zips and old shares are not UTF-8. Three
/// files whose names differ only in such bytes (and so read the same once
/// made lossy) are three documents, the marked one among them, and `verify`
/// finds each again by the name recorded.
#[test]
fn names_that_are_not_utf8_stay_apart_and_verify_finds_them() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("share");
    std::fs::create_dir(&folder).unwrap();
    // GBK lead and trail bytes that are not UTF-8: each name becomes
    // "��.txt" when made lossy.
    let names: [&[u8]; 3] = [b"\xBE\xF8.txt", b"\xBE\xF9.txt", b"\xBE\xFA.txt"];
    for (n, name) in names.iter().enumerate() {
        let text = if n == 1 {
            "绝密★长期\n正文\n"
        } else {
            "公开的通知\n"
        };
        std::fs::write(folder.join(std::ffi::OsStr::from_bytes(name)), text).unwrap();
    }
    let (review, code) = scan(&[], &[&folder]);
    assert_eq!(code, 1, "{review:#}");
    let documents = review["documents"].as_array().expect("documents");
    assert_eq!(documents.len(), 3, "{review:#}");
    let blocked: Vec<&str> = documents
        .iter()
        .filter(|d| d["verdict"] == "block")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(blocked.len(), 1, "{review:#}");
    assert!(blocked[0].ends_with("/\\xBE\\xF9.txt"), "{blocked:?}");

    let saved = dir.path().join("review.json");
    std::fs::write(&saved, serde_json::to_vec(&review).unwrap()).unwrap();
    let output = Command::cargo_bin("prepub")
        .unwrap()
        .arg("verify")
        .arg(&saved)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
