//! Which of a rule set's patterns can match a text at all, told by the
//! literals every one of their matches holds.
//!
//! Every match of `(绝密|机密|秘密)★[0-9]{1,2}年` holds `★`, `绝密`, `机密`
//! or `秘密`; a text holding none of them cannot match it, and the pattern
//! need not be compiled to say so. A short text is answered this way —
//! one pass over an index of the literals ([`LiteralIndex`]) — instead of
//! by the pattern set of every pattern: building that set was a third of
//! the instructions of a run on a one-line file (callgrind), and the set
//! is now built only when a text is long enough to be worth it.
//!
//! A pattern no literal can gate (every match of `[0-9A-Z]{18}` starts with
//! one of 36 characters, and nothing else is certain) is in a small set of
//! its own, which says whether it matches.

use super::literal_index::LiteralIndex;
#[cfg(test)]
use super::literals::required_literals;
use super::pattern_set::PatternSet;
#[cfg(test)]
use regex_syntax::hir::Hir;

pub(in crate::rules) struct PatternGates {
    /// The gating literals of every gated pattern, filed with the pattern
    /// each gates.
    index: LiteralIndex,
    /// The patterns with no gate, in ascending order, and a set of them
    /// alone (`None` when there are none).
    ungated: Vec<usize>,
    ungated_set: Option<PatternSet>,
    patterns: usize,
}

impl std::fmt::Debug for PatternGates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatternGates")
            .field("ungated", &self.ungated)
            .finish()
    }
}

impl PatternGates {
    /// The gates of the patterns `sources` (in the set's order), given each
    /// one's gating literals (`None`: it has no gate); the set of the
    /// ungated ones is compiled within `nfa_size_limit`.
    pub fn new(
        sources: &[&str],
        gates: Vec<Option<Vec<Vec<u8>>>>,
        nfa_size_limit: usize,
    ) -> Result<PatternGates, String> {
        let mut literals: Vec<(Vec<u8>, usize)> = Vec::new();
        let mut ungated = Vec::new();
        for (index, gate) in gates.into_iter().enumerate() {
            match gate {
                // An empty literal would let every text through: such a
                // gate is no gate.
                Some(found) if found.iter().all(|literal| !literal.is_empty()) => {
                    literals.extend(found.into_iter().map(|literal| (literal, index)));
                }
                _ => ungated.push(index),
            }
        }
        let index = LiteralIndex::new(literals);
        let ungated_set = if ungated.is_empty() {
            None
        } else {
            let ungated_sources: Vec<&str> = ungated.iter().map(|&i| sources[i]).collect();
            Some(PatternSet::new(
                &ungated_sources,
                nfa_size_limit,
                8 * 1024 * 1024,
            )?)
        };
        Ok(PatternGates {
            index,
            ungated,
            ungated_set,
            patterns: sources.len(),
        })
    }

    /// The patterns that may match `text`, ascending: every pattern with a
    /// match is among them (a gated one whenever a literal of its gate
    /// occurs, an ungated one when it matches).
    pub fn candidates(&self, text: &str) -> Vec<usize> {
        let mut may = vec![false; self.patterns];
        self.index.mark(text.as_bytes(), &mut may);
        if let Some(set) = &self.ungated_set {
            for index in set.matches(text) {
                may[self.ungated[index]] = true;
            }
        }
        may.iter()
            .enumerate()
            .filter_map(|(index, &may)| may.then_some(index))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pattern: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .unwrap()
    }

    fn gate(pattern: &str) -> Option<Vec<String>> {
        required_literals(&parse(pattern)).map(|literals| {
            literals
                .into_iter()
                .map(|l| String::from_utf8(l).unwrap())
                .collect()
        })
    }

