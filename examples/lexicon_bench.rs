//! Measures how long an organisation lexicon takes to load and how much
//! memory it holds: `cargo run --release --example lexicon_bench [-- TERMS]`
//! (default 100,000). `bench/lexicon.sh` runs it for 100,000 and 1,000,000
//! terms next to ripgrep loading the same terms.
//!
//! Writes a `term<TAB>severity<TAB>reason` file of generated Chinese terms
//! (every tenth also asking for pinyin) into a temporary directory, loads it
//! as a pack (read, parse, normalise, spell, build the automaton — the noise
//! pass needs nothing more) and scans a 1 MB text with it. Prints the
//! timings and the peak resident memory (VmHWM) of the process.
//! Targets: 100,000 terms under 2 s and 300 MB, 1,000,000 under 20 s.

use prepub::rules::{PackSource, RuleSet, load_sources};
use std::time::Instant;

/// Peak resident memory of this process in MiB (Linux), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("lexicon_bench: cannot create a temporary directory: {error}");
            std::process::exit(2);
        }
    };
    let mut lexicon = String::with_capacity(count * 48);
    for i in 0..count {
        let severity = ["block", "review", ""][i % 3];
        let reason = ["本单位涉密项目代号", "设施名称", ""][i % 3];
        let variants = if i % 10 == 0 { "\tpinyin" } else { "" };
        lexicon.push_str(&format!(
            "设施代号{i:07}号库\t{severity}\t{reason}{variants}\n"
        ));
    }
    if let Err(error) = std::fs::write(dir.path().join("terms.txt"), &lexicon) {
        eprintln!("lexicon_bench: cannot write the lexicon: {error}");
        std::process::exit(2);
    }
    drop(lexicon);
    let before = peak_rss_mib();
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
    let after = peak_rss_mib();
    let paragraph = "各单位要认真贯彻落实会议精神，做好设施代号0000123号库和设施*代*号0000456号库的日常管理工作。\n";
    let text = paragraph.repeat(1_000_000 / paragraph.len() + 1);
    let started = Instant::now();
    let findings = prepub::review::findings_in_text(&text, &set);
    let scanned = started.elapsed();
    let mib = |v: Option<f64>| v.map_or("?".to_owned(), |v| format!("{v:.0} MiB"));
    println!(
        "{count} terms: loaded in {:.2} s, peak RSS {} (before loading {}); scanned {} KB in {:.3} s ({} findings)",
        loaded.as_secs_f64(),
        mib(after),
        mib(before),
        text.len() / 1024,
        scanned.as_secs_f64(),
        findings.len()
    );
}
