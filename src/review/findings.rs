//! Findings: the rules' matches located in the original text, with
//! context (personal data masked), escalations and stable ids.

use crate::extract::document::{Extraction, Part, Segment, Severity};
use crate::review::mask::{MaskedSpans, TextMask, mask, mask_within};
use crate::review::parallel::map_in_order;
use crate::review::{Crop, Finding, Location, Messages, ProblemReport, ReviewOptions};
use crate::rules::apply::{escalate, nonempty_lines, segment_matches};
use crate::rules::normalize::{Normalized, normalize};
use crate::rules::window::{Window, Windowing};
use crate::rules::{DocumentIndex, RawMatch, RuleSet, SegmentView};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Characters of context either side of a match.
const CONTEXT_CHARS: usize = 24;

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
    /// The rule's match, until the document's escalations are applied and
    /// its severity and message settled ([`Located::settle`]); `None` for an
    /// extractor's notice, which is settled from the start.
    raw: Option<RawMatch>,
    finding: Finding,
    fingerprint_base: [u8; 32],
    order: (Part, u32, u32, u32),
    /// The normalised matched text, for contact details that are one and
    /// the same across the document ([`same_contact_same_verdict`]).
    matched: String,
}

/// Contact-detail rules whose context can say the detail is an office's,
/// not a person's (政务公开信箱, 采购代理机构 …).
const CONTACT_RULES: &[&str] = &[
    "personal.email",
    "personal.cn.mobile",
    "personal.cn.landline",
];

/// A mailbox or number the document names as an office's in one place is
/// that office's wherever else it is printed (发送至邮箱：… in the
/// instructions, the same address in a table): every finding of it takes
/// the lowest severity its context gave anywhere, with that reason.
fn same_contact_same_verdict(located: &mut [Located]) {
    let mut lowest: HashMap<(String, String), (Severity, String, Messages)> = HashMap::new();
    for item in located.iter() {
        if !CONTACT_RULES.contains(&item.finding.rule.as_str()) {
            continue;
        }
        let key = (item.finding.rule.clone(), item.matched.clone());
        let entry = lowest.entry(key).or_insert_with(|| {
            (
                item.finding.severity,
                item.finding.message.clone(),
                item.finding.messages.clone(),
            )
        });
        if item.finding.severity < entry.0 {
            *entry = (
                item.finding.severity,
                item.finding.message.clone(),
                item.finding.messages.clone(),
            );
        }
    }
    for item in located.iter_mut() {
        let key = (item.finding.rule.clone(), item.matched.clone());
        if let Some((severity, message, messages)) = lowest.get(&key)
            && *severity < item.finding.severity
        {
            item.finding.severity = *severity;
            item.finding.message = message.clone();
            item.finding.messages = messages.clone();
        }
    }
}

impl Located {
    /// Takes the severity, message and explanation from the match, now
    /// that the document's escalations are applied to it. A lexicon
    /// entry's or a downgrade's reason is the pack's own words, added to
    /// the message in every language.
    fn settle(&mut self, rules: &RuleSet, options: &ReviewOptions) {
        let Some(raw) = self.raw.take() else {
            return;
        };
        let rule = &rules.rules()[raw.rule];
        let with_reasons = |message: &str| {
            let mut message = message.to_owned();
            for reason in &raw.reasons {
                message.push('（');
                message.push_str(reason);
                message.push('）');
            }
            message
        };
        self.finding.severity = raw.severity;
        self.finding.message = with_reasons(&rule.message);
        self.finding.messages = Messages {
            zh: rule.messages.zh.as_deref().map(with_reasons),
            en: rule.messages.en.as_deref().map(with_reasons),
        };
        if options.explain {
            self.finding.explain = raw.explain;
        }
    }
}

/// Runs the rules over every segment and turns matches and notices into
/// findings with stable ids, in part/position order.
pub fn find_all(extraction: &Extraction, rules: &RuleSet, options: &ReviewOptions) -> Vec<Finding> {
    review_texts(extraction, rules, options).findings
}

