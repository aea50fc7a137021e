//! Pictures through the binary: scans, photos and screenshots are read by
//! OCR like any other part, and a picture that is not read is never `pass`.
//!
//! The fixtures come from `fixtures/ocr/make.py`. Tests that need Tesseract
//! skip with a message when it or its Chinese model is missing (`make setup`
//! and CI install both); the ones about OCR being off or unavailable run
//! everywhere.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    format!("fixtures/ocr/{name}")
}

fn scan(args: &[&str]) -> Value {
    let output = Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("PREPUB_REVIEWER")
        .args([
            "scan",
            "--format",
            "json",
            "--no-progress",
            "--fail-on",
            "never",
        ])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// What `prepub extract` prints for `path`.
fn scan_text(path: &str) -> String {
    let output = Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(root())
        .args(["extract", path])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn only_document(review: &Value) -> &Value {
    let documents = review["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1, "{review:#}");
    &documents[0]
}

fn problems(document: &Value) -> Vec<String> {
    document["extraction"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap().to_owned())
        .collect()
}

fn findings<'a>(document: &'a Value, rule: &str) -> Vec<&'a Value> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// Whether Tesseract with the default languages is here; says so if not.
fn tesseract_here() -> bool {
    let folders = [
        std::env::var("TESSDATA_PREFIX").unwrap_or_default(),
        "/usr/share/tesseract-ocr/5/tessdata".into(),
        "/usr/share/tesseract-ocr/4.00/tessdata".into(),
        "/usr/share/tessdata".into(),
        "/usr/local/share/tessdata".into(),
        "/opt/homebrew/share/tessdata".into(),
    ];
    let here = folders.iter().any(|folder| {
        ["chi_sim", "eng"]
            .iter()
            .all(|l| Path::new(folder).join(format!("{l}.traineddata")).is_file())
    });
    if !here {
        eprintln!("skipped: Tesseract's chi_sim and eng data are not installed (make setup)");
    }
    here
}

#[test]
fn a_word_document_whose_only_content_is_a_scanned_page_blocks_from_its_picture() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("picture-only.docx")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    assert_eq!(document["extraction"]["status"], "complete");
    let marks = findings(document, "marking.cn.level-star-ocr");
    assert_eq!(marks.len(), 1, "{document:#}");
    let mark = marks[0];
    assert_eq!(mark["severity"], "block");
    assert_eq!(mark["location"]["part"], "image");
    let context = mark["context"].as_str().unwrap();
    assert!(
        context.starts_with(
            "[image 1, word/media/image1.png, top of the page, 版头 (OCR, confidence "
        ),
        "{context}"
    );
    let ids = findings(document, "personal.cn.resident-id");
    assert_eq!(ids.len(), 1, "{document:#}");
    assert_eq!(ids[0]["location"]["part"], "image");
    // Masked in the picture's text like anywhere else.
    assert_eq!(ids[0]["text"], "1101**********002X");
    let pictures = document["extraction"]["pictures"].as_array().unwrap();
    assert_eq!(pictures[0]["outcome"], "read", "{pictures:?}");
    assert!(pictures[0]["confidence"].as_u64().unwrap() >= 60);
}

/// The PNG a finding's `crop` carries, decoded.
fn crop_of(finding: &Value) -> image::GrayImage {
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(finding["crop"]["png"].as_str().expect("a crop"))
        .unwrap();
    image::load_from_memory(&png).unwrap().into_luma8()
}

/// Issue 15: a finding read by OCR carries a small picture of its line, for
/// the clerk to check the recognition; a line with personal data on it is
/// pixelated unless --show-match; the HTML form shows the picture.
#[test]
fn ocr_findings_carry_their_picture_pixelated_where_personal() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("gongwen.png")]);
    let document = only_document(&review);
    let mark = findings(document, "marking.cn.level-star-ocr")[0];
    assert_eq!(mark["crop"]["obscured"], false, "{mark:#}");
    let picture = crop_of(mark);
    assert!(picture.height() <= 48 && picture.width() <= 640);
    let id = findings(document, "personal.cn.resident-id")[0];
    assert_eq!(id["crop"]["obscured"], true, "{id:#}");
    // Pixelated: no pixel is as dark as a stroke.
    let darkest = crop_of(id).pixels().map(|p| p.0[0]).min().unwrap();
    assert!(darkest > 40, "a stroke survived: {darkest}");
    let shown = scan(&["--show-match", &fixture("gongwen.png")]);
    let id = findings(only_document(&shown), "personal.cn.resident-id")[0];
    assert_eq!(id["crop"]["obscured"], false);
    let darkest = crop_of(id).pixels().map(|p| p.0[0]).min().unwrap();
    assert!(darkest < 40, "{darkest}");
    // Text-layer findings have no picture.
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("a.txt");
    std::fs::write(&text, "机密★10年\n").unwrap();
    let plain = scan(&[text.to_str().unwrap()]);
    assert!(only_document(&plain)["findings"][0].get("crop").is_none());
    // The form shows it, captioned.
    let html = dir.path().join("form.html");
    let status = Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(root())
        .args([
            "scan",
            "--no-progress",
            "--fail-on",
            "never",
            "--lang",
            "zh",
            "-o",
        ])
        .arg(&html)
        .arg(fixture("gongwen.png"))
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let form = std::fs::read_to_string(&html).unwrap();
    assert!(
        form.contains("<figure class=\"crop\"><img src=\"data:image/png;base64,iVBOR"),
        "no picture in the form"
    );
    assert!(form.contains("原图（含个人信息，已打码）"));
}

