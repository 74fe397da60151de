//! Data retention across replicas: one replica at a time runs a pass (a
//! try-lock; the others skip theirs), deleting the oldest orders with what
//! hangs off them and the oldest journal entries, a small batch per
//! transaction.

use chrono::{DateTime, Duration, FixedOffset};
use tokio_postgres::types::ToSql;

use super::orders::{JournalOfOrders, delete_orders, order_nos};
use super::{Postgres, execute, query};
use crate::store::model::{Retained, Retention, StoreError};
use crate::store::rows::{RETENTION_BATCH, time_text};

/// The advisory lock of a retention pass ("absimret").
const RETENTION_LOCK: i64 = 0x6162_7369_6d72_6574;

/// Orders a batch may take: unfinished deliveries keep an order, and so
/// does a mark unless `--retain-marked`.
const DELETABLE: &str = "($2 OR mark_result IS NULL)
     AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.order_no = orders.no AND d.state IN ('pending', 'in_flight'))";

impl Postgres {
    pub async fn retain(
        &self,
        policy: &Retention,
        now: DateTime<FixedOffset>,
    ) -> Result<Retained, StoreError> {
        let lock = self.client().await?;
        let got: bool =
            query(&lock, "SELECT pg_try_advisory_lock($1)", &[&RETENTION_LOCK]).await?[0].get(0);
        if !got {
            return Ok(Retained::default());
        }
        let done = self.retain_locked(policy, now).await;
        let _ = execute(&lock, "SELECT pg_advisory_unlock($1)", &[&RETENTION_LOCK]).await;
        done
    }

    async fn retain_locked(
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
                .delete_order_batches("received_day < $1", &day, marked)
                .await?;
        }
        if let Some(keep) = policy.orders_per_group {
            for g in self.groups().await? {
                let c = self.client().await?;
                let last: Option<i64> = query(
                    &c,
                    "SELECT no FROM orders WHERE group_id = $1 ORDER BY no DESC LIMIT 1 OFFSET $2",
                    &[&i64::from(g.id), &(keep as i64)],
                )
                .await?
                .first()
                .map(|r| r.get(0));
                drop(c);
                if let Some(last) = last {
                    done.orders += self
                        .delete_order_batches(
                            &format!("group_id = {} AND no <= $1", g.id),
                            &last,
                            marked,
                        )
                        .await?;
                }
            }
        }
        if let Some(days) = policy.journal_days {
            let cutoff = time_text(&(now - Duration::days(i64::from(days))));
            done.journal += self
                .delete_journal_batches("at < $1", &cutoff.as_str())
                .await?;
        }
        if let Some(keep) = policy.journal_entries {
            let c = self.client().await?;
            let last: Option<i64> = query(
                &c,
                "SELECT id FROM journal ORDER BY id DESC LIMIT 1 OFFSET $1",
                &[&(keep as i64)],
            )
            .await?
            .first()
            .map(|r| r.get(0));
            drop(c);
            if let Some(last) = last {
                done.journal += self.delete_journal_batches("id <= $1", &last).await?;
            }
        }
        Ok(done)
    }

    /// Deletes the deletable orders `condition` selects (with `arg` as $1),
    /// a batch per transaction, until none is left.
    async fn delete_order_batches(
        &self,
        condition: &str,
        arg: &(dyn ToSql + Sync),
        marked: bool,
    ) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            let nos = order_nos(
                &tx,
                &format!("{condition} AND {DELETABLE}"),
                &[arg, &marked],
                Some(RETENTION_BATCH),
            )
            .await?;
            let n = delete_orders(&tx, &nos, JournalOfOrders::Delete).await? as u64;
            tx.commit().await?;
            total += n;
            if n < RETENTION_BATCH as u64 {
                return Ok(total);
            }
        }
    }

    async fn delete_journal_batches(
        &self,
        condition: &str,
        arg: &(dyn ToSql + Sync),
    ) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let c = self.client().await?;
            let n = c
                .execute(
                    &format!(
                        "DELETE FROM journal WHERE id IN (SELECT id FROM journal WHERE {condition} ORDER BY id LIMIT {RETENTION_BATCH})"
                    ),
                    &[arg],
                )
                .await?;
            total += n;
            if n < RETENTION_BATCH as u64 {
                return Ok(total);
            }
        }
    }
}
