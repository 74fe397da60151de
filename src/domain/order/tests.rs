use rust_decimal::Decimal;

use super::validate::{
    authenticate_sender, check_line_count, check_order_header, read_line, read_line_number,
    read_quantity, read_unit_price, require_payload_id,
};
use super::{MAX_LINES, validate_order};
use crate::cxml::order_request::{ItemOut, OrderRequest, OrderRequestHeader};
use crate::cxml::read::read;
use crate::cxml::{
    AddressHolder, Classification, Credential, Deviation, Header, ItemDetail, MoneyHolder,
};
use crate::domain::account::Group;

fn sender(identity: &str, secret: &str) -> Header {
    let mut h = Header::default();
    h.sender.credentials.push(Credential {
        shared_secret: Some(secret.into()),
        ..Credential::new("NetworkId", identity)
    });
    h
}

fn codes(deviations: &[Deviation]) -> Vec<&str> {
    deviations.iter().map(|d| d.code.as_str()).collect()
}

/// A header Amazon accepts: type new, a ShipTo, an orderID.
fn accepted_header() -> OrderRequestHeader {
    OrderRequestHeader {
        order_id: "PO-1".into(),
        ship_to: Some(AddressHolder::default()),
        bill_to: Some(AddressHolder::default()),
        total: Some(MoneyHolder::jpy(Decimal::from(100))),
        ..OrderRequestHeader::default()
    }
}

fn item(line_number: Option<&str>, quantity: &str, price: &str) -> ItemOut {
    let mut detail = ItemDetail {
        unit_price: MoneyHolder::jpy(Decimal::ZERO),
        unit_of_measure: " BX ".into(),
        ..ItemDetail::default()
    };
    detail.unit_price.money.value = price.into();
    detail.classification.push(Classification {
        domain: "UNSPSC".into(),
        code: "56101703".into(),
    });
    let mut item = ItemOut {
        quantity: quantity.into(),
        line_number: line_number.map(Into::into),
        item_detail: Some(detail),
        ..ItemOut::default()
    };
    item.item_id.supplier_part_id = " B087JWRCP5 ".into();
    item.item_id.supplier_part_auxiliary_id = Some(" cart-1,1 ".into());
    item
}

#[test]
fn the_groups_login_with_another_password_is_refused_saying_the_password_differs() {
    let group = Group::generate(1, "g");
    let header = sender(&group.identity, "wrongSecret1");
    let refused = authenticate_sender(Some(&header), &group).unwrap_err();
    assert_eq!(refused.status.code, 401);
    assert!(
        refused
            .status
            .message
            .contains("SharedSecret (password) differs")
    );
    assert!(
        refused
            .note
            .unwrap()
            .render(crate::i18n::Lang::Ja)
            .contains("SharedSecret (パスワード) が違います")
    );
}

#[test]
fn another_login_is_refused_naming_the_login_this_url_expects() {
    let group = Group::generate(1, "g");
    let refused = authenticate_sender(Some(&sender("Stranger01", "x1")), &group).unwrap_err();
    assert_eq!(refused.status.code, 401);
    assert!(refused.status.message.contains("\"Stranger01\""));
    assert!(refused.status.message.contains(&group.identity));
    assert!(authenticate_sender(None, &group).is_err());
}

#[test]
fn the_groups_login_and_password_pass_whatever_the_spaces_around_them() {
    let group = Group::generate(1, "g");
    let header = sender(
        &format!(" {} ", group.identity),
        &format!(" {} ", group.shared_secret),
    );
    assert!(authenticate_sender(Some(&header), &group).is_ok());
}

#[test]
fn a_blank_payload_id_is_refused_and_a_present_one_is_trimmed() {
    assert_eq!(require_payload_id("  ").unwrap_err().status.code, 400);
    assert_eq!(require_payload_id(" 1.2@buyer ").unwrap(), "1.2@buyer");
}

#[test]
fn a_po_over_the_line_limit_is_refused_with_413_and_one_at_it_passes() {
    assert!(check_line_count(MAX_LINES).is_ok());
    let refused = check_line_count(MAX_LINES + 1).unwrap_err();
    assert_eq!(refused.status.code, 413);
    assert!(refused.status.message.contains("1001 ItemOut lines"));
}

#[test]
fn an_order_of_another_type_than_new_is_refused_with_001_001() {
    let h = OrderRequestHeader {
        kind: Some("update".into()),
        ..accepted_header()
    };
    let refused = check_order_header(&h, &mut Vec::new()).unwrap_err();
    assert_eq!(refused.status.text, "001-001");
    assert!(refused.status.message.contains("type=\"update\""));
}

#[test]
fn an_order_without_ship_to_is_refused_with_001_005_before_its_order_id_is_looked_at() {
    let h = OrderRequestHeader {
        ship_to: None,
        order_id: "".into(),
        ..accepted_header()
    };
    assert_eq!(
        check_order_header(&h, &mut Vec::new())
            .unwrap_err()
            .status
            .text,
        "001-005"
    );
}

