//! Reviewing one document: extract → normalise → match → verdict.
//!
//! Everything here is per document (一事一审) and independent of every other
//! document, so the batch can run documents in parallel in any order and
//! still produce the same review.

use crate::batch::cache::Cache;
use crate::batch::interrupt;
use crate::batch::watchdog::{self, Outcome, Watchdog};
use crate::extract::document::{Category, Extraction, ExtractionStatus, Part, Segment, Severity};
use crate::extract::limits::{Deadline, Limits};
use crate::extract::{self, Format, Request};
use crate::review::{DocumentReview, ExtractionReport, Finding, Location, ProblemReport, Verdict};
use crate::rules::normalize::{Normalized, normalize};
use crate::rules::{DocumentIndex, RawMatch, RuleSet, SegmentView};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Options that change what a scan finds or shows.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Show personal data unmasked.
    pub show_match: bool,
    /// Record the conditions checked for each finding.
    pub explain: bool,
    pub limits: Limits,
    pub passwords: Vec<String>,
    /// Holds the time budget when an extractor does not (shared by the
    /// whole batch, so the cap on abandoned readers is per batch).
    pub watchdog: Watchdog,
    /// Reuse extractions of identical bytes from earlier runs (`--cache`).
    pub cache: Option<Arc<Cache>>,
}

/// Characters of context either side of a match.
const CONTEXT_CHARS: usize = 24;

/// Reviews one file's bytes. Returns one review per document: one for an
/// ordinary file, one per member for a zip archive.
///
/// Copies the bytes once so the reader can run on its own thread; callers
/// that own the bytes use [`scan_shared`].
pub fn scan_bytes(
    path: &str,
    bytes: &[u8],
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    scan_shared(path, Arc::new(bytes.to_vec()), rules, options)
}

/// [`scan_bytes`] for bytes the caller already owns: no copy.
pub fn scan_shared(
    path: &str,
    bytes: Arc<Vec<u8>>,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    let format = detect_safely(&bytes, path);
    if format == Format::Zip {
        return scan_archive(path, &bytes, rules, options);
    }
    let identity = Identity::of(&bytes);
    let extraction = extract_safely(format, path, &bytes, options);
    drop(bytes);
    vec![review_extraction(
        path, identity, format, extraction, rules, options,
    )]
}

/// Reviews each member of a zip archive as its own document, named
/// `archive.zip!/inner.docx`. A member that cannot be read is a failed
/// document with the reason; an archive that cannot be opened at all is one
/// failed document.
fn scan_archive(
    path: &str,
    bytes: &Arc<Vec<u8>>,
    rules: &RuleSet,
    options: &ScanOptions,
) -> Vec<DocumentReview> {
    // Opening an archive inflates its members: under the same watchdog and
    // budget as reading a document.
    let shared = Arc::clone(bytes);
    let limits = options.limits.clone();
    let budget = limits.time_budget;
    let wait = budget.saturating_add(watchdog::grace(budget));
    let members = match options.watchdog.run(wait, &interrupt::requested, move || {
        extract::archive::members(&shared, &limits)
    }) {
        Outcome::Done(members) => members,
        Outcome::Panicked(message) => Err(format!(
            "internal error while opening the archive ({message})"
        )),
        Outcome::TimedOut => Err(format!(
            "time budget of {} exceeded (--timeout) while opening the archive",
            seconds(budget)
        )),
        Outcome::Interrupted => Err("interrupted (Ctrl-C) before the archive was read".into()),
        Outcome::NotStarted(message) => Err(message),
    };
    let members = match members {
        Ok(members) => members,
        Err(why) => {
            let extraction = Extraction::failed(format!("zip archive: {why}"));
            return vec![review_document(
                path,
                bytes,
                Format::Zip,
                extraction,
                rules,
                options,
            )];
        }
    };
    members
        .into_iter()
        .map(|member| {
            let name = format!("{path}!/{}", member.name);
            match member.content {
                Ok(content) => {
                    let content = Arc::new(content);
                    let format = detect_safely(&content, &member.name);
                    let extraction = if format == Format::Zip {
                        Extraction::failed(
                            "archive nested deeper than prepub opens: unpack it and rescan",
                        )
                    } else {
                        extract_safely(format, &name, &content, options)
                    };
                    review_document(&name, &content, format, extraction, rules, options)
                }
                Err(why) => {
                    let extraction = Extraction::failed(format!("archive member not read: {why}"));
                    review_document(&name, &[], Format::Unknown, extraction, rules, options)
                }
            }
        })
        .collect()
}

