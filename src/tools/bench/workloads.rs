//! What the benchmark sends: POs, punchouts, and the full flow of an order
//! as a procurement system makes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::load::{Call, LoadResult, Workload, percentiles};
use super::servers::Server;
use crate::fixtures::{bench_buyer, order_request, setup_request};

/// Makes the workloads of the load table. Each PO workload numbers its
/// orders from a base of its own, so that orderIDs never repeat across runs
/// (absim would answer a repeat as a duplicate).
pub struct Workloads {
    next_base: AtomicU64,
}

/// How many orders one PO workload may number before the next one's base.
const SPAN: u64 = 10_000_000;

impl Workloads {
    /// Workloads whose orders are numbered from `first` on.
    pub fn new(first: u64) -> Workloads {
        Workloads {
            next_base: AtomicU64::new(first),
        }
    }

    fn base(&self, span: u64) -> u64 {
        self.next_base.fetch_add(span, Ordering::Relaxed)
    }

    /// POs of `lines` lines, not linked to a punchout, posted to `path`.
    pub fn pos(&self, path: String, lines: usize) -> Workload {
        let base = self.base(SPAN);
        Arc::new(move |n| Call::post(&path, order_request(base + n, lines)))
    }

    /// POs for a returned cart: `{N}` in the template numbers each.
    pub fn cart_pos(&self, path: String, template: Arc<String>) -> Workload {
        let base = self.base(SPAN);
        Arc::new(move |n| Call::post(&path, template.replace("{N}", &(base + n).to_string())))
    }

    /// Nine storefront page views in one punchout session for every PO.
    pub fn mixed(&self, po_path: String, sid: &str) -> Workload {
        let base = self.base(SPAN);
        let pages = pages(sid);
        Arc::new(move |n| {
            if n % 10 == 9 {
                Call::post(&po_path, order_request(base + n, 2))
            } else {
                Call::get(&pages[(n % 4) as usize])
            }
        })
    }

    /// The two-line POs that fill the store, numbered apart from every load
    /// run's however long the filling takes.
    pub fn fill(&self, path: String) -> Workload {
        let base = self.base(1_000_000_000);
        Arc::new(move |n| Call::post(&path, order_request(base + n, 2)))
    }
}

/// Punchouts, each a new session.
pub fn setups() -> Workload {
    Arc::new(|n| Call::post("/eprocurement/punchout", setup_request(n)))
}

/// The storefront's pages in session `sid`, in turn.
pub fn storefront(sid: &str) -> Workload {
    let pages = pages(sid);
    Arc::new(move |n| Call::get(&pages[(n % 4) as usize]))
}

/// The pages a shopper views: the store, a search, a product, the cart.
fn pages(sid: &str) -> [String; 4] {
    [
        format!("/s/{sid}"),
        format!("/s/{sid}/search?q=%E3%83%87%E3%82%B9%E3%82%AF"),
        format!("/s/{sid}/dp/B087JWRCP5"),
        format!("/s/{sid}/cart"),
    ]
}

/// The two-line cart of the cart-linked workloads, through the JSON API.
const CART: &str = r#"{"lines":[{"asin":"B087JWRCP5","quantity":1},{"asin":"B0009YD7P2","quantity":2},{"asin":"B000FQTVQK","quantity":1}]}"#;