/// Everything of one document a report shows that came from the document
/// itself, with personal data masked (unless `--show-match`).
pub(crate) struct Reviewed {
    pub findings: Vec<Finding>,
    /// The extraction's problems, their messages masked.
    pub problems: Vec<ProblemReport>,
}

/// [`find_all`], and the extraction's problems masked the same way.
pub(crate) fn review_texts(
    extraction: &Extraction,
    rules: &RuleSet,
    options: &ReviewOptions,
) -> Reviewed {
    review_texts_in(extraction, rules, options, Windowing::DEFAULT)
}

/// [`review_texts`] with large segments cut into windows as `windowing`
/// says (tests cut small texts to check windows change nothing).
fn review_texts_in(
    extraction: &Extraction,
    rules: &RuleSet,
    options: &ReviewOptions,
    windowing: Windowing,
) -> Reviewed {
    let overlap = windowing.overlap_for(rules.widest_condition());
    let windowed = extraction
        .segments
        .iter()
        .any(|s| windowing.is_large(&s.text));
    // A document of ordinary size is normalised once, whole, and its index
    // reads those texts; a large one is normalised window by window, and
    // its index is found in a pass of its own.
    let held: Vec<Normalized> = if windowed {
        Vec::new()
    } else {
        extraction
            .segments
            .iter()
            .map(|s| normalize(&s.text))
            .collect()
    };
    let index = if windowed {
        DocumentIndex::deferred(&extraction.segments, rules, windowing, overlap)
    } else {
        DocumentIndex::new(held.iter().map(|n| n.text.as_str()).collect())
    };
    let text_mask = TextMask::new(rules, &index, options.show_match);
    // Labels and sheet names repeat on every row or comment of a sheet or
    // an author: each distinct one is masked once, and only for segments
    // with a finding to show it in.
    let names: Mutex<HashMap<(String, Part), String>> = Mutex::new(HashMap::new());
    let mask_name = |name: &str, part: Part| -> String {
        let key = (name.to_owned(), part);
        if let Some(masked) = names.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return masked.clone();
        }
        let masked = text_mask.apply(name, part);
        names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, masked.clone());
        masked
    };
    let mut lines_before: HashMap<Part, u32> = HashMap::new();
    let mut body_nonempty_before = 0usize;
    let mut located = Vec::new();
    for (number, segment) in extraction.segments.iter().enumerate() {
        let place = SegmentPlace {
            segment,
            held: held.get(number),
            body_lines_before: body_nonempty_before,
            part_lines_before: *lines_before.get(&segment.part).unwrap_or(&0),
            rules,
            options,
            index: &index,
            mask_name: &mask_name,
        };
        let windows = windowing.windows(&segment.text, overlap);
        let per_window = map_in_order(&windows, options.threads, |window| {
            place.window_findings(window)
        });
        // How far each rule's matches reported by earlier windows reach, in
        // the segment's text: a window's match overlapping one of them is
        // dropped, as one segment's overlapping matches of a rule are
        // (within a window they already were, in normalised offsets).
        let mut reach: HashMap<usize, usize> = HashMap::new();
        for found in per_window {
            let mut reached: HashMap<usize, usize> = HashMap::new();
            for WindowFinding {
                rule,
                start,
                end,
                located: item,
            } in found
            {
                if start < reach.get(&rule).copied().unwrap_or(0) {
                    continue;
                }
                let furthest = reached.entry(rule).or_insert(0);
                *furthest = (*furthest).max(end);
                located.push(item);
            }
            for (rule, end) in reached {
                let furthest = reach.entry(rule).or_insert(0);
                *furthest = (*furthest).max(end);
            }
        }
        if segment.part == Part::Body {
            body_nonempty_before += nonempty_lines(&segment.text);
        }
        let segment_lines = segment.text.split('\n').count() as u32;
        *lines_before.entry(segment.part).or_insert(0) += segment_lines;
    }
    let mut raws: Vec<&mut RawMatch> = located
        .iter_mut()
        .filter_map(|item| item.raw.as_mut())
        .collect();
    escalate(&mut raws, rules);
    for item in &mut located {
        item.settle(rules, options);
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
        let text = text_mask.apply(&notice.text, notice.part);
        located.push(Located {
            raw: None,
            fingerprint_base: hasher.finalize().into(),
            order: (notice.part, notice.page.unwrap_or(0), 0, 0),
            matched: String::new(),
            finding: Finding {
                id: String::new(),
                rule: notice.rule.clone(),
                category: notice.category,
                severity: notice.severity,
                message: text_mask.apply(&notice.message, notice.part),
                messages: Messages::default(),
                context: text.clone(),
                text,
                location: Location {
                    part: notice.part,
                    page: notice.page,
                    line: 1,
                    column: 1,
                    sheet: None,
                    cell: None,
                    bbox: None,
                },
                crop: None,
                explain: Vec::new(),
                decision: None,
                waived: None,
            },
        });
    }
    same_contact_same_verdict(&mut located);
    located.sort_by(|a, b| {
        a.order
            .cmp(&b.order)
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
            .then_with(|| a.finding.text.cmp(&b.finding.text))
    });
    let mut occurrences: HashMap<[u8; 32], u32> = HashMap::new();
    let findings = located
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
        .collect();
    Reviewed {
        findings,
        problems: mask_problems(extraction, &text_mask),
    }
}

