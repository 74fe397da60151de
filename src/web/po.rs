//! `POST /po/<token>`: purchase-order intake. The handler reads the PO,
//! finds its punchout and scenario, applies injected faults (see
//! [`crate::domain::fault`]) and leaves the decision to
//! [`crate::domain::intake::decide`]. An accepted PO, its documents and its
//! queued confirmation are committed in one transaction before the `200 OK`
//! leaves.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{cxml_error, cxml_internal, cxml_reply, cxml_reply_as, journal};
use crate::AppState;
use crate::cxml::Cxml;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Status, Text, read, time, write};
use crate::domain::delivery::DeliveryKind;
use crate::domain::fault::{FaultKind, FaultPlan};
use crate::domain::intake::{self, Accepted};
use crate::domain::order::{DocKind, Document, Rejection};
use crate::domain::session::Session;
use crate::domain::{Group, ids};
use crate::store::{FaultRecord, InsertError, NewDelivery, StoreError};

pub async fn intake(
    State(state): State<AppState>,
    Path(token): Path<String>,
    journal::Received(body): journal::Received,
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

/// Takes in a PO of a known group. The rare paths (a refusal, an injected
/// fault) are boxed where they are awaited: a future is as large as its
/// largest state, and the accepted PO's, which every layer above moves,
/// would otherwise carry theirs (14 KB instead of 9).
async fn accept(
    state: &AppState,
    group: Arc<Group>,
    received_at: chrono::DateTime<chrono::FixedOffset>,
    body: Bytes,
) -> Response {
    match state.store.take_fault(&group).await {
        Ok(Some(kind)) => {
            if let Some(answer) = Box::pin(inject(state, &group, kind, &group.faults, &body)).await
            {
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
            return Box::pin(po.refuse(
                None,
                None,
                group.selected_scenario.as_str().into(),
                (&e).into(),
            ))
            .await;
        }
    };
    let doc = &inbound.doc;
    let request = doc.payload().expect("read() guarantees the payload");
    let session = match punchout_of(state, request).await {
        Ok(session) => session,
        Err(e) => return cxml_internal(state, &e),
    };
    let fallback = session
        .as_ref()
        .map_or(group.selected_scenario.as_str(), |s| s.scenario.as_str());
    let (scenario_id, scenario_note) = state.choose_scenario(
        crate::cxml::extrinsic(&request.header.extrinsics, "absim.scenario"),
        fallback,
    );
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
                if let Some(answer) = Box::pin(inject(state, &group, kind, plan, &body)).await {
                    return answer;
                }
            }
            Ok(None) => {}
            Err(e) => return cxml_internal(state, &e),
        }
    }

    let mut deviations = inbound.deviations;
    deviations.extend(scenario_note);
    let arrival = intake::Arrival {
        group: &group,
        scenario,
        session: session.as_deref(),
        catalog: &state.catalog,
        received_at,
        run_id: group.run_at(state.clock.now_ms()),
    };
    let Accepted { order, mails } = match intake::decide(doc, deviations, &arrival) {
        Ok(accepted) => accepted,
        Err(rejection) => {
            let session = session.as_deref();
            return Box::pin(po.refuse(Some(doc), session, scenario_id, rejection)).await;
        }
    };
    let response = Bytes::from(write::status_document(
        &state.payload_ids.next(),
        &Status::ok(),
    ));
    let exchange = po.exchange(&response);
    let first = NewDelivery {
        kind: DeliveryKind::Confirmation,
        step: 0,
        due_at_ms: state.clock.after(state.settings.confirmation_delay),
        target: None,
    };
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
            let session = session.as_deref();
            Box::pin(po.refuse(Some(doc), session, scenario_id, (&c).into())).await
        }
        Err(InsertError::Store(e)) => cxml_internal(state, &e),
    }
}

/// The punchout session a PO's lines point at, through their
/// SupplierPartAuxiliaryIDs (the first line that names a known cart).
async fn punchout_of(
    state: &AppState,
    request: &OrderRequest,
) -> Result<Option<Arc<Session>>, StoreError> {
    let carts = request
        .items
        .iter()
        .filter_map(|i| ids::parse_aux_id(i.item_id.supplier_part_auxiliary_id.as_deref()?));
    for (cart, _) in carts {
        if let Some(found) = state.store.session_for_cart(cart).await? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// One PO being taken in: what its stored exchange and its refusal need.
struct Intake<'a> {
    state: &'a AppState,
    group: &'a Group,
    received_at: chrono::DateTime<chrono::FixedOffset>,
    body: &'a Bytes,
}

impl Intake<'_> {
    /// The PO as received and absim's answer, the two documents stored
    /// with its order.
    fn exchange(&self, answer: &Bytes) -> [Document; 2] {
        [
            Document {
                kind: DocKind::OrderRequest,
                at: self.received_at,
                body: self.body.clone(),
            },
            Document::new(DocKind::OrderResponse, answer.clone()),
        ]
    }

    /// Answers a refused PO with its Status and records it in the test log
    /// with what could be read of it.
    async fn refuse(
        &self,
        doc: Option<&Cxml<OrderRequest>>,
        session: Option<&Session>,
        scenario: Text,
        rejection: Rejection,
    ) -> Response {
        let state = self.state;
        let status = &rejection.status;
        tracing::info!(code = status.code, text = %status.text, reason = %status.message, "refused a PO");
        state.metrics.po("refused", status.code.to_string());
        let answer = Bytes::from(write::status_document(&state.payload_ids.next(), status));
        let order = intake::refused(
            doc,
            self.group,
            scenario,
            session.map(|s| s.id.clone()),
            self.received_at,
            self.group.run_at(state.clock.now_ms()),
            &rejection,
        );
        let exchange = self.exchange(&answer);
        let form = state
            .scenarios
            .get(&order.scenario)
            .and_then(|s| s.cxml_errors)
            .unwrap_or(self.group.cxml_errors);
        match state.store.insert_refused(order, exchange).await {
            Ok((_, bodies)) => {
                journal::stored_reply(cxml_reply_as(form, status.code, answer), bodies)
            }
            Err(e) => cxml_internal(state, &e),
        }
    }
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
    let payload_id = parsed.as_ref().map(|p| p.doc.payload_id.to_string());
    let order_id = parsed
        .as_ref()
        .and_then(|p| p.doc.payload())
        .map(|o| o.header.order_id.to_string());
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
            let doc = write::status_document(
                &state.payload_ids.next(),
                &Status::new(500, "Internal Server Error", "absim injected this fault; send the PO again"),
            );
            Some(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                    doc,
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
            let doc = write::status_document(&state.payload_ids.next(), &Status::ok());
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
