//! The outbound queue: deliveries and their attempts. This process is the
//! only worker, so a claim is a state change (`in_flight`), reset at start.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::orders::order_row;
use super::{Sqlite, insert_delivery, insert_document, insert_exchange};
use crate::domain::delivery::{Attempt, Delivery, DeliveryState};
use crate::domain::order::Document;
use crate::store::model::{AttemptResult, ClaimedDelivery, Exchange, QueueStats, StoreError};
use crate::store::rows::{DELIVERY_COLUMNS, DeliveryRow, ORDER_COLUMNS, parse_time, time_text};

fn delivery_row(r: &Row) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        id: r.get(0)?,
        order_no: r.get(1)?,
        kind: r.get(2)?,
        state: r.get(3)?,
        due_at: r.get(4)?,
        attempts: r.get(5)?,
        payload_id: r.get(6)?,
        document_id: r.get(7)?,
        target: r.get(8)?,
        last_http: r.get(9)?,
        last_cxml: r.get(10)?,
        last_error: r.get(11)?,
        sent_at: r.get(12)?,
        step: r.get(13)?,
    })
}

fn attempts_of(c: &Connection, delivery_id: i64) -> Result<Vec<Attempt>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT at, http_status, cxml_status, error, duration_ms FROM attempts WHERE delivery_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([delivery_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<u16>>(1)?,
            r.get::<_, Option<u16>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (at, http_status, cxml_status, error, duration_ms) = row?;
        out.push(Attempt {
            at: parse_time(&at)?,
            http_status,
            cxml_status,
            error,
            duration_ms: duration_ms as u64,
        });
    }
    Ok(out)
}

impl Sqlite {
    pub async fn deliveries_of(
        &self,
        no: u64,
    ) -> Result<Vec<(Delivery, Vec<Attempt>)>, StoreError> {
        self.db
            .read(move |c| {
                let rows: Vec<DeliveryRow> = c
                    .prepare_cached(&format!(
                        "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE order_no = ?1 ORDER BY id"
                    ))?
                    .query_map([no as i64], delivery_row)?
                    .collect::<rusqlite::Result<_>>()?;
                let mut out = Vec::new();
                for row in rows {
                    let d = row.build()?;
                    let attempts = attempts_of(c, d.id)?;
                    out.push((d, attempts));
                }
                Ok(out)
            })
            .await
    }

    pub async fn delivery(&self, id: i64) -> Result<Option<Delivery>, StoreError> {
        self.db
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?1"
                ))?
                .query_row([id], delivery_row)
                .optional()?
                .map(DeliveryRow::build)
                .transpose()
            })
            .await
    }

    pub async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        self.db
            .read(|c| {
                let (depth, oldest): (i64, Option<i64>) = c.query_row(
                    "SELECT count(*), min(CASE WHEN state = 'pending' THEN due_at END)
                     FROM deliveries WHERE state IN ('pending', 'in_flight')",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok(QueueStats {
                    depth: depth as u64,
                    oldest_due_ms: oldest,
                })
            })
            .await
    }

    pub async fn claim_due(
        &self,
        now_ms: i64,
        limit: usize,
    ) -> Result<(Vec<ClaimedDelivery>, Option<i64>), StoreError> {
        self.db
            .write(move |c| {
                let due: Vec<Delivery> = c
                    .prepare_cached(&format!(
                        "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE state = 'pending' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2"
                    ))?
                    .query_map(params![now_ms, limit as i64], delivery_row)?
                    .map(|r| r.map_err(StoreError::from).and_then(DeliveryRow::build))
                    .collect::<Result<_, _>>()?;
                let mut take = c.prepare_cached(
                    "UPDATE deliveries SET state = 'in_flight' WHERE id = ?1 AND state = 'pending'",
                )?;
                let mut order = c.prepare_cached(&format!(
                    "SELECT {ORDER_COLUMNS} FROM orders WHERE no = ?1"
                ))?;
                let mut claimed = Vec::with_capacity(due.len());
                for mut delivery in due {
                    take.execute([delivery.id])?;
                    delivery.state = DeliveryState::InFlight;
                    let row = order
                        .query_row([delivery.order_no as i64], order_row)
                        .optional()?;
                    claimed.push(ClaimedDelivery { delivery, row });
                }
                let next: Option<i64> = c
                    .prepare_cached("SELECT min(due_at) FROM deliveries WHERE state = 'pending'")?
                    .query_row([], |r| r.get(0))?;
                Ok((claimed, next))
            })
            .await
    }

    pub async fn set_delivery_document(
        &self,
        id: i64,
        order_no: u64,
        payload_id: String,
        doc: Document,
    ) -> Result<(i64, bytes::Bytes), StoreError> {
        self.db
            .write(move |c| {
                let doc_id = insert_document(c, None, Some(order_no), &doc)?;
                c.execute(
                    "UPDATE deliveries SET payload_id = ?2, document_id = ?3, sent_at = ?4 WHERE id = ?1",
                    params![id, payload_id, doc_id, time_text(&doc.at).as_str()],
                )?;
                Ok((doc_id, doc.body))
            })
            .await
    }

    pub async fn finish_attempt(
        &self,
        delivery: &Delivery,
        result: AttemptResult,
        answer: Option<Document>,
        exchange: Option<Exchange>,
    ) -> Result<(), StoreError> {
        let (id, order_no) = (delivery.id, delivery.order_no);
        self.db
            .write(move |c| {
                let a = &result.attempt;
                if result.target.is_some() {
                    c.prepare_cached(
                        "INSERT INTO attempts (delivery_id, at, http_status, cxml_status, error, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![id, time_text(&a.at).as_str(), a.http_status, a.cxml_status, a.error, a.duration_ms as i64])?;
                }
                c.prepare_cached(
                    "UPDATE deliveries SET state = ?2, attempts = attempts + ?7, due_at = coalesce(?3, due_at),
                     last_http = ?4, last_cxml = ?5, last_error = ?6, target = ?8 WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    result.state.as_str(),
                    result.next_due_ms,
                    a.http_status,
                    a.cxml_status,
                    a.error,
                    i64::from(result.target.is_some()),
                    result.target
                ])?;
                let answer_doc = answer
                    .as_ref()
                    .map(|doc| insert_document(c, None, Some(order_no), doc))
                    .transpose()?;
                if let Some(mut e) = exchange {
                    e.response_doc = e.response_doc.or(answer_doc);
                    insert_exchange(c, &e)?;
                }
                if result.state == DeliveryState::Delivered
                    && let Some(next) = &result.follow_up
                {
                    let exists: bool = c
                        .prepare_cached(
                            "SELECT 1 FROM deliveries WHERE order_no = ?1 AND kind = ?2 AND step = ?3",
                        )?
                        .exists(params![order_no as i64, next.kind.as_str(), next.step])?;
                    if !exists {
                        insert_delivery(c, order_no, next)?;
                    }
                }
                Ok(())
            })
            .await
    }

    pub async fn resend(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        self.db
            .write(move |c| {
                Ok(c.execute(
                    "UPDATE deliveries SET state = 'pending', attempts = 0, due_at = ?2
                     WHERE id = ?1 AND state IN ('failed', 'delivered')",
                    params![id, now_ms],
                )? == 1)
            })
            .await
    }
}
