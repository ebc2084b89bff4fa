//! Search: the sharded index a build writes, the header search box, and the search
//! script run by Node.js against a built site (`.ci/run` installs Node).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::support::*;

/// Filler articles of made-up words, enough for the index to need several term shards.
pub fn add_filler(site: &Path, count: usize) {
    const SYLLABLES: [&str; 16] = [
        "ka", "ro", "mi", "tal", "sen", "dor", "vi", "lu", "par", "en", "os", "ti", "ber", "na",
        "gu", "fa",
    ];
    let mut seed: u64 = 7;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    for i in 0..count {
        let mut body = String::new();
        for _ in 0..8 {
            let words: Vec<String> = (0..10)
                .map(|_| (0..2 + next(2)).map(|_| SYLLABLES[next(16)]).collect())
                .collect();
            let sentence = words.join(" ");
            let mut chars = sentence.chars();
            let first = chars.next().unwrap().to_uppercase().collect::<String>();
            body.push_str(&format!("{first}{}. ", chars.as_str()));
        }
        write(
            &site.join(format!("content/articles/filler-{i}.md")),
            &format!("---\ntitle: \"Filler report {i}\"\ndate: 2022-01-01\n---\n{body}\n"),
        );
    }
}

/// The search fixture with 300 filler articles, built.
fn built() -> TempDir {
    let site = copy_fixture("site-search");
    add_filler(site.path(), 300);
    assert_ok(&build(site.path(), &[]));
    site
}

/// Every file under `public/assets/search/`: name (without `.js`) → the data it registers.
fn shards(site: &TempDir) -> BTreeMap<String, (usize, Value)> {
    let dir = site.path().join("public/assets/search");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("assets/search/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read shard");
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let prefix = format!("dossierSearchShard(\"{name}\",");
        let json = text
            .strip_prefix(&prefix)
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap_or_else(|| panic!("{name}.js registers itself"));
        out.insert(
            name,
            (text.len(), serde_json::from_str(json).expect("JSON")),
        );
    }
    out
}

/// The term shard a word is in: the longest key that begins it.
fn shard_of(keys: &[String], word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    (0..=chars.len())
        .rev()
        .find_map(|n| {
            let prefix: String = chars[..n].iter().collect();
            keys.iter().position(|k| *k == prefix)
        })
        .map(|i| format!("t{i}"))
        .expect("the root key")
}

#[test]
fn the_index_is_shards_of_script_each_term_in_the_shard_of_its_longest_key() {
    let site = built();
    let all = shards(&site);
    assert!(!site.path().join("public/assets/search-index.js").exists());
    let manifest = &all["m"].1;
    assert_eq!(manifest["docs"], 5 + 305, "5 actors, 305 sources");
    let keys: Vec<String> = serde_json::from_value(manifest["terms"].clone()).unwrap();
    assert_eq!(keys[0], "");
    assert!(keys.len() >= 3, "several term shards: {keys:?}");
    let per = manifest["per"].as_u64().unwrap() as usize;
    let doc_shards = all.keys().filter(|k| k.starts_with('d')).count();
    assert_eq!(doc_shards, 310usize.div_ceil(per));
    let mut seen = BTreeSet::new();
    for (name, (bytes, data)) in &all {
        assert!(*bytes <= 1 << 20, "{name}.js is over 1 MB");
        if !name.starts_with('t') {
            continue;
        }
        for record in data["terms"].as_array().unwrap() {
            let term = record[0].as_str().unwrap();
            assert!(seen.insert(term.to_string()), "{term} in two shards");
            assert_eq!(&shard_of(&keys, term), name, "{term}");
        }
    }
    for word in [
        "us",
        "nasrallah",
        "kataib",
        "kata",
        "ib",
        "carrier",
        "haniyeh",
    ] {
        assert!(seen.contains(word), "{word} indexed");
    }
    assert!(
        !seen.contains("the") && !seen.contains("u"),
        "stop words, single letters"
    );
}

#[test]
fn the_index_is_the_same_for_the_same_input() {
    let one = built();
    let two = built();
    assert_eq!(shards(&one), shards(&two));
}

