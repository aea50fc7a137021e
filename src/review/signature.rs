//! What marks a file as one prepub wrote — a report or the decisions file —
//! so that a batch never reviews prepub's own output as a draft.
//!
//! A report holds the matched text of every finding and its context: one
//! written into the scanned folder made the next run block on 3,540
//! findings, all of them the report quoting the documents. The name proves
//! nothing (`report.txt` may hold a JSON review, `notes.html` a sign-off
//! form), so each format is recognised by what its renderer writes:
//!
//! | format | the mark |
//! | --- | --- |
//! | JSON review | a JSON object with `"schema": "prepub.review/1"`, `tool.name` `prepub` and `documents` |
//! | SARIF | a SARIF 2.1.0 log every run of which has the tool driver `prepub` |
//! | JUnit | the root `<testsuites name="prepub…">` and, before the first test case, `<property name="tool" value="prepub …"/>` |
//! | HTML | `<!DOCTYPE html>` and, in the head, `<meta name="generator" content="prepub …">` |
//! | Markdown | a first line `<!-- generator: prepub … -->` ([`markdown_mark`]) |
//! | CSV | the byte-order mark and exactly prepub's header row ([`CSV_HEADER`]) |
//! | DOCX | a package whose `docProps/app.xml` names the application `prepub …` ([`docx_app_xml`]) |
//! | text | every line a verdict line (`PASS `, `REVIEW `, `BLOCK `, `SKIPPED `) or an indented one, and the last the summary line (`N documents: N pass, N review, N block; N findings`) |
//! | decisions | a top-level `schema: prepub.decisions/1` line |
//!
//! A mark can be copied by hand into a draft; a file skipped for it is
//! still listed in every report, with the reason, for a person to see. A
//! report edited and saved by another program (Word rewrites the
//! application name) loses its mark and is reviewed like any document —
//! the safe way round.
//!
//! Each renderer's unit tests check that its output is recognised here.

use crate::review::{DECISIONS_SCHEMA, SCHEMA, SkipReason, TOOL_NAME, ToolInfo};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::io::Read;

/// The header row of the CSV report: fixed English identifiers that scripts
/// read (and the CSV report's mark).
pub const CSV_HEADER: [&str; 19] = [
    "document",
    "verdict",
    "rule",
    "severity",
    "part",
    "page",
    "line",
    "column",
    "text",
    "context",
    "sheet",
    "cell",
    "category",
    "message",
    "id",
    "decision",
    "reviewer",
    "decision_date",
    "waived",
];

/// Which of prepub's own files a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnFile {
    JsonReview,
    Sarif,
    Junit,
    Html,
    Markdown,
    Csv,
    Docx,
    Text,
    Decisions,
}

impl OwnFile {
    pub fn reason(self) -> SkipReason {
        match self {
            OwnFile::Decisions => SkipReason::PrepubDecisions,
            _ => SkipReason::PrepubReport,
        }
    }

    /// What the file is, in words.
    pub fn describe(self) -> &'static str {
        match self {
            OwnFile::JsonReview => "a JSON review prepub wrote (prepub.review/1)",
            OwnFile::Sarif => "a SARIF log prepub wrote",
            OwnFile::Junit => "a JUnit report prepub wrote",
            OwnFile::Html => "a sign-off form prepub wrote (HTML)",
            OwnFile::Markdown => "a sign-off form prepub wrote (Markdown)",
            OwnFile::Csv => "a CSV report prepub wrote",
            OwnFile::Docx => "a sign-off form prepub wrote (DOCX)",
            OwnFile::Text => "a text report prepub wrote",
            OwnFile::Decisions => "a prepub decisions file (prepub.decisions/1)",
        }
    }
}

/// The first line of a Markdown sign-off form: an HTML comment, which no
/// Markdown viewer shows.
pub fn markdown_mark(tool: &ToolInfo) -> String {
    // A review's tool fields are text from a file: nothing in them may end
    // the comment early.
    let word = |text: &str| -> String {
        let kept: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '_' | '-'))
            .collect();
        kept.replace("--", "-")
    };
    format!(
        "<!-- generator: {} {} -->",
        word(&tool.name),
        word(&tool.version)
    )
}

