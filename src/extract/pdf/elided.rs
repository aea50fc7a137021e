//! Image data left in the file instead of in memory.
//!
//! lopdf copies the data of every stream into the `Document` it loads, so a
//! 500 MB scan held as one buffer was held twice. prepub never reads the
//! pixels of most images: the text is in content streams, fonts, CMaps,
//! annotations, metadata and attachments. So while lopdf loads a file,
//! [`filter`] empties the data of large image XObjects and marks their
//! dictionary with the length and a fingerprint of what was dropped. The one
//! reader of pixels, the failed-redaction check, gets them back with
//! [`restore`] from the bytes lopdf loaded, which the extractor holds anyway.
//!
//! Encrypted files are not elided: lopdf's decrypting loader does not call
//! the filter, and the bytes in the file would be ciphertext. A restore that
//! does not find bytes matching the fingerprint (a damaged cross-reference
//! table that names another object's offset) returns nothing, as an image
//! that cannot be decoded does.

use lopdf::xref::XrefEntry;
use lopdf::{Document, Object, ObjectId, Stream};
use std::hash::{DefaultHasher, Hasher};

/// Image data at least this large is left in the file. Black-box images
/// are small; a page scan is hundreds of kilobytes.
pub const MIN_ELIDED_BYTES: usize = 64 * 1024;

/// The dictionary key that marks an elided stream: `[length fingerprint]`.
/// Not a PDF key; any the file itself has is removed while loading, so the
/// mark is always prepub's own.
const MARK: &[u8] = b"PrepubElided";

/// How far past an object's offset its `stream` keyword is looked for: the
/// object number and the image dictionary come first, and they are small.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// `stream` keywords tried before giving up (strings in the dictionary may
/// contain the word).
const MAX_CANDIDATES: usize = 16;

/// lopdf's load filter: drops the data of large image XObjects.
///
/// lopdf keeps the object it passed in, as changed here, for objects stored
/// on their own, and the returned one for objects inside object streams.
/// Streams are always stored on their own (PDF 32000-1 7.5.7), so the
/// returned copy of a stream is only its dictionary: a copy of its data
/// would be the transient double this module exists to avoid.
pub fn filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let Object::Stream(stream) = object else {
        return Some((id, object.clone()));
    };
    stream.dict.remove(MARK);
    if is_image(stream) && stream.content.len() >= MIN_ELIDED_BYTES {
        let length = i64::try_from(stream.content.len()).unwrap_or(i64::MAX);
        let mark = vec![
            Object::Integer(length),
            Object::Integer(fingerprint(&stream.content)),
        ];
        stream.dict.set(MARK, mark);
        stream.content = Vec::new();
    }
    let mut copy = Stream::with_position(stream.dict.clone(), 0);
    copy.start_position = stream.start_position;
    Some((id, Object::Stream(copy)))
}

/// Whether the stream's data was left in the file.
pub fn is_elided(stream: &Stream) -> bool {
    stream.dict.has(MARK)
}

/// The bytes lopdf parsed: it skips anything before the `%PDF-` header, and
/// the offsets in its cross-reference table count from there.
pub fn loaded_bytes(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .windows(5)
        .position(|window| window == b"%PDF-")
        .unwrap_or(0);
    &bytes[start..]
}

/// The stream `id` with its data read back from `source` (what
/// [`loaded_bytes`] returns for the buffer the document was loaded from), or
/// `None` when the data there is not what was dropped.
pub fn restore(source: &[u8], doc: &Document, id: ObjectId, stream: &Stream) -> Option<Stream> {
    let (length, expected) = match stream.dict.get(MARK) {
        Ok(Object::Array(items)) => match items.as_slice() {
            [Object::Integer(length), Object::Integer(expected)] => {
                (usize::try_from(*length).ok()?, *expected)
            }
            _ => return None,
        },
        _ => return None,
    };
    if doc.encryption_state.is_some() {
        return None;
    }
    let offset = match doc.reference_table.get(id.0)? {
        XrefEntry::Normal { offset, generation } if *generation == id.1 => {
            usize::try_from(*offset).ok()?
        }
        _ => return None,
    };
    let header = source.get(offset..)?;
    let header = &header[..header.len().min(MAX_HEADER_BYTES)];
    let data = data_starts(header)
        .take(MAX_CANDIDATES)
        .map(|start| offset + start)
        .filter_map(|start| source.get(start..start.checked_add(length)?))
        .find(|data| fingerprint(data) == expected)?;
    let mut dict = stream.dict.clone();
    dict.remove(MARK);
    Some(Stream {
        dict,
        content: data.to_vec(),
        allows_compression: stream.allows_compression,
        start_position: stream.start_position,
    })
}

