//! CMaps: how a composite font's bytes split into character codes, which
//! CID each code selects, and which Unicode text each code stands for.
//!
//! Three sources, in the order text is taken from them:
//! - an embedded `/ToUnicode` CMap (`bfchar`/`bfrange`),
//! - a predefined CJK CMap named by a non-embedded font (`UniGB-UCS2-H`,
//!   `GBK-EUC-H`, `90ms-RKSJ-H`, …): the codes *are* UCS-2/UTF-16 or legacy
//!   multi-byte text, decoded directly or through encoding_rs,
//! - an embedded encoding CMap (`cidchar`/`cidrange`), which gives CIDs
//!   (for widths) and, through `usecmap`, possibly a predefined base.

use super::lexer::{Lexer, Operand};
use encoding_rs::Encoding;
use std::collections::HashMap;

/// Singles kept per CMap; a bigger one is an attack, not a font.
const MAX_SINGLES: usize = 1 << 20;
/// Ranges no larger than this are expanded into singles for fast lookup.
const EXPAND_RANGE: u32 = 256;

/// Code-space ranges: which byte sequences form one code.
#[derive(Clone, Debug, Default)]
pub struct CodeSpace {
    /// (length, low bytes, high bytes)
    ranges: Vec<(usize, [u8; 4], [u8; 4])>,
}

impl CodeSpace {
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    fn add(&mut self, low: &[u8], high: &[u8]) {
        if low.len() != high.len() || low.is_empty() || low.len() > 4 {
            return;
        }
        let mut lo = [0u8; 4];
        let mut hi = [0u8; 4];
        lo[..low.len()].copy_from_slice(low);
        hi[..high.len()].copy_from_slice(high);
        self.ranges.push((low.len(), lo, hi));
    }

    /// The length of the code at the start of `bytes` (≥ 1).
    pub fn code_length(&self, bytes: &[u8]) -> usize {
        for length in 1..=4 {
            if length > bytes.len() {
                break;
            }
            let candidate = &bytes[..length];
            if self.ranges.iter().any(|(len, lo, hi)| {
                *len == length
                    && candidate
                        .iter()
                        .enumerate()
                        .all(|(i, &byte)| lo[i] <= byte && byte <= hi[i])
            }) {
                return length;
            }
        }
        // No exact match: use the length of a range whose first byte fits,
        // else the shortest length in the code space (ISO 32000 9.7.6.3).
        let first = bytes.first().copied().unwrap_or(0);
        let length = self
            .ranges
            .iter()
            .filter(|(_, lo, hi)| lo[0] <= first && first <= hi[0])
            .map(|(len, _, _)| *len)
            .min()
            .or_else(|| self.ranges.iter().map(|(len, _, _)| *len).min())
            .unwrap_or(1);
        length.clamp(1, bytes.len().max(1))
    }
}

/// Reads a big-endian code from up to 4 bytes.
pub fn code_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |value, &byte| (value << 8) | u32::from(byte))
}

/// Code → Unicode text, from a `/ToUnicode` CMap.
#[derive(Clone, Debug, Default)]
pub struct UnicodeMap {
    pub codespace: CodeSpace,
    singles: HashMap<u32, Box<str>>,
    /// (low, high, first target as UTF-16) sorted by low.
    ranges: Vec<(u32, u32, Vec<u16>)>,
}

