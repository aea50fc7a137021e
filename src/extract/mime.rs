//! MIME mail and saved web pages: `.eml`, `.mht`/`.mhtml`, and any file
//! whose content is an RFC 822 message (see `detect`).
//!
//! Read as a container with `mail-parser` (the MIME structure, headers and
//! RFC 2047 encoded words), never as plain text: a base64 or
//! quoted-printable body read as text is noise in which no marking is found.
//!
//! - From/Sender/Reply-To/To/Cc/Bcc/Subject/Date go to `metadata`, labelled
//!   with the header's name. A header written in raw 8-bit bytes (not
//!   encoded words) is decoded by the message's charset or by detection.
//! - Every text part is transfer-decoded here (base64, quoted-printable) and
//!   decoded by its declared charset (GB2312/GBK as GB18030, Big5, …) with
//!   encoding_rs, so malformed bytes are seen: mail-parser's own decoding is
//!   lossy without a word. A part with no charset, or one encoding_rs does
//!   not know, is detected as plain text is (an uncertain guess is
//!   `partial`). `text/plain` and other text parts are `body`; `text/html`
//!   parts go through the HTML reader (hidden page content stays `hidden`).
//! - Attachments, and any other non-text part, are read with their own
//!   reader as embedded documents (`attachment`, labelled `attachment
//!   附件.docx`); what cannot be read makes the mail `partial`. Pictures
//!   inside a saved page (`multipart/related`) are the page's pictures, like
//!   `<img>` in HTML, and go to the OCR stage; so do pictures attached to
//!   the message (read as embedded picture files).
//! - An attached message (`message/rfc822`) is read the same way, its
//!   headers and text as `attachment`.
//!
//! Any part that cannot be decoded makes the extraction `partial`, naming
//! the part.

use super::Request;
use super::text::{Decoded, decode_text};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use crate::extract::picture::{Picture, PicturePlace};
use encoding_rs::Encoding;
use mail_parser::{
    Encoding as TransferEncoding, HeaderName, HeaderValue, Message, MessageParser, MessagePart,
    MimeHeaders, PartType,
};

/// Multipart nesting followed at most this deep, attached messages at most
/// this many levels.
const MAX_PART_DEPTH: usize = 32;
const MAX_MESSAGE_DEPTH: usize = 3;

pub fn extract(request: &Request<'_>) -> Extraction {
    let mut out = Extraction::default();
    let Some(message) = MessageParser::default().parse(request.bytes) else {
        return Extraction::failed("not a readable MIME message: no headers or body were found");
    };
    let mut reader = Reader {
        request,
        out: &mut out,
        timed_out: false,
    };
    reader.message(&message, 0, None, 0);
    out
}

struct Reader<'a, 'r> {
    request: &'a Request<'r>,
    out: &'a mut Extraction,
    timed_out: bool,
}

/// Where the text of a message goes: the mail itself, or a message
/// attached to it (everything as `attachment`, labelled with `context`).
type Context<'c> = Option<&'c str>;

impl Reader<'_, '_> {
    fn problem(&mut self, part: Part, message: String) {
        self.out
            .problems
            .push(Problem::partial(Some(part.as_str().to_owned()), message));
    }

    /// `origin` is where `message.raw_message()` starts in the coordinates
    /// of its parts' offsets: mail-parser gives the parts of an attached
    /// message that is not transfer-encoded offsets into the enclosing
    /// message, but their own bytes as `raw_message`.
    fn message(
        &mut self,
        message: &Message<'_>,
        origin: usize,
        context: Context<'_>,
        depth: usize,
    ) {
        self.headers(message, origin, context);
        if message.parts.is_empty() {
            return;
        }
        self.part(message, origin, 0, false, context, depth, 0);
    }

