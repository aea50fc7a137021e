//! PowerPoint 97–2003 presentations (`.ppt`, `.pps`) and WPS Office `.dps`
//! files ([MS-PPT]).
//!
//! The `PowerPoint Document` stream is a tree of records. Every text atom
//! in it is read — `TextCharsAtom` (UTF-16), `TextBytesAtom` (8-bit),
//! and the `CString`s of comments, hyperlinks and headers/footers (other
//! CStrings are names of fonts, sounds and tags) — and its part comes
//! from the containers around it:
//!
//! | container | part |
//! |---|---|
//! | a slide (`Slide`, or the slide list's text) | `body`, `page` the slide number; a slide hidden from the show (SSSlideInfoAtom fHidden) → `hidden` |
//! | notes (`Notes`, the notes list) | `notes` |
//! | a master (`MainMaster`, the master list) | `header`, labelled "slide master" |
//! | `HeadersFooters` | `footer` |
//! | `Comment10` (author, text), also inside binary tags | `comment`, labelled with the author |
//! | `ExHyperlink` (name, target) | `hidden`, labelled "hyperlink" |
//!
//! A file saved incrementally keeps earlier versions of edited slides in
//! the stream; their text is read too (it travels with the file), identical
//! repeats once. An encrypted presentation (`CryptSession10Container`,
//! `EncryptedSummary`) is `failed`; a record longer than its container is
//! `partial`, and so is one with embedded OLE objects (ExOleObjStg, not
//! opened). PowerPoint 4.0 (`PP40`) files are `failed`: not this format.

use super::Request;
use super::ole::{Ole, u16_at, u32_at};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use std::collections::HashSet;

const SLIDE: u16 = 0x03EE;
const NOTES: u16 = 0x03F0;
const MAIN_MASTER: u16 = 0x03F8;
const SLIDE_LIST: u16 = 0x0FF0;
const SLIDE_PERSIST: u16 = 0x03F3;
const SS_SLIDE_INFO: u16 = 0x03F9;
const HEADERS_FOOTERS: u16 = 0x0FD9;
const COMMENT10: u16 = 0x2EE0;
const TEXT_CHARS: u16 = 0x0FA0;
const TEXT_BYTES: u16 = 0x0FA8;
const CSTRING: u16 = 0x0FBA;
const CRYPT_SESSION: u16 = 0x2F14;
const BINARY_TAG_DATA: u16 = 0x138B;
const EX_HYPERLINK: u16 = 0x0FD7;
const EX_OLE_OBJ_STG: u16 = 0x1011;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Slide,
    Notes,
    Master,
}

struct Walker {
    segments: Vec<Segment>,
    seen: HashSet<(Part, String)>,
    slides: u32,
    hidden_slides: u32,
    comments: Vec<String>,
    encrypted: bool,
    damaged: Option<String>,
    records: u64,
    max_depth: usize,
    /// Embedded OLE objects (ExOleObjStg), which are not opened.
    objects: usize,
}

pub(crate) fn read(ole: &Ole<'_>, request: &Request<'_>, format: &str, out: &mut Extraction) {
    ole.check_length(out);
    super::ole_properties::read(ole, format, out);
    if ole.has_stream("EncryptedSummary") {
        out.problems.push(Problem::failed(
            "encrypted: the presentation is protected with a password; it cannot be reviewed without it — remove the password and rescan",
        ));
        return;
    }
    let stream = match ole.read("PowerPoint Document") {
        Ok(stream) => stream,
        Err(error) => {
            out.problems
                .push(Problem::failed(format!("PowerPoint presentation: {error}")));
            return;
        }
    };
    let mut walker = Walker {
        segments: Vec::new(),
        seen: HashSet::new(),
        slides: 0,
        hidden_slides: 0,
        comments: Vec::new(),
        encrypted: false,
        damaged: None,
        records: 0,
        max_depth: request.limits.max_depth,
        objects: 0,
    };
    walker.walk(&stream, Place::Slide, false, 0);
    if walker.encrypted {
        out.problems.push(Problem::failed(
            "encrypted: the presentation is protected with a password (CryptSession10Container); it cannot be reviewed without it — remove the password and rescan",
        ));
        return;
    }
    if let Some(damage) = walker.damaged.take() {
        out.problems.push(Problem::partial(None, damage));
    }
    if walker.segments.is_empty() && stream.len() > 8 && walker.records < 2 {
        out.problems.push(Problem::failed(
            "PowerPoint presentation: the PowerPoint Document stream holds no readable records",
        ));
        return;
    }
    if walker.slides > 0 {
        out.pages = Some(walker.slides);
    }
    if walker.objects > 0 {
        out.problems.push(Problem::partial(
            Some(Part::Attachment.as_str().to_owned()),
            format!(
                "{} embedded OLE object(s) (ExOleObjStg) in the presentation are not opened: open the presentation and check them by hand",
                walker.objects
            ),
        ));
    }
    let mut segments = std::mem::take(&mut walker.segments);
    segments.sort_by_key(|s| s.part);
    out.segments.extend(segments);
    if walker.hidden_slides > 0 {
        out.notices.push(Notice {
            rule: format!("hidden.{format}.hidden-slides"),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{} slide(s) hidden from the slide show: they are published with the file",
                walker.hidden_slides
            ),
            part: Part::Hidden,
            page: None,
            text: String::new(),
        });
    }
    if !walker.comments.is_empty() {
        let authors: Vec<&str> = walker
            .comments
            .iter()
            .map(String::as_str)
            .filter(|a| !a.is_empty())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        out.notices.push(Notice {
            rule: format!("hidden.{format}.comments"),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{} comment(s){} must be resolved before publishing",
                walker.comments.len(),
                if authors.is_empty() {
                    String::new()
                } else {
                    format!(" (by {})", authors.join(", "))
                }
            ),
            part: Part::Comment,
            page: None,
            text: authors.join(", "),
        });
    }
    super::ole::check_macros(ole, format, out);
}

