//! Masking of personal data in finding texts and contexts.
//!
//! Masking is decided by the text, not by the rule that reported it: a
//! failed-redaction notice whose text is the ID number under the black box,
//! a comment's author label, a reader's problem naming a sheet — anything
//! the masking rules of the loaded packs (`mask: true`, the personal rules
//! by default) would match is masked wherever it is shown, whichever rule
//! or reader put it there. `--show-match` shows it all.

use crate::extract::document::{Category, Part};
use crate::rules::normalize::normalize;
use crate::rules::{DocumentIndex, RuleSet, SegmentView};

/// Original-text ranges to mask in contexts, sorted by start, so each
/// context looks only at the spans near it (a roster segment can hold
/// thousands).
pub(crate) struct MaskedSpans {
    spans: Vec<(usize, usize)>,
    longest: usize,
}

impl MaskedSpans {
    pub(crate) fn new(mut spans: Vec<(usize, usize)>) -> MaskedSpans {
        spans.sort_unstable();
        let longest = spans.iter().map(|(a, b)| b - a).max().unwrap_or(0);
        MaskedSpans { spans, longest }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The spans that overlap `from..to`.
    pub(crate) fn overlapping(
        &self,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = (usize, usize)> + '_ {
        // A span starting `longest` bytes or more before `from` ends by `from`.
        let low = self
            .spans
            .partition_point(|&(a, _)| a + self.longest <= from);
        let high = self.spans.partition_point(|&(a, _)| a < to);
        self.spans[low..high.max(low)]
            .iter()
            .copied()
            .filter(move |&(a, b)| a < to && b > from)
    }
}

/// `original[from..to]` with every span of `masked` in it masked.
pub(crate) fn mask_within(original: &str, from: usize, to: usize, masked: &MaskedSpans) -> String {
    let mut out = String::with_capacity(to - from);
    let mut cursor = from;
    for (a, b) in masked.overlapping(from, to) {
        let a = a.max(cursor);
        let b = b.min(to);
        if a >= b {
            continue;
        }
        out.push_str(&original[cursor..a]);
        out.push_str(&mask(&original[a..b]));
        cursor = b;
    }
    out.push_str(&original[cursor..to]);
    out
}

/// Masks what the loaded packs' masking rules match in text that is not
/// itself one of the document's segments — extractor notices, reader
/// problems, comment labels — as the rules would see it in the document
/// (`within: 0` conditions look at the whole document).
pub(crate) struct TextMask<'a> {
    rules: &'a RuleSet,
    document: &'a DocumentIndex<'a>,
    show: bool,
}

impl<'a> TextMask<'a> {
    /// `show` (`--show-match`) leaves every text as it is.
    pub(crate) fn new(rules: &'a RuleSet, document: &'a DocumentIndex<'a>, show: bool) -> Self {
        TextMask {
            rules,
            document,
            show,
        }
    }

    /// The original-text spans of `text`, read as a piece of `part`, that a
    /// masking rule matches.
    pub(crate) fn spans(&self, text: &str, part: Part) -> MaskedSpans {
        if self.show || text.is_empty() || !self.rules.rules().iter().any(|r| r.mask) {
            return MaskedSpans::new(Vec::new());
        }
        let normal = normalize(text);
        let view = SegmentView {
            part,
            kind: crate::extract::document::TextKind::Prose,
            text: &normal.text,
            body_lines_before: 0,
            page_picture: false,
            top_lines: Default::default(),
            document: self.document,
        };
        let spans = self
            .rules
            .find(&view)
            .into_iter()
            .filter(|m| self.rules.rules()[m.rule].mask)
            .map(|m| normal.original_range(m.start, m.end))
            .collect();
        MaskedSpans::new(spans)
    }

    /// `text` with what a masking rule matches in it masked.
    pub(crate) fn apply(&self, text: &str, part: Part) -> String {
        let spans = self.spans(text, part);
        if spans.is_empty() {
            return text.to_owned();
        }
        mask_within(text, 0, text.len(), &spans)
    }
}

/// `text` with what the masking rules of `rules` match in it masked, read
/// on its own (as a piece of a document's body with nothing around it).
///
/// For text written outside a report — the decisions file, which is
/// committed next to the drafts — where the finding's own masking may have
/// been lifted by `--show-match`: whatever a personal rule would match is
/// masked, whichever rule reported the finding.
pub fn mask_text(rules: &RuleSet, text: &str) -> String {
    let normal = normalize(text);
    let index = DocumentIndex::new(vec![normal.text.as_str()]);
    TextMask::new(rules, &index, false).apply(text, Part::Body)
}

/// Masks personal data, keeping a few leading and trailing characters so a
/// reviewer can find it: `11010519491231002X` → `1101**********002X`.
pub fn mask(text: &str) -> String {
    if let Some((local, domain)) = text.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!(
            "{first}{}@{domain}",
            "*".repeat(local.chars().count().saturating_sub(1).max(1))
        );
    }
    let characters: Vec<char> = text.chars().collect();
    let length = characters.len();
    let (keep_start, keep_end) = match length {
        0..=4 => (0, 0),
        5..=8 => (1, 2),
        9..=12 => (3, 4),
        _ => (4, 4),
    };
    characters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i >= length - keep_end || c.is_whitespace() || *c == '-' {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// Categories whose matches are masked by default.
pub fn is_masked_category(category: Category) -> bool {
    category == Category::Personal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_spans_overlapping_a_window() {
        let masked = MaskedSpans::new(vec![(40, 45), (0, 5), (10, 30), (12, 14)]);
        let found: Vec<_> = masked.overlapping(13, 20).collect();
        assert_eq!(found, [(10, 30), (12, 14)]);
        assert_eq!(masked.overlapping(5, 10).count(), 0);
        assert_eq!(masked.overlapping(44, 100).collect::<Vec<_>>(), [(40, 45)]);
    }

    #[test]
    fn mask_text_masks_what_a_personal_rule_matches_whatever_surrounds_it() {
        let rules = RuleSet::builtin().expect("built-in packs");
        let masked = mask_text(&rules, "黑框下的文字：11010519491231002X，电话13912345678");
        assert_eq!(masked, "黑框下的文字：1101**********002X，电话139****5678");
        assert_eq!(mask_text(&rules, "机密★1年"), "机密★1年");
    }

    #[test]
    fn masks_keep_ends() {
        assert_eq!(mask("11010519491231002X"), "1101**********002X");
        assert_eq!(mask("13912345678"), "139****5678");
        assert_eq!(mask("zhangsan@qq.com"), "z*******@qq.com");
        assert_eq!(mask("6200 0000 0000 0005"), "6200 **** **** 0005");
    }
}
