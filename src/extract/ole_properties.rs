//! Document properties of OLE files ([MS-OLEPS]): the
//! `\x05SummaryInformation` stream (title, subject, author, keywords,
//! comments, template, last saved by, revision number) and
//! `\x05DocumentSummaryInformation` (category, manager, company, and the
//! user-defined properties), as `metadata` segments labelled like the
//! .docx/.xlsx properties ([`super::properties`]).

use super::ole::{Ole, u16_at, u32_at};
use super::properties;
use crate::extract::document::{Extraction, Part, Problem};

const SUMMARY: [u8; 16] = fmtid(
    0xF29F85E0,
    0x4FF9,
    0x1068,
    [0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3, 0xD9],
);
const DOC_SUMMARY: [u8; 16] = fmtid(
    0xD5CDD502,
    0x2E9C,
    0x101B,
    [0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE],
);
const USER_DEFINED: [u8; 16] = fmtid(
    0xD5CDD505,
    0x2E9C,
    0x101B,
    [0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE],
);

const fn fmtid(a: u32, b: u16, c: u16, d: [u8; 8]) -> [u8; 16] {
    let a = a.to_le_bytes();
    let b = b.to_le_bytes();
    let c = c.to_le_bytes();
    [
        a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], d[0], d[1], d[2], d[3], d[4], d[5], d[6],
        d[7],
    ]
}

/// Summary information property ids worth reviewing, with their labels.
const SUMMARY_FIELDS: [(u32, &str); 8] = [
    (2, "title"),
    (3, "subject"),
    (4, "author"),
    (5, "keywords"),
    (6, "comments"),
    (7, "template"),
    (8, "last modified by"),
    (9, "revision number"),
];

const DOC_SUMMARY_FIELDS: [(u32, &str); 4] = [
    (2, "category"),
    (14, "manager"),
    (15, "company"),
    (26, "content status"),
];

/// A property value as text.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Text(String),
    Other(String),
}

/// Reads both property streams of `ole` into `out`; `format` names the
/// notice rules (`metadata.doc.author`).
pub fn read(ole: &Ole<'_>, format: &str, out: &mut Extraction) {
    for (stream, sets) in [
        (
            "\u{5}SummaryInformation",
            &[(SUMMARY, &SUMMARY_FIELDS[..])][..],
        ),
        (
            "\u{5}DocumentSummaryInformation",
            &[(DOC_SUMMARY, &DOC_SUMMARY_FIELDS[..])][..],
        ),
    ] {
        if !ole.has_stream(stream) {
            continue;
        }
        let bytes = match ole.read(stream) {
            Ok(bytes) => bytes,
            Err(error) => {
                out.problems.push(Problem::partial(
                    Some(Part::Metadata.as_str().to_owned()),
                    format!("document properties: {error}"),
                ));
                continue;
            }
        };
        match parse(&bytes) {
            Ok(parsed) => {
                for (id, properties_of_set) in &parsed {
                    if let Some((_, fields)) = sets.iter().find(|(f, _)| f == id) {
                        for (pid, label) in fields.iter() {
                            if let Some((_, Value::Text(value))) =
                                properties_of_set.iter().find(|(p, _)| p == pid)
                            {
                                let value = one_line(value);
                                if !value.is_empty() {
                                    properties::push_field(label, &value, format, out);
                                }
                            }
                        }
                    } else if *id == USER_DEFINED {
                        for (name, value) in user_defined(properties_of_set) {
                            properties::push_custom(&name, &value, out);
                        }
                    }
                }
            }
            Err(error) => out.problems.push(Problem::partial(
                Some(Part::Metadata.as_str().to_owned()),
                format!(
                    "document properties ({}): {error}",
                    stream.trim_start_matches('\u{5}')
                ),
            )),
        }
    }
}

type Set = Vec<(u32, Value)>;

