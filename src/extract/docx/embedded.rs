//! Reading what is embedded in a Word document: OLE objects, packages
//! (an `.xlsx` behind a chart, a `.docx` pasted as an object) and
//! `w:altChunk` imports.
//!
//! Office Open XML packages are cheap to read and are read: Word documents
//! fully (through the same reader, one level deeper), workbooks as their
//! cell values, presentations as their slide text. Plain text and HTML
//! chunks are read too. Anything else — legacy OLE objects (`.bin`,
//! `.doc`, `.xls`), PDFs, media — is named in a `partial` problem so the
//! reviewer opens it by hand.

use super::xml::{Stop, Ticker, collect_lines, local, push_text, resolve_reference};
use crate::extract::container::{Container, PartError};
use crate::extract::limits::{Deadline, Limits};
use quick_xml::events::Event;

/// What kind of thing an embedded part is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Workbook,
    Presentation,
    Text,
    Html,
    /// Pictures and previews: not text, not reported.
    Image,
    /// Something prepub cannot read (OLE, PDF, legacy binary formats).
    Unreadable,
}

pub(super) fn kind_of(name: &str) -> Kind {
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "docx" | "docm" | "dotx" | "dotm" => Kind::Word,
        "xlsx" | "xlsm" | "xltx" | "xltm" => Kind::Workbook,
        "pptx" | "pptm" | "potx" | "ppsx" | "sldx" => Kind::Presentation,
        "txt" | "csv" => Kind::Text,
        "htm" | "html" | "xhtml" => Kind::Html,
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "emf" | "wmf" | "svg" | "wdp"
        | "jfif" => Kind::Image,
        _ => Kind::Unreadable,
    }
}

/// A human name for what could not be read, for the problem message.
pub(super) fn describe(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".bin") {
        "OLE object"
    } else if lower.ends_with(".xls") {
        "legacy Excel workbook"
    } else if lower.ends_with(".doc") {
        "legacy Word document"
    } else if lower.ends_with(".ppt") {
        "legacy PowerPoint presentation"
    } else if lower.ends_with(".pdf") {
        "PDF document"
    } else if lower.ends_with(".rtf") {
        "RTF document"
    } else if lower.ends_with(".mht") || lower.ends_with(".mhtml") {
        "MHT web archive"
    } else {
        "embedded object"
    }
}

/// Lines of text from one embedded package, grouped under a label (a sheet,
/// a slide).
pub(super) type Groups = Vec<(String, Vec<String>)>;

/// Cell values of a workbook, one line per row, cells separated by tabs.
pub(super) fn workbook(
    bytes: &[u8],
    limits: &Limits,
    deadline: Deadline,
) -> Result<Groups, String> {
    let container = Container::open(bytes, limits)?;
    let shared = match container.read("xl/sharedStrings.xml") {
        Ok(bytes) => shared_strings(&super::package::decode_xml(&bytes).text, deadline)?,
        Err(PartError::Missing) => Vec::new(),
        Err(error) => return Err(format!("xl/sharedStrings.xml: {error}")),
    };
    let mut sheets: Vec<&String> = container
        .names()
        .iter()
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            lower.starts_with("xl/worksheets/")
                && lower.ends_with(".xml")
                && !lower.contains("_rels")
        })
        .collect();
    sheets.sort_by_key(|name| natural_key(name));
    let mut groups = Vec::new();
    for sheet in sheets {
        let bytes = container.read(sheet).map_err(|e| format!("{sheet}: {e}"))?;
        let rows = sheet_rows(&super::package::decode_xml(&bytes).text, &shared, deadline)
            .map_err(|e| format!("{sheet}: {e}"))?;
        let label = sheet.rsplit('/').next().unwrap_or(sheet).to_owned();
        groups.push((label, rows));
    }
    Ok(groups)
}

/// Slide and notes text of a presentation, one line per paragraph.
pub(super) fn presentation(
    bytes: &[u8],
    limits: &Limits,
    deadline: Deadline,
) -> Result<Groups, String> {
    let container = Container::open(bytes, limits)?;
    let mut parts: Vec<&String> = container
        .names()
        .iter()
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            (lower.starts_with("ppt/slides/slide") || lower.starts_with("ppt/notesslides/"))
                && lower.ends_with(".xml")
        })
        .collect();
    parts.sort_by_key(|name| natural_key(name));
    let mut groups = Vec::new();
    for part in parts {
        let bytes = container.read(part).map_err(|e| format!("{part}: {e}"))?;
        let (lines, stop) = collect_lines(
            &super::package::decode_xml(&bytes).text,
            &["p"],
            &["t"],
            deadline,
        );
        if let Some(stop) = stop {
            return Err(format!("{part}: {}", stop_message(&stop)));
        }
        let label = part.rsplit('/').next().unwrap_or(part).to_owned();
        groups.push((label, lines));
    }
    Ok(groups)
}

/// Visible text of an HTML chunk, one line per text run between tags.
pub(super) fn html(bytes: &[u8]) -> Vec<String> {
    let (text, _, _) = crate::extract::text::decode(bytes);
    let document = scraper::Html::parse_document(&text);
    let mut lines = Vec::new();
    for node in document.root_element().descendants() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        let inside_code = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "head"))
        });
        let text = text.trim();
        if !inside_code && !text.is_empty() {
            lines.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    lines
}

