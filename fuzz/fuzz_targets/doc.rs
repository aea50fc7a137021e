#![no_main]
//! The Word 97–2003 reader on whole (mutated) files.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::extract_as(Format::Doc, data);
});
