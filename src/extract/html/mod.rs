//! HTML pages (portal pages, exported documents).
//!
//! Parsed with html5ever (through `scraper`), the parser browsers follow, so
//! broken markup is read the way a visitor's browser would show it. Visible
//! text comes back as `body` in document order: block elements start new
//! lines, a table row is one line with its cells joined by `\t`, `alt`
//! text stands where its image is. What a visitor does not see but anyone
//! can read in the page source comes back as `hidden`: comments,
//! `display:none` / `visibility:hidden` (inline or by a simple class/id rule
//! in a `<style>` block), the `hidden` attribute, `<template>`, `<noscript>`
//! and hidden form inputs. `<title>` and `<meta>` go to `metadata`; `title`
//! attributes (tooltips) to `body` with the label `title attribute`.
//! Script and style sheet text, CSS generated content, `<iframe srcdoc>`
//! pages and `data:` URIs holding text or documents are read as `hidden`
//! too (see [`sources`]); what the page only links to is listed, never
//! fetched.
//!
//! Charset: a BOM decides, then a `<meta charset>` or `http-equiv` declaration
//! in the first 4 KiB (the HTML prescan), then detection as for plain text
//! (GBK pages are common and often undeclared; Big5 is told from GBK, and an
//! uncertain guess makes the page `partial`). A declared charset the bytes
//! do not fit is not trusted blindly: detection takes over and the
//! extraction says so.

mod depth;
mod flat;
mod sources;

pub(crate) use sources::base64_decode;

use super::Request;
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use encoding_rs::Encoding;
use scraper::Html;
use scraper::node::{Element, Node};

pub fn extract(request: &Request<'_>) -> Extraction {
    let decoded = decode(request.bytes);
    let mut out = Extraction {
        encoding: Some(decoded.encoding.to_owned()),
        ..Extraction::default()
    };
    for note in &decoded.problems {
        out.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            note.clone(),
        ));
    }
    let cap = request.limits.max_depth.saturating_mul(HTML_DEPTH_FACTOR);
    let depth = flat::nesting_depth(&decoded.text, request.deadline);
    if depth > cap {
        read_flat(request, &decoded.text, depth, cap, &mut out);
        return out;
    }
    let (document, complete) = parse(&decoded.text, request.deadline);
    if !complete {
        out.problems.push(Problem::partial(
            None,
            format!(
                "time budget of {} s exceeded (--timeout) while parsing: the rest of the page is not read",
                request.limits.time_budget.as_secs()
            ),
        ));
    }
    let hidden_rules = HiddenRules::from_document(&document);
    let mut walker = Walker {
        request,
        rules: &hidden_rules,
        out: &mut out,
        builders: vec![(None, Lines::default())],
        titles: Vec::new(),
        hidden_count: 0,
        in_table_row: Vec::new(),
        pre_depth: 0,
        timed_out: false,
    };
    walker.walk(&document);
    let titles = std::mem::take(&mut walker.titles);
    let mut hidden_count = walker.hidden_count;
    let body = walker
        .builders
        .pop()
        .map(|(_, lines)| lines.finish())
        .unwrap_or_default();
    out.push(Segment::new(Part::Body, body.join("\n")));
    hidden_count += sources::read(&document, request, &mut out);
    if !titles.is_empty() {
        out.push(Segment::new(Part::Body, titles.join("\n")).with_label("title attribute"));
    }
    if hidden_count > 0 {
        out.notices.push(Notice {
            rule: "hidden.html.hidden-content".into(),
            category: Category::Hidden,
            severity: Severity::Info,
            message: format!(
                "{hidden_count} pieces of content are in the page source but not shown (comments, hidden elements, hidden inputs)"
            ),
            part: Part::Hidden,
            page: None,
            text: String::new(),
        });
    }
    out
}

/// Web pages nest elements far deeper than document XML (frameworks wrap
/// everything in `<div>`s; legacy pages leave `<font>`s unclosed), so HTML
/// is allowed this many times `--max-depth` (1,024 by default; browsers
/// themselves stop nesting at 512).
const HTML_DEPTH_FACTOR: usize = 16;

/// A page nested deeper than the cap: its text from the tokens (see
/// [`flat`]), said to be partial.
fn read_flat(request: &Request<'_>, text: &str, depth: usize, cap: usize, out: &mut Extraction) {
    let page = flat::read(text, request.deadline);
    out.problems.push(Problem::partial(
        None,
        format!(
            "elements nest {depth} levels deep, over the limit of {cap} for HTML ({HTML_DEPTH_FACTOR} × --max-depth): the page was read from its tags without building it, so hidden content is not told apart from visible content"
        ),
    ));
    if !page.complete {
        out.problems.push(Problem::partial(
            None,
            format!(
                "time budget of {} s exceeded (--timeout) while reading: the rest of the page is not read",
                request.limits.time_budget.as_secs()
            ),
        ));
    }
    out.push(Segment::new(Part::Body, page.text));
    for comment in page.comments {
        out.push(Segment::new(Part::Hidden, comment).with_label("HTML comment"));
    }
}

