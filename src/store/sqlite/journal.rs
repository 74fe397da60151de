//! The request journal: entries are queued with the writer's next batch
//! (the exchange they record was answered already); readers flush first.

use chrono::DateTime;
use rusqlite::params;

use super::{Sqlite, insert_exchange};
use crate::store::model::{Exchange, JournalFilter, StoreError};
use crate::store::rows::parse_time;

impl Sqlite {
    pub fn record_exchange(&self, e: Exchange) -> Result<(), StoreError> {
        self.db
            .enqueue("a journal entry", move |c| insert_exchange(c, &e))
    }

    pub async fn journal(
        &self,
        filter: JournalFilter,
        limit: usize,
    ) -> Result<Vec<(i64, Exchange)>, StoreError> {
        let JournalFilter {
            direction,
            target,
            status,
            group,
            refused,
        } = filter;
        self.db.flush().await?;
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT j.id, j.at, j.direction, j.method, j.target, j.status, j.group_id, j.note,
                            coalesce(unpack(rq.body, rq.packed_size), j.request),
                            coalesce(unpack(rs.body, rs.packed_size), j.response), j.replica
                     FROM journal j
                     LEFT JOIN documents rq ON rq.id = j.request_doc
                     LEFT JOIN documents rs ON rs.id = j.response_doc
                     WHERE (?1 IS NULL OR j.direction = ?1) AND (?2 IS NULL OR instr(j.target, ?2) > 0)
                       AND (?3 IS NULL OR j.status = ?3) AND (?5 IS NULL OR j.group_id = ?5)
                       AND (?6 = 0 OR j.status >= 400)
                     ORDER BY j.id DESC LIMIT ?4",
                )?;
                let args = params![direction, target, status, limit as i64, group, refused];
                let rows = stmt.query_map(args, |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        Exchange {
                            at: DateTime::default(),
                            direction: r.get_ref(2)?.as_str()?.into(),
                            method: r.get_ref(3)?.as_str()?.into(),
                            target: r.get(4)?,
                            status: r.get(5)?,
                            group_id: r.get(6)?,
                            note: r.get(7)?,
                            request: r.get::<_, Vec<u8>>(8)?.into(),
                            response: r.get::<_, Vec<u8>>(9)?.into(),
                            request_doc: None,
                            response_doc: None,
                            replica: r.get_ref(10)?.as_str_or_null()?.unwrap_or_default().into(),
                        },
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, at, mut e) = row?;
                    e.at = parse_time(&at)?;
                    out.push((id, e));
                }
                Ok(out)
            })
            .await
    }
}
