//! Advanced scenarios: split and back orders, rejections, refusals, late POs,
//! invoices, retries.

use super::*;

#[tokio::test]
async fn advanced_split_shipment_sends_two_ship_notices() {
    let mut app = app().await;
    let no = order(&mut app, "advanced-split-shipment", &[(DESK, 1), (PEN, 2)]).await;
    app.collect_posts();
    let sns = ship_notices(&app);
    assert_eq!(sns.len(), 2);
    assert_ne!(sns[0].header.shipment_id, sns[1].header.shipment_id);
    assert_eq!(sns[0].portions[0].items[0].line_number, "1");
    assert_eq!(sns[1].portions[0].items[0].line_number, "2");
    assert!(app.checks(no).await.all_pass());
    let entry = app.get_page(&format!("/groups/1/log/{no}")).await.html();
    assert_eq!(texts_of(&entry, "#asn .shipment").len(), 2);
    buyer_refuses(
        &mut app,
        "/ship",
        "advanced-split-shipment",
        &[(DESK, 1), (PEN, 2)],
    )
    .await;
    app.validate_emitted();
}

#[tokio::test]
async fn advanced_backorder_confirms_backordered_then_ships() {
    let mut app = app().await;
    order(&mut app, "advanced-backorder", &[(DESK, 1)]).await;
    let conf = confirmation(&mut app);
    let c = conf.payload().unwrap();
    assert_eq!(c.header.kind, "backordered");
    assert_eq!(c.items[0].statuses[0].kind, "backordered");
    assert!(c.items[0].statuses[0].delivery_date.is_some());
    let sns = ship_notices(&app);
    assert_eq!(sns.len(), 1);
    assert_eq!(sns[0].portions[0].items[0].quantity, "1");
    let no = app.last_entry().await;
    assert!(app.checks(no).await.all_pass());
    buyer_refuses(&mut app, "/confirm", "advanced-backorder", &[(DESK, 1)]).await;
    app.validate_emitted();
}

#[tokio::test]
async fn advanced_line_and_order_rejections() {
    let mut app = app().await;
    order(&mut app, "advanced-line-rejected", &[(DESK, 1), (PEN, 1)]).await;
    let conf = confirmation(&mut app);
    let c = conf.payload().unwrap();
    assert_eq!(c.items[0].statuses[0].kind, "reject");
    assert!(
        c.items[0].statuses[0].comments[0]
            .text
            .contains("お取り扱いできません")
    );
    assert_eq!(c.items[1].statuses[0].kind, "detail");
    assert!(app.checks(app.last_entry().await).await.all_pass());
    buyer_refuses(
        &mut app,
        "/confirm",
        "advanced-line-rejected",
        &[(DESK, 1), (PEN, 1)],
    )
    .await;

    let before = ship_notices(&app).len();
    order(&mut app, "advanced-order-rejected", &[(DESK, 1)]).await;
    let conf = confirmation(&mut app);
    let c = conf.payload().unwrap();
    assert_eq!(c.header.kind, "reject");
    assert!(c.header.comments[0].text.contains("取り消しました"));
    assert_eq!(ship_notices(&app).len(), before);
    assert!(app.checks(app.last_entry().await).await.all_pass());
    buyer_refuses(
        &mut app,
        "/confirm",
        "advanced-order-rejected",
        &[(DESK, 1)],
    )
    .await;
    app.validate_emitted();
}