fn detect_safely(bytes: &[u8], path: &str) -> Format {
    catch_unwind(|| extract::detect(bytes, path)).unwrap_or(Format::Unknown)
}

/// Runs the extractor under the watchdog: a panic is contained to this
/// document, and a reader that overruns the time budget (plus a short grace
/// to return what it read) is abandoned and the document reported failed.
pub fn extract_safely(
    format: Format,
    path: &str,
    bytes: &Arc<Vec<u8>>,
    options: &ScanOptions,
) -> Extraction {
    let cached = options.cache.as_ref().map(|cache| {
        let key = Cache::key(bytes, format, &options.limits, &options.passwords);
        (cache, key)
    });
    if let Some((cache, key)) = &cached
        && let Some(extraction) = cache.get(key)
    {
        return extraction;
    }
    let budget = options.limits.time_budget;
    let name = path.to_owned();
    let shared = Arc::clone(bytes);
    let limits = options.limits.clone();
    let passwords = options.passwords.clone();
    let work = move || {
        #[cfg(debug_assertions)]
        test_hooks(&name);
        let request = Request {
            bytes: &shared,
            name: &name,
            limits: &limits,
            deadline: Deadline::after(limits.time_budget),
            passwords: &passwords,
        };
        extract::extract(format, &request)
    };
    let wait = budget.saturating_add(watchdog::grace(budget));
    match options.watchdog.run(wait, &interrupt::requested, work) {
        Outcome::Done(extraction) => {
            if let Some((cache, key)) = &cached {
                cache.put(key, path, &extraction);
            }
            extraction
        }
        Outcome::Panicked(message) => Extraction::failed(format!(
            "internal error while reading this {format} document ({message}); it was not reviewed — please report this file"
        )),
        Outcome::TimedOut => Extraction::failed(format!(
            "time budget of {} exceeded (--timeout): reading was abandoned and the document was not reviewed",
            seconds(budget)
        )),
        Outcome::Interrupted => {
            Extraction::failed("interrupted (Ctrl-C) before this document was read")
        }
        Outcome::NotStarted(message) => Extraction::failed(message),
    }
}

