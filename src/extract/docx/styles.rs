//! What `styles.xml` and `settings.xml` contribute to reading: which styles
//! hide text (`w:vanish` in a style hides every run that uses it, with no
//! mark on the run itself), whether even-page headers are shown, document
//! variables and the attached template.

use super::xml::{attr, is_on, local};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

/// Hidden-text facts from the style sheet.
#[derive(Debug, Default)]
pub(super) struct Styles {
    /// styleId → whether the style (through `w:basedOn`) sets `w:vanish`.
    hidden: HashMap<String, bool>,
    /// The default paragraph style, used when a paragraph names none.
    default_paragraph: Option<String>,
    /// `w:docDefaults/w:rPrDefault` vanish.
    pub default_hidden: bool,
}

impl Styles {
    /// Whether a style hides text: `None` when it says nothing.
    pub(super) fn hidden(&self, style: &str) -> Option<bool> {
        self.hidden.get(style).copied()
    }

    /// The hidden setting of a paragraph's style (or the default one).
    pub(super) fn paragraph_hidden(&self, style: Option<&str>) -> Option<bool> {
        match style {
            Some(style) => self.hidden(style),
            None => self
                .default_paragraph
                .as_deref()
                .and_then(|s| self.hidden(s)),
        }
    }

    /// Parses the style sheet; the error (with what was read before it)
    /// says where the XML broke.
    pub(super) fn parse(xml: &str) -> (Styles, Option<String>) {
        struct Raw {
            vanish: Option<bool>,
            based_on: Option<String>,
        }
        let mut raw: HashMap<String, Raw> = HashMap::new();
        let mut styles = Styles::default();
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().allow_dangling_amp = true;
        let mut path: Vec<String> = Vec::new();
        let mut current: Option<String> = None;
        let mut error = None;
        loop {
            let (element, empty) = match reader.read_event() {
                Ok(Event::Start(element)) => (element, false),
                Ok(Event::Empty(element)) => (element, true),
                Ok(Event::End(_)) => {
                    if path.pop().as_deref() == Some("style") {
                        current = None;
                    }
                    continue;
                }
                Ok(Event::Eof) => {
                    if !path.is_empty() {
                        error = Some(TRUNCATED.to_owned());
                    }
                    break;
                }
                Err(problem) => {
                    error = Some(format!(
                        "invalid XML at byte {}: {problem}",
                        reader.error_position()
                    ));
                    break;
                }
                Ok(_) => continue,
            };
            let name = local(element.name().0).to_owned();
            let parent = path.last().map(String::as_str);
            let grandparent = path.len().checked_sub(2).map(|i| path[i].as_str());
            match (name.as_str(), parent, grandparent) {
                ("style", _, _) => {
                    let id = attr(&element, "styleId").map(|id| id.into_owned());
                    if let Some(id) = &id {
                        raw.insert(
                            id.clone(),
                            Raw {
                                vanish: None,
                                based_on: None,
                            },
                        );
                        let is_default = attr(&element, "default").is_some_and(|v| on_value(&v));
                        let is_paragraph = attr(&element, "type").as_deref() == Some("paragraph");
                        if is_default && is_paragraph {
                            styles.default_paragraph = Some(id.clone());
                        }
                    }
                    current = id;
                }
                ("basedOn", Some("style"), _) => {
                    if let (Some(id), Some(base)) = (&current, attr(&element, "val"))
                        && let Some(entry) = raw.get_mut(id)
                    {
                        entry.based_on = Some(base.into_owned());
                    }
                }
                ("vanish" | "specVanish", Some("rPr"), Some("style")) => {
                    if let Some(entry) = current.as_ref().and_then(|id| raw.get_mut(id)) {
                        entry.vanish = Some(is_on(&element));
                    }
                }
                ("vanish", Some("rPr"), Some("rPrDefault")) => {
                    styles.default_hidden = is_on(&element);
                }
                _ => {}
            }
            if !empty {
                path.push(name);
            }
        }
        // Resolve basedOn chains, guarding against cycles and absurd depth.
        for id in raw.keys() {
            let mut cursor = Some(id.as_str());
            for _ in 0..32 {
                let Some(entry) = cursor.and_then(|c| raw.get(c)) else {
                    break;
                };
                if let Some(vanish) = entry.vanish {
                    styles.hidden.insert(id.clone(), vanish);
                    break;
                }
                cursor = entry.based_on.as_deref();
            }
        }
        (styles, error)
    }
}

