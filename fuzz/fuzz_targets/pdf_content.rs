#![no_main]
//! The PDF content-stream interpreter and CMap parser: the input becomes
//! the page's content stream (first byte even) or its font's ToUnicode CMap
//! (odd), inside an otherwise valid PDF.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

const CONTENT: &[u8] = b"BT /F1 12 Tf 72 700 Td <00010002> Tj ET BT /F2 10 Tf 72 680 Td (AB) Tj ET /X1 Do";

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let pdf = if selector % 2 == 0 {
        prepub_fuzz::pdf_with(rest, prepub_fuzz::SIMPLE_CMAP)
    } else {
        prepub_fuzz::pdf_with(CONTENT, rest)
    };
    prepub_fuzz::extract_as(Format::Pdf, &pdf);
});
