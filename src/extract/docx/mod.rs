//! Word documents: `.docx`, `.docm`, `.dotx`, `.dotm`, Transitional and
//! Strict OOXML.
//!
//! The classic leak is not the visible body but what rides along: a
//! division chief's comment, a deleted paragraph kept by change tracking,
//! hidden text, the author's name in the properties. So every part is read
//! and reported as its own [`Part`]:
//!
//! | where in the package | part |
//! |---|---|
//! | main document (found through `_rels/.rels`) | `body`, `insertion`, `deletion`, `hidden`, `textbox` |
//! | headers / footers of every section (first, even, default) | `header`, `footer` |
//! | `footnotes.xml`, `endnotes.xml` | `footnote`, `endnote` |
//! | `comments.xml` (+ `commentsExtended.xml` for replies) | `comment`, labelled "author, date" |
//! | charts, SmartArt | `textbox` |
//! | core, app and custom properties, custom XML, `people.xml`, settings | `metadata` |
//! | embedded `.docx`/`.xlsx`/`.pptx`, HTML/text `altChunk`s | `attachment` |
//! | the file name | `filename` |
//!
//! Independently of any rule, the reader makes [`Notice`]s for comments
//! and tracked changes, hidden text, personal names in the properties and
//! macros. Anything it cannot read — an OLE object, a broken part, a part
//! over a size cap — makes the extraction `partial` (or `failed` when the
//! main document itself is unreadable) with a message naming it.
//!
//! Reading is streaming (`zip` through the capped [`Container`], then
//! `quick-xml` events); see `shared/docs/libraries.md` for why not docx-rs.

mod embedded;
mod lines;
mod package;
mod properties;
mod story;
mod styles;
mod xml;

use super::Request;
use super::container::{Container, PartError};
use crate::extract::document::{
    Category, Extraction, Notice, Part, Problem, Segment, Severity, TextKind,
};
use crate::extract::limits::{Deadline, Limits};
use crate::extract::picture::{Picture, PicturePlace};
use lines::{Label, Line, Sink};
use package::{RelKind, Relationship};
use properties::Properties;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use story::{Facts, Section, StoryKind};
use styles::{Settings, Styles};
use xml::Stop;

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads one Word document.
pub fn extract(request: &Request<'_>) -> Extraction {
    let mut extraction = if request.bytes.starts_with(OLE2_MAGIC) {
        // A legacy .doc or an encrypted package renamed .docx: read it as
        // what it is (the encrypted one fails, saying so).
        super::extract(super::detect(request.bytes, request.name), request)
    } else {
        read_package(request.bytes, request.limits, request.deadline, 0)
    };
    let file_name = request
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(request.name);
    extraction.push(Segment::new(Part::Filename, file_name));
    extraction
}

/// Reads a Word package; `depth` counts documents embedded in documents.
fn read_package(bytes: &[u8], limits: &Limits, deadline: Deadline, depth: usize) -> Extraction {
    let container = match Container::open(bytes, limits) {
        Ok(container) => container,
        Err(message) => return Extraction::failed(message),
    };
    let mut reader = PackageReader {
        container: &container,
        limits,
        deadline,
        depth,
        extraction: Extraction::default(),
        sink: Sink::default(),
        facts: Facts::default(),
        styles: Styles::default(),
        settings: Settings::default(),
        properties: Properties::default(),
        story_rels: Vec::new(),
        story_parts: BTreeMap::new(),
        timed_out: false,
        main_text: false,
        handled: BTreeSet::new(),
    };
    reader.read();
    reader.finish()
}

struct PackageReader<'a> {
    container: &'a Container<'a>,
    limits: &'a Limits,
    deadline: Deadline,
    depth: usize,
    extraction: Extraction,
    sink: Sink,
    facts: Facts,
    styles: Styles,
    settings: Settings,
    properties: Properties,
    /// Relationships of every story part read, for links and embeddings.
    story_rels: Vec<(String, Vec<Relationship>)>,
    /// The part of each story read, for placing its pictures.
    story_parts: BTreeMap<String, Part>,
    timed_out: bool,
    /// Whether any text of the main part was read (a time-out before that
    /// leaves nothing reviewed: failed, not partial).
    main_text: bool,
    /// Parts already read or reported, so nothing is read twice.
    handled: BTreeSet<String>,
}

