//! The labelled evaluation of the built-in rule packs: `make eval`, or
//! `cargo run --example eval [-- [-v] [DIR]]` (`-v` also lists the other
//! findings above info on positive items).
//!
//! Reads `fixtures/eval/labels.tsv` (format in `fixtures/eval/README.md`),
//! runs every snippet and document through the built-in packs and prints,
//! per class, the recall of the expected findings and the items that had a
//! finding above what their label allows. Exits 1 when a target is missed:
//! recall below [`RECALL_TARGET`] in a class, or any false positive.
//!
//! Then, when the shared corpus is here, the third-party documents of
//! `fixtures/eval/third-party.tsv` ([`third_party`]): whole files scanned
//! as `prepub scan` would, scored on verdicts, false alarms and recall.
//!
//! `tests/eval.rs` includes this file and enforces the same targets under
//! `cargo test`.

use prepub::extract::document::{Extraction, Part, Segment, Severity};
use prepub::review::Finding;
use prepub::review::ReviewOptions;
use prepub::review::find_all;
use prepub::rules::RuleSet;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Minimum share of expected findings that must be found, in every class.
pub const RECALL_TARGET: f64 = 0.98;

/// One thing the label says must be found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub rule: String,
    pub severity: Severity,
    /// `=`: exactly this severity; `>=`: at least.
    pub exact: bool,
}

/// One labelled snippet or document.
#[derive(Clone, Debug)]
pub struct Item {
    pub id: String,
    pub class: String,
    pub expectations: Vec<Expectation>,
    /// No finding may be above this severity (`none` = info).
    pub max: Option<Severity>,
    /// (part, text) blocks.
    pub segments: Vec<(Part, String)>,
}

/// What happened to one item.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub item: Item,
    pub findings: Vec<Finding>,
    /// Expectations not met.
    pub missed: Vec<Expectation>,
    /// Findings above the label's `max`.
    pub over_max: Vec<Finding>,
    /// Findings above info of rules the label does not mention (positive
    /// items only; informational).
    pub unexpected: Vec<Finding>,
}

/// Figures for one class.
#[derive(Clone, Debug, Default)]
pub struct ClassScore {
    pub items: usize,
    pub expected: usize,
    pub found: usize,
    /// Items whose label bounds the severity (`none`, `max=`).
    pub bounded_items: usize,
    /// Of those, items with a finding above the bound.
    pub false_positive_items: usize,
    pub unexpected: usize,
}

impl ClassScore {
    pub fn recall(&self) -> Option<f64> {
        (self.expected > 0).then(|| self.found as f64 / self.expected as f64)
    }
}

/// The whole evaluation.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub classes: BTreeMap<String, ClassScore>,
}

impl Report {
    /// Every missed target, in words; empty when all are met.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (class, score) in &self.classes {
            if let Some(recall) = score.recall()
                && recall < RECALL_TARGET
            {
                failures.push(format!(
                    "{class}: recall {recall:.3} is below {RECALL_TARGET}"
                ));
            }
            if score.false_positive_items > 0 {
                failures.push(format!(
                    "{class}: {} item(s) with findings above their label",
                    score.false_positive_items
                ));
            }
        }
        failures
    }

    /// The report as printed by `make eval`; `verbose` adds the other
    /// findings above info on positive items (overlapping rules, expected).
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<20} {:>5} {:>9} {:>8} {:>14} {:>10}",
            "class", "items", "expected", "recall", "FP above label", "unexpected"
        );
        let mut total = ClassScore::default();
        for (class, score) in &self.classes {
            let recall = score.recall().map_or("-".to_owned(), |r| format!("{r:.3}"));
            let _ = writeln!(
                out,
                "{class:<20} {:>5} {:>9} {recall:>8} {:>14} {:>10}",
                score.items,
                format!("{}/{}", score.found, score.expected),
                format!("{}/{}", score.false_positive_items, score.bounded_items),
                score.unexpected
            );
            total.items += score.items;
            total.expected += score.expected;
            total.found += score.found;
            total.bounded_items += score.bounded_items;
            total.false_positive_items += score.false_positive_items;
            total.unexpected += score.unexpected;
        }
        let recall = total.recall().map_or("-".to_owned(), |r| format!("{r:.3}"));
        let _ = writeln!(
            out,
            "{:<20} {:>5} {:>9} {recall:>8} {:>14} {:>10}",
            "all",
            total.items,
            format!("{}/{}", total.found, total.expected),
            format!("{}/{}", total.false_positive_items, total.bounded_items),
            total.unexpected
        );
        for outcome in &self.outcomes {
            for missed in &outcome.missed {
                let found: Vec<String> = outcome
                    .findings
                    .iter()
                    .map(|f| format!("{}={}", f.rule, f.severity))
                    .collect();
                let _ = writeln!(
                    out,
                    "MISSED  {} [{}] {}{}{} — found: {}",
                    outcome.item.id,
                    outcome.item.class,
                    missed.rule,
                    if missed.exact { "=" } else { ">=" },
                    missed.severity,
                    if found.is_empty() {
                        "nothing".to_owned()
                    } else {
                        found.join(", ")
                    }
                );
            }
            for finding in &outcome.over_max {
                let _ = writeln!(
                    out,
                    "FP      {} [{}] {}={} at {}:{}: {}",
                    outcome.item.id,
                    outcome.item.class,
                    finding.rule,
                    finding.severity,
                    finding.location.line,
                    finding.location.column,
                    finding.context
                );
            }
            for finding in outcome.unexpected.iter().filter(|_| verbose) {
                let _ = writeln!(
                    out,
                    "EXTRA   {} [{}] {}={}: {}",
                    outcome.item.id,
                    outcome.item.class,
                    finding.rule,
                    finding.severity,
                    finding.context
                );
            }
        }
        let failures = self.failures();
        if failures.is_empty() {
            let _ = writeln!(
                out,
                "targets met: recall >= {RECALL_TARGET} in every class, no finding above its label"
            );
        } else {
            for failure in failures {
                let _ = writeln!(out, "TARGET MISSED: {failure}");
            }
        }
        out
    }
}

