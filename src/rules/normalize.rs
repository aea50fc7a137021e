//! Text normalisation with a map back to the original.
//!
//! Rules match on normalised text so that `秘 密★１年`, `祕密★1年` and
//! `秘密★1年` are the same marking, but findings must report the text, line
//! and column *as the document has them*. [`Normalized`] therefore keeps a
//! compact piecewise map from normalised byte offsets to original ones.
//!
//! What changes:
//! - NFKC per character: full-width letters, digits and punctuation become
//!   ASCII, U+3000 becomes a space;
//! - zero-width characters and soft hyphens are removed;
//! - traditional forms of the words markings use are folded (機密 → 机密);
//! - horizontal whitespace between CJK characters (and between a CJK
//!   character or ★ and a digit) is removed, because GB/T 9704-1999 spaces
//!   `秘 密` and PDF/Word exports break `机密★ 1年` apart.
//!
//! Newlines and tabs are kept: lines and table cells are structure.

use unicode_normalization::UnicodeNormalization;

/// Normalised text and the map back to the original.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    pub text: String,
    pieces: Vec<Piece>,
}

/// A stretch of normalised text and where it came from. `Copy` pieces are
/// byte-identical to the original; `Replace` pieces map as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    normalized_start: usize,
    original_start: usize,
    original_length: usize,
    kind: PieceKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PieceKind {
    Copy,
    Replace,
}

impl Normalized {
    /// Maps a normalised byte range back to the original byte range.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let original_start = self.map(start, false);
        let original_end = if end > start {
            self.map(end, true)
        } else {
            original_start
        };
        (original_start, original_end.max(original_start))
    }

    fn map(&self, offset: usize, is_end: bool) -> usize {
        if self.pieces.is_empty() {
            return offset;
        }
        // The piece holding the byte at `offset` (or, for an end, the byte
        // just before it).
        let probe = if is_end {
            offset.saturating_sub(1)
        } else {
            offset
        };
        let index = match self
            .pieces
            .binary_search_by(|piece| piece.normalized_start.cmp(&probe))
        {
            Ok(index) => index,
            Err(0) => 0,
            Err(index) => index - 1,
        };
        // Skip zero-length (deleted) pieces that share a start offset.
        let piece = self.pieces[index];
        match piece.kind {
            PieceKind::Copy => {
                let within = offset - piece.normalized_start.min(offset);
                piece.original_start + within.min(piece.original_length)
            }
            PieceKind::Replace => {
                if is_end {
                    piece.original_start + piece.original_length
                } else {
                    piece.original_start
                }
            }
        }
    }
}

/// Normalises one segment's text.
///
/// Characters that map to themselves (ASCII other than spaces, and CJK
/// ideographs that are not folded — nearly all of a Chinese document) are
/// copied in runs, one `push` per run rather than per character: the
/// per-character path was the largest cost of normalising in the matching
/// profile.
pub fn normalize(original: &str) -> Normalized {
    let mut builder = Builder {
        text: String::with_capacity(original.len()),
        pieces: Vec::new(),
        pending_space: None,
        last_char: None,
    };
    let mut run_start: Option<usize> = None;
    for (offset, character) in original.char_indices() {
        if maps_to_itself(character) {
            if run_start.is_none() {
                builder.flush_space_before(Some(character));
                run_start = Some(offset);
            }
            continue;
        }
        if let Some(start) = run_start.take() {
            builder.push_run(&original[start..offset], start);
        }
        let length = character.len_utf8();
        if is_removable(character) {
            continue;
        }
        if is_horizontal_space(character) {
            builder.hold_space(offset, length);
            continue;
        }
        builder.emit(offset, length, character);
    }
    if let Some(start) = run_start {
        builder.push_run(&original[start..], start);
    }
    builder.flush_space();
    builder.text.shrink_to_fit();
    Normalized {
        text: builder.text,
        pieces: builder.pieces,
    }
}

