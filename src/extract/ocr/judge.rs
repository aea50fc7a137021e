//! Which pictures cannot hold text, decided before any OCR.
//!
//! Documents are full of pictures no one needs to read: bullets, spacer
//! GIFs, a blank white box, a coloured rule. Recognising them costs time
//! and, worse, Tesseract turns their edges into stray characters that make
//! the document look unread. A picture is judged to hold no text only on
//! these two grounds, both documented in `docs/README-hardening.md`:
//!
//! - **too small**: under [`MIN_SIDE`] pixels in either direction or under
//!   [`MIN_PIXELS`] pixels in all — no legible character fits;
//! - **blank**: fewer than [`MIN_INK`] pixels differ from the picture's
//!   background by more than [`INK_CONTRAST`] grey levels — a solid colour
//!   or an empty page, however large.
//!
//! Everything else is recognised.

use crate::extract::ocr::engine::Gray;

/// Smallest width or height, in pixels, that can hold a legible character.
pub const MIN_SIDE: u32 = 16;
/// Smallest area, in pixels, that can hold a legible character (32 × 32).
pub const MIN_PIXELS: u64 = 1024;
/// Grey levels by which a pixel must differ from the background to be ink.
pub const INK_CONTRAST: u8 = 64;
/// Fewest ink pixels a picture with any text has (a single stroke of a
/// small character has more).
pub const MIN_INK: usize = 20;

/// Whether a picture of `width × height` pixels is too small to hold a
/// legible character. Readers that draw pictures themselves (a PDF image
/// drawn where it lands) ask this too, to draw a bullet at its own size.
pub fn too_small_for_text(width: u32, height: u32) -> bool {
    let pixels = u64::from(width) * u64::from(height);
    width < MIN_SIDE || height < MIN_SIDE || pixels < MIN_PIXELS
}

/// Why a picture holds no text, or `None` when it must be recognised.
pub fn no_text(image: &Gray) -> Option<String> {
    if too_small_for_text(image.width, image.height) {
        return Some(format!(
            "an icon of {} × {} pixels, too small to hold legible text (under {MIN_SIDE} pixels a side or {MIN_PIXELS} pixels)",
            image.width, image.height
        ));
    }
    let mut histogram = [0usize; 256];
    for &value in &image.pixels {
        histogram[usize::from(value)] += 1;
    }
    let background = (0..256).max_by_key(|&v| histogram[v]).unwrap_or(255) as i32;
    let ink: usize = (0..256i32)
        .filter(|v| (v - background).unsigned_abs() > u32::from(INK_CONTRAST))
        .map(|v| histogram[v as usize])
        .sum();
    if ink < MIN_INK {
        return Some(format!(
            "blank or a solid colour ({ink} pixels stand out from the background)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gray(width: u32, height: u32, fill: u8) -> Gray {
        Gray {
            width,
            height,
            pixels: vec![fill; (width * height) as usize],
        }
    }

    #[test]
    fn icons_and_blank_pictures_hold_no_text() {
        assert!(no_text(&gray(12, 400, 0)).unwrap().starts_with("an icon"));
        assert!(no_text(&gray(30, 30, 0)).unwrap().starts_with("an icon"));
        let blank = no_text(&gray(2000, 3000, 240)).unwrap();
        assert!(blank.starts_with("blank"), "{blank}");
    }

    #[test]
    fn a_lone_small_word_on_a_big_page_is_ink() {
        let mut page = gray(2000, 3000, 255);
        // A 6 × 6 dot is too little; one character's strokes are enough.
        for y in 100..106 {
            for x in 100..103 {
                page.pixels[y * 2000 + x] = 0;
            }
        }
        assert!(no_text(&page).is_some());
        for y in 100..140 {
            for x in 100..104 {
                page.pixels[y * 2000 + x] = 0;
            }
        }
        assert_eq!(no_text(&page), None);
    }
}
