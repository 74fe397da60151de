use rust_decimal::Decimal;

use super::deliveries::{check_delivery, check_documents_owed};
use super::expectations::{
    check_cart_reflected, check_delivery_retried, check_japanese_text, check_retry_after_fault,
    check_several_lines,
};
use super::po::compare_with_cart;
use super::refusal::{check_accepted_po, check_refused_po};
use super::{Check, Outcome, Verdict, verdict};
use crate::domain::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};
use crate::domain::fault::{FaultKind, FaultRecord};
use crate::domain::order::{OrderLine, Refusal};
use crate::domain::scenario::{Scenario, Scenarios};
use crate::domain::session::ReturnedLine;

/// PO line `n` echoing cart line `cart-1,<n>`: two units at 1,000 yen of a
/// Japanese title.
fn po_line(n: u32) -> OrderLine {
    OrderLine {
        aux_id: Some(format!("cart-1,{n}").into()),
        description: "山善 パソコンデスク".into(),
        ..OrderLine::example(n, 2, 1000)
    }
}

/// The cart line PO line `n` echoes.
fn cart_line(n: u32) -> ReturnedLine {
    ReturnedLine {
        aux_id: format!("cart-1,{n}"),
        asin: "B087JWRCP5".into(),
        quantity: 2,
        unit_price: Decimal::from(1000),
        description: "山善 パソコンデスク".into(),
    }
}

fn scenario(toml_tail: &str) -> Scenario {
    Scenarios::parse_one(
        &format!(
            "id = \"t\"\nsection = \"basic\"\nname = {{ ja = \"a\", en = \"b\" }}\ndescription = {{ ja = \"a\", en = \"b\" }}\n{toml_tail}"
        ),
        "t.toml",
    )
    .unwrap()
}

fn delivery(kind: DeliveryKind, state: DeliveryState, tries: u32) -> (Delivery, Vec<Attempt>) {
    let attempt = Attempt {
        at: crate::cxml::time::now(),
        http_status: Some(200),
        cxml_status: Some(200),
        error: None,
        duration_ms: 5,
    };
    let d = Delivery {
        id: 1,
        order_no: 1,
        kind,
        step: 1,
        state,
        due_at_ms: 0,
        attempts: tries,
        payload_id: None,
        document_id: None,
        target: Some("http://127.0.0.1:9/cxml".into()),
        last_http: None,
        last_cxml: None,
        last_error: None,
        sent_at: None,
    };
    (d, vec![attempt; tries as usize])
}

fn fault(payload_id: &str, order_id: &str) -> FaultRecord {
    FaultRecord {
        group_id: 1,
        at: crate::cxml::time::now(),
        kind: FaultKind::Http503,
        payload_id: Some(payload_id.into()),
        order_id: Some(order_id.into()),
        detail: String::new(),
        run_id: None,
    }
}

fn outcomes(checks: &[Check]) -> Vec<Outcome> {
    checks.iter().map(|c| c.outcome).collect()
}

#[test]
fn one_failure_makes_the_verdict_a_failure_and_one_pending_check_keeps_it_open() {
    let pass = Check::pass("a", crate::note!("check-lines-match"));
    let pending = Check::new("b", Outcome::Pending, crate::note!("check-lines-match"));
    let fail = Check::fail("c", crate::note!("check-lines-match"));
    assert_eq!(verdict(std::slice::from_ref(&pass)), Verdict::Success);
    assert_eq!(verdict(&[pass.clone(), pending.clone()]), Verdict::Pending);
    assert_eq!(verdict(&[pending, fail, pass]), Verdict::Failure);
}

#[test]
fn a_refusal_the_scenario_expects_passes_by_its_code_or_its_text() {
    let refusal = Refusal {
        code: 400,
        text: "001-001".into(),
        message: "type=\"update\"".into(),
        note: None,
        message_ja: None,
    };
    assert_eq!(
        check_refused_po(&refusal, Some("001-001")).outcome,
        Outcome::Pass
    );
    assert_eq!(
        check_refused_po(&refusal, Some("400")).outcome,
        Outcome::Pass
    );
    let other = check_refused_po(&refusal, Some("001-005"));
    assert_eq!(other.outcome, Outcome::Fail);
    assert!(
        other.en().contains("refused with 400 001-001"),
        "{}",
        other.en()
    );
    let unexpected = check_refused_po(&refusal, None);
    assert_eq!(unexpected.outcome, Outcome::Fail);
    assert!(unexpected.en().contains("type=\"update\""));
}

