//! Glyphs → lines of text, by position.
//!
//! Content streams draw text in any order; what a reader sees is lines.
//! Glyphs whose baselines coincide form a line (within half an em, so
//! superscripts and mixed fonts stay on it), lines are read top to bottom
//! (right to left for vertical columns), glyphs in a line by their position
//! along it. Text in other directions (rotated labels, vertical columns) is
//! laid out in its own frame.
//!
//! Spaces: a gap wider than 0.15 em between Latin glyphs is a word space; a
//! gap wider than half an em next to a CJK glyph is a space; between two CJK
//! glyphs there is never a space — Chinese has none, and a space inside
//! `机密` would hide it from a naive matcher. A gap of more than 3 em (table
//! cells, tab stops) becomes a tab, so a match never spans two cells.

use super::content::{GlyphBox, PageContent};
use super::encodings::is_cjk;

const LINE_TOLERANCE: f64 = 0.5;
const LATIN_SPACE: f64 = 0.15;
const CJK_SPACE: f64 = 0.5;
const TAB: f64 = 3.0;
/// Gaps needed on a line before its typical gap is taken as letter spacing.
const MIN_GAPS_FOR_TRACKING: usize = 5;
/// A glyph this close to an identical one is a duplicate (fake bold).
const DUPLICATE: f64 = 0.15;

/// One laid-out line.
#[derive(Debug, Default, Clone)]
pub struct Line {
    pub text: String,
    /// Indices into `PageContent::glyphs`, in reading order.
    pub glyphs: Vec<usize>,
}

struct Placed {
    index: usize,
    along_start: f64,
    along_end: f64,
    across: f64,
    size: f64,
}

/// The four writing directions, as unit vectors: right, down, left, up.
const DIRECTIONS: [(f64, f64); 4] = [(1.0, 0.0), (0.0, -1.0), (-1.0, 0.0), (0.0, 1.0)];

fn quantize(direction: (f64, f64)) -> usize {
    let mut best = 0;
    let mut best_dot = f64::NEG_INFINITY;
    for (index, axis) in DIRECTIONS.iter().enumerate() {
        let dot = direction.0 * axis.0 + direction.1 * axis.1;
        if dot > best_dot {
            best_dot = dot;
            best = index;
        }
    }
    best
}

/// Lays out the glyphs that `include` accepts (and that have text).
pub fn lines(content: &PageContent, include: impl Fn(usize, &GlyphBox) -> bool) -> Vec<Line> {
    let selected: Vec<usize> = content
        .glyphs
        .iter()
        .enumerate()
        .filter(|(index, glyph)| glyph.text_len > 0 && include(*index, glyph))
        .map(|(index, _)| index)
        .collect();
    let columnar = columnar_glyphs(content, &selected);
    // Groups by direction, in order of first appearance.
    let mut groups: Vec<(usize, Vec<Placed>)> = Vec::new();
    for (position, &index) in selected.iter().enumerate() {
        let glyph = &content.glyphs[index];
        let (direction_index, placed) = if columnar[position] {
            // An upright glyph set one under the other: read it as part of
            // a vertical column, by its box (its origin is its left edge).
            let center = (glyph.bbox.x0 + glyph.bbox.x1) / 2.0;
            (
                1,
                Placed {
                    index,
                    along_start: -glyph.bbox.y1,
                    along_end: -glyph.bbox.y0,
                    across: -center,
                    size: glyph.size.max(1e-6),
                },
            )
        } else {
            let direction_index = quantize(glyph.direction);
            let (dx, dy) = DIRECTIONS[direction_index];
            // Lines stack perpendicular to the writing direction: below for
            // horizontal text, to the left for vertical columns.
            let (px, py) = (dy, -dx);
            let along_start = glyph.origin.0 * dx + glyph.origin.1 * dy;
            let along_end = glyph.end.0 * dx + glyph.end.1 * dy;
            (
                direction_index,
                Placed {
                    index,
                    along_start,
                    along_end: along_end.max(along_start),
                    across: glyph.origin.0 * px + glyph.origin.1 * py,
                    size: glyph.size.max(1e-6),
                },
            )
        };
        match groups.iter_mut().find(|(key, _)| *key == direction_index) {
            Some((_, group)) => group.push(placed),
            None => groups.push((direction_index, vec![placed])),
        }
    }

    let mut out = Vec::new();
    for (_, mut group) in groups {
        group.sort_by(|a, b| a.across.total_cmp(&b.across));
        let mut start = 0;
        while start < group.len() {
            let reference = group[start].across;
            let mut line_size = group[start].size;
            let mut end = start + 1;
            while end < group.len() {
                let size = line_size.max(group[end].size);
                if group[end].across - reference > LINE_TOLERANCE * size {
                    break;
                }
                line_size = size;
                end += 1;
            }
            let line = &mut group[start..end];
            line.sort_by(|a, b| a.along_start.total_cmp(&b.along_start));
            out.push(build_line(content, line));
            start = end;
        }
    }
    out.retain(|line| !line.text.trim().is_empty());
    out
}

