//! Checkout scenarios: edit, inspect, several lines, the empty cart, Japanese text.

use super::*;

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
        .assert_fails_with("The PO has one line; the scenario needs two or more");
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
    detail.description = vec![absim::cxml::Description::new("ja", garbled)].into();
    assert_eq!(app.send_po(&po).await.status, 200);
    app.settle().await;
    app.checks(app.last_entry().await)
        .await
        .assert_fails_with("the Description was damaged");
    app.collect_posts();
    app.validate_emitted();
}
