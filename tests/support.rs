//! Helpers shared by the integration tests: run the real binary on fixture sites.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `dossier` binary under test.
pub fn dossier() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fresh temporary site folder holding a copy of `tests/fixtures/<name>` (its `content/`,
/// and `templates/`/`theme/` if any), so a test may change files freely.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs `dossier build` in `site` (content/ → public/ unless `extra` says otherwise).
pub fn build(site: &Path, extra: &[&str]) -> Output {
    dossier()
        .current_dir(site)
        .arg("build")
        .args(extra)
        .output()
        .expect("run dossier")
}

/// Runs `dossier check` in `site`.
pub fn check(site: &Path) -> Output {
    dossier()
        .current_dir(site)
        .arg("check")
        .output()
        .expect("run dossier")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success, showing stderr when it fails.
#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "dossier failed:\n{}", stderr(o));
}

/// Reads a built file as text.
pub fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// Writes a file, creating its folder.
pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}
