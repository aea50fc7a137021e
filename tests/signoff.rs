//! The sign-off form and the reports around it (issue 18): no report
//! publishes a watch-list, a blocking finding is waived only by two people
//! and a waiver never reads as a bare pass, and the form carries the fields
//! of a 信息公开保密审查单, filled from the document where it can be read.

use assert_cmd::Command;
use serde_json::Value;
use std::io::Read;
use std::path::Path;

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("the prepub binary");
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PREPUB_REVIEWER");
    command
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// The text of a written report; for `.docx`, every XML part of it.
fn report_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "docx") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            if entry.name().unwrap().ends_with(".xml") {
                entry.read_to_string(&mut text).unwrap();
            }
        }
        text
    } else {
        String::from_utf8(bytes).unwrap()
    }
}

const REPORTS: [&str; 8] = [
    "review.json",
    "review.txt",
    "signoff.html",
    "signoff.md",
    "review.csv",
    "review.sarif",
    "review.xml",
    "signoff.docx",
];

/// A 公文 laid out as GB/T 9704 lays it out, with a marking in it.
const NOTICE: &str = "X市人民政府文件\n\
    X政发〔2024〕12号\n\
    关于做好2024年防汛工作的通知\n\
    机密★1年\n\
    各区县人民政府，市政府各部门：\n\
    请按要求做好防汛准备。\n\
    X市人民政府\n\
    2024年3月5日\n\
    X市人民政府办公室 2024年3月6日印发\n";

// --- no report publishes a watch-list ------------------------------------

/// A watch-list term that no document holds: nothing but the pack itself
/// may ever carry it.
const UNSEEN: &str = "青松甲号工程";

#[test]
fn no_report_carries_a_watch_list_unless_asked_to_embed_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/notice.txt", NOTICE);
    write(
        dir.path(),
        "pack/watch.yaml",
        "name: watch\nversion: '1'\ndescription: test\nrules:\n  - id: term.watch.list\n    severity: review\n    message: 关注词\n    terms_file: watch.txt\n",
    );
    write(
        dir.path(),
        "pack/watch.txt",
        &format!("# 关注词\n防汛准备\n{UNSEEN}\n"),
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let mut command = prepub(dir.path());
    command.args([
        "scan",
        "docs",
        "--no-progress",
        "--fail-on",
        "never",
        "--rules",
        "pack",
        "--with-builtin",
    ]);
    for report in REPORTS {
        command.arg("-o").arg(format!("out/{report}"));
    }
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    for report in REPORTS {
        let text = report_text(&dir.path().join("out").join(report));
        assert!(!text.contains(UNSEEN), "{report} carries the watch-list");
        assert!(
            !text.contains("terms_file: watch.txt"),
            "{report} carries the pack"
        );
    }
    let json: Value =
        serde_json::from_str(&report_text(&dir.path().join("out/review.json"))).unwrap();
    let watch = json["rules"]["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "watch")
        .expect("the pack is named");
    assert_eq!(watch["version"], "1");
    assert_eq!(watch["sha256"].as_str().unwrap().len(), 64);
    // The term the document holds is a finding like any other.
    assert!(json.to_string().contains("term.watch.list"));

    // --embed-rules: the JSON review is a self-contained audit record; the
    // SARIF written beside it still carries names and digests only.
    prepub(dir.path())
        .args([
            "scan",
            "docs",
            "--no-progress",
            "--fail-on",
            "never",
            "--rules",
            "pack",
            "--with-builtin",
            "--embed-rules",
            "-o",
            "embedded.json",
            "-o",
            "embedded.sarif",
        ])
        .assert()
        .code(0);
    assert!(report_text(&dir.path().join("embedded.json")).contains(UNSEEN));
    assert!(!report_text(&dir.path().join("embedded.sarif")).contains(UNSEEN));
    // The embedded review verifies with nothing else; the named one needs
    // the pack again, and refuses another pack under its name.
    std::fs::rename(dir.path().join("pack"), dir.path().join("kept")).unwrap();
    prepub(dir.path())
        .args(["verify", "embedded.json"])
        .assert()
        .code(0);
    let output = prepub(dir.path())
        .args(["verify", "out/review.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("rule pack `watch` 1"),
        "{output:?}"
    );
    prepub(dir.path())
        .args([
            "verify",
            "out/review.json",
            "--rules",
            "kept",
            "--with-builtin",
        ])
        .assert()
        .code(0);
    write(dir.path(), "kept/watch.txt", "# 关注词\n防汛准备\n");
    let output = prepub(dir.path())
        .args([
            "verify",
            "out/review.json",
            "--rules",
            "kept",
            "--with-builtin",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("rule pack `watch`") && error.contains("not the pack the review used"),
        "{error}"
    );
}

// --- two people to waive a blocking finding ------------------------------

fn scan_json(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let output = prepub(dir)
        .args(["scan", "docs", "--format", "json", "--no-progress"])
        .args(extra)
        .output()
        .unwrap();
    let review = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (review, output.status.code().unwrap_or(-1))
}

/// A decisions file keeping the notice's marking, decided by 张三 (and
/// approved by `approver` when given).
fn keep_marking(dir: &Path, approver: Option<&str>) {
    let (review, _) = scan_json(dir, &["--no-decisions"]);
    let document = &review["documents"][0];
    let finding = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "marking.cn.level-star")
        .expect("the marking");
    let approver = approver
        .map(|name| format!("  approver: {name}\n"))
        .unwrap_or_default();
    write(
        dir,
        "prepub-decisions.yaml",
        &format!(
            "schema: prepub.decisions/1\ndecisions:\n- id: '{}'\n  path: docs/notice.txt\n  sha256: {}\n  rule: marking.cn.level-star\n  text: 机密★1年\n  decision: keep\n  reason: 测试\n  reviewer: 张三\n{approver}  date: 2026-11-20\n",
            finding["id"].as_str().unwrap(),
            document["sha256"].as_str().unwrap(),
        ),
    );
}

/// The notice with its marking only (no other finding to decide).
fn marked_batch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docs/notice.txt",
        "关于做好防汛工作的通知\n机密★1年\n请按要求做好防汛准备。\n",
    );
    dir
}

