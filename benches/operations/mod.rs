//! The micro benchmark's operations and their inputs, shared with the test
//! that holds PO intake to its allocation budget (`tests/allocations.rs`):
//! the fixture (the basic order run once in-process, on the durable SQLite
//! store in a temporary directory), the named operations, and the count of
//! heap allocations a call makes. Each binary that uses it sets stats_alloc's
//! instrumented allocator as its global allocator, named `GLOBAL`.

use std::hint::black_box;

use absim::buyer::{self, BuyerConfig};
use absim::cxml::Cxml;
use absim::cxml::confirmation::ConfirmationRequest;
use absim::cxml::order_message::PunchOutOrderMessage;
use absim::cxml::order_request::OrderRequest;
use absim::cxml::punchout_setup::{PunchOutSetupRequest, PunchOutSetupResponse};
use absim::cxml::read::read;
use absim::cxml::ship_notice::ShipNoticeRequest;
use absim::cxml::write;
use absim::domain::Pricing;
use absim::domain::documents;
use absim::domain::order::{OrderLine, price_order};
use absim::domain::pricing::{Charging, Destination};
use absim::{AppState, Settings};
use axum::body::Body;
use axum::http::Request;
use stats_alloc::Region;
use tower::ServiceExt;

use crate::GLOBAL;

const IDENTITY: &str = "BenchBuyer01";
const SECRET: &str = "benchSecret01";

/// Realistic inputs, made by running the basic order once in-process.
pub struct Fixture {
    /// Holds the store's directory until the benchmark ends.
    _data: tempfile::TempDir,
    /// The runtime the operations run on: a second one, not the one the
    /// fixture was made on. That one, and the background tasks absim
    /// started on it (the outbox's deliveries, the mailer, retention), end
    /// with `fixture()`, so what is timed and counted is the request's own
    /// work, not a delivery that happens to run beside it.
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    setup: String,
    pub po_3kb: String,
    pub po_50_lines: String,
    poom: Cxml<PunchOutOrderMessage>,
    confirmation: Cxml<ConfirmationRequest>,
    ship_notice: Cxml<ShipNoticeRequest>,
    lines: Vec<OrderLine>,
    rules: Pricing,
    entry_page: String,
    search_page: String,
    po_path: String,
    /// The PO for the returned cart, `{N}` in its orderID and payloadID.
    cart_po: String,
    seq: std::sync::atomic::AtomicU64,
}

async fn call(app: &axum::Router, req: Request<Body>) -> axum::body::Bytes {
    let r = app.clone().oneshot(req).await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap()
}

fn post(path: &str, content_type: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap()
}

pub fn fixture() -> Fixture {
    let data = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let settings = Settings {
            identity: Some(IDENTITY.into()),
            shared_secret: Some(SECRET.into()),
            data_dir: Some(data.path().to_owned()),
            ..Settings::default()
        };
        let state = AppState::new(settings).await.unwrap();
        let app = absim::app(state.clone());
        let cfg = BuyerConfig {
            identity: IDENTITY.into(),
            shared_secret: SECRET.into(),
            hook_url: "http://127.0.0.1:9/hook".into(),
            user_email: "bench@example.co.jp".into(),
            user_agent: "absim bench".into(),
            address: buyer::store_address("JP").unwrap(),
        };
        let setup = buyer::setup_request(&cfg, "create", "bench-cookie", &[], None);
        let answer = call(&app, post("/eprocurement/punchout", "text/xml", setup.clone())).await;
        let response = read::<PunchOutSetupResponse>(&answer).unwrap().doc;
        let start = response.payload().unwrap().start_page.url.clone();
        let sid = start.rsplit('/').next().unwrap().to_owned();

        let cart = r#"{"lines":[{"asin":"B087JWRCP5","quantity":1},{"asin":"B0009YD7P2","quantity":2},{"asin":"B000FQTVQK","quantity":3}]}"#;
        let put = Request::put(format!("/api/v1/sessions/{sid}/cart"))
            .header("content-type", "application/json")
            .body(Body::from(cart))
            .unwrap();
        call(&app, put).await;
        let checkout = call(
            &app,
            post(
                &format!("/api/v1/sessions/{sid}/checkout"),
                "application/json",
                r#"{"empty":false,"post":false}"#.into(),
            ),
        )
        .await;
        let checkout: serde_json::Value = serde_json::from_slice(&checkout).unwrap();
        let poom_xml = checkout["punch_out_order_message"].as_str().unwrap();
        let poom = read::<PunchOutOrderMessage>(poom_xml.as_bytes()).unwrap().doc;

        let po = buyer::order_request(&cfg, poom.payload().unwrap(), "PO-BENCH-1", "po-1@bench");
        let po_3kb = write::document(&po);
        let mut many = po.clone();
        if let Some(order) = many.request.as_mut().map(|r| &mut r.payload) {
            let items = order.items.clone();
            order.items = (0..50)
                .map(|i| {
                    let mut item = items[i % items.len()].clone();
                    item.line_number = Some((i + 1).to_string().into());
                    item
                })
                .collect();
        }
        let po_50_lines = write::document(&many);
        let group = state.default_group().await.unwrap();
        let token = group.po_token.clone();
        call(&app, post(&format!("/po/{token}"), "text/xml", po_3kb.clone())).await;

        let (orders, _) = state.store.orders(group.id, &Default::default(), 1).await.unwrap();
        let no = orders[0].no;
        let order = state.store.order(no).await.unwrap().unwrap();
        let plan = order.fulfilment.clone().unwrap();
        let market = state.market(&group);
        let confirmation =
            documents::confirmation("c@bench".into(), (&group, market), &order, &plan);
        let ship_notice =
            documents::ship_notice("s@bench".into(), (&group, market), &order, &plan.shipments[0]);
        Fixture {
            _data: data,
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            app,
            setup,
            po_3kb: po_3kb.clone(),
            po_50_lines,
            poom,
            confirmation,
            ship_notice,
            lines: order.lines.clone(),
            rules: market.pricing.clone(),
            entry_page: format!("/groups/{}/log/{no}", group.id),
            search_page: format!("/s/{sid}/search?q=%E3%83%87%E3%82%B9%E3%82%AF"),
            cart_po: po_3kb
                .replace("PO-BENCH-1", "PO-BENCH-{N}")
                .replace("po-1@bench", "po-{N}@bench"),
            po_path: format!("/po/{token}"),
            seq: std::sync::atomic::AtomicU64::new(10),
        }
    })
}

