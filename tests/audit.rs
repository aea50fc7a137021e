//! The audit features through the binary: decisions, `verify`, `--shard` and
//! `merge`, and `review` without a terminal. Every test writes its own small
//! text documents into a temporary directory and runs prepub there, so the
//! review's paths are relative (`docs/a.txt`) as a user would see them.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("the prepub binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    command.env_remove("PREPUB_REVIEWER");
    command
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

const NOTICE: &str = "关于做好防汛工作的通知\n机密★1年\n各市人民政府：\n联系人手机13912345678\n请按要求做好防汛准备。\n";

/// A temporary batch: docs/notice.txt (a marking and a mobile number),
/// docs/clean.txt (nothing) and docs/other.txt (a disclosure status).
fn batch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/notice.txt", NOTICE);
    write(
        dir.path(),
        "docs/clean.txt",
        "关于开展全民健身活动的通知\n各区县：\n",
    );
    write(dir.path(), "docs/other.txt", "会议纪要\n此件不予公开\n");
    dir
}

/// Runs `scan … --format json` and returns the review and the exit code.
fn scan_json(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let output = prepub(dir)
        .args(["scan", "docs", "--format", "json", "--no-progress"])
        .args(extra)
        .output()
        .unwrap();
    let review: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (review, output.status.code().unwrap_or(-1))
}

fn document<'a>(review: &'a Value, path: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the review"))
}

fn finding<'a>(document: &'a Value, rule: &str) -> &'a Value {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {document}"))
}

/// A decisions file entry for a finding of a scanned review.
fn entry(review: &Value, path: &str, rule: &str, decision: &str, extra: &str) -> String {
    let document = document(review, path);
    let finding = finding(document, rule);
    // A keep of a block-level finding needs a second person.
    let reason = if decision == "keep" {
        "  reason: 已解密，见解密通知\n  approver: 李四\n"
    } else {
        ""
    };
    format!(
        "- id: '{}'\n  path: {path}\n  sha256: {}\n  rule: {rule}\n  text: '{}'\n  decision: {decision}\n{reason}  reviewer: 张三\n  date: 2026-11-20\n{extra}",
        finding["id"].as_str().unwrap(),
        document["sha256"].as_str().unwrap(),
        finding["text"].as_str().unwrap(),
    )
}

fn decisions_file(dir: &Path, entries: &[String]) {
    write(
        dir,
        "decisions.yaml",
        &format!(
            "schema: prepub.decisions/1\ndecisions:\n{}",
            entries.concat()
        ),
    );
}

