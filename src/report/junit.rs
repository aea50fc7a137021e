//! JUnit XML, the test-report format every CI system displays.
//!
//! One `testcase` per document: it passes when the verdict is `pass`, has a
//! `failure` listing its findings when the verdict is `review` or `block`,
//! and an `error` when the document could not be read at all (extraction
//! `failed`) — so "could not check" stands apart from "checked and found
//! something", as in a test run.
//!
//! An input that was not reviewed (hidden, filtered out, an empty folder,
//! a report prepub wrote) is a `skipped` test case with the reason.
//!
//! Findings waived by a reviewer's `keep` decision do not count: a document
//! whose only review/block findings are waived has the verdict `pass`, so
//! its testcase passes. Its waived findings (with who, when and why), and
//! any resolved or stale decisions, are listed in `system-out`.

use super::RenderOptions;
use super::labels::{self, Lang};
use super::present;
use crate::batch::spill::DocumentSource;
use crate::extract::document::ExtractionStatus;
use crate::review::{DocumentReview, Finding, Review, SkippedInput, Verdict};
use std::fmt::Write as _;

pub fn render(review: &Review, options: &RenderOptions) -> Result<Vec<u8>, String> {
    super::render_whole(write, review, options)
}

/// Writes the report of `review` (whose own `documents` are not read) with
/// the documents of `documents`: one pass to count errors and failures for
/// the suite's attributes, then one test case at a time.
pub fn write(
    review: &Review,
    documents: &dyn DocumentSource,
    options: &RenderOptions,
    writer: &mut dyn std::io::Write,
) -> Result<(), String> {
    let lang = options.lang;
    let (mut errors, mut failures) = (0, 0);
    documents.try_for_each(&mut |document| {
        if is_error(document) {
            errors += 1;
        } else if document.verdict != Verdict::Pass {
            failures += 1;
        }
        Ok(())
    })?;
    let suite = match present::field(&options.batch) {
        Some(batch) => format!("{} {batch}", review.tool.name),
        None => review.tool.name.clone(),
    };

    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let skipped = review.skipped.len();
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\"",
        documents.count() + skipped
    );
    let _ = writeln!(out, "<testsuites name=\"{}\" {counts}>", escape(&suite));
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" {counts} timestamp=\"{}\">",
        escape(&suite),
        escape(&review.started_at)
    );
    out.push_str("    <properties>\n");
    let mut property = |name: &str, value: &str| {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            escape(value)
        );
    };
    property(
        "tool",
        &format!("{} {}", review.tool.name, review.tool.version),
    );
    property("rules.digest", &review.rules.digest);
    for pack in &review.rules.packs {
        property(
            "rules.pack",
            &format!("{} {} {}", pack.name, pack.version, pack.sha256),
        );
    }
    if let Some(batch) = present::field(&options.batch) {
        property("batch", &batch);
    }
    if let Some(reviewer) = present::field(&options.reviewer) {
        property("reviewer", &reviewer);
    }
    if let Some(department) = present::field(&options.department) {
        property("department", &department);
    }
    out.push_str("    </properties>\n");
    let mut flush = |out: &mut String| {
        let written = writer
            .write_all(out.as_bytes())
            .map_err(|e| format!("cannot write the report: {e}"));
        out.clear();
        written
    };
    flush(&mut out)?;
    documents.try_for_each(&mut |document| {
        testcase(&mut out, lang, document);
        flush(&mut out)
    })?;
    for input in &review.skipped {
        skipped_testcase(&mut out, lang, input);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    flush(&mut out)
}

/// A document nothing trustworthy could be read from.
fn is_error(document: &DocumentReview) -> bool {
    document.extraction.status == ExtractionStatus::Failed
}

fn testcase(out: &mut String, lang: Lang, document: &DocumentReview) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"prepub.{}\" file=\"{}\"",
        escape(&document.path),
        escape(&document.format),
        escape(&document.path),
    );
    let element = if is_error(document) {
        Some("error")
    } else if document.verdict != Verdict::Pass {
        Some("failure")
    } else {
        None
    };
    let decided = decided_lines(lang, document);
    if element.is_none() && decided.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some(element) = element {
        outcome(out, lang, element, document);
    }
    let mut system_out = vec![format!("sha256 {}", document.sha256)];
    system_out.extend(decided);
    let system_out: Vec<String> = system_out.iter().map(|line| escape(line)).collect();
    let _ = writeln!(
        out,
        "      <system-out>{}</system-out>\n    </testcase>",
        system_out.join("\n")
    );
}

