#![no_main]
//! The docx reader's XML handling: the input becomes one part of a valid
//! Word package from `fixtures/docx/` (first byte: which package; second:
//! which part), stored uncompressed.
use libfuzzer_sys::fuzz_target;
use prepub::extract::Format;

const PACKAGES: &[&str] = &[
    "docx/comments.docx",
    "docx/headers.docx",
    "docx/hidden.docx",
    "docx/lo-revisions.docx",
    "docx/lo-notes.docx",
    "docx/lo-textbox.docx",
    "docx/fields.docx",
    "docx/table.docx",
    "docx/embedded.docx",
    "docx/properties.docx",
];

fuzz_target!(|data: &[u8]| {
    prepub_fuzz::fuzz_part(Format::Docx, PACKAGES, &[".xml", ".rels"], data);
});
