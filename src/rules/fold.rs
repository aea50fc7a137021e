//! Folding single characters as document text is folded: traditional,
//! shinjitai and variant Han characters to their simplified forms, star
//! look-alikes to ★ ([`super::normalize`] does the rest of the text).
//!
//! Only the generated table is used here, so `build.rs` reads this same
//! file to fold the built-in packs' patterns as a run does before it
//! works out what they match ([`super::compile`]).

use super::cjk_fold::{CJK_FOLD, FOLDS_IN_URO};

/// Folds the Han characters and stars of a regular expression the way
/// document text is folded (`機密` → `机密`, `☆` → `★`), so a pattern
/// written with traditional characters still matches the folded text.
/// Nothing else of the pattern changes: Han characters and stars are never
/// regex syntax. A character next to `-` (a range end in a class such as
/// `[一-龥]`) and one after `\` is left as written.
pub fn fold_pattern(pattern: &str) -> String {
    let characters: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    for (i, &character) in characters.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| characters[j]);
        let after = characters.get(i + 1).copied();
        let protected = before == Some('\\') || before == Some('-') || after == Some('-');
        let folded = if protected || character.is_ascii() {
            None
        } else {
            fold_cjk(character).or_else(|| is_star(character).then_some('★'))
        };
        out.push(folded.unwrap_or(character));
    }
    out
}

/// Star look-alikes, all read as the ★ of a 国家秘密标志: ☆ ＊ ⭐ ✱ ✶ ✴ ⋆ ∗
/// ✪ ⭑ 🟉 ✩ ✭ ✮ ✯ ✰, the dingbat stars and asterisks U+2722–273D, the
/// geometric stars U+1F7C0–1F7D4 and their kin. The ASCII `*` is not among
/// them (Markdown `**秘密**`, masked numbers); the patterns accept it where
/// it can only be a star.
pub fn is_star(character: char) -> bool {
    matches!(
        character,
        '★' | '☆'
            | '＊'
            | '﹡'
            | '∗'
            | '⋆'
            | '⁎'
            | '⁑'
            | '٭'
            | '⍟'
            | '⚝'
            | '\u{2722}'..='\u{273D}'
            | '\u{2B50}'..='\u{2B52}'
            | '\u{2BE8}'..='\u{2BEB}'
            | '🌟'
            | '\u{1F7C0}'..='\u{1F7D4}'
    )
}

pub fn folds_in_uro(character: char) -> bool {
    let bit = character as usize - 0x4E00;
    FOLDS_IN_URO[bit / 64] & (1 << (bit % 64)) != 0
}

/// The simplified form of a traditional, shinjitai or TW/HK variant
/// character (generated from OpenCC's dictionaries, `rules/cjk_fold.rs`),
/// and of the CJK radicals that look like a marking character (⻓ → 长).
pub fn fold_cjk(character: char) -> Option<char> {
    let search = || {
        CJK_FOLD
            .binary_search_by(|&(variant, _)| variant.cmp(&character))
            .ok()
            .map(|index| CJK_FOLD[index].1)
    };
    match character {
        '\u{4E00}'..='\u{9FFF}' => folds_in_uro(character).then(search).flatten(),
        '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}' => search(),
        '\u{2ED1}'..='\u{2ED3}' => Some('长'),
        '\u{2ED4}' => Some('门'),
        _ => None,
    }
}
