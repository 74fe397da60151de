//! The documents absim writes, built from domain data: the PunchOutSetup
//! response, the PunchOutOrderMessage (shaped like Amazon's, REFERENCE.md
//! §10.4), the ConfirmationRequest and the ShipNoticeRequest.

use rust_decimal::Decimal;

use super::account::Group;
use super::catalog::Catalog;
use super::order::Order;
use super::pricing::Quote;
use super::session::Session;
use crate::cxml::confirmation::{
    ConfirmationHeader, ConfirmationItem, ConfirmationRequest, ConfirmationStatus,
};
use crate::cxml::order_message::{ItemIn, PunchOutOrderMessage, PunchOutOrderMessageHeader};
use crate::cxml::punchout_setup::PunchOutSetupResponse;
use crate::cxml::ship_notice::{
    CarrierIdentifier, PackageIdentification, ShipControl, ShipNoticeHeader, ShipNoticeItem,
    ShipNoticePortion, ShipNoticeRequest,
};
use crate::cxml::{
    Classification, Comments, Credential, Cxml, Description, DocumentReference, Extrinsic, Header,
    ItemDetail, ItemId, Message, MoneyHolder, OrderReference, Party, Sender, Shipping, Status, Tax,
    UrlHolder, time, write,
};

pub const USER_AGENT: &str = "Amazon LLC eProcurement Application (absim test-mode simulator)";
pub const SHIPPING_TEXT: &str = "Cost of shipping, not including shipping tax.";
pub const TAX_TEXT: &str = "Cost of tax, including shipping tax.";
/// The carrier of test-mode ship notices (配送業者識別子).
pub const TEST_CARRIER: &str = "Test Mode Carrier";
/// 発送識別子 in test mode.
pub const TEST_SHIPMENT_IDENTIFIER: &str = "000000000";

fn amazon_credentials() -> Vec<Credential> {
    vec![
        Credential::new("DUNS", "128990368"),
        Credential::new("NetworkId", "Amazon"),
    ]
}

/// The header of documents absim sends the buyer. `with_secret` adds the
/// group's SharedSecret to the Sender (server-to-server posts); the POOM,
/// which travels through the browser, carries none.
pub fn amazon_header(group: &Group, with_secret: bool) -> Header {
    let mut sender = amazon_credentials();
    if with_secret {
        sender[1].shared_secret = Some(group.shared_secret.clone());
    }
    Header {
        from: Party {
            credentials: amazon_credentials(),
        },
        to: Party {
            credentials: vec![Credential::new("NetworkId", &group.identity)],
        },
        sender: Sender {
            credentials: sender,
            user_agent: Some(USER_AGENT.into()),
        },
    }
}

pub fn setup_response(payload_id: String, start_url: String) -> Cxml<PunchOutSetupResponse> {
    write::response(
        payload_id,
        Status::ok(),
        Some(PunchOutSetupResponse {
            start_page: UrlHolder { url: start_url },
        }),
    )
}

fn shipping(q: &Quote) -> Shipping {
    Shipping::with_discount(q.shipping, q.discount, "ja", SHIPPING_TEXT)
}

fn tax(q: &Quote) -> Tax {
    Tax {
        money: crate::cxml::Money::jpy(q.tax),
        description: Description::new("ja", TAX_TEXT),
    }
}

