//! Cell references checked before calamine sees a worksheet.
//!
//! calamine 0.38 turns the references of a worksheet into numbers with
//! unchecked `u32` arithmetic (`src/xlsx/mod.rs`, `get_row_and_optional_column`
//! and `get_dimension`): a reference with many letters or digits
//! (`ZZZZZZZZZZ99999999999`) multiplies past `u32::MAX`, and a reversed
//! `<dimension ref="Z9:A1">` subtracts a larger row from a smaller one. A
//! debug build panics there; a release build wraps and reports cells at
//! positions that are not in the file. Neither is acceptable for a reviewer,
//! and the upstream issues (tafia/calamine#692, #694, #709) are not fixed in
//! any released version.
//!
//! So every part calamine could open as a worksheet is scanned here with the
//! same XML reader calamine uses (quick-xml, same version, same settings)
//! and the same attribute rules (calamine matches the
//! raw attribute key exactly and takes the raw value), so both see the same
//! elements. What calamine turns into numbers is checked against the Excel
//! grid (`A1:XFD1048576`):
//!
//! * `<dimension ref>` — read before `<sheetData>`; a reversed or out-of-grid
//!   one gets the neutral value `A1` (calamine refuses a `<dimension>` without
//!   `ref`, and prepub does not use the dimension at all);
//! * `<row r>` and `<c r>` — an invalid one is removed, so calamine places
//!   the row or cell by its order, as it does for files written without
//!   references.
//!
//! The caller records every repair as a problem: cell positions after a
//! removed reference may be approximate, and nothing passes silently.

use quick_xml::events::Event;

/// The last column of an .xlsx (XFD).
const MAX_COLUMN: u32 = 16_384;
/// The last row of an .xlsx.
const MAX_ROW: u32 = 1_048_576;

/// Why a reference was changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    /// `dimension`, `row` or `c`.
    pub element: &'static str,
    /// The reference as written (cut to a readable length).
    pub reference: String,
    pub reason: &'static str,
}

/// The result of checking one part.
#[derive(Debug, Default)]
pub struct Checked {
    pub repairs: Vec<Repair>,
    /// The part with the repairs applied, when there were any.
    pub repaired: Option<Vec<u8>>,
    /// A bad reference could not be cut out: `repaired` is empty and the
    /// worksheet is not read.
    pub unrepairable: bool,
}

/// One byte-range edit of the part: `range` becomes `replacement`.
struct Edit {
    start: usize,
    end: usize,
    replacement: &'static [u8],
}

/// Checks the references of one part as calamine's cell reader would meet
/// them. A part that is not a worksheet has none of these elements and comes
/// back unchanged. XML errors end the scan where they end calamine's read.
pub fn check(bytes: &[u8]) -> Checked {
    // The slice reader runs the same parser as calamine's buffered one
    // (quick-xml keeps one state machine for both) without copying events.
    let mut reader = quick_xml::Reader::from_reader(bytes);
    // calamine's `xml_reader` settings (src/xlsx/mod.rs).
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut checked = Checked::default();
    let mut edits = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        let Event::Start(element) = event else {
            continue;
        };
        let local = element.local_name();
        let kind: &'static str = match local.as_ref() {
            "dimension" => "dimension",
            "row" => "row",
            "c" => "c",
            _ => continue,
        };
        let key: &[u8] = if kind == "dimension" { b"ref" } else { b"r" };
        let raw = element.attributes_raw().as_bytes();
        let mut found = Vec::new();
        for attribute in raw_attributes(raw) {
            let Ok(attribute) = attribute else { break };
            if attribute.key != key {
                continue;
            }
            let reason = match kind {
                "dimension" => dimension_problem(attribute.value),
                "row" => row_problem(attribute.value),
                _ => cell_problem(attribute.value),
            };
            if let Some(reason) = reason {
                checked.repairs.push(Repair {
                    element: kind,
                    reference: shown(attribute.value),
                    reason,
                });
                found.push(attribute);
            }
        }
        if found.is_empty() {
            continue;
        }
        // The slice reader lends out the input itself, so where the
        // attributes sit in `bytes` follows from their address.
        let Some(attributes_start) = offset_in(bytes, raw) else {
            // Not expected: the reader copied the element (it would if it
            // ever transcoded), so it cannot be edited in place and calamine
            // gets no worksheet at all.
            checked.unrepairable = true;
            checked.repaired = Some(Vec::new());
            return checked;
        };
        for attribute in found {
            edits.push(if kind == "dimension" {
                Edit {
                    start: attributes_start + attribute.value_start,
                    end: attributes_start + attribute.value_end,
                    replacement: b"A1",
                }
            } else {
                Edit {
                    start: attributes_start + attribute.start,
                    end: attributes_start + attribute.end,
                    replacement: b"",
                }
            });
        }
    }
    if !edits.is_empty() {
        let mut repaired = Vec::with_capacity(bytes.len());
        let mut at = 0;
        for edit in &edits {
            repaired.extend_from_slice(&bytes[at..edit.start]);
            repaired.extend_from_slice(edit.replacement);
            at = edit.end;
        }
        repaired.extend_from_slice(&bytes[at..]);
        checked.repaired = Some(repaired);
    }
    checked
}