#[test]
fn one_person_cannot_waive_a_blocking_finding() {
    let dir = marked_batch();
    for (approver, flag) in [(None, None), (Some("张三"), None), (None, Some("张三"))] {
        keep_marking(dir.path(), approver);
        let extra: Vec<&str> = flag.map(|f| vec!["--approver", f]).unwrap_or_default();
        let (review, code) = scan_json(dir.path(), &extra);
        let document = &review["documents"][0];
        assert_eq!(code, 1, "{approver:?} {flag:?}");
        assert_eq!(document["verdict"], "block");
        assert!(document.get("waived").is_none(), "{document}");
        assert!(
            document["reasons"]
                .to_string()
                .contains("no approver distinct from the reviewer"),
            "{document}"
        );
        assert_eq!(document["findings"][0]["decision"]["unapproved"], true);
    }
}

#[test]
fn a_second_person_waives_and_the_verdict_says_so_everywhere() {
    let dir = marked_batch();
    for (approver, flag) in [(Some("李四"), None), (None, Some("李四"))] {
        keep_marking(dir.path(), approver);
        let extra: Vec<&str> = flag.map(|f| vec!["--approver", f]).unwrap_or_default();
        let (review, code) = scan_json(dir.path(), &extra);
        assert_eq!(code, 0, "{review}");
        let document = &review["documents"][0];
        assert_eq!(document["verdict"], "pass");
        assert_eq!(document["waived"], 1);
        assert_eq!(review["summary"]["waived"], 1);
        assert_eq!(
            document["findings"][0]["waived"]["approver"], "李四",
            "{document}"
        );
    }
    // Every format: never a bare pass.
    let mut command = prepub(dir.path());
    command.args([
        "scan",
        "docs",
        "--no-progress",
        "--approver",
        "李四",
        "-o",
        "review.json",
        "-o",
        "signoff.html",
        "-o",
        "signoff.md",
        "-o",
        "signoff.docx",
    ]);
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("PASS (1 waived) docs/notice.txt"), "{text}");
    for form in ["signoff.html", "signoff.md", "signoff.docx"] {
        let form_text = report_text(&dir.path().join(form));
        assert!(form_text.contains("可公开（1 项已豁免）"), "{form}");
        for expected in ["已豁免的发现", "张三", "李四", "测试", "批准人"] {
            assert!(form_text.contains(expected), "{form}: {expected}");
        }
    }
    prepub(dir.path())
        .args(["report", "review.json", "--lang", "en", "-o", "en.html"])
        .assert()
        .code(0);
    let english = report_text(&dir.path().join("en.html"));
    assert!(english.contains("publishable (1 waived)"));
    assert!(english.contains("Approved by"));
    // The approval is part of the record: verify re-applies it.
    std::fs::remove_file(dir.path().join("prepub-decisions.yaml")).unwrap();
    prepub(dir.path())
        .args(["verify", "review.json"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("reproduced: 1 document,"));
}