/// Characters normalisation leaves alone and that need no decision about
/// the spaces around them beyond the first of a run.
fn maps_to_itself(character: char) -> bool {
    (character.is_ascii() && character != ' ')
        || (('\u{4E00}'..='\u{9FFF}').contains(&character) && fold_traditional(character).is_none())
}

/// Normalises a rule term the same way document text is normalised, so a
/// term written with full-width characters still matches.
pub fn normalize_term(term: &str) -> String {
    normalize(term).text
}

struct Builder {
    text: String,
    pieces: Vec<Piece>,
    /// A run of spaces waiting for the next character to decide whether it
    /// sits between two CJK characters: (original start, original length,
    /// normalised text of the run).
    pending_space: Option<(usize, usize, String)>,
    last_char: Option<char>,
}

impl Builder {
    /// Every horizontal space folds to one ASCII space.
    fn hold_space(&mut self, offset: usize, length: usize) {
        let folded = ' ';
        match &mut self.pending_space {
            Some((start, run_length, text)) if *start + *run_length == offset => {
                *run_length += length;
                text.push(folded);
            }
            _ => {
                self.flush_space();
                self.pending_space = Some((offset, length, folded.to_string()));
            }
        }
    }

    /// Emits held spaces, unless they sit between characters that CJK text
    /// never separates.
    fn flush_space_before(&mut self, next: Option<char>) {
        let Some((start, length, text)) = self.pending_space.take() else {
            return;
        };
        let drop = match (self.last_char, next) {
            (Some(before), Some(after)) => joins_without_space(before, after),
            _ => false,
        };
        if drop {
            return;
        }
        let identical = &text == " " && length == 1;
        self.push(start, length, &text, identical);
    }

    fn flush_space(&mut self) {
        self.flush_space_before(None);
    }

    fn emit(&mut self, offset: usize, length: usize, character: char) {
        // Characters that map to themselves never get here: `normalize`
        // copies them in runs.
        if let Some(folded) = fold_quickly(character) {
            self.flush_space_before(Some(folded));
            let mut buffer = [0u8; 4];
            self.push(
                offset,
                length,
                folded.encode_utf8(&mut buffer),
                folded == character,
            );
            self.last_char = Some(folded);
            return;
        }
        let folded = fold_character(character);
        let first = folded.chars().next();
        self.flush_space_before(first);
        let identical = folded.len() == length && folded.chars().eq(std::iter::once(character));
        self.push(offset, length, &folded, identical);
        if let Some(last) = folded.chars().last() {
            self.last_char = Some(last);
        }
    }

    /// Copies a run of characters that map to themselves.
    fn push_run(&mut self, run: &str, original_start: usize) {
        self.push(original_start, run.len(), run, true);
        self.last_char = match run.chars().next_back() {
            Some('\n' | '\t') | None => None,
            last => last,
        };
    }

    fn push(&mut self, original_start: usize, original_length: usize, text: &str, identical: bool) {
        let normalized_start = self.text.len();
        self.text.push_str(text);
        let kind = if identical {
            PieceKind::Copy
        } else {
            PieceKind::Replace
        };
        if let Some(last) = self.pieces.last_mut() {
            let contiguous = last.kind == PieceKind::Copy
                && kind == PieceKind::Copy
                && last.original_start + last.original_length == original_start
                && last.normalized_start + last.original_length == normalized_start;
            if contiguous {
                last.original_length += original_length;
                return;
            }
        }
        self.pieces.push(Piece {
            normalized_start,
            original_start,
            original_length,
            kind,
        });
    }
}

