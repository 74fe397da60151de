use super::*;
use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
use crate::domain::fulfilment::plan;
use crate::domain::marketplace::Marketplaces;
use crate::domain::order::{OrderLine, price_order};
use crate::domain::pricing::Charging;
use crate::domain::safeguard::Tolerances;
use crate::domain::scenario::Scenarios;

/// The desk ordered twice (line 7) in `market`'s currency, planned as
/// the basic scenario plans it.
fn order_in(market: &Marketplace, order_date: &str) -> Order {
    let desk = market.catalog.get("B087JWRCP5").unwrap();
    let lines = vec![OrderLine {
        line_number: 7,
        asin: "B087JWRCP5".into(),
        aux_id: None,
        description: "desk".into(),
        unit_price: desk.price,
        currency: market.pricing.currency.code.clone(),
        quantity: Decimal::from(2),
        unit_of_measure: "EA".into(),
        tax_class: desk.tax_class.as_str().into(),
    }];
    let scenarios = Scenarios::embedded().unwrap();
    let charging = Charging {
        pricing: &market.pricing,
        to: market.destination(None, false),
        shipping_fee: None,
    };
    let mut fulfilment = plan(
        &lines,
        scenarios.basic(),
        &Tolerances::default(),
        &charging,
        None,
    );
    fulfilment.shipments[0].shipment_id = "test12345678901234567".into();
    fulfilment.shipments[0].tracking = TEST_SHIPMENT_IDENTIFIER.into();
    Order {
        no: 1,
        group_id: 1,
        order_id: "PO-1".into(),
        order_date: order_date.into(),
        payload_id: "p@b".into(),
        scenario: "basic".into(),
        session_id: None,
        received_at: time::now(),
        quote: price_order(&lines, &charging),
        lines,
        po_total: None,
        confirm_id: "111-2222222-3333333".into(),
        delivery_number: "test12345678901234567".into(),
        shipment_identifier: TEST_SHIPMENT_IDENTIFIER.into(),
        carrier: market.texts.test_carrier.as_str().into(),
        deployment_mode: "test".into(),
        mark: None,
        deviations: vec![],
        fulfilment: Some(fulfilment),
        refusal: None,
        run_id: None,
    }
}

fn order(order_date: &str) -> Order {
    order_in(Marketplaces::embedded().unwrap().japan(), order_date)
}

fn confirm_in(market: &Marketplace, o: &Order) -> Cxml<ConfirmationRequest> {
    let g = Group::generate(1, DEFAULT_GROUP_NAME);
    confirmation(
        "x@absim".into(),
        (&g, market),
        o,
        o.fulfilment.as_ref().unwrap(),
    )
}

fn confirm(o: &Order) -> Cxml<ConfirmationRequest> {
    confirm_in(Marketplaces::embedded().unwrap().japan(), o)
}

#[test]
fn the_order_reference_is_written_with_a_numeric_offset() {
    let c = confirm(&order("2026-11-29T01:04:00Z"));
    let r = &c.payload().unwrap().order_reference;
    assert_eq!(r.order_date.as_deref(), Some("2026-11-29T01:04:00+00:00"));
    let unreadable = confirm(&order("someday"));
    assert_eq!(
        unreadable.payload().unwrap().order_reference.order_date,
        None
    );
}

#[test]
fn confirmation_and_ship_notice_use_the_po_line_numbers() {
    let g = Group::generate(1, DEFAULT_GROUP_NAME);
    let o = order("2026-11-29T10:04:00+09:00");
    let c = confirm(&o);
    let item = &c.payload().unwrap().items[0];
    assert_eq!(
        (item.line_number.as_str(), item.quantity.as_str()),
        ("7", "2")
    );
    let plan = o.fulfilment.as_ref().unwrap();
    let s = ship_notice("z@absim".into(), &g, &o, &plan.shipments[0]);
    let sn = &s.payload().unwrap().portions[0].items[0];
    assert_eq!((sn.line_number.as_str(), sn.quantity.as_str()), ("7", "2"));
    assert_eq!(
        c.payload()
            .unwrap()
            .header
            .total
            .as_ref()
            .unwrap()
            .money
            .value,
        "35600.00"
    );
}

#[test]
fn a_japanese_confirmation_carries_the_order_tax_only() {
    let o = order("2026-11-29T10:04:00+09:00");
    let c = confirm(&o);
    let header = &c.payload().unwrap().header;
    let tax = header.tax.as_ref().unwrap();
    assert_eq!(tax.money.value, "3236.00");
    assert!(tax.details.is_empty());
    let status = &c.payload().unwrap().items[0].statuses[0];
    assert!(status.tax.is_none(), "Japan writes no line taxes");
}

#[test]
fn a_german_confirmation_carries_each_lines_vat_in_euros() {
    let markets = Marketplaces::embedded().unwrap();
    let de = markets.get("DE").unwrap();
    let o = order_in(de, "2026-11-29T10:04:00+01:00");
    let c = confirm_in(de, &o);
    let confirmation = c.payload().unwrap();
    let status = &confirmation.items[0].statuses[0];
    assert_eq!(status.unit_price.as_ref().unwrap().money.currency, "EUR");
    let tax = status.tax.as_ref().unwrap();
    let detail = &tax.details[0];
    assert_eq!(
        (detail.category.as_str(), detail.percentage_rate.as_deref()),
        ("vat", Some("19.00"))
    );
    // Two desks at 104.99: 209.98 at 19% = 39.8962 -> 39.90.
    assert_eq!(detail.tax_amount.money.value, "39.90");
    assert_eq!(
        tax.description.text(),
        "Steuern, einschließlich Steuer für Versand"
    );
    assert_eq!(
        confirmation.header.total.as_ref().unwrap().money.value,
        "249.88"
    );
}
