use rust_decimal::Decimal;

use super::line_rules::{
    BACKORDER_DAYS, confirm_as_planned, plan_line, reprice, rule_on_delivery_time,
    rule_on_price_rise, rule_on_stock, rule_on_third_party,
};
use super::planning::{
    cancel_order, check_shipping_price, choose_header_type, confirmed, decide_cancellation,
    note_repricing,
};
use super::ruling::{Deliberation, Ruling};
use super::shipments::{ship_as_scripted, ship_by_default};
use super::{PRICE_HOLD_DAYS, PlannedLine, PlannedPart, plan};
use crate::cxml::Few;
use crate::domain::order::OrderLine;
use crate::domain::pricing::{Charging, Destination, Quote};
use crate::domain::safeguard::{Action, QuantityAction, Tolerances};
use crate::domain::scenario::{
    LineChange, LineConfirmation, PartPlan, PartStatus, Quantity, Scenario, Scenarios, ShipmentPlan,
};
use crate::fixtures::markets;
use crate::i18n::Note;

fn line(n: u32, qty: u32, price: u32) -> OrderLine {
    OrderLine::example(n, qty, price)
}

fn scenario(toml_tail: &str) -> Scenario {
    Scenarios::parse_one(
        &format!(
            "id = \"t\"\nsection = \"advanced\"\nname = {{ ja = \"a\", en = \"b\" }}\ndescription = {{ ja = \"a\", en = \"b\" }}\n{toml_tail}"
        ),
        "t.toml",
    )
    .unwrap()
}

/// Japan's prices to an address in Tokyo, with the store's own shipping.
fn rules() -> Charging<'static> {
    Charging {
        pricing: &markets().japan().pricing,
        to: Destination::default(),
        shipping_fee: None,
    }
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
    assert!(f.decisions[0].to_string().contains("within"));
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
            .any(|d| d.to_string().contains("days after the cart"))
    );
    let late = plan(
        &[line(1, 1, 1000)],
        &s,
        &Tolerances::default(),
        &rules(),
        Some(8),
    );
    assert_eq!(late.lines[0].unit_price, Decimal::from(1050));
    assert!(late.decisions[0].to_string().contains("8 days"));
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
    let t = Tolerances {
        max_shipping: Some(Decimal::from(1000)),
        ..Tolerances::default()
    };
    let charging = Charging {
        shipping_fee: Some(Decimal::from(3000)),
        ..rules()
    };
    let f = plan(&[line(1, 1, 100)], &scenario(""), &t, &charging, None);
    assert!(f.cancelled());
    assert!(f.header_reason.unwrap().to_string().contains("3,000"));
}

fn change(toml: &str) -> LineChange {
    scenario(&format!("[[changes]]\n{toml}\n"))
        .changes
        .remove(0)
}

fn parts(ruling: Option<Ruling>) -> Few<PlannedPart> {
    match ruling {
        Some(Ruling::Replan(parts, _)) => parts,
        other => panic!("expected the line replanned, got {other:?}"),
    }
}

fn plan_first_line(l: &OrderLine, s: &Scenario, t: &Tolerances) -> (PlannedLine, Deliberation) {
    let mut deliberation = Deliberation::default();
    (
        plan_line(1, l, s, (t, &yen()), &mut deliberation),
        deliberation,
    )
}

fn planned(n: u32, parts: &[(PartStatus, u32)]) -> PlannedLine {
    let ordered = parts.iter().map(|(_, q)| Decimal::from(*q)).sum();
    PlannedLine {
        line_number: n,
        ordered,
        po_price: Decimal::from(100),
        unit_price: Decimal::from(100),
        parts: parts
            .iter()
            .map(|(status, q)| PlannedPart {
                status: *status,
                quantity: Decimal::from(*q),
                delivery_days: None,
                reason: None,
            })
            .collect(),
    }
}

#[test]
fn a_change_moves_the_price_by_its_percentage_rounded_to_the_yen_then_by_its_yen() {
    let c = change("price_percent = 3.3\nprice_yen = 10");
    assert_eq!(reprice(Decimal::from(1000), &c, 0), Decimal::from(1043));
    assert_eq!(
        reprice(Decimal::from(1000), &LineChange::default(), 0),
        Decimal::from(1000)
    );
}

#[test]
fn a_third_party_line_is_removed_only_when_the_group_takes_amazons_own_only() {
    let c = change("third_party = true");
    assert!(rule_on_third_party(&c, &line(1, 2, 100), &Tolerances::default()).is_none());
    let amazon_only = Tolerances {
        amazon_only: true,
        ..Tolerances::default()
    };
    let removed = parts(rule_on_third_party(&c, &line(1, 2, 100), &amazon_only));
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].status, PartStatus::Reject);
    assert_eq!(removed[0].quantity, Decimal::from(2));
}

