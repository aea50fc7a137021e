//! `prepub review`: walk a clerk through the open findings, one document and
//! one finding at a time, and record a decision on each.
//!
//! The walk is a pure state machine, [`ReviewSession`]: keys go in
//! ([`ReviewSession::apply`]), effects come out ("save now", "ask for the
//! reason", "finished"). It does no I/O, so every path through it is tested
//! without a terminal. [`run_terminal`] is the thin front-end: it draws the
//! current finding, reads one line per answer (line input works with every
//! input method, Chinese included), and saves the decisions file after
//! every answer, so quitting — or a crash — loses nothing. A new session
//! skips findings already decided, so it resumes where the last one stopped.

use crate::audit::decisions::{self, Decisions};
use crate::review::{Decision, DecisionKind, DocumentReview, Finding, Review};
use std::io::{BufRead, Write};
use std::path::Path;

/// What the reviewer pressed (typed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// The text must be taken out.
    Remove,
    /// The text must be reworded.
    Revise,
    /// Publish as it is; a reason is asked next.
    Keep,
    /// Leave this finding undecided for now.
    Skip,
    /// Go back to the previous finding.
    Back,
    Quit,
    /// The reason for a `keep` (an empty one abandons the keep).
    Reason(String),
}

/// What the front-end must do after a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Show the current finding and ask for a key.
    Show,
    /// A decision was recorded: save the decisions file now, then show the
    /// current finding, or finish if [`ReviewSession::finished`].
    Save,
    /// Ask for the reason for `keep`.
    AskReason,
    /// Ask who approves the `keep` of a block-level finding (a second
    /// person; without one the finding stays open).
    AskApprover,
    /// Tell the reviewer something; the state is unchanged (ask again).
    Notice(String),
    /// Walked past the last finding.
    Finished,
    Quit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Choosing,
    AskingReason,
    /// The reason of a `keep` on a block-level finding is in; its approver
    /// is asked next.
    AskingApprover(String),
}

/// One finding to decide: indexes into the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Item {
    document: usize,
    finding: usize,
}

/// Everything the front-end shows about the current finding.
#[derive(Clone, Debug)]
pub struct View<'a> {
    /// 1-based position among the findings of this session.
    pub finding_number: usize,
    pub finding_total: usize,
    /// 1-based position among the documents with findings to decide.
    pub document_number: usize,
    pub document_total: usize,
    pub document: &'a DocumentReview,
    pub finding: &'a Finding,
    /// The decision already recorded for this finding (after `back`).
    pub decided: Option<&'a Decision>,
}

/// The interactive walk over the open findings of a review.
pub struct ReviewSession {
    review: Review,
    items: Vec<Item>,
    /// For each item, its document's 1-based rank among the documents walked.
    document_rank: Vec<usize>,
    document_total: usize,
    position: usize,
    state: State,
    decisions: Decisions,
    reviewer: String,
    today: String,
    /// Masks personal data in what goes into the decisions file.
    mask: Box<dyn Fn(&str) -> String>,
}

impl ReviewSession {
    /// Starts a session over every finding of `review` that has no
    /// decision yet (an expired `keep` counts as undecided), in document
    /// and finding order.
    pub fn new(review: Review, decisions: Decisions, reviewer: &str, today: &str) -> ReviewSession {
        let mut items = Vec::new();
        let mut document_rank = Vec::new();
        let mut document_total = 0;
        let as_of = decisions::parse_date(today).ok();
        for (d, document) in review.documents.iter().enumerate() {
            let mut counted = false;
            for (f, finding) in document.findings.iter().enumerate() {
                let open = match decisions.get(&document.path, &finding.id) {
                    None => true,
                    Some(decision) => is_expired_keep(decision, as_of),
                };
                if open {
                    if !counted {
                        document_total += 1;
                        counted = true;
                    }
                    items.push(Item {
                        document: d,
                        finding: f,
                    });
                    document_rank.push(document_total);
                }
            }
        }
        ReviewSession {
            review,
            items,
            document_rank,
            document_total,
            position: 0,
            state: State::Choosing,
            decisions,
            reviewer: reviewer.to_owned(),
            today: today.to_owned(),
            mask: Box::new(str::to_owned),
        }
    }

    /// How to mask personal data in the decisions file: the front-end
    /// passes the packs' masking rules ([`crate::review::mask_text`]), so
    /// a match shown with `--show-match` is still stored masked.
    pub fn mask_with(mut self, mask: impl Fn(&str) -> String + 'static) -> ReviewSession {
        self.mask = Box::new(mask);
        self
    }