impl PackageReader<'_> {
    fn read(&mut self) {
        if let Some(reason) = package::check_content_types(self.container) {
            self.extraction.problems.push(Problem::partial(
                None,
                format!("{reason}: Word will refuse or repair this file, so what it shows may differ from what was reviewed"),
            ));
        }
        let package = self.relationships("");
        let Some(main) = package::main_part(self.container, &package) else {
            self.extraction.problems.push(Problem::failed(
                "no main document part (no officeDocument relationship and no word/document.xml): \
                 not a Word document, or a damaged one",
            ));
            self.read_properties(&package);
            return;
        };
        let main_rels = self.relationships(&main);
        self.read_styles_and_settings(&main_rels);
        self.read_main(&main);
        self.story_rels.push((main.clone(), main_rels.clone()));
        self.story_parts.insert(main.clone(), Part::Body);
        self.read_headers_and_footers(&main, &main_rels);
        for (kind, story) in [
            (RelKind::Footnotes, StoryKind::Footnotes),
            (RelKind::Endnotes, StoryKind::Endnotes),
        ] {
            for target in targets(&main_rels, kind) {
                self.read_story(&target, story, None);
            }
        }
        self.read_comments(&main_rels);
        self.read_drawings();
        self.hand_over_pictures();
        self.read_links();
        self.read_properties(&package);
        self.read_custom_xml(&main_rels);
        self.read_embedded();
        self.check_macros(&main_rels);
        self.read_unreferenced();
    }

    /// Parts no relationship points to: Word never shows them, yet they
    /// travel with the file (a `word/secret.xml` added by hand, a part a
    /// tool left behind). XML ones are read as `hidden` text; others, which
    /// prepub cannot read, make the document partial. Pictures are left to
    /// the picture check of the package.
    fn read_unreferenced(&mut self) {
        let mut referenced: BTreeSet<String> = BTreeSet::new();
        for name in self.container.names() {
            let lower = name.to_ascii_lowercase();
            if !lower.ends_with(".rels") {
                continue;
            }
            let Some((folder, file)) = name.rsplit_once("_rels/") else {
                continue;
            };
            let Some(file) = file
                .strip_suffix(".rels")
                .or_else(|| file.strip_suffix(".RELS"))
            else {
                continue;
            };
            let source = format!("{folder}{file}");
            if let Ok(rels) = package::relationships(self.container, &source) {
                for rel in rels.into_iter().filter(|rel| !rel.external) {
                    if let Some(found) = self.container.resolve(&rel.target) {
                        referenced.insert(found.to_owned());
                    }
                }
            }
        }
        let unreferenced: Vec<String> = self
            .container
            .names()
            .iter()
            .filter(|name| {
                let lower = name.to_ascii_lowercase();
                !name.ends_with('/')
                    && !lower.ends_with(".rels")
                    && lower != "[content_types].xml"
                    && !referenced.contains(name.as_str())
                    && !self.handled.contains(name.as_str())
                    && embedded::kind_of(name) != embedded::Kind::Image
            })
            .cloned()
            .collect();
        for name in unreferenced {
            if self.out_of_time(&name) {
                return;
            }
            self.handled.insert(name.clone());
            let bytes = match self.container.read(&name) {
                Ok(bytes) => bytes,
                Err(error) => {
                    self.partial(
                        Part::Hidden,
                        format!(
                            "{name}, a part no relationship points to, cannot be read: {error}"
                        ),
                    );
                    continue;
                }
            };
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).into_owned();
            let head = head.trim_start_matches('\u{feff}').trim_start();
            if !head.starts_with('<') {
                if !bytes.is_empty() {
                    self.partial(
                        Part::Hidden,
                        format!("{name} is a part no relationship points to and not XML: it was not read; open it and review it separately"),
                    );
                }
                continue;
            }
            let parsed = crate::extract::xml::parse_bytes(&bytes, self.limits.max_depth);
            if let Some(error) = &parsed.error {
                self.partial(
                    Part::Hidden,
                    format!("{name} (a part no relationship points to): {error}"),
                );
            }
            let document = parsed.document();
            let paragraphs = document.descendants_named("p");
            let lines: Vec<String> = if paragraphs.is_empty() {
                vec![document.text()]
            } else {
                paragraphs.iter().map(|p| p.text()).collect()
            };
            let text = lines::clean(&lines.join("\n"));
            if !text.trim().is_empty() {
                self.extraction.segments.push(
                    Segment::new(Part::Hidden, text)
                        .with_label(format!("{name}: a part no relationship points to")),
                );
            }
        }
    }

    fn finish(mut self) -> Extraction {
        let mut segments = std::mem::take(&mut self.sink).into_segments();
        let metadata = lines::clean(&self.properties.lines.join("\n"));
        if !metadata.is_empty() {
            segments.push(Segment::new(Part::Metadata, metadata));
        }
        // Body first, then the other parts; within a part, reading order.
        segments.sort_by_key(|segment| segment.part);
        self.extraction.segments.extend(segments);
        // Without Word's layout the counted pages are a lower bound (only
        // explicit breaks), so they are not given as the page count.
        self.extraction.pages = self
            .properties
            .pages
            .or_else(|| self.facts.rendered.then_some(self.facts.last_page));
        let notices = notices(&self.facts);
        self.extraction.notices.extend(notices);
        self.extraction
    }

    fn partial(&mut self, part: Part, message: impl Into<String>) {
        self.extraction
            .problems
            .push(Problem::partial(Some(part.as_str().to_owned()), message));
    }

    /// True (and reported once) when the time budget has run out.
    fn out_of_time(&mut self, name: &str) -> bool {
        if !self.timed_out && self.deadline.passed() {
            self.time_out(name);
        }
        self.timed_out
    }

    fn time_out(&mut self, name: &str) {
        if !self.timed_out {
            self.timed_out = true;
            let message = format!(
                "time budget of {} s exceeded while reading {name} (--timeout): it and the parts after it were not read",
                self.limits.time_budget.as_secs()
            );
            self.extraction.problems.push(if self.main_text {
                Problem::partial(None, message)
            } else {
                Problem::failed(message)
            });
        }
    }

    fn relationships(&mut self, part: &str) -> Vec<Relationship> {
        match package::relationships(self.container, part) {
            Ok(rels) => rels,
            Err(message) => {
                self.partial(
                    Part::Body,
                    format!("{message}: the parts it lists may not have been found"),
                );
                Vec::new()
            }
        }
    }

    /// Reads and decodes an XML part, reporting why it could not be.
    fn read_xml(&mut self, name: &str, part: Part, fatal: bool) -> Option<String> {
        self.handled.insert(name.to_owned());
        match package::read_xml(self.container, name) {
            Ok(decoded) => {
                if let Some(warning) = decoded.warning {
                    self.partial(part, format!("{name}: {warning}"));
                }
                Some(decoded.text)
            }
            Err(error) => {
                let message = match error {
                    PartError::Missing => {
                        format!("{name} is referenced by the package but missing")
                    }
                    other => other.to_string(),
                };
                if fatal {
                    self.extraction.problems.push(Problem::failed(format!(
                        "main document part unreadable: {message}"
                    )));
                } else {
                    self.partial(part, format!("{message}: not read"));
                }
                None
            }
        }
    }

    fn read_styles_and_settings(&mut self, main_rels: &[Relationship]) {
        if let Some(name) = targets(main_rels, RelKind::Styles).into_iter().next()
            && let Some(text) = self.read_xml(&name, Part::Hidden, false)
        {
            let (styles, error) = Styles::parse(&text);
            self.styles = styles;
            if let Some(error) = error {
                self.partial(
                    Part::Hidden,
                    format!("{name}: {error}: text hidden by a style may be reported as visible"),
                );
            }
        }
        if let Some(name) = targets(main_rels, RelKind::Settings).into_iter().next()
            && let Some(text) = self.read_xml(&name, Part::Metadata, false)
        {
            let (settings, error) = Settings::parse(&text);
            if let Some(error) = error {
                self.partial(
                    Part::Metadata,
                    format!("{name}: {error}: document settings after that point were not read"),
                );
            }
            if let Some(id) = &settings.template_relationship {
                let rels = self.relationships(&name);
                if let Some(rel) = rels.iter().find(|rel| rel.id == *id) {
                    self.properties.push("template path", &rel.target);
                }
            }
            for (variable, value) in &settings.variables {
                self.properties
                    .push(&format!("document variable {variable}"), value);
            }
            self.settings = settings;
        }
    }

    fn read_main(&mut self, main: &str) {
        if self.out_of_time(main) {
            return;
        }
        let Some(text) = self.read_xml(main, Part::Body, true) else {
            return;
        };
        let outcome = story::read(
            &text,
            StoryKind::Document,
            None,
            &self.styles,
            self.deadline,
            &mut self.sink,
            &mut self.facts,
        );
        self.main_text = outcome.read_text;
        self.story_outcome(main, Part::Body, outcome, true);
    }

    fn read_story(&mut self, name: &str, kind: StoryKind, label: Label) {
        let part = match kind {
            StoryKind::Document => Part::Body,
            StoryKind::Header => Part::Header,
            StoryKind::Footer => Part::Footer,
            StoryKind::Footnotes => Part::Footnote,
            StoryKind::Endnotes => Part::Endnote,
            StoryKind::Comments => Part::Comment,
        };
        if self.handled.contains(name) || self.out_of_time(name) {
            return;
        }
        let Some(text) = self.read_xml(name, part, false) else {
            return;
        };
        let outcome = story::read(
            &text,
            kind,
            label,
            &self.styles,
            self.deadline,
            &mut self.sink,
            &mut self.facts,
        );
        self.story_outcome(name, part, outcome, false);
        let rels = self.relationships(name);
        self.story_rels.push((name.to_owned(), rels));
        self.story_parts.insert(name.to_owned(), part);
    }

    /// The pictures each story shows (DrawingML `a:blip`, VML
    /// `v:imagedata`: both through an image relationship of the story),
    /// handed to the OCR stage in the story's part — a picture in a header
    /// is the header's. Each picture once; the package hands over the rest.
    fn hand_over_pictures(&mut self) {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut found: Vec<(String, Part)> = Vec::new();
        for (story, rels) in &self.story_rels {
            let part = self.story_parts.get(story).copied().unwrap_or(Part::Body);
            for rel in rels
                .iter()
                .filter(|rel| !rel.external && rel.kind == RelKind::Image)
            {
                if let Some(name) = self.container.resolve(&rel.target)
                    && seen.insert(name.to_owned())
                {
                    found.push((name.to_owned(), part));
                }
            }
        }
        for (name, part) in found {
            match self.container.read(&name) {
                Ok(bytes) => self
                    .extraction
                    .push_picture(Picture::new(PicturePlace::new(part, name), bytes)),
                Err(why) => self.partial(Part::Image, format!("picture {name} not read: {why}")),
            }
        }
    }

    fn story_outcome(&mut self, name: &str, part: Part, outcome: story::Outcome, main: bool) {
        if let Some(over) = &outcome.entities_over {
            self.partial(part, format!("{name}: {over}"));
        }
        if outcome.too_deep {
            self.partial(
                part,
                format!(
                    "{name}: elements nested deeper than {} levels were skipped",
                    xml::MAX_XML_DEPTH
                ),
            );
        }
        match outcome.stop {
            None => {}
            Some(Stop::Deadline) => self.time_out(name),
            Some(Stop::Invalid(message)) if main && !outcome.read_text => {
                self.extraction.problems.push(Problem::failed(format!(
                    "main document part {name} is not readable XML: {message}"
                )));
            }
            Some(Stop::Invalid(message)) => self.partial(
                part,
                format!("{name}: {message}: the text after that point was not read"),
            ),
        }
    }

    fn read_headers_and_footers(&mut self, main: &str, main_rels: &[Relationship]) {
        let labels = header_labels(&self.facts.sections, self.settings.even_and_odd_headers);
        for rel in main_rels.iter().filter(|rel| !rel.external) {
            let kind = match rel.kind {
                RelKind::Header => StoryKind::Header,
                RelKind::Footer => StoryKind::Footer,
                _ => continue,
            };
            let label = labels
                .get(&rel.id)
                .cloned()
                .unwrap_or_else(|| "not used by any section".to_owned());
            let Some(name) = self.container.resolve(&rel.target).map(str::to_owned) else {
                self.partial(
                    if kind == StoryKind::Header {
                        Part::Header
                    } else {
                        Part::Footer
                    },
                    format!("{} is referenced by the package but missing", rel.target),
                );
                continue;
            };
            self.read_story(&name, kind, Some(label.into()));
        }
        // Header and footer parts left in the package without a
        // relationship are not shown by Word but travel with the file.
        let folder = main.rsplit_once('/').map_or("", |(folder, _)| folder);
        let orphans: Vec<(String, StoryKind)> = self
            .container
            .names()
            .iter()
            .filter(|name| !self.handled.contains(name.as_str()))
            .filter_map(|name| {
                let (parent, file) = name.rsplit_once('/').unwrap_or(("", name));
                let file = file.to_ascii_lowercase();
                if parent != folder || !file.ends_with(".xml") {
                    None
                } else if file.starts_with("header") {
                    Some((name.clone(), StoryKind::Header))
                } else if file.starts_with("footer") {
                    Some((name.clone(), StoryKind::Footer))
                } else {
                    None
                }
            })
            .collect();
        for (name, kind) in orphans {
            self.read_story(&name, kind, Some("not referenced by the document".into()));
        }
    }

    fn read_comments(&mut self, main_rels: &[Relationship]) {
        for name in targets(main_rels, RelKind::CommentsExtended) {
            if let Some(text) = self.read_xml(&name, Part::Comment, false) {
                let (threads, error) = comment_threads(&text);
                self.facts.threads.extend(threads);
                if let Some(error) = error {
                    self.partial(
                        Part::Comment,
                        format!("{name}: {error}: some replies may be shown without their thread"),
                    );
                }
            }
        }
        for name in targets(main_rels, RelKind::People) {
            if let Some(text) = self.read_xml(&name, Part::Metadata, false)
                && let Err(error) = self.properties.read_people(&text)
            {
                self.partial(Part::Metadata, format!("{name}: {error}"));
            }
        }
        for name in targets(main_rels, RelKind::Comments) {
            self.read_story(&name, StoryKind::Comments, None);
        }
    }

    /// Charts and SmartArt referenced by any story: their text is on the
    /// page, so it is reviewed (as `textbox`).
    fn read_drawings(&mut self) {
        let mut parts = Vec::new();
        for (_, rels) in &self.story_rels {
            for rel in rels.iter().filter(|rel| !rel.external) {
                let (label, lines, texts): (&str, &[&str], &[&str]) = match rel.kind {
                    RelKind::Chart => ("chart", &["p", "pt"], &["t", "v"]),
                    RelKind::DiagramData => ("SmartArt", &["p"], &["t"]),
                    _ => continue,
                };
                if let Some(name) = self.container.resolve(&rel.target) {
                    parts.push((name.to_owned(), label, lines, texts));
                }
            }
        }
        for (name, label, line_elements, text_elements) in parts {
            if self.handled.contains(&name) || self.out_of_time(&name) {
                continue;
            }
            let Some(text) = self.read_xml(&name, Part::Textbox, false) else {
                continue;
            };
            let (found, stop) =
                xml::collect_lines(&text, line_elements, text_elements, self.deadline);
            for line in found {
                self.sink.emit(Line {
                    part: Part::Textbox,
                    page: None,
                    label: Some(label.into()),
                    text: line,
                    kind: TextKind::Prose,
                });
            }
            match stop {
                None => {}
                Some(Stop::Deadline) => self.time_out(&name),
                Some(Stop::Invalid(message)) => self.partial(
                    Part::Textbox,
                    format!("{name}: {message}: the text after that point was not read"),
                ),
            }
            // A chart's own relationships lead to its embedded workbook,
            // which `read_embedded` finds by name.
        }
    }

    /// External targets (hyperlink addresses, linked files) are not printed
    /// but often name internal servers and paths.
    fn read_links(&mut self) {
        let mut seen = BTreeSet::new();
        let mut found = Vec::new();
        for (_, rels) in &self.story_rels {
            for rel in rels.iter().filter(|rel| rel.external) {
                if rel.target.starts_with('#') || !seen.insert(rel.target.clone()) {
                    continue;
                }
                found.push(rel.target.clone());
            }
        }
        for target in found {
            self.sink.emit(Line {
                part: Part::Hidden,
                page: None,
                label: Some("link target".into()),
                text: target,
                kind: TextKind::Prose,
            });
        }
    }

    fn read_properties(&mut self, package: &[Relationship]) {
        let find = |kind: RelKind, fallback: &str| -> Option<String> {
            targets(package, kind)
                .into_iter()
                .next()
                .or_else(|| self.container.resolve(fallback).map(str::to_owned))
        };
        let core = find(RelKind::CoreProperties, "docProps/core.xml");
        let app = find(RelKind::AppProperties, "docProps/app.xml");
        let custom = find(RelKind::CustomProperties, "docProps/custom.xml");
        type Reader = fn(&mut Properties, &str) -> Result<(), String>;
        let readers: [(Option<String>, Reader); 3] = [
            (core, Properties::read_core),
            (app, Properties::read_app),
            (custom, Properties::read_custom),
        ];
        for (name, read) in readers {
            let Some(name) = name else { continue };
            if !self.container.contains(&name) {
                continue;
            }
            if let Some(text) = self.read_xml(&name, Part::Metadata, false)
                && let Err(error) = read(&mut self.properties, &text)
            {
                self.partial(
                    Part::Metadata,
                    format!("{name}: {error}: the properties after that point were not read"),
                );
            }
        }
    }

    /// Custom XML data parts: content-control data, SharePoint and
    /// classification metadata.
    fn read_custom_xml(&mut self, main_rels: &[Relationship]) {
        let mut names = targets(main_rels, RelKind::CustomXml);
        for name in self.container.names() {
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("customxml/item")
                && lower.ends_with(".xml")
                && !lower.contains("props")
                && !names.contains(name)
            {
                names.push(name.clone());
            }
        }
        for name in names {
            if self.handled.contains(&name) || !self.container.contains(&name) {
                continue;
            }
            if let Some(text) = self.read_xml(&name, Part::Metadata, false) {
                let prefix = format!("{name} ");
                if let Err(error) = self.properties.read_data(&prefix, &text) {
                    self.partial(Part::Metadata, format!("{name}: {error}"));
                }
            }
        }
    }

    /// Embedded objects and imported chunks: read what can be read cheaply,
    /// name the rest in a problem.
    fn read_embedded(&mut self) {
        let mut names: Vec<String> = Vec::new();
        for (_, rels) in &self.story_rels {
            for rel in rels.iter().filter(|rel| !rel.external) {
                if matches!(
                    rel.kind,
                    RelKind::OleObject | RelKind::Package | RelKind::AltChunk
                ) {
                    match self.container.resolve(&rel.target) {
                        Some(name) => names.push(name.to_owned()),
                        None => names.push(rel.target.clone()),
                    }
                }
            }
        }
        for name in self.container.names() {
            let lower = name.to_ascii_lowercase();
            if lower.contains("/embeddings/") && !lower.ends_with('/') {
                names.push(name.clone());
            }
        }
        let mut seen = BTreeSet::new();
        names.retain(|name| seen.insert(name.clone()));
        for name in names {
            if self.handled.contains(&name) || self.out_of_time(&name) {
                continue;
            }
            self.handled.insert(name.clone());
            self.read_one_embedded(&name);
        }
    }

    fn read_one_embedded(&mut self, name: &str) {
        let kind = embedded::kind_of(name);
        if kind == embedded::Kind::Image {
            return;
        }
        if kind == embedded::Kind::Unreadable {
            self.partial(
                Part::Attachment,
                format!(
                    "{name} ({}) was not read: open it and review it separately",
                    embedded::describe(name)
                ),
            );
            return;
        }
        let bytes = match self.container.read(name) {
            Ok(bytes) => bytes,
            Err(PartError::Missing) => {
                self.partial(
                    Part::Attachment,
                    format!("embedded {name} is referenced but missing from the package"),
                );
                return;
            }
            Err(error) => {
                self.partial(Part::Attachment, format!("embedded {error}: not read"));
                return;
            }
        };
        let short = name.rsplit('/').next().unwrap_or(name);
        let groups: Result<embedded::Groups, String> = match kind {
            embedded::Kind::Word => {
                self.read_nested_word(name, &bytes);
                return;
            }
            embedded::Kind::Workbook => {
                embedded::workbook(&bytes, &self.nested_limits(), self.deadline)
            }
            embedded::Kind::Presentation => {
                embedded::presentation(&bytes, &self.nested_limits(), self.deadline)
            }
            embedded::Kind::Text => {
                let (text, _, _) = crate::extract::text::decode(&bytes);
                Ok(vec![(
                    String::new(),
                    text.lines().map(str::to_owned).collect(),
                )])
            }
            embedded::Kind::Html => Ok(vec![(String::new(), embedded::html(&bytes))]),
            embedded::Kind::Image | embedded::Kind::Unreadable => return,
        };
        match groups {
            Ok(groups) => {
                for (group, group_lines) in groups {
                    let label: Label = Some(if group.is_empty() {
                        name.into()
                    } else {
                        format!("{name}, {group}").into()
                    });
                    for text in group_lines {
                        self.sink.emit(Line {
                            part: Part::Attachment,
                            page: None,
                            label: label.clone(),
                            text: lines::clean(&text),
                            kind: TextKind::Prose,
                        });
                    }
                }
            }
            Err(message) => self.partial(
                Part::Attachment,
                format!("embedded {short} could not be read ({message}): open it and review it separately"),
            ),
        }
    }

    /// Limits for a package inside this one: what is left of the
    /// per-document decompression budget.
    fn nested_limits(&self) -> Limits {
        Limits {
            max_document_bytes: self
                .limits
                .max_document_bytes
                .saturating_sub(self.container.inflated()),
            ..self.limits.clone()
        }
    }

    fn read_nested_word(&mut self, name: &str, bytes: &[u8]) {
        if self.depth + 1 > self.limits.max_depth {
            self.partial(
                Part::Attachment,
                format!(
                    "embedded {name} is nested more than {} documents deep (--max-depth): not read",
                    self.limits.max_depth
                ),
            );
            return;
        }
        let limits = self.nested_limits();
        let inner = read_package(bytes, &limits, self.deadline, self.depth + 1);
        for segment in inner.segments {
            let label = match &segment.label {
                Some(label) => format!("{name}, {}, {label}", segment.part),
                None => format!("{name}, {}", segment.part),
            };
            self.sink.emit(Line {
                part: Part::Attachment,
                page: None,
                label: Some(label.into()),
                text: segment.text,
                kind: segment.kind,
            });
        }
        for problem in inner.problems {
            self.partial(
                Part::Attachment,
                format!("embedded {name}: {}", problem.message),
            );
        }
        for mut notice in inner.notices {
            notice.message = format!("in embedded {name}: {}", notice.message);
            notice.part = Part::Attachment;
            notice.page = None;
            self.extraction.notices.push(notice);
        }
        for mut picture in inner.pictures {
            picture.place.part = Part::Attachment;
            picture.place.name = format!("embedded {name}: {}", picture.place.name);
            self.extraction.push_picture(picture);
        }
    }

    fn check_macros(&mut self, main_rels: &[Relationship]) {
        let mut macros: Vec<String> = targets(main_rels, RelKind::VbaProject);
        for name in self.container.names() {
            if name.to_ascii_lowercase().ends_with("vbaproject.bin") && !macros.contains(name) {
                macros.push(name.clone());
            }
        }
        if macros.is_empty() {
            return;
        }
        self.extraction.notices.push(Notice {
            rule: "hidden.docx.macros".into(),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "the document contains VBA macros ({}): macros are not reviewed and should be removed before publishing",
                macros.join(", ")
            ),
            part: Part::Attachment,
            page: None,
            text: macros.join(", "),
        });
    }
}

