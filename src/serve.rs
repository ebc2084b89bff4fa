//! `dossier serve`: build in memory, serve on 127.0.0.1, watch, rebuild, live reload.

use std::path::Path;

/// Serves the site until interrupted.
pub fn serve(content: &Path, port: u16, open: bool, quiet: bool) -> Result<(), String> {
    let _ = (content, port, open, quiet);
    Err("serve is not implemented yet".to_string())
}
