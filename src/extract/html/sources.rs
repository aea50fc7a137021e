//! Text a page carries outside its rendered flow: script and style sheet
//! text, CSS generated content (`content: "…"`), `<iframe srcdoc>` pages,
//! and `data:` URIs that hold text or documents.
//!
//! None of it is what a visitor reads on the page, but all of it is
//! published with the page and anyone can read it in the source, so it is
//! read as `hidden` content labelled with where it was found ("script",
//! "style sheet", "CSS generated content", "iframe srcdoc: body",
//! "data: URI (text/plain) in a href"). A `srcdoc` or `data:` page is read
//! with this same reader (nesting bounded), a `data:` document of another
//! format with its own reader as an embedded document. A `data:` picture is
//! a picture the OCR stage reads; a linked picture (`<img src=a.png>`) is
//! noted with the other resources the page loads, never fetched.
//!
//! What the page only links to (`<script src>`, style sheets, frames,
//! objects, `@import`) is not part of the file and is never fetched: the
//! links are listed in one notice.

use super::super::Request;
use super::one_line;
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use crate::extract::picture::{Picture, PicturePlace};
use scraper::Html;
use scraper::node::Node;
use std::cell::Cell;

/// Pages inside pages (`srcdoc`, `data:text/html`) opened at most this deep.
const MAX_NESTING: usize = 3;

thread_local! {
    static NESTING: Cell<usize> = const { Cell::new(0) };
}

/// Linked resources named in the notice; the rest are counted.
const LINKS_LISTED: usize = 10;

/// Reads every such source of `document` into `out`; returns how many
/// pieces of hidden content were added.
pub(super) fn read(document: &Html, request: &Request<'_>, out: &mut Extraction) -> usize {
    let mut reader = Reader {
        request,
        out,
        count: 0,
        links: Vec::new(),
    };
    for (visited, node) in document.tree.nodes().enumerate() {
        if visited % 4096 == 4095 && request.deadline.passed() {
            reader.partial(format!(
                "time budget of {} s exceeded (--timeout) while reading scripts, style sheets, srcdoc pages and data: URIs: the rest of them is not read",
                request.limits.time_budget.as_secs()
            ));
            break;
        }
        let Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name();
        let child_text = || -> String {
            node.children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect()
        };
        match name {
            "script" => {
                let text = child_text();
                reader.code("script", &text);
                reader.data_uris_in(&text, "a script");
            }
            "style" => {
                let css = child_text();
                reader.style_sheet(&css, "a <style> element");
            }
            _ => {}
        }
        for (attribute, value) in element.attrs() {
            let value_trimmed = value.trim();
            if attribute == "srcdoc" && matches!(name, "iframe" | "frame") {
                reader.page(&format!("{name} srcdoc"), value.as_bytes(), true);
                continue;
            }
            if attribute == "style" {
                reader.style_sheet(value, &format!("the style attribute of <{name}>"));
                continue;
            }
            if starts_with_ignore_case(value_trimmed, "data:") {
                reader.data_uri(value_trimmed, &format!("{name} {attribute}"));
                continue;
            }
            if is_link(name, attribute, element.attr("rel")) && !value_trimmed.is_empty() {
                reader.links.push(format!("{name} {value_trimmed}"));
            }
        }
    }
    reader.note_links();
    reader.count
}

/// Whether an attribute loads a resource whose content would be part of
/// what the page shows or runs.
fn is_link(element: &str, attribute: &str, rel: Option<&str>) -> bool {
    match (element, attribute) {
        ("script", "src")
        | ("iframe", "src")
        | ("frame", "src")
        | ("object", "data")
        | ("embed", "src")
        | ("portal", "src")
        // A linked picture is shown with the page but lives elsewhere: it is
        // noted, never fetched (a data: picture is read like any other).
        | ("img", "src")
        | ("input", "src")
        | ("video", "poster") => true,
        ("link", "href") => rel.is_some_and(|rel| {
            rel.split_ascii_whitespace().any(|r| {
                r.eq_ignore_ascii_case("stylesheet")
                    || r.eq_ignore_ascii_case("import")
                    || r.eq_ignore_ascii_case("preload")
            })
        }),
        _ => false,
    }
}

