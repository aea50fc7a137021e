//! Streams lopdf loads without their data, recovered from the file.
//!
//! lopdf reads a stream's data by its `/Length`. When the length is absent,
//! negative, not a number, a reference to a missing object or to the stream
//! itself, it either keeps the stream with no data or drops the object
//! altogether — silently, so a page whose content stream it is reads as
//! blank. poppler and Ghostscript read such a stream up to its `endstream`
//! keyword. So does this module: for every object the cross-reference table
//! places in the file, a stream lopdf left empty, or an object it could not
//! load at all that is a stream, is read again from the file — the
//! dictionary by a small parser of its own, the data from after `stream`
//! to the next `endstream` — and put back into the document.
//!
//! Encrypted files are left alone: their data in the file is ciphertext.
//! What still cannot be read is reported where it is used (the page whose
//! content stream is missing says so).

use lopdf::xref::XrefEntry;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

/// How far past an object's offset its `stream` keyword is looked for.
const MAX_DICTIONARY_BYTES: usize = 64 * 1024;
/// Nesting kept in a recovered dictionary.
const MAX_DEPTH: usize = 16;

/// Recovers the data of the streams lopdf left without it; returns the
/// objects recovered, with those lopdf read despite a wrong `/Length`.
pub fn streams(doc: &mut Document, source: &[u8]) -> Vec<ObjectId> {
    if doc.encryption_state.is_some() || doc.trailer.has(b"Encrypt") {
        return Vec::new();
    }
    let candidates: Vec<(ObjectId, usize)> = doc
        .reference_table
        .entries
        .iter()
        .filter_map(|(&number, entry)| match *entry {
            XrefEntry::Normal { offset, generation } => {
                Some(((number, generation), usize::try_from(offset).ok()?))
            }
            _ => None,
        })
        .filter(|(id, _)| match doc.objects.get(id) {
            None => true,
            Some(Object::Stream(stream)) => {
                stream.content.is_empty()
                    && !super::elided::is_elided(stream)
                    && !valid_length(doc, stream)
            }
            Some(_) => false,
        })
        .collect();
    // Streams lopdf itself read to an unambiguous `endstream` when their
    // `/Length` was wrong (lopdf then rewrites the length): recovered as
    // well, and reported with the rest.
    let mut recovered: Vec<ObjectId> = doc
        .reference_table
        .entries
        .iter()
        .filter_map(|(&number, entry)| match *entry {
            XrefEntry::Normal { offset, generation } => {
                Some(((number, generation), usize::try_from(offset).ok()?))
            }
            _ => None,
        })
        .filter(|(id, offset)| {
            let Some(Object::Stream(stream)) = doc.objects.get(id) else {
                return false;
            };
            if stream.content.is_empty() || super::elided::is_elided(stream) {
                return false;
            }
            let written = raw_dictionary_at(source, *offset, *id).and_then(|dict| {
                match dict.get(b"Length").ok()? {
                    Object::Integer(length) => Some(*length),
                    Object::Reference(length_id) => doc.objects.get(length_id)?.as_i64().ok(),
                    _ => None,
                }
            });
            written.is_some_and(|length| usize::try_from(length).ok() != Some(stream.content.len()))
        })
        .map(|(id, _)| id)
        .collect();
    for (id, offset) in candidates {
        let Some((dict, data)) = read_stream_at(source, offset, id) else {
            continue;
        };
        if data.is_empty() {
            continue;
        }
        // lopdf's dictionary where it kept one: it resolves what this
        // parser does not need to.
        let dict = match doc.objects.get(&id) {
            Some(Object::Stream(stream)) => stream.dict.clone(),
            _ => dict,
        };
        doc.objects
            .insert(id, Object::Stream(Stream::new(dict, data.to_vec())));
        recovered.push(id);
    }
    recovered
}

