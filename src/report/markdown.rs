//! The sign-off form as Markdown, for people who review in a repository.
//!
//! Same content as the HTML form: the batch cover, then one section per
//! document with its facts, findings table and the §5.10 review fields.
//! Written for GitHub/GitLab-flavoured Markdown (pipe tables); the few raw
//! HTML tags used (`<a id>`, `<br>`, `<mark>`) are ones those renderers keep;
//! the first line is an HTML comment naming prepub as the generator (the
//! mark that keeps a later scan from reviewing the form as a draft).
//!
//! All review text is escaped so that it stays text: Markdown punctuation is
//! backslash-escaped, `<`, `>` and `&` become entities (a draft's `<script>`
//! must not become raw HTML), and `|` cannot end a table cell.

use super::RenderOptions;
use super::labels::{self, BOX, Lang, TICKED};
use super::messages;
use super::present::{self, DecisionCell, Highlight, PastDecision};
use crate::batch::spill::DocumentSource;
use crate::review::{DecisionKind, DocumentReview, Finding, Review, SkippedInput, Summary};
use std::fmt::Write as _;

/// A line to write on.
const BLANK: &str = "____________";

pub fn render(review: &Review, options: &RenderOptions) -> Result<Vec<u8>, String> {
    super::render_whole(write, review, options)
}

/// Writes the form of `review` (whose own `documents` are not read) with
/// the documents of `documents`: one pass to count them for the cover, then
/// the cover's table and the documents' sections one document at a time.
pub fn write(
    review: &Review,
    documents: &dyn DocumentSource,
    options: &RenderOptions,
    writer: &mut dyn std::io::Write,
) -> Result<(), String> {
    let summary = present::summary_of(documents)?;
    let mut out = String::with_capacity(32 * 1024);
    let lang = options.lang;
    cover(&mut out, review, documents, &summary, options, writer)?;
    let total = documents.count();
    let mut index = 0;
    documents.try_for_each(&mut |document| {
        index += 1;
        section(&mut out, lang, index, total, document, options);
        present::flush(&mut out, writer)
    })
}

/// Escapes text for Markdown inline content (paragraphs, list items and
/// table cells), after making control characters visible.
pub fn escape(text: &str) -> String {
    escape_clean(&present::clean(text))
}

fn escape_clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '$' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    // What would open a block when it starts a line or a list item: a list
    // marker (`-`, `+`, `1.`, `1)`) or a setext underline (`=`).
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    } else {
        let digits = out.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(out.as_bytes().get(digits), Some(b'.' | b')')) {
            out.insert(digits, '\\');
        }
    }
    out
}

/// `- **label**：value` (value already escaped), or a line to write on.
fn item(out: &mut String, lang: Lang, label: &str, value: Option<&str>) {
    let value = value.unwrap_or(BLANK);
    let _ = writeln!(
        out,
        "- {}",
        present::labelled(lang, &format!("**{label}**"), value)
    );
}

/// The cover's table of what was not reviewed, and why.
fn skipped(out: &mut String, lang: Lang, skipped: &[SkippedInput]) {
    if skipped.is_empty() {
        return;
    }
    let l = lang.labels();
    let _ = writeln!(
        out,
        "### {}\n\n{}\n\n| {} | {} | {} | {} |\n|---:|---|---|---|",
        l.skipped_section,
        l.skipped_note,
        l.number,
        l.skipped_path,
        l.skipped_reason,
        l.skipped_details
    );
    for (i, input) in skipped.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            i + 1,
            escape(&input.path),
            labels::skip_reason(lang, input.reason),
            escape(&messages::sentence(lang, &input.message))
        );
    }
    out.push('\n');
}

