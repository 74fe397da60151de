//! The OpenAPI document as absim serves it: what utoipa generates from the
//! handlers, completed with what is true of every route but written in one
//! place rather than on each handler:
//!
//! - the answers absim's extractors and middleware give on any route: 400
//!   for a path, query or body value it cannot read, 413 and 415 for
//!   bodies, 401 without the admin token (when one is set), 500 and 503
//!   when the store fails, each with the JSON error shape;
//! - the closed sets of values as enums, taken from the domain's own lists
//!   (modes, actions, fault kinds, purchasing systems) and from this
//!   absim's marketplaces (their codes), catalogue (its ASINs) and scenario
//!   files (their ids);
//! - the one rule between fields (`tax_exempt` needs a store with an
//!   exemption), as an `anyOf` of the group's schema.
//!
//! The document is JSON here because that is what it is refined as.

use serde_json::{Value, json};

use crate::AppState;
use crate::domain::account::PURCHASING_SYSTEMS;
use crate::domain::fault::FAULT_KINDS;
use crate::domain::safeguard::{Action, QuantityAction};

/// Values of closed sets: (schema, property, values).
fn enums(state: &AppState) -> Vec<(&'static str, &'static str, Vec<String>)> {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let actions = owned(&[Action::RemoveLine.as_str(), Action::CancelOrder.as_str()]);
    // Every store sells the same ASINs.
    let mut asins: Vec<String> = state
        .marketplaces
        .japan()
        .catalog
        .products()
        .iter()
        .map(|p| p.asin.clone())
        .collect();
    asins.sort();
    let scenarios: Vec<String> = state.scenarios.all().map(|s| s.id.clone()).collect();
    vec![
        ("GroupPatch", "mode", owned(&["test", "active"])),
        (
            "GroupPatch",
            "purchasing_system",
            owned(&PURCHASING_SYSTEMS),
        ),
        (
            "GroupPatch",
            "cart_field",
            owned(&["cxml-urlencoded", "cxml-base64"]),
        ),
        ("GroupPatch", "cxml_errors", owned(&["code", "http-200"])),
        (
            "GroupPatch",
            "marketplace",
            owned(&state.marketplaces.codes()),
        ),
        ("TolerancesView", "price_action", actions.clone()),
        ("TolerancesView", "delivery_action", actions),
        (
            "TolerancesView",
            "quantity_action",
            owned(&[
                QuantityAction::ShipAvailable.as_str(),
                QuantityAction::Backorder.as_str(),
                QuantityAction::CancelOrder.as_str(),
            ]),
        ),
        (
            "FaultsView",
            "kind",
            FAULT_KINDS.iter().map(|k| k.as_str().to_owned()).collect(),
        ),
        ("CartLineInput", "asin", asins),
        ("MarkInput", "result", owned(&["success", "failure"])),
        ("RunInput", "scenario", scenarios),
        ("RunInput", "lang", owned(&["ja", "en"])),
    ]
}

/// Query parameters with closed sets: (path, parameter, values). An empty
/// value means the parameter is absent, so it is one of the values.
const QUERY_ENUMS: &[(&str, &str, &[&str])] = &[
    (
        "/api/v1/groups/{gid}/orders",
        "result",
        &["", "success", "failure", "unmarked"],
    ),
    ("/api/v1/journal", "direction", &["", "in", "out"]),
];

/// Query parameters that are days (YYYY-MM-DD), or empty.
const DATE_PARAMS: &[(&str, &str)] = &[
    ("/api/v1/groups/{gid}/orders", "from"),
    ("/api/v1/groups/{gid}/orders", "to"),
];

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    })
}

