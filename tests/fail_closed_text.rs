//! Fail closed for plain text, HTML and mail (issue 14): text hidden where a
//! reader does not see it is found, encodings are read right or said to be
//! uncertain, MIME mail and saved pages are read as containers — and a
//! damaged or uncertain input is never `pass`, not even when a decisions
//! file waives every one of its findings.

use assert_cmd::Command;
use prepub::extract::limits::{Deadline, Limits};
use prepub::extract::{Format, Request, detect, extract};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn prepub(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("prepub").expect("the prepub binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    command.env_remove("PREPUB_REVIEWER");
    command
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn scan_json(dir: &Path, extra: &[&str]) -> Value {
    let output = prepub(dir)
        .args(["scan", "docs", "--format", "json", "--no-progress"])
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn document<'a>(review: &'a Value, path: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the review"))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// A minimal .docx holding one paragraph.
fn docx(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default();
    for (name, content) in [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
            ),
        ),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    buffer.into_inner()
}

fn mail(content_type: &str, transfer: &str, body: &str) -> Vec<u8> {
    format!(
        "From: a@example.cn\r\nTo: b@example.cn\r\nSubject: test\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {transfer}\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Each new place, with a marking in it and nowhere else, and the part the
/// marking must be found in.
fn hidden_places() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let page = |inner: &str| {
        format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>各单位：</p>{inner}</body></html>").into_bytes()
    };
    let percent: String = "<p>机密★2年</p>"
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    let attachment = base64(&docx("附件：绝密★长期"));
    vec![
        (
            "script.html",
            page("<script>\n// 机密★1年\nvar x = 1;\n</script>"),
            "hidden",
        ),
        (
            "style.html",
            page("<style>/* 秘密★5年 */ p { color: red }</style>"),
            "hidden",
        ),
        (
            "css-content.html",
            page(r#"<style>p::before { content: "\79D8\5BC6\2605 3\5E74"; }</style>"#),
            "hidden",
        ),
        (
            "srcdoc.html",
            page(r#"<iframe srcdoc="&lt;p&gt;绝密★长期&lt;/p&gt;"></iframe>"#),
            "hidden",
        ),
        (
            "data-text.html",
            page(&format!(
                r#"<a href="data:text/plain;base64,{}">下载</a>"#,
                base64("秘密★5年".as_bytes())
            )),
            "hidden",
        ),
        (
            "data-html.html",
            page(&format!(r#"<object data="data:text/html,{percent}"></object>"#)),
            "hidden",
        ),
        ("noscript.html", page("<noscript>秘密★5年</noscript>"), "hidden"),
        (
            "template.html",
            page("<template><p>秘密★6年</p></template>"),
            "hidden",
        ),
        (
            "base64-gbk.eml",
            mail(
                "text/plain; charset=GB2312",
                "base64",
                &base64(&gbk("各位：本通知为机密★1年，请勿外传。")),
            ),
            "body",
        ),
        (
            "quoted-printable.eml",
            mail(
                "text/html; charset=utf-8",
                "quoted-printable",
                &"<p>各位：</p><!-- 机密★1年 -->"
                    .bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b"<>/!- ".contains(&b) {
                            (b as char).to_string()
                        } else {
                            format!("={b:02X}")
                        }
                    })
                    .collect::<String>(),
            ),
            "hidden",
        ),
        (
            "attachment.eml",
            format!(
                "From: a@example.cn\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n见附件。\r\n--B\r\nContent-Type: application/octet-stream; name=\"=?utf-8?B?{name}?=\"\r\nContent-Disposition: attachment; filename=\"=?utf-8?B?{name}?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--B--\r\n",
                name = base64("附件.docx".as_bytes()),
            )
            .into_bytes(),
            "body",
        ),
        (
            "saved-page.mht",
            format!(
                "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"P\"\r\n\r\n--P\r\nContent-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--P--\r\n",
                base64(&gbk("<html><body><p>公开通知</p><p style=\"display:none\">秘密★5年</p></body></html>"))
            )
            .into_bytes(),
            "hidden",
        ),
        (
            "subject.eml",
            format!(
                "From: a@example.cn\r\nSubject: =?gbk?B?{}?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n请查收。\r\n",
                base64(&gbk("机密★1年 会议通知"))
            )
            .into_bytes(),
            "metadata",
        ),
    ]
}

#[test]
fn a_marking_hidden_in_each_new_place_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let places = hidden_places();
    for (name, bytes, _) in &places {
        write(dir.path(), &format!("docs/{name}"), bytes);
    }
    let review = scan_json(dir.path(), &[]);
    for (name, _, part) in &places {
        // A mail's attachment is a document of its own.
        let shown = match *name {
            "attachment.eml" => "attachment.eml!/附件.docx".to_owned(),
            name => name.to_owned(),
        };
        let document = document(&review, &format!("docs/{shown}"));
        let findings = document["findings"].as_array().unwrap();
        assert!(
            findings.iter().any(|f| f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("marking."))
                && f["location"]["part"] == *part),
            "{name}: no marking found in {part}: {document:#}"
        );
        assert_eq!(document["verdict"], "block", "{name}: {document:#}");
    }
}

#[test]
fn big5_and_utf32_are_decoded_right() {
    let dir = tempfile::tempdir().unwrap();
    let notice = "關於加強保密工作的通知：本文件屬於秘密★5年，請各單位注意保存。\n";
    write(
        dir.path(),
        "docs/big5.txt",
        &encoding_rs::BIG5.encode(notice).0,
    );
    write(
        dir.path(),
        "docs/big5.html",
        &encoding_rs::BIG5
            .encode(&format!("<html><body><p>{notice}</p></body></html>"))
            .0,
    );
    let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(
            "通知\n秘密★5年\n"
                .chars()
                .flat_map(|c| (c as u32).to_le_bytes()),
        )
        .collect();
    write(dir.path(), "docs/utf32.txt", &utf32);
    let review = scan_json(dir.path(), &[]);
    for (name, encoding) in [
        ("docs/big5.txt", "Big5"),
        ("docs/big5.html", "Big5"),
        ("docs/utf32.txt", "UTF-32LE"),
    ] {
        let document = document(&review, name);
        assert_eq!(document["extraction"]["encoding"], encoding, "{document:#}");
        assert_eq!(document["extraction"]["status"], "complete", "{document:#}");
        assert!(
            document["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["text"] == "秘密★5年"),
            "{document:#}"
        );
    }
}

/// Inputs that cannot be read in full or whose reading is a guess, each
/// with something in it to waive.
fn damaged_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut truncated_utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain("机密★1年".chars().flat_map(|c| (c as u32).to_le_bytes()))
        .collect();
    truncated_utf32.truncate(truncated_utf32.len() - 2);
    let mut big5_labelled_gb2312 = mail("text/plain; charset=gb2312", "8bit", "");
    big5_labelled_gb2312.extend(&*encoding_rs::BIG5.encode("臺灣省政府關於秘密★5年的通知").0);
    big5_labelled_gb2312.extend([0xFF, 0xFF]);
    vec![
        (
            "uncertain.txt",
            encoding_rs::EUC_KR
                .encode("비밀 문서입니다. 이 문서는 내부 자료입니다. 연락처 13912345678")
                .0
                .into_owned(),
            "encoding uncertain",
        ),
        (
            "uncertain.html",
            encoding_rs::EUC_KR
                .encode("<html><body><p>비밀 문서입니다. 이 문서는 내부 자료입니다.</p><p>机</p></body></html>")
                .0
                .into_owned(),
            "encoding uncertain",
        ),
        ("truncated-utf32.txt", truncated_utf32, "not valid UTF-32LE"),
        (
            "bad-data-uri.html",
            "<html><body><p>机密★1年</p><a href=\"data:text/html;base64,@@@@\">x</a></body></html>"
                .as_bytes()
                .to_vec(),
            "could not be decoded",
        ),
        (
            "damaged-base64.eml",
            mail(
                "text/plain; charset=utf-8",
                "base64",
                &(base64("机密★1年，内部资料".as_bytes()) + "!!!*"),
            ),
            "base64 is damaged",
        ),
        (
            "unknown-charset.eml",
            [
                mail("text/plain; charset=x-nobody-knows", "8bit", "").as_slice(),
                &gbk("关于加强保密工作的通知：本文件为机密★1年。"),
            ]
            .concat(),
            "x-nobody-knows",
        ),
        ("mislabelled.eml", big5_labelled_gb2312, "gb2312"),
        (
            "unreadable-attachment.eml",
            "From: a@example.cn\r\nSubject: 机密★1年\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--B\r\nContent-Type: application/octet-stream; name=\"blob.bin\"\r\nContent-Disposition: attachment; filename=\"blob.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQoLDA0ODw==\r\n--B--\r\n".as_bytes().to_vec(),
            "attachment blob.bin",
        ),
    ]
}

/// A decisions file that keeps (waives) every finding of `review`.
fn waive_everything(dir: &Path, review: &Value) -> usize {
    let mut entries = String::new();
    let mut count = 0;
    for document in review["documents"].as_array().unwrap() {
        for finding in document["findings"].as_array().unwrap() {
            count += 1;
            entries.push_str(&format!(
                "- id: '{}'\n  path: {}\n  sha256: {}\n  rule: {}\n  text: '{}'\n  decision: keep\n  reason: 已审核\n  reviewer: 张三\n  approver: 李四\n  date: 2026-11-20\n",
                finding["id"].as_str().unwrap(),
                document["path"].as_str().unwrap(),
                document["sha256"].as_str().unwrap(),
                finding["rule"].as_str().unwrap(),
                finding["text"].as_str().unwrap().replace('\'', "''"),
            ));
        }
    }
    write(
        dir,
        "decisions.yaml",
        format!("schema: prepub.decisions/1\ndecisions:\n{entries}").as_bytes(),
    );
    count
}

#[test]
fn damaged_or_uncertain_inputs_never_pass_even_with_every_finding_waived() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = damaged_inputs();
    for (name, bytes, _) in &inputs {
        write(dir.path(), &format!("docs/{name}"), bytes);
    }
    let before = scan_json(dir.path(), &[]);
    for (name, _, why) in &inputs {
        let document = document(&before, &format!("docs/{name}"));
        assert_ne!(document["verdict"], "pass", "{name}: {document:#}");
        assert_eq!(
            document["extraction"]["status"], "partial",
            "{name}: {document:#}"
        );
        let problems = document["extraction"]["problems"].to_string();
        assert!(problems.contains(why), "{name}: {why} not in {problems}");
    }
    let waived = waive_everything(dir.path(), &before);
    assert!(waived >= inputs.len(), "something to waive in each input");
    let after = scan_json(dir.path(), &["--decisions", "decisions.yaml"]);
    assert_eq!(
        after["summary"]["waived"].as_u64(),
        Some(waived as u64),
        "{:#}",
        after["summary"]
    );
    for (name, _, _) in &inputs {
        let document = document(&after, &format!("docs/{name}"));
        assert_eq!(document["verdict"], "review", "{name}: {document:#}");
    }
}

#[test]
fn every_text_fixture_is_read_by_the_mail_reader_without_panic() {
    // The mail reader is new: every hostile fixture of every area goes
    // through it as well as through the reader its content selects.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed");
    let limits = Limits::default();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        let name = entry.path().to_string_lossy().into_owned();
        let request = Request {
            bytes: &bytes,
            name: &name,
            limits: &limits,
            deadline: Deadline::after(limits.time_budget),
            passwords: &[],
        };
        let result = std::panic::catch_unwind(|| extract(Format::Mail, &request));
        assert!(result.is_ok(), "{name} panicked the mail reader");
    }
}

fn corpus() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PREPUB_CORPUS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("legacy/MANIFEST.tsv").is_file());
    if found.is_none() {
        eprintln!(
            "../shared/corpus not found (set PREPUB_CORPUS): skipping the mail corpus checks"
        );
    }
    found
}

