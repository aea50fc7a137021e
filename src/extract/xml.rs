//! A small element tree over quick-xml, shared by the zip-based formats
//! (OFD, PPTX, XLSX side parts, ODF).
//!
//! Why a tree and not streaming: the parts these formats keep text in are
//! small (a page, a slide, a comments file), and their structure (tables,
//! grouped shapes, nested page blocks, tracked-change regions) is far easier
//! to walk correctly as a tree. Memory stays bounded because every part has
//! already passed the [`Container`](super::container::Container) caps.
//!
//! Elements are matched on *local* names (`ofd:TextCode` and `TextCode` are
//! the same element): producers disagree about namespace URIs and prefixes
//! (`shared/corpus/ofdrw_sign__namespace_no_std.ofd`), and no format read
//! here has two meaningful elements that differ only by namespace — except
//! in ODF, where [`Element::prefix`] is kept to tell them apart.
//!
//! Malformed XML is not fatal: [`parse`] returns the tree read up to the
//! error together with the error, so the caller can keep the text before a
//! truncation and still mark the document `partial`.

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Nesting deeper than this is refused whatever `--max-depth` says, because
/// walking and dropping the tree is recursive.
const HARD_DEPTH_CAP: usize = 256;

/// One XML element, with its local name and its children in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name (`TextCode` for `ofd:TextCode`).
    pub name: String,
    /// Namespace prefix as written (`text` for `text:p`), if any.
    pub prefix: Option<String>,
    /// Attributes as written: qualified key, unescaped value.
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A child of an element: another element or a run of character data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// The result of [`parse`]: the tree, and the error that stopped parsing
/// early, if any (the tree then holds everything read before it).
#[derive(Debug, Default)]
pub struct Parsed {
    pub root: Element,
    pub error: Option<String>,
}

impl Element {
    /// The value of the attribute whose *local* name is `local`
    /// (`Visible` matches `Visible` and `ofd:Visible`).
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| local_part(key) == local)
            .map(|(_, value)| value.as_str())
    }

    /// The value of an attribute by exact qualified name (`text:display`).
    pub fn attr_qualified(&self, qualified: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == qualified)
            .map(|(_, value)| value.as_str())
    }

    /// Whether this element is `prefix:name` (prefix compared exactly).
    pub fn is(&self, prefix: &str, name: &str) -> bool {
        self.name == name && self.prefix.as_deref() == Some(prefix)
    }

    /// Child elements in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// Child elements with the given local name.
    pub fn children_named<'s>(&'s self, local: &'s str) -> impl Iterator<Item = &'s Element> {
        self.elements().filter(move |element| element.name == local)
    }

    /// The first child element with the given local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == local)
    }

    /// The text of the first child element with the given local name,
    /// trimmed; `None` when absent or blank.
    pub fn child_text(&self, local: &str) -> Option<String> {
        let text = self.child(local)?.text();
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// Descendant elements (not including `self`) with the given local name,
    /// in document order.
    pub fn descendants_named<'s>(&'s self, local: &str) -> Vec<&'s Element> {
        let mut found = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect();
        stack.reverse();
        while let Some(element) = stack.pop() {
            if element.name == local {
                found.push(element);
            }
            let start = stack.len();
            stack.extend(element.elements());
            stack[start..].reverse();
        }
        found
    }

    /// All character data below this element, concatenated in order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Element(element) => element.collect_text(out),
            }
        }
    }
}