/// Parses in slices so the time budget is checked as parsing goes:
/// html5ever spends time proportional to the nesting depth on each element,
/// so a page of 50,000 nested `<div>`s takes minutes (measured: 190 s in a
/// debug build). Returns whether the whole page was parsed.
///
/// The slice shrinks when a slice is slow: at a depth of 50,000 one 16 KiB
/// slice (about 3,000 tags) alone took longer than a whole budget, so the
/// deadline was only seen long after it passed
/// (`fixtures/malformed/deep-nesting.html`). Slow slices are halved down to
/// 256 bytes, which keeps the overrun to a fraction of a second.
fn parse(text: &str, deadline: crate::extract::limits::Deadline) -> (Html, bool) {
    use html5ever::tendril::TendrilSink;
    const LARGEST_SLICE: usize = 16 * 1024;
    const SMALLEST_SLICE: usize = 256;
    const SLOW_SLICE: std::time::Duration = std::time::Duration::from_millis(20);
    let mut parser = html5ever::driver::parse_document(
        scraper::HtmlTreeSink::new(Html::new_document()),
        Default::default(),
    );
    let mut rest = text;
    let mut complete = true;
    let mut slice_len = LARGEST_SLICE;
    while !rest.is_empty() {
        if deadline.passed() {
            complete = false;
            break;
        }
        let mut cut = rest.len().min(slice_len);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (slice, tail) = rest.split_at(cut);
        let started = std::time::Instant::now();
        parser.process(slice.into());
        if started.elapsed() > SLOW_SLICE {
            slice_len = (slice_len / 2).max(SMALLEST_SLICE);
        }
        rest = tail;
    }
    (parser.finish(), complete)
}

/// The page's text and how it was decoded.
struct Decoded {
    text: String,
    encoding: &'static str,
    problems: Vec<String>,
}

fn decode(bytes: &[u8]) -> Decoded {
    let detected = |bytes: &[u8]| {
        let decoded = super::text::decode_text(bytes);
        let problems = decoded
            .problems(Part::Body.as_str())
            .into_iter()
            .map(|p| p.message)
            .collect();
        Decoded {
            text: decoded.text,
            encoding: decoded.name,
            problems,
        }
    };
    if Encoding::for_bom(bytes).is_some() || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return detected(bytes);
    }
    if let Some(declared) = declared_charset(bytes) {
        // GB2312/GBK labels are decoded as GB18030, their superset: pages
        // labelled GB2312 routinely use GBK characters.
        let encoding = if declared == encoding_rs::GBK {
            encoding_rs::GB18030
        } else {
            declared
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return Decoded {
                text: text.into_owned(),
                encoding: encoding.name(),
                problems: Vec::new(),
            };
        }
        let mut fallback = detected(bytes);
        // Detection that lands on the declared encoding (damaged UTF-8)
        // already says which bytes are bad.
        if !fallback.problems.is_empty() && fallback.encoding != encoding.name() {
            fallback.problems.insert(
                0,
                format!(
                    "the page declares {} but its bytes are not valid in it; read as the detected {} instead",
                    declared.name(),
                    fallback.encoding
                ),
            );
        }
        return fallback;
    }
    // No BOM and no declaration: detected as plain text is, and as
    // honestly (an uncertain guess makes the page partial).
    detected(bytes)
}

/// The charset a `<meta>` tag in the first 4 KiB declares, found as the
/// HTML prescan does: a `charset=` inside a `<meta …>` tag.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(start) = find(&lower[from..], b"<meta").map(|i| i + from) {
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |i| i + start);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or(rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(encoding) = Encoding::for_label(&rest[..label_end]) {
                    // A page in UTF-16 cannot declare it in ASCII; the spec
                    // reads such a declaration as UTF-8.
                    return Some(
                        if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                            encoding_rs::UTF_8
                        } else {
                            encoding
                        },
                    );
                }
            }
        }
        from = end.max(start + 1);
    }
    None
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Why an element is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hidden {
    Style,
    Attribute,
    StyleSheet,
    Template,
    NoScript,
}

impl Hidden {
    fn label(self) -> &'static str {
        match self {
            Hidden::Style => "hidden by its style attribute",
            Hidden::Attribute => "hidden attribute",
            Hidden::StyleSheet => "hidden by a style sheet rule",
            Hidden::Template => "template",
            Hidden::NoScript => "noscript",
        }
    }
}

/// Simple selectors (`.cls`, `#id`, `tag.cls`) of `<style>` rules that hide
/// what they match. Combinators, pseudo-classes and media queries are not
/// evaluated: a page hiding text with them is read as visible.
#[derive(Default)]
struct HiddenRules {
    selectors: Vec<SimpleSelector>,
}

