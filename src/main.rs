//! Entry point: parse the command line, run the command, print diagnostics, exit 0 or 1.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use dossier::cli::{Cli, Command};
use dossier::diagnostic::Diagnostic;
use dossier::{output, pipeline};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            content,
            output: out,
            base_url,
        } => {
            let started = Instant::now();
            if let Err(message) = output::check_output_dir(&out, &content) {
                return fail_with(&message);
            }
            let (checked, files) = match pipeline::build(&content, base_url.as_deref()) {
                Ok(built) => built,
                Err(errors) => return report(&errors),
            };
            if let Err(e) = output::write_site(&files, &out) {
                return fail_with(&format!("cannot write {}: {e}", out.display()));
            }
            println!(
                "built {} files into {} ({} actors, {} sources) in {} ms",
                files.len(),
                out.display(),
                checked.site.actors.len(),
                checked.site.sources.len(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Command::Check { content } => match pipeline::check(&content) {
            Ok(checked) => {
                println!(
                    "{}: no errors ({} actors, {} sources, {} outlets)",
                    content.display(),
                    checked.site.actors.len(),
                    checked.site.sources.len(),
                    checked.site.outlets.len()
                );
                ExitCode::SUCCESS
            }
            Err(errors) => report(&errors),
        },
    }
}

/// Prints every diagnostic on stderr, then how many; exit 1.
fn report(errors: &[Diagnostic]) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    for e in errors {
        let _ = writeln!(stderr, "{e}\n");
    }
    let count = errors.iter().filter(|e| e.is_error()).count();
    let _ = writeln!(
        stderr,
        "dossier: {count} error{}; nothing was written",
        if count == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

fn fail_with(message: &str) -> ExitCode {
    eprintln!("dossier: error: {message}");
    ExitCode::FAILURE
}
