//! prepub's content-stream interpreter.
//!
//! lopdf's `extract_text` does not follow form XObjects and breaks lines
//! after every text operator (`shared/docs/libraries.md`), and the failed-
//! redaction check needs to know *where* each glyph is and *what was painted
//! after it*. So this module runs the page's operators itself: graphics state
//! (CTM, fill colour, alpha), text state and matrices, fonts, form XObjects
//! (recursively, with a depth limit and cycle detection), images, filled
//! rectangles, marked content (`/ActualText`, optional-content layers).
//!
//! The output is a [`PageContent`]: every glyph with its text, device-space
//! position and box and its painting order, plus the filled areas and images
//! with theirs. Layout into lines and the redaction check work on that.
//!
//! Hostile content cannot run away: operations per page, glyphs per page and
//! nesting are capped, the document deadline is checked as it goes, and a
//! stop is reported as a problem naming the cause.

use super::fonts::{Font, Glyph};
use super::lexer::{Lexer, Operand};
use super::objects::{
    as_dict, get, get_array, get_dict, get_name, get_number, get_stream, numbers, reference_id,
    resolve,
};
use super::streams::{Budget, DecodeError};
use crate::extract::limits::Deadline;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Operations interpreted for one page (forms included) before giving up.
const MAX_OPERATIONS_PER_PAGE: u64 = 20_000_000;
/// Glyphs kept for one page.
const MAX_GLYPHS_PER_PAGE: usize = 2_000_000;
/// Text kept for one page (`/ActualText` spans can repeat long strings).
const MAX_TEXT_PER_PAGE: usize = 64 * 1024 * 1024;
/// Filled areas kept for one page.
const MAX_FILLS_PER_PAGE: usize = 1_000_000;
/// Graphics-state saves (`q`) kept on the stack.
const MAX_SAVED_STATES: usize = 4096;
/// Marked-content nesting kept.
const MAX_MARKED_CONTENT: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Matrix {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Matrix {
    pub const IDENTITY: Matrix = Matrix {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    /// `self` applied first, then `then`.
    pub fn then(&self, then: &Matrix) -> Matrix {
        Matrix {
            a: self.a * then.a + self.b * then.c,
            b: self.a * then.b + self.b * then.d,
            c: self.c * then.a + self.d * then.c,
            d: self.c * then.b + self.d * then.d,
            e: self.e * then.a + self.f * then.c + then.e,
            f: self.e * then.b + self.f * then.d + then.f,
        }
    }

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.a * x + self.c * y + self.e,
            self.b * x + self.d * y + self.f,
        )
    }

    fn from_numbers(values: &[f64]) -> Option<Matrix> {
        match values {
            [a, b, c, d, e, f] if values.iter().all(|v| v.is_finite()) => Some(Matrix {
                a: *a,
                b: *b,
                c: *c,
                d: *d,
                e: *e,
                f: *f,
            }),
            _ => None,
        }
    }

    fn from_operands(operands: &[Operand]) -> Option<Matrix> {
        let values: Option<Vec<f64>> = operands.iter().map(Operand::number).collect();
        Matrix::from_numbers(&values?)
    }
}

/// An axis-aligned rectangle in device (default user) space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn from_points(points: &[(f64, f64)]) -> Rect {
        let mut rect = Rect {
            x0: f64::INFINITY,
            y0: f64::INFINITY,
            x1: f64::NEG_INFINITY,
            y1: f64::NEG_INFINITY,
        };
        for &(x, y) in points {
            rect.x0 = rect.x0.min(x);
            rect.y0 = rect.y0.min(y);
            rect.x1 = rect.x1.max(x);
            rect.y1 = rect.y1.max(y);
        }
        rect
    }

    /// The rectangle of two corner points, normalized.
    pub fn from_corners(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect::from_points(&[(x0, y0), (x1, y1)])
    }

    pub fn width(&self) -> f64 {
        (self.x1 - self.x0).max(0.0)
    }

    pub fn height(&self) -> f64 {
        (self.y1 - self.y0).max(0.0)
    }

    pub fn area(&self) -> f64 {
        self.width() * self.height()
    }

    pub fn is_finite(&self) -> bool {
        self.x0.is_finite() && self.y0.is_finite() && self.x1.is_finite() && self.y1.is_finite()
    }

    pub fn intersection_area(&self, other: &Rect) -> f64 {
        let width = self.x1.min(other.x1) - self.x0.max(other.x0);
        let height = self.y1.min(other.y1) - self.y0.max(other.y0);
        if width > 0.0 && height > 0.0 {
            width * height
        } else {
            0.0
        }
    }

    fn transformed(&self, matrix: &Matrix) -> Rect {
        Rect::from_points(&[
            matrix.apply(self.x0, self.y0),
            matrix.apply(self.x1, self.y0),
            matrix.apply(self.x0, self.y1),
            matrix.apply(self.x1, self.y1),
        ])
    }
}

/// One glyph as painted.
#[derive(Clone, Debug)]
pub struct GlyphBox {
    /// Byte range of the glyph's text in [`PageContent::text`].
    pub text_start: u32,
    pub text_len: u32,
    /// Device-space origin and the point after its advance.
    pub origin: (f64, f64),
    pub end: (f64, f64),
    /// Device-space height of the font's em.
    pub size: f64,
    /// Unit vector of the writing direction in device space (down the
    /// column for vertical text).
    pub direction: (f64, f64),
    pub bbox: Rect,
    /// Painting order among glyphs, fills and images of the page.
    pub seq: u32,
    /// Luminance (0 black – 1 white) of the fill colour, if known.
    pub color: Option<f32>,
    /// Text render mode 3 or 7: not painted (OCR layers, tricks).
    pub invisible: bool,
    /// The font could not say what this glyph is.
    pub unmapped: bool,
    /// Inside an optional-content group that is off by default.
    pub hidden_layer: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FillKind {
    Path,
    Image(Option<ObjectId>),
    InlineImage,
}

/// An opaque filled area: a filled path's rectangle, or an image.
#[derive(Clone, Debug)]
pub struct Fill {
    pub rect: Rect,
    /// Luminance of the fill (paths, image masks); `None` for images whose
    /// pixels were not examined.
    pub luminance: Option<f32>,
    pub seq: u32,
    pub kind: FillKind,
}

/// One picture the page paints (an image XObject, an inline image or an
/// image mask), where it lands: what the OCR stage is handed when the page
/// has a text layer but pictures besides it (a pasted screenshot, a
/// photographed seal or notice).
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedImage {
    /// The unit square under the CTM: the picture's bounding box in user
    /// space.
    pub rect: Rect,
    /// The picture's own size in pixels (`/Width`, `/Height`), when given:
    /// an icon is judged by it, not by the size it is drawn at.
    pub pixels: Option<(u32, u32)>,
    /// How the page names it (`/Im1`, `inline image`), for the clerk.
    pub name: String,
}

/// Images recorded per page with their places; past this many the rest are
/// counted (a page tiled with thousands of image strips is a scan, read by
/// rendering the page).
pub const MAX_IMAGES_PER_PAGE: usize = 200;

/// Everything one page (or appearance stream) painted that prepub uses.
#[derive(Debug, Default)]
pub struct PageContent {
    pub text: String,
    pub glyphs: Vec<GlyphBox>,
    pub fills: Vec<Fill>,
    /// Total device-space area of the images painted.
    pub image_area: f64,
    pub image_count: usize,
    /// The first [`MAX_IMAGES_PER_PAGE`] images, placed.
    pub images: Vec<PlacedImage>,
    /// Number of fill operations, of any shape and colour.
    pub path_fills: usize,
    /// Points of the paths filled (a rectangle counts 4), of any colour.
    pub filled_points: usize,
    /// The page's crop box (or media box).
    pub page_box: Option<Rect>,
    /// Text of marked content that no viewer shows: `/ActualText` that is
    /// not what the glyphs under it say, or that stands for no glyph (a
    /// figure, paths), and `/Alt` and `/E`; with the key it came from.
    pub alternate_texts: Vec<(&'static str, String)>,
    /// Why part of the content was not read, in words for a problem.
    pub problems: Vec<String>,
    /// The deadline passed while reading.
    pub timed_out: bool,
}

impl PageContent {
    pub fn glyph_text(&self, glyph: &GlyphBox) -> &str {
        let start = glyph.text_start as usize;
        self.text
            .get(start..start + glyph.text_len as usize)
            .unwrap_or("")
    }
}

/// Fonts and decoded form streams shared by all pages of a document.
#[derive(Default)]
pub struct Caches {
    fonts: RefCell<HashMap<ResourceKey, Rc<Font>>>,
    forms: RefCell<HashMap<ObjectId, Rc<Vec<u8>>>>,
    colorspaces: RefCell<HashMap<ResourceKey, Rc<ColorSpace>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ResourceKey {
    Id(ObjectId),
    /// A direct object, by address (the document is not mutated while read).
    Address(usize),
}

fn resource_key(object: &Object) -> ResourceKey {
    match reference_id(object) {
        Some(id) => ResourceKey::Id(id),
        None => ResourceKey::Address(object as *const Object as usize),
    }
}

/// What every interpretation in one document shares.
pub struct Context<'a> {
    pub doc: &'a Document,
    pub budget: &'a Budget,
    pub deadline: Deadline,
    pub max_depth: usize,
    pub caches: Caches,
    /// Optional-content groups hidden in the default view.
    pub hidden_groups: HashSet<ObjectId>,
    /// The bytes the document was loaded from (from its `%PDF-` header), to
    /// read the image data left in the file ([`super::elided`]).
    pub source: &'a [u8],
}

impl<'a> Context<'a> {
    pub fn new(
        doc: &'a Document,
        budget: &'a Budget,
        deadline: Deadline,
        max_depth: usize,
    ) -> Context<'a> {
        Context {
            doc,
            budget,
            deadline,
            max_depth: max_depth.clamp(1, 64),
            caches: Caches::default(),
            hidden_groups: hidden_groups(doc),
            source: &[],
        }
    }

