//! `prepub merge`: join the JSON reviews of the parts of one batch.

use crate::cli::args::{Failure, read_review, write_stdout};
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
    let mut parts: Vec<shard::Part> = Vec::new();
    for input in &args.inputs {
        let mut review = read_review(input)?;
        // Every shard embeds the full text of its rule packs; merge keeps
        // the first's and compares the others by digest only, so theirs
        // need not be held (merging 1,000 small shards: 111 MiB peak before,
        // 48 MiB after; see README, Scale).
        if let Some(first) = parts.first()
            && first.review.rules.digest == review.rules.digest
        {
            review.rules.packs.clear();
        }
        parts.push(shard::Part {
            name: input.display().to_string(),
            review,
        });
    }
    let merged = shard::merge_some(parts, args.partial).map_err(Failure::usage)?;
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
