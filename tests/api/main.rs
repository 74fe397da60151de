//! absim's integration tests: one binary, a module per area.

mod basic_order;
mod helpers;
mod rejections;
mod samples;
mod ui;
