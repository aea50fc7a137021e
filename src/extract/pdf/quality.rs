//! Is a page's text trustworthy?
//!
//! A PDF that decodes to garbage is worse than one that cannot be opened: the
//! rules find nothing in it and the verdict would be `pass`. Three kinds of
//! garbage are recognised, each from what real files do:
//! - glyphs with no Unicode mapping (Identity-H fonts without `/ToUnicode`),
//!   private-use code points and U+FFFD;
//! - mojibake: GBK bytes read through a Latin encoding (`±±¾©` for `北京`);
//! - a broken `/ToUnicode` that maps to real but rare ideographs (`犌犅`):
//!   a Chinese page is made of common characters, so a page whose
//!   ideographs are mostly outside the common sets of GB 2312, Big5 level 1,
//!   JIS X 0208 level 1 and KS X 1001 is suspect.
//!
//! And the page with no text at all but a scanned image on it.

use super::content::{PageContent, PlacedImage};
use super::encodings::is_cjk_ideograph;
use std::sync::OnceLock;

/// Share of bad glyphs above which a page is unreliable.
const BAD_SHARE: f64 = 0.2;
/// Fewer bad glyphs than this never make a page unreliable (a stray symbol).
const MIN_BAD: usize = 4;
/// Share of rare ideographs above which a page is unreliable.
const RARE_SHARE: f64 = 0.4;
const MIN_IDEOGRAPHS: usize = 8;
/// One ideograph this many times in a row is a font mapping many glyphs to
/// one character (a customs form read as 佛佛佛佛佛佛佛佛佛佛佛 where the
/// page shows a company's name): no Chinese word repeats a character so.
const MIN_REPEATED: usize = 5;
/// Share of the page an image must cover for the page to count as scanned.
const SCAN_AREA: f64 = 0.25;
/// Share of the page an image covers to be the page itself (a scan).
const FULL_PAGE: f64 = 0.6;
/// Filled paths on a page with no text and no image that suggest text drawn
/// as outlines (`gs -dNoOutputFonts`, 转曲): a few fills of curved, detailed
/// shapes — one line of 18 outlined letters is 17 fills of some 370 points.
/// A page with so much drawing and not one character is read by nobody
/// but a person.
const OUTLINE_FILLS: usize = 4;
const OUTLINE_POINTS: usize = 100;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub glyphs: usize,
    pub unmapped: usize,
    pub private_use: usize,
    pub replacement: usize,
    pub mojibake: usize,
    pub ideographs: usize,
    pub rare_ideographs: usize,
    /// The longest run of one ideograph, and how long it is.
    pub repeated: Option<(char, usize)>,
}

/// Counts what the quality verdict rests on, from the glyphs and the page
/// text as laid out.
pub fn count(content: &PageContent, text: &str) -> Counts {
    let mut counts = Counts::default();
    for glyph in &content.glyphs {
        if glyph.unmapped {
            counts.glyphs += 1;
            counts.unmapped += 1;
        } else if !content.glyph_text(glyph).trim().is_empty() {
            counts.glyphs += 1;
        }
    }
    let mut run: Option<(char, usize)> = None;
    for ch in text.chars() {
        run = match run {
            Some((last, n)) if last == ch => Some((ch, n + 1)),
            _ if is_cjk_ideograph(ch) => Some((ch, 1)),
            _ => None,
        };
        if let Some((ch, n)) = run
            && counts.repeated.is_none_or(|(_, longest)| n > longest)
        {
            counts.repeated = Some((ch, n));
        }
        match ch as u32 {
            0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD => counts.private_use += 1,
            0xFFFD => counts.replacement += 1,
            _ => {}
        }
        if is_cjk_ideograph(ch) {
            counts.ideographs += 1;
            if !is_common_ideograph(ch) {
                counts.rare_ideographs += 1;
            }
        }
    }
    counts.mojibake = mojibake_chars(text);
    counts
}

