//! The documents absim writes, built from domain data: the PunchOutSetup
//! response, the PunchOutOrderMessage (shaped like Amazon's, REFERENCE.md
//! §10.4), the ConfirmationRequest and the ShipNoticeRequest.

use rust_decimal::Decimal;
use smallvec::smallvec;

use super::account::Group;
use super::catalog::Product;
use super::fulfilment::{Fulfilment, PlannedLine, PlannedShipment};
use super::marketplace::Marketplace;
use super::order::Order;
use super::pricing::{Charge, Quote, Rounding, TaxBasis};
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
    Status, Tax, TaxDetail, UrlHolder, time, write,
};
use crate::i18n::Lang;
use crate::note;

pub const USER_AGENT: &str = "Amazon LLC eProcurement Application (absim test-mode simulator)";
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

/// Where a document's words come from: the cart's, or the other
/// documents'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    Cart,
    Order,
}

/// The header's Shipping: the estimate in the store's words, with the
/// discount as a Modification.
fn shipping(market: &Marketplace, q: &Quote, words: Words) -> Shipping {
    let text = match words {
        Words::Cart => &market.texts.cart_shipping,
        Words::Order => &market.texts.shipping,
    };
    Shipping::with_discount(
        &market.pricing.currency.code,
        (q.shipping, q.discount),
        &market.language,
        text,
    )
}

/// The header's Tax: the order's tax in the store's words; where the store
/// taxes line by line, the tax on shipping as its own TaxDetail (the lines'
/// are on the lines).
fn tax(market: &Marketplace, q: &Quote, words: Words) -> Tax {
    let text = match words {
        Words::Cart => &market.texts.cart_tax,
        Words::Order => &market.texts.tax,
    };
    Tax {
        money: crate::cxml::Money::of(&market.pricing.currency.code, q.tax),
        description: Description::new(&market.language, text.as_str()),
        details: if by_line(market) {
            tax_details(market, q, |b| b == TaxBasis::Shipping, "shippingTax")
        } else {
            Vec::new()
        },
    }
}

/// Whether the store's documents carry each line's tax on the line (a
/// store that rounds per order and rate, Japan, writes the total only).
fn by_line(market: &Marketplace) -> bool {
    market.pricing.tax.rounding == Rounding::Line
}

/// A line's Tax: each of its charges as a TaxDetail; None where the store
/// writes no line taxes.
fn line_tax(market: &Marketplace, q: &Quote, line: u32) -> Option<Tax> {
    if !by_line(market) {
        return None;
    }
    let on_line = |b| b == TaxBasis::Line(line);
    let details = tax_details(market, q, on_line, "subtotalTax");
    let amount: rust_decimal::Decimal = q
        .taxes
        .iter()
        .filter(|c| on_line(c.basis))
        .map(|c| c.amount)
        .sum();
    Some(Tax {
        money: crate::cxml::Money::of(&market.pricing.currency.code, amount),
        description: Description::new(&market.language, market.texts.tax.as_str()),
        details,
    })
}

/// A rate as documents write it: two decimals at least ("19.00"), all of
/// them where it has more ("9.975").
fn rate_text(rate: rust_decimal::Decimal) -> String {
    let rate = rate.normalize();
    if rate.scale() <= 2 {
        format!("{rate:.2}")
    } else {
        rate.to_string()
    }
}

/// The charges on `basis` as TaxDetails: `category`, `percentageRate`, the
/// amount taxed and the tax.
fn tax_details(
    market: &Marketplace,
    q: &Quote,
    basis: impl Fn(TaxBasis) -> bool,
    purpose: &str,
) -> Vec<TaxDetail> {
    let currency = &market.pricing.currency.code;
    q.taxes
        .iter()
        .filter(|c| basis(c.basis))
        .map(|c: &Charge| TaxDetail {
            purpose: Some(purpose.into()),
            category: c.category.clone(),
            percentage_rate: Some(rate_text(c.rate).as_str().into()),
            taxable_amount: Some(MoneyHolder::of(currency, c.taxable)),
            tax_amount: MoneyHolder::of(currency, c.amount),
            description: Some(Description::new(&market.language, c.name.as_str())),
        })
        .collect()
}

