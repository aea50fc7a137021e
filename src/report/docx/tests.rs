use super::*;
use crate::report::fixture;
use quick_xml::events::Event;
use std::io::Read;

fn options() -> RenderOptions {
    RenderOptions {
        reviewer: Some("王五".into()),
        department: Some("办公室".into()),
        batch: Some("2024-03 第一批".into()),
        ..RenderOptions::default()
    }
}

fn entry(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("the .docx is a zip");
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8 part");
    text
}

/// The text of every `w:t`, per paragraph, and counts of the elements
/// the form is made of — read back with an XML parser, so the part must
/// be well-formed.
struct Parsed {
    paragraphs: Vec<String>,
    tables: usize,
    rows: usize,
    page_breaks_before: usize,
    sections: usize,
    repeating_headers: usize,
}

fn parse(document_xml: &str) -> Parsed {
    let mut reader = quick_xml::Reader::from_str(document_xml);
    let mut parsed = Parsed {
        paragraphs: Vec::new(),
        tables: 0,
        rows: 0,
        page_breaks_before: 0,
        sections: 0,
        repeating_headers: 0,
    };
    let mut in_text = false;
    let mut current = String::new();
    loop {
        match reader.read_event().expect("well-formed document.xml") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:tbl" => parsed.tables += 1,
                "w:tr" => parsed.rows += 1,
                "w:pageBreakBefore" => parsed.page_breaks_before += 1,
                "w:sectPr" => parsed.sections += 1,
                "w:tblHeader" => parsed.repeating_headers += 1,
                "w:t" => in_text = true,
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => parsed.paragraphs.push(std::mem::take(&mut current)),
                _ => {}
            },
            Event::Text(t) if in_text => current.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                let name = r.xml10_content();
                let reference = format!("&{name};");
                let text = quick_xml::escape::unescape(&reference).expect("entity");
                current.push_str(&text);
            }
            _ => {}
        }
    }
    parsed
}

#[test]
fn the_written_file_reopens_with_tables_page_breaks_and_text() {
    let review = fixture::review();
    let docx = render(&review, &options()).unwrap();
    let parsed = parse(&entry(&docx, "word/document.xml"));
    // One Word section for the cover and one per document (each starts a
    // new page and has its own header), no page breaks besides.
    assert_eq!(parsed.sections, review.documents.len() + 1);
    assert_eq!(parsed.page_breaks_before, 0);
    // Cover: fields, summary, inputs not reviewed, statement box. Per
    // document: the item fields, the facts and the review form, plus a
    // findings table where there are findings to decide, a table of info
    // findings, of waived findings and of past decisions where there are.
    let count = |test: &dyn Fn(&crate::review::DocumentReview) -> bool| {
        review.documents.iter().filter(|d| test(d)).count()
    };
    let decide = count(&|d| !present::split_findings(d).0.is_empty());
    let info = count(&|d| !present::split_findings(d).1.is_empty());
    let waived = count(&|d| !present::waived_rows(Lang::Zh, d).is_empty());
    let past = count(&|d| !present::past_decisions(Lang::Zh, d).is_empty());
    assert_eq!((decide, past), (4, 3));
    assert_eq!(
        parsed.tables,
        4 + 3 * review.documents.len() + decide + info + waived + past
    );
    // Header rows of the summary, skipped, findings, info, waived and
    // past-decision tables repeat.
    assert_eq!(
        parsed.repeating_headers,
        1 + 1 + decide + info + waived + past
    );
    let text = parsed.paragraphs.join("\n");
    for expected in [
        "信息公开保密审查单",
        "2024年3月1日",
        "自动扫描仅为辅助，不替代人工保密审查",
        "3e1f5a7c9b2d4e6f8a0c1e3f5a7b9d1c3e5f7a9b1d3f5a7c9e1b3d5f7a9c1e3f",
        "页眉 第1页 第1行",
        "正文 第1页 第2行 人员名单!B2",
        "整个文件：3 页均无文字层（扫描图像），未能机器审查",
        "审查人：王五",
    ] {
        assert!(text.contains(expected), "missing {expected}");
    }
    // Boxes for the findings to decide only (info findings have none).
    let to_decide: usize = review
        .documents
        .iter()
        .map(|d| present::split_findings(d).0.len())
        .sum();
    for (choice, count) in [
        ("□ 删除", to_decide - 1),
        ("□ 修改", to_decide),
        ("□ 保留", to_decide - 1),
    ] {
        assert_eq!(
            parsed.paragraphs.iter().filter(|p| *p == choice).count(),
            count,
            "{choice}"
        );
    }
    for field in [
        "公开属性",
        "公开方式",
        "承办人初审意见",
        "部门负责人审核意见",
        "保密审查意见",
        "保密审查负责人/分管领导签发",
        "发布记录",
        "文件标题",
    ] {
        assert_eq!(
            parsed.paragraphs.iter().filter(|p| *p == field).count(),
            5,
            "{field}"
        );
    }
    // The match is its own run between its context.
    assert!(
        parsed
            .paragraphs
            .iter()
            .any(|p| p == "联系人：张*，身份证号110101********1234，电话138****5678")
    );
}