    /// The first effect: show the first finding, or finish at once.
    pub fn start(&self) -> Effect {
        if self.finished() {
            Effect::Finished
        } else {
            Effect::Show
        }
    }

    /// Feeds one key; returns what to do next.
    pub fn apply(&mut self, key: Key) -> Effect {
        if key == Key::Quit {
            return Effect::Quit;
        }
        if self.finished() {
            return match key {
                Key::Back => self.back(),
                _ => Effect::Finished,
            };
        }
        match (self.state.clone(), key) {
            (State::AskingReason, Key::Reason(reason)) => {
                self.state = State::Choosing;
                if reason.trim().is_empty() {
                    return Effect::Notice("not kept: a keep decision needs a reason".to_owned());
                }
                if self.current_is_blocking() {
                    self.state = State::AskingApprover(reason);
                    return Effect::AskApprover;
                }
                self.decide(DecisionKind::Keep, Some(reason), None)
            }
            (State::AskingApprover(reason), Key::Reason(approver)) => {
                let approver = approver.trim();
                if !approver.is_empty() && crate::review::same_person(approver, &self.reviewer) {
                    return Effect::Notice(
                        "the approver must be a second person, not the reviewer (an empty line records the keep unapproved)".into(),
                    );
                }
                self.state = State::Choosing;
                let approver = (!approver.is_empty()).then(|| approver.to_owned());
                self.decide(DecisionKind::Keep, Some(reason), approver)
            }
            (State::AskingApprover(_), _) => Effect::Notice(
                "type the approver's name (an empty line records the keep unapproved: the finding stays open)".into(),
            ),
            (State::AskingReason, _) => Effect::Notice(
                "type the reason for keeping this text (an empty line cancels)".into(),
            ),
            (State::Choosing, Key::Remove) => self.decide(DecisionKind::Remove, None, None),
            (State::Choosing, Key::Revise) => self.decide(DecisionKind::Revise, None, None),
            (State::Choosing, Key::Keep) => {
                self.state = State::AskingReason;
                Effect::AskReason
            }
            (State::Choosing, Key::Skip) => self.advance(),
            (State::Choosing, Key::Back) => self.back(),
            (State::Choosing, Key::Reason(_)) => Effect::Notice(
                "answer r (remove), v (revise), k (keep), s (skip), b (back) or q (quit)".into(),
            ),
            (_, Key::Quit) => Effect::Quit,
        }
    }

    /// Whether the current finding is block-level (its keep needs an
    /// approver).
    fn current_is_blocking(&self) -> bool {
        self.items.get(self.position).is_some_and(|item| {
            self.review.documents[item.document].findings[item.finding].severity
                == crate::extract::document::Severity::Block
        })
    }

    fn decide(
        &mut self,
        kind: DecisionKind,
        reason: Option<String>,
        approver: Option<String>,
    ) -> Effect {
        let Some(item) = self.items.get(self.position).copied() else {
            return Effect::Finished;
        };
        let document = &self.review.documents[item.document];
        let finding = &document.findings[item.finding];
        let mut decision = decisions::decide(
            document,
            finding,
            kind,
            reason,
            &self.reviewer,
            &self.today,
            &*self.mask,
        );
        decision.approver = approver;
        if let Err(problem) = self.decisions.record(decision) {
            return Effect::Notice(format!("not recorded: {problem}"));
        }
        self.position += 1;
        Effect::Save
    }

    fn advance(&mut self) -> Effect {
        self.position += 1;
        if self.finished() {
            Effect::Finished
        } else {
            Effect::Show
        }
    }

    fn back(&mut self) -> Effect {
        if self.position == 0 {
            return Effect::Notice("this is the first finding".into());
        }
        self.position -= 1;
        self.state = State::Choosing;
        Effect::Show
    }

    /// Whether every finding has been walked past.
    pub fn finished(&self) -> bool {
        self.position >= self.items.len()
    }

    /// Whether the next answer is the reason for a `keep`.
    pub fn awaiting_reason(&self) -> bool {
        self.state == State::AskingReason
    }

    /// Whether the next answer is the approver of a `keep`.
    pub fn awaiting_approver(&self) -> bool {
        matches!(self.state, State::AskingApprover(_))
    }

