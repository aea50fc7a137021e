//! Failed redactions: text still in the text layer under a black box.
//!
//! The most damaging leak in a published PDF is a "redaction" made by
//! drawing a black rectangle over the text: the page looks redacted, the
//! text is still there for anyone to copy. This follows the Free Law
//! Project's x-ray check, with the interpreter's painting order in place of
//! rendering:
//! - a glyph is hidden when an opaque dark fill (rectangle, rounded box,
//!   image mask, dark image) drawn *after* it covers most of its box, and
//!   the topmost such fill is dark (a white box on top is not a black box);
//! - a box over whitespace hides nothing; text drawn after (on top of) the
//!   box is visible; thin rules and light table shading are not boxes;
//! - placeholders (`XXXX`, a single character) are not reported.
//!
//! Unapplied Redact annotations and dark annotation boxes or highlights over
//! text are reported the same way.

use super::content::{Context, Fill, FillKind, GlyphBox, PageContent, Rect};
use super::geometry::{CoverArea, DARK};
use super::layout;
use super::objects::{get, get_number};
use lopdf::Object;
use std::collections::{HashMap, HashSet};

/// Share of a glyph's box a fill must cover to hide it (x-ray: 80%).
const COVERED: f64 = 0.8;
/// Share of a glyph's box an annotation must cover.
const ANNOTATION_COVERED: f64 = 0.5;
/// Annotation covers checked per page.
const MAX_ANNOTATION_COVERS: usize = 1000;
/// Boxes thinner than this (device units) are rules, not redactions.
const MIN_SIDE: f64 = 4.0;
/// Images larger than this share of the page are scans, not boxes.
const MAX_IMAGE_SHARE: f64 = 0.5;
/// Pixels read to decide an image is a dark box.
const MAX_IMAGE_PIXELS: u64 = 4_000_000;

/// Text found under a cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub text: String,
    /// What covers it, in words for the notice.
    pub cover: &'static str,
    pub annotation: bool,
}

/// What a fill's own properties say about it as a black box.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Candidate {
    Dark,
    /// An image XObject that is dark only if its pixels are: decided when a
    /// glyph is found under it, since decoding images is the expensive part.
    Image(lopdf::ObjectId),
    No,
}

fn candidate(fill: &Fill, page_area: f64) -> Candidate {
    if fill.rect.width() <= MIN_SIDE || fill.rect.height() <= MIN_SIDE {
        return Candidate::No;
    }
    let dark = |luminance: f32| {
        if f64::from(luminance) <= DARK {
            Candidate::Dark
        } else {
            Candidate::No
        }
    };
    match (fill.kind, fill.luminance) {
        (FillKind::Path, Some(luminance)) => dark(luminance),
        (FillKind::Image(_) | FillKind::InlineImage, _)
            if fill.rect.area() > MAX_IMAGE_SHARE * page_area =>
        {
            Candidate::No
        }
        (_, Some(luminance)) => dark(luminance),
        (FillKind::Image(Some(id)), None) => Candidate::Image(id),
        _ => Candidate::No,
    }
}

