//! `prepub review`: decide each open finding at the terminal and record the
//! decisions.

use crate::cli::args::{Failure, LangArg, LimitArgs, OcrArgs, RuleArgs, load_rules, read_review};
use clap::Args;
use prepub::audit::decisions::{self, Decisions};
use prepub::audit::interactive::{Keys, ReviewSession, run_terminal};
use prepub::batch::file::ScanOptions;
use prepub::batch::{self, BatchOptions, Selection};
use prepub::report::Lang;
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
    /// else the name the decisions file remembers from the last session;
    /// asked for when neither is set, the login name offered).
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Also walk the info findings (they need no decision, so they are
    /// not asked about by default).
    #[arg(long)]
    pub info: bool,
    /// The language of the session (default from LC_ALL, LC_MESSAGES or
    /// LANG: zh for zh_*, else en).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
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

/// The keys, shown once when a session starts (and in `--help`).
pub const REVIEW_HELP: &str = "Keys (one press, no Enter): r remove · v revise · k keep (asks for the reason, for a blocking finding a second person's approval, and an end date) · s, Enter or → skip · b or ← back · q or Esc quit.
The decisions file is saved after every answer; run the command again to resume.";

/// [`REVIEW_HELP`] in `lang`.
pub fn review_help(lang: Lang) -> &'static str {
    match lang {
        Lang::En => REVIEW_HELP,
        Lang::Zh => "按键（按一下即可，无需回车）：r 删除 · v 修改 · k 保留（随后输入理由；阻止公开的命中须另一人批准；可设截止日期）· s、回车或 → 跳过 · b 或 ← 返回 · q 或 Esc 退出。
每次回答后即保存决定文件；再次运行本命令可接着审查。",
    }
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

fn from_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `--reviewer`, else `$PREPUB_REVIEWER`.
fn given_reviewer(given: Option<&str>) -> Option<String> {
    given
        .map(str::to_owned)
        .filter(|v| !v.trim().is_empty())
        .or_else(|| from_env("PREPUB_REVIEWER"))
}

/// The login name, offered when nobody said who reviews.
fn login_name() -> Option<String> {
    from_env("USER").or_else(|| from_env("USERNAME"))
}

pub(crate) fn reviewer_name(given: Option<&str>) -> Option<String> {
    given_reviewer(given).or_else(login_name)
}

pub fn run(args: ReviewArgs) -> Result<i32, Failure> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(not_a_terminal());
    }
    if args.jobs == Some(0) {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let lang = args.lang.map_or_else(Lang::from_locale, LangArg::lang);
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
            lang,
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
    let remembered = loaded.decisions.reviewer().map(str::to_owned);
    let reviewer = match given_reviewer(args.reviewer.as_deref()).or(remembered) {
        Some(name) => name,
        None => ask_name(&mut input, &mut output, lang)?,
    };
    let colour = std::env::var_os("NO_COLOR").is_none();
    // The decisions file never holds personal data, even when the screen
    // shows it (--show-match): what the packs' personal rules match is
    // masked in the text and the reason written there.
    let masking = load_rules(&args.rules)?;
    let mut session = ReviewSession::new(review, loaded.decisions, &reviewer, &decisions::today())
        .mask_with(move |text| prepub::review::mask_text(&masking, text))
        .including_info(args.info)
        .in_lang(lang);
    let info = session.info_not_walked();
    if info > 0 {
        println!(
            "{}",
            match lang {
                Lang::En => format!(
                    "{info} info finding(s) not asked about: they need no decision (--info to decide them too)"
                ),
                Lang::Zh =>
                    format!("另有 {info} 处提示级命中无需决定，不逐条询问（加 --info 一并决定）"),
            }
        );
    }
    if session.total() == 0 {
        let shown = decisions_path.display();
        println!(
            "{}",
            match lang {
                Lang::En =>
                    format!("nothing to decide: every finding already has a decision in {shown}"),
                Lang::Zh => format!("无需决定：每处命中在 {shown} 中都已有决定"),
            }
        );
        return Ok(0);
    }
    drop(input);
    println!("{}", review_help(lang));
    run_terminal(
        &mut session,
        &decisions_path,
        &mut Keys,
        &mut output,
        colour,
    )
    .map_err(Failure::usage)?;
    Ok(0)
}

/// Asks who reviews, offering the login name (Enter takes it). The answer
/// is remembered in the decisions file, so it is asked once.
fn ask_name(
    input: &mut dyn std::io::BufRead,
    output: &mut dyn std::io::Write,
    lang: Lang,
) -> Result<String, Failure> {
    let offered = login_name();
    loop {
        let question = match lang {
            Lang::En => "your name (recorded with each decision and remembered)",
            Lang::Zh => "您的姓名（记入每条决定，下次不再询问）",
        };
        let _ = match &offered {
            Some(name) => write!(output, "{question} [{name}]: "),
            None => write!(output, "{question}: "),
        };
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
        if let Some(name) = &offered {
            return Ok(name.clone());
        }
    }
}
