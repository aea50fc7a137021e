//! `cargo test` enforces the labelled-evaluation targets of `make eval`.

#[path = "../examples/eval.rs"]
#[allow(dead_code)]
mod eval;

#[test]
fn builtin_packs_meet_the_evaluation_targets() {
    let report = eval::run(&eval::default_root()).expect("the labelled set loads");
    let rendered = report.render();
    println!("{rendered}");
    assert!(
        report.outcomes.len() >= 150,
        "the labelled set has only {} items",
        report.outcomes.len()
    );
    assert!(report.failures().is_empty(), "{rendered}");
}
