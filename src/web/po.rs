//! `POST /po/<token>`: purchase-order intake. An accepted PO, its documents
//! and its queued confirmation are committed in one transaction before the
//! `200 OK` leaves. Injected faults (see [`crate::domain::fault`]) are
//! applied here and recorded.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{cxml_error, cxml_internal, cxml_reply};
use crate::AppState;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Status, read, time, write};
use crate::domain::delivery::DeliveryKind;
use crate::domain::documents::{self, TEST_CARRIER, TEST_SHIPMENT_IDENTIFIER};
use crate::domain::fault::FaultKind;
use crate::domain::order::{DocKind, Document, Order, price_order, validate_order};
use crate::domain::{Group, Mode, ids};
use crate::store::{FaultRecord, InsertError, NewDelivery};

/// The scenario every order belongs to in this version.
pub const BASIC_SCENARIO: &str = "basic";

pub async fn intake(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let received_at = time::now();
    let Some(group) = state.store.group_by_token(&token) else {
        return cxml_error(
            &state,
            Status::new(
                404,
                "Not Found",
                "no group has this PO Request URL; copy the PO Request URL (c) from the purchasing system settings",
            ),
        );
    };
    match state.store.take_fault(group.id).await {
        Ok(Some(kind)) => {
            if let Some(answer) = inject(&state, &group, kind, &body).await {
                return answer;
            }
        }
        Ok(None) => {}
        Err(e) => return cxml_internal(&state, &e),
    }
    let inbound = match read::<OrderRequest>(&body) {
        Ok(d) => d,
        Err(e) => return cxml_error(&state, e.status()),
    };
    let valid = match validate_order(&inbound.doc, &group, inbound.deviations.clone()) {
        Ok(v) => v,
        Err(status) => return cxml_error(&state, status),
    };
    let mut session_id = None;
    for (cart, _) in valid
        .lines
        .iter()
        .filter_map(|l| ids::parse_aux_id(l.aux_id.as_deref()?))
    {
        match state.store.session_for_cart(cart).await {
            Ok(Some(s)) => {
                session_id = Some(s);
                break;
            }
            Ok(None) => {}
            Err(e) => return cxml_internal(&state, &e),
        }
    }
    let response = write::document(&documents::status_response(
        state.payload_ids.next(),
        Status::ok(),
    ));
    let quote = price_order(&valid.lines, &state.catalog.pricing);
    let (carrier, shipment_identifier, delivery_number) = match group.mode {
        Mode::Test => (
            TEST_CARRIER.to_owned(),
            TEST_SHIPMENT_IDENTIFIER.to_owned(),
            ids::test_delivery_number(),
        ),
        Mode::Active => (
            "ヤマト運輸".to_owned(),
            ids::tracking_number(),
            ids::tracking_number(),
        ),
    };
    let order = Order {
        no: 0,
        group_id: group.id,
        order_id: valid.order_id,
        order_date: valid.order_date,
        payload_id: valid.payload_id,
        scenario: BASIC_SCENARIO.into(),
        session_id,
        received_at,
        lines: valid.lines,
        po_total: valid.po_total,
        quote,
        confirm_id: ids::amazon_order_number(),
        delivery_number,
        shipment_identifier,
        carrier,
        deployment_mode: group.mode.deployment_mode().into(),
        mark: None,
        deviations: valid.deviations,
    };
    let documents = vec![
        Document {
            kind: DocKind::OrderRequest,
            at: received_at,
            body: body.to_vec(),
        },
        Document::new(DocKind::OrderResponse, response.clone()),
    ];
    let first = NewDelivery {
        kind: DeliveryKind::Confirmation,
        due_at_ms: state.clock.after(state.settings.confirmation_delay),
        target: None,
    };
    match state.store.insert_order(order, documents, first).await {
        Ok(order) => {
            tracing::info!(group = group.id, order = %order.order_id, no = order.no, "purchase order accepted");
            state.outbox.wake();
            cxml_reply(200, response)
        }
        Err(InsertError::Conflict(c)) => {
            cxml_error(&state, Status::new(409, "Conflict", c.to_string()))
        }
        Err(InsertError::Store(e)) => cxml_internal(&state, &e),
    }
}

/// Applies an injected fault: records it, and returns the faulty answer, or
/// None when the PO goes on to be accepted (a delay).
async fn inject(state: &AppState, group: &Group, kind: FaultKind, body: &[u8]) -> Option<Response> {
    let parsed = read::<OrderRequest>(body).ok();
    let payload_id = parsed.as_ref().map(|p| p.doc.payload_id.clone());
    let order_id = parsed
        .as_ref()
        .and_then(|p| p.doc.payload())
        .map(|o| o.header.order_id.clone());
    let plan = &group.faults;
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
    };
    if let Err(e) = state.store.record_fault(record).await {
        return Some(cxml_internal(state, &e));
    }
    tracing::info!(
        group = group.id,
        fault = kind.as_str(),
        "injected a fault into a PO answer"
    );
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