fn cover(
    out: &mut String,
    review: &Review,
    documents: &dyn DocumentSource,
    summary: &Summary,
    options: &RenderOptions,
    writer: &mut dyn std::io::Write,
) -> Result<(), String> {
    let lang = options.lang;
    let l = lang.labels();
    let _ = writeln!(
        out,
        "{}\n<a id=\"top\"></a>\n\n# {}\n\n{}\n",
        crate::review::signature::markdown_mark(&review.tool),
        l.title,
        l.subtitle
    );
    item(
        out,
        lang,
        l.batch,
        present::field(&options.batch)
            .map(|v| escape_clean(&v))
            .as_deref(),
    );
    item(
        out,
        lang,
        l.date,
        Some(&escape(&present::date(lang, &review.started_at))),
    );
    item(
        out,
        lang,
        l.reviewer,
        present::field(&options.reviewer)
            .map(|v| escape_clean(&v))
            .as_deref(),
    );
    item(
        out,
        lang,
        l.department,
        present::field(&options.department)
            .map(|v| escape_clean(&v))
            .as_deref(),
    );
    item(
        out,
        lang,
        l.tool,
        Some(&escape(&format!(
            "{} {}",
            review.tool.name, review.tool.version
        ))),
    );
    item(
        out,
        lang,
        l.rules_digest,
        Some(&escape(&review.rules.digest)),
    );
    if !review.rules.packs.is_empty() {
        let packs: Vec<String> = review
            .rules
            .packs
            .iter()
            .map(|pack| format!("{} {}", pack.name, pack.version))
            .collect();
        item(out, lang, l.rule_packs, Some(&escape(&packs.join(", "))));
    }
    if let Some(info) = &review.decisions {
        item(
            out,
            lang,
            l.decisions_file,
            Some(&escape_clean(
                &present::decisions_file(lang, info).join(" · "),
            )),
        );
    }

    let _ = write!(out, "\n## {}\n\n", l.summary);
    out.push_str(&escape(&present::summary_counts(lang, summary)));
    out.push(' ');
    out.push_str(&escape(&present::summary_verdict_counts(lang, summary)));
    if let Some(line) = present::summary_decision_counts(lang, review.decisions.as_ref(), summary) {
        out.push(' ');
        out.push_str(&escape(&line));
    }
    if !review.skipped.is_empty() {
        out.push(' ');
        out.push_str(&escape(&labels::skipped_count(lang, review.skipped.len())));
    }
    out.push_str("\n\n");

    if documents.count() == 0 {
        let _ = writeln!(out, "{}\n", l.no_documents);
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |\n|---:|---|---|---|---:|---|",
            l.number, l.document, l.format, l.extraction, l.findings_count, l.tool_verdict
        );
        present::flush(out, writer)?;
        let mut i = 0;
        documents.try_for_each(&mut |document| {
            let _ = writeln!(
                out,
                "| {} | [{}](#{}) | {} | {} | {} | {} |",
                i + 1,
                escape(&document.path),
                present::anchor(i + 1),
                escape(&document.format),
                labels::extraction_status(lang, document.extraction.status),
                escape(&labels::findings_cell(
                    lang,
                    present::open_findings(document),
                    present::waived_findings(document)
                )),
                present::verdict(lang, document),
            );
            i += 1;
            present::flush(out, writer)
        })?;
        out.push('\n');
    }
    skipped(out, lang, &review.skipped);
    let _ = writeln!(out, "> **{}**\n", l.statement);
    present::flush(out, writer)
}

fn section(
    out: &mut String,
    lang: Lang,
    index: usize,
    total: usize,
    document: &DocumentReview,
    options: &RenderOptions,
) {
    let l = lang.labels();
    let _ = writeln!(out, "---\n\n<a id=\"{}\"></a>\n", present::anchor(index));
    let _ = writeln!(
        out,
        "## {index}. {}\n",
        escape(&present::file_name(&document.path))
    );
    let mut running = format!("{} · {}", l.title, labels::document_of(lang, index, total));
    if let Some(batch) = present::field(&options.batch) {
        running = format!("{running} · {} {batch}", l.batch);
    }
    let _ = writeln!(out, "{}\n", escape(&running));
    form_table(
        out,
        lang,
        l.item_section,
        &present::item_rows(lang, options, index, document),
    );
    let _ = write!(out, "### {}\n\n", l.tool_section);

    item(out, lang, l.file_name, Some(&escape(&document.path)));
    item(out, lang, l.sha256, Some(&escape(&document.sha256)));
    item(out, lang, l.format, Some(&escape(&document.format)));
    let pages = document.pages.map(|p| p.to_string());
    item(
        out,
        lang,
        l.pages,
        Some(pages.as_deref().unwrap_or(l.not_recorded)),
    );
    item(
        out,
        lang,
        l.size,
        Some(&escape(&present::size(lang, document.bytes))),
    );
    if let Some(encoding) = &document.extraction.encoding {
        item(out, lang, l.encoding, Some(&escape(encoding)));
    }
    if let Some(department) = present::field(&options.department) {
        item(out, lang, l.department, Some(&escape_clean(&department)));
    }
    item(
        out,
        lang,
        l.extraction,
        Some(labels::extraction_status(lang, document.extraction.status)),
    );
    for problem in present::problem_lines(lang, &document.extraction.problems) {
        let _ = writeln!(out, "  - {}", escape(&problem));
    }
    item(
        out,
        lang,
        l.tool_verdict,
        Some(&format!("**{}**", present::verdict(lang, document))),
    );
    for reason in &document.reasons {
        let _ = writeln!(out, "  - {}", escape(&messages::sentence(lang, reason)));
    }

    let _ = write!(out, "\n### {}\n\n", l.findings);
    if document.findings.is_empty() {
        let _ = writeln!(out, "{}\n", l.no_findings);
    } else {
        findings(out, lang, &document.findings);
    }
    let waived = present::waived_rows(lang, document);
    if !waived.is_empty() {
        waived_findings(out, lang, &waived);
    }
    let past = present::past_decisions(lang, document);
    if !past.is_empty() {
        past_decisions(out, lang, &past);
    }
    form_table(
        out,
        lang,
        l.review_section,
        &present::form_rows(lang, options),
    );
    let _ = writeln!(out, "[{}](#top)\n", l.back_to_summary);
}

