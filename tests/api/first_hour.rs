//! The first hour of a new user: where am I (the group's name on every
//! admin page), what just happened (a message after each action), what
//! went wrong (errors in the page's language, 戻る that never takes a
//! shopper to an admin page), and how to start (the empty log's first
//! steps, locked sections as one line).

use crate::helpers::*;

/// The message the page shows after an action: its text and whether it is
/// an error.
fn message(page: &Reply) -> (String, bool) {
    let html = page.html();
    let text = text_of(&html, "#message");
    let class = attr_of(&html, "#message", "class");
    (text, class.contains("error-box"))
}

#[tokio::test]
async fn every_action_is_followed_by_a_message() {
    let mut app = spawn_app().await;
    // Before any order, the scenario page starts with how to test.
    let tests = app.get_page("/groups/1/tests").await.html();
    assert!(text_of(&tests, "#how-to[open] summary").contains("購入システムのテスト方法"));
    // Saving the settings.
    let g = app.group().await;
    let saved = app
        .post_form(
            "/groups/1/settings",
            &[
                ("purchasing_system", "LINE_WORKS"),
                ("identity", &g.identity),
                ("shared_secret", &g.shared_secret),
                ("cart_field", "cxml-urlencoded"),
                ("cxml_errors", "code"),
            ],
        )
        .await;
    assert_eq!(message(&saved), ("保存しました。".to_owned(), false));

    // Switching mode, both ways.
    let active = app.post_form("/groups/1/mode", &[("mode", "active")]).await;
    assert!(active.url.ends_with("/groups/1/settings?done=mode-active"));
    assert!(
        message(&active)
            .0
            .contains("アクティブモードに切り替えました")
    );
    let test = app.post_form("/groups/1/mode", &[("mode", "test")]).await;
    assert!(message(&test).0.contains("テストモードに切り替えました"));

    // Saving the safeguards stays on their page.
    let tolerances = app
        .post_form(
            "/groups/1/tolerances",
            &[
                ("price_increase_percent", "5"),
                ("price_action", "remove-line"),
                ("quantity_action", "ship-available"),
                ("delivery_action", "remove-line"),
            ],
        )
        .await;
    assert!(
        tolerances.url.ends_with("/groups/1/tolerances?done=saved"),
        "{}",
        tolerances.url
    );
    assert_eq!(message(&tolerances).0, "保存しました。");

    // Selecting a scenario.
    let selected = app.post_form("/groups/1/scenarios/basic/select", &[]).await;
    assert!(
        message(&selected)
            .0
            .contains("テストシナリオを選択しました")
    );

    // An order, then its mark: without a choice the entry says what is
    // missing; with one, the scenario page says it is saved.
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, "B087JWRCP5", 1).await;
    let cart = app.return_cart(&sid, false).await;
    assert_eq!(app.send_po(&app.po_for(&cart, "MSG-1")).await.status, 200);
    app.settle().await;
    let no = app.last_entry().await;
    let missing = app
        .post_form(&format!("/groups/1/log/{no}/mark"), &[])
        .await;
    assert_eq!(missing.status, 200);
    assert!(
        missing
            .url
            .contains(&format!("/groups/1/log/{no}?done=mark-missing"))
    );
    let (text, error) = message(&missing);
    assert!(error && text.contains("「成功」か「失敗」を選択"), "{text}");
    assert!(missing.html().select(&sel("#mark-form")).next().is_some());
    let marked = app
        .post_form(
            &format!("/groups/1/log/{no}/mark"),
            &[("result", "success")],
        )
        .await;
    assert!(marked.url.contains("/groups/1/tests"));
    assert_eq!(
        message(&marked),
        ("テスト結果を「成功」として保存しました。".to_owned(), false)
    );

    // 再送 of the delivered confirmation.
    let entry = app.get_page(&format!("/groups/1/log/{no}")).await;
    let resend = attr_of(&entry.html(), "#confirmation form.resend", "action");
    let resent = app.post_form(&resend, &[]).await;
    assert!(message(&resent).0.contains("再送を予約しました"));
    app.settle().await;

    // Adding a group.
    let added = app.post_form("/groups", &[("name", "経理部")]).await;
    assert!(added.url.ends_with("/groups/2/settings?done=group-added"));
    assert!(message(&added).0.contains("グループを追加しました"));

    // The message speaks the page's language, and a key absim does not
    // know shows nothing (no text from the address reaches the page).
    let en = app.get_page("/groups/1/settings?done=saved&lang=en").await;
    assert_eq!(message(&en).0, "Saved.");
    let forged = app
        .get_page("/groups/1/settings?done=%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert!(forged.html().select(&sel("#message")).next().is_none());
    assert!(!forged.body.contains("alert(1)"));
}

fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

