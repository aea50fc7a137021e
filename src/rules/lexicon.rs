//! Organisation lexicons (`terms_file:`): an office's own 保密事项范围 terms —
//! project code names, facility names — with what each term means.
//!
//! Two formats, chosen by the file's extension:
//!
//! - text (any extension but `.yaml`/`.yml`): one term per line,
//!   `term<TAB>severity<TAB>reason<TAB>variants`, every field after the term
//!   optional and an empty field meaning "the rule's"; `#` starts a comment
//!   line. Fast to read: a million terms is a 20 MB file.
//! - YAML: `terms: [{term, severity, reason, category, pinyin, initials}]`.
//!
//! `variants` (text) and `pinyin`/`initials` (YAML) ask for the term to be
//! found written in pinyin (`falungong`) or by its pinyin initials (`flg`) as
//! well; only where a term asks, because initials of short terms are common
//! letter strings.

use crate::extract::document::{Category, Severity};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// One term of a lexicon, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LexiconEntry {
    pub term: String,
    pub severity: Option<Severity>,
    pub category: Option<Category>,
    /// Shown to the clerk with the finding. Shared: lexicons give thousands
    /// of terms the same reason.
    pub reason: Option<Arc<str>>,
    pub pinyin: bool,
    pub initials: bool,
}

/// Reads a lexicon's text. Every line with an error is reported
/// (`file:line: message`), not only the first.
pub fn parse_lexicon(file: &str, text: &str) -> Result<Vec<LexiconEntry>, Vec<String>> {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        parse_yaml(file, text)
    } else {
        parse_lines(file, text)
    }
}

/// Interns reason texts, so a million terms with ten reasons hold ten
/// strings.
#[derive(Default)]
struct Reasons(HashMap<String, Arc<str>>);

impl Reasons {
    fn get(&mut self, reason: &str) -> Option<Arc<str>> {
        let reason = reason.trim();
        if reason.is_empty() {
            return None;
        }
        if let Some(shared) = self.0.get(reason) {
            return Some(shared.clone());
        }
        let shared: Arc<str> = Arc::from(reason);
        self.0.insert(reason.to_owned(), shared.clone());
        Some(shared)
    }
}

fn parse_lines(file: &str, text: &str) -> Result<Vec<LexiconEntry>, Vec<String>> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut reasons = Reasons::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let at = index + 1;
        let mut fields = line.split('\t');
        let term = fields.next().unwrap_or("").trim();
        if term.is_empty() {
            errors.push(format!("{file}:{at}: the line has no term before its tab"));
            continue;
        }
        let mut entry = LexiconEntry {
            term: term.to_owned(),
            ..LexiconEntry::default()
        };
        if let Some(severity) = fields.next().map(str::trim).filter(|s| !s.is_empty()) {
            match Severity::parse(severity) {
                Some(parsed) => entry.severity = Some(parsed),
                None => errors.push(format!(
                    "{file}:{at}: unknown severity `{severity}` for term `{term}`; use block, review or info"
                )),
            }
        }
        if let Some(reason) = fields.next() {
            entry.reason = reasons.get(reason);
        }
        if let Some(variants) = fields.next() {
            for variant in variants.split([',', ' ']).filter(|v| !v.is_empty()) {
                match variant {
                    "pinyin" => entry.pinyin = true,
                    "initials" => entry.initials = true,
                    other => errors.push(format!(
                        "{file}:{at}: unknown variant `{other}` for term `{term}`; use pinyin, initials"
                    )),
                }
            }
        }
        if fields.next().is_some() {
            errors.push(format!(
                "{file}:{at}: too many tab-separated fields; a line is term<TAB>severity<TAB>reason<TAB>variants"
            ));
        }
        entries.push(entry);
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// The YAML lexicon format.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlLexicon {
    terms: Vec<YamlTerm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlTerm {
    term: String,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    pinyin: bool,
    #[serde(default)]
    initials: bool,
}