    fn headers(&mut self, message: &Message<'_>, origin: usize, context: Context<'_>) {
        let raw = message.raw_message();
        let charset = message
            .parts
            .first()
            .and_then(|root| root.content_type())
            .and_then(|ct| ct.attribute("charset"))
            .and_then(|label| label_encoding(label));
        let Some(root) = message.parts.first() else {
            return;
        };
        for header in &root.headers {
            let label = match header.name {
                HeaderName::From => "from",
                HeaderName::Sender => "sender",
                HeaderName::ReplyTo => "reply-to",
                HeaderName::To => "to",
                HeaderName::Cc => "cc",
                HeaderName::Bcc => "bcc",
                HeaderName::Subject => "subject",
                HeaderName::Date => "date",
                _ => continue,
            };
            let bytes = slice(raw, origin, header.offset_start, header.offset_end);
            let value = if bytes.is_ascii() || std::str::from_utf8(bytes).is_ok() {
                render(&header.value).unwrap_or_else(|| one_line(&String::from_utf8_lossy(bytes)))
            } else {
                // Raw 8-bit bytes in a header: the message's charset, or
                // detection.
                let decoded = decode_bytes(bytes, charset);
                for problem in decoded.problems(Part::Metadata.as_str()) {
                    self.problem(
                        Part::Metadata,
                        format!("the {label} header is raw 8-bit text: {}", problem.message),
                    );
                }
                one_line(&decoded.text)
            };
            // Encoded words mail-parser leaves alone (inside quotes, which
            // mail clients decode all the same).
            let value = if value.contains("=?") {
                encoded_words(&value)
            } else {
                value
            };
            if value.is_empty() {
                continue;
            }
            if value.contains('\u{FFFD}') {
                self.problem(
                    Part::Metadata,
                    format!(
                        "the {label} header has characters that could not be decoded (an unknown or wrong charset): they were replaced with U+FFFD"
                    ),
                );
            }
            if label == "from" && context.is_none() {
                self.out.notices.push(Notice {
                    rule: "metadata.mail.sender".into(),
                    category: Category::Metadata,
                    severity: Severity::Info,
                    message: format!("the mail names its sender: {value}"),
                    part: Part::Metadata,
                    page: None,
                    text: value.clone(),
                });
            }
            let segment = match context {
                None => Segment::new(Part::Metadata, value).with_label(label),
                Some(context) => {
                    Segment::new(Part::Attachment, value).with_label(format!("{context}: {label}"))
                }
            };
            self.out.push(segment);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn part(
        &mut self,
        message: &Message<'_>,
        origin: usize,
        id: usize,
        in_related: bool,
        context: Context<'_>,
        message_depth: usize,
        part_depth: usize,
    ) {
        if self.timed_out {
            return;
        }
        if self.request.deadline.passed() {
            self.timed_out = true;
            self.out.problems.push(Problem::partial(
                None,
                format!(
                    "time budget of {} s exceeded (--timeout): the rest of the message is not read",
                    self.request.limits.time_budget.as_secs()
                ),
            ));
            return;
        }
        let Some(part) = message.parts.get(id) else {
            self.problem(
                Part::Body,
                format!(
                    "MIME part {id} is referred to but missing: the message structure is damaged"
                ),
            );
            return;
        };
        if part.is_encoding_problem {
            self.problem(
                Part::Body,
                format!(
                    "MIME part {id} ({}) is damaged (bad transfer encoding or structure): it was read as far as possible",
                    mime_type(part)
                ),
            );
        }
        match &part.body {
            PartType::Multipart(children) => {
                if part_depth >= MAX_PART_DEPTH {
                    self.problem(
                        Part::Body,
                        format!("MIME parts nest more than {MAX_PART_DEPTH} deep: the parts inside part {id} are not read"),
                    );
                    return;
                }
                let related = mime_type(part) == "multipart/related";
                for &child in children {
                    self.part(
                        message,
                        origin,
                        child as usize,
                        related,
                        context,
                        message_depth,
                        part_depth + 1,
                    );
                }
            }
            PartType::Text(_) | PartType::Html(_) => {
                self.text_part(message, origin, id, part, context);
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                self.binary_part(id, part, bytes, in_related, context);
            }
            PartType::Message(nested) => {
                let name = part
                    .attachment_name()
                    .map(str::to_owned)
                    .or_else(|| nested.subject().map(|s| format!("“{}”", one_line(s))))
                    .unwrap_or_else(|| format!("part {id}"));
                let what = match context {
                    Some(outer) => format!("{outer}: attached message {name}"),
                    None => format!("attached message {name}"),
                };
                if message_depth + 1 > MAX_MESSAGE_DEPTH {
                    self.problem(
                        Part::Attachment,
                        format!("{what} is nested more than {MAX_MESSAGE_DEPTH} messages deep and is not read: save it and review it separately"),
                    );
                    return;
                }
                // Not transfer-encoded: parsed in place, offsets into the
                // enclosing bytes; encoded: parsed from its decoded bytes.
                let nested_origin = if part.encoding == TransferEncoding::None {
                    part.offset_body as usize
                } else {
                    0
                };
                self.message(nested, nested_origin, Some(&what), message_depth + 1);
            }
        }
    }

    fn text_part(
        &mut self,
        message: &Message<'_>,
        origin: usize,
        id: usize,
        part: &MessagePart<'_>,
        context: Context<'_>,
    ) {
        let mime = mime_type(part);
        let name = part.attachment_name().map(one_line);
        let attachment = context.is_some() || name.is_some() && !is_inline(part);
        let what = match (&name, context) {
            (Some(name), None) => format!("attachment {name}"),
            (Some(name), Some(outer)) => format!("{outer}: attachment {name}"),
            (None, Some(outer)) => format!("{outer}: {mime} part"),
            (None, None) => format!("{mime} part"),
        };
        let raw = slice(
            message.raw_message(),
            origin,
            part.offset_body,
            part.offset_end,
        );
        if raw.is_empty() && !part.contents().is_empty() {
            // The offsets do not fit the bytes: mail-parser's own decoding,
            // which cannot say whether the charset fitted.
            self.problem(
                Part::Body,
                format!("{what} (MIME part {id}): its raw bytes could not be located, so its charset could not be checked"),
            );
        }
        // The header, not `part.encoding`: mail-parser resets that to none
        // when it finds the part damaged.
        let transfer = part
            .content_transfer_encoding()
            .map(|t| t.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let bytes = match transfer.as_str() {
            _ if raw.is_empty() => part.contents().to_vec(),
            "base64" => match super::html::base64_decode(raw) {
                Some(bytes) => bytes,
                None => {
                    self.problem(
                        Part::Body,
                        format!("{what} (MIME part {id}): its base64 is damaged; only what could be decoded is read"),
                    );
                    part.contents().to_vec()
                }
            },
            "quoted-printable" => quoted_printable(raw),
            _ => raw.to_vec(),
        };
        let html = mime == "text/html" || mime == "application/xhtml+xml";
        let declared = part.content_type().and_then(|ct| ct.attribute("charset"));
        let decoded = match declared {
            Some(label) => match label_encoding(label) {
                Some(encoding) => {
                    let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
                    if had_errors {
                        self.problem(
                            Part::Body,
                            format!(
                                "{what} declares the charset “{label}” but its bytes are not valid in it: read {}, which may be wrong",
                                if html { "by the page's own declaration or by detection" } else { "as detected" }
                            ),
                        );
                        // The label is wrong (Exchange labels Shift_JIS pages
                        // ISO-2022-JP): the page's own declaration, or
                        // detection, as for a file whose declared charset
                        // the bytes do not fit.
                        let fallback = if html {
                            None
                        } else {
                            Some(decode_text(&bytes))
                        };
                        match fallback {
                            Some(detected) if !detected.had_errors => detected,
                            None => Decoded {
                                text: String::new(),
                                name: encoding.name(),
                                encoding: None,
                                had_errors: false,
                                uncertain: None,
                            },
                            Some(_) => Decoded {
                                text: text.into_owned(),
                                name: encoding.name(),
                                encoding: Some(encoding),
                                had_errors,
                                uncertain: None,
                            },
                        }
                    } else {
                        Decoded {
                            text: text.into_owned(),
                            name: encoding.name(),
                            encoding: Some(encoding),
                            had_errors,
                            uncertain: None,
                        }
                    }
                }
                None => {
                    let decoded = decode_text(&bytes);
                    if !bytes.is_ascii() {
                        self.problem(
                            Part::Body,
                            format!(
                                "{what} declares the charset “{label}”, which prepub does not know: read as the detected {}, which may be wrong",
                                decoded.name
                            ),
                        );
                    }
                    decoded
                }
            },
            None => decode_text(&bytes),
        };
        let where_problems = if attachment {
            Part::Attachment
        } else {
            Part::Body
        };
        for problem in decoded.problems(where_problems.as_str()) {
            self.problem(where_problems, format!("{what}: {}", problem.message));
        }
        if html {
            // Decoded by the declared charset (as UTF-8 with a BOM), or —
            // when that did not fit — the bytes themselves, for the HTML
            // reader's <meta> and detection to decide.
            let page = if decoded.encoding.is_some() {
                [&[0xEF, 0xBB, 0xBF][..], decoded.text.as_bytes()].concat()
            } else {
                bytes.clone()
            };
            let request = Request {
                bytes: &page,
                name: name.as_deref().unwrap_or(self.request.name),
                ..*self.request
            };
            let inner = super::html::extract(&request);
            for segment in inner.segments {
                let label = match &segment.label {
                    Some(label) => format!("{what}: {label}"),
                    None => what.clone(),
                };
                let part = if attachment {
                    Part::Attachment
                } else {
                    segment.part
                };
                self.out.push(Segment {
                    part,
                    label: Some(label),
                    ..segment
                });
            }
            for problem in inner.problems {
                let part = problem
                    .part
                    .as_deref()
                    .and_then(Part::parse)
                    .unwrap_or(where_problems);
                self.problem(part, format!("{what}: {}", problem.message));
            }
            self.out.notices.extend(inner.notices);
            for mut picture in inner.pictures {
                if attachment {
                    picture.place.part = Part::Attachment;
                }
                picture.place.name = format!("{what}: {}", picture.place.name);
                self.out.push_picture(picture);
            }
        } else {
            let part = if attachment {
                Part::Attachment
            } else {
                Part::Body
            };
            self.out
                .push(Segment::new(part, decoded.text).with_label(what));
        }
    }

    fn binary_part(
        &mut self,
        id: usize,
        part: &MessagePart<'_>,
        bytes: &[u8],
        in_related: bool,
        context: Context<'_>,
    ) {
        let mime = mime_type(part);
        if in_related && mime.starts_with("image/") && part.attachment_name().is_none() {
            // A picture of the saved page: read by the OCR stage.
            let name = part
                .content_location()
                .map(one_line)
                .or_else(|| part.content_id().map(|id| format!("cid:{}", one_line(id))))
                .unwrap_or_else(|| format!("part {id} ({mime})"));
            let place = match context {
                Some(outer) => PicturePlace::new(Part::Attachment, format!("{outer}: {name}")),
                None => PicturePlace::new(Part::Body, name),
            };
            self.out.push_picture(Picture::new(place, bytes.to_vec()));
            return;
        }
        let name = part
            .attachment_name()
            .map(one_line)
            .or_else(|| {
                part.content_location()
                    .and_then(|location| location.rsplit(['/', '\\']).next())
                    .map(one_line)
                    .filter(|n| !n.is_empty())
            })
            .unwrap_or_else(|| format!("part {id} ({mime})"));
        let what = match context {
            Some(outer) => format!("{outer}: attachment {name}"),
            None => format!("attachment {name}"),
        };
        super::embedded::read(self.request, &what, &name, bytes, self.out);
    }
}

/// The bytes between two part offsets, in a message whose raw bytes start
/// at `origin`; empty if they do not fit.
fn slice(raw: &[u8], origin: usize, start: u32, end: u32) -> &[u8] {
    let (Some(start), Some(end)) = (
        (start as usize).checked_sub(origin),
        (end as usize).checked_sub(origin),
    ) else {
        return &[];
    };
    raw.get(start..end).unwrap_or_default()
}

/// Decodes RFC 2047 encoded words (`=?gb2312?B?…?=`) left in a header
/// value; an unknown charset is left as it stands.
fn encoded_words(value: &str) -> String {
    static WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=").expect("valid pattern")
    });
    WORD.replace_all(value, |captures: &regex::Captures<'_>| {
        let whole = captures[0].to_owned();
        // RFC 2231 language suffix: `gb2312*zh`.
        let charset = captures[1].split('*').next().unwrap_or("");
        let Some(encoding) = label_encoding(charset) else {
            return whole;
        };
        let data = captures[3].as_bytes();
        let bytes = if captures[2].eq_ignore_ascii_case("b") {
            match super::html::base64_decode(data) {
                Some(bytes) => bytes,
                None => return whole,
            }
        } else {
            let spaced: Vec<u8> = data
                .iter()
                .map(|&b| if b == b'_' { b' ' } else { b })
                .collect();
            quoted_printable(&spaced)
        };
        encoding.decode_without_bom_handling(&bytes).0.into_owned()
    })
    .into_owned()
}