#[test]
fn a_delivery_over_the_maximum_removes_the_line_or_cancels_as_the_group_chose() {
    let (late, on_time) = (change("delivery_days = 16"), change("delivery_days = 15"));
    let l = line(3, 1, 100);
    assert!(rule_on_delivery_time(&on_time, &l, &Tolerances::default()).is_none());
    let removed = parts(rule_on_delivery_time(&late, &l, &Tolerances::default()));
    assert_eq!(removed[0].status, PartStatus::Reject);
    let cancel = Tolerances {
        delivery_action: Action::CancelOrder,
        ..Tolerances::default()
    };
    assert!(matches!(
        rule_on_delivery_time(&late, &l, &cancel),
        Some(Ruling::CancelOrder(reason)) if reason.to_string().contains("16 days, over the 15-day maximum")
    ));
    let any = Tolerances {
        max_delivery_days: None,
        ..Tolerances::default()
    };
    assert!(rule_on_delivery_time(&late, &l, &any).is_none());
}

#[test]
fn a_line_over_the_stock_sends_what_is_in_stock_and_rejects_the_rest_by_default() {
    let sent = parts(rule_on_stock(
        &change("stock = 2"),
        &line(1, 5, 100),
        &Tolerances::default(),
    ));
    let got: Vec<_> = sent.iter().map(|p| (p.status, p.quantity)).collect();
    assert_eq!(
        got,
        [
            (PartStatus::Accept, Decimal::from(2)),
            (PartStatus::Reject, Decimal::from(3))
        ]
    );
}

#[test]
fn a_line_over_the_stock_is_backordered_when_the_safeguard_says_so() {
    let back = Tolerances {
        quantity_action: QuantityAction::Backorder,
        ..Tolerances::default()
    };
    let none_in_stock = parts(rule_on_stock(&change("stock = 0"), &line(1, 4, 100), &back));
    assert_eq!(none_in_stock.len(), 1, "no accepted part of zero units");
    assert_eq!(none_in_stock[0].status, PartStatus::Backordered);
    assert_eq!(none_in_stock[0].quantity, Decimal::from(4));
    assert_eq!(none_in_stock[0].delivery_days, Some(BACKORDER_DAYS));
}

#[test]
fn enough_stock_leaves_the_line_alone() {
    let c = change("stock = 5");
    assert!(rule_on_stock(&c, &line(1, 5, 100), &Tolerances::default()).is_none());
}

#[test]
fn a_price_rise_within_the_tolerance_is_kept_and_noted_and_beyond_it_removes_the_line() {
    let l = line(2, 1, 1000);
    let t = Tolerances::default();
    assert!(matches!(
        rule_on_price_rise(&l, Decimal::from(1200), (&t, &yen())),
        Some(Ruling::Keep(d)) if d.to_string().contains("from ￥1,000 to ￥1,200 (20 %), within the 20 % tolerance")
    ));
    let removed = parts(rule_on_price_rise(&l, Decimal::from(1201), (&t, &yen())));
    assert_eq!(removed[0].status, PartStatus::Reject);
    assert!(
        rule_on_price_rise(&l, Decimal::from(900), (&t, &yen())).is_none(),
        "a fall"
    );
    assert!(rule_on_price_rise(&line(2, 1, 0), Decimal::from(5), (&t, &yen())).is_none());
}

#[test]
fn a_cancelling_rule_lets_the_next_rule_of_the_same_change_replan_the_line() {
    let s = scenario("[[changes]]\nline = 1\ndelivery_days = 30\nstock = 1\n");
    let cancel = Tolerances {
        delivery_action: Action::CancelOrder,
        ..Tolerances::default()
    };
    let (p, deliberation) = plan_first_line(&line(7, 3, 100), &s, &cancel);
    assert!(deliberation.cancel.unwrap().to_string().contains("30 days"));
    assert_eq!(p.quantity(PartStatus::Accept), Decimal::ONE);
    assert_eq!(p.quantity(PartStatus::Reject), Decimal::from(2));
    assert_eq!(p.line_number, 7);
}

#[test]
fn a_removing_rule_settles_its_change_so_the_stock_rule_is_not_heard() {
    let s = scenario("[[changes]]\nline = 1\ndelivery_days = 30\nstock = 1\n");
    let (p, deliberation) = plan_first_line(&line(1, 3, 100), &s, &Tolerances::default());
    assert_eq!(p.quantity(PartStatus::Reject), Decimal::from(3));
    assert_eq!(deliberation.decisions.len(), 1);
    assert!(deliberation.cancel.is_none());
}

