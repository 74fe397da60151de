//! A group's marketplace (the Amazon Business store it buys from) and its
//! tax exemption: set through the JSON API, the setup screen and `absim
//! group create`; the store's real URLs beside absim's; the newer
//! integrations' punchout paths; and the pages' language following the
//! store.

use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn a_group_is_created_in_a_marketplace_and_moved_through_the_api() {
    let app = spawn_app().await;
    let (status, g) = send(
        &app,
        "POST",
        "/api/v1/groups",
        json!({"name": "us-pipe", "marketplace": "us", "tax_exempt": true}),
    )
    .await;
    assert_eq!(status, 201, "{g}");
    assert_eq!(
        (g["marketplace"].as_str(), g["tax_exempt"].as_bool()),
        (Some("US"), Some(true))
    );
    let gid = g["id"].as_u64().unwrap();
    let stored = app.state.store.group(gid as u32).await.unwrap().unwrap();
    assert_eq!(
        (stored.marketplace.as_str(), stored.tax_exempt),
        ("US", true)
    );

    // Moving to Germany gives the exemption up in the same change.
    let (status, g) = send(
        &app,
        "PATCH",
        &format!("/api/v1/groups/{gid}"),
        json!({"marketplace": "De", "tax_exempt": false}),
    )
    .await;
    assert_eq!(status, 200, "{g}");
    assert_eq!(
        (g["marketplace"].as_str(), g["tax_exempt"].as_bool()),
        (Some("DE"), Some(false))
    );
    let (_, listed) = send(&app, "GET", "/api/v1/groups", json!(null)).await;
    assert_eq!(listed[0]["marketplace"], "JP");
    assert_eq!(listed[0]["tax_exempt"], false);
}

#[tokio::test]
async fn an_unknown_marketplace_is_refused_naming_the_field_and_the_codes() {
    let app = spawn_app().await;
    for (method, path) in [("POST", "/api/v1/groups"), ("PATCH", "/api/v1/groups/1")] {
        let (status, e) = send(&app, method, path, json!({"marketplace": "XX"})).await;
        assert_eq!(
            (status, e["code"].as_str()),
            (400, Some("bad_request")),
            "{e}"
        );
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains("'XX' is not a marketplace; choose one of"),
            "{message}"
        );
        for code in app.state.marketplaces.codes() {
            assert!(message.contains(code), "{code} missing: {message}");
        }
    }
    assert_eq!(app.group().await.marketplace, "JP");
    let (_, groups) = send(&app, "GET", "/api/v1/groups", json!(null)).await;
    assert_eq!(groups.as_array().unwrap().len(), 1, "no group was made");
}

