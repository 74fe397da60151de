//! Every refusal answers a cXML Status with the right code and a message
//! that names the problem.

use crate::helpers::*;

fn po(kind: &str, ship_to: bool) -> String {
    order_request(
        &format!("{}@buyer.example", unique()),
        &format!("PO-{}", unique()),
        kind,
        ship_to,
        &[DESK_LINE],
    )
}

#[tokio::test]
async fn an_unknown_po_request_url_gets_404() {
    let app = spawn_app().await;
    let r = app
        .post_xml(
            "/po/not-a-real-token-000000000000000000000000000",
            &po("new", true),
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(r.content_type.starts_with("text/xml"));
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 404);
    assert!(message.contains("PO Request URL"), "{message}");
}

#[tokio::test]
async fn a_po_with_the_wrong_shared_secret_gets_401() {
    let app = spawn_app().await;
    let body = order_request_as(
        IDENTITY,
        "wrongSecret99",
        &format!("{}@b", unique()),
        "PO-401",
        "new",
        true,
        &[DESK_LINE],
    );
    let r = app.post_order(&body).await;
    assert_eq!(r.status, 401);
    let (code, text, message) = r.cxml_status();
    assert_eq!((code, text.as_str()), (401, "Unauthorized"));
    assert!(message.contains("sender credentials"), "{message}");
    assert!(
        !r.body.contains("wrongSecret99"),
        "the answer echoes no secret"
    );
}

#[tokio::test]
async fn update_and_delete_orders_are_refused_with_001_001() {
    let app = spawn_app().await;
    for kind in ["update", "delete"] {
        let r = app.post_order(&po(kind, true)).await;
        assert_eq!(r.status, 400);
        let (code, text, message) = r.cxml_status();
        assert_eq!(code, 400);
        assert_eq!(text, "001-001");
        assert!(message.contains(&format!("type=\"{kind}\"")), "{message}");
    }
    // Refused POs are shown in the test log with their answer; no order is
    // accepted and nothing is queued.
    for no in [1, 2] {
        let entry = app.state.store.order(no).await.unwrap().unwrap();
        assert_eq!(entry.refusal.unwrap().text, "001-001");
        assert!(app.state.store.deliveries_of(no).await.unwrap().is_empty());
    }
    let log = app.get_page("/groups/1/log").await.html();
    let rows = texts_of(&log, "#log-rows tbody tr");
    assert!(rows.iter().all(|r| r.contains("001-001")), "{rows:?}");
}

#[tokio::test]
async fn an_order_without_ship_to_is_refused_with_001_005() {
    let app = spawn_app().await;
    let r = app.post_order(&po("new", false)).await;
    let (code, text, message) = r.cxml_status();
    assert_eq!((code, text.as_str()), (400, "001-005"));
    assert!(message.contains("ShipTo"), "{message}");
}

#[tokio::test]
async fn a_repeated_order_id_is_refused_and_names_it() {
    let app = spawn_app().await;
    let line = [DESK_LINE];
    let first = order_request("p-1@b", "PO-TWICE", "new", true, &line);
    let second = order_request("p-2@b", "PO-TWICE", "new", true, &line);
    assert_eq!(app.post_order(&first).await.status, 200);
    let r = app.post_order(&second).await;
    assert_eq!(r.status, 409);
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 409);
    assert!(message.contains("orderID 'PO-TWICE'"), "{message}");
}

#[tokio::test]
async fn a_repeated_payload_id_is_refused_and_a_missing_one_too() {
    let app = spawn_app().await;
    let line = [DESK_LINE];
    let first = order_request("same@b", "PO-A", "new", true, &line);
    let second = order_request("same@b", "PO-B", "new", true, &line);
    assert_eq!(app.post_order(&first).await.status, 200);
    let (code, _, message) = app.post_order(&second).await.cxml_status();
    assert_eq!(code, 409);
    assert!(message.contains("payloadID 'same@b'"), "{message}");
    let missing = order_request("", "PO-C", "new", true, &line);
    let (code, _, message) = app.post_order(&missing).await.cxml_status();
    assert_eq!(code, 400);
    assert!(message.contains("payloadID"), "{message}");
}

