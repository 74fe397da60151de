//! absim's integration tests: one binary, a module per area, on SQLite.
//! The `postgres` binary runs the same modules on PostgreSQL.

/// The engine these tests run on.
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

mod admin;
mod axe;
mod basic_order;
mod browser;
mod buyer;
mod ci;
mod contract;
mod crawl;
mod first_hour;
mod guide_words;
mod helpers;
mod hostile;
mod injection;
mod json_api;
mod limits;
mod mail;
mod marketplace_settings;
mod marketplaces;
mod oci;
mod operations;
mod phone;
mod phone_actions;
mod process;
mod rejections;
mod reliability;
mod runner;
mod samples;
mod scenarios;
mod store_suites;
mod ui;
