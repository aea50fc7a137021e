//! The whole shared corpus in one batch — real documents, fuzzed PDFs, the
//! libzip archives, the 4 GiB-expanding zip and the hand-made hostile files
//! of `made-malformed/` — through the real binary, as a user would run it.
//!
//! Checks what "unbreakable" means: the process exits normally (no panic
//! escaped, no abort, no stack overflow), no document reports an internal
//! error (a contained panic), every file is in the review, no hostile file
//! passes, and time and peak memory stay bounded. Skips with a message when
//! the corpus is absent. `make corpus` runs it with a release build.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PREPUB_CORPUS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
        Some(PathBuf::from("/work/shared/corpus")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Peak resident memory of a running process, in KiB (Linux: VmHWM).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

struct Run {
    review: Value,
    code: Option<i32>,
    elapsed: Duration,
    peak_kib: Option<u64>,
    stderr: String,
}

fn scan_corpus(corpus: &Path) -> Run {
    let binary = assert_cmd::cargo::cargo_bin("prepub");
    let work = tempfile::tempdir().unwrap();
    let json = work.path().join("review.json");
    let stderr_path = work.path().join("stderr.txt");
    let started = Instant::now();
    let mut child = std::process::Command::new(binary)
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "--timeout",
            "60",
        ])
        .arg("-o")
        .arg(&json)
        .arg(corpus)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("prepub starts");
    let mut peak_kib = None;
    let limit = Duration::from_secs(20 * 60);
    let status = loop {
        if let Some(peak) = peak_rss_kib(child.id()) {
            peak_kib = Some(peak_kib.unwrap_or(0).max(peak));
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the corpus scan ran over {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    let elapsed = started.elapsed();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let review = std::fs::read(&json)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null);
    Run {
        review,
        code: status.code(),
        elapsed,
        peak_kib,
        stderr,
    }
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
fn whole_corpus_scans_without_panic_in_bounded_time_and_memory() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: shared corpus not found (set PREPUB_CORPUS)");
        return;
    };
    let files = files_under(&corpus);
    let run = scan_corpus(&corpus);
    assert_eq!(
        run.code,
        Some(0),
        "prepub did not exit normally: {}",
        run.stderr
    );
    let documents = run.review["documents"]
        .as_array()
        .expect("a JSON review was written");

    // Every file is reviewed: as a document, or as the archive its members
    // came from (`a.zip!/member`).
    let shown = |file: &Path| {
        let display = file.to_string_lossy().replace('\\', "/");
        let display = display.strip_prefix("./").unwrap_or(&display).to_owned();
        documents.iter().any(|d| {
            d["path"]
                .as_str()
                .is_some_and(|p| p == display || p.starts_with(&format!("{display}!/")))
        })
    };
    let missing: Vec<_> = files.iter().filter(|f| !shown(f)).collect();
    assert!(missing.is_empty(), "not in the review: {missing:?}");

    let internal: Vec<String> = documents
        .iter()
        .filter(|d| problems(d).contains("internal error"))
        .map(|d| format!("{}: {}", d["path"], problems(d)))
        .collect();
    assert!(
        internal.is_empty(),
        "contained panics (bugs to fix):\n{}",
        internal.join("\n")
    );

    // Hand-made hostile files are never `pass`.
    let hostile: Vec<&Value> = documents
        .iter()
        .filter(|d| {
            d["path"]
                .as_str()
                .is_some_and(|p| p.contains("/made-malformed/") && !p.ends_with("README.md"))
        })
        .collect();
    for document in &hostile {
        assert_ne!(
            document["verdict"],
            "pass",
            "{} passed: {}",
            document["path"],
            problems(document)
        );
    }

    let timed_out: Vec<String> = documents
        .iter()
        .filter(|d| problems(d).contains("time budget"))
        .map(|d| d["path"].to_string())
        .collect();
    let mut by_status = std::collections::BTreeMap::new();
    for document in documents {
        *by_status
            .entry(
                document["extraction"]["status"]
                    .as_str()
                    .unwrap_or("?")
                    .to_owned(),
            )
            .or_insert(0) += 1;
    }
    let peak_mib = run.peak_kib.map(|k| k / 1024);
    eprintln!(
        "corpus: {} files → {} documents {:?} in {:.1} s, peak RSS {} MiB; over the time budget: {:?}",
        files.len(),
        documents.len(),
        by_status,
        run.elapsed.as_secs_f64(),
        peak_mib.map_or("?".into(), |m| m.to_string()),
        timed_out
    );
    if let Some(peak) = peak_mib {
        assert!(peak < 2048, "peak RSS {peak} MiB");
    }
}