/// A header's value as one line of text.
fn render(value: &HeaderValue<'_>) -> Option<String> {
    let text = match value {
        HeaderValue::Address(address) => address
            .iter()
            .map(|addr| match (addr.name(), addr.address()) {
                (Some(name), Some(address)) => format!("{name} <{address}>"),
                (Some(name), None) => name.to_owned(),
                (None, Some(address)) => address.to_owned(),
                (None, None) => String::new(),
            })
            .filter(|a| !a.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        HeaderValue::Text(text) => text.to_string(),
        HeaderValue::TextList(list) => list.join(", "),
        HeaderValue::DateTime(date) => date.to_rfc3339(),
        _ => return None,
    };
    Some(one_line(&text))
}

fn mime_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None => "text/plain".into(),
    }
}

fn is_inline(part: &MessagePart<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|disposition| disposition.is_inline())
}

/// The encoding a charset label names; GB2312/GBK are read as GB18030,
/// their superset (mail labelled GB2312 routinely holds GBK characters).
fn label_encoding(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    Some(if encoding == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        encoding
    })
}

fn decode_bytes(bytes: &[u8], charset: Option<&'static Encoding>) -> Decoded {
    match charset {
        Some(encoding) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                name: encoding.name(),
                encoding: Some(encoding),
                had_errors,
                uncertain: None,
            }
        }
        None => decode_text(bytes),
    }
}

