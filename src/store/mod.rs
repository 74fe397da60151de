//! The one record path: groups, punchout sessions and carts, orders, every
//! document received or sent, the outbound queue with its attempts, marks and
//! injected faults. The web layer, the delivery worker and the tests all read
//! and write through this module.
//!
//! SQLite is the truth (`<data-dir>/absim.db`, WAL), reached through
//! the `db` module: one writer thread committing in batches, reader connections on
//! the blocking pool. A method that returns `Ok` after a write has committed
//! it: a PO answered `200 OK` is on disk before the answer leaves.
//!
//! In memory: the groups (a handful, read on every punchout and PO), in an
//! `RwLock` refreshed on each change, and the punchout sessions (at most
//! `--max-sessions`, read on every storefront page and PO; see
//! `session_index`). Orders and documents stay on disk, so memory does not
//! grow with the log.

mod db;
mod schema;
mod session_index;

use std::path::Path;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, Row, params};

use db::Db;
pub use db::Sync as Durability;
use session_index::SessionIndex;

use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
use crate::domain::catalog::normalize;
use crate::domain::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};
use crate::domain::fault::FaultKind;
use crate::domain::order::{DocKind, Document, DocumentMeta, Mark, Order, TestResult};
use crate::domain::session::Session;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("the store is closed")]
    Closed,
    #[error("{0}")]
    Internal(String),
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

/// Why an order was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("payloadID '{0}' was already received; every document needs a unique payloadID")]
    PayloadId(String),
    #[error("orderID '{0}' was already received for this group (発注番号の重複)")]
    OrderId(String),
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    #[error(transparent)]
    Conflict(#[from] Conflict),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Filters of the test log and the order search.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub scenario: Option<String>,
    /// Matches the order number, confirmID, ASINs and descriptions.
    pub text: Option<String>,
    pub order_id: Option<String>,
    pub asin: Option<String>,
    /// None: any; Some(None): unmarked; Some(Some(r)): marked r.
    pub result: Option<Option<TestResult>>,
}

/// A delivery to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub kind: DeliveryKind,
    /// Which ship notice (0 for the others).
    pub step: u32,
    pub due_at_ms: i64,
    pub target: Option<String>,
}

/// How an attempt ended, for [`Store::finish_attempt`].
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub attempt: Attempt,
    /// Where it was posted (None: no endpoint, nothing posted).
    pub target: Option<String>,
    pub state: DeliveryState,
    /// For a retry: when.
    pub next_due_ms: Option<i64>,
    /// What to queue once this one is delivered (the ship notice after the
    /// confirmation).
    pub follow_up: Option<NewDelivery>,
}

pub use crate::domain::fault::FaultRecord;

/// A stored document with its body and owners.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub meta: DocumentMeta,
    pub order_no: Option<u64>,
    pub session_id: Option<String>,
    pub body: Vec<u8>,
}

pub struct Store {
    db: Db,
    groups: RwLock<Vec<Group>>,
    sessions: Arc<RwLock<SessionIndex>>,
}

/// Sessions evicted at once past the bound: `max_sessions` divided by this.
const EVICTION_BATCH_DIVISOR: usize = 1000;

fn time_text(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

fn parse_time(s: &str) -> Result<DateTime<FixedOffset>, StoreError> {
    DateTime::parse_from_rfc3339(s).map_err(|e| StoreError::Corrupt(format!("time '{s}': {e}")))
}

fn like_pattern(s: &str) -> String {
    let escaped = normalize(s)
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn insert_document(
    c: &Connection,
    session_id: Option<&str>,
    order_no: Option<u64>,
    doc: &Document,
) -> Result<i64, StoreError> {
    c.prepare_cached(
        "INSERT INTO documents (session_id, order_no, kind, at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        session_id,
        order_no.map(|n| n as i64),
        doc.kind.as_str(),
        time_text(&doc.at),
        doc.body
    ])?;
    Ok(c.last_insert_rowid())
}

/// One journal row; a body held by a document is referred to, not copied.
fn insert_exchange(c: &Connection, e: &Exchange) -> Result<(), StoreError> {
    fn body(doc: Option<i64>, bytes: &[u8]) -> &[u8] {
        if doc.is_some() { &[] } else { bytes }
    }
    c.prepare_cached(
        "INSERT INTO journal (at, direction, method, target, status, group_id, note, request, response, request_doc, response_doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        time_text(&e.at),
        e.direction,
        e.method,
        e.target,
        e.status,
        e.group_id,
        e.note,
        body(e.request_doc, &e.request),
        body(e.response_doc, &e.response),
        e.request_doc,
        e.response_doc,
    ])?;
    Ok(())
}

