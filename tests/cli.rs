//! `new`, `schema`, warnings and output flags, through the real binary.

use std::path::Path;

use crate::support::*;

fn run(site: &Path, args: &[&str]) -> std::process::Output {
    dossier()
        .current_dir(site)
        .args(args)
        .output()
        .expect("run dossier")
}

#[test]
fn new_actor_writes_a_slug_named_scaffold_that_check_accepts() {
    let site = copy_fixture("site-candidates");
    let o = run(
        site.path(),
        &[
            "new",
            "actor",
            "Kata’ib Hezbollah",
            "--kind",
            "organization",
        ],
    );
    assert_ok(&o);
    assert_eq!(
        stdout(&o).trim(),
        "created content/actors/kataib-hezbollah.yaml"
    );
    let text = read(site.path(), "content/actors/kataib-hezbollah.yaml");
    assert!(text.starts_with("# yaml-language-server: $schema=../schema/actor.schema.json\n"));
    assert!(text.contains("name: \"Kata’ib Hezbollah\""));
    assert!(text.contains("kind: organization"));
    let o = run(
        site.path(),
        &["new", "article", "Hezbollah and Hamas: a Report"],
    );
    assert_ok(&o);
    assert!(site
        .path()
        .join("content/articles/hezbollah-and-hamas-a-report.md")
        .is_file());
    assert_ok(&check(site.path()));
}