/// A `/Length` that is a non-negative integer, directly or by reference.
fn valid_length(doc: &Document, stream: &Stream) -> bool {
    let mut value = match stream.dict.get(b"Length") {
        Ok(value) => value,
        Err(_) => return false,
    };
    for _ in 0..8 {
        match value {
            Object::Integer(length) => return *length >= 0,
            Object::Reference(id) => match doc.objects.get(id) {
                Some(next) => value = next,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

/// The dictionary and data of the stream object `id` at `offset`, and where
/// the data starts: `/Length` bytes when it is a direct integer that ends
/// at `endstream`, else as [`read_stream_at`] reads it.
pub fn stream_at(source: &[u8], offset: usize, id: ObjectId) -> Option<(Dictionary, &[u8], usize)> {
    let (dict, data) = read_stream_at(source, offset, id)?;
    let start = data.as_ptr() as usize - source.as_ptr() as usize;
    if let Ok(Object::Integer(length)) = dict.get(b"Length")
        && let Ok(length) = usize::try_from(*length)
        && let Some(exact) = source.get(start..start.checked_add(length)?)
        && source[start + length..]
            .trim_ascii_start()
            .starts_with(b"endstream")
    {
        return Some((dict, exact, start));
    }
    Some((dict, data, start))
}

/// The dictionary of the object `id` at `offset`, as written.
fn raw_dictionary_at(source: &[u8], offset: usize, id: ObjectId) -> Option<Dictionary> {
    let object = source.get(offset..)?;
    let mut parser = Parser {
        bytes: &object[..object.len().min(MAX_DICTIONARY_BYTES)],
        position: 0,
    };
    let number = parser.integer()?;
    let generation = parser.integer()?;
    if number != i64::from(id.0) || generation != i64::from(id.1) || !parser.keyword(b"obj") {
        return None;
    }
    match parser.object(0)? {
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

/// The dictionary and data of the stream object `id` at `offset`: the data
/// runs from after `stream` and its end of line to the next `endstream`
/// (less the end of line before it), or to the next `endobj`, or to the
/// end of the file.
fn read_stream_at(source: &[u8], offset: usize, id: ObjectId) -> Option<(Dictionary, &[u8])> {
    let object = source.get(offset..)?;
    let mut parser = Parser {
        bytes: &object[..object.len().min(MAX_DICTIONARY_BYTES)],
        position: 0,
    };
    let number = parser.integer()?;
    let generation = parser.integer()?;
    if number != i64::from(id.0) || generation != i64::from(id.1) || !parser.keyword(b"obj") {
        return None;
    }
    let Object::Dictionary(dict) = parser.object(0)? else {
        return None;
    };
    if !parser.keyword(b"stream") {
        return None;
    }
    let mut start = parser.position;
    match (object.get(start), object.get(start + 1)) {
        (Some(b'\r'), Some(b'\n')) => start += 2,
        (Some(b'\n' | b'\r'), _) => start += 1,
        _ => {}
    }
    let rest = object.get(start..)?;
    let end = find(rest, b"endstream")
        .or_else(|| find(rest, b"endobj"))
        .unwrap_or(rest.len());
    let mut data = &rest[..end];
    if data.ends_with(b"\r\n") {
        data = &data[..data.len() - 2];
    } else if data.ends_with(b"\n") || data.ends_with(b"\r") {
        data = &data[..data.len() - 1];
    }
    Some((dict, data))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Just enough of the PDF object syntax for a stream's dictionary.
struct Parser<'a> {
    bytes: &'a [u8],
    position: usize,
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_space(&mut self) {
        while let Some(byte) = self.peek() {
            if is_whitespace(byte) {
                self.position += 1;
            } else if byte == b'%' {
                while let Some(byte) = self.peek() {
                    if byte == b'\n' || byte == b'\r' {
                        break;
                    }
                    self.position += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A run of regular characters.
    fn word(&mut self) -> &[u8] {
        self.skip_space();
        let start = self.position;
        while let Some(byte) = self.peek() {
            if is_whitespace(byte) || is_delimiter(byte) {
                break;
            }
            self.position += 1;
        }
        &self.bytes[start..self.position]
    }

    fn keyword(&mut self, keyword: &[u8]) -> bool {
        let saved = self.position;
        if self.word() == keyword {
            return true;
        }
        self.position = saved;
        false
    }

    fn integer(&mut self) -> Option<i64> {
        std::str::from_utf8(self.word()).ok()?.parse().ok()
    }

    fn object(&mut self, depth: usize) -> Option<Object> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'/' => {
                self.position += 1;
                Some(Object::Name(self.name()))
            }
            b'(' => Some(Object::String(self.literal()?, StringFormat::Literal)),
            b'<' if self.bytes.get(self.position + 1) == Some(&b'<') => {
                self.position += 2;
                let mut dict = Dictionary::new();
                loop {
                    self.skip_space();
                    match self.peek()? {
                        b'>' => {
                            self.position += 2;
                            return Some(Object::Dictionary(dict));
                        }
                        b'/' => {
                            self.position += 1;
                            let key = self.name();
                            let value = self.object(depth + 1)?;
                            dict.set(key, value);
                        }
                        _ => return None,
                    }
                }
            }
            b'<' => {
                self.position += 1;
                let start = self.position;
                let end = start + self.bytes[start..].iter().position(|&b| b == b'>')?;
                self.position = end + 1;
                let digits: Vec<u8> = self.bytes[start..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let bytes = digits
                    .chunks(2)
                    .map(|pair| {
                        let high = (pair[0] as char).to_digit(16).unwrap_or(0) as u8;
                        let low = pair
                            .get(1)
                            .and_then(|&b| (b as char).to_digit(16))
                            .unwrap_or(0) as u8;
                        high * 16 + low
                    })
                    .collect();
                Some(Object::String(bytes, StringFormat::Hexadecimal))
            }
            b'[' => {
                self.position += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.peek()? == b']' {
                        self.position += 1;
                        return Some(Object::Array(items));
                    }
                    items.push(self.object(depth + 1)?);
                }
            }
            _ => {
                let word = self.word().to_vec();
                match word.as_slice() {
                    b"" => None,
                    b"null" => Some(Object::Null),
                    b"true" => Some(Object::Boolean(true)),
                    b"false" => Some(Object::Boolean(false)),
                    _ => {
                        let text = std::str::from_utf8(&word).ok()?;
                        if let Ok(integer) = text.parse::<i64>() {
                            // `N G R`: a reference.
                            let saved = self.position;
                            if let (Some(generation), true) = (self.integer(), self.keyword(b"R"))
                                && let (Ok(number), Ok(generation)) =
                                    (u32::try_from(integer), u16::try_from(generation))
                            {
                                return Some(Object::Reference((number, generation)));
                            }
                            self.position = saved;
                            Some(Object::Integer(integer))
                        } else {
                            text.parse::<f32>().ok().map(Object::Real)
                        }
                    }
                }
            }
        }
    }

    fn name(&mut self) -> Vec<u8> {
        let start = self.position;
        while let Some(byte) = self.peek() {
            if is_whitespace(byte) || is_delimiter(byte) {
                break;
            }
            self.position += 1;
        }
        let raw = &self.bytes[start..self.position];
        let mut name = Vec::with_capacity(raw.len());
        let mut index = 0;
        while index < raw.len() {
            if raw[index] == b'#'
                && let Some(hex) = raw.get(index + 1..index + 3)
                && let Ok(text) = std::str::from_utf8(hex)
                && let Ok(byte) = u8::from_str_radix(text, 16)
            {
                name.push(byte);
                index += 3;
            } else {
                name.push(raw[index]);
                index += 1;
            }
        }
        name
    }

    fn literal(&mut self) -> Option<Vec<u8>> {
        self.position += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        loop {
            let byte = self.peek()?;
            self.position += 1;
            match byte {
                b'\\' => {
                    let escaped = self.peek()?;
                    self.position += 1;
                    match escaped {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut value = u32::from(escaped - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(digit @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(digit - b'0');
                                        self.position += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.position += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(byte);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(out);
                    }
                    out.push(byte);
                }
                _ => out.push(byte),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_read_up_to_endstream_whatever_its_length_says() {
        let source = b"4 0 obj\n<< /Length -40 /Filter [/FlateDecode] /DecodeParms << /K 1 >> /N 5 0 R /S (a\\)b) /H <4142> >>\nstream\r\nBT (x) Tj ET\r\nendstream\nendobj\n";
        let (dict, data) = read_stream_at(source, 0, (4, 0)).unwrap();
        assert_eq!(data, b"BT (x) Tj ET");
        assert_eq!(dict.get(b"Length").unwrap(), &Object::Integer(-40));
        assert_eq!(dict.get(b"N").unwrap(), &Object::Reference((5, 0)));
        assert_eq!(dict.get(b"S").unwrap().as_str().unwrap(), b"a)b");
        assert_eq!(dict.get(b"H").unwrap().as_str().unwrap(), b"AB");
        assert!(matches!(dict.get(b"Filter"), Ok(Object::Array(items)) if items.len() == 1));
        // The wrong object at the offset is not taken.
        assert!(read_stream_at(source, 0, (5, 0)).is_none());
        // No endstream: up to endobj, or the end of the file.
        let cut = b"4 0 obj << >> stream\nBT ET";
        assert_eq!(read_stream_at(cut, 0, (4, 0)).unwrap().1, b"BT ET");
    }
}
