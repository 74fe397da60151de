//! Punchout sessions and their carts: written by the writer, read from the
//! in-memory index (see `session_index`).

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Sqlite, insert_document, json_rows};
use crate::domain::order::Document;
use crate::domain::session::Session;
use crate::store::model::StoreError;
use crate::store::rows::{eviction_batch, time_text};

impl Sqlite {
    pub async fn insert_session(
        &self,
        session: Session,
        documents: Vec<Document>,
        max_sessions: usize,
    ) -> Result<(), StoreError> {
        let index = self.sessions.clone();
        let cached = session.clone();
        self.db
            .write_then(
                move |c| {
                    c.prepare_cached(
                        "INSERT INTO sessions (id, group_id, cart_ref, created_at, touched_at, body, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        session.id,
                        session.group_id,
                        session.cart_ref,
                        time_text(&session.setup.received_at).as_str(),
                        session.touched_at_ms,
                        serde_json::to_string(&session)?,
                        session.run_id
                    ])?;
                    for d in &documents {
                        insert_document(c, Some(&session.id), None, d)?;
                    }
                    let count: i64 =
                        c.prepare_cached("SELECT count(*) FROM sessions")?
                            .query_row([], |r| r.get(0))?;
                    match eviction_batch(count, max_sessions) {
                        0 => Ok(Vec::new()),
                        batch => delete_sessions(
                            c,
                            "1 ORDER BY touched_at, rowid LIMIT ?1",
                            params![batch],
                        ),
                    }
                },
                move |evicted| {
                    index.remove(evicted);
                    index.put(cached);
                },
            )
            .await?;
        Ok(())
    }

    pub fn session(&self, id: &str) -> Option<Arc<Session>> {
        self.sessions.get(id)
    }

    pub fn count_sessions(&self) -> usize {
        self.sessions.len()
    }

    pub async fn update_session<R: Send + 'static>(
        &self,
        id: &str,
        change: impl FnOnce(&mut Session) -> (R, Option<Document>) + Send + 'static,
    ) -> Result<Option<R>, StoreError> {
        let id = id.to_owned();
        let index = self.sessions.clone();
        let (r, _) = self
            .db
            .write_then(
                move |c| {
                    let body: Option<String> = c
                        .prepare_cached("SELECT body FROM sessions WHERE id = ?1")?
                        .query_row([&id], |r| r.get(0))
                        .optional()?;
                    let Some(body) = body else {
                        return Ok((None, None));
                    };
                    let mut session: Session = serde_json::from_str(&body)?;
                    let (r, doc) = change(&mut session);
                    c.prepare_cached(
                        "UPDATE sessions SET body = ?2, touched_at = ?3 WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        serde_json::to_string(&session)?,
                        session.touched_at_ms
                    ])?;
                    if let Some(d) = doc {
                        insert_document(c, Some(&id), None, &d)?;
                    }
                    Ok((Some(r), Some(session)))
                },
                move |(_, session)| {
                    if let Some(s) = session {
                        index.put(s.clone());
                    }
                },
            )
            .await?;
        Ok(r)
    }

    pub async fn recent_sessions(
        &self,
        group_id: u32,
        limit: usize,
    ) -> Result<Vec<Session>, StoreError> {
        self.db
            .read(move |c| {
                json_rows(
                    c,
                    "SELECT body FROM sessions WHERE group_id = ?1 ORDER BY rowid DESC LIMIT ?2",
                    params![group_id, limit as i64],
                )
            })
            .await
    }

    pub fn sessions_for_cart(&self, cart_ref: &str) -> Vec<Arc<Session>> {
        self.sessions.of_cart(cart_ref)
    }

    pub fn session_for_cart(&self, cart_ref: &str) -> Option<Arc<Session>> {
        self.sessions.newest_of_cart(cart_ref)
    }
}

/// Deletes the sessions that `filter` selects (what follows `WHERE` in a
/// `SELECT id FROM sessions`, ordering and limit included) with their
/// documents.
pub(super) fn delete_sessions(
    c: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<String>, StoreError> {
    // The ids first, then each deletion by its indexed key: one statement
    // with the filter as a subquery scanned the documents table.
    let ids: Vec<String> = c
        .prepare(&format!("SELECT id FROM sessions WHERE {filter}"))?
        .query_map(args, |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut documents = c.prepare_cached("DELETE FROM documents WHERE session_id = ?1")?;
    let mut sessions = c.prepare_cached("DELETE FROM sessions WHERE id = ?1")?;
    for id in &ids {
        documents.execute([id])?;
        sessions.execute([id])?;
    }
    Ok(ids)
}
