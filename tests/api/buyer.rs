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
    assert!(text_of(&order_page, "#confirmation").contains("(detail)"));
    let shipment = &o[0].ship_notices[0].id;
    assert!(text_of(&order_page, "#shipping").contains(&format!("出荷番号 {shipment}")));
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
    let demo = absim::tools::demo::start(any, any, "JP").await.unwrap();
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

/// A buyer connected to `app`'s default group, serving its pages.
pub(crate) async fn start_buyer(app: &TestApp) -> (Buyer, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let buyer = Buyer::new(
        web::connect(&app.base, &base, None, &Default::default())
            .await
            .unwrap(),
    );
    tokio::spawn(axum::serve(listener, web::app(buyer.clone())).into_future());
    buyer.register("demo@example.co.jp");
    (buyer, base)
}

/// Posts the cart-return page's form to the buyer's hook as the browser
/// would; gives where the buyer sends the browser next (with its
/// fragment, which a followed redirect would lose) and that page.
async fn post_cart(html: &scraper::Html) -> (String, Reply) {
    let action = attr_of(html, "#cart-return", "action");
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(&action)
        .form(&[(
            attr_of(html, "#cart-return input[type=hidden]", "name"),
            attr_of(html, "#cart-return input[type=hidden]", "value"),
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let next = url::Url::parse(&action).unwrap().join(&location).unwrap();
    (location, reply(reqwest::get(next).await.unwrap()).await)
}

/// Shops a cart in absim's storefront and returns it to the buyer.
pub(crate) async fn shop_and_return(
    app: &TestApp,
    buyer: &Buyer,
    lines: &[(&str, u32)],
) -> (String, Reply) {
    let start = buyer.shop("demo@example.co.jp").await.unwrap();
    let sid = session_id(&start);
    for (asin, quantity) in lines {
        app.add_to_cart(&sid, asin, *quantity).await;
    }
    // 承認を依頼する, or the button that returns without a cart.
    let form: &[(&str, &str)] = if lines.is_empty() {
        &[("empty", "1")]
    } else {
        &[]
    };
    let page = app.post_form(&format!("/s/{sid}/submit"), form).await;
    post_cart(&page.html()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buyer_tells_the_truth_about_carts_orders_and_refusals() {
    let app = spawn_app_steppable(|_| {}).await;
    let (buyer, base) = start_buyer(&app).await;
    let get = |path: String| {
        let url = format!("{base}{path}");
        async move { reply(reqwest::get(url).await.unwrap()).await }
    };

    // A cart comes back: the answer points at it, and it shows the same
    // 合計金額, with the same parts, as the storefront's checkout did.
    let sid_checkout = {
        let start = buyer.shop("demo@example.co.jp").await.unwrap();
        session_id(&start)
    };
    app.add_to_cart(&sid_checkout, "B087JWRCP5", 1).await;
    app.add_to_cart(&sid_checkout, "B001TK8QMA", 3).await;
    let checkout = app
        .get_page(&format!("/s/{sid_checkout}/checkout"))
        .await
        .html();
    let page = app
        .post_form(&format!("/s/{sid_checkout}/submit"), &[])
        .await;
    let (location, home) = post_cart(&page.html()).await;
    assert_eq!(location, "/#cart-1");
    let home = home.html();
    for field in ["subtotal", "tax", "shipping", "discount", "total"] {
        // The buyer marks yen with ISO's ¥, the storefront with Amazon's ￥:
        // the figures must agree.
        assert_eq!(
            figure(&text_of(&home, &format!("#cart-1 [data-field={field}]"))),
            figure(&text_of(
                &checkout,
                &format!("#totals [data-field={field}]")
            )),
            "{field}"
        );
    }
    assert!(text_of(&home, "#cart-1 [data-field=total]").contains(','));

    // An empty cart: no 決済する, and the page says why.
    let (location, empty) = shop_and_return(&app, &buyer, &[]).await;
    assert_eq!(location, "/#cart-2");
    let html = empty.html();
    assert!(text_of(&html, "#cart-2").contains("空のカートが戻りました"));
    assert!(html.select(&sel("#cart-2 form")).next().is_none());
    // Newest first: the cart just returned is at the top.
    let ids: Vec<String> = html
        .select(&sel("#carts article.cart"))
        .map(|a| a.value().attr("id").unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["cart-2", "cart-1"]);

    // The first cart is paid: the order page waits for the confirmation
    // and reloads itself (a served script, no inline one) until it comes.
    let order_no = buyer.pay(1).await.unwrap();
    let order = get(format!("/orders/{order_no}")).await;
    let html = order.html();
    assert_eq!(attr_of(&html, "main", "data-refresh"), "2");
    assert!(
        order
            .body
            .contains("<script src=\"/assets/refresh.js\"></script>")
    );
    assert!(text_of(&html, "#confirmation").contains("自動で更新"));
    assert_eq!(
        figure(&text_of(&html, "#order-total [data-field=total]")),
        figure(&text_of(&checkout, "#totals [data-field=total]"))
    );
    // Its link finds the order in absim's test log.
    let log_link = attr_of(&html, "#log-link", "href");
    let order_id = &buyer.orders()[0].order_id;
    assert_eq!(
        log_link,
        format!("{}/groups/1/orders?po={order_id}", app.base)
    );
    let search = app.get_page(&log_link).await.html();
    assert_eq!(texts_of(&search, "#log-rows tbody tr").len(), 1);
    // Both documents in: no more reloading.
    absim::outbound::deliver_all_due(&app.state).await.unwrap();
    let html = get(format!("/orders/{order_no}")).await.html();
    assert!(html.select(&sel("main[data-refresh]")).next().is_none());

    // A PO absim refuses is shown as refused, with absim's reason, and
    // nothing is awaited for it.
    shop_and_return(&app, &buyer, &[("B087JWRCP5", 1)]).await;
    app.state
        .store
        .update_group(1, |g| {
            g.shared_secret = "Changed1234".into();
            Ok(())
        })
        .await
        .unwrap();
    let refused_no = buyer.pay(3).await.unwrap();
    let refused = get(format!("/orders/{refused_no}")).await.html();
    assert!(text_of(&refused, "#refused").contains("cXML 401"));
    assert!(text_of(&refused, "#refused").contains("SharedSecret"));
    assert!(text_of(&refused, "#confirmation").contains("拒否されたため"));
    assert!(text_of(&refused, "#shipping").contains("拒否されたため"));
    assert!(refused.select(&sel("main[data-refresh]")).next().is_none());
    let home = get("/".into()).await.html();
    assert!(text_of(&home, "#orders").contains("拒否"));

    // In English, every word of the buyer's pages is English.
    for path in [
        "/?lang=en",
        "/admin?lang=en",
        &format!("/orders/{refused_no}?lang=en"),
    ] {
        let page = get(path.to_owned()).await;
        let html = page.html();
        let words: String = html
            .select(&sel("header, h1, h2, th, .empty, #refused b, #log td:nth-child(2), #log td:nth-child(3)"))
            .map(|e| e.text().collect::<String>())
            .collect();
        assert!(
            !words
                .chars()
                .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "{path}: {words}"
        );
    }
}

fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

/// An amount's sign and digits, without its currency's mark.
fn figure(amount: &str) -> String {
    amount
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | ','))
        .collect()
}

/// The buyer's own pages answer what the browser would otherwise show
/// itself: an unknown address, an order or a cart that does not exist,
/// each a page of the buyer's, fit for a phone, in the page's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buyers_errors_are_its_own_pages_in_the_pages_language() {
    let app = spawn_app().await;
    let (_buyer, base) = start_buyer(&app).await;
    let get = |path: &str, lang: &str| {
        let url = format!("{base}{path}?lang={lang}");
        let app = &app;
        async move { app.get_page(&url).await }
    };
    for (path, lang) in [("/no/such/page", "ja"), ("/orders/999", "de")] {
        let r = get(path, lang).await;
        assert_eq!(r.status, 404, "{path}");
        let page = r.html();
        assert_eq!(attr_of(&page, "html", "lang"), lang);
        assert!(
            attr_of(&page, "meta[name=viewport]", "content").contains("width=device-width"),
            "{path}"
        );
        assert_eq!(
            text_of(&page, "h1"),
            absim::i18n::Lang::parse(lang)
                .unwrap()
                .texts()
                .error_title
                .as_str()
        );
    }
    let r = app
        .http
        .post(format!("{base}/carts/42/pay?lang=ja"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let body = r.text().await.unwrap();
    assert!(body.contains("このカートはありません"), "{body}");
}