struct Reader<'a, 'r> {
    request: &'a Request<'r>,
    out: &'a mut Extraction,
    count: usize,
    links: Vec<String>,
}

impl Reader<'_, '_> {
    fn hidden(&mut self, label: &str, text: &str) {
        if let Some(segment) = self.segment(label, text) {
            self.out.push(segment);
        }
    }

    /// Script or style sheet source: hidden, and code (its quotes delimit
    /// strings, see [`crate::extract::document::TextKind::Code`]).
    fn code(&mut self, label: &str, text: &str) {
        if let Some(segment) = self.segment(label, text) {
            self.out.push(segment.as_code());
        }
    }

    fn segment(&mut self, label: &str, text: &str) -> Option<Segment> {
        let lines: Vec<String> = text
            .lines()
            .map(one_line)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return None;
        }
        self.count += 1;
        Some(Segment::new(Part::Hidden, lines.join("\n")).with_label(label))
    }

    fn partial(&mut self, message: String) {
        self.out.problems.push(Problem::partial(
            Some(Part::Hidden.as_str().to_owned()),
            message,
        ));
    }

    fn style_sheet(&mut self, css: &str, what: &str) {
        if !what.starts_with("the style attribute") {
            self.code("style sheet", css);
        }
        let generated: Vec<String> = content_strings(css);
        if !generated.is_empty() {
            self.hidden("CSS generated content", &generated.join("\n"));
        }
        for import in imports(css) {
            self.links.push(format!("@import {import}"));
        }
        self.data_uris_in(css, what);
    }

    /// `data:` URIs inside `url(…)`, quotes or script strings.
    fn data_uris_in(&mut self, text: &str, what: &str) {
        let lower = text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find("data:").map(|i| i + from) {
            let end = text[at..]
                .find(|c: char| matches!(c, '"' | '\'' | ')' | '`') || c.is_whitespace())
                .map_or(text.len(), |i| i + at);
            // Only where a URI can start: after a quote or `url(`.
            let before = text[..at].trim_end();
            if before.ends_with(['"', '\'', '(', '`']) {
                self.data_uri(&text[at..end], what);
            }
            from = end.max(at + 5);
        }
    }

    fn data_uri(&mut self, uri: &str, place: &str) {
        let data = match parse_data_uri(uri) {
            Ok(data) => data,
            Err(why) => {
                self.partial(format!(
                    "a data: URI in {place} could not be decoded ({why}): its content is not read"
                ));
                return;
            }
        };
        let mime = data.mime.as_str();
        let what = format!("data: URI ({mime}) in {place}");
        if matches!(
            mime,
            "text/html" | "application/xhtml+xml" | "image/svg+xml"
        ) {
            self.page(&what, &data.bytes, false);
        } else if mime.starts_with("text/")
            || matches!(
                mime,
                "application/json"
                    | "application/javascript"
                    | "application/xml"
                    | "application/ecmascript"
            )
        {
            let decoded = match data
                .charset
                .as_deref()
                .and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()))
            {
                Some(encoding) => {
                    let (text, had_errors) = encoding.decode_without_bom_handling(&data.bytes);
                    super::super::text::Decoded {
                        text: text.into_owned(),
                        name: encoding.name(),
                        encoding: Some(encoding),
                        had_errors,
                        uncertain: None,
                    }
                }
                None => super::super::text::decode_text(&data.bytes),
            };
            for problem in decoded.problems(Part::Hidden.as_str()) {
                self.partial(format!("{what}: {}", problem.message));
            }
            self.hidden(&what, &decoded.text);
        } else if mime.starts_with("image/") && mime != "image/svg+xml" {
            // A picture carried in the page: read by the OCR stage.
            self.out.push_picture(Picture::new(
                PicturePlace::new(Part::Body, what),
                data.bytes.clone(),
            ));
        } else {
            self.count += 1;
            super::super::embedded::read(self.request, &what, "data", &data.bytes, self.out);
        }
    }

    /// A page inside the page, read with this reader as hidden content.
    /// `text` is already characters (an attribute value), not bytes.
    fn page(&mut self, what: &str, bytes: &[u8], text: bool) {
        let depth = NESTING.with(Cell::get);
        if depth >= MAX_NESTING {
            self.partial(format!(
                "{what} is a page nested more than {MAX_NESTING} pages deep and is not read: review its source by hand"
            ));
            return;
        }
        let with_bom;
        let bytes = if text {
            with_bom = [&[0xEF, 0xBB, 0xBF][..], bytes].concat();
            &with_bom[..]
        } else {
            bytes
        };
        let nested = Request {
            bytes,
            ..*self.request
        };
        NESTING.with(|n| n.set(depth + 1));
        let inner = super::extract(&nested);
        NESTING.with(|n| n.set(depth));
        self.count += 1;
        for segment in inner.segments {
            let label = match &segment.label {
                Some(label) => format!("{what}: {} {label}", segment.part),
                None => format!("{what}: {}", segment.part),
            };
            self.out.push(Segment {
                part: Part::Hidden,
                label: Some(label),
                ..segment
            });
        }
        for problem in inner.problems {
            self.partial(format!("{what}: {}", problem.message));
        }
        self.out.notices.extend(
            inner
                .notices
                .into_iter()
                .filter(|n| n.rule != "hidden.html.hidden-content" && n.rule != LINKS_RULE),
        );
        for mut picture in inner.pictures {
            picture.place.name = format!("{what}: {}", picture.place.name);
            self.out.push_picture(picture);
        }
    }

    fn note_links(&mut self) {
        if self.links.is_empty() {
            return;
        }
        let shown: Vec<&str> = self
            .links
            .iter()
            .take(LINKS_LISTED)
            .map(String::as_str)
            .collect();
        let more = self.links.len().saturating_sub(LINKS_LISTED);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        self.out.notices.push(Notice {
            rule: LINKS_RULE.into(),
            category: Category::Hidden,
            severity: Severity::Info,
            message: format!(
                "the page loads {} resource(s) from outside this file, which prepub never fetches and did not review: {}{tail}",
                self.links.len(),
                shown.join(", ")
            ),
            part: Part::Hidden,
            page: None,
            text: String::new(),
        });
    }
}

