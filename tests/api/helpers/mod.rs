//! The test harness: absim on port 0 with in-memory state (or a fresh
//! PostgreSQL database, in the `postgres` test binary), a local receiver
//! standing in for the buyer's hook and endpoints, document builders, the
//! DTD check of everything absim emitted, and waiting for a condition (never
//! for a while).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use absim::{AppState, Settings};
use axum::body::Bytes;
use axum::extract::{Path as AxPath, State};
use axum::http::HeaderMap;
use scraper::{Html, Selector};
use tokio::sync::mpsc;

mod app;
mod documents;
mod driving;
mod receiver;
mod storage;
mod waiting;

pub use app::*;
pub use documents::*;
pub use driving::*;
pub use receiver::*;
pub use storage::*;
pub use waiting::*;
