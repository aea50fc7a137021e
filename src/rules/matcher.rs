//! Finding rule matches in one normalised segment and checking each rule's
//! context conditions.

use super::compile::{Rule, RuleSet, TermOwner};
use super::conditions::{Boundary, DowngradeCondition, LineShape, Near, Side};
use super::noise::Skeleton;
use super::normalize::normalize;
use super::window::Windowing;
use crate::extract::document::{Category, Part, Segment, Severity, TextKind};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The first non-empty lines of a document that are its header position
/// (GB/T 9704 版头: 份号, 密级和保密期限, 紧急程度, 发文机关标志 …; a banner at
/// the top of an English document).
pub const HEADER_LINES: usize = 8;

/// One segment as the matcher sees it.
pub struct SegmentView<'a> {
    pub part: Part,
    /// Writing or source code: in code, no condition reads the text around
    /// a match as writing.
    pub kind: TextKind,
    /// Normalised text.
    pub text: &'a str,
    /// Non-empty lines of the document's body before this segment, for
    /// `scope: first-lines N`.
    pub body_lines_before: usize,
    /// Text of a picture that is a page or the whole document (a scan).
    pub page_picture: bool,
    pub document: &'a DocumentIndex<'a>,
    /// Where the segment's first non-empty lines end, computed on first use.
    pub top_lines: TopLines,
}

impl SegmentView<'_> {
    /// Non-empty lines above this segment's first line on its page, where
    /// "the top of the document" applies: the body's lines before it; none
    /// for the text of a picture that is a page (a scan: its 版头 is at the
    /// top of the picture, wherever the picture sits) or that is all the
    /// document has; `None` for a picture among a page's text (a figure in
    /// a guide is not the document's top) and for other parts.
    pub fn top_lines_before(&self) -> Option<usize> {
        match self.part {
            Part::Body => Some(self.body_lines_before),
            Part::Image => (self.page_picture || self.body_lines_before == 0).then_some(0),
            _ => None,
        }
    }
}

/// The end offsets of a segment's first [`TopLines::KEPT`] non-empty lines,
/// so `scope: first-lines N` costs a lookup per match instead of a scan from
/// the top of the segment.
#[derive(Debug, Default)]
pub struct TopLines {
    ends: std::cell::OnceCell<Vec<usize>>,
}

impl TopLines {
    const KEPT: usize = 64;

    /// Where the `n`th non-empty line of `text` ends (`n` ≥ 1), or `None`
    /// when it has fewer: a match starting after it is on a later line.
    fn nth_end(&self, text: &str, n: usize) -> Option<usize> {
        if n <= Self::KEPT {
            return self.ends(text).get(n - 1).copied();
        }
        let mut seen = 0;
        let mut offset = 0;
        for line in text.split('\n') {
            offset += line.len();
            if !line.trim().is_empty() {
                seen += 1;
                if seen == n {
                    return Some(offset);
                }
            }
            offset += 1;
        }
        None
    }

    /// The end offsets of the first [`TopLines::KEPT`] non-empty lines.
    fn ends(&self, text: &str) -> &[usize] {
        self.ends.get_or_init(|| {
            let mut ends = Vec::new();
            let mut offset = 0;
            for line in text.split('\n') {
                offset += line.len();
                if !line.trim().is_empty() {
                    ends.push(offset);
                    if ends.len() == Self::KEPT {
                        break;
                    }
                }
                offset += 1;
            }
            ends
        })
    }

    /// Non-empty lines from the start of `text` through the one holding
    /// `at`; any count above `limit` is reported as `limit + 1`.
    fn count_through(&self, text: &str, at: usize, limit: usize) -> usize {
        if limit >= Self::KEPT {
            return nonempty_lines_through(text, at, limit);
        }
        let ends = self.ends(text);
        // Lines ending before `at` are above it; the next kept line is the
        // (non-empty) one holding the match.
        let above = ends.partition_point(|&end| end < at);
        if above >= ends.len() {
            // Below every kept line, so below any limit under KEPT.
            return limit + 1;
        }
        (above + 1).min(limit + 1)
    }
}

/// Document-wide facts that conditions with `within: 0` need.
///
/// Borrows the segments' normalised texts: a copy of every text of a large
/// document cost as much memory as the document and showed up as the
/// biggest `memmove` in the matching profile. A document too large to hold
/// normalised whole is matched window by window instead, and its index is
/// the answer for every such term, found in a pass of its own before
/// matching ([`DocumentTermScan`]).
pub struct DocumentIndex<'a> {
    source: IndexSource<'a>,
    /// Shared by the threads matching a large text's windows.
    cache: Mutex<HashMap<String, bool>>,
}

impl std::fmt::Debug for DocumentIndex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            IndexSource::Texts(texts) => format!("{} texts", texts.len()),
            IndexSource::Deferred { found, .. } => match found.get() {
                Some(found) => format!("{} terms", found.len()),
                None => "not scanned yet".to_owned(),
            },
        };
        f.debug_struct("DocumentIndex")
            .field("source", &source)
            .finish()
    }
}

