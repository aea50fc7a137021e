//! The story reader on hand-written WordprocessingML: one behaviour per
//! test, small enough to see why it fails.

use super::*;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml""#;

struct Read {
    lines: Vec<(Part, Option<u32>, Option<String>, String)>,
    facts: Facts,
    outcome: Outcome,
}

impl Read {
    /// Text of every line of `part`, in order.
    fn texts(&self, part: Part) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|line| line.0 == part)
            .flat_map(|line| line.3.lines())
            .collect()
    }

    fn page_of(&self, needle: &str) -> Option<u32> {
        self.lines
            .iter()
            .find(|line| line.3.contains(needle))
            .and_then(|line| line.1)
    }

    fn label_of(&self, needle: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|line| line.3.contains(needle))
            .and_then(|line| line.2.as_deref())
    }
}

fn read_with(kind: StoryKind, inner: &str, styles: &Styles, facts: Facts) -> Read {
    let root = match kind {
        StoryKind::Document => "document",
        StoryKind::Header => "hdr",
        StoryKind::Footer => "ftr",
        StoryKind::Footnotes => "footnotes",
        StoryKind::Endnotes => "endnotes",
        StoryKind::Comments => "comments",
    };
    let body = if kind == StoryKind::Document {
        format!("<w:body>{inner}</w:body>")
    } else {
        inner.to_owned()
    };
    let xml = format!("<w:{root} {NS}>{body}</w:{root}>");
    raw(kind, &xml, styles, facts)
}

fn raw(kind: StoryKind, xml: &str, styles: &Styles, mut facts: Facts) -> Read {
    let mut sink = Sink::default();
    let outcome = super::read(
        xml,
        kind,
        None,
        styles,
        Deadline::never(),
        &mut sink,
        &mut facts,
    );
    let lines = sink
        .into_segments()
        .into_iter()
        .map(|s| (s.part, s.page, s.label, s.text))
        .collect();
    Read {
        lines,
        facts,
        outcome,
    }
}

fn body(inner: &str) -> Read {
    read_with(
        StoryKind::Document,
        inner,
        &Styles::default(),
        Facts::default(),
    )
}

fn p(content: &str) -> String {
    format!("<w:p>{content}</w:p>")
}

