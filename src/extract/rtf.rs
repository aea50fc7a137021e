//! Rich Text Format (`.rtf`, and the `.doc` files that are really RTF —
//! common in government exports).
//!
//! A real tokenizer: groups, control words with their parameters, control
//! symbols, `\uN` with its `\ucN` fallback skipped, `\'hh` bytes decoded in
//! the code page of the current font's `\fcharset` (134 → GBK) or the
//! document's `\ansicpg` (936 is GBK), double-byte characters kept whole
//! across escapes and literal trail bytes. Each group knows its
//! destination:
//!
//! | destination | part |
//! |---|---|
//! | the document | `body`; `\v` → `hidden`, `\deleted` → `deletion`, `\revised` → `insertion` (labelled with the author from `\revtbl`) |
//! | `\header`, `\headerf`, `\headerl`, `\headerr` / `\footer…` | `header` / `footer` |
//! | `\footnote` (`\ftnalt`: endnote) | `footnote` / `endnote` |
//! | `\*\annotation` (author from `\*\atnauthor`) | `comment` |
//! | `\shptxt` | `textbox` |
//! | `\*\fldinst` with words or paths (HYPERLINK, INCLUDETEXT…) | `hidden` "field code" |
//! | `\info` (`\title`, `\author`, `\operator`, `\company`…, the Unicode `\*\ud` copies), `\*\userprops` | `metadata` |
//! | `\*\objdata` (OLE1 objects) | `attachment`, read as a document of its own |
//!
//! Destinations that hold no text (`\fonttbl` — read for the charsets —,
//! `\colortbl`, `\stylesheet`, `\pict`, any other `\*` destination) are
//! skipped; `\bin N` data is stepped over. A file that ends inside open
//! groups, or nests deeper than `--max-depth`, is `partial`.

use super::Request;
use super::doc::sink::{Sink, field_code_worth_reporting};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Severity};
use std::collections::HashMap;

