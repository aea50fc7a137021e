//! The OPC package layer: relationships, finding the main document part,
//! and decoding XML parts to text.
//!
//! The main part is found by following `_rels/.rels` (it is not always
//! `word/document.xml`: docx-rs writes `word/document2.xml`, some tools
//! rename it), then the content types, then the conventional name.
//! Relationship types are compared by their last path segment so that
//! Transitional (`…/2006/relationships/header`) and Strict
//! (`http://purl.oclc.org/ooxml/officeDocument/relationships/header`) URIs
//! mean the same thing.

use super::xml::{attr, local};
use crate::extract::container::{Container, PartError, resolve_target};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use quick_xml::events::Event;

/// What a relationship points at, by the last segment of its type URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RelKind {
    MainDocument,
    Header,
    Footer,
    Footnotes,
    Endnotes,
    Comments,
    CommentsExtended,
    People,
    Styles,
    Settings,
    CoreProperties,
    AppProperties,
    CustomProperties,
    OleObject,
    /// An embedded package (`.xlsx` behind a chart, an embedded `.docx`).
    Package,
    /// `w:altChunk`: a whole foreign document imported at a point.
    AltChunk,
    Chart,
    DiagramData,
    CustomXml,
    Hyperlink,
    AttachedTemplate,
    VbaProject,
    Image,
    Other,
}

impl RelKind {
    fn from_type(uri: &str) -> RelKind {
        let last = uri.rsplit('/').next().unwrap_or(uri);
        match last.to_ascii_lowercase().replace('-', "").as_str() {
            "officedocument" => RelKind::MainDocument,
            "header" => RelKind::Header,
            "footer" => RelKind::Footer,
            "footnotes" => RelKind::Footnotes,
            "endnotes" => RelKind::Endnotes,
            "comments" => RelKind::Comments,
            "commentsextended" => RelKind::CommentsExtended,
            "people" => RelKind::People,
            "styles" => RelKind::Styles,
            "settings" => RelKind::Settings,
            "coreproperties" => RelKind::CoreProperties,
            "extendedproperties" => RelKind::AppProperties,
            "customproperties" => RelKind::CustomProperties,
            "oleobject" => RelKind::OleObject,
            "package" => RelKind::Package,
            "afchunk" => RelKind::AltChunk,
            "chart" => RelKind::Chart,
            "diagramdata" => RelKind::DiagramData,
            "customxml" => RelKind::CustomXml,
            "hyperlink" => RelKind::Hyperlink,
            "attachedtemplate" => RelKind::AttachedTemplate,
            "vbaproject" => RelKind::VbaProject,
            "image" => RelKind::Image,
            _ => RelKind::Other,
        }
    }
}

/// One `<Relationship>` of a part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Relationship {
    pub id: String,
    pub kind: RelKind,
    /// The target part name resolved against the source part, or the raw
    /// target when it is external (a URL, a file path).
    pub target: String,
    pub external: bool,
}

/// The relationships part of `part` (`word/document.xml` →
/// `word/_rels/document.xml.rels`; the package itself is `""`).
pub(super) fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((folder, file)) => format!("{folder}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Reads the relationships of `part`. A missing relationships part is an
/// empty list (many parts have none); an unreadable one is an error.
pub(super) fn relationships(
    container: &Container<'_>,
    part: &str,
) -> Result<Vec<Relationship>, String> {
    let name = rels_name(part);
    let text = match read_xml(container, &name) {
        Ok(decoded) => decoded.text,
        Err(PartError::Missing) => return Ok(Vec::new()),
        Err(error) => return Err(format!("{name}: {error}")),
    };
    parse_relationships(&text, part).map_err(|error| format!("{name}: {error}"))
}

fn parse_relationships(xml: &str, source: &str) -> Result<Vec<Relationship>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element))
                if local(element.name().0) == "Relationship" =>
            {
                let (Some(id), Some(kind), Some(target)) = (
                    attr(&element, "Id"),
                    attr(&element, "Type"),
                    attr(&element, "Target"),
                ) else {
                    continue;
                };
                let external = attr(&element, "TargetMode")
                    .is_some_and(|mode| mode.eq_ignore_ascii_case("external"));
                let target = if external {
                    target.into_owned()
                } else {
                    resolve_target(source, &target)
                };
                found.push(Relationship {
                    id: id.into_owned(),
                    kind: RelKind::from_type(&kind),
                    target,
                    external,
                });
            }
            Ok(Event::Eof) => return Ok(found),
            Ok(_) => {}
            Err(error) => {
                return Err(format!(
                    "invalid XML at byte {}: {error}",
                    reader.error_position()
                ));
            }
        }
    }
}

/// Content types of a main document part, for packages whose `_rels/.rels`
/// is missing or names no main part.
const MAIN_CONTENT_TYPES: [&str; 4] = [
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
];

