//! The built-in packs, embedded in the binary so `prepub scan` works with no
//! configuration.

use super::compile::PackSource;

/// (file name, YAML source) of every built-in pack, in load order.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "cn-markings.yaml",
        include_str!("../../rules/cn-markings.yaml"),
    ),
    (
        "cn-disclosure.yaml",
        include_str!("../../rules/cn-disclosure.yaml"),
    ),
    (
        "cn-personal.yaml",
        include_str!("../../rules/cn-personal.yaml"),
    ),
    (
        "cn-sensitive.yaml",
        include_str!("../../rules/cn-sensitive.yaml"),
    ),
    (
        "en-markings.yaml",
        include_str!("../../rules/en-markings.yaml"),
    ),
];

/// The packs of [`BUILTIN_PACKS`] parsed by `build.rs`, as JSON, in the
/// same order (`null` for a pack that did not parse).
const BUILTIN_JSON: &[&str] = &[
    include_str!(concat!(env!("OUT_DIR"), "/cn-markings.yaml.json")),
    include_str!(concat!(env!("OUT_DIR"), "/cn-disclosure.yaml.json")),
    include_str!(concat!(env!("OUT_DIR"), "/cn-personal.yaml.json")),
    include_str!(concat!(env!("OUT_DIR"), "/cn-sensitive.yaml.json")),
    include_str!(concat!(env!("OUT_DIR"), "/en-markings.yaml.json")),
];

/// The SHA-256 (hex) of each pack of [`BUILTIN_PACKS`]' text, computed by
/// `build.rs`, in the same order.
const BUILTIN_SHA256: &[&str] = &[
    include_str!(concat!(env!("OUT_DIR"), "/cn-markings.yaml.sha256")),
    include_str!(concat!(env!("OUT_DIR"), "/cn-disclosure.yaml.sha256")),
    include_str!(concat!(env!("OUT_DIR"), "/cn-personal.yaml.sha256")),
    include_str!(concat!(env!("OUT_DIR"), "/cn-sensitive.yaml.sha256")),
    include_str!(concat!(env!("OUT_DIR"), "/en-markings.yaml.sha256")),
];

/// Which built-in pack's text is exactly `yaml`.
fn builtin_index(yaml: &str) -> Option<usize> {
    BUILTIN_PACKS.iter().position(|(_, text)| *text == yaml)
}

/// The JSON `build.rs` made of the built-in pack whose text is exactly
/// `yaml`; `None` for any other text, or a pack that did not parse there.
pub(super) fn prebuilt_json(yaml: &str) -> Option<&'static str> {
    builtin_index(yaml)
        .map(|index| BUILTIN_JSON[index])
        .filter(|json| *json != "null")
}

/// The SHA-256 `build.rs` computed of the built-in pack whose text is
/// exactly `yaml`; `None` for any other text.
pub(super) fn prebuilt_sha256(yaml: &str) -> Option<&'static str> {
    builtin_index(yaml).map(|index| BUILTIN_SHA256[index])
}

pub fn builtin_sources() -> Vec<PackSource> {
    BUILTIN_PACKS
        .iter()
        .map(|(name, yaml)| PackSource {
            origin: format!("builtin:{name}"),
            yaml: (*yaml).to_owned(),
            ..PackSource::default()
        })
        .collect()
}

/// Whether `id` is a rule of a built-in pack (so its documentation is the
/// built-in rules table of docs/README-rules.md). The ids are read from the
/// packs' YAML once; a pack that does not parse contributes none (its rules
/// are then documented as a user pack's would be — never wrongly as
/// built-in).
pub fn is_builtin_rule(id: &str) -> bool {
    static IDS: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        BUILTIN_PACKS
            .iter()
            .filter_map(|(_, yaml)| serde_saphyr::from_str::<super::schema::PackSpec>(yaml).ok())
            .flat_map(|pack| pack.rules.into_iter().map(|rule| rule.id))
            .collect()
    })
    .contains(id)
}

