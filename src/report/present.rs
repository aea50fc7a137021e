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
use super::messages;
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

/// Finds the matched text in its context (first occurrence). A finding
/// with no matched text (a notice about the whole document) is its context
/// alone: there is nothing to emphasise, and no empty "命中：" to print.
pub fn highlight(context: &str, text: &str) -> Highlight {
    if text.is_empty() {
        return Highlight {
            before: clean(context),
            matched: String::new(),
            after: String::new(),
            found: true,
        };
    }
    match context.find(text) {
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

/// The picture of an OCR finding's line, if it is one: a review read back
/// from a file is shown only a base64 PNG, never whatever else a `crop`
/// field might hold.
pub fn crop(finding: &crate::review::Finding) -> Option<&crate::review::Crop> {
    use base64::Engine;
    let crop = finding.crop.as_ref()?;
    let png = base64::engine::general_purpose::STANDARD
        .decode(&crop.png)
        .ok()?;
    png.starts_with(b"\x89PNG\r\n\x1a\n").then_some(crop)
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

/// "页眉：…" / "header: …" for an extraction problem, the problem in the
/// report language ([`messages`]); "整个文件" / "whole
/// file" when no part is named. Not cleaned: callers clean or escape.
pub fn problem(lang: Lang, part: Option<&str>, message: &str) -> String {
    let part = match part {
        Some(name) => Part::parse(name)
            .map(|p| labels::part(lang, p).to_string())
            .unwrap_or_else(|| name.to_string()),
        None => lang.labels().whole_file.to_string(),
    };
    labelled(lang, &part, &messages::sentence(lang, message))
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
    if let Some(approver) = decision
        .approver
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        lines.push(labelled(lang, l.approver, &clean(approver)));
    }
    let waived = finding.waived.is_some();
    if let Some(expires) = &decision.expires
        && waived
    {
        let space = if lang == Lang::Zh { "" } else { " " };
        lines.push(format!("{}{space}{}", l.expires, date(lang, expires)));
    }
    let status = if waived {
        Some(labelled(lang, l.waived, l.waived_note))
    } else if decision.decision == DecisionKind::Keep && decision.unapproved {
        Some(l.unapproved.to_string())
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

/// A document's verdict as every form prints it: with the number of
/// waived findings beside it ("可公开（3 项已豁免）"), counted from the
/// findings so a review written before `waived` was recorded shows it too.
pub fn verdict(lang: Lang, document: &DocumentReview) -> String {
    labels::verdict_waived(lang, document.verdict, waived_findings(document))
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

/// One row of the §5.10 form: the item fields above a document's findings,
/// the opinions and the 发布记录 under them.
///
/// The three printable formats lay these out in their own way; building the
/// rows once keeps the fields, their order and their choices identical.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormRow {
    pub label: &'static str,
    /// A value filled in already (from the options or read from the
    /// document), [`clean`]ed; `None` leaves a line to write on when the
    /// row has nothing else.
    pub value: Option<String>,
    /// Printed small after a value read from the document.
    pub note: Option<&'static str>,
    /// Boxes to tick, in order.
    pub choices: Vec<&'static str>,
    /// After the choices, a caption (possibly empty) followed by a line to
    /// write on: "理由和依据：____", or the line after "其他：".
    pub written: Option<&'static str>,
    /// Captioned lines to write on, one under the other (发布记录).
    pub blanks: Vec<&'static str>,
    /// A box tall enough to write a paragraph in (内容摘要).
    pub tall: bool,
    /// Room for a written opinion, then signature and date lines.
    pub signed: bool,
    /// Printed before the signature line: "审查人：王五" from `--reviewer`.
    pub name: Option<String>,
}

impl FormRow {
    /// Whether the row is only a line to write on.
    pub fn is_blank(&self) -> bool {
        self.value.is_none()
            && self.choices.is_empty()
            && self.written.is_none()
            && self.blanks.is_empty()
            && !self.tall
            && !self.signed
    }
}

/// The item fields of a document's form (domain.md §5.10): 编号, 文件标题,
/// 文号, 成文日期 (filled from the document where its 版头 and 落款 could
/// be read, see [`crate::review::particulars`]), 索引号, 载体形式, 公开属性,
/// 公开方式, 公开范围, 拟公开时间, 内容摘要.
pub fn item_rows(
    lang: Lang,
    options: &RenderOptions,
    index: usize,
    document: &DocumentReview,
) -> Vec<FormRow> {
    let l = lang.labels();
    let particulars = &document.particulars;
    let read = |label, value: &Option<String>| FormRow {
        label,
        value: value.as_deref().map(clean),
        note: value.as_ref().map(|_| l.read_from_document),
        ..FormRow::default()
    };
    let blank = |label| FormRow {
        label,
        ..FormRow::default()
    };
    vec![
        FormRow {
            value: field(&options.batch).map(|batch| format!("{batch}-{index:03}")),
            ..blank(l.form_number)
        },
        read(l.doc_title, &particulars.title),
        read(l.doc_number, &particulars.number),
        read(l.doc_date, &particulars.date),
        blank(l.index_number),
        FormRow {
            choices: l.carriers.to_vec(),
            ..blank(l.carrier)
        },
        FormRow {
            choices: vec![
                l.disclosure_active,
                l.disclosure_on_request,
                l.disclosure_withheld,
            ],
            written: Some(l.disclosure_basis),
            ..blank(l.disclosure)
        },
        FormRow {
            choices: l.channels.to_vec(),
            written: Some(""),
            ..blank(l.channel)
        },
        blank(l.scope),
        blank(l.publish_time),
        FormRow {
            tall: true,
            ..blank(l.abstract_)
        },
    ]
}

/// The review form under a document's findings: 承办人初审意见, 部门负责人
/// 审核意见, 保密审查意见 (同意公开 / 不同意公开 / 修改后公开 / 需报上级保密
/// 工作机构审查), 保密审查负责人/分管领导签发, and the 发布记录
/// (domain.md §5.10).
pub fn form_rows(lang: Lang, options: &RenderOptions) -> Vec<FormRow> {
    let l = lang.labels();
    let opinion = |label| FormRow {
        label,
        signed: true,
        ..FormRow::default()
    };
    vec![
        opinion(l.clerk_opinion),
        opinion(l.head_opinion),
        FormRow {
            choices: vec![
                l.secrecy_agree,
                l.secrecy_withhold,
                l.secrecy_after_revision,
                l.secrecy_refer,
            ],
            name: field(&options.reviewer).map(|name| labelled(lang, l.reviewer, &name)),
            ..opinion(l.secrecy_opinion)
        },
        opinion(l.approval),
        FormRow {
            label: l.record,
            blanks: l.record_fields.to_vec(),
            ..FormRow::default()
        },
    ]
}

/// Findings with their number on the form.
pub type Numbered<'a> = Vec<(usize, &'a Finding)>;

/// A document's findings as the form lists them, numbered: first those to
/// decide (block and review, and any finding a decision was recorded on),
/// then the info findings, listed apart without decision boxes.
pub fn split_findings(document: &DocumentReview) -> (Numbered<'_>, Numbered<'_>) {
    let is_info = |f: &Finding| {
        f.severity == crate::extract::document::Severity::Info && f.decision.is_none()
    };
    let decide: Vec<&Finding> = document.findings.iter().filter(|f| !is_info(f)).collect();
    let info: Vec<&Finding> = document.findings.iter().filter(|f| is_info(f)).collect();
    let first_info = decide.len() + 1;
    (
        decide
            .into_iter()
            .enumerate()
            .map(|(i, f)| (i + 1, f))
            .collect(),
        info.into_iter()
            .enumerate()
            .map(|(i, f)| (first_info + i, f))
            .collect(),
    )
}

/// A waived finding as the form lists it: what, who kept it, who approved
/// the keep, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaivedRow {
    pub number: usize,
    pub rule: String,
    pub text: String,
    pub reviewer: String,
    /// `—` when the finding needed no approver (not block-level).
    pub approver: String,
    pub reason: String,
}

/// The waived findings of a document, numbered as in its findings table.
pub fn waived_rows(lang: Lang, document: &DocumentReview) -> Vec<WaivedRow> {
    let l = lang.labels();
    let (decide, info) = split_findings(document);
    decide
        .into_iter()
        .chain(info)
        .filter_map(|(number, finding)| {
            let waiver = finding.waived.as_ref()?;
            let day = date(lang, &waiver.date);
            Some(WaivedRow {
                number,
                rule: clean(&finding.rule),
                text: clean(&finding.text),
                reviewer: format!("{}{}{day}", clean(&waiver.by), separator(lang)),
                approver: waiver
                    .approver
                    .as_deref()
                    .map(clean)
                    .unwrap_or_else(|| l.not_recorded.to_owned()),
                reason: clean(&waiver.reason),
            })
        })
        .collect()
}

/// Problems as the form lists them: one line per problem, except that the
/// same problem on a run of pages is one line, its pages collapsed
/// ("第 2–13 页：…", not twelve lines). A problem's page is read from the
/// start of its message ("page 7: …", "第7页：…"); problems without one are
/// listed as they are, in order.
pub fn problem_lines(lang: Lang, problems: &[crate::review::ProblemReport]) -> Vec<String> {
    struct Run<'a> {
        part: Option<&'a str>,
        /// The first page's whole message: a run of one page is said as
        /// it was, so its sentence is translated whole.
        message: &'a str,
        rest: &'a str,
        first: u32,
        last: u32,
    }
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<Run> = None;
    let flush = |run: &mut Option<Run>, out: &mut Vec<String>| {
        if let Some(run) = run.take() {
            if run.first == run.last {
                out.push(problem(lang, run.part, run.message));
            } else {
                let pages = labels::page_range(lang, run.first, run.last);
                let rest = messages::value(lang, run.rest);
                out.push(problem(lang, run.part, &labelled(lang, &pages, &rest)));
            }
        }
    };
    for item in problems {
        let part = item.part.as_deref();
        match page_of(&item.message) {
            Some((page, rest)) => match &mut run {
                Some(same) if same.part == part && same.rest == rest && same.last + 1 == page => {
                    same.last = page;
                }
                _ => {
                    flush(&mut run, &mut out);
                    run = Some(Run {
                        part,
                        message: &item.message,
                        rest,
                        first: page,
                        last: page,
                    });
                }
            },
            None => {
                flush(&mut run, &mut out);
                out.push(problem(lang, part, &item.message));
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The page a problem's message starts with, and the rest of it:
/// "page 7: no text layer" → (7, "no text layer"); also "第7页：…".
fn page_of(message: &str) -> Option<(u32, &str)> {
    if let Some(rest) = message.strip_prefix("page ") {
        // "page 7: …", or a sentence about the page ("page 7 has no text
        // layer …").
        let digits_end = rest.find(|c: char| !c.is_ascii_digit())?;
        let page = rest[..digits_end].parse().ok()?;
        let rest = &rest[digits_end..];
        // A page drawn whole for OCR is named "page 7 (rendered)": its
        // problems are the page's.
        let rest = rest.strip_prefix(" (rendered)").unwrap_or(rest);
        let rest = rest.strip_prefix(": ").or_else(|| rest.strip_prefix(' '))?;
        return Some((page, rest));
    }
    let rest = message.strip_prefix('第')?;
    let (digits, rest) = rest.split_once('页')?;
    let rest = rest
        .strip_prefix('：')
        .or_else(|| rest.strip_prefix(": "))?;
    Some((digits.trim().parse().ok()?, rest))
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
        // No matched text: the context alone, with nothing emphasised and
        // no empty "命中：" line.
        let whole = highlight("[作者] 张三", "");
        assert!(whole.found);
        assert_eq!(
            (whole.before.as_str(), whole.matched.as_str()),
            ("[作者] 张三", "")
        );
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
                "承办人初审意见",
                "部门负责人审核意见",
                "保密审查意见",
                "保密审查负责人/分管领导签发",
                "发布记录",
            ]
        );
        assert_eq!(
            rows[2].choices,
            [
                "同意公开",
                "不同意公开",
                "修改后公开",
                "需报上级保密工作机构审查"
            ]
        );
        assert_eq!(rows[2].name.as_deref(), Some("审查人：王五"));
        assert!(rows[..4].iter().all(|row| row.signed));
        assert_eq!(
            rows[4].blanks,
            ["发布日期：", "发布渠道/网址：", "发布人："]
        );
        assert!(
            form_rows(Lang::Zh, &RenderOptions::default())[2]
                .name
                .is_none()
        );
        // The item fields, in the order of a 审查单, in both languages.
        let mut document = crate::report::fixture::review().documents.remove(0);
        document.particulars.number = Some("X政发〔2024〕12号".into());
        let options = RenderOptions {
            batch: Some("2024-03".into()),
            ..RenderOptions::default()
        };
        for lang in [Lang::Zh, Lang::En] {
            let items = item_rows(lang, &options, 3, &document);
            let labels: Vec<&str> = items.iter().map(|row| row.label).collect();
            let l = lang.labels();
            assert_eq!(
                labels,
                [
                    l.form_number,
                    l.doc_title,
                    l.doc_number,
                    l.doc_date,
                    l.index_number,
                    l.carrier,
                    l.disclosure,
                    l.channel,
                    l.scope,
                    l.publish_time,
                    l.abstract_
                ]
            );
            assert_eq!(items[0].value.as_deref(), Some("2024-03-003"));
            assert_eq!(items[2].value.as_deref(), Some("X政发〔2024〕12号"));
            assert!(items[1].value.is_none() && items[1].is_blank());
            assert!(items[10].tall);
        }
        assert_eq!(
            item_rows(Lang::Zh, &options, 1, &document)[6].choices,
            ["主动公开", "依申请公开", "不予公开"]
        );
    }

    #[test]
    fn repeated_problems_on_a_run_of_pages_collapse_to_one_line() {
        let problem = |part: Option<&str>, message: String| crate::review::ProblemReport {
            part: part.map(str::to_owned),
            message,
        };
        let mut problems: Vec<_> = (2..=13)
            .map(|page| {
                problem(
                    Some("body"),
                    format!("page {page}: no text layer (scanned image)"),
                )
            })
            .collect();
        problems.push(problem(
            Some("body"),
            "page 15: no text layer (scanned image)".into(),
        ));
        problems.push(problem(None, "encrypted".into()));
        problems.push(problem(Some("body"), "page 16: malformed".into()));
        // Pages drawn whole for OCR are the pages themselves.
        for page in [20, 21] {
            problems.push(problem(
                Some("image"),
                format!("page {page} (rendered): OCR confidence 49%: check by eye"),
            ));
        }
        let lines = problem_lines(Lang::Zh, &problems);
        assert_eq!(
            lines,
            [
                "正文：第 2–13 页：没有文字层（扫描图像）",
                "正文：第 15 页：没有文字层（扫描图像）",
                "整个文件：encrypted",
                "正文：第 16 页：malformed",
                "图片（OCR 识别）：第 20–21 页：OCR 置信度 49%：请目视核对",
            ]
        );
        let sentences: Vec<_> = (3..=5)
            .map(|page| problem(Some("body"), format!("page {page} has no text layer")))
            .collect();
        assert_eq!(
            problem_lines(Lang::En, &sentences),
            ["body: pages 3–5: has no text layer"]
        );
        let english = problem_lines(Lang::En, &problems[..12]);
        assert_eq!(english, ["body: pages 2–13: no text layer (scanned image)"]);
        // Already in Chinese ("第7页：…"), the same.
        let chinese: Vec<_> = (7..=8)
            .map(|page| problem(Some("body"), format!("第{page}页：无文字层")))
            .collect();
        assert_eq!(
            problem_lines(Lang::Zh, &chinese),
            ["正文：第 7–8 页：无文字层"]
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