/// Finds the main document part: package relationship, then a content-type
/// override, then `word/document.xml`.
pub(super) fn main_part(container: &Container<'_>, package: &[Relationship]) -> Option<String> {
    let from_rels = package
        .iter()
        .filter(|rel| rel.kind == RelKind::MainDocument && !rel.external)
        .find_map(|rel| container.resolve(&rel.target));
    if let Some(name) = from_rels {
        return Some(name.to_owned());
    }
    if let Ok(decoded) = read_xml(container, "[Content_Types].xml") {
        let mut reader = quick_xml::Reader::from_str(&decoded.text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(element) | Event::Empty(element))
                    if local(element.name().0) == "Override" =>
                {
                    let is_main = attr(&element, "ContentType")
                        .is_some_and(|kind| MAIN_CONTENT_TYPES.contains(&kind.trim()));
                    if let Some(name) = attr(&element, "PartName").filter(|_| is_main)
                        && let Some(name) = container.resolve(&name)
                    {
                        return Some(name.to_owned());
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    container.resolve("word/document.xml").map(str::to_owned)
}

/// Checks `[Content_Types].xml`: Word refuses (or "repairs") a package
/// whose content types are missing or malformed, so what it would show may
/// differ from what was read. Returns the reason, if any.
pub(super) fn check_content_types(container: &Container<'_>) -> Option<String> {
    let decoded = match read_xml(container, "[Content_Types].xml") {
        Ok(decoded) => decoded,
        Err(PartError::Missing) => {
            return Some("[Content_Types].xml is missing".into());
        }
        Err(error) => return Some(format!("[Content_Types].xml: {error}")),
    };
    let mut reader = quick_xml::Reader::from_str(&decoded.text);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth == 0 => return None,
            Ok(Event::Eof) => {
                return Some("[Content_Types].xml is truncated".into());
            }
            Ok(_) => {}
            Err(error) => {
                return Some(format!(
                    "[Content_Types].xml is not valid XML (at byte {}: {error})",
                    reader.error_position()
                ));
            }
        }
    }
}

/// A decoded XML part.
#[derive(Debug)]
pub(super) struct Decoded {
    pub text: String,
    /// Set when bytes did not decode and were replaced with U+FFFD.
    pub warning: Option<String>,
}

/// Reads and decodes one XML part through the capped container.
pub(super) fn read_xml(container: &Container<'_>, name: &str) -> Result<Decoded, PartError> {
    let bytes = container.read(name)?;
    Ok(decode_xml(&bytes))
}

/// Decodes XML bytes: a BOM decides (a UTF-8 BOM is dropped — quick-xml
/// would otherwise see it as text before the root), then UTF-16 without a
/// BOM, then the encoding in the XML declaration, then UTF-8.
pub(super) fn decode_xml(bytes: &[u8]) -> Decoded {
    let (encoding, body) = if let Some((encoding, length)) = Encoding::for_bom(bytes) {
        (encoding, &bytes[length..])
    } else if bytes.starts_with(b"<\0") {
        (UTF_16LE, bytes)
    } else if bytes.starts_with(b"\0<") {
        (UTF_16BE, bytes)
    } else {
        (declared_encoding(bytes).unwrap_or(UTF_8), bytes)
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    Decoded {
        text: text.into_owned(),
        warning: had_errors.then(|| {
            format!(
                "some bytes are not valid {}: they were replaced with U+FFFD",
                encoding.name()
            )
        }),
    }
}

fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(200)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.iter().position(|&b| b == b'>')?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let value = declaration.split("encoding=").nth(1)?;
    let quote = value.chars().next()?;
    let label = value.get(1..)?.split(quote).next()?;
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    // A declaration claiming UTF-16 on bytes that had no BOM and no NUL
    // pattern is wrong; the bytes are ASCII-compatible.
    (encoding != UTF_16LE && encoding != UTF_16BE).then_some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_kinds_transitional_and_strict() {
        assert_eq!(
            RelKind::from_type(
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
            ),
            RelKind::Header
        );
        assert_eq!(
            RelKind::from_type("http://purl.oclc.org/ooxml/officeDocument/relationships/header"),
            RelKind::Header
        );
        assert_eq!(
            RelKind::from_type(
                "http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties"
            ),
            RelKind::AppProperties
        );
        assert_eq!(
            RelKind::from_type(
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
            ),
            RelKind::AppProperties
        );
    }

    #[test]
    fn parses_and_resolves_relationships() {
        let xml = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://x/?a=1&amp;b=2" TargetMode="External"/></Relationships>"#;
        let rels = parse_relationships(xml, "word/document.xml").unwrap();
        assert_eq!(rels[0].target, "word/header1.xml");
        assert_eq!(rels[0].kind, RelKind::Header);
        assert_eq!(rels[1].target, "http://x/?a=1&b=2");
        assert!(rels[1].external);
    }

    #[test]
    fn rels_names() {
        assert_eq!(rels_name(""), "_rels/.rels");
        assert_eq!(
            rels_name("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
    }

    #[test]
    fn decodes_bom_utf16_and_declared_encodings() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(b"<a/>");
        assert_eq!(decode_xml(&bom).text, "<a/>");
        let utf16: Vec<u8> = "<a>秘密</a>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode_xml(&utf16).text, "<a>秘密</a>");
        let (gbk, _, _) =
            encoding_rs::GBK.encode("<?xml version=\"1.0\" encoding=\"GBK\"?><a>秘密</a>");
        assert!(decode_xml(&gbk).text.ends_with("<a>秘密</a>"));
        let broken = decode_xml(b"<a>\xff</a>");
        assert!(broken.warning.is_some());
    }
}