/// The extraction's problems as reported, each message masked as text of
/// the part it names (the body when it names none).
pub(crate) fn mask_problems(
    extraction: &Extraction,
    text_mask: &TextMask<'_>,
) -> Vec<ProblemReport> {
    extraction
        .problems
        .iter()
        .map(|problem| {
            let part = problem
                .part
                .as_deref()
                .and_then(Part::parse)
                .unwrap_or(Part::Body);
            ProblemReport {
                part: problem.part.clone(),
                message: text_mask.apply(&problem.message, part),
            }
        })
        .collect()
}

/// One segment of a document with what matching any of its windows needs;
/// shared by the threads matching a large segment's windows.
struct SegmentPlace<'a> {
    segment: &'a Segment,
    /// The segment normalised whole, for a document held whole; `None`
    /// when its windows are normalised one by one.
    held: Option<&'a Normalized>,
    /// Non-empty body lines in earlier segments.
    body_lines_before: usize,
    /// Lines of the same part in earlier segments.
    part_lines_before: u32,
    rules: &'a RuleSet,
    options: &'a ReviewOptions,
    index: &'a DocumentIndex<'a>,
    /// A label or sheet name, masked.
    mask_name: &'a (dyn Fn(&str, Part) -> String + Sync),
}

/// A window's accepted match, located, with its rule and its range in the
/// segment's text: matches of a rule that overlap one reported by an
/// earlier window are dropped once all windows are matched.
struct WindowFinding {
    rule: usize,
    start: usize,
    end: usize,
    located: Located,
}

