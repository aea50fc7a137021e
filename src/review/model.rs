//! The review model: one verdict per document (一事一审), one finding per
//! match. This is the JSON contract `prepub.review/1`; every report renderer
//! reads only these types, and `prepub report` reads them back from JSON.
//!
//! Fields may be added in later versions, never renamed.

use crate::extract::document::{Category, ExtractionStatus, Part, PictureRecord, Severity};
use crate::extract::limits::Limits;
use crate::extract::ocr::{Languages, OcrSettings};
pub use crate::review::particulars::Particulars;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "prepub.review/1";

/// The `schema` line of a decisions file (`prepub-decisions.yaml`).
pub const DECISIONS_SCHEMA: &str = "prepub.decisions/1";

/// The tool's name, as every report records it (and as
/// [`crate::review::signature`] recognises prepub's own files by).
pub const TOOL_NAME: &str = "prepub";

/// A whole batch review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub schema: String,
    pub tool: ToolInfo,
    /// When the scan started, RFC 3339 UTC.
    pub started_at: String,
    pub rules: RulesInfo,
    pub summary: Summary,
    /// The inputs that were not reviewed, and why: hidden files and
    /// version-control folders, files a filter left out, empty folders,
    /// prepub's own reports and decisions file. Nothing leaves a batch in
    /// silence. Sorted by path; absent when nothing was skipped (and in
    /// reviews written before it was recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedInput>,
    pub documents: Vec<DocumentReview>,
    /// The options that change what a scan finds, so `prepub verify` can
    /// rerun it exactly. Absent in reviews written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<RunOptions>,
    /// The decisions file applied, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decisions: Option<DecisionsInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            name: TOOL_NAME.into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// An input the batch did not review, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SkippedInput {
    /// As documents' paths are shown: `/`-separated, as given.
    pub path: String,
    pub reason: SkipReason,
    /// The reason in words, with what to do to have it reviewed.
    pub message: String,
    /// The user named this path (on the command line or in
    /// `--files-from`): skipping it keeps the run from exiting 0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub named: bool,
}

impl SkippedInput {
    /// A skipped input; `message` says why, and a named one says as well
    /// that the scan will not exit 0 for it.
    pub fn new(path: String, reason: SkipReason, message: String, named: bool) -> SkippedInput {
        let message = if named {
            format!("{message}; it was named as an input, so the scan does not exit 0")
        } else {
            message
        };
        SkippedInput {
            path,
            reason,
            message,
            named,
        }
    }
}

/// Why an input was not reviewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A file or folder whose name starts with `.` (see `--hidden`).
    Hidden,
    /// A version-control folder (`.git`, `.svn`, `.hg`, …).
    VersionControl,
    /// Matched an `--exclude` glob.
    ExcludedByFilter,
    /// Matched none of the `--include` globs.
    NotIncludedByFilter,
    /// A folder with nothing in it.
    EmptyFolder,
    /// A report prepub wrote (JSON, SARIF, JUnit, HTML, Markdown, CSV,
    /// DOCX or text), recognised by its content.
    PrepubReport,
    /// A prepub decisions file, recognised by its content.
    PrepubDecisions,
}

impl SkipReason {
    /// The identifier the JSON review uses.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Hidden => "hidden",
            SkipReason::VersionControl => "version_control",
            SkipReason::ExcludedByFilter => "excluded_by_filter",
            SkipReason::NotIncludedByFilter => "not_included_by_filter",
            SkipReason::EmptyFolder => "empty_folder",
            SkipReason::PrepubReport => "prepub_report",
            SkipReason::PrepubDecisions => "prepub_decisions",
        }
    }
}

/// Which rules produced this review, so an auditor can tell whether a rerun
/// used the same ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesInfo {
    /// `sha256:<hex>` over the packs' digests in load order.
    pub digest: String,
    pub packs: Vec<PackInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    /// SHA-256 of the pack's YAML source (and its term files).
    pub sha256: String,
    /// Where the pack was read from: a path, or `builtin:<file>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The pack's full YAML text, embedded so an auditor can rerun the
    /// review with nothing but the review file (`prepub verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The text of every `terms_file:` the pack uses, by the name written in
    /// the pack.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub terms_files: BTreeMap<String, String>,
}

