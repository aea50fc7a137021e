//! A term automaton that is cheap to build and fast where it is used much.
//!
//! Aho-Corasick's own choice for a few dozen terms (the built-in packs'
//! ~80) is a DFA: the fastest search, but building it was 4.6 M
//! instructions, more than a quarter of a run on a one-line file beyond
//! `--version`. A run over a few small files is over before the DFA pays
//! for itself. So a short list of terms is first an NFA (built in a fifth
//! of that), and its DFA is built the first time a long text, or enough
//! text in all, is searched; a long list (a lexicon) is built as
//! Aho-Corasick chooses, at once. Both automata find the same matches
//! (one match kind, one set of terms): which one searched a text never
//! shows in a review.

use crate::extract::document::{Category, Severity};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Up to this many terms the automaton starts as an NFA and gets a DFA
/// later: the most for which Aho-Corasick itself would build a DFA.
const LAZY_DFA_TERMS: usize = 100;

/// A text this long is searched with the DFA (built for it if need be),
/// and so is every text once this much has been searched in all: the
/// DFA's search saves its build cost over about this much text.
const DFA_AFTER_BYTES: usize = 256 * 1024;

pub(in crate::rules) struct TermAutomaton {
    /// Built at load, with the rule set.
    first: AhoCorasick,
    /// For a short list: its terms, and the DFA built from them on first
    /// need (`None` inside if it could not be built; `first` then serves).
    later: Option<LaterDfa>,
    pub owners: TermOwners,
}

struct LaterDfa {
    terms: Vec<String>,
    ascii_case_insensitive: bool,
    searched: AtomicUsize,
    dfa: OnceLock<Option<AhoCorasick>>,
}

fn builder(ascii_case_insensitive: bool) -> aho_corasick::AhoCorasickBuilder {
    let mut builder = AhoCorasick::builder();
    builder
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(ascii_case_insensitive);
    builder
}

impl TermAutomaton {
    pub fn new(
        terms: &[&str],
        ascii_case_insensitive: bool,
        owners: TermOwners,
    ) -> Result<TermAutomaton, String> {
        let lazy = terms.len() <= LAZY_DFA_TERMS;
        let mut builder = builder(ascii_case_insensitive);
        if lazy {
            builder.kind(Some(AhoCorasickKind::NoncontiguousNFA));
        }
        let first = builder
            .build(terms)
            .map_err(|e| format!("cannot build the term automaton: {e}"))?;
        let later = lazy.then(|| LaterDfa {
            terms: terms.iter().map(|term| (*term).to_owned()).collect(),
            ascii_case_insensitive,
            searched: AtomicUsize::new(0),
            dfa: OnceLock::new(),
        });
        Ok(TermAutomaton {
            first,
            later,
            owners,
        })
    }

    /// The automaton to search `text` with.
    pub fn for_text(&self, text: &str) -> &AhoCorasick {
        let Some(later) = &self.later else {
            return &self.first;
        };
        let before = later.searched.fetch_add(text.len(), Ordering::Relaxed);
        if text.len() < DFA_AFTER_BYTES && before < DFA_AFTER_BYTES && later.dfa.get().is_none() {
            return &self.first;
        }
        let dfa = later.dfa.get_or_init(|| {
            builder(later.ascii_case_insensitive)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&later.terms)
                .ok()
        });
        dfa.as_ref().unwrap_or(&self.first)
    }

    /// Which kind searched the last text, for the tests.
    #[cfg(test)]
    pub fn kind_for(&self, text: &str) -> AhoCorasickKind {
        self.for_text(text).kind()
    }
}

impl std::fmt::Debug for TermAutomaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermAutomaton")
            .field("patterns", &self.first.patterns_len())
            .field("lazy_dfa", &self.later.is_some())
            .finish()
    }
}

/// The owners of each pattern id of a term automaton, in one list: a
/// lexicon's terms nearly all have one owner each, and a list of its own
/// for each of 50,000 terms cost 72 bytes a term where one entry is 32.
#[derive(Clone, Debug, Default)]
pub(in crate::rules) struct TermOwners {
    owners: Vec<TermOwner>,
    /// Where each pattern id's owners start in `owners` (they end where
    /// the next id's start).
    starts: Vec<u32>,
}

