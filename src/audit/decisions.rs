//! Reviewer decisions: the `prepub-decisions.yaml` file and how it applies
//! to a review.
//!
//! 一事一审 means a person decides every finding. Each decision is keyed by
//! the document's path and the finding's stable id (made from the rule, the
//! normalised match, its context, the part and an occurrence number), never
//! by a line number, so it survives edits elsewhere in the document and
//! reopens when the matched text or its immediate context changes.
//!
//! The file is written sorted by path and id, with no file-level timestamp,
//! so saving it again without a new decision gives the same bytes (no merge
//! churn in version control). Writes are atomic.
//!
//! How decisions apply (see [`apply_to_document`]):
//! - `keep` (with a reason) waives the finding: it stays in the report,
//!   marked waived, and no longer counts toward the verdict or exit code —
//!   unless its `expires` day has passed, or the finding is block-level and
//!   no second person approved the keep (an `approver` distinct from the
//!   reviewer: one clerk typing "测试" must not turn a 绝密 document into a
//!   pass); such a keep is shown, unapproved, and the finding stays open;
//! - `remove` / `revise` leave the finding open until its text is gone; the
//!   decision is then reported as resolved;
//! - a `keep` whose finding no longer appears is stale.

use crate::extract::document::{ExtractionStatus, Severity};
use crate::review::{
    AppliedDecision, Decision, DecisionKind, DecisionsInfo, DocumentReview, Finding, Review,
    Summary, Waiver,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The decisions file used when `--decisions` is not given: in the current
/// directory, the one the review's document paths are relative to.
pub const DEFAULT_FILE: &str = "prepub-decisions.yaml";

/// The `schema` line of a decisions file.
pub const SCHEMA: &str = crate::review::DECISIONS_SCHEMA;

const HEADER: &str = "\
# prepub decisions: one entry per decided finding, keyed by path and finding id.
# decision: remove | revise | keep (keep needs a reason); dates are YYYY-MM-DD;
# `expires` (optional) ends a keep; a keep of a block-level finding waives it
# only with an `approver` who is not the reviewer. The top-level `reviewer` is the name
# `prepub review` last decided under (asked once, then remembered). Written by `prepub review`;
# safe to edit by hand, but comments are not kept when prepub saves the file.
";

/// An example entry, shown when `prepub review` cannot run interactively.
pub const EXAMPLE: &str = "\
schema: prepub.decisions/1
decisions:
- id: 5f0c8a1e2b3d4c5e6f70
  path: drafts/notice.txt
  sha256: 9b7e…(the document's SHA-256, from the JSON review)
  rule: marking.cn.level-star
  text: 机密★1年
  decision: keep
  reason: 已解密，见解密通知
  reviewer: 张三
  approver: 李四
  date: 2026-11-28
  expires: 2027-06-30
";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    schema: String,
    /// Who last decided with `prepub review`, so the next session does not
    /// ask again (a login name like `root` is no name for a signed form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reviewer: Option<String>,
    #[serde(default)]
    decisions: Vec<Decision>,
}

/// Every decision of a decisions file, one per (document path, finding id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decisions {
    entries: BTreeMap<(String, String), Decision>,
    /// The name `prepub review` last recorded decisions under.
    reviewer: Option<String>,
}

/// A decisions file as read: the decisions, where from, and its digest.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub decisions: Decisions,
    pub file: String,
    /// `sha256:<hex>` of the file's bytes; of nothing when it did not exist.
    pub digest: String,
}

impl Decisions {
    /// Parses and checks a decisions file. Every problem found is listed,
    /// each with the entry it is in.
    pub fn parse(text: &str, origin: &str) -> Result<Decisions, String> {
        let file: FileFormat = serde_saphyr::from_str(text).map_err(|error| {
            let message = error.to_string();
            let first = message.lines().next().unwrap_or("invalid YAML");
            match error.location() {
                Some(at) => format!("{origin}:{}:{}: {first}", at.line(), at.column()),
                None => format!("{origin}: {first}"),
            }
        })?;
        if file.schema != SCHEMA {
            return Err(format!(
                "{origin}: schema `{}` is not `{SCHEMA}`",
                file.schema
            ));
        }
        let mut errors = Vec::new();
        let mut decisions = Decisions {
            reviewer: file.reviewer.filter(|name| !name.trim().is_empty()),
            ..Decisions::default()
        };
        for (number, decision) in file.decisions.into_iter().enumerate() {
            let label = format!("{origin}: decision {} (id {})", number + 1, decision.id);
            for problem in check(&decision) {
                errors.push(format!("{label}: {problem}"));
            }
            let key = (decision.path.clone(), decision.id.clone());
            if decisions.entries.insert(key, decision).is_some() {
                errors.push(format!(
                    "{label}: a second decision for the same finding of the same document"
                ));
            }
        }
        if errors.is_empty() {
            Ok(decisions)
        } else {
            Err(errors.join("\n"))
        }
    }

