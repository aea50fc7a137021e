//! The OCR engine: Tesseract 5 through the `tesseract` crate's plumbing.
//!
//! The only module that knows Tesseract. The stage gives it a grey image and
//! a [`Layout`] and gets back [`Recognised`] lines with their boxes and
//! confidences, or an [`EngineError`] saying why not; swapping the engine
//! means rewriting this file and nothing else.
//!
//! One engine per thread, initialised on first use and kept: loading the
//! Chinese model takes longer than reading a page, and a `TessBaseAPI` must
//! not be shared between threads. Documents are read on the watchdog's
//! helper threads, one per worker, so a batch loads the model once per
//! worker, not once per picture.

use crate::extract::ocr::Languages;
use std::cell::RefCell;
use std::ffi::CString;
use std::path::{Path, PathBuf};
use tesseract::plumbing::TessBaseApi;
use tesseract::plumbing::tesseract_sys;

/// How Tesseract should find text in an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Whole pages and pictures: automatic page segmentation (`--psm 3`).
    Page,
    /// A strip such as the 版头, read as one block of lines (`--psm 6`):
    /// no page layout analysis to drop a lone 秘密 at the left.
    Block,
    /// A page written in columns top to bottom (竖排), read with the
    /// vertical models as one block of vertical text (`--psm 5`).
    Columns,
}

/// A grey image, one byte per pixel, rows without padding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// A rectangle in pixels of the recognised image.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rect {
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

/// One line of recognised text.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub text: String,
    /// Where the line is in the image, for locating findings.
    pub rect: Rect,
    /// Mean confidence of its words (0–100), weighted by their length.
    pub confidence: f32,
    /// Characters of the line, the weight of its confidence.
    pub chars: usize,
    /// Letters of the line in Latin words (two letters or more): on a
    /// Chinese page, the mark of the `eng` model taking over a line
    /// (`BRAD KE SHES` for 联系人：张三，身份证号 — read at up to 91%, so
    /// the words' confidence does not tell).
    pub latin_letters: usize,
}

/// Letters of `word` when it is a Latin word: ASCII only, two letters or
/// more.
fn latin_letters(word: &str) -> usize {
    let letters = word.chars().filter(char::is_ascii_alphabetic).count();
    if letters >= 2 && word.is_ascii() {
        letters
    } else {
        0
    }
}

/// What the engine read from one image: lines in reading order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recognised {
    pub lines: Vec<Line>,
}

impl Recognised {
    /// The text, one recognised line per line.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|line| line.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Mean confidence over every character read (0–100); `None` when
    /// nothing was read.
    pub fn confidence(&self) -> Option<u8> {
        let chars: usize = self.lines.iter().map(|line| line.chars).sum();
        if chars == 0 {
            return None;
        }
        let weighted: f32 = self
            .lines
            .iter()
            .map(|line| line.confidence * line.chars as f32)
            .sum();
        Some((weighted / chars as f32).round().clamp(0.0, 100.0) as u8)
    }
}

/// Why an image was not recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// Tesseract or a language's data is not installed: every picture that
    /// needed it stays unread. The message says what to install.
    Unavailable(String),
    /// This image failed; others may still be read.
    Failed(String),
}

/// The engine's name and version, for messages and the review.
pub fn version() -> String {
    format!(
        "Tesseract {}",
        tesseract::plumbing::version().to_string_lossy()
    )
}

/// Recognises `image` with this thread's engine for `languages`, starting
/// it on first use.
pub fn recognise(
    languages: &Languages,
    image: &Gray,
    layout: Layout,
) -> Result<Recognised, EngineError> {
    ENGINES.with(|engines| {
        let mut engines = engines.borrow_mut();
        let index = match engines.iter().position(|e| e.languages == *languages) {
            Some(index) => index,
            None => {
                // Two language sets are kept (the page's, and the Chinese
                // models alone for the 版头); a third replaces the oldest,
                // which is dropped first so models do not pile up.
                if engines.len() >= KEPT_ENGINES {
                    engines.remove(0);
                }
                engines.push(Loaded {
                    languages: languages.clone(),
                    engine: start(languages),
                });
                engines.len() - 1
            }
        };
        match &mut engines[index].engine {
            Err(why) => Err(EngineError::Unavailable(why.clone())),
            Ok(api) => run(api, image, layout),
        }
    })
}

