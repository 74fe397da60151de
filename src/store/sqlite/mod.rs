//! The SQLite engine: one machine, one process, `<data-dir>/absim.db` (WAL)
//! or memory. Reached through `db`: one writer thread committing in batches,
//! reader connections on the blocking pool.
//!
//! In memory beside the database, because this process is the only writer:
//! the groups (a handful, read on every punchout and PO) and the punchout
//! sessions (at most `--max-sessions`, read on every storefront page and
//! PO; see `session_index`). Both are changed by the writer thread after a
//! commit, in commit order, so a caller whose write returned `Ok` reads its
//! own change. Orders and documents stay on disk, so memory does not grow
//! with the log.
//!
//! One file per aggregate, as in the PostgreSQL engine: `groups` (with the
//! injected faults), `sessions`, `orders` (documents, marks, resets),
//! `deliveries`, `journal`, `mails`, `retention`.

mod db;
mod deliveries;
mod groups;
mod journal;
mod mails;
mod orders;
mod packing;
mod retention;
mod runs;
mod schema;
mod session_index;
mod sessions;

use std::path::Path;
use std::sync::{Arc, RwLock};

use rusqlite::{Connection, params};

use db::Db;
pub use db::Sync as Durability;
use session_index::SessionIndex;

use super::model::{Exchange, NewDelivery, PoolStats, StoreError};
use super::rows::time_text;
use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
use crate::domain::order::Document;

pub use schema::VERSION as SCHEMA_VERSION;

pub struct Sqlite {
    db: Db,
    /// Every group, in id order; replaced by the writer after each commit
    /// that changes one.
    groups: Arc<RwLock<Vec<Arc<Group>>>>,
    sessions: Arc<SessionIndex>,
}

impl Sqlite {
    /// Opens (creating and migrating) the database at `path`, or an
    /// in-memory one; creates the default group when there is none.
    pub async fn open(
        path: Option<&Path>,
        durability: Durability,
        seed: impl FnOnce(&mut Group) + Send + 'static,
    ) -> Result<Sqlite, StoreError> {
        let db = Db::open(path, durability)?;
        let (groups, sessions) = db
            .write(move |c| {
                let mut groups = load_groups(c)?;
                if groups.is_empty() {
                    let mut g = Group::generate(1, DEFAULT_GROUP_NAME);
                    seed(&mut g);
                    save_group(c, &g)?;
                    groups.push(g);
                }
                // Deliveries taken by a worker that stopped mid-post go out
                // again: this process is the only one.
                c.execute(
                    "UPDATE deliveries SET state = 'pending' WHERE state = 'in_flight'",
                    [],
                )?;
                Ok((groups, SessionIndex::load(c)?))
            })
            .await?;
        Ok(Sqlite {
            db,
            groups: Arc::new(RwLock::new(groups.into_iter().map(Arc::new).collect())),
            sessions: Arc::new(sessions),
        })
    }

    /// Commits what is queued and stops the writer.
    pub fn close(&self) {
        self.db.close();
    }

    /// The writer takes jobs and reads answer.
    pub async fn ready(&self) -> Result<(), StoreError> {
        self.db
            .read(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?))
            .await
    }

    pub fn pool_stats(&self) -> PoolStats {
        self.db.stats()
    }
}

pub(super) fn insert_document(
    c: &Connection,
    session_id: Option<&str>,
    order_no: Option<u64>,
    doc: &Document,
) -> Result<i64, StoreError> {
    insert_packed(c, session_id, order_no, doc, &packing::pack(&doc.body))
}

/// [`insert_document`] with its body packed already (off the writer
/// thread, where a caller can).
fn insert_packed(
    c: &Connection,
    session_id: Option<&str>,
    order_no: Option<u64>,
    doc: &Document,
    body: &packing::Packed,
) -> Result<i64, StoreError> {
    c.prepare_cached(
        "INSERT INTO documents (session_id, order_no, kind, at, body, packed_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        session_id,
        order_no.map(|n| n as i64),
        doc.kind.as_str(),
        time_text(&doc.at).as_str(),
        &body.body[..],
        body.size
    ])?;
    Ok(c.last_insert_rowid())
}

/// One journal row; a body held by a document is referred to, not copied.
pub(super) fn insert_exchange(c: &Connection, e: &Exchange) -> Result<(), StoreError> {
    fn body(doc: Option<i64>, bytes: &[u8]) -> &[u8] {
        if doc.is_some() { &[] } else { bytes }
    }
    c.prepare_cached(
        "INSERT INTO journal (at, direction, method, target, status, group_id, note, request, response, request_doc, response_doc, replica)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        time_text(&e.at).as_str(),
        e.direction.as_str(),
        e.method.as_str(),
        e.target,
        e.status,
        e.group_id,
        e.note,
        body(e.request_doc, &e.request),
        body(e.response_doc, &e.response),
        e.request_doc,
        e.response_doc,
        e.replica,
    ])?;
    Ok(())
}

pub(super) fn insert_delivery(
    c: &Connection,
    order_no: u64,
    d: &NewDelivery,
) -> Result<i64, StoreError> {
    c.prepare_cached(
        "INSERT INTO deliveries (order_no, kind, step, state, due_at, target) VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
    )?
    .execute(params![order_no as i64, d.kind.as_str(), d.step, d.due_at_ms, d.target])?;
    Ok(c.last_insert_rowid())
}

/// Runs a query whose one column is a JSON body and reads each row.
pub(super) fn json_rows<T: serde::de::DeserializeOwned>(
    c: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(args, |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for body in rows {
        out.push(serde_json::from_str(&body?)?);
    }
    Ok(out)
}

/// Puts a committed group into the in-memory copy.
pub(super) fn put_cached(groups: &RwLock<Vec<Arc<Group>>>, g: &Group) {
    let mut groups = groups.write().expect("groups lock");
    match groups.iter_mut().find(|x| x.id == g.id) {
        Some(slot) => *slot = Arc::new(g.clone()),
        None => {
            groups.push(Arc::new(g.clone()));
            groups.sort_by_key(|g| g.id);
        }
    }
}

pub(super) fn load_groups(c: &Connection) -> Result<Vec<Group>, StoreError> {
    json_rows(c, "SELECT body FROM groups ORDER BY id", [])
}

/// One group as stored (in a write: the state the writer's batch sees).
pub(super) fn load_group(c: &Connection, id: u32) -> Result<Option<Group>, StoreError> {
    Ok(json_rows(c, "SELECT body FROM groups WHERE id = ?1", [id])?
        .into_iter()
        .next())
}

pub(super) fn save_group(c: &Connection, g: &Group) -> Result<(), StoreError> {
    c.prepare_cached(
        "INSERT INTO groups (id, identity, po_token, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET identity = excluded.identity, po_token = excluded.po_token, body = excluded.body",
    )?
    .execute(params![g.id, g.identity, g.po_token, serde_json::to_string(g)?])?;
    Ok(())
}
