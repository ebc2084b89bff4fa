//! The build as a list of stages: load → resolve → lint → render → write.
//!
//! Every stage collects all of its problems; a run reports the errors of every stage it
//! reached (content, templates and `--base-url` alike) at once.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostic::{self, Diagnostic};
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

/// Load, resolve and lint: everything `check` validates. Warnings come with a success.
pub fn check(content: &Path) -> Result<Checked, Vec<Diagnostic>> {
    let started = Instant::now();
    let (site, load_errors) = crate::load::load(content);
    let loaded = started.elapsed();
    // Resolve even after load errors, so that one run reports the problems of both stages.
    let resolved = resolve::resolve(&site);
    let timings = vec![("load", loaded), ("resolve", started.elapsed() - loaded)];
    finish(site, load_errors, resolved, timings)
}

/// The end of [`check`], given the outcome of load and resolve: every error of both, or
/// the resolved site with its warnings.
pub fn finish(
    site: Site,
    errors: Vec<Diagnostic>,
    resolved: Result<Resolved, Vec<Diagnostic>>,
    timings: Vec<(&'static str, Duration)>,
) -> Result<Checked, Vec<Diagnostic>> {
    finish_with(site, errors, resolved, timings, crate::lint::warnings)
}

/// [`finish`] with the lint stage given (`serve` keeps part of its work between builds).
pub fn finish_with(
    site: Site,
    mut errors: Vec<Diagnostic>,
    resolved: Result<Resolved, Vec<Diagnostic>>,
    mut timings: Vec<(&'static str, Duration)>,
    lint: impl FnOnce(&Site, &Resolved) -> Vec<Diagnostic>,
) -> Result<Checked, Vec<Diagnostic>> {
    let resolved = match resolved {
        Ok(resolved) if errors.is_empty() => resolved,
        Ok(_) => return Err(errors),
        Err(more) => {
            errors.extend(more);
            diagnostic::sort(&mut errors);
            errors.dedup();
            return Err(errors);
        }
    };
    let started = Instant::now();
    let mut warnings = lint(&site, &resolved);
    diagnostic::sort(&mut warnings);
    timings.push(("lint", started.elapsed()));
    Ok(Checked {
        site,
        resolved,
        warnings,
        timings,
    })
}

/// Everything a build needs before it renders: the checked site with `base_url` (which
/// overrides `site.yaml`'s) applied, and the templates. Errors of the content, the
/// templates and the base URL are reported together.
pub fn prepare(
    content: &Path,
    base_url: Option<&str>,
) -> Result<(Checked, Renderer), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let base_url = base_url.and_then(|url| checked_base_url(url).map_err(|e| errors.push(e)).ok());
    let renderer = Renderer::new(&site_dir(content)).map_err(|e| errors.extend(e));
    let checked = check(content).map_err(|e| errors.extend(e));
    match (checked, renderer) {
        (Ok(mut checked), Ok(renderer)) if errors.is_empty() => {
            if let Some(url) = base_url {
                checked.site.config.base_url = Some(url);
            }
            Ok((checked, renderer))
        }
        _ => Err(errors),
    }
}

/// The whole site in memory (for `serve` and tests); `base_url` overrides `site.yaml`'s.
pub fn build(
    content: &Path,
    base_url: Option<&str>,
) -> Result<(Checked, Vec<OutputFile>), Vec<Diagnostic>> {
    let (mut checked, renderer) = prepare(content, base_url)?;
    let started = Instant::now();
    let files = renderer.render(&checked.site, &checked.resolved)?;
    checked.timings.push(("render", started.elapsed()));
    Ok((checked, files))
}

/// `--base-url` checked as a web URL, with a trailing slash.
pub fn checked_base_url(url: &str) -> Result<String, Diagnostic> {
    check_url(url, UrlUse::Web)
        .map(|()| with_trailing_slash(url))
        .map_err(|e| Diagnostic::file_error(Path::new("--base-url"), e))
}

pub fn with_trailing_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}
