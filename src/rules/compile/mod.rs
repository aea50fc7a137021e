//! Checking rule packs and compiling them into one matcher.

use super::conditions::{Boundary, Downgrade, DowngradeCondition, LineShape, Near, Side};
use super::schema::{ExamplesSpec, PackSpec, RuleSpec};
use super::validators::Validator;
use crate::extract::document::{Category, Part, Severity};
use crate::review::{Messages, PackInfo, RulesInfo};
use crate::rules::lexicon::{LexiconEntry, parse_lexicon};
use crate::rules::normalize::{fold_pattern, normalize_term};
use crate::rules::pinyin::{full_spellings, initial_spellings};
mod gate;
mod literal_index;
mod literals;
mod pattern_set;
mod term_automaton;
pub(super) use gate::PatternGates;
pub(super) use pattern_set::PatternSet;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
pub(super) use term_automaton::TermAutomaton;
pub(super) use term_automaton::TermOwner;
use term_automaton::TermOwners;

/// Where a pack's YAML came from.
#[derive(Clone, Debug, Default)]
pub struct PackSource {
    /// A path, or `builtin:<file>`.
    pub origin: String,
    pub yaml: String,
    /// Directory that `terms_file:` paths are relative to.
    pub base_dir: Option<PathBuf>,
    /// Term files supplied in memory, by the name the pack gives them; used
    /// before `base_dir`. `prepub verify` reruns a review from the packs and
    /// term files embedded in it, with nothing read from disk.
    pub embedded_terms_files: BTreeMap<String, String>,
}

/// A rule-set error, located as precisely as the cause allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// `file`, `file:line:column`, or `file: rule <id>`.
    pub location: String,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A pack as loaded: its source text is kept so a review can embed it and
/// an auditor can rerun it.
#[derive(Clone, Debug)]
pub struct LoadedPack {
    pub info: PackInfo,
    pub origin: String,
    pub description: String,
    pub yaml: String,
}

/// What a rule matches with.
#[derive(Clone, Debug)]
pub enum Matcher {
    /// Literal terms. Compiling a rule set moves them into its automata, so
    /// a million-term lexicon is held once; `count` says how many there were.
    Terms {
        terms: Vec<Term>,
        count: usize,
    },
    Pattern(Pattern),
}

/// A rule's regular expression, checked when its pack is loaded and
/// compiled the first time the rule set's pattern set reports it in a text:
/// compiling all of them up front was a third of every run's start-up, and
/// most rules never match a given batch.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// The pattern as searched: folded like document text, `(?i)` in
    /// front when the rule ignores case.
    source: String,
    /// No match can hold a line break: the pattern is searched line by
    /// line in windows of a large text instead of over all of it.
    pub(crate) within_a_line: bool,
    /// Literals one of which every match holds ([`literals`]), `None` when
    /// none are known; taken by the rule set's gates.
    gate: Option<Vec<Vec<u8>>>,
    regex: OnceLock<regex_automata::meta::Regex>,
    /// The same regex built without the parts that only pay over long
    /// texts (prefilters, a full DFA, the capture engines): a third of
    /// the cost to build, and what a short text is searched with.
    light: OnceLock<regex_automata::meta::Regex>,
}

impl Pattern {
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compiled pattern. It compiled already, within the same limits,
    /// as part of the rule set's pattern set, so building it again cannot
    /// fail in practice; should it, the panic is caught with the document
    /// (which is then `failed`, never passed).
    pub(crate) fn regex(&self) -> &regex_automata::meta::Regex {
        self.regex.get_or_init(|| {
            build_meta(&self.source, Build::Full)
                .unwrap_or_else(|e| panic!("pattern `{}` no longer compiles: {e}", self.source))
        })
    }

    /// The compiled pattern to search a text of `len` bytes with: the
    /// light build for a short text, where its matches are found as fast
    /// (both builds find the same matches: one regex, other engines).
    pub(crate) fn regex_for(&self, len: usize) -> &regex_automata::meta::Regex {
        if len > LIGHT_REGEX_TEXT {
            return self.regex();
        }
        self.light.get_or_init(|| {
            build_meta(&self.source, Build::Light)
                .unwrap_or_else(|e| panic!("pattern `{}` no longer compiles: {e}", self.source))
        })
    }
}

