//! `dossier build`: check, then render every page in parallel straight into a staging
//! folder beside the output, and swap it in once all of it is written.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{count, fail_with, print_diagnostics, report, Console};
use crate::cli::ContentArgs;
use crate::diagnostic::Diagnostic;
use crate::pipeline;
use crate::write::{self, Staging, Swap};

/// Sites with at least this many files show a progress bar (on a terminal).
const PROGRESS_THRESHOLD: usize = 200;

pub fn run(
    args: &ContentArgs,
    out_dir: &Path,
    base_url: Option<&str>,
    force: bool,
    console: Console,
) -> ExitCode {
    let started = Instant::now();
    if let Err(message) = write::check_output_dir(out_dir, &args.content, force) {
        return fail_with(&message);
    }
    let (mut checked, renderer) = match pipeline::prepare(&args.content, base_url) {
        Ok(prepared) => prepared,
        Err(errors) => return report(&errors, &[]),
    };
    if args.deny_warnings && !checked.warnings.is_empty() {
        return report(&[], &checked.warnings);
    }
    print_diagnostics(&checked.warnings);
    for note in crate::render::publishing_notes(&checked.site) {
        eprintln!("dossier: warning: {note}");
    }

    let rendering = Instant::now();
    let staging = match Staging::create(out_dir) {
        Ok(staging) => staging,
        Err(e) => return fail_with(&format!("cannot write beside {}: {e}", out_dir.display())),
    };
    let (site, resolved) = (&checked.site, &checked.resolved);
    let jobs = renderer.jobs(site, resolved);
    let progress = progress_bar(jobs.len(), console);
    let sink = |file: crate::render::OutputFile| {
        staging.write(&file).map_err(|e| {
            let path = staging.path().join(&file.path);
            Diagnostic::file_error(&path, format!("cannot write: {e}"))
        })
    };
    let rendered = renderer.render_into(site, resolved, &jobs, &sink, &progress);
    progress.finish_and_clear();
    if let Err(errors) = rendered {
        return report(&errors, &[]);
    }
    checked.timings.push(("render", rendering.elapsed()));
    let swapping = Instant::now();
    match staging.commit() {
        Ok(Swap::Renamed) => {}
        Ok(Swap::InPlace(note)) => eprintln!("dossier: note: {note}"),
        Err(e) => return fail_with(&format!("cannot write {}: {e}", out_dir.display())),
    }
    checked.timings.push(("swap", swapping.elapsed()));
    console.timings(&checked.timings);
    console.say(format_args!(
        "built {} into {}: {}, {}, {} in {} ms",
        count(jobs.len(), "file"),
        out_dir.display(),
        count(site.actors.len(), "actor"),
        count(site.sources.len(), "source"),
        count(checked.warnings.len(), "warning"),
        started.elapsed().as_millis()
    ));
    ExitCode::SUCCESS
}

/// A bar on a terminal for a site of [`PROGRESS_THRESHOLD`] files or more; else hidden.
fn progress_bar(files: usize, console: Console) -> ProgressBar {
    if console.quiet || files < PROGRESS_THRESHOLD || !std::io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stdout());
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} files")
            .expect("valid template"),
    );
    bar.set_prefix("rendering");
    bar
}
