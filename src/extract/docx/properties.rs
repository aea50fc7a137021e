//! Document properties: `docProps/core.xml` (title, creator, …),
//! `docProps/app.xml` (company, manager, template, page count),
//! `docProps/custom.xml` (name/value pairs — sensitivity labels live here),
//! custom XML data parts and `word/people.xml` (comment authors' accounts).
//!
//! Each property becomes one `metadata` line, `name: value`, so a rule can
//! match the value and the reviewer sees which property holds it.

use super::xml::{attr, local, push_text, resolve_reference};
use quick_xml::events::Event;

/// Properties read from the package, in display order.
#[derive(Debug, Default)]
pub(super) struct Properties {
    /// `name: value` lines.
    pub lines: Vec<String>,
    /// `Pages` from app.xml.
    pub pages: Option<u32>,
}

/// Core properties worth reviewing, by element local name, with the name
/// shown to the user. Dates and revision counters are left out.
const CORE: &[(&str, &str)] = &[
    ("title", "title"),
    ("subject", "subject"),
    ("creator", "creator"),
    ("keywords", "keywords"),
    ("description", "description"),
    ("lastModifiedBy", "lastModifiedBy"),
    ("category", "category"),
    ("contentStatus", "contentStatus"),
    ("identifier", "identifier"),
    ("version", "version"),
];

const APP: &[(&str, &str)] = &[
    ("Company", "company"),
    ("Manager", "manager"),
    ("Template", "template"),
    ("HyperlinkBase", "hyperlinkBase"),
];

impl Properties {
    pub(super) fn read_core(&mut self, xml: &str) -> Result<(), String> {
        for (name, value) in leaves(xml)? {
            if let Some(&(_, shown)) = CORE.iter().find(|(key, _)| *key == name) {
                self.push(shown, &value);
            }
        }
        Ok(())
    }

    pub(super) fn read_app(&mut self, xml: &str) -> Result<(), String> {
        let mut titles = Vec::new();
        for (name, value) in leaves_with_parents(xml)? {
            let (name, parents) = name;
            if let Some(&(_, shown)) = APP.iter().find(|(key, _)| *key == name) {
                self.push(shown, &value);
            } else if name == "Pages" {
                self.pages = value.trim().parse().ok().filter(|&pages: &u32| pages > 0);
            } else if parents.iter().any(|p| p == "TitlesOfParts") {
                titles.push(value);
            }
        }
        let titles: Vec<&str> = titles
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if !titles.is_empty() {
            self.push("titlesOfParts", &titles.join("; "));
        }
        Ok(())
    }

    /// Custom properties: `<property name="密级"><vt:lpwstr>机密</vt:lpwstr>`.
    pub(super) fn read_custom(&mut self, xml: &str) -> Result<(), String> {
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().allow_dangling_amp = true;
        let mut name: Option<String> = None;
        let mut value = String::new();
        let mut depth_in_property = 0usize;
        loop {
            match reader.read_event() {
                Ok(Event::Start(element)) => {
                    if local(element.name().0) == "property" {
                        name = Some(attr(&element, "name").unwrap_or_default().into_owned());
                        value.clear();
                        depth_in_property = 0;
                    } else if name.is_some() {
                        depth_in_property += 1;
                    }
                }
                Ok(Event::Empty(element)) => {
                    if local(element.name().0) == "property" {
                        let name = attr(&element, "name").unwrap_or_default();
                        self.push_custom(&name, "");
                    }
                }
                Ok(Event::End(element)) => {
                    if local(element.name().0) == "property" && depth_in_property == 0 {
                        if let Some(name) = name.take() {
                            self.push_custom(&name, &value);
                        }
                    } else {
                        depth_in_property = depth_in_property.saturating_sub(1);
                    }
                }
                Ok(Event::Text(text)) if name.is_some() => {
                    push_text(&mut value, &text.xml10_content())
                }
                Ok(Event::CData(text)) if name.is_some() => {
                    push_text(&mut value, &text.xml10_content())
                }
                Ok(Event::GeneralRef(reference)) if name.is_some() => {
                    if let Some(ch) = resolve_reference(&reference) {
                        value.push(ch);
                    }
                }
                Ok(Event::Eof) => return Ok(()),
                Ok(_) => {}
                Err(error) => return Err(xml_error(error, reader.error_position())),
            }
        }
    }

    fn push_custom(&mut self, name: &str, value: &str) {
        let name = name.trim();
        let value = value.trim();
        if name.is_empty() && value.is_empty() {
            return;
        }
        self.lines.push(format!("{name}: {value}"));
    }

    /// Any XML data part (custom XML items, `people.xml`): every element
    /// with text or attribute values becomes `element: text` lines.
    pub(super) fn read_data(&mut self, prefix: &str, xml: &str) -> Result<(), String> {
        for (name, value) in leaves(xml)? {
            self.push(&format!("{prefix}{name}"), &value);
        }
        Ok(())
    }