    /// Reads a decisions file. A missing file is an empty set when
    /// `must_exist` is false (the default file, or `prepub review` starting
    /// a new one), an error naming it otherwise.
    pub fn load(path: &Path, must_exist: bool) -> Result<Loaded, String> {
        let shown = path.to_string_lossy().replace('\\', "/");
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes.clone())
                    .map_err(|_| format!("{shown}: a decisions file must be UTF-8"))?;
                Ok(Loaded {
                    decisions: Decisions::parse(&text, &shown)?,
                    file: shown,
                    digest: format!("sha256:{}", crate::review::sha256_hex(&bytes)),
                })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                Ok(Loaded {
                    decisions: Decisions::default(),
                    file: shown,
                    digest: format!("sha256:{}", crate::review::sha256_hex(b"")),
                })
            }
            Err(error) => Err(format!("{shown}: cannot read the decisions file: {error}")),
        }
    }

    /// The file's text: header, schema, entries sorted by path then id.
    pub fn to_yaml(&self) -> Result<String, String> {
        let file = FileFormat {
            schema: SCHEMA.to_owned(),
            reviewer: self.reviewer.clone(),
            decisions: self.entries.values().cloned().collect(),
        };
        let options = serde_saphyr::ser_options! {
            prefer_block_scalars: false,
        };
        let body = serde_saphyr::to_string_with_options(&file, options)
            .map_err(|e| format!("cannot write decisions: {e}"))?;
        Ok(format!("{HEADER}{body}"))
    }

    /// Writes the file atomically; does nothing when its bytes would not
    /// change. Returns whether it wrote.
    pub fn save(&self, path: &Path) -> Result<bool, String> {
        let text = self.to_yaml()?;
        if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
            return Ok(false);
        }
        crate::report::write_atomically(path, text.as_bytes())?;
        Ok(true)
    }

    /// The name `prepub review` last recorded decisions under.
    pub fn reviewer(&self) -> Option<&str> {
        self.reviewer.as_deref()
    }

    /// Remembers `name` as the reviewer of the next session.
    pub fn remember_reviewer(&mut self, name: &str) {
        let name = name.trim();
        if !name.is_empty() {
            self.reviewer = Some(name.to_owned());
        }
    }

    pub fn get(&self, path: &str, id: &str) -> Option<&Decision> {
        self.entries.get(&(path.to_owned(), id.to_owned()))
    }

    /// Records a decision, replacing an earlier one on the same finding.
    pub fn record(&mut self, decision: Decision) -> Result<(), String> {
        let problems = check(&decision);
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        self.entries
            .insert((decision.path.clone(), decision.id.clone()), decision);
        Ok(())
    }

    /// `--approver NAME`: NAME approves every `keep` that has no approver
    /// yet and that NAME did not decide (nobody approves their own keep).
    /// Returns how many keeps NAME approved.
    pub fn approve_keeps(&mut self, approver: &str) -> usize {
        let approver = approver.trim();
        if approver.is_empty() {
            return 0;
        }
        let mut approved = 0;
        for decision in self.entries.values_mut() {
            let unapproved = decision
                .approver
                .as_deref()
                .is_none_or(|a| a.trim().is_empty());
            if decision.decision == DecisionKind::Keep
                && unapproved
                && !crate::review::same_person(&decision.reviewer, approver)
            {
                decision.approver = Some(approver.to_owned());
                approved += 1;
            }
        }
        approved
    }

    /// Takes back the decision on a finding.
    pub fn forget(&mut self, path: &str, id: &str) -> Option<Decision> {
        self.entries.remove(&(path.to_owned(), id.to_owned()))
    }

    /// The decisions about one document, sorted by finding id.
    pub fn for_document<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Decision> + 'a {
        self.entries
            .range((path.to_owned(), String::new())..)
            .take_while(move |((p, _), _)| p == path)
            .map(|(_, decision)| decision)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Decision> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What is wrong with one decision, if anything.
