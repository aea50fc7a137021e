//! XLSX / XLSM spreadsheets: cell values through calamine, everything around
//! them (hidden rows and columns, comments, headers, text boxes, pivot and
//! external-link caches, properties) from the package parts directly.
//!
//! A roster in a spreadsheet is the most common personal-data leak in a
//! publication batch, and it hides well: a hidden column of ID numbers, a
//! very-hidden sheet, a pivot cache still holding the source rows after the
//! source sheet was deleted. All of it is read; what is not displayed comes
//! back as `hidden`.
//!
//! **Rows are the unit.** Each row with a value is one segment whose text is
//! the row's cells joined by `\t`, one field per column from the row's first
//! non-empty column to its last (empty cells are empty fields), with `sheet`
//! set and `cell` naming the first field's cell (`C7`). A match in field `k`
//! (the number of `\t` before it) is therefore in column `first + k` of that
//! row. A header row such as `姓名\t身份证号\t手机` followed by rows of values
//! is how a personal-data table shows itself to the rules. Cells in hidden
//! columns are left empty in the row and reported one by one as `hidden`
//! segments with their own cell reference.
//!
//! calamine inflates parts itself, so every part it may read is first read
//! through [`Container`], which refuses bombs; calamine only sees a package
//! whose parts are known to inflate within the limits. Cell values are read
//! with calamine's streaming cell reader, never as a dense range (a sheet
//! with cells in `A1` and `XFD1048576` would otherwise allocate 17 billion
//! cells).

use super::container::{Container, PartError, resolve_target};
use super::xml::{self, Element};
use super::{Request, embedded, properties};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use crate::extract::picture::{Picture, PicturePlace};
use calamine::{DataRef, Reader as _, SheetType, SheetVisible, Xlsx};
use quick_xml::events::Event;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

mod references;

/// Widest row rebuilt as text: the last column of an .xlsx is XFD (16384).
const MAX_COLUMNS: u32 = 16_384;
/// The last row of an .xlsx.
const MAX_ROWS: u32 = 1_048_576;

pub fn extract(request: &Request<'_>) -> Extraction {
    let container = match Container::open(request.bytes, request.limits) {
        Ok(container) => container,
        Err(message) => return Extraction::failed(format!("XLSX: {message}")),
    };
    let mut out = Extraction::default();
    let parts = match read_parts(&container, &mut out) {
        Ok(parts) => parts,
        Err(message) => return Extraction::failed(message),
    };
    let depth = request.limits.max_depth;
    let paths = sheet_paths(&parts, depth);
    let package = match package_for_calamine(request.bytes, &container, &parts, &paths, &mut out) {
        Ok(package) => package,
        Err(message) => return Extraction::failed(message),
    };
    let mut book = match Xlsx::new(Cursor::new(package.as_ref())) {
        Ok(book) => book,
        Err(error) => {
            return Extraction::failed(format!("XLSX: the workbook cannot be opened: {error}"));
        }
    };
    let sheets = book.sheets_metadata().to_vec();
    out.pages = Some(sheets.len() as u32);
    // Cell values are remembered only to tell which cached values no cell
    // shows; most workbooks have no caches.
    let has_caches = parts.keys().any(|name| {
        let lower = name.to_lowercase();
        lower.starts_with("xl/pivotcache/") || lower.starts_with("xl/externallinks/")
    });
    let mut all_values = HashSet::new();
    // Cell text is expanded structure: a 10 KB workbook whose few shared
    // strings are long and referenced by a million cells grew to 4.7 GB of
    // text. What the cells expand to counts against the part and document
    // limits like inflated bytes do.
    let mut budget = TextBudget::new(request.limits, container.inflated());
    let mut pictures_seen: HashSet<String> = HashSet::new();
    for sheet in &sheets {
        if budget.document_over {
            break;
        }
        if request.deadline.passed() {
            out.problems.push(Problem::partial(
                None,
                format!(
                    "time budget of {} s exceeded (--timeout): sheets from {} on are not read",
                    request.limits.time_budget.as_secs(),
                    sheet.name
                ),
            ));
            break;
        }
        let hidden_sheet = sheet.visible != SheetVisible::Visible;
        out.push(
            Segment::new(
                if hidden_sheet {
                    Part::Hidden
                } else {
                    Part::Metadata
                },
                one_line(&sheet.name),
            )
            .with_label("sheet name"),
        );
        if hidden_sheet {
            let how = if sheet.visible == SheetVisible::VeryHidden {
                "very hidden (only visible to macros and XML editors)"
            } else {
                "hidden"
            };
            out.notices.push(Notice {
                rule: "hidden.xlsx.hidden-sheet".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("sheet {} is {how}", sheet.name),
                part: Part::Hidden,
                page: None,
                text: sheet.name.clone(),
            });
        }
        let path = paths.get(&sheet.name).cloned();
        let layout = path
            .as_deref()
            .and_then(|p| parts.get(p))
            .map(|bytes| Layout::read(bytes))
            .unwrap_or_default();
        if sheet.typ != SheetType::WorkSheet {
            continue;
        }
        let mut rows = RowWriter::new(&sheet.name, hidden_sheet, &layout);
        match book.worksheet_cells_reader(&sheet.name) {
            Ok(mut reader) => {
                let mut count: u64 = 0;
                loop {
                    count += 1;
                    if count.is_multiple_of(4096) && request.deadline.passed() {
                        out.problems.push(Problem::partial(
                            None,
                            format!(
                                "time budget of {} s exceeded (--timeout): sheet {} is read only in part",
                                request.limits.time_budget.as_secs(),
                                sheet.name
                            ),
                        ));
                        break;
                    }
                    match reader.next_cell() {
                        Ok(Some(cell)) => {
                            let (row, column) = cell.get_position();
                            if let Some(text) = cell_text(cell.get_value()) {
                                if let Some(message) = budget.spend(&sheet.name, text.len()) {
                                    out.problems.push(Problem::partial(
                                        Some(Part::Body.as_str().to_owned()),
                                        message,
                                    ));
                                    break;
                                }
                                if has_caches {
                                    all_values.insert(text.clone());
                                }
                                rows.add(row, column, text, &mut out);
                            }
                        }
                        Ok(None) => break,
                        Err(error) => {
                            out.problems.push(Problem::partial(
                                Some(Part::Body.as_str().to_owned()),
                                format!(
                                    "sheet {}: {error}; cells after the last one read are lost",
                                    sheet.name
                                ),
                            ));
                            break;
                        }
                    }
                }
            }
            Err(error) => out.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!("sheet {} cannot be read: {error}", sheet.name),
            )),
        }
        rows.finish(&mut out);
        budget.next_sheet();
        for (cell, formula) in &layout.formulas {
            // What Excel shows when the formula is only string literals
            // (the literals are all of its text), else the formula itself;
            // never both, or the formula's quoted pieces next to the
            // result read as a list of example markings.
            // The formula itself is code: its quotes delimit strings.
            let segment = match literal_value(formula) {
                Some(value) => Segment::new(Part::Hidden, value),
                None => Segment::new(Part::Hidden, formula.clone()).as_code(),
            };
            out.push(
                segment
                    .in_cell(sheet.name.clone(), cell.clone())
                    .with_label("formula (its cached value is absent or not its result)"),
            );
        }
        if layout.formulas_cut {
            out.problems.push(Problem::partial(
                Some(Part::Hidden.as_str().to_owned()),
                format!(
                    "sheet {}: more than {MAX_FORMULA_BYTES} bytes of formulas without cached values; the rest are not read",
                    sheet.name
                ),
            ));
        }
        for (part, text) in &layout.header_footer {
            let mut segment = Segment::new(*part, text.clone());
            segment.sheet = Some(sheet.name.clone());
            out.push(segment);
        }
        if let Some(path) = &path {
            read_sheet_extras(&parts, path, &sheet.name, depth, &mut out);
            hand_over_sheet_pictures(
                &container,
                &parts,
                path,
                &sheet.name,
                depth,
                &mut pictures_seen,
                &mut out,
            );
        }
    }
    read_defined_names(&parts, depth, &mut out);
    read_charts(&parts, depth, &mut out);
    read_caches(&parts, depth, &all_values, &mut out);
    if container
        .names()
        .iter()
        .any(|n| n.to_lowercase().ends_with("vbaproject.bin"))
    {
        out.notices.push(Notice {
            rule: "hidden.xlsx.macros".into(),
            category: Category::Hidden,
            severity: Severity::Info,
            message: "the workbook carries VBA macros, which are not reviewed".into(),
            part: Part::Attachment,
            page: None,
            text: String::new(),
        });
    }
    for name in container.names() {
        let lower = name.to_lowercase();
        if lower.starts_with("xl/embeddings/") && !lower.ends_with('/') {
            match container.read(name) {
                Ok(bytes) => embedded::read(
                    request,
                    &format!("embedded object {name}"),
                    name,
                    &bytes,
                    &mut out,
                ),
                Err(error) => out.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("embedded object {name} cannot be read: {error}"),
                )),
            }
        }
    }
    properties::ooxml(&container, depth, "xlsx", &mut out);
    out
}

