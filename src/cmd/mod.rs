//! The commands, each a thin sequence of pipeline stages, and what they print.
//!
//! Diagnostics go to stderr, everything else to stdout. A closed stdout (`dossier check |
//! head -1`) is not an error: the command stops quietly with exit 0, as ripgrep does.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod schema;
pub mod serve;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use crate::diagnostic::Diagnostic;

/// What to print besides errors.
#[derive(Clone, Copy, Debug, Default)]
pub struct Console {
    pub quiet: bool,
    pub verbose: bool,
}

impl Console {
    /// A line on stdout, unless `--quiet`.
    pub fn say(&self, line: impl std::fmt::Display) {
        if !self.quiet {
            print_line(line);
        }
    }

    /// With `--verbose`, how long each stage took.
    pub fn timings(&self, timings: &[(&'static str, Duration)]) {
        if self.verbose {
            for (stage, time) in timings {
                print_line(format_args!(
                    "  {stage:<9} {:>7.1} ms",
                    time.as_secs_f64() * 1000.0
                ));
            }
        }
    }
}

/// A line on stdout; a closed pipe ends the process with success.
pub fn print_line(line: impl std::fmt::Display) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `n thing` or `n things`.
pub fn count(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", plural(n))
}

pub fn print_diagnostics<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    let mut stderr = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(stderr, "{d}\n");
    }
}

/// Prints every diagnostic on stderr, then how many; exit 1. With `--deny-warnings`
/// the warnings are what fails.
pub fn report(errors: &[Diagnostic], denied_warnings: &[Diagnostic]) -> ExitCode {
    print_diagnostics(errors);
    print_diagnostics(denied_warnings);
    let mut stderr = std::io::stderr().lock();
    if errors.is_empty() {
        let n = denied_warnings.len();
        let _ = writeln!(
            stderr,
            "dossier: {} denied by --deny-warnings; nothing was written",
            count(n, "warning")
        );
    } else {
        let _ = writeln!(
            stderr,
            "dossier: {}; nothing was written",
            count(errors.len(), "error")
        );
    }
    ExitCode::FAILURE
}

pub fn fail_with(message: &str) -> ExitCode {
    eprintln!("dossier: error: {message}");
    ExitCode::FAILURE
}