#[test]
fn real_mail_and_saved_pages_are_read_as_mime() {
    let Some(corpus) = corpus() else {
        return;
    };
    let files = corpus.join("legacy/files");
    // What each sample must yield (no LibreOffice reference text exists for
    // mail: these are the texts its headers and parts hold, decoded).
    let expected: &[(&str, &[&str])] = &[
        ("kopano__big5.eml", &["養樂多線上訂購", "養樂多 <c@y>"]),
        ("kopano__gb2312_18030.eml", &["梁祐晟", "bodytext"]),
        (
            "kopano__zcp-11713.eml",
            &["2013/08/01 10:18 に開封されました。"],
        ),
        ("magika__sample.eml", &["You've been sent a sample email!"]),
        (
            "phpimap__embedded_email.eml",
            &["demo text", "this is content of test file"],
        ),
        (
            "phpmimemail__failure.eml",
            &["次の受信者またはグループへの配信に失敗しました"],
        ),
        (
            "tika__testRFC822_multipart_attachments.eml",
            &[
                "This is Test TXTA File for parser",
                "This is the html body of the main msg.",
            ],
        ),
        (
            "formatcorpus__lorem-ipsum.mht",
            &["Lorem ipsum dolor sit amet, consectetur adipiscing elit."],
        ),
        ("tika__testMHTMLFirefox.mhtml", &["Aperture Framework"]),
    ];
    let limits = Limits::default();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&files)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "eml" | "mht" | "mhtml"))
        })
        .collect();
    names.sort();
    assert!(names.len() >= expected.len(), "{names:?}");
    for path in names {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(detect(&bytes, &name), Format::Mail, "{name}");
        // By content alone too, where the file has mail headers.
        let request = Request {
            bytes: &bytes,
            name: &name,
            limits: &limits,
            deadline: Deadline::after(limits.time_budget),
            passwords: &[],
        };
        let extraction = extract(Format::Mail, &request);
        let text: String = extraction
            .segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        // Nothing is left transfer-encoded.
        assert!(
            !text.contains("=E3=81"),
            "{name}: quoted-printable left in the text"
        );
        if let Some((_, wanted)) = expected.iter().find(|(n, _)| *n == name) {
            for want in *wanted {
                assert!(text.contains(want), "{name}: {want} not read:\n{text}");
            }
        }
    }
}

