//! The outbound queue, shared by every replica. A due delivery is claimed
//! by one replica (`FOR UPDATE SKIP LOCKED`) for a lease; a replica that
//! dies leaves its claims to expire and be taken by another. The post
//! itself is idempotent by its payloadID: the document is made once and
//! stored before the first post, so a re-post after a crash sends the same
//! bytes.

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::orders::{insert_delivery, order_row};
use super::{Postgres, execute, insert_document, journal::insert_exchange, query, query_opt};
use crate::domain::delivery::{Attempt, Delivery, DeliveryState};
use crate::domain::order::Document;
use crate::store::model::{AttemptResult, ClaimedDelivery, Exchange, QueueStats, StoreError};
use crate::store::rows::{DELIVERY_COLUMNS, DeliveryRow, ORDER_COLUMNS, parse_time, time_text};

fn delivery_row(r: &Row) -> DeliveryRow {
    let small = |i: usize| r.get::<_, Option<i32>>(i).map(|v| v as u16);
    DeliveryRow {
        id: r.get(0),
        order_no: r.get(1),
        kind: r.get(2),
        state: r.get(3),
        due_at: r.get(4),
        attempts: r.get::<_, i32>(5) as u32,
        payload_id: r.get(6),
        document_id: r.get(7),
        target: r.get(8),
        last_http: small(9),
        last_cxml: small(10),
        last_error: r.get(11),
        sent_at: r.get(12),
        step: r.get::<_, i32>(13) as u32,
    }
}

async fn attempts_of(c: &impl GenericClient, delivery_id: i64) -> Result<Vec<Attempt>, StoreError> {
    let rows = query(
        c,
        "SELECT at, http_status, cxml_status, error, duration_ms FROM attempts WHERE delivery_id = $1 ORDER BY id",
        &[&delivery_id],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Attempt {
                at: parse_time(r.get(0))?,
                http_status: r.get::<_, Option<i32>>(1).map(|v| v as u16),
                cxml_status: r.get::<_, Option<i32>>(2).map(|v| v as u16),
                error: r.get(3),
                duration_ms: r.get::<_, i64>(4) as u64,
            })
        })
        .collect()
}

fn status(v: Option<u16>) -> Option<i32> {
    v.map(i32::from)
}

impl Postgres {
    pub async fn deliveries_of(
        &self,
        no: u64,
    ) -> Result<Vec<(Delivery, Vec<Attempt>)>, StoreError> {
        let c = self.client().await?;
        let rows = query(
            &c,
            &format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE order_no = $1 ORDER BY id"),
            &[&(no as i64)],
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let d = delivery_row(r).build()?;
            let attempts = attempts_of(&c, d.id).await?;
            out.push((d, attempts));
        }
        Ok(out)
    }

    pub async fn delivery(&self, id: i64) -> Result<Option<Delivery>, StoreError> {
        let c = self.client().await?;
        query_opt(
            &c,
            &format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1"),
            &[&id],
        )
        .await?
        .map(|r| delivery_row(&r).build())
        .transpose()
    }

