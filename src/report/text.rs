//! The terminal report: one line per document with its verdict, then one
//! line per finding, then a summary. Colour only when asked (the CLI asks
//! on a terminal without `NO_COLOR`).

use crate::batch::spill::DocumentSource;
use crate::extract::document::Severity;
use crate::report::labels::{self, Lang};
use crate::report::present::clean;
use crate::report::{messages, terminal};
use crate::review::{DocumentReview, Review, SkippedInput, Verdict};
use std::fmt::Write;

#[derive(Clone, Copy, Debug)]
pub struct TextOptions {
    pub colour: bool,
    /// Print only documents that are not `pass`, and the summary.
    pub quiet: bool,
    /// Count a document's info findings on one line instead of listing
    /// them (`另有 12 条提示（info）：personal.cn.landline ×7 …`).
    pub summarise_info: bool,
    /// The language of the fixed words and of prepub's own sentences
    /// (problems); rule ids, paths and document text are as they are.
    pub lang: Lang,
}

const RESET: &str = "\x1b[0m";

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour {
        format!("\x1b[{code}m{text}{RESET}")
    } else {
        text.to_owned()
    }
}

fn verdict_label(lang: Lang, verdict: Verdict, colour: bool) -> String {
    let word = terminal::verdict(lang, verdict);
    match verdict {
        Verdict::Pass => paint(colour, "32", word),
        Verdict::Review => paint(colour, "33", word),
        Verdict::Block => paint(colour, "1;31", word),
    }
}

fn severity_label(lang: Lang, severity: Severity, colour: bool) -> String {
    let word = labels::severity(lang, severity);
    match severity {
        Severity::Info => paint(colour, "2", word),
        Severity::Review => paint(colour, "33", word),
        Severity::Block => paint(colour, "31", word),
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
    skipped_lines(&mut buffer, &head.skipped, options);
    summary_line(&mut buffer, head, options.lang);
    flush(&mut buffer)
}

/// A document's verdict line, then its problems, findings and decisions.
fn document_lines(out: &mut String, document: &DocumentReview, options: &TextOptions) {
    let colour = options.colour;
    let lang = options.lang;
    let w = terminal::words(lang);
    if options.quiet && document.verdict == Verdict::Pass {
        return;
    }
    // Document text is untrusted: control characters and escape
    // sequences are shown visibly, never sent to the terminal.
    let path = clean(&document.path);
    let _ = write!(out, "{}", verdict_label(lang, document.verdict, colour));
    // Never a bare PASS when something was waived.
    let waived = crate::report::present::waived_findings(document);
    if waived > 0 {
        let _ = match lang {
            Lang::Zh => write!(out, "（{waived} 项已豁免）"),
            Lang::En => write!(out, " ({waived} waived)"),
        };
    }
    let _ = write!(out, " {path}");
    if document.extraction.status != crate::extract::document::ExtractionStatus::Complete {
        let status = match lang {
            Lang::En => document.extraction.status.as_str(),
            Lang::Zh => labels::extraction_status(lang, document.extraction.status),
        };
        let _ = write!(out, " ({status})");
    }
    out.push('\n');
    for problem in &document.extraction.problems {
        let _ = writeln!(
            out,
            "  ! {}",
            clean(&messages::sentence(lang, &problem.message))
        );
    }
    let mut infos: Vec<(&str, usize)> = Vec::new();
    for finding in &document.findings {
        if options.summarise_info && finding.severity == Severity::Info && finding.waived.is_none()
        {
            match infos.iter_mut().find(|(rule, _)| *rule == finding.rule) {
                Some((_, count)) => *count += 1,
                None => infos.push((&finding.rule, 1)),
            }
            continue;
        }
        let location = &finding.location;
        let mut place = format!("{path}:{}:{}", location.line, location.column);
        if let (Some(sheet), Some(cell)) = (&location.sheet, &location.cell) {
            place = format!("{path}!{}!{}", clean(sheet), clean(cell));
        }
        let mut page = location.page.map(|p| format!(" p{p}")).unwrap_or_default();
        if let Some([x, y, width, height]) = location.bbox {
            // Where in the picture the OCR line is, in its pixels.
            page.push_str(&match lang {
                Lang::Zh => format!(" 图中 {x},{y} {width}×{height}"),
                Lang::En => format!(" at {x},{y} {width}×{height}"),
            });
        }
        let context = messages::context(lang, &finding.context);
        let highlighted = highlight(&clean(&context), &clean(&finding.text), colour);
        let _ = writeln!(
            out,
            "  {place} [{}{page}] {} {}  {}{}",
            part_word(lang, location.part),
            finding.rule,
            severity_label(lang, finding.severity, colour),
            highlighted,
            decision_note(finding, options)
        );
    }
    if !infos.is_empty() {
        let _ = writeln!(out, "  {}", info_summary(&infos, colour));
    }
    for decision in &document.resolved {
        let _ = writeln!(
            out,
            "  {} {} {}  {} {} {} {} {}: {}",
            paint(colour, "32", w.resolved),
            decision.rule,
            decision.text,
            decision_word(lang, decision.decision),
            w.by,
            decision.reviewer,
            w.on,
            decision.date,
            w.text_gone
        );
    }
    // As on the sign-off form: in a document not fully read, an absent
    // finding proves nothing.
    let why_stale =
        if document.extraction.status == crate::extract::document::ExtractionStatus::Complete {
            w.no_longer_appears
        } else {
            w.not_fully_read
        };
    for decision in &document.stale_decisions {
        let _ = writeln!(
            out,
            "  {} {} {} {}  {} {} {} {} {}: {why_stale}",
            paint(colour, "33", w.stale_decision),
            decision.id,
            decision.rule,
            decision.text,
            decision_word(lang, decision.decision),
            w.by,
            decision.reviewer,
            w.on,
            decision.date
        );
    }
}

/// `另有 12 条提示（info）：personal.cn.landline ×7, …` — most frequent rule
/// first, then by rule id; `--verbose` lists them.
fn info_summary(infos: &[(&str, usize)], colour: bool) -> String {
    let mut sorted = infos.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let total: usize = sorted.iter().map(|(_, count)| count).sum();
    let rules: Vec<String> = sorted
        .iter()
        .map(|(rule, count)| format!("{rule} ×{count}"))
        .collect();
    paint(
        colour,
        "2",
        &format!(
            "另有 {total} 条提示（info）：{}（--verbose 列出）",
            rules.join(", ")
        ),
    )
}

/// What was not reviewed and why, one line each, after the documents (in
/// `--quiet` too: a skip is never a `pass` to leave out).
fn skipped_lines(out: &mut String, skipped: &[SkippedInput], options: &TextOptions) {
    let lang = options.lang;
    for input in skipped {
        let _ = writeln!(
            out,
            "{} {}: {}",
            paint(options.colour, "33", terminal::words(lang).skipped),
            clean(&input.path),
            clean(&messages::sentence(lang, &input.message))
        );
    }
}

/// A part's name: the JSON identifier in English (scripts read it), the
/// form's word in Chinese.
fn part_word(lang: Lang, part: crate::extract::document::Part) -> &'static str {
    match lang {
        Lang::En => part.as_str(),
        Lang::Zh => labels::part(lang, part),
    }
}