/// The `docProps/app.xml` of a DOCX sign-off form: the application that
/// wrote it, where Word and WPS record theirs.
pub fn docx_app_xml(tool: &ToolInfo) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>{} {}</Application></Properties>",
        xml_text(&tool.name),
        xml_text(&tool.version)
    )
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Whether `bytes` are a file prepub wrote, and which. Never panics and
/// reads nothing but `bytes` (a DOCX's `docProps/app.xml` is inflated to
/// at most [`APP_XML_CAP`] bytes).
pub fn recognise(bytes: &[u8]) -> Option<OwnFile> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice());
    if let Some(rest) = text
        && is_csv(rest)
    {
        return Some(OwnFile::Csv);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return std::panic::catch_unwind(|| is_docx(bytes))
            .unwrap_or(false)
            .then_some(OwnFile::Docx);
    }
    let text = text.unwrap_or(bytes);
    // Most files are drafts: their start rules every text kind out, and a
    // 200 MB text need not be checked as UTF-8 a first time here (4% of
    // its scan) only to learn that.
    if !may_be_own_text(text) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let start = text.trim_start();
    if start.starts_with('{') {
        return json_kind(start);
    }
    if is_junit(start) {
        return Some(OwnFile::Junit);
    }
    if is_html(start) {
        return Some(OwnFile::Html);
    }
    if is_markdown(text) {
        return Some(OwnFile::Markdown);
    }
    if is_decisions(text) {
        return Some(OwnFile::Decisions);
    }
    if is_text_report(text) {
        return Some(OwnFile::Text);
    }
    None
}

/// Whether `bytes` (a BOM taken off) may be one of the text files prepub
/// writes: a test that every such file passes, made on the first
/// [`HEAD_CAP`] bytes and a search for the decisions schema, so that
/// `false` means [`recognise`] would find nothing either.
fn may_be_own_text(bytes: &[u8]) -> bool {
    let cut = bytes.len() > HEAD_CAP;
    let head = &bytes[..bytes.len().min(HEAD_CAP)];
    let head = match std::str::from_utf8(head) {
        Ok(head) => head,
        // A character cut at the end of the head.
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or_default()
        }
        // Not UTF-8: no text kind at all.
        Err(_) => return false,
    };
    let start = head.trim_start();
    // Blank lines to the end of the head: the start is further on.
    if cut && start.len() < 16 {
        return true;
    }
    if start.starts_with('{')
        || start.starts_with("<?xml")
        || start
            .get(..15)
            .is_some_and(|s| s.eq_ignore_ascii_case("<!DOCTYPE html>"))
        || head.starts_with("<!-- generator: ")
    {
        return true;
    }
    static SCHEMA_NAME: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let schema = SCHEMA_NAME.get_or_init(|| {
        aho_corasick::AhoCorasick::new([DECISIONS_SCHEMA]).expect("one short literal")
    });
    if schema.is_match(bytes) {
        return true;
    }
    // A text report's first non-empty line is a verdict line, an indented
    // one, or (alone) the summary, which starts with a digit or `共 `.
    match head.lines().find(|line| !line.is_empty()) {
        Some(first) => {
            VERDICT_STARTS.iter().any(|start| first.starts_with(start))
                || first.starts_with(|c: char| c.is_ascii_digit())
                || first.starts_with("共 ")
                // Cut by the head before its start could be told.
                || (cut && first.len() < 16 && head.ends_with(first))
        }
        None => cut,
    }
}

/// How the lines of a text report start, but for its last (the summary).
const VERDICT_STARTS: [&str; 12] = [
    "PASS ",
    "REVIEW ",
    "BLOCK ",
    "SKIPPED ",
    "可公开 ",
    "需复核 ",
    "须修改 ",
    "已跳过 ",
    // A verdict with waived findings: `可公开（1 项已豁免） a.docx`.
    "可公开（",
    "需复核（",
    "须修改（",
    "  ",
];

