//! `dossier check`: load, resolve and lint; nothing is written.

use std::path::Path;
use std::process::ExitCode;

use super::{count, print_diagnostics, report, Console};
use crate::cli::ContentArgs;
use crate::pipeline;

pub fn run(args: &ContentArgs, console: Console) -> ExitCode {
    let checked = match pipeline::check(&args.content) {
        Ok(checked) => checked,
        Err(errors) => return report(&errors, &[]),
    };
    if args.deny_warnings && !checked.warnings.is_empty() {
        return report(&[], &checked.warnings);
    }
    print_diagnostics(&checked.warnings);
    console.timings(&checked.timings);
    console.say(format_args!(
        "{}: no errors, {} ({}, {}, {})",
        Path::new(&args.content).display(),
        count(checked.warnings.len(), "warning"),
        count(checked.site.actors.len(), "actor"),
        count(checked.site.sources.len(), "source"),
        count(checked.site.outlets.len(), "outlet"),
    ));
    ExitCode::SUCCESS
}