#[test]
fn new_refuses_to_overwrite_and_rejects_unknown_kinds() {
    let site = copy_fixture("site-candidates");
    let before = read(site.path(), "content/actors/alpha-front.yaml");
    let o = run(site.path(), &["new", "actor", "Alpha Front"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/actors/alpha-front.yaml already exists"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(site.path(), "content/actors/alpha-front.yaml"), before);
    let o = run(site.path(), &["new", "actor", "Someone", "--kind", "persn"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!site.path().join("content/actors/someone.yaml").exists());
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_schemas_match_what_dossier_schema_prints() {
    let out = tempfile::tempdir().unwrap();
    let o = run(out.path(), &["schema", "--out", "schema"]);
    assert_ok(&o);
    let bundle = run(out.path(), &["schema"]);
    assert_ok(&bundle);
    let bundle: serde_json::Value = serde_json::from_slice(&bundle.stdout).unwrap();
    for name in ["actor", "article", "outlet", "site"] {
        let file = format!("{name}.schema.json");
        let generated = read(out.path(), &format!("schema/{file}"));
        let committed = read(repo(), &format!("content/schema/{file}"));
        assert_eq!(
            generated, committed,
            "content/schema/{file} is stale: run `dossier schema --out content/schema`"
        );
        let parsed: serde_json::Value = serde_json::from_str(&generated).unwrap();
        assert_eq!(bundle[&file], parsed);
        assert_eq!(
            parsed["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}

fn validator(name: &str) -> crate::json_schema::Schema {
    let schema: serde_json::Value =
        serde_json::from_str(&read(repo(), &format!("content/schema/{name}.schema.json"))).unwrap();
    crate::json_schema::Schema::new(schema)
}

fn yaml(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("valid YAML")
}

#[test]
fn schema_accepts_every_shipped_profile_and_rejects_broken_ones() {
    let actor = validator("actor");
    let mut count = 0;
    for entry in std::fs::read_dir(repo().join("content/actors")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schema/actor.schema.json"),
            "{}",
            path.display()
        );
        let errors = actor.errors(&yaml(&text));
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        count += 1;
    }
    assert!(count >= 30);
    for broken in [
        "name: X\nkind: persn\n",
        "name: X\nkind: person\nalaises: [Y]\n",
        "kind: person\n",
        "name: X\nkind: person\nrelations:\n  - type: alied-of\n    target: y\n",
        "name: X\nkind: person\nborn: 1960-13\n",
        "name: X\nkind: person\nlinks: { wikidata: 38799 }\n",
    ] {
        assert!(!actor.is_valid(&yaml(broken)), "accepted: {broken}");
    }
    let outlet = validator("outlet");
    assert!(outlet.is_valid(&yaml(&read(repo(), "content/outlets/lbci.yaml"))));
    assert!(!outlet.is_valid(&yaml("name: X\nwebsite: https://x\n")));
    assert!(validator("site").is_valid(&yaml(&read(repo(), "content/site.yaml"))));
}

#[test]
fn warnings_list_unmentioned_actors_silent_sources_disagreeing_relations_and_candidates() {
    let site = copy_fixture("site-candidates");
    let o = check(site.path());
    assert_ok(&o);
    let err = stderr(&o);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(
        warnings,
        [
            "content/actors/alpha-front.yaml:5:13: warning: `alpha-front` ally-of `beta-council` here, but content/actors/beta-council.yaml declares `opposes` back; the inverse of `ally-of` is `ally-of`",
            "content/actors/beta-council.yaml:5:13: warning: `beta-council` opposes `alpha-front` here, but content/actors/alpha-front.yaml declares `ally-of` back; the inverse of `opposes` is `opposes`",
            "content/actors/quiet-state.yaml:1:7: warning: no source mentions `quiet-state` (Quiet State): add an alias the articles use, or tag it in an article's `actors:`",
            "content/articles/one.md:2:1: warning: `one` has no `url`, `date`, `outlet` in its front matter: readers see where a source comes from by its original address, date and outlet (where they cannot be established, say why in `provenance`)",
            "content/articles/one.md:4:30: warning: candidate actor `Mar Elias`: in 2 sources (3 times), matching no profile",
            "content/articles/one.md:5:1: warning: candidate actor `Northern Command`: in 3 sources (3 times), matching no profile",
            "content/articles/three.md:2:1: warning: `three` has no `url`, `date`, `outlet` in its front matter: readers see where a source comes from by its original address, date and outlet (where they cannot be established, say why in `provenance`)",
            "content/articles/three.md:2:1: warning: `three` mentions no actor: add the aliases it uses to profiles, or tag actors in `actors:`",
            "content/articles/two.md:2:1: warning: `two` has no `url`, `date`, `outlet` in its front matter: readers see where a source comes from by its original address, date and outlet (where they cannot be established, say why in `provenance`)",
        ]
    );
    assert!(
        !err.contains("Rare Person"),
        "a name in one source is not a candidate"
    );
    assert!(!err.contains("`Monday`"));
    assert!(stdout(&o).contains("no errors, 9 warnings"));
}

#[test]
fn deny_warnings_fails_the_build_and_writes_nothing() {
    let site = copy_fixture("site-candidates");
    let o = build(site.path(), &["--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o)
        .ends_with("dossier: 9 warnings denied by --deny-warnings; nothing was written\n"));
    assert!(!site.path().join("public").exists());
    let o = run(site.path(), &["check", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn quiet_prints_nothing_on_success_and_verbose_prints_stages() {
    let site = copy_fixture("site-candidates");
    let o = run(site.path(), &["--quiet", "build"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "");
    let o = run(site.path(), &["build", "--verbose"]);
    assert_ok(&o);
    let out = stdout(&o);
    for stage in ["load", "resolve", "lint", "render", "swap"] {
        assert!(out.contains(&format!("  {stage}")), "{out}");
    }
    assert!(out.contains("built "));
    assert!(
        !stderr(&o).contains("built "),
        "nothing but diagnostics on stderr"
    );
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let site = copy_fixture("site-basic");
    // `true` has exited long before dossier has loaded the site and prints its summary.
    let o = std::process::Command::new("bash")
        .current_dir(site.path())
        .args(["-c", "\"$0\" check | true; exit ${PIPESTATUS[0]}"])
        .arg(env!("CARGO_BIN_EXE_dossier"))
        .output()
        .expect("run bash");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn check_counts_in_the_singular_and_plural() {
    let site = copy_fixture("site-basic");
    let o = run(site.path(), &["check"]);
    assert_ok(&o);
    assert!(stdout(&o).contains(", 1 outlet)"), "{}", stdout(&o));
}

#[test]
fn content_template_and_base_url_errors_come_in_one_run() {
    let site = copy_fixture("site-basic");
    write(
        &site.path().join("templates/actor.html"),
        "{% if %}broken{% endif %}\n",
    );
    let profile = site.path().join("content/actors/kestan.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    write(&profile, &text.replace("kind: state", "kind: stat"));
    let o = build(site.path(), &["--base-url", "javascript:alert(1)"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("kestan.yaml"), "{err}");
    assert!(err.contains("templates"), "{err}");
    assert!(err.contains("--base-url"), "{err}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn provenance_explains_a_source_without_url_date_or_outlet() {
    let site = copy_fixture("site-basic");
    let articles = site.path().join("content/articles");
    write(
        &articles.join("unknown-origin.md"),
        "---\ntitle: Kestan speaks\n---\nKestan spoke.\n",
    );
    write(
        &articles.join("explained-origin.md"),
        "---\ntitle: Kestan again\nprovenance: \"Collected from a mailing list; the original could not be found.\"\n---\nKestan spoke again.\n",
    );
    let o = run(site.path(), &["check"]);
    assert_ok(&o);
    let err = stderr(&o);
    assert!(
        err.contains("`unknown-origin` has no `url`, `date`, `outlet`"),
        "{err}"
    );
    assert!(!err.contains("`explained-origin` has no"), "{err}");
    let o = build(site.path(), &[]);
    assert_ok(&o);
    let page = read(site.path(), "public/sources/explained-origin.html");
    assert!(page.contains("Collected from a mailing list"), "{page}");
}
