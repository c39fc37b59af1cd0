//! `demarc model`: show the responsibility model in use, export it as TOML, print a
//! provider's own profile, or list where the profiles differ from the seeds' matrix.

use super::{settings, terminal, ModelArgs};
use demarc::model::profiles;
use demarc::Error;
use std::process::ExitCode;

pub fn execute(args: ModelArgs) -> Result<ExitCode, Error> {
    if let Some(name) = &args.provider {
        let profile = profiles::named(name).ok_or_else(|| {
            settings::option_error(format!(
                "--provider {name:?}: demarc has no profile for that provider: profiles are {}",
                profile_names()
            ))
        })?;
        print!("{}", profile.to_table());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(other) = &args.diff {
        if demarc::model::Builtin::named(other.as_ref()) != Some(demarc::model::Builtin::Providers)
        {
            return Err(settings::option_error(format!(
                "--diff {other:?}: expected --diff providers (the built-in provider profiles, \
                 compared with the seeds' matrix)"
            )));
        }
        print!("{}", profiles::diff_from_matrix());
        return Ok(ExitCode::SUCCESS);
    }
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

/// `AWS, Azure, Google Cloud`, for errors.
fn profile_names() -> String {
    profiles::builtin()
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