#[derive(Debug, Default, PartialEq)]
struct SimpleSelector {
    tag: Option<String>,
    id: Option<String>,
    classes: Vec<String>,
}

impl HiddenRules {
    fn from_document(document: &Html) -> HiddenRules {
        let mut rules = HiddenRules::default();
        for node in document.tree.nodes() {
            if let Node::Element(element) = node.value()
                && element.name() == "style"
            {
                let css: String = node
                    .children()
                    .filter_map(|child| child.value().as_text().map(|t| t.to_string()))
                    .collect();
                rules.add_css(&css);
            }
        }
        rules
    }

    fn add_css(&mut self, css: &str) {
        let css = strip_css_comments(css);
        for rule in css.split('}') {
            let Some((selectors, declarations)) = rule.rsplit_once('{') else {
                continue;
            };
            if !hides(declarations) {
                continue;
            }
            for selector in selectors.split(',') {
                if let Some(simple) = SimpleSelector::parse(selector.trim()) {
                    self.selectors.push(simple);
                }
            }
        }
    }

    fn matches(&self, element: &Element) -> bool {
        self.selectors
            .iter()
            .any(|selector| selector.matches(element))
    }
}

impl SimpleSelector {
    fn parse(text: &str) -> Option<SimpleSelector> {
        if text.is_empty() || text.contains(|c: char| c.is_whitespace() || "@>+~:[*()".contains(c))
        {
            return None;
        }
        let mut selector = SimpleSelector::default();
        let mut current = String::new();
        let mut kind = 't';
        for c in text.chars().chain(std::iter::once('.')) {
            if c == '.' || c == '#' {
                if !current.is_empty() {
                    match kind {
                        't' => selector.tag = Some(current.to_ascii_lowercase()),
                        '#' => selector.id = Some(current.clone()),
                        _ => selector.classes.push(current.clone()),
                    }
                }
                current.clear();
                kind = c;
            } else {
                current.push(c);
            }
        }
        (selector.tag.is_some() || selector.id.is_some() || !selector.classes.is_empty())
            .then_some(selector)
    }

    fn matches(&self, element: &Element) -> bool {
        if self.id.is_none() && self.classes.is_empty() {
            // A bare tag rule (`span{display:none}`) is too broad to trust
            // as concealment; such pages are read as shown.
            return false;
        }
        self.tag.as_deref().is_none_or(|tag| element.name() == tag)
            && self.id.as_deref().is_none_or(|id| element.id() == Some(id))
            && self
                .classes
                .iter()
                .all(|class| element.has_class(class, scraper::CaseSensitivity::CaseSensitive))
    }
}

