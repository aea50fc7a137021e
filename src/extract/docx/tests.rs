//! The whole reader on real producers' files (`fixtures/docx/make.py`:
//! python-docx and LibreOffice) and on broken packages. Each fixture plants
//! a marking in exactly one part; the tests check it is reported there and
//! nowhere else.

use super::*;
use crate::extract::document::{ExtractionStatus, Impact};
use std::io::Write;

fn extract_named(bytes: &[u8], name: &str, limits: &Limits, deadline: Deadline) -> Extraction {
    let request = Request {
        bytes,
        name,
        limits,
        deadline,
        passwords: &[],
    };
    extract(&request)
}

fn read(bytes: &[u8]) -> Extraction {
    extract_named(bytes, "fixture.docx", &Limits::default(), Deadline::never())
}

macro_rules! fixture {
    ($name:literal) => {
        read(include_bytes!(concat!("../../../fixtures/docx/", $name)))
    };
}

/// Parts whose text contains `needle`.
fn parts_with(extraction: &Extraction, needle: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = extraction
        .segments
        .iter()
        .filter(|segment| segment.text.contains(needle))
        .map(|segment| segment.part)
        .collect();
    parts.dedup();
    parts
}

fn assert_only_in(extraction: &Extraction, needle: &str, part: Part) {
    assert_eq!(
        parts_with(extraction, needle),
        [part],
        "{needle:?} should be in {part} only; segments: {:#?}",
        extraction.segments
    );
}

/// The segment holding `needle`.
fn segment_with<'e>(extraction: &'e Extraction, needle: &str) -> &'e Segment {
    extraction
        .segments
        .iter()
        .find(|segment| segment.text.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not found in {:#?}", extraction.segments))
}

/// Lines of one part, in order.
fn lines_of(extraction: &Extraction, part: Part) -> Vec<&str> {
    extraction
        .segments
        .iter()
        .filter(|segment| segment.part == part)
        .flat_map(|segment| segment.text.lines())
        .collect()
}

fn notice<'e>(extraction: &'e Extraction, rule: &str) -> &'e Notice {
    extraction
        .notices
        .iter()
        .find(|notice| notice.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} notice in {:#?}", extraction.notices))
}

