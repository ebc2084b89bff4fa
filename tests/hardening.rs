//! Issue #11: hostile or careless input and hostile surroundings. The output folder's
//! guard and swap, files read from outside the site, URLs that load from the network,
//! control characters, every error of a file at once, the validation gaps, and what
//! `dossier serve` answers and follows.

use std::path::Path;
use std::process::Output;

use crate::support::*;

const ALPHA: &str = "content/actors/alpha-group.yaml";
const BETA: &str = "content/actors/beta-state.yaml";
const ARTICLE: &str = "content/articles/first-report.md";

/// The `errors-base` site with `files` written over it.
fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let site = copy_fixture("errors-base");
    for (rel, text) in files {
        write(&site.path().join(rel), text);
    }
    site
}

/// Runs `check` on `site_with(files)`; its stderr after a clean failure (exit 1, no panic).
#[track_caller]
fn check_errors(files: &[(&str, &str)]) -> String {
    let site = site_with(files);
    let out = check(site.path());
    failed(&out)
}

#[track_caller]
fn failed(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "expected exit 1:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn article(body: &str) -> String {
    format!("---\ntitle: Alpha Group and Beta State\ndate: 2023-10-07\noutlet: example-news\n---\n{body}")
}

// Item 1: the output folder.

#[test]
fn an_output_inside_the_content_is_refused_and_nothing_is_deleted() {
    let site = copy_fixture("errors-base");
    for out in [
        "content/articles",
        "content/actors",
        "content/outlets",
        "content/new",
    ] {
        let o = build(site.path(), &["--output", out]);
        let err = failed(&o);
        assert!(err.contains("inside the content folder"), "{out}: {err}");
    }
    assert!(site.path().join(ARTICLE).is_file());
    assert!(site.path().join(ALPHA).is_file());
}

#[test]
fn an_output_in_the_sites_templates_or_theme_is_refused() {
    let site = copy_fixture("errors-base");
    write(&site.path().join("templates/404.html"), "{{ site.title }}");
    for out in ["templates", "theme/built", "templates/x"] {
        let err = failed(&build(site.path(), &["--output", out]));
        assert!(err.contains("refusing"), "{out}: {err}");
    }
    assert!(site.path().join("templates/404.html").is_file());
}

#[test]
fn a_folder_dossier_did_not_write_is_kept_unless_forced() {
    let site = copy_fixture("errors-base");
    write(&site.path().join("thesis/thesis.docx"), "years of work");
    let err = failed(&build(site.path(), &["--output", "thesis"]));
    assert!(
        err.contains("--force") && err.contains("not written by dossier"),
        "{err}"
    );
    assert_eq!(read(site.path(), "thesis/thesis.docx"), "years of work");
    // Its own output it replaces without asking, build after build.
    assert_ok(&build(site.path(), &[]));
    assert_ok(&build(site.path(), &[]));
    assert!(site.path().join("public/.dossier-output").is_file());
    // And with --force, the user has said so.
    assert_ok(&build(site.path(), &["--output", "thesis", "--force"]));
    assert!(!site.path().join("thesis/thesis.docx").exists());
    assert!(site.path().join("thesis/index.html").is_file());
}

// Item 2: files from the build machine.

#[cfg(unix)]
#[test]
fn theme_and_template_links_out_of_the_site_are_refused() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "root:x:0:0:secret").unwrap();
    for (folder, name) in [("theme", "style.css"), ("templates", "404.html")] {
        let site = copy_fixture("errors-base");
        std::fs::create_dir_all(site.path().join(folder)).unwrap();
        std::os::unix::fs::symlink(secret.path(), site.path().join(folder).join(name)).unwrap();
        let o = build(site.path(), &[]);
        let err = failed(&o);
        assert!(
            err.contains(&format!("{folder}/{name}")) && err.contains("outside"),
            "{err}"
        );
        assert!(!site.path().join("public").exists());
    }
}

// Item 4: URLs that load from the network.

