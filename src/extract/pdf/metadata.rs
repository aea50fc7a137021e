//! Document metadata: the Info dictionary and the XMP packet.
//!
//! Authors, organisations and working titles (`关于……的请示（征求意见稿）`)
//! travel in the file properties long after the body was cleaned. Every
//! value is reported as a `key: value` line of the `metadata` part: the
//! standard Info keys, custom Info keys (some carry classification labels,
//! e.g. Microsoft's `MSIP_Label_*`), and every XMP property with a value.

use super::encodings::decode_text_string;
use super::objects::{as_dict, get_stream, resolve};
use super::streams::Budget;
use lopdf::{Document, Object};
use quick_xml::events::Event;

/// The metadata lines of a document, Info first, then XMP properties whose
/// value is not already given by Info.
pub fn lines(doc: &Document, budget: &Budget) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let mut lines = info_lines(doc);
    if let Ok(catalog) = doc.catalog()
        && let Some(stream) = get_stream(doc, catalog, b"Metadata")
    {
        match budget.decode(stream) {
            Ok(bytes) => {
                for (key, value) in xmp_properties(&bytes) {
                    let line = format!("{key}: {value}");
                    let duplicate = lines
                        .iter()
                        .any(|existing| existing.split_once(": ").is_some_and(|(_, v)| v == value));
                    if !duplicate && !lines.contains(&line) {
                        lines.push(line);
                    }
                }
            }
            Err(error) => problems.push(format!("the XMP metadata was not read: {error}")),
        }
    }
    (lines, problems)
}

fn info_lines(doc: &Document) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(info) = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| resolve(doc, info))
        .and_then(as_dict)
    else {
        return lines;
    };
    for (key, value) in info.iter() {
        let key = String::from_utf8_lossy(key);
        let value = match resolve(doc, value) {
            Some(Object::String(bytes, _)) => decode_text_string(bytes),
            Some(Object::Name(name)) => String::from_utf8_lossy(name).into_owned(),
            Some(Object::Integer(number)) => number.to_string(),
            Some(Object::Real(number)) => number.to_string(),
            Some(Object::Boolean(flag)) => flag.to_string(),
            _ => continue,
        };
        let value = clean(&value);
        if value.is_empty() {
            continue;
        }
        lines.push(format!("{key}: {value}"));
    }
    lines
}

/// Collapses white space (line breaks inside a value would split a line).
fn clean(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches('\0')
        .to_owned()
}

/// Every property of an XMP packet that has a text value, as
/// (`prefix:name`, value): element values (including `rdf:li` items of
/// `rdf:Alt`/`rdf:Seq`/`rdf:Bag`) and attribute shorthand on
/// `rdf:Description`.
pub fn xmp_properties(bytes: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    // The packet may be padded or wrapped in <?xpacket?>; start at the XML.
    let start = text.find('<').unwrap_or(0);
    let mut reader = quick_xml::Reader::from_str(&text[start..]);
    reader.config_mut().trim_text(true);
    let mut properties: Vec<(String, String)> = Vec::new();
    // Element names from the root, to find the property a value belongs to.
    let mut stack: Vec<String> = Vec::new();
    // Text of the current element: quick-xml 0.42 splits it at entity
    // references, which arrive as separate events.
    let mut pending = String::new();
    let mut events = 0usize;
    loop {
        events += 1;
        if events > 1_000_000 {
            break;
        }
        let event = reader.read_event();
        if !matches!(
            event,
            Ok(Event::Text(_)) | Ok(Event::CData(_)) | Ok(Event::GeneralRef(_))
        ) {
            push_value(&stack, clean(&pending), &mut properties);
            pending.clear();
        }
        match event {
            Ok(Event::Start(element)) => {
                let name = element.name().as_ref().to_owned();
                if name == "rdf:Description" {
                    push_attributes(&element, &mut properties);
                }
                if stack.len() < 256 {
                    stack.push(name);
                }
            }
            Ok(Event::Empty(element)) => {
                if element.name().as_ref() == "rdf:Description" {
                    push_attributes(&element, &mut properties);
                }
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(content)) => {
                pending.push_str(&content.xml10_content());
            }
            Ok(Event::CData(content)) => pending.push_str(&content),
            Ok(Event::GeneralRef(reference)) => {
                let entity: &str = &reference;
                let text = match entity {
                    "amp" => String::from("&"),
                    "lt" => String::from("<"),
                    "gt" => String::from(">"),
                    "quot" => String::from("\""),
                    "apos" => String::from("'"),
                    numeric => numeric
                        .strip_prefix("#x")
                        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                        .or_else(|| numeric.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                        .and_then(char::from_u32)
                        .map(String::from)
                        .unwrap_or_default(),
                };
                pending.push_str(&text);
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    properties
}

/// The property a text node belongs to: the innermost element that is not
/// RDF/XMP structure.
fn property_name(stack: &[String]) -> Option<String> {
    stack
        .iter()
        .rev()
        .find(|name| !name.starts_with("rdf:") && !name.starts_with("x:") && name.contains(':'))
        .cloned()
}

fn push_value(stack: &[String], value: String, properties: &mut Vec<(String, String)>) {
    if value.is_empty() {
        return;
    }
    if let Some(key) = property_name(stack)
        && !properties.iter().any(|(k, v)| *k == key && *v == value)
    {
        properties.push((key, value));
    }
}

fn push_attributes(
    element: &quick_xml::events::BytesStart<'_>,
    properties: &mut Vec<(String, String)>,
) {
    for attribute in element.attributes().flatten() {
        let key = attribute.key.as_ref().to_owned();
        if key.starts_with("xmlns") || key.starts_with("rdf:") || !key.contains(':') {
            continue;
        }
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|value| clean(&value))
            .unwrap_or_default();
        if !value.is_empty() {
            properties.push((key, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_xmp_elements_and_attribute_shorthand() {
        let packet = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="LibreOffice 7.4"/>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <dc:title><rdf:Alt><rdf:li xml:lang="x-default">关于&amp;通知（征求意见稿）</rdf:li></rdf:Alt></dc:title>
 <dc:creator><rdf:Seq><rdf:li>张三</rdf:li><rdf:li>李四</rdf:li></rdf:Seq></dc:creator>
 <pdfx:密级 xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">秘密</pdfx:密级>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;
        let properties = xmp_properties(packet.as_bytes());
        assert!(properties.contains(&("pdf:Producer".into(), "LibreOffice 7.4".into())));
        assert!(
            properties.contains(&("dc:title".into(), "关于&通知（征求意见稿）".into())),
            "{properties:?}"
        );
        assert!(properties.contains(&("dc:creator".into(), "张三".into())));
        assert!(properties.contains(&("dc:creator".into(), "李四".into())));
        assert!(properties.contains(&("pdfx:密级".into(), "秘密".into())));
    }

    #[test]
    fn broken_xmp_gives_what_it_can() {
        let properties = xmp_properties(b"<x:xmpmeta><dc:title>abc</dc:ti");
        assert_eq!(properties, vec![("dc:title".to_owned(), "abc".to_owned())]);
        assert!(xmp_properties(b"\xff\xfe garbage").is_empty());
    }
}