/// An input that was not reviewed: a skipped test case, its reason the
/// skip's type.
fn skipped_testcase(out: &mut String, lang: Lang, input: &SkippedInput) {
    let message = present::labelled(
        lang,
        labels::skip_reason(lang, input.reason),
        &input.message,
    );
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"prepub.skipped\" file=\"{}\">\n      \
         <skipped type=\"{}\" message=\"{}\"/>\n    </testcase>",
        escape(&input.path),
        escape(&input.path),
        input.reason.as_str(),
        escape(&message),
    );
}

/// The `failure` or `error` element: the verdict and its reasons, what
/// could not be read, and every finding that still counts (waived ones are
/// in `system-out`), numbered as on the sign-off form.
fn outcome(out: &mut String, lang: Lang, element: &str, document: &DocumentReview) {
    let mut summary = present::verdict(lang, document);
    if !document.reasons.is_empty() {
        summary = present::labelled(lang, &summary, &document.reasons.join("; "));
    }
    let kind = if is_error(document) {
        "extraction.failed".to_string()
    } else {
        document.verdict.as_str().to_string()
    };
    let _ = write!(
        out,
        "      <{element} type=\"{}\" message=\"{}\">",
        escape(&kind),
        escape(&summary)
    );
    let mut body = Vec::new();
    for problem in &document.extraction.problems {
        body.push(present::problem(
            lang,
            problem.part.as_deref(),
            &problem.message,
        ));
    }
    for (i, finding) in document.findings.iter().enumerate() {
        if finding.waived.is_none() {
            body.push(finding_line(lang, i + 1, finding));
        }
    }
    let body: Vec<String> = body.iter().map(|line| escape(line)).collect();
    out.push_str(&body.join("\n"));
    let _ = writeln!(out, "</{element}>");
}

/// "1. [block] rule — location — context【match】context — message", and
/// the decision recorded on it, if any.
fn finding_line(lang: Lang, number: usize, finding: &Finding) -> String {
    let found = present::highlight(&finding.context, &finding.text);
    let quoted = if found.found {
        format!("{}【{}】{}", found.before, found.matched, found.after)
    } else {
        format!("{} 【{}】", found.before, found.matched)
    };
    let mut line = format!(
        "{number}. [{}] {} — {} — {} — {}",
        finding.severity.as_str(),
        finding.rule,
        present::location(lang, &finding.location),
        quoted,
        finding.message,
    );
    let cell = present::decision_cell(lang, finding);
    if cell.ticked.is_some() || !cell.lines.is_empty() {
        // A waived finding's line starts with the word already.
        let status = cell.status.as_deref().filter(|_| !cell.waived);
        line.push_str(" — ");
        line.push_str(&present::one_line(lang, cell.ticked, &cell.lines, status));
    }
    line
}

/// What `system-out` lists besides the hash: waived findings, then
/// resolved and stale decisions.
fn decided_lines(lang: Lang, document: &DocumentReview) -> Vec<String> {
    let l = lang.labels();
    let mut lines = Vec::new();
    for (i, finding) in document.findings.iter().enumerate() {
        if finding.waived.is_some() {
            lines.push(present::labelled(
                lang,
                l.waived,
                &finding_line(lang, i + 1, finding),
            ));
        }
    }
    for entry in present::past_decisions(lang, document) {
        lines.push(format!(
            "{} — {} {} 【{}】 — {}",
            entry.status,
            entry.rule,
            entry.id,
            entry.text,
            present::one_line(lang, Some(entry.decision), &entry.lines, None)
        ));
    }
    lines
}

