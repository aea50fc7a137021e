//! Plain text: `.txt`, `.md`, `.csv`, `.log` and anything that sniffs as text.
//!
//! Encoding: a BOM decides (UTF-8, UTF-16LE/BE); otherwise valid UTF-8 is
//! UTF-8; otherwise chardetng guesses with a `.cn` hint — without it a short
//! GBK `秘密` is guessed EUC-KR (`shared/docs/libraries.md`). Bytes that do not
//! decode make the extraction `partial`: the text around them is still
//! reviewed, but the document is never `pass`.

use super::Request;
use crate::extract::document::{Extraction, Part, Problem, Segment};
use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

pub fn extract(request: &Request<'_>) -> Extraction {
    let (text, encoding, had_errors) = decode(request.bytes);
    let mut extraction = Extraction {
        encoding: Some(encoding.name().to_owned()),
        ..Extraction::default()
    };
    if had_errors {
        extraction.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            format!(
                "some bytes are not valid {}: they were replaced with U+FFFD and the text around them may be misread",
                encoding.name()
            ),
        ));
    }
    extraction.push(Segment::new(Part::Body, text));
    extraction
}

/// Decodes text bytes, returning the text, the encoding used and whether any
/// bytes were malformed.
pub fn decode(bytes: &[u8]) -> (String, &'static Encoding, bool) {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return (text.into_owned(), encoding, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), UTF_8, false);
    }
    let encoding = guess(bytes);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), encoding, had_errors)
}

fn guess(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == bytes.len());
    let guessed = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    // chardetng cannot tell UTF-16 without a BOM; GBK is the common case for
    // Chinese office text, and encoding_rs reads GBK as GB18030.
    if guessed == UTF_16LE || guessed == UTF_16BE || guessed == encoding_rs::GBK {
        GB18030
    } else {
        guessed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let (text, encoding, errors) = decode("机密★1年".as_bytes());
        assert_eq!(
            (text.as_str(), encoding.name(), errors),
            ("机密★1年", "UTF-8", false)
        );
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend("内部资料".as_bytes());
        assert_eq!(decode(&with_bom).0, "内部资料");
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) =
            GB18030.encode("关于加强保密工作的通知：本文件为秘密★5年，内部资料注意保存。");
        let (text, encoding, errors) = decode(&bytes);
        assert_eq!(encoding.name(), "gb18030");
        assert!(!errors);
        assert!(text.contains("秘密★5年"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("秘密".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&bytes).0, "秘密");
    }

    #[test]
    fn malformed_bytes_make_extraction_partial() {
        let limits = crate::extract::limits::Limits::default();
        let request = Request {
            bytes: &[0xEF, 0xBB, 0xBF, b'a', 0xFF, b'b'],
            name: "x.txt",
            limits: &limits,
            deadline: crate::extract::limits::Deadline::never(),
            passwords: &[],
        };
        let extraction = extract(&request);
        assert_eq!(
            extraction.status(),
            crate::extract::document::ExtractionStatus::Partial
        );
    }
}