impl UnicodeMap {
    pub fn parse(bytes: &[u8]) -> UnicodeMap {
        let mut map = UnicodeMap::default();
        let mut lexer = Lexer::for_cmap(bytes);
        let mut operands = Vec::new();
        let mut pending: Vec<Operand> = Vec::new();
        let mut section: Option<&[u8]> = None;
        while let Some(operator) = lexer.next_operation(&mut operands) {
            match operator {
                b"begincodespacerange" | b"beginbfchar" | b"beginbfrange" => {
                    section = Some(operator);
                    pending.clear();
                }
                b"endcodespacerange" => {
                    pending.append(&mut operands);
                    for pair in pending.chunks_exact(2) {
                        if let (Some(low), Some(high)) = (pair[0].string(), pair[1].string()) {
                            map.codespace.add(low, high);
                        }
                    }
                    section = None;
                }
                b"endbfchar" => {
                    pending.append(&mut operands);
                    for pair in pending.chunks_exact(2) {
                        if let Some(source) = pair[0].string() {
                            let text = target_text(&pair[1]);
                            if let Some(text) = text {
                                map.insert(code_value(source), text);
                            }
                        }
                    }
                    section = None;
                }
                b"endbfrange" => {
                    pending.append(&mut operands);
                    for triple in pending.chunks_exact(3) {
                        let (Some(low), Some(high)) = (triple[0].string(), triple[1].string())
                        else {
                            continue;
                        };
                        map.insert_range(code_value(low), code_value(high), &triple[2]);
                    }
                    section = None;
                }
                _ => {
                    // Keywords like `def`, `dict`, `usecmap` inside a section
                    // would not appear; outside one, operands are dropped.
                    if section.is_some() {
                        pending.append(&mut operands);
                    }
                }
            }
        }
        map.ranges.sort_by_key(|(low, _, _)| *low);
        map
    }

    fn insert(&mut self, code: u32, text: Box<str>) {
        if self.singles.len() < MAX_SINGLES {
            self.singles.insert(code, text);
        }
    }

    fn insert_range(&mut self, low: u32, high: u32, target: &Operand) {
        if high < low {
            return;
        }
        match target {
            Operand::String(bytes) => {
                let base: Vec<u16> = bytes
                    .chunks(2)
                    .map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
                    .collect();
                if base.is_empty() {
                    return;
                }
                if high - low < EXPAND_RANGE {
                    for offset in 0..=(high - low) {
                        if let Some(text) = offset_text(&base, offset) {
                            self.insert(low + offset, text);
                        }
                    }
                } else {
                    self.ranges.push((low, high, base));
                }
            }
            Operand::Array(items) => {
                for (offset, item) in items.iter().enumerate() {
                    let Some(code) = low.checked_add(offset as u32) else {
                        break;
                    };
                    if code > high {
                        break;
                    }
                    if let Some(text) = target_text(item) {
                        self.insert(code, text);
                    }
                }
            }
            _ => {}
        }
    }

    /// The text of a code, if the map knows it.
    pub fn get(&self, code: u32) -> Option<&str> {
        self.singles.get(&code).map(|text| &**text)
    }

    /// Looks up codes that fall in a large `bfrange`, writing the text to
    /// `out`; returns whether it was found.
    pub fn get_range(&self, code: u32, out: &mut String) -> bool {
        let index = self.ranges.partition_point(|(low, _, _)| *low <= code);
        for (low, high, base) in self.ranges[..index].iter().rev().take(4) {
            if code <= *high {
                if let Some(text) = offset_text(base, code - low) {
                    out.push_str(&text);
                    return true;
                }
                return false;
            }
        }
        false
    }

    pub fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.ranges.is_empty()
    }

    /// Whether some code maps to a private-use character (fonts that carry
    /// HKSCS or vendor characters in the PUA).
    pub fn has_private_use(&self) -> bool {
        self.singles
            .values()
            .any(|text| text.chars().any(is_private_use))
    }
}

pub fn is_private_use(ch: char) -> bool {
    matches!(ch as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// The text of a `bfchar` target: UTF-16BE hex string, or a glyph name.
fn target_text(target: &Operand) -> Option<Box<str>> {
    match target {
        Operand::String(bytes) => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
                .collect();
            let text: String = char::decode_utf16(units)
                .map(|unit| unit.unwrap_or('\u{FFFD}'))
                .collect();
            Some(text.into_boxed_str())
        }
        Operand::Name(name) => super::encodings::glyph_name_text(name).map(String::into_boxed_str),
        _ => None,
    }
}

/// The text `offset` codes after a range's first target: the last UTF-16
/// unit is incremented (and carries, as writers of large ranges expect).
fn offset_text(base: &[u16], offset: u32) -> Option<Box<str>> {
    let mut units = base.to_vec();
    let last = units.last_mut()?;
    let value = u32::from(*last) + offset;
    if value <= 0xFFFF {
        *last = value as u16;
        let text: String = char::decode_utf16(units)
            .map(|unit| unit.unwrap_or('\u{FFFD}'))
            .collect();
        return Some(text.into_boxed_str());
    }
    // A range that runs past U+FFFF from a BMP start: continue as a scalar.
    if units.len() == 1 {
        return char::from_u32(value).map(|ch| String::from(ch).into_boxed_str());
    }
    None
}

/// How the bytes of a predefined CJK CMap are turned into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predefined {
    /// Identity-H/V: two-byte codes that are CIDs; no text of their own.
    Identity,
    /// `Uni*-UCS2-*`: two-byte UCS-2.
    Ucs2,
    /// `Uni*-UTF16-*`: UTF-16BE, surrogate pairs as four-byte codes.
    Utf16,
    /// `Uni*-UTF8-*`.
    Utf8,
    /// `Uni*-UTF32-*`.
    Utf32,
    /// A legacy multi-byte encoding decoded by encoding_rs.
    Legacy(Legacy),
    /// A known name prepub has no table for (CNS-EUC, …): codes split as
    /// two bytes, no text unless `/ToUnicode` gives it.
    Unsupported,
}

