//! `--since previous.json`: a rescan that reads only what changed.
//!
//! A nightly rescan of an archive that did not change should cost one read
//! and one hash per file, not a second extraction (OCR included). So each
//! file of the batch is read and hashed; when the previous review holds a
//! document at the same path with the same SHA-256, and was made by the same
//! prepub with the same rule packs (digest) and the same options, its review
//! is taken over — marked `reused_from` with the time of the review it came
//! from — instead of reading the file again. Everything else is read as
//! usual; files the previous review had and this batch does not are listed
//! as removed.
//!
//! What is not reused, and why:
//! - a previous review made by another prepub version, with other packs or
//!   other options (limits, OCR, `--show-match`, `--explain`, passwords):
//!   its findings could differ, so every file is read again and the run
//!   says why;
//! - archives (zip): their reviews are their members', whose hashes are not
//!   the archive's, so an unchanged archive cannot be told from a changed
//!   one without opening it; they are read again;
//! - documents the previous review did not read in full (`partial`,
//!   `failed`): a rescan is a chance to read them, e.g. with OCR installed
//!   since.
//!
//! Decisions are not carried: a reused review comes back without the
//! previous run's decisions, and `--decisions` applies to it as to any.

use crate::batch::InputFile;
use crate::batch::file::ScanOptions;
use crate::extract::document::ExtractionStatus;
use crate::review::{DocumentReview, LimitsInfo, OcrInfo, Review};
use std::collections::{HashMap, HashSet};

/// What `--since` recorded in the review: where the earlier review came
/// from and what this run took over from it.
pub use crate::review::SinceInfo;

/// A previous review, indexed for reuse.
#[derive(Debug)]
pub struct Previous {
    /// The file it was read from, as given.
    file: String,
    started_at: String,
    /// Its documents by the path of the input file they came from (the part
    /// before `!/`): a mail and its attachments together.
    by_file: HashMap<String, Vec<DocumentReview>>,
    /// Why nothing can be reused, when the review does not match this run.
    mismatch: Option<String>,
}

impl Previous {
    /// Indexes `review` (read from `file`) for a run with `rules_digest`
    /// and `options`, by this prepub.
    pub fn new(file: &str, review: Review, rules_digest: &str, options: &ScanOptions) -> Previous {
        let mismatch = mismatch(&review, rules_digest, options);
        let mut by_file: HashMap<String, Vec<DocumentReview>> = HashMap::new();
        for document in review.documents {
            let top = crate::review::input_of(&document.path).to_owned();
            by_file.entry(top).or_default().push(document);
        }
        Previous {
            file: file.to_owned(),
            started_at: review.started_at,
            by_file,
            mismatch,
        }
    }

    /// Why nothing is reused (another version, other packs or options).
    pub fn mismatch(&self) -> Option<&str> {
        self.mismatch.as_deref()
    }

    /// The previous reviews of `file` to take over, when its bytes hash to
    /// `sha256` as before; `None` when it must be read.
    pub fn reuse(&self, file: &InputFile, sha256: &str) -> Option<Vec<DocumentReview>> {
        if self.mismatch.is_some() {
            return None;
        }
        let documents = self.by_file.get(&file.display)?;
        let top = documents.iter().find(|d| d.path == file.display)?;
        if top.sha256 != sha256 {
            return None;
        }
        if documents
            .iter()
            .any(|d| d.extraction.status != ExtractionStatus::Complete)
        {
            return None;
        }
        Some(
            documents
                .iter()
                .cloned()
                .map(|document| self.taken_over(document))
                .collect(),
        )
    }

    /// A previous review as this run's: marked reused, and without the
    /// previous run's decisions (the verdict as the findings give it).
    fn taken_over(&self, mut document: DocumentReview) -> DocumentReview {
        for finding in &mut document.findings {
            finding.decision = None;
            finding.waived = None;
        }
        document.resolved.clear();
        document.stale_decisions.clear();
        document.waived = 0;
        let (verdict, reasons) = crate::review::verdict_of(&document);
        document.verdict = verdict;
        document.reasons = reasons;
        document.reused_from = Some(
            document
                .reused_from
                .take()
                .unwrap_or_else(|| self.started_at.clone()),
        );
        document
    }

    /// What to record: the review's file and time, how many documents were
    /// taken over, and the files it had that `inputs` does not.
    pub fn info(&self, inputs: &[InputFile], reused: usize) -> SinceInfo {
        let present: HashSet<&str> = inputs.iter().map(|f| f.display.as_str()).collect();
        let mut removed: Vec<String> = self
            .by_file
            .keys()
            .filter(|path| !present.contains(path.as_str()))
            .cloned()
            .collect();
        removed.sort();
        SinceInfo {
            review: self.file.clone(),
            started_at: self.started_at.clone(),
            reused,
            removed,
            not_reused: self.mismatch.clone(),
        }
    }
}

