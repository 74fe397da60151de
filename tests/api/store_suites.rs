//! The reference buyer and the scenario suite in the stores other than
//! Japan: the buyer ships to its store's sample address (or to a region it
//! is given), the suite plays the whole catalogue in a store or in all of
//! them, the demo in one.

use std::net::SocketAddr;
use std::time::Duration;

use absim::buyer::{self, BuyerConfig};
use absim::domain::order::Order;
use absim::tools::suite::{MarketChoice, SuiteOptions, play, play_markets};
use rust_decimal::Decimal;

use crate::helpers::*;

const DESK: &str = "B087JWRCP5";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The buyer of `app`'s group, shipping to `address`.
fn buyer_at(app: &TestApp, address: absim::domain::marketplace::SampleAddress) -> BuyerConfig {
    BuyerConfig {
        address,
        ..app.buyer_config()
    }
}

/// The store's sample address moved to another region of it.
fn moved(
    code: &str,
    state: &str,
    city: &str,
    postal: &str,
) -> absim::domain::marketplace::SampleAddress {
    let mut a = buyer::store_address(code).unwrap();
    a.state = Some(state.into());
    a.city = city.into();
    a.postal_code = postal.into();
    a
}

/// One desk ordered through the reference buyer shipping with `cfg`; gives
/// the recorded order.
async fn order_a_desk(app: &mut TestApp, cfg: &BuyerConfig, order_id: &str) -> Order {
    let sid = app.open_store("create", &[], None).await;
    assert_eq!(app.add_to_cart(&sid, DESK, 1).await.status, 200);
    let cart = app.return_cart(&sid, false).await;
    let po = buyer::order_request(
        cfg,
        cart.payload().unwrap(),
        order_id,
        &format!("{order_id}@t"),
    );
    // The buyer's PO goes through the DTD check with absim's documents.
    let written = absim::cxml::write::document(&po);
    app.emitted.push((format!("po-{order_id}"), written));
    let answer = app.send_po(&po).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (orders, _) = app
        .state
        .store
        .orders(1, &Default::default(), 10)
        .await
        .unwrap();
    orders.into_iter().find(|o| o.order_id == order_id).unwrap()
}

#[tokio::test]
async fn a_us_buyer_ships_to_washington_by_default_and_to_oregon_or_quebec_when_told() {
    let mut app = spawn_app_with(|s| s.marketplace = Some("US".into())).await;
    let home = buyer_at(&app, buyer::store_address("US").unwrap());
    let washington = order_a_desk(&mut app, &home, "US-WA-1").await;
    assert_eq!(washington.lines[0].currency, "USD");
    assert!(
        washington.deviations.is_empty(),
        "{:?}",
        washington.deviations
    );
    let tax = &washington.quote.taxes[0];
    assert_eq!((tax.region.as_deref(), tax.rate), (Some("WA"), dec("6.5")));
    // 124.99 at 6.5 %, rounded half up: 8.12.
    assert_eq!(washington.quote.tax, dec("8.12"));
    let oregon = buyer_at(&app, moved("US", "OR", "Portland", "97204"));
    let no_sales_tax = order_a_desk(&mut app, &oregon, "US-OR-1").await;
    assert_eq!(no_sales_tax.quote.tax, Decimal::ZERO);
    assert!(
        no_sales_tax.deviations.is_empty(),
        "{:?}",
        no_sales_tax.deviations
    );
    app.settle().await;
    app.collect_posts();
    app.validate_emitted();

    let mut canada = spawn_app_with(|s| s.marketplace = Some("CA".into())).await;
    let quebec = buyer_at(&canada, moved("CA", "QC", "Montréal", "H3B 4W8"));
    let order = order_a_desk(&mut canada, &quebec, "CA-QC-1").await;
    let mut charged: Vec<(String, Decimal)> = order
        .quote
        .taxes
        .iter()
        .map(|c| (c.category.to_string(), c.rate))
        .collect();
    charged.sort();
    assert_eq!(
        charged,
        [("gst".into(), dec("5")), ("qst".into(), dec("9.975"))]
    );
    assert_eq!(order.lines[0].currency, "CAD");
    canada.validate_emitted();
}