/// The cart as a PunchOutOrderMessage. `detail_base` prefixes the
/// detailPageURL of each item.
pub fn order_message(
    payload_id: String,
    group: &Group,
    session: &Session,
    catalog: &Catalog,
    detail_base: &str,
) -> Cxml<PunchOutOrderMessage> {
    let quote = session.cart.quote(catalog);
    let items = session
        .cart
        .lines
        .iter()
        .filter_map(|line| {
            let p = catalog.get(&line.asin)?;
            Some(ItemIn {
                quantity: line.quantity.to_string(),
                line_number: None,
                item_id: ItemId {
                    supplier_part_id: p.asin.clone(),
                    supplier_part_auxiliary_id: Some(session.aux_id(line.line)),
                    buyer_part_id: None,
                },
                item_detail: ItemDetail {
                    unit_price: MoneyHolder::jpy(p.price),
                    description: vec![Description::new("ja", p.title.clone())],
                    unit_of_measure: "EA".into(),
                    classification: vec![Classification {
                        domain: "UNSPSC".into(),
                        code: p.unspsc.clone(),
                    }],
                    manufacturer_part_id: Some(p.part_number.clone()),
                    manufacturer_name: Some(p.manufacturer.clone()),
                    extrinsics: vec![
                        Extrinsic::new("soldBy", "Amazon.co.jp"),
                        Extrinsic::new("fulfilledBy", "Amazon"),
                        Extrinsic::new("category", p.category.clone()),
                        Extrinsic::new("subCategory", p.sub_category.clone()),
                        Extrinsic::new("itemCondition", "New"),
                        Extrinsic::new("qualifiedOffer", "true"),
                        Extrinsic::new("detailPageURL", format!("{detail_base}/dp/{}", p.asin)),
                        Extrinsic::new("preference", "default"),
                    ],
                },
            })
        })
        .collect();
    let mut doc = write::request(
        payload_id,
        amazon_header(group, false),
        group.mode.deployment_mode(),
        PunchOutOrderMessage {
            buyer_cookie: session.setup.buyer_cookie.clone(),
            header: PunchOutOrderMessageHeader {
                operation_allowed: "create".into(),
                total: MoneyHolder::jpy(quote.subtotal),
                shipping: Some(shipping(&quote)),
                tax: Some(tax(&quote)),
            },
            items,
        },
    );
    // A POOM travels in a Message, not a Request.
    let request = doc.request.take().expect("write::request sets it");
    doc.message = Some(Message {
        deployment_mode: request.deployment_mode,
        in_reply_to: Some(session.setup.payload_id.clone()).filter(|p| !p.is_empty()),
        status: None,
        payload: request.payload,
    });
    doc
}

fn order_reference(order: &Order) -> OrderReference {
    OrderReference {
        order_id: Some(order.order_id.clone()),
        // Echo the buyer's orderDate in the numeric-offset form.
        order_date: time::parse_lenient(&order.order_date)
            .ok()
            .map(|(t, _)| time::format(&t)),
        document_reference: DocumentReference {
            payload_id: order.payload_id.clone(),
        },
    }
}

/// The order confirmation: `type="detail"`, one ConfirmationItem per PO line
/// (shown as ORDERED), header Total, Shipping (with the discount) and Tax.
pub fn confirmation(payload_id: String, group: &Group, order: &Order) -> Cxml<ConfirmationRequest> {
    let q = &order.quote;
    let items = order
        .lines
        .iter()
        .map(|l| ConfirmationItem {
            quantity: quantity_text(l.quantity),
            line_number: l.line_number.to_string(),
            unit_of_measure: l.unit_of_measure.clone(),
            statuses: vec![ConfirmationStatus {
                quantity: quantity_text(l.quantity),
                kind: "detail".into(),
                delivery_date: None,
                unit_of_measure: l.unit_of_measure.clone(),
                unit_price: Some(MoneyHolder::jpy(l.unit_price)),
                comments: vec![Comments {
                    lang: Some("ja".into()),
                    kind: Some("confirmID".into()),
                    text: order.confirm_id.clone(),
                }],
            }],
        })
        .collect();
    write::request(
        payload_id,
        amazon_header(group, true),
        &order.deployment_mode,
        ConfirmationRequest {
            header: ConfirmationHeader {
                confirm_id: Some(order.confirm_id.clone()),
                operation: "new".into(),
                kind: "detail".into(),
                notice_date: time::format(&time::now()),
                total: Some(MoneyHolder::jpy(q.total)),
                shipping: Some(shipping(q)),
                tax: Some(tax(q)),
            },
            order_reference: order_reference(order),
            items,
        },
    )
}

