//! OpenDocument text, spreadsheets and presentations (ODT, ODS, ODP), as
//! LibreOffice and WPS write them.
//!
//! `content.xml` holds the text. What a reader does not see is read too:
//! tracked deletions (`text:tracked-changes`) are `deletion` with their
//! author, tracked insertions are also reported as `insertion`; comments
//! (`office:annotation`) are `comment`; text hidden by a style
//! (`text:display="none"`), hidden sections, hidden-text fields, hidden
//! rows, columns, sheets and slides are `hidden`. Footnotes and endnotes,
//! text frames, speaker notes, headers and footers (`styles.xml` master
//! pages) each have their part; `meta.xml` is `metadata`. Embedded objects
//! (`Object 1/content.xml`) and stored earlier versions (`Versions/`) are
//! read as attachments.
//!
//! Spreadsheet rows follow the XLSX convention: one segment per row, cells
//! joined by `\t` from the row's first non-empty column, `sheet` and `cell`
//! naming the first cell.

use super::container::Container;
use super::xlsx::{cell_reference, row_segment};
use super::xml::{self, Element};
use super::{Request, embedded, properties};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Spreadsheet columns beyond this are not read (LibreOffice's own limit is
/// 16384); a repeat count pointing past it cannot make us allocate.
const MAX_COLUMNS: u64 = 16_384;

/// Empty or identical repeated rows are collapsed; rows with content that
/// repeat are reported once.
const MAX_ROWS: u64 = 1 << 20;

pub fn extract(request: &Request<'_>) -> Extraction {
    if is_flat(request.bytes) {
        return extract_flat(request);
    }
    let container = match Container::open(request.bytes, request.limits) {
        Ok(container) => container,
        Err(message) => return Extraction::failed(format!("OpenDocument: {message}")),
    };
    let depth = request.limits.max_depth;
    let mut out = Extraction::default();
    let content = match container.read("content.xml") {
        Ok(bytes) => xml::parse_bytes(&bytes, depth),
        Err(error) => {
            return Extraction::failed(format!(
                "OpenDocument: content.xml cannot be read ({error}): not an OpenDocument file, or a damaged one"
            ));
        }
    };
    if let Some(error) = &content.error {
        out.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            format!("content.xml: {error}; text after that point is not read"),
        ));
    }
    let styles_part = container
        .read("styles.xml")
        .ok()
        .map(|bytes| xml::parse_bytes(&bytes, depth));
    let format = read_content(
        request,
        content.document(),
        styles_part.as_ref().map(|p| p.document()),
        &mut out,
    );
    read_objects(request, &container, depth, &mut out);
    properties::odf(&container, depth, format, &mut out);
    out
}

/// Whether the bytes are a flat (single XML file) OpenDocument:
/// `.fodt`, `.fods`, `.fodp`, whose root is `office:document`.
pub(crate) fn is_flat(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"PK") {
        return false;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    head.contains("<office:document ") || head.contains("<office:document>")
}

/// A flat OpenDocument: content, styles and meta in one XML document.
fn extract_flat(request: &Request<'_>) -> Extraction {
    let limits = request.limits;
    if request.bytes.len() as u64 > limits.max_part_bytes {
        return Extraction::failed(format!(
            "flat OpenDocument of {} bytes is over the per-part limit of {} bytes (--max-part-size)",
            request.bytes.len(),
            limits.max_part_bytes
        ));
    }
    let depth = limits.max_depth;
    let parsed = xml::parse_bytes(request.bytes, depth);
    let mut out = Extraction::default();
    if let Some(error) = &parsed.error {
        out.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            format!("flat OpenDocument XML: {error}; text after that point is not read"),
        ));
    }
    let document = parsed.document();
    let format = read_content(request, document, Some(document), &mut out);
    properties::odf_meta(document, format, &mut out);
    out
}

/// Reads the body (from `content`) and master pages (from `styles`).
fn read_content(
    request: &Request<'_>,
    content: &Element,
    styles_part: Option<&Element>,
    out: &mut Extraction,
) -> &'static str {
    let mut styles = Styles::default();
    if let Some(parsed) = styles_part {
        styles.add(parsed);
    }
    styles.add(content);

    let mut walker = Walker::new(&styles, request);
    let body = content.child("body");
    let kind = body
        .and_then(|b| b.elements().next())
        .map(|e| e.name.clone())
        .unwrap_or_default();
    let format = match kind.as_str() {
        "spreadsheet" => "ods",
        "presentation" | "drawing" => "odp",
        _ => "odt",
    };
    if let Some(document) = body.and_then(|b| b.elements().next()) {
        if let Some(changes) = document.child("tracked-changes") {
            walker.tracked_changes(changes);
        }
        match kind.as_str() {
            "spreadsheet" => walker.spreadsheet(document),
            "presentation" | "drawing" => walker.presentation(document),
            _ => {
                let mut lines = Vec::new();
                walker.blocks(document, &mut lines);
                walker.push(Segment::new(Part::Body, lines.join("\n")));
            }
        }
    } else {
        out.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            "content.xml has no office:body: no text was found",
        ));
    }
    if let Some(parsed) = styles_part {
        walker.master_pages(parsed);
    }
    walker.finish(out, format);
    format
}

