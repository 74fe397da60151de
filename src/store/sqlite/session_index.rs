//! Every punchout session, in memory beside the database, so that the
//! storefront's pages and PO intake find a session (by id, or by the cart
//! reference in a line's SupplierPartAuxiliaryID) without a round trip to a
//! reader connection. There are at most `--max-sessions` of them.
//!
//! The database stays the truth: the index is loaded from it at start, and
//! changed only by the writer thread after a commit, in commit order, so a
//! caller whose write returned `Ok` reads its own change.
//!
//! Two `DashMap`s, so that the many readers (every page, every PO) never
//! wait for each other and the writer locks only the shard it changes. No
//! reference into them is held beyond a statement, let alone an `.await`.

use std::sync::Arc;

use dashmap::DashMap;
use rusqlite::Connection;

use super::json_rows;
use crate::domain::session::Session;
use crate::store::StoreError;

/// Ids are shared between the two maps, so that looking a cart's newest
/// session up copies no text (every PO for a cart does).
#[derive(Debug, Default)]
pub struct SessionIndex {
    by_id: DashMap<Arc<str>, Arc<Session>>,
    /// Session ids per cart reference, oldest first (an edit reopens a cart
    /// in a new session).
    by_cart: DashMap<String, Vec<Arc<str>>>,
}

impl SessionIndex {
    pub fn load(c: &Connection) -> Result<SessionIndex, StoreError> {
        let index = SessionIndex::default();
        for s in json_rows::<Session>(c, "SELECT body FROM sessions ORDER BY rowid", [])? {
            index.put(s);
        }
        Ok(index)
    }

    /// Adds a session or replaces it with its new state.
    pub fn put(&self, session: Session) {
        let id: Arc<str> = Arc::from(session.id.as_str());
        {
            let mut ids = self.by_cart.entry(session.cart_ref.clone()).or_default();
            if !ids.contains(&id) {
                ids.push(id.clone());
            }
        }
        self.by_id.insert(id, Arc::new(session));
    }

    pub fn remove(&self, ids: &[String]) {
        for id in ids {
            let Some((_, s)) = self.by_id.remove(id.as_str()) else {
                continue;
            };
            self.by_cart.remove_if_mut(&s.cart_ref, |_, of_cart| {
                of_cart.retain(|i| **i != **id);
                of_cart.is_empty()
            });
        }
    }

    pub fn get(&self, id: &str) -> Option<Arc<Session>> {
        self.by_id.get(id).map(|s| s.value().clone())
    }

    /// How many sessions there are.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// The newest session of a cart (what a PO for the cart belongs to),
    /// without gathering the others.
    pub fn newest_of_cart(&self, cart_ref: &str) -> Option<Arc<Session>> {
        // The id is taken out (a shared one: no copy of its text), so that
        // no guard of one map is held while the other is read.
        let id = self.by_cart.get(cart_ref)?.value().last()?.clone();
        self.get(&id)
    }

    /// The sessions of a cart, oldest first.
    pub fn of_cart(&self, cart_ref: &str) -> Vec<Arc<Session>> {
        let ids = self
            .by_cart
            .get(cart_ref)
            .map(|ids| ids.value().clone())
            .unwrap_or_default();
        ids.iter().filter_map(|id| self.get(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, cart: &str) -> Session {
        use crate::domain::session::{Cart, SetupRecord};
        Session {
            id: id.into(),
            group_id: 1,
            setup: SetupRecord {
                received_at: crate::cxml::time::now(),
                payload_id: format!("{id}@test"),
                operation: "create".into(),
                buyer_cookie: String::new(),
                credentials_valid: true,
                email: None,
                hook_url: None,
                first_name: None,
                last_name: None,
                ubu: None,
                deviations: Vec::new(),
            },
            cart_ref: cart.into(),
            cart: Cart::default(),
            returns: Vec::new(),
            scenario: "basic".into(),
            read_only: false,
            oci: None,
            touched_at_ms: 0,
            run_id: None,
        }
    }

    #[test]
    fn a_cart_keeps_its_sessions_in_order_until_they_go() {
        let index = SessionIndex::default();
        index.put(session("a", "cart-1"));
        index.put(session("b", "cart-1"));
        index.put(session("c", "cart-2"));
        // Replacing a session does not repeat it.
        index.put(session("a", "cart-1"));
        let ids = |v: Vec<Arc<Session>>| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(index.of_cart("cart-1")), ["a", "b"]);
        let newest = |cart: &str| index.newest_of_cart(cart).map(|s| s.id.clone());
        assert_eq!(newest("cart-1").as_deref(), Some("b"));
        index.remove(&["b".into(), "zzz".into()]);
        assert_eq!(ids(index.of_cart("cart-1")), ["a"]);
        assert_eq!(newest("cart-1").as_deref(), Some("a"));
        index.remove(&["a".into()]);
        assert!(index.of_cart("cart-1").is_empty());
        assert_eq!(newest("cart-1"), None);
        assert_eq!(newest("no-such-cart"), None);
        assert!(!index.by_cart.contains_key("cart-1"));
        assert_eq!(index.by_id.len(), 1);
        assert_eq!(
            index.get("c").map(|s| s.cart_ref.clone()).as_deref(),
            Some("cart-2")
        );
    }
}
