//! The build as a list of stages: load → resolve → render (→ write, in the command).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::render::{OutputFile, Renderer};
use crate::resolve::{self, Resolved};
use crate::text::{check_url, UrlUse};

/// A loaded and resolved site, its warnings, and how long each stage took.
pub struct Checked {
    pub site: Site,
    pub resolved: Resolved,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The site folder (where local `templates/` and `theme/` live) is the content folder's parent.
pub fn site_dir(content: &Path) -> PathBuf {
    match content.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Load and resolve: everything `check` validates. Warnings come with a successful result.
pub fn check(content: &Path) -> Result<Checked, Vec<Diagnostic>> {
    let started = Instant::now();
    let (site, mut errors) = crate::load::load(content);
    let loaded = started.elapsed();
    // Resolve even after load errors, so that one run reports the problems of both stages.
    let resolved = match resolve::resolve(&site) {
        Ok(resolved) if errors.is_empty() => resolved,
        Ok(_) => return Err(errors),
        Err(more) => {
            errors.extend(more);
            crate::diagnostic::sort(&mut errors);
            errors.dedup();
            return Err(errors);
        }
    };
    let resolved_at = started.elapsed();
    let mut warnings = crate::warnings::warnings(&site, &resolved);
    crate::diagnostic::sort(&mut warnings);
    let timings = vec![
        ("load", loaded),
        ("resolve", resolved_at - loaded),
        ("warnings", started.elapsed() - resolved_at),
    ];
    Ok(Checked {
        site,
        resolved,
        warnings,
        timings,
    })
}

/// The whole site in memory; `base_url` overrides `site.yaml`'s.
pub fn build(
    content: &Path,
    base_url: Option<&str>,
) -> Result<(Checked, Vec<OutputFile>), Vec<Diagnostic>> {
    build_with_progress(content, base_url, &ProgressBar::hidden())
}

/// [`build`], advancing `progress` by one for each page rendered.
pub fn build_with_progress(
    content: &Path,
    base_url: Option<&str>,
    progress: &ProgressBar,
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
        (Ok(mut checked), Ok(renderer)) => {
            let started = Instant::now();
            let files = renderer.render(&checked.site, &checked.resolved, progress)?;
            checked.timings.push(("render", started.elapsed()));
            Ok((checked, files))
        }
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}
