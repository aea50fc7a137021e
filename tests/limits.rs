//! Every resource limit, hit on purpose: each must make its document
//! `partial` or `failed` with a message naming the limit (and its flag),
//! never `pass`, and the batch must go on with the next document.
//!
//! The time-budget tests use the debug build's `PREPUB_TEST_HANG` hook: an
//! extractor that never returns and ignores its deadline, like a parser stuck
//! on a hostile file.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

fn prepub() -> Command {
    let mut command = Command::cargo_bin("prepub").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Scans with JSON on stdout; returns the review and the exit code.
fn scan(env: &[(&str, &str)], args: &[&str]) -> (Value, i32) {
    let mut command = prepub();
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .args(["scan", "--format", "json", "--no-progress"])
        .args(args)
        .output()
        .expect("runs");
    let review = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (review, output.status.code().expect("exit code"))
}

fn document<'a>(review: &'a Value, path_end: &str) -> &'a Value {
    review["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .unwrap_or_else(|| panic!("{path_end} in review"))
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

/// Asserts a document was stopped by a limit: the status, never `pass`,
/// and a message naming the limit.
fn assert_limited(document: &Value, status: &str, words: &[&str]) {
    assert_eq!(
        document["extraction"]["status"],
        status,
        "{}: {}",
        document["path"],
        problems(document)
    );
    assert_ne!(document["verdict"], "pass");
    let messages = problems(document);
    for word in words {
        assert!(messages.contains(word), "{word:?} not in {messages:?}");
    }
}

#[test]
fn a_reader_that_never_returns_is_abandoned_and_the_batch_goes_on() {
    let started = Instant::now();
    let (review, code) = scan(
        &[("PREPUB_TEST_HANG", "notice-clean")],
        &["--timeout", "1", "fixtures/text"],
    );
    // Without the watchdog the scan would never end; with it, the hung
    // reader costs its 1 s budget and grace. Loose for a loaded machine.
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
    let hung = document(&review, "fixtures/text/notice-clean.txt");
    assert_limited(
        hung,
        "failed",
        &["time budget of 1 s exceeded", "--timeout"],
    );
    assert_eq!(
        document(&review, "fixtures/text/notice-classified.txt")["verdict"],
        "block",
        "the other documents are still reviewed"
    );
    assert_eq!(code, 1);
}

#[test]
fn abandoned_readers_are_capped() {
    // Six readers that never return, one worker: four are abandoned (the
    // cap), the rest are refused with a message instead of piling up
    // threads, and an ordinary document after them is still reviewed.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..6 {
        std::fs::write(dir.path().join(format!("hang-{i}.txt")), "正文").unwrap();
    }
    std::fs::write(dir.path().join("z-ordinary.txt"), "秘密★1年").unwrap();
    let started = Instant::now();
    let (review, _) = scan(
        &[("PREPUB_TEST_HANG", "hang-")],
        &[
            "--timeout",
            "1",
            "--jobs",
            "1",
            dir.path().to_str().unwrap(),
        ],
    );
    // About 10 s of budgets and graces; loose for a loaded machine.
    assert!(started.elapsed() < Duration::from_secs(180));
    let documents = review["documents"].as_array().unwrap();
    let timed_out = documents
        .iter()
        .filter(|d| problems(d).contains("time budget of 1 s exceeded"))
        .count();
    let refused = documents
        .iter()
        .filter(|d| problems(d).contains("still being read in the background"))
        .count();
    assert_eq!((timed_out, refused), (4, 3), "{}", review["documents"]);
    for i in 0..6 {
        assert_eq!(
            document(&review, &format!("hang-{i}.txt"))["extraction"]["status"],
            "failed"
        );
    }
    // With four readers still stuck the cap is full, so even the ordinary
    // file is refused (at once, not after another wait) rather than risking
    // a fifth; it is never `pass`.
    assert_ne!(document(&review, "z-ordinary.txt")["verdict"], "pass");
}

