//! A JSON Schema (draft 2020-12) validator for the keywords `dossier schema` writes, so the
//! tests check the committed schemas without the `jsonschema` crate (55 more crates to
//! compile). A keyword it does not know fails the test rather than being ignored.

use serde_json::Value;

/// Keywords that only annotate: they never make an instance invalid (`format` included,
/// as draft 2020-12 treats it by default).
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$defs",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "format",
    "deprecated",
    "readOnly",
    "writeOnly",
];

pub struct Schema {
    root: Value,
}

impl Schema {
    pub fn new(root: Value) -> Schema {
        Schema { root }
    }

    pub fn is_valid(&self, instance: &Value) -> bool {
        self.errors(instance).is_empty()
    }

    /// Every violation, as `<instance path>: <what is wrong>`.
    pub fn errors(&self, instance: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(&self.root, instance, "", &mut errors);
        errors
    }

    fn resolve(&self, reference: &str) -> &Value {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local $ref are supported: {reference}"));
        self.root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolved $ref {reference}"))
    }

    fn check(&self, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => return errors.push(format!("{at}: not allowed")),
            Value::Object(map) => map,
            other => panic!("not a schema: {other}"),
        };
        for (keyword, arg) in schema {
            match keyword.as_str() {
                "$ref" => self.check(self.resolve(arg.as_str().expect("$ref")), v, at, errors),
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
                        one => vec![one.as_str().expect("type")],
                    };
                    if !types.iter().any(|t| has_type(v, t)) {
                        errors.push(format!("{at}: {v} is not of type {types:?}"));
                    }
                }
                "enum" => {
                    if !arg.as_array().expect("enum").contains(v) {
                        errors.push(format!("{at}: {v} is not one of {arg}"));
                    }
                }
                "const" => {
                    if arg != v {
                        errors.push(format!("{at}: {v} is not {arg}"));
                    }
                }
                "anyOf" => {
                    let options = arg.as_array().expect("anyOf");
                    if !options.iter().any(|s| {
                        let mut e = Vec::new();
                        self.check(s, v, at, &mut e);
                        e.is_empty()
                    }) {
                        errors.push(format!("{at}: {v} matches none of anyOf"));
                    }
                }
                "required" => {
                    if let Value::Object(obj) = v {
                        for key in arg
                            .as_array()
                            .expect("required")
                            .iter()
                            .filter_map(Value::as_str)
                        {
                            if !obj.contains_key(key) {
                                errors.push(format!("{at}: `{key}` is required"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Value::Object(obj) = v {
                        for (key, sub) in arg.as_object().expect("properties") {
                            if let Some(value) = obj.get(key) {
                                self.check(sub, value, &format!("{at}/{key}"), errors);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Value::Object(obj) = v {
                        let known = schema.get("properties").and_then(Value::as_object);
                        for (key, value) in obj {
                            if !known.is_some_and(|k| k.contains_key(key)) {
                                self.check(arg, value, &format!("{at}/{key}"), errors);
                            }
                        }
                    }
                }
                "items" => {
                    if let Value::Array(list) = v {
                        for (i, item) in list.iter().enumerate() {
                            self.check(arg, item, &format!("{at}/{i}"), errors);
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(n), Some(bound)) = (v.as_f64(), arg.as_f64()) {
                        let ok = if keyword == "minimum" {
                            n >= bound
                        } else {
                            n <= bound
                        };
                        if !ok {
                            errors.push(format!("{at}: {n} is out of bounds ({keyword} {bound})"));
                        }
                    }
                }
                "pattern" => {
                    if let Value::String(s) = v {
                        let re =
                            regex::Regex::new(arg.as_str().expect("pattern")).expect("pattern");
                        if !re.is_match(s) {
                            errors.push(format!("{at}: {s:?} does not match {re}"));
                        }
                    }
                }
                k if ANNOTATIONS.contains(&k) => {}
                k => panic!("tests/json_schema.rs does not support the keyword `{k}`: add it"),
            }
        }
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|n| n.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}

#[test]
fn validator_applies_each_keyword() {
    let schema = Schema::new(serde_json::json!({
        "type": "object",
        "required": ["name"],
        "additionalProperties": false,
        "properties": {
            "name": { "type": "string", "pattern": "^[A-Z]" },
            "kind": { "$ref": "#/$defs/Kind" },
            "year": { "type": ["integer", "null"], "minimum": 1900, "maximum": 2100 },
            "tags": { "type": "array", "items": { "anyOf": [{ "type": "string" }, { "type": "integer" }] } }
        },
        "$defs": { "Kind": { "enum": ["person", "state"] } }
    }));
    let ok = serde_json::json!({ "name": "Ann", "kind": "person", "year": 1960, "tags": ["a", 1] });
    assert_eq!(schema.errors(&ok), Vec::<String>::new());
    for bad in [
        serde_json::json!({ "kind": "person" }),
        serde_json::json!({ "name": "ann" }),
        serde_json::json!({ "name": "Ann", "kind": "persn" }),
        serde_json::json!({ "name": "Ann", "year": 1800 }),
        serde_json::json!({ "name": "Ann", "year": 1960.5 }),
        serde_json::json!({ "name": "Ann", "tags": [true] }),
        serde_json::json!({ "name": "Ann", "alias": "x" }),
        serde_json::json!(["Ann"]),
    ] {
        assert!(!schema.is_valid(&bad), "accepted {bad}");
    }
}
