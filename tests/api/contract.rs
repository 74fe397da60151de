//! The OpenAPI document is the truth: requests generated from the document
//! itself, for every operation, are answered only with statuses the
//! document lists, every request it calls valid is served (not refused as
//! bad), and every one it calls invalid is refused with 400.
//!
//! Values come from a pool per schema (its enum values and example, the
//! boundaries of its integers, empty and blank strings, text off its
//! pattern, values of the wrong type) and are classified by the document's
//! own constraints (enum, minimum, maximum, minLength, pattern, format,
//! anyOf): the test knows nothing of the handlers.

use serde_json::{Map, Value, json};

use crate::helpers::*;

const TOKEN: &str = "contract-token-1";

/// Follows a `$ref` into the components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} does not resolve")),
        None => schema,
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether `v` is valid for `schema`, as the document says.
fn conforms(doc: &Value, schema: &Value, v: &Value) -> bool {
    let s = resolve(doc, schema);
    if let Some(branches) = s["anyOf"].as_array().or(s["oneOf"].as_array()) {
        if !branches.iter().any(|b| conforms(doc, b, v)) {
            return false;
        }
        // Keywords beside the branches hold too (a group's fields, with
        // the rule between two of them as the branches).
        if ["type", "properties", "enum"]
            .iter()
            .all(|k| s.get(k).is_none())
        {
            return true;
        }
    }
    if let Some(options) = s["enum"].as_array() {
        return options.contains(v);
    }
    let t = types(s);
    match v {
        Value::Null => t.contains(&"null"),
        Value::Bool(_) => t.contains(&"boolean"),
        Value::Number(n) => {
            if !(t.contains(&"integer") || t.contains(&"number")) {
                return false;
            }
            let Some(i) = n.as_i128() else {
                return t.contains(&"number");
            };
            let min = s["minimum"].as_i64().map(i128::from);
            let max = s["maximum"].as_u64().map(i128::from);
            let fits = match s["format"].as_str() {
                Some("int32") => i128::from(i32::MIN) <= i && i <= i128::from(u32::MAX),
                _ => true,
            };
            fits && min.is_none_or(|m| i >= m) && max.is_none_or(|m| i <= m)
        }
        Value::String(text) => {
            if !t.contains(&"string") {
                return false;
            }
            let len = text.chars().count() as u64;
            let pattern_ok = s["pattern"].as_str().is_none_or(|p| {
                fancy_regex::Regex::new(p)
                    .unwrap_or_else(|e| panic!("pattern {p}: {e}"))
                    .is_match(text)
                    .unwrap()
            });
            let format_ok = match s["format"].as_str() {
                Some("date") => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
                _ => true,
            };
            s["minLength"].as_u64().is_none_or(|m| len >= m)
                && s["maxLength"].as_u64().is_none_or(|m| len <= m)
                && pattern_ok
                && format_ok
        }
        Value::Array(items) => {
            t.contains(&"array") && items.iter().all(|i| conforms(doc, &s["items"], i))
        }
        Value::Object(o) => {
            let props = s["properties"].as_object();
            let required_ok = s["required"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|r| o.contains_key(r.as_str().unwrap()));
            let fields_ok = o.iter().all(|(k, fv)| match props.and_then(|p| p.get(k)) {
                Some(ps) => conforms(doc, ps, fv),
                None => s["additionalProperties"] != json!(false),
            });
            (t.contains(&"object") || props.is_some()) && required_ok && fields_ok
        }
    }
}

/// The pool of values tried for a schema: valid and invalid alike.
fn pool(doc: &Value, schema: &Value, in_query: bool) -> Vec<Value> {
    let s = resolve(doc, schema);
    let mut out: Vec<Value> = Vec::new();
    for branch in s["anyOf"].as_array().into_iter().flatten() {
        out.extend(pool(doc, branch, in_query));
    }
    out.extend(s["enum"].as_array().into_iter().flatten().cloned());
    out.extend(s.get("example").cloned());
    let t = types(s);
    if t.contains(&"integer") {
        let min = s["minimum"].as_i64().unwrap_or(0);
        out.extend([json!(min), json!(min - 1), json!(1)]);
        match s["maximum"].as_u64() {
            Some(max) => out.extend([json!(max), json!(max + 1)]),
            None if s["format"] == "int32" => {
                out.extend([json!(u32::MAX), json!(u64::from(u32::MAX) + 1)])
            }
            None => out.push(json!(i64::MAX)),
        }
        out.push(json!(1.5));
    }
    if t.contains(&"string") || s.get("enum").is_some() {
        out.extend(
            [
                "",
                " ",
                "a",
                "aaaa",
                "no-such-value",
                "!! ?",
                "2026-11-29",
                "2026-13-45",
            ]
            .map(|v| json!(v)),
        );
    }
    if t.contains(&"boolean") {
        out.extend([json!(true), json!(false)]);
    }
    if t.contains(&"array") {
        out.push(json!([]));
        for item in pool(doc, &s["items"], false) {
            out.push(json!([item]));
        }
    }
    if s.get("properties").is_some() {
        let base = valid_object(doc, s);
        out.push(base.clone());
        for (k, p) in s["properties"].as_object().into_iter().flatten() {
            for v in pool(doc, p, false) {
                let mut o = base.clone();
                o[k] = v;
                out.push(o);
            }
        }
        for r in s["required"].as_array().into_iter().flatten() {
            let mut o = base.clone();
            o.as_object_mut().unwrap().remove(r.as_str().unwrap());
            out.push(o);
        }
        let mut unknown = base;
        unknown["no_such_field"] = json!(1);
        out.push(unknown);
    }
    if !in_query {
        // Values of another JSON type.
        out.extend([
            json!(12345),
            json!("text"),
            json!(true),
            json!({}),
            json!(null),
        ]);
    }
    let mut seen = Vec::new();
    out.retain(|v| {
        let fresh = !seen.contains(v);
        seen.push(v.clone());
        fresh
    });
    out
}

