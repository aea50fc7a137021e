//! Decoding streams under the per-stream and per-document caps.
//!
//! A few kilobytes of deflate can expand to gigabytes. Every stream prepub
//! decodes — page contents, form XObjects, CMaps, XMP, attachments — goes
//! through one [`Budget`], which bounds each stream by `--max-part-size` and
//! the document's total by `--max-inflated`, and remembers which limit was
//! hit so the extraction can say so instead of silently missing text.

use crate::limits::Limits;
use lopdf::{DecompressError, Error, Stream};
use std::cell::{Cell, RefCell};

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
                Err(DecodeError::Limit(message))
            }
            Err(error) => Err(DecodeError::Corrupt(format!(
                "stream could not be decoded: {error}"
            ))),
        }
    }

    /// The limits hit so far, each once.
    pub fn hits(&self) -> Vec<String> {
        self.hits.borrow().clone()
    }
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
    fn an_empty_filter_array_means_no_filter() {
        let stream = Stream::new(
            dictionary! { "Filter" => Vec::<lopdf::Object>::new() },
            b"BT ET".to_vec(),
        );
        assert_eq!(Budget::unlimited().decode(&stream).unwrap(), b"BT ET");
    }
}
