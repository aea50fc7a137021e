//! Archive scale through the binary: shards an engine can drive
//! (`--shard-index`, `--shard auto`), a partition that does not depend on
//! where the archive is mounted, and `merge` refusing sets of shards that
//! are not one whole batch.

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;
use std::path::Path;

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.current_dir(dir);
    for name in [
        "JOB_COMPLETION_INDEX",
        "CI_NODE_INDEX",
        "CI_NODE_TOTAL",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_MAX",
        "SLURM_ARRAY_TASK_STEP",
    ] {
        command.env_remove(name);
    }
    command
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An archive of `n` small drafts under `root/at`.
fn archive(root: &Path, at: &str, n: usize) {
    for i in 0..n {
        let text = match i % 3 {
            0 => format!("第{i}号通知\n机密★1年\n"),
            1 => format!("第{i}号名单\n联系电话13912345678\n"),
            _ => format!("第{i}号简报\n内容略。\n"),
        };
        write(root, &format!("{at}/sub{}/doc{i:03}.txt", i % 4), &text);
    }
}

/// Runs `scan … --format json` and returns the review.
fn scan(dir: &Path, args: &[&str]) -> Value {
    let output = prepub(dir)
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "--format",
            "json",
        ])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn save(dir: &Path, name: &str, args: &[&str]) -> Value {
    let review = scan(dir, args);
    std::fs::write(dir.join(name), serde_json::to_vec(&review).unwrap()).unwrap();
    review
}

fn paths(review: &Value, prefix: &str) -> Vec<String> {
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            path.strip_prefix(prefix).unwrap_or(path).to_owned()
        })
        .collect()
}

#[test]
fn the_same_archive_mounted_elsewhere_splits_identically() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), "in/pd", 28);
    archive(dir.path(), "pd", 28);
    let mut sizes = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let deep = scan(dir.path(), &["in/pd", "--shard", &shard]);
        let shallow = scan(dir.path(), &["pd", "--shard", &shard]);
        assert_eq!(paths(&deep, "in/pd/"), paths(&shallow, "pd/"), "shard {k}");
        // The digest of the whole list does not depend on the mount point.
        assert_eq!(
            deep["options"]["shard"]["partition"]["inputs"],
            shallow["options"]["shard"]["partition"]["inputs"]
        );
        sizes.push(paths(&deep, "").len());
    }
    assert_eq!(sizes.iter().sum::<usize>(), 28, "{sizes:?}");
    // Merging shards that named the archive differently is refused, naming
    // the difference.
    save(dir.path(), "a.json", &["in/pd", "--shard", "1/2"]);
    save(dir.path(), "b.json", &["pd", "--shard", "2/2"]);
    prepub(dir.path())
        .args(["merge", "a.json", "b.json"])
        .assert()
        .code(2)
        .stderr(contains(
            r#"options.inputs.paths is ["in/pd"] in one and ["pd"] in the other"#,
        ));
}

#[test]
fn a_shard_records_the_partition_it_ran() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), "pd", 10);
    write(dir.path(), "pd/.hidden.txt", "h");
    let review = scan(dir.path(), &["pd", "--shard", "2/3"]);
    let shard = &review["options"]["shard"];
    assert_eq!(shard["count"], 3);
    assert_eq!(shard["indexes"], serde_json::json!([2]));
    let partition = &shard["partition"];
    assert_eq!(partition["key"], "path");
    // Ten drafts and the hidden file: every path the walk partitioned.
    assert_eq!(partition["inputs"]["items"], 11);
    assert!(
        partition["inputs"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sum256:")
    );
    let part = &partition["parts"][0];
    assert_eq!(part["index"], 2);
    let listed = review["documents"].as_array().unwrap().len()
        + review["skipped"].as_array().map_or(0, Vec::len);
    assert_eq!(part["items"].as_u64().unwrap() as usize, listed);
}