/// What the styles say about visibility.
#[derive(Default)]
struct Styles {
    /// Text and paragraph styles with `text:display="none"`.
    hidden_text: HashSet<String>,
    /// Parent of each style, to inherit hiddenness.
    parents: HashMap<String, String>,
    /// Table styles with `table:display="false"` (hidden sheets).
    hidden_tables: HashSet<String>,
    /// Drawing-page styles with `presentation:visibility="hidden"`.
    hidden_pages: HashSet<String>,
}

impl Styles {
    fn add(&mut self, document: &Element) {
        for container in ["styles", "automatic-styles"] {
            let Some(list) = document.child(container) else {
                continue;
            };
            for style in list.children_named("style") {
                let Some(name) = style.attr("name") else {
                    continue;
                };
                if let Some(parent) = style.attr("parent-style-name") {
                    self.parents.insert(name.to_owned(), parent.to_owned());
                }
                if style
                    .child("text-properties")
                    .and_then(|p| p.attr("display"))
                    == Some("none")
                {
                    self.hidden_text.insert(name.to_owned());
                }
                if style
                    .child("table-properties")
                    .and_then(|p| p.attr("display"))
                    == Some("false")
                {
                    self.hidden_tables.insert(name.to_owned());
                }
                if style
                    .child("drawing-page-properties")
                    .and_then(|p| p.attr("visibility"))
                    == Some("hidden")
                {
                    self.hidden_pages.insert(name.to_owned());
                }
            }
        }
    }

    fn text_hidden(&self, style: Option<&str>) -> bool {
        let mut current = style;
        for _ in 0..32 {
            let Some(name) = current else {
                return false;
            };
            if self.hidden_text.contains(name) {
                return true;
            }
            current = self.parents.get(name).map(String::as_str);
        }
        false
    }
}