    /// The context for a document loaded from `bytes` (the whole buffer
    /// given to lopdf).
    pub fn with_source(self, bytes: &'a [u8]) -> Context<'a> {
        Context {
            source: super::elided::loaded_bytes(bytes),
            ..self
        }
    }
}

/// The optional-content groups the default configuration turns off.
fn hidden_groups(doc: &Document) -> HashSet<ObjectId> {
    let mut hidden = HashSet::new();
    let Ok(catalog) = doc.catalog() else {
        return hidden;
    };
    let off = get_dict(doc, catalog, b"OCProperties")
        .and_then(|properties| get_dict(doc, properties, b"D"))
        .and_then(|config| get_array(doc, config, b"OFF"));
    for item in off.unwrap_or(&[]) {
        if let Some(id) = reference_id(item) {
            hidden.insert(id);
        }
    }
    hidden
}

/// Walks a page and its ancestors for an inheritable attribute.
pub fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    let mut seen = HashSet::new();
    for _ in 0..64 {
        if let Some(value) = get(doc, node, key) {
            return Some(value);
        }
        let parent = node.get(b"Parent").ok()?;
        if let Some(id) = reference_id(parent)
            && !seen.insert(id)
        {
            return None;
        }
        node = as_dict(resolve(doc, parent)?)?;
    }
    None
}

/// The page's visible area: CropBox, else MediaBox.
pub fn page_box(doc: &Document, page: &Dictionary) -> Option<Rect> {
    for key in [&b"CropBox"[..], b"MediaBox"] {
        if let Some(Object::Array(items)) = inherited(doc, page, key)
            && let Some(values) = numbers(doc, items)
            && let [x0, y0, x1, y1] = values.as_slice()
        {
            let rect = Rect::from_corners(*x0, *y0, *x1, *y1);
            if rect.area() > 0.0 && rect.is_finite() {
                return Some(rect);
            }
        }
    }
    None
}

/// Interprets one page's content streams.
pub fn interpret_page(context: &Context<'_>, page_id: ObjectId) -> PageContent {
    let doc = context.doc;
    let mut out = PageContent::default();
    let Ok(page) = doc.get_dictionary(page_id) else {
        out.problems.push(String::from(
            "the page object is missing or not a dictionary",
        ));
        return out;
    };
    out.page_box = page_box(doc, page);
    let resources = inherited(doc, page, b"Resources").and_then(as_dict);
    let mut content = Vec::new();
    let mut streams = Vec::new();
    // A page without /Contents is blank; one whose content stream is not
    // there (a dangling reference, an object that could not be loaded even
    // by [`super::recover`]) is not read and says so.
    let missing = |object: &Object| match reference_id(object) {
        Some(id) => format!(
            "its content stream {} {} R is missing from the file or could not be read: the page was not read",
            id.0, id.1
        ),
        None => String::from("its /Contents is not a stream: the page was not read"),
    };
    if let Ok(contents) = page.get(b"Contents") {
        match resolve(doc, contents) {
            Some(Object::Stream(stream)) => streams.push(stream),
            Some(Object::Array(items)) => {
                for item in items {
                    match resolve(doc, item) {
                        Some(Object::Stream(stream)) => streams.push(stream),
                        Some(Object::Null) => {}
                        _ => out.problems.push(missing(item)),
                    }
                }
            }
            Some(Object::Null) => {}
            _ => out.problems.push(missing(contents)),
        }
    }
    for stream in streams {
        match context.budget.decode_lenient(stream) {
            Ok(decoded) => {
                content.extend_from_slice(&decoded.bytes);
                content.push(b'\n');
                if let Some(damage) = decoded.damage {
                    out.problems.push(format!(
                        "a content stream is damaged, the page was read only up to the damage: {damage}"
                    ));
                }
            }
            Err(DecodeError::Limit(message)) => out.problems.push(message),
            Err(DecodeError::Corrupt(message)) => out
                .problems
                .push(format!("a content stream was not read: {message}")),
        }
    }
    let mut interpreter = Interpreter::new(context, out);
    interpreter.run(&content, resources, 0);
    if interpreter.drawing_operations == 0 && content.iter().any(|byte| !byte.is_ascii_whitespace())
    {
        interpreter.out.problems.push(String::from(
            "its content stream holds no drawing operations (damaged data or a wrong /Filter): the page was not read",
        ));
    }
    interpreter.finish()
}

/// Interprets a form stream on its own (an annotation's appearance).
pub fn interpret_form(context: &Context<'_>, stream: &Stream, id: Option<ObjectId>) -> PageContent {
    let mut interpreter = Interpreter::new(context, PageContent::default());
    interpreter.form(stream, id, None, 0);
    interpreter.finish()
}

#[derive(Clone, Debug)]
pub enum ColorSpace {
    Gray,
    Rgb,
    Cmyk,
    Lab,
    /// Base space and lookup table.
    Indexed(Rc<ColorSpace>, Rc<Vec<u8>>),
    /// A single colorant (or several): full tint is dark.
    Separation,
    Pattern,
    Unknown,
}

impl ColorSpace {
    fn components(&self) -> usize {
        match self {
            ColorSpace::Gray | ColorSpace::Indexed(..) | ColorSpace::Separation => 1,
            ColorSpace::Rgb | ColorSpace::Lab => 3,
            ColorSpace::Cmyk => 4,
            ColorSpace::Pattern | ColorSpace::Unknown => 0,
        }
    }