/// An object with each property at a valid value.
fn valid_object(doc: &Value, s: &Value) -> Value {
    let mut o = Map::new();
    for (k, p) in s["properties"].as_object().into_iter().flatten() {
        if let Some(v) = pool(doc, p, false)
            .into_iter()
            .find(|v| !v.is_null() && conforms(doc, p, v))
        {
            o.insert(k.clone(), v);
        }
    }
    Value::Object(o)
}

/// A path segment, percent-encoded.
fn segment(s: &str) -> String {
    let mut u = url::Url::parse("http://x/").unwrap();
    u.path_segments_mut().unwrap().push(s);
    u.path()[1..].to_owned()
}

/// A value as it travels in a path or a query string.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct Case {
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    why: String,
    valid: bool,
}

/// Every request the document makes of one operation.
fn cases(doc: &Value, template: &str, op: &Value) -> Vec<Case> {
    let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().collect();
    let first_valid = |p: &Value| -> String {
        let schema = &p["schema"];
        let prefer = if p["name"] == "id" {
            json!("basic")
        } else {
            json!(1)
        };
        if conforms(doc, schema, &prefer) || types(resolve(doc, schema)).contains(&"string") {
            return as_text(&prefer).unwrap();
        }
        pool(doc, schema, true)
            .iter()
            .find(|v| conforms(doc, schema, v))
            .and_then(as_text)
            .unwrap()
    };
    let path_of = |over: Option<(&str, &str)>| {
        let mut path = template.to_owned();
        for p in params.iter().filter(|p| p["in"] == "path") {
            let name = p["name"].as_str().unwrap();
            let value = match over {
                Some((n, v)) if n == name => v.to_owned(),
                _ => first_valid(p),
            };
            path = path.replace(&format!("{{{name}}}"), &segment(&value));
        }
        path
    };
    let body_schema = op.pointer("/requestBody/content/application~1json/schema");
    let base_body = body_schema.map(|s| valid_object(doc, resolve(doc, s)));
    let mut out = vec![Case {
        path: path_of(None),
        query: Vec::new(),
        body: base_body.clone(),
        why: "valid".into(),
        valid: true,
    }];
    for p in &params {
        let name = p["name"].as_str().unwrap();
        let is_path = p["in"] == "path";
        for v in pool(doc, &p["schema"], true) {
            let Some(text) = as_text(&v) else { continue };
            if is_path && text.trim().is_empty() {
                continue; // an empty segment is another route
            }
            // An empty query value is no value at all: the parameter is
            // optional, so that is valid whatever the schema.
            let valid = conforms(doc, &p["schema"], &Value::String(text.clone()))
                || conforms(doc, &p["schema"], &v) && v.is_number()
                || !is_path && text.is_empty();
            out.push(Case {
                path: if is_path {
                    path_of(Some((name, &text)))
                } else {
                    path_of(None)
                },
                query: if is_path {
                    Vec::new()
                } else {
                    vec![(name.to_owned(), text.clone())]
                },
                body: base_body.clone(),
                why: format!("{name}={text:?}"),
                valid,
            });
        }
    }
    if let Some(schema) = body_schema {
        for v in pool(doc, schema, false) {
            out.push(Case {
                path: path_of(None),
                query: Vec::new(),
                valid: conforms(doc, schema, &v),
                why: format!("body {v}"),
                body: Some(v),
            });
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_generated_from_the_openapi_document_get_only_documented_answers() {
    let app = spawn_app_with(|s| s.admin_token = Some(TOKEN.into())).await;
    let doc = openapi_document(&app).await;
    let mut probe = Probe {
        app: &app,
        doc: &doc,
        sent: 0,
        problems: Vec::new(),
    };
    for op in operations(&doc) {
        probe.send_the_generated_cases(&op).await;
        probe.send_unreadable_bodies(&op).await;
    }
    assert!(
        probe.sent > 500,
        "only {} requests were generated",
        probe.sent
    );
    assert!(
        probe.problems.is_empty(),
        "{} of {} requests disagree with the document:\n{}",
        probe.problems.len(),
        probe.sent,
        probe.problems.join("\n")
    );
}

/// The document as absim serves it (behind the admin token).
async fn openapi_document(app: &TestApp) -> Value {
    app.http
        .get(app.url("/api/v1/openapi.json"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// One operation of the document: its path template, method, description
/// and the statuses it lists.
struct Operation<'a> {
    template: &'a str,
    method: reqwest::Method,
    op: &'a Value,
    documented: Vec<u16>,
}

fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push(Operation {
                template,
                method: method.to_uppercase().parse().unwrap(),
                op,
                documented: op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .filter_map(|k| k.parse().ok())
                    .collect(),
            });
        }
    }
    out
}

/// Sends requests to absim and keeps every answer that disagrees with the
/// document.
struct Probe<'a> {
    app: &'a TestApp,
    doc: &'a Value,
    sent: usize,
    problems: Vec<String>,
}

impl Probe<'_> {
    /// Every case generated for the operation, with the token and (where
    /// the token is required and the case valid) without it: answered with
    /// a listed status, 401 without the token, valid cases served and
    /// invalid ones refused with 400.
    async fn send_the_generated_cases(&mut self, o: &Operation<'_>) {
        let protected = o.template.starts_with("/api/") || o.template == "/metrics";
        for c in cases(self.doc, o.template, o.op) {
            for with_token in [true, false] {
                if !with_token && (!protected || !c.valid) {
                    continue;
                }
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&c.query)
                    .finish();
                let target = if query.is_empty() {
                    self.app.url(&c.path)
                } else {
                    self.app.url(&format!("{}?{query}", c.path))
                };
                let mut req = self.app.http.request(o.method.clone(), target);
                if with_token {
                    req = req.bearer_auth(TOKEN);
                }
                if let Some(b) = &c.body {
                    req = req.json(b);
                }
                let status = req.send().await.unwrap().status().as_u16();
                self.sent += 1;
                let what = format!(
                    "{} {} {:?} ({}{}) -> {status}",
                    o.method,
                    c.path,
                    c.query,
                    c.why,
                    if with_token { "" } else { ", no token" }
                );
                let documented = &o.documented;
                if !documented.contains(&status) {
                    self.problems
                        .push(format!("undocumented: {what}; documented {documented:?}"));
                } else if !with_token && status != 401 {
                    self.problems
                        .push(format!("served without the token: {what}"));
                } else if with_token && c.valid && matches!(status, 400 | 413 | 415 | 422) {
                    self.problems
                        .push(format!("a documented-valid request refused: {what}"));
                } else if with_token && !c.valid && status != 400 {
                    self.problems
                        .push(format!("an invalid request not refused with 400: {what}"));
                }
            }
        }
    }

    /// A body the server cannot read, not JSON or not said to be, is
    /// refused with a listed 400 or 415.
    async fn send_unreadable_bodies(&mut self, o: &Operation<'_>) {
        if o.op.get("requestBody").is_none() {
            return;
        }
        let path = cases(self.doc, o.template, o.op).remove(0).path;
        for (ct, body, expect) in [
            ("application/json", "{not json", 400),
            ("text/plain", "{}", 415),
        ] {
            let status = self
                .app
                .http
                .request(o.method.clone(), self.app.url(&path))
                .bearer_auth(TOKEN)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            self.sent += 1;
            if status != expect || !o.documented.contains(&status) {
                self.problems.push(format!(
                    "{} {path} with {ct} {body:?} -> {status}, expected a documented {expect}",
                    o.method
                ));
            }
        }
    }
}

