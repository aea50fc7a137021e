//! Streaming reader for WordprocessingML stories: the document body,
//! headers, footers, footnotes, endnotes and comments.
//!
//! One pass over the XML events, no tree. Each piece of text is routed by
//! where it sits:
//! - inside `w:del`/`w:moveFrom`, or a `w:delText` → `deletion` (moved-away
//!   text counts as deleted: it is no longer where the reader sees it);
//! - a run hidden by `w:vanish`/`w:specVanish`, directly or through its
//!   character or paragraph style → `hidden`;
//! - inside `w:ins`/`w:moveTo` → `insertion` (moved-in text is new at its
//!   place);
//! - otherwise the part of the enclosing story: `body`, `header`, …, or
//!   `textbox` inside `w:txbxContent` (DrawingML and VML).
//!
//! `mc:AlternateContent`: the first `mc:Choice` is read as above. Every
//! other branch (a further `mc:Choice`, the `mc:Fallback` that Word 2007 and
//! LibreOffice show when they do not understand the Choice's `Requires`) is
//! read too, but its text is reported — as `hidden`, labelled with the
//! branch — only where it is not already in what the earlier branches gave,
//! so a text box written twice (DrawingML and VML) is read once while a
//! marking placed only in the Fallback is found.
//!
//! Field codes (`w:instrText`) are never body text; the codes that carry
//! words or paths (HYPERLINK, INCLUDETEXT, IF, …) are reported as `hidden`
//! with the label "field code". Form fields contribute what the reader sees:
//! ☒/☐ for check boxes, the chosen entry of a drop-down.
//!
//! Pages: the body starts on page 1; `w:lastRenderedPageBreak` (where Word
//! last laid out a new page), `w:br w:type="page"`, `w:pageBreakBefore` and
//! section breaks that start a new page each begin the next page. An
//! explicit break followed by Word's rendered break counts once.

use super::lines::{Label, Line, LineBuilder, Sink};
use super::styles::Styles;
use super::xml::{self, MAX_XML_DEPTH, Ns, Stop, Ticker, attr, is_on, local};
use crate::extract::document::{Part, TextKind};
use crate::extract::limits::Deadline;
use quick_xml::events::{BytesStart, Event};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// Which kind of story a part holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StoryKind {
    Document,
    Header,
    Footer,
    Footnotes,
    Endnotes,
    Comments,
}

impl StoryKind {
    fn part(self) -> Part {
        match self {
            StoryKind::Document => Part::Body,
            StoryKind::Header => Part::Header,
            StoryKind::Footer => Part::Footer,
            StoryKind::Footnotes => Part::Footnote,
            StoryKind::Endnotes => Part::Endnote,
            StoryKind::Comments => Part::Comment,
        }
    }
}

/// What is anchored in the body, for the page of a note or comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Anchor {
    Footnote,
    Endnote,
    Comment,
}

/// A section's header and footer references, from its `w:sectPr`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Section {
    /// (`w:type` — default/first/even, relationship id).
    pub references: Vec<(String, String)>,
    /// `w:titlePg`: without it the first-page header is never shown.
    pub title_page: bool,
}

/// Facts gathered across the stories of one document, for labels, pages
/// and the hidden-content notices.
#[derive(Debug, Default)]
pub(super) struct Facts {
    pub comments: usize,
    pub comment_authors: BTreeSet<String>,
    /// Tracked insertions, deletions and moves that carry text (adjacent
    /// pieces by the same author count once).
    pub revisions: usize,
    /// Tracked formatting and property changes.
    pub formatting_changes: usize,
    pub revision_authors: BTreeSet<String>,
    /// Paragraphs (or rows) with hidden text, and the first of them.
    pub hidden_passages: usize,
    pub first_hidden: Option<(String, Option<u32>)>,
    /// Last body page reached, and whether Word recorded its own layout
    /// (`w:lastRenderedPageBreak`): only then is the count the real one.
    pub last_page: u32,
    pub rendered: bool,
    pub anchors: HashMap<(Anchor, String), u32>,
    pub sections: Vec<Section>,
    /// From `commentsExtended.xml`: paragraph id → (parent paragraph id,
    /// resolved).
    pub threads: Threads,
    /// Comment paragraph id → author, to label replies.
    pub thread_authors: HashMap<String, String>,
}

/// Comment threads: paragraph id → (parent paragraph id, resolved).
pub(super) type Threads = HashMap<String, (Option<String>, bool)>;

/// How reading one story ended.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub stop: Option<Stop>,
    /// Elements nested deeper than [`MAX_XML_DEPTH`] were skipped.
    pub too_deep: bool,
    /// Whether any text at all was read (decides partial vs. failed when a
    /// main part is broken).
    pub read_text: bool,
    /// The internal DTD's entities expanded past their budget: why.
    pub entities_over: Option<String>,
}