/// Reads `labels.tsv` under `root`.
pub fn load(root: &Path) -> Result<Vec<Item>, String> {
    let labels = root.join("labels.tsv");
    let text = std::fs::read_to_string(&labels)
        .map_err(|e| format!("{}: cannot read: {e}", labels.display()))?;
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let at = || format!("{}:{}", labels.display(), index + 1);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(4, '\t').collect();
        let [id, class, label, source] = fields[..] else {
            return Err(format!(
                "{}: expected 4 tab-separated fields: id, class, label, text",
                at()
            ));
        };
        if !seen.insert(id.to_owned()) {
            return Err(format!("{}: duplicate id `{id}`", at()));
        }
        let (expectations, max) = parse_label(label).map_err(|e| format!("{}: {e}", at()))?;
        let text = match source.strip_prefix('@') {
            Some(file) => {
                let path = root.join(file);
                std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {}: cannot read: {e}", at(), path.display()))?
            }
            None => unescape(source),
        };
        items.push(Item {
            id: id.to_owned(),
            class: class.to_owned(),
            expectations,
            max,
            segments: split_parts(&text).map_err(|e| format!("{}: {e}", at()))?,
        });
    }
    Ok(items)
}

/// `none`, `max=SEV`, `RULE>=SEV`, `RULE=SEV`, separated by `;`.
pub fn parse_label(label: &str) -> Result<(Vec<Expectation>, Option<Severity>), String> {
    let severity = |name: &str| {
        Severity::parse(name.trim()).ok_or_else(|| format!("unknown severity `{name}`"))
    };
    let mut expectations = Vec::new();
    let mut max = None;
    for part in label.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        if part == "none" {
            max = Some(Severity::Info);
        } else if let Some(bound) = part.strip_prefix("max=") {
            max = Some(severity(bound)?);
        } else if let Some((rule, sev)) = part.split_once(">=") {
            expectations.push(Expectation {
                rule: rule.trim().to_owned(),
                severity: severity(sev)?,
                exact: false,
            });
        } else if let Some((rule, sev)) = part.split_once('=') {
            expectations.push(Expectation {
                rule: rule.trim().to_owned(),
                severity: severity(sev)?,
                exact: true,
            });
        } else {
            return Err(format!("cannot read label `{part}`"));
        }
    }
    if expectations.is_empty() && max.is_none() {
        return Err("a label needs `none`, `max=` or at least one expectation".into());
    }
    Ok((expectations, max))
}