/// Text hidden under dark fills drawn over it.
pub fn under_fills(context: &Context<'_>, content: &PageContent) -> Vec<Hidden> {
    let page_area = content
        .page_box
        .map(|rect| rect.area())
        .unwrap_or(f64::INFINITY);
    let candidates: Vec<Candidate> = content
        .fills
        .iter()
        .map(|fill| candidate(fill, page_area))
        .collect();
    let maybe_dark: Vec<usize> = (0..content.fills.len())
        .filter(|&index| candidates[index] != Candidate::No)
        .collect();
    if maybe_dark.is_empty() {
        return Vec::new();
    }
    let dark = Grid::new(&content.fills, maybe_dark);
    // The same image drawn twice is decoded once.
    let mut image_darkness: HashMap<lopdf::ObjectId, bool> = HashMap::new();
    let mut is_dark = |index: usize| match candidates[index] {
        Candidate::Dark => true,
        Candidate::Image(id) => *image_darkness
            .entry(id)
            .or_insert_with(|| image_is_dark(context, id)),
        Candidate::No => false,
    };
    let light = Grid::new(
        &content.fills,
        (0..content.fills.len())
            .filter(|&index| {
                content.fills[index]
                    .luminance
                    .is_some_and(|l| f64::from(l) > DARK)
            })
            .collect(),
    );

    // Each hidden glyph goes to the topmost fill that hides it.
    let mut by_cover: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (glyph_index, glyph) in content.glyphs.iter().enumerate() {
        if glyph.text_len == 0 || content.glyph_text(glyph).trim().is_empty() {
            continue;
        }
        let core = ink_box(glyph);
        let area = core.area();
        if area <= 0.0 {
            continue;
        }
        let hides = |fill: &Fill| {
            let over = fill.seq > glyph.seq || same_color(glyph, fill);
            over && fill.rect.intersection_area(&core) / area > COVERED
        };
        let Some(cover) = dark
            .near(&core)
            .filter(|&index| hides(&content.fills[index]) && is_dark(index))
            .max_by_key(|&index| content.fills[index].seq)
        else {
            continue;
        };
        // A lighter opaque fill painted over the dark one shows light, not
        // a black box.
        let cover_seq = content.fills[cover].seq;
        let lighter_on_top = light.near(&core).any(|index| {
            let fill = &content.fills[index];
            fill.seq > cover_seq && fill.rect.intersection_area(&core) / area > COVERED
        });
        if !lighter_on_top {
            by_cover.entry(cover).or_default().insert(glyph_index);
        }
    }

    let mut covers: Vec<(usize, HashSet<usize>)> = by_cover.into_iter().collect();
    covers.sort_by_key(|(cover, _)| content.fills[*cover].seq);
    let mut out = Vec::new();
    for (cover, glyphs) in covers {
        let text = hidden_text(content, &glyphs);
        if reportable(&text) {
            out.push(Hidden {
                text,
                cover: match content.fills[cover].kind {
                    FillKind::Path => "a filled dark box",
                    FillKind::Image(_) | FillKind::InlineImage => "a dark image",
                },
                annotation: false,
            });
        }
    }
    merge_adjacent(out)
}

/// Fills bucketed by position, so each glyph is compared with the fills
/// near it only: a page of ten thousand black squares (a vector QR code, a
/// chart) must not cost ten thousand comparisons per glyph.
struct Grid {
    cells: HashMap<(i64, i64), Vec<usize>>,
    /// Fills too large for the grid, compared with every glyph.
    large: Vec<usize>,
}

/// Side of a grid cell in points.
const CELL: f64 = 64.0;
/// A fill spanning more cells than this goes to the `large` list.
const MAX_CELLS: i64 = 64;

impl Grid {
    fn new(fills: &[Fill], indices: Vec<usize>) -> Grid {
        let mut grid = Grid {
            cells: HashMap::new(),
            large: Vec::new(),
        };
        for index in indices {
            let (x0, y0, x1, y1) = cell_range(&fills[index].rect);
            if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS {
                grid.large.push(index);
                continue;
            }
            for x in x0..=x1 {
                for y in y0..=y1 {
                    grid.cells.entry((x, y)).or_default().push(index);
                }
            }
        }
        grid
    }

    /// Fills that may overlap `rect` (each once).
    fn near(&self, rect: &Rect) -> impl Iterator<Item = usize> + '_ {
        let (x0, y0, x1, y1) = cell_range(rect);
        let mut found: Vec<usize> = self.large.clone();
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_CELLS {
            for x in x0..=x1 {
                for y in y0..=y1 {
                    if let Some(cell) = self.cells.get(&(x, y)) {
                        found.extend_from_slice(cell);
                    }
                }
            }
        } else {
            found.extend(self.cells.values().flatten().copied());
        }
        found.sort_unstable();
        found.dedup();
        found.into_iter()
    }
}

fn cell_range(rect: &Rect) -> (i64, i64, i64, i64) {
    let cell = |value: f64| (value / CELL).floor().clamp(-1e6, 1e6) as i64;
    (cell(rect.x0), cell(rect.y0), cell(rect.x1), cell(rect.y1))
}