/// Fills session `sid`'s cart, checks out, and gives the returned cart.
async fn checkout(
    http: &reqwest::Client,
    base: &str,
    sid: &str,
) -> anyhow::Result<crate::cxml::Cxml<crate::cxml::order_message::PunchOutOrderMessage>> {
    http.put(format!("{base}/api/v1/sessions/{sid}/cart"))
        .header("content-type", "application/json")
        .body(CART)
        .send()
        .await?
        .error_for_status()?;
    let checkout: serde_json::Value = serde_json::from_slice(
        &http
            .post(format!("{base}/api/v1/sessions/{sid}/checkout"))
            .header("content-type", "application/json")
            .body(r#"{"empty":false,"post":false}"#)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?,
    )?;
    let poom = checkout["punch_out_order_message"]
        .as_str()
        .unwrap_or_default();
    Ok(
        crate::cxml::read::read::<crate::cxml::order_message::PunchOutOrderMessage>(
            poom.as_bytes(),
        )?
        .doc,
    )
}

/// The reference buyer's PO for `cart`.
fn po_for(
    cart: &crate::cxml::Cxml<crate::cxml::order_message::PunchOutOrderMessage>,
    order_id: &str,
    payload_id: &str,
) -> anyhow::Result<String> {
    let po = crate::buyer::order_request(
        &bench_buyer(),
        cart.payload().context("an empty checkout")?,
        order_id,
        payload_id,
    );
    Ok(crate::cxml::write::document(&po))
}

/// A PO for a cart returned from a new punchout session, with `{N}` where
/// its orderID and payloadID take the request's number.
pub async fn cart_po_template(base: &str) -> anyhow::Result<String> {
    let http = reqwest::Client::new();
    let sid = open_session(&http, base, u64::MAX).await?;
    let cart = checkout(&http, base, &sid).await?;
    po_for(
        &cart,
        &format!("BENCH-CART-{}-{{N}}", std::process::id()),
        "{N}@bench-cart.example",
    )
}

/// One whole order as a procurement system makes it: punchout, three cart
/// lines through the JSON API, checkout, the PO for the returned cart.
async fn one_flow(http: &reqwest::Client, base: &str, po_url: &str, n: u64) -> anyhow::Result<()> {
    let sid = open_session(http, base, n).await?;
    let cart = checkout(http, base, &sid).await?;
    let po = po_for(&cart, &format!("FLOW-{n}"), &format!("flow-{n}@bench"))?;
    let answer = http.post(po_url).body(po).send().await?;
    anyhow::ensure!(answer.status() == 200, "the PO got {}", answer.status());
    Ok(())
}

/// The full flow for `duration` with `connections` buyers at once, spread
/// over `servers` (replicas of one absim); then waits (up to 30 s) for every
/// ship notice, counted by `ships`. Completed orders per second counts
/// orders whose ship notice reached the receiver.
pub async fn full_flow(
    servers: &[Server],
    ships: &AtomicU64,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<(u64, u64, Duration, LoadResult)> {
    let counter = Arc::new(AtomicU64::new(0));
    let shipped_before = ships.load(Ordering::Relaxed);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for i in 0..connections {
        let server = &servers[i % servers.len()];
        let (base, po_url, counter) = (server.base.clone(), server.po_url.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let (mut latencies, mut errors) = (Vec::new(), 0u64);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if one_flow(&http, &base, &po_url, n).await.is_err() {
                    errors += 1;
                }
                latencies.push(t.elapsed().as_micros() as u32);
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, err) = t.await?;
        all.extend(lat);
        errors += err;
    }
    let placed = all.len() as u64 - errors;
    let shipped = || ships.load(Ordering::Relaxed) - shipped_before;
    let wait_until = Instant::now() + Duration::from_secs(30);
    while shipped() < placed && Instant::now() < wait_until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let completed = shipped();
    let [p50_us, p99_us, p999_us] = percentiles(&mut all);
    let flows = LoadResult {
        requests: placed,
        errors,
        elapsed,
        p50_us,
        p99_us,
        p999_us,
        gets: None,
    };
    Ok((completed, placed, elapsed, flows))
}

/// The path (and query) of a URL.
pub fn path_of(url: &str) -> String {
    url.parse::<hyper::Uri>()
        .ok()
        .and_then(|u| u.path_and_query().map(|p| p.to_string()))
        .unwrap_or_else(|| "/".into())
}

/// Punches out once and gives the storefront session id.
pub async fn open_session(http: &reqwest::Client, base: &str, n: u64) -> anyhow::Result<String> {
    let answer = http
        .post(format!("{base}/eprocurement/punchout"))
        .header("content-type", "text/xml")
        .body(setup_request(n))
        .send()
        .await?
        .bytes()
        .await?;
    let doc =
        crate::cxml::read::read::<crate::cxml::punchout_setup::PunchOutSetupResponse>(&answer)?;
    let url = doc
        .doc
        .payload()
        .map(|p| p.start_page.url.clone())
        .context("the punchout answer has no StartPage")?;
    Ok(url.rsplit('/').next().unwrap_or_default().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order_id(call: &Call) -> String {
        crate::buyer::order_id_in(call.body.as_deref().expect("a POST"))
    }

    #[test]
    fn po_workloads_never_repeat_an_order_id() {
        let w = Workloads::new(1_000);
        let (first, second) = (w.pos("/po/x".into(), 2), w.pos("/po/x".into(), 2));
        let ids: std::collections::HashSet<String> = (0..100)
            .flat_map(|n| [order_id(&first(n)), order_id(&second(n))])
            .collect();
        assert_eq!(ids.len(), 200);
        let filling = w.fill("/po/x".into());
        assert!(!ids.contains(&order_id(&filling(0))));
    }

    #[test]
    fn the_mixed_workload_posts_one_po_for_nine_page_views() {
        let w = Workloads::new(0);
        let mixed = w.mixed("/po/x".into(), "s1");
        let calls: Vec<Call> = (0..20).map(|n| mixed(n)).collect();
        let posts: Vec<&str> = calls
            .iter()
            .filter(|c| c.body.is_some())
            .map(|c| c.path.as_str())
            .collect();
        assert_eq!(posts, ["/po/x", "/po/x"]);
        assert!(calls[9].body.is_some() && calls[19].body.is_some());
        assert_eq!(calls[0].path, "/s/s1");
        assert_eq!(calls[3].path, "/s/s1/cart");
    }

    #[test]
    fn cart_pos_number_the_template() {
        let w = Workloads::new(5);
        let pos = w.cart_pos("/po/x".into(), Arc::new("<x id=\"C-{N}\"/>".into()));
        assert_eq!(pos(2).body.as_deref(), Some("<x id=\"C-7\"/>"));
    }
}