/// A duration as people write it in messages: `120 s`, `0.5 s`.
pub fn seconds(duration: std::time::Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// Test-only hooks of debug builds, driven by environment variables naming
/// part of a file name, so integration tests can prove containment:
/// `PREPUB_TEST_PANIC` panics inside extraction; `PREPUB_TEST_HANG` never
/// returns (ignoring the deadline, like a stuck parser would).
#[cfg(debug_assertions)]
fn test_hooks(path: &str) {
    let triggered = |variable: &str| {
        std::env::var(variable).is_ok_and(|trigger| !trigger.is_empty() && path.contains(&trigger))
    };
    if triggered("PREPUB_TEST_PANIC") {
        panic!("test panic for {path}");
    }
    if triggered("PREPUB_TEST_HANG") {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "panic".to_owned()
    }
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Turns an extraction into the document's review.
pub fn review_document(
    path: &str,
    bytes: &[u8],
    format: Format,
    extraction: Extraction,
    rules: &RuleSet,
    options: &ScanOptions,
) -> DocumentReview {
    let identity = Identity::of(bytes);
    review_extraction(path, identity, format, extraction, rules, options)
}

/// What a review records about the file's bytes, so the bytes themselves
/// can be dropped before matching (a large file then is not in memory twice,
/// as bytes and as text, while its text is matched).
#[derive(Clone, Debug)]
pub struct Identity {
    pub sha256: String,
    pub bytes: u64,
}

impl Identity {
    pub fn of(bytes: &[u8]) -> Identity {
        Identity {
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        }
    }
}

/// [`review_document`] given the file's identity rather than its bytes.
pub fn review_extraction(
    path: &str,
    identity: Identity,
    format: Format,
    mut extraction: Extraction,
    rules: &RuleSet,
    options: &ScanOptions,
) -> DocumentReview {
    if !extraction.segments.iter().any(|s| s.part == Part::Filename) {
        let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        extraction
            .segments
            .push(Segment::new(Part::Filename, file_name));
    }
    let findings = catch_unwind(AssertUnwindSafe(|| find_all(&extraction, rules, options)));
    let findings = match findings {
        Ok(findings) => findings,
        Err(payload) => {
            extraction
                .problems
                .push(crate::extract::document::Problem::failed(format!(
                    "internal error while matching rules ({}); the document was not reviewed",
                    panic_message(&payload)
                )));
            Vec::new()
        }
    };
    let status = extraction.status();
    let (verdict, reasons) = verdict_for(&findings, status, &extraction);
    DocumentReview {
        path: path.to_owned(),
        sha256: identity.sha256,
        bytes: identity.bytes,
        format: format.as_str().to_owned(),
        pages: extraction.pages,
        verdict,
        reasons,
        extraction: ExtractionReport {
            status,
            encoding: extraction.encoding.clone(),
            problems: extraction
                .problems
                .iter()
                .map(|problem| ProblemReport {
                    part: problem.part.clone(),
                    message: problem.message.clone(),
                })
                .collect(),
        },
        findings,
        resolved: Vec::new(),
        stale_decisions: Vec::new(),
    }
}

/// The verdict rule: block if any block finding; review if any review
/// finding or the document was not fully read; pass otherwise.
pub fn verdict_for(
    findings: &[Finding],
    status: ExtractionStatus,
    extraction: &Extraction,
) -> (Verdict, Vec<String>) {
    let problems: Vec<&str> = extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    verdict_from(findings, status, &problems)
}

/// Recomputes a document's verdict and reasons from its findings as they
/// stand now (after reviewer decisions were applied).
pub fn verdict_of(document: &DocumentReview) -> (Verdict, Vec<String>) {
    let problems: Vec<&str> = document
        .extraction
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    verdict_from(&document.findings, document.extraction.status, &problems)
}

/// The verdict rule of the contract: `block` if any unwaived block finding;
/// otherwise `review` if any unwaived review finding or the extraction is
/// not complete; otherwise `pass`. Waived findings (a current `keep`
/// decision) are named in the reasons but never count.
fn verdict_from(
    findings: &[Finding],
    status: ExtractionStatus,
    problems: &[&str],
) -> (Verdict, Vec<String>) {
    let mut reasons = Vec::new();
    let open = || findings.iter().filter(|f| f.waived.is_none());
    let count = |severity: Severity| open().filter(|f| f.severity == severity).count();
    let rules_of = |severity: Severity| {
        let mut ids: Vec<&str> = open()
            .filter(|f| f.severity == severity)
            .map(|f| f.rule.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.join(", ")
    };
    let blocks = count(Severity::Block);
    let reviews = count(Severity::Review);
    if blocks > 0 {
        reasons.push(format!(
            "{blocks} blocking finding(s): {}",
            rules_of(Severity::Block)
        ));
    }
    if reviews > 0 {
        reasons.push(format!(
            "{reviews} finding(s) to review: {}",
            rules_of(Severity::Review)
        ));
    }
    let pending = open()
        .filter(|f| {
            f.decision.as_ref().is_some_and(|d| {
                matches!(
                    d.decision,
                    crate::review::DecisionKind::Remove | crate::review::DecisionKind::Revise
                )
            })
        })
        .count();
    if pending > 0 {
        reasons.push(format!(
            "{pending} finding(s) decided remove/revise but still present"
        ));
    }
    let expired = open()
        .filter(|f| f.decision.as_ref().is_some_and(|d| d.expired))
        .count();
    if expired > 0 {
        reasons.push(format!(
            "{expired} keep decision(s) expired: the finding(s) count again"
        ));
    }
    let waived = findings.iter().filter(|f| f.waived.is_some()).count();
    if waived > 0 {
        reasons.push(format!(
            "{waived} finding(s) waived by a reviewer's keep decision"
        ));
    }
    match status {
        ExtractionStatus::Complete => {}
        ExtractionStatus::Partial | ExtractionStatus::Failed => {
            reasons.push(format!(
                "not fully read ({}): {} — needs manual review",
                status.as_str(),
                problems.join("; ")
            ));
        }
    }
    let verdict = if blocks > 0 {
        Verdict::Block
    } else if reviews > 0 || status != ExtractionStatus::Complete {
        Verdict::Review
    } else {
        let open_word = if waived > 0 { "open " } else { "" };
        reasons.push(format!(
            "no {open_word}findings above info; document fully read"
        ));
        Verdict::Pass
    };
    (verdict, reasons)
}

/// Where each line of a segment starts, so line numbers cost a binary
/// search instead of a rescan of the segment for every finding.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    fn start_of(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(0)
    }
}

/// A match located in the original text, before ids are assigned.
struct Located {
    /// The rule's index in the rule set; `None` for extractor notices.
    rule: Option<usize>,
    finding: Finding,
    fingerprint_base: [u8; 32],
    order: (Part, u32, u32, u32),
}

/// Runs the rules over every segment and turns matches and notices into
/// findings with stable ids, in part/position order.
pub fn find_all(extraction: &Extraction, rules: &RuleSet, options: &ScanOptions) -> Vec<Finding> {
    let normalized: Vec<Normalized> = extraction
        .segments
        .iter()
        .map(|s| normalize(&s.text))
        .collect();
    let index = DocumentIndex::new(normalized.iter().map(|n| n.text.as_str()).collect());
    let mut lines_before: HashMap<Part, u32> = HashMap::new();
    let mut body_nonempty_before = 0usize;
    let mut located = Vec::new();
    for (segment, normal) in extraction.segments.iter().zip(&normalized) {
        let part_lines = *lines_before.get(&segment.part).unwrap_or(&0);
        let view = SegmentView {
            part: segment.part,
            text: &normal.text,
            body_lines_before: body_nonempty_before,
            top_lines: Default::default(),
            document: &index,
        };
        let matches = rules.find(&view);
        let place = Place {
            segment,
            lines: LineIndex::new(&segment.text),
            normal,
            part_lines_before: part_lines,
            masked: MaskedSpans::new(
                matches
                    .iter()
                    .filter(|m| rules.rules()[m.rule].mask && !options.show_match)
                    .map(|m| normal.original_range(m.start, m.end))
                    .collect(),
            ),
        };
        for raw in dedupe(matches) {
            located.push(locate(&raw, &place, rules, options));
        }
        let segment_lines = segment.text.split('\n').count() as u32;
        *lines_before.entry(segment.part).or_insert(0) += segment_lines;
        if segment.part == Part::Body {
            body_nonempty_before += segment
                .text
                .split('\n')
                .filter(|l| !l.trim().is_empty())
                .count();
        }
    }
    for notice in &extraction.notices {
        let mut hasher = Sha256::new();
        for piece in [
            notice.rule.as_str(),
            notice.text.as_str(),
            notice.part.as_str(),
        ] {
            hasher.update(piece.as_bytes());
            hasher.update([0]);
        }
        located.push(Located {
            rule: None,
            fingerprint_base: hasher.finalize().into(),
            order: (notice.part, notice.page.unwrap_or(0), 0, 0),
            finding: Finding {
                id: String::new(),
                rule: notice.rule.clone(),
                category: notice.category,
                severity: notice.severity,
                message: notice.message.clone(),
                text: notice.text.clone(),
                context: notice.text.clone(),
                location: Location {
                    part: notice.part,
                    page: notice.page,
                    line: 1,
                    column: 1,
                    sheet: None,
                    cell: None,
                },
                explain: Vec::new(),
                decision: None,
                waived: None,
            },
        });
    }
    escalate(&mut located, rules, options);
    located.sort_by(|a, b| {
        a.order
            .cmp(&b.order)
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
            .then_with(|| a.finding.text.cmp(&b.finding.text))
    });
    let mut occurrences: HashMap<[u8; 32], u32> = HashMap::new();
    located
        .into_iter()
        .map(|mut item| {
            let occurrence = occurrences.entry(item.fingerprint_base).or_insert(0);
            *occurrence += 1;
            let mut hasher = Sha256::new();
            hasher.update(item.fingerprint_base);
            hasher.update(occurrence.to_le_bytes());
            item.finding.id = hex::encode(&hasher.finalize()[..10]);
            item.finding
        })
        .collect()
}

/// Applies the rules' `escalate` conditions: a finding is raised when the
/// document holds *another* finding of a named rule at review or above.
/// Severities are read before any escalation, so escalations never chain.
fn escalate(located: &mut [Located], rules: &RuleSet, options: &ScanOptions) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for item in located.iter() {
        if item.rule.is_some() && item.finding.severity >= Severity::Review {
            *counts.entry(item.finding.rule.as_str()).or_insert(0) += 1;
        }
    }
    let counts: HashMap<String, usize> = counts
        .into_iter()
        .map(|(rule, count)| (rule.to_owned(), count))
        .collect();
    for item in located.iter_mut() {
        let Some(rule) = item.rule.map(|index| &rules.rules()[index]) else {
            continue;
        };
        let own_counted = item.finding.severity >= Severity::Review;
        for escalation in &rule.escalations {
            if escalation.to <= item.finding.severity {
                continue;
            }
            let trigger = escalation.rules.iter().find(|target| {
                let count = counts.get(target.as_str()).copied().unwrap_or(0);
                let own = usize::from(own_counted && **target == rule.id);
                count > own
            });
            let Some(trigger) = trigger else {
                continue;
            };
            item.finding.severity = escalation.to;
            item.finding.message.push('（');
            item.finding.message.push_str(&escalation.reason);
            item.finding.message.push('）');
            if options.explain {
                item.finding.explain.push(format!(
                    "raised to {}: the document also has a {trigger} finding — {}",
                    escalation.to, escalation.reason
                ));
            }
        }
    }
}

