//! The PostgreSQL engine: any number of absim processes on one database.
//!
//! Driver: tokio-postgres (async, pipelined, the de-facto PostgreSQL client
//! of the tokio stack) with deadpool-postgres for the connection pool (it
//! recycles broken connections, so a database that comes back is used
//! again without a restart). Each store call takes a pooled connection and
//! is one transaction where it writes.
//!
//! Nothing is cached in memory: groups, sessions and carts are read from the
//! database on every request, so no replica ever serves an old password,
//! endpoint, cart or mark. Uniqueness (payloadID, orderID per group, system
//! login, PO token) lives in constraints; a violation becomes the same
//! [`Duplicate`](crate::store::Duplicate) or refusal the SQLite engine gives.
//!
//! The outbound queue is shared: a due delivery is claimed with
//! `FOR UPDATE SKIP LOCKED` and a lease (`claimed_by`, `claimed_until`);
//! a replica that dies leaves its claims to expire and be taken again.
//! Journal entries are queued to a task that inserts them in batches (see
//! `journal`). One file per aggregate, as in the SQLite engine.

mod deliveries;
mod groups;
mod journal;
mod mails;
mod orders;
mod retention;
mod runs;
mod schema;
mod sessions;

use std::time::Duration;

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::model::{PoolStats, StoreError};
use super::url::DatabaseUrl;
use crate::domain::account::Group;

pub use schema::VERSION as SCHEMA_VERSION;

/// Connections one absim process opens at most.
const MAX_CONNECTIONS: usize = 16;
/// How long a request waits for a connection, or for one to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Postgres {
    pool: Pool,
    replica: String,
    /// How long a claimed delivery stays this replica's.
    lease_ms: i64,
    journal: journal::Queue,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        if e.is_closed() || e.code().is_none_or(connection_lost) {
            // The connection broke (the server went away, a network cut, an
            // administrator ended the session): the pool replaces it; the
            // request may be sent again.
            StoreError::Unavailable(e.to_string())
        } else {
            StoreError::Postgres(e.to_string())
        }
    }
}

/// Whether an error the server sent means the session is gone rather than
/// the statement wrong: a connection exception (class 08), or the server
/// ending the session (57P01 admin shutdown, 57P02 crash shutdown, 57P03
/// cannot connect now). `pg_terminate_backend` sends 57P01 before closing,
/// so a statement in flight sees that code, not a closed connection.
fn connection_lost(code: &SqlState) -> bool {
    let code = code.code();
    code.starts_with("08") || code.starts_with("57P")
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// The constraint a statement broke, when it broke a unique one.
fn unique_violation(e: &tokio_postgres::Error) -> Option<&str> {
    (e.code() == Some(&SqlState::UNIQUE_VIOLATION))
        .then(|| e.as_db_error().and_then(|d| d.constraint()))
        .flatten()
}

/// Why a write that may break a unique constraint failed: the constraint
/// it broke (which the caller turns into its refusal), or anything else.
#[derive(Debug)]
enum WriteError {
    Unique(String),
    Store(StoreError),
}

impl From<tokio_postgres::Error> for WriteError {
    fn from(e: tokio_postgres::Error) -> Self {
        match unique_violation(&e) {
            Some(constraint) => WriteError::Unique(constraint.to_owned()),
            None => WriteError::Store(e.into()),
        }
    }
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> Self {
        WriteError::Store(e)
    }
}

impl From<WriteError> for StoreError {
    /// A constraint the caller did not expect to break is a failure.
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Unique(constraint) => {
                StoreError::Postgres(format!("unique constraint {constraint} broken"))
            }
            WriteError::Store(e) => e,
        }
    }
}