#[test]
fn an_order_without_order_id_is_refused() {
    let h = OrderRequestHeader {
        order_id: "  ".into(),
        ..accepted_header()
    };
    let refused = check_order_header(&h, &mut Vec::new()).unwrap_err();
    assert!(refused.status.message.contains("no orderID"));
}

#[test]
fn a_missing_bill_to_and_total_are_noted_not_refused() {
    let h = OrderRequestHeader {
        order_id: " PO-7 ".into(),
        bill_to: None,
        total: None,
        ..accepted_header()
    };
    let mut deviations = Vec::new();
    assert_eq!(check_order_header(&h, &mut deviations).unwrap(), "PO-7");
    assert_eq!(codes(&deviations), ["no-bill-to", "no-total"]);
}

#[test]
fn a_line_without_a_line_number_takes_its_position_and_is_noted() {
    let mut deviations = Vec::new();
    assert_eq!(read_line_number(3, None, &mut deviations).unwrap(), 3);
    assert_eq!(codes(&deviations), ["no-line-number"]);
    assert_eq!(
        read_line_number(3, Some(" 20 "), &mut deviations).unwrap(),
        20
    );
    assert_eq!(deviations.len(), 1, "a given number is no deviation");
}

#[test]
fn a_line_number_that_is_not_a_whole_number_is_refused() {
    let refused = read_line_number(2, Some("1.5"), &mut Vec::new()).unwrap_err();
    assert!(
        refused
            .status
            .message
            .contains("ItemOut 2 has lineNumber '1.5'")
    );
}

#[test]
fn a_quantity_must_be_a_number_above_zero() {
    assert_eq!(read_quantity(1, " 2.5 ").unwrap(), Decimal::new(25, 1));
    for bad in ["0", "-1", "two", ""] {
        let refused = read_quantity(4, bad).unwrap_err();
        assert!(
            refused
                .status
                .message
                .contains(&format!("quantity '{bad}'")),
            "{bad}"
        );
    }
}

#[test]
fn a_line_without_item_detail_is_priced_at_zero_yen_and_noted() {
    let mut deviations = Vec::new();
    let (price, currency) = read_unit_price(1, None, &mut deviations).unwrap();
    assert_eq!((price, currency.as_str()), (Decimal::ZERO, "JPY"));
    assert_eq!(codes(&deviations), ["no-item-detail"]);
}

#[test]
fn a_unit_price_that_is_not_a_number_is_refused() {
    let detail = item(Some("1"), "1", "free").item_detail.unwrap();
    let refused = read_unit_price(6, Some(&detail), &mut Vec::new()).unwrap_err();
    assert!(refused.status.message.contains("UnitPrice 'free'"));
}

#[test]
fn a_line_is_read_trimmed_with_its_own_unit_of_measure() {
    let mut deviations = Vec::new();
    let line = read_line(1, &item(Some("10"), "3", "1200.00"), &mut deviations).unwrap();
    assert_eq!(line.line_number, 10);
    assert_eq!(line.asin, "B087JWRCP5");
    assert_eq!(line.aux_id.as_deref(), Some("cart-1,1"));
    assert_eq!(line.quantity, Decimal::from(3));
    assert_eq!(line.unit_price, Decimal::from(1200));
    assert_eq!(line.unit_of_measure, "BX");
    assert!(deviations.is_empty(), "{deviations:?}");
}

#[test]
fn a_line_without_an_asin_is_refused_and_one_without_classification_is_noted() {
    let mut no_asin = item(Some("1"), "1", "1");
    no_asin.item_id.supplier_part_id = " ".into();
    let refused = read_line(1, &no_asin, &mut Vec::new()).unwrap_err();
    assert!(refused.status.message.contains("SupplierPartID"));
    let mut unclassified = item(Some("1"), "1", "1");
    if let Some(d) = unclassified.item_detail.as_mut() {
        d.classification.clear();
        d.unit_of_measure = "".into();
    }
    let mut deviations = Vec::new();
    let line = read_line(1, &unclassified, &mut deviations).unwrap();
    assert_eq!(line.unit_of_measure, "EA");
    assert_eq!(codes(&deviations), ["no-classification"]);
}

#[test]
fn a_po_whose_lines_were_all_removed_is_refused_after_its_header_passes() {
    let body = crate::fixtures::order_request(1, 2);
    let mut doc = read::<OrderRequest>(body.as_bytes()).unwrap().doc;
    let mut group = Group::generate(1, "g");
    group.identity = crate::fixtures::IDENTITY.into();
    group.shared_secret = crate::fixtures::SECRET.into();
    let valid = validate_order(&doc, &group, Vec::new()).unwrap();
    assert_eq!(valid.lines.len(), 2);
    assert_eq!(
        valid.po_total,
        Some(Decimal::from(16182)),
        "the PO states its Total"
    );
    if let Some(request) = doc.request.as_mut() {
        request.payload.items.clear();
    }
    let refused = validate_order(&doc, &group, Vec::new()).unwrap_err();
    assert!(refused.status.message.contains("no ItemOut"));
}
