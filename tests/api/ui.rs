//! The test UI and the storefront as a person uses them: settings and their
//! rules, the mode switch, languages, search, cart changes, log filters.

use crate::helpers::*;

#[tokio::test]
async fn the_settings_page_shows_a_b_c_and_the_punchout_url() {
    let app = spawn_app().await;
    let page = app.get_page("/").await;
    assert!(page.url.ends_with("/groups/1/settings"));
    let html = page.html();
    assert_eq!(attr_of(&html, "#identity", "value"), IDENTITY);
    assert_eq!(attr_of(&html, "#shared_secret", "value"), SECRET);
    assert_eq!(
        text_of(&html, "#punchout-url"),
        format!("{}/eprocurement/punchout", app.base)
    );
    let po_url = text_of(&html, "#po-url");
    assert_eq!(po_url, app.po_url().await);
    let token = po_url.rsplit('/').next().unwrap();
    assert!(token.len() >= 40, "{token}");
    assert_eq!(text_of(&html, "#status h2"), "状況: テスト");
}

fn settings_form<'a>(identity: &'a str, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("purchasing_system", "Kobuy"),
        ("identity", identity),
        ("shared_secret", secret),
        ("order_confirmation_url", "http://127.0.0.1:9/c"),
        ("ship_notice_url", ""),
        ("cart_field", "cxml-base64"),
    ]
}

