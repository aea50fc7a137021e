//! The desk's HTML pages, rendered on the server from the review.
//!
//! Every string that came from a document (paths, matched text, context,
//! messages, reasons) goes through [`escape`] — the same escaping as the
//! HTML report, whose XSS tests cover it. The pages work without
//! JavaScript (filters are a GET form, decisions are POST forms); the
//! embedded script only adds keyboard shortcuts and live progress.

use super::desk::Stage;
use super::words::words;
use crate::extract::document::{ExtractionStatus, Severity};
use crate::report::html::escape;
use crate::report::{Lang, labels, messages, present};
use crate::review::{DecisionKind, DocumentReview, Finding, Review};
use std::collections::HashMap;
use std::fmt::Write;

/// The batch page's filters, from its query string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub verdict: Option<String>,
    pub format: Option<String>,
    pub rule: Option<String>,
    pub part: Option<String>,
    pub undecided: bool,
    pub search: Option<String>,
}

impl Filter {
    pub fn from_query(query: &HashMap<String, String>) -> Filter {
        let value = |key: &str| {
            query
                .get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Filter {
            verdict: value("verdict"),
            format: value("format"),
            rule: value("rule"),
            part: value("part"),
            undecided: value("undecided").is_some(),
            search: value("q"),
        }
    }

    fn keeps(&self, document: &DocumentReview) -> bool {
        if let Some(verdict) = &self.verdict
            && document.verdict.as_str() != verdict
        {
            return false;
        }
        if let Some(format) = &self.format
            && &document.format != format
        {
            return false;
        }
        if let Some(rule) = &self.rule
            && !document.findings.iter().any(|f| &f.rule == rule)
        {
            return false;
        }
        if let Some(part) = &self.part
            && !document
                .findings
                .iter()
                .any(|f| f.location.part.as_str() == part)
        {
            return false;
        }
        if self.undecided && undecided(document) == 0 {
            return false;
        }
        if let Some(search) = &self.search
            && !document
                .path
                .to_lowercase()
                .contains(&search.to_lowercase())
        {
            return false;
        }
        true
    }
}

/// Findings still waiting for a person: no decision, or a keep that
/// expired.
pub fn undecided(document: &DocumentReview) -> usize {
    document.findings.iter().filter(|f| is_undecided(f)).count()
}

fn is_undecided(finding: &Finding) -> bool {
    finding.decision.as_ref().is_none_or(|d| d.expired)
}

/// The page frame: language switch, the embedded style and script.
fn layout(lang: Lang, title: &str, body: &str, here: &str) -> String {
    let w = words(lang);
    let other = match lang {
        Lang::Zh => "en",
        Lang::En => "zh",
    };
    let separator = if here.contains('?') { '&' } else { '?' };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{tag}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · prepub</title><link rel=\"stylesheet\" href=\"/assets/desk.css\">\
         <script src=\"/assets/desk.js\" defer></script></head>\n<body>\
         <nav class=\"top\"><a href=\"/\" class=\"brand\">prepub · {desk}</a>\
         <a href=\"{here}{separator}lang={other}\" class=\"lang\" hreflang=\"{other}\">{switch}</a></nav>\n\
         <main>{body}</main></body></html>\n",
        tag = lang.tag(),
        title = escape(title),
        desk = w.title,
        here = escape(here),
        switch = w.language,
    )
}

/// The batch: progress while scanning, then the documents.
/// Who decides and where the decisions go, shown on the batch page.
pub struct Session<'a> {
    pub reviewer: &'a str,
    pub decisions_file: &'a str,
}

