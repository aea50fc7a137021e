//! `prepub extract`: print the located text segments read from one file.

use crate::cli::args::{Failure, LimitArgs, OcrArgs, write_stdout};
use clap::{Args, ValueEnum};
use prepub::batch::file::ScanOptions;
use prepub::extract::document::Part;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The file to read.
    pub file: PathBuf,
    /// text (one block per segment) or json.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExtractFormat,
    /// A password to try on an encrypted document; repeatable.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub ocr: OcrArgs,
}

/// `prepub extract` prints segments, not a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// One block per segment.
    Text,
    /// The segments, problems and notices as JSON.
    Json,
}

pub fn run(args: ExtractArgs) -> Result<i32, Failure> {
    // The same bounded read of a regular file as a scan: a FIFO or a
    // device is refused, never opened for reading.
    let limits = args.limits.limits();
    let bytes = prepub::batch::read_input(&args.file, limits.max_file_bytes)
        .map_err(|why| Failure::usage(format!("{}: {why}", args.file.display())))?;
    let name = args.file.to_string_lossy().replace('\\', "/");
    let format = prepub::extract::detect(&bytes, &name);
    let options = ScanOptions {
        limits,
        passwords: args.password.clone(),
        ocr: args.ocr.settings()?,
        ..ScanOptions::default()
    };
    let extraction =
        prepub::batch::file::extract_safely(format, &name, std::sync::Arc::new(bytes), &options);
    let out = match args.format {
        ExtractFormat::Text => {
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
        ExtractFormat::Json => {
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