pub(super) fn stop_message(stop: &Stop) -> String {
    match stop {
        Stop::Invalid(message) => message.clone(),
        Stop::Deadline => "time budget exceeded".into(),
    }
}

/// Sorts `sheet10.xml` after `sheet9.xml`.
fn natural_key(name: &str) -> (String, u64) {
    let stem = name.trim_end_matches(".xml");
    let digits: String = stem
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let number = digits.parse().unwrap_or(0);
    (stem[..stem.len() - digits.len()].to_owned(), number)
}

fn shared_strings(xml: &str, deadline: Deadline) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    let mut ticker = Ticker::new(deadline);
    let mut strings = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    let mut phonetic = 0usize;
    loop {
        if ticker.expired() {
            return Err("time budget exceeded".into());
        }
        match reader.read_event() {
            Ok(Event::Start(element)) => match local(element.name().0) {
                "si" => current.clear(),
                "t" => in_text = phonetic == 0,
                "rPh" => phonetic += 1,
                _ => {}
            },
            Ok(Event::Empty(element)) if local(element.name().0) == "si" => {
                strings.push(String::new())
            }
            Ok(Event::End(element)) => match local(element.name().0) {
                "si" => strings.push(std::mem::take(&mut current)),
                "t" => in_text = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                _ => {}
            },
            Ok(Event::Text(text)) if in_text => push_text(&mut current, &text.xml10_content()),
            Ok(Event::GeneralRef(reference)) if in_text => {
                if let Some(ch) = resolve_reference(&reference) {
                    current.push(ch);
                }
            }
            Ok(Event::Eof) => return Ok(strings),
            Ok(_) => {}
            Err(error) => {
                return Err(format!(
                    "invalid XML at byte {}: {error}",
                    reader.error_position()
                ));
            }
        }
    }
}

fn sheet_rows(xml: &str, shared: &[String], deadline: Deadline) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    let mut ticker = Ticker::new(deadline);
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell_type = String::new();
    let mut value = String::new();
    let mut in_value = false;
    loop {
        if ticker.expired() {
            return Err("time budget exceeded".into());
        }
        match reader.read_event() {
            Ok(Event::Start(element)) => match local(element.name().0) {
                "c" => {
                    cell_type = super::xml::attr(&element, "t")
                        .map(|t| t.into_owned())
                        .unwrap_or_default();
                    value.clear();
                }
                "v" | "t" => in_value = true,
                _ => {}
            },
            Ok(Event::End(element)) => match local(element.name().0) {
                "v" | "t" => in_value = false,
                "c" => {
                    let text = if cell_type == "s" {
                        value
                            .trim()
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| shared.get(i))
                            .cloned()
                            .unwrap_or_default()
                    } else {
                        std::mem::take(&mut value)
                    };
                    let text = text.trim().replace('\t', " ");
                    if !text.is_empty() {
                        row.push(text);
                    }
                }
                "row" if !row.is_empty() => {
                    rows.push(row.join("\t"));
                    row.clear();
                }
                _ => {}
            },
            Ok(Event::Text(text)) if in_value => push_text(&mut value, &text.xml10_content()),
            Ok(Event::GeneralRef(reference)) if in_value => {
                if let Some(ch) = resolve_reference(&reference) {
                    value.push(ch);
                }
            }
            Ok(Event::Eof) => {
                if !row.is_empty() {
                    rows.push(row.join("\t"));
                }
                return Ok(rows);
            }
            Ok(_) => {}
            Err(error) => {
                return Err(format!(
                    "invalid XML at byte {}: {error}",
                    reader.error_position()
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, data) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data.as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(
            kind_of("word/embeddings/Microsoft_Excel_Worksheet.xlsx"),
            Kind::Workbook
        );
        assert_eq!(kind_of("word/embeddings/oleObject1.bin"), Kind::Unreadable);
        assert_eq!(kind_of("word/afchunk.htm"), Kind::Html);
        assert_eq!(describe("word/embeddings/oleObject1.bin"), "OLE object");
    }

    #[test]
    fn reads_workbook_cells() {
        let bytes = zip_with(&[
            (
                "xl/sharedStrings.xml",
                r#"<sst><si><t>姓名</t></si><si><r><t>张</t></r><r><t>三</t></r><rPh><t>zhang</t></rPh></si></sst>"#,
            ),
            (
                "xl/worksheets/sheet1.xml",
                r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2"><v>110105194912310029</v></c><c t="inlineStr"><is><t>机密</t></is></c></row></sheetData></worksheet>"#,
            ),
        ]);
        let groups = workbook(&bytes, &Limits::default(), Deadline::never()).unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].1, ["姓名\t张三", "110105194912310029\t机密"]);
    }

    #[test]
    fn reads_slides() {
        let bytes = zip_with(&[(
            "ppt/slides/slide1.xml",
            r#"<p:sld xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>内部资料</a:t></a:r></a:p></p:sld>"#,
        )]);
        let groups = presentation(&bytes, &Limits::default(), Deadline::never()).unwrap();
        assert_eq!(groups[0].1, ["内部资料"]);
    }

    #[test]
    fn html_text_without_scripts() {
        let lines = html("<html><head><title>t</title><script>var x</script></head><body><p>机密 ★1年</p></body></html>".as_bytes());
        assert_eq!(lines, ["机密 ★1年"]);
    }

    #[test]
    fn garbage_workbook_is_an_error() {
        assert!(workbook(b"not a zip", &Limits::default(), Deadline::never()).is_err());
    }
}