/// Legacy CJK byte encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legacy {
    /// GB 2312 in EUC form (`GB-EUC-H`, `GBpc-EUC-H`).
    GbEuc,
    /// GB 2312 in 7-bit form (`GB-H`): two bytes 0x21–0x7E.
    Gb7,
    /// GBK (`GBK-EUC-H`, `GBKp-EUC-H`).
    Gbk,
    /// GB 18030 (`GBK2K-H`), with four-byte sequences.
    Gb18030,
    /// Shift-JIS (`90ms-RKSJ-H`, `83pv-RKSJ-H`, …).
    ShiftJis,
    /// EUC-JP (`EUC-H`).
    EucJp,
    /// JIS X 0208 in 7-bit form (`H`, `V`).
    Jis7,
    /// EUC-KR / Unified Hangul Code (`KSC-EUC-H`, `KSCms-UHC-H`).
    EucKr,
    /// KS X 1001 in 7-bit form (`KSC-H`).
    Ksc7,
    /// Big5 (`ETen-B5-H`, `B5pc-H`, `HKscs-B5-H`).
    Big5,
}

/// Parses a predefined CMap name; the flag says whether it is vertical.
pub fn predefined(name: &[u8]) -> Option<(Predefined, bool)> {
    let name = std::str::from_utf8(name).ok()?;
    let vertical = name.ends_with("-V") || name == "V";
    let stem = name
        .strip_suffix("-H")
        .or_else(|| name.strip_suffix("-V"))
        .unwrap_or(name);
    let kind = match stem {
        "Identity" => Predefined::Identity,
        _ if stem.starts_with("Uni") && stem.contains("UCS2") => Predefined::Ucs2,
        _ if stem.starts_with("Uni") && stem.contains("UTF16") => Predefined::Utf16,
        _ if stem.starts_with("Uni") && stem.contains("UTF8") => Predefined::Utf8,
        _ if stem.starts_with("Uni") && stem.contains("UTF32") => Predefined::Utf32,
        "GB-EUC" | "GBpc-EUC" | "GBT-EUC" | "GBTpc-EUC" => Predefined::Legacy(Legacy::GbEuc),
        "GB" | "GBT" => Predefined::Legacy(Legacy::Gb7),
        "GBK-EUC" | "GBKp-EUC" => Predefined::Legacy(Legacy::Gbk),
        "GBK2K" => Predefined::Legacy(Legacy::Gb18030),
        _ if stem.contains("RKSJ") => Predefined::Legacy(Legacy::ShiftJis),
        "EUC" => Predefined::Legacy(Legacy::EucJp),
        "H" | "V" | "Add" | "Ext" | "NWP" | "Hankaku" | "Hiragana" | "Katakana" | "Roman"
        | "WP-Symbol" => Predefined::Legacy(Legacy::Jis7),
        "KSC-EUC" | "KSCms-UHC" | "KSCms-UHC-HW" | "KSCpc-EUC" => Predefined::Legacy(Legacy::EucKr),
        "KSC" | "KSC-Johab" => Predefined::Legacy(Legacy::Ksc7),
        _ if stem.contains("B5") => Predefined::Legacy(Legacy::Big5),
        "CNS-EUC" | "CNS1" | "CNS2" | "Adobe-Japan1-UCS2" | "Adobe-GB1-UCS2"
        | "Adobe-CNS1-UCS2" | "Adobe-Korea1-UCS2" => Predefined::Unsupported,
        _ => return None,
    };
    let vertical = vertical || name == "V";
    Some((kind, vertical))
}