pub fn batch(
    stage: &Stage,
    progress: (usize, usize),
    filter: &Filter,
    session: &Session<'_>,
    lang: Lang,
) -> String {
    let w = words(lang);
    let review = match stage {
        Stage::Scanning => {
            let (done, total) = progress;
            let body = format!(
                "<h1>{scanning}</h1><p id=\"progress\" data-done=\"{done}\" data-total=\"{total}\">\
                 <progress max=\"{total}\" value=\"{done}\"></progress> <span class=\"count\">{done}/{total}</span></p>\
                 <noscript><p><a href=\"/\">↻</a></p></noscript>",
                scanning = w.scanning,
            );
            return layout(lang, w.scanning, &body, "/");
        }
        Stage::Failed(why) => {
            let body = format!(
                "<h1>{}</h1><p class=\"problem\">{}</p>",
                w.scan_failed,
                escape(why)
            );
            return layout(lang, w.scan_failed, &body, "/");
        }
        Stage::Ready(review) => review,
    };
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1><p class=\"summary\">{}</p><p class=\"session\">{}: {} · {}: <code>{}</code></p>",
        w.documents,
        escape(&present::summary_verdict_counts(lang, &review.summary)),
        w.reviewer,
        escape(session.reviewer),
        w.decisions_file,
        escape(session.decisions_file),
    );
    body.push_str(&filter_form(review, filter, lang));
    let _ = write!(
        body,
        "<p class=\"actions\"><a href=\"/print\" class=\"button\">{}</a> {}</p>",
        w.print_batch,
        exports(lang, None)
    );
    let kept: Vec<(usize, &DocumentReview)> = review
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| filter.keeps(d))
        .collect();
    if kept.is_empty() {
        let _ = write!(body, "<p>{}</p>", w.none_match);
    } else {
        let _ = write!(
            body,
            "<table class=\"documents\"><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.document, w.format, w.verdict, w.reading, w.findings, w.undecided
        );
        for (index, document) in kept {
            let open = document
                .findings
                .iter()
                .filter(|f| f.waived.is_none())
                .count();
            let waived = document.findings.len() - open;
            let _ = write!(
                body,
                "<tr class=\"verdict-{v}\"><td>{n}</td><td><a href=\"/doc/{index}\">{path}</a></td>\
                 <td>{format}</td><td><span class=\"verdict {v}\">{verdict}</span></td><td>{status}</td>\
                 <td>{cell}</td><td>{undecided}</td></tr>",
                v = document.verdict.as_str(),
                n = index + 1,
                path = escape(&document.path),
                format = escape(&document.format),
                verdict = labels::verdict(lang, document.verdict),
                status = labels::extraction_status(lang, document.extraction.status),
                cell = escape(&labels::findings_cell(lang, open, waived)),
                undecided = undecided(document),
            );
        }
        body.push_str("</tbody></table>");
    }
    if !review.skipped.is_empty() {
        let _ = write!(body, "<h2>{}</h2><ul class=\"skipped\">", w.skipped);
        for skipped in &review.skipped {
            let _ = write!(
                body,
                "<li>{} — {}</li>",
                escape(&skipped.path),
                labels::skip_reason(lang, skipped.reason)
            );
        }
        body.push_str("</ul>");
    }
    layout(lang, w.documents, &body, "/")
}

fn filter_form(review: &Review, filter: &Filter, lang: Lang) -> String {
    let w = words(lang);
    let mut formats: Vec<&str> = review.documents.iter().map(|d| d.format.as_str()).collect();
    formats.sort_unstable();
    formats.dedup();
    let mut rules: Vec<&str> = review
        .documents
        .iter()
        .flat_map(|d| d.findings.iter().map(|f| f.rule.as_str()))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let mut parts: Vec<crate::extract::document::Part> = review
        .documents
        .iter()
        .flat_map(|d| d.findings.iter().map(|f| f.location.part))
        .collect();
    parts.sort_unstable_by_key(|p| p.as_str());
    parts.dedup();
    let part_options: Vec<(String, String)> = parts
        .iter()
        .map(|p| (p.as_str().to_owned(), labels::part(lang, *p).to_owned()))
        .collect();
    let verdicts = [
        crate::review::Verdict::Block,
        crate::review::Verdict::Review,
        crate::review::Verdict::Pass,
    ];
    let verdict_options: Vec<(String, String)> = verdicts
        .iter()
        .map(|v| (v.as_str().to_owned(), labels::verdict(lang, *v).to_owned()))
        .collect();
    let plain = |values: &[&str]| -> Vec<(String, String)> {
        values
            .iter()
            .map(|v| ((*v).to_owned(), (*v).to_owned()))
            .collect()
    };
    let mut form = String::from("<form method=\"get\" action=\"/\" class=\"filters\">");
    form.push_str(&select(
        "verdict",
        w.verdict,
        &verdict_options,
        &filter.verdict,
        w.any,
    ));
    form.push_str(&select(
        "format",
        w.format,
        &plain(&formats),
        &filter.format,
        w.any,
    ));
    form.push_str(&select("rule", w.rule, &plain(&rules), &filter.rule, w.any));
    form.push_str(&select("part", w.part, &part_options, &filter.part, w.any));
    let _ = write!(
        form,
        "<label><input type=\"checkbox\" name=\"undecided\" value=\"1\"{}> {}</label>\
         <label>{} <input type=\"search\" name=\"q\" value=\"{}\"></label>\
         <button type=\"submit\">{}</button></form>",
        if filter.undecided { " checked" } else { "" },
        w.undecided_only,
        w.search,
        escape(filter.search.as_deref().unwrap_or("")),
        w.filter
    );
    form
}

fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    chosen: &Option<String>,
    any: &str,
) -> String {
    let mut html =
        format!("<label>{label} <select name=\"{name}\"><option value=\"\">{any}</option>");
    for (value, text) in options {
        let selected = if chosen.as_deref() == Some(value.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            html,
            "<option value=\"{}\"{selected}>{}</option>",
            escape(value),
            escape(text)
        );
    }
    html.push_str("</select></label>");
    html
}

fn exports(lang: Lang, document: Option<usize>) -> String {
    let w = words(lang);
    let mut html = format!("<span class=\"exports\">{}:", w.export);
    for (format, name) in [
        ("json", "JSON"),
        ("sarif", "SARIF"),
        ("csv", "CSV"),
        ("md", "Markdown"),
        ("docx", "DOCX"),
    ] {
        let href = match document {
            Some(index) => format!("/doc/{index}/export/{format}"),
            None => format!("/export/{format}"),
        };
        let _ = write!(html, " <a href=\"{href}\" download>{name}</a>");
    }
    html.push_str("</span>");
    html
}

/// One document: its verdict, what could not be read, and each finding
/// with the decision controls, grouped by part and page.
pub fn document(
    review: &Review,
    index: usize,
    lang: Lang,
    token: &str,
    notice: Option<&str>,
) -> Option<String> {
    let document = review.documents.get(index)?;
    let w = words(lang);
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"crumbs\"><a href=\"/\">← {}</a></p><h1>{} <span class=\"verdict {}\" id=\"verdict\">{}</span></h1>",
        w.back,
        escape(&document.path),
        document.verdict.as_str(),
        labels::verdict(lang, document.verdict),
    );
    if let Some(notice) = notice {
        let _ = write!(
            body,
            "<p class=\"problem\" role=\"alert\">{}</p>",
            escape(notice)
        );
    }
    if !document.reasons.is_empty() {
        let _ = write!(body, "<h2>{}</h2><ul class=\"reasons\">", w.reasons);
        for reason in &document.reasons {
            let _ = write!(
                body,
                "<li>{}</li>",
                escape(&messages::sentence(lang, reason))
            );
        }
        body.push_str("</ul>");
    }
    if document.extraction.status != ExtractionStatus::Complete {
        let _ = write!(
            body,
            "<section class=\"unread\"><h2>{}</h2><ul>",
            w.unread_title
        );
        for problem in &document.extraction.problems {
            let _ = write!(
                body,
                "<li>{}</li>",
                escape(&present::problem(
                    lang,
                    problem.part.as_deref(),
                    &problem.message
                ))
            );
        }
        let _ = write!(body, "</ul><p>{}</p></section>", w.unread_advice);
    }
    let _ = write!(
        body,
        "<p class=\"actions\"><a href=\"/doc/{index}/print\" class=\"button\">{}</a> {} {}</p>\
         <p class=\"keys\">{}</p>",
        w.print_document,
        exports(lang, Some(index)),
        next_undecided(review, index, lang),
        w.keys
    );
    if document.findings.is_empty() {
        let _ = write!(body, "<p>{}</p>", w.no_findings);
    }
    let mut order: Vec<&Finding> = document.findings.iter().collect();
    order.sort_by_key(|f| (f.location.part.as_str(), f.location.page, f.location.line));
    let mut group: Option<(String, Option<u32>)> = None;
    for finding in order {
        let key = (
            finding.location.part.as_str().to_owned(),
            finding.location.page,
        );
        if group.as_ref() != Some(&key) {
            if group.is_some() {
                body.push_str("</section>");
            }
            let mut heading = labels::part(lang, finding.location.part).to_string();
            if let Some(page) = finding.location.page {
                heading.push(' ');
                heading.push_str(&labels::page(lang, page));
            }
            let _ = write!(
                body,
                "<section class=\"group\"><h2>{}</h2>",
                escape(&heading)
            );
            group = Some(key);
        }
        body.push_str(&finding_html(finding, index, lang, token));
    }
    if group.is_some() {
        body.push_str("</section>");
    }
    let title = present::file_name(&document.path);
    Some(layout(lang, &title, &body, &format!("/doc/{index}")))
}