#[test]
fn engines_zero_based_indexes_and_environment_name_the_same_shards() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), "pd", 12);
    let one_based: Vec<Vec<String>> = (1..=3)
        .map(|k| paths(&scan(dir.path(), &["pd", "--shard", &format!("{k}/3")]), ""))
        .collect();
    for (i, expected) in one_based.iter().enumerate() {
        let index = i.to_string();
        let flags = scan(
            dir.path(),
            &["pd", "--shard-index", &index, "--shard-count", "3"],
        );
        assert_eq!(paths(&flags, ""), *expected, "--shard-index {i}");
        let review = |vars: &[(&str, String)], extra: &[&str]| {
            let mut command = prepub(dir.path());
            command.args([
                "scan",
                "pd",
                "--no-progress",
                "--fail-on",
                "never",
                "--format",
                "json",
                "--shard",
                "auto",
            ]);
            command.args(extra);
            for (name, value) in vars {
                command.env(name, value);
            }
            let output = command.output().unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            serde_json::from_slice::<Value>(&output.stdout).unwrap()
        };
        let kubernetes = review(
            &[("JOB_COMPLETION_INDEX", index.clone())],
            &["--shard-count", "3"],
        );
        assert_eq!(
            paths(&kubernetes, ""),
            *expected,
            "JOB_COMPLETION_INDEX={i}"
        );
        let gitlab = review(
            &[
                ("CI_NODE_INDEX", (i + 1).to_string()),
                ("CI_NODE_TOTAL", "3".into()),
            ],
            &[],
        );
        assert_eq!(paths(&gitlab, ""), *expected, "CI_NODE_INDEX={}", i + 1);
        let slurm = review(
            &[
                ("SLURM_ARRAY_TASK_ID", (i + 1).to_string()),
                ("SLURM_ARRAY_TASK_MIN", "1".into()),
                ("SLURM_ARRAY_TASK_MAX", "3".into()),
                ("SLURM_ARRAY_TASK_COUNT", "3".into()),
            ],
            &[],
        );
        assert_eq!(
            paths(&slurm, ""),
            *expected,
            "SLURM_ARRAY_TASK_ID={}",
            i + 1
        );
    }
}

#[test]
fn missing_or_wrong_engine_values_are_usage_errors_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), "pd", 3);
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
    let cases: [Case; 5] = [
        (&[], &[], "none of JOB_COMPLETION_INDEX"),
        (
            &[("JOB_COMPLETION_INDEX", "2")],
            &[],
            "give --shard-count N",
        ),
        (
            &[("CI_NODE_INDEX", "4"), ("CI_NODE_TOTAL", "3")],
            &[],
            "CI_NODE_INDEX=4 is out of range",
        ),
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ],
            &[],
            "SLURM_ARRAY_TASK_MIN is not set",
        ),
        (
            &[("CI_NODE_INDEX", "x"), ("CI_NODE_TOTAL", "3")],
            &[],
            "CI_NODE_INDEX=\"x\"",
        ),
    ];
    for (vars, extra, says) in cases {
        let mut command = prepub(dir.path());
        command.args(["scan", "pd", "--shard", "auto"]).args(extra);
        for (name, value) in vars {
            command.env(name, value);
        }
        command.assert().code(2).stderr(contains(says));
    }
    prepub(dir.path())
        .args(["scan", "pd", "--shard-index", "3", "--shard-count", "3"])
        .assert()
        .code(2)
        .stderr(contains("0 to 2"));
    prepub(dir.path())
        .args(["scan", "pd", "--shard-count", "3"])
        .assert()
        .code(2)
        .stderr(contains("--shard-count needs --shard-index"));
}

#[test]
fn merge_refuses_sets_that_are_not_one_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), "pd", 20);
    for k in 1..=3 {
        save(
            dir.path(),
            &format!("s{k}.json"),
            &["pd", "--shard", &format!("{k}/3")],
        );
    }
    let merge = |names: &[&str]| {
        let mut command = prepub(dir.path());
        command.arg("merge").args(names);
        command.assert()
    };
    merge(&["s1.json", "s3.json"])
        .code(2)
        .stderr(contains("shard 2 of 3 is missing"));
    merge(&["s1.json", "s2.json", "s3.json", "s2.json"])
        .code(2)
        .stderr(contains(
            "shard 2/3 is given twice: in s2.json and in s2.json",
        ));
    // A file added after two shards had walked: the third saw other inputs.
    write(dir.path(), "pd/late.txt", "later\n");
    save(dir.path(), "late3.json", &["pd", "--shard", "3/3"]);
    merge(&["s1.json", "s2.json", "late3.json"])
        .code(2)
        .stderr(contains("the shards walked different inputs"))
        .stderr(contains("20 paths"))
        .stderr(contains("21 ("));
    // Another partition.
    save(
        dir.path(),
        "c1.json",
        &["pd", "--shard", "1/3", "--shard-by", "content"],
    );
    merge(&["c1.json", "s2.json", "s3.json"])
        .code(2)
        .stderr(contains("split by content, s2.json by path"));
}

