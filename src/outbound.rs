//! Deliveries to the buyer: the order confirmation, then the ship notice.
//!
//! Jobs wait in the [`Outbox`] ordered by due time. [`deliver_next`] is one
//! step: take the earliest due job, build its document from the stored order,
//! record it, post it to the group's endpoint (if it has one), record the
//! answer, and queue what follows (the ship notice after the confirmation).
//! [`run_worker`] wraps the step in a loop that sleeps until the next job is
//! due or a new one arrives; tests call the step directly. The queue lock is
//! held only to push or pop, never across the post.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use crate::AppState;
use crate::cxml::{self, time, write};
use crate::domain::documents;
use crate::domain::order::{Delivery, DocKind, Document};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobKind {
    Confirmation,
    ShipNotice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Job {
    due: Instant,
    seq: u64,
    order_no: u64,
    kind: JobKind,
}

#[derive(Debug, Default)]
pub struct Outbox {
    queue: Mutex<BinaryHeap<Reverse<Job>>>,
    seq: AtomicU64,
    wake: Notify,
}

impl Outbox {
    pub fn schedule(&self, order_no: u64, kind: JobKind, delay: Duration) {
        let job = Job {
            due: Instant::now() + delay,
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
            order_no,
            kind,
        };
        self.queue.lock().expect("outbox lock").push(Reverse(job));
        self.wake.notify_one();
    }

    pub fn pending(&self) -> usize {
        self.queue.lock().expect("outbox lock").len()
    }

    fn next_due(&self) -> Option<Instant> {
        self.queue
            .lock()
            .expect("outbox lock")
            .peek()
            .map(|Reverse(j)| j.due)
    }

    fn pop_due(&self, now: Instant) -> Option<Job> {
        let mut q = self.queue.lock().expect("outbox lock");
        if q.peek().is_some_and(|Reverse(j)| j.due <= now) {
            q.pop().map(|Reverse(j)| j)
        } else {
            None
        }
    }
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A document was produced (and posted where there is an endpoint).
    Delivered {
        order_no: u64,
        kind: JobKind,
        succeeded: bool,
    },
    /// Nothing is due; the earliest job is due then.
    NotDue(Instant),
    /// The queue is empty.
    Idle,
}

/// One step of the worker.
pub async fn deliver_next(state: &AppState) -> Outcome {
    let Some(job) = state.outbox.pop_due(Instant::now()) else {
        return match state.outbox.next_due() {
            Some(due) => Outcome::NotDue(due),
            None => Outcome::Idle,
        };
    };
    let succeeded = deliver(state, job).await;
    Outcome::Delivered {
        order_no: job.order_no,
        kind: job.kind,
        succeeded,
    }
}

/// Delivers every job that is due now (and those they make due at once).
pub async fn deliver_all_due(state: &AppState) -> Vec<Outcome> {
    let mut done = Vec::new();
    loop {
        match deliver_next(state).await {
            o @ Outcome::Delivered { .. } => done.push(o),
            _ => return done,
        }
    }
}

/// Runs steps until `stop` turns true.
pub async fn run_worker(state: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        let wait = match deliver_next(&state).await {
            Outcome::Delivered { .. } => continue,
            Outcome::NotDue(due) => Some(due),
            Outcome::Idle => None,
        };
        let sleep = async {
            match wait {
                Some(due) => tokio::time::sleep_until(due).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = sleep => {}
            _ = state.outbox.wake.notified() => {}
            _ = stop.changed() => {}
        }
    }
}

/// Produces, records and posts one document. True when it was accepted (or
/// there was nowhere to post it).
async fn deliver(state: &AppState, job: Job) -> bool {
    let Some(order) = state.store.order(job.order_no) else {
        tracing::warn!(order_no = job.order_no, "a delivery names an unknown order");
        return false;
    };
    let Some(group) = state.store.group(order.group_id) else {
        tracing::warn!(group = order.group_id, "a delivery names an unknown group");
        return false;
    };
    let payload_id = state.payload_ids.next();
    let (body, kind, answer_kind, target) = match job.kind {
        JobKind::Confirmation => (
            write::document(&documents::confirmation(payload_id.clone(), &group, &order)),
            DocKind::Confirmation,
            DocKind::ConfirmationAnswer,
            group.order_confirmation_url.clone(),
        ),
        JobKind::ShipNotice => (
            write::document(&documents::ship_notice(payload_id.clone(), &group, &order)),
            DocKind::ShipNotice,
            DocKind::ShipNoticeAnswer,
            group.ship_notice_url.clone(),
        ),
    };
    let sent_at = time::now();
    state.store.add_order_document(
        order.no,
        Document {
            kind,
            at: sent_at,
            body: body.clone(),
        },
    );
    let mut delivery = Delivery {
        sent_at: Some(sent_at),
        payload_id,
        target: target.clone(),
        ..Delivery::default()
    };
    if let Some(url) = &target {
        post(state, url, body, &mut delivery, order.no, answer_kind).await;
    }
    let succeeded = delivery.succeeded();
    tracing::info!(
        order = %order.order_id,
        kind = ?job.kind,
        target = target.as_deref().unwrap_or("(none)"),
        http = ?delivery.http_status,
        cxml = ?delivery.cxml_status,
        succeeded,
        "delivered"
    );
    state.store.with_order(order.no, |o| match job.kind {
        JobKind::Confirmation => o.confirmation = Some(delivery),
        JobKind::ShipNotice => o.ship_notice = Some(delivery),
    });
    if job.kind == JobKind::Confirmation {
        state.outbox.schedule(
            order.no,
            JobKind::ShipNotice,
            state.settings.ship_notice_delay,
        );
    }
    succeeded
}

async fn post(
    state: &AppState,
    url: &str,
    body: String,
    delivery: &mut Delivery,
    order_no: u64,
    answer_kind: DocKind,
) {
    let result = state
        .http
        .post(url)
        .header("content-type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await;
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            delivery.error = Some(format!("the post to {url} failed: {e}"));
            return;
        }
    };
    delivery.http_status = Some(response.status().as_u16());
    let bytes = match response.bytes().await {
        Ok(b) => b,
        Err(e) => {
            delivery.error = Some(format!("reading the answer failed: {e}"));
            return;
        }
    };
    state.store.add_order_document(
        order_no,
        Document {
            kind: answer_kind,
            at: time::now(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        },
    );
    match cxml::read::read_status(&bytes) {
        Ok(status) => {
            delivery.cxml_status = Some(status.code);
            if !status.is_success() {
                delivery.error = Some(format!(
                    "the buyer answered cXML {} {} {}",
                    status.code, status.text, status.message
                ));
            }
        }
        Err(e) => {
            delivery.error = Some(format!("the answer is not a cXML Response: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn jobs_come_due_in_order_of_their_delay() {
        let outbox = Outbox::default();
        outbox.schedule(1, JobKind::Confirmation, Duration::from_secs(15));
        outbox.schedule(2, JobKind::ShipNotice, Duration::from_secs(5));
        assert_eq!(outbox.pending(), 2);
        assert!(outbox.pop_due(Instant::now()).is_none());
        tokio::time::advance(Duration::from_secs(5)).await;
        let first = outbox.pop_due(Instant::now()).unwrap();
        assert_eq!((first.order_no, first.kind), (2, JobKind::ShipNotice));
        assert!(outbox.pop_due(Instant::now()).is_none());
        assert_eq!(outbox.next_due(), Some(first.due + Duration::from_secs(10)));
        tokio::time::advance(Duration::from_secs(10)).await;
        let second = outbox.pop_due(Instant::now()).unwrap();
        assert_eq!((second.order_no, second.kind), (1, JobKind::Confirmation));
        assert_eq!(outbox.pending(), 0);
    }
}