/// Quoted-printable, leniently as mail clients read it: `=XX` is a byte,
/// `=` at the end of a line joins it to the next, any other `=` is itself.
fn quoted_printable(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'=' {
            // A soft line break: `=`, optional trailing blanks, newline.
            let mut j = i + 1;
            while j < raw.len() && matches!(raw[j], b' ' | b'\t') {
                j += 1;
            }
            if raw[j..].starts_with(b"\r\n") {
                i = j + 2;
                continue;
            }
            if raw[j..].starts_with(b"\n") {
                i = j + 1;
                continue;
            }
            if j == raw.len() {
                break;
            }
            if let (Some(&h), Some(&l)) = (raw.get(i + 1), raw.get(i + 2))
                && let (Some(h), Some(l)) = (hex(h), hex(l))
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::ExtractionStatus;
    use crate::extract::limits::{Deadline, Limits};

    fn read(bytes: &[u8]) -> Extraction {
        let limits = Limits::default();
        let request = Request {
            bytes,
            name: "mail.eml",
            limits: &limits,
            deadline: Deadline::never(),
            passwords: &[],
        };
        extract(&request)
    }

    fn find<'e>(extraction: &'e Extraction, part: Part, text: &str) -> &'e Segment {
        extraction
            .segments
            .iter()
            .find(|s| s.part == part && s.text.contains(text))
            .unwrap_or_else(|| panic!("no {text} in {part}: {:#?}", extraction.segments))
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn headers_and_a_base64_gbk_body() {
        let (body, _, _) =
            encoding_rs::GBK.encode("关于加强保密工作的通知：本文件为机密★1年，内部资料。");
        let mail = format!(
            "From: =?gb2312?B?{from}?= <zhang@example.cn>\r\nTo: li@example.cn\r\nCc: wang@example.cn\r\nSubject: =?GBK?B?{subject}?=\r\nDate: Tue, 1 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n",
            from = base64(&encoding_rs::GBK.encode("张三").0),
            subject = base64(&encoding_rs::GBK.encode("绝密会议通知").0),
            body = base64(&body),
        );
        let extraction = read(mail.as_bytes());
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(
            find(&extraction, Part::Metadata, "张三").label.as_deref(),
            Some("from")
        );
        assert_eq!(
            find(&extraction, Part::Metadata, "绝密会议通知")
                .label
                .as_deref(),
            Some("subject")
        );
        assert_eq!(
            find(&extraction, Part::Metadata, "li@example.cn")
                .label
                .as_deref(),
            Some("to")
        );
        assert_eq!(
            find(&extraction, Part::Metadata, "wang@example.cn")
                .label
                .as_deref(),
            Some("cc")
        );
        assert_eq!(
            find(&extraction, Part::Metadata, "2026-12-01")
                .label
                .as_deref(),
            Some("date")
        );
        assert_eq!(
            find(&extraction, Part::Body, "机密★1年").label.as_deref(),
            Some("text/plain part")
        );
    }

    #[test]
    fn alternative_html_quoted_printable_and_attachments() {
        let (big5, _, _) = encoding_rs::BIG5.encode("附件：秘密★5年");
        let mail = format!(
            "From: a@b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\n\
             --OUT\r\nContent-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n\
             --ALT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
             =E6=AD=A3=E6=96=87=\r\n=E7=BA=AF=E6=96=87=E6=9C=AC a=b\r\n\
             --ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>网页正文</p><!-- 内部意见 -->\r\n\
             --ALT--\r\n\
             --OUT\r\nContent-Type: text/plain; charset=big5; name=\"note.txt\"\r\nContent-Disposition: attachment; filename=\"note.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{note}\r\n\
             --OUT\r\nContent-Type: application/octet-stream; name=\"blob.bin\"\r\nContent-Disposition: attachment; filename=\"blob.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n\
             --OUT--\r\n",
            note = base64(&big5),
        );
        let extraction = read(mail.as_bytes());
        assert_eq!(
            find(&extraction, Part::Body, "正文纯文本 a=b")
                .label
                .as_deref(),
            Some("text/plain part")
        );
        assert_eq!(
            find(&extraction, Part::Body, "网页正文").label.as_deref(),
            Some("text/html part")
        );
        assert_eq!(
            find(&extraction, Part::Hidden, "内部意见").label.as_deref(),
            Some("text/html part: HTML comment")
        );
        assert_eq!(
            find(&extraction, Part::Attachment, "秘密★5年")
                .label
                .as_deref(),
            Some("attachment note.txt")
        );
        // The unknown binary attachment cannot be read: partial, named.
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction
                .problems
                .iter()
                .any(|p| p.message.starts_with("attachment blob.bin")),
            "{:?}",
            extraction.problems
        );
    }

    #[test]
    fn undecodable_parts_are_partial() {
        let bad_charset = "Content-Type: text/plain; charset=gbk\r\n\r\n\u{0}abc";
        let mut bytes = bad_charset.as_bytes().to_vec();
        bytes.extend([0xB0, 0xFF, 0xFF, b'\r', b'\n']);
        let extraction = read(&bytes);
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction.problems[0]
                .message
                .contains("declares the charset “gbk” but its bytes are not valid in it"),
            "{:?}",
            extraction.problems
        );

        let unknown = "Content-Type: text/plain; charset=x-made-up\r\n\r\n".as_bytes();
        let extraction = read(
            &[
                unknown,
                &encoding_rs::GBK.encode("机密★1年 关于加强保密工作的通知").0,
            ]
            .concat(),
        );
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction.problems[0].message.contains("x-made-up"),
            "{:?}",
            extraction.problems
        );
        find(&extraction, Part::Body, "机密★1年");

        let damaged = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n5py65a+G!!!\r\n";
        let extraction = read(damaged.as_bytes());
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Partial,
            "{:?}",
            extraction.segments
        );
    }

    #[test]
    fn raw_8bit_headers_and_attached_messages() {
        let (subject, _, _) = encoding_rs::BIG5.encode("養樂多線上訂購");
        let mut mail = b"Subject: ".to_vec();
        mail.extend(&*subject);
        mail.extend(b"\r\nContent-Type: text/html; charset=big5\r\n\r\n<p>body</p>\r\n");
        let extraction = read(&mail);
        assert_eq!(
            find(&extraction, Part::Metadata, "養樂多線上訂購")
                .label
                .as_deref(),
            Some("subject")
        );

        let attached = "From: a@b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n\
            --B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
            --B\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@x\r\nSubject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n内层：机密★1年\r\n\
            --B--\r\n";
        let extraction = read(attached.as_bytes());
        let inner = find(&extraction, Part::Attachment, "机密★1年");
        assert!(
            inner
                .label
                .as_deref()
                .unwrap()
                .starts_with("attached message"),
            "{:?}",
            inner.label
        );
        find(&extraction, Part::Attachment, "inner@x");
    }

    #[test]
    fn quoted_encoded_words() {
        assert_eq!(
            encoded_words("'=?gb2312?B?wdaRY8PA?=' <a@b>"),
            "'林慧美' <a@b>".replace(
                "林慧美",
                &encoding_rs::GB18030
                    .decode(&[0xC1, 0xD6, 0x91, 0x63, 0xC3, 0xC0])
                    .0
            )
        );
        assert_eq!(encoded_words("=?utf-8?Q?=E6=9C=BA=E5=AF=86_x?="), "机密 x");
        assert_eq!(
            encoded_words("=?x-unknown?B?AAAA?="),
            "=?x-unknown?B?AAAA?="
        );
    }

    #[test]
    fn pictures_of_a_saved_page_go_to_ocr() {
        let page = |html: &str| {
            format!(
                "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"P\"\r\n\r\n--P\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--P\r\nContent-Type: image/png\r\nContent-ID: <i1>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--P--\r\n"
            )
        };
        let only_picture = read(page("<img src=\"cid:i1\">").as_bytes());
        assert_eq!(
            only_picture.pictures.len(),
            1,
            "{:?}",
            only_picture.pictures
        );
        let picture = &only_picture.pictures[0];
        assert_eq!(picture.place.part, Part::Body);
        assert_eq!(picture.place.name, "cid:i1");
        assert_eq!(picture.bytes, b"\x89PNG\r\n\x1a\n");
        let with_text = read(page("<p>正文</p><img src=\"cid:i1\">").as_bytes());
        assert_eq!(with_text.pictures.len(), 1);
    }

    #[test]
    fn lenient_quoted_printable() {
        assert_eq!(
            quoted_printable(b"a=3Db=\r\nc = d=\n=E6=9C=BA=ZZ"),
            "a=bc = d\u{e6}\u{9c}\u{ba}=ZZ"
                .chars()
                .map(|c| c as u8)
                .collect::<Vec<u8>>()
        );
    }
}
