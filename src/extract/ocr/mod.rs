//! The OCR stage: pictures handed over by the readers → `image` segments.
//!
//! Every reader hands the pictures it meets to
//! [`Extraction::push_picture`](crate::extract::document::Extraction::push_picture),
//! located; this stage, run once per document after its reader (inside the
//! same watchdog and time budget), turns each one into text or into a
//! reason. Honesty is the point: every picture ends as exactly one of
//!
//! - **read** — recognised; its text is reviewed as part `image`, labelled
//!   with where the picture is and the mean confidence; a confidence under
//!   [`LOW_CONFIDENCE`] also makes the document `partial` ("OCR confidence
//!   41%: check by eye");
//! - **no text** — judged to hold none ([`judge`]: too small, blank, or
//!   recognised to nothing legible);
//! - **not read** — and the document is `partial` saying why: OCR off
//!   (`--no-ocr`), unavailable (Tesseract or a language's data missing:
//!   "OCR unavailable: install …"), a format not decoded, over
//!   `--max-image-pixels` or `--ocr-max-pages`, out of time.
//!
//! The outcome of each is recorded in
//! [`Extraction::pictures_read`](crate::extract::document::Extraction::pictures_read).
//!
//! The 版头 (the top of the first page) is recognised a second time on its
//! own, as sparse text: page segmentation of a whole 公文 page drops a lone
//! 秘密 at the top left; lines only that pass finds are added.

pub mod crop;
pub mod decode;
pub mod engine;
pub mod judge;
pub mod metadata;
pub mod orient;
pub mod seal;

use crate::extract::document::{
    Category, Extraction, Impact, Notice, Part, PictureOutcome, PictureRecord, Problem, Segment,
    Severity,
};
use crate::extract::limits::{Deadline, Limits};
use crate::extract::ocr::engine::{EngineError, Gray, Layout, Recognised};
use crate::extract::picture::{Picture, PictureFormat, PicturePlace};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// Languages read unless `--ocr-lang` says otherwise.
pub const DEFAULT_LANGUAGES: &str = "chi_sim+eng";
/// Pictures (pages, frames) recognised per document unless
/// `--ocr-max-pages` says otherwise.
pub const DEFAULT_MAX_PAGES: u32 = 100;
/// Mean confidence (0–100) under which a picture's text must be checked by
/// eye: the document is `partial`.
pub const LOW_CONFIDENCE: u8 = 60;
/// The 版头 strip: the top fifth of the first page.
const BANNER_SHARE: u32 = 5;
/// Fewest letters, digits or CJK characters that make recognised text
/// legible; less is stray marks (a logo's edge read as `|`).
const MIN_LEGIBLE: usize = 2;

/// Tesseract languages, `+`-joined as `--ocr-lang` takes them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Languages(String);

