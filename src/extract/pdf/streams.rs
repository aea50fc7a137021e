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
    /// partial data of a broken deflate or LZW stream as if it were whole).
    ///
    /// Each filter of the chain is applied in turn. A filter that fails
    /// keeps what it decoded before the failure; one that fails before
    /// producing anything, on data that is already plain text (a stream
    /// labelled LZW or deflated twice whose data is not), passes its input
    /// on as it is, as poppler and Ghostscript end up reading it. Either way
    /// the damage is reported.
    pub fn decode_lenient(&self, stream: &Stream) -> Result<Decoded, DecodeError> {
        if super::elided::is_elided(stream) {
            return self.decode(stream).map(|bytes| Decoded {
                bytes,
                damage: None,
            });
        }
        let filters: Vec<Vec<u8>> = match stream.dict.get(b"Filter") {
            Err(_) => Vec::new(),
            Ok(_) => match stream.filters() {
                Ok(filters) => filters.into_iter().map(<[u8]>::to_vec).collect(),
                Err(error) => {
                    return Err(DecodeError::Corrupt(format!(
                        "stream could not be decoded: its /Filter is not a name or an array of names ({error})"
                    )));
                }
            },
        };
        if filters.len() > 8 {
            return Err(DecodeError::Corrupt(format!(
                "stream could not be decoded: {} filters in a chain",
                filters.len()
            )));
        }
        let remaining = self.remaining.get();
        let limit = self.per_stream.min(remaining);
        let params = stream.dict.get(b"DecodeParms").ok();
        let mut data = std::borrow::Cow::Borrowed(stream.content.as_slice());
        let mut damage: Option<String> = None;
        for (index, filter) in filters.iter().enumerate() {
            let stage_params = match params {
                Some(Object::Array(items)) => items.get(index).and_then(|item| item.as_dict().ok()),
                Some(Object::Dictionary(dict)) => Some(dict),
                _ => None,
            };
            let name = String::from_utf8_lossy(filter).into_owned();
            let Ok((output, failure)) = decode_stage(filter, &data, stage_params, limit) else {
                return Err(self.limit_hit(limit));
            };
            match failure {
                None => data = std::borrow::Cow::Owned(output),
                Some(error) if output.is_empty() && looks_like_text(&data) => {
                    damage.get_or_insert(format!(
                        "its data is not /{name} data ({error}); it was read as it is"
                    ));
                }
                Some(error) if output.is_empty() => {
                    return Err(DecodeError::Corrupt(format!(
                        "stream could not be decoded: /{name} failed ({error})"
                    )));
                }
                Some(error) => {
                    damage.get_or_insert(format!(
                        "the stream is damaged after {} decoded bytes (/{name}: {error})",
                        output.len()
                    ));
                    data = std::borrow::Cow::Owned(output);
                }
            }
        }
        let bytes = data.into_owned();
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

    /// What is left of the document's budget.
    pub fn remaining(&self) -> u64 {
        self.remaining.get()
    }

    /// Counts bytes expanded outside [`Budget::decode`] (object streams
    /// lopdf expands, members of an appended zip) against the document's
    /// budget.
    pub fn charge(&self, bytes: u64) {
        self.remaining
            .set(self.remaining.get().saturating_sub(bytes));
    }

    /// The limits hit so far, each once.
    pub fn hits(&self) -> Vec<String> {
        self.hits.borrow().clone()
    }
}

/// A filter stage that went over the size limit.
struct OverLimit;

