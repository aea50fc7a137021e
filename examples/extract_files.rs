//! Extracts files with prepub's extractors and prints what came out — a
//! stand-in for `prepub extract` until the CLI lands, and the driver of
//! `bench/pdf.sh`.
//!
//! Usage: cargo run --release --example extract_files -- [--jobs N] [--text] [--quiet] FILE...
//!
//! `--jobs N` reads N files at once (default 1); `--text` prints each
//! segment; `--quiet` prints only a summary line.

use prepub::extract::document::Extraction;
use prepub::extract::limits::{Deadline, Limits};
use prepub::extract::{Request, detect, extract};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

struct Options {
    jobs: usize,
    text: bool,
    quiet: bool,
    passwords: Vec<String>,
    files: Vec<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        jobs: 1,
        text: false,
        quiet: false,
        passwords: Vec::new(),
        files: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--jobs" => {
                let value = args.next().ok_or("--jobs needs a number")?;
                options.jobs = value
                    .parse()
                    .map_err(|_| format!("--jobs: not a number: {value}"))?;
            }
            "--password" => options
                .passwords
                .push(args.next().ok_or("--password needs a value")?),
            "--text" => options.text = true,
            "--quiet" => options.quiet = true,
            _ => options.files.push(PathBuf::from(arg)),
        }
    }
    Ok(options)
}

fn read(path: &PathBuf, limits: &Limits, passwords: &[String]) -> Result<Extraction, String> {
    let bytes = std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let name = path.display().to_string();
    let format = detect(&bytes, &name);
    let request = Request {
        bytes: &bytes,
        name: &name,
        limits,
        deadline: Deadline::after(limits.time_budget),
        passwords,
    };
    Ok(extract(format, &request))
}

fn report(path: &std::path::Path, extraction: &Extraction, options: &Options) -> String {
    let mut out = String::new();
    let characters: usize = extraction
        .segments
        .iter()
        .map(|segment| segment.text.chars().count())
        .sum();
    out.push_str(&format!(
        "{}\t{}\tpages={}\tsegments={}\tchars={}\tproblems={}\tnotices={}\n",
        path.display(),
        extraction.status().as_str(),
        extraction
            .pages
            .map_or(String::from("-"), |pages| pages.to_string()),
        extraction.segments.len(),
        characters,
        extraction.problems.len(),
        extraction.notices.len(),
    ));
    if options.quiet {
        return out;
    }
    for problem in &extraction.problems {
        out.push_str(&format!(
            "  problem [{:?}] {}\n",
            problem.impact, problem.message
        ));
    }
    for notice in &extraction.notices {
        out.push_str(&format!(
            "  notice {} ({}, page {}) {}: {}\n",
            notice.rule,
            notice.severity.as_str(),
            notice
                .page
                .map_or(String::from("-"), |page| page.to_string()),
            notice.message,
            notice.text
        ));
    }
    if options.text {
        for segment in &extraction.segments {
            out.push_str(&format!(
                "--- {} page {} {}\n{}\n",
                segment.part,
                segment
                    .page
                    .map_or(String::from("-"), |page| page.to_string()),
                segment.label.as_deref().unwrap_or(""),
                segment.text
            ));
        }
    }
    out
}

fn main() {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("extract_files: {message}");
            std::process::exit(2);
        }
    };
    let limits = Limits::default();
    let started = Instant::now();
    let run = |path: &PathBuf| match read(path, &limits, &options.passwords) {
        Ok(extraction) => report(path, &extraction, &options),
        Err(message) => format!("{message}\n"),
    };
    let outputs: Vec<String> = if options.jobs > 1 {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(options.jobs)
            .build()
        {
            Ok(pool) => pool.install(|| options.files.par_iter().map(run).collect()),
            Err(error) => {
                eprintln!(
                    "extract_files: cannot start {} threads: {error}",
                    options.jobs
                );
                std::process::exit(2);
            }
        }
    } else {
        options.files.iter().map(run).collect()
    };
    for output in outputs {
        print!("{output}");
    }
    eprintln!(
        "extract_files: {} files in {:.3} s",
        options.files.len(),
        started.elapsed().as_secs_f64()
    );
}