impl Languages {
    /// Parses `chi_sim+eng`: names of letters, digits and `_`, joined by `+`.
    pub fn parse(list: &str) -> Result<Languages, String> {
        let names: Vec<&str> = list.split('+').map(str::trim).collect();
        if names.iter().any(|name| {
            name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }) {
            return Err(format!(
                "--ocr-lang {list}: expected Tesseract language names joined by +, such as chi_sim+eng"
            ));
        }
        Ok(Languages(names.join("+")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.split('+')
    }

    /// The Chinese models of the list alone (all of it when it has none):
    /// with `eng` beside them Tesseract reads a line such as 机密★10年 as
    /// Latin letters (`BLE LO4E`), so the 版头, where markings stand, is
    /// read without it.
    /// The vertical models of its Chinese languages (`chi_sim` →
    /// `chi_sim_vert`), for pages written in columns; `None` without
    /// Chinese.
    pub fn vertical(&self) -> Option<Languages> {
        let vertical: Vec<String> = self
            .names()
            .filter(|name| name.starts_with("chi") && !name.ends_with("_vert"))
            .map(|name| format!("{name}_vert"))
            .collect();
        (!vertical.is_empty()).then(|| Languages(vertical.join("+")))
    }

    /// Those of its languages whose data is installed; `None` if none is.
    fn installed(&self) -> Option<Languages> {
        let here: Vec<&str> = self
            .names()
            .filter(|name| Languages::parse(name).is_ok_and(|one| engine::check(&one).is_ok()))
            .collect();
        (!here.is_empty()).then(|| Languages(here.join("+")))
    }

    pub fn chinese(&self) -> Languages {
        let chinese: Vec<&str> = self.names().filter(|n| n.starts_with("chi")).collect();
        if chinese.is_empty() {
            self.clone()
        } else {
            Languages(chinese.join("+"))
        }
    }
}

impl Default for Languages {
    fn default() -> Languages {
        Languages(DEFAULT_LANGUAGES.to_owned())
    }
}

/// Whether and how pictures are read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OcrSettings {
    /// `--no-ocr`: every picture stays unread and the document is `partial`.
    Off,
    On {
        languages: Languages,
        /// Pictures (pages, frames) recognised per document at most.
        max_pages: u32,
    },
}

impl Default for OcrSettings {
    fn default() -> OcrSettings {
        OcrSettings::On {
            languages: Languages::default(),
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

impl OcrSettings {
    /// What changes the text read, for the extraction cache's key.
    pub fn key(&self) -> String {
        match self {
            OcrSettings::Off => "off".into(),
            OcrSettings::On {
                languages,
                max_pages,
            } => format!("{}/{max_pages}/{}", languages.as_str(), engine::version()),
        }
    }
}

/// Where the OCR stage reports how far it has got through a document's
/// pictures: `(picture being read, pictures in all)`. OCR is the slow part
/// of a batch, so the progress line says "OCR page 12/40".
pub type PageProgress = Arc<dyn Fn(usize, usize) + Send + Sync>;

thread_local! {
    static PAGE_PROGRESS: RefCell<Option<PageProgress>> = const { RefCell::new(None) };
}

/// Sets where this thread's OCR stage reports its pages (`None`: nowhere).
/// Readers run on a watchdog's helper thread: the batch sets it on its
/// worker, and the caller of [`recognise`] carries it over with
/// [`page_progress`].
pub fn set_page_progress(progress: Option<PageProgress>) {
    PAGE_PROGRESS.with(|slot| *slot.borrow_mut() = progress);
}

/// Where this thread's OCR stage reports its pages.
pub fn page_progress() -> Option<PageProgress> {
    PAGE_PROGRESS.with(|slot| slot.borrow().clone())
}

/// Turns the pictures `extraction` holds into segments, problems and
/// records, emptying its list. `limits` gives the pixel cap; past
/// `deadline` the remaining pictures are left unread, saying so.
pub fn recognise(
    extraction: &mut Extraction,
    settings: &OcrSettings,
    limits: &Limits,
    deadline: Deadline,
) {
    let pictures = std::mem::take(&mut extraction.pictures);
    if pictures.is_empty() {
        return;
    }
    let has_text = extraction.segments.iter().any(is_document_text);
    let mut stage = Stage {
        out: extraction,
        numbering: HashMap::new(),
        unread: Vec::new(),
        banner_done: false,
        page_picture: false,
        whole_unread: false,
        deadline,
    };
    match settings {
        OcrSettings::Off => {
            for picture in &pictures {
                let mark = stage.mark();
                let place = stage.place(&picture.place);
                stage.metadata(picture, &place);
                stage.not_read(place, "OCR is off (--no-ocr)".into(), Unread::Off);
                stage.unless_read(picture, mark);
            }
        }
        OcrSettings::On {
            languages,
            max_pages,
        } => {
            let mut pages_left = *max_pages as usize;
            let mut unavailable: Option<String> = None;
            let report = page_progress();
            for (number, picture) in pictures.iter().enumerate() {
                if let Some(report) = &report {
                    report(number + 1, pictures.len());
                }
                let mark = stage.mark();
                let place = stage.place(&picture.place);
                stage.metadata(picture, &place);
                if let Some(why) = &unavailable {
                    stage.not_read(place, why.clone(), Unread::Unavailable(why.clone()));
                } else if deadline.passed() {
                    stage.not_read(
                        place,
                        format!(
                            "time budget of {} s exceeded (--timeout) before it was read",
                            limits.time_budget.as_secs()
                        ),
                        Unread::Time,
                    );
                } else if pages_left == 0 {
                    stage.not_read(
                        place,
                        format!("over --ocr-max-pages {max_pages}"),
                        Unread::MaxPages(*max_pages),
                    );
                } else {
                    let read = stage.picture(picture, place, languages, limits, pages_left);
                    pages_left = pages_left.saturating_sub(read.pages);
                    if let Some(why) = read.unavailable {
                        unavailable = Some(why);
                    }
                }
                stage.unless_read(picture, mark);
            }
        }
    }
    stage.summarise(pictures.len(), has_text);
    let whole_unread = stage.whole_unread;
    // A picture file whose picture was not read at all: nothing of the
    // document was read.
    if whole_unread {
        for problem in &mut extraction.problems {
            if problem.part.as_deref() == Some(Part::Image.as_str()) {
                problem.impact = Impact::Failed;
            }
        }
    }
    extraction.compact_problems();
}

/// Why pictures were left unread, for one summary problem per cause.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Unread {
    Off,
    Unavailable(String),
    Time,
    MaxPages(u32),
    /// Its own problem was pushed already.
    Other,
}

struct Stage<'a> {
    out: &'a mut Extraction,
    /// Pictures met so far per (part, page, sheet), to number them.
    numbering: HashMap<(Part, Option<u32>, Option<String>), u32>,
    unread: Vec<Unread>,
    banner_done: bool,
    /// A picture that is the whole document was left entirely unread.
    whole_unread: bool,
    /// The picture being read is a page or the whole document (a scan):
    /// its text is marked so ([`Segment::page_picture`]).
    page_picture: bool,
    /// The document's time budget: past it, a page's reading is kept as
    /// it is, without the further passes that may improve it (turned back,
    /// vertical models, lines re-read), so one long page cannot overrun
    /// the budget into the watchdog and lose what was read.
    deadline: Deadline,
}

/// Where a picture is, in words, and the page its text belongs to.
#[derive(Clone, Debug)]
struct Place {
    /// "header, page 2, image 1, word/media/image1.png".
    words: String,
    page: Option<u32>,
    whole_document: bool,
}

/// What reading one picture used up.
struct Read {
    pages: usize,
    unavailable: Option<String>,
}

impl Stage<'_> {
    /// Where the records and unread causes of the next picture start.
    fn mark(&self) -> (usize, usize) {
        (self.out.pictures_read.len(), self.unread.len())
    }

