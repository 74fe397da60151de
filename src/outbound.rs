//! Deliveries to the buyer: the order confirmation, then the ship notice,
//! through the durable queue in `store`.
//!
//! [`deliver_next`] is one step: take the pending delivery due first, produce
//! its document (once; retries resend the same bytes), post it to the
//! group's endpoint with a timeout, judge the answer
//! ([`crate::domain::delivery::judge`]), record the attempt, and either mark
//! it delivered (queuing the ship notice after a confirmation), schedule a
//! retry with backoff and jitter, or mark it failed. [`deliver_until_stopped`] claims
//! every due delivery and attempts up to [`MAX_IN_FLIGHT`] at once, sleeping
//! until the next due time or until [`crate::Outbox::wake`] is called; tests call
//! the step directly and move time with tokio's paused clock. No lock is
//! held across a post.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use tokio::sync::watch;

use crate::AppState;
use crate::cxml::{self, time, write};
use crate::domain::delivery::{
    Attempt, BuyerAnswer, Delivery, DeliveryKind, DeliveryState, RetryPolicy, judge,
};
use crate::domain::documents;
use crate::domain::fulfilment::PlannedShipment;
use crate::domain::order::{DocKind, Document, Order};
use crate::store::{AttemptResult, NewDelivery, StoreError};

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// One attempt was made (or the document produced, with no endpoint);
    /// `state` is where the delivery stands now.
    Attempted {
        delivery_id: i64,
        order_no: u64,
        kind: DeliveryKind,
        state: DeliveryState,
    },
    /// Nothing is due; the earliest pending delivery is due then (Unix ms).
    NotDue(i64),
    /// Nothing is pending.
    Idle,
}

/// One step of the worker: the delivery due first, if one is due now.
pub async fn deliver_next(state: &AppState) -> Result<Outcome, StoreError> {
    let (claimed, next_due) = state.store.claim_due(state.clock.now_ms(), 1).await?;
    let Some(claimed) = claimed.into_iter().next() else {
        return Ok(next_due.map_or(Outcome::Idle, Outcome::NotDue));
    };
    let (next, order) = claimed.into_parts()?;
    let new_state = attempt(state, &next, order).await?;
    Ok(Outcome::Attempted {
        delivery_id: next.id,
        order_no: next.order_no,
        kind: next.kind,
        state: new_state,
    })
}

/// Runs steps until nothing is due now.
pub async fn deliver_all_due(state: &AppState) -> Result<Vec<Outcome>, StoreError> {
    let mut done = Vec::new();
    loop {
        match deliver_next(state).await? {
            o @ Outcome::Attempted { .. } => done.push(o),
            _ => return Ok(done),
        }
    }
}

/// Deliveries the worker attempts at once.
pub const MAX_IN_FLIGHT: usize = 64;

/// How often a worker on a shared database looks for due deliveries that
/// other replicas queued.
pub const SHARED_POLL: Duration = Duration::from_millis(500);

