//! The documents absim writes, built from domain data: the PunchOutSetup
//! response, the PunchOutOrderMessage (shaped like Amazon's, REFERENCE.md
//! §10.4), the ConfirmationRequest and the ShipNoticeRequest.

use rust_decimal::Decimal;
use smallvec::smallvec;

use super::account::Group;
use super::catalog::Catalog;
use super::fulfilment::{Fulfilment, PlannedShipment};
use super::order::Order;
use super::pricing::Quote;
use super::scenario::PartStatus;
use super::session::Session;
use crate::cxml::confirmation::{
    ConfirmationHeader, ConfirmationItem, ConfirmationRequest, ConfirmationStatus,
};
use crate::cxml::invoice::{
    InvoiceDetailItem, InvoiceDetailItemReference, InvoiceDetailOrder, InvoiceDetailOrderInfo,
    InvoiceDetailRequest, InvoiceDetailRequestHeader, InvoiceDetailSummary,
};
use crate::cxml::order_message::{ItemIn, PunchOutOrderMessage, PunchOutOrderMessageHeader};
use crate::cxml::punchout_setup::PunchOutSetupResponse;
use crate::cxml::ship_notice::{
    CarrierIdentifier, PackageIdentification, ShipControl, ShipNoticeHeader, ShipNoticeItem,
    ShipNoticePortion, ShipNoticeRequest,
};
use crate::cxml::{
    Classification, Comments, Credential, Cxml, Description, DocumentReference, Extrinsic, Few,
    Header, ItemDetail, ItemId, Message, MoneyHolder, OrderReference, Party, Sender, Shipping,
    Status, Tax, UrlHolder, time, write,
};

pub const USER_AGENT: &str = "Amazon LLC eProcurement Application (absim test-mode simulator)";
pub const SHIPPING_TEXT: &str = "Cost of shipping, not including shipping tax.";
pub const TAX_TEXT: &str = "Cost of tax, including shipping tax.";
/// The carrier of test-mode ship notices (配送業者識別子).
pub const TEST_CARRIER: &str = "Test Mode Carrier";
/// The carrier of active-mode ship notices: a realistic Japanese carrier.
pub const ACTIVE_CARRIER: &str = "ヤマト運輸";
/// 発送識別子 in test mode.
pub const TEST_SHIPMENT_IDENTIFIER: &str = "000000000";

fn amazon_credentials() -> Few<Credential> {
    smallvec![
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
        sender[1].shared_secret = Some(group.shared_secret.as_str().into());
    }
    Header {
        from: Party {
            credentials: amazon_credentials(),
        },
        to: Party {
            credentials: smallvec![Credential::new("NetworkId", &group.identity)],
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
                    supplier_part_id: p.asin.as_str().into(),
                    supplier_part_auxiliary_id: Some(session.aux_id(line.line).into()),
                    buyer_part_id: None,
                },
                item_detail: ItemDetail {
                    unit_price: MoneyHolder::jpy(p.price),
                    description: smallvec![Description::new("ja", p.title.clone())],
                    unit_of_measure: "EA".into(),
                    classification: smallvec![Classification {
                        domain: "UNSPSC".into(),
                        code: p.unspsc.as_str().into(),
                    }],
                    manufacturer_part_id: Some(p.part_number.as_str().into()),
                    manufacturer_name: Some(p.manufacturer.as_str().into()),
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
                operation_allowed: if session.read_only {
                    "inspect"
                } else {
                    "create"
                }
                .into(),
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
        deployment_mode: request.deployment_mode.map(String::from),
        in_reply_to: Some(session.setup.payload_id.clone()).filter(|p| !p.is_empty()),
        // An empty cart: the session ended without items (Status 204).
        status: session
            .cart
            .is_empty()
            .then(|| Status::new(204, "No Content", "")),
        payload: request.payload,
    });
    doc
}

fn order_reference(order: &Order) -> OrderReference {
    OrderReference {
        order_id: Some(order.order_id.to_string()),
        // Echo the buyer's orderDate in the numeric-offset form.
        order_date: time::parse_lenient(&order.order_date)
            .ok()
            .map(|(t, _)| time::format(&t)),
        document_reference: DocumentReference {
            payload_id: order.payload_id.clone(),
        },
    }
}