#[test]
fn scans_as_png_jpeg_and_multi_page_tiff_are_read_page_by_page() {
    if !tesseract_here() {
        return;
    }
    for name in ["gongwen.png", "gongwen.jpg", "gongwen.tif"] {
        let review = scan(&[&fixture(name)]);
        let document = only_document(&review);
        assert_eq!(document["verdict"], "block", "{name}: {document:#}");
        assert_eq!(
            findings(document, "marking.cn.level-star-ocr").len(),
            1,
            "{name}: {document:#}"
        );
        assert_eq!(
            findings(document, "personal.cn.resident-id").len(),
            1,
            "{name}"
        );
    }
    let review = scan(&[&fixture("gongwen.tif")]);
    let document = only_document(&review);
    assert_eq!(document["pages"], 2);
    let mobile = findings(document, "personal.cn.mobile");
    assert_eq!(mobile.len(), 1, "{document:#}");
    assert_eq!(mobile[0]["location"]["page"], 2);
}

#[test]
fn a_screenshot_over_a_sheet_is_read_in_that_sheet() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("screenshot.xlsx")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    let ids = findings(document, "personal.cn.resident-id");
    assert_eq!(ids.len(), 1, "{document:#}");
    let context = ids[0]["context"].as_str().unwrap();
    assert!(
        context.starts_with("[sheet 名单, image 1, xl/media/image1.png (OCR, confidence"),
        "{context}"
    );
}

/// Issue 15: a picture pasted beside a PDF's text layer (a screenshot of
/// a roster) is read where it lands; before, only the text layer was read
/// and the page passed.
#[test]
fn a_screenshot_pasted_into_a_pdf_page_with_text_is_read() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("pasted.pdf")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    let ids = findings(document, "personal.cn.resident-id");
    assert_eq!(ids.len(), 1, "{document:#}");
    let context = ids[0]["context"].as_str().unwrap();
    assert!(
        context.starts_with("[page 1, image 1, /Im1 (OCR, confidence"),
        "{context}"
    );
    // The bullet beside it is judged by its own 12 × 12 pixels.
    let pictures = document["extraction"]["pictures"].as_array().unwrap();
    assert_eq!(pictures.len(), 2, "{pictures:#?}");
    assert_eq!(pictures[0]["outcome"], "read", "{pictures:#?}");
    assert_eq!(pictures[1]["picture"], "page 1, image 2, /Im2");
    assert_eq!(pictures[1]["outcome"], "no-text", "{pictures:#?}");
}

/// Issue 15: red is read apart from black. A 内部资料 stamp pressed at 15°
/// is cut out, turned upright and read; the round seal over the signature
/// holds no legible text and does not make the page unread.
#[test]
fn a_red_stamp_pressed_at_an_angle_is_read_from_the_red_layer() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("sealed.png")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    assert_eq!(document["extraction"]["status"], "complete", "{document:#}");
    let marks = findings(document, "marking.cn.internal-line");
    assert_eq!(marks.len(), 1, "{document:#}");
    let context = marks[0]["context"].as_str().unwrap();
    assert!(
        context.starts_with("[red seal or stamp 1, turned 15° (OCR, confidence"),
        "{context}"
    );
    assert!(context.contains("内部资料"), "{context}");
    // The black text beside the red was read without it.
    let text = scan_text(&fixture("sealed.png"));
    assert!(text.contains("关于开展年度专项检查工作的通知"), "{text}");
}

