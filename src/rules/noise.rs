//! Seeing through noise characters inserted between the characters of a
//! watch-list term: `法*轮*功`, `法.轮.功`, `法_轮_功`, `蓝-鲸-工-程`.
//!
//! Normalisation already removes spaces between Chinese characters and
//! folds full-width and traditional forms; what is left is punctuation put
//! there to break a literal search. [`Skeleton`] is the normalised text with
//! such gaps removed, and a map back: a term found in the skeleton across a
//! removed gap is a match in the normalised text from its first character to
//! its last.
//!
//! The skip set is bounded so that ordinary text does not run together:
//! a gap is a run of [`is_noise`] characters between two letters, digits or
//! Chinese characters, holding one or two of them (at most [`MAX_GAP`]) and
//! at most two spaces — and a run of spaces alone is never a gap, so two
//! English words do not become one. Sentence punctuation (，。、；：！？) and
//! line breaks and tabs (lines and table cells) are never noise.

/// The most noise characters (spaces aside) a gap may hold.
pub const MAX_GAP: usize = 2;

/// The most spaces a gap may hold besides its noise characters.
const MAX_GAP_SPACES: usize = 2;

/// Characters that may stand between the characters of a term to break a
/// literal search (after normalisation: `＊` is `*`, `．` is `.`, `☆` is `★`).
pub fn is_noise(character: char) -> bool {
    matches!(
        character,
        '*' | '.'
            | '_'
            | '-'
            | '·'
            | '•'
            | '・'
            | '‧'
            | '∙'
            | '/'
            | '\\'
            | '|'
            | '~'
            | '+'
            | '#'
            | '^'
            | '='
            | '\''
            | '"'
            | '`'
            | '★'
            | '@'
            | '$'
            | '%'
            | '&'
            | '—'
            | '～'
    )
}

/// What a gap may join: Chinese characters, ASCII letters and digits.
fn joins(character: char) -> bool {
    character.is_ascii_alphanumeric()
        || matches!(character,
            '\u{4E00}'..='\u{9FFF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3FFFF}')
}

/// The normalised text with noise gaps removed, and where they were.
#[derive(Debug, Default)]
pub struct Skeleton {
    pub text: String,
    /// (skeleton offset of the character after a removed gap, bytes removed
    /// up to and including that gap), ascending.
    gaps: Vec<(usize, usize)>,
}

impl Skeleton {
    /// The skeleton of `text`, or `None` when the text has no gap (nearly
    /// all text): then there is nothing more to find.
    pub fn of(text: &str) -> Option<Skeleton> {
        let gaps = find_gaps(text);
        if gaps.is_empty() {
            return None;
        }
        let mut skeleton = Skeleton {
            text: String::with_capacity(text.len()),
            gaps: Vec::with_capacity(gaps.len()),
        };
        let mut copied = 0;
        let mut removed = 0;
        for (start, end) in gaps {
            skeleton.text.push_str(&text[copied..start]);
            removed += end - start;
            copied = end;
            skeleton.gaps.push((skeleton.text.len(), removed));
        }
        skeleton.text.push_str(&text[copied..]);
        Some(skeleton)
    }

    /// Bytes removed before the character at skeleton offset `at`.
    fn removed_before(&self, at: usize) -> usize {
        let index = self.gaps.partition_point(|&(position, _)| position <= at);
        index.checked_sub(1).map_or(0, |i| self.gaps[i].1)
    }

    /// The normalised range of the skeleton range `start..end`, if the range
    /// spans a removed gap (a match that does not was found in the text
    /// itself already).
    pub fn original_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let first_after_start = self
            .gaps
            .partition_point(|&(position, _)| position <= start);
        let spans = self
            .gaps
            .get(first_after_start)
            .is_some_and(|&(position, _)| position < end);
        if !spans || end <= start {
            return None;
        }
        // The last character ends before any gap at `end` itself.
        let end_removed = {
            let index = self.gaps.partition_point(|&(position, _)| position < end);
            index.checked_sub(1).map_or(0, |i| self.gaps[i].1)
        };
        Some((start + self.removed_before(start), end + end_removed))
    }
}