#[test]
fn content_shards_follow_the_bytes_and_merge_to_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path(), "pd", 15);
    let whole = scan(dir.path(), &["pd"]);
    let mut names = Vec::new();
    for k in 1..=3 {
        let name = format!("c{k}.json");
        let review = save(
            dir.path(),
            &name,
            &["pd", "--shard", &format!("{k}/3"), "--shard-by", "content"],
        );
        assert_eq!(review["options"]["shard"]["partition"]["key"], "content");
        names.push(name);
    }
    let output = prepub(dir.path())
        .arg("merge")
        .args(&names)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut merged: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut whole = whole;
    merged.as_object_mut().unwrap().remove("started_at");
    whole.as_object_mut().unwrap().remove("started_at");
    assert_eq!(merged, whole);
    // A renamed file stays in its shard: its bytes decide.
    let before = scan(
        dir.path(),
        &["pd", "--shard", "1/3", "--shard-by", "content"],
    );
    let first = paths(&before, "pd/");
    let moved = first[0].clone();
    std::fs::create_dir_all(dir.path().join("pd/moved")).unwrap();
    std::fs::rename(
        dir.path().join("pd").join(&moved),
        dir.path().join("pd/moved/renamed.txt"),
    )
    .unwrap();
    let after = scan(
        dir.path(),
        &["pd", "--shard", "1/3", "--shard-by", "content"],
    );
    assert!(paths(&after, "pd/").contains(&"moved/renamed.txt".to_owned()));
    assert_eq!(paths(&after, "").len(), first.len());
}

fn document<'a>(review: &'a Value, path: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {review}"))
}

#[test]
fn a_rescan_since_an_earlier_review_reads_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "in/a.txt", "通知\n机密★1年\n");
    write(root, "in/b.txt", "通知\n请各单位按时报送。\n");
    write(root, "in/c.txt", "会议纪要\n");
    let first = save(root, "first.json", &["in"]);
    let first_time = first["started_at"].as_str().unwrap().to_owned();

    write(root, "in/b.txt", "通知\n联系人手机13912345678\n");
    std::fs::remove_file(root.join("in/c.txt")).unwrap();
    write(root, "in/d.txt", "新文件\n");
    // a.txt is unchanged: it must not be read again. The test hook makes
    // reading it panic (a debug build's PREPUB_TEST_PANIC), so a rescan
    // that read it would report it failed.
    let output = prepub(root)
        .env("PREPUB_TEST_PANIC", "a.txt")
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "--format",
            "json",
        ])
        .args(["--since", "first.json", "in"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let second: Value = serde_json::from_slice(&output.stdout).unwrap();
    let a = document(&second, "in/a.txt");
    assert_eq!(a["reused_from"], first_time.as_str(), "{a}");
    assert_eq!(a["verdict"], "block");
    assert_eq!(a["extraction"]["status"], "complete");
    let b = document(&second, "in/b.txt");
    assert!(b.get("reused_from").is_none(), "changed: read again: {b}");
    assert_eq!(b["verdict"], "review", "the new mobile number is found");
    assert!(document(&second, "in/d.txt").get("reused_from").is_none());
    let since = &second["options"]["since"];
    assert_eq!(since["reused"], 1, "{since}");
    assert_eq!(since["removed"], serde_json::json!(["in/c.txt"]));
    assert_eq!(since["started_at"], first_time.as_str());
    assert!(
        stderr.contains("1 reused, 2 read, 1 removed") && stderr.contains("removed: in/c.txt"),
        "{stderr}"
    );

    // A rescan of the rescan keeps the original time of a.txt's review.
    std::fs::write(
        root.join("second.json"),
        serde_json::to_vec(&second).unwrap(),
    )
    .unwrap();
    let third = scan(root, &["--since", "second.json", "in"]);
    assert_eq!(
        document(&third, "in/a.txt")["reused_from"],
        first_time.as_str()
    );
    assert_eq!(third["options"]["since"]["reused"], 3);
}

#[test]
fn a_rescan_with_other_options_reads_everything_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "in/a.txt", "联系人手机13912345678\n");
    save(root, "first.json", &["in"]);
    let output = prepub(root)
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "--format",
            "json",
        ])
        .args(["--show-match", "--since", "first.json", "in"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nothing reused: it was made with other options"),
        "{stderr}"
    );
    let second: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(document(&second, "in/a.txt").get("reused_from").is_none());
    assert_eq!(second["options"]["since"]["reused"], 0);
    assert!(
        second["options"]["since"]["not_reused"]
            .as_str()
            .unwrap()
            .contains("other options")
    );
}

/// The lines of a JSONL review, parsed.
fn jsonl_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[test]
fn jsonl_streams_one_line_per_document_between_a_header_and_an_end() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    archive(root, "in", 6);
    let output = prepub(root)
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "--format",
            "jsonl",
            "in",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = jsonl_lines(&output.stdout);
    assert_eq!(lines.first().unwrap()["type"], "header");
    let end = lines.last().unwrap();
    assert_eq!(end["type"], "end");
    assert_eq!(end["review"]["summary"]["documents"], 6);
    let documents: Vec<&Value> = lines.iter().filter(|l| l["type"] == "document").collect();
    let files: Vec<&Value> = lines.iter().filter(|l| l["type"] == "file").collect();
    assert_eq!((documents.len(), files.len()), (6, 6), "{lines:?}");
    // Read back, it is the JSON review of the same scan.
    std::fs::write(root.join("r.jsonl"), &output.stdout).unwrap();
    let whole = scan(root, &["in"]);
    let merged = prepub(root).args(["merge", "r.jsonl"]).output().unwrap();
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged: Value = serde_json::from_slice(&merged.stdout).unwrap();
    assert_eq!(merged["documents"], whole["documents"]);
    assert_eq!(merged["summary"], whole["summary"]);
}

