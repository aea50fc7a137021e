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
        for decision in &document.stale_decisions {
            let _ = writeln!(
                out,
                "  {} {} {} {}  {} by {} on {}: the finding no longer appears",
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
    let summary = &review.summary;
    let _ = write!(
        out,
        "{} documents: {} pass, {} review, {} block; {} findings",
        summary.documents, summary.pass, summary.review, summary.block, summary.findings
    );
    if let Some(decisions) = &review.decisions {
        let _ = write!(
            out,
            "; decisions {}: {} waived, {} resolved, {} stale",
            decisions.file, summary.waived, summary.resolved, summary.stale_decisions
        );
    }
    out.push('\n');
    out.into_bytes()
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
