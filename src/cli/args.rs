//! What several commands share: rule-pack, limit and form options, the
//! failure type (message and exit code) and the small helpers around them.

use clap::{Args, ValueEnum};
use prepub::batch;
use prepub::extract::limits::Limits;
use prepub::extract::ocr::{Languages, OcrSettings};
use prepub::report;
use prepub::review::Review;
use prepub::rules::{
    PackSource, RuleError, RuleSet, builtin_sources, load_sources, sources_from_path,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A YAML rule pack or a directory of packs; repeatable. Replaces the
    /// built-in packs unless --with-builtin is given.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Use the built-in packs as well as --rules.
    #[arg(long)]
    pub with_builtin: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per document and per finding (the default on stdout).
    Text,
    /// The JSON review, schema prepub.review/1 (`prepub report` reads it back).
    Json,
    /// The review as JSON Lines: a header, one line per document as it
    /// finishes, an end line with the summary (`scan` streams it;
    /// `--resume` continues a killed run; `merge` and `report` read it).
    Jsonl,
    /// The printable sign-off form (保密审查单), one self-contained file.
    Html,
    /// The sign-off form as a Word document.
    Docx,
    /// The sign-off form as Markdown.
    #[value(alias = "md")]
    Markdown,
    /// SARIF 2.1.0 for code-scanning dashboards.
    Sarif,
    /// JUnit XML for CI test reports.
    Junit,
    /// One row per finding, UTF-8 with BOM.
    Csv,
}

impl OutputFormat {
    /// The format a report file's extension names: `.json`, `.html`/`.htm`,
    /// `.jsonl`, `.docx`, `.md`/`.markdown`, `.sarif`, `.xml` (JUnit), `.csv`,
    /// `.txt`.
    pub fn from_extension(path: &std::path::Path) -> Option<OutputFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "json" => OutputFormat::Json,
            "jsonl" => OutputFormat::Jsonl,
            "html" | "htm" => OutputFormat::Html,
            "docx" => OutputFormat::Docx,
            "md" | "markdown" => OutputFormat::Markdown,
            "sarif" => OutputFormat::Sarif,
            "xml" => OutputFormat::Junit,
            "csv" => OutputFormat::Csv,
            "txt" => OutputFormat::Text,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Chinese.
    Zh,
    /// English.
    En,
}

/// What the sign-off form says besides the review: its language and the
/// fields filled in advance. Without them the form has blank lines to write
/// on.
#[derive(Debug, Args)]
pub struct FormArgs {
    /// Language of the human-readable reports (HTML, DOCX, Markdown, and the
    /// messages in SARIF and JUnit; default zh) and of the terminal (the
    /// text report, progress and messages; default from LC_ALL, LC_MESSAGES
    /// or LANG: zh for zh_*, else en).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// The reviewer's name, printed on the sign-off form.
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// The department (承办部门), printed on the sign-off form.
    #[arg(long, value_name = "NAME")]
    pub department: Option<String>,
    /// The batch name, printed on the sign-off form.
    #[arg(long, value_name = "NAME")]
    pub batch: Option<String>,
}

impl LangArg {
    pub fn lang(self) -> report::Lang {
        match self {
            LangArg::Zh => report::Lang::Zh,
            LangArg::En => report::Lang::En,
        }
    }
}

impl FormArgs {
    /// The language the terminal speaks: `--lang`, else the locale's.
    pub fn terminal_lang(&self) -> report::Lang {
        self.lang
            .map_or_else(report::Lang::from_locale, LangArg::lang)
    }