/// What `build.rs` worked out of the built-in packs' patterns with
/// [`literals`]: (source as searched, gating literals, whether a match can
/// hold a line break), sorted by source.
type PrebuiltAnalysis = (&'static str, Option<&'static [&'static [u8]]>, bool);
static PREBUILT_ANALYSIS: &[PrebuiltAnalysis] =
    include!(concat!(env!("OUT_DIR"), "/pattern_analysis.rs"));

/// The gate and line-locality of a pattern `build.rs` read (a built-in
/// pack's, searched as written), `None` for any other pattern.
fn prebuilt_analysis(source: &str) -> Option<(Option<Vec<Vec<u8>>>, bool)> {
    let index = PREBUILT_ANALYSIS
        .binary_search_by(|(known, _, _)| (*known).cmp(source))
        .ok()?;
    let (_, gate, crosses_lines) = PREBUILT_ANALYSIS[index];
    Some((
        gate.map(|literals| literals.iter().map(|l| l.to_vec()).collect()),
        !crosses_lines,
    ))
}

/// Each built-in pattern as written and as [`fold_pattern`] folds it,
/// folded by `build.rs` (the same function), sorted by the first.
static PREBUILT_FOLDS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/folded_patterns.rs"));

/// `pattern` folded: looked up when it is a built-in pack's, else folded
/// now (folding the built-in packs' patterns was 0.7 M instructions of
/// every run).
fn folded(pattern: &str) -> Cow<'static, str> {
    match PREBUILT_FOLDS.binary_search_by(|(known, _)| (*known).cmp(pattern)) {
        Ok(index) => Cow::Borrowed(PREBUILT_FOLDS[index].1),
        Err(_) => Cow::Owned(fold_pattern(pattern)),
    }
}

/// Limits shared by the rule set's pattern set and each rule's own regex,
/// so one that compiled within the set compiles alone.
const PATTERN_SIZE_LIMIT: usize = 256 * 1024 * 1024;

/// Up to this many bytes a text is searched with a pattern's light build.
/// The prefilters a full build adds skip through long texts to where a
/// match may start; over a few kilobytes they save less than building
/// them costs (measured: a rule's IPv4 pattern, compiled for any text
/// with a `.` in it, took 1.5 M instructions in full and 0.4 M light).
const LIGHT_REGEX_TEXT: usize = 16 * 1024;

#[derive(Clone, Copy)]
enum Build {
    Full,
    Light,
}

fn build_meta(source: &str, build: Build) -> Result<regex_automata::meta::Regex, String> {
    let config = regex_automata::meta::Config::new()
        .nfa_size_limit(Some(PATTERN_SIZE_LIMIT))
        .hybrid_cache_capacity(32 * 1024 * 1024);
    let config = match build {
        Build::Full => config,
        // Leaves the lazy DFA (forward and reverse) and the PikeVM.
        Build::Light => config
            .auto_prefilter(false)
            .dfa(false)
            .onepass(false)
            .backtrack(false),
    };
    regex_automata::meta::Builder::new()
        .configure(config)
        .build(source)
        .map_err(|e| e.to_string())
}

/// A literal term (normalised) with what a lexicon says about it: its own
/// severity, category and reason (`term<TAB>severity<TAB>reason`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub severity: Option<Severity>,
    pub category: Option<Category>,
    pub reason: Option<Arc<str>>,
    /// A pinyin spelling generated for a term that asked for it: matched
    /// without regard to case, whatever the rule says.
    pub spelled: bool,
}

/// A `message_zh`/`message_en` value, trimmed.
fn translation(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// `message_zh`/`message_en` of the pack: the message in each report
    /// language, where the pack gives it.
    pub messages: Messages,
    pub description: Option<String>,
    pub pack: String,
    pub matcher: Matcher,
    pub validator: Option<Validator>,
    pub parts: Option<Vec<Part>>,
    pub not_within: Vec<String>,
    pub line: LineShape,
    pub first_lines: Option<usize>,
    pub boundary: Boundary,
    pub near: Option<Near>,
    pub not_near: Option<Near>,
    pub downgrades: Vec<Downgrade>,
    pub escalations: Vec<Escalation>,
    pub mask: bool,
    pub examples_match: Vec<MatchExample>,
    pub examples_no_match: Vec<String>,
    /// Also find the terms with noise characters between their characters
    /// (`法*轮*功`; see [`crate::rules::noise`]).
    pub noise: bool,
    /// The part the examples are read as.
    pub examples_part: Part,
    /// The rule as written, for `rules show`.
    pub spec: RuleSpec,
}

impl Rule {
    /// Every condition of the rule that looks for terms around its match:
    /// `near`, `not_near` and the downgrades that read terms.
    pub fn nears(&self) -> impl Iterator<Item = &Near> {
        let downgrades = self.downgrades.iter().filter_map(|d| match &d.condition {
            DowngradeCondition::Near(near)
            | DowngradeCondition::NotNear(near)
            | DowngradeCondition::Introduced(near) => Some(near),
            DowngradeCondition::Quoted => None,
        });
        self.near.iter().chain(&self.not_near).chain(downgrades)
    }
}

/// A text a rule must find, and the severity the finding must have if the
/// example says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchExample {
    pub text: String,
    pub severity: Option<Severity>,
}

/// Raise a finding's severity when the document holds another finding of
/// one of `rules` at `review` or above (see [`crate::rules::apply`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escalation {
    pub to: Severity,
    pub rules: Vec<String>,
    pub reason: String,
}

/// A pattern set compiled from its patterns' text the first time it is
/// asked for. Its patterns compiled already (in the rule set's own set, or
/// as built-in packs do in this crate's tests) within the same limits, so
/// it cannot fail to build in practice; should it, the panic is caught with
/// the document (which is then `failed`, never passed).
#[derive(Debug)]
pub(super) struct LazyPatternSet {
    sources: Vec<String>,
    cache_capacity: usize,
    set: OnceLock<PatternSet>,
}

impl LazyPatternSet {
    fn new(sources: Vec<String>, cache_capacity: usize) -> LazyPatternSet {
        LazyPatternSet {
            sources,
            cache_capacity,
            set: OnceLock::new(),
        }
    }