    /// `word/people.xml`: comment authors and the accounts behind them
    /// (`w15:presenceInfo w15:userId="zhangsan@example.gov.cn"`).
    pub(super) fn read_people(&mut self, xml: &str) -> Result<(), String> {
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().allow_dangling_amp = true;
        let mut author: Option<String> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(element) | Event::Empty(element)) => {
                    match local(element.name().0) {
                        "person" => {
                            author = attr(&element, "author").map(|a| a.into_owned());
                            if let Some(author) = &author {
                                self.push("person", author);
                            }
                        }
                        "presenceInfo" => {
                            if let Some(user) = attr(&element, "userId") {
                                let who = author.clone().unwrap_or_default();
                                self.push("person account", &format!("{who} ({user})"));
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Event::Eof) => return Ok(()),
                Ok(_) => {}
                Err(error) => return Err(xml_error(error, reader.error_position())),
            }
        }
    }

    pub(super) fn push(&mut self, name: &str, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.lines
                .push(format!("{name}: {}", value.replace(['\n', '\r'], " ")));
        }
    }
}

fn xml_error(error: impl std::fmt::Display, position: u64) -> String {
    format!("invalid XML at byte {position}: {error}")
}

/// (local name, text) of every element that directly holds text.
fn leaves(xml: &str) -> Result<Vec<(String, String)>, String> {
    Ok(leaves_with_parents(xml)?
        .into_iter()
        .map(|((name, _), value)| (name, value))
        .collect())
}

type Leaf = ((String, Vec<String>), String);

fn leaves_with_parents(xml: &str) -> Result<Vec<Leaf>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    let mut path: Vec<(String, String)> = Vec::new();
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) => {
                path.push((local(element.name().0).to_owned(), String::new()));
            }
            Ok(Event::End(_)) => {
                if let Some((name, text)) = path.pop() {
                    let text = text.trim();
                    if !text.is_empty() {
                        let parents = path.iter().map(|(n, _)| n.clone()).collect();
                        found.push(((name, parents), text.to_owned()));
                    }
                }
            }
            Ok(Event::Text(text)) => {
                if let Some((_, value)) = path.last_mut() {
                    push_text(value, &text.xml10_content());
                }
            }
            Ok(Event::CData(text)) => {
                if let Some((_, value)) = path.last_mut() {
                    push_text(value, &text.xml10_content());
                }
            }
            Ok(Event::GeneralRef(reference)) => {
                if let (Some((_, value)), Some(ch)) =
                    (path.last_mut(), resolve_reference(&reference))
                {
                    value.push(ch);
                }
            }
            Ok(Event::Eof) => {
                return if path.is_empty() {
                    Ok(found)
                } else {
                    Err("the part ends before its elements are closed (truncated)".into())
                };
            }
            Ok(_) => {}
            Err(error) => return Err(xml_error(error, reader.error_position())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_properties() {
        let xml = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="cp" xmlns:dc="dc" xmlns:dcterms="t"><dc:title>关于&amp;通知</dc:title><dc:creator>张三</dc:creator><cp:lastModifiedBy>李四</cp:lastModifiedBy><dcterms:created>2024-01-01T00:00:00Z</dcterms:created></cp:coreProperties>"#;
        let mut properties = Properties::default();
        properties.read_core(xml).unwrap();
        assert_eq!(
            properties.lines,
            ["title: 关于&通知", "creator: 张三", "lastModifiedBy: 李四"]
        );
    }

    #[test]
    fn app_properties() {
        let xml = r#"<Properties xmlns:vt="vt"><Template>公文.dotm</Template><Pages>3</Pages><Company>某局</Company><TitlesOfParts><vt:vector><vt:lpstr>机密附件</vt:lpstr></vt:vector></TitlesOfParts></Properties>"#;
        let mut properties = Properties::default();
        properties.read_app(xml).unwrap();
        assert_eq!(properties.pages, Some(3));
        assert_eq!(
            properties.lines,
            [
                "template: 公文.dotm",
                "company: 某局",
                "titlesOfParts: 机密附件"
            ]
        );
    }

    #[test]
    fn custom_properties() {
        let xml = r#"<Properties xmlns:vt="vt"><property fmtid="x" pid="2" name="密级"><vt:lpwstr>秘密★5年</vt:lpwstr></property><property name="Reviewed"><vt:bool>true</vt:bool></property></Properties>"#;
        let mut properties = Properties::default();
        properties.read_custom(xml).unwrap();
        assert_eq!(properties.lines, ["密级: 秘密★5年", "Reviewed: true"]);
    }

    #[test]
    fn truncated_properties_are_an_error() {
        let mut properties = Properties::default();
        assert!(properties.read_core("<a><b>x</b>").is_err());
    }

    #[test]
    fn people_part() {
        let xml = r#"<w15:people xmlns:w15="w"><w15:person w15:author="王五"><w15:presenceInfo w15:providerId="AD" w15:userId="wangwu@example.cn"/></w15:person></w15:people>"#;
        let mut properties = Properties::default();
        properties.read_people(xml).unwrap();
        assert_eq!(
            properties.lines,
            ["person: 王五", "person account: 王五 (wangwu@example.cn)"]
        );
    }
}
