//! Masking of personal data in finding texts and contexts.

use crate::extract::document::Category;

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
    fn masks_keep_ends() {
        assert_eq!(mask("11010519491231002X"), "1101**********002X");
        assert_eq!(mask("13912345678"), "139****5678");
        assert_eq!(mask("zhangsan@qq.com"), "z*******@qq.com");
        assert_eq!(mask("6200 0000 0000 0005"), "6200 **** **** 0005");
    }
}
