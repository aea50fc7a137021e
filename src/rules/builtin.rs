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
        "en-markings.yaml",
        include_str!("../../rules/en-markings.yaml"),
    ),
];

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