    /// The current finding, or `None` when finished.
    pub fn view(&self) -> Option<View<'_>> {
        let item = self.items.get(self.position)?;
        let document = &self.review.documents[item.document];
        let finding = &document.findings[item.finding];
        Some(View {
            finding_number: self.position + 1,
            finding_total: self.items.len(),
            document_number: self.document_rank[self.position],
            document_total: self.document_total,
            document,
            finding,
            decided: self.decisions.get(&document.path, &finding.id),
        })
    }

    /// Findings of this session still without a current decision.
    pub fn undecided(&self) -> usize {
        let as_of = decisions::parse_date(&self.today).ok();
        self.items
            .iter()
            .filter(|item| {
                let document = &self.review.documents[item.document];
                let finding = &document.findings[item.finding];
                self.decisions
                    .get(&document.path, &finding.id)
                    .is_none_or(|d| is_expired_keep(d, as_of))
            })
            .count()
    }

    pub fn total(&self) -> usize {
        self.items.len()
    }

    pub fn decisions(&self) -> &Decisions {
        &self.decisions
    }
}

fn is_expired_keep(decision: &Decision, as_of: Option<time::Date>) -> bool {
    decision.decision == DecisionKind::Keep
        && decision
            .expires
            .as_deref()
            .and_then(|e| decisions::parse_date(e).ok())
            .zip(as_of)
            .is_some_and(|(expires, today)| expires < today)
}

/// Reads one answer line into a key. Letters and the Chinese words both
/// work; an empty line skips.
pub fn parse_key(line: &str) -> Option<Key> {
    match line.trim().to_lowercase().as_str() {
        "r" | "remove" | "删除" | "删" => Some(Key::Remove),
        "v" | "revise" | "修改" | "改" => Some(Key::Revise),
        "k" | "keep" | "保留" | "留" => Some(Key::Keep),
        "s" | "skip" | "" | "跳过" => Some(Key::Skip),
        "b" | "back" | "返回" | "上一条" => Some(Key::Back),
        "q" | "quit" | "退出" => Some(Key::Quit),
        _ => None,
    }
}

/// How a terminal session ended.
pub struct Summary {
    pub total: usize,
    pub undecided: usize,
    pub quit: bool,
}