/// How far `image` is turned, by Tesseract's orientation detection (the
/// `osd` model): `Some((degrees, confidence))` with degrees 0, 90, 180 or
/// 270 counter-clockwise to turn it upright; `None` when the model is not
/// installed or the image has too little text to tell.
pub fn orientation(image: &Gray) -> Option<(u32, f32)> {
    let width = i32::try_from(image.width).ok()?;
    let height = i32::try_from(image.height).ok()?;
    OSD.with(|slot| {
        let mut slot = slot.borrow_mut();
        let osd = slot.get_or_insert_with(Osd::start).as_ref()?;
        let (mut degrees, mut confidence) = (0, 0.0f32);
        let (mut script, mut script_confidence) = (std::ptr::null(), 0.0f32);
        // SAFETY: the handle is live (owned by `osd`, deleted on drop);
        // Tesseract copies the pixels on SetImage, and `image.pixels` holds
        // width × height bytes (one per pixel, rows without padding) for
        // the duration of the call; the out-pointers are valid locals.
        let found = unsafe {
            tesseract_sys::TessBaseAPISetPageSegMode(
                osd.0,
                tesseract_sys::TessPageSegMode_PSM_OSD_ONLY,
            );
            if image.pixels.len() < (image.width as usize) * (image.height as usize) {
                return None;
            }
            tesseract_sys::TessBaseAPISetImage(
                osd.0,
                image.pixels.as_ptr(),
                width,
                height,
                1,
                width,
            );
            tesseract_sys::TessBaseAPISetSourceResolution(osd.0, 300);
            let found = tesseract_sys::TessBaseAPIDetectOrientationScript(
                osd.0,
                &mut degrees,
                &mut confidence,
                &mut script,
                &mut script_confidence,
            );
            tesseract_sys::TessBaseAPIClear(osd.0);
            found
        };
        (found != 0 && matches!(degrees, 0 | 90 | 180 | 270))
            .then_some((degrees as u32, confidence))
    })
}

/// This thread's orientation detector: `None` inside when the `osd` model
/// could not be loaded (checked once).
struct Osd(*mut tesseract_sys::TessBaseAPI);

impl Osd {
    fn start() -> Option<Osd> {
        quiet_leptonica();
        let languages = Languages::parse("osd").ok()?;
        let dir = data_path(&languages).ok()?;
        let path = CString::new(dir.to_string_lossy().as_bytes()).ok()?;
        let language = CString::new("osd").ok()?;
        let sink = CString::new(if cfg!(windows) { "NUL" } else { "/dev/null" }).ok()?;
        let debug_file = CString::new("debug_file").ok()?;
        // SAFETY: a fresh handle, owned by the returned `Osd` (deleted on
        // drop, also when loading fails); the strings outlive the calls.
        unsafe {
            let handle = tesseract_sys::TessBaseAPICreate();
            if handle.is_null() {
                return None;
            }
            let osd = Osd(handle);
            tesseract_sys::TessBaseAPISetVariable(handle, debug_file.as_ptr(), sink.as_ptr());
            if tesseract_sys::TessBaseAPIInit3(handle, path.as_ptr(), language.as_ptr()) != 0 {
                return None;
            }
            tesseract_sys::TessBaseAPISetVariable(handle, debug_file.as_ptr(), sink.as_ptr());
            Some(osd)
        }
    }
}

impl Drop for Osd {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is deleted once.
        unsafe { tesseract_sys::TessBaseAPIDelete(self.0) }
    }
}

thread_local! {
    static OSD: RefCell<Option<Option<Osd>>> = const { RefCell::new(None) };
}

/// Whether the engine can start for `languages` here, without reading
/// anything: `Err` with what to install.
pub fn check(languages: &Languages) -> Result<(), String> {
    data_path(languages).map(|_| ())
}

struct Loaded {
    languages: Languages,
    engine: Result<TessBaseApi, String>,
}

/// Engines (language sets) kept per thread.
const KEPT_ENGINES: usize = 2;

thread_local! {
    static ENGINES: RefCell<Vec<Loaded>> = const { RefCell::new(Vec::new()) };
}

/// Where Tesseract's language data may be: `TESSDATA_PREFIX` first (as
/// Tesseract itself reads it), then the places distributions install to.
fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(prefix) = std::env::var_os("TESSDATA_PREFIX") {
        let prefix = PathBuf::from(prefix);
        dirs.push(prefix.join("tessdata"));
        dirs.push(prefix);
    }
    for fixed in [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
        "/usr/local/share/tessdata",
        "/opt/homebrew/share/tessdata",
        "/usr/local/share/tesseract-ocr/tessdata",
    ] {
        dirs.push(PathBuf::from(fixed));
    }
    dirs
}