#[tokio::test]
async fn the_document_carries_the_constraints_of_the_code() {
    let app = spawn_app().await;
    let doc: Value =
        serde_json::from_str(&app.get_page("/api/v1/openapi.json").await.body).unwrap();
    let prop = |schema: &str, p: &str| {
        doc.pointer(&format!("/components/schemas/{schema}/properties/{p}"))
            .unwrap()
            .clone()
    };
    assert_eq!(prop("FaultsView", "share_percent")["maximum"], 100);
    assert!(
        prop("GroupPatch", "mode")["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("active"))
    );
    assert!(
        prop("FaultsView", "kind")["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("http503"))
    );
    let asins = prop("CartLineInput", "asin")["enum"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        asins.contains(&json!("B087JWRCP5"))
            && asins.len() == app.state.marketplaces.japan().catalog.products().len()
    );
    assert!(
        prop("RunInput", "scenario")["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("advanced-http-200-refusal"))
    );
    assert!(
        prop("GroupPatch", "identity")["pattern"]
            .as_str()
            .unwrap()
            .contains("{4,64}")
    );
    let gid = doc
        .pointer("/paths/~1api~1v1~1groups~1{gid}/get/responses")
        .unwrap();
    for code in ["200", "400", "401", "404", "500", "503"] {
        assert!(gid.get(code).is_some(), "GET /groups/{{gid}} lacks {code}");
    }
}
