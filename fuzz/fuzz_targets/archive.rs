#![no_main]
//! Zip archives in a batch: members (nested archives, GBK names, the
//! shared inflation budget), each then detected and read like a file.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = prepub_fuzz::limits();
    if let Ok(members) = prepub::extract::archive::members(data, &limits) {
        for member in members {
            if let Ok(bytes) = member.content {
                let format = prepub::extract::detect(&bytes, &member.name);
                prepub_fuzz::extract_as(format, &bytes);
            }
        }
    }
});