/// Drops a match of a rule that overlaps an earlier match of the same rule.
/// Matches come sorted by start, so an overlap can only be with the kept
/// match of that rule that reaches furthest.
fn dedupe(matches: Vec<RawMatch>) -> Vec<RawMatch> {
    let mut reach: HashMap<usize, usize> = HashMap::new();
    let mut kept: Vec<RawMatch> = Vec::with_capacity(matches.len());
    for candidate in matches {
        let furthest = reach.entry(candidate.rule).or_insert(0);
        if candidate.start < *furthest {
            continue;
        }
        *furthest = candidate.end;
        kept.push(candidate);
    }
    kept
}

/// A segment with what is needed to locate matches in it.
struct Place<'a> {
    segment: &'a Segment,
    lines: LineIndex,
    normal: &'a Normalized,
    /// Lines of the same part in earlier segments.
    part_lines_before: u32,
    /// Original byte ranges of every match to mask in this segment.
    masked: MaskedSpans,
}

/// Original-text ranges to mask in contexts, sorted by start, so each
/// context looks only at the spans near it (a roster segment can hold
/// thousands).
struct MaskedSpans {
    spans: Vec<(usize, usize)>,
    longest: usize,
}

impl MaskedSpans {
    fn new(mut spans: Vec<(usize, usize)>) -> MaskedSpans {
        spans.sort_unstable();
        let longest = spans.iter().map(|(a, b)| b - a).max().unwrap_or(0);
        MaskedSpans { spans, longest }
    }

