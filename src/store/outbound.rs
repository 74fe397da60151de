//! What absim sends, through [`Store`]: the outbox of e-mails and the
//! outbound queue of cXML deliveries with their attempts.

use super::{
    AttemptResult, ClaimedDelivery, Engine, Exchange, Mail, QueueStats, Store, StoreError, counted,
};
use crate::domain::delivery::{Attempt, Delivery};
use crate::domain::order::Document;

impl Store {
    // ---- the outbox of e-mails ----------------------------------------

    /// E-mails of a group (or of one order), newest first.
    pub async fn mails(
        &self,
        group_id: u32,
        order_no: Option<u64>,
    ) -> Result<Vec<Mail>, StoreError> {
        on_engine!(self, e => e.mails(group_id, order_no).await)
    }

    pub async fn set_mail_sent(&self, id: i64, error: Option<String>) -> Result<(), StoreError> {
        on_engine!(self, e => e.set_mail_sent(id, error).await)
    }

    // ---- the outbound queue -------------------------------------------

    /// The deliveries of an order with their attempts, in the order queued.
    pub async fn deliveries_of(
        &self,
        no: u64,
    ) -> Result<Vec<(Delivery, Vec<Attempt>)>, StoreError> {
        on_engine!(self, e => e.deliveries_of(no).await)
    }

    pub async fn delivery(&self, id: i64) -> Result<Option<Delivery>, StoreError> {
        on_engine!(self, e => e.delivery(id).await)
    }

    /// Deliveries pending or in flight, and when the oldest pending one was
    /// due.
    pub async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        on_engine!(self, e => e.queue_stats().await)
    }

    /// Takes up to `limit` deliveries due by `now_ms`, earliest first,
    /// marking them in flight (for a lease, on PostgreSQL), each with its
    /// order's row (read in the same transaction; parsed by
    /// [`ClaimedDelivery::into_parts`] off the database's thread). Also
    /// says when the worker should look again (Unix ms).
    pub async fn claim_due(
        &self,
        now_ms: i64,
        limit: usize,
    ) -> Result<(Vec<ClaimedDelivery>, Option<i64>), StoreError> {
        on_engine!(self, e => e.claim_due(now_ms, limit).await)
    }

    /// Stores the document produced for a delivery at its first attempt,
    /// and gives back the delivery's one document: this one, or the one
    /// another replica stored first.
    pub async fn set_delivery_document(
        &self,
        id: i64,
        order_no: u64,
        payload_id: String,
        doc: Document,
    ) -> Result<(i64, bytes::Bytes), StoreError> {
        on_engine!(self, e => e.set_delivery_document(id, order_no, payload_id, doc).await)
    }

    /// Records an attempt and where the delivery goes next, with the
    /// buyer's answer when there was one and the post's journal entry
    /// (which refers to the answer's document); queues the follow-up once
    /// delivered.
    pub async fn finish_attempt(
        &self,
        delivery: &Delivery,
        result: AttemptResult,
        answer: Option<Document>,
        exchange: Option<Exchange>,
    ) -> Result<(), StoreError> {
        let exchange = exchange.map(|mut x| {
            x.replica.clone_from(&self.replica);
            x
        });
        on_engine!(self, e => e.finish_attempt(delivery, result, answer, exchange).await)
    }

    /// 再送: queues a delivery again, due now, with a fresh attempt budget.
    /// False when it is pending already or does not exist.
    pub async fn resend(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        on_engine!(self, e => e.resend(id, now_ms).await)
    }
}