impl SegmentPlace<'_> {
    /// The matches that start in `window`'s own lines, located.
    fn window_findings(&self, window: &Window) -> Vec<WindowFinding> {
        let segment = self.segment;
        let fresh;
        let normal = match self.held {
            Some(normal) => normal,
            None => {
                fresh = normalize(window.text(&segment.text));
                &fresh
            }
        };
        let view = SegmentView {
            part: segment.part,
            kind: segment.kind,
            text: &normal.text,
            body_lines_before: self.body_lines_before + window.nonempty_lines_before,
            page_picture: segment.page_picture,
            top_lines: Default::default(),
            document: self.index,
        };
        let found = segment_matches(&view, self.rules);
        let matches: Vec<(RawMatch, usize, usize)> = found
            .matches
            .into_iter()
            .filter_map(|raw| {
                let (start, end) = normal.original_range(raw.start, raw.end);
                let (start, end) = (window.start + start, window.start + end);
                window.owns(start).then_some((raw, start, end))
            })
            .collect();
        if matches.is_empty() {
            return Vec::new();
        }
        let masked = if self.options.show_match {
            Vec::new()
        } else {
            found
                .masked
                .iter()
                .map(|&(start, end)| normal.original_range(start, end))
                .collect()
        };
        let text = window.text(&segment.text);
        let place = Place {
            segment,
            text,
            lines_above: window.lines_before,
            lines: LineIndex::new(text),
            normal,
            part_lines_before: self.part_lines_before,
            masked: MaskedSpans::new(masked),
            label: segment
                .label
                .as_deref()
                .map(|label| (self.mask_name)(label, segment.part)),
            sheet: segment
                .sheet
                .as_deref()
                .map(|sheet| (self.mask_name)(sheet, segment.part)),
            column_cursor: Default::default(),
        };
        matches
            .into_iter()
            .map(|(raw, start, end)| WindowFinding {
                rule: raw.rule,
                start,
                end,
                located: locate(raw, &place, self.rules, self.options),
            })
            .collect()
    }
}

/// A window of a segment (all of it, unless it is large) with what is
/// needed to locate matches in it.
struct Place<'a> {
    segment: &'a Segment,
    /// The window's original text.
    text: &'a str,
    /// Lines of the segment above the window.
    lines_above: u32,
    /// Where the window's lines start.
    lines: LineIndex,
    /// The window's text normalised.
    normal: &'a Normalized,
    /// Lines of the same part in earlier segments.
    part_lines_before: u32,
    /// Original byte ranges (in the window) of every match to mask.
    masked: MaskedSpans,
    /// The segment's label (who wrote a comment …), masked.
    label: Option<String>,
    /// The segment's sheet name, masked (a sheet can be named after a
    /// person).
    sheet: Option<String>,
    /// The last match's line start, offset and characters from the one to
    /// the other: matches come in order, so the columns of many on one long
    /// line are counted on from the last, not each from the line's start.
    column_cursor: std::cell::Cell<(usize, usize, u32)>,
}

impl Place<'_> {
    /// The 1-based column of byte `offset`, on the line starting at
    /// `line_start`.
    fn column(&self, line_start: usize, offset: usize) -> u32 {
        let (cursor_line, cursor_at, counted) = self.column_cursor.get();
        let (from, before) = if cursor_line == line_start && cursor_at <= offset {
            (cursor_at, counted)
        } else {
            (line_start, 0)
        };
        let chars = before + self.text[from..offset].chars().count() as u32;
        self.column_cursor.set((line_start, offset, chars));
        chars + 1
    }

    /// Where line `line` of the window ends (before its line break).
    fn line_end(&self, line: usize) -> usize {
        self.lines
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1)
    }
}