#[tokio::test]
async fn malformed_xml_gets_400_with_the_parsers_reason() {
    let app = spawn_app().await;
    let r = app
        .post_order("<?xml version=\"1.0\"?>\n<cXML><Request><OrderRequest></Request></cXML>")
        .await;
    assert_eq!(r.status, 400);
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 400);
    assert!(message.contains("not well-formed"), "{message}");
    assert!(message.contains("line 2"), "{message}");
    let r = app.post_punchout_setup("this is not xml").await;
    assert_eq!(r.cxml_status().0, 400);
    let r = app.post_order("").await;
    assert!(r.cxml_status().2.contains("empty"));
}

#[tokio::test]
async fn a_document_of_the_wrong_type_gets_406() {
    let app = spawn_app().await;
    let setup = setup_request(IDENTITY, SECRET, "http://127.0.0.1:9/hook");
    let r = app.post_order(&setup).await;
    assert_eq!(r.status, 406);
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 406);
    assert!(message.contains("expected a OrderRequest"), "{message}");
    assert!(message.contains("PunchOutSetupRequest"), "{message}");
}

#[tokio::test]
async fn a_punchout_with_bad_credentials_gets_401() {
    let app = spawn_app().await;
    for (id, secret) in [(IDENTITY, "wrong1secret"), ("SomeoneElse", SECRET)] {
        let r = app
            .post_punchout_setup(&setup_request(id, secret, "http://127.0.0.1:9/hook"))
            .await;
        assert_eq!(r.status, 401);
        assert_eq!(r.cxml_status().0, 401);
        assert!(!r.body.contains("PunchOutSetupResponse"));
    }
}

#[tokio::test]
async fn a_punchout_without_hook_or_email_gets_403_naming_each_path() {
    let app = spawn_app().await;
    let full = setup_request(IDENTITY, SECRET, "http://127.0.0.1:9/hook");
    let no_hook = full.replace(
        "<BrowserFormPost><URL>http://127.0.0.1:9/hook</URL></BrowserFormPost>",
        "",
    );
    let no_email = full.replace(
        "<Extrinsic name=\"UserEmail\">tanaka@example.co.jp</Extrinsic>",
        "",
    );
    let r = app.post_punchout_setup(&no_hook).await;
    assert_eq!(r.status, 403);
    let (code, text, message) = r.cxml_status();
    assert_eq!((code, text.as_str()), (403, "failure"));
    assert!(
        message.contains("/cXML/Request/PunchOutSetupRequest/BrowserFormPost/URL"),
        "{message}"
    );
    assert!(!message.contains("EMAIL"), "{message}");
    let (code, _, message) = app.post_punchout_setup(&no_email).await.cxml_status();
    assert_eq!(code, 403);
    assert!(
        message.contains("Extrinsic[@name='UserEmail']"),
        "{message}"
    );
    assert!(message.contains("Contact/Email"), "{message}");
    assert!(!message.contains("HOOK"), "{message}");
}

#[tokio::test]
async fn the_email_is_found_in_each_of_the_four_places() {
    let mut app = spawn_app().await;
    let hook = app.receiver.url("/hook");
    let full = setup_request(IDENTITY, SECRET, &hook);
    let without = full.replace(
        "<Extrinsic name=\"UserEmail\">tanaka@example.co.jp</Extrinsic>",
        "",
    );
    let hook_element = format!("<BrowserFormPost><URL>{hook}</URL></BrowserFormPost>");
    let variants = [
        without.replace(
            &hook_element,
            &format!("{hook_element}<ShipTo><Address><Name xml:lang=\"ja\">本社</Name><Email>a@example.jp</Email></Address></ShipTo>"),
        ),
        without.replace(
            &hook_element,
            &format!("{hook_element}<Contact role=\"endUser\"><Name xml:lang=\"ja\">田中</Name><Email>a@example.jp</Email></Contact>"),
        ),
        without.replace(
            "<BuyerCookie>cookie-42</BuyerCookie>",
            "<BuyerCookie>cookie-42</BuyerCookie><Extrinsic name=\"Email\">a@example.jp</Extrinsic>",
        ),
    ];
    for v in variants {
        let r = app.post_punchout_setup(&v).await;
        assert_eq!(r.status, 200, "{}", r.body);
        app.emitted.push(("setup-response".into(), r.body));
    }
    app.validate_emitted();
}

