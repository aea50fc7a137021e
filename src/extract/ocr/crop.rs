//! Small pictures of the lines OCR read, for the clerk to check by eye.
//!
//! A finding read from a picture is only as good as the recognition: the
//! clerk must see what the picture shows there (is `机密女10年` really
//! 机密★10年?). Each recognised line keeps a small grey PNG of its box
//! ([`line`]), at most [`MAX_WIDTH`] × [`MAX_HEIGHT`] pixels, and the
//! report shows the one of the finding's line. A line holding personal
//! data is pixelated ([`obscure`]) before it goes into a report unless
//! `--show-match`: a picture must not show what the text masks.
//!
//! Kept small (a line of a 300 dpi page is a few kilobytes) because every
//! line of every picture carries one until the rules have run.

use crate::extract::ocr::engine::Gray;
use image::{GrayImage, ImageFormat};
use std::io::Cursor;

/// Widest crop kept, in pixels.
pub const MAX_WIDTH: u32 = 640;
/// Tallest crop kept, in pixels: a line of text is legible at 48.
pub const MAX_HEIGHT: u32 = 48;
/// Side of the blocks a pixelated crop is made of, in pixels: no
/// character (let alone a digit) survives it.
const BLOCK: u32 = 12;

/// A grey PNG of `rect` (`[x, y, width, height]`) of `frame`, with a few
/// pixels of margin, scaled down to fit [`MAX_WIDTH`] × [`MAX_HEIGHT`];
/// `None` for an empty or outside box.
pub fn line(frame: &Gray, rect: [u32; 4]) -> Option<Vec<u8>> {
    let [x, y, width, height] = rect;
    let margin = (height / 6).max(2);
    let x0 = x.saturating_sub(margin);
    let y0 = y.saturating_sub(margin);
    let x1 = x
        .saturating_add(width)
        .saturating_add(margin)
        .min(frame.width);
    let y1 = y
        .saturating_add(height)
        .saturating_add(margin)
        .min(frame.height);
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let (w, h) = (x1 - x0, y1 - y0);
    // One scale for both sides, never up.
    let scale = (f64::from(MAX_WIDTH) / f64::from(w))
        .min(f64::from(MAX_HEIGHT) / f64::from(h))
        .min(1.0);
    let out_w = ((f64::from(w) * scale).round() as u32).max(1);
    let out_h = ((f64::from(h) * scale).round() as u32).max(1);
    let mut pixels = Vec::with_capacity(out_w as usize * out_h as usize);
    for oy in 0..out_h {
        let sy0 = y0 + (u64::from(oy) * u64::from(h) / u64::from(out_h)) as u32;
        let sy1 = (y0 + (u64::from(oy + 1) * u64::from(h) / u64::from(out_h)) as u32).max(sy0 + 1);
        for ox in 0..out_w {
            let sx0 = x0 + (u64::from(ox) * u64::from(w) / u64::from(out_w)) as u32;
            let sx1 =
                (x0 + (u64::from(ox + 1) * u64::from(w) / u64::from(out_w)) as u32).max(sx0 + 1);
            // The mean of the source pixels: strokes thin to grey, not gone.
            let mut sum = 0u64;
            let mut count = 0u64;
            for sy in sy0..sy1.min(y1) {
                let row = (sy * frame.width) as usize;
                for sx in sx0..sx1.min(x1) {
                    sum += u64::from(frame.pixels[row + sx as usize]);
                    count += 1;
                }
            }
            pixels.push((sum / count.max(1)) as u8);
        }
    }
    encode(out_w, out_h, pixels)
}

/// `png` pixelated in blocks of [`BLOCK`] pixels; `None` if it is not a
/// PNG this module wrote.
pub fn obscure(png: &[u8]) -> Option<Vec<u8>> {
    let image = image::load_from_memory_with_format(png, ImageFormat::Png)
        .ok()?
        .into_luma8();
    let (w, h) = image.dimensions();
    let mut out = image.clone();
    for by in (0..h).step_by(BLOCK as usize) {
        for bx in (0..w).step_by(BLOCK as usize) {
            let (x1, y1) = ((bx + BLOCK).min(w), (by + BLOCK).min(h));
            let mut sum = 0u64;
            for y in by..y1 {
                for x in bx..x1 {
                    sum += u64::from(image.get_pixel(x, y).0[0]);
                }
            }
            let mean = (sum / u64::from((x1 - bx) * (y1 - by))) as u8;
            for y in by..y1 {
                for x in bx..x1 {
                    out.put_pixel(x, y, image::Luma([mean]));
                }
            }
        }
    }
    encode(w, h, out.into_raw())
}

fn encode(width: u32, height: u32, pixels: Vec<u8>) -> Option<Vec<u8>> {
    let image = GrayImage::from_raw(width, height, pixels)?;
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with one black bar (a "line of text") at 100,200 400 × 40,
    /// with white gaps in it.
    fn page() -> Gray {
        let (width, height) = (1000u32, 600u32);
        let mut pixels = vec![255u8; (width * height) as usize];
        for y in 200..240 {
            for x in 100..500 {
                if (x / 4) % 2 == 0 {
                    pixels[(y * width + x) as usize] = 0;
                }
            }
        }
        Gray {
            width,
            height,
            pixels,
        }
    }

    fn decode(png: &[u8]) -> GrayImage {
        image::load_from_memory_with_format(png, ImageFormat::Png)
            .unwrap()
            .into_luma8()
    }

    #[test]
    fn a_line_is_cut_out_small_and_still_shows_its_strokes() {
        let png = line(&page(), [100, 200, 400, 40]).unwrap();
        let crop = decode(&png);
        assert!(crop.width() <= MAX_WIDTH && crop.height() <= MAX_HEIGHT);
        assert!(crop.height() >= 40, "{:?}", crop.dimensions());
        let dark = crop.pixels().filter(|p| p.0[0] < 100).count();
        let light = crop.pixels().filter(|p| p.0[0] > 200).count();
        assert!(dark > 100 && light > 100, "{dark} dark, {light} light");
        assert!(png.len() < 8 * 1024, "{} bytes", png.len());
    }

    #[test]
    fn a_wide_line_is_scaled_to_fit() {
        let png = line(&page(), [0, 0, 1000, 600]).unwrap();
        let crop = decode(&png);
        assert!(crop.width() <= MAX_WIDTH && crop.height() <= MAX_HEIGHT);
        assert!(crop.height() == MAX_HEIGHT || crop.width() == MAX_WIDTH);
        assert_eq!(line(&page(), [2000, 0, 10, 10]), None);
    }

    #[test]
    fn an_obscured_crop_keeps_no_stroke() {
        let png = line(&page(), [100, 200, 400, 40]).unwrap();
        let obscured = decode(&obscure(&png).unwrap());
        let crop = decode(&png);
        assert_eq!(obscured.dimensions(), crop.dimensions());
        // Strokes 4 px apart inside 12 px blocks: everything is mid-grey
        // or paper, nothing black is left.
        assert!(obscured.pixels().all(|p| p.0[0] > 60), "a stroke survived");
        assert_eq!(obscure(b"not a png"), None);
    }
}
