//! Text normalisation with a map back to the original.
//!
//! Rules match on normalised text so that `秘 密★１年`, `祕密★1年` and
//! `秘密★1年` are the same marking, but findings must report the text, line
//! and column *as the document has them*. [`Normalized`] therefore keeps a
//! compact piecewise map from normalised byte offsets to original ones.
//!
//! What changes:
//! - NFKC per character: full-width letters, digits and punctuation become
//!   ASCII, U+3000 becomes a space, CJK compatibility ideographs become the
//!   unified ones;
//! - every Default_Ignorable_Code_Point (bidi controls, zero-width
//!   characters, variation selectors, tag characters, soft hyphens …) is
//!   removed, and blank look-alikes (U+2800, the Hangul fillers) read as
//!   spaces;
//! - traditional, shinjitai and TW/HK variant forms of Chinese characters
//!   fold to simplified (機密, 絕密, 絶密 → 机密, 绝密, 绝密);
//! - star look-alikes (☆ ✱ ⋆ 🟉 …) become ★;
//! - horizontal whitespace between CJK characters (and between a CJK
//!   character or ★ and a digit) is removed, because GB/T 9704-1999 spaces
//!   `秘 密` and PDF/Word exports break `机密★ 1年` apart; a tab only inside
//!   a marking word (`机\t密`);
//! - Greek/Cyrillic/Armenian look-alike letters in Latin words become Latin
//!   (`SЕCRET` with a Cyrillic Е).
//!
//! Newlines and tabs are kept: lines and table cells are structure.

pub use crate::rules::fold::fold_pattern;
use crate::rules::fold::{fold_cjk, folds_in_uro, is_star};
use unicode_normalization::UnicodeNormalization;

/// Normalised text and the map back to the original.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    pub text: String,
    pieces: Pieces,
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

/// The pieces of a text, stored in 12 bytes each while every offset fits
/// in 32 bits (and a length in 31, its top bit saying `Replace`), in the
/// full 32 otherwise.
///
/// Chinese prose has a full-width comma or colon every dozen characters,
/// each a `Replace` piece followed by a `Copy` one: stored whole, the map
/// of a large text file took 1.6 times the text (measured on 20 MB of
/// generated 公文 text), more than the text and its normalised copy.
#[derive(Clone, Debug)]
enum Pieces {
    Narrow(Vec<[u32; 3]>),
    Wide(Vec<Piece>),
}

impl Default for Pieces {
    fn default() -> Pieces {
        Pieces::Narrow(Vec::new())
    }
}

/// The top bit of a narrow piece's length: the piece is a `Replace`.
const NARROW_REPLACE: u32 = 1 << 31;

