//! PDF pages drawn to pixels for OCR, by a well-kept renderer.
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

use super::content::Rect;
use crate::extract::picture::{Draw, Picture, PicturePlace};
use hayro::hayro_interpret::{InterpreterSettings, InterpreterWarning, TransformExt};
use hayro::hayro_syntax::Pdf;
use hayro::hayro_syntax::page::Page;
use hayro::kurbo::{Affine, Point};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::{Pixmap, RasterizerSettings, RenderContext, Resources, TargetInit};
use hayro::{RenderCache, RenderSettings};
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

    /// Page `number` (1-based, as the reader numbers pages).
    fn page(&self, number: u32) -> Result<&Page<'_>, String> {
        let pdf = self.pdf()?;
        let index = (number as usize)
            .checked_sub(1)
            .ok_or("page 0 does not exist")?;
        pdf.pages()
            .get(index)
            .ok_or_else(|| format!("the renderer has no page {number}"))
    }
}

/// One page of a [`Renderer`]'s document, to be drawn.
pub struct PageDrawing {
    renderer: Arc<Renderer>,
    /// 1-based, as the reader numbers pages.
    number: u32,
    /// The largest picture the page paints, as it claims (`/Width` ×
    /// `/Height`): the renderer decodes it whole, so one over the pixel
    /// limit is refused before drawing.
    largest_picture: Option<(u32, u32)>,
}

impl PageDrawing {
    pub fn new(
        renderer: &Arc<Renderer>,
        number: u32,
        largest_picture: Option<(u32, u32)>,
    ) -> PageDrawing {
        PageDrawing {
            renderer: Arc::clone(renderer),
            number,
            largest_picture,
        }
    }

    fn render(&self, max_pixels: u64) -> Result<Picture, String> {
        within_limit(self.largest_picture, max_pixels)?;
        let page = self.renderer.page(self.number)?;
        let (width, height) = page.render_dimensions();
        let scale = scale_for(width, height, max_pixels)?;
        let transform = Affine::scale(f64::from(scale)) * page.initial_transform(true).to_kurbo();
        let (w, h) = (
            (width * scale).floor() as u16,
            (height * scale).floor() as u16,
        );
        let pixels = draw_into(page, transform, w, h, Fonts::Needed)?;
        Ok(Picture::rgb(
            PicturePlace::rendered_page(self.number),
            u32::from(w),
            u32::from(h),
            pixels,
        ))
    }
}

/// One picture on a page that has a text layer, drawn where it lands: the
/// page is drawn through a window the size of the picture's box, so what
/// the clerk sees there — the picture, and anything printed over it — is
/// what the OCR stage reads. Rendering, not decoding, is how every image
/// filter (DCT, JPX, Flate, CCITT, JBIG2), colour space, mask and
/// transform is handled the way a viewer shows it.
pub struct ImageDrawing {
    renderer: Arc<Renderer>,
    number: u32,
    /// The picture's box in user space.
    rect: Rect,
    /// The picture's own size in pixels, when known: it is drawn at no
    /// more than its own resolution.
    pixels: Option<(u32, u32)>,
    place: PicturePlace,
}

impl ImageDrawing {
    pub fn new(
        renderer: &Arc<Renderer>,
        number: u32,
        rect: Rect,
        pixels: Option<(u32, u32)>,
        place: PicturePlace,
    ) -> ImageDrawing {
        ImageDrawing {
            renderer: Arc::clone(renderer),
            number,
            rect,
            pixels,
            place,
        }
    }

