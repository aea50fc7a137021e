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
//! - Attachments — a part with a file name that is not shown inline, any
//!   part that is not text, an attached message (`message/rfc822`) — are
//!   documents of their own. [`open`] hands them back as [`Attachment`]s,
//!   transfer-decoded (strictly: damaged base64 is an attachment that cannot
//!   be read, never half a file) and named as the mail client shows them
//!   ([`name`]); the batch reviews each as a member document,
//!   `mail.eml!/附件.docx`, the way it reviews the members of a zip archive.
//!   [`extract`] — the reader for a mail met inside another document, and
//!   for `prepub extract` — reads them instead as embedded documents
//!   (`attachment`, labelled `attachment 附件.docx`).
//! - Pictures inside a saved page (`multipart/related`) are the page's
//!   pictures, like `<img>` in HTML, and go to the OCR stage; pictures
//!   attached to the message are member documents like other attachments.
//!
//! Any part that cannot be decoded makes the extraction `partial`, naming
//! the part.

mod name;

use super::Request;
use super::text::{Decoded, decode_text};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use crate::extract::picture::{Picture, PicturePlace};
use encoding_rs::Encoding;
use mail_parser::{
    HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};

/// Multipart nesting followed at most this deep.
const MAX_PART_DEPTH: usize = 32;

/// A message read as a container: its own text, and its attachments.
#[derive(Debug, Default)]
pub struct Opened {
    /// Headers, text parts, the problems met in them; nothing of the
    /// attachments.
    pub extraction: Extraction,
    pub attachments: Vec<Attachment>,
}

/// One attachment of a message, to be reviewed as a document.
#[derive(Debug)]
pub struct Attachment {
    /// Its file name, unique within the message: two attachments of one
    /// name are told apart (`附件.docx (attachment 2 of 2 with this name)`);
    /// an attached message's name ends in `.eml`.
    pub name: String,
    /// What messages call it: `attachment 附件.docx`, `attached message
    /// 会议通知.eml`.
    pub what: String,
    /// Its bytes, transfer-decoded, or why they cannot be had (damaged
    /// base64, an unknown transfer encoding, a damaged MIME part).
    pub content: Result<Vec<u8>, String>,
}

/// Reads a message's headers and text, and hands back its attachments
/// undecoded by format.
pub fn open(request: &Request<'_>) -> Opened {
    let mut out = Extraction::default();
    let Some(message) = MessageParser::default().parse(request.bytes) else {
        return Opened {
            extraction: Extraction::failed(
                "not a readable MIME message: no headers or body were found",
            ),
            attachments: Vec::new(),
        };
    };
    let mut reader = Reader {
        request,
        raw: message.raw_message(),
        out: &mut out,
        attachments: Vec::new(),
        timed_out: false,
    };
    reader.headers(&message);
    if !message.parts.is_empty() {
        reader.part(&message, 0, false, 0);
    }
    let attachments = unique_names(std::mem::take(&mut reader.attachments));
    Opened {
        extraction: out,
        attachments,
    }
}

/// Reads a message with its attachments as embedded documents
/// (`attachment`): for a mail inside another document, where there is no
/// batch to review the attachments as documents of their own.
pub fn extract(request: &Request<'_>) -> Extraction {
    let Opened {
        mut extraction,
        attachments,
    } = open(request);
    for attachment in attachments {
        match attachment.content {
            Ok(bytes) => super::embedded::read(
                request,
                &attachment.what,
                &attachment.name,
                &bytes,
                &mut extraction,
            ),
            Err(why) => extraction.problems.push(Problem::partial(
                Some(Part::Attachment.as_str().to_owned()),
                format!("{} cannot be read: {why}", attachment.what),
            )),
        }
    }
    extraction
}

struct Reader<'a, 'r> {
    request: &'a Request<'r>,
    /// The message's bytes, which its parts' offsets point into.
    raw: &'a [u8],
    out: &'a mut Extraction,
    attachments: Vec<Attachment>,
    timed_out: bool,
}

/// What kind of attachment a part is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Message,
}

impl Reader<'_, '_> {
    fn problem(&mut self, part: Part, message: String) {
        self.out
            .problems
            .push(Problem::partial(Some(part.as_str().to_owned()), message));
    }

    fn headers(&mut self, message: &Message<'_>) {
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
            let bytes = slice(self.raw, header.offset_start, header.offset_end);
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
            if label == "from" {
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
            self.out
                .push(Segment::new(Part::Metadata, value).with_label(label));
        }
    }

