//! What a purchase order gets: one decision over a PO that was read, given
//! its group, its scenario and the punchout it came from. The decision is
//! either a refusal (the Status the buyer receives) or the accepted order
//! with its price, fulfilment plan and e-mails, ready to be stored. The
//! duplicate checks are the store's (they need memory of earlier orders);
//! injected faults are the web layer's (they shape the HTTP answer).

use chrono::{DateTime, FixedOffset};

use super::account::{Group, Mode};
use super::documents::TEST_SHIPMENT_IDENTIFIER;
use super::fulfilment::{self, Fulfilment};
use super::ids;
use super::mail::{self, Mails};
use super::marketplace::Marketplace;
use super::order::{Order, OrderLine, Rejection, ValidOrder, price_order, validate_order};
use super::pricing::Charging;
use super::scenario::Scenario;
use super::session::Session;
use super::ship_to::read_ship_to;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Cxml, Deviation, Text};
use crate::note;

/// Everything about a PO's arrival that is not in the PO itself.
pub struct Arrival<'a> {
    pub group: &'a Group,
    /// The scenario the PO runs (its session's, its Extrinsic's or the
    /// group's selected one).
    pub scenario: &'a Scenario,
    /// The punchout its lines' SupplierPartAuxiliaryIDs point at.
    pub session: Option<&'a Session>,
    /// The group's store: its catalogue, prices, taxes and words.
    pub market: &'a Marketplace,
    pub received_at: DateTime<FixedOffset>,
    /// The CI run open for the group when the PO arrived.
    pub run_id: Option<String>,
}

/// An accepted PO: the order to record and the e-mails it sends.
#[derive(Debug)]
pub struct Accepted {
    pub order: Order,
    pub mails: Mails,
}

/// Decides what a PO gets. `deviations` are those noted while reading it.
pub fn decide(
    doc: &Cxml<OrderRequest>,
    deviations: Vec<Deviation>,
    at: &Arrival,
) -> Result<Accepted, Rejection> {
    let group = at.group;
    let mut valid = validate_order(doc, group, deviations)?;
    if let Some(refusal) = &at.scenario.refuse_po {
        return Err(refusal.into());
    }
    let charging = charging_for(doc, at, &mut valid)?;
    let quote = price_order(&valid.lines, &charging);
    let cart_age_days = at
        .session
        .and_then(|s| s.returns.last())
        .map(|r| (at.received_at - r.sent_at).num_days().max(0) as u32);
    // The scenario's shipping estimate replaces the store's in the plan,
    // not in the PO's own price.
    let charging = Charging {
        shipping_fee: at
            .scenario
            .shipping
            .as_deref()
            .and_then(|name| at.market.scenario_amount(name)),
        ..charging
    };
    let mut plan = fulfilment::plan(
        &valid.lines,
        at.scenario,
        &group.tolerances,
        &charging,
        cart_age_days,
    );
    let carrier = number_shipments(&mut plan, group.mode, at.market);
    let first = plan.shipments.first();
    let order = Order {
        no: 0,
        group_id: group.id,
        order_id: valid.order_id,
        order_date: valid.order_date,
        payload_id: valid.payload_id,
        scenario: at.scenario.id.as_str().into(),
        session_id: at.session.map(|s| s.id.clone()),
        received_at: at.received_at,
        lines: valid.lines,
        po_total: valid.po_total,
        quote,
        confirm_id: ids::amazon_order_number(),
        delivery_number: first.map(|s| s.shipment_id.clone()).unwrap_or_default(),
        shipment_identifier: first.map(|s| s.tracking.clone()).unwrap_or_default(),
        carrier: carrier.into(),
        deployment_mode: group.mode.deployment_mode().into(),
        mark: None,
        deviations: valid.deviations,
        fulfilment: None,
        refusal: None,
        run_id: at.run_id.clone(),
    };
    let mails = mail::order_mails(
        (group, at.market),
        &order,
        &plan,
        at.session.and_then(|s| s.setup.email.as_deref()),
        |asin| at.market.catalog.get(asin).map(|p| p.title.as_str()),
    );
    Ok(Accepted {
        order: Order {
            fulfilment: Some(plan),
            ..order
        },
        mails,
    })
}

