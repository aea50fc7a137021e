//! Inputs are only ever read: a scan of every fixture (hostile ones
//! included) with every report format and the cache leaves each input file
//! byte for byte and date for date as it was, and adds nothing beside them.

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`: its SHA-256, size and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (String, u64, SystemTime)> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let metadata = entry.metadata().unwrap();
            files.insert(
                path,
                (
                    hex::encode(Sha256::digest(&bytes)),
                    metadata.len(),
                    metadata.modified().unwrap(),
                ),
            );
        }
    }
    files
}

#[test]
fn a_scan_never_writes_its_inputs() {
    let work = tempfile::tempdir().unwrap();
    let inputs = work.path().join("inputs");
    let reports = work.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &inputs,
    );
    let before = snapshot(&inputs);
    assert!(before.len() > 80, "the fixtures were copied");

    let mut command = Command::cargo_bin("prepub").unwrap();
    command.args(["scan", "--no-progress", "--fail-on", "never", "--cache"]);
    command.arg(work.path().join("cache"));
    for name in [
        "r.json", "r.html", "r.docx", "r.md", "r.sarif", "r.csv", "r.txt",
    ] {
        command.arg("-o").arg(reports.join(name));
    }
    let output = command.arg(&inputs).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read_dir(&reports).unwrap().count(), 7);

    assert_eq!(
        snapshot(&inputs),
        before,
        "no input changed and none was added"
    );
}