#[test]
fn keep_waives_remove_stays_open_and_the_json_round_trips_the_decisions() {
    let dir = batch();
    let (before, code) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    decisions_file(
        dir.path(),
        &[
            entry(
                &before,
                "docs/notice.txt",
                "marking.cn.level-star",
                "keep",
                "",
            ),
            entry(
                &before,
                "docs/notice.txt",
                "personal.cn.mobile",
                "remove",
                "",
            ),
        ],
    );
    let (after, code) = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    let notice = document(&after, "docs/notice.txt");
    let marking = finding(notice, "marking.cn.level-star");
    assert_eq!(marking["waived"]["by"], "张三");
    assert_eq!(marking["waived"]["date"], "2026-11-20");
    assert_eq!(marking["waived"]["reason"], "已解密，见解密通知");
    assert_eq!(marking["decision"]["decision"], "keep");
    let mobile = finding(notice, "personal.cn.mobile");
    assert!(mobile.get("waived").is_none());
    assert_eq!(mobile["decision"]["decision"], "remove");
    // The marking no longer blocks; the mobile number still needs review.
    assert_eq!(notice["verdict"], "review");
    assert_eq!(after["summary"]["waived"], 1);
    assert_eq!(
        after["summary"]["findings"].as_u64().unwrap() + 1,
        before["summary"]["findings"].as_u64().unwrap()
    );
    assert_eq!(after["decisions"]["file"], "decisions.yaml");
    assert!(
        after["decisions"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    // other.txt still blocks, so the exit code is still 1; waiving it too
    // and failing only on block gives 0.
    assert_eq!(code, 1);
    decisions_file(
        dir.path(),
        &[
            entry(
                &before,
                "docs/notice.txt",
                "marking.cn.level-star",
                "keep",
                "",
            ),
            entry(
                &before,
                "docs/other.txt",
                "disclosure.cn.not-public",
                "keep",
                "",
            ),
        ],
    );
    prepub(dir.path())
        .args([
            "scan",
            "docs",
            "--decisions",
            "decisions.yaml",
            "--fail-on",
            "block",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("waived by 张三 on 2026-11-20"));
}

#[test]
fn waiver_survives_an_edit_elsewhere_and_reopens_on_an_edit_of_the_match() {
    let dir = batch();
    let (before, _) = scan_json(dir.path(), &[]);
    decisions_file(
        dir.path(),
        &[entry(
            &before,
            "docs/notice.txt",
            "marking.cn.level-star",
            "keep",
            "",
        )],
    );
    // Lines added above and below: the marking moves, its id does not.
    write(
        dir.path(),
        "docs/notice.txt",
        &format!("（2026年11月修订）\n\n{NOTICE}附件：防汛物资清单\n"),
    );
    let (edited, _) = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    let marking = finding(
        document(&edited, "docs/notice.txt"),
        "marking.cn.level-star",
    );
    assert_eq!(marking["location"]["line"], 4);
    assert_eq!(marking["waived"]["by"], "张三");
    assert_eq!(edited["summary"].get("stale_decisions"), None);

    // The matched text itself changed: the finding is open again and the
    // old decision is stale.
    write(
        dir.path(),
        "docs/notice.txt",
        &NOTICE.replace("机密★1年", "机密★2年"),
    );
    let (changed, code) = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    let notice = document(&changed, "docs/notice.txt");
    let marking = finding(notice, "marking.cn.level-star");
    assert!(marking.get("waived").is_none());
    assert_eq!(notice["verdict"], "block");
    assert_eq!(notice["stale_decisions"].as_array().unwrap().len(), 1);
    assert_eq!(code, 1);

    // Its immediate context changed: open again as well.
    write(
        dir.path(),
        "docs/notice.txt",
        &NOTICE.replace("机密★1年", "机密★1年（本件已于2026年解密）"),
    );
    let (context, _) = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    let marking = finding(
        document(&context, "docs/notice.txt"),
        "marking.cn.level-star",
    );
    assert!(marking.get("waived").is_none());
}

#[test]
fn stale_and_expired_decisions() {
    let dir = batch();
    let (before, _) = scan_json(dir.path(), &[]);
    decisions_file(
        dir.path(),
        &[
            entry(
                &before,
                "docs/notice.txt",
                "marking.cn.level-star",
                "keep",
                "  expires: 2000-01-31\n",
            ),
            entry(
                &before,
                "docs/other.txt",
                "disclosure.cn.not-public",
                "keep",
                "",
            ),
        ],
    );
    let (review, _) = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    let marking = finding(
        document(&review, "docs/notice.txt"),
        "marking.cn.level-star",
    );
    assert!(
        marking.get("waived").is_none(),
        "an expired keep no longer waives"
    );
    assert_eq!(marking["decision"]["expired"], true);
    assert_eq!(document(&review, "docs/notice.txt")["verdict"], "block");
    // As of a day before it expired, it still waives.
    let (earlier, _) = scan_json(
        dir.path(),
        &["--decisions", "decisions.yaml", "--as-of", "2000-01-31"],
    );
    let marking = finding(
        document(&earlier, "docs/notice.txt"),
        "marking.cn.level-star",
    );
    assert_eq!(marking["waived"]["expires"], "2000-01-31");

    // The waived text is taken out: the keep is stale.
    write(dir.path(), "docs/other.txt", "会议纪要\n");
    let (review, code) = scan_json(
        dir.path(),
        &["--decisions", "decisions.yaml", "--fail-on", "never"],
    );
    assert_eq!(code, 0);
    let other = document(&review, "docs/other.txt");
    assert_eq!(
        other["stale_decisions"][0]["rule"],
        "disclosure.cn.not-public"
    );
    assert_eq!(review["summary"]["stale_decisions"], 1);
    prepub(dir.path())
        .args([
            "scan",
            "docs",
            "--decisions",
            "decisions.yaml",
            "--fail-on",
            "never",
            "--fail-on-stale",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("stale decision"));
}

#[test]
fn remove_is_resolved_when_the_text_is_gone() {
    let dir = batch();
    let (before, _) = scan_json(dir.path(), &[]);
    decisions_file(
        dir.path(),
        &[entry(
            &before,
            "docs/notice.txt",
            "personal.cn.mobile",
            "remove",
            "",
        )],
    );
    write(
        dir.path(),
        "docs/notice.txt",
        &NOTICE.replace("联系人手机13912345678\n", ""),
    );
    let (review, _) = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    let notice = document(&review, "docs/notice.txt");
    assert_eq!(notice["resolved"][0]["rule"], "personal.cn.mobile");
    assert_eq!(notice["resolved"][0]["text"], "139****5678");
    assert_eq!(review["summary"]["resolved"], 1);
}

#[test]
fn the_default_decisions_file_applies_and_a_broken_one_stops_the_scan() {
    let dir = batch();
    let (before, _) = scan_json(dir.path(), &[]);
    let entries = [entry(
        &before,
        "docs/other.txt",
        "disclosure.cn.not-public",
        "keep",
        "",
    )];
    write(
        dir.path(),
        "prepub-decisions.yaml",
        &format!(
            "schema: prepub.decisions/1\ndecisions:\n{}",
            entries.concat()
        ),
    );
    let (review, _) = scan_json(dir.path(), &[]);
    assert_eq!(review["decisions"]["file"], "prepub-decisions.yaml");
    assert_eq!(review["summary"]["waived"], 1);
    let (ignored, _) = scan_json(dir.path(), &["--no-decisions"]);
    assert!(ignored.get("decisions").is_none());

    write(
        dir.path(),
        "prepub-decisions.yaml",
        "schema: prepub.decisions/1\ndecisions:\n- id: x\n  path: docs/other.txt\n  sha256: s\n  rule: r\n  text: t\n  decision: keep\n  reviewer: 张三\n  date: 2026-11-20\n",
    );
    prepub(dir.path())
        .args(["scan", "docs"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a `keep` decision needs a `reason`",
        ));
    prepub(dir.path())
        .args(["scan", "docs", "--decisions", "missing.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.yaml"));
}

#[test]
fn the_review_embeds_what_a_rerun_needs() {
    let dir = batch();
    // By default a review names its packs (name, version, digest) only.
    let (named, _) = scan_json(dir.path(), &[]);
    for pack in named["rules"]["packs"].as_array().unwrap() {
        assert!(pack.get("source").is_none(), "{pack}");
        assert_eq!(pack["sha256"].as_str().unwrap().len(), 64);
    }
    let (review, _) = scan_json(dir.path(), &["--show-match", "--embed-rules"]);
    let packs = review["rules"]["packs"].as_array().unwrap();
    assert!(!packs.is_empty());
    for pack in packs {
        let source = pack["source"].as_str().expect("embedded pack text");
        assert!(source.contains("rules:"), "{source}");
        assert!(pack["origin"].as_str().unwrap().starts_with("builtin:"));
    }
    assert_eq!(review["options"]["show_match"], true);
    assert_eq!(review["options"]["limits"]["timeout_seconds"], 120);
    for document in review["documents"].as_array().unwrap() {
        assert_eq!(document["sha256"].as_str().unwrap().len(), 64);
    }
}

fn save_review(dir: &Path, name: &str, extra: &[&str]) {
    prepub(dir)
        .args([
            "scan",
            "docs",
            "--no-progress",
            "--fail-on",
            "never",
            "-o",
            name,
        ])
        .args(extra)
        .assert()
        .code(0);
}

#[test]
fn verify_reproduces_an_untouched_batch() {
    let dir = batch();
    save_review(dir.path(), "review.json", &[]);
    prepub(dir.path())
        .args(["verify", "review.json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "reproduced: 3 documents, 3 findings identical",
        ));
    // From elsewhere, with --root.
    let elsewhere = tempfile::tempdir().unwrap();
    prepub(elsewhere.path())
        .arg("verify")
        .arg(dir.path().join("review.json"))
        .arg("--root")
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn verify_names_a_modified_and_a_missing_file() {
    let dir = batch();
    save_review(dir.path(), "review.json", &[]);
    write(
        dir.path(),
        "docs/notice.txt",
        &NOTICE.replace("机密★1年\n", ""),
    );
    std::fs::remove_file(dir.path().join("docs/other.txt")).unwrap();
    let output = prepub(dir.path())
        .args(["verify", "review.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("docs/notice.txt: changed since the review: sha256"),
        "{text}"
    );
    assert!(
        text.contains("docs/notice.txt: verdict block → review"),
        "{text}"
    );
    assert!(
        text.contains("no longer found: marking.cn.level-star block “机密★1年” (body line 2)"),
        "{text}"
    );
    assert!(
        text.contains("docs/other.txt: missing: no such file"),
        "{text}"
    );
    assert!(!text.contains("docs/clean.txt"), "{text}");
    assert!(
        text.contains("not reproduced: 2 of 3 documents differ"),
        "{text}"
    );
}

#[test]
fn verify_with_changed_rules_lists_the_differences() {
    let dir = batch();
    save_review(dir.path(), "review.json", &[]);
    // A new pack: the built-in ones with one extra rule.
    write(
        dir.path(),
        "new-rules/extra.yaml",
        "name: extra\nversion: '1'\ndescription: test\nrules:\n  - id: term.test.flood\n    severity: review\n    message: 防汛\n    terms: [防汛准备]\n    examples:\n      match: [做好防汛准备]\n      no_match: [防火]\n",
    );
    // The review names its packs: without --compare the packs given must
    // be exactly those.
    prepub(dir.path())
        .args([
            "verify",
            "review.json",
            "--rules",
            "new-rules",
            "--with-builtin",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("add --compare"));
    let output = prepub(dir.path())
        .args([
            "verify",
            "review.json",
            "--rules",
            "new-rules",
            "--with-builtin",
            "--compare",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("note: comparing with new rules sha256:"),
        "{text}"
    );
    assert!(
        text.contains("docs/notice.txt: finding ")
            && text.contains("new finding: term.test.flood review “防汛准备”"),
        "{text}"
    );
    assert!(!text.contains("changed since the review"), "{text}");

    // Only the new pack: every built-in finding is gone.
    let output = prepub(dir.path())
        .args(["verify", "review.json", "--rules", "new-rules", "--compare"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("no longer found: disclosure.cn.not-public"),
        "{text}"
    );
    assert!(
        text.contains("docs/other.txt: verdict block → pass"),
        "{text}"
    );
}

#[test]
fn verify_reruns_a_terms_file_pack_from_the_review_alone() {
    let dir = batch();
    write(
        dir.path(),
        "pack/org.yaml",
        "name: org\nversion: '1'\ndescription: test\nrules:\n  - id: term.org.lexicon\n    severity: block\n    message: 项目代号\n    terms_file: terms.txt\n",
    );
    write(dir.path(), "pack/terms.txt", "# 代号\n防汛工作\n");
    save_review(
        dir.path(),
        "review.json",
        &["--rules", "pack", "--embed-rules"],
    );
    let review: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("review.json")).unwrap()).unwrap();
    assert_eq!(
        review["rules"]["packs"][0]["terms_files"]["terms.txt"],
        "# 代号\n防汛工作\n"
    );
    std::fs::remove_dir_all(dir.path().join("pack")).unwrap();
    prepub(dir.path())
        .args(["verify", "review.json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "reproduced: 3 documents, 1 finding identical",
        ));
}

#[test]
fn verify_reapplies_the_recorded_decisions() {
    let dir = batch();
    let (before, _) = scan_json(dir.path(), &[]);
    decisions_file(
        dir.path(),
        &[entry(
            &before,
            "docs/notice.txt",
            "marking.cn.level-star",
            "keep",
            "  expires: 2000-06-30\n",
        )],
    );
    save_review(
        dir.path(),
        "review.json",
        &["--decisions", "decisions.yaml", "--as-of", "2000-06-01"],
    );
    let review: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("review.json")).unwrap()).unwrap();
    assert_eq!(review["summary"]["waived"], 1);
    assert_eq!(review["decisions"]["as_of"], "2000-06-01");
    // The decisions file is not needed any more, and the expiry is judged
    // as of the recorded day, not today.
    std::fs::remove_file(dir.path().join("decisions.yaml")).unwrap();
    prepub(dir.path())
        .args(["verify", "review.json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "reproduced: 3 documents, 3 findings identical",
        ));
}

#[test]
fn verify_refuses_a_review_without_embedded_packs_and_notes_another_version() {
    let dir = batch();
    save_review(dir.path(), "review.json", &["--embed-rules"]);
    let path = dir.path().join("review.json");
    let mut review: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    review["tool"]["version"] = "0.0.1".into();
    std::fs::write(&path, serde_json::to_vec(&review).unwrap()).unwrap();
    prepub(dir.path())
        .args(["verify", "review.json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("made by prepub 0.0.1"));
    for pack in review["rules"]["packs"].as_array_mut().unwrap() {
        pack.as_object_mut().unwrap().remove("source");
    }
    std::fs::write(&path, serde_json::to_vec(&review).unwrap()).unwrap();
    prepub(dir.path())
        .args(["verify", "review.json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "rerun with this prepub's built-in packs, checked against the recorded digests",
        ));
    // A pack this prepub does not ship, named but not embedded: it must be
    // given again.
    for pack in review["rules"]["packs"].as_array_mut().unwrap() {
        pack["sha256"] = "0".repeat(64).into();
    }
    std::fs::write(&path, serde_json::to_vec(&review).unwrap()).unwrap();
    prepub(dir.path())
        .args(["verify", "review.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "not the pack the review used; give the packs the review used with --rules PATH",
        ));
}

/// Everything but the start time.
fn without_timestamps(mut review: Value) -> Value {
    review.as_object_mut().unwrap().remove("started_at");
    review
}

#[test]
fn three_shards_merged_equal_the_unsharded_review() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..15 {
        let text = match n % 3 {
            0 => format!("第{n}号通知\n机密★1年\n"),
            1 => format!("第{n}号名单\n联系电话13912345678\n"),
            _ => format!("第{n}号简报\n内容略。\n"),
        };
        write(
            dir.path(),
            &format!("docs/sub{}/doc{n:02}.txt", n % 2),
            &text,
        );
    }
    let (whole, _) = scan_json(dir.path(), &[]);
    let mut names = Vec::new();
    let mut sizes = Vec::new();
    for shard in 1..=3 {
        let name = format!("shard{shard}.json");
        save_review(dir.path(), &name, &["--shard", &format!("{shard}/3")]);
        let part: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(&name)).unwrap()).unwrap();
        assert_eq!(part["options"]["shard"]["indexes"][0], shard);
        sizes.push(part["documents"].as_array().unwrap().len());
        names.push(name);
    }
    assert_eq!(sizes.iter().sum::<usize>(), 15);
    assert!(sizes.iter().all(|&size| size > 0), "{sizes:?}");
    prepub(dir.path())
        .args(["merge", "-o", "merged.json"])
        .args(&names)
        .assert()
        .code(0);
    let merged: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("merged.json")).unwrap()).unwrap();
    assert_eq!(without_timestamps(merged), without_timestamps(whole));
    // The merged review verifies like any other.
    prepub(dir.path())
        .args(["verify", "merged.json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("reproduced: 15 documents"));
    // Two of three shards are not the batch: refused, naming the missing.
    prepub(dir.path())
        .args(["merge", &names[0], &names[2]])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "incomplete: shard 2 of 3 is missing (given: 1, 3)",
        ));
    // A partial merge, asked for, records which shards it holds.
    let output = prepub(dir.path())
        .args(["merge", "--partial", &names[0], &names[2]])
        .output()
        .unwrap();
    let partial: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        partial["options"]["shard"]["indexes"],
        serde_json::json!([1, 3])
    );
}

#[test]
fn shards_from_a_files_from_list_cover_every_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut list = String::new();
    for n in 0..20 {
        let name = format!("docs/d{n}.txt");
        write(dir.path(), &name, "秘密★\n");
        list.push_str(&name);
        list.push('\n');
    }
    // Duplicates and blank lines in the list are harmless.
    list.push_str("\ndocs/d3.txt\n");
    write(dir.path(), "list.txt", &list);
    let mut seen = Vec::new();
    for shard in 1..=4 {
        let output = prepub(dir.path())
            .args([
                "scan",
                "--files-from",
                "list.txt",
                "--format",
                "json",
                "--fail-on",
                "never",
            ])
            .args(["--shard", &format!("{shard}/4")])
            .output()
            .unwrap();
        let review: Value = serde_json::from_slice(&output.stdout).unwrap();
        for document in review["documents"].as_array().unwrap() {
            seen.push(document["path"].as_str().unwrap().to_owned());
        }
    }
    seen.sort();
    let mut expected: Vec<String> = (0..20).map(|n| format!("docs/d{n}.txt")).collect();
    expected.sort();
    assert_eq!(seen, expected);
}