fn has_language(dir: &Path, language: &str) -> bool {
    dir.join(format!("{language}.traineddata")).is_file()
}

/// The first data folder holding every language, or what to install.
fn data_path(languages: &Languages) -> Result<PathBuf, String> {
    let dirs = candidate_dirs();
    if let Some(dir) = dirs.iter().find(|dir| {
        languages
            .names()
            .all(|language| has_language(dir, language))
    }) {
        return Ok(dir.clone());
    }
    // Name what is missing from the folder that has the most of them.
    let best = dirs
        .iter()
        .max_by_key(|dir| {
            languages
                .names()
                .filter(|language| has_language(dir, language))
                .count()
        })
        .filter(|dir| dir.is_dir());
    let missing: Vec<&str> = languages
        .names()
        .filter(|language| best.is_none_or(|dir| !has_language(dir, language)))
        .collect();
    let packages: Vec<String> = missing.iter().map(|l| package_of(l)).collect();
    let looked = match best {
        Some(dir) => format!("in {}", dir.display()),
        None => "(no Tesseract language folder found; set TESSDATA_PREFIX if it is elsewhere)"
            .to_owned(),
    };
    Err(format!(
        "OCR unavailable: Tesseract language data {} not found {looked}; install {} (apt-get install {})",
        missing.join(", "),
        packages.join(" "),
        packages.join(" ")
    ))
}

/// The Debian package holding a language's data: `chi_sim_vert` →
/// `tesseract-ocr-chi-sim-vert`.
pub fn package_of(language: &str) -> String {
    format!(
        "tesseract-ocr-{}",
        language.to_ascii_lowercase().replace('_', "-")
    )
}

fn start(languages: &Languages) -> Result<TessBaseApi, String> {
    let dir = data_path(languages)?;
    let path = CString::new(dir.to_string_lossy().as_bytes())
        .map_err(|_| "OCR unavailable: the language folder's name holds a NUL byte".to_owned())?;
    let language = CString::new(languages.as_str())
        .map_err(|_| "OCR unavailable: the language list holds a NUL byte".to_owned())?;
    let mut api = TessBaseApi::create();
    // Tesseract writes its notes ("Estimating resolution as …") to stderr;
    // a scan's output must stay prepub's own.
    silence(&mut api);
    api.init_2(Some(&path), Some(&language)).map_err(|_| {
        format!(
            "OCR unavailable: Tesseract could not load {} from {}; reinstall {}",
            languages.as_str(),
            dir.display(),
            languages
                .names()
                .map(package_of)
                .collect::<Vec<_>>()
                .join(" ")
        )
    })?;
    silence(&mut api);
    Ok(api)
}

/// Leptonica, under Tesseract, prints its own complaints to standard error
/// ("Error in boxClipToRectangle: box outside rectangle" on a small
/// picture); prepub reports what went wrong itself, so they are turned off
/// once for the process.
fn quiet_leptonica() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use tesseract::plumbing::leptonica_sys;
        // SAFETY: sets a process-wide message level; no memory is touched.
        unsafe {
            leptonica_sys::setMsgSeverity(leptonica_sys::L_SEVERITY_NONE as i32);
        }
    });
}

fn silence(api: &mut TessBaseApi) {
    quiet_leptonica();
    let sink = if cfg!(windows) { "NUL" } else { "/dev/null" };
    if let (Ok(name), Ok(value)) = (CString::new("debug_file"), CString::new(sink)) {
        let _ = api.set_variable(&name, &value);
    }
}

fn run(api: &mut TessBaseApi, image: &Gray, layout: Layout) -> Result<Recognised, EngineError> {
    let failed = |what: &str| EngineError::Failed(format!("Tesseract {what}"));
    let width = i32::try_from(image.width).map_err(|_| failed("refused the image (too wide)"))?;
    let height = i32::try_from(image.height).map_err(|_| failed("refused the image (too tall)"))?;
    api.set_page_seg_mode(match layout {
        Layout::Page => tesseract_sys::TessPageSegMode_PSM_AUTO,
        Layout::Block => tesseract_sys::TessPageSegMode_PSM_SINGLE_BLOCK,
        Layout::Columns => tesseract_sys::TessPageSegMode_PSM_SINGLE_BLOCK_VERT_TEXT,
    });
    api.set_image(&image.pixels, width, height, 1, width)
        .map_err(|e| EngineError::Failed(format!("Tesseract refused the image: {e}")))?;
    // Pictures carry no trustworthy resolution; 300 dpi is what the models
    // are trained for and keeps Tesseract from guessing (and saying so).
    api.set_source_resolution(300);
    api.recognize()
        .map_err(|_| failed("could not recognise the image"))?;
    let tsv = api
        .get_tsv_text(0)
        .map_err(|_| failed("returned no result"))?;
    let tsv = tsv.as_ref().to_string_lossy().into_owned();
    Ok(lines_of_tsv(&tsv))
}

