//! Data retention: the oldest orders (with their documents, deliveries,
//! attempts, e-mails and journal entries) and the oldest journal entries
//! go, a small batch per writer job, so that PO intake never waits long.

use chrono::{DateTime, Duration, FixedOffset};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::Sqlite;
use super::orders::{JournalOfOrders, delete_orders_where};
use crate::store::model::{Retained, Retention, StoreError};
use crate::store::rows::{RETENTION_BATCH, time_text};

/// Orders a batch may take: unfinished deliveries keep an order, and so
/// does a mark unless `marked` allows it.
const DELETABLE: &str = "(?2 OR mark_result IS NULL)
     AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.order_no = orders.no AND d.state IN ('pending', 'in_flight'))";

impl Sqlite {
    pub async fn retain(
        &self,
        policy: &Retention,
        now: DateTime<FixedOffset>,
    ) -> Result<Retained, StoreError> {
        let mut done = Retained::default();
        let marked = policy.marked;
        if let Some(days) = policy.days {
            let day = (now - Duration::days(i64::from(days)))
                .format("%Y-%m-%d")
                .to_string();
            done.orders += self
                .delete_order_batches("received_day < ?1".into(), Value::Text(day), marked)
                .await?;
        }
        if let Some(keep) = policy.orders_per_group {
            for g in self.groups() {
                let newest_dropped: Option<i64> = self
                    .db
                    .read(move |c| {
                        Ok(c.prepare_cached(
                            "SELECT no FROM orders WHERE group_id = ?1 ORDER BY no DESC LIMIT 1 OFFSET ?2",
                        )?
                        .query_row(params![g.id, keep as i64], |r| r.get(0))
                        .optional()?)
                    })
                    .await?;
                if let Some(last) = newest_dropped {
                    done.orders += self
                        .delete_order_batches(
                            format!("group_id = {} AND no <= ?1", g.id),
                            Value::Integer(last),
                            marked,
                        )
                        .await?;
                }
            }
        }
        if let Some(days) = policy.journal_days {
            let cutoff = time_text(&(now - Duration::days(i64::from(days))));
            done.journal += self
                .delete_journal_batches("at < ?1", Value::Text(cutoff.to_string()))
                .await?;
        }
        if let Some(keep) = policy.journal_entries {
            let newest_dropped: Option<i64> = self
                .db
                .read(move |c| {
                    Ok(c.query_row(
                        "SELECT id FROM journal ORDER BY id DESC LIMIT 1 OFFSET ?1",
                        [keep as i64],
                        |r| r.get(0),
                    )
                    .optional()?)
                })
                .await?;
            if let Some(last) = newest_dropped {
                done.journal += self
                    .delete_journal_batches("id <= ?1", Value::Integer(last))
                    .await?;
            }
        }
        Ok(done)
    }

    /// Deletes the deletable orders that `condition` (on `orders`, with
    /// `arg` as ?1) selects, a batch per writer job, until none is left.
    async fn delete_order_batches(
        &self,
        condition: String,
        arg: Value,
        marked: bool,
    ) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let (condition, arg) = (condition.clone(), arg.clone());
            let n = self
                .db
                .write(move |c| {
                    let nos: Vec<i64> = c
                        .prepare(&format!(
                            "SELECT no FROM orders WHERE {condition} AND {DELETABLE} ORDER BY no LIMIT ?3"
                        ))?
                        .query_map(params![arg, marked, RETENTION_BATCH], |r| r.get(0))?
                        .collect::<Result<_, _>>()?;
                    if nos.is_empty() {
                        return Ok(0);
                    }
                    let list = serde_json::to_string(&nos)?;
                    Ok(delete_orders_where(
                        c,
                        "no IN (SELECT value FROM json_each(?1))",
                        [list],
                        JournalOfOrders::Delete,
                    )? as u64)
                })
                .await?;
            total += n;
            if n < RETENTION_BATCH as u64 {
                return Ok(total);
            }
        }
    }

    async fn delete_journal_batches(
        &self,
        condition: &'static str,
        arg: Value,
    ) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let arg = arg.clone();
            let n = self
                .db
                .write(move |c| {
                    Ok(c.execute(
                        &format!(
                            "DELETE FROM journal WHERE id IN (SELECT id FROM journal WHERE {condition} ORDER BY id LIMIT ?2)"
                        ),
                        params![arg, RETENTION_BATCH],
                    )? as u64)
                })
                .await?;
            total += n;
            if n < RETENTION_BATCH as u64 {
                return Ok(total);
            }
        }
    }
}
