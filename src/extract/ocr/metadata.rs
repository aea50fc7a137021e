//! What a picture file says about itself: EXIF and XMP.
//!
//! A photo of a notice carries who took it (`Artist`, `XPAuthor`, XMP
//! `dc:creator`), what the author called it, their comments and keywords,
//! and often where it was taken (GPS) — the place of a facility is what a
//! 保密审查 looks for. These are read from every picture the OCR stage is
//! handed (standalone or inside a document), whether or not OCR is on,
//! and become `metadata` text the rules review, and a GPS finding.
//!
//! EXIF is read by `kamadak-exif` (JPEG, TIFF, PNG, WebP, HEIF); XMP is the
//! XML packet in the file (`<x:xmpmeta>`), read with quick-xml; IPTC (the
//! press captions Photoshop and newsroom tools write into a JPEG's APP13
//! segment: by-line, headline, caption, keywords) is read record by
//! record here ([`iptc_fields`]). An XMP edit history that says the picture
//! was cropped or derived from another ([`ImageMetadata::history`]) is
//! noted: the original shows more than this picture does.

use encoding_rs::GB18030;
use exif::{In, Reader, Tag, Value};
use quick_xml::Reader as XmlReader;
use quick_xml::events::Event;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The largest XMP packet read: real ones are a few KB.
const MAX_XMP: usize = 1024 * 1024;
/// The most characters kept of one field.
const MAX_FIELD_CHARS: usize = 4096;

/// Text fields and the GPS position of one picture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageMetadata {
    /// (field, value): ("EXIF Artist", "张三").
    pub fields: Vec<(String, String)>,
    /// Latitude and longitude in degrees (north and east positive).
    pub gps: Option<(f64, f64)>,
    /// What the XMP edit history says was done (`cropped`, `derived from
    /// another picture`), when it says the picture is part of a larger one.
    pub history: Option<String>,
}

impl ImageMetadata {
    /// "31.23N 121.47E".
    pub fn position(&self) -> Option<String> {
        let (lat, lon) = self.gps?;
        Some(format!(
            "{:.2}{} {:.2}{}",
            lat.abs(),
            if lat < 0.0 { 'S' } else { 'N' },
            lon.abs(),
            if lon < 0.0 { 'W' } else { 'E' }
        ))
    }
}

/// EXIF text fields reviewed, with the names they are labelled with.
const TEXT_TAGS: &[(Tag, &str)] = &[
    (Tag::Artist, "Artist"),
    (Tag::Copyright, "Copyright"),
    (Tag::ImageDescription, "ImageDescription"),
    (Tag::UserComment, "UserComment"),
    (Tag::CameraOwnerName, "CameraOwnerName"),
];

/// Windows' own tags (UTF-16LE bytes), which Explorer's file properties
/// write.
const XP_TAGS: &[(u16, &str)] = &[
    (0x9C9B, "XPTitle"),
    (0x9C9C, "XPComment"),
    (0x9C9D, "XPAuthor"),
    (0x9C9E, "XPKeywords"),
    (0x9C9F, "XPSubject"),
];

/// Reads the EXIF and XMP of a picture's bytes. Damaged metadata is not an
/// error of the picture (its pixels are read apart): what can be read is.
pub fn read(bytes: &[u8]) -> ImageMetadata {
    let mut out = ImageMetadata::default();
    // The EXIF reader is not ours: a panic in it loses the EXIF only.
    if let Ok(Some((fields, gps))) = catch_unwind(AssertUnwindSafe(|| exif_fields(bytes))) {
        out.fields = fields;
        out.gps = gps;
    }
    out.fields.extend(xmp_fields(bytes));
    out.fields.extend(iptc_fields(bytes));
    out.history = xmp_history(bytes);
    let mut seen = std::collections::HashSet::new();
    out.fields
        .retain(|(_, value)| seen.insert(value.clone()) || value.is_empty());
    out
}

type Fields = Vec<(String, String)>;

