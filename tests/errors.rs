//! The full text of errors for bad input: each test copies the valid `errors-base` site,
//! breaks one file, runs `dossier check` and compares the whole of stderr.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::*;

const ALPHA: &str = "content/actors/alpha-group.yaml";
const BETA: &str = "content/actors/beta-state.yaml";
const ARTICLE: &str = "content/articles/first-report.md";

/// Copies the base site, writes each `(path in the site folder, bytes)`, runs `check`.
fn check_site_with(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Output) {
    let site = copy_fixture("errors-base");
    for (rel, bytes) in files {
        let path = site.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
    }
    let out = check(site.path());
    (site, out)
}

/// The stderr of a run that must have failed cleanly: exit code 1, no panic.
#[track_caller]
fn failed_stderr(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1, stderr:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Copies the base site, writes `text` to `rel`, runs `check`; its stderr, after exit 1.
#[track_caller]
fn check_errors(rel: &str, text: &str) -> String {
    failed_stderr(&check_site_with(&[(rel, text.as_bytes())]).1)
}

/// Breaks `rel` with `text`; stderr must be exactly `diagnostic`, a blank line and the count.
#[track_caller]
fn assert_one_error(rel: &str, text: &str, diagnostic: &str) {
    let expected = format!("{diagnostic}\n\ndossier: 1 error; nothing was written\n");
    assert_eq!(check_errors(rel, text), expected);
}

#[test]
fn the_base_fixture_checks_clean() {
    let site = copy_fixture("errors-base");
    let out = check(site.path());
    assert_ok(&out);
    assert_eq!(stderr(&out), "");
}

#[test]
fn errors_on_unknown_key_in_an_actor_with_a_suggestion() {
    let text = "name: Alpha Group\nkind: organization\nalaises: [Alpha Front]\n";
    assert_one_error(
        ALPHA,
        text,
        "\
content/actors/alpha-group.yaml:3:1: error: unknown key `alaises`; did you mean `aliases`?
3 | alaises: [Alpha Front]
  | ^^^^^^^",
    );
}

#[test]
fn errors_on_unknown_key_in_front_matter_at_its_line_in_the_file() {
    let text = "---\ntitle: Alpha Group\ndate: 2023-10-07\nautor: Jane Doe\n---\nBody.\n";
    assert_one_error(
        ARTICLE,
        text,
        "\
content/articles/first-report.md:4:1: error: unknown key `autor`; did you mean `author`?
4 | autor: Jane Doe
  | ^^^^^",
    );
}

#[test]
fn errors_on_an_actor_without_a_name() {
    assert_one_error(
        BETA,
        "kind: state\n",
        "\
content/actors/beta-state.yaml:1:1: error: missing required key `name`
1 | kind: state
  | ^^^^",
    );
}

#[test]
fn errors_on_an_article_without_a_title() {
    assert_one_error(
        ARTICLE,
        "---\ndate: 2023-10-07\n---\nBody.\n",
        "\
content/articles/first-report.md:2:1: error: missing required key `title`
2 | date: 2023-10-07
  | ^^^^",
    );
}

#[test]
fn errors_on_a_missing_key_at_the_start_of_the_mapping_not_at_its_last_key() {
    let text = "kind: state\nsummary: A fictional state.\ncountry: beta-state\n";
    assert_one_error(
        BETA,
        text,
        "\
content/actors/beta-state.yaml:1:1: error: missing required key `name`
1 | kind: state
  | ^^^^",
    );
}

#[test]
fn errors_on_a_relation_missing_its_target_at_the_list_item() {
    let text = "name: Beta State\nkind: state\nrelations:\n  - type: opposes\n    note: A note.\n    since: 2001\n";
    assert_one_error(
        BETA,
        text,
        "\
content/actors/beta-state.yaml:4:5: error: missing required key `target`
4 |   - type: opposes
  |     ^^^^",
    );
}

#[test]
fn errors_on_an_invalid_id_and_suggests_the_file_name() {
    let text = "name: Bad Name\nkind: person\n";
    assert_one_error(
        "content/actors/Bad Name.yaml", text,
        "\
content/actors/Bad Name.yaml:1:1: error: invalid id `Bad Name`: ids are lowercase letters and digits joined by single hyphens; rename the file to `bad-name.yaml`",
    );
}

#[test]
fn errors_on_a_day_that_does_not_exist() {
    let text = "---\ntitle: Alpha Group\ndate: 2023-02-30\n---\nBody.\n";
    assert_one_error(
        ARTICLE, text,
        "\
content/articles/first-report.md:3:7: error: invalid date `2023-02-30`: write YYYY, YYYY-MM or YYYY-MM-DD, a day that exists
3 | date: 2023-02-30
  |       ^^^^^^^^^^",
    );
}

#[test]
fn errors_on_a_month_that_does_not_exist() {
    let text = "name: Beta State\nkind: state\nfounded: 2023-13\n";
    assert_one_error(
        BETA, text,
        "\
content/actors/beta-state.yaml:3:10: error: invalid date `2023-13`: write YYYY, YYYY-MM or YYYY-MM-DD, a day that exists
3 | founded: 2023-13
  |          ^^^^^^^",
    );
}

/// The base profile of Alpha Group with one relation written as given.
fn alpha_with_relation(kind: &str, target: &str) -> String {
    format!("name: Alpha Group\nkind: organization\nrelations:\n  - type: {kind}\n    target: {target}\n")
}

#[test]
fn errors_on_a_misspelt_relation_type_with_a_suggestion() {
    assert_one_error(
        ALPHA,
        &alpha_with_relation("oposes", "beta-state"),
        "\
content/actors/alpha-group.yaml:4:11: error: unknown relation type `oposes`; did you mean `opposes`?
4 |   - type: oposes
  |           ^^^^^^",
    );
}

#[test]
fn errors_on_unknown_relation_type_alied_of_suggesting_ally_of() {
    assert_one_error(
        ALPHA, &alpha_with_relation("alied-of", "beta-state"),
        "\
content/actors/alpha-group.yaml:4:11: error: unknown relation type `alied-of`; did you mean `ally-of`?
4 |   - type: alied-of
  |           ^^^^^^^^",
    );
}

#[test]
fn errors_on_unknown_relation_target_with_a_suggestion() {
    assert_one_error(
        ALPHA, &alpha_with_relation("ally-of", "beta-stat"),
        "\
content/actors/alpha-group.yaml:5:13: error: unknown actor `beta-stat` (no actors/<id>.yaml); did you mean `beta-state`?
5 |     target: beta-stat
  |             ^^^^^^^^^",
    );
}

#[test]
fn errors_on_unknown_outlet_with_a_suggestion() {
    let text = "---\ntitle: Alpha Group\noutlet: example-newz\n---\nBody.\n";
    assert_one_error(
        ARTICLE, text,
        "\
content/articles/first-report.md:3:9: error: unknown outlet `example-newz` (no outlets/<id>.yaml); did you mean `example-news`?
3 | outlet: example-newz
  |         ^^^^^^^^^^^^",
    );
}

#[test]
fn errors_on_unknown_article_in_sources() {
    let text = "name: Beta State\nkind: state\nsources: [first-report, first-reprot]\n";
    assert_one_error(
        BETA, text,
        "\
content/actors/beta-state.yaml:3:25: error: unknown article `first-reprot` (no articles/<id>.md); did you mean `first-report`?
3 | sources: [first-report, first-reprot]
  |                         ^^^^^^^^^^^^",
    );
}

#[test]
fn errors_on_unknown_kind_listing_the_kinds() {
    assert_one_error(
        BETA, "name: Beta State\nkind: nation\n",
        "\
content/actors/beta-state.yaml:2:7: error: unknown kind `nation`; use one of: person, organization, state, coalition
2 | kind: nation
  |       ^^^^^^",
    );
}

/// An article whose body (lines 4 and 6 of the file) is the given paragraph after a valid one.
fn article_with_paragraph(paragraph: &str) -> String {
    format!("---\ntitle: Alpha Group and Beta State\n---\nAlpha Group said that Beta State supports it.\n\n{paragraph}\n")
}

#[test]
fn errors_on_a_javascript_link_in_an_article_body() {
    let text = article_with_paragraph("See [the statement](javascript:alert(1)) for details.");
    assert_one_error(
        ARTICLE, &text,
        "\
content/articles/first-report.md:6:5: error: URL scheme `javascript:` is not allowed: links may use http, https, mailto or a relative path
6 | See [the statement](javascript:alert(1)) for details.
  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    );
}

#[test]
fn errors_on_an_upper_case_javascript_link() {
    let text = article_with_paragraph("Officials said so, see [here](JAVASCRIPT:alert(1)).");
    assert_one_error(
        ARTICLE, &text,
        "\
content/articles/first-report.md:6:24: error: URL scheme `javascript:` is not allowed: links may use http, https, mailto or a relative path
6 | Officials said so, see [here](JAVASCRIPT:alert(1)).
  |                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    );
}

#[test]
fn errors_on_a_data_url_in_a_yaml_field() {
    let text = "---\ntitle: Alpha Group\nurl: data:text/html;base64,PHNjcmlwdD4=\n---\nBody.\n";
    assert_one_error(
        ARTICLE, text,
        "\
content/articles/first-report.md:3:6: error: URL scheme `data:` is not allowed here: use http or https
3 | url: data:text/html;base64,PHNjcmlwdD4=
  |      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    );
}

#[test]
fn errors_on_unknown_wikilink_ids() {
    let text = article_with_paragraph("Officials met [[alpha-grop]] and [[gamma]] today.");
    assert_eq!(
        check_errors(ARTICLE, &text),
        "\
content/articles/first-report.md:6:15: error: unknown actor `alpha-grop` in wikilink; did you mean `alpha-group`?
6 | Officials met [[alpha-grop]] and [[gamma]] today.
  |               ^^^^^^^^^^^^^^

content/articles/first-report.md:6:34: error: unknown actor `gamma` in wikilink
6 | Officials met [[alpha-grop]] and [[gamma]] today.
  |                                  ^^^^^^^^^

dossier: 2 errors; nothing was written
"
    );
}

#[test]
fn errors_in_a_profile_description_point_at_their_own_line() {
    let text = "name: Beta State\nkind: state\ndescription: |\n  A fictional state.\n\n  It backs [[alpha-grup]] and [a page](javascript:alert(1)).\n";
    assert_eq!(
        check_errors(BETA, text),
        "\
content/actors/beta-state.yaml:6:12: error: unknown actor `alpha-grup` in wikilink; did you mean `alpha-group`?
6 |   It backs [[alpha-grup]] and [a page](javascript:alert(1)).
  |            ^^^^^^^^^^^^^^

content/actors/beta-state.yaml:6:31: error: URL scheme `javascript:` is not allowed: links may use http, https, mailto or a relative path
6 |   It backs [[alpha-grup]] and [a page](javascript:alert(1)).
  |                               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

dossier: 2 errors; nothing was written
"
    );
}

#[test]
fn errors_on_an_alias_claimed_by_two_actors_naming_both_files() {
    let text = "name: Beta State\nkind: state\naliases: [Beta, Alpha Front]\n";
    assert_one_error(
        BETA,
        text,
        "\
content/actors/beta-state.yaml:3:17: error: `Alpha Front` is claimed by two actors: `beta-state` here and `alpha-group` in content/actors/alpha-group.yaml:3:11
3 | aliases: [Beta, Alpha Front]
  |                 ^^^^^^^^^^^",
    );
}

#[test]
fn errors_on_invalid_utf8_at_its_line_and_character_column() {
    // "Bēta" has a two-byte character: the column counts characters, not bytes.
    let bytes = b"name: Beta State\nkind: state\nsummary: B\xc4\x93ta caf\xe9 society\n";
    let (_site, out) = check_site_with(&[(BETA, bytes)]);
    assert_eq!(
        failed_stderr(&out),
        "\
content/actors/beta-state.yaml:3:18: error: invalid UTF-8: files must be saved as UTF-8
3 | summary: Bēta caf\u{fffd} society
  |                  ^

dossier: 1 error; nothing was written
"
    );
}

#[test]
fn errors_on_a_symlink_leaving_the_content_folder_without_reading_it() {
    let site = copy_fixture("errors-base");
    let secret = site.path().join("secret.md");
    write(&secret, "---\ntitle: SECRET TITLE\n---\nTOP SECRET BODY\n");
    std::os::unix::fs::symlink(&secret, site.path().join("content/articles/leak.md"))
        .expect("symlink");
    let out = check(site.path());
    let err = failed_stderr(&out);
    assert_eq!(
        err,
        format!(
            "\
content/articles/leak.md:1:1: error: symbolic link points outside the content folder ({}); only files inside it are published

dossier: 1 error; nothing was written
",
            secret.display()
        )
    );
    let built = build(site.path(), &[]);
    let all = format!("{err}{}{}{}", stdout(&out), stderr(&built), stdout(&built));
    assert!(!all.contains("SECRET"), "{all}");
    assert_eq!(built.status.code(), Some(1));
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_symlinked_folder_leaving_the_content_folder_is_one_error_and_is_not_walked() {
    let site = copy_fixture("errors-base");
    let elsewhere = site.path().join("elsewhere");
    write(&elsewhere.join("private-notes.md"), "---\ntitle: x\n---\n");
    std::os::unix::fs::symlink(&elsewhere, site.path().join("content/articles/outside"))
        .expect("symlink");
    assert_eq!(
        failed_stderr(&check(site.path())),
        format!(
            "\
content/articles/outside:1:1: error: symbolic link points outside the content folder ({}); only files inside it are published

dossier: 1 error; nothing was written
",
            elsewhere.display()
        )
    );
}

#[test]
fn errors_on_an_article_without_front_matter() {
    assert_one_error(
        ARTICLE, "title: Alpha Group\nAlpha Group said so.\n",
        "\
content/articles/first-report.md:1:1: error: missing front matter: an article starts with a `---` line, then YAML with at least `title:`, then another `---` line
1 | title: Alpha Group
  | ^",
    );
}

#[test]
fn errors_on_unclosed_front_matter() {
    let text = "---\ntitle: Alpha Group\n\nAlpha Group said so.\n";
    assert_one_error(
        ARTICLE, text,
        "\
content/articles/first-report.md:1:1: error: front matter is not closed: add a `---` line after the YAML
1 | ---
  | ^",
    );
}

#[test]
fn errors_on_a_yaml_syntax_error() {
    assert_one_error(
        BETA,
        "name: Beta State\n kind: state\n",
        "\
content/actors/beta-state.yaml:2:6: error: mapping values are not allowed in this context
2 |  kind: state
  |      ^",
    );
}

#[test]
fn errors_on_a_duplicate_key_in_words_for_authors() {
    let err = check_errors(BETA, "name: Beta State\nkind: state\nname: Again\n");
    assert!(
        err.starts_with("content/actors/beta-state.yaml:3:1: error: duplicate key `name`"),
        "{err}"
    );
    assert!(!err.contains("DuplicateKeyPolicy"), "{err}");
}

#[test]
fn line_numbers_stay_right_with_a_bom_and_crlf_in_yaml() {
    let text = "\u{feff}name: Beta State\r\nkind: state\r\nsumary: A fictional state.\r\n";
    let err = check_errors(BETA, text);
    assert_eq!(
        err,
        "\
content/actors/beta-state.yaml:3:1: error: unknown key `sumary`; did you mean `summary`?
3 | sumary: A fictional state.
  | ^^^^^^

dossier: 1 error; nothing was written
"
    );
    assert!(!err.contains('\r'));
}

#[test]
fn line_numbers_stay_right_with_a_bom_and_crlf_in_an_article_body() {
    let text = "\u{feff}---\r\ntitle: Alpha Group\r\ndate: 2023-10-07\r\n---\r\n\
                Alpha Group said that Beta State supports it.\r\n\r\n\
                Officials of Beta State [denied](javascript:void(0)) it.\r\n";
    let err = check_errors(ARTICLE, text);
    assert_eq!(
        err,
        "\
content/articles/first-report.md:7:25: error: URL scheme `javascript:` is not allowed: links may use http, https, mailto or a relative path
7 | Officials of Beta State [denied](javascript:void(0)) it.
  |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^

dossier: 1 error; nothing was written
"
    );
    assert!(!err.contains('\r'));
}

#[test]
fn reports_the_errors_of_all_files_at_once_sorted_by_path() {
    let (_site, out) = check_site_with(&[
        ("content/site.yaml", b"titl: Errors Test Site\n"),
        (
            ARTICLE,
            b"---\ntitle: Alpha Group\ndate: 2023-02-30\n---\nBody.\n",
        ),
        (BETA, b"name: Beta State\nkind: stat\n"),
    ]);
    assert_eq!(
        failed_stderr(&out),
        "\
content/actors/beta-state.yaml:2:7: error: unknown kind `stat`; did you mean `state`?
2 | kind: stat
  |       ^^^^

content/articles/first-report.md:3:7: error: invalid date `2023-02-30`: write YYYY, YYYY-MM or YYYY-MM-DD, a day that exists
3 | date: 2023-02-30
  |       ^^^^^^^^^^

content/site.yaml:1:1: error: unknown key `titl`; did you mean `title`?
1 | titl: Errors Test Site
  | ^^^^

dossier: 3 errors; nothing was written
"
    );
}

#[test]
/// Alpha Group's relation and the article's wikilink name the broken profile: they are not
/// reported as unknown ids on top of the profile's own error.
fn reports_body_errors_even_when_another_file_fails_to_load() {
    let article = article_with_paragraph("See [this](javascript:alert(1)) on [[beta-state]].");
    let (_site, out) = check_site_with(&[
        (BETA, b"name: Beta State\nkind: state\nsumary: x\n"),
        (ARTICLE, article.as_bytes()),
    ]);
    assert_eq!(
        failed_stderr(&out),
        "\
content/actors/beta-state.yaml:3:1: error: unknown key `sumary`; did you mean `summary`?
3 | sumary: x
  | ^^^^^^

content/articles/first-report.md:6:5: error: URL scheme `javascript:` is not allowed: links may use http, https, mailto or a relative path
6 | See [this](javascript:alert(1)) on [[beta-state]].
  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^

dossier: 2 errors; nothing was written
"
    );
}

#[test]
fn weird_inputs_fail_cleanly_without_panicking() {
    let deep = "[".repeat(10_000);
    let deep_value = format!(
        "name: {}{}\nkind: state\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let cases: [(&str, &str); 9] = [
        (BETA, ""),
        (BETA, "\u{feff}"),
        (BETA, "- name: Beta State\n- kind: state\n"),
        (BETA, "just a scalar\n"),
        (BETA, "~\n"),
        (BETA, &deep),
        (BETA, &deep_value),
        (ARTICLE, "---\n---\n"),
        ("content/site.yaml", ""),
    ];
    for (rel, text) in cases {
        let (_site, out) = check_site_with(&[(rel, text.as_bytes())]);
        let err = stderr(&out);
        let shown: String = text.chars().take(40).collect();
        assert_eq!(out.status.code(), Some(1), "{rel} = {shown:?}:\n{err}");
        assert!(!err.contains("panicked"), "{rel} = {shown:?}:\n{err}");
        assert!(err.contains(": error: "), "{rel} = {shown:?}:\n{err}");
        assert!(
            err.ends_with("error; nothing was written\n")
                || err.ends_with("errors; nothing was written\n"),
            "{rel} = {shown:?}:\n{err}"
        );
    }
    // Deep but valid Markdown is no error at all, and no crash either.
    for body in [">".repeat(10_000), "[".repeat(10_000), "*".repeat(20_000)] {
        let text = format!("---\ntitle: Deep\n---\n{body} Alpha Group\n");
        let (_site, out) = check_site_with(&[(ARTICLE, text.as_bytes())]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
}

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_path_buf();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = copy_fixture("errors-base");
    assert_ok(&build(site.path(), &[]));
    let public = site.path().join("public");
    let before = snapshot(&public);
    assert!(
        before.contains_key(Path::new("index.html")),
        "{:?}",
        before.keys()
    );

    write(&site.path().join(BETA), "name: Beta State\nkind: stat\n");
    let out = build(site.path(), &[]);
    assert!(failed_stderr(&out).ends_with("dossier: 1 error; nothing was written\n"));

    assert!(
        snapshot(&public) == before,
        "public/ changed after a failed build"
    );
    let stray: Vec<String> = std::fs::read_dir(site.path())
        .expect("read site")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(stray.is_empty(), "temporary folders left behind: {stray:?}");
}
