//! Attachment file names as mail clients show them.
//!
//! A name is what a reviewer finds the attachment by (`mail.eml!/附件.docx`)
//! and what the `filename` rules check, so it is decoded from the raw
//! header bytes rather than taken from mail-parser, which loses two common
//! Chinese forms: an RFC 2231 name continued over several parameters
//! (`filename*0*=gbk''%B8%BD%BC%FE; filename*1*=%D2%BB.docx`, split
//! wherever the line was full, often inside a character) is decoded segment
//! by segment there, and raw 8-bit GBK bytes (old Outlook and Foxmail) come
//! back as U+FFFD.
//!
//! Read, in order of preference: `Content-Disposition: filename`, then
//! `Content-Type: name`; in each, the RFC 2231 form (`filename*`, or its
//! numbered segments joined byte by byte before decoding, the charset given
//! in the first) over the plain one. A plain value may hold RFC 2047
//! encoded words inside its quotes (`"=?GBK?B?uL28/i5kb2N4?="`, as Outlook
//! writes), and raw 8-bit bytes are UTF-8 when they are valid UTF-8, else
//! GB18030.

use super::{encoded_words, label_encoding, one_line};
use mail_parser::{HeaderName, MessagePart, MimeHeaders};
use std::collections::BTreeMap;

/// The part's file name, decoded; `None` when its headers give none.
/// `raw` is the message the part's header offsets point into.
pub fn file_name(part: &MessagePart<'_>, raw: &[u8]) -> Option<String> {
    let header_bytes = |wanted: &HeaderName<'_>| {
        part.headers
            .iter()
            .find(|header| &header.name == wanted)
            .and_then(|header| raw.get(header.offset_start as usize..header.offset_end as usize))
    };
    let from_raw = [
        (HeaderName::ContentDisposition, "filename"),
        (HeaderName::ContentType, "name"),
    ]
    .into_iter()
    .find_map(|(header, parameter)| {
        header_bytes(&header).and_then(|value| parameter_value(value, parameter))
    });
    let name = from_raw.or_else(|| {
        // The headers' bytes could not be located: what mail-parser made
        // of them.
        part.attachment_name().map(|name| {
            if name.contains("=?") {
                encoded_words(name)
            } else {
                name.to_owned()
            }
        })
    })?;
    let name = one_line(&name);
    (!name.is_empty()).then_some(name)
}

/// The decoded value of parameter `wanted` (`filename`, `name`) in a raw
/// header value such as `attachment; filename*=gbk''%B8%BD`.
fn parameter_value(value: &[u8], wanted: &str) -> Option<String> {
    let mut plain: Option<Vec<u8>> = None;
    let mut extended: Option<Vec<u8>> = None;
    // Numbered RFC 2231 segments: number → (percent-encoded?, bytes).
    let mut segments: BTreeMap<u32, (bool, Vec<u8>)> = BTreeMap::new();
    for (key, raw_value) in parameters(&unfold(value)) {
        let key = key.to_ascii_lowercase();
        let Some(rest) = key.strip_prefix(wanted) else {
            continue;
        };
        match rest {
            "" => plain = Some(raw_value),
            "*" => extended = Some(raw_value),
            _ => {
                let Some(number) = rest.strip_prefix('*') else {
                    continue;
                };
                let (number, encoded) = match number.strip_suffix('*') {
                    Some(number) => (number, true),
                    None => (number, false),
                };
                if let Ok(number) = number.parse::<u32>() {
                    segments.insert(number, (encoded, raw_value));
                }
            }
        }
    }
    if let Some(value) = extended {
        return Some(rfc2231(&[(true, value)]));
    }
    if !segments.is_empty() {
        let ordered: Vec<(bool, Vec<u8>)> = segments.into_values().collect();
        return Some(rfc2231(&ordered));
    }
    let bytes = plain?;
    let text = eight_bit(&bytes);
    Some(if text.contains("=?") {
        encoded_words(&text)
    } else {
        text
    })
}

/// RFC 2231 segments joined: the first percent-encoded one starts with
/// `charset'language'`; the bytes of all are joined before decoding, so a
/// character split between two segments is whole again.
fn rfc2231(segments: &[(bool, Vec<u8>)]) -> String {
    let mut charset = None;
    let mut bytes = Vec::new();
    for (index, (encoded, value)) in segments.iter().enumerate() {
        let mut value = value.as_slice();
        if index == 0 && *encoded {
            let mut fields = value.splitn(3, |&b| b == b'\'');
            if let (Some(label), Some(_language), Some(rest)) =
                (fields.next(), fields.next(), fields.next())
            {
                charset = std::str::from_utf8(label).ok().and_then(label_encoding);
                value = rest;
            }
        }
        if *encoded {
            bytes.extend(percent_decoded(value));
        } else {
            bytes.extend_from_slice(value);
        }
    }
    match charset {
        Some(encoding) => encoding.decode_without_bom_handling(&bytes).0.into_owned(),
        None => eight_bit(&bytes),
    }
}

