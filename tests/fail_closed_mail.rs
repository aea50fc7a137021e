//! Fail closed for mail (issue 14): the attachments of a mail or saved page
//! are reviewed as documents of their own, named `mail.eml!/附件.docx`, the
//! way the members of a zip archive are — nested messages and archives
//! included — and a mail is never `pass` while one of its attachments was
//! not read in full, not even when every finding is waived.
//!
//! The fixtures are made by `fixtures/malformed/make_mail.py`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const FIXTURES: [&str; 5] = [
    "mail-gbk-attachment-names.eml",
    "mail-nested-message-and-zip.eml",
    "mail-unreadable-attachments.eml",
    "mail-page-picture-only.mht",
    "text-gbk-base64-with-docx.eml",
];

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("the prepub binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    command.env_remove("PREPUB_REVIEWER");
    command
}

/// The fixtures copied into `dir/docs`.
fn batch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed");
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    for name in FIXTURES {
        std::fs::copy(fixtures.join(name), dir.path().join("docs").join(name)).unwrap();
    }
    dir
}

fn scan_json(dir: &Path, extra: &[&str]) -> (Value, Option<i32>) {
    let output = prepub(dir)
        .args(["scan", "docs", "--format", "json", "--no-progress"])
        .args(extra)
        .output()
        .unwrap();
    let review = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (review, output.status.code())
}

fn document<'a>(review: &'a Value, path: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| {
            let paths: Vec<&Value> = review["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| &d["path"])
                .collect();
            panic!("{path} not in the review: {paths:?}")
        })
}

fn problems(document: &Value) -> String {
    document["extraction"]["problems"].to_string()
}

fn has_marking(document: &Value, text: &str, part: &str) -> bool {
    document["findings"].as_array().unwrap().iter().any(|f| {
        f["rule"]
            .as_str()
            .is_some_and(|r| r.starts_with("marking."))
            && f["text"] == text
            && f["location"]["part"] == part
    })
}

