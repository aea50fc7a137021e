//! SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
//!
//! - one `reportingDescriptor` per rule that produced a finding, with a
//!   short description, help text and a `helpUri` (the rule's section of
//!   the documentation in the repository named by Cargo metadata), sorted
//!   by id;
//! - one `result` per finding: level `error` / `warning` / `note` for block
//!   / review / info, a `physicalLocation` whose URI is the document's path
//!   as a relative reference (percent-encoded per RFC 3986), a region with
//!   line and column where the part has lines, the part, page and cell in
//!   `properties`, and the finding id as a partial fingerprint so dashboards
//!   track a finding across runs the way prepub's decisions do;
//! - documents that could not be fully read are results of the rule
//!   [`UNREAD_RULE`] (level `warning`, one per document, with the reasons),
//!   so a CI gate that exits 3 shows why among the alerts, and also
//!   `invocations[0].toolExecutionNotifications`, which the dashboards show
//!   as tool warnings/errors — an unread document is never silently green;
//! - archive and e-mail members (`a.zip!/x.docx`) are located at the file
//!   on disk (`a.zip`), which is what a dashboard can open, with the member
//!   named in the message and in `properties.member`;
//! - `automationDetails.id` is `prepub/scan[/<batch>][/shard-K-of-N]/`: the
//!   trailing `/` makes the whole id the category, so the shards of one
//!   batch uploaded separately do not replace each other's alerts;
//! - inputs that were not reviewed (hidden, filtered out, empty folders,
//!   reports prepub wrote) are `toolExecutionNotifications` too
//!   (`input.skipped`: a note, a warning when the user named the input),
//!   counted in `run.properties.skipped`;
//! - every document is listed in `artifacts` with its SHA-256 (a member's
//!   as `properties.memberSha256`, its artifact being located at the
//!   archive);
//! - reviewer decisions: a finding waived by a `keep` decision is a result
//!   with an accepted external `suppression` (who, when, why, until when),
//!   which tools that honour suppressions treat as dealt with (GitHub needs
//!   the `advanced-security/dismiss-alerts` action for that); when a
//!   decisions file was applied, every other result has an empty
//!   `suppressions` list ("known not suppressed", not "unknown"). Any
//!   decision recorded on a finding is in the result's
//!   `properties.decision`. Stale decisions are
//!   `toolExecutionNotifications` (`decision.stale`); resolved and stale
//!   decisions are listed in their artifact's properties.
//!
//! Columns count Unicode code points (`columnKind: unicodeCodePoints`),
//! which is what prepub's locations count, not UTF-16 units.

use super::RenderOptions;
use super::labels::{self, Lang};
use super::present;
use crate::batch::spill::DocumentSource;
use crate::extract::document::{ExtractionStatus, Severity};
use crate::review::{DocumentReview, Finding, Review, SkippedInput, split_member};
use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base that relative artifact URIs are resolved against: the directory
/// the scan was run from. Consumers map it to the checkout root.
pub const ROOT_BASE_ID: &str = "SRCROOT";

/// The partial-fingerprint key for prepub's content-based finding id.
pub const FINGERPRINT_KEY: &str = "prepubFindingId/v1";

/// The rule of the results that say a document was not read in full.
pub const UNREAD_RULE: &str = "prepub.unread";

/// Where the documentation lives: the `repository` of Cargo metadata.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The documentation of a rule: a section of a file under `docs/` (or the
/// README), as a path and the heading's anchor. Every rule has one, so a
/// dashboard's "learn more" link always leads somewhere that explains it;
/// the test `help_anchors_exist` checks each is a heading of its file.
fn help_page(rule: &str) -> (&'static str, &'static str) {
    let family = rule.split('.').next().unwrap_or("");
    let notice = matches!(family, "hidden" | "metadata" | "redaction");
    if rule == UNREAD_RULE {
        (
            "docs/README-formats.md",
            "when-a-document-cannot-be-read-fully",
        )
    } else if notice && rule.contains(".pdf.") {
        ("docs/README-pdf.md", "findings-the-pdf-reader-makes-itself")
    } else if notice && rule.contains(".docx.") {
        ("docs/README-docx.md", "findings-made-without-any-rule")
    } else if notice {
        ("docs/README-formats.md", "what-is-read-part-by-part")
    } else if crate::rules::is_builtin_rule(rule) {
        ("docs/README-rules.md", "built-in-rules")
    } else {
        // A rule of the user's own pack: the pack is its documentation;
        // the link explains how to read a rule.
        ("docs/README-rules.md", "a-rule")
    }
}

/// The `helpUri` of a rule (empty when the build has no repository URL,
/// which SARIF does not allow, so the caller leaves the key out).
pub fn help_uri(rule: &str) -> Option<String> {
    if REPOSITORY.is_empty() {
        return None;
    }
    let (file, anchor) = help_page(rule);
    Some(format!(
        "{}/blob/main/{file}#{anchor}",
        REPOSITORY.trim_end_matches('/')
    ))
}

/// `automationDetails.id`: `prepub/scan`, the batch name and the shard,
/// ending in `/` so all of it is the category (GitHub keeps one analysis
/// per category and tool: without the shard in it, shard 2's upload would
/// close shard 1's alerts).
pub fn automation_id(review: &Review, options: &RenderOptions) -> String {
    let mut id = String::from("prepub/scan/");
    if let Some(batch) = present::field(&options.batch) {
        // A `/` in the name would add a level to the category.
        id.push_str(&batch.replace('/', "-"));
        id.push('/');
    }
    if let Some(shard) = review.options.as_ref().and_then(|o| o.shard.as_ref()) {
        let indexes: Vec<String> = shard.indexes.iter().map(u32::to_string).collect();
        id.push_str(&format!("shard-{}-of-{}/", indexes.join("+"), shard.count));
    }
    id
}

pub fn render(review: &Review, options: &RenderOptions) -> Result<Vec<u8>, String> {
    super::render_whole(write, review, options)
}