/// Targets (resolved part names) of the relationships of one kind.
fn targets(rels: &[Relationship], kind: RelKind) -> Vec<String> {
    rels.iter()
        .filter(|rel| rel.kind == kind && !rel.external)
        .map(|rel| rel.target.clone())
        .collect()
}

/// Labels for header and footer relationships: which sections use them and
/// on which pages, and whether Word would show them at all.
fn header_labels(sections: &[Section], even_and_odd: bool) -> HashMap<String, String> {
    let mut labels: HashMap<String, Vec<String>> = HashMap::new();
    for (index, section) in sections.iter().enumerate() {
        for (kind, id) in &section.references {
            let mut label = match kind.as_str() {
                "first" if section.title_page => "first page".to_owned(),
                "first" => "first page, not shown (no titlePg)".to_owned(),
                "even" if even_and_odd => "even pages".to_owned(),
                "even" => "even pages, not shown (no evenAndOddHeaders)".to_owned(),
                _ if even_and_odd => "odd pages".to_owned(),
                _ => "all pages".to_owned(),
            };
            if sections.len() > 1 {
                label = format!("section {}, {label}", index + 1);
            }
            labels.entry(id.clone()).or_default().push(label);
        }
    }
    labels
        .into_iter()
        .map(|(id, labels)| (id, labels.join("; ")))
        .collect()
}

