//! JSON Schema (draft 2020-12) generated from the very types that parse
//! the files, so the schema and the parser cannot drift apart.

use schemars::{schema_for, Schema};

use crate::load::format::{RawActor, RawFrontMatter, RawOutlet, RawSite};

/// `(file name, pretty JSON)` for each schema, in a stable order.
pub fn schemas() -> Vec<(&'static str, String)> {
    vec![
        ("actor.schema.json", pretty(schema_for!(RawActor))),
        ("article.schema.json", pretty(schema_for!(RawFrontMatter))),
        ("outlet.schema.json", pretty(schema_for!(RawOutlet))),
        ("site.schema.json", pretty(schema_for!(RawSite))),
    ]
}

fn pretty(schema: Schema) -> String {
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    text.push('\n');
    text
}

/// All schemas as one JSON object keyed by file name (what `dossier schema` prints).
pub fn bundle() -> String {
    let map: serde_json::Map<String, serde_json::Value> = schemas()
        .into_iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                serde_json::from_str(&text).expect("valid JSON"),
            )
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&map).expect("schemas serialize");
    text.push('\n');
    text
}