pub fn extract(request: &Request<'_>) -> Extraction {
    let mut out = Extraction::default();
    if !request.bytes.starts_with(b"{\\rtf") {
        out.problems.push(Problem::failed(
            "RTF: the file does not start with {\\rtf, so it is not a Rich Text file or is damaged",
        ));
        return out;
    }
    let mut parser = Parser::new(request);
    parser.run();
    parser.finish(&mut out);
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dest {
    Text(Part),
    /// Skipped (no text), but control words are still seen (font table).
    Skip,
    FontTable,
    Info(&'static str),
    InfoGroup,
    FieldCode,
    AnnotationAuthor,
    RevisionTable,
    ObjectData,
    /// `\*\userprops`: custom properties, `\propname` then `\staticval`.
    UserProps,
    PropName,
    PropValue,
}

#[derive(Clone, Debug)]
struct State {
    dest: Dest,
    /// Label of the text part (header "first page", comment author).
    label: Option<String>,
    uc: usize,
    font: Option<i32>,
    hidden: bool,
    deleted: bool,
    inserted: bool,
    author: Option<usize>,
    /// The group's first control word is still to come (destinations).
    first: bool,
    /// `\*` seen at the start of this group.
    starred: bool,
}

struct Parser<'r, 'a> {
    request: &'r Request<'a>,
    bytes: &'a [u8],
    at: usize,
    stack: Vec<State>,
    state: State,
    sink: Sink,
    ansi_codepage: u16,
    default_font: Option<i32>,
    fonts: HashMap<i32, u16>,
    /// Font being defined in the font table.
    defining_font: Option<i32>,
    pending: Vec<u8>,
    /// Characters of a `\uN` fallback still to skip.
    skip_fallback: usize,
    /// Text of the current info field, field code, author entry.
    capture: String,
    captures: Vec<String>,
    info: Vec<(&'static str, String)>,
    revision_authors: Vec<String>,
    annotation_author: Option<String>,
    comments: usize,
    object: Vec<u8>,
    object_nibble: Option<u8>,
    objects: Vec<Vec<u8>>,
    problems: Vec<Problem>,
    too_deep: bool,
    high_surrogate: Option<u32>,
    property_name: String,
    custom: Vec<(String, String)>,
}

impl<'r, 'a> Parser<'r, 'a> {
    fn new(request: &'r Request<'a>) -> Parser<'r, 'a> {
        Parser {
            request,
            bytes: request.bytes,
            at: 0,
            stack: Vec::new(),
            state: State {
                dest: Dest::Text(Part::Body),
                label: None,
                uc: 1,
                font: None,
                hidden: false,
                deleted: false,
                inserted: false,
                author: None,
                first: false,
                starred: false,
            },
            sink: Sink::default(),
            ansi_codepage: 1252,
            default_font: None,
            fonts: HashMap::new(),
            defining_font: None,
            pending: Vec::new(),
            skip_fallback: 0,
            capture: String::new(),
            captures: Vec::new(),
            info: Vec::new(),
            revision_authors: Vec::new(),
            annotation_author: None,
            comments: 0,
            object: Vec::new(),
            object_nibble: None,
            objects: Vec::new(),
            problems: Vec::new(),
            too_deep: false,
            high_surrogate: None,
            property_name: String::new(),
            custom: Vec::new(),
        }
    }

    fn codepage(&self) -> u16 {
        self.state
            .font
            .or(self.default_font)
            .and_then(|font| self.fonts.get(&font).copied())
            .unwrap_or(self.ansi_codepage)
    }

    fn run(&mut self) {
        let max_depth = self.request.limits.max_depth.max(64) * 4;
        let mut steps = 0u64;
        while self.at < self.bytes.len() {
            steps += 1;
            if steps.is_multiple_of(65_536) && self.request.deadline.passed() {
                self.problems.push(Problem::partial(
                    None,
                    format!(
                        "time budget of {} s exceeded (--timeout): the rest of the RTF file is not read",
                        self.request.limits.time_budget.as_secs()
                    ),
                ));
                return;
            }
            let byte = self.bytes[self.at];
            match byte {
                b'{' => {
                    self.at += 1;
                    self.flush();
                    if self.stack.len() >= max_depth {
                        if !self.too_deep {
                            self.too_deep = true;
                            self.problems.push(Problem::partial(
                                None,
                                format!("RTF groups are nested more than {max_depth} deep (--max-depth): the deeper groups are not read"),
                            ));
                        }
                        self.skip_group();
                        continue;
                    }
                    let mut inner = self.state.clone();
                    inner.first = true;
                    inner.starred = false;
                    self.stack.push(std::mem::replace(&mut self.state, inner));
                    self.skip_fallback = 0;
                }
                b'}' => {
                    self.at += 1;
                    self.flush();
                    self.end_group();
                    self.skip_fallback = 0;
                    if self.stack.is_empty() && self.state.dest == Dest::Text(Part::Body) {
                        // The end of the document group: anything after it
                        // is not RTF.
                    }
                }
                b'\\' => self.control(),
                b'\r' | b'\n' => self.at += 1,
                _ => {
                    self.at += 1;
                    self.state.first = false;
                    if self.skip_fallback > 0 {
                        self.skip_fallback -= 1;
                        continue;
                    }
                    self.text_byte(byte);
                }
            }
        }
        self.flush();
        if !self.stack.is_empty() {
            self.problems.push(Problem::partial(
                None,
                format!(
                    "the RTF file ends inside {} open groups: it is probably cut short, and what followed is not read",
                    self.stack.len()
                ),
            ));
        }
    }

    /// Skips a whole group (the `{` already consumed).
    fn skip_group(&mut self) {
        let mut depth = 1usize;
        while self.at < self.bytes.len() && depth > 0 {
            match self.bytes[self.at] {
                b'\\' => self.at += 1,
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            self.at += 1;
        }
    }

    fn text_byte(&mut self, byte: u8) {
        match self.state.dest {
            Dest::ObjectData => {
                let nibble = match byte {
                    b'0'..=b'9' => byte - b'0',
                    b'a'..=b'f' => byte - b'a' + 10,
                    b'A'..=b'F' => byte - b'A' + 10,
                    _ => return,
                };
                match self.object_nibble.take() {
                    Some(high) => {
                        if (self.object.len() as u64) < self.request.limits.max_part_bytes {
                            self.object.push(high << 4 | nibble);
                        }
                    }
                    None => self.object_nibble = Some(nibble),
                }
            }
            Dest::Skip | Dest::FontTable | Dest::InfoGroup => {}
            _ => self.pending.push(byte),
        }
    }

    /// Decodes the pending 8-bit bytes in the current code page.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let text = super::ole_properties::decode_codepage(&bytes, self.codepage());
        self.emit(&text);
    }

    fn emit(&mut self, text: &str) {
        match self.state.dest {
            Dest::Text(part) => {
                let (part, label) = if self.state.deleted {
                    (Part::Deletion, self.author_label())
                } else if self.state.hidden {
                    (Part::Hidden, None)
                } else if self.state.inserted {
                    (Part::Insertion, self.author_label())
                } else {
                    (part, self.state.label.clone())
                };
                self.sink.push(part, label.as_deref(), text);
            }
            Dest::Info(_)
            | Dest::FieldCode
            | Dest::AnnotationAuthor
            | Dest::RevisionTable
            | Dest::PropName
            | Dest::PropValue => self.capture.push_str(text),
            _ => {}
        }
    }

    fn author_label(&self) -> Option<String> {
        self.state
            .author
            .and_then(|i| self.revision_authors.get(i))
            .filter(|a| !a.is_empty() && a.as_str() != "Unknown")
            .cloned()
    }

    fn end_group(&mut self) {
        let Some(outer) = self.stack.pop() else {
            return;
        };
        let inner = std::mem::replace(&mut self.state, outer);
        // A revision-table entry ends at its group: one author per group.
        if inner.dest == Dest::RevisionTable && self.state.dest == Dest::RevisionTable {
            let author = std::mem::take(&mut self.capture);
            self.revision_authors
                .push(author.trim().trim_end_matches(';').trim().to_owned());
            return;
        }
        if inner.dest == self.state.dest {
            return;
        }
        match inner.dest {
            Dest::Info(label) => {
                let value = std::mem::take(&mut self.capture);
                let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                if !value.is_empty() {
                    self.info.push((label, value));
                }
                self.restore_capture();
            }
            Dest::FieldCode => {
                let code = std::mem::take(&mut self.capture);
                let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
                if field_code_worth_reporting(&code) {
                    self.sink.field_code(code);
                }
                self.restore_capture();
            }
            Dest::PropName => {
                let name = std::mem::take(&mut self.capture);
                self.restore_capture();
                self.property_name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            }
            Dest::PropValue => {
                let value = std::mem::take(&mut self.capture);
                self.restore_capture();
                let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                let name = std::mem::take(&mut self.property_name);
                self.custom.push((name, value));
            }
            Dest::AnnotationAuthor => {
                let author = std::mem::take(&mut self.capture).trim().to_owned();
                self.annotation_author = (!author.is_empty()).then_some(author);
                self.restore_capture();
            }
            Dest::RevisionTable => self.capture.clear(),
            Dest::ObjectData => {
                let object = std::mem::take(&mut self.object);
                self.object_nibble = None;
                if !object.is_empty() {
                    self.objects.push(object);
                }
            }
            Dest::Text(part @ Part::Comment) => {
                self.sink.end_paragraph_of(|p| p == part);
                self.comments += 1;
            }
            Dest::Text(
                part @ (Part::Header
                | Part::Footer
                | Part::Footnote
                | Part::Endnote
                | Part::Textbox),
            ) => {
                self.sink.end_paragraph_of(|p| p == part);
            }
            _ => {}
        }
    }

    fn start_capture(&mut self) {
        self.captures.push(std::mem::take(&mut self.capture));
    }

    fn restore_capture(&mut self) {
        self.capture = self.captures.pop().unwrap_or_default();
    }

    fn set_dest(&mut self, dest: Dest) {
        if matches!(
            dest,
            Dest::Info(_)
                | Dest::FieldCode
                | Dest::AnnotationAuthor
                | Dest::PropName
                | Dest::PropValue
        ) {
            self.start_capture();
        }
        self.state.dest = dest;
    }

    fn control(&mut self) {
        let bytes = self.bytes;
        let start = self.at + 1;
        let Some(&next) = bytes.get(start) else {
            self.at = start;
            return;
        };
        if !next.is_ascii_alphabetic() {
            // Control symbol.
            self.at = start + 1;
            let first = std::mem::replace(&mut self.state.first, false);
            match next {
                b'\'' => {
                    let hex = bytes.get(start + 1..start + 3).unwrap_or(&[]);
                    self.at = (start + 3).min(bytes.len());
                    let value = std::str::from_utf8(hex)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    if self.skip_fallback > 0 {
                        self.skip_fallback -= 1;
                        return;
                    }
                    if let Some(value) = value {
                        match self.state.dest {
                            Dest::Skip | Dest::FontTable | Dest::InfoGroup | Dest::ObjectData => {}
                            _ => self.pending.push(value),
                        }
                    }
                }
                b'*' if first => {
                    self.state.starred = true;
                    self.state.first = true;
                }
                b'~' => {
                    self.flush();
                    self.emit(" ");
                }
                b'_' => {
                    self.flush();
                    self.emit("-");
                }
                b'\\' | b'{' | b'}' => {
                    if self.skip_fallback > 0 {
                        self.skip_fallback -= 1;
                        return;
                    }
                    self.pending.push(next);
                }
                b'\r' | b'\n' => {
                    self.flush();
                    self.paragraph();
                }
                _ => {}
            }
            return;
        }
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_alphabetic() && end - start < 32 {
            end += 1;
        }
        let word = std::str::from_utf8(&bytes[start..end]).unwrap_or("");
        let mut param_end = end;
        if param_end < bytes.len() && bytes[param_end] == b'-' {
            param_end += 1;
        }
        while param_end < bytes.len() && bytes[param_end].is_ascii_digit() && param_end - end < 11 {
            param_end += 1;
        }
        let param: Option<i32> = std::str::from_utf8(&bytes[end..param_end])
            .ok()
            .and_then(|p| p.parse::<i64>().ok())
            .map(|p| p.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
        self.at = param_end;
        if self.at < bytes.len() && bytes[self.at] == b' ' {
            self.at += 1;
        }
        let word = word.to_owned();
        // A character-producing control word inside a \uN fallback counts
        // as one fallback character.
        if self.skip_fallback > 0 && !matches!(word.as_str(), "bin") {
            self.skip_fallback -= 1;
            return;
        }
        // Words that change the code page end the pending bytes first.
        if matches!(
            word.as_str(),
            "f" | "u" | "plain" | "ansicpg" | "par" | "cell" | "row"
        ) || !self.pending.is_empty()
        {
            self.flush();
        }
        let first = std::mem::replace(&mut self.state.first, false);
        if first && self.destination(&word, param) {
            return;
        }
        if self.state.starred && first {
            // An ignorable destination prepub does not know: skipped.
            self.state.dest = Dest::Skip;
            return;
        }
        self.word(&word, param);
    }

    /// Handles a control word at the start of a group that names a
    /// destination; false when it is not one.
    fn destination(&mut self, word: &str, param: Option<i32>) -> bool {
        let dest = match word {
            "fonttbl" => Dest::FontTable,
            "colortbl" | "stylesheet" | "listtable" | "listoverridetable" | "pict"
            | "themedata" | "colorschememapping" | "datastore" | "latentstyles" | "xmlnstbl"
            | "rsidtbl" | "generator" | "filetbl" | "pgdsctbl" | "mmathPr" | "bkmkstart"
            | "bkmkend" | "atnid" | "atnicn" | "atntime" | "atndate" | "atnref" | "template"
            | "nonshppict" | "blipuid" | "fldtype" | "objclass" | "objname" | "result"
            | "panose" | "falt" | "oldcprops" | "oldpprops" | "oldtprops" | "oldsprops"
            | "xmlopen" | "xmlclose" | "wgrffmtfilter" | "mhtmltag" | "pnseclvl" | "listtext"
            | "pntext" | "sp" | "sn" | "sv" | "shpinst" | "shprslt" | "private" | "docvar" => {
                Dest::Skip
            }
            "info" => Dest::InfoGroup,
            // `\upr` holds an ANSI copy and, in `\*\ud`, the Unicode one.
            "upr" => Dest::Skip,
            "ud" => Dest::InfoGroup,
            "userprops" => Dest::UserProps,
            "propname" if self.state.dest == Dest::UserProps => Dest::PropName,
            "staticval" if self.state.dest == Dest::UserProps => Dest::PropValue,
            _ if self.state.dest == Dest::UserProps => Dest::Skip,
            "title" if self.state.dest == Dest::InfoGroup => Dest::Info("title"),
            "subject" if self.state.dest == Dest::InfoGroup => Dest::Info("subject"),
            "author" if self.state.dest == Dest::InfoGroup => Dest::Info("author"),
            "operator" if self.state.dest == Dest::InfoGroup => Dest::Info("last modified by"),
            "manager" if self.state.dest == Dest::InfoGroup => Dest::Info("manager"),
            "company" if self.state.dest == Dest::InfoGroup => Dest::Info("company"),
            "keywords" if self.state.dest == Dest::InfoGroup => Dest::Info("keywords"),
            "comment" | "doccomm" if self.state.dest == Dest::InfoGroup => Dest::Info("comments"),
            "category" if self.state.dest == Dest::InfoGroup => Dest::Info("category"),
            "hlinkbase" if self.state.dest == Dest::InfoGroup => Dest::Info("hyperlink base"),
            _ if self.state.dest == Dest::InfoGroup => Dest::Skip,
            "fldinst" => Dest::FieldCode,
            "atnauthor" => Dest::AnnotationAuthor,
            "revtbl" => Dest::RevisionTable,
            "objdata" => Dest::ObjectData,
            "annotation" => {
                self.state.label = self.annotation_author.take();
                Dest::Text(Part::Comment)
            }
            "footnote" => Dest::Text(Part::Footnote),
            "shptxt" => Dest::Text(Part::Textbox),
            "header" | "headerl" | "headerr" | "headerf" | "footer" | "footerl" | "footerr"
            | "footerf" => {
                let which = match &word[word.len() - 1..] {
                    "f" => "first page",
                    "l" => "even pages",
                    "r" => "odd pages",
                    _ => "all pages",
                };
                self.state.label = Some(which.to_owned());
                Dest::Text(if word.starts_with("header") {
                    Part::Header
                } else {
                    Part::Footer
                })
            }
            _ => {
                let _ = param;
                return false;
            }
        };
        if let Dest::Text(part) = dest
            && part != Part::Comment
            && !word.starts_with("header")
            && !word.starts_with("footer")
        {
            self.state.label = None;
        }
        self.set_dest(dest);
        true
    }

    fn paragraph(&mut self) {
        match self.state.dest {
            Dest::Text(part) => self.sink.end_paragraph_of(|p| {
                p == part || matches!(p, Part::Hidden | Part::Deletion | Part::Insertion)
            }),
            Dest::Info(_) | Dest::FieldCode => self.capture.push(' '),
            _ => {}
        }
    }

    fn word(&mut self, word: &str, param: Option<i32>) {
        let on = param != Some(0);
        match word {
            "ansicpg" => {
                if let Some(cp) = param.filter(|&p| p > 0 && p < 65536) {
                    self.ansi_codepage = cp as u16;
                }
            }
            "mac" => self.ansi_codepage = 10000,
            "deff" => self.default_font = param,
            "f" => {
                if self.state.dest == Dest::FontTable {
                    self.defining_font = param;
                } else {
                    self.state.font = param;
                }
            }
            "fcharset" if self.state.dest == Dest::FontTable => {
                if let (Some(font), Some(charset)) = (self.defining_font, param)
                    && let Some(codepage) = charset_codepage(charset)
                {
                    self.fonts.insert(font, codepage);
                }
            }
            "cpg" if self.state.dest == Dest::FontTable => {
                if let (Some(font), Some(cp)) = (self.defining_font, param)
                    && cp > 0
                    && cp < 65536
                {
                    self.fonts.insert(font, cp as u16);
                }
            }
            "uc" => self.state.uc = param.unwrap_or(1).clamp(0, 16) as usize,
            "u" => {
                if let Some(value) = param {
                    let code = if value < 0 { value + 65536 } else { value } as u32;
                    if self.state.dest == Dest::ObjectData {
                        return;
                    }
                    // Characters beyond the BMP come as two \u, a surrogate
                    // pair.
                    let high = self.high_surrogate.take();
                    if (0xD800..0xDC00).contains(&code) {
                        self.high_surrogate = Some(code);
                        self.skip_fallback = self.state.uc;
                        return;
                    }
                    let c = match high {
                        Some(high) if (0xDC00..0xE000).contains(&code) => {
                            char::from_u32(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00))
                        }
                        _ => char::from_u32(code),
                    }
                    .unwrap_or('\u{FFFD}');
                    let mut buffer = [0u8; 4];
                    self.emit(c.encode_utf8(&mut buffer));
                    self.skip_fallback = self.state.uc;
                }
            }
            "bin" => {
                let skip = param.unwrap_or(0).max(0) as usize;
                self.at = self.at.saturating_add(skip).min(self.bytes.len());
            }
            "par" | "line" | "sect" | "page" | "row" | "lbr" => self.paragraph(),
            "cell" | "tab" | "nestcell" => self.emit("\t"),
            "emdash" => self.emit("—"),
            "endash" => self.emit("–"),
            "lquote" => self.emit("‘"),
            "rquote" => self.emit("’"),
            "ldblquote" => self.emit("“"),
            "rdblquote" => self.emit("”"),
            "bullet" => self.emit("•"),
            "emspace" | "enspace" | "qmspace" => self.emit(" "),
            "plain" => {
                self.state.hidden = false;
                self.state.deleted = false;
                self.state.inserted = false;
            }
            "v" => self.state.hidden = on,
            "deleted" => self.state.deleted = on,
            "revised" => self.state.inserted = on,
            "revauth" | "revauthdel" => {
                self.state.author = param.and_then(|p| usize::try_from(p).ok());
            }
            "ftnalt" if self.state.dest == Dest::Text(Part::Footnote) => {
                self.state.dest = Dest::Text(Part::Endnote);
            }
            "chatn" | "chftn" | "chpgn" | "chdate" | "chtime" => {}
            _ => {}
        }
    }

    fn finish(mut self, out: &mut Extraction) {
        let request = self.request;
        let sink = std::mem::take(&mut self.sink);
        let (segments, facts) = sink.into_segments();
        out.segments.extend(segments);
        for (label, value) in std::mem::take(&mut self.info) {
            super::properties::push_field(label, &value, "rtf", out);
        }
        for (name, value) in std::mem::take(&mut self.custom) {
            super::properties::push_custom(&name, &value, out);
        }
        out.problems.append(&mut self.problems);
        for (index, object) in self.objects.iter().enumerate() {
            let what = format!("embedded object {}", index + 1);
            match ole1_native(object) {
                Some((class, data)) => {
                    let what = format!("{what} ({class})");
                    super::embedded::read(request, &what, &class, data, out);
                }
                None => out.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("{what}: its object data (\\objdata) is damaged and is not read"),
                )),
            }
        }
        let comments = self.comments;
        let mut pending = Vec::new();
        if comments > 0 {
            pending.push(format!("{comments} comment(s)"));
        }
        if facts.revisions > 0 {
            pending.push(format!("{} tracked change(s)", facts.revisions));
        }
        if !pending.is_empty() {
            out.notices.push(Notice {
                rule: "hidden.rtf.revisions".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!(
                    "{} must be resolved before publishing",
                    pending.join(" and ")
                ),
                part: if comments > 0 {
                    Part::Comment
                } else {
                    Part::Deletion
                },
                page: None,
                text: facts.authors.join(", "),
            });
        }
        if facts.hidden_passages > 0 {
            out.notices.push(Notice {
                rule: "hidden.rtf.hidden-text".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!(
                    "{} passage(s) of hidden text (\\v): not printed but published with the file",
                    facts.hidden_passages
                ),
                part: Part::Hidden,
                page: None,
                text: facts
                    .first_hidden
                    .unwrap_or_default()
                    .chars()
                    .take(80)
                    .collect(),
            });
        }
    }
}

/// The code page of an RTF `\fcharset`.
fn charset_codepage(charset: i32) -> Option<u16> {
    Some(match charset {
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        77 => 10000,
        _ => return None,
    })
}

/// An OLE1 embedded object ([MS-OLEDS] 2.2.4): its class name and native
/// data.
fn ole1_native(bytes: &[u8]) -> Option<(String, &[u8])> {
    use super::ole::u32_at;
    let format = u32_at(bytes, 4)?;
    if format != 2 {
        return None;
    }
    let mut at = 8;
    let mut strings = Vec::new();
    for _ in 0..3 {
        let len = u32_at(bytes, at)? as usize;
        let data = bytes.get(at + 4..(at + 4).checked_add(len)?)?;
        strings.push(
            String::from_utf8_lossy(data)
                .trim_end_matches('\0')
                .to_owned(),
        );
        at += 4 + len;
    }
    let size = u32_at(bytes, at)? as usize;
    let data = bytes.get(at + 4..(at + 4).checked_add(size)?.min(bytes.len()))?;
    Some((strings.swap_remove(0), data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::limits::{Deadline, Limits};
    use crate::extract::testing::{run, segment_with};

    fn read(rtf: &[u8]) -> Extraction {
        run(extract, "a.rtf", rtf, &Limits::default(), Deadline::never())
    }

    #[test]
    fn gbk_escapes_unicode_and_fallbacks() {
        // 机密 in GBK is BB FA C3 DC; \u20869 is 内 with fallback '?'.
        let out = read(
            b"{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\uc1 \\'bb\\'fa\\'c3\\'dc \\u20869?\\par}",
        );
        assert_eq!(out.segments[0].text, "机密 内");
        let out = read(b"{\\rtf1 \\u-10240?\\u-8398?\\par}");
        assert_eq!(out.segments[0].text, "\u{10332}");
        assert_eq!(out.segments[0].part, Part::Body);
    }

    #[test]
    fn font_charset_decides_over_ansicpg() {
        let out = read(
            b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}{\\f1\\fcharset134 SimSun;}}\\f0 caf\\'e9 {\\f1 \\'bb\\'fa\\'c3\\'dc}\\par}",
        );
        assert_eq!(out.segments[0].text, "café 机密");
    }

    #[test]
    fn parts_of_an_rtf_document() {
        let rtf = b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\*\\revtbl{Unknown;}{Zhang San;}}{\\info{\\title Plan}{\\author Li Si}}\
{\\header \\pard Internal header\\par}\
Body text{\\v secret hidden}{\\deleted\\revauthdel1 old words} and {\\revised\\revauth1 new words}.\
{\\*\\atnauthor Wang Wu}\\chatn{\\*\\annotation Please remove}\
{\\footnote \\chftn Footnote text}\
{\\field{\\*\\fldinst HYPERLINK \"http://intranet/x\"}{\\fldrslt link}}\
{\\pict\\pngblip 89504e47}\\par}";
        let out = read(rtf);
        assert_eq!(
            segment_with(&out, Part::Body, "Body text").text,
            "Body text and .link"
        );
        segment_with(&out, Part::Hidden, "secret hidden");
        let deleted = segment_with(&out, Part::Deletion, "old words");
        assert_eq!(deleted.label.as_deref(), Some("Zhang San"));
        segment_with(&out, Part::Insertion, "new words");
        let comment = segment_with(&out, Part::Comment, "Please remove");
        assert_eq!(comment.label.as_deref(), Some("Wang Wu"));
        segment_with(&out, Part::Footnote, "Footnote text");
        segment_with(&out, Part::Header, "Internal header");
        let code = segment_with(&out, Part::Hidden, "http://intranet/x");
        // Code, whose quotes delimit arguments; hidden text is writing.
        assert_eq!(code.kind, crate::extract::document::TextKind::Code);
        assert_eq!(
            segment_with(&out, Part::Hidden, "secret hidden").kind,
            crate::extract::document::TextKind::Prose
        );
        segment_with(&out, Part::Metadata, "Li Si");
        assert!(!out.segments.iter().any(|s| s.text.contains("89504e47")));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }

    #[test]
    fn damaged_rtf_is_partial_and_never_panics() {
        let out = read(b"{\\rtf1\\ansi {\\b bold text");
        assert_eq!(
            out.status(),
            crate::extract::document::ExtractionStatus::Partial
        );
        let deep = [b"{\\rtf1 ".as_slice(), &[b'{'; 100_000]].concat();
        let out = read(&deep);
        assert!(out.problems.iter().any(|p| p.message.contains("nested")));
        for input in [
            &b"{\\rtf1\\u"[..],
            b"{\\rtf1\\'",
            b"{\\rtf1\\'z",
            b"{\\rtf1\\bin99999999 x}",
            b"{\\rtf1\\u-99999999999999 x}",
            b"{\\rtf1{\\*\\objdata 0102}}",
        ] {
            let _ = read(input);
        }
    }
}
