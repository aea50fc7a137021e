//! Issue 17, the misses and false alarms found on third-party documents:
//! ticked boxes, internal-use lines, markings in properties and file names,
//! one policy for people named in properties, Office's empty PDF updates.
//! Fixtures: fixtures/forms/make_forms.py, fixtures/pdf/make_office_update.py.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn scan(paths: &[&Path]) -> (Value, i32) {
    let output = Command::cargo_bin("prepub")
        .expect("binary built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", "--format", "json", "--no-progress"])
        .args(paths)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)));
    (json, output.status.code().expect("exit code"))
}

fn only(review: &Value) -> &Value {
    let documents = review["documents"].as_array().expect("documents");
    assert_eq!(documents.len(), 1, "{review:#}");
    &documents[0]
}

fn findings(document: &Value) -> Vec<(String, String, String)> {
    document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["severity"].as_str().unwrap_or_default().to_owned(),
                f["location"]["part"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn text_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

fn verdict_of(path: &Path) -> (String, Vec<(String, String, String)>) {
    let (review, _) = scan(&[path]);
    let document = only(&review);
    (
        document["verdict"].as_str().unwrap_or_default().to_owned(),
        findings(document),
    )
}

#[test]
fn a_ticked_box_blocks_and_an_unticked_form_passes() {
    for name in ["forms/ticked-box.docx", "forms/ticked-after.docx"] {
        let (verdict, found) = verdict_of(&fixture(name));
        assert_eq!(verdict, "block", "{name}: {found:?}");
        assert!(
            found
                .iter()
                .any(|(rule, severity, _)| rule == "marking.cn.level-field" && severity == "block"),
            "{name}: {found:?}"
        );
    }
    let (verdict, found) = verdict_of(&fixture("forms/unticked-box.docx"));
    assert_eq!(verdict, "pass", "{found:?}");

    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text, expected) in [
        (
            "a.txt",
            "文件密级：□绝密 □秘密 ■内部资料 □公开\n正文\n",
            "block",
        ),
        ("b.txt", "公开属性：☑不予公开\n正文\n", "block"),
        ("c.txt", "密级：[√]秘密 [ ]机密\n", "block"),
        ("d.txt", "密级：绝密□ 机密□ 秘密□ 公开■\n正文\n", "pass"),
        ("e.txt", "文件密级：☐绝密 ○机密 □秘密 ✔公开\n", "pass"),
        (
            "f.txt",
            "公开属性：☑主动公开 □依申请公开 □不予公开\n",
            "pass",
        ),
    ] {
        let (verdict, found) = verdict_of(&text_file(dir.path(), name, text));
        assert_eq!(verdict, expected, "{text}: {found:?}");
    }
}

#[test]
fn internal_use_lines_block_and_prose_does_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text, expected) in [
        (
            "a.txt",
            "关于会议的通知\n仅限本单位内部使用\n正文。\n",
            "block",
        ),
        ("b.txt", "正文。\n内部使用，不得外传\n", "block"),
        ("c.txt", "正文。\n严禁外传\n", "block"),
        ("d.txt", "本办法规定文件不得外传的情形如下。\n", "pass"),
    ] {
        let (verdict, found) = verdict_of(&text_file(dir.path(), name, text));
        assert_eq!(verdict, expected, "{text}: {found:?}");
    }
}

#[test]
fn a_marking_in_the_file_name_is_reported_on_part_filename() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["【机密】工作要点.txt", "（内部）通知.txt", "绝密-方案.txt"] {
        let (verdict, found) = verdict_of(&text_file(dir.path(), name, "正文。\n"));
        assert_eq!(verdict, "block", "{name}: {found:?}");
        assert!(
            found
                .iter()
                .any(|(rule, _, part)| rule == "marking.cn.filename-level" && part == "filename"),
            "{name}: {found:?}"
        );
    }
    for name in ["内部控制制度.txt", "保密工作机密事项管理.txt"] {
        let (verdict, found) = verdict_of(&text_file(dir.path(), name, "正文。\n"));
        assert_eq!(verdict, "pass", "{name}: {found:?}");
    }
}

#[test]
fn a_level_word_as_a_property_value_blocks() {
    let (verdict, found) = verdict_of(&fixture("forms/subject-level.docx"));
    assert_eq!(verdict, "block", "{found:?}");
    assert!(
        found
            .iter()
            .any(|(rule, severity, part)| rule == "marking.cn.property-level"
                && severity == "block"
                && part == "metadata"),
        "{found:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let html = text_file(
        dir.path(),
        "page.html",
        "<html><head><meta name=\"keywords\" content=\"秘密\"><title>通知</title></head><body><p>正文。</p></body></html>",
    );
    let (verdict, found) = verdict_of(&html);
    assert_eq!(verdict, "block", "{found:?}");
}

#[test]
fn a_name_in_the_properties_is_info_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = text_file(
        dir.path(),
        "page.html",
        "<html><head><meta name=\"author\" content=\"张三\"><title>通知</title></head><body><p>正文。</p></body></html>",
    );
    for (path, rule) in [
        (fixture("forms/author-only.docx"), "metadata.docx.author"),
        (fixture("forms/author-only.xlsx"), "metadata.xlsx.author"),
        (fixture("pdf/office-update.pdf"), "metadata.pdf.author"),
        (html, "metadata.html.author"),
    ] {
        let (verdict, found) = verdict_of(&path);
        assert_eq!(verdict, "pass", "{}: {found:?}", path.display());
        let people: Vec<_> = found.iter().filter(|(r, _, _)| r == rule).collect();
        assert_eq!(people.len(), 1, "{}: {found:?}", path.display());
        assert_eq!(people[0].1, "info", "{}", path.display());
    }
    // The same name beside a UNC path is review.
    let (verdict, found) = verdict_of(&fixture("forms/author-unc.docx"));
    assert_eq!(verdict, "review", "{found:?}");
    assert!(
        found
            .iter()
            .any(|(rule, severity, _)| rule == "metadata.docx.author" && severity == "review")
    );
}

#[test]
fn an_office_pdf_update_that_changes_nothing_is_not_a_revision() {
    let (verdict, found) = verdict_of(&fixture("pdf/office-update.pdf"));
    assert!(
        !found
            .iter()
            .any(|(rule, _, _)| rule == "hidden.pdf.revisions"),
        "{found:?}"
    );
    assert_eq!(verdict, "pass", "{found:?}");
    // A real revision (text removed by the update) still is one.
    let (_, found) = verdict_of(&fixture("pdf/incremental.pdf"));
    assert!(
        found
            .iter()
            .any(|(rule, _, _)| rule == "hidden.pdf.revisions")
    );
}
