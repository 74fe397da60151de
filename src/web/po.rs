//! `POST /po/<token>`: purchase-order intake. The handler reads the PO,
//! finds its group, its punchout and its scenario, renders an injected
//! fault when one is due (see [`crate::domain::injection`]) and leaves the
//! decision to [`crate::domain::intake::decide`]. An accepted PO, its
//! documents and its queued confirmation are committed in one transaction
//! before the `200 OK` leaves; a refused one is recorded with its Status.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::exchange::{CxmlError, CxmlResult, Received, Reply};
use crate::AppState;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Cxml, Status, Text, read, time, write};
use crate::domain::delivery::DeliveryKind;
use crate::domain::fault::{FaultKind, FaultPlan};
use crate::domain::injection::{self, FaultAnswer, RETRY_AFTER_SECS};
use crate::domain::intake::{self, Accepted};
use crate::domain::order::{DocKind, Document, Rejection};
use crate::domain::scenario::Scenario;
use crate::domain::session::Session;
use crate::domain::{Group, ids};
use crate::store::{FaultRecord, InsertError, NewDelivery, StoreError};

pub async fn intake(
    State(state): State<AppState>,
    Path(token): Path<String>,
    received: Received,
) -> Response {
    let outcome = take_in(&state, &token, &received.body).await;
    received.answer(&state, outcome)
}

async fn take_in(state: &AppState, token: &str, body: &Bytes) -> CxmlResult {
    let received_at = time::now();
    let Some(group) = state.store.group_by_token(token).await? else {
        return Err(unknown_token(state, token).await);
    };
    let po = Intake {
        state,
        group: &group,
        received_at,
        body,
    };
    match po.accept().await {
        Ok(reply) => Ok(reply.of_group(group.id)),
        Err(e) => Err(e.of_group(group.id)),
    }
}

/// 404 for a PO Request URL no group has, naming a near miss: a token that
/// starts like a group's (a cut copy), whose test log then shows it.
async fn unknown_token(state: &AppState, token: &str) -> CxmlError {
    let groups = match state.store.groups().await {
        Ok(groups) => groups,
        Err(e) => return e.into(),
    };
    let near_group = groups
        .iter()
        .find(|g| common_prefix(&g.po_token, token) >= 8);
    let near = near_group
        .map(|g| {
            format!(
                " (it starts like group {}'s, {}: check that it was copied whole)",
                g.id, g.name
            )
        })
        .unwrap_or_default();
    let refused = CxmlError::refused(Status::new(
        404,
        "Not Found",
        format!(
            "no group has this PO Request URL{near}; copy the PO Request URL (c) from the purchasing system settings"
        ),
    ));
    match near_group {
        Some(g) => refused.of_group(g.id),
        None => refused,
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(a, b)| a == b).count()
}

/// One PO being taken in for its group.
struct Intake<'a> {
    state: &'a AppState,
    group: &'a Arc<Group>,
    received_at: chrono::DateTime<chrono::FixedOffset>,
    body: &'a Bytes,
}

