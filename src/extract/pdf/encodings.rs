//! Single-byte font encodings, glyph names and PDF text strings.
//!
//! The standard encoding tables and the Adobe Glyph List are taken from
//! lopdf, which carries them but does not export them: its public
//! `get_font_encoding` is asked once per table (and once per unknown glyph
//! name) through a tiny synthetic font dictionary. That keeps ~4,000 glyph
//! names out of this crate while the decoding logic — which lopdf gets wrong
//! for our purposes (one unknown name in `/Differences` discards the whole
//! array) — stays here.

use lopdf::{Dictionary, Document, Object};
use std::sync::OnceLock;

/// A 256-entry code → character table of a standard encoding.
pub type Table = [Option<char>; 256];

/// The base encodings a simple font can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    Standard,
    WinAnsi,
    MacRoman,
    MacExpert,
    PdfDoc,
}

impl Base {
    pub fn from_name(name: &[u8]) -> Option<Base> {
        match name {
            b"StandardEncoding" => Some(Base::Standard),
            b"WinAnsiEncoding" => Some(Base::WinAnsi),
            b"MacRomanEncoding" => Some(Base::MacRoman),
            b"MacExpertEncoding" => Some(Base::MacExpert),
            b"PDFDocEncoding" => Some(Base::PdfDoc),
            _ => None,
        }
    }

    fn lopdf_name(self) -> &'static str {
        match self {
            Base::Standard => "StandardEncoding",
            Base::WinAnsi => "WinAnsiEncoding",
            Base::MacRoman => "MacRomanEncoding",
            Base::MacExpert => "MacExpertEncoding",
            Base::PdfDoc => "PDFDocEncoding",
        }
    }

    pub fn table(self) -> &'static Table {
        static TABLES: [OnceLock<Table>; 5] = [const { OnceLock::new() }; 5];
        let index = self as usize;
        TABLES[index].get_or_init(|| build_table(self))
    }
}

fn build_table(base: Base) -> Table {
    let mut table = [None; 256];
    let doc = Document::new();
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set(
        "Encoding",
        Object::Name(base.lopdf_name().as_bytes().to_vec()),
    );
    if let Ok(encoding) = font.get_font_encoding(&doc) {
        for (code, slot) in table.iter_mut().enumerate() {
            if let Ok(text) = encoding.bytes_to_string(&[code as u8]) {
                let mut chars = text.chars();
                if let (Some(ch), None) = (chars.next(), chars.next()) {
                    *slot = Some(ch);
                }
            }
        }
    }
    if base == Base::WinAnsi {
        // PDF 32000 Annex D: WinAnsi also maps these, as Windows does.
        table[0xA0] = Some('\u{A0}');
        table[0xAD] = Some('\u{AD}');
    }
    table
}

/// The Unicode text of a glyph name: Adobe Glyph List names, `uniXXXX`
/// (one or more BMP code points), `uXXXX`–`uXXXXXX`, ligatures written
/// `f_f_i`, and suffixed variants like `a.sc`. `None` for names that say
/// nothing about the character (`g123`, `cid456`, `.notdef`).
pub fn glyph_name_text(name: &[u8]) -> Option<String> {
    let base = match name.iter().position(|&byte| byte == b'.') {
        Some(0) => return None,
        Some(dot) => &name[..dot],
        None => name,
    };
    let mut text = String::new();
    for component in base.split(|&byte| byte == b'_') {
        if component.is_empty() {
            continue;
        }
        text.push_str(&component_text(component)?);
    }
    (!text.is_empty()).then_some(text)
}

fn component_text(name: &[u8]) -> Option<String> {
    if let Some(hex) = name.strip_prefix(b"uni")
        && !hex.is_empty()
        && hex.len() % 4 == 0
        && hex.iter().all(u8::is_ascii_hexdigit)
    {
        let mut text = String::new();
        for chunk in hex.chunks(4) {
            let value = u32::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
            text.push(char::from_u32(value)?);
        }
        return Some(text);
    }
    if let Some(hex) = name.strip_prefix(b"u")
        && (4..=6).contains(&hex.len())
        && hex.iter().all(u8::is_ascii_hexdigit)
    {
        let value = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        return char::from_u32(value).map(String::from);
    }
    adobe_glyph_list(name).map(String::from)
}