/// Reads every part calamine may read through the container's caps, and
/// keeps the XML ones for our own parsing. A part over a limit fails the
/// workbook: calamine would otherwise inflate it without one.
fn read_parts(
    container: &Container<'_>,
    out: &mut Extraction,
) -> Result<HashMap<String, Vec<u8>>, String> {
    let mut parts = HashMap::new();
    for name in container.names() {
        if is_media(&name.to_lowercase()) {
            continue;
        }
        match container.read(name) {
            Ok(bytes) => {
                parts.insert(name.clone(), bytes);
            }
            Err(PartError::Limit(message)) => {
                return Err(format!("XLSX refused: {message}"));
            }
            Err(error) => out.problems.push(Problem::partial(
                None,
                format!("XLSX part {name} cannot be read: {error}"),
            )),
        }
    }
    Ok(parts)
}

/// The package calamine reads: the file itself when every part calamine
/// could open as a worksheet has references inside the Excel grid, else a
/// copy built in memory (untouched entries copied raw, still compressed)
/// where the bad references are repaired and the parts prepub could not read
/// or check are empty. Each repair is recorded as a problem on `out`.
///
/// calamine chooses its worksheet parts by its own reading of the
/// relationships, so every part read by [`read_parts`] is checked, not only
/// the ones [`sheet_paths`] finds. Media and embedded files are not read
/// (calamine never reads them in a well-formed package); one that a
/// relationship part could point calamine to is emptied instead.
fn package_for_calamine<'b>(
    bytes: &'b [u8],
    container: &Container<'_>,
    parts: &HashMap<String, Vec<u8>>,
    paths: &HashMap<String, String>,
    out: &mut Extraction,
) -> Result<std::borrow::Cow<'b, [u8]>, String> {
    let sheet_of: HashMap<String, &str> = paths
        .iter()
        .map(|(name, path)| (path.to_lowercase(), name.as_str()))
        .collect();
    let mut replaced: HashMap<&str, Vec<u8>> = HashMap::new();
    let mut names: Vec<&String> = parts.keys().collect();
    names.sort();
    for name in names {
        let checked = references::check(&parts[name]);
        let Some(repaired) = checked.repaired else {
            continue;
        };
        let place = match sheet_of.get(&name.trim_start_matches('/').to_lowercase()) {
            Some(sheet) => format!("sheet {sheet}"),
            None => format!("part {name}"),
        };
        let message = if checked.unrepairable {
            format!(
                "{place}: an invalid cell reference could not be repaired; the cells of this sheet are not read"
            )
        } else {
            repair_message(&place, &checked.repairs)
        };
        out.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            message,
        ));
        replaced.insert(name.as_str(), repaired);
    }
    // Entries calamine could open whose content prepub has not checked.
    // Only the relationships calamine follows count: the package's (its
    // type ends in `/officeDocument`) and the workbook's (to worksheets).
    // Every picture's relationship type also has `officeDocument` in its
    // namespace, so matching that word alone copied every workbook with a
    // picture.
    let relationship_text: String = parts
        .iter()
        .filter(|(name, _)| name.to_lowercase().ends_with(".rels"))
        .map(|(_, bytes)| xml::decode(bytes).to_lowercase())
        .filter(|text| {
            text.contains("relationships/worksheet")
                || text.contains("relationships/officedocument\"")
                || text.contains("relationships/officedocument'")
        })
        .collect();
    for name in container.names() {
        if parts.contains_key(name) || name.ends_with('/') || replaced.contains_key(name.as_str()) {
            continue;
        }
        let lower = name.to_lowercase();
        let base = lower.rsplit(['/', '\\']).next().unwrap_or("");
        let unread_part = !is_media(&lower);
        let reachable = unread_part
            || lower.ends_with(".rels")
            || (!base.is_empty() && relationship_text.contains(base));
        if reachable {
            replaced.insert(name.as_str(), Vec::new());
        }
    }
    // Entries sharing a name: calamine would read the one its zip reader
    // keeps; it is given the copy this reading is of.
    if container.has_shared_names() {
        for name in container.names() {
            if container.is_shared(name)
                && !replaced.contains_key(name.as_str())
                && let Some(content) = parts.get(name)
            {
                replaced.insert(name.as_str(), content.clone());
            }
        }
    }
    if replaced.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    rebuild(bytes, replaced)
        .map(std::borrow::Cow::Owned)
        .map_err(|error| {
            format!("XLSX: the workbook has parts that must be repaired before reading, and the repaired copy cannot be built: {error}")
        })
}

/// One sentence for the repairs of one part: the first bad cell or row
/// reference and how many more, and a bad dimension.
fn repair_message(place: &str, repairs: &[references::Repair]) -> String {
    let mut sentences = Vec::new();
    let (dimensions, cells): (Vec<_>, Vec<_>) =
        repairs.iter().partition(|r| r.element == "dimension");
    if let Some(first) = cells.first() {
        let more = match cells.len() - 1 {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        sentences.push(format!(
            "invalid cell reference \"{}\" in <{}> ({}){more} repaired; cell positions in this sheet may be approximate",
            first.reference, first.element, first.reason
        ));
    }
    if let Some(first) = dimensions.first() {
        sentences.push(format!(
            "invalid dimension reference \"{}\" ({}) ignored",
            first.reference, first.reason
        ));
    }
    format!("{place}: {}", sentences.join("; "))
}

/// Parts prepub does not read as XML (see [`read_parts`]).
fn is_media(lower: &str) -> bool {
    lower.ends_with('/')
        || lower.starts_with("xl/media/")
        || lower.starts_with("xl/embeddings/")
        || lower.starts_with("docprops/thumbnail")
}

/// A copy of the zip `bytes` with the entries in `replaced` given new
/// content, stored uncompressed (compressing a large sheet again would cost
/// more than reading it); every other entry is copied raw (not inflated).
/// Each new content is dropped once written. A name that occurs twice makes
/// the writer fail rather than copy the second entry unchecked.
fn rebuild(bytes: &[u8], mut replaced: HashMap<&str, Vec<u8>>) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write as _;
    let mut source = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    for index in 0..source.len() {
        let entry = source.by_index_raw(index)?;
        let name = entry.name().ok().map(|name| name.into_owned());
        match name.and_then(|name| replaced.remove_entry(name.as_str())) {
            Some((name, content)) => {
                drop(entry);
                writer.start_file(name, options)?;
                writer.write_all(&content)?;
            }
            None => writer.raw_copy_file(entry)?,
        }
    }
    Ok(writer.finish()?.into_inner())
}

/// Sheet name → worksheet part, from `xl/workbook.xml` and its
/// relationships (the main part is found through `_rels/.rels`).
fn sheet_paths(parts: &HashMap<String, Vec<u8>>, depth: usize) -> HashMap<String, String> {
    let workbook = workbook_path(parts, depth);
    let targets: HashMap<String, String> = relationships_by_id(parts, &workbook, depth);
    let mut paths = HashMap::new();
    if let Some(bytes) = part(parts, &workbook) {
        let parsed = xml::parse_bytes(bytes, depth);
        if let Some(sheets) = parsed.document().child("sheets") {
            for sheet in sheets.children_named("sheet") {
                let name = sheet.attr("name").unwrap_or("").to_owned();
                if let Some(target) = sheet.attr("id").and_then(|id| targets.get(id)) {
                    paths.insert(name, target.clone());
                }
            }
        }
    }
    paths
}

