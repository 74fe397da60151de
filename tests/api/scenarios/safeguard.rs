//! Order safeguards: price rises, short stock, shipping maximum, slow delivery.

use super::*;

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
            max_shipping: Some(1000.into()),
            ..Tolerances::default()
        },
    )
    .await;
    order(&mut app, "safeguard-shipping", &[(PEN, 1)]).await;
    let conf = confirmation(&mut app);
    let h = &conf.payload().unwrap().header;
    assert_eq!(h.kind, "reject");
    // The reason in the store's language and money: Japan's.
    assert_eq!(h.comments[0].text, "配送料 ￥5,000 が上限 ￥1,000 を超過");
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