fn strip_css_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 2..].find("*/") {
            Some(end) => &rest[start + 2 + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Whether CSS declarations hide the element.
fn hides(declarations: &str) -> bool {
    let compact: String = declarations
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    compact.split(';').any(|declaration| {
        let declaration = declaration.trim_end_matches("!important");
        matches!(
            declaration,
            "display:none"
                | "visibility:hidden"
                | "visibility:collapse"
                | "font-size:0"
                | "font-size:0px"
                | "opacity:0"
        )
    })
}

/// Accumulates text into lines with HTML whitespace rules.
#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    current: String,
    /// Whitespace seen but not yet written; `true` when it held a line
    /// break (dropped between two CJK characters, as browsers do).
    pending: Option<bool>,
}

impl Lines {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{3000}' && c != '\u{a0}' {
                let breaks = c == '\n' || c == '\r';
                self.pending = Some(self.pending.unwrap_or(false) || breaks);
                continue;
            }
            if let Some(breaks) = self.pending.take() {
                let last = self.current.chars().last();
                let join_cjk = breaks && last.is_some_and(is_wide) && is_wide(c);
                if !self.current.is_empty() && !join_cjk && !self.current.ends_with(['\t', ' ']) {
                    self.current.push(' ');
                }
            }
            self.current.push(c);
        }
    }

    /// Preformatted text: line breaks are kept.
    fn preformatted(&mut self, text: &str) {
        let mut first = true;
        for line in text.split('\n') {
            if !first {
                self.newline();
            }
            first = false;
            self.pending = None;
            let line = line.replace(['\t', '\r'], " ");
            self.current.push_str(&line);
        }
    }

    /// Text standing for an element (alt text, an input's value).
    fn inline(&mut self, text: &str) {
        let text = one_line(text);
        if text.is_empty() {
            return;
        }
        if !self.current.is_empty() && !self.current.ends_with(['\t', ' ']) {
            self.current.push(' ');
        }
        self.current.push_str(&text);
        self.pending = Some(false);
    }

    fn tab(&mut self) {
        self.pending = None;
        let trimmed = self.current.trim_end_matches(' ').len();
        self.current.truncate(trimmed);
        self.current.push('\t');
    }

    fn newline(&mut self) {
        self.pending = None;
        let line = self.current.trim().to_owned();
        self.current.clear();
        if !line.is_empty() && !line.chars().all(|c| c == '\t') {
            self.lines.push(line);
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.newline();
        self.lines
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "svg",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "ul",
    "textarea",
    "select",
];

/// Elements whose content is never text.
const NOT_TEXT: &[&str] = &["script", "style", "head", "object", "embed", "iframe"];

enum Step<N> {
    Enter(N),
    Exit {
        block: bool,
        row: bool,
        pre: bool,
        hidden_root: bool,
    },
}

struct Walker<'w, 'r> {
    request: &'w Request<'r>,
    rules: &'w HiddenRules,
    out: &'w mut Extraction,
    /// Text goes to the last builder; a hidden element opens its own.
    builders: Vec<(Option<Hidden>, Lines)>,
    titles: Vec<String>,
    hidden_count: usize,
    /// For each open table row: cells seen so far.
    in_table_row: Vec<usize>,
    pre_depth: usize,
    timed_out: bool,
}

impl Walker<'_, '_> {
    fn lines(&mut self) -> &mut Lines {
        if self.builders.is_empty() {
            self.builders.push((None, Lines::default()));
        }
        let last = self.builders.len() - 1;
        &mut self.builders[last].1
    }

    fn walk(&mut self, document: &Html) {
        self.read_head(document);
        let mut stack = vec![Step::Enter(document.tree.root())];
        let mut visited: u64 = 0;
        while let Some(step) = stack.pop() {
            visited += 1;
            if visited.is_multiple_of(8192) && self.request.deadline.passed() {
                self.timed_out = true;
                self.out.problems.push(Problem::partial(
                    None,
                    format!(
                        "time budget of {} s exceeded (--timeout): the rest of the page is not read",
                        self.request.limits.time_budget.as_secs()
                    ),
                ));
                break;
            }
            let node = match step {
                Step::Enter(node) => node,
                Step::Exit {
                    block,
                    row,
                    pre,
                    hidden_root,
                } => {
                    if row {
                        self.in_table_row.pop();
                    }
                    if pre {
                        self.pre_depth -= 1;
                    }
                    if block || row {
                        self.lines().newline();
                    }
                    if hidden_root && let Some((Some(why), lines)) = self.builders.pop() {
                        self.push_hidden(why, lines.finish().join("\n"));
                    }
                    continue;
                }
            };
            match node.value() {
                Node::Text(text) => {
                    if self.pre_depth > 0 {
                        self.lines().preformatted(text);
                    } else {
                        self.lines().text(text);
                    }
                }
                // An XML declaration or processing instruction in HTML is
                // parsed as a "bogus comment"; it is markup, not a note.
                Node::Comment(comment) if comment.starts_with('?') => {}
                Node::Comment(comment) => {
                    let text = comment
                        .lines()
                        .map(one_line)
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n");
                    if !text.is_empty() {
                        self.hidden_count += 1;
                        self.out
                            .push(Segment::new(Part::Hidden, text).with_label("HTML comment"));
                    }
                }
                Node::Element(element) => {
                    let name = element.name();
                    if NOT_TEXT.contains(&name) {
                        continue;
                    }
                    if name == "noscript" {
                        // Parsed as raw text when scripting is on: its
                        // markup is read as markup.
                        let raw: String = node
                            .children()
                            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                            .collect();
                        let inner = Html::parse_fragment(&raw);
                        let text = inner
                            .root_element()
                            .text()
                            .map(one_line)
                            .filter(|t| !t.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ");
                        self.push_hidden(Hidden::NoScript, text);
                        continue;
                    }
                    if name == "input" {
                        self.input(element);
                        continue;
                    }
                    if let Some(title) = element.attr("title").map(one_line)
                        && !title.is_empty()
                    {
                        self.titles.push(title);
                    }
                    if name == "br" {
                        self.lines().newline();
                        continue;
                    }
                    if matches!(name, "img" | "area") {
                        if let Some(alt) = element.attr("alt") {
                            self.lines().inline(alt);
                        }
                        continue;
                    }
                    let hidden = self.hidden_reason(element);
                    if let Some(why) = hidden {
                        self.builders.push((Some(why), Lines::default()));
                    }
                    let block = BLOCKS.contains(&name);
                    let row = name == "tr";
                    let pre = matches!(name, "pre" | "textarea" | "listing" | "xmp");
                    if block || row {
                        self.lines().newline();
                    }
                    if row {
                        self.in_table_row.push(0);
                    }
                    if matches!(name, "td" | "th") {
                        if let Some(cells) = self.in_table_row.last_mut() {
                            *cells += 1;
                            if *cells > 1 {
                                self.lines().tab();
                            }
                        } else {
                            self.lines().newline();
                        }
                    }
                    if pre {
                        self.pre_depth += 1;
                    }
                    stack.push(Step::Exit {
                        block,
                        row,
                        pre,
                        hidden_root: hidden.is_some(),
                    });
                    let children: Vec<_> = node.children().collect();
                    for child in children.into_iter().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                Node::Document | Node::Fragment => {
                    let children: Vec<_> = node.children().collect();
                    for child in children.into_iter().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                _ => {}
            }
        }
        // Close hidden builders left open by a timeout.
        while self.builders.len() > 1 {
            if let Some((Some(why), lines)) = self.builders.pop() {
                self.push_hidden(why, lines.finish().join("\n"));
            }
        }
    }

    fn hidden_reason(&self, element: &Element) -> Option<Hidden> {
        if element.name() == "template" {
            return Some(Hidden::Template);
        }
        if element.attr("hidden").is_some() {
            return Some(Hidden::Attribute);
        }
        if element.attr("style").is_some_and(hides) {
            return Some(Hidden::Style);
        }
        if self.rules.matches(element) {
            return Some(Hidden::StyleSheet);
        }
        None
    }

    fn input(&mut self, element: &Element) {
        let kind = element.attr("type").unwrap_or("text").to_ascii_lowercase();
        let value = element.attr("value").map(one_line).unwrap_or_default();
        match kind.as_str() {
            "hidden" => {
                if !value.is_empty() {
                    let name = element.attr("name").or(element.id()).unwrap_or("");
                    let label = if name.is_empty() {
                        "hidden input".to_owned()
                    } else {
                        format!("hidden input {name}")
                    };
                    self.hidden_count += 1;
                    self.out
                        .push(Segment::new(Part::Hidden, value).with_label(label));
                }
            }
            "image" => {
                if let Some(alt) = element.attr("alt") {
                    self.lines().inline(alt);
                }
            }
            "password" | "checkbox" | "radio" | "file" => {}
            _ => self.lines().inline(&value),
        }
    }

    fn push_hidden(&mut self, why: Hidden, text: String) {
        if text.trim().is_empty() {
            return;
        }
        self.hidden_count += 1;
        self.out
            .push(Segment::new(Part::Hidden, text).with_label(why.label()));
    }

    /// `<title>` and named `<meta>` tags.
    fn read_head(&mut self, document: &Html) {
        const TECHNICAL: &[&str] = &[
            "viewport",
            "robots",
            "renderer",
            "format-detection",
            "referrer",
            "theme-color",
            "generator",
            "googlebot",
            "baidu-site-verification",
            "applicable-device",
        ];
        for node in document.tree.nodes() {
            let Node::Element(element) = node.value() else {
                continue;
            };
            match element.name() {
                "title"
                    if node
                        .ancestors()
                        .all(|a| a.value().as_element().is_none_or(|e| e.name() != "svg")) =>
                {
                    let text: String = node
                        .children()
                        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                        .collect();
                    let text = one_line(&text);
                    if !text.is_empty() {
                        self.out
                            .push(Segment::new(Part::Metadata, text).with_label("title"));
                    }
                }
                "meta" => {
                    let Some(name) = element
                        .attr("name")
                        .or(element.attr("property"))
                        .map(|n| n.trim().to_ascii_lowercase())
                    else {
                        continue;
                    };
                    let content = element.attr("content").map(one_line).unwrap_or_default();
                    if content.is_empty() || TECHNICAL.contains(&name.as_str()) {
                        continue;
                    }
                    self.out
                        .push(Segment::new(Part::Metadata, content).with_label(name));
                }
                _ => {}
            }
        }
    }
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
            name: "page.html",
            limits: &limits,
            deadline: Deadline::never(),
            passwords: &[],
        };
        extract(&request)
    }

    fn body(extraction: &Extraction) -> &str {
        extraction
            .segments
            .iter()
            .find(|s| s.part == Part::Body && s.label.is_none())
            .map(|s| s.text.as_str())
            .unwrap_or("")
    }

    fn labelled<'e>(extraction: &'e Extraction, part: Part, label: &str) -> Vec<&'e str> {
        extraction
            .segments
            .iter()
            .filter(|s| s.part == part && s.label.as_deref() == Some(label))
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn blocks_tables_and_whitespace() {
        let page = "<html><body><h1>关于\n印发的通知</h1><p>第一段 <b>加粗</b>\n  文字</p>\
            <table><tr><td>姓名</td><td> 身份证号 </td></tr><tr><td>张三</td><td>110105194912310021</td></tr></table>\
            <div>图片<img src=a.png alt=\"机密★1年\">之后<br>换行 &amp; &lt;实体&gt;&nbsp;&#x4E2D;</div>\
            <script>var secret='不应出现';</script><style>p{color:red}</style></body></html>";
        let extraction = read(page.as_bytes());
        assert_eq!(
            body(&extraction),
            "关于印发的通知\n第一段 加粗文字\n姓名\t身份证号\n张三\t110105194912310021\n图片 机密★1年 之后\n换行 & <实体>\u{a0}中"
        );
        assert_eq!(extraction.status(), ExtractionStatus::Complete);
    }

    #[test]
    fn hidden_content_is_hidden_part() {
        let page = r#"<html><head><style>.hide { display : none } #gone{visibility:hidden} div .nested{display:none}</style></head><body>
            <p>可见</p><!-- 批注：此文不宜公开 --><div style="display: none">样式隐藏</div>
            <span hidden>属性隐藏</span><p class="x hide">类隐藏</p><p id="gone">编号隐藏</p>
            <template><p>模板内容</p></template><input type="hidden" name="uid" value="13900000000">
            <input type="text" value="可见输入"><noscript><p>无脚本提示</p></noscript>
            <p class="nested">选择器过复杂仍按可见读</p></body></html>"#;
        let extraction = read(page.as_bytes());
        assert_eq!(body(&extraction), "可见\n可见输入\n选择器过复杂仍按可见读");
        assert_eq!(
            labelled(&extraction, Part::Hidden, "HTML comment"),
            ["批注：此文不宜公开"]
        );
        assert_eq!(
            labelled(&extraction, Part::Hidden, "hidden by its style attribute"),
            ["样式隐藏"]
        );
        assert_eq!(
            labelled(&extraction, Part::Hidden, "hidden attribute"),
            ["属性隐藏"]
        );
        assert_eq!(
            labelled(&extraction, Part::Hidden, "hidden by a style sheet rule"),
            ["类隐藏", "编号隐藏"]
        );
        assert_eq!(
            labelled(&extraction, Part::Hidden, "template"),
            ["模板内容"]
        );
        assert_eq!(
            labelled(&extraction, Part::Hidden, "hidden input uid"),
            ["13900000000"]
        );
        assert_eq!(
            labelled(&extraction, Part::Hidden, "noscript"),
            ["无脚本提示"]
        );
        assert!(
            extraction
                .notices
                .iter()
                .any(|n| n.rule == "hidden.html.hidden-content")
        );
    }

    #[test]
    fn head_metadata_and_title_attributes() {
        let page = r#"<html><head><title>内部通知</title><meta name="Author" content="张三">
            <meta name="keywords" content="秘密,人事"><meta name="description" content="内部事项说明">
            <meta name="viewport" content="width=device-width"></head>
            <body><a href="x" title="链接提示：工作秘密">详情</a></body></html>"#;
        let extraction = read(page.as_bytes());
        assert_eq!(labelled(&extraction, Part::Metadata, "title"), ["内部通知"]);
        assert_eq!(labelled(&extraction, Part::Metadata, "author"), ["张三"]);
        assert_eq!(
            labelled(&extraction, Part::Metadata, "keywords"),
            ["秘密,人事"]
        );
        assert_eq!(
            labelled(&extraction, Part::Metadata, "description"),
            ["内部事项说明"]
        );
        assert!(labelled(&extraction, Part::Metadata, "viewport").is_empty());
        assert_eq!(
            labelled(&extraction, Part::Body, "title attribute"),
            ["链接提示：工作秘密"]
        );
        assert_eq!(body(&extraction), "详情");
        assert!(
            extraction
                .segments
                .iter()
                .any(|s| s.part == Part::Metadata && s.label.as_deref() == Some("author"))
        );
    }

    #[test]
    fn charsets() {
        let text =
            "<html><head><meta charset=\"gb2312\"></head><body>秘密★5年 内部资料</body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let extraction = read(&gbk);
        assert_eq!(extraction.encoding.as_deref(), Some("gb18030"));
        assert_eq!(body(&extraction), "秘密★5年 内部资料");

        let undeclared =
            "<html><body>关于加强保密工作的通知，本文件为内部资料，注意保存。</body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(undeclared);
        assert!(body(&read(&gbk)).contains("内部资料"));

        let http_equiv =
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\"><p>机密</p>";
        let (gbk, _, _) = encoding_rs::GBK.encode(http_equiv);
        assert_eq!(body(&read(&gbk)), "机密");

        // Declared UTF-8 but written in GBK: detection takes over.
        let lying = "<meta charset=utf-8><p>关于加强保密工作的通知，内部资料，注意保存。</p>";
        let (gbk, _, _) = encoding_rs::GBK.encode(lying);
        let extraction = read(&gbk);
        assert!(
            body(&extraction).contains("内部资料"),
            "{}",
            body(&extraction)
        );

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend("<p>绝密</p>".as_bytes());
        assert_eq!(body(&read(&bom)), "绝密");
    }

    #[test]
    fn bad_markup_never_fails() {
        let extraction = read(b"<p>unclosed <b><i>tags</p></table></div><td>cell");
        assert_eq!(extraction.status(), ExtractionStatus::Complete);
        assert!(body(&extraction).contains("unclosed tags"));
        let deep = "<div>".repeat(2_000) + "深层文字";
        assert!(body(&read(deep.as_bytes())).contains("深层文字"));
    }

    #[test]
    fn parsing_stops_at_the_time_budget() {
        // The depth cap lifted, so the tree builder's slowness is what the
        // budget has to stop.
        let limits = Limits {
            max_depth: 1_000_000,
            ..Limits::default()
        };
        let deep = "<div>".repeat(200_000) + "深层文字";
        let request = Request {
            bytes: deep.as_bytes(),
            name: "deep.html",
            limits: &limits,
            deadline: Deadline::after(std::time::Duration::from_millis(300)),
            passwords: &[],
        };
        let started = std::time::Instant::now();
        let extraction = extract(&request);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(extraction.problems[0].message.contains("time budget"));
    }

    #[test]
    fn pages_nested_too_deep_are_read_from_their_tags() {
        let deep = format!(
            "<html><head><title>标题</title><style>.x{{color:red}}</style></head><body>{}<p>机密★1年</p><img alt=张三身份证照片><!-- 内部意见 --><table><tr><td>姓名</td><td>张三</td></tr></table><script>var a = '<div>';</script>{}</body></html>",
            "<div>".repeat(5_000),
            "</div>".repeat(5_000)
        );
        let extraction = read(deep.as_bytes());
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction.problems[0]
                .message
                .contains("elements nest 5003 levels deep, over the limit of 1024"),
            "{:?}",
            extraction.problems
        );
        let text = body(&extraction);
        assert!(text.contains("机密★1年"), "{text}");
        assert!(text.contains("姓名\t张三"), "{text}");
        assert!(text.contains("张三身份证照片"), "alt text is read: {text}");
        assert!(
            !text.contains("color:red") && !text.contains("var a"),
            "{text}"
        );
        assert_eq!(
            labelled(&extraction, Part::Hidden, "HTML comment"),
            vec!["内部意见"]
        );
    }

    #[test]
    fn unclosed_paragraphs_and_nesting_under_the_cap_are_parsed_normally() {
        // Legacy pages leave thousands of <p>, <li> and <td> unclosed: the
        // tree stays flat, so they are not "deep".
        let legacy = format!(
            "<html><body>{}<ul>{}</ul>{}机密★1年{}</body></html>",
            "<p>段落".repeat(3_000),
            "<li>条目".repeat(3_000),
            "<div>".repeat(1_000),
            "</div>".repeat(1_000)
        );
        let extraction = read(legacy.as_bytes());
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert!(body(&extraction).contains("机密★1年"));
    }

    #[test]
    fn planted_fixture() {
        let extraction = read(include_bytes!("../../../fixtures/html/planted.html"));
        assert_eq!(extraction.status(), ExtractionStatus::Complete);
        let text = body(&extraction);
        assert!(
            text.contains("现将有关事项通知如下。 印章：机密★1年"),
            "{text}"
        );
        assert!(text.contains("姓名\t联系电话\n王五\t13900000000"), "{text}");
        assert!(!text.contains("脚本"));
        for (label, planted) in [
            ("HTML comment", "审核意见"),
            ("hidden by its style attribute", "秘密★10年"),
            ("hidden by a style sheet rule", "内部资料，注意保存"),
            ("hidden by a style sheet rule", "审核人：李四"),
            ("hidden attribute", "不予公开"),
            ("template", "依申请公开"),
            ("hidden input idcard", "11010519491231002X"),
        ] {
            assert!(
                labelled(&extraction, Part::Hidden, label)
                    .iter()
                    .any(|t| t.contains(planted)),
                "{planted} not hidden as {label}"
            );
            assert!(!text.contains(planted), "{planted} leaked into the body");
        }
        assert_eq!(
            labelled(&extraction, Part::Metadata, "description"),
            ["征求意见稿"]
        );
        assert_eq!(
            labelled(&extraction, Part::Body, "title attribute"),
            ["提示：工作秘密"]
        );
    }

    #[test]
    fn gbk_fixtures() {
        let declared = read(include_bytes!("../../../fixtures/html/gbk_declared.html"));
        assert_eq!(declared.encoding.as_deref(), Some("gb18030"));
        assert!(body(&declared).contains("秘密★5年"));
        assert_eq!(labelled(&declared, Part::Metadata, "title"), ["内部通知"]);
        let undeclared = read(include_bytes!("../../../fixtures/html/gbk_undeclared.html"));
        assert_eq!(undeclared.encoding.as_deref(), Some("gb18030"));
        assert!(body(&undeclared).contains("内部资料，注意保存"));
        assert_eq!(undeclared.status(), ExtractionStatus::Complete);
    }

    #[test]
    fn text_outside_the_rendered_flow_is_hidden_content() {
        let inner = "<p>框内：机密★2年</p><!-- 框内批注 -->";
        let srcdoc = inner.replace('<', "&lt;").replace('"', "&quot;");
        let page = format!(
            r#"<html><head><style>p::before {{ content: "\79D8\5BC6★3年"; }} .a{{color:red}}</style>
            <script>var level = "绝密★长期";</script><script src="https://cdn.example/app.js"></script>
            <link rel="stylesheet" href="site.css"></head><body><p>正文</p>
            <iframe srcdoc="{srcdoc}"></iframe><iframe src="other.html"></iframe>
            <a href="data:text/plain;base64,{b64}">下载</a>
            <object data="data:text/html,%3Cp%3E%E5%86%85%E9%83%A8%E8%B5%84%E6%96%99%3C%2Fp%3E"></object>
            <img src="data:image/png;base64,iVBORw0KGgo=" alt="图">
            <a href="data:text/plain;base64,@@@">坏链接</a></body></html>"#,
            b64 = "5bel5L2c56eY5a+G"
        );
        let extraction = read(page.as_bytes());
        let text = body(&extraction);
        assert!(text.starts_with("正文"), "{text}");
        for hidden in ["绝密★长期", "框内", "秘密★3年", "工作秘密", "内部资料"]
        {
            assert!(!text.contains(hidden), "{hidden} in the body: {text}");
        }
        let hidden: Vec<(String, String)> = extraction
            .segments
            .iter()
            .filter(|s| s.part == Part::Hidden)
            .map(|s| (s.label.clone().unwrap_or_default(), s.text.clone()))
            .collect();
        let has = |label: &str, text: &str| {
            assert!(
                hidden.iter().any(|(l, t)| l == label && t.contains(text)),
                "no {text} as {label}: {hidden:?}"
            )
        };
        has("script", "绝密★长期");
        has("style sheet", ".a{color:red}");
        // Scripts and style sheets are code; what the page shows is not.
        for segment in &extraction.segments {
            let code = matches!(segment.label.as_deref(), Some("script" | "style sheet"));
            assert_eq!(
                segment.kind == crate::extract::document::TextKind::Code,
                code,
                "{segment:?}"
            );
        }
        has("CSS generated content", "秘密★3年");
        has("iframe srcdoc: body", "框内：机密★2年");
        has("iframe srcdoc: hidden HTML comment", "框内批注");
        has("data: URI (text/plain) in a href", "工作秘密");
        has("data: URI (text/html) in object data: body", "内部资料");
        assert!(!hidden.iter().any(|(l, _)| l.contains("image/png")));
        // The broken data: URI makes the page partial, naming it.
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert_eq!(extraction.problems.len(), 1, "{:?}", extraction.problems);
        assert!(
            extraction.problems[0]
                .message
                .contains("a data: URI in a href could not be decoded")
        );
        let links = extraction
            .notices
            .iter()
            .find(|n| n.rule == "hidden.html.linked-resources")
            .expect("links noted");
        assert!(
            links.message.contains("script https://cdn.example/app.js")
                && links.message.contains("link site.css")
                && links.message.contains("iframe other.html"),
            "{}",
            links.message
        );
    }

    #[test]
    fn srcdoc_nesting_is_bounded() {
        let mut page = "<p>最深处：绝密</p>".to_owned();
        for _ in 0..6 {
            page = format!(
                "<iframe srcdoc=\"{}\"></iframe>",
                page.replace('&', "&amp;").replace('"', "&quot;")
            );
        }
        let extraction = read(page.as_bytes());
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction
                .problems
                .iter()
                .any(|p| p.message.contains("nested more than 3 pages deep")),
            "{:?}",
            extraction.problems
        );
    }

    #[test]
    fn big5_and_uncertain_pages() {
        let text = "<html><body><p>臺灣省政府關於加強保密工作的通知：本文件屬於秘密★5年，請各單位注意保存。</p></body></html>";
        let (big5, _, _) = encoding_rs::BIG5.encode(text);
        let extraction = read(&big5);
        assert_eq!(extraction.encoding.as_deref(), Some("Big5"));
        assert!(body(&extraction).contains("秘密★5年"));
        assert_eq!(extraction.status(), ExtractionStatus::Complete);
        let (korean, _, _) =
            encoding_rs::EUC_KR.encode("<p>비밀 문서입니다 이 문서는 내부 자료입니다</p>");
        let extraction = read(&korean);
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction.problems[0]
                .message
                .starts_with("encoding uncertain")
        );
    }

    #[test]
    fn css_parsing() {
        assert!(hides("color:red; display : NONE !important"));
        assert!(!hides("display:block"));
        assert_eq!(
            SimpleSelector::parse("p.a.b"),
            Some(SimpleSelector {
                tag: Some("p".into()),
                id: None,
                classes: vec!["a".into(), "b".into()]
            })
        );
        assert_eq!(SimpleSelector::parse("div p"), None);
        assert_eq!(SimpleSelector::parse("a:hover"), None);
    }
}
