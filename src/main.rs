//! Entry point: parse the command line, run the command, print diagnostics, exit 0 or 1.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use dossier::cli::{Cli, Command, ContentArgs, NewKind};
use dossier::diagnostic::Diagnostic;
use dossier::model::ActorKind;
use dossier::{output, pipeline, scaffold, schema};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Sites with at least this many pages show a progress bar (on a terminal).
const PROGRESS_THRESHOLD: u64 = 200;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build {
            content,
            output,
            base_url,
            force,
        } => build(&content, &output, base_url.as_deref(), force, out),
        Command::Check { content } => check(&content, out),
        Command::Serve {
            content,
            port,
            open,
        } => match dossier::serve::serve(&content, port, open, cli.quiet) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => fail_with(&message),
        },
        Command::New {
            what,
            name,
            kind,
            content,
        } => new(what, &name, kind.as_deref(), &content, out),
        Command::Schema { out: dir } => write_schema(dir.as_deref(), out),
    }
}

/// What to print besides errors.
#[derive(Clone, Copy)]
struct Output {
    quiet: bool,
    verbose: bool,
}

impl Output {
    fn say(&self, line: impl std::fmt::Display) {
        if !self.quiet {
            println!("{line}");
        }
    }
}

fn build(
    args: &ContentArgs,
    out_dir: &Path,
    base_url: Option<&str>,
    force: bool,
    out: Output,
) -> ExitCode {
    let started = Instant::now();
    if let Err(message) = output::check_output_dir(out_dir, &args.content, force) {
        return fail_with(&message);
    }
    let progress = if !out.quiet && std::io::stdout().is_terminal() {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stdout());
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} pages")
                .expect("valid template"),
        );
        bar.set_prefix("rendering");
        bar
    } else {
        ProgressBar::hidden()
    };
    let (mut checked, files) =
        match pipeline::build_with_progress(&args.content, base_url, &progress) {
            Ok(built) => built,
            Err(errors) => return report(&errors, &[]),
        };
    if files.len() as u64 >= PROGRESS_THRESHOLD {
        progress.finish_and_clear();
    }
    if !checked.warnings.is_empty() && args.deny_warnings {
        return report(&[], &checked.warnings);
    }
    print_diagnostics(&checked.warnings);
    let writing = Instant::now();
    match output::write_site(&files, out_dir) {
        Ok(output::Swap::InPlace(note)) => eprintln!("dossier: note: {note}"),
        Ok(output::Swap::Renamed) => {}
        Err(e) => return fail_with(&format!("cannot write {}: {e}", out_dir.display())),
    }
    checked.timings.push(("write", writing.elapsed()));
    if out.verbose {
        for (stage, time) in &checked.timings {
            println!("  {stage:<9} {:>7.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    out.say(format_args!(
        "built {} files into {}: {} actors, {} sources, {} warning{} in {} ms",
        files.len(),
        out_dir.display(),
        checked.site.actors.len(),
        checked.site.sources.len(),
        checked.warnings.len(),
        plural(checked.warnings.len()),
        started.elapsed().as_millis()
    ));
    ExitCode::SUCCESS
}

fn check(args: &ContentArgs, out: Output) -> ExitCode {
    match pipeline::check(&args.content) {
        Ok(checked) if args.deny_warnings && !checked.warnings.is_empty() => {
            report(&[], &checked.warnings)
        }
        Ok(checked) => {
            print_diagnostics(&checked.warnings);
            if out.verbose {
                for (stage, time) in &checked.timings {
                    println!("  {stage:<9} {:>7.1} ms", time.as_secs_f64() * 1000.0);
                }
            }
            out.say(format_args!(
                "{}: no errors, {} warning{} ({} actors, {} sources, {} outlets)",
                args.content.display(),
                checked.warnings.len(),
                plural(checked.warnings.len()),
                checked.site.actors.len(),
                checked.site.sources.len(),
                checked.site.outlets.len()
            ));
            ExitCode::SUCCESS
        }
        Err(errors) => report(&errors, &[]),
    }
}

fn new(what: NewKind, name: &str, kind: Option<&str>, content: &Path, out: Output) -> ExitCode {
    let created = match what {
        NewKind::Actor => {
            let kind = match kind.map(ActorKind::parse) {
                None => ActorKind::Organization,
                Some(Some(kind)) => kind,
                Some(None) => {
                    return fail_with("--kind takes person, organization, state or coalition")
                }
            };
            scaffold::create(
                content,
                "actors",
                name,
                "yaml",
                &scaffold::actor(name, kind),
            )
        }
        NewKind::Article => {
            scaffold::create(content, "articles", name, "md", &scaffold::article(name))
        }
    };
    match created {
        Ok(path) => {
            if out.quiet {
                println!("{}", path.display());
            } else {
                println!("created {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(message) => fail_with(&message),
    }
}

fn write_schema(dir: Option<&Path>, out: Output) -> ExitCode {
    let Some(dir) = dir else {
        print!("{}", schema::bundle());
        return ExitCode::SUCCESS;
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail_with(&format!("cannot create {}: {e}", dir.display()));
    }
    for (name, text) in schema::schemas() {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            return fail_with(&format!("cannot write {}: {e}", path.display()));
        }
        out.say(format_args!("wrote {}", path.display()));
    }
    ExitCode::SUCCESS
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let mut stderr = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(stderr, "{d}\n");
    }
}

/// Prints every diagnostic on stderr, then how many; exit 1. With `--deny-warnings`
/// the warnings are what fails.
fn report(errors: &[Diagnostic], denied_warnings: &[Diagnostic]) -> ExitCode {
    print_diagnostics(errors);
    print_diagnostics(denied_warnings);
    let mut stderr = std::io::stderr().lock();
    if errors.is_empty() {
        let n = denied_warnings.len();
        let _ = writeln!(
            stderr,
            "dossier: {n} warning{} denied by --deny-warnings; nothing was written",
            plural(n)
        );
    } else {
        let n = errors.len();
        let _ = writeln!(
            stderr,
            "dossier: {n} error{}; nothing was written",
            plural(n)
        );
    }
    ExitCode::FAILURE
}

fn fail_with(message: &str) -> ExitCode {
    eprintln!("dossier: error: {message}");
    ExitCode::FAILURE
}