const LINKS_RULE: &str = "hidden.html.linked-resources";

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The strings of `content:` declarations, CSS escapes decoded.
fn content_strings(css: &str) -> Vec<String> {
    let css = super::strip_css_comments(css);
    let lower = css.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("content").map(|i| i + from) {
        from = at + "content".len();
        // A property name, not the end of another word (`--my-content`).
        let starts_word = css[..at]
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '{' | ';' | ' ' | '\t' | '\n' | '\r'));
        let rest = css[from..].trim_start();
        if !starts_word || !rest.starts_with(':') {
            continue;
        }
        let value = &rest[1..];
        let value = &value[..value.find([';', '}']).map_or(value.len(), |end| {
            // A ; or } inside a string does not end the value.
            string_aware_end(value).unwrap_or(end)
        })];
        let text: Vec<String> = css_strings(value);
        let text = text.concat();
        if !text.trim().is_empty() {
            found.push(text);
        }
    }
    found
}

/// Where a declaration value ends (`;` or `}` outside quotes).
fn string_aware_end(value: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ';' | '}') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The quoted strings of a CSS value, escapes decoded (`"\673A\5BC6"`).
fn css_strings(value: &str) -> Vec<String> {
    let mut strings = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '"' && c != '\'' {
            continue;
        }
        let quote = c;
        let mut text = String::new();
        while let Some(c) = chars.next() {
            if c == quote {
                break;
            }
            if c != '\\' {
                text.push(c);
                continue;
            }
            let mut hex = String::new();
            while hex.len() < 6
                && let Some(&h) = chars.peek()
                && h.is_ascii_hexdigit()
            {
                hex.push(h);
                chars.next();
            }
            if hex.is_empty() {
                match chars.next() {
                    Some('\n') | None => {}
                    Some(other) => text.push(other),
                }
            } else {
                if chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                text.push(
                    char::from_u32(code)
                        .filter(|&c| c != '\0')
                        .unwrap_or('\u{FFFD}'),
                );
            }
        }
        strings.push(text);
    }
    strings
}