#[tokio::test]
async fn sourcing_is_answered_450_and_an_unknown_operation_400() {
    let app = spawn_app().await;
    let setup = setup_request(IDENTITY, SECRET, "http://127.0.0.1:9/hook");
    let r = app
        .post_punchout_setup(&setup.replace("operation=\"create\"", "operation=\"source\""))
        .await;
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 450);
    assert!(message.contains("source"), "{message}");
    let r = app
        .post_punchout_setup(&setup.replace("operation=\"create\"", "operation=\"buy\""))
        .await;
    assert_eq!(r.cxml_status().0, 400);
}

#[tokio::test]
async fn a_hook_url_that_is_not_http_is_refused() {
    let app = spawn_app().await;
    let r = app
        .post_punchout_setup(&setup_request(IDENTITY, SECRET, "javascript:alert(1)"))
        .await;
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 400);
    assert!(message.contains("http(s)"), "{message}");
}

#[tokio::test]
async fn every_refusal_is_itself_valid_cxml() {
    let mut app = spawn_app().await;
    let refusals = [
        app.post_order("").await.body,
        app.post_order(&po("update", true)).await.body,
        app.post_order(&po("new", false)).await.body,
        app.post_xml("/po/unknown", "<x/>").await.body,
        app.post_punchout_setup("<oops").await.body,
    ];
    for (i, body) in refusals.into_iter().enumerate() {
        app.emitted.push((format!("refusal-{i}"), body));
    }
    app.validate_emitted();
}

#[tokio::test]
async fn a_group_may_carry_its_refusals_in_http_200() {
    let app = spawn_app_with(|s| s.cxml_errors = Some(absim::domain::ErrorForm::Http200)).await;
    // Refusals of the group's requests: HTTP 200, the code in the Status.
    let update = app.post_order(&po("update", true)).await;
    assert_eq!(update.status, 200, "{}", update.body);
    assert_eq!(update.cxml_status().0, 400);
    let wrong = order_request_as(
        IDENTITY,
        "wrongSecret1",
        "h200-401@b",
        "H200-401",
        "new",
        true,
        &[DESK_LINE],
    );
    let refused = app.post_order(&wrong).await;
    assert_eq!((refused.status, refused.cxml_status().0), (200, 401));
    // A request whose group is unknown keeps the HTTP status of its code.
    let unknown = app.post_xml("/po/not-a-token", &po("new", true)).await;
    assert_eq!((unknown.status, unknown.cxml_status().0), (404, 404));
    // The setting is the group's: back to the code through the API.
    let r = app
        .http
        .patch(app.url("/api/v1/groups/1"))
        .json(&serde_json::json!({"cxml_errors": "code"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let again = app.post_order(&po("update", true)).await;
    assert_eq!((again.status, again.cxml_status().0), (400, 400));
    // And through the settings page.
    let g = app.group().await;
    let saved = app
        .post_form(
            "/groups/1/settings",
            &[
                ("purchasing_system", g.purchasing_system.as_str()),
                ("identity", &g.identity),
                ("shared_secret", &g.shared_secret),
                ("cart_field", "cxml-urlencoded"),
                ("cxml_errors", "http-200"),
                ("invoice_url", "http://127.0.0.1:9/invoice"),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let g = app.group().await;
    assert_eq!(g.cxml_errors, absim::domain::ErrorForm::Http200);
    assert_eq!(g.invoice_url.as_deref(), Some("http://127.0.0.1:9/invoice"));
    let settings = app.get_page("/groups/1/settings").await.html();
    assert_eq!(
        attr_of(&settings, "#invoice-url", "value"),
        "http://127.0.0.1:9/invoice"
    );
    assert_eq!(
        attr_of(&settings, "#cxml-errors input[checked]", "value"),
        "http-200"
    );
}
