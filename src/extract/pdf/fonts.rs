//! Fonts: turning the bytes of a text-showing operator into glyphs — their
//! Unicode text and their advance widths.
//!
//! Text comes from, in order: the `/ToUnicode` CMap; for composite fonts a
//! predefined CJK CMap whose codes are themselves text (`UniGB-UCS2-H`,
//! `GBK-EUC-H`, …); for simple fonts the encoding (`/Differences` glyph
//! names over a standard base encoding). A glyph none of these explains is
//! *unmapped*: it is left out of the text and counted, so the page quality
//! check can say the page was not read reliably.
//!
//! Widths matter because glyph positions decide where lines break, where a
//! word space goes, and which glyphs lie under a black box.

use super::cmap::{self, CidCMap, Legacy, Predefined, UnicodeMap};
use super::collections::Collection;
use super::encodings::{self, Base};
use super::objects::{
    as_dict, get, get_array, get_dict, get_name, get_number, get_stream, number, numbers, resolve,
};
use super::streams::Budget;
use super::truetype::{self, GlyphMap};
use lopdf::{Dictionary, Document, Object};

/// One glyph decoded from a string operand.
pub struct Glyph<'t> {
    /// The Unicode text, `None` when the font does not say.
    pub text: Option<&'t str>,
    /// Horizontal advance in text space for a font size of 1.
    pub width: f64,
    /// Vertical advance (negative: downwards) for vertical fonts.
    pub vertical_advance: f64,
    /// A single-byte code 32, to which word spacing (`Tw`) applies.
    pub word_space: bool,
}

#[derive(Debug)]
enum Kind {
    Simple {
        /// Text of each code from the encoding, `None` when unknown.
        table: Vec<Option<Box<str>>>,
        /// A non-embedded CJK font used as a simple font: its bytes are
        /// really GBK/Shift-JIS/… double-byte text (Windows GDI output).
        multibyte: Option<Legacy>,
    },
    Composite {
        predefined: Option<Predefined>,
        embedded: Option<CidCMap>,
        /// The character collection its CIDs belong to.
        collection: Option<Collection>,
        /// The embedded TrueType program's inverted `cmap`, and the CID →
        /// glyph map (`None`: identity).
        glyphs: Option<(GlyphMap, Option<Vec<u16>>)>,
    },
}

/// Widths of CIDs or codes, in glyph units (1/1000 em for non-Type3).
#[derive(Debug, Default)]
struct Widths {
    /// Sorted, non-overlapping (first, last, width).
    ranges: Vec<(u32, u32, f64)>,
    default: f64,
}

impl Widths {
    fn get(&self, key: u32) -> f64 {
        self.explicit(key).unwrap_or(self.default)
    }

    fn explicit(&self, key: u32) -> Option<f64> {
        let index = self.ranges.partition_point(|(first, _, _)| *first <= key);
        match index.checked_sub(1).and_then(|i| self.ranges.get(i)) {
            Some((_, last, width)) if key <= *last => Some(*width),
            _ => None,
        }
    }

    fn push(&mut self, first: u32, last: u32, width: f64) {
        if last >= first && width.is_finite() && self.ranges.len() < 1 << 20 {
            self.ranges.push((first, last, width));
        }
    }

    fn finish(&mut self) {
        self.ranges.sort_by_key(|(first, _, _)| *first);
    }
}

#[derive(Debug)]
pub struct Font {
    /// `/BaseFont`, for messages.
    pub name: String,
    kind: Kind,
    to_unicode: Option<UnicodeMap>,
    widths: Widths,
    /// Vertical advances (W2/DW2), for vertical composite fonts.
    vertical_widths: Widths,
    pub vertical: bool,
    /// Top and bottom of glyphs relative to the baseline, in em.
    pub ascent: f64,
    pub descent: f64,
    /// Glyph units → text space (0.001, or a Type 3 font's matrix).
    width_scale: f64,
    /// The em of the font in text space (1 except for odd Type 3 fonts).
    pub em: f64,
    /// The font has no `/ToUnicode` and its encoding cannot give text.
    pub opaque: bool,
}