/// Options that change what a scan finds or shows. Worker count and
/// progress do not, so they are not recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOptions {
    /// `--show-match`: personal data shown unmasked.
    pub show_match: bool,
    /// `--explain`: the checks made are recorded on each finding.
    pub explain: bool,
    pub limits: LimitsInfo,
    /// How many `--password` values were tried (never the passwords).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub passwords: usize,
    /// `--shard K/N`: which part of the inputs this review covers; absent
    /// for a whole batch (and for a merge of every shard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// What the batch was asked to review, so `prepub verify` can walk the
    /// same inputs again: a document they hold that the review lacks is a
    /// difference. Absent in reviews written before it was recorded (verify
    /// then says it cannot check that no document was left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<InputsInfo>,
    /// How pictures were read (absent in reviews made before prepub read
    /// pictures: a rerun then uses the defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrInfo>,
    /// The project configuration file the scan read (`prepub.toml`), so an
    /// auditor can tell which settings were in force and rerun with them.
    /// Absent when none was read (and in older reviews).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigInfo>,
    /// `--since previous.json`: what this run took over from an earlier
    /// review (absent for a full scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<SinceInfo>,
}

/// What a `--since` run took over from an earlier review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinceInfo {
    /// The earlier review's file, as given.
    pub review: String,
    /// When the earlier review was made.
    pub started_at: String,
    /// Documents whose review was taken over (unchanged path and SHA-256).
    pub reused: usize,
    /// Files the earlier review had that this run did not find.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Why nothing was taken over, when the earlier review was made by
    /// another version, with other packs or options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_reused: Option<String>,
}

/// A project configuration file a scan read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigInfo {
    /// As found: relative to where prepub ran when inside it, else absolute.
    pub file: String,
    /// `sha256:<hex>` of the file's bytes.
    pub sha256: String,
}

/// The inputs of a batch, as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputsInfo {
    /// The paths named, in order, relative to where prepub ran. Written so
    /// the very same path can be found again: a `\` and bytes that are not
    /// UTF-8 as `\xNN`.
    pub paths: Vec<String>,
    /// `--files-from`: the list of paths read (`-` = standard input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_from: Option<String>,
    /// `--include` globs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// `--exclude` globs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// `--follow`: symbolic links met in folders were followed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow: bool,
    /// `--hidden`: hidden files and folders met in folders were read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

/// `--no-ocr`, `--ocr-lang` and `--ocr-max-pages`, as a review records them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrInfo {
    /// False with `--no-ocr`.
    pub enabled: bool,
    /// Tesseract languages, `+`-joined; empty when OCR was off.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub languages: String,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub max_pages: u32,
}

fn is_zero_u32(value: &u32) -> bool {
    *value == 0
}

impl OcrInfo {
    pub fn of(settings: &OcrSettings) -> OcrInfo {
        match settings {
            OcrSettings::Off => OcrInfo {
                enabled: false,
                languages: String::new(),
                max_pages: 0,
            },
            OcrSettings::On {
                languages,
                max_pages,
            } => OcrInfo {
                enabled: true,
                languages: languages.as_str().to_owned(),
                max_pages: *max_pages,
            },
        }
    }

    /// The settings to rerun with; a language list that no longer parses
    /// gives the defaults.
    pub fn settings(&self) -> OcrSettings {
        if !self.enabled {
            return OcrSettings::Off;
        }
        match Languages::parse(&self.languages) {
            Ok(languages) => OcrSettings::On {
                languages,
                max_pages: self.max_pages,
            },
            Err(_) => OcrSettings::default(),
        }
    }
}

/// The resource limits, in the units of their command-line flags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsInfo {
    pub max_file_bytes: u64,
    pub max_part_bytes: u64,
    pub max_document_bytes: u64,
    pub max_zip_ratio: u64,
    pub max_zip_entries: usize,
    pub max_pdf_objects: usize,
    pub max_depth: usize,
    /// `--max-image-pixels`, in megapixels (absent in reviews made before
    /// pictures were read: the default then).
    #[serde(default = "default_image_megapixels")]
    pub max_image_megapixels: u64,
    pub timeout_seconds: u64,
}

fn default_image_megapixels() -> u64 {
    Limits::default().max_image_pixels / 1_000_000
}

impl LimitsInfo {
    pub fn of(limits: &Limits) -> LimitsInfo {
        LimitsInfo {
            max_file_bytes: limits.max_file_bytes,
            max_part_bytes: limits.max_part_bytes,
            max_document_bytes: limits.max_document_bytes,
            max_zip_ratio: limits.max_zip_ratio,
            max_zip_entries: limits.max_zip_entries,
            max_pdf_objects: limits.max_pdf_objects,
            max_depth: limits.max_depth,
            max_image_megapixels: limits.max_image_pixels / 1_000_000,
            timeout_seconds: limits.time_budget.as_secs(),
        }
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_bytes,
            max_part_bytes: self.max_part_bytes,
            max_document_bytes: self.max_document_bytes,
            max_zip_ratio: self.max_zip_ratio,
            max_zip_entries: self.max_zip_entries,
            max_pdf_objects: self.max_pdf_objects,
            max_depth: self.max_depth,
            max_image_pixels: self.max_image_megapixels.saturating_mul(1_000_000),
            time_budget: std::time::Duration::from_secs(self.timeout_seconds.max(1)),
        }
    }
}

