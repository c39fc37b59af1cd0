//! `demarc model`: show the responsibility model in use, or export it as TOML.

use super::{settings, terminal, ModelArgs};
use demarc::Error;
use std::process::ExitCode;

pub fn execute(args: ModelArgs) -> Result<ExitCode, Error> {
    let config = settings::load_config(args.config.as_deref())?;
    let model = settings::resolve_model(args.model.as_deref(), &config)?;
    match args.export {
        Some(path) => {
            demarc::render::write_atomically(&path, model.to_toml().as_bytes())?;
            if !terminal::is_quiet() {
                eprintln!("wrote {}", path.display());
            }
        }
        None => print!("{}", model.to_table()),
    }
    Ok(ExitCode::SUCCESS)
}