/// The findings that need a decision, then the info findings in a table of
/// their own: on ordinary documents most findings are info (office
/// landlines, institutional mailboxes), and listed in one table they hid
/// the few a reviewer must decide. Numbers stay those of the whole list.
fn findings(out: &mut String, lang: Lang, findings: &[Finding]) {
    let is_note = |finding: &Finding| {
        finding.severity == crate::extract::document::Severity::Info && finding.waived.is_none()
    };
    let decide: Vec<(usize, &Finding)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| !is_note(f))
        .collect();
    let notes: Vec<(usize, &Finding)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| is_note(f))
        .collect();
    if !decide.is_empty() {
        finding_table(out, lang, &decide, Table::ToDecide);
    }
    if !notes.is_empty() {
        let heading = match lang {
            Lang::Zh => "提示（info，无需决定，发布前可酌情处理）",
            Lang::En => "Notes (info: no decision needed)",
        };
        let _ = write!(out, "#### {heading}\n\n");
        finding_table(out, lang, &notes, Table::Notes);
    }
}

/// Which of a document's two finding tables is written: the notes have no
/// severity (all are info) and no decision boxes (nothing is decided).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    ToDecide,
    Notes,
}

fn finding_table(out: &mut String, lang: Lang, findings: &[(usize, &Finding)], table: Table) {
    let l = lang.labels();
    if table == Table::Notes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n|---:|---|---|---|",
            l.number, l.location, l.rule, l.matched_text
        );
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |\n|---:|---|---|---|---|---|",
            l.number, l.location, l.rule, l.severity, l.matched_text, l.decision
        );
    }
    for &(i, finding) in findings {
        let mut content = highlight(
            lang,
            &present::highlight(&messages::context(lang, &finding.context), &finding.text),
        );
        let _ = write!(content, "<br>{}", escape(&messages::finding(lang, finding)));
        for step in &finding.explain {
            let _ = write!(content, "<br>· {}", escape(step));
        }
        // Number, location, rule and category: the same in both tables.
        let lead = format!(
            "| {} | {} | {}<br>{} |",
            i + 1,
            escape(&present::location(lang, &finding.location)),
            escape(&finding.rule),
            labels::category(lang, finding.category),
        );
        if table == Table::Notes {
            let _ = writeln!(out, "{lead} {content} |");
            continue;
        }
        let decision = present::decision_cell(lang, finding);
        let mut severity = labels::severity(lang, finding.severity).to_string();
        if decision.waived {
            let _ = write!(severity, "<br>**{}**", l.waived);
        }
        let _ = writeln!(
            out,
            "{lead} {severity} | {content} | {} |",
            decision_cell(lang, &decision),
        );
    }
    out.push('\n');
}

/// A box and its word; a ticked one in bold.
fn choice(lang: Lang, kind: DecisionKind, ticked: bool) -> String {
    let word = labels::decision(lang, kind);
    if ticked {
        format!("{TICKED} **{word}**")
    } else {
        format!("{BOX} {word}")
    }
}

/// □ 删除 □ 修改 □ 保留<br>理由：____, or the recorded decision ticked with
/// its reason, reviewer, date and status.
fn decision_cell(lang: Lang, cell: &DecisionCell) -> String {
    let l = lang.labels();
    let mut out = [
        DecisionKind::Remove,
        DecisionKind::Revise,
        DecisionKind::Keep,
    ]
    .into_iter()
    .map(|kind| choice(lang, kind, cell.ticked == Some(kind)))
    .collect::<Vec<_>>()
    .join(" ");
    if cell.blank_reason {
        let _ = write!(out, "<br>{}{BLANK}", l.decision_reason);
    }
    for line in &cell.lines {
        let _ = write!(out, "<br>{}", escape_clean(line));
    }
    if let Some(status) = &cell.status {
        // In <strong>: `**` does not close before CJK punctuation.
        let _ = write!(out, "<br><strong>{}</strong>", escape_clean(status));
    }
    out
}

