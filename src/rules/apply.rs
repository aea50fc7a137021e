//! Applying a rule set to one document: every segment's matches, overlaps
//! of one rule dropped, then the rules' escalations across the document.
//!
//! This is everything the rules decide about a document — which rule fired
//! where and at what severity — before the review stage locates the matches
//! in the original text. Rule examples are checked through the same path,
//! so an example behaves exactly as the rule does in a document.

use crate::extract::document::{Part, Segment, Severity};
use crate::rules::normalize::Normalized;
use crate::rules::{DocumentIndex, RawMatch, RuleSet, SegmentView};
use std::collections::HashMap;

/// The rules' matches in one segment, in normalised-text offsets.
#[derive(Debug, Default)]
pub struct SegmentMatches {
    /// Accepted matches, ordered by start, overlaps of one rule dropped,
    /// with escalations applied.
    pub matches: Vec<RawMatch>,
    /// Every span of a masking rule found in the segment, overlapping ones
    /// included: contexts hide all of them, not only the reported ones.
    pub masked: Vec<(usize, usize)>,
}

/// Runs the rules over every segment of a document (`segments` and their
/// normalised forms, in the same order).
pub fn apply(
    segments: &[Segment],
    normalized: &[Normalized],
    rules: &RuleSet,
) -> Vec<SegmentMatches> {
    let index = DocumentIndex::new(normalized.iter().map(|n| n.text.as_str()).collect());
    let mut body_nonempty_before = 0usize;
    let mut found = Vec::with_capacity(segments.len());
    for (segment, normal) in segments.iter().zip(normalized) {
        let view = SegmentView {
            part: segment.part,
            kind: segment.kind,
            text: &normal.text,
            body_lines_before: body_nonempty_before,
            page_picture: segment.page_picture,
            top_lines: Default::default(),
            document: &index,
        };
        found.push(segment_matches(&view, rules));
        if segment.part == Part::Body {
            body_nonempty_before += nonempty_lines(&segment.text);
        }
    }
    let mut all: Vec<&mut RawMatch> = found
        .iter_mut()
        .flat_map(|segment| &mut segment.matches)
        .collect();
    escalate(&mut all, rules);
    found
}

/// Lines of `text` with more than white space on them: how far down the
/// body `scope: first-lines N` counts.
pub fn nonempty_lines(text: &str) -> usize {
    text.split('\n').filter(|l| !l.trim().is_empty()).count()
}

/// The rules' matches in one segment (or one window of a large one), before
/// the document's escalations ([`escalate`]).
pub fn segment_matches(view: &SegmentView<'_>, rules: &RuleSet) -> SegmentMatches {
    let matches = rules.find(view);
    let masked = matches
        .iter()
        .filter(|m| rules.rules()[m.rule].mask)
        .map(|m| (m.start, m.end))
        .collect();
    SegmentMatches {
        matches: dedupe(matches),
        masked,
    }
}

/// Applies the rules' `escalate` conditions to every match of a document:
/// a match is raised when the document holds *another* match of a named
/// rule at review or above. Severities are read before any escalation, so
/// escalations never chain. The reason joins the match's reasons (shown in
/// its message) and its explanation.
pub fn escalate(matches: &mut [&mut RawMatch], rules: &RuleSet) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for raw in matches.iter() {
        if raw.severity >= Severity::Review {
            *counts
                .entry(rules.rules()[raw.rule].id.as_str())
                .or_insert(0) += 1;
        }
    }
    for raw in matches.iter_mut() {
        let rule = &rules.rules()[raw.rule];
        let own_counted = raw.severity >= Severity::Review;
        for escalation in &rule.escalations {
            if escalation.to <= raw.severity {
                continue;
            }
            let trigger = escalation.rules.iter().find(|target| {
                let count = counts.get(target.as_str()).copied().unwrap_or(0);
                let own = usize::from(own_counted && **target == rule.id);
                count > own
            });
            let Some(trigger) = trigger else {
                continue;
            };
            raw.severity = escalation.to;
            raw.reasons.push(escalation.reason.clone());
            raw.explain.push(format!(
                "raised to {}: the document also has a {trigger} finding — {}",
                escalation.to, escalation.reason
            ));
        }
    }
}

