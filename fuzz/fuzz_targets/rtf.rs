#![no_main]
//! The RTF reader on whole (mutated) files.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::extract_as(Format::Rtf, data);
});
