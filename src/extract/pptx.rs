//! PPTX presentations.
//!
//! Slides are read in presentation order (`ppt/presentation.xml`'s slide
//! list through its relationships), `page` being the slide number. Text
//! comes from shapes, grouped shapes, tables (a row per line, cells joined
//! by `\t`), SmartArt data and picture descriptions (alt text). Around the
//! slides: speaker notes are `notes`, comments (legacy and modern) are
//! `comment` with their author, footer placeholders are `footer`, text the
//! slide layouts and masters put on every slide is `header`. A slide marked
//! hidden (`show="0"`) and a shape marked hidden are read as `hidden`: they
//! are not shown in the slide show but travel with the file. Properties are
//! `metadata`; embedded documents are read as attachments.

use super::container::{Container, resolve_target};
use super::xml::{self, Element};
use super::{Request, embedded, properties};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use crate::extract::picture::{Picture, PicturePlace};
use std::collections::{BTreeSet, HashMap};

pub fn extract(request: &Request<'_>) -> Extraction {
    let container = match Container::open(request.bytes, request.limits) {
        Ok(container) => container,
        Err(message) => return Extraction::failed(format!("PPTX: {message}")),
    };
    let mut reader = Reader {
        container: &container,
        depth: request.limits.max_depth,
        out: Extraction::default(),
        pictures_seen: BTreeSet::new(),
    };
    let Some(presentation) = reader.main_part() else {
        return Extraction::failed(
            "PPTX: no presentation part (ppt/presentation.xml) found: not a presentation, or a damaged one",
        );
    };
    let slides = reader.slide_order(&presentation);
    if slides.is_empty() {
        reader.out.problems.push(Problem::partial(
            None,
            "PPTX: the presentation lists no slides",
        ));
    }
    reader.out.pages = Some(slides.len() as u32);
    let mut layouts = BTreeSet::new();
    let mut hidden_slides = Vec::new();
    for (index, slide) in slides.iter().enumerate() {
        let number = index as u32 + 1;
        if request.deadline.passed() {
            reader.out.problems.push(Problem::partial(
                None,
                format!(
                    "time budget of {} s exceeded (--timeout): slides from {number} on are not read",
                    request.limits.time_budget.as_secs()
                ),
            ));
            break;
        }
        if reader.read_slide(slide, number, &mut layouts) {
            hidden_slides.push(number);
        }
    }
    if !hidden_slides.is_empty() {
        let list: Vec<String> = hidden_slides.iter().map(u32::to_string).collect();
        let which = if list.len() == 1 {
            format!("slide {} is", list[0])
        } else {
            format!("slides {} are", list.join(", "))
        };
        reader.out.notices.push(Notice {
            rule: "hidden.pptx.hidden-slides".into(),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{which} hidden: not shown in the slide show, but published with the file"
            ),
            part: Part::Hidden,
            page: hidden_slides.first().copied(),
            text: String::new(),
        });
    }
    reader.read_layouts(&layouts);
    reader.read_orphan_slides(&slides);
    for name in container.names() {
        let lower = name.to_lowercase();
        if lower.starts_with("ppt/embeddings/") && !lower.ends_with('/') {
            match container.read(name) {
                Ok(bytes) => embedded::read(
                    request,
                    &format!("embedded object {name}"),
                    name,
                    &bytes,
                    &mut reader.out,
                ),
                Err(error) => reader.out.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("embedded object {name} cannot be read: {error}"),
                )),
            }
        }
    }
    if container
        .names()
        .iter()
        .any(|n| n.to_lowercase().ends_with("vbaproject.bin"))
    {
        reader.out.notices.push(Notice {
            rule: "hidden.pptx.macros".into(),
            category: Category::Hidden,
            severity: Severity::Info,
            message: "the presentation carries VBA macros, which are not reviewed".into(),
            part: Part::Attachment,
            page: None,
            text: String::new(),
        });
    }
    properties::ooxml(
        &container,
        request.limits.max_depth,
        "pptx",
        &mut reader.out,
    );
    reader.out
}

/// A relationship: type and resolved target.
struct Relationship {
    kind: String,
    target: String,
}

struct Reader<'c> {
    container: &'c Container<'c>,
    depth: usize,
    out: Extraction,
    /// Pictures handed to the OCR stage already.
    pictures_seen: BTreeSet<String>,
}

