//! Small helpers over quick-xml shared by every part reader: one reader
//! configuration, namespace classification that treats Transitional and
//! Strict OOXML alike, attribute look-up, and the guards (nesting depth,
//! deadline) that keep a hostile part from running away.

use crate::extract::limits::Deadline;
use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;
use std::borrow::Cow;

/// Deepest element nesting followed inside one XML part. Real Word files
/// nest about 20 levels (a text box in a table cell in a text box is ~40);
/// content below this depth is skipped and the part reported partial. The
/// general `--max-depth` limit counts documents nested in documents, which is
/// a different thing, so it is not reused here.
pub(super) const MAX_XML_DEPTH: usize = 256;

/// How many XML events pass between two deadline checks: often enough to
/// stop within milliseconds, rarely enough to cost nothing.
pub(super) const DEADLINE_STRIDE: u32 = 4096;

/// Namespaces the readers care about. Transitional
/// (`schemas.openxmlformats.org`) and Strict (`purl.oclc.org/ooxml`) URIs
/// map to the same variant, so no reader needs to know which flavour it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ns {
    /// WordprocessingML main (`w:`).
    W,
    /// Office relationships (`r:id`).
    R,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    /// VML (`v:shape`, `v:textpath`).
    V,
    /// WordprocessingML drawing (`wp:docPr`).
    Wp,
    /// Office Math (`m:t`).
    M,
    Other,
}

/// A namespace-aware reader over one decoded part, configured the same way
/// for every part: mismatched end tags are errors (so corruption is noticed,
/// not silently misread), stray `&` is tolerated, and the namespace-binding
/// cap is raised above what Word's 40-odd root declarations need.
pub(super) fn reader(xml: &str) -> NsReader<&[u8]> {
    let mut reader = NsReader::from_str(xml);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.allow_dangling_amp = true;
    config.trim_text(false);
    reader.resolver_mut().set_max_namespace_bindings(1024);
    reader
}

/// Classifies a resolved element namespace. An undeclared prefix (some
/// producers forget the declaration) falls back to the conventional prefix.
pub(super) fn classify(resolved: &ResolveResult<'_>) -> Ns {
    match resolved {
        ResolveResult::Bound(Namespace(uri)) => classify_uri(uri),
        ResolveResult::Unknown(prefix) => match prefix.as_str() {
            "w" => Ns::W,
            "r" => Ns::R,
            "mc" => Ns::Mc,
            "v" => Ns::V,
            "wp" => Ns::Wp,
            "m" => Ns::M,
            _ => Ns::Other,
        },
        ResolveResult::Unbound => Ns::Other,
    }
}

fn classify_uri(uri: &str) -> Ns {
    match uri {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        | "http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        | "http://purl.oclc.org/ooxml/officeDocument/relationships" => Ns::R,
        "http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
        "urn:schemas-microsoft-com:vml" => Ns::V,
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
        | "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing" => Ns::Wp,
        "http://schemas.openxmlformats.org/officeDocument/2006/math"
        | "http://purl.oclc.org/ooxml/officeDocument/math" => Ns::M,
        _ => Ns::Other,
    }
}

/// The local part of a qualified name (`w:t` → `t`).
pub(super) fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// The value of the first attribute with this local name, whatever its
/// prefix, with entities resolved. OOXML elements do not carry two
/// attributes with the same local name in different namespaces where these
/// readers look, so the prefix is not checked.
pub(super) fn attr<'e>(element: &'e BytesStart<'_>, wanted: &str) -> Option<Cow<'e, str>> {
    for attribute in element.attributes().with_checks(false) {
        let Ok(attribute) = attribute else {
            return None;
        };
        if local(attribute.key.0) == wanted {
            return Some(
                attribute
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap_or(attribute.value),
            );
        }
    }
    None
}

/// Whether an on/off property (`<w:vanish/>`, `<w:vanish w:val="false"/>`)
/// is on: absent `w:val` means on.
pub(super) fn is_on(element: &BytesStart<'_>) -> bool {
    match attr(element, "val").as_deref() {
        None => true,
        Some(value) => !matches!(value, "0" | "false" | "off" | "none"),
    }
}