/// Writes the log of `review` (whose own `documents` are not read) with the
/// documents of `documents`.
///
/// The log is built as a JSON value except for its three lists that grow
/// with the batch — `artifacts`, `results` and the invocation's
/// `toolExecutionNotifications` — which are left empty in the value and
/// streamed in, one document at a time, while it is serialised. The value's
/// keys are sorted (serde_json's map), and the streamed lists take their
/// places in that order, so the bytes are those of the whole value.
pub fn write(
    review: &Review,
    documents: &dyn DocumentSource,
    options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let lang = options.lang;
    let first = first_findings(documents)?;
    let rules: BTreeMap<&str, (usize, &Described)> = first
        .iter()
        .enumerate()
        .map(|(i, (id, described))| (id.as_str(), (i, described)))
        .collect();
    let descriptors: Vec<Value> = rules
        .values()
        .map(|(_, described)| match described {
            Described::Rule(finding) => descriptor(lang, finding),
            Described::Unread => unread_descriptor(lang),
        })
        .collect();

    let mut driver = json!({
        "name": review.tool.name,
        "version": review.tool.version,
        "rules": descriptors,
        "notifications": notification_descriptors(lang),
    });
    if is_semantic_version(&review.tool.version) {
        driver["semanticVersion"] = json!(review.tool.version);
    }

    let mut run = json!({
        "tool": { "driver": driver },
        "invocations": [{
            "executionSuccessful": true,
            "startTimeUtc": review.started_at,
            "toolExecutionNotifications": [],
        }],
        "artifacts": [],
        "results": [],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "rules": {
                "digest": review.rules.digest,
                // Names, versions and digests only, even when the review
                // embeds the packs' text: SARIF goes to code-scanning
                // services, and a watch-list must not go with it.
                "packs": review.rules.packs.iter().map(pack_properties).collect::<Vec<_>>(),
            },
            "summary": review.summary,
        },
    });
    if let Some(info) = &review.decisions {
        run["properties"]["decisions"] = json!(info);
    }
    // The category GitHub uses to keep separate analyses apart.
    run["automationDetails"] = json!({ "id": automation_id(review, options) });

    if !review.skipped.is_empty() {
        run["properties"]["skipped"] = json!(review.skipped.len());
    }

    let streams = Streams {
        documents,
        skipped: &review.skipped,
        lang,
        rules: &rules,
        decisions: review.decisions.is_some(),
    };
    let log = Log {
        run: &run,
        streams: &streams,
    };
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    log.serialize(&mut serializer)
        .map_err(|e| format!("writing SARIF: {e}"))?;
    out.write_all(b"\n")
        .map_err(|e| format!("writing SARIF: {e}"))
}

/// What a rule's descriptor is described from.
enum Described {
    /// A rule of a pack or an extractor notice: its first finding (the
    /// review records findings, not the rule packs' full text).
    Rule(Box<Finding>),
    /// [`UNREAD_RULE`].
    Unread,
}

/// The first finding of each rule, by rule id, so descriptors and rule
/// indexes do not depend on the order documents were read; and
/// [`UNREAD_RULE`] when some document was not read in full.
fn first_findings(documents: &dyn DocumentSource) -> Result<BTreeMap<String, Described>, String> {
    let mut first: BTreeMap<String, Described> = BTreeMap::new();
    documents.try_for_each(&mut |document| {
        for finding in &document.findings {
            if !first.contains_key(&finding.rule) {
                first.insert(
                    finding.rule.clone(),
                    Described::Rule(Box::new(finding.clone())),
                );
            }
        }
        if document.extraction.status != ExtractionStatus::Complete {
            // A pack rule of that id (rules may be named anything) keeps
            // its descriptor; the unread results then point at it, and
            // the id still says what they are.
            first
                .entry(UNREAD_RULE.to_owned())
                .or_insert(Described::Unread);
        }
        Ok(())
    })?;
    Ok(first)
}

/// What the streamed lists are made from.
struct Streams<'a> {
    documents: &'a dyn DocumentSource,
    /// The inputs not reviewed: notifications after the documents'.
    skipped: &'a [SkippedInput],
    lang: Lang,
    rules: &'a BTreeMap<&'a str, (usize, &'a Described)>,
    decisions: bool,
}

/// Which list a [`Stream`] writes.
#[derive(Clone, Copy)]
enum List {
    Artifacts,
    Results,
    Notifications,
}

impl Streams<'_> {
    /// Calls `emit` with every element of `list`, in document order.
    fn each(
        &self,
        list: List,
        emit: &mut dyn FnMut(&Value) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut index = 0;
        self.documents.try_for_each(&mut |document| {
            match list {
                List::Artifacts => emit(&artifact(document))?,
                List::Results => {
                    for finding in &document.findings {
                        let rule_index =
                            self.rules.get(finding.rule.as_str()).map_or(0, |(i, _)| *i);
                        let mut result = result(self.lang, document, index, rule_index, finding);
                        if self.decisions || finding.waived.is_some() {
                            result["suppressions"] = suppressions(finding);
                        }
                        emit(&result)?;
                    }
                    if let Some(mut unread) = unread_result(self.lang, document, index, self.rules)
                    {
                        // Nothing can waive not having been read.
                        if self.decisions {
                            unread["suppressions"] = json!([]);
                        }
                        emit(&unread)?;
                    }
                }
                List::Notifications => {
                    for notification in extraction_notifications(self.lang, document, index)
                        .into_iter()
                        .chain(stale_notifications(self.lang, document, index))
                    {
                        emit(&notification)?;
                    }
                }
            }
            index += 1;
            Ok(())
        })?;
        if let List::Notifications = list {
            for input in self.skipped {
                emit(&skipped_notification(self.lang, input))?;
            }
        }
        Ok(())
    }
}

/// A pack as SARIF names it: name, version and digest, and where it was
/// read from when that is known. An absent origin is left out rather than
/// written as `null`, which SARIF consumers show as a literal "null".
fn pack_properties(pack: &crate::review::PackInfo) -> Value {
    let mut properties = json!({
        "name": pack.name,
        "version": pack.version,
        "sha256": pack.sha256,
    });
    if let Some(origin) = &pack.origin {
        properties["origin"] = json!(origin);
    }
    properties
}

