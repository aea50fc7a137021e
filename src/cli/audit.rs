//! The command line of the audit features: `scan`'s decision and shard
//! options, and the `review`, `verify` and `merge` commands. Kept apart from
//! `cli.rs` so the core commands and these can evolve separately; `cli.rs`
//! only declares the subcommands and calls in here.

use crate::audit::decisions::{self, Decisions};
use crate::audit::interactive::{ReviewSession, run_terminal};
use crate::audit::shard::{self, Shard};
use crate::batch::file::ScanOptions;
use crate::batch::{self, BatchOptions, Selection};
use crate::cli::{Failure, LimitArgs, RuleArgs, load_rules, write_stdout};
use crate::report;
use crate::review::{DecisionsInfo, DocumentReview, Review};
use crate::rules::sources_from_path;
use clap::Args;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `scan` options for decisions and sharding.
#[derive(Debug, Args)]
pub struct ScanAuditArgs {
    /// Apply reviewer decisions from FILE: `keep` waives a finding,
    /// `remove`/`revise` stay open until the text is gone. Default:
    /// prepub-decisions.yaml in the current directory, when it exists.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Do not apply any decisions file, not even the default one.
    #[arg(long, conflicts_with = "decisions")]
    pub no_decisions: bool,
    /// Exit with 1 when a decision is stale: its finding no longer appears.
    #[arg(long)]
    pub fail_on_stale: bool,
    /// Judge `expires` dates of decisions as of this day (YYYY-MM-DD;
    /// default: today, UTC). Give all shards of one batch the same day.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Review only shard K of N (1 ≤ K ≤ N): a stable split of the inputs by
    /// a hash of each path, so N jobs together review every file once. Join
    /// their JSON reviews with `prepub merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

/// The decisions a scan will apply, loaded before anything is scanned so a
/// broken decisions file stops the run (exit 2) at once.
pub struct ScanAudit {
    /// The decisions, and the day their expiry is judged against (as given
    /// and parsed).
    decisions: Option<(decisions::Loaded, String, time::Date)>,
    shard: Option<Shard>,
    fail_on_stale: bool,
}

impl ScanAudit {
    pub fn prepare(args: &ScanAuditArgs) -> Result<ScanAudit, Failure> {
        let as_of = match &args.as_of {
            Some(day) => day.trim().to_owned(),
            None => decisions::today(),
        };
        let as_of_date =
            decisions::parse_date(&as_of).map_err(|e| Failure::usage(format!("--as-of: {e}")))?;
        let loaded = if args.no_decisions {
            None
        } else if let Some(file) = &args.decisions {
            Some(Decisions::load(file, true).map_err(Failure::usage)?)
        } else if Path::new(decisions::DEFAULT_FILE).is_file() {
            Some(
                Decisions::load(Path::new(decisions::DEFAULT_FILE), true)
                    .map_err(Failure::usage)?,
            )
        } else {
            None
        };
        Ok(ScanAudit {
            decisions: loaded.map(|loaded| (loaded, as_of, as_of_date)),
            shard: args.shard,
            fail_on_stale: args.fail_on_stale,
        })
    }

    pub fn shard(&self) -> Option<Shard> {
        self.shard
    }

    /// Applies the decisions to one finished document, as the batch goes
    /// (so the batch's tally counts them as applied).
    pub fn apply_to_document(&self, document: &mut DocumentReview) {
        if let Some((loaded, _, as_of)) = &self.decisions {
            decisions::apply_to_document(document, &loaded.decisions, *as_of);
        }
    }

    /// Records the shard and the decisions file on a finished batch whose
    /// documents went through [`ScanAudit::apply_to_document`].
    pub fn finish(&self, head: &mut Review) {
        if let (Some(shard), Some(options)) = (self.shard, head.options.as_mut()) {
            options.shard = Some(shard.info());
        }
        if let Some((loaded, as_of, _)) = &self.decisions {
            head.decisions = Some(DecisionsInfo {
                file: loaded.file.clone(),
                digest: loaded.digest.clone(),
                as_of: as_of.clone(),
            });
        }
    }

