//! Turning review data into the strings the human-readable reports print.
//!
//! Everything in a review that came from a document — file names, matched
//! text, context, even rule messages from a user's own rule pack — is
//! untrusted. The format-specific escaping (HTML entities, XML, Markdown) is
//! each renderer's job; this module does what all of them need first: makes
//! invisible characters visible, finds the match inside its context, and
//! formats locations and dates the same way everywhere.

use super::RenderOptions;
use super::labels::{self, Lang};
use crate::batch::spill::DocumentSource;
use crate::extract::document::ExtractionStatus;
use crate::extract::document::Part;
use crate::review::{
    Decision, DecisionKind, DecisionsInfo, DocumentReview, Finding, Location, Summary,
};

/// Makes text safe to show on one line of a printed form.
///
/// - a tab (the cell separator of table rows) becomes ` | `, a line break
///   ` ↵ `, so a table row or a two-line context reads as such;
/// - other control characters, which XML 1.0 cannot carry at all and which
///   would make a DOCX or JUnit file unreadable, become `[U+000B]`;
/// - bidirectional overrides and isolates, which can make a file name read
///   backwards on screen ("trojan source"), become visible the same way;
/// - the noncharacters U+FFFE/U+FFFF, also not XML, likewise.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' => out.push_str(" | "),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str(" ↵ ");
            }
            '\n' => out.push_str(" ↵ "),
            c if is_hidden_control(c) => {
                out.push_str(&format!("[U+{:04X}]", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters that must not reach a report as themselves.
fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FFFE}'
                | '\u{FFFF}'
        )
}

/// A finding's context cut around its match, each piece already [`clean`]ed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub before: String,
    pub matched: String,
    pub after: String,
    /// False when the match does not occur in the context (the context was
    /// shortened, or the text was masked differently); renderers then print
    /// the context and the match separately rather than emphasise the wrong
    /// words.
    pub found: bool,
}

/// Finds the matched text in its context (first occurrence).
pub fn highlight(context: &str, text: &str) -> Highlight {
    match (!text.is_empty()).then(|| context.find(text)).flatten() {
        Some(start) => {
            let end = start + text.len();
            Highlight {
                before: clean(&context[..start]),
                matched: clean(text),
                after: clean(&context[end..]),
                found: true,
            }
        }
        None => Highlight {
            before: clean(context),
            matched: clean(text),
            after: String::new(),
            found: false,
        },
    }
}

/// "正文 第3页 第12行 Sheet1!C7" / "body, p. 3, line 12, Sheet1!C7".
///
/// Line 0 means the part has no lines (file properties, the file name) and
/// is left out.
pub fn location(lang: Lang, location: &Location) -> String {
    let mut pieces = vec![labels::part(lang, location.part).to_string()];
    if let Some(page) = location.page {
        pieces.push(labels::page(lang, page));
    }
    if location.line > 0 {
        pieces.push(labels::line(lang, location.line));
    }
    match (&location.sheet, &location.cell) {
        (Some(sheet), Some(cell)) => pieces.push(format!("{}!{}", clean(sheet), clean(cell))),
        (Some(sheet), None) => pieces.push(clean(sheet)),
        (None, Some(cell)) => pieces.push(clean(cell)),
        (None, None) => {}
    }
    if let Some([x, y, width, height]) = location.bbox {
        // Where the OCR line is in its picture, in the picture's pixels.
        pieces.push(match lang {
            Lang::Zh => format!("图中位置 {x},{y} {width}×{height}"),
            Lang::En => format!("at {x},{y} {width}×{height} in the picture"),
        });
    }
    let separator = match lang {
        Lang::Zh => " ",
        Lang::En => ", ",
    };
    pieces.join(separator)
}