/// Delivers until `stop` turns true: claims every due delivery (up to
/// [`MAX_IN_FLIGHT`] at a time) and attempts them concurrently, then sleeps
/// until the next one is due, one finishes, or [`crate::Outbox::wake`] is called.
/// On stop it lets the attempts in flight finish (each is bounded by the
/// outbound timeout).
pub async fn deliver_until_stopped(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut in_flight = tokio::task::JoinSet::new();
    loop {
        if *stop.borrow() {
            break;
        }
        let free = MAX_IN_FLIGHT - in_flight.len();
        // None: nothing to wait for but a wake-up, a finished attempt or stop.
        let mut wait = None;
        if free > 0 {
            match state.store.claim_due(state.clock.now_ms(), free).await {
                Ok((claimed, next_due)) => {
                    for claimed in claimed {
                        let state = state.clone();
                        in_flight.spawn(async move {
                            let id = claimed.delivery.id;
                            let tried = match claimed.into_parts() {
                                Ok((d, order)) => attempt(&state, &d, order).await.map(drop),
                                Err(e) => Err(e),
                            };
                            if let Err(e) = tried {
                                tracing::error!(error = %e, delivery = id, "a delivery attempt could not be recorded");
                            }
                        });
                    }
                    wait = next_due.map(|due| state.clock.instant_of(due));
                    if state.store.is_shared() {
                        // Other replicas queue work this one is not woken
                        // for (and leave claims behind when they die).
                        let poll = tokio::time::Instant::now() + SHARED_POLL;
                        wait = Some(wait.map_or(poll, |w| w.min(poll)));
                    }
                }
                Err(StoreError::Closed) => break,
                Err(e) => {
                    tracing::error!(error = %e, "the delivery worker could not read the queue");
                    wait = Some(tokio::time::Instant::now() + Duration::from_secs(1));
                }
            }
        }
        let sleep = async {
            match wait {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = sleep => {}
            _ = state.outbox.woken() => {}
            Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
            _ = stop.changed() => {}
        }
        // Attempts finish in bursts (one commit answers many): reap them
        // all, so that one claim refills every free slot.
        while in_flight.try_join_next().is_some() {}
    }
    while in_flight.join_next().await.is_some() {}
}

/// A delivery's document, or why it cannot be made (for good: the
/// delivery fails without a post).
enum Produced {
    /// Its id and bytes.
    Document(i64, bytes::Bytes),
    Impossible(String),
}

/// The document of a delivery: produced at the first attempt and stored;
/// later attempts resend the same bytes.
async fn document_of(
    state: &AppState,
    d: &Delivery,
    order: Option<&Order>,
) -> Result<Produced, StoreError> {
    use Produced::Impossible;
    if let Some(id) = d.document_id {
        return Ok(match state.store.document(id).await? {
            Some(doc) => Produced::Document(id, doc.body.into()),
            None => Impossible(format!("document {id} of the delivery is missing")),
        });
    }
    let Some(order) = order else {
        return Ok(Impossible(format!("order {} is missing", d.order_no)));
    };
    let Some(group) = state.store.group(order.group_id).await? else {
        return Ok(Impossible(format!("group {} is missing", order.group_id)));
    };
    let Some(plan) = &order.fulfilment else {
        return Ok(Impossible(format!(
            "order {} has no fulfilment plan",
            d.order_no
        )));
    };
    let payload_id = state.payload_ids.next();
    let (body, kind) = match d.kind {
        DeliveryKind::Confirmation => (
            write::document(&documents::confirmation(
                payload_id.clone(),
                (&group, state.market(&group)),
                order,
                plan,
            )),
            DocKind::Confirmation,
        ),
        DeliveryKind::ShipNotice => {
            let Some(shipment) = plan.shipments.get(d.step as usize) else {
                return Ok(Impossible(format!(
                    "the plan has no shipment {}",
                    d.step + 1
                )));
            };
            (
                write::document(&documents::ship_notice(
                    payload_id.clone(),
                    (&group, state.market(&group)),
                    order,
                    shipment,
                )),
                DocKind::ShipNotice,
            )
        }
        DeliveryKind::Invoice => (
            write::document(&documents::invoice(
                payload_id.clone(),
                (&group, state.market(&group)),
                order,
                plan,
            )),
            DocKind::Invoice,
        ),
    };
    // The stored document is the one posted: another replica may have
    // made and stored this delivery's document first.
    let stored = state
        .store
        .set_delivery_document(
            d.id,
            d.order_no,
            payload_id,
            Document::new(kind, body.into_bytes()),
        )
        .await?;
    Ok(Produced::Document(stored.0, stored.1))
}

/// Where the delivery goes: the group's endpoint as it is now.
async fn target_of(
    state: &AppState,
    d: &Delivery,
    group_id: Option<u32>,
) -> Result<Option<String>, StoreError> {
    let Some(group_id) = group_id else {
        return Ok(None);
    };
    let Some(group) = state.store.group(group_id).await? else {
        return Ok(None);
    };
    Ok(match d.kind {
        DeliveryKind::Confirmation => group.order_confirmation_url.clone(),
        DeliveryKind::ShipNotice => group.ship_notice_url.clone(),
        DeliveryKind::Invoice => group.invoice_url.clone(),
    })
}

/// What the plan owes after this delivery: the first ship notice after the
/// confirmation, the next ship notice, then the invoice.
fn follow_up(state: &AppState, d: &Delivery, order: Option<&Order>) -> Option<NewDelivery> {
    let plan = order?.fulfilment.as_ref()?;
    let default_delay = state.settings.ship_notice_delay;
    let scale = state.settings.scenario_delay_scale.max(0.0);
    let delay_of = |s: &PlannedShipment| {
        s.delay_secs
            .map(|d| Duration::from_secs_f64(d as f64 * scale))
            .unwrap_or(default_delay)
    };
    let (kind, step, delay) = match d.kind {
        DeliveryKind::Confirmation => {
            let first = plan.shipments.first()?;
            (DeliveryKind::ShipNotice, 0, delay_of(first))
        }
        DeliveryKind::ShipNotice => match plan.shipments.get(d.step as usize + 1) {
            Some(next) => (DeliveryKind::ShipNotice, d.step + 1, delay_of(next)),
            None if plan.invoice => (DeliveryKind::Invoice, 0, default_delay),
            None => return None,
        },
        DeliveryKind::Invoice => return None,
    };
    Some(NewDelivery {
        kind,
        step,
        due_at_ms: state.clock.after(delay),
        target: None,
    })
}

/// One attempt of a claimed delivery of `order` (None when it is gone):
/// produce (or fetch) its document, post it where the group wants it,
/// decide from the answer what happens next, and record all of it.
async fn attempt(
    state: &AppState,
    d: &Delivery,
    order: Option<Order>,
) -> Result<DeliveryState, StoreError> {
    let (document_id, body) = match document_of(state, d, order.as_ref()).await? {
        Produced::Document(id, body) => (id, body),
        Produced::Impossible(reason) => return finish_unposted(state, d, Err(reason)).await,
    };
    let group_id = order.as_ref().map(|o| o.group_id);
    let target = target_of(state, d, group_id).await?;
    let follow_up = follow_up(state, d, order.as_ref());
    let Some(url) = target else {
        // Nowhere to post: produced and recorded is delivered.
        return finish_unposted(state, d, Ok(follow_up)).await;
    };
    let posted = post(state, &url, body).await;
    let cxml = answer_status(posted.answer.as_deref());
    let cxml_status = cxml.as_ref().ok().map(|(c, _)| *c);
    let verdict = judge(posted.transport_error.as_deref(), posted.http_status, cxml);
    let made = d.attempts + 1;
    let next = decide(verdict, made, &state.settings.retry, rand::random());
    let next_due_ms = next.retry_in.map(|wait| state.clock.after(wait));
    state
        .metrics
        .attempt(d.kind.as_str(), outcome_label(next.state));
    tracing::info!(
        delivery = d.id,
        order_no = d.order_no,
        kind = d.kind.as_str(),
        attempt = made,
        http = ?posted.http_status,
        cxml = ?cxml_status,
        state = next.state.as_str(),
        "delivery attempt"
    );
    let exchange = exchange_of(&posted, &url, group_id, document_id);
    let result = AttemptResult {
        attempt: Attempt {
            at: posted.at,
            http_status: posted.http_status,
            cxml_status,
            error: next.error,
            duration_ms: posted.duration_ms,
        },
        state: next.state,
        next_due_ms,
        follow_up,
        target: Some(url),
    };
    let answer = posted.answer.map(|b| Document::new(answer_kind(d.kind), b));
    state
        .store
        .finish_attempt(d, result, answer, Some(exchange))
        .await?;
    if next.state != DeliveryState::Failed {
        state.outbox.wake();
    }
    Ok(next.state)
}

/// Records an attempt that posted nothing: the document could not be
/// produced (`Err`, failed for good), or there is no endpoint to post it
/// to (`Ok`, delivered, with what the plan owes next).
async fn finish_unposted(
    state: &AppState,
    d: &Delivery,
    produced: Result<Option<NewDelivery>, String>,
) -> Result<DeliveryState, StoreError> {
    let (new_state, error, follow_up) = match produced {
        Ok(follow_up) => (DeliveryState::Delivered, None, follow_up),
        Err(reason) => (DeliveryState::Failed, Some(reason), None),
    };
    let result = AttemptResult {
        attempt: Attempt {
            at: time::now(),
            http_status: None,
            cxml_status: None,
            error,
            duration_ms: 0,
        },
        state: new_state,
        next_due_ms: None,
        follow_up,
        target: None,
    };
    state.store.finish_attempt(d, result, None, None).await?;
    if new_state == DeliveryState::Delivered {
        state.outbox.wake();
    }
    Ok(new_state)
}

/// What one post brought back.
struct Posted {
    at: DateTime<FixedOffset>,
    /// None when no HTTP answer came.
    http_status: Option<u16>,
    /// The answer's body, when it could be read.
    answer: Option<Vec<u8>>,
    /// Why there is no answer (or no body), said for people.
    transport_error: Option<String>,
    duration_ms: u64,
}

/// Posts a document to the buyer's endpoint (bounded by the client's
/// outbound timeout) and reads the answer.
async fn post(state: &AppState, url: &str, body: bytes::Bytes) -> Posted {
    let started = tokio::time::Instant::now();
    let at = time::now();
    let sent = state
        .http
        .post(url)
        .header("content-type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await;
    let (http_status, answer, transport_error) = match sent {
        Ok(r) => {
            let status = r.status().as_u16();
            match r.bytes().await {
                Ok(b) => (Some(status), Some(b.to_vec()), None),
                Err(e) => (
                    Some(status),
                    None,
                    Some(format!("reading the answer failed: {e}")),
                ),
            }
        }
        Err(e) => (None, None, Some(describe_transport_error(url, &e))),
    };
    Posted {
        at,
        http_status,
        answer,
        transport_error,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

/// The cXML Status of an answer (its code and text), or why there is none.
fn answer_status(answer: Option<&[u8]>) -> Result<(u16, String), String> {
    match answer {
        Some(bytes) => cxml::read::read_status(bytes)
            .map(|s| (s.code, s.text))
            .map_err(|e| e.to_string()),
        None => Err("no answer".to_owned()),
    }
}

/// The journal entry of a post. It refers to the delivered document and to
/// the answer's (stored with the attempt) instead of copying them.
fn exchange_of(
    posted: &Posted,
    url: &str,
    group_id: Option<u32>,
    document_id: i64,
) -> crate::store::Exchange {
    crate::store::Exchange {
        at: posted.at,
        direction: "out".into(),
        method: "POST".into(),
        target: url.to_owned(),
        status: posted.http_status,
        group_id,
        note: posted.transport_error.clone(),
        request: Default::default(),
        response: Default::default(),
        request_doc: Some(document_id),
        response_doc: None,
        replica: Default::default(),
    }
}

/// Where a delivery stands after an attempt the buyer answered (or did
/// not), and why it is not delivered.
#[derive(Debug, PartialEq)]
struct Next {
    state: DeliveryState,
    /// For a retry: how long to wait.
    retry_in: Option<Duration>,
    error: Option<String>,
}

/// Decides what an answer means for a delivery after its `made`-th attempt:
/// delivered, refused for good, or retried after the policy's next wait
/// (`unit` picks its jitter) while attempts are left.
fn decide(verdict: BuyerAnswer, made: u32, retry: &RetryPolicy, unit: f64) -> Next {
    let (state, retry_in, error) = match verdict {
        BuyerAnswer::Accepted => (DeliveryState::Delivered, None, None),
        BuyerAnswer::Refused(reason) => (DeliveryState::Failed, None, Some(reason)),
        BuyerAnswer::Retry(reason) => match retry.next_delay(made, unit) {
            Some(wait) => (DeliveryState::Pending, Some(wait), Some(reason)),
            None => (
                DeliveryState::Failed,
                None,
                Some(format!("{reason} (no attempt left after {made})")),
            ),
        },
    };
    Next {
        state,
        retry_in,
        error,
    }
}

/// The outcome label of the delivery attempts metric.
fn outcome_label(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Delivered => "delivered",
        DeliveryState::Failed => "failed",
        _ => "retry",
    }
}

/// The kind of document a buyer's answer to a delivery is stored as.
fn answer_kind(kind: DeliveryKind) -> DocKind {
    match kind {
        DeliveryKind::Confirmation => DocKind::ConfirmationAnswer,
        DeliveryKind::ShipNotice => DocKind::ShipNoticeAnswer,
        DeliveryKind::Invoice => DocKind::InvoiceAnswer,
    }
}

fn describe_transport_error(url: &str, e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    // reqwest's Display names the URL; the cause chain says why.
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        format!("the post to {url} {what}")
    } else {
        format!("the post to {url} {what}: {cause}")
    }
}

#[cfg(test)]
mod tests;
