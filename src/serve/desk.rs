//! The desk's state: the review being worked on, the decisions made so far
//! and where they are saved.
//!
//! The review itself is never edited: every page is rendered from the
//! review as scanned with the decisions applied afresh
//! ([`Desk::applied`]), exactly as `prepub scan --decisions` and
//! `prepub report` apply them, so the desk, the printed form and the exit
//! code of a later scan agree. A decision is written to the decisions file
//! (atomically, through [`crate::audit::decisions`]) before the page that
//! shows it is sent: a desk stopped at any moment leaves a complete file.

use crate::audit::decisions::{self, Decisions};
use crate::review::{DecisionKind, DecisionsInfo, DocumentReview, Finding, Review};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

/// How far the scan behind the desk has come.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
}

/// Where the batch stands.
#[derive(Clone, Debug)]
pub enum Stage {
    Scanning,
    Ready(Box<Review>),
    /// The scan stopped (interrupted, or the batch could not run): why.
    Failed(String),
}

/// One decision asked for on the desk.
#[derive(Clone, Debug)]
pub struct Asked {
    pub document: usize,
    pub finding: String,
    pub kind: DecisionKind,
    pub reason: Option<String>,
    pub expires: Option<String>,
    /// The second person approving a keep (needed to waive a block-level
    /// finding: the two-person rule of `audit::decisions`).
    pub approver: Option<String>,
}

/// Why a decision was not recorded (shown to the clerk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotRecorded(pub String);

/// How decisions mask personal data in what they record (the packs'
/// masking rules, as for `prepub review`).
pub type Mask = Box<dyn Fn(&str) -> String + Send + Sync>;

pub struct Desk {
    mask: Mask,
    stage: RwLock<Stage>,
    decisions: Mutex<Decisions>,
    decisions_path: PathBuf,
    /// As shown: the path as given.
    decisions_shown: String,
    reviewer: String,
    pub progress: Progress,
}

impl Desk {
    pub fn new(
        decisions: Decisions,
        decisions_path: PathBuf,
        reviewer: String,
        mask: Mask,
    ) -> Desk {
        Desk {
            mask,
            stage: RwLock::new(Stage::Scanning),
            decisions: Mutex::new(decisions),
            decisions_shown: decisions_path.display().to_string(),
            decisions_path,
            reviewer,
            progress: Progress::default(),
        }
    }

    pub fn reviewer(&self) -> &str {
        &self.reviewer
    }

    pub fn decisions_path(&self) -> &str {
        &self.decisions_shown
    }

    pub fn finish(&self, stage: Stage) {
        *self.stage.write().unwrap_or_else(|e| e.into_inner()) = stage;
    }

    /// Whether the batch is still being scanned.
    pub fn applied_stage_is_scanning(&self) -> bool {
        matches!(
            *self.stage.read().unwrap_or_else(|e| e.into_inner()),
            Stage::Scanning
        )
    }

    /// The stage, with the decisions applied to a ready review.
    pub fn applied(&self) -> Stage {
        let stage = self.stage.read().unwrap_or_else(|e| e.into_inner()).clone();
        match stage {
            Stage::Ready(mut review) => {
                let decisions = self.decisions.lock().unwrap_or_else(|e| e.into_inner());
                let info = DecisionsInfo {
                    file: self.decisions_shown.clone(),
                    digest: digest(&decisions),
                    as_of: decisions::today(),
                };
                match decisions::apply(&mut review, &decisions, info) {
                    Ok(()) => Stage::Ready(review),
                    Err(why) => Stage::Failed(why),
                }
            }
            other => other,
        }
    }