    /// Reports what the reader says about the place of a picture that was
    /// not read ([`Picture::if_not_read`]): a scanned PDF page whose OCR
    /// failed, was off or ran out of budget still "has no text layer".
    /// The cause is said with it, so no summary repeats it.
    fn unless_read(&mut self, picture: &Picture, (records, unread): (usize, usize)) {
        let Some(message) = &picture.if_not_read else {
            return;
        };
        let reason =
            self.out.pictures_read[records..]
                .iter()
                .find_map(|record| match &record.outcome {
                    PictureOutcome::NotRead { reason } => Some(reason.clone()),
                    _ => None,
                });
        let Some(reason) = reason else {
            return;
        };
        let causes = &mut self.unread[unread..];
        let message = if causes.iter().all(|why| *why == Unread::Other) {
            // The picture's own problem said why already.
            message.clone()
        } else {
            causes.iter_mut().for_each(|why| *why = Unread::Other);
            format!("{message}; not read: {reason}")
        };
        self.out.problems.push(Problem::partial(
            Some(picture.place.part.as_str().to_owned()),
            message,
        ));
    }

    /// The EXIF and XMP of a picture file: its text fields become
    /// `metadata` segments, labelled with the picture and the field; a GPS
    /// position is a finding. Read whether or not OCR is on.
    fn metadata(&mut self, picture: &Picture, place: &Place) {
        if !matches!(
            picture.format,
            PictureFormat::Jpeg
                | PictureFormat::Tiff
                | PictureFormat::Png
                | PictureFormat::WebP
                | PictureFormat::Heic
        ) {
            return;
        }
        let found = metadata::read(&picture.bytes);
        let what = if place.words.is_empty() {
            "the picture".to_owned()
        } else {
            place.words.clone()
        };
        for (field, value) in &found.fields {
            let segment =
                Segment::new(Part::Metadata, value.clone()).with_label(format!("{what}: {field}"));
            self.out.push(match place.page {
                Some(page) => segment.on_page(page),
                None => segment,
            });
        }
        if let Some(history) = &found.history {
            self.out.notices.push(Notice {
                rule: "metadata.image.edit-history".into(),
                category: Category::Metadata,
                severity: Severity::Info,
                message: format!(
                    "the picture's edit history (XMP) says it was {history} ({what}): the original shows more than this picture"
                ),
                part: Part::Metadata,
                page: place.page,
                text: history.clone(),
            });
        }
        if let Some(position) = found.position() {
            self.out.notices.push(Notice {
                rule: "metadata.image.gps".into(),
                category: Category::Metadata,
                severity: Severity::Review,
                message: format!(
                    "photo taken at {position} ({what}): the picture records where it was taken"
                ),
                part: Part::Metadata,
                page: place.page,
                text: position,
            });
        }
    }

    fn place(&mut self, place: &PicturePlace) -> Place {
        if place.whole_page {
            return Place {
                words: place.name.clone(),
                page: place.page,
                whole_document: false,
            };
        }
        if place.whole_document {
            return Place {
                words: String::new(),
                page: place.page,
                whole_document: true,
            };
        }
        let number = self
            .numbering
            .entry((place.part, place.page, place.sheet.clone()))
            .or_insert(0);
        *number += 1;
        let mut words: Vec<String> = Vec::new();
        if place.part != Part::Body {
            words.push(place.part.as_str().to_owned());
        }
        if let Some(sheet) = &place.sheet {
            words.push(format!("sheet {sheet}"));
        }
        if let Some(page) = place.page {
            words.push(format!("page {page}"));
        }
        words.push(format!("image {number}"));
        if let Some(role) = &place.role {
            words.push(role.clone());
        }
        if !place.name.is_empty() {
            words.push(place.name.clone());
        }
        Place {
            words: words.join(", "),
            page: place.page,
            whole_document: false,
        }
    }