/// The change-info of a tracked change: "author, date".
fn change_label(info: Option<&Element>) -> String {
    let Some(info) = info else {
        return String::new();
    };
    [info.child_text("creator"), info.child_text("date")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

struct Walker<'s, 'r> {
    styles: &'s Styles,
    request: &'s Request<'r>,
    segments: Vec<Segment>,
    problems: Vec<Problem>,
    /// Open insertion regions (id) while walking the body.
    active_insertions: Vec<String>,
    /// Insertion id → (label, text gathered between its start and end).
    insertions: BTreeMap<String, (String, String)>,
    counts: BTreeMap<&'static str, usize>,
    /// Sheet or slide being read, for locations.
    page: Option<u32>,
    /// Sheets or slides, for `Extraction::pages`.
    pages: Option<u32>,
    timed_out: bool,
}

impl<'s, 'r> Walker<'s, 'r> {
    fn new(styles: &'s Styles, request: &'s Request<'r>) -> Walker<'s, 'r> {
        Walker {
            styles,
            request,
            segments: Vec::new(),
            problems: Vec::new(),
            active_insertions: Vec::new(),
            insertions: BTreeMap::new(),
            counts: BTreeMap::new(),
            page: None,
            pages: None,
            timed_out: false,
        }
    }

    fn push(&mut self, mut segment: Segment) {
        if segment.page.is_none() {
            segment.page = self.page;
        }
        if !segment.text.trim().is_empty() {
            self.segments.push(segment);
        }
    }

    fn count(&mut self, what: &'static str) {
        *self.counts.entry(what).or_default() += 1;
    }

    fn out_of_time(&mut self) -> bool {
        if !self.timed_out && self.request.deadline.passed() {
            self.timed_out = true;
            self.problems.push(Problem::partial(
                None,
                format!(
                    "time budget of {} s exceeded (--timeout): the rest of the document is not read",
                    self.request.limits.time_budget.as_secs()
                ),
            ));
        }
        self.timed_out
    }

    /// Deletions keep their text in the tracked-changes list; insertions
    /// only their author (their text is in the body, between markers).
    fn tracked_changes(&mut self, changes: &Element) {
        for region in changes.children_named("changed-region") {
            let id = region.attr("id").unwrap_or("").to_owned();
            for change in region.elements() {
                let label = change_label(change.child("change-info"));
                match change.name.as_str() {
                    "deletion" => {
                        let mut lines = Vec::new();
                        self.blocks(change, &mut lines);
                        self.count("deletion");
                        self.push(Segment::new(Part::Deletion, lines.join("\n")).with_label(label));
                    }
                    "insertion" => {
                        self.insertions.insert(id.clone(), (label, String::new()));
                    }
                    _ => {}
                }
            }
        }
    }

    /// Block-level content: paragraphs, headings, lists, tables, sections.
    /// Finished lines go to `lines`; notes, comments, frames and hidden
    /// content go to their own segments.
    fn blocks(&mut self, parent: &Element, lines: &mut Vec<String>) {
        for element in parent.elements() {
            match element.name.as_str() {
                "p" | "h" => {
                    // A hidden-paragraph field hides the paragraph it is in
                    // (when its condition held at the last save).
                    let field_hidden = element
                        .children_named("hidden-paragraph")
                        .any(|field| field.attr("is-hidden") != Some("false"));
                    let style_hidden = self.styles.text_hidden(element.attr("style-name"));
                    let paragraph = self.paragraph(element);
                    if field_hidden || style_hidden {
                        self.count("hidden paragraph");
                        let label = if field_hidden {
                            "paragraph hidden by a field"
                        } else {
                            "paragraph hidden by its style"
                        };
                        self.push(
                            Segment::new(Part::Hidden, paragraph.join("\n")).with_label(label),
                        );
                    } else {
                        lines.extend(paragraph);
                    }
                }
                "section" => {
                    let hidden = matches!(element.attr("display"), Some("none" | "condition"))
                        || element.attr("is-hidden") == Some("true");
                    if hidden {
                        let mut inner = Vec::new();
                        self.blocks(element, &mut inner);
                        self.count("hidden section");
                        let name = element.attr("name").unwrap_or("");
                        self.push(
                            Segment::new(Part::Hidden, inner.join("\n"))
                                .with_label(format!("hidden section {name}").trim().to_owned()),
                        );
                    } else {
                        self.blocks(element, lines);
                    }
                }
                "table" => lines.extend(self.text_table(element)),
                "tracked-changes" | "sequence-decls" | "variable-decls" | "user-field-decls"
                | "forms" | "note-citation" => {}
                "frame" => self.frame(element, lines),
                "annotation" => self.annotation(element),
                _ => self.blocks(element, lines),
            }
        }
    }

    /// A paragraph's lines (line breaks split it).
    fn paragraph(&mut self, paragraph: &Element) -> Vec<String> {
        let mut lines = vec![String::new()];
        self.inline(paragraph, &mut lines, false);
        lines
            .into_iter()
            .map(|line| line.trim().to_owned())
            .filter(|line| !line.is_empty())
            .collect()
    }

    fn add_text(&mut self, lines: &mut [String], text: &str) {
        if let Some(last) = lines.last_mut() {
            last.push_str(text);
        }
        for id in &self.active_insertions {
            if let Some((_, inserted)) = self.insertions.get_mut(id) {
                inserted.push_str(text);
            }
        }
    }

    fn inline(&mut self, parent: &Element, lines: &mut Vec<String>, hidden: bool) {
        for node in &parent.children {
            let element = match node {
                xml::Node::Text(text) => {
                    let text: String = text
                        .chars()
                        .map(|c| {
                            if c.is_whitespace() && c != '\u{3000}' {
                                ' '
                            } else {
                                c
                            }
                        })
                        .collect();
                    self.add_text(lines, &text);
                    continue;
                }
                xml::Node::Element(element) => element,
            };
            match element.name.as_str() {
                "s" => {
                    let count = element
                        .attr("c")
                        .and_then(|c| c.parse::<usize>().ok())
                        .unwrap_or(1)
                        .min(100);
                    self.add_text(lines, &" ".repeat(count));
                }
                "tab" => self.add_text(lines, " "),
                "line-break" => lines.push(String::new()),
                "span" | "a" | "meta" | "ruby" | "ruby-base" | "ruby-text" => {
                    if !hidden && self.styles.text_hidden(element.attr("style-name")) {
                        let mut inner = vec![String::new()];
                        self.inline(element, &mut inner, true);
                        self.count("hidden text");
                        self.push(
                            Segment::new(Part::Hidden, inner.join("\n"))
                                .with_label("text hidden by its style"),
                        );
                    } else {
                        self.inline(element, lines, hidden);
                    }
                }
                "hidden-text" => {
                    let value = element.attr("string-value").unwrap_or("").to_owned();
                    let shown = element.attr("is-hidden") == Some("false");
                    if shown {
                        self.add_text(lines, &value);
                    } else {
                        self.count("hidden text");
                        self.push(
                            Segment::new(Part::Hidden, value).with_label("hidden text field"),
                        );
                    }
                }
                "note" => self.note(element),
                "annotation" => self.annotation(element),
                "annotation-end"
                | "bookmark"
                | "bookmark-start"
                | "bookmark-end"
                | "reference-mark"
                | "reference-mark-start"
                | "reference-mark-end"
                | "soft-page-break"
                | "change" => {}
                "change-start" => {
                    if let Some(id) = element.attr("change-id")
                        && self.insertions.contains_key(id)
                    {
                        self.active_insertions.push(id.to_owned());
                    }
                }
                "change-end" => {
                    if let Some(id) = element.attr("change-id") {
                        self.active_insertions.retain(|active| active != id);
                    }
                }
                "frame" => {
                    let mut frame_lines = Vec::new();
                    self.frame(element, &mut frame_lines);
                    // A frame anchored as a character carrying an image's
                    // description: the description stands in the text.
                    for line in frame_lines {
                        self.add_text(lines, &format!(" {line} "));
                    }
                }
                _ => self.inline(element, lines, hidden),
            }
        }
    }

    fn note(&mut self, note: &Element) {
        let part = if note.attr("note-class") == Some("endnote") {
            Part::Endnote
        } else {
            Part::Footnote
        };
        let citation = note.child_text("note-citation").unwrap_or_default();
        let mut lines = Vec::new();
        if let Some(body) = note.child("note-body") {
            self.blocks(body, &mut lines);
        }
        let mut segment = Segment::new(part, lines.join("\n"));
        if !citation.is_empty() {
            segment = segment.with_label(citation);
        }
        self.count(if part == Part::Endnote {
            "endnote"
        } else {
            "footnote"
        });
        self.push(segment);
    }

    fn annotation(&mut self, annotation: &Element) {
        let mut lines = Vec::new();
        let paragraphs: Vec<&Element> = annotation
            .elements()
            .filter(|e| matches!(e.name.as_str(), "p" | "h" | "list"))
            .collect();
        for paragraph in paragraphs {
            if paragraph.name == "list" {
                self.blocks(paragraph, &mut lines);
            } else {
                lines.extend(self.paragraph(paragraph));
            }
        }
        let label = [
            annotation.child_text("creator"),
            annotation.child_text("date"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let mut segment = Segment::new(Part::Comment, lines.join("\n"));
        if !label.is_empty() {
            segment = segment.with_label(label);
        }
        self.count("comment");
        self.push(segment);
    }

    /// A drawing frame: a text box, a table or an image's title and
    /// description. Text-box content is its own `textbox` segment; an
    /// image's description is returned as a line of the surrounding text.
    fn frame(&mut self, frame: &Element, lines: &mut Vec<String>) {
        for child in frame.elements() {
            match child.name.as_str() {
                "text-box" => {
                    let mut inner = Vec::new();
                    self.blocks(child, &mut inner);
                    let mut segment = Segment::new(Part::Textbox, inner.join("\n"));
                    if let Some(name) = frame.attr("name") {
                        segment = segment.with_label(name.to_owned());
                    }
                    self.push(segment);
                }
                "table" => lines.extend(self.text_table(child)),
                "title" | "desc" => {
                    let text = one_line(&child.text());
                    if !text.is_empty() {
                        lines.push(text);
                    }
                }
                _ => {}
            }
        }
    }

    /// A table in a text document or on a slide: a row per line.
    fn text_table(&mut self, table: &Element) -> Vec<String> {
        let mut lines = Vec::new();
        for row in table_parts(table, "table-row") {
            let cells: Vec<String> = row
                .elements()
                .filter(|c| c.name == "table-cell" || c.name == "covered-table-cell")
                .map(|cell| {
                    let mut inner = Vec::new();
                    self.blocks(cell, &mut inner);
                    inner.join(" ")
                })
                .collect();
            let line = cells.join("\t");
            if !line.trim().is_empty() {
                lines.push(line);
            }
        }
        lines
    }

    fn spreadsheet(&mut self, document: &Element) {
        let sheets: Vec<&Element> = document.children_named("table").collect();
        self.pages = Some(sheets.len() as u32);
        for sheet in sheets {
            if self.out_of_time() {
                return;
            }
            let name = sheet.attr("name").unwrap_or("").to_owned();
            let hidden_sheet = sheet
                .attr("style-name")
                .is_some_and(|s| self.styles.hidden_tables.contains(s));
            if hidden_sheet {
                self.count("hidden sheet");
            }
            self.push(
                Segment::new(
                    if hidden_sheet {
                        Part::Hidden
                    } else {
                        Part::Metadata
                    },
                    one_line(&name),
                )
                .with_label("sheet name"),
            );
            let mut hidden_columns = Vec::new();
            let mut column: u64 = 0;
            for definition in table_parts(sheet, "table-column") {
                let repeat = repeat(definition, "number-columns-repeated");
                if matches!(definition.attr("visibility"), Some("collapse" | "filter")) {
                    hidden_columns.push((column, column.saturating_add(repeat)));
                }
                column = column.saturating_add(repeat);
            }
            let mut row_number: u64 = 0;
            let rows: Vec<&Element> = table_parts(sheet, "table-row");
            for row in rows {
                let repeated = repeat(row, "number-rows-repeated");
                if row_number < MAX_ROWS {
                    let hidden_row = matches!(row.attr("visibility"), Some("collapse" | "filter"));
                    self.sheet_row(
                        &name,
                        row,
                        row_number as u32,
                        hidden_sheet,
                        hidden_row,
                        &hidden_columns,
                    );
                }
                row_number = row_number.saturating_add(repeated);
            }
        }
    }

    fn sheet_row(
        &mut self,
        sheet: &str,
        row: &Element,
        number: u32,
        hidden_sheet: bool,
        hidden_row: bool,
        hidden_columns: &[(u64, u64)],
    ) {
        let mut cells: BTreeMap<u32, String> = BTreeMap::new();
        let mut hidden_cells: BTreeMap<u32, String> = BTreeMap::new();
        let mut column: u64 = 0;
        let mut dropped = false;
        for cell in row
            .elements()
            .filter(|c| c.name == "table-cell" || c.name == "covered-table-cell")
        {
            let repeated = repeat(cell, "number-columns-repeated");
            let mut lines = Vec::new();
            for child in cell.elements() {
                match child.name.as_str() {
                    "annotation" => {
                        let before = self.segments.len();
                        self.annotation(child);
                        for segment in &mut self.segments[before..] {
                            segment.sheet = Some(sheet.to_owned());
                            segment.cell = Some(cell_reference(number, column as u32));
                        }
                    }
                    "p" | "h" | "list" => {
                        let mut wrapper = Element::default();
                        wrapper.children.push(xml::Node::Element(child.clone()));
                        self.blocks(&wrapper, &mut lines);
                    }
                    _ => {}
                }
            }
            let text = lines.join(" ");
            if !text.trim().is_empty() {
                // A value repeated across columns is read for each column,
                // up to a few; more copies add nothing to review.
                for offset in 0..repeated.min(8) {
                    let at = column + offset;
                    if at >= MAX_COLUMNS {
                        dropped = true;
                        break;
                    }
                    let hidden = hidden_columns
                        .iter()
                        .any(|(from, to)| (*from..*to).contains(&at));
                    if hidden && !hidden_sheet && !hidden_row {
                        hidden_cells.insert(at as u32, text.clone());
                    } else {
                        cells.insert(at as u32, text.clone());
                    }
                }
            }
            column = column.saturating_add(repeated);
        }
        if dropped {
            self.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!(
                    "sheet {sheet}: values beyond column {MAX_COLUMNS} of row {} are not read",
                    number + 1
                ),
            ));
        }
        let (part, label) = if hidden_sheet {
            (Part::Hidden, Some("hidden sheet"))
        } else if hidden_row {
            (Part::Hidden, Some("hidden row"))
        } else {
            (Part::Body, None)
        };
        if let Some(mut segment) = row_segment(part, sheet, number, &cells) {
            if let Some(label) = label {
                if hidden_row {
                    self.count("hidden row");
                }
                segment = segment.with_label(label);
            }
            self.push(segment);
        }
        for (column, text) in hidden_cells {
            self.count("hidden column value");
            self.push(
                Segment::new(Part::Hidden, text)
                    .in_cell(sheet, cell_reference(number, column))
                    .with_label("hidden column"),
            );
        }
    }

    fn presentation(&mut self, document: &Element) {
        let pages: Vec<&Element> = document.children_named("page").collect();
        self.pages = Some(pages.len() as u32);
        for (index, page) in pages.into_iter().enumerate() {
            if self.out_of_time() {
                return;
            }
            let number = index as u32 + 1;
            self.page = Some(number);
            let hidden = page
                .attr("style-name")
                .is_some_and(|s| self.styles.hidden_pages.contains(s));
            let mut lines = Vec::new();
            self.shapes(page, &mut lines);
            let mut segment = Segment::new(
                if hidden { Part::Hidden } else { Part::Body },
                lines.join("\n"),
            );
            if hidden {
                self.count("hidden slide");
                segment = segment.with_label("hidden slide");
            }
            self.push(segment);
            if let Some(notes) = page.child("notes") {
                let mut notes_lines = Vec::new();
                self.shapes(notes, &mut notes_lines);
                self.push(Segment::new(Part::Notes, notes_lines.join("\n")));
            }
            self.page = None;
        }
    }

    /// Shapes on a slide, text boxes included in the slide's lines.
    fn shapes(&mut self, parent: &Element, lines: &mut Vec<String>) {
        for shape in parent.elements() {
            match shape.name.as_str() {
                "frame" => self.frame_text(shape, lines),
                "g" => self.shapes(shape, lines),
                "annotation" => self.annotation(shape),
                "notes" | "forms" => {}
                _ => {
                    // Custom shapes, rectangles, ellipses… carry paragraphs
                    // directly.
                    self.blocks(shape, lines);
                }
            }
        }
    }

    fn frame_text(&mut self, frame: &Element, lines: &mut Vec<String>) {
        for child in frame.elements() {
            match child.name.as_str() {
                "text-box" => self.blocks(child, lines),
                "table" => lines.extend(self.text_table(child)),
                "title" | "desc" => {
                    let text = one_line(&child.text());
                    if !text.is_empty() {
                        lines.push(text);
                    }
                }
                _ => {}
            }
        }
    }

    /// Headers and footers of master pages; shapes on presentation masters.
    fn master_pages(&mut self, styles: &Element) {
        let Some(masters) = styles.child("master-styles") else {
            return;
        };
        for master in masters.children_named("master-page") {
            let name = master.attr("name").unwrap_or("").to_owned();
            for region in master.elements() {
                let part = match region.name.as_str() {
                    "header" | "header-left" | "header-first" => Part::Header,
                    "footer" | "footer-left" | "footer-first" => Part::Footer,
                    _ => continue,
                };
                if region.attr("display") == Some("false") {
                    continue;
                }
                let mut lines = Vec::new();
                self.blocks(region, &mut lines);
                // Spreadsheet headers split into left/centre/right regions.
                for side in ["region-left", "region-center", "region-right"] {
                    if let Some(inner) = region.child(side) {
                        self.blocks(inner, &mut lines);
                    }
                }
                self.push(Segment::new(part, lines.join("\n")));
            }
            let mut shapes = Vec::new();
            for shape in master
                .elements()
                .filter(|e| e.name != "header" && e.name != "footer")
            {
                if shape.attr("class").is_some() {
                    // Placeholders (title, outline, date…): prompt text.
                    continue;
                }
                if shape.name == "frame" {
                    self.frame_text(shape, &mut shapes);
                } else if shape.name != "notes" {
                    self.blocks(shape, &mut shapes);
                }
            }
            self.push(
                Segment::new(Part::Header, shapes.join("\n"))
                    .with_label(format!("master page {name}")),
            );
        }
    }

    fn finish(mut self, out: &mut Extraction, format: &str) {
        let insertions = std::mem::take(&mut self.insertions);
        for (_, (label, text)) in insertions {
            if !text.trim().is_empty() {
                self.count("insertion");
                self.push(Segment::new(Part::Insertion, text.trim()).with_label(label));
            }
        }
        out.segments.extend(self.segments);
        out.problems.extend(self.problems);
        out.pages = self.pages;
        let hidden: Vec<String> = self
            .counts
            .iter()
            .filter(|(what, _)| {
                !matches!(
                    **what,
                    "footnote" | "endnote" | "comment" | "deletion" | "insertion"
                )
            })
            .map(|(what, count)| format!("{count} × {what}"))
            .collect();
        if !hidden.is_empty() {
            out.notices.push(Notice {
                rule: format!("hidden.{format}.hidden-content"),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("content not shown to a reader: {}", hidden.join(", ")),
                part: Part::Hidden,
                page: None,
                text: String::new(),
            });
        }
        let changes: Vec<String> = ["deletion", "insertion"]
            .iter()
            .filter_map(|what| self.counts.get(what).map(|n| format!("{n} × {what}")))
            .collect();
        if !changes.is_empty() {
            out.notices.push(Notice {
                rule: format!("hidden.{format}.tracked-changes"),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("tracked changes are recorded: {}", changes.join(", ")),
                part: Part::Deletion,
                page: None,
                text: String::new(),
            });
        }
        if let Some(count) = self.counts.get("comment") {
            out.notices.push(Notice {
                rule: format!("hidden.{format}.comments"),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("the document carries {count} comments"),
                part: Part::Comment,
                page: None,
                text: String::new(),
            });
        }
    }
}

/// Embedded objects (`Object 1/content.xml`: charts, embedded documents)
/// and stored earlier versions (`Versions/…`: whole documents).
fn read_objects(
    request: &Request<'_>,
    container: &Container<'_>,
    depth: usize,
    out: &mut Extraction,
) {
    for name in container.names() {
        let lower = name.to_lowercase();
        if lower.starts_with("versions/") && !lower.ends_with('/') {
            out.notices.push(Notice {
                rule: "hidden.odf.stored-versions".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("the file keeps an earlier version of the document ({name})"),
                part: Part::Attachment,
                page: None,
                text: String::new(),
            });
            match container.read(name) {
                Ok(bytes) => embedded::read(
                    request,
                    &format!("stored version {name}"),
                    &format!("{name}.odt"),
                    &bytes,
                    out,
                ),
                Err(error) => out.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("stored version {name} cannot be read: {error}"),
                )),
            }
            continue;
        }
        if lower.ends_with("/content.xml") && !lower.starts_with("versions/") {
            let Ok(bytes) = container.read(name) else {
                out.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("embedded object {name} cannot be read"),
                ));
                continue;
            };
            let parsed = xml::parse_bytes(&bytes, depth);
            let lines: Vec<String> = parsed
                .document()
                .descendants_named("p")
                .into_iter()
                .chain(parsed.document().descendants_named("h"))
                .map(|p| one_line(&p.text()))
                .filter(|l| !l.is_empty())
                .collect();
            let object = name.trim_end_matches("/content.xml");
            out.push(
                Segment::new(Part::Attachment, lines.join("\n"))
                    .with_label(format!("embedded object {object}")),
            );
        }
    }
}

