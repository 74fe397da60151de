//! `POST /po/<token>`: purchase-order intake. An accepted PO is recorded
//! before the `200 OK` leaves; the confirmation is queued.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{cxml_error, cxml_reply};
use crate::AppState;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Status, read, time, write};
use crate::domain::documents::{self, TEST_CARRIER, TEST_SHIPMENT_IDENTIFIER};
use crate::domain::order::{DocKind, Document, Order, price_order, validate_order};
use crate::domain::{Mode, ids};
use crate::outbound::JobKind;

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
    let inbound = match read::<OrderRequest>(&body) {
        Ok(d) => d,
        Err(e) => return cxml_error(&state, e.status()),
    };
    let valid = match validate_order(&inbound.doc, &group, inbound.deviations.clone()) {
        Ok(v) => v,
        Err(status) => return cxml_error(&state, status),
    };
    let session_id = valid
        .lines
        .iter()
        .filter_map(|l| ids::parse_aux_id(l.aux_id.as_deref()?))
        .find_map(|(cart, _)| state.store.session_for_cart(cart));
    let response = write::document(&documents::status_response(
        state.payload_ids.next(),
        Status::ok(),
    ));
    let quote = price_order(&valid.lines, &state.catalog.pricing);
    let (carrier, shipment_identifier) = match group.mode {
        Mode::Test => (TEST_CARRIER.to_owned(), TEST_SHIPMENT_IDENTIFIER.to_owned()),
        Mode::Active => ("ヤマト運輸".to_owned(), ids::tracking_number()),
    };
    let recorded = state.store.insert_order(group.id, &valid, |no| Order {
        no,
        group_id: group.id,
        order_id: valid.order_id.clone(),
        order_date: valid.order_date.clone(),
        payload_id: valid.payload_id.clone(),
        scenario: BASIC_SCENARIO.into(),
        session_id,
        received_at,
        lines: valid.lines.clone(),
        po_total: valid.po_total,
        quote,
        confirm_id: ids::amazon_order_number(),
        delivery_number: match group.mode {
            Mode::Test => ids::test_delivery_number(),
            Mode::Active => ids::tracking_number(),
        },
        shipment_identifier,
        carrier,
        deployment_mode: group.mode.deployment_mode().into(),
        confirmation: None,
        ship_notice: None,
        mark: None,
        deviations: valid.deviations.clone(),
        documents: vec![
            Document {
                kind: DocKind::OrderRequest,
                at: received_at,
                body: String::from_utf8_lossy(&body).into_owned(),
            },
            Document {
                kind: DocKind::OrderResponse,
                at: time::now(),
                body: response.clone(),
            },
        ],
    });
    match recorded {
        Ok(order) => {
            tracing::info!(group = group.id, order = %order.order_id, no = order.no, "purchase order accepted");
            state.outbox.schedule(
                order.no,
                JobKind::Confirmation,
                state.settings.confirmation_delay,
            );
            cxml_reply(200, response)
        }
        Err(conflict) => cxml_error(&state, Status::new(409, "Conflict", conflict.to_string())),
    }
}