    fn record(&mut self, words: &str, outcome: PictureOutcome) {
        self.out.pictures_read.push(PictureRecord {
            picture: if words.is_empty() {
                "the picture".into()
            } else {
                words.to_owned()
            },
            outcome,
        });
    }

    fn not_read(&mut self, place: Place, reason: String, why: Unread) {
        if place.whole_document && place.page.is_none() {
            self.whole_unread = true;
        }
        self.record(&place.words, PictureOutcome::NotRead { reason });
        self.unread.push(why);
    }

    /// A problem about one picture, which the summary does not repeat.
    fn problem(&mut self, words: &str, message: String) {
        let message = if words.is_empty() {
            message
        } else {
            format!("{words}: {message}")
        };
        self.out.problems.push(Problem::partial(
            Some(Part::Image.as_str().to_owned()),
            message,
        ));
    }

    fn picture(
        &mut self,
        picture: &Picture,
        place: Place,
        languages: &Languages,
        limits: &Limits,
        pages_left: usize,
    ) -> Read {
        let mut read = Read {
            pages: 0,
            unavailable: None,
        };
        self.page_picture = picture.place.whole_page || picture.place.whole_document;
        if !picture.format.is_decodable() {
            let why = format!(
                "{} picture not read: prepub does not turn it into pixels for OCR; check it by hand",
                picture.format
            );
            self.problem(&place.words, why.clone());
            self.not_read(place, why, Unread::Other);
            return read;
        }
        let decoded = match decode::decode(picture, limits.max_image_pixels, pages_left) {
            Ok(decoded) => decoded,
            Err(why) => {
                let why = format!("not read by OCR: {why}; check it by hand");
                self.problem(&place.words, why.clone());
                self.not_read(place, why, Unread::Other);
                return read;
            }
        };
        let frames = decoded.frames.len();
        let several = frames + decoded.frames_left + decoded.failures.len() > 1;
        for failure in &decoded.failures {
            self.problem(&place.words, format!("not read: {failure}"));
        }
        for (index, frame) in decoded.frames.iter().enumerate() {
            let number = index as u32 + 1;
            let (words, page) = if place.whole_document {
                let page = if several { Some(number) } else { place.page };
                (page.map(|p| format!("page {p}")).unwrap_or_default(), page)
            } else if several {
                (format!("{}, frame {number}", place.words), place.page)
            } else {
                (place.words.clone(), place.page)
            };
            if place.whole_document && several {
                self.out.pages = Some(self.out.pages.unwrap_or(0).max(number));
            }
            read.pages += 1;
            let red = decoded
                .red
                .iter()
                .find(|(of, _)| *of == index)
                .map(|(_, layer)| layer);
            let blank = judge::no_text(frame);
            let result = match (blank, red) {
                (Some(why), None) => {
                    self.record(&words, PictureOutcome::NoText { reason: why });
                    continue;
                }
                // Only red ink (a stamp on its own): the red is read.
                (Some(_), Some(red)) => self.red_layer(red, &words, page, languages),
                (None, red) => self.frame(frame, &words, page, languages).and_then(|()| {
                    red.map_or(Ok(()), |red| self.red_layer(red, &words, page, languages))
                }),
            };
            match result {
                Ok(()) => {}
                Err(EngineError::Unavailable(why)) => {
                    let frame_place = Place {
                        words,
                        page,
                        whole_document: place.whole_document,
                    };
                    self.not_read(frame_place, why.clone(), Unread::Unavailable(why.clone()));
                    read.unavailable = Some(why);
                    return read;
                }
                Err(EngineError::Failed(why)) => {
                    let why = format!("not read: {why}");
                    self.problem(&words, why.clone());
                    let frame_place = Place {
                        words,
                        page,
                        whole_document: place.whole_document,
                    };
                    self.not_read(frame_place, why, Unread::Other);
                }
            }
        }
        if decoded.frames_left > 0 {
            let why = format!(
                "{} more pages or frames not read: over --ocr-max-pages",
                decoded.frames_left
            );
            self.problem(&place.words, why.clone());
            // Some pages were read: the document is partial, not failed.
            self.record(&place.words, PictureOutcome::NotRead { reason: why });
        }
        read
    }

