//! OFD (GB/T 33190), the national fixed-layout format of 电子公文 and
//! e-invoices.
//!
//! An OFD is a zip: `OFD.xml` names each document's `DocRoot`
//! (`Document.xml`), which lists the pages (`Content.xml` each), templates,
//! annotations, attachments and custom tags; `OFD.xml` also carries the
//! `DocInfo` metadata and the signatures. Text sits in `TextObject`/`TextCode`
//! elements positioned on the page, so lines are rebuilt from positions: runs
//! on the same baseline make one line, left to right, a wide gap becoming a
//! `\t` (a table cell boundary).
//!
//! Producers are loose with paths and namespaces (`shared/corpus` holds the
//! ofd.js conformance cases: entries stored or deflated, `OFD.xml` at the end
//! of the zip, spaces and `&` in directory names, pages outside the standard
//! `Pages/Page_N` layout, non-standard namespace URIs), so elements are
//! matched by local name and every reference is looked up relative to the
//! referring part, then the document root, then the package root, then by
//! suffix.
//!
//! What is *not* displayed is still read: text in package parts no page or
//! annotation refers to comes back as `hidden`, objects with
//! `Visible="false"` too. Text made of private-use code points (glyph codes
//! standing in for characters, `ofdrw_converter__ano.ofd`) cannot be mapped
//! back to characters without OCR, so it makes the extraction `partial`.

use super::Request;
use super::container::{Container, PartError};
use super::xml::{self, Element};
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use std::collections::{BTreeMap, HashMap, HashSet};

pub fn extract(request: &Request<'_>) -> Extraction {
    let container = match Container::open(request.bytes, request.limits) {
        Ok(container) => container,
        Err(message) => return Extraction::failed(format!("OFD: {message}")),
    };
    let mut reader = Reader {
        container: &container,
        request,
        extraction: Extraction::default(),
        visited: HashSet::new(),
        page_total: 0,
        pages_with_images: 0,
        page_ids: HashMap::new(),
        out_of_time: false,
        expanded: 0,
        over_budget: false,
    };
    reader.read_package();
    reader.extraction
}

/// Walks one OFD package, accumulating into an [`Extraction`].
struct Reader<'c, 'r> {
    container: &'c Container<'c>,
    request: &'r Request<'r>,
    extraction: Extraction,
    /// Entry names already read, so unreferenced parts can be found later.
    visited: HashSet<String>,
    /// Pages numbered across all documents of the package.
    page_total: u32,
    /// Pages that draw pictures (`ImageObject`): their pictures, in the
    /// package's `Res` folders, go to the OCR stage.
    pages_with_images: u32,
    /// Page ID → page number, for signatures (which refer to pages by ID).
    page_ids: HashMap<String, u32>,
    out_of_time: bool,
    /// Bytes of page text produced, templates and repeated pages included:
    /// one page part referenced by 100,000 pages, or a template on each of
    /// them, expands far past what was inflated.
    expanded: u64,
    /// The expansion went over `--max-inflated`: no more pages are read.
    over_budget: bool,
}

/// What a document's `CommonData` and resources provide to its pages.
#[derive(Default)]
struct DocumentContext {
    /// Directory of `Document.xml`, for relative references.
    dir: String,
    /// Template page ID → entry name.
    templates: HashMap<String, String>,
    /// Composite graphic unit ID → its content, for `CompositeObject`s.
    composites: HashMap<String, Element>,
    /// Page ID → 1-based page number in the package.
    page_numbers: HashMap<String, u32>,
    /// Lines of each template, read once.
    template_runs: HashMap<String, Vec<Run>>,
}

