//! Entry point: parse the command line, run the command, exit 0 or 1.

use std::process::ExitCode;

use clap::Parser;
use dossier::cli::{Cli, Command};
use dossier::cmd::{self, Console};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let console = Console {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build {
            content,
            output,
            base_url,
            force,
        } => cmd::build::run(&content, &output, base_url.as_deref(), force, console),
        Command::Check { content } => cmd::check::run(&content, console),
        Command::Serve {
            content,
            port,
            open,
        } => match cmd::serve::serve(&content, port, open, cli.quiet) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => cmd::fail_with(&message),
        },
        Command::Init { dir } => cmd::init::run(&dir, console),
        Command::New {
            what,
            name,
            kind,
            content,
        } => cmd::new::run(what, &name, kind.as_deref(), &content, console),
        Command::Schema { out } => cmd::schema::run(out.as_deref(), console),
    }
}
