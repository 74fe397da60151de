//! The SQLite schema, as versioned migrations applied at start
//! (rusqlite_migration keeps the version in SQLite's `user_version`). Add a
//! migration at the end; never edit one that has shipped. The PostgreSQL
//! engine has its own history (`postgres::schema`).

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::store::StoreError;

/// The schema version this absim writes: the number of migrations.
pub const VERSION: u32 = MIGRATIONS.len() as u32;

const MIGRATIONS: &[M<'static>] = &[
    M::up(
        r#"
-- Punchout groups: credentials and settings (the Group as JSON), with the
-- lookups that must be unique as columns.
CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    identity    TEXT NOT NULL UNIQUE,
    po_token    TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL
);

-- Punchout sessions: the setup record, the cart and its returns (JSON).
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    cart_ref    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    touched_at  INTEGER NOT NULL DEFAULT 0,
    body        TEXT NOT NULL
);
CREATE INDEX sessions_by_touch ON sessions (touched_at);
-- An edit reopens a cart in a new session with the same cart reference.
CREATE INDEX sessions_by_cart ON sessions (cart_ref);

-- Purchase orders, accepted or refused: the test log's entries.
CREATE TABLE orders (
    no           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups(id),
    refused      INTEGER NOT NULL DEFAULT 0,
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
-- Accepted orders have unique payloadIDs and, per group, unique orderIDs.
CREATE UNIQUE INDEX orders_payload ON orders (payload_id) WHERE refused = 0;
CREATE UNIQUE INDEX orders_order_id ON orders (group_id, order_id) WHERE refused = 0;
CREATE INDEX orders_by_group ON orders (group_id, no);
CREATE INDEX orders_by_scenario ON orders (group_id, scenario, no);

-- Every document received or sent, bytes as they were.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT,
    order_no    INTEGER,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    body        BLOB NOT NULL
);
CREATE INDEX documents_by_order ON documents (order_no);
CREATE INDEX documents_by_session ON documents (session_id);

-- The outbound queue: one row per document owed to the buyer.
CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    order_no     INTEGER NOT NULL REFERENCES orders(no),
    kind         TEXT NOT NULL,
    step         INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL,
    due_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    payload_id   TEXT,
    document_id  INTEGER REFERENCES documents(id),
    target       TEXT,
    last_http    INTEGER,
    last_cxml    INTEGER,
    last_error   TEXT,
    sent_at      TEXT
);
CREATE INDEX deliveries_due ON deliveries (state, due_at);
CREATE INDEX deliveries_by_order ON deliveries (order_no);

-- Every delivery attempt.
CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER NOT NULL REFERENCES deliveries(id),
    at           TEXT NOT NULL,
    http_status  INTEGER,
    cxml_status  INTEGER,
    error        TEXT,
    duration_ms  INTEGER NOT NULL
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);