#[cfg(test)]
mod tests {
    use crate::extract::Format;
    use crate::extract::document::{Extraction, Part, Segment, Severity};
    use crate::review::document::{Identity, review_extraction};
    use crate::review::{ReviewOptions, Verdict};
    use crate::rules::RuleSet;

    /// The JSON `build.rs` made of each built-in pack reads as exactly the
    /// pack its YAML reads as, so loading the JSON changes nothing.
    #[test]
    fn prebuilt_json_reads_as_the_yaml() {
        assert_eq!(super::BUILTIN_JSON.len(), super::BUILTIN_PACKS.len());
        for ((name, yaml), json) in super::BUILTIN_PACKS.iter().zip(super::BUILTIN_JSON) {
            let from_yaml: super::super::schema::PackSpec = serde_saphyr::from_str(yaml).unwrap();
            let from_json: super::super::schema::PackSpec = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{name}: the built JSON does not read: {e}"));
            assert_eq!(format!("{from_json:?}"), format!("{from_yaml:?}"), "{name}");
            assert_eq!(super::prebuilt_json(yaml), Some(*json));
            assert_eq!(
                super::prebuilt_sha256(yaml),
                Some(crate::review::sha256_hex(yaml.as_bytes()).as_str()),
                "{name}"
            );
        }
        // An edited copy of a built-in pack is its own text, read as YAML.
        let edited = super::BUILTIN_PACKS[0]
            .1
            .replacen("severity: block", "severity: info", 1);
        assert_ne!(edited, super::BUILTIN_PACKS[0].1);
        assert_eq!(super::prebuilt_json(&edited), None);
        assert_eq!(super::prebuilt_sha256(&edited), None);
    }

    #[test]
    fn builtin_rule_ids_are_known() {
        let rules = RuleSet::builtin().expect("built-in packs");
        assert!(!rules.rules().is_empty());
        for rule in rules.rules() {
            assert!(super::is_builtin_rule(&rule.id), "{}", rule.id);
        }
        assert!(!super::is_builtin_rule("term.acme.project"));
        assert!(!super::is_builtin_rule("hidden.docx.comments"));
    }

    /// "敏感信息" is not a legal category: a content keyword can ask for a
    /// look, never stop a publication on its own. No rule of the pack may
    /// block, by its own severity or by an escalation.
    #[test]
    fn the_sensitive_pack_never_blocks() {
        let rules = RuleSet::builtin().expect("built-in packs");
        let sensitive: Vec<_> = rules
            .rules()
            .iter()
            .filter(|rule| rule.pack == "cn-sensitive")
            .collect();
        assert!(sensitive.len() >= 10, "{} rules", sensitive.len());
        for rule in sensitive {
            assert!(rule.severity <= Severity::Review, "{}", rule.id);
            assert!(
                rule.escalations.iter().all(|e| e.to <= Severity::Review),
                "{}",
                rule.id
            );
        }
    }

    /// A document whose only findings come from the sensitive pack — many of
    /// them, of every rule — is `review`, not `block`.
    #[test]
    fn a_document_with_only_sensitive_findings_is_review() {
        let rules = RuleSet::builtin().expect("built-in packs");
        let text = "关于项目选址的说明\n项目距离军事禁区约2公里，协调61001部队做好保障。\n\
                    附件为尚未公布的统计数据。本方案涉及企业商业秘密。\n\
                    当日有群众约200人聚集，落实稳控措施。举报人：张××\n\
                    （供内部讨论）报送内参3篇。雷达阵地位于东经116°23′17″。";
        let extraction = Extraction {
            segments: vec![Segment::new(Part::Body, text)],
            ..Extraction::default()
        };
        let review = review_extraction(
            "说明.txt",
            Identity::of(text.as_bytes()),
            Format::Txt,
            extraction,
            &rules,
            &ReviewOptions::default(),
        );
        let sensitive = review
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("term.cn."))
            .count();
        assert!(sensitive >= 8, "{:#?}", review.findings);
        assert!(
            review
                .findings
                .iter()
                .all(|f| f.rule.starts_with("term.cn.") || f.severity < Severity::Review),
            "{:#?}",
            review.findings
        );
        assert_eq!(review.verdict, Verdict::Review);
    }
}