/// Which shards of a partitioned batch a review covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// N of `--shard K/N`.
    pub count: u32,
    /// The K values covered, 1-based and sorted (several after a partial
    /// `prepub merge`).
    pub indexes: Vec<u32>,
    /// The partition the shard ran, so `prepub merge` can prove a set of
    /// shards whole (absent in shards of prepub before it was recorded:
    /// merge refuses them). See `crate::batch::shard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<PartitionInfo>,
}

/// How a batch was partitioned, and what the shards saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionInfo {
    /// `--shard-by`: what a path's shard is computed from.
    pub key: ShardKey,
    /// Every path the shard's walk partitioned (in every shard): the same
    /// for every shard of one batch.
    pub inputs: ListDigest,
    /// The paths of each shard covered, one entry per index.
    pub parts: Vec<PartDigest>,
}

/// `--shard-by`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShardKey {
    /// The path relative to the input it was met under.
    #[default]
    Path,
    /// SHA-256 of the file's bytes.
    Content,
}

impl ShardKey {
    pub fn as_str(self) -> &'static str {
        match self {
            ShardKey::Path => "path",
            ShardKey::Content => "content",
        }
    }
}

/// A count of paths and their order-free digest (`sum256:<hex>`, the sum
/// modulo 2^256 of each path's SHA-256 entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDigest {
    pub items: u64,
    pub digest: String,
}

/// The paths of one shard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartDigest {
    /// K, 1-based.
    pub index: u32,
    #[serde(flatten)]
    pub list: ListDigest,
}

/// The decisions file a review applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionsInfo {
    /// The file as given (or the default name).
    pub file: String,
    /// `sha256:<hex>` of the file's bytes.
    pub digest: String,
    /// The day expiry dates were judged against (`YYYY-MM-DD`).
    pub as_of: String,
}

fn is_zero(value: &usize) -> bool {
    *value == 0
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub documents: usize,
    pub pass: usize,
    pub review: usize,
    pub block: usize,
    /// Open findings: every finding not waived by a `keep` decision.
    pub findings: usize,
    /// Findings waived by a `keep` decision.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waived: usize,
    /// `remove`/`revise` decisions whose text is gone.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub resolved: usize,
    /// `keep` decisions whose finding no longer appears.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stale_decisions: usize,
}

impl Summary {
    pub fn of(documents: &[DocumentReview]) -> Summary {
        let mut summary = Summary::default();
        for document in documents {
            summary.add(document);
        }
        summary
    }

    /// Counts one more document, so a batch can be summed as it goes.
    pub fn add(&mut self, document: &DocumentReview) {
        self.documents += 1;
        match document.verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Review => self.review += 1,
            Verdict::Block => self.block += 1,
        }
        for finding in &document.findings {
            if finding.waived.is_some() {
                self.waived += 1;
            } else {
                self.findings += 1;
            }
        }
        self.resolved += document.resolved.len();
        self.stale_decisions += document.stale_decisions.len();
    }
}

/// The tool's verdict on one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Review,
    Block,
}

