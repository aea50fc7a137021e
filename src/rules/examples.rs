//! Rule examples: every rule's `match` and `no_match` texts, run through
//! the whole rule set as one-line documents (`prepub rules test` and the
//! packs' own tests).

use crate::extract::document::{Part, Segment, Severity};
use crate::rules::RawMatch;
use crate::rules::RuleSet;
use crate::rules::apply::apply;
use crate::rules::normalize::normalize;

/// The rules' matches in one text read as the body of a one-line document.
pub fn matches_in_text(text: &str, rules: &RuleSet) -> Vec<RawMatch> {
    matches_in_part(text, Part::Body, rules)
}

/// The rules' matches in one text read as a document's only segment, of
/// part `part` (`image` for text read by OCR).
pub fn matches_in_part(text: &str, part: Part, rules: &RuleSet) -> Vec<RawMatch> {
    let segments = [Segment::new(part, text)];
    let normalized = [normalize(text)];
    apply(&segments, &normalized, rules)
        .into_iter()
        .flat_map(|segment| segment.matches)
        .collect()
}

/// The outcome of one rule example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleOutcome {
    pub rule: String,
    pub text: String,
    /// True for a `match` example, false for a `no_match` one.
    pub should_match: bool,
    /// The severity a `match` example must be found at, if it names one.
    pub required: Option<Severity>,
    /// The highest severity the rule found in the text.
    pub found: Option<Severity>,
}

impl ExampleOutcome {
    pub fn passed(&self) -> bool {
        match (self.should_match, self.found) {
            (false, found) => found.is_none(),
            (true, None) => false,
            (true, Some(found)) => self.required.is_none_or(|required| required == found),
        }
    }
}

/// Runs every rule's `examples` through the whole rule set, as one-line
/// documents: the way `rules test` and the packs' own tests check them.
pub fn run_examples(rules: &RuleSet) -> Vec<ExampleOutcome> {
    let mut outcomes = Vec::new();
    for rule in rules.rules() {
        let found_in = |text: &str| {
            matches_in_part(text, rule.examples_part, rules)
                .iter()
                .filter(|m| rules.rules()[m.rule].id == rule.id)
                .map(|m| m.severity)
                .max()
        };
        for example in &rule.examples_match {
            outcomes.push(ExampleOutcome {
                rule: rule.id.clone(),
                text: example.text.clone(),
                should_match: true,
                required: example.severity,
                found: found_in(&example.text),
            });
        }
        for text in &rule.examples_no_match {
            outcomes.push(ExampleOutcome {
                rule: rule.id.clone(),
                text: text.clone(),
                should_match: false,
                required: None,
                found: found_in(text),
            });
        }
    }
    outcomes
}
