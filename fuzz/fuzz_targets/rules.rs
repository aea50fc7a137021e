#![no_main]
//! The rule-pack loader: YAML parsing, schema checks, regex and term
//! compilation. Errors are expected; panics and hangs are not.
use libfuzzer_sys::fuzz_target;
use prepub::rules::{PackSource, load_sources};

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let source = PackSource {
        origin: "fuzz.yaml".into(),
        yaml: yaml.to_owned(),
        ..PackSource::default()
    };
    if let Ok(set) = load_sources(&[source]) {
        // A pack that loads must also match without panicking.
        for rule in set.rules() {
            let matching = rule.examples_match.iter().map(|e| e.text.as_str());
            let not_matching = rule.examples_no_match.iter().map(String::as_str);
            for example in matching.chain(not_matching) {
                let _ = prepub::review::findings_in_text(example, &set);
            }
        }
    }
});