fn is_removable(character: char) -> bool {
    matches!(
        character,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn is_horizontal_space(character: char) -> bool {
    matches!(
        character,
        ' ' | '\u{00A0}' | '\u{3000}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}'
    )
}

/// True for CJK ideographs and the star forms used in 国家秘密标志.
pub fn is_cjk(character: char) -> bool {
    matches!(character,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3001}'..='\u{303F}'
        | '★' | '☆' | '*'
    )
}

fn joins_without_space(before: char, after: char) -> bool {
    (is_cjk(before) && (is_cjk(after) || after.is_ascii_digit()))
        || (before.is_ascii_digit() && is_cjk(after))
}

/// [`fold_character`] for the characters Chinese text is full of, without
/// running NFKC or allocating: full-width ASCII forms (`，：（１` → `,:(1`)
/// and CJK punctuation that NFKC leaves alone (`、。《》〔〕“”—`). `None` for
/// anything else. The NFKC path allocated a `String` per Chinese comma and
/// was a visible share of the matching profile.
fn fold_quickly(character: char) -> Option<char> {
    if let Some(simplified) = fold_traditional(character) {
        return Some(simplified);
    }
    match character {
        // Star variants used for the 国家秘密标志 (as in `fold_character`).
        '＊' | '⭐' | '✩' | '✭' | '✮' | '☆' => Some('★'),
        // Full-width forms of ASCII: NFKC maps U+FF01..U+FF5E to U+0021..U+007E.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(character as u32 - 0xFEE0),
        // CJK symbols and punctuation without compatibility mappings
        // (U+3000 is a space and never gets here; U+3036 and U+3038..U+303A
        // have mappings).
        '\u{3001}'..='\u{3035}' | '\u{3037}' | '\u{303B}'..='\u{303F}' => Some(character),
        '‘' | '’' | '“' | '”' | '—' | '·' | '●' | '■' | '□' | '○' | '√' | '×' => {
            Some(character)
        }
        _ => None,
    }
}

/// Folds one character: traditional marking words, then NFKC.
fn fold_character(character: char) -> String {
    if character.is_ascii() {
        return character.to_string();
    }
    if let Some(simplified) = fold_traditional(character) {
        return simplified.to_string();
    }
    if ('\u{4E00}'..='\u{9FFF}').contains(&character) {
        return character.to_string();
    }
    match character {
        // Star variants used for the 国家秘密标志.
        '＊' | '⭐' | '✩' | '✭' | '✮' | '☆' => return "★".to_string(),
        _ => {}
    }
    let folded: String = std::iter::once(character).nfkc().collect();
    if folded == "*" {
        // A full-width asterisk after a level word is a star; a masked ID
        // keeps its ASCII asterisks, which never reach this branch.
        return "*".to_string();
    }
    folded
}

/// Traditional → simplified for the characters markings, disclosure notes
/// and personal-data context words are written with.
fn fold_traditional(character: char) -> Option<char> {
    Some(match character {
        '機' => '机',
        '絕' => '绝',
        '祕' => '秘',
        '內' => '内',
        '資' => '资',
        '級' => '级',
        '開' => '开',
        '發' => '发',
        '佈' => '布',
        '請' => '请',
        '審' => '审',
        '議' => '议',
        '見' => '见',
        '徵' => '征',
        '關' => '关',
        '於' => '于',
        '與' => '与',
        '證' => '证',
        '號' => '号',
        '碼' => '码',
        '聯' => '联',
        '電' => '电',
        '話' => '话',
        '銀' => '银',
        '帳' => '账',
        '專' => '专',
        '項' => '项',
        '會' => '会',
        '傳' => '传',
        '閱' => '阅',
        '報' => '报',
        '時' => '时',
        '間' => '间',
        '長' => '长',
        '條' => '条',
        '準' => '准',
        '題' => '题',
        '稱' => '称',
        '國' => '国',
        '務' => '务',
        '須' => '须',
        '應' => '应',
        '嚴' => '严',
        '網' => '网',
        '參' => '参',
        '僅' => '仅',
        '護' => '护',
        '個' => '个',
        '經' => '经',
        '紙' => '纸',
        '檔' => '档',
        '處' => '处',
        '討' => '讨',
        '論' => '论',
        '訂' => '订',
        '設' => '设',
        '計' => '计',
        '區' => '区',
        '鄉' => '乡',
        '鎮' => '镇',
        '縣' => '县',
        '門' => '门',
        '戶' => '户',
        '啟' => '启',
        '動' => '动',
        '繫' => '系',
        '屬' => '属',
        '領' => '领',
        '導' => '导',
        '轉' => '转',
        '說' => '说',
        '過' => '过',
        '規' => '规',
        '為' => '为',
        '對' => '对',
        '單' => '单',
        '員' => '员',
        '範' => '范',
        '圍' => '围',
        '據' => '据',
        '擴' => '扩',
        '複' => '复',
        '製' => '制',
        '標' => '标',
        '誌' => '志',
        '註' => '注',
        '識' => '识',
        '載' => '载',
        '體' => '体',
        '賬' => '账',
        '郵' => '邮',
        '臺' => '台',
        '灣' => '湾',
        '來' => '来',
        '陸' => '陆',
        '編' => '编',
        '簽' => '签',
        '權' => '权',
        '緊' => '紧',
        '靈' => '灵',
        '廣' => '广',
        '東' => '东',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_folds_agree_with_nfkc() {
        let ranges = [
            0xFF01..=0xFF5E,
            0x3001..=0x303F,
            0x2018..=0x201D,
            0x2014..=0x2014,
            0x00B7..=0x00B7,
            0x25A0..=0x25CF,
            0x221A..=0x221A,
            0x00D7..=0x00D7,
        ];
        for code in ranges.into_iter().flatten() {
            let Some(character) = char::from_u32(code) else {
                continue;
            };
            if let Some(quick) = fold_quickly(character) {
                assert_eq!(quick.to_string(), fold_character(character), "U+{code:04X}");
            }
        }
    }

    fn original_of<'a>(original: &'a str, normalized: &Normalized, needle: &str) -> &'a str {
        let start = normalized
            .text
            .find(needle)
            .expect("needle in normalised text");
        let (a, b) = normalized.original_range(start, start + needle.len());
        &original[a..b]
    }

    #[test]
    fn spaces_between_cjk_are_removed() {
        let original = "附件：秘 密★１年　内容";
        let normalized = normalize(original);
        assert!(normalized.text.contains("秘密★1年"), "{}", normalized.text);
        assert_eq!(original_of(original, &normalized, "秘密★1年"), "秘 密★１年");
    }

    #[test]
    fn ideographic_space_and_star_with_space() {
        let original = "机　密★ 1年";
        let normalized = normalize(original);
        assert_eq!(normalized.text, "机密★1年");
        assert_eq!(original_of(original, &normalized, "机密"), "机　密");
    }

    #[test]
    fn latin_spaces_are_kept() {
        assert_eq!(normalize("TOP SECRET//NOFORN").text, "TOP SECRET//NOFORN");
        assert_eq!(normalize("张三 13800000000").text, "张三13800000000");
        assert_eq!(normalize("139 0000 0000").text, "139 0000 0000");
    }

    #[test]
    fn full_width_and_traditional_fold() {
        let original = "機密★５年，ＩＤ：１１０１";
        let normalized = normalize(original);
        assert_eq!(normalized.text, "机密★5年,ID:1101");
        assert_eq!(original_of(original, &normalized, "5年"), "５年");
        assert_eq!(original_of(original, &normalized, "1101"), "１１０１");
    }

    #[test]
    fn zero_width_characters_are_removed() {
        let original = "秘\u{200B}密★1年";
        let normalized = normalize(original);
        assert_eq!(normalized.text, "秘密★1年");
        assert_eq!(original_of(original, &normalized, "秘密★1年"), original);
    }

    #[test]
    fn star_variants_fold() {
        assert_eq!(normalize("秘密☆5年").text, "秘密★5年");
        assert_eq!(normalize("秘密＊5年").text, "秘密★5年");
    }

    #[test]
    fn lines_and_cells_survive() {
        assert_eq!(normalize("甲\n乙\t丙").text, "甲\n乙\t丙");
    }

    #[test]
    fn identity_maps_to_itself() {
        let original = "plain ascii text";
        let normalized = normalize(original);
        assert_eq!(normalized.original_range(6, 11), (6, 11));
    }
}
