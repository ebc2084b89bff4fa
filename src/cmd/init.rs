//! `dossier init [DIR]`: a new knowledge base that builds at once.

use std::path::Path;
use std::process::ExitCode;

use super::{fail_with, print_line, Console};

pub fn run(dir: &Path, console: Console) -> ExitCode {
    match crate::init::init(dir) {
        Ok(written) => {
            if console.verbose {
                for path in &written {
                    print_line(format_args!("created {}", path.display()));
                }
            }
            console.say(crate::init::next_steps(dir, written.len()));
            ExitCode::SUCCESS
        }
        Err(message) => fail_with(&message),
    }
}
