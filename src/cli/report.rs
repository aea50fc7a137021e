//! `prepub report`: render a saved JSON review again; never rescans.

use crate::cli::args::{Failure, FormArgs, OutputFormat};
use crate::cli::output::{
    Reviewed, check_output_targets, check_stdout_format, plan_outputs, render_to, stdout_colour,
    write_reports, write_stdout_with,
};
use clap::Args;
use prepub::report;
use std::path::PathBuf;

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

/// `prepub report`: renders a saved review; never rescans.
pub fn run(args: ReportArgs) -> Result<i32, Failure> {
    let outputs = plan_outputs(&args.output, args.format)?;
    check_output_targets(&outputs, &[args.review.as_path()], false)?;
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
    let mut form = args.form.options();
    // As `scan` without --verbose: a text report counts info findings per
    // document, so `report` renders the very bytes the scan wrote.
    form.summarise_info = true;
    let text = report::text::TextOptions {
        colour: stdout_colour(),
        quiet: false,
        summarise_info: form.summarise_info,
        lang: args.form.terminal_lang(),
    };
    let reviewed = Reviewed::whole(&review);
    write_reports(&reviewed, &outputs, &form, &text)?;
    if outputs.is_empty() {
        write_stdout_with(&mut |out| render_to(&reviewed, stdout_format, &form, &text, out))?;
    }
    Ok(0)
}