#[test]
fn a_change_for_another_line_leaves_this_one_alone() {
    let s = scenario("[[changes]]\nline = 2\nprice_percent = 50\n");
    let (p, deliberation) = plan_first_line(&line(1, 1, 100), &s, &Tolerances::default());
    assert_eq!(p.unit_price, Decimal::from(100));
    assert!(deliberation.decisions.is_empty());
}

#[test]
fn an_explicit_plan_takes_its_parts_in_order_and_accepts_what_it_leaves_unnamed() {
    let plan = LineConfirmation {
        line: 1,
        parts: vec![
            PartPlan {
                status: PartStatus::Reject,
                quantity: Quantity::Units(1),
                delivery_days: None,
                reason: Some("discontinued".into()),
            },
            PartPlan {
                status: PartStatus::Backordered,
                quantity: Quantity::Units(9),
                delivery_days: None,
                reason: None,
            },
        ],
    };
    let got = confirm_as_planned(&plan, Decimal::from(5));
    let shape: Vec<_> = got
        .iter()
        .map(|p| (p.status, p.quantity, p.delivery_days))
        .collect();
    assert_eq!(
        shape,
        [
            (PartStatus::Reject, Decimal::ONE, None),
            (
                PartStatus::Backordered,
                Decimal::from(4),
                Some(BACKORDER_DAYS)
            ),
        ],
        "the back-order takes no more than is left"
    );
    let short = LineConfirmation {
        line: 1,
        parts: vec![plan.parts[0].clone()],
    };
    assert_eq!(
        confirm_as_planned(&short, Decimal::from(5))[1],
        PlannedPart::accept(Decimal::from(4))
    );
}

#[test]
fn only_a_cart_older_than_the_price_hold_is_noted_as_repriced() {
    assert!(note_repricing(None).is_none());
    assert!(note_repricing(Some(PRICE_HOLD_DAYS)).is_none());
    let d = note_repricing(Some(PRICE_HOLD_DAYS + 1)).unwrap();
    assert!(
        d.to_string().contains("8 days after the cart"),
        "{}",
        d.to_string()
    );
}

#[test]
fn a_scenarios_shipping_fee_replaces_the_stores() {
    let store = plan(
        &[line(1, 1, 100)],
        &scenario(""),
        &Tolerances::default(),
        &rules(),
        None,
    );
    assert_eq!(store.quote.shipping, Decimal::from(373));
    let charging = Charging {
        shipping_fee: Some(Decimal::from(5000)),
        ..rules()
    };
    let f = plan(
        &[line(1, 1, 100)],
        &scenario(""),
        &Tolerances::default(),
        &charging,
        None,
    );
    assert_eq!(f.quote.shipping, Decimal::from(5000));
}

#[test]
fn the_confirmed_subtotal_counts_accepted_and_backordered_units_not_rejected_ones() {
    let lines = [
        planned(1, &[(PartStatus::Accept, 2), (PartStatus::Reject, 5)]),
        planned(2, &[(PartStatus::Backordered, 1)]),
    ];
    let ordered = [line(1, 7, 100), line(2, 1, 100)];
    let taxable = confirmed(&lines, &ordered);
    let amounts: Vec<Decimal> = taxable.iter().map(|t| t.amount).collect();
    assert_eq!(amounts, [Decimal::from(200), Decimal::from(100)]);
}

#[test]
fn shipping_cancels_only_when_it_is_over_the_maximum_after_the_discount() {
    let quote = Quote {
        shipping: Decimal::from(1500),
        discount: Decimal::from(500),
        ..Quote::default()
    };
    let at_most = |max| Tolerances {
        max_shipping: Some(Decimal::from(max)),
        ..Tolerances::default()
    };
    assert!(check_shipping_price(&quote, &at_most(1000), &yen()).is_none());
    let reason = check_shipping_price(&quote, &at_most(999), &yen()).unwrap();
    assert_eq!(
        reason.to_string(),
        "Shipping ￥1,000, over the maximum of ￥999"
    );
    assert_eq!(
        reason.render(crate::i18n::Lang::Ja),
        "配送料 ￥1,000 が上限 ￥999 を超過"
    );
    assert!(check_shipping_price(&quote, &Tolerances::default(), &yen()).is_none());
}

#[test]
fn a_safeguards_reason_to_cancel_comes_before_a_scenario_that_rejects() {
    let rejecting = scenario("[confirmation]\ntype = \"reject\"\nreason = \"closed\"\n");
    let stock = crate::note!("reason-stock", stock = 1u32);
    assert_eq!(
        decide_cancellation(Some(stock.clone()), &rejecting),
        Some(stock)
    );
    assert_eq!(
        decide_cancellation(None, &rejecting),
        Some(Note::Plain("closed".into()))
    );
    assert_eq!(decide_cancellation(None, &scenario("")), None);
}