/// The SARIF log: `$schema`, one run, `version` (sorted, as in a value).
struct Log<'a> {
    run: &'a Value,
    streams: &'a Streams<'a>,
}

impl Serialize for Log<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let run = Filled {
            value: self.run,
            streams: self.streams,
            at: Place::Run,
        };
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("$schema", SCHEMA_URI)?;
        map.serialize_entry("runs", &[run])?;
        map.serialize_entry("version", "2.1.0")?;
        map.end()
    }
}

/// Where in the log a [`Filled`] value is, to know which of its empty lists
/// are to be streamed.
#[derive(Clone, Copy)]
enum Place {
    Run,
    Invocations,
    Invocation,
}

/// A value of the log serialised as it is, except for the streamed lists.
struct Filled<'a> {
    value: &'a Value,
    streams: &'a Streams<'a>,
    at: Place,
}

impl Serialize for Filled<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let filled = |value, at| Filled {
            value,
            streams: self.streams,
            at,
        };
        match (self.at, self.value) {
            (Place::Invocations, Value::Array(items)) => {
                let mut sequence = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    sequence.serialize_element(&filled(item, Place::Invocation))?;
                }
                sequence.end()
            }
            (Place::Run | Place::Invocation, Value::Object(object)) => {
                let mut map = serializer.serialize_map(Some(object.len()))?;
                for (key, value) in object {
                    let stream = |list| Stream {
                        streams: self.streams,
                        list,
                    };
                    match (self.at, key.as_str()) {
                        (Place::Run, "artifacts") => {
                            map.serialize_entry(key, &stream(List::Artifacts))?
                        }
                        (Place::Run, "results") => {
                            map.serialize_entry(key, &stream(List::Results))?
                        }
                        (Place::Run, "invocations") => {
                            map.serialize_entry(key, &filled(value, Place::Invocations))?
                        }
                        (Place::Invocation, "toolExecutionNotifications") => {
                            map.serialize_entry(key, &stream(List::Notifications))?
                        }
                        _ => map.serialize_entry(key, value)?,
                    }
                }
                map.end()
            }
            (_, value) => value.serialize(serializer),
        }
    }
}

/// One of the streamed lists.
struct Stream<'a> {
    streams: &'a Streams<'a>,
    list: List,
}

impl Serialize for Stream<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sequence = serializer.serialize_seq(None)?;
        let mut failure = None;
        let read = self.streams.each(self.list, &mut |element| {
            sequence.serialize_element(element).map_err(|e| {
                let message = e.to_string();
                failure = Some(e);
                message
            })
        });
        if let Some(error) = failure {
            return Err(error);
        }
        read.map_err(S::Error::custom)?;
        sequence.end()
    }
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Block => "error",
        Severity::Review => "warning",
        Severity::Info => "note",
    }
}

/// A rule's descriptor, described from the first finding it produced (the
/// review records findings, not the rule packs' full text).
fn descriptor(lang: Lang, finding: &Finding) -> Value {
    let category = labels::category(lang, finding.category);
    let severity = labels::severity(lang, finding.severity);
    let help = match lang {
        Lang::Zh => format!(
            "{}\n类别：{category}；级别：{severity}。\n公开前须逐项审查：在保密审查单上对每处发现选择删除、修改或保留并说明理由。自动扫描仅为辅助，不替代人工保密审查。",
            finding.message
        ),
        Lang::En => format!(
            "{}\nCategory: {category}; severity: {severity}.\nReview each finding before publication: on the sign-off form, decide to remove, revise or keep it and give the reason. Automatic scanning assists and does not replace the human confidentiality review.",
            finding.message
        ),
    };
    let mut descriptor = json!({
        "id": finding.rule,
        "shortDescription": { "text": finding.message },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(finding.severity) },
        "properties": {
            "category": finding.category,
            "tags": ["confidentiality", finding.category.as_str()],
        },
    });
    if let Some(uri) = help_uri(&finding.rule) {
        descriptor["helpUri"] = json!(uri);
    }
    descriptor
}

/// The descriptor of [`UNREAD_RULE`]: a warning whatever `--fail-on`
/// says, since what was not read was not reviewed.
fn unread_descriptor(lang: Lang) -> Value {
    let (short, help) = match lang {
        Lang::Zh => (
            "文件未能完整读取：未读部分未经审查。",
            "文件未能完整读取（加密、扫描图片、损坏或超过限制），未读部分未经自动审查，公开前须人工审查；结果信息中列出原因。",
        ),
        Lang::En => (
            "The document was not read in full: what was not read was not reviewed.",
            "The document could not be read in full (encrypted, a scanned image, corrupt, or over a limit); what was not read was not reviewed automatically and must be reviewed by hand before publication. The result's message gives the reasons.",
        ),
    };
    let mut descriptor = json!({
        "id": UNREAD_RULE,
        "shortDescription": { "text": short },
        "help": { "text": help },
        "defaultConfiguration": { "level": "warning" },
        "properties": { "tags": ["confidentiality", "unread"] },
    });
    if let Some(uri) = help_uri(UNREAD_RULE) {
        descriptor["helpUri"] = json!(uri);
    }
    descriptor
}

