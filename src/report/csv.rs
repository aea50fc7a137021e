//! One row per finding, for spreadsheets and scripts.
//!
//! RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a
//! comma, quote or line break, quotes doubled. UTF-8 with a byte-order mark,
//! because without it Excel reads the file as the local ANSI code page and
//! the Chinese turns to mojibake.
//!
//! The header names are fixed English identifiers (scripts read them, and
//! they do not change with `--lang`); values are the model's identifiers
//! (`block`, `header`), not translations.
//!
//! A document that could not be fully read has no finding for the text that
//! was not read, so each extraction problem gets a row of its own with the
//! rule `extraction.partial` or `extraction.failed`: a spreadsheet of the
//! batch never hides an unread document.
//!
//! Reviewer decisions fill the last four columns (appended, so scripts
//! that read the first fifteen by position keep working): `decision`
//! (`remove` / `revise` / `keep`), `reviewer`, `decision_date`, and `waived`
//! (`true` when a current `keep` waives the finding; `false` otherwise, also
//! for an expired `keep`; empty on rows that are not findings). A decision whose finding no longer appears gets a
//! row of its own, like an extraction problem: rule `decision.resolved` or
//! `decision.stale`, no severity, the decided text, the decision's id, and
//! the decided rule named in the message.
//!
//! An input that was not reviewed (hidden, filtered out, an empty folder, a
//! report prepub wrote) gets a row too: no verdict, the rule
//! `skipped.<reason>` (`skipped.hidden`, `skipped.prepub_report`, …) and
//! the reason in words as the message.
//!
//! Cells that begin with `=`, `+`, `-`, `@`, tab or CR are prefixed with `'`:
//! Excel and LibreOffice would otherwise run them as formulas, and the text
//! comes from documents nobody has vetted yet (CSV injection).

use super::RenderOptions;
use crate::batch::spill::DocumentSource;
use crate::review::{Decision, DocumentReview, Review, SkippedInput};

/// The column names; the header row is also the mark by which a later scan
/// knows the file for prepub's own ([`crate::review::signature`]).
pub const HEADER: [&str; 19] = crate::review::signature::CSV_HEADER;

const BOM: &str = "\u{FEFF}";

pub fn render(review: &Review, options: &RenderOptions) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write(review, &review.documents, options, &mut out)?;
    Ok(out)
}

/// Writes the rows of `documents`, one document at a time, then a row for
/// each input of `head` that was not reviewed.
pub fn write(
    head: &Review,
    documents: &dyn DocumentSource,
    _options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let mut buffer = String::with_capacity(16 * 1024);
    buffer.push_str(BOM);
    row(&mut buffer, HEADER.iter().map(|h| h.to_string()));
    let mut flush = |buffer: &mut String| {
        let written = out
            .write_all(buffer.as_bytes())
            .map_err(|e| format!("cannot write the report: {e}"));
        buffer.clear();
        written
    };
    flush(&mut buffer)?;
    documents.try_for_each(&mut |document| {
        document_rows(&mut buffer, document);
        flush(&mut buffer)
    })?;
    for input in &head.skipped {
        skipped_row(&mut buffer, input);
    }
    flush(&mut buffer)
}

/// An input that was not reviewed: no verdict, the rule
/// `skipped.<reason>`, the reason in words as the message.
fn skipped_row(out: &mut String, input: &SkippedInput) {
    let mut fields = vec![String::new(); HEADER.len()];
    fields[0] = input.path.clone();
    fields[2] = format!("skipped.{}", input.reason.as_str());
    fields[13] = input.message.clone();
    row(out, fields);
}

