//! `POST /po/<token>`: purchase-order intake. An accepted PO, its documents
//! and its queued confirmation are committed in one transaction before the
//! `200 OK` leaves. Injected faults (see [`crate::domain::fault`]) are
//! applied here and recorded.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{cxml_error, cxml_internal, cxml_reply, cxml_reply_as, journal};
use crate::AppState;
use crate::cxml::Cxml;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Status, read, time, write};
use crate::domain::delivery::DeliveryKind;
use crate::domain::documents::{self, ACTIVE_CARRIER, TEST_CARRIER, TEST_SHIPMENT_IDENTIFIER};
use crate::domain::fault::{FaultKind, FaultPlan};
use crate::domain::order::{
    DocKind, Document, Order, OrderLine, Rejection, price_order, validate_order,
};
use crate::domain::{Group, Mode, fulfilment, ids, mail};
use crate::store::{FaultRecord, InsertError, NewDelivery};

pub async fn intake(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let received_at = time::now();
    let group = match state.store.group_by_token(&token).await {
        Ok(Some(group)) => group,
        Ok(None) => return unknown_token(&state, &token).await,
        Err(e) => return cxml_internal(&state, &e),
    };
    let group_id = group.id;
    journal::of_group(accept(&state, group, received_at, body).await, group_id)
}

/// 404 for a PO Request URL no group has, naming a near miss: a token that
/// starts like a group's (a cut copy).
async fn unknown_token(state: &AppState, token: &str) -> Response {
    let groups = match state.store.groups().await {
        Ok(groups) => groups,
        Err(e) => return cxml_internal(state, &e),
    };
    let near = groups
        .into_iter()
        .filter(|g| {
            let common = g
                .po_token
                .chars()
                .zip(token.chars())
                .take_while(|(a, b)| a == b)
                .count();
            common >= 8
        })
        .map(|g| {
            format!(
                " (it starts like group {}'s, {}: check that it was copied whole)",
                g.id, g.name
            )
        })
        .next()
        .unwrap_or_default();
    cxml_error(
        state,
        Status::new(
            404,
            "Not Found",
            format!(
                "no group has this PO Request URL{near}; copy the PO Request URL (c) from the purchasing system settings"
            ),
        ),
    )
}