/// Reads one story into `sink`, updating `facts`.
pub(super) fn read(
    xml: &str,
    kind: StoryKind,
    label: Label,
    styles: &Styles,
    deadline: Deadline,
    sink: &mut Sink,
    facts: &mut Facts,
) -> Outcome {
    let section_types = if kind == StoryKind::Document && xml.matches("sectPr").count() > 2 {
        section_types(xml)
    } else {
        Vec::new()
    };
    let mut story = StoryReader {
        kind,
        styles,
        sink,
        facts,
        frames: Vec::new(),
        stack: Vec::new(),
        skip: 0,
        revisions: Vec::new(),
        fields: Vec::new(),
        form: None,
        page: 1,
        pending_break: false,
        section_types,
        sections_ended: 0,
        section_ends_here: false,
        visible_counter: 0,
        last_revision: None,
        outcome: Outcome::default(),
        alternates: Vec::new(),
        entities: crate::extract::xml::Entities::default(),
        capture: None,
    };
    story.frames.push(Frame::new(
        kind.part(),
        label,
        if kind == StoryKind::Document {
            Pages::Counted
        } else {
            Pages::Fixed(None)
        },
    ));
    story.run(xml, deadline);
    story.outcome
}

/// The page a frame's text is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pages {
    /// The body's running page counter.
    Counted,
    /// A fixed page (a footnote's reference page) or none (headers).
    Fixed(Option<u32>),
}

#[derive(Clone, Copy, Debug, Default)]
struct RunState {
    /// `w:vanish` on the run itself.
    direct: Option<bool>,
    /// From the run's character style.
    style: Option<bool>,
}

/// A story or a nested story (text box, comment, note) being read.
#[derive(Debug)]
struct Frame {
    part: Part,
    label: Label,
    pages: Pages,
    line: LineBuilder,
    lines: Vec<Line>,
    /// Table nesting inside this frame; rows of the outermost table are
    /// lines, everything nested flattens into the row with tabs.
    tables: usize,
    /// A rendered page break was already counted in the current row (every
    /// cell of a row split across pages carries one).
    row_broke: bool,
    paragraph_hidden: Option<bool>,
    /// The paragraph mark is hidden: the paragraph runs into the next.
    mark_hidden: bool,
    run: RunState,
    comment: Option<CommentInfo>,
}

impl Frame {
    fn new(part: Part, label: Label, pages: Pages) -> Frame {
        Frame {
            part,
            label,
            pages,
            line: LineBuilder::default(),
            lines: Vec::new(),
            tables: 0,
            row_broke: false,
            paragraph_hidden: None,
            mark_hidden: false,
            run: RunState::default(),
            comment: None,
        }
    }
}

#[derive(Debug, Default)]
struct CommentInfo {
    author: String,
    date: String,
    last_paragraph: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RevisionKind {
    Insertion,
    Deletion,
}

#[derive(Debug)]
struct Revision {
    kind: RevisionKind,
    label: Label,
    author: Option<String>,
    /// Text of this revision's own kind was routed through it.
    produced: bool,
    /// Any revision text at all sat inside it (a deletion inside an
    /// insertion touches both authors).
    touched: bool,
}

#[derive(Debug, Default)]
struct Field {
    instruction: String,
    /// Between `begin` and `separate`: text here is code, not result.
    in_code: bool,
}

#[derive(Debug)]
enum Form {
    CheckBox {
        checked: Option<bool>,
        default: bool,
    },
    DropDown {
        result: Option<usize>,
        default: Option<usize>,
        entries: Vec<String>,
    },
}

/// What an open element means for the reader, undone when it closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Elem {
    Other,
    Paragraph,
    ParagraphProps,
    /// `w:pPr/w:rPr`: properties of the paragraph mark.
    MarkProps,
    Run,
    RunProps,
    /// `w:t`, `m:t`: visible text.
    Text,
    /// `w:delText`.
    DeletedText,
    /// `w:instrText`, `w:delInstrText`.
    Instruction,
    Revision,
    Table,
    Row,
    Cell,
    /// `w:txbxContent`, `w:comment`, `w:footnote`, `w:endnote`.
    Frame,
    SectionProps {
        in_paragraph: bool,
    },
    FormData,
    CheckBox,
    DropDown,
    /// `mc:AlternateContent`.
    Alternate,
}

/// An open `mc:AlternateContent`.
#[derive(Debug, Default)]
struct Alternate {
    /// The text (without white space) of the branches read so far.
    seen: String,
    /// Branches opened so far.
    branches: usize,
}

/// A branch of `mc:AlternateContent` after the first, being collected.
#[derive(Debug)]
struct Capture {
    branch: &'static str,
    text: String,
}

enum Opened {
    Elem(Elem),
    /// Skip the element and everything in it.
    Skip,
}

