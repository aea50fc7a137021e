//! `verify` against edited reviews: one test per way of tampering with a
//! review. Each scans real files, edits the review as an attacker or a
//! careless hand would, and checks that the rerun names the difference —
//! never "reproduced".

use super::*;
use crate::batch::{BatchOptions, Selection, collect_files, scan_file};

const MARKED: &str = "关于做好防汛工作的通知\n机密★1年\n联系人手机13912345678\n";
const CLEAN: &str = "关于开展全民健身活动的通知\n各区县：\n";

/// A folder `docs` with a marked and a clean document.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/a.txt"), MARKED).unwrap();
    std::fs::write(dir.path().join("docs/b.txt"), CLEAN).unwrap();
    dir
}

/// The review `scan DIR/docs` gives with `rules`, its inputs recorded as
/// the command line does.
fn scanned_with(dir: &Path, rules: &RuleSet) -> Review {
    let selection = Selection {
        paths: vec![dir.join("docs")],
        ..Selection::default()
    };
    let files = collect_files(&selection).unwrap();
    let options = BatchOptions {
        jobs: Some(1),
        ..BatchOptions::default()
    };
    let mut review = crate::batch::run(&files, rules, &options).unwrap();
    review.options.as_mut().unwrap().inputs = Some(selection.inputs_info(false));
    review
}

/// [`scanned_with`], the packs' text embedded (`scan --embed-rules`).
fn scanned_embedded(dir: &Path, rules: &RuleSet) -> Review {
    let mut review = scanned_with(dir, rules);
    review.rules = rules.info_embedded();
    review
}

fn scanned(dir: &Path) -> Review {
    scanned_with(dir, &RuleSet::builtin().unwrap())
}

fn verified(review: &Review) -> Outcome {
    let options = VerifyOptions {
        jobs: Some(1),
        ..VerifyOptions::default()
    };
    verify(review, &options).unwrap()
}

/// The differences as the terminal shows them.
fn differences(outcome: &Outcome) -> String {
    assert!(!outcome.reproduced(), "{}", outcome.render());
    outcome.render()
}

fn document<'a>(review: &'a mut Review, name: &str) -> &'a mut DocumentReview {
    review
        .documents
        .iter_mut()
        .find(|d| d.path.ends_with(name))
        .unwrap()
}

#[test]
fn an_untouched_review_is_reproduced() {
    let dir = folder();
    let outcome = verified(&scanned(dir.path()));
    assert!(outcome.reproduced(), "{}", outcome.render());
    assert_eq!(outcome.documents, 2);
}

#[test]
fn an_edited_summary_is_a_difference() {
    let dir = folder();
    let mut review = scanned(dir.path());
    review.summary.block = 0;
    review.summary.pass = 2;
    let text = differences(&verified(&review));
    assert!(
        text.contains(
            "(summary): block: the review says 0 but its documents count 1 (the summary was edited)"
        ),
        "{text}"
    );
    assert!(
        text.contains("(summary): pass: the review says 2"),
        "{text}"
    );
}

#[test]
fn a_summary_edited_with_its_documents_is_a_difference() {
    // Verdict, reasons and summary all made to agree: the rerun still
    // disagrees with every one of them.
    let dir = folder();
    let mut review = scanned(dir.path());
    let marked = document(&mut review, "a.txt");
    marked.verdict = crate::review::Verdict::Pass;
    marked.reasons = vec!["nothing found".into()];
    review.summary = Summary::of(&review.documents);
    let text = differences(&verified(&review));
    assert!(text.contains("a.txt: verdict pass → block"), "{text}");
    assert!(
        text.contains("a.txt: reasons [nothing found] → [1 blocking finding(s)"),
        "{text}"
    );
    assert!(text.contains("(summary): block 0 → 1"), "{text}");
}

#[test]
fn edited_reasons_are_a_difference() {
    let dir = folder();
    let mut review = scanned(dir.path());
    document(&mut review, "a.txt").reasons = vec!["approved by the office".into()];
    let text = differences(&verified(&review));
    assert!(
        text.contains("a.txt: reasons [approved by the office] → ["),
        "{text}"
    );
}

#[test]
fn a_document_deleted_from_the_review_is_a_difference() {
    let dir = folder();
    let mut review = scanned(dir.path());
    review.documents.retain(|d| !d.path.ends_with("a.txt"));
    review.summary = Summary::of(&review.documents);
    let outcome = verified(&review);
    let text = differences(&outcome);
    assert!(
        text.contains(
            "a.txt: missing from the review: the recorded inputs hold it now (2 findings, verdict block)"
        ),
        "{text}"
    );
    assert!(
        text.contains("not reproduced: 1 of 2 documents differ"),
        "{text}"
    );
}

#[test]
fn a_file_deleted_since_the_review_is_a_difference() {
    let dir = folder();
    let review = scanned(dir.path());
    std::fs::remove_file(dir.path().join("docs/a.txt")).unwrap();
    let text = differences(&verified(&review));
    assert!(text.contains("a.txt: missing: no such file"), "{text}");
    assert!(text.contains("(summary): block 1 → 0"), "{text}");
}