#[test]
fn a_killed_jsonl_scan_resumes_without_reading_what_it_finished() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    archive(root, "in", 5);
    let full = prepub(root)
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "-o",
            "full.jsonl",
            "in",
        ])
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(0));
    let bytes = std::fs::read(root.join("full.jsonl")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // The job killed after two inputs, half-way through the third's line.
    let lines: Vec<&str> = text.lines().collect();
    let mut killed = lines[..5].join("\n");
    killed.push('\n');
    killed.push_str(&lines[5][..lines[5].len() / 2]);
    std::fs::write(root.join("run.jsonl"), &killed).unwrap();
    let done: Vec<String> = jsonl_lines(lines[..5].join("\n").as_bytes())
        .iter()
        .filter(|l| l["type"] == "file")
        .map(|l| l["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(done.len(), 2);
    // Unfinished, it is not taken for a whole review.
    let refused = prepub(root).args(["merge", "run.jsonl"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unfinished"));
    // Reading a finished input again would fail it (the debug build's
    // PREPUB_TEST_PANIC hook); resumed, it is not read.
    let name = done[0].rsplit('/').next().unwrap().to_owned();
    let resumed = prepub(root)
        .env("PREPUB_TEST_PANIC", &name)
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "--resume",
            "run.jsonl",
            "in",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert_eq!(resumed.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("2 inputs already done"), "{stderr}");
    let after = jsonl_lines(&std::fs::read(root.join("run.jsonl")).unwrap());
    assert_eq!(after.iter().filter(|l| l["type"] == "file").count(), 5);
    assert_eq!(after.iter().filter(|l| l["type"] == "header").count(), 1);
    let merged = prepub(root).args(["merge", "run.jsonl"]).output().unwrap();
    let merged: Value = serde_json::from_slice(&merged.stdout).unwrap();
    let whole = scan(root, &["in"]);
    assert_eq!(
        merged["documents"], whole["documents"],
        "nothing lost, nothing failed"
    );

    // Resuming with other options is refused: the lines would mix two scans.
    let other = prepub(root)
        .args([
            "scan",
            "--no-progress",
            "--show-match",
            "--resume",
            "run.jsonl",
            "in",
        ])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("cannot resume a different scan"));
}

/// The findings of one document as (rule, line, column).
fn located(document: &Value) -> Vec<(String, u64, u64)> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A text file too large to match whole (over 16 MiB) is matched window by
/// window: its findings, their lines and columns, and its verdict are what
/// the same lines give in a small file, in UTF-8 (read without a copy) and
/// in GB18030 (decoded) alike.
#[test]
fn a_text_file_too_large_to_match_whole_is_reviewed_as_a_small_one() {
    let dir = tempfile::tempdir().unwrap();
    let filler = "根据工作安排，现将有关事项通知如下，请结合实际认真贯彻执行。\n";
    let lines = 200_000;
    let mut text = String::from("机密★5年\n");
    for line in 2..=lines {
        match line {
            100_001 => text.push_str("联系电话：13912345678\n"),
            150_000 => text.push_str("  \n"),
            _ => text.push_str(filler),
        }
    }
    text.push_str("公民身份号码：11010519491231002X");
    assert!(text.len() > 17 << 20, "{} bytes", text.len());
    std::fs::write(dir.path().join("large.txt"), &text).unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(dir.path().join("large-gb.txt"), &gb).unwrap();
    let small = "机密★5年\n联系电话：13912345678\n公民身份号码：11010519491231002X";
    std::fs::write(dir.path().join("small.txt"), small).unwrap();

    let review = scan(dir.path(), &["large.txt", "large-gb.txt", "small.txt"]);
    let small = document(&review, "small.txt");
    let expected: Vec<(String, u64, u64)> = located(small)
        .into_iter()
        .map(|(rule, line, column)| {
            let line = match line {
                1 => 1,
                2 => 100_001,
                _ => lines + 1,
            };
            (rule, line, column)
        })
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    for name in ["large.txt", "large-gb.txt"] {
        let large = document(&review, name);
        assert_eq!(located(large), expected, "{name}");
        assert_eq!(large["verdict"], small["verdict"], "{name}");
        assert_eq!(large["extraction"]["status"], "complete", "{name}");
    }
}