struct StoryReader<'a> {
    kind: StoryKind,
    styles: &'a Styles,
    sink: &'a mut Sink,
    facts: &'a mut Facts,
    frames: Vec<Frame>,
    stack: Vec<Elem>,
    /// Depth inside a skipped subtree (`mc:Fallback`, property-change
    /// history, content below the depth limit).
    skip: usize,
    revisions: Vec<Revision>,
    fields: Vec<Field>,
    form: Option<Form>,
    page: u32,
    pending_break: bool,
    /// `w:type` of each section in order (from a pre-pass), to tell whether
    /// a section break starts a new page.
    section_types: Vec<Option<String>>,
    sections_ended: usize,
    section_ends_here: bool,
    /// Counts text written outside revisions, so that adjacent revision
    /// pieces (LibreOffice writes one `w:ins` per run) count as one change.
    visible_counter: u64,
    last_revision: Option<(RevisionKind, Label, u64)>,
    outcome: Outcome,
    alternates: Vec<Alternate>,
    /// Internal DTD entities (`<!ENTITY m "机密">`), expanded where used.
    entities: crate::extract::xml::Entities,
    /// The later branch of an `mc:AlternateContent` being skipped and
    /// collected (`skip` counts its depth).
    capture: Option<Capture>,
}

impl StoryReader<'_> {
    fn run(&mut self, xml: &str, deadline: Deadline) {
        let mut reader = xml::reader(xml);
        let mut ticker = Ticker::new(deadline);
        loop {
            if ticker.expired() {
                self.outcome.stop = Some(Stop::Deadline);
                break;
            }
            let (namespace, event) = match reader.read_resolved_event() {
                Ok((resolved, event)) => (xml::classify(&resolved), event),
                Err(error) => {
                    // Namespace errors (nesting past quick-xml's own limit)
                    // leave no error position: use where reading stopped.
                    let position = match reader.error_position() {
                        0 => reader.buffer_position(),
                        position => position,
                    };
                    self.outcome.stop = Some(xml::invalid(error, position));
                    break;
                }
            };
            match event {
                Event::Start(element) => self.start(namespace, &element, false),
                Event::Empty(element) => self.start(namespace, &element, true),
                Event::End(_) => self.end(),
                Event::Text(text) => self.characters(&text.xml10_content()),
                Event::CData(text) => self.characters(&text.xml10_content()),
                Event::DocType(doctype) => {
                    self.entities = crate::extract::xml::Entities::declared_in(&doctype[..]);
                }
                Event::GeneralRef(reference) => {
                    if let Some(ch) = xml::resolve_reference(&reference) {
                        self.characters(ch.encode_utf8(&mut [0; 4]));
                    } else if let Ok(Some(text)) = self.entities.expand(&reference) {
                        self.characters(&text);
                    }
                }
                Event::Eof => {
                    if !self.stack.is_empty() || self.skip > 0 {
                        self.outcome.stop = Some(Stop::Invalid(
                            "the part ends before its elements are closed (truncated)".into(),
                        ));
                    }
                    break;
                }
                _ => {}
            }
        }
        self.end_capture();
        self.outcome.entities_over = self.entities.over.take();
        // Keep whatever was read before an error or the end, including the
        // code of fields that never ended.
        for field in std::mem::take(&mut self.fields) {
            let instruction = field.instruction.trim();
            if !instruction.is_empty() {
                self.code_line(instruction);
            }
        }
        while !self.frames.is_empty() {
            self.close_frame();
        }
        if self.kind == StoryKind::Document {
            self.facts.last_page = self.facts.last_page.max(self.page);
        }
    }

    fn start(&mut self, namespace: Ns, element: &BytesStart<'_>, empty: bool) {
        if self.skip > 0 {
            if let Some(capture) = &mut self.capture {
                match local(element.name().0) {
                    "p" | "br" | "cr" => capture.text.push('\n'),
                    "tab" => capture.text.push(' '),
                    _ => {}
                }
                for key in ["string", "alt", "descr", "title"] {
                    if let Some(value) = attr(element, key) {
                        capture.text.push('\n');
                        capture.text.push_str(&value);
                        capture.text.push('\n');
                    }
                }
            }
            if !empty {
                self.skip += 1;
            }
            return;
        }
        if !empty && self.stack.len() >= MAX_XML_DEPTH {
            self.outcome.too_deep = true;
            self.skip = 1;
            return;
        }
        match self.open(namespace, element) {
            Opened::Elem(elem) if empty => self.close(elem),
            Opened::Elem(elem) => self.stack.push(elem),
            Opened::Skip if !empty => self.skip = 1,
            Opened::Skip => {}
        }
    }

    fn end(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
            if self.skip == 0 {
                self.end_capture();
            }
            return;
        }
        if let Some(elem) = self.stack.pop() {
            self.close(elem);
        }
    }

    fn parent(&self) -> Elem {
        self.stack.last().copied().unwrap_or(Elem::Other)
    }

    fn frame(&mut self) -> &mut Frame {
        // The root frame is pushed before reading and popped only after the
        // event loop, so there is always one while events are handled.
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn open(&mut self, namespace: Ns, element: &BytesStart<'_>) -> Opened {
        let name = local(element.name().0);
        let parent = self.parent();
        match namespace {
            Ns::W => {}
            Ns::Mc if name == "AlternateContent" => {
                self.alternates.push(Alternate::default());
                return Opened::Elem(Elem::Alternate);
            }
            Ns::Mc if name == "Choice" || name == "Fallback" => {
                let Some(alternate) = self.alternates.last_mut() else {
                    // A branch outside AlternateContent: read as it is.
                    return Opened::Elem(Elem::Other);
                };
                alternate.branches += 1;
                if alternate.branches == 1 && name == "Choice" {
                    return Opened::Elem(Elem::Other);
                }
                self.capture = Some(Capture {
                    branch: if name == "Choice" {
                        "alternate content (a further mc:Choice)"
                    } else {
                        "alternate content (mc:Fallback, shown by readers that do not support the mc:Choice)"
                    },
                    text: String::new(),
                });
                return Opened::Skip;
            }
            Ns::M if name == "t" => return Opened::Elem(Elem::Text),
            Ns::V => {
                if name == "textpath"
                    && let Some(text) = attr(element, "string")
                {
                    let label = self.textbox_label();
                    self.standalone(Part::Textbox, label, &text);
                }
                if let Some(alt) = attr(element, "alt") {
                    self.standalone(Part::Hidden, Some("alt text".into()), &alt);
                }
                return Opened::Elem(Elem::Other);
            }
            Ns::Wp if name == "docPr" => {
                for key in ["title", "descr"] {
                    if let Some(text) = attr(element, key) {
                        self.standalone(Part::Hidden, Some("alt text".into()), &text);
                    }
                }
                return Opened::Elem(Elem::Other);
            }
            _ => return Opened::Elem(Elem::Other),
        }
        let elem = match name {
            "p" => {
                let hidden = self.styles.paragraph_hidden(None);
                let paragraph_id = attr(element, "paraId").map(|id| id.into_owned());
                let frame = self.frame();
                frame.paragraph_hidden = hidden;
                if let (Some(comment), Some(id)) = (&mut frame.comment, paragraph_id) {
                    comment.last_paragraph = Some(id);
                }
                Elem::Paragraph
            }
            "pPr" => Elem::ParagraphProps,
            "pStyle" if parent == Elem::ParagraphProps => {
                let style = attr(element, "val");
                let hidden = self.styles.paragraph_hidden(style.as_deref());
                self.frame().paragraph_hidden = hidden;
                Elem::Other
            }
            "pageBreakBefore" if parent == Elem::ParagraphProps => {
                if is_on(element) {
                    self.page_break();
                }
                Elem::Other
            }
            // Paragraph-mark properties: a hidden or deleted paragraph mark
            // hides no text, but a hidden mark (a style separator,
            // `w:specVanish`) joins the paragraph to the next one on the
            // page, so their text is one line.
            "rPr" if parent == Elem::ParagraphProps => Elem::MarkProps,
            "vanish" | "specVanish" if parent == Elem::MarkProps => {
                self.frame().mark_hidden = is_on(element);
                Elem::Other
            }
            // Anything else about the mark (its insertion, deletion or old
            // formatting) holds no text.
            _ if parent == Elem::MarkProps => return Opened::Skip,
            "rPr" if parent == Elem::Run => Elem::RunProps,
            "sectPr" => {
                if self.kind == StoryKind::Document {
                    self.facts.sections.push(Section::default());
                }
                Elem::SectionProps {
                    in_paragraph: parent == Elem::ParagraphProps,
                }
            }
            "headerReference" | "footerReference"
                if matches!(parent, Elem::SectionProps { .. }) =>
            {
                let kind = attr(element, "type").map_or_else(|| "default".into(), |t| t.into());
                if let (Some(id), Some(section)) =
                    (attr(element, "id"), self.facts.sections.last_mut())
                {
                    section.references.push((kind, id.into_owned()));
                }
                Elem::Other
            }
            "titlePg" if matches!(parent, Elem::SectionProps { .. }) => {
                let on = is_on(element);
                if let Some(section) = self.facts.sections.last_mut() {
                    section.title_page = on;
                }
                Elem::Other
            }
            "r" => {
                self.frame().run = RunState::default();
                Elem::Run
            }
            "vanish" | "specVanish" if parent == Elem::RunProps => {
                self.frame().run.direct = Some(is_on(element));
                Elem::Other
            }
            "rStyle" if parent == Elem::RunProps => {
                let hidden = attr(element, "val").and_then(|style| self.styles.hidden(&style));
                self.frame().run.style = hidden;
                Elem::Other
            }
            "t" => Elem::Text,
            "delText" => Elem::DeletedText,
            "instrText" | "delInstrText" => Elem::Instruction,
            "tab" | "ptab" if parent == Elem::Run => {
                let in_table = self.frame().tables > 0;
                self.inline(if in_table { " " } else { "\t" });
                Elem::Other
            }
            "br" | "cr" if parent == Elem::Run => {
                if attr(element, "type").as_deref() == Some("page") {
                    self.page_break();
                }
                // One paragraph stays one line: a manual line break is a
                // space.
                self.inline(" ");
                Elem::Other
            }
            "noBreakHyphen" if parent == Elem::Run => {
                self.inline("-");
                Elem::Other
            }
            "sym" if parent == Elem::Run => {
                let font = attr(element, "font");
                if let Some(ch) =
                    attr(element, "char").and_then(|code| symbol(&code, font.as_deref()))
                {
                    self.inline(ch.encode_utf8(&mut [0; 4]));
                }
                Elem::Other
            }
            "lastRenderedPageBreak" => {
                self.rendered_page_break();
                Elem::Other
            }
            "footnoteReference" | "endnoteReference" | "commentReference" | "commentRangeStart" => {
                let anchor = match name {
                    "footnoteReference" => Anchor::Footnote,
                    "endnoteReference" => Anchor::Endnote,
                    _ => Anchor::Comment,
                };
                if let Some(id) = attr(element, "id") {
                    let page = self.page + u32::from(self.pending_break);
                    if self.kind == StoryKind::Document {
                        self.facts
                            .anchors
                            .entry((anchor, id.into_owned()))
                            .or_insert(page);
                    }
                }
                Elem::Other
            }
            "fldChar" => {
                match attr(element, "fldCharType").as_deref() {
                    Some("begin") => self.fields.push(Field {
                        instruction: String::new(),
                        in_code: true,
                    }),
                    Some("separate") => {
                        if let Some(field) = self.fields.last_mut() {
                            field.in_code = false;
                        }
                    }
                    Some("end") => {
                        if let Some(field) = self.fields.pop() {
                            self.field_code(&field.instruction);
                        }
                    }
                    _ => {}
                }
                Elem::Other
            }
            "fldSimple" => {
                if let Some(instruction) = attr(element, "instr") {
                    self.field_code(&instruction);
                }
                Elem::Other
            }
            "ffData" => Elem::FormData,
            "checkBox" if parent == Elem::FormData => {
                self.form = Some(Form::CheckBox {
                    checked: None,
                    default: false,
                });
                Elem::CheckBox
            }
            "ddList" if parent == Elem::FormData => {
                self.form = Some(Form::DropDown {
                    result: None,
                    default: None,
                    entries: Vec::new(),
                });
                Elem::DropDown
            }
            "checked" | "default" | "result" | "listEntry"
                if matches!(parent, Elem::CheckBox | Elem::DropDown) =>
            {
                self.form_value(name, element);
                Elem::Other
            }
            "ins" | "moveTo" | "del" | "moveFrom" => {
                let kind = if matches!(name, "ins" | "moveTo") {
                    RevisionKind::Insertion
                } else {
                    RevisionKind::Deletion
                };
                let author = attr(element, "author").map(|a| a.trim().to_owned());
                let label = revision_label(author.as_deref(), attr(element, "date").as_deref());
                self.revisions.push(Revision {
                    kind,
                    label,
                    author: author.filter(|a| !a.is_empty()),
                    produced: false,
                    touched: false,
                });
                Elem::Revision
            }
            "rPrChange" | "pPrChange" | "sectPrChange" | "tblPrChange" | "tblPrExChange"
            | "trPrChange" | "tcPrChange" | "tblGridChange" | "numberingChange" => {
                self.facts.formatting_changes += 1;
                self.note_author(element);
                // The old properties inside must not be read as current ones.
                return Opened::Skip;
            }
            "cellIns" | "cellDel" | "cellMerge" => {
                self.facts.revisions += 1;
                self.note_author(element);
                Elem::Other
            }
            "tbl" => {
                self.frame().tables += 1;
                Elem::Table
            }
            "tr" => {
                let frame = self.frame();
                if frame.tables <= 1 {
                    frame.row_broke = false;
                }
                Elem::Row
            }
            "tc" => Elem::Cell,
            "txbxContent" => {
                let label = self.textbox_label();
                let pages = self.frame().pages;
                self.frames.push(Frame::new(Part::Textbox, label, pages));
                Elem::Frame
            }
            "comment" if self.kind == StoryKind::Comments => {
                let author = attr(element, "author").map_or_else(String::new, |a| a.trim().into());
                let date = attr(element, "date").map_or_else(String::new, |d| d.into_owned());
                let page = attr(element, "id").and_then(|id| {
                    self.facts
                        .anchors
                        .get(&(Anchor::Comment, id.into_owned()))
                        .copied()
                });
                self.facts.comments += 1;
                if !author.is_empty() {
                    self.facts.comment_authors.insert(author.clone());
                }
                let mut frame = Frame::new(Part::Comment, None, Pages::Fixed(page));
                frame.comment = Some(CommentInfo {
                    author,
                    date,
                    last_paragraph: None,
                });
                self.frames.push(frame);
                Elem::Frame
            }
            "footnote" | "endnote"
                if matches!(self.kind, StoryKind::Footnotes | StoryKind::Endnotes) =>
            {
                let (part, anchor) = if name == "footnote" {
                    (Part::Footnote, Anchor::Footnote)
                } else {
                    (Part::Endnote, Anchor::Endnote)
                };
                let page = attr(element, "id")
                    .and_then(|id| self.facts.anchors.get(&(anchor, id.into_owned())).copied());
                self.frames.push(Frame::new(part, None, Pages::Fixed(page)));
                Elem::Frame
            }
            // Content-control properties (tags, list items, placeholders'
            // building blocks) and ruby guide text are not what the page
            // shows.
            "sdtPr" | "sdtEndPr" | "rt" => return Opened::Skip,
            _ => Elem::Other,
        };
        Opened::Elem(elem)
    }

    fn close(&mut self, elem: Elem) {
        match elem {
            Elem::Paragraph => {
                if let Some(field) = self.fields.iter_mut().rev().find(|f| f.in_code) {
                    field.instruction.push(' ');
                }
                let frame = self.frame();
                frame.paragraph_hidden = None;
                if std::mem::take(&mut frame.mark_hidden) {
                    // Runs on into the next paragraph.
                } else if frame.tables > 0 {
                    frame.line.separate(' ');
                } else {
                    self.finish_line();
                }
                if self.section_ends_here {
                    self.section_ends_here = false;
                    self.sections_ended += 1;
                    let next = self
                        .section_types
                        .get(self.sections_ended)
                        .and_then(Option::as_deref);
                    if next != Some("continuous") {
                        self.page_break();
                    }
                }
            }
            Elem::SectionProps { in_paragraph: true } => self.section_ends_here = true,
            Elem::Revision => {
                if let Some(revision) = self.revisions.pop() {
                    self.count_revision(revision);
                }
            }
            Elem::Table => {
                let frame = self.frame();
                frame.tables = frame.tables.saturating_sub(1);
                if frame.tables == 0 {
                    self.finish_line();
                }
            }
            Elem::Row => {
                if self.frame().tables <= 1 {
                    self.finish_line();
                } else {
                    self.frame().line.separate('\t');
                }
            }
            Elem::Cell => self.frame().line.separate('\t'),
            // The root frame closes only after the last event.
            Elem::Frame if self.frames.len() > 1 => self.close_frame(),
            Elem::FormData => {
                if let Some(form) = self.form.take() {
                    let text = match form {
                        Form::CheckBox { checked, default } => if checked.unwrap_or(default) {
                            "☒"
                        } else {
                            "☐"
                        }
                        .to_owned(),
                        Form::DropDown {
                            result,
                            default,
                            entries,
                        } => entries
                            .get(result.or(default).unwrap_or(0))
                            .cloned()
                            .unwrap_or_default(),
                    };
                    self.visible_text(&text);
                }
            }
            Elem::Alternate => {
                if let Some(done) = self.alternates.pop()
                    && let Some(outer) = self.alternates.last_mut()
                {
                    outer.seen.push_str(&done.seen);
                }
            }
            _ => {}
        }
    }

    /// Records text read inside an `mc:AlternateContent` branch.
    fn note_alternate(&mut self, text: &str) {
        if let Some(alternate) = self.alternates.last_mut() {
            alternate
                .seen
                .extend(text.chars().filter(|c| !c.is_whitespace()));
        }
    }

    /// A later branch of an `mc:AlternateContent` has ended: its lines are
    /// reported unless the earlier branches already gave its text.
    fn end_capture(&mut self) {
        let Some(capture) = self.capture.take() else {
            return;
        };
        let signature: String = capture
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let known = self
            .alternates
            .last()
            .is_some_and(|alternate| alternate.seen.contains(&signature));
        if signature.is_empty() || known {
            return;
        }
        for line in capture.text.lines() {
            let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if !line.is_empty() {
                self.standalone(Part::Hidden, Some(capture.branch.into()), &line);
            }
        }
    }

    fn form_value(&mut self, name: &str, element: &BytesStart<'_>) {
        let number = || attr(element, "val").and_then(|v| v.trim().parse::<usize>().ok());
        match (&mut self.form, name) {
            (Some(Form::CheckBox { checked, .. }), "checked") => *checked = Some(is_on(element)),
            (Some(Form::CheckBox { default, .. }), "default") => *default = is_on(element),
            (Some(Form::DropDown { result, .. }), "result") => *result = number(),
            (Some(Form::DropDown { default, .. }), "default") => *default = number(),
            (Some(Form::DropDown { entries, .. }), "listEntry") => {
                if let Some(value) = attr(element, "val") {
                    entries.push(value.into_owned());
                }
            }
            _ => {}
        }
    }

    /// Character data of the element on top of the stack. Text directly
    /// inside other elements (indentation of pretty-printed XML) is not
    /// document text.
    fn characters(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.skip > 0 {
            if let Some(capture) = &mut self.capture {
                capture.text.push_str(text);
            }
            return;
        }
        let deleted = match self.parent() {
            Elem::Text => false,
            Elem::DeletedText => true,
            Elem::Instruction => {
                match self.fields.iter_mut().rev().find(|f| f.in_code) {
                    Some(field) => xml::push_text(&mut field.instruction, text),
                    // A stray instruction outside any field.
                    None => self.field_code(text),
                }
                return;
            }
            _ => return,
        };
        self.text(text, deleted);
    }

    /// Text produced by an element inside a run: a tab, a break, a symbol.
    fn inline(&mut self, text: &str) {
        let deleted = false;
        self.text(text, deleted);
    }

    fn text(&mut self, text: &str, deleted: bool) {
        // Text inside a field's code (a nested field's result, IF's
        // branches) is code too.
        if let Some(field) = self.fields.iter_mut().rev().find(|f| f.in_code) {
            xml::push_text(&mut field.instruction, text);
            return;
        }
        self.route(text, deleted);
    }

    /// Text the reader sees regardless of field state (form-field values).
    fn visible_text(&mut self, text: &str) {
        if !text.is_empty() {
            self.route(text, false);
        }
    }

    fn route(&mut self, text: &str, deleted_element: bool) {
        self.note_alternate(text);
        let (part, label) = self.destination(deleted_element);
        // Whitespace (the break itself) does not start the next page.
        let page = if text.trim().is_empty() {
            self.peek_page()
        } else {
            self.text_page()
        };
        let frame = self.frame();
        xml::push_text(frame.line.buffer(part, &label, page), text);
        match part {
            Part::Insertion | Part::Deletion => {
                let kind = if part == Part::Insertion {
                    RevisionKind::Insertion
                } else {
                    RevisionKind::Deletion
                };
                if let Some(revision) = self.revisions.iter_mut().rev().find(|r| r.kind == kind) {
                    revision.produced = true;
                }
                for revision in &mut self.revisions {
                    revision.touched = true;
                }
            }
            _ => self.visible_counter += 1,
        }
        self.outcome.read_text = true;
    }

    fn destination(&mut self, deleted_element: bool) -> (Part, Label) {
        let deletion = self
            .revisions
            .iter()
            .rev()
            .find(|r| r.kind == RevisionKind::Deletion);
        if deleted_element || deletion.is_some() {
            return (Part::Deletion, deletion.and_then(|r| r.label.clone()));
        }
        let default_hidden = self.styles.default_hidden;
        let frame = self.frame();
        let hidden = frame
            .run
            .direct
            .or(frame.run.style)
            .or(frame.paragraph_hidden)
            .unwrap_or(default_hidden);
        let part = frame.part;
        if hidden {
            return (Part::Hidden, None);
        }
        if let Some(insertion) = self.revisions.last() {
            return (Part::Insertion, insertion.label.clone());
        }
        (part, None)
    }

    fn text_page(&mut self) -> Option<u32> {
        match self.frame().pages {
            Pages::Fixed(page) => page,
            Pages::Counted => {
                if self.pending_break {
                    self.pending_break = false;
                    self.page += 1;
                }
                Some(self.page)
            }
        }
    }

    fn peek_page(&mut self) -> Option<u32> {
        match self.frame().pages {
            Pages::Fixed(page) => page,
            Pages::Counted => Some(self.page),
        }
    }

    fn page_break(&mut self) {
        if self.frame().pages == Pages::Counted {
            self.pending_break = true;
        }
    }

    fn rendered_page_break(&mut self) {
        let frame = self.frame();
        if frame.pages != Pages::Counted {
            return;
        }
        if frame.tables > 0 {
            if frame.row_broke {
                return;
            }
            frame.row_broke = true;
        }
        // An explicit break that Word then rendered is one page, not two.
        self.pending_break = false;
        self.page += 1;
        self.facts.rendered = true;
    }

    /// Ends the current line of the current frame.
    fn finish_line(&mut self) {
        let frame = self.frame();
        let before = frame.lines.len();
        let hidden = frame.line.finish(&mut frame.lines, Part::Hidden);
        if hidden > 0 {
            if self.facts.first_hidden.is_none() {
                let frame = &self.frames[self.frames.len() - 1];
                if let Some(line) = frame.lines[before..]
                    .iter()
                    .find(|l| l.part == Part::Hidden)
                {
                    self.facts.first_hidden = Some((line.text.clone(), line.page));
                }
            }
            self.facts.hidden_passages += hidden;
        }
    }

    fn close_frame(&mut self) {
        self.finish_line();
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        if let Some(comment) = frame.comment.take() {
            frame.label = self.comment_label(comment);
        }
        for mut line in frame.lines {
            if line.label.is_none() {
                line.label = frame.label.clone();
            }
            self.sink.emit(line);
        }
    }

    fn comment_label(&mut self, comment: CommentInfo) -> Label {
        let mut label = join_label(&comment.author, &comment.date);
        if let Some(paragraph) = &comment.last_paragraph {
            if let Some((parent, done)) = self.facts.threads.get(paragraph) {
                if let Some(parent) = parent {
                    match self.facts.thread_authors.get(parent) {
                        Some(author) if !author.is_empty() => {
                            label.push_str(&format!(", reply to {author}"));
                        }
                        _ => label.push_str(", reply"),
                    }
                }
                if *done {
                    label.push_str(", resolved");
                }
            }
            self.facts
                .thread_authors
                .insert(paragraph.clone(), comment.author);
        }
        let label = label.trim_start_matches(", ").to_owned();
        (!label.is_empty()).then(|| label.into())
    }

    /// A line of its own (alt text, WordArt, a field code) in the current
    /// frame, outside the paragraph being read.
    fn standalone(&mut self, part: Part, label: Label, text: &str) {
        self.standalone_of(part, label, text, TextKind::Prose);
    }

    /// A field's instruction (`HYPERLINK "…"`, `SET 密级 "绝密★长期"`): code,
    /// whose quotes delimit arguments.
    fn code_line(&mut self, instruction: &str) {
        self.standalone_of(
            Part::Hidden,
            Some("field code".into()),
            instruction,
            TextKind::Code,
        );
    }

    fn standalone_of(&mut self, part: Part, label: Label, text: &str, kind: TextKind) {
        let text = super::lines::clean(&text.replace('\r', "\n"));
        if text.is_empty() {
            return;
        }
        self.note_alternate(&text);
        let page = match self.frame().pages {
            Pages::Fixed(page) => page,
            Pages::Counted => Some(self.page + u32::from(self.pending_break)),
        };
        self.frame().lines.push(Line {
            part,
            page,
            label,
            text,
            kind,
        });
        self.outcome.read_text = true;
    }

    fn textbox_label(&self) -> Label {
        let frame = self.frames.last()?;
        match frame.part {
            Part::Body => None,
            Part::Textbox => frame.label.clone(),
            other => Some(match &frame.label {
                Some(label) => format!("in {other}, {label}").into(),
                None => format!("in {other}").into(),
            }),
        }
    }

    /// Reports a field code that carries words, paths or addresses; codes
    /// that only format or number (PAGE, TOC, REF …) are left out.
    fn field_code(&mut self, instruction: &str) {
        let instruction = instruction.trim();
        if !crate::extract::fields::worth_reporting(instruction, &[]) {
            return;
        }
        self.code_line(instruction);
    }

    fn count_revision(&mut self, revision: Revision) {
        if revision.touched
            && let Some(author) = revision.author
        {
            self.facts.revision_authors.insert(author);
        }
        if !revision.produced {
            return;
        }
        let key = (revision.kind, revision.label, self.visible_counter);
        if self.last_revision.as_ref() != Some(&key) {
            self.facts.revisions += 1;
        }
        self.last_revision = Some(key);
    }

    fn note_author(&mut self, element: &BytesStart<'_>) {
        if let Some(author) = attr(element, "author") {
            let author = author.trim();
            if !author.is_empty() {
                self.facts.revision_authors.insert(author.to_owned());
            }
        }
    }
}