    /// Luminance (0 black, 1 white) of a colour in this space.
    fn luminance(&self, values: &[f64]) -> Option<f32> {
        let value = |index: usize| values.get(index).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        let lum = match self {
            ColorSpace::Gray => value(0),
            ColorSpace::Rgb => 0.299 * value(0) + 0.587 * value(1) + 0.114 * value(2),
            ColorSpace::Cmyk => {
                let k = value(3);
                let r = (1.0 - value(0)) * (1.0 - k);
                let g = (1.0 - value(1)) * (1.0 - k);
                let b = (1.0 - value(2)) * (1.0 - k);
                0.299 * r + 0.587 * g + 0.114 * b
            }
            ColorSpace::Lab => values.first().copied().unwrap_or(0.0).clamp(0.0, 100.0) / 100.0,
            ColorSpace::Separation => {
                1.0 - values.iter().copied().fold(0.0, f64::max).clamp(0.0, 1.0)
            }
            ColorSpace::Indexed(base, table) => {
                let index = values.first().copied().unwrap_or(0.0).max(0.0) as usize;
                let n = base.components();
                let entry = table.get(index * n..index * n + n)?;
                let scaled: Vec<f64> = entry.iter().map(|&byte| f64::from(byte) / 255.0).collect();
                return base.luminance(&scaled);
            }
            ColorSpace::Pattern | ColorSpace::Unknown => return None,
        };
        Some(lum as f32)
    }

    /// The initial colour after `cs`: black for device spaces.
    fn initial(&self) -> Option<f32> {
        match self {
            ColorSpace::Cmyk => self.luminance(&[0.0, 0.0, 0.0, 1.0]),
            ColorSpace::Separation => self.luminance(&[1.0]),
            _ => self.luminance(&[0.0, 0.0, 0.0]),
        }
    }
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    fill: Option<f32>,
    fill_space: Rc<ColorSpace>,
    fill_alpha: f64,
    soft_mask: bool,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scaling: f64,
    leading: f64,
    font: Option<Rc<Font>>,
    font_size: f64,
    render_mode: u8,
    rise: f64,
}

impl GraphicsState {
    fn new() -> GraphicsState {
        GraphicsState {
            ctm: Matrix::IDENTITY,
            fill: Some(0.0),
            fill_space: Rc::new(ColorSpace::Gray),
            fill_alpha: 1.0,
            soft_mask: false,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scaling: 1.0,
            leading: 0.0,
            font: None,
            font_size: 0.0,
            render_mode: 0,
            rise: 0.0,
        }
    }
}

struct MarkedContent {
    hidden: bool,
    actual_text: Option<(String, usize)>,
}

struct Interpreter<'c, 'a> {
    context: &'c Context<'a>,
    out: PageContent,
    state: GraphicsState,
    text_matrix: Matrix,
    line_matrix: Matrix,
    path_rects: Vec<Rect>,
    /// Subpaths other than `re` rectangles, as device-space points.
    path_points: Vec<Vec<(f64, f64)>>,
    path_point_count: usize,
    marked: Vec<MarkedContent>,
    hidden_depth: usize,
    active_forms: Vec<ObjectId>,
    operations: u64,
    /// Operations that are PDF operators (not junk words).
    drawing_operations: u64,
    seq: u32,
    stopped: bool,
    scratch: String,
    fallback_font: Rc<Font>,
}

impl<'c, 'a> Interpreter<'c, 'a> {
    fn new(context: &'c Context<'a>, out: PageContent) -> Interpreter<'c, 'a> {
        Interpreter {
            context,
            out,
            state: GraphicsState::new(),
            text_matrix: Matrix::IDENTITY,
            line_matrix: Matrix::IDENTITY,
            path_rects: Vec::new(),
            path_points: Vec::new(),
            path_point_count: 0,
            marked: Vec::new(),
            hidden_depth: 0,
            active_forms: Vec::new(),
            operations: 0,
            drawing_operations: 0,
            seq: 0,
            stopped: false,
            scratch: String::new(),
            fallback_font: Rc::new(Font::fallback()),
        }
    }

    fn finish(self) -> PageContent {
        self.out
    }

    fn stop(&mut self, message: String) {
        if !self.stopped {
            self.stopped = true;
            self.out.problems.push(message);
        }
    }

    /// A problem, once per page.
    fn problem(&mut self, message: String) {
        if !self.out.problems.contains(&message) {
            self.out.problems.push(message);
        }
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.saturating_add(1);
        self.seq
    }

