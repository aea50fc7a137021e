#![no_main]
//! The ofd reader's XML handling: the input becomes one part of a valid
//! package (`fixtures/ofd/planted.ofd`), stored uncompressed.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::fuzz_part(Format::Ofd, "ofd/planted.ofd", &[".xml"], data);
});
