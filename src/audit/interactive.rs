//! `prepub review`: walk a clerk through the open findings, one document and
//! one finding at a time, and record a decision on each.
//!
//! The walk is a pure state machine, [`ReviewSession`]: keys go in
//! ([`ReviewSession::apply`]), effects come out ("save now", "ask for the
//! reason", "finished"). It does no I/O, so every path through it is tested
//! without a terminal. [`run_terminal`] is the thin front-end: it draws the
//! current finding, takes a choice as one key press ([`Keys`]; a line per
//! answer when the input is not a terminal, [`Lines`]) and the reason,
//! approver and end date of a `keep` as a line (line input works with every
//! input method, Chinese included), confirms each decision on a line of its
//! own, and saves the decisions file after every answer, so quitting — or a
//! crash — loses nothing. A new session skips findings already decided, so
//! it resumes where the last one stopped. Info findings are not walked
//! unless asked ([`ReviewSession::including_info`]): they need no decision.

use crate::audit::decisions::{self, Decisions};
use crate::extract::document::Severity;
use crate::report::Lang;
use crate::review::{Decision, DecisionKind, DocumentReview, Finding, Review};
use std::io::{BufRead, Write};
use std::path::Path;

/// `en` or `zh`, as the session speaks.
fn say(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

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
    /// Ask until when the `keep` holds (a date, or none).
    AskExpiry,
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
    /// Reason (and approver) are in; the end date is asked last.
    AskingExpiry {
        reason: String,
        approver: Option<String>,
    },
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
    lang: Lang,
    /// Whether info findings are walked too.
    info: bool,
    /// The finding decided last, for the confirmation line.
    last: Option<(String, String)>,
}

