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
    for name in PACKS {
        let source = Path::new("rules").join(name);
        println!("cargo:rerun-if-changed={}", source.display());
        let yaml = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", source.display()));
        let json = serde_saphyr::from_str::<serde_json::Value>(&yaml)
            .map(|value| value.to_string())
            .unwrap_or_else(|_| "null".to_owned());
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
    println!("cargo:rerun-if-changed=build.rs");
}