/// Issue 15: a page scanned sideways is turned upright (Tesseract's
/// orientation detection) before it is read.
#[test]
fn a_page_scanned_sideways_is_turned_upright_and_read() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("sideways.png")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    let ids = findings(document, "personal.cn.resident-id");
    assert_eq!(ids.len(), 1, "{document:#}");
    let context = ids[0]["context"].as_str().unwrap();
    assert!(
        context.starts_with("[turned 270° (OCR, confidence"),
        "{context}"
    );
    assert_eq!(findings(document, "marking.cn.level-star-ocr").len(), 1);
    // An upright page is not turned.
    let upright = scan(&[&fixture("gongwen.png")]);
    let context = findings(only_document(&upright), "personal.cn.resident-id")[0]["context"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!context.contains("turned"), "{context}");
}

/// Issue 15: a page written in columns (竖排) is read by the vertical
/// models when they read it better than across.
#[test]
fn a_page_written_in_columns_is_read_with_the_vertical_models() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("vertical.png")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    assert_eq!(document["extraction"]["status"], "complete", "{document:#}");
    assert_eq!(
        findings(document, "marking.cn.level-star-ocr").len(),
        1,
        "{document:#}"
    );
    let text = scan_text(&fixture("vertical.png"));
    assert!(text.contains("关于开展年度专项检查工作的通知"), "{text}");
}

/// With OCR off the pasted screenshot is not read: never `pass`.
#[test]
fn with_no_ocr_a_picture_beside_the_text_keeps_the_page_from_pass() {
    let review = scan(&["--no-ocr", &fixture("pasted.pdf")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "review", "{document:#}");
    assert_eq!(document["extraction"]["status"], "partial");
}

#[test]
fn a_clean_page_passes_and_blank_pictures_are_no_text() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("clean.png")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "pass", "{document:#}");
    // Blank and tiny pictures hold no text: complete, pass, and recorded.
    for name in ["blank.png", "icon.png"] {
        let review = scan(&[&fixture(name)]);
        let document = only_document(&review);
        assert_eq!(document["verdict"], "pass", "{name}: {document:#}");
        assert_eq!(document["extraction"]["status"], "complete");
        assert_eq!(
            document["extraction"]["pictures"][0]["outcome"], "no-text",
            "{name}"
        );
    }
}