fn next_undecided(review: &Review, index: usize, lang: Lang) -> String {
    let w = words(lang);
    let here = review.documents.get(index);
    if let Some(finding) = here.and_then(|d| d.findings.iter().find(|f| is_undecided(f))) {
        return format!(
            "<a href=\"#f-{}\" id=\"next-undecided\">{} →</a>",
            escape(&finding.id),
            w.next_undecided
        );
    }
    let later = (index + 1..review.documents.len())
        .chain(0..index)
        .find(|&i| undecided(&review.documents[i]) > 0);
    match later {
        Some(i) => format!(
            "<a href=\"/doc/{i}\" id=\"next-undecided\">{} →</a>",
            w.next_undecided
        ),
        None => String::new(),
    }
}

fn finding_html(finding: &Finding, index: usize, lang: Lang, token: &str) -> String {
    let w = words(lang);
    let id = escape(&finding.id);
    let severity = match finding.severity {
        Severity::Block => "block",
        Severity::Review => "review",
        Severity::Info => "info",
    };
    let undecided_class = if is_undecided(finding) {
        " undecided"
    } else {
        ""
    };
    let mut html = format!(
        "<article class=\"finding {severity}{undecided_class}\" id=\"f-{id}\" tabindex=\"0\" data-id=\"{id}\">\
         <header><span class=\"severity {severity}\">{sev}</span> <code class=\"rule\">{rule}</code> \
         <span class=\"where\">{location}</span></header><p class=\"message\">{message}</p>",
        sev = labels::severity(lang, finding.severity),
        rule = escape(&finding.rule),
        location = escape(&present::location(lang, &finding.location)),
        message = escape(&finding.message),
    );
    let highlight = present::highlight(&finding.context, &finding.text);
    if highlight.found {
        let _ = write!(
            html,
            "<p class=\"context\">{}<mark>{}</mark>{}</p>",
            escape(&highlight.before),
            escape(&highlight.matched),
            escape(&highlight.after)
        );
    } else {
        let _ = write!(
            html,
            "<p class=\"context\"><mark>{}</mark></p><p class=\"context\">{}</p>",
            escape(&highlight.matched),
            escape(&highlight.before)
        );
    }
    if let Some(crop) = present::crop(finding) {
        // The picture where OCR read the line: the clerk checks it by eye.
        let labels = lang.labels();
        let caption = if crop.obscured {
            labels.crop_obscured
        } else {
            labels.crop
        };
        let _ = write!(
            html,
            "<figure class=\"crop\"><img src=\"data:image/png;base64,{}\" alt=\"{caption}\"><figcaption>{caption}</figcaption></figure>",
            crop.png
        );
    }
    let cell = present::decision_cell(lang, finding);
    if let Some(kind) = cell.ticked {
        let _ = write!(
            html,
            "<p class=\"decided\">{}: <strong>{}</strong>",
            if cell.waived { w.waived } else { w.decided },
            labels::decision(lang, kind)
        );
        for line in &cell.lines {
            let _ = write!(html, " · {}", escape(line));
        }
        if let Some(status) = &cell.status {
            let _ = write!(html, " · <em>{}</em>", escape(status));
        }
        let _ = write!(
            html,
            "</p><form method=\"post\" action=\"/doc/{index}/undo\" class=\"undo\">{hidden}\
             <button type=\"submit\">{}</button></form>",
            w.undo,
            hidden = hidden(token, &finding.id),
        );
    } else {
        for line in &cell.lines {
            let _ = write!(html, "<p class=\"earlier\">{}</p>", escape(line));
        }
        if let Some(status) = &cell.status {
            let _ = write!(html, "<p class=\"earlier\"><em>{}</em></p>", escape(status));
        }
    }
    // Two forms, so that Enter in the reason field keeps (never removes).
    let _ = write!(
        html,
        "<div class=\"decide\"><form method=\"post\" action=\"/doc/{index}/decide\">{hidden}\
         <button type=\"submit\" name=\"decision\" value=\"remove\" data-key=\"r\">{remove}</button> \
         <button type=\"submit\" name=\"decision\" value=\"revise\" data-key=\"v\">{revise}</button></form>\
         <form method=\"post\" action=\"/doc/{index}/decide\" class=\"keep\">{hidden}\
         <input type=\"hidden\" name=\"decision\" value=\"keep\">\
         <label>{reason} <input type=\"text\" name=\"reason\" required data-key=\"k\"></label> \
         <label>{expires} <input type=\"date\" name=\"expires\"></label> {approver}\
         <button type=\"submit\">{keep}</button></form></div></article>",
        hidden = hidden(token, &finding.id),
        remove = w.remove,
        revise = w.revise,
        reason = w.reason,
        expires = w.expires,
        approver = if finding.severity == Severity::Block {
            format!(
                "<label>{} <input type=\"text\" name=\"approver\"></label> ",
                w.approver
            )
        } else {
            String::new()
        },
        keep = w.keep,
    );
    html
}