impl<'c, 'r> Reader<'c, 'r> {
    fn read_package(&mut self) {
        let Some(main) = self.container.resolve("OFD.xml").map(str::to_owned) else {
            self.extraction.problems.push(Problem::failed(
                "OFD: the package has no OFD.xml entry point: not an OFD file, or a damaged one",
            ));
            return;
        };
        let Some(root) = self.read_xml(&main) else {
            self.extraction.problems.push(Problem::failed(format!(
                "OFD: the entry point {main} cannot be read"
            )));
            return;
        };
        let bodies: Vec<&Element> = root.document().children_named("DocBody").collect();
        if bodies.is_empty() {
            self.extraction.problems.push(Problem::failed(
                "OFD: OFD.xml lists no DocBody, so there is no document to read",
            ));
            return;
        }
        for body in bodies {
            if let Some(info) = body.child("DocInfo") {
                self.read_doc_info(info);
            }
            self.read_document(body);
            if let Some(signatures) = body.child_text("Signatures") {
                self.read_signatures(&signatures);
            }
        }
        self.read_unreferenced_parts();
        self.extraction.pages = Some(self.page_total);
        let has_body_text = self
            .extraction
            .segments
            .iter()
            .any(|segment| segment.part == Part::Body);
        if self.page_total > 0 && !has_body_text && self.pages_with_images == 0 {
            self.extraction.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!(
                    "no text found on any of the {} pages: the content may be drawn as images or outlines; check it by eye",
                    self.page_total
                ),
            ));
        }
        self.flag_private_use_text();
    }

    /// Reads and parses an XML entry, recording problems; marks it visited.
    fn read_xml(&mut self, entry: &str) -> Option<xml::Parsed> {
        self.visited.insert(entry.to_owned());
        let bytes = match self.container.read(entry) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.part_problem(entry, &error);
                return None;
            }
        };
        let parsed = xml::parse_bytes(&bytes, self.request.limits.max_depth);
        if let Some(error) = &parsed.error {
            self.extraction.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!("OFD part {entry}: {error}; text after that point is not read"),
            ));
        }
        Some(parsed)
    }

    fn part_problem(&mut self, entry: &str, error: &PartError) {
        let message = match error {
            PartError::Missing => format!("OFD part {entry} is missing from the package"),
            other => format!("OFD part {entry} cannot be read: {other}"),
        };
        self.extraction.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            message,
        ));
    }

    /// Finds the entry a reference names. OFD references are relative to the
    /// referring part (absolute when they start with `/`), but producers also
    /// write them relative to the document root or the package root.
    fn locate(&self, referring_dir: &str, document_dir: &str, reference: &str) -> Option<String> {
        let reference = reference.trim();
        if reference.is_empty() {
            return None;
        }
        let mut candidates = Vec::new();
        if let Some(absolute) = reference.strip_prefix('/') {
            candidates.push(normalise_path(absolute));
        }
        candidates.push(join(referring_dir, reference));
        candidates.push(join(document_dir, reference));
        candidates.push(normalise_path(reference));
        for candidate in &candidates {
            if let Some(found) = self.container.resolve(candidate) {
                return Some(found.to_owned());
            }
        }
        // Last resort: a unique entry ending with the reference.
        let tail = normalise_path(reference.trim_start_matches('/')).to_lowercase();
        let mut matches = self.container.names().iter().filter(|name| {
            let lower = name.to_lowercase();
            lower == tail || lower.ends_with(&format!("/{tail}"))
        });
        match (matches.next(), matches.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
    }

    fn read_doc_info(&mut self, info: &Element) {
        const FIELDS: [(&str, &str); 9] = [
            ("Title", "title"),
            ("Author", "author"),
            ("Subject", "subject"),
            ("Abstract", "abstract"),
            ("DocUsage", "document usage"),
            ("Creator", "creator"),
            ("CreatorVersion", "creator version"),
            ("CreationDate", "creation date"),
            ("ModDate", "modification date"),
        ];
        for (element, label) in FIELDS {
            if let Some(value) = info.child_text(element) {
                self.extraction
                    .push(Segment::new(Part::Metadata, one_line(&value)).with_label(label));
            }
        }
        if let Some(keywords) = info.child("Keywords") {
            let words: Vec<String> = keywords
                .children_named("Keyword")
                .map(|k| one_line(&k.text()))
                .filter(|k| !k.is_empty())
                .collect();
            if !words.is_empty() {
                self.extraction
                    .push(Segment::new(Part::Metadata, words.join("\t")).with_label("keywords"));
            }
        }
        if let Some(custom) = info.child("CustomDatas") {
            for data in custom.children_named("CustomData") {
                let value = one_line(&data.text());
                let name = data.attr("Name").unwrap_or("").trim();
                if value.is_empty() && name.is_empty() {
                    continue;
                }
                // The name is kept in the text: custom data names are often
                // the meaningful part (`购买方纳税人识别号`).
                let text = if name.is_empty() {
                    value
                } else {
                    format!("{name}\t{value}")
                };
                self.extraction
                    .push(Segment::new(Part::Metadata, text).with_label("custom data"));
            }
        }
    }

    fn read_document(&mut self, body: &Element) {
        let Some(reference) = body.child_text("DocRoot") else {
            self.extraction.problems.push(Problem::partial(
                None,
                "OFD: a DocBody has no DocRoot, so its document is not read",
            ));
            return;
        };
        let Some(entry) = self.locate("", "", &reference) else {
            self.extraction.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!("OFD: the document root {reference} named in OFD.xml is missing"),
            ));
            return;
        };
        let Some(parsed) = self.read_xml(&entry) else {
            return;
        };
        let document = parsed.document();
        let mut context = DocumentContext {
            dir: parent_dir(&entry),
            ..DocumentContext::default()
        };
        if let Some(common) = document.child("CommonData") {
            self.read_common_data(common, &mut context);
        }
        let pages: Vec<(String, String)> = document
            .child("Pages")
            .map(|pages| {
                pages
                    .children_named("Page")
                    .map(|page| {
                        (
                            page.attr("ID").unwrap_or("").to_owned(),
                            page.attr("BaseLoc").unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if pages.is_empty() {
            self.extraction.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!("OFD: {entry} lists no pages"),
            ));
        }
        let first_page = self.page_total + 1;
        for (index, (id, _)) in pages.iter().enumerate() {
            context
                .page_numbers
                .insert(id.clone(), first_page + index as u32);
        }
        self.page_ids.extend(context.page_numbers.clone());
        for (id, base) in &pages {
            self.page_total += 1;
            if self.time_is_up() || self.over_budget {
                continue;
            }
            self.read_page(self.page_total, id, base, &mut context);
        }
        if let Some(annotations) = document.child_text("Annotations") {
            self.read_annotations(&annotations, &context);
        }
        if let Some(attachments) = document.child_text("Attachments") {
            self.read_attachments(&attachments, &context);
        }
        if let Some(tags) = document.child_text("CustomTags") {
            self.read_custom_tags(&tags, &context);
        }
        if let Some(outlines) = document.child("Outlines") {
            let titles: Vec<String> = outlines
                .descendants_named("OutlineElem")
                .iter()
                .filter_map(|elem| elem.attr("Title"))
                .map(one_line)
                .filter(|title| !title.is_empty())
                .collect();
            if !titles.is_empty() {
                self.extraction
                    .push(Segment::new(Part::Metadata, titles.join("\n")).with_label("outline"));
            }
        }
    }

    fn read_common_data(&mut self, common: &Element, context: &mut DocumentContext) {
        for template in common.children_named("TemplatePage") {
            let id = template.attr("ID").unwrap_or("").to_owned();
            let base = template.attr("BaseLoc").unwrap_or("");
            match self.locate(&context.dir, &context.dir, base) {
                Some(found) => {
                    context.templates.insert(id, found);
                }
                None => self.extraction.problems.push(Problem::partial(
                    Some(Part::Body.as_str().to_owned()),
                    format!("OFD: template page {base} is missing from the package"),
                )),
            }
        }
        let resources: Vec<String> = common
            .elements()
            .filter(|e| e.name == "PublicRes" || e.name == "DocumentRes")
            .map(|e| e.text().trim().to_owned())
            .collect();
        for resource in resources {
            // Resource files hold fonts and images; only composite graphic
            // units can carry text, and a missing resource file is a display
            // problem, not unread text.
            let Some(found) = self.locate(&context.dir, &context.dir, &resource) else {
                continue;
            };
            self.visited.insert(found.clone());
            let Ok(bytes) = self.container.read(&found) else {
                continue;
            };
            let parsed = xml::parse_bytes(&bytes, self.request.limits.max_depth);
            collect_composites(parsed.document(), &mut context.composites);
        }
    }

    fn read_page(&mut self, number: u32, id: &str, base: &str, context: &mut DocumentContext) {
        let Some(entry) = self.locate(&context.dir, &context.dir, base) else {
            let shown = if base.trim().is_empty() { id } else { base };
            self.extraction.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!("OFD page {number}: its content {shown} is missing from the package"),
            ));
            return;
        };
        let Some(parsed) = self.read_xml(&entry) else {
            return;
        };
        let page = parsed.document();
        // The document's composites are copied only for a page that adds
        // its own (a copy per page of 100,000 is what makes a hang).
        let mut own_composites = None;
        if let Some(page_res) = page.child("PageRes") {
            let reference = page_res.text();
            if let Some(found) = self.locate(&parent_dir(&entry), &context.dir, &reference) {
                self.visited.insert(found.clone());
                if let Ok(bytes) = self.container.read(&found) {
                    let parsed = xml::parse_bytes(&bytes, self.request.limits.max_depth);
                    let mut composites = context.composites.clone();
                    collect_composites(parsed.document(), &mut composites);
                    own_composites = Some(composites);
                }
            }
        }
        let composites = own_composites.as_ref().unwrap_or(&context.composites);
        let mut runs = Vec::new();
        for template in page.children_named("Template") {
            let Some(template_id) = template.attr("TemplateID") else {
                continue;
            };
            let Some(template_entry) = context.templates.get(template_id).cloned() else {
                self.extraction.problems.push(Problem::partial(
                    Some(Part::Body.as_str().to_owned()),
                    format!("OFD page {number}: template {template_id} is not declared"),
                ));
                continue;
            };
            if !context.template_runs.contains_key(&template_entry) {
                let template_runs = match self.read_xml(&template_entry) {
                    Some(parsed) => text_runs(parsed.document(), &context.composites),
                    None => Vec::new(),
                };
                context
                    .template_runs
                    .insert(template_entry.clone(), template_runs);
            }
            if let Some(template_runs) = context.template_runs.get(&template_entry) {
                let size: usize = template_runs.iter().map(|run| run.text.len()).sum();
                if !self.spend(number, size) {
                    return;
                }
                runs.extend(template_runs.iter().cloned());
            }
        }
        let own = text_runs(page, composites);
        let size: usize = own.iter().map(|run| run.text.len()).sum();
        if !self.spend(number, size) {
            return;
        }
        runs.extend(own);
        let has_images = !page.descendants_named("ImageObject").is_empty();
        self.push_page_runs(number, runs, has_images);
    }

    fn push_page_runs(&mut self, number: u32, runs: Vec<Run>, has_images: bool) {
        let (hidden, visible): (Vec<Run>, Vec<Run>) = runs.into_iter().partition(|r| r.hidden);
        let body = lines(visible);
        // A scanned page is its picture: the package hands the pictures of
        // `Res` to the OCR stage, which reads them or says why not.
        if has_images {
            self.pages_with_images += 1;
        }
        self.extraction
            .push(Segment::new(Part::Body, body.join("\n")).on_page(number));
        let hidden = lines(hidden);
        if !hidden.is_empty() {
            let text = hidden.join("\n");
            self.extraction.notices.push(Notice {
                rule: "hidden.ofd.invisible-objects".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("page {number} carries text in objects marked invisible"),
                part: Part::Hidden,
                page: Some(number),
                text: text.clone(),
            });
            self.extraction.push(
                Segment::new(Part::Hidden, text)
                    .on_page(number)
                    .with_label("invisible object"),
            );
        }
    }

    fn read_annotations(&mut self, reference: &str, context: &DocumentContext) {
        // A reference to a file that is not in the package leaves nothing
        // unread (an unreferenced file would be found later); producers
        // often list annotation files they never wrote.
        let Some(entry) = self.locate(&context.dir, &context.dir, reference) else {
            return;
        };
        let Some(parsed) = self.read_xml(&entry) else {
            return;
        };
        let list_dir = parent_dir(&entry);
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        // Watermark text → pages it is on.
        let mut watermarks: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for page in parsed.document().children_named("Page") {
            let page_number = page
                .attr("PageID")
                .and_then(|id| context.page_numbers.get(id).copied());
            for file in page.children_named("FileLoc") {
                let reference = file.text();
                let Some(annot_entry) = self.locate(&list_dir, &context.dir, &reference) else {
                    continue;
                };
                let Some(annotations) = self.read_xml(&annot_entry) else {
                    continue;
                };
                for annot in annotations.document().children_named("Annot") {
                    let kind = annot.attr("Type").unwrap_or("annotation").to_owned();
                    *kinds.entry(kind.clone()).or_default() += 1;
                    let text = self.push_annotation(annot, &kind, page_number, &context.composites);
                    if kind == "Watermark" && !text.is_empty() {
                        let pages = watermarks.entry(text).or_default();
                        pages.extend(page_number);
                    }
                }
            }
        }
        if !kinds.is_empty() {
            let total: usize = kinds.values().sum();
            let summary: Vec<String> = kinds
                .iter()
                .map(|(kind, count)| format!("{kind} ×{count}"))
                .collect();
            self.extraction.notices.push(Notice {
                rule: "hidden.ofd.annotations".into(),
                category: Category::Hidden,
                severity: Severity::Info,
                message: format!("{total} annotations ({})", summary.join(", ")),
                part: Part::Annotation,
                page: None,
                text: String::new(),
            });
        }
        // A watermark is what every reader of the published file sees over
        // the text, and it is not in the body: report its words.
        for (text, pages) in watermarks {
            let on = if pages.is_empty() {
                String::new()
            } else {
                let list: Vec<String> = pages.iter().map(u32::to_string).collect();
                format!(" on page {}", list.join(", "))
            };
            self.extraction.notices.push(Notice {
                rule: "hidden.ofd.watermark".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!("watermark annotation{on}: {}", one_line(&text)),
                part: Part::Annotation,
                page: pages.first().copied(),
                text,
            });
        }
    }

    fn push_annotation(
        &mut self,
        annot: &Element,
        kind: &str,
        page: Option<u32>,
        composites: &HashMap<String, Element>,
    ) -> String {
        let mut text_lines = Vec::new();
        if let Some(remark) = annot.child_text("Remark") {
            text_lines.push(one_line(&remark));
        }
        if let Some(appearance) = annot.child("Appearance") {
            // A watermark tiles the same words dozens of times: keep each
            // distinct line once.
            let mut runs = text_runs(appearance, composites);
            let mut seen = HashSet::new();
            runs.retain(|run| seen.insert(run.text.clone()));
            for line in lines(runs) {
                if !text_lines.contains(&line) {
                    text_lines.push(line);
                }
            }
        }
        let mut label = format!("{kind} annotation");
        if let Some(creator) = annot.attr("Creator").filter(|c| !c.trim().is_empty()) {
            label.push_str(&format!(" by {}", creator.trim()));
        }
        if let Some(date) = annot.attr("LastModDate").filter(|d| !d.trim().is_empty()) {
            label.push_str(&format!(", {}", date.trim()));
        }
        let text = text_lines.join("\n");
        let mut segment = Segment::new(Part::Annotation, text.clone()).with_label(label);
        segment.page = page;
        self.extraction.push(segment);
        text
    }

    fn read_attachments(&mut self, reference: &str, context: &DocumentContext) {
        let Some(entry) = self.locate(&context.dir, &context.dir, reference) else {
            self.extraction.problems.push(Problem::partial(
                Some(Part::Attachment.as_str().to_owned()),
                format!("OFD: the attachment list {reference} is missing from the package"),
            ));
            return;
        };
        let Some(parsed) = self.read_xml(&entry) else {
            return;
        };
        let list_dir = parent_dir(&entry);
        for attachment in parsed.document().children_named("Attachment") {
            let name = attachment
                .attr("Name")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or("(unnamed)")
                .to_owned();
            let format = attachment.attr("Format").unwrap_or("").trim().to_owned();
            self.extraction.push(
                Segment::new(Part::Attachment, one_line(&name)).with_label("attachment name"),
            );
            let reference = attachment.child_text("FileLoc").unwrap_or_default();
            let Some(file) = self.locate(&list_dir, &context.dir, &reference) else {
                self.extraction.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("OFD attachment {name}: its file {reference} is missing"),
                ));
                continue;
            };
            self.visited.insert(file.clone());
            match self.container.read(&file) {
                Ok(bytes) => super::embedded::read(
                    self.request,
                    &format!("OFD attachment {name}"),
                    &attachment_file_name(&name, &format),
                    &bytes,
                    &mut self.extraction,
                ),
                Err(error) => self.extraction.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("OFD attachment {name} cannot be read: {error}"),
                )),
            }
        }
    }

    fn read_custom_tags(&mut self, reference: &str, context: &DocumentContext) {
        let Some(entry) = self.locate(&context.dir, &context.dir, reference) else {
            return;
        };
        let Some(parsed) = self.read_xml(&entry) else {
            return;
        };
        let list_dir = parent_dir(&entry);
        for tag in parsed.document().children_named("CustomTag") {
            let Some(reference) = tag.child_text("FileLoc") else {
                continue;
            };
            let Some(file) = self.locate(&list_dir, &context.dir, &reference) else {
                continue;
            };
            let Some(tags) = self.read_xml(&file) else {
                continue;
            };
            let leaves = xml::leaf_lines(tags.document());
            self.extraction
                .push(Segment::new(Part::Metadata, leaves.join("\n")).with_label("custom tags"));
        }
    }

    fn read_signatures(&mut self, reference: &str) {
        let Some(entry) = self.locate("", "", reference) else {
            return;
        };
        let Some(parsed) = self.read_xml(&entry) else {
            return;
        };
        let list_dir = parent_dir(&entry);
        for signature in parsed.document().children_named("Signature") {
            let kind = match signature.attr("Type") {
                Some("Sign") => "a digital signature",
                _ => "an electronic seal",
            };
            let base = signature.attr("BaseLoc").unwrap_or("");
            let mut details = Vec::new();
            let mut page = None;
            if let Some(file) = self.locate(&list_dir, &list_dir, base)
                && let Some(parsed) = self.read_xml(&file)
                && let Some(info) = parsed.document().child("SignedInfo")
            {
                if let Some(provider) = info.child("Provider") {
                    for attribute in ["ProviderName", "Company"] {
                        if let Some(value) =
                            provider.attr(attribute).filter(|v| !v.trim().is_empty())
                        {
                            details.push(value.trim().to_owned());
                        }
                    }
                }
                if let Some(date) = info.child_text("SignatureDateTime") {
                    details.push(format!("signed {date}"));
                }
                page = info
                    .child("StampAnnot")
                    .and_then(|stamp| stamp.attr("PageRef"))
                    .and_then(|id| self.page_ids.get(id.trim()).copied());
            }
            let message = if details.is_empty() {
                format!("the document carries {kind}")
            } else {
                format!("the document carries {kind} ({})", details.join(", "))
            };
            self.extraction.notices.push(Notice {
                rule: "metadata.ofd.signature".into(),
                category: Category::Metadata,
                severity: Severity::Info,
                message,
                part: Part::Metadata,
                page,
                text: details.first().cloned().unwrap_or_default(),
            });
        }
    }

    /// Text in XML parts that no page, template or annotation refers to is
    /// not displayed by a reader but is published with the file.
    fn read_unreferenced_parts(&mut self) {
        let names: Vec<String> = self
            .container
            .names()
            .iter()
            .filter(|name| name.to_lowercase().ends_with(".xml"))
            .filter(|name| !self.visited.contains(*name))
            .cloned()
            .collect();
        for name in names {
            if self.time_is_up() {
                return;
            }
            let Ok(bytes) = self.container.read(&name) else {
                continue;
            };
            if super::detect::find(&bytes, b"TextCode").is_none() {
                continue;
            }
            let parsed = xml::parse_bytes(&bytes, self.request.limits.max_depth);
            let text = lines(text_runs(parsed.document(), &HashMap::new())).join("\n");
            if text.is_empty() {
                continue;
            }
            self.extraction.notices.push(Notice {
                rule: "hidden.ofd.unreferenced-part".into(),
                category: Category::Hidden,
                severity: Severity::Review,
                message: format!(
                    "package part {name} holds text that no page displays; it is published with the file"
                ),
                part: Part::Hidden,
                page: None,
                text: text.chars().take(200).collect(),
            });
            self.extraction.push(
                Segment::new(Part::Hidden, text).with_label(format!("unreferenced part {name}")),
            );
        }
    }

    /// Private-use code points are glyph codes, not characters: the words
    /// they draw cannot be matched.
    fn flag_private_use_text(&mut self) {
        let mut pages: BTreeMap<Option<u32>, usize> = BTreeMap::new();
        for segment in &self.extraction.segments {
            let count = segment.text.chars().filter(|&c| is_private_use(c)).count();
            if count > 0 {
                *pages.entry(segment.page).or_default() += count;
            }
        }
        if pages.is_empty() {
            return;
        }
        let total: usize = pages.values().sum();
        let where_: Vec<String> = pages
            .keys()
            .map(|page| page.map_or("outside pages".to_owned(), |p| format!("page {p}")))
            .collect();
        self.extraction.problems.push(Problem::partial(
            Some(Part::Body.as_str().to_owned()),
            format!(
                "{total} characters ({}) are private-use glyph codes, not Unicode text: the words they draw cannot be read without OCR; check them by eye",
                where_.join(", ")
            ),
        ));
    }

    /// Counts `size` more bytes of page text against `--max-inflated`
    /// (together with what the package inflated); false, with the problem
    /// recorded once, when that is over it.
    fn spend(&mut self, number: u32, size: usize) -> bool {
        self.expanded += size as u64;
        let limit = self.request.limits.max_document_bytes;
        if self.expanded.saturating_add(self.container.inflated()) <= limit {
            return true;
        }
        if !self.over_budget {
            self.over_budget = true;
            self.extraction.problems.push(Problem::partial(
                Some(Part::Body.as_str().to_owned()),
                format!(
                    "OFD page {number}: the pages expand to more than the per-document limit of {limit} bytes (--max-inflated) (templates or page parts referenced by many pages); pages from {number} on are not read"
                ),
            ));
        }
        false
    }

    fn time_is_up(&mut self) -> bool {
        if self.out_of_time {
            return true;
        }
        if self.request.deadline.passed() {
            self.out_of_time = true;
            self.extraction.problems.push(Problem::partial(
                None,
                format!(
                    "time budget of {} s exceeded (--timeout): the rest of the OFD is not read",
                    self.request.limits.time_budget.as_secs()
                ),
            ));
            return true;
        }
        false
    }
}