/// The [`UNREAD_RULE`] result of a document not read in full: its status
/// and every reading problem in the message, located at the file.
fn unread_result(
    lang: Lang,
    document: &DocumentReview,
    index: usize,
    rules: &BTreeMap<&str, (usize, &Described)>,
) -> Option<Value> {
    if document.extraction.status == ExtractionStatus::Complete {
        return None;
    }
    let status = labels::extraction_status(lang, document.extraction.status);
    let problems: Vec<String> = document
        .extraction
        .problems
        .iter()
        .map(|p| present::problem(lang, p.part.as_deref(), &p.message))
        .collect();
    let separator = match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    };
    let mut message = format!("{}: {status}", document.path);
    if !problems.is_empty() {
        message.push_str(match lang {
            Lang::Zh => "：",
            Lang::En => ": ",
        });
        message.push_str(&problems.join(separator));
    }
    let (_, member) = split_member(&document.path);
    let mut properties = json!({ "extraction": document.extraction.status });
    if let Some(member) = member {
        properties["member"] = json!(member);
    }
    Some(json!({
        "ruleId": UNREAD_RULE,
        "ruleIndex": rules.get(UNREAD_RULE).map_or(0, |(i, _)| *i),
        "level": "warning",
        "message": { "text": message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": artifact_location(document, index),
        } }],
        // One per document and content: a dashboard tracks it across runs
        // until the file is readable.
        "partialFingerprints": { FINGERPRINT_KEY: format!("unread:{}", document.sha256) },
        "properties": properties,
    }))
}

/// " (member x.docx of a.zip)" for an archive or e-mail member, which
/// reports locate at the file on disk; empty for a file.
fn member_note(lang: Lang, path: &str) -> String {
    match split_member(path) {
        (file, Some(member)) => match lang {
            Lang::Zh => format!("（{file} 中的成员 {member}）"),
            Lang::En => format!(" (member {member} of {file})"),
        },
        (_, None) => String::new(),
    }
}

/// The index of `decision.stale` in [`notification_descriptors`].
const STALE_DESCRIPTOR: usize = 2;
/// The index of `input.skipped` among the notification descriptors.
const SKIPPED_DESCRIPTOR: usize = 3;

fn notification_descriptors(lang: Lang) -> Value {
    let (partial, failed, stale, skipped) = match lang {
        Lang::Zh => (
            "文件部分内容未能读取，未读部分须人工审查。",
            "文件无法读取，须人工审查全文。",
            "决定记录中的决定已失效：对应的发现已不再出现。",
            "该文件或文件夹未纳入审查（见原因）。",
        ),
        Lang::En => (
            "Part of the document could not be read; review the unread part by hand.",
            "The document could not be read; review all of it by hand.",
            "A recorded decision is stale: its finding no longer appears.",
            "This file or folder was not reviewed (see the reason).",
        ),
    };
    json!([
        { "id": "extraction.partial", "shortDescription": { "text": partial },
          "defaultConfiguration": { "level": "warning" } },
        { "id": "extraction.failed", "shortDescription": { "text": failed },
          "defaultConfiguration": { "level": "error" } },
        { "id": "decision.stale", "shortDescription": { "text": stale },
          "defaultConfiguration": { "level": "warning" } },
        { "id": "input.skipped", "shortDescription": { "text": skipped },
          "defaultConfiguration": { "level": "note" } },
    ])
}

/// A waived finding's suppression: `external` (the decisions file, not the
/// document, records it) and `accepted` (a reviewer decided). Empty for
/// any other finding.
fn suppressions(finding: &Finding) -> Value {
    let Some(waiver) = &finding.waived else {
        return json!([]);
    };
    let mut properties = json!({ "reviewer": waiver.by, "date": waiver.date });
    if let Some(expires) = &waiver.expires {
        properties["expires"] = json!(expires);
    }
    json!([{
        "kind": "external",
        "status": "accepted",
        "justification": waiver.reason,
        "properties": properties,
    }])
}

/// One warning per stale decision of a document, with the artifact's
/// location, so a dashboard shows waivers that have gone out of date.
fn stale_notifications(lang: Lang, document: &DocumentReview, index: usize) -> Vec<Value> {
    present::past_decisions(lang, document)
        .into_iter()
        .filter(|entry| !entry.resolved)
        .map(|entry| {
            let message = format!(
                "{}: {} {} “{}” — {} — {}",
                document.path,
                entry.rule,
                entry.id,
                entry.text,
                present::one_line(lang, Some(entry.decision), &entry.lines, None),
                entry.status
            );
            json!({
                "level": "warning",
                "message": { "text": message },
                "descriptor": { "id": "decision.stale", "index": STALE_DESCRIPTOR },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifact_location(document, index),
                } }],
            })
        })
        .collect()
}

/// An input that was not reviewed: a note (a warning when the user named
/// it), located at its path — it is not among the artifacts, which are the
/// documents reviewed.
fn skipped_notification(lang: Lang, input: &SkippedInput) -> Value {
    let mut location = Map::new();
    let (uri, relative) = artifact_uri(&input.path);
    location.insert("uri".into(), json!(uri));
    if relative {
        location.insert("uriBaseId".into(), json!(ROOT_BASE_ID));
    }
    let reason = labels::skip_reason(lang, input.reason);
    json!({
        "level": if input.named { "warning" } else { "note" },
        "message": { "text": format!("{}: {}", input.path, present::labelled(lang, reason, &input.message)) },
        "descriptor": { "id": "input.skipped", "index": SKIPPED_DESCRIPTOR },
        "locations": [{ "physicalLocation": { "artifactLocation": Value::Object(location) } }],
        "properties": { "reason": input.reason },
    })
}

/// Where a document is: the file on disk (an archive member's archive),
/// with its artifact's index.
fn artifact_location(document: &DocumentReview, index: usize) -> Value {
    let mut location = Map::new();
    let (uri, relative) = artifact_uri(split_member(&document.path).0);
    location.insert("uri".into(), json!(uri));
    if relative {
        location.insert("uriBaseId".into(), json!(ROOT_BASE_ID));
    }
    location.insert("index".into(), json!(index));
    Value::Object(location)
}