/// `commentsExtended.xml`: paragraph id → (parent paragraph id, done).
fn comment_threads(xml: &str) -> (story::Threads, Option<String>) {
    use quick_xml::events::Event;
    let mut threads = story::Threads::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element))
                if xml::local(element.name().0) == "commentEx" =>
            {
                if let Some(id) = xml::attr(&element, "paraId") {
                    let parent = xml::attr(&element, "paraIdParent").map(|p| p.into_owned());
                    let done = xml::attr(&element, "done").is_some_and(|d| d == "1" || d == "true");
                    threads.insert(id.into_owned(), (parent, done));
                }
            }
            Ok(Event::Eof) => return (threads, None),
            Ok(_) => {}
            Err(error) => {
                let message = format!("invalid XML at byte {}: {error}", reader.error_position());
                return (threads, Some(message));
            }
        }
    }
}

/// The hidden-content review: findings made without any rule.
fn notices(facts: &Facts) -> Vec<Notice> {
    let mut notices = Vec::new();
    let mut pending = Vec::new();
    if facts.comments > 0 {
        pending.push(plural(facts.comments, "comment", "comments"));
    }
    if facts.revisions > 0 {
        pending.push(plural(facts.revisions, "tracked change", "tracked changes"));
    }
    if facts.formatting_changes > 0 {
        pending.push(plural(
            facts.formatting_changes,
            "tracked formatting change",
            "tracked formatting changes",
        ));
    }
    if !pending.is_empty() {
        let people: BTreeSet<&String> = facts
            .comment_authors
            .iter()
            .chain(&facts.revision_authors)
            .collect();
        let people: Vec<&str> = people.into_iter().map(String::as_str).collect();
        let by = if people.is_empty() {
            String::new()
        } else {
            format!(" (by {})", people.join(", "))
        };
        notices.push(Notice {
            rule: "hidden.docx.revisions".into(),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{}{by} must be resolved before publishing",
                join_and(&pending)
            ),
            part: if facts.comments > 0 {
                Part::Comment
            } else {
                Part::Deletion
            },
            page: None,
            text: people.join(", "),
        });
    }
    if facts.hidden_passages > 0 {
        let (text, page) = facts.first_hidden.clone().unwrap_or_default();
        notices.push(Notice {
            rule: "hidden.docx.hidden-text".into(),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "{} hidden text (w:vanish): it is not printed but is published with the file; delete it or make it visible",
                plural(facts.hidden_passages, "passage of", "passages of")
            ),
            part: Part::Hidden,
            page,
            text: excerpt(&text, 80),
        });
    }
    notices
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
