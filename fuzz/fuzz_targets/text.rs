#![no_main]
//! Text decoding (BOMs, UTF-16, GB18030/GBK sniffing) and the text reader.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

fuzz_target!(|data: &[u8]| {
    let (text, _, _) = prepub::extract::text::decode(data);
    assert!(text.len() <= data.len() * 3 + 8, "decoded text out of proportion");
    prepub_fuzz::extract_as(Format::Text, data);
});