/// Whether two names are the same person as far as a name can tell:
/// equal after trimming, folding case and collapsing inner white space, so
/// `张三` and ` 张三 ` cannot approve each other's waivers.
pub fn same_person(a: &str, b: &str) -> bool {
    let key = |name: &str| {
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    key(a) == key(b)
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

/// The file on disk a document path names, and the member inside it:
/// `a.zip!/b/c.docx` is member `b/c.docx` of `a.zip` (a nested member keeps
/// its inner `!/`: `a.zip!/b.zip!/c.txt` is member `b.zip!/c.txt`).
/// Reports that point at files (SARIF, `verify`) use the file; the member
/// is named in words.
pub fn split_member(path: &str) -> (&str, Option<&str>) {
    match path.split_once("!/") {
        Some((file, member)) => (file, Some(member)),
        None => (path, None),
    }
}

/// The input file a document path came from: `mail.eml!/附件.docx` came
/// from `mail.eml`, `a.zip!/b.zip!/c.txt` from `a.zip`; a file's own
/// document from itself.
pub fn input_of(path: &str) -> &str {
    path.split_once("!/").map_or(path, |(top, _)| top)
}

/// The review of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentReview {
    /// As given on the command line, `/`-separated; archive members as
    /// `archive.zip!/inner.docx`.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub format: String,
    /// Pages (slides, sheets) where the format has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    pub verdict: Verdict,
    /// Findings waived by a `keep` decision, so no verdict reads as a bare
    /// `pass` when something was waived (`pass (3 waived)`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waived: usize,
    pub reasons: Vec<String>,
    pub extraction: ExtractionReport,
    /// 文件标题, 文号 and 成文日期 as read from the document's 版头 and
    /// 落款, for the sign-off form's item fields (absent when none could be
    /// read; personal data in them masked as everywhere).
    #[serde(default, skip_serializing_if = "Particulars::is_empty")]
    pub particulars: Particulars,
    pub findings: Vec<Finding>,
    /// `remove`/`revise` decisions whose finding no longer appears: the
    /// text was taken out or revised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<Decision>,
    /// `keep` decisions whose finding no longer appears (the document
    /// changed at that place); they waive nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale_decisions: Vec<Decision>,
    /// `--since`: this review was taken over, unchanged, from the earlier
    /// review made at this time (the file's path and SHA-256 were the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reused_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionReport {
    pub status: ExtractionStatus,
    /// Text encoding, for text formats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    pub problems: Vec<ProblemReport>,
    /// What OCR made of each picture the document holds: read (with its
    /// confidence), no text (and why), or not read (and why).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pictures: Vec<PictureRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    pub message: String,
}

/// One match of one rule (or one extractor notice) in one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable fingerprint: rule + normalised match + normalised context +
    /// part, plus an occurrence counter. Independent of line numbers, so it
    /// survives edits elsewhere in the document.
    pub id: String,
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// The message in each report language where the rule pack gives one
    /// (`message_zh`, `message_en`); `message` stays the pack's own words.
    /// Absent for packs and reviews without them.
    #[serde(default, skip_serializing_if = "Messages::is_empty")]
    pub messages: Messages,
    /// The matched text exactly as in the document (masked for personal
    /// data unless `--show-match`).
    pub text: String,
    pub context: String,
    pub location: Location,
    /// For text read by OCR: a small picture of the finding's line, so the
    /// clerk can check the recognition by eye.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crop: Option<Crop>,
    /// The checks that were made (`--explain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<String>,
    /// The reviewer's decision on this finding, from the decisions file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<AppliedDecision>,
    /// Present when a current `keep` decision waives this finding: it is
    /// shown but no longer counts toward the verdict or the exit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<Waiver>,
}

/// A small picture of the line a finding read by OCR is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crop {
    /// The picture: a grey PNG, base64.
    pub png: String,
    /// The line holds personal data and the picture was pixelated, as the
    /// text is masked (`--show-match` shows it as it is).
    pub obscured: bool,
}

/// A rule's message in the languages of the reports, as its pack gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Messages {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Messages {
    pub fn is_empty(&self) -> bool {
        self.zh.is_none() && self.en.is_none()
    }
}

/// Who waived a finding, when and why — and, for a blocking finding, the
/// second person who approved the waiver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub by: String,
    /// Who approved the `keep`: required, and distinct from `by`, for a
    /// block-level finding (two-person rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A decision as it applies to a finding that is still present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedDecision {
    pub decision: DecisionKind,
    pub by: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// A `keep` whose `expires` date has passed: it no longer waives.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
    /// Who approved a `keep`, as recorded in the decisions file (or given
    /// with `--approver`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// A `keep` of a block-level finding with no approver distinct from
    /// the reviewer: it does not waive (two-person rule).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unapproved: bool,
    /// The document's SHA-256 when the decision was made.
    pub sha256: String,
}

/// What a reviewer decided about a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionKind {
    /// Take the text out before publication.
    Remove,
    /// Reword it before publication.
    Revise,
    /// Publish as it is (a reason is required); the finding is waived.
    Keep,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Remove => "remove",
            DecisionKind::Revise => "revise",
            DecisionKind::Keep => "keep",
        }
    }
}

/// One entry of the decisions file (`prepub-decisions.yaml`), keyed by the
/// document path and the finding id. Also how resolved and stale decisions
/// appear in a review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The finding's stable id.
    pub id: String,
    /// The document's path as shown in the review.
    pub path: String,
    /// The document's SHA-256 when the decision was made.
    pub sha256: String,
    pub rule: String,
    /// The matched text, masked as in reports.
    pub text: String,
    pub decision: DecisionKind,
    /// Why; required for `keep`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub reviewer: String,
    /// A second person who approved a `keep`: a block-level finding is
    /// waived only when the approver is not the reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DD`: after this day a `keep` no longer waives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub part: Part,
    pub page: Option<u32>,
    pub line: u32,
    pub column: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// For text read by OCR: the box of the finding's line in its picture,
    /// `[x, y, width, height]` in the picture's pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[u32; 4]>,
}