async fn accept(
    state: &AppState,
    group: Group,
    received_at: chrono::DateTime<chrono::FixedOffset>,
    body: Bytes,
) -> Response {
    match state.store.take_fault(&group).await {
        Ok(Some(kind)) => {
            if let Some(answer) = inject(state, &group, kind, &group.faults, &body).await {
                return answer;
            }
        }
        Ok(None) => {}
        Err(e) => return cxml_internal(state, &e),
    }
    let po = Intake {
        state,
        group: &group,
        received_at,
        body: &body,
    };
    let inbound = match read::<OrderRequest>(&body) {
        Ok(d) => d,
        Err(e) => {
            return po
                .refuse(None, None, group.selected_scenario.clone(), (&e).into())
                .await;
        }
    };
    let doc = &inbound.doc;
    let request = doc.payload().expect("read() guarantees the payload");

    // The punchout session, through the lines' SupplierPartAuxiliaryIDs.
    let mut session = None;
    for (cart, _) in request
        .items
        .iter()
        .filter_map(|i| ids::parse_aux_id(i.item_id.supplier_part_auxiliary_id.as_deref()?))
    {
        match state.store.session_for_cart(cart).await {
            Ok(Some(found)) => {
                session = Some(found);
                break;
            }
            Ok(None) => {}
            Err(e) => return cxml_internal(state, &e),
        }
    }
    let fallback = session
        .as_ref()
        .map(|s| s.scenario.clone())
        .unwrap_or_else(|| group.selected_scenario.clone());
    let (scenario_id, scenario_note) = state.choose_scenario(
        crate::cxml::extrinsic(&request.header.extrinsics, "absim.scenario"),
        &fallback,
    );
    let session_id = session.as_ref().map(|s| s.id.clone());
    let scenario = state
        .scenarios
        .get(&scenario_id)
        .expect("choose_scenario returns a known scenario");

    if let Some(plan) = &scenario.po_faults {
        match state
            .store
            .take_scenario_fault(group.id, &scenario.id, plan)
            .await
        {
            Ok(Some(kind)) => {
                if let Some(answer) = inject(state, &group, kind, plan, &body).await {
                    return answer;
                }
            }
            Ok(None) => {}
            Err(e) => return cxml_internal(state, &e),
        }
    }

    let mut deviations = inbound.deviations.clone();
    deviations.extend(scenario_note);
    let valid = match validate_order(doc, &group, deviations) {
        Ok(v) => v,
        Err(rejection) => {
            return po
                .refuse(Some(doc), session_id, scenario_id, rejection)
                .await;
        }
    };
    if let Some(r) = &scenario.refuse_po {
        return po
            .refuse(Some(doc), session_id, scenario_id, r.into())
            .await;
    }
    let response = write::document(&documents::status_response(
        state.payload_ids.next(),
        Status::ok(),
    ));
    let quote = price_order(&valid.lines, &state.catalog.pricing);
    let cart_age_days = session
        .as_ref()
        .and_then(|s| s.returns.last())
        .map(|r| (received_at - r.sent_at).num_days().max(0) as u32);
    let mut plan = fulfilment::plan(
        &valid.lines,
        scenario,
        &group.tolerances,
        &state.catalog.pricing,
        cart_age_days,
    );
    let carrier = match group.mode {
        Mode::Test => TEST_CARRIER,
        Mode::Active => ACTIVE_CARRIER,
    }
    .to_owned();
    for s in &mut plan.shipments {
        (s.shipment_id, s.tracking) = match group.mode {
            Mode::Test => (
                ids::test_delivery_number(),
                TEST_SHIPMENT_IDENTIFIER.to_owned(),
            ),
            Mode::Active => (ids::tracking_number(), ids::tracking_number()),
        };
    }
    let first = plan.shipments.first();
    let order = Order {
        no: 0,
        group_id: group.id,
        order_id: valid.order_id,
        order_date: valid.order_date,
        payload_id: valid.payload_id,
        scenario: scenario_id,
        session_id,
        received_at,
        lines: valid.lines,
        po_total: valid.po_total,
        quote,
        confirm_id: ids::amazon_order_number(),
        delivery_number: first.map(|s| s.shipment_id.clone()).unwrap_or_default(),
        shipment_identifier: first.map(|s| s.tracking.clone()).unwrap_or_default(),
        carrier,
        deployment_mode: group.mode.deployment_mode().into(),
        mark: None,
        deviations: valid.deviations,
        fulfilment: Some(plan),
        refusal: None,
        run_id: group.run_at(state.clock.now_ms()),
    };
    let exchange = [
        Document {
            kind: DocKind::OrderRequest,
            at: received_at,
            body: body.to_vec(),
        },
        Document::new(DocKind::OrderResponse, response.clone()),
    ];
    let first = NewDelivery {
        kind: DeliveryKind::Confirmation,
        step: 0,
        due_at_ms: state.clock.after(state.settings.confirmation_delay),
        target: None,
    };
    let mails = order
        .fulfilment
        .as_ref()
        .map(|plan| {
            mail::order_mails(
                &group,
                &order,
                plan,
                session.as_ref().and_then(|s| s.setup.email.as_deref()),
                |asin| {
                    state
                        .catalog
                        .get(asin)
                        .map(|p| p.title.clone())
                        .unwrap_or_else(|| asin.to_owned())
                },
            )
        })
        .unwrap_or_default();
    let (session_id, scenario_id) = (order.session_id.clone(), order.scenario.clone());
    match state
        .store
        .insert_order(order, exchange, first, mails)
        .await
    {
        Ok((order, bodies)) => {
            tracing::info!(group = group.id, order = %order.order_id, no = order.no, scenario = %order.scenario, "purchase order accepted");
            state.metrics.po("accepted", "200");
            state.outbox.wake();
            crate::mailer::send_later(state, group.id, order.no);
            journal::stored_reply(cxml_reply(200, response), bodies)
        }
        Err(InsertError::Conflict(c)) => {
            po.refuse(
                Some(doc),
                session_id,
                scenario_id,
                Rejection {
                    ja: Some(match &c {
                        crate::store::Conflict::PayloadId(id) => format!(
                            "payloadID '{id}' はすでに受け取っています。文書ごとに一意の payloadID が必要です"
                        ),
                        crate::store::Conflict::OrderId(id) => {
                            format!("発注番号 (orderID) '{id}' はこのグループですでに受け取っています")
                        }
                    }),
                    status: Status::new(409, "Conflict", c.to_string()),
                },
            )
            .await
        }
        Err(InsertError::Store(e)) => cxml_internal(state, &e),
    }
}

/// One PO being taken in, for the refusal path.
struct Intake<'a> {
    state: &'a AppState,
    group: &'a Group,
    received_at: chrono::DateTime<chrono::FixedOffset>,
    body: &'a [u8],
}

