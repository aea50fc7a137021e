//! Excel 97–2003 workbooks (`.xls`, BIFF8) and WPS Office `.et` files.
//!
//! Cell values come from calamine. What calamine does not give is read from
//! the BIFF records of the `Workbook` stream directly:
//! - sheet visibility (BOUNDSHEET: hidden, very hidden) → the sheet's cells
//!   as `hidden`, with a notice;
//! - hidden rows (ROW fDyZero) and columns (COLINFO fHidden) → `hidden`;
//! - cell comments (NOTE + OBJ + TXO/CONTINUE) → `comment`, labelled with
//!   the author and cell, and other drawing text boxes (TXO) → `textbox`;
//! - FILEPASS (a password) → `failed` "encrypted".
//!
//! Properties (`\x05SummaryInformation`…) and embedded objects (`MBD…`
//! storages) as for .doc. calamine holds a sheet as a dense range, so a
//! sheet whose used area would take more memory than `--max-part-size` is
//! not read (and says so) rather than exhausting the machine.

use super::Request;
use super::ole::{Ole, u16_at, u32_at};
use super::xlsx::{cell_reference, row_segment};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use calamine::{Data, Reader as _, Xls};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;

/// What the BIFF records say about one sheet.
#[derive(Debug, Default)]
struct SheetFacts {
    name: String,
    /// 0 visible, 1 hidden, 2 very hidden.
    state: u8,
    offset: usize,
    hidden_rows: BTreeSet<u32>,
    hidden_columns: Vec<(u32, u32)>,
    /// (row, column, author, text)
    comments: Vec<(u32, u32, String, String)>,
    text_boxes: Vec<String>,
    /// Page header and footer (HEADER, FOOTER records).
    header_footer: Vec<(Part, String)>,
    /// (row, column, text) of formulas whose cached result is a string.
    formula_strings: Vec<(u32, u32, String)>,
    /// (row, column) of LABELSST cells whose string index is outside the
    /// shared-string table (calamine leaves such a cell out in silence).
    unresolved_strings: Vec<(u32, u32)>,
    /// Largest row and column holding a cell record.
    max_row: u32,
    max_column: u32,
    cells: bool,
}

