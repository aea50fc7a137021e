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

/// The normalised text (or a window of it) with noise gaps removed, and
/// where they were.
#[derive(Debug, Default)]
pub struct Skeleton {
    pub text: String,
    /// Where the window starts in the normalised text (0 for a whole text).
    base: usize,
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
        Some(Skeleton::over(text, 0, text.len(), &gaps))
    }

    /// The skeletons of the windows of `text` where a term of at most
    /// `reach` bytes can span a gap: each run of gaps less than `reach`
    /// apart, with `reach` bytes either side. A term spanning no gap was
    /// found in the text itself, so the rest of the text — nearly all of
    /// it — is not copied or searched again (a whole skeleton of a 200 MB
    /// text was a second full pass).
    pub fn windows(text: &str, reach: usize) -> Vec<Skeleton> {
        let gaps = find_gaps(text);
        let mut windows = Vec::new();
        let mut first = 0;
        while first < gaps.len() {
            let mut last = first;
            while last + 1 < gaps.len() && gaps[last + 1].0 - gaps[last].1 <= reach {
                last += 1;
            }
            let start = floor_char_boundary(text, gaps[first].0.saturating_sub(reach));
            let end = ceil_char_boundary(text, gaps[last].1 + reach);
            windows.push(Skeleton::over(text, start, end, &gaps[first..=last]));
            first = last + 1;
        }
        windows
    }

    /// The skeleton of `text[start..end]`, which holds `gaps`.
    fn over(text: &str, start: usize, end: usize, gaps: &[(usize, usize)]) -> Skeleton {
        let mut skeleton = Skeleton {
            text: String::with_capacity(end - start),
            base: start,
            gaps: Vec::with_capacity(gaps.len()),
        };
        let mut copied = start;
        let mut removed = 0;
        for &(gap_start, gap_end) in gaps {
            skeleton.text.push_str(&text[copied..gap_start]);
            removed += gap_end - gap_start;
            copied = gap_end;
            skeleton.gaps.push((skeleton.text.len(), removed));
        }
        skeleton.text.push_str(&text[copied..end]);
        skeleton
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
        Some((
            self.base + start + self.removed_before(start),
            self.base + end + end_removed,
        ))
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Byte ranges of the gaps in `text`: maximal runs of noise characters
/// and spaces between two joining characters, holding 1..=[`MAX_GAP`]
/// noise characters and at most [`MAX_GAP_SPACES`] spaces.
///
/// Looks only where a noise character is: the bytes that can start one are
/// few, so the text between them (nearly all of it) is skipped a byte at a
/// time without decoding.
fn find_gaps(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut gaps = Vec::new();
    let mut at = 0;
    while let Some(found) = bytes[at..]
        .iter()
        .position(|&b| NOISE_START[usize::from(b)])
    {
        let offset = at + found;
        let Some(character) = text[offset..].chars().next() else {
            break;
        };
        if !is_noise(character) {
            at = offset + character.len_utf8();
            continue;
        }
        // The maximal run of noise and spaces around it.
        let start = text[..offset]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_noise(c) || c == ' ')
            .last()
            .map_or(offset, |(i, _)| i);
        let end = text[offset..]
            .char_indices()
            .find(|&(_, c)| !(is_noise(c) || c == ' '))
            .map_or(text.len(), |(i, _)| offset + i);
        let run = &text[start..end];
        let spaces = run.bytes().filter(|&b| b == b' ').count();
        let noise = run.chars().filter(|&c| c != ' ').count();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if (1..=MAX_GAP).contains(&noise)
            && spaces <= MAX_GAP_SPACES
            && before.is_some_and(joins)
            && after.is_some_and(joins)
        {
            gaps.push((start, end));
        }
        at = end.max(offset + character.len_utf8());
    }
    gaps
}

/// The bytes a noise character's UTF-8 can start with.
static NOISE_START: [bool; 256] = {
    let mut table = [false; 256];
    let ascii = b"*._-/\\|~+#^='\"`@$%&";
    let mut i = 0;
    while i < ascii.len() {
        table[ascii[i] as usize] = true;
        i += 1;
    }
    // · (C2), • ‧ — ∙ ★ (E2), ・ (E3), ～ (EF).
    table[0xC2] = true;
    table[0xE2] = true;
    table[0xE3] = true;
    table[0xEF] = true;
    table
};

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

    /// The gaps as first defined: a character-by-character state machine.
    fn reference_gaps(text: &str) -> Vec<(usize, usize)> {
        let mut gaps = Vec::new();
        let mut previous_joins = false;
        let mut run: Option<(usize, usize, usize)> = None;
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

    #[test]
    fn gaps_are_those_of_the_state_machine() {
        let alphabet: Vec<char> = "法轮功ab1 *.-·★—～，。\n\t、机密".chars().collect();
        let mut seed: u64 = 20261203;
        for _ in 0..20_000 {
            let mut text = String::new();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let length = (seed >> 59) as usize;
            for _ in 0..length {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            assert_eq!(find_gaps(&text), reference_gaps(&text), "{text:?}");
        }
    }

    #[test]
    fn every_noise_character_starts_with_a_flagged_byte() {
        for character in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_noise(c))
        {
            let mut buffer = [0; 4];
            let first = character.encode_utf8(&mut buffer).as_bytes()[0];
            assert!(NOISE_START[usize::from(first)], "{character:?}");
        }
    }

    #[test]
    fn windows_find_what_the_whole_skeleton_finds() {
        let text = format!(
            "{}法*轮*功{}蓝-鲸{}",
            "各单位".repeat(50),
            "说明".repeat(40),
            "。"
        );
        let windows = Skeleton::windows(&text, "法轮功".len());
        assert_eq!(windows.len(), 2);
        let mut found = Vec::new();
        for window in &windows {
            for term in ["法轮功", "蓝鲸"] {
                if let Some(at) = window.text.find(term) {
                    found.push(window.original_range(at, at + term.len()).expect("spans"));
                }
            }
        }
        let pieces: Vec<&str> = found.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(pieces, ["法*轮*功", "蓝-鲸"]);
    }

    #[test]
    fn text_without_gaps_has_no_skeleton() {
        assert!(Skeleton::of("各单位要认真贯彻落实会议精神").is_none());
        assert!(Skeleton::of("").is_none());
    }
}
