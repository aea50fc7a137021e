//! Which of a rule set's patterns occur in a text.
//!
//! That is the only question the pattern pass asks before it searches a
//! pattern for positions. `regex::RegexSet` answers it with a whole meta
//! regex: forward *and* reverse NFAs with capture slots, prefilters and
//! the engines built on them. Building that was a third of the
//! instructions of a run on a one-line file with the built-in packs
//! (callgrind), and none of it but the forward automaton is used. Here the
//! set is one forward NFA without captures, searched by a lazy DFA in
//! overlapping mode — the engine `RegexSet` itself searches with — and by
//! the PikeVM over the same NFA should the lazy DFA give up.

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::nfa::thompson::pikevm::{Cache as PikeCache, PikeVM};
use regex_automata::nfa::thompson::{self, NFA, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind};
use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};

/// A forward NFA compiler without capture states.
fn compiler(nfa_size_limit: usize) -> thompson::Compiler {
    let mut compiler = thompson::Compiler::new();
    compiler.configure(
        thompson::Config::new()
            .which_captures(WhichCaptures::None)
            .nfa_size_limit(Some(nfa_size_limit)),
    );
    compiler
}

/// The per-search state of both engines.
struct Caches {
    dfa: DfaCache,
    pike: PikeCache,
}

type CachePool = Pool<Caches, Box<dyn Fn() -> Caches + Send + Sync + UnwindSafe + RefUnwindSafe>>;

/// Patterns compiled together to learn which of them match a text.
pub struct PatternSet {
    dfa: DFA,
    pike: PikeVM,
    caches: CachePool,
}

impl fmt::Debug for PatternSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatternSet")
            .field("patterns", &self.dfa.pattern_len())
            .finish()
    }
}

impl PatternSet {
    /// Compiles `patterns` (in `regex`'s default syntax, as a `RegexSet`
    /// reads them), within `nfa_size_limit` bytes of NFA; the lazy DFA
    /// may keep up to `cache_capacity` bytes of states per thread (a small
    /// cache was rebuilt over and over on CJK text).
    pub fn new(
        patterns: &[&str],
        nfa_size_limit: usize,
        cache_capacity: usize,
    ) -> Result<PatternSet, String> {
        let nfa = compiler(nfa_size_limit)
            .build_many(patterns)
            .map_err(|e| e.to_string())?;
        PatternSet::from_nfa(nfa, cache_capacity)
    }

    fn from_nfa(nfa: NFA, cache_capacity: usize) -> Result<PatternSet, String> {
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(cache_capacity)
                    // Use the least it needs rather than fail when the
                    // capacity is too small for this NFA.
                    .skip_cache_capacity_check(true),
            )
            .build_from_nfa(nfa.clone())
            .map_err(|e| e.to_string())?;
        let pike = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        let (for_dfa, for_pike) = (dfa.clone(), pike.clone());
        let caches: CachePool = Pool::new(Box::new(move || Caches {
            dfa: for_dfa.create_cache(),
            pike: for_pike.create_cache(),
        }));
        Ok(PatternSet { dfa, pike, caches })
    }

    /// How many patterns the set holds.
    pub fn len(&self) -> usize {
        self.dfa.pattern_len()
    }

    /// The indices (in the order given to [`PatternSet::new`]) of the
    /// patterns with a match somewhere in `text`, ascending.
    pub fn matches(&self, text: &str) -> Vec<usize> {
        let input = Input::new(text);
        let mut which = regex_automata::PatternSet::new(self.len());
        let mut caches = self.caches.get();
        if self
            .dfa
            .try_which_overlapping_matches(&mut caches.dfa, &input, &mut which)
            .is_err()
        {
            // The lazy DFA gave up (a quit byte, or its cache thrashing):
            // the PikeVM answers the same question, more slowly.
            which.clear();
            self.pike
                .which_overlapping_matches(&mut caches.pike, &input, &mut which);
        }
        which.iter().map(|pattern| pattern.as_usize()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The set reports the patterns `regex::RegexSet` reports, on texts
    /// where several, one or none match, including matches that overlap
    /// and patterns with Unicode classes, anchors and counted repetitions.
    #[test]
    fn reports_what_a_regex_set_reports() {
        let patterns = [
            "(绝密|机密|秘密)★[0-9]{1,2}年",
            "[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])[0-9]{5}[0-9Xx]",
            "(?m)^[ \t]*\\((TS|S|C)\\) +[A-Z]",
            "[^\\s,。]{2,4}族,",
            "(?i)this (e-?mail|message)[^\\n]{0,20}confidential",
            "秘密",
        ];
        let ours = PatternSet::new(&patterns, 1 << 24, 1 << 22).unwrap();
        let theirs = regex::RegexSet::new(patterns).unwrap();
        for text in [
            "",
            "机密★1年 与 秘密",
            "身份证 110101199003071234 汉族,",
            "line\n  (S) Secret text\nTHIS Email is CONFIDENTIAL",
            "nothing here at all",
            "秘",
        ] {
            let expected: Vec<usize> = theirs.matches(text).iter().collect();
            assert_eq!(ours.matches(text), expected, "{text:?}");
        }
        assert_eq!(ours.len(), patterns.len());
    }

    #[test]
    fn an_invalid_or_oversized_set_is_an_error() {
        assert!(PatternSet::new(&["(unclosed"], 1 << 24, 1 << 22).is_err());
        assert!(PatternSet::new(&["[0-9]{1000}"], 1 << 10, 1 << 22).is_err());
    }
}