/// Text under annotations that cover it (unapplied Redact annotations, dark
/// boxes, dark highlights).
pub fn under_annotations(content: &PageContent, covers: &[CoverArea]) -> Vec<Hidden> {
    let mut out = Vec::new();
    // Each cover is compared with every glyph; a page of thousands of
    // annotations is hostile, and the first ones are read.
    for cover in covers.iter().take(MAX_ANNOTATION_COVERS) {
        let glyphs: HashSet<usize> = content
            .glyphs
            .iter()
            .enumerate()
            .filter(|(_, glyph)| {
                let core = ink_box(glyph);
                let area = core.area();
                area > 0.0 && cover.rect.intersection_area(&core) / area > ANNOTATION_COVERED
            })
            .map(|(index, _)| index)
            .collect();
        let text = hidden_text(content, &glyphs);
        if reportable(&text) {
            out.push(Hidden {
                text,
                cover: cover.kind,
                annotation: true,
            });
        }
    }
    out
}

/// Fills that are really one box drawn in strips produce one finding each;
/// the same text under two boxes is reported once.
fn merge_adjacent(findings: Vec<Hidden>) -> Vec<Hidden> {
    let mut out: Vec<Hidden> = Vec::new();
    for finding in findings {
        if !out.iter().any(|existing| existing.text == finding.text) {
            out.push(finding);
        }
    }
    out
}