/// A document's problem rows, finding rows and decision rows.
fn document_rows(out: &mut String, document: &DocumentReview) {
    problem_rows(out, document);
    for finding in &document.findings {
        let at = &finding.location;
        let decision = finding.decision.as_ref();
        row(
            out,
            [
                document.path.clone(),
                document.verdict.as_str().to_string(),
                finding.rule.clone(),
                finding.severity.as_str().to_string(),
                at.part.as_str().to_string(),
                at.page.map(|p| p.to_string()).unwrap_or_default(),
                at.line.to_string(),
                at.column.to_string(),
                finding.text.clone(),
                finding.context.clone(),
                at.sheet.clone().unwrap_or_default(),
                at.cell.clone().unwrap_or_default(),
                finding.category.as_str().to_string(),
                finding.message.clone(),
                finding.id.clone(),
                decision
                    .map(|d| d.decision.as_str().to_string())
                    .unwrap_or_default(),
                decision.map(|d| d.by.clone()).unwrap_or_default(),
                decision.map(|d| d.date.clone()).unwrap_or_default(),
                finding.waived.is_some().to_string(),
            ],
        );
    }
    for decision in &document.resolved {
        decision_row(
            out,
            document,
            decision,
            "decision.resolved",
            "resolved: the text is gone",
        );
    }
    let stale =
        if document.extraction.status == crate::extract::document::ExtractionStatus::Complete {
            "stale: the finding no longer appears"
        } else {
            "stale: the document was not fully read"
        };
    for decision in &document.stale_decisions {
        decision_row(out, document, decision, "decision.stale", stale);
    }
}

/// A decision whose finding is not in the document (any more).
fn decision_row(
    out: &mut String,
    document: &DocumentReview,
    decision: &Decision,
    rule: &str,
    status: &str,
) {
    let mut fields = vec![String::new(); HEADER.len()];
    fields[0] = document.path.clone();
    fields[1] = document.verdict.as_str().to_string();
    fields[2] = rule.to_string();
    fields[8] = decision.text.clone();
    fields[13] = format!("{} ({status})", decision.rule);
    fields[14] = decision.id.clone();
    fields[15] = decision.decision.as_str().to_string();
    fields[16] = decision.reviewer.clone();
    fields[17] = decision.date.clone();
    row(out, fields);
}

fn problem_rows(out: &mut String, document: &DocumentReview) {
    let rule = match document.extraction.status {
        crate::extract::document::ExtractionStatus::Complete => return,
        crate::extract::document::ExtractionStatus::Partial => "extraction.partial",
        crate::extract::document::ExtractionStatus::Failed => "extraction.failed",
    };
    for problem in &document.extraction.problems {
        let mut fields = vec![String::new(); HEADER.len()];
        fields[0] = document.path.clone();
        fields[1] = document.verdict.as_str().to_string();
        fields[2] = rule.to_string();
        fields[4] = problem.part.clone().unwrap_or_default();
        fields[13] = problem.message.clone();
        row(out, fields);
    }
}

fn row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, &field);
    }
    out.push_str("\r\n");
}

