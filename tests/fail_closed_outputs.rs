//! Writing outputs fails closed (issue 14, "Writing outputs"): `-o` never
//! replaces an input of the same run nor anything that is not a regular
//! file, and reports get the user's umask. Also the single-file command
//! `prepub extract` reads only regular files, and `--follow` reads what a
//! link in a folder points to.
#![cfg(unix)]

use assert_cmd::Command;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);
const MARKED: &str = "机密★5年\n关于某项工作的通知\n";

fn prepub() -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.timeout(TIMEOUT);
    command
}

fn scan_to(dir: &Path, output: &Path) -> std::process::Output {
    prepub()
        .args(["scan", "--no-progress", "--fail-on", "never"])
        .arg(dir)
        .arg("-o")
        .arg(output)
        .output()
        .expect("runs")
}

#[test]
fn a_report_never_replaces_an_input_of_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("通知.txt");
    std::fs::write(&input, MARKED).unwrap();
    let output = scan_to(dir.path(), &input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("would replace the input"), "{stderr}");
    assert!(stderr.contains("通知.txt"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), MARKED);

    // `prepub report` refuses to write over the review it reads.
    let review = dir.path().join("review.json");
    let scanned = prepub()
        .args(["scan", "--no-progress", "--fail-on", "never"])
        .arg(&input)
        .arg("-o")
        .arg(&review)
        .output()
        .unwrap();
    assert_eq!(scanned.status.code(), Some(0));
    let before = std::fs::read(&review).unwrap();
    let output = prepub()
        .arg("report")
        .arg(&review)
        .arg("-o")
        .arg(&review)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read(&review).unwrap(), before);
}

#[test]
fn a_report_never_replaces_a_directory_or_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("a.txt"), "公开的通知\n").unwrap();

    let folder = dir.path().join("out.json");
    std::fs::create_dir(&folder).unwrap();
    let output = scan_to(&inputs, &folder);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a directory"), "{stderr}");
    assert!(folder.is_dir());

    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let output = scan_to(&inputs, &fifo);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("named pipe"), "{stderr}");
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
}

/// The binary run under a shell that sets the umask first.
fn scan_with_umask(umask: &str, input: &Path, output: &Path) {
    let binary = assert_cmd::cargo::cargo_bin("prepub");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask {umask} && exec \"$0\" scan --no-progress --fail-on never \"$1\" -o \"$2\""
        ))
        .arg(&binary)
        .arg(input)
        .arg(output)
        .status()
        .expect("sh runs");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn reports_keep_the_users_umask() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    std::fs::write(&input, "公开的通知\n").unwrap();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;

    let open = dir.path().join("open.json");
    scan_with_umask("022", &input, &open);
    assert_eq!(mode(&open), 0o644);

    let private = dir.path().join("private.json");
    scan_with_umask("077", &input, &private);
    assert_eq!(mode(&private), 0o600);

    // A report written again keeps the permissions it was given.
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o640)).unwrap();
    scan_with_umask("022", &input, &open);
    assert_eq!(mode(&open), 0o640);
}

#[test]
fn extract_refuses_a_fifo_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let output = prepub().arg("extract").arg(&fifo).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn follow_reads_what_a_link_in_a_folder_points_to() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, MARKED).unwrap();
    let folder = dir.path().join("batch");
    std::fs::create_dir(&folder).unwrap();
    std::os::unix::fs::symlink(&secret, folder.join("link.txt")).unwrap();
    let run = |follow: bool| {
        let mut command = prepub();
        command.args(["scan", "--no-progress", "--format", "json"]);
        if follow {
            command.arg("--follow");
        }
        let output = command.arg(&folder).output().expect("runs");
        let review: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        (review, output.status.code())
    };
    let (review, code) = run(false);
    assert_eq!(code, Some(3), "{review:#}");
    assert_eq!(review["documents"][0]["verdict"], "review");
    let (review, code) = run(true);
    assert_eq!(code, Some(1), "{review:#}");
    assert_eq!(review["documents"][0]["verdict"], "block");
}
