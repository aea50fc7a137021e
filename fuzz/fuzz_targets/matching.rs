#![no_main]
//! Normalisation and the built-in rules over arbitrary text in any part.
use libfuzzer_sys::fuzz_target;
use prepub::extract::document::{Extraction, Part, Segment};

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let part = Part::ALL[*selector as usize % Part::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let mut extraction = Extraction::default();
    for (i, chunk) in text.split('\u{1}').enumerate() {
        let part = if i == 0 { part } else { Part::Body };
        extraction.push(Segment::new(part, chunk).on_page(i as u32 + 1));
    }
    prepub_fuzz::match_rules(&extraction);
});