#[test]
fn an_accepted_po_fails_when_the_scenario_expects_it_refused_or_no_po_at_all() {
    assert!(check_accepted_po(&scenario("")).is_empty());
    let refusing = check_accepted_po(&scenario("refusal = \"001-005\"\n"));
    assert_eq!(refusing.len(), 1);
    assert!(
        refusing[0]
            .en()
            .contains("refused with 001-005, but it was accepted")
    );
    let empty_cart = check_accepted_po(&scenario("expect = [\"no-order\"]\n"));
    assert_eq!(empty_cart[0].name, "no PO after an empty cart");
}

#[test]
fn a_line_that_matches_its_cart_line_has_no_problems() {
    assert!(compare_with_cart(&po_line(1), &[cart_line(2), cart_line(1)], &yen()).is_empty());
}

#[test]
fn a_line_without_aux_id_or_with_one_not_in_the_cart_fails_once() {
    let no_aux = OrderLine {
        aux_id: None,
        ..po_line(1)
    };
    let problems = compare_with_cart(&no_aux, &[cart_line(1)], &yen());
    assert_eq!(outcomes(&problems), [Outcome::Fail]);
    assert!(problems[0].en().contains("no SupplierPartAuxiliaryID"));
    let elsewhere = compare_with_cart(&po_line(3), &[cart_line(1)], &yen());
    assert!(
        elsewhere[0]
            .en()
            .contains("'cart-1,3' is not in the last cart")
    );
}

#[test]
fn each_field_that_differs_from_the_cart_fails_naming_the_expected_and_received_value() {
    let line = OrderLine {
        asin: "B000000000".into(),
        quantity: Decimal::new(30, 1),
        unit_price: Decimal::from(999),
        currency: "USD".into(),
        ..po_line(1)
    };
    let problems: Vec<String> = compare_with_cart(&line, &[cart_line(1)], &yen())
        .into_iter()
        .map(|c| c.en())
        .collect();
    assert_eq!(
        problems,
        [
            "Line 1: ASIN (SupplierPartID) — expected 'B087JWRCP5', received 'B000000000'",
            "Line 1: quantity — expected '2', received '3'",
            "Line 1: unit price — expected '￥1,000', received '￥999'",
            "Line 1: currency — expected 'JPY', received 'USD'",
        ]
    );
}

#[test]
fn a_delivery_without_an_endpoint_cannot_be_checked() {
    let (mut d, attempts) = delivery(DeliveryKind::Confirmation, DeliveryState::Delivered, 1);
    d.target = None;
    let check = check_delivery(&d, &attempts);
    assert_eq!(check.outcome, Outcome::NotApplicable);
    assert_eq!(check.name, "confirmation");
}

#[test]
fn a_ship_notice_is_named_by_its_number_and_passes_once_the_buyer_answered() {
    let (mut d, attempts) = delivery(DeliveryKind::ShipNotice, DeliveryState::Delivered, 2);
    d.last_cxml = Some(201);
    let check = check_delivery(&d, &attempts);
    assert_eq!(check.outcome, Outcome::Pass);
    assert_eq!(check.name, "ship notice 2");
    assert!(
        check.en().contains("with cXML 201 (attempt 2)"),
        "{}",
        check.en()
    );
}

#[test]
fn a_delivery_being_retried_is_pending_with_its_last_error_and_a_failed_one_fails() {
    let (mut d, attempts) = delivery(DeliveryKind::Invoice, DeliveryState::Pending, 3);
    d.last_http = Some(503);
    let retrying = check_delivery(&d, &attempts);
    assert_eq!(retrying.outcome, Outcome::Pending);
    assert!(
        retrying
            .en()
            .contains("(attempt 3: HTTP 503); absim retries")
    );
    let (waiting, none) = delivery(DeliveryKind::Invoice, DeliveryState::Pending, 0);
    assert!(
        check_delivery(&waiting, &none)
            .en()
            .contains("still waiting")
    );
    d.state = DeliveryState::Failed;
    d.last_error = Some("the buyer answered cXML 400".into());
    let failed = check_delivery(&d, &attempts);
    assert_eq!(failed.outcome, Outcome::Fail);
    assert!(
        failed
            .en()
            .ends_with("could not be delivered: the buyer answered cXML 400")
    );
}