impl TermOwners {
    /// From each owner with its pattern id, ids counting up from 0 with
    /// none missing.
    pub(super) fn from_slots(mut slotted: Vec<(u32, TermOwner)>, patterns: usize) -> TermOwners {
        // Stable: a term's owners keep the order of the rules.
        slotted.sort_by_key(|&(slot, _)| slot);
        let mut starts = Vec::with_capacity(patterns);
        let mut owners = Vec::with_capacity(slotted.len());
        for (slot, owner) in slotted {
            while starts.len() <= slot as usize {
                starts.push(owners.len() as u32);
            }
            owners.push(owner);
        }
        debug_assert_eq!(starts.len(), patterns, "every pattern has an owner");
        TermOwners { owners, starts }
    }

    /// The owners of pattern id `pattern`.
    pub fn of(&self, pattern: usize) -> &[TermOwner] {
        let start = self.starts[pattern] as usize;
        let end = self
            .starts
            .get(pattern + 1)
            .map_or(self.owners.len(), |&end| end as usize);
        &self.owners[start..end]
    }
}

/// A term in the automaton and the rules that own it.
#[derive(Clone, Debug)]
pub(in crate::rules) struct TermOwner {
    pub rule: usize,
    pub severity: Option<Severity>,
    pub category: Option<Category>,
    pub reason: Option<Arc<str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(count: usize) -> TermOwners {
        TermOwners::from_slots(
            (0..count)
                .map(|slot| {
                    (
                        slot as u32,
                        TermOwner {
                            rule: 0,
                            severity: None,
                            category: None,
                            reason: None,
                        },
                    )
                })
                .collect(),
            count,
        )
    }

    fn spans(automaton: &AhoCorasick, text: &str) -> Vec<(usize, usize, usize)> {
        automaton
            .find_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }

    /// A short list starts as an NFA, a long text gets the DFA, and both
    /// find the same matches.
    #[test]
    fn a_short_list_gets_its_dfa_on_a_long_text() {
        let terms = ["机密", "秘密", "内部资料", "confidential", "机密文件"];
        let automaton = TermAutomaton::new(&terms, true, owners(terms.len())).unwrap();
        let short = "这是机密文件，不是 CONFIDENTIAL 的内部资料";
        assert_eq!(automaton.kind_for(short), AhoCorasickKind::NoncontiguousNFA);
        let nfa_spans = spans(automaton.for_text(short), short);
        assert_eq!(nfa_spans.len(), 3, "{nfa_spans:?}");
        let long = short.repeat(DFA_AFTER_BYTES / short.len() + 1);
        assert_eq!(automaton.kind_for(&long), AhoCorasickKind::DFA);
        // From now on every text is searched with the DFA.
        assert_eq!(automaton.kind_for(short), AhoCorasickKind::DFA);
        assert_eq!(spans(automaton.for_text(short), short), nfa_spans);
    }

    /// Many short texts add up to the DFA too.
    #[test]
    fn enough_short_texts_get_the_dfa() {
        let terms = ["秘密"];
        let automaton = TermAutomaton::new(&terms, false, owners(1)).unwrap();
        let text = "一行文字".repeat(100);
        let mut kinds = Vec::new();
        for _ in 0..(DFA_AFTER_BYTES / text.len() + 2) {
            kinds.push(automaton.kind_for(&text));
        }
        assert_eq!(kinds[0], AhoCorasickKind::NoncontiguousNFA);
        assert_eq!(*kinds.last().unwrap(), AhoCorasickKind::DFA);
    }

    /// A lexicon is built as Aho-Corasick chooses, at once.
    #[test]
    fn a_long_list_is_built_at_once() {
        let terms: Vec<String> = (0..500).map(|i| format!("词{i:04}")).collect();
        let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        let automaton = TermAutomaton::new(&terms, false, owners(terms.len())).unwrap();
        assert!(automaton.later.is_none());
        assert_ne!(
            automaton.kind_for("词0001"),
            AhoCorasickKind::NoncontiguousNFA
        );
    }
}