    fn part(&mut self, message: &Message<'_>, id: usize, in_related: bool, depth: usize) {
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
        if let PartType::Multipart(children) = &part.body {
            if depth >= MAX_PART_DEPTH {
                self.problem(
                    Part::Body,
                    format!("MIME parts nest more than {MAX_PART_DEPTH} deep: the parts inside part {id} are not read"),
                );
                return;
            }
            let related = mime_type(part) == "multipart/related";
            for &child in children {
                self.part(message, child as usize, related, depth + 1);
            }
            return;
        }
        // By the declared type, not by what mail-parser made of the part:
        // it turns a part it cannot decode into text, and a damaged .docx
        // is still an attachment.
        let mime = mime_type(part);
        if matches!(part.body, PartType::Message(_))
            || mime == "message/rfc822"
            || mime == "message/global"
        {
            return self.attachment(id, part, Kind::Message);
        }
        // A delivery or read report's status parts are the report's own
        // text, not files it carries.
        let text = mime.starts_with("text/")
            || mime.starts_with("multipart/")
            || matches!(
                mime.as_str(),
                "application/xhtml+xml"
                    | "message/delivery-status"
                    | "message/disposition-notification"
            );
        let named = name::file_name(part, self.raw).is_some();
        // A text part is the message's own text unless it is a named file
        // not shown inline.
        let attached_file = named && !is_inline(part);
        if text && !attached_file {
            if part.is_encoding_problem {
                self.problem(
                    Part::Body,
                    format!(
                        "MIME part {id} ({mime}) is damaged (bad transfer encoding or structure): it was read as far as possible"
                    ),
                );
            }
            return self.text_part(id, part);
        }
        if !text && in_related && mime.starts_with("image/") && !named {
            // A picture of the saved page: read by the OCR stage.
            let name = part
                .content_location()
                .map(str::to_owned)
                .or_else(|| part.content_id().map(|id| format!("cid:{id}")))
                .unwrap_or_else(|| format!("part {id} ({mime})"));
            let name: String = name.chars().filter(|c| !c.is_control()).collect();
            let place = PicturePlace::new(Part::Body, name);
            self.out
                .push_picture(Picture::new(place, part.contents().to_vec()));
            return;
        }
        self.attachment(id, part, Kind::File);
    }

    fn text_part(&mut self, id: usize, part: &MessagePart<'_>) {
        let mime = mime_type(part);
        let what = match name::file_name(part, self.raw) {
            Some(name) => format!("{mime} part {name}"),
            None => format!("{mime} part"),
        };
        let raw = slice(self.raw, part.offset_body, part.offset_end);
        if raw.is_empty() && !part.contents().is_empty() {
            // The offsets do not fit the bytes: mail-parser's own decoding,
            // which cannot say whether the charset fitted.
            self.problem(
                Part::Body,
                format!("{what} (MIME part {id}): its raw bytes could not be located, so its charset could not be checked"),
            );
        }
        let bytes = if raw.is_empty() {
            part.contents().to_vec()
        } else {
            match transfer_decoded(raw, &transfer_encoding(part)) {
                Ok(bytes) => bytes,
                Err(Undecoded::Base64) => {
                    self.problem(
                        Part::Body,
                        format!("{what} (MIME part {id}): its base64 is damaged; only what could be decoded is read"),
                    );
                    part.contents().to_vec()
                }
                Err(Undecoded::Unknown(transfer)) => {
                    self.problem(
                        Part::Body,
                        format!("{what} (MIME part {id}) has the transfer encoding “{transfer}”, which prepub does not decode: it was read as it stands"),
                    );
                    raw.to_vec()
                }
            }
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
        for problem in decoded.problems(Part::Body.as_str()) {
            self.problem(Part::Body, format!("{what}: {}", problem.message));
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
                ..*self.request
            };
            let inner = super::html::extract(&request);
            for segment in inner.segments {
                let label = match &segment.label {
                    Some(label) => format!("{what}: {label}"),
                    None => what.clone(),
                };
                self.out.push(Segment {
                    label: Some(label),
                    ..segment
                });
            }
            for problem in inner.problems {
                let part = problem
                    .part
                    .as_deref()
                    .and_then(Part::parse)
                    .unwrap_or(Part::Body);
                self.problem(part, format!("{what}: {}", problem.message));
            }
            self.out.notices.extend(inner.notices);
            for mut picture in inner.pictures {
                picture.place.name = format!("{what}: {}", picture.place.name);
                self.out.push_picture(picture);
            }
        } else {
            self.out
                .push(Segment::new(Part::Body, decoded.text).with_label(what));
        }
    }

