//! The sign-off form as one self-contained HTML file.
//!
//! Opened in a browser it is a readable summary with links to each
//! document; printed, it is the paper form: an A4 cover page for the batch,
//! then one section per document starting on a new page (一事一审), table
//! headers repeated on every page, boxes to tick and lines to sign on.
//!
//! The file has no scripts and requests nothing from the network: the CSS is
//! inline and a Content-Security-Policy forbids everything else, so even a
//! mistake in escaping could not run code or phone home. Every string that
//! came from a review is escaped here; the tests feed it `<script>` and
//! `</table>`.

use super::RenderOptions;
use super::labels::{self, BOX, Labels, Lang, TICKED};
use super::messages;
use super::present::{self, DecisionCell, Highlight, PastDecision};
use crate::batch::spill::DocumentSource;
use crate::review::{DocumentReview, Finding, Review, SkippedInput, Summary};
use std::fmt::Write as _;

/// Renders the whole review as an HTML document.
pub fn render(review: &Review, options: &RenderOptions) -> Result<Vec<u8>, String> {
    super::render_whole(write, review, options)
}

/// Writes the form of `review` (whose own `documents` are not read) with
/// the documents of `documents`: one pass to count them for the cover, then
/// the cover's table and the documents' sections one document at a time.
pub fn write(
    review: &Review,
    documents: &dyn DocumentSource,
    options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let summary = present::summary_of(documents)?;
    let mut page = Page::new(options.lang);
    page.head(review, options);
    page.cover(review, documents, &summary, options, out)?;
    let total = documents.count();
    let mut index = 0;
    documents.try_for_each(&mut |document| {
        index += 1;
        page.document(index, total, document, options);
        present::flush(&mut page.html, out)
    })?;
    page.raw("</body>\n</html>\n");
    present::flush(&mut page.html, out)
}

/// Escapes text for element content and quoted attribute values, after
/// making control characters visible.
pub fn escape(text: &str) -> String {
    escape_clean(&present::clean(text))
}

