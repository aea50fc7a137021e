#![no_main]
//! The odf reader's XML handling: the input becomes one part of a valid
//! package from `fixtures/` (first byte: which package; second: which
//! part), stored uncompressed.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::fuzz_part(Format::Odt, &["odf/planted.odt", "odf/roster.ods", "odf/slides.odp"], &[".xml"], data);
});
