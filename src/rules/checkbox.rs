//! Tick boxes in forms (`文件密级：□绝密 □秘密 ■内部资料 □公开`) and whole
//! property values (`subject: 机密`): the two line shapes a regex alone
//! cannot express.
//!
//! A form prints every option with a box and ticks one. Which box belongs to
//! which word depends on the form: most put the box before the word
//! (`□绝密 ■机密`), some after it (`绝密□ 机密■`). Between two words a box
//! could belong to either (`绝密 ■ 机密`), so the layout is read from the
//! first box of the line: when the text before it ends with an option word
//! the boxes follow their words, otherwise they precede them. A match of a
//! rule with `line: checkbox` then counts only when the ticked box in it is
//! its own word's box, the word is a whole option (`■秘密花园` is a bullet,
//! not a tick), and a field value without a box (`密级：绝密□`) is not the
//! first option of an unticked list.

/// Ticked boxes, one character each (after normalisation).
const TICKED: &[char] = &['■', '☑', '☒', '√', '✓', '✔', '▣', '◼', '✅', '☒', '⊠', '▪'];
/// Unticked boxes.
const UNTICKED: &[char] = &['□', '☐', '○', '◻', '◯', '▢'];
/// Characters that may tick a bracketed box: `[√]`, `(√)`, `[x]`.
const BRACKET_TICKS: &[char] = &['√', '✓', '✔', 'x', 'X', '×', '■', '*'];

/// Words that are options of a 密级 or 公开属性 list, for reading the layout.
const OPTIONS: &[&str] = &[
    "绝密",
    "机密",
    "秘密",
    "内部资料",
    "内部事项",
    "内部",
    "工作秘密",
    "不予公开",
    "依申请公开",
    "主动公开",
    "免予公开",
    "不公开",
    "公开",
    "非密",
    "普通",
    "一般",
    "核心商密",
    "普通商密",
    "商密",
    "其他",
    "无",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    BoxBeforeWord,
    BoxAfterWord,
}

/// A box on a line: where it is and whether it is ticked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CheckBox {
    start: usize,
    end: usize,
    ticked: bool,
}

/// The box that starts at `at`, if any: a box glyph, or a bracket holding
/// at most a space or a tick (`[ ]`, `[√]`, `(√)`).
fn box_at(text: &str, at: usize) -> Option<CheckBox> {
    let mut chars = text[at..].chars();
    let first = chars.next()?;
    let one = |ticked| CheckBox {
        start: at,
        end: at + first.len_utf8(),
        ticked,
    };
    if TICKED.contains(&first) {
        return Some(one(true));
    }
    if UNTICKED.contains(&first) {
        return Some(one(false));
    }
    let close = match first {
        '[' => ']',
        '(' => ')',
        _ => return None,
    };
    let mut end = at + first.len_utf8();
    let mut ticked = false;
    for (count, c) in chars.enumerate() {
        end += c.len_utf8();
        if c == close {
            // `()` and `[]` with nothing inside are empty brackets, not boxes
            // of a form only when nothing at all is between them; a form's
            // empty box is `[ ]` or `( )`.
            return (count > 0).then_some(CheckBox {
                start: at,
                end,
                ticked,
            });
        }
        if count >= 3 {
            return None;
        }
        if BRACKET_TICKS.contains(&c) {
            if ticked {
                return None;
            }
            ticked = true;
        } else if c != ' ' && c != '\u{3000}' {
            return None;
        }
    }
    None
}