#[test]
fn merge_refuses_overlaps_and_other_rules() {
    let dir = batch();
    save_review(dir.path(), "a.json", &[]);
    save_review(dir.path(), "b.json", &[]);
    prepub(dir.path())
        .args(["merge", "a.json", "b.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "docs/clean.txt is in both a.json and b.json",
        ));
    // The merged review is never written over one of the reviews it reads.
    let before = std::fs::read(dir.path().join("a.json")).unwrap();
    prepub(dir.path())
        .args(["merge", "a.json", "b.json", "-o", "a.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "-o a.json would replace the input a.json",
        ));
    assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), before);
    write(
        dir.path(),
        "pack/p.yaml",
        "name: p\nversion: '1'\ndescription: test\nrules:\n  - id: term.p.x\n    severity: review\n    message: x\n    terms: [防汛]\n    examples:\n      match: [防汛]\n      no_match: [防火]\n",
    );
    save_review(dir.path(), "c.json", &["--rules", "pack", "--shard", "1/2"]);
    save_review(dir.path(), "d.json", &["--shard", "2/2"]);
    prepub(dir.path())
        .args(["merge", "c.json", "d.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a batch must be reviewed with one rule set",
        ));
    save_review(dir.path(), "e.json", &["--shard", "1/2", "--show-match"]);
    prepub(dir.path())
        .args(["merge", "e.json", "d.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("different options"));
}

#[test]
fn bad_shard_specs_are_usage_errors() {
    let dir = batch();
    for bad in ["0/3", "4/3", "x"] {
        prepub(dir.path())
            .args(["scan", "docs", "--shard", bad])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("K/N"));
    }
}