fn locate(raw: RawMatch, place: &Place<'_>, rules: &RuleSet, options: &ReviewOptions) -> Located {
    let Place {
        segment,
        text: original,
        lines_above,
        lines,
        normal,
        part_lines_before,
        masked,
        label,
        sheet,
        column_cursor: _,
    } = place;
    let rule = &rules.rules()[raw.rule];
    let (start, end) = normal.original_range(raw.start, raw.end);
    let line_index = lines.line_of(start);
    let line_start = lines.start_of(line_index);
    let line_in_segment = lines_above + line_index as u32;
    let line = part_lines_before + line_in_segment + 1;
    let column = place.column(line_start, start);
    let matched = &original[start..end];
    // A masking rule's match is masked whole; any other rule's match has
    // the masking rules' matches inside it masked (a term that takes in an
    // ID number shows it masked as the ID's own finding does).
    let text = if rule.mask && !options.show_match {
        mask(matched)
    } else {
        mask_within(original, start, end, masked)
    };
    let mut context = context_around(original, start, end, masked);
    if let Some(label) = label {
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
    let page = segment.page;
    let category = raw.category.unwrap_or(rule.category);
    Located {
        fingerprint_base: hasher.finalize().into(),
        order: (segment.part, page.unwrap_or(0), line, column),
        matched: normalized_match.to_owned(),
        finding: Finding {
            id: String::new(),
            rule: rule.id.clone(),
            category,
            // Severity, message and explanation: settled once the
            // document's escalations are applied.
            severity: raw.severity,
            message: String::new(),
            messages: Messages::default(),
            text,
            context,
            location: Location {
                part: segment.part,
                page,
                line,
                column,
                sheet: sheet.clone(),
                cell: segment.cell.clone(),
                bbox: segment.boxes.get(line_in_segment as usize).copied(),
            },
            crop: line_crop(
                segment,
                line_in_segment as usize,
                // A picture of a line with personal data on it shows what
                // the text masks: pixelated, unless --show-match.
                !options.show_match
                    && (rule.mask
                        || masked
                            .overlapping(line_start, place.line_end(line_index))
                            .next()
                            .is_some()),
            ),
            explain: Vec::new(),
            decision: None,
            waived: None,
        },
        raw: Some(raw),
    }
}

/// The picture of line `line` of an OCR segment, pixelated if `obscure`.
fn line_crop(segment: &Segment, line: usize, obscure: bool) -> Option<Crop> {
    use base64::Engine;
    let png = segment.crops.get(line).filter(|png| !png.is_empty())?;
    let png = if obscure {
        crate::extract::ocr::crop::obscure(png)?
    } else {
        png.clone()
    };
    Some(Crop {
        png: base64::engine::general_purpose::STANDARD.encode(png),
        obscured: obscure,
    })
}

/// The same line around the match, up to [`CONTEXT_CHARS`] either side,
/// with every personal-data match in it masked.
fn context_around(original: &str, start: usize, end: usize, masked: &MaskedSpans) -> String {
    let (from, more_before) = context_start(original, start);
    let (to, more_after) = context_end(original, end);
    let mut out = String::new();
    if more_before {
        out.push('…');
    }
    out.push_str(&mask_within(original, from, to, masked));
    if more_after {
        out.push('…');
    }
    out.replace('\t', " ")
}

fn normalized_context(text: &str, start: usize, end: usize) -> &str {
    &text[context_start(text, start).0..context_end(text, end).0]
}

/// Where the up to [`CONTEXT_CHARS`] characters of its line before `start`
/// begin, and whether the line goes on before them. Looks at those
/// characters only: a line of a million matches is not read back to its
/// start for each.
fn context_start(text: &str, start: usize) -> (usize, bool) {
    let mut from = start;
    for (taken, (i, c)) in text[..start].char_indices().rev().enumerate() {
        if c == '\n' {
            return (from, false);
        }
        if taken == CONTEXT_CHARS {
            return (from, true);
        }
        from = i;
    }
    (from, false)
}

/// Where the up to [`CONTEXT_CHARS`] characters of its line after `end`
/// end, and whether the line goes on after them.
fn context_end(text: &str, end: usize) -> (usize, bool) {
    for (taken, (i, c)) in text[end..].char_indices().enumerate() {
        if c == '\n' {
            return (end + i, false);
        }
        if taken == CONTEXT_CHARS {
            return (end + i, true);
        }
    }
    (text.len(), false)
}

/// Runs one text through the rules as the body of a one-line document; used
/// by `rules test` and the packs' own tests.
pub fn findings_in_text(text: &str, rules: &RuleSet) -> Vec<Finding> {
    let extraction = Extraction {
        segments: vec![Segment::new(Part::Body, text)],
        ..Extraction::default()
    };
    find_all(&extraction, rules, &ReviewOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::Severity;
    use crate::rules::examples::{ExampleOutcome, run_examples};

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

    /// The context read a few characters each way gives what reading the
    /// whole line gave, at every place of lines short and long.
    #[test]
    fn contexts_read_near_the_match_as_the_whole_line_gives() {
        fn whole_line(text: &str, start: usize, end: usize) -> (usize, bool, usize, bool) {
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
            (from, from > line_start, to, to < line_end)
        }
        let text = format!(
            "短\n{}\n\n{}x\n{}",
            "长行文字".repeat(20),
            "a".repeat(24),
            "末".repeat(30)
        );
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for (n, &start) in boundaries.iter().enumerate() {
            for &end in &boundaries[n..(n + 3).min(boundaries.len())] {
                let (from, before) = context_start(&text, start);
                let (to, after) = context_end(&text, end);
                assert_eq!(
                    (from, before, to, after),
                    whole_line(&text, start, end),
                    "{start}..{end}"
                );
            }
        }
    }

    /// Every built-in example, many times over on lines of their own among
    /// blank and plain lines, in a body below a marked header: the same
    /// findings (lines, columns, contexts, ids, escalations, explanations)
    /// whether the body is matched whole or cut into windows of any size,
    /// matched on one thread or several.
    #[test]
    fn windows_find_what_the_whole_segment_finds() {
        let rules = builtin();
        let mut body = String::from("000123\n机密★5年\n特急\n");
        let examples: Vec<&str> = rules
            .rules()
            .iter()
            .flat_map(|rule| rule.examples_match.iter().map(|e| e.text.as_str()))
            .collect();
        for round in 0..3 {
            for (i, example) in examples.iter().enumerate() {
                body.push_str(example);
                body.push('\n');
                if (i + round) % 7 == 0 {
                    body.push_str("\n   \n");
                }
                if (i + round) % 5 == 0 {
                    body.push_str("根据工作安排，现将有关事项通知如下。\n");
                }
            }
        }
        let extraction = Extraction {
            segments: vec![
                Segment::new(Part::Body, body.as_str()),
                Segment::new(Part::Comment, "请核对身份证号码110105194912310021"),
                Segment::new(Part::Body, body.as_str()),
            ],
            ..Extraction::default()
        };
        let options = ReviewOptions {
            explain: true,
            ..ReviewOptions::default()
        };
        let whole = Windowing {
            whole_up_to: usize::MAX,
            ..Windowing::DEFAULT
        };
        let expected = review_texts_in(&extraction, &rules, &options, whole).findings;
        assert!(expected.len() > examples.len() * 3, "{}", expected.len());
        assert!(
            expected
                .iter()
                .any(|f| f.explain.iter().any(|e| e.starts_with("raised to"))),
            "the text has escalations"
        );
        // Windows matched on one thread or shared out among several.
        for (own_bytes, threads) in [(300, 1), (300, 3), (5000, 1), (5000, 2)] {
            let cut = Windowing {
                whole_up_to: 1000,
                own_bytes,
                overlap_at_least: Windowing::DEFAULT.overlap_at_least,
            };
            let options = ReviewOptions {
                threads: std::num::NonZeroUsize::new(threads),
                ..options
            };
            let found = review_texts_in(&extraction, &rules, &options, cut).findings;
            let differing = found
                .iter()
                .zip(&expected)
                .position(|(found, expected)| found != expected);
            let what = format!("windows of {own_bytes} bytes on {threads} threads");
            assert_eq!(found.len(), expected.len(), "{what}");
            assert_eq!(differing, None, "{what}");
        }
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

    /// An extraction with personal data in every place that is not a
    /// segment's own text: a notice's text and message, a comment's label,
    /// a sheet name, a reader's problem.
    fn personal_data_around_the_text() -> Extraction {
        use crate::extract::document::{Category, Notice, Problem};
        Extraction {
            segments: vec![
                Segment::new(Part::Comment, "机密★1年").with_label("王五13712345678, 2026-01-01"),
                Segment::new(Part::Body, "机密★1年").in_cell("王五13712345678", "A1"),
            ],
            problems: vec![Problem::partial(
                Some("body".to_owned()),
                "sheet 王五13712345678 cannot be read",
            )],
            notices: vec![Notice {
                rule: "redaction.pdf.text-under-box".into(),
                category: Category::Redaction,
                severity: Severity::Block,
                message: "text under a black box; author 13712345678".into(),
                part: Part::Body,
                page: Some(1),
                text: "11010519491231002X".into(),
            }],
            ..Extraction::default()
        }
    }

    #[test]
    fn personal_data_is_masked_wherever_it_is_shown() {
        let rules = builtin();
        let reviewed = review_texts(
            &personal_data_around_the_text(),
            &rules,
            &ReviewOptions::default(),
        );
        let notice = reviewed
            .findings
            .iter()
            .find(|f| f.rule == "redaction.pdf.text-under-box")
            .unwrap();
        assert_eq!(notice.text, "1101**********002X");
        assert_eq!(notice.context, "1101**********002X");
        assert_eq!(notice.message, "text under a black box; author 137****5678");
        let in_comment = reviewed
            .findings
            .iter()
            .find(|f| f.location.part == Part::Comment)
            .unwrap();
        assert_eq!(in_comment.context, "[王五137****5678, 2026-01-01] 机密★1年");
        let in_sheet = reviewed
            .findings
            .iter()
            .find(|f| f.location.part == Part::Body)
            .unwrap();
        assert_eq!(in_sheet.location.sheet.as_deref(), Some("王五137****5678"));
        assert_eq!(
            reviewed.problems[0].message,
            "sheet 王五137****5678 cannot be read"
        );
        // --show-match shows it all, with the same ids.
        let shown = review_texts(
            &personal_data_around_the_text(),
            &rules,
            &ReviewOptions {
                show_match: true,
                ..ReviewOptions::default()
            },
        );
        let text = format!("{:?} {:?}", shown.findings, shown.problems);
        assert!(text.contains("11010519491231002X") && text.contains("王五13712345678"));
        let ids = |findings: &[Finding]| findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&reviewed.findings), ids(&shown.findings));
    }

    #[test]
    fn any_rule_s_match_shows_the_personal_data_in_it_masked() {
        let rules = pack(
            "  - id: term.applicant
    severity: review
    message: m
    pattern: '申请人[0-9]{6}'
    examples: {match: ['申请人123456'], no_match: [x]}
  - id: personal.number
    severity: review
    message: m
    pattern: '[0-9]{6}'
    examples: {match: ['123456'], no_match: [x]}
",
        );
        let findings = findings_in_text("申请人123456", &rules);
        let term = findings
            .iter()
            .find(|f| f.rule == "term.applicant")
            .unwrap();
        assert_eq!(term.text, "申请人1***56");
        let personal = findings
            .iter()
            .find(|f| f.rule == "personal.number")
            .unwrap();
        assert_eq!(personal.text, "1***56");
    }

    /// Issue 17: an agency's mailbox named as such once is the agency's
    /// wherever the document prints it again; a person's stays review.
    #[test]
    fn a_mailbox_named_an_offices_once_is_the_offices_everywhere() {
        let rules = builtin();
        let text = "采购代理机构：××招标有限公司，电子邮箱：zbdl@163.com\n\
                    请于截止时间前将备份文件发送至邮箱：zbdl@163.com\n\
                    联系人：张××，邮箱：zhang_x@163.com";
        let findings = findings_in_text(text, &rules);
        let emails: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "personal.email")
            .collect();
        assert_eq!(emails.len(), 3, "{emails:#?}");
        assert_eq!(emails[0].severity, Severity::Info);
        assert_eq!(emails[1].severity, Severity::Info, "{:?}", emails[1]);
        assert_eq!(emails[2].severity, Severity::Review);
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
        let found = find_all(&extraction, &rules, &ReviewOptions::default());
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
        let options = ReviewOptions {
            explain: true,
            ..ReviewOptions::default()
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
}