/// A document's artifact. A member's is located at its archive, as its
/// results are (a location and an artifact index must name the same file);
/// its length and hash, which are the member's, not the archive's, are
/// then properties.
fn artifact(document: &DocumentReview) -> Value {
    let mut location = Map::new();
    let (file, member) = split_member(&document.path);
    let (uri, relative) = artifact_uri(file);
    location.insert("uri".into(), json!(uri));
    if relative {
        location.insert("uriBaseId".into(), json!(ROOT_BASE_ID));
    }
    let mut properties = json!({
        "format": document.format,
        "verdict": document.verdict,
        "extraction": document.extraction.status,
    });
    if let Some(pages) = document.pages {
        properties["pages"] = json!(pages);
    }
    if !document.resolved.is_empty() {
        properties["resolvedDecisions"] = json!(document.resolved);
    }
    if !document.stale_decisions.is_empty() {
        properties["staleDecisions"] = json!(document.stale_decisions);
    }
    match member {
        Some(member) => {
            properties["member"] = json!(member);
            properties["memberLength"] = json!(document.bytes);
            properties["memberSha256"] = json!(document.sha256);
            json!({ "location": location, "properties": properties })
        }
        None => json!({
            "location": location,
            "length": document.bytes,
            "hashes": { "sha-256": document.sha256 },
            "properties": properties,
        }),
    }
}

fn result(
    lang: Lang,
    document: &DocumentReview,
    artifact_index: usize,
    rule_index: usize,
    finding: &Finding,
) -> Value {
    let at = &finding.location;
    let mut physical = json!({ "artifactLocation": artifact_location(document, artifact_index) });
    if at.line >= 1 {
        let mut region = json!({ "startLine": at.line, "snippet": { "text": finding.text } });
        if at.column >= 1 {
            region["startColumn"] = json!(at.column);
        }
        physical["region"] = region;
        physical["contextRegion"] = json!({
            "startLine": at.line,
            "snippet": { "text": finding.context },
        });
    }
    let mut properties = json!({
        "part": at.part,
        "category": finding.category,
        "context": finding.context,
        "location": present::location(lang, at),
    });
    if let Some(page) = at.page {
        properties["page"] = json!(page);
    }
    if let Some(sheet) = &at.sheet {
        properties["sheet"] = json!(sheet);
    }
    if let Some(cell) = &at.cell {
        properties["cell"] = json!(cell);
    }
    if let Some(decision) = &finding.decision {
        properties["decision"] = json!(decision);
    }
    if let (_, Some(member)) = split_member(&document.path) {
        properties["member"] = json!(member);
    }
    let message = format!(
        "{}: {}{}",
        finding.message,
        finding.text,
        member_note(lang, &document.path)
    );
    json!({
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": message },
        "locations": [{ "physicalLocation": physical }],
        "partialFingerprints": { FINGERPRINT_KEY: finding.id },
        "properties": properties,
    })
}

fn extraction_notifications(lang: Lang, document: &DocumentReview, index: usize) -> Vec<Value> {
    let (id, descriptor_index, level) = match document.extraction.status {
        ExtractionStatus::Complete => return Vec::new(),
        ExtractionStatus::Partial => ("extraction.partial", 0, "warning"),
        ExtractionStatus::Failed => ("extraction.failed", 1, "error"),
    };
    let mut messages: Vec<String> = document
        .extraction
        .problems
        .iter()
        .map(|p| present::problem(lang, p.part.as_deref(), &p.message))
        .collect();
    if messages.is_empty() {
        messages.push(labels::extraction_status(lang, document.extraction.status).to_string());
    }
    messages
        .into_iter()
        .map(|message| {
            json!({
                "level": level,
                "message": { "text": format!("{}: {message}", document.path) },
                "descriptor": { "id": id, "index": descriptor_index },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifact_location(document, index),
                } }],
            })
        })
        .collect()
}

/// The document's path as a URI reference: relative paths stay relative
/// (resolved against [`ROOT_BASE_ID`]), absolute ones become `file:` URIs.
/// Returns the URI and whether it is relative.
///
/// Review paths are `/`-separated as given on the command line; a backslash
/// from a Windows path is treated as a separator too.
pub fn artifact_uri(path: &str) -> (String, bool) {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        // C:/x → file:///C:/x (the drive colon stays: RFC 8089).
        return (
            format!("file:///{}:{}", &path[..1], encode_path(&path[2..])),
            false,
        );
    }
    if path.starts_with('/') {
        return (format!("file://{}", encode_path(&path)), false);
    }
    let relative = path.strip_prefix("./").unwrap_or(&path);
    (encode_path(relative), true)
}