    fn render(&self, max_pixels: u64) -> Result<Picture, String> {
        within_limit(self.pixels, max_pixels)?;
        let page = self.renderer.page(self.number)?;
        let to_page = page.initial_transform(true).to_kurbo();
        // The picture's box in page space (points, y down, rotation
        // applied), clipped to the page.
        let corners = [
            (self.rect.x0, self.rect.y0),
            (self.rect.x1, self.rect.y0),
            (self.rect.x0, self.rect.y1),
            (self.rect.x1, self.rect.y1),
        ]
        .map(|(x, y)| to_page * Point::new(x, y));
        let (page_w, page_h) = page.render_dimensions();
        let left = corners
            .iter()
            .map(|p| p.x)
            .fold(f64::INFINITY, f64::min)
            .max(0.0);
        let top = corners
            .iter()
            .map(|p| p.y)
            .fold(f64::INFINITY, f64::min)
            .max(0.0);
        let right = corners
            .iter()
            .map(|p| p.x)
            .fold(f64::NEG_INFINITY, f64::max)
            .min(f64::from(page_w));
        let bottom = corners
            .iter()
            .map(|p| p.y)
            .fold(f64::NEG_INFINITY, f64::max)
            .min(f64::from(page_h));
        let (box_w, box_h) = (right - left, bottom - top);
        if !(box_w > 0.0 && box_h > 0.0) {
            return Err(String::from("the picture lies outside the page"));
        }
        let mut scale = scale_for(box_w as f32, box_h as f32, max_pixels)?;
        if let Some((w, h)) = self.pixels
            && w > 0
            && h > 0
        {
            // At most its own resolution (at least one pixel a side): the
            // pixels the picture has, as a picture in any other format is
            // read — drawing a screenshot larger only blurs it (a roster
            // drawn at 300 dpi read 0 as O), and a bullet drawn at its own
            // size is judged by what it is.
            let own = (f64::from(w) / box_w).max(f64::from(h) / box_h) as f32;
            scale = scale.min(own.max(1.0 / box_w.min(box_h) as f32));
        }
        let scale = f64::from(scale);
        let (w, h) = (
            ((box_w * scale).round() as u16).max(1),
            ((box_h * scale).round() as u16).max(1),
        );
        let transform =
            Affine::translate((-left * scale, -top * scale)) * Affine::scale(scale) * to_page;
        // Text printed over the picture is in the text layer, read as the
        // page's text: a font the renderer lacks leaves only that text
        // out of the drawing, never the picture.
        let pixels = draw_into(page, transform, w, h, Fonts::FromTextLayer)?;
        Ok(Picture::rgb(
            self.place.clone(),
            u32::from(w),
            u32::from(h),
            pixels,
        ))
    }
}

impl Draw for ImageDrawing {
    fn draw(&self, max_pixels: u64) -> Result<Picture, String> {
        catch_unwind(AssertUnwindSafe(|| self.render(max_pixels))).unwrap_or_else(|panic| {
            Err(format!(
                "the renderer failed on the picture ({})",
                panic_message(&panic)
            ))
        })
    }
}

/// Refuses a picture claiming more pixels than `--max-image-pixels`: the
/// renderer would decode all of them (a few bytes claiming 4,000,000,000
/// pixels a side took 4 GB before the renderer gave up).
fn within_limit(pixels: Option<(u32, u32)>, max_pixels: u64) -> Result<(), String> {
    match pixels {
        Some((w, h)) if u64::from(w) * u64::from(h) > max_pixels => Err(format!(
            "a picture on the page claims {w} × {h} pixels, over the limit of {} megapixels (--max-image-pixels); not drawn",
            max_pixels / 1_000_000
        )),
        _ => Ok(()),
    }
}

/// Whether a font the renderer cannot load leaves text unread.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fonts {
    /// The drawing is the only reading of the page's text.
    Needed,
    /// The page's text was read from its text layer.
    FromTextLayer,
}

