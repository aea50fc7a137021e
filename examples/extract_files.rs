//! Extracts each file named on the command line and prints what prepub
//! read: status, problems, notices and segments. Until `prepub extract`
//! lands this is the way to look at an extraction, and `bench/docx.sh`
//! uses it (with `--quiet`) to time extraction alone.
//!
//! Usage: `cargo run --release --example extract_files -- [--quiet] FILE...`

use prepub::extract::{Request, detect, extract};
use prepub::limits::{Deadline, Limits};
use std::io::Write;

fn main() {
    // Quietly stop when the reader of our output goes away (`| head`).
    if let Err(error) = run()
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("extract_files: {error}");
        std::process::exit(2);
    }
}

fn run() -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut quiet = false;
    let mut files = Vec::new();
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "--quiet" | "-q" => quiet = true,
            _ => files.push(argument),
        }
    }
    let limits = Limits::default();
    let mut failures = 0usize;
    let mut characters = 0usize;
    for file in &files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{file}: cannot read: {error}");
                failures += 1;
                continue;
            }
        };
        let format = detect(&bytes, file);
        let request = Request {
            bytes: &bytes,
            name: file,
            limits: &limits,
            deadline: Deadline::after(limits.time_budget),
            passwords: &[],
        };
        let extraction = extract(format, &request);
        characters += extraction
            .segments
            .iter()
            .map(|segment| segment.text.len())
            .sum::<usize>();
        if quiet {
            if extraction.status() == prepub::document::ExtractionStatus::Failed {
                failures += 1;
            }
            continue;
        }
        writeln!(
            out,
            "== {file}: {format} {} pages={:?}",
            extraction.status().as_str(),
            extraction.pages
        )?;
        for problem in &extraction.problems {
            writeln!(
                out,
                "  problem [{:?}] {}: {}",
                problem.impact,
                problem.part.as_deref().unwrap_or("-"),
                problem.message
            )?;
        }
        for notice in &extraction.notices {
            writeln!(
                out,
                "  notice {} ({}/{}) {}: {} | {}",
                notice.rule,
                notice.category,
                notice.severity,
                notice.part,
                notice.message,
                notice.text
            )?;
        }
        for segment in &extraction.segments {
            let mut place = segment.part.to_string();
            if let Some(page) = segment.page {
                place.push_str(&format!(" p{page}"));
            }
            if let Some(label) = &segment.label {
                place.push_str(&format!(" [{label}]"));
            }
            for line in segment.text.lines() {
                writeln!(out, "  {place}: {line}")?;
            }
        }
    }
    if quiet {
        writeln!(
            out,
            "{} files, {characters} bytes of text, {failures} failed",
            files.len()
        )?;
    }
    Ok(())
}