#[test]
fn images_by_any_spelling_of_an_external_url_become_links() {
    let site = site_with(&[(
        ARTICLE,
        &article(
            "![a](HTTP://example.org/a.png) ![b](http:example.org/b.png) \
             ![c](//example.org/c.png) ![d](HtTpS://example.org/d.png) ![e](local.png)\n",
        ),
    )]);
    assert_ok(&build(site.path(), &[]));
    let page = read(site.path(), "public/sources/first-report.html");
    assert_eq!(page.matches("<img").count(), 1, "{page}");
    assert!(page.contains("<img src=\"local.png\""), "{page}");
    for href in [
        "HTTP://example.org/a.png",
        "http:example.org/b.png",
        "//example.org/c.png",
    ] {
        assert!(
            page.contains(&format!("class=\"external-image\" href=\"{href}\"")),
            "{href}: {page}"
        );
    }
}

#[test]
fn the_schema_refuses_urls_check_refuses() {
    let schema: serde_json::Value = serde_json::from_str(&read(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "content/schema/actor.schema.json",
    ))
    .unwrap();
    let validator = crate::json_schema::Schema::new(schema);
    let profile =
        |url: &str| serde_json::json!({"name": "X", "kind": "state", "links": {"website": url}});
    for bad in [
        "javascript:alert(1)",
        "ftp://example.org",
        "not a url",
        "//example.org",
    ] {
        assert!(!validator.is_valid(&profile(bad)), "schema accepts {bad}");
        let err = check_errors(&[(
            BETA,
            &format!("name: Beta State\nkind: state\nlinks:\n  website: \"{bad}\"\n"),
        )]);
        assert!(err.contains("beta-state.yaml:4:12: error"), "{bad}: {err}");
    }
    for good in ["https://example.org", "HTTP://example.org/a?b#c"] {
        assert!(validator.is_valid(&profile(good)), "schema refuses {good}");
    }
}

// Item 5: control characters.

#[test]
fn control_characters_are_errors_at_their_position() {
    let err = check_errors(&[(ARTICLE, &article("Alpha Group said\u{0} so.\n"))]);
    assert!(
        err.contains("first-report.md:6:17: error: control character U+0000"),
        "{err}"
    );
    let err = check_errors(&[(BETA, "name: \"Beta\\e]0;pwned\\a State\"\nkind: state\n")]);
    assert!(err.contains("beta-state.yaml:1:7: error"), "{err}");
    assert!(err.contains("U+001B"), "{err}");
    let err = check_errors(&[(
        "content/site.yaml",
        "title: Errors\u{b} Test\nbase_url: \"https://example.org/\\u0001\"\n",
    )]);
    assert!(
        err.contains("site.yaml:1:14: error: control character U+000B"),
        "{err}"
    );
}

#[test]
fn no_control_character_reaches_the_terminal() {
    let site = site_with(&[(BETA, "name: \"Beta \\e]0;pwned\\a\"\nkind: state\n")]);
    let out = check(site.path());
    assert!(!out.stderr.contains(&0x1b), "{:?}", stderr(&out));
    assert!(stderr(&out).contains("U+001B"), "{}", stderr(&out));
}

#[test]
fn the_feed_and_sitemap_parse_as_xml_whatever_the_text() {
    let site = site_with(&[
        (
            "content/site.yaml",
            "title: \"Tom & Jerry <]]> \\\"quotes\\\" 'n' \u{1F600}\"\nbase_url: \"https://example.org/a?b=1&c=2\"\n",
        ),
        (
            ARTICLE,
            "---\ntitle: \"Alpha Group & Beta State <b>]]></b> \u{FFFD}\"\ndate: 2023-10-07\nsummary: \"a < b && c\"\n---\nAlpha Group &#0; &amp; &#x1F600; said.\n",
        ),
    ]);
    assert_ok(&build(site.path(), &[]));
    for file in ["public/feed.xml", "public/sitemap.xml"] {
        let text = read(site.path(), file);
        if let Err(e) = roxmltree::Document::parse(&text) {
            panic!("{file}: {e}\n{text}");
        }
    }
}

