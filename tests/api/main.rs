//! absim's integration tests: one binary, a module per area.

mod admin;
mod basic_order;
mod browser;
mod buyer;
mod helpers;
mod hostile;
mod injection;
mod json_api;
mod limits;
mod mail;
mod oci;
mod process;
mod rejections;
mod reliability;
mod runner;
mod samples;
mod scenarios;
mod ui;