fn exif_fields(bytes: &[u8]) -> Option<(Fields, Option<(f64, f64)>)> {
    let exif = Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let mut fields = Vec::new();
    for (tag, name) in TEXT_TAGS {
        if let Some(field) = exif.get_field(*tag, In::PRIMARY)
            && let Some(text) =
                text_of(&field.value, *tag == Tag::UserComment, exif.little_endian())
        {
            fields.push((format!("EXIF {name}"), text));
        }
    }
    for (number, name) in XP_TAGS {
        if let Some(field) = exif.get_field(Tag(exif::Context::Tiff, *number), In::PRIMARY)
            && let Value::Byte(raw) = &field.value
            && let Some(text) = clean(&utf16(raw, true))
        {
            fields.push((format!("EXIF {name}"), text));
        }
    }
    let coordinate = |value: Tag, reference: Tag, negative: u8| -> Option<f64> {
        let Value::Rational(parts) = &exif.get_field(value, In::PRIMARY)?.value else {
            return None;
        };
        let [d, m, s] = parts.get(..3)? else {
            return None;
        };
        let degrees = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
        if !degrees.is_finite() {
            return None;
        }
        let sign = match &exif.get_field(reference, In::PRIMARY).map(|f| &f.value) {
            Some(Value::Ascii(texts))
                if texts.first().and_then(|t| t.first()) == Some(&negative) =>
            {
                -1.0
            }
            _ => 1.0,
        };
        Some(sign * degrees)
    };
    let gps = coordinate(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S')
        .zip(coordinate(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W'))
        .filter(|(lat, lon)| lat.abs() <= 90.0 && lon.abs() <= 180.0);
    Some((fields, gps))
}

/// The text of an EXIF value: ASCII fields (often UTF-8 or GBK in fact),
/// or a UserComment with its 8-byte character code.
fn text_of(value: &Value, comment: bool, little_endian: bool) -> Option<String> {
    match value {
        Value::Ascii(parts) => {
            let texts: Vec<String> = parts.iter().map(|part| bytes_text(part)).collect();
            clean(&texts.join("\n"))
        }
        Value::Undefined(raw, _) if comment => {
            let (code, body) = raw.split_at(raw.len().min(8));
            let text = if code.starts_with(b"UNICODE") {
                utf16(body, little_endian)
            } else {
                bytes_text(body)
            };
            clean(&text)
        }
        _ => None,
    }
}

fn bytes_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

fn utf16(bytes: &[u8], little_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| {
        if little_endian {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect()
}

/// Trimmed, without NULs and padding, capped; `None` when nothing is left.
fn clean(text: &str) -> Option<String> {
    let text: String = text
        .chars()
        .filter(|&c| c != '\0')
        .take(MAX_FIELD_CHARS)
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The `dc:` fields of the XMP packet, if the file holds one.
fn xmp_fields(bytes: &[u8]) -> Fields {
    let Some(start) = find(bytes, b"<x:xmpmeta") else {
        return Vec::new();
    };
    let rest = &bytes[start..bytes.len().min(start + MAX_XMP)];
    let end = find(rest, b"</x:xmpmeta>").map_or(rest.len(), |end| end + 12);
    let mut reader = XmlReader::from_reader(&rest[..end]);
    let mut fields: Fields = Vec::new();
    let mut current: Option<&'static str> = None;
    let mut depth = 0usize;
    // Text of the innermost element, entities resolved, until it ends.
    let mut text = String::new();
    let flush = |current: Option<&'static str>, text: &mut String, fields: &mut Fields| {
        if let Some(name) = current
            && let Some(value) = clean(text)
        {
            fields.push((format!("XMP {name}"), value));
        }
        text.clear();
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) => {
                if current.is_some() {
                    flush(current, &mut text, &mut fields);
                    depth += 1;
                } else {
                    current = dc_field(element.name().as_ref());
                    depth = 0;
                }
            }
            Ok(Event::End(_)) if current.is_some() => {
                flush(current, &mut text, &mut fields);
                if depth == 0 {
                    current = None;
                } else {
                    depth -= 1;
                }
            }
            Ok(Event::Text(content)) if current.is_some() => {
                text.push_str(&content.xml10_content());
            }
            Ok(Event::GeneralRef(reference)) if current.is_some() => {
                match reference.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    _ => text.push_str(match &*reference {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "apos" => "'",
                        "quot" => "\"",
                        _ => "",
                    }),
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    fields
}

/// IPTC datasets (record 2) reviewed, with the names they are labelled
/// with.
const IPTC_DATASETS: &[(u8, &str)] = &[
    (5, "Object Name"),
    (25, "Keywords"),
    (80, "By-line"),
    (85, "By-line Title"),
    (105, "Headline"),
    (110, "Credit"),
    (116, "Copyright Notice"),
    (120, "Caption"),
    (122, "Writer"),
];

/// The IPTC text of a JPEG: the records of its Photoshop APP13 segment
/// (`Photoshop 3.0`, resource 0x0404). Text is UTF-8 where it is valid
/// UTF-8, else GB18030 (what Chinese tools write).
fn iptc_fields(bytes: &[u8]) -> Fields {
    let mut fields = Vec::new();
    let Some(start) = find(bytes, b"Photoshop 3.0\0") else {
        return fields;
    };
    // The APP13 segment's length is the two bytes before its signature.
    let length = start
        .checked_sub(2)
        .map(|at| usize::from(u16::from_be_bytes([bytes[at], bytes[at + 1]])))
        .unwrap_or(0);
    let segment = &bytes[start..bytes.len().min(start + length.max(14))];
    let mut at = 0;
    while at + 5 <= segment.len() {
        if segment[at] != 0x1C || segment[at + 1] != 2 {
            at += 1;
            continue;
        }
        let dataset = segment[at + 2];
        let size = usize::from(u16::from_be_bytes([segment[at + 3], segment[at + 4]]));
        // An extended length (high bit) is for binary data, not text.
        if size & 0x8000 != 0 {
            break;
        }
        let data = &segment[(at + 5).min(segment.len())..(at + 5 + size).min(segment.len())];
        at += 5 + size;
        let Some((_, name)) = IPTC_DATASETS.iter().find(|(number, _)| *number == dataset) else {
            continue;
        };
        let text = match std::str::from_utf8(data) {
            Ok(text) => text.to_owned(),
            Err(_) => GB18030.decode_without_bom_handling(data).0.into_owned(),
        };
        if let Some(value) = clean(&text) {
            fields.push((format!("IPTC {name}"), value));
        }
    }
    fields
}

/// Whether the XMP edit history (`xmpMM:History`, `xmpMM:DerivedFrom`)
/// says the picture was cut from a larger one.
fn xmp_history(bytes: &[u8]) -> Option<String> {
    let start = find(bytes, b"<x:xmpmeta")?;
    let packet = &bytes[start..bytes.len().min(start + MAX_XMP)];
    let has = |needle: &[u8]| find(packet, needle).is_some();
    if has(b"stEvt:action=\"cropped\"") || has(b"<stEvt:action>cropped</stEvt:action>") {
        Some("cropped".into())
    } else if has(b"xmpMM:DerivedFrom") {
        Some("derived from another picture".into())
    } else {
        None
    }
}

fn dc_field(name: &str) -> Option<&'static str> {
    match name {
        "dc:creator" => Some("dc:creator"),
        "dc:title" => Some("dc:title"),
        "dc:description" => Some("dc:description"),
        "dc:subject" => Some("dc:subject"),
        _ => None,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian TIFF header with one IFD holding `entries` (tag,
    /// type, count, inline value or offset) and `data` after it.
    fn tiff(entries: &[(u16, u16, u32, Vec<u8>)]) -> Vec<u8> {
        let mut out = b"II*\0\x08\0\0\0".to_vec();
        let ifd_len = 2 + entries.len() * 12 + 4;
        let mut data: Vec<u8> = Vec::new();
        let mut ifd: Vec<u8> = (entries.len() as u16).to_le_bytes().to_vec();
        for (tag, kind, count, value) in entries {
            ifd.extend(tag.to_le_bytes());
            ifd.extend(kind.to_le_bytes());
            ifd.extend(count.to_le_bytes());
            if value.len() <= 4 {
                let mut inline = value.clone();
                inline.resize(4, 0);
                ifd.extend(inline);
            } else {
                let offset = 8 + ifd_len + data.len();
                ifd.extend((offset as u32).to_le_bytes());
                data.extend(value);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        ifd.extend(0u32.to_le_bytes());
        out.extend(ifd);
        out.extend(data);
        out
    }

    fn rationals(values: &[(u32, u32)]) -> Vec<u8> {
        values
            .iter()
            .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
            .collect()
    }

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .chain([0, 0])
            .collect()
    }

    #[test]
    fn exif_text_fields_and_gps_are_read() {
        let artist = "张三\0".as_bytes().to_vec();
        let title = utf16le("机密会议现场");
        let gps = vec![
            (1u16, 2u16, 2u32, b"N\0".to_vec()),
            (2, 5, 3, rationals(&[(31, 1), (13, 1), (48, 1)])),
            (3, 2, 2, b"E\0".to_vec()),
            (4, 5, 3, rationals(&[(121, 1), (28, 1), (12, 1)])),
        ];
        // Build the GPS IFD as a TIFF of its own, then graft it.
        let base = tiff(&[
            (0x013B, 2, artist.len() as u32, artist.clone()),
            (0x9C9B, 1, title.len() as u32, title.clone()),
            (0x8825, 4, 1, 0u32.to_le_bytes().to_vec()),
        ]);
        let gps_offset = base.len() as u32;
        let mut file = tiff(&[
            (0x013B, 2, artist.len() as u32, artist),
            (0x9C9B, 1, title.len() as u32, title),
            (0x8825, 4, 1, gps_offset.to_le_bytes().to_vec()),
        ]);
        assert_eq!(file.len() as u32, gps_offset);
        let gps_ifd = &tiff(&gps)[8..];
        // Offsets inside the GPS IFD were made for position 8: move them.
        let mut gps_ifd = gps_ifd.to_vec();
        let count = u16::from_le_bytes([gps_ifd[0], gps_ifd[1]]) as usize;
        for entry in 0..count {
            let at = 2 + entry * 12;
            let kind = u16::from_le_bytes([gps_ifd[at + 2], gps_ifd[at + 3]]);
            if kind == 5 {
                let old = u32::from_le_bytes(gps_ifd[at + 8..at + 12].try_into().unwrap());
                let new = old - 8 + gps_offset;
                gps_ifd[at + 8..at + 12].copy_from_slice(&new.to_le_bytes());
            }
        }
        file.extend(gps_ifd);
        let metadata = read(&file);
        assert!(
            metadata
                .fields
                .contains(&("EXIF Artist".into(), "张三".into())),
            "{metadata:?}"
        );
        assert!(
            metadata
                .fields
                .contains(&("EXIF XPTitle".into(), "机密会议现场".into())),
            "{metadata:?}"
        );
        assert_eq!(metadata.position().as_deref(), Some("31.23N 121.47E"));
    }

    #[test]
    fn user_comments_in_unicode_are_read() {
        let mut comment = b"UNICODE\0".to_vec();
        comment.extend(utf16le("内部资料"));
        assert_eq!(
            text_of(&Value::Undefined(comment, 0), true, true).as_deref(),
            Some("内部资料")
        );
        let ascii = b"ASCII\0\0\0hello".to_vec();
        assert_eq!(
            text_of(&Value::Undefined(ascii, 0), true, true).as_deref(),
            Some("hello")
        );
    }

    #[test]
    fn xmp_dc_fields_are_read() {
        let packet = "junk<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='r'><rdf:Description xmlns:dc='d'>\
            <dc:creator><rdf:Seq><rdf:li>李四</rdf:li></rdf:Seq></dc:creator>\
            <dc:title><rdf:Alt><rdf:li xml:lang='x-default'>厂区布置图 &amp; 说明</rdf:li></rdf:Alt></dc:title>\
            <dc:format>image/jpeg</dc:format>\
            <dc:subject><rdf:Bag><rdf:li>绝密</rdf:li><rdf:li>工程</rdf:li></rdf:Bag></dc:subject>\
            </rdf:Description></rdf:RDF></x:xmpmeta>junk";
        let metadata = read(packet.as_bytes());
        assert_eq!(
            metadata.fields,
            [
                ("XMP dc:creator".to_owned(), "李四".to_owned()),
                ("XMP dc:title".to_owned(), "厂区布置图 & 说明".to_owned()),
                ("XMP dc:subject".to_owned(), "绝密".to_owned()),
                ("XMP dc:subject".to_owned(), "工程".to_owned()),
            ]
        );
        assert_eq!(metadata.gps, None);
    }

    /// A JPEG carrying an APP13 Photoshop segment with IPTC records.
    fn with_iptc(records: &[(u8, &[u8])]) -> Vec<u8> {
        let mut iptc = Vec::new();
        for (dataset, data) in records {
            iptc.extend_from_slice(&[0x1C, 2, *dataset]);
            iptc.extend_from_slice(&(data.len() as u16).to_be_bytes());
            iptc.extend_from_slice(data);
        }
        let mut body = b"Photoshop 3.0\0".to_vec();
        body.extend_from_slice(b"8BIM\x04\x04\0\0");
        body.extend_from_slice(&(iptc.len() as u32).to_be_bytes());
        body.extend_from_slice(&iptc);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xED];
        jpeg.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        jpeg.extend_from_slice(&body);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn iptc_captions_are_read_in_utf8_and_gb18030() {
        let (gbk, _, _) = GB18030.encode("××基地雷达站");
        let jpeg = with_iptc(&[
            (80, "张三".as_bytes()),
            (120, &gbk),
            (25, b"site survey"),
            (90, b"\x1b%G"),
        ]);
        let found = read(&jpeg);
        assert!(
            found
                .fields
                .contains(&("IPTC By-line".into(), "张三".into())),
            "{found:?}"
        );
        assert!(
            found
                .fields
                .contains(&("IPTC Caption".into(), "××基地雷达站".into()))
        );
        assert!(
            found
                .fields
                .contains(&("IPTC Keywords".into(), "site survey".into()))
        );
        assert_eq!(found.fields.len(), 3, "the coded character set is not text");
    }

    #[test]
    fn an_edit_history_of_cropping_is_noted() {
        let cropped =
            b"<x:xmpmeta><rdf:li stEvt:action=\"cropped\" stEvt:when=\"2024\"/></x:xmpmeta>";
        assert_eq!(read(cropped).history.as_deref(), Some("cropped"));
        let derived = b"<x:xmpmeta><xmpMM:DerivedFrom stRef:documentID=\"x\"/></x:xmpmeta>";
        assert_eq!(
            read(derived).history.as_deref(),
            Some("derived from another picture")
        );
        assert_eq!(read(b"<x:xmpmeta></x:xmpmeta>").history, None);
    }

    #[test]
    fn damaged_metadata_reads_as_none_without_panicking() {
        for bytes in [
            &b"II*\0\xff\xff\xff\xff"[..],
            b"\xff\xd8\xff\xe1\xff\xffExif\0\0II*\0",
            b"<x:xmpmeta><dc:title><rdf:li>unclosed",
            b"",
        ] {
            let metadata = read(bytes);
            assert_eq!(metadata.gps, None);
        }
    }
}