fn past_decisions(out: &mut String, lang: Lang, past: &[PastDecision]) {
    let l = lang.labels();
    let _ = writeln!(
        out,
        "### {}\n\n| {} | {} | {} | {} |\n|---|---|---|---|",
        l.past_decisions, l.status, l.decision, l.rule, l.match_label
    );
    for entry in past {
        let mut decided = choice(lang, entry.decision, true);
        for line in &entry.lines {
            let _ = write!(decided, "<br>{}", escape_clean(line));
        }
        let _ = writeln!(
            out,
            "| {} | {decided} | {}<br>{} | <mark>{}</mark> |",
            escape(entry.status),
            escape_clean(&entry.rule),
            escape_clean(&entry.id),
            escape_clean(&entry.text),
        );
    }
    out.push('\n');
}

/// The context with its match in `<mark>`. (`**` would fail to close next
/// to CJK punctuation under CommonMark's flanking rules.)
fn highlight(lang: Lang, highlight: &Highlight) -> String {
    if highlight.found {
        format!(
            "{}<mark>{}</mark>{}",
            escape_clean(&highlight.before),
            escape_clean(&highlight.matched),
            escape_clean(&highlight.after)
        )
    } else {
        format!(
            "{}<br>{}<mark>{}</mark>",
            escape_clean(&highlight.before),
            present::labelled(lang, lang.labels().match_label, ""),
            escape_clean(&highlight.matched)
        )
    }
}

/// The waived findings with who kept each, who approved it and why.
fn waived_findings(out: &mut String, lang: Lang, rows: &[present::WaivedRow]) {
    let l = lang.labels();
    let _ = writeln!(
        out,
        "### {}\n\n| {} | {} | {} | {} | {} | {} |\n|---:|---|---|---|---|---|",
        l.waived_section, l.number, l.rule, l.match_label, l.reviewer, l.approver, l.reasons
    );
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.number,
            escape(&row.rule),
            escape(&row.text),
            escape(&row.reviewer),
            escape(&row.approver),
            escape(&row.reason)
        );
    }
    out.push('\n');
}