/// The review date: the date part of the recorded scan start, never the
/// time of rendering, so `prepub report` on an old review prints the day the
/// review was made. "2024年3月1日" / "2024-03-01".
///
/// The date is taken as recorded (the scan records UTC); anything that is
/// not an RFC 3339 date is printed as it is rather than guessed at.
pub fn date(lang: Lang, started_at: &str) -> String {
    let parsed = started_at.get(..10).and_then(|day| {
        let mut fields = day.split('-');
        let year: u32 = fields.next()?.parse().ok()?;
        let month: u32 = fields.next()?.parse().ok()?;
        let day: u32 = fields.next()?.parse().ok()?;
        let valid = (1..=12).contains(&month) && (1..=31).contains(&day);
        (valid && year >= 1000).then_some((year, month, day))
    });
    match (parsed, lang) {
        (Some((year, month, day)), Lang::Zh) => format!("{year}年{month}月{day}日"),
        (Some((year, month, day)), Lang::En) => format!("{year}-{month:02}-{day:02}"),
        (None, _) => clean(started_at),
    }
}

/// An optional form field given on the command line, cleaned; `None` (a
/// blank line to write on) when absent or only whitespace.
pub fn field(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(clean)
}

/// The file name shown as a document's heading: the last path component,
/// or the archive member's name, with the full path printed beside it.
pub fn file_name(path: &str) -> String {
    let name = path
        .rsplit(['/', '\\'])
        .find(|piece| !piece.is_empty())
        .unwrap_or(path);
    clean(name)
}

/// The anchor of a document's section in HTML and Markdown.
pub fn anchor(index: usize) -> String {
    format!("doc-{index}")
}

/// Sizes for people: "12,345 字节" / "12,345 bytes".
pub fn size(lang: Lang, bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped} {}", lang.labels().bytes)
}

/// "页眉：…" / "header: …" for an extraction problem; "整个文件" / "whole
/// file" when no part is named. Not cleaned: callers clean or escape.
pub fn problem(lang: Lang, part: Option<&str>, message: &str) -> String {
    let part = match part {
        Some(name) => Part::parse(name)
            .map(|p| labels::part(lang, p).to_string())
            .unwrap_or_else(|| name.to_string()),
        None => lang.labels().whole_file.to_string(),
    };
    labelled(lang, &part, message)
}

/// "审查人：王五" / "Reviewer: Jane Doe".
pub fn labelled(lang: Lang, label: &str, value: &str) -> String {
    match lang {
        Lang::Zh => format!("{label}：{value}"),
        Lang::En => format!("{label}: {value}"),
    }
}

/// The verdict line of the summary for these documents.
pub fn verdict_counts(lang: Lang, documents: &[DocumentReview]) -> String {
    summary_verdict_counts(lang, &Summary::of(documents))
}

/// [`verdict_counts`] from a batch's [`Summary`].
pub fn summary_verdict_counts(lang: Lang, summary: &Summary) -> String {
    labels::verdict_counts(lang, summary.pass, summary.review, summary.block)
}

/// Counts `documents` (a saved review's own summary may have been edited;
/// the reports count what they show).
pub fn summary_of(documents: &dyn DocumentSource) -> Result<Summary, String> {
    let mut summary = Summary::default();
    documents.try_for_each(&mut |document| {
        summary.add(document);
        Ok(())
    })?;
    Ok(summary)
}

/// Writes what `buffer` holds to `out` and empties it: the streamed
/// renderers build one piece (a cover, a document) at a time.
pub fn flush(buffer: &mut String, out: &mut dyn std::io::Write) -> Result<(), String> {
    let written = out
        .write_all(buffer.as_bytes())
        .map_err(|e| format!("cannot write the report: {e}"));
    buffer.clear();
    written
}

/// How a finding's decision column is filled in.
///
/// The three printable forms lay it out in their own way: the boxes (one
/// ticked when a decision is in force), a reason line to write on when the
/// finding still needs a decision, the [`lines`](Self::lines) and finally
/// the emphasised [`status`](Self::status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionCell {
    /// The box a recorded decision ticks; `None` leaves every box to be
    /// ticked by hand.
    pub ticked: Option<DecisionKind>,
    /// A "理由：____" line to write on (no decision yet, or it expired).
    pub blank_reason: bool,
    /// Already cleaned: the reason, who decided and when, the expiry; for an
    /// expired `keep`, the earlier decision.
    pub lines: Vec<String>,
    /// Printed emphasised: "已豁免：…", "原文仍在，尚未处理", the expiry.
    pub status: Option<String>,
    /// The finding is waived: shown, but not counted in the verdict.
    pub waived: bool,
}