/// Byte ranges of the gaps in `text`: runs of noise characters (and a few
/// spaces) between two joining characters, with 1..=[`MAX_GAP`] noise
/// characters.
fn find_gaps(text: &str) -> Vec<(usize, usize)> {
    let mut gaps = Vec::new();
    let mut previous_joins = false;
    let mut run: Option<(usize, usize, usize)> = None; // (start, noise, spaces)
    for (offset, character) in text.char_indices() {
        if is_noise(character) || character == ' ' {
            if !previous_joins && run.is_none() {
                continue;
            }
            let (start, noise, spaces) = run.unwrap_or((offset, 0, 0));
            let (noise, spaces) = if character == ' ' {
                (noise, spaces + 1)
            } else {
                (noise + 1, spaces)
            };
            run = if noise > MAX_GAP || spaces > MAX_GAP_SPACES {
                // Too long to be a gap: wait for the next joining character.
                previous_joins = false;
                None
            } else {
                Some((start, noise, spaces))
            };
            continue;
        }
        let joining = joins(character);
        if let Some((start, noise, _)) = run.take()
            && joining
            && noise > 0
        {
            gaps.push((start, offset));
        }
        previous_joins = joining;
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skeleton(text: &str) -> String {
        Skeleton::of(text).map_or_else(|| text.to_owned(), |s| s.text)
    }

    #[test]
    fn noise_between_characters_is_removed() {
        assert_eq!(skeleton("法*轮*功"), "法轮功");
        assert_eq!(skeleton("法.轮.功"), "法轮功");
        assert_eq!(skeleton("法_轮_功"), "法轮功");
        assert_eq!(skeleton("法**轮--功"), "法轮功");
        assert_eq!(skeleton("蓝 * 鲸"), "蓝鲸");
        assert_eq!(skeleton("b.l.u.e"), "blue");
    }

    #[test]
    fn the_skip_set_is_bounded() {
        // Three noise characters are not a gap; neither is punctuation of
        // sentences, a line break, a tab, or spaces alone.
        assert_eq!(skeleton("法***轮"), "法***轮");
        assert_eq!(skeleton("北京、上海"), "北京、上海");
        assert_eq!(skeleton("第一句。第二句"), "第一句。第二句");
        assert_eq!(skeleton("甲\n乙"), "甲\n乙");
        assert_eq!(skeleton("甲\t乙"), "甲\t乙");
        assert_eq!(skeleton("the mat"), "the mat");
        // Noise at the edge of a word is not between two characters.
        assert_eq!(skeleton("*重点*"), "*重点*");
        assert_eq!(skeleton("见附件-"), "见附件-");
    }

    #[test]
    fn ranges_map_back_across_gaps() {
        let text = "关于法*轮*功的报告";
        let skeleton = Skeleton::of(text).expect("gaps");
        let start = skeleton.text.find("法轮功").expect("found");
        let end = start + "法轮功".len();
        let (a, b) = skeleton.original_range(start, end).expect("spans a gap");
        assert_eq!(&text[a..b], "法*轮*功");
        // A match that spans no gap was already found in the text itself.
        let start = skeleton.text.find("关于").expect("found");
        assert_eq!(skeleton.original_range(start, start + "关于".len()), None);
        let start = skeleton.text.find("的报告").expect("found");
        assert_eq!(skeleton.original_range(start, start + "的报告".len()), None);
        // A match ending right before a gap ends before it.
        let text = "甲乙*丙";
        let skeleton = Skeleton::of(text).expect("gaps");
        let start = skeleton.text.find("乙丙").expect("found");
        let (a, b) = skeleton
            .original_range(start, start + "乙丙".len())
            .expect("spans");
        assert_eq!(&text[a..b], "乙*丙");
    }

    #[test]
    fn text_without_gaps_has_no_skeleton() {
        assert!(Skeleton::of("各单位要认真贯彻落实会议精神").is_none());
        assert!(Skeleton::of("").is_none());
    }
}
