//! Collects the characters of the legacy text formats (.doc, RTF) into
//! lines per part: one line per paragraph, table cells separated by `\t`,
//! a paragraph's deleted, inserted and hidden words each on a line of their
//! own part, like the .docx reader's lines.

use crate::extract::document::{Part, Segment, TextKind};

/// What the reader learned about hidden content, for the notices.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub comments: usize,
    pub revisions: usize,
    pub hidden_passages: usize,
    pub first_hidden: Option<String>,
    pub authors: Vec<String>,
    /// Form fields (check boxes, drop-downs), whose values are not text.
    pub form_fields: usize,
}

#[derive(Debug, Default)]
pub(crate) struct Sink {
    /// The paragraph being read: (part, label, text so far).
    open: Vec<(Part, Option<String>, String)>,
    /// Finished lines, grouped by (part, label) in order of first use.
    groups: Vec<(Part, Option<String>, TextKind, Vec<String>)>,
    pub facts: Facts,
}

impl Sink {
    pub fn push(&mut self, part: Part, label: Option<&str>, text: &str) {
        if let Some((_, _, buffer)) = self
            .open
            .iter_mut()
            .rev()
            .find(|(p, l, _)| *p == part && l.as_deref() == label)
        {
            buffer.push_str(text);
        } else {
            self.open
                .push((part, label.map(str::to_owned), text.to_owned()));
        }
    }

    pub fn push_char(&mut self, part: Part, label: Option<&str>, c: char) {
        let mut buffer = [0u8; 4];
        self.push(part, label, c.encode_utf8(&mut buffer));
    }

    /// Ends the paragraph: each part's text becomes one line of that part.
    pub fn end_paragraph(&mut self) {
        self.end_paragraph_of(|_| true);
    }

    /// Ends the paragraph of the parts `ends` selects only (a footnote's
    /// paragraph ends inside the body's).
    pub fn end_paragraph_of(&mut self, ends: impl Fn(Part) -> bool) {
        let (ending, open): (Vec<_>, Vec<_>) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|(part, _, _)| ends(*part));
        self.open = open;
        for (part, label, text) in ending {
            let line = clean_line(&text);
            if line.is_empty() {
                continue;
            }
            match part {
                Part::Insertion | Part::Deletion => {
                    self.facts.revisions += 1;
                    if let Some(author) = &label
                        && !self.facts.authors.contains(author)
                    {
                        self.facts.authors.push(author.clone());
                    }
                }
                Part::Hidden if label.is_none() => {
                    self.facts.hidden_passages += 1;
                    if self.facts.first_hidden.is_none() {
                        self.facts.first_hidden = Some(line.clone());
                    }
                }
                _ => {}
            }
            self.line(part, label, line);
        }
    }

    /// A line of its own (a comment), outside the paragraph.
    pub fn line(&mut self, part: Part, label: Option<String>, text: String) {
        self.line_of(part, label, TextKind::Prose, text);
    }

    /// A field's instruction, `hidden` "field code": source code, whose
    /// quotes delimit arguments (`SET 密级 "绝密★长期"`).
    pub fn field_code(&mut self, code: String) {
        self.line_of(
            Part::Hidden,
            Some("field code".into()),
            TextKind::Code,
            code,
        );
    }

    fn line_of(&mut self, part: Part, label: Option<String>, kind: TextKind, text: String) {
        let text = clean_line(&text);
        if text.is_empty() {
            return;
        }
        if let Some((_, _, _, lines)) = self
            .groups
            .iter_mut()
            .find(|(p, l, k, _)| *p == part && *l == label && *k == kind)
        {
            lines.push(text);
        } else {
            self.groups.push((part, label, kind, vec![text]));
        }
    }

    pub fn into_segments(mut self) -> (Vec<Segment>, Facts) {
        self.end_paragraph();
        let mut segments: Vec<Segment> = self
            .groups
            .into_iter()
            .map(|(part, label, kind, lines)| {
                let segment = Segment {
                    kind,
                    ..Segment::new(part, lines.join("\n"))
                };
                match label {
                    Some(label) => segment.with_label(label),
                    None => segment,
                }
            })
            .collect();
        segments.sort_by_key(|segment| segment.part);
        (segments, self.facts)
    }
}

/// Trims a line and its cells: no trailing tabs, no runs of spaces at the
/// ends.
fn clean_line(text: &str) -> String {
    let cells: Vec<&str> = text.split('\t').map(str::trim).collect();
    let mut line = cells.join("\t");
    while line.ends_with('\t') {
        line.pop();
    }
    line.trim_start_matches('\t').to_owned()
}

/// Field codes of the binary formats worth reading as `hidden` ("field
/// code"), as in .docx; SHAPE and EMBED only mark pictures and objects here.
pub(crate) fn field_code_worth_reporting(code: &str) -> bool {
    crate::extract::fields::worth_reporting(code, &["SHAPE", "EMBED"])
}
