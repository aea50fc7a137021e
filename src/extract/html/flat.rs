//! Reading a page from its tokens alone, for pages nested too deeply to
//! build a tree from.
//!
//! html5ever's tree builder searches the stack of open elements on every
//! tag, so N nested elements cost N² time (release build, this machine:
//! 20,000 nested `<div>`s 2.7 s, 40,000 11.9 s, 80,000 44 s — a 1 MB
//! attachment would eat a whole time budget). Browsers cap the depth
//! themselves (Blink stops nesting at 512). The tokenizer alone is linear,
//! so every page is first tokenized to measure how deep its elements nest
//! (see [`super::depth`]);
//! a page deeper than the cap is read from its tokens instead. All its text
//! is read (comments as hidden), but without a tree prepub cannot tell
//! hidden elements from visible ones, so the extraction says it is partial.

use super::depth::OpenElements;
use super::{BLOCKS, Lines, one_line};
use crate::extract::limits::Deadline;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// Tokens are fed in slices of this size so the deadline is seen.
const SLICE: usize = 64 * 1024;

/// The deepest element nesting in the page, as its tags show it (as deep
/// as the time budget allowed looking).
pub fn nesting_depth(text: &str, deadline: Deadline) -> usize {
    let (tokenizer, _) = tokenize(text, Sink::new(false), deadline);
    tokenizer.sink.state.borrow().open.deepest()
}

/// A page read from its tokens.
pub struct Flat {
    /// Text of the page, one block per line (hidden and visible together).
    pub text: String,
    /// Comments, one per entry.
    pub comments: Vec<String>,
    /// Whether the whole page was read before the time budget ran out.
    pub complete: bool,
}

/// Reads the text of a page without building its tree.
pub fn read(text: &str, deadline: Deadline) -> Flat {
    let (tokenizer, complete) = tokenize(text, Sink::new(true), deadline);
    let state = tokenizer.sink.state.into_inner();
    Flat {
        text: state.lines.finish().join("\n"),
        comments: state.comments,
        complete,
    }
}

/// Feeds the page to the tokenizer; `false` when the deadline stopped it.
fn tokenize(text: &str, sink: Sink, deadline: Deadline) -> (Tokenizer<Sink>, bool) {
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    let mut rest = text;
    while !rest.is_empty() {
        if deadline.passed() {
            tokenizer.end();
            return (tokenizer, false);
        }
        let mut cut = rest.len().min(SLICE);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (slice, tail) = rest.split_at(cut);
        input.push_back(StrTendril::from_slice(slice));
        let _ = tokenizer.feed(&input);
        rest = tail;
    }
    tokenizer.end();
    (tokenizer, true)
}

struct Sink {
    state: RefCell<State>,
}

struct State {
    /// Collect text (the fallback read) or only measure.
    collect: bool,
    open: OpenElements,
    /// Inside `<script>`/`<style>` and the like: characters are not text.
    in_raw: bool,
    lines: Lines,
    comments: Vec<String>,
}

impl Sink {
    fn new(collect: bool) -> Sink {
        Sink {
            state: RefCell::new(State {
                collect,
                open: OpenElements::default(),
                in_raw: false,
                lines: Lines::default(),
                comments: Vec::new(),
            }),
        }
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => return state.tag(&tag),
            Token::CharacterTokens(text) if state.collect && !state.in_raw => {
                state.lines.text(&text);
            }
            Token::CommentToken(comment) if state.collect && !comment.starts_with('?') => {
                let text = comment
                    .lines()
                    .map(one_line)
                    .filter(|line| !line.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                if !text.is_empty() {
                    state.comments.push(text);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl State {
    /// Tracks depth and tells the tokenizer about raw-text elements, as the
    /// tree builder would (without it, a script's `<` would read as tags).
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        match tag.kind {
            TagKind::StartTag => {
                self.open.start(&tag.name, tag.self_closing);
                if self.collect {
                    // Text a visitor sees in place of the element.
                    for attribute in &tag.attrs {
                        if matches!(&*attribute.name.local, "alt" | "title" | "value") {
                            self.lines.inline(&attribute.value);
                        }
                    }
                }
                if self.collect && (BLOCKS.contains(&name) || name == "br" || name == "tr") {
                    self.lines.newline();
                }
                if self.collect && matches!(name, "td" | "th") {
                    self.lines.tab();
                }
                if tag.self_closing {
                    return TokenSinkResult::Continue;
                }
                match name {
                    "script" => {
                        self.in_raw = true;
                        TokenSinkResult::RawData(RawKind::ScriptData)
                    }
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                        self.in_raw = true;
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                }
            }
            TagKind::EndTag => {
                self.open.end(&tag.name);
                if matches!(
                    name,
                    "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes"
                ) {
                    self.in_raw = false;
                }
                if self.collect && BLOCKS.contains(&name) {
                    self.lines.newline();
                }
                TokenSinkResult::Continue
            }
        }
    }
}