/// Numbers the plan's shipments as the group's mode does (test mode's
/// delivery numbers and Amazon's test tracking number, or carrier tracking
/// numbers) and names the carrier that ships them.
fn number_shipments<'m>(plan: &mut Fulfilment, mode: Mode, market: &'m Marketplace) -> &'m str {
    for s in &mut plan.shipments {
        (s.shipment_id, s.tracking) = match mode {
            Mode::Test => (ids::test_delivery_number(), TEST_SHIPMENT_IDENTIFIER.into()),
            Mode::Active => (ids::tracking_number(), ids::tracking_number()),
        };
    }
    match mode {
        Mode::Test => &market.texts.test_carrier,
        Mode::Active => &market.texts.active_carrier,
    }
}

/// How the store charges the PO: where its ShipTo says it goes (refused
/// with 001-005 where the store needs a region it lacks), each line's tax
/// class from the catalogue, and the group's exemption.
fn charging_for<'a>(
    doc: &Cxml<OrderRequest>,
    at: &Arrival<'a>,
    valid: &mut ValidOrder,
) -> Result<Charging<'a>, Rejection> {
    let ship_to = doc
        .payload()
        .and_then(|po| po.header.ship_to.as_ref())
        .map(|s| &s.address);
    let region = read_ship_to(ship_to, at.market, &mut valid.deviations)?.region;
    for line in &mut valid.lines {
        line.tax_class = at
            .market
            .catalog
            .get(&line.asin)
            .map_or("standard", |p| p.tax_class.as_str())
            .into();
    }
    Ok(Charging {
        pricing: &at.market.pricing,
        to: at
            .market
            .destination(region.as_deref(), at.group.tax_exempt),
        shipping_fee: None,
    })
}

/// The test log's record of a refused PO, with what could be read of it
/// (`doc` is None when the body was not a readable OrderRequest).
pub fn refused(
    doc: Option<&Cxml<OrderRequest>>,
    group: &Group,
    scenario: Text,
    session_id: Option<String>,
    received_at: DateTime<FixedOffset>,
    run_id: Option<String>,
    rejection: &Rejection,
) -> Order {
    let header = doc.and_then(|d| d.payload()).map(|p| &p.header);
    Order {
        no: 0,
        group_id: group.id,
        order_id: header.map(|h| h.order_id.trim().into()).unwrap_or_default(),
        order_date: header.map(|h| h.order_date.to_string()).unwrap_or_default(),
        payload_id: doc.map(|d| d.payload_id.to_string()).unwrap_or_default(),
        scenario,
        session_id,
        received_at,
        lines: doc.map(readable_lines).unwrap_or_default(),
        po_total: header
            .and_then(|h| h.total.as_ref())
            .and_then(|t| t.money.amount()),
        quote: Default::default(),
        confirm_id: Text::default(),
        delivery_number: Text::default(),
        shipment_identifier: Text::default(),
        carrier: Text::default(),
        deployment_mode: group.mode.deployment_mode().into(),
        mark: None,
        deviations: Vec::new(),
        fulfilment: None,
        refusal: Some(rejection.refusal()),
        run_id,
    }
}

/// The lines of a refused PO, as far as they can be read.
fn readable_lines(doc: &Cxml<OrderRequest>) -> Vec<OrderLine> {
    let Some(po) = doc.payload() else {
        return Vec::new();
    };
    po.items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let detail = item.item_detail.as_ref();
            OrderLine {
                line_number: item
                    .line_number
                    .as_deref()
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(i as u32 + 1),
                asin: item.item_id.supplier_part_id.trim().into(),
                aux_id: item.item_id.supplier_part_auxiliary_id.clone(),
                description: detail.map(|d| d.description_text()).unwrap_or_default(),
                unit_price: detail
                    .and_then(|d| d.unit_price.money.amount())
                    .unwrap_or_default(),
                currency: detail
                    .map(|d| d.unit_price.money.currency.clone())
                    .unwrap_or_default(),
                quantity: item.quantity.trim().parse().unwrap_or_default(),
                unit_of_measure: detail
                    .map(|d| d.unit_of_measure.clone())
                    .unwrap_or_default(),
                tax_class: "standard".into(),
            }
        })
        .collect()
}

/// An id the store already holds for the group: a PO that repeats one is
/// refused (the database's unique indexes find it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Duplicate {
    #[error("payloadID '{0}' was already received; every document needs a unique payloadID")]
    PayloadId(String),
    #[error("orderID '{0}' was already received for this group (発注番号の重複)")]
    OrderId(String),
}

