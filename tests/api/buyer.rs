//! The reference buyer driven through its pages, and `absim demo` reaching a
//! filled test log.

use std::net::SocketAddr;

use absim::buyer::web::{self, Buyer};

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buyer_drives_a_full_order_through_its_pages() {
    let app = spawn_app_steppable(|_| {}).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let settings = web::connect(&app.base, &base, None, &Default::default())
        .await
        .unwrap();
    assert_eq!(settings.identity, IDENTITY);
    let buyer = Buyer::new(settings);
    tokio::spawn(axum::serve(listener, web::app(buyer.clone())).into_future());
    // The buyer pointed absim's endpoints at itself.
    assert_eq!(
        app.group().await.order_confirmation_url.as_deref(),
        Some(format!("{base}/cxml/confirmation").as_str())
    );

    let http = reqwest::Client::new();
    let page = |path: &str| {
        let (http, url) = (http.clone(), format!("{base}{path}"));
        async move { http.get(url).send().await.unwrap() }
    };
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let http = http.clone();
        async move { http.post(path).form(&form).send().await.unwrap() }
    };
    let no_email = post(format!("{base}/shop"), vec![]).await;
    assert_eq!(no_email.status().as_u16(), 400);
    let home = post(
        format!("{base}/register"),
        vec![("email", "sato@example.co.jp".into())],
    )
    .await;
    assert!(home.text().await.unwrap().contains("sato@example.co.jp"));

    // 買い物をする: the browser lands on absim's storefront.
    let store = post(
        format!("{base}/shop"),
        vec![("address", web::ADDRESSES[1].into())],
    )
    .await;
    let store_url = store.url().to_string();
    assert!(
        store_url.starts_with(&format!("{}/s/", app.base)),
        "{store_url}"
    );
    let sid = session_id(&store_url);
    post(
        format!("{}/s/{sid}/cart/add", app.base),
        vec![("asin", "B087JWRCP5".into()), ("quantity", "1".into())],
    )
    .await;
    let ret = post(format!("{}/s/{sid}/submit", app.base), vec![])
        .await
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&ret);
    let action = attr_of(&html, "#cart-return", "action");
    assert_eq!(action, format!("{base}/hook"));
    let field = attr_of(&html, "#cart-return input[type=hidden]", "name");
    let value = attr_of(&html, "#cart-return input[type=hidden]", "value");
    // The browser posts the cart to the buyer, which shows it.
    let home = http
        .post(&action)
        .form(&[(field, value)])
        .send()
        .await
        .unwrap();
    let home = scraper::Html::parse_document(&home.text().await.unwrap());
    assert!(text_of(&home, "#cart-1").contains("B087JWRCP5"));
    assert!(text_of(&home, "#cart-1").contains(web::ADDRESSES[1]));

    // 決済する: the PO goes to absim; its answer is shown.
    let pay = attr_of(&home, "#cart-1 form", "action");
    let order = post(format!("{base}{pay}"), vec![]).await;
    assert!(order.url().path().starts_with("/orders/"));
    let order = scraper::Html::parse_document(&order.text().await.unwrap());
    assert!(text_of(&order, "#answer").contains("cXML 200"));

    // absim sends the confirmation and the ship notice (one worker step
    // each); the buyer receives them.
    let sent = absim::outbound::deliver_all_due(&app.state).await.unwrap();
    assert_eq!(sent.len(), 2);
    let o = buyer.orders();
    assert!(o[0].confirmation.is_some() && o[0].ship_notices.len() == 1);
    let order_page = scraper::Html::parse_document(&page("/orders/1").await.text().await.unwrap());
    assert!(text_of(&order_page, "#confirmation").contains("detail"));
    assert!(text_of(&order_page, "#shipping").contains("shipmentID test"));
    let admin = scraper::Html::parse_document(&page("/admin").await.text().await.unwrap());
    let notices = texts_of(&admin, "#notices tbody tr");
    assert!(
        notices[0].contains("sato@example.co.jp") && notices[0].contains("パソコンデスク"),
        "{notices:?}"
    );
    assert!(
        texts_of(&admin, "#log tr").len() >= 6,
        "the buyer's own log"
    );
    // absim's log agrees.
    let (orders, _) = app
        .state
        .store
        .orders(1, &Default::default(), 5)
        .await
        .unwrap();
    assert_eq!(orders[0].order_id, buyer.orders()[0].order_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_reaches_a_filled_test_log() {
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let demo = absim::demo::start(any, any).await.unwrap();
    let http = reqwest::Client::new();
    let entry = http.get(&demo.entry).send().await.unwrap();
    assert_eq!(entry.status().as_u16(), 200);
    let entry = scraper::Html::parse_document(&entry.text().await.unwrap());
    assert!(text_of(&entry, "#verdict").starts_with("成功"));
    assert!(text_of(&entry, "#asn .delivery").starts_with("送信済み"));
    let orders = demo.buyer_handle.orders();
    assert!(orders[0].confirmation.is_some() && !orders[0].ship_notices.is_empty());
    let buyer_home = http.get(format!("{}/", demo.buyer)).send().await.unwrap();
    assert_eq!(buyer_home.status().as_u16(), 200);
    demo.stop().await;
}