/// Escapes text that has already been through [`present::clean`].
fn escape_clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as the inside of a CSS string: everything but letters, digits,
/// CJK and a space as a `\HEX ` escape, so no file name can close the
/// string, or the `<style>` element.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == ' ' || (!c.is_ascii() && !c.is_control()) {
            out.push(c);
        } else {
            let _ = write!(out, "\\{:x} ", u32::from(c));
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body {
  font-family: "FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong",
    "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 12pt; line-height: 1.5; color: #000; background: #fff;
  max-width: 62em; margin: 0 auto; padding: 1em 1.5em;
}
h1, h2, h3, th {
  font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
}
h1 { text-align: center; font-size: 20pt; margin: 0.8em 0 0; letter-spacing: 0.1em; }
h2 { font-size: 15pt; margin: 0.6em 0 0.3em; }
h3 { font-size: 13pt; margin: 1em 0 0.3em; break-after: avoid; page-break-after: avoid; }
.subtitle { text-align: center; margin: 0 0 1.5em; }
.running { font-size: 9pt; border-bottom: 1px solid #000; margin: 0 0 0.5em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; }
th, td { border: 1px solid #000; padding: 0.25em 0.45em; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: bold; }
table.fields th, table.form th { width: 9em; }
.hash, code { font-family: "Consolas", "Noto Sans Mono CJK SC", monospace; font-size: 0.9em; word-break: break-all; }
td.n { text-align: right; width: 3em; }
mark { background: #ffe066; color: inherit; font-weight: bold; text-decoration: underline; }
figure.crop { margin: 0.3em 0; }
figure.crop img { display: block; max-width: 100%; height: auto; border: 1px solid #999; image-rendering: auto; }
figure.crop figcaption { font-size: 85%; color: #555; }
.message { font-size: 0.9em; margin-top: 0.2em; }
table.findings { table-layout: fixed; }
table.findings col.n { width: 3em; }
table.findings col.location { width: 6.5em; }
table.findings col.rule { width: 9em; }
table.findings col.severity { width: 4em; }
table.findings col.decision { width: 10.5em; }
table.info-findings { table-layout: fixed; }
table.info-findings col.n { width: 3em; }
table.info-findings col.location { width: 6.5em; }
table.info-findings col.rule { width: 9em; }
code.rule-id { word-break: normal; overflow-wrap: normal; hyphens: none; }
table.findings td, table.waived-list td { overflow-wrap: break-word; }
table.waived-list { table-layout: fixed; }
table.waived-list col.n { width: 3em; }
table.waived-list col.rule { width: 9em; }
table.waived-list col.who { width: 7em; }
.note { font-size: 0.8em; }
.writing { min-height: 7em; }
.choice { white-space: nowrap; }
.ticked { font-family: "Segoe UI Symbol", "DejaVu Sans", "OpenSymbol", sans-serif; font-weight: bold; }
.decided { font-size: 0.9em; margin-top: 0.2em; }
.status { font-weight: bold; margin-top: 0.2em; }
tr.waived td { background: #f0f0f0; }
.waived-tag { display: inline-block; border: 1px solid #000; padding: 0 0.25em; font-weight: bold; margin-top: 0.2em; }
table.past col.status { width: 11em; }
table.past col.decision { width: 10.5em; }
.blank { display: inline-block; min-width: 8em; border-bottom: 1px solid #000; }
.blank.wide { min-width: 20em; }
.opinion { min-height: 6em; }
.sign { text-align: right; margin: 0.3em 0 0; }
.statement { border: 2px solid #000; padding: 0.5em 0.8em; font-weight: bold; margin: 1.2em 0; }
.verdict { font-weight: bold; }
.verdict-block { color: #a00000; }
.verdict-review { color: #8a5a00; }
ul { margin: 0.2em 0; padding-left: 1.4em; }
@page { size: A4; margin: 20mm 16mm 20mm 16mm;
  @top-left { font-size: 9pt; vertical-align: bottom; }
  @bottom-center { font-size: 9pt; } }
html[lang="en"] table.findings col.location { width: 7.5em; }
html[lang="en"] table.findings col.severity { width: 5.5em; }
html[lang="en"] table.fields th, html[lang="en"] table.form th { width: 11em; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  .document { break-before: page; page-break-before: always; }
  .screen-only { display: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  table.form { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  mark { background: none; }
  th { background: none; }
  tr.waived td { background: none; }
  .verdict-block, .verdict-review { color: #000; }
}
"#;

/// The HTML being built. Every method escapes what it is given unless its
/// name says `raw`.
struct Page {
    html: String,
    lang: Lang,
    labels: &'static Labels,
}

impl Page {
    fn new(lang: Lang) -> Page {
        Page {
            html: String::with_capacity(64 * 1024),
            lang,
            labels: lang.labels(),
        }
    }

    fn raw(&mut self, html: &str) {
        self.html.push_str(html);
    }

    fn text(&mut self, text: &str) {
        self.html.push_str(&escape(text));
    }

    /// `<tag class="…">text</tag>` with the text escaped.
    fn element(&mut self, tag: &str, class: &str, text: &str) {
        if class.is_empty() {
            let _ = write!(self.html, "<{tag}>{}</{tag}>", escape(text));
        } else {
            let _ = write!(
                self.html,
                "<{tag} class=\"{class}\">{}</{tag}>",
                escape(text)
            );
        }
    }

    fn head(&mut self, review: &Review, options: &RenderOptions) {
        let title = match present::field(&options.batch) {
            Some(batch) => format!("{} — {batch}", self.labels.title),
            None => self.labels.title.to_string(),
        };
        let _ = write!(
            self.html,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>\n<style>{STYLE}\
             @page {{ @bottom-center {{ content: {}; }} }}\n</style>\n\
             </head>\n<body>\n",
            self.lang.tag(),
            escape(&review.tool.name),
            escape(&review.tool.version),
            escape(&title),
            match self.lang {
                Lang::Zh => "\"第 \" counter(page) \" 页/共 \" counter(pages) \" 页\"",
                Lang::En => "\"page \" counter(page) \" of \" counter(pages)",
            },
        );
    }

    fn cover(
        &mut self,
        review: &Review,
        documents: &dyn DocumentSource,
        summary: &Summary,
        options: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> Result<(), String> {
        let l = self.labels;
        self.raw("<section class=\"cover\" id=\"top\">\n");
        self.element("h1", "", l.title);
        self.raw("\n");
        self.element("p", "subtitle", l.subtitle);
        self.raw("\n<table class=\"fields\">\n");
        self.field_row(l.batch, present::field(&options.batch));
        self.field_row(l.date, Some(present::date(self.lang, &review.started_at)));
        self.field_row(l.reviewer, present::field(&options.reviewer));
        self.field_row(l.department, present::field(&options.department));
        self.field_row(
            l.tool,
            Some(format!("{} {}", review.tool.name, review.tool.version)),
        );
        self.raw("<tr><th>");
        self.text(l.rules_digest);
        self.raw("</th><td><code>");
        self.text(&review.rules.digest);
        self.raw("</code>");
        if !review.rules.packs.is_empty() {
            self.raw("<br>");
            self.text(l.rule_packs);
            self.text(": ");
            let packs: Vec<String> = review
                .rules
                .packs
                .iter()
                .map(|pack| format!("{} {}", pack.name, pack.version))
                .collect();
            self.text(&packs.join(", "));
        }
        self.raw("</td></tr>\n");
        if let Some(info) = &review.decisions {
            let [file, digest, as_of] = present::decisions_file(self.lang, info);
            self.raw("<tr><th>");
            self.text(l.decisions_file);
            let _ = writeln!(
                self.html,
                "</th><td>{}<br><code>{}</code><br>{}</td></tr>",
                escape_clean(&file),
                escape_clean(&digest),
                escape_clean(&as_of),
            );
        }
        self.raw("</table>\n");

        self.element("h2", "", l.summary);
        self.raw("\n<p>");
        self.text(&present::summary_counts(self.lang, summary));
        self.raw(" ");
        self.text(&present::summary_verdict_counts(self.lang, summary));
        if let Some(line) =
            present::summary_decision_counts(self.lang, review.decisions.as_ref(), summary)
        {
            self.raw(" ");
            self.text(&line);
        }
        if !review.skipped.is_empty() {
            self.raw(" ");
            self.text(&labels::skipped_count(self.lang, review.skipped.len()));
        }
        self.raw("</p>\n");

        if documents.count() == 0 {
            self.element("p", "", l.no_documents);
        } else {
            self.raw("<table class=\"summary\">\n<thead><tr>");
            for header in [
                l.number,
                l.document,
                l.format,
                l.extraction,
                l.findings_count,
                l.tool_verdict,
            ] {
                self.element("th", "", header);
            }
            self.raw("</tr></thead>\n<tbody>\n");
            present::flush(&mut self.html, out)?;
            let mut i = 0;
            documents.try_for_each(&mut |document| {
                let _ = write!(
                    self.html,
                    "<tr><td class=\"n\">{}</td><td><a href=\"#{}\">{}</a></td>",
                    i + 1,
                    present::anchor(i + 1),
                    escape(&document.path),
                );
                self.element("td", "", &document.format);
                self.element(
                    "td",
                    "",
                    labels::extraction_status(self.lang, document.extraction.status),
                );
                self.element(
                    "td",
                    "n",
                    &labels::findings_cell(
                        self.lang,
                        present::open_findings(document),
                        present::waived_findings(document),
                    ),
                );
                self.verdict_cell(document);
                self.raw("</tr>\n");
                i += 1;
                present::flush(&mut self.html, out)
            })?;
            self.raw("</tbody>\n</table>\n");
        }
        self.skipped(&review.skipped);
        self.element("p", "statement", l.statement);
        self.raw("\n</section>\n");
        present::flush(&mut self.html, out)
    }

    /// The cover's table of what was not reviewed, and why.
    fn skipped(&mut self, skipped: &[SkippedInput]) {
        if skipped.is_empty() {
            return;
        }
        let l = self.labels;
        self.element("h2", "", l.skipped_section);
        self.raw("\n");
        self.element("p", "", l.skipped_note);
        self.raw("\n<table class=\"skipped\">\n<thead><tr>");
        for header in [
            l.number,
            l.skipped_path,
            l.skipped_reason,
            l.skipped_details,
        ] {
            self.element("th", "", header);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (i, input) in skipped.iter().enumerate() {
            let _ = write!(self.html, "<tr><td class=\"n\">{}</td>", i + 1);
            self.element("td", "", &input.path);
            self.element("td", "", labels::skip_reason(self.lang, input.reason));
            self.element("td", "", &messages::sentence(self.lang, &input.message));
            self.raw("</tr>\n");
        }
        self.raw("</tbody>\n</table>\n");
    }

    fn verdict_cell(&mut self, document: &DocumentReview) {
        let _ = write!(
            self.html,
            "<td class=\"verdict verdict-{}\">{}</td>",
            document.verdict.as_str(),
            escape(&present::verdict(self.lang, document)),
        );
    }

    /// A label and its value, or a line to write on.
    fn field_row(&mut self, label: &str, value: Option<String>) {
        self.raw("<tr><th>");
        self.text(label);
        self.raw("</th><td>");
        match value {
            Some(value) => self.raw(&escape_clean(&value)),
            None => self.raw("<span class=\"blank wide\"></span>"),
        }
        self.raw("</td></tr>\n");
    }

    fn document(
        &mut self,
        index: usize,
        total: usize,
        document: &DocumentReview,
        options: &RenderOptions,
    ) {
        let l = self.labels;
        let anchor = present::anchor(index);
        let _ = writeln!(self.html, "<section class=\"document\" id=\"{anchor}\">");
        self.page_header(index, document);
        let mut running = format!(
            "{} · {}",
            l.title,
            labels::document_of(self.lang, index, total)
        );
        if let Some(batch) = present::field(&options.batch) {
            running = format!("{} · {} {batch}", running, l.batch);
        }
        self.element("p", "running screen-only", &running);
        self.raw("\n<h2>");
        let _ = write!(self.html, "{index}. ");
        self.text(&present::file_name(&document.path));
        self.raw("</h2>\n");
        self.element("h3", "", l.item_section);
        self.raw("\n");
        self.form_table(&present::item_rows(self.lang, options, index, document));

        self.element("h3", "", l.tool_section);
        self.raw("\n<table class=\"fields\">\n");
        self.field_row(l.file_name, Some(present::clean(&document.path)));
        self.raw("<tr><th>");
        self.text(l.sha256);
        self.raw("</th><td class=\"hash\">");
        self.text(&document.sha256);
        self.raw("</td></tr>\n");
        self.field_row(l.format, Some(present::clean(&document.format)));
        self.field_row(
            l.pages,
            Some(match document.pages {
                Some(pages) => pages.to_string(),
                None => l.not_recorded.to_string(),
            }),
        );
        self.field_row(l.size, Some(present::size(self.lang, document.bytes)));
        if let Some(encoding) = &document.extraction.encoding {
            self.field_row(l.encoding, Some(present::clean(encoding)));
        }
        if let Some(department) = present::field(&options.department) {
            self.field_row(l.department, Some(department));
        }
        self.raw("<tr><th>");
        self.text(l.extraction);
        self.raw("</th><td>");
        self.text(labels::extraction_status(
            self.lang,
            document.extraction.status,
        ));
        let problems = present::problem_lines(self.lang, &document.extraction.problems);
        if !problems.is_empty() {
            self.raw("<ul>");
            for problem in &problems {
                self.element("li", "", problem);
            }
            self.raw("</ul>");
        }
        self.raw("</td></tr>\n<tr><th>");
        self.text(l.tool_verdict);
        self.raw("</th>");
        let _ = write!(
            self.html,
            "<td><span class=\"verdict verdict-{}\">{}</span>",
            document.verdict.as_str(),
            escape(&present::verdict(self.lang, document)),
        );
        if !document.reasons.is_empty() {
            self.raw("<ul>");
            for reason in &document.reasons {
                self.element("li", "", &messages::sentence(self.lang, reason));
            }
            self.raw("</ul>");
        }
        self.raw("</td></tr>\n</table>\n");

        self.element("h3", "", l.findings);
        self.raw("\n");
        let (decide, info) = present::split_findings(document);
        if decide.is_empty() {
            self.element("p", "", l.no_findings);
            self.raw("\n");
        } else {
            self.findings(&decide);
        }
        if !info.is_empty() {
            self.info_findings(&info);
        }
        let waived = present::waived_rows(self.lang, document);
        if !waived.is_empty() {
            self.waived(&waived);
        }
        let past = present::past_decisions(self.lang, document);
        if !past.is_empty() {
            self.past_decisions(&past);
        }
        self.review_form(options);
        let _ = write!(
            self.html,
            "<p class=\"screen-only\"><a href=\"#top\">{}</a></p>\n</section>\n",
            escape(l.back_to_summary)
        );
    }

    /// The printed pages of a document carry its number and file name at
    /// the top and the page number at the foot ("第 3 份 · 通知.docx",
    /// "第 2 页/共 14 页"), so a signature page is always tied to its
    /// document: a named page per document (CSS paged media), its header
    /// a CSS string escaped so no file name can end the style sheet.
    fn page_header(&mut self, index: usize, document: &DocumentReview) {
        let anchor = present::anchor(index);
        let header = labels::running_header(
            self.lang,
            index,
            &present::clean(&present::file_name(&document.path)),
        );
        let _ = writeln!(
            self.html,
            "<style>#{anchor} {{ page: {anchor}; }} @page {anchor} {{ @top-left {{ content: \"{}\"; }} }}</style>",
            css_string(&header)
        );
    }

    /// Info findings: listed for the reviewer's information, without
    /// decision boxes (nothing is to be decided about them).
    fn info_findings(&mut self, findings: &[(usize, &Finding)]) {
        let l = self.labels;
        self.element("h3", "", l.info_section);
        self.raw("\n");
        self.element("p", "message", l.info_note);
        self.raw(
            "\n<table class=\"info-findings\">\n<colgroup><col class=\"n\"><col class=\"location\">\
             <col class=\"rule\"><col></colgroup>\n<thead><tr>",
        );
        for header in [l.number, l.location, l.rule, l.matched_text] {
            self.element("th", "", header);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (number, finding) in findings {
            let _ = write!(self.html, "<tr><td class=\"n\">{number}</td>");
            self.element("td", "", &present::location(self.lang, &finding.location));
            self.raw("<td>");
            self.rule_id(&finding.rule);
            self.raw("</td><td>");
            self.highlight(&present::highlight(
                &messages::context(self.lang, &finding.context),
                &finding.text,
            ));
            self.crop(finding);
            self.element("div", "message", &messages::finding(self.lang, finding));
            self.raw("</td></tr>\n");
        }
        self.raw("</tbody>\n</table>\n");
    }

    /// The waived findings with who kept each, who approved it and why.
    fn waived(&mut self, rows: &[present::WaivedRow]) {
        let l = self.labels;
        self.element("h3", "", l.waived_section);
        self.raw(
            "\n<table class=\"waived-list\">\n<colgroup><col class=\"n\"><col class=\"rule\">\
             <col><col class=\"who\"><col class=\"who\"><col></colgroup>\n<thead><tr>",
        );
        for header in [
            l.number,
            l.rule,
            l.match_label,
            l.reviewer,
            l.approver,
            l.reasons,
        ] {
            self.element("th", "", header);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for row in rows {
            let _ = write!(self.html, "<tr><td class=\"n\">{}</td><td>", row.number);
            self.rule_id(&row.rule);
            self.raw("</td><td><mark>");
            self.raw(&escape_clean(&row.text));
            self.raw("</mark></td>");
            for cell in [&row.reviewer, &row.approver, &row.reason] {
                self.raw("<td>");
                self.raw(&escape_clean(cell));
                self.raw("</td>");
            }
            self.raw("</tr>\n");
        }
        self.raw("</tbody>\n</table>\n");
    }

    /// A rule id that breaks only after its dots and hyphens, never inside
    /// a word (`personal.cn.<wbr>resident-<wbr>id`).
    fn rule_id(&mut self, rule: &str) {
        self.raw("<code class=\"rule-id\">");
        let mut piece = String::new();
        for c in present::clean(rule).chars() {
            piece.push(c);
            if c == '.' || c == '-' || c == '_' {
                self.text(&piece);
                self.raw("<wbr>");
                piece.clear();
            }
        }
        self.text(&piece);
        self.raw("</code>");
    }

    fn findings(&mut self, findings: &[(usize, &Finding)]) {
        let l = self.labels;
        self.raw(
            "<table class=\"findings\">\n<colgroup><col class=\"n\"><col class=\"location\">\
             <col class=\"rule\"><col class=\"severity\"><col><col class=\"decision\"></colgroup>\n\
             <thead><tr>",
        );
        for header in [
            l.number,
            l.location,
            l.rule,
            l.severity,
            l.matched_text,
            l.decision,
        ] {
            self.element("th", "", header);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for (number, finding) in findings {
            let decision = present::decision_cell(self.lang, finding);
            let row = if decision.waived {
                "<tr class=\"waived\">"
            } else {
                "<tr>"
            };
            let _ = write!(self.html, "{row}<td class=\"n\">{number}</td>");
            self.element("td", "", &present::location(self.lang, &finding.location));
            self.raw("<td>");
            self.rule_id(&finding.rule);
            self.raw("<br>");
            self.text(labels::category(self.lang, finding.category));
            self.raw("</td>");
            self.raw("<td>");
            self.text(labels::severity(self.lang, finding.severity));
            if decision.waived {
                self.raw("<br>");
                self.element("span", "waived-tag", l.waived);
            }
            self.raw("</td><td>");
            self.highlight(&present::highlight(
                &messages::context(self.lang, &finding.context),
                &finding.text,
            ));
            self.crop(finding);
            self.element("div", "message", &messages::finding(self.lang, finding));
            if !finding.explain.is_empty() {
                self.raw("<ul class=\"message\">");
                for step in &finding.explain {
                    self.element("li", "", step);
                }
                self.raw("</ul>");
            }
            self.raw("</td><td>");
            self.decision(&decision);
            self.raw("</td></tr>\n");
        }
        self.raw("</tbody>\n</table>\n");
    }

    /// The picture of an OCR finding's line, pixelated where it holds
    /// personal data, so the clerk checks the recognition by eye.
    fn crop(&mut self, finding: &Finding) {
        let Some(crop) = present::crop(finding) else {
            return;
        };
        let caption = if crop.obscured {
            self.labels.crop_obscured
        } else {
            self.labels.crop
        };
        let _ = write!(
            self.html,
            "<figure class=\"crop\"><img src=\"data:image/png;base64,{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
            crop.png,
            escape(caption),
            escape(caption)
        );
    }

    /// The context with its match emphasised. Pieces are already cleaned.
    fn highlight(&mut self, highlight: &Highlight) {
        if highlight.found {
            let _ = write!(
                self.html,
                "{}<mark>{}</mark>{}",
                escape_clean(&highlight.before),
                escape_clean(&highlight.matched),
                escape_clean(&highlight.after),
            );
        } else {
            let _ = write!(
                self.html,
                "{}<br>{}: <mark>{}</mark>",
                escape_clean(&highlight.before),
                escape(self.labels.match_label),
                escape_clean(&highlight.matched),
            );
        }
    }

    /// □ 删除 □ 修改 □ 保留，理由：____ — or the recorded decision ticked,
    /// with its reason, reviewer and date.
    fn decision(&mut self, cell: &DecisionCell) {
        let l = self.labels;
        let choices = [
            crate::review::DecisionKind::Remove,
            crate::review::DecisionKind::Revise,
            crate::review::DecisionKind::Keep,
        ];
        for (i, kind) in choices.into_iter().enumerate() {
            if i > 0 {
                self.raw(" ");
            }
            let word = escape(labels::decision(self.lang, kind));
            if cell.ticked == Some(kind) {
                let _ = write!(
                    self.html,
                    "<span class=\"choice\"><span class=\"ticked\">{TICKED}</span> <strong>{word}</strong></span>"
                );
            } else {
                let _ = write!(self.html, "<span class=\"choice\">{BOX} {word}</span>");
            }
        }
        if cell.blank_reason {
            let _ = write!(
                self.html,
                "<br>{}<span class=\"blank\"></span>",
                escape(l.decision_reason),
            );
        }
        for line in &cell.lines {
            self.raw("<div class=\"decided\">");
            self.raw(&escape_clean(line));
            self.raw("</div>");
        }
        if let Some(status) = &cell.status {
            self.element("div", "status", status);
        }
    }

    /// Decisions whose finding no longer appears: resolved (the text is
    /// gone) and stale (they apply to nothing now).
    fn past_decisions(&mut self, past: &[PastDecision]) {
        let l = self.labels;
        self.element("h3", "", l.past_decisions);
        self.raw(
            "\n<table class=\"past\">\n<colgroup><col class=\"status\"><col class=\"decision\">\
             <col><col></colgroup>\n<thead><tr>",
        );
        for header in [l.status, l.decision, l.rule, l.match_label] {
            self.element("th", "", header);
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for decision in past {
            self.raw("<tr>");
            self.element("td", "", decision.status);
            let _ = write!(
                self.html,
                "<td><span class=\"choice\"><span class=\"ticked\">{TICKED}</span> <strong>{}</strong></span>",
                escape(labels::decision(self.lang, decision.decision))
            );
            for line in &decision.lines {
                self.raw("<div class=\"decided\">");
                self.raw(&escape_clean(line));
                self.raw("</div>");
            }
            self.raw("</td><td><code>");
            self.raw(&escape_clean(&decision.rule));
            self.raw("</code><div class=\"message\"><code>");
            self.raw(&escape_clean(&decision.id));
            self.raw("</code></div></td><td><mark>");
            self.raw(&escape_clean(&decision.text));
            self.raw("</mark></td></tr>\n");
        }
        self.raw("</tbody>\n</table>\n");
    }

    /// The opinions, signatures and 发布记录 of a document's form.
    fn review_form(&mut self, options: &RenderOptions) {
        let l = self.labels;
        self.element("h3", "", l.review_section);
        self.raw("\n");
        self.form_table(&present::form_rows(self.lang, options));
    }

    /// Rows of the §5.10 form: a value, boxes, lines and boxes to write in.
    fn form_table(&mut self, rows: &[present::FormRow]) {
        self.raw("<table class=\"form\">\n");
        for row in rows {
            self.raw("<tr><th>");
            self.text(row.label);
            self.raw("</th><td>");
            if let Some(value) = &row.value {
                self.raw(&escape_clean(value));
                if let Some(note) = row.note {
                    self.raw(" ");
                    self.element("span", "note", note);
                }
            }
            self.boxes(&row.choices);
            if let Some(caption) = row.written {
                if !row.choices.is_empty() && !caption.is_empty() {
                    self.raw("<br>");
                }
                self.text(caption);
                self.raw(if caption.is_empty() {
                    "<span class=\"blank\"></span>"
                } else {
                    "<span class=\"blank wide\"></span>"
                });
            }
            for (i, caption) in row.blanks.iter().enumerate() {
                if i > 0 {
                    self.raw("<br>");
                }
                self.text(caption);
                self.raw("<span class=\"blank wide\"></span>");
            }
            if row.is_blank() {
                self.raw("<span class=\"blank wide\"></span>");
            }
            if row.tall {
                self.raw("<div class=\"writing\"></div>");
            }
            if row.signed {
                self.raw("<div class=\"opinion\"></div>");
                self.signature(row.name.as_deref());
            }
            self.raw("</td></tr>\n");
        }
        self.raw("</table>\n");
    }

    fn boxes(&mut self, choices: &[&str]) {
        for (i, choice) in choices.iter().enumerate() {
            if i > 0 {
                self.raw(" ");
            }
            let _ = write!(
                self.html,
                "<span class=\"choice\">{BOX} {}</span>",
                escape(choice)
            );
        }
    }

    /// 签名：____ 日期：____, with the printed name first when known.
    fn signature(&mut self, name: Option<&str>) {
        let l = self.labels;
        self.raw("<p class=\"sign\">");
        if let Some(name) = name {
            let _ = write!(self.html, "{} ", escape_clean(name));
        }
        let _ = write!(
            self.html,
            "{}<span class=\"blank\"></span> {}<span class=\"blank\"></span></p>",
            escape(l.signature),
            escape(l.signed_date),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn render_zh() -> String {
        let options = RenderOptions {
            reviewer: Some("王五".into()),
            department: Some("办公室".into()),
            batch: Some("2024-03 第一批".into()),
            ..RenderOptions::default()
        };
        let bytes = render(&fixture::review(), &options).expect("renders");
        String::from_utf8(bytes).expect("UTF-8")
    }

    /// The draft named `</table><script>…` with `<script>` in its text must
    /// not add a single element to the report.
    #[test]
    fn document_text_cannot_inject_markup() {
        let html = render_zh();
        assert!(!html.contains("<script"), "a script element got through");
        assert!(!html.contains("<object"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;/table&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("alert(&#39;x&#39;)"));
        // Every table the renderer opened is closed exactly once: an
        // unescaped `</table>` from a document would unbalance this.
        assert_eq!(
            html.matches("<table").count(),
            html.matches("</table>").count()
        );
        let rows = html.matches("<tr>").count() + html.matches("<tr class=").count();
        assert_eq!(rows, html.matches("</tr>").count());
        // A reason typed into the decisions file is document text too.
        assert!(html.contains("值班手机号已在政府网站公开 &lt;b&gt;可保留&lt;/b&gt;"));
        assert_eq!(html.matches("<td").count(), html.matches("</td>").count());
    }

    /// Parsed the way a browser parses it, the report has exactly the
    /// elements the renderer wrote: no script, and the tables it opened.
    #[test]
    fn a_browser_parse_finds_no_injected_elements() {
        let html = scraper::Html::parse_document(&render_zh());
        let count = |selector: &str| {
            let selector = scraper::Selector::parse(selector).expect("selector");
            html.select(&selector).count()
        };
        assert_eq!(count("script"), 0);
        assert_eq!(count("object"), 0);
        // Cover: fields + summary + inputs not reviewed. Per document:
        // fields + review form, plus a findings table for the four
        // documents with findings and a table of past decisions for the
        // three that have them.
        let review = fixture::review();
        let (decide, info): (Vec<usize>, Vec<usize>) = review
            .documents
            .iter()
            .map(|d| {
                let (decide, info) = present::split_findings(d);
                (decide.len(), info.len())
            })
            .unzip();
        let tables = |counts: &[usize]| counts.iter().filter(|&&n| n > 0).count();
        let waived = review
            .documents
            .iter()
            .filter(|d| !present::waived_rows(Lang::Zh, d).is_empty())
            .count();
        // Per document the item fields, the facts and the review form.
        assert_eq!(
            count("table"),
            3 + 5 * 3 + tables(&decide) + tables(&info) + waived + 3
        );
        assert_eq!(count("table.skipped > tbody > tr"), 4);
        assert_eq!(count("b"), 0, "a skipped path's tags stay text");
        assert_eq!(
            count("table.findings > tbody > tr") + count("table.info-findings > tbody > tr"),
            8
        );
        assert_eq!(count("table.waived-list > tbody > tr"), 1);
        assert_eq!(count("table.findings > tbody > tr.waived"), 1);
        assert_eq!(count("table.past > tbody > tr"), 3);
        assert_eq!(count("section.document"), 5);
        let marks = scraper::Selector::parse("mark").expect("selector");
        let injected = html
            .select(&marks)
            .map(|m| m.text().collect::<String>())
            .find(|text| text.contains("alert(1)"));
        assert_eq!(
            injected.as_deref(),
            Some("内部资料</table><script>alert(1)</script>")
        );
    }

    #[test]
    fn the_page_is_self_contained() {
        let html = render_zh();
        for forbidden in [
            "<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "http://", "https://",
        ] {
            assert!(!html.contains(forbidden), "found {forbidden}");
        }
        assert!(html.contains("default-src 'none'"));
    }

    #[test]
    fn every_document_gets_its_own_printed_page_and_a_link() {
        let html = render_zh();
        let review = fixture::review();
        assert_eq!(
            html.matches("<section class=\"document\"").count(),
            review.documents.len()
        );
        for i in 1..=review.documents.len() {
            assert!(html.contains(&format!("href=\"#doc-{i}\"")));
            assert!(html.contains(&format!("id=\"doc-{i}\"")));
        }
        assert!(html.contains("break-before: page"));
        assert!(html.contains("thead { display: table-header-group; }"));
        assert!(html.contains("size: A4"));
    }

    #[test]
    fn the_cover_carries_the_form_fields_and_the_statement() {
        let html = render_zh();
        assert!(html.contains("信息公开保密审查单"));
        assert!(html.contains("2024-03 第一批"));
        assert!(html.contains("2024年3月1日"));
        assert!(html.contains("审查人：王五"));
        assert!(html.contains("sha256:9f2c1a5e"));
        assert!(html.contains("自动扫描仅为辅助，不替代人工保密审查"));
        for verdict in ["可公开", "需复核", "须修改后方可公开"] {
            assert!(html.contains(verdict), "{verdict}");
        }
    }

    #[test]
    fn each_finding_has_decision_boxes_and_the_match_emphasised() {
        let html = render_zh();
        // Eight findings; one decided remove, one waived by a keep: their
        // boxes are ticked, every other box of a finding to decide is
        // empty; info findings have none.
        let to_decide: usize = fixture::review()
            .documents
            .iter()
            .map(|d| present::split_findings(d).0.len())
            .sum();
        assert!(to_decide < 8, "the fixture has info findings");
        for (choice, empty) in [
            ("□ 删除", to_decide - 1),
            ("□ 修改", to_decide),
            ("□ 保留", to_decide - 1),
        ] {
            assert_eq!(
                html.matches(&format!(">{choice}</span>")).count(),
                empty,
                "{choice}"
            );
        }
        assert!(
            html.contains("联系人：张*，身份证号<mark>110101********1234</mark>，电话138****5678")
        );
        assert!(html.contains("页眉 第1页 第1行"));
        assert!(html.contains("正文 第1页 第2行 人员名单!B2"));
        assert!(html.contains("[U+000B]") && html.contains("[U+202E]"));
        assert!(!html.contains('\u{202E}'));
        for field in [
            "公开属性",
            "公开方式",
            "承办人初审意见",
            "部门负责人审核意见",
            "保密审查意见",
            "保密审查负责人/分管领导签发",
            "发布记录",
            "成文日期",
        ] {
            assert_eq!(html.matches(field).count(), 5, "{field}");
        }
        assert!(html.contains("3 页均无文字层"));
        assert!(html.contains("无法读取，须人工审查全文"));
    }

    /// The text of the one element `selector` selects.
    fn only(html: &scraper::Html, selector: &str) -> String {
        let selector = scraper::Selector::parse(selector).expect("selector");
        let mut found = html.select(&selector);
        let element = found.next().expect("an element");
        assert!(found.next().is_none(), "more than one element");
        element.text().collect()
    }

    #[test]
    fn recorded_decisions_are_printed_in_place_of_empty_boxes() {
        let html = scraper::Html::parse_document(&render_zh());
        let waived = only(&html, "tr.waived");
        for expected in [
            "复核已豁免",
            "□ 删除 □ 修改 ☑ 保留",
            "理由：值班手机号已在政府网站公开 <b>可保留</b>",
            "审查人：李四，2024年2月28日",
            "有效期至2024年12月31日",
            "已豁免：审查人决定保留，不计入工具初判",
        ] {
            assert!(waived.contains(expected), "{expected} in {waived}");
        }
        let decided = only(
            &html,
            "#doc-1 table.findings > tbody > tr:first-child > td:last-child",
        );
        assert_eq!(
            decided,
            "☑ 删除 □ 修改 □ 保留审查人：张三，2024年2月29日原文仍在，尚未处理"
        );
        let expired = only(
            &html,
            "#doc-4 table.findings > tbody > tr:last-child > td:last-child",
        );
        assert!(
            expired.starts_with("□ 删除 □ 修改 □ 保留理由："),
            "{expired}"
        );
        assert!(expired.contains("原决定：☑ 保留，审查人：李四，2024年1月15日"));
        assert!(expired.ends_with("保留决定已于2024年2月29日到期，须重新决定"));
    }

    #[test]
    fn resolved_and_stale_decisions_are_listed_per_document() {
        let html = scraper::Html::parse_document(&render_zh());
        let resolved = only(&html, "#doc-1 table.past > tbody > tr");
        assert!(resolved.starts_with("已处理：原文已不再出现☑ 修改理由：改为单位值班电话"));
        assert!(resolved.contains("6e5d4c3b2a1f0e9d") && resolved.contains("137****4321"));
        let unread = only(&html, "#doc-2 table.past > tbody > tr");
        assert!(unread.starts_with("失效：文件未完整读取"), "{unread}");
        let stale = only(&html, "#doc-5 table.past > tbody > tr");
        assert!(stale.starts_with("失效：对应的发现已不再出现"), "{stale}");
        assert!(stale.contains("c0de5eed0badf00d"));
        assert_eq!(
            html.select(&scraper::Selector::parse("#doc-3 table.past").unwrap())
                .count(),
            0
        );
    }

    #[test]
    fn the_cover_counts_waived_findings_apart() {
        let html = render_zh();
        assert!(html.contains(
            "共 5 份文件，发现 7 处。 可公开 1 份，需复核 3 份，须修改后方可公开 1 份。 \
             另有已豁免的发现 1 处；已处理的决定 1 项，失效的决定 2 项。"
        ));
        assert!(html.contains("<td class=\"n\">0（另豁免 1）</td>"));
        assert!(html.contains("<th>决定记录</th><td>prepub-decisions.yaml<br><code>sha256:4a5b"));
        assert!(html.contains("</code><br>截至2024年3月1日</td>"));

        // Without decisions nothing of this appears, and every box is empty.
        let mut review = fixture::review();
        review.decisions = None;
        for document in &mut review.documents {
            document.resolved.clear();
            document.stale_decisions.clear();
            for finding in &mut document.findings {
                finding.decision = None;
                finding.waived = None;
            }
        }
        let plain = String::from_utf8(render(&review, &RenderOptions::default()).unwrap()).unwrap();
        // (The fixture's reasons, written by the scan, still name the
        // waiver; the form itself must not.)
        for absent in [
            "另有已豁免",
            "class=\"waived-tag\"",
            "class=\"waived\"",
            "已豁免：",
            "决定记录",
            "☑",
            "class=\"past\"",
            "共 5 份文件，发现 7 处",
        ] {
            assert!(!plain.contains(absent), "{absent}");
        }
        assert!(plain.contains("共 5 份文件，发现 8 处。"));
    }

    #[test]
    fn absent_fields_are_lines_to_write_on_and_english_works() {
        let options = RenderOptions {
            lang: Lang::En,
            ..RenderOptions::default()
        };
        let html = String::from_utf8(render(&fixture::review(), &options).unwrap()).unwrap();
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("Pre-publication confidentiality review"));
        assert!(html.contains("must be revised before publication"));
        assert!(!html.contains("do not publish ·"));
        assert!(html.contains("<th>Reviewer</th><td><span class=\"blank wide\"></span>"));
        assert!(html.contains("2024-03-01"));
    }
}
