//! The verdict rule: one verdict per document from its findings and how
//! fully it was read.

use crate::extract::document::{Extraction, ExtractionStatus, Severity};
use crate::review::{DocumentReview, Finding, Verdict};

/// The verdict rule: block if any block finding; review if any review
/// finding or the document was not fully read; pass otherwise.
pub fn verdict_for(
    findings: &[Finding],
    status: ExtractionStatus,
    extraction: &Extraction,
) -> (Verdict, Vec<String>) {
    let problems: Vec<&str> = extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    verdict_from(findings, status, &problems)
}

/// Recomputes a document's verdict and reasons from its findings as they
/// stand now (after reviewer decisions were applied).
pub fn verdict_of(document: &DocumentReview) -> (Verdict, Vec<String>) {
    let problems: Vec<&str> = document
        .extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    verdict_from(&document.findings, document.extraction.status, &problems)
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
    use crate::review::Verdict;

    #[test]
    fn unread_documents_never_pass() {
        let extraction = Extraction::failed("encrypted");
        let (verdict, reasons) = verdict_for(&[], extraction.status(), &extraction);
        assert_eq!(verdict, Verdict::Review);
        assert!(reasons[0].contains("encrypted"));
    }
}
