//! Measures how long an organisation lexicon takes to load:
//! `cargo run --release --example lexicon_bench [-- TERMS]` (default 50,000).
//!
//! Writes a `term<TAB>severity` file of generated Chinese terms into a
//! temporary directory, loads it as a pack (read, normalise, build the
//! automaton) and scans a 1 MB text with it. Prints the timings; the target
//! is well under a second for 50,000 terms in a release build.

use prepub::rules::{PackSource, RuleSet, load_sources};
use std::time::Instant;

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("lexicon_bench: cannot create a temporary directory: {error}");
            std::process::exit(2);
        }
    };
    let mut lexicon = String::new();
    for i in 0..count {
        let severity = ["\tblock", "\treview", ""][i % 3];
        lexicon.push_str(&format!("设施代号{i:06}号库{severity}\n"));
    }
    if let Err(error) = std::fs::write(dir.path().join("terms.txt"), &lexicon) {
        eprintln!("lexicon_bench: cannot write the lexicon: {error}");
        std::process::exit(2);
    }
    let yaml = "name: bench\nversion: '1'\nrules:\n  - id: term.org.lexicon\n    severity: info\n    message: m\n    terms_file: terms.txt\n";
    let started = Instant::now();
    let set: RuleSet = match load_sources(&[PackSource {
        origin: "bench.yaml".into(),
        yaml: yaml.into(),
        base_dir: Some(dir.path().to_path_buf()),
        embedded_terms_files: Default::default(),
    }]) {
        Ok(set) => set,
        Err(errors) => {
            eprintln!("lexicon_bench: {errors:?}");
            std::process::exit(2);
        }
    };
    let loaded = started.elapsed();
    let paragraph = "各单位要认真贯彻落实会议精神，做好设施代号000123号库的日常管理工作。\n";
    let text = paragraph.repeat(1_000_000 / paragraph.len() + 1);
    let started = Instant::now();
    let findings = prepub::review::findings_in_text(&text, &set);
    let scanned = started.elapsed();
    println!(
        "{count} terms: loaded in {loaded:?}; scanned {} KB in {scanned:?} ({} findings)",
        text.len() / 1024,
        findings.len()
    );
}
