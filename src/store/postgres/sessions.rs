//! Punchout sessions and their carts, read from the database on every page
//! and PO; a cart change locks its session's row.

use std::sync::Arc;

use deadpool_postgres::GenericClient;

use super::{Postgres, execute, insert_document, json_rows, query};
use crate::domain::order::Document;
use crate::domain::session::Session;
use crate::store::model::StoreError;
use crate::store::rows::{eviction_batch, time_text};

impl Postgres {
    pub async fn insert_session(
        &self,
        session: Session,
        documents: Vec<Document>,
        max_sessions: usize,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        execute(
            &tx,
            "INSERT INTO sessions (id, group_id, cart_ref, scenario, created_at, touched_at, body, run_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &session.id,
                &i64::from(session.group_id),
                &session.cart_ref,
                &session.scenario,
                &time_text(&session.setup.received_at).as_str(),
                &session.touched_at_ms,
                &serde_json::to_string(&session)?,
                &session.run_id,
            ],
        )
        .await?;
        for d in &documents {
            insert_document(&tx, Some(&session.id), None, d).await?;
        }
        let count: i64 = query(&tx, "SELECT count(*) FROM sessions", &[]).await?[0].get(0);
        let batch = eviction_batch(count, max_sessions);
        if batch > 0 {
            // Rows another replica is evicting right now are skipped.
            execute(
                &tx,
                "WITH gone AS (SELECT id FROM sessions ORDER BY touched_at, seq LIMIT $1 FOR UPDATE SKIP LOCKED),
                      docs AS (DELETE FROM documents WHERE session_id IN (SELECT id FROM gone))
                 DELETE FROM sessions WHERE id IN (SELECT id FROM gone)",
                &[&batch],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn session(&self, id: &str) -> Result<Option<Arc<Session>>, StoreError> {
        let c = self.client().await?;
        Ok(
            json_rows(&c, "SELECT body FROM sessions WHERE id = $1", &[&id])
                .await?
                .into_iter()
                .next()
                .map(Arc::new),
        )
    }

    pub async fn count_sessions(&self) -> Result<usize, StoreError> {
        let c = self.client().await?;
        let n: i64 = query(&c, "SELECT count(*) FROM sessions", &[]).await?[0].get(0);
        Ok(n as usize)
    }

    pub async fn update_session<R: Send + 'static>(
        &self,
        id: &str,
        change: impl FnOnce(&mut Session) -> (R, Option<Document>) + Send + 'static,
    ) -> Result<Option<R>, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let found: Option<Session> = json_rows(
            &tx,
            "SELECT body FROM sessions WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?
        .into_iter()
        .next();
        let Some(mut session) = found else {
            return Ok(None);
        };
        let (r, doc) = change(&mut session);
        execute(
            &tx,
            "UPDATE sessions SET body = $2, touched_at = $3 WHERE id = $1",
            &[
                &id,
                &serde_json::to_string(&session)?,
                &session.touched_at_ms,
            ],
        )
        .await?;
        if let Some(d) = doc {
            insert_document(&tx, Some(id), None, &d).await?;
        }
        tx.commit().await?;
        Ok(Some(r))
    }

    pub async fn recent_sessions(
        &self,
        group_id: u32,
        limit: usize,
    ) -> Result<Vec<Session>, StoreError> {
        let c = self.client().await?;
        json_rows(
            &c,
            "SELECT body FROM sessions WHERE group_id = $1 ORDER BY seq DESC LIMIT $2",
            &[&i64::from(group_id), &(limit as i64)],
        )
        .await
    }

    pub async fn sessions_for_cart(&self, cart_ref: &str) -> Result<Vec<Arc<Session>>, StoreError> {
        let c = self.client().await?;
        Ok(sessions_of_cart(&c, cart_ref)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect())
    }
}

async fn sessions_of_cart(
    c: &impl GenericClient,
    cart_ref: &str,
) -> Result<Vec<Session>, StoreError> {
    json_rows(
        c,
        "SELECT body FROM sessions WHERE cart_ref = $1 ORDER BY seq",
        &[&cart_ref],
    )
    .await
}