#[test]
fn a_document_the_inputs_do_not_hold_is_a_difference() {
    // A clean document from elsewhere swapped in for the marked one.
    let dir = folder();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("c.txt"), CLEAN).unwrap();
    let mut review = scanned(dir.path());
    let rules = RuleSet::builtin().unwrap();
    let other = InputFile {
        display: crate::batch::display_of(&elsewhere.path().join("c.txt")),
        path: elsewhere.path().join("c.txt"),
        named: false,
    };
    review
        .documents
        .extend(scan_file(&other, &rules, &ScanOptions::default()));
    review.summary = Summary::of(&review.documents);
    let text = differences(&verified(&review));
    assert!(
        text.contains(
            "c.txt: not among the review's inputs: a walk of the recorded inputs does not reach it"
        ),
        "{text}"
    );
}

#[test]
fn a_review_without_its_inputs_cannot_be_shown_whole() {
    let dir = folder();
    let mut review = scanned(dir.path());
    review.options.as_mut().unwrap().inputs = None;
    review.documents.retain(|d| !d.path.ends_with("a.txt"));
    review.summary = Summary::of(&review.documents);
    let text = differences(&verified(&review));
    assert!(
        text.contains("(inputs): the review does not record its inputs"),
        "{text}"
    );
}

/// The built-in packs with `cn-markings` weakened: its level-star rule
/// (`机密★1年`) lowered to info, the file still named as the built-in one.
fn weakened() -> RuleSet {
    let mut sources = crate::rules::builtin_sources();
    let markings = sources
        .iter_mut()
        .find(|source| source.origin == "builtin:cn-markings.yaml")
        .unwrap();
    let spec: serde_json::Value = serde_saphyr::from_str(&markings.yaml).unwrap();
    let mut spec = spec;
    let rule = spec["rules"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|rule| rule["id"] == "marking.cn.level-star")
        .unwrap();
    rule["severity"] = "info".into();
    markings.yaml = serde_json::to_string(&spec).unwrap();
    match load_sources(&sources) {
        Ok(rules) => rules,
        Err(errors) => panic!("{}", rule_error_text(errors)),
    }
}

#[test]
fn a_weakened_pack_labelled_builtin_is_a_difference() {
    let dir = folder();
    let rules = weakened();
    let review = scanned_embedded(dir.path(), &rules);
    let marked = review.documents.iter().find(|d| d.path.ends_with("a.txt"));
    assert_eq!(
        marked.map(|d| d.verdict),
        Some(crate::review::Verdict::Review),
        "the weakened pack no longer blocks 机密★1年"
    );
    // The review is consistent with itself: its embedded packs rerun to
    // the same findings. Only the label is a lie.
    let markings = &review.rules.packs[0];
    assert_eq!(markings.origin.as_deref(), Some("builtin:cn-markings.yaml"));
    let shipped = RuleSet::builtin().unwrap().info().packs[0].sha256.clone();
    let text = differences(&verified(&review));
    assert!(
        text.contains(&format!(
            "(rules): pack `cn-markings` is labelled builtin:cn-markings.yaml but is not a built-in pack of this prepub: its sha256 is {}; prepub {} ships builtin:cn-markings.yaml with sha256 {shipped}",
            markings.sha256,
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert_eq!(
        verified(&review)
            .differences
            .iter()
            .filter(|d| d.path != "(rules)")
            .count(),
        0,
        "nothing else differs"
    );
}

#[test]
fn a_pack_digest_edited_to_the_shipped_one_is_a_difference() {
    let dir = folder();
    let mut review = scanned_embedded(dir.path(), &weakened());
    let shipped = RuleSet::builtin().unwrap().info();
    // The recorded digests say "built in"; the embedded text does not.
    review.rules.packs[0].sha256 = shipped.packs[0].sha256.clone();
    review.rules.digest = shipped.digest.clone();
    let text = differences(&verified(&review));
    assert!(
        text.contains(&format!(
            "(rules): pack `cn-markings`: the review records cn-markings {} sha256 {}, but its embedded text is",
            shipped.packs[0].version, shipped.packs[0].sha256
        )),
        "{text}"
    );
    assert!(
        text.contains("is not a built-in pack of this prepub"),
        "{text}"
    );
}

#[test]
fn a_builtin_label_this_version_does_not_ship_is_a_difference() {
    let dir = folder();
    let mut review = scanned_embedded(dir.path(), &weakened());
    review.rules.packs[0].origin = Some("builtin:cn-extra.yaml".into());
    let text = differences(&verified(&review));
    assert!(text.contains("ships no builtin:cn-extra.yaml"), "{text}");
}

/// Without the packs' text, a weakened pack labelled built-in cannot be
/// rerun at all: the shipped packs do not give its digest, and verify
/// refuses (an error naming the pack) rather than rerun other rules.
#[test]
fn a_weakened_pack_named_but_not_embedded_cannot_be_rerun() {
    let dir = folder();
    let review = scanned_with(dir.path(), &weakened());
    assert!(review.rules.packs.iter().all(|p| p.source.is_none()));
    let options = VerifyOptions {
        jobs: Some(1),
        ..VerifyOptions::default()
    };
    let error = verify(&review, &options).unwrap_err();
    assert!(
        error.contains("rule pack `cn-markings`") && error.contains("not the pack the review used"),
        "{error}"
    );
}

#[test]
fn summary_fields_are_compared_through_the_json_form() {
    let recorded = Summary {
        documents: 2,
        pass: 1,
        block: 1,
        findings: 3,
        ..Summary::default()
    };
    assert!(summary_differences(&recorded, &recorded, &recorded).is_empty());
    let rerun = Summary {
        waived: 1,
        ..recorded.clone()
    };
    // A count that is left out of the JSON when zero is still compared.
    let out = summary_differences(&recorded, &recorded, &rerun);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].what, "waived 0 → 1");
}