    /// A set compiled already.
    fn built(sources: Vec<String>, set: PatternSet) -> LazyPatternSet {
        LazyPatternSet {
            sources,
            cache_capacity: 0,
            set: OnceLock::from(set),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn get(&self) -> &PatternSet {
        self.set.get_or_init(|| {
            let sources: Vec<&str> = self.sources.iter().map(String::as_str).collect();
            PatternSet::new(&sources, PATTERN_SIZE_LIMIT, self.cache_capacity)
                .unwrap_or_else(|e| panic!("a pattern set no longer compiles: {e}"))
        })
    }
}

/// The patterns that can match across a line break, with their rule
/// indices, and their own pattern set, built the first time a text large
/// enough to be searched in windows is met.
#[derive(Debug)]
pub(super) struct CrossingPatterns {
    set: LazyPatternSet,
    pub rules: Vec<usize>,
}

impl CrossingPatterns {
    /// The set, `None` when no pattern can cross a line.
    pub fn set(&self) -> Option<&PatternSet> {
        (!self.set.is_empty()).then(|| self.set.get())
    }
}

/// All rules of a run, compiled.
pub struct RuleSet {
    pub(super) rules: Vec<Rule>,
    pub(super) packs: Vec<LoadedPack>,
    /// Case-sensitive and case-insensitive literal automata, each with the
    /// owners of every pattern id.
    pub(super) literal: Vec<TermAutomaton>,
    /// The same for the terms of rules with `noise: true` alone, for the
    /// pass over a segment's skeleton; `None` when those are all the terms
    /// (then `literal` serves).
    pub(super) noise_literal: Option<Vec<TermAutomaton>>,
    /// The longest term (in bytes) of a rule with `noise: true`, `None`
    /// when no rule has one: how far around a noise gap the skeleton is
    /// searched.
    pub(super) noise_reach: Option<usize>,
    /// Every pattern, to learn which occur in a long text: built the first
    /// time one is met when every pack is built in (a test builds it), at
    /// once for any other pack, so that a pattern too big to compile is
    /// an error of the pack.
    pub(super) pattern_set: LazyPatternSet,
    /// Which patterns may occur in a short text (see [`gate`]).
    pub(super) gates: PatternGates,
    /// Rule index of each pattern in `pattern_set`.
    pub(super) pattern_rules: Vec<usize>,
    /// The patterns that can match across a line break, in a set of their
    /// own and with their rule indices: in a large text they are looked
    /// for over all of it, once, not window by window.
    pub(super) crossing: CrossingPatterns,
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .field("packs", &self.packs.len())
            .finish()
    }
}

impl RuleSet {
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Every term a condition looks for anywhere in the document
    /// (`within: 0`), each once, in rule order.
    pub fn document_terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        for rule in &self.rules {
            for near in rule.nears().filter(|near| near.within == 0) {
                for term in &near.terms {
                    if !terms.contains(term) {
                        terms.push(term.clone());
                    }
                }
            }
        }
        terms
    }

    /// The widest `within:` distance of any condition, in characters: how
    /// much text either side of a match its conditions can read.
    pub fn widest_condition(&self) -> usize {
        self.rules
            .iter()
            .flat_map(Rule::nears)
            .map(|near| near.within)
            .max()
            .unwrap_or(0)
    }

    pub fn packs(&self) -> &[LoadedPack] {
        &self.packs
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// What every review records of the rules: each pack's name, version,
    /// origin and SHA-256, and the digest over the packs' digests in load
    /// order — never their text: a review (and the SARIF uploaded to a
    /// code-scanning service) must not publish the office's watch-list.
    pub fn info(&self) -> RulesInfo {
        let mut info = self.info_embedded();
        for pack in &mut info.packs {
            pack.source = None;
            pack.terms_files.clear();
        }
        info
    }

    /// [`RuleSet::info`] with every pack's YAML and term files embedded
    /// (`scan --embed-rules`): a self-contained audit record that `prepub
    /// verify` reruns with nothing else.
    pub fn info_embedded(&self) -> RulesInfo {
        let mut hasher = Sha256::new();
        for pack in &self.packs {
            hasher.update(pack.info.sha256.as_bytes());
            hasher.update(b"\n");
        }
        RulesInfo {
            digest: format!("sha256:{}", hex::encode(hasher.finalize())),
            packs: self.packs.iter().map(|pack| pack.info.clone()).collect(),
        }
    }

    /// The built-in packs.
    pub fn builtin() -> Result<RuleSet, Vec<RuleError>> {
        load_sources(&super::builtin_sources())
    }
}

/// Reads a pack file, or every `.yaml`/`.yml` file of a directory (sorted).
pub fn sources_from_path(path: &Path) -> Result<Vec<PackSource>, RuleError> {
    let error = |message: String| RuleError {
        location: path.display().to_string(),
        message,
    };
    let metadata = std::fs::metadata(path).map_err(|e| error(format!("cannot read: {e}")))?;
    let mut files = Vec::new();
    if metadata.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| error(format!("cannot list: {e}")))?;
        for entry in entries {
            let entry = entry.map_err(|e| error(format!("cannot list: {e}")))?;
            let file = entry.path();
            let is_yaml = file
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
            if is_yaml && file.is_file() {
                files.push(file);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(error("no .yaml rule packs in this directory".into()));
        }
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file).map_err(|e| RuleError {
                location: file.display().to_string(),
                message: format!("cannot read: {e}"),
            })?;
            let yaml = String::from_utf8(bytes).map_err(|_| RuleError {
                location: file.display().to_string(),
                message: "rule packs must be UTF-8".into(),
            })?;
            Ok(PackSource {
                origin: file.display().to_string(),
                yaml,
                base_dir: file.parent().map(Path::to_path_buf),
                ..PackSource::default()
            })
        })
        .collect()
}