/// Why the page's text cannot be trusted, if it cannot.
pub fn unreliable(counts: &Counts) -> Option<String> {
    let bad = counts.unmapped + counts.private_use + counts.replacement + counts.mojibake;
    let total = counts.glyphs.max(1);
    if bad >= MIN_BAD && bad as f64 > BAD_SHARE * total as f64 {
        let mut reasons = Vec::new();
        if counts.unmapped > 0 {
            reasons.push(format!(
                "{} of {} glyphs have no Unicode mapping",
                counts.unmapped, counts.glyphs
            ));
        }
        if counts.private_use > 0 {
            reasons.push(format!("{} private-use characters", counts.private_use));
        }
        if counts.replacement > 0 {
            reasons.push(format!("{} replacement characters", counts.replacement));
        }
        if counts.mojibake > 0 {
            reasons.push(format!(
                "{} characters look like Chinese bytes read as Latin text",
                counts.mojibake
            ));
        }
        return Some(reasons.join(", "));
    }
    if let Some((ch, n)) = counts.repeated
        && n >= MIN_REPEATED
    {
        return Some(format!(
            "one character {n} times in a row ({}…), typical of a font that maps many glyphs to one character",
            ch.to_string().repeat(3)
        ));
    }
    if counts.ideographs >= MIN_IDEOGRAPHS
        && counts.rare_ideographs as f64 > RARE_SHARE * counts.ideographs as f64
    {
        return Some(format!(
            "{} of {} Chinese characters are rare ones, typical of a wrong /ToUnicode map",
            counts.rare_ideographs, counts.ideographs
        ));
    }
    None
}

/// What the page has instead of a usable text layer, if it has none, as a
/// phrase after "page N has" ("no text layer (scanned image)"). The phrase
/// names no counts, so that pages alike read as one problem.
pub fn no_text_layer(content: &PageContent, text: &str) -> Option<&'static str> {
    let characters = text.chars().filter(|ch| !ch.is_whitespace()).count();
    if content.glyphs.iter().any(|glyph| glyph.unmapped) {
        // Text is there but undecodable: the quality check speaks for it.
        return None;
    }
    let page_area = content.page_box.map(|rect| rect.area()).unwrap_or(0.0);
    let covered = if page_area > 0.0 {
        content.image_area / page_area
    } else if content.image_count > 0 {
        1.0
    } else {
        0.0
    };
    if characters == 0 && content.image_count > 0 && covered >= SCAN_AREA {
        return Some("no text layer (scanned image)");
    }
    if characters == 0 && content.image_count > 0 {
        // A smaller picture (a photographed stamp, a pasted screenshot of
        // a paragraph) may hold text just the same.
        return Some("no text layer (only pictures)");
    }
    if characters < 10 && covered >= FULL_PAGE {
        return Some("almost no text layer over a full-page image (scanned image)");
    }
    if characters == 0
        && content.path_fills >= OUTLINE_FILLS
        && content.filled_points >= OUTLINE_POINTS
    {
        return Some("no text layer (only drawn shapes: text converted to outlines?)");
    }
    None
}

/// The pictures of a page that has a text layer which must still be read
/// by OCR: every one, but a picture that fills the page under an invisible
/// text layer — a searchable scan, whose text layer *is* the scanner's OCR
/// of that picture and was read as the page's text.
pub fn pictures_beside_text(content: &PageContent) -> Vec<&PlacedImage> {
    let page_area = content.page_box.map(|rect| rect.area()).unwrap_or(0.0);
    let invisible_layer = !content.glyphs.is_empty()
        && content
            .glyphs
            .iter()
            .filter(|glyph| glyph.invisible)
            .count()
            * 2
            >= content.glyphs.len();
    content
        .images
        .iter()
        .filter(|image| {
            let fills_page = page_area > 0.0 && image.rect.area() >= FULL_PAGE * page_area;
            !(invisible_layer && fills_page)
        })
        .collect()
}