    /// Recognises the red seals and stamps of a frame ([`seal`]), each cut
    /// out and turned upright, as blocks of their own.
    fn red_layer(
        &mut self,
        red: &Gray,
        words: &str,
        page: Option<u32>,
        languages: &Languages,
    ) -> Result<(), EngineError> {
        for (number, patch) in seal::patches(red).into_iter().enumerate() {
            let piece = seal::cut(red, patch);
            let (upright, degrees) = seal::upright(&piece);
            let mut what = format!("red seal or stamp {}", number + 1);
            if degrees != 0 {
                what.push_str(&format!(", turned {}°", -degrees));
            }
            let words = if words.is_empty() {
                what
            } else {
                format!("{words}, {what}")
            };
            let recognised = engine::recognise(languages, &upright, Layout::Block)?;
            let text = recognised.text();
            let Some(confidence) =
                self.legible(&words, recognised.confidence(), legible_chars(&text), &text)
            else {
                continue;
            };
            // The ring of a round seal (公章) reads as low-confidence noise
            // on every sealed page; a stamp OCR can read (内部资料, 机密)
            // reads confidently. A doubtful reading is kept — and the page
            // checked by eye — only when it holds a character of a marking.
            if confidence < LOW_CONFIDENCE && !seal::may_be_marking(&text) {
                self.no_text(
                    &words,
                    format!(
                        "a seal or stamp whose text OCR cannot read (confidence {confidence}%, no character of a marking)"
                    ),
                );
                continue;
            }
            // Located at the patch: the lines were read turned upright.
            let lines = recognised.text().lines().count().max(1);
            let place = [patch.x, patch.y, patch.width, patch.height];
            let picture = crop::line(red, place).unwrap_or_default();
            let mut segment = Segment::new(Part::Image, text)
                .with_label(format!("{words} (OCR, confidence {confidence}%)"))
                .with_boxes(vec![place; lines])
                .with_crops(vec![picture; lines])
                .from_page_picture(self.page_picture);
            if let Some(page) = page {
                segment = segment.on_page(page);
            }
            self.out.push(segment);
            self.read(&words, confidence);
        }
        Ok(())
    }

    /// The confidence of a reading that holds legible text; otherwise
    /// records the picture as holding none (OCR found nothing, or fewer
    /// than [`MIN_LEGIBLE`] letters, digits or characters) and `None`.
    fn legible(
        &mut self,
        words: &str,
        confidence: Option<u8>,
        legible: usize,
        text: &str,
    ) -> Option<u8> {
        let Some(confidence) = confidence else {
            self.no_text(words, "OCR found no text".into());
            return None;
        };
        if legible < MIN_LEGIBLE {
            self.no_text(
                words,
                format!("OCR found only stray marks, no legible text ({text:?})"),
            );
            return None;
        }
        Some(confidence)
    }

    fn no_text(&mut self, words: &str, reason: String) {
        self.record(words, PictureOutcome::NoText { reason });
    }

    /// Records a picture read with `confidence`; under [`LOW_CONFIDENCE`]
    /// the document is also `partial`, to be checked by eye.
    fn read(&mut self, words: &str, confidence: u8) {
        if confidence < LOW_CONFIDENCE {
            self.problem(words, format!("OCR confidence {confidence}%: check by eye"));
        }
        self.record(words, PictureOutcome::Read { confidence });
    }