/// One positioned run of text (a `TextCode`).
#[derive(Clone, Debug)]
struct Run {
    x: f64,
    y: f64,
    end_x: f64,
    size: f64,
    text: String,
    hidden: bool,
}

/// An affine transform `[a b c d e f]` as OFD writes it.
#[derive(Clone, Copy, Debug)]
struct Transform([f64; 6]);

impl Transform {
    const IDENTITY: Transform = Transform([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn parse(text: Option<&str>) -> Transform {
        let numbers = numbers(text.unwrap_or(""));
        match <[f64; 6]>::try_from(numbers.as_slice()) {
            Ok(values) => Transform(values),
            Err(_) => Transform::IDENTITY,
        }
    }

    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn scale(&self) -> f64 {
        let [a, b, c, d, _, _] = self.0;
        let scale = (a * d - b * c).abs().sqrt();
        if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        }
    }
}

/// Collects the text runs below an element: text objects in layers, page
/// blocks and composite objects (looked up in `composites`).
fn text_runs(root: &Element, composites: &HashMap<String, Element>) -> Vec<Run> {
    let mut runs = Vec::new();
    collect_runs(root, (0.0, 0.0), false, composites, 0, &mut runs);
    runs
}

/// Composite objects may refer to units that refer back: cap the chain.
const MAX_COMPOSITE_NESTING: usize = 8;

fn collect_runs(
    element: &Element,
    origin: (f64, f64),
    hidden: bool,
    composites: &HashMap<String, Element>,
    composite_depth: usize,
    runs: &mut Vec<Run>,
) {
    for child in element.elements() {
        let child_hidden = hidden || child.attr("Visible") == Some("false");
        match child.name.as_str() {
            "TextObject" => text_object(child, origin, child_hidden, runs),
            "CompositeObject" => {
                if composite_depth >= MAX_COMPOSITE_NESTING {
                    continue;
                }
                let Some(unit) = child.attr("ResourceID").and_then(|id| composites.get(id)) else {
                    continue;
                };
                let boundary = numbers(child.attr("Boundary").unwrap_or(""));
                let offset = (
                    origin.0 + boundary.first().copied().unwrap_or(0.0),
                    origin.1 + boundary.get(1).copied().unwrap_or(0.0),
                );
                collect_runs(
                    unit,
                    offset,
                    child_hidden,
                    composites,
                    composite_depth + 1,
                    runs,
                );
            }
            // Resources are reached through CompositeObject, not in place.
            "PageRes" | "Template" | "Area" | "AbbreviatedData" => {}
            _ => collect_runs(
                child,
                origin,
                child_hidden,
                composites,
                composite_depth,
                runs,
            ),
        }
    }
}

fn text_object(object: &Element, origin: (f64, f64), hidden: bool, runs: &mut Vec<Run>) {
    let boundary = numbers(object.attr("Boundary").unwrap_or(""));
    let base = (
        origin.0 + boundary.first().copied().unwrap_or(0.0),
        origin.1 + boundary.get(1).copied().unwrap_or(0.0),
    );
    let transform = Transform::parse(object.attr("CTM"));
    let size = object
        .attr("Size")
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(3.5);
    let shown_size = size * transform.scale();
    let (mut cursor_x, mut cursor_y) = (0.0, 0.0);
    for code in object.children_named("TextCode") {
        let x = code
            .attr("X")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(cursor_x);
        let y = code
            .attr("Y")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(cursor_y);
        let text: String = code
            .text()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let deltas = deltas(code.attr("DeltaX").unwrap_or(""));
        let characters: Vec<char> = text.chars().collect();
        let mut advance = 0.0;
        for (index, c) in characters.iter().enumerate() {
            advance += match deltas.get(index) {
                Some(delta) if index + 1 < characters.len() => *delta,
                _ => glyph_width(*c, size),
            };
        }
        let (start_x, start_y) = transform.apply(x, y);
        let (end_x, _) = transform.apply(x + advance, y);
        runs.push(Run {
            x: base.0 + start_x.min(end_x),
            y: base.1 + start_y,
            end_x: base.0 + start_x.max(end_x),
            size: shown_size,
            text,
            hidden,
        });
        cursor_x = x + advance;
        cursor_y = y;
    }
}

fn glyph_width(c: char, size: f64) -> f64 {
    if c.is_ascii() { size * 0.5 } else { size }
}

/// Rebuilds lines from runs: the same baseline (within a fraction of the
/// font size) is one line, read left to right; a gap wider than one and a
/// half characters becomes `\t` (a column or table-cell boundary), a smaller
/// visible gap a space.
fn lines(mut runs: Vec<Run>) -> Vec<String> {
    runs.retain(|run| !run.text.trim().is_empty() && run.y.is_finite() && run.x.is_finite());
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut grouped: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match grouped.last_mut() {
            Some(line) if same_baseline(&line[0], &run) => line.push(run),
            _ => grouped.push(vec![run]),
        }
    }
    grouped
        .into_iter()
        .map(|mut line| {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            join_line(&line)
        })
        .filter(|line| !line.is_empty())
        .collect()
}