/// "author, date" for a tracked change, the date cut to the day.
fn revision_label(author: Option<&str>, date: Option<&str>) -> Label {
    let label = join_label(author.unwrap_or(""), date.unwrap_or(""));
    (!label.is_empty()).then(|| Rc::from(label))
}

fn join_label(author: &str, date: &str) -> String {
    let date = date.trim();
    let day = if date.len() >= 10 && date.as_bytes()[4] == b'-' {
        date.get(..10).unwrap_or(date)
    } else {
        date
    };
    match (author.trim(), day) {
        ("", "") => String::new(),
        (author, "") => author.to_owned(),
        ("", day) => day.to_owned(),
        (author, day) => format!("{author}, {day}"),
    }
}

/// The character of a `w:sym`. Symbol-font codes in the private-use area
/// F000–F0FF are mapped for the check boxes forms use (Wingdings and
/// Wingdings 2); other symbol-font glyphs have no meaning as text and are
/// dropped.
fn symbol(code: &str, font: Option<&str>) -> Option<char> {
    let value = u32::from_str_radix(code.trim(), 16).ok()?;
    if !(0xF000..=0xF0FF).contains(&value) {
        return char::from_u32(value).filter(|ch| !ch.is_control());
    }
    let font = font.unwrap_or("").trim().to_ascii_lowercase();
    match (font.as_str(), value & 0xFF) {
        ("wingdings", 0xA8 | 0x6F | 0x71) => Some('☐'),
        ("wingdings", 0xFE) => Some('☑'),
        ("wingdings", 0xFD | 0x78) => Some('☒'),
        ("wingdings 2", 0xA3 | 0x2A) => Some('☐'),
        ("wingdings 2", 0x52) => Some('☑'),
        ("wingdings 2", 0x53 | 0x54) => Some('☒'),
        _ => None,
    }
}

/// `w:type` of every section in document order (the final `w:sectPr`
/// included), ignoring old properties inside `w:sectPrChange`.
fn section_types(xml: &str) -> Vec<Option<String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    let mut types = Vec::new();
    let mut path: Vec<String> = Vec::new();
    loop {
        let (element, empty) = match reader.read_event() {
            Ok(Event::Start(element)) => (element, false),
            Ok(Event::Empty(element)) => (element, true),
            Ok(Event::End(_)) => {
                path.pop();
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let name = local(element.name().0);
        let in_change = path.iter().any(|p| p == "sectPrChange");
        if !in_change {
            if name == "sectPr" {
                types.push(None);
            } else if name == "type"
                && path.last().is_some_and(|p| p == "sectPr")
                && let (Some(last), Some(value)) = (types.last_mut(), attr(&element, "val"))
            {
                *last = Some(value.into_owned());
            }
        }
        if !empty {
            path.push(name.to_owned());
        }
    }
    types
}

#[cfg(test)]
mod tests;
