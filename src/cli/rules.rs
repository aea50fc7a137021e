//! `prepub rules`: list, check, test, show and start rule packs.

use crate::cli::args::{Failure, RuleArgs, load_rules, rule_errors, write_stdout};
use clap::{Subcommand, ValueEnum};
use prepub::rules::{RuleSet, load_sources, sources_from_path};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: id, category, severity, pack, description.
    List {
        #[command(flatten)]
        rules: RuleArgs,
        /// text (a table), markdown (for README) or json.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Check rule packs: YAML syntax, regexes, ids, validators, categories.
    /// Exit 2 on any error.
    Check {
        /// Pack files or directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Run every rule's `examples` (match / no_match); exit 1 on a failure.
    /// Without PATH, tests the built-in packs.
    Test {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print one rule as written, with its examples.
    Show {
        /// The rule id, e.g. marking.cn.level-star.
        id: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Write a commented starter pack with an empty lexicon into DIR.
    Init {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Markdown,
    Json,
}

pub fn run(command: RulesCommand) -> Result<i32, Failure> {
    match command {
        RulesCommand::List { rules, format } => {
            let set = load_rules(&rules)?;
            write_stdout(list_rules(&set, format).as_bytes())?;
            Ok(0)
        }
        RulesCommand::Check { paths } => {
            let mut sources = Vec::new();
            let mut errors = Vec::new();
            for path in &paths {
                match sources_from_path(path) {
                    Ok(found) => sources.extend(found),
                    Err(error) => errors.push(error),
                }
            }
            match load_sources(&sources) {
                Ok(set) if errors.is_empty() => {
                    println!(
                        "ok: {} packs, {} rules",
                        set.packs().len(),
                        set.rules().len()
                    );
                    Ok(0)
                }
                Ok(_) => Err(rule_errors(errors)),
                Err(more) => {
                    errors.extend(more);
                    Err(rule_errors(errors))
                }
            }
        }
        RulesCommand::Test { paths } => {
            let args = RuleArgs {
                rules: paths,
                with_builtin: false,
            };
            let set = load_rules(&args)?;
            let (report, failures) = test_examples(&set);
            write_stdout(report.as_bytes())?;
            Ok(if failures > 0 { 1 } else { 0 })
        }
        RulesCommand::Show { id, rules } => {
            let set = load_rules(&rules)?;
            let rule = set.rule(&id).ok_or_else(|| {
                Failure::usage(format!("no rule with id `{id}` (see `prepub rules list`)"))
            })?;
            write_stdout(show_rule(&set, rule)?.as_bytes())?;
            Ok(0)
        }
        RulesCommand::Init { dir } => {
            prepub::rules::init_pack(&dir).map_err(Failure::usage)?;
            println!("wrote {}", dir.join("my-pack.yaml").display());
            Ok(0)
        }
    }
}

/// A rule as YAML a user can copy into a pack, after a comment header that
/// says where it comes from. Patterns stay on one line (no folded scalars),
/// so they read and copy exactly as written.
fn show_rule(set: &RuleSet, rule: &prepub::rules::Rule) -> Result<String, Failure> {
    let options = serde_saphyr::ser_options! {
        prefer_block_scalars: false,
    };
    let mut spec = rule.spec.clone();
    if let Some(description) = &mut spec.description {
        *description = description.trim_end().to_owned();
    }
    let yaml = serde_saphyr::to_string_with_options(&spec, options)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let pack = set
        .packs()
        .iter()
        .find(|pack| pack.info.name == rule.pack)
        .map_or_else(
            || rule.pack.clone(),
            |pack| format!("{} {} ({})", pack.info.name, pack.info.version, pack.origin),
        );
    let checked = rule
        .examples_match
        .iter()
        .filter(|example| example.severity.is_some())
        .count();
    Ok(format!(
        "# rule {} — pack {pack}\n# category {}, severity {}; examples: {} match ({checked} with a severity), {} no_match — `prepub rules test` runs them\n{yaml}",
        rule.id,
        rule.category,
        rule.severity,
        rule.examples_match.len(),
        rule.examples_no_match.len(),
    ))
}

fn list_rules(set: &RuleSet, format: ListFormat) -> String {
    let first_line =
        |rule: &prepub::rules::Rule| rule.message.lines().next().unwrap_or("").to_owned();
    match format {
        ListFormat::Text => {
            let mut out = String::new();
            for rule in set.rules() {
                out.push_str(&format!(
                    "{:<36} {:<10} {:<7} {:<14} {}\n",
                    rule.id,
                    rule.category,
                    rule.severity,
                    rule.pack,
                    first_line(rule)
                ));
            }
            out
        }
        ListFormat::Markdown => {
            let mut out = String::from(
                "| id | category | severity | pack | description |\n|---|---|---|---|---|\n",
            );
            for rule in set.rules() {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} |\n",
                    rule.id,
                    rule.category,
                    rule.severity,
                    rule.pack,
                    first_line(rule).replace('|', "\\|")
                ));
            }
            out
        }
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = set
                .rules()
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "id": rule.id, "category": rule.category, "severity": rule.severity,
                        "pack": rule.pack, "description": first_line(rule),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
        }
    }
}

/// Runs every rule's examples; returns the report and the failure count.
pub fn test_examples(set: &RuleSet) -> (String, usize) {
    let mut out = String::new();
    let mut passed = 0;
    let mut failed = 0;
    for outcome in prepub::rules::examples::run_examples(set) {
        let expected = match (outcome.should_match, outcome.required) {
            (false, _) => "does not match".to_owned(),
            (true, None) => "matches".to_owned(),
            (true, Some(severity)) => format!("matches at {severity}"),
        };
        let status = if outcome.passed() {
            passed += 1;
            "ok     "
        } else {
            failed += 1;
            "FAILED "
        };
        let found = match (outcome.passed(), outcome.found) {
            (true, _) => String::new(),
            (false, Some(severity)) => format!(" (found at {severity})"),
            (false, None) => " (not found)".to_owned(),
        };
        out.push_str(&format!(
            "{status} {} {expected} {:?}{found}\n",
            outcome.rule, outcome.text
        ));
    }
    out.push_str(&format!("\n{passed} passed, {failed} failed\n"));
    (out, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `rules show` prints is a rule a user can paste into a pack:
    /// it parses back to the same rule, patterns included.
    #[test]
    fn shown_rules_round_trip() {
        let set = RuleSet::builtin().expect("built-in packs");
        for rule in set.rules() {
            let shown = match show_rule(&set, rule) {
                Ok(shown) => shown,
                Err(failure) => panic!("{}: {}", rule.id, failure.message),
            };
            let parsed: prepub::rules::schema::RuleSpec =
                serde_saphyr::from_str(&shown).expect("shown rule parses");
            assert_eq!(parsed.pattern, rule.spec.pattern, "{}", rule.id);
            assert_eq!(parsed.terms, rule.spec.terms, "{}", rule.id);
            assert_eq!(
                serde_json::to_string(&parsed.examples).ok(),
                serde_json::to_string(&rule.spec.examples).ok(),
                "{}",
                rule.id
            );
        }
    }
}
