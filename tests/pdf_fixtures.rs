//! The PDF extractor on the fixtures in `fixtures/pdf/` (made by
//! `fixtures/pdf/make.py` with LibreOffice, reportlab and pikepdf): page
//! numbers, parts, notices and problems.

use prepub::extract::document::{Category, Extraction, ExtractionStatus, Impact, Part, Severity};
use prepub::extract::limits::{Deadline, Limits};
use prepub::extract::ocr::{self, OcrSettings};
use prepub::extract::picture::PictureFormat;
use prepub::extract::{Format, Request, detect, extract};
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn read_with(name: &str, passwords: &[String], limits: &Limits) -> Extraction {
    let bytes = fixture(name);
    assert_eq!(detect(&bytes, name), Format::Pdf);
    let request = Request {
        bytes: &bytes,
        name,
        limits,
        deadline: Deadline::never(),
        passwords,
    };
    extract(Format::Pdf, &request)
}

fn read(name: &str) -> Extraction {
    read_with(name, &[], &Limits::default())
}

/// The text of the segments of one part on one page (or on no page).
fn text(extraction: &Extraction, part: Part, page: Option<u32>) -> String {
    extraction
        .segments
        .iter()
        .filter(|segment| segment.part == part && segment.page == page)
        .map(|segment| segment.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn libreoffice_cjk_export_reads_each_page_with_its_number() {
    let extraction = read("cjk-libreoffice.pdf");
    assert_eq!(
        extraction.status(),
        ExtractionStatus::Complete,
        "{:?}",
        extraction.problems
    );
    assert_eq!(extraction.pages, Some(2));
    let page1 = text(&extraction, Part::Body, Some(1));
    let page2 = text(&extraction, Part::Body, Some(2));
    assert!(
        page1.contains("根据工作安排，现就开展专项检查有关事项通知如下。"),
        "{page1}"
    );
    assert!(!page1.contains("机密"));
    // The marking on page 2, with no space or line break inside it.
    assert!(
        page2.contains("二、检查材料密级为机密★1年，不得对外提供。"),
        "{page2}"
    );
    assert!(page2.contains("13800138000"));
    // One paragraph per line.
    assert_eq!(page2.lines().count(), 2, "{page2}");
    let metadata = text(&extraction, Part::Metadata, None);
    assert!(metadata.contains("Author: 张三"), "{metadata}");
    assert!(
        metadata.contains("Title: 关于开展专项检查的通知（征求意见稿）"),
        "{metadata}"
    );
    assert!(metadata.contains("Subject: 内部资料"), "{metadata}");
}

#[test]
fn non_embedded_font_with_predefined_cmap() {
    let extraction = read("cjk-stsong.pdf");
    assert_eq!(extraction.status(), ExtractionStatus::Complete);
    assert_eq!(
        text(&extraction, Part::Body, Some(1)),
        "国务院办公厅文件\n秘密★10年"
    );
}

#[test]
fn annotations_are_read_with_their_author() {
    let extraction = read("annotation.pdf");
    let note = extraction
        .segments
        .iter()
        .find(|segment| segment.part == Part::Annotation && segment.text.contains("秘密★10年"))
        .expect("the note is read");
    assert_eq!(note.page, Some(1));
    assert_eq!(note.label.as_deref(), Some("王五, 2024-03-01"));
    assert!(text(&extraction, Part::Annotation, Some(1)).contains("内部资料 注意保存"));
    assert!(!text(&extraction, Part::Body, Some(1)).contains("秘密"));
    assert!(extraction.notices.iter().any(
        |notice| notice.rule == "hidden.pdf.annotations" && notice.category == Category::Hidden
    ));
}

#[test]
fn text_removed_by_an_incremental_update_is_a_deletion() {
    let extraction = read("incremental.pdf");
    let body = text(&extraction, Part::Body, Some(1));
    assert_eq!(body, "关于印发工作方案的通知");
    let deleted = text(&extraction, Part::Deletion, Some(1));
    assert_eq!(deleted, "机密★1年", "only what the final version lacks");
    let notice = extraction
        .notices
        .iter()
        .find(|notice| notice.rule == "hidden.pdf.revisions")
        .expect("a revisions notice");
    assert_eq!(notice.category, Category::Hidden);
    assert_eq!(notice.severity, Severity::Review);
    assert!(
        notice.message.contains("1 earlier revision"),
        "{}",
        notice.message
    );
}

#[test]
fn black_box_over_an_id_number_is_a_failed_redaction_and_look_alikes_are_not() {
    let extraction = read("redaction.pdf");
    let redactions: Vec<_> = extraction
        .notices
        .iter()
        .filter(|notice| notice.category == Category::Redaction)
        .collect();
    assert_eq!(redactions.len(), 1, "{redactions:#?}");
    let notice = redactions[0];
    assert_eq!(notice.rule, "redaction.pdf.text-under-box");
    assert_eq!(notice.severity, Severity::Block);
    assert_eq!(notice.page, Some(1));
    assert_eq!(notice.part, Part::Body);
    assert_eq!(notice.text, "11010519491231002X");
    // The text is in the body too: it is in the file, whatever the box.
    assert!(text(&extraction, Part::Body, Some(1)).contains("身份证号：11010519491231002X"));
}

#[test]
fn encrypted_file_fails_without_its_password_and_reads_with_it() {
    let extraction = read("encrypted-user.pdf");
    assert_eq!(extraction.status(), ExtractionStatus::Failed);
    assert!(
        extraction.problems[0]
            .message
            .starts_with("encrypted: cannot be reviewed without the password")
    );

    let wrong = read_with(
        "encrypted-user.pdf",
        &["nope".to_owned()],
        &Limits::default(),
    );
    assert_eq!(wrong.status(), ExtractionStatus::Failed);
    assert!(
        wrong.problems[0].message.contains("none of the 1 password"),
        "{:?}",
        wrong.problems
    );

    let passwords = ["nope".to_owned(), "secret".to_owned()];
    let opened = read_with("encrypted-user.pdf", &passwords, &Limits::default());
    assert_eq!(
        opened.status(),
        ExtractionStatus::Complete,
        "{:?}",
        opened.problems
    );
    assert_eq!(text(&opened, Part::Body, Some(1)), "加密文件正文：工作秘密");
}

#[test]
fn owner_password_only_file_is_read_and_said_so() {
    let extraction = read("owner-only.pdf");
    assert_eq!(extraction.status(), ExtractionStatus::Complete);
    assert_eq!(
        text(&extraction, Part::Body, Some(1)),
        "加密文件正文：工作秘密"
    );
    assert!(
        extraction
            .notices
            .iter()
            .any(|notice| notice.rule == "metadata.pdf.owner-password")
    );
}

#[test]
fn image_only_page_is_handed_to_ocr_and_partial_unless_read() {
    let mut extraction = read("image-only.pdf");
    // The reader hands the page over to be drawn for OCR, with what it
    // reports about the page when OCR does not read it.
    assert_eq!(extraction.pictures.len(), 1, "{:?}", extraction.pictures);
    let page = &extraction.pictures[0];
    assert_eq!(page.format, PictureFormat::Drawn);
    assert_eq!(page.place.page, Some(1));
    assert_eq!(
        page.if_not_read.as_deref(),
        Some("page 1 has no text layer (scanned image): needs OCR or manual review")
    );
    ocr::recognise(
        &mut extraction,
        &OcrSettings::Off,
        &Limits::default(),
        Deadline::never(),
    );
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert_eq!(extraction.problems.len(), 1, "{:?}", extraction.problems);
    let problem = &extraction.problems[0];
    assert_eq!(problem.impact, Impact::Partial);
    assert_eq!(
        problem.message,
        "page 1 has no text layer (scanned image): needs OCR or manual review; not read: OCR is off (--no-ocr)"
    );
}

#[test]
fn attached_text_file_is_read_as_an_attachment() {
    let extraction = read("attachment.pdf");
    assert_eq!(
        extraction.status(),
        ExtractionStatus::Complete,
        "{:?}",
        extraction.problems
    );
    let attached = extraction
        .segments
        .iter()
        .find(|segment| segment.part == Part::Attachment && segment.text.contains("秘密★5年"))
        .expect("the attachment's text");
    assert_eq!(attached.label.as_deref(), Some("note.txt"));
    assert!(
        extraction
            .notices
            .iter()
            .any(|notice| notice.rule == "hidden.pdf.attachments"
                && notice.text.contains("note.txt"))
    );
}

#[test]
fn limits_are_reported_not_silently_applied() {
    let limits = Limits {
        max_part_bytes: 64,
        ..Limits::default()
    };
    let extraction = read_with("cjk-libreoffice.pdf", &[], &limits);
    assert_ne!(extraction.status(), ExtractionStatus::Complete);
    assert!(
        extraction
            .problems
            .iter()
            .any(|problem| problem.message.contains("--max-part-size")),
        "{:?}",
        extraction.problems
    );

    let limits = Limits {
        max_pdf_objects: 3,
        ..Limits::default()
    };
    let extraction = read_with("cjk-libreoffice.pdf", &[], &limits);
    assert_eq!(extraction.status(), ExtractionStatus::Failed);
    assert!(extraction.problems[0].message.contains("--max-pdf-objects"));
}

#[test]
fn truncated_and_garbled_files_never_pass() {
    let bytes = fixture("cjk-libreoffice.pdf");
    let limits = Limits::default();
    for cut in [100, bytes.len() / 3, bytes.len() / 2, bytes.len() - 200] {
        let request = Request {
            bytes: &bytes[..cut],
            name: "cut.pdf",
            limits: &limits,
            deadline: Deadline::never(),
            passwords: &[],
        };
        let extraction = extract(Format::Pdf, &request);
        // Either read in full (the cut missed everything that matters) or
        // marked as not fully read — never a silent loss of page 2.
        let page2 = text(&extraction, Part::Body, Some(2));
        if !page2.contains("机密★1年") {
            assert_ne!(
                extraction.status(),
                ExtractionStatus::Complete,
                "cut at {cut}"
            );
        }
    }
    let mut garbled = bytes.clone();
    for (index, byte) in garbled.iter_mut().enumerate().skip(400) {
        if index % 97 == 0 {
            *byte ^= 0x55;
        }
    }
    let request = Request {
        bytes: &garbled,
        name: "garbled.pdf",
        limits: &limits,
        deadline: Deadline::never(),
        passwords: &[],
    };
    let extraction = extract(Format::Pdf, &request);
    let page2 = text(&extraction, Part::Body, Some(2));
    if !page2.contains("机密★1年") {
        assert_ne!(extraction.status(), ExtractionStatus::Complete);
    }
}