#[test]
fn every_page_has_a_search_box_in_its_header_that_opens_the_search_page() {
    let site = built();
    let public = site.path().join("public");
    for (rel, action) in [
        ("index.html", "search.html"),
        ("actors/united-states.html", "../search.html"),
        ("sources/strikes-in-iraq.html", "../search.html"),
    ] {
        let html = read(&public, rel);
        let form = format!(
            "<form class=\"site-search\" action=\"{action}\" method=\"get\" role=\"search\">"
        );
        assert!(html.contains(&form), "{rel}: {html}");
        assert!(
            html.contains("<input id=\"site-q\" name=\"q\" type=\"search\""),
            "{rel}"
        );
        assert!(
            html.contains("<label class=\"visually-hidden\" for=\"site-q\">"),
            "{rel}"
        );
        // Without JavaScript the header still links to the search page.
        assert!(
            html.contains(&format!("<a href=\"{action}\">Search</a>")),
            "{rel}"
        );
    }
    let search = read(&public, "search.html");
    assert!(
        !search.contains("site-search"),
        "the search page has its own box"
    );
    assert!(search.contains("<script src=\"assets/search.js\"></script>"));
    assert!(search.contains("<form id=\"search-form\" class=\"search-form\" action=\"search.html\" method=\"get\" role=\"search\">"));
}