#[tokio::test]
async fn settings_are_saved_and_rule_breaking_values_are_refused_with_the_rule() {
    let app = spawn_app().await;
    let saved = app
        .post_form(
            "/groups/1/settings",
            &settings_form("New-Login_1", "abc123"),
        )
        .await;
    assert_eq!(saved.status, 200);
    assert!(text_of(&saved.html(), ".notice").contains("保存しました"));
    let g = app.group().await;
    assert_eq!(g.identity, "New-Login_1");
    assert_eq!(g.shared_secret, "abc123");
    assert_eq!(g.purchasing_system.as_str(), "Kobuy");
    assert_eq!(
        g.order_confirmation_url.as_deref(),
        Some("http://127.0.0.1:9/c")
    );
    assert_eq!(g.ship_notice_url, None);
    assert_eq!(g.cart_field, absim::domain::CartField::Base64);

    for (identity, secret, rule) in [
        ("ab", "abc123", "4～64"),
        ("bad login!", "abc123", "4～64"),
        ("GoodLogin", "abcdef", "6～30"),
        ("GoodLogin", "123456", "6～30"),
        ("GoodLogin", "abc-123", "6～30"),
    ] {
        let r = app
            .post_form("/groups/1/settings", &settings_form(identity, secret))
            .await;
        assert_eq!(r.status, 400, "{identity}/{secret}");
        assert!(
            text_of(&r.html(), ".error-box").contains(rule),
            "{identity}/{secret}"
        );
    }
    assert_eq!(
        app.group().await.identity,
        "New-Login_1",
        "nothing refused was saved"
    );
    let r = app
        .post_form(
            "/groups/1/settings",
            &[
                ("purchasing_system", "LINE_WORKS"),
                ("identity", "GoodLogin"),
                ("shared_secret", "abc123"),
                ("order_confirmation_url", "javascript:alert(1)"),
                ("cart_field", "cxml-urlencoded"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(text_of(&r.html(), ".error-box").contains("http(s)"));
}

#[tokio::test]
async fn switching_to_active_warns_until_the_basic_test_is_marked_and_can_be_undone() {
    let app = spawn_app().await;
    let confirm = app.get_page("/groups/1/mode").await.html();
    assert!(
        text_of(&confirm, "#basic-warning")
            .contains("基本的なテストシナリオをまだ正常に完了していません")
    );
    let settings = app.post_form("/groups/1/mode", &[("mode", "active")]).await;
    assert_eq!(text_of(&settings.html(), "#status h2"), "状況: アクティブ");
    assert_eq!(app.group().await.mode, absim::domain::Mode::Active);
    let back = app.post_form("/groups/1/mode", &[("mode", "test")]).await;
    assert_eq!(text_of(&back.html(), "#status h2"), "状況: テスト");

    // After a successful basic order, no warning.
    let mut app = app;
    app.punch_out().await;
    let po = order_request("w@b", "PO-W", "new", true, &[DESK_LINE]);
    assert_eq!(app.post_order(&po).await.status, 200);
    let tests = app.get_page("/groups/1/tests").await.html();
    assert_eq!(
        texts_of(&tests, ".scenario.locked").len(),
        app.state.scenarios.len() - 1,
        "every scenario but the basic order waits for it"
    );
    app.post_form("/groups/1/log/1/mark", &[("result", "success")])
        .await;
    let confirm = app.get_page("/groups/1/mode").await.html();
    assert!(texts_of(&confirm, "#basic-warning").is_empty());
    let tests = app.get_page("/groups/1/tests").await.html();
    assert_eq!(
        texts_of(&tests, ".scenario.unlocked").len(),
        app.state.scenarios.len()
    );
    // Only the selected scenario unfolds (a phone would scroll through
    // every scenario's steps otherwise); the how-to folds once orders exist.
    let open: Vec<String> = tests
        .select(&scraper::Selector::parse("details.scenario[open]").unwrap())
        .filter_map(|d| d.value().attr("id").map(str::to_owned))
        .collect();
    assert_eq!(open, ["basic"]);
    assert!(texts_of(&tests, "#how-to[open]").is_empty());
}

#[tokio::test]
async fn pages_speak_english_on_request_and_remember_it() {
    let app = spawn_app().await;
    let en = app.get_page("/groups/1/settings?lang=en").await;
    let html = en.html();
    assert_eq!(attr_of(&html, "html", "lang"), "en");
    assert_eq!(text_of(&html, "#status h2"), "Status: Test");
    let by_header = app
        .get_page_lang("/groups/1/tests", "en-US,en;q=0.9")
        .await
        .html();
    assert!(text_of(&by_header, "h1").starts_with("Scenario tests for"));
    let default = app.get_page("/groups/1/tests").await.html();
    assert!(text_of(&default, "h1").starts_with("以下のシナリオのテスト"));
    // The English catalogue is complete: no page shows a Japanese-only message.
    let ja = absim::i18n::Lang::Ja.texts();
    let en = absim::i18n::Lang::En.texts();
    assert_ne!(ja.request_approval.as_str(), en.request_approval.as_str());
}

#[tokio::test]
async fn the_storefront_searches_by_width_and_case_and_the_cart_changes() {
    let mut app = spawn_app().await;
    let start = app.punch_out().await;
    let sid = session_id(&start);
    let found = app
        .get_page(&format!(
            "/s/{sid}/search?q=%EF%BD%82%EF%BC%90%EF%BC%98%EF%BC%97jwrcp5"
        ))
        .await
        .html();
    assert_eq!(texts_of(&found, "li.product").len(), 1);
    let by_maker = app
        .get_page(&format!("/s/{sid}/search?q=logicool"))
        .await
        .html();
    assert!(texts_of(&by_maker, "li.product").len() >= 2);
    let category = app
        .get_page(&format!("/s/{sid}/search?category=FURNITURE"))
        .await
        .html();
    assert_eq!(texts_of(&category, "li.product").len(), 4);
    // A page in German finds the Japanese store's desk by its German
    // title; a Japanese page does not.
    let german =
        |lang: &str| format!("/s/{sid}/search?q=Schreibtisch+h%C3%B6henverstellbar&lang={lang}");
    let found = app.get_page(&german("de")).await.html();
    let titles = texts_of(&found, "li.product");
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert!(
        titles[0].contains("パソコンデスク"),
        "the store's title shows: {titles:?}"
    );
    let found = app.get_page(&german("ja")).await.html();
    assert!(texts_of(&found, "li.product").is_empty());
    let none = app
        .get_page(&format!("/s/{sid}/search?q=zzzzzz"))
        .await
        .html();
    assert!(text_of(&none, ".empty").contains("見つかりませんでした"));

    app.post_form(
        &format!("/s/{sid}/cart/add"),
        &[("asin", "B001TK8QMA"), ("quantity", "3")],
    )
    .await;
    app.post_form(&format!("/s/{sid}/cart/add"), &[("asin", "B087JWRCP5")])
        .await;
    let cart = app
        .post_form(
            &format!("/s/{sid}/cart/update"),
            &[("line", "1"), ("quantity", "5")],
        )
        .await
        .html();
    let rows = texts_of(&cart, "table.cart tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("B001TK8QMA") && rows[0].contains("￥2,640"),
        "{rows:?}"
    );
    let cart = app
        .post_form(
            &format!("/s/{sid}/cart/update"),
            &[("line", "1"), ("remove", "1")],
        )
        .await
        .html();
    assert_eq!(texts_of(&cart, "table.cart tbody tr").len(), 1);
    let bad = app
        .post_form(
            &format!("/s/{sid}/cart/add"),
            &[("asin", "B087JWRCP5"), ("quantity", "lots")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(text_of(&bad.html(), ".message").contains("lots"));
    let unknown = app.get_page("/s/no-such-session").await;
    assert_eq!(unknown.status, 404);
    assert!(text_of(&unknown.html(), ".message").contains("パンチアウト"));
}

#[tokio::test]
async fn the_log_and_the_order_search_filter() {
    let mut app = spawn_app().await;
    app.punch_out().await;
    for (i, asin) in ["B087JWRCP5", "B001TK8QMA"].iter().enumerate() {
        let po = order_request(
            &format!("f{i}@b"),
            &format!("FILTER-{i}"),
            "new",
            true,
            &[PoLine {
                asin,
                aux: None,
                quantity: 1,
                price: "100",
            }],
        );
        assert_eq!(app.post_order(&po).await.status, 200);
    }
    app.post_form("/groups/1/log/2/mark", &[("result", "failure")])
        .await;
    let count = |html: &scraper::Html| texts_of(html, "#log-rows tbody tr").len();
    assert_eq!(count(&app.get_page("/groups/1/log").await.html()), 2);
    assert_eq!(
        count(&app.get_page("/groups/1/log?q=filter-1").await.html()),
        1
    );
    assert_eq!(
        count(&app.get_page("/groups/1/log?scenario=basic").await.html()),
        2
    );
    assert_eq!(
        count(
            &app.get_page("/groups/1/log?from=2000-01-01&to=2000-01-02")
                .await
                .html()
        ),
        0
    );
    let today = chrono::Utc::now()
        .with_timezone(&absim::cxml::time::jst())
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        count(
            &app.get_page(&format!("/groups/1/log?from={today}&to={today}"))
                .await
                .html()
        ),
        2
    );
    assert_eq!(
        count(
            &app.get_page("/groups/1/orders?asin=B001TK8QMA")
                .await
                .html()
        ),
        1
    );
    assert_eq!(
        count(&app.get_page("/groups/1/orders?result=failure").await.html()),
        1
    );
    assert_eq!(
        count(
            &app.get_page("/groups/1/orders?result=unmarked")
                .await
                .html()
        ),
        1
    );
    assert_eq!(
        count(&app.get_page("/groups/1/orders?po=FILTER-0").await.html()),
        1
    );
    let bad = app.get_page("/groups/1/log?from=yesterday").await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn bad_page_input_gets_a_readable_error_page() {
    let app = spawn_app().await;
    let r = app.get_page("/groups/abc/log").await;
    assert_eq!(r.status, 400);
    assert!(r.content_type.starts_with("text/html"));
    assert_eq!(text_of(&r.html(), "h1"), "エラー");
    let r = app
        .http
        .post(app.url("/groups/1/log/1/mark"))
        .body("result=success")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert!(r.text().await.unwrap().contains("<h1>エラー</h1>"));
    let r = app.get_page("/groups/9/settings").await;
    assert_eq!(r.status, 404);
    let r = app.get_page("/no/such/page").await;
    assert_eq!(r.status, 404);
    assert!(text_of(&r.html(), ".message").contains("見つかりません"));
}

#[tokio::test]
async fn the_safeguard_page_edits_the_tolerances_and_refuses_nonsense() {
    let app = spawn_app().await;
    let page = app.get_page("/groups/1/tolerances").await.html();
    assert_eq!(
        attr_of(&page, "input[name=price_increase_percent]", "value"),
        "20"
    );
    let saved = app
        .post_form(
            "/groups/1/tolerances",
            &[
                ("price_increase_percent", "5"),
                ("price_action", "cancel-order"),
                ("quantity_action", "backorder"),
                ("max_shipping_yen", "1000"),
                ("max_delivery_days", ""),
                ("delivery_action", "remove-line"),
                ("amazon_only", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 200);
    let t = app.group().await.tolerances;
    assert_eq!(t.price_increase_percent, 5);
    assert_eq!(
        t.price_action,
        absim::domain::safeguard::Action::CancelOrder
    );
    assert_eq!(
        t.quantity_action,
        absim::domain::safeguard::QuantityAction::Backorder
    );
    assert_eq!(
        (t.max_shipping, t.max_delivery_days, t.amazon_only),
        (Some(1000.into()), None, true)
    );
    let bad = app
        .post_form(
            "/groups/1/tolerances",
            &[
                ("price_increase_percent", "lots"),
                ("price_action", "remove-line"),
                ("quantity_action", "backorder"),
                ("delivery_action", "remove-line"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(text_of(&bad.html(), ".error-box").contains("lots"));
}

#[tokio::test]
async fn a_new_group_has_its_own_credentials_url_and_log() {
    let mut app = spawn_app().await;
    let r = app
        .post_form(
            "/groups",
            &[
                ("name", "購買部グループ"),
                ("payment_scope", "individual"),
                ("address_scope", "shared"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.url.ends_with("/groups/2/settings?done=group-added"),
        "{}",
        r.url
    );
    let g2 = app.state.store.group(2).await.unwrap().unwrap();
    let g1 = app.group().await;
    assert_eq!(g2.name, "購買部グループ");
    assert_eq!(g2.payment_scope, absim::domain::account::Scope::Individual);
    assert_ne!(g2.identity, g1.identity);
    assert_ne!(g2.po_token, g1.po_token);
    let list = app.get_page("/groups").await.html();
    assert_eq!(texts_of(&list, "#groups tbody tr").len(), 2);

    // Its credentials open its own punchouts; its PO URL fills its own log.
    let setup = setup_request(&g2.identity, &g2.shared_secret, &app.receiver.url("/hook"));
    assert_eq!(app.post_punchout_setup(&setup).await.status, 200);
    let po = order_request_as(
        &g2.identity,
        &g2.shared_secret,
        "g2@b",
        "G2-1",
        "new",
        true,
        &[DESK_LINE],
    );
    assert_eq!(app.post_xml(&app.state.po_url(&g2), &po).await.status, 200);
    // The default group's PO URL does not take group 2's credentials.
    assert_eq!(
        app.post_order(&po.replace("G2-1", "G2-2").replace("g2@b", "g2b@b"))
            .await
            .status,
        401
    );
    let log2 = app.get_page("/groups/2/log").await.html();
    let rows: Vec<String> = texts_of(&log2, "#log-rows tbody tr");
    assert!(rows.iter().any(|r| r.contains("G2-1")));
    let log1 = app.get_page("/groups/1/log").await.html();
    assert!(
        !texts_of(&log1, "#log-rows tbody tr")
            .iter()
            .any(|r| r.contains("G2-1"))
    );

    // Credentials stay unique across groups.
    let clash = app
        .post_form(
            "/groups/2/settings",
            &[
                ("purchasing_system", "Kobuy"),
                ("identity", &g1.identity),
                ("shared_secret", "abc123"),
                ("cart_field", "cxml-urlencoded"),
            ],
        )
        .await;
    assert_eq!(clash.status, 400);
    assert!(text_of(&clash.html(), ".error-box").contains("別のグループ"));
    app.receiver.drain();
}

#[tokio::test]
async fn payment_method_addresses_and_mail_recipients_are_saved() {
    let app = spawn_app().await;
    let r = app
        .post_form(
            "/groups/1/payment",
            &[
                ("payment_method", "invoice"),
                (
                    "addresses",
                    "東京都目黒区下目黒1-8-1\n\n大阪府大阪市北区1-1",
                ),
                ("mail_to_user", "1"),
                ("mail_to_admin", "1"),
                ("admin_email", "admin@example.co.jp"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    let g = app.group().await;
    assert_eq!(
        g.payment_method,
        Some(absim::domain::account::PaymentMethod::Invoice)
    );
    assert_eq!(g.delivery_addresses.len(), 2);
    assert!(g.mail.to_user && g.mail.to_admin);
    assert_eq!(g.mail.admin_email.as_deref(), Some("admin@example.co.jp"));
    let bad = app
        .post_form("/groups/1/payment", &[("payment_method", "cash")])
        .await;
    assert_eq!(bad.status, 400);
}