    /// Recognises one frame: its text, and the 版头 on its own when this is
    /// the document's first page.
    fn frame(
        &mut self,
        frame: &Gray,
        words: &str,
        page: Option<u32>,
        languages: &Languages,
    ) -> Result<(), EngineError> {
        // A page read confidently as it is, is upright: most are, and the
        // orientation pass costs about a third of a page's reading. A page
        // read doubtfully may be sideways or upside down: turned upright by
        // the orientation model, it is read again, and the better reading
        // kept.
        let mut recognised = engine::recognise(languages, frame, Layout::Page)?;
        let mut turned = None;
        if below(&recognised, UPRIGHT_CONFIDENCE)
            && !self.deadline.passed()
            && let Some((upright, degrees)) = orient::upright(frame)
        {
            let again = engine::recognise(languages, &upright, Layout::Page)?;
            if again.confidence() >= recognised.confidence() {
                recognised = again;
                turned = Some((upright, degrees));
            }
        }
        let turned_words;
        let (frame, words) = match &turned {
            Some((upright, degrees)) => {
                turned_words = if words.is_empty() {
                    format!("turned {degrees}°")
                } else {
                    format!("{words}, turned {degrees}°")
                };
                (upright, turned_words.as_str())
            }
            None => (frame, words),
        };
        // A page written in columns (竖排) reads as noise across: the
        // vertical models read it, when they are installed and read better.
        let mut columns = false;
        if below(&recognised, LOW_CONFIDENCE)
            && !self.deadline.passed()
            && let Some(vertical) = languages.vertical().and_then(|v| v.installed())
        {
            let down = engine::recognise(&vertical, frame, Layout::Columns)?;
            if better(&down, &recognised) {
                recognised = down;
                columns = true;
            }
        }
        let strip =
            (!self.banner_done && !columns && is_page_like(frame)).then(|| top_strip(frame));
        if !columns {
            // The 版头 is read again with the Chinese models below; only
            // the lines under it are re-read one by one.
            let below_banner = strip.as_ref().map_or(0, |strip| strip.height);
            reread_latin_lines(
                &mut recognised,
                frame,
                languages,
                below_banner,
                self.deadline,
            )?;
        }
        let banner = match &strip {
            Some(strip) => {
                self.banner_done = true;
                Some(engine::recognise(
                    &languages.chinese(),
                    strip,
                    Layout::Block,
                )?)
            }
            None => None,
        };
        let banner_lines = Recognised {
            lines: banner
                .as_ref()
                .map(|banner| lines_not_in(banner, &recognised))
                .unwrap_or_default()
                .into_iter()
                .cloned()
                .collect(),
        };
        let at = |words: &str, suffix: &str| {
            let mut label = words.to_owned();
            if !suffix.is_empty() {
                if !label.is_empty() {
                    label.push_str(", ");
                }
                label.push_str(suffix);
            }
            label
        };
        let text = recognised.text();
        let legible = legible_chars(&text) + legible_chars(&banner_lines.text());
        let Some(confidence) = self.legible(
            words,
            recognised.confidence().or(banner_lines.confidence()),
            legible,
            &text,
        ) else {
            return Ok(());
        };
        // Only for a picture among a document's content: a page drawn
        // because it has no text layer (a scan, text turned to outlines) or
        // a picture that is the whole document was expected to hold text,
        // so a doubtful reading of it is unread, never "no text".
        if confidence < LOW_CONFIDENCE
            && !self.page_picture
            && banner_lines.lines.is_empty()
            && scattered(&text)
        {
            self.no_text(
                words,
                format!(
                    "OCR found only scattered marks at confidence {confidence}%, no word of text (a photo, a seal's ring)"
                ),
            );
            return Ok(());
        }
        let label = |words: &str, confidence: u8| {
            if words.is_empty() {
                format!("OCR, confidence {confidence}%")
            } else {
                format!("{words} (OCR, confidence {confidence}%)")
            }
        };
        let with_page = |segment: Segment| match page {
            Some(page) => segment.on_page(page),
            None => segment,
        };
        if let Some(banner_confidence) = banner_lines.confidence() {
            self.out.push(with_page(
                Segment::new(Part::Image, banner_lines.text())
                    .with_label(label(
                        &at(words, "top of the page, 版头"),
                        banner_confidence,
                    ))
                    .with_boxes(boxes(&banner_lines))
                    .with_crops(crops(frame, &banner_lines))
                    .from_page_picture(self.page_picture),
            ));
        }
        self.out.push(with_page(
            Segment::new(Part::Image, text)
                .with_label(label(words, confidence))
                .with_boxes(boxes(&recognised))
                .with_crops(crops(frame, &recognised))
                .from_page_picture(self.page_picture),
        ));
        self.read(words, confidence);
        Ok(())
    }