/// A marking in a script's string literal is the page's, not an example:
/// the quotes are the script's (fixture made by `make_text.py`). The same
/// marking quoted in the page's text is an example and stays info.
#[test]
fn a_marking_in_a_script_string_is_not_explained_away_by_its_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed/text-script-string.html");
    write(
        dir.path(),
        "docs/page.html",
        &std::fs::read(fixture).unwrap(),
    );
    let review = scan_json(dir.path(), &["--explain"]);
    let page = document(&review, "docs/page.html");
    assert_eq!(page["verdict"], "block", "{page:#}");
    let severity_of = |text: &str, part: &str| -> Vec<String> {
        page["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "marking.cn.level-star" && f["text"] == text)
            .filter(|f| f["location"]["part"] == part)
            .map(|f| f["severity"].as_str().unwrap().to_owned())
            .collect()
    };
    // In the script: quoted, listed beside another marking — still block.
    for marking in ["绝密★长期", "机密★1年", "秘密★5年"] {
        assert_eq!(
            severity_of(marking, "hidden"),
            ["block"],
            "{marking}: {page:#}"
        );
    }
    // In the text: introduced and quoted as an example — info.
    assert_eq!(severity_of("绝密★长期", "body"), ["info"], "{page:#}");
    let explained = page["findings"].to_string();
    assert!(
        explained.contains("the match is in source code"),
        "--explain says why no downgrade applied: {explained}"
    );
}