impl Font {
    /// A font for a missing or broken font resource: text is unknown, widths
    /// are a guess, nothing panics.
    pub fn fallback() -> Font {
        Font {
            name: String::from("(missing font)"),
            kind: Kind::Simple {
                table: Base::Standard
                    .table()
                    .iter()
                    .map(|ch| ch.map(|ch| String::from(ch).into_boxed_str()))
                    .collect(),
                multibyte: None,
            },
            to_unicode: None,
            widths: Widths {
                ranges: Vec::new(),
                default: 500.0,
            },
            vertical_widths: Widths::default(),
            vertical: false,
            ascent: 0.8,
            descent: -0.2,
            width_scale: 0.001,
            em: 1.0,
            opaque: false,
        }
    }

    pub fn load(doc: &Document, dict: &Dictionary, budget: &Budget) -> Font {
        let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"Type1");
        let name = get_name(doc, dict, b"BaseFont")
            .map(encodings::decode_text_string)
            .unwrap_or_default();
        let to_unicode = get_stream(doc, dict, b"ToUnicode")
            .and_then(|stream| budget.decode(stream).ok())
            .map(|bytes| UnicodeMap::parse(&bytes))
            .filter(|map| !map.is_empty());
        let mut font = if subtype == b"Type0" {
            // The embedded font's own cmap is read when there is no
            // /ToUnicode, or when /ToUnicode sends glyphs to the PUA.
            let want_glyph_map = to_unicode.as_ref().is_none_or(UnicodeMap::has_private_use);
            load_composite(doc, dict, budget, want_glyph_map)
        } else {
            load_simple(doc, dict, subtype == b"Type3", &name, to_unicode.is_some())
        };
        font.name = name;
        font.opaque = to_unicode.is_none()
            && match &font.kind {
                Kind::Composite {
                    predefined,
                    embedded,
                    collection,
                    glyphs,
                } => {
                    let base = embedded.as_ref().and_then(|cmap| cmap.base).or(*predefined);
                    matches!(
                        base,
                        None | Some(Predefined::Identity) | Some(Predefined::Unsupported)
                    ) && collection.is_none()
                        && glyphs.is_none()
                }
                Kind::Simple { .. } => false,
            };
        font.to_unicode = to_unicode;
        font
    }

    /// Decodes a string operand glyph by glyph.
    pub fn decode(&self, bytes: &[u8], text: &mut String, mut each: impl FnMut(&Glyph<'_>)) {
        let mut position = 0;
        while position < bytes.len() {
            let rest = &bytes[position..];
            let length = self.code_length(rest).clamp(1, rest.len());
            let code_bytes = &rest[..length];
            position += length;
            let code = cmap::code_value(code_bytes);
            text.clear();
            let mapped = self.text_of(code, code_bytes, text);
            let (width, vertical_advance) = self.advance(code, code_bytes);
            let glyph = Glyph {
                text: mapped.then_some(text.as_str()),
                width,
                vertical_advance,
                word_space: length == 1 && code == 32,
            };
            each(&glyph);
        }
    }

    fn code_length(&self, bytes: &[u8]) -> usize {
        match &self.kind {
            Kind::Simple {
                multibyte: Some(legacy),
                ..
            } => Predefined::Legacy(*legacy).code_length(bytes),
            Kind::Simple { .. } => 1,
            Kind::Composite {
                embedded: Some(cmap),
                ..
            } => cmap.code_length(bytes),
            Kind::Composite { predefined, .. } => predefined
                .unwrap_or(Predefined::Identity)
                .code_length(bytes),
        }
    }

    fn text_of(&self, code: u32, code_bytes: &[u8], out: &mut String) -> bool {
        if let Some(map) = &self.to_unicode {
            if let Some(text) = map.get(code) {
                out.push_str(text);
                if let Some(ch) = self.private_use_replacement(code, code_bytes, text) {
                    out.clear();
                    out.push(ch);
                }
                return usable(out);
            }
            if map.get_range(code, out) {
                return usable(out);
            }
        }
        match &self.kind {
            Kind::Simple {
                multibyte: Some(legacy),
                table,
            } => {
                if code_bytes.len() > 1 {
                    Predefined::Legacy(*legacy).decode(code_bytes, out) && usable(out)
                } else {
                    push_table(table, code, out)
                }
            }
            Kind::Simple { table, .. } => push_table(table, code, out),
            Kind::Composite {
                predefined,
                embedded,
                collection,
                glyphs,
            } => {
                let base = embedded.as_ref().and_then(|cmap| cmap.base).or(*predefined);
                if let Some(kind) = base
                    && kind.decode(code_bytes, out)
                    && usable(out)
                {
                    return true;
                }
                out.clear();
                let Some(cid) = self.cid(code, code_bytes) else {
                    return false;
                };
                let glyph_char = glyphs.as_ref().and_then(|(map, cid_to_gid)| {
                    let glyph = match cid_to_gid {
                        Some(table) => u32::from(*table.get(cid as usize)?),
                        None => cid,
                    };
                    map.get(glyph)
                });
                match glyph_char.or_else(|| collection.and_then(|c| c.unicode(cid))) {
                    Some(ch) if !ch.is_control() => {
                        out.push(ch);
                        true
                    }
                    _ => false,
                }
            }
        }
    }

    /// A standard character for a glyph that `/ToUnicode` sends to the
    /// private-use area, from the embedded font's own cmap (poppler does
    /// the same: MingLiU maps HKSCS characters like 𥕛 to the PUA).
    fn private_use_replacement(&self, code: u32, code_bytes: &[u8], text: &str) -> Option<char> {
        let mut chars = text.chars();
        let (Some(ch), None) = (chars.next(), chars.next()) else {
            return None;
        };
        if !cmap::is_private_use(ch) {
            return None;
        }
        let Kind::Composite {
            glyphs: Some((map, cid_to_gid)),
            ..
        } = &self.kind
        else {
            return None;
        };
        let cid = self.cid(code, code_bytes)?;
        let glyph = match cid_to_gid {
            Some(table) => u32::from(*table.get(cid as usize)?),
            None => cid,
        };
        map.get(glyph).filter(|ch| !cmap::is_private_use(*ch))
    }

    /// The CID of a code in a composite font, where it can be known.
    fn cid(&self, code: u32, code_bytes: &[u8]) -> Option<u32> {
        let Kind::Composite {
            predefined,
            embedded,
            collection,
            ..
        } = &self.kind
        else {
            return None;
        };
        match (embedded, predefined) {
            (Some(cmap), _) => cmap.cid(code),
            (None, Some(Predefined::Identity) | None) => Some(code),
            // Codes that are text (UCS-2, GBK, …) select the CID of their
            // character in the font's collection; without one, Adobe's CJK
            // collections all put proportional ASCII at CIDs 1–95.
            (None, Some(kind)) => {
                let mut text = String::new();
                let ch = kind
                    .decode(code_bytes, &mut text)
                    .then(|| text.chars().next())
                    .flatten();
                match (ch, collection) {
                    (Some(ch), Some(collection)) => collection.cid_of(ch),
                    (Some(ch), None) if (' '..='~').contains(&ch) => Some(ch as u32 - 31),
                    _ => None,
                }
            }
        }
    }

    /// Horizontal and vertical advance for a code, in text space at size 1.
    fn advance(&self, code: u32, code_bytes: &[u8]) -> (f64, f64) {
        match &self.kind {
            Kind::Simple { multibyte, .. } => {
                let width = if multibyte.is_some() && code_bytes.len() > 1 {
                    code_bytes
                        .iter()
                        .map(|&byte| self.widths.get(u32::from(byte)))
                        .sum()
                } else {
                    self.widths.get(code)
                };
                (width * self.width_scale, 0.0)
            }
            Kind::Composite {
                predefined,
                embedded,
                ..
            } => {
                let cid = self.cid(code, code_bytes);
                let half_width_default = code_bytes.len() == 1
                    && !matches!(predefined, None | Some(Predefined::Identity))
                    && embedded.is_none();
                let width = match cid {
                    Some(cid) if half_width_default => self
                        .widths
                        .explicit(cid)
                        .unwrap_or(self.widths.default / 2.0),
                    Some(cid) => self.widths.get(cid),
                    None if code_bytes.len() == 1 => self.widths.default / 2.0,
                    None => self.widths.default,
                };
                let vertical = match cid {
                    Some(cid) => self.vertical_widths.get(cid),
                    None => self.vertical_widths.default,
                };
                (width * self.width_scale, vertical * self.width_scale)
            }
        }
    }
}

