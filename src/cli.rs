//! The command line: argument definitions (clap derive) and the commands.
//!
//! Exit codes of `scan`: 0 = no finding at or above `--fail-on` and every
//! document fully read; 1 = some document has a finding at or above
//! `--fail-on`; 2 = usage or rule-set error (nothing scanned); 3 = no such
//! finding, but some document could not be fully read.

use crate::batch::{self, BatchOptions, Selection};
use crate::document::Part;
use crate::limits::Limits;
use crate::report::{self, FailOn};
use crate::rules::{
    PackSource, RuleError, RuleSet, builtin_sources, load_sources, sources_from_path,
};
use crate::scan::ScanOptions;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "Exit codes (scan):
  0  no finding at or above --fail-on, and every document fully read
  1  some document has a finding at or above --fail-on
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
    Scan(ScanArgs),
    /// List, check, test, show and start rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the located text segments prepub extracts from a file.
    Extract(ExtractArgs),
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
    /// The JSON review, schema prepub.review/1.
    Json,
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
    /// Format written to standard output (and to --output unless its
    /// extension says otherwise).
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Write the review to FILE (atomically: a temporary file, then rename).
    /// The format follows the extension (.json, else --format).
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
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Resource limits; each one, when hit, makes the document `partial` or
/// `failed` with a message naming the limit.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest file read, in MiB.
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
    pub format: OutputFormat,
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
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
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
        Command::Scan(args) => scan(args),
        Command::Rules(command) => rules_command(command),
        Command::Extract(args) => extract(args),
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

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
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
    let rules = load_rules(&args.rules)?;
    let selection = Selection {
        paths: args.paths.clone(),
        files_from: args.files_from.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
    };
    let files = batch::collect_files(&selection).map_err(Failure::usage)?;
    let options = BatchOptions {
        jobs: args.jobs,
        progress: !args.no_progress && !args.quiet,
        scan: ScanOptions {
            show_match: args.show_match,
            explain: args.explain,
            limits: args.limits.limits(),
            passwords: args.password.clone(),
        },
    };
    let review = batch::run(&files, &rules, &options).map_err(Failure::usage)?;
    for path in &args.output {
        let format = format_for_path(path, args.format);
        let bytes = render(&review, format, false, args.quiet)?;
        report::write_atomically(path, &bytes).map_err(Failure::usage)?;
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let stdout_wanted = args.output.is_empty() || args.format == OutputFormat::Text;
    if stdout_wanted && (args.output.is_empty() || !args.quiet) {
        let bytes = render(&review, args.format, colour, args.quiet)?;
        write_stdout(&bytes)?;
    }
    let fail_on = match args.fail_on {
        FailOnArg::Review => FailOn::Review,
        FailOnArg::Block => FailOn::Block,
        FailOnArg::Never => FailOn::Never,
    };
    Ok(report::exit_code(&review, fail_on))
}

fn format_for_path(path: &std::path::Path, fallback: OutputFormat) -> OutputFormat {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => OutputFormat::Json,
        Some("txt") => OutputFormat::Text,
        _ => fallback,
    }
}

fn render(
    review: &crate::review::Review,
    format: OutputFormat,
    colour: bool,
    quiet: bool,
) -> Result<Vec<u8>, Failure> {
    match format {
        OutputFormat::Json => report::json::render(review).map_err(Failure::usage),
        OutputFormat::Text => Ok(report::text::render(
            review,
            &report::text::TextOptions { colour, quiet },
        )),
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
    for outcome in crate::scan::run_examples(set) {
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
    let extraction = crate::scan::extract_safely(format, &name, &bytes, &options);
    let out = match args.format {
        OutputFormat::Text => {
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
        OutputFormat::Json => {
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