/// `Name: value` for every leaf element with text, in document order,
/// skipping OFD object references (numbers pointing at page objects). Used
/// for data-like XML: e-invoice attachments, OFD custom tags.
pub fn leaf_lines(element: &Element) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![element];
    while let Some(element) = stack.pop() {
        let children: Vec<&Element> = element.elements().collect();
        if children.is_empty() {
            if element.name == "ObjectRef" {
                continue;
            }
            let text = element
                .text()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !text.is_empty() {
                out.push(format!("{}: {text}", element.name));
            }
            continue;
        }
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The part of a qualified name after the colon.
pub fn local_part(qualified: &str) -> &str {
    qualified.rsplit(':').next().unwrap_or(qualified)
}

/// Decodes the bytes of an XML part: a BOM wins, then the encoding named in
/// the XML declaration (some Chinese producers write GB2312/GBK parts), then
/// UTF-8 with invalid bytes replaced.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom_length..])
            .0
            .into_owned();
    }
    if let Some(encoding) = declared_encoding(bytes)
        && encoding != encoding_rs::UTF_8
    {
        return encoding.decode_without_bom_handling(bytes).0.into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(200)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.iter().position(|&b| b == b'>')?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let after = declaration.split("encoding").nth(1)?;
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let label = after[1..].split(quote).next()?;
    encoding_rs::Encoding::for_label(label.trim().as_bytes())
}

/// Parses XML bytes into an element tree (see [`decode`] for encodings).
pub fn parse_bytes(bytes: &[u8], max_depth: usize) -> Parsed {
    parse(&decode(bytes), max_depth)
}

/// Parses XML text into an element tree.
///
/// The returned root is a synthetic element with an empty name whose
/// children are the document's top-level nodes; use [`Parsed::document`] for
/// the document element. Nesting deeper than `max_depth` stops parsing with
/// an error naming the limit.
pub fn parse(text: &str, max_depth: usize) -> Parsed {
    let max_depth = max_depth.clamp(1, HARD_DEPTH_CAP);
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.check_comments = false;
    config.allow_dangling_amp = true;

    // stack[0] is the synthetic root.
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut error = None;
    let mut entities = Entities::default();
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => {
                if stack.len() > max_depth {
                    error = Some(format!(
                        "XML nesting is deeper than {max_depth} levels (--max-depth)"
                    ));
                    break;
                }
                stack.push(element_from(&start));
            }
            Ok(Event::Empty(start)) => {
                let element = element_from(&start);
                push_child(&mut stack, Node::Element(element));
            }
            Ok(Event::End(_)) => {
                if stack.len() > 1
                    && let Some(done) = stack.pop()
                {
                    push_child(&mut stack, Node::Element(done));
                }
            }
            Ok(Event::Text(text)) => push_text(&mut stack, &text.xml10_content()),
            Ok(Event::CData(data)) => push_text(&mut stack, &data.xml10_content()),
            Ok(Event::DocType(doctype)) => {
                entities = Entities::declared_in(&doctype[..]);
            }
            Ok(Event::GeneralRef(reference)) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match predefined_entity(&reference) {
                        Some(c) => c.to_owned(),
                        None => match entities.expand(&reference) {
                            Ok(Some(text)) => text,
                            Ok(None) => format!("&{};", &*reference),
                            Err(over) => {
                                error.get_or_insert(over);
                                format!("&{};", &*reference)
                            }
                        },
                    },
                    Err(_) => format!("&{};", &*reference),
                };
                push_text(&mut stack, &resolved);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(parse_error) => {
                error = Some(format!(
                    "malformed XML at byte {}: {parse_error}",
                    reader.error_position()
                ));
                break;
            }
        }
    }
    if let Some(over) = entities.over.take() {
        error.get_or_insert(over);
    }
    if error.is_none() && stack.len() > 1 {
        error = Some("XML ends before its elements are closed (truncated?)".to_owned());
    }
    // Close whatever is still open so the text read so far is kept.
    while stack.len() > 1 {
        if let Some(open) = stack.pop() {
            push_child(&mut stack, Node::Element(open));
        }
    }
    let mut root = stack.pop().unwrap_or_default();
    resolve_alternate_content(&mut root);
    Parsed { root, error }
}

