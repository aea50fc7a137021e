//! `prepub verify`: rerun a saved review and compare finding by finding.

use crate::cli::args::{Failure, read_review, write_stdout};
use clap::Args;
use prepub::rules::sources_from_path;
use std::path::PathBuf;

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
    /// Rule packs; repeatable, a pack file or a directory of packs. For a
    /// review that names its packs without their text (the default): the
    /// packs it used, checked against its recorded digests — a missing or
    /// different pack is an error naming it. For a review written with
    /// `scan --embed-rules`, or with --compare: new rules to compare with,
    /// "what would they change on this past batch?".
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// The --rules are new rules to compare with, not the review's own.
    #[arg(long, requires = "rules")]
    pub compare: bool,
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
    /// For a review that read its paths from standard input
    /// (`scan --files-from -`): the same list again, so the inputs can be
    /// walked and a document left out of the review found (`-` = standard
    /// input).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
}

pub const VERIFY_EXIT_CODES: &str = "Exit codes (verify):
  0  reproduced: every document, finding, reason and count identical, and the
     recorded inputs hold exactly the review's documents
  1  differences (listed): changed or missing files, documents the review lacks,
     findings gone, new or changed, an edited summary or reason, packs whose
     text does not give their digest or that are labelled builtin: but are not
     this version's, inputs that cannot be walked again
  2  the review cannot be rerun (unreadable; its packs neither embedded, nor
     given with --rules, nor built in with the recorded digests; bad --rules)";

pub fn run(args: VerifyArgs) -> Result<i32, Failure> {
    if args.jobs == Some(0) {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let recorded = read_review(&args.review)?;
    let rules = if args.rules.is_empty() {
        None
    } else {
        let mut sources = Vec::new();
        if args.with_builtin {
            sources.extend(prepub::rules::builtin_sources());
        }
        for path in &args.rules {
            sources.extend(
                sources_from_path(path).map_err(|e| Failure::usage(format!("rule error: {e}")))?,
            );
        }
        Some(sources)
    };
    let options = prepub::audit::verify::VerifyOptions {
        root: args.root.clone().unwrap_or_default(),
        rules,
        compare: args.compare,
        passwords: args.password.clone(),
        jobs: args.jobs,
        files_from: args.files_from.clone(),
        review_file: Some(args.review.clone()),
    };
    let outcome = prepub::audit::verify::verify(&recorded, &options).map_err(Failure::usage)?;
    write_stdout(outcome.render().as_bytes())?;
    Ok(if outcome.reproduced() { 0 } else { 1 })
}