fn r(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

#[test]
fn runs_are_joined_per_paragraph() {
    let read = body(&(p(&(r("机密") + &r("★") + &r("1年"))) + &p(&r("第二段"))));
    assert_eq!(read.texts(Part::Body), ["机密★1年", "第二段"]);
    assert_eq!(read.outcome.stop, None);
}

#[test]
fn indentation_between_elements_is_not_text() {
    let read =
        body("<w:p>\n  <w:r>\n    <w:t>机密</w:t>\n  </w:r>\n  <w:r><w:t>★1年</w:t></w:r>\n</w:p>");
    assert_eq!(read.texts(Part::Body), ["机密★1年"]);
}

#[test]
fn entities_and_tabs() {
    let read = body(&p(
        "<w:r><w:t>A&amp;B&#x4E2D;</w:t><w:tab/><w:t>C</w:t><w:br/><w:t>D</w:t><w:noBreakHyphen/><w:t>E</w:t></w:r>",
    ));
    assert_eq!(read.texts(Part::Body), ["A&B中\tC D-E"]);
}

#[test]
fn deletions_insertions_and_moves_are_their_own_parts() {
    let read = body(&p(&format!(
        r#"{}<w:ins w:author="张三" w:date="2024-03-01T10:00:00Z">{}</w:ins><w:del w:author="李四" w:date="2024-03-02T00:00:00Z"><w:r><w:delText>绝密</w:delText></w:r></w:del><w:moveFrom w:author="王五"><w:r><w:delText>挪走</w:delText></w:r></w:moveFrom><w:moveTo w:author="王五">{}</w:moveTo>"#,
        r("正文"),
        r("插入"),
        r("挪来")
    )));
    assert_eq!(read.texts(Part::Body), ["正文"]);
    assert_eq!(read.texts(Part::Insertion), ["插入", "挪来"]);
    assert_eq!(read.texts(Part::Deletion), ["绝密", "挪走"]);
    assert_eq!(read.label_of("插入"), Some("张三, 2024-03-01"));
    assert_eq!(read.label_of("绝密"), Some("李四, 2024-03-02"));
    assert_eq!(read.facts.revisions, 4);
    assert_eq!(
        read.facts.revision_authors.iter().collect::<Vec<_>>(),
        ["张三", "李四", "王五"]
    );
}

#[test]
fn adjacent_pieces_of_one_change_count_once() {
    let ins = |text: &str| format!(r#"<w:ins w:author="甲">{}</w:ins>"#, r(text));
    let read = body(&p(&(ins("机密") + &ins("★") + &ins("1年"))));
    assert_eq!(read.texts(Part::Insertion), ["机密★1年"]);
    assert_eq!(read.facts.revisions, 1);
}

#[test]
fn deletion_inside_insertion_is_a_deletion() {
    let read = body(&p(
        r#"<w:ins w:author="甲"><w:del w:author="乙"><w:r><w:delText>删掉</w:delText></w:r></w:del></w:ins>"#,
    ));
    assert_eq!(read.texts(Part::Deletion), ["删掉"]);
    assert!(read.texts(Part::Insertion).is_empty());
    assert_eq!(read.facts.revision_authors.len(), 2);
}

#[test]
fn hidden_runs_and_styles() {
    let (styles, _) = Styles::parse(&format!(
        r#"<w:styles {NS}><w:style w:type="character" w:styleId="H"><w:rPr><w:vanish/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="HP"><w:rPr><w:vanish/></w:rPr></w:style></w:styles>"#
    ));
    let inner = [
        p(&format!(
            "{}<w:r><w:rPr><w:vanish/></w:rPr><w:t>直接隐藏</w:t></w:r>",
            r("可见")
        )),
        p(r#"<w:r><w:rPr><w:rStyle w:val="H"/></w:rPr><w:t>样式隐藏</w:t></w:r>"#),
        p(r#"<w:r><w:rPr><w:specVanish/></w:rPr><w:t>特殊隐藏</w:t></w:r>"#),
        p(r#"<w:pPr><w:pStyle w:val="HP"/></w:pPr><w:r><w:t>段落样式隐藏</w:t></w:r>"#),
        p(r#"<w:pPr><w:pStyle w:val="HP"/></w:pPr><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显式可见</w:t></w:r>"#),
    ]
    .concat();
    let read = read_with(StoryKind::Document, &inner, &styles, Facts::default());
    assert_eq!(read.texts(Part::Body), ["可见", "显式可见"]);
    assert_eq!(
        read.texts(Part::Hidden),
        ["直接隐藏", "样式隐藏", "特殊隐藏", "段落样式隐藏"]
    );
    assert_eq!(read.facts.hidden_passages, 4);
    assert_eq!(
        read.facts.first_hidden.as_ref().map(|h| h.0.as_str()),
        Some("直接隐藏")
    );
}

#[test]
fn hidden_paragraph_marks_and_old_formatting_hide_nothing() {
    let inner = p(&format!(
        r#"<w:pPr><w:rPr><w:vanish/><w:specVanish/></w:rPr></w:pPr><w:r><w:rPr><w:rPrChange w:author="甲"><w:rPr><w:vanish/></w:rPr></w:rPrChange></w:rPr><w:t>标题</w:t></w:r>{}"#,
        r("正文")
    ));
    let read = body(&inner);
    assert_eq!(read.texts(Part::Body), ["标题正文"]);
    assert!(read.texts(Part::Hidden).is_empty());
    assert_eq!(read.facts.formatting_changes, 1);
}

#[test]
fn a_hidden_paragraph_mark_runs_into_the_next_paragraph() {
    let inner = p(&format!(
        r#"<w:pPr><w:rPr><w:ins w:author="甲"><w:t>不是文字</w:t></w:ins><w:vanish/><w:specVanish/></w:rPr></w:pPr>{}"#,
        r("会议地点")
    )) + &p(&r(". 会议在北京举行"))
        + &p(&r("下一段"));
    let read = body(&inner);
    assert_eq!(
        read.texts(Part::Body),
        ["会议地点. 会议在北京举行", "下一段"]
    );
    assert!(read.texts(Part::Insertion).is_empty());
    assert_eq!(read.facts.revisions, 0);
}

#[test]
fn tables_rows_are_lines_and_cells_never_join() {
    let cell = |content: &str| format!("<w:tc>{content}</w:tc>");
    let nested = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}</w:tr></w:tbl>",
        cell(&p(&r("甲"))),
        cell(&p(&r("乙"))),
        cell(&p(&r("丙")))
    );
    let inner = format!(
        "<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>{}",
        cell(&p(&r("机密"))),
        cell(&(p(&r("★1年")) + &p(&r("第二段")))),
        cell(""),
        cell(&p(&r("外"))),
        cell(&nested),
        p(&r("表后"))
    );
    let read = body(&inner);
    assert_eq!(
        read.texts(Part::Body),
        ["机密\t★1年 第二段", "外\t甲\t乙\t丙", "表后"]
    );
}

#[test]
fn field_codes_are_not_body_text() {
    let field = |code: &str, result: &str| {
        format!(
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{code}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{}<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
            r(result)
        )
    };
    let inner =
        p(&(field(" PAGE ", "3") + &field(r#" HYPERLINK "http://10.0.0.1/机密.doc" "#, "链接")));
    let read = body(&inner);
    assert_eq!(read.texts(Part::Body), ["3链接"]);
    assert_eq!(
        read.texts(Part::Hidden),
        [r#"HYPERLINK "http://10.0.0.1/机密.doc""#]
    );
    assert_eq!(read.label_of("HYPERLINK"), Some("field code"));
    assert_eq!(read.facts.hidden_passages, 0);
}

#[test]
fn text_inside_a_field_code_belongs_to_the_code() {
    // { IF 1 = 1 "{ MERGEFIELD 名 }" "否则：秘密" } with result "甲".
    let inner = p(&format!(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF 1 = 1 "</w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD 名 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{}<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText>" "否则：秘密" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{}<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
        r("张"),
        r("甲")
    ));
    let read = body(&inner);
    assert_eq!(read.texts(Part::Body), ["甲"]);
    assert_eq!(read.texts(Part::Hidden), [r#"IF 1 = 1 "张" "否则：秘密""#]);
}

#[test]
fn a_field_that_never_ends_keeps_its_code() {
    let inner = p(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDETEXT "\\srv\机密.docx" </w:instrText></w:r>"#,
    );
    let read = body(&inner);
    assert_eq!(
        read.texts(Part::Hidden),
        [r#"INCLUDETEXT "\\srv\机密.docx""#]
    );
}

#[test]
fn form_fields_show_what_the_reader_sees() {
    let check = |checked: &str| {
        format!(
            r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="0"/>{checked}</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
        )
    };
    let drop_down = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList><w:result w:val="1"/><w:listEntry w:val="主动公开"/><w:listEntry w:val="不予公开"/></w:ddList></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let inner = p(&(check("<w:checked/>") + &r("是") + &check("") + &r("否")))
        + &p(drop_down)
        + &p(
            r#"<w:r><w:sym w:font="Wingdings" w:char="F0FE"/><w:sym w:font="Wingdings" w:char="F0A8"/><w:sym w:font="Symbol" w:char="F0B7"/></w:r>"#,
        );
    let read = body(&inner);
    assert_eq!(read.texts(Part::Body), ["☒是☐否", "不予公开", "☑☐"]);
}

#[test]
fn content_control_properties_are_not_text() {
    let inner = format!(
        r#"<w:sdt><w:sdtPr><w:alias w:val="别名"/><w:placeholder><w:docPart w:val="x"/></w:placeholder><w:dropDownList><w:listItem w:displayText="选项" w:value="1"/></w:dropDownList></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>"#,
        p(&r("控件内容"))
    );
    let read = body(&inner);
    assert_eq!(read.texts(Part::Body), ["控件内容"]);
    assert_eq!(read.lines.len(), 1);
}

#[test]
fn text_boxes_are_read_once_and_on_their_own_lines() {
    let text_box = format!(
        r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="框" descr="替代：秘密"/><w:txbxContent>{}</w:txbxContent></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
        p(&r("框内")),
        p(&r("框内"))
    );
    let read = body(&p(&(r("前") + &text_box + &r("后"))));
    assert_eq!(read.texts(Part::Body), ["前后"]);
    assert_eq!(read.texts(Part::Textbox), ["框内"]);
    assert_eq!(read.texts(Part::Hidden), ["替代：秘密"]);
    assert_eq!(read.label_of("替代"), Some("alt text"));
}

#[test]
fn a_marking_only_in_the_fallback_is_read() {
    let alternate = format!(
        r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><w:txbxContent>{}</w:txbxContent></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{}{}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
        p(&r("公开材料")),
        p(&r("机密★1年")),
        p(&r("第二段"))
    );
    let read = body(&p(&(r("前") + &alternate + &r("后"))));
    assert_eq!(read.texts(Part::Body), ["前后"]);
    assert_eq!(read.texts(Part::Textbox), ["公开材料"]);
    assert_eq!(read.texts(Part::Hidden), ["机密★1年", "第二段"]);
    assert!(read.label_of("机密").unwrap().contains("mc:Fallback"));
}

#[test]
fn a_second_choice_and_an_empty_choice_are_read() {
    let alternate = r#"<w:r><mc:AlternateContent><mc:Choice Requires="w14"/><mc:Choice Requires="wps"><w:t>秘密★5年</w:t></mc:Choice><mc:Fallback><w:t>秘密★5年</w:t></mc:Fallback></mc:AlternateContent></w:r>"#;
    let read = body(&p(alternate));
    // The second Choice is read; the Fallback repeats it and is not.
    assert_eq!(read.texts(Part::Hidden), ["秘密★5年"]);
    assert!(read.label_of("秘密").unwrap().contains("further mc:Choice"));
}

#[test]
fn dtd_entities_are_expanded_in_the_story() {
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "机"><!ENTITY b "密★1年">]><w:document {NS}><w:body>{}</w:body></w:document>"#,
        p(r#"<w:r><w:t>&a;&b;</w:t></w:r>"#)
    );
    let read = raw(
        StoryKind::Document,
        &xml,
        &Styles::default(),
        Facts::default(),
    );
    assert!(read.outcome.stop.is_none(), "{:?}", read.outcome.stop);
    assert!(read.outcome.entities_over.is_none());
    let text = read.texts(Part::Body);
    assert_eq!(text, ["机密★1年"]);
}

#[test]
fn watermark_in_a_header() {
    let inner =
        p(r#"<w:r><w:pict><v:shape><v:textpath string="内部资料"/></v:shape></w:pict></w:r>"#);
    let mut sink = Sink::default();
    let mut facts = Facts::default();
    let xml = format!("<w:hdr {NS}>{inner}</w:hdr>");
    super::read(
        &xml,
        StoryKind::Header,
        Some("all pages".into()),
        &Styles::default(),
        Deadline::never(),
        &mut sink,
        &mut facts,
    );
    let segments = sink.into_segments();
    assert_eq!(segments.len(), 1);
    assert_eq!(segments[0].part, Part::Textbox);
    assert_eq!(segments[0].text, "内部资料");
    assert_eq!(segments[0].label.as_deref(), Some("in header, all pages"));
}

#[test]
fn pages_count_breaks_once() {
    let rendered = r#"<w:r><w:lastRenderedPageBreak/><w:t>二</w:t></w:r>"#;
    let inner = [
        p(&r("一")),
        p(r#"<w:r><w:br w:type="page"/></w:r>"#),
        p(rendered),
        p(r#"<w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>三</w:t></w:r>"#),
        p(r#"<w:r><w:t>仍三</w:t><w:br w:type="page"/><w:t>四</w:t></w:r>"#),
        p(&r("五前")),
    ]
    .concat();
    let read = body(&inner);
    assert_eq!(read.page_of("一"), Some(1));
    assert_eq!(read.page_of("二"), Some(2));
    assert_eq!(read.page_of("三"), Some(3));
    // A line keeps the page of its first character.
    assert_eq!(read.page_of("仍三"), Some(3));
    assert_eq!(read.page_of("五前"), Some(4));
    assert_eq!(read.facts.last_page, 4);
}

#[test]
fn a_row_split_over_pages_is_one_break() {
    let cell = |text: &str| {
        format!("<w:tc><w:p><w:r><w:lastRenderedPageBreak/><w:t>{text}</w:t></w:r></w:p></w:tc>")
    };
    let inner = format!(
        "{}<w:tbl><w:tr>{}{}</w:tr></w:tbl>{}",
        p(&r("一")),
        cell("甲"),
        cell("乙"),
        p(&r("后"))
    );
    let read = body(&inner);
    assert_eq!(read.page_of("甲"), Some(2));
    assert_eq!(read.page_of("后"), Some(2));
}

#[test]
fn section_breaks_start_pages_unless_continuous() {
    let section = |kind: &str| {
        format!(
            r#"<w:p><w:pPr><w:sectPr><w:type w:val="{kind}"/></w:sectPr></w:pPr><w:r><w:t>节末</w:t></w:r></w:p>"#
        )
    };
    // Section 1 ends after "节末"; section 2 is continuous (its sectPr is
    // the next one), section 3 starts a new page (no w:type = nextPage).
    let inner = format!(
        "{}{}{}{}{}<w:sectPr/>",
        section("nextPage"),
        p(&r("连续")),
        section("continuous").replace("节末", "二节末"),
        p(&r("新页")),
        ""
    );
    let read = body(&inner);
    assert_eq!(read.page_of("连续"), Some(1));
    assert_eq!(read.page_of("新页"), Some(2));
    assert_eq!(read.facts.sections.len(), 3);
}

#[test]
fn section_header_references_are_collected() {
    let inner = format!(
        r#"{}<w:sectPr><w:headerReference w:type="first" r:id="rId8"/><w:footerReference r:id="rId9"/><w:titlePg/></w:sectPr>"#,
        p(&r("正文"))
    );
    let read = body(&inner);
    assert_eq!(
        read.facts.sections,
        [Section {
            references: vec![
                ("first".into(), "rId8".into()),
                ("default".into(), "rId9".into())
            ],
            title_page: true
        }]
    );
}

#[test]
fn notes_and_comments_take_their_reference_page() {
    let mut facts = body(&format!(
        r#"{}<w:p><w:r><w:br w:type="page"/></w:r></w:p><w:p><w:commentRangeStart w:id="7"/>{}<w:r><w:footnoteReference w:id="2"/></w:r></w:p>"#,
        p(&r("一")),
        r("二")
    ))
    .facts;
    facts.threads.insert("P2".into(), (Some("P1".into()), true));
    let notes = read_with(
        StoryKind::Footnotes,
        &format!(
            r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="2">{}</w:footnote>"#,
            p(&r("脚注"))
        ),
        &Styles::default(),
        facts,
    );
    assert_eq!(notes.texts(Part::Footnote), ["脚注"]);
    assert_eq!(notes.page_of("脚注"), Some(2));
    let comments = read_with(
        StoryKind::Comments,
        &format!(
            r#"<w:comment w:id="7" w:author="张三" w:date="2024-05-01T09:00:00Z"><w:p w14:paraId="P1">{}</w:p></w:comment><w:comment w:id="8" w:author="李四" w:date="2024-05-02T09:00:00Z"><w:p w14:paraId="P2">{}</w:p></w:comment>"#,
            r("批注"),
            r("回复")
        ),
        &Styles::default(),
        notes.facts,
    );
    assert_eq!(comments.label_of("批注"), Some("张三, 2024-05-01"));
    assert_eq!(comments.page_of("批注"), Some(2));
    assert_eq!(
        comments.label_of("回复"),
        Some("李四, 2024-05-02, reply to 张三, resolved")
    );
    assert_eq!(comments.page_of("回复"), None);
    assert_eq!(comments.facts.comments, 2);
}

#[test]
fn hidden_text_in_a_comment_keeps_the_comment_label() {
    let read = read_with(
        StoryKind::Comments,
        r#"<w:comment w:id="1" w:author="王五"><w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐</w:t></w:r></w:p></w:comment>"#,
        &Styles::default(),
        Facts::default(),
    );
    assert_eq!(read.label_of("隐"), Some("王五"));
    assert_eq!(read.texts(Part::Hidden), ["隐"]);
}

#[test]
fn strict_namespace_is_word_too() {
    let xml = r#"<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body><w:p><w:r><w:t>严格</w:t></w:r></w:p></w:body></w:document>"#;
    let read = raw(
        StoryKind::Document,
        xml,
        &Styles::default(),
        Facts::default(),
    );
    assert_eq!(read.texts(Part::Body), ["严格"]);
}

#[test]
fn other_vocabularies_are_not_word_text() {
    let xml = format!(
        r#"<w:document {NS} xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body><w:p><w:r><w:t>正文</w:t></w:r><a:t>绘图</a:t></w:p></w:body></w:document>"#
    );
    let read = raw(
        StoryKind::Document,
        &xml,
        &Styles::default(),
        Facts::default(),
    );
    assert_eq!(read.texts(Part::Body), ["正文"]);
}

#[test]
fn truncated_part_keeps_what_was_read() {
    let xml = format!(
        "<w:document {NS}><w:body>{}<w:p><w:r><w:t>截断",
        p(&r("完整"))
    );
    let read = raw(
        StoryKind::Document,
        &xml,
        &Styles::default(),
        Facts::default(),
    );
    assert_eq!(read.texts(Part::Body), ["完整", "截断"]);
    assert!(matches!(read.outcome.stop, Some(Stop::Invalid(_))));
    let cut_mid_tag = format!("<w:document {NS}><w:body>{}<w:p><w:r><w:t", p(&r("完整")));
    let read = raw(
        StoryKind::Document,
        &cut_mid_tag,
        &Styles::default(),
        Facts::default(),
    );
    assert_eq!(read.texts(Part::Body), ["完整"]);
    assert!(matches!(read.outcome.stop, Some(Stop::Invalid(_))));
}

#[test]
fn mismatched_tags_are_invalid() {
    let xml =
        format!("<w:document {NS}><w:body><w:p><w:r><w:t>x</w:r></w:p></w:body></w:document>");
    let read = raw(
        StoryKind::Document,
        &xml,
        &Styles::default(),
        Facts::default(),
    );
    assert!(matches!(read.outcome.stop, Some(Stop::Invalid(_))));
}

#[test]
fn nesting_beyond_the_limit_is_skipped_and_reported() {
    let depth = MAX_XML_DEPTH + 10;
    let inner = format!(
        "{}{}{}{}",
        p(&r("浅")),
        "<w:sdt><w:sdtContent>".repeat(depth),
        p(&r("深")),
        "</w:sdtContent></w:sdt>".repeat(depth)
    ) + &p(&r("之后"));
    let read = body(&inner);
    assert_eq!(read.texts(Part::Body), ["浅", "之后"]);
    assert!(read.outcome.too_deep);
    assert_eq!(read.outcome.stop, None);
}

#[test]
fn deadline_stops_the_loop() {
    let inner = p(&r("字")).repeat(20_000);
    let xml = format!("<w:document {NS}><w:body>{inner}</w:body></w:document>");
    let mut sink = Sink::default();
    let mut facts = Facts::default();
    let passed = Deadline::after(std::time::Duration::ZERO);
    let outcome = super::read(
        &xml,
        StoryKind::Document,
        None,
        &Styles::default(),
        passed,
        &mut sink,
        &mut facts,
    );
    assert_eq!(outcome.stop, Some(Stop::Deadline));
}

#[test]
fn symbols() {
    assert_eq!(symbol("F0FE", Some("Wingdings")), Some('☑'));
    assert_eq!(symbol("F052", Some("Wingdings 2")), Some('☑'));
    assert_eq!(symbol("F0B7", Some("Symbol")), None);
    assert_eq!(symbol("2605", None), Some('★'));
    assert_eq!(symbol("zz", None), None);
}

#[test]
fn section_types_skip_old_properties() {
    let xml = format!(
        r#"<w:document {NS}><w:body><w:p><w:pPr><w:sectPr><w:type w:val="continuous"/><w:sectPrChange><w:sectPr><w:type w:val="evenPage"/></w:sectPr></w:sectPrChange></w:sectPr></w:pPr></w:p><w:sectPr/></w:body></w:document>"#
    );
    assert_eq!(section_types(&xml), [Some("continuous".into()), None]);
}
