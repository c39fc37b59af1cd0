//! `demarc completions` and `demarc man`: what a shell and `man` need, generated from the
//! same clap definition as the help text.

use super::{Cli, CompletionsArgs};
use demarc::Error;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn completions(args: CompletionsArgs) -> Result<ExitCode, Error> {
    let mut command = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(args.shell, &mut command, "demarc", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

pub fn man() -> Result<ExitCode, Error> {
    let stdout_error = |message: String| Error::Output {
        path: PathBuf::from("(standard output)"),
        message,
    };
    let command = <Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|e| stdout_error(format!("cannot render the manual page: {e}")))?;
    std::io::stdout()
        .write_all(&page)
        .map_err(|e| stdout_error(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}
