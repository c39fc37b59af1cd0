//! The `demarc` binary: parse the command line, run it, print any error, set the exit
//! status (0 nothing to report, 1 findings at or above the threshold, 2 the run failed).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = demarc::cli::Cli::parse();
    match demarc::execute(cli) {
        Ok(code) => code,
        Err(error) => {
            demarc::terminal::print_error(&error);
            ExitCode::from(2)
        }
    }
}
