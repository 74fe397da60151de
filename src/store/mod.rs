//! The one record path: groups, punchout sessions and carts, orders, every
//! document received or sent, the outbound queue with its attempts, marks,
//! injected faults and the request journal. The web layer, the delivery
//! worker and the tests all read and write through [`Store`], and none of
//! them knows which engine is below.
//!
//! Two engines, chosen once at start by [`Location`]:
//! - `sqlite` (the default; one process): `<data-dir>/absim.db` in WAL mode
//!   or memory, one writer thread committing in batches, groups and
//!   sessions also kept in memory because this process is the only writer;
//! - `postgres` (`--database-url`; any number of replicas on one database):
//!   pooled connections, nothing cached, uniqueness in constraints, the
//!   outbound queue claimed with `FOR UPDATE SKIP LOCKED` and a lease.
//!
//! Each engine keeps one file per aggregate (groups with their faults,
//! sessions, orders with documents and marks, deliveries, journal, mails,
//! retention) and its own migration history. What they share lives here:
//! the values (`model`) and the row conversions (`rows`).
//!
//! A method that returns `Ok` after a write has committed it: a PO answered
//! `200 OK` is in the database before the answer leaves. The journal is the
//! exception, queued and committed soon after (its readers flush first).

mod model;
mod postgres;
mod rows;
mod sqlite;
mod url;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

pub use crate::domain::fault::FaultRecord;
pub use model::{
    AttemptResult, ClaimedDelivery, Duplicate, Exchange, GroupError, InsertError, JournalFilter,
    Mail, NewDelivery, OrderFilter, PoolStats, QueueStats, Retained, Retention, RunError,
    StoreError, StoredBodies, StoredDocument,
};
pub use postgres::SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION;
pub use sqlite::Durability;
pub use sqlite::SCHEMA_VERSION as SQLITE_SCHEMA_VERSION;
pub use url::DatabaseUrl;

use crate::domain::account::Group;
use crate::domain::fault::{FaultKind, FaultPlan};
use crate::domain::mail::Mails;
use crate::domain::order::{Document, DocumentMeta, Mark, Order};
use crate::domain::run::Run;
use crate::domain::session::Session;

/// Where the data lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// SQLite in memory: nothing is kept after exit.
    Memory,
    /// A SQLite file.
    File(PathBuf),
    /// A PostgreSQL database, shared by any number of absim processes.
    Postgres(DatabaseUrl),
}

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub location: Location,
    /// SQLite's commit durability.
    pub durability: Durability,
    /// This process's name in the journal and in delivery claims.
    pub replica: String,
    /// How long a claimed delivery stays this process's (PostgreSQL): the
    /// longest a post may take, and some.
    pub lease: Duration,
}

enum Engine {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

pub struct Store {
    engine: Engine,
    replica: Arc<str>,
}

/// Failed database operations since start, for `/metrics`.
static FAILURES: AtomicU64 = AtomicU64::new(0);

/// How many store operations failed since this process started.
pub fn failures() -> u64 {
    FAILURES.load(Ordering::Relaxed)
}

/// Counts a failed operation (a refusal by the rules is not one).
trait Outcome {
    fn failed(&self) -> bool;
}

impl<T> Outcome for Result<T, StoreError> {
    fn failed(&self) -> bool {
        self.is_err()
    }
}

impl<T> Outcome for Result<T, InsertError> {
    fn failed(&self) -> bool {
        matches!(self, Err(InsertError::Store(_)))
    }
}

impl<T> Outcome for Result<T, RunError> {
    fn failed(&self) -> bool {
        matches!(self, Err(RunError::Store(_)))
    }
}

impl<T> Outcome for Result<T, GroupError> {
    fn failed(&self) -> bool {
        matches!(self, Err(GroupError::Store(_)))
    }
}

fn counted<R: Outcome>(r: R) -> R {
    if r.failed() {
        FAILURES.fetch_add(1, Ordering::Relaxed);
    }
    r
}

/// Runs the same call on whichever engine is below, counting failures.
///
/// PostgreSQL's futures are boxed: a call's future is as large as the
/// larger engine's, and tokio-postgres's are several kilobytes, which every
/// SQLite call (and every handler awaiting it) would otherwise carry and
/// copy as it is moved.
macro_rules! on_engine {
    ($self:ident, $e:ident => $call:expr) => {
        counted(match &$self.engine {
            Engine::Sqlite($e) => $call,
            Engine::Postgres($e) => Box::pin(async { $call }).await,
        })
    };
}

// After the macro, which it uses.
mod outbound;

/// The refusal of a database that a newer absim migrated.
fn too_new(found: u32, known: u32) -> String {
    format!(
        "the database has schema version {found}, written by a newer absim; this absim knows up to {known}: run the newer absim (or point this one at another database)"
    )
}

impl Store {
    /// Opens the store, migrating its schema, and creates the default
    /// group when there is none (`seed` adjusts it: the command line's
    /// fixed credentials).
    pub async fn open(
        config: StoreConfig,
        seed: impl FnOnce(&mut Group) + Send + 'static,
    ) -> Result<Store, StoreError> {
        let replica = config.replica.clone();
        let engine = match &config.location {
            Location::Memory => {
                Engine::Sqlite(sqlite::Sqlite::open(None, config.durability, seed).await?)
            }
            Location::File(path) => {
                Engine::Sqlite(sqlite::Sqlite::open(Some(path), config.durability, seed).await?)
            }
            Location::Postgres(url) => Engine::Postgres(
                postgres::Postgres::open(url, replica.clone(), config.lease, seed).await?,
            ),
        };
        Ok(Store {
            engine,
            replica: replica.into(),
        })
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite(_) => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }

    /// Whether several absim processes may share this store.
    pub fn is_shared(&self) -> bool {
        matches!(self.engine, Engine::Postgres(_))
    }

    /// The schema version this absim writes for its engine.
    pub fn schema_version(&self) -> u32 {
        match self.engine {
            Engine::Sqlite(_) => sqlite::SCHEMA_VERSION,
            Engine::Postgres(_) => postgres::SCHEMA_VERSION,
        }
    }

    /// Commits what is queued and closes the database.
    pub async fn close(&self) {
        match &self.engine {
            Engine::Sqlite(e) => e.close(),
            Engine::Postgres(e) => e.close().await,
        }
    }

    /// Ready to serve: the database answers and carries this absim's
    /// schema.
    pub async fn ready(&self) -> Result<(), StoreError> {
        on_engine!(self, e => e.ready().await)
    }

    pub fn pool_stats(&self) -> PoolStats {
        match &self.engine {
            Engine::Sqlite(e) => e.pool_stats(),
            Engine::Postgres(e) => e.pool_stats(),
        }
    }

    // ---- groups and their faults ---------------------------------------

    pub async fn groups(&self) -> Result<Vec<Group>, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.groups()),
            Engine::Postgres(e) => counted(e.groups().await),
        }
    }

    pub async fn group(&self, id: u32) -> Result<Option<Arc<Group>>, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.find_group(|g| g.id == id)),
            Engine::Postgres(e) => counted(e.group(id).await).map(|g| g.map(Arc::new)),
        }
    }

    pub async fn group_by_token(&self, token: &str) -> Result<Option<Arc<Group>>, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.find_group(|g| g.po_token == token)),
            Engine::Postgres(e) => counted(e.group_by_token(token).await).map(|g| g.map(Arc::new)),
        }
    }

    pub async fn group_by_identity(
        &self,
        identity: &str,
    ) -> Result<Option<Arc<Group>>, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.find_group(|g| g.identity == identity)),
            Engine::Postgres(e) => {
                counted(e.group_by_identity(identity).await).map(|g| g.map(Arc::new))
            }
        }
    }

    /// Changes a group and saves it, atomically with other changes to it.
    /// `change` validates and returns a message people can read when it
    /// refuses; a system login another group has is refused too.
    pub async fn update_group<F>(&self, id: u32, change: F) -> Result<Group, GroupError>
    where
        F: FnOnce(&mut Group) -> Result<(), crate::i18n::Note> + Send + 'static,
    {
        on_engine!(self, e => e.update_group(id, change).await)
    }

    /// グループを追加: a new group in test mode with generated, unique
    /// credentials and its own PO Request URL, which `adjust` may change
    /// (refusing with a readable message); a system login another group has
    /// is refused.
    pub async fn add_group<F>(&self, name: &str, adjust: F) -> Result<Group, GroupError>
    where
        F: FnOnce(&mut Group) -> Result<(), crate::i18n::Note> + Send + 'static,
    {
        let name = name.to_owned();
        on_engine!(self, e => e.add_group(name, adjust).await)
    }

    /// Deletes a group with everything it has: orders, documents,
    /// deliveries, sessions, faults, e-mails, runs and journal entries.
    /// False when there is no such group.
    pub async fn delete_group(&self, id: u32) -> Result<bool, StoreError> {
        on_engine!(self, e => e.delete_group(id).await)
    }

    /// Decides, atomically with other POs, whether this PO of the group gets
    /// the group's injected fault, counting it down.
    pub async fn take_fault(&self, group: &Group) -> Result<Option<FaultKind>, StoreError> {
        if !group.faults.is_on() {
            return Ok(None);
        }
        let unit: f64 = rand::random();
        on_engine!(self, e => e.take_fault(group.id, unit).await)
    }

    /// Decides whether this PO gets the scenario's injected fault, counting
    /// uses per group and scenario.
    pub async fn take_scenario_fault(
        &self,
        group_id: u32,
        scenario: &str,
        plan: &FaultPlan,
    ) -> Result<Option<FaultKind>, StoreError> {
        if plan.kind.is_none() {
            return Ok(None);
        }
        let (scenario, plan) = (scenario.to_owned(), plan.clone());
        let unit: f64 = rand::random();
        on_engine!(self, e => e.take_scenario_fault(group_id, scenario, plan, unit).await)
    }

    pub async fn record_fault(&self, f: FaultRecord) -> Result<(), StoreError> {
        on_engine!(self, e => e.record_fault(f).await)
    }

    /// The group's injected faults, newest first.
    pub async fn faults(
        &self,
        group_id: u32,
        limit: usize,
    ) -> Result<Vec<FaultRecord>, StoreError> {
        on_engine!(self, e => e.faults(group_id, limit).await)
    }

    // ---- punchout sessions and carts -----------------------------------

    /// Records a new punchout session with its setup documents. Beyond
    /// `max_sessions`, the sessions idle longest are forgotten, one
    /// thousandth of the bound at a time.
    pub async fn insert_session(
        &self,
        session: Session,
        documents: Vec<Document>,
        max_sessions: usize,
    ) -> Result<(), StoreError> {
        on_engine!(self, e => e.insert_session(session, documents, max_sessions).await)
    }

    pub async fn session(&self, id: &str) -> Result<Option<Arc<Session>>, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.session(id)),
            Engine::Postgres(e) => counted(e.session(id).await),
        }
    }

    /// How many punchout sessions are kept.
    pub async fn count_sessions(&self) -> Result<usize, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.count_sessions()),
            Engine::Postgres(e) => counted(e.count_sessions().await),
        }
    }

    /// Changes a session (its cart) in one transaction; None when there is
    /// no such session. `document` is stored with it when given.
    pub async fn update_session<R: Send + 'static>(
        &self,
        id: &str,
        change: impl FnOnce(&mut Session) -> (R, Option<Document>) + Send + 'static,
    ) -> Result<Option<R>, StoreError> {
        on_engine!(self, e => e.update_session(id, change).await)
    }

    /// A group's newest punchout sessions.
    pub async fn recent_sessions(
        &self,
        group_id: u32,
        limit: usize,
    ) -> Result<Vec<Session>, StoreError> {
        on_engine!(self, e => e.recent_sessions(group_id, limit).await)
    }

    /// Every session of a cart (its create, and any edit or inspect), oldest
    /// first.
    pub async fn sessions_for_cart(&self, cart_ref: &str) -> Result<Vec<Arc<Session>>, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.sessions_for_cart(cart_ref)),
            Engine::Postgres(e) => counted(e.sessions_for_cart(cart_ref).await),
        }
    }

    /// The newest session of a cart.
    pub async fn session_for_cart(
        &self,
        cart_ref: &str,
    ) -> Result<Option<Arc<Session>>, StoreError> {
        match &self.engine {
            Engine::Sqlite(e) => Ok(e.session_for_cart(cart_ref)),
            Engine::Postgres(e) => {
                counted(e.sessions_for_cart(cart_ref).await).map(|mut s| s.pop())
            }
        }
    }

    // ---- orders, documents and marks ----------------------------------

    /// Records an accepted order, its documents and its first delivery in
    /// one transaction, refusing a repeated payloadID or a repeated orderID
    /// within the group. Returns the order with its number.
    pub async fn insert_order(
        &self,
        order: Order,
        documents: [Document; 2],
        first: NewDelivery,
        mails: Mails,
    ) -> Result<(Order, StoredBodies), InsertError> {
        on_engine!(self, e => e.insert_order(order, documents, first, mails).await)
    }

    /// Records a refused PO, with what it was answered, so that the test
    /// log shows it.
    pub async fn insert_refused(
        &self,
        order: Order,
        documents: [Document; 2],
    ) -> Result<(Order, StoredBodies), StoreError> {
        on_engine!(self, e => e.insert_refused(order, documents).await)
    }

    pub async fn order(&self, no: u64) -> Result<Option<Order>, StoreError> {
        on_engine!(self, e => e.order(no).await)
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
        on_engine!(self, e => e.orders(group_id, filter, limit).await)
    }

    pub async fn count_orders(
        &self,
        group_id: u32,
        scenario: Option<&str>,
    ) -> Result<usize, StoreError> {
        let scenario = scenario.map(str::to_owned);
        on_engine!(self, e => e.count_orders(group_id, scenario).await)
    }

    /// Whether any of the group's orders of `scenario` is marked 成功.
    pub async fn has_success_mark(
        &self,
        group_id: u32,
        scenario: &str,
    ) -> Result<bool, StoreError> {
        let filter = OrderFilter {
            scenario: Some(scenario.to_owned()),
            result: Some(Some(crate::domain::order::TestResult::Success)),
            ..OrderFilter::default()
        };
        Ok(self.orders(group_id, &filter, 1).await?.1 > 0)
    }

    /// The latest mark of a scenario in a group (the scenario page shows it).
    pub async fn latest_mark(
        &self,
        group_id: u32,
        scenario: &str,
    ) -> Result<Option<Mark>, StoreError> {
        let scenario = scenario.to_owned();
        on_engine!(self, e => e.latest_mark(group_id, scenario).await)
    }

    pub async fn set_mark(&self, no: u64, mark: Mark) -> Result<bool, StoreError> {
        on_engine!(self, e => e.set_mark(no, mark).await)
    }

    pub async fn add_order_document(&self, no: u64, doc: Document) -> Result<i64, StoreError> {
        on_engine!(self, e => e.add_order_document(no, doc).await)
    }

    /// The documents of an order and of its punchout session, in order.
    pub async fn documents_of(
        &self,
        no: u64,
        session_id: Option<String>,
    ) -> Result<Vec<DocumentMeta>, StoreError> {
        on_engine!(self, e => e.documents_of(no, session_id).await)
    }

    pub async fn document(&self, id: i64) -> Result<Option<StoredDocument>, StoreError> {
        on_engine!(self, e => e.document(id).await)
    }

    /// Forgets one scenario of a group: its orders (with their documents,
    /// deliveries, attempts and e-mails) and its punchout sessions. Other
    /// scenarios are left as they are. Returns how many orders went.
    pub async fn reset_scenario(&self, group_id: u32, scenario: &str) -> Result<usize, StoreError> {
        let scenario = scenario.to_owned();
        on_engine!(self, e => e.reset_scenario(group_id, scenario).await)
    }

    /// Forgets a group's log: every order, session, fault and e-mail; the
    /// selected scenario goes back to the basic order. Credentials and
    /// settings stay.
    pub async fn reset_group(&self, group_id: u32) -> Result<usize, StoreError> {
        on_engine!(self, e => e.reset_group(group_id).await)
    }

    // ---- the request journal -------------------------------------------

    /// Queues a journal entry, committed soon after. [`Store::journal`]
    /// waits for every entry this process queued, so a client that reads
    /// the journal after its answer finds its exchange.
    pub fn record_exchange(&self, mut e: Exchange) -> Result<(), StoreError> {
        e.replica = self.replica.clone();
        counted(match &self.engine {
            Engine::Sqlite(x) => x.record_exchange(e),
            Engine::Postgres(x) => x.record_exchange(e),
        })
    }

    /// Journal entries, newest first, as `filter` narrows them.
    pub async fn journal(
        &self,
        filter: JournalFilter,
        limit: usize,
    ) -> Result<Vec<(i64, Exchange)>, StoreError> {
        on_engine!(self, e => e.journal(filter, limit).await)
    }

    // ---- CI runs ---------------------------------------------------------

    /// Opens a run: the group's selected scenario becomes the run's, and
    /// what the group receives until `run.deadline_ms` belongs to it.
    /// Refused while another run of the group is open.
    pub async fn open_run(&self, run: Run, now_ms: i64) -> Result<Run, RunError> {
        on_engine!(self, e => e.open_run(run, now_ms).await)
    }

    /// Saves a run's state; a run no longer open frees its group.
    pub async fn save_run(&self, run: Run) -> Result<(), StoreError> {
        on_engine!(self, e => e.save_run(run).await)
    }

    pub async fn run(&self, id: &str) -> Result<Option<Run>, StoreError> {
        let id = id.to_owned();
        on_engine!(self, e => e.run(id).await)
    }

    /// What belongs to a run: its punchout sessions, orders and injected
    /// faults, oldest first.
    pub async fn run_records(
        &self,
        id: &str,
    ) -> Result<(Vec<Session>, Vec<Order>, Vec<FaultRecord>), StoreError> {
        let id = id.to_owned();
        on_engine!(self, e => e.run_records(id).await)
    }

    // ---- retention -----------------------------------------------------

    /// One retention pass: deletes what `policy` no longer keeps, in small
    /// batches. On PostgreSQL one replica at a time runs it (the others'
    /// passes return at once with nothing deleted).
    pub async fn retain(
        &self,
        policy: &Retention,
        now: DateTime<FixedOffset>,
    ) -> Result<Retained, StoreError> {
        if policy.is_off() {
            return Ok(Retained::default());
        }
        on_engine!(self, e => e.retain(policy, now).await)
    }
}