fn insert_delivery(c: &Connection, order_no: u64, d: &NewDelivery) -> Result<i64, StoreError> {
    c.prepare_cached(
        "INSERT INTO deliveries (order_no, kind, step, state, due_at, target) VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
    )?
    .execute(params![order_no as i64, d.kind.as_str(), d.step, d.due_at_ms, d.target])?;
    Ok(c.last_insert_rowid())
}

/// Runs a query whose one column is a JSON body and reads each row.
fn json_rows<T: serde::de::DeserializeOwned>(
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

fn load_groups(c: &Connection) -> Result<Vec<Group>, StoreError> {
    json_rows(c, "SELECT body FROM groups ORDER BY id", [])
}

/// One group as stored (in a write: the state the writer's batch sees).
fn load_group(c: &Connection, id: u32) -> Result<Group, StoreError> {
    let body: String = c.query_row("SELECT body FROM groups WHERE id = ?1", [id], |r| r.get(0))?;
    Ok(serde_json::from_str(&body)?)
}

fn save_group(c: &Connection, g: &Group) -> Result<(), StoreError> {
    c.prepare_cached(
        "INSERT INTO groups (id, identity, po_token, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET identity = excluded.identity, po_token = excluded.po_token, body = excluded.body",
    )?
    .execute(params![g.id, g.identity, g.po_token, serde_json::to_string(g)?])?;
    Ok(())
}

const ORDER_COLUMNS: &str = "no, body, mark_result, mark_by, mark_at, mark_comment";

/// An order row as read: number, JSON body, and the mark's columns.
type OrderRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn order_from_row(r: &Row) -> rusqlite::Result<OrderRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn build_order((no, body, result, by, at, comment): OrderRow) -> Result<Order, StoreError> {
    let mut order: Order = serde_json::from_str(&body)?;
    order.no = no as u64;
    order.mark = match (result.as_deref().and_then(TestResult::parse), by, at) {
        (Some(result), Some(by), Some(at)) => Some(Mark {
            result,
            by,
            at: parse_time(&at)?,
            comment,
        }),
        _ => None,
    };
    Ok(order)
}

const DELIVERY_COLUMNS: &str = "id, order_no, kind, state, due_at, attempts, payload_id, document_id, target, last_http, last_cxml, last_error, sent_at, step";

fn delivery_from_row(r: &Row) -> rusqlite::Result<Result<Delivery, StoreError>> {
    let kind: String = r.get(2)?;
    let state: String = r.get(3)?;
    let sent_at: Option<String> = r.get(12)?;
    let build = || -> Result<Delivery, StoreError> {
        Ok(Delivery {
            id: r.get(0)?,
            order_no: r.get::<_, i64>(1)? as u64,
            kind: DeliveryKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("delivery kind '{kind}'")))?,
            step: r.get(13)?,
            state: DeliveryState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("delivery state '{state}'")))?,
            due_at_ms: r.get(4)?,
            attempts: r.get(5)?,
            payload_id: r.get(6)?,
            document_id: r.get(7)?,
            target: r.get(8)?,
            last_http: r.get(9)?,
            last_cxml: r.get(10)?,
            last_error: r.get(11)?,
            sent_at: sent_at.as_deref().map(parse_time).transpose()?,
        })
    };
    Ok(build())
}

