//! The project configuration (`prepub.toml`) end to end: found from the
//! scanned folder, applied where the command line is silent, beaten by
//! flags, ignored with `--no-config`, shown by `prepub config show`, and
//! recorded (path and SHA-256) in the JSON review.

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.current_dir(dir);
    command.env("OMP_THREAD_LIMIT", "1");
    command
}

/// A project: `prepub.toml` at its root, a classified draft under
/// `drafts/`, and a `vendor/` folder the configuration excludes.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prepub.toml"), config).unwrap();
    std::fs::create_dir_all(dir.path().join("drafts")).unwrap();
    std::fs::create_dir_all(dir.path().join("vendor")).unwrap();
    std::fs::write(
        dir.path().join("drafts/通知.txt"),
        "关于某事项的通知\n机密★1年\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("vendor/外部.txt"), "机密★1年\n").unwrap();
    dir
}

const CONFIG: &str = "[scan]\nexclude = [\"vendor/**\", \"vendor\"]\nfail_on = \"never\"\n\n[report]\nlang = \"en\"\n";

fn code(command: &mut Command) -> i32 {
    command
        .output()
        .expect("runs")
        .status
        .code()
        .expect("exit code")
}

#[test]
fn the_file_applies_and_flags_win() {
    let dir = project(CONFIG);
    let scan = |extra: &[&str]| {
        let mut command = prepub(dir.path());
        command
            .args(["scan", "--no-progress", "--quiet"])
            .args(extra)
            .arg(".");
        code(&mut command)
    };
    // fail_on = never: the classified draft does not fail the run.
    assert_eq!(scan(&[]), 0);
    // The flag wins over the file.
    assert_eq!(scan(&["--fail-on", "review"]), 1);
    // And without the file, prepub's default (review) applies.
    assert_eq!(scan(&["--no-config"]), 1);
    // Found from a folder below the file too.
    let mut command = prepub(&dir.path().join("drafts"));
    command.args(["scan", "--no-progress", "--quiet", "."]);
    assert_eq!(code(&mut command), 0);
}

#[test]
fn the_review_records_the_file_and_its_excludes() {
    let dir = project(CONFIG);
    let output = prepub(dir.path())
        .args(["scan", "--no-progress", "--format", "json", "."])
        .output()
        .unwrap();
    let review: Value = serde_json::from_slice(&output.stdout).unwrap();
    let recorded = &review["options"]["config"];
    assert_eq!(recorded["file"], "prepub.toml");
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(CONFIG.as_bytes())));
    assert_eq!(recorded["sha256"], digest.as_str());
    // The file's excludes are the run's, recorded for verify.
    let excludes = &review["options"]["inputs"]["exclude"];
    assert_eq!(excludes, &serde_json::json!(["vendor/**", "vendor"]));
    let paths: Vec<&str> = review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert!(paths.iter().all(|p| !p.starts_with("vendor")), "{paths:?}");
    assert!(paths.contains(&"drafts/通知.txt"), "{paths:?}");
    // Nothing dropped in silence: what the file excluded is listed skipped.
    let skipped = review["skipped"].as_array().expect("skipped listed");
    assert!(
        skipped
            .iter()
            .any(|s| s["path"].as_str().unwrap().starts_with("vendor"))
    );
}

#[test]
fn config_show_names_the_source_of_each_value() {
    let dir = project(CONFIG);
    let output = prepub(dir.path())
        .args(["config", "show", "--lang", "zh", "."])
        .output()
        .unwrap();
    assert!(output.status.success());
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(
        shown.starts_with("config file: prepub.toml (sha256:"),
        "{shown}"
    );
    let line = |key: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("{key} in {shown}"))
            .to_owned()
    };
    assert!(
        line("scan.fail_on").ends_with("= never  # prepub.toml"),
        "{shown}"
    );
    assert!(line("report.lang").ends_with("= zh  # flag"), "{shown}");
    assert!(
        line("report.format").ends_with("= text  # default"),
        "{shown}"
    );
    assert!(line("scan.exclude").contains("vendor/**"), "{shown}");

    let output = prepub(dir.path())
        .args(["config", "show", "--no-config", "."])
        .output()
        .unwrap();
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(shown.starts_with("config file: none\n"), "{shown}");
}

#[test]
fn a_broken_file_stops_the_run_naming_it() {
    let dir = project("[scan]\nfail_on = \"sometimes\"\n");
    let output = prepub(dir.path())
        .args(["scan", "--no-progress", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("prepub.toml") && stderr.contains("scan.fail_on"),
        "{stderr}"
    );
    // --no-config gets past it.
    let mut command = prepub(dir.path());
    command.args(["scan", "--no-progress", "--quiet", "--no-config", "."]);
    assert_eq!(code(&mut command), 1);
}

/// `prepub verify` says whether the configuration the review read is
/// still the same file.
#[test]
fn verify_tells_whether_the_configuration_changed() {
    let dir = project(CONFIG);
    let mut command = prepub(dir.path());
    command.args([
        "scan",
        "--no-progress",
        "--quiet",
        "-o",
        "review.json",
        "drafts",
    ]);
    assert_eq!(code(&mut command), 0);
    let verify = || {
        let output = prepub(dir.path())
            .args(["verify", "review.json"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let said = verify();
    assert!(
        said.contains("configuration file prepub.toml is unchanged"),
        "{said}"
    );
    std::fs::write(
        dir.path().join("prepub.toml"),
        "[scan]\nfail_on = \"block\"\n",
    )
    .unwrap();
    let said = verify();
    assert!(
        said.contains("configuration file prepub.toml has changed"),
        "{said}"
    );
}
