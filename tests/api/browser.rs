//! End-to-end in headless Chromium through chromedriver (fantoccini): the
//! reference buyer's page punches out, the browser shops by clicking, the
//! cart's auto-post lands on the buyer, the PO goes out, and the test log is
//! marked 成功 through its page; the English page once; and the storefront
//! inside an iframe of another origin. Screenshots go to
//! `target/browser-screenshots/`.
//!
//! Needs `chromium` and `chromium-driver` (Debian). Without them the tests
//! say so and pass, unless `ABSIM_REQUIRE_BROWSER=1` (as `.ci/run` sets),
//! where a missing browser fails them.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use absim::buyer::web::{self, Buyer};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::helpers::*;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver and one browser session; both end when this drops.
pub(crate) struct Browser {
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl std::ops::Deref for Browser {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().unwrap()
    }
}

impl Browser {
    /// Starts chromedriver and headless Chromium, or None (with a note)
    /// when they are not installed and not required.
    pub(crate) async fn start() -> Option<Browser> {
        let present =
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists();
        if !present {
            assert!(
                std::env::var("ABSIM_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "ABSIM_REQUIRE_BROWSER=1 but {CHROMEDRIVER} or {CHROMIUM} is missing"
            );
            eprintln!("SKIPPED: browser test, {CHROMEDRIVER} or {CHROMIUM} is not installed");
            return None;
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                // A Japanese user, as absim's first audience.
                "prefs": { "intl.accept_languages": "ja-JP,ja" },
                "args": [
                    "--lang=ja-JP",
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let what = "chromedriver to start a session";
        let client = eventually(what, Duration::from_secs(10), async || {
            ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
        })
        .await;
        Some(Browser {
            client: Some(client),
            driver,
            _profile: profile,
        })
    }

    pub(crate) async fn shot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    pub(crate) async fn click(&self, css: &str) {
        self.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        self.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// Waits until the page's URL starts with `prefix`.
    pub(crate) async fn wait_for_url(&self, prefix: &str) -> String {
        self.wait_for_url_where(&format!("the browser to reach {prefix}"), |u| {
            u.starts_with(prefix)
        })
        .await
    }

    /// Waits until the page's URL is one `reached` accepts.
    pub(crate) async fn wait_for_url_where(
        &self,
        what: &str,
        reached: impl Fn(&str) -> bool,
    ) -> String {
        eventually(what, Duration::from_secs(10), async || {
            let url = self.current_url().await.unwrap().to_string();
            if reached(&url) {
                Ok(url)
            } else {
                Err(format!("it stayed at {url}"))
            }
        })
        .await
    }

    pub(crate) async fn quit(mut self) {
        if let Some(c) = self.client.take() {
            c.close().await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_orders_through_the_buyer_and_marks_the_test_in_chromium() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let buyer_base = format!("http://{}", listener.local_addr().unwrap());
    let buyer = Buyer::new(
        web::connect(&app.base, &buyer_base, None, &Default::default())
            .await
            .unwrap(),
    );
    tokio::spawn(axum::serve(listener, web::app(buyer.clone())).into_future());

    // The buyer's page: register, then 買い物をする posts the setup request.
    browser.goto(&format!("{buyer_base}/")).await.unwrap();
    browser
        .find(Locator::Css("#register input[name=email]"))
        .await
        .unwrap()
        .send_keys("suzuki@example.co.jp")
        .await
        .unwrap();
    browser.click("#register button").await;
    assert_eq!(browser.text("#email").await, "suzuki@example.co.jp");
    browser.click("#go-shopping").await;
    browser.wait_for_url(&format!("{}/s/", app.base)).await;
    browser.shot("01-storefront").await;

    // Search, add to cart, レジに進む, 承認を依頼する.
    let search = browser
        .find(Locator::Css("form.search input[name=q]"))
        .await
        .unwrap();
    search.send_keys("昇降").await.unwrap();
    browser.click("form.search button").await;
    browser.wait_for_url(&format!("{}/s/", app.base)).await;
    browser.shot("02-search").await;
    browser
        .click("form:has(input[name=asin][value=B087JWRCP5]) button.add")
        .await;
    browser.click("#proceed").await;
    assert!(
        browser
            .text("#request-approval")
            .await
            .contains("承認を依頼する")
    );
    browser.shot("03-cart-checkout").await;
    browser.click("#request-approval").await;

    // The auto-post lands on the buyer's hook, which shows the cart.
    browser.wait_for_url(&buyer_base).await;
    let cart = browser.text("#cart-1").await;
    assert!(cart.contains("B087JWRCP5"), "{cart}");
    browser.shot("04-buyer-cart").await;

    // 決済する: the buyer sends the PO; absim confirms and ships.
    browser.click("#cart-1 form button").await;
    let what = "the buyer to receive the ship notice";
    eventually(what, Duration::from_secs(10), async || {
        let orders = buyer.orders();
        orders.first().is_some_and(|o| !o.ship_notices.is_empty())
    })
    .await;

    // The test log entry, marked 成功 through the page.
    let no = app.last_entry().await;
    browser
        .goto(&format!("{}/groups/1/log/{no}?lang=ja", app.base))
        .await
        .unwrap();
    browser.shot("05-test-log-entry").await;
    browser.click("#result input[value=success]").await;
    browser.click("#result button").await;
    // Like Amazon's test UI, saving returns to テスト, where the card shows it.
    browser
        .wait_for_url(&format!("{}/groups/1/tests", app.base))
        .await;
    let mark = browser.text("p.mark.success").await;
    assert!(mark.contains("成功"), "{mark}");
    browser.shot("06-marked-success").await;
    let (orders, _) = app
        .state
        .store
        .orders(1, &Default::default(), 1)
        .await
        .unwrap();
    let mark = orders[0].mark.as_ref().expect("the mark is stored");
    assert_eq!(mark.result, absim::domain::order::TestResult::Success);

    // The English page, once.
    browser
        .goto(&format!("{}/groups/1/log/{no}?lang=en", app.base))
        .await
        .unwrap();
    let heading = browser.text("h1").await;
    assert!(heading.starts_with("PO number"), "{heading}");
    assert!(browser.text("#result").await.contains("Success"));
    browser.shot("07-test-log-entry-en").await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_storefront_works_inside_an_iframe_of_another_origin() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let mut app = spawn_app().await;
    let sid = app.open_store("create", &[], None).await;
    // The buyer's own page, served from another origin (localhost, not
    // 127.0.0.1), frames the StartPage.
    let start = format!("{}/s/{sid}", app.base);
    let host = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let start = start.clone();
            async move {
                axum::response::Html(format!(
                    "<!DOCTYPE html><title>buyer</title><h1>購買システム</h1><iframe id=\"store\" src=\"{start}\" width=\"1200\" height=\"800\"></iframe>"
                ))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(axum::serve(listener, host).into_future());

    browser
        .goto(&format!("http://localhost:{port}/"))
        .await
        .unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#store"))
        .await
        .unwrap();
    browser.clone().enter_frame(0).await.unwrap();
    browser
        .click("form:has(input[name=asin][value=B087JWRCP5]) button.add")
        .await;
    browser.click("#proceed").await;
    browser.shot("08-storefront-in-iframe").await;
    browser.click("#request-approval").await;
    let cart = cart_from_hook(&app.receiver.next("/hook").await);
    assert_eq!(
        cart.payload().unwrap().items[0].item_id.supplier_part_id,
        "B087JWRCP5"
    );
    app.collect_posts();
    browser.quit().await;
}