/// The cart as a PunchOutOrderMessage. `detail_base` prefixes the
/// detailPageURL of each item.
pub fn order_message(
    payload_id: String,
    group: &Group,
    session: &Session,
    market: &Marketplace,
    detail_base: &str,
) -> Cxml<PunchOutOrderMessage> {
    let quote = session
        .cart
        .quote(market, &market.destination(None, group.tax_exempt));
    let currency = &market.pricing.currency.code;
    let detail_base = market.detail_page_base(detail_base);
    let items = session
        .cart
        .lines
        .iter()
        .filter_map(|line| {
            let p = market.catalog.get(&line.asin)?;
            Some(ItemIn {
                quantity: line.quantity.to_string(),
                line_number: None,
                item_id: ItemId {
                    supplier_part_id: p.asin.as_str().into(),
                    supplier_part_auxiliary_id: Some(session.aux_id(line.line).into()),
                    buyer_part_id: None,
                },
                item_detail: item_detail(market, p, &detail_base),
                shipping: None,
                tax: line_tax(market, &quote, line.line),
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
                total: MoneyHolder::of(currency, quote.subtotal),
                shipping: Some(shipping(market, &quote, Words::Cart)),
                tax: Some(tax(market, &quote, Words::Cart)),
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
    in_store(market, doc)
}

/// A cart line's product as the store's cart describes it.
fn item_detail(market: &Marketplace, p: &Product, detail_base: &str) -> ItemDetail {
    ItemDetail {
        unit_price: MoneyHolder::of(&market.pricing.currency.code, p.price),
        description: smallvec![Description::new(&market.language, p.title.clone())],
        unit_of_measure: "EA".into(),
        classification: smallvec![Classification {
            domain: "UNSPSC".into(),
            code: p.unspsc.as_str().into(),
        }],
        manufacturer_part_id: Some(p.part_number.as_str().into()),
        manufacturer_name: Some(p.manufacturer.as_str().into()),
        extrinsics: vec![
            Extrinsic::new("soldBy", market.sold_by()),
            Extrinsic::new("fulfilledBy", "Amazon"),
            Extrinsic::new("category", p.category.clone()),
            Extrinsic::new("subCategory", p.sub_category.clone()),
            Extrinsic::new("itemCondition", "New"),
            Extrinsic::new("qualifiedOffer", "true"),
            Extrinsic::new("detailPageURL", format!("{detail_base}/dp/{}", p.asin)),
            Extrinsic::new("preference", "default"),
        ],
    }
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

fn comment(lang: &str, kind: &str, text: impl Into<String>) -> Comments {
    Comments {
        lang: Some(lang.into()),
        kind: Some(kind.into()),
        text: text.into(),
    }
}

/// One PO line's confirmation: each planned part's status, price, tax (with
/// its first part that is not rejected) and delivery date.
fn confirmation_item(
    (market, order): (&Marketplace, &Order),
    q: &Quote,
    l: &PlannedLine,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> ConfirmationItem {
    let currency = &market.pricing.currency.code;
    let lang = market.language.as_str();
    let uom = order.unit_of_measure(l.line_number);
    // The line's tax goes with its first part that is not rejected.
    let mut line_tax = line_tax(market, q, l.line_number);
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
                    .then(|| MoneyHolder::of(currency, l.unit_price)),
                tax: (p.status != PartStatus::Reject)
                    .then(|| line_tax.take())
                    .flatten(),
                comments: match p.status {
                    PartStatus::Reject => vec![comment(
                        lang,
                        "reason",
                        p.reason
                            .as_ref()
                            .map_or_else(|| note!("reason-cancelled"), Clone::clone)
                            .render(Lang::of_store(lang)),
                    )],
                    _ => vec![comment(lang, "confirmID", order.confirm_id.clone())],
                },
            })
            .collect(),
    }
}

/// The order confirmation, written from the fulfilment plan: the header
/// type, one ConfirmationItem per PO line with a ConfirmationStatus per part
/// (accepted parts as `detail`, shown as ORDERED; `backordered` with a
/// delivery date; `reject` with the reason in Comments), the confirmed unit
/// price, and the header Total, Shipping (with the discount) and Tax.
pub fn confirmation(
    payload_id: String,
    (group, market): (&Group, &Marketplace),
    order: &Order,
    plan: &Fulfilment,
) -> Cxml<ConfirmationRequest> {
    let q = &plan.quote;
    let now = time::now();
    let currency = &market.pricing.currency.code;
    let lang = market.language.as_str();
    let items = plan
        .lines
        .iter()
        .map(|l| confirmation_item((market, order), q, l, now))
        .collect();
    fulfilment_document(
        payload_id,
        (group, market),
        order,
        ConfirmationRequest {
            header: ConfirmationHeader {
                confirm_id: Some(order.confirm_id.to_string()),
                operation: "new".into(),
                kind: plan.header_type.to_string(),
                notice_date: time::format(&now),
                total: Some(MoneyHolder::of(currency, q.total)),
                shipping: Some(shipping(market, q, Words::Order)),
                tax: Some(tax(market, q, Words::Order)),
                comments: plan
                    .header_reason
                    .iter()
                    .map(|r| comment(lang, "reason", r.render(Lang::of_store(lang))))
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
    (group, market): (&Group, &Marketplace),
    order: &Order,
    shipment: &PlannedShipment,
) -> Cxml<ShipNoticeRequest> {
    let now = time::now();
    let delivery = now + chrono::Duration::days(2);
    fulfilment_document(
        payload_id,
        (group, market),
        order,
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
    (group, market): (&Group, &Marketplace),
    order: &Order,
    plan: &Fulfilment,
) -> Cxml<InvoiceDetailRequest> {
    let q = &plan.quote;
    let currency = &market.pricing.currency.code;
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
                unit_price: MoneyHolder::of(currency, l.unit_price),
                reference: InvoiceDetailItemReference {
                    line_number: l.line_number.to_string(),
                    item_id: po.map(|o| ItemId {
                        supplier_part_id: o.asin.as_str().into(),
                        supplier_part_auxiliary_id: o.aux_id.as_deref().map(Into::into),
                        buyer_part_id: None,
                    }),
                    description: po
                        .map(|o| Description::new(&market.language, o.description.clone())),
                },
                subtotal: Some(MoneyHolder::of(currency, l.unit_price * shipped)),
            })
        })
        .collect();
    fulfilment_document(
        payload_id,
        (group, market),
        order,
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
                subtotal: MoneyHolder::of(currency, q.subtotal),
                tax: tax(market, q, Words::Order),
                shipping: Some(MoneyHolder::of(currency, q.shipping)),
                discount: (!q.discount.is_zero()).then(|| MoneyHolder::of(currency, q.discount)),
                net: MoneyHolder::of(currency, q.total),
                due: Some(MoneyHolder::of(currency, q.total)),
            },
        },
    )
}

/// Rounds a quantity the way documents print it.
/// A document Amazon sends about `order` (a confirmation, a ship notice, an
/// invoice): the group's credentials in the Sender, the order's deployment
/// mode, the store's locale.
fn fulfilment_document<P>(
    payload_id: String,
    (group, market): (&Group, &Marketplace),
    order: &Order,
    payload: P,
) -> Cxml<P> {
    in_store(
        market,
        write::request(
            payload_id,
            amazon_header(group, true),
            &order.deployment_mode,
            payload,
        ),
    )
}

/// A document of the group's store: its locale on the root (`de-DE`; Japan's
/// descriptions say `ja`, its root `ja-JP` as before).
fn in_store<P>(market: &Marketplace, mut doc: Cxml<P>) -> Cxml<P> {
    doc.lang = Some(if market.language.contains('-') {
        market.language.as_str().into()
    } else {
        compact_str::format_compact!("{}-{}", market.language, market.country)
    });
    doc
}

pub fn quantity_text(q: Decimal) -> String {
    q.normalize().to_string()
}

#[cfg(test)]
mod tests;