#[test]
fn a_cancelled_order_rejects_every_unit_and_owes_nothing() {
    let lines = vec![planned(
        1,
        &[(PartStatus::Accept, 2), (PartStatus::Backordered, 1)],
    )];
    let f = cancel_order(
        lines,
        Note::Plain("too dear".into()),
        &scenario(""),
        Vec::new(),
    );
    assert!(f.cancelled());
    assert_eq!(f.header_reason, Some(Note::Plain("too dear".into())));
    assert_eq!(f.lines[0].quantity(PartStatus::Reject), Decimal::from(3));
    assert_eq!(f.steps_after_confirmation(), 0);
    assert_eq!(f.quote, Quote::default());
    assert!(f.decisions[0].to_string().ends_with("cancelled: too dear"));
}

#[test]
fn the_header_type_is_the_scenarios_or_follows_the_parts() {
    let none = scenario("");
    let all_back = [planned(1, &[(PartStatus::Backordered, 2)])];
    let mixed = [planned(
        1,
        &[(PartStatus::Accept, 1), (PartStatus::Reject, 1)],
    )];
    let all_rejected = [planned(1, &[(PartStatus::Reject, 1)])];
    assert_eq!(choose_header_type(&all_back, &none), "backordered");
    assert_eq!(choose_header_type(&mixed, &none), "detail");
    assert_eq!(choose_header_type(&all_rejected, &none), "reject");
    let except = scenario("[confirmation]\ntype = \"except\"\n");
    assert_eq!(choose_header_type(&all_rejected, &except), "except");
}

#[test]
fn without_a_script_accepted_units_ship_at_once_and_backorders_in_a_second_notice() {
    let lines = [
        planned(1, &[(PartStatus::Accept, 2), (PartStatus::Backordered, 3)]),
        planned(2, &[(PartStatus::Reject, 1)]),
    ];
    let notices = ship_by_default(&lines);
    assert_eq!(notices.len(), 2);
    assert_eq!(notices[0].items, [(1, Decimal::from(2))]);
    assert_eq!(notices[1].items, [(1, Decimal::from(3))]);
    assert!(ship_by_default(&lines[1..]).is_empty(), "nothing to send");
}

#[test]
fn a_scripted_notice_takes_part_of_a_line_and_the_next_takes_what_is_left() {
    let lines = [planned(5, &[(PartStatus::Accept, 4)])];
    let script = scenario(
        "[[shipments]]\nlines = [{ line = 1, quantity = 1 }]\n\n[[shipments]]\ndelay = 60\n\n[[shipments]]\n",
    )
    .shipments;
    let notices = ship_as_scripted(&lines, &script);
    assert_eq!(
        notices.len(),
        2,
        "the third notice has nothing left to carry"
    );
    assert_eq!(notices[0].items, [(5, Decimal::ONE)]);
    assert_eq!(notices[1].items, [(5, Decimal::from(3))]);
    assert_eq!(notices[1].delay_secs, Some(60));
    let unknown_line = [ShipmentPlan {
        lines: scenario("[[shipments]]\nlines = [{ line = 9 }]\n").shipments[0]
            .lines
            .clone(),
        ..ShipmentPlan::default()
    }];
    assert!(ship_as_scripted(&lines, &unknown_line).is_empty());
}

/// Japan's currency, as its store file has it.
fn yen() -> crate::domain::pricing::Currency {
    crate::domain::pricing::Currency {
        code: "JPY".into(),
        minor_units: 0,
        symbol: "￥".into(),
    }
}

/// An order planned by an absim whose reasons and decisions were text
/// reads back: the reason as it was written, the decision in its two
/// languages.
#[test]
fn a_plan_stored_before_notes_reads_back() {
    let part: PlannedPart = serde_json::from_str(
        r#"{"status":"reject","quantity":"1","reason":"在庫不足 (在庫0) / not enough stock (0 available)"}"#,
    )
    .unwrap();
    assert_eq!(
        part.reason.unwrap().render(crate::i18n::Lang::De),
        "在庫不足 (在庫0) / not enough stock (0 available)"
    );
    let decision: Note =
        serde_json::from_str(r#"{"ja":"行1: 削除しました。","en":"Line 1: removed."}"#).unwrap();
    assert_eq!(
        decision.render(crate::i18n::Lang::Ja),
        "行1: 削除しました。"
    );
    assert_eq!(decision.render(crate::i18n::Lang::Fr), "Line 1: removed.");
}
