//! Which of a rule set's patterns can match a text at all, told by the
//! literals every one of their matches holds.
//!
//! Every match of `(绝密|机密|秘密)★[0-9]{1,2}年` holds `★`, `绝密`, `机密`
//! or `秘密`; a text holding none of them cannot match it, and the pattern
//! need not be compiled to say so. A short text is answered this way —
//! one pass of a small literal automaton — instead of by the pattern set of
//! every pattern: building that set was a third of the instructions of a
//! run on a one-line file (callgrind), and the set is now built only when
//! a text is long enough to be worth it.
//!
//! A pattern no literal can gate (every match of `[0-9A-Z]{18}` starts with
//! one of 36 characters, and nothing else is certain) is in a small set of
//! its own, which says whether it matches.

use super::pattern_set::PatternSet;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};

/// At most this many literals gate one pattern: more would make the
/// automaton large for little gain (a shorter, commoner prefix is taken).
const MOST_LITERALS: usize = 64;

pub(in crate::rules) struct PatternGates {
    /// The gating literals of every gated pattern, `None` when no pattern
    /// is gated.
    automaton: Option<AhoCorasick>,
    /// For each literal of `automaton`, the pattern it gates.
    gated: Vec<usize>,
    /// The patterns with no gate, in ascending order, and a set of them
    /// alone (`None` when there are none).
    ungated: Vec<usize>,
    ungated_set: Option<PatternSet>,
    patterns: usize,
}

impl std::fmt::Debug for PatternGates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatternGates")
            .field("literals", &self.gated.len())
            .field("ungated", &self.ungated)
            .finish()
    }
}

impl PatternGates {
    /// The gates of `patterns` (as read, in the set's order); the set of
    /// the ungated ones is compiled within `nfa_size_limit`.
    pub fn new(patterns: &[Hir], nfa_size_limit: usize) -> Result<PatternGates, String> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut gated = Vec::new();
        let mut ungated = Vec::new();
        for (index, hir) in patterns.iter().enumerate() {
            match required_literals(hir) {
                Some(found) => {
                    gated.extend(std::iter::repeat_n(index, found.len()));
                    literals.extend(found);
                }
                None => ungated.push(index),
            }
        }
        let automaton = if literals.is_empty() {
            None
        } else {
            // A non-contiguous NFA is the cheapest to build; over the short
            // texts it is asked about, its search speed does not matter.
            let automaton = AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::NoncontiguousNFA))
                .match_kind(MatchKind::Standard)
                .build(&literals)
                .map_err(|e| e.to_string())?;
            Some(automaton)
        };
        let ungated_set = if ungated.is_empty() {
            None
        } else {
            let hirs: Vec<Hir> = ungated.iter().map(|&i| patterns[i].clone()).collect();
            Some(PatternSet::from_hirs(
                &hirs,
                nfa_size_limit,
                8 * 1024 * 1024,
            )?)
        };
        Ok(PatternGates {
            automaton,
            gated,
            ungated,
            ungated_set,
            patterns: patterns.len(),
        })
    }

    /// The patterns that may match `text`, ascending: every pattern with a
    /// match is among them (a gated one whenever a literal of its gate
    /// occurs, an ungated one when it matches).
    pub fn candidates(&self, text: &str) -> Vec<usize> {
        let mut may = vec![false; self.patterns];
        if let Some(automaton) = &self.automaton {
            for hit in automaton.find_overlapping_iter(text) {
                may[self.gated[hit.pattern().as_usize()]] = true;
            }
        }
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

/// Literals one of which every match of `hir` holds, `None` when no such
/// set of at most [`MOST_LITERALS`] non-empty literals is known.
///
/// Read off the pattern's structure in one walk: a part whose matches are
/// a few known strings (a literal, a small class, a short alternation of
/// them) gates by those strings; so does a run of such parts in a
/// concatenation, crossed; so does any one part of a concatenation, a
/// repetition's body when it repeats at least once, and the union of every
/// branch's of an alternation. Of the candidates the one whose shortest
/// literal is longest is taken (then the fewest). regex-syntax's literal
/// extractor says the same of prefixes, but asked at every node it cost
/// more instructions than the pattern set it spares.
pub(super) fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    facts(hir).gate.map(|gate| gate.literals)
}

/// A class of at most this many characters is read as its characters.
const FEWEST_CLASS: usize = 10;

#[derive(Clone, Debug)]
struct Gate {
    literals: Vec<Vec<u8>>,
    shortest: usize,
}

impl Gate {
    fn from_literals(mut literals: Vec<Vec<u8>>) -> Option<Gate> {
        literals.sort();
        literals.dedup();
        let shortest = literals.iter().map(Vec::len).min()?;
        (shortest > 0 && literals.len() <= MOST_LITERALS).then_some(Gate { literals, shortest })
    }

    fn key(&self) -> GateKey {
        GateKey::new(self.shortest, self.literals.len())
    }

    fn better(self, other: Gate) -> Gate {
        if other.key() > self.key() {
            other
        } else {
            self
        }
    }
}

/// How good a gate is. Past four bytes a literal is rare enough; then
/// fewer literals, then longer ones (`机密★` over `机密`) make the better
/// gate.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct GateKey(usize, std::cmp::Reverse<usize>, usize);

impl GateKey {
    fn new(shortest: usize, literals: usize) -> GateKey {
        GateKey(shortest.min(4), std::cmp::Reverse(literals), shortest)
    }

    /// The key of the gate `strings` would make, `None` when they make
    /// none: worked out on borrowed strings, so a candidate that loses
    /// (nearly all of them) is never copied.
    fn of(strings: &[Vec<u8>]) -> Option<GateKey> {
        let mut distinct: Vec<&[u8]> = strings.iter().map(Vec::as_slice).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let shortest = distinct.iter().map(|s| s.len()).min()?;
        (shortest > 0 && distinct.len() <= MOST_LITERALS)
            .then(|| GateKey::new(shortest, distinct.len()))
    }
}