/// Drops a match of a rule that overlaps an earlier match of the same rule.
/// Matches come sorted by start, so an overlap can only be with the kept
/// match of that rule that reaches furthest.
fn dedupe(matches: Vec<RawMatch>) -> Vec<RawMatch> {
    let mut reach: HashMap<usize, usize> = HashMap::new();
    let mut kept: Vec<RawMatch> = Vec::with_capacity(matches.len());
    for candidate in matches {
        let furthest = reach.entry(candidate.rule).or_insert(0);
        if candidate.start < *furthest {
            continue;
        }
        *furthest = candidate.end;
        kept.push(candidate);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::TextKind;

    /// Each finding's rule and severity in one segment of `kind`, with the
    /// built-in packs.
    fn findings(text: &str, kind: TextKind) -> Vec<(String, Severity)> {
        let rules = RuleSet::builtin().unwrap();
        let segment = Segment {
            kind,
            ..Segment::new(Part::Hidden, text)
        };
        let normalized = [crate::rules::normalize::normalize(text)];
        apply(std::slice::from_ref(&segment), &normalized, &rules)
            .remove(0)
            .matches
            .into_iter()
            .map(|m| (rules.rules()[m.rule].id.clone(), m.severity))
            .collect()
    }

    /// In a script, a field code or a formula, quote marks delimit strings
    /// and the words around a match are code: a marking there is not an
    /// example, however it is quoted, introduced or listed. The same text
    /// written as prose keeps its downgrades.
    #[test]
    fn no_downgrade_reads_code_as_writing() {
        for (text, marking) in [
            (r#"var s = "绝密★长期";"#, "绝密★长期"),
            (r#"var s = '例如：机密★1年';"#, "机密★1年"),
            (r#"const levels = ["绝密★长期", "机密★1年"];"#, "绝密★长期"),
            (r#"SET 密级 "秘密★5年""#, "秘密★5年"),
            (r#"=IF(A1="机密★1年","x","")"#, "机密★1年"),
        ] {
            let code = findings(text, TextKind::Code);
            assert!(
                code.iter()
                    .any(|(rule, severity)| rule == "marking.cn.level-star"
                        && *severity == Severity::Block),
                "{text} ({marking}) in code: {code:?}"
            );
            let prose = findings(text, TextKind::Prose);
            assert!(
                prose
                    .iter()
                    .filter(|(rule, _)| rule == "marking.cn.level-star")
                    .any(|(_, severity)| *severity == Severity::Info),
                "{text} as prose keeps a downgrade: {prose:?}"
            );
        }
        // Any rule's quotation, not only a marking's.
        let text = r#"var attribute = "（此件不予公开）";"#;
        assert!(
            findings(text, TextKind::Code)
                .contains(&("disclosure.cn.not-public".to_owned(), Severity::Block))
        );
        assert!(
            findings(text, TextKind::Prose)
                .contains(&("disclosure.cn.not-public".to_owned(), Severity::Info))
        );
    }

    #[test]
    fn overlapping_matches_of_one_rule_are_reported_once() {
        let raw = |rule, start, end| RawMatch {
            rule,
            start,
            end,
            severity: Severity::Info,
            category: None,
            reasons: Vec::new(),
            explain: Vec::new(),
        };
        let kept = dedupe(vec![
            raw(0, 0, 10),
            raw(1, 2, 4),
            raw(0, 5, 12),
            raw(0, 10, 12),
            raw(1, 3, 6),
        ]);
        let spans: Vec<_> = kept.iter().map(|m| (m.rule, m.start, m.end)).collect();
        assert_eq!(spans, [(0, 0, 10), (1, 2, 4), (0, 10, 12)]);
    }
}