impl Pieces {
    fn len(&self) -> usize {
        match self {
            Pieces::Narrow(pieces) => pieces.len(),
            Pieces::Wide(pieces) => pieces.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, index: usize) -> Piece {
        match self {
            Pieces::Narrow(pieces) => Pieces::widen(pieces[index]),
            Pieces::Wide(pieces) => pieces[index],
        }
    }

    fn widen([normalized_start, original_start, length]: [u32; 3]) -> Piece {
        Piece {
            normalized_start: normalized_start as usize,
            original_start: original_start as usize,
            original_length: (length & !NARROW_REPLACE) as usize,
            kind: if length & NARROW_REPLACE == 0 {
                PieceKind::Copy
            } else {
                PieceKind::Replace
            },
        }
    }

    fn last(&self) -> Option<Piece> {
        self.len().checked_sub(1).map(|index| self.get(index))
    }

    /// `piece` in narrow form, when it fits.
    fn narrow(piece: Piece) -> Option<[u32; 3]> {
        let length = u32::try_from(piece.original_length)
            .ok()
            .filter(|&length| length & NARROW_REPLACE == 0)?;
        let kind = match piece.kind {
            PieceKind::Copy => 0,
            PieceKind::Replace => NARROW_REPLACE,
        };
        Some([
            u32::try_from(piece.normalized_start).ok()?,
            u32::try_from(piece.original_start).ok()?,
            length | kind,
        ])
    }

    /// Appends `piece`, or with `replace_last` overwrites the last piece
    /// with it; the first piece that does not fit in narrow form turns the
    /// store wide.
    fn put(&mut self, piece: Piece, replace_last: bool) {
        if let Pieces::Narrow(pieces) = self {
            if let Some(narrow) = Pieces::narrow(piece) {
                if replace_last {
                    pieces.pop();
                }
                pieces.push(narrow);
                return;
            }
            let wide = pieces.iter().copied().map(Pieces::widen).collect();
            *self = Pieces::Wide(wide);
        }
        if let Pieces::Wide(pieces) = self {
            if replace_last {
                pieces.pop();
            }
            pieces.push(piece);
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Pieces::Narrow(pieces) => pieces.shrink_to_fit(),
            Pieces::Wide(pieces) => pieces.shrink_to_fit(),
        }
    }

    /// The index of the last piece starting at or before `offset` (0 when
    /// none does).
    fn at_or_before(&self, offset: usize) -> usize {
        let found = match self {
            Pieces::Narrow(pieces) => {
                let Ok(offset) = u32::try_from(offset) else {
                    return pieces.len().saturating_sub(1);
                };
                pieces.binary_search_by(|piece| piece[0].cmp(&offset))
            }
            Pieces::Wide(pieces) => {
                pieces.binary_search_by(|piece| piece.normalized_start.cmp(&offset))
            }
        };
        match found {
            Ok(index) => index,
            Err(0) => 0,
            Err(index) => index - 1,
        }
    }
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
        let piece = self.pieces.get(self.pieces.at_or_before(probe));
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
/// Characters that map to themselves (ASCII other than spaces, tabs and
/// the rare ASCII line breaks, and CJK ideographs that are not folded —
/// nearly all of a Chinese document) are copied in runs, one `push` per run
/// rather than per character: the per-character path was the largest cost of
/// normalising in the matching profile.
pub fn normalize(original: &str) -> Normalized {
    let mut builder = Builder {
        original,
        text: String::with_capacity(original.len()),
        pieces: Pieces::default(),
        pending_space: None,
        last_char: None,
        confusable_word: None,
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
        match class_of(character) {
            Class::Ignorable => builder.skip(offset, length),
            Class::Blank => builder.hold_space(offset, length, ' '),
            Class::Tab => builder.hold_space(offset, length, '\t'),
            Class::LineBreak => builder.line_break(offset, length),
            Class::Other => builder.emit(offset, length, character),
        }
    }
    if let Some(start) = run_start {
        builder.push_run(&original[start..], start);
    }
    builder.flush_space();
    builder.text.shrink_to_fit();
    builder.pieces.shrink_to_fit();
    Normalized {
        text: builder.text,
        pieces: builder.pieces,
    }
}

/// Characters normalisation leaves alone and that need no decision about
/// the spaces around them beyond the first of a run.
fn maps_to_itself(character: char) -> bool {
    if character.is_ascii() {
        return !matches!(character, ' ' | '\t' | '\x0B' | '\x0C');
    }
    ('\u{4E00}'..='\u{9FFF}').contains(&character) && !folds_in_uro(character)
}

/// Normalises a rule term the same way document text is normalised, so a
/// term written with full-width characters still matches.
pub fn normalize_term(term: &str) -> String {
    normalize(term).text
}

/// What a character that does not map to itself is.
enum Class {
    /// A Default_Ignorable_Code_Point: removed.
    Ignorable,
    /// A space or something that shows as one: folds to a space (and goes
    /// between CJK characters).
    Blank,
    /// A tab: a table-cell separator, except inside a marking word.
    Tab,
    /// A line break other than `\n`: folds to `\n`.
    LineBreak,
    Other,
}

fn class_of(character: char) -> Class {
    if character == ' ' {
        return Class::Blank;
    }
    if character == '\t' {
        return Class::Tab;
    }
    if is_blank(character) {
        return Class::Blank;
    }
    if is_default_ignorable(character) {
        return Class::Ignorable;
    }
    if matches!(
        character,
        '\x0B' | '\x0C' | '\u{85}' | '\u{2028}' | '\u{2029}'
    ) {
        return Class::LineBreak;
    }
    Class::Other
}

/// Horizontal spaces and the characters that look like one: the Braille
/// blank and the Hangul fillers show as an empty cell (the fillers are
/// also default-ignorable; they fold to a space, not to nothing, so
/// `TOP\u{3164}SECRET` reads as the two words it shows).
fn is_blank(character: char) -> bool {
    matches!(
        character,
        ' ' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{2800}'
                | '\u{3000}'
                | '\u{3164}'
                | '\u{FFA0}'
    )
}

/// Unicode `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt,
/// Unicode 16.0.0), as sorted inclusive ranges: characters a renderer shows
/// as nothing (bidi controls such as U+200E LRM, zero-width spaces and
/// joiners, invisible operators U+2061–2064, variation selectors, tag
/// characters, the soft hyphen, the BOM, the Hangul fillers, Khmer
/// inherent vowels, Mongolian free variation selectors …). A test checks
/// the table against the `regex` crate's own Unicode tables.
const DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

fn is_default_ignorable(character: char) -> bool {
    let code = character as u32;
    if code < 0xAD {
        return false;
    }
    let index = DEFAULT_IGNORABLE.partition_point(|&(_, last)| last < code);
    DEFAULT_IGNORABLE
        .get(index)
        .is_some_and(|&(first, _)| first <= code)
}

struct Builder<'a> {
    original: &'a str,
    text: String,
    pieces: Pieces,
    /// A run of spaces (and tabs) waiting for the next character to decide
    /// whether it sits between two CJK characters: (original start, original
    /// length, normalised text of the run).
    pending_space: Option<(usize, usize, String)>,
    last_char: Option<char>,
    /// The last word looked at for confusable letters: its original byte
    /// range and whether its look-alike letters fold to Latin.
    confusable_word: Option<(usize, usize, bool)>,
}

impl Builder<'_> {
    /// Every horizontal space folds to one ASCII space; a tab stays a tab.
    fn hold_space(&mut self, offset: usize, length: usize, folded: char) {
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

    /// A removed (default-ignorable) character. Inside a run of spaces it
    /// joins the run, so `机 \u{200B} 密` is one gap between CJK characters.
    fn skip(&mut self, offset: usize, length: usize) {
        if let Some((start, run_length, _)) = &mut self.pending_space
            && *start + *run_length == offset
        {
            *run_length += length;
        }
    }

    /// Emits held spaces, unless they sit between characters that CJK text
    /// never separates. A run holding a tab is kept (a cell boundary) unless
    /// it splits a marking word (`机\t密`).
    fn flush_space_before(&mut self, next: Option<char>) {
        let Some((start, length, text)) = self.pending_space.take() else {
            return;
        };
        let has_tab = text.contains('\t');
        let drop = match (self.last_char, next) {
            (Some(before), Some(after)) if has_tab => tab_joins(before, after),
            (Some(before), Some(after)) => joins_without_space(before, after),
            _ => false,
        };
        if drop {
            return;
        }
        let identical = self.original[start..start + length] == *text;
        self.push(start, length, &text, identical);
        if has_tab {
            self.last_char = None;
        }
    }

    fn flush_space(&mut self) {
        self.flush_space_before(None);
    }

    fn line_break(&mut self, offset: usize, length: usize) {
        self.flush_space_before(Some('\n'));
        self.push(offset, length, "\n", false);
        self.last_char = None;
    }

    fn emit(&mut self, offset: usize, length: usize, character: char) {
        // Characters that map to themselves never get here: `normalize`
        // copies them in runs.
        let quick = match latin_look_alike(character) {
            Some(latin) if self.folds_confusable_at(offset) => Some(latin),
            _ => fold_quickly(character),
        };
        if let Some(folded) = quick {
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

    /// Whether the Greek/Cyrillic/Armenian look-alike letter at `offset`
    /// folds to Latin: only inside a word that also has Latin letters
    /// (`SЕCRET` with a Cyrillic Е), or in a word made only of look-alikes
    /// next to a Latin word on the same line (`ТОР SECRET` with Cyrillic Т,
    /// О, Р). Genuine Greek or Cyrillic text (`Секретно`, `ΝΑΤΟ` in a Greek
    /// sentence) is left alone.
    fn folds_confusable_at(&mut self, offset: usize) -> bool {
        if let Some((start, end, folds)) = self.confusable_word
            && (start..end).contains(&offset)
        {
            return folds;
        }
        let original = self.original;
        let start = original[..offset]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_word_char(c))
            .last()
            .map_or(offset, |(i, _)| i);
        let end = original[offset..]
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(original.len(), |(i, _)| offset + i);
        let word = &original[start..end];
        let folds = word.chars().any(is_latin_letter)
            || (word
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| latin_look_alike(c).is_some())
                && (neighbour_is_latin(original[..start].chars().rev())
                    || neighbour_is_latin(original[end..].chars())));
        self.confusable_word = Some((start, end, folds));
        folds
    }

    /// Copies a run of characters that map to themselves.
    fn push_run(&mut self, run: &str, original_start: usize) {
        self.push(original_start, run.len(), run, true);
        self.last_char = match run.chars().next_back() {
            Some('\n') | None => None,
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
        if let Some(mut last) = self.pieces.last() {
            let contiguous = last.kind == PieceKind::Copy
                && kind == PieceKind::Copy
                && last.original_start + last.original_length == original_start
                && last.normalized_start + last.original_length == normalized_start;
            if contiguous {
                last.original_length += original_length;
                self.pieces.put(last, true);
                return;
            }
        }
        self.pieces.put(
            Piece {
                normalized_start,
                original_start,
                original_length,
                kind,
            },
            false,
        );
    }
}

/// Letters, combining marks and invisible characters make up a word.
fn is_word_char(character: char) -> bool {
    character.is_alphabetic()
        || ('\u{0300}'..='\u{036F}').contains(&character)
        || is_default_ignorable(character)
}

/// Latin-script letters: ASCII, Latin-1 and Latin Extended-A/B, full-width.
fn is_latin_letter(character: char) -> bool {
    character.is_ascii_alphabetic()
        || (('\u{00C0}'..='\u{024F}').contains(&character) && character.is_alphabetic())
        || ('\u{FF21}'..='\u{FF3A}').contains(&character)
        || ('\u{FF41}'..='\u{FF5A}').contains(&character)
}

/// The word next to another one (on the same line, past at most a few
/// spaces or punctuation marks) has a Latin letter.
fn neighbour_is_latin(mut characters: impl Iterator<Item = char>) -> bool {
    let mut gap = 0;
    for character in characters.by_ref() {
        if character == '\n' {
            return false;
        }
        if is_word_char(character) {
            return is_latin_letter(character)
                || characters
                    .take_while(|&c| is_word_char(c))
                    .any(is_latin_letter);
        }
        gap += 1;
        if gap > 3 {
            return false;
        }
    }
    false
}

/// Greek, Cyrillic and Armenian letters that look like a Latin one.
fn latin_look_alike(character: char) -> Option<char> {
    if !('\u{0370}'..='\u{058F}').contains(&character) {
        return None;
    }
    Some(match character {
        // Greek capitals and lunate sigma, and the look-alike small letters.
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        'Ϲ' => 'C',
        'Ϳ' => 'J',
        'α' => 'a',
        'ι' => 'i',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'υ' => 'u',
        'ϲ' => 'c',
        // Cyrillic.
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'У' => 'Y',
        'Х' => 'X',
        'Ѕ' => 'S',
        'І' => 'I',
        'Ј' => 'J',
        'Ү' => 'Y',
        'Ӏ' => 'I',
        'Ԛ' => 'Q',
        'Ԝ' => 'W',
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'ѕ' => 's',
        'і' => 'i',
        'ј' => 'j',
        'һ' => 'h',
        'ү' => 'y',
        'ӏ' => 'l',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        // Armenian.
        'Օ' => 'O',
        'Ս' => 'U',
        'օ' => 'o',
        'ս' => 'u',
        _ => return None,
    })
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

/// A tab that splits a marking word is not a cell boundary: the two
/// characters of a level word (`机\t密`), of 内部 / 密级 / the urgency words,
/// or the ★ of a 国家秘密标志 from what is on either side of it
/// (`机密\t★\t1年`). Anywhere else a tab separates table cells and stays.
fn tab_joins(before: char, after: char) -> bool {
    matches!(
        (before, after),
        ('绝' | '机' | '秘', '密')
            | ('内', '部')
            | ('密', '级')
            | ('特' | '加' | '平', '急')
            | ('特', '提')
            | ('密', '★')
    ) || (before == '★' && (after.is_ascii_digit() || is_cjk(after)))
}

/// [`fold_character`] for the characters Chinese text is full of, without
/// running NFKC or allocating: full-width ASCII forms (`，：（１` → `,:(1`)
/// and CJK punctuation that NFKC leaves alone (`、。《》〔〕“”—`). `None` for
/// anything else. The NFKC path allocated a `String` per Chinese comma and
/// was a visible share of the matching profile.
fn fold_quickly(character: char) -> Option<char> {
    if let Some(simplified) = fold_cjk(character) {
        return Some(simplified);
    }
    if is_star(character) {
        return Some('★');
    }
    match character {
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

/// Folds one character: variant Han forms and stars, then NFKC (which maps
/// the CJK compatibility ideographs U+F900–FAFF and U+2F800–2FA1F and the
/// Kangxi radicals to unified ideographs), then the variant fold again on
/// what NFKC gave (a compatibility ideograph of 祕 ends as 秘).
fn fold_character(character: char) -> String {
    if character.is_ascii() {
        return character.to_string();
    }
    if let Some(folded) = fold_quickly(character) {
        return folded.to_string();
    }
    if ('\u{4E00}'..='\u{9FFF}').contains(&character) {
        return character.to_string();
    }
    std::iter::once(character)
        .nfkc()
        .map(|c| {
            fold_cjk(c)
                .or_else(|| is_star(c).then_some('★'))
                .unwrap_or(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::cjk_fold::CJK_FOLD;

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

    /// The range table is Unicode's Default_Ignorable_Code_Point exactly,
    /// as the `regex` crate's Unicode tables have it.
    #[test]
    fn default_ignorable_table_is_the_unicode_property() {
        let property = regex::Regex::new(r"^\p{Default_Ignorable_Code_Point}$").unwrap();
        let mut buffer = [0u8; 4];
        for code in 0..=0x10FFFF_u32 {
            let Some(character) = char::from_u32(code) else {
                continue;
            };
            assert_eq!(
                is_default_ignorable(character),
                property.is_match(character.encode_utf8(&mut buffer)),
                "U+{code:04X}"
            );
        }
        assert!(DEFAULT_IGNORABLE.windows(2).all(|w| w[0].1 < w[1].0));
    }

    /// Every default-ignorable character and every blank look-alike inside
    /// a marking disappears from the normalised text, and the marking maps
    /// back to the original characters, invisible ones included.
    #[test]
    fn invisible_and_blank_characters_inside_a_marking_fold_out() {
        let mut inserted: Vec<char> = DEFAULT_IGNORABLE
            .iter()
            .flat_map(|&(first, last)| [first, (first + last) / 2, last])
            .filter_map(char::from_u32)
            .collect();
        inserted.extend([
            '\u{00A0}', '\u{1680}', '\u{2000}', '\u{2007}', '\u{200A}', '\u{202F}', '\u{205F}',
            '\u{2800}', '\u{3000}', '\t',
        ]);
        for character in inserted {
            let original = format!("正文\n机{character}密{character}★{character}1年\n正文");
            let normalized = normalize(&original);
            assert!(
                normalized.text.contains("\n机密★1年\n"),
                "U+{:04X}: {:?}",
                character as u32,
                normalized.text
            );
            assert_eq!(
                original_of(&original, &normalized, "机密★1年"),
                format!("机{character}密{character}★{character}1年"),
                "U+{:04X}",
                character as u32
            );
        }
    }

    #[test]
    fn ignorables_inside_a_space_run_keep_it_one_gap() {
        assert_eq!(normalize("机 \u{200B} 密").text, "机密");
        assert_eq!(normalize("TOP\u{200B} SECRET").text, "TOP SECRET");
        assert_eq!(normalize("SE\u{200B}CRET").text, "SECRET");
        assert_eq!(normalize("TOP\u{3164}SECRET").text, "TOP SECRET");
    }

    #[test]
    fn tabs_are_cells_except_inside_a_marking_word() {
        assert_eq!(normalize("机\t密★1年").text, "机密★1年");
        assert_eq!(normalize("机密\t★\t1年").text, "机密★1年");
        assert_eq!(normalize("内\t部").text, "内部");
        assert_eq!(normalize("密级\t机密").text, "密级\t机密");
        assert_eq!(
            normalize("培训类型\t内部\t外部").text,
            "培训类型\t内部\t外部"
        );
        assert_eq!(normalize("甲 \t乙").text, "甲 \t乙");
        assert_eq!(normalize("TOP\tSECRET").text, "TOP\tSECRET");
        assert_eq!(normalize("评级\t★★★\t良好").text, "评级\t★★★良好");
        let original = "标题\n机\t密★1年";
        let normalized = normalize(original);
        assert_eq!(original_of(original, &normalized, "机密★1年"), "机\t密★1年");
    }

    #[test]
    fn other_line_breaks_become_newlines() {
        assert_eq!(
            normalize("机密★1年\u{2028}正文\u{0C}正文").text,
            "机密★1年\n正文\n正文"
        );
    }

    #[test]
    fn star_look_alikes_fold_to_the_star() {
        for star in "☆＊﹡⭐✱✶✴⋆∗✪⭑🟉✩✭✮✯✰✦✧✳✷⁎٭⚝⍟🌟⭒🟊".chars()
        {
            let original = format!("秘密{star}5年");
            let normalized = normalize(&original);
            assert_eq!(normalized.text, "秘密★5年", "U+{:04X}", star as u32);
            assert_eq!(
                original_of(&original, &normalized, "★5年"),
                format!("{star}5年")
            );
        }
        // The ASCII asterisk stays: Markdown and masked numbers use it.
        assert_eq!(
            normalize("**秘密** 110101********0014").text,
            "**秘密**110101********0014"
        );
    }

    #[test]
    fn variant_han_forms_fold_to_simplified() {
        let original = "絕密 絶密 祕密 機密 內部 級 啓用前 長期 傳閱 禁止轉發 公開 號";
        assert_eq!(
            normalize(original).text,
            "绝密绝密秘密机密内部级启用前长期传阅禁止转发公开号"
        );
        // Compatibility ideographs (U+2F814 內, U+F9BE 料) and CJK radicals.
        assert_eq!(normalize("\u{2F814}部资\u{F9BE}").text, "内部资料");
        assert_eq!(normalize("绝密★\u{2ED3}期").text, "绝密★长期");
        let original = "絶密★長期";
        let normalized = normalize(original);
        assert_eq!(original_of(original, &normalized, "绝密★长期"), original);
    }

    #[test]
    fn fold_table_is_sorted_and_the_bitmap_agrees() {
        assert!(CJK_FOLD.windows(2).all(|w| w[0].0 < w[1].0));
        for code in 0x4E00..=0x9FFF_u32 {
            let character = char::from_u32(code).unwrap();
            let in_table = CJK_FOLD
                .binary_search_by(|&(v, _)| v.cmp(&character))
                .is_ok();
            assert_eq!(folds_in_uro(character), in_table, "U+{code:04X}");
        }
        // A folded character never folds again.
        for &(_, simplified) in CJK_FOLD {
            assert_eq!(fold_cjk(simplified), None, "{simplified}");
        }
    }

    #[test]
    fn confusable_latin_folds_only_in_latin_words() {
        let original = "SЕCRET";
        let normalized = normalize(original);
        assert_eq!(normalized.text, "SECRET");
        assert_eq!(original_of(original, &normalized, "SECRET"), original);
        assert_eq!(normalize("TΟP SECRET//NОFORN").text, "TOP SECRET//NOFORN");
        assert_eq!(normalize("ТОР SECRET").text, "TOP SECRET");
        assert_eq!(normalize("ϹΟΝFΙDΕΝΤΙΑL").text, "CONFIDENTIAL");
        // Genuine Cyrillic and Greek text is left alone.
        for genuine in [
            "Секретно",
            "ТОР — торговый отдел",
            "ΝΑΤΟ σύνοδος",
            "Сек\u{200B}рет",
        ] {
            let folded = normalize(genuine).text;
            assert_eq!(folded, genuine.replace('\u{200B}', ""), "{genuine}");
        }
    }

    #[test]
    fn patterns_fold_their_han_characters_but_not_ranges() {
        assert_eq!(fold_pattern("(機密|祕密)☆[一-龥]"), "(机密|秘密)★[一-龥]");
        assert_eq!(fold_pattern(r"\d{6}SECRET"), r"\d{6}SECRET");
    }

    /// Plain simplified Chinese and ASCII keep the fast path: one piece for
    /// the whole text, nothing allocated per character.
    #[test]
    fn unchanged_text_is_one_piece() {
        let original = "各地区各部门要认真贯彻落实党中央国务院决策部署。\nThe committee reviewed the report.\n";
        let normalized = normalize(original);
        assert_eq!(normalized.text, original);
        assert_eq!(normalized.pieces.len(), 1);
    }

    /// Offsets past 32 bits turn the store wide and keep every piece: the
    /// map reads the same either way.
    #[test]
    fn pieces_widen_when_an_offset_needs_more_than_32_bits() {
        let copy = |normalized_start, original_start, original_length| Piece {
            normalized_start,
            original_start,
            original_length,
            kind: PieceKind::Copy,
        };
        let replace = Piece {
            kind: PieceKind::Replace,
            ..copy(3, 3, 3)
        };
        let mut pieces = Pieces::default();
        pieces.put(copy(0, 0, 3), false);
        pieces.put(replace, false);
        pieces.put(copy(4, 6, 10), false);
        pieces.put(copy(4, 6, 12), true);
        assert!(matches!(pieces, Pieces::Narrow(_)));
        assert_eq!(pieces.get(1), replace);
        assert_eq!(pieces.get(2), copy(4, 6, 12));
        let far = 5usize << 32;
        pieces.put(copy(far, far + 2, 1), false);
        assert!(matches!(pieces, Pieces::Wide(_)));
        assert_eq!(pieces.len(), 4);
        assert_eq!(pieces.get(1), replace);
        assert_eq!(pieces.get(3), copy(far, far + 2, 1));
        assert_eq!(pieces.at_or_before(far + 7), 3);
        assert_eq!(pieces.at_or_before(3), 1);
        let long = Piece {
            kind: PieceKind::Replace,
            ..copy(0, 0, 1 << 31)
        };
        let mut pieces = Pieces::default();
        pieces.put(long, false);
        assert!(matches!(pieces, Pieces::Wide(_)));
        assert_eq!(pieces.get(0), long);
    }

    #[test]
    fn identity_maps_to_itself() {
        let original = "plain ascii text";
        let normalized = normalize(original);
        assert_eq!(normalized.original_range(6, 11), (6, 11));
    }
}