/// Characters of mojibake: GBK or UTF-16 bytes read through a Latin
/// encoding.
fn mojibake_chars(text: &str) -> usize {
    gbk_mojibake_chars(text) + utf16_mojibake_chars(text)
}

/// Lines that are UTF-16 read as WinAnsi (`QsNŽSpS` for `关于印发`): at
/// least a quarter of their characters are high Latin ones, and the bytes
/// they re-encode to read as UTF-16 into common ideographs. (Plain English
/// also reads as ideographs in UTF-16, which is why the high characters
/// are required.)
fn utf16_mojibake_chars(text: &str) -> usize {
    let mut total = 0;
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() < 4 {
            continue;
        }
        let bytes: Option<Vec<u8>> = chars.iter().map(|&ch| windows_1252_byte(ch)).collect();
        let Some(bytes) = bytes else {
            continue;
        };
        let high = bytes.iter().filter(|&&byte| byte >= 0x80).count();
        if high * 4 < bytes.len() {
            continue;
        }
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        let decoded: Vec<char> = char::decode_utf16(units).filter_map(Result::ok).collect();
        let common = decoded
            .iter()
            .filter(|&&ch| is_cjk_ideograph(ch) && is_common_ideograph(ch))
            .count();
        if !decoded.is_empty() && common * 10 >= decoded.len() * 7 {
            total += chars.len();
        }
    }
    total
}

/// Characters in runs of Latin-1/WinAnsi high characters that re-encode to
/// valid GBK Chinese: GBK read as a Latin encoding.
fn gbk_mojibake_chars(text: &str) -> usize {
    let mut total = 0;
    let mut run: Vec<u8> = Vec::new();
    let mut run_chars = 0;
    let mut flush = |run: &mut Vec<u8>, run_chars: &mut usize| {
        // Two GBK characters at least (a lone `––` is just dashes), decoding
        // into everyday ideographs.
        if *run_chars >= 4 {
            let (decoded, had_errors) = encoding_rs::GBK.decode_without_bom_handling(run);
            let chars: Vec<char> = decoded.chars().collect();
            let common = chars
                .iter()
                .filter(|&&ch| is_cjk_ideograph(ch) && is_common_ideograph(ch))
                .count();
            if !had_errors && common >= 2 && common * 10 >= chars.len() * 7 {
                total += *run_chars;
            }
        }
        run.clear();
        *run_chars = 0;
    };
    for ch in text.chars() {
        match windows_1252_byte(ch) {
            Some(byte) if byte >= 0x80 => {
                run.push(byte);
                run_chars += 1;
            }
            _ => flush(&mut run, &mut run_chars),
        }
    }
    flush(&mut run, &mut run_chars);
    total
}

/// The windows-1252 byte of a character, if it has one.
fn windows_1252_byte(ch: char) -> Option<u8> {
    let code = ch as u32;
    if code < 0x80 || (0xA0..=0xFF).contains(&code) {
        return Some(code as u8);
    }
    // The 32 bytes 0x80–0x9F, by table: asking `encoding_rs` for each
    // CJK glyph of a PDF was 4.6% of a batch's CPU, and every character
    // not listed here has no Windows-1252 byte.
    WINDOWS_1252_HIGH
        .iter()
        .position(|&mapped| mapped == code)
        .map(|index| 0x80 + index as u8)
}

/// What the bytes 0x80–0x9F of Windows-1252 decode to (WHATWG's index;
/// 0x80 itself is U+20AC, so U+0080 has no byte).
const WINDOWS_1252_HIGH: [u32; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
];

/// Whether an ideograph is in the everyday sets of Chinese, Japanese or
/// Korean text.
pub fn is_common_ideograph(ch: char) -> bool {
    let code = ch as u32;
    if code > 0xFFFF {
        return false;
    }
    let set = common_ideographs();
    set[(code / 64) as usize] & (1u64 << (code % 64)) != 0
}

