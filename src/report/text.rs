//! The terminal report: one line per document with its verdict, then one
//! line per finding, then a summary. Colour only when asked (the CLI asks
//! on a terminal without `NO_COLOR`).

use crate::document::Severity;
use crate::review::{Review, Verdict};
use std::fmt::Write;

pub struct TextOptions {
    pub colour: bool,
    /// Print only documents that are not `pass`, and the summary.
    pub quiet: bool,
}

const RESET: &str = "\x1b[0m";

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour {
        format!("\x1b[{code}m{text}{RESET}")
    } else {
        text.to_owned()
    }
}

fn verdict_label(verdict: Verdict, colour: bool) -> String {
    match verdict {
        Verdict::Pass => paint(colour, "32", "PASS"),
        Verdict::Review => paint(colour, "33", "REVIEW"),
        Verdict::Block => paint(colour, "1;31", "BLOCK"),
    }
}

fn severity_label(severity: Severity, colour: bool) -> String {
    match severity {
        Severity::Info => paint(colour, "2", "info"),
        Severity::Review => paint(colour, "33", "review"),
        Severity::Block => paint(colour, "31", "block"),
    }
}

pub fn render(review: &Review, options: &TextOptions) -> Vec<u8> {
    let colour = options.colour;
    let mut out = String::new();
    for document in &review.documents {
        if options.quiet && document.verdict == Verdict::Pass {
            continue;
        }
        let _ = write!(
            out,
            "{} {}",
            verdict_label(document.verdict, colour),
            document.path
        );
        if document.extraction.status != crate::document::ExtractionStatus::Complete {
            let _ = write!(out, " ({})", document.extraction.status.as_str());
        }
        out.push('\n');
        for problem in &document.extraction.problems {
            let _ = writeln!(out, "  ! {}", problem.message);
        }
        for finding in &document.findings {
            let location = &finding.location;
            let mut place = format!("{}:{}:{}", document.path, location.line, location.column);
            if let (Some(sheet), Some(cell)) = (&location.sheet, &location.cell) {
                place = format!("{}!{sheet}!{cell}", document.path);
            }
            let page = location.page.map(|p| format!(" p{p}")).unwrap_or_default();
            let highlighted = highlight(&finding.context, &finding.text, colour);
            let _ = writeln!(
                out,
                "  {place} [{}{page}] {} {}  {}",
                location.part,
                finding.rule,
                severity_label(finding.severity, colour),
                highlighted
            );
        }
    }
    let summary = &review.summary;
    let _ = writeln!(
        out,
        "{} documents: {} pass, {} review, {} block; {} findings",
        summary.documents, summary.pass, summary.review, summary.block, summary.findings
    );
    out.into_bytes()
}

fn highlight(context: &str, matched: &str, colour: bool) -> String {
    if matched.is_empty() {
        return context.to_owned();
    }
    match context.find(matched) {
        Some(at) if colour => format!(
            "{}{}{}",
            &context[..at],
            paint(true, "1;4", matched),
            &context[at + matched.len()..]
        ),
        Some(at) => format!(
            "{}[{}]{}",
            &context[..at],
            matched,
            &context[at + matched.len()..]
        ),
        None => context.to_owned(),
    }
}
