//! Every scenario of the catalogue, end to end: the documents absim
//! produces, and the automatic checks for a well-behaved buyer and for a
//! buyer that makes the mistake the scenario is about. Every document is
//! DTD-checked.

use absim::cxml::confirmation::ConfirmationRequest;
use absim::cxml::invoice::InvoiceDetailRequest;
use absim::cxml::read;
use absim::cxml::ship_notice::ShipNoticeRequest;
use absim::domain::fault::FaultKind;
use absim::domain::safeguard::{Action, QuantityAction, Tolerances};
use rust_decimal::Decimal;

use crate::helpers::*;

const DESK: &str = "B087JWRCP5"; // 16182
const PEN: &str = "B001TK8QMA"; // 528
const TEA: &str = "B074J5TWYL"; // 699

async fn app() -> TestApp {
    spawn_app_steppable(|_| {}).await
}

async fn tolerances(app: &TestApp, t: Tolerances) {
    app.state
        .store
        .update_group(1, |g| {
            g.tolerances = t;
            Ok(())
        })
        .await
        .unwrap();
}

/// Shops `items`, returns the cart, sends its PO, settles the deliveries
/// and gives the entry number.
async fn order(app: &mut TestApp, scenario: &str, items: &[(&str, u32)]) -> u64 {
    let sid = app.open_store("create", &[], Some(scenario)).await;
    for (asin, q) in items {
        app.add_to_cart(&sid, asin, *q).await;
    }
    let cart = app.return_cart(&sid, false).await;
    let po = app.po_for(&cart, &format!("PO-{scenario}-{}", unique()));
    let r = app.send_po(&po).await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.settle().await;
    app.last_entry().await
}

/// The mistake most scenarios are about: the buyer cannot take the document
/// the scenario produces (answers cXML 400 at `path`). The checks must say so.
async fn buyer_refuses(app: &mut TestApp, path: &str, scenario: &str, items: &[(&str, u32)]) {
    app.receiver.answer(path, Answer::cxml(400));
    let no = order(app, scenario, items).await;
    let checks = app.checks(no).await;
    assert!(
        checks.failure_mentions("could not be delivered"),
        "{scenario}: {checks:?}"
    );
    assert!(checks.verdict.starts_with("Failure"), "{scenario}");
    app.receiver.answer(path, Answer::cxml(200));
    app.collect_posts();
}

fn confirmation(app: &mut TestApp) -> absim::cxml::Cxml<ConfirmationRequest> {
    let posts = app.collect_posts();
    let (_, conf) = posts
        .iter()
        .find(|(p, _)| p == "/confirm")
        .expect("a confirmation was posted");
    read::<ConfirmationRequest>(conf.body.as_bytes())
        .unwrap()
        .doc
}

fn ship_notices(app: &TestApp) -> Vec<ShipNoticeRequest> {
    app.emitted
        .iter()
        .filter(|(name, _)| name == "ship")
        .map(|(_, body)| {
            read::<ShipNoticeRequest>(body.as_bytes())
                .unwrap()
                .doc
                .payload()
                .unwrap()
                .clone()
        })
        .collect()
}