/// `@import` targets of a style sheet.
fn imports(css: &str) -> Vec<String> {
    let lower = css.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("@import").map(|i| i + from) {
        let rest = &css[at + "@import".len()..];
        let end = rest.find(';').unwrap_or(rest.len());
        let target = rest[..end].trim();
        if !target.is_empty() {
            found.push(one_line(target));
        }
        from = at + "@import".len();
    }
    found
}

/// A decoded `data:` URI.
#[derive(Debug, PartialEq, Eq)]
struct DataUri {
    /// Lower-case media type, `text/plain` when none is given.
    mime: String,
    charset: Option<String>,
    bytes: Vec<u8>,
}

/// Parses `data:[<media type>][;base64],<data>` (RFC 2397; the payload is
/// percent-decoded, then base64-decoded when it says so).
fn parse_data_uri(uri: &str) -> Result<DataUri, String> {
    let rest = &uri.trim()["data:".len()..];
    let Some((header, payload)) = rest.split_once(',') else {
        return Err("no comma between its media type and its data".into());
    };
    let mut params = header.split(';').map(str::trim);
    let mime = params.next().unwrap_or("").to_ascii_lowercase();
    let mut charset = None;
    let mut base64 = false;
    for param in params {
        if param.eq_ignore_ascii_case("base64") {
            base64 = true;
        } else if let Some((key, value)) = param.split_once('=')
            && key.trim().eq_ignore_ascii_case("charset")
        {
            charset = Some(value.trim().trim_matches('"').to_owned());
        }
    }
    let mime = if mime.is_empty() {
        "text/plain".to_owned()
    } else {
        mime
    };
    let bytes = percent_decode(payload.as_bytes());
    let bytes = if base64 {
        base64_decode(&bytes).ok_or("its base64 data is malformed")?
    } else {
        bytes
    };
    Ok(DataUri {
        mime,
        charset,
        bytes,
    })
}

fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(high << 4 | low);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Standard or URL-safe base64, white space ignored, padding optional;
/// `None` for anything else.
pub(crate) fn base64_decode(bytes: &[u8]) -> Option<Vec<u8>> {
    let value = |b: u8| -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let symbols: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let unpadded = symbols
        .strip_suffix(b"==")
        .or(symbols.strip_suffix(b"="))
        .unwrap_or(&symbols);
    if unpadded.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(unpadded.len() / 4 * 3 + 2);
    for chunk in unpadded.chunks(4) {
        let mut accumulator = 0u32;
        for &b in chunk {
            accumulator = accumulator << 6 | value(b)?;
        }
        let bits = chunk.len() * 6;
        accumulator <<= 24 - bits;
        let bytes = accumulator.to_be_bytes();
        out.extend_from_slice(&bytes[1..1 + bits / 8]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_uris() {
        assert_eq!(
            parse_data_uri("data:,%E6%9C%BA%E5%AF%86").unwrap(),
            DataUri {
                mime: "text/plain".into(),
                charset: None,
                bytes: "机密".as_bytes().to_vec()
            }
        );
        let uri =
            parse_data_uri("DATA:text/html;charset=utf-8;base64,PHA+57ud5a+GPC9wPg==").unwrap();
        assert_eq!(uri.mime, "text/html");
        assert_eq!(uri.charset.as_deref(), Some("utf-8"));
        assert_eq!(uri.bytes, "<p>绝密</p>".as_bytes());
        assert!(parse_data_uri("data:text/plain;base64,@@@").is_err());
        assert!(parse_data_uri("data:text/plain").is_err());
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode(b"YQ").unwrap(), b"a");
        assert_eq!(base64_decode(b"YWI=").unwrap(), b"ab");
        assert_eq!(base64_decode(b"YWJj\r\nZA==").unwrap(), b"abcd");
        assert_eq!(base64_decode(b"Y"), None);
        assert_eq!(base64_decode(b"Y*=="), None);
    }

    #[test]
    fn css_content() {
        let css = r#"p::before { content: "\673A\5BC6 " "★1年"; color: red } .x:after{content:'a;b'} .y{--my-content: "no"} /* content: "注释" */"#;
        assert_eq!(content_strings(css), ["机密★1年", "a;b"]);
        assert_eq!(
            imports("@import url(a.css); @import 'b.css' screen;"),
            ["url(a.css)", "'b.css' screen"]
        );
    }
}