    /// One problem per cause that left pictures unread without a problem
    /// of their own.
    fn summarise(&mut self, total: usize, has_text: bool) {
        let mut causes: Vec<(Unread, usize)> = Vec::new();
        for why in std::mem::take(&mut self.unread) {
            if why == Unread::Other {
                continue;
            }
            match causes.iter_mut().find(|(cause, _)| *cause == why) {
                Some((_, count)) => *count += 1,
                None => causes.push((why, 1)),
            }
        }
        for (cause, count) in causes {
            let pictures = if count == 1 {
                "1 picture".to_owned()
            } else {
                format!("{count} pictures")
            };
            let message = match cause {
                Unread::Off if !has_text && count == total => format!(
                    "no text: the document holds {pictures} and no text; needs OCR or manual review (OCR is off: --no-ocr)"
                ),
                Unread::Off => {
                    format!("{pictures} not read: OCR is off (--no-ocr); check them by hand")
                }
                Unread::Unavailable(why) => format!("{why} ({pictures} not read)"),
                Unread::Time => format!(
                    "time budget exceeded (--timeout) before OCR: {pictures} not read; check them by hand"
                ),
                Unread::MaxPages(max) => format!(
                    "{pictures} not read: over the --ocr-max-pages limit of {max} per document; check them by hand"
                ),
                Unread::Other => continue,
            };
            self.out.problems.push(Problem::partial(
                Some(Part::Image.as_str().to_owned()),
                message,
            ));
        }
    }
}

/// Whether a segment is text of the document, not a name or property the
/// document carries around it.
pub fn is_document_text(segment: &Segment) -> bool {
    !matches!(segment.part, Part::Metadata | Part::Filename)
        && segment.label.as_deref() != Some("alt text")
        && !segment.text.trim().is_empty()
}

/// Whether `recognised` read nothing or read it with a mean confidence
/// under `confidence`.
fn below(recognised: &Recognised, confidence: u8) -> bool {
    recognised.confidence().is_none_or(|read| read < confidence)
}

/// Whether `a` is a clearly better reading than `b`: 10 points more
/// confident, with as much legible text.
fn better(a: &Recognised, b: &Recognised) -> bool {
    let (Some(ca), cb) = (a.confidence(), b.confidence()) else {
        return false;
    };
    let legible = |r: &Recognised| legible_chars(&r.text());
    ca >= cb.unwrap_or(0).saturating_add(10) && legible(a) * 2 >= legible(b)
}

/// Most lines of one page re-read by [`reread_latin_lines`].
const MAX_REREAD_LINES: usize = 24;

/// Whether a line of a Chinese page may have been taken over by the `eng`
/// model: three or more letters in Latin words
/// ([`engine::Line::latin_letters`]). Re-reading a line that really is
/// Latin costs a little time and changes nothing: the Chinese models read
/// Latin letters too, and the reading is kept only when it holds more
/// Chinese characters.
fn taken_over(line: &engine::Line) -> bool {
    line.latin_letters >= 3
}

/// Lines of a Chinese page that `eng`, read beside the Chinese model, took
/// over (`一 BRAD KE SHES 11010519491231002X` for 二、联系人：张三，身份证号
/// 11010519491231002X) are read again on their own with the Chinese models
/// alone, and the reading kept where it is as confident and holds more
/// Chinese characters. Lines above `from_row` are left: the 版头 strip is
/// read again as a whole with the Chinese models ([`lines_not_in`] keeps
/// what that reading adds), and one line read twice over could lose the
/// better of two Chinese readings of a marking. Measured on bench/ocr.sh's pictures: 1 − CER rose
/// from 0.736 to 0.891 on the scan at 300 dpi (the command line: 0.876),
/// 0.868 → 0.915 and 0.915 → 0.961 at 150 dpi, the rest unchanged. A Latin
/// page is left as read.
fn reread_latin_lines(
    recognised: &mut Recognised,
    frame: &Gray,
    languages: &Languages,
    from_row: u32,
    deadline: Deadline,
) -> Result<(), EngineError> {
    let chinese = languages.chinese();
    if chinese == *languages {
        return Ok(());
    }
    let text = recognised.text();
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    if wide_chars(&text) < 10 || wide_chars(&text) < latin {
        return Ok(());
    }
    let suspects: Vec<usize> = (0..recognised.lines.len())
        .filter(|&i| {
            let line = &recognised.lines[i];
            taken_over(line) && line.rect.top + line.rect.height / 2 >= from_row
        })
        .take(MAX_REREAD_LINES)
        .collect();
    for index in suspects {
        if deadline.passed() {
            break;
        }
        let line = &recognised.lines[index];
        let strip = line_strip(frame, line.rect);
        let again = engine::recognise(&chinese, &strip, Layout::Block)?;
        let (Some(confidence), read) = (again.confidence(), again.text()) else {
            continue;
        };
        let read = read.replace('\n', " ");
        if f32::from(confidence) >= line.confidence.floor()
            && wide_chars(&read) > wide_chars(&line.text)
        {
            let line = &mut recognised.lines[index];
            line.chars = read.chars().filter(|c| !c.is_whitespace()).count();
            line.text = read;
            line.confidence = f32::from(confidence);
            line.latin_letters = 0;
        }
    }
    Ok(())
}

/// The strip of `frame` a line sits in, with a margin of a quarter of its
/// height above and below and of its height to the sides, so the engine
/// sees whole characters.
fn line_strip(frame: &Gray, rect: engine::Rect) -> Gray {
    let margin_y = rect.height / 4 + 2;
    let margin_x = rect.height + 2;
    let left = rect
        .left
        .saturating_sub(margin_x)
        .min(frame.width.saturating_sub(1));
    let top = rect
        .top
        .saturating_sub(margin_y)
        .min(frame.height.saturating_sub(1));
    let right = (rect.left + rect.width + margin_x)
        .min(frame.width)
        .max(left + 1);
    let bottom = (rect.top + rect.height + margin_y)
        .min(frame.height)
        .max(top + 1);
    let (width, height) = (right - left, bottom - top);
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for row in top..bottom {
        let start = row as usize * frame.width as usize + left as usize;
        pixels.extend_from_slice(&frame.pixels[start..start + width as usize]);
    }
    Gray {
        width,
        height,
        pixels,
    }
}

/// Confidence at which a page read as it is counts as upright, so its
/// orientation is not looked for. Measured on bench/ocr.sh's pictures:
/// upright pages read at 67–91%, the sideways fixture at about 32%.
const UPRIGHT_CONFIDENCE: u8 = 65;

/// A scan or photo of a page: portrait and tall enough to have a 版头.
fn is_page_like(frame: &Gray) -> bool {
    frame.height >= 400 && frame.height > frame.width
}

/// The top of a page down to a blank row near a fifth of its height, so
/// the strip does not cut through the title under the 版头.
fn top_strip(frame: &Gray) -> Gray {
    let width = frame.width as usize;
    let target = (frame.height / BANNER_SHARE) as usize;
    let ink_in = |row: usize| {
        frame.pixels[row * width..(row + 1) * width]
            .iter()
            .filter(|&&v| v < 128)
            .count()
    };
    let (from, to) = (frame.height as usize / 8, frame.height as usize * 3 / 10);
    let height = (from..to)
        .filter(|&row| ink_in(row) == 0)
        .min_by_key(|&row| row.abs_diff(target))
        .unwrap_or(target)
        .max(1);
    Gray {
        width: frame.width,
        height: height as u32,
        pixels: frame.pixels[..(height * width).min(frame.pixels.len())].to_vec(),
    }
}

/// Lines of the 版头 pass that the page pass did not read the same, in
/// order.
///
/// Where the page pass read nothing (page segmentation dropped a lone
/// 秘密), the 版头 line is new. Where it read something else at the same
/// place as Latin letters (`BLE LO4E` for 机密★10年: `eng` beside the
/// Chinese model took the line over), the 版头 reading is kept too when it
/// is confident and holds more Chinese characters. Two Chinese readings of
/// one line are not both kept (one line, one finding).
fn lines_not_in<'a>(banner: &'a Recognised, page: &Recognised) -> Vec<&'a engine::Line> {
    let squeeze = |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).collect() };
    banner
        .lines
        .iter()
        .filter(|line| legible_chars(&line.text) > 0)
        .filter(|line| {
            let area = u64::from(line.rect.width) * u64::from(line.rect.height);
            let covering: Vec<&engine::Line> = page
                .lines
                .iter()
                .filter(|read| overlap(read.rect, line.rect) * 2 >= area.max(1))
                .collect();
            if covering.is_empty() {
                return true;
            }
            let read: String = covering.iter().map(|l| squeeze(&l.text)).collect();
            !read.contains(&squeeze(&line.text))
                && line.confidence >= f32::from(LOW_CONFIDENCE)
                && wide_chars(&line.text) > wide_chars(&read)
        })
        .collect()
}