#[tokio::test]
async fn every_admin_page_names_its_group_and_marks_its_menu_item() {
    let app = spawn_app().await;
    app.post_form("/groups", &[("name", "経理部")]).await;
    for (path, item) in [
        ("settings", "settings"),
        ("tests", "tests"),
        ("log", "log"),
        ("orders", "orders"),
        ("mail", "mail"),
        ("tolerances", "settings"),
        ("mode", "settings"),
    ] {
        let page = app.get_page(&format!("/groups/2/{path}")).await;
        assert_eq!(page.status, 200, "{path}");
        let html = page.html();
        assert!(text_of(&html, "title").contains("経理部"), "{path}: title");
        assert!(text_of(&html, "h1").contains("経理部"), "{path}: heading");
        assert!(text_of(&html, "#group-name").contains("経理部"), "{path}");
        assert_eq!(attr_of(&html, "a.brand", "href"), "/groups/2/settings");
        assert_eq!(
            attr_of(&html, "nav.admin a[aria-current=page]", "href"),
            format!(
                "/groups/2/{}",
                if item == "orders" { "orders" } else { item }
            ),
            "{path}"
        );
    }
    // The mode switch names the group it switches.
    let mode = app.get_page("/groups/2/mode").await;
    assert!(text_of(&mode.html(), "#mode-group").contains("経理部"));
    // /groups has its menu too.
    let groups = app.get_page("/groups").await;
    assert_eq!(
        attr_of(&groups.html(), "nav.admin a[aria-current=page]", "href"),
        "/groups"
    );
}

#[tokio::test]
async fn error_pages_lead_back_and_never_take_a_shopper_to_an_admin_page() {
    let app = spawn_app().await;
    // A shopper's page: no link into the test UI, and what to do instead.
    let bogus = app.get_page("/s/bogus").await;
    assert_eq!(bogus.status, 404);
    let html = bogus.html();
    let admin_links: Vec<String> = html
        .select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with("/groups") || *h == "/")
        .map(str::to_owned)
        .collect();
    assert!(admin_links.is_empty(), "{admin_links:?}");
    assert!(text_of(&html, ".error").contains("もう一度パンチアウト"));
    // An admin page's error leads back to the group's log.
    let missing = app.get_page("/groups/1/log/999").await;
    assert_eq!(missing.status, 404);
    assert_eq!(attr_of(&missing.html(), "a.back", "href"), "/groups/1/log");
    // Both load the script that makes 戻る go back in history.
    assert!(missing.body.contains("/assets/back.js"));
    let script = app.get_page("/assets/back.js").await;
    assert!(script.content_type.starts_with("text/javascript"));
    assert!(script.body.contains("history.back"));
    // The favicon every browser asks for.
    let icon = app.get_page("/favicon.ico").await;
    assert_eq!(icon.status, 200);
    assert!(icon.content_type.starts_with("image/svg+xml"));
}

#[tokio::test]
async fn an_empty_group_says_how_to_start_and_locked_sections_are_one_line() {
    let app = spawn_app().await;
    let log = app.get_page("/groups/1/log").await.html();
    assert!(text_of(&log, "#first-steps").contains("パンチアウト"));
    assert_eq!(
        text_of(&log, "#buyer-command"),
        format!("absim buyer --simulator {}", app.base)
    );
    assert!(text_of(&log, "#first-steps").contains("absim demo"));
    // A filter that matches nothing is not a first visit.
    let filtered = app.get_page("/groups/1/log?q=nothing").await.html();
    assert!(filtered.select(&sel("#first-steps")).next().is_none());

    // Before the basic order is marked, each later section is its heading
    // and one sentence; its scenarios are folded away.
    let tests = app.get_page("/groups/1/tests").await.html();
    for section in ["checkout", "safeguard", "advanced"] {
        let id = format!("#section-{section}");
        assert_eq!(attr_of(&tests, &id, "class"), "section locked", "{id}");
        assert_eq!(texts_of(&tests, &format!("{id} .locked-note")).len(), 1);
        assert!(
            tests
                .select(&sel(&format!("{id} article")))
                .next()
                .is_none(),
            "{id} has no cards"
        );
        assert!(!texts_of(&tests, &format!("{id} details li")).is_empty());
    }
    assert!(!tests.html().contains('🔒'));
}