/// The most of a DOCX's `docProps/app.xml` read to find its application.
pub const APP_XML_CAP: u64 = 64 * 1024;

/// How far into an XML or HTML file its head is looked for.
const HEAD_CAP: usize = 64 * 1024;

fn json_kind(text: &str) -> Option<OwnFile> {
    // Typed views that keep nothing but the marks: the rest of the file is
    // checked to be JSON and skipped over, never built in memory.
    #[derive(Deserialize)]
    struct Tool {
        name: String,
    }
    #[derive(Deserialize)]
    struct ReviewHead {
        schema: String,
        tool: Tool,
        #[allow(dead_code)]
        documents: IgnoredAny,
    }
    #[derive(Deserialize)]
    struct Driver {
        name: String,
    }
    #[derive(Deserialize)]
    struct SarifTool {
        driver: Driver,
    }
    #[derive(Deserialize)]
    struct Run {
        tool: SarifTool,
    }
    #[derive(Deserialize)]
    struct SarifHead {
        version: String,
        runs: Vec<Run>,
    }
    if let Ok(head) = serde_json::from_str::<ReviewHead>(text) {
        return (head.schema == SCHEMA && head.tool.name == TOOL_NAME)
            .then_some(OwnFile::JsonReview);
    }
    let head = serde_json::from_str::<SarifHead>(text).ok()?;
    let ours = head.version == "2.1.0"
        && !head.runs.is_empty()
        && head
            .runs
            .iter()
            .all(|run| run.tool.driver.name == TOOL_NAME);
    ours.then_some(OwnFile::Sarif)
}

/// The first `cap` bytes of `text`, cut at a character boundary.
fn head(text: &str, cap: usize) -> &str {
    if text.len() <= cap {
        return text;
    }
    let mut end = cap;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn is_junit(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("<?xml") else {
        return false;
    };
    let Some((_, rest)) = rest.split_once("?>") else {
        return false;
    };
    let rest = head(rest.trim_start(), HEAD_CAP);
    let root = format!("<testsuites name=\"{TOOL_NAME}");
    let tool = format!("<property name=\"tool\" value=\"{TOOL_NAME} ");
    let before_cases = rest.split("<testcase").next().unwrap_or(rest);
    rest.starts_with(&root) && before_cases.contains(&tool)
}

fn is_html(text: &str) -> bool {
    let doctype = text
        .get(..15)
        .is_some_and(|start| start.eq_ignore_ascii_case("<!DOCTYPE html>"));
    let head = head(text, HEAD_CAP);
    let head = head.split("</head>").next().unwrap_or(head);
    doctype && head.contains(&format!("<meta name=\"generator\" content=\"{TOOL_NAME} "))
}

fn is_markdown(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    first.starts_with(&format!("<!-- generator: {TOOL_NAME} ")) && first.ends_with(" -->")
}

fn is_csv(bytes: &[u8]) -> bool {
    let header = CSV_HEADER.join(",");
    bytes
        .strip_prefix(header.as_bytes())
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(b"\r\n"))
}

fn is_docx(bytes: &[u8]) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    if archive.index_for_name("word/document.xml").is_none() {
        return false;
    }
    let Ok(app) = archive.by_name("docProps/app.xml") else {
        return false;
    };
    let mut xml = Vec::new();
    if app.take(APP_XML_CAP).read_to_end(&mut xml).is_err() {
        return false;
    }
    let xml = String::from_utf8_lossy(&xml);
    let Some((_, rest)) = xml.split_once("<Application>") else {
        return false;
    };
    let application = rest.split("</Application>").next().unwrap_or("");
    application.starts_with(&format!("{TOOL_NAME} "))
}

fn is_decisions(text: &str) -> bool {
    text.lines().any(|line| {
        let Some(value) = line.strip_prefix("schema:") else {
            return false;
        };
        let value = value.trim();
        let value = value
            .strip_prefix(['"', '\''])
            .and_then(|v| v.strip_suffix(['"', '\'']))
            .unwrap_or(value);
        value == DECISIONS_SCHEMA
    })
}