fn check(decision: &Decision) -> Vec<String> {
    let mut problems = Vec::new();
    if decision.id.trim().is_empty() {
        problems.push("`id` is empty".to_owned());
    }
    if decision.path.trim().is_empty() {
        problems.push("`path` is empty".to_owned());
    }
    if decision.reviewer.trim().is_empty() {
        problems.push("`reviewer` is empty: say who decided".to_owned());
    }
    if decision.decision == DecisionKind::Keep
        && decision
            .reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        problems.push("a `keep` decision needs a `reason`".to_owned());
    }
    if let Err(problem) = parse_date(&decision.date) {
        problems.push(format!("`date`: {problem}"));
    }
    if let Some(expires) = &decision.expires
        && let Err(problem) = parse_date(expires)
    {
        problems.push(format!("`expires`: {problem}"));
    }
    problems
}

/// Checks a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<time::Date, String> {
    let invalid = || format!("`{text}` is not a date written YYYY-MM-DD");
    let pieces: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = pieces.as_slice() else {
        return Err(invalid());
    };
    let digits = |piece: &str, length: usize| {
        piece.len() == length && piece.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return Err(invalid());
    }
    let year: i32 = year.parse().map_err(|_| invalid())?;
    let month: u8 = month.parse().map_err(|_| invalid())?;
    let day: u8 = day.parse().map_err(|_| invalid())?;
    let month = time::Month::try_from(month).map_err(|_| invalid())?;
    time::Date::from_calendar_date(year, month, day).map_err(|_| invalid())
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    crate::batch::now_rfc3339()
        .split('T')
        .next()
        .unwrap_or("1970-01-01")
        .to_owned()
}

/// Whether a `keep` has expired on `as_of`: `expires` is the last day it
/// holds.
fn is_expired(decision: &Decision, as_of: time::Date) -> bool {
    decision.decision == DecisionKind::Keep
        && decision
            .expires
            .as_deref()
            .and_then(|e| parse_date(e).ok())
            .is_some_and(|expires| expires < as_of)
}

/// Applies decisions to every document of a review, records which file was
/// applied, and recomputes the summary. Decisions about documents that are
/// not in the review (another shard, another folder) are left alone.
pub fn apply(
    review: &mut Review,
    decisions: &Decisions,
    info: DecisionsInfo,
) -> Result<(), String> {
    let as_of = parse_date(&info.as_of).map_err(|e| format!("--as-of: {e}"))?;
    for document in &mut review.documents {
        apply_to_document(document, decisions, as_of);
    }
    review.summary = Summary::of(&review.documents);
    review.decisions = Some(info);
    Ok(())
}

/// Applies the decisions about one document and recomputes its verdict.
///
/// A decision whose finding is absent is `resolved` (remove/revise) or
/// stale (keep) — but only when the document was fully read: if it was not,
/// an absent finding proves nothing, so the decision is listed as stale
/// rather than claimed resolved.
pub fn apply_to_document(document: &mut DocumentReview, decisions: &Decisions, as_of: time::Date) {
    document.resolved.clear();
    document.stale_decisions.clear();
    let mut present: HashSet<&str> = HashSet::new();
    for finding in &mut document.findings {
        finding.decision = None;
        finding.waived = None;
        if let Some(decision) = decisions.get(&document.path, &finding.id) {
            apply_to_finding(finding, decision, as_of);
        }
    }
    for finding in &document.findings {
        present.insert(finding.id.as_str());
    }
    let fully_read = document.extraction.status == ExtractionStatus::Complete;
    let mut resolved = Vec::new();
    let mut stale = Vec::new();
    for decision in decisions.for_document(&document.path) {
        if present.contains(decision.id.as_str()) {
            continue;
        }
        if decision.decision == DecisionKind::Keep || !fully_read {
            stale.push(decision.clone());
        } else {
            resolved.push(decision.clone());
        }
    }
    document.resolved = resolved;
    document.stale_decisions = stale;
    let (verdict, reasons) = crate::review::verdict_of(document);
    document.verdict = verdict;
    document.waived = document
        .findings
        .iter()
        .filter(|f| f.waived.is_some())
        .count();
    document.reasons = reasons;
    if !document.stale_decisions.is_empty() {
        document.reasons.push(format!(
            "{} stale decision(s): the finding no longer appears{}",
            document.stale_decisions.len(),
            if fully_read {
                ""
            } else {
                " (the document was not fully read)"
            }
        ));
    }
    if !document.resolved.is_empty() {
        document.reasons.push(format!(
            "{} remove/revise decision(s) resolved: the text is gone",
            document.resolved.len()
        ));
    }
}

