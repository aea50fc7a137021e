//! `prepub completions SHELL`: print a shell completion script.

use crate::cli::{Cli, Failure};
use clap::CommandFactory;

pub fn run(shell: clap_complete::Shell) -> Result<i32, Failure> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "prepub", &mut std::io::stdout());
    Ok(0)
}
