//! The verdict rule: one verdict per document from its findings and how
//! fully it was read.

use crate::extract::document::{ExtractionStatus, Severity};
use crate::review::{DocumentReview, ExtractionReport, Finding, Verdict};

/// The verdict rule: block if any block finding; review if any review
/// finding or the document was not fully read; pass otherwise — from the
/// findings and the extraction as reported (its status and its problems,
/// masked, which the reasons quote).
pub fn verdict_for(findings: &[Finding], extraction: &ExtractionReport) -> (Verdict, Vec<String>) {
    let problems: Vec<&str> = extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    verdict_from(findings, extraction.status, &problems)
}

/// Recomputes a document's verdict and reasons from its findings as they
/// stand now (after reviewer decisions were applied).
pub fn verdict_of(document: &DocumentReview) -> (Verdict, Vec<String>) {
    verdict_for(&document.findings, &document.extraction)
}

/// The verdict rule of the contract: `block` if any unwaived block finding;
/// otherwise `review` if any unwaived review finding or the extraction is
/// not complete; otherwise `pass`. Waived findings (a current `keep`
/// decision) are named in the reasons but never count.
fn verdict_from(
    findings: &[Finding],
    status: ExtractionStatus,
    problems: &[&str],
) -> (Verdict, Vec<String>) {
    let mut reasons = Vec::new();
    let open = || findings.iter().filter(|f| f.waived.is_none());
    let count = |severity: Severity| open().filter(|f| f.severity == severity).count();
    let rules_of = |severity: Severity| {
        let mut ids: Vec<&str> = open()
            .filter(|f| f.severity == severity)
            .map(|f| f.rule.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.join(", ")
    };
    let blocks = count(Severity::Block);
    let reviews = count(Severity::Review);
    if blocks > 0 {
        reasons.push(format!(
            "{blocks} blocking finding(s): {}",
            rules_of(Severity::Block)
        ));
    }
    if reviews > 0 {
        reasons.push(format!(
            "{reviews} finding(s) to review: {}",
            rules_of(Severity::Review)
        ));
    }
    let pending = open()
        .filter(|f| {
            f.decision.as_ref().is_some_and(|d| {
                matches!(
                    d.decision,
                    crate::review::DecisionKind::Remove | crate::review::DecisionKind::Revise
                )
            })
        })
        .count();
    if pending > 0 {
        reasons.push(format!(
            "{pending} finding(s) decided remove/revise but still present"
        ));
    }
    let expired = open()
        .filter(|f| f.decision.as_ref().is_some_and(|d| d.expired))
        .count();
    if expired > 0 {
        reasons.push(format!(
            "{expired} keep decision(s) expired: the finding(s) count again"
        ));
    }
    let unapproved = open()
        .filter(|f| {
            f.decision
                .as_ref()
                .is_some_and(|d| d.unapproved && !d.expired)
        })
        .count();
    if unapproved > 0 {
        reasons.push(format!(
            "{unapproved} keep decision(s) on blocking findings not waived: no approver distinct from the reviewer (--approver)"
        ));
    }
    let waived = findings.iter().filter(|f| f.waived.is_some()).count();
    if waived > 0 {
        reasons.push(format!(
            "{waived} finding(s) waived by a reviewer's keep decision"
        ));
    }
    match status {
        ExtractionStatus::Complete => {}
        ExtractionStatus::Partial | ExtractionStatus::Failed => {
            reasons.push(format!(
                "not fully read ({}): {} — needs manual review",
                status.as_str(),
                problems.join("; ")
            ));
        }
    }
    let verdict = if blocks > 0 {
        Verdict::Block
    } else if reviews > 0 || status != ExtractionStatus::Complete {
        Verdict::Review
    } else {
        let open_word = if waived > 0 { "open " } else { "" };
        reasons.push(format!(
            "no {open_word}findings above info; document fully read"
        ));
        Verdict::Pass
    };
    (verdict, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::{Category, Extraction, Part, Problem};
    use crate::review::{AppliedDecision, DecisionKind, Location, ProblemReport, Verdict, Waiver};

    fn finding(severity: Severity) -> Finding {
        Finding {
            id: format!("{severity}"),
            rule: format!("marking.test.{severity}"),
            category: Category::Marking,
            severity,
            message: String::new(),
            messages: Default::default(),
            text: "机密★1年".into(),
            context: "机密★1年".into(),
            location: Location {
                part: Part::Body,
                page: None,
                line: 1,
                column: 1,
                sheet: None,
                cell: None,
                bbox: None,
            },
            crop: None,
            explain: Vec::new(),
            decision: None,
            waived: None,
        }
    }

    fn decided(mut finding: Finding, kind: DecisionKind, expired: bool) -> Finding {
        finding.decision = Some(AppliedDecision {
            decision: kind,
            by: "张三".into(),
            date: "2026-11-20".into(),
            reason: Some("已解密".into()),
            expires: None,
            expired,
            approver: Some("李四".into()),
            unapproved: false,
            sha256: String::new(),
        });
        if kind == DecisionKind::Keep && !expired {
            finding.waived = Some(Waiver {
                by: "张三".into(),
                approver: Some("李四".into()),
                date: "2026-11-20".into(),
                reason: "已解密".into(),
                expires: None,
            });
        }
        finding
    }

    fn waived(severity: Severity) -> Finding {
        decided(finding(severity), DecisionKind::Keep, false)
    }

    /// Every mix of findings and decisions a document can carry: none,
    /// info only, each severity waived, all waived, a keep that expired,
    /// a remove still pending.
    fn finding_sets() -> Vec<(&'static str, Vec<Finding>)> {
        vec![
            ("no findings", vec![]),
            ("an info finding", vec![finding(Severity::Info)]),
            ("a waived info finding", vec![waived(Severity::Info)]),
            ("a waived review finding", vec![waived(Severity::Review)]),
            ("a waived block finding", vec![waived(Severity::Block)]),
            (
                "every severity waived",
                vec![
                    waived(Severity::Block),
                    waived(Severity::Review),
                    waived(Severity::Info),
                ],
            ),
            (
                "an expired keep",
                vec![decided(finding(Severity::Review), DecisionKind::Keep, true)],
            ),
            (
                "a remove still pending",
                vec![decided(
                    finding(Severity::Block),
                    DecisionKind::Remove,
                    false,
                )],
            ),
        ]
    }

    fn unread() -> Vec<(&'static str, Extraction)> {
        let mut partial = Extraction::default();
        partial.problems.push(Problem::partial(
            Some("body".into()),
            "PPTX slide 2 (ppt/slides/slide2.xml): malformed XML",
        ));
        let mut both = partial.clone();
        both.problems.push(Problem::failed("encrypted"));
        vec![
            ("partial", partial),
            ("failed", Extraction::failed("encrypted")),
            ("partial and failed", both),
        ]
    }

    fn report(extraction: &Extraction) -> ExtractionReport {
        ExtractionReport {
            status: extraction.status(),
            encoding: None,
            problems: extraction
                .problems
                .iter()
                .map(|p| ProblemReport {
                    part: p.part.clone(),
                    message: p.message.clone(),
                })
                .collect(),
            pictures: Vec::new(),
        }
    }

    fn document(findings: Vec<Finding>, extraction: &Extraction) -> DocumentReview {
        DocumentReview {
            path: "a.pptx".into(),
            sha256: String::new(),
            bytes: 0,
            format: "pptx".into(),
            pages: None,
            verdict: Verdict::Pass,
            waived: 0,
            reasons: Vec::new(),
            extraction: report(extraction),
            particulars: Default::default(),
            findings,
            resolved: Vec::new(),
            stale_decisions: Vec::new(),
            reused_from: None,
        }
    }

    #[test]
    fn an_unread_document_never_passes_whatever_the_decisions_say() {
        for (how, extraction) in unread() {
            for (what, findings) in finding_sets() {
                // At review time and again after decisions are applied.
                let at_review = verdict_for(&findings, &report(&extraction));
                let decided = verdict_of(&document(findings.clone(), &extraction));
                for (when, (verdict, reasons)) in [("reviewed", at_review), ("decided", decided)] {
                    assert_ne!(verdict, Verdict::Pass, "{how}, {what}, {when}");
                    let unread_reason = reasons.iter().find(|r| {
                        r.starts_with(&format!("not fully read ({}", extraction.status().as_str()))
                    });
                    assert!(
                        unread_reason.is_some(),
                        "{how}, {what}, {when}: {reasons:?}"
                    );
                    // The reason says what was not read.
                    assert!(
                        unread_reason.is_some_and(|r| extraction
                            .problems
                            .iter()
                            .all(|p| r.contains(&p.message))),
                        "{how}, {what}, {when}: {reasons:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_waived_or_clean_unread_document_is_review_not_block() {
        for (how, extraction) in unread() {
            for (what, findings) in finding_sets() {
                let open_block = findings
                    .iter()
                    .any(|f| f.waived.is_none() && f.severity == Severity::Block);
                let (verdict, _) = verdict_for(&findings, &report(&extraction));
                let expected = if open_block {
                    Verdict::Block
                } else {
                    Verdict::Review
                };
                assert_eq!(verdict, expected, "{how}, {what}");
            }
        }
    }

    /// The other side of the rule, so the tests above can tell: read in
    /// full with every finding waived is `pass`, and says so.
    #[test]
    fn a_document_read_in_full_with_every_finding_waived_passes() {
        let findings = vec![waived(Severity::Block), waived(Severity::Review)];
        let (verdict, reasons) = verdict_for(&findings, &report(&Extraction::default()));
        assert_eq!(verdict, Verdict::Pass);
        assert!(
            reasons
                .iter()
                .any(|r| r == "no open findings above info; document fully read"),
            "{reasons:?}"
        );
        assert!(reasons.iter().any(|r| r.starts_with("2 finding(s) waived")));
    }
}
