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
    /// What the finding means, in words a clerk understands, in the pack's
    /// own language. This is the message the JSON review stores.
    pub message: String,
    /// The message in Chinese, for a pack written in English: reports in
    /// Chinese (`--lang zh`) print it instead of `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_zh: Option<String>,
    /// The message in English, for a pack written in Chinese (`--lang en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_en: Option<String>,
    /// A longer explanation for `rules show` and report help texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Literal terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Vec<String>>,
    /// A lexicon of terms, relative to the pack file: one per line
    /// (`term<TAB>severity<TAB>reason<TAB>variants`, `#` comments) or a YAML
    /// lexicon (`.yaml`/`.yml`); see [`crate::rules::lexicon`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_file: Option<String>,
    /// Also find the terms with one or two noise characters between their
    /// characters (`法*轮*功`, `法.轮.功`); default true for a `terms_file`
    /// rule, false otherwise. See [`crate::rules::noise`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<bool>,
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
    /// `standalone`: the match must be alone on its line or in its table
    /// cell (apart from spaces and brackets); `own-line`: alone on a whole
    /// line, where a table cell does not count — for banners whose words
    /// also occur as table values (`CUI` is a surname in a name column).
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
    /// Raise the severity when the same document holds findings of other
    /// rules (a name-and-ID roster is only a leak when a real ID is in it).
    /// Checked after the whole document was matched, so the order of rules
    /// and segments does not matter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalate: Vec<EscalateSpec>,
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
    /// `both` (default), `before` or `after`: which side of the match the
    /// term must be on. `before` expresses a label (`订单号：` before an
    /// 18-digit number); ignored when `within: 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
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
    /// `quoted` (inside quotes — for a `marking` rule only in running text,
    /// not around a marking that is its whole line — or introduced by 如/例如/
    /// 标注为 …), `near` (one of `terms` is near), `not_near` (none of
    /// `terms` is near) or `introduced` (one of `terms` stands before the
    /// match, within `within`, with only separators or other markings of a
    /// list between: `例如：秘密★1年`, not `通知如下：\n秘密★1年`).
    ///
    /// No downgrade applies to a `marking` rule's match that is the whole of
    /// its line (quotes, brackets, stars and spaces aside) in the first 8
    /// non-empty lines or in a header or footer, nor to one in source code
    /// (a script, a field code, a formula), unless `on_header_line`. In
    /// source code `quoted` and `introduced` never apply, for any rule:
    /// there quote marks delimit strings and the words are code.
    pub when: String,
    /// For `near`, `not_near` and `introduced`: the terms, distance (0 =
    /// anywhere in the document) and side, as in [`NearSpec`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    #[serde(default = "default_near_distance")]
    pub within: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// Let the downgrade apply to a marking that is the whole of its line in
    /// the header position, or in source code, too: only for a stamp that
    /// releases the whole document (NATO's PUBLICLY DISCLOSED), never for a
    /// condition about the marking's own surroundings.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_header_line: bool,
    /// Why, added to the finding's message.
    pub reason: String,
}

/// Raise the severity when the document also holds a finding of one of
/// `when_document_has` (rule ids) at `review` or above — another finding
/// than this one, so a rule may name itself ("two portion marks").
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EscalateSpec {
    /// The severity to use instead.
    pub to: String,
    pub when_document_has: Vec<String>,
    /// Why, added to the finding's message.
    pub reason: String,
}

/// Texts the rule must and must not find; `rules test` and `cargo test`
/// run them. `block`, `review` and `info` list texts the rule must find at
/// exactly that severity (a quoted example found at `info`); `match` texts
/// at any severity. Plain lists of strings keep YAML scalars such as `y` or
/// `000123` as the strings they look like.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    /// The part the examples are read as: `body` unless the rule's `parts`
    /// leave it out, then the first of them (`image` for a rule of OCR
    /// text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    #[serde(default, rename = "match", skip_serializing_if = "Vec::is_empty")]
    pub matching: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub block: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_match: Vec<String>,
}