#[test]
fn a_blank_picture_in_a_clean_page_does_not_make_it_review() {
    // An HTML page with clean text and a blank picture carried in a data:
    // URI: judged before any OCR, so this runs without Tesseract too.
    let blank = std::fs::read(root().join(fixture("blank.png"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        format!(
            "<html><body><p>关于开展年度专项检查工作的通知</p><img src=\"data:image/png;base64,{}\"></body></html>",
            base64(&blank)
        ),
    )
    .unwrap();
    let review = scan(&[page.to_str().unwrap()]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "pass", "{document:#}");
    assert_eq!(
        document["extraction"]["pictures"][0]["picture"],
        "image 1, data: URI (image/png) in img src"
    );
}

#[test]
fn with_no_ocr_a_picture_only_document_is_partial_as_before() {
    let review = scan(&["--no-ocr", &fixture("picture-only.docx")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "review", "{document:#}");
    assert_eq!(document["extraction"]["status"], "partial");
    assert!(
        problems(document).contains(
            &"no text: the document holds 2 pictures and no text; needs OCR or manual review (OCR is off: --no-ocr)"
                .to_owned()
        ),
        "{:?}",
        problems(document)
    );
    assert_eq!(review["options"]["ocr"]["enabled"], false);
    // A picture file is not read at all: failed.
    let review = scan(&["--no-ocr", &fixture("gongwen.png")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "review");
    assert_eq!(document["extraction"]["status"], "failed");
}

#[test]
fn a_scanned_pdf_page_is_rendered_read_and_located() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("scan.pdf")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    // Read by OCR: the page no longer "has no text layer".
    assert_eq!(document["extraction"]["status"], "complete", "{document:#}");
    let marks = findings(document, "marking.cn.level-star-ocr");
    assert_eq!(marks.len(), 1, "{document:#}");
    assert_eq!(marks[0]["location"]["part"], "image");
    assert_eq!(marks[0]["location"]["page"], 2);
    let context = marks[0]["context"].as_str().unwrap();
    assert!(context.starts_with("[page 2 (rendered)"), "{context}");
    // The box of the OCR line, in the pixels of the page drawn at 300 dpi:
    // 机密★10年 is drawn at (110, 140) of the 150 dpi scan, so near
    // (220, 280) of the rendered page, in its top left.
    let bbox: Vec<u64> = marks[0]["location"]["bbox"]
        .as_array()
        .unwrap_or_else(|| panic!("no bbox: {:#}", marks[0]))
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(bbox.len(), 4);
    assert!(
        (150..=300).contains(&bbox[0]) && (220..=340).contains(&bbox[1]),
        "{bbox:?}"
    );
    assert!(bbox[2] > 100 && bbox[3] > 30 && bbox[3] < 200, "{bbox:?}");
    let ids = findings(document, "personal.cn.resident-id");
    assert_eq!(ids.len(), 1, "{document:#}");
    assert_eq!(ids[0]["location"]["page"], 2);
    let pictures = document["extraction"]["pictures"].as_array().unwrap();
    assert_eq!(pictures.len(), 1, "{pictures:?}");
    assert_eq!(pictures[0]["picture"], "page 2 (rendered)");
    assert_eq!(pictures[0]["outcome"], "read", "{pictures:?}");
}

#[test]
fn a_pdf_whose_text_was_converted_to_outlines_is_rendered_and_read() {
    if !tesseract_here() {
        return;
    }
    let review = scan(&[&fixture("outlined.pdf")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "block", "{document:#}");
    assert_eq!(document["extraction"]["status"], "complete", "{document:#}");
    let marks = findings(document, "marking.cn.level-star-ocr");
    assert_eq!(marks.len(), 1, "{document:#}");
    assert_eq!(marks[0]["location"]["page"], 1);
}

#[test]
fn a_page_the_renderer_cannot_draw_is_partial_with_the_reason() {
    let review = scan(&[&fixture("render-broken.pdf")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "review", "{document:#}");
    assert_eq!(document["extraction"]["status"], "partial");
    let problems = problems(document);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("page 1 (rendered): not read by OCR: ")
                && p.contains(
                    "could not draw all of it: an image on the page could not be decoded"
                )),
        "{problems:?}"
    );
    assert!(
        problems.contains(
            &"page 1 has no text layer (scanned image): needs OCR or manual review".to_owned()
        ),
        "{problems:?}"
    );
}

#[test]
fn with_no_ocr_or_past_the_page_limit_a_scanned_pdf_page_is_not_rendered() {
    for args in [&["--no-ocr"][..], &["--ocr-max-pages", "0"][..]] {
        let mut args = args.to_vec();
        let scanned = fixture("scan.pdf");
        args.push(&scanned);
        let review = scan(&args);
        let document = only_document(&review);
        assert_eq!(document["verdict"], "review", "{args:?}: {document:#}");
        assert_eq!(document["extraction"]["status"], "partial");
        let problems = problems(document);
        assert!(
            problems.iter().any(|p| p.starts_with(
                "page 2 has no text layer (scanned image): needs OCR or manual review; not read: "
            )),
            "{args:?}: {problems:?}"
        );
        assert_eq!(problems.len(), 1, "{args:?}: {problems:?}");
        let pictures = document["extraction"]["pictures"].as_array().unwrap();
        assert_eq!(pictures[0]["outcome"], "not-read", "{pictures:?}");
    }
}

#[test]
fn missing_language_data_is_partial_and_says_what_to_install() {
    let review = scan(&["--ocr-lang", "xxx", &fixture("picture-only.docx")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "review", "{document:#}");
    let problems = problems(document);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("OCR unavailable")
                && p.contains("apt-get install tesseract-ocr-xxx")),
        "{problems:?}"
    );
    assert_eq!(review["options"]["ocr"]["languages"], "xxx");
}

#[test]
fn bad_ocr_options_are_usage_errors() {
    Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(root())
        .args(["scan", "--ocr-lang", "chi_sim+", &fixture("icon.png")])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--ocr-lang"));
    Command::cargo_bin("prepub")
        .unwrap()
        .current_dir(root())
        .args([
            "scan",
            "--no-ocr",
            "--ocr-lang",
            "eng",
            &fixture("icon.png"),
        ])
        .assert()
        .code(2);
}

#[test]
fn the_cache_keeps_text_read_with_and_without_ocr_apart() {
    if !tesseract_here() {
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let off = scan(&["--cache", cache_dir, "--no-ocr", &fixture("gongwen.png")]);
    assert_eq!(only_document(&off)["verdict"], "review");
    let on = scan(&["--cache", cache_dir, &fixture("gongwen.png")]);
    assert_eq!(only_document(&on)["verdict"], "block", "{on:#}");
}

#[test]
fn a_picture_over_the_pixel_limit_is_not_decoded() {
    let review = scan(&["--max-image-pixels", "1", &fixture("gongwen.png")]);
    let document = only_document(&review);
    assert_eq!(document["verdict"], "review");
    let problems = problems(document);
    assert!(
        problems[0].contains("over the limit of 1.0 megapixels (--max-image-pixels)"),
        "{problems:?}"
    );
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