/// Percent-encodes everything but unreserved characters, sub-delimiters,
/// `@` and the `/` separators (RFC 3986 `pchar`). `:` is encoded too, so a
/// relative path's first segment can never be read as a scheme, and `%` is
/// encoded because review paths are raw, not already-encoded, names.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
                    | b'/'
            );
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// SARIF's `semanticVersion` must be a SemVer string; the version is
/// whatever the review recorded, so only pass it on when it looks like one.
fn is_semantic_version(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn rendered() -> Value {
        let bytes = render(&fixture::review(), &RenderOptions::default()).unwrap();
        serde_json::from_slice(&bytes).expect("SARIF is JSON")
    }

    /// The shared SARIF schema: `PREPUB_SCHEMAS`, else `../shared/schemas`
    /// next to the crate, else `/work/shared/schemas`.
    fn schema() -> Option<Value> {
        let mut candidates = Vec::new();
        if let Some(dir) = std::env::var_os("PREPUB_SCHEMAS") {
            candidates.push(std::path::PathBuf::from(dir));
        }
        candidates.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas"));
        candidates.push("/work/shared/schemas".into());
        candidates
            .into_iter()
            .map(|dir| dir.join("sarif-2.1.0.json"))
            .find_map(|path| std::fs::read(path).ok())
            .map(|bytes| serde_json::from_slice(&bytes).expect("the SARIF schema is JSON"))
    }

    #[test]
    fn validates_against_the_sarif_2_1_0_schema() {
        let Some(schema) = schema() else {
            eprintln!("skipped: sarif-2.1.0.json not found (set PREPUB_SCHEMAS)");
            return;
        };
        // The schema declares draft-04 and refers only to itself, so no
        // network access is needed.
        let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
        let log = rendered();
        let members: Value =
            serde_json::from_slice(&render(&with_members(), &RenderOptions::default()).unwrap())
                .unwrap();
        for log in [&log, &members] {
            let errors: Vec<String> = validator
                .iter_errors(log)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }

        // And the check can fail: a result without a message is invalid.
        let mut broken = log.clone();
        broken["runs"][0]["results"][0]
            .as_object_mut()
            .expect("result")
            .remove("message");
        assert!(!validator.is_valid(&broken));
    }

    /// Every `null` in the log, by JSON path.
    fn nulls(value: &Value, path: &str, out: &mut Vec<String>) {
        match value {
            Value::Null => out.push(path.to_owned()),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    nulls(item, &format!("{path}[{i}]"), out);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    nulls(item, &format!("{path}.{key}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn absent_properties_are_left_out_not_written_as_null() {
        let mut review = fixture::review();
        assert!(review.rules.packs.iter().any(|p| p.origin.is_none()));
        if let Some(pack) = review.rules.packs.first_mut() {
            pack.origin = Some("builtin:starter-pack.yaml".into());
        }
        let log: Value =
            serde_json::from_slice(&render(&review, &RenderOptions::default()).unwrap()).unwrap();
        let mut found = Vec::new();
        nulls(&log, "$", &mut found);
        assert!(found.is_empty(), "null values in SARIF: {found:?}");
        let packs = &log["runs"][0]["properties"]["rules"]["packs"];
        assert_eq!(packs[0]["origin"], "builtin:starter-pack.yaml");
        assert!(packs[1].get("origin").is_none(), "{packs}");
    }

    #[test]
    fn one_descriptor_per_rule_and_one_result_per_finding() {
        let log = rendered();
        let run = &log["runs"][0];
        let rules: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            rules,
            [
                "hidden.docx.comments",
                "marking.cn.internal",
                "marking.cn.level",
                "metadata.author",
                "personal.cn.id_card",
                "personal.cn.mobile",
                UNREAD_RULE,
            ]
        );
        let results = run["results"].as_array().unwrap();
        // Every finding, the waived one too, and one per unread document.
        assert_eq!(results.len(), 8 + 2);
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index], result["ruleId"].as_str().unwrap());
            assert!(run["tool"]["driver"]["rules"][index]["help"]["text"].is_string());
        }
    }

    #[test]
    fn every_rule_has_a_short_description_and_a_help_uri() {
        let log = rendered();
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert!(!rules.is_empty());
        for rule in rules {
            let id = rule["id"].as_str().unwrap();
            let short = rule["shortDescription"]["text"].as_str().unwrap_or("");
            assert!(!short.trim().is_empty(), "{id}: no shortDescription");
            let uri = rule["helpUri"].as_str().unwrap_or("");
            assert!(
                uri.starts_with(&format!("{REPOSITORY}/blob/main/")),
                "{id}: helpUri {uri:?}"
            );
        }
        let uri_of = |id: &str| {
            rules.iter().find(|r| r["id"] == id).unwrap()["helpUri"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert!(
            uri_of(UNREAD_RULE)
                .ends_with("docs/README-formats.md#when-a-document-cannot-be-read-fully")
        );
        assert!(
            uri_of("hidden.docx.comments")
                .ends_with("docs/README-docx.md#findings-made-without-any-rule")
        );
        assert!(uri_of("personal.cn.mobile").ends_with("docs/README-rules.md#built-in-rules"));
        // A rule of the user's own pack.
        assert!(
            help_uri("term.acme.project")
                .unwrap()
                .ends_with("docs/README-rules.md#a-rule")
        );
        assert!(
            help_uri("personal.cn.resident-id")
                .unwrap()
                .ends_with("docs/README-rules.md#built-in-rules")
        );
        assert!(
            help_uri("redaction.pdf.text-under-box")
                .unwrap()
                .ends_with("docs/README-pdf.md#findings-the-pdf-reader-makes-itself")
        );
    }

    /// GitHub's anchor of a Markdown heading: lower case, punctuation but
    /// `-` and `_` dropped, spaces as `-`.
    fn github_anchor(heading: &str) -> String {
        heading
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect()
    }

    /// Every page a `helpUri` can name exists, with the heading its anchor
    /// names, so a renamed heading breaks this test and not the links.
    #[test]
    fn help_anchors_exist() {
        for rule in [
            UNREAD_RULE,
            "hidden.pdf.annotations",
            "redaction.pdf.text-under-box",
            "hidden.docx.revisions",
            "metadata.xlsx.author",
            "personal.cn.resident-id",
            "term.acme.project",
        ] {
            let (file, anchor) = help_page(rule);
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let anchors: Vec<String> = text
                .lines()
                .filter_map(|line| line.strip_prefix('#'))
                .map(|line| github_anchor(line.trim_start_matches('#')))
                .collect();
            assert!(
                anchors.iter().any(|a| a == anchor),
                "{rule}: {file} has no heading #{anchor} (has {anchors:?})"
            );
        }
        assert_eq!(
            github_anchor(" When a PDF is not `complete`"),
            "when-a-pdf-is-not-complete"
        );
    }

    #[test]
    fn unread_documents_are_warning_results_with_their_reasons() {
        let log = rendered();
        let results = log["runs"][0]["results"].as_array().unwrap();
        let unread: Vec<&Value> = results
            .iter()
            .filter(|r| r["ruleId"] == UNREAD_RULE)
            .collect();
        let review = fixture::review();
        let not_complete: Vec<&DocumentReview> = review
            .documents
            .iter()
            .filter(|d| d.extraction.status != ExtractionStatus::Complete)
            .collect();
        assert_eq!(unread.len(), not_complete.len());
        assert_eq!(unread.len(), 2);
        for (result, document) in unread.iter().zip(&not_complete) {
            assert_eq!(result["level"], "warning");
            let message = result["message"]["text"].as_str().unwrap();
            assert!(message.starts_with(&document.path), "{message}");
            for problem in &document.extraction.problems {
                assert!(
                    message.contains(&problem.message),
                    "{message} lacks {problem:?}"
                );
            }
            let (uri, _) = artifact_uri(&document.path);
            assert_eq!(
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                uri.as_str()
            );
            assert_eq!(
                result["partialFingerprints"][FINGERPRINT_KEY],
                format!("unread:{}", document.sha256)
            );
        }
        // A batch read in full has neither the results nor the rule.
        let mut review = fixture::review();
        review
            .documents
            .retain(|d| d.extraction.status == ExtractionStatus::Complete);
        let bytes = render(&review, &RenderOptions::default()).unwrap();
        let log: Value = serde_json::from_slice(&bytes).unwrap();
        let run = &log["runs"][0];
        assert!(
            run["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["ruleId"] != UNREAD_RULE)
        );
        assert!(
            run["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"] != UNREAD_RULE)
        );
    }

    /// A review whose first document is member `inner/通知.docx` of
    /// `bundle.zip`, and whose failed one is member of a nested archive.
    fn with_members() -> Review {
        let mut review = fixture::review();
        review.documents[0].path = "bundle.zip!/inner/通知.docx".into();
        let failed = review
            .documents
            .iter_mut()
            .find(|d| d.extraction.status == ExtractionStatus::Failed)
            .unwrap();
        failed.path = "old/a.zip!/b.zip!/扫描.pdf".into();
        review
    }

    #[test]
    fn archive_members_are_located_at_the_archive_and_named_in_the_message() {
        let bytes = render(&with_members(), &RenderOptions::default()).unwrap();
        let log: Value = serde_json::from_slice(&bytes).unwrap();
        let run = &log["runs"][0];
        let results = run["results"].as_array().unwrap();
        let in_bundle: Vec<&Value> = results
            .iter()
            .filter(|r| r["properties"]["member"] == "inner/通知.docx")
            .collect();
        assert!(!in_bundle.is_empty());
        for result in &in_bundle {
            let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(location["uri"], "bundle.zip");
            assert_eq!(location["uriBaseId"], ROOT_BASE_ID);
            let message = result["message"]["text"].as_str().unwrap();
            assert!(
                message.ends_with("（bundle.zip 中的成员 inner/通知.docx）"),
                "{message}"
            );
            // The location's index names an artifact at the same file.
            let index = location["index"].as_u64().unwrap() as usize;
            assert_eq!(run["artifacts"][index]["location"]["uri"], "bundle.zip");
        }
        let artifact = &run["artifacts"][0];
        assert_eq!(artifact["properties"]["member"], "inner/通知.docx");
        assert!(artifact["properties"]["memberSha256"].is_string());
        assert!(
            artifact.get("hashes").is_none(),
            "the archive's hash is not known"
        );
        // A nested member: the outermost file, the rest named.
        let unread = results
            .iter()
            .find(|r| r["ruleId"] == UNREAD_RULE && r["properties"]["member"] == "b.zip!/扫描.pdf")
            .expect("the nested member's unread result");
        assert_eq!(
            unread["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "old/a.zip"
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(notes.iter().any(|n| {
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "old/a.zip"
                && n["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("old/a.zip!/b.zip!/扫描.pdf")
        }));
        // In English too.
        let options = RenderOptions {
            lang: Lang::En,
            ..RenderOptions::default()
        };
        let bytes = render(&with_members(), &options).unwrap();
        let log: Value = serde_json::from_slice(&bytes).unwrap();
        let first = &log["runs"][0]["results"][0]["message"]["text"];
        assert!(
            first
                .as_str()
                .unwrap()
                .ends_with(" (member inner/通知.docx of bundle.zip)"),
            "{first}"
        );
    }

    #[test]
    fn the_automation_id_names_the_shard() {
        let mut review = fixture::review();
        let blank = RenderOptions::default();
        assert_eq!(automation_id(&review, &blank), "prepub/scan/");
        let options = review.options.insert(crate::review::RunOptions {
            show_match: false,
            explain: false,
            limits: crate::review::LimitsInfo::of(&crate::extract::limits::Limits::default()),
            passwords: 0,
            shard: None,
            inputs: None,
            ocr: None,
            config: None,
            since: None,
        });
        options.shard = Some(crate::review::ShardInfo {
            count: 3,
            indexes: vec![2],
            partition: None,
        });
        assert_eq!(automation_id(&review, &blank), "prepub/scan/shard-2-of-3/");
        let batch = RenderOptions {
            batch: Some("2024/03 第一批".into()),
            ..RenderOptions::default()
        };
        assert_eq!(
            automation_id(&review, &batch),
            "prepub/scan/2024-03 第一批/shard-2-of-3/"
        );
        if let Some(options) = review.options.as_mut() {
            options.shard = Some(crate::review::ShardInfo {
                count: 4,
                indexes: vec![1, 3],
                partition: None,
            });
        }
        assert_eq!(
            automation_id(&review, &blank),
            "prepub/scan/shard-1+3-of-4/"
        );
        let bytes = render(&review, &blank).unwrap();
        let log: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            log["runs"][0]["automationDetails"]["id"],
            "prepub/scan/shard-1+3-of-4/"
        );
    }

    #[test]
    fn results_carry_location_level_and_fingerprint() {
        let log = rendered();
        let results = log["runs"][0]["results"].as_array().unwrap();
        let header = &results[0];
        assert_eq!(header["level"], "error");
        assert_eq!(
            header["partialFingerprints"][FINGERPRINT_KEY],
            "f1a2b3c4d5e6f708"
        );
        let physical = &header["locations"][0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "drafts/%E5%85%B3%E4%BA%8E%E5%BC%80%E5%B1%952024%E5%B9%B4%E5%BA%A6%E5%AE%89%E5%85%A8%E6%A3%80%E6%9F%A5%E7%9A%84%E9%80%9A%E7%9F%A5.docx"
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], ROOT_BASE_ID);
        assert_eq!(physical["region"]["startLine"], 1);
        assert_eq!(physical["region"]["startColumn"], 1);
        assert_eq!(header["properties"]["part"], "header");
        assert_eq!(header["properties"]["page"], 1);
        // Metadata has no lines: no region rather than an invalid line 0.
        let metadata = &results[3];
        assert_eq!(metadata["level"], "note");
        assert!(
            metadata["locations"][0]["physicalLocation"]
                .get("region")
                .is_none()
        );
        let cell = results
            .iter()
            .find(|r| r["properties"]["cell"].is_string())
            .expect("the spreadsheet finding");
        assert_eq!(cell["properties"]["sheet"], "人员名单");
        assert_eq!(cell["properties"]["cell"], "B2");
        assert_eq!(results[1]["level"], "warning");
    }

    #[test]
    fn unread_documents_are_tool_execution_notifications() {
        let log = rendered();
        let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        let extraction: Vec<&Value> = notes
            .iter()
            .filter(|n| {
                n["descriptor"]["id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("extraction."))
            })
            .collect();
        assert_eq!(extraction.len(), 2);
        assert_eq!(extraction[0]["level"], "error");
        assert_eq!(extraction[0]["descriptor"]["id"], "extraction.failed");
        assert_eq!(
            extraction[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "drafts/%E6%89%AB%E6%8F%8F%E4%BB%B6%202.pdf"
        );
        assert_eq!(extraction[1]["level"], "warning");
    }

    #[test]
    fn a_waived_finding_is_an_accepted_external_suppression() {
        let log = rendered();
        let results = log["runs"][0]["results"].as_array().unwrap();
        let suppressed: Vec<&Value> = results
            .iter()
            .filter(|r| r["suppressions"].as_array().is_some_and(|s| !s.is_empty()))
            .collect();
        assert_eq!(suppressed.len(), 1);
        let waived = suppressed[0];
        assert_eq!(
            waived["partialFingerprints"][FINGERPRINT_KEY],
            "8d7c6b5a4f3e2d1c"
        );
        let suppression = &waived["suppressions"][0];
        assert_eq!(suppression["kind"], "external");
        assert_eq!(suppression["status"], "accepted");
        assert_eq!(
            suppression["justification"],
            "值班手机号已在政府网站公开 <b>可保留</b>"
        );
        assert_eq!(suppression["properties"]["reviewer"], "李四");
        assert_eq!(suppression["properties"]["expires"], "2024-12-31");
        // The level stays: a dashboard shows what was waived, dismissed.
        assert_eq!(waived["level"], "warning");
        // With a decisions file applied, "not suppressed" is said outright.
        assert!(results.iter().all(|r| r["suppressions"].is_array()));
        let pending = &results[0]["properties"]["decision"];
        assert_eq!(pending["decision"], "remove");
        assert_eq!(pending["by"], "张三");

        // Without one, nothing is claimed either way.
        let mut review = fixture::review();
        review.decisions = None;
        for finding in review.documents.iter_mut().flat_map(|d| &mut d.findings) {
            finding.decision = None;
            finding.waived = None;
        }
        let bytes = render(&review, &RenderOptions::default()).unwrap();
        let log: Value = serde_json::from_slice(&bytes).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(results.iter().all(|r| r.get("suppressions").is_none()));
    }

    #[test]
    fn stale_decisions_are_notifications_and_past_decisions_properties() {
        let log = rendered();
        let run = &log["runs"][0];
        let stale: Vec<&Value> = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["descriptor"]["id"] == "decision.stale")
            .collect();
        assert_eq!(stale.len(), 2);
        let descriptors = &run["tool"]["driver"]["notifications"];
        assert_eq!(descriptors[STALE_DESCRIPTOR]["id"], "decision.stale");
        assert!(
            stale
                .iter()
                .all(|n| n["descriptor"]["index"] == STALE_DESCRIPTOR)
        );
        let message = stale[1]["message"]["text"].as_str().unwrap();
        assert!(
            message.starts_with("notices/公告.txt: marking.cn.internal c0de5eed0badf00d “内部资料” — ☑ 保留；理由：引用的是已公开文件的标题"),
            "{message}"
        );
        assert_eq!(
            stale[1]["locations"][0]["physicalLocation"]["artifactLocation"]["index"],
            4
        );
        let artifacts = run["artifacts"].as_array().unwrap();
        assert_eq!(
            artifacts[0]["properties"]["resolvedDecisions"][0]["id"],
            "6e5d4c3b2a1f0e9d"
        );
        assert_eq!(
            artifacts[4]["properties"]["staleDecisions"][0]["decision"],
            "keep"
        );
        assert_eq!(run["properties"]["summary"]["waived"], 1);
        assert_eq!(run["properties"]["decisions"]["as_of"], "2024-03-01");
    }

    #[test]
    fn uris_are_rfc_3986_references() {
        assert_eq!(artifact_uri("a b/c.docx"), ("a%20b/c.docx".into(), true));
        assert_eq!(artifact_uri("./x/50%.txt"), ("x/50%25.txt".into(), true));
        assert_eq!(artifact_uri("a:b.txt"), ("a%3Ab.txt".into(), true));
        assert_eq!(artifact_uri("x#1?.pdf"), ("x%231%3F.pdf".into(), true));
        assert_eq!(
            artifact_uri("a.zip!/in.docx"),
            ("a.zip!/in.docx".into(), true)
        );
        assert_eq!(
            artifact_uri("/srv/公告.txt"),
            ("file:///srv/%E5%85%AC%E5%91%8A.txt".into(), false)
        );
        assert_eq!(
            artifact_uri("C:\\docs\\a b.txt"),
            ("file:///C:/docs/a%20b.txt".into(), false)
        );
        assert_eq!(
            artifact_uri("web/</table><script>.html").0,
            "web/%3C/table%3E%3Cscript%3E.html"
        );
    }

    #[test]
    fn semantic_versions_are_recognised() {
        assert!(is_semantic_version("0.1.0"));
        assert!(is_semantic_version("1.2.3-rc.1"));
        assert!(!is_semantic_version("1.2"));
        assert!(!is_semantic_version("dev"));
    }
}
