#![no_main]
//! Content-based format detection, then whichever reader it picks: the
//! whole path a scanned file takes — after the check that it is not one of
//! prepub's own reports (which a scan skips instead of reading).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = prepub::review::signature::recognise(data);
    prepub_fuzz::detect_and_extract(data);
});
