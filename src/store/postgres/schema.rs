//! The PostgreSQL schema: its own ordered history of migrations (the SQLite
//! engine has another), applied at start under an advisory lock so that
//! replicas starting together take turns, each in its own transaction. The
//! version lives in `absim_schema`. Add a migration at the end; never edit
//! one that has shipped.
//!
//! Why not a migration crate: the two things this needs, holding
//! `pg_advisory_lock` around the whole run and refusing a schema newer than
//! the code, are the whole runner; refinery has neither, and sqlx's
//! migrator would bring a second driver.

use deadpool_postgres::GenericClient;

use super::{load_group, save_group};
use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
use crate::store::model::StoreError;

/// The advisory lock held while migrating ("absim" in ASCII).
const MIGRATION_LOCK: i64 = 0x61_6273_696d;

const MIGRATIONS: &[&str] = &[
    r#"
-- Punchout groups: credentials and settings (the Group as JSON), with the
-- lookups that must be unique as columns.
CREATE TABLE groups (
    id          BIGINT PRIMARY KEY,
    identity    TEXT NOT NULL UNIQUE,
    po_token    TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL
);

-- Punchout sessions: the setup record, the cart and its returns (JSON).
-- seq orders them as they were made (SQLite's rowid).
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    seq         BIGSERIAL NOT NULL,
    group_id    BIGINT NOT NULL REFERENCES groups(id),
    cart_ref    TEXT NOT NULL,
    scenario    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    touched_at  BIGINT NOT NULL DEFAULT 0,
    body        TEXT NOT NULL
);
CREATE INDEX sessions_by_touch ON sessions (touched_at, seq);
CREATE INDEX sessions_by_cart ON sessions (cart_ref, seq);
CREATE INDEX sessions_by_group ON sessions (group_id, seq);

-- Purchase orders, accepted or refused: the test log's entries.
CREATE TABLE orders (
    no           BIGSERIAL PRIMARY KEY,
    group_id     BIGINT NOT NULL REFERENCES groups(id),
    refused      BOOLEAN NOT NULL DEFAULT false,
    order_id     TEXT NOT NULL,
    payload_id   TEXT NOT NULL,
    scenario     TEXT NOT NULL,
    session_id   TEXT,
    received_at  TEXT NOT NULL,
    received_day TEXT NOT NULL,
    asins        TEXT NOT NULL,
    search       TEXT NOT NULL,
    mark_result  TEXT,
    mark_by      TEXT,
    mark_at      TEXT,
    mark_comment TEXT,
    body         TEXT NOT NULL
);
-- Accepted orders have unique payloadIDs and, per group, unique orderIDs:
-- the constraints, not any replica's memory, decide.
CREATE UNIQUE INDEX orders_payload ON orders (payload_id) WHERE NOT refused;
CREATE UNIQUE INDEX orders_order_id ON orders (group_id, order_id) WHERE NOT refused;
CREATE INDEX orders_by_group ON orders (group_id, no);
CREATE INDEX orders_by_scenario ON orders (group_id, scenario, no);
CREATE INDEX orders_by_day ON orders (received_day);

-- Every document received or sent, bytes as they were.
CREATE TABLE documents (
    id          BIGSERIAL PRIMARY KEY,
    session_id  TEXT,
    order_no    BIGINT,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    body        BYTEA NOT NULL
);
CREATE INDEX documents_by_order ON documents (order_no) WHERE order_no IS NOT NULL;
CREATE INDEX documents_by_session ON documents (session_id) WHERE session_id IS NOT NULL;

-- The outbound queue: one row per document owed to the buyer. A replica
-- claims a due row for a lease (claimed_by until claimed_until).
CREATE TABLE deliveries (
    id            BIGSERIAL PRIMARY KEY,
    order_no      BIGINT NOT NULL REFERENCES orders(no),
    kind          TEXT NOT NULL,
    step          INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL,
    due_at        BIGINT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    payload_id    TEXT,
    document_id   BIGINT REFERENCES documents(id),
    target        TEXT,
    last_http     INTEGER,
    last_cxml     INTEGER,
    last_error    TEXT,
    sent_at       TEXT,
    claimed_by    TEXT,
    claimed_until BIGINT
);
CREATE INDEX deliveries_due ON deliveries (due_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_leased ON deliveries (claimed_until) WHERE state = 'in_flight';
CREATE INDEX deliveries_by_order ON deliveries (order_no);
-- Each document of an order is queued once, whichever replica queues it.
CREATE UNIQUE INDEX deliveries_once ON deliveries (order_no, kind, step);

-- Every delivery attempt.
CREATE TABLE attempts (
    id           BIGSERIAL PRIMARY KEY,
    delivery_id  BIGINT NOT NULL REFERENCES deliveries(id),
    at           TEXT NOT NULL,
    http_status  INTEGER,
    cxml_status  INTEGER,
    error        TEXT,
    duration_ms  BIGINT NOT NULL
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);

-- PO確認のメール: the order e-mails absim wrote (its outbox).
CREATE TABLE mails (
    id          BIGSERIAL PRIMARY KEY,
    group_id    BIGINT NOT NULL REFERENCES groups(id),
    order_no    BIGINT REFERENCES orders(no),
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    smtp        TEXT NOT NULL DEFAULT 'none',
    smtp_error  TEXT
);
CREATE INDEX mails_by_group ON mails (group_id, id);
CREATE INDEX mails_by_order ON mails (order_no);

-- The request journal: every HTTP exchange, inbound and outbound, with the
-- raw bodies (or the documents holding them) and the replica that had it.
CREATE TABLE journal (
    id           BIGSERIAL PRIMARY KEY,
    at           TEXT NOT NULL,
    direction    TEXT NOT NULL,
    method       TEXT NOT NULL,
    target       TEXT NOT NULL,
    status       INTEGER,
    group_id     BIGINT,
    note         TEXT,
    request      BYTEA NOT NULL,
    response     BYTEA NOT NULL,
    request_doc  BIGINT,
    response_doc BIGINT,
    replica      TEXT
);
CREATE INDEX journal_by_request_doc ON journal (request_doc) WHERE request_doc IS NOT NULL;
CREATE INDEX journal_by_at ON journal (at);

-- Faults injected into PO answers, for the test log.
CREATE TABLE faults (
    id          BIGSERIAL PRIMARY KEY,
    group_id    BIGINT NOT NULL REFERENCES groups(id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload_id  TEXT,
    order_id    TEXT,
    detail      TEXT NOT NULL
);
CREATE INDEX faults_by_group ON faults (group_id, id);
"#,
    r#"
-- CI runs ("scenario X for group G"), and what belongs to each.
CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    group_id    BIGINT NOT NULL,
    opened_at   TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX runs_by_group ON runs (group_id);
ALTER TABLE orders ADD COLUMN run_id TEXT;
ALTER TABLE sessions ADD COLUMN run_id TEXT;
ALTER TABLE faults ADD COLUMN run_id TEXT;
CREATE INDEX orders_by_run ON orders (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX sessions_by_run ON sessions (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX faults_by_run ON faults (run_id) WHERE run_id IS NOT NULL;
"#,
];

/// The schema version this absim writes: the number of migrations.
pub const VERSION: u32 = MIGRATIONS.len() as u32;

async fn found_version(c: &impl GenericClient) -> Result<u32, StoreError> {
    let exists = c
        .query_one("SELECT to_regclass('absim_schema') IS NOT NULL", &[])
        .await?
        .get::<_, bool>(0);
    if !exists {
        return Ok(0);
    }
    let v: Option<i32> = c
        .query_opt("SELECT version FROM absim_schema", &[])
        .await?
        .map(|r| r.get(0));
    Ok(v.unwrap_or(0) as u32)
}

/// Migrates to [`VERSION`] and creates the default group, holding the
/// advisory lock throughout.
pub async fn migrate(
    client: &mut deadpool_postgres::Object,
    seed: impl FnOnce(&mut Group) + Send,
) -> Result<(), StoreError> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let result = migrate_locked(client, seed).await;
    // Unlocked on every path; a connection that broke released it anyway.
    let _ = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    result
}

async fn migrate_locked(
    client: &mut deadpool_postgres::Object,
    seed: impl FnOnce(&mut Group) + Send,
) -> Result<(), StoreError> {
    let found = found_version(&*client).await?;
    if found > VERSION {
        return Err(StoreError::Internal(crate::store::too_new(found, VERSION)));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = client.transaction().await?;
        tx.batch_execute(sql).await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS absim_schema (version INTEGER NOT NULL);
             DELETE FROM absim_schema;",
        )
        .await?;
        tx.execute(
            "INSERT INTO absim_schema (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(version = i + 1, "migrated the PostgreSQL schema");
    }
    if load_group(&*client, 1, false).await?.is_none() {
        let mut g = Group::generate(1, DEFAULT_GROUP_NAME);
        seed(&mut g);
        save_group(&*client, &g).await?;
    }
    Ok(())
}

/// Ready: the database answers and carries this absim's schema version.
pub async fn check(c: &impl GenericClient) -> Result<(), StoreError> {
    match found_version(c).await? {
        v if v == VERSION => Ok(()),
        v => Err(StoreError::Internal(format!(
            "the database's schema version is {v}; this absim needs {VERSION}"
        ))),
    }
}