pub(crate) fn read(ole: &Ole<'_>, request: &Request<'_>, format: &str, out: &mut Extraction) {
    ole.check_length(out);
    super::ole_properties::read(ole, format, out);
    let stream_name = if ole.has_stream("Workbook") {
        "Workbook"
    } else {
        "Book"
    };
    let stream = match ole.read(stream_name) {
        Ok(stream) => stream,
        Err(error) => {
            out.problems
                .push(Problem::failed(format!("Excel workbook: {error}")));
            return;
        }
    };
    let biff = match scan(&stream) {
        Ok(biff) => biff,
        Err(error) => {
            out.problems
                .push(Problem::failed(format!("Excel workbook: {error}")));
            return;
        }
    };
    if biff.encrypted {
        out.problems.push(Problem::failed(
            "encrypted: the workbook is protected with a password (FILEPASS); it cannot be reviewed without it — remove the password and rescan",
        ));
        return;
    }
    if !biff.biff8 {
        out.problems.push(Problem::partial(
            None,
            "Excel 5.0/95 workbook (BIFF5): cell values are read, comments and text boxes of this old version are not",
        ));
    }
    // A dense range of the used area of every sheet must fit the limit.
    for sheet in &biff.sheets {
        let area = (sheet.max_row as u64 + 1) * (sheet.max_column as u64 + 1);
        let bytes = area.saturating_mul(std::mem::size_of::<Data>() as u64 * 2);
        if sheet.cells && bytes > request.limits.max_part_bytes {
            out.problems.push(Problem::failed(format!(
                "Excel workbook: sheet {} spans {} rows × {} columns, which would take {bytes} bytes to read, over the per-part limit of {} bytes (--max-part-size); nothing was read",
                sheet.name,
                sheet.max_row + 1,
                sheet.max_column + 1,
                request.limits.max_part_bytes
            )));
            return;
        }
    }
    let mut book = match Xls::new(Cursor::new(request.bytes)) {
        Ok(book) => book,
        Err(error) => {
            out.problems.push(Problem::failed(format!(
                "Excel workbook cannot be read: {error}"
            )));
            return;
        }
    };
    let names: Vec<String> = book.sheet_names().to_vec();
    out.pages = Some(names.len() as u32);
    for (index, name) in names.iter().enumerate() {
        if request.deadline.passed() {
            out.problems.push(Problem::partial(
                None,
                format!(
                    "time budget of {} s exceeded (--timeout): sheets from {name} on are not read",
                    request.limits.time_budget.as_secs()
                ),
            ));
            break;
        }
        let facts = biff
            .sheets
            .iter()
            .find(|s| &s.name == name)
            .or_else(|| biff.sheets.get(index));
        let state = facts.map_or(0, |f| f.state);
        let hidden_sheet = state != 0;
        out.push(
            Segment::new(
                if hidden_sheet {
                    Part::Hidden
                } else {
                    Part::Metadata
                },
                name.clone(),
            )
            .with_label("sheet name"),
        );
        if hidden_sheet {
            out.notices.push(Notice {
                rule: format!("hidden.{format}.hidden-sheet"),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!(
                    "sheet {name} is {}",
                    if state == 2 {
                        "very hidden (only visible to macros)"
                    } else {
                        "hidden"
                    }
                ),
                part: Part::Hidden,
                page: None,
                text: name.clone(),
            });
        }
        let range = match book.worksheet_range(name) {
            Ok(range) => range,
            Err(error) => {
                out.problems.push(Problem::partial(
                    Some(Part::Body.as_str().to_owned()),
                    format!("sheet {name} cannot be read: {error}"),
                ));
                continue;
            }
        };
        let (row0, column0) = range.start().unwrap_or((0, 0));
        let mut hidden_rows = 0usize;
        let mut hidden_cells = 0usize;
        let mut grid: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
        for (r, row) in range.rows().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if let Some(text) = data_text(value) {
                    grid.entry(row0 + r as u32)
                        .or_default()
                        .insert(column0 + c as u32, text);
                }
            }
        }
        // String results of formulas (FORMULA + STRING records), which
        // calamine leaves empty or reads as 0.
        for (row, column, text) in facts.map(|f| f.formula_strings.as_slice()).unwrap_or(&[]) {
            grid.entry(*row).or_default().insert(*column, text.clone());
        }
        for (row_number, cells) in grid {
            let row_hidden = facts.is_some_and(|f| f.hidden_rows.contains(&row_number));
            if hidden_sheet || row_hidden {
                if !hidden_sheet {
                    hidden_rows += 1;
                }
                if let Some(segment) = row_segment(Part::Hidden, name, row_number, &cells) {
                    out.push(segment.with_label(if hidden_sheet {
                        "hidden sheet"
                    } else {
                        "hidden row"
                    }));
                }
                continue;
            }
            let column_hidden = |column: u32| {
                facts.is_some_and(|f| {
                    f.hidden_columns
                        .iter()
                        .any(|&(a, b)| (a..=b).contains(&column))
                })
            };
            let (hidden, visible): (BTreeMap<u32, String>, BTreeMap<u32, String>) =
                cells.into_iter().partition(|(c, _)| column_hidden(*c));
            if let Some(segment) = row_segment(Part::Body, name, row_number, &visible) {
                out.push(segment);
            }
            for (column, text) in hidden {
                hidden_cells += 1;
                out.push(
                    Segment::new(Part::Hidden, text)
                        .in_cell(name.clone(), cell_reference(row_number, column))
                        .with_label("hidden column"),
                );
            }
        }
        for (count, what, rule) in [
            (hidden_rows, "hidden rows with values", "hidden-rows"),
            (hidden_cells, "values in hidden columns", "hidden-columns"),
        ] {
            if count > 0 {
                out.notices.push(Notice {
                    rule: format!("hidden.{format}.{rule}"),
                    category: Category::Hidden,
                    severity: Severity::Review,
                    message: format!("sheet {name} has {count} {what}"),
                    part: Part::Hidden,
                    page: None,
                    text: String::new(),
                });
            }
        }
        if let Some(facts) = facts {
            if let Some(&(row, column)) = facts.unresolved_strings.first() {
                out.problems.push(Problem::partial(
                    Some(Part::Body.as_str().to_owned()),
                    format!(
                        "sheet {name}: {} cell(s) (the first {}) refer to strings the workbook's shared-string table does not have: their text is not read",
                        facts.unresolved_strings.len(),
                        cell_reference(row, column)
                    ),
                ));
            }
            for (row, column, author, text) in &facts.comments {
                let mut segment = Segment::new(Part::Comment, text.clone())
                    .in_cell(name.clone(), cell_reference(*row, *column));
                if !author.is_empty() {
                    segment = segment.with_label(author.clone());
                }
                out.push(segment);
            }
            for (part, text) in &facts.header_footer {
                let mut segment = Segment::new(*part, text.clone());
                segment.sheet = Some(name.clone());
                out.push(segment);
            }
            for text in &facts.text_boxes {
                let mut segment = Segment::new(Part::Textbox, text.clone());
                segment.sheet = Some(name.clone());
                out.push(segment);
            }
            if !facts.comments.is_empty() {
                let authors: BTreeSet<&str> = facts
                    .comments
                    .iter()
                    .map(|(_, _, a, _)| a.as_str())
                    .filter(|a| !a.is_empty())
                    .collect();
                out.notices.push(Notice {
                    rule: format!("hidden.{format}.comments"),
                    category: Category::Hidden,
                    severity: Severity::Review,
                    message: format!(
                        "sheet {name} has {} cell comments{}",
                        facts.comments.len(),
                        if authors.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " (by {})",
                                authors.iter().copied().collect::<Vec<_>>().join(", ")
                            )
                        }
                    ),
                    part: Part::Comment,
                    page: None,
                    text: authors.into_iter().collect::<Vec<_>>().join(", "),
                });
            }
        }
    }
    for (name, formula) in book.defined_names() {
        if name.starts_with("_xlnm.") || name.is_empty() {
            continue;
        }
        out.push(
            Segment::new(Part::Metadata, format!("{name}\t{formula}")).with_label("defined name"),
        );
    }
    super::ole::check_macros(ole, format, out);
    super::ole_objects::read(ole, request, out);
}