/// A small picture of each recognised line ([`crop::line`]), in the order
/// of the text's lines (empty where none could be made).
fn crops(frame: &Gray, recognised: &Recognised) -> Vec<Vec<u8>> {
    recognised
        .lines
        .iter()
        .map(|line| {
            let rect = line.rect;
            crop::line(frame, [rect.left, rect.top, rect.width, rect.height]).unwrap_or_default()
        })
        .collect()
}

/// The box of each recognised line, in the order of the text's lines.
fn boxes(recognised: &Recognised) -> Vec<[u32; 4]> {
    recognised
        .lines
        .iter()
        .map(|line| {
            let rect = line.rect;
            [rect.left, rect.top, rect.width, rect.height]
        })
        .collect()
}

/// Pixels two rectangles share.
fn overlap(a: engine::Rect, b: engine::Rect) -> u64 {
    let left = a.left.max(b.left);
    let right = (a.left + a.width).min(b.left + b.width);
    let top = a.top.max(b.top);
    let bottom = (a.top + a.height).min(b.top + b.height);
    u64::from(right.saturating_sub(left)) * u64::from(bottom.saturating_sub(top))
}

fn wide_chars(text: &str) -> usize {
    text.chars().filter(|&c| engine::is_wide(c)).count()
}

fn legible_chars(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Fewest letters, digits or CJK characters in a row that make a word of
/// text in a doubtful reading.
const MIN_WORD: usize = 5;

/// Whether a doubtful reading is scattered marks, not text: no run of
/// [`MIN_WORD`] legible characters (a picture read at 13% as `理忆这证` has
/// runs of four), no character of a marking and no run
/// of six digits (an ID or phone number read badly must be checked).
/// Measured on the corpus: a photo of fruit read as `-人 人/全 全-` at 23%,
/// a blue company seal as `公司 \> 全局 从 下梢一` at 14%; the sample pages
/// of a standard read at 29–49% have runs of ten and more.
fn scattered(text: &str) -> bool {
    let longest = |keep: fn(char) -> bool| {
        let (mut best, mut run) = (0, 0);
        for ch in text.chars() {
            run = if keep(ch) { run + 1 } else { 0 };
            best = best.max(run);
        }
        best
    };
    longest(char::is_alphanumeric) < MIN_WORD
        && longest(|c| c.is_ascii_digit()) < 6
        && !seal::may_be_marking(text)
}

#[cfg(test)]
mod tests;