/// A minimal package: content types, package rels pointing at
/// `word/document.xml`, plus the given parts.
fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default();
    let mut all: Vec<(&str, &[u8])> = Vec::new();
    if !parts.iter().any(|(name, _)| *name == "[Content_Types].xml") {
        all.push(("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#));
    }
    if !parts.iter().any(|(name, _)| *name == "_rels/.rels") {
        all.push(("_rels/.rels", br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#));
    }
    all.extend_from_slice(parts);
    for (name, data) in all {
        writer.start_file(name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap();
    buffer.into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn document(paragraphs: &[&str]) -> String {
    let body: String = paragraphs
        .iter()
        .map(|text| format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"))
        .collect();
    format!("<w:document {W}><w:body>{body}</w:body></w:document>")
}

// ---------------------------------------------------------------- fixtures

#[test]
fn body_text_pages_tabs_and_split_runs() {
    let extraction = fixture!("body-pages.docx");
    assert_eq!(extraction.status(), ExtractionStatus::Complete);
    assert_eq!(
        lines_of(&extraction, Part::Body),
        [
            "关于印发工作方案的通知",
            "份号\t000123",
            "第一行 第二行",
            "机密★1年",
            "第三页正文",
            "仍在第三页"
        ]
    );
    assert_only_in(&extraction, "机密★1年", Part::Body);
    assert_eq!(segment_with(&extraction, "关于印发").page, Some(1));
    assert_eq!(segment_with(&extraction, "机密★1年").page, Some(2));
    assert_eq!(segment_with(&extraction, "第三页正文").page, Some(3));
    // The last section is continuous: still page 3.
    assert_eq!(segment_with(&extraction, "仍在第三页").page, Some(3));
}

#[test]
fn table_rows_are_lines_with_cells_apart() {
    let extraction = fixture!("table.docx");
    assert_eq!(
        lines_of(&extraction, Part::Body),
        [
            "人员名单",
            "姓名\t密级\t电话",
            "张三\t内部资料 注意保存\t13800138000",
            "李四\t嵌套甲\t嵌套乙\t第一段 第二段",
            "表后正文"
        ]
    );
}

#[test]
fn headers_and_footers_of_every_section() {
    let extraction = fixture!("headers.docx");
    assert_only_in(&extraction, "首页页眉：绝密★30年", Part::Header);
    assert_only_in(&extraction, "偶数页眉：工作秘密", Part::Header);
    assert_only_in(&extraction, "内部资料 注意保存", Part::Header);
    assert_only_in(&extraction, "第二节页眉：内部事项", Part::Header);
    assert_only_in(&extraction, "页脚：秘密★10年", Part::Footer);
    let label = |needle| segment_with(&extraction, needle).label.as_deref();
    assert_eq!(label("首页页眉"), Some("section 1, first page"));
    assert_eq!(label("偶数页眉"), Some("section 1, even pages"));
    assert_eq!(label("内部资料"), Some("section 1, odd pages"));
    assert_eq!(label("第二节页眉"), Some("section 2, odd pages"));
    assert_eq!(segment_with(&extraction, "第二节正文").page, Some(2));
}

#[test]
fn libreoffice_header_and_footer() {
    let extraction = fixture!("lo-header-footer.docx");
    assert_only_in(&extraction, "页眉：内部资料 注意保存", Part::Header);
    assert_only_in(&extraction, "页脚：秘密★10年", Part::Footer);
    assert_eq!(
        segment_with(&extraction, "页眉").label.as_deref(),
        Some("all pages")
    );
}

#[test]
fn python_docx_comment_with_author() {
    let extraction = fixture!("comments.docx");
    assert_only_in(&extraction, "批注：此段涉及工作秘密", Part::Comment);
    let label = segment_with(&extraction, "批注")
        .label
        .clone()
        .unwrap_or_default();
    assert!(label.starts_with("王五, "), "label {label:?}");
    let review = notice(&extraction, "hidden.docx.revisions");
    assert_eq!(
        review.message,
        "1 comment (by 王五) must be resolved before publishing"
    );
    assert_eq!(review.category, Category::Hidden);
    assert_eq!(review.severity, Severity::Review);
}

#[test]
fn libreoffice_comment() {
    let extraction = fixture!("lo-comment.docx");
    assert_only_in(&extraction, "绝密★长期", Part::Comment);
    let segment = segment_with(&extraction, "绝密★长期");
    assert_eq!(segment.label.as_deref(), Some("王五, 2024-05-01"));
    assert_eq!(segment.page, Some(1));
}

#[test]
fn libreoffice_tracked_changes() {
    let extraction = fixture!("lo-revisions.docx");
    assert_only_in(&extraction, "秘密★5年", Part::Insertion);
    assert_only_in(&extraction, "绝密★长期", Part::Deletion);
    assert_eq!(
        segment_with(&extraction, "绝密★长期").label.as_deref(),
        Some("审校人, 2024-05-01")
    );
    assert_eq!(
        notice(&extraction, "hidden.docx.revisions").message,
        "2 tracked changes (by 审校人) must be resolved before publishing"
    );
}

#[test]
fn hidden_text_direct_and_by_style() {
    let extraction = fixture!("hidden.docx");
    assert_only_in(&extraction, "隐藏：机密★1年", Part::Hidden);
    assert_only_in(&extraction, "样式隐藏：内部资料", Part::Hidden);
    assert_eq!(
        lines_of(&extraction, Part::Body),
        ["公开内容。", "第二段。"]
    );
    let hidden = notice(&extraction, "hidden.docx.hidden-text");
    assert!(hidden.message.starts_with("2 passages of hidden text"));
    assert_eq!(hidden.text, "隐藏：机密★1年");
    assert_eq!(hidden.page, Some(1));
}

#[test]
fn libreoffice_hidden_text() {
    let extraction = fixture!("lo-hidden.docx");
    assert_only_in(&extraction, "机密★2年", Part::Hidden);
    assert_eq!(lines_of(&extraction, Part::Body), ["可见文字。"]);
}

#[test]
fn libreoffice_footnote_and_endnote() {
    let extraction = fixture!("lo-notes.docx");
    assert_only_in(&extraction, "脚注：机密★1年", Part::Footnote);
    assert_only_in(&extraction, "尾注：内部资料 注意保存", Part::Endnote);
    assert_eq!(segment_with(&extraction, "脚注").page, Some(1));
    assert_eq!(lines_of(&extraction, Part::Body), ["正文引用脚注和尾注。"]);
}

#[test]
fn libreoffice_text_box_read_once() {
    let extraction = fixture!("lo-textbox.docx");
    assert_only_in(&extraction, "文本框：秘密★3年", Part::Textbox);
    let occurrences: usize = extraction
        .segments
        .iter()
        .map(|segment| segment.text.matches("秘密★3年").count())
        .sum();
    assert_eq!(
        occurrences, 1,
        "a text box and its VML fallback are one text"
    );
}

#[test]
fn text_box_watermark_and_alt_text() {
    let extraction = fixture!("drawings.docx");
    assert_only_in(&extraction, "文本框：机密★5年", Part::Textbox);
    assert_eq!(
        extraction
            .segments
            .iter()
            .map(|s| s.text.matches("机密★5年").count())
            .sum::<usize>(),
        1
    );
    let watermark = segment_with(&extraction, "内部资料 严禁外传");
    assert_eq!(watermark.part, Part::Textbox);
    assert_eq!(watermark.label.as_deref(), Some("in header, all pages"));
    let alt = segment_with(&extraction, "替代文字：秘密★3年");
    assert_eq!(
        (alt.part, alt.label.as_deref()),
        (Part::Hidden, Some("alt text"))
    );
    assert_eq!(
        lines_of(&extraction, Part::Body),
        ["正文第一段", "框外正文"]
    );
}

#[test]
fn form_fields_field_codes_and_content_controls() {
    let extraction = fixture!("fields.docx");
    assert_eq!(
        lines_of(&extraction, Part::Body),
        [
            "公开属性表",
            "☒ 主动公开 ☐ 依申请公开",
            "选择：不予公开",
            "参见附件",
            "控件内容：内部资料",
            "第1页"
        ]
    );
    let code = segment_with(&extraction, "HYPERLINK");
    assert_eq!(
        (code.part, code.label.as_deref()),
        (Part::Hidden, Some("field code"))
    );
    assert!(code.text.contains(r"\\10.1.2.3\机要室\绝密文件.docx"));
    assert_eq!(code.kind, crate::extract::document::TextKind::Code);
    assert_eq!(
        segment_with(&extraction, "公开属性表").kind,
        crate::extract::document::TextKind::Prose
    );
    assert!(parts_with(&extraction, "FORMCHECKBOX").is_empty());
    assert!(parts_with(&extraction, "别名不显示").is_empty());
    // Field codes are not hidden text for the hidden-text notice.
    assert!(
        extraction
            .notices
            .iter()
            .all(|n| n.rule != "hidden.docx.hidden-text")
    );
}

#[test]
fn properties_people_and_variables() {
    let extraction = fixture!("properties.docx");
    let metadata = lines_of(&extraction, Part::Metadata);
    for line in [
        "creator: 张三",
        "lastModifiedBy: 李四",
        "title: 关于机密★5年事项的通知",
        "subject: 内部资料",
        "keywords: 工作秘密",
        "description: 仅供内部使用",
        "company: 某某局办公室",
        "manager: 王局长",
        "密级: 秘密★10年",
        "document variable 审核人: 赵六",
    ] {
        assert!(
            metadata.contains(&line),
            "{line:?} missing from {metadata:#?}"
        );
    }
    assert_only_in(&extraction, "秘密★10年", Part::Metadata);
    let mut extraction = extraction;
    crate::extract::people::note_people(crate::extract::Format::Docx, &mut extraction);
    let people = notice(&extraction, "metadata.docx.author");
    assert_eq!(people.category, Category::Metadata);
    assert_eq!(people.severity, crate::extract::document::Severity::Info);
    assert!(
        people
            .message
            .contains("author: 张三, last modified by: 李四, manager: 王局长"),
        "{}",
        people.message
    );
}

#[test]
fn libreoffice_properties_with_user_defined() {
    let extraction = fixture!("lo-properties.docx");
    let metadata = lines_of(&extraction, Part::Metadata);
    assert!(metadata.contains(&"密级: 机密★20年"), "{metadata:#?}");
    assert!(metadata.contains(&"creator: 张三"));
    assert!(metadata.contains(&"title: 标题：工作秘密"));
    assert_only_in(&extraction, "机密★20年", Part::Metadata);
}

#[test]
fn embedded_objects_read_or_named() {
    let extraction = fixture!("embedded.docx");
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    let unread: Vec<&Problem> = extraction.problems.iter().collect();
    assert_eq!(unread.len(), 1, "{unread:#?}");
    assert!(
        unread[0]
            .message
            .contains("word/embeddings/oleObject1.bin (OLE object)")
    );
    assert_eq!(unread[0].part.as_deref(), Some("attachment"));
    assert_only_in(&extraction, "工作表内：秘密★1年", Part::Attachment);
    assert_only_in(&extraction, "11010519491231002X", Part::Attachment);
    assert_only_in(&extraction, "导入片段：内部资料 注意保存", Part::Attachment);
    assert_eq!(
        segment_with(&extraction, "11010519491231002X")
            .label
            .as_deref(),
        Some("word/embeddings/Microsoft_Excel_Worksheet.xlsx, sheet1.xml")
    );
}

#[test]
fn macros_are_reported() {
    let extraction = fixture!("macros.docm");
    let macros = notice(&extraction, "hidden.docx.macros");
    assert!(macros.message.contains("word/vbaProject.bin"));
    assert_eq!(macros.severity, Severity::Review);
    assert_eq!(lines_of(&extraction, Part::Body), ["带宏的文档"]);
}

#[test]
fn file_name_is_its_own_part() {
    let bytes = include_bytes!("../../../fixtures/docx/lo-hidden.docx");
    let limits = Limits::default();
    let extraction = extract_named(bytes, "收件/机密★1年通知.docx", &limits, Deadline::never());
    assert_only_in(&extraction, "机密★1年通知.docx", Part::Filename);
    let broken = extract_named(b"garbage", r"C:\收件\秘密.docx", &limits, Deadline::never());
    assert_eq!(lines_of(&broken, Part::Filename), ["秘密.docx"]);
}

// ------------------------------------------------------------ bad input

#[test]
fn legacy_doc_and_encrypted_packages_say_so() {
    let ole = |stream: &str| {
        let mut bytes = OLE2_MAGIC.to_vec();
        bytes.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let legacy = read(&ole("WordDocument"));
    assert_eq!(legacy.status(), ExtractionStatus::Failed);
    assert!(
        legacy.problems[0]
            .message
            .contains("legacy binary Word format")
    );
    let encrypted = read(&ole("EncryptedPackage"));
    assert!(encrypted.problems[0].message.starts_with("encrypted"));
}

#[test]
fn not_a_zip_and_truncated_zip_fail() {
    assert_eq!(read(b"not a zip at all").status(), ExtractionStatus::Failed);
    let whole = include_bytes!("../../../fixtures/docx/lo-notes.docx");
    let cut = read(&whole[..whole.len() / 2]);
    assert_eq!(cut.status(), ExtractionStatus::Failed);
    assert!(cut.problems[0].message.contains("zip"));
}

#[test]
fn missing_main_part_fails() {
    let extraction = read(&package(&[("docProps/core.xml", b"<a/>")]));
    assert_eq!(extraction.status(), ExtractionStatus::Failed);
    assert!(
        extraction.problems[0]
            .message
            .contains("no main document part")
    );
}

#[test]
fn main_part_found_through_relationships_or_content_types() {
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/word/main2.xml"/></Relationships>"#;
    let main = document(&["改名的主文档"]);
    let extraction = read(&package(&[
        ("_rels/.rels", rels),
        ("word/main2.xml", main.as_bytes()),
    ]));
    assert_eq!(lines_of(&extraction, Part::Body), ["改名的主文档"]);
    assert_eq!(extraction.status(), ExtractionStatus::Complete);
}

#[test]
fn byte_order_marks_and_utf16_parts() {
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend(document(&["带BOM"]).as_bytes());
    let extraction = read(&package(&[("word/document.xml", &with_bom)]));
    assert_eq!(lines_of(&extraction, Part::Body), ["带BOM"]);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        document(&["UTF-16"])
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let extraction = read(&package(&[("word/document.xml", &utf16)]));
    assert_eq!(lines_of(&extraction, Part::Body), ["UTF-16"]);
}

#[test]
fn truncated_main_part_is_partial_with_the_text_before_the_cut() {
    let whole = document(&["第一段", "第二段"]);
    let cut = &whole[..whole.find("第二段").unwrap() + "第二段".len() + 3];
    let extraction = read(&package(&[("word/document.xml", cut.as_bytes())]));
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert_eq!(lines_of(&extraction, Part::Body), ["第一段", "第二段"]);
    assert!(extraction.problems[0].message.contains("word/document.xml"));
}

#[test]
fn unreadable_main_part_fails() {
    let extraction = read(&package(&[("word/document.xml", b"<w:document")]));
    assert_eq!(extraction.status(), ExtractionStatus::Failed);
}

#[test]
fn broken_side_part_is_partial_and_named() {
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;
    let footnotes = format!("<w:footnotes {W}><w:footnote w:id=\"1\"><w:p><w:r><w:t>脚注");
    let main = document(&["正文"]);
    let extraction = read(&package(&[
        ("word/document.xml", main.as_bytes()),
        ("word/_rels/document.xml.rels", rels),
        ("word/footnotes.xml", footnotes.as_bytes()),
    ]));
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    let messages: Vec<&str> = extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with("word/footnotes.xml")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("word/comments.xml is referenced by the package but missing")),
        "{messages:#?}"
    );
    assert_eq!(lines_of(&extraction, Part::Footnote), ["脚注"]);
}

#[test]
fn damaged_content_types_are_partial() {
    let main = document(&["正文"]);
    let damaged = br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Ov>rride PartName="/word/document.xml"/></Types>"#;
    let extraction = read(&package(&[
        ("[Content_Types].xml", damaged),
        ("word/document.xml", main.as_bytes()),
    ]));
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert!(
        extraction.problems[0]
            .message
            .starts_with("[Content_Types].xml is not valid XML")
    );
    assert_eq!(lines_of(&extraction, Part::Body), ["正文"]);
}

#[test]
fn inflation_caps_are_enforced() {
    let big = document(&[&"机密".repeat(100_000)]);
    let bytes = package(&[("word/document.xml", big.as_bytes())]);
    let limits = Limits {
        max_part_bytes: 64 * 1024,
        ..Limits::default()
    };
    let extraction = extract_named(&bytes, "bomb.docx", &limits, Deadline::never());
    assert_eq!(extraction.status(), ExtractionStatus::Failed);
    assert!(extraction.problems[0].message.contains("--max-part-size"));
}

#[test]
fn passed_deadline_is_failed_not_complete() {
    let bytes = include_bytes!("../../../fixtures/docx/lo-notes.docx");
    let extraction = extract_named(
        bytes,
        "slow.docx",
        &Limits::default(),
        Deadline::after(std::time::Duration::ZERO),
    );
    assert_eq!(
        extraction.status(),
        ExtractionStatus::Failed,
        "{:#?}",
        extraction.problems
    );
    assert!(
        extraction
            .problems
            .iter()
            .any(|p| p.impact == Impact::Failed && p.message.contains("time budget"))
    );
}

#[test]
fn orphan_headers_are_still_read() {
    let header = format!("<w:hdr {W}><w:p><w:r><w:t>孤立页眉：机密</w:t></w:r></w:p></w:hdr>");
    let main = document(&["正文"]);
    let extraction = read(&package(&[
        ("word/document.xml", main.as_bytes()),
        ("word/header7.xml", header.as_bytes()),
    ]));
    let segment = segment_with(&extraction, "孤立页眉");
    assert_eq!(segment.part, Part::Header);
    assert_eq!(
        segment.label.as_deref(),
        Some("not referenced by the document")
    );
}

#[test]
fn header_labels_say_when_not_shown() {
    let sections = [
        Section {
            references: vec![
                ("first".into(), "rId1".into()),
                ("even".into(), "rId2".into()),
            ],
            title_page: false,
        },
        Section {
            references: vec![("default".into(), "rId3".into())],
            title_page: false,
        },
    ];
    let labels = header_labels(&sections, false);
    assert_eq!(
        labels["rId1"],
        "section 1, first page, not shown (no titlePg)"
    );
    assert_eq!(
        labels["rId2"],
        "section 1, even pages, not shown (no evenAndOddHeaders)"
    );
    assert_eq!(labels["rId3"], "section 2, all pages");
}

#[test]
fn nested_word_documents_are_read_as_attachments() {
    let inner_main = document(&["嵌入文档：机密★1年"]);
    let inner = package(&[("word/document.xml", inner_main.as_bytes())]);
    let main = document(&["外层"]);
    let extraction = read(&package(&[
        ("word/document.xml", main.as_bytes()),
        ("word/embeddings/Microsoft_Word_Document.docx", &inner),
    ]));
    let segment = segment_with(&extraction, "嵌入文档");
    assert_eq!(segment.part, Part::Attachment);
    assert_eq!(
        segment.label.as_deref(),
        Some("word/embeddings/Microsoft_Word_Document.docx, body")
    );
    assert_eq!(extraction.status(), ExtractionStatus::Complete);
    let too_deep = Limits {
        max_depth: 0,
        ..Limits::default()
    };
    let bytes = package(&[
        ("word/document.xml", main.as_bytes()),
        ("word/embeddings/Microsoft_Word_Document.docx", &inner),
    ]);
    let extraction = extract_named(&bytes, "x.docx", &too_deep, Deadline::never());
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert!(extraction.problems[0].message.contains("--max-depth"));
}