// --- the form's fields ---------------------------------------------------

#[test]
fn the_form_has_every_field_in_both_languages_and_reads_the_particulars() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/notice.txt", NOTICE);
    prepub(dir.path())
        .args([
            "scan",
            "docs",
            "--no-progress",
            "--fail-on",
            "never",
            "-o",
            "review.json",
        ])
        .assert()
        .code(0);
    let review: Value =
        serde_json::from_str(&report_text(&dir.path().join("review.json"))).unwrap();
    let particulars = &review["documents"][0]["particulars"];
    assert_eq!(particulars["number"], "X政发〔2024〕12号");
    assert_eq!(particulars["title"], "关于做好2024年防汛工作的通知");
    assert_eq!(particulars["date"], "2024年3月5日");
    let fields = [
        (
            "zh",
            vec![
                "编号",
                "文件标题",
                "文号",
                "成文日期",
                "索引号",
                "载体形式",
                "公开方式",
                "公开范围",
                "拟公开时间",
                "内容摘要",
                "同意公开",
                "不同意公开",
                "修改后公开",
                "需报上级保密工作机构审查",
                "承办人",
                "部门负责人",
                "保密审查负责人/分管领导签发",
                "发布记录",
                "第 1 份 · notice.txt",
                "须修改后方可公开",
            ],
        ),
        (
            "en",
            vec![
                "Form no.",
                "Title",
                "Reference no.",
                "Date of issue",
                "Index no.",
                "Kind of record",
                "Channel of publication",
                "Scope of publication",
                "Planned publication date",
                "Summary of content",
                "refer to the higher-level confidentiality authority",
                "Case officer",
                "Head of department",
                "Publication record",
                "Document 1 · notice.txt",
                "must be revised before publication",
            ],
        ),
    ];
    for (lang, labels) in fields {
        for form in ["html", "md", "docx"] {
            let file = format!("{lang}.{form}");
            prepub(dir.path())
                .args(["report", "review.json", "--lang", lang, "-o", &file])
                .assert()
                .code(0);
            let text = report_text(&dir.path().join(&file));
            for label in &labels {
                // The DOCX header says it in a header part, Markdown has no
                // pages: the running header is checked where it is printed.
                // (HTML has it as an escaped CSS string, checked below.)
                if label.contains(" · notice.txt") && form != "docx" {
                    continue;
                }
                assert!(text.contains(label), "{file}: {label}");
            }
            for value in [
                "X政发〔2024〕12号",
                "关于做好2024年防汛工作的通知",
                "2024年3月5日",
            ] {
                assert!(text.contains(value), "{file}: {value}");
            }
            assert!(!text.contains("不予公开·须修改"), "{file}");
            if form == "html" {
                assert!(
                    text.contains("@page doc-1 { @top-left { content: \""),
                    "{file}"
                );
            }
        }
    }
    // The DOCX: a section per document with its own header, and every
    // section has the page-number footer.
    let docx = report_text(&dir.path().join("zh.docx"));
    assert!(docx.contains("第 1 份 · notice.txt"));
    assert!(docx.contains("NUMPAGES"));
    assert_eq!(
        docx.matches("<w:sectPr>").count(),
        docx.matches("<w:footerReference ").count()
    );
    assert_eq!(docx.matches("<w:sectPr>").count(), 2, "cover and document");
}