/// The boxes of the line `line` (a slice of the text starting at `offset`).
fn boxes(line: &str, offset: usize, text: &str) -> Vec<CheckBox> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < line.len() {
        if let Some(found_box) = box_at(&text[..offset + line.len()], offset + at) {
            at = found_box.end - offset;
            found.push(found_box);
        } else {
            at += line[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

fn ends_with_option(text: &str) -> bool {
    let trimmed = text.trim_end_matches([' ', '\t', '\u{3000}']);
    OPTIONS.iter().any(|word| trimmed.ends_with(word))
}

/// How far either side of a match its row of boxes is read, in bytes. A
/// form's row is a few dozen characters; reading the whole line per match
/// made one line of a million matches (a hostile text, or a PDF page with
/// no line breaks) quadratic.
const ROW_REACH: usize = 1024;

/// The line of `text` holding `start..end`, no further than [`ROW_REACH`]
/// from the match: its start offset and its text.
fn line_around(text: &str, start: usize, end: usize) -> (usize, &str) {
    let from = text.floor_char_boundary(start.saturating_sub(ROW_REACH));
    let to = text.ceil_char_boundary(end.saturating_add(ROW_REACH).min(text.len()));
    let line_start = text[from..start].rfind('\n').map_or(from, |i| from + i + 1);
    let line_end = text[end..to].find('\n').map_or(to, |i| end + i);
    (line_start, &text[line_start..line_end])
}

fn layout(line_start: usize, line: &str, boxes: &[CheckBox]) -> Layout {
    match boxes.first() {
        Some(first) if ends_with_option(&line[..first.start - line_start]) => Layout::BoxAfterWord,
        _ => Layout::BoxBeforeWord,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// True when the match `start..end` is a ticked option of its line's tick
/// boxes, or holds no box and is not one of the line's unticked options.
pub fn ticked_option_ok(text: &str, start: usize, end: usize) -> bool {
    let (line_start, line) = line_around(text, start, end);
    let boxes = boxes(line, line_start, text);
    let in_match: Vec<&CheckBox> = boxes
        .iter()
        .filter(|b| b.start >= start && b.end <= end)
        .collect();
    let layout = layout(line_start, line, &boxes);
    let after = text[end..].chars().next();
    let before = text[..start].chars().next_back();
    match in_match.as_slice() {
        [] => {
            // A value with no box (`密级：绝密`) must not be the word of an
            // unticked box right next to it.
            let next = text[end..].trim_start_matches([' ', '\t', '\u{3000}']);
            let next_box = boxes
                .iter()
                .find(|b| b.start == text.len() - next.len() && b.start >= end);
            let previous = text[..start].trim_end_matches([' ', '\t', '\u{3000}']);
            let previous_box = boxes.iter().find(|b| b.end == previous.len());
            match layout {
                Layout::BoxAfterWord => next_box.is_none_or(|b| b.ticked),
                Layout::BoxBeforeWord => previous_box.is_none_or(|b| b.ticked),
            }
        }
        [only] if only.ticked => {
            let box_first = only.start == start;
            let box_last = only.end == end;
            match (layout, box_first, box_last) {
                // `■机密`: the word must end where the option ends.
                (Layout::BoxBeforeWord, true, false) => !after.is_some_and(is_word_char),
                // `机密■`: the word must start where the option starts (a
                // label before it ends in a colon, a space or another box).
                (Layout::BoxAfterWord, false, true) => {
                    !before.is_some_and(is_word_char) || ends_in_label(&text[..start])
                }
                // A box inside the match (`密级：■机密` matched whole).
                (Layout::BoxBeforeWord, false, false) => !after.is_some_and(is_word_char),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `密级机密■`: a field label written right before the option.
fn ends_in_label(text: &str) -> bool {
    [
        "密级",
        "密等",
        "保密等级",
        "公开属性",
        "公开方式",
        "公开类别",
    ]
    .iter()
    .any(|label| text.ends_with(label))
}

/// True when `start..end` is the whole value of a property: the whole
/// segment or line or tab-separated cell (a labelled property, one of
/// several keywords), or what follows `key:` on a line of `key: value`
/// properties (`subject: 机密`, `dc:subject: 机密`). Decorations (brackets,
/// stars, quotes) around the value are allowed as on a marking line.
pub fn whole_field_value(text: &str, start: usize, end: usize) -> bool {
    // Each step walks from the match and stops at the first character that
    // settles it, never reading its whole line: a line of a million matches
    // would otherwise be read a million times.
    let separator = |c: char| c == '\n' || c == '\t';
    let decoration = |c: char| c.is_whitespace() || super::matcher::is_decoration(c);
    let mut after = text[end..].chars().take_while(|&c| !separator(c));
    if !after.all(decoration) {
        return false;
    }
    let mut before = text[..start].chars().rev().take_while(|&c| !separator(c));
    if before.all(decoration) {
        return true;
    }
    // `key: value`: a property name of ASCII letters, digits and `:_-. `.
    let colon = text[..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| separator(c) || c == ':' || !decoration(c))
        .filter(|&(_, c)| c == ':')
        .map(|(at, _)| at);
    let Some(colon) = colon else {
        return false;
    };
    const LONGEST_KEY: usize = 48;
    let reach = text.floor_char_boundary(colon.saturating_sub(LONGEST_KEY + 1));
    let key_start = match text[reach..colon].rfind(['\t', '\n']) {
        Some(at) => reach + at + 1,
        None if reach == 0 => 0,
        None => return false,
    };
    let key = &text[key_start..colon];
    !key.is_empty()
        && key.len() <= LONGEST_KEY
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.' | ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, word: &str) -> bool {
        let start = text.find(word).unwrap();
        ticked_option_ok(text, start, start + word.len())
    }

    #[test]
    fn box_before_word() {
        assert!(ok("文件密级:□绝密 □秘密 ■内部资料 □公开", "■内部资料"));
        assert!(ok("密级:□秘密 ☑机密", "☑机密"));
        assert!(!ok("■秘密花园", "■秘密"));
        assert!(ok("[√]秘密 [ ]机密", "[√]秘密"));
        assert!(ok("(√)秘密 ( )机密", "(√)秘密"));
        assert!(ok("密级:■机密", "密级:■机密"));
    }

    #[test]
    fn box_after_word() {
        assert!(ok("密级:绝密□ 机密■ 秘密□", "机密■"));
        assert!(!ok("密级:□绝密 ■机密", "绝密 ■"));
        // The unticked first option of a list with boxes after the words.
        assert!(!ok("密级:绝密□ 机密■ 秘密□", "密级:绝密"));
        // … and with boxes before them, a ticked box after a word belongs to
        // the next word.
        assert!(!ok("密级:□绝密 ■秘密", "绝密 ■"));
        assert!(ok("密级:绝密■", "密级:绝密"));
    }

    #[test]
    fn field_without_boxes() {
        assert!(ok("密级:机密", "密级:机密"));
        assert!(ok("密级\t机密\t备注", "机密"));
    }

    #[test]
    fn whole_values() {
        let value = |text: &str, word: &str| {
            let start = text.find(word).unwrap();
            whole_field_value(text, start, start + word.len())
        };
        assert!(value("机密", "机密"));
        assert!(value("title: 通知\nsubject: 机密\n", "机密"));
        assert!(value("dc:subject: 【机密】", "机密"));
        assert!(value("预算\t机密", "机密"));
        assert!(!value("title: 关于机密工作的通知", "机密"));
        assert!(!value("subject: 机密文件管理", "机密"));
        assert!(!value("说明：机密", "机密"));
    }

    /// What `whole_field_value` answered when it read the whole line and
    /// cell of the match: the walk outwards must answer the same.
    fn whole_field_value_reading_the_line(text: &str, start: usize, end: usize) -> bool {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let cell_start = text[line_start..start]
            .rfind('\t')
            .map_or(line_start, |i| line_start + i + 1);
        let cell_end = text[end..line_end].find('\t').map_or(line_end, |i| end + i);
        let decoration = |c: char| c.is_whitespace() || super::super::matcher::is_decoration(c);
        if !text[end..cell_end].chars().all(decoration) {
            return false;
        }
        let before = &text[cell_start..start];
        if before.chars().all(decoration) {
            return true;
        }
        let before = before.trim_end_matches(|c: char| decoration(c) && c != ':');
        let Some(key) = before.strip_suffix(':') else {
            return false;
        };
        !key.is_empty()
            && key.len() <= 48
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.' | ' '))
    }

    #[test]
    fn whole_values_walked_to_agree_with_reading_the_whole_line() {
        let leads = [
            "",
            "\n",
            "\t",
            "x\t",
            "subject: ",
            "subject:",
            "dc:subject: 【",
            "说明：",
            "title: 关于",
            " :",
            "a b:\t",
            "k:  \n",
            "【",
            ": ",
            "x:y: ",
        ];
        let long_key = format!("{}: ", "k".repeat(48));
        let too_long_key = format!("{}: ", "k".repeat(49));
        let tails = ["", "\n", "】", " \t备注", "文件", " \n下一行", "】x"];
        let mut checked = 0;
        for lead in leads
            .iter()
            .copied()
            .chain([long_key.as_str(), too_long_key.as_str()])
        {
            for tail in tails {
                for prefix in ["", "上一行\n", "甲\t", &"很长的一行".repeat(300)] {
                    let text = format!("{prefix}{lead}机密{tail}");
                    let start = prefix.len() + lead.len();
                    let end = start + "机密".len();
                    assert_eq!(
                        whole_field_value(&text, start, end),
                        whole_field_value_reading_the_line(&text, start, end),
                        "{text:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 400);
    }

    /// A row longer than [`ROW_REACH`] is read around the match: its boxes
    /// near the match still decide.
    #[test]
    fn a_long_row_is_read_near_the_match() {
        let filler = "说明文字".repeat(2000);
        assert!(ok(&format!("{filler}密级:□秘密 ☑机密"), "☑机密"));
        assert!(!ok(&format!("{filler}密级:绝密□ 机密■ 秘密□"), "密级:绝密"));
        assert!(ok(&format!("密级:□秘密 ☑机密 {filler}"), "☑机密"));
    }
}