impl Walker {
    fn push(&mut self, part: Part, label: Option<String>, page: Option<u32>, text: String) {
        let text: String = text
            .replace(['\r', '\u{b}'], "\n")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let text: String = text
            .chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        if text.is_empty() || !self.seen.insert((part, text.clone())) {
            return;
        }
        let mut segment = Segment::new(part, text);
        segment.page = page;
        segment.label = label;
        self.segments.push(segment);
    }

    /// Walks the records in `data`; `hidden` when inside a hidden slide.
    fn walk(&mut self, data: &[u8], place: Place, hidden: bool, depth: usize) {
        if depth > self.max_depth.max(16) {
            self.damaged.get_or_insert_with(|| {
                "PowerPoint records nest deeper than --max-depth: the deeper ones are not read"
                    .into()
            });
            return;
        }
        let mut at = 0usize;
        // Inside a slide list, text atoms follow the SlidePersistAtom of
        // their slide.
        let mut list_slide: Option<u32> = None;
        let mut slide_hidden = hidden;
        while at + 8 <= data.len() {
            self.records += 1;
            let ver_instance = u16_at(data, at).unwrap_or(0);
            let kind = u16_at(data, at + 2).unwrap_or(0);
            let len = u32_at(data, at + 4).unwrap_or(0) as usize;
            let body_start = at + 8;
            let Some(body) = data.get(body_start..body_start.saturating_add(len)) else {
                self.damaged.get_or_insert_with(|| format!(
                    "a PowerPoint record (type {kind:04X}) declares {len} bytes, more than its container holds: the text after it is not read"
                ));
                return;
            };
            // A binary tag's data blob (PowerPoint 2002+ extensions, where
            // comments live) holds records though it is not marked a
            // container.
            let container = ver_instance & 0x000F == 0x000F || kind == BINARY_TAG_DATA;
            let instance = ver_instance >> 4;
            at = body_start + len;
            if kind == CRYPT_SESSION {
                self.encrypted = true;
                return;
            }
            if kind == EX_OLE_OBJ_STG {
                self.objects += 1;
                continue;
            }
            if container {
                match kind {
                    SLIDE => {
                        self.slides += 1;
                        let hidden = slide_is_hidden(body);
                        if hidden {
                            self.hidden_slides += 1;
                        }
                        self.walk(body, Place::Slide, hidden, depth + 1);
                    }
                    NOTES => self.walk(body, Place::Notes, false, depth + 1),
                    MAIN_MASTER => self.walk(body, Place::Master, false, depth + 1),
                    SLIDE_LIST => {
                        let place = match instance {
                            1 => Place::Master,
                            2 => Place::Notes,
                            _ => Place::Slide,
                        };
                        self.walk(body, place, false, depth + 1);
                    }
                    EX_HYPERLINK => {
                        // Friendly name, target, location: where a link
                        // points can be telling.
                        for (_, text) in cstrings(body) {
                            self.push(Part::Hidden, Some("hyperlink".into()), None, text);
                        }
                    }
                    HEADERS_FOOTERS => {
                        for (_, text) in cstrings(body) {
                            self.push(Part::Footer, None, None, text);
                        }
                    }
                    COMMENT10 => {
                        let strings = cstrings(body);
                        let author = strings
                            .iter()
                            .find(|(i, _)| *i == 0)
                            .map(|(_, t)| t.trim().to_owned())
                            .unwrap_or_default();
                        let text = strings
                            .iter()
                            .find(|(i, _)| *i == 1)
                            .map(|(_, t)| t.clone())
                            .unwrap_or_default();
                        self.comments.push(author.clone());
                        let label = (!author.is_empty()).then_some(author);
                        self.push(Part::Comment, label, None, text);
                    }
                    _ => self.walk(body, place, slide_hidden, depth + 1),
                }
                continue;
            }
            match kind {
                SLIDE_PERSIST => {
                    list_slide = Some(list_slide.map_or(1, |n| n + 1));
                    slide_hidden = hidden;
                }
                TEXT_CHARS | TEXT_BYTES => {
                    let text = if kind == TEXT_BYTES {
                        body.iter().map(|&b| b as char).collect()
                    } else {
                        utf16(body)
                    };
                    let (part, label) = match place {
                        Place::Notes => (Part::Notes, None),
                        Place::Master => (Part::Header, Some("slide master".to_owned())),
                        Place::Slide if slide_hidden => {
                            (Part::Hidden, Some("hidden slide".to_owned()))
                        }
                        Place::Slide => (Part::Body, None),
                    };
                    let page = if place == Place::Slide {
                        list_slide.or((self.slides > 0).then_some(self.slides))
                    } else {
                        None
                    };
                    self.push(part, label, page, text);
                }
                _ => {}
            }
        }
    }
}