#[test]
fn attachments_are_member_documents_that_block_on_their_own_markings() {
    let dir = batch();
    let (review, code) = scan_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    // Each attachment is a document named after the mail, GBK names
    // decoded (an RFC 2231 name split inside a character, an encoded word),
    // forwarded messages and archives opened in turn; each blocks on the
    // marking in its own body.
    for (path, marking) in [
        (
            "docs/mail-gbk-attachment-names.eml!/会议纪要（定稿）.docx",
            "秘密★5年",
        ),
        (
            "docs/mail-gbk-attachment-names.eml!/附件二：名单.docx",
            "机密★1年",
        ),
        (
            "docs/mail-nested-message-and-zip.eml!/forward.eml!/通知.docx",
            "绝密★长期",
        ),
        (
            "docs/mail-nested-message-and-zip.eml!/材料.zip!/正文.txt",
            "秘密★10年",
        ),
        ("docs/text-gbk-base64-with-docx.eml!/附件.docx", "绝密★长期"),
    ] {
        let member = document(&review, path);
        assert_eq!(member["verdict"], "block", "{path}: {member:#}");
        assert_eq!(member["extraction"]["status"], "complete", "{path}");
        assert!(has_marking(member, marking, "body"), "{path}: {member:#}");
    }
    // The forwarded message is a mail document of its own, between the
    // outer mail and its attachment.
    let forward = document(&review, "docs/mail-nested-message-and-zip.eml!/forward.eml");
    assert_eq!(forward["format"], "mail");
    assert!(
        has_marking(forward, "工作秘密，不得外传", "body"),
        "{forward:#}"
    );
    // A mail's own findings are its own: the attachment's marking is not
    // repeated in the mail, whose text has only its own.
    let mail = document(&review, "docs/text-gbk-base64-with-docx.eml");
    assert!(!has_marking(mail, "绝密★长期", "attachment"), "{mail:#}");
    assert!(has_marking(mail, "机密★1年", "body"), "{mail:#}");
    // The text report names members the same way.
    let output = prepub(dir.path())
        .args(["scan", "docs", "--no-progress", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("BLOCK docs/mail-gbk-attachment-names.eml!/会议纪要（定稿）.docx"),
        "{text}"
    );
}

#[test]
fn a_mail_whose_attachment_cannot_be_read_is_never_pass_even_with_every_finding_waived() {
    let dir = batch();
    let (review, _) = scan_json(dir.path(), &[]);
    let mail = "docs/mail-unreadable-attachments.eml";
    let damaged = document(&review, &format!("{mail}!/damaged-base64.docx"));
    assert_eq!(damaged["extraction"]["status"], "failed", "{damaged:#}");
    assert!(problems(damaged).contains("base64"), "{damaged:#}");
    let cut = document(&review, &format!("{mail}!/cut-off.docx"));
    assert_eq!(cut["extraction"]["status"], "failed", "{cut:#}");
    let own = document(&review, mail);
    assert_eq!(own["extraction"]["status"], "partial", "{own:#}");
    let messages = problems(own);
    for name in ["damaged-base64.docx", "cut-off.docx"] {
        assert!(
            messages.contains(&format!("attachment {name} was not read in full")),
            "{name}: {messages}"
        );
    }
    // Waive every finding of every document: the unread ones stay review.
    let mut entries = String::new();
    let mut waived = 0;
    for document in review["documents"].as_array().unwrap() {
        for finding in document["findings"].as_array().unwrap() {
            waived += 1;
            entries.push_str(&format!(
                "- id: '{}'\n  path: '{}'\n  sha256: {}\n  rule: {}\n  text: '{}'\n  decision: keep\n  reason: 已审核\n  reviewer: 张三\n  approver: 李四\n  date: 2026-11-20\n",
                finding["id"].as_str().unwrap(),
                document["path"].as_str().unwrap(),
                document["sha256"].as_str().unwrap(),
                finding["rule"].as_str().unwrap(),
                finding["text"].as_str().unwrap().replace('\'', "''"),
            ));
        }
    }
    std::fs::write(
        dir.path().join("decisions.yaml"),
        format!("schema: prepub.decisions/1\ndecisions:\n{entries}"),
    )
    .unwrap();
    let (after, code) = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    assert_eq!(after["summary"]["waived"].as_u64(), Some(waived));
    assert_eq!(code, Some(3), "{:#}", after["summary"]);
    for path in [
        mail.to_owned(),
        format!("{mail}!/damaged-base64.docx"),
        format!("{mail}!/cut-off.docx"),
        "docs/mail-page-picture-only.mht".to_owned(),
    ] {
        assert_eq!(document(&after, &path)["verdict"], "review", "{path}");
    }
    // Everything read in full and waived passes: the waiver works, so the
    // review above is the unread attachments' doing.
    assert_eq!(
        document(&after, "docs/mail-gbk-attachment-names.eml")["verdict"],
        "pass"
    );
}

#[test]
fn a_saved_page_picture_is_the_page_s_not_an_attachment() {
    let dir = batch();
    let (review, _) = scan_json(dir.path(), &[]);
    let page = "docs/mail-page-picture-only.mht";
    let own = document(&review, page);
    assert_eq!(own["extraction"]["status"], "partial", "{own:#}");
    // The page's only content is its picture: it goes to the OCR stage,
    // which cannot decode this one, and says so.
    assert!(
        problems(own).contains("image001.png: not read by OCR"),
        "{own:#}"
    );
    assert!(
        review["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| !d["path"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{page}!/"))),
        "the picture became a document"
    );
}

#[test]
fn verify_reruns_the_attachments_from_their_mail() {
    let dir = batch();
    let output = prepub(dir.path())
        .args([
            "scan",
            "docs",
            "--no-progress",
            "--fail-on",
            "never",
            "-o",
            "review.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let verified = prepub(dir.path())
        .args(["verify", "review.json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{text}");
    assert!(text.contains("reproduced"), "{text}");
    // A member deleted from the review is a difference: the mail still
    // holds it.
    let mut review: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("review.json")).unwrap()).unwrap();
    let member = "docs/mail-nested-message-and-zip.eml!/forward.eml!/通知.docx";
    review["documents"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["path"] != member);
    std::fs::write(
        dir.path().join("edited.json"),
        serde_json::to_vec(&review).unwrap(),
    )
    .unwrap();
    let verified = prepub(dir.path())
        .args(["verify", "edited.json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verified.stdout);
    assert_eq!(verified.status.code(), Some(1), "{text}");
    assert!(text.contains(member), "{text}");
}
