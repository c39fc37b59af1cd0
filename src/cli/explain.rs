//! `demarc explain`: what a finding code means, or the whole catalogue.

use super::ExplainArgs;
use demarc::findings::explain;
use demarc::Error;
use std::process::ExitCode;

pub fn execute(args: ExplainArgs) -> Result<ExitCode, Error> {
    match args.code {
        Some(text) => print!("{}", explain::one(&text)?),
        None => print!("{}", explain::catalogue()),
    }
    Ok(ExitCode::SUCCESS)
}