/// Looks a name up in lopdf's copy of the Adobe Glyph List.
fn adobe_glyph_list(name: &[u8]) -> Option<char> {
    let doc = Document::new();
    let mut differences = Dictionary::new();
    differences.set(
        "Differences",
        Object::Array(vec![Object::Integer(0), Object::Name(name.to_vec())]),
    );
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Encoding", Object::Dictionary(differences));
    // Code 0 is undefined in StandardEncoding, which lopdf falls back to when
    // the name is unknown, so any text here came from the name.
    let text = font
        .get_font_encoding(&doc)
        .ok()?
        .bytes_to_string(&[0])
        .ok()?;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(ch), None) if ch != '\0' => Some(ch),
        _ => None,
    }
}

/// Decodes a PDF text string (Info values, annotation contents, bookmark
/// titles): UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding.
///
/// Chinese producers often write GBK bytes with no BOM; read as
/// PDFDocEncoding they become `±±¾©` mojibake. Bytes that are not valid
/// UTF-8 but decode as GBK into Chinese characters are read as GBK.
pub fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if bytes.iter().all(u8::is_ascii) {
        return bytes.iter().map(|&byte| char::from(byte)).collect();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let (gbk, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
    if !had_errors && gbk.chars().any(is_cjk_ideograph) {
        return gbk.into_owned();
    }
    let table = Base::PdfDoc.table();
    bytes
        .iter()
        .filter_map(|&byte| table[usize::from(byte)])
        .collect()
}

/// CJK Unified Ideographs and their extensions and compatibility blocks.
pub fn is_cjk_ideograph(ch: char) -> bool {
    matches!(ch as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Characters of CJK text: ideographs, kana, hangul, CJK punctuation and
/// full-width forms. No space is ever inserted next to one of these.
pub fn is_cjk(ch: char) -> bool {
    is_cjk_ideograph(ch)
        || matches!(ch as u32,
            0x2E80..=0x2FDF      // radicals
            | 0x3000..=0x303F    // CJK symbols and punctuation
            | 0x3040..=0x30FF    // kana
            | 0x3100..=0x31FF    // bopomofo, kana extensions
            | 0x3200..=0x33FF    // enclosed, compatibility
            | 0xAC00..=0xD7AF    // hangul
            | 0x1100..=0x11FF
            | 0xFE30..=0xFE4F    // vertical forms
            | 0xFF00..=0xFFEF) // full-width and half-width forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_tables_come_from_lopdf() {
        assert_eq!(Base::WinAnsi.table()[0x80], Some('€'));
        assert_eq!(Base::WinAnsi.table()[b'A' as usize], Some('A'));
        assert_eq!(Base::Standard.table()[0x27], Some('’'));
        assert_eq!(Base::MacRoman.table()[0x8A], Some('ä'));
        assert_eq!(Base::Standard.table()[0], None);
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_text(b"A").as_deref(), Some("A"));
        assert_eq!(glyph_name_text(b"uni4E2D").as_deref(), Some("中"));
        assert_eq!(glyph_name_text(b"uni4E2D6587").as_deref(), Some("中文"));
        assert_eq!(glyph_name_text(b"u20BB7").as_deref(), Some("𠮷"));
        assert_eq!(glyph_name_text(b"f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_name_text(b"a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_name_text(b"quotedblleft").as_deref(), Some("“"));
        assert_eq!(glyph_name_text(b"g123"), None);
        assert_eq!(glyph_name_text(b".notdef"), None);
        assert_eq!(glyph_name_text(b"uniD800"), None);
    }

    #[test]
    fn text_strings() {
        assert_eq!(decode_text_string(b"\xFE\xFF\x4E\x2D\x65\x87"), "中文");
        assert_eq!(decode_text_string(b"plain"), "plain");
        assert_eq!(decode_text_string("机密".as_bytes()), "机密");
        // GBK 北京 without a BOM, which PDFDocEncoding would turn into ±±¾©.
        assert_eq!(decode_text_string(b"\xB1\xB1\xBE\xA9"), "北京");
        assert_eq!(decode_text_string(b"caf\xE9"), "café");
    }
}
