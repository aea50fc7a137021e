//! `prepub merge`: join the JSON reviews of the parts of one batch.

use crate::cli::args::{Failure, OutputFormat};
use crate::cli::output::{check_output_targets, write_stdout_with};
use clap::Args;
use prepub::audit::merge as shard;
use prepub::report;
use std::path::PathBuf;

/// `prepub merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON (or finished JSONL) reviews of disjoint parts of one batch
    /// (e.g. every `scan --shard K/N`).
    #[arg(value_name = "REVIEW.json", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write the merged review to FILE (atomically) instead of standard
    /// output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Join only some shards of a partition: the result records which it
    /// covers, and merges with the rest later. Without it a set that lacks
    /// a shard is refused (exit 2), naming the missing ones.
    #[arg(long)]
    pub partial: bool,
}

pub fn run(args: MergeArgs) -> Result<i32, Failure> {
    if let Some(output) = &args.output {
        let inputs: Vec<&std::path::Path> = args.inputs.iter().map(PathBuf::as_path).collect();
        check_output_targets(&[(output.clone(), OutputFormat::Json)], &inputs, false)?;
    }
    // One part at a time: its documents are spilled as it is read, so a
    // merge of 1,000 shards holds one shard's review (see README, Scale).
    let merged = shard::merge_parts(
        args.inputs.len(),
        |index| {
            let input = &args.inputs[index];
            let bytes = std::fs::read(input)
                .map_err(|e| format!("{}: cannot read: {e}", input.display()))?;
            let review =
                report::json::parse(&bytes).map_err(|e| format!("{}: {e}", input.display()))?;
            Ok(shard::Part {
                name: input.display().to_string(),
                review,
            })
        },
        args.partial,
    )
    .map_err(Failure::usage)?;
    let shard::Merged { head, documents } = &merged;
    match &args.output {
        Some(path) => {
            report::stage_with(path, &mut |out| report::json::write(head, documents, out))
                .and_then(|staged| staged.commit())
                .map_err(Failure::usage)?;
            eprintln!(
                "merged {} reviews: {} documents, {} findings → {}",
                args.inputs.len(),
                head.summary.documents,
                head.summary.findings,
                path.display()
            );
        }
        None => write_stdout_with(&mut |out| {
            report::json::write(head, documents, out).map_err(Failure::usage)
        })?,
    }
    Ok(0)
}
