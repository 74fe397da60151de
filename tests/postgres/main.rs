//! The integration suite on PostgreSQL: the same modules as `tests/api`,
//! each absim on a fresh database with a random name (dropped after the
//! test), and what only PostgreSQL does: several replicas on one
//! database (`replicas`). Without a server at `ABSIM_TEST_POSTGRES_URL`
//! (default postgres://postgres@127.0.0.1:5432/test) each test says it is
//! skipped on PostgreSQL and runs on SQLite instead; with
//! `ABSIM_REQUIRE_POSTGRES=1` (CI) that is a failure.
//!
//! Left to the SQLite binary: the browser tests (pages do not depend on the
//! engine), the crash tests of the SQLite file (`process`) and the suite
//! runner (which starts its own in-memory absim).

/// The engine these tests run on.
pub const BACKEND: helpers::Backend = helpers::Backend::Postgres;

#[path = "../api/admin.rs"]
mod admin;
#[path = "../api/basic_order.rs"]
mod basic_order;
#[path = "../api/buyer.rs"]
mod buyer;
#[path = "../api/ci.rs"]
mod ci;
#[path = "../api/helpers/mod.rs"]
mod helpers;
#[path = "../api/hostile.rs"]
mod hostile;
#[path = "../api/injection.rs"]
mod injection;
#[path = "../api/json_api.rs"]
mod json_api;
#[path = "../api/limits.rs"]
mod limits;
#[path = "../api/mail.rs"]
mod mail;
#[path = "../api/marketplace_settings.rs"]
mod marketplace_settings;
#[path = "../api/marketplaces.rs"]
mod marketplaces;
#[path = "../api/oci.rs"]
mod oci;
#[path = "../api/operations.rs"]
mod operations;
#[path = "../api/rejections.rs"]
mod rejections;
#[path = "../api/reliability.rs"]
mod reliability;
mod replicas;
#[path = "../api/samples.rs"]
mod samples;
#[path = "../api/scenarios/mod.rs"]
mod scenarios;
#[path = "../api/ui.rs"]
mod ui;