-- PO確認のメール: the order e-mails absim wrote (its outbox).
CREATE TABLE mails (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    order_no    INTEGER REFERENCES orders(no),
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
-- raw bodies and, when a request matched nothing, why.
CREATE TABLE journal (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    direction   TEXT NOT NULL,
    method      TEXT NOT NULL,
    target      TEXT NOT NULL,
    status      INTEGER,
    group_id    INTEGER,
    note        TEXT,
    request     BLOB NOT NULL,
    response    BLOB NOT NULL
);
CREATE INDEX journal_by_id ON journal (id);

-- Faults injected into PO answers, for the test log.
CREATE TABLE faults (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload_id  TEXT,
    order_id    TEXT,
    detail      TEXT NOT NULL
);
CREATE INDEX faults_by_group ON faults (group_id, id);
"#,
    ),
    // Deleting a document (evicting a session) checks the foreign key from
    // deliveries; without this index each check scanned every delivery.
    M::up("CREATE INDEX deliveries_by_document ON deliveries (document_id);"),
    // Fewer B-tree writes per order: the journal's id is its rowid already,
    // and most documents have no session and most deliveries no document
    // yet, so those rows need no entry in the lookup indexes.
    M::up(
        r#"
DROP INDEX journal_by_id;
DROP INDEX documents_by_session;
CREATE INDEX documents_by_session ON documents (session_id) WHERE session_id IS NOT NULL;
DROP INDEX deliveries_by_document;
CREATE INDEX deliveries_by_document ON deliveries (document_id) WHERE document_id IS NOT NULL;
"#,
    ),
    // A PO's journal entry refers to the order's documents instead of
    // keeping a second copy of both bodies, a large share of an order's
    // bytes.
    // A reset copies the bodies back before it deletes the documents.
    M::up(
        r#"
ALTER TABLE journal ADD COLUMN request_doc INTEGER;
ALTER TABLE journal ADD COLUMN response_doc INTEGER;
CREATE INDEX journal_by_request_doc ON journal (request_doc) WHERE request_doc IS NOT NULL;
"#,
    ),
    // Which absim process handled each exchange (one here; the column is
    // shared with the PostgreSQL engine's journal).
    M::up("ALTER TABLE journal ADD COLUMN replica TEXT;"),
    // CI runs ("scenario X for group G"), and what belongs to each.
    M::up(
        r#"
CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    group_id    INTEGER NOT NULL,
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
    ),
    // Fewer B-tree writes per punchout setup and per evicted session: the
    // in-memory session index answers every lookup by cart (SQLite never
    // read this index; each setup and each eviction wrote a random page
    // of it), and a session's documents have no order, so they need no
    // entry in the order lookup.
    M::up(
        r#"
DROP INDEX sessions_by_cart;
DROP INDEX documents_by_order;
CREATE INDEX documents_by_order ON documents (order_no) WHERE order_no IS NOT NULL;
"#,
    ),
    // Fewer bytes per PO: a document's body may be an LZ4 block of the
    // bytes sent, whose length is then here (see `packing`); NULL, as in
    // every row written before, means the body is those bytes.
    M::up("ALTER TABLE documents ADD COLUMN packed_size INTEGER;"),
];

/// Brings the schema to [`VERSION`]; refuses a database that a newer absim
/// has migrated further, naming both versions.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > VERSION {
        return Err(StoreError::Internal(super::super::too_new(found, VERSION)));
    }
    Migrations::from_slice(MIGRATIONS)
        .to_latest(conn)
        .map_err(|e| StoreError::Internal(format!("migrating the database: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_database_from_a_newer_absim_is_refused_naming_both_versions() {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", super::VERSION + 3)
            .unwrap();
        let err = super::migrate(&mut c).unwrap_err().to_string();
        assert!(
            err.contains(&format!("schema version {}", super::VERSION + 3))
                && err.contains(&format!("knows up to {}", super::VERSION)),
            "{err}"
        );
    }

    #[test]
    fn migrations_are_valid() {
        assert!(
            rusqlite_migration::Migrations::from_slice(super::MIGRATIONS)
                .validate()
                .is_ok()
        );
    }

    /// The partial indexes still serve the lookups that use them.
    #[test]
    fn lookups_use_the_partial_indexes() {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        super::migrate(&mut c).unwrap();
        let plan = |sql: &str| -> String {
            let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let docs = plan("SELECT id FROM documents WHERE session_id = 'x'");
        assert!(docs.contains("documents_by_session"), "{docs}");
        let of_order = plan("SELECT id FROM documents WHERE order_no = 7");
        assert!(of_order.contains("documents_by_order"), "{of_order}");
        // An order's documents with its session's (the test log's list).
        let both = plan(
            "SELECT id FROM documents WHERE order_no = 7 OR ('s' IS NOT NULL AND session_id = 's')",
        );
        assert!(
            both.contains("documents_by_order") && both.contains("documents_by_session"),
            "{both}"
        );
        let deliveries = plan("SELECT id FROM deliveries WHERE document_id = 7");
        assert!(
            deliveries.contains("deliveries_by_document"),
            "{deliveries}"
        );
    }
}