/// Resolves an entity or character reference event (`&amp;`, `&#x4E2D;`).
/// Unknown named entities (OOXML allows no DTD) resolve to nothing.
pub(super) fn resolve_reference(reference: &BytesRef<'_>) -> Option<char> {
    if let Ok(Some(ch)) = reference.resolve_char_ref() {
        return Some(ch);
    }
    match reference.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// Appends XML character data to `out`, turning line breaks (which Word
/// never puts inside `w:t`, but other producers do) into spaces so that one
/// paragraph stays one line.
pub(super) fn push_text(out: &mut String, text: &str) {
    if text.contains(['\n', '\r']) {
        out.extend(
            text.chars()
                .map(|ch| if ch == '\n' || ch == '\r' { ' ' } else { ch }),
        );
    } else {
        out.push_str(text);
    }
}

/// Counts events and checks the deadline every [`DEADLINE_STRIDE`] of them.
pub(super) struct Ticker {
    deadline: Deadline,
    count: u32,
}

impl Ticker {
    pub(super) fn new(deadline: Deadline) -> Ticker {
        Ticker { deadline, count: 0 }
    }

    /// True once the deadline has passed.
    pub(super) fn expired(&mut self) -> bool {
        self.count = self.count.wrapping_add(1);
        self.count.is_multiple_of(DEADLINE_STRIDE) && self.deadline.passed()
    }
}

/// Why reading one XML part stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// Malformed or truncated XML; the message says where.
    Invalid(String),
    /// The document's time budget ran out.
    Deadline,
}

/// Describes a quick-xml error with the byte offset it happened at.
pub(super) fn invalid(error: impl std::fmt::Display, position: u64) -> Stop {
    Stop::Invalid(format!("invalid XML at byte {position}: {error}"))
}

/// Text lines of a DrawingML-style part (charts, SmartArt data, slides):
/// the text of every `text` element, one line per `line` element.
/// Namespaces are ignored: these parts use one vocabulary each.
pub(super) fn collect_lines(
    xml: &str,
    line_elements: &[&str],
    text_elements: &[&str],
    deadline: Deadline,
) -> (Vec<String>, Option<Stop>) {
    use quick_xml::events::Event;
    let mut reader = reader(xml);
    let mut ticker = Ticker::new(deadline);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut in_text = 0usize;
    let mut depth = 0usize;
    let flush = |current: &mut String, lines: &mut Vec<String>| {
        let line = current.trim();
        if !line.is_empty() {
            lines.push(line.to_owned());
        }
        current.clear();
    };
    let stop = loop {
        if ticker.expired() {
            break Some(Stop::Deadline);
        }
        match reader.read_event() {
            Ok(Event::Start(element)) => {
                depth += 1;
                let name = local(element.name().0);
                if text_elements.contains(&name) {
                    in_text += 1;
                } else if line_elements.contains(&name) {
                    flush(&mut current, &mut lines);
                }
            }
            Ok(Event::End(element)) => {
                depth = depth.saturating_sub(1);
                let name = local(element.name().0);
                if text_elements.contains(&name) {
                    in_text = in_text.saturating_sub(1);
                    if !current.is_empty() && !current.ends_with(' ') {
                        // Separate texts inside one line (two chart labels).
                        current.push(' ');
                    }
                } else if line_elements.contains(&name) {
                    flush(&mut current, &mut lines);
                }
            }
            Ok(Event::Text(text)) if in_text > 0 => push_text(&mut current, &text.xml10_content()),
            Ok(Event::CData(text)) if in_text > 0 => push_text(&mut current, &text.xml10_content()),
            Ok(Event::GeneralRef(reference)) if in_text > 0 => {
                if let Some(ch) = resolve_reference(&reference) {
                    current.push(ch);
                }
            }
            Ok(Event::Eof) => {
                break (depth > 0).then(|| {
                    Stop::Invalid("the part ends before its elements are closed (truncated)".into())
                });
            }
            Ok(_) => {}
            Err(error) => break Some(invalid(error, reader.error_position())),
        }
    };
    flush(&mut current, &mut lines);
    (lines, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_off_values() {
        let on = BytesStart::from_content(r#"w:vanish"#, 8);
        assert!(is_on(&on));
        let off = BytesStart::from_content(r#"w:vanish w:val="false""#, 8);
        assert!(!is_on(&off));
        let zero = BytesStart::from_content(r#"w:vanish w:val="0""#, 8);
        assert!(!is_on(&zero));
    }

    #[test]
    fn attributes_are_unescaped() {
        let element = BytesStart::from_content(r#"w:comment w:author="A &amp; B""#, 9);
        assert_eq!(attr(&element, "author").as_deref(), Some("A & B"));
        assert_eq!(attr(&element, "date"), None);
    }

    #[test]
    fn lines_of_a_chart() {
        let xml = r#"<c:chart xmlns:c="c" xmlns:a="a"><c:tx><c:strCache><c:pt><c:v>机密</c:v></c:pt><c:pt><c:v>数据</c:v></c:pt></c:strCache></c:tx><a:p><a:r><a:t>标题&amp;</a:t></a:r></a:p></c:chart>"#;
        let (lines, stop) = collect_lines(xml, &["p", "pt"], &["t", "v"], Deadline::never());
        assert_eq!(lines, ["机密", "数据", "标题&"]);
        assert_eq!(stop, None);
    }

    #[test]
    fn truncated_part_is_reported() {
        let (lines, stop) = collect_lines("<a><p><t>x</t>", &["p"], &["t"], Deadline::never());
        assert_eq!(lines, ["x"]);
        assert!(matches!(stop, Some(Stop::Invalid(_))));
    }
}
