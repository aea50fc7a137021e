//! `prepub rules …` end to end: the starter pack that `rules init` writes
//! passes `rules check` and `rules test`, and `rules show` prints a rule with
//! its examples.

use assert_cmd::Command;
use predicates::prelude::*;

fn prepub() -> Command {
    Command::cargo_bin("prepub").expect("the prepub binary is built")
}

#[test]
fn starter_pack_checks_and_tests_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pack = dir.path().join("org");
    prepub()
        .args(["rules", "init"])
        .arg(&pack)
        .assert()
        .success();
    assert!(pack.join("my-pack.yaml").is_file());
    assert!(pack.join("my-terms.txt").is_file());
    prepub()
        .args(["rules", "check"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 1 packs"));
    prepub()
        .args(["rules", "test"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"));
    // Init refuses to overwrite what the user may have edited.
    prepub()
        .args(["rules", "init"])
        .arg(&pack)
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn starter_lexicon_terms_are_found_with_their_severity() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pack = dir.path().join("org");
    prepub()
        .args(["rules", "init"])
        .arg(&pack)
        .assert()
        .success();
    let lexicon = pack.join("my-terms.txt");
    let mut terms = std::fs::read_to_string(&lexicon).expect("lexicon");
    terms.push_str("蓝鲸工程\treview\n");
    std::fs::write(&lexicon, terms).expect("write lexicon");
    let draft = dir.path().join("draft.txt");
    std::fs::write(&draft, "关于蓝鲸工程进展情况的通报\n").expect("write draft");
    prepub()
        .args(["scan", "--rules"])
        .arg(&pack)
        .arg(&draft)
        .assert()
        .stdout(predicate::str::contains("term.org.lexicon review"));
}

#[test]
fn builtin_examples_all_pass() {
    prepub()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"));
}

#[test]
fn rules_show_prints_the_rule_with_its_examples() {
    prepub()
        .args(["rules", "show", "marking.cn.level-star"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("id: marking.cn.level-star")
                .and(predicate::str::contains("no_match:"))
                .and(predicate::str::contains("机密★1年")),
        );
    prepub()
        .args(["rules", "show", "marking.cn.nope"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no rule with id"));
}

#[test]
fn rules_check_names_the_broken_pack() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pack = dir.path().join("broken.yaml");
    std::fs::write(
        &pack,
        "name: b\nversion: '1'\nrules:\n  - id: term.x\n    severity: review\n    message: m\n    terms: [x]\n    side: before\n    examples: {match: [x]}\n",
    )
    .expect("write pack");
    prepub()
        .args(["rules", "check"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.yaml").and(predicate::str::contains("side")));
}

/// The example pack in docs/README-rules.md stays valid and its examples pass.
#[test]
fn readme_example_pack_is_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/README-rules.md"))
            .expect("docs/README-rules.md");
    let start = readme.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + readme[start..].find("```").expect("the block ends");
    let dir = tempfile::tempdir().expect("temp dir");
    let pack = dir.path().join("example.yaml");
    std::fs::write(&pack, &readme[start..end]).expect("write pack");
    prepub()
        .args(["rules", "check"])
        .arg(&pack)
        .assert()
        .success();
    prepub()
        .args(["rules", "test"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"));
}

/// The built-in rules tables in README.md and docs/README-rules.md are the
/// current output of `rules list --format markdown` (regenerate them when a
/// rule changes).
#[test]
fn readme_rules_table_is_current() {
    let output = prepub()
        .args(["rules", "list", "--format", "markdown"])
        .output()
        .expect("rules list runs");
    let table = String::from_utf8(output.stdout).expect("UTF-8");
    for file in ["README.md", "docs/README-rules.md"] {
        let readme = std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR")))
            .expect("readme");
        assert!(
            readme.contains(&table),
            "{file} is missing the current table; regenerate with `prepub rules list --format markdown`:\n{table}"
        );
    }
}
