//! The JSON API: each route, error shapes, resets that leave other scenarios
//! intact, and the OpenAPI document (parsed with oas3) listing every route.

use absim::domain::order::DocKind;
use serde_json::{Value, json};

use crate::helpers::*;

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn service_routes_and_groups() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
    let (_, v) = get(&app, "/api/v1/version").await;
    assert_eq!(v["name"], "absim");
    assert_eq!(v["cxml_version"], "1.2.063");

    let (status, groups) = get(&app, "/api/v1/groups").await;
    assert_eq!(status, 200);
    assert_eq!(groups[0]["identity"], IDENTITY);
    assert_eq!(groups[0]["po_request_url"], app.po_url().await);
    let (status, g) = get(&app, "/api/v1/groups/1").await;
    assert_eq!(status, 200);
    assert_eq!(g["mode"], "test");
    assert_eq!(g["tolerances"]["price_increase_percent"], 20);

    let (status, g) = send(
        &app,
        "PATCH",
        "/api/v1/groups/1",
        json!({"mode": "active", "cart_field": "cxml-base64",
               "tolerances": {"price_increase_percent": 5, "price_action": "cancel-order",
                              "quantity_action": "backorder", "max_shipping_yen": 800,
                              "max_delivery_days": null, "delivery_action": "remove-line", "amazon_only": false},
               "faults": {"kind": "http503", "remaining": 1, "share_percent": null, "delay_ms": 0, "timeout_secs": 60}}),
    )
    .await;
    assert_eq!(status, 200, "{g}");
    assert_eq!(g["mode"], "active");
    assert_eq!(g["cart_field"], "cxml-base64");
    assert_eq!(app.group().await.tolerances.max_shipping, Some(800.into()));
    assert_eq!(g["faults"]["kind"], "http503");

    // Errors: JSON with a stable code and a message naming the problem.
    let (status, e) = send(&app, "PATCH", "/api/v1/groups/1", json!({"identity": "no"})).await;
    assert_eq!(status, 400);
    assert_eq!(e["code"], "bad_request");
    assert!(e["message"].as_str().unwrap().contains("4 to 64"));
    let (status, e) = send(&app, "PATCH", "/api/v1/groups/1", json!({"colour": "red"})).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("bad_request")));
    assert!(e["message"].as_str().unwrap().contains("colour"));
    let (status, e) = get(&app, "/api/v1/groups/9").await;
    assert_eq!((status, e["code"].as_str()), (404, Some("not_found")));
    let (status, e) = get(&app, "/api/v1/groups/x").await;
    assert_eq!((status, e["code"].as_str()), (400, Some("bad_request")));

    let before = app.group().await;
    let (status, g) = send(&app, "POST", "/api/v1/groups/1/credentials", json!({})).await;
    assert_eq!(status, 200);
    assert_ne!(g["identity"], before.identity);
    assert_ne!(g["po_request_url"], app.state.po_url(&before));
    assert!(g["shared_secret"].as_str().unwrap().len() >= 6);
}