#[test]
fn recorded_decisions_are_ticked_and_waived_rows_marked() {
    let docx = render(&fixture::review(), &options()).unwrap();
    let xml = entry(&docx, "word/document.xml");
    let parsed = parse(&xml);
    let count = |text: &str| parsed.paragraphs.iter().filter(|p| *p == text).count();
    // Ticked in the findings (remove, the waived keep) and in the past
    // decisions (the resolved revise, the stale remove and keep).
    assert_eq!(count("☑ 删除"), 2);
    assert_eq!(count("☑ 修改"), 1);
    assert_eq!(count("☑ 保留"), 2);
    // The ticked box is in a symbol font, since the CJK fonts lack it.
    assert_eq!(
        xml.matches(r#"<w:rFonts w:ascii="Segoe UI Symbol""#)
            .count(),
        5
    );
    assert!(entry(&docx, "word/fontTable.xml").contains(r#"w:name="Segoe UI Symbol""#));
    for expected in [
        "已豁免",
        "理由：值班手机号已在政府网站公开 <b>可保留</b>",
        "审查人：李四，2024年2月28日",
        "有效期至2024年12月31日",
        "已豁免：审查人决定保留，不计入工具初判",
        "原文仍在，尚未处理",
        "保留决定已于2024年2月29日到期，须重新决定",
        "已处理和失效的决定",
        "已处理：原文已不再出现",
        "失效：文件未完整读取，无法确认是否已处理，须人工核对",
        "另豁免 1",
        "另有已豁免的发现 1 处；已处理的决定 1 项，失效的决定 2 项。",
    ] {
        assert!(
            parsed.paragraphs.iter().any(|p| p.contains(expected)),
            "missing {expected}"
        );
    }
    // The waived row's six cells are shaded.
    assert_eq!(
        xml.matches(&format!(r#"w:fill="{WAIVED_FILL}""#)).count(),
        6
    );
}

#[test]
fn document_text_stays_text_and_controls_are_visible() {
    let docx = render(&fixture::review(), &options()).unwrap();
    let xml = entry(&docx, "word/document.xml");
    assert!(!xml.contains("<script"));
    assert!(!xml.contains('\u{000B}'));
    let parsed = parse(&xml);
    let text = parsed.paragraphs.join("\n");
    assert!(text.contains("内部资料</table><script>alert(1)</script>"));
    assert!(text.contains("竖线[U+000B][U+202E]evil"));
}

#[test]
fn a4_page_fonts_and_footer() {
    let docx = render(&fixture::review(), &options()).unwrap();
    let xml = entry(&docx, "word/document.xml");
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#));
    assert!(entry(&docx, "word/styles.xml").contains(r#"w:eastAsia="仿宋""#));
    let fonts = entry(&docx, "word/fontTable.xml");
    assert!(fonts.contains(r#"<w:altName w:val="FangSong"/>"#));
    assert!(entry(&docx, "word/footer1.xml").contains("PAGE"));
    assert!(entry(&docx, "docProps/core.xml").contains("2024-03-01T08:30:05Z"));
}

#[test]
fn the_same_review_gives_the_same_bytes() {
    let review = fixture::review();
    let first = render(&review, &options()).unwrap();
    let second = render(&review, &options()).unwrap();
    assert!(first == second, "two renderings differ");
    let english = render(
        &review,
        &RenderOptions {
            lang: Lang::En,
            ..options()
        },
    )
    .unwrap();
    assert!(first != english);
}