/// The terminal report saved to a file (`-o report.txt`, `prepub scan >
/// out.txt`): its whole shape, not one line, is the mark.
fn is_text_report(text: &str) -> bool {
    // Line by line, never a list of the lines: a file of millions of short
    // lines must not cost more than the file itself.
    let mut last: Option<&str> = None;
    for line in text.lines().filter(|line| !line.is_empty()) {
        if let Some(previous) = last {
            let verdict_or_indented = VERDICT_STARTS
                .iter()
                .any(|start| previous.starts_with(start));
            if !verdict_or_indented {
                return false;
            }
        }
        last = Some(line);
    }
    last.is_some_and(is_summary_line)
}

/// `N documents: N pass, N review, N block; N findings` and what may follow
/// (`1 document`, `1 finding` in the singular; reports before 0.x wrote
/// `1 documents`), or its Chinese form `共 N 份文件：可公开 N 份，需复核 N 份，
/// 须修改 N 份；命中 N 处`.
fn is_summary_line(line: &str) -> bool {
    use Step::{Number, Words};
    const ENGLISH: &[Step] = &[
        Number,
        Words(&[" documents: ", " document: "]),
        Number,
        Words(&[" pass, "]),
        Number,
        Words(&[" review, "]),
        Number,
        Words(&[" block; "]),
        Number,
        Words(&[" findings", " finding"]),
    ];
    const CHINESE: &[Step] = &[
        Words(&["共 "]),
        Number,
        Words(&[" 份文件：可公开 "]),
        Number,
        Words(&[" 份，需复核 "]),
        Number,
        Words(&[" 份，须修改 "]),
        Number,
        Words(&[" 份；命中 "]),
        Number,
        Words(&[" 处"]),
    ];
    let follows = |steps: &[Step], more: &str| {
        shaped(line, steps).is_some_and(|rest| rest.is_empty() || rest.starts_with(more))
    };
    follows(ENGLISH, "; ") || follows(CHINESE, "；")
}

/// One piece of a summary line's shape.
enum Step {
    /// One or more ASCII digits.
    Number,
    /// One of these words (the longer first where one begins another).
    Words(&'static [&'static str]),
}