impl Postgres {
    /// Connects, migrates under the advisory lock (replicas starting
    /// together take turns), and creates the default group when there is
    /// none. A database that cannot be reached is named (password masked)
    /// with what failed.
    pub async fn open(
        url: &DatabaseUrl,
        replica: String,
        lease: Duration,
        seed: impl FnOnce(&mut Group) + Send + 'static,
    ) -> Result<Postgres, StoreError> {
        let mut config: tokio_postgres::Config = url.expose().parse().map_err(|e| {
            StoreError::Unavailable(format!("the database URL {url} is not valid: {e}"))
        })?;
        config
            .connect_timeout(CONNECT_TIMEOUT)
            .application_name(format!("absim {replica}"));
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(MAX_CONNECTIONS)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Internal(format!("building the connection pool: {e}")))?;
        let mut client = pool.get().await.map_err(|e| {
            StoreError::Unavailable(format!("cannot connect to the database at {url}: {e}"))
        })?;
        schema::migrate(&mut client, seed).await?;
        drop(client);
        let journal = journal::Queue::start(pool.clone());
        Ok(Postgres {
            pool,
            replica,
            lease_ms: lease.as_millis() as i64,
            journal,
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        Ok(self.pool.get().await?)
    }

    /// Flushes the journal's queue and closes the pool.
    pub async fn close(&self) {
        self.journal.close().await;
        self.pool.close();
    }

    /// The database answers and has this absim's schema.
    pub async fn ready(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        schema::check(&client).await
    }

    pub fn pool_stats(&self) -> PoolStats {
        let s = self.pool.status();
        PoolStats {
            size: s.size as u64,
            in_use: (s.size - s.available) as u64,
            waiting: s.waiting as u64,
        }
    }
}

/// Arguments of a statement.
type Args<'a> = [&'a (dyn ToSql + Sync)];

/// Runs a statement (prepared once per connection) and returns its rows.
async fn query(c: &impl GenericClient, sql: &str, args: &Args<'_>) -> Result<Vec<Row>, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query(&stmt, args).await?)
}

/// Runs a statement that returns at most one row.
async fn query_opt(
    c: &impl GenericClient,
    sql: &str,
    args: &Args<'_>,
) -> Result<Option<Row>, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query_opt(&stmt, args).await?)
}

/// Runs a statement that changes rows; how many.
async fn execute(c: &impl GenericClient, sql: &str, args: &Args<'_>) -> Result<u64, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.execute(&stmt, args).await?)
}

/// Runs a query whose one column is a JSON body and reads each row.
async fn json_rows<T: serde::de::DeserializeOwned>(
    c: &impl GenericClient,
    sql: &str,
    args: &Args<'_>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for row in query(c, sql, args).await? {
        out.push(serde_json::from_str(row.get::<_, &str>(0))?);
    }
    Ok(out)
}

async fn load_group(
    c: &impl GenericClient,
    id: u32,
    lock: bool,
) -> Result<Option<Group>, StoreError> {
    let sql = if lock {
        "SELECT body FROM groups WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT body FROM groups WHERE id = $1"
    };
    Ok(json_rows(c, sql, &[&i64::from(id)])
        .await?
        .into_iter()
        .next())
}

/// Saves a group; a broken unique constraint comes back as such (the
/// caller names the system login or retries with another id).
async fn save_group(c: &impl GenericClient, g: &Group) -> Result<(), WriteError> {
    let body = serde_json::to_string(g).map_err(StoreError::from)?;
    let stmt = c
        .prepare_cached(
            "INSERT INTO groups (id, identity, po_token, body) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET identity = excluded.identity, po_token = excluded.po_token, body = excluded.body",
        )
        .await?;
    c.execute(&stmt, &[&i64::from(g.id), &g.identity, &g.po_token, &body])
        .await?;
    Ok(())
}

async fn insert_document(
    c: &impl GenericClient,
    session_id: Option<&str>,
    order_no: Option<u64>,
    doc: &crate::domain::order::Document,
) -> Result<i64, StoreError> {
    let rows = query(
        c,
        "INSERT INTO documents (session_id, order_no, kind, at, body) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            &session_id,
            &order_no.map(|n| n as i64),
            &doc.kind.as_str(),
            &super::rows::time_text(&doc.at).as_str(),
            &&doc.body[..],
        ],
    )
    .await?;
    Ok(rows[0].get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_the_server_ended_is_retryable_a_wrong_statement_is_not() {
        for gone in [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::CONNECTION_FAILURE,
            SqlState::CONNECTION_EXCEPTION,
        ] {
            assert!(connection_lost(&gone), "{gone:?}");
        }
        for wrong in [
            SqlState::UNIQUE_VIOLATION,
            SqlState::SYNTAX_ERROR,
            SqlState::UNDEFINED_TABLE,
            SqlState::QUERY_CANCELED,
        ] {
            assert!(!connection_lost(&wrong), "{wrong:?}");
        }
    }
}
