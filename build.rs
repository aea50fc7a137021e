//! Parses the built-in rule packs once, at build time, into JSON.
//!
//! Every run loads the built-in packs; parsing their YAML was a fifth of
//! the instructions of a scan of a one-line file (callgrind), where
//! reading the same data as JSON is a small fraction of that. The YAML
//! stays the packs' source and what a review embeds and digests; the JSON
//! is only a faster way to read it, checked by a test
//! (`rules::builtin::tests`) to give the same packs. A pack that does not
//! parse here is written as `null`, so the run reads its YAML and reports
//! the error as for any pack. Each pack's SHA-256 (of its YAML, which the
//! run would otherwise hash every time) is written beside it.

use std::path::Path;

#[path = "src/rules/cjk_fold.rs"]
mod cjk_fold;
#[path = "src/rules/fold.rs"]
#[allow(dead_code)]
mod fold;
/// The pattern analysis the run does for any pattern (`src/rules/compile/
/// literals.rs`), and the folding it does first (`src/rules/fold.rs`), read
/// here from the same files.
#[path = "src/rules/compile/literals.rs"]
#[allow(dead_code)]
mod literals;

/// The built-in packs, as `src/rules/builtin.rs` lists them.
const PACKS: &[&str] = &[
    "cn-markings.yaml",
    "cn-disclosure.yaml",
    "cn-personal.yaml",
    "cn-sensitive.yaml",
    "en-markings.yaml",
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut patterns: Vec<String> = Vec::new();
    let mut folds: Vec<(String, String)> = Vec::new();
    for name in PACKS {
        let source = Path::new("rules").join(name);
        println!("cargo:rerun-if-changed={}", source.display());
        let yaml = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", source.display()));
        let parsed = serde_saphyr::from_str::<serde_json::Value>(&yaml).ok();
        if let Some(rules) = parsed.as_ref().and_then(|pack| pack["rules"].as_array()) {
            for rule in rules {
                if let Some(pattern) = rule["pattern"].as_str() {
                    // As the run searches it: folded, with or without
                    // `(?i)`.
                    let folded = fold::fold_pattern(pattern);
                    patterns.push(format!("(?i){folded}"));
                    patterns.push(folded.clone());
                    folds.push((pattern.to_owned(), folded));
                }
            }
        }
        let json = parsed
            .map(|value| value.to_string())
            .unwrap_or_else(|| "null".to_owned());
        let target = Path::new(&out).join(format!("{name}.json"));
        std::fs::write(&target, json)
            .unwrap_or_else(|e| panic!("{}: cannot write: {e}", target.display()));
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(yaml.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let target = Path::new(&out).join(format!("{name}.sha256"));
        std::fs::write(&target, digest)
            .unwrap_or_else(|e| panic!("{}: cannot write: {e}", target.display()));
    }
    write_pattern_analysis(Path::new(&out), patterns);
    write_folded_patterns(Path::new(&out), folds);
    for shared in [
        "src/rules/compile/literals.rs",
        "src/rules/fold.rs",
        "src/rules/cjk_fold.rs",
    ] {
        println!("cargo:rerun-if-changed={shared}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// Writes `folded_patterns.rs`: each built-in pattern as written and as
/// folded, sorted by the first (the run looks a pattern up by binary
/// search rather than fold it again).
fn write_folded_patterns(out: &Path, mut folds: Vec<(String, String)>) {
    folds.sort();
    folds.dedup();
    let mut table = String::from("&[\n");
    for (pattern, folded) in &folds {
        table.push_str(&format!("    ({pattern:?}, {folded:?}),\n"));
    }
    table.push_str("]\n");
    let target = out.join("folded_patterns.rs");
    std::fs::write(&target, table)
        .unwrap_or_else(|e| panic!("{}: cannot write: {e}", target.display()));
}

/// Writes `pattern_analysis.rs`: for each pattern that parses, its source,
/// gating literals and whether a match can hold a line break, sorted by
/// source (the run looks a pattern up by binary search). A pattern that
/// does not parse is left out: the run reads it and reports the error.
fn write_pattern_analysis(out: &Path, mut patterns: Vec<String>) {
    patterns.sort();
    patterns.dedup();
    let mut table = String::from("&[\n");
    for source in &patterns {
        let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(source) else {
            continue;
        };
        let gate = match literals::required_literals(&hir) {
            Some(found) => {
                let found: Vec<String> = found.iter().map(|l| format!("&{l:?}")).collect();
                format!("Some(&[{}])", found.join(", "))
            }
            None => "None".to_owned(),
        };
        let crosses = literals::can_hold_a_line_break(&hir);
        table.push_str(&format!("    ({source:?}, {gate}, {crosses}),\n"));
    }
    table.push_str("]\n");
    let target = out.join("pattern_analysis.rs");
    std::fs::write(&target, table)
        .unwrap_or_else(|e| panic!("{}: cannot write: {e}", target.display()));
}