fn data_text(value: &Data) -> Option<String> {
    let text = match value {
        Data::Empty | Data::Error(_) => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(date) => {
            if date.is_datetime() {
                let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
                if (hour, minute, second) == (0, 0, 0) {
                    format!("{year:04}-{month:02}-{day:02}")
                } else {
                    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
                }
            } else {
                date.as_f64().to_string()
            }
        }
    };
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

#[derive(Debug, Default)]
struct Biff {
    biff8: bool,
    encrypted: bool,
    /// Strings in the shared-string table (SST `cstUnique`), if it has one.
    shared_strings: Option<u32>,
    sheets: Vec<SheetFacts>,
}

/// Records of a BIFF stream: (type, data), stopping at the end or at a
/// record longer than what is left (an error naming the offset).
fn records(
    stream: &[u8],
    start: usize,
) -> impl Iterator<Item = Result<(u16, usize, &[u8]), String>> {
    let mut at = start;
    let mut done = false;
    std::iter::from_fn(move || {
        if done || at + 4 > stream.len() {
            return None;
        }
        let kind = u16_at(stream, at)?;
        let len = u16_at(stream, at + 2)? as usize;
        let Some(data) = stream.get(at + 4..at + 4 + len) else {
            done = true;
            return Some(Err(format!(
                "a BIFF record at offset {at} declares {len} bytes, more than is left in the Workbook stream"
            )));
        };
        let here = at;
        at += 4 + len;
        Some(Ok((kind, here, data)))
    })
}

fn scan(stream: &[u8]) -> Result<Biff, String> {
    let mut biff = Biff::default();
    let mut iter = records(stream, 0);
    match iter.next() {
        Some(Ok((0x0809, _, data))) => biff.biff8 = u16_at(data, 0) == Some(0x0600),
        _ => return Err("the Workbook stream does not start with a BIFF BOF record".into()),
    }
    for record in iter {
        let (kind, _, data) = record?;
        match kind {
            0x002F => biff.encrypted = true,
            0x0085 => {
                let offset = u32_at(data, 0).unwrap_or(0) as usize;
                let state = data.get(4).copied().unwrap_or(0) & 0x03;
                let kind = data.get(5).copied().unwrap_or(0);
                let name = if biff.biff8 {
                    short_unicode(data.get(6..).unwrap_or(&[]))
                } else {
                    let len = data.get(6).copied().unwrap_or(0) as usize;
                    String::from_utf8_lossy(data.get(7..7 + len).unwrap_or(&[])).into_owned()
                };
                if kind == 0 || kind == 2 || kind == 1 {
                    biff.sheets.push(SheetFacts {
                        name,
                        state,
                        offset,
                        ..SheetFacts::default()
                    });
                }
            }
            0x00FC => biff.shared_strings = u32_at(data, 4),
            0x000A => break,
            _ => {}
        }
    }
    if biff.encrypted {
        return Ok(biff);
    }
    let biff8 = biff.biff8;
    let shared = biff.shared_strings;
    for sheet in &mut biff.sheets {
        scan_sheet(stream, sheet, biff8, shared)?;
    }
    Ok(biff)
}

fn scan_sheet(
    stream: &[u8],
    sheet: &mut SheetFacts,
    biff8: bool,
    shared_strings: Option<u32>,
) -> Result<(), String> {
    if sheet.offset >= stream.len() {
        return Err(format!(
            "sheet {} starts at offset {}, outside the Workbook stream",
            sheet.name, sheet.offset
        ));
    }
    let mut iter = records(stream, sheet.offset);
    if !matches!(iter.next(), Some(Ok((0x0809, _, _)))) {
        return Err(format!(
            "sheet {} does not start with a BOF record",
            sheet.name
        ));
    }
    // OBJ id → object type; the TXO text that follows an OBJ belongs to it.
    let mut object_types: HashMap<u16, u16> = HashMap::new();
    let mut texts: HashMap<u16, String> = HashMap::new();
    let mut last_object: Option<u16> = None;
    let mut pending_txo: Option<(u16, usize)> = None;
    let mut notes = Vec::new();
    let mut depth = 0usize;
    let mut pending_string: Option<(u32, u32)> = None;
    for record in iter {
        let (kind, _, data) = record?;
        if let Some((row, column)) = pending_string.take()
            && kind == 0x0207
        {
            let text = if biff8 {
                unicode(data)
            } else {
                let len = u16_at(data, 0).unwrap_or(0) as usize;
                String::from_utf8_lossy(data.get(2..2 + len).unwrap_or(&[])).into_owned()
            };
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                sheet.formula_strings.push((row, column, text));
            }
            continue;
        }
        if let Some((object, cch)) = pending_txo.take()
            && kind == 0x003C
        {
            let text = if biff8 {
                let high = data.first().copied().unwrap_or(0) & 1 == 1;
                let body = data.get(1..).unwrap_or(&[]);
                chars(body, high, cch)
            } else {
                String::from_utf8_lossy(&data[..data.len().min(cch)]).into_owned()
            };
            texts.insert(object, text);
            continue;
        }
        match kind {
            0x0809 => depth += 1,
            0x000A => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            _ if depth > 0 => {}
            0x0014 | 0x0015 if !data.is_empty() => {
                let text = if biff8 {
                    unicode(data)
                } else {
                    let len = data[0] as usize;
                    String::from_utf8_lossy(data.get(1..1 + len).unwrap_or(&[])).into_owned()
                };
                let text = header_footer_text(&text);
                if !text.is_empty() {
                    let part = if kind == 0x0014 {
                        Part::Header
                    } else {
                        Part::Footer
                    };
                    sheet.header_footer.push((part, text));
                }
            }
            0x0208 => {
                let row = u16_at(data, 0).unwrap_or(0) as u32;
                if u16_at(data, 12).unwrap_or(0) & 0x20 != 0 {
                    sheet.hidden_rows.insert(row);
                }
            }
            0x007D => {
                let first = u16_at(data, 0).unwrap_or(0) as u32;
                let last = u16_at(data, 2).unwrap_or(0) as u32;
                if u16_at(data, 8).unwrap_or(0) & 1 != 0 {
                    sheet.hidden_columns.push((first, last.max(first)));
                }
            }
            // Cell records: LABELSST, LABEL, NUMBER, RK, MULRK, FORMULA,
            // BOOLERR, RSTRING, BLANK, MULBLANK.
            0x00FD | 0x0204 | 0x0203 | 0x027E | 0x00BD | 0x0006 | 0x0205 | 0x00D6 | 0x0201
            | 0x00BE => {
                let row = u16_at(data, 0).unwrap_or(0) as u32;
                let mut column = u16_at(data, 2).unwrap_or(0) as u32;
                if matches!(kind, 0x00BD | 0x00BE) && data.len() >= 6 {
                    column = column.max(u16_at(data, data.len() - 2).unwrap_or(0) as u32);
                }
                // A formula whose cached result is a string: the text is
                // in the STRING record that follows.
                if kind == 0x0006 && data.get(6) == Some(&0) && u16_at(data, 12) == Some(0xFFFF) {
                    pending_string = Some((row, column));
                }
                if kind == 0x00FD
                    && u32_at(data, 6)
                        .is_none_or(|index| shared_strings.is_none_or(|count| index >= count))
                {
                    sheet.unresolved_strings.push((row, column));
                }
                if kind != 0x0201 && kind != 0x00BE {
                    sheet.cells = true;
                    sheet.max_row = sheet.max_row.max(row);
                    sheet.max_column = sheet.max_column.max(column);
                }
            }
            // OBJ, its ftCmo first: ft, cb, ot, id.
            0x005D if biff8 && u16_at(data, 0) == Some(0x15) => {
                let ot = u16_at(data, 4).unwrap_or(0);
                let id = u16_at(data, 6).unwrap_or(0);
                object_types.insert(id, ot);
                last_object = Some(id);
            }
            0x01B6 => {
                let cch = u16_at(data, 10).unwrap_or(0) as usize;
                if cch > 0 {
                    pending_txo = Some((last_object.unwrap_or(u16::MAX), cch));
                }
            }
            0x001C if biff8 => {
                let row = u16_at(data, 0).unwrap_or(0) as u32;
                let column = u16_at(data, 2).unwrap_or(0) as u32;
                let id = u16_at(data, 6).unwrap_or(0);
                let author = data.get(8..).map(unicode).unwrap_or_default();
                notes.push((row, column, id, author));
            }
            _ => {}
        }
    }
    for (row, column, id, author) in notes {
        let text = texts.remove(&id).unwrap_or_default();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() || !author.is_empty() {
            sheet.comments.push((
                row,
                column,
                author
                    .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                    .to_owned(),
                text,
            ));
        }
    }
    let mut rest: Vec<(u16, String)> = texts.into_iter().collect();
    rest.sort();
    for (id, text) in rest {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        if object_types.get(&id) == Some(&0x19) {
            sheet.comments.push((0, 0, String::new(), text));
        } else {
            sheet.text_boxes.push(text);
        }
    }
    Ok(())
}

/// A page header or footer without its formatting codes (`&L`, `&"Arial"`,
/// `&12`…); the sections are joined by spaces.
fn header_footer_text(code: &str) -> String {
    let mut out = String::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('&') => out.push('&'),
            Some('"') => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
            }
            Some('L' | 'C' | 'R') => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `cch` characters, 8-bit (Latin-1 "compressed") or UTF-16.
fn chars(body: &[u8], high: bool, cch: usize) -> String {
    if high {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .take(cch)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        body.iter().take(cch).map(|&b| b as char).collect()
    }
}

/// ShortXLUnicodeString: cch u8, flags u8, chars.
fn short_unicode(data: &[u8]) -> String {
    let cch = data.first().copied().unwrap_or(0) as usize;
    let high = data.get(1).copied().unwrap_or(0) & 1 == 1;
    chars(data.get(2..).unwrap_or(&[]), high, cch)
}

/// XLUnicodeString: cch u16, flags u8, chars.
fn unicode(data: &[u8]) -> String {
    let cch = u16_at(data, 0).unwrap_or(0) as usize;
    let high = data.get(2).copied().unwrap_or(0) & 1 == 1;
    chars(data.get(3..).unwrap_or(&[]), high, cch)
}
