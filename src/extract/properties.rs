//! Document properties of OOXML (`docProps/*.xml`) and ODF (`meta.xml`)
//! packages, as `metadata` segments.
//!
//! Properties travel with the file and are easy to forget: the author's
//! name, the company, a title left over from the template, custom fields
//! such as `密级`. Each property becomes one segment labelled with its name
//! so a finding says which property to clear; the people they name are
//! noticed by [`super::people`], one policy for every format.

use super::container::Container;
use super::xml::{self, Element};
use crate::extract::document::{Extraction, Part, Segment};

/// Reads `docProps/core.xml`, `app.xml` and `custom.xml`. `format` names the
/// notice rules (`metadata.xlsx.author`).
pub fn ooxml(container: &Container<'_>, max_depth: usize, format: &str, out: &mut Extraction) {
    const CORE: [(&str, &str); 10] = [
        ("title", "title"),
        ("subject", "subject"),
        ("creator", "author"),
        ("lastModifiedBy", "last modified by"),
        ("keywords", "keywords"),
        ("description", "description"),
        ("category", "category"),
        ("contentStatus", "content status"),
        ("created", "created"),
        ("modified", "modified"),
    ];
    const APP: [(&str, &str); 4] = [
        ("Company", "company"),
        ("Manager", "manager"),
        ("Template", "template"),
        ("HyperlinkBase", "hyperlink base"),
    ];
    if let Some(core) = read(container, "docProps/core.xml", max_depth) {
        push_fields(core.document(), &CORE, format, out);
    }
    if let Some(app) = read(container, "docProps/app.xml", max_depth) {
        push_fields(app.document(), &APP, format, out);
    }
    if let Some(custom) = read(container, "docProps/custom.xml", max_depth) {
        for property in custom.document().children_named("property") {
            let name = property.attr("name").unwrap_or("").trim();
            let value = one_line(&property.text());
            push_custom(name, &value, out);
        }
    }
}

/// Reads ODF `meta.xml`.
pub fn odf(container: &Container<'_>, max_depth: usize, format: &str, out: &mut Extraction) {
    let Some(meta) = read(container, "meta.xml", max_depth) else {
        return;
    };
    odf_meta(meta.document(), format, out);
}

/// Reads the `office:meta` child of an ODF document (the root of
/// `meta.xml`, or of a flat `.fodt`/`.fods`/`.fodp`).
pub fn odf_meta(document: &Element, format: &str, out: &mut Extraction) {
    const FIELDS: [(&str, &str); 9] = [
        ("title", "title"),
        ("subject", "subject"),
        ("description", "description"),
        ("initial-creator", "author"),
        ("creator", "last modified by"),
        ("keyword", "keywords"),
        ("printed-by", "printed by"),
        ("creation-date", "created"),
        ("date", "modified"),
    ];
    let Some(fields) = document.child("meta") else {
        return;
    };
    push_fields(fields, &FIELDS, format, out);
    for property in fields.children_named("user-defined") {
        let name = property.attr("name").unwrap_or("").trim();
        let value = one_line(&property.text());
        push_custom(name, &value, out);
    }
}

fn read(container: &Container<'_>, name: &str, max_depth: usize) -> Option<xml::Parsed> {
    let bytes = container.read(name).ok()?;
    Some(xml::parse_bytes(&bytes, max_depth))
}

fn push_fields(parent: &Element, fields: &[(&str, &str)], format: &str, out: &mut Extraction) {
    for (element, label) in fields {
        // A field may repeat (ODF writes one meta:keyword per keyword).
        let values: Vec<String> = parent
            .children_named(element)
            .map(|e| one_line(&e.text()))
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            continue;
        }
        let value = values.join("\t");
        push_field(label, &value, format, out);
    }
}

/// One property as a `metadata` segment labelled with its name; the people
/// it names are noticed once for every format (see [`super::people`]).
pub(crate) fn push_field(label: &str, value: &str, _format: &str, out: &mut Extraction) {
    out.push(Segment::new(Part::Metadata, value).with_label(label));
}

pub(crate) fn push_custom(name: &str, value: &str, out: &mut Extraction) {
    if name.is_empty() && value.is_empty() {
        return;
    }
    // The property name stays in the text: it is often the telling part
    // (`密级`, `公开属性`).
    let text = if name.is_empty() {
        value.to_owned()
    } else {
        format!("{name}\t{value}")
    };
    out.push(Segment::new(Part::Metadata, text).with_label("custom property"));
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::limits::Limits;
    use std::io::Write;

    fn package(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, data) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data.as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    #[test]
    fn ooxml_properties_become_labelled_segments() {
        let bytes = package(&[
            (
                "docProps/core.xml",
                r#"<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:title>名单</dc:title><dc:creator>张三</dc:creator></cp:coreProperties>"#,
            ),
            (
                "docProps/app.xml",
                "<Properties><Company>某局</Company></Properties>",
            ),
            (
                "docProps/custom.xml",
                r#"<Properties><property name="密级"><vt:lpwstr xmlns:vt="v">秘密</vt:lpwstr></property></Properties>"#,
            ),
        ]);
        let limits = Limits::default();
        let container = Container::open(&bytes, &limits).unwrap();
        let mut out = Extraction::default();
        ooxml(&container, 64, "xlsx", &mut out);
        let found: Vec<(Option<&str>, &str)> = out
            .segments
            .iter()
            .map(|s| (s.label.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (Some("title"), "名单"),
                (Some("author"), "张三"),
                (Some("company"), "某局"),
                (Some("custom property"), "密级\t秘密"),
            ]
        );
    }

    #[test]
    fn odf_meta() {
        let bytes = package(&[(
            "meta.xml",
            r#"<office:document-meta xmlns:office="o" xmlns:meta="m" xmlns:dc="d"><office:meta><meta:initial-creator>李四</meta:initial-creator><meta:keyword>内部</meta:keyword><meta:keyword>人事</meta:keyword><meta:user-defined meta:name="公开属性">不予公开</meta:user-defined></office:meta></office:document-meta>"#,
        )]);
        let limits = Limits::default();
        let container = Container::open(&bytes, &limits).unwrap();
        let mut out = Extraction::default();
        odf(&container, 64, "odt", &mut out);
        let texts: Vec<&str> = out.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["李四", "内部\t人事", "公开属性\t不予公开"]);
    }
}