    /// Records a decision and saves the file; the finding must be one of
    /// the review's, and a keep needs its reason.
    pub fn decide(&self, asked: &Asked) -> Result<(), NotRecorded> {
        let stage = self.stage.read().unwrap_or_else(|e| e.into_inner());
        let Stage::Ready(review) = &*stage else {
            return Err(NotRecorded("the batch is not reviewed yet".into()));
        };
        let (document, finding) = find(review, asked.document, &asked.finding)
            .ok_or_else(|| NotRecorded("no such finding in this review".into()))?;
        if asked.kind == DecisionKind::Keep
            && asked.reason.as_deref().is_none_or(|r| r.trim().is_empty())
        {
            return Err(NotRecorded("保留须填写理由 / a keep needs a reason".into()));
        }
        let mut decision = decisions::decide(
            document,
            finding,
            asked.kind,
            asked.reason.clone(),
            &self.reviewer,
            &decisions::today(),
            &*self.mask,
        );
        if asked.kind == DecisionKind::Keep {
            decision.approver = asked
                .approver
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned);
        }
        if asked.kind == DecisionKind::Keep
            && let Some(expires) = asked
                .expires
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
        {
            decisions::parse_date(expires)
                .map_err(|e| NotRecorded(format!("有效期 / expiry: {e}")))?;
            decision.expires = Some(expires.to_owned());
        }
        let mut decisions = self.decisions.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = decisions.clone();
        next.record(decision).map_err(NotRecorded)?;
        next.save(&self.decisions_path)
            .map_err(|e| NotRecorded(format!("the decisions file could not be saved: {e}")))?;
        *decisions = next;
        Ok(())
    }

    /// Takes back the decision on a finding (the clerk pressed "undo").
    pub fn undo(&self, document: usize, finding: &str) -> Result<(), NotRecorded> {
        let stage = self.stage.read().unwrap_or_else(|e| e.into_inner());
        let Stage::Ready(review) = &*stage else {
            return Err(NotRecorded("the batch is not reviewed yet".into()));
        };
        let (document, finding) = find(review, document, finding)
            .ok_or_else(|| NotRecorded("no such finding in this review".into()))?;
        let mut decisions = self.decisions.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = decisions.clone();
        next.forget(&document.path, &finding.id);
        next.save(&self.decisions_path)
            .map_err(|e| NotRecorded(format!("the decisions file could not be saved: {e}")))?;
        *decisions = next;
        Ok(())
    }
}

fn find<'a>(
    review: &'a Review,
    document: usize,
    id: &str,
) -> Option<(&'a DocumentReview, &'a Finding)> {
    let document = review.documents.get(document)?;
    let finding = document.findings.iter().find(|f| f.id == id)?;
    Some((document, finding))
}

/// `sha256:<hex>` of the decisions as they would be saved.
fn digest(decisions: &Decisions) -> String {
    let text = decisions.to_yaml().unwrap_or_default();
    format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())))
}

impl Progress {
    pub fn snapshot(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn desk(dir: &std::path::Path) -> (Desk, usize, String) {
        let review = fixture::review();
        let (index, id) = review
            .documents
            .iter()
            .enumerate()
            .find_map(|(i, d)| d.findings.first().map(|f| (i, f.id.clone())))
            .unwrap();
        let desk = Desk::new(
            Decisions::default(),
            dir.join("prepub-decisions.yaml"),
            "张三".into(),
            Box::new(str::to_owned),
        );
        desk.finish(Stage::Ready(Box::new(review)));
        (desk, index, id)
    }

    fn asked(document: usize, finding: &str, kind: DecisionKind, reason: Option<&str>) -> Asked {
        Asked {
            document,
            finding: finding.into(),
            kind,
            reason: reason.map(str::to_owned),
            expires: None,
            approver: None,
        }
    }

    #[test]
    fn a_decision_is_saved_before_it_is_shown() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, index, id) = desk(dir.path());
        desk.decide(&asked(index, &id, DecisionKind::Remove, None))
            .unwrap();
        let saved = std::fs::read_to_string(dir.path().join("prepub-decisions.yaml")).unwrap();
        assert!(
            saved.contains(&id) && saved.contains("decision: remove"),
            "{saved}"
        );
        let Stage::Ready(review) = desk.applied() else {
            panic!("ready");
        };
        let finding = review.documents[index]
            .findings
            .iter()
            .find(|f| f.id == id)
            .unwrap();
        assert!(finding.decision.is_some());
        desk.undo(index, &id).unwrap();
        let saved = std::fs::read_to_string(dir.path().join("prepub-decisions.yaml")).unwrap();
        assert!(!saved.contains(&id), "{saved}");
    }

    #[test]
    fn what_cannot_be_recorded_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, index, id) = desk(dir.path());
        let path = dir.path().join("prepub-decisions.yaml");
        assert!(
            desk.decide(&asked(index, &id, DecisionKind::Keep, Some("  ")))
                .is_err()
        );
        assert!(
            desk.decide(&asked(index, "no-such-id", DecisionKind::Remove, None))
                .is_err()
        );
        assert!(
            desk.decide(&asked(9999, &id, DecisionKind::Remove, None))
                .is_err()
        );
        let mut bad_expiry = asked(index, &id, DecisionKind::Keep, Some("已解密"));
        bad_expiry.expires = Some("next year".into());
        assert!(desk.decide(&bad_expiry).is_err());
        assert!(!path.exists());
        let scanning = Desk::new(
            Decisions::default(),
            path.clone(),
            "张三".into(),
            Box::new(str::to_owned),
        );
        assert!(
            scanning
                .decide(&asked(index, &id, DecisionKind::Remove, None))
                .is_err()
        );
        assert!(!path.exists());
    }
}