fn hidden_text(content: &PageContent, glyphs: &HashSet<usize>) -> String {
    let lines = layout::lines(content, |index, _| glyphs.contains(&index));
    lines
        .into_iter()
        .map(|line| line.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// x-ray's text filters: something readable that is not a placeholder.
fn reportable(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|ch| !ch.is_whitespace()).collect();
    if chars.len() < 2 || chars.contains(&'\u{FFFD}') {
        return false;
    }
    if !chars.iter().any(|ch| ch.is_alphanumeric()) {
        return false;
    }
    let first = chars[0].to_lowercase().next();
    !chars.iter().all(|ch| ch.to_lowercase().next() == first)
}

/// The part of a glyph's box that holds ink: the font's ascent-to-descent
/// box less its margins (side bearings, the space above capitals and below
/// most letters). A box drawn over a line of text covers this, even where
/// fonts declare tall ascents.
fn ink_box(glyph: &GlyphBox) -> Rect {
    let bbox = glyph.bbox;
    let (dx, dy) = (bbox.width() * 0.1, bbox.height() * 0.15);
    Rect {
        x0: bbox.x0 + dx,
        y0: bbox.y0 + dy,
        x1: bbox.x1 - dx,
        y1: bbox.y1 - dy,
    }
}

/// Text painted in the same colour as the box cannot be seen on it even if
/// painted on top.
fn same_color(glyph: &GlyphBox, fill: &Fill) -> bool {
    match (glyph.color, fill.luminance) {
        (Some(text), Some(box_color)) => (text - box_color).abs() < 0.01 && !glyph.invisible,
        _ => false,
    }
}

/// Whether an image XObject is (nearly) all dark pixels.
fn image_is_dark(context: &Context<'_>, id: lopdf::ObjectId) -> bool {
    let doc = context.doc;
    let Ok(Object::Stream(stream)) = doc.get_object(id) else {
        return false;
    };
    let dict = &stream.dict;
    let width = get_number(doc, dict, b"Width").unwrap_or(0.0).max(0.0) as u64;
    let height = get_number(doc, dict, b"Height").unwrap_or(0.0).max(0.0) as u64;
    let bits = get_number(doc, dict, b"BitsPerComponent").unwrap_or(8.0) as u64;
    if width == 0
        || height == 0
        || width.saturating_mul(height) > MAX_IMAGE_PIXELS
        || !(bits == 8 || bits == 1)
    {
        return false;
    }
    // Only filters lopdf decodes (not DCT/JPX/JBIG2).
    let filters = stream.filters().unwrap_or_default();
    if filters.iter().any(|filter| {
        !matches!(
            *filter,
            b"FlateDecode"
                | b"LZWDecode"
                | b"ASCII85Decode"
                | b"ASCIIHexDecode"
                | b"RunLengthDecode"
        )
    }) {
        return false;
    }
    let components = match get(doc, dict, b"ColorSpace") {
        Some(Object::Name(name)) => match name.as_slice() {
            b"DeviceGray" | b"CalGray" => 1,
            b"DeviceRGB" | b"CalRGB" => 3,
            b"DeviceCMYK" => 4,
            _ => return false,
        },
        Some(Object::Array(items)) if get_name_of(doc, items.first()) == Some(b"ICCBased") => {
            match items
                .get(1)
                .and_then(|item| super::objects::resolve(doc, item))
                .and_then(super::objects::as_dict)
                .and_then(|d| get_number(doc, d, b"N"))
            {
                Some(n) => match n as i64 {
                    1 => 1,
                    3 => 3,
                    4 => 4,
                    _ => return false,
                },
                None => return false,
            }
        }
        _ => return false,
    };
    let restored;
    let stream = if super::elided::is_elided(stream) {
        match super::elided::restore(context.source, doc, id, stream) {
            Some(stream) => {
                restored = stream;
                &restored
            }
            None => return false,
        }
    } else {
        stream
    };
    let Ok(data) = context.budget.decode(stream) else {
        return false;
    };
    let decode_inverted = matches!(get(doc, dict, b"Decode"), Some(Object::Array(items)) if items.first().and_then(super::objects::number) == Some(1.0));
    let mut dark = 0u64;
    let mut total = 0u64;
    if bits == 1 {
        if components != 1 {
            return false;
        }
        let row = width.div_ceil(8) as usize;
        for line in data.chunks(row).take(height as usize) {
            for x in 0..width as usize {
                let bit = line
                    .get(x / 8)
                    .map(|byte| byte >> (7 - x % 8) & 1)
                    .unwrap_or(1);
                let black = (bit == 0) != decode_inverted;
                dark += u64::from(black);
                total += 1;
            }
        }
    } else {
        for pixel in data
            .chunks_exact(components)
            .take((width * height) as usize)
        {
            let value = |i: usize| f64::from(pixel[i]) / 255.0;
            let luminance = match components {
                1 => value(0),
                3 => 0.299 * value(0) + 0.587 * value(1) + 0.114 * value(2),
                _ => {
                    let k = value(3);
                    0.299 * (1.0 - value(0)) * (1.0 - k)
                        + 0.587 * (1.0 - value(1)) * (1.0 - k)
                        + 0.114 * (1.0 - value(2)) * (1.0 - k)
                }
            };
            let luminance = if decode_inverted {
                1.0 - luminance
            } else {
                luminance
            };
            dark += u64::from(luminance <= DARK);
            total += 1;
        }
    }
    total > 0 && dark as f64 >= 0.95 * total as f64
}

fn get_name_of<'a>(doc: &'a lopdf::Document, object: Option<&'a Object>) -> Option<&'a [u8]> {
    match super::objects::resolve(doc, object?)? {
        Object::Name(name) => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{content, elided, load, streams::Budget};
    use super::*;
    use crate::extract::limits::{Deadline, Limits};
    use lopdf::{Document, Stream, dictionary};

    /// Gray pixels: large enough for the image to be left in the file.
    const SIDE: usize = 320;

    /// A saved one-page PDF: a line of text and an 8-bit gray image of one
    /// `shade`, drawn over the text when `image_on_top`, else under it.
    fn pdf_with_image(shade: u8, image_on_top: bool) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => SIDE as i64,
                "Height" => SIDE as i64, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            vec![shade; SIDE * SIDE],
        ));
        let text = "BT /F1 12 Tf 72 700 Td (Secret 12345) Tj ET";
        let box_ = "q 110 0 0 20 68 694 cm /Im0 Do Q";
        let drawing = if image_on_top {
            format!("{text} {box_}")
        } else {
            format!("{box_} {text}")
        };
        let contents = doc.add_object(Stream::new(dictionary! {}, drawing.into_bytes()));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents,
            "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
            "Resources" => dictionary! {
                "Font" => dictionary! { "F1" => font },
                "XObject" => dictionary! { "Im0" => image },
            },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    /// Opens `bytes` as the extractor does and checks the page's fills, with
    /// the image data read back from `source`; also says whether the image
    /// was left in the file and whether the budget was hit.
    fn check(bytes: &[u8], source: &[u8], limits: &Limits) -> (Vec<Hidden>, bool, bool) {
        let opened = load::open(bytes, limits, &[]).unwrap();
        let doc = &opened.doc;
        let elided = doc
            .objects
            .values()
            .any(|object| matches!(object, Object::Stream(stream) if elided::is_elided(stream)));
        let budget = Budget::new(limits);
        let context = Context::new(doc, &budget, Deadline::never(), 16).with_source(source);
        let page = *doc.get_pages().values().next().unwrap();
        let content = content::interpret_page(&context, page);
        let hidden = under_fills(&context, &content);
        (hidden, elided, !budget.hits().is_empty())
    }

    #[test]
    fn a_dark_image_left_in_the_file_is_read_back_and_judged_dark() {
        let bytes = pdf_with_image(0, true);
        let (hidden, elided, _) = check(&bytes, &bytes, &Limits::default());
        assert!(elided, "the image data stays in the file");
        assert_eq!(hidden.len(), 1, "{hidden:?}");
        assert_eq!(hidden[0].text, "Secret 12345");
        assert_eq!(hidden[0].cover, "a dark image");
    }

    #[test]
    fn a_light_image_left_in_the_file_hides_nothing() {
        let bytes = pdf_with_image(230, true);
        let (hidden, elided, _) = check(&bytes, &bytes, &Limits::default());
        assert!(elided);
        assert!(hidden.is_empty(), "{hidden:?}");
    }

    #[test]
    fn junk_before_the_header_does_not_shift_the_image_data() {
        let mut bytes = b"junk from a mail gateway\r\n".to_vec();
        bytes.extend(pdf_with_image(0, true));
        let (hidden, elided, _) = check(&bytes, &bytes, &Limits::default());
        assert!(elided);
        assert_eq!(hidden.len(), 1, "{hidden:?}");
    }

    #[test]
    fn image_data_that_does_not_match_what_was_loaded_is_not_used() {
        let bytes = pdf_with_image(0, true);
        let mut other = bytes.clone();
        let start = other
            .windows(SIDE * 4)
            .position(|w| w.iter().all(|&b| b == 0))
            .unwrap();
        other[start + 10] = 0xFF;
        let (hidden, elided, _) = check(&bytes, &other, &Limits::default());
        assert!(elided);
        assert!(hidden.is_empty(), "{hidden:?}");
    }

    #[test]
    fn an_image_is_decoded_only_when_text_lies_under_it() {
        // A budget too small for the image: decoding it is recorded as a hit.
        let limits = Limits {
            max_document_bytes: (SIDE * SIDE / 2) as u64,
            ..Limits::default()
        };
        let (hidden, _, decoded) = check(&pdf_with_image(0, true), &[], &limits);
        // Its data cannot be found in an empty source: nothing decoded.
        assert!(hidden.is_empty() && !decoded);
        let bytes = pdf_with_image(0, true);
        let (_, _, decoded) = check(&bytes, &bytes, &limits);
        assert!(decoded, "the image over the text is decoded");
        let bytes = pdf_with_image(0, false);
        let (hidden, _, decoded) = check(&bytes, &bytes, &limits);
        assert!(hidden.is_empty());
        assert!(!decoded, "the image under the text is not decoded");
    }

    #[test]
    fn placeholder_text_is_not_reported() {
        assert!(reportable("11010519491231002X"));
        assert!(reportable("张三"));
        assert!(!reportable("XXXX"));
        assert!(!reportable("x X x"));
        assert!(!reportable("a"));
        assert!(!reportable("  "));
        assert!(!reportable("--"));
        assert!(!reportable("a\u{FFFD}"));
    }
}