/// Parses, checks and compiles packs. Every error found is returned, not
/// just the first, so `rules check` can list them all.
pub fn load_sources(sources: &[PackSource]) -> Result<RuleSet, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut rules = Vec::new();
    let mut packs = Vec::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    for source in sources {
        // A built-in pack's text, byte for byte, is read from the JSON
        // `build.rs` made of it: the same pack, faster to parse. Any other
        // text (an edited copy labelled built-in included) is read as YAML.
        let parsed = super::builtin::prebuilt_json(&source.yaml)
            .and_then(|json| serde_json::from_str::<PackSpec>(json).ok());
        let mut spec: PackSpec =
            match parsed.map_or_else(|| serde_saphyr::from_str(&source.yaml), Ok) {
                Ok(spec) => spec,
                Err(error) => {
                    errors.push(yaml_error(&source.origin, &error));
                    continue;
                }
            };
        let mut hasher = PackDigest::new(&source.yaml);
        let mut terms_files = BTreeMap::new();
        for rule_spec in std::mem::take(&mut spec.rules) {
            let location = format!("{}: rule {}", source.origin, rule_spec.id);
            if !seen_ids.insert(rule_spec.id.clone()) {
                errors.push(RuleError {
                    location,
                    message: format!("duplicate rule id `{}`", rule_spec.id),
                });
                continue;
            }
            match compile_rule(rule_spec, &spec.name, source, &mut hasher, &mut terms_files) {
                Ok(rule) => rules.push(rule),
                Err(messages) => errors.extend(messages.into_iter().map(|message| RuleError {
                    location: location.clone(),
                    message,
                })),
            }
        }
        packs.push(LoadedPack {
            info: PackInfo {
                name: spec.name.clone(),
                version: spec.version.clone(),
                sha256: hasher.finish(),
                origin: Some(source.origin.clone()),
                source: Some(source.yaml.clone()),
                terms_files,
            },
            origin: source.origin.clone(),
            description: spec.description.clone(),
            yaml: source.yaml.clone(),
        });
    }
    check_escalation_targets(&rules, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    build(rules, packs).map_err(|message| {
        vec![RuleError {
            location: "rule set".into(),
            message,
        }]
    })
}

/// `escalate: when_document_has:` must name rules of this rule set; a typo
/// would otherwise silently never escalate.
fn check_escalation_targets(rules: &[Rule], errors: &mut Vec<RuleError>) {
    let known: HashSet<&str> = rules.iter().map(|rule| rule.id.as_str()).collect();
    for rule in rules {
        for escalation in &rule.escalations {
            for target in &escalation.rules {
                if !known.contains(target.as_str()) {
                    errors.push(RuleError {
                        location: format!("rule {}", rule.id),
                        message: format!(
                            "`escalate: when_document_has` names `{target}`, which is not a rule of this rule set"
                        ),
                    });
                }
            }
        }
    }
}

fn yaml_error(origin: &str, error: &serde_saphyr::Error) -> RuleError {
    let location = match error.location() {
        Some(at) => format!("{origin}:{}:{}", at.line(), at.column()),
        None => origin.to_owned(),
    };
    let message = error.to_string();
    // The library's message may repeat the position; keep its first line.
    let message = message.lines().next().unwrap_or("invalid YAML").to_owned();
    RuleError {
        location,
        message: format!("invalid rule pack: {message}"),
    }
}

/// A pack's SHA-256: of its text, then of each terms file its rules read,
/// in turn. A built-in pack's text was digested by `build.rs` (hashing it
/// was 4% of the instructions of a scan of a one-line file); it is hashed
/// again only should a terms file follow it.
struct PackDigest<'a> {
    text: &'a str,
    state: DigestState,
}