#[tokio::test]
async fn refusals_faults_and_rule_messages_speak_the_pages_language() {
    let mut app = spawn_app().await;
    // A PO without lines is refused; the entry gives the reason in the
    // page's language and says the PO matched no punchout session.
    let sid = app.open_store("create", &[], None).await;
    let cart = app.return_cart(&sid, true).await;
    assert_eq!(app.send_po(&app.po_for(&cart, "EMPTY-1")).await.status, 400);
    let no = app.last_entry().await;
    let ja = app.get_page(&format!("/groups/1/log/{no}")).await.html();
    assert!(
        text_of(&ja, "#refusal").contains("OrderRequest に ItemOut (注文明細) がありません"),
        "{}",
        text_of(&ja, "#refusal")
    );
    assert!(text_of(&ja, "#poom").contains("パンチアウトセッションが見つかりません"));
    let en = app
        .get_page(&format!("/groups/1/log/{no}?lang=en"))
        .await
        .html();
    assert!(text_of(&en, "#refusal").contains("the OrderRequest has no ItemOut"));

    // Fault kinds are named, not shown as ids.
    let settings = app.get_page("/groups/1/settings").await.html();
    let kinds = texts_of(&settings, "#faults select[name=kind] option");
    assert!(
        kinds.contains(&"HTTP 503 (Retry-After 付き)".to_owned()),
        "{kinds:?}"
    );
    assert!(!kinds.iter().any(|k| k == "http503"));

    // A broken rule is said in the page's language only.
    let g = app.group().await;
    let form = [
        ("purchasing_system", "LINE_WORKS"),
        ("identity", g.identity.as_str()),
        ("shared_secret", "short"),
        ("cart_field", "cxml-urlencoded"),
    ];
    let ja = app.post_form("/groups/1/settings", &form).await;
    let ja_error = text_of(&ja.html(), ".error-box");
    assert!(
        ja_error.contains("パスワード") && !ja_error.contains("password"),
        "{ja_error}"
    );
    let en = app.post_form("/groups/1/settings?lang=en", &form).await;
    let en_error = text_of(&en.html(), ".error-box");
    assert!(
        en_error.contains("password") && !en_error.contains("パスワード"),
        "{en_error}"
    );
}

/// The commonest first-day failure, a punchout with the wrong password, and
/// a PO sent to a URL cut short, show in the group's test log with absim's
/// answer (which group, which value, what to fix); a stranger's punchout
/// belongs to no group and shows in none.
#[tokio::test]
async fn a_refused_punchout_and_a_cut_po_url_show_in_the_groups_log() {
    let app = spawn_app().await;
    let log = app.get_page("/groups/1/log").await.html();
    assert!(texts_of(&log, "#refused").is_empty(), "nothing refused yet");

    let hook = app.receiver.url("/hook");
    let wrong = app
        .post_punchout_setup(&setup_request(IDENTITY, "wrong-password-1", &hook))
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    let stranger = app
        .post_punchout_setup(&setup_request("NobodysLogin", "x1", &hook))
        .await;
    assert_eq!(stranger.status, 401);
    let po_url = app.po_url().await;
    let cut = &po_url[..po_url.len() - 3];
    let po = order_request("cut@b", "PO-CUT", "new", true, &[DESK_LINE]);
    assert_eq!(app.post_xml(cut, &po).await.status, 404);

    let log = app.get_page("/groups/1/log").await.html();
    let refused = texts_of(&log, "#refused li");
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with("404") && refused[0].contains("copied whole"),
        "{refused:?}"
    );
    assert!(
        refused[1].starts_with("401")
            && refused[1].contains(&format!("'{IDENTITY}' is the system login of group 1")),
        "{refused:?}"
    );
    assert!(!refused.iter().any(|r| r.contains("NobodysLogin")));
    assert_eq!(text_of(&log, "#refused h2"), "拒否した要求");
    // The JSON API files them the same way.
    let journal = app.journal("?group=1&direction=in").await;
    let statuses: Vec<u64> = journal
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["status"].as_u64())
        .collect();
    assert_eq!(statuses, [404, 401], "{journal}");
}

/// The guide opens the optional tests once the basic order has been tested
/// successfully: a later order marked 失敗 does not close them again, on
/// the page, in the API and for the switch to active mode.
#[tokio::test]
async fn a_later_failure_does_not_lock_what_an_earlier_success_opened() {
    let app = spawn_app().await;
    for id in ["PO-OPEN-1", "PO-OPEN-2"] {
        let po = order_request(&format!("{id}@b"), id, "new", true, &[DESK_LINE]);
        assert_eq!(app.post_order(&po).await.status, 200);
    }
    app.post_form("/groups/1/log/1/mark", &[("result", "success")])
        .await;
    app.post_form("/groups/1/log/2/mark", &[("result", "failure")])
        .await;
    let tests = app.get_page("/groups/1/tests").await.html();
    assert!(
        texts_of(&tests, ".scenario.locked").is_empty(),
        "{:?}",
        texts_of(&tests, ".scenario.locked")
    );
    let list: serde_json::Value =
        serde_json::from_str(&app.get_page("/api/v1/groups/1/scenarios").await.body).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|s| s["unlocked"] == true),
        "{list}"
    );
    let mode = app.get_page("/groups/1/mode").await.html();
    assert!(texts_of(&mode, "#basic-warning").is_empty());
    // The basic scenario's card shows its latest mark, the failure.
    assert!(
        text_of(&tests, "#basic .mark").contains("失敗"),
        "{}",
        text_of(&tests, "#basic .mark")
    );
}
