//! The `demarc` binary: parse the command line, run it, print any error, set the exit
//! status (0 nothing to report, 1 findings at or above the threshold, 2 the run failed).

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// Counts what is allocated, so that parsing a workbook past `[limits] memory_mb` ends
/// with an error naming it instead of an abort (see `demarc::memory_guard`).
#[global_allocator]
static ALLOCATOR: demarc::memory_guard::CountingAllocator = demarc::memory_guard::CountingAllocator;

fn main() -> ExitCode {
    demarc::memory_guard::without_huge_pages();
    restore_default_sigpipe();
    let cli = cli::Cli::parse();
    let writes_files = cli.command.writes_files();
    demarc::memory_guard::command_writes_files(writes_files);
    match cli::execute(cli) {
        Ok(code) => code,
        Err(error) => {
            cli::terminal::print_error(&error, writes_files);
            ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, so `demarc check --format csv | head` would fail writing to a
/// closed pipe (a panic inside `print!`). Like every Unix filter, demarc should simply stop.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
