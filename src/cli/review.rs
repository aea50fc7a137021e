//! `prepub review`: decide each open finding at the terminal and record the
//! decisions.

use crate::cli::args::{Failure, LimitArgs, OcrArgs, RuleArgs, load_rules, read_review};
use clap::Args;
use prepub::audit::decisions::{self, Decisions};
use prepub::audit::interactive::{ReviewSession, run_terminal};
use prepub::batch::file::ScanOptions;
use prepub::batch::{self, BatchOptions, Selection};
use std::io::IsTerminal;
use std::path::PathBuf;

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
    /// Walk into hidden files and folders too (names starting with `.`), as
    /// ripgrep's --hidden. Version-control folders are still skipped.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links met in folders (as ripgrep's -L); loops and
    /// dangling links are listed as documents not read. Without it every
    /// link met in a folder is listed as not read (never skipped silently);
    /// a link named on the command line is always read as its target.
    #[arg(long, short = 'L')]
    pub follow: bool,
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
    #[command(flatten)]
    pub ocr: OcrArgs,
}

pub const REVIEW_HELP: &str =
    "Keys: r remove · v revise · k keep (asks for the reason, and for a blocking finding a second person's approval) · s or Enter skip · b back · q quit.
The decisions file is saved after every answer; run the command again to resume.";

fn not_a_terminal() -> Failure {
    Failure::usage(format!(
        "`prepub review` is interactive and needs a terminal (standard input or output is not one).\n\
         Without a terminal, write the decisions file yourself — one entry per finding, the ids and\n\
         sha256 taken from `prepub scan --format json` — and apply it with `prepub scan --decisions FILE`.\n\
         The format (docs/README-audit.md):\n\n{}",
        decisions::EXAMPLE
    ))
}

pub(crate) fn reviewer_name(given: Option<&str>) -> Option<String> {
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    given
        .map(str::to_owned)
        .filter(|v| !v.trim().is_empty())
        .or_else(|| from_env("PREPUB_REVIEWER"))
        .or_else(|| from_env("USER"))
        .or_else(|| from_env("USERNAME"))
}

pub fn run(args: ReviewArgs) -> Result<i32, Failure> {
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
            hidden: args.hidden,
            ..Selection::default()
        };
        let inputs =
            batch::collect_files_following(&selection, args.follow).map_err(Failure::usage)?;
        let options = BatchOptions {
            jobs: args.jobs,
            progress: true,
            lang: prepub::report::Lang::from_locale(),
            scan: ScanOptions {
                show_match: args.show_match,
                explain: false,
                limits: args.limits.limits(),
                passwords: args.password.clone(),
                ocr: args.ocr.settings()?,
                ..ScanOptions::default()
            },
        };
        batch::run(&inputs, &rules, &options)?
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = std::io::stdout();
    let reviewer = match reviewer_name(args.reviewer.as_deref()) {
        Some(name) => name,
        None => ask_name(&mut input, &mut output)?,
    };
    let colour = std::env::var_os("NO_COLOR").is_none();
    // The decisions file never holds personal data, even when the screen
    // shows it (--show-match): what the packs' personal rules match is
    // masked in the text and the reason written there.
    let masking = load_rules(&args.rules)?;
    let mut session = ReviewSession::new(review, loaded.decisions, &reviewer, &decisions::today())
        .mask_with(move |text| prepub::review::mask_text(&masking, text));
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