/// Replaces every `mc:AlternateContent` by the content of its branches: the
/// first `mc:Choice`, then each further `mc:Choice` and the `mc:Fallback`
/// whose text (or picture description) is not already in what the earlier
/// branches gave. Readers choose one branch by the namespaces they
/// understand, so a marking placed only in the Fallback is what Word 2007
/// or LibreOffice show; reading each branch once keeps a shape that is
/// written twice (DrawingML and VML) from being read twice.
pub fn resolve_alternate_content(element: &mut Element) {
    // A branch may itself hold an AlternateContent, which then becomes a
    // child here: splice again until none is left (the tree is at most
    // [`HARD_DEPTH_CAP`] deep).
    while element
        .children
        .iter()
        .any(|node| matches!(node, Node::Element(child) if child.name == "AlternateContent"))
    {
        let children = std::mem::take(&mut element.children);
        for node in children {
            match node {
                Node::Element(child) if child.name == "AlternateContent" => {
                    let mut seen = String::new();
                    let branches = child.children.into_iter().filter_map(|node| match node {
                        Node::Element(branch)
                            if branch.name == "Choice" || branch.name == "Fallback" =>
                        {
                            Some(branch)
                        }
                        _ => None,
                    });
                    for (index, branch) in branches.enumerate() {
                        let signature = signature(&branch);
                        if index > 0 && (signature.is_empty() || seen.contains(&signature)) {
                            continue;
                        }
                        seen.push_str(&signature);
                        element.children.extend(branch.children);
                    }
                }
                other => element.children.push(other),
            }
        }
    }
    for node in &mut element.children {
        if let Node::Element(child) = node {
            resolve_alternate_content(child);
        }
    }
}

/// The text below an element, and its descriptions (`descr`, `title`),
/// without white space: what tells two branches apart.
fn signature(element: &Element) -> String {
    let mut out = String::new();
    let mut stack = vec![element];
    while let Some(element) = stack.pop() {
        for key in ["descr", "title"] {
            if let Some(value) = element.attr(key) {
                out.extend(value.chars().filter(|c| !c.is_whitespace()));
            }
        }
        for node in element.children.iter().rev() {
            match node {
                Node::Element(child) => stack.push(child),
                Node::Text(text) => out.extend(text.chars().filter(|c| !c.is_whitespace())),
            }
        }
    }
    out
}

impl Parsed {
    /// The document element (the first top-level element), or an empty
    /// element when the XML held none.
    pub fn document(&self) -> &Element {
        static EMPTY: Element = Element {
            name: String::new(),
            prefix: None,
            attributes: Vec::new(),
            children: Vec::new(),
        };
        self.root.elements().next().unwrap_or(&EMPTY)
    }
}

fn element_from(start: &BytesStart<'_>) -> Element {
    let qualified = start.name();
    let qualified: &str = qualified.as_ref();
    let (prefix, name) = match qualified.split_once(':') {
        Some((prefix, name)) => (Some(prefix.to_owned()), name.to_owned()),
        None => (None, qualified.to_owned()),
    };
    let attributes = start
        .attributes()
        .with_checks(false)
        .filter_map(Result::ok)
        .map(|attribute| {
            let key: &str = attribute.key.as_ref();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|value| value.into_owned())
                .unwrap_or_else(|_| attribute.value.clone().into_owned());
            (key.to_owned(), value)
        })
        .collect();
    Element {
        name,
        prefix,
        attributes,
        children: Vec::new(),
    }
}

fn push_child(stack: &mut [Element], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(parent) = stack.last_mut() {
        if let Some(Node::Text(previous)) = parent.children.last_mut() {
            previous.push_str(text);
        } else {
            parent.children.push(Node::Text(text.to_owned()));
        }
    }
}

/// Bytes of text that internal DTD entities of one part may expand to, in
/// all: `<!ENTITY a "&b;&b;…">` chains grow exponentially ("billion
/// laughs"), so expansion stops here and the part is reported partial.
pub const MAX_ENTITY_EXPANSION: usize = 1024 * 1024;

/// Deepest chain of entities referring to entities that is followed.
const MAX_ENTITY_NESTING: usize = 16;

