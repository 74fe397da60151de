use rust_decimal::Decimal;

use super::plan;
use crate::domain::Catalog;
use crate::domain::order::OrderLine;
use crate::domain::pricing::PricingRules;
use crate::domain::safeguard::{Action, QuantityAction, Tolerances};
use crate::domain::scenario::Catalogue;
use crate::domain::scenario::{PartStatus, Scenario};

fn line(n: u32, qty: u32, price: u32) -> OrderLine {
    OrderLine {
        line_number: n,
        asin: "B087JWRCP5".into(),
        aux_id: None,
        description: String::new(),
        unit_price: Decimal::from(price),
        currency: "JPY".into(),
        quantity: Decimal::from(qty),
        unit_of_measure: "EA".into(),
    }
}

fn scenario(toml_tail: &str) -> Scenario {
    Catalogue::parse_one(
        &format!(
            "id = \"t\"\nsection = \"advanced\"\nname = {{ ja = \"a\", en = \"b\" }}\ndescription = {{ ja = \"a\", en = \"b\" }}\n{toml_tail}"
        ),
        "t.toml",
    )
    .unwrap()
}

fn rules() -> PricingRules {
    Catalog::embedded().pricing
}

#[test]
fn the_basic_order_is_accepted_and_shipped_whole() {
    let f = plan(
        &[line(1, 1, 16182)],
        &scenario(""),
        &Tolerances::default(),
        &rules(),
        None,
    );
    assert_eq!(f.header_type, "detail");
    assert_eq!(f.lines[0].quantity(PartStatus::Accept), Decimal::ONE);
    assert_eq!(f.shipments.len(), 1);
    assert_eq!(f.quote.total, Decimal::from(17800));
    assert!(!f.invoice);
}

#[test]
fn a_price_rise_within_tolerance_is_confirmed_at_the_new_price() {
    let s = scenario("[[changes]]\nline = 1\nprice_percent = 10\n");
    let f = plan(
        &[line(1, 1, 1000)],
        &s,
        &Tolerances::default(),
        &rules(),
        None,
    );
    assert_eq!(f.lines[0].unit_price, Decimal::from(1100));
    assert_eq!(f.lines[0].quantity(PartStatus::Accept), Decimal::ONE);
    assert!(f.decisions[0].en.contains("within"));
}

#[test]
fn a_price_rise_beyond_tolerance_removes_the_line_or_cancels_per_the_setting() {
    let s = scenario("[[changes]]\nline = 1\nprice_percent = 30\n");
    let lines = [line(1, 1, 1000), line(2, 1, 3000)];
    let f = plan(&lines, &s, &Tolerances::default(), &rules(), None);
    assert_eq!(f.lines[0].quantity(PartStatus::Reject), Decimal::ONE);
    assert_eq!(f.lines[1].quantity(PartStatus::Accept), Decimal::ONE);
    assert_eq!(f.header_type, "detail");
    assert_eq!(f.shipments[0].items, [(2, Decimal::ONE)]);
    let cancel = Tolerances {
        price_action: Action::CancelOrder,
        ..Tolerances::default()
    };
    let f = plan(&lines, &s, &cancel, &rules(), None);
    assert!(f.cancelled());
    assert!(f.shipments.is_empty());
}

#[test]
fn short_stock_follows_the_quantity_setting() {
    let s = scenario("[[changes]]\nline = 1\nstock = 2\n");
    let l = [line(1, 5, 100)];
    let ship = plan(&l, &s, &Tolerances::default(), &rules(), None);
    assert_eq!(ship.lines[0].quantity(PartStatus::Accept), Decimal::from(2));
    assert_eq!(ship.lines[0].quantity(PartStatus::Reject), Decimal::from(3));
    let back = Tolerances {
        quantity_action: QuantityAction::Backorder,
        ..Tolerances::default()
    };
    let b = plan(&l, &s, &back, &rules(), None);
    assert_eq!(
        b.lines[0].quantity(PartStatus::Backordered),
        Decimal::from(3)
    );
    assert_eq!(b.shipments.len(), 2, "the back-ordered units ship later");
}

#[test]
fn a_cart_older_than_the_hold_is_repriced_and_the_log_says_so() {
    let s = scenario("[[changes]]\nline = 1\nprice_percent = 5\n");
    let fresh = plan(
        &[line(1, 1, 1000)],
        &s,
        &Tolerances::default(),
        &rules(),
        Some(3),
    );
    assert!(
        !fresh
            .decisions
            .iter()
            .any(|d| d.en.contains("days after the cart"))
    );
    let late = plan(
        &[line(1, 1, 1000)],
        &s,
        &Tolerances::default(),
        &rules(),
        Some(8),
    );
    assert_eq!(late.lines[0].unit_price, Decimal::from(1050));
    assert!(late.decisions[0].en.contains("8 days"));
}

#[test]
fn explicit_plans_split_lines_and_shipments() {
    let s = scenario(
        "[[confirmation.lines]]\nline = 1\nparts = [{ status = \"accept\", quantity = 1 }, { status = \"backordered\", delivery_days = 10 }]\n\n[[shipments]]\n\n[[shipments]]\nbackordered = true\ndelay = 30\n",
    );
    let f = plan(
        &[line(1, 3, 100)],
        &s,
        &Tolerances::default(),
        &rules(),
        None,
    );
    assert_eq!(f.lines[0].quantity(PartStatus::Accept), Decimal::ONE);
    assert_eq!(
        f.lines[0].quantity(PartStatus::Backordered),
        Decimal::from(2)
    );
    assert_eq!(f.shipments.len(), 2);
    assert_eq!(f.shipments[1].delay_secs, Some(30));
    assert_eq!(f.shipments[1].items, [(1, Decimal::from(2))]);
}

#[test]
fn shipping_over_the_maximum_cancels_the_order() {
    let s = scenario("shipping_yen = 3000\n");
    let t = Tolerances {
        max_shipping_yen: Some(1000),
        ..Tolerances::default()
    };
    let f = plan(&[line(1, 1, 100)], &s, &t, &rules(), None);
    assert!(f.cancelled());
    assert!(f.header_reason.unwrap().contains("3000"));
}
