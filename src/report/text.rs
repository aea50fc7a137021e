//! The terminal report: one line per document with its verdict, then one
//! line per finding, then a summary. Colour only when asked (the CLI asks
//! on a terminal without `NO_COLOR`).

use crate::batch::spill::DocumentSource;
use crate::extract::document::Severity;
use crate::report::present::clean;
use crate::review::{DocumentReview, Review, SkippedInput, Verdict};
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
    let mut out = Vec::new();
    // Writing to memory cannot fail, nor can reading a review's documents.
    let _ = write(review, &review.documents, options, &mut out);
    out
}

/// Writes the report of `head` (whose own `documents` are not read) with
/// the documents of `documents`, one document at a time.
pub fn write(
    head: &Review,
    documents: &dyn DocumentSource,
    options: &TextOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let mut buffer = String::new();
    let mut flush = |buffer: &mut String| {
        let written = out
            .write_all(buffer.as_bytes())
            .map_err(|e| format!("cannot write the report: {e}"));
        buffer.clear();
        written
    };
    documents.try_for_each(&mut |document| {
        document_lines(&mut buffer, document, options);
        flush(&mut buffer)
    })?;
    skipped_lines(&mut buffer, &head.skipped, options.colour);
    summary_line(&mut buffer, head);
    flush(&mut buffer)
}

/// A document's verdict line, then its problems, findings and decisions.
fn document_lines(out: &mut String, document: &DocumentReview, options: &TextOptions) {
    let colour = options.colour;
    if options.quiet && document.verdict == Verdict::Pass {
        return;
    }
    // Document text is untrusted: control characters and escape
    // sequences are shown visibly, never sent to the terminal.
    let path = clean(&document.path);
    let _ = write!(out, "{} {}", verdict_label(document.verdict, colour), path);
    if document.extraction.status != crate::extract::document::ExtractionStatus::Complete {
        let _ = write!(out, " ({})", document.extraction.status.as_str());
    }
    out.push('\n');
    for problem in &document.extraction.problems {
        let _ = writeln!(out, "  ! {}", clean(&problem.message));
    }
    for finding in &document.findings {
        let location = &finding.location;
        let mut place = format!("{path}:{}:{}", location.line, location.column);
        if let (Some(sheet), Some(cell)) = (&location.sheet, &location.cell) {
            place = format!("{path}!{}!{}", clean(sheet), clean(cell));
        }
        let mut page = location.page.map(|p| format!(" p{p}")).unwrap_or_default();
        if let Some([x, y, width, height]) = location.bbox {
            // Where in the picture the OCR line is, in its pixels.
            page.push_str(&format!(" at {x},{y} {width}×{height}"));
        }
        let highlighted = highlight(&clean(&finding.context), &clean(&finding.text), colour);
        let _ = writeln!(
            out,
            "  {place} [{}{page}] {} {}  {}{}",
            location.part,
            finding.rule,
            severity_label(finding.severity, colour),
            highlighted,
            decision_note(finding, colour)
        );
    }
    for decision in &document.resolved {
        let _ = writeln!(
            out,
            "  {} {} {}  {} by {} on {}: the text is gone",
            paint(colour, "32", "resolved"),
            decision.rule,
            decision.text,
            decision.decision.as_str(),
            decision.reviewer,
            decision.date
        );
    }
    // As on the sign-off form: in a document not fully read, an absent
    // finding proves nothing.
    let why_stale =
        if document.extraction.status == crate::extract::document::ExtractionStatus::Complete {
            "the finding no longer appears"
        } else {
            "the document was not fully read; check by hand"
        };
    for decision in &document.stale_decisions {
        let _ = writeln!(
            out,
            "  {} {} {} {}  {} by {} on {}: {why_stale}",
            paint(colour, "33", "stale decision"),
            decision.id,
            decision.rule,
            decision.text,
            decision.decision.as_str(),
            decision.reviewer,
            decision.date
        );
    }
}

/// What was not reviewed and why, one line each, after the documents (in
/// `--quiet` too: a skip is never a `pass` to leave out).
fn skipped_lines(out: &mut String, skipped: &[SkippedInput], colour: bool) {
    for input in skipped {
        let _ = writeln!(
            out,
            "{} {}: {}",
            paint(colour, "33", "SKIPPED"),
            clean(&input.path),
            clean(&input.message)
        );
    }
}

/// The batch's counts, last.
fn summary_line(out: &mut String, review: &Review) {
    let summary = &review.summary;
    let _ = write!(
        out,
        "{} documents: {} pass, {} review, {} block; {} findings",
        summary.documents, summary.pass, summary.review, summary.block, summary.findings
    );
    if !review.skipped.is_empty() {
        let _ = write!(out, "; {} skipped", review.skipped.len());
    }
    if let Some(decisions) = &review.decisions {
        let _ = write!(
            out,
            "; decisions {}: {} waived, {} resolved, {} stale",
            decisions.file, summary.waived, summary.resolved, summary.stale_decisions
        );
    }
    out.push('\n');
}

/// What a reviewer decided about a finding still present, after its line.
fn decision_note(finding: &crate::review::Finding, colour: bool) -> String {
    if let Some(waiver) = &finding.waived {
        let expires = waiver
            .expires
            .as_deref()
            .map(|e| format!(", until {e}"))
            .unwrap_or_default();
        let label = paint(colour, "2", "waived");
        return format!(
            "  ({label} by {} on {}{expires}: {})",
            waiver.by, waiver.date, waiver.reason
        );
    }
    match &finding.decision {
        Some(decision) if decision.expired => format!(
            "  ({} by {} expired {}: open again)",
            paint(colour, "33", "keep"),
            decision.by,
            decision.expires.as_deref().unwrap_or("")
        ),
        Some(decision) => format!(
            "  ({} by {} on {}: still present)",
            paint(colour, "33", decision.decision.as_str()),
            decision.by,
            decision.date
        ),
        None => String::new(),
    }
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

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let shown = highlight(&clean("a\u{1b}[31mb"), "b", false);
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.contains("[U+001B]"), "{shown}");
    }
}
