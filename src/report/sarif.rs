//! SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
//!
//! - one `reportingDescriptor` per rule that produced a finding, with help
//!   text, sorted by id;
//! - one `result` per finding: level `error` / `warning` / `note` for block
//!   / review / info, a `physicalLocation` whose URI is the document's path
//!   as a relative reference (percent-encoded per RFC 3986), a region with
//!   line and column where the part has lines, the part, page and cell in
//!   `properties`, and the finding id as a partial fingerprint so dashboards
//!   track a finding across runs the way prepub's decisions do;
//! - documents that could not be fully read become
//!   `invocations[0].toolExecutionNotifications`, which the dashboards show
//!   as tool warnings/errors — an unread document is never silently green;
//! - inputs that were not reviewed (hidden, filtered out, empty folders,
//!   reports prepub wrote) are `toolExecutionNotifications` too
//!   (`input.skipped`: a note, a warning when the user named the input),
//!   counted in `run.properties.skipped`;
//! - every document is listed in `artifacts` with its SHA-256;
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
use crate::review::{DocumentReview, Finding, Review, SkippedInput};
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
    let rules: BTreeMap<&str, (usize, &Finding)> = first
        .iter()
        .enumerate()
        .map(|(i, (id, finding))| (id.as_str(), (i, finding)))
        .collect();
    let descriptors: Vec<Value> = rules
        .values()
        .map(|(_, finding)| descriptor(lang, finding))
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
                "packs": review.rules.packs.iter().map(|pack| json!({
                    "name": pack.name,
                    "version": pack.version,
                    "sha256": pack.sha256,
                    "origin": pack.origin,
                })).collect::<Vec<_>>(),
            },
            "summary": review.summary,
        },
    });
    if let Some(info) = &review.decisions {
        run["properties"]["decisions"] = json!(info);
    }
    if let Some(batch) = present::field(&options.batch) {
        // The category GitHub uses to keep separate analyses apart.
        run["automationDetails"] = json!({ "id": format!("{batch}/") });
    }

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

/// The first finding of each rule, by rule id, so descriptors and rule
/// indexes do not depend on the order documents were read.
fn first_findings(documents: &dyn DocumentSource) -> Result<BTreeMap<String, Finding>, String> {
    let mut first: BTreeMap<String, Finding> = BTreeMap::new();
    documents.try_for_each(&mut |document| {
        for finding in &document.findings {
            if !first.contains_key(&finding.rule) {
                first.insert(finding.rule.clone(), finding.clone());
            }
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
    rules: &'a BTreeMap<&'a str, (usize, &'a Finding)>,
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
    json!({
        "id": finding.rule,
        "shortDescription": { "text": finding.message },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(finding.severity) },
        "properties": {
            "category": finding.category,
            "tags": ["confidentiality", finding.category.as_str()],
        },
    })
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

fn artifact_location(document: &DocumentReview, index: usize) -> Value {
    let mut location = Map::new();
    let (uri, relative) = artifact_uri(&document.path);
    location.insert("uri".into(), json!(uri));
    if relative {
        location.insert("uriBaseId".into(), json!(ROOT_BASE_ID));
    }
    location.insert("index".into(), json!(index));
    Value::Object(location)
}

fn artifact(document: &DocumentReview) -> Value {
    let mut location = Map::new();
    let (uri, relative) = artifact_uri(&document.path);
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
    json!({
        "location": location,
        "length": document.bytes,
        "hashes": { "sha-256": document.sha256 },
        "properties": properties,
    })
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
    json!({
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": format!("{}: {}", finding.message, finding.text) },
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
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");

        // And the check can fail: a result without a message is invalid.
        let mut broken = log.clone();
        broken["runs"][0]["results"][0]
            .as_object_mut()
            .expect("result")
            .remove("message");
        assert!(!validator.is_valid(&broken));
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
                "personal.cn.mobile"
            ]
        );
        let results = run["results"].as_array().unwrap();
        // Every finding, the waived one too.
        assert_eq!(results.len(), 8);
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index], result["ruleId"].as_str().unwrap());
            assert!(run["tool"]["driver"]["rules"][index]["help"]["text"].is_string());
        }
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
        let cell = &results[5];
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