/// Spoils a PO in the way a refusal scenario is about.
type Spoil = fn(&mut absim::cxml::Cxml<absim::cxml::order_request::OrderRequest>);

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn basic_a_matching_po_passes_and_a_changed_quantity_fails() {
    let mut app = app().await;
    let no = order(&mut app, "basic", &[(DESK, 1)]).await;
    let checks = app.checks(no).await;
    checks.assert_all_pass();
    assert!(checks.verdict.starts_with("Success"), "{}", checks.verdict);
    assert!(
        checks
            .passed
            .iter()
            .any(|c| c.starts_with("Every PO line matches the cart")),
        "{checks:?}"
    );
    app.collect_posts();

    // The mistake: the PO's quantity differs from the cart.
    let sid = app.open_store("create", &[], Some("basic")).await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let mut po = app.po_for(&cart, "PO-BASIC-WRONG");
    po.request.as_mut().unwrap().payload.items[0].quantity = "2".into();
    assert_eq!(app.send_po(&po).await.status, 200);
    app.settle().await;
    let checks = app.checks(app.last_entry().await).await;
    checks.assert_fails_with("Line 1: quantity — expected '1', received '2'");
    assert!(checks.verdict.starts_with("Failure"));
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn checkout_edit_keeps_auxiliary_ids_and_the_po_must_follow_the_edited_cart() {
    let mut app = app().await;
    let sid = app.open_store("create", &[], Some("checkout-edit")).await;
    app.add_to_cart(&sid, DESK, 1).await;
    app.add_to_cart(&sid, PEN, 2).await;
    let first = app.return_cart(&sid, false).await;
    let first_items = first.payload().unwrap().items.clone();

    // Reopen with edit: the cart comes back with the same lines.
    let edit = app.open_store("edit", &first_items, None).await;
    let cart_page = app.get_page(&format!("/s/{edit}/cart")).await.html();
    assert_eq!(texts_of(&cart_page, "table.cart tbody tr").len(), 2);
    app.set_line(&edit, 1, 0).await; // drop the desk
    app.set_line(&edit, 2, 3).await; // three pens
    let edited = app.return_cart(&edit, false).await;
    let items = &edited.payload().unwrap().items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item_id.supplier_part_id, PEN);
    assert_eq!(items[0].quantity, "3");
    assert_eq!(
        items[0].item_id.supplier_part_auxiliary_id,
        first_items[1].item_id.supplier_part_auxiliary_id,
        "the pen's SupplierPartAuxiliaryID is stable across the edit"
    );

    let good = app.po_for(&edited, "PO-EDIT-GOOD");
    assert_eq!(app.send_po(&good).await.status, 200);
    app.settle().await;
    app.checks(app.last_entry().await).await.assert_all_pass();

    // The mistake: ordering the cart as it was before the edit.
    let stale = app.po_for(&first, "PO-EDIT-STALE");
    assert_eq!(app.send_po(&stale).await.status, 200);
    app.settle().await;
    app.checks(app.last_entry().await)
        .await
        .assert_fails_with("is not in the last cart returned");

    // Emptying the cart in an edit returns no items with Status 204.
    let again = app.open_store("edit", items, None).await;
    app.set_line(&again, 2, 0).await;
    let emptied = app.return_cart(&again, true).await;
    assert!(emptied.payload().unwrap().items.is_empty());
    assert_eq!(
        emptied
            .message
            .as_ref()
            .unwrap()
            .status
            .as_ref()
            .unwrap()
            .code,
        204
    );
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn checkout_inspect_is_read_only_and_is_expected_before_the_order() {
    let mut app = app().await;
    let sid = app
        .open_store("create", &[], Some("checkout-inspect"))
        .await;
    app.add_to_cart(&sid, TEA, 2).await;
    let cart = app.return_cart(&sid, false).await;
    let items = cart.payload().unwrap().items.clone();

    let mistake = app.po_for(&cart, "PO-NO-INSPECT");
    assert_eq!(app.send_po(&mistake).await.status, 200);
    app.settle().await;
    app.checks(app.last_entry().await)
        .await
        .assert_fails_with("never opened with operation=\"inspect\"");

    let inspect = app.open_store("inspect", &items, None).await;
    let page = app.get_page(&format!("/s/{inspect}/cart")).await.html();
    assert!(text_of(&page, "#read-only").contains("inspect"));
    assert!(
        texts_of(&page, "form.inline").is_empty(),
        "no quantity forms"
    );
    let refused = app.add_to_cart(&inspect, DESK, 1).await;
    assert_eq!(refused.status, 409);
    let returned = app.return_cart(&inspect, false).await;
    let r = returned.payload().unwrap();
    assert_eq!(r.header.operation_allowed, "inspect");
    assert_eq!(r.items.len(), 1);
    assert_eq!(r.items[0].quantity, "2");

    let good = app.po_for(&cart, "PO-INSPECTED");
    assert_eq!(app.send_po(&good).await.status, 200);
    app.settle().await;
    app.checks(app.last_entry().await).await.assert_all_pass();
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn checkout_multi_line_needs_two_lines_and_a_quantity_above_one() {
    let mut app = app().await;
    let no = order(
        &mut app,
        "checkout-multi-line",
        &[(DESK, 1), (PEN, 3), (TEA, 2)],
    )
    .await;
    assert!(app.checks(no).await.all_pass());
    let conf = confirmation(&mut app);
    let lines: Vec<(String, String)> = conf
        .payload()
        .unwrap()
        .items
        .iter()
        .map(|i| (i.line_number.clone(), i.quantity.clone()))
        .collect();
    assert_eq!(
        lines,
        [
            ("1".into(), "1".into()),
            ("2".into(), "3".into()),
            ("3".into(), "2".into())
        ]
    );
    let sn = &ship_notices(&app)[0];
    assert_eq!(sn.portions[0].items.len(), 3);

    let no = order(&mut app, "checkout-multi-line", &[(DESK, 1)]).await;
    app.checks(no)
        .await
        .assert_fails_with("The PO has 1 line(s)");
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn checkout_empty_cart_returns_status_204_and_expects_no_po() {
    let mut app = app().await;
    let sid = app
        .open_store("create", &[], Some("checkout-empty-cart"))
        .await;
    app.add_to_cart(&sid, PEN, 1).await;
    let cart = app.return_cart(&sid, true).await;
    let message = cart.message.as_ref().unwrap();
    assert_eq!(message.status.as_ref().unwrap().code, 204);
    assert!(message.payload.items.is_empty());
    assert_eq!(
        message.payload.header.total.money.amount(),
        Some(Decimal::ZERO)
    );
    assert_eq!(app.state.store.count_orders(1, None).await.unwrap(), 0);

    // The mistake: a PO anyway.
    let sid = app
        .open_store("create", &[], Some("checkout-empty-cart"))
        .await;
    app.add_to_cart(&sid, PEN, 1).await;
    let full = app.return_cart(&sid, false).await;
    assert_eq!(
        app.send_po(&app.po_for(&full, "PO-AFTER-EMPTY"))
            .await
            .status,
        200
    );
    app.settle().await;
    app.checks(app.last_entry().await)
        .await
        .assert_fails_with("no PO should have been sent");
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn checkout_japanese_text_survives_both_fields_and_mojibake_is_named() {
    let mut app = app().await;
    for field in [
        absim::domain::CartField::UrlEncoded,
        absim::domain::CartField::Base64,
    ] {
        app.state
            .store
            .update_group(1, move |g| {
                g.cart_field = field;
                Ok(())
            })
            .await
            .unwrap();
        let no = order(&mut app, "checkout-japanese-text", &[(DESK, 1)]).await;
        let checks = app.checks(no).await;
        assert!(checks.all_pass(), "{field:?}: {checks:?}");
    }
    let sid = app
        .open_store("create", &[], Some("checkout-japanese-text"))
        .await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let mut po = app.po_for(&cart, "PO-MOJIBAKE");
    // A buyer that read UTF-8 as Latin-1.
    let detail = po.request.as_mut().unwrap().payload.items[0]
        .item_detail
        .as_mut()
        .unwrap();
    let text = detail.description_text();
    let garbled: String = text.bytes().map(char::from).collect();
    detail.description = vec![absim::cxml::Description::new("ja", garbled)];
    assert_eq!(app.send_po(&po).await.status, 200);
    app.settle().await;
    app.checks(app.last_entry().await)
        .await
        .assert_fails_with("the Description was damaged");
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn safeguard_a_rise_within_tolerance_is_confirmed_at_the_new_price() {
    let mut app = app().await;
    let no = order(&mut app, "safeguard-price-within", &[(TEA, 1)]).await;
    let conf = confirmation(&mut app);
    let item = &conf.payload().unwrap().items[0];
    assert_eq!(item.statuses[0].kind, "detail");
    assert_eq!(
        item.statuses[0].unit_price.as_ref().unwrap().money.amount(),
        Some(dec("769"))
    );
    let entry = app
        .get_page_lang(&format!("/groups/1/log/{no}"), "en")
        .await
        .html();
    assert!(text_of(&entry, "ul.decisions").contains("within the 20 % tolerance"));
    assert!(app.checks(no).await.all_pass());

    // The mistake: the buyer refuses a confirmation whose price changed.
    app.receiver.answer("/confirm", Answer::cxml(400));
    let no = order(&mut app, "safeguard-price-within", &[(TEA, 1)]).await;
    app.checks(no)
        .await
        .assert_fails_with("could not be delivered");
    app.collect_posts();
    app.validate_emitted();
}

#[tokio::test]
async fn safeguard_a_rise_beyond_tolerance_removes_the_line_or_cancels_the_order() {
    let mut app = app().await;
    order(&mut app, "safeguard-price-beyond", &[(TEA, 1), (PEN, 1)]).await;
    let conf = confirmation(&mut app);
    let c = conf.payload().unwrap();
    assert_eq!(c.header.kind, "detail");
    assert_eq!(c.items[0].statuses[0].kind, "reject");
    assert!(c.items[0].statuses[0].comments[0].text.contains("30"));
    assert_eq!(c.items[1].statuses[0].kind, "detail");
    assert_eq!(
        ship_notices(&app)[0].portions[0].items.len(),
        1,
        "only line 2 ships"
    );

    tolerances(
        &app,
        Tolerances {
            price_action: Action::CancelOrder,
            ..Tolerances::default()
        },
    )
    .await;
    let shipped_before = ship_notices(&app).len();
    order(&mut app, "safeguard-price-beyond", &[(TEA, 1), (PEN, 1)]).await;
    let conf = confirmation(&mut app);
    assert_eq!(conf.payload().unwrap().header.kind, "reject");
    assert_eq!(
        ship_notices(&app).len(),
        shipped_before,
        "a cancelled order does not ship"
    );
    app.validate_emitted();
}

#[tokio::test]
async fn safeguard_short_stock_ships_what_is_available_or_back_orders_the_rest() {
    let mut app = app().await;
    order(&mut app, "safeguard-stock", &[(PEN, 3)]).await;
    let conf = confirmation(&mut app);
    let kinds: Vec<(String, String)> = conf.payload().unwrap().items[0]
        .statuses
        .iter()
        .map(|s| (s.kind.clone(), s.quantity.clone()))
        .collect();
    assert_eq!(
        kinds,
        [("detail".into(), "1".into()), ("reject".into(), "2".into())]
    );
    assert_eq!(ship_notices(&app)[0].portions[0].items[0].quantity, "1");

    tolerances(
        &app,
        Tolerances {
            quantity_action: QuantityAction::Backorder,
            ..Tolerances::default()
        },
    )
    .await;
    order(&mut app, "safeguard-stock", &[(PEN, 3)]).await;
    let conf = confirmation(&mut app);
    let statuses = &conf.payload().unwrap().items[0].statuses;
    assert_eq!(statuses[1].kind, "backordered");
    assert!(statuses[1].delivery_date.is_some());
    let sns = ship_notices(&app);
    let last_two: Vec<&str> = sns[sns.len() - 2..]
        .iter()
        .map(|s| s.portions[0].items[0].quantity.as_str())
        .collect();
    assert_eq!(last_two, ["1", "2"], "the back-ordered units ship later");
    assert!(app.checks(app.last_entry().await).await.all_pass());
    buyer_refuses(&mut app, "/ship", "safeguard-stock", &[(PEN, 3)]).await;
    app.validate_emitted();
}

#[tokio::test]
async fn safeguard_shipping_over_the_maximum_cancels_the_order() {
    let mut app = app().await;
    order(&mut app, "safeguard-shipping", &[(PEN, 1)]).await;
    let conf = confirmation(&mut app);
    let h = &conf.payload().unwrap().header;
    assert_eq!(h.kind, "detail", "without a maximum the order goes through");
    assert_eq!(
        h.shipping.as_ref().unwrap().money.amount(),
        Some(dec("5000"))
    );

    tolerances(
        &app,
        Tolerances {
            max_shipping_yen: Some(1000),
            ..Tolerances::default()
        },
    )
    .await;
    order(&mut app, "safeguard-shipping", &[(PEN, 1)]).await;
    let conf = confirmation(&mut app);
    let h = &conf.payload().unwrap().header;
    assert_eq!(h.kind, "reject");
    assert!(h.comments[0].text.contains("5000"));
    assert!(app.checks(app.last_entry().await).await.all_pass());
    buyer_refuses(&mut app, "/confirm", "safeguard-shipping", &[(PEN, 1)]).await;
    app.validate_emitted();
}

#[tokio::test]
async fn safeguard_a_slow_delivery_removes_the_line() {
    let mut app = app().await;
    order(&mut app, "safeguard-delivery", &[(DESK, 1), (PEN, 1)]).await;
    let conf = confirmation(&mut app);
    let c = conf.payload().unwrap();
    assert_eq!(c.items[0].statuses[0].kind, "reject");
    assert!(c.items[0].statuses[0].comments[0].text.contains("20"));
    assert_eq!(c.items[1].statuses[0].kind, "detail");
    assert!(app.checks(app.last_entry().await).await.all_pass());
    buyer_refuses(
        &mut app,
        "/confirm",
        "safeguard-delivery",
        &[(DESK, 1), (PEN, 1)],
    )
    .await;
    app.validate_emitted();
}

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
    let tests = include_str!("scenarios.rs");
    let catalogue = absim::domain::scenario::Catalogue::embedded().unwrap();
    for s in catalogue.all() {
        assert!(
            tests.contains(&format!("\"{}\"", s.id)),
            "scenario {} has no test in tests/api/scenarios.rs",
            s.id
        );
    }
}