    pub async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        let c = self.client().await?;
        let r = &query(
            &c,
            "SELECT count(*), min(CASE WHEN state = 'pending' THEN due_at END)
             FROM deliveries WHERE state IN ('pending', 'in_flight')",
            &[],
        )
        .await?[0];
        Ok(QueueStats {
            depth: r.get::<_, i64>(0) as u64,
            oldest_due_ms: r.get(1),
        })
    }

    pub async fn claim_due(
        &self,
        now_ms: i64,
        limit: usize,
    ) -> Result<(Vec<ClaimedDelivery>, Option<i64>), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // Due and pending, or in flight on a lease that ran out (its replica
        // died mid-post): taken by this replica for a new lease.
        let rows = query(
            &tx,
            &format!(
                "WITH due AS (
                    SELECT id FROM deliveries
                    WHERE (state = 'pending' AND due_at <= $1) OR (state = 'in_flight' AND claimed_until < $1)
                    ORDER BY due_at, id LIMIT $2
                    FOR UPDATE SKIP LOCKED)
                 UPDATE deliveries d SET state = 'in_flight', claimed_by = $3, claimed_until = $1 + $4
                 FROM due WHERE d.id = due.id
                 RETURNING {}",
                DELIVERY_COLUMNS
                    .split(", ")
                    .map(|c| format!("d.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &[&now_ms, &(limit as i64), &self.replica, &self.lease_ms],
        )
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for r in &rows {
            let delivery = delivery_row(r).build()?;
            let order = query_opt(
                &tx,
                &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE no = $1"),
                &[&(delivery.order_no as i64)],
            )
            .await?
            .map(|r| order_row(&r));
            claimed.push(ClaimedDelivery {
                delivery,
                row: order,
            });
        }
        // The next wake-up: the earliest pending due time, or the earliest
        // lease of another replica to run out.
        let next: Option<i64> = query(
            &tx,
            "SELECT least(
                (SELECT min(due_at) FROM deliveries WHERE state = 'pending'),
                (SELECT min(claimed_until) FROM deliveries WHERE state = 'in_flight' AND claimed_by <> $1))",
            &[&self.replica],
        )
        .await?[0]
            .get(0);
        tx.commit().await?;
        claimed.sort_by_key(|c| (c.delivery.due_at_ms, c.delivery.id));
        Ok((claimed, next))
    }

    pub async fn set_delivery_document(
        &self,
        id: i64,
        order_no: u64,
        payload_id: String,
        doc: Document,
    ) -> Result<(i64, bytes::Bytes), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // A replica that made it before dying made the one document this
        // delivery will ever have.
        let made: Option<i64> = query_opt(
            &tx,
            "SELECT document_id FROM deliveries WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?
        .and_then(|r| r.get(0));
        if let Some(doc_id) = made {
            let body: Vec<u8> = query(&tx, "SELECT body FROM documents WHERE id = $1", &[&doc_id])
                .await?
                .first()
                .map(|r| r.get(0))
                .ok_or_else(|| StoreError::Corrupt(format!("document {doc_id} is missing")))?;
            return Ok((doc_id, body.into()));
        }
        let doc_id = insert_document(&tx, None, Some(order_no), &doc).await?;
        execute(
            &tx,
            "UPDATE deliveries SET payload_id = $2, document_id = $3, sent_at = $4 WHERE id = $1",
            &[&id, &payload_id, &doc_id, &time_text(&doc.at).as_str()],
        )
        .await?;
        tx.commit().await?;
        Ok((doc_id, doc.body))
    }

    pub async fn finish_attempt(
        &self,
        delivery: &Delivery,
        result: AttemptResult,
        answer: Option<Document>,
        exchange: Option<Exchange>,
    ) -> Result<(), StoreError> {
        let (id, order_no) = (delivery.id, delivery.order_no);
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let a = &result.attempt;
        if result.target.is_some() {
            execute(
                &tx,
                "INSERT INTO attempts (delivery_id, at, http_status, cxml_status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &id,
                    &time_text(&a.at).as_str(),
                    &status(a.http_status),
                    &status(a.cxml_status),
                    &a.error,
                    &(a.duration_ms as i64),
                ],
            )
            .await?;
        }
        // Only while the lease is this replica's: one that ran out belongs
        // to the replica that took the delivery over.
        let changed = execute(
            &tx,
            "UPDATE deliveries SET state = $2, attempts = attempts + $7, due_at = coalesce($3, due_at),
             last_http = $4, last_cxml = $5, last_error = $6, target = $8, claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND (claimed_by = $9 OR claimed_by IS NULL)",
            &[
                &id,
                &result.state.as_str(),
                &result.next_due_ms,
                &status(a.http_status),
                &status(a.cxml_status),
                &a.error,
                &i32::from(result.target.is_some()),
                &result.target,
                &self.replica,
            ],
        )
        .await?;
        let answer_doc = match &answer {
            Some(doc) => Some(insert_document(&tx, None, Some(order_no), doc).await?),
            None => None,
        };
        if let Some(mut e) = exchange {
            e.response_doc = e.response_doc.or(answer_doc);
            insert_exchange(&tx, &e).await?;
        }
        if changed == 1
            && result.state == DeliveryState::Delivered
            && let Some(next) = &result.follow_up
        {
            insert_delivery(&tx, order_no, next).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn resend(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let c = self.client().await?;
        Ok(execute(
            &c,
            "UPDATE deliveries SET state = 'pending', attempts = 0, due_at = $2, claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND state IN ('failed', 'delivered')",
            &[&id, &now_ms],
        )
        .await?
            == 1)
    }
}