/// The approver of a decision who is a second person: named, and not the
/// reviewer.
fn distinct_approver(decision: &Decision) -> Option<&str> {
    decision
        .approver
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty() && !crate::review::same_person(a, &decision.reviewer))
}

/// Whether a `keep` on `finding` lacks the second person it needs: a
/// block-level finding is waived only with a distinct approver.
fn lacks_approval(finding: &Finding, decision: &Decision) -> bool {
    decision.decision == DecisionKind::Keep
        && finding.severity == Severity::Block
        && distinct_approver(decision).is_none()
}

fn apply_to_finding(finding: &mut Finding, decision: &Decision, as_of: time::Date) {
    let expired = is_expired(decision, as_of);
    let unapproved = lacks_approval(finding, decision);
    finding.decision = Some(AppliedDecision {
        decision: decision.decision,
        by: decision.reviewer.clone(),
        date: decision.date.clone(),
        reason: decision.reason.clone(),
        expires: decision.expires.clone(),
        expired,
        approver: decision.approver.clone(),
        unapproved,
        sha256: decision.sha256.clone(),
    });
    if decision.decision == DecisionKind::Keep && !expired && !unapproved {
        finding.waived = Some(Waiver {
            approver: distinct_approver(decision).map(str::to_owned),
            by: decision.reviewer.clone(),
            date: decision.date.clone(),
            reason: decision.reason.clone().unwrap_or_default(),
            expires: decision.expires.clone(),
        });
    }
}

/// The decisions a review applied, rebuilt from the review itself (each
/// finding's decision, and the resolved and stale lists), so `verify` can
/// apply the same ones without the original file.
pub fn recorded(review: &Review) -> Decisions {
    let mut decisions = Decisions::default();
    for document in &review.documents {
        for finding in &document.findings {
            if let Some(applied) = &finding.decision {
                let decision = Decision {
                    id: finding.id.clone(),
                    path: document.path.clone(),
                    sha256: applied.sha256.clone(),
                    rule: finding.rule.clone(),
                    text: finding.text.clone(),
                    decision: applied.decision,
                    reason: applied.reason.clone(),
                    reviewer: applied.by.clone(),
                    approver: applied.approver.clone(),
                    date: applied.date.clone(),
                    expires: applied.expires.clone(),
                };
                decisions
                    .entries
                    .insert((decision.path.clone(), decision.id.clone()), decision);
            }
        }
        for decision in document.resolved.iter().chain(&document.stale_decisions) {
            decisions.entries.insert(
                (decision.path.clone(), decision.id.clone()),
                decision.clone(),
            );
        }
    }
    decisions
}