/// The internal general entities a part's DTD declares
/// (`<!DOCTYPE r [<!ENTITY m "机密">]>`): their text is what readers show
/// where `&m;` is written, so it is expanded — within a budget.
#[derive(Debug, Default)]
pub struct Entities {
    declared: std::collections::HashMap<String, String>,
    /// Declarations in order, for reporting.
    order: Vec<String>,
    spent: usize,
    /// Set once the budget is used up: the sentence for the problem.
    pub over: Option<String>,
}

impl Entities {
    /// Reads the `<!ENTITY name "value">` declarations of a DOCTYPE's
    /// content (parameter entities and external entities are not general
    /// text and are left out; the first declaration of a name wins, as in
    /// XML).
    pub fn declared_in(doctype: &str) -> Entities {
        let mut entities = Entities::default();
        let mut rest = doctype;
        while let Some(at) = rest.find("<!ENTITY") {
            rest = &rest[at + "<!ENTITY".len()..];
            let body = rest.trim_start();
            if body.starts_with('%') {
                continue;
            }
            let name_end = body
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .unwrap_or(body.len());
            let name = &body[..name_end];
            let after = body[name_end..].trim_start();
            let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                // SYSTEM / PUBLIC: an external entity, never fetched.
                continue;
            };
            let Some(end) = after[1..].find(quote) else {
                break;
            };
            let value = &after[1..1 + end];
            if !name.is_empty() && !entities.declared.contains_key(name) {
                entities.order.push(name.to_owned());
                entities.declared.insert(name.to_owned(), value.to_owned());
            }
            rest = &after[1 + end..];
        }
        entities
    }

    pub fn is_empty(&self) -> bool {
        self.declared.is_empty()
    }

    /// The text `&name;` stands for, with the entities and character
    /// references inside it expanded; `Ok(None)` for an undeclared name,
    /// `Err` once the budget is used up.
    pub fn expand(&mut self, name: &str) -> Result<Option<String>, String> {
        if !self.declared.contains_key(name) {
            return Ok(None);
        }
        if self.over.is_some() {
            return Err(self.over.clone().unwrap_or_default());
        }
        let mut out = String::new();
        match self.expand_into(name, 0, &mut out) {
            Ok(()) => Ok(Some(out)),
            Err(message) => {
                self.over = Some(message.clone());
                Err(message)
            }
        }
    }

    fn expand_into(&mut self, name: &str, depth: usize, out: &mut String) -> Result<(), String> {
        if depth > MAX_ENTITY_NESTING {
            return Err(format!(
                "DTD entity &{name}; refers to entities more than {MAX_ENTITY_NESTING} deep (or to itself): not expanded further"
            ));
        }
        let Some(value) = self.declared.get(name).cloned() else {
            out.push('&');
            out.push_str(name);
            out.push(';');
            return Ok(());
        };
        let mut rest = value.as_str();
        while let Some(at) = rest.find('&') {
            self.spend(at, out, &rest[..at])?;
            let after = &rest[at + 1..];
            match after.find(';') {
                Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                    let reference = &after[..end];
                    if let Some(number) = reference.strip_prefix('#') {
                        let code = match number.strip_prefix(['x', 'X']) {
                            Some(hex) => u32::from_str_radix(hex, 16).ok(),
                            None => number.parse().ok(),
                        };
                        match code.and_then(char::from_u32) {
                            Some(c) => self.spend(c.len_utf8(), out, c.encode_utf8(&mut [0; 4]))?,
                            None => self.spend(end + 2, out, &rest[at..at + end + 2])?,
                        }
                    } else if let Some(c) = predefined_entity(reference) {
                        self.spend(c.len(), out, c)?;
                    } else {
                        self.expand_into(reference, depth + 1, out)?;
                    }
                    rest = &after[end + 1..];
                }
                _ => {
                    self.spend(1, out, "&")?;
                    rest = after;
                }
            }
        }
        self.spend(rest.len(), out, rest)
    }

    fn spend(&mut self, length: usize, out: &mut String, text: &str) -> Result<(), String> {
        self.spent += length;
        if self.spent > MAX_ENTITY_EXPANSION {
            return Err(format!(
                "DTD entities expand to more than {MAX_ENTITY_EXPANSION} bytes (possible entity bomb): the rest is not expanded"
            ));
        }
        out.push_str(text);
        Ok(())
    }

    /// Every declared entity with its expanded text, in declaration order
    /// (a value that is over the budget is cut where the budget ended).
    pub fn expanded(&mut self) -> Vec<(String, String)> {
        let names = self.order.clone();
        let mut out = Vec::new();
        for name in names {
            let mut text = String::new();
            let result = self.expand_into(&name, 0, &mut text);
            out.push((name, text));
            if let Err(message) = result {
                self.over.get_or_insert(message);
                break;
            }
        }
        out
    }
}

