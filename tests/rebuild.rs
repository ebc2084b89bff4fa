//! Issue #8: a rebuild over the previous output hard-links the files whose bytes did not
//! change and writes only the others, without ever changing the previous output or
//! following a symbolic link planted in it.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::support::*;

const ARTICLE: &str = "content/articles/front-offensive.md";

/// Every file under `dir` (symlinks as themselves): its bytes, inode and link count.
fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u64, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_path_buf();
            let meta = e.path().symlink_metadata().expect("stat");
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (rel, (bytes, meta.ino(), meta.nlink()))
        })
        .collect()
}

fn bytes(files: &BTreeMap<PathBuf, (Vec<u8>, u64, u64)>) -> BTreeMap<&Path, &[u8]> {
    files
        .iter()
        .map(|(rel, (b, _, _))| (rel.as_path(), b.as_slice()))
        .collect()
}

fn built() -> tempfile::TempDir {
    let site = copy_fixture("site-basic");
    assert_ok(&build(site.path(), &[]));
    site
}

#[test]
fn a_rebuild_links_unchanged_files_and_writes_changed_ones_fresh() {
    let site = built();
    let public = site.path().join("public");
    let before = files(&public);
    let mut text = read(site.path(), ARTICLE);
    text.push_str("\nA new closing paragraph.\n");
    write(&site.path().join(ARTICLE), &text);
    assert_ok(&build(site.path(), &[]));
    let after = files(&public);

    let changed = Path::new("sources/front-offensive.html");
    assert_ne!(before[changed].0, after[changed].0);
    assert_ne!(before[changed].1, after[changed].1, "a changed file is new");
    let mut linked = 0;
    for (rel, (bytes, ino, nlink)) in &after {
        assert_eq!(*nlink, 1, "{rel:?}: the old tree is gone");
        match before.get(rel) {
            Some((old, old_ino, _)) if old == bytes => {
                assert_eq!(ino, old_ino, "{rel:?} is unchanged but was written again");
                linked += 1;
            }
            Some((_, old_ino, _)) => assert_ne!(ino, old_ino, "{rel:?} changed in place"),
            None => {}
        }
    }
    assert!(
        linked > after.len() / 2,
        "{linked} of {} linked",
        after.len()
    );
    assert_eq!(
        before[Path::new("assets/style.css")].1,
        after[Path::new("assets/style.css")].1
    );

    // The linked output is the output a build into a new folder writes.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("site");
    assert_ok(&build(
        site.path(),
        &["--output", fresh_out.to_str().unwrap()],
    ));
    assert!(
        bytes(&files(&fresh_out)) == bytes(&after),
        "rebuild differs from a fresh build"
    );
}

#[test]
fn a_build_that_fails_while_rendering_leaves_the_old_output_as_it_was() {
    let site = built();
    let public = site.path().join("public");
    let before = files(&public);
    write(
        &site.path().join("templates/source.html"),
        "{{ no_such_variable.at_all }}",
    );
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("templates/source.html"),
        "{}",
        stderr(&out)
    );
    // Same bytes, same inodes, and no link left in a staging folder.
    assert!(
        files(&public) == before,
        "public/ changed after a failed build"
    );
    assert!(before.values().all(|(_, _, nlink)| *nlink == 1));
    let stray: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".public"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn symlinks_and_folders_planted_in_the_old_output_are_neither_followed_nor_linked() {
    let site = built();
    let public = site.path().join("public");
    let elsewhere = tempfile::tempdir().unwrap();
    // A symlink to a file with the very bytes the build writes there.
    let css = elsewhere.path().join("style.css");
    std::fs::rename(public.join("assets/style.css"), &css).unwrap();
    std::os::unix::fs::symlink(&css, public.join("assets/style.css")).unwrap();
    // A symlink to a copy of a whole folder the build writes.
    let actors = elsewhere.path().join("actors");
    std::fs::rename(public.join("actors"), &actors).unwrap();
    std::os::unix::fs::symlink(&actors, public.join("actors")).unwrap();
    // A folder where a file is expected.
    std::fs::remove_file(public.join("index.html")).unwrap();
    std::fs::create_dir(public.join("index.html")).unwrap();
    let outside = files(elsewhere.path());

    assert_ok(&build(site.path(), &[]));
    let after = files(&public);
    for rel in ["assets/style.css", "actors/kestan.html", "index.html"] {
        let meta = public.join(rel).symlink_metadata().unwrap();
        assert!(meta.is_file(), "{rel} is not a regular file");
    }
    assert!(public.join("actors").symlink_metadata().unwrap().is_dir());
    assert!(
        files(elsewhere.path()) == outside,
        "the files outside were linked or changed"
    );
    let outside_inodes: Vec<u64> = outside.values().map(|(_, ino, _)| *ino).collect();
    assert!(after
        .values()
        .all(|(_, ino, _)| !outside_inodes.contains(ino)));
    assert_eq!(
        after[Path::new("assets/style.css")].0,
        outside[Path::new("style.css")].0
    );
}