fn best(a: Option<Gate>, b: Option<Gate>) -> Option<Gate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.better(b)),
        (a, b) => a.or(b),
    }
}

/// [`best`] of `current` and the gate `strings` make, copying them only
/// when theirs is the better.
fn best_with(current: Option<Gate>, strings: &[Vec<u8>]) -> Option<Gate> {
    match GateKey::of(strings) {
        Some(key) if current.as_ref().is_none_or(|gate| key > gate.key()) => {
            Gate::from_literals(strings.to_vec())
        }
        _ => current,
    }
}

/// What one walk knows of a node.
struct Facts {
    /// Every string the node can match, when they are few.
    exact: Option<Vec<Vec<u8>>>,
    /// Literals one of which every match of the node holds.
    gate: Option<Gate>,
}

impl Facts {
    fn exactly(strings: Vec<Vec<u8>>) -> Facts {
        let gate = Gate::from_literals(strings.clone());
        Facts {
            exact: Some(strings),
            gate,
        }
    }

    fn unknown() -> Facts {
        Facts {
            exact: None,
            gate: None,
        }
    }
}

/// Every concatenation of one string of `a` with one of `b`, `None` past
/// [`MOST_LITERALS`].
fn cross(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().checked_mul(b.len())? > MOST_LITERALS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut joined = x.clone();
            joined.extend_from_slice(y);
            out.push(joined);
        }
    }
    Some(out)
}

/// The characters of a class of at most [`FEWEST_CLASS`] (one past it is
/// read at most, however large the class).
fn class_strings(class: &Class) -> Option<Vec<Vec<u8>>> {
    let strings: Vec<Vec<u8>> = match class {
        Class::Unicode(class) => class
            .ranges()
            .iter()
            .flat_map(|range| range.start()..=range.end())
            .map(|c| c.to_string().into_bytes())
            .take(FEWEST_CLASS + 1)
            .collect(),
        Class::Bytes(class) => class
            .ranges()
            .iter()
            .flat_map(|range| range.start()..=range.end())
            .map(|b| vec![b])
            .take(FEWEST_CLASS + 1)
            .collect(),
    };
    (strings.len() <= FEWEST_CLASS).then_some(strings)
}

fn facts(hir: &Hir) -> Facts {
    match hir.kind() {
        // Both match only the empty string.
        HirKind::Empty | HirKind::Look(_) => Facts {
            exact: Some(vec![Vec::new()]),
            gate: None,
        },
        HirKind::Literal(literal) => Facts::exactly(vec![literal.0.to_vec()]),
        HirKind::Class(class) => match class_strings(class) {
            Some(strings) => Facts::exactly(strings),
            None => Facts::unknown(),
        },
        HirKind::Capture(capture) => facts(&capture.sub),
        HirKind::Repetition(repetition) => {
            let sub = facts(&repetition.sub);
            let exact = match (&sub.exact, repetition.max) {
                (Some(strings), Some(max)) if max <= 4 => {
                    let mut power = vec![Vec::new()];
                    let mut all = Vec::new();
                    let mut within = true;
                    for count in 0..=max {
                        if count >= repetition.min {
                            all.extend(power.iter().cloned());
                        }
                        if count < max {
                            match cross(&power, strings) {
                                Some(next) => power = next,
                                None => {
                                    within = false;
                                    break;
                                }
                            }
                        }
                    }
                    (within && all.len() <= MOST_LITERALS).then_some(all)
                }
                _ => None,
            };
            let inner = if repetition.min >= 1 { sub.gate } else { None };
            let own = exact
                .as_deref()
                .and_then(|strings| best_with(None, strings));
            Facts {
                exact,
                gate: best(own, inner),
            }
        }
        HirKind::Concat(parts) => {
            let parts: Vec<Facts> = parts.iter().map(facts).collect();
            let mut gate = None;
            // Runs of consecutive parts of known strings, crossed, from
            // each start as far as the product stays small.
            let mut whole = None;
            for start in 0..parts.len() {
                let mut run: Vec<Vec<u8>> = vec![Vec::new()];
                for (offset, part) in parts[start..].iter().enumerate() {
                    let Some(strings) = &part.exact else { break };
                    let Some(next) = cross(&run, strings) else {
                        break;
                    };
                    run = next;
                    gate = best_with(gate, &run);
                    if start == 0 && offset + 1 == parts.len() {
                        whole = Some(run.clone());
                    }
                }
            }
            for part in parts {
                gate = best(gate, part.gate);
            }
            Facts { exact: whole, gate }
        }
        HirKind::Alternation(branches) => {
            let branches: Vec<Facts> = branches.iter().map(facts).collect();
            let exact = branches.iter().try_fold(Vec::new(), |mut all, branch| {
                all.extend(branch.exact.as_ref()?.iter().cloned());
                (all.len() <= MOST_LITERALS).then_some(all)
            });
            let mut literals = Vec::new();
            let mut every_branch = true;
            for branch in branches {
                match branch.gate {
                    Some(gate) => literals.extend(gate.literals),
                    None => {
                        every_branch = false;
                        break;
                    }
                }
            }
            let inner = if every_branch {
                Gate::from_literals(literals)
            } else {
                None
            };
            let own = exact
                .as_deref()
                .and_then(|strings| best_with(None, strings));
            Facts {
                exact,
                gate: best(own, inner),
            }
        }
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
        let gates = PatternGates::new(&hirs, 1 << 24).unwrap();
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