    #[test]
    fn gates_come_from_prefixes_inner_parts_and_every_branch() {
        assert_eq!(gate("机密★[0-9]年").unwrap(), ["机密★"]);
        assert_eq!(
            gate("(绝密|机密|秘密)★[0-9]{1,2}年").unwrap(),
            ["机密★", "秘密★", "绝密★"]
        );
        // An inner literal, after a part no literal can gate.
        assert_eq!(gate("[^\\s,;:]{1,3}族,").unwrap(), ["族,"]);
        // Each branch has its own.
        let both = gate("[^\\s]{1,3}族,|性别[: ]*[男女]").unwrap();
        assert!(both.contains(&"族,".to_owned()), "{both:?}");
        assert!(both.iter().any(|l| l.starts_with("性别")), "{both:?}");
        assert_eq!(gate("[a-z]+@[a-z]+").unwrap(), ["@"]);
        // A case-insensitive word is gated by the spellings of a run of
        // its letters, kept to a few dozen (`ſ` is an `s` to Unicode, so
        // the run without the `s` is the smaller).
        let secret = gate("(?i)secret").unwrap();
        assert!(secret.contains(&"eCrE".to_owned()), "{secret:?}");
        assert!(secret.iter().all(|l| l.len() == 4), "{secret:?}");
        assert_eq!(secret.len(), 16);
        // A small alternation crossed with the literals beside it.
        assert_eq!(gate("\\((TS|S|C)\\) +").unwrap(), ["(C)", "(S)", "(TS)"]);
        // A part every match holds, whatever comes before it.
        assert_eq!(gate("x*[0-9]{3}").unwrap().len(), 10);
    }

    #[test]
    fn a_pattern_with_nothing_certain_is_not_gated() {
        assert_eq!(gate("[0-9A-Z]{18}"), None);
        assert_eq!(gate("a?b?"), None);
        // One branch without a gate leaves the whole ungated.
        assert_eq!(gate("机密|[0-9A-Z]{6}"), None);
        // A part that may repeat zero times gates nothing.
        assert_eq!(gate("x*[0-9A-Z]{3}"), None);
    }

    /// Over many texts, every pattern that matches is a candidate, and a
    /// gated pattern is a candidate exactly when one of its literals occurs.
    #[test]
    fn every_pattern_that_matches_is_a_candidate() {
        let patterns = [
            "(绝密|机密|秘密)★[0-9]{1,2}年",
            "[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])[0-9]{5}[0-9Xx]",
            "(?m)^[ \t]*\\((TS|S|C)\\) +[A-Z]",
            "[^\\s,。]{2,4}族,",
            "(?i)this (e-?mail|message)[^\\n]{0,20}confidential",
            "[0-9A-Z]{6}",
            "秘密",
        ];
        let hirs: Vec<Hir> = patterns.iter().map(|p| parse(p)).collect();
        let gates = PatternGates::new(
            &patterns,
            hirs.iter().map(required_literals).collect(),
            1 << 24,
        )
        .unwrap();
        let regexes: Vec<regex::Regex> = patterns
            .iter()
            .map(|p| regex::Regex::new(p).unwrap())
            .collect();
        let texts = [
            "",
            "机密★1年 与 秘密",
            "身份证 110101199003071234 汉族,",
            "line\n  (S) Secret text\nTHIS Email is CONFIDENTIAL",
            "nothing here at all",
            "秘",
            "ABC123",
            "机密 but no star",
        ];
        for text in texts {
            let candidates = gates.candidates(text);
            for (index, regex) in regexes.iter().enumerate() {
                if regex.is_match(text) {
                    assert!(
                        candidates.contains(&index),
                        "{} in {text:?}",
                        patterns[index]
                    );
                }
            }
            assert!(candidates.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(gates.candidates("nothing here at all"), Vec::<usize>::new());
        // The marking pattern is gated by its word and star crossed, so
        // the word alone does not make it a candidate.
        assert_eq!(gates.candidates("秘密"), [6]);
        assert_eq!(gates.candidates("机密★"), [0]);
    }
}
