#![no_main]
//! Content-based format detection, then whichever reader it picks: the
//! whole path a scanned file takes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::detect_and_extract(data);
});