/// Runs a session on a terminal: `input`/`output` are the terminal's
/// standard input and output (any reader and writer in tests). Saves the
/// decisions to `decisions_path` after every decision.
pub fn run_terminal(
    session: &mut ReviewSession,
    decisions_path: &Path,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    colour: bool,
) -> Result<Summary, String> {
    let io = |e: std::io::Error| format!("terminal: {e}");
    let mut effect = session.start();
    loop {
        match &effect {
            Effect::Show => {
                if let Some(view) = session.view() {
                    output
                        .write_all(render_view(&view, colour).as_bytes())
                        .map_err(io)?;
                }
            }
            Effect::Save => {
                session.decisions().save(decisions_path)?;
                if session.finished() {
                    effect = Effect::Finished;
                    continue;
                }
                if let Some(view) = session.view() {
                    output
                        .write_all(render_view(&view, colour).as_bytes())
                        .map_err(io)?;
                }
            }
            Effect::AskReason | Effect::AskApprover => {}
            Effect::Notice(message) => {
                writeln!(output, "  {message}").map_err(io)?;
            }
            Effect::Finished | Effect::Quit => {
                let summary = Summary {
                    total: session.total(),
                    undecided: session.undecided(),
                    quit: effect == Effect::Quit,
                };
                writeln!(
                    output,
                    "{} of {} finding(s) decided; {} undecided. Decisions saved in {}",
                    summary.total - summary.undecided,
                    summary.total,
                    summary.undecided,
                    decisions_path.display()
                )
                .map_err(io)?;
                return Ok(summary);
            }
        }
        let prompt = if session.awaiting_reason() {
            "  reason for keeping (empty line cancels)> "
        } else if session.awaiting_approver() {
            "  a blocking finding is waived only with a second person's approval: approver (not you; empty line: record unapproved, the finding stays open)> "
        } else {
            "  [r]emove  re[v]ise  [k]eep  [s]kip  [b]ack  [q]uit > "
        };
        output.write_all(prompt.as_bytes()).map_err(io)?;
        output.flush().map_err(io)?;
        let mut line = String::new();
        if input.read_line(&mut line).map_err(io)? == 0 {
            // End of input (Ctrl-D): everything decided is already saved.
            effect = Effect::Quit;
            continue;
        }
        let line = line.trim_end_matches(['\n', '\r']);
        effect = if session.awaiting_reason() || session.awaiting_approver() {
            session.apply(Key::Reason(line.to_owned()))
        } else {
            match parse_key(line) {
                Some(key) => session.apply(key),
                None => Effect::Notice(format!("`{line}` is not an answer: r, v, k, s, b or q")),
            }
        };
    }
}

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Makes document-derived text safe to print on a terminal: control
/// characters (an ESC could recolour or retitle the terminal) and
/// bidirectional overrides (which could make a name read backwards) are
/// shown as `[U+XXXX]`; a tab becomes a space.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            c if c.is_control()
                || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("[U+{:04X}]", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// The screen for one finding.
pub fn render_view(view: &View<'_>, colour: bool) -> String {
    let finding = view.finding;
    let location = &finding.location;
    let mut place = format!("{}", location.part);
    if let Some(page) = location.page {
        place.push_str(&format!(", page {page}"));
    }
    place.push_str(&format!(
        ", line {}, column {}",
        location.line, location.column
    ));
    if let (Some(sheet), Some(cell)) = (&location.sheet, &location.cell) {
        place.push_str(&format!(", {sheet}!{cell}"));
    }
    let context = match (!finding.text.is_empty())
        .then(|| finding.context.find(&finding.text))
        .flatten()
    {
        Some(at) => {
            let end = at + finding.text.len();
            let marked = if colour {
                paint(true, "1;4;31", &clean(&finding.text))
            } else {
                format!("[{}]", clean(&finding.text))
            };
            format!(
                "{}{marked}{}",
                clean(&finding.context[..at]),
                clean(&finding.context[end..])
            )
        }
        None => format!(
            "{}  (match: {})",
            clean(&finding.context),
            clean(&finding.text)
        ),
    };
    let mut out = String::new();
    out.push_str(&"─".repeat(60));
    out.push('\n');
    out.push_str(&format!(
        "finding {} of {}, document {} of {}\n",
        view.finding_number, view.finding_total, view.document_number, view.document_total
    ));
    out.push_str(&paint(colour, "1", &clean(&view.document.path)));
    out.push('\n');
    out.push_str(&format!(
        "{place} · {} · {}\n",
        finding.rule,
        paint(colour, "33", &finding.severity.to_string())
    ));
    out.push_str(&format!("  {context}\n"));
    out.push_str(&format!("  {}\n", clean(&finding.message)));
    if let Some(decided) = view.decided {
        let reason = decided
            .reason
            .as_deref()
            .map(|r| format!(": {}", clean(r)))
            .unwrap_or_default();
        let approver = decided
            .approver
            .as_deref()
            .map(|a| format!(", approved by {}", clean(a)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  decided: {} by {}{approver} on {}{reason}\n",
            decided.decision.as_str(),
            clean(&decided.reviewer),
            decided.date
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::file::{ScanOptions, scan_bytes};
    use crate::rules::RuleSet;

    /// A review of two documents: three findings in the first, one in the
    /// second.
    fn review() -> Review {
        let rules = RuleSet::builtin().unwrap();
        let options = ScanOptions::default();
        let mut documents = scan_bytes(
            "a.txt",
            "机密★1年\n联系人手机13912345678\n此件不予公开\n".as_bytes(),
            &rules,
            &options,
        );
        documents.extend(scan_bytes("b.txt", "秘密★\n".as_bytes(), &rules, &options));
        Review {
            schema: crate::review::SCHEMA.into(),
            tool: crate::review::ToolInfo::current(),
            started_at: "2026-11-28T00:00:00Z".into(),
            rules: rules.info(),
            summary: crate::review::Summary::of(&documents),
            skipped: Vec::new(),
            documents,
            options: None,
            decisions: None,
        }
    }

    fn session(decisions: Decisions) -> ReviewSession {
        ReviewSession::new(review(), decisions, "张三", "2026-11-28")
    }

    fn position(session: &ReviewSession) -> (usize, usize, usize, usize) {
        let view = session.view().expect("a current finding");
        (
            view.finding_number,
            view.finding_total,
            view.document_number,
            view.document_total,
        )
    }

    #[test]
    fn walks_every_finding_with_progress() {
        let mut session = session(Decisions::default());
        let total = session.total();
        assert!(
            total >= 4,
            "the fixture has findings in both documents: {total}"
        );
        assert_eq!(session.start(), Effect::Show);
        assert_eq!(position(&session), (1, total, 1, 2));
        for step in 1..total {
            assert_eq!(session.apply(Key::Skip), Effect::Show);
            assert_eq!(position(&session).0, step + 1);
        }
        assert_eq!(position(&session).2, 2, "the last finding is in b.txt");
        assert_eq!(session.apply(Key::Skip), Effect::Finished);
        assert!(session.finished());
        assert_eq!(session.undecided(), total);
    }

    #[test]
    fn remove_and_revise_record_and_ask_to_save() {
        let mut session = session(Decisions::default());
        let first = session.view().unwrap().finding.id.clone();
        assert_eq!(session.apply(Key::Remove), Effect::Save);
        let second = session.view().unwrap().finding.id.clone();
        assert_eq!(session.apply(Key::Revise), Effect::Save);
        let recorded = session.decisions();
        assert_eq!(
            recorded.get("a.txt", &first).unwrap().decision,
            DecisionKind::Remove
        );
        let revise = recorded.get("a.txt", &second).unwrap();
        assert_eq!(revise.decision, DecisionKind::Revise);
        assert_eq!(
            (revise.reviewer.as_str(), revise.date.as_str()),
            ("张三", "2026-11-28")
        );
        assert_eq!(position(&session).0, 3);
    }

    #[test]
    fn keep_asks_for_a_reason_and_refuses_an_empty_one() {
        let mut session = session(Decisions::default());
        let id = session.view().unwrap().finding.id.clone();
        assert_eq!(session.apply(Key::Keep), Effect::AskReason);
        assert!(session.awaiting_reason());
        assert!(matches!(session.apply(Key::Skip), Effect::Notice(_)));
        assert!(session.awaiting_reason(), "still waiting for the reason");
        assert!(matches!(
            session.apply(Key::Reason("  ".into())),
            Effect::Notice(_)
        ));
        assert!(!session.awaiting_reason());
        assert!(session.decisions().is_empty());
        assert_eq!(
            position(&session).0,
            1,
            "an abandoned keep stays on the finding"
        );
        assert_eq!(session.apply(Key::Keep), Effect::AskReason);
        // The first finding is block-level: its keep needs a second person.
        assert_eq!(
            session.apply(Key::Reason("已解密".into())),
            Effect::AskApprover
        );
        assert!(matches!(
            session.apply(Key::Reason("张三".into())),
            Effect::Notice(_)
        ));
        assert!(session.awaiting_approver(), "the reviewer cannot approve");
        assert_eq!(session.apply(Key::Reason("李四".into())), Effect::Save);
        let kept = session.decisions().get("a.txt", &id).unwrap();
        assert_eq!(kept.reason.as_deref(), Some("已解密"));
        assert_eq!(
            (kept.reviewer.as_str(), kept.approver.as_deref()),
            ("张三", Some("李四"))
        );
        assert_eq!(position(&session).0, 2);
    }

    #[test]
    fn back_returns_to_the_previous_finding_and_allows_a_new_answer() {
        let mut session = session(Decisions::default());
        assert!(matches!(session.apply(Key::Back), Effect::Notice(_)));
        let first = session.view().unwrap().finding.id.clone();
        assert_eq!(session.apply(Key::Remove), Effect::Save);
        assert_eq!(session.apply(Key::Back), Effect::Show);
        let view = session.view().unwrap();
        assert_eq!(view.finding.id, first);
        assert_eq!(view.decided.map(|d| d.decision), Some(DecisionKind::Remove));
        assert_eq!(session.apply(Key::Revise), Effect::Save);
        assert_eq!(
            session.decisions().get("a.txt", &first).unwrap().decision,
            DecisionKind::Revise
        );
        assert_eq!(session.decisions().len(), 1);
    }

    #[test]
    fn quit_keeps_what_was_decided_and_a_new_session_resumes() {
        let mut first = session(Decisions::default());
        let total = first.total();
        first.apply(Key::Remove);
        first.apply(Key::Skip);
        first.apply(Key::Revise);
        assert_eq!(first.apply(Key::Quit), Effect::Quit);
        let decided = first.decisions().clone();
        assert_eq!(decided.len(), 2);
        let resumed = session(decided);
        assert_eq!(resumed.total(), total - 2);
        assert_eq!(position(&resumed), (1, total - 2, 1, 2));
        let skipped = resumed.view().unwrap().finding.id.clone();
        assert!(resumed.decisions().get("a.txt", &skipped).is_none());
    }

    #[test]
    fn expired_keeps_come_back_and_a_fully_decided_review_finishes_at_once() {
        let mut walk = session(Decisions::default());
        while !walk.finished() {
            walk.apply(Key::Keep);
            walk.apply(Key::Reason("公开信息".into()));
            if walk.awaiting_approver() {
                walk.apply(Key::Reason(String::new()));
            }
        }
        let mut decisions = walk.decisions().clone();
        assert_eq!(session(decisions.clone()).start(), Effect::Finished);
        let mut expired = decisions.iter().next().unwrap().clone();
        expired.expires = Some("2026-11-27".into());
        decisions.record(expired.clone()).unwrap();
        let again = session(decisions);
        assert_eq!(again.total(), 1);
        assert_eq!(again.view().unwrap().finding.id, expired.id);
    }

    #[test]
    fn terminal_front_end_saves_after_every_answer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.yaml");
        let mut session = session(Decisions::default());
        let mut input: &[u8] = "x\nr\nk\n保密期满已解密\nq\n".as_bytes();
        let mut output = Vec::new();
        let summary = run_terminal(&mut session, &path, &mut input, &mut output, false).unwrap();
        let shown = String::from_utf8(output).unwrap();
        assert!(shown.contains("finding 1 of"), "{shown}");
        assert!(shown.contains("[机密★1年]"), "{shown}");
        assert!(shown.contains("`x` is not an answer"), "{shown}");
        assert!(summary.quit);
        assert_eq!(summary.total - summary.undecided, 2);
        let saved = Decisions::load(&path, true).unwrap().decisions;
        assert_eq!(saved, *session.decisions());
        assert_eq!(saved.len(), 2);
    }

    #[test]
    fn end_of_input_quits_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.yaml");
        let mut session = session(Decisions::default());
        let mut input: &[u8] = b"v\n";
        let mut output = Vec::new();
        let summary = run_terminal(&mut session, &path, &mut input, &mut output, false).unwrap();
        assert!(summary.quit);
        assert_eq!(Decisions::load(&path, true).unwrap().decisions.len(), 1);
    }

    #[test]
    fn document_text_cannot_drive_the_terminal() {
        let mut review = review();
        let finding = &mut review.documents[0].findings[0];
        finding.context = format!("\u{1b}]0;pwned\u{7}{}\u{202E}txt", finding.text);
        review.documents[0].path = "a\u{1b}[2J.txt".into();
        let session = ReviewSession::new(review, Decisions::default(), "张三", "2026-11-28");
        let screen = render_view(&session.view().unwrap(), false);
        assert!(
            !screen.contains('\u{1b}') && !screen.contains('\u{202E}'),
            "{screen:?}"
        );
        assert!(screen.contains("[U+001B]]0;pwned[U+0007]"), "{screen}");
        assert!(screen.contains("a[U+001B][2J.txt"), "{screen}");
    }

    #[test]
    fn keys_in_letters_and_words() {
        assert_eq!(parse_key("R"), Some(Key::Remove));
        assert_eq!(parse_key("保留"), Some(Key::Keep));
        assert_eq!(parse_key(""), Some(Key::Skip));
        assert_eq!(parse_key("zz"), None);
    }

    #[test]
    fn a_blocking_keep_left_unapproved_is_recorded_without_an_approver() {
        let mut session = session(Decisions::default());
        let id = session.view().unwrap().finding.id.clone();
        session.apply(Key::Keep);
        session.apply(Key::Reason("测试".into()));
        assert_eq!(session.apply(Key::Reason("  ".into())), Effect::Save);
        let kept = session.decisions().get("a.txt", &id).unwrap();
        assert_eq!(kept.approver, None);
    }

    #[test]
    fn the_decisions_file_gets_the_match_masked_even_when_shown() {
        let rules = RuleSet::builtin().unwrap();
        let mut review = review();
        // A failed-redaction finding as `--show-match` shows it.
        review.documents[0].findings[0].text = "11010519491231002X".into();
        let mut session = ReviewSession::new(review, Decisions::default(), "张三", "2026-11-28")
            .mask_with(move |t| crate::review::mask_text(&rules, t));
        let id = session.view().unwrap().finding.id.clone();
        assert_eq!(session.apply(Key::Remove), Effect::Save);
        let decided = session.decisions().get("a.txt", &id).unwrap();
        assert_eq!(decided.text, "1101**********002X");
    }
}
