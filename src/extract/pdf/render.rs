//! PDF pages drawn to grey pixels for OCR, by a well-kept renderer.
//!
//! A page with no text layer (a scan) or whose text was converted to
//! outlines (转曲) holds its words only as pixels or shapes: the OCR stage
//! reads them once the page is drawn. Drawing a PDF page right is a large
//! job (fonts, shadings, transparency, every image filter), so it is left
//! to [`hayro`] (pure Rust, tested on the pdf.js and PDFBox suites) and
//! kept behind this one module: [`PageDrawing`] is all the rest of prepub
//! sees, and another renderer would replace only this file.
//!
//! Pages are drawn late ([`Draw`]): the reader hands the OCR stage a
//! [`PageDrawing`] per page, and the stage draws one page at a time when
//! it reaches it — never with `--no-ocr`, past `--ocr-max-pages` or past
//! the deadline. The renderer parses the file once per document.
//!
//! Fail-closed: a page the renderer cannot open or draw in full (a damaged
//! page, an image it cannot decode, a font it cannot load), or a panic in
//! the renderer, is an `Err` naming the cause, so the page stays `partial`.

use crate::extract::picture::{Draw, Picture, PicturePlace};
use hayro::hayro_interpret::{InterpreterSettings, InterpreterWarning};
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, OnceLock};

/// Resolution pages are drawn at: what Tesseract reads best, and what a
/// scanner writes.
pub const DPI: f32 = 300.0;
/// Longest side drawn, in pixels: past it a huge page (a poster, a map)
/// is drawn at a lower resolution.
const MAX_SIDE: f32 = 16_000.0;
/// PDF user space units per inch.
const POINTS_PER_INCH: f32 = 72.0;

/// The document's bytes and the renderer's view of it, shared by the
/// drawings of its pages.
pub struct Renderer {
    data: Arc<Vec<u8>>,
    password: String,
    /// Pages the reader found; the renderer must find as many, or its
    /// page N might not be the reader's.
    pages: usize,
    pdf: OnceLock<Result<Pdf, String>>,
}

impl Renderer {
    /// A renderer for the PDF `bytes` (copied once, for pages drawn after
    /// the reader is done), opened with `password` when it is encrypted.
    pub fn new(bytes: &[u8], password: Option<&str>, pages: usize) -> Arc<Renderer> {
        Arc::new(Renderer {
            data: Arc::new(bytes.to_vec()),
            password: password.unwrap_or_default().to_owned(),
            pages,
            pdf: OnceLock::new(),
        })
    }

    fn pdf(&self) -> Result<&Pdf, String> {
        let opened = self.pdf.get_or_init(|| {
            let opened = catch_unwind(AssertUnwindSafe(|| {
                Pdf::new_with_password(Arc::clone(&self.data), &self.password)
            }));
            match opened {
                Ok(Ok(pdf)) if pdf.pages().len() == self.pages => Ok(pdf),
                Ok(Ok(pdf)) => Err(format!(
                    "the renderer finds {} pages where the reader found {}",
                    pdf.pages().len(),
                    self.pages
                )),
                Ok(Err(why)) => Err(format!("the renderer cannot open the file ({why:?})")),
                Err(panic) => Err(format!(
                    "the renderer failed opening the file ({})",
                    panic_message(&panic)
                )),
            }
        });
        opened.as_ref().map_err(Clone::clone)
    }
}

/// One page of a [`Renderer`]'s document, to be drawn.
pub struct PageDrawing {
    renderer: Arc<Renderer>,
    /// 1-based, as the reader numbers pages.
    number: u32,
}

impl PageDrawing {
    pub fn new(renderer: &Arc<Renderer>, number: u32) -> PageDrawing {
        PageDrawing {
            renderer: Arc::clone(renderer),
            number,
        }
    }

