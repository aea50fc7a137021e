#![no_main]
//! The pptx reader's XML handling: the input becomes one part of a valid
//! package from `fixtures/` (first byte: which package; second: which
//! part), stored uncompressed.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::fuzz_part(Format::Pptx, &["pptx/slides.pptx", "pptx/shapes.pptx"], &[".xml", ".rels"], data);
});