/// A slide container's SSSlideInfoAtom says whether it is hidden.
fn slide_is_hidden(body: &[u8]) -> bool {
    let mut at = 0usize;
    while at + 8 <= body.len() {
        let kind = u16_at(body, at + 2).unwrap_or(0);
        let len = u32_at(body, at + 4).unwrap_or(0) as usize;
        if kind == SS_SLIDE_INFO {
            // flags at offset 12 of the atom body: bit 2 fHidden.
            return u16_at(body, at + 8 + 12).is_some_and(|flags| flags & 0x0004 != 0);
        }
        at = at.saturating_add(8).saturating_add(len);
    }
    false
}

/// The CString atoms directly in a container, with their instance.
fn cstrings(body: &[u8]) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= body.len() {
        let instance = u16_at(body, at).unwrap_or(0) >> 4;
        let kind = u16_at(body, at + 2).unwrap_or(0);
        let len = u32_at(body, at + 4).unwrap_or(0) as usize;
        let Some(data) = body.get(at + 8..(at + 8).saturating_add(len)) else {
            break;
        };
        if kind == CSTRING {
            out.push((instance, utf16(data)));
        }
        at = at + 8 + len;
    }
    out
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::ExtractionStatus;
    use crate::extract::limits::{Deadline, Limits};
    use crate::extract::ole::tests::build;
    use crate::extract::testing::{run, segment_with};

    fn record(ver_instance: u16, kind: u16, body: &[u8]) -> Vec<u8> {
        let mut out = ver_instance.to_le_bytes().to_vec();
        out.extend(kind.to_le_bytes());
        out.extend((body.len() as u32).to_le_bytes());
        out.extend(body);
        out
    }

    fn chars(text: &str) -> Vec<u8> {
        record(
            0,
            TEXT_CHARS,
            &text
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<_>>(),
        )
    }

    fn cstring(instance: u16, text: &str) -> Vec<u8> {
        record(
            instance << 4,
            CSTRING,
            &text
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<_>>(),
        )
    }

    fn read(stream: &[u8]) -> Extraction {
        let bytes = build(&[("PowerPoint Document", stream)]);
        run(
            |request| crate::extract::legacy::extract(crate::extract::Format::Ppt, request),
            "a.ppt",
            &bytes,
            &Limits::default(),
            Deadline::never(),
        )
    }

    #[test]
    fn slides_notes_comments_and_hidden_slides() {
        let mut slide_body = chars("机密会议纪要");
        slide_body.extend(record(
            0x000F,
            COMMENT10,
            &[cstring(0, "张三"), cstring(1, "请删除此页")].concat(),
        ));
        let slide = record(0x000F, SLIDE, &slide_body);
        let mut info = vec![0u8; 16];
        info[12] = 0x04;
        let hidden_body = [record(0, SS_SLIDE_INFO, &info), chars("隐藏页内容")].concat();
        let hidden = record(0x000F, SLIDE, &hidden_body);
        let notes = record(0x000F, NOTES, &chars("演讲者备注"));
        let document = record(0x000F, 0x03E8, &[slide, hidden, notes].concat());
        let out = read(&document);
        assert_eq!(segment_with(&out, Part::Body, "机密会议纪要").page, Some(1));
        segment_with(&out, Part::Hidden, "隐藏页内容");
        segment_with(&out, Part::Notes, "演讲者备注");
        let comment = segment_with(&out, Part::Comment, "请删除此页");
        assert_eq!(comment.label.as_deref(), Some("张三"));
        assert_eq!(
            out.status(),
            ExtractionStatus::Complete,
            "{:?}",
            out.problems
        );
    }

    #[test]
    fn damaged_and_encrypted() {
        let mut slide = record(0x000F, SLIDE, &chars("正文"));
        slide[4] = 0xFF;
        let out = read(&slide);
        assert_ne!(out.status(), ExtractionStatus::Complete);
        let document = record(
            0x000F,
            0x03E8,
            &[record(0x000F, SLIDE, &chars("正文")), slide].concat(),
        );
        let out = read(&document);
        assert_eq!(out.status(), ExtractionStatus::Partial);
        segment_with(&out, Part::Body, "正文");
        let out = read(&record(0x000F, CRYPT_SESSION, &[0; 8]));
        assert_eq!(out.status(), ExtractionStatus::Failed);
        assert!(out.problems[0].message.starts_with("encrypted"));
    }
}