impl Intake<'_> {
    /// Takes in the PO. The rare paths (a refusal, an injected fault) are
    /// boxed where they are awaited: a future is as large as its largest
    /// state, and the accepted PO's, which every layer above moves, would
    /// otherwise carry theirs.
    async fn accept(&self) -> CxmlResult {
        let (state, group) = (self.state, self.group);
        if let Some(kind) = state.store.take_fault(group).await?
            && let Some(reply) = Box::pin(self.inject(kind, &group.faults)).await?
        {
            return Ok(reply);
        }
        let inbound = match read::<OrderRequest>(self.body) {
            Ok(d) => d,
            Err(e) => {
                let scenario = group.selected_scenario.as_str().into();
                return Box::pin(self.refuse(None, None, scenario, (&e).into())).await;
            }
        };
        let doc = &inbound.doc;
        let request = doc.payload().expect("read() guarantees the payload");
        let session = punchout_of(state, request).await?;
        let fallback = session
            .as_ref()
            .map_or(group.selected_scenario.as_str(), |s| s.scenario.as_str());
        let named = crate::cxml::extrinsic(&request.header.extrinsics, "absim.scenario");
        let (scenario_id, note) = state.scenarios.choose(named, fallback);
        let scenario = state.scenarios.get_or_basic(&scenario_id);
        if let Some(reply) = self.scenario_fault(scenario).await? {
            return Ok(reply);
        }
        let mut deviations = inbound.deviations;
        deviations.extend(note);
        let arrival = intake::Arrival {
            group,
            scenario,
            session: session.as_deref(),
            market: state.market(group),
            received_at: self.received_at,
            run_id: group.run_at(state.clock.now_ms()),
        };
        match intake::decide(doc, deviations, &arrival) {
            Ok(accepted) => {
                self.record(doc, session.as_deref(), scenario_id, accepted)
                    .await
            }
            Err(rejection) => {
                let session = session.as_deref();
                Box::pin(self.refuse(Some(doc), session, scenario_id, rejection)).await
            }
        }
    }

    /// The scenario's own injected fault, when one is due for this PO.
    async fn scenario_fault(&self, scenario: &Scenario) -> Result<Option<Reply>, CxmlError> {
        let Some(plan) = &scenario.po_faults else {
            return Ok(None);
        };
        let taken = self
            .state
            .store
            .take_scenario_fault(self.group.id, &scenario.id, plan)
            .await?;
        match taken {
            Some(kind) => Box::pin(self.inject(kind, plan)).await,
            None => Ok(None),
        }
    }

    /// Records an accepted order with its two documents and its first
    /// delivery (the confirmation), and answers `200 OK`; a duplicate the
    /// store finds is refused instead.
    async fn record(
        &self,
        doc: &Cxml<OrderRequest>,
        session: Option<&Session>,
        scenario_id: Text,
        accepted: Accepted,
    ) -> CxmlResult {
        let state = self.state;
        let Accepted { order, mails } = accepted;
        let response = Bytes::from(write::status_document(
            &state.payload_ids.next(),
            &Status::ok(),
        ));
        let first = NewDelivery {
            kind: DeliveryKind::Confirmation,
            step: 0,
            due_at_ms: state.clock.after(state.settings.confirmation_delay),
            target: None,
        };
        let exchange = self.exchange(&response);
        match state
            .store
            .insert_order(order, exchange, first, mails)
            .await
        {
            Ok((order, bodies)) => {
                tracing::info!(group = self.group.id, order = %order.order_id, no = order.no, scenario = %order.scenario, "purchase order accepted");
                state.metrics.po("accepted", "200");
                state.outbox.wake();
                crate::mailer::send_later(state, self.group.id, order.no);
                Ok(Reply::document(200, response).stored(bodies))
            }
            Err(InsertError::Duplicate(d)) => {
                Box::pin(self.refuse(Some(doc), session, scenario_id, intake::duplicate(&d))).await
            }
            Err(InsertError::Store(e)) => Err(e.into()),
        }
    }

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
    ) -> CxmlResult {
        let (state, group) = (self.state, self.group);
        let status = &rejection.status;
        tracing::info!(code = status.code, text = %status.text, reason = %status.message, "refused a PO");
        state.metrics.po("refused", status.code.to_string());
        let answer = Bytes::from(write::status_document(&state.payload_ids.next(), status));
        let order = intake::refused(
            doc,
            group,
            scenario,
            session.map(|s| s.id.clone()),
            self.received_at,
            group.run_at(state.clock.now_ms()),
            &rejection,
        );
        let form = state
            .scenarios
            .get(&order.scenario)
            .and_then(|s| s.cxml_errors)
            .unwrap_or(group.cxml_errors);
        let (_, bodies) = state
            .store
            .insert_refused(order, self.exchange(&answer))
            .await?;
        Ok(Reply::document_as(form, status.code, answer).stored(bodies))
    }

    /// Applies an injected fault: records it, and gives the faulty answer,
    /// or None when the PO goes on to be accepted (after a delay).
    async fn inject(&self, kind: FaultKind, plan: &FaultPlan) -> Result<Option<Reply>, CxmlError> {
        let (state, group) = (self.state, self.group);
        let injected = injection::inject(kind, plan);
        let parsed = read::<OrderRequest>(self.body).ok();
        let record = FaultRecord {
            group_id: group.id,
            at: time::now(),
            kind,
            payload_id: parsed.as_ref().map(|p| p.doc.payload_id.to_string()),
            order_id: parsed
                .as_ref()
                .and_then(|p| p.doc.payload())
                .map(|o| o.header.order_id.to_string()),
            detail: injected.detail,
            run_id: group.run_at(state.clock.now_ms()),
        };
        state.store.record_fault(record).await?;
        tracing::info!(
            group = group.id,
            fault = kind.as_str(),
            "injected a fault into a PO answer"
        );
        state.metrics.po("fault", kind.as_str());
        Ok(render_fault(state, injected.answer).await)
    }
}

/// The answer of an injected fault, after its wait; None for a delay,
/// after which the PO is processed as usual.
async fn render_fault(state: &AppState, answer: FaultAnswer) -> Option<Reply> {
    const HTML_500: &str = "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>absim injected this fault.</p></body></html>";
    const TEXT: &str = "text/plain; charset=utf-8";
    let xml = |status: &Status| write::status_document(&state.payload_ids.next(), status);
    Some(match answer {
        FaultAnswer::HtmlError => Reply::other(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            HTML_500,
        ),
        FaultAnswer::Unavailable => Reply::other(
            StatusCode::SERVICE_UNAVAILABLE,
            TEXT,
            "Service Unavailable (absim injected this fault)",
        )
        .retry_after(RETRY_AFTER_SECS),
        FaultAnswer::CxmlError => Reply::document(
            200,
            xml(&Status::new(
                500,
                "Internal Server Error",
                "absim injected this fault; send the PO again",
            )),
        ),
        FaultAnswer::TimedOut { after } => {
            tokio::time::sleep(after).await;
            Reply::other(
                StatusCode::GATEWAY_TIMEOUT,
                TEXT,
                "absim injected a timeout",
            )
        }
        FaultAnswer::Delayed { by } => {
            tokio::time::sleep(by).await;
            return None;
        }
        FaultAnswer::CutOff => {
            let doc = xml(&Status::ok());
            let cut = doc.len() / 2;
            Reply::document(200, doc[..cut].to_owned())
        }
    })
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