/// The workbook part, found through `_rels/.rels`.
fn workbook_path(parts: &HashMap<String, Vec<u8>>, depth: usize) -> String {
    relationships(parts, "", depth)
        .into_iter()
        .find(|(kind, _)| kind.ends_with("/officeDocument"))
        .map(|(_, target)| target)
        .unwrap_or_else(|| "xl/workbook.xml".to_owned())
}

/// Finds a part ignoring case and a leading slash.
fn part<'p>(parts: &'p HashMap<String, Vec<u8>>, name: &str) -> Option<&'p Vec<u8>> {
    let wanted = name.trim_start_matches('/');
    parts.get(wanted).or_else(|| {
        parts
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(wanted))
            .map(|(_, bytes)| bytes)
    })
}

/// The relationships of a part as (type, resolved target), internal ones
/// only; `source` is `""` for the package relationships.
fn relationships(
    parts: &HashMap<String, Vec<u8>>,
    source: &str,
    depth: usize,
) -> Vec<(String, String)> {
    relationship_elements(parts, source, depth)
        .into_iter()
        .map(|(_, kind, target)| (kind, target))
        .collect()
}

fn relationships_by_id(
    parts: &HashMap<String, Vec<u8>>,
    source: &str,
    depth: usize,
) -> HashMap<String, String> {
    relationship_elements(parts, source, depth)
        .into_iter()
        .map(|(id, _, target)| (id, target))
        .collect()
}

fn relationship_elements(
    parts: &HashMap<String, Vec<u8>>,
    source: &str,
    depth: usize,
) -> Vec<(String, String, String)> {
    let rels = match source.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None if source.is_empty() => "_rels/.rels".to_owned(),
        None => format!("_rels/{source}.rels"),
    };
    let Some(bytes) = part(parts, &rels) else {
        return Vec::new();
    };
    let parsed = xml::parse_bytes(bytes, depth);
    parsed
        .document()
        .children_named("Relationship")
        .filter(|r| r.attr("TargetMode") != Some("External"))
        .map(|r| {
            let target = r.attr("Target").unwrap_or("");
            let resolved = if source.is_empty() {
                target.trim_start_matches('/').to_owned()
            } else {
                resolve_target(source, target)
            };
            (
                r.attr("Id").unwrap_or("").to_owned(),
                r.attr("Type").unwrap_or("").to_owned(),
                resolved,
            )
        })
        .collect()
}

/// What the worksheet part says about rows, columns and page margins.
#[derive(Default, Debug)]
struct Layout {
    hidden_rows: HashSet<u32>,
    /// Inclusive 0-based column ranges.
    hidden_columns: Vec<(u32, u32)>,
    header_footer: Vec<(Part, String)>,
    /// Cells with a formula and no cached value: (cell, formula). Excel
    /// shows the formula's result, which calamine has no value for.
    formulas: Vec<(String, String)>,
    /// More formulas than [`MAX_FORMULA_BYTES`] were left out.
    formulas_cut: bool,
}

/// Bytes of formulas without cached values kept from one sheet.
const MAX_FORMULA_BYTES: usize = 4 * 1024 * 1024;

impl Layout {
    /// Streams the worksheet XML (it can be large) for `<row hidden>`,
    /// `<col hidden>` and `<headerFooter>`.
    fn read(bytes: &[u8]) -> Layout {
        let text = xml::decode(bytes);
        let mut reader = quick_xml::Reader::from_str(&text);
        let mut layout = Layout::default();
        let mut zero_height = false;
        let mut next_row: u32 = 0;
        let mut in_header_footer: Option<Part> = None;
        let mut header_text = String::new();
        // The cell being read: its reference, its formula, whether it has
        // a cached value, and whether the formula's text is being read.
        let mut cell: Option<(String, String, Option<String>)> = None;
        let mut in_formula = false;
        let mut in_value = false;
        let mut formula_bytes = 0usize;
        loop {
            let event = reader.read_event();
            match &event {
                Ok(Event::Start(element)) | Ok(Event::Empty(element)) => {
                    let empty = matches!(event, Ok(Event::Empty(_)));
                    match element.local_name().as_ref() {
                        "c" if !empty => {
                            let reference = element
                                .attributes()
                                .with_checks(false)
                                .filter_map(Result::ok)
                                .find(|a| a.key.local_name().as_ref() == "r")
                                .map(|a| a.value.into_owned())
                                .unwrap_or_default();
                            cell = Some((reference, String::new(), None));
                        }
                        "f" if !empty => in_formula = cell.is_some(),
                        "v" if !empty => in_value = cell.is_some(),
                        "is" => {
                            if let Some(cell) = &mut cell {
                                cell.2.get_or_insert_with(String::new).push(' ');
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Event::End(element)) => match element.local_name().as_ref() {
                    "f" => in_formula = false,
                    "v" => in_value = false,
                    "c" => {
                        // Reported: a formula with no cached value (Excel
                        // shows what it computes), and a formula of string
                        // literals whose cached value is not its result
                        // (Excel recomputes it when it opens the file).
                        if let Some((reference, formula, cached)) = cell.take()
                            && !formula.trim().is_empty()
                            && match cached.as_deref().map(str::trim) {
                                None | Some("") => true,
                                Some(cached) => literal_value(&formula)
                                    .is_some_and(|value| value.trim() != cached),
                            }
                        {
                            formula_bytes += formula.len();
                            if formula_bytes > MAX_FORMULA_BYTES {
                                layout.formulas_cut = true;
                            } else {
                                layout.formulas.push((reference, one_line(&formula)));
                            }
                        }
                    }
                    _ => {}
                },
                Ok(Event::Text(content)) if in_formula => {
                    if let Some(cell) = &mut cell {
                        cell.1.push_str(&content.xml10_content());
                    }
                }
                Ok(Event::Text(content)) if in_value => {
                    if let Some(cell) = &mut cell {
                        cell.2
                            .get_or_insert_with(String::new)
                            .push_str(&content.xml10_content());
                    }
                }
                Ok(Event::GeneralRef(reference)) if in_formula => {
                    if let Some(cell) = &mut cell {
                        let resolved = match reference.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string(),
                            _ => match &**reference {
                                "amp" => "&".into(),
                                "lt" => "<".into(),
                                "gt" => ">".into(),
                                "quot" => "\"".into(),
                                "apos" => "'".into(),
                                _ => String::new(),
                            },
                        };
                        cell.1.push_str(&resolved);
                    }
                }
                _ => {}
            }
            match event {
                Ok(Event::Start(element)) | Ok(Event::Empty(element)) => {
                    let name = element.local_name();
                    let name: &str = name.as_ref();
                    // Cells are most of the part: only the few elements
                    // that matter get their attributes parsed.
                    if !matches!(
                        name,
                        "sheetFormatPr"
                            | "row"
                            | "col"
                            | "oddHeader"
                            | "evenHeader"
                            | "firstHeader"
                            | "oddFooter"
                            | "evenFooter"
                            | "firstFooter"
                    ) {
                        continue;
                    }
                    let attributes: HashMap<String, String> = element
                        .attributes()
                        .with_checks(false)
                        .filter_map(Result::ok)
                        .map(|a| {
                            let key: &str = a.key.local_name().into_inner();
                            (key.to_owned(), a.value.into_owned())
                        })
                        .collect();
                    let flag = |key: &str| {
                        attributes
                            .get(key)
                            .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
                    };
                    let zero = |key: &str| {
                        attributes
                            .get(key)
                            .and_then(|v| v.parse::<f64>().ok())
                            .is_some_and(|v| v == 0.0)
                    };
                    match name {
                        "sheetFormatPr" => zero_height = flag("zeroHeight"),
                        "row" => {
                            let hidden = flag("hidden")
                                || zero("ht")
                                || (zero_height && !attributes.contains_key("ht"));
                            // Numbered as calamine numbers them: by `r`
                            // when it is a row of the grid (others were
                            // removed before calamine read the sheet), else
                            // one after the row before.
                            let row = attributes
                                .get("r")
                                .and_then(|r| r.parse::<u32>().ok())
                                .filter(|r| (1..=MAX_ROWS).contains(r))
                                .map_or(next_row, |r| r - 1);
                            next_row = row.saturating_add(1);
                            if hidden {
                                layout.hidden_rows.insert(row);
                            }
                        }
                        "col" if flag("hidden") || zero("width") => {
                            let bound =
                                |key: &str| attributes.get(key).and_then(|v| v.parse::<u32>().ok());
                            if let (Some(min), Some(max)) = (bound("min"), bound("max"))
                                && min >= 1
                                && max >= min
                            {
                                layout.hidden_columns.push((min - 1, max - 1));
                            }
                        }
                        "oddHeader" | "evenHeader" | "firstHeader" => {
                            in_header_footer = Some(Part::Header);
                            header_text.clear();
                        }
                        "oddFooter" | "evenFooter" | "firstFooter" => {
                            in_header_footer = Some(Part::Footer);
                            header_text.clear();
                        }
                        _ => {}
                    }
                }
                Ok(Event::Text(content)) if in_header_footer.is_some() => {
                    header_text.push_str(&content.xml10_content());
                }
                Ok(Event::GeneralRef(reference)) if in_header_footer.is_some() => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match &*reference {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            _ => String::new(),
                        },
                    };
                    header_text.push_str(&resolved);
                }
                Ok(Event::End(element)) => {
                    let name = element.local_name();
                    let name: &str = name.as_ref();
                    if (name.ends_with("Header") || name.ends_with("Footer"))
                        && let Some(part) = in_header_footer.take()
                    {
                        let text = strip_header_codes(&header_text);
                        if !text.is_empty() && !layout.header_footer.contains(&(part, text.clone()))
                        {
                            layout.header_footer.push((part, text));
                        }
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        layout
    }

    fn column_hidden(&self, column: u32) -> bool {
        self.hidden_columns
            .iter()
            .any(|(min, max)| (*min..=*max).contains(&column))
    }
}

/// The text a formula made only of string literals evaluates to:
/// `="机"&"密"`, `=CONCATENATE("机","密")`, `=CONCAT("机", "密")`; `None`
/// for any other formula (its literals are in the formula text).
fn literal_value(formula: &str) -> Option<String> {
    let body = formula.trim().trim_start_matches('=').trim();
    let upper = body.to_ascii_uppercase();
    let (inner, separator) = if let Some(rest) = ["CONCATENATE(", "CONCAT(", "_XLFN.CONCAT("]
        .iter()
        .find_map(|f| upper.starts_with(f).then(|| &body[f.len()..]))
    {
        (rest.strip_suffix(')')?, ',')
    } else {
        (body, '&')
    };
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    let mut expect_literal = true;
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if expect_literal {
            if c != '"' {
                return None;
            }
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        out.push('"');
                    }
                    '"' => break,
                    other => out.push(other),
                }
            }
            expect_literal = false;
        } else if c == separator {
            expect_literal = true;
        } else {
            return None;
        }
    }
    (!expect_literal && !out.is_empty()).then_some(out)
}

