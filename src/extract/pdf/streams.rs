//! Decoding streams under the per-stream and per-document caps.
//!
//! A few kilobytes of deflate can expand to gigabytes. Every stream prepub
//! decodes — page contents, form XObjects, CMaps, XMP, attachments — goes
//! through one [`Budget`], which bounds each stream by `--max-part-size` and
//! the document's total by `--max-inflated`, and remembers which limit was
//! hit so the extraction can say so instead of silently missing text.

use crate::extract::limits::Limits;
use lopdf::{DecompressError, Error, Object, Stream};
use std::cell::{Cell, RefCell};
use std::io::Read;

/// A stream decoded as far as its data allowed.
pub struct Decoded {
    pub bytes: Vec<u8>,
    /// Why the data stopped early, when it is damaged.
    pub damage: Option<String>,
}

#[derive(Debug)]
pub enum DecodeError {
    /// A size limit was hit; the message names it.
    Limit(String),
    /// The stream could not be decoded (unsupported filter, corrupt data).
    Corrupt(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Limit(message) | DecodeError::Corrupt(message) => f.write_str(message),
        }
    }
}

pub struct Budget {
    per_stream: u64,
    remaining: Cell<u64>,
    total: u64,
    /// Limit messages, each once, for the extraction's problems.
    hits: RefCell<Vec<String>>,
}

impl Budget {
    pub fn new(limits: &Limits) -> Budget {
        Budget {
            per_stream: limits.max_part_bytes,
            remaining: Cell::new(limits.max_document_bytes),
            total: limits.max_document_bytes,
            hits: RefCell::new(Vec::new()),
        }
    }

    #[cfg(test)]
    pub fn unlimited() -> Budget {
        Budget::new(&Limits::default())
    }

    /// Decodes a stream's data through its filters, within the caps.
    pub fn decode(&self, stream: &Stream) -> Result<Vec<u8>, DecodeError> {
        if super::elided::is_elided(stream) {
            // Its data is in the file, not in `content`: decoding the empty
            // content would read as an empty stream.
            return Err(DecodeError::Corrupt(String::from(
                "the stream's data was left in the file and not read back",
            )));
        }
        let remaining = self.remaining.get();
        let limit = self.per_stream.min(remaining);
        let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
        // lopdf decodes `/Filter []` to nothing; it means no filter.
        let decoded = match stream.filters() {
            Ok(filters) if filters.is_empty() => {
                if stream.content.len() > limit_usize {
                    Err(Error::Decompress(DecompressError::MemoryLimitExceeded {
                        limit: limit_usize,
                    }))
                } else {
                    Ok(stream.content.clone())
                }
            }
            _ => stream.decompressed_content_with_limit(limit_usize),
        };
        match decoded {
            Ok(bytes) => {
                self.remaining
                    .set(remaining.saturating_sub(bytes.len() as u64));
                Ok(bytes)
            }
            Err(Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                Err(self.limit_hit(limit))
            }
            Err(error) => Err(DecodeError::Corrupt(format!(
                "stream could not be decoded: {error}"
            ))),
        }
    }