/// The decision column of one finding, from the decision recorded on it.
pub fn decision_cell(lang: Lang, finding: &Finding) -> DecisionCell {
    let l = lang.labels();
    let Some(decision) = &finding.decision else {
        return DecisionCell {
            ticked: None,
            blank_reason: true,
            lines: Vec::new(),
            status: None,
            waived: false,
        };
    };
    let by = decided_by(lang, &decision.by, &decision.date);
    if decision.expired {
        let mut earlier = format!(
            "{} {}",
            labelled(lang, l.earlier_decision, labels::TICKED),
            labels::decision(lang, decision.decision)
        );
        for piece in [
            Some(by),
            decision.reason.as_deref().map(|r| reason(lang, r)),
        ]
        .into_iter()
        .flatten()
        {
            earlier.push_str(separator(lang));
            earlier.push_str(&piece);
        }
        let expires = decision.expires.as_deref().unwrap_or(l.not_recorded);
        return DecisionCell {
            ticked: None,
            blank_reason: true,
            lines: vec![earlier],
            status: Some(labels::expired(lang, &date(lang, expires))),
            waived: false,
        };
    }
    let mut lines = Vec::new();
    if let Some(text) = &decision.reason {
        lines.push(reason(lang, text));
    }
    lines.push(by);
    let waived = finding.waived.is_some();
    if let Some(expires) = &decision.expires
        && waived
    {
        let space = if lang == Lang::Zh { "" } else { " " };
        lines.push(format!("{}{space}{}", l.expires, date(lang, expires)));
    }
    let status = if waived {
        Some(labelled(lang, l.waived, l.waived_note))
    } else if decision.decision == DecisionKind::Keep {
        // A keep that does not waive and has not expired: the review was
        // edited by hand. Say nothing rather than something untrue.
        None
    } else {
        Some(l.still_present.to_string())
    };
    DecisionCell {
        ticked: Some(decision.decision),
        blank_reason: false,
        lines,
        status,
        waived,
    }
}

/// A decision on one line, for the CI formats: "☑ 删除；理由：…；审查人：
/// 张三，2024年2月29日；原文仍在，尚未处理". Pieces already cleaned.
pub fn one_line(
    lang: Lang,
    ticked: Option<DecisionKind>,
    lines: &[String],
    status: Option<&str>,
) -> String {
    let mut pieces = Vec::new();
    if let Some(kind) = ticked {
        pieces.push(format!(
            "{} {}",
            labels::TICKED,
            labels::decision(lang, kind)
        ));
    }
    pieces.extend(lines.iter().cloned());
    pieces.extend(status.map(str::to_string));
    let separator = match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    };
    pieces.join(separator)
}

/// "理由：已公开" / "reason: published before".
fn reason(lang: Lang, text: &str) -> String {
    let label = lang.labels().decision_reason;
    match lang {
        Lang::Zh => format!("{label}{}", clean(text)),
        Lang::En => format!("{label} {}", clean(text)),
    }
}

/// "审查人：张三，2024年2月29日" / "Reviewer: Li Si, 2024-02-29".
fn decided_by(lang: Lang, by: &str, day: &str) -> String {
    format!(
        "{}{}{}",
        labelled(lang, lang.labels().reviewer, &clean(by)),
        separator(lang),
        date(lang, day)
    )
}

fn separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "，",
        Lang::En => ", ",
    }
}

/// A decision whose finding no longer appears, as a row of the table under
/// a document's findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastDecision {
    /// Resolved, stale, or stale because the document was not fully read.
    pub status: &'static str,
    pub resolved: bool,
    pub decision: DecisionKind,
    /// The lines under the ticked box: reason, who and when.
    pub lines: Vec<String>,
    pub rule: String,
    pub id: String,
    pub text: String,
}

