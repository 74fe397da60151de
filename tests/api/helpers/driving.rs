//! Driving scenarios as a buyer would.

use super::*;

use absim::buyer::{self, BuyerConfig};
use absim::cxml::Cxml;
use absim::cxml::order_message::{ItemIn, PunchOutOrderMessage};
use absim::cxml::order_request::OrderRequest;

/// The verdict and checks of a log entry, as its page shows them.
#[derive(Debug)]
pub struct Checks {
    pub verdict: String,
    pub passed: Vec<String>,
    pub failed: Vec<String>,
    pub pending: Vec<String>,
}

impl Checks {
    pub fn all_pass(&self) -> bool {
        self.failed.is_empty() && self.pending.is_empty()
    }

    pub fn failure_mentions(&self, text: &str) -> bool {
        self.failed.iter().any(|f| f.contains(text))
    }

    pub fn assert_all_pass(&self) {
        assert!(self.all_pass(), "{self:?}");
    }

    pub fn assert_fails_with(&self, text: &str) {
        assert!(self.failure_mentions(text), "{self:?}");
    }
}

/// The reference buyer's settings for the test's group, its hook at
/// `hook_url`.
pub fn buyer_config(hook_url: String) -> BuyerConfig {
    BuyerConfig {
        identity: IDENTITY.into(),
        shared_secret: SECRET.into(),
        hook_url,
        user_email: "tanaka@example.co.jp".into(),
        user_agent: "absim tests".into(),
        address: absim::buyer::store_address("JP").unwrap(),
    }
}

/// What the browser does on the page 承認を依頼する leads to: posts its
/// form (the cart in one hidden field) to the buyer's hook, with `http`.
pub async fn post_cart_return(http: &reqwest::Client, page: &Html) -> reqwest::Response {
    let action = attr_of(page, "#cart-return", "action");
    let name = attr_of(page, "#cart-return input[type=hidden]", "name");
    let value = attr_of(page, "#cart-return input[type=hidden]", "value");
    http.post(&action)
        .form(&[(name.as_str(), value.as_str())])
        .send()
        .await
        .unwrap()
}

/// The cart the buyer's hook received, read as the buyer reads it.
pub fn cart_from_hook(got: &Received) -> Cxml<PunchOutOrderMessage> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(got.body.as_bytes())
        .into_owned()
        .collect();
    buyer::cart_from_form(&fields).unwrap()
}

impl TestApp {
    pub fn buyer_config(&self) -> BuyerConfig {
        buyer_config(self.receiver.url("/hook"))
    }

    /// Punches out (any operation, with the returned cart for edit and
    /// inspect) and returns the storefront session id.
    pub async fn open_store(
        &mut self,
        operation: &str,
        cart: &[ItemIn],
        scenario: Option<&str>,
    ) -> String {
        let setup =
            buyer::setup_request(&self.buyer_config(), operation, "cookie-7", cart, scenario);
        let r = self.post_punchout_setup(&setup).await;
        assert_eq!(r.status, 200, "{}", r.body);
        self.emitted
            .push((format!("setup-{operation}"), r.body.clone()));
        session_id(&start_page(&r.body))
    }

    pub async fn add_to_cart(&self, sid: &str, asin: &str, quantity: u32) -> Reply {
        self.post_form(
            &format!("/s/{sid}/cart/add"),
            &[("asin", asin), ("quantity", &quantity.to_string())],
        )
        .await
    }

    pub async fn set_line(&self, sid: &str, line: u32, quantity: u32) -> Reply {
        self.post_form(
            &format!("/s/{sid}/cart/update"),
            &[
                ("line", &line.to_string()),
                ("quantity", &quantity.to_string()),
            ],
        )
        .await
    }

    /// 承認を依頼する (or leaving without a cart): the browser posts the
    /// return page's form to the hook; the buyer reads the cart from it.
    pub async fn return_cart(&mut self, sid: &str, empty: bool) -> Cxml<PunchOutOrderMessage> {
        let form: &[(&str, &str)] = if empty { &[("empty", "1")] } else { &[] };
        let page = self.post_form(&format!("/s/{sid}/submit"), form).await;
        assert_eq!(page.status, 200, "{}", page.body);
        post_cart_return(&self.http, &page.html()).await;
        let cart = cart_from_hook(&self.receiver.next("/hook").await);
        self.emitted
            .push(("poom".into(), absim::cxml::write::document(&cart)));
        cart
    }

    /// A PO for the returned cart, as the reference buyer writes it.
    pub fn po_for(&self, cart: &Cxml<PunchOutOrderMessage>, order_id: &str) -> Cxml<OrderRequest> {
        buyer::order_request(
            &self.buyer_config(),
            cart.payload().unwrap(),
            order_id,
            &format!("{order_id}.{}@buyer.example", unique()),
        )
    }

    pub async fn send_po(&self, po: &Cxml<OrderRequest>) -> Reply {
        self.post_order(&absim::cxml::write::document(po)).await
    }

    /// Delivers everything owed, moving the clock over scheduled gaps.
    pub async fn settle(&mut self) {
        use absim::outbound::{Outcome, deliver_next};
        for _ in 0..100 {
            match deliver_next(&self.state).await.unwrap() {
                Outcome::Attempted { .. } => {}
                Outcome::NotDue(due) => {
                    let wait = (due - self.state.clock.now_ms()).max(0) as u64;
                    advance_clock(Duration::from_millis(wait + 1)).await;
                }
                Outcome::Idle => return,
            }
        }
        panic!("deliveries did not settle");
    }

    /// Every document posted to the receiver's endpoints so far, kept for
    /// the DTD check.
    pub fn collect_posts(&mut self) -> Vec<(String, Received)> {
        let posts = self.receiver.drain();
        for (path, r) in &posts {
            if path != "/hook" {
                self.emitted
                    .push((path.trim_start_matches('/').into(), r.body.clone()));
            }
        }
        posts
    }

    /// Waits until absim has recorded every delivery of order `no` as
    /// delivered: the buyer's endpoint has a document before absim has read
    /// its answer and committed the outcome, so a test that saw the post
    /// can be a moment ahead of the test log.
    pub async fn wait_delivered(&self, no: u64) {
        use absim::domain::delivery::DeliveryState;
        let what = format!("the deliveries of order {no} to be recorded as delivered");
        eventually(&what, Duration::from_secs(5), async || {
            let deliveries = self.state.store.deliveries_of(no).await.unwrap();
            deliveries
                .iter()
                .all(|(d, _)| d.state == DeliveryState::Delivered)
        })
        .await;
    }

    /// The newest log entry's number.
    pub async fn last_entry(&self) -> u64 {
        let (orders, _) = self
            .state
            .store
            .orders(1, &Default::default(), 1)
            .await
            .unwrap();
        orders.first().expect("an entry").no
    }

    pub async fn checks(&self, no: u64) -> Checks {
        let page = self
            .get_page_lang(&format!("/groups/1/log/{no}"), "en")
            .await
            .html();
        Checks {
            verdict: text_of(&page, "#verdict"),
            passed: texts_of(&page, "#checks li.pass"),
            failed: texts_of(&page, "#checks li.fail"),
            pending: texts_of(&page, "#checks li.pending"),
        }
    }
}