/// Tesseract's TSV (level, page, block, paragraph, line, word, left, top,
/// width, height, confidence, text) as lines of words.
fn lines_of_tsv(tsv: &str) -> Recognised {
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Option<((u32, u32, u32), Line)> = None;
    for row in tsv.lines() {
        let fields: Vec<&str> = row.split('\t').collect();
        if fields.len() < 12 || fields[0] != "5" {
            continue;
        }
        let number = |i: usize| fields[i].trim().parse::<u32>().unwrap_or(0);
        let key = (number(2), number(3), number(4));
        let word = fields[11].trim();
        if word.is_empty() {
            continue;
        }
        let confidence = fields[10].trim().parse::<f32>().unwrap_or(0.0).max(0.0);
        let rect = Rect {
            left: number(6),
            top: number(7),
            width: number(8),
            height: number(9),
        };
        let chars = word.chars().count();
        match &mut current {
            Some((line_key, line)) if *line_key == key => {
                if needs_space(&line.text, word) {
                    line.text.push(' ');
                }
                line.text.push_str(word);
                line.confidence += confidence * chars as f32;
                line.chars += chars;
                line.latin_letters += latin_letters(word);
                line.rect = union(line.rect, rect);
            }
            _ => {
                if let Some((_, line)) = current.take() {
                    lines.push(finish(line));
                }
                current = Some((
                    key,
                    Line {
                        text: word.to_owned(),
                        rect,
                        confidence: confidence * chars as f32,
                        chars,
                        latin_letters: latin_letters(word),
                    },
                ));
            }
        }
    }
    if let Some((_, line)) = current {
        lines.push(finish(line));
    }
    Recognised { lines }
}

fn finish(mut line: Line) -> Line {
    if line.chars > 0 {
        line.confidence /= line.chars as f32;
    }
    line
}

/// Words of Latin script are separated by a space; Chinese characters are
/// not (Tesseract reports each run of them as a word of its own).
fn needs_space(before: &str, word: &str) -> bool {
    let last = before.chars().next_back();
    let first = word.chars().next();
    !(last.is_some_and(is_wide) || first.is_some_and(is_wide))
}

/// CJK characters and full-width forms.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn union(a: Rect, b: Rect) -> Rect {
    let left = a.left.min(b.left);
    let top = a.top.min(b.top);
    let right = (a.left + a.width).max(b.left + b.width);
    let bottom = (a.top + a.height).max(b.top + b.height);
    Rect {
        left,
        top,
        width: right - left,
        height: bottom - top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_become_lines_with_weighted_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n\
            5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t90\t机密\n\
            5\t1\t1\t1\t1\t2\t50\t10\t40\t20\t60\t女10年\n\
            5\t1\t1\t1\t2\t1\t10\t40\t30\t20\t80\tID\n\
            5\t1\t1\t1\t2\t2\t45\t40\t30\t20\t70\tnumber\n";
        let read = lines_of_tsv(tsv);
        assert_eq!(read.text(), "机密女10年\nID number");
        assert_eq!(
            read.lines[0].rect,
            Rect {
                left: 10,
                top: 10,
                width: 80,
                height: 20
            }
        );
        // (90·2 + 60·4 + 80·2 + 70·6) / 14
        assert_eq!(read.confidence(), Some(71));
        assert_eq!(Recognised::default().confidence(), None);
    }

    #[test]
    fn missing_language_data_names_the_package() {
        let languages = Languages::parse("xxx").unwrap();
        let why = check(&languages).unwrap_err();
        assert!(why.starts_with("OCR unavailable"), "{why}");
        assert!(why.contains("tesseract-ocr-xxx"), "{why}");
        assert_eq!(package_of("chi_sim_vert"), "tesseract-ocr-chi-sim-vert");
    }
}
