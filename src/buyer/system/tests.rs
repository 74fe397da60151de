//! The buyer's decisions about a PO: what it sends, and what the answer
//! means.

use super::*;
use crate::cxml::common::{AddressHolder, PostalAddress};
use crate::cxml::order_request::ItemOut;

fn order_to(street: &str) -> OrderRequest {
    let mut order = OrderRequest::default();
    let mut ship_to = AddressHolder::default();
    ship_to.address.postal_address = Some(PostalAddress {
        street: smallvec::smallvec![street.into()],
        ..PostalAddress::default()
    });
    order.header.ship_to = Some(ship_to);
    let mut item = ItemOut::default();
    item.item_id.supplier_part_auxiliary_id = Some("aux-1".into());
    order.items.push(item);
    order
}

fn street(order: &OrderRequest) -> Vec<String> {
    let pa = order
        .header
        .ship_to
        .as_ref()
        .unwrap()
        .address
        .postal_address
        .as_ref();
    pa.unwrap().street.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_order_goes_to_the_shoppers_address_and_keeps_its_aux_ids() {
    let mut order = order_to("old street");
    adjust_order(&mut order, Some(ADDRESSES[1]), Mistakes::default());
    assert_eq!(street(&order), [ADDRESSES[1]]);
    assert_eq!(
        order.items[0].item_id.supplier_part_auxiliary_id.as_deref(),
        Some("aux-1")
    );
}

#[test]
fn the_drop_aux_id_mistake_sends_lines_without_their_aux_ids() {
    let mut order = order_to("old street");
    let mistakes = Mistakes {
        drop_aux_id: true,
        ..Mistakes::default()
    };
    adjust_order(&mut order, Some(ADDRESSES[0]), mistakes);
    assert_eq!(order.items[0].item_id.supplier_part_auxiliary_id, None);
}

#[test]
fn an_order_without_a_postal_address_is_left_without_one() {
    let mut order = OrderRequest::default();
    adjust_order(&mut order, Some(ADDRESSES[0]), Mistakes::default());
    assert!(order.header.ship_to.is_none());
}

#[test]
fn an_answer_is_accepted_only_when_http_and_cxml_both_say_2xx() {
    let ok = write::status_document("1@t", &crate::cxml::Status::ok());
    assert_eq!(
        judge_answer(200, &ok),
        ("HTTP 200 · cXML 200 OK".to_owned(), PoOutcome::Accepted)
    );
    let (_, outcome) = judge_answer(500, &ok);
    assert_eq!(
        outcome,
        PoOutcome::Refused {
            code: 200,
            reason: "OK".into()
        }
    );
}

#[test]
fn a_cxml_refusal_gives_its_code_and_message_or_else_its_text() {
    let refused = crate::cxml::Status::new(400, "001-005", " no ShipTo ");
    let answer = write::status_document("1@t", &refused);
    assert_eq!(
        judge_answer(200, &answer).1,
        PoOutcome::Refused {
            code: 400,
            reason: "no ShipTo".into()
        }
    );
    let bare = write::status_document("1@t", &crate::cxml::Status::new(409, "Conflict", ""));
    assert_eq!(
        judge_answer(200, &bare).1,
        PoOutcome::Refused {
            code: 409,
            reason: "Conflict".into()
        }
    );
}

#[test]
fn an_answer_that_is_not_cxml_is_judged_by_http_alone() {
    assert_eq!(
        judge_answer(202, "accepted"),
        ("HTTP 202".to_owned(), PoOutcome::Accepted)
    );
    let page = "x".repeat(400);
    let (status, outcome) = judge_answer(502, &page);
    assert_eq!(status, "HTTP 502");
    assert_eq!(
        outcome,
        PoOutcome::Refused {
            code: 502,
            reason: "x".repeat(300)
        }
    );
}
