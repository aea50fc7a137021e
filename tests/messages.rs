//! The message catalogue is complete for what prepub says: every problem,
//! notice, verdict reason and skip reason the scan of every fixture
//! (`fixtures/`, with `fixtures/malformed/` made by `make fixtures`)
//! emits has a Chinese rendering, so the Chinese form carries no English
//! sentence of prepub's own.

use prepub::report::messages;
use serde_json::Value;
use std::path::Path;

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// The rules whose findings are extractor notices, not pack rules: their
/// messages are prepub's own sentences.
fn is_notice(rule: &str) -> bool {
    matches!(
        rule.split('.').next(),
        Some("hidden" | "metadata" | "redaction")
    )
}

#[test]
fn every_fixture_message_has_a_chinese_rendering() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let review = dir.path().join("review.json");
    let output = assert_cmd::Command::cargo_bin("prepub")
        .expect("the binary")
        .current_dir(root)
        .env("OMP_THREAD_LIMIT", "1")
        .args([
            "scan",
            "fixtures",
            "--no-progress",
            "--no-decisions",
            "--fail-on",
            "never",
        ])
        .arg("-o")
        .arg(&review)
        .output()
        .expect("prepub runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let review: Value =
        serde_json::from_slice(&std::fs::read(&review).expect("the review")).expect("JSON");
    let mut sentences = Vec::new();
    let documents = review["documents"].as_array().expect("documents");
    assert!(documents.len() > 200, "{} documents", documents.len());
    for document in documents {
        for problem in document["extraction"]["problems"]
            .as_array()
            .into_iter()
            .flatten()
        {
            sentences.push(("problem", problem["message"].as_str().unwrap_or("")));
        }
        for reason in document["reasons"].as_array().into_iter().flatten() {
            sentences.push(("reason", reason.as_str().unwrap_or("")));
        }
        for finding in document["findings"].as_array().into_iter().flatten() {
            if is_notice(finding["rule"].as_str().unwrap_or("")) {
                sentences.push(("notice", finding["message"].as_str().unwrap_or("")));
            }
        }
    }
    for skipped in review["skipped"].as_array().into_iter().flatten() {
        sentences.push(("skipped", skipped["message"].as_str().unwrap_or("")));
    }
    assert!(sentences.len() > 300, "{} sentences", sentences.len());
    let mut missing: Vec<String> = sentences
        .iter()
        .filter(|(_, sentence)| {
            !messages::chinese(sentence).is_some_and(|zh| zh.chars().any(is_cjk))
        })
        .map(|(kind, sentence)| format!("{kind}: {sentence}"))
        .collect();
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "{} sentences have no Chinese rendering in report::messages:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