impl Predefined {
    /// The length of the code at the start of `bytes`.
    pub fn code_length(self, bytes: &[u8]) -> usize {
        let first = bytes.first().copied().unwrap_or(0);
        let second = bytes.get(1).copied().unwrap_or(0);
        let length = match self {
            Predefined::Identity | Predefined::Ucs2 | Predefined::Unsupported => 2,
            Predefined::Utf16 => {
                if (0xD8..=0xDB).contains(&first) {
                    4
                } else {
                    2
                }
            }
            Predefined::Utf8 => match first {
                0xF0..=0xF7 => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            },
            Predefined::Utf32 => 4,
            Predefined::Legacy(legacy) => match legacy {
                Legacy::GbEuc | Legacy::EucKr | Legacy::Big5 | Legacy::Gbk => {
                    if (0x81..=0xFE).contains(&first) { 2 } else { 1 }
                }
                Legacy::Gb18030 => {
                    if (0x81..=0xFE).contains(&first) {
                        if (0x30..=0x39).contains(&second) {
                            4
                        } else {
                            2
                        }
                    } else {
                        1
                    }
                }
                Legacy::ShiftJis => match first {
                    0x81..=0x9F | 0xE0..=0xFC => 2,
                    _ => 1,
                },
                Legacy::EucJp => match first {
                    0x8F => 3,
                    0x8E | 0xA1..=0xFE => 2,
                    _ => 1,
                },
                Legacy::Jis7 | Legacy::Gb7 | Legacy::Ksc7 => 2,
            },
        };
        length.clamp(1, bytes.len().max(1))
    }

    /// Writes the text of one code; returns false when it has none.
    pub fn decode(self, code: &[u8], out: &mut String) -> bool {
        match self {
            Predefined::Identity | Predefined::Unsupported => false,
            Predefined::Ucs2 | Predefined::Utf16 => {
                let units: Vec<u16> = code
                    .chunks(2)
                    .map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
                    .collect();
                push_decoded(
                    char::decode_utf16(units)
                        .collect::<Result<String, _>>()
                        .ok(),
                    out,
                )
            }
            Predefined::Utf8 => push_decoded(std::str::from_utf8(code).ok().map(String::from), out),
            Predefined::Utf32 => {
                push_decoded(char::from_u32(code_value(code)).map(String::from), out)
            }
            Predefined::Legacy(legacy) => {
                let (encoding, bytes): (&'static Encoding, Vec<u8>) = match legacy {
                    Legacy::GbEuc | Legacy::Gbk | Legacy::Gb18030 => {
                        (encoding_rs::GB18030, code.to_vec())
                    }
                    Legacy::Gb7 => (encoding_rs::GB18030, high_bit(code)),
                    Legacy::ShiftJis => (encoding_rs::SHIFT_JIS, code.to_vec()),
                    Legacy::EucJp => (encoding_rs::EUC_JP, code.to_vec()),
                    Legacy::Jis7 => (encoding_rs::EUC_JP, high_bit(code)),
                    Legacy::EucKr => (encoding_rs::EUC_KR, code.to_vec()),
                    Legacy::Ksc7 => (encoding_rs::EUC_KR, high_bit(code)),
                    Legacy::Big5 => (encoding_rs::BIG5, code.to_vec()),
                };
                let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
                push_decoded((!had_errors).then(|| text.into_owned()), out)
            }
        }
    }
}

fn high_bit(code: &[u8]) -> Vec<u8> {
    if code.len() == 2 {
        code.iter().map(|byte| byte | 0x80).collect()
    } else {
        code.to_vec()
    }
}

fn push_decoded(text: Option<String>, out: &mut String) -> bool {
    match text {
        Some(text) if !text.is_empty() => {
            out.push_str(&text);
            true
        }
        _ => false,
    }
}

/// An embedded encoding CMap: code → CID, possibly on top of a predefined
/// CMap named by `usecmap`.
#[derive(Clone, Debug, Default)]
pub struct CidCMap {
    pub codespace: CodeSpace,
    singles: HashMap<u32, u32>,
    ranges: Vec<(u32, u32, u32)>,
    pub vertical: bool,
    /// The predefined CMap named by `usecmap`.
    pub base: Option<Predefined>,
}

