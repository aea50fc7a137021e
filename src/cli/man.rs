//! `prepub man`: print the man page (roff) to standard output.

use crate::cli::args::write_stdout;
use crate::cli::{Cli, Failure};
use clap::CommandFactory;

pub fn run() -> Result<i32, Failure> {
    let man = clap_mangen::Man::new(Cli::command());
    let mut buffer = Vec::new();
    man.render(&mut buffer)
        .map_err(|e| Failure::usage(e.to_string()))?;
    write_stdout(&buffer)?;
    Ok(0)
}