/// What follows the pieces `steps` at the start of `line`, if they are there.
fn shaped<'a>(line: &'a str, steps: &[Step]) -> Option<&'a str> {
    let mut rest = line;
    for step in steps {
        rest = match step {
            Step::Number => {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                if digits == 0 {
                    return None;
                }
                &rest[digits..]
            }
            Step::Words(words) => words.iter().find_map(|word| rest.strip_prefix(word))?,
        };
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick test on a file's start lets through every file prepub
    /// writes — also when blank lines or a long first line push its marks
    /// past the head, and when the decisions schema comes late — and stops
    /// an ordinary draft.
    #[test]
    fn the_quick_test_lets_every_own_file_through() {
        let review = crate::report::fixture::review();
        let json = crate::report::json::render(&review).unwrap();
        let mut padded = vec![b'\t'; HEAD_CAP + 10];
        padded.extend(&json);
        assert!(may_be_own_text(&padded));
        assert_eq!(recognise(&padded), recognise(&json));
        assert!(recognise(&json).is_some());
        let mut decisions = "# decisions\n".repeat(HEAD_CAP / 8).into_bytes();
        decisions.extend(format!("schema: {DECISIONS_SCHEMA}\n").as_bytes());
        assert!(may_be_own_text(&decisions));
        assert_eq!(recognise(&decisions), Some(OwnFile::Decisions));
        let draft = "关于开展检查的通知\n各单位：现将有关事项通知如下。\n".repeat(5000);
        assert!(draft.len() > HEAD_CAP);
        assert!(!may_be_own_text(draft.as_bytes()));
        let summary_only = "3 documents: 3 pass, 0 review, 0 block; 0 findings\n";
        assert!(may_be_own_text(summary_only.as_bytes()));
        assert!(!may_be_own_text(b"\xFF\xFE not utf-8"));
    }

    #[test]
    fn ordinary_documents_are_not_prepub_files() {
        let documents: [&[u8]; 12] = [
            b"",
            "机密★1年\n关于开展检查的通知\n".as_bytes(),
            b"{\"schema\": \"something/1\", \"tool\": {\"name\": \"prepub\"}, \"documents\": []}",
            b"{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"eslint\"}}}]}",
            b"{\"version\": \"2.1.0\", \"runs\": []}",
            b"<?xml version=\"1.0\"?>\n<testsuites name=\"cargo\"><testcase/></testsuites>",
            b"<!DOCTYPE html>\n<html><head><meta name=\"generator\" content=\"Hugo 0.1\"></head></html>",
            b"<!-- a comment -->\n# Notes\n",
            b"\xEF\xBB\xBFdocument,verdict\r\na,b\r\n",
            b"PK\x03\x04 not really a zip",
            b"3 documents: 1 pass, 1 review, 1 block; 7 findings\nand then prose\n",
            b"schema: prepub.review/1\n",
        ];
        for document in documents {
            assert_eq!(
                recognise(document),
                None,
                "{:?}",
                String::from_utf8_lossy(document)
            );
        }
    }

    #[test]
    fn a_decisions_file_is_recognised_by_its_schema_line() {
        let written = "# prepub decisions: one entry\nschema: prepub.decisions/1\ndecisions: []\n";
        assert_eq!(recognise(written.as_bytes()), Some(OwnFile::Decisions));
        let quoted = "decisions: []\nschema: 'prepub.decisions/1'\n";
        assert_eq!(recognise(quoted.as_bytes()), Some(OwnFile::Decisions));
        // Indented, it is a value inside something else.
        let nested = "config:\n  schema: prepub.decisions/1\n";
        assert_eq!(recognise(nested.as_bytes()), None);
    }

    #[test]
    fn the_text_report_is_recognised_by_its_whole_shape() {
        let report = "BLOCK a.txt\n  a.txt:1:1 [body] marking.cn.level-star block  [机密★1年]\n\
                      SKIPPED .hidden.txt: hidden\n\
                      1 documents: 0 pass, 0 review, 1 block; 1 findings; 1 skipped\n";
        assert_eq!(recognise(report.as_bytes()), Some(OwnFile::Text));
        assert_eq!(
            recognise(b"0 documents: 0 pass, 0 review, 0 block; 0 findings\n"),
            Some(OwnFile::Text)
        );
        let edited = report.replace("  a.txt:1:1", "a.txt:1:1");
        assert_eq!(recognise(edited.as_bytes()), None);
        let singular = "PASS a.txt\n1 document: 1 pass, 0 review, 0 block; 1 finding\n";
        assert_eq!(recognise(singular.as_bytes()), Some(OwnFile::Text));
        let chinese = "须修改 a.txt\n  a.txt:1:1 [正文] marking.cn.level-star 阻止公开  [机密★1年]\n\
                       已跳过 .hidden.txt: 隐藏文件\n\
                       共 1 份文件：可公开 0 份，需复核 0 份，须修改 1 份；命中 1 处；跳过 1 项\n";
        assert_eq!(recognise(chinese.as_bytes()), Some(OwnFile::Text));
        assert_eq!(recognise("共 1 份文件：可公开 0 份\n".as_bytes()), None);
    }

    #[test]
    fn a_json_review_is_recognised_whatever_its_layout() {
        let compact = br#"{"documents":[],"tool":{"version":"9","name":"prepub"},"schema":"prepub.review/1","summary":{}}"#;
        assert_eq!(recognise(compact), Some(OwnFile::JsonReview));
        let truncated = br#"{"schema":"prepub.review/1","tool":{"name":"prepub"},"documents":["#;
        assert_eq!(recognise(truncated), None);
    }
}
