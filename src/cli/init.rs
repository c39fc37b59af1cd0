//! `demarc init`: write a starter demarc.toml and workbook.

use super::{terminal, InitArgs};
use demarc::Error;
use std::process::ExitCode;

pub fn execute(args: InitArgs) -> Result<ExitCode, Error> {
    let written = demarc::init::write_starter(&args.dir, args.force)?;
    terminal::print_init(&args.dir, &written);
    Ok(ExitCode::SUCCESS)
}