/// Which of the selected glyphs are upright CJK glyphs typeset one under
/// another: vertical text set glyph by glyph with a horizontal font
/// (Japanese gazettes, table cells labelled 购/买/方 down the side). Laid
/// out as horizontal text they would be read across the columns.
///
/// Position alone cannot tell a dense grid of columns from one of rows, so
/// the drawing order decides: a glyph whose neighbour in the content stream
/// sits one em below it (and none sits beside it) is in a column.
fn columnar_glyphs(content: &PageContent, selected: &[usize]) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Step {
        Down,
        Across,
        Other,
    }
    let upright_cjk = |index: usize| {
        let glyph = &content.glyphs[index];
        quantize(glyph.direction) == 0
            && glyph.size > 0.0
            && content.glyph_text(glyph).chars().next().is_some_and(is_cjk)
    };
    let step = |from: usize, to: usize| {
        let (a, b) = (&content.glyphs[from], &content.glyphs[to]);
        if !upright_cjk(from) || !upright_cjk(to) || (a.size - b.size).abs() > 0.3 * a.size {
            return Step::Other;
        }
        let size = a.size;
        let dx = b.origin.0 - a.origin.0;
        let dy = b.origin.1 - a.origin.1;
        if dx.abs() < 0.2 * size && (-1.6 * size..-0.7 * size).contains(&dy) {
            Step::Down
        } else if dy.abs() < 0.3 * size && dx > 0.0 && dx < 2.0 * size {
            Step::Across
        } else {
            Step::Other
        }
    };
    let steps: Vec<Step> = selected
        .windows(2)
        .map(|pair| step(pair[0], pair[1]))
        .collect();
    (0..selected.len())
        .map(|position| {
            let before = position.checked_sub(1).map(|p| steps[p]);
            let after = steps.get(position).copied();
            let down = before == Some(Step::Down) || after == Some(Step::Down);
            let across = before == Some(Step::Across) || after == Some(Step::Across);
            down && !across
        })
        .collect()
}

fn build_line(content: &PageContent, line: &[Placed]) -> Line {
    // Drop duplicates (fake bold: the same glyph drawn twice, a hair apart).
    let mut kept: Vec<&Placed> = Vec::with_capacity(line.len());
    for placed in line {
        if let Some(prev) = kept.last() {
            let size = prev.size.max(placed.size);
            if content.glyph_text(&content.glyphs[placed.index])
                == content.glyph_text(&content.glyphs[prev.index])
                && (placed.along_start - prev.along_start).abs() < DUPLICATE * size
                && (placed.across - prev.across).abs() < DUPLICATE * size
            {
                continue;
            }
        }
        kept.push(placed);
    }
    let gaps: Vec<f64> = kept
        .windows(2)
        .map(|pair| (pair[1].along_start - pair[0].along_end) / pair[0].size.max(pair[1].size))
        .collect();
    // Letter-spaced text (forms, invoices, spread-out headings) has a gap
    // between every pair of glyphs; a word space is a gap wider than that.
    let tracking = if gaps.len() >= MIN_GAPS_FOR_TRACKING {
        median(gaps.iter().copied().filter(|gap| (-0.5..TAB).contains(gap)))
            .unwrap_or(0.0)
            .max(0.0)
    } else {
        0.0
    };

    let mut result = Line::default();
    for (position, placed) in kept.iter().enumerate() {
        let glyph = &content.glyphs[placed.index];
        let text = content.glyph_text(glyph);
        if position > 0 {
            let gap = gaps[position - 1];
            let last = result.text.chars().next_back();
            let next = text.chars().next();
            let already_spaced =
                last.is_some_and(char::is_whitespace) || next.is_some_and(char::is_whitespace);
            let cjk_left = last.is_some_and(is_cjk);
            let cjk_right = next.is_some_and(is_cjk);
            if already_spaced {
            } else if gap > TAB + tracking {
                result.text.push('\t');
            } else {
                let threshold = match (cjk_left, cjk_right) {
                    (true, true) => f64::INFINITY,
                    (false, false) => LATIN_SPACE + tracking,
                    _ => CJK_SPACE + tracking,
                };
                if gap > threshold {
                    result.text.push(' ');
                }
            }
        }
        result.text.push_str(text);
        result.glyphs.push(placed.index);
    }
    // Whitespace glyphs at the ends and control characters add nothing.
    let cleaned: String = result
        .text
        .chars()
        .map(|ch| {
            if ch.is_control() && ch != '\t' {
                ' '
            } else {
                ch
            }
        })
        .collect();
    result.text = cleaned.trim().to_owned();
    result
}

fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut values: Vec<f64> = values.collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[(values.len() - 1) / 2])
}

