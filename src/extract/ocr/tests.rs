use super::*;
use crate::extract::document::ExtractionStatus;
use crate::extract::picture::PictureFormat;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ocr")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn with_pictures(pictures: Vec<Picture>) -> Extraction {
    let mut extraction = Extraction::default();
    for picture in pictures {
        extraction.push_picture(picture);
    }
    extraction
}

fn in_body(name: &str, bytes: Vec<u8>) -> Picture {
    Picture::new(PicturePlace::new(Part::Body, name), bytes)
}

fn run(extraction: &mut Extraction, settings: &OcrSettings) {
    recognise(extraction, settings, &Limits::default(), Deadline::never());
}

/// Tesseract and the default languages, or a note that the test skips.
fn engine_here() -> bool {
    match engine::check(&Languages::default()) {
        Ok(()) => true,
        Err(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

#[test]
fn languages_are_checked_and_split() {
    let languages = Languages::parse("chi_sim + eng").unwrap();
    assert_eq!(languages.as_str(), "chi_sim+eng");
    assert_eq!(languages.chinese().as_str(), "chi_sim");
    assert_eq!(Languages::parse("eng").unwrap().chinese().as_str(), "eng");
    assert!(Languages::parse("chi_sim+").is_err());
    assert!(Languages::parse("../etc").is_err());
}

#[test]
fn with_ocr_off_every_picture_makes_the_document_partial() {
    let mut only_pictures = with_pictures(vec![
        in_body("word/media/image1.png", fixture("gongwen.png")),
        in_body("word/media/image2.png", fixture("icon.png")),
    ]);
    run(&mut only_pictures, &OcrSettings::Off);
    assert_eq!(only_pictures.status(), ExtractionStatus::Partial);
    assert_eq!(
        only_pictures.problems[0].message,
        "no text: the document holds 2 pictures and no text; needs OCR or manual review (OCR is off: --no-ocr)"
    );
    assert!(only_pictures.pictures.is_empty());
    assert_eq!(only_pictures.pictures_read.len(), 2);

    let mut with_text = with_pictures(vec![in_body("a.png", fixture("icon.png"))]);
    with_text.push(Segment::new(Part::Body, "正文"));
    run(&mut with_text, &OcrSettings::Off);
    assert_eq!(
        with_text.problems[0].message,
        "1 picture not read: OCR is off (--no-ocr); check them by hand"
    );
}

#[test]
fn missing_language_data_leaves_every_picture_unread_saying_what_to_install() {
    let mut extraction = with_pictures(vec![
        in_body("a.png", fixture("gongwen.png")),
        in_body("b.png", fixture("clean.png")),
    ]);
    let settings = OcrSettings::On {
        languages: Languages::parse("xxx").unwrap(),
        max_pages: 10,
    };
    run(&mut extraction, &settings);
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert_eq!(extraction.problems.len(), 1, "{:?}", extraction.problems);
    let message = &extraction.problems[0].message;
    assert!(message.starts_with("OCR unavailable"), "{message}");
    assert!(message.contains("install tesseract-ocr-xxx"), "{message}");
    assert!(message.ends_with("(2 pictures not read)"), "{message}");
    assert!(extraction.segments.is_empty());
    assert!(
        extraction
            .pictures_read
            .iter()
            .all(|r| matches!(r.outcome, PictureOutcome::NotRead { .. }))
    );
}

#[test]
fn icons_and_blank_pages_hold_no_text_and_leave_the_document_complete() {
    // Judged before any OCR: no engine needed.
    let mut extraction = with_pictures(vec![
        in_body("icon.png", fixture("icon.png")),
        in_body("blank.png", fixture("blank.png")),
    ]);
    let settings = OcrSettings::On {
        languages: Languages::parse("xxx").unwrap(),
        max_pages: 10,
    };
    run(&mut extraction, &settings);
    assert_eq!(
        extraction.status(),
        ExtractionStatus::Complete,
        "{:?}",
        extraction.problems
    );
    let reasons: Vec<&PictureOutcome> = extraction
        .pictures_read
        .iter()
        .map(|r| &r.outcome)
        .collect();
    assert!(
        matches!(reasons[0], PictureOutcome::NoText { reason } if reason.starts_with("an icon of 12 × 12")),
        "{reasons:?}"
    );
    assert!(
        matches!(reasons[1], PictureOutcome::NoText { reason } if reason.starts_with("blank")),
        "{reasons:?}"
    );
}

#[test]
fn pictures_not_decoded_say_so() {
    let mut extraction = with_pictures(vec![
        in_body("word/media/image1.emf", b"\x01\0\0\0drawing".to_vec()),
        in_body(
            "word/media/image2.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\0".to_vec(),
        ),
    ]);
    assert_eq!(extraction.pictures[0].format, PictureFormat::Metafile);
    run(&mut extraction, &OcrSettings::default());
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    assert!(
        extraction.problems[0]
            .message
            .starts_with("image 1, word/media/image1.emf: Windows metafile"),
        "{:?}",
        extraction.problems
    );
    assert!(
        extraction.problems[1]
            .message
            .starts_with("image 2, word/media/image2.png: not read by OCR: PNG"),
        "{:?}",
        extraction.problems
    );
}

#[test]
fn a_scanned_page_is_read_with_its_banner_and_located() {
    if !engine_here() {
        return;
    }
    let mut extraction = with_pictures(vec![Picture::new(
        PicturePlace::new(Part::Header, "word/media/image1.png").on_page(3),
        fixture("gongwen.png"),
    )]);
    run(&mut extraction, &OcrSettings::default());
    assert_eq!(
        extraction.status(),
        ExtractionStatus::Complete,
        "{:?}",
        extraction.problems
    );
    let text: String = extraction
        .segments
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert!(text.contains("11010519491231002X"), "{text}");
    assert!(text.contains("人民政府"), "{text}");
    // The mark itself, ★ read as some other character, from the 版头 pass.
    assert!(text.contains("机密"), "{text}");
    let segment = extraction.segments.last().unwrap();
    assert_eq!(segment.part, Part::Image);
    assert_eq!(segment.page, Some(3));
    let label = segment.label.as_deref().unwrap();
    assert!(
        label.starts_with("header, page 3, image 1, word/media/image1.png (OCR, confidence "),
        "{label}"
    );
    assert!(matches!(
        extraction.pictures_read[0].outcome,
        PictureOutcome::Read { confidence } if confidence >= LOW_CONFIDENCE
    ));
}

#[test]
fn the_pages_of_a_tiff_are_the_documents_pages_up_to_the_cap() {
    if !engine_here() {
        return;
    }
    let whole = || {
        with_pictures(vec![Picture::new(
            PicturePlace::whole_document(),
            fixture("gongwen.tif"),
        )])
    };
    let mut extraction = whole();
    run(&mut extraction, &OcrSettings::default());
    assert_eq!(extraction.pages, Some(2));
    let pages: Vec<Option<u32>> = extraction.segments.iter().map(|s| s.page).collect();
    assert!(pages.contains(&Some(2)), "{pages:?}");
    assert!(
        extraction
            .segments
            .iter()
            .any(|s| s.page == Some(2) && s.text.contains("13912345678")),
        "{:?}",
        extraction.segments
    );
    let mut capped = whole();
    let one_page = OcrSettings::On {
        languages: Languages::default(),
        max_pages: 1,
    };
    run(&mut capped, &one_page);
    assert_eq!(capped.status(), ExtractionStatus::Partial);
    assert!(
        capped.problems[0].message.contains("over --ocr-max-pages"),
        "{:?}",
        capped.problems
    );
}

#[test]
fn pictures_past_the_page_cap_or_the_deadline_are_not_read() {
    let mut extraction = with_pictures(vec![
        in_body("a.png", fixture("icon.png")),
        in_body("b.png", fixture("icon.png")),
        in_body("c.png", fixture("icon.png")),
    ]);
    let settings = OcrSettings::On {
        languages: Languages::default(),
        max_pages: 2,
    };
    run(&mut extraction, &settings);
    assert_eq!(
        extraction.problems[0].message,
        "1 picture not read: over the --ocr-max-pages limit of 2 per document; check them by hand"
    );
    let mut late = with_pictures(vec![in_body("a.png", fixture("icon.png"))]);
    recognise(
        &mut late,
        &OcrSettings::default(),
        &Limits::default(),
        Deadline::after(std::time::Duration::ZERO),
    );
    assert!(late.problems[0].message.starts_with("time budget exceeded"));
}

#[test]
fn a_banner_line_the_page_read_alike_is_not_repeated() {
    let line = |text: &str, top: u32, confidence: f32| engine::Line {
        text: text.into(),
        rect: engine::Rect {
            left: 100,
            top,
            width: 200,
            height: 40,
        },
        confidence,
        chars: text.chars().count(),
        latin_letters: 0,
    };
    let page = Recognised {
        lines: vec![line("特急", 200, 95.0), line("BLE LO4E", 140, 40.0)],
    };
    let chinese_page = Recognised {
        lines: vec![line("机密妇10年", 140, 80.0)],
    };
    let banner = Recognised {
        lines: vec![
            line("秘密", 20, 80.0),
            line("机密女10年", 140, 86.0),
            line("特 急", 200, 95.0),
            line("机密太10年", 140, 90.0),
            line("一天下", 300, 30.0),
        ],
    };
    let kept: Vec<&str> = lines_not_in(&banner, &page)
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    // 秘密: nothing read there; 机密女10年 (and 机密太10年): the page read
    // Latin letters there; 特急 read alike; 一天下 where nothing was read.
    assert_eq!(kept, ["秘密", "机密女10年", "机密太10年", "一天下"]);
    // Two Chinese readings of one line: the page's stands alone.
    let kept: Vec<&str> = lines_not_in(&banner, &chinese_page)
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(kept, ["秘密", "特 急", "一天下"]);
}

/// A page drawn late: blank, or failing.
struct Page(Result<(u32, u32), &'static str>);

impl crate::extract::picture::Draw for Page {
    fn draw(&self, _max_pixels: u64) -> Result<Picture, String> {
        let (width, height) = self.0.map_err(String::from)?;
        Ok(Picture::gray(
            PicturePlace::rendered_page(3),
            width,
            height,
            vec![255; (width * height) as usize],
        ))
    }
}

fn drawn_page(page: Page) -> Picture {
    Picture::drawn(PicturePlace::rendered_page(3), std::sync::Arc::new(page))
        .if_not_read("page 3 has no text layer (scanned image): needs OCR or manual review")
}

#[test]
fn a_drawn_page_not_read_keeps_the_reader_s_problem_with_the_cause() {
    let mut extraction = with_pictures(vec![drawn_page(Page(Ok((600, 800))))]);
    run(&mut extraction, &OcrSettings::Off);
    let messages: Vec<&str> = extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    // One problem, the reader's, saying why; no summary repeating it.
    assert_eq!(
        messages,
        [
            "page 3 has no text layer (scanned image): needs OCR or manual review; not read: OCR is off (--no-ocr)"
        ]
    );
    assert_eq!(extraction.problems[0].part.as_deref(), Some("body"));
    assert_eq!(extraction.pictures_read[0].picture, "page 3 (rendered)");
}

#[test]
fn a_page_that_cannot_be_drawn_says_why_and_stays_without_text_layer() {
    let mut extraction = with_pictures(vec![drawn_page(Page(Err("the renderer broke")))]);
    run(&mut extraction, &OcrSettings::default());
    assert_eq!(extraction.status(), ExtractionStatus::Partial);
    let messages: Vec<&str> = extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "page 3 (rendered): not read by OCR: the renderer broke; check it by hand",
            "page 3 has no text layer (scanned image): needs OCR or manual review"
        ]
    );
}

#[test]
fn a_drawn_page_judged_blank_is_read_and_not_partial() {
    let mut extraction = with_pictures(vec![drawn_page(Page(Ok((600, 800))))]);
    run(&mut extraction, &OcrSettings::default());
    assert!(extraction.problems.is_empty(), "{:?}", extraction.problems);
    assert!(matches!(
        extraction.pictures_read[0].outcome,
        PictureOutcome::NoText { .. }
    ));
}

#[test]
fn a_doubtful_reading_of_scattered_marks_is_no_text() {
    // Read from a photo of fruit and from a company's blue seal.
    assert!(scattered("-人\n人/全\n全-"));
    assert!(scattered("公司\n\\>\n全局\n从\n下梢一"));
    // Words, a marking character or a long number are text to check.
    assert!(!scattered("关于开展年度专项\n检查"));
    assert!(!scattered("机 窑"));
    assert!(!scattered("1101 0519491231"));
}

#[test]
fn a_line_of_a_chinese_page_taken_over_by_latin_is_read_again_in_chinese() {
    if !engine_here() {
        return;
    }
    let picture = in_body("gongwen.png", fixture("gongwen.png"));
    let frame = decode::decode(&picture, Limits::default().max_image_pixels, 1)
        .unwrap()
        .frames
        .remove(0);
    let languages = Languages::default();
    let mut recognised = engine::recognise(&languages, &frame, Layout::Page).unwrap();
    let index = recognised
        .lines
        .iter()
        .position(|l| l.text.contains("11010519491231002X"))
        .expect("the ID line is read");
    // What `eng` makes of such a line on a degraded scan (bench/ocr.sh):
    // Latin words in place of 联系人：张三，身份证号, read confidently.
    let taken = &mut recognised.lines[index];
    taken.text = "一 BRAD KE SHES 11010519491231002X.,".into();
    taken.latin_letters = 11;
    taken.confidence = 40.0;
    reread_latin_lines(&mut recognised, &frame, &languages, 0, Deadline::never()).unwrap();
    let line = &recognised.lines[index];
    assert!(line.text.contains("身份证"), "read again: {}", line.text);
    assert_eq!(line.latin_letters, 0);

    // Above the row the 版头 pass starts from, it is left to that pass.
    let mut above = recognised.clone();
    above.lines[index].text = "BRAD KE SHES".into();
    above.lines[index].latin_letters = 11;
    let row = above.lines[index].rect.top + above.lines[index].rect.height;
    reread_latin_lines(&mut above, &frame, &languages, row, Deadline::never()).unwrap();
    assert_eq!(above.lines[index].text, "BRAD KE SHES");

    // Past the deadline the line is left as read.
    let mut late = recognised.clone();
    late.lines[index].text = "BRAD KE SHES".into();
    late.lines[index].latin_letters = 11;
    late.lines[index].confidence = 40.0;
    reread_latin_lines(
        &mut late,
        &frame,
        &languages,
        0,
        Deadline::after(std::time::Duration::ZERO),
    )
    .unwrap();
    assert_eq!(late.lines[index].text, "BRAD KE SHES");

    // With the Chinese models alone there is no `eng` to take a line over.
    let mut alone = late.clone();
    reread_latin_lines(
        &mut alone,
        &frame,
        &languages.chinese(),
        0,
        Deadline::never(),
    )
    .unwrap();
    assert_eq!(alone, late);
}

#[test]
fn a_line_strip_stays_inside_the_picture() {
    let frame = Gray {
        width: 100,
        height: 50,
        pixels: vec![255; 5000],
    };
    let at = |left, top, width, height| engine::Rect {
        left,
        top,
        width,
        height,
    };
    let strip = line_strip(&frame, at(40, 10, 30, 20));
    assert_eq!((strip.width, strip.height), (30 + 2 * 22, 20 + 2 * 7));
    for rect in [at(0, 0, 100, 50), at(99, 49, 40, 40), at(300, 300, 0, 0)] {
        let strip = line_strip(&frame, rect);
        assert!(strip.width >= 1 && strip.height >= 1);
        assert_eq!(strip.pixels.len(), (strip.width * strip.height) as usize);
    }
}