/// Tracks the text the cells expand to against `--max-part-size` (per
/// sheet) and `--max-inflated` (with the package's inflated bytes).
struct TextBudget {
    part: u64,
    document: u64,
    sheet_spent: u64,
    document_spent: u64,
    document_over: bool,
}

impl TextBudget {
    fn new(limits: &crate::extract::limits::Limits, inflated: u64) -> TextBudget {
        TextBudget {
            part: limits.max_part_bytes,
            document: limits.max_document_bytes,
            sheet_spent: 0,
            document_spent: inflated,
            document_over: false,
        }
    }

    /// Counts `length` more bytes of cell text; the problem sentence when
    /// that goes over a limit (the sheet is then read no further).
    fn spend(&mut self, sheet: &str, length: usize) -> Option<String> {
        self.sheet_spent += length as u64;
        self.document_spent += length as u64;
        if self.document_spent > self.document {
            self.document_over = true;
            return Some(format!(
                "sheet {sheet}: the cells expand to more text than the per-document limit of {} bytes (--max-inflated) allows (shared strings referenced by many cells); the rest of this sheet and the sheets after it are not read",
                self.document
            ));
        }
        if self.sheet_spent > self.part {
            return Some(format!(
                "sheet {sheet}: the cells expand to more than the per-part limit of {} bytes of text (--max-part-size) (shared strings referenced by many cells); the rest of this sheet is not read",
                self.part
            ));
        }
        None
    }

    fn next_sheet(&mut self) {
        self.sheet_spent = 0;
    }
}

/// Defined names from the workbook part: name, value and comment. Hidden
/// names (`hidden="1"`, and Excel's own `_xlnm.` names) are `hidden`: Excel
/// does not list them, yet their values travel with the file.
fn read_defined_names(parts: &HashMap<String, Vec<u8>>, depth: usize, out: &mut Extraction) {
    let workbook = workbook_path(parts, depth);
    let Some(bytes) = part(parts, &workbook) else {
        return;
    };
    let parsed = xml::parse_bytes(bytes, depth);
    let Some(names) = parsed.document().child("definedNames") else {
        return;
    };
    for defined in names.children_named("definedName") {
        let name = defined.attr("name").unwrap_or("");
        let hidden = name.starts_with("_xlnm.")
            || defined
                .attr("hidden")
                .is_some_and(|h| h == "1" || h.eq_ignore_ascii_case("true"));
        let formula = defined.text();
        // A value that is only literals reads as what it evaluates to; any
        // other is a formula, code whose quotes delimit strings.
        let literal = literal_value(&formula);
        let code = literal.is_none();
        let value = literal.unwrap_or(formula);
        let mut fields = vec![one_line(name), one_line(&value)];
        for key in ["comment", "description"] {
            if let Some(value) = defined.attr(key) {
                fields.push(one_line(value));
            }
        }
        let line = fields.join("\t");
        if line.trim().is_empty() {
            continue;
        }
        let segment = Segment::new(if hidden { Part::Hidden } else { Part::Metadata }, line)
            .with_label(if hidden {
                "hidden defined name"
            } else {
                "defined name"
            });
        out.push(if code { segment.as_code() } else { segment });
    }
}

/// Chart titles, axis titles, series names and category labels
/// (`xl/charts/*.xml`): shown on the sheet, never in a cell.
fn read_charts(parts: &HashMap<String, Vec<u8>>, depth: usize, out: &mut Extraction) {
    let mut names: Vec<&String> = parts
        .keys()
        .filter(|name| {
            let lower = name.to_lowercase();
            lower.starts_with("xl/charts/") && lower.ends_with(".xml")
        })
        .collect();
    names.sort();
    for name in names {
        let parsed = xml::parse_bytes(&parts[name], depth);
        if let Some(error) = &parsed.error {
            out.problems.push(Problem::partial(
                Some(Part::Textbox.as_str().to_owned()),
                format!("chart {name}: {error}; its text after that is not read"),
            ));
        }
        let lines = chart_lines(parsed.document());
        if lines.is_empty() {
            continue;
        }
        out.push(Segment::new(Part::Textbox, lines.join("\n")).with_label(format!("chart {name}")));
    }
}

/// The text lines of a chart part: each rich-text paragraph, each cached or
/// literal string value (numbers left out).
fn chart_lines(chart: &Element) -> Vec<String> {
    let mut lines = Vec::new();
    let mut stack = vec![chart];
    while let Some(element) = stack.pop() {
        match element.name.as_str() {
            "p" => {
                let line = one_line(
                    &element
                        .descendants_named("t")
                        .iter()
                        .map(|t| t.text())
                        .collect::<String>(),
                );
                if !line.is_empty() {
                    lines.push(line);
                }
                continue;
            }
            "v" => {
                let line = one_line(&element.text());
                if !line.is_empty() && line.parse::<f64>().is_err() {
                    lines.push(line);
                }
                continue;
            }
            _ => {}
        }
        let start = stack.len();
        stack.extend(element.elements());
        stack[start..].reverse();
    }
    lines.dedup();
    lines
}