#[tokio::test]
async fn sessions_carts_and_checkout_through_the_api() {
    let mut app = spawn_app().await;
    let start = app.punch_out().await;
    let sid = session_id(&start);
    let (status, s) = get(&app, &format!("/api/v1/sessions/{sid}")).await;
    assert_eq!(status, 200);
    assert_eq!(s["operation"], "create");
    assert_eq!(s["email"], "tanaka@example.co.jp");
    let (_, list) = get(&app, "/api/v1/groups/1/sessions").await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    let (status, s) = send(
        &app,
        "PUT",
        &format!("/api/v1/sessions/{sid}/cart"),
        json!({"lines": [{"asin": "B087JWRCP5", "quantity": 1}, {"asin": "B001TK8QMA", "quantity": 3}]}),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["cart"].as_array().unwrap().len(), 2);
    assert!(
        s["cart"][1]["supplier_part_auxiliary_id"]
            .as_str()
            .unwrap()
            .ends_with(",2")
    );
    let (_, s) = send(
        &app,
        "PUT",
        &format!("/api/v1/sessions/{sid}/cart"),
        json!({"lines": [{"asin": "B087JWRCP5", "quantity": 0}]}),
    )
    .await;
    assert_eq!(s["cart"].as_array().unwrap().len(), 1);
    let (status, e) = send(
        &app,
        "PUT",
        &format!("/api/v1/sessions/{sid}/cart"),
        json!({"lines": [{"asin": "NOPE", "quantity": 1}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(e["message"].as_str().unwrap().contains("NOPE"));

    // Check out, with the cart posted server-side to the (loopback) hook.
    let (status, c) = send(
        &app,
        "POST",
        &format!("/api/v1/sessions/{sid}/checkout"),
        json!({"post": true}),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["field"], "cxml-urlencoded");
    assert_eq!(c["posted_status"], 200);
    let poom = c["punch_out_order_message"].as_str().unwrap();
    assert!(poom.contains("<SupplierPartID>B001TK8QMA</SupplierPartID>"));
    let hook = app.receiver.next("/hook").await;
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(hook.body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(fields[0].1, poom);
    app.emitted.push(("api-poom".into(), poom.to_owned()));
    app.validate_emitted();

    // A hook outside the allowed hosts is refused.
    let setup = setup_request(IDENTITY, SECRET, "http://example.invalid/hook");
    let other = start_page(&app.post_punchout_setup(&setup).await.body);
    let other = other.rsplit('/').next().unwrap();
    let (status, e) = send(
        &app,
        "POST",
        &format!("/api/v1/sessions/{other}/checkout"),
        json!({"post": true}),
    )
    .await;
    assert_eq!((status, e["code"].as_str()), (403, Some("forbidden")));
    let (status, e) = get(&app, "/api/v1/sessions/nope").await;
    assert_eq!((status, e["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn orders_checks_marks_and_resets() {
    let mut app = spawn_app_steppable(|_| {}).await;
    for (scenario, id) in [("basic", "PO-A"), ("checkout-multi-line", "PO-B")] {
        let sid = app.open_store("create", &[], Some(scenario)).await;
        app.add_to_cart(&sid, "B087JWRCP5", 1).await;
        let cart = app.return_cart(&sid, false).await;
        assert_eq!(app.send_po(&app.po_for(&cart, id)).await.status, 200);
    }
    app.settle().await;
    let (status, list) = get(&app, "/api/v1/groups/1/orders?scenario=basic").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1);
    let no = list["orders"][0]["no"].as_u64().unwrap();
    let (_, detail) = get(&app, &format!("/api/v1/groups/1/orders/{no}")).await;
    assert_eq!(detail["verdict"], "success", "{detail}");
    assert_eq!(detail["confirmation_type"], "detail");
    assert!(
        detail["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["outcome"] != "fail")
    );
    let kinds: Vec<&str> = detail["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["confirmation", "ship_notice"]);
    assert!(detail["documents"].as_array().unwrap().len() >= 6);

    let (status, m) = send(
        &app,
        "POST",
        &format!("/api/v1/groups/1/orders/{no}/mark"),
        json!({"result": "success", "comment": "checked by CI"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(m["mark"], "success");
    assert_eq!(m["mark_comment"], "checked by CI");
    let (status, _) = send(
        &app,
        "POST",
        &format!("/api/v1/groups/1/orders/{no}/mark"),
        json!({"result": "maybe"}),
    )
    .await;
    assert_eq!(status, 400);
    let (_, marked) = get(&app, "/api/v1/groups/1/orders?result=success").await;
    assert_eq!(marked["total"], 1);
    let (status, _) = get(&app, "/api/v1/groups/1/orders?from=yesterday").await;
    assert_eq!(status, 400);

    // Scenarios: state per group, select, reset one.
    let (_, scenarios) = get(&app, "/api/v1/groups/1/scenarios").await;
    let basic = scenarios
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "basic")
        .unwrap();
    assert_eq!(basic["mark"], "success");
    assert_eq!(basic["orders"], 1);
    let (status, g) = send(
        &app,
        "POST",
        "/api/v1/groups/1/scenarios/advanced-invoice/select",
        json!({}),
    )
    .await;
    assert_eq!(
        (status, g["selected_scenario"].as_str()),
        (200, Some("advanced-invoice"))
    );
    let (status, r) = send(
        &app,
        "POST",
        "/api/v1/groups/1/scenarios/checkout-multi-line/reset",
        json!({}),
    )
    .await;
    assert_eq!((status, r["removed"].as_u64()), (200, Some(1)));
    let (_, all) = get(&app, "/api/v1/groups/1/orders").await;
    assert_eq!(all["total"], 1, "the basic order is still there");
    assert_eq!(all["orders"][0]["scenario"], "basic");
    let (status, e) = send(
        &app,
        "POST",
        "/api/v1/groups/1/scenarios/nope/reset",
        json!({}),
    )
    .await;
    assert_eq!((status, e["code"].as_str()), (404, Some("not_found")));
    let (_, r) = send(&app, "POST", "/api/v1/groups/1/reset", json!({})).await;
    assert_eq!(r["removed"], 1);
    let (_, all) = get(&app, "/api/v1/groups/1/orders").await;
    assert_eq!(all["total"], 0);
    assert_eq!(app.group().await.selected_scenario, "basic");
    app.collect_posts();
}

#[tokio::test]
async fn the_journal_records_exchanges_and_explains_near_misses() {
    let mut app = spawn_app_steppable(|_| {}).await;
    app.punch_out().await;
    let bad = setup_request(IDENTITY, "wrongpass1", "http://127.0.0.1:9/hook");
    app.post_punchout_setup(&bad).await;
    let token = app.group().await.po_token;
    app.post_xml(&format!("/po/{}", &token[..20]), "<cXML/>")
        .await;
    let po = order_request("j@b", "PO-J", "new", true, &[DESK_LINE]);
    assert_eq!(app.post_order(&po).await.status, 200);
    absim::outbound::deliver_all_due(&app.state).await.unwrap();
    let (_, j) = get(&app, "/api/v1/journal?direction=in").await;
    let entries = j.as_array().unwrap();
    assert!(entries.len() >= 4, "{j}");
    let unauthorized = entries.iter().find(|e| e["status"] == 401).unwrap();
    assert!(
        unauthorized["note"]
            .as_str()
            .unwrap()
            .contains("is the system login of group 1"),
        "{unauthorized}"
    );
    assert!(
        unauthorized["request"]
            .as_str()
            .unwrap()
            .contains("wrongpass1")
    );
    let near = entries.iter().find(|e| e["status"] == 404).unwrap();
    assert!(
        near["note"]
            .as_str()
            .unwrap()
            .contains("starts like group 1's"),
        "{near}"
    );
    let (_, out) = get(&app, "/api/v1/journal?direction=out").await;
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 2, "the confirmation and the ship notice");
    assert!(
        out[1]["request"]
            .as_str()
            .unwrap()
            .contains("<ConfirmationRequest>")
    );
    assert!(out[1]["target"].as_str().unwrap().ends_with("/confirm"));
    // Every exchange, in or out, names the process that handled it.
    let replica = app.state.settings.replica_id.as_str();
    assert!(!replica.is_empty());
    assert!(
        entries.iter().chain(out).all(|e| e["replica"] == replica),
        "{j}"
    );
    let (_, filtered) = get(&app, "/api/v1/journal?status=404").await;
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    app.collect_posts();
}

/// A cXML endpoint takes only POST: another method gets 405 with `Allow:
/// POST`, and the journal records it like every exchange there.
#[tokio::test]
async fn a_cxml_endpoint_refuses_other_methods_and_journals_them() {
    let app = spawn_app().await;
    let token = app.group().await.po_token;
    for path in [format!("/po/{token}"), "/eprocurement/punchout".to_owned()] {
        let r = app.http.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 405, "{path}");
        assert_eq!(r.headers()["allow"], "POST");
    }
    let journal = app.journal("?status=405").await;
    let targets: Vec<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets.len(), 2, "{journal}");
    assert!(targets.contains(&"/eprocurement/punchout"), "{journal}");
}

/// A PO's journal entry, and a delivery's, refer to the order's stored
/// documents (one copy of the bytes on disk), show them as sent and
/// answered, and keep them when a reset deletes the order.
#[tokio::test]
async fn journal_entries_show_their_bodies_stored_once_and_kept_by_a_reset() {
    let storage = Storage::durable().await;
    let mut app = spawn_app_steppable(storage.settings()).await;
    app.punch_out().await;
    let po = order_request("once@b", "PO-ONCE", "new", true, &[DESK_LINE]);
    let accepted = app.post_order(&po).await;
    assert_eq!(accepted.status, 200);
    let refused = app.post_order(&po).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    absim::outbound::deliver_all_due(&app.state).await.unwrap();

    let po_entries = |j: Value| -> Vec<(String, String)> {
        j.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["target"].as_str().unwrap().starts_with("/po/"))
            .map(|e| {
                let text = |k: &str| e[k].as_str().unwrap().to_owned();
                (text("request"), text("response"))
            })
            .collect()
    };
    let before = po_entries(app.journal("?direction=in").await);
    assert_eq!(
        before,
        [
            (po.clone(), refused.body.clone()),
            (po.clone(), accepted.body.clone())
        ]
    );
    let posted = |j: Value| -> Vec<(String, String)> {
        j.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let text = |k: &str| e[k].as_str().unwrap().to_owned();
                (text("request"), text("response"))
            })
            .collect()
    };
    let out_before = posted(app.journal("?direction=out").await);
    assert_eq!(out_before.len(), 2, "the confirmation and the ship notice");
    assert!(out_before[1].0.contains("<ConfirmationRequest>"));
    assert!(out_before[0].0.contains("<ShipNoticeRequest>"));
    for (_, answer) in &out_before {
        assert!(answer.contains(r#"code="200""#), "{answer}");
    }
    let copies = storage
        .scalar(
            "SELECT count(*) FROM journal WHERE (target LIKE '/po/%' OR direction = 'out')
               AND length(request) + length(response) > 0",
        )
        .await;
    assert_eq!(copies, 0, "the journal refers to the documents");
    // The order's documents list the sizes sent; SQLite keeps a PO's body
    // packed (an LZ4 block), and the journal above showed it as sent.
    let docs = app.state.store.documents_of(1, None).await.unwrap();
    let sizes: Vec<(DocKind, usize)> = docs.iter().map(|d| (d.kind, d.size)).collect();
    assert_eq!(
        sizes[..2],
        [
            (DocKind::OrderRequest, po.len()),
            (DocKind::OrderResponse, accepted.body.len())
        ]
    );
    if crate::BACKEND == Backend::Sqlite {
        let packed = storage
            .scalar("SELECT count(*) FROM documents WHERE kind = 'order-request' AND packed_size > length(body)")
            .await;
        assert_eq!(packed, 2, "the accepted PO and the refused one");
    }

    let (status, _) = send(&app, "POST", "/api/v1/groups/1/reset", json!({})).await;
    assert_eq!(status, 200);
    let (_, all) = get(&app, "/api/v1/groups/1/orders").await;
    assert_eq!(all["total"], 0);
    assert_eq!(po_entries(app.journal("?direction=in").await), before);
    assert_eq!(posted(app.journal("?direction=out").await), out_before);
}

#[tokio::test]
async fn the_openapi_document_parses_and_lists_every_route() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().await.unwrap();
    let spec = oas3::from_json(&text).expect("a valid OpenAPI document");
    let paths: Vec<String> = spec.paths.as_ref().unwrap().keys().cloned().collect();
    for p in [
        "/healthz",
        "/api/v1/version",
        "/api/v1/groups",
        "/api/v1/groups/{gid}",
        "/api/v1/groups/{gid}/credentials",
        "/api/v1/groups/{gid}/scenarios",
        "/api/v1/groups/{gid}/scenarios/{id}/select",
        "/api/v1/groups/{gid}/scenarios/{id}/reset",
        "/api/v1/groups/{gid}/reset",
        "/api/v1/groups/{gid}/sessions",
        "/api/v1/sessions/{sid}",
        "/api/v1/sessions/{sid}/cart",
        "/api/v1/sessions/{sid}/checkout",
        "/api/v1/groups/{gid}/orders",
        "/api/v1/groups/{gid}/orders/{no}",
        "/api/v1/groups/{gid}/orders/{no}/mark",
        "/api/v1/journal",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
    }
    let group = &spec.paths.as_ref().unwrap()["/api/v1/groups/{gid}"];
    assert!(group.get.is_some() && group.patch.is_some());
}

/// JSON Schema counts 60.0 an integer, and schema-driven clients send it
/// so: absim takes it; 60.5 is refused naming the field.
#[tokio::test]
async fn integers_written_with_a_zero_fraction_are_taken_and_fractions_refused_by_name() {
    let app = spawn_app().await;
    let (status, run) = send(
        &app,
        "POST",
        "/api/v1/groups/1/runs",
        json!({"scenario": "basic", "timeout_secs": 60.0, "quiet_secs": 5.0}),
    )
    .await;
    assert_eq!(status, 201, "{run}");
    let (status, g) = send(
        &app,
        "PATCH",
        "/api/v1/groups/1",
        json!({"faults": {"kind": "http503", "remaining": 2.0, "delay_ms": 0.0, "timeout_secs": 60.0}}),
    )
    .await;
    assert_eq!(status, 200, "{g}");
    assert_eq!(g["faults"]["remaining"], 2);
    let (status, e) = send(
        &app,
        "PATCH",
        "/api/v1/groups/1",
        json!({"faults": {"kind": "http503", "remaining": 2.5, "delay_ms": 0, "timeout_secs": 60}}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    let message = e["message"].as_str().unwrap();
    assert!(message.starts_with("faults.remaining: "), "{message}");
    assert!(message.contains("2.5"), "{message}");
}