/// The internal DTD of an XML part: the content of its `<!DOCTYPE …>`, if
/// the part starts with one (only the prolog is looked at).
pub fn doctype(text: &str) -> Option<&str> {
    let head = &text[..char_floor(text, 64 * 1024)];
    let start = head.find("<!DOCTYPE")?;
    // The DOCTYPE must come before the document element.
    if head[..start].contains('<') {
        let before = &head[..start];
        let elements = before
            .match_indices('<')
            .any(|(i, _)| !before[i..].starts_with("<?") && !before[i..].starts_with("<!--"));
        if elements {
            return None;
        }
    }
    let body = &text[start + "<!DOCTYPE".len()..];
    let end = match (body.find('['), body.find('>')) {
        (Some(open), Some(close)) if open < close => {
            let close_subset = body[open..].find("]")? + open;
            body[close_subset..].find('>')? + close_subset
        }
        (_, Some(close)) => close,
        _ => return None,
    };
    Some(&body[..end])
}

/// The largest char boundary of `text` at or before `at`.
pub fn char_floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn predefined_entity(name: &str) -> Option<&'static str> {
    match name {
        "lt" => Some("<"),
        "gt" => Some(">"),
        "amp" => Some("&"),
        "apos" => Some("'"),
        "quot" => Some("\""),
        "nbsp" => Some("\u{a0}"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_and_entities() {
        let parsed = parse(
            r#"<?xml version="1.0"?><ofd:Page xmlns:ofd="x"><ofd:TextCode X="1">R&amp;W &#x4E2D;<![CDATA[<b>]]></ofd:TextCode><Other a:b="2"/></ofd:Page>"#,
            64,
        );
        assert_eq!(parsed.error, None);
        let page = parsed.document();
        assert_eq!(page.name, "Page");
        assert_eq!(page.prefix.as_deref(), Some("ofd"));
        let code = page.child("TextCode").unwrap();
        assert_eq!(code.text(), "R&W 中<b>");
        assert_eq!(code.attr("X"), Some("1"));
        assert_eq!(page.child("Other").unwrap().attr("b"), Some("2"));
        assert_eq!(page.descendants_named("TextCode").len(), 1);
    }

    #[test]
    fn truncated_xml_keeps_text_and_reports() {
        let parsed = parse("<a><p>第一段</p><p>第二", 64);
        assert!(parsed.error.is_some());
        assert_eq!(parsed.document().text(), "第一段第二");
    }

    #[test]
    fn depth_is_capped() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        let parsed = parse(&deep, 10);
        assert!(parsed.error.unwrap().contains("deeper than 10"));
    }

    #[test]
    fn declared_gbk_is_decoded() {
        let (body, _, _) = encoding_rs::GBK.encode("<a>秘密</a>");
        let mut bytes = br#"<?xml version="1.0" encoding="GB2312"?>"#.to_vec();
        bytes.extend_from_slice(&body);
        assert_eq!(parse_bytes(&bytes, 64).document().text(), "秘密");
    }

    #[test]
    fn internal_dtd_entities_are_expanded() {
        let parsed = parse(
            r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "机"><!ENTITY b '&a;&#23494;'><!ENTITY ext SYSTEM "http://x/">]><r>&b;★1年 &ext; &undeclared;</r>"#,
            64,
        );
        assert_eq!(parsed.error, None);
        assert_eq!(parsed.document().text(), "机密★1年 &ext; &undeclared;");
    }

    #[test]
    fn entity_bombs_stop_at_the_budget() {
        let mut dtd = String::from("<!DOCTYPE r [<!ENTITY l0 \"lol\">");
        for level in 1..12 {
            let previous = format!("&l{};", level - 1);
            dtd.push_str(&format!("<!ENTITY l{level} \"{}\">", previous.repeat(10)));
        }
        dtd.push_str("]>");
        let parsed = parse(&format!("{dtd}<r>&l11;</r>"), 64);
        assert!(
            parsed.error.as_deref().unwrap().contains("entity bomb"),
            "{:?}",
            parsed.error
        );
        assert!(parsed.document().text().len() <= MAX_ENTITY_EXPANSION + 16);
        let mut selfish = Entities::declared_in("r [<!ENTITY a \"x&a;\">]");
        assert!(selfish.expand("a").is_err());
    }

    #[test]
    fn doctype_is_found_in_the_prolog_only() {
        let text = r#"<?xml version="1.0"?><!-- c --><!DOCTYPE r [<!ENTITY a "x>y">]><r/>"#;
        assert_eq!(doctype(text), Some(r#" r [<!ENTITY a "x>y">]"#));
        assert_eq!(doctype("<r><!DOCTYPE x></r>"), None);
        // A prolog cut inside a character is no panic.
        let long = format!("<r>{}</r>", "统".repeat(30_000));
        assert_eq!(doctype(&long), None);
        assert_eq!(char_floor("统计", 1), 0);
    }

    #[test]
    fn every_branch_of_alternate_content_is_read_once() {
        let both = parse(
            r#"<r><mc:AlternateContent><mc:Choice Requires="wps"><sp><t>公开</t></sp></mc:Choice><mc:Fallback><sp><t>机密★1年</t></sp></mc:Fallback></mc:AlternateContent></r>"#,
            64,
        );
        let texts: Vec<String> = both
            .document()
            .descendants_named("t")
            .iter()
            .map(|t| t.text())
            .collect();
        assert_eq!(texts, ["公开", "机密★1年"]);
        let same = parse(
            r#"<r><mc:AlternateContent><mc:Choice><sp><t>机密 ★1年</t></sp></mc:Choice><mc:Choice><sp><t>机密★1年</t></sp></mc:Choice><mc:Fallback><sp><t>机密★1年</t></sp></mc:Fallback></mc:AlternateContent></r>"#,
            64,
        );
        assert_eq!(same.document().descendants_named("t").len(), 1);
        // A picture description only the Fallback has is read.
        let described = parse(
            r#"<r><mc:AlternateContent><mc:Choice><pic/></mc:Choice><mc:Fallback><pic descr="绝密"/></mc:Fallback></mc:AlternateContent></r>"#,
            64,
        );
        let pictures = described.document().descendants_named("pic");
        assert_eq!(pictures.len(), 2);
        assert_eq!(pictures[1].attr("descr"), Some("绝密"));
        let nested = parse(
            r#"<r><mc:AlternateContent><mc:Choice><mc:AlternateContent><mc:Choice/><mc:Fallback><t>秘密</t></mc:Fallback></mc:AlternateContent></mc:Choice></mc:AlternateContent></r>"#,
            64,
        );
        assert_eq!(nested.document().text(), "秘密");
    }

    #[test]
    fn descendants_in_document_order() {
        let parsed = parse("<r><t>1</t><g><t>2</t><t>3</t></g><t>4</t></r>", 64);
        let texts: Vec<String> = parsed
            .document()
            .descendants_named("t")
            .iter()
            .map(|t| t.text())
            .collect();
        assert_eq!(texts, ["1", "2", "3", "4"]);
    }
}
