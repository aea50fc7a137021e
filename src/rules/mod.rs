//! Rule packs: loading, checking, compiling and matching.
//!
//! A rule set is compiled once per run and shared by every worker thread:
//! all literal terms of all rules go into one Aho-Corasick automaton
//! (leftmost-longest, so `内部控制` is seen whole), all patterns into one
//! `RegexSet` prefilter with a per-rule `Regex` for positions.

mod builtin;
mod compile;
mod matcher;
pub mod schema;
pub mod validators;

pub use builtin::{BUILTIN_PACKS, builtin_sources};
pub use compile::{
    LoadedPack, PackSource, Rule, RuleError, RuleSet, load_sources, sources_from_path,
};
pub use matcher::{DocumentIndex, RawMatch, SegmentView};