#[test]
fn file_size_limit() {
    let (review, code) = scan(
        &[],
        &["--max-file-size", "0", "fixtures/text/notice-clean.txt"],
    );
    let document = document(&review, "notice-clean.txt");
    assert_limited(
        document,
        "failed",
        &["over the limit of 0 bytes", "--max-file-size"],
    );
    assert_eq!(
        document["sha256"].as_str().map(str::len),
        Some(64),
        "a file too large to read is still identified by its hash"
    );
    assert_eq!(code, 3);
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_interrupted_batch_writes_no_report_and_says_how_far_it_got() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("review.json");
    let html = dir.path().join("review.html");
    let output = prepub()
        .env("PREPUB_TEST_INTERRUPT", "notice-clean")
        .args(["scan", "--no-progress", "--jobs", "1", "fixtures/text"])
        .arg("-o")
        .arg(&report)
        .arg("-o")
        .arg(&html)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    // Files are reviewed in path order with one worker: broken-bytes,
    // draft-for-comment, gbk-internal, make.py, notice-classified, then
    // notice-clean.
    assert!(
        stderr.contains("interrupted after 5 of 10 files; no report written"),
        "{stderr}"
    );
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

/// How long a test waits for something that takes a moment on an idle
/// machine: long enough for a loaded one, short of the time budgets (120 s)
/// and slow writes the tests set up, so running into it still means the
/// thing did not happen.
#[cfg(unix)]
const PATIENCE: Duration = Duration::from_secs(60);

/// Polls `condition` until it holds; panics naming `what` after
/// [`PATIENCE`].
#[cfg(unix)]
fn wait_for(what: &str, condition: impl Fn() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < PATIENCE,
            "waited {PATIENCE:?} for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Collects a pipe in the background, so a test can look at what the
/// child has written so far.
#[cfg(unix)]
fn collect(
    mut pipe: impl std::io::Read + Send + 'static,
) -> (
    std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    std::thread::JoinHandle<()>,
) {
    let collected = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&collected);
    let reader = std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(read) = pipe.read(&mut buffer) {
            if read == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buffer[..read]);
        }
    });
    (collected, reader)
}