/// One filter applied to `input`: what it decoded, and why it stopped
/// early if it did.
fn decode_stage(
    filter: &[u8],
    input: &[u8],
    params: Option<&lopdf::Dictionary>,
    limit: u64,
) -> Result<(Vec<u8>, Option<String>), OverLimit> {
    // The abbreviations inline images use, which some writers put in
    // stream dictionaries too.
    let filter: &[u8] = match filter {
        b"AHx" => b"ASCIIHexDecode",
        b"A85" => b"ASCII85Decode",
        b"RL" => b"RunLengthDecode",
        b"Fl" => b"FlateDecode",
        b"LZW" => b"LZWDecode",
        other => other,
    };
    let cap = limit.saturating_add(1);
    let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
    // lopdf for one filter: the filters prepub does not decode itself, and
    // the predictors (PNG/TIFF rows) after deflate or LZW.
    let by_lopdf = |with_params: bool| {
        let mut dict = lopdf::Dictionary::new();
        dict.set("Filter", Object::Name(filter.to_vec()));
        if with_params && let Some(params) = params {
            dict.set("DecodeParms", Object::Dictionary(params.clone()));
        }
        match Stream::new(dict, input.to_vec()).decompressed_content_with_limit(limit_usize) {
            Ok(output) => Ok((output, None)),
            Err(Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => Err(OverLimit),
            Err(error) => Ok((Vec::new(), Some(error.to_string()))),
        }
    };
    let (output, failure) = match filter {
        b"FlateDecode" => inflate(input, cap),
        b"LZWDecode" => {
            let early_change = params
                .and_then(|params| params.get(b"EarlyChange").ok())
                .and_then(|value| value.as_i64().ok())
                .is_none_or(|value| value != 0);
            let mut decoder = if early_change {
                weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            } else {
                weezl::decode::Decoder::new(weezl::BitOrder::Msb, 8)
            };
            let mut output = Vec::new();
            let mut sink = Capped {
                inner: &mut output,
                left: cap,
            };
            let status = decoder.into_stream(&mut sink).decode_all(input).status;
            (output, status.err().map(|error| error.to_string()))
        }
        _ => return by_lopdf(true),
    };
    if output.len() as u64 > limit {
        return Err(OverLimit);
    }
    let predictor = params
        .and_then(|params| params.get(b"Predictor").ok())
        .and_then(|value| value.as_i64().ok())
        .is_some_and(|value| value > 1);
    if predictor && failure.is_none() {
        return by_lopdf(true);
    }
    Ok((output, failure))
}

/// zlib data, or raw deflate data when the zlib header is missing.
fn inflate(input: &[u8], cap: u64) -> (Vec<u8>, Option<String>) {
    let mut bytes = Vec::new();
    let zlib = flate2::read::ZlibDecoder::new(input)
        .take(cap)
        .read_to_end(&mut bytes);
    let Err(error) = zlib else {
        return (bytes, None);
    };
    // Some writers leave out the zlib header: read the data as raw deflate
    // before calling the stream damaged.
    let header_valid = input.len() >= 2
        && input[0] & 0x0F == 8
        && (u16::from(input[0]) * 256 + u16::from(input[1])) % 31 == 0;
    if !header_valid {
        let mut raw = Vec::new();
        if flate2::read::DeflateDecoder::new(input)
            .take(cap)
            .read_to_end(&mut raw)
            .is_ok()
            && !raw.is_empty()
        {
            return (raw, None);
        }
    }
    (bytes, Some(error.to_string()))
}

/// A writer that takes at most `left` bytes, then refuses more.
struct Capped<'a> {
    inner: &'a mut Vec<u8>,
    left: u64,
}

impl std::io::Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("size limit"));
        }
        let take = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        self.inner.extend_from_slice(&buf[..take]);
        self.left -= take as u64;
        Ok(take)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Data that is already text (content-stream operators, a CMap): nearly
/// all printable ASCII and white space.
fn looks_like_text(data: &[u8]) -> bool {
    if data.len() < 2 {
        return false;
    }
    let printable = data
        .iter()
        .filter(|&&byte| byte.is_ascii_graphic() || byte.is_ascii_whitespace())
        .count();
    printable * 10 >= data.len() * 9
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
    fn a_filter_that_fails_on_plain_text_passes_the_text_on_and_says_so() {
        let text = b"BT /F1 24 Tf 72 700 Td (TOP SECRET) Tj ET".to_vec();
        let lzw = Stream::new(dictionary! { "Filter" => "LZWDecode" }, text.clone());
        let decoded = Budget::unlimited().decode_lenient(&lzw).unwrap();
        assert_eq!(decoded.bytes, text);
        assert!(decoded.damage.unwrap().contains("LZWDecode"));
        // Deflated once, labelled deflated twice.
        let mut once = Stream::new(dictionary! {}, text.clone());
        once.compress().unwrap();
        let twice = Stream::new(
            dictionary! { "Filter" => vec!["FlateDecode".into(), "FlateDecode".into()] },
            once.content.clone(),
        );
        let decoded = Budget::unlimited().decode_lenient(&twice).unwrap();
        assert_eq!(decoded.bytes, text);
        assert!(decoded.damage.is_some());
        // Noise that no filter reads is an error, not an empty stream.
        let noise: Vec<u8> = (0..600u32).map(|n| ((n * 131 + 17) % 251) as u8).collect();
        let noise = Stream::new(dictionary! { "Filter" => "FlateDecode" }, noise);
        let error = Budget::unlimited().decode_lenient(&noise).err().unwrap();
        assert!(error.to_string().contains("FlateDecode failed"), "{error}");
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
