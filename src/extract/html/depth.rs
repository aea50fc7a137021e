//! How deep a page's elements nest, from its tags alone.
//!
//! A cheap model of the tree builder's stack of open elements: enough of
//! its rules that sloppy but ordinary pages measure as shallow as they are
//! built — an end tag closes everything opened inside its element (a
//! `</td>` closes the `<font>`s left open in the cell), and the elements
//! whose end tag may be left out (`<p>`, `<li>`, `<td>`, `<tr>` …) are
//! closed by the next one of their kind, as the tree builder closes them.
//! It is not the tree builder: what it gets wrong on hostile markup only
//! moves a page between the tree and the tag-by-tag read, both bounded.
//!
//! Every step is amortised constant time (each element is pushed once and
//! popped once; searches for an implicitly closed element look at most
//! [`IMPLIED_SEARCH`] elements down), so measuring stays linear on pages
//! nested tens of thousands deep, where the tree builder is quadratic.

use html5ever::LocalName;
use std::collections::HashMap;

/// Elements that never hold others.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame",
];

/// Not counted: they are the page's frame, not its nesting.
const FRAME: &[&str] = &["html", "head", "body"];

/// How far down the stack an implicitly closed element is looked for.
const IMPLIED_SEARCH: usize = 64;

/// Elements that close an open `<p>` when they start (the tree builder's
/// "close a p element" list, in short).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "listing",
    "form",
    "table",
    "hr",
    "li",
    "dd",
    "dt",
    "xmp",
    "plaintext",
];

/// Where a `<p>` stops being "in scope" (button scope).
const P_SCOPE: &[&str] = &[
    "button", "td", "th", "table", "caption", "object", "marquee", "applet", "template",
];

#[derive(Default)]
pub struct OpenElements {
    stack: Vec<LocalName>,
    counts: HashMap<LocalName, usize>,
    deepest: usize,
}

impl OpenElements {
    /// The deepest the stack has been.
    pub fn deepest(&self) -> usize {
        self.deepest
    }

    pub fn start(&mut self, name: &LocalName, self_closing: bool) {
        let tag: &str = name;
        if VOID.contains(&tag) || FRAME.contains(&tag) {
            return;
        }
        if CLOSES_P.contains(&tag) {
            self.close_implied(&["p"], P_SCOPE);
        }
        match tag {
            "td" | "th" => self.close_implied(&["td", "th"], &["tr", "table"]),
            "tr" => self.close_implied(&["tr"], &["table", "tbody", "thead", "tfoot"]),
            "thead" | "tbody" | "tfoot" => {
                self.close_implied(&["thead", "tbody", "tfoot"], &["table"])
            }
            "li" => self.close_implied(&["li"], &["ul", "ol", "menu"]),
            "dd" | "dt" => self.close_implied(&["dd", "dt"], &["dl"]),
            "option" => self.close_implied(&["option"], &["select", "datalist"]),
            _ => {}
        }
        // `<x/>` only closes itself in SVG and MathML, but inline SVG is
        // where it is common (hundreds of `<path/>`s); an HTML `<div/>` left
        // open is under-counted, which only sends a page to the tree.
        if self_closing {
            return;
        }
        self.stack.push(name.clone());
        *self.counts.entry(name.clone()).or_default() += 1;
        self.deepest = self.deepest.max(self.stack.len());
    }

    /// An end tag closes its element and everything opened inside it; one
    /// with no open element of its name is ignored, as the tree builder
    /// ignores it.
    pub fn end(&mut self, name: &LocalName) {
        if self.counts.get(name).copied().unwrap_or(0) == 0 {
            return;
        }
        while let Some(top) = self.pop() {
            if top == *name {
                break;
            }
        }
    }

    /// Closes the nearest open element named in `targets` if it is found,
    /// within [`IMPLIED_SEARCH`] elements, before any named in `boundaries`.
    fn close_implied(&mut self, targets: &[&str], boundaries: &[&str]) {
        let found = self
            .stack
            .iter()
            .rev()
            .take(IMPLIED_SEARCH)
            .map(|name| -> &str { name })
            .take_while(|name| !boundaries.contains(name))
            .position(|name| targets.contains(&name));
        if let Some(above) = found {
            for _ in 0..=above {
                self.pop();
            }
        }
    }

    fn pop(&mut self) -> Option<LocalName> {
        let top = self.stack.pop()?;
        if let Some(count) = self.counts.get_mut(&top) {
            *count = count.saturating_sub(1);
        }
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_of(tags: &[(&str, bool)]) -> usize {
        let mut open = OpenElements::default();
        for (tag, start) in tags {
            let name = LocalName::from(*tag);
            if *start {
                open.start(&name, false);
            } else {
                open.end(&name);
            }
        }
        open.deepest()
    }

    fn page(markup: &str) -> usize {
        // "<a>" starts, "/a" ends: a tiny notation for tag sequences.
        let tags: Vec<(&str, bool)> = markup
            .split_whitespace()
            .map(|t| match t.strip_prefix('/') {
                Some(name) => (name, false),
                None => (t, true),
            })
            .collect();
        depth_of(&tags)
    }

    #[test]
    fn end_tags_close_what_was_left_open_inside() {
        // <table><tr><td><font>x</td> … a thousand times.
        let cells = "td font /td ".repeat(1_000);
        assert_eq!(page(&format!("table tr {cells} /tr /table")), 4);
    }

    #[test]
    fn optional_end_tags_are_closed_by_the_next_of_their_kind() {
        let cells = "td font ".repeat(1_000);
        assert_eq!(page(&format!("table tr {cells} tr {cells} /table")), 4);
        assert_eq!(page(&"p font ".repeat(1_000)), 2);
        assert_eq!(page(&format!("ul {}", "li b ".repeat(1_000))), 3);
        // A block closes the open paragraph, but not across a scope
        // boundary (a button here).
        assert_eq!(page("p b div"), 2);
        assert_eq!(page("p button div"), 3);
    }

    #[test]
    fn real_nesting_is_counted_and_stray_end_tags_ignored() {
        let deep = "div ".repeat(5_000) + &"/span ".repeat(5_000);
        assert_eq!(page(&deep), 5_000);
        assert_eq!(page(&("div ".repeat(10) + &"/div ".repeat(10) + "div")), 10);
    }

    #[test]
    fn void_and_self_closing_elements_hold_nothing() {
        let mut open = OpenElements::default();
        for _ in 0..1_000 {
            open.start(&LocalName::from("br"), false);
            open.start(&LocalName::from("path"), true);
        }
        assert_eq!(open.deepest(), 0);
    }
}
