//! The one record path: groups, punchout sessions, orders and their
//! documents. The web layer, the outbound worker and the tests all read and
//! write through this module.
//!
//! Concurrency: sessions live in a `DashMap` (the storefront touches one
//! session per request, from many requests at once); groups, which change
//! rarely, behind an `RwLock`; the order book behind one `Mutex` because an
//! insert must check and record payloadID and orderID uniqueness atomically.
//! Every critical section is short and none spans an `.await`: methods take
//! closures or return clones.
//!
//! Durability: the groups (credentials and settings) are written to
//! `<data-dir>/groups.json` on every change, so the a/b/c values survive a
//! restart. Sessions and orders are kept in memory in this version.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use anyhow::Context;
use dashmap::DashMap;

use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
use crate::domain::order::{Document, Order, TestResult, ValidOrder};
use crate::domain::session::Session;

#[derive(Debug)]
pub struct Store {
    groups: RwLock<Vec<Group>>,
    groups_file: Option<PathBuf>,
    sessions: DashMap<String, Session>,
    /// cart reference -> session id, to link POs to their punchout session.
    carts: DashMap<String, String>,
    orders: Mutex<OrderBook>,
}

#[derive(Debug, Default)]
struct OrderBook {
    orders: Vec<Order>,
    payload_ids: HashSet<String>,
    order_ids: HashMap<(u32, String), u64>,
}

/// Why an order was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("payloadID '{0}' was already received; every document needs a unique payloadID")]
    PayloadId(String),
    #[error("orderID '{0}' was already received for this group (発注番号の重複)")]
    OrderId(String),
}

/// Filters of the test log and the order search.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub scenario: Option<String>,
    /// Matches the order number, ASINs, titles and the e-mail.
    pub text: Option<String>,
    pub order_id: Option<String>,
    pub asin: Option<String>,
    /// None: any; Some(None): unmarked; Some(Some(r)): marked r.
    pub result: Option<Option<TestResult>>,
}

impl OrderFilter {
    fn matches(&self, o: &Order) -> bool {
        let day = o.received_at.date_naive();
        let contains = |hay: &str, needle: &str| {
            crate::domain::catalog::normalize(hay)
                .contains(&crate::domain::catalog::normalize(needle))
        };
        self.from.is_none_or(|f| day >= f)
            && self.to.is_none_or(|t| day <= t)
            && self.scenario.as_deref().is_none_or(|s| o.scenario == s)
            && self
                .order_id
                .as_deref()
                .is_none_or(|id| contains(&o.order_id, id))
            && self
                .asin
                .as_deref()
                .is_none_or(|a| o.lines.iter().any(|l| contains(&l.asin, a)))
            && self
                .result
                .is_none_or(|r| o.mark.as_ref().map(|m| m.result) == r)
            && self.text.as_deref().is_none_or(|t| {
                contains(&o.order_id, t)
                    || contains(&o.confirm_id, t)
                    || o.lines
                        .iter()
                        .any(|l| contains(&l.asin, t) || contains(&l.description, t))
            })
    }
}

