//! Pages scanned sideways or upside down, turned upright before reading.
//!
//! A page fed into the scanner the wrong way, or photographed with the
//! phone held sideways, reads as noise: Tesseract's page segmentation
//! (`--psm 3`) does not turn pages. Tesseract's orientation detection (the
//! `osd` model, [`engine::orientation`]) says how far a page is turned; a
//! confident answer turns it by quarter turns ([`quarter_turn`]) before it
//! is read. Only pictures large enough to hold several lines are asked
//! ([`MIN_SIDE`]): on a small picture the detector guesses.

use crate::extract::ocr::engine::{self, Gray};

/// Shortest side, in pixels, of a picture whose orientation is detected.
pub const MIN_SIDE: u32 = 400;
/// Confidence of the detector above which a page is turned (measured: a
/// page turned 90° or 180° scores 8; an upright page in columns, whose
/// orientation is 0, scored 4).
pub const MIN_CONFIDENCE: f32 = 3.0;

/// `frame` turned upright, with the quarter turn (degrees counter-clockwise)
/// that did it; `None` when it is upright or the detector cannot tell.
pub fn upright(frame: &Gray) -> Option<(Gray, u32)> {
    if frame.width.min(frame.height) < MIN_SIDE {
        return None;
    }
    let (degrees, confidence) = engine::orientation(frame)?;
    (degrees != 0 && confidence >= MIN_CONFIDENCE).then(|| (quarter_turn(frame, degrees), degrees))
}

/// `image` turned counter-clockwise by `degrees` (90, 180 or 270; any other
/// value leaves it as it is).
pub fn quarter_turn(image: &Gray, degrees: u32) -> Gray {
    let (w, h) = (image.width as usize, image.height as usize);
    let at = |x: usize, y: usize| image.pixels[y * w + x];
    let (width, height, pixels): (usize, usize, Vec<u8>) = match degrees {
        90 => (
            h,
            w,
            (0..w)
                .flat_map(|y| (0..h).map(move |x| (x, y)))
                .map(|(x, y)| at(w - 1 - y, x))
                .collect(),
        ),
        180 => (
            w,
            h,
            (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| at(w - 1 - x, h - 1 - y))
                .collect(),
        ),
        270 => (
            h,
            w,
            (0..w)
                .flat_map(|y| (0..h).map(move |x| (x, y)))
                .map(|(x, y)| at(y, h - 1 - x))
                .collect(),
        ),
        _ => return image.clone(),
    };
    Gray {
        width: width as u32,
        height: height as u32,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 3 × 2:
    /// 1 2 3
    /// 4 5 6
    fn sample() -> Gray {
        Gray {
            width: 3,
            height: 2,
            pixels: vec![1, 2, 3, 4, 5, 6],
        }
    }

    #[test]
    fn quarter_turns_are_exact() {
        // Counter-clockwise 90°: the right column becomes the top row.
        let left = quarter_turn(&sample(), 90);
        assert_eq!((left.width, left.height), (2, 3));
        assert_eq!(left.pixels, vec![3, 6, 2, 5, 1, 4]);
        let down = quarter_turn(&sample(), 180);
        assert_eq!(down.pixels, vec![6, 5, 4, 3, 2, 1]);
        let right = quarter_turn(&sample(), 270);
        assert_eq!((right.width, right.height), (2, 3));
        assert_eq!(right.pixels, vec![4, 1, 5, 2, 6, 3]);
        // Four quarter turns are none.
        let round = quarter_turn(&quarter_turn(&left, 90), 180);
        assert_eq!(round, sample());
        assert_eq!(quarter_turn(&sample(), 45), sample());
    }

    #[test]
    fn small_pictures_are_not_asked() {
        let small = Gray {
            width: 300,
            height: 900,
            pixels: vec![255; 300 * 900],
        };
        assert_eq!(upright(&small), None);
    }
}