/// The ship notice: every line shipped in one package by the order's carrier.
pub fn ship_notice(payload_id: String, group: &Group, order: &Order) -> Cxml<ShipNoticeRequest> {
    let now = time::now();
    let delivery = now + chrono::Duration::days(2);
    write::request(
        payload_id,
        amazon_header(group, true),
        &order.deployment_mode,
        ShipNoticeRequest {
            header: ShipNoticeHeader {
                shipment_id: order.delivery_number.clone(),
                operation: "new".into(),
                notice_date: time::format(&now),
                shipment_date: Some(time::format(&now)),
                delivery_date: Some(time::format(&delivery)),
                shipment_type: Some("actual".into()),
            },
            controls: vec![ShipControl {
                carriers: vec![CarrierIdentifier {
                    domain: "companyName".into(),
                    value: order.carrier.clone(),
                }],
                shipment_identifiers: vec![order.shipment_identifier.clone()],
                package: Some(PackageIdentification {
                    range_begin: 1,
                    range_end: 1,
                }),
            }],
            portions: vec![ShipNoticePortion {
                order_reference: order_reference(order),
                items: order
                    .lines
                    .iter()
                    .map(|l| ShipNoticeItem {
                        quantity: quantity_text(l.quantity),
                        line_number: l.line_number.to_string(),
                        unit_of_measure: l.unit_of_measure.clone(),
                    })
                    .collect(),
            }],
        },
    )
}

/// A bare Status response (the answer to a PO, or to a bad request).
pub fn status_response(payload_id: String, status: Status) -> Cxml<crate::cxml::Empty> {
    write::response(payload_id, status, None)
}

/// Rounds a quantity the way documents print it.
pub fn quantity_text(q: Decimal) -> String {
    q.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
    use crate::domain::order::OrderLine;

    fn order(order_date: &str) -> Order {
        Order {
            no: 1,
            group_id: 1,
            order_id: "PO-1".into(),
            order_date: order_date.into(),
            payload_id: "p@b".into(),
            scenario: "basic".into(),
            session_id: None,
            received_at: time::now(),
            lines: vec![OrderLine {
                line_number: 7,
                asin: "B087JWRCP5".into(),
                aux_id: None,
                description: "desk".into(),
                unit_price: Decimal::from(16182),
                currency: "JPY".into(),
                quantity: Decimal::from(2),
                unit_of_measure: "EA".into(),
            }],
            po_total: None,
            quote: Catalog::embedded().pricing.price(Decimal::from(32364)),
            confirm_id: "111-2222222-3333333".into(),
            delivery_number: "test12345678901234567".into(),
            shipment_identifier: TEST_SHIPMENT_IDENTIFIER.into(),
            carrier: TEST_CARRIER.into(),
            deployment_mode: "test".into(),
            mark: None,
            deviations: vec![],
        }
    }

    #[test]
    fn the_order_reference_is_written_with_a_numeric_offset() {
        let g = Group::generate(1, DEFAULT_GROUP_NAME);
        let c = confirmation("x@absim".into(), &g, &order("2026-11-29T01:04:00Z"));
        let r = &c.payload().unwrap().order_reference;
        assert_eq!(r.order_date.as_deref(), Some("2026-11-29T01:04:00+00:00"));
        let unreadable = confirmation("y@absim".into(), &g, &order("someday"));
        assert_eq!(
            unreadable.payload().unwrap().order_reference.order_date,
            None
        );
    }

    #[test]
    fn confirmation_and_ship_notice_use_the_po_line_numbers() {
        let g = Group::generate(1, DEFAULT_GROUP_NAME);
        let o = order("2026-11-29T10:04:00+09:00");
        let c = confirmation("x@absim".into(), &g, &o);
        let item = &c.payload().unwrap().items[0];
        assert_eq!(
            (item.line_number.as_str(), item.quantity.as_str()),
            ("7", "2")
        );
        let s = ship_notice("z@absim".into(), &g, &o);
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
}