    fn run(&mut self, content: &[u8], resources: Option<&'a Dictionary>, depth: usize) {
        let mut lexer = Lexer::new(content);
        let mut operands = Vec::new();
        let mut saved: Vec<GraphicsState> = Vec::new();
        let mut unsaved = 0usize;
        while !self.stopped {
            let Some(operator) = lexer.next_operation(&mut operands) else {
                break;
            };
            self.operations += 1;
            if self.operations.is_multiple_of(1024) && self.context.deadline.passed() {
                self.out.timed_out = true;
                self.stop(String::from(
                    "the time budget ran out while reading this page",
                ));
                break;
            }
            if self.operations > MAX_OPERATIONS_PER_PAGE {
                self.stop(format!(
                    "the page runs more than {MAX_OPERATIONS_PER_PAGE} drawing operations (looping or hostile content): the rest was not read"
                ));
                break;
            }
            match operator {
                b"q" => {
                    if saved.len() < MAX_SAVED_STATES {
                        saved.push(self.state.clone());
                    } else {
                        unsaved += 1;
                    }
                }
                b"Q" => {
                    if unsaved > 0 {
                        unsaved -= 1;
                    } else if let Some(state) = saved.pop() {
                        self.state = state;
                    }
                }
                b"cm" => {
                    if let Some(matrix) = Matrix::from_operands(&operands) {
                        self.state.ctm = matrix.then(&self.state.ctm);
                    }
                }
                b"gs" => self.ext_g_state(resources, &operands),
                b"g" => {
                    self.state.fill_space = Rc::new(ColorSpace::Gray);
                    self.set_fill(&operands);
                }
                b"rg" => {
                    self.state.fill_space = Rc::new(ColorSpace::Rgb);
                    self.set_fill(&operands);
                }
                b"k" => {
                    self.state.fill_space = Rc::new(ColorSpace::Cmyk);
                    self.set_fill(&operands);
                }
                b"cs" => {
                    if let Some(name) = operands.first().and_then(Operand::name) {
                        let space = self.color_space(resources, name);
                        self.state.fill = space.initial();
                        self.state.fill_space = space;
                    }
                }
                b"sc" | b"scn" => {
                    if operands.last().and_then(Operand::name).is_some() {
                        self.state.fill = None;
                    } else {
                        self.set_fill(&operands);
                    }
                }
                b"m" | b"l" => {
                    if let [x, y] = operands.as_slice()
                        && let (Some(x), Some(y)) = (x.number(), y.number())
                    {
                        if operator == b"m" {
                            self.path_points.push(Vec::new());
                        }
                        self.path_point(x, y);
                    }
                }
                b"c" | b"v" | b"y" => {
                    let values: Vec<f64> = operands.iter().filter_map(Operand::number).collect();
                    for pair in values.chunks_exact(2) {
                        self.path_point(pair[0], pair[1]);
                    }
                }
                b"re" => {
                    if let [x, y, w, h] = operands.as_slice()
                        && let (Some(x), Some(y), Some(w), Some(h)) =
                            (x.number(), y.number(), w.number(), h.number())
                    {
                        let rect =
                            Rect::from_corners(x, y, x + w, y + h).transformed(&self.state.ctm);
                        if rect.is_finite() && self.path_rects.len() < 100_000 {
                            self.path_rects.push(rect);
                        }
                    }
                }
                b"h" => {}
                b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" => self.fill_path(),
                b"S" | b"s" | b"n" => self.clear_path(),
                b"BT" => {
                    self.text_matrix = Matrix::IDENTITY;
                    self.line_matrix = Matrix::IDENTITY;
                }
                b"Tc" => set_number(&operands, &mut self.state.char_spacing),
                b"Tw" => set_number(&operands, &mut self.state.word_spacing),
                b"Tz" => {
                    if let Some(value) = operands.first().and_then(Operand::number) {
                        self.state.horizontal_scaling = value / 100.0;
                    }
                }
                b"TL" => set_number(&operands, &mut self.state.leading),
                b"Ts" => set_number(&operands, &mut self.state.rise),
                b"Tr" => {
                    if let Some(mode) = operands.first().and_then(Operand::number) {
                        self.state.render_mode = mode.clamp(0.0, 7.0) as u8;
                    }
                }
                b"Tf" => {
                    if let [name, size] = operands.as_slice()
                        && let (Some(name), Some(size)) = (name.name(), size.number())
                    {
                        self.state.font = Some(self.font(resources, name));
                        self.state.font_size = size;
                    }
                }
                b"Td" => {
                    if let [x, y] = operands.as_slice()
                        && let (Some(x), Some(y)) = (x.number(), y.number())
                    {
                        self.move_line(x, y);
                    }
                }
                b"TD" => {
                    if let [x, y] = operands.as_slice()
                        && let (Some(x), Some(y)) = (x.number(), y.number())
                    {
                        self.state.leading = -y;
                        self.move_line(x, y);
                    }
                }
                b"Tm" => {
                    if let Some(matrix) = Matrix::from_operands(&operands) {
                        self.text_matrix = matrix;
                        self.line_matrix = matrix;
                    }
                }
                b"T*" => self.move_line(0.0, -self.state.leading),
                b"Tj" => {
                    if let Some(bytes) = operands.first().and_then(Operand::string) {
                        self.show(bytes);
                    }
                }
                b"'" => {
                    self.move_line(0.0, -self.state.leading);
                    if let Some(bytes) = operands.first().and_then(Operand::string) {
                        self.show(bytes);
                    }
                }
                b"\"" => {
                    if let [word, char, string] = operands.as_slice() {
                        if let Some(value) = word.number() {
                            self.state.word_spacing = value;
                        }
                        if let Some(value) = char.number() {
                            self.state.char_spacing = value;
                        }
                        self.move_line(0.0, -self.state.leading);
                        if let Some(bytes) = string.string() {
                            self.show(bytes);
                        }
                    }
                }
                b"TJ" => {
                    if let Some(Operand::Array(items)) = operands.first() {
                        for item in items {
                            match item {
                                Operand::String(bytes) => self.show(bytes),
                                Operand::Number(adjust) => self.adjust(*adjust),
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(name) = operands.first().and_then(Operand::name) {
                        let name = name.to_vec();
                        self.xobject(resources, &name, depth);
                    }
                }
                b"BI" => self.inline_image(operands.first()),
                b"BMC" => self.begin_marked(None, resources),
                b"BDC" => {
                    let properties = operands.get(1).cloned();
                    self.begin_marked(properties.as_ref(), resources);
                }
                b"EMC" => self.end_marked(),
                b"w" | b"J" | b"j" | b"M" | b"d" | b"ri" | b"i" | b"G" | b"RG" | b"K" | b"CS"
                | b"SC" | b"SCN" | b"W" | b"W*" | b"ET" | b"sh" | b"MP" | b"DP" | b"BX" | b"EX"
                | b"d0" | b"d1" => {}
                _ => continue,
            }
            self.drawing_operations += 1;
        }
    }

    fn set_fill(&mut self, operands: &[Operand]) {
        let values: Vec<f64> = operands.iter().filter_map(Operand::number).collect();
        self.state.fill = self.state.fill_space.luminance(&values);
    }

    fn ext_g_state(&mut self, resources: Option<&'a Dictionary>, operands: &[Operand]) {
        let doc = self.context.doc;
        let Some(name) = operands.first().and_then(Operand::name) else {
            return;
        };
        let Some(state) = resources
            .and_then(|resources| get_dict(doc, resources, b"ExtGState"))
            .and_then(|states| get_dict(doc, states, name))
        else {
            return;
        };
        if let Some(alpha) = get_number(doc, state, b"ca") {
            self.state.fill_alpha = alpha;
        }
        if let Some(mask) = get(doc, state, b"SMask") {
            self.state.soft_mask = !matches!(mask, Object::Name(name) if name == b"None");
        }
        if let Some(Object::Array(font)) = get(doc, state, b"Font")
            && let [font, size] = font.as_slice()
            && let Some(size) = resolve(doc, size).and_then(super::objects::number)
            && let Some(dict) = resolve(doc, font).and_then(as_dict)
        {
            let key = resource_key(font);
            let loaded = self.cached_font(key, dict);
            self.state.font = Some(loaded);
            self.state.font_size = size;
        }
    }

    fn color_space(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Rc<ColorSpace> {
        if let Some(space) = device_space(name) {
            return Rc::new(space);
        }
        let doc = self.context.doc;
        let Some(object) = resources
            .and_then(|resources| get_dict(doc, resources, b"ColorSpace"))
            .and_then(|spaces| spaces.get(name).ok())
        else {
            return Rc::new(ColorSpace::Unknown);
        };
        let key = resource_key(object);
        if let Some(space) = self.context.caches.colorspaces.borrow().get(&key) {
            return space.clone();
        }
        let space = Rc::new(parse_color_space(doc, self.context.budget, object, 0));
        self.context
            .caches
            .colorspaces
            .borrow_mut()
            .insert(key, space.clone());
        space
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Rc<Font> {
        let doc = self.context.doc;
        let entry = resources
            .and_then(|resources| get_dict(doc, resources, b"Font"))
            .and_then(|fonts| fonts.get(name).ok());
        let Some(entry) = entry else {
            let message = format!(
                "font /{} is missing from the page resources: its text may be misread",
                String::from_utf8_lossy(name)
            );
            if !self.out.problems.contains(&message) {
                self.out.problems.push(message);
            }
            return self.fallback_font.clone();
        };
        let Some(dict) = resolve(doc, entry).and_then(as_dict) else {
            return self.fallback_font.clone();
        };
        self.cached_font(resource_key(entry), dict)
    }

    fn cached_font(&mut self, key: ResourceKey, dict: &Dictionary) -> Rc<Font> {
        if let Some(font) = self.context.caches.fonts.borrow().get(&key) {
            return font.clone();
        }
        let font = Rc::new(Font::load(self.context.doc, dict, self.context.budget));
        self.context
            .caches
            .fonts
            .borrow_mut()
            .insert(key, font.clone());
        font
    }

    fn path_point(&mut self, x: f64, y: f64) {
        if self.path_point_count < 100_000 {
            let point = self.state.ctm.apply(x, y);
            if point.0.is_finite() && point.1.is_finite() {
                self.path_point_count += 1;
                match self.path_points.last_mut() {
                    Some(subpath) => subpath.push(point),
                    None => self.path_points.push(vec![point]),
                }
            }
        }
    }

    fn clear_path(&mut self) {
        self.path_rects.clear();
        self.path_points.clear();
        self.path_point_count = 0;
    }

    fn fill_path(&mut self) {
        self.out.path_fills += 1;
        self.out.filled_points = self
            .out
            .filled_points
            .saturating_add(self.path_point_count + 4 * self.path_rects.len());
        let opaque = self.state.fill_alpha >= 0.999 && !self.state.soft_mask;
        if opaque && let Some(luminance) = self.state.fill {
            let seq = self.next_seq();
            let mut rects = std::mem::take(&mut self.path_rects);
            // A subpath drawn with lines or curves (a rounded box) counts as
            // its bounding box when it fills most of it; a shape that does
            // not (table rules drawn as one path, a blob) is no box.
            for subpath in &self.path_points {
                if subpath.len() >= 3 {
                    let bounds = Rect::from_points(subpath);
                    if polygon_area(subpath) >= 0.8 * bounds.area() {
                        rects.push(bounds);
                    }
                }
            }
            for rect in rects {
                if self.out.fills.len() < MAX_FILLS_PER_PAGE && rect.area() > 0.0 {
                    self.out.fills.push(Fill {
                        rect,
                        luminance: Some(luminance),
                        seq,
                        kind: FillKind::Path,
                    });
                }
            }
        }
        self.clear_path();
    }

    /// `Td`: the next line starts at an offset from the current line start.
    fn move_line(&mut self, x: f64, y: f64) {
        let m = &mut self.line_matrix;
        m.e += x * m.a + y * m.c;
        m.f += x * m.b + y * m.d;
        self.text_matrix = self.line_matrix;
    }

    fn translate_text(&mut self, x: f64, y: f64) {
        let m = &mut self.text_matrix;
        m.e += x * m.a + y * m.c;
        m.f += x * m.b + y * m.d;
    }

    fn adjust(&mut self, amount: f64) {
        let font_vertical = self.state.font.as_ref().is_some_and(|font| font.vertical);
        let shift = -amount / 1000.0 * self.state.font_size;
        if font_vertical {
            self.translate_text(0.0, shift);
        } else {
            self.translate_text(shift * self.state.horizontal_scaling, 0.0);
        }
    }

    fn show(&mut self, bytes: &[u8]) {
        let font = self
            .state
            .font
            .clone()
            .unwrap_or_else(|| self.fallback_font.clone());
        let mut scratch = std::mem::take(&mut self.scratch);
        font.decode(bytes, &mut scratch, |glyph| self.glyph(&font, glyph));
        self.scratch = scratch;
    }

    fn glyph(&mut self, font: &Font, glyph: &Glyph<'_>) {
        let state = &self.state;
        let size = state.font_size;
        let scaling = state.horizontal_scaling;
        let text_to_device = self.text_matrix.then(&state.ctm);
        let rendering = Matrix {
            a: size * scaling,
            b: 0.0,
            c: 0.0,
            d: size,
            e: 0.0,
            f: state.rise,
        }
        .then(&text_to_device);

        let em = font.em;
        let (corners, end, direction) = if font.vertical {
            let half = glyph.width.abs().max(0.5 * em) / 2.0;
            let advance = if glyph.vertical_advance == 0.0 {
                -em
            } else {
                glyph.vertical_advance
            };
            (
                [
                    rendering.apply(-half, advance),
                    rendering.apply(half, advance),
                    rendering.apply(-half, 0.0),
                    rendering.apply(half, 0.0),
                ],
                rendering.apply(0.0, advance),
                unit(-rendering.c, -rendering.d),
            )
        } else {
            let (bottom, top) = (font.descent * em, font.ascent * em);
            (
                [
                    rendering.apply(0.0, bottom),
                    rendering.apply(glyph.width, bottom),
                    rendering.apply(0.0, top),
                    rendering.apply(glyph.width, top),
                ],
                rendering.apply(glyph.width, 0.0),
                unit(rendering.a, rendering.b),
            )
        };
        let origin = rendering.apply(0.0, 0.0);
        let device_size =
            (size * em).abs() * (text_to_device.c.hypot(text_to_device.d)).max(f64::MIN_POSITIVE);

        if self.out.glyphs.len() < MAX_GLYPHS_PER_PAGE && self.out.text.len() < MAX_TEXT_PER_PAGE {
            let text_start = self.out.text.len() as u32;
            let (text_len, unmapped) = match glyph.text {
                Some(text) => {
                    self.out.text.push_str(text);
                    (text.len() as u32, false)
                }
                None => (0, true),
            };
            let seq = self.next_seq();
            let bbox = Rect::from_points(&corners);
            if origin.0.is_finite() && origin.1.is_finite() && bbox.is_finite() {
                self.out.glyphs.push(GlyphBox {
                    text_start,
                    text_len,
                    origin,
                    end,
                    size: if device_size.is_finite() {
                        device_size
                    } else {
                        0.0
                    },
                    direction,
                    bbox,
                    seq,
                    color: self.state.fill,
                    invisible: matches!(self.state.render_mode, 3 | 7),
                    unmapped,
                    hidden_layer: self.hidden_depth > 0,
                });
            }
        } else {
            self.stop(format!(
                "the page shows more than {MAX_GLYPHS_PER_PAGE} glyphs or {MAX_TEXT_PER_PAGE} bytes of text: the rest was not read"
            ));
        }

        let state = &self.state;
        let word_spacing = if glyph.word_space {
            state.word_spacing
        } else {
            0.0
        };
        if font.vertical {
            let advance = glyph.vertical_advance * size + state.char_spacing + word_spacing;
            self.translate_text(0.0, advance);
        } else {
            let advance =
                (glyph.width * size + state.char_spacing + word_spacing) * state.horizontal_scaling;
            self.translate_text(advance, 0.0);
        }
    }

    fn xobject(&mut self, resources: Option<&'a Dictionary>, name: &[u8], depth: usize) {
        let doc = self.context.doc;
        let Some(entry) = resources
            .and_then(|resources| get_dict(doc, resources, b"XObject"))
            .and_then(|xobjects| xobjects.get(name).ok())
        else {
            self.problem(format!(
                "XObject /{} is missing from the resources: what it draws was not read",
                String::from_utf8_lossy(name)
            ));
            return;
        };
        let id = reference_id(entry);
        let Some(Object::Stream(stream)) = resolve(doc, entry) else {
            self.problem(format!(
                "XObject /{} is missing from the file or could not be read: what it draws was not read",
                String::from_utf8_lossy(name)
            ));
            return;
        };
        match get_name(doc, &stream.dict, b"Subtype") {
            Some(b"Image") => {
                let mask = matches!(
                    get(doc, &stream.dict, b"ImageMask"),
                    Some(Object::Boolean(true))
                );
                // An image with a soft mask or colour-key mask lets what is
                // under it show through: it is not an opaque cover.
                let transparent = stream.dict.has(b"SMask") || stream.dict.has(b"Mask");
                let size = |key: &[u8]| {
                    get_number(doc, &stream.dict, key)
                        .filter(|value| value.is_finite() && *value >= 0.0)
                        .map(|value| value.min(f64::from(u32::MAX)) as u32)
                };
                let pixels = size(b"Width").zip(size(b"Height"));
                self.image(
                    if mask { self.state.fill } else { None },
                    FillKind::Image(id),
                    !transparent,
                    pixels,
                    format!("/{}", String::from_utf8_lossy(name)),
                );
            }
            Some(b"Form") | None => self.form(stream, id, resources, depth),
            _ => {}
        }
    }

    fn inline_image(&mut self, dict: Option<&Operand>) {
        let mask = dict
            .and_then(|dict| dict.get(b"IM").or_else(|| dict.get(b"ImageMask")))
            .is_some_and(|value| *value == Operand::Bool(true));
        let size = |short: &[u8], long: &[u8]| {
            dict.and_then(|dict| dict.get(short).or_else(|| dict.get(long)))
                .and_then(Operand::number)
                .filter(|value| value.is_finite() && *value >= 0.0)
                .map(|value| value.min(f64::from(u32::MAX)) as u32)
        };
        let pixels = size(b"W", b"Width").zip(size(b"H", b"Height"));
        self.image(
            if mask { self.state.fill } else { None },
            FillKind::InlineImage,
            true,
            pixels,
            String::from("inline image"),
        );
    }

    fn image(
        &mut self,
        luminance: Option<f32>,
        kind: FillKind,
        covers: bool,
        pixels: Option<(u32, u32)>,
        name: String,
    ) {
        let rect = Rect::from_corners(0.0, 0.0, 1.0, 1.0).transformed(&self.state.ctm);
        if !rect.is_finite() {
            return;
        }
        self.out.image_count += 1;
        self.out.image_area += rect.area();
        if self.out.images.len() < MAX_IMAGES_PER_PAGE {
            self.out.images.push(PlacedImage { rect, pixels, name });
        }
        let seq = self.next_seq();
        let opaque = covers && self.state.fill_alpha >= 0.999 && !self.state.soft_mask;
        if opaque && self.out.fills.len() < MAX_FILLS_PER_PAGE {
            self.out.fills.push(Fill {
                rect,
                luminance,
                seq,
                kind,
            });
        }
    }

    fn form(
        &mut self,
        stream: &'a Stream,
        id: Option<ObjectId>,
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) {
        let doc = self.context.doc;
        if depth >= self.context.max_depth {
            let message = format!(
                "form XObjects nest deeper than {} levels (--max-depth): the deepest were not read",
                self.context.max_depth
            );
            if !self.out.problems.contains(&message) {
                self.out.problems.push(message);
            }
            return;
        }
        if let Some(id) = id
            && self.active_forms.contains(&id)
        {
            let message = format!(
                "form XObject {} {} R draws itself (a cycle): the repeat was skipped",
                id.0, id.1
            );
            if !self.out.problems.contains(&message) {
                self.out.problems.push(message);
            }
            return;
        }
        let cached = id.and_then(|id| self.context.caches.forms.borrow().get(&id).cloned());
        let content = match cached {
            Some(content) => Ok(content),
            None => self.context.budget.decode_lenient(stream).map(|decoded| {
                if let Some(damage) = decoded.damage {
                    self.out.problems.push(format!(
                        "a form XObject is damaged and was read only up to the damage: {damage}"
                    ));
                }
                let bytes = Rc::new(decoded.bytes);
                if let Some(id) = id {
                    self.context
                        .caches
                        .forms
                        .borrow_mut()
                        .insert(id, bytes.clone());
                }
                bytes
            }),
        };
        let content = match content {
            Ok(content) => content,
            Err(error) => {
                let message = format!("a form XObject was not read: {error}");
                if !self.out.problems.contains(&message) {
                    self.out.problems.push(message);
                }
                return;
            }
        };
        let hidden = get(doc, &stream.dict, b"OC").is_some_and(|oc| self.is_hidden_group(oc));
        let saved_state = self.state.clone();
        let saved_text = (self.text_matrix, self.line_matrix);
        let saved_path = (
            std::mem::take(&mut self.path_rects),
            std::mem::take(&mut self.path_points),
            std::mem::take(&mut self.path_point_count),
        );
        if let Some(matrix) = get_array(doc, &stream.dict, b"Matrix")
            .and_then(|items| numbers(doc, items))
            .and_then(|values| Matrix::from_numbers(&values))
        {
            self.state.ctm = matrix.then(&self.state.ctm);
        }
        let form_resources = get_dict(doc, &stream.dict, b"Resources").or(resources);
        if let Some(id) = id {
            self.active_forms.push(id);
        }
        if hidden {
            self.hidden_depth += 1;
        }
        self.run(&content, form_resources, depth + 1);
        if hidden {
            self.hidden_depth -= 1;
        }
        if id.is_some() {
            self.active_forms.pop();
        }
        self.state = saved_state;
        (self.text_matrix, self.line_matrix) = saved_text;
        (self.path_rects, self.path_points, self.path_point_count) = saved_path;
    }

    fn is_hidden_group(&self, object: &Object) -> bool {
        if self.context.hidden_groups.is_empty() {
            return false;
        }
        if let Some(id) = reference_id(object)
            && self.context.hidden_groups.contains(&id)
        {
            return true;
        }
        // A membership dictionary (OCMD) with the default policy AnyOn is
        // hidden when every group it names is off.
        let doc = self.context.doc;
        let Some(dict) = resolve(doc, object).and_then(as_dict) else {
            return false;
        };
        match dict
            .get(b"OCGs")
            .ok()
            .and_then(|groups| resolve(doc, groups))
        {
            Some(Object::Array(groups)) if !groups.is_empty() => groups.iter().all(|group| {
                reference_id(group).is_some_and(|id| self.context.hidden_groups.contains(&id))
            }),
            Some(group @ Object::Dictionary(_)) => reference_id(dict.get(b"OCGs").unwrap_or(group))
                .is_some_and(|id| self.context.hidden_groups.contains(&id)),
            _ => false,
        }
    }

    fn begin_marked(&mut self, properties: Option<&Operand>, resources: Option<&'a Dictionary>) {
        if self.marked.len() >= MAX_MARKED_CONTENT {
            self.marked.push(MarkedContent {
                hidden: false,
                actual_text: None,
            });
            return;
        }
        let doc = self.context.doc;
        let mut hidden = false;
        let mut actual_text = None;
        match properties {
            Some(dict @ Operand::Dict(_)) => {
                if let Some(Operand::String(bytes)) = dict.get(b"ActualText") {
                    actual_text = Some((
                        super::encodings::decode_text_string(bytes),
                        self.out.glyphs.len(),
                    ));
                }
                for (key, label) in [(&b"Alt"[..], "/Alt"), (b"E", "/E")] {
                    if let Some(Operand::String(bytes)) = dict.get(key) {
                        self.alternate_text(label, super::encodings::decode_text_string(bytes));
                    }
                }
            }
            Some(Operand::Name(name)) => {
                // A named property list: an optional-content group, or a
                // dictionary with /ActualText.
                if let Some(entry) = resources
                    .and_then(|resources| get_dict(doc, resources, b"Properties"))
                    .and_then(|properties| properties.get(name).ok())
                {
                    hidden = self.is_hidden_group(entry);
                    if let Some(dict) = resolve(doc, entry).and_then(as_dict) {
                        if let Some(Object::String(bytes, _)) = get(doc, dict, b"ActualText") {
                            actual_text = Some((
                                super::encodings::decode_text_string(bytes),
                                self.out.glyphs.len(),
                            ));
                        }
                        for (key, label) in [(&b"Alt"[..], "/Alt"), (b"E", "/E")] {
                            if let Some(Object::String(bytes, _)) = get(doc, dict, key) {
                                self.alternate_text(
                                    label,
                                    super::encodings::decode_text_string(bytes),
                                );
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if hidden {
            self.hidden_depth += 1;
        }
        self.marked.push(MarkedContent {
            hidden,
            actual_text,
        });
    }

    fn alternate_text(&mut self, label: &'static str, text: String) {
        let kept: usize = self
            .out
            .alternate_texts
            .iter()
            .map(|(_, text)| text.len())
            .sum();
        if text.trim().is_empty() {
            return;
        }
        if kept + text.len() > MAX_TEXT_PER_PAGE {
            self.problem(format!(
                "the page's {label} texts are more than {MAX_TEXT_PER_PAGE} bytes: the rest was not read"
            ));
            return;
        }
        self.out.alternate_texts.push((label, text));
    }

    fn end_marked(&mut self) {
        let Some(marked) = self.marked.pop() else {
            return;
        };
        if marked.hidden {
            self.hidden_depth = self.hidden_depth.saturating_sub(1);
        }
        let Some((text, first)) = marked.actual_text else {
            return;
        };
        if first >= self.out.glyphs.len() {
            // A replacement for a figure or drawn shapes: search and copy
            // read it, nothing on the page shows it.
            self.alternate_text("/ActualText", text);
            return;
        }
        // What the glyphs of the span say, where their font says it: what a
        // viewer shows. Search and copy read the replacement instead, which
        // becomes the glyphs' text; the glyphs' own text, when it says
        // something else, is kept beside it (a span drawing 机密 with the
        // replacement 公开 must not read as 公开 only).
        let visible: String = self.out.glyphs[first..]
            .iter()
            .filter(|glyph| !glyph.unmapped)
            .map(|glyph| self.out.glyph_text(glyph))
            .collect();
        if !visible.trim().is_empty() && !same_text(&visible, &text) {
            self.alternate_text(SHOWN_UNDER_ACTUAL_TEXT, visible);
        }
        if self.out.text.len() + text.len() < MAX_TEXT_PER_PAGE {
            // The replacement text goes to the first glyph of the span; the
            // others keep their place but lose their text.
            let start = self.out.text.len() as u32;
            self.out.text.push_str(&text);
            let glyphs = &mut self.out.glyphs[first..];
            for (index, glyph) in glyphs.iter_mut().enumerate() {
                glyph.unmapped = false;
                if index == 0 {
                    glyph.text_start = start;
                    glyph.text_len = text.len() as u32;
                } else {
                    glyph.text_len = 0;
                }
            }
        }
    }
}

/// The key under which the text a span's glyphs show, when its
/// `/ActualText` says something else, is kept in
/// [`PageContent::alternate_texts`].
pub const SHOWN_UNDER_ACTUAL_TEXT: &str = "shown under /ActualText";

/// Whether the glyphs' text `shown` says what `replacement` says:
/// compatibility forms (ligatures, full-width letters) and white space
/// aside, and a CJK radical standing for an ideograph (fonts map 民 to ⺠,
/// and the replacement corrects it).
fn same_text(shown: &str, replacement: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let is_radical = |ch: char| matches!(ch as u32, 0x2E80..=0x2FDF);
    // Radicals stay as they are (NFKC would turn ⼾ into 戶, not 户).
    let fold = |text: &str| -> Vec<char> {
        let mut out = Vec::new();
        for ch in text.chars().filter(|ch| !ch.is_whitespace()) {
            if is_radical(ch) {
                out.push(ch);
            } else {
                out.extend(std::iter::once(ch).nfkc());
            }
        }
        out
    };
    let (shown, replacement) = (fold(shown), fold(replacement));
    shown.len() == replacement.len()
        && shown
            .iter()
            .zip(&replacement)
            .all(|(&a, &b)| a == b || (is_radical(a) && super::encodings::is_cjk_ideograph(b)))
}

/// The area of a polygon (shoelace formula), its points taken in order.
fn polygon_area(points: &[(f64, f64)]) -> f64 {
    let mut twice = 0.0;
    for (index, &(x0, y0)) in points.iter().enumerate() {
        let (x1, y1) = points[(index + 1) % points.len()];
        twice += x0 * y1 - x1 * y0;
    }
    (twice / 2.0).abs()
}

fn set_number(operands: &[Operand], target: &mut f64) {
    if let Some(value) = operands.first().and_then(Operand::number) {
        *target = value;
    }
}

fn unit(x: f64, y: f64) -> (f64, f64) {
    let length = x.hypot(y);
    if length > 0.0 && length.is_finite() {
        (x / length, y / length)
    } else {
        (1.0, 0.0)
    }
}

fn device_space(name: &[u8]) -> Option<ColorSpace> {
    match name {
        b"DeviceGray" | b"G" | b"CalGray" => Some(ColorSpace::Gray),
        b"DeviceRGB" | b"RGB" | b"CalRGB" => Some(ColorSpace::Rgb),
        b"DeviceCMYK" | b"CMYK" => Some(ColorSpace::Cmyk),
        b"Pattern" => Some(ColorSpace::Pattern),
        b"Lab" => Some(ColorSpace::Lab),
        _ => None,
    }
}

fn parse_color_space(doc: &Document, budget: &Budget, object: &Object, depth: usize) -> ColorSpace {
    if depth > 4 {
        return ColorSpace::Unknown;
    }
    match resolve(doc, object) {
        Some(Object::Name(name)) => device_space(name).unwrap_or(ColorSpace::Unknown),
        Some(Object::Array(items)) => {
            let family = items.first().and_then(|item| resolve(doc, item));
            let Some(Object::Name(family)) = family else {
                return ColorSpace::Unknown;
            };
            match family.as_slice() {
                b"ICCBased" => {
                    let components = items
                        .get(1)
                        .and_then(|item| resolve(doc, item))
                        .and_then(as_dict)
                        .and_then(|dict| get_number(doc, dict, b"N"));
                    match components.map(|n| n as i64) {
                        Some(1) => ColorSpace::Gray,
                        Some(3) => ColorSpace::Rgb,
                        Some(4) => ColorSpace::Cmyk,
                        _ => ColorSpace::Unknown,
                    }
                }
                b"CalGray" => ColorSpace::Gray,
                b"CalRGB" => ColorSpace::Rgb,
                b"Lab" => ColorSpace::Lab,
                b"Separation" | b"DeviceN" => ColorSpace::Separation,
                b"Pattern" => ColorSpace::Pattern,
                b"Indexed" | b"I" => {
                    let base = items
                        .get(1)
                        .map(|base| parse_color_space(doc, budget, base, depth + 1))
                        .unwrap_or(ColorSpace::Unknown);
                    let table = match items.get(3).and_then(|item| resolve(doc, item)) {
                        Some(Object::String(bytes, _)) => Some(bytes.clone()),
                        Some(Object::Stream(stream)) => budget.decode(stream).ok(),
                        _ => None,
                    };
                    match table {
                        Some(table) if base.components() > 0 => {
                            ColorSpace::Indexed(Rc::new(base), Rc::new(table))
                        }
                        _ => ColorSpace::Unknown,
                    }
                }
                other => device_space(other).unwrap_or(ColorSpace::Unknown),
            }
        }
        _ => ColorSpace::Unknown,
    }
}

/// A stream's dictionary entry as a stream, for callers outside this module.
pub fn appearance_stream<'a>(
    doc: &'a Document,
    annotation: &'a Dictionary,
) -> Option<(&'a Stream, Option<ObjectId>)> {
    let appearance = get_dict(doc, annotation, b"AP")?;
    let normal = appearance.get(b"N").ok()?;
    match resolve(doc, normal)? {
        Object::Stream(stream) => Some((stream, reference_id(normal))),
        Object::Dictionary(states) => {
            // Several appearance states: the current one (/AS).
            let state = get_name(doc, annotation, b"AS")?;
            let entry = states.get(state).ok()?;
            let stream = get_stream(doc, states, state)?;
            Some((stream, reference_id(entry)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A one-page document whose page draws `content` with font /F1
    /// (Helvetica, WinAnsi) and XObjects `xobjects`.
    pub fn page_with(content: &[u8], extra_resources: Dictionary) -> (Document, ObjectId) {
        let mut doc = Document::new();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        resources.extend(&extra_resources);
        let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let pages_id = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
            "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
            "Resources" => resources,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        (doc, page)
    }

    fn interpret(doc: &Document, page: ObjectId) -> PageContent {
        let budget = Budget::unlimited();
        let context = Context::new(doc, &budget, Deadline::never(), 16);
        interpret_page(&context, page)
    }

    #[test]
    fn positions_glyphs_with_text_and_graphics_state() {
        let (doc, page) = page_with(
            b"q 2 0 0 2 0 0 cm BT /F1 10 Tf 1 0 0 1 10 20 Tm (AB) Tj ET Q",
            Dictionary::new(),
        );
        let content = interpret(&doc, page);
        assert_eq!(content.text, "AB");
        assert_eq!(content.glyphs.len(), 2);
        let [a, b] = [&content.glyphs[0], &content.glyphs[1]];
        assert_eq!(a.origin, (20.0, 40.0));
        // Helvetica without /Widths: 500/1000 em, scaled by 10 pt and 2×.
        assert!((b.origin.0 - 30.0).abs() < 1e-9);
        assert!((a.size - 20.0).abs() < 1e-9);
        assert!(a.seq < b.seq);
    }

    #[test]
    fn tj_adjustments_and_text_leading() {
        let (doc, page) = page_with(
            b"BT /F1 10 Tf 12 TL 0 100 Td [(A) -1000 (B)] TJ T* (C) Tj ET",
            Dictionary::new(),
        );
        let content = interpret(&doc, page);
        assert_eq!(content.text, "ABC");
        assert!((content.glyphs[1].origin.0 - 15.0).abs() < 1e-9);
        assert_eq!(content.glyphs[2].origin, (0.0, 88.0));
    }

    #[test]
    fn follows_form_xobjects_and_stops_cycles() {
        let mut doc = Document::new();
        let form_id = doc.new_object_id();
        let form = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 100.into(), 0.into()],
                "Resources" => dictionary! { "XObject" => dictionary! { "Fm0" => form_id } },
            },
            b"BT /F1 10 Tf (X) Tj ET /Fm0 Do".to_vec(),
        );
        doc.objects.insert(form_id, Object::Stream(form));
        let (mut page_doc, page) = page_with(
            b"/Fm0 Do",
            dictionary! { "XObject" => dictionary! { "Fm0" => form_id } },
        );
        // Move the form into the page's document.
        for (id, object) in std::mem::take(&mut doc.objects) {
            page_doc.objects.insert(id, object);
        }
        let content = interpret(&page_doc, page);
        // The form's own resources lack /F1, so the fallback font is used and
        // the cycle is reported once.
        assert_eq!(content.text, "X");
        assert_eq!(content.glyphs[0].origin.0, 100.0);
        assert!(
            content.problems.iter().any(|p| p.contains("cycle")),
            "{:?}",
            content.problems
        );
    }

    #[test]
    fn records_filled_rectangles_with_colour_and_order() {
        let (doc, page) = page_with(
            b"BT /F1 10 Tf 10 10 Td (A) Tj ET 0 0 0 rg 5 5 20 20 re f 1 g 50 50 10 10 re f \
              /GS0 gs 0 g 70 70 5 5 re f",
            dictionary! { "ExtGState" => dictionary! { "GS0" => dictionary! { "ca" => 0.5 } } },
        );
        let content = interpret(&doc, page);
        assert_eq!(content.fills.len(), 2, "the translucent fill is not opaque");
        assert_eq!(content.fills[0].luminance, Some(0.0));
        assert_eq!(content.fills[1].luminance, Some(1.0));
        assert!(content.fills[0].seq > content.glyphs[0].seq);
        assert_eq!(content.path_fills, 3);
    }

    #[test]
    fn actual_text_replaces_glyph_text_the_font_cannot_say() {
        // /F2 maps no code to text (a symbolic font without /ToUnicode).
        let mut doc_and_page = page_with(
            b"BT /F2 10 Tf /Span << /ActualText (fi) >> BDC <0102> Tj EMC /F1 10 Tf (z) Tj ET",
            dictionary! { "Font" => dictionary! {
                "F1" => dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" },
                "F2" => dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "X", "Encoding" => "Identity-H",
                    "DescendantFonts" => vec![dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "X" }.into()] },
            } },
        );
        let (doc, page) = (&mut doc_and_page.0, doc_and_page.1);
        let content = interpret(doc, page);
        let texts: Vec<&str> = content
            .glyphs
            .iter()
            .map(|g| content.glyph_text(g))
            .collect();
        assert_eq!(texts[0], "fi", "{texts:?}");
        assert_eq!(texts.last(), Some(&"z"));
        assert!(content.alternate_texts.is_empty());
    }

    #[test]
    fn actual_text_replaces_glyph_text() {
        let (doc, page) = page_with(
            b"BT /F1 10 Tf /Span << /ActualText (fi) >> BDC (xy) Tj EMC (z) Tj ET",
            Dictionary::new(),
        );
        let content = interpret(&doc, page);
        let texts: Vec<&str> = content
            .glyphs
            .iter()
            .map(|g| content.glyph_text(g))
            .collect();
        assert_eq!(texts, ["fi", "", "z"]);
        // What the glyphs showed is kept beside the replacement.
        assert_eq!(
            content.alternate_texts,
            [(SHOWN_UNDER_ACTUAL_TEXT, String::from("xy"))]
        );
    }

    #[test]
    fn actual_text_and_alt_no_glyph_shows_are_kept() {
        let (doc, page) = page_with(
            b"BT /F1 10 Tf /Span << /ActualText (fi) >> BDC (fi) Tj EMC ET \
              /Figure << /Alt (a drawn stamp) >> BDC 0 0 10 10 re f EMC \
              /Span << /ActualText (under paths) >> BDC 0 0 m 5 5 l 9 0 l h f EMC",
            Dictionary::new(),
        );
        let content = interpret(&doc, page);
        assert_eq!(
            content.alternate_texts,
            [
                ("/Alt", String::from("a drawn stamp")),
                ("/ActualText", String::from("under paths")),
            ]
        );
        assert!(same_text("\u{2EA0}\u{FB01} \u{2F3E}", "民fi户"));
        assert!(!same_text("机密", "公开"));
    }

    #[test]
    fn a_missing_content_stream_or_one_with_no_operators_is_reported() {
        let (mut doc, page) = page_with(b"BT /F1 10 Tf (A) Tj ET", Dictionary::new());
        let contents = doc
            .get_dictionary(page)
            .unwrap()
            .get(b"Contents")
            .unwrap()
            .as_reference()
            .unwrap();
        doc.objects.remove(&contents);
        let content = interpret(&doc, page);
        assert!(
            content
                .problems
                .iter()
                .any(|p| p.contains("is missing from the file")),
            "{:?}",
            content.problems
        );
        let (doc, page) = page_with(b"\x93\xfa\x01 garbage words only", Dictionary::new());
        let content = interpret(&doc, page);
        assert!(
            content
                .problems
                .iter()
                .any(|p| p.contains("no drawing operations")),
            "{:?}",
            content.problems
        );
        let (doc, page) = page_with(b"  \n ", Dictionary::new());
        assert!(interpret(&doc, page).problems.is_empty());
    }

    #[test]
    fn the_deadline_stops_a_page() {
        let content: Vec<u8> = b"q Q ".repeat(5000);
        let (doc, page) = page_with(&content, Dictionary::new());
        let budget = Budget::unlimited();
        let context = Context::new(
            &doc,
            &budget,
            Deadline::after(std::time::Duration::ZERO),
            16,
        );
        let result = interpret_page(&context, page);
        assert!(result.timed_out);
        assert_eq!(result.problems.len(), 1);
    }
}