fn comment(kind: &str, text: impl Into<String>) -> Comments {
    Comments {
        lang: Some("ja".into()),
        kind: Some(kind.into()),
        text: text.into(),
    }
}

/// The order confirmation, written from the fulfilment plan: the header
/// type, one ConfirmationItem per PO line with a ConfirmationStatus per part
/// (accepted parts as `detail`, shown as ORDERED; `backordered` with a
/// delivery date; `reject` with the reason in Comments), the confirmed unit
/// price, and the header Total, Shipping (with the discount) and Tax.
pub fn confirmation(
    payload_id: String,
    group: &Group,
    order: &Order,
    plan: &Fulfilment,
) -> Cxml<ConfirmationRequest> {
    let q = &plan.quote;
    let now = time::now();
    let items = plan
        .lines
        .iter()
        .map(|l| {
            let uom = order.unit_of_measure(l.line_number);
            ConfirmationItem {
                quantity: quantity_text(l.ordered),
                line_number: l.line_number.to_string(),
                unit_of_measure: uom.to_owned(),
                statuses: l
                    .parts
                    .iter()
                    .map(|p| ConfirmationStatus {
                        quantity: quantity_text(p.quantity),
                        kind: match p.status {
                            PartStatus::Accept => "detail",
                            PartStatus::Backordered => "backordered",
                            PartStatus::Reject => "reject",
                        }
                        .into(),
                        delivery_date: p
                            .delivery_days
                            .map(|d| time::format(&(now + chrono::Duration::days(i64::from(d))))),
                        unit_of_measure: uom.to_owned(),
                        unit_price: (p.status != PartStatus::Reject)
                            .then(|| MoneyHolder::jpy(l.unit_price)),
                        comments: match p.status {
                            PartStatus::Reject => vec![comment(
                                "reason",
                                p.reason.clone().unwrap_or_else(|| "取り消し".into()),
                            )],
                            _ => vec![comment("confirmID", order.confirm_id.clone())],
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    write::request(
        payload_id,
        amazon_header(group, true),
        &order.deployment_mode,
        ConfirmationRequest {
            header: ConfirmationHeader {
                confirm_id: Some(order.confirm_id.to_string()),
                operation: "new".into(),
                kind: plan.header_type.to_string(),
                notice_date: time::format(&now),
                total: Some(MoneyHolder::jpy(q.total)),
                shipping: Some(shipping(q)),
                tax: Some(tax(q)),
                comments: plan
                    .header_reason
                    .iter()
                    .map(|r| comment("reason", r.clone()))
                    .collect(),
            },
            order_reference: order_reference(order),
            items,
        },
    )
}

/// One ship notice of the plan: what that shipment carries, by the order's
/// carrier.
pub fn ship_notice(
    payload_id: String,
    group: &Group,
    order: &Order,
    shipment: &PlannedShipment,
) -> Cxml<ShipNoticeRequest> {
    let now = time::now();
    let delivery = now + chrono::Duration::days(2);
    write::request(
        payload_id,
        amazon_header(group, true),
        &order.deployment_mode,
        ShipNoticeRequest {
            header: ShipNoticeHeader {
                shipment_id: shipment.shipment_id.to_string(),
                operation: "new".into(),
                notice_date: time::format(&now),
                shipment_date: Some(time::format(&now)),
                delivery_date: Some(time::format(&delivery)),
                shipment_type: Some("actual".into()),
            },
            controls: vec![ShipControl {
                carriers: vec![CarrierIdentifier {
                    domain: "companyName".into(),
                    value: order.carrier.to_string(),
                }],
                shipment_identifiers: vec![shipment.tracking.to_string()],
                package: Some(PackageIdentification {
                    range_begin: 1,
                    range_end: 1,
                }),
            }],
            portions: vec![ShipNoticePortion {
                order_reference: order_reference(order),
                items: shipment
                    .items
                    .iter()
                    .map(|(line, q)| ShipNoticeItem {
                        quantity: quantity_text(*q),
                        line_number: line.to_string(),
                        unit_of_measure: order.unit_of_measure(*line).to_owned(),
                    })
                    .collect(),
            }],
        },
    )
}

/// The invoice after shipment: every shipped unit at its confirmed price,
/// with tax, shipping and the discount in the summary.
pub fn invoice(
    payload_id: String,
    group: &Group,
    order: &Order,
    plan: &Fulfilment,
) -> Cxml<InvoiceDetailRequest> {
    let q = &plan.quote;
    let items = plan
        .lines
        .iter()
        .filter_map(|l| {
            let shipped = l.quantity(PartStatus::Accept) + l.quantity(PartStatus::Backordered);
            if shipped.is_zero() {
                return None;
            }
            let po = order.lines.iter().find(|o| o.line_number == l.line_number);
            Some(InvoiceDetailItem {
                invoice_line_number: l.line_number.to_string(),
                quantity: quantity_text(shipped),
                unit_of_measure: order.unit_of_measure(l.line_number).to_owned(),
                unit_price: MoneyHolder::jpy(l.unit_price),
                reference: InvoiceDetailItemReference {
                    line_number: l.line_number.to_string(),
                    item_id: po.map(|o| ItemId {
                        supplier_part_id: o.asin.as_str().into(),
                        supplier_part_auxiliary_id: o.aux_id.as_deref().map(Into::into),
                        buyer_part_id: None,
                    }),
                    description: po.map(|o| Description::new("ja", o.description.clone())),
                },
                subtotal: Some(MoneyHolder::jpy(l.unit_price * shipped)),
            })
        })
        .collect();
    write::request(
        payload_id,
        amazon_header(group, true),
        &order.deployment_mode,
        InvoiceDetailRequest {
            header: InvoiceDetailRequestHeader {
                invoice_id: format!("INV-{}", order.confirm_id),
                purpose: "standard".into(),
                operation: "new".into(),
                invoice_date: time::format(&time::now()),
                header_indicator: Default::default(),
                line_indicator: Default::default(),
            },
            orders: vec![InvoiceDetailOrder {
                info: InvoiceDetailOrderInfo {
                    order_reference: order_reference(order),
                },
                items,
            }],
            summary: InvoiceDetailSummary {
                subtotal: MoneyHolder::jpy(q.subtotal),
                tax: tax(q),
                shipping: Some(MoneyHolder::jpy(q.shipping)),
                discount: (!q.discount.is_zero()).then(|| MoneyHolder::jpy(q.discount)),
                net: MoneyHolder::jpy(q.total),
                due: Some(MoneyHolder::jpy(q.total)),
            },
        },
    )
}

/// Rounds a quantity the way documents print it.
pub fn quantity_text(q: Decimal) -> String {
    q.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
    use crate::domain::fulfilment::plan;
    use crate::domain::order::OrderLine;
    use crate::domain::safeguard::Tolerances;
    use crate::domain::scenario::Scenarios;

    fn order(order_date: &str) -> Order {
        let lines = vec![OrderLine {
            line_number: 7,
            asin: "B087JWRCP5".into(),
            aux_id: None,
            description: "desk".into(),
            unit_price: Decimal::from(16182),
            currency: "JPY".into(),
            quantity: Decimal::from(2),
            unit_of_measure: "EA".into(),
        }];
        let catalog = Catalog::embedded();
        let scenarios = Scenarios::embedded().unwrap();
        let mut fulfilment = plan(
            &lines,
            scenarios.basic(),
            &Tolerances::default(),
            &catalog.pricing,
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
            quote: catalog.pricing.price(Decimal::from(32364)),
            lines,
            po_total: None,
            confirm_id: "111-2222222-3333333".into(),
            delivery_number: "test12345678901234567".into(),
            shipment_identifier: TEST_SHIPMENT_IDENTIFIER.into(),
            carrier: TEST_CARRIER.into(),
            deployment_mode: "test".into(),
            mark: None,
            deviations: vec![],
            fulfilment: Some(fulfilment),
            refusal: None,
            run_id: None,
        }
    }

    fn confirm(o: &Order) -> Cxml<ConfirmationRequest> {
        let g = Group::generate(1, DEFAULT_GROUP_NAME);
        confirmation("x@absim".into(), &g, o, o.fulfilment.as_ref().unwrap())
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
}