    pub fn options(&self) -> report::RenderOptions {
        report::RenderOptions {
            // The form replaces a Chinese paper form: Chinese unless asked.
            lang: self.lang.map_or(report::Lang::Zh, LangArg::lang),
            reviewer: self.reviewer.clone(),
            department: self.department.clone(),
            batch: self.batch.clone(),
            summarise_info: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Fail on review and block findings.
    Review,
    /// Fail on block findings only.
    Block,
    /// Never fail because of findings or unread documents.
    Never,
}

/// Resource limits; each one, when hit, makes the document `partial` or
/// `failed` with a message naming the limit.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest file read, in MiB; also the most input bytes held in memory at
    /// once (larger files wait for each other).
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub max_file_size: u64,
    /// Largest decompressed part or stream, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 128)]
    pub max_part_size: u64,
    /// Largest total decompressed size of one document, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub max_inflated: u64,
    /// Largest compression ratio of a zip entry (zip-bomb guard).
    #[arg(long, value_name = "RATIO", default_value_t = 1000)]
    pub max_zip_ratio: u64,
    /// Most entries read from one zip container.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub max_zip_entries: usize,
    /// Most objects read from one PDF.
    #[arg(long, value_name = "N", default_value_t = 2_000_000)]
    pub max_pdf_objects: usize,
    /// Deepest nesting followed (XML, PDF forms, archives in archives).
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_depth: usize,
    /// Most pixels of one picture decoded for OCR, in megapixels (a
    /// picture's header is checked before anything is decoded).
    #[arg(long, value_name = "MEGAPIXELS", default_value_t = 64)]
    pub max_image_pixels: u64,
    /// Seconds allowed per document before it is abandoned and reported.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
}

/// How pictures are read: scans, photos, screenshots, every image inside a
/// document. A picture that is not read makes its document `partial`.
#[derive(Debug, Args)]
pub struct OcrArgs {
    /// Do not read pictures (every picture then makes its document partial).
    #[arg(long)]
    pub no_ocr: bool,
    /// Tesseract languages, joined by + (chi_tra, chi_sim_vert, eng …).
    #[arg(long, value_name = "LANGS", default_value = prepub::extract::ocr::DEFAULT_LANGUAGES, conflicts_with = "no_ocr")]
    pub ocr_lang: String,
    /// Most pictures (pages, frames) read by OCR per document; the rest make
    /// the document partial.
    #[arg(long, value_name = "N", default_value_t = prepub::extract::ocr::DEFAULT_MAX_PAGES)]
    pub ocr_max_pages: u32,
}

impl OcrArgs {
    pub fn settings(&self) -> Result<OcrSettings, Failure> {
        if self.no_ocr {
            return Ok(OcrSettings::Off);
        }
        let languages = Languages::parse(&self.ocr_lang).map_err(Failure::usage)?;
        Ok(OcrSettings::On {
            languages,
            max_pages: self.ocr_max_pages,
        })
    }
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        const MIB: u64 = 1024 * 1024;
        Limits {
            max_file_bytes: self.max_file_size.saturating_mul(MIB),
            max_part_bytes: self.max_part_size.saturating_mul(MIB),
            max_document_bytes: self.max_inflated.saturating_mul(MIB),
            max_zip_ratio: self.max_zip_ratio,
            max_zip_entries: self.max_zip_entries,
            max_pdf_objects: self.max_pdf_objects,
            max_depth: self.max_depth,
            max_image_pixels: self.max_image_pixels.saturating_mul(1_000_000),
            time_budget: Duration::from_secs(self.timeout.max(1)),
        }
    }
}

/// A command's failure: the message and the exit code.
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<batch::BatchError> for Failure {
    fn from(error: batch::BatchError) -> Failure {
        let code = match error {
            batch::BatchError::Setup(_) | batch::BatchError::Storage(_) => 2,
            batch::BatchError::Interrupted { .. } => prepub::batch::interrupt::EXIT_CODE,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

pub(crate) fn rule_errors(errors: Vec<RuleError>) -> Failure {
    Failure::usage(
        errors
            .iter()
            .map(|e| format!("rule error: {e}"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Loads the rule set a command asked for.
pub fn load_rules(args: &RuleArgs) -> Result<RuleSet, Failure> {
    let mut sources: Vec<PackSource> = Vec::new();
    if args.rules.is_empty() || args.with_builtin {
        sources.extend(builtin_sources());
    }
    for path in &args.rules {
        sources.extend(sources_from_path(path).map_err(|e| rule_errors(vec![e]))?);
    }
    load_sources(&sources).map_err(rule_errors)
}

pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`prepub … | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure {
            code: 2,
            message: format!("cannot write to standard output: {e}"),
        }),
    }
}

pub(crate) fn read_review(path: &Path) -> Result<Review, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::usage(format!("{}: cannot read: {e}", path.display())))?;
    report::json::parse(&bytes).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}