const TRUNCATED: &str = "the part ends before its elements are closed (truncated)";

fn on_value(value: &str) -> bool {
    !matches!(value, "0" | "false" | "off")
}

/// What `settings.xml` says that matters for review.
#[derive(Debug, Default)]
pub(super) struct Settings {
    /// `w:evenAndOddHeaders`: without it even-page headers are never shown.
    pub even_and_odd_headers: bool,
    /// `w:docVars`: name/value pairs stored invisibly in the document.
    pub variables: Vec<(String, String)>,
    /// Relationship id of `w:attachedTemplate`.
    pub template_relationship: Option<String>,
}

impl Settings {
    pub(super) fn parse(xml: &str) -> (Settings, Option<String>) {
        let mut settings = Settings::default();
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().allow_dangling_amp = true;
        let mut depth = 0usize;
        let error = loop {
            let element: BytesStart<'_> = match reader.read_event() {
                Ok(Event::Start(element)) => {
                    depth += 1;
                    element
                }
                Ok(Event::Empty(element)) => element,
                Ok(Event::End(_)) => {
                    depth = depth.saturating_sub(1);
                    continue;
                }
                Ok(Event::Eof) => break (depth > 0).then(|| TRUNCATED.to_owned()),
                Err(problem) => {
                    break Some(format!(
                        "invalid XML at byte {}: {problem}",
                        reader.error_position()
                    ));
                }
                Ok(_) => continue,
            };
            match local(element.name().0) {
                "evenAndOddHeaders" => settings.even_and_odd_headers = is_on(&element),
                "docVar" => {
                    if let Some(name) = attr(&element, "name") {
                        let value = attr(&element, "val").unwrap_or_default();
                        settings
                            .variables
                            .push((name.into_owned(), value.into_owned()));
                    }
                }
                "attachedTemplate" => {
                    settings.template_relationship = attr(&element, "id").map(|id| id.into_owned());
                }
                _ => {}
            }
        };
        (settings, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_styles_follow_based_on() {
        let xml = r#"<w:styles xmlns:w="w">
            <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
            <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:rPr/></w:style>
            <w:style w:type="character" w:styleId="Secret"><w:rPr><w:vanish/></w:rPr></w:style>
            <w:style w:type="character" w:styleId="MoreSecret"><w:basedOn w:val="Secret"/></w:style>
            <w:style w:type="character" w:styleId="Shown"><w:basedOn w:val="Secret"/><w:rPr><w:vanish w:val="0"/></w:rPr></w:style>
            <w:style w:type="paragraph" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>
            <w:style w:type="paragraph" w:styleId="MarkOnly"><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr></w:style>
        </w:styles>"#;
        let (styles, error) = Styles::parse(xml);
        assert_eq!(error, None);
        assert_eq!(styles.hidden("Secret"), Some(true));
        assert_eq!(styles.hidden("MoreSecret"), Some(true));
        assert_eq!(styles.hidden("Shown"), Some(false));
        assert_eq!(styles.hidden("Loop"), None);
        assert_eq!(styles.hidden("MarkOnly"), None);
        assert_eq!(styles.paragraph_hidden(None), None);
        assert!(!styles.default_hidden);
    }

    #[test]
    fn settings_values() {
        let xml = r#"<w:settings xmlns:w="w" xmlns:r="r"><w:attachedTemplate r:id="rId1"/><w:evenAndOddHeaders/><w:docVars><w:docVar w:name="密级" w:val="机密"/></w:docVars></w:settings>"#;
        let (settings, error) = Settings::parse(xml);
        assert_eq!(error, None);
        assert!(settings.even_and_odd_headers);
        assert_eq!(settings.template_relationship.as_deref(), Some("rId1"));
        assert_eq!(settings.variables, [("密级".into(), "机密".into())]);
    }
}