#[tokio::test]
async fn advanced_refusals_are_logged_and_checked_against_the_scenario() {
    let mut app = app().await;
    let sid = app
        .open_store("create", &[], Some("advanced-po-update"))
        .await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;

    // type="update": 001-001, which this scenario expects.
    let mut update = app.po_for(&cart, "PO-UPD");
    update.request.as_mut().unwrap().payload.header.kind = Some("update".into());
    assert_eq!(app.send_po(&update).await.cxml_status().1, "001-001");
    app.checks(app.last_entry().await).await.assert_all_pass();

    // No ShipTo under a scenario that does not expect it: a failure.
    let mut no_ship = app.po_for(&cart, "PO-NOSHIP");
    no_ship.request.as_mut().unwrap().payload.header.ship_to = None;
    assert_eq!(app.send_po(&no_ship).await.cxml_status().1, "001-005");
    app.checks(app.last_entry().await)
        .await
        .assert_fails_with("expects a refusal with 001-001");

    // Each refusal scenario, through the extrinsic on the PO.
    let cases: [(&str, &str, Spoil); 3] = [
        ("advanced-no-ship-to", "001-005", |po| {
            po.request.as_mut().unwrap().payload.header.ship_to = None
        }),
        ("advanced-wrong-credentials", "Unauthorized", |po| {
            po.header.as_mut().unwrap().sender.credentials[0].shared_secret = Some("nope123".into())
        }),
        ("advanced-po-update", "001-001", |po| {
            po.request.as_mut().unwrap().payload.header.kind = Some("delete".into())
        }),
    ];
    for (scenario, text, spoil) in cases {
        let mut po = app.po_for(&cart, &format!("PO-{scenario}"));
        po.request
            .as_mut()
            .unwrap()
            .payload
            .header
            .extrinsics
            .push(absim::cxml::Extrinsic::new("absim.scenario", scenario));
        spoil(&mut po);
        assert_eq!(app.send_po(&po).await.cxml_status().1, text);
        let no = app.last_entry().await;
        let entry = app.state.store.order(no).await.unwrap().unwrap();
        assert_eq!(entry.scenario, scenario);
        let checks = app.checks(no).await;
        assert!(checks.all_pass(), "{scenario}: {checks:?}");
    }

    // A repeated orderID under the duplicate scenario.
    let mut first = app.po_for(&cart, "PO-DUP");
    let mut second = app.po_for(&cart, "PO-DUP");
    for po in [&mut first, &mut second] {
        po.request
            .as_mut()
            .unwrap()
            .payload
            .header
            .extrinsics
            .push(absim::cxml::Extrinsic::new(
                "absim.scenario",
                "advanced-duplicate-order",
            ));
    }
    assert_eq!(app.send_po(&first).await.status, 200);
    assert_eq!(app.send_po(&second).await.status, 409);
    app.checks(app.last_entry().await).await.assert_all_pass();
    let log = app.get_page("/groups/1/log").await.html();
    assert!(texts_of(&log, "#log-rows .refused").len() >= 5);
    app.settle().await;
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn advanced_late_po_is_repriced() {
    let mut app = app().await;
    let no = order(&mut app, "advanced-late-po", &[(DESK, 1)]).await;
    let conf = confirmation(&mut app);
    let s = &conf.payload().unwrap().items[0].statuses[0];
    assert_eq!(
        s.unit_price.as_ref().unwrap().money.amount(),
        Some(dec("16991"))
    );
    let entry = app
        .get_page_lang(&format!("/groups/1/log/{no}"), "en")
        .await
        .html();
    assert!(text_of(&entry, "ul.decisions").contains("8 days after the cart"));
    assert!(app.checks(no).await.all_pass());
    buyer_refuses(&mut app, "/confirm", "advanced-late-po", &[(DESK, 1)]).await;
    app.validate_emitted();
}

#[tokio::test]
async fn advanced_invoice_follows_the_ship_notice() {
    let mut app = app().await;
    let no = order(&mut app, "advanced-invoice", &[(DESK, 1), (PEN, 2)]).await;
    let posts = app.collect_posts();
    let order_of_posts: Vec<&str> = posts.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(order_of_posts, ["/confirm", "/ship", "/invoice"]);
    let invoice = read::<InvoiceDetailRequest>(posts[2].1.body.as_bytes()).unwrap();
    let inv = invoice.doc.payload().unwrap();
    assert_eq!(inv.orders[0].items.len(), 2);
    // 16182 + 2 × 528 = 17238; tax 1723; free shipping: 18961.
    assert_eq!(inv.summary.net.money.amount(), Some(dec("18961")));
    assert!(app.checks(no).await.all_pass());
    buyer_refuses(&mut app, "/invoice", "advanced-invoice", &[(DESK, 1)]).await;
    app.validate_emitted();
}

#[tokio::test]
async fn advanced_endpoint_retry_passes_only_when_a_retry_happened() {
    let mut app = spawn_app_steppable(|s| {
        s.retry = absim::domain::delivery::RetryPolicy {
            attempts: 4,
            base: std::time::Duration::from_secs(30),
            jitter_percent: 0,
        }
    })
    .await;
    app.receiver
        .answer_in_turn("/confirm", vec![Answer::html(500), Answer::cxml(200)]);
    let no = order(&mut app, "advanced-endpoint-retry", &[(DESK, 1)]).await;
    app.checks(no).await.assert_all_pass();

    let no = order(&mut app, "advanced-endpoint-retry", &[(DESK, 1)]).await;
    app.checks(no)
        .await
        .assert_fails_with("No delivery needed a retry");
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn advanced_po_retry_expects_the_same_payload_id_again() {
    let mut app = app().await;
    let sid = app
        .open_store("create", &[], Some("advanced-po-retry"))
        .await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let po = app.po_for(&cart, "PO-RETRY");
    assert_eq!(
        app.send_po(&po).await.status,
        503,
        "the scenario's first PO gets a 503"
    );
    assert_eq!(
        app.send_po(&po).await.status,
        200,
        "the same PO again is accepted"
    );
    app.settle().await;
    app.checks(app.last_entry().await).await.assert_all_pass();
    let faults = app.state.store.faults(1, 10).await.unwrap();
    assert_eq!(faults[0].kind, FaultKind::Http503);

    // The mistake, in a fresh absim: the retry gets a new payloadID.
    let mut app = spawn_app_steppable(|_| {}).await;
    let sid = app
        .open_store("create", &[], Some("advanced-po-retry"))
        .await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let first = app.po_for(&cart, "PO-RETRY");
    assert_eq!(app.send_po(&first).await.status, 503);
    let renamed = app.po_for(&cart, "PO-RETRY");
    assert_eq!(app.send_po(&renamed).await.status, 200);
    app.settle().await;
    app.checks(app.last_entry().await)
        .await
        .assert_fails_with("new payloadID");
}

#[tokio::test]
async fn advanced_http_200_refusal_answers_200_with_a_cxml_400() {
    let mut app = app().await;
    let sid = app
        .open_store("create", &[], Some("advanced-http-200-refusal"))
        .await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let answer = app.send_po(&app.po_for(&cart, "PO-HTTP200")).await;
    // The HTTP status says 200; only the cXML Status says the PO was refused.
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (code, _, message) = answer.cxml_status();
    assert_eq!(code, 400);
    assert!(message.contains("can no longer be ordered"), "{message}");
    let no = app.last_entry().await;
    let entry = app.state.store.order(no).await.unwrap().unwrap();
    assert_eq!(entry.refusal.as_ref().map(|r| r.code), Some(400));
    app.checks(no).await.assert_all_pass();
    // Nothing is confirmed or shipped for a refused PO.
    app.settle().await;
    assert!(app.collect_posts().iter().all(|(p, _)| p == "/hook"));
    app.validate_emitted();
}

#[test]
fn every_scenario_of_the_catalogue_has_a_test_here() {
    let tests = [
        include_str!("mod.rs"),
        include_str!("checkout.rs"),
        include_str!("safeguard.rs"),
        include_str!("advanced.rs"),
    ]
    .concat();
    let catalogue = absim::domain::scenario::Scenarios::embedded().unwrap();
    for s in catalogue.all() {
        assert!(
            tests.contains(&format!("\"{}\"", s.id)),
            "scenario {} has no test in tests/api/scenarios/",
            s.id
        );
    }
}