/// Where `part` (a slice lent out by the reader) starts inside `whole`.
fn offset_in(whole: &[u8], part: &[u8]) -> Option<usize> {
    let offset = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = offset.checked_add(part.len())?;
    (end <= whole.len() && &whole[offset..end] == part).then_some(offset)
}

/// One attribute as calamine's raw attribute scanner (`src/attrs.rs`) sees
/// it, with byte offsets into the attribute text.
struct RawAttribute<'a> {
    key: &'a [u8],
    value: &'a [u8],
    /// From the whitespace before the key to the closing quote, inclusive:
    /// what to cut to remove the attribute.
    start: usize,
    end: usize,
    value_start: usize,
    value_end: usize,
}

/// calamine's attribute rules: skip whitespace, the key runs to `=` (its
/// trailing whitespace trimmed), the value is quoted with `"` or `'`; a key
/// without `=` or an unquoted value is an error that ends the scan.
fn raw_attributes(raw: &[u8]) -> impl Iterator<Item = Result<RawAttribute<'_>, ()>> {
    let mut pos = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let before = pos;
        while pos < raw.len() && raw[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= raw.len() {
            return None;
        }
        let key_start = pos;
        while pos < raw.len() && raw[pos] != b'=' {
            pos += 1;
        }
        if pos >= raw.len() {
            done = true;
            return Some(Err(()));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < raw.len() && raw[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match raw.get(pos) {
            Some(&quote @ (b'"' | b'\'')) => quote,
            _ => {
                done = true;
                return Some(Err(()));
            }
        };
        pos += 1;
        let value_start = pos;
        while pos < raw.len() && raw[pos] != quote {
            pos += 1;
        }
        let value_end = pos;
        if pos < raw.len() {
            pos += 1;
        }
        Some(Ok(RawAttribute {
            key,
            value: &raw[value_start..value_end],
            start: before,
            end: pos,
            value_start,
            value_end,
        }))
    })
}

/// A cell reference inside the Excel grid as (row, column), both 1-based.
fn cell(reference: &[u8]) -> Result<(u32, u32), &'static str> {
    let letters = reference
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let (column, row) = reference.split_at(letters);
    if column.is_empty() {
        return Err("no column");
    }
    let column = number(column, 26, |b| u32::from(b.to_ascii_uppercase() - b'A') + 1)
        .filter(|&c| c <= MAX_COLUMN)
        .ok_or("column past XFD, the last column of a worksheet")?;
    Ok((row_number(row)?, column))
}

/// A row number inside the Excel grid, 1-based.
fn row_number(digits: &[u8]) -> Result<u32, &'static str> {
    if digits.is_empty() {
        return Err("no row number");
    }
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err("not a cell reference");
    }
    number(digits, 10, |b| u32::from(b - b'0'))
        .filter(|&r| (1..=MAX_ROW).contains(&r))
        .ok_or("row outside 1 to 1048576, the rows of a worksheet")
}

/// Accumulates `digits` in `base` with checked arithmetic.
fn number(digits: &[u8], base: u32, value: impl Fn(u8) -> u32) -> Option<u32> {
    digits.iter().try_fold(0u32, |total, &b| {
        total.checked_mul(base)?.checked_add(value(b))
    })
}

fn cell_problem(value: &[u8]) -> Option<&'static str> {
    cell(value).err()
}

fn row_problem(value: &[u8]) -> Option<&'static str> {
    row_number(value).err()
}

fn dimension_problem(value: &[u8]) -> Option<&'static str> {
    let mut corners = value.split(|&b| b == b':');
    let first = corners.next().map(cell);
    let second = corners.next().map(cell);
    if corners.next().is_some() {
        return Some("more than two corners");
    }
    match (first, second) {
        (Some(Err(reason)), _) | (_, Some(Err(reason))) => Some(reason),
        (Some(Ok(start)), Some(Ok(end))) if end.0 < start.0 || end.1 < start.1 => {
            Some("reversed: it ends before it starts")
        }
        _ => None,
    }
}

