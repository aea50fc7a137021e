//! Pinyin spellings of a watch-list term, for the terms that ask for them
//! (`falungong` and `flg` for 法轮功).
//!
//! Readings come from the `pinyin` crate (mozillazg/rust-pinyin, the
//! pinyin-data tables); a character with several readings (重: chong, zhong)
//! gives every combination, up to [`MAX_SPELLINGS`] per term, so a rare
//! reading cannot make one term into thousands of automaton entries.

use pinyin::ToPinyinMulti;

/// The most spellings of one kind (full or initials) generated per term.
pub const MAX_SPELLINGS: usize = 16;

/// The full pinyin spellings of `term` (lower case, no tones, no spaces),
/// or nothing when a character of it has no reading.
pub fn full_spellings(term: &str) -> Vec<String> {
    spellings(term, |reading| reading.to_owned())
}

/// The spellings of `term` by the first letter of each syllable (`flg`).
pub fn initial_spellings(term: &str) -> Vec<String> {
    spellings(term, |reading| reading.chars().take(1).collect())
}

fn spellings(term: &str, piece: impl Fn(&str) -> String) -> Vec<String> {
    let mut spelled: Vec<String> = vec![String::new()];
    let mut any_han = false;
    for character in term.chars() {
        let mut options: Vec<String> = Vec::new();
        if character.is_ascii_alphanumeric() {
            options.push(character.to_ascii_lowercase().to_string());
        } else if let Some(readings) = character.to_pinyin_multi() {
            any_han = true;
            for reading in readings {
                // ü is typed v (lv, nv) or u.
                let plain = reading.plain();
                for typed in [plain.replace('ü', "v"), plain.replace('ü', "u")] {
                    let typed = piece(&typed);
                    if !typed.is_empty() && !options.contains(&typed) {
                        options.push(typed);
                    }
                }
            }
        } else if character.is_alphabetic() {
            // A Han character without a reading (or another script): the
            // term cannot be spelled.
            return Vec::new();
        } else {
            // Punctuation and spaces of the term are not spelled.
            continue;
        }
        let mut next = Vec::with_capacity((spelled.len() * options.len()).min(MAX_SPELLINGS));
        'outer: for prefix in &spelled {
            for option in &options {
                if next.len() == MAX_SPELLINGS {
                    break 'outer;
                }
                next.push(format!("{prefix}{option}"));
            }
        }
        spelled = next;
    }
    if !any_han {
        return Vec::new();
    }
    spelled.retain(|s| !s.is_empty());
    spelled.dedup();
    spelled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_initial_spellings() {
        assert!(full_spellings("法轮功").contains(&"falungong".to_owned()));
        assert!(initial_spellings("法轮功").contains(&"flg".to_owned()));
        // Both readings of a heteronym.
        let chongqing = full_spellings("重庆");
        assert!(chongqing.contains(&"chongqing".to_owned()), "{chongqing:?}");
        assert!(chongqing.contains(&"zhongqing".to_owned()), "{chongqing:?}");
        // ü typed as v or u.
        let lv = full_spellings("绿");
        assert!(
            lv.contains(&"lv".to_owned()) && lv.contains(&"lu".to_owned()),
            "{lv:?}"
        );
        // Letters and digits of a term are kept.
        assert!(
            full_spellings("A区3号")
                .iter()
                .any(|s| s.starts_with("aqu3hao"))
        );
    }

    #[test]
    fn spellings_are_bounded() {
        let term = "重重重重重重重重重重";
        assert!(full_spellings(term).len() <= MAX_SPELLINGS);
        assert!(!full_spellings(term).is_empty());
    }

    #[test]
    fn terms_without_chinese_have_no_pinyin() {
        assert!(full_spellings("BLUEWHALE").is_empty());
        assert!(full_spellings("").is_empty());
    }
}