/// Removes the `&`-codes of Excel headers and footers (`&L`, `&"宋体,常规"`,
/// `&12`, `&KFF0000`, `&P` …); the left/centre/right sections become tabs.
fn strip_header_codes(code: &str) -> String {
    let mut out = String::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            out.push(if c == '\n' || c == '\r' { ' ' } else { c });
            continue;
        }
        match chars.next() {
            Some('&') => out.push('&'),
            Some('"') => {
                for skipped in chars.by_ref() {
                    if skipped == '"' {
                        break;
                    }
                }
            }
            Some('L' | 'C' | 'R') if !out.is_empty() && !out.ends_with('\t') => out.push('\t'),
            Some('K') => {
                for _ in 0..6 {
                    chars.next();
                }
            }
            Some(d) if d.is_ascii_digit() => {
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out.split('\t')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\t")
}

/// Turns streamed cells into row segments.
struct RowWriter<'a> {
    sheet: &'a str,
    hidden_sheet: bool,
    layout: &'a Layout,
    row: Option<u32>,
    cells: BTreeMap<u32, String>,
    hidden_rows: usize,
    hidden_cells: usize,
}

impl<'a> RowWriter<'a> {
    fn new(sheet: &'a str, hidden_sheet: bool, layout: &'a Layout) -> RowWriter<'a> {
        RowWriter {
            sheet,
            hidden_sheet,
            layout,
            row: None,
            cells: BTreeMap::new(),
            hidden_rows: 0,
            hidden_cells: 0,
        }
    }

    fn add(&mut self, row: u32, column: u32, text: String, out: &mut Extraction) {
        if self.row != Some(row) {
            self.flush(out);
            self.row = Some(row);
        }
        if column < MAX_COLUMNS {
            self.cells.insert(column, text);
        }
    }

    fn flush(&mut self, out: &mut Extraction) {
        let Some(row) = self.row else {
            return;
        };
        let cells = std::mem::take(&mut self.cells);
        if cells.is_empty() {
            return;
        }
        let row_hidden = self.layout.hidden_rows.contains(&row);
        if self.hidden_sheet || row_hidden {
            if !self.hidden_sheet {
                self.hidden_rows += 1;
            }
            let label = if self.hidden_sheet {
                "hidden sheet"
            } else {
                "hidden row"
            };
            if let Some(segment) = row_segment(Part::Hidden, self.sheet, row, &cells) {
                out.push(segment.with_label(label));
            }
            return;
        }
        let (hidden, visible): (BTreeMap<u32, String>, BTreeMap<u32, String>) = cells
            .into_iter()
            .partition(|(column, _)| self.layout.column_hidden(*column));
        if let Some(segment) = row_segment(Part::Body, self.sheet, row, &visible) {
            out.push(segment);
        }
        for (column, text) in hidden {
            self.hidden_cells += 1;
            out.push(
                Segment::new(Part::Hidden, text)
                    .in_cell(self.sheet, cell_reference(row, column))
                    .with_label("hidden column"),
            );
        }
    }

    fn finish(mut self, out: &mut Extraction) {
        self.flush(out);
        if self.hidden_rows > 0 {
            out.notices.push(Notice {
                rule: "hidden.xlsx.hidden-rows".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!(
                    "sheet {} has {} hidden rows with values",
                    self.sheet, self.hidden_rows
                ),
                part: Part::Hidden,
                page: None,
                text: String::new(),
            });
        }
        if self.hidden_cells > 0 {
            out.notices.push(Notice {
                rule: "hidden.xlsx.hidden-columns".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!(
                    "sheet {} has {} values in hidden columns",
                    self.sheet, self.hidden_cells
                ),
                part: Part::Hidden,
                page: None,
                text: String::new(),
            });
        }
    }
}

/// One row as text: a field per column from the first non-empty one.
pub(crate) fn row_segment(
    part: Part,
    sheet: &str,
    row: u32,
    cells: &BTreeMap<u32, String>,
) -> Option<Segment> {
    let (&first, _) = cells.first_key_value()?;
    let (&last, _) = cells.last_key_value()?;
    let mut fields = Vec::with_capacity((last - first + 1) as usize);
    for column in first..=last {
        fields.push(cells.get(&column).map(String::as_str).unwrap_or(""));
    }
    Some(Segment::new(part, fields.join("\t")).in_cell(sheet, cell_reference(row, first)))
}

/// `C7` for 0-based row 6, column 2.
pub fn cell_reference(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column as u64 + 1;
    while n > 0 {
        let remainder = ((n - 1) % 26) as u8;
        letters.push((b'A' + remainder) as char);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        row as u64 + 1
    )
}

