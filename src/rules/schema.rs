//! The YAML rule-pack format, as written by people.
//!
//! These types are only the file format; [`super::compile`] checks them and
//! turns them into the matcher. Unknown keys are errors, so a typo such as
//! `not_whithin:` does not silently disable a condition.

use serde::{Deserialize, Serialize};

/// A rule pack file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackSpec {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    pub rules: Vec<RuleSpec>,
}

/// One rule.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Dotted id; the first segment is the category.
    pub id: String,
    /// `block`, `review` or `info`.
    pub severity: String,
    /// What the finding means, in words a clerk understands.
    pub message: String,
    /// A longer explanation for `rules show` and report help texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Literal terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Vec<String>>,
    /// A text file of terms, one per line, `#` comments, optional
    /// `term<TAB>severity`; relative to the pack file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_file: Option<String>,
    /// A regular expression (Rust `regex` syntax, no look-around).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A named check (`cn-resident-id`, `luhn`, `cn-uscc`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validator: Option<String>,
    /// Limit the rule to these parts (`body`, `header`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<String>>,
    /// Longer terms that contain the match and make it something else
    /// (`秘密花园` for `秘密`, `内部控制` for `内部`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_within: Vec<String>,
    /// `standalone`: the match must be alone on its line (or table cell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// `first-lines N`: within the first N non-empty lines of the document,
    /// or anywhere in a header or footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Literal terms and patterns match case-sensitively unless false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_sensitive: Option<bool>,
    /// `alnum` (default for patterns starting or ending with a digit or
    /// letter class): the characters around the match must not be ASCII
    /// letters or digits; `digit`: must not be digits; `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    /// The match only counts when one of these terms is near it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<NearSpec>,
    /// The match does not count when one of these terms is near it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_near: Option<NearSpec>,
    /// Conditions that lower the severity instead of dropping the match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub downgrade: Vec<DowngradeSpec>,
    /// Mask the match in reports (default: true for `personal` rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<ExamplesSpec>,
}

/// Terms within a distance of the match (in characters of normalised
/// text, same segment). `within: 0` means anywhere in the document.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NearSpec {
    pub terms: Vec<String>,
    #[serde(default = "default_near_distance")]
    pub within: usize,
}

fn default_near_distance() -> usize {
    20
}

/// Lower the severity when a condition holds.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DowngradeSpec {
    /// The severity to use instead.
    pub to: String,
    /// `quoted` (inside quotes or after 如/例如/标注为 …) or `near`.
    pub when: String,
    /// For `near`: the terms and distance (0 = anywhere in the document).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    #[serde(default = "default_near_distance")]
    pub within: usize,
    /// Why, added to the finding's message.
    pub reason: String,
}

/// Texts the rule must and must not find; `rules test` and `cargo test`
/// run them.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    #[serde(default, rename = "match")]
    pub matching: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}