fn same_baseline(first: &Run, run: &Run) -> bool {
    let tolerance = 0.4 * first.size.min(run.size).max(0.5);
    (run.y - first.y).abs() <= tolerance
}

fn join_line(line: &[Run]) -> String {
    let mut text = String::new();
    let mut previous: Option<&Run> = None;
    for run in line {
        if let Some(before) = previous {
            let gap = run.x - before.end_x;
            let size = before.size.min(run.size).max(0.1);
            // The same text drawn twice at nearly the same place (fake bold,
            // shadow) is one text.
            if run.text == before.text && (run.x - before.x).abs() < 0.5 * size {
                continue;
            }
            if gap > 1.5 * size {
                text.push('\t');
            } else if gap > 0.25 * size
                && !text.ends_with(char::is_whitespace)
                && !run.text.starts_with(char::is_whitespace)
            {
                text.push(' ');
            }
        }
        text.push_str(&run.text);
        previous = Some(run);
    }
    text.trim().to_owned()
}

/// Expands an OFD `DeltaX` list, where `g N v` stands for N times `v`.
fn deltas(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut tokens = text.split_whitespace();
    while let Some(token) = tokens.next() {
        if token == "g" {
            let count = tokens.next().and_then(|t| t.parse::<usize>().ok());
            let value = tokens.next().and_then(|t| t.parse::<f64>().ok());
            if let (Some(count), Some(value)) = (count, value) {
                // A hostile count must not allocate without bound; no run of
                // text is longer than the part it came from.
                let count = count.min(100_000);
                out.extend(std::iter::repeat_n(value, count));
            }
        } else if let Ok(value) = token.parse::<f64>() {
            out.push(value);
        }
        if out.len() > 1_000_000 {
            break;
        }
    }
    out
}

