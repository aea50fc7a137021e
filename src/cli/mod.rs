//! The command line: argument definitions (clap derive) and the commands.
//!
//! Exit codes of `scan`: 0 = no finding at or above `--fail-on` and every
//! document fully read; 1 = some document has a finding at or above
//! `--fail-on`; 2 = usage or rule-set error (nothing scanned); 3 = no such
//! finding, but some document could not be fully read.

mod args;
mod completions;
mod config;
mod extract;
mod man;
mod merge;
mod output;
mod report;
mod review;
mod rules;
mod scan;
mod serve;
mod verify;

pub use args::Failure;

use clap::{ArgMatches, Parser, Subcommand};

/// Pre-publication confidentiality review (保密审查) of draft documents.
///
/// prepub reads every part of each document — body, headers and footers,
/// comments, tracked changes, hidden text, metadata — and checks it against
/// classification-marking, disclosure-status and personal-data rules. Each
/// document gets one verdict (pass / review / block); a document that could
/// not be fully read is never `pass`.
#[derive(Debug, Parser)]
#[command(name = "prepub", version, after_help = scan::EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review documents and write the review.
    #[command(after_help = scan::EXIT_CODES)]
    Scan(Box<scan::ScanArgs>),
    /// Render a saved JSON review again, in any report format, without
    /// rescanning: `prepub report review.json -o signoff.docx -o signoff.html`.
    Report(report::ReportArgs),
    /// List, check, test, show and start rule packs.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Print the located text segments prepub extracts from a file.
    Extract(extract::ExtractArgs),
    /// Decide each open finding interactively (remove / revise / keep) and
    /// record the decisions in the decisions file.
    #[command(after_help = review::REVIEW_HELP)]
    Review(review::ReviewArgs),
    /// Rerun a JSON review with its embedded rule packs and options, and
    /// compare finding by finding (or see what --rules NEW would change).
    #[command(after_help = verify::VERIFY_EXIT_CODES)]
    Verify(verify::VerifyArgs),
    /// Join JSON reviews of parts of one batch (e.g. `scan --shard K/N`).
    Merge(merge::MergeArgs),
    /// The review desk: a local web page to decide each finding and print
    /// the form (`prepub serve drafts/ --reviewer 张三`).
    Serve(Box<serve::ServeArgs>),
    /// Print a shell completion script.
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output.
    Man(man::ManArgs),
    /// Show the project configuration in force (prepub.toml).
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `prepub config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print every option a scan with these arguments would run with, and
    /// where each came from: a flag, the configuration file (its path), or
    /// the default. Takes the arguments of `scan`; scans nothing.
    Show(Box<scan::ScanArgs>),
}

/// Runs a parsed command line (`matches`: what clap parsed it from, to
/// tell a flag given from a default); returns the process exit code.
pub fn run(cli: Cli, matches: &ArgMatches) -> Result<i32, Failure> {
    match cli.command {
        Command::Scan(args) => scan::run(*args, &given(matches, &["scan"])),
        Command::Config(ConfigCommand::Show(args)) => {
            config::show(*args, &given(matches, &["config", "show"]))
        }
        Command::Report(args) => report::run(args),
        Command::Rules(command) => rules::run(command),
        Command::Extract(args) => extract::run(args),
        Command::Review(args) => review::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Serve(args) => serve::run(*args),
        Command::Completions { shell } => completions::run(shell),
        Command::Man(args) => man::run(args),
    }
}

/// Whether a flag (by clap id) was given on the command line of the
/// subcommand at `path`.
fn given<'a>(matches: &'a ArgMatches, path: &[&str]) -> impl Fn(&str) -> bool + 'a {
    let mut sub = Some(matches);
    for name in path {
        sub = sub.and_then(|m| m.subcommand_matches(name));
    }
    move |id: &str| {
        sub.is_some_and(|m| {
            matches!(
                m.try_get_raw(id).map(|_| m.value_source(id)),
                Ok(Some(clap::parser::ValueSource::CommandLine))
            )
        })
    }
}