#[test]
fn character_references_to_control_characters_are_errors_at_the_reference() {
    let err = check_errors(&[(
        ARTICLE,
        &article("Alpha Group said &#27;]0;x&#7; and &#xFFFE; so, `&#27;` in code.\n"),
    )]);
    for (col, code) in [(18, "U+001B"), (27, "U+0007"), (36, "U+FFFE")] {
        let want = format!("first-report.md:6:{col}: error: this character reference stands for the control character {code}");
        assert!(err.contains(&want), "{want}\n{err}");
    }
    assert_eq!(err.matches("character reference").count(), 3, "{err}");
    // `&#0;` is U+FFFD by CommonMark's rule, and `&#9;` a tab: both fine.
    let site = site_with(&[(ARTICLE, &article("Alpha Group &#0; said&#9;so.\n"))]);
    assert_ok(&build(site.path(), &[]));
    let page = read(site.path(), "public/sources/first-report.html");
    assert!(!page
        .chars()
        .any(|c| c < ' ' && !matches!(c, '\t' | '\n' | '\r')));
}

// Item 6: every error of a file, in the user's words, at the right place.

#[test]
fn every_problem_of_a_profile_is_reported_in_one_run() {
    let err = check_errors(&[(
        ALPHA,
        "name: Alpha Group\nkind: organisation\ncolour: red\nrelations:\n  - type: backed-by\n    target: nobody\nlinks:\n  website: ftp://example.org\n",
    )]);
    for expected in [
        "alpha-group.yaml:2:7: error: unknown kind `organisation`",
        "alpha-group.yaml:3:1: error: unknown key `colour`",
        "alpha-group.yaml:6:13: error: unknown actor `nobody`",
        "alpha-group.yaml:8:12: error: URL scheme `ftp:`",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn parser_messages_never_show_rust_internals() {
    let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    for profile in [
        "name: Beta State\nkind: state\nfounded: true\n".to_string(),
        "name:\nkind: state\n".to_string(),
        "name: Beta State\nkind: state\n---\nname: Again\n".to_string(),
        format!("name: Beta State\nkind: state\n{laughs}"),
        "name: !!binary /w==\nkind: state\n".to_string(),
        "name: Beta State\nkind: state\naliases: {a: b}\n".to_string(),
    ] {
        let err = check_errors(&[(BETA, &profile)]);
        for internal in [
            "enum",
            "DateScalar",
            "Option<",
            "from_str",
            "budget",
            "AliasAnchor",
            "ignore_binary",
            "struct",
            "Options",
        ] {
            assert!(!err.contains(internal), "{internal} in:\n{err}");
        }
    }
}

#[test]
fn lines_stay_right_with_cr_line_endings_and_an_unclosed_bracket() {
    let err = check_errors(&[(BETA, "name: Beta State\rkind: state\rcolour: red\r")]);
    assert!(
        err.contains("beta-state.yaml:3:1: error: unknown key `colour`"),
        "{err}"
    );
    // An unclosed `[` is reported at the `[`, not where the parser gives up (the next
    // line's `:`), with the front matter's offset in an article too.
    let err = check_errors(&[(
        BETA,
        "name: Beta State\nkind: state\naliases: [Beta, B-State\nsummary: a state\n",
    )]);
    assert!(
        err.contains("beta-state.yaml:3:10: error: `[` is never closed"),
        "{err}"
    );
    // A `[` inside plain text is text; a closed one is no problem.
    let err = check_errors(&[(
        BETA,
        "name: Beta State\nkind: state\nsummary: see [1 and [2]\ncolour: red\n",
    )]);
    assert!(
        err.contains("beta-state.yaml:4:1: error: unknown key `colour`"),
        "{err}"
    );
}

#[test]
fn a_tab_in_yaml_is_reported_where_it_is() {
    let err = check_errors(&[(
        BETA,
        "name: Beta State\nkind: state\nsummary: a state\n\t\tfounded: 1990\n",
    )]);
    assert!(
        err.contains("beta-state.yaml:4:1: error: a tab where YAML expects spaces"),
        "{err}"
    );
    assert!(err.contains("4 |   founded: 1990"), "{err}");
}

// Item 7: validation gaps.

#[test]
fn aliases_too_short_punctuation_or_invisible_are_refused() {
    for (alias, expected) in [
        ("a", "too short"),
        ("\"...\"", "too short"),
        ("\"Be\u{200B}ta\"", "invisible character (U+200B)"),
    ] {
        let err = check_errors(&[(
            BETA,
            &format!("name: Beta State\nkind: state\naliases: [{alias}]\n"),
        )]);
        assert!(
            err.contains("beta-state.yaml:3:11: error") && err.contains(expected),
            "{alias}: {err}"
        );
    }
}

#[test]
fn names_differing_only_in_unicode_normalization_are_the_same_name() {
    let nfc = "Sa\u{e9}da";
    let nfd = "Sae\u{301}da";
    let err = check_errors(&[(
        BETA,
        &format!("name: Beta State\nkind: state\naliases: [{nfc}, {nfd}]\n"),
    )]);
    assert!(err.contains("listed twice"), "{err}");
    let err = check_errors(&[
        (
            BETA,
            &format!("name: Beta State\nkind: state\naliases: [{nfc}]\n"),
        ),
        (
            ALPHA,
            &format!("name: Alpha Group\nkind: organization\naliases: [{nfd}]\n"),
        ),
    ]);
    assert!(err.contains("claimed by two actors"), "{err}");
}

#[test]
fn years_in_hex_octal_or_with_underscores_are_refused() {
    for year in ["0x7E7", "0o3700", "2_023"] {
        let err = check_errors(&[(
            BETA,
            &format!("name: Beta State\nkind: state\nfounded: {year}\n"),
        )]);
        assert!(
            err.contains(&format!(
                "beta-state.yaml:3:10: error: invalid date `{year}`"
            )),
            "{year}: {err}"
        );
    }
}

#[test]
fn a_relation_and_its_inverse_to_one_actor_are_refused() {
    let err = check_errors(&[(
        ALPHA,
        "name: Alpha Group\nkind: organization\nrelations:\n  - type: backed-by\n    target: beta-state\n  - type: backs\n    target: beta-state\n",
    )]);
    assert!(
        err.contains("alpha-group.yaml:6:11: error: `backs` to `beta-state` contradicts"),
        "{err}"
    );
}

#[test]
fn country_must_be_a_state_other_than_the_actor() {
    let err = check_errors(&[(BETA, "name: Beta State\nkind: state\ncountry: beta-state\n")]);
    assert!(
        err.contains("beta-state.yaml:3:10: error: `country` names the actor itself"),
        "{err}"
    );
    let err = check_errors(&[
        (BETA, "name: Beta Leader\nkind: person\n"),
        (
            ALPHA,
            "name: Alpha Group\nkind: organization\ncountry: beta-state\n",
        ),
    ]);
    assert!(
        err.contains("alpha-group.yaml:3:10: error: `country` names `beta-state`, a person"),
        "{err}"
    );
}

#[test]
fn dates_must_fit_the_kind() {
    let err = check_errors(&[(BETA, "name: Beta State\nkind: state\nborn: 1948\n")]);
    assert!(
        err.contains("beta-state.yaml:3:7: error: `born` is for persons"),
        "{err}"
    );
    let err = check_errors(&[(BETA, "name: Beta Leader\nkind: person\nfounded: 1948\n")]);
    assert!(
        err.contains("beta-state.yaml:3:10: error: `founded` is for organizations"),
        "{err}"
    );
}

#[test]
fn an_upper_case_extension_is_an_error_not_ignored() {
    let err = check_errors(&[("content/actors/gamma.YAML", "name: Gamma\nkind: state\n")]);
    assert!(
        err.contains("gamma.YAML") && err.contains("rename the file to `gamma.yaml`"),
        "{err}"
    );
}

#[test]
fn a_very_long_name_gets_a_cut_file_name_and_a_note() {
    let site = copy_fixture("errors-base");
    let name = "Very Long Name ".repeat(20);
    let o = dossier()
        .current_dir(site.path())
        .args(["new", "actor", &name])
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(stderr(&o).contains("cut"), "{}", stderr(&o));
    let created: Vec<String> = std::fs::read_dir(site.path().join("content/actors"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("very-long"))
        .collect();
    assert_eq!(created.len(), 1);
    assert!(created[0].len() <= 85, "{}", created[0]);
    assert_ok(&check(site.path()));
}

#[test]
fn internal_markdown_links_are_checked_and_rewritten() {
    let err = check_errors(&[(
        ARTICLE,
        &article("One [x](missing.md).\n\nTwo [y](#p-99) and [z](/abs.html).\n"),
    )]);
    for expected in [
        "first-report.md:6:5: error: `missing.md` links to a missing article `missing`",
        "first-report.md:8:5: error: there is no paragraph #p-99",
        "first-report.md:8:20: error: `/abs.html` starts at the root",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(err.contains("^^^"), "{err}");
    let site = site_with(&[(
        "content/articles/second.md",
        "---\ntitle: Second\n---\nSee [the first](first-report.md#p-2) and [here](#p-1).\n",
    )]);
    assert_ok(&build(site.path(), &[]));
    let page = read(site.path(), "public/sources/second.html");
    assert!(
        page.contains("href=\"../sources/first-report.html#p-2\""),
        "{page}"
    );
}

// Item 8: the swap.

#[test]
fn stale_staging_folders_are_removed_and_none_are_left() {
    let site = copy_fixture("errors-base");
    for stale in [".public.new-Xk2", ".public.old-Yz9"] {
        write(&site.path().join(stale).join("big.bin"), "stale");
    }
    assert_ok(&build(site.path(), &[]));
    assert_ok(&build(site.path(), &[]));
    let beside: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn concurrent_builds_into_one_folder_all_succeed() {
    let site = copy_fixture("errors-base");
    for _ in 0..5 {
        let children: Vec<_> = (0..3)
            .map(|_| {
                dossier()
                    .current_dir(site.path())
                    .args(["build", "--quiet"])
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let o = child.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", stderr(&o));
        }
        assert!(site.path().join("public/index.html").is_file());
    }
}

// Item 9: `dossier serve` (the helpers are tests/serve.rs's).

mod serving {
    use std::io::{ErrorKind, Read, Write};
    use std::net::TcpStream;
    use std::os::unix::process::CommandExt;
    use std::path::Path;
    use std::thread;
    use std::time::{Duration, Instant};

    use super::{site_with, ALPHA};
    use crate::serve::{get, save, serve, serve_with, Events, Served, WAIT};
    use crate::support::*;

    /// Sends `request` as it is and reads until the server closes the connection (which
    /// a refusal may do before the request is sent whole).
    fn exchange(port: u16, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        let _ = stream.write_all(request.as_bytes());
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply).into_owned()
    }

    fn status(reply: &str) -> u16 {
        reply
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    #[test]
    fn serve_answers_only_requests_for_its_own_loopback_address() {
        // A site that does not build: its error page names the site's files.
        let site = site_with(&[(ALPHA, "id: alpha-group\nknid: organization\n")]);
        let served = serve(site.path());
        let port = served.port;
        for host in [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("LocalHost:{port}"),
            format!("[::1]:{port}"),
        ] {
            let reply = exchange(
                port,
                &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
            );
            assert!(reply.contains("Build error"), "{host}: {reply}");
        }
        let refused = [
            format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"),
            format!("GET / HTTP/1.1\r\nHost: localhost.evil.example:{port}\r\n\r\n"),
            format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", port + 1),
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_string(),
            "GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_string(),
            format!("GET / HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
            format!("GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
        ];
        for request in refused {
            let reply = exchange(port, &request);
            assert!(
                [400, 403, 421].contains(&status(&reply)),
                "{request:?} was answered:\n{reply}"
            );
            let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
            assert!(body.len() < 200, "{request:?}: {body}");
            assert!(
                !body.contains("alpha-group") && !body.contains("content"),
                "{request:?}: {body}"
            );
        }
    }

    #[test]
    fn serve_refuses_oversized_request_heads_without_reading_them_whole() {
        let site = copy_fixture("errors-base");
        let served = serve(site.path());
        let port = served.port;
        let mut request =
            format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        for i in 0..200 {
            request.push_str(&format!("X-Filler-{i}: {}\r\n", "a".repeat(100)));
        }
        request.push_str("\r\n");
        let reply = exchange(port, &request);
        assert!(
            reply.is_empty() || status(&reply) == 431,
            "20 KiB of headers were answered:\n{reply}"
        );

        // One endless header line: the server stops reading long before 64 MiB.
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_write_timeout(Some(WAIT)).expect("timeout");
        let start = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Long: ");
        stream.write_all(start.as_bytes()).expect("send request");
        let junk = vec![b'a'; 1 << 20];
        let mut sent = 0;
        let refused = loop {
            if sent >= 64 << 20 {
                break None;
            }
            match stream.write(&junk) {
                Ok(n) => sent += n,
                Err(e) => break Some(e),
            }
        };
        match refused {
            Some(e) => assert!(
                !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
                "the server stopped reading but kept the connection after {sent} bytes"
            ),
            None => panic!("the server read a header line of {sent} bytes"),
        }
        assert_eq!(served.get("/").status, 200);
    }

    #[test]
    fn serve_closes_connections_that_send_nothing_or_half_a_request() {
        let site = copy_fixture("errors-base");
        let served = serve(site.path());
        let silent = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
        let mut half = TcpStream::connect(("127.0.0.1", served.port)).expect("connect");
        half.write_all(b"GET /index.html HT").expect("send");
        // Others are answered meanwhile.
        assert_eq!(served.get("/").status, 200);
        for (what, mut stream) in [("silent", silent), ("half a request", half)] {
            // A deadline against hanging only; the server's timeout is a few seconds.
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .expect("timeout");
            let mut reply = Vec::new();
            if let Err(e) = stream.read_to_end(&mut reply) {
                assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{what}: {e}");
            }
            let reply = String::from_utf8_lossy(&reply);
            assert!(reply.is_empty() || status(&reply) == 408, "{what}: {reply}");
        }
    }

    #[test]
    fn serve_answers_a_hundred_and_twenty_eight_event_streams_among_two_hundred_page_loads_and_no_more(
    ) {
        // Against hanging only.
        const DEADLINE: Duration = Duration::from_secs(60);
        const STREAMS: usize = 128;
        let site = copy_fixture("errors-base");
        let served = serve(site.path());
        let port = served.port;
        let paths = ["/", "/actors/alpha-group.html", "/data/actors.json"];
        let pages: Vec<_> = (0..200)
            .map(|i| thread::spawn(move || get(port, paths[i % paths.len()]).status))
            .collect();
        let streams: Vec<_> = (0..STREAMS)
            .map(|_| thread::spawn(move || Events::try_open(port, DEADLINE)))
            .collect();
        for page in pages {
            assert_eq!(page.join().expect("page request"), 200);
        }
        let mut open = Vec::new();
        let mut failed = Vec::new();
        for stream in streams {
            match stream.join().expect("event stream") {
                Ok(events) => open.push(events),
                Err(e) => failed.push(e),
            }
        }
        assert!(
            failed.is_empty(),
            "{} of {STREAMS} event streams answered; {:?}",
            open.len(),
            failed.first()
        );

        // The streams, open and not read, leave the pages their connections.
        let more = exchange(
            port,
            &format!("GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
        );
        assert_eq!(status(&more), 503, "{more}");
        assert_eq!(served.get("/").status, 200);

        let profile = std::fs::read_to_string(site.path().join(ALPHA)).expect("read");
        save(
            site.path(),
            ALPHA,
            &profile.replace("A fictional", "An invented"),
        );
        let waiting: Vec<_> = open
            .into_iter()
            .map(|mut events| thread::spawn(move || events.try_wait_for_reload()))
            .collect();
        let reloaded = waiting
            .into_iter()
            .map(|w| w.join())
            .filter(|outcome| matches!(outcome, Ok(Ok(()))))
            .count();
        assert_eq!(
            reloaded, STREAMS,
            "only {reloaded} of {STREAMS} streams saw the reload"
        );
    }

    #[test]
    fn serve_keeps_half_its_open_files_limit_for_other_than_connections() {
        let site = copy_fixture("errors-base");
        let served = serve_with(site.path(), |command| {
            let limit = libc::rlimit {
                rlim_cur: 64,
                rlim_max: 64,
            };
            // SAFETY: between fork and exec, only a call that is safe there.
            unsafe {
                command.pre_exec(move || {
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        });
        let port = served.port;
        let connect = || TcpStream::connect(("127.0.0.1", port)).expect("connect");
        // More idle connections than there are files left: 32 are kept, the rest refused.
        let idle: Vec<_> = (0..60).map(|_| connect()).collect();
        // Accepted after them, it is answered at once rather than after they time out.
        let mut refused = connect();
        refused.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut reply = Vec::new();
        let _ = refused.read_to_end(&mut reply);
        let reply = String::from_utf8_lossy(&reply);
        assert_eq!(status(&reply), 503, "{reply}");
        drop(idle);
        // Their threads see them closed at once; the deadline is against hanging only.
        let deadline = Instant::now() + WAIT;
        let request =
            format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        while status(&exchange(port, &request)) != 200 {
            assert!(
                Instant::now() < deadline,
                "the closed connections stayed counted"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn serve_lets_a_burst_of_connections_wait_while_it_is_busy() {
        let site = copy_fixture("errors-base");
        let served = serve(site.path());
        let port = served.port;
        let pid = i32::try_from(served.pid()).expect("pid");
        // Stopped, the server accepts nothing: every connection waits in its backlog.
        // SAFETY: signals to the child this test started and still owns.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let connecting: Vec<_> = (0..300)
            .map(|_| {
                thread::spawn(move || TcpStream::connect_timeout(&address, Duration::from_secs(3)))
            })
            .collect();
        let connected: Vec<_> = connecting
            .into_iter()
            .map(|c| c.join().expect("connect"))
            .collect();
        assert_eq!(unsafe { libc::kill(pid, libc::SIGCONT) }, 0);
        let waiting = connected.iter().filter(|c| c.is_ok()).count();
        assert_eq!(
            waiting, 300,
            "only {waiting} of 300 connections were let wait"
        );
        let answered = connected
            .into_iter()
            .flatten()
            .map(|stream| {
                thread::spawn(move || {
                    let request = format!(
                        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                    );
                    let mut stream = stream;
                    stream.set_read_timeout(Some(WAIT)).expect("timeout");
                    stream.write_all(request.as_bytes()).expect("send request");
                    let mut reply = Vec::new();
                    let _ = stream.read_to_end(&mut reply);
                    status(&String::from_utf8_lossy(&reply)) == 200
                })
            })
            .filter_map(|t| t.join().ok())
            .filter(|&ok| ok)
            .count();
        assert_eq!(answered, 300, "only {answered} of 300 were answered");
    }

    /// Waits for reloads until `path` is served with status 200 and `text` in it.
    fn wait_until_served(served: &Served, events: &mut Events, path: &str, text: &str) {
        let deadline = Instant::now() + WAIT * 3;
        loop {
            let page = served.get(path);
            if page.status == 200 && page.body.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{path} never served {text:?}; last: {} {}\nstderr:\n{}",
                page.status,
                page.body,
                served.stderr()
            );
            events.wait_for_reload();
        }
    }

    /// Takes the content folder away with `away`, checks the error page is served, brings
    /// it back with `back`, and checks the site and later edits are served again.
    fn content_away_and_back(site: &Path, away: impl FnOnce(&Path), back: impl FnOnce(&Path)) {
        let served = serve(site);
        let mut events = Events::open(served.port);
        let content = site.join("content");
        let profile = std::fs::read_to_string(site.join(ALPHA)).expect("read");

        away(&content);
        events.wait_for_reload();
        let page = served.get("/");
        assert_eq!(page.status, 500, "{}", page.body);
        assert!(page.body.contains("Build error"), "{}", page.body);

        back(&content);
        wait_until_served(&served, &mut events, "/", "Errors Test Site");

        // The restored folder is watched, its subfolders too.
        save(site, ALPHA, &profile.replace("A fictional", "An invented"));
        wait_until_served(
            &served,
            &mut events,
            "/actors/alpha-group.html",
            "An invented",
        );
    }

    #[test]
    fn serve_rebuilds_when_the_content_folder_is_deleted_and_restored() {
        let site = copy_fixture("errors-base");
        content_away_and_back(
            site.path(),
            |content| std::fs::remove_dir_all(content).expect("delete content"),
            |content| copy_dir(&fixture("errors-base/content"), content),
        );
    }

    #[test]
    fn serve_rebuilds_when_the_content_folder_is_renamed_away_and_back() {
        // With templates/ and theme/ present, nothing else has the site folder watched.
        let site = copy_fixture("errors-base");
        std::fs::create_dir(site.path().join("templates")).expect("mkdir");
        std::fs::create_dir(site.path().join("theme")).expect("mkdir");
        let elsewhere = site.path().join("content-away");
        content_away_and_back(
            site.path(),
            |content| std::fs::rename(content, &elsewhere).expect("rename away"),
            |content| std::fs::rename(&elsewhere, content).expect("rename back"),
        );
    }
}
