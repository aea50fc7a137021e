//! Assembling text into lines and segments.
//!
//! A paragraph's runs are concatenated before anything is matched
//! (LibreOffice splits `机密★1年` into three runs), but the runs of one
//! paragraph may belong to different parts: visible body text, a tracked
//! deletion, hidden text. [`LineBuilder`] keeps one buffer per destination
//! (part + label) for the paragraph — or the table row — being read, and
//! [`Sink`] groups finished lines into [`Segment`]s by part, page and label.

use crate::extract::document::{Part, Segment, TextKind};
use std::collections::HashMap;
use std::rc::Rc;

/// Who/when (or where) a line belongs to; `None` means "the label of the
/// story it is in" (a comment's author), filled in when that story ends.
pub(super) type Label = Option<Rc<str>>;

/// A finished line of one part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Line {
    pub part: Part,
    pub page: Option<u32>,
    pub label: Label,
    pub text: String,
    /// Field codes are source code, everything else writing.
    pub kind: TextKind,
}

#[derive(Debug)]
struct Buffer {
    part: Part,
    label: Label,
    page: Option<u32>,
    text: String,
    /// Separator owed before the next text (`' '` between paragraphs of one
    /// cell, `'\t'` between cells); only written if more text follows.
    separator: Option<char>,
}

/// The text of one paragraph (or table row) being read, per destination.
#[derive(Debug, Default)]
pub(super) struct LineBuilder {
    buffers: Vec<Buffer>,
}

impl LineBuilder {
    /// The buffer for a destination, with any owed separator written.
    pub(super) fn buffer(&mut self, part: Part, label: &Label, page: Option<u32>) -> &mut String {
        let position = match self
            .buffers
            .iter()
            .position(|buffer| buffer.part == part && buffer.label == *label)
        {
            Some(position) => position,
            None => {
                self.buffers.push(Buffer {
                    part,
                    label: label.clone(),
                    page,
                    text: String::new(),
                    separator: None,
                });
                self.buffers.len() - 1
            }
        };
        let buffer = &mut self.buffers[position];
        // A line's page is that of its first visible character, not of a
        // tab or break before it.
        if buffer.text.trim().is_empty() {
            buffer.page = page;
        }
        if let Some(separator) = buffer.separator.take() {
            buffer.text.push(separator);
        }
        &mut buffer.text
    }

    /// Owes `separator` to every buffer; a tab (cell boundary) wins over a
    /// space (paragraph boundary inside a cell).
    pub(super) fn separate(&mut self, separator: char) {
        for buffer in &mut self.buffers {
            if buffer.separator != Some('\t') {
                buffer.separator = Some(separator);
            }
        }
    }

    /// Moves every non-empty buffer into `out` as a cleaned line and returns
    /// how many lines of `counted` part were produced.
    pub(super) fn finish(&mut self, out: &mut Vec<Line>, counted: Part) -> usize {
        let mut count = 0;
        for buffer in self.buffers.drain(..) {
            let text = clean(&buffer.text);
            if text.is_empty() {
                continue;
            }
            if buffer.part == counted {
                count += 1;
            }
            out.push(Line {
                part: buffer.part,
                page: buffer.page,
                label: buffer.label,
                text,
                kind: TextKind::Prose,
            });
        }
        count
    }
}

/// Trims each physical line and drops empty ones, so indentation and
/// trailing breaks never make blank lines.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// Collects lines into segments, one per (part, page, label, kind), in the
/// order each first appears.
#[derive(Debug, Default)]
pub(super) struct Sink {
    segments: Vec<Segment>,
    index: HashMap<(Part, Option<u32>, Label, TextKind), usize>,
}

impl Sink {
    pub(super) fn emit(&mut self, line: Line) {
        if line.text.is_empty() {
            return;
        }
        let key = (line.part, line.page, line.label, line.kind);
        match self.index.get(&key) {
            Some(&position) => {
                let segment = &mut self.segments[position];
                segment.text.push('\n');
                segment.text.push_str(&line.text);
            }
            None => {
                let mut segment = Segment::new(key.0, line.text);
                segment.page = key.1;
                segment.label = key.2.as_deref().map(str::to_owned);
                segment.kind = key.3;
                self.index.insert(key, self.segments.len());
                self.segments.push(segment);
            }
        }
    }

    pub(super) fn into_segments(self) -> Vec<Segment> {
        self.segments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_only_between_texts() {
        let mut line = LineBuilder::default();
        line.buffer(Part::Body, &None, Some(1)).push('甲');
        line.separate(' ');
        line.separate('\t');
        line.buffer(Part::Body, &None, Some(1)).push('乙');
        line.separate('\t');
        let mut out = Vec::new();
        assert_eq!(line.finish(&mut out, Part::Body), 1);
        assert_eq!(out[0].text, "甲\t乙");
    }

    #[test]
    fn destinations_stay_apart() {
        let mut line = LineBuilder::default();
        let deleted: Label = Some("张三, 2024-03-01".into());
        line.buffer(Part::Body, &None, Some(2)).push_str("可见");
        line.buffer(Part::Deletion, &deleted, Some(2))
            .push_str("机密");
        line.buffer(Part::Body, &None, Some(2)).push_str("文字");
        let mut out = Vec::new();
        line.finish(&mut out, Part::Hidden);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].text, "可见文字");
        assert_eq!(out[1].part, Part::Deletion);
        assert_eq!(line.finish(&mut out, Part::Body), 0);
    }

    #[test]
    fn sink_groups_by_part_page_and_label() {
        let mut sink = Sink::default();
        for (page, text) in [(1, "a"), (1, "b"), (2, "c")] {
            sink.emit(Line {
                part: Part::Body,
                page: Some(page),
                label: None,
                text: text.into(),
                kind: TextKind::Prose,
            });
        }
        let segments = sink.into_segments();
        assert_eq!(segments.len(), 2);
        assert_eq!(segments[0].text, "a\nb");
        assert_eq!(segments[1].page, Some(2));
    }

    #[test]
    fn cleaning_drops_blank_lines() {
        assert_eq!(clean("  a \n\n b\n"), "a\nb");
    }
}
