//! Admin protection: with a token, the test UI, settings and JSON API need
//! it (bearer or the login cookie); buyers' endpoints stay open.

use std::time::Duration;

use absim::tools::suite::{SuiteOptions, play};

use crate::helpers::*;

const TOKEN: &str = "admin-tok-3141";

async fn protected_app() -> TestApp {
    spawn_app_with(|s| s.admin_token = Some(TOKEN.into())).await
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn pages_redirect_to_the_login_and_the_api_answers_401() {
    let app = protected_app().await;
    let http = no_redirects();
    let r = http.get(app.url("/groups/1/log")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2Fgroups%2F1%2Flog");
    let r = http.get(app.url("/api/v1/groups")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "unauthorized");
    assert!(body["message"].as_str().unwrap().contains("Bearer"));
    let r = http
        .get(app.url("/api/v1/groups"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .get(app.url("/api/v1/groups"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A form post without the token changes nothing.
    let r = http
        .post(app.url("/groups/1/settings"))
        .form(&[("identity", "Intruder")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(app.group().await.identity, IDENTITY);
}

#[tokio::test]
async fn the_login_page_sets_a_strict_http_only_cookie_once() {
    let app = protected_app().await;
    let http = no_redirects();
    let r = http
        .post(app.url("/login"))
        .form(&[("token", "nope"), ("next", "/groups/1/log")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("set-cookie").is_none());
    let html = scraper::Html::parse_document(&r.text().await.unwrap());
    assert!(!text_of(&html, "#login-message").is_empty());

    let r = http
        .post(app.url("/login"))
        .form(&[("token", TOKEN), ("next", "/groups/1/log")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/groups/1/log");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    let r = http
        .get(app.url("/groups/1/log"))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // next never leaves the site.
    let r = http
        .post(app.url("/login"))
        .form(&[("token", TOKEN), ("next", "//evil.example/x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn buyers_still_punch_out_shop_and_order_without_the_token() {
    let mut app = protected_app().await;
    let sid = app.open_store("create", &[], None).await;
    assert_eq!(app.add_to_cart(&sid, "B087JWRCP5", 1).await.status, 200);
    let cart = app.return_cart(&sid, false).await;
    let po = app.po_for(&cart, "PO-ADMIN-1");
    assert_eq!(app.send_po(&po).await.status, 200);
    let confirmation = app.receiver.next("/confirm").await;
    assert!(confirmation.body.contains("PO-ADMIN-1"));
    app.settle().await;
    app.collect_posts();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_runner_reaches_a_protected_absim_with_its_token() {
    let app = protected_app().await;
    let report = play(SuiteOptions {
        scenarios: vec!["basic".into()],
        target: Some(app.base.clone()),
        admin_token: Some(TOKEN.into()),
        jobs: 1,
        timeout: Duration::from_secs(20),
        ..SuiteOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(report.failed(), 0, "{}", report.summary());
    let refused = play(SuiteOptions {
        scenarios: vec!["basic".into()],
        target: Some(app.base.clone()),
        jobs: 1,
        timeout: Duration::from_secs(20),
        ..SuiteOptions::default()
    })
    .await;
    assert!(
        refused.is_err(),
        "the runner must not pass without the token"
    );
}