/// User-defined properties: the names come from the dictionary (property 0).
fn user_defined(set: &Set) -> Vec<(String, String)> {
    let names: Vec<(u32, String)> = set
        .iter()
        .find_map(|(pid, value)| match (pid, value) {
            (0, Value::Other(dictionary)) => Some(
                dictionary
                    .split('\u{1}')
                    .filter_map(|entry| {
                        let (id, name) = entry.split_once('\u{2}')?;
                        Some((id.parse().ok()?, name.to_owned()))
                    })
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    set.iter()
        .filter(|(pid, _)| *pid >= 2 && *pid < 0x8000_0000)
        .map(|(pid, value)| {
            let name = names
                .iter()
                .find(|(id, _)| id == pid)
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
            let value = match value {
                Value::Text(text) | Value::Other(text) => one_line(text),
            };
            (one_line(&name), value)
        })
        .collect()
}

fn one_line(text: &str) -> String {
    text.trim_end_matches('\0')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a property set stream into (FMTID, properties) pairs.
fn parse(bytes: &[u8]) -> Result<Vec<([u8; 16], Set)>, String> {
    if u16_at(bytes, 0) != Some(0xFFFE) {
        return Err("not a property set stream (no byte-order mark)".into());
    }
    let count = u32_at(bytes, 24).ok_or("property set stream is cut short")? as usize;
    if count > 16 {
        return Err(format!("property set stream claims {count} sections"));
    }
    let mut sets = Vec::new();
    for index in 0..count {
        let at = 28 + index * 20;
        let id: [u8; 16] = bytes
            .get(at..at + 16)
            .ok_or("property set list is cut short")?
            .try_into()
            .map_err(|_| "property set list is cut short")?;
        let offset = u32_at(bytes, at + 16).ok_or("property set list is cut short")? as usize;
        sets.push((id, parse_set(bytes, offset)?));
    }
    Ok(sets)
}

fn parse_set(bytes: &[u8], start: usize) -> Result<Set, String> {
    let cut = || "property section is cut short or points outside the stream".to_owned();
    let size = u32_at(bytes, start).ok_or_else(cut)? as usize;
    let section = bytes
        .get(start..start.checked_add(size).ok_or_else(cut)?)
        .ok_or_else(cut)?;
    let count = u32_at(section, 4).ok_or_else(cut)? as usize;
    if count > section.len() / 8 {
        return Err(format!("property section claims {count} properties"));
    }
    let mut offsets = Vec::with_capacity(count);
    for index in 0..count {
        let pid = u32_at(section, 8 + index * 8).ok_or_else(cut)?;
        let offset = u32_at(section, 12 + index * 8).ok_or_else(cut)? as usize;
        offsets.push((pid, offset));
    }
    // The code page (property 1) decides how 8-bit strings are decoded.
    let codepage = offsets
        .iter()
        .find(|(pid, _)| *pid == 1)
        .and_then(|(_, offset)| u16_at(section, offset + 4))
        .unwrap_or(1252);
    let mut out = Vec::new();
    for (pid, offset) in offsets {
        if pid == 1 {
            continue;
        }
        let value = if pid == 0 {
            dictionary(section, offset, codepage).map(Value::Other)
        } else {
            value(section, offset, codepage)
        };
        if let Some(value) = value {
            out.push((pid, value));
        }
    }
    Ok(out)
}

/// Decodes 8-bit text in a Windows code page.
pub fn decode_codepage(bytes: &[u8], codepage: u16) -> String {
    let encoding = match codepage {
        936 => encoding_rs::GBK,
        950 => encoding_rs::BIG5,
        932 => encoding_rs::SHIFT_JIS,
        949 => encoding_rs::EUC_KR,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        874 => encoding_rs::WINDOWS_874,
        10000 => encoding_rs::MACINTOSH,
        65001 => encoding_rs::UTF_8,
        54936 => encoding_rs::GB18030,
        _ => encoding_rs::WINDOWS_1252,
    };
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn string(section: &[u8], at: usize, codepage: u16) -> Option<(String, usize)> {
    let len = u32_at(section, at)? as usize;
    let data = section.get(at + 4..(at + 4).checked_add(len)?)?;
    let text = if codepage == 1200 {
        utf16(data)
    } else {
        decode_codepage(data, codepage)
    };
    Some((text.trim_end_matches('\0').to_owned(), 4 + len))
}

fn wide_string(section: &[u8], at: usize) -> Option<(String, usize)> {
    let chars = u32_at(section, at)? as usize;
    let data = section.get(at + 4..(at + 4).checked_add(chars.checked_mul(2)?)?)?;
    Some((utf16(data).trim_end_matches('\0').to_owned(), 4 + chars * 2))
}

fn value(section: &[u8], at: usize, codepage: u16) -> Option<Value> {
    let kind = u16_at(section, at)?;
    let at = at + 4;
    Some(match kind {
        0x1E => Value::Text(string(section, at, codepage)?.0),
        0x1F => Value::Text(wide_string(section, at)?.0),
        2 => Value::Text((u16_at(section, at)? as i16).to_string()),
        3 => Value::Text((u32_at(section, at)? as i32).to_string()),
        0x13 => Value::Text(u32_at(section, at)?.to_string()),
        0x0B => Value::Text(
            if u16_at(section, at)? == 0 {
                "false"
            } else {
                "true"
            }
            .into(),
        ),
        5 => {
            let b = section.get(at..at + 8)?;
            Value::Text(f64::from_le_bytes(b.try_into().ok()?).to_string())
        }
        // Vectors of strings (titles of parts): joined.
        0x101E | 0x101F => {
            let count = u32_at(section, at)? as usize;
            let mut at = at + 4;
            let mut parts = Vec::new();
            for _ in 0..count.min(4096) {
                let (text, used) = if kind == 0x101E {
                    string(section, at, codepage)?
                } else {
                    wide_string(section, at)?
                };
                at += used.next_multiple_of(4);
                parts.push(text);
            }
            Value::Other(parts.join("; "))
        }
        _ => return None,
    })
}

/// The dictionary of user-defined property names, encoded as
/// `id\u{2}name` entries joined by `\u{1}`.
fn dictionary(section: &[u8], at: usize, codepage: u16) -> Option<String> {
    let count = u32_at(section, at)? as usize;
    let mut at = at + 4;
    let mut entries = Vec::new();
    for _ in 0..count.min(4096) {
        let id = u32_at(section, at)?;
        let len = u32_at(section, at + 4)? as usize;
        at += 8;
        let name = if codepage == 1200 {
            let data = section.get(at..at.checked_add(len.checked_mul(2)?)?)?;
            at += (len * 2).next_multiple_of(4);
            utf16(data)
        } else {
            let data = section.get(at..at.checked_add(len)?)?;
            at += len;
            decode_codepage(data, codepage)
        };
        entries.push(format!("{id}\u{2}{}", name.trim_end_matches('\0')));
    }
    Some(entries.join("\u{1}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A property set stream with one section of (id, VT_LPSTR in GBK or
    /// VT_LPWSTR) properties.
    pub(crate) fn stream(id: [u8; 16], properties: &[(u32, &str)], wide: bool) -> Vec<u8> {
        let mut body = Vec::new();
        let mut index = Vec::new();
        let header = 8 + 8 * (properties.len() + 1);
        // Code page property.
        index.push((1u32, header + body.len()));
        body.extend(2u32.to_le_bytes());
        body.extend((if wide { 1200u16 } else { 936u16 }).to_le_bytes());
        body.extend([0, 0]);
        for (pid, text) in properties {
            index.push((*pid, header + body.len()));
            if wide {
                body.extend(0x1Fu32.to_le_bytes());
                let units: Vec<u16> = text.encode_utf16().chain([0]).collect();
                body.extend((units.len() as u32).to_le_bytes());
                body.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            } else {
                body.extend(0x1Eu32.to_le_bytes());
                let (gbk, _, _) = encoding_rs::GBK.encode(text);
                body.extend((gbk.len() as u32 + 1).to_le_bytes());
                body.extend(gbk.iter());
                body.push(0);
            }
            while body.len() % 4 != 0 {
                body.push(0);
            }
        }
        let mut section = Vec::new();
        section.extend(((header + body.len()) as u32).to_le_bytes());
        section.extend((index.len() as u32).to_le_bytes());
        for (pid, offset) in index {
            section.extend(pid.to_le_bytes());
            section.extend((offset as u32).to_le_bytes());
        }
        section.extend(body);
        let mut out = vec![0xFE, 0xFF, 0, 0, 6, 2, 0, 0];
        out.extend([0u8; 16]);
        out.extend(1u32.to_le_bytes());
        out.extend(id);
        out.extend(48u32.to_le_bytes());
        out.extend(section);
        out
    }

    #[test]
    fn summary_properties_in_gbk_and_utf16() {
        let summary = stream(SUMMARY, &[(2, "关于人事调整的通知"), (4, "张三")], false);
        let doc_summary = stream(DOC_SUMMARY, &[(15, "某局办公室")], true);
        let bytes = super::super::ole::tests::build(&[
            ("\u{5}SummaryInformation", &summary),
            ("\u{5}DocumentSummaryInformation", &doc_summary),
        ]);
        let limits = crate::extract::limits::Limits::default();
        let ole = Ole::open(&bytes, &limits).unwrap();
        let mut out = Extraction::default();
        read(&ole, "doc", &mut out);
        let found: Vec<(Option<&str>, &str)> = out
            .segments
            .iter()
            .map(|s| (s.label.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (Some("title"), "关于人事调整的通知"),
                (Some("author"), "张三"),
                (Some("company"), "某局办公室"),
            ]
        );
        assert!(out.problems.is_empty());
    }

    #[test]
    fn damaged_property_stream_is_partial() {
        let mut summary = stream(SUMMARY, &[(2, "标题")], false);
        summary[48] = 0xFF; // section size past the end
        summary[49] = 0xFF;
        let bytes = super::super::ole::tests::build(&[("\u{5}SummaryInformation", &summary)]);
        let limits = crate::extract::limits::Limits::default();
        let ole = Ole::open(&bytes, &limits).unwrap();
        let mut out = Extraction::default();
        read(&ole, "doc", &mut out);
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    }
}