/// `\n`, `\t` and `\\` escapes of the one-line snippet column.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Lines `[[header]]`, `[[footer]]`, `[[body]]` … switch the part the
/// following lines belong to; text before any marker is body.
pub fn split_parts(text: &str) -> Result<Vec<(Part, String)>, String> {
    let mut segments: Vec<(Part, String)> = Vec::new();
    let mut part = Part::Body;
    let mut current = String::new();
    for line in text.split('\n') {
        let trimmed = line.trim();
        if let Some(name) = trimmed
            .strip_prefix("[[")
            .and_then(|rest| rest.strip_suffix("]]"))
        {
            if !current.is_empty() {
                segments.push((part, std::mem::take(&mut current)));
            }
            part = Part::parse(name).ok_or_else(|| format!("unknown part `{name}`"))?;
            continue;
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        segments.push((part, current));
    }
    Ok(segments)
}

/// Runs every item and scores it.
pub fn evaluate(items: &[Item], rules: &RuleSet) -> Report {
    let mut report = Report::default();
    for item in items {
        let extraction = Extraction {
            segments: item
                .segments
                .iter()
                .map(|(part, text)| Segment::new(*part, text.as_str()))
                .collect(),
            ..Extraction::default()
        };
        let findings = find_all(&extraction, rules, &ReviewOptions::default());
        let missed: Vec<Expectation> = item
            .expectations
            .iter()
            .filter(|expected| {
                !findings.iter().any(|f| {
                    f.rule == expected.rule
                        && if expected.exact {
                            f.severity == expected.severity
                        } else {
                            f.severity >= expected.severity
                        }
                })
            })
            .cloned()
            .collect();
        let over_max: Vec<Finding> = match item.max {
            Some(max) => findings
                .iter()
                .filter(|f| f.severity > max)
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let unexpected: Vec<Finding> = if item.expectations.is_empty() {
            Vec::new()
        } else {
            findings
                .iter()
                .filter(|f| {
                    f.severity > Severity::Info
                        && !item.expectations.iter().any(|e| e.rule == f.rule)
                        && !over_max.iter().any(|o| o.id == f.id)
                })
                .cloned()
                .collect()
        };
        let score = report.classes.entry(item.class.clone()).or_default();
        score.items += 1;
        score.expected += item.expectations.len();
        score.found += item.expectations.len() - missed.len();
        if item.max.is_some() {
            score.bounded_items += 1;
            if !over_max.is_empty() {
                score.false_positive_items += 1;
            }
        }
        score.unexpected += unexpected.len();
        report.outcomes.push(Outcome {
            item: item.clone(),
            findings,
            missed,
            over_max,
            unexpected,
        });
    }
    report
}

/// `fixtures/eval` of this crate.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/eval")
}

/// Loads, runs and scores the labelled set with the built-in packs.
pub fn run(root: &Path) -> Result<Report, String> {
    let items = load(root)?;
    let rules = RuleSet::builtin().map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(evaluate(&items, &rules))
}

#[allow(dead_code)]
fn main() {
    let mut verbose = false;
    let mut root = default_root();
    for argument in std::env::args_os().skip(1) {
        if argument == "-v" || argument == "--verbose" {
            verbose = true;
        } else {
            root = PathBuf::from(argument);
        }
    }
    let mut failed = false;
    match run(&root) {
        Ok(report) => {
            print!("{}", report.render(verbose));
            failed |= !report.failures().is_empty();
        }
        Err(error) => {
            eprintln!("eval: {error}");
            std::process::exit(2);
        }
    }
    // The third-party documents, when the shared corpus is here.
    match third_party::corpus() {
        None => println!(
            "\nthird-party documents: skipped (no corpus at ../shared/corpus; set PREPUB_CORPUS)"
        ),
        Some(corpus) => {
            let rules = RuleSet::builtin().unwrap_or_else(|_| std::process::exit(2));
            match third_party::run(&root.join("third-party.tsv"), &corpus, &rules) {
                Ok(report) => {
                    print!("\n{}", report.render());
                    for failure in report.failures() {
                        println!("target missed: {failure}");
                        failed = true;
                    }
                }
                Err(error) => {
                    eprintln!("eval: {error}");
                    std::process::exit(2);
                }
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}

/// Third-party documents (`fixtures/eval/third-party.tsv`, issue 17): whole
/// files nobody here wrote, from the shared corpus, each labelled with what
/// a reviewer would decide.
pub mod third_party {
    use prepub::batch::file::{ScanOptions, scan_bytes};
    use prepub::extract::document::{ExtractionStatus, Severity};
    use prepub::review::{DocumentReview, Verdict};
    use prepub::rules::RuleSet;
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};

    /// No publishable document may be blocked; at most one in this many
    /// may get `review` for a reason a reviewer would reject.
    pub const UNJUSTIFIED_REVIEW_ONE_IN: usize = 20;
    /// Share of what reviewers insist on that must be found.
    pub const RECALL_TARGET: f64 = 0.95;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Expect {
        Publish,
        Withhold,
    }

    /// What a reviewer insists on.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Insist {
        /// A finding of the rule at least this severe.
        Rule(String, Severity),
        /// The document is not passed.
        NotPassed,
    }

    #[derive(Clone, Debug)]
    pub struct Item {
        pub local_name: String,
        pub expect: Expect,
        pub insist: Vec<Insist>,
        /// Rules whose findings above info are justified here; `partial`
        /// where a part really cannot be read.
        pub accept: Vec<String>,
        pub why: String,
    }

    /// The corpus: `$PREPUB_CORPUS`, else `../shared/corpus` beside the
    /// crate; `None` when absent.
    pub fn corpus() -> Option<PathBuf> {
        let dir = std::env::var_os("PREPUB_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
        dir.is_dir().then_some(dir)
    }

    pub fn load(path: &Path) -> Result<Vec<Item>, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut items = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |what: &str| format!("{}:{}: {what}", path.display(), number + 1);
            let fields: Vec<&str> = line.split('\t').collect();
            let [local_name, expect, insist, accept, why] = fields[..] else {
                return Err(at("five tab-separated fields expected"));
            };
            let expect = match expect {
                "publish" => Expect::Publish,
                "withhold" => Expect::Withhold,
                other => return Err(at(&format!("expect is publish or withhold, not {other}"))),
            };
            let list = |field: &str| -> Vec<String> {
                field
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "-")
                    .map(str::to_owned)
                    .collect()
            };
            let mut wanted = Vec::new();
            for want in list(insist) {
                if want == "verdict>=review" {
                    wanted.push(Insist::NotPassed);
                    continue;
                }
                let (rule, severity) = want
                    .split_once(">=")
                    .ok_or_else(|| at(&format!("{want}: RULE>=SEVERITY expected")))?;
                let severity = match severity {
                    "info" => Severity::Info,
                    "review" => Severity::Review,
                    "block" => Severity::Block,
                    other => return Err(at(&format!("unknown severity {other}"))),
                };
                wanted.push(Insist::Rule(rule.to_owned(), severity));
            }
            items.push(Item {
                local_name: local_name.to_owned(),
                expect,
                insist: wanted,
                accept: list(accept),
                why: why.to_owned(),
            });
        }
        Ok(items)
    }

    /// What happened to one document.
    #[derive(Debug)]
    pub struct Outcome {
        pub item: Item,
        pub verdict: Verdict,
        /// Rules with findings above info that `accept` does not justify,
        /// and `partial` when being unread is not.
        pub unjustified: Vec<String>,
        /// What the reviewer insists on and was not found.
        pub missed: Vec<String>,
    }

    impl Outcome {
        /// The verdict is what the label allows.
        pub fn right(&self) -> bool {
            match self.item.expect {
                Expect::Publish => {
                    self.verdict == Verdict::Pass
                        || (self.verdict == Verdict::Review && self.unjustified.is_empty())
                }
                Expect::Withhold => self.verdict != Verdict::Pass,
            }
        }
    }

    pub fn judge(item: &Item, documents: &[DocumentReview]) -> Outcome {
        let verdict = documents
            .iter()
            .map(|d| d.verdict)
            .max_by_key(|v| match v {
                Verdict::Pass => 0,
                Verdict::Review => 1,
                Verdict::Block => 2,
            })
            .unwrap_or(Verdict::Review);
        let mut unjustified: Vec<String> = Vec::new();
        for document in documents {
            for finding in &document.findings {
                let counts = finding.severity > Severity::Info && finding.waived.is_none();
                if counts
                    && !item.accept.contains(&finding.rule)
                    && !unjustified.contains(&finding.rule)
                {
                    unjustified.push(finding.rule.clone());
                }
            }
            if document.extraction.status != ExtractionStatus::Complete
                && !item.accept.iter().any(|a| a == "partial")
                && !unjustified.iter().any(|u| u == "partial")
            {
                unjustified.push("partial".into());
            }
        }
        let missed = item
            .insist
            .iter()
            .filter(|want| match want {
                Insist::NotPassed => verdict == Verdict::Pass,
                Insist::Rule(rule, severity) => !documents.iter().any(|d| {
                    d.findings
                        .iter()
                        .any(|f| &f.rule == rule && f.severity >= *severity)
                }),
            })
            .map(|want| match want {
                Insist::NotPassed => "not passed".to_owned(),
                Insist::Rule(rule, severity) => format!("{rule}>={}", severity.as_str()),
            })
            .collect();
        Outcome {
            item: item.clone(),
            verdict,
            unjustified,
            missed,
        }
    }

    #[derive(Debug, Default)]
    pub struct Report {
        pub outcomes: Vec<Outcome>,
        /// Items whose file is not in the corpus.
        pub absent: Vec<String>,
    }

    impl Report {
        fn publish(&self) -> impl Iterator<Item = &Outcome> {
            self.outcomes
                .iter()
                .filter(|o| o.item.expect == Expect::Publish)
        }

        pub fn blocked(&self) -> Vec<&Outcome> {
            self.publish()
                .filter(|o| o.verdict == Verdict::Block)
                .collect()
        }

        /// Publishable documents sent to review for a reason a reviewer
        /// would reject.
        pub fn unjustified_reviews(&self) -> Vec<&Outcome> {
            self.publish()
                .filter(|o| o.verdict == Verdict::Review && !o.unjustified.is_empty())
                .collect()
        }

        pub fn recall(&self) -> (usize, usize) {
            let wanted: usize = self.outcomes.iter().map(|o| o.item.insist.len()).sum();
            let missed: usize = self.outcomes.iter().map(|o| o.missed.len()).sum();
            (wanted - missed, wanted)
        }

        /// The targets missed, in words.
        pub fn failures(&self) -> Vec<String> {
            let mut failures = Vec::new();
            let blocked = self.blocked();
            if !blocked.is_empty() {
                failures.push(format!(
                    "{} publishable document(s) blocked: {}",
                    blocked.len(),
                    blocked
                        .iter()
                        .map(|o| o.item.local_name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let publish = self.publish().count();
            let unjustified = self.unjustified_reviews().len();
            if unjustified * UNJUSTIFIED_REVIEW_ONE_IN > publish.max(1) {
                failures.push(format!(
                    "{unjustified} of {publish} publishable documents sent to review for a reason a reviewer would reject (at most 1 in {UNJUSTIFIED_REVIEW_ONE_IN})"
                ));
            }
            let (found, wanted) = self.recall();
            if wanted > 0 && (found as f64) < RECALL_TARGET * wanted as f64 {
                failures.push(format!(
                    "recall {found}/{wanted} under {RECALL_TARGET} of what reviewers insist on"
                ));
            }
            failures
        }

        pub fn render(&self) -> String {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "third-party documents (fixtures/eval/third-party.tsv):"
            );
            for o in &self.outcomes {
                let mark = if o.right() && o.missed.is_empty() {
                    "ok  "
                } else {
                    "MISS"
                };
                let _ = write!(
                    out,
                    "  {mark} {:<8} {:<7} {}",
                    match o.item.expect {
                        Expect::Publish => "publish",
                        Expect::Withhold => "withhold",
                    },
                    o.verdict.as_str(),
                    o.item.local_name
                );
                if !o.missed.is_empty() {
                    let _ = write!(out, "  missed: {}", o.missed.join(", "));
                }
                if o.item.expect == Expect::Publish && !o.unjustified.is_empty() {
                    let _ = write!(out, "  not justified: {}", o.unjustified.join(", "));
                }
                out.push('\n');
            }
            if !self.absent.is_empty() {
                let _ = writeln!(out, "  ({} not in the corpus, skipped)", self.absent.len());
            }
            let right = self.outcomes.iter().filter(|o| o.right()).count();
            let publish = self.publish().count();
            let (found, wanted) = self.recall();
            let _ = writeln!(
                out,
                "verdicts right: {right}/{}; publishable blocked: {}/{publish}; publishable sent to review without a reason a reviewer accepts: {}/{publish}; recall of what reviewers insist on: {found}/{wanted}",
                self.outcomes.len(),
                self.blocked().len(),
                self.unjustified_reviews().len(),
            );
            out
        }
    }

    /// Scans every labelled document found in `corpus` with the built-in
    /// packs and default options, as `prepub scan` would.
    pub fn run(labels: &Path, corpus: &Path, rules: &RuleSet) -> Result<Report, String> {
        let mut report = Report::default();
        // Results must not hang on how fast this machine reads pictures:
        // no document here is cut short by the time budget.
        let mut options = ScanOptions::default();
        options.limits.time_budget = std::time::Duration::from_secs(1800);
        for item in load(labels)? {
            let path = corpus.join(&item.local_name);
            let Ok(bytes) = std::fs::read(&path) else {
                report.absent.push(item.local_name.clone());
                continue;
            };
            let documents = scan_bytes(&item.local_name, &bytes, rules, &options);
            report.outcomes.push(judge(&item, &documents));
        }
        Ok(report)
    }
}
