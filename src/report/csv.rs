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
//! Cells that begin with `=`, `+`, `-`, `@`, tab or CR are prefixed with `'`:
//! Excel and LibreOffice would otherwise run them as formulas, and the text
//! comes from documents nobody has vetted yet (CSV injection).

use super::RenderOptions;
use crate::review::{DocumentReview, Review};

pub const HEADER: [&str; 15] = [
    "document", "verdict", "rule", "severity", "part", "page", "line", "column", "text", "context",
    "sheet", "cell", "category", "message", "id",
];

const BOM: &str = "\u{FEFF}";

pub fn render(review: &Review, _options: &RenderOptions) -> Result<Vec<u8>, String> {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(BOM);
    row(&mut out, HEADER.iter().map(|h| h.to_string()));
    for document in &review.documents {
        problem_rows(&mut out, document);
        for finding in &document.findings {
            let at = &finding.location;
            row(
                &mut out,
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
                ],
            );
        }
    }
    Ok(out.into_bytes())
}

fn problem_rows(out: &mut String, document: &DocumentReview) {
    let rule = match document.extraction.status {
        crate::document::ExtractionStatus::Complete => return,
        crate::document::ExtractionStatus::Partial => "extraction.partial",
        crate::document::ExtractionStatus::Failed => "extraction.failed",
    };
    for problem in &document.extraction.problems {
        row(
            out,
            [
                document.path.clone(),
                document.verdict.as_str().to_string(),
                rule.to_string(),
                String::new(),
                problem.part.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                problem.message.clone(),
                String::new(),
            ],
        );
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
        // 7 findings + 2 extraction problems (one failed, one partial).
        assert_eq!(rows.len(), 1 + 7 + 2);
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