/// Text of one slide (or layout, notes page) sorted by where it goes.
#[derive(Default)]
struct Collected {
    body: Vec<String>,
    hidden: Vec<String>,
    footer: Vec<String>,
}

impl Reader<'_> {
    /// Reads and parses a part. A part that cannot be read, or whose XML
    /// breaks off, is a problem naming what it is (`slide 2`, `the notes of
    /// slide 2` …) and the part, reported against `part`: the text after
    /// the break is not read, so the presentation is never `complete`.
    fn parse(&mut self, name: &str, what: &str, part: Part) -> Option<xml::Parsed> {
        match self.container.read(name) {
            Ok(bytes) => {
                let parsed = xml::parse_bytes(&bytes, self.depth);
                if let Some(error) = &parsed.error {
                    self.out.problems.push(Problem::partial(
                        Some(part.as_str().to_owned()),
                        format!("PPTX {what} ({name}): {error}; text after that point is not read"),
                    ));
                }
                Some(parsed)
            }
            Err(error) => {
                self.out.problems.push(Problem::partial(
                    Some(part.as_str().to_owned()),
                    format!("PPTX {what} ({name}) cannot be read: {error}"),
                ));
                None
            }
        }
    }

    /// Relationships of a part, by id. Missing relationship parts are
    /// simply empty.
    fn relationships(&self, source: &str) -> HashMap<String, Relationship> {
        let rels = match source.rsplit_once('/') {
            Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
            None if source.is_empty() => "_rels/.rels".to_owned(),
            None => format!("_rels/{source}.rels"),
        };
        let Ok(bytes) = self.container.read(&rels) else {
            return HashMap::new();
        };
        let parsed = xml::parse_bytes(&bytes, self.depth);
        parsed
            .document()
            .children_named("Relationship")
            .filter(|r| r.attr("TargetMode") != Some("External"))
            .map(|r| {
                let target = r.attr("Target").unwrap_or("");
                let target = if source.is_empty() {
                    target.trim_start_matches('/').to_owned()
                } else {
                    resolve_target(source, target)
                };
                (
                    r.attr("Id").unwrap_or("").to_owned(),
                    Relationship {
                        kind: r.attr("Type").unwrap_or("").to_owned(),
                        target,
                    },
                )
            })
            .collect()
    }

    fn main_part(&self) -> Option<String> {
        let from_rels = self
            .relationships("")
            .into_values()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map(|r| r.target);
        from_rels
            .into_iter()
            .chain(std::iter::once("ppt/presentation.xml".to_owned()))
            .find_map(|name| self.container.resolve(&name).map(str::to_owned))
    }

    /// Slide parts in presentation order; slides the list forgets are
    /// appended in part-name order so none is skipped.
    fn slide_order(&mut self, presentation: &str) -> Vec<String> {
        let rels = self.relationships(presentation);
        let mut slides = Vec::new();
        if let Some(parsed) = self.parse(presentation, "presentation part", Part::Body)
            && let Some(list) = parsed.document().child("sldIdLst")
        {
            for slide in list.children_named("sldId") {
                if let Some(rel) = slide.attr("id").and_then(|id| rels.get(id))
                    && let Some(found) = self.container.resolve(&rel.target)
                    && !slides.iter().any(|s| s == found)
                {
                    slides.push(found.to_owned());
                }
            }
        }
        let mut unlisted: Vec<String> = rels
            .values()
            .filter(|r| r.kind.ends_with("/slide"))
            .filter_map(|r| self.container.resolve(&r.target).map(str::to_owned))
            .filter(|name| !slides.contains(name))
            .collect();
        unlisted.sort_by_key(|name| slide_number(name));
        slides.extend(unlisted);
        slides
    }

    /// Reads one slide; returns whether it is hidden.
    fn read_slide(&mut self, slide: &str, number: u32, layouts: &mut BTreeSet<String>) -> bool {
        let rels = self.relationships(slide);
        let Some(parsed) = self.parse(slide, &format!("slide {number}"), Part::Body) else {
            return false;
        };
        let root = parsed.document();
        let hidden_slide = root.attr("show") == Some("0");
        let mut collected = Collected::default();
        if let Some(tree) = root.child("cSld").and_then(|c| c.child("spTree")) {
            self.shapes(tree, &rels, false, &mut collected, &[]);
        }
        let body_part = if hidden_slide {
            Part::Hidden
        } else {
            Part::Body
        };
        let mut body = Segment::new(body_part, collected.body.join("\n")).on_page(number);
        if hidden_slide {
            body = body.with_label("hidden slide");
        }
        self.out.push(body);
        if !collected.hidden.is_empty() {
            self.out.notices.push(Notice {
                rule: "hidden.pptx.hidden-shapes".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("slide {number} has shapes marked hidden that hold text"),
                part: Part::Hidden,
                page: Some(number),
                text: collected.hidden.join(" ").chars().take(200).collect(),
            });
            self.out.push(
                Segment::new(Part::Hidden, collected.hidden.join("\n"))
                    .on_page(number)
                    .with_label("hidden shape"),
            );
        }
        self.out
            .push(Segment::new(Part::Footer, collected.footer.join("\n")).on_page(number));
        self.hand_over_pictures(&rels, body_part, number);
        for relationship in rels.values() {
            let kind = relationship.kind.as_str();
            if kind.ends_with("/notesSlide") {
                self.read_notes(&relationship.target, number);
            } else if kind.ends_with("/slideLayout") {
                layouts.insert(relationship.target.clone());
            }
        }
        let mut comment_parts: Vec<&Relationship> = rels
            .values()
            .filter(|r| r.kind.ends_with("/comments"))
            .collect();
        comment_parts.sort_by(|a, b| a.target.cmp(&b.target));
        let comment_targets: Vec<String> = comment_parts.iter().map(|r| r.target.clone()).collect();
        for target in comment_targets {
            self.read_comments(&target, number);
        }
        hidden_slide
    }

    /// Walks a shape tree. `placeholder_skip` lists placeholder types whose
    /// text is not wanted (prompt text on layouts, the slide image on notes
    /// pages).
    fn shapes(
        &mut self,
        tree: &Element,
        rels: &HashMap<String, Relationship>,
        hidden: bool,
        out: &mut Collected,
        placeholder_skip: &[&str],
    ) {
        for shape in tree.elements() {
            let properties = shape
                .elements()
                .find(|e| e.name.starts_with("nv"))
                .and_then(|nv| nv.child("cNvPr"));
            let shape_hidden = hidden
                || properties
                    .and_then(|p| p.attr("hidden"))
                    .is_some_and(|h| h == "1" || h == "true");
            let placeholder = shape
                .elements()
                .find(|e| e.name.starts_with("nv"))
                .and_then(|nv| nv.child("nvPr"))
                .and_then(|p| p.child("ph"));
            let placeholder_type = placeholder.map(|ph| ph.attr("type").unwrap_or("body"));
            if placeholder_type.is_some_and(|t| placeholder_skip.contains(&t)) {
                continue;
            }
            let target = |collected: &mut Collected, lines: Vec<String>| {
                if shape_hidden {
                    collected.hidden.extend(lines);
                } else if matches!(placeholder_type, Some("ftr" | "dt" | "sldNum")) {
                    collected.footer.extend(lines);
                } else {
                    collected.body.extend(lines);
                }
            };
            match shape.name.as_str() {
                "sp" | "cxnSp" => {
                    if let Some(body) = shape.child("txBody") {
                        target(out, paragraphs(body));
                    }
                }
                "grpSp" => self.shapes(shape, rels, shape_hidden, out, placeholder_skip),
                "graphicFrame" => {
                    let lines = self.graphic_frame(shape, rels);
                    target(out, lines);
                }
                "pic" => {
                    if let Some(description) = properties
                        .and_then(|p| p.attr("descr"))
                        .map(one_line)
                        .filter(|d| !d.is_empty())
                    {
                        target(out, vec![description]);
                    }
                }
                // `mc:AlternateContent` is resolved by the XML parser into
                // the shapes of every branch (each text once).
                _ => {}
            }
        }
    }

    /// Tables and SmartArt inside a graphic frame.
    fn graphic_frame(
        &mut self,
        frame: &Element,
        rels: &HashMap<String, Relationship>,
    ) -> Vec<String> {
        let Some(data) = frame.child("graphic").and_then(|g| g.child("graphicData")) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for table in data.children_named("tbl") {
            lines.extend(table_rows(table));
        }
        if let Some(diagram) = data.child("relIds")
            && let Some(rel) = diagram.attr("dm").and_then(|id| rels.get(id))
        {
            let target = rel.target.clone();
            if let Some(parsed) = self.parse(&target, "SmartArt diagram", Part::Body) {
                for point in parsed.document().descendants_named("pt") {
                    if let Some(text) = point.child("t") {
                        lines.extend(paragraphs(text));
                    }
                }
            }
        }
        lines
    }

    /// The pictures a slide shows, handed to the OCR stage on its slide
    /// (each picture once: a logo on every slide is read on the first).
    /// Pictures of masters and layouts are left to the package, which hands
    /// over every picture no reader placed.
    fn hand_over_pictures(
        &mut self,
        rels: &HashMap<String, Relationship>,
        part: Part,
        number: u32,
    ) {
        let mut targets: Vec<&str> = rels
            .values()
            .filter(|r| r.kind.ends_with("/image"))
            .map(|r| r.target.as_str())
            .collect();
        targets.sort_unstable();
        for target in targets {
            let Some(name) = self.container.resolve(target).map(str::to_owned) else {
                continue;
            };
            if !self.pictures_seen.insert(name.clone()) {
                continue;
            }
            match self.container.read(&name) {
                Ok(bytes) => self.out.push_picture(Picture::new(
                    PicturePlace::new(part, name).on_page(number),
                    bytes,
                )),
                Err(why) => self.out.problems.push(Problem::partial(
                    Some(Part::Image.as_str().to_owned()),
                    format!("slide {number}: picture {name} not read: {why}"),
                )),
            }
        }
    }

    fn read_notes(&mut self, notes: &str, number: u32) {
        let what = format!("notes of slide {number}");
        let Some(parsed) = self.parse(notes, &what, Part::Notes) else {
            return;
        };
        let mut collected = Collected::default();
        if let Some(tree) = parsed
            .document()
            .child("cSld")
            .and_then(|c| c.child("spTree"))
        {
            let rels = self.relationships(notes);
            self.shapes(tree, &rels, false, &mut collected, &["sldImg", "sldNum"]);
        }
        let mut lines = collected.body;
        lines.extend(collected.hidden);
        lines.extend(collected.footer);
        self.out
            .push(Segment::new(Part::Notes, lines.join("\n")).on_page(number));
    }

    fn read_comments(&mut self, part: &str, number: u32) {
        let what = format!("comments of slide {number}");
        let Some(parsed) = self.parse(part, &what, Part::Comment) else {
            return;
        };
        let document = parsed.document();
        let modern = document
            .children_named("cm")
            .any(|c| c.child("txBody").is_some());
        let authors = if modern {
            self.authors("ppt/authors.xml", "author")
        } else {
            self.authors("ppt/commentAuthors.xml", "cmAuthor")
        };
        let mut count = 0;
        for comment in document.children_named("cm") {
            let text = if let Some(body) = comment.child("txBody") {
                paragraphs(body).join("\n")
            } else {
                comment.child_text("text").unwrap_or_default()
            };
            let mut label = Vec::new();
            if let Some(author) = comment.attr("authorId").and_then(|id| authors.get(id)) {
                label.push(author.clone());
            }
            if let Some(date) = comment.attr("dt").or(comment.attr("created")) {
                label.push(date.to_owned());
            }
            let mut segment = Segment::new(Part::Comment, text).on_page(number);
            if !label.is_empty() {
                segment = segment.with_label(label.join(", "));
            }
            self.out.push(segment);
            // Replies of modern comments.
            if let Some(replies) = comment.child("replyLst") {
                for reply in replies.children_named("reply") {
                    let text = reply.child("txBody").map(paragraphs).unwrap_or_default();
                    let author = reply
                        .attr("authorId")
                        .and_then(|id| authors.get(id))
                        .cloned()
                        .unwrap_or_default();
                    let mut segment = Segment::new(Part::Comment, text.join("\n")).on_page(number);
                    if !author.is_empty() {
                        segment = segment.with_label(author);
                    }
                    self.out.push(segment);
                    count += 1;
                }
            }
            count += 1;
        }
        if count > 0 {
            self.out.notices.push(Notice {
                rule: "hidden.pptx.comments".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("slide {number} carries {count} comments"),
                part: Part::Comment,
                page: Some(number),
                text: String::new(),
            });
        }
    }

    fn authors(&self, part: &str, element: &str) -> HashMap<String, String> {
        let Ok(bytes) = self.container.read(part) else {
            return HashMap::new();
        };
        let parsed = xml::parse_bytes(&bytes, self.depth);
        parsed
            .document()
            .children_named(element)
            .filter_map(|a| Some((a.attr("id")?.to_owned(), a.attr("name")?.to_owned())))
            .collect()
    }

    /// Text that layouts and masters put on every slide using them (not the
    /// prompt text of their placeholders).
    fn read_layouts(&mut self, layouts: &BTreeSet<String>) {
        let mut masters = BTreeSet::new();
        for layout in layouts {
            for rel in self.relationships(layout).into_values() {
                if rel.kind.ends_with("/slideMaster") {
                    masters.insert(rel.target);
                }
            }
        }
        let parts: Vec<(String, &str)> = layouts
            .iter()
            .map(|l| (l.clone(), "slide layout"))
            .chain(masters.into_iter().map(|m| (m, "slide master")))
            .collect();
        for (part, label) in parts {
            let Some(parsed) = self.parse(&part, label, Part::Header) else {
                continue;
            };
            let Some(tree) = parsed
                .document()
                .child("cSld")
                .and_then(|c| c.child("spTree"))
                .cloned()
            else {
                continue;
            };
            let rels = self.relationships(&part);
            let mut collected = Collected::default();
            self.shapes_without_placeholders(&tree, &rels, &mut collected);
            let mut lines = collected.body;
            lines.extend(collected.footer);
            lines.extend(collected.hidden);
            self.out.push(
                Segment::new(Part::Header, lines.join("\n")).with_label(format!("{label} {part}")),
            );
        }
    }

    /// Slide parts the presentation does not list are not shown, but are
    /// in the file (left over by a tool, or planted).
    fn read_orphan_slides(&mut self, listed: &[String]) {
        let orphans: Vec<String> = self
            .container
            .names()
            .iter()
            .filter(|name| {
                let lower = name.to_lowercase();
                lower.starts_with("ppt/slides/") && lower.ends_with(".xml")
            })
            .filter(|name| !listed.contains(name))
            .cloned()
            .collect();
        for orphan in orphans {
            let Some(parsed) = self.parse(
                &orphan,
                "slide the presentation does not list",
                Part::Hidden,
            ) else {
                continue;
            };
            let mut collected = Collected::default();
            if let Some(tree) = parsed
                .document()
                .child("cSld")
                .and_then(|c| c.child("spTree"))
            {
                let rels = self.relationships(&orphan);
                self.shapes(tree, &rels, false, &mut collected, &[]);
            }
            let mut lines = collected.body;
            lines.extend(collected.hidden);
            lines.extend(collected.footer);
            if lines.is_empty() {
                continue;
            }
            self.out.notices.push(Notice {
                rule: "hidden.pptx.unlisted-slide".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!(
                    "slide part {orphan} is not in the presentation's slide list: not shown, but in the file"
                ),
                part: Part::Hidden,
                page: None,
                text: lines.join(" ").chars().take(200).collect(),
            });
            self.out.push(
                Segment::new(Part::Hidden, lines.join("\n"))
                    .with_label(format!("unlisted slide {orphan}")),
            );
        }
    }

    fn shapes_without_placeholders(
        &mut self,
        tree: &Element,
        rels: &HashMap<String, Relationship>,
        out: &mut Collected,
    ) {
        const ALL_PLACEHOLDERS: &[&str] = &[
            "body", "title", "ctrTitle", "subTitle", "dt", "ftr", "sldNum", "hdr", "obj", "chart",
            "tbl", "clipArt", "dgm", "media", "pic", "sldImg",
        ];
        self.shapes(tree, rels, false, out, ALL_PLACEHOLDERS);
    }
}