/// The page's text: one line per line, top to bottom.
pub fn page_text(content: &PageContent, include: impl Fn(usize, &GlyphBox) -> bool) -> String {
    let lines = lines(content, include);
    let mut text = String::new();
    for line in lines {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&line.text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::content::Rect;

    fn glyph(content: &mut PageContent, text: &str, x: f64, y: f64, width: f64, size: f64) {
        let start = content.text.len() as u32;
        content.text.push_str(text);
        content.glyphs.push(GlyphBox {
            text_start: start,
            text_len: text.len() as u32,
            origin: (x, y),
            end: (x + width, y),
            size,
            direction: (1.0, 0.0),
            bbox: Rect::from_corners(x, y, x + width, y + size),
            seq: content.glyphs.len() as u32,
            color: Some(0.0),
            invisible: false,
            unmapped: false,
            hidden_layer: false,
        });
    }

    #[test]
    fn groups_by_baseline_and_orders_top_to_bottom() {
        let mut content = PageContent::default();
        // Drawn bottom line first, and out of order within a line.
        glyph(&mut content, "年", 40.0, 100.0, 10.0, 10.0);
        glyph(&mut content, "机", 0.0, 100.0, 10.0, 10.0);
        glyph(&mut content, "密", 10.0, 100.5, 10.0, 10.0);
        glyph(&mut content, "★", 20.0, 100.0, 10.0, 10.0);
        glyph(&mut content, "1", 30.0, 100.0, 5.0, 10.0);
        glyph(&mut content, "标", 0.0, 120.0, 10.0, 10.0);
        glyph(&mut content, "题", 30.0, 120.0, 10.0, 10.0);
        assert_eq!(page_text(&content, |_, _| true), "标题\n机密★1年");
    }

    #[test]
    fn latin_word_spaces_and_tabs() {
        let mut content = PageContent::default();
        for (index, ch) in "ab".chars().enumerate() {
            glyph(
                &mut content,
                &ch.to_string(),
                index as f64 * 5.0,
                0.0,
                5.0,
                10.0,
            );
        }
        glyph(&mut content, "c", 13.0, 0.0, 5.0, 10.0);
        glyph(&mut content, "d", 60.0, 0.0, 5.0, 10.0);
        assert_eq!(page_text(&content, |_, _| true), "ab c\td");
    }

    #[test]
    fn letter_spaced_digits_stay_together() {
        let mut content = PageContent::default();
        glyph(&mut content, "号", 0.0, 0.0, 10.0, 10.0);
        for (index, digit) in "110105".chars().enumerate() {
            glyph(
                &mut content,
                &digit.to_string(),
                14.0 + index as f64 * 9.0,
                0.0,
                5.0,
                10.0,
            );
        }
        assert_eq!(page_text(&content, |_, _| true), "号110105");
    }

    #[test]
    fn cjk_glyphs_stacked_one_under_another_form_a_column() {
        let mut content = PageContent::default();
        // 购/买/方 down the left edge of a table, drawn in that order, and
        // 名称 to the right of 购.
        glyph(&mut content, "购", 0.0, 100.0, 10.0, 10.0);
        glyph(&mut content, "买", 0.0, 89.0, 10.0, 10.0);
        glyph(&mut content, "方", 0.0, 78.0, 10.0, 10.0);
        glyph(&mut content, "名", 40.0, 100.0, 10.0, 10.0);
        glyph(&mut content, "称", 50.0, 100.0, 10.0, 10.0);
        assert_eq!(page_text(&content, |_, _| true), "购买方\n名称");
        // Single digits stacked in a table column stay apart.
        let mut digits = PageContent::default();
        glyph(&mut digits, "1", 0.0, 100.0, 5.0, 10.0);
        glyph(&mut digits, "2", 0.0, 89.0, 5.0, 10.0);
        assert_eq!(page_text(&digits, |_, _| true), "1\n2");
    }

    #[test]
    fn duplicate_glyphs_for_fake_bold_are_dropped() {
        let mut content = PageContent::default();
        glyph(&mut content, "密", 0.0, 0.0, 10.0, 10.0);
        glyph(&mut content, "密", 0.3, 0.0, 10.0, 10.0);
        glyph(&mut content, "级", 10.0, 0.0, 10.0, 10.0);
        assert_eq!(page_text(&content, |_, _| true), "密级");
    }

    #[test]
    fn vertical_columns_read_right_to_left() {
        let mut content = PageContent::default();
        for (column, text) in ["一二", "三四"].iter().enumerate() {
            for (row, ch) in text.chars().enumerate() {
                let x = 100.0 - column as f64 * 20.0;
                let y = 200.0 - row as f64 * 10.0;
                let start = content.text.len() as u32;
                content.text.push(ch);
                content.glyphs.push(GlyphBox {
                    text_start: start,
                    text_len: ch.len_utf8() as u32,
                    origin: (x, y),
                    end: (x, y - 10.0),
                    size: 10.0,
                    direction: (0.0, -1.0),
                    bbox: Rect::from_corners(x - 5.0, y - 10.0, x + 5.0, y),
                    seq: 0,
                    color: None,
                    invisible: false,
                    unmapped: false,
                    hidden_layer: false,
                });
            }
        }
        assert_eq!(page_text(&content, |_, _| true), "一二\n三四");
    }
}