#[test]
fn review_without_a_terminal_points_to_the_decisions_file() {
    let dir = batch();
    prepub(dir.path())
        .args(["review", "docs"])
        .write_stdin("k\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs a terminal"))
        .stderr(predicates::str::contains("schema: prepub.decisions/1"));
    assert!(!dir.path().join("prepub-decisions.yaml").exists());
}

#[test]
fn merge_checks_the_decisions_applied() {
    let dir = batch();
    let (before, _) = scan_json(dir.path(), &[]);
    let keep = entry(
        &before,
        "docs/other.txt",
        "disclosure.cn.not-public",
        "keep",
        "",
    );
    decisions_file(dir.path(), std::slice::from_ref(&keep));
    let shard = |name: &str, k: &str, day: &str| {
        save_review(
            dir.path(),
            name,
            &[
                "--shard",
                k,
                "--decisions",
                "decisions.yaml",
                "--as-of",
                day,
            ],
        )
    };
    // Without expiry dates, the as-of day does not matter.
    shard("a.json", "1/2", "2026-11-28");
    shard("b.json", "2/2", "2026-11-29");
    prepub(dir.path())
        .args(["merge", "a.json", "b.json"])
        .assert()
        .code(0);
    // With one, it does.
    let expiring = entry(
        &before,
        "docs/other.txt",
        "disclosure.cn.not-public",
        "keep",
        "  expires: 2026-11-28\n",
    );
    decisions_file(dir.path(), &[expiring]);
    shard("c.json", "1/2", "2026-11-28");
    shard("d.json", "2/2", "2026-11-29");
    prepub(dir.path())
        .args(["merge", "c.json", "d.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("applied different decisions"));
    // Nor may a shard without decisions join one with them.
    save_review(dir.path(), "e.json", &["--shard", "2/2", "--no-decisions"]);
    prepub(dir.path())
        .args(["merge", "a.json", "e.json"])
        .assert()
        .code(2);
}

/// `prepub review` on a real terminal: `script` (util-linux) gives it a
/// pseudo-terminal, and the keys are typed into it as a clerk would.
/// Returns the screen, or `None` (with a message) where `script` is absent.
fn review_on_a_terminal(
    dir: &Path,
    args: &str,
    keys: &[&str],
    env: &[(&str, &str)],
) -> Option<String> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed, so no terminal can be made");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("prepub");
    let mut command = std::process::Command::new("script");
    command
        .args([
            "-qec",
            &format!("{} review {args}", bin.display()),
            "/dev/null",
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PREPUB_REVIEWER")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    let typist = std::thread::spawn(move || {
        use std::io::Write;
        // The scan comes first; then one key at a time, as typed.
        std::thread::sleep(std::time::Duration::from_secs(3));
        for key in keys {
            let _ = stdin.write_all(key.as_bytes());
            let _ = stdin.flush();
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
    });
    let output = child.wait_with_output().unwrap();
    typist.join().unwrap();
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn review_takes_single_keys_confirms_each_answer_and_asks_for_an_end_date() {
    let dir = batch();
    let Some(screen) = review_on_a_terminal(
        dir.path(),
        "--reviewer 张三 --decisions d.yaml docs/notice.txt",
        // remove the marking; keep the mobile, with a reason and an end.
        &["r", "k", "本人同意公开\r", "2027-01-31\r", "q"],
        &[("LANG", "zh_CN.UTF-8")],
    ) else {
        return;
    };
    for shown in [
        "[r]删除",
        "> r",
        "✓ 已记录：删除（已决定 1/",
        "保留至（YYYY-MM-DD",
        "✓ 已记录：保留 — 本人同意公开，有效至 2027-01-31",
        "决定已保存在 d.yaml",
    ] {
        assert!(
            screen.contains(shown),
            "`{shown}` not on the screen:\n{screen}"
        );
    }
    let saved = std::fs::read_to_string(dir.path().join("d.yaml")).unwrap();
    assert!(
        saved.contains("reviewer: 张三\n"),
        "the reviewer is remembered: {saved}"
    );
    assert!(saved.contains("expires: \"2027-01-31\""), "{saved}");
    assert!(
        saved.contains("decision: remove") && saved.contains("decision: keep"),
        "{saved}"
    );
}

#[test]
fn review_remembers_the_reviewer_and_skips_info_findings_unless_asked() {
    let dir = batch();
    // An office telephone number (info) before a marking (block).
    write(
        dir.path(),
        "docs/info.txt",
        "办公电话：010-65123456\n机密★1年\n",
    );
    let decisions = "schema: prepub.decisions/1\nreviewer: 李四\ndecisions: []\n";
    write(dir.path(), "d.yaml", decisions);
    let Some(screen) = review_on_a_terminal(
        dir.path(),
        "--decisions d.yaml docs/info.txt",
        &["r", "q"],
        &[("LANG", "C.UTF-8"), ("USER", "root")],
    ) else {
        return;
    };
    assert!(!screen.contains("your name"), "not asked again: {screen}");
    let saved = std::fs::read_to_string(dir.path().join("d.yaml")).unwrap();
    assert!(
        saved.contains("  reviewer: 李四"),
        "decided under the remembered name: {saved}"
    );
    assert!(
        screen.contains("1 info finding(s) not asked about"),
        "{screen}"
    );
    assert!(
        screen.contains("finding 1 of 1"),
        "only the marking is asked: {screen}"
    );
    assert!(saved.contains("rule: marking.cn.level-star"), "{saved}");
    assert!(!saved.contains("landline"), "{saved}");
}