/// Rows or columns of a table, looking into row and column groups but not
/// into cells (whose nested tables are their own).
fn table_parts<'t>(table: &'t Element, name: &str) -> Vec<&'t Element> {
    const GROUPS: &[&str] = &[
        "table-header-rows",
        "table-rows",
        "table-row-group",
        "table-header-columns",
        "table-columns",
        "table-column-group",
    ];
    let mut found = Vec::new();
    let mut stack: Vec<&Element> = table.elements().collect();
    stack.reverse();
    while let Some(element) = stack.pop() {
        if element.name == name {
            found.push(element);
        } else if GROUPS.contains(&element.name.as_str()) {
            let start = stack.len();
            stack.extend(element.elements());
            stack[start..].reverse();
        }
    }
    found
}

fn repeat(element: &Element, attribute: &str) -> u64 {
    element
        .attr(attribute)
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::ExtractionStatus;
    use crate::extract::limits::{Deadline, Limits};
    use std::io::Write;

    fn read_with(bytes: &[u8], limits: &Limits) -> Extraction {
        crate::extract::testing::run(extract, "fixture.odt", bytes, limits, Deadline::never())
    }

    fn read(bytes: &[u8]) -> Extraction {
        read_with(bytes, &Limits::default())
    }

    fn find<'e>(extraction: &'e Extraction, part: Part, needle: &str) -> &'e Segment {
        crate::extract::testing::segment_with(extraction, part, needle)
    }

    fn package(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, data) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    const TEXT_NS: &str =
        r#"xmlns:office="o" xmlns:text="t" xmlns:dc="d" xmlns:table="tb" xmlns:draw="dr""#;

    #[test]
    fn text_document_parts() {
        let extraction = read(include_bytes!("../../fixtures/odf/planted.odt"));
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        let body = find(&extraction, Part::Body, "关于人员调整的请示");
        for absent in [
            "身份证号",
            "秘密★3年",
            "绝密★30年",
            "涉及国家秘密",
            "依申请公开",
            "这段要删",
        ] {
            assert!(!body.text.contains(absent), "{absent} leaked into the body");
        }
        assert!(
            body.text.contains("姓名\t手机\n孙七\t15000000000"),
            "{}",
            body.text
        );
        assert!(body.text.contains("新插入的文字"));
        let deletion = find(&extraction, Part::Deletion, "涉及国家秘密的内容");
        assert_eq!(deletion.label.as_deref(), Some("李四, 2024-03-01T09:00:00"));
        assert_eq!(
            find(&extraction, Part::Insertion, "新插入的文字")
                .label
                .as_deref(),
            Some("王五, 2024-03-02T09:00:00")
        );
        assert_eq!(
            find(&extraction, Part::Hidden, "11010519491231002X")
                .label
                .as_deref(),
            Some("text hidden by its style")
        );
        find(&extraction, Part::Hidden, "整段隐藏：秘密★3年");
        assert_eq!(
            find(&extraction, Part::Hidden, "绝密★30年")
                .label
                .as_deref(),
            Some("hidden section 隐藏节")
        );
        find(&extraction, Part::Footnote, "依申请公开");
        find(&extraction, Part::Endnote, "不得外传");
        assert!(
            find(&extraction, Part::Comment, "这段要删")
                .label
                .as_deref()
                .unwrap()
                .starts_with("钱二")
        );
        find(&extraction, Part::Textbox, "注意保密");
        find(&extraction, Part::Header, "机密★20年");
        find(&extraction, Part::Footer, "内部资料");
        find(&extraction, Part::Metadata, "公开属性\t不予公开");
        let rules: Vec<&str> = extraction.notices.iter().map(|n| n.rule.as_str()).collect();
        for rule in [
            "hidden.odt.hidden-content",
            "hidden.odt.tracked-changes",
            "hidden.odt.comments",
        ] {
            assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
        }
    }

    #[test]
    fn spreadsheet_rows_and_hidden_cells() {
        let extraction = read(include_bytes!("../../fixtures/odf/roster.ods"));
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(extraction.pages, Some(2));
        let person = find(&extraction, Part::Body, "11010519491231002X");
        assert_eq!(person.text, "赵一\t11010519491231002X\t\t13900000000");
        assert_eq!(
            (person.sheet.as_deref(), person.cell.as_deref()),
            (Some("名单"), Some("A2"))
        );
        let column = find(&extraction, Part::Hidden, "6200000000000005");
        assert_eq!(column.cell.as_deref(), Some("C2"));
        let row = find(&extraction, Part::Hidden, "440524188001010014");
        assert_eq!(
            (row.cell.as_deref(), row.label.as_deref()),
            (Some("A3"), Some("hidden row"))
        );
        let sheet = find(&extraction, Part::Hidden, "机密★5年");
        assert_eq!(sheet.sheet.as_deref(), Some("隐藏表"));
        let comment = find(&extraction, Part::Comment, "核实后删除");
        assert_eq!(
            (comment.sheet.as_deref(), comment.cell.as_deref()),
            (Some("名单"), Some("D2"))
        );
        find(&extraction, Part::Header, "内部资料");
    }

    #[test]
    fn presentation_slides_notes_and_hidden_slides() {
        let extraction = read(include_bytes!("../../fixtures/odf/slides.odp"));
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(extraction.pages, Some(3));
        let first = find(&extraction, Part::Body, "秘密★1年");
        assert_eq!(first.page, Some(1));
        assert!(first.text.contains("王五\t13900000000"));
        assert!(first.text.contains("组合里的形状"));
        assert_eq!(find(&extraction, Part::Notes, "工作秘密").page, Some(1));
        assert_eq!(find(&extraction, Part::Comment, "不能公开").page, Some(1));
        assert_eq!(find(&extraction, Part::Hidden, "绝密★30年").page, Some(2));
        assert_eq!(find(&extraction, Part::Body, "第三页正文").page, Some(3));
    }

    #[test]
    fn hidden_fields_objects_and_versions() {
        let content = format!(
            r#"<office:document-content {TEXT_NS}><office:body><office:text><text:p>字段<text:hidden-text text:condition="x" text:string-value="隐藏字段：工作秘密" text:is-hidden="true"/>后</text:p><text:p>条件隐藏段落<text:hidden-paragraph text:condition="y" text:is-hidden="true"/></text:p><text:p>条件不成立<text:hidden-paragraph text:condition="z" text:is-hidden="false"/></text:p></office:text></office:body></office:document-content>"#
        );
        let object = format!(
            r#"<office:document-content {TEXT_NS}><office:body><office:text><text:p>嵌入对象：内部资料</text:p></office:text></office:body></office:document-content>"#
        );
        let bytes = package(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.as_bytes()),
            ("Object 1/content.xml", object.as_bytes()),
            (
                "Versions/Version1",
                "plain text of an old version: 机密".as_bytes(),
            ),
        ]);
        let extraction = read(&bytes);
        assert_eq!(
            find(&extraction, Part::Body, "字段").text,
            "字段后\n条件不成立"
        );
        assert_eq!(
            find(&extraction, Part::Hidden, "工作秘密").label.as_deref(),
            Some("hidden text field")
        );
        assert_eq!(
            find(&extraction, Part::Hidden, "条件隐藏段落")
                .label
                .as_deref(),
            Some("paragraph hidden by a field")
        );
        assert!(
            find(&extraction, Part::Body, "字段")
                .text
                .contains("条件不成立")
        );
        assert_eq!(
            find(&extraction, Part::Attachment, "嵌入对象")
                .label
                .as_deref(),
            Some("embedded object Object 1")
        );
        find(&extraction, Part::Attachment, "old version: 机密");
        assert!(
            extraction
                .notices
                .iter()
                .any(|n| n.rule == "hidden.odf.stored-versions")
        );
    }

    #[test]
    fn absurd_repeats_do_not_allocate() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="4000000000"/><table:table-cell><text:p>远处的值</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
        let bytes = package(&[("content.xml", content.as_bytes())]);
        let extraction = read(&bytes);
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(extraction.problems[0].message.contains("beyond column"));
    }

    #[test]
    fn damaged_documents_never_pass() {
        assert_eq!(read(b"PK\x03\x04junk").status(), ExtractionStatus::Failed);
        let bytes = include_bytes!("../../fixtures/odf/planted.odt");
        for cut in (0..bytes.len()).step_by(173) {
            assert_ne!(
                read(&bytes[..cut]).status(),
                ExtractionStatus::Complete,
                "cut at {cut}"
            );
        }
        let limits = Limits {
            max_part_bytes: 2048,
            ..Limits::default()
        };
        let capped = read_with(bytes, &limits);
        assert_ne!(capped.status(), ExtractionStatus::Complete);
    }
}
