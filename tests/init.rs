//! `dossier init`, and `dossier new` outside and inside a site, through the real binary.

use std::path::Path;

use crate::support::*;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    dossier()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run dossier")
}

/// Every file under `dir`, relative, with `/`.
fn tree(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// Asserts that each YAML file's `$schema=` line names a file that exists, and returns how
/// many lines it checked.
#[track_caller]
fn assert_schema_lines_resolve(content: &Path) -> usize {
    let mut checked = 0;
    for rel in tree(content).iter().filter(|f| f.ends_with(".yaml")) {
        let path = content.join(rel);
        let text = std::fs::read_to_string(&path).expect("read");
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{rel} starts with {first:?}, not a $schema line"));
        let schema = path.parent().expect("folder").join(target);
        assert!(schema.is_file(), "{rel} names {target}, which is not there");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema).expect("read")).expect("JSON");
        assert!(json["$schema"].as_str().is_some(), "{target} is a schema");
        checked += 1;
    }
    checked
}

#[test]
fn init_writes_a_site_that_builds_at_once_without_warnings() {
    let parent = tempfile::tempdir().unwrap();
    let o = run(parent.path(), &["init", "kb"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("\n  cd kb\n"), "{}", stdout(&o));
    let kb = parent.path().join("kb");
    let files = tree(&kb);
    for rel in [
        ".gitignore",
        ".github/workflows/check.yml",
        ".github/workflows/pages.yml",
        "content/site.yaml",
        "content/actors/example-group.yaml",
        "content/articles/example-group-opens-an-office.md",
        "content/outlets/example-news.yaml",
        "content/schema/actor.schema.json",
        "content/schema/article.schema.json",
        "content/schema/outlet.schema.json",
        "content/schema/site.schema.json",
    ] {
        assert!(files.contains(&rel.to_string()), "no {rel} in {files:?}");
    }
    assert_eq!(assert_schema_lines_resolve(&kb.join("content")), 3);
    assert!(read(&kb, ".gitignore").contains("/public/\n"));
    let pages = read(&kb, ".github/workflows/pages.yml");
    assert!(pages.contains("cargo install --locked --git \"$DOSSIER_GIT\""));
    assert!(pages.contains("needs: check"));
    assert!(pages.contains("uses: ./.github/workflows/check.yml"));
    let site_yaml = read(&kb, "content/site.yaml");
    for key in [
        "title:",
        "description:",
        "# base_url:",
        "# repo_url:",
        "language:",
    ] {
        assert!(site_yaml.contains(key), "site.yaml lacks {key}");
    }

    let o = run(&kb, &["check", "--deny-warnings"]);
    assert_ok(&o);
    assert!(
        stdout(&o).contains("no errors, 0 warnings"),
        "{}",
        stdout(&o)
    );
    let o = build(&kb, &[]);
    assert_ok(&o);
    assert!(stdout(&o).contains(" 0 warnings in "), "{}", stdout(&o));
    let source = read(&kb, "public/sources/example-group-opens-an-office.html");
    assert!(source.contains("href=\"../actors/example-group.html\""));
    let actor = read(&kb, "public/actors/example-group.html");
    assert!(actor.contains("sources/example-group-opens-an-office.html#p-"));

    // A profile made with `new` in the site also points at its schema.
    let o = run(&kb, &["new", "actor", "Someone Else", "--kind", "person"]);
    assert_ok(&o);
    assert_eq!(assert_schema_lines_resolve(&kb.join("content")), 4);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("notes.txt"), "mine");
    let o = run(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "dossier: error: . is not empty (it holds notes.txt); \
         `dossier init` writes only into a new or empty folder\n"
    );
    assert_eq!(tree(dir.path()), ["notes.txt"]);
    let o = run(dir.path(), &["init", "notes.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("notes.txt exists and is not a folder"));
    assert_eq!(tree(dir.path()), ["notes.txt"]);
}

#[test]
fn init_takes_a_fresh_clone_holding_only_git() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join(".git/HEAD"), "ref: refs/heads/main\n");
    let o = run(dir.path(), &["init"]);
    assert_ok(&o);
    assert!(
        !stdout(&o).contains("cd "),
        "already in the folder: {}",
        stdout(&o)
    );
    assert_ok(&build(dir.path(), &[]));
    assert!(dir.path().join("public/index.html").is_file());
}

#[test]
fn new_outside_a_site_points_at_init_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["new", "actor", "Hezbollah"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("content/site.yaml not found"), "{err}");
    assert!(err.contains("dossier init"), "{err}");
    assert!(tree(dir.path()).is_empty());
}

#[test]
fn new_actor_writes_the_schema_its_first_line_names_when_missing() {
    let site = copy_fixture("site-candidates");
    let content = site.path().join("content");
    assert!(!content.join("schema").exists());
    assert_ok(&run(site.path(), &["new", "actor", "Gamma Unit"]));
    let profile = read(&content, "actors/gamma-unit.yaml");
    assert!(
        profile.contains("\nkind: organization "),
        "the default kind"
    );
    assert!(content.join("schema/actor.schema.json").is_file());
}

/// The repository's own files, for the tests of what its docs say.
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_contributing_guide_s_new_actor_example_works_on_the_shipped_content() {
    let guide = std::fs::read_to_string(repo().join("CONTRIBUTING.md")).unwrap();
    let command = guide
        .lines()
        .find(|l| l.starts_with("cargo run --release -- new actor "))
        .expect("an example");
    let promised = guide
        .lines()
        .find_map(|l| l.strip_prefix("# created "))
        .expect("the file it creates");
    let name = command.split('"').nth(1).expect("a quoted name");
    let site = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &site.path().join("content"));
    let o = run(
        site.path(),
        &["new", "actor", name, "--kind", "organization"],
    );
    assert_ok(&o);
    assert_eq!(stdout(&o).trim(), format!("created {promised}"));
    let o = check(site.path());
    assert_ok(&o);
}
