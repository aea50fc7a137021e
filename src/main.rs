mod cli;

use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, run};

fn main() {
    // Panics inside a document are caught and reported on that document;
    // keep the default hook's backtrace noise off the terminal.
    std::panic::set_hook(Box::new(|info| {
        if std::env::var_os("PREPUB_DEBUG_PANICS").is_some() {
            eprintln!("prepub: {info}");
        }
    }));
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    if let Err(message) = prepub::batch::interrupt::install() {
        eprintln!("prepub: warning: {message}");
    }
    let code = match run(cli, &matches) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("prepub: {}", failure.message);
            failure.code
        }
    };
    std::process::exit(code);
}
