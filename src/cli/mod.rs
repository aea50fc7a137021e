//! The command line: argument definitions (clap derive) and the commands.
//!
//! Exit codes of `scan`: 0 = no finding at or above `--fail-on` and every
//! document fully read; 1 = some document has a finding at or above
//! `--fail-on`; 2 = usage or rule-set error (nothing scanned); 3 = no such
//! finding, but some document could not be fully read.

pub mod audit;

use crate::batch::file::ScanOptions;
use crate::batch::spill::{DocumentSource, Spilled};
use crate::batch::{self, BatchOptions, Selection};
use crate::extract::document::Part;
use crate::extract::limits::Limits;
use crate::report::{self, FailOn};
use crate::review::Review;
use crate::rules::{
    PackSource, RuleError, RuleSet, builtin_sources, load_sources, sources_from_path,
};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "Exit codes (scan):
  0  no finding at or above --fail-on, and every document fully read
  1  some document has an unwaived finding at or above --fail-on
     (or, with --fail-on-stale, a decision is stale)
  2  usage or rule-set error (nothing was scanned)
  3  no such finding, but some document could not be fully read
     (encrypted, scanned image, corrupt, over a limit); not with --fail-on never";

/// Pre-publication confidentiality review (保密审查) of draft documents.
///
/// prepub reads every part of each document — body, headers and footers,
/// comments, tracked changes, hidden text, metadata — and checks it against
/// classification-marking, disclosure-status and personal-data rules. Each
/// document gets one verdict (pass / review / block); a document that could
/// not be fully read is never `pass`.
#[derive(Debug, Parser)]
#[command(name = "prepub", version, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review documents and write the review.
    #[command(after_help = EXIT_CODES)]
    Scan(Box<ScanArgs>),
    /// Render a saved JSON review again, in any report format, without
    /// rescanning: `prepub report review.json -o signoff.docx -o signoff.html`.
    Report(ReportArgs),
    /// List, check, test, show and start rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the located text segments prepub extracts from a file.
    Extract(ExtractArgs),
    /// Decide each open finding interactively (remove / revise / keep) and
    /// record the decisions in the decisions file.
    #[command(after_help = crate::cli::audit::REVIEW_HELP)]
    Review(crate::cli::audit::ReviewArgs),
    /// Rerun a JSON review with its embedded rule packs and options, and
    /// compare finding by finding (or see what --rules NEW would change).
    #[command(after_help = crate::cli::audit::VERIFY_EXIT_CODES)]
    Verify(crate::cli::audit::VerifyArgs),
    /// Join JSON reviews of parts of one batch (e.g. `scan --shard K/N`).
    Merge(crate::cli::audit::MergeArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output.
    Man,
}

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
    /// `.docx`, `.md`/`.markdown`, `.sarif`, `.xml` (JUnit), `.csv`, `.txt`.
    pub fn from_extension(path: &std::path::Path) -> Option<OutputFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "json" => OutputFormat::Json,
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

/// `prepub extract` prints segments, not a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// One block per segment.
    Text,
    /// The segments, problems and notices as JSON.
    Json,
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
    /// messages in SARIF and JUnit).
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
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

