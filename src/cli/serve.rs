//! `prepub serve`: the review desk in the browser.

use crate::cli::args::{Failure, FormArgs, LimitArgs, OcrArgs, RuleArgs, load_rules, read_review};
use crate::cli::review::reviewer_name;
use clap::Args;
use prepub::audit::decisions::{self, Decisions};
use prepub::batch::file::ScanOptions;
use prepub::batch::{self, BatchOptions, Selection};
use prepub::serve::{self, Desk, ServeOptions, Source};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Files or folders to review (as for `scan`).
    #[arg(value_name = "PATH", required_unless_present = "review")]
    pub paths: Vec<PathBuf>,
    /// Open a saved JSON review instead of scanning.
    #[arg(long, value_name = "REVIEW.json", conflicts_with = "paths")]
    pub review: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read hidden files and folders too.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links met in folders.
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// The decisions file (default: prepub-decisions.yaml here).
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Show personal data in clear on the desk (masked by default).
    #[arg(long)]
    pub show_match: bool,
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    #[arg(long, value_name = "PASSWORD")]
    pub password: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub ocr: OcrArgs,
    #[command(flatten)]
    pub form: FormArgs,
    /// The port to listen on (default: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Listen on this address instead of 127.0.0.1 — other machines can
    /// then reach the desk, so a password is required
    /// (PREPUB_SERVE_PASSWORD, or --password-file).
    #[arg(long, value_name = "ADDRESS")]
    pub bind: Option<String>,
    /// A file whose first line is the desk's password (with --bind).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Open the desk in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: ServeArgs) -> Result<i32, Failure> {
    if args.jobs == Some(0) {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let decisions_path = args
        .decisions
        .clone()
        .unwrap_or_else(|| PathBuf::from(decisions::DEFAULT_FILE));
    let loaded = Decisions::load(&decisions_path, false).map_err(Failure::usage)?;
    let reviewer = reviewer_name(args.form.reviewer.as_deref()).ok_or_else(|| {
        Failure::usage(
            "the desk records who decided: give --reviewer NAME (or set PREPUB_REVIEWER)",
        )
    })?;
    let (address, bind_host) = match &args.bind {
        None => (IpAddr::V4(Ipv4Addr::LOCALHOST), None),
        Some(text) => {
            let address: IpAddr = text
                .trim_matches(|c| c == '[' || c == ']')
                .parse()
                .map_err(|_| Failure::usage(format!("--bind {text}: not an IP address")))?;
            (address, Some(text.clone()))
        }
    };
    let password = match &args.password_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("{}: cannot read: {e}", path.display())))?
                .lines()
                .next()
                .unwrap_or("")
                .to_owned(),
        ),
        None => std::env::var("PREPUB_SERVE_PASSWORD").ok(),
    }
    .filter(|p| !p.is_empty());
    let render_lang = args.form.options().lang;
    let source = match &args.review {
        Some(path) => Source::Saved(Box::new(read_review(path)?)),
        None => {
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
                progress: false,
                lang: render_lang,
                scan: ScanOptions {
                    show_match: args.show_match,
                    explain: false,
                    limits: args.limits.limits(),
                    passwords: args.password.clone(),
                    ocr: args.ocr.settings()?,
                    ..ScanOptions::default()
                },
            };
            Source::Scan {
                inputs,
                rules,
                options,
            }
        }
    };
    let render = args.form.options();
    let options = ServeOptions {
        address,
        bind_host: bind_host.filter(|_| !address.is_loopback()),
        port: args.port,
        password,
        lang: render.lang,
        open: args.open,
        render,
    };
    // What a decision records is masked by the packs' masking rules, even
    // under --show-match (as in `prepub review`).
    let masking = load_rules(&args.rules)?;
    let desk = Desk::new(
        loaded.decisions,
        decisions_path.clone(),
        reviewer,
        Box::new(move |text| prepub::review::mask_text(&masking, text)),
    );
    serve::run(source, desk, options, |url| {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "prepub review desk: {url}");
        let _ = writeln!(
            out,
            "decisions are saved to {} after every answer; Ctrl-C stops the desk",
            decisions_path.display()
        );
        let _ = out.flush();
    })
    .map_err(Failure::usage)?;
    Ok(0)
}
