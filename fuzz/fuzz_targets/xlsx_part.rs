#![no_main]
//! The xlsx reader's XML handling: the input becomes one part of a valid
//! package (`fixtures/xlsx/roster.xlsx`), stored uncompressed.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::fuzz_part(Format::Xlsx, "xlsx/roster.xlsx", &[".xml", ".rels"], data);
});