/// Sets `values` as the enum of a schema, keeping `null` where the schema
/// allows it (an optional field may be sent as null).
fn set_enum(schema: &mut Value, values: &[String]) {
    let nullable = match &schema["type"] {
        Value::Array(types) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    let mut list: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    if nullable {
        list.push(Value::Null);
    }
    schema["enum"] = Value::Array(list);
}

/// The document served at `/api/v1/openapi.json`: utoipa's, with the enum
/// values of the scenarios and settings, the date and enum query
/// parameters, and the error answers every operation can give.
pub fn document(generated: &utoipa::openapi::OpenApi, state: &AppState) -> Value {
    let mut doc = serde_json::to_value(generated).unwrap_or_default();
    for (schema, property, values) in enums(state) {
        if let Some(p) = doc.pointer_mut(&format!(
            "/components/schemas/{schema}/properties/{property}"
        )) {
            set_enum(p, &values);
        }
    }
    exemption_rule(&mut doc, state);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for (_, op) in ops.iter_mut() {
            let (has_path, has_query) = describe_parameters(path, op);
            let has_body = op.get("requestBody").is_some();
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                add_error_answers(path, responses, has_path || has_query, has_body);
            }
        }
    }
    doc
}

/// The rule between two of a group's fields, as the schema can say it: a
/// group is tax-exempt only in a store with an exemption, so `tax_exempt:
/// true` comes with such a store's code. (A group already in one may send
/// it alone; a schema cannot know the group.)
fn exemption_rule(doc: &mut Value, state: &AppState) {
    let exempt_stores: Vec<String> = state
        .marketplaces
        .all()
        .filter(|m| m.exempt_allowed)
        .map(|m| m.code.clone())
        .collect();
    if let Some(patch) = doc.pointer_mut("/components/schemas/GroupPatch") {
        patch["anyOf"] = json!([
            {"type": "object", "properties": {"tax_exempt": {"enum": [false, null]}}},
            {"type": "object", "required": ["marketplace"],
             "properties": {"marketplace": {"enum": exempt_stores}}}
        ]);
    }
}

/// Narrows an operation's query parameters (a day or empty; a list of
/// values) and says whether it has path and query parameters.
fn describe_parameters(path: &str, op: &mut Value) -> (bool, bool) {
    // (get_mut: indexing a missing key would insert a null.)
    let params = op.get_mut("parameters").and_then(Value::as_array_mut);
    let (mut has_path, mut has_query) = (false, false);
    for p in params.into_iter().flatten() {
        match p["in"].as_str() {
            Some("path") => has_path = true,
            Some("query") => {
                has_query = true;
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                if DATE_PARAMS
                    .iter()
                    .any(|(dp, dn)| *dp == path && *dn == name)
                {
                    // A day, or empty for no filter.
                    p["schema"] = json!({"anyOf": [
                        {"type": "string", "format": "date"},
                        {"type": "string", "maxLength": 0}
                    ]});
                }
                if let Some((_, _, values)) = QUERY_ENUMS
                    .iter()
                    .find(|(qp, qn, _)| *qp == path && *qn == name)
                {
                    let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
                    set_enum(&mut p["schema"], &values);
                }
            }
            _ => {}
        }
    }
    (has_path, has_query)
}

/// The error answers an operation can give besides its own: a value it
/// cannot read, a body too large or not JSON, the admin token, absim or
/// its database failing.
fn add_error_answers(
    path: &str,
    responses: &mut serde_json::Map<String, Value>,
    has_parameters: bool,
    has_body: bool,
) {
    let protected = path.starts_with("/api/") || path == "/metrics";
    let uses_store = path.starts_with("/api/v1/") && path != "/api/v1/version";
    let mut add = |code: &str, description: &str| {
        responses
            .entry(code.to_owned())
            .or_insert_with(|| error(description));
    };
    if has_parameters || has_body {
        add(
            "400",
            "a path, query or body value absim cannot read or that breaks its rule (the message names it)",
        );
    }
    if has_body {
        add("413", "the body is larger than --max-body-bytes");
        add("415", "the body is not sent as application/json");
    }
    if protected {
        add(
            "401",
            "absim runs with --admin-token and the request does not carry it (Authorization: Bearer)",
        );
    }
    if uses_store {
        add("500", "absim failed inside; the cause is in its log");
        add(
            "503",
            "absim's database is unavailable; the same request may succeed shortly",
        );
    }
}