enum IndexSource<'a> {
    /// The segments' normalised texts, searched for a term when first asked.
    Texts(Vec<&'a str>),
    /// Which of the rule set's document-wide terms occur in the segments,
    /// found window by window when first asked: most large texts never
    /// hold a match whose rule asks, and are then not normalised twice.
    Deferred {
        segments: &'a [Segment],
        rules: &'a RuleSet,
        windowing: Windowing,
        overlap: usize,
        found: OnceLock<HashMap<String, bool>>,
    },
}

impl Default for DocumentIndex<'_> {
    fn default() -> Self {
        DocumentIndex::new(Vec::new())
    }
}

impl<'a> DocumentIndex<'a> {
    pub fn new(normalised_texts: Vec<&'a str>) -> DocumentIndex<'a> {
        DocumentIndex {
            source: IndexSource::Texts(normalised_texts),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The index of a document too large to hold normalised whole: which
    /// of the rule set's document-wide terms ([`RuleSet::document_terms`])
    /// its segments hold, looked for in the windows `windowing` cuts them
    /// into, on first need.
    pub fn deferred(
        segments: &'a [Segment],
        rules: &'a RuleSet,
        windowing: Windowing,
        overlap: usize,
    ) -> DocumentIndex<'a> {
        DocumentIndex {
            source: IndexSource::Deferred {
                segments,
                rules,
                windowing,
                overlap,
                found: OnceLock::new(),
            },
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn contains(&self, term: &str) -> bool {
        let texts = match &self.source {
            IndexSource::Deferred {
                segments,
                rules,
                windowing,
                overlap,
                found,
            } => {
                let found = found.get_or_init(|| {
                    let mut scan = DocumentTermScan::new(rules);
                    for segment in *segments {
                        for window in windowing.windows(&segment.text, *overlap) {
                            scan.feed(&normalize(window.text(&segment.text)).text);
                        }
                    }
                    scan.finish()
                });
                // Every term a condition asks for was scanned for
                // ([`RuleSet::document_terms`]); one that was not is a
                // bug, and must not read as absent: the panic makes the
                // document `failed`, not `pass`.
                return *found.get(term).unwrap_or_else(|| {
                    panic!("document-wide term {term:?} was not looked for before matching")
                });
            }
            IndexSource::Texts(texts) => texts,
        };
        let cache = || self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache().get(term) {
            return *found;
        }
        let found = texts.iter().any(|text| text.contains(term));
        cache().insert(term.to_owned(), found);
        found
    }
}

/// Looks for the rule set's document-wide terms in a document's normalised
/// texts fed one at a time, so that a document matched window by window
/// gets the same [`DocumentIndex`] as one held whole.
struct DocumentTermScan {
    terms: Vec<String>,
    found: Vec<bool>,
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl DocumentTermScan {
    fn new(rules: &RuleSet) -> DocumentTermScan {
        let terms = rules.document_terms();
        // Built from plain strings with default settings: it cannot fail
        // short of a pathological number of terms, which then are looked
        // for one by one.
        let automaton = aho_corasick::AhoCorasick::new(&terms).ok();
        DocumentTermScan {
            found: vec![false; terms.len()],
            terms,
            automaton,
        }
    }

    fn feed(&mut self, normalised: &str) {
        if self.found.iter().all(|&found| found) {
            return;
        }
        match &self.automaton {
            Some(automaton) => {
                for hit in automaton.find_overlapping_iter(normalised) {
                    self.found[hit.pattern().as_usize()] = true;
                }
            }
            None => {
                for (term, found) in self.terms.iter().zip(&mut self.found) {
                    *found = *found || normalised.contains(term.as_str());
                }
            }
        }
    }

    /// Each document-wide term and whether it was found.
    fn finish(self) -> HashMap<String, bool> {
        self.terms.into_iter().zip(self.found).collect()
    }
}

/// A rule match in normalised coordinates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawMatch {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub severity: Severity,
    /// The category a lexicon gives the term, instead of the rule's.
    pub category: Option<Category>,
    /// Downgrade reasons, appended to the message.
    pub reasons: Vec<String>,
    /// The conditions that were checked, for `--explain`.
    pub explain: Vec<String>,
}

impl RuleSet {
    /// All accepted matches in one segment, ordered by position.
    pub fn find(&self, view: &SegmentView<'_>) -> Vec<RawMatch> {
        let text = view.text;
        let mut found = Vec::new();
        for terms in &self.literal {
            for hit in terms.for_text(text).find_iter(text) {
                for owner in terms.owners.of(hit.pattern().as_usize()) {
                    if let Some(matched) = self.accept_term(owner, view, hit.start(), hit.end()) {
                        found.push(matched);
                    }
                }
            }
        }
        // Terms with noise characters between their characters: a second
        // pass over the text with the gaps taken out, only for segments that
        // have gaps and only for the rules that ask for it.
        if let Some(reach) = self.noise_reach {
            let automata = self.noise_literal.as_ref().unwrap_or(&self.literal);
            for skeleton in Skeleton::windows(text, reach) {
                for terms in automata {
                    for hit in terms.for_text(&skeleton.text).find_iter(&skeleton.text) {
                        let Some((start, end)) = skeleton.original_range(hit.start(), hit.end())
                        else {
                            continue;
                        };
                        for owner in terms.owners.of(hit.pattern().as_usize()) {
                            if !self.rules[owner.rule].noise {
                                continue;
                            }
                            if let Some(mut matched) = self.accept_term(owner, view, start, end) {
                                matched.explain.push(
                                    "found with noise characters between its characters".into(),
                                );
                                found.push(matched);
                            }
                        }
                    }
                }
            }
        }
        if !self.pattern_rules.is_empty() {
            self.find_patterns(view, &mut found, PATTERN_WINDOW);
        }
        found.sort_by_key(|m| (m.start, m.end, m.rule));
        found
    }
}

/// Up to this many bytes a segment's patterns are chosen by their literals
/// ([`super::compile`]'s gates) rather than by the set of all patterns.
const GATED_TEXT: usize = 16 * 1024;

/// Past this many bytes a segment's patterns are looked for window by
/// window (whole lines, about this long): the pattern set says which
/// patterns occur in each window and only those windows are searched for
/// them. Over a whole large text the set flagged nearly every pattern, and
/// each was then searched for over all of it (43% of matching time).
///
/// A review window of a large text ([`super::window`], 1 MiB and its
/// overlaps) is under it, so it is searched as one: cut into windows of
/// 256 KiB as well, the patterns that can cross a line took a pass of
/// their own set over it, and its patterns cost 1.24 times as much (50 MB
/// of the bench text in 1 MiB windows: 403 ms vs 326 ms).
const PATTERN_WINDOW: usize = 2 * 1024 * 1024;

impl RuleSet {
    /// The accepted matches of the pattern rules in one segment.
    /// `window` is [`PATTERN_WINDOW`] but for the tests.
    fn find_patterns(&self, view: &SegmentView<'_>, found: &mut Vec<RawMatch>, window: usize) {
        let text = view.text;
        if text.len() <= window {
            // A short text is asked which patterns may occur by their
            // literals: no pattern need be compiled for it but those that
            // may. Over a longer one a pass of the set of all patterns is
            // faster than searching each candidate on its own.
            let candidates = if text.len() <= GATED_TEXT {
                self.gates.candidates(text)
            } else {
                self.pattern_set.get().matches(text)
            };
            for index in candidates {
                let rule_index = self.pattern_rules[index];
                if let Some(last) = pattern_last_start(&self.rules[rule_index], view) {
                    self.search_pattern(rule_index, view, 0..text.len(), last, found);
                }
            }
            return;
        }
        // Where each pattern's matches can start (`None`: nowhere in this
        // segment), worked out once per segment, on first need. Patterns
        // that can hold a line break are set to `None` here, so the windows
        // skip them: a window boundary could cut their match, and they are
        // searched over the whole segment, once, just below.
        let mut last_starts: Vec<Option<Option<usize>>> = vec![None; self.pattern_rules.len()];
        for (index, &rule_index) in self.pattern_rules.iter().enumerate() {
            if !self.pattern_of(rule_index).within_a_line {
                last_starts[index] = Some(None);
            }
        }
        if let Some(set) = self.crossing.set() {
            for index in set.matches(text) {
                let rule_index = self.crossing.rules[index];
                if let Some(last) = pattern_last_start(&self.rules[rule_index], view) {
                    self.search_pattern(rule_index, view, 0..text.len(), last, found);
                }
            }
        }
        let mut start = 0;
        while start < text.len() {
            let end = window_end(text, start, window);
            let window = &text[start..end];
            // Matched on the window alone, a pattern may be reported where
            // the whole text has none (`^` at the window's first line):
            // never the other way round, for a match within a line is
            // within a window. The search below sees the whole text.
            for index in self.pattern_set.get().matches(window) {
                let last_start = *last_starts[index].get_or_insert_with(|| {
                    pattern_last_start(&self.rules[self.pattern_rules[index]], view)
                });
                if let Some(last) = last_start.filter(|&last| start <= last) {
                    let rule_index = self.pattern_rules[index];
                    self.search_pattern(rule_index, view, start..end, last, found);
                }
            }
            start = end;
        }
    }

    fn pattern_of(&self, rule_index: usize) -> &super::compile::Pattern {
        match &self.rules[rule_index].matcher {
            super::compile::Matcher::Pattern(pattern) => pattern,
            super::compile::Matcher::Terms { .. } => {
                unreachable!("pattern_rules holds pattern rules only")
            }
        }
    }

    /// The accepted matches of one pattern rule within `span` of the
    /// segment (look-around sees the whole segment), starting no later than
    /// `last_start` ([`pattern_last_start`]).
    fn search_pattern(
        &self,
        rule_index: usize,
        view: &SegmentView<'_>,
        span: std::ops::Range<usize>,
        last_start: usize,
        found: &mut Vec<RawMatch>,
    ) {
        let text = view.text;
        let rule = &self.rules[rule_index];
        let regex = self.pattern_of(rule_index).regex_for(text.len());
        let mut position = span.start;
        while position <= span.end {
            let input = regex_automata::Input::new(text).span(position..span.end);
            let Some(hit) = regex.find(input) else {
                break;
            };
            // Hits come in order of their start: past `last_start` every
            // one would be rejected by position.
            if hit.start() > last_start {
                break;
            }
            if hit.start() == hit.end() {
                position = next_char(text, hit.end());
                continue;
            }
            match accept(
                rule_index,
                rule,
                rule.severity,
                view,
                hit.start(),
                hit.end(),
            ) {
                Some(matched) => {
                    found.push(matched);
                    position = hit.end();
                }
                // A rejected match may hide a valid one starting inside it
                // (an 18-digit window in a 19-digit run).
                None => position = next_char(text, hit.start()),
            }
        }
    }
}

/// Where the pattern window starting at `start` ends: at the first line
/// break past `window` bytes (so a window is whole lines), or the end of
/// the text.
fn window_end(text: &str, start: usize, window: usize) -> usize {
    let from = start.saturating_add(window);
    if from >= text.len() {
        return text.len();
    }
    match text.as_bytes()[from..].iter().position(|&b| b == b'\n') {
        Some(at) => from + at,
        None => text.len(),
    }
}

impl RuleSet {
    /// A literal term's match, with what its lexicon line says: its own
    /// severity, category and reason (shown with the finding).
    fn accept_term(
        &self,
        owner: &TermOwner,
        view: &SegmentView<'_>,
        start: usize,
        end: usize,
    ) -> Option<RawMatch> {
        let rule = &self.rules[owner.rule];
        let severity = owner.severity.unwrap_or(rule.severity);
        let mut matched = accept(owner.rule, rule, severity, view, start, end)?;
        if let Some(reason) = &owner.reason {
            matched.reasons.insert(0, reason.to_string());
        }
        matched.category = owner.category;
        Some(matched)
    }
}

/// The last offset of the segment at which a match of a pattern rule can
/// be accepted, or `None` when no match in it can be: the checks of
/// [`accept`] that do not depend on where the match is, made once per
/// segment instead of once per hit. A `scope: first-lines N` pattern such as
/// the level line had 1.6 M raw hits in a 300 MB text, every one rejected by
/// its line number; a `near:` rule whose terms are nowhere in the segment
/// (or the document, for `within: 0`) would rescan it for nothing.
fn pattern_last_start(rule: &Rule, view: &SegmentView<'_>) -> Option<usize> {
    let text = view.text;
    if let Some(parts) = &rule.parts
        && !parts.contains(&view.part)
    {
        return None;
    }
    let mut last = text.len();
    if let Some(limit) = rule.first_lines
        && !view.part.is_header_or_footer()
    {
        let before = view.top_lines_before()?;
        // The match's own line counts too, so it needs a line to spare.
        if before >= limit {
            return None;
        }
        if let Some(end) = view.top_lines.nth_end(text, limit - before) {
            last = end;
        }
    }
    if let Some(near) = &rule.near {
        let present = if near.within == 0 {
            near.terms.iter().any(|term| view.document.contains(term))
        } else {
            near.terms.iter().any(|term| text.contains(term.as_str()))
        };
        if !present {
            return None;
        }
    }
    Some(last)
}

fn next_char(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map_or(text.len() + 1, |c| at + c.len_utf8())
}

/// Checks every condition of a rule on one match.
fn accept(
    rule_index: usize,
    rule: &Rule,
    severity: Severity,
    view: &SegmentView<'_>,
    start: usize,
    end: usize,
) -> Option<RawMatch> {
    let text = view.text;
    let matched = &text[start..end];
    let mut explain = Vec::new();
    if let Some(parts) = &rule.parts
        && !parts.contains(&view.part)
    {
        return None;
    }
    if !boundary_ok(rule.boundary, text, start, end) {
        return None;
    }
    // Cheap position checks first: most matches of a top-of-document rule
    // are deep in the body and stop here.
    if let Some(limit) = rule.first_lines {
        if view.part.is_header_or_footer() {
            explain.push(format!("in the {}", view.part));
        } else {
            let before = view.top_lines_before()?;
            let line = before + view.top_lines.count_through(text, start, limit);
            if line > limit {
                return None;
            }
            explain.push(format!("within the first {limit} lines (line {line})"));
        }
    }
    if rule
        .not_within
        .iter()
        .any(|longer| within_longer(text, start, end, longer))
    {
        return None;
    }
    if !rule.not_within.is_empty() {
        explain.push(format!("not part of: {}", rule.not_within.join("、")));
    }
    match rule.line {
        LineShape::Any => {}
        LineShape::Standalone => {
            if !is_standalone(text, start, end, true) {
                return None;
            }
            explain.push("alone on its line or in its table cell".into());
        }
        LineShape::OwnLine => {
            if !is_standalone(text, start, end, false) {
                return None;
            }
            explain.push("alone on its line".into());
        }
        LineShape::Checkbox => {
            if !super::checkbox::ticked_option_ok(text, start, end) {
                return None;
            }
            explain.push("a ticked option of its form (or a value with no box)".into());
        }
        LineShape::FieldValue => {
            if !super::checkbox::whole_field_value(text, start, end) {
                return None;
            }
            explain.push("the whole value of its property".into());
        }
    }
    if let Some(validator) = rule.validator {
        if !validator.check(matched) {
            return None;
        }
        explain.push(format!("validator {}: valid", validator.name()));
    }
    if let Some(near) = &rule.near {
        match near_term(near, view, start, end) {
            Some(term) => explain.push(format!("near “{term}”")),
            None => return None,
        }
    }
    if let Some(not_near) = &rule.not_near {
        if near_term(not_near, view, start, end).is_some() {
            return None;
        }
        explain.push(format!("none of {} nearby", not_near.terms.join("、")));
    }
    let mut severity = severity;
    let mut reasons = Vec::new();
    // A marking that is the whole of its line at the top of the document (or
    // in a header or footer) is the document's own marking, whatever quotes,
    // stars or brackets decorate it and whatever the line before says.
    let marking = rule.category == Category::Marking;
    let header_line = !rule.downgrades.is_empty() && marking && is_header_line(view, start, end);
    // In source code (a script's string, a field code's argument) quote
    // marks delimit strings and the words around a match are code: nothing
    // there quotes, introduces or lists a marking as an example, so only a
    // stamp on the whole document lowers one.
    let code = view.kind == TextKind::Code;
    for downgrade in &rule.downgrades {
        if downgrade.to >= severity {
            continue;
        }
        if header_line && !downgrade.on_header_line {
            explain.push(format!(
                "not downgraded to {} ({}): the marking is the whole of its line in the header position",
                downgrade.to, downgrade.reason
            ));
            continue;
        }
        let reads_writing = matches!(
            downgrade.condition,
            DowngradeCondition::Quoted | DowngradeCondition::Introduced(_)
        );
        if code && (reads_writing || marking && !downgrade.on_header_line) {
            explain.push(format!(
                "not downgraded to {} ({}): the match is in source code, whose quotes and words are not writing",
                downgrade.to, downgrade.reason
            ));
            continue;
        }
        let applies = match &downgrade.condition {
            DowngradeCondition::Quoted => is_quoted(text, start, end, marking),
            // What lowers a finding must be on the marking's own line: two
            // markings on neighbouring lines are two markings, not a list
            // of examples like “绝密★30年，机密★20年”.
            DowngradeCondition::Near(near) => near_term_on_line(near, view, start, end).is_some(),
            DowngradeCondition::NotNear(near) => near_term(near, view, start, end).is_none(),
            DowngradeCondition::Introduced(near) => {
                introduced_by(text, start, &near.terms, near.within).is_some()
            }
        };
        if applies {
            severity = downgrade.to;
            reasons.push(downgrade.reason.clone());
            explain.push(format!(
                "downgraded to {}: {}",
                downgrade.to, downgrade.reason
            ));
        }
    }
    Some(RawMatch {
        rule: rule_index,
        start,
        end,
        severity,
        category: None,
        reasons,
        explain,
    })
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn char_after(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

fn boundary_ok(boundary: Boundary, text: &str, start: usize, end: usize) -> bool {
    let matched = &text[start..end];
    let before = char_before(text, start);
    let after = char_after(text, end);
    match boundary {
        Boundary::None => true,
        Boundary::Digit => {
            !before.is_some_and(|c| c.is_ascii_digit())
                && !after.is_some_and(|c| c.is_ascii_digit())
        }
        Boundary::Auto => {
            let starts_alnum = matched
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            let ends_alnum = matched
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            let touches_before = starts_alnum && before.is_some_and(|c| c.is_ascii_alphanumeric());
            let touches_after = ends_alnum && after.is_some_and(|c| c.is_ascii_alphanumeric());
            !touches_before && !touches_after
        }
    }
}

/// True when an occurrence of `longer` in the text covers the match.
fn within_longer(text: &str, start: usize, end: usize, longer: &str) -> bool {
    if longer.len() < end - start {
        return false;
    }
    let window_start = text.floor_char_boundary(start.saturating_sub(longer.len()));
    let window_end = text.ceil_char_boundary((end + longer.len()).min(text.len()));
    let window = &text[window_start..window_end];
    window.match_indices(longer).any(|(offset, found)| {
        let found_start = window_start + offset;
        found_start <= start && found_start + found.len() >= end
    })
}

/// The match is alone on its line (or, with `cells`, in its table cell),
/// apart from whitespace and punctuation such as brackets.
///
/// Walks outwards from the match and stops at the first character that is
/// neither: in running text that is the character next to the match, so a
/// rejected candidate costs O(1) instead of a scan of its whole line.
fn is_standalone(text: &str, start: usize, end: usize, cells: bool) -> bool {
    let is_separator = |c: char| c == '\n' || (cells && c == '\t');
    let allowed = |c: char| c.is_whitespace() || is_decoration(c);
    for c in text[..start].chars().rev() {
        if is_separator(c) {
            break;
        }
        if !allowed(c) {
            return false;
        }
    }
    for c in text[end..].chars() {
        if is_separator(c) {
            break;
        }
        if !allowed(c) {
            return false;
        }
    }
    true
}

/// True when the match is the whole of its line — decorations (quotes,
/// brackets, stars, spaces) aside; a table cell does not count — and the
/// line is in the header position: one of the first [`HEADER_LINES`]
/// non-empty lines of the body, or in a header or footer.
pub fn is_header_line(view: &SegmentView<'_>, start: usize, end: usize) -> bool {
    if !is_standalone(view.text, start, end, false) {
        return false;
    }
    if view.part.is_header_or_footer() {
        return true;
    }
    view.top_lines_before().is_some_and(|before| {
        before + view.top_lines.count_through(view.text, start, HEADER_LINES) <= HEADER_LINES
    })
}

pub(super) fn is_decoration(c: char) -> bool {
    matches!(
        c,
        '【' | '】'
            | '★'
            | '‘'
            | '’'
            | '\''
            | '「'
            | '」'
            | '『'
            | '』'
            | '〈'
            | '〉'
            | '{'
            | '}'
            | '['
            | ']'
            | '('
            | ')'
            | '〔'
            | '〕'
            | '<'
            | '>'
            | '《'
            | '》'
            | '"'
            | '“'
            | '”'
            | ':'
            | '-'
            | '—'
            | '|'
            | '*'
            | '#'
            | '_'
            | '='
    )
}

/// Non-empty lines from the start of the segment through the one holding
/// `at`, counting no further than `limit + 1` (so a match deep in a long
/// segment costs the same as one near its top).
fn nonempty_lines_through(text: &str, at: usize, limit: usize) -> usize {
    let mut count = 0;
    let mut line_start = 0;
    for line in text.split('\n') {
        if !line.trim().is_empty() {
            count += 1;
        }
        line_start += line.len() + 1;
        if line_start > at || count > limit {
            break;
        }
    }
    count
}

fn near_term<'a>(
    near: &'a Near,
    view: &SegmentView<'_>,
    start: usize,
    end: usize,
) -> Option<&'a str> {
    if near.within == 0 {
        return near
            .terms
            .iter()
            .find(|term| view.document.contains(term))
            .map(String::as_str);
    }
    let text = view.text;
    let before = match near.side {
        Side::Both | Side::Before => &text[char_offset_back(text, start, near.within)..start],
        Side::After => "",
    };
    let after = match near.side {
        Side::Both | Side::After => &text[end..char_offset_forward(text, end, near.within)],
        Side::Before => "",
    };
    near.terms
        .iter()
        .find(|term| before.contains(term.as_str()) || after.contains(term.as_str()))
        .map(String::as_str)
}

/// [`near_term`], looking no further than the match's own line.
fn near_term_on_line<'a>(
    near: &'a Near,
    view: &SegmentView<'_>,
    start: usize,
    end: usize,
) -> Option<&'a str> {
    if near.within == 0 {
        return near_term(near, view, start, end);
    }
    let text = view.text;
    // The line break is looked for only within reach, never along the whole
    // line: on one line of a million markings a whole-line search per match
    // made the review quadratic.
    let before = match near.side {
        Side::Both | Side::Before => {
            let reach = &text[char_offset_back(text, start, near.within)..start];
            reach.rfind('\n').map_or(reach, |i| &reach[i + 1..])
        }
        Side::After => "",
    };
    let after = match near.side {
        Side::Both | Side::After => {
            let reach = &text[end..char_offset_forward(text, end, near.within)];
            reach.find('\n').map_or(reach, |i| &reach[..i])
        }
        Side::Before => "",
    };
    near.terms
        .iter()
        .find(|term| before.contains(term.as_str()) || after.contains(term.as_str()))
        .map(String::as_str)
}

fn char_offset_back(text: &str, from: usize, count: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(count.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn char_offset_forward(text: &str, from: usize, count: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(count)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Quoted or introduced as an example: `标注为“秘密★1年”`, `如：机密★10年`.
///
/// For a `marking` rule (`marking`), quote marks count only around a
/// marking inside running text: a marking that is, decorations aside, the
/// whole of its line is a marking however it is decorated (`“绝密★长期”` as
/// a 版头 line). A cue counts only when it introduces the match (see
/// [`introduced_by`]).
fn is_quoted(text: &str, start: usize, end: usize, marking: bool) -> bool {
    let before: String = text[..start].chars().rev().take(2).collect();
    let after: String = text[end..].chars().take(2).collect();
    let opens = before
        .chars()
        .any(|c| matches!(c, '“' | '"' | '「' | '『' | '‘' | '\'' | '《'));
    let closes = after
        .chars()
        .any(|c| matches!(c, '”' | '"' | '」' | '』' | '’' | '\'' | '》'));
    if opens && closes && !(marking && is_standalone(text, start, end, false)) {
        return true;
    }
    const CUES: [&str; 12] = [
        "如",
        "例如",
        "比如",
        "标注为",
        "标为",
        "写作",
        "形式为",
        "示例",
        "格式为",
        "举例",
        "e.g.",
        "such as",
    ];
    introduced_by(text, start, &CUES, 8).is_some()
}

/// The cue that introduces the match at `start`: one of `cues` ends within
/// `within` characters before it and nothing but [`introduces`] characters
/// — separators, opening quotes, and other markings of a list — lies
/// between. `如:` and `例如` introduce `机密★1年`; `如下:` does not (下 is
/// not a separator), nor does a cue with words between it and the marking.
pub fn introduced_by<'c, S: AsRef<str>>(
    text: &str,
    start: usize,
    cues: &'c [S],
    within: usize,
) -> Option<&'c str> {
    let lead_start = char_offset_back(text, start, within.max(1));
    let lead = &text[lead_start..start];
    cues.iter().map(AsRef::as_ref).find(|cue| {
        !cue.is_empty()
            && lead
                .match_indices(*cue)
                .any(|(at, _)| lead[at + cue.len()..].chars().all(introduces))
    })
}

/// What may stand between an explaining cue and the marking it introduces:
/// spaces and line breaks, separators, opening quotes and brackets, and the
/// characters of other markings in the same list (`绝密★30年、机密★20年`).
fn introduces(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ':' | ','
                | '、'
                | ';'
                | '“'
                | '"'
                | '‘'
                | '\''
                | '「'
                | '『'
                | '《'
                | '('
                | '['
                | '【'
                | '—'
                | '-'
                | '★'
                | '绝'
                | '机'
                | '秘'
                | '密'
                | '年'
                | '个'
                | '月'
                | '日'
                | '长'
                | '期'
                | '和'
                | '及'
                | '或'
                | '与'
                | '”'
                | '’'
                | '」'
                | '』'
                | '》'
                | ')'
                | ']'
                | '】'
                | '.'
        )
        || c.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules' ids and the lines (1-based, in the segment) of every match
    /// in one body segment with `before` non-empty body lines above it.
    fn lines_found(yaml: &str, text: &str, before: usize) -> Vec<(String, usize)> {
        let rules = super::super::compile::load_sources(&[super::super::compile::PackSource {
            origin: "t.yaml".into(),
            yaml: yaml.into(),
            ..Default::default()
        }])
        .unwrap();
        let index = DocumentIndex::new(vec![text]);
        let view = SegmentView {
            part: Part::Body,
            kind: TextKind::Prose,
            text,
            body_lines_before: before,
            page_picture: false,
            document: &index,
            top_lines: TopLines::default(),
        };
        rules
            .find(&view)
            .into_iter()
            .map(|m| {
                let line = text[..m.start].matches('\n').count() + 1;
                (rules.rules()[m.rule].id.clone(), line)
            })
            .collect()
    }

    /// Searching a large segment's patterns window by window finds exactly
    /// what searching all of it finds: with the built-in packs, on text
    /// whose markings, IDs, phone numbers, dates and `near:` words fall on
    /// and around every window boundary, at the top and deep in the body.
    #[test]
    fn pattern_windows_find_what_the_whole_text_finds() {
        let rules =
            super::super::compile::load_sources(&crate::rules::builtin::builtin_sources()).unwrap();
        let lines = [
            "机密★10年",
            "000123",
            "内部资料 注意保存",
            "联系人：张三，身份证号11010519491231002X，电话13912345678。",
            "各地区各部门要认真贯彻落实党中央国务院决策部署，切实做好防汛抗旱工作。",
            "TOP SECRET//NOFORN",
            "（此件不予公开）",
            "银行卡号 6222 0212 3456 7890 128，邮箱 zhang.san@example.gov.cn",
            "",
            "2024年3月5日",
            "特急",
        ];
        let mut text = String::new();
        let mut seed: u64 = 7;
        while text.len() < 40_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(lines[(seed >> 33) as usize % lines.len()]);
            text.push('\n');
        }
        let index = DocumentIndex::new(vec![&text]);
        let view = SegmentView {
            part: Part::Body,
            kind: TextKind::Prose,
            text: &text,
            body_lines_before: 0,
            page_picture: false,
            document: &index,
            top_lines: TopLines::default(),
        };
        let mut whole = Vec::new();
        rules.find_patterns(&view, &mut whole, usize::MAX);
        assert!(whole.len() > 100, "{} matches", whole.len());
        for window in [1, 97, 1000, 4096] {
            let mut windowed = Vec::new();
            rules.find_patterns(&view, &mut windowed, window);
            let key = |m: &RawMatch| (m.start, m.end, m.rule);
            whole.sort_by_key(key);
            windowed.sort_by_key(key);
            assert_eq!(windowed, whole, "window {window}");
        }
    }

    fn first_lines_pack(limit: usize) -> String {
        format!(
            "name: t\nversion: '1'\nrules:\n  - id: marking.top\n    severity: review\n    message: m\n    pattern: 'X[0-9]+'\n    scope: first-lines {limit}\n    examples: {{match: [X1]}}\n"
        )
    }

    /// A `first-lines N` pattern stops at the N-th non-empty line: every hit
    /// below it is left unread, none above it is lost, blank lines do not
    /// count, and lines of earlier segments do.
    #[test]
    fn first_lines_scope_counts_only_nonempty_lines() {
        let text = "X1\n\n  \nX2 X3\nX4\nX5";
        let ids =
            |found: Vec<(String, usize)>| found.into_iter().map(|(_, l)| l).collect::<Vec<_>>();
        assert_eq!(ids(lines_found(&first_lines_pack(2), text, 0)), [1, 4, 4]);
        assert_eq!(
            ids(lines_found(&first_lines_pack(3), text, 0)),
            [1, 4, 4, 5]
        );
        assert_eq!(ids(lines_found(&first_lines_pack(3), text, 2)), [1]);
        assert!(lines_found(&first_lines_pack(3), text, 3).is_empty());
        assert_eq!(
            ids(lines_found(&first_lines_pack(9), text, 0)),
            [1, 4, 4, 5, 6]
        );
        // A limit beyond the kept line ends (64) is counted line by line.
        let long: String = (0..200).map(|i| format!("X{i}\n")).collect();
        assert_eq!(lines_found(&first_lines_pack(100), &long, 0).len(), 100);
        assert_eq!(lines_found(&first_lines_pack(100), &long, 150).len(), 0);
        assert_eq!(lines_found(&first_lines_pack(100), &long, 99).len(), 1);
        assert_eq!(lines_found(&first_lines_pack(300), &long, 0).len(), 200);
    }

    /// A `near:` pattern rule finds nothing where its terms are absent, and
    /// still finds its matches where they are present.
    #[test]
    fn near_rules_need_their_terms() {
        let pack = |within: usize| {
            format!(
                "name: t\nversion: '1'\nrules:\n  - id: term.near\n    severity: review\n    message: m\n    pattern: '[0-9]{{4}}'\n    near:\n      terms: [编号]\n      within: {within}\n    examples: {{match: [编号1234]}}\n"
            )
        };
        assert!(lines_found(&pack(2), "1234 5678", 0).is_empty());
        assert!(lines_found(&pack(0), "1234 5678", 0).is_empty());
        assert_eq!(lines_found(&pack(2), "1234 编号5678", 0).len(), 1);
        assert_eq!(lines_found(&pack(0), "1234\n编号5678", 0).len(), 2);
    }

    #[test]
    fn boundaries() {
        assert!(!boundary_ok(Boundary::Auto, "SECRETARY", 0, 6));
        assert!(boundary_ok(Boundary::Auto, "SECRET//NF", 0, 6));
        assert!(boundary_ok(Boundary::Auto, "号11010519491231002X号", 3, 21));
        assert!(!boundary_ok(Boundary::Digit, "1381234567890", 0, 11));
    }

    #[test]
    fn longer_terms_cover_matches() {
        let text = "加强内部控制";
        let start = text.find("内部").unwrap();
        assert!(within_longer(text, start, start + "内部".len(), "内部控制"));
        assert!(!within_longer("内部资料", 0, "内部".len(), "内部控制"));
    }

    #[test]
    fn standalone_lines_and_cells() {
        let text = "标题\n 机 密 \n正文";
        let start = text.find("机").unwrap();
        assert!(is_standalone(text, start, start + "机 密".len(), true));
        assert!(is_standalone("密级\t机密\t备注", 7, 13, true));
        assert!(!is_standalone("密级\t机密\t备注", 7, 13, false));
        assert!(is_standalone("首行\nCUI\n正文", 7, 10, false));
        assert!(!is_standalone("防止机密泄露", 6, 12, true));
        assert!(is_standalone("【机密】", 3, 9, true));
        let text = "★★★ 机密★1年 ★★★";
        let start = text.find("机").unwrap();
        assert!(is_standalone(text, start, start + "机密★1年".len(), false));
        let text = "“绝密★长期”";
        let start = text.find("绝").unwrap();
        assert!(is_standalone(text, start, start + "绝密★长期".len(), false));
    }

    #[test]
    fn quoted_examples() {
        let text = "标志标注为“秘密★1年”。";
        let start = text.find("秘").unwrap();
        let end = text.find("”").unwrap();
        assert!(is_quoted(text, start, end, true));
        let text = "如:机密★10年";
        let start = text.find("机").unwrap();
        assert!(is_quoted(text, start, text.len(), true));
        let text = "机密★1年";
        assert!(!is_quoted(text, 0, text.len(), true));
    }

    /// Quote marks around a marking that is the whole of its line do not
    /// make it a quotation (a 版头 line `“绝密★长期”`); inside running text
    /// they do.
    #[test]
    fn quotes_count_only_in_running_text() {
        let text = "标题\n“绝密★长期”\n正文";
        let start = text.find("绝").unwrap();
        let end = text.find("”").unwrap();
        assert!(!is_quoted(text, start, end, true));
        // Other rules keep quotes as quotation marks wherever they are.
        assert!(is_quoted(text, start, end, false));
        let text = "文件右上角印有“绝密★长期”字样";
        let start = text.find("绝").unwrap();
        let end = text.find("”").unwrap();
        assert!(is_quoted(text, start, end, true));
    }

    #[test]
    fn cues_must_introduce_the_marking() {
        let cues = ["如", "例如", "如:", "分为"];
        let at = |text: &str, needle: &str| text.find(needle).unwrap();
        let text = "例如:机密★1年";
        assert!(introduced_by(text, at(text, "机"), &cues, 24).is_some());
        let text = "例如:秘密★1年、机密★5年";
        assert!(introduced_by(text, at(text, "机"), &cues, 24).is_some());
        let text = "分为:绝密\n★30年,机密★20年";
        assert!(introduced_by(text, at(text, "机"), &cues, 24).is_some());
        // 如下 is not 如; words between the cue and the marking break it.
        let text = "现将有关事项通知如下:\n机密★1年";
        assert_eq!(introduced_by(text, at(text, "机"), &cues, 24), None);
        let text = "例如本单位的文件:\n机密★1年";
        assert_eq!(introduced_by(text, at(text, "机"), &cues, 24), None);
        assert!(!is_quoted(text, at(text, "机"), text.len(), true));
        let text = "现将有关事项通知如下:\n机密★1年";
        assert!(!is_quoted(text, at(text, "机"), text.len(), true));
    }
}

#[cfg(test)]
mod top_lines_tests {
    use super::*;

    #[test]
    fn cached_count_agrees_with_the_scan() {
        let text = "一\n\n  \n二 机密\n三\n\n四\n五\n六\n七\n八\n九\n十 机密";
        let top = TopLines::default();
        for (at, _) in text.match_indices("机密") {
            for limit in [1, 2, 3, 8, 20] {
                let scanned = nonempty_lines_through(text, at, limit).min(limit + 1);
                assert_eq!(
                    top.count_through(text, at, limit),
                    scanned,
                    "at {at}, limit {limit}"
                );
            }
        }
    }
}
