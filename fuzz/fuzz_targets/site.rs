//! A whole content folder through load, resolve and render: site.yaml, an article, two
//! profiles and an outlet, cut from the input at `\n#~~#\n` lines. Any input must give
//! either diagnostics or a site, never a panic; a site's feed and sitemap must parse as
//! XML and no page may hold a NUL byte.
#![no_main]


use libfuzzer_sys::fuzz_target;

const SEPARATOR: &[u8] = b"\n#~~#\n";
const FILES: [&str; 5] = [
    "site.yaml",
    "articles/first-report.md",
    "actors/alpha-group.yaml",
    "actors/beta-state.yaml",
    "outlets/example-news.yaml",
];

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("content");
    for folder in ["articles", "actors", "outlets"] {
        std::fs::create_dir_all(content.join(folder)).expect("mkdir");
    }
    for (name, part) in FILES.iter().zip(split(data)) {
        std::fs::write(content.join(name), part).expect("write");
    }
    let Ok((_, files)) = dossier::pipeline::build(&content, None) else {
        return;
    };
    for file in &files {
        if file.path.ends_with(".html") {
            assert!(!file.bytes.contains(&0), "NUL byte in {}", file.path);
        }
        if file.path.ends_with(".xml") {
            let text = std::str::from_utf8(&file.bytes).expect("XML is UTF-8");
            if let Err(e) = roxmltree::Document::parse(text) {
                panic!("{} does not parse as XML: {e}\n{text}", file.path);
            }
        }
    }
});

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() + 1 < FILES.len() {
        match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}