/// A new decision on a finding. The decisions file is committed next to
/// the drafts, so it never holds personal data: the matched text and the
/// reason go through `mask` (what the personal rules of the packs in force
/// match, whichever rule reported the finding — see
/// [`crate::review::mask_text`]) even when the review showed them
/// (`--show-match`), and a personal finding's own text is masked whatever
/// `mask` says.
pub fn decide(
    document: &DocumentReview,
    finding: &Finding,
    kind: DecisionKind,
    reason: Option<String>,
    reviewer: &str,
    date: &str,
    mask: &dyn Fn(&str) -> String,
) -> Decision {
    let text = if crate::review::is_masked_category(finding.category) && !finding.text.contains('*')
    {
        crate::review::mask(&finding.text)
    } else {
        mask(&finding.text)
    };
    Decision {
        id: finding.id.clone(),
        path: document.path.clone(),
        sha256: document.sha256.clone(),
        rule: finding.rule.clone(),
        text,
        decision: kind,
        reason: reason.map(|r| mask(r.trim())).filter(|r| !r.is_empty()),
        reviewer: reviewer.trim().to_owned(),
        approver: None,
        date: date.to_owned(),
        expires: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, id: &str, kind: DecisionKind) -> Decision {
        Decision {
            id: id.into(),
            path: path.into(),
            sha256: "ab".repeat(32),
            rule: "marking.cn.level-star".into(),
            text: "机密★1年".into(),
            decision: kind,
            reason: (kind == DecisionKind::Keep).then(|| "已解密：见解密通知".to_owned()),
            reviewer: "张三".into(),
            approver: None,
            date: "2026-11-28".into(),
            expires: None,
        }
    }

    #[test]
    fn round_trips_sorted_and_byte_stable() {
        let mut decisions = Decisions::default();
        decisions
            .record(entry("b.txt", "02", DecisionKind::Remove))
            .unwrap();
        decisions
            .record(entry("a.txt", "09", DecisionKind::Keep))
            .unwrap();
        decisions
            .record(entry("a.txt", "01", DecisionKind::Revise))
            .unwrap();
        let text = decisions.to_yaml().unwrap();
        let again = Decisions::parse(&text, "t.yaml").unwrap();
        assert_eq!(again, decisions);
        assert_eq!(again.to_yaml().unwrap(), text);
        let order: Vec<(&str, &str)> = again
            .iter()
            .map(|d| (d.path.as_str(), d.id.as_str()))
            .collect();
        assert_eq!(order, [("a.txt", "01"), ("a.txt", "09"), ("b.txt", "02")]);
        assert!(text.contains("reason: 已解密：见解密通知"), "{text}");
    }

    #[test]
    fn awkward_values_survive_a_round_trip() {
        let mut decisions = Decisions::default();
        // Hex ids can look like numbers; reasons can hold YAML syntax.
        for id in ["1234567890", "12e45", "0x1f", "true", "null"] {
            let mut decision = entry("公文/通知 (1).txt", id, DecisionKind::Keep);
            decision.reason = Some("公开的办公电话: yes # not a comment\n第二行 'quoted'".into());
            decisions.record(decision).unwrap();
        }
        let text = decisions.to_yaml().unwrap();
        assert_eq!(
            Decisions::parse(&text, "t.yaml").unwrap(),
            decisions,
            "{text}"
        );
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2026-02-28").is_ok());
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "26-02-28",
            "2026/02/28",
            "",
            "2026-13-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn save_leaves_an_unchanged_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DEFAULT_FILE);
        let mut decisions = Decisions::default();
        decisions
            .record(entry("a.txt", "01", DecisionKind::Keep))
            .unwrap();
        assert!(decisions.save(&path).unwrap());
        let loaded = Decisions::load(&path, true).unwrap();
        assert!(!loaded.decisions.save(&path).unwrap());
        assert_eq!(loaded.decisions, decisions);
        assert!(loaded.digest.starts_with("sha256:"));
    }

    #[test]
    fn bad_entries_are_all_named() {
        let text = "schema: prepub.decisions/1\ndecisions:\n\
            - {id: x1, path: a.txt, sha256: s, rule: r, text: t, decision: keep, reviewer: 张三, date: 2026-11-28}\n\
            - {id: x2, path: a.txt, sha256: s, rule: r, text: t, decision: remove, reviewer: '', date: 28.11.2026}\n\
            - {id: x2, path: a.txt, sha256: s, rule: r, text: t, decision: remove, reviewer: b, date: 2026-11-28}\n";
        let error = Decisions::parse(text, "d.yaml").unwrap_err();
        assert!(
            error.contains("decision 1 (id x1): a `keep` decision needs a `reason`"),
            "{error}"
        );
        assert!(
            error.contains("decision 2 (id x2): `reviewer` is empty"),
            "{error}"
        );
        assert!(
            error.contains("`date`: `28.11.2026` is not a date"),
            "{error}"
        );
        assert!(
            error.contains("decision 3 (id x2): a second decision"),
            "{error}"
        );
    }

    #[test]
    fn unknown_decision_and_yaml_errors_have_a_location() {
        let text = "schema: prepub.decisions/1\ndecisions:\n- id: x\n  path: a\n  sha256: s\n  rule: r\n  text: t\n  decision: publish\n  reviewer: b\n  date: 2026-01-01\n";
        let error = Decisions::parse(text, "d.yaml").unwrap_err();
        assert!(error.starts_with("d.yaml:"), "{error}");
        let error = Decisions::parse("schema: other/1\n", "d.yaml").unwrap_err();
        assert!(error.contains("schema `other/1`"), "{error}");
    }

    #[test]
    fn missing_file_is_empty_unless_required() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.yaml");
        assert!(Decisions::load(&path, false).unwrap().decisions.is_empty());
        let error = Decisions::load(&path, true).unwrap_err();
        assert!(error.contains("none.yaml"), "{error}");
    }

    #[test]
    fn expiry_is_inclusive_of_the_last_day() {
        let mut decision = entry("a", "1", DecisionKind::Keep);
        decision.expires = Some("2026-11-28".into());
        let day = |d: &str| parse_date(d).unwrap();
        assert!(!is_expired(&decision, day("2026-11-28")));
        assert!(is_expired(&decision, day("2026-11-29")));
        decision.decision = DecisionKind::Remove;
        assert!(!is_expired(&decision, day("2030-01-01")));
    }

    #[test]
    fn decisions_of_one_document_only() {
        let mut decisions = Decisions::default();
        for (path, id) in [
            ("a.txt", "1"),
            ("a.txt!/x", "2"),
            ("a.txt", "3"),
            ("b", "4"),
        ] {
            decisions
                .record(entry(path, id, DecisionKind::Remove))
                .unwrap();
        }
        let ids: Vec<&str> = decisions
            .for_document("a.txt")
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(ids, ["1", "3"]);
    }

    // --- applying decisions to scanned documents -------------------------

    use crate::batch::file::{ScanOptions, scan_bytes};
    use crate::review::Verdict;
    use crate::rules::RuleSet;

    fn scan(path: &str, text: &str) -> DocumentReview {
        let rules = RuleSet::builtin().expect("built-in packs");
        scan_bytes(path, text.as_bytes(), &rules, &ScanOptions::default())
            .pop()
            .expect("one document")
    }

    fn decide_on(document: &DocumentReview, rule: &str, kind: DecisionKind) -> Decision {
        let finding = document
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} finding in {:?}", document.findings));
        let reason = (kind == DecisionKind::Keep).then(|| "经审核可以公开".to_owned());
        let mut decision = decide(
            document,
            finding,
            kind,
            reason,
            "张三",
            "2026-11-28",
            &|t| t.to_owned(),
        );
        decision.approver = (kind == DecisionKind::Keep).then(|| "李四".to_owned());
        decision
    }

    fn as_of() -> time::Date {
        parse_date("2026-11-28").unwrap()
    }

    const NOTICE: &str =
        "关于做好防汛工作的通知\n机密★1年\n各市人民政府：\n请按要求做好防汛准备。\n";

    #[test]
    fn keep_waives_and_the_verdict_follows() {
        let mut document = scan("n.txt", NOTICE);
        assert_eq!(document.verdict, Verdict::Block);
        let mut decisions = Decisions::default();
        decisions
            .record(decide_on(
                &document,
                "marking.cn.level-star",
                DecisionKind::Keep,
            ))
            .unwrap();
        apply_to_document(&mut document, &decisions, as_of());
        assert_eq!(document.findings.len(), 1, "{:?}", document.findings);
        let finding = &document.findings[0];
        let waiver = finding.waived.as_ref().expect("waived");
        assert_eq!(
            (waiver.by.as_str(), waiver.reason.as_str()),
            ("张三", "经审核可以公开")
        );
        assert_eq!(document.verdict, Verdict::Pass, "{:?}", document.reasons);
        assert!(document.reasons.iter().any(|r| r.contains("waived")));
    }

    #[test]
    fn waiver_survives_an_edit_elsewhere_and_reopens_on_an_edit_of_the_match() {
        let original = scan("n.txt", NOTICE);
        let mut decisions = Decisions::default();
        decisions
            .record(decide_on(
                &original,
                "marking.cn.level-star",
                DecisionKind::Keep,
            ))
            .unwrap();

        let elsewhere = NOTICE.replace(
            "请按要求做好防汛准备。",
            "请按要求做好防汛准备，\n并于六月底前报送总结。\n新增一段说明。",
        );
        let mut edited = scan("n.txt", &format!("前言一行\n{elsewhere}"));
        apply_to_document(&mut edited, &decisions, as_of());
        let marking = edited
            .findings
            .iter()
            .find(|f| f.rule == "marking.cn.level-star")
            .expect("the marking is still found");
        assert_eq!(marking.location.line, 3, "the edit moved it down a line");
        assert!(marking.waived.is_some());
        assert!(edited.findings.iter().all(|f| f.waived.is_some()));
        assert!(edited.stale_decisions.is_empty());
        assert_eq!(edited.verdict, Verdict::Pass);

        let mut changed_match = scan("n.txt", &NOTICE.replace("机密★1年", "机密★2年"));
        apply_to_document(&mut changed_match, &decisions, as_of());
        assert!(!changed_match.findings.is_empty());
        assert!(changed_match.findings.iter().all(|f| f.waived.is_none()));
        assert_eq!(changed_match.verdict, Verdict::Block);
        assert_eq!(changed_match.stale_decisions.len(), 1);

        let changed_context = "关于做好防汛工作的通知\n机密★1年 （已解密）\n各市人民政府：\n";
        let mut reopened = scan("n.txt", changed_context);
        apply_to_document(&mut reopened, &decisions, as_of());
        assert!(
            reopened
                .findings
                .iter()
                .any(|f| f.rule == "marking.cn.level-star")
        );
        assert!(reopened.findings.iter().all(|f| f.waived.is_none()));
        assert_eq!(reopened.stale_decisions.len(), 1);
    }

    #[test]
    fn remove_stays_open_until_the_text_is_gone() {
        let mut document = scan("n.txt", NOTICE);
        let mut decisions = Decisions::default();
        decisions
            .record(decide_on(
                &document,
                "marking.cn.level-star",
                DecisionKind::Remove,
            ))
            .unwrap();
        apply_to_document(&mut document, &decisions, as_of());
        assert_eq!(document.verdict, Verdict::Block);
        let applied = document.findings[0]
            .decision
            .as_ref()
            .expect("decision shown");
        assert_eq!(applied.decision, DecisionKind::Remove);
        assert!(document.reasons.iter().any(|r| r.contains("still present")));

        let mut cleaned = scan("n.txt", &NOTICE.replace("机密★1年\n", ""));
        apply_to_document(&mut cleaned, &decisions, as_of());
        assert_eq!(cleaned.verdict, Verdict::Pass);
        assert_eq!(cleaned.resolved.len(), 1);
        assert!(cleaned.stale_decisions.is_empty());
    }

    #[test]
    fn expired_keep_no_longer_waives() {
        let mut document = scan("n.txt", NOTICE);
        let mut decision = decide_on(&document, "marking.cn.level-star", DecisionKind::Keep);
        decision.expires = Some("2026-11-27".into());
        let mut decisions = Decisions::default();
        decisions.record(decision).unwrap();
        apply_to_document(&mut document, &decisions, as_of());
        let finding = &document.findings[0];
        assert!(finding.waived.is_none());
        assert!(finding.decision.as_ref().is_some_and(|d| d.expired));
        assert_eq!(document.verdict, Verdict::Block);
        assert!(document.reasons.iter().any(|r| r.contains("expired")));
    }

    #[test]
    fn absent_findings_of_an_unread_document_are_not_resolved() {
        let readable = scan("n.txt", NOTICE);
        let mut decisions = Decisions::default();
        decisions
            .record(decide_on(
                &readable,
                "marking.cn.level-star",
                DecisionKind::Remove,
            ))
            .unwrap();
        let mut broken = scan("n.txt", "\u{FEFF}");
        broken.extraction.status = ExtractionStatus::Failed;
        apply_to_document(&mut broken, &decisions, as_of());
        assert!(broken.resolved.is_empty());
        assert_eq!(broken.stale_decisions.len(), 1);
    }

    #[test]
    fn decisions_are_rebuilt_from_the_review_they_were_applied_to() {
        let first = scan("a.txt", NOTICE);
        let second = scan("b.txt", "无关内容\n");
        let mut decisions = Decisions::default();
        decisions
            .record(decide_on(
                &first,
                "marking.cn.level-star",
                DecisionKind::Keep,
            ))
            .unwrap();
        let mut gone = decide_on(&first, "marking.cn.level-star", DecisionKind::Remove);
        gone.path = "b.txt".into();
        decisions.record(gone).unwrap();
        let mut review = crate::review::Review {
            schema: crate::review::SCHEMA.into(),
            tool: crate::review::ToolInfo::current(),
            started_at: "2026-11-28T00:00:00Z".into(),
            rules: RuleSet::builtin().unwrap().info(),
            summary: Summary::default(),
            skipped: Vec::new(),
            documents: vec![first, second],
            options: None,
            decisions: None,
        };
        let info = DecisionsInfo {
            file: DEFAULT_FILE.into(),
            digest: "sha256:00".into(),
            as_of: "2026-11-28".into(),
        };
        apply(&mut review, &decisions, info).unwrap();
        assert_eq!((review.summary.waived, review.summary.resolved), (1, 1));
        assert_eq!(recorded(&review), decisions);
    }

    #[test]
    fn personal_data_is_masked_in_a_decision_even_when_shown() {
        let rules = RuleSet::builtin().unwrap();
        let options = ScanOptions {
            show_match: true,
            ..ScanOptions::default()
        };
        let document = scan_bytes(
            "r.csv",
            "身份证号 11010519491231002X".as_bytes(),
            &rules,
            &options,
        )
        .pop()
        .unwrap();
        let decision = decide_on(&document, "personal.cn.resident-id", DecisionKind::Remove);
        assert_eq!(decision.text, "1101**********002X");
    }

    // --- the two-person rule ---------------------------------------------

    fn keep_by(document: &DocumentReview, approver: Option<&str>) -> Decisions {
        let mut decision = decide_on(document, "marking.cn.level-star", DecisionKind::Keep);
        decision.reason = Some("测试".into());
        decision.approver = approver.map(str::to_owned);
        let mut decisions = Decisions::default();
        decisions.record(decision).unwrap();
        decisions
    }

    #[test]
    fn a_blocking_keep_by_one_person_does_not_waive() {
        for approver in [None, Some("张三"), Some(" 张三 "), Some("")] {
            let mut document = scan("n.txt", NOTICE);
            let decisions = keep_by(&document, approver);
            apply_to_document(&mut document, &decisions, as_of());
            let finding = &document.findings[0];
            assert!(finding.waived.is_none(), "{approver:?}");
            assert!(finding.decision.as_ref().is_some_and(|d| d.unapproved));
            assert_eq!(document.verdict, Verdict::Block, "{approver:?}");
            assert_eq!(document.waived, 0);
            assert!(
                document
                    .reasons
                    .iter()
                    .any(|r| r.contains("no approver distinct from the reviewer")),
                "{:?}",
                document.reasons
            );
        }
    }

    #[test]
    fn a_blocking_keep_with_a_second_person_waives_and_is_counted() {
        let mut document = scan("n.txt", NOTICE);
        let decisions = keep_by(&document, Some("李四"));
        apply_to_document(&mut document, &decisions, as_of());
        let waiver = document.findings[0].waived.as_ref().expect("waived");
        assert_eq!(
            (waiver.by.as_str(), waiver.approver.as_deref()),
            ("张三", Some("李四"))
        );
        assert_eq!(document.verdict, Verdict::Pass);
        assert_eq!(document.waived, 1);
        assert_eq!(Summary::of(std::slice::from_ref(&document)).waived, 1);
    }

    #[test]
    fn a_review_level_keep_needs_no_approver() {
        let mut document = scan("m.txt", "联系人手机13912345678\n");
        let finding = document
            .findings
            .iter()
            .find(|f| f.severity == Severity::Review)
            .expect("a review finding")
            .clone();
        let mut decision = decide(
            &document,
            &finding,
            DecisionKind::Keep,
            Some("办公电话".into()),
            "张三",
            "2026-11-28",
            &|t| t.to_owned(),
        );
        decision.approver = None;
        let mut decisions = Decisions::default();
        decisions.record(decision).unwrap();
        apply_to_document(&mut document, &decisions, as_of());
        let kept = document
            .findings
            .iter()
            .find(|f| f.id == finding.id)
            .unwrap();
        assert!(kept.waived.is_some());
    }

    #[test]
    fn approver_flag_approves_other_peoples_keeps_only() {
        let document = scan("n.txt", NOTICE);
        let mut own = keep_by(&document, None);
        assert_eq!(
            own.approve_keeps("张三"),
            0,
            "nobody approves their own keep"
        );
        assert_eq!(own.approve_keeps("王五"), 1);
        assert_eq!(own.approve_keeps("赵六"), 0, "already approved");
        let mut applied = document.clone();
        apply_to_document(&mut applied, &own, as_of());
        assert_eq!(applied.verdict, Verdict::Pass);
        // The review records the approver, so verify re-applies the same.
        let decision = applied.findings[0].decision.as_ref().unwrap();
        assert_eq!(decision.approver.as_deref(), Some("王五"));
    }

    #[test]
    fn decide_masks_personal_data_found_by_any_rule_and_in_the_reason() {
        let rules = RuleSet::builtin().unwrap();
        let document = scan("n.txt", NOTICE);
        let mut finding = document.findings[0].clone();
        // As a failed-redaction finding shows it with --show-match.
        finding.text = "11010519491231002X".into();
        let decision = decide(
            &document,
            &finding,
            DecisionKind::Keep,
            Some("本人13912345678同意".into()),
            "张三",
            "2026-11-28",
            &|t| crate::review::mask_text(&rules, t),
        );
        assert_eq!(decision.text, "1101**********002X");
        assert_eq!(decision.reason.as_deref(), Some("本人139****5678同意"));
        let yaml = {
            let mut decisions = Decisions::default();
            decisions.record(decision).unwrap();
            decisions.to_yaml().unwrap()
        };
        assert!(!yaml.contains("11010519491231002X") && !yaml.contains("13912345678"));
    }
}