/// The resolved decisions of a document, then its stale ones, each in the
/// order the review lists them. All strings cleaned.
pub fn past_decisions(lang: Lang, document: &DocumentReview) -> Vec<PastDecision> {
    let l = lang.labels();
    let stale_status = if document.extraction.status == ExtractionStatus::Complete {
        l.stale
    } else {
        l.stale_unread
    };
    let row = |decision: &Decision, status, resolved| {
        let mut lines = Vec::new();
        if let Some(text) = &decision.reason {
            lines.push(reason(lang, text));
        }
        lines.push(decided_by(lang, &decision.reviewer, &decision.date));
        PastDecision {
            status,
            resolved,
            decision: decision.decision,
            lines,
            rule: clean(&decision.rule),
            id: clean(&decision.id),
            text: clean(&decision.text),
        }
    };
    document
        .resolved
        .iter()
        .map(|d| row(d, l.resolved, true))
        .chain(
            document
                .stale_decisions
                .iter()
                .map(|d| row(d, stale_status, false)),
        )
        .collect()
}

/// Findings that still count: every finding not waived.
pub fn open_findings(document: &DocumentReview) -> usize {
    document
        .findings
        .iter()
        .filter(|f| f.waived.is_none())
        .count()
}

/// Waived findings of a document.
pub fn waived_findings(document: &DocumentReview) -> usize {
    document.findings.len() - open_findings(document)
}

/// The cover's count of documents and open findings.
pub fn counts(lang: Lang, documents: &[DocumentReview]) -> String {
    summary_counts(lang, &Summary::of(documents))
}

/// [`counts`] from a batch's [`Summary`] (its open findings are exactly
/// the findings no `keep` waives), for reports streamed document by
/// document.
pub fn summary_counts(lang: Lang, summary: &Summary) -> String {
    labels::counts(lang, summary.documents, summary.findings)
}

/// The cover's line of waived findings, resolved and stale decisions; only
/// when a decisions file was applied or one of them is not zero.
pub fn decision_counts(
    lang: Lang,
    info: Option<&DecisionsInfo>,
    documents: &[DocumentReview],
) -> Option<String> {
    summary_decision_counts(lang, info, &Summary::of(documents))
}

/// [`decision_counts`] from a batch's [`Summary`].
pub fn summary_decision_counts(
    lang: Lang,
    info: Option<&DecisionsInfo>,
    summary: &Summary,
) -> Option<String> {
    let (waived, resolved, stale) = (summary.waived, summary.resolved, summary.stale_decisions);
    (info.is_some() || waived + resolved + stale > 0)
        .then(|| labels::decision_counts(lang, waived, resolved, stale))
}

/// The decisions file applied, as three lines: its name, its digest, and
/// the day expiry was judged on ("截至2024年3月1日" / "as of 2024-03-01").
/// Separate lines because a digest cannot wrap where a name could.
pub fn decisions_file(lang: Lang, info: &DecisionsInfo) -> [String; 3] {
    let as_of = lang.labels().as_of;
    let space = if lang == Lang::Zh { "" } else { " " };
    [
        clean(&info.file),
        clean(&info.digest),
        format!("{as_of}{space}{}", date(lang, &info.as_of)),
    ]
}

/// One row of the §5.10 review form under each document's findings.
///
/// The three printable formats lay these out in their own way; building the
/// rows once keeps the fields, their order and their choices identical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormRow {
    pub label: &'static str,
    /// Boxes to tick, in order.
    pub choices: Vec<&'static str>,
    /// After the choices, a caption (possibly empty) followed by a line to
    /// write on: "理由和依据：____", or the line after "其他：".
    pub written: Option<&'static str>,
    /// Room for a written opinion, then signature and date lines.
    pub signed: bool,
    /// Printed before the signature line: "审查人：王五" from `--reviewer`.
    pub name: Option<String>,
}