impl Store {
    /// Opens the store at `path` (None: in memory), migrating the schema.
    /// When there is no group yet, creates the default one and lets `seed`
    /// adjust it (the command line's fixed credentials).
    pub async fn open(
        path: Option<&Path>,
        durability: Durability,
        seed: impl FnOnce(&mut Group) + Send + 'static,
    ) -> Result<Store, StoreError> {
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
                // Deliveries taken by a worker that stopped mid-post go out again.
                c.execute(
                    "UPDATE deliveries SET state = 'pending' WHERE state = 'in_flight'",
                    [],
                )?;
                Ok((groups, SessionIndex::load(c)?))
            })
            .await?;
        Ok(Store {
            db,
            groups: RwLock::new(groups),
            sessions: Arc::new(RwLock::new(sessions)),
        })
    }

    /// Commits what is queued and stops the writer.
    pub fn close(&self) {
        self.db.close();
    }

    // ---- groups -------------------------------------------------------

    pub fn groups(&self) -> Vec<Group> {
        self.groups.read().expect("groups lock").clone()
    }

    pub fn group(&self, id: u32) -> Option<Group> {
        self.find_group(|g| g.id == id)
    }

    pub fn group_by_token(&self, token: &str) -> Option<Group> {
        self.find_group(|g| g.po_token == token)
    }

    pub fn group_by_identity(&self, identity: &str) -> Option<Group> {
        self.find_group(|g| g.identity == identity)
    }

    fn find_group(&self, pred: impl Fn(&Group) -> bool) -> Option<Group> {
        self.groups
            .read()
            .expect("groups lock")
            .iter()
            .find(|g| pred(g))
            .cloned()
    }

    fn cache_group(&self, g: &Group) {
        let mut groups = self.groups.write().expect("groups lock");
        match groups.iter_mut().find(|x| x.id == g.id) {
            Some(slot) => *slot = g.clone(),
            None => groups.push(g.clone()),
        }
    }

    /// Changes a group and saves it. `change` validates and returns a
    /// message people can read when it refuses.
    pub async fn update_group(
        &self,
        id: u32,
        change: impl FnOnce(&mut Group) -> Result<(), String>,
    ) -> Result<Group, String> {
        let mut g = self
            .group(id)
            .ok_or_else(|| format!("there is no group {id}"))?;
        change(&mut g)?;
        if self
            .groups()
            .iter()
            .any(|other| other.id != id && other.identity == g.identity)
        {
            return Err(format!(
                "システムログイン '{}' は別のグループで使われています (the system login is used by another group)",
                g.identity
            ));
        }
        let saved = g.clone();
        self.db
            .write(move |c| save_group(c, &saved))
            .await
            .map_err(|e| format!("the settings could not be saved: {e}"))?;
        self.cache_group(&g);
        Ok(g)
    }

    /// グループを追加: a new group in test mode with generated, unique
    /// credentials and its own PO Request URL.
    pub async fn add_group(
        &self,
        name: &str,
        payment_scope: crate::domain::account::Scope,
        address_scope: crate::domain::account::Scope,
    ) -> Result<Group, StoreError> {
        let name = name.to_owned();
        let group = self
            .db
            .write(move |c| {
                let groups = load_groups(c)?;
                let id = groups.iter().map(|g| g.id).max().unwrap_or(0) + 1;
                let mut g = Group::generate(id, &name);
                while groups.iter().any(|o| o.identity == g.identity) {
                    g.identity = crate::domain::account::generate_identity();
                }
                g.payment_scope = payment_scope;
                g.address_scope = address_scope;
                save_group(c, &g)?;
                Ok(g)
            })
            .await?;
        self.cache_group(&group);
        Ok(group)
    }

    /// Decides, atomically with other POs, whether this PO of the group gets
    /// the injected fault, counting it down.
    pub async fn take_fault(&self, group_id: u32) -> Result<Option<FaultKind>, StoreError> {
        if !self.group(group_id).is_some_and(|g| g.faults.is_on()) {
            return Ok(None);
        }
        let unit: f64 = rand::random();
        let (kind, group) = self
            .db
            .write(move |c| {
                let mut g = load_group(c, group_id)?;
                let kind = g.faults.take(unit);
                if kind.is_some() {
                    save_group(c, &g)?;
                }
                Ok((kind, g))
            })
            .await?;
        self.cache_group(&group);
        Ok(kind)
    }

    /// Decides whether this PO gets the scenario's injected fault, counting
    /// uses per group and scenario.
    pub async fn take_scenario_fault(
        &self,
        group_id: u32,
        scenario: &str,
        plan: &crate::domain::fault::FaultPlan,
    ) -> Result<Option<FaultKind>, StoreError> {
        let Some(kind) = plan.kind else {
            return Ok(None);
        };
        let (scenario, plan) = (scenario.to_owned(), plan.clone());
        let unit: f64 = rand::random();
        let (taken, group) = self
            .db
            .write(move |c| {
                let mut g = load_group(c, group_id)?;
                let used = g.scenario_fault_uses.get(&scenario).copied().unwrap_or(0);
                let taken = match plan.remaining {
                    Some(n) => used < n,
                    None => plan
                        .share_percent
                        .is_some_and(|p| unit * 100.0 < f64::from(p.min(100))),
                };
                if taken {
                    g.scenario_fault_uses.insert(scenario, used + 1);
                    save_group(c, &g)?;
                }
                Ok((taken.then_some(kind), g))
            })
            .await?;
        self.cache_group(&group);
        Ok(taken)
    }

    pub async fn record_fault(&self, f: FaultRecord) -> Result<(), StoreError> {
        self.db
            .write(move |c| {
                c.execute(
                    "INSERT INTO faults (group_id, at, kind, payload_id, order_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![f.group_id, time_text(&f.at), f.kind.as_str(), f.payload_id, f.order_id, f.detail],
                )?;
                Ok(())
            })
            .await
    }

    /// The group's injected faults, newest first.
    pub async fn faults(
        &self,
        group_id: u32,
        limit: usize,
    ) -> Result<Vec<FaultRecord>, StoreError> {
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT at, kind, payload_id, order_id, detail FROM faults WHERE group_id = ?1 ORDER BY id DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![group_id, limit as i64], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (at, kind, payload_id, order_id, detail) = row?;
                    out.push(FaultRecord {
                        group_id,
                        at: parse_time(&at)?,
                        kind: FaultKind::parse(&kind).map_err(StoreError::Corrupt)?,
                        payload_id,
                        order_id,
                        detail,
                    });
                }
                Ok(out)
            })
            .await
    }

    // ---- sessions -----------------------------------------------------

    /// Records a new punchout session with its setup documents. Beyond
    /// `max_sessions`, the sessions idle longest are forgotten, one
    /// thousandth of the bound at a time.
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
                        "INSERT INTO sessions (id, group_id, cart_ref, created_at, touched_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        session.id,
                        session.group_id,
                        session.cart_ref,
                        time_text(&session.setup.received_at),
                        session.touched_at_ms,
                        serde_json::to_string(&session)?
                    ])?;
                    for d in &documents {
                        insert_document(c, Some(&session.id), None, d)?;
                    }
                    let count: i64 =
                        c.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))?;
                    let excess = count - max_sessions as i64;
                    if excess > 0 {
                        // Past the bound, the idle-longest 0.1% go at once:
                        // neighbouring rows share pages, so a batch costs
                        // little more than one session (setup at 64
                        // connections: 6.8k -> 7.4k req/s, p99 17 -> 13 ms;
                        // batches of 1% made p99 worse).
                        let batch = excess + (max_sessions / EVICTION_BATCH_DIVISOR) as i64;
                        return delete_sessions(
                            c,
                            "1 ORDER BY touched_at, rowid LIMIT ?1",
                            params![batch],
                        );
                    }
                    Ok(Vec::new())
                },
                move |evicted| {
                    let mut index = index.write().expect("session index lock");
                    index.remove(evicted);
                    index.put(cached);
                },
            )
            .await?;
        Ok(())
    }

    pub async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        Ok(self.sessions().get(id).map(|s| Session::clone(&s)))
    }

    fn sessions(&self) -> std::sync::RwLockReadGuard<'_, SessionIndex> {
        self.sessions.read().expect("session index lock")
    }

    /// Changes a session (its cart) in one transaction; None when there is
    /// no such session. `document` is stored with it when given.
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
                        index.write().expect("session index lock").put(s.clone());
                    }
                },
            )
            .await?;
        Ok(r)
    }

    /// A group's newest punchout sessions.
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

    /// Every session of a cart (its create, and any edit or inspect), oldest
    /// first.
    pub async fn sessions_for_cart(&self, cart_ref: &str) -> Result<Vec<Session>, StoreError> {
        Ok(self
            .sessions()
            .of_cart(cart_ref)
            .iter()
            .map(|s| Session::clone(s))
            .collect())
    }

    /// The newest session of a cart.
    pub async fn session_for_cart(&self, cart_ref: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .sessions()
            .of_cart(cart_ref)
            .last()
            .map(|s| s.id.clone()))
    }

    // ---- orders -------------------------------------------------------

    /// Records an accepted order, its documents and its first delivery in
    /// one transaction, refusing a repeated payloadID or a repeated orderID
    /// within the group. Returns the order with its number.
    pub async fn insert_order(
        &self,
        mut order: Order,
        [po, answer]: [Document; 2],
        first: NewDelivery,
        mails: Vec<crate::domain::mail::NewMail>,
    ) -> Result<(Order, StoredBodies), InsertError> {
        let result = self
            .db
            .write(move |c| {
                let seen: bool = c
                    .prepare_cached("SELECT 1 FROM orders WHERE payload_id = ?1 AND refused = 0")?
                    .exists([&order.payload_id])?;
                if seen {
                    return Ok(Err(Conflict::PayloadId(order.payload_id.clone())));
                }
                let repeated: bool = c
                    .prepare_cached("SELECT 1 FROM orders WHERE group_id = ?1 AND order_id = ?2 AND refused = 0")?
                    .exists(params![order.group_id, order.order_id])?;
                if repeated {
                    return Ok(Err(Conflict::OrderId(order.order_id.clone())));
                }
                insert_order_row(c, &mut order, false)?;
                let bodies = StoredBodies {
                    request: insert_document(c, None, Some(order.no), &po)?,
                    response: insert_document(c, None, Some(order.no), &answer)?,
                };
                insert_delivery(c, order.no, &first)?;
                for m in &mails {
                    c.prepare_cached(
                        "INSERT INTO mails (group_id, order_no, recipient, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        order.group_id,
                        order.no as i64,
                        m.recipient,
                        m.subject,
                        m.body,
                        time_text(&order.received_at)
                    ])?;
                }
                Ok(Ok((order, bodies)))
            })
            .await?;
        Ok(result?)
    }

    /// Records a refused PO, with what it was answered, so that the test
    /// log shows it.
    pub async fn insert_refused(
        &self,
        mut order: Order,
        [po, answer]: [Document; 2],
    ) -> Result<(Order, StoredBodies), StoreError> {
        self.db
            .write(move |c| {
                insert_order_row(c, &mut order, true)?;
                let bodies = StoredBodies {
                    request: insert_document(c, None, Some(order.no), &po)?,
                    response: insert_document(c, None, Some(order.no), &answer)?,
                };
                Ok((order, bodies))
            })
            .await
    }

    pub async fn order(&self, no: u64) -> Result<Option<Order>, StoreError> {
        self.db
            .read(move |c| {
                let row = c
                    .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE no = ?1"))?
                    .query_row([no as i64], order_from_row)
                    .optional()?;
                row.map(build_order).transpose()
            })
            .await
    }

    /// Orders of a group matching the filter, newest first, at most
    /// `limit`; and how many match in all.
    pub async fn orders(
        &self,
        group_id: u32,
        filter: &OrderFilter,
        limit: usize,
    ) -> Result<(Vec<Order>, usize), StoreError> {
        let filter = filter.clone();
        self.db
            .read(move |c| {
                let mut clauses = vec!["group_id = ?".to_owned()];
                let mut args: Vec<rusqlite::types::Value> = vec![i64::from(group_id).into()];
                if let Some(f) = filter.from {
                    clauses.push("received_day >= ?".into());
                    args.push(f.format("%Y-%m-%d").to_string().into());
                }
                if let Some(t) = filter.to {
                    clauses.push("received_day <= ?".into());
                    args.push(t.format("%Y-%m-%d").to_string().into());
                }
                if let Some(s) = &filter.scenario {
                    clauses.push("scenario = ?".into());
                    args.push(s.clone().into());
                }
                if let Some(t) = &filter.text {
                    clauses.push("search LIKE ? ESCAPE '\\'".into());
                    args.push(like_pattern(t).into());
                }
                if let Some(o) = &filter.order_id {
                    clauses.push("lower(order_id) LIKE ? ESCAPE '\\'".into());
                    args.push(like_pattern(o).into());
                }
                if let Some(a) = &filter.asin {
                    clauses.push("asins LIKE ? ESCAPE '\\'".into());
                    args.push(like_pattern(a).into());
                }
                match &filter.result {
                    None => {}
                    Some(None) => clauses.push("mark_result IS NULL".into()),
                    Some(Some(r)) => {
                        clauses.push("mark_result = ?".into());
                        args.push(result_text(*r).to_owned().into());
                    }
                }
                let where_ = clauses.join(" AND ");
                let total: i64 = c.query_row(
                    &format!("SELECT count(*) FROM orders WHERE {where_}"),
                    rusqlite::params_from_iter(args.iter()),
                    |r| r.get(0),
                )?;
                args.push((limit as i64).into());
                let mut stmt = c.prepare(&format!(
                    "SELECT {ORDER_COLUMNS} FROM orders WHERE {where_} ORDER BY no DESC LIMIT ?"
                ))?;
                let rows =
                    stmt.query_map(rusqlite::params_from_iter(args.iter()), order_from_row)?;
                let mut out = Vec::new();
                for row in rows {
                    out.push(build_order(row?)?);
                }
                Ok((out, total as usize))
            })
            .await
    }

    pub async fn count_orders(
        &self,
        group_id: u32,
        scenario: Option<&str>,
    ) -> Result<usize, StoreError> {
        let scenario = scenario.map(str::to_owned);
        self.db
            .read(move |c| {
                let n: i64 = match &scenario {
                    Some(s) => c.query_row(
                        "SELECT count(*) FROM orders WHERE group_id = ?1 AND scenario = ?2",
                        params![group_id, s],
                        |r| r.get(0),
                    )?,
                    None => c.query_row(
                        "SELECT count(*) FROM orders WHERE group_id = ?1",
                        [group_id],
                        |r| r.get(0),
                    )?,
                };
                Ok(n as usize)
            })
            .await
    }

    /// The latest mark of a scenario in a group (the scenario page shows it).
    pub async fn latest_mark(
        &self,
        group_id: u32,
        scenario: &str,
    ) -> Result<Option<Mark>, StoreError> {
        let scenario = scenario.to_owned();
        self.db
            .read(move |c| {
                let row: Option<(String, String, String)> = c
                    .prepare_cached(
                        "SELECT mark_result, mark_by, mark_at FROM orders
                         WHERE group_id = ?1 AND scenario = ?2 AND mark_result IS NOT NULL
                         ORDER BY mark_at DESC LIMIT 1",
                    )?
                    .query_row(params![group_id, scenario], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                row.map(|(result, by, at)| {
                    Ok(Mark {
                        result: TestResult::parse(&result)
                            .ok_or_else(|| StoreError::Corrupt(format!("mark '{result}'")))?,
                        by,
                        at: parse_time(&at)?,
                        comment: None,
                    })
                })
                .transpose()
            })
            .await
    }

    pub async fn set_mark(&self, no: u64, mark: Mark) -> Result<bool, StoreError> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE orders SET mark_result = ?2, mark_by = ?3, mark_at = ?4, mark_comment = ?5 WHERE no = ?1",
                    params![
                        no as i64,
                        result_text(mark.result),
                        mark.by,
                        time_text(&mark.at),
                        mark.comment
                    ],
                )?;
                Ok(n == 1)
            })
            .await
    }

    // ---- documents ----------------------------------------------------

    pub async fn add_order_document(&self, no: u64, doc: Document) -> Result<i64, StoreError> {
        self.db
            .write(move |c| insert_document(c, None, Some(no), &doc))
            .await
    }

    /// The documents of an order and of its punchout session, in order.
    pub async fn documents_of(
        &self,
        no: u64,
        session_id: Option<String>,
    ) -> Result<Vec<DocumentMeta>, StoreError> {
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT id, kind, at, length(body) FROM documents
                     WHERE order_no = ?1 OR (?2 IS NOT NULL AND session_id = ?2)
                     ORDER BY id",
                )?;
                let rows = stmt.query_map(params![no as i64, session_id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, kind, at, size) = row?;
                    out.push(DocumentMeta {
                        id,
                        kind: DocKind::parse(&kind).ok_or_else(|| {
                            StoreError::Corrupt(format!("document kind '{kind}'"))
                        })?,
                        at: parse_time(&at)?,
                        size: size as usize,
                    });
                }
                Ok(out)
            })
            .await
    }

    pub async fn document(&self, id: i64) -> Result<Option<StoredDocument>, StoreError> {
        self.db
            .read(move |c| {
                let row = c
                    .prepare_cached(
                        "SELECT kind, at, body, order_no, session_id FROM documents WHERE id = ?1",
                    )?
                    .query_row([id], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, Vec<u8>>(2)?,
                            r.get::<_, Option<i64>>(3)?,
                            r.get::<_, Option<String>>(4)?,
                        ))
                    })
                    .optional()?;
                row.map(|(kind, at, body, order_no, session_id)| {
                    Ok(StoredDocument {
                        meta: DocumentMeta {
                            id,
                            kind: DocKind::parse(&kind).ok_or_else(|| {
                                StoreError::Corrupt(format!("document kind '{kind}'"))
                            })?,
                            at: parse_time(&at)?,
                            size: body.len(),
                        },
                        order_no: order_no.map(|n| n as u64),
                        session_id,
                        body,
                    })
                })
                .transpose()
            })
            .await
    }

    // ---- the request journal -------------------------------------------

    /// Queues a journal entry; it is committed with the writer's next batch.
    /// [`Store::journal`] waits for every queued entry, so a client that
    /// reads the journal after its answer finds its exchange.
    pub fn record_exchange(&self, e: Exchange) -> Result<(), StoreError> {
        self.db
            .enqueue("a journal entry", move |c| insert_exchange(c, &e))
    }

    /// Journal entries, newest first, filtered by direction, a part of the
    /// target, and the status.
    pub async fn journal(
        &self,
        direction: Option<String>,
        target: Option<String>,
        status: Option<u16>,
        limit: usize,
    ) -> Result<Vec<(i64, Exchange)>, StoreError> {
        self.db.flush().await?;
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT j.id, j.at, j.direction, j.method, j.target, j.status, j.group_id, j.note,
                            coalesce(rq.body, j.request), coalesce(rs.body, j.response)
                     FROM journal j
                     LEFT JOIN documents rq ON rq.id = j.request_doc
                     LEFT JOIN documents rs ON rs.id = j.response_doc
                     WHERE (?1 IS NULL OR j.direction = ?1) AND (?2 IS NULL OR instr(j.target, ?2) > 0)
                       AND (?3 IS NULL OR j.status = ?3)
                     ORDER BY j.id DESC LIMIT ?4",
                )?;
                let rows = stmt.query_map(
                    params![direction, target, status, limit as i64],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            Exchange {
                                at: DateTime::default(),
                                direction: r.get(2)?,
                                method: r.get(3)?,
                                target: r.get(4)?,
                                status: r.get(5)?,
                                group_id: r.get(6)?,
                                note: r.get(7)?,
                                request: r.get::<_, Vec<u8>>(8)?.into(),
                                response: r.get::<_, Vec<u8>>(9)?.into(),
                                request_doc: None,
                                response_doc: None,
                            },
                        ))
                    },
                )?;
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

    // ---- resets ----------------------------------------------------------

    /// Forgets one scenario of a group: its orders (with their documents,
    /// deliveries, attempts and e-mails) and its punchout sessions. Other
    /// scenarios are left as they are. Returns how many orders went.
    pub async fn reset_scenario(&self, group_id: u32, scenario: &str) -> Result<usize, StoreError> {
        let scenario = scenario.to_owned();
        let index = self.sessions.clone();
        let (n, group, _) = self
            .db
            .write_then(
                move |c| {
                    let n = delete_orders(
                        c,
                        "group_id = ?1 AND scenario = ?2",
                        params![group_id, scenario],
                    )?;
                    let gone = delete_sessions(
                        c,
                        "group_id = ?1 AND json_extract(body, '$.scenario') = ?2",
                        params![group_id, scenario],
                    )?;
                    let mut g = load_group(c, group_id)?;
                    g.scenario_fault_uses.remove(&scenario);
                    save_group(c, &g)?;
                    Ok((n, g, gone))
                },
                move |(_, _, gone)| index.write().expect("session index lock").remove(gone),
            )
            .await?;
        self.cache_group(&group);
        Ok(n)
    }

    /// Forgets a group's log: every order, session, fault and e-mail; the
    /// selected scenario goes back to the basic order. Credentials and
    /// settings stay.
    pub async fn reset_group(&self, group_id: u32) -> Result<usize, StoreError> {
        let index = self.sessions.clone();
        let (n, group, _) = self
            .db
            .write_then(
                move |c| {
                    let n = delete_orders(c, "group_id = ?1", params![group_id])?;
                    let gone = delete_sessions(c, "group_id = ?1", params![group_id])?;
                    c.execute("DELETE FROM faults WHERE group_id = ?1", [group_id])?;
                    c.execute("DELETE FROM mails WHERE group_id = ?1", [group_id])?;
                    let mut g = load_group(c, group_id)?;
                    g.scenario_fault_uses.clear();
                    g.selected_scenario = crate::domain::scenario::BASIC.into();
                    save_group(c, &g)?;
                    Ok((n, g, gone))
                },
                move |(_, _, gone)| index.write().expect("session index lock").remove(gone),
            )
            .await?;
        self.cache_group(&group);
        Ok(n)
    }

    // ---- the outbox of e-mails ----------------------------------------

    /// E-mails of a group (or of one order), newest first.
    pub async fn mails(
        &self,
        group_id: u32,
        order_no: Option<u64>,
    ) -> Result<Vec<Mail>, StoreError> {
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT id, order_no, recipient, subject, body, created_at, smtp, smtp_error FROM mails
                     WHERE group_id = ?1 AND (?2 IS NULL OR order_no = ?2) ORDER BY id DESC LIMIT 200",
                )?;
                let rows = stmt.query_map(params![group_id, order_no.map(|n| n as i64)], |r| {
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

    // ---- the outbound queue -------------------------------------------

    /// The deliveries of an order with their attempts, in the order queued.
    pub async fn deliveries_of(
        &self,
        no: u64,
    ) -> Result<Vec<(Delivery, Vec<Attempt>)>, StoreError> {
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE order_no = ?1 ORDER BY id"
                ))?;
                let deliveries: Vec<Result<Delivery, StoreError>> = stmt
                    .query_map([no as i64], delivery_from_row)?
                    .collect::<rusqlite::Result<_>>()?;
                let mut out = Vec::new();
                for d in deliveries {
                    let d = d?;
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
                let d = c
                    .prepare_cached(&format!(
                        "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?1"
                    ))?
                    .query_row([id], delivery_from_row)
                    .optional()?;
                d.transpose()
            })
            .await
    }

    /// The pending delivery due first.
    pub async fn pending_deliveries(&self) -> Result<usize, StoreError> {
        self.db
            .read(|c| {
                let n: i64 = c.query_row(
                    "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'in_flight')",
                    [],
                    |r| r.get(0),
                )?;
                Ok(n as usize)
            })
            .await
    }

    /// Takes up to `limit` pending deliveries due by `now_ms`, earliest
    /// first, marking them in flight, each with its order's row (read here,
    /// in the same transaction, to spare the worker a reader round trip;
    /// parsed by [`ClaimedDelivery::into_parts`] off the writer thread).
    /// Also says when the earliest delivery still pending is due (Unix ms),
    /// for the worker's next wake-up.
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
                    .query_map(params![now_ms, limit as i64], delivery_from_row)?
                    .collect::<Result<Result<_, _>, _>>()??;
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
                        .query_row([delivery.order_no as i64], order_from_row)
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

    /// Stores the document produced for a delivery at its first attempt.
    pub async fn set_delivery_document(
        &self,
        id: i64,
        order_no: u64,
        payload_id: String,
        doc: Document,
    ) -> Result<i64, StoreError> {
        self.db
            .write(move |c| {
                let doc_id = insert_document(c, None, Some(order_no), &doc)?;
                c.execute(
                    "UPDATE deliveries SET payload_id = ?2, document_id = ?3, sent_at = ?4 WHERE id = ?1",
                    params![id, payload_id, doc_id, time_text(&doc.at)],
                )?;
                Ok(doc_id)
            })
            .await
    }

    /// Records an attempt and where the delivery goes next, with the
    /// buyer's answer when there was one and the post's journal entry
    /// (which refers to the answer's document); queues the follow-up once
    /// delivered.
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
                    .execute(params![id, time_text(&a.at), a.http_status, a.cxml_status, a.error, a.duration_ms as i64])?;
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

    /// 再送: queues a delivery again, due now, with a fresh attempt budget.
    /// False when it is pending already or does not exist.
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