    /// An attachment: named as the mail client shows it, transfer-decoded
    /// strictly, handed back for the batch (or [`extract`]) to read.
    fn attachment(&mut self, id: usize, part: &MessagePart<'_>, kind: Kind) {
        let mime = mime_type(part);
        let name = name::file_name(part, self.raw)
            .or_else(|| match (kind, &part.body) {
                (Kind::Message, PartType::Message(nested)) => nested
                    .subject()
                    .map(one_line)
                    .filter(|subject| !subject.is_empty()),
                _ => None,
            })
            .or_else(|| {
                // A saved page's resources are named by their location.
                part.content_location()
                    .and_then(|location| location.rsplit(['/', '\\']).next())
                    .map(one_line)
                    .filter(|n| !n.is_empty())
            })
            .unwrap_or_else(|| match kind {
                Kind::Message => format!("part {id}"),
                Kind::File => format!("part {id} ({})", mime.replace('/', "-")),
            });
        // An attached message is a mail however its name ends.
        let name = match kind {
            Kind::Message if !name.to_ascii_lowercase().ends_with(".eml") => format!("{name}.eml"),
            _ => name,
        };
        let what = match kind {
            Kind::Message => format!("attached message {name}"),
            Kind::File => format!("attachment {name}"),
        };
        let raw = slice(self.raw, part.offset_body, part.offset_end);
        let decoded = if raw.is_empty() {
            match (&part.body, part.contents().is_empty()) {
                (_, true) => Ok(Vec::new()),
                // Its bytes are the enclosing message's when it was parsed
                // in place: not this message alone.
                (PartType::Message(_), false) => Err(format!(
                    "MIME part {id}: the attached message's bytes could not be located"
                )),
                (_, false) => Ok(part.contents().to_vec()),
            }
        } else {
            transfer_decoded(raw, &transfer_encoding(part)).map_err(|undecoded| match undecoded {
                Undecoded::Base64 => format!(
                    "its base64 (MIME part {id}) is damaged: the file cannot be decoded"
                ),
                Undecoded::Unknown(transfer) => format!(
                    "MIME part {id} has the transfer encoding “{transfer}”, which prepub does not decode"
                ),
            })
        };
        let content = match decoded {
            Ok(_) if part.is_encoding_problem => Err(format!(
                "MIME part {id} ({mime}) is damaged (bad transfer encoding or structure): its bytes cannot be trusted to be the file"
            )),
            decoded => decoded,
        };
        self.attachments.push(Attachment {
            name,
            what,
            content,
        });
    }
}

/// Why a part's body could not be transfer-decoded.
enum Undecoded {
    Base64,
    Unknown(String),
}

/// The part's `Content-Transfer-Encoding`, from the header: mail-parser
/// resets its own record of it to none when it finds the part damaged.
fn transfer_encoding(part: &MessagePart<'_>) -> String {
    part.content_transfer_encoding()
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A body as its transfer encoding gives it: base64 strictly, so damage is
/// seen; quoted-printable leniently, as mail clients read it.
fn transfer_decoded(raw: &[u8], transfer: &str) -> Result<Vec<u8>, Undecoded> {
    match transfer {
        "base64" => super::html::base64_decode(raw).ok_or(Undecoded::Base64),
        "quoted-printable" => Ok(quoted_printable(raw)),
        "" | "7bit" | "8bit" | "binary" => Ok(raw.to_vec()),
        other => Err(Undecoded::Unknown(other.to_owned())),
    }
}

/// Attachments sharing a name are different files: each keeps its own
/// name, told apart as archive entries are.
fn unique_names(attachments: Vec<Attachment>) -> Vec<Attachment> {
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for attachment in &attachments {
        *counts.entry(attachment.name.clone()).or_default() += 1;
    }
    let mut seen = std::collections::HashMap::<String, usize>::new();
    attachments
        .into_iter()
        .map(|attachment| {
            let count = counts.get(&attachment.name).copied().unwrap_or(1);
            if count < 2 {
                return attachment;
            }
            let index = seen.entry(attachment.name.clone()).or_default();
            *index += 1;
            let name = format!(
                "{} (attachment {index} of {count} with this name)",
                attachment.name
            );
            Attachment {
                what: attachment.what.replacen(&attachment.name, &name, 1),
                name,
                ..attachment
            }
        })
        .collect()
}

/// The bytes between two part offsets; empty if they do not fit.
fn slice(raw: &[u8], start: u32, end: u32) -> &[u8] {
    raw.get(start as usize..end as usize).unwrap_or_default()
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
mod tests;