/// Text that is only control characters (many ToUnicode maps send unused
/// glyphs to U+0000) counts as unmapped.
fn usable(text: &str) -> bool {
    text.chars().any(|ch| !ch.is_control() || ch == '\t')
}

fn push_table(table: &[Option<Box<str>>], code: u32, out: &mut String) -> bool {
    match table.get(code as usize).and_then(Option::as_deref) {
        Some(text) => {
            out.push_str(text);
            usable(out)
        }
        None => false,
    }
}

fn descriptor_metrics(doc: &Document, descriptor: Option<&Dictionary>) -> (f64, f64) {
    let ascent = descriptor
        .and_then(|d| get_number(doc, d, b"Ascent"))
        .map(|a| a / 1000.0)
        .filter(|a| (0.5..=1.5).contains(a))
        .unwrap_or(0.85);
    let descent = descriptor
        .and_then(|d| get_number(doc, d, b"Descent"))
        .map(|d| d / 1000.0)
        .filter(|d| (-0.6..=0.0).contains(d))
        .unwrap_or(-0.15);
    (ascent, descent)
}

fn load_composite(
    doc: &Document,
    dict: &Dictionary,
    budget: &Budget,
    want_glyph_map: bool,
) -> Font {
    let descendant = get_array(doc, dict, b"DescendantFonts")
        .and_then(|fonts| fonts.first())
        .and_then(|font| resolve(doc, font))
        .and_then(as_dict);
    let (mut predefined, mut embedded, mut vertical) = (None, None, false);
    match get(doc, dict, b"Encoding") {
        Some(Object::Name(name)) => {
            if let Some((kind, is_vertical)) = cmap::predefined(name) {
                predefined = Some(kind);
                vertical = is_vertical;
            }
        }
        Some(Object::Stream(stream)) => {
            if let Ok(bytes) = budget.decode(stream) {
                let mut cmap = CidCMap::parse(&bytes);
                if cmap.base.is_none()
                    && let Some(name) = get_name(doc, &stream.dict, b"UseCMap")
                {
                    cmap.base = cmap::predefined(name).map(|(kind, is_vertical)| {
                        cmap.vertical |= is_vertical;
                        kind
                    });
                }
                vertical = cmap.vertical || get_number(doc, &stream.dict, b"WMode") == Some(1.0);
                embedded = Some(cmap);
            }
        }
        _ => {}
    }

    let mut widths = Widths {
        ranges: Vec::new(),
        default: 1000.0,
    };
    let mut vertical_widths = Widths {
        ranges: Vec::new(),
        default: -1000.0,
    };
    let mut descriptor = None;
    let mut collection = None;
    let mut glyphs = None;
    if let Some(descendant) = descendant {
        if let Some(info) = get_dict(doc, descendant, b"CIDSystemInfo") {
            let text = |key: &[u8]| match get(doc, info, key) {
                Some(Object::String(bytes, _)) => bytes.clone(),
                Some(Object::Name(name)) => name.clone(),
                _ => Vec::new(),
            };
            collection = Collection::from_system_info(&text(b"Registry"), &text(b"Ordering"));
        }
        if want_glyph_map {
            glyphs = embedded_glyph_map(doc, descendant, budget);
        }
        if let Some(default) = get_number(doc, descendant, b"DW") {
            widths.default = default;
        }
        if let Some(items) = get_array(doc, descendant, b"W") {
            parse_cid_widths(doc, items, &mut widths, 1);
        }
        if let Some(dw2) = get_array(doc, descendant, b"DW2").and_then(|a| numbers(doc, a))
            && let [_, advance] = dw2.as_slice()
        {
            vertical_widths.default = *advance;
        }
        if let Some(items) = get_array(doc, descendant, b"W2") {
            parse_cid_widths(doc, items, &mut vertical_widths, 3);
        }
        descriptor = get_dict(doc, descendant, b"FontDescriptor");
    }
    widths.finish();
    vertical_widths.finish();
    let (ascent, descent) = descriptor_metrics(doc, descriptor);
    Font {
        name: String::new(),
        kind: Kind::Composite {
            predefined,
            embedded,
            collection,
            glyphs,
        },
        to_unicode: None,
        widths,
        vertical_widths,
        vertical,
        ascent,
        descent,
        width_scale: 0.001,
        em: 1.0,
        opaque: false,
    }
}