impl CidCMap {
    pub fn parse(bytes: &[u8]) -> CidCMap {
        let mut map = CidCMap::default();
        let mut lexer = Lexer::for_cmap(bytes);
        let mut operands = Vec::new();
        let mut pending: Vec<Operand> = Vec::new();
        let mut last_name: Option<Vec<u8>> = None;
        while let Some(operator) = lexer.next_operation(&mut operands) {
            match operator {
                b"begincodespacerange"
                | b"begincidchar"
                | b"begincidrange"
                | b"beginnotdefrange"
                | b"beginnotdefchar" => pending.clear(),
                b"endcodespacerange" => {
                    pending.append(&mut operands);
                    for pair in pending.chunks_exact(2) {
                        if let (Some(low), Some(high)) = (pair[0].string(), pair[1].string()) {
                            map.codespace.add(low, high);
                        }
                    }
                }
                b"endcidchar" => {
                    pending.append(&mut operands);
                    for pair in pending.chunks_exact(2) {
                        if let (Some(code), Some(cid)) = (pair[0].string(), pair[1].number())
                            && map.singles.len() < MAX_SINGLES
                        {
                            map.singles.insert(code_value(code), cid.max(0.0) as u32);
                        }
                    }
                }
                b"endcidrange" => {
                    pending.append(&mut operands);
                    for triple in pending.chunks_exact(3) {
                        if let (Some(low), Some(high), Some(cid)) =
                            (triple[0].string(), triple[1].string(), triple[2].number())
                        {
                            let (low, high) = (code_value(low), code_value(high));
                            if low <= high && map.ranges.len() < MAX_SINGLES {
                                map.ranges.push((low, high, cid.max(0.0) as u32));
                            }
                        }
                    }
                }
                b"usecmap" => {
                    if let Some(name) = operands
                        .iter()
                        .find_map(Operand::name)
                        .or(last_name.as_deref())
                    {
                        map.base = predefined(name).map(|(kind, vertical)| {
                            map.vertical |= vertical;
                            kind
                        });
                    }
                }
                b"def" => {
                    if let [Operand::Name(key), value] = operands.as_slice()
                        && key == b"WMode"
                    {
                        map.vertical = value.number() == Some(1.0);
                    }
                }
                _ => {
                    if let Some(name) = operands.iter().rev().find_map(Operand::name) {
                        last_name = Some(name.to_vec());
                    }
                    pending.append(&mut operands);
                }
            }
        }
        map.ranges.sort_by_key(|(low, _, _)| *low);
        map
    }