fn hidden(token: &str, finding: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"hidden\" name=\"finding\" value=\"{}\">",
        escape(token),
        escape(finding)
    )
}

/// The label of a decision kind in a form value.
pub fn parse_kind(value: &str) -> Option<DecisionKind> {
    match value {
        "remove" => Some(DecisionKind::Remove),
        "revise" => Some(DecisionKind::Revise),
        "keep" => Some(DecisionKind::Keep),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    const SESSION: Session<'static> = Session {
        reviewer: "张三",
        decisions_file: "prepub-decisions.yaml",
    };

    fn hostile() -> Review {
        let mut review = fixture::review();
        let document = &mut review.documents[0];
        document.path = "drafts/<script>alert(1)</script>.docx".into();
        if let Some(finding) = document.findings.first_mut() {
            finding.context = "前文<img src=x onerror=alert(2)>后文".into();
            finding.message = "<b>message</b>".into();
            finding.id = "\"><script>".into();
        }
        review
    }

    #[test]
    fn every_document_string_is_escaped() {
        let review = hostile();
        let batch = batch(
            &Stage::Ready(Box::new(review.clone())),
            (0, 0),
            &Filter::default(),
            &SESSION,
            Lang::Zh,
        );
        assert!(!batch.contains("<script>alert"), "{batch}");
        assert!(batch.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let page = document(&review, 0, Lang::Zh, "tok", Some("<i>notice</i>")).unwrap();
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(!page.contains("<b>message</b>"));
        assert!(!page.contains("<i>notice</i>"));
    }

    #[test]
    fn filters_keep_only_what_they_name() {
        let review = fixture::review();
        let ready = Stage::Ready(Box::new(review.clone()));
        let count = |filter: &Filter| {
            batch(&ready, (0, 0), filter, &SESSION, Lang::En)
                .matches("<a href=\"/doc/")
                .count()
        };
        let all = count(&Filter::default());
        assert_eq!(all, review.documents.len());
        let blocking = review
            .documents
            .iter()
            .filter(|d| d.verdict == crate::review::Verdict::Block)
            .count();
        let verdict = Filter {
            verdict: Some("block".into()),
            ..Filter::default()
        };
        assert_eq!(count(&verdict), blocking);
        let nothing = Filter {
            search: Some("no-such-name-anywhere".into()),
            ..Filter::default()
        };
        assert_eq!(count(&nothing), 0);
        let first = &review.documents[0];
        let by_name = Filter {
            search: Some(first.path.to_uppercase()),
            ..Filter::default()
        };
        assert!(count(&by_name) >= 1, "search ignores case");
        let undecided_only = Filter {
            undecided: true,
            ..Filter::default()
        };
        let with_undecided = review.documents.iter().filter(|d| undecided(d) > 0).count();
        assert_eq!(count(&undecided_only), with_undecided);
    }

    #[test]
    fn pages_work_in_both_languages_and_say_why_a_document_was_not_read() {
        let mut review = fixture::review();
        review.documents[0].extraction.status = ExtractionStatus::Partial;
        let zh = document(&review, 0, Lang::Zh, "tok", None).unwrap();
        assert!(zh.contains("本文件未能完整读取") && zh.contains("lang=\"zh-CN\""));
        let en = document(&review, 0, Lang::En, "tok", None).unwrap();
        assert!(en.contains("not read in full") && en.contains("lang=\"en\""));
        assert!(document(&review, review.documents.len(), Lang::Zh, "tok", None).is_none());
    }

    #[test]
    fn decision_forms_carry_the_token_and_enter_in_the_reason_keeps() {
        let review = fixture::review();
        let index = review
            .documents
            .iter()
            .position(|d| !d.findings.is_empty())
            .unwrap();
        let page = document(&review, index, Lang::Zh, "tok", None).unwrap();
        assert!(page.contains("name=\"token\" value=\"tok\""));
        // The reason field's form holds only the keep: Enter there can
        // never remove the text.
        let keep_form = page.split("class=\"keep\"").nth(1).unwrap();
        let keep_form = keep_form.split("</form>").next().unwrap();
        assert!(keep_form.contains("value=\"keep\"") && !keep_form.contains("value=\"remove\""));
    }
}