/// Why a previous review cannot be reused by this run, if it cannot.
fn mismatch(review: &Review, rules_digest: &str, options: &ScanOptions) -> Option<String> {
    if let Some(why) = different_run(review, rules_digest, options) {
        return Some(format!("{why}: every file is read again"));
    }
    if review.options.as_ref().is_some_and(|o| o.shard.is_some()) {
        return Some(
            "it is one shard of a batch: merge the shards first, then rescan --since the merged review"
                .to_owned(),
        );
    }
    None
}

/// Why findings of `review` could differ from this run's on the same
/// bytes: another prepub version, other packs, other options. Also what
/// `--resume` checks a killed run against.
pub fn different_run(review: &Review, rules_digest: &str, options: &ScanOptions) -> Option<String> {
    let ours = crate::review::ToolInfo::current();
    if review.tool.version != ours.version {
        return Some(format!(
            "it was made by prepub {} and this is {}",
            review.tool.version, ours.version
        ));
    }
    if review.rules.digest != rules_digest {
        return Some(format!(
            "its rule packs differ (digest {} there, {rules_digest} now)",
            review.rules.digest
        ));
    }
    let Some(theirs) = &review.options else {
        return Some("it records no options".to_owned());
    };
    let same = theirs.show_match == options.show_match
        && theirs.explain == options.explain
        && theirs.limits == LimitsInfo::of(&options.limits)
        && theirs.passwords == options.passwords.len()
        && theirs.ocr == Some(OcrInfo::of(&options.ocr));
    if !same {
        return Some(
            "it was made with other options (limits, OCR, --show-match, --explain or passwords)"
                .to_owned(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::file::{ScanOptions, scan_bytes};
    use crate::rules::RuleSet;

    fn input(display: &str) -> InputFile {
        InputFile {
            path: display.into(),
            display: display.into(),
            named: false,
        }
    }

    fn options() -> ScanOptions {
        ScanOptions::default()
    }

    fn run_options() -> crate::review::RunOptions {
        crate::review::RunOptions {
            show_match: false,
            explain: false,
            limits: LimitsInfo::of(&Default::default()),
            passwords: 0,
            shard: None,
            inputs: None,
            ocr: Some(OcrInfo::of(&Default::default())),
            config: None,
            since: None,
        }
    }

    fn previous_review(rules: &RuleSet) -> Review {
        let scan = ScanOptions::default();
        let mut documents = scan_bytes("a.txt", "机密★1年\n".as_bytes(), rules, &scan);
        documents.extend(scan_bytes("b.txt", "通知\n".as_bytes(), rules, &scan));
        Review {
            schema: crate::review::SCHEMA.into(),
            tool: crate::review::ToolInfo::current(),
            started_at: "2026-12-01T02:00:00Z".into(),
            rules: rules.info(),
            summary: crate::review::Summary::of(&documents),
            skipped: Vec::new(),
            documents,
            options: Some(run_options()),
            decisions: None,
        }
    }

    #[test]
    fn the_same_bytes_at_the_same_path_are_taken_over_and_marked() {
        let rules = RuleSet::builtin().unwrap();
        let review = previous_review(&rules);
        let sha = review.documents[0].sha256.clone();
        let previous = Previous::new("old.json", review, &rules.info().digest, &options());
        assert_eq!(previous.mismatch(), None);
        let reused = previous.reuse(&input("a.txt"), &sha).expect("unchanged");
        assert_eq!(reused.len(), 1);
        assert_eq!(
            reused[0].reused_from.as_deref(),
            Some("2026-12-01T02:00:00Z")
        );
        assert_eq!(reused[0].verdict, crate::review::Verdict::Block);
        assert!(
            previous.reuse(&input("a.txt"), "other").is_none(),
            "changed bytes"
        );
        assert!(
            previous.reuse(&input("new.txt"), &sha).is_none(),
            "a new path"
        );
        let info = previous.info(&[input("a.txt"), input("new.txt")], 1);
        assert_eq!(info.removed, vec!["b.txt".to_owned()]);
        assert_eq!(info.reused, 1);
    }

    #[test]
    fn other_packs_or_options_reuse_nothing_and_say_why() {
        let rules = RuleSet::builtin().unwrap();
        let review = previous_review(&rules);
        let sha = review.documents[0].sha256.clone();
        let other = Previous::new("old.json", review.clone(), "sha256:other", &options());
        assert!(other.mismatch().unwrap().contains("rule packs differ"));
        assert!(other.reuse(&input("a.txt"), &sha).is_none());
        let mut shown = options();
        shown.show_match = true;
        let other = Previous::new("old.json", review, &rules.info().digest, &shown);
        assert!(other.mismatch().unwrap().contains("other options"));
    }

    #[test]
    fn a_document_not_read_in_full_is_read_again() {
        let rules = RuleSet::builtin().unwrap();
        let mut review = previous_review(&rules);
        review.documents[0].extraction.status = ExtractionStatus::Partial;
        let sha = review.documents[0].sha256.clone();
        let previous = Previous::new("old.json", review, &rules.info().digest, &options());
        assert!(previous.reuse(&input("a.txt"), &sha).is_none());
    }
}