#[tokio::test]
async fn tax_exemption_is_refused_where_the_store_has_none() {
    let app = spawn_app().await;
    let (status, e) = send(
        &app,
        "PATCH",
        "/api/v1/groups/1",
        json!({"tax_exempt": true}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("tax_exempt: ") && message.contains("marketplace JP has no tax exemption"),
        "{message}"
    );
    let (status, e) = send(
        &app,
        "POST",
        "/api/v1/groups",
        json!({"marketplace": "DE", "tax_exempt": true}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("marketplace DE has no tax exemption"),
        "{e}"
    );

    // A US group may be exempt, and cannot move to a store without
    // exemption while it is.
    let (status, g) = send(
        &app,
        "PATCH",
        "/api/v1/groups/1",
        json!({"marketplace": "US"}),
    )
    .await;
    assert_eq!(status, 200, "{g}");
    let (status, g) = send(
        &app,
        "PATCH",
        "/api/v1/groups/1",
        json!({"tax_exempt": true}),
    )
    .await;
    assert_eq!(
        (status, g["tax_exempt"].as_bool()),
        (200, Some(true)),
        "{g}"
    );
    let (status, e) = send(
        &app,
        "PATCH",
        "/api/v1/groups/1",
        json!({"marketplace": "UK"}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    let g = app.group().await;
    assert_eq!((g.marketplace.as_str(), g.tax_exempt), ("US", true));
}

#[tokio::test]
async fn the_openapi_document_lists_the_marketplaces_and_the_exemption_rule() {
    let app = spawn_app().await;
    let doc: Value =
        serde_json::from_str(&app.get_page("/api/v1/openapi.json").await.body).unwrap();
    let patch = doc.pointer("/components/schemas/GroupPatch").unwrap();
    let codes: Vec<&str> = patch["properties"]["marketplace"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(codes, app.state.marketplaces.codes());
    assert_eq!(
        patch["anyOf"][1]["properties"]["marketplace"]["enum"],
        json!(["US"])
    );
    let view = doc
        .pointer("/components/schemas/GroupView/properties")
        .unwrap();
    assert!(view.get("marketplace").is_some() && view.get("tax_exempt").is_some());
}

#[tokio::test]
async fn a_setup_through_each_punchout_path_answers_with_a_start_page() {
    let app = spawn_app().await;
    let setup = setup_request(IDENTITY, SECRET, &app.receiver.url("/hook"));
    for path in [
        "/eprocurement/punchout",
        "/eprocurement/punchout/test",
        "/punchout",
        "/punchout/test",
    ] {
        let r = app.post_xml(path, &setup).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let start = start_page(&r.body);
        assert!(
            start.starts_with(&format!("{}/s/", app.base)),
            "{path}: {start}"
        );
        assert_eq!(app.get_page(&start).await.status, 200, "{path}: {start}");
    }
    // Another method on the new paths is refused as on the old ones.
    let r = app.http.get(app.url("/punchout")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_creates_a_group_in_a_marketplace_and_names_an_unknown_code() {
    let app = spawn_app().await;
    let (code, out) = absim_cli(
        &app,
        &[
            "group",
            "create",
            "--name",
            "de-pipe",
            "--marketplace",
            "de",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("marketplace:") && out.contains("DE"), "{out}");
    let (code, out) = absim_cli(
        &app,
        &[
            "group",
            "create",
            "--marketplace",
            "US",
            "--tax-exempt",
            "--json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}");
    let g: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (g["marketplace"].as_str(), g["tax_exempt"].as_bool()),
        (Some("US"), Some(true))
    );
    let groups = app.state.store.groups().await.unwrap();
    let de = groups.iter().find(|g| g.name == "de-pipe").unwrap();
    assert_eq!(de.marketplace, "DE");

    let (code, out) = absim_cli(&app, &["group", "create", "--marketplace", "XX"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("400") && out.contains("'XX' is not a marketplace"),
        "{out}"
    );
    assert!(out.contains("JP, UK, US"), "{out}");
    assert_eq!(app.state.store.groups().await.unwrap().len(), 3);
}

/// The settings form as the page sends it, with a store and the checkbox.
fn settings_form(marketplace: &str, exempt: bool) -> Vec<(&str, &str)> {
    let mut form = vec![
        ("purchasing_system", "LINE_WORKS"),
        ("identity", IDENTITY),
        ("shared_secret", SECRET),
        ("cart_field", "cxml-urlencoded"),
        ("marketplace", marketplace),
    ];
    if exempt {
        form.push(("tax_exempt", "1"));
    }
    form
}

#[tokio::test]
async fn the_setup_screen_offers_every_store_and_shows_its_real_urls_beside_absims() {
    let app = spawn_app().await;
    let html = app.get_page("/groups/1/settings").await.html();
    let options = texts_of(&html, "select#marketplace option");
    assert_eq!(options.len(), app.state.marketplaces.all().count());
    for m in app.state.marketplaces.all() {
        let label = format!("{} — {}", m.code, m.name);
        assert!(options.contains(&label), "{label} missing from {options:?}");
    }
    assert_eq!(
        attr_of(&html, "select#marketplace option[selected]", "value"),
        "JP"
    );
    assert_eq!(
        text_of(&html, "#live-punchout-amazon"),
        "https://www.amazon.co.jp/eprocurement/punchout"
    );
    assert_eq!(
        text_of(&html, "#live-punchout-absim"),
        format!("{}/eprocurement/punchout", app.base)
    );
    assert_eq!(text_of(&html, "#live-po-absim"), app.po_url().await);
    assert!(text_of(&html, "#live-po-amazon").contains("amazonsedi.com"));

    // Saved with the rest: a US group, tax-exempt; the screen now shows
    // amazon.com's URLs and absim's on the same paths.
    let saved = app
        .post_form("/groups/1/settings", &settings_form("us", true))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let g = app.group().await;
    assert_eq!((g.marketplace.as_str(), g.tax_exempt), ("US", true));
    let html = app.get_page("/groups/1/settings").await.html();
    assert_eq!(
        attr_of(&html, "select#marketplace option[selected]", "value"),
        "US"
    );
    assert_eq!(attr_of(&html, "#tax-exempt", "checked"), "");
    assert_eq!(
        text_of(&html, "#live-punchout-amazon"),
        "https://abintegrations.amazon.com/punchout"
    );
    assert_eq!(
        text_of(&html, "#live-punchout-test-absim"),
        format!("{}/punchout/test", app.base)
    );
    // Unticked, the exemption goes.
    let saved = app
        .post_form("/groups/1/settings", &settings_form("US", false))
        .await;
    assert_eq!(saved.status, 200);
    assert!(!app.group().await.tax_exempt);
}

#[tokio::test]
async fn the_setup_screen_refuses_a_bad_store_or_exemption_readably() {
    let app = spawn_app().await;
    let r = app
        .post_form("/groups/1/settings", &settings_form("DE", true))
        .await;
    assert_eq!(r.status, 400);
    let error = text_of(&r.html(), ".error-box");
    assert!(error.contains("免税") && error.contains("US"), "{error}");
    assert!(
        !error.contains("tax_exempt:"),
        "only the page's language: {error}"
    );
    let r = app
        .post_form(
            "/groups/1/settings?lang=en",
            &settings_form("<b>XX</b>", false),
        )
        .await;
    assert_eq!(r.status, 400);
    let error = text_of(&r.html(), ".error-box");
    assert!(
        error.contains("'<b>XX</b>' is not a marketplace") && error.contains("JP"),
        "{error}"
    );
    assert!(!r.body.contains("<b>XX"), "escaped");
    let g = app.group().await;
    assert_eq!((g.marketplace.as_str(), g.tax_exempt), ("JP", false));
}

/// The language a page says it is in.
fn page_lang(r: &Reply) -> String {
    attr_of(&r.html(), "html", "lang")
}

#[tokio::test]
async fn a_german_groups_pages_are_in_german_unless_another_language_is_chosen() {
    let mut app = spawn_app_with(|s| s.marketplace = Some("DE".into())).await;
    let start = app.punch_out().await;
    let home = app.get_page(&start).await;
    assert_eq!(home.status, 200);
    assert_eq!(page_lang(&home), "de");
    // The store's own category names on a page in its language.
    assert!(home.body.contains("Büromöbel"), "{}", home.body);
    // The scenarios speak German too.
    let tests = app.get_page("/groups/1/tests").await.body;
    assert!(tests.contains("Standardbestellung") && !tests.contains("基本的な注文"));
    let settings = app.get_page("/groups/1/settings").await;
    assert_eq!(page_lang(&settings), "de");
    assert_eq!(text_of(&settings.html(), "#status h2"), "Status: Test");
    // A page of the group that is not there speaks the store's language too.
    assert_eq!(
        page_lang(&app.get_page(&format!("{start}/dp/NOSUCHASIN")).await),
        "de"
    );

    // ?lang= wins, and is remembered over the store's language.
    let chosen = app.get_page(&format!("{start}?lang=ja")).await;
    assert_eq!(page_lang(&chosen), "ja");
    let r = app
        .http
        .get(app.url(&start))
        .header("cookie", "absim_lang=ja")
        .send()
        .await
        .unwrap();
    assert_eq!(page_lang(&reply(r).await), "ja");
}

#[tokio::test]
async fn a_japanese_groups_pages_stay_in_japanese() {
    let mut app = spawn_app().await;
    let start = app.punch_out().await;
    assert_eq!(page_lang(&app.get_page(&start).await), "ja");
    assert_eq!(page_lang(&app.get_page("/groups/1/settings").await), "ja");
    // A second group in the US store has its pages in English, the first
    // keeps Japanese.
    let (status, g) = send(&app, "POST", "/api/v1/groups", json!({"marketplace": "US"})).await;
    assert_eq!(status, 201, "{g}");
    let us = app.get_page(&format!("/groups/{}/settings", g["id"])).await;
    assert_eq!(page_lang(&us), "en");
    assert_eq!(page_lang(&app.get_page("/groups/1/log").await), "ja");
}