/// Runs queries through `search.js` in Node.js, loading shards as the browser does (one
/// file per name, on demand). Per query: the result paths, the snippet shown for each (the
/// marked words in brackets), the corrections and the shards loaded.
fn node_queries(site: &TempDir, queries: &[&str]) -> Value {
    let public = site.path().join("public");
    let harness = format!(
        r#"const api = require({script:?});
const dir = {dir:?};
let loaded = new Set();
const arrived = {{}};
global.dossierSearchShard = (name, data) => {{ arrived[name] = data; }};
const load = (name) => {{ loaded.add(name); require(dir + name + ".js"); return Promise.resolve(arrived[name]); }};
(async () => {{
  const out = {{}};
  for (const q of {queries}) {{
    loaded = new Set();
    const search = api.createSearch(load);
    const found = await search.query(q);
    const page = found.results.slice(0, api.PAGE);
    const docs = await search.docs(page.map(r => r.doc));
    out[q] = {{
      paths: docs.map(d => d[1]),
      snippets: docs.map((d, k) => {{
        const u = api.bestUnit(page[k].units);
        const text = u ? d[5][u - 1][1] : d[4];
        return api.marks(text, found.matched).map(p => p[1] ? "[" + p[0] + "]" : p[0]).join("");
      }}),
      corrected: found.corrected,
      loaded: [...loaded].sort(),
    }};
  }}
  console.log(JSON.stringify(out));
}})().catch(e => {{ console.error(e); process.exit(1); }});
"#,
        script = public.join("assets/search.js"),
        dir = format!("{}/", public.join("assets/search").display()),
        queries = json!(queries),
    );
    let out = Command::new("node")
        .arg("-e")
        .arg(harness)
        .output()
        .expect("node runs (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn search_script_finds_punctuated_aliases_typos_and_two_words_loading_only_their_shards() {
    let site = built();
    let found = node_queries(
        &site,
        &[
            "U.S.",
            "US",
            "Kata'ib",
            "Kataib",
            "nasralah",
            "hanieh",
            "carrier strike",
            "Nasrallah",
            "zzzzzz",
            "the of",
        ],
    );
    let first = |q: &str| found[q]["paths"][0].clone();
    // An alias with punctuation, as typed and without it.
    assert_eq!(first("U.S."), "actors/united-states.html", "{found}");
    assert_eq!(first("US"), "actors/united-states.html");
    assert!(found["U.S."]["paths"]
        .as_array()
        .unwrap()
        .contains(&json!("sources/carrier-moves-east.html")));
    assert_eq!(first("Kata'ib"), "actors/kataib-hezbollah.html", "{found}");
    assert_eq!(first("Kataib"), "actors/kataib-hezbollah.html");
    assert_eq!(found["Kata'ib"]["paths"], found["Kataib"]["paths"]);
    // One edit away.
    assert_eq!(first("nasralah"), "actors/hassan-nasrallah.html", "{found}");
    assert_eq!(
        found["nasralah"]["corrected"],
        json!([["nasralah", "nasrallah"]])
    );
    assert_eq!(first("hanieh"), "actors/ismail-haniyeh.html", "{found}");
    assert_eq!(found["nasralah"]["paths"], found["Nasrallah"]["paths"]);
    // Two words: both must match; the snippet is the sentence with both, marked.
    assert_eq!(
        found["carrier strike"]["paths"],
        json!(["sources/carrier-moves-east.html"])
    );
    assert_eq!(
        found["carrier strike"]["snippets"][0],
        "The Pentagon announced on Sunday that a [carrier] [strike] group would sail to the eastern Mediterranean."
    );
    let speech = found["Nasrallah"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p == "sources/speech-in-beirut.html")
        .expect("the speech");
    let snippet = found["Nasrallah"]["snippets"][speech].as_str().unwrap();
    assert!(snippet.contains("[Nasrallah]"), "{snippet}");
    assert_eq!(found["zzzzzz"]["paths"], json!([]));
    assert_eq!(found["the of"]["paths"], json!([]));
    // No word: no term shard (the manifest at most).
    let none = found["the of"]["loaded"].as_array().unwrap();
    assert!(none.iter().all(|n| n == "m"), "{none:?}");

    // Each query loads the manifest, its words' term shards (and, for a typo, the typo
    // lists of that letter and the shards of the corrections) and the shards of the
    // documents it shows: nothing else.
    let all = shards(&site);
    let keys: Vec<String> = serde_json::from_value(all["m"].1["terms"].clone()).unwrap();
    let per = all["m"].1["per"].as_u64().unwrap();
    let paths_of_docs: Vec<String> = (0..all.keys().filter(|k| k.starts_with('d')).count())
        .flat_map(|i| all[&format!("d{i}")].1.as_array().unwrap().clone())
        .map(|d| d[1].as_str().unwrap().to_string())
        .collect();
    let doc_shard = |path: &Value| {
        let n = paths_of_docs.iter().position(|p| p == path).unwrap() as u64;
        format!("d{}", n / per)
    };
    for (q, words) in [
        ("carrier strike", vec!["carrier", "strike"]),
        ("U.S.", vec!["us"]),
        ("Kataib", vec!["kataib"]),
    ] {
        let mut expected: BTreeSet<String> = words.iter().map(|w| shard_of(&keys, w)).collect();
        // The last word also loads the longer keys it begins (two at most), when the
        // query ends in it and it has three letters or more.
        let open = q.ends_with(char::is_alphanumeric);
        if let Some(w) = words.last().filter(|w| open && w.len() >= 3) {
            let longer: Vec<usize> = (0..keys.len())
                .filter(|&i| keys[i].starts_with(w) && format!("t{i}") != shard_of(&keys, w))
                .collect();
            if longer.len() <= 2 {
                expected.extend(longer.iter().map(|i| format!("t{i}")));
            }
        }
        expected.insert("m".into());
        expected.extend(found[q]["paths"].as_array().unwrap().iter().map(doc_shard));
        let loaded: BTreeSet<String> = serde_json::from_value(found[q]["loaded"].clone()).unwrap();
        assert_eq!(loaded, expected, "{q}");
    }
    let typo: BTreeSet<String> =
        serde_json::from_value(found["nasralah"]["loaded"].clone()).unwrap();
    let typo_keys: Vec<String> = serde_json::from_value(all["m"].1["typo"].clone()).unwrap();
    for len in [7, 8, 9] {
        let list = typo_keys.iter().position(|k| *k == format!("n{len}"));
        assert_eq!(
            list.is_some(),
            typo.contains(&format!("f{}", list.unwrap_or(usize::MAX)))
        );
    }
    assert!(typo.contains(&shard_of(&keys, "nasrallah")), "{typo:?}");
    assert!(typo.len() <= 12, "{typo:?}");
}