fn numbers(text: &str) -> Vec<f64> {
    text.split([' ', ',', '\t', '\n', '\r'])
        .filter(|t| !t.is_empty())
        .filter_map(|t| t.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .collect()
}

fn collect_composites(resources: &Element, into: &mut HashMap<String, Element>) {
    for unit in resources.descendants_named("CompositeGraphicUnit") {
        if let (Some(id), Some(content)) = (unit.attr("ID"), unit.child("Content")) {
            into.insert(id.to_owned(), content.clone());
        }
    }
}

fn attachment_file_name(name: &str, format: &str) -> String {
    if format.is_empty()
        || name
            .to_lowercase()
            .ends_with(&format!(".{}", format.to_lowercase()))
    {
        name.to_owned()
    } else {
        format!("{name}.{format}")
    }
}

fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// Collapses whitespace runs (including newlines) to single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parent_dir(entry: &str) -> String {
    match entry.rsplit_once('/') {
        Some((dir, _)) => dir.to_owned(),
        None => String::new(),
    }
}

fn join(dir: &str, reference: &str) -> String {
    if dir.is_empty() {
        normalise_path(reference)
    } else {
        normalise_path(&format!("{dir}/{reference}"))
    }
}

/// Resolves `.` and `..` and turns backslashes into slashes.
fn normalise_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for piece in path.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::ExtractionStatus;
    use crate::extract::limits::{Deadline, Limits};

    fn read(bytes: &[u8]) -> Extraction {
        read_with(bytes, Deadline::never())
    }

    fn read_with(bytes: &[u8], deadline: Deadline) -> Extraction {
        let limits = Limits::default();
        crate::extract::testing::run(extract, "fixture.ofd", bytes, &limits, deadline)
    }

    fn segment<'e>(extraction: &'e Extraction, part: Part, needle: &str) -> &'e Segment {
        crate::extract::testing::segment_with(extraction, part, needle)
    }

    #[test]
    fn planted_markings_land_in_their_parts() {
        let extraction = read(include_bytes!("../../fixtures/ofd/planted.ofd"));
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(extraction.pages, Some(2));
        let body = segment(&extraction, Part::Body, "秘密★1年");
        assert_eq!(body.page, Some(1));
        // Runs on one baseline are one line, in reading order, the wide gap
        // a tab; the template's text belongs to the page that uses it.
        assert!(body.text.contains("联系人：\t张三"), "{}", body.text);
        assert!(body.text.contains("模板页脚：内部资料"));
        assert_eq!(segment(&extraction, Part::Body, "第二页正文").page, Some(2));
        assert!(!body.text.contains("隐藏对象文字"));
        assert_eq!(
            segment(&extraction, Part::Hidden, "隐藏对象文字").page,
            Some(1)
        );
        let watermark = segment(&extraction, Part::Annotation, "内部资料");
        assert_eq!(watermark.page, Some(2));
        assert_eq!(
            watermark.text, "内部资料",
            "a tiled watermark is reported once"
        );
        assert!(watermark.label.as_deref().unwrap().contains("李四"));
        assert_eq!(
            segment(&extraction, Part::Annotation, "此段不宜公开").page,
            Some(2)
        );
        assert_eq!(
            segment(&extraction, Part::Metadata, "张三")
                .label
                .as_deref(),
            Some("author")
        );
        segment(&extraction, Part::Metadata, "工作秘密");
        segment(&extraction, Part::Metadata, "密级\t秘密");
        segment(&extraction, Part::Metadata, "不予公开");
        segment(&extraction, Part::Attachment, "11010519491231002X");
        segment(&extraction, Part::Hidden, "未引用页面里的文字");
        let rules: Vec<&str> = extraction.notices.iter().map(|n| n.rule.as_str()).collect();
        for rule in [
            "hidden.ofd.invisible-objects",
            "hidden.ofd.annotations",
            "hidden.ofd.watermark",
            "hidden.ofd.unreferenced-part",
        ] {
            assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
        }
    }

    #[test]
    fn conformance_oddities_are_read() {
        let extraction = read(include_bytes!("../../fixtures/ofd/odd_paths.ofd"));
        assert_eq!(
            extraction.status(),
            ExtractionStatus::Complete,
            "{:?}",
            extraction.problems
        );
        assert_eq!(segment(&extraction, Part::Body, "机密★10年").page, Some(1));
    }

    #[test]
    fn glyph_codes_are_partial() {
        let extraction = read(include_bytes!("../../fixtures/ofd/glyph_codes.ofd"));
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(extraction.problems[0].message.contains("private-use"));
        segment(&extraction, Part::Body, "可读文字");
    }

    #[test]
    fn missing_page_and_unreadable_attachment_are_partial() {
        let extraction = read(include_bytes!("../../fixtures/ofd/damaged.ofd"));
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        let messages: Vec<&str> = extraction
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("page 2") && m.contains("missing")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("附件1")), "{messages:?}");
        segment(&extraction, Part::Body, "第一页");
        segment(&extraction, Part::Attachment, "附件1");
    }

    #[test]
    fn broken_packages_fail_with_a_reason() {
        let not_zip = read(b"%not a zip at all");
        assert_eq!(not_zip.status(), ExtractionStatus::Failed);
        assert!(not_zip.problems[0].message.contains("zip"));

        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        writer
            .start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.finish().unwrap();
        let no_entry = read(&buffer.into_inner());
        assert_eq!(no_entry.status(), ExtractionStatus::Failed);
        assert!(no_entry.problems[0].message.contains("OFD.xml"));
    }

    #[test]
    fn truncated_packages_never_pass() {
        let bytes = include_bytes!("../../fixtures/ofd/planted.ofd");
        for cut in (0..bytes.len()).step_by(97) {
            let extraction = read(&bytes[..cut]);
            assert_ne!(
                extraction.status(),
                ExtractionStatus::Complete,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_passed_deadline_stops_reading() {
        let deadline = Deadline::after(std::time::Duration::ZERO);
        let extraction = read_with(include_bytes!("../../fixtures/ofd/planted.ofd"), deadline);
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
        assert!(
            extraction
                .problems
                .iter()
                .any(|p| p.message.contains("time budget"))
        );
    }

    fn run(x: f64, y: f64, text: &str) -> Run {
        Run {
            x,
            y,
            end_x: x + 4.0 * text.chars().count() as f64,
            size: 4.0,
            text: text.to_owned(),
            hidden: false,
        }
    }

    #[test]
    fn delta_lists_expand() {
        assert_eq!(deltas("g 3 1.5 2"), vec![1.5, 1.5, 1.5, 2.0]);
        assert_eq!(deltas("1 g x"), vec![1.0]);
        assert_eq!(deltas("g 99999999999 1").len(), 100_000);
    }

    #[test]
    fn runs_on_one_baseline_make_one_line() {
        let lines = lines(vec![
            run(60.0, 20.1, "张三"),
            run(10.0, 20.0, "姓名："),
            run(10.0, 30.0, "第二行"),
            run(22.5, 20.0, "（男）"),
        ]);
        assert_eq!(lines, ["姓名：（男）\t张三", "第二行"]);
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(join("Doc_0", "../OFD.xml"), "OFD.xml");
        assert_eq!(
            join("Doc_0/Annots", "./Page_0/A.xml"),
            "Doc_0/Annots/Page_0/A.xml"
        );
        assert_eq!(parent_dir("Doc_0/Document.xml"), "Doc_0");
        assert_eq!(parent_dir("OFD.xml"), "");
    }

    #[test]
    fn transform_moves_text_positions() {
        let transform = Transform::parse(Some("0.0176 0 0 0.0176 0 0"));
        let (x, y) = transform.apply(0.0, 494.53);
        assert!((x - 0.0).abs() < 1e-9 && (y - 8.7037).abs() < 1e-3);
        assert!((transform.scale() - 0.0176).abs() < 1e-9);
    }
}