/// Raw bytes of a name: UTF-8 if they are, else GB18030 if they decode
/// cleanly (the names Chinese mail clients write), else UTF-8 with U+FFFD.
fn eight_bit(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        text.into_owned()
    }
}

fn percent_decoded(value: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%'
            && let (Some(&h), Some(&l)) = (value.get(i + 1), value.get(i + 2))
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

/// A folded header value on one line: a line break followed by blanks is
/// one blank.
fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'\r' | b'\n' => {
                while i < value.len() && matches!(value[i], b'\r' | b'\n' | b' ' | b'\t') {
                    i += 1;
                }
                out.push(b' ');
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The `key=value` parameters after the first `;` of a header value;
/// quoted values lose their quotes and `\` escapes.
fn parameters(value: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = match value.iter().position(|&b| b == b';') {
        Some(at) => at + 1,
        None => return out,
    };
    while i < value.len() {
        while i < value.len() && matches!(value[i], b' ' | b'\t' | b';') {
            i += 1;
        }
        let key_start = i;
        while i < value.len() && !matches!(value[i], b'=' | b';') {
            i += 1;
        }
        let key = String::from_utf8_lossy(&value[key_start..i])
            .trim()
            .to_owned();
        if i >= value.len() || value[i] == b';' {
            continue;
        }
        i += 1; // '='
        while i < value.len() && matches!(value[i], b' ' | b'\t') {
            i += 1;
        }
        let mut parameter = Vec::new();
        if value.get(i) == Some(&b'"') {
            i += 1;
            while i < value.len() && value[i] != b'"' {
                if value[i] == b'\\' && i + 1 < value.len() {
                    i += 1;
                }
                parameter.push(value[i]);
                i += 1;
            }
            // The closing quote, then anything up to the next `;`.
            while i < value.len() && value[i] != b';' {
                i += 1;
            }
        } else {
            while i < value.len() && value[i] != b';' {
                parameter.push(value[i]);
                i += 1;
            }
            while parameter.last().is_some_and(|b| matches!(b, b' ' | b'\t')) {
                parameter.pop();
            }
        }
        if !key.is_empty() {
            out.push((key, parameter));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk_percent(text: &str) -> String {
        encoding_rs::GBK
            .encode(text)
            .0
            .iter()
            .map(|b| format!("%{b:02X}"))
            .collect()
    }

    #[test]
    fn rfc2231_names_joined_before_decoding() {
        let whole = gbk_percent("附件一.docx");
        let value = format!("attachment; filename*=gbk''{whole}");
        assert_eq!(
            parameter_value(value.as_bytes(), "filename").as_deref(),
            Some("附件一.docx")
        );
        // Split inside 一 (D2 BB), continued on a folded line.
        let (first, second) = whole.split_at(15);
        let value =
            format!("attachment;\r\n filename*0*=gbk'zh-cn'{first};\r\n filename*1*={second}");
        assert_eq!(
            parameter_value(value.as_bytes(), "filename").as_deref(),
            Some("附件一.docx")
        );
        // Segments out of order, one not percent-encoded.
        let value = "inline; filename*1=\"b.txt\"; filename*0*=utf-8''%E6%9C%BA";
        assert_eq!(
            parameter_value(value.as_bytes(), "filename").as_deref(),
            Some("机b.txt")
        );
    }

    #[test]
    fn plain_names_encoded_words_and_raw_gbk() {
        assert_eq!(
            parameter_value(b"attachment; filename=\"a \\\"b\\\".txt\"", "filename").as_deref(),
            Some("a \"b\".txt")
        );
        assert_eq!(
            parameter_value(
                b"application/octet-stream; name=\"=?GBK?B?uL28/tK7LmRvY3g=?=\"",
                "name"
            )
            .as_deref(),
            Some("附件一.docx")
        );
        let mut raw = b"attachment; filename=\"".to_vec();
        raw.extend(&*encoding_rs::GBK.encode("机密名单.xlsx").0);
        raw.extend(b"\"; size=10");
        assert_eq!(
            parameter_value(&raw, "filename").as_deref(),
            Some("机密名单.xlsx")
        );
        assert_eq!(parameter_value(b"attachment; size=3", "filename"), None);
        assert_eq!(parameter_value(b"attachment", "filename"), None);
        // `name` is not `filename`, nor a prefix of an unrelated key.
        assert_eq!(
            parameter_value(b"x; names=\"no\"; name=yes", "name").as_deref(),
            Some("yes")
        );
    }
}
