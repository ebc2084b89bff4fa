//! `dossier new actor|article`: a scaffold with every field commented.

use std::path::Path;
use std::process::ExitCode;

use super::{fail_with, print_line, Console};
use crate::cli::NewKind;
use crate::model::ActorKind;
use crate::scaffold;

pub fn run(
    what: NewKind,
    name: &str,
    kind: Option<&str>,
    content: &Path,
    console: Console,
) -> ExitCode {
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
        Ok(path) if console.quiet => {
            print_line(path.display());
            ExitCode::SUCCESS
        }
        Ok(path) => {
            print_line(format_args!("created {}", path.display()));
            ExitCode::SUCCESS
        }
        Err(message) => fail_with(&message),
    }
}
