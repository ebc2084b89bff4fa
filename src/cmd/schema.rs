//! `dossier schema`: the JSON Schemas of the file formats, printed or written to a folder.

use std::path::Path;
use std::process::ExitCode;

use super::{fail_with, Console};
use crate::load::schema;

pub fn run(dir: Option<&Path>, console: Console) -> ExitCode {
    let Some(dir) = dir else {
        super::print_line(schema::bundle().trim_end());
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
        console.say(format_args!("wrote {}", path.display()));
    }
    ExitCode::SUCCESS
}