#[test]
fn documents_still_owed_keep_the_entry_pending_unless_one_failed() {
    let sent = [delivery(
        DeliveryKind::Confirmation,
        DeliveryState::Delivered,
        1,
    )];
    let owed = check_documents_owed(3, &sent).unwrap();
    assert_eq!(owed.outcome, Outcome::Pending);
    assert!(owed.en().starts_with("2 more documents are"));
    assert!(check_documents_owed(1, &sent).is_none());
    let failed = [delivery(
        DeliveryKind::Confirmation,
        DeliveryState::Failed,
        5,
    )];
    assert!(check_documents_owed(3, &failed).is_none());
}

#[test]
fn a_po_missing_lines_of_the_edited_cart_fails_naming_them() {
    let cart = [cart_line(1), cart_line(2)];
    assert_eq!(
        check_cart_reflected(&[po_line(1), po_line(2)], &cart).outcome,
        Outcome::Pass
    );
    let missing = check_cart_reflected(&[po_line(1)], &cart);
    assert_eq!(missing.outcome, Outcome::Fail);
    assert!(
        missing
            .en()
            .ends_with("missing from the PO: cart-1,2 (B087JWRCP5)")
    );
}

#[test]
fn several_lines_means_two_lines_or_more_one_for_more_than_one_unit() {
    let single = OrderLine::example(2, 1, 100);
    assert_eq!(
        check_several_lines(&[po_line(1), single.clone()]).outcome,
        Outcome::Pass
    );
    assert_eq!(check_several_lines(&[po_line(1)]).outcome, Outcome::Fail);
    let ones = [OrderLine::example(1, 1, 100), single];
    assert_eq!(check_several_lines(&ones).outcome, Outcome::Fail);
}

#[test]
fn each_damaged_description_fails_and_intact_ones_pass_once() {
    let cart = [cart_line(1), cart_line(2)];
    let intact = check_japanese_text(&[po_line(1), po_line(2)], &cart);
    assert_eq!(outcomes(&intact), [Outcome::Pass]);
    let damaged = OrderLine {
        description: "??? ????????".into(),
        ..po_line(2)
    };
    let checks = check_japanese_text(&[po_line(1), damaged], &cart);
    assert_eq!(outcomes(&checks), [Outcome::Fail]);
    assert!(
        checks[0]
            .en()
            .starts_with("Line 2: the Description was damaged")
    );
}

#[test]
fn a_resend_after_a_fault_passes_only_with_the_same_payload_id() {
    let faults = [fault("p-1@buyer", "PO-1")];
    let same = check_retry_after_fault("p-1@buyer", "PO-1", &faults);
    assert_eq!(same.outcome, Outcome::Pass);
    let renamed = check_retry_after_fault("p-2@buyer", "PO-1", &faults);
    assert_eq!(renamed.outcome, Outcome::Fail);
    assert!(renamed.en().contains("new payloadID"));
    let unrelated = check_retry_after_fault("p-3@buyer", "PO-3", &faults);
    assert!(
        unrelated
            .en()
            .starts_with("No injected fault preceded this PO")
    );
}

#[test]
fn a_delivery_retry_passes_once_a_document_got_through_on_a_later_attempt() {
    let first_time = delivery(DeliveryKind::Confirmation, DeliveryState::Delivered, 1);
    let retried = delivery(DeliveryKind::ShipNotice, DeliveryState::Delivered, 2);
    let trying = delivery(DeliveryKind::ShipNotice, DeliveryState::InFlight, 1);
    assert_eq!(
        check_delivery_retried(&[first_time.clone(), retried]).outcome,
        Outcome::Pass
    );
    assert_eq!(
        check_delivery_retried(&[first_time.clone(), trying]).outcome,
        Outcome::Pending
    );
    assert_eq!(check_delivery_retried(&[first_time]).outcome, Outcome::Fail);
}

#[test]
fn a_lines_currency_is_checked_against_its_stores() {
    let in_euros = OrderLine {
        currency: "EUR".into(),
        ..po_line(1)
    };
    assert!(compare_with_cart(&in_euros, &[cart_line(1)], &euro()).is_empty());
    let problems = compare_with_cart(&po_line(1), &[cart_line(1)], &euro());
    assert_eq!(outcomes(&problems), [Outcome::Fail]);
    assert!(
        problems[0]
            .en()
            .contains("currency — expected 'EUR', received 'JPY'"),
        "{}",
        problems[0].en()
    );
}

fn yen() -> crate::domain::pricing::Currency {
    crate::domain::pricing::Currency {
        code: "JPY".into(),
        minor_units: 0,
        symbol: "￥".into(),
    }
}

fn euro() -> crate::domain::pricing::Currency {
    crate::domain::pricing::Currency {
        code: "EUR".into(),
        minor_units: 2,
        symbol: "€".into(),
    }
}