    fn render(&self, max_pixels: u64) -> Result<Picture, String> {
        let pdf = self.renderer.pdf()?;
        let index = (self.number as usize)
            .checked_sub(1)
            .ok_or("page 0 does not exist")?;
        let page = pdf
            .pages()
            .get(index)
            .ok_or_else(|| format!("the renderer has no page {}", self.number))?;
        let (width, height) = page.render_dimensions();
        let scale = scale_for(width, height, max_pixels)?;
        let warnings: Arc<Mutex<Vec<InterpreterWarning>>> = Arc::default();
        let sink = Arc::clone(&warnings);
        let settings = InterpreterSettings {
            warning_sink: Arc::new(move |warning| {
                if let Ok(mut seen) = sink.lock() {
                    seen.push(warning);
                }
            }),
            ..InterpreterSettings::default()
        };
        let pixmap = hayro::render(
            page,
            &RenderCache::new(),
            &settings,
            &RenderSettings::default(),
            &PixmapSettings {
                x_scale: scale,
                y_scale: scale,
                bg_color: WHITE,
            },
        );
        let seen = warnings.lock().map(|seen| seen.clone()).unwrap_or_default();
        if let Some(why) = seen.iter().find_map(|warning| incomplete(*warning)) {
            return Err(format!("the renderer could not draw all of it: {why}"));
        }
        let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        if w == 0 || h == 0 {
            return Err(format!("the renderer drew {w} × {h} pixels"));
        }
        let pixels: Vec<u8> = pixmap
            .data()
            .iter()
            .map(|px| {
                let luma = u32::from(px.r) * 299 + u32::from(px.g) * 587 + u32::from(px.b) * 114;
                // Premultiplied over white: what is not covered is paper.
                let covered = (luma + 500) / 1000;
                (covered + (255 - u32::from(px.a))).min(255) as u8
            })
            .collect();
        Ok(Picture::gray(
            PicturePlace::rendered_page(self.number),
            w,
            h,
            pixels,
        ))
    }
}

impl Draw for PageDrawing {
    fn draw(&self, max_pixels: u64) -> Result<Picture, String> {
        catch_unwind(AssertUnwindSafe(|| self.render(max_pixels))).unwrap_or_else(|panic| {
            Err(format!(
                "the renderer failed on the page ({})",
                panic_message(&panic)
            ))
        })
    }
}

/// What a warning of the renderer leaves out of the drawn page, when it
/// leaves something out that could hold text.
fn incomplete(warning: InterpreterWarning) -> Option<&'static str> {
    match warning {
        InterpreterWarning::ImageDecodeFailure => Some("an image on the page could not be decoded"),
        InterpreterWarning::UnsupportedFont => Some("a font on the page could not be loaded"),
        // An annotation's appearance: annotations are read as text by
        // the reader.
        InterpreterWarning::UnresolvedAnnotationAppearance => None,
        // A kind of warning newer than this code: fail closed.
        _ => Some("the renderer warned of something it left out"),
    }
}