/// Inserts an order row and sets the order's number.
fn insert_order_row(c: &Connection, order: &mut Order, refused: bool) -> Result<(), StoreError> {
    let asins: Vec<&str> = order.lines.iter().map(|l| l.asin.as_str()).collect();
    let search = normalize(&format!(
        "{} {} {} {}",
        order.order_id,
        order.confirm_id,
        asins.join(" "),
        order
            .lines
            .iter()
            .map(|l| l.description.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    ));
    c.prepare_cached(
        "INSERT INTO orders (group_id, refused, order_id, payload_id, scenario, session_id, received_at, received_day, asins, search, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        order.group_id,
        refused,
        order.order_id,
        order.payload_id,
        order.scenario,
        order.session_id,
        time_text(&order.received_at),
        order.received_at.format("%Y-%m-%d").to_string(),
        normalize(&asins.join(" ")),
        search,
        serde_json::to_string(&order)?
    ])?;
    order.no = c.last_insert_rowid() as u64;
    Ok(())
}

/// One HTTP exchange of the journal.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub at: DateTime<FixedOffset>,
    /// `in` (a request to absim) or `out` (absim's post to a buyer).
    pub direction: String,
    pub method: String,
    /// The path (inbound) or URL (outbound).
    pub target: String,
    pub status: Option<u16>,
    pub group_id: Option<u32>,
    /// Why a request matched nothing, or what went wrong.
    pub note: Option<String>,
    pub request: bytes::Bytes,
    pub response: bytes::Bytes,
    /// When recording: the document that already holds the request (a PO,
    /// a delivered confirmation), so the journal refers to it and does not
    /// store `request`. Always None when read: `request` has the body.
    pub request_doc: Option<i64>,
    /// The same for the response (absim's answer to a PO, the buyer's
    /// answer to a delivery).
    pub response_doc: Option<i64>,
}