/// The review form: 公开属性, 拟公开方式, 承办人初审意见, 承办部门负责人审核
/// 意见, 保密审查意见, 签发 (domain.md §5.10).
pub fn form_rows(lang: Lang, options: &RenderOptions) -> Vec<FormRow> {
    let l = lang.labels();
    let opinion = |label| FormRow {
        label,
        choices: Vec::new(),
        written: None,
        signed: true,
        name: None,
    };
    vec![
        FormRow {
            label: l.disclosure,
            choices: vec![
                l.disclosure_active,
                l.disclosure_on_request,
                l.disclosure_withheld,
            ],
            written: Some(l.disclosure_basis),
            signed: false,
            name: None,
        },
        FormRow {
            label: l.channel,
            choices: l.channels.to_vec(),
            written: Some(""),
            signed: false,
            name: None,
        },
        opinion(l.clerk_opinion),
        opinion(l.head_opinion),
        FormRow {
            choices: vec![
                l.secrecy_agree,
                l.secrecy_after_revision,
                l.secrecy_withhold,
            ],
            name: field(&options.reviewer).map(|name| labelled(lang, l.reviewer, &name)),
            ..opinion(l.secrecy_opinion)
        },
        opinion(l.approval),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_makes_controls_and_bidi_overrides_visible() {
        assert_eq!(clean("a\tb"), "a | b");
        assert_eq!(clean("a\r\nb\nc"), "a ↵ b ↵ c");
        assert_eq!(clean("x\u{000B}y\u{0000}"), "x[U+000B]y[U+0000]");
        assert_eq!(clean("report\u{202E}fdp.docx"), "report[U+202E]fdp.docx");
        assert_eq!(clean("秘密★1年"), "秘密★1年");
    }

    #[test]
    fn highlight_cuts_the_context_around_the_first_match() {
        let h = highlight("本文件为秘密★1年，请妥善保管秘密", "秘密★1年");
        assert_eq!(h.before, "本文件为");
        assert_eq!(h.matched, "秘密★1年");
        assert_eq!(h.after, "，请妥善保管秘密");
        assert!(h.found);
    }

    #[test]
    fn highlight_does_not_pretend_when_the_match_is_not_in_the_context() {
        let h = highlight("联系人 张*", "110***********1234");
        assert!(!h.found);
        assert_eq!(h.before, "联系人 张*");
        assert_eq!(h.matched, "110***********1234");
        assert!(!highlight("context", "").found);
    }

    #[test]
    fn location_names_part_page_line_and_cell() {
        let mut at = Location {
            part: Part::Header,
            page: Some(3),
            line: 12,
            column: 4,
            sheet: None,
            cell: None,
            bbox: None,
        };
        assert_eq!(location(Lang::Zh, &at), "页眉 第3页 第12行");
        assert_eq!(location(Lang::En, &at), "header, p. 3, line 12");
        at.bbox = Some([120, 40, 300, 30]);
        assert_eq!(
            location(Lang::En, &at),
            "header, p. 3, line 12, at 120,40 300×30 in the picture"
        );
        at.bbox = None;
        at.part = Part::Body;
        at.page = None;
        at.sheet = Some("名单".into());
        at.cell = Some("C7".into());
        assert_eq!(location(Lang::Zh, &at), "正文 第12行 名单!C7");
        at.line = 0;
        at.sheet = None;
        at.cell = None;
        at.part = Part::Metadata;
        assert_eq!(location(Lang::En, &at), "document properties");
    }

    #[test]
    fn date_is_the_recorded_day_not_today() {
        assert_eq!(date(Lang::Zh, "2024-03-01T08:30:00Z"), "2024年3月1日");
        assert_eq!(date(Lang::En, "2024-03-01T08:30:00Z"), "2024-03-01");
        assert_eq!(date(Lang::En, "yesterday"), "yesterday");
        assert_eq!(
            date(Lang::En, "2024-13-01T00:00:00Z"),
            "2024-13-01T00:00:00Z"
        );
    }

    #[test]
    fn fields_are_blank_when_absent_or_empty() {
        assert_eq!(field(&None), None);
        assert_eq!(field(&Some("  ".into())), None);
        assert_eq!(field(&Some(" 王五 ".into())), Some("王五".into()));
    }

    #[test]
    fn file_name_is_the_last_component() {
        assert_eq!(file_name("drafts/通知.docx"), "通知.docx");
        assert_eq!(file_name("a.zip!/inner/b.pdf"), "b.pdf");
        assert_eq!(file_name("plain.txt"), "plain.txt");
    }

    #[test]
    fn problems_name_their_part_in_the_report_language() {
        assert_eq!(problem(Lang::Zh, Some("header"), "x"), "页眉：x");
        assert_eq!(problem(Lang::En, None, "x"), "whole file: x");
        assert_eq!(problem(Lang::En, Some("page 3"), "x"), "page 3: x");
    }

    #[test]
    fn the_form_has_the_six_fields_in_order() {
        let options = RenderOptions {
            reviewer: Some("王五".into()),
            ..RenderOptions::default()
        };
        let rows = form_rows(Lang::Zh, &options);
        let labels: Vec<&str> = rows.iter().map(|row| row.label).collect();
        assert_eq!(
            labels,
            [
                "公开属性",
                "拟公开方式",
                "承办人初审意见",
                "承办部门负责人审核意见",
                "保密审查意见",
                "签发"
            ]
        );
        assert_eq!(rows[0].choices, ["主动公开", "依申请公开", "不予公开"]);
        assert_eq!(rows[4].choices, ["同意公开", "修改后公开", "不予公开"]);
        assert_eq!(rows[4].name.as_deref(), Some("审查人：王五"));
        assert!(rows[2..].iter().all(|row| row.signed));
        assert!(
            form_rows(Lang::Zh, &RenderOptions::default())[4]
                .name
                .is_none()
        );
    }

    #[test]
    fn decision_cells_follow_the_decision_in_force() {
        let review = crate::report::fixture::review();
        let finding = |document: usize, index: usize| &review.documents[document].findings[index];

        let open = decision_cell(Lang::Zh, finding(0, 1));
        assert_eq!((open.ticked, open.blank_reason), (None, true));
        assert!(open.lines.is_empty() && open.status.is_none() && !open.waived);

        let pending = decision_cell(Lang::Zh, finding(0, 0));
        assert_eq!(pending.ticked, Some(DecisionKind::Remove));
        assert!(!pending.blank_reason && !pending.waived);
        assert_eq!(pending.lines, ["审查人：张三，2024年2月29日"]);
        assert_eq!(pending.status.as_deref(), Some("原文仍在，尚未处理"));

        let waived = decision_cell(Lang::En, finding(4, 0));
        assert_eq!(waived.ticked, Some(DecisionKind::Keep));
        assert!(waived.waived);
        assert_eq!(
            waived.lines,
            [
                "reason: 值班手机号已在政府网站公开 <b>可保留</b>",
                "Reviewer: 李四, 2024-02-28",
                "valid until 2024-12-31"
            ]
        );

        // An expired keep: boxes empty again, the old decision shown.
        let expired = decision_cell(Lang::Zh, finding(3, 1));
        assert_eq!((expired.ticked, expired.blank_reason), (None, true));
        assert_eq!(
            expired.lines,
            ["原决定：☑ 保留，审查人：李四，2024年1月15日，理由：名单中为已公开的联系人"]
        );
        assert_eq!(
            expired.status.as_deref(),
            Some("保留决定已于2024年2月29日到期，须重新决定")
        );
    }

    #[test]
    fn past_decisions_say_resolved_or_why_stale() {
        let review = crate::report::fixture::review();
        let resolved = past_decisions(Lang::En, &review.documents[0]);
        assert_eq!(resolved.len(), 1);
        assert!(resolved[0].resolved);
        assert_eq!(resolved[0].status, "resolved: the text is gone");
        let unread = past_decisions(Lang::Zh, &review.documents[1]);
        assert_eq!(unread[0].status, labels::ZH.stale_unread);
        let stale = past_decisions(Lang::Zh, &review.documents[4]);
        assert_eq!(stale[0].status, labels::ZH.stale);
        assert!(past_decisions(Lang::Zh, &review.documents[2]).is_empty());
    }

    #[test]
    fn sizes_are_grouped() {
        assert_eq!(size(Lang::En, 1234567), "1,234,567 bytes");
        assert_eq!(size(Lang::Zh, 999), "999 字节");
    }
}