/// A decision's name: the JSON identifier in English, the form's word in
/// Chinese.
fn decision_word(lang: Lang, decision: crate::review::DecisionKind) -> &'static str {
    match lang {
        Lang::En => decision.as_str(),
        Lang::Zh => labels::decision(lang, decision),
    }
}

/// The batch's counts, last.
fn summary_line(out: &mut String, review: &Review, lang: Lang) {
    let summary = &review.summary;
    let separator = match lang {
        Lang::En => "; ",
        Lang::Zh => "；",
    };
    let _ = write!(
        out,
        "{}{separator}{}",
        terminal::summary(
            lang,
            summary.documents,
            summary.pass,
            summary.review,
            summary.block
        ),
        terminal::findings(lang, summary.findings)
    );
    if !review.skipped.is_empty() {
        out.push_str(&terminal::skipped(lang, review.skipped.len()));
    }
    if let Some(decisions) = &review.decisions {
        out.push_str(&terminal::decisions(
            lang,
            &decisions.file,
            summary.waived,
            summary.resolved,
            summary.stale_decisions,
        ));
    }
    out.push('\n');
}

/// What a reviewer decided about a finding still present, after its line.
fn decision_note(finding: &crate::review::Finding, options: &TextOptions) -> String {
    let (colour, lang) = (options.colour, options.lang);
    let w = terminal::words(lang);
    if let Some(waiver) = &finding.waived {
        let expires = waiver
            .expires
            .as_deref()
            .map(|e| format!(", {} {e}", w.until))
            .unwrap_or_default();
        let label = paint(colour, "2", w.waived);
        return format!(
            "  ({label} {} {} {} {}{expires}: {})",
            w.by, waiver.by, w.on, waiver.date, waiver.reason
        );
    }
    match &finding.decision {
        Some(decision) if decision.expired => format!(
            "  ({} {} {} {} {}: {})",
            paint(
                colour,
                "33",
                decision_word(lang, crate::review::DecisionKind::Keep)
            ),
            w.by,
            decision.by,
            w.expired,
            decision.expires.as_deref().unwrap_or(""),
            w.open_again
        ),
        Some(decision) => format!(
            "  ({} {} {} {} {}: {})",
            paint(colour, "33", decision_word(lang, decision.decision)),
            w.by,
            decision.by,
            w.on,
            decision.date,
            w.still_present
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
    fn info_findings_are_counted_not_listed_when_asked() {
        let review = crate::report::fixture::review();
        let listed = String::from_utf8(render(
            &review,
            &TextOptions {
                colour: false,
                quiet: false,
                summarise_info: false,
                lang: Lang::En,
            },
        ))
        .unwrap();
        let summarised = String::from_utf8(render(
            &review,
            &TextOptions {
                colour: false,
                quiet: false,
                summarise_info: true,
                lang: Lang::En,
            },
        ))
        .unwrap();
        let info_lines = |text: &str| text.lines().filter(|l| l.contains(" info  ")).count();
        assert!(info_lines(&listed) > 0, "{listed}");
        assert_eq!(info_lines(&summarised), 0, "{summarised}");
        assert!(summarised.contains("条提示（info）："), "{summarised}");
        // Everything else is the same.
        let rest = |text: &str| {
            text.lines()
                .filter(|l| !l.contains(" info  ") && !l.contains("条提示（info）"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(rest(&listed), rest(&summarised));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let shown = highlight(&clean("a\u{1b}[31mb"), "b", false);
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.contains("[U+001B]"), "{shown}");
    }
}
