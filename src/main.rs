mod cli;

use clap::Parser;
use cli::{Cli, run};

fn main() {
    // Panics inside a document are caught and reported on that document;
    // keep the default hook's backtrace noise off the terminal.
    std::panic::set_hook(Box::new(|info| {
        if std::env::var_os("PREPUB_DEBUG_PANICS").is_some() {
            eprintln!("prepub: {info}");
        }
    }));
    let cli = Cli::parse();
    if let Err(message) = prepub::batch::interrupt::install() {
        eprintln!("prepub: warning: {message}");
    }
    let code = match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("prepub: {}", failure.message);
            failure.code
        }
    };
    std::process::exit(code);
}