fn common_ideographs() -> &'static [u64] {
    static SET: OnceLock<Vec<u64>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = vec![0u64; 65536 / 64];
        let mut add = |encoding: &'static encoding_rs::Encoding,
                       lead: std::ops::RangeInclusive<u8>,
                       trail: &[std::ops::RangeInclusive<u8>]| {
            for first in lead {
                for range in trail {
                    for second in range.clone() {
                        let pair = [first, second];
                        let (text, had_errors) = encoding.decode_without_bom_handling(&pair);
                        if had_errors {
                            continue;
                        }
                        for ch in text.chars() {
                            let code = ch as u32;
                            if code <= 0xFFFF {
                                set[(code / 64) as usize] |= 1u64 << (code % 64);
                            }
                        }
                    }
                }
            }
        };
        // GB 2312 hanzi (levels 1 and 2).
        add(encoding_rs::GBK, 0xB0..=0xF7, &[0xA1..=0xFE]);
        // Big5 level 1.
        add(encoding_rs::BIG5, 0xA4..=0xC6, &[0x40..=0x7E, 0xA1..=0xFE]);
        // JIS X 0208 level 1 kanji (Shift-JIS 0x889F–0x9872).
        add(
            encoding_rs::SHIFT_JIS,
            0x88..=0x98,
            &[0x40..=0x7E, 0x80..=0xFC],
        );
        // KS X 1001 hanja.
        add(encoding_rs::EUC_KR, 0xCA..=0xFD, &[0xA1..=0xFE]);
        set
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_1252_table_agrees_with_encoding_rs() {
        for code in 0..=0xFFFFu32 {
            let Some(ch) = char::from_u32(code) else {
                continue;
            };
            let mut buffer = [0u8; 4];
            let (bytes, _, unmappable) =
                encoding_rs::WINDOWS_1252.encode(ch.encode_utf8(&mut buffer));
            let expected = (!unmappable && bytes.len() == 1).then(|| bytes[0]);
            assert_eq!(windows_1252_byte(ch), expected, "U+{code:04X}");
        }
    }

    use super::*;

    #[test]
    fn common_ideographs_cover_everyday_text() {
        for ch in "中华人民共和国国务院办公厅关于印发机密秘密绝密國體學".chars()
        {
            assert!(is_common_ideograph(ch), "{ch}");
        }
        // Rare characters a broken /ToUnicode produced in GB/T 39677.
        assert!(!is_common_ideograph('犌'));
        assert!(!is_common_ideograph('犅'));
    }

    #[test]
    fn mojibake_is_counted() {
        assert_eq!(mojibake_chars("±±¾©ÊÐ"), 6);
        assert_eq!(mojibake_chars("café crème"), 0);
        assert_eq!(mojibake_chars("–– - 12 - ––"), 0);
        assert_eq!(mojibake_chars("北京"), 0);
        // UTF-16 of 关于印发工作方案的通知 read as WinAnsi.
        let utf16: String = "关于印发工作方案的通知"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .map(|byte| {
                encoding_rs::WINDOWS_1252
                    .decode(&[byte])
                    .0
                    .chars()
                    .next()
                    .unwrap_or(' ')
            })
            .collect();
        assert!(mojibake_chars(&utf16) >= 10, "{utf16}");
        assert_eq!(mojibake_chars("normal English text, nothing odd here"), 0);
        assert_eq!(mojibake_chars("Café crème brûlée à la française"), 0);
    }

    #[test]
    fn pages_of_outlines_or_only_pictures_have_no_text_layer() {
        use super::super::content::Rect;
        let page = |fills, points, images, image_area| PageContent {
            path_fills: fills,
            filled_points: points,
            image_count: images,
            image_area,
            page_box: Some(Rect::from_corners(0.0, 0.0, 100.0, 100.0)),
            ..PageContent::default()
        };
        // One outlined line of text (what gs -dNoOutputFonts writes).
        let outlined = page(17, 374, 0, 0.0);
        assert!(no_text_layer(&outlined, "").unwrap().contains("outlines"));
        assert_eq!(no_text_layer(&outlined, "Some real text"), None);
        // A rule or a box is not text.
        assert_eq!(no_text_layer(&page(2, 8, 0, 0.0), ""), None);
        assert_eq!(no_text_layer(&page(0, 0, 0, 0.0), ""), None);
        // A page with only a small picture.
        let stamp = page(0, 0, 1, 400.0);
        assert!(no_text_layer(&stamp, "").unwrap().contains("only pictures"));
        let scan = page(0, 0, 1, 9000.0);
        assert!(no_text_layer(&scan, "").unwrap().contains("scanned image"));
    }

    #[test]
    fn pictures_beside_text_are_read_unless_the_text_is_their_ocr() {
        use super::super::content::{GlyphBox, Rect};
        let glyph = |invisible| GlyphBox {
            text_start: 0,
            text_len: 1,
            origin: (10.0, 10.0),
            end: (20.0, 10.0),
            size: 10.0,
            direction: (1.0, 0.0),
            bbox: Rect::from_corners(10.0, 8.0, 20.0, 18.0),
            seq: 0,
            color: Some(0.0),
            invisible,
            unmapped: false,
            hidden_layer: false,
        };
        let image = |side: f64| PlacedImage {
            rect: Rect::from_corners(0.0, 0.0, side, side),
            pixels: Some((1000, 1000)),
            name: String::from("/Im1"),
        };
        let page = |invisible, images| PageContent {
            glyphs: vec![glyph(invisible); 4],
            images,
            page_box: Some(Rect::from_corners(0.0, 0.0, 100.0, 100.0)),
            ..PageContent::default()
        };
        // A searchable scan: its invisible text is the scanner's OCR.
        assert!(pictures_beside_text(&page(true, vec![image(100.0)])).is_empty());
        // A stamp on it is a picture of its own.
        assert_eq!(
            pictures_beside_text(&page(true, vec![image(100.0), image(20.0)])).len(),
            1
        );
        // Visible text over a page-size picture (a letterhead background)
        // does not say what the picture holds.
        assert_eq!(
            pictures_beside_text(&page(false, vec![image(100.0)])).len(),
            1
        );
    }

    #[test]
    fn one_ideograph_over_and_over_is_a_wrong_mapping() {
        let page = PageContent::default();
        let bad = count(&page, "佛佛佛佛佛佛佛佛佛佛佛 4 4 0 6 9 6 1 4 8 5\t佛山");
        assert_eq!(bad.repeated, Some(('佛', 11)));
        let why = unreliable(&bad).unwrap();
        assert!(
            why.starts_with("one character 11 times in a row (佛佛佛…)"),
            "{why}"
        );
        // Doubled characters of ordinary prose are not.
        let prose = count(&page, "人人都要认认真真、踏踏实实地做好工作，常常检查。");
        assert_eq!(unreliable(&prose), None);
        assert_eq!(unreliable(&count(&page, "…………——————")), None);
    }

    #[test]
    fn verdicts() {
        let clean = Counts {
            glyphs: 100,
            ideographs: 90,
            ..Counts::default()
        };
        assert_eq!(unreliable(&clean), None);
        let unmapped = Counts {
            glyphs: 100,
            unmapped: 60,
            ..Counts::default()
        };
        assert!(unreliable(&unmapped).unwrap().contains("60 of 100 glyphs"));
        let stray = Counts {
            glyphs: 100,
            private_use: 3,
            ..Counts::default()
        };
        assert_eq!(unreliable(&stray), None);
        let rare = Counts {
            glyphs: 20,
            ideographs: 20,
            rare_ideographs: 15,
            ..Counts::default()
        };
        assert!(unreliable(&rare).unwrap().contains("rare"));
    }
}