/// Rows of the §5.10 form under a heading, as a two-column table.
fn form_table(out: &mut String, lang: Lang, heading: &str, rows: &[present::FormRow]) {
    let l = lang.labels();
    let _ = writeln!(
        out,
        "### {heading}\n\n| {} | {} |\n|---|---|",
        l.form_item, l.form_entry
    );
    for row in rows {
        let mut cell = String::new();
        if let Some(value) = &row.value {
            cell.push_str(&escape(value));
            if let Some(note) = row.note {
                let _ = write!(cell, " {note}");
            }
        }
        for (i, choice) in row.choices.iter().enumerate() {
            if i > 0 {
                cell.push(' ');
            }
            let _ = write!(cell, "{BOX} {choice}");
        }
        if let Some(caption) = row.written {
            if !row.choices.is_empty() && !caption.is_empty() {
                cell.push_str("<br>");
            }
            let _ = write!(cell, "{caption}{BLANK}");
        }
        for (i, caption) in row.blanks.iter().enumerate() {
            if i > 0 {
                cell.push_str("<br>");
            }
            let _ = write!(cell, "{caption}{BLANK}");
        }
        if row.is_blank() {
            cell.push_str(BLANK);
        }
        if row.tall {
            cell.push_str("<br><br><br><br>");
        }
        if row.signed {
            // Room to write the opinion.
            cell.push_str("<br><br><br>");
            if let Some(name) = &row.name {
                let _ = write!(cell, "{} ", escape_clean(name));
            }
            let _ = write!(cell, "{}{BLANK} {}{BLANK}", l.signature, l.signed_date);
        }
        let _ = writeln!(out, "| {} | {cell} |", row.label);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn render_zh() -> String {
        let options = RenderOptions {
            reviewer: Some("王五".into()),
            batch: Some("2024-03 第一批".into()),
            ..RenderOptions::default()
        };
        String::from_utf8(render(&fixture::review(), &options).unwrap()).unwrap()
    }

    #[test]
    fn info_findings_are_listed_apart() {
        let markdown = render_zh();
        // The fixture's one info finding is metadata.author, in the document
        // that also holds hidden.docx.comments (review).
        let info = markdown.find("| metadata.author<br>").expect("info row");
        let heading = markdown.find("#### 提示（info").expect("an info table");
        let review = markdown
            .find("| hidden.docx.comments<br>")
            .expect("review row");
        assert!(review < heading && heading < info, "{markdown}");
        assert_eq!(markdown.matches("#### 提示（info").count(), 1, "{markdown}");
    }

    #[test]
    fn escape_keeps_text_as_text() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("**x** [y](z)"), "\\*\\*x\\*\\* \\[y\\](z)");
        assert_eq!(escape("id_card"), "id\\_card");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("2024. 年"), "2024\\. 年");
        assert_eq!(escape("2024-03"), "2024-03");
    }

    #[test]
    fn document_text_cannot_break_tables_or_inject_html() {
        let md = render_zh();
        assert!(!md.contains("<script"));
        assert!(!md.contains("</table>"));
        assert!(!md.contains("<b>"));
        // Every row of every table has the same number of unescaped pipes
        // as its header.
        for table in md.split("\n\n").filter(|block| block.starts_with("| ")) {
            let pipes = |line: &str| line.replace("\\|", "").matches('|').count();
            let mut lines = table.lines();
            let header = pipes(lines.next().unwrap());
            for line in lines {
                assert_eq!(pipes(line), header, "{line}");
            }
        }
    }

    #[test]
    fn markdown_carries_the_same_form() {
        let md = render_zh();
        assert!(md.starts_with(
            "<!-- generator: prepub 0.1.0 -->\n<a id=\"top\"></a>\n\n# 信息公开保密审查单\n"
        ));
        assert!(md.contains("另有 4 项未纳入审查（见下表）。"));
        assert!(
            md.contains(
                "| 4 | web/&lt;b onclick=alert(1)&gt;旧版&lt;/b&gt;.html | 被 --exclude 排除 |"
            ),
            "{md}"
        );
        assert!(md.contains("自动扫描仅为辅助，不替代人工保密审查"));
        assert!(md.contains("- **审查日期**：2024年3月1日"));
        assert!(md.contains("- **承办部门**：____________"));
        assert!(md.contains("[drafts/扫描件 2.pdf](#doc-2)"));
        // Eight findings, two with a decision in force and one a note (info:
        // no boxes).
        assert_eq!(md.matches("□ 删除 □ 修改 □ 保留<br>理由：").count(), 5);
        assert_eq!(
            md.matches(
                "| 保密审查意见 | □ 同意公开 □ 不同意公开 □ 修改后公开 □ 需报上级保密工作机构审查"
            )
            .count(),
            5
        );
        assert_eq!(md.matches("审查人：王五 签名：").count(), 5);
        assert!(md.contains("身份证号<mark>110101\\*\\*\\*\\*\\*\\*\\*\\*1234</mark>，电话"));
        assert!(md.contains("  - 整个文件：3 页均无文字层"));
    }

    #[test]
    fn recorded_decisions_replace_the_empty_boxes() {
        let md = render_zh();
        assert!(md.contains(
            "| 复核<br>**已豁免** | 咨询电话：<mark>138\\*\\*\\*\\*0000</mark>（值班手机）<br>手机号码 | \
             □ 删除 □ 修改 ☑ **保留**<br>理由：值班手机号已在政府网站公开 &lt;b&gt;可保留&lt;/b&gt;\
             <br>审查人：李四，2024年2月28日<br>有效期至2024年12月31日\
             <br><strong>已豁免：审查人决定保留，不计入工具初判</strong> |"
        ));
        assert!(md.contains(
            "☑ **删除** □ 修改 □ 保留<br>审查人：张三，2024年2月29日<br><strong>原文仍在，尚未处理</strong>"
        ));
        assert!(md.contains("<strong>保留决定已于2024年2月29日到期，须重新决定</strong>"));
        assert_eq!(md.matches("### 已处理和失效的决定").count(), 3);
        assert!(md.contains("| 已处理：原文已不再出现 | ☑ **修改**<br>理由：改为单位值班电话"));
        assert!(md.contains(
            "| 5 | [notices/公告.txt](#doc-5) | txt | 已完整读取 | 0（另豁免 1） | 可公开（1 项已豁免） |"
        ));
        assert!(md.contains("另有已豁免的发现 1 处；已处理的决定 1 项，失效的决定 2 项。"));
    }
}