impl FormArgs {
    pub fn options(&self) -> report::RenderOptions {
        report::RenderOptions {
            lang: match self.lang {
                LangArg::Zh => report::Lang::Zh,
                LangArg::En => report::Lang::En,
            },
            reviewer: self.reviewer.clone(),
            department: self.department.clone(),
            batch: self.batch.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A JSON review written by `prepub scan -o FILE.json` (`-` = standard
    /// input).
    #[arg(value_name = "REVIEW.json")]
    pub review: PathBuf,
    /// Write a report to FILE (atomically); repeatable. The format follows
    /// the extension: .json .html .docx .md .sarif .xml (JUnit) .csv .txt.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Format on standard output when no --output is given (default text),
    /// and for --output files whose extension names no format.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    #[command(flatten)]
    pub form: FormArgs,
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

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to review (directories are walked recursively;
    /// hidden files and VCS folders are skipped).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Only review files whose path or name matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files whose path or name matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read paths to review from FILE, one per line (`-` = standard input).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Format written to standard output (default text), and to --output
    /// files whose extension names no format.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write a report to FILE (atomically: a temporary file, then rename);
    /// repeatable, one scan gives them all. The format follows the
    /// extension: .json .html .docx .md .sarif .xml (JUnit) .csv .txt.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Exit with 1 when a finding at or above this severity is found.
    #[arg(long, value_enum, default_value = "review")]
    pub fail_on: FailOnArg,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Do not draw the progress bar (it is only drawn on a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
    /// Show personal data unmasked in reports (masked by default).
    #[arg(long)]
    pub show_match: bool,
    /// Record, for each finding, the conditions that were checked.
    #[arg(long)]
    pub explain: bool,
    /// Print only documents that are not `pass`, and the summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// A password to try on encrypted documents; repeatable.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Vec<String>,
    /// Keep extracted text in DIR and reuse it for files whose bytes are
    /// unchanged (keyed by content hash, prepub build and limits — never by
    /// path or date). Rules always run afresh.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub form: FormArgs,
    #[command(flatten)]
    pub audit: crate::cli::audit::ScanAuditArgs,
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
    /// Seconds allowed per document before it is abandoned and reported.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
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
            time_budget: Duration::from_secs(self.timeout.max(1)),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: id, category, severity, pack, description.
    List {
        #[command(flatten)]
        rules: RuleArgs,
        /// text (a table), markdown (for README) or json.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Check rule packs: YAML syntax, regexes, ids, validators, categories.
    /// Exit 2 on any error.
    Check {
        /// Pack files or directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Run every rule's `examples` (match / no_match); exit 1 on a failure.
    /// Without PATH, tests the built-in packs.
    Test {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print one rule as written, with its examples.
    Show {
        /// The rule id, e.g. marking.cn.level-star.
        id: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Write a commented starter pack with an empty lexicon into DIR.
    Init {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The file to read.
    pub file: PathBuf,
    /// text (one block per segment) or json.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExtractFormat,
    /// A password to try on an encrypted document; repeatable.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
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
            batch::BatchError::Interrupted { .. } => crate::batch::interrupt::EXIT_CODE,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

fn rule_errors(errors: Vec<RuleError>) -> Failure {
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

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32, Failure> {
    match cli.command {
        Command::Scan(args) => scan(*args),
        Command::Report(args) => report_command(args),
        Command::Rules(command) => rules_command(command),
        Command::Extract(args) => extract(args),
        Command::Review(args) => crate::cli::audit::review(args),
        Command::Verify(args) => crate::cli::audit::verify(args),
        Command::Merge(args) => crate::cli::audit::merge(args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "prepub", &mut std::io::stdout());
            Ok(0)
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut buffer = Vec::new();
            man.render(&mut buffer)
                .map_err(|e| Failure::usage(e.to_string()))?;
            write_stdout(&buffer)?;
            Ok(0)
        }
    }
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

fn scan(args: ScanArgs) -> Result<i32, Failure> {
    if args.paths.is_empty() && args.files_from.is_none() {
        return Err(Failure::usage(
            "nothing to scan: give files or directories, or --files-from FILE",
        ));
    }
    if args.jobs == Some(0) {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    // Decided before scanning, so a mistyped extension fails at once rather
    // than after the batch has been read.
    let outputs = plan_outputs(&args.output, args.format)?;
    let stdout_format = args.format.unwrap_or(OutputFormat::Text);
    let stdout_wanted = args.output.is_empty() || stdout_format == OutputFormat::Text;
    let stdout_wanted = stdout_wanted && (args.output.is_empty() || !args.quiet);
    if stdout_wanted {
        check_stdout_format(stdout_format)?;
    }
    let form = args.form.options();
    let rules = load_rules(&args.rules)?;
    let audit = crate::cli::audit::ScanAudit::prepare(&args.audit)?;
    let selection = Selection {
        paths: args.paths.clone(),
        files_from: args.files_from.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        shard: audit.shard(),
    };
    let files = batch::collect_files(&selection).map_err(Failure::usage)?;
    let cache = match &args.cache {
        Some(directory) => Some(std::sync::Arc::new(
            crate::batch::cache::Cache::open(directory).map_err(Failure::usage)?,
        )),
        None => None,
    };
    let options = BatchOptions {
        jobs: args.jobs,
        progress: !args.no_progress && !args.quiet,
        scan: ScanOptions {
            show_match: args.show_match,
            explain: args.explain,
            limits: args.limits.limits(),
            passwords: args.password.clone(),
            cache: cache.clone(),
            ..ScanOptions::default()
        },
    };
    let mut batch = batch::run_spilled(&files, &rules, &options, &|document| {
        audit.apply_to_document(document)
    })?;
    // The walk list is not needed any more; the reports may be long to write.
    drop(files);
    if let (Some(cache), Some(directory)) = (&cache, &args.cache)
        && !args.quiet
    {
        eprintln!("cache {}: {}", directory.display(), cache.stats());
    }
    audit.finish(&mut batch.head);
    let reviewed = Reviewed::spilled(&batch.head, &batch.documents);
    write_reports(&reviewed, &outputs, &form, args.quiet)?;
    if stdout_wanted {
        write_stdout_with(&mut |out| {
            render_to(
                &reviewed,
                stdout_format,
                &form,
                stdout_colour(),
                args.quiet,
                out,
            )
        })?;
    }
    let fail_on = match args.fail_on {
        FailOnArg::Review => FailOn::Review,
        FailOnArg::Block => FailOn::Block,
        FailOnArg::Never => FailOn::Never,
    };
    let code = report::exit_code_of(batch.documents.tally(), fail_on);
    Ok(audit.exit_code(code, &batch.head))
}

/// `prepub report`: renders a saved review; never rescans.
fn report_command(args: ReportArgs) -> Result<i32, Failure> {
    let outputs = plan_outputs(&args.output, args.format)?;
    let stdout_format = args.format.unwrap_or(OutputFormat::Text);
    if outputs.is_empty() {
        check_stdout_format(stdout_format)?;
    }
    let bytes = if args.review.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
        bytes
    } else {
        std::fs::read(&args.review)
            .map_err(|e| Failure::usage(format!("{}: cannot read: {e}", args.review.display())))?
    };
    let review = report::json::parse(&bytes)
        .map_err(|e| Failure::usage(format!("{}: {e}", args.review.display())))?;
    let form = args.form.options();
    let reviewed = Reviewed::whole(&review);
    write_reports(&reviewed, &outputs, &form, false)?;
    if outputs.is_empty() {
        write_stdout_with(&mut |out| {
            render_to(&reviewed, stdout_format, &form, stdout_colour(), false, out)
        })?;
    }
    Ok(0)
}

/// Each `--output` file with its format: from the extension, else from an
/// explicit `--format`, else a usage error naming the extensions known.
fn plan_outputs(
    outputs: &[PathBuf],
    format: Option<OutputFormat>,
) -> Result<Vec<(PathBuf, OutputFormat)>, Failure> {
    outputs
        .iter()
        .map(|path| {
            OutputFormat::from_extension(path)
                .or(format)
                .map(|format| (path.clone(), format))
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "{}: cannot tell the report format from the extension; use .json, \
                         .html, .docx, .md, .sarif, .xml (JUnit), .csv or .txt, or give --format",
                        path.display()
                    ))
                })
        })
        .collect()
}

/// A .docx is a zip: refuse to pour it onto a terminal.
fn check_stdout_format(format: OutputFormat) -> Result<(), Failure> {
    if format == OutputFormat::Docx && std::io::stdout().is_terminal() {
        return Err(Failure::usage(
            "a .docx is binary: write it to a file with -o FILE.docx (or redirect standard output)",
        ));
    }
    Ok(())
}

fn stdout_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A review to render: whole in memory (a saved review), or a scanned batch
/// whose documents wait in a spill file. The reports that can be streamed
/// (all but DOCX) read the documents one at a time either way; a DOCX is
/// built whole by the crate that writes it and, for a spilled batch, reads
/// the documents back into memory.
pub(crate) struct Reviewed<'a> {
    /// For a spilled batch, a review without documents.
    head: &'a Review,
    spilled: Option<&'a Spilled>,
    loaded: std::cell::OnceCell<Review>,
}

impl<'a> Reviewed<'a> {
    pub(crate) fn whole(review: &'a Review) -> Reviewed<'a> {
        Reviewed {
            head: review,
            spilled: None,
            loaded: std::cell::OnceCell::new(),
        }
    }

    pub(crate) fn spilled(head: &'a Review, documents: &'a Spilled) -> Reviewed<'a> {
        Reviewed {
            head,
            spilled: Some(documents),
            loaded: std::cell::OnceCell::new(),
        }
    }

    fn documents(&self) -> &dyn DocumentSource {
        match self.spilled {
            Some(spilled) => spilled,
            None => &self.head.documents,
        }
    }

    /// The review with every document in memory.
    fn in_memory(&self) -> Result<&Review, String> {
        let Some(spilled) = self.spilled else {
            return Ok(self.head);
        };
        if let Some(review) = self.loaded.get() {
            return Ok(review);
        }
        let mut review = self.head.clone();
        review.documents = spilled.load()?;
        Ok(self.loaded.get_or_init(|| review))
    }
}

/// Renders every requested report from the one review and writes each
/// atomically. Files never get colour.
///
/// All reports are staged (written to temporary files) before any is moved
/// into place, and none is if Ctrl-C arrived meanwhile: an interrupted run
/// leaves no report, not even some of them.
fn write_reports(
    reviewed: &Reviewed<'_>,
    outputs: &[(PathBuf, OutputFormat)],
    form: &report::RenderOptions,
    quiet: bool,
) -> Result<(), Failure> {
    let mut staged = Vec::with_capacity(outputs.len());
    for (path, format) in outputs {
        let mut failure = None;
        let stage = report::stage_with(path, &mut |out| {
            render_to(reviewed, *format, form, false, quiet, out).map_err(|e| {
                let message = e.message.clone();
                failure = Some(e);
                message
            })
        });
        match stage {
            Ok(report) => staged.push(report),
            Err(message) => return Err(failure.unwrap_or_else(|| Failure::usage(message))),
        }
        #[cfg(debug_assertions)]
        slow_write_hook();
    }
    if crate::batch::interrupt::requested() {
        return Err(Failure {
            code: crate::batch::interrupt::EXIT_CODE,
            message: "interrupted while writing the reports; no report written".into(),
        });
    }
    for report in staged {
        report.commit().map_err(Failure::usage)?;
    }
    Ok(())
}

/// Test-only hook of debug builds: `PREPUB_TEST_SLOW_WRITE=SECONDS` pauses
/// after staging each report, so a test can interrupt a run mid-write.
#[cfg(debug_assertions)]
fn slow_write_hook() {
    if let Some(seconds) = std::env::var("PREPUB_TEST_SLOW_WRITE")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_secs(seconds));
    }
}

/// Streams standard output through `write`, buffered. A closed pipe
/// (`prepub … | head`) is not an error worth a message: the rest of the
/// output is dropped quietly.
fn write_stdout_with(
    write: &mut dyn FnMut(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut out = ClosablePipe {
        inner: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        closed: false,
    };
    write(&mut out)?;
    out.flush().map_err(|e| Failure {
        code: 2,
        message: format!("cannot write to standard output: {e}"),
    })
}

/// A writer that turns a broken pipe into silence.
struct ClosablePipe<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for ClosablePipe<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(bytes.len());
        }
        match self.inner.write(bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(bytes.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Writes one report of `reviewed` in `format` to `out`.
fn render_to(
    reviewed: &Reviewed<'_>,
    format: OutputFormat,
    form: &report::RenderOptions,
    colour: bool,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let head = reviewed.head;
    let documents = reviewed.documents();
    let written = match format {
        OutputFormat::Json => report::json::write(head, documents, out),
        OutputFormat::Text => {
            let options = report::text::TextOptions { colour, quiet };
            report::text::write(head, documents, &options, out)
        }
        OutputFormat::Csv => report::csv::write(documents, form, out),
        OutputFormat::Junit => report::junit::write(head, documents, form, out),
        OutputFormat::Html => report::html::write(head, documents, form, out),
        OutputFormat::Markdown => report::markdown::write(head, documents, form, out),
        OutputFormat::Sarif => report::sarif::write(head, documents, form, out),
        OutputFormat::Docx => reviewed.in_memory().and_then(|review| {
            let bytes = render(review, format, form, colour, quiet)?;
            out.write_all(&bytes)
                .map_err(|e| format!("cannot write: {e}"))
        }),
    };
    written.map_err(|e| Failure {
        code: 2,
        message: format!("cannot render the {format:?} report: {e}"),
    })
}

/// Renders a whole in-memory review in `format`.
fn render(
    review: &Review,
    format: OutputFormat,
    form: &report::RenderOptions,
    colour: bool,
    quiet: bool,
) -> Result<Vec<u8>, String> {
    match format {
        OutputFormat::Json => report::json::render(review),
        OutputFormat::Text => Ok(report::text::render(
            review,
            &report::text::TextOptions { colour, quiet },
        )),
        OutputFormat::Html => report::html::render(review, form),
        OutputFormat::Docx => report::docx::render(review, form),
        OutputFormat::Markdown => report::markdown::render(review, form),
        OutputFormat::Sarif => report::sarif::render(review, form),
        OutputFormat::Junit => report::junit::render(review, form),
        OutputFormat::Csv => report::csv::render(review, form),
    }
}

fn rules_command(command: RulesCommand) -> Result<i32, Failure> {
    match command {
        RulesCommand::List { rules, format } => {
            let set = load_rules(&rules)?;
            write_stdout(list_rules(&set, format).as_bytes())?;
            Ok(0)
        }
        RulesCommand::Check { paths } => {
            let mut sources = Vec::new();
            let mut errors = Vec::new();
            for path in &paths {
                match sources_from_path(path) {
                    Ok(found) => sources.extend(found),
                    Err(error) => errors.push(error),
                }
            }
            match load_sources(&sources) {
                Ok(set) if errors.is_empty() => {
                    println!(
                        "ok: {} packs, {} rules",
                        set.packs().len(),
                        set.rules().len()
                    );
                    Ok(0)
                }
                Ok(_) => Err(rule_errors(errors)),
                Err(more) => {
                    errors.extend(more);
                    Err(rule_errors(errors))
                }
            }
        }
        RulesCommand::Test { paths } => {
            let args = RuleArgs {
                rules: paths,
                with_builtin: false,
            };
            let set = load_rules(&args)?;
            let (report, failures) = test_examples(&set);
            write_stdout(report.as_bytes())?;
            Ok(if failures > 0 { 1 } else { 0 })
        }
        RulesCommand::Show { id, rules } => {
            let set = load_rules(&rules)?;
            let rule = set.rule(&id).ok_or_else(|| {
                Failure::usage(format!("no rule with id `{id}` (see `prepub rules list`)"))
            })?;
            write_stdout(show_rule(&set, rule)?.as_bytes())?;
            Ok(0)
        }
        RulesCommand::Init { dir } => {
            crate::rules::init_pack(&dir).map_err(Failure::usage)?;
            println!("wrote {}", dir.join("my-pack.yaml").display());
            Ok(0)
        }
    }
}

/// A rule as YAML a user can copy into a pack, after a comment header that
/// says where it comes from. Patterns stay on one line (no folded scalars),
/// so they read and copy exactly as written.
fn show_rule(set: &RuleSet, rule: &crate::rules::Rule) -> Result<String, Failure> {
    let options = serde_saphyr::ser_options! {
        prefer_block_scalars: false,
    };
    let mut spec = rule.spec.clone();
    if let Some(description) = &mut spec.description {
        *description = description.trim_end().to_owned();
    }
    let yaml = serde_saphyr::to_string_with_options(&spec, options)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let pack = set
        .packs()
        .iter()
        .find(|pack| pack.info.name == rule.pack)
        .map_or_else(
            || rule.pack.clone(),
            |pack| format!("{} {} ({})", pack.info.name, pack.info.version, pack.origin),
        );
    let checked = rule
        .examples_match
        .iter()
        .filter(|example| example.severity.is_some())
        .count();
    Ok(format!(
        "# rule {} — pack {pack}\n# category {}, severity {}; examples: {} match ({checked} with a severity), {} no_match — `prepub rules test` runs them\n{yaml}",
        rule.id,
        rule.category,
        rule.severity,
        rule.examples_match.len(),
        rule.examples_no_match.len(),
    ))
}

fn list_rules(set: &RuleSet, format: ListFormat) -> String {
    let first_line =
        |rule: &crate::rules::Rule| rule.message.lines().next().unwrap_or("").to_owned();
    match format {
        ListFormat::Text => {
            let mut out = String::new();
            for rule in set.rules() {
                out.push_str(&format!(
                    "{:<36} {:<10} {:<7} {:<14} {}\n",
                    rule.id,
                    rule.category,
                    rule.severity,
                    rule.pack,
                    first_line(rule)
                ));
            }
            out
        }
        ListFormat::Markdown => {
            let mut out = String::from(
                "| id | category | severity | pack | description |\n|---|---|---|---|---|\n",
            );
            for rule in set.rules() {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} |\n",
                    rule.id,
                    rule.category,
                    rule.severity,
                    rule.pack,
                    first_line(rule).replace('|', "\\|")
                ));
            }
            out
        }
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = set
                .rules()
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "id": rule.id, "category": rule.category, "severity": rule.severity,
                        "pack": rule.pack, "description": first_line(rule),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
        }
    }
}

/// Runs every rule's examples; returns the report and the failure count.
pub fn test_examples(set: &RuleSet) -> (String, usize) {
    let mut out = String::new();
    let mut passed = 0;
    let mut failed = 0;
    for outcome in crate::rules::examples::run_examples(set) {
        let expected = match (outcome.should_match, outcome.required) {
            (false, _) => "does not match".to_owned(),
            (true, None) => "matches".to_owned(),
            (true, Some(severity)) => format!("matches at {severity}"),
        };
        let status = if outcome.passed() {
            passed += 1;
            "ok     "
        } else {
            failed += 1;
            "FAILED "
        };
        let found = match (outcome.passed(), outcome.found) {
            (true, _) => String::new(),
            (false, Some(severity)) => format!(" (found at {severity})"),
            (false, None) => " (not found)".to_owned(),
        };
        out.push_str(&format!(
            "{status} {} {expected} {:?}{found}\n",
            outcome.rule, outcome.text
        ));
    }
    out.push_str(&format!("\n{passed} passed, {failed} failed\n"));
    (out, failed)
}

fn extract(args: ExtractArgs) -> Result<i32, Failure> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::usage(format!("{}: cannot read: {e}", args.file.display())))?;
    let name = args.file.to_string_lossy().replace('\\', "/");
    let format = crate::extract::detect(&bytes, &name);
    let options = ScanOptions {
        limits: args.limits.limits(),
        passwords: args.password.clone(),
        ..ScanOptions::default()
    };
    let extraction =
        crate::batch::file::extract_safely(format, &name, &std::sync::Arc::new(bytes), &options);
    let out = match args.format {
        ExtractFormat::Text => {
            let mut out = format!(
                "# {name}: format {format}, extraction {}\n",
                extraction.status().as_str()
            );
            for problem in &extraction.problems {
                out.push_str(&format!("# problem: {}\n", problem.message));
            }
            for notice in &extraction.notices {
                out.push_str(&format!(
                    "# notice {} [{}]: {}\n",
                    notice.rule, notice.part, notice.message
                ));
            }
            for segment in &extraction.segments {
                let mut header = format!("--- {}", segment.part);
                if let Some(page) = segment.page {
                    header.push_str(&format!(" page {page}"));
                }
                if let (Some(sheet), Some(cell)) = (&segment.sheet, &segment.cell) {
                    header.push_str(&format!(" {sheet}!{cell}"));
                }
                if let Some(label) = &segment.label {
                    header.push_str(&format!(" ({label})"));
                }
                out.push_str(&header);
                out.push('\n');
                out.push_str(&segment.text);
                out.push('\n');
            }
            out
        }
        ExtractFormat::Json => {
            let segments: Vec<serde_json::Value> = extraction
                .segments
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "part": s.part, "page": s.page, "sheet": s.sheet, "cell": s.cell,
                        "label": s.label, "text": s.text,
                    })
                })
                .collect();
            let value = serde_json::json!({
                "path": name,
                "format": format.as_str(),
                "status": extraction.status(),
                "encoding": extraction.encoding,
                "pages": extraction.pages,
                "problems": extraction.problems.iter().map(|p| serde_json::json!({"part": p.part, "message": p.message})).collect::<Vec<_>>(),
                "notices": extraction.notices.iter().map(|n| serde_json::json!({"rule": n.rule, "part": n.part, "page": n.page, "severity": n.severity, "message": n.message, "text": n.text})).collect::<Vec<_>>(),
                "segments": segments,
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
    };
    write_stdout(out.as_bytes())?;
    let _ = Part::Body;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `rules show` prints is a rule a user can paste into a pack:
    /// it parses back to the same rule, patterns included.
    #[test]
    fn shown_rules_round_trip() {
        let set = RuleSet::builtin().expect("built-in packs");
        for rule in set.rules() {
            let shown = match show_rule(&set, rule) {
                Ok(shown) => shown,
                Err(failure) => panic!("{}: {}", rule.id, failure.message),
            };
            let parsed: crate::rules::schema::RuleSpec =
                serde_saphyr::from_str(&shown).expect("shown rule parses");
            assert_eq!(parsed.pattern, rule.spec.pattern, "{}", rule.id);
            assert_eq!(parsed.terms, rule.spec.terms, "{}", rule.id);
            assert_eq!(
                serde_json::to_string(&parsed.examples).ok(),
                serde_json::to_string(&rule.spec.examples).ok(),
                "{}",
                rule.id
            );
        }
    }
}