/// The reference as text for a message, cut to 40 characters.
fn shown(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{body}</worksheet>"#
        )
    }

    fn repaired(xml: &str) -> (Vec<Repair>, Option<String>) {
        let checked = check(xml.as_bytes());
        (
            checked.repairs,
            checked
                .repaired
                .map(|bytes| String::from_utf8(bytes).unwrap()),
        )
    }

    #[test]
    fn valid_references_are_left_alone() {
        let xml = sheet(
            r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r='xfd1'/></row><row r="1048576"><c r="B1048576"><v>1</v></c></row><row><c><v>2</v></c></row></sheetData>"#,
        );
        let (repairs, repaired) = repaired(&xml);
        assert!(repairs.is_empty(), "{repairs:?}");
        assert_eq!(repaired, None);
    }

    #[test]
    fn a_reversed_dimension_becomes_a1() {
        let xml = sheet(r#"<dimension ref="Z9:A1"/><sheetData/>"#);
        let (repairs, repaired) = repaired(&xml);
        assert_eq!(
            repairs,
            vec![Repair {
                element: "dimension",
                reference: "Z9:A1".into(),
                reason: "reversed: it ends before it starts",
            }]
        );
        assert_eq!(
            repaired.unwrap(),
            sheet(r#"<dimension ref="A1"/><sheetData/>"#)
        );
        // Reversed in columns only.
        assert_eq!(repaired_count(r#"<dimension ref="C1:A5"/>"#), 1);
        assert_eq!(repaired_count(r#"<dimension ref="A1:B2:C3"/>"#), 1);
        assert_eq!(repaired_count(r#"<dimension ref="A1"/>"#), 0);
    }

    fn repaired_count(body: &str) -> usize {
        check(sheet(body).as_bytes()).repairs.len()
    }

    #[test]
    fn out_of_grid_references_are_removed() {
        let xml = sheet(
            r#"<sheetData><row r="99999999999" spans="1:1"><c r="ZZZZZZZZZZ99999999999" t="s"><v>0</v></c><c  r = 'XFE1'/><c r="A1048577"/><c r="A0"/><c r=""/><c r="$A$1"/></row><row r="0"/></sheetData>"#,
        );
        let (repairs, repaired) = repaired(&xml);
        let seen: Vec<(&str, &str)> = repairs
            .iter()
            .map(|r| (r.element, r.reference.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("row", "99999999999"),
                ("c", "ZZZZZZZZZZ99999999999"),
                ("c", "XFE1"),
                ("c", "A1048577"),
                ("c", "A0"),
                ("c", ""),
                ("c", "$A$1"),
                ("row", "0"),
            ]
        );
        assert_eq!(
            repaired.unwrap(),
            sheet(
                r#"<sheetData><row spans="1:1"><c t="s"><v>0</v></c><c/><c/><c/><c/><c/></row><row/></sheetData>"#
            )
        );
    }

    #[test]
    fn prefixed_elements_count_and_other_keys_do_not() {
        // calamine matches element local names and exact attribute keys.
        assert_eq!(
            repaired_count(r#"<x:sheetData><x:c r="AAAAAAAA1"/></x:sheetData>"#),
            1
        );
        assert_eq!(
            repaired_count(r#"<sheetData><c x:r="AAAAAAAA1" ref="AAAAAAAA1"/></sheetData>"#),
            0
        );
    }

    #[test]
    fn scanning_stops_where_the_xml_breaks() {
        // calamine stops reading at the same error, so what follows it is
        // never turned into numbers.
        assert_eq!(repaired_count(r#"<sheetData><c r="A1"></sheetData"#), 0);
        assert_eq!(
            repaired_count(r#"<sheetData><c r="AAAAAAAA1"/><c r="A1" <</sheetData>"#),
            1
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_shift_the_edit() {
        let xml = format!(
            "\u{feff}{}",
            sheet(r#"<sheetData><c r="AAAAAAAA1"/></sheetData>"#)
        );
        let (repairs, repaired) = repaired(&xml);
        assert_eq!(repairs.len(), 1);
        assert_eq!(
            repaired.unwrap(),
            format!("\u{feff}{}", sheet("<sheetData><c/></sheetData>"))
        );
    }

    #[test]
    fn long_references_are_cut_in_messages() {
        let long = "A".repeat(100);
        let xml = sheet(&format!(r#"<sheetData><c r="{long}1"/></sheetData>"#));
        let (repairs, _) = repaired(&xml);
        assert_eq!(repairs[0].reference.chars().count(), 41);
    }
}
