#![no_main]
//! The OLE container layer and the legacy dispatch (Word, Excel, PowerPoint by the streams inside) on whole (mutated) files.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::extract_as(Format::Wps, data);
});