/// The refusal of a duplicate: 409, with its note for the log.
pub fn duplicate(d: &Duplicate) -> Rejection {
    Rejection {
        note: Some(Box::new(match d {
            Duplicate::PayloadId(id) => note!("refusal-duplicate-payload-id", id = id),
            Duplicate::OrderId(id) => note!("refusal-duplicate-order-id", id = id),
        })),
        status: crate::cxml::Status::new(409, "Conflict", d.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cxml::read::read;
    use crate::domain::scenario::{BASIC, Scenarios};

    /// The bench's two-line PO (ASIN B087JWRCP5 at 16,182 yen) for a group
    /// whose credentials it carries.
    fn po_and_group() -> (Cxml<OrderRequest>, Group) {
        let body = crate::fixtures::order_request(7, 2);
        let doc = read::<OrderRequest>(body.as_bytes()).unwrap().doc;
        let mut group = Group::generate(1, "購買部");
        group.identity = crate::fixtures::IDENTITY.into();
        group.shared_secret = crate::fixtures::SECRET.into();
        group.mail.to_admin = true;
        group.mail.admin_email = Some("admin@example.co.jp".into());
        (doc, group)
    }

    fn arrival<'a>(
        group: &'a Group,
        scenario: &'a Scenario,
        market: &'a Marketplace,
    ) -> Arrival<'a> {
        Arrival {
            group,
            scenario,
            session: None,
            market,
            received_at: crate::cxml::time::now(),
            run_id: Some("run-1".into()),
        }
    }

    #[test]
    fn an_accepted_po_is_priced_planned_and_mailed() {
        let (doc, group) = po_and_group();
        let (scenarios, markets) = (Scenarios::embedded().unwrap(), crate::fixtures::markets());
        let at = arrival(&group, scenarios.get(BASIC).unwrap(), markets.japan());
        let Accepted { order, mails } = decide(&doc, Vec::new(), &at).unwrap();
        assert_eq!(order.lines.len(), 2);
        assert_eq!(order.quote.subtotal, "32364".parse().unwrap());
        assert_eq!(
            order.quote.tax,
            "3236".parse().unwrap(),
            "10% consumption tax"
        );
        assert_eq!(order.carrier, markets.japan().texts.test_carrier);
        let plan = order.fulfilment.as_ref().unwrap();
        assert!(!plan.shipments.is_empty());
        assert_eq!(order.delivery_number, plan.shipments[0].shipment_id);
        assert_eq!(order.shipment_identifier, TEST_SHIPMENT_IDENTIFIER);
        assert_eq!(order.scenario, BASIC);
        assert_eq!(order.run_id.as_deref(), Some("run-1"));
        assert!(order.refusal.is_none());
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].recipient, "admin@example.co.jp");
    }

    #[test]
    fn a_scenario_that_refuses_pos_refuses_a_valid_one() {
        let (doc, group) = po_and_group();
        let (scenarios, markets) = (Scenarios::embedded().unwrap(), crate::fixtures::markets());
        let scenario = scenarios.get("advanced-http-200-refusal").unwrap();
        let rejection = decide(
            &doc,
            Vec::new(),
            &arrival(&group, scenario, markets.japan()),
        )
        .unwrap_err();
        assert_eq!(rejection.status.code, 400);
        assert!(rejection.note.is_some());
    }

    #[test]
    fn a_wrong_password_is_refused_and_recorded_with_its_lines() {
        let (doc, mut group) = po_and_group();
        group.shared_secret = "anotherSecret99".into();
        let (scenarios, markets) = (Scenarios::embedded().unwrap(), crate::fixtures::markets());
        let at = arrival(&group, scenarios.get(BASIC).unwrap(), markets.japan());
        let rejection = decide(&doc, Vec::new(), &at).unwrap_err();
        assert!(
            rejection.status.message.contains("SharedSecret"),
            "{}",
            rejection.status.message
        );
        let order = refused(
            Some(&doc),
            &group,
            BASIC.into(),
            None,
            at.received_at,
            None,
            &rejection,
        );
        assert_eq!(order.lines.len(), 2);
        assert_eq!(order.lines[1].line_number, 2);
        assert_eq!(order.payload_id, doc.payload_id);
        assert_eq!(
            order.refusal.as_ref().map(|r| r.code),
            Some(rejection.status.code)
        );
        assert!(order.fulfilment.is_none());
    }
}