    /// Decodes a stream, keeping what decodes before damage: a content
    /// stream cut or corrupted midway still yields its first part, and the
    /// damage is reported instead of passing silently (lopdf returns the
    /// partial data of a broken deflate stream as if it were whole).
    pub fn decode_lenient(&self, stream: &Stream) -> Result<Decoded, DecodeError> {
        if !is_plain_flate(stream) || super::elided::is_elided(stream) {
            return self.decode(stream).map(|bytes| Decoded {
                bytes,
                damage: None,
            });
        }
        let remaining = self.remaining.get();
        let limit = self.per_stream.min(remaining);
        let mut bytes = Vec::new();
        let zlib = flate2::read::ZlibDecoder::new(stream.content.as_slice())
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes);
        let damage = match zlib {
            Ok(_) => None,
            Err(error) => {
                // Some writers leave out the zlib header: read the data as
                // raw deflate before calling the stream damaged.
                let header_valid = stream.content.len() >= 2
                    && stream.content[0] & 0x0F == 8
                    && (u16::from(stream.content[0]) * 256 + u16::from(stream.content[1])) % 31
                        == 0;
                let mut raw = Vec::new();
                let deflate = (!header_valid).then(|| {
                    flate2::read::DeflateDecoder::new(stream.content.as_slice())
                        .take(limit.saturating_add(1))
                        .read_to_end(&mut raw)
                });
                match deflate {
                    Some(Ok(_)) => {
                        bytes = raw;
                        None
                    }
                    _ => Some(format!(
                        "the stream is damaged after {} decoded bytes ({error})",
                        bytes.len()
                    )),
                }
            }
        };
        if bytes.len() as u64 > limit {
            return Err(self.limit_hit(limit));
        }
        self.remaining
            .set(remaining.saturating_sub(bytes.len() as u64));
        Ok(Decoded { bytes, damage })
    }

    fn limit_hit(&self, limit: u64) -> DecodeError {
        let message = if limit == self.per_stream {
            format!(
                "a stream decodes to more than {} bytes (--max-part-size): it was not read",
                self.per_stream
            )
        } else {
            format!(
                "the document's streams decode to more than {} bytes in total (--max-inflated): the rest was not read",
                self.total
            )
        };
        let mut hits = self.hits.borrow_mut();
        if !hits.contains(&message) {
            hits.push(message.clone());
        }
        DecodeError::Limit(message)
    }

    /// The limits hit so far, each once.
    pub fn hits(&self) -> Vec<String> {
        self.hits.borrow().clone()
    }
}

/// A stream with the single filter FlateDecode and no predictor.
fn is_plain_flate(stream: &Stream) -> bool {
    let single = match stream.dict.get(b"Filter") {
        Ok(Object::Name(name)) => name == b"FlateDecode",
        Ok(Object::Array(items)) => {
            matches!(items.as_slice(), [Object::Name(name)] if name == b"FlateDecode")
        }
        _ => false,
    };
    single && !stream.dict.has(b"DecodeParms")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn deflated(size: usize) -> Stream {
        let mut stream = Stream::new(dictionary! {}, vec![b' '; size]);
        stream.compress().unwrap();
        assert!(stream.dict.has(b"Filter"));
        stream
    }

    #[test]
    fn caps_each_stream_and_the_document() {
        let limits = Limits {
            max_part_bytes: 1000,
            max_document_bytes: 1500,
            ..Limits::default()
        };
        let budget = Budget::new(&limits);
        let error = budget.decode(&deflated(2000)).unwrap_err();
        assert!(error.to_string().contains("--max-part-size"), "{error}");
        assert_eq!(budget.decode(&deflated(800)).unwrap().len(), 800);
        let error = budget.decode(&deflated(900)).unwrap_err();
        assert!(error.to_string().contains("--max-inflated"), "{error}");
        assert_eq!(budget.hits().len(), 2);
    }

    #[test]
    fn damaged_flate_keeps_the_first_part_and_says_so() {
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|n| format!("({n}) Tj ").into_bytes())
            .collect();
        let mut stream = Stream::new(dictionary! {}, text.clone());
        stream.compress().unwrap();
        let whole = Budget::unlimited().decode_lenient(&stream).unwrap();
        assert!(whole.damage.is_none());
        assert_eq!(whole.bytes, text);
        let middle = stream.content.len() / 2;
        for byte in &mut stream.content[middle..middle + 50] {
            *byte ^= 0x5A;
        }
        let damaged = Budget::unlimited().decode_lenient(&stream).unwrap();
        assert!(damaged.damage.is_some());
        assert!(!damaged.bytes.is_empty() && damaged.bytes.len() < text.len());
        assert_eq!(damaged.bytes[..100], text[..100]);
        stream.content.truncate(middle);
        let truncated = Budget::unlimited().decode_lenient(&stream).unwrap();
        assert!(truncated.damage.is_some(), "a truncated stream is damaged");
    }

    #[test]
    fn an_empty_filter_array_means_no_filter() {
        let stream = Stream::new(
            dictionary! { "Filter" => Vec::<lopdf::Object>::new() },
            b"BT ET".to_vec(),
        );
        assert_eq!(Budget::unlimited().decode(&stream).unwrap(), b"BT ET");
    }
}