impl Intake<'_> {
    /// Answers a refused PO with its Status and records it in the test log
    /// with what could be read of it.
    async fn refuse(
        &self,
        doc: Option<&Cxml<OrderRequest>>,
        session_id: Option<String>,
        scenario: String,
        rejection: Rejection,
    ) -> Response {
        let state = self.state;
        let refusal = rejection.refusal();
        let status = rejection.status;
        tracing::info!(code = status.code, text = %status.text, reason = %status.message, "refused a PO");
        state.metrics.po("refused", &status.code.to_string());
        let code = status.code;
        let answer = write::document(&documents::status_response(
            state.payload_ids.next(),
            status.clone(),
        ));
        let header = doc.and_then(|d| d.payload()).map(|p| &p.header);
        let order = Order {
            no: 0,
            group_id: self.group.id,
            order_id: header
                .map(|h| h.order_id.trim().to_owned())
                .unwrap_or_default(),
            order_date: header.map(|h| h.order_date.clone()).unwrap_or_default(),
            payload_id: doc.map(|d| d.payload_id.clone()).unwrap_or_default(),
            scenario,
            session_id,
            received_at: self.received_at,
            lines: doc.map(readable_lines).unwrap_or_default(),
            po_total: header
                .and_then(|h| h.total.as_ref())
                .and_then(|t| t.money.amount()),
            quote: Default::default(),
            confirm_id: String::new(),
            delivery_number: String::new(),
            shipment_identifier: String::new(),
            carrier: String::new(),
            deployment_mode: self.group.mode.deployment_mode().into(),
            mark: None,
            deviations: Vec::new(),
            fulfilment: None,
            refusal: Some(refusal),
            run_id: self.group.run_at(state.clock.now_ms()),
        };
        let exchange = [
            Document {
                kind: DocKind::OrderRequest,
                at: self.received_at,
                body: self.body.to_vec(),
            },
            Document::new(DocKind::OrderResponse, answer.clone()),
        ];
        let form = state
            .scenarios
            .get(&order.scenario)
            .and_then(|s| s.cxml_errors)
            .unwrap_or(self.group.cxml_errors);
        match state.store.insert_refused(order, exchange).await {
            Ok((_, bodies)) => journal::stored_reply(cxml_reply_as(form, code, answer), bodies),
            Err(e) => cxml_internal(state, &e),
        }
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
                asin: item.item_id.supplier_part_id.trim().to_owned(),
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
            }
        })
        .collect()
}

/// Applies an injected fault: records it, and returns the faulty answer, or
/// None when the PO goes on to be accepted (a delay).
async fn inject(
    state: &AppState,
    group: &Group,
    kind: FaultKind,
    plan: &FaultPlan,
    body: &[u8],
) -> Option<Response> {
    let parsed = read::<OrderRequest>(body).ok();
    let payload_id = parsed.as_ref().map(|p| p.doc.payload_id.clone());
    let order_id = parsed
        .as_ref()
        .and_then(|p| p.doc.payload())
        .map(|o| o.header.order_id.clone());
    let detail = match kind {
        FaultKind::Http500Html => "HTTP 500 with an HTML body; the PO was not accepted".to_owned(),
        FaultKind::Http503 => "HTTP 503 with Retry-After: 5; the PO was not accepted".to_owned(),
        FaultKind::Cxml500 => "HTTP 200 with a cXML Status 500; the PO was not accepted".to_owned(),
        FaultKind::Timeout => format!(
            "no answer for {} s, then HTTP 504; the PO was not accepted",
            plan.timeout_secs
        ),
        FaultKind::Delay => format!("answered after {} ms; the PO was processed", plan.delay_ms),
        FaultKind::Malformed => {
            "HTTP 200 with a body cut off mid-document; the PO was not accepted".to_owned()
        }
    };
    let record = FaultRecord {
        group_id: group.id,
        at: time::now(),
        kind,
        payload_id,
        order_id,
        detail,
        run_id: group.run_at(state.clock.now_ms()),
    };
    if let Err(e) = state.store.record_fault(record).await {
        return Some(cxml_internal(state, &e));
    }
    tracing::info!(
        group = group.id,
        fault = kind.as_str(),
        "injected a fault into a PO answer"
    );
    state.metrics.po("fault", kind.as_str());
    match kind {
        FaultKind::Http500Html => Some(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>absim injected this fault.</p></body></html>",
            )
                .into_response(),
        ),
        FaultKind::Http503 => Some(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                    (header::RETRY_AFTER, "5"),
                ],
                "Service Unavailable (absim injected this fault)",
            )
                .into_response(),
        ),
        FaultKind::Cxml500 => {
            let doc = documents::status_response(
                state.payload_ids.next(),
                Status::new(500, "Internal Server Error", "absim injected this fault; send the PO again"),
            );
            Some(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                    write::document(&doc),
                )
                    .into_response(),
            )
        }
        FaultKind::Timeout => {
            tokio::time::sleep(Duration::from_secs(plan.timeout_secs)).await;
            Some((StatusCode::GATEWAY_TIMEOUT, "absim injected a timeout").into_response())
        }
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(plan.delay_ms)).await;
            None
        }
        FaultKind::Malformed => {
            let doc = write::document(&documents::status_response(state.payload_ids.next(), Status::ok()));
            let cut = doc.len() / 2;
            Some(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                    doc[..cut].to_owned(),
                )
                    .into_response(),
            )
        }
    }
}