enum DigestState {
    Known(&'static str),
    Hashing(Sha256),
}

impl<'a> PackDigest<'a> {
    fn new(text: &'a str) -> PackDigest<'a> {
        let state = match super::builtin::prebuilt_sha256(text) {
            Some(digest) => DigestState::Known(digest),
            None => DigestState::Hashing(Self::hashing(text)),
        };
        PackDigest { text, state }
    }

    fn hashing(text: &str) -> Sha256 {
        let mut hasher = Sha256::new();
        hasher.update(text.as_bytes());
        hasher
    }

    fn update(&mut self, bytes: &[u8]) {
        if let DigestState::Known(_) = self.state {
            self.state = DigestState::Hashing(Self::hashing(self.text));
        }
        if let DigestState::Hashing(hasher) = &mut self.state {
            hasher.update(bytes);
        }
    }

    fn finish(self) -> String {
        match self.state {
            DigestState::Known(digest) => digest.to_owned(),
            DigestState::Hashing(hasher) => hex::encode(hasher.finalize()),
        }
    }
}

fn compile_rule(
    spec: RuleSpec,
    pack: &str,
    source: &PackSource,
    hasher: &mut PackDigest<'_>,
    terms_files: &mut BTreeMap<String, String>,
) -> Result<Rule, Vec<String>> {
    let mut errors = Vec::new();
    let category_name = spec.id.split('.').next().unwrap_or("");
    let category = Category::parse(category_name);
    if category.is_none() {
        errors.push(format!(
            "unknown category `{category_name}` (the first segment of the id); known: {}",
            Category::ALL.map(|c| c.as_str()).join(", ")
        ));
    }
    if spec.id.split('.').any(str::is_empty) || spec.id.contains(char::is_whitespace) {
        errors.push("rule ids are dotted words such as `marking.cn.level-star`".into());
    }
    let severity = parse_severity(&spec.severity, &mut errors);
    if spec.message.trim().is_empty() {
        errors.push("`message` must say what the finding means".into());
    }
    for (key, value) in [
        ("message_zh", &spec.message_zh),
        ("message_en", &spec.message_en),
    ] {
        if value.as_ref().is_some_and(|m| m.trim().is_empty()) {
            errors.push(format!(
                "`{key}` is empty: give the message or leave the key out"
            ));
        }
    }
    let case_sensitive = spec.case_sensitive.unwrap_or(true);
    let matcher_count = [
        spec.terms.is_some(),
        spec.terms_file.is_some(),
        spec.pattern.is_some(),
    ]
    .iter()
    .filter(|&&present| present)
    .count();
    if matcher_count != 1 {
        errors.push("a rule needs exactly one of `terms`, `terms_file` or `pattern`".into());
    }
    let mut entries: Vec<LexiconEntry> = Vec::new();
    if let Some(terms) = &spec.terms {
        entries.extend(terms.iter().map(|t| LexiconEntry {
            term: t.clone(),
            ..LexiconEntry::default()
        }));
    }
    if let Some(file) = &spec.terms_file {
        match read_terms_file(file, source) {
            Ok(text) => {
                hasher.update(text.as_bytes());
                match parse_lexicon(file, &text) {
                    Ok(read) => entries.extend(read),
                    Err(messages) => errors.extend(messages),
                }
                terms_files.insert(file.clone(), text);
            }
            Err(message) => errors.push(message),
        }
    }
    let matcher = if let Some(pattern) = &spec.pattern {
        match compile_pattern(pattern, case_sensitive) {
            Ok(regex) => Some(Matcher::Pattern(regex)),
            Err(message) => {
                errors.push(message);
                None
            }
        }
    } else {
        let terms = terms_of(entries);
        if terms.is_empty() && matcher_count == 1 && spec.terms_file.is_none() {
            errors.push("the term list is empty".into());
        }
        let count = terms.len();
        Some(Matcher::Terms { terms, count })
    };
    let validator = spec.validator.as_deref().and_then(|name| {
        let found = Validator::parse(name);
        if found.is_none() {
            errors.push(format!(
                "unknown validator `{name}`; known: {}",
                Validator::names().join(", ")
            ));
        }
        found
    });
    let parts: Option<Vec<Part>> = spec.parts.as_ref().map(|names| {
        names
            .iter()
            .filter_map(|name| {
                let part = Part::parse(name);
                if part.is_none() {
                    errors.push(format!(
                        "unknown part `{name}`; known: {}",
                        Part::ALL.map(|p| p.as_str()).join(", ")
                    ));
                }
                part
            })
            .collect()
    });
    let line = match spec.line.as_deref() {
        None => LineShape::Any,
        Some("standalone") => LineShape::Standalone,
        Some("own-line") => LineShape::OwnLine,
        Some("checkbox") => LineShape::Checkbox,
        Some("field-value") => LineShape::FieldValue,
        Some(other) => {
            errors.push(format!(
                "`line: {other}` is not known; use `line: standalone`, `own-line`, `checkbox` or `field-value`"
            ));
            LineShape::Any
        }
    };
    let first_lines = spec.scope.as_deref().and_then(|scope| {
        let parsed = scope
            .strip_prefix("first-lines")
            .map(str::trim)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n > 0);
        if parsed.is_none() {
            errors.push(format!(
                "`scope: {scope}` is not known; use `scope: first-lines N`"
            ));
        }
        parsed
    });
    let boundary = match spec.boundary.as_deref() {
        None | Some("auto") => Boundary::Auto,
        Some("digit") => Boundary::Digit,
        Some("none") => Boundary::None,
        Some(other) => {
            errors.push(format!(
                "`boundary: {other}` is not known; use auto, digit or none"
            ));
            Boundary::Auto
        }
    };
    let side = |name: Option<&str>, errors: &mut Vec<String>| {
        Side::parse(name).unwrap_or_else(|| {
            errors.push(format!(
                "`side: {}` is not known; use both, before or after",
                name.unwrap_or("")
            ));
            Side::Both
        })
    };
    let near = spec.near.as_ref().map(|near| {
        let side = side(near.side.as_deref(), &mut errors);
        if near.terms.is_empty() {
            errors.push("`near` needs `terms`".into());
        }
        Near::new(&near.terms, near.within, side)
    });
    let not_near = spec.not_near.as_ref().map(|near| {
        let side = side(near.side.as_deref(), &mut errors);
        if near.terms.is_empty() {
            errors.push("`not_near` needs `terms`".into());
        }
        Near::new(&near.terms, near.within, side)
    });
    let mut downgrades = Vec::new();
    for downgrade in &spec.downgrade {
        let Some(to) = Severity::parse(&downgrade.to) else {
            errors.push(format!("downgrade to unknown severity `{}`", downgrade.to));
            continue;
        };
        let downgrade_side = side(downgrade.side.as_deref(), &mut errors);
        let condition = match downgrade.when.as_str() {
            "quoted" => DowngradeCondition::Quoted,
            "near" | "not_near" | "introduced" if downgrade.terms.is_empty() => {
                errors.push(format!(
                    "`downgrade: when: {}` needs `terms`",
                    downgrade.when
                ));
                continue;
            }
            "near" => DowngradeCondition::Near(Near::new(
                &downgrade.terms,
                downgrade.within,
                downgrade_side,
            )),
            "not_near" => DowngradeCondition::NotNear(Near::new(
                &downgrade.terms,
                downgrade.within,
                downgrade_side,
            )),
            "introduced" => {
                if downgrade.within == 0 {
                    errors.push(
                        "`downgrade: when: introduced` needs a distance (`within:` above 0)".into(),
                    );
                    continue;
                }
                DowngradeCondition::Introduced(Near::new(
                    &downgrade.terms,
                    downgrade.within,
                    Side::Before,
                ))
            }
            other => {
                errors.push(format!(
                    "`downgrade: when: {other}` is not known; use quoted, near, not_near or introduced"
                ));
                continue;
            }
        };
        downgrades.push(Downgrade {
            to,
            condition,
            reason: downgrade.reason.clone(),
            on_header_line: downgrade.on_header_line,
        });
    }
    let mut escalations = Vec::new();
    for escalate in &spec.escalate {
        let Some(to) = Severity::parse(&escalate.to) else {
            errors.push(format!("escalate to unknown severity `{}`", escalate.to));
            continue;
        };
        if severity.is_some_and(|base| to <= base) {
            errors.push(format!(
                "`escalate: to: {}` must be above the rule's severity `{}`",
                escalate.to, spec.severity
            ));
            continue;
        }
        if escalate.when_document_has.is_empty() {
            errors.push("`escalate` needs `when_document_has: [rule ids]`".into());
            continue;
        }
        escalations.push(Escalation {
            to,
            rules: escalate.when_document_has.clone(),
            reason: escalate.reason.clone(),
        });
    }
    let no_examples = ExamplesSpec::default();
    let examples = spec.examples.as_ref().unwrap_or(&no_examples);
    let examples_part = match examples.part.as_deref() {
        Some(name) => Part::parse(name).unwrap_or_else(|| {
            errors.push(format!(
                "unknown part `{name}` in examples; known: {}",
                Part::ALL.map(|p| p.as_str()).join(", ")
            ));
            Part::Body
        }),
        None => match &parts {
            Some(parts) if !parts.contains(&Part::Body) => {
                parts.first().copied().unwrap_or(Part::Body)
            }
            _ => Part::Body,
        },
    };
    let examples_match: Vec<MatchExample> = [
        (&examples.matching, None),
        (&examples.block, Some(Severity::Block)),
        (&examples.review, Some(Severity::Review)),
        (&examples.info, Some(Severity::Info)),
    ]
    .into_iter()
    .flat_map(|(texts, severity)| {
        texts.iter().map(move |text| MatchExample {
            text: text.clone(),
            severity,
        })
    })
    .collect();
    // A lexicon file may be empty (a starter pack) and has no fixed examples.
    if examples_match.is_empty() && spec.terms_file.is_none() {
        errors.push(
            "every rule needs `examples:` texts it must find (`match`, or `block`/`review`/`info` for a severity) that `rules test` checks"
                .into(),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(category), Some(severity), Some(matcher)) = (category, severity, matcher) else {
        return Err(vec!["invalid rule".into()]);
    };
    Ok(Rule {
        id: spec.id.clone(),
        category,
        severity,
        message: spec.message.trim().to_owned(),
        messages: Messages {
            zh: translation(&spec.message_zh),
            en: translation(&spec.message_en),
        },
        description: spec.description.clone(),
        pack: pack.to_owned(),
        matcher,
        validator,
        parts,
        not_within: spec.not_within.iter().map(|t| normalize_term(t)).collect(),
        line,
        first_lines,
        boundary,
        near,
        not_near,
        downgrades,
        escalations,
        mask: spec.mask.unwrap_or(category == Category::Personal),
        examples_match,
        examples_no_match: examples.no_match.clone(),
        noise: spec.noise.unwrap_or(spec.terms_file.is_some()),
        examples_part,
        spec,
    })
}

/// The normalised terms of a rule, each with the pinyin spellings it asked
/// for. Normalising is the bulk of loading a large lexicon: it is done once
/// per term, and a term that normalises to nothing is dropped.
fn terms_of(entries: Vec<LexiconEntry>) -> Vec<Term> {
    let mut terms = Vec::with_capacity(entries.len());
    for entry in entries {
        let text = normalize_term(entry.term.trim());
        if text.is_empty() {
            continue;
        }
        let mut spellings = Vec::new();
        if entry.pinyin {
            spellings.extend(full_spellings(&text));
        }
        if entry.initials {
            spellings.extend(initial_spellings(&text));
        }
        for spelling in spellings {
            terms.push(Term {
                text: spelling,
                severity: entry.severity,
                category: entry.category,
                reason: entry.reason.clone(),
                spelled: true,
            });
        }
        terms.push(Term {
            text,
            severity: entry.severity,
            category: entry.category,
            reason: entry.reason,
            spelled: false,
        });
    }
    terms
}

fn parse_severity(name: &str, errors: &mut Vec<String>) -> Option<Severity> {
    let severity = Severity::parse(name);
    if severity.is_none() {
        errors.push(format!(
            "unknown severity `{name}`; use block, review or info"
        ));
    }
    severity
}

fn compile_pattern(pattern: &str, case_sensitive: bool) -> Result<Pattern, String> {
    if contains_unicode_word_boundary(pattern) {
        return Err(format!(
            "pattern `{pattern}` uses `\\b`, which is Unicode-aware and finds no boundary between a Chinese character and a digit; use `(?-u:\\b)` or the rule's `boundary:` option"
        ));
    }
    // Document text is folded (機密 → 机密, ☆ → ★) before matching; fold the
    // pattern's own characters the same way so it still meets them.
    let folded = folded(pattern);
    let source = if case_sensitive {
        folded.into_owned()
    } else {
        format!("(?i){folded}")
    };
    // A built-in pack's pattern was read when prepub was built. Another is
    // read now: that finds every syntax error (with its place) without
    // compiling it; what is too big to compile is found with the set.
    let (gate, within_a_line) = match prebuilt_analysis(&source) {
        Some(known) => known,
        None => {
            let hir = regex_syntax::ParserBuilder::new()
                .build()
                .parse(&source)
                .map_err(|error| format!("invalid regex:\n{error}"))?;
            (
                literals::required_literals(&hir),
                !literals::can_hold_a_line_break(&hir),
            )
        }
    };
    Ok(Pattern {
        within_a_line,
        source,
        gate,
        regex: OnceLock::new(),
        light: OnceLock::new(),
    })
}

fn contains_unicode_word_boundary(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'\\' {
            if matches!(bytes[i + 1], b'b' | b'B') && !pattern[..i].ends_with("(?-u:") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// The text of a rule's `terms_file`: embedded in the review being
/// verified, or read next to the pack.
fn read_terms_file(file: &str, source: &PackSource) -> Result<String, String> {
    if let Some(text) = source.embedded_terms_files.get(file) {
        return Ok(text.clone());
    }
    let Some(base) = &source.base_dir else {
        return Err(format!(
            "terms_file `{file}` cannot be used in a built-in pack (or was not embedded in the review)"
        ));
    };
    let path = base.join(file);
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("cannot read terms_file {}: {e}", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| format!("terms_file {}: a lexicon must be UTF-8", path.display()))
}

/// From this many terms in the automata of rules that see through noise,
/// those and the main automata are built on two threads (a thread costs
/// more than a small automaton).
const PARALLEL_BUILD_TERMS: usize = 5_000;

/// The literal automata (case-sensitive, then case-insensitive) of the
/// terms of the rules `wanted` keeps, each with the owners of every pattern.
fn literal_automata(
    rules: &[Rule],
    wanted: impl Fn(&Rule) -> bool,
) -> Result<Vec<TermAutomaton>, String> {
    let mut literal = Vec::new();
    for case_sensitive in [true, false] {
        // Borrowed, not copied: a million-term lexicon would otherwise be
        // held three times while the automaton is built.
        let mut patterns: Vec<&str> = Vec::new();
        let mut owners: Vec<(u32, TermOwner)> = Vec::new();
        let mut index: HashMap<Cow<'_, str>, usize> = HashMap::new();
        for (rule_index, rule) in rules.iter().enumerate() {
            let Matcher::Terms { terms, .. } = &rule.matcher else {
                continue;
            };
            if !wanted(rule) {
                continue;
            }
            let rule_case = rule.spec.case_sensitive.unwrap_or(true);
            for term in terms {
                // Pinyin spellings ignore case whatever the rule says.
                if (rule_case && !term.spelled) != case_sensitive {
                    continue;
                }
                let key = if case_sensitive || !term.text.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Borrowed(term.text.as_str())
                } else {
                    Cow::Owned(term.text.to_ascii_lowercase())
                };
                let slot = *index.entry(key).or_insert_with(|| {
                    patterns.push(term.text.as_str());
                    patterns.len() - 1
                });
                let slot = u32::try_from(slot)
                    .map_err(|_| "more than 4,294,967,295 terms in one automaton".to_owned())?;
                owners.push((
                    slot,
                    TermOwner {
                        rule: rule_index,
                        severity: term.severity,
                        category: term.category,
                        reason: term.reason.clone(),
                    },
                ));
            }
        }
        drop(index);
        if patterns.is_empty() {
            continue;
        }
        let owners = TermOwners::from_slots(owners, patterns.len());
        literal.push(TermAutomaton::new(&patterns, !case_sensitive, owners)?);
    }
    Ok(literal)
}

fn build(mut rules: Vec<Rule>, packs: Vec<LoadedPack>) -> Result<RuleSet, String> {
    // The skeleton pass looks only for the terms of rules that see through
    // noise; when those are all the terms (a lexicon sees through noise by
    // default) the main automata serve, not a second copy of them.
    let term_rules = || {
        rules
            .iter()
            .filter(|rule| matches!(rule.matcher, Matcher::Terms { .. }))
    };
    let noise_terms: Option<usize> = (!term_rules().all(|rule| rule.noise)).then(|| {
        term_rules()
            .filter(|rule| rule.noise)
            .map(|rule| match &rule.matcher {
                Matcher::Terms { terms, .. } => terms.len(),
                Matcher::Pattern(_) => 0,
            })
            .sum()
    });
    let (literal, noise_literal) = match noise_terms {
        None => (literal_automata(&rules, |_| true)?, None),
        // A lexicon beside the built-in packs is in both automata: building
        // them one after the other was a tenth of a 200 MB scan with a
        // 50,000-term lexicon, and most of its start-up.
        Some(count) if count >= PARALLEL_BUILD_TERMS => std::thread::scope(|scope| {
            let noise = scope.spawn(|| literal_automata(&rules, |rule| rule.noise));
            let literal = literal_automata(&rules, |_| true);
            let noise = noise
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
            Ok::<_, String>((literal?, Some(noise?)))
        })?,
        Some(_) => (
            literal_automata(&rules, |_| true)?,
            Some(literal_automata(&rules, |rule| rule.noise)?),
        ),
    };
    // How far from a gap a term that spans it can reach, in bytes.
    let noise_reach = term_rules()
        .filter(|rule| rule.noise)
        .flat_map(|rule| match &rule.matcher {
            Matcher::Terms { terms, .. } => terms.iter().map(|term| term.text.len()).max(),
            _ => None,
        })
        .max();
    // The automata hold the terms now.
    for rule in &mut rules {
        if let Matcher::Terms { terms, .. } = &mut rule.matcher {
            *terms = Vec::new();
        }
    }

    let mut gates = Vec::new();
    for rule in &mut rules {
        if let Matcher::Pattern(pattern) = &mut rule.matcher {
            gates.push(pattern.gate.take());
        }
    }
    let mut patterns = Vec::new();
    let mut pattern_rules = Vec::new();
    for (rule_index, rule) in rules.iter().enumerate() {
        if let Matcher::Pattern(pattern) = &rule.matcher {
            patterns.push(pattern.as_str());
            pattern_rules.push(rule_index);
        }
    }
    // A generous lazy-DFA cache: with a small one the set's DFA is rebuilt
    // over and over on CJK text (measured: 80% of scan time in determinize).
    const SET_CACHE: usize = 256 * 1024 * 1024;
    let sources: Vec<String> = patterns.iter().map(|p| (*p).to_owned()).collect();
    let all_built_in = packs
        .iter()
        .all(|pack| super::builtin::prebuilt_sha256(&pack.yaml).is_some());
    let gates = PatternGates::new(&patterns, gates, PATTERN_SIZE_LIMIT);
    let pattern_set = if all_built_in {
        gates.map(|gates| (LazyPatternSet::new(sources, SET_CACHE), gates))
    } else {
        PatternSet::new(&patterns, PATTERN_SIZE_LIMIT, SET_CACHE)
            .and_then(|set| gates.map(|gates| (LazyPatternSet::built(sources, set), gates)))
    };
    let (pattern_set, gates) = match pattern_set {
        Ok(built) => built,
        // Name the rule whose pattern cannot be compiled.
        Err(error) => {
            for (pattern, &rule_index) in patterns.iter().zip(&pattern_rules) {
                if let Err(message) = build_meta(pattern, Build::Full) {
                    return Err(format!(
                        "rule {}: cannot compile its pattern: {message}",
                        rules[rule_index].id
                    ));
                }
            }
            return Err(format!("cannot build the pattern set: {error}"));
        }
    };
    let (crossing, crossing_rules): (Vec<String>, Vec<usize>) = patterns
        .iter()
        .zip(&pattern_rules)
        .filter(|&(_, &rule_index)| match &rules[rule_index].matcher {
            Matcher::Pattern(pattern) => !pattern.within_a_line,
            Matcher::Terms { .. } => false,
        })
        .map(|(pattern, &rule_index)| ((*pattern).to_owned(), rule_index))
        .unzip();
    let crossing = CrossingPatterns {
        set: LazyPatternSet::new(crossing, 64 * 1024 * 1024),
        rules: crossing_rules,
    };
    Ok(RuleSet {
        rules,
        packs,
        literal,
        noise_literal,
        noise_reach,
        pattern_set,
        gates,
        pattern_rules,
        crossing,
    })
}

#[cfg(test)]
mod tests;