    /// The spans that overlap `from..to`.
    fn overlapping(&self, from: usize, to: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        // A span starting `longest` bytes or more before `from` ends by `from`.
        let low = self
            .spans
            .partition_point(|&(a, _)| a + self.longest <= from);
        let high = self.spans.partition_point(|&(a, _)| a < to);
        self.spans[low..high.max(low)]
            .iter()
            .copied()
            .filter(move |&(a, b)| a < to && b > from)
    }
}

fn locate(raw: &RawMatch, place: &Place<'_>, rules: &RuleSet, options: &ScanOptions) -> Located {
    let Place {
        segment,
        lines,
        normal,
        part_lines_before,
        masked,
    } = place;
    let rule = &rules.rules()[raw.rule];
    let original = &segment.text;
    let (start, end) = normal.original_range(raw.start, raw.end);
    let line_index = lines.line_of(start);
    let line_start = lines.start_of(line_index);
    let line_in_segment = line_index as u32;
    let line = part_lines_before + line_in_segment + 1;
    let column = original[line_start..start].chars().count() as u32 + 1;
    let matched = &original[start..end];
    let masking = rule.mask && !options.show_match;
    let text = if masking {
        mask(matched)
    } else {
        matched.to_owned()
    };
    let mut context = context_around(original, start, end, masked);
    if let Some(label) = &segment.label {
        context = format!("[{label}] {context}");
    }
    let normalized_match = &normal.text[raw.start..raw.end];
    let normalized_context = normalized_context(&normal.text, raw.start, raw.end);
    let mut hasher = Sha256::new();
    for piece in [
        rule.id.as_str(),
        normalized_match,
        normalized_context,
        segment.part.as_str(),
    ] {
        hasher.update(piece.as_bytes());
        hasher.update([0]);
    }
    let mut message = rule.message.clone();
    for reason in &raw.reasons {
        message.push('（');
        message.push_str(reason);
        message.push('）');
    }
    let page = segment.page;
    Located {
        rule: Some(raw.rule),
        fingerprint_base: hasher.finalize().into(),
        order: (segment.part, page.unwrap_or(0), line, column),
        finding: Finding {
            id: String::new(),
            rule: rule.id.clone(),
            category: rule.category,
            severity: raw.severity,
            message,
            text,
            context,
            location: Location {
                part: segment.part,
                page,
                line,
                column,
                sheet: segment.sheet.clone(),
                cell: segment.cell.clone(),
            },
            explain: if options.explain {
                raw.explain.clone()
            } else {
                Vec::new()
            },
            decision: None,
            waived: None,
        },
    }
}

