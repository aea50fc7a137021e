//! Regression files under `fixtures/malformed/`: inputs that once crashed,
//! hung or exhausted a reader (most found by `cargo fuzz`, see
//! `fixtures/malformed/README.md` for where each came from).
//!
//! Two checks. Through the binary, as a user would scan them: the process
//! exits normally, every file is in the review, none reports an internal
//! error (a contained panic is still a bug), none is `pass`, and the batch
//! finishes in bounded time. And directly, without the watchdog: every file
//! is fed to *every* reader, not only the one its content selects, so a
//! crasher found for one format keeps guarding the others.

use prepub::extract::document::ExtractionStatus;
use prepub::extract::limits::{Deadline, Limits};
use prepub::extract::{self, Format, Request};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn malformed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed")
}

/// The regression files (not the README or scripts).
fn regression_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(malformed_dir())
        .expect("fixtures/malformed exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // The README and the generator scripts (make.py, make_*.py, *.sh).
            p.is_file()
                && name != "README.md"
                && !(name.starts_with("make") && name.ends_with(".py"))
                && !name.ends_with(".sh")
        })
        .collect();
    files.sort();
    files
}

fn problems(document: &Value) -> String {
    document["extraction"]["problems"]
        .as_array()
        .map(|problems| {
            problems
                .iter()
                .filter_map(|p| p["message"].as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

#[test]
fn every_regression_file_is_reviewed_without_panic_and_never_passes() {
    let files = regression_files();
    assert!(!files.is_empty(), "no regression files");
    let started = Instant::now();
    let output = assert_cmd::Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "scan",
            "--format",
            "json",
            "--no-progress",
            "--fail-on",
            "never",
            "--timeout",
            "30",
            "fixtures/malformed",
        ])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A hang guard only: each document is held to --timeout 30 anyway.
    assert!(elapsed < Duration::from_secs(600), "took {elapsed:?}");
    let review: Value = serde_json::from_slice(&output.stdout).unwrap();
    let documents = review["documents"].as_array().unwrap();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        let path = format!("fixtures/malformed/{name}");
        let reviewed: Vec<&Value> = documents
            .iter()
            .filter(|d| {
                d["path"]
                    .as_str()
                    .is_some_and(|p| p == path || p.starts_with(&format!("{path}!/")))
            })
            .collect();
        assert!(!reviewed.is_empty(), "{path} not in the review");
        for document in reviewed {
            let messages = problems(document);
            assert!(
                !messages.contains("internal error"),
                "{}: {messages}",
                document["path"]
            );
            assert_ne!(
                document["verdict"], "pass",
                "{} passed: {messages}",
                document["path"]
            );
        }
    }
}

/// Every reader prepub has, fed every regression file.
#[test]
fn every_reader_survives_every_regression_file() {
    const READERS: [Format; 11] = [
        Format::Text,
        Format::Html,
        Format::Docx,
        Format::Xlsx,
        Format::Pptx,
        Format::Odt,
        Format::Ods,
        Format::Odp,
        Format::Pdf,
        Format::Ofd,
        Format::Zip,
    ];
    let limits = Limits {
        time_budget: Duration::from_secs(20),
        ..Limits::default()
    };
    let mut failures = Vec::new();
    for file in regression_files() {
        let bytes = std::fs::read(&file).unwrap();
        let name = file.to_string_lossy().into_owned();
        for format in READERS {
            let request = Request {
                bytes: &bytes,
                name: &name,
                limits: &limits,
                deadline: Deadline::after(limits.time_budget),
                passwords: &[],
            };
            let started = Instant::now();
            let result = std::panic::catch_unwind(|| {
                if format == Format::Zip {
                    let _ = extract::archive::members(&bytes, &limits);
                } else {
                    let _ = extract::extract(format, &request);
                }
            });
            if result.is_err() {
                failures.push(format!("{name} as {format}: panicked"));
            }
            // Generous for a debug build on a shared machine; the budget
            // itself is 20 s.
            if started.elapsed() > Duration::from_secs(60) {
                failures.push(format!("{name} as {format}: took {:?}", started.elapsed()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// html5ever's cost per tag grows with the nesting depth (quadratic in
/// total), so at depth 20,000 one 16 KiB slice of input outlasted a whole
/// time budget: the HTML reader saw its deadline seconds late and the
/// watchdog had to abandon it. Pages deeper than the HTML depth cap are now
/// read from their tags; with the cap lifted, the reader shrinks slow slices
/// and stops on time by itself.
#[test]
fn deeply_nested_html_is_read_from_its_tags_quickly() {
    // 40,000 nested elements: building the tree would take seconds
    // (quadratic); over the depth cap the page is read from its tokens.
    let output = assert_cmd::Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["extract", "fixtures/malformed/deep-nesting.html"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("levels deep, over the limit of 1024 for HTML (16 × --max-depth)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("机密★1年"),
        "the text is still read: {stdout}"
    );
    assert!(!stdout.contains("time budget"), "{stdout}");
}

/// With the depth cap lifted, the tree builder's quadratic time meets the
/// time budget instead, and the HTML reader must stop by itself, on its own
/// deadline, saying so. Read directly, with no watchdog that could end it
/// instead (under load a reader a little late past its budget was
/// abandoned, and on a fast machine the 20,000-deep fixture parsed within
/// the budget, so the old wall-clock test failed both ways): the page is
/// 200,000 elements deep, which would take minutes to parse whole on any
/// machine (20,000 take about a second in a release build, and the cost
/// grows with the square of the depth), so only the reader's deadline
/// check ends it, and the bound below is loose for a loaded machine.
#[test]
fn deeply_nested_html_stops_on_time_by_itself() {
    let depth = 200_000;
    let page = format!(
        "<html><body><p>机密★1年</p>{}深处{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    // On a thread of its own (with the stack prepub gives its readers), so
    // a reader that does not stop fails the test after the bound instead of
    // running it for an hour.
    let (sender, receiver) = std::sync::mpsc::channel();
    let reader = std::thread::Builder::new().stack_size(64 << 20);
    reader
        .spawn(move || {
            let limits = Limits {
                max_depth: 1_000_000,
                time_budget: Duration::from_secs(1),
                ..Limits::default()
            };
            let request = Request {
                bytes: page.as_bytes(),
                name: "deep.html",
                limits: &limits,
                deadline: Deadline::after(limits.time_budget),
                passwords: &[],
            };
            let _ = sender.send(extract::extract(Format::Html, &request));
        })
        .unwrap();
    let extraction = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("the reader stops by itself within 60 s of a 1 s budget");
    let problems: Vec<&str> = extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert!(
        problems.iter().any(|p| p.starts_with(
            "time budget of 1 s exceeded (--timeout) while parsing: the rest of the page is not read"
        )),
        "stopped by its budget: {problems:?}"
    );
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
}