impl Store {
    /// Opens the store. With a data dir, groups are loaded from (or created
    /// in) `groups.json`; `seed` adjusts a newly created default group (the
    /// command line's fixed credentials and endpoints).
    pub fn open(data_dir: Option<PathBuf>, seed: impl FnOnce(&mut Group)) -> anyhow::Result<Store> {
        let groups_file = match &data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the data dir {}", dir.display()))?;
                Some(dir.join("groups.json"))
            }
            None => None,
        };
        let loaded: Option<Vec<Group>> =
            match &groups_file {
                Some(path) if path.exists() => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Some(serde_json::from_str(&text).with_context(|| {
                        format!("{} is not a valid groups file", path.display())
                    })?)
                }
                _ => None,
            };
        let (groups, created) = match loaded {
            Some(g) if !g.is_empty() => (g, false),
            _ => {
                let mut g = Group::generate(1, DEFAULT_GROUP_NAME);
                seed(&mut g);
                (vec![g], true)
            }
        };
        let store = Store {
            groups: RwLock::new(groups),
            groups_file,
            sessions: DashMap::new(),
            carts: DashMap::new(),
            orders: Mutex::new(OrderBook::default()),
        };
        if created {
            store.save_groups()?;
        }
        Ok(store)
    }

    fn save_groups(&self) -> anyhow::Result<()> {
        let Some(path) = &self.groups_file else {
            return Ok(());
        };
        let text = {
            let groups = self.groups.read().expect("groups lock");
            serde_json::to_string_pretty(&*groups)?
        };
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
        Ok(())
    }

    pub fn groups(&self) -> Vec<Group> {
        self.groups.read().expect("groups lock").clone()
    }

    pub fn group(&self, id: u32) -> Option<Group> {
        self.groups
            .read()
            .expect("groups lock")
            .iter()
            .find(|g| g.id == id)
            .cloned()
    }

    pub fn group_by_token(&self, token: &str) -> Option<Group> {
        self.groups
            .read()
            .expect("groups lock")
            .iter()
            .find(|g| g.po_token == token)
            .cloned()
    }

    pub fn group_by_identity(&self, identity: &str) -> Option<Group> {
        self.groups
            .read()
            .expect("groups lock")
            .iter()
            .find(|g| g.identity == identity)
            .cloned()
    }

    /// Changes a group and persists the groups. `change` validates and
    /// returns a message people can read when it refuses.
    pub fn update_group(
        &self,
        id: u32,
        change: impl FnOnce(&mut Group) -> Result<(), String>,
    ) -> Result<Group, String> {
        let updated = {
            let mut groups = self.groups.write().expect("groups lock");
            let g = groups
                .iter_mut()
                .find(|g| g.id == id)
                .ok_or_else(|| format!("there is no group {id}"))?;
            let mut candidate = g.clone();
            change(&mut candidate)?;
            *g = candidate.clone();
            candidate
        };
        self.save_groups()
            .map_err(|e| format!("the settings could not be saved: {e:#}"))?;
        Ok(updated)
    }

    pub fn insert_session(&self, session: Session) {
        self.carts
            .insert(session.cart_ref.clone(), session.id.clone());
        self.sessions.insert(session.id.clone(), session);
    }

    pub fn session(&self, id: &str) -> Option<Session> {
        self.sessions.get(id).map(|s| s.clone())
    }

    /// Runs `f` on a session under its shard lock (keep `f` short).
    pub fn with_session<R>(&self, id: &str, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        self.sessions.get_mut(id).map(|mut s| f(&mut s))
    }

    pub fn session_for_cart(&self, cart_ref: &str) -> Option<String> {
        self.carts.get(cart_ref).map(|s| s.clone())
    }

    /// Records an accepted order, refusing a repeated payloadID or a
    /// repeated orderID within the group. `build` makes the order once the
    /// number is known.
    pub fn insert_order(
        &self,
        group_id: u32,
        valid: &ValidOrder,
        build: impl FnOnce(u64) -> Order,
    ) -> Result<Order, Conflict> {
        let mut book = self.orders.lock().expect("orders lock");
        if book.payload_ids.contains(&valid.payload_id) {
            return Err(Conflict::PayloadId(valid.payload_id.clone()));
        }
        let key = (group_id, valid.order_id.clone());
        if book.order_ids.contains_key(&key) {
            return Err(Conflict::OrderId(valid.order_id.clone()));
        }
        let no = book.orders.len() as u64 + 1;
        let order = build(no);
        book.payload_ids.insert(valid.payload_id.clone());
        book.order_ids.insert(key, no);
        book.orders.push(order.clone());
        Ok(order)
    }

    pub fn order(&self, no: u64) -> Option<Order> {
        let book = self.orders.lock().expect("orders lock");
        no.checked_sub(1)
            .and_then(|i| book.orders.get(i as usize))
            .cloned()
    }

    pub fn with_order<R>(&self, no: u64, f: impl FnOnce(&mut Order) -> R) -> Option<R> {
        let mut book = self.orders.lock().expect("orders lock");
        no.checked_sub(1)
            .and_then(|i| book.orders.get_mut(i as usize))
            .map(f)
    }

    pub fn add_order_document(&self, no: u64, doc: Document) {
        self.with_order(no, |o| o.documents.push(doc));
    }

    /// Orders of a group matching the filter, newest first.
    pub fn orders(&self, group_id: u32, filter: &OrderFilter) -> Vec<Order> {
        let book = self.orders.lock().expect("orders lock");
        book.orders
            .iter()
            .rev()
            .filter(|o| o.group_id == group_id && filter.matches(o))
            .cloned()
            .collect()
    }

    /// How many orders a group has for a scenario.
    pub fn count_orders(&self, group_id: u32, scenario: &str) -> usize {
        let book = self.orders.lock().expect("orders lock");
        book.orders
            .iter()
            .filter(|o| o.group_id == group_id && o.scenario == scenario)
            .count()
    }

    /// The latest mark of a scenario in a group (the scenario page shows it).
    pub fn latest_mark(&self, group_id: u32, scenario: &str) -> Option<crate::domain::order::Mark> {
        let book = self.orders.lock().expect("orders lock");
        book.orders
            .iter()
            .filter(|o| o.group_id == group_id && o.scenario == scenario)
            .filter_map(|o| o.mark.clone())
            .max_by_key(|m| m.at)
    }
}
