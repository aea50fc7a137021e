//! Which of many literals occur in a short text, from an index that costs
//! next to nothing to build.
//!
//! The pattern gates ask one question of a short text: which of some six
//! hundred literals (`机密`, `★`, `身份证`, …) occur in it. An Aho-Corasick
//! automaton answers it in one pass, but building one over those literals
//! was 2.9 M instructions — a sixth of a run on a one-line file — and the
//! texts it is asked about are at most a few kilobytes. Here the literals
//! are filed by their first bytes in a small hash table: building it is a
//! sort, and a text is read once, each position looked up under the
//! prefix lengths the literals have.

/// Literals filed by their first (up to) three bytes.
pub(super) struct LiteralIndex {
    /// The literals, with the owner each was given, sorted by [`key`].
    entries: Vec<(Box<[u8]>, usize)>,
    /// Open addressing, a power of two long: each slot holds a key and
    /// the range of `entries` filed under it (key 0: empty).
    slots: Vec<(u32, usize, usize)>,
    /// Whether any literal begins with each byte: most positions of a
    /// text are passed over on this alone.
    starts: [bool; 256],
    /// Whether any literal is 1, 2, or 3 and more bytes long: the prefix
    /// lengths a position is looked up under.
    lengths: [bool; 3],
}

/// A literal's (or a text position's) first `len` bytes, `len` 1 to 3,
/// with the length in the top byte so that no key is 0.
fn key(bytes: &[u8], len: usize) -> u32 {
    let mut key = (len as u32) << 24;
    for (shift, &byte) in bytes[..len].iter().enumerate() {
        key |= u32::from(byte) << (8 * shift);
    }
    key
}

/// The key under which a literal is filed.
fn literal_key(literal: &[u8]) -> u32 {
    key(literal, literal.len().min(3))
}

fn slot_of(key: u32, mask: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> 7) as usize & mask
}

impl LiteralIndex {
    /// An index of `literals`, each with its owner. An empty literal is
    /// left out (it occurs everywhere; the caller must not gate on it).
    pub fn new(literals: Vec<(Vec<u8>, usize)>) -> LiteralIndex {
        let mut entries: Vec<(Box<[u8]>, usize)> = literals
            .into_iter()
            .filter(|(literal, _)| !literal.is_empty())
            .map(|(literal, owner)| (literal.into_boxed_slice(), owner))
            .collect();
        // Unstable: the order within a key only changes which literal is
        // tried first, never what is marked.
        entries.sort_unstable_by_key(|(literal, _)| literal_key(literal));
        let mut starts = [false; 256];
        let mut lengths = [false; 3];
        for (literal, _) in &entries {
            starts[usize::from(literal[0])] = true;
            lengths[literal.len().min(3) - 1] = true;
        }
        let distinct = entries
            .chunk_by(|(a, _), (b, _)| literal_key(a) == literal_key(b))
            .count();
        let capacity = (distinct * 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut slots = vec![(0u32, 0usize, 0usize); capacity];
        let mut at = 0usize;
        for group in entries.chunk_by(|(a, _), (b, _)| literal_key(a) == literal_key(b)) {
            let key = literal_key(&group[0].0);
            let mut slot = slot_of(key, mask);
            while slots[slot].0 != 0 {
                slot = (slot + 1) & mask;
            }
            slots[slot] = (key, at, at + group.len());
            at += group.len();
        }
        LiteralIndex {
            entries,
            slots,
            starts,
            lengths,
        }
    }

    /// The literals filed under `key`.
    fn filed(&self, key: u32) -> &[(Box<[u8]>, usize)] {
        let mask = self.slots.len() - 1;
        let mut slot = slot_of(key, mask);
        loop {
            let (found, start, end) = self.slots[slot];
            if found == key {
                return &self.entries[start..end];
            }
            if found == 0 {
                return &[];
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Sets `seen[owner]` for the owner of every literal that occurs in
    /// `text` (`seen` is as long as the owners count).
    pub fn mark(&self, text: &[u8], seen: &mut [bool]) {
        if self.entries.is_empty() {
            return;
        }
        for at in 0..text.len() {
            if !self.starts[usize::from(text[at])] {
                continue;
            }
            let rest = &text[at..];
            for len in 1..=3 {
                if !self.lengths[len - 1] || rest.len() < len {
                    continue;
                }
                for (literal, owner) in self.filed(key(rest, len)) {
                    if !seen[*owner] && rest.starts_with(literal) {
                        seen[*owner] = true;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    /// What an Aho-Corasick automaton over the same literals says, in
    /// overlapping mode (every occurrence of every literal).
    fn oracle(literals: &[(Vec<u8>, usize)], owners: usize, text: &[u8]) -> Vec<bool> {
        let mut seen = vec![false; owners];
        let patterns: Vec<&[u8]> = literals.iter().map(|(l, _)| l.as_slice()).collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .unwrap();
        for hit in automaton.find_overlapping_iter(text) {
            seen[literals[hit.pattern().as_usize()].1] = true;
        }
        seen
    }

    fn marked(index: &LiteralIndex, owners: usize, text: &[u8]) -> Vec<bool> {
        let mut seen = vec![false; owners];
        index.mark(text, &mut seen);
        seen
    }

    #[test]
    fn finds_what_an_automaton_finds() {
        let words = [
            "机密",
            "秘密",
            "★",
            "绝密",
            ".",
            "@",
            "身份证",
            "身份",
            "证号",
            "No",
            "ab",
            "abc",
            "abcd",
            "b",
            "年",
            "密级",
            "x",
            "机",
            "§",
            "é",
        ];
        let literals: Vec<(Vec<u8>, usize)> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_bytes().to_vec(), i % 7))
            .collect();
        let index = LiteralIndex::new(literals.clone());
        let texts = [
            "",
            "机密★1年",
            "身份证号 110101",
            "a.b@c",
            "abcd abc ab",
            "No. 5 § é",
            "nothing",
            "绝",
            "一行文字",
            "秘密级密级",
        ];
        for text in texts {
            assert_eq!(
                marked(&index, 7, text.as_bytes()),
                oracle(&literals, 7, text.as_bytes()),
                "{text:?}"
            );
        }
    }

    /// Over generated texts of the literals' own bytes (where prefixes
    /// collide most), the index and an automaton agree.
    #[test]
    fn agrees_with_an_automaton_on_generated_texts() {
        let alphabet: Vec<&str> = vec!["机", "密", "秘", "a", "b", "★", ".", "1"];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let mut literals = Vec::new();
        for owner in 0..40 {
            let len = 1 + next(4);
            let literal: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            literals.push((literal.into_bytes(), owner % 13));
        }
        let index = LiteralIndex::new(literals.clone());
        for _ in 0..300 {
            let len = next(24);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            assert_eq!(
                marked(&index, 13, text.as_bytes()),
                oracle(&literals, 13, text.as_bytes()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_empty_index_marks_nothing() {
        let index = LiteralIndex::new(vec![(Vec::new(), 0)]);
        assert_eq!(marked(&index, 1, b"anything"), [false]);
        let index = LiteralIndex::new(Vec::new());
        assert_eq!(marked(&index, 0, b"anything"), Vec::<bool>::new());
    }
}