/// Paragraphs of a text body, one line each; `a:br` breaks a line.
fn paragraphs(body: &Element) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in body.children_named("p") {
        let mut line = String::new();
        for run in paragraph.elements() {
            match run.name.as_str() {
                "r" | "fld" => {
                    if let Some(text) = run.child("t") {
                        line.push_str(&text.text());
                    }
                }
                "br" => {
                    lines.push(one_line(&line));
                    line.clear();
                }
                _ => {}
            }
        }
        lines.push(one_line(&line));
    }
    lines.retain(|line| !line.is_empty());
    lines
}

/// A table row per line, cells joined by `\t`.
fn table_rows(table: &Element) -> Vec<String> {
    table
        .children_named("tr")
        .map(|row| {
            row.children_named("tc")
                .map(|cell| {
                    cell.child("txBody")
                        .map(|body| paragraphs(body).join(" "))
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("\t")
        })
        .filter(|row| !row.trim().is_empty())
        .collect()
}

fn slide_number(name: &str) -> u64 {
    let digits: String = name
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(u64::MAX)
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

    fn read(bytes: &[u8]) -> Extraction {
        let limits = Limits::default();
        crate::extract::testing::run(extract, "fixture.pptx", bytes, &limits, Deadline::never())
    }

    fn find<'e>(extraction: &'e Extraction, part: Part, needle: &str) -> &'e Segment {
        crate::extract::testing::segment_with(extraction, part, needle)
    }

    fn package(entries: &[(&str, &str)]) -> Vec<u8> {
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
    fn libreoffice_slides_notes_comments_and_hidden_slides() {
        let extraction = read(include_bytes!("../../fixtures/pptx/slides.pptx"));
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(extraction.pages, Some(3));
        let first = find(&extraction, Part::Body, "秘密★1年");
        assert_eq!(first.page, Some(1));
        assert!(
            first.text.contains("姓名\t手机\n王五\t13900000000"),
            "{}",
            first.text
        );
        assert!(first.text.contains("组合图形：内部资料"));
        assert!(first.text.contains("组合里的形状：注意保存"));
        assert_eq!(find(&extraction, Part::Notes, "工作秘密").page, Some(1));
        let comment = find(&extraction, Part::Comment, "这页不能公开");
        assert_eq!(comment.page, Some(1));
        assert!(comment.label.as_deref().unwrap().starts_with("李四"));
        let hidden = find(&extraction, Part::Hidden, "绝密★30年");
        assert_eq!(hidden.page, Some(2));
        assert_eq!(find(&extraction, Part::Body, "第三页正文").page, Some(3));
        find(&extraction, Part::Metadata, "密级\t机密");
        assert!(
            extraction
                .notices
                .iter()
                .any(|n| n.message.starts_with("slide 2 is hidden"))
        );
    }

    #[test]
    fn hidden_shapes_alt_text_footers_and_masters() {
        let extraction = read(include_bytes!("../../fixtures/pptx/shapes.pptx"));
        assert_eq!(extraction.status(), ExtractionStatus::Complete);
        let body = find(&extraction, Part::Body, "可见文字");
        assert!(body.text.contains("图片说明：工作秘密"));
        assert!(!body.text.contains("秘密★10年"));
        assert_eq!(find(&extraction, Part::Hidden, "秘密★10年").page, Some(1));
        assert_eq!(find(&extraction, Part::Footer, "内部使用").page, Some(1));
        find(&extraction, Part::Header, "母版文字：内部资料");
        assert!(
            !extraction
                .segments
                .iter()
                .any(|s| s.text.contains("Click to edit")),
            "placeholder prompts of layouts are not text"
        );
    }

    #[test]
    fn modern_comments_and_smartart() {
        let rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2018/10/relationships/comments" Target="../comments/modernComment_100.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData" Target="../diagrams/data1.xml"/></Relationships>"#;
        let bytes = package(&[
            (
                "_rels/.rels",
                r#"<Relationships><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>"#,
            ),
            (
                "ppt/presentation.xml",
                r#"<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="256" r:id="rId7"/></p:sldIdLst></p:presentation>"#,
            ),
            (
                "ppt/_rels/presentation.xml.rels",
                r#"<Relationships><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/></Relationships>"#,
            ),
            (
                "ppt/slides/slide1.xml",
                r#"<p:sld xmlns:p="p" xmlns:a="a" xmlns:r="r" xmlns:dgm="d"><p:cSld><p:spTree><p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Diagram"/></p:nvGraphicFramePr><a:graphic><a:graphicData><dgm:relIds r:dm="rId2"/></a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld></p:sld>"#,
            ),
            ("ppt/slides/_rels/slide1.xml.rels", rels),
            (
                "ppt/comments/modernComment_100.xml",
                r#"<p188:cmLst xmlns:p188="x" xmlns:a="a"><p188:cm authorId="{A}" created="2024-03-01"><p188:txBody><a:p><a:r><a:t>现代批注：删掉电话</a:t></a:r></a:p></p188:txBody><p188:replyLst><p188:reply authorId="{B}"><p188:txBody><a:p><a:r><a:t>回复：已删</a:t></a:r></a:p></p188:txBody></p188:reply></p188:replyLst></p188:cm></p188:cmLst>"#,
            ),
            (
                "ppt/slides/slide9.xml",
                r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>孤立幻灯片</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#,
            ),
            (
                "ppt/authors.xml",
                r#"<p188:authorLst xmlns:p188="x"><p188:author id="{A}" name="钱二"/><p188:author id="{B}" name="孙七"/></p188:authorLst>"#,
            ),
            (
                "ppt/diagrams/data1.xml",
                r#"<dgm:dataModel xmlns:dgm="d" xmlns:a="a"><dgm:ptLst><dgm:pt><dgm:t><a:p><a:r><a:t>智能图形：内部资料</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>"#,
            ),
        ]);
        let extraction = read(&bytes);
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(find(&extraction, Part::Body, "智能图形").page, Some(1));
        let comment = find(&extraction, Part::Comment, "删掉电话");
        assert_eq!(comment.label.as_deref(), Some("钱二, 2024-03-01"));
        assert_eq!(
            find(&extraction, Part::Comment, "已删").label.as_deref(),
            Some("孙七")
        );
    }

    #[test]
    fn damaged_presentations_never_pass() {
        assert_eq!(read(b"nonsense").status(), ExtractionStatus::Failed);
        let bytes = include_bytes!("../../fixtures/pptx/slides.pptx");
        crate::extract::testing::assert_damage_never_passes(read, bytes, 211, 53);
    }

    /// slides.pptx with one part replaced by its first half.
    fn with_part_cut(name: &str) -> Vec<u8> {
        use std::io::Read;
        let bytes = include_bytes!("../../fixtures/pptx/slides.pptx");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            let entry_name = entry.name().unwrap().into_owned();
            if entry_name == name {
                data.truncate(data.len() / 2);
            }
            entries.push((entry_name, data));
        }
        assert!(entries.iter().any(|(n, _)| n == name), "no {name}");
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (entry, data) in entries {
            writer
                .start_file(entry, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(&data).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    #[test]
    fn a_truncated_slide_is_partial_naming_the_slide() {
        let extraction = read(&with_part_cut("ppt/slides/slide3.xml"));
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        let messages: Vec<&str> = extraction
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("PPTX slide 3 (ppt/slides/slide3.xml): ")
                    && m.ends_with("text after that point is not read")),
            "{messages:?}"
        );
        // The slides before it are read in full.
        assert_eq!(find(&extraction, Part::Body, "秘密★1年").page, Some(1));
        // Notes and comments name their slide too.
        let extraction = read(&with_part_cut("ppt/notesSlides/notesSlide1.xml"));
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction.problems.iter().any(|p| p
                .message
                .starts_with("PPTX notes of slide 1 (ppt/notesSlides/notesSlide1.xml)")
                && p.part.as_deref() == Some("notes")),
            "{:?}",
            extraction.problems
        );
    }

    #[test]
    fn paragraphs_and_tables() {
        let parsed = xml::parse(
            r#"<p:txBody xmlns:a="a" xmlns:p="p"><a:p><a:r><a:t>机密</a:t></a:r><a:r><a:t>★1年</a:t></a:r><a:br/><a:r><a:t>第二行</a:t></a:r></a:p><a:p/></p:txBody>"#,
            64,
        );
        assert_eq!(paragraphs(parsed.document()), ["机密★1年", "第二行"]);
        let table = xml::parse(
            r#"<a:tbl xmlns:a="a"><a:tr><a:tc><a:txBody><a:p><a:r><a:t>姓名</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>电话</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl>"#,
            64,
        );
        assert_eq!(table_rows(table.document()), ["姓名\t电话"]);
    }

    #[test]
    fn slide_numbers_sort_naturally() {
        let mut names = vec!["ppt/slides/slide10.xml", "ppt/slides/slide2.xml"];
        names.sort_by_key(|n| slide_number(n));
        assert_eq!(names, ["ppt/slides/slide2.xml", "ppt/slides/slide10.xml"]);
    }
}