/// The same line around the match, up to [`CONTEXT_CHARS`] either side,
/// with every personal-data match in it masked.
fn context_around(original: &str, start: usize, end: usize, masked: &MaskedSpans) -> String {
    let line_start = original[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = original[end..]
        .find('\n')
        .map_or(original.len(), |i| end + i);
    let from = original[line_start..start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(line_start, |(i, _)| line_start + i);
    let to = original[end..line_end]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(line_end, |(i, _)| end + i);
    let spans: Vec<(usize, usize)> = masked.overlapping(from, to).collect();
    let mut out = String::new();
    if from > line_start {
        out.push('…');
    }
    let mut cursor = from;
    for (a, b) in spans {
        let a = a.max(cursor);
        if a >= b.min(to) {
            continue;
        }
        out.push_str(&original[cursor..a]);
        out.push_str(&mask(&original[a..b.min(to)]));
        cursor = b.min(to);
    }
    out.push_str(&original[cursor..to]);
    if to < line_end {
        out.push('…');
    }
    out.replace('\t', " ")
}

fn normalized_context(text: &str, start: usize, end: usize) -> &str {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let from = text[line_start..start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(line_start, |(i, _)| line_start + i);
    let to = text[end..line_end]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(line_end, |(i, _)| end + i);
    &text[from..to]
}

/// Masks personal data, keeping a few leading and trailing characters so a
/// reviewer can find it: `11010519491231002X` → `1101**********002X`.
pub fn mask(text: &str) -> String {
    if let Some((local, domain)) = text.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!(
            "{first}{}@{domain}",
            "*".repeat(local.chars().count().saturating_sub(1).max(1))
        );
    }
    let characters: Vec<char> = text.chars().collect();
    let length = characters.len();
    let (keep_start, keep_end) = match length {
        0..=4 => (0, 0),
        5..=8 => (1, 2),
        9..=12 => (3, 4),
        _ => (4, 4),
    };
    characters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i >= length - keep_end || c.is_whitespace() || *c == '-' {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// Runs one text through the rules as the body of a one-line document; used
/// by `rules test` and the packs' own tests.
pub fn findings_in_text(text: &str, rules: &RuleSet) -> Vec<Finding> {
    let extraction = Extraction {
        segments: vec![Segment::new(Part::Body, text)],
        ..Extraction::default()
    };
    find_all(&extraction, rules, &ScanOptions::default())
}

/// The outcome of one rule example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleOutcome {
    pub rule: String,
    pub text: String,
    /// True for a `match` example, false for a `no_match` one.
    pub should_match: bool,
    /// The severity a `match` example must be found at, if it names one.
    pub required: Option<Severity>,
    /// The highest severity the rule found in the text.
    pub found: Option<Severity>,
}

impl ExampleOutcome {
    pub fn passed(&self) -> bool {
        match (self.should_match, self.found) {
            (false, found) => found.is_none(),
            (true, None) => false,
            (true, Some(found)) => self.required.is_none_or(|required| required == found),
        }
    }
}

/// Runs every rule's `examples` through the whole rule set, as one-line
/// documents: the way `rules test` and the packs' own tests check them.
pub fn run_examples(rules: &RuleSet) -> Vec<ExampleOutcome> {
    let mut outcomes = Vec::new();
    for rule in rules.rules() {
        let found_in = |text: &str| {
            findings_in_text(text, rules)
                .iter()
                .filter(|f| f.rule == rule.id)
                .map(|f| f.severity)
                .max()
        };
        for example in &rule.examples_match {
            outcomes.push(ExampleOutcome {
                rule: rule.id.clone(),
                text: example.text.clone(),
                should_match: true,
                required: example.severity,
                found: found_in(&example.text),
            });
        }
        for text in &rule.examples_no_match {
            outcomes.push(ExampleOutcome {
                rule: rule.id.clone(),
                text: text.clone(),
                should_match: false,
                required: None,
                found: found_in(text),
            });
        }
    }
    outcomes
}

/// Categories whose matches are masked by default.
pub fn is_masked_category(category: Category) -> bool {
    category == Category::Personal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> RuleSet {
        RuleSet::builtin().expect("built-in packs")
    }

    #[test]
    fn every_builtin_rule_has_both_kinds_of_example() {
        let rules = builtin();
        for rule in rules.rules() {
            assert!(
                !rule.examples_match.is_empty(),
                "{} has no match example",
                rule.id
            );
            assert!(
                !rule.examples_no_match.is_empty(),
                "{} has no no_match example",
                rule.id
            );
        }
    }

    #[test]
    fn masked_spans_overlapping_a_window() {
        let masked = MaskedSpans::new(vec![(40, 45), (0, 5), (10, 30), (12, 14)]);
        let found: Vec<_> = masked.overlapping(13, 20).collect();
        assert_eq!(found, [(10, 30), (12, 14)]);
        assert_eq!(masked.overlapping(5, 10).count(), 0);
        assert_eq!(masked.overlapping(44, 100).collect::<Vec<_>>(), [(40, 45)]);
    }

    #[test]
    fn overlapping_matches_of_one_rule_are_reported_once() {
        let raw = |rule, start, end| RawMatch {
            rule,
            start,
            end,
            severity: Severity::Info,
            reasons: Vec::new(),
            explain: Vec::new(),
        };
        let kept = dedupe(vec![
            raw(0, 0, 10),
            raw(1, 2, 4),
            raw(0, 5, 12),
            raw(0, 10, 12),
            raw(1, 3, 6),
        ]);
        let spans: Vec<_> = kept.iter().map(|m| (m.rule, m.start, m.end)).collect();
        assert_eq!(spans, [(0, 0, 10), (1, 2, 4), (0, 10, 12)]);
    }

    #[test]
    fn many_findings_in_one_segment_keep_their_lines() {
        let rules = builtin();
        let text = "联系电话：13900000000\n".repeat(2000);
        let findings = findings_in_text(&text, &rules);
        let mobiles: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "personal.cn.mobile")
            .collect();
        assert_eq!(mobiles.len(), 2000);
        assert_eq!(mobiles[1999].location.line, 2000);
        assert_eq!(mobiles[1999].location.column, 6);
        assert!(mobiles.iter().all(|f| !f.context.contains("13900000000")));
    }

    #[test]
    fn masks_keep_ends() {
        assert_eq!(mask("11010519491231002X"), "1101**********002X");
        assert_eq!(mask("13912345678"), "139****5678");
        assert_eq!(mask("zhangsan@qq.com"), "z*******@qq.com");
        assert_eq!(mask("6200 0000 0000 0005"), "6200 **** **** 0005");
    }

    #[test]
    fn every_builtin_example_behaves() {
        let rules = builtin();
        let failures: Vec<String> = run_examples(&rules)
            .into_iter()
            .filter(|outcome| !outcome.passed())
            .map(|outcome| format!("{outcome:?}"))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn finding_reports_original_text_line_and_column() {
        let rules = builtin();
        let findings = findings_in_text("标题\n附件：秘 密★１年", &rules);
        let finding = findings
            .iter()
            .find(|f| f.rule == "marking.cn.level-star")
            .expect("marking");
        assert_eq!(finding.text, "秘 密★１年");
        assert_eq!((finding.location.line, finding.location.column), (2, 4));
    }

    #[test]
    fn ids_survive_edits_elsewhere_and_change_with_the_match() {
        let rules = builtin();
        let id = |text: &str| {
            findings_in_text(text, &rules)
                .into_iter()
                .find(|f| f.rule == "personal.cn.resident-id")
                .map(|f| f.id)
        };
        let original = id("第一段。\n申请人身份证号11010519491231002X，住址略。");
        let edited_elsewhere =
            id("第一段已修改，增加了内容。\n新段落\n申请人身份证号11010519491231002X，住址略。");
        let edited_match = id("第一段。\n申请人身份证号440524188001010014，住址略。");
        assert!(original.is_some());
        assert_eq!(original, edited_elsewhere);
        assert_ne!(original, edited_match);
    }

    #[test]
    fn repeated_matches_get_distinct_ids() {
        let rules = builtin();
        let findings = findings_in_text("机密★1年\n机密★1年", &rules);
        let ids: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "marking.cn.level-star")
            .map(|f| &f.id)
            .collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn context_masks_every_personal_match() {
        let rules = builtin();
        let findings = findings_in_text("张三 11010519491231002X 13912345678", &rules);
        for finding in &findings {
            assert!(
                !finding.context.contains("11010519491231002X"),
                "{}",
                finding.context
            );
            assert!(
                !finding.context.contains("13912345678"),
                "{}",
                finding.context
            );
        }
    }

    #[test]
    fn mobile_not_found_inside_id() {
        let rules = builtin();
        let findings = findings_in_text("110101190001010014", &rules);
        assert!(findings.iter().all(|f| f.rule != "personal.cn.mobile"));
    }

    fn pack(yaml_rules: &str) -> RuleSet {
        let yaml = format!("name: t\nversion: '1'\nrules:\n{yaml_rules}");
        crate::rules::load_sources(&[crate::rules::PackSource {
            origin: "test.yaml".into(),
            yaml,
            base_dir: None,
            embedded_terms_files: Default::default(),
        }])
        .expect("test pack compiles")
    }

    fn severities(text: &str, rules: &RuleSet, rule: &str) -> Vec<Severity> {
        findings_in_text(text, rules)
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.severity)
            .collect()
    }

    const NUMBER_RULES: &str = "  - id: term.number
    severity: block
    message: m
    pattern: '[0-9]{6}'
    downgrade:
      - to: info
        when: near
        terms: [订单号]
        within: 4
        side: before
        reason: order number
      - to: review
        when: not_near
        terms: [账户]
        within: 0
        reason: no account words
    examples: {match: ['账户123456'], no_match: [x]}
";

    #[test]
    fn near_side_before_only_looks_before() {
        let rules = pack(NUMBER_RULES);
        assert_eq!(
            severities("订单号123456", &rules, "term.number"),
            [Severity::Info]
        );
        // The label after the number does not describe it.
        assert_eq!(
            severities("账户123456订单号", &rules, "term.number"),
            [Severity::Block]
        );
    }

    #[test]
    fn downgrade_when_context_is_missing() {
        let rules = pack(NUMBER_RULES);
        assert_eq!(
            severities("编号123456", &rules, "term.number"),
            [Severity::Review]
        );
        // within: 0 looks at the whole document, other segments included.
        let extraction = Extraction {
            segments: vec![
                Segment::new(Part::Body, "编号123456"),
                Segment::new(Part::Footer, "开户账户见附件"),
            ],
            ..Extraction::default()
        };
        let found = find_all(&extraction, &rules, &ScanOptions::default());
        assert_eq!(found[0].severity, Severity::Block);
    }

    const ROSTER_RULES: &str = "  - id: personal.header
    severity: review
    message: roster
    terms: [姓名]
    escalate:
      - to: block
        when_document_has: [personal.id]
        reason: with an ID
    examples: {match: ['姓名'], no_match: [x]}
  - id: personal.id
    severity: review
    message: id
    pattern: 'ID[0-9]+'
    downgrade:
      - to: info
        when: quoted
        reason: quoted
    examples: {match: ['ID1'], no_match: [x]}
  - id: marking.portion
    severity: review
    message: portion
    terms: ['(S)']
    escalate:
      - to: block
        when_document_has: [marking.portion]
        reason: more than one
    examples: {match: ['(S)'], no_match: [x]}
";

    #[test]
    fn escalation_needs_another_finding_in_the_document() {
        let rules = pack(ROSTER_RULES);
        assert_eq!(
            severities("姓名", &rules, "personal.header"),
            [Severity::Review]
        );
        let extraction = Extraction {
            segments: vec![
                Segment::new(Part::Body, "姓名\t证件"),
                Segment::new(Part::Body, "张三\tID42"),
            ],
            ..Extraction::default()
        };
        let options = ScanOptions {
            explain: true,
            ..ScanOptions::default()
        };
        let found = find_all(&extraction, &rules, &options);
        let header = found.iter().find(|f| f.rule == "personal.header").unwrap();
        assert_eq!(header.severity, Severity::Block);
        assert!(header.message.contains("with an ID"), "{}", header.message);
        assert!(
            header.explain.iter().any(|e| e.contains("personal.id")),
            "{:?}",
            header.explain
        );
        // A trigger finding downgraded to info does not escalate.
        assert_eq!(
            severities("姓名 “ID42”", &rules, "personal.header"),
            [Severity::Review]
        );
    }

    #[test]
    fn escalation_on_own_rule_needs_a_second_occurrence() {
        let rules = pack(ROSTER_RULES);
        assert_eq!(
            severities("(S) one", &rules, "marking.portion"),
            [Severity::Review]
        );
        assert_eq!(
            severities("(S) one\n(S) two", &rules, "marking.portion"),
            [Severity::Block, Severity::Block]
        );
    }

    #[test]
    fn severity_examples_are_checked() {
        let rules = pack(
            "  - id: term.x
    severity: block
    message: m
    terms: [机密]
    downgrade:
      - to: info
        when: quoted
        reason: q
    examples:
      match: [机密]
      info: ['“机密”']
      block: ['“机密”']
      no_match: [秘密]
",
        );
        let outcomes = run_examples(&rules);
        let passed: Vec<bool> = outcomes.iter().map(ExampleOutcome::passed).collect();
        // Order: match, block, review, info, no_match.
        assert_eq!(passed, [true, false, true, true]);
        assert_eq!(outcomes[1].required, Some(Severity::Block));
        assert_eq!(outcomes[1].found, Some(Severity::Info));
    }

    #[test]
    fn unread_documents_never_pass() {
        let extraction = Extraction::failed("encrypted");
        let (verdict, reasons) = verdict_for(&[], extraction.status(), &extraction);
        assert_eq!(verdict, Verdict::Review);
        assert!(reasons[0].contains("encrypted"));
    }
}