/// Sends SIGINT to a child once `ready` holds, `signals` times — each one
/// after prepub said on stderr that it saw the one before, never after a
/// pause that is only hoped to be long enough — then waits (up to
/// [`PATIENCE`]) for it to exit.
#[cfg(unix)]
fn interrupt_when(
    mut child: std::process::Child,
    ready: impl Fn() -> bool,
    signals: usize,
) -> std::process::Output {
    let (stdout, stdout_reader) = collect(child.stdout.take().expect("stdout piped"));
    let (stderr, stderr_reader) = collect(child.stderr.take().expect("stderr piped"));
    wait_for("the child to be ready", ready);
    let said = |text: &str| String::from_utf8_lossy(&stderr.lock().unwrap()).contains(text);
    for signal in 0..signals {
        if signal > 0 {
            wait_for("prepub to see the first Ctrl-C", || {
                said("prepub: interrupted;")
            });
        }
        let status = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("prepub did not stop within {PATIENCE:?} of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    stdout_reader.join().unwrap();
    stderr_reader.join().unwrap();
    let take = |pipe: std::sync::Arc<std::sync::Mutex<Vec<u8>>>| {
        std::mem::take(&mut *pipe.lock().unwrap())
    };
    std::process::Output {
        status,
        stdout: take(stdout),
        stderr: take(stderr),
    }
}

#[cfg(unix)]
fn spawn_scan(env: &[(&str, &str)], args: &[&std::ffi::OsStr]) -> std::process::Child {
    let binary = assert_cmd::cargo::cargo_bin("prepub");
    let mut command = std::process::Command::new(binary);
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .args(["scan", "--no-progress"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts")
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_writing_reports_removes_the_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("review.json");
    let markdown = dir.path().join("review.md");
    // Each report pauses 5 s once staged: the Ctrl-C sent when the first
    // one appears has 10 s to arrive before the reports would be renamed.
    let child = spawn_scan(
        &[("PREPUB_TEST_SLOW_WRITE", "5")],
        &[
            "fixtures/text".as_ref(),
            "-o".as_ref(),
            json.as_os_str(),
            "-o".as_ref(),
            markdown.as_os_str(),
        ],
    );
    let staged = || !files_in(dir.path()).is_empty();
    let output = interrupt_when(child, staged, 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("no report written"), "{stderr}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_batch_stuck_in_a_slow_document() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("review.json");
    let stuck = dir.path().join("stuck");
    let child = spawn_scan(
        &[
            ("PREPUB_TEST_HANG", "notice-clean"),
            ("PREPUB_TEST_READY_FILE", stuck.to_str().unwrap()),
        ],
        &[
            "--jobs".as_ref(),
            "1".as_ref(),
            "fixtures/text".as_ref(),
            "-o".as_ref(),
            json.as_os_str(),
        ],
    );
    // Interrupt once the batch is stuck in the hanging document (the hook
    // says so), whose budget is 120 s: prepub must stop well before that
    // (`interrupt_when` waits 60 s at most).
    let output = interrupt_when(child, || stuck.exists(), 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    // One worker, path order: the five files before notice-clean are done.
    assert!(
        stderr.contains("interrupted after 5 of 10 files"),
        "{stderr}"
    );
    assert!(!json.exists());
}

#[cfg(unix)]
#[test]
fn a_second_ctrl_c_stops_at_once_and_still_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("review.json");
    // The write pauses 300 s: only the second Ctrl-C can end the run
    // within `interrupt_when`'s 60 s.
    let child = spawn_scan(
        &[("PREPUB_TEST_SLOW_WRITE", "300")],
        &["fixtures/text".as_ref(), "-o".as_ref(), json.as_os_str()],
    );
    let staged = || !files_in(dir.path()).is_empty();
    let output = interrupt_when(child, staged, 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted again"), "{stderr}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

/// Rebuilds a fixture package with some entries replaced or added
/// (deflated), in a temporary directory; returns the new file's path.
fn package_with(
    dir: &Path,
    fixture: &str,
    name: &str,
    replace: &[(&str, Vec<u8>)],
) -> std::path::PathBuf {
    use std::io::{Read, Write};
    let source = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture)).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(source)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let entry_name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if replace.iter().any(|(n, _)| *n == entry_name) {
            continue;
        }
        out.start_file(entry_name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    for (entry_name, bytes) in replace {
        out.start_file(*entry_name, options).unwrap();
        out.write_all(bytes).unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
    path
}

/// A Word body of about `mebibytes` MiB of ordinary paragraphs.
fn big_document_xml(mebibytes: usize) -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    let paragraph = "<w:p><w:r><w:t>各地区各部门要提高思想认识，加强组织领导，确保各项任务落到实处。</w:t></w:r></w:p>";
    while xml.len() < mebibytes << 20 {
        xml.push_str(paragraph);
    }
    xml.push_str("</w:body></w:document>");
    xml.into_bytes()
}

fn not_complete(document: &Value, words: &[&str]) {
    let status = document["extraction"]["status"]
        .as_str()
        .unwrap_or_default();
    assert!(
        status == "partial" || status == "failed",
        "{}: {status}: {}",
        document["path"],
        problems(document)
    );
    assert_ne!(document["verdict"], "pass");
    let messages = problems(document);
    for word in words {
        assert!(messages.contains(word), "{word:?} not in {messages:?}");
    }
}

#[test]
fn part_size_inflated_and_ratio_limits_on_a_word_document() {
    let dir = tempfile::tempdir().unwrap();
    let docx = package_with(
        dir.path(),
        "fixtures/docx/table.docx",
        "big.docx",
        &[("word/document.xml", big_document_xml(3))],
    );
    let target = docx.to_str().unwrap();
    let (review, code) = scan(&[], &["--max-part-size", "1", target]);
    not_complete(document(&review, "big.docx"), &["--max-part-size"]);
    assert_ne!(code, 0);
    let (review, _) = scan(&[], &["--max-inflated", "1", target]);
    not_complete(document(&review, "big.docx"), &["--max-inflated"]);
    let (review, _) = scan(&[], &["--max-zip-ratio", "20", target]);
    not_complete(
        document(&review, "big.docx"),
        &["--max-zip-ratio", "possible zip bomb"],
    );
    // Within the limits the same file reads completely.
    let (review, _) = scan(&[], &[target]);
    assert_eq!(
        document(&review, "big.docx")["extraction"]["status"],
        "complete"
    );
}

#[test]
fn zip_entry_limit_on_a_document_and_on_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let docx = package_with(dir.path(), "fixtures/docx/table.docx", "t.docx", &[]);
    let (review, _) = scan(&[], &["--max-zip-entries", "3", docx.to_str().unwrap()]);
    not_complete(document(&review, "t.docx"), &["--max-zip-entries"]);

    let members: Vec<(String, Vec<u8>)> = (0..30)
        .map(|i| (format!("m{i:02}.txt"), format!("第{i}号").into_bytes()))
        .collect();
    let borrowed: Vec<(&str, Vec<u8>)> = members
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let archive = package_with(
        dir.path(),
        "fixtures/docx/table.docx",
        "batch.zip",
        &borrowed,
    );
    let (review, _) = scan(&[], &["--max-zip-entries", "20", archive.to_str().unwrap()]);
    let documents = review["documents"].as_array().unwrap();
    assert!(
        documents
            .iter()
            .any(|d| problems(d).contains("--max-zip-entries")),
        "{review:#}"
    );
    for document in documents {
        if problems(document).contains("--max-zip-entries") {
            not_complete(document, &["--max-zip-entries"]);
        }
    }
}

#[test]
fn nesting_depth_limit() {
    let (review, code) = scan(&[], &["--max-depth", "3", "fixtures/ofd/planted.ofd"]);
    not_complete(
        document(&review, "planted.ofd"),
        &["deeper than 3 levels", "--max-depth"],
    );
    assert_ne!(code, 0);
}

#[test]
fn pdf_object_limit() {
    let (review, code) = scan(
        &[],
        &["--max-pdf-objects", "2", "fixtures/pdf/cjk-libreoffice.pdf"],
    );
    not_complete(
        document(&review, "cjk-libreoffice.pdf"),
        &["over the limit of 2", "--max-pdf-objects"],
    );
    assert_ne!(code, 0);
}
