//! Golden files: every report format rendered from `tests/golden/review.json`.
//!
//! A change to any renderer shows up as a diff against the checked-in
//! output. Run with `UPDATE_GOLDEN=1` to rewrite the files after an
//! intended change, then read the diff before committing it.
//!
//! The recorded scan time is the only field that may differ between two
//! renderings of the same review, so the comparison masks it (and the date
//! printed from it); everything else must match byte for byte.

use prepub::report::{self, Lang, RenderOptions};
use prepub::review::Review;
use std::io::Read;
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn review() -> Review {
    let json = std::fs::read_to_string(golden_dir().join("review.json")).expect("review.json");
    serde_json::from_str(&json).expect("review.json parses as a review")
}

fn filled() -> RenderOptions {
    RenderOptions {
        lang: Lang::Zh,
        reviewer: Some("王五".into()),
        department: Some("办公室".into()),
        batch: Some("2024-03 第一批".into()),
        ..RenderOptions::default()
    }
}

fn blank_en() -> RenderOptions {
    RenderOptions {
        lang: Lang::En,
        ..RenderOptions::default()
    }
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

/// A rewritten golden file has been compared with nothing: the run that
/// rewrote it fails, so an update can never pass as a check.
fn rewritten(path: &std::path::Path) -> ! {
    panic!(
        "{} rewritten because UPDATE_GOLDEN is set: review the diff, then run again without it",
        path.display()
    )
}

/// Replaces the scan time and the dates printed from it.
fn mask(text: &str, review: &Review) -> String {
    let started = &review.started_at;
    let mut masked = text.replace(started.as_str(), "<STARTED_AT>");
    for lang in [Lang::Zh, Lang::En] {
        masked = masked.replace(&report::present::date(lang, started), "<DATE>");
    }
    masked
}

fn check_text(name: &str, rendered: &[u8]) {
    let path = golden_dir().join(name);
    if updating() {
        std::fs::write(&path, rendered).expect("write golden");
        rewritten(&path);
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    let review = review();
    let rendered = mask(std::str::from_utf8(rendered).expect("UTF-8"), &review);
    let expected = mask(std::str::from_utf8(&expected).expect("UTF-8"), &review);
    if rendered != expected {
        let line = rendered
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .map_or(
                rendered.lines().count().min(expected.lines().count()),
                |n| n,
            );
        panic!(
            "{name} differs from the golden file at line {}:\n  got:      {:?}\n  expected: {:?}\n\
             (UPDATE_GOLDEN=1 cargo test --test report_golden rewrites it)",
            line + 1,
            rendered.lines().nth(line),
            expected.lines().nth(line),
        );
    }
}

// One golden file per test: `UPDATE_GOLDEN` rewrites a file and fails its
// test at once, so a test with two files would never reach the second.

#[test]
fn html_golden() {
    check_text(
        "review.zh.html",
        &report::html::render(&review(), &filled()).unwrap(),
    );
}

#[test]
fn html_en_golden() {
    check_text(
        "review.en.html",
        &report::html::render(&review(), &blank_en()).unwrap(),
    );
}

#[test]
fn markdown_golden() {
    check_text(
        "review.zh.md",
        &report::markdown::render(&review(), &filled()).unwrap(),
    );
}

#[test]
fn markdown_en_golden() {
    check_text(
        "review.en.md",
        &report::markdown::render(&review(), &blank_en()).unwrap(),
    );
}

#[test]
fn sarif_golden() {
    check_text(
        "review.sarif",
        &report::sarif::render(&review(), &filled()).unwrap(),
    );
}

#[test]
fn junit_golden() {
    check_text(
        "review.junit.xml",
        &report::junit::render(&review(), &filled()).unwrap(),
    );
}

#[test]
fn csv_golden() {
    check_text(
        "review.csv",
        &report::csv::render(&review(), &filled()).unwrap(),
    );
}

/// The .docx is compared part by part (names, order and uncompressed
/// content), not as zip bytes, so a different deflate implementation does
/// not count as a change.
#[test]
fn docx_golden() {
    let review = review();
    let rendered = report::docx::render(&review, &filled()).unwrap();
    let path = golden_dir().join("review.zh.docx");
    if updating() {
        std::fs::write(&path, &rendered).expect("write golden");
        rewritten(&path);
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    let got = unzip(&rendered);
    let want = unzip(&expected);
    let names = |entries: &[(String, Vec<u8>)]| -> Vec<String> {
        entries.iter().map(|(name, _)| name.clone()).collect()
    };
    assert_eq!(names(&got), names(&want), "parts of the .docx");
    for ((name, got), (_, want)) in got.iter().zip(&want) {
        let got = mask(&String::from_utf8_lossy(got), &review);
        let want = mask(&String::from_utf8_lossy(want), &review);
        assert!(
            got == want,
            "{name} differs from the golden .docx (UPDATE_GOLDEN=1 rewrites it)"
        );
    }
}

/// The fixture is a review the scan could have written: its summary is the
/// one the documents give, and every waiver is a current `keep`.
#[test]
fn the_fixture_is_consistent() {
    let review = review();
    assert_eq!(
        review.summary,
        prepub::review::Summary::of(&review.documents)
    );
    for document in &review.documents {
        let (verdict, _) = prepub::review::verdict_of(document);
        assert_eq!(document.verdict, verdict, "{}", document.path);
    }
    for finding in review.documents.iter().flat_map(|d| &d.findings) {
        if let Some(waiver) = &finding.waived {
            let decision = finding
                .decision
                .as_ref()
                .expect("a waiver has its decision");
            assert_eq!(decision.decision, prepub::review::DecisionKind::Keep);
            assert!(!decision.expired);
            assert_eq!((&waiver.by, &waiver.date), (&decision.by, &decision.date));
        }
    }
}

/// A review that went through JSON and back renders the same bytes: what
/// `prepub report REVIEW.json` relies on.
#[test]
fn rendering_after_a_json_round_trip_is_identical() {
    let review = review();
    let again: Review = serde_json::from_str(&serde_json::to_string(&review).unwrap()).unwrap();
    assert_eq!(
        report::html::render(&review, &filled()).unwrap(),
        report::html::render(&again, &filled()).unwrap()
    );
    type Renderer = fn(&Review, &RenderOptions) -> Result<Vec<u8>, String>;
    let renderers: [(&str, Renderer); 5] = [
        ("markdown", report::markdown::render),
        ("docx", report::docx::render),
        ("sarif", report::sarif::render),
        ("junit", report::junit::render),
        ("csv", report::csv::render),
    ];
    for (name, render) in renderers {
        assert!(
            render(&review, &filled()).unwrap() == render(&again, &filled()).unwrap(),
            "{name} differs after a JSON round trip"
        );
    }
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read entry");
        let name = entry.name().expect("entry name").to_string();
        entries.push((name, data));
    }
    entries
}

/// A batch with no documents still gives a well-formed report of every
/// kind (an empty directory scanned in CI must not break the upload step).
#[test]
fn an_empty_review_renders_in_every_format() {
    let mut review = review();
    review.documents.clear();
    review.skipped.clear();
    review.summary = prepub::review::Summary::of(&review.documents);
    let options = blank_en();
    let html = String::from_utf8(report::html::render(&review, &options).unwrap()).unwrap();
    assert!(html.contains("This batch has no documents.") && html.ends_with("</html>\n"));
    let markdown = String::from_utf8(report::markdown::render(&review, &options).unwrap()).unwrap();
    assert!(markdown.contains("This batch has no documents."));
    let docx = report::docx::render(&review, &options).unwrap();
    assert!(
        unzip(&docx)
            .iter()
            .any(|(name, _)| name == "word/document.xml")
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&report::sarif::render(&review, &options).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(0)
    );
    let junit = String::from_utf8(report::junit::render(&review, &options).unwrap()).unwrap();
    assert!(junit.contains("tests=\"0\" failures=\"0\" errors=\"0\""));
    let csv = report::csv::render(&review, &options).unwrap();
    assert_eq!(
        csv.iter().filter(|&&b| b == b'\n').count(),
        1,
        "header only"
    );
}