    pub fn code_length(&self, bytes: &[u8]) -> usize {
        if self.codespace.is_empty() {
            return self.base.unwrap_or(Predefined::Identity).code_length(bytes);
        }
        self.codespace.code_length(bytes)
    }

    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(cid) = self.singles.get(&code) {
            return Some(*cid);
        }
        let index = self.ranges.partition_point(|(low, _, _)| *low <= code);
        self.ranges[..index]
            .iter()
            .rev()
            .take(8)
            .find(|(_, high, _)| code <= *high)
            .map(|(low, _, cid)| cid + (code - low))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_to_unicode() {
        let cmap = UnicodeMap::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0A2B> <673A5BC6> endbfchar\n\
              2 beginbfrange <0010> <0012> <79D8> <0020> <0021> [<0041> <00660069>] endbfrange\n\
              1 beginbfrange <1000> <2FFF> <4E00> endbfrange\n\
              endcmap",
        );
        assert_eq!(cmap.get(3), Some(" "));
        assert_eq!(cmap.get(0x0A2B), Some("机密"));
        assert_eq!(cmap.get(0x10), Some("秘"));
        assert_eq!(cmap.get(0x12), Some("\u{79DA}"));
        assert_eq!(cmap.get(0x21), Some("fi"));
        let mut out = String::new();
        assert!(cmap.get_range(0x1001, &mut out));
        assert_eq!(out, "\u{4E01}");
        assert!(!cmap.get_range(0x3000, &mut String::new()));
        assert_eq!(cmap.codespace.code_length(&[0x0A, 0x2B]), 2);
    }

    #[test]
    fn long_sections_are_read_whole() {
        let mut program =
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange 100 beginbfchar\n".to_vec();
        for code in 0..100u32 {
            program.extend_from_slice(format!("<{code:04X}> <{:04X}>\n", 0x4E00 + code).as_bytes());
        }
        program.extend_from_slice(b"endbfchar");
        let cmap = UnicodeMap::parse(&program);
        assert_eq!(cmap.get(0), Some("\u{4E00}"));
        assert_eq!(cmap.get(99), Some("\u{4E63}"));
    }

    #[test]
    fn codespace_with_mixed_lengths() {
        let cmap =
            UnicodeMap::parse(b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange");
        assert_eq!(cmap.codespace.code_length(b"A\xB1\xB1"), 1);
        assert_eq!(cmap.codespace.code_length(b"\xB1\xB1"), 2);
        // Lead byte that fits a two-byte range but an out-of-range trail.
        assert_eq!(cmap.codespace.code_length(b"\xB1\x20"), 2);
    }

    #[test]
    fn predefined_cmaps_decode_text() {
        let (kind, vertical) = predefined(b"GBK-EUC-H").unwrap();
        assert!(!vertical);
        let bytes = b"\xC3\xD8\xC3\xDCA";
        assert_eq!(kind.code_length(bytes), 2);
        let mut out = String::new();
        assert!(kind.decode(&bytes[..2], &mut out));
        assert!(kind.decode(&bytes[2..4], &mut out));
        assert_eq!(kind.code_length(&bytes[4..]), 1);
        assert!(kind.decode(&bytes[4..], &mut out));
        assert_eq!(out, "秘密A");

        let (kind, vertical) = predefined(b"UniGB-UCS2-V").unwrap();
        assert!(vertical);
        let mut out = String::new();
        assert!(kind.decode(&[0x79, 0xD8], &mut out));
        assert_eq!(out, "秘");

        let (kind, _) = predefined(b"UniGB-UTF16-H").unwrap();
        assert_eq!(kind.code_length(&[0xD8, 0x40, 0xDC, 0x00]), 4);
        let mut out = String::new();
        assert!(kind.decode(&[0xD8, 0x40, 0xDC, 0x00], &mut out));
        assert_eq!(out, "\u{20000}");

        let (kind, _) = predefined(b"90ms-RKSJ-H").unwrap();
        let mut out = String::new();
        assert!(kind.decode(b"\x93\xfa", &mut out));
        assert_eq!(out, "日");

        let (kind, _) = predefined(b"GB-EUC-H").unwrap();
        let mut out = String::new();
        assert!(kind.decode(b"\xb1\xb1", &mut out));
        assert_eq!(out, "北");

        let (kind, _) = predefined(b"ETen-B5-H").unwrap();
        let mut out = String::new();
        assert!(kind.decode(b"\xa4\xa4", &mut out));
        assert_eq!(out, "中");

        let (kind, _) = predefined(b"KSCms-UHC-H").unwrap();
        let mut out = String::new();
        assert!(kind.decode(b"\xc7\xd1", &mut out));
        assert_eq!(out, "한");

        assert!(predefined(b"NotACMap").is_none());
        assert_eq!(
            predefined(b"Identity-V"),
            Some((Predefined::Identity, true))
        );
    }

    #[test]
    fn parses_embedded_encoding_cmap() {
        let cmap = CidCMap::parse(
            b"/CMapName /Test def /WMode 1 def 1 begincodespacerange <00> <FF> endcodespacerange\n\
              1 begincidrange <20> <7E> 1 endcidrange 1 begincidchar <80> 500 endcidchar",
        );
        assert!(cmap.vertical);
        assert_eq!(cmap.cid(0x20), Some(1));
        assert_eq!(cmap.cid(0x41), Some(34));
        assert_eq!(cmap.cid(0x80), Some(500));
        assert_eq!(cmap.cid(0x81), None);
        assert_eq!(cmap.code_length(b"AB"), 1);

        let based = CidCMap::parse(b"/UniGB-UCS2-H usecmap");
        assert_eq!(based.base, Some(Predefined::Ucs2));
    }
}