fn push_field(out: &mut String, field: &str) {
    let defused = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&defused.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&defused);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    /// A small RFC 4180 reader, written from the RFC, to check the writer
    /// against something other than itself.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' => {
                    assert!(field.is_empty(), "quote inside an unquoted field");
                    quoted = true;
                }
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'), "bare CR");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                '\n' => panic!("bare LF outside quotes"),
                c => field.push(c),
            }
        }
        assert!(!quoted, "unterminated quote");
        assert!(
            field.is_empty() && row.is_empty(),
            "last row not terminated"
        );
        rows
    }

    fn rendered() -> String {
        let bytes = render(&fixture::review(), &RenderOptions::default()).unwrap();
        String::from_utf8(bytes).expect("UTF-8")
    }

    #[test]
    fn starts_with_a_bom_and_parses_back() {
        let text = rendered();
        let body = text.strip_prefix('\u{FEFF}').expect("BOM first");
        let rows = parse(body);
        assert_eq!(rows[0], HEADER);
        assert!(rows.iter().all(|r| r.len() == HEADER.len()));
        // 8 findings + 2 extraction problems (one failed, one partial) + 1
        // resolved and 2 stale decisions + 4 inputs not reviewed.
        assert_eq!(rows.len(), 1 + 8 + 2 + 3 + 4);
        let skipped: Vec<(&str, &str)> = rows[rows.len() - 4..]
            .iter()
            .map(|r| (r[2].as_str(), r[1].as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("skipped.empty_folder", ""),
                ("skipped.hidden", ""),
                ("skipped.prepub_report", ""),
                ("skipped.excluded_by_filter", "")
            ]
        );
        // The decision columns come last: the first fifteen keep their place.
        assert_eq!(
            HEADER[15..],
            ["decision", "reviewer", "decision_date", "waived"]
        );
        assert_eq!(HEADER[14], "id");
    }

    #[test]
    fn chinese_text_quotes_and_commas_round_trip() {
        let review = fixture::review();
        let rows = parse(rendered().trim_start_matches('\u{FEFF}'));
        let by_id = |id: &str| {
            rows.iter()
                .find(|r| r[14] == id)
                .unwrap_or_else(|| panic!("row for {id}"))
        };
        for document in &review.documents {
            for finding in &document.findings {
                let row = by_id(&finding.id);
                assert_eq!(row[0], document.path);
                assert_eq!(row[8], finding.text);
                assert_eq!(row[9], finding.context);
                assert_eq!(row[13], finding.message);
            }
        }
        let id_card = by_id("0a1b2c3d4e5f6a7b");
        assert_eq!(
            id_card[..8],
            [
                "drafts/关于开展2024年度安全检查的通知.docx",
                "block",
                "personal.cn.id_card",
                "review",
                "body",
                "2",
                "14",
                "11"
            ]
        );
        let cell = by_id("3b2a1f0e9d8c7b6a");
        assert_eq!(
            cell[9],
            "李*\t139****0001\t\"备注, 含逗号\" | 竖线\u{000B}\u{202E}evil"
        );
        assert_eq!((cell[10].as_str(), cell[11].as_str()), ("人员名单", "B2"));
    }

    #[test]
    fn unread_documents_get_a_row() {
        let rows = parse(rendered().trim_start_matches('\u{FEFF}'));
        let failed = rows
            .iter()
            .find(|r| r[2] == "extraction.failed")
            .expect("failed row");
        assert_eq!(failed[0], "drafts/扫描件 2.pdf");
        assert_eq!(failed[1], "review");
        assert!(failed[13].contains("无文字层"));
        let partial = rows
            .iter()
            .find(|r| r[2] == "extraction.partial")
            .expect("partial row");
        assert_eq!(partial[4], "attachment");
    }

    #[test]
    fn decisions_fill_the_last_columns() {
        let rows = parse(rendered().trim_start_matches('\u{FEFF}'));
        let by_id = |id: &str| {
            rows.iter()
                .find(|r| r[14] == id)
                .unwrap_or_else(|| panic!("row for {id}"))
        };
        assert_eq!(
            by_id("8d7c6b5a4f3e2d1c")[15..],
            ["keep", "李四", "2024-02-28", "true"]
        );
        assert_eq!(by_id("8d7c6b5a4f3e2d1c")[1], "pass");
        assert_eq!(
            by_id("f1a2b3c4d5e6f708")[15..],
            ["remove", "张三", "2024-02-29", "false"]
        );
        // An expired keep waives nothing.
        assert_eq!(
            by_id("2a1f0e9d8c7b6a5f")[15..],
            ["keep", "李四", "2024-01-15", "false"]
        );
        assert_eq!(by_id("0a1b2c3d4e5f6a7b")[15..], ["", "", "", "false"]);

        let resolved = by_id("6e5d4c3b2a1f0e9d");
        assert_eq!(resolved[2], "decision.resolved");
        assert_eq!(resolved[3], "", "not a finding: no severity");
        assert_eq!(resolved[8], "137****4321");
        assert_eq!(
            resolved[13],
            "personal.cn.mobile (resolved: the text is gone)"
        );
        assert_eq!(resolved[15..], ["revise", "张三", "2024-02-29", ""]);
        assert_eq!(
            by_id("1c2d3e4f5a6b7c8d")[13],
            "personal.cn.id_card (stale: the document was not fully read)"
        );
        assert_eq!(by_id("c0de5eed0badf00d")[2], "decision.stale");
    }

    #[test]
    fn formulas_are_defused() {
        let mut out = String::new();
        push_field(&mut out, "=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(out, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        let mut out = String::new();
        push_field(&mut out, "-1");
        assert_eq!(out, "'-1");
        let mut out = String::new();
        push_field(&mut out, "a-1");
        assert_eq!(out, "a-1");
    }
}