    /// `--fail-on-stale` turns a 0 or 3 into 1 when a decision is stale.
    pub fn exit_code(&self, code: i32, review: &Review) -> i32 {
        if self.fail_on_stale && review.summary.stale_decisions > 0 && (code == 0 || code == 3) {
            1
        } else {
            code
        }
    }
}

/// `prepub review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Files and directories to scan and then review, or one JSON review
    /// written by `prepub scan --format json`.
    #[arg(value_name = "PATH|REVIEW.json", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Only review files whose path or name matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files whose path or name matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The decisions file to read and extend (default:
    /// prepub-decisions.yaml in the current directory; created if missing).
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Your name, recorded with each decision (default: $PREPUB_REVIEWER,
    /// else the login name; asked for when neither is set).
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Show personal data unmasked on screen (the decisions file always
    /// stores it masked).
    #[arg(long)]
    pub show_match: bool,
    /// Worker threads for the scan (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// A password to try on encrypted documents; repeatable.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `prepub verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The JSON review to rerun and compare.
    #[arg(value_name = "REVIEW.json")]
    pub review: PathBuf,
    /// The directory the review's document paths are relative to (default:
    /// the current directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Compare with these rule packs instead of the ones embedded in the
    /// review: "what would the new rules change on this past batch?".
    /// Repeatable; a pack file or a directory of packs.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// With --rules: use the built-in packs as well.
    #[arg(long, requires = "rules")]
    pub with_builtin: bool,
    /// A password to try on encrypted documents; repeatable (reviews record
    /// only how many were used).
    #[arg(long, value_name = "PASSWORD")]
    pub password: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// `prepub merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reviews of disjoint parts of one batch (e.g. every `scan
    /// --shard K/N`).
    #[arg(value_name = "REVIEW.json", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write the merged review to FILE (atomically) instead of standard
    /// output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub const VERIFY_EXIT_CODES: &str = "Exit codes (verify):
  0  reproduced: every document and finding identical
  1  differences (listed): changed or missing files, findings gone, new or changed
  2  the review cannot be rerun (unreadable, no embedded packs, bad --rules)";

pub const REVIEW_HELP: &str =
    "Keys: r remove · v revise · k keep (asks for the reason) · s or Enter skip · b back · q quit.
The decisions file is saved after every answer; run the command again to resume.";

fn read_review(path: &Path) -> Result<Review, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::usage(format!("{}: cannot read: {e}", path.display())))?;
    report::json::parse(&bytes).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}

fn not_a_terminal() -> Failure {
    Failure::usage(format!(
        "`prepub review` is interactive and needs a terminal (standard input or output is not one).\n\
         Without a terminal, write the decisions file yourself — one entry per finding, the ids and\n\
         sha256 taken from `prepub scan --format json` — and apply it with `prepub scan --decisions FILE`.\n\
         The format (docs/README-audit.md):\n\n{}",
        decisions::EXAMPLE
    ))
}

fn reviewer_name(given: Option<&str>) -> Option<String> {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    given
        .map(str::to_owned)
        .filter(|v| !v.trim().is_empty())
        .or_else(|| from_env("PREPUB_REVIEWER"))
        .or_else(|| from_env("USER"))
        .or_else(|| from_env("USERNAME"))
}

pub fn review(args: ReviewArgs) -> Result<i32, Failure> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(not_a_terminal());
    }
    if args.jobs == Some(0) {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let decisions_path = args
        .decisions
        .clone()
        .unwrap_or_else(|| PathBuf::from(decisions::DEFAULT_FILE));
    let loaded = Decisions::load(&decisions_path, false).map_err(Failure::usage)?;
    let is_review_json = args.paths.len() == 1
        && args.paths[0]
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        && args.paths[0].is_file();
    let review = if is_review_json {
        read_review(&args.paths[0])?
    } else {
        let rules = load_rules(&args.rules)?;
        let selection = Selection {
            paths: args.paths.clone(),
            include: args.include.clone(),
            exclude: args.exclude.clone(),
            ..Selection::default()
        };
        let files = batch::collect_files(&selection).map_err(Failure::usage)?;
        let options = BatchOptions {
            jobs: args.jobs,
            progress: true,
            scan: ScanOptions {
                show_match: args.show_match,
                explain: false,
                limits: args.limits.limits(),
                passwords: args.password.clone(),
                ..ScanOptions::default()
            },
        };
        batch::run(&files, &rules, &options)?
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = std::io::stdout();
    let reviewer = match reviewer_name(args.reviewer.as_deref()) {
        Some(name) => name,
        None => ask_name(&mut input, &mut output)?,
    };
    let colour = std::env::var_os("NO_COLOR").is_none();
    let mut session = ReviewSession::new(review, loaded.decisions, &reviewer, &decisions::today());
    if session.total() == 0 {
        println!(
            "nothing to decide: every finding already has a decision in {}",
            decisions_path.display()
        );
        return Ok(0);
    }
    println!("{REVIEW_HELP}");
    run_terminal(
        &mut session,
        &decisions_path,
        &mut input,
        &mut output,
        colour,
    )
    .map_err(Failure::usage)?;
    Ok(0)
}

fn ask_name(
    input: &mut dyn std::io::BufRead,
    output: &mut dyn std::io::Write,
) -> Result<String, Failure> {
    loop {
        let _ = write!(output, "your name (recorded with each decision): ");
        let _ = output.flush();
        let mut line = String::new();
        let read = input
            .read_line(&mut line)
            .map_err(|e| Failure::usage(format!("terminal: {e}")))?;
        if read == 0 {
            return Err(Failure::usage("no reviewer name given (--reviewer NAME)"));
        }
        if !line.trim().is_empty() {
            return Ok(line.trim().to_owned());
        }
    }
}

pub fn verify(args: VerifyArgs) -> Result<i32, Failure> {
    if args.jobs == Some(0) {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let recorded = read_review(&args.review)?;
    let rules = if args.rules.is_empty() {
        None
    } else {
        let mut sources = Vec::new();
        if args.with_builtin {
            sources.extend(crate::rules::builtin_sources());
        }
        for path in &args.rules {
            sources.extend(
                sources_from_path(path).map_err(|e| Failure::usage(format!("rule error: {e}")))?,
            );
        }
        Some(sources)
    };
    let options = crate::audit::verify::VerifyOptions {
        root: args.root.clone().unwrap_or_default(),
        rules,
        passwords: args.password.clone(),
        jobs: args.jobs,
    };
    let outcome = crate::audit::verify::verify(&recorded, &options).map_err(Failure::usage)?;
    write_stdout(outcome.render().as_bytes())?;
    Ok(if outcome.reproduced() { 0 } else { 1 })
}

pub fn merge(args: MergeArgs) -> Result<i32, Failure> {
    let mut parts = Vec::new();
    for input in &args.inputs {
        parts.push(shard::Part {
            name: input.display().to_string(),
            review: read_review(input)?,
        });
    }
    let merged = shard::merge(parts).map_err(Failure::usage)?;
    let bytes = report::json::render(&merged).map_err(Failure::usage)?;
    match &args.output {
        Some(path) => {
            report::write_atomically(path, &bytes).map_err(Failure::usage)?;
            eprintln!(
                "merged {} reviews: {} documents, {} findings → {}",
                args.inputs.len(),
                merged.summary.documents,
                merged.summary.findings,
                path.display()
            );
        }
        None => write_stdout(&bytes)?,
    }
    Ok(0)
}
