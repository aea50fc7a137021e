#![no_main]
//! The PowerPoint 97–2003 reader on whole (mutated) files.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::extract_as(Format::Ppt, data);
});