#[tokio::test]
async fn the_japanese_buyer_still_sends_the_guides_basic_order_to_tokyo() {
    let mut app = spawn_app().await;
    let cfg = app.buyer_config();
    let order = order_a_desk(&mut app, &cfg, "JP-GUIDE-1").await;
    let q = &order.quote;
    assert_eq!(
        (q.subtotal, q.tax, q.shipping, q.discount, q.total),
        (
            dec("16182"),
            dec("1618"),
            dec("373"),
            dec("373"),
            dec("17800")
        )
    );
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let written = absim::cxml::write::document(&app.po_for(&cart, "JP-GUIDE-2"));
    // The document's lines without their indentation.
    let po: String = written.lines().map(str::trim).collect();
    assert!(
        po.contains(r#"<Total><Money currency="JPY">16182.00</Money></Total>"#),
        "{po}"
    );
    assert!(
        po.contains(r#"<ShipTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">本社</Name><PostalAddress name="default"><DeliverTo>総務部</DeliverTo><Street>目黒区下目黒1-8-1</Street><City>東京都</City><PostalCode>153-0064</PostalCode><Country isoCountryCode="JP">日本</Country></PostalAddress></Address></ShipTo>"#),
        "{po}"
    );
    assert!(po.contains(
        r#"<BillTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">経理部</Name>"#
    ));
    assert!(po.contains(r#"<Name xml:lang="ja">購買担当</Name>"#));
}

/// What every accepted order of the run says about its store: its lines in
/// the store's currency, shipped in the store's country to a postal code of
/// its form (no deviation noted), taxed.
async fn assert_orders_of_the_store(app: &TestApp, code: &str, currency: &str) {
    let (orders, _) = app
        .state
        .store
        .orders(1, &Default::default(), 200)
        .await
        .unwrap();
    let ours: Vec<&Order> = orders
        .iter()
        .filter(|o| o.order_id.contains(&format!("-{code}-")) && o.refusal.is_none())
        .collect();
    assert!(ours.len() >= 15, "{code}: {} accepted orders", ours.len());
    for o in ours {
        assert!(
            o.lines.iter().all(|l| l.currency == currency),
            "{}",
            o.order_id
        );
        let noted: Vec<&str> = o.deviations.iter().map(|d| d.code.as_str()).collect();
        assert!(
            !noted.contains(&"ship-to-abroad") && !noted.contains(&"postal-code-form"),
            "{}: {noted:?}",
            o.order_id
        );
        assert!(o.quote.tax > Decimal::ZERO, "{}", o.order_id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_catalogue_passes_in_germany_and_the_us() {
    // Quick retries and no scenario delays, as `absim run`'s own absim.
    let app = spawn_app_with(|s| {
        s.retry = absim::domain::delivery::RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(200),
            jitter_percent: 0,
        };
        s.scenario_delay_scale = 0.0;
    })
    .await;
    for (code, currency) in [("DE", "EUR"), ("US", "USD")] {
        let report = play(SuiteOptions {
            all: true,
            target: Some(app.base.clone()),
            jobs: 4,
            timeout: Duration::from_secs(20),
            marketplace: Some(code.into()),
            ..SuiteOptions::default()
        })
        .await
        .unwrap();
        assert_eq!(report.marketplace, code);
        assert!(report.results.len() >= 20, "{}", report.results.len());
        let failed: Vec<_> = report.results.iter().filter(|r| !r.passed).collect();
        assert!(failed.is_empty(), "{code}: {failed:#?}");
        assert_orders_of_the_store(&app, code, currency).await;
        // The running absim's group is back in its own store.
        assert_eq!(app.group().await.marketplace, "JP");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marketplace_all_plays_the_catalogue_in_every_store_and_reports_each() {
    let options = SuiteOptions {
        all: true,
        jobs: 4,
        timeout: Duration::from_secs(20),
        ..SuiteOptions::default()
    };
    let reports = play_markets(options, &MarketChoice::All).await.unwrap();
    let codes: Vec<&str> = reports.iter().map(|r| r.marketplace.as_str()).collect();
    assert_eq!(
        codes,
        ["CA", "DE", "ES", "FR", "IN", "IT", "JP", "UK", "US"]
    );
    for r in &reports {
        assert_eq!(r.failed(), 0, "{}: {}", r.marketplace, r.summary());
    }
    let summary = absim::tools::suite::markets_summary(&reports, &MarketChoice::All);
    let n = reports[0].results.len();
    assert!(summary.contains("== marketplace IN =="), "{summary}");
    assert!(
        summary.contains(&format!("DE {n}/{n}, ES {n}/{n}")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("{} passed, 0 failed in 9 marketplaces", 9 * n)),
        "{summary}"
    );
    let junit = absim::tools::suite::markets_junit(&reports, &MarketChoice::All);
    assert_eq!(junit.matches("<testsuite ").count(), 9, "{junit}");
    assert!(junit.contains(r#"name="absim scenarios (US)""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_in_the_german_store() {
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let demo = absim::tools::demo::start(any, any, "DE").await.unwrap();
    assert!(
        demo.marketplace.starts_with("DE (Amazon Business"),
        "{}",
        demo.marketplace
    );
    let order = &demo.buyer_handle.orders()[0];
    assert!(!order.refused(), "{}", order.answer);
    // In euros, as a German page writes them and as an English one does.
    let total = order.amounts.shown(absim::i18n::Lang::De).total;
    assert!(total.ends_with("\u{a0}€"), "{total}");
    let total = order.amounts.shown(absim::i18n::Lang::En).total;
    assert!(total.starts_with('€'), "{total}");
    let (orders, _) = demo
        .state
        .store
        .orders(1, &Default::default(), 1)
        .await
        .unwrap();
    assert_eq!(orders[0].lines[0].currency, "EUR");
    assert!(
        orders[0].deviations.is_empty(),
        "{:?}",
        orders[0].deviations
    );
    // 104.99 with 19 % VAT, free shipping.
    assert_eq!(orders[0].quote.total, dec("124.94"));
    demo.stop().await;
}

#[tokio::test]
async fn a_groups_marketplace_is_set_through_the_api_and_checked() {
    let app = spawn_app().await;
    let patch = |body: serde_json::Value| {
        app.http
            .patch(app.url("/api/v1/groups/1"))
            .json(&body)
            .send()
    };
    let set = patch(serde_json::json!({ "marketplace": "de" }))
        .await
        .unwrap();
    assert_eq!(set.status().as_u16(), 200);
    let view: serde_json::Value = set.json().await.unwrap();
    assert_eq!(view["marketplace"], "DE");
    assert_eq!(app.group().await.marketplace, "DE");
    let refused = patch(serde_json::json!({ "marketplace": "GB" }))
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let why: serde_json::Value = refused.json().await.unwrap();
    assert!(
        why["message"]
            .as_str()
            .unwrap()
            .contains("choose one of CA, DE"),
        "{why}"
    );
    assert_eq!(app.group().await.marketplace, "DE");
}