fn parse_yaml(file: &str, text: &str) -> Result<Vec<LexiconEntry>, Vec<String>> {
    let lexicon: YamlLexicon = serde_saphyr::from_str(text).map_err(|error| {
        let at = error
            .location()
            .map(|at| format!(":{}:{}", at.line(), at.column()))
            .unwrap_or_default();
        let message = error.to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").to_owned();
        vec![format!("{file}{at}: invalid lexicon: {message}")]
    })?;
    let mut entries = Vec::with_capacity(lexicon.terms.len());
    let mut errors = Vec::new();
    let mut reasons = Reasons::default();
    for (index, item) in lexicon.terms.into_iter().enumerate() {
        let at = index + 1;
        let term = item.term.trim();
        if term.is_empty() {
            errors.push(format!("{file}: term {at} is empty"));
            continue;
        }
        let severity = item.severity.as_deref().and_then(|name| {
            let parsed = Severity::parse(name);
            if parsed.is_none() {
                errors.push(format!(
                    "{file}: term {at} (`{term}`): unknown severity `{name}`; use block, review or info"
                ));
            }
            parsed
        });
        let category = item.category.as_deref().and_then(|name| {
            let parsed = Category::parse(name);
            if parsed.is_none() {
                errors.push(format!(
                    "{file}: term {at} (`{term}`): unknown category `{name}`; known: {}",
                    Category::ALL.map(|c| c.as_str()).join(", ")
                ));
            }
            parsed
        });
        entries.push(LexiconEntry {
            term: term.to_owned(),
            severity,
            category,
            reason: item.reason.as_deref().and_then(|r| reasons.get(r)),
            pinyin: item.pinyin,
            initials: item.initials,
        });
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_carry_severity_reason_and_variants() {
        let text = "# comment\n蓝鲸工程\tblock\t本单位涉密项目代号\n三号库区\t\t设施名称\n天河项目组\n法轮功\treview\t\tpinyin,initials\n";
        let entries = parse_lexicon("terms.txt", text).expect("parses");
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].severity, Some(Severity::Block));
        assert_eq!(entries[0].reason.as_deref(), Some("本单位涉密项目代号"));
        assert_eq!(entries[1].severity, None);
        assert_eq!(entries[1].reason.as_deref(), Some("设施名称"));
        assert_eq!(entries[2].reason, None);
        assert!(entries[3].pinyin && entries[3].initials);
        assert!(!entries[0].pinyin);
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let text = "甲\tblok\n\tblock\n乙\treview\tr\tpinyn\n丙\tinfo\tr\tpinyin\textra\n";
        let errors = parse_lexicon("t.txt", text).expect_err("errors");
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("t.txt:1:") && errors[0].contains("blok"));
        assert!(errors[1].starts_with("t.txt:2:"));
        assert!(errors[2].starts_with("t.txt:3:") && errors[2].contains("pinyn"));
        assert!(errors[3].starts_with("t.txt:4:"));
    }

    #[test]
    fn yaml_lexicons_have_named_fields() {
        let text = "terms:\n  - term: 蓝鲸工程\n    severity: block\n    reason: 项目代号\n    pinyin: true\n  - term: 三号库区\n    category: marking\n";
        let entries = parse_lexicon("terms.yaml", text).expect("parses");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].severity, Some(Severity::Block));
        assert!(entries[0].pinyin && !entries[0].initials);
        assert_eq!(entries[1].category, Some(Category::Marking));
        let errors = parse_lexicon("t.yml", "terms:\n  - term: x\n    severty: block\n")
            .expect_err("unknown key");
        assert!(errors[0].starts_with("t.yml:"), "{errors:?}");
        let errors = parse_lexicon("t.yml", "terms:\n  - term: x\n    category: nope\n")
            .expect_err("unknown category");
        assert!(errors[0].contains("nope"), "{errors:?}");
    }

    #[test]
    fn reasons_are_shared() {
        let text = "甲\t\t同一理由\n乙\t\t同一理由\n";
        let entries = parse_lexicon("t.txt", text).expect("parses");
        let (a, b) = (
            entries[0].reason.clone().expect("reason"),
            entries[1].reason.clone().expect("reason"),
        );
        assert!(Arc::ptr_eq(&a, &b));
    }
}
