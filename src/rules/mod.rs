//! Rule packs: loading, checking, compiling and matching.
//!
//! Takes YAML packs and gives a compiled [`RuleSet`]; given one document's
//! segments in their [`normalize`]d form, [`apply`] says which rule fired
//! where and at what severity (overlaps dropped, escalations applied).
//!
//! A rule set is compiled once per run and shared by every worker thread:
//! all literal terms of all rules go into one Aho-Corasick automaton
//! (leftmost-longest, so `内部控制` is seen whole), all patterns into one
//! pattern-set prefilter (`compile::PatternSet`) with a per-rule `Regex` for positions.

pub mod apply;
mod builtin;
mod checkbox;
pub(crate) mod cjk_fold;
mod compile;
mod conditions;
pub mod examples;
mod fold;
pub mod lexicon;
mod matcher;
pub mod noise;
pub mod normalize;
mod pinyin;
pub mod schema;
pub mod validators;
pub mod window;

pub use builtin::{BUILTIN_PACKS, builtin_sources, is_builtin_rule};
pub use compile::{
    Escalation, LoadedPack, MatchExample, PackSource, Rule, RuleError, RuleSet, load_sources,
    sources_from_path,
};
pub use matcher::{DocumentIndex, RawMatch, SegmentView};

/// Writes a commented starter pack and an empty lexicon into `dir`.
pub fn init_pack(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let pack = dir.join("my-pack.yaml");
    let lexicon = dir.join("my-terms.txt");
    for path in [&pack, &lexicon] {
        if path.exists() {
            return Err(format!(
                "{}: already exists, not overwritten",
                path.display()
            ));
        }
    }
    std::fs::write(&pack, STARTER_PACK).map_err(|e| format!("{}: {e}", pack.display()))?;
    std::fs::write(&lexicon, STARTER_LEXICON).map_err(|e| format!("{}: {e}", lexicon.display()))?;
    Ok(())
}

const STARTER_PACK: &str = include_str!("starter-pack.yaml");
const STARTER_LEXICON: &str = "# One term per line, then optional tab-separated fields:\n#   term<TAB>severity<TAB>reason<TAB>variants\n# severity: block | review | info (empty = the rule's); reason: shown to the clerk;\n# variants: pinyin, initials (also find the term written in pinyin or by its initials).\n# Terms are found through traditional/simplified, full/half width and one or two\n# noise characters between their characters (法*轮*功). Lines starting with # are comments.\n";