/// Escapes text for XML content and attributes; control characters, which
/// XML 1.0 cannot carry even as references, are made visible first.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in present::clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use quick_xml::XmlVersion;
    use quick_xml::events::Event;

    /// What a CI system reads: per testcase, its name and the outcome
    /// element with its message and text.
    #[derive(Debug, Default)]
    struct Case {
        name: String,
        outcome: Option<String>,
        message: String,
        text: String,
        system_out: String,
    }

    fn parse(xml: &[u8]) -> (Vec<(String, String)>, Vec<Case>) {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut suite_attributes = Vec::new();
        let mut cases: Vec<Case> = Vec::new();
        let mut buf = Vec::new();
        let mut in_outcome = false;
        let mut in_system_out = false;
        let value = |a: &quick_xml::events::attributes::Attribute<'_>| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .expect("attribute value")
                .into_owned()
        };
        let attribute = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> String {
            e.attributes()
                .map(|a| a.expect("well-formed attribute"))
                .find(|a| a.key.as_ref() == name)
                .map(|a| value(&a))
                .unwrap_or_default()
        };
        loop {
            match reader.read_event_into(&mut buf).expect("well-formed XML") {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testsuite" => {
                    for a in e.attributes() {
                        let a = a.expect("attribute");
                        suite_attributes.push((a.key.as_ref().to_string(), value(&a)));
                    }
                }
                Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testcase" => {
                    cases.push(Case {
                        name: attribute(&e, "name"),
                        ..Case::default()
                    });
                }
                Event::Empty(e) if e.name().as_ref() == "skipped" => {
                    let case = cases.last_mut().expect("skipped inside a testcase");
                    case.outcome = Some("skipped".into());
                    case.message = attribute(&e, "message");
                }
                Event::Start(e) if matches!(e.name().as_ref(), "failure" | "error") => {
                    let case = cases.last_mut().expect("outcome inside a testcase");
                    case.outcome = Some(e.name().as_ref().to_string());
                    case.message = attribute(&e, "message");
                    in_outcome = true;
                }
                Event::End(e) if matches!(e.name().as_ref(), "failure" | "error") => {
                    in_outcome = false;
                }
                Event::Start(e) if e.name().as_ref() == "system-out" => in_system_out = true,
                Event::End(e) if e.name().as_ref() == "system-out" => in_system_out = false,
                Event::Text(t) if in_outcome || in_system_out => {
                    let text = t.xml10_content().into_owned();
                    let case = cases.last_mut().expect("case");
                    if in_outcome {
                        &mut case.text
                    } else {
                        &mut case.system_out
                    }
                    .push_str(&text);
                }
                Event::GeneralRef(r) if in_outcome || in_system_out => {
                    let name = r.xml10_content();
                    let text = quick_xml::escape::unescape(&format!("&{name};"))
                        .expect("known entity")
                        .into_owned();
                    let case = cases.last_mut().expect("case");
                    if in_outcome {
                        &mut case.text
                    } else {
                        &mut case.system_out
                    }
                    .push_str(&text);
                }
                _ => {}
            }
            buf.clear();
        }
        (suite_attributes, cases)
    }

    fn rendered() -> Vec<u8> {
        render(&fixture::review(), &RenderOptions::default()).unwrap()
    }

    #[test]
    fn parses_as_xml_with_one_testcase_per_document() {
        let (suite, cases) = parse(&rendered());
        let get = |name: &str| {
            suite
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        // Five documents, then the four inputs that were not reviewed.
        assert_eq!(get("tests"), Some("9"));
        assert_eq!(get("failures"), Some("3"));
        assert_eq!(get("errors"), Some("1"));
        assert_eq!(get("skipped"), Some("4"));
        assert_eq!(get("timestamp"), Some("2024-03-01T08:30:05Z"));
        let review = fixture::review();
        let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        let paths: Vec<&str> = review
            .documents
            .iter()
            .map(|d| d.path.as_str())
            .chain(review.skipped.iter().map(|s| s.path.as_str()))
            .collect();
        assert_eq!(names, paths);
    }

    #[test]
    fn outcomes_follow_the_verdict_and_the_extraction() {
        let (_, cases) = parse(&rendered());
        let outcomes: Vec<Option<&str>> = cases.iter().map(|c| c.outcome.as_deref()).collect();
        assert_eq!(
            outcomes,
            [
                Some("failure"),
                Some("error"),
                Some("failure"),
                Some("failure"),
                None,
                Some("skipped"),
                Some("skipped"),
                Some("skipped"),
                Some("skipped"),
            ]
        );
        let excluded = &cases[8];
        assert!(
            excluded
                .message
                .starts_with("被 --exclude 排除：excluded by --exclude *.html"),
            "{}",
            excluded.message
        );
        assert!(cases[0].message.starts_with("须修改后方可公开："));
        assert!(
            cases[0]
                .text
                .contains("1. [block] marking.cn.level — 页眉 第1页 第1行 — 【秘密★1年】")
        );
        assert!(cases[0].text.contains("4. [info] metadata.author"));
        assert!(cases[1].text.contains("整个文件：3 页均无文字层"));
    }

    #[test]
    fn waived_findings_do_not_fail_and_are_listed_in_system_out() {
        let (_, cases) = parse(&rendered());
        // The notice's one review finding is waived: it passes, and says why.
        assert_eq!(cases[4].outcome, None);
        assert!(
            cases[4].system_out.contains(
                "已豁免：1. [review] personal.cn.mobile — 正文 第6行 — 咨询电话：【138****0000】（值班手机） — 手机号码 — ☑ 保留；理由：值班手机号已在政府网站公开 <b>可保留</b>；审查人：李四，2024年2月28日；有效期至2024年12月31日"
            ),
            "{}",
            cases[4].system_out
        );
        assert!(cases[4].system_out.contains("失效：对应的发现已不再出现"));
        // Open findings keep their decision beside them, numbered as on the form.
        assert!(cases[0].text.contains(
            "1. [block] marking.cn.level — 页眉 第1页 第1行 — 【秘密★1年】 — 国家秘密密级标志（秘密） — ☑ 删除；审查人：张三，2024年2月29日；原文仍在，尚未处理"
        ));
        assert!(cases[0].system_out.contains(
            "已处理：原文已不再出现 — personal.cn.mobile 6e5d4c3b2a1f0e9d 【137****4321】 — ☑ 修改"
        ));
        assert!(
            cases[3]
                .text
                .contains("保留决定已于2024年2月29日到期，须重新决定")
        );
        assert!(cases[1].system_out.contains("失效：文件未完整读取"));
        assert!(!cases[0].text.contains("已豁免"));
    }

    /// Waiving every finding that counts makes the verdict `pass`, and so
    /// the testcase: the decision applied by the scan, rendered here.
    #[test]
    fn a_document_whose_only_findings_are_waived_passes() {
        use crate::audit::decisions::{Decisions, apply_to_document, decide, parse_date};
        use crate::review::DecisionKind;
        let mut review = fixture::review();
        let document = &review.documents[3];
        let mut decisions = Decisions::default();
        for finding in &document.findings {
            let reason = Some("名单已公开".to_owned());
            decisions
                .record(decide(
                    document,
                    finding,
                    DecisionKind::Keep,
                    reason,
                    "李四",
                    "2024-03-01",
                    &|t| t.to_owned(),
                ))
                .unwrap();
        }
        decisions.approve_keeps("王五");
        apply_to_document(
            &mut review.documents[3],
            &decisions,
            parse_date("2024-03-01").unwrap(),
        );
        assert_eq!(review.documents[3].verdict, Verdict::Pass);
        let bytes = render(&review, &RenderOptions::default()).unwrap();
        let (suite, cases) = parse(&bytes);
        assert_eq!(cases[3].outcome, None);
        assert_eq!(cases[3].system_out.matches("已豁免：").count(), 2);
        let failures = suite
            .iter()
            .find(|(k, _)| k == "failures")
            .map(|(_, v)| v.as_str());
        assert_eq!(failures, Some("2"));
    }

    #[test]
    fn document_text_stays_text() {
        let (_, cases) = parse(&rendered());
        assert!(
            cases[2]
                .text
                .contains("【内部资料</table><script>alert(1)</script>】")
        );
        assert_eq!(
            cases[2].name,
            "web/</table><script>alert('x')</script>.html"
        );
        // The vertical tab (not allowed in XML 1.0) arrived as a visible mark.
        assert!(
            cases[3]
                .text
                .contains("李* | 【139****0001】 | \"备注, 含逗号\" | 竖线[U+000B][U+202E]evil")
        );
        assert!(!String::from_utf8(rendered()).unwrap().contains('\u{000B}'));
    }
}
