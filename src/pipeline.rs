//! The build as a list of stages: load → resolve → render (→ write, in the command).

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::render::{OutputFile, Renderer};
use crate::resolve::{self, Resolved};
use crate::text::{check_url, UrlUse};

/// A loaded and resolved site.
pub struct Checked {
    pub site: Site,
    pub resolved: Resolved,
}

/// The site folder (where local `templates/` and `theme/` live) is the content folder's parent.
pub fn site_dir(content: &Path) -> PathBuf {
    match content.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Load and resolve: everything `check` validates.
pub fn check(content: &Path) -> Result<Checked, Vec<Diagnostic>> {
    let site = crate::load::load(content)?;
    let resolved = resolve::resolve(&site)?;
    Ok(Checked { site, resolved })
}

/// The whole site in memory; `base_url` overrides `site.yaml`'s.
pub fn build(
    content: &Path,
    base_url: Option<&str>,
) -> Result<(Checked, Vec<OutputFile>), Vec<Diagnostic>> {
    let renderer = Renderer::new(&site_dir(content));
    let mut checked = check(content);
    if let (Ok(c), Some(url)) = (&mut checked, base_url) {
        check_url(url, UrlUse::Web)
            .map_err(|e| vec![Diagnostic::file_error(Path::new("--base-url"), e)])?;
        c.site.config.base_url = Some(if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        });
    }
    match (checked, renderer) {
        (Ok(checked), Ok(renderer)) => {
            let files = renderer.render(&checked.site, &checked.resolved)?;
            Ok((checked, files))
        }
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}