/// Draws `page` under `transform` into `w × h` RGB pixels over white;
/// `Err` when the renderer says it left out something that could hold
/// text.
fn draw_into(
    page: &Page<'_>,
    transform: Affine,
    w: u16,
    h: u16,
    fonts: Fonts,
) -> Result<Vec<u8>, String> {
    if w == 0 || h == 0 {
        return Err(format!("the renderer drew {w} × {h} pixels"));
    }
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
    let mut context = RenderContext::new(w, h);
    hayro::render_into(
        page,
        &RenderCache::new(),
        &settings,
        &RenderSettings::default(),
        &mut context,
        transform,
    );
    context.flush();
    let mut pixmap = Pixmap::new(w, h);
    context.render_with(
        &mut pixmap,
        &mut Resources::default(),
        RasterizerSettings {
            target_init: TargetInit::Clear(WHITE),
            ..Default::default()
        },
    );
    let seen = warnings.lock().map(|seen| seen.clone()).unwrap_or_default();
    let left_out = seen.iter().filter(|warning| {
        fonts == Fonts::Needed || !matches!(warning, InterpreterWarning::UnsupportedFont)
    });
    if let Some(why) = left_out
        .into_iter()
        .find_map(|warning| incomplete(*warning))
    {
        return Err(format!("the renderer could not draw all of it: {why}"));
    }
    // In colour, so that the OCR stage can read red seals and stamps
    // apart; premultiplied over white: what is not covered is paper.
    let mut rgb = Vec::with_capacity(usize::from(w) * usize::from(h) * 3);
    for px in pixmap.data() {
        let paper = 255 - u32::from(px.a);
        for channel in [px.r, px.g, px.b] {
            rgb.push((u32::from(channel) + paper).min(255) as u8);
        }
    }
    Ok(rgb)
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

    /// Share of dark pixels in an RGB drawing.
    fn ink(picture: &Picture) -> f64 {
        let dark = picture
            .bytes
            .chunks_exact(3)
            .filter(|p| u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 3 * 128)
            .count();
        dark as f64 / (picture.bytes.len() / 3).max(1) as f64
    }

    #[test]
    fn a_scanned_page_is_handed_over_and_drawn_at_300_dpi_in_colour() {
        let pages = pages_of("scan.pdf");
        // Page 1 has a text layer; page 2 is the scan.
        assert_eq!(pages.len(), 1, "{pages:?}");
        assert_eq!(pages[0].place, PicturePlace::rendered_page(2));
        let drawn = draw(&pages[0], 64_000_000).unwrap();
        let PictureFormat::Rgb { width, height } = drawn.format else {
            panic!("not grey: {:?}", drawn.format);
        };
        assert_eq!((width, height), (2479, 3508));
        assert_eq!(drawn.bytes.len(), 2479 * 3508 * 3);
        let share = ink(&drawn);
        assert!(share > 0.005 && share < 0.2, "{share}");
        // Under a lower pixel cap the same page is drawn smaller …
        let small = draw(&pages[0], 4_000_000).unwrap();
        assert!(small.bytes.len() <= 12_000_000, "{}", small.bytes.len());
        // … and under one its 1240 × 1754 scan exceeds, not at all.
        let why = draw(&pages[0], 1_000_000).unwrap_err();
        assert!(why.contains("1240 × 1754 pixels"), "{why}");
    }

    #[test]
    fn pictures_beside_a_text_layer_are_drawn_where_they_land() {
        let pictures = pages_of("pasted.pdf");
        assert_eq!(pictures.len(), 2, "{pictures:?}");
        assert_eq!(
            pictures[0].place,
            PicturePlace::new(crate::extract::document::Part::Body, "/Im1").on_page(1)
        );
        // 900 × 260 pixels drawn over 450 × 130 pt: its own 144 dpi.
        let shot = draw(&pictures[0], 64_000_000).unwrap();
        let PictureFormat::Rgb { width, height } = shot.format else {
            panic!("not grey: {:?}", shot.format);
        };
        assert_eq!((width, height), (900, 260));
        let share = ink(&shot);
        assert!(share > 0.01 && share < 0.3, "{share}");
        // The bullet is drawn at its own 12 × 12 pixels, dark in the middle.
        let bullet = draw(&pictures[1], 64_000_000).unwrap();
        assert_eq!(
            bullet.format,
            PictureFormat::Rgb {
                width: 12,
                height: 12
            }
        );
        assert!(bullet.bytes[(6 * 12 + 6) * 3] < 64, "{:?}", bullet.bytes);
        assert!(bullet.bytes[0] > 192, "{:?}", bullet.bytes);
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
        let why = PageDrawing::new(&renderer, 2, None)
            .draw(64_000_000)
            .unwrap_err();
        assert_eq!(why, "the renderer finds 2 pages where the reader found 3");
        let garbage = Renderer::new(b"%PDF-1.4 not a PDF", None, 1);
        let why = PageDrawing::new(&garbage, 1, None)
            .draw(64_000_000)
            .unwrap_err();
        assert!(
            why.starts_with("the renderer cannot open the file"),
            "{why}"
        );
    }

    /// A few bytes claiming 4,000,000,000 pixels a side made the renderer
    /// allocate 4 GB: such a picture is refused before drawing.
    #[test]
    fn a_picture_claiming_more_than_the_pixel_limit_is_not_drawn() {
        assert!(within_limit(None, 64_000_000).is_ok());
        assert!(within_limit(Some((8000, 8000)), 64_000_000).is_ok());
        let why = within_limit(Some((4_000_000_000, 4_000_000_000)), 64_000_000).unwrap_err();
        assert!(why.contains("4000000000 × 4000000000 pixels"), "{why}");
        assert!(within_limit(Some((99_999, 99_999)), 64_000_000).is_err());
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