/// The text a cell shows, near enough for matching: strings as they are,
/// integers without a decimal point, dates as ISO dates; errors and empty
/// cells as nothing.
fn cell_text(value: &DataRef<'_>) -> Option<String> {
    let text = match value {
        DataRef::Empty | DataRef::Error(_) => return None,
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(date) => {
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
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
    };
    let text = one_line_cell(&text);
    (!text.is_empty()).then_some(text)
}

/// A cell is one field: its line breaks and tabs become spaces.
fn one_line_cell(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The pictures placed over one sheet (its drawings' images), handed to
/// the OCR stage in that sheet; each picture once. The package hands over
/// pictures no sheet places.
fn hand_over_sheet_pictures(
    container: &Container<'_>,
    parts: &HashMap<String, Vec<u8>>,
    sheet_path: &str,
    sheet: &str,
    depth: usize,
    seen: &mut HashSet<String>,
    out: &mut Extraction,
) {
    let rels = relationships(parts, sheet_path, depth);
    for (_, drawing) in rels.iter().filter(|(kind, _)| kind.ends_with("/drawing")) {
        let mut images: Vec<String> = relationships(parts, drawing, depth)
            .into_iter()
            .filter(|(kind, _)| kind.ends_with("/image"))
            .map(|(_, target)| target)
            .collect();
        images.sort_unstable();
        for target in images {
            let Some(name) = container.resolve(&target).map(str::to_owned) else {
                continue;
            };
            if !seen.insert(name.clone()) {
                continue;
            }
            match container.read(&name) {
                Ok(bytes) => out.push_picture(Picture::new(
                    PicturePlace::new(Part::Body, name).in_sheet(sheet),
                    bytes,
                )),
                Err(why) => out.problems.push(Problem::partial(
                    Some(Part::Image.as_str().to_owned()),
                    format!("sheet {sheet}: picture {name} not read: {why}"),
                )),
            }
        }
    }
}

/// Comments, threaded comments and drawing text boxes of one sheet.
fn read_sheet_extras(
    parts: &HashMap<String, Vec<u8>>,
    sheet_path: &str,
    sheet: &str,
    depth: usize,
    out: &mut Extraction,
) {
    let rels = relationships(parts, sheet_path, depth);
    let mut threaded_cells = HashSet::new();
    let mut comment_count = 0;
    // Threaded comments first: Excel also writes a legacy note for each
    // ("[Threaded comment] …"), which is then skipped.
    for (_, target) in rels
        .iter()
        .filter(|(kind, _)| kind.ends_with("/threadedComment"))
    {
        let Some(bytes) = part(parts, target) else {
            continue;
        };
        let persons = people(parts, depth);
        let parsed = xml::parse_bytes(bytes, depth);
        for comment in parsed.document().children_named("threadedComment") {
            let cell = comment.attr("ref").unwrap_or("").to_owned();
            let text = comment.child("text").map(|t| t.text()).unwrap_or_default();
            let mut label = Vec::new();
            if let Some(person) = comment.attr("personId").and_then(|id| persons.get(id)) {
                label.push(person.clone());
            }
            if let Some(date) = comment.attr("dT") {
                label.push(date.to_owned());
            }
            threaded_cells.insert(cell.clone());
            comment_count += 1;
            push_comment(out, sheet, &cell, &text, &label.join(", "));
        }
    }
    for (_, target) in rels.iter().filter(|(kind, _)| kind.ends_with("/comments")) {
        let Some(bytes) = part(parts, target) else {
            continue;
        };
        let parsed = xml::parse_bytes(bytes, depth);
        let document = parsed.document();
        let authors: Vec<String> = document
            .child("authors")
            .map(|a| a.children_named("author").map(|a| a.text()).collect())
            .unwrap_or_default();
        let Some(list) = document.child("commentList") else {
            continue;
        };
        for comment in list.children_named("comment") {
            let cell = comment.attr("ref").unwrap_or("").to_owned();
            if threaded_cells.contains(&cell) {
                continue;
            }
            let text = comment.child("text").map(comment_text).unwrap_or_default();
            let author = comment
                .attr("authorId")
                .and_then(|id| id.parse::<usize>().ok())
                .and_then(|id| authors.get(id))
                .cloned()
                .unwrap_or_default();
            comment_count += 1;
            push_comment(out, sheet, &cell, &text, &author);
        }
    }
    if comment_count > 0 {
        out.notices.push(Notice {
            rule: "hidden.xlsx.comments".into(),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!("sheet {sheet} carries {comment_count} cell comments"),
            part: Part::Comment,
            page: None,
            text: String::new(),
        });
    }
    for (_, target) in rels.iter().filter(|(kind, _)| kind.ends_with("/drawing")) {
        let Some(bytes) = part(parts, target) else {
            continue;
        };
        let parsed = xml::parse_bytes(bytes, depth);
        for body in parsed.document().descendants_named("txBody") {
            let paragraphs: Vec<String> = body
                .children_named("p")
                .map(|p| {
                    one_line(
                        &p.descendants_named("t")
                            .iter()
                            .map(|t| t.text())
                            .collect::<String>(),
                    )
                })
                .filter(|p| !p.is_empty())
                .collect();
            if paragraphs.is_empty() {
                continue;
            }
            let mut segment = Segment::new(Part::Textbox, paragraphs.join("\n"));
            segment.sheet = Some(sheet.to_owned());
            out.push(segment);
        }
    }
}

/// A legacy comment's text without its phonetic runs.
fn comment_text(text: &Element) -> String {
    let mut out = String::new();
    for child in text.elements() {
        match child.name.as_str() {
            "t" => out.push_str(&child.text()),
            "r" => {
                for t in child.children_named("t") {
                    out.push_str(&t.text());
                }
            }
            _ => {}
        }
    }
    out
}

fn push_comment(out: &mut Extraction, sheet: &str, cell: &str, text: &str, label: &str) {
    let text = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut segment = Segment::new(Part::Comment, text).in_cell(sheet, cell);
    if !label.is_empty() {
        segment = segment.with_label(label);
    }
    out.push(segment);
}

/// Threaded-comment authors: person id → display name.
fn people(parts: &HashMap<String, Vec<u8>>, depth: usize) -> HashMap<String, String> {
    let mut persons = HashMap::new();
    for (name, bytes) in parts {
        if !name.to_lowercase().starts_with("xl/persons/") {
            continue;
        }
        let parsed = xml::parse_bytes(bytes, depth);
        for person in parsed.document().children_named("person") {
            if let (Some(id), Some(name)) = (person.attr("id"), person.attr("displayName")) {
                persons.insert(id.to_owned(), name.to_owned());
            }
        }
    }
    persons
}

/// Pivot caches and external-link caches keep copies of data — the source
/// rows of a pivot table even after the source sheet was deleted, values of
/// other workbooks. Values that appear in no cell are reported as hidden.
fn read_caches(
    parts: &HashMap<String, Vec<u8>>,
    depth: usize,
    cell_values: &HashSet<String>,
    out: &mut Extraction,
) {
    let mut names: Vec<&String> = parts
        .keys()
        .filter(|name| {
            let lower = name.to_lowercase();
            (lower.starts_with("xl/pivotcache/") || lower.starts_with("xl/externallinks/"))
                && lower.ends_with(".xml")
        })
        .collect();
    names.sort();
    for name in names {
        let Some(bytes) = parts.get(name) else {
            continue;
        };
        let parsed = xml::parse_bytes(bytes, depth);
        let document = parsed.document();
        let mut values: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        let mut keep = |value: String| {
            let value = one_line_cell(&value);
            if !value.is_empty() && !cell_values.contains(&value) && seen.insert(value.clone()) {
                values.push(value);
            }
        };
        // Pivot caches: <s v="…"/> (and <n>, <d>) items; external links:
        // <cell><v>…</v></cell>.
        for element in ["s", "n", "d"] {
            for item in document.descendants_named(element) {
                if let Some(value) = item.attr("v") {
                    keep(value.to_owned());
                }
            }
        }
        for cell in document.descendants_named("cell") {
            if let Some(value) = cell.child_text("v") {
                keep(value);
            }
        }
        if values.is_empty() {
            continue;
        }
        let what = if name.to_lowercase().starts_with("xl/pivotcache/") {
            "pivot cache"
        } else {
            "external link cache"
        };
        out.notices.push(Notice {
            rule: "hidden.xlsx.cached-data".into(),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{what} {name} keeps {} values that appear in no cell",
                values.len()
            ),
            part: Part::Hidden,
            page: None,
            text: values
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        });
        out.push(
            Segment::new(Part::Hidden, values.join("\n")).with_label(format!("{what} {name}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::ExtractionStatus;
    use crate::extract::limits::{Deadline, Limits};
    use std::io::Write;

    const ROSTER: &[u8] = include_bytes!("../../fixtures/xlsx/roster.xlsx");
    const VERY_HIDDEN: &[u8] = include_bytes!("../../fixtures/xlsx/veryhidden.xlsx");

    fn read_with(bytes: &[u8], limits: &Limits) -> Extraction {
        crate::extract::testing::run(extract, "fixture.xlsx", bytes, limits, Deadline::never())
    }

    fn read(bytes: &[u8]) -> Extraction {
        read_with(bytes, &Limits::default())
    }

    fn find<'e>(extraction: &'e Extraction, part: Part, needle: &str) -> &'e Segment {
        crate::extract::testing::segment_with(extraction, part, needle)
    }

    fn location(segment: &Segment) -> (Option<&str>, Option<&str>) {
        (segment.sheet.as_deref(), segment.cell.as_deref())
    }

    /// A copy of `bytes` with extra entries added.
    fn with_entries(bytes: &[u8], extra: &[(&str, &str)]) -> Vec<u8> {
        let mut source = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for index in 0..source.len() {
            writer
                .raw_copy_file(source.by_index(index).unwrap())
                .unwrap();
        }
        for (name, data) in extra {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data.as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    /// A minimal workbook: one sheet `S` with `sheet_data` inside
    /// `<sheetData>`, the workbook's `<definedNames>` and extra entries.
    fn workbook(sheet_data: &str, defined_names: &str, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut entries: Vec<(String, String)> = vec![
            ("[Content_Types].xml".into(), r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.into()),
            ("_rels/.rels".into(), r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
            ("xl/workbook.xml".into(), format!(r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>{defined_names}</workbook>"#)),
            ("xl/_rels/workbook.xml.rels".into(), r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.into()),
            ("xl/worksheets/sheet1.xml".into(), format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#)),
        ];
        for (name, data) in extra {
            entries.push(((*name).into(), (*data).into()));
        }
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, data) in &entries {
            writer
                .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data.as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    #[test]
    fn string_literal_formulas_evaluate() {
        assert_eq!(literal_value(r#"="机"&"密""#).as_deref(), Some("机密"));
        assert_eq!(
            literal_value(r#"CONCATENATE("绝", "密★")"#).as_deref(),
            Some("绝密★")
        );
        assert_eq!(
            literal_value(r#""say ""hi""""#).as_deref(),
            Some("say \"hi\"")
        );
        assert_eq!(literal_value(r#"="机"&A1"#), None);
        assert_eq!(literal_value("SUM(A1:A3)"), None);
        assert_eq!(literal_value(r#"="机"&"#), None);
    }

    #[test]
    fn formulas_without_cached_values_are_read() {
        let bytes = workbook(
            r#"<row r="1"><c r="A1" t="str"><f>"机"&amp;"密"</f></c><c r="B1"><f>"公开"</f><v>公开</v></c><c r="C1" t="str"><f>"秘"&amp;"密"</f><v>无</v></c></row>"#,
            "",
            &[],
        );
        let out = read(&bytes);
        let formula = find(&out, Part::Hidden, "机密");
        assert_eq!(location(formula), (Some("S"), Some("A1")));
        assert_eq!(formula.text, "机密");
        // Evaluated literals are what Excel shows; a formula kept as it
        // stands is code (its quotes delimit strings).
        assert_eq!(formula.kind, crate::extract::document::TextKind::Prose);
        let coded = read(&workbook(
            r#"<row r="1"><c r="A1" t="str"><f>IF(B1="机密★1年","是","")</f></c></row>"#,
            "",
            &[],
        ));
        let code = find(&coded, Part::Hidden, "机密★1年");
        assert_eq!(code.kind, crate::extract::document::TextKind::Code);
        // A cached value that is not the formula's result: Excel shows
        // the result once it recalculates.
        find(&out, Part::Hidden, "秘密");
        assert!(
            !out.segments
                .iter()
                .any(|s| s.part == Part::Hidden && s.text.contains("公开"))
        );
    }

    #[test]
    fn charts_and_defined_names_are_read() {
        let chart = r#"<c:chartSpace xmlns:c="c" xmlns:a="a"><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>机密★1年 图表</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea><c:barChart><c:ser><c:tx><c:strRef><c:strCache><c:pt idx="0"><c:v>系列秘密</c:v></c:pt></c:strCache></c:strRef></c:tx><c:val><c:numRef><c:numCache><c:pt idx="0"><c:v>12</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>"#;
        let bytes = workbook(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>表</t></is></c></row>"#,
            r#"<definedNames><definedName name="_xlnm._FilterDatabase" hidden="1">"绝密★长期"</definedName><definedName name="标记" comment="内部">S!$A$1</definedName></definedNames>"#,
            &[("xl/charts/chart1.xml", chart)],
        );
        let out = read(&bytes);
        let title = find(&out, Part::Textbox, "机密★1年 图表");
        assert!(title.text.contains("系列秘密"));
        assert!(!title.text.lines().any(|line| line == "12"));
        let hidden = find(&out, Part::Hidden, "绝密★长期");
        assert_eq!(hidden.text, "_xlnm._FilterDatabase\t绝密★长期");
        assert_eq!(hidden.label.as_deref(), Some("hidden defined name"));
        find(&out, Part::Metadata, "标记\tS!$A$1\t内部");
    }

    #[test]
    fn shared_strings_referenced_by_many_cells_stay_within_the_budget() {
        let long = "字".repeat(10_000);
        let shared = format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{long}</t></si></sst>"#
        );
        let rows: String = (1..=200)
            .map(|row| format!(r#"<row r="{row}"><c r="A{row}" t="s"><v>0</v></c></row>"#))
            .collect();
        let bytes = workbook(&rows, "", &[("xl/sharedStrings.xml", &shared)]);
        let limits = Limits {
            max_part_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let out = read_with(&bytes, &limits);
        assert_eq!(out.status(), ExtractionStatus::Partial);
        assert!(
            out.problems
                .iter()
                .any(|p| p.message.contains("sheet S") && p.message.contains("--max-part-size")),
            "{:?}",
            out.problems
        );
        let text: usize = out.segments.iter().map(|s| s.text.len()).sum();
        assert!(text <= 1024 * 1024 + 64 * 1024, "{text}");
        let document = Limits {
            max_document_bytes: 512 * 1024,
            ..Limits::default()
        };
        let out = read_with(&bytes, &document);
        assert!(
            out.problems
                .iter()
                .any(|p| p.message.contains("--max-inflated")),
            "{:?}",
            out.problems
        );
    }

    #[test]
    fn roster_rows_are_tables_with_cell_locations() {
        let extraction = read(ROSTER);
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(extraction.pages, Some(2));
        let header = find(&extraction, Part::Body, "姓名");
        assert_eq!(header.text, "姓名\t身份证号\t\t手机");
        assert_eq!(location(header), (Some("名单"), Some("A1")));
        let person = find(&extraction, Part::Body, "11010519491231002X");
        assert_eq!(person.text, "赵一\t11010519491231002X\t\t13900000000");
        assert_eq!(location(person), (Some("名单"), Some("A2")));
        // Formula: the cached value; date: ISO.
        assert_eq!(
            find(&extraction, Part::Body, "合计").text,
            "合计\t2\t\t2024-03-01\t公式结果"
        );
    }

    #[test]
    fn hidden_rows_columns_and_sheets_are_hidden_parts() {
        let extraction = read(ROSTER);
        let column = find(&extraction, Part::Hidden, "6200000000000005");
        assert_eq!(location(column), (Some("名单"), Some("C2")));
        assert_eq!(column.label.as_deref(), Some("hidden column"));
        let row = find(&extraction, Part::Hidden, "440524188001010014");
        assert_eq!(location(row), (Some("名单"), Some("A3")));
        assert_eq!(row.label.as_deref(), Some("hidden row"));
        let sheet = find(&extraction, Part::Hidden, "机密★5年");
        assert_eq!(location(sheet), (Some("隐藏表"), Some("A1")));
        for segment in &extraction.segments {
            if segment.part == Part::Body {
                assert!(!segment.text.contains("440524188001010014"));
                assert!(!segment.text.contains("6200000000000005"));
            }
        }
        let rules: Vec<&str> = extraction.notices.iter().map(|n| n.rule.as_str()).collect();
        for rule in [
            "hidden.xlsx.hidden-rows",
            "hidden.xlsx.hidden-columns",
            "hidden.xlsx.hidden-sheet",
            "hidden.xlsx.comments",
        ] {
            assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
        }
    }

    #[test]
    fn comments_headers_text_boxes_and_properties() {
        let extraction = read(ROSTER);
        let comment = find(&extraction, Part::Comment, "核实后删除");
        assert_eq!(location(comment), (Some("名单"), Some("D2")));
        assert_eq!(comment.label.as_deref(), Some("李四"));
        assert_eq!(
            find(&extraction, Part::Header, "内部资料").sheet.as_deref(),
            Some("名单")
        );
        find(&extraction, Part::Footer, "工作秘密");
        find(&extraction, Part::Textbox, "请勿外传");
        find(&extraction, Part::Metadata, "低保人员名单");
        find(&extraction, Part::Metadata, "密级\t秘密");
    }

    #[test]
    fn very_hidden_sheets_names_and_collapsed_rows() {
        let extraction = read(VERY_HIDDEN);
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        let secret = find(&extraction, Part::Hidden, "绝密★30年");
        assert_eq!(location(secret), (Some("底稿"), Some("B3")));
        assert!(
            extraction
                .notices
                .iter()
                .any(|n| n.message.contains("very hidden"))
        );
        assert_eq!(
            location(find(&extraction, Part::Hidden, "折叠行")),
            (Some("折叠"), Some("A1"))
        );
        assert_eq!(
            find(&extraction, Part::Comment, "内部事项")
                .label
                .as_deref(),
            Some("王五")
        );
        find(&extraction, Part::Header, "密级：秘密");
        find(&extraction, Part::Metadata, "名单区域");
        find(&extraction, Part::Metadata, "依申请公开");
        // A phone stored as a number reads as its digits.
        assert_eq!(
            find(&extraction, Part::Body, "手机").text,
            "手机\t13900000000"
        );
    }

    #[test]
    fn caches_keep_values_no_cell_shows() {
        let bytes = with_entries(
            VERY_HIDDEN,
            &[(
                "xl/pivotCache/pivotCacheDefinition1.xml",
                r#"<pivotCacheDefinition><cacheFields><cacheField name="姓名"><sharedItems><s v="孙七"/><s v="办公经费"/></sharedItems></cacheField></cacheFields></pivotCacheDefinition>"#,
            )],
        );
        let extraction = read(&bytes);
        let cache = find(&extraction, Part::Hidden, "孙七");
        assert!(
            !cache.text.contains("办公经费"),
            "values shown in cells are not repeated"
        );
        assert!(
            extraction
                .notices
                .iter()
                .any(|n| n.rule == "hidden.xlsx.cached-data")
        );
    }

    #[test]
    fn parts_over_the_limits_are_refused_before_calamine() {
        let limits = Limits {
            max_part_bytes: 1024,
            ..Limits::default()
        };
        let extraction = read_with(ROSTER, &limits);
        assert_eq!(extraction.status(), ExtractionStatus::Failed);
        assert!(
            extraction.problems[0].message.contains("--max-part-size"),
            "{:?}",
            extraction.problems
        );
    }

    #[test]
    fn damaged_workbooks_never_pass_and_never_panic() {
        assert_eq!(read(b"not a zip").status(), ExtractionStatus::Failed);
        crate::extract::testing::assert_damage_never_passes(read, ROSTER, 101, 37);
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_reference(0, 0), "A1");
        assert_eq!(cell_reference(6, 2), "C7");
        assert_eq!(cell_reference(0, 25), "Z1");
        assert_eq!(cell_reference(0, 26), "AA1");
        assert_eq!(cell_reference(0, 16_383), "XFD1");
    }

    #[test]
    fn header_codes_are_stripped() {
        assert_eq!(
            strip_header_codes("&L&\"宋体,常规\"&12内部资料&C第&P页&R&KFF0000机密"),
            "内部资料\t第页\t机密"
        );
        assert_eq!(strip_header_codes("R&&D"), "R&D");
    }

    #[test]
    fn layout_finds_hidden_rows_and_columns() {
        let sheet = r#"<worksheet><sheetFormatPr defaultRowHeight="15"/><cols><col min="2" max="3" width="0" customWidth="1"/><col min="5" max="5" hidden="1"/></cols><sheetData><row r="4" hidden="1"><c r="A4"><v>1</v></c></row><row r="5" ht="0" customHeight="1"/></sheetData><headerFooter><oddHeader>&amp;C秘密</oddHeader></headerFooter></worksheet>"#;
        let layout = Layout::read(sheet.as_bytes());
        assert_eq!(layout.hidden_rows, HashSet::from([3, 4]));
        assert!(layout.column_hidden(1) && layout.column_hidden(2) && layout.column_hidden(4));
        assert!(!layout.column_hidden(3));
        assert_eq!(layout.header_footer, [(Part::Header, "秘密".to_owned())]);
        // Rows without a reference (or with one outside the grid, which
        // calamine is not shown) follow the row before, as calamine counts.
        let sheet = r#"<worksheet><sheetData><row r="2"/><row hidden="1"/><row r="99999999999" hidden="1"/></sheetData></worksheet>"#;
        assert_eq!(
            Layout::read(sheet.as_bytes()).hidden_rows,
            HashSet::from([2, 3])
        );
    }

    /// A copy of `bytes` whose entry `name` has `edit` applied to its text.
    fn with_edited(bytes: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
        let mut source = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for index in 0..source.len() {
            let mut entry = source.by_index(index).unwrap();
            if entry.name().unwrap() == name {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
                let edited = edit(&text);
                assert_ne!(edited, text, "the edit changed nothing");
                drop(entry);
                writer
                    .start_file(name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                writer.write_all(edited.as_bytes()).unwrap();
            } else {
                writer.raw_copy_file(entry).unwrap();
            }
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    fn messages(extraction: &Extraction) -> Vec<&str> {
        extraction
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect()
    }

    #[test]
    fn out_of_grid_references_are_repaired_and_the_cells_still_read() {
        let bytes = with_edited(ROSTER, "xl/worksheets/sheet1.xml", |sheet| {
            sheet
                .replacen(r#"r="B2""#, r#"r="ZZZZZZZZZZ99999999999""#, 1)
                .replacen(r#"<row r="3""#, r#"<row r="4294967295""#, 1)
        });
        let extraction = read(&bytes);
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert_eq!(
            messages(&extraction),
            [
                "sheet 名单: invalid cell reference \"ZZZZZZZZZZ99999999999\" in <c> (column past XFD, the last column of a worksheet) and 1 more repaired; cell positions in this sheet may be approximate"
            ]
        );
        // The cell lost its reference but not its value: calamine places it
        // after the cell before it, which is where it was.
        let person = find(&extraction, Part::Body, "11010519491231002X");
        assert_eq!(person.text, "赵一\t11010519491231002X\t\t13900000000");
        assert_eq!(location(person), (Some("名单"), Some("A2")));
        find(&extraction, Part::Hidden, "钱二");
    }

    #[test]
    fn a_reversed_dimension_is_ignored_and_reported() {
        let bytes = with_edited(ROSTER, "xl/worksheets/sheet1.xml", |sheet| {
            let start = sheet.find("<dimension ref=\"").unwrap() + 16;
            let end = start + sheet[start..].find('"').unwrap();
            format!("{}Z9:A1{}", &sheet[..start], &sheet[end..])
        });
        let extraction = read(&bytes);
        assert_eq!(
            messages(&extraction),
            [
                "sheet 名单: invalid dimension reference \"Z9:A1\" (reversed: it ends before it starts) ignored"
            ]
        );
        let person = find(&extraction, Part::Body, "11010519491231002X");
        assert_eq!(location(person), (Some("名单"), Some("A2")));
    }

    /// The regression files cargo fuzz found (and one made by hand): no
    /// panic under debug assertions, and the repair is named.
    #[test]
    fn fuzz_found_reference_overflows_are_repaired() {
        let cases = [
            (
                "calamine-overflowing-references.xlsx",
                "sheet 名单: invalid cell reference \"ZZZZZZZZZZ99999999999\" in <c> (column past XFD, the last column of a worksheet) repaired; cell positions in this sheet may be approximate; invalid dimension reference \"Z9:A1\" (reversed: it ends before it starts) ignored",
            ),
            (
                "fuzz-xlsx-part-overflowing-reference.xlsx",
                "sheet 名单: invalid cell reference \"schemas.openxmlformats.org/spreadsheetml…\" in <c> (column past XFD, the last column of a worksheet) repaired; cell positions in this sheet may be approximate",
            ),
            (
                "fuzz-xlsx-part-reversed-dimension.xlsx",
                "sheet 隐藏表: invalid dimension reference \"B4:B3\" (reversed: it ends before it starts) ignored",
            ),
        ];
        for (file, message) in cases {
            let path = format!("{}/fixtures/malformed/{file}", env!("CARGO_MANIFEST_DIR"));
            let extraction = read(&std::fs::read(path).unwrap());
            assert_eq!(extraction.status(), ExtractionStatus::Partial, "{file}");
            assert_eq!(messages(&extraction)[0], message, "{file}");
        }
    }

    #[test]
    fn valid_workbooks_reach_calamine_unchanged() {
        let limits = Limits::default();
        let container = Container::open(ROSTER, &limits).unwrap();
        let mut out = Extraction::default();
        let parts = read_parts(&container, &mut out).unwrap();
        let paths = sheet_paths(&parts, limits.max_depth);
        let package = package_for_calamine(ROSTER, &container, &parts, &paths, &mut out).unwrap();
        assert!(matches!(package, std::borrow::Cow::Borrowed(_)));
        assert!(out.problems.is_empty());
    }

    #[test]
    fn workbooks_with_pictures_reach_calamine_unchanged() {
        // A drawing's relationship to its picture is not one calamine
        // follows: the picture needs no emptying and the workbook no copy.
        let bytes = with_entries(
            ROSTER,
            &[
                ("xl/drawings/drawing9.xml", "<wsDr/>"),
                (
                    "xl/drawings/_rels/drawing9.xml.rels",
                    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image9.png"/></Relationships>"#,
                ),
                ("xl/media/image9.png", "not really a picture"),
            ],
        );
        let limits = Limits::default();
        let container = Container::open(&bytes, &limits).unwrap();
        let mut out = Extraction::default();
        let parts = read_parts(&container, &mut out).unwrap();
        let paths = sheet_paths(&parts, limits.max_depth);
        let package = package_for_calamine(&bytes, &container, &parts, &paths, &mut out).unwrap();
        assert!(matches!(package, std::borrow::Cow::Borrowed(_)));
        assert!(out.problems.is_empty());
    }

    #[test]
    fn parts_prepub_does_not_check_are_empty_for_calamine() {
        // A relationship part among the media: calamine would read it if
        // the workbook lived there, so calamine gets it empty.
        let bytes = with_entries(ROSTER, &[("xl/media/_rels/a.xml.rels", "<Relationships/>")]);
        let limits = Limits::default();
        let container = Container::open(&bytes, &limits).unwrap();
        let mut out = Extraction::default();
        let parts = read_parts(&container, &mut out).unwrap();
        let paths = sheet_paths(&parts, limits.max_depth);
        let package = package_for_calamine(&bytes, &container, &parts, &paths, &mut out).unwrap();
        let mut rebuilt = zip::ZipArchive::new(std::io::Cursor::new(package.as_ref())).unwrap();
        assert_eq!(rebuilt.len(), container.names().len());
        assert_eq!(
            rebuilt.by_name("xl/media/_rels/a.xml.rels").unwrap().size(),
            0
        );
        // Everything else is as it was, and the workbook reads completely.
        assert_eq!(read(&bytes).status(), ExtractionStatus::Complete);
    }
}