/// A delivery taken by [`Store::claim_due`], with its order's row.
#[derive(Debug)]
pub struct ClaimedDelivery {
    pub delivery: Delivery,
    row: Option<OrderRow>,
}

impl ClaimedDelivery {
    /// The delivery and its order (None when the order is gone).
    pub fn into_parts(self) -> Result<(Delivery, Option<Order>), StoreError> {
        Ok((self.delivery, self.row.map(build_order).transpose()?))
    }
}

/// The ids of the documents holding an exchange's request and response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredBodies {
    pub request: i64,
    pub response: i64,
}

/// Deletes orders matching `filter` with everything that hangs off them.
fn delete_orders(
    c: &Connection,
    filter: &str,
    args: impl rusqlite::Params + Clone,
) -> Result<usize, StoreError> {
    let nos = format!("SELECT no FROM orders WHERE {filter}");
    c.execute(
        &format!("DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE order_no IN ({nos}))"),
        args.clone(),
    )?;
    c.execute(
        &format!("DELETE FROM deliveries WHERE order_no IN ({nos})"),
        args.clone(),
    )?;
    // The journal keeps its exchanges: bodies it refers to are copied in.
    c.execute(
        &format!(
            "UPDATE journal SET
                request = coalesce((SELECT body FROM documents WHERE id = journal.request_doc), request),
                response = coalesce((SELECT body FROM documents WHERE id = journal.response_doc), response),
                request_doc = NULL, response_doc = NULL
             WHERE request_doc IN (SELECT id FROM documents WHERE order_no IN ({nos}))"
        ),
        args.clone(),
    )?;
    c.execute(
        &format!("DELETE FROM documents WHERE order_no IN ({nos})"),
        args.clone(),
    )?;
    c.execute(
        &format!("DELETE FROM mails WHERE order_no IN ({nos})"),
        args.clone(),
    )?;
    Ok(c.execute(&format!("DELETE FROM orders WHERE {filter}"), args)?)
}

/// Deletes the sessions that `filter` selects (what follows `WHERE` in a
/// `SELECT id FROM sessions`, ordering and limit included) with their
/// documents.
fn delete_sessions(
    c: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<String>, StoreError> {
    // The ids first, then each deletion by its indexed key: one statement
    // with the filter as a subquery scanned the documents table (about
    // 1.6 ms per evicted session under load).
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

/// An e-mail in the outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    pub id: i64,
    pub group_id: u32,
    pub order_no: Option<u64>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<FixedOffset>,
    /// `none` (no SMTP server), `sent` or `failed`.
    pub smtp: String,
    pub smtp_error: Option<String>,
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

fn result_text(r: TestResult) -> &'static str {
    match r {
        TestResult::Success => "success",
        TestResult::Failure => "failure",
    }
}