/// A cXML POST, built as a client builds it (outside what is measured).
fn cxml_request(path: &str, body: String) -> Request<Body> {
    post(path, "text/xml", body)
}

/// Sends a prepared request through the router; the answer's length.
fn send(f: &Fixture, req: Request<Body>) -> usize {
    f.rt.block_on(call(&f.app, req)).len()
}

/// A fresh number for orderIDs and payloadIDs.
fn next(f: &Fixture) -> u64 {
    f.seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

/// One call of an operation, its input prepared: running it is what is
/// timed and counted.
pub type Call<'a> = Box<dyn FnOnce() -> usize + 'a>;

/// Every operation measured, by name, as a function that prepares one
/// call, so that timings and allocation counts cover the same list.
pub type Operation<'a> = (&'static str, Box<dyn Fn() -> Call<'a> + 'a>);

/// An operation that needs no preparation.
fn plain<'a>(name: &'static str, op: impl Fn() -> usize + Copy + 'a) -> Operation<'a> {
    (name, Box::new(move || Box::new(op) as Call<'a>))
}

/// An operation that sends the request `prepare` builds.
fn request<'a>(
    f: &'a Fixture,
    name: &'static str,
    prepare: impl Fn() -> Request<Body> + 'a,
) -> Operation<'a> {
    (
        name,
        Box::new(move || {
            let req = prepare();
            Box::new(move || send(f, req)) as Call<'a>
        }),
    )
}

pub fn operations(f: &Fixture) -> Vec<Operation<'_>> {
    vec![
        plain("read/order_request_3kb", || {
            read::<OrderRequest>(f.po_3kb.as_bytes())
                .unwrap()
                .doc
                .payload_id
                .len()
        }),
        plain("read/order_request_50_lines", || {
            read::<OrderRequest>(f.po_50_lines.as_bytes())
                .unwrap()
                .doc
                .payload_id
                .len()
        }),
        plain("read/punchout_setup_request", || {
            read::<PunchOutSetupRequest>(f.setup.as_bytes())
                .unwrap()
                .doc
                .payload_id
                .len()
        }),
        plain("write/punch_out_order_message", || {
            write::document(&f.poom).len()
        }),
        plain("write/confirmation_request", || {
            write::document(&f.confirmation).len()
        }),
        plain("write/ship_notice_request", || {
            write::document(&f.ship_notice).len()
        }),
        plain("domain/price_order", || {
            let charging = Charging {
                pricing: &f.rules,
                to: Destination::default(),
                shipping_fee: None,
            };
            price_order(&f.lines, &charging).total.scale() as usize
        }),
        request(f, "intake/po_unlinked_3kb", || {
            cxml_request(&f.po_path, absim::fixtures::order_request(next(f), 2))
        }),
        request(f, "intake/po_for_a_cart", || {
            cxml_request(&f.po_path, f.cart_po.replace("{N}", &next(f).to_string()))
        }),
        request(f, "intake/punchout_setup", || {
            cxml_request("/eprocurement/punchout", f.setup.clone())
        }),
        request(f, "page/test_log_entry", || get(&f.entry_page)),
        request(f, "page/storefront_search", || get(&f.search_page)),
    ]
}

/// Runs `op` `runs` times; the allocations and bytes its calls made,
/// preparation left out.
pub fn allocations<'a>(op: &dyn Fn() -> Call<'a>, runs: usize) -> (usize, usize) {
    let (mut count, mut bytes) = (0, 0);
    for _ in 0..runs {
        let call = op();
        let region = Region::new(GLOBAL);
        black_box(call());
        let s = region.change();
        count += s.allocations;
        bytes += s.bytes_allocated;
    }
    (count, bytes)
}