/// An image XObject (named directly, as every writer does).
fn is_image(stream: &Stream) -> bool {
    let subtype = matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(name)) if name == b"Image");
    let kind = match stream.dict.get(b"Type") {
        Ok(Object::Name(name)) => name == b"XObject",
        Ok(_) => false,
        Err(_) => true,
    };
    subtype && kind
}

/// Where stream data may start in `header`: after a `stream` keyword (not
/// `endstream`), optional spaces and one end of line, as lopdf reads it.
fn data_starts(header: &[u8]) -> impl Iterator<Item = usize> + '_ {
    header
        .windows(6)
        .enumerate()
        .filter(|(at, window)| *window == b"stream" && !header[..*at].ends_with(b"end"))
        .filter_map(|(at, _)| {
            let mut position = at + 6;
            while matches!(header.get(position), Some(b' ' | b'\t')) {
                position += 1;
            }
            match (header.get(position), header.get(position + 1)) {
                (Some(b'\r'), Some(b'\n')) => Some(position + 2),
                (Some(b'\n' | b'\r'), _) => Some(position + 1),
                _ => None,
            }
        })
}

/// A fingerprint of stream data: its length, its first and last 4 KiB, and
/// 64 bytes of every 64 KiB between. Found at the offset the document names
/// for the object, right after its `stream` keyword, data matching all that
/// is the data lopdf read; hashing every byte would cost a second pass over
/// the whole file for nothing.
fn fingerprint(data: &[u8]) -> i64 {
    const EDGE: usize = 4096;
    const STRIDE: usize = 64 * 1024;
    const SAMPLE: usize = 64;
    let mut hasher = DefaultHasher::new();
    hasher.write_usize(data.len());
    hasher.write(&data[..data.len().min(EDGE)]);
    hasher.write(&data[data.len().saturating_sub(EDGE)..]);
    for start in (EDGE..data.len().saturating_sub(EDGE)).step_by(STRIDE) {
        hasher.write(&data[start..(start + SAMPLE).min(data.len())]);
    }
    hasher.finish() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn image(size: usize) -> Object {
        let pixels: Vec<u8> = (0..size).map(|n| (n * 7 % 251) as u8).collect();
        Object::Stream(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image" },
            pixels,
        ))
    }

    /// The object as lopdf keeps it (changed in place).
    fn filtered(object: Object) -> Stream {
        let mut object = object;
        assert!(
            filter((1, 0), &mut object).is_some(),
            "every object is kept"
        );
        match object {
            Object::Stream(stream) => stream,
            _ => panic!("a stream stays a stream"),
        }
    }

    #[test]
    fn only_large_images_are_elided() {
        let large = filtered(image(MIN_ELIDED_BYTES));
        assert!(is_elided(&large) && large.content.is_empty());
        let small = filtered(image(MIN_ELIDED_BYTES - 1));
        assert!(!is_elided(&small) && small.content.len() == MIN_ELIDED_BYTES - 1);
        let font = filtered(Object::Stream(Stream::new(
            dictionary! { "Length1" => 5 },
            vec![0; MIN_ELIDED_BYTES * 2],
        )));
        assert!(!is_elided(&font) && !font.content.is_empty());
        let attachment = filtered(Object::Stream(Stream::new(
            dictionary! { "Type" => "EmbeddedFile", "Subtype" => "Image" },
            vec![0; MIN_ELIDED_BYTES * 2],
        )));
        assert!(!is_elided(&attachment));
    }

    #[test]
    fn a_mark_written_in_the_file_is_removed() {
        let forged = filtered(Object::Stream(Stream::new(
            dictionary! { "PrepubElided" => vec![Object::Integer(3), Object::Integer(0)] },
            b"BT ET".to_vec(),
        )));
        assert!(!is_elided(&forged));
        assert_eq!(forged.content, b"BT ET");
    }

    #[test]
    fn stream_data_starts_after_the_keyword_and_one_end_of_line() {
        let header = b"5 0 obj\n<< /Title (endstream stream) /Length 3 >>\nstream\r\n\nabc";
        let starts: Vec<usize> = data_starts(header).collect();
        assert_eq!(starts.len(), 1);
        assert_eq!(&header[starts[0]..], b"\nabc");
        let spaced = b"<< >> stream  \rabc";
        assert_eq!(
            data_starts(spaced).map(|at| &spaced[at..]).next(),
            Some(&b"abc"[..])
        );
    }

    #[test]
    fn the_fingerprint_sees_sampled_changes() {
        let data: Vec<u8> = (0..300_000u32).map(|n| n as u8).collect();
        let mut changed = data.clone();
        changed[4096 + 64 * 1024] ^= 1;
        assert_ne!(fingerprint(&data), fingerprint(&changed));
        changed = data.clone();
        changed[data.len() - 1] ^= 1;
        assert_ne!(fingerprint(&data), fingerprint(&changed));
        assert_ne!(fingerprint(&data), fingerprint(&data[..data.len() - 1]));
    }
}