/// The scale from points to pixels: [`DPI`], lowered so that the page fits
/// `max_pixels` (`--max-image-pixels`) and [`MAX_SIDE`].
fn scale_for(width: f32, height: f32, max_pixels: u64) -> Result<f32, String> {
    if !(width.is_finite() && height.is_finite() && width >= 1.0 && height >= 1.0) {
        return Err(format!("a page of {width} × {height} pt cannot be drawn"));
    }
    let mut scale = DPI / POINTS_PER_INCH;
    let pixels = f64::from(width * scale) * f64::from(height * scale);
    if pixels > max_pixels as f64 {
        scale *= (max_pixels as f64 / pixels).sqrt() as f32;
    }
    scale = scale.min(MAX_SIDE / width.max(height));
    if width * scale < 1.0 || height * scale < 1.0 {
        return Err(format!(
            "a page of {width} × {height} pt does not fit --max-image-pixels"
        ));
    }
    Ok(scale)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Request;
    use crate::extract::limits::{Deadline, Limits};
    use crate::extract::picture::PictureFormat;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/ocr")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The pictures the PDF reader hands over for `name`.
    fn pages_of(name: &str) -> Vec<Picture> {
        let bytes = fixture(name);
        let request = Request {
            bytes: &bytes,
            name,
            limits: &Limits::default(),
            deadline: Deadline::never(),
            passwords: &[],
        };
        super::super::extract(&request).pictures
    }

    fn draw(picture: &Picture, max_pixels: u64) -> Result<Picture, String> {
        picture
            .drawing
            .as_ref()
            .expect("a page to draw")
            .draw(max_pixels)
    }

    /// Share of dark pixels in a grey drawing.
    fn ink(picture: &Picture) -> f64 {
        let dark = picture.bytes.iter().filter(|&&v| v < 128).count();
        dark as f64 / picture.bytes.len().max(1) as f64
    }

    #[test]
    fn a_scanned_page_is_handed_over_and_drawn_at_300_dpi_in_grey() {
        let pages = pages_of("scan.pdf");
        // Page 1 has a text layer; page 2 is the scan.
        assert_eq!(pages.len(), 1, "{pages:?}");
        assert_eq!(pages[0].place, PicturePlace::rendered_page(2));
        let drawn = draw(&pages[0], 64_000_000).unwrap();
        let PictureFormat::Gray { width, height } = drawn.format else {
            panic!("not grey: {:?}", drawn.format);
        };
        assert_eq!((width, height), (2479, 3508));
        assert_eq!(drawn.bytes.len(), 2479 * 3508);
        let share = ink(&drawn);
        assert!(share > 0.005 && share < 0.2, "{share}");
        // Under a lower pixel cap the same page is drawn smaller.
        let small = draw(&pages[0], 1_000_000).unwrap();
        assert!(small.bytes.len() <= 1_000_000, "{}", small.bytes.len());
    }

    #[test]
    fn text_converted_to_outlines_is_drawn() {
        let pages = pages_of("outlined.pdf");
        assert_eq!(pages.len(), 1, "{pages:?}");
        let drawn = draw(&pages[0], 64_000_000).unwrap();
        let share = ink(&drawn);
        assert!(share > 0.005 && share < 0.2, "{share}");
    }

    #[test]
    fn a_page_the_renderer_cannot_draw_in_full_is_an_error_naming_why() {
        let pages = pages_of("render-broken.pdf");
        assert_eq!(pages.len(), 1, "{pages:?}");
        let why = draw(&pages[0], 64_000_000).unwrap_err();
        assert_eq!(
            why,
            "the renderer could not draw all of it: an image on the page could not be decoded"
        );
    }

    #[test]
    fn a_renderer_that_sees_other_pages_than_the_reader_draws_nothing() {
        let bytes = fixture("scan.pdf");
        let renderer = Renderer::new(&bytes, None, 3);
        let why = PageDrawing::new(&renderer, 2).draw(64_000_000).unwrap_err();
        assert_eq!(why, "the renderer finds 2 pages where the reader found 3");
        let garbage = Renderer::new(b"%PDF-1.4 not a PDF", None, 1);
        let why = PageDrawing::new(&garbage, 1).draw(64_000_000).unwrap_err();
        assert!(
            why.starts_with("the renderer cannot open the file"),
            "{why}"
        );
    }

    #[test]
    fn a4_is_drawn_at_300_dpi_and_huge_pages_lower() {
        let a4 = scale_for(595.0, 842.0, 64_000_000).unwrap();
        assert!((a4 - 300.0 / 72.0).abs() < 1e-4);
        // 10 megapixels at most: an A4 page at about 320 × 450 × 7.
        let capped = scale_for(595.0, 842.0, 1_000_000).unwrap();
        let pixels = (595.0 * capped) * (842.0 * capped);
        assert!(pixels <= 1_000_000.0 && pixels > 950_000.0, "{pixels}");
        // A 5 m poster keeps to the longest side.
        let poster = scale_for(14_000.0, 14_000.0, u64::MAX).unwrap();
        assert!(14_000.0 * poster <= MAX_SIDE + 0.5);
        assert!(scale_for(f32::NAN, 842.0, 1000).is_err());
        assert!(scale_for(0.0, 842.0, 1000).is_err());
    }
}
