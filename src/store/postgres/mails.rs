//! PO確認のメール: the outbox of order e-mails.

use super::{Postgres, execute, query};
use crate::store::model::{Mail, StoreError};
use crate::store::rows::parse_time;

impl Postgres {
    pub async fn mails(
        &self,
        group_id: u32,
        order_no: Option<u64>,
    ) -> Result<Vec<Mail>, StoreError> {
        let c = self.client().await?;
        // One statement per case, as on SQLite: an order's mails through
        // their index.
        let group = i64::from(group_id);
        let rows = match order_no {
            Some(no) => {
                query(
                    &c,
                    "SELECT id, order_no, recipient, subject, body, created_at, smtp, smtp_error FROM mails
                     WHERE order_no = $2 AND group_id = $1 ORDER BY id DESC LIMIT 200",
                    &[&group, &(no as i64)],
                )
                .await?
            }
            None => {
                query(
                    &c,
                    "SELECT id, order_no, recipient, subject, body, created_at, smtp, smtp_error FROM mails
                     WHERE group_id = $1 ORDER BY id DESC LIMIT 200",
                    &[&group],
                )
                .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(Mail {
                    id: r.get(0),
                    group_id,
                    order_no: r.get::<_, Option<i64>>(1).map(|n| n as u64),
                    recipient: r.get(2),
                    subject: r.get(3),
                    body: r.get(4),
                    created_at: parse_time(r.get(5))?,
                    smtp: r.get(6),
                    smtp_error: r.get(7),
                })
            })
            .collect()
    }

    pub async fn set_mail_sent(&self, id: i64, error: Option<String>) -> Result<(), StoreError> {
        let c = self.client().await?;
        execute(
            &c,
            "UPDATE mails SET smtp = $2, smtp_error = $3 WHERE id = $1",
            &[
                &id,
                &if error.is_none() { "sent" } else { "failed" },
                &error,
            ],
        )
        .await?;
        Ok(())
    }
}
