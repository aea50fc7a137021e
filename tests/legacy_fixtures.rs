//! The .docx/.xlsx fixtures converted by LibreOffice to .doc, .rtf and .xls
//! (`fixtures/legacy/make.sh`): every planted text found in a part of the
//! modern file must be found in the same part of the legacy one. Document
//! properties are compared by value (the .docx reader writes `name: value`
//! lines, the legacy readers a labelled segment per property).

use prepub::extract::document::{Extraction, ExtractionStatus, Part};
use prepub::extract::limits::{Deadline, Limits};
use prepub::extract::{Request, detect, extract};
use std::path::Path;

fn read(path: &str) -> Extraction {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let limits = Limits::default();
    let request = Request {
        bytes: &bytes,
        name: &name,
        limits: &limits,
        deadline: Deadline::never(),
        passwords: &[],
    };
    extract(detect(&bytes, &name), &request)
}

/// Texts the conversion itself does not carry over, or that the legacy
/// reader knowingly puts elsewhere, with why.
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "roster.xls",
        "公式结果",
        "LibreOffice's .xls export drops the formula's cached string",
    ),
    (
        "comments.doc",
        "template: Normal.dotm",
        "LibreOffice does not write the template property",
    ),
    (
        "comments.rtf",
        "template: Normal.dotm",
        "LibreOffice does not write the template property",
    ),
    (
        "hidden.doc",
        "template: Normal.dotm",
        "LibreOffice does not write the template property",
    ),
    (
        "hidden.rtf",
        "template: Normal.dotm",
        "LibreOffice does not write the template property",
    ),
];

fn texts_of(extraction: &Extraction, part: Part) -> String {
    extraction
        .segments
        .iter()
        .filter(|s| s.part == part)
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(modern: &str, legacy: &str) {
    let source = read(modern);
    let converted = read(legacy);
    let file = legacy.rsplit('/').next().unwrap();
    assert_eq!(
        converted.status(),
        ExtractionStatus::Complete,
        "{legacy}: {:?}",
        converted.problems
    );
    let mut checked = 0;
    for segment in &source.segments {
        if segment.part == Part::Filename {
            continue;
        }
        let found = texts_of(&converted, segment.part);
        for line in segment.text.lines() {
            for cell in line.split('\t') {
                let cell = cell.trim();
                if cell.is_empty() {
                    continue;
                }
                if let Some((_, _, why)) = EXCEPTIONS
                    .iter()
                    .find(|(f, text, _)| *f == file && *text == cell)
                {
                    eprintln!("{file}: {cell:?} not compared: {why}");
                    continue;
                }
                // "name: value" metadata lines: the value.
                let wanted = if segment.part == Part::Metadata {
                    cell.split_once(": ").map_or(cell, |(_, value)| value)
                } else {
                    cell
                };
                assert!(
                    found.contains(wanted),
                    "{file}: {wanted:?} ({} in {modern}) is not in its {}: {found:?}",
                    segment.part,
                    segment.part
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "{file}: nothing compared");
}

#[test]
fn converted_word_fixtures_keep_every_part() {
    for name in [
        "lo-comment",
        "lo-header-footer",
        "lo-hidden",
        "lo-notes",
        "lo-properties",
        "lo-revisions",
        "lo-textbox",
        "comments",
        "hidden",
    ] {
        for extension in ["doc", "rtf"] {
            check(
                &format!("fixtures/docx/{name}.docx"),
                &format!("fixtures/legacy/{name}.{extension}"),
            );
        }
    }
}

#[test]
fn converted_workbook_keeps_every_part() {
    check("fixtures/xlsx/roster.xlsx", "fixtures/legacy/roster.xls");
}

#[test]
fn text_hidden_by_its_style_in_doc_is_hidden() {
    // hidden.docx hides 样式隐藏：内部资料 through a character style; Word
    // and LibreOffice show nothing, so the .doc reader must say `hidden`,
    // not `body`.
    let converted = read("fixtures/legacy/hidden.doc");
    assert!(texts_of(&converted, Part::Hidden).contains("样式隐藏：内部资料"));
    assert!(!texts_of(&converted, Part::Body).contains("样式隐藏"));
}

#[test]
fn text_hidden_by_a_character_or_paragraph_style_in_doc_is_hidden() {
    let converted = read("fixtures/legacy/style-hidden.doc");
    let hidden = texts_of(&converted, Part::Hidden);
    let body = texts_of(&converted, Part::Body);
    for planted in ["隐藏字符样式机密★5年", "隐藏段落样式绝密★长期"] {
        assert!(hidden.contains(planted), "{planted} not hidden: {hidden:?}");
        assert!(!body.contains(planted), "{planted} read as body: {body:?}");
    }
    assert!(body.contains("可见文字结束。"), "{body:?}");
}