/// The inverted `cmap` of a CID font's embedded TrueType program, with its
/// `/CIDToGIDMap`.
fn embedded_glyph_map(
    doc: &Document,
    descendant: &Dictionary,
    budget: &Budget,
) -> Option<(GlyphMap, Option<Vec<u16>>)> {
    let descriptor = get_dict(doc, descendant, b"FontDescriptor")?;
    let program = get_stream(doc, descriptor, b"FontFile2")?;
    let bytes = budget.decode(program).ok()?;
    let map = truetype::glyph_map(&bytes)?;
    let cid_to_gid = match get(doc, descendant, b"CIDToGIDMap") {
        Some(Object::Stream(stream)) => {
            let bytes = budget.decode(stream).ok()?;
            Some(
                bytes
                    .chunks_exact(2)
                    .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                    .collect(),
            )
        }
        _ => None,
    };
    Some((map, cid_to_gid))
}

/// Parses a `/W` (`per_entry` = 1) or `/W2` (`per_entry` = 3: w1y vx vy)
/// array, keeping the first number of each entry.
fn parse_cid_widths(doc: &Document, items: &[Object], widths: &mut Widths, per_entry: usize) {
    let mut index = 0;
    while index < items.len() {
        let Some(first) = resolve(doc, &items[index]).and_then(number) else {
            index += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match items.get(index + 1).and_then(|item| resolve(doc, item)) {
            Some(Object::Array(list)) => {
                for (offset, chunk) in list.chunks(per_entry).enumerate() {
                    if let Some(width) = resolve(doc, &chunk[0]).and_then(number) {
                        let cid = first.saturating_add(offset as u32);
                        widths.push(cid, cid, width);
                    }
                }
                index += 2;
            }
            Some(last) => {
                let last = number(last).unwrap_or(f64::from(first)).max(0.0) as u32;
                if let Some(width) = items
                    .get(index + 2)
                    .and_then(|item| resolve(doc, item))
                    .and_then(number)
                {
                    widths.push(first, last, width);
                }
                index += 2 + per_entry;
            }
            None => break,
        }
    }
}

fn load_simple(
    doc: &Document,
    dict: &Dictionary,
    type3: bool,
    name: &str,
    has_to_unicode: bool,
) -> Font {
    let descriptor = get_dict(doc, dict, b"FontDescriptor");
    let embedded = descriptor.is_some_and(|descriptor| {
        [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
            .iter()
            .any(|key| descriptor.has(key))
    });
    let symbolic = descriptor
        .and_then(|descriptor| get_number(doc, descriptor, b"Flags"))
        .is_some_and(|flags| (flags as i64) & 4 != 0);
    let truetype = get_name(doc, dict, b"Subtype") == Some(b"TrueType");

    let default_base = if truetype && !symbolic {
        Base::WinAnsi
    } else {
        Base::Standard
    };
    let mut base = default_base;
    let mut differences: &[Object] = &[];
    match get(doc, dict, b"Encoding") {
        Some(Object::Name(name)) => base = Base::from_name(name).unwrap_or(default_base),
        Some(object) => {
            if let Some(encoding) = as_dict(object) {
                if let Some(name) = get_name(doc, encoding, b"BaseEncoding") {
                    base = Base::from_name(name).unwrap_or(default_base);
                }
                differences = get_array(doc, encoding, b"Differences").unwrap_or(&[]);
            }
        }
        None => {}
    }
    let mut table: Vec<Option<Box<str>>> = base
        .table()
        .iter()
        .map(|ch| ch.map(|ch| String::from(ch).into_boxed_str()))
        .collect();
    if type3 && differences.is_empty() {
        // A Type 3 font's codes mean nothing without /Differences.
        table.iter_mut().for_each(|slot| *slot = None);
    }
    let mut code = 0usize;
    for item in differences {
        match resolve(doc, item) {
            Some(Object::Name(glyph)) => {
                if let Some(slot) = table.get_mut(code) {
                    *slot = encodings::glyph_name_text(glyph).map(String::into_boxed_str);
                }
                code += 1;
            }
            Some(other) => {
                if let Some(value) = number(other) {
                    code = value.clamp(0.0, 256.0) as usize;
                }
            }
            None => {}
        }
    }

    let mut widths = Widths {
        ranges: Vec::new(),
        default: descriptor
            .and_then(|descriptor| get_number(doc, descriptor, b"MissingWidth"))
            .filter(|width| *width > 0.0)
            .unwrap_or_else(|| standard_width(name)),
    };
    let first_char = get_number(doc, dict, b"FirstChar").unwrap_or(0.0).max(0.0) as u32;
    if let Some(items) = get_array(doc, dict, b"Widths") {
        for (offset, item) in items.iter().take(256).enumerate() {
            if let Some(width) = resolve(doc, item).and_then(number) {
                let code = first_char.saturating_add(offset as u32);
                widths.push(code, code, width);
            }
        }
    }
    widths.finish();

    let (mut ascent, mut descent) = descriptor_metrics(doc, descriptor);
    let mut width_scale = 0.001;
    let mut em = 1.0;
    if type3 {
        let matrix = get_array(doc, dict, b"FontMatrix")
            .and_then(|items| numbers(doc, items))
            .filter(|m| m.len() == 6)
            .unwrap_or_else(|| vec![0.001, 0.0, 0.0, 0.001, 0.0, 0.0]);
        width_scale = matrix[0];
        let bbox = get_array(doc, dict, b"FontBBox").and_then(|items| numbers(doc, items));
        em = match bbox.as_deref() {
            Some([_, low, _, high]) if high > low => (high - low) * matrix[3].abs(),
            _ => matrix[3].abs() * 1000.0,
        };
        if !(0.05..=20.0).contains(&em) {
            em = 1.0;
        }
        ascent = 0.8;
        descent = -0.2;
    }

    // A /Differences array says what the codes are; only a bare encoding
    // name over a CJK system font hides double-byte text.
    let multibyte = (!embedded && !has_to_unicode && !type3 && differences.is_empty())
        .then(|| cjk_font_encoding(name))
        .flatten();
    Font {
        name: String::new(),
        kind: Kind::Simple { table, multibyte },
        to_unicode: None,
        widths,
        vertical_widths: Widths::default(),
        vertical: false,
        ascent,
        descent,
        width_scale,
        em,
        opaque: false,
    }
}

/// Widths for fonts without `/Widths` (the standard 14): a fixed pitch for
/// Courier, an average for the rest.
fn standard_width(name: &str) -> f64 {
    if name.contains("Courier") {
        600.0
    } else {
        500.0
    }
}

/// The legacy double-byte encoding a non-embedded CJK system font used as a
/// simple font really carries.
fn cjk_font_encoding(name: &str) -> Option<Legacy> {
    let name = name.split_once('+').map_or(name, |(_, rest)| rest);
    let lower: String = name
        .chars()
        .filter(|ch| !matches!(ch, ' ' | '-' | '_' | ','))
        .flat_map(char::to_lowercase)
        .collect();
    const GB: [&str; 18] = [
        "simsun",
        "nsimsun",
        "simhei",
        "kaiti",
        "fangsong",
        "stsong",
        "stkaiti",
        "stfangsong",
        "stheiti",
        "stzhongsong",
        "stxihei",
        "microsoftyahei",
        "dengxian",
        "youyuan",
        "lisu",
        "fz",
        "华文",
        "方正",
    ];
    const BIG5: [&str; 4] = ["mingliu", "pmingliu", "dfkai", "microsoftjhenghei"];
    const SJIS: [&str; 5] = [
        "msmincho",
        "msgothic",
        "mspmincho",
        "mspgothic",
        "msuigothic",
    ];
    const KR: [&str; 5] = ["batang", "gulim", "dotum", "gungsuh", "malgun"];
    if BIG5.iter().any(|prefix| lower.starts_with(prefix)) {
        return Some(Legacy::Big5);
    }
    if SJIS.iter().any(|prefix| lower.starts_with(prefix)) {
        return Some(Legacy::ShiftJis);
    }
    if KR.iter().any(|prefix| lower.starts_with(prefix)) {
        return Some(Legacy::EucKr);
    }
    if GB.iter().any(|prefix| lower.starts_with(prefix))
        || name.chars().any(encodings::is_cjk_ideograph)
    {
        return Some(Legacy::Gbk);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    fn glyphs(font: &Font, bytes: &[u8]) -> Vec<(Option<String>, f64)> {
        let mut out = Vec::new();
        let mut text = String::new();
        font.decode(bytes, &mut text, |glyph| {
            let width = (glyph.width * 1e6).round() / 1e6;
            out.push((glyph.text.map(String::from), width));
        });
        out
    }

    #[test]
    fn identity_h_with_to_unicode() {
        let mut doc = Document::new();
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
                     2 beginbfchar <0001> <673A> <0002> <5BC6> endbfchar"
            .to_vec();
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap));
        let descendant = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "DW" => 1000,
            "W" => vec![Object::Integer(2), Object::Array(vec![Object::Integer(500)])],
        });
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "AAAAAA+NotoSerifCJKsc",
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(descendant)],
            "ToUnicode" => Object::Reference(to_unicode),
        };
        let budget = Budget::unlimited();
        let font = Font::load(&doc, &font, &budget);
        assert!(!font.opaque);
        assert_eq!(
            glyphs(&font, &[0, 1, 0, 2, 0, 3]),
            vec![
                (Some("机".into()), 1.0),
                (Some("密".into()), 0.5),
                (None, 1.0)
            ]
        );
    }

    #[test]
    fn identity_without_to_unicode_is_opaque() {
        let doc = Document::new();
        let font = dictionary! { "Subtype" => "Type0", "Encoding" => "Identity-H" };
        let font = Font::load(&doc, &font, &Budget::unlimited());
        assert!(font.opaque);
        assert_eq!(glyphs(&font, &[0, 5]), vec![(None, 1.0)]);
    }

    #[test]
    fn predefined_gbk_cmap_without_to_unicode() {
        let doc = Document::new();
        let font = dictionary! {
            "Subtype" => "Type0", "BaseFont" => "STSong-Light", "Encoding" => "GBK-EUC-H",
        };
        let font = Font::load(&doc, &font, &Budget::unlimited());
        assert!(!font.opaque);
        let decoded = glyphs(&font, b"\xC3\xD8\xC3\xDC1");
        let text: String = decoded.iter().filter_map(|(t, _)| t.clone()).collect();
        assert_eq!(text, "秘密1");
        assert_eq!(decoded[2].1, 0.5);
    }

    #[test]
    fn simple_font_with_differences() {
        let doc = Document::new();
        let font = dictionary! {
            "Subtype" => "Type1", "BaseFont" => "Foo", "FirstChar" => 65,
            "Widths" => vec![Object::Integer(600), Object::Integer(700)],
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![
                    Object::Integer(66), Object::Name(b"uni79D8".to_vec()),
                    Object::Name(b"g77".to_vec()), Object::Name(b"fi".to_vec()),
                ],
            },
        };
        let font = Font::load(&doc, &font, &Budget::unlimited());
        assert_eq!(
            glyphs(&font, b"ABCD\x80"),
            vec![
                (Some("A".into()), 0.6),
                (Some("秘".into()), 0.7),
                (None, 0.5),
                (Some("ﬁ".into()), 0.5),
                (Some("€".into()), 0.5),
            ]
        );
    }

    #[test]
    fn non_embedded_simsun_simple_font_reads_gbk() {
        let doc = Document::new();
        let font = dictionary! {
            "Subtype" => "TrueType", "BaseFont" => "SimSun", "Encoding" => "WinAnsiEncoding",
            "FirstChar" => 32,
            "Widths" => (32..256).map(|_| Object::Integer(500)).collect::<Vec<_>>(),
        };
        let font = Font::load(&doc, &font, &Budget::unlimited());
        let decoded = glyphs(&font, b"\xB1\xB1\xBE\xA9A");
        let text: String = decoded.iter().filter_map(|(t, _)| t.clone()).collect();
        assert_eq!(text, "北京A");
        assert_eq!(decoded[0].1, 1.0);
    }

    #[test]
    fn type3_font_uses_its_matrix() {
        let doc = Document::new();
        let font = dictionary! {
            "Subtype" => "Type3", "FirstChar" => 1,
            "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
            "FontBBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            "Widths" => vec![Object::Integer(50)],
            "Encoding" => dictionary! { "Differences" => vec![Object::Integer(1), Object::Name(b"a".to_vec())] },
        };
        let font = Font::load(&doc, &font, &Budget::unlimited());
        let decoded = glyphs(&font, b"\x01\x02");
        assert_eq!(decoded[0], (Some("a".into()), 0.5));
        assert_eq!(decoded[1].0, None);
        assert!((font.em - 1.0).abs() < 1e-6);
    }

    #[test]
    fn cjk_font_names() {
        assert_eq!(cjk_font_encoding("SimSun"), Some(Legacy::Gbk));
        assert_eq!(
            cjk_font_encoding("ABCDEF+FangSong_GB2312"),
            Some(Legacy::Gbk)
        );
        assert_eq!(cjk_font_encoding("宋体"), Some(Legacy::Gbk));
        assert_eq!(cjk_font_encoding("MS-Mincho"), Some(Legacy::ShiftJis));
        assert_eq!(cjk_font_encoding("MingLiU"), Some(Legacy::Big5));
        assert_eq!(cjk_font_encoding("Helvetica"), None);
    }
}
