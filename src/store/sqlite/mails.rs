//! PO確認のメール: the outbox of order e-mails.

use rusqlite::params;

use super::Sqlite;
use crate::store::model::{Mail, StoreError};
use crate::store::rows::parse_time;

impl Sqlite {
    pub async fn mails(
        &self,
        group_id: u32,
        order_no: Option<u64>,
    ) -> Result<Vec<Mail>, StoreError> {
        self.db
            .read(move |c| {
                // One statement per case: `?2 IS NULL OR order_no = ?2`
                // kept SQLite off the order's index, and the test-log entry
                // of an old order read every mail of its group.
                let (mut stmt, order) = match order_no {
                    Some(no) => (
                        c.prepare_cached(
                            "SELECT id, order_no, recipient, subject, body, created_at, smtp, smtp_error FROM mails
                             WHERE order_no = ?2 AND group_id = ?1 ORDER BY id DESC LIMIT 200",
                        )?,
                        Some(no as i64),
                    ),
                    None => (
                        c.prepare_cached(
                            "SELECT id, order_no, recipient, subject, body, created_at, smtp, smtp_error FROM mails
                             WHERE group_id = ?1 AND ?2 IS NULL ORDER BY id DESC LIMIT 200",
                        )?,
                        None,
                    ),
                };
                let rows = stmt.query_map(params![group_id, order], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, order_no, recipient, subject, body, created_at, smtp, smtp_error) = row?;
                    out.push(Mail {
                        id,
                        group_id,
                        order_no: order_no.map(|n| n as u64),
                        recipient,
                        subject,
                        body,
                        created_at: parse_time(&created_at)?,
                        smtp,
                        smtp_error,
                    });
                }
                Ok(out)
            })
            .await
    }

    pub async fn set_mail_sent(&self, id: i64, error: Option<String>) -> Result<(), StoreError> {
        self.db
            .write(move |c| {
                c.execute(
                    "UPDATE mails SET smtp = ?2, smtp_error = ?3 WHERE id = ?1",
                    params![id, if error.is_none() { "sent" } else { "failed" }, error],
                )?;
                Ok(())
            })
            .await
    }
}