/// The findings a session walks: (items, each item's document rank,
/// documents walked).
fn walk(
    review: &Review,
    decisions: &Decisions,
    as_of: Option<time::Date>,
    info: bool,
) -> (Vec<Item>, Vec<usize>, usize) {
    let mut items = Vec::new();
    let mut document_rank = Vec::new();
    let mut document_total = 0;
    for (d, document) in review.documents.iter().enumerate() {
        let mut counted = false;
        for (f, finding) in document.findings.iter().enumerate() {
            if finding.severity == Severity::Info && !info {
                continue;
            }
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
    (items, document_rank, document_total)
}

impl ReviewSession {
    /// Starts a session over every review- and block-level finding of
    /// `review` that has no decision yet (an expired `keep` counts as
    /// undecided), in document and finding order.
    pub fn new(
        review: Review,
        mut decisions: Decisions,
        reviewer: &str,
        today: &str,
    ) -> ReviewSession {
        let as_of = decisions::parse_date(today).ok();
        let (items, document_rank, document_total) = walk(&review, &decisions, as_of, false);
        decisions.remember_reviewer(reviewer);
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
            lang: Lang::En,
            info: false,
            last: None,
        }
    }

    /// Walks the info findings too (they need no decision, so by default
    /// they are not asked about).
    pub fn including_info(mut self, info: bool) -> ReviewSession {
        let as_of = decisions::parse_date(&self.today).ok();
        let (items, rank, total) = walk(&self.review, &self.decisions, as_of, info);
        self.items = items;
        self.document_rank = rank;
        self.document_total = total;
        self.position = 0;
        self.info = info;
        self
    }

    /// The language of the session's notices.
    pub fn in_lang(mut self, lang: Lang) -> ReviewSession {
        self.lang = lang;
        self
    }

    /// Info findings without a decision that this session does not walk.
    pub fn info_not_walked(&self) -> usize {
        if self.info {
            return 0;
        }
        self.review
            .documents
            .iter()
            .flat_map(|d| d.findings.iter().map(move |f| (d, f)))
            .filter(|(d, f)| {
                f.severity == Severity::Info && self.decisions.get(&d.path, &f.id).is_none()
            })
            .count()
    }

    /// The decision recorded last in this session.
    pub fn last_decision(&self) -> Option<&Decision> {
        let (path, id) = self.last.as_ref()?;
        self.decisions.get(path, id)
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
        let lang = self.lang;
        let notice = |en, zh| Effect::Notice(say(lang, en, zh).to_owned());
        match (self.state.clone(), key) {
            (State::AskingReason, Key::Reason(reason)) => {
                self.state = State::Choosing;
                if reason.trim().is_empty() {
                    return notice(
                        "not kept: a keep decision needs a reason",
                        "未保留：保留须写明理由",
                    );
                }
                if self.current_is_blocking() {
                    self.state = State::AskingApprover(reason);
                    return Effect::AskApprover;
                }
                self.state = State::AskingExpiry {
                    reason,
                    approver: None,
                };
                Effect::AskExpiry
            }
            (State::AskingApprover(reason), Key::Reason(approver)) => {
                let approver = approver.trim();
                if !approver.is_empty() && crate::review::same_person(approver, &self.reviewer) {
                    return notice(
                        "the approver must be a second person, not the reviewer (an empty line records the keep unapproved)",
                        "批准人须是审查人以外的另一人（空行：记录为未批准的保留）",
                    );
                }
                self.state = State::AskingExpiry {
                    reason,
                    approver: (!approver.is_empty()).then(|| approver.to_owned()),
                };
                Effect::AskExpiry
            }
            (State::AskingExpiry { reason, approver }, Key::Reason(until)) => {
                let until = until.trim();
                if until.is_empty() {
                    self.state = State::Choosing;
                    return self.decide(DecisionKind::Keep, Some(reason), approver, None);
                }
                let Ok(date) = decisions::parse_date(until) else {
                    return notice(
                        "a date is written YYYY-MM-DD, e.g. 2027-06-30 (an empty line: no end date)",
                        "日期写作 YYYY-MM-DD，例如 2027-06-30（空行：不设期限）",
                    );
                };
                if decisions::parse_date(&self.today).is_ok_and(|today| date < today) {
                    return notice(
                        "that date has passed: the keep would end at once",
                        "该日期已过：保留会立即失效",
                    );
                }
                self.state = State::Choosing;
                self.decide(
                    DecisionKind::Keep,
                    Some(reason),
                    approver,
                    Some(until.to_owned()),
                )
            }
            (State::AskingExpiry { .. }, _) => notice(
                "type the date the keep ends, YYYY-MM-DD (an empty line: no end date)",
                "输入保留的截止日期 YYYY-MM-DD（空行：不设期限）",
            ),
            (State::AskingApprover(_), _) => notice(
                "type the approver's name (an empty line records the keep unapproved: the finding stays open)",
                "输入批准人姓名（空行：记录为未批准的保留，该命中仍计入）",
            ),
            (State::AskingReason, _) => notice(
                "type the reason for keeping this text (an empty line cancels)",
                "输入保留此处文字的理由（空行：取消）",
            ),
            (State::Choosing, Key::Remove) => self.decide(DecisionKind::Remove, None, None, None),
            (State::Choosing, Key::Revise) => self.decide(DecisionKind::Revise, None, None, None),
            (State::Choosing, Key::Keep) => {
                self.state = State::AskingReason;
                Effect::AskReason
            }
            (State::Choosing, Key::Skip) => self.advance(),
            (State::Choosing, Key::Back) => self.back(),
            (State::Choosing, Key::Reason(_)) => notice(
                "answer r (remove), v (revise), k (keep), s (skip), b (back) or q (quit)",
                "请按 r（删除）、v（修改）、k（保留）、s（跳过）、b（返回）或 q（退出）",
            ),
            (_, Key::Quit) => Effect::Quit,
        }
    }

    /// Whether the current finding is block-level (its keep needs an
    /// approver).
    fn current_is_blocking(&self) -> bool {
        self.items.get(self.position).is_some_and(|item| {
            self.review.documents[item.document].findings[item.finding].severity == Severity::Block
        })
    }

    fn decide(
        &mut self,
        kind: DecisionKind,
        reason: Option<String>,
        approver: Option<String>,
        expires: Option<String>,
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
        decision.expires = expires;
        let key = (decision.path.clone(), decision.id.clone());
        if let Err(problem) = self.decisions.record(decision) {
            return Effect::Notice(format!(
                "{}{problem}",
                say(self.lang, "not recorded: ", "未记录：")
            ));
        }
        self.last = Some(key);
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
            return Effect::Notice(
                say(self.lang, "this is the first finding", "已是第一处").into(),
            );
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

    /// Whether the next answer is the end date of a `keep`.
    pub fn awaiting_expiry(&self) -> bool {
        matches!(self.state, State::AskingExpiry { .. })
    }

    /// Whether the next answer is a line of text, not a choice.
    pub fn awaiting_line(&self) -> bool {
        self.state != State::Choosing
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

/// Where the answers come from: a choice is one key, the reason, approver
/// and date of a `keep` are lines.
pub trait Answers {
    /// The next choice; `None` at the end of input.
    fn key(&mut self) -> std::io::Result<Option<String>>;
    /// The next line of text; `None` at the end of input.
    fn line(&mut self) -> std::io::Result<Option<String>>;
}

/// Answers typed a line each (a pipe, a test, a terminal without raw mode).
pub struct Lines<R>(pub R);

impl<R: BufRead> Answers for Lines<R> {
    fn key(&mut self) -> std::io::Result<Option<String>> {
        self.line()
    }

    fn line(&mut self) -> std::io::Result<Option<String>> {
        let mut line = String::new();
        if self.0.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
    }
}

/// Answers from the terminal, read key by key in raw mode (left again
/// before anything else is printed): a choice is one key press, without
/// Enter; a line is edited here (typed characters echoed, Backspace
/// erases, Enter ends), so what an input method commits — Chinese — comes
/// in as typed, and nothing typed ahead is lost between the two.
pub struct Keys;

/// Raw mode for as long as it lives, however the read ends.
struct Raw;

impl Raw {
    fn on() -> std::io::Result<Raw> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(Raw)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// A key as the session reads it.
enum Pressed {
    Char(char),
    Enter,
    Erase,
    Back,
    Forward,
    Escape,
    /// Ctrl-C or Ctrl-D: raw mode turns them into keys; they end the
    /// session as `q` does, with everything decided saved.
    End,
}

fn press() -> std::io::Result<Pressed> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    loop {
        let Event::Key(key) = read()? else { continue };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        return Ok(match key.code {
            KeyCode::Char('c' | 'd') if control => Pressed::End,
            // A line feed (typed ahead while the terminal still turned
            // Enter into one) and Ctrl-M are Enter; Ctrl-H erases.
            KeyCode::Char('j' | 'm') if control => Pressed::Enter,
            KeyCode::Char('h') if control => Pressed::Erase,
            KeyCode::Char(_) if control => continue,
            KeyCode::Char(c) => Pressed::Char(c),
            KeyCode::Enter => Pressed::Enter,
            KeyCode::Backspace => Pressed::Erase,
            KeyCode::Left | KeyCode::Up => Pressed::Back,
            KeyCode::Right | KeyCode::Down => Pressed::Forward,
            KeyCode::Esc => Pressed::Escape,
            _ => continue,
        });
    }
}

/// Columns a character takes on a terminal: two for the wide ideographs,
/// kana, hangul and full-width forms, one otherwise.
fn columns(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

impl Answers for Keys {
    fn key(&mut self) -> std::io::Result<Option<String>> {
        let _raw = Raw::on()?;
        Ok(match press()? {
            Pressed::Char(c) => Some(c.to_string()),
            Pressed::Enter | Pressed::Forward => Some("s".to_owned()),
            Pressed::Back | Pressed::Erase => Some("b".to_owned()),
            Pressed::Escape => Some("q".to_owned()),
            Pressed::End => None,
        })
    }

    fn line(&mut self) -> std::io::Result<Option<String>> {
        let mut out = std::io::stdout();
        let mut line = String::new();
        let _raw = Raw::on()?;
        loop {
            match press()? {
                Pressed::Char(c) if !c.is_control() => {
                    line.push(c);
                    write!(out, "{c}")?;
                }
                Pressed::Erase => {
                    if let Some(c) = line.pop() {
                        let width = columns(c);
                        write!(
                            out,
                            "{back}{blank}{back}",
                            back = "\x08".repeat(width),
                            blank = " ".repeat(width)
                        )?;
                    }
                }
                Pressed::Enter => {
                    write!(out, "\r\n")?;
                    return Ok(Some(line));
                }
                // Esc abandons what was typed: the same as an empty line.
                Pressed::Escape => {
                    write!(out, "\r\n")?;
                    return Ok(Some(String::new()));
                }
                Pressed::End => return Ok(None),
                Pressed::Char(_) | Pressed::Back | Pressed::Forward => {}
            }
            out.flush()?;
        }
    }
}

/// Reads one answer into a key. Letters and the Chinese words both work;
/// an empty answer (Enter) skips.
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

/// The word for a decision.
fn decision_word(lang: Lang, kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Remove => say(lang, "remove", "删除"),
        DecisionKind::Revise => say(lang, "revise", "修改"),
        DecisionKind::Keep => say(lang, "keep", "保留"),
    }
}

/// The line confirming a decision just recorded and saved.
pub fn confirmation(lang: Lang, decision: &Decision, decided: usize, total: usize) -> String {
    let mut out = match lang {
        Lang::En => format!("  ✓ recorded: {}", decision_word(lang, decision.decision)),
        Lang::Zh => format!("  ✓ 已记录：{}", decision_word(lang, decision.decision)),
    };
    if let Some(reason) = &decision.reason {
        out.push_str(&format!(" — {}", clean(reason)));
    }
    if let Some(approver) = &decision.approver {
        out.push_str(&match lang {
            Lang::En => format!(", approved by {}", clean(approver)),
            Lang::Zh => format!("，批准人 {}", clean(approver)),
        });
    }
    if let Some(expires) = &decision.expires {
        out.push_str(&match lang {
            Lang::En => format!(", until {expires}"),
            Lang::Zh => format!("，有效至 {expires}"),
        });
    }
    out.push_str(&match lang {
        Lang::En => format!(" ({decided} of {total} decided, saved)\n"),
        Lang::Zh => format!("（已决定 {decided}/{total}，已保存）\n"),
    });
    out
}

/// Runs a session on a terminal: `answers` come from the terminal
/// ([`Keys`]) or any reader ([`Lines`]), the screens go to `output`. Saves
/// the decisions to `decisions_path` after every decision.
pub fn run_terminal(
    session: &mut ReviewSession,
    decisions_path: &Path,
    answers: &mut dyn Answers,
    output: &mut dyn Write,
    colour: bool,
) -> Result<Summary, String> {
    let io = |e: std::io::Error| format!("terminal: {e}");
    let lang = session.lang;
    let mut effect = session.start();
    loop {
        match &effect {
            Effect::Show => {
                if let Some(view) = session.view() {
                    output
                        .write_all(render_view(&view, colour, lang).as_bytes())
                        .map_err(io)?;
                }
            }
            Effect::Save => {
                session.decisions().save(decisions_path)?;
                if let Some(decision) = session.last_decision() {
                    let decided = session.total() - session.undecided();
                    output
                        .write_all(
                            confirmation(lang, decision, decided, session.total()).as_bytes(),
                        )
                        .map_err(io)?;
                }
                if session.finished() {
                    effect = Effect::Finished;
                    continue;
                }
                if let Some(view) = session.view() {
                    output
                        .write_all(render_view(&view, colour, lang).as_bytes())
                        .map_err(io)?;
                }
            }
            Effect::AskReason | Effect::AskApprover | Effect::AskExpiry => {}
            Effect::Notice(message) => {
                writeln!(output, "  {message}").map_err(io)?;
            }
            Effect::Finished | Effect::Quit => {
                let summary = Summary {
                    total: session.total(),
                    undecided: session.undecided(),
                    quit: effect == Effect::Quit,
                };
                let decided = summary.total - summary.undecided;
                let shown = decisions_path.display();
                match lang {
                    Lang::En => writeln!(
                        output,
                        "{decided} of {} finding(s) decided; {} undecided. Decisions saved in {shown}",
                        summary.total, summary.undecided
                    ),
                    Lang::Zh => writeln!(
                        output,
                        "已决定 {decided}/{} 处，未决定 {} 处。决定已保存在 {shown}",
                        summary.total, summary.undecided
                    ),
                }
                .map_err(io)?;
                return Ok(summary);
            }
        }
        let prompt = if session.awaiting_reason() {
            say(
                lang,
                "  reason for keeping (empty line cancels)> ",
                "  保留的理由（空行：取消）> ",
            )
        } else if session.awaiting_approver() {
            say(
                lang,
                "  a blocking finding is waived only with a second person's approval: approver (not you; empty line: record unapproved, the finding stays open)> ",
                "  阻止公开的命中须经另一人批准方可豁免：批准人（不能是您本人；空行：记录为未批准，该命中仍计入）> ",
            )
        } else if session.awaiting_expiry() {
            say(
                lang,
                "  keep until (YYYY-MM-DD; empty line: no end date)> ",
                "  保留至（YYYY-MM-DD；空行：不设期限）> ",
            )
        } else {
            say(
                lang,
                "  [r]emove  re[v]ise  [k]eep  [s]kip  [b]ack  [q]uit > ",
                "  [r]删除  [v]修改  [k]保留  [s]跳过  [b]返回  [q]退出 > ",
            )
        };
        output.write_all(prompt.as_bytes()).map_err(io)?;
        output.flush().map_err(io)?;
        let line = session.awaiting_line();
        let answer = if line { answers.line() } else { answers.key() }.map_err(io)?;
        let Some(answer) = answer else {
            // End of input (Ctrl-D): everything decided is already saved.
            writeln!(output).map_err(io)?;
            effect = Effect::Quit;
            continue;
        };
        if !line {
            // A key read without Enter: show it, and end the prompt's line.
            writeln!(output, "{}", clean(&answer)).map_err(io)?;
        }
        effect = if line {
            session.apply(Key::Reason(answer))
        } else {
            match parse_key(&answer) {
                Some(key) => session.apply(key),
                None => Effect::Notice(match lang {
                    Lang::En => {
                        format!("`{}` is not an answer: r, v, k, s, b or q", clean(&answer))
                    }
                    Lang::Zh => format!(
                        "“{}”不是可用的回答：请按 r、v、k、s、b 或 q",
                        clean(&answer)
                    ),
                }),
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

/// The screen for one finding, in `lang`.
pub fn render_view(view: &View<'_>, colour: bool, lang: Lang) -> String {
    let finding = view.finding;
    let place = clean(&crate::report::present::location(lang, &finding.location));
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
    out.push_str(&match lang {
        Lang::En => format!(
            "finding {} of {}, document {} of {}\n",
            view.finding_number, view.finding_total, view.document_number, view.document_total
        ),
        Lang::Zh => format!(
            "第 {}/{} 处，第 {}/{} 份文件\n",
            view.finding_number, view.finding_total, view.document_number, view.document_total
        ),
    });
    out.push_str(&paint(colour, "1", &clean(&view.document.path)));
    out.push('\n');
    out.push_str(&format!(
        "{place} · {} · {}\n",
        finding.rule,
        paint(
            colour,
            "33",
            crate::report::labels::severity(lang, finding.severity)
        )
    ));
    out.push_str(&format!("  {context}\n"));
    out.push_str(&format!(
        "  {}\n",
        clean(&crate::report::messages::finding(lang, finding))
    ));
    if let Some(decided) = view.decided {
        let reason = decided
            .reason
            .as_deref()
            .map(|r| format!(": {}", clean(r)))
            .unwrap_or_default();
        let approver = decided
            .approver
            .as_deref()
            .map(|a| match lang {
                Lang::En => format!(", approved by {}", clean(a)),
                Lang::Zh => format!("，批准人 {}", clean(a)),
            })
            .unwrap_or_default();
        let word = decision_word(lang, decided.decision);
        out.push_str(&match lang {
            Lang::En => format!(
                "  decided: {word} by {}{approver} on {}{reason}\n",
                clean(&decided.reviewer),
                decided.date
            ),
            Lang::Zh => format!(
                "  已决定：{word}，决定人 {}{approver}，日期 {}{reason}\n",
                clean(&decided.reviewer),
                decided.date
            ),
        });
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
        assert_eq!(session.apply(Key::Reason("李四".into())), Effect::AskExpiry);
        assert_eq!(
            session.apply(Key::Reason("2027-06-30".into())),
            Effect::Save
        );
        let kept = session.decisions().get("a.txt", &id).unwrap();
        assert_eq!(kept.reason.as_deref(), Some("已解密"));
        assert_eq!(kept.expires.as_deref(), Some("2027-06-30"));
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
            assert!(walk.awaiting_expiry());
            walk.apply(Key::Reason(String::new()));
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
        let input: &[u8] = "x\nr\nk\n保密期满已解密\n\nq\n".as_bytes();
        let mut output = Vec::new();
        let summary =
            run_terminal(&mut session, &path, &mut Lines(input), &mut output, false).unwrap();
        let shown = String::from_utf8(output).unwrap();
        assert!(
            shown.contains("✓ recorded: remove (1 of"),
            "each decision is confirmed: {shown}"
        );
        assert!(
            shown.contains("✓ recorded: keep — 保密期满已解密"),
            "{shown}"
        );
        assert!(shown.contains("keep until (YYYY-MM-DD"), "{shown}");
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
        let input: &[u8] = b"v\n";
        let mut output = Vec::new();
        let summary =
            run_terminal(&mut session, &path, &mut Lines(input), &mut output, false).unwrap();
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
        let screen = render_view(&session.view().unwrap(), false, Lang::En);
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
        assert_eq!(session.apply(Key::Reason("  ".into())), Effect::AskExpiry);
        assert_eq!(session.apply(Key::Reason(String::new())), Effect::Save);
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

    #[test]
    fn a_keep_ends_on_a_real_date_not_in_the_past() {
        let mut session = session(Decisions::default()).in_lang(Lang::Zh);
        // The second finding (the mobile number) is review-level: no approver.
        session.apply(Key::Skip);
        session.apply(Key::Keep);
        assert_eq!(
            session.apply(Key::Reason("已获本人同意".into())),
            Effect::AskExpiry
        );
        for wrong in ["明年", "2027-13-01", "2026-11-27"] {
            let Effect::Notice(message) = session.apply(Key::Reason(wrong.into())) else {
                panic!("{wrong} is not an end date");
            };
            assert!(
                message.contains("YYYY-MM-DD") || message.contains("已过"),
                "{message}"
            );
            assert!(session.awaiting_expiry(), "still asking after {wrong}");
        }
        assert_eq!(
            session.apply(Key::Reason("2026-11-28".into())),
            Effect::Save
        );
        let kept = session.last_decision().unwrap();
        assert_eq!(kept.expires.as_deref(), Some("2026-11-28"));
        assert!(
            confirmation(Lang::Zh, kept, 1, 3)
                .contains("✓ 已记录：保留 — 已获本人同意，有效至 2026-11-28")
        );
    }

    #[test]
    fn info_findings_are_walked_only_when_asked() {
        let mut review = review();
        let info = review.documents[1].findings.len();
        for finding in &mut review.documents[1].findings {
            finding.severity = Severity::Info;
        }
        let plain = ReviewSession::new(review.clone(), Decisions::default(), "张三", "2026-11-28");
        let all = ReviewSession::new(review, Decisions::default(), "张三", "2026-11-28")
            .including_info(true);
        assert_eq!(plain.total() + info, all.total());
        assert_eq!(plain.info_not_walked(), info);
        assert_eq!(all.info_not_walked(), 0);
        assert_eq!(
            position(&plain).3,
            1,
            "b.txt has only an info finding: not walked"
        );
    }

    #[test]
    fn the_reviewer_is_remembered_in_the_decisions_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.yaml");
        let mut session = session(Decisions::default());
        run_terminal(
            &mut session,
            &path,
            &mut Lines(&b"r\nq\n"[..]),
            &mut Vec::new(),
            false,
        )
        .unwrap();
        let saved = Decisions::load(&path, true).unwrap();
        assert_eq!(saved.decisions.reviewer(), Some("张三"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("reviewer: 张三"), "{text}");
    }

    #[test]
    fn the_session_speaks_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.yaml");
        let mut session = session(Decisions::default()).in_lang(Lang::Zh);
        let mut output = Vec::new();
        run_terminal(
            &mut session,
            &path,
            &mut Lines(&b"x\nr\nq\n"[..]),
            &mut output,
            false,
        )
        .unwrap();
        let shown = String::from_utf8(output).unwrap();
        for words in [
            "第 1/",
            "份文件",
            "[r]删除",
            "不是可用的回答",
            "✓ 已记录：删除",
            "阻止公开",
            "决定已保存在",
        ] {
            assert!(shown.contains(words), "{words} in {shown}");
        }
        assert!(!shown.contains("finding 1 of"), "{shown}");
    }
}
