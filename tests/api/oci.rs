//! SAP OCI: the catalogue call opens the storefront; the cart goes back as
//! NEW_ITEM fields, cut to OCI's lengths with each cut in the log.

use crate::helpers::*;

fn oci_url(app: &TestApp, user: &str, password: &str) -> String {
    let hook = app.receiver.url("/sap-hook");
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("USERNAME", user)
        .append_pair("PASSWORD", password)
        .append_pair("HOOK_URL", &hook)
        .append_pair("~OkCode", "ADDI")
        .append_pair("~TARGET", "_top")
        .append_pair("~CALLER", "CTLG")
        .append_pair("LANGU", "JA")
        .finish();
    format!("/eprocurement/oci?{q}")
}

#[tokio::test]
async fn an_oci_call_opens_the_store_and_the_cart_returns_as_new_item_fields() {
    let mut app = spawn_app().await;
    let store = app.get_page(&oci_url(&app, IDENTITY, SECRET)).await;
    assert_eq!(store.status, 200);
    let sid = store
        .url
        .split("/s/")
        .nth(1)
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    app.add_to_cart(&sid, "B087JWRCP5", 2).await;
    app.add_to_cart(&sid, "B001TK8QMA", 1).await;
    let page = app.post_form(&format!("/s/{sid}/submit"), &[]).await.html();
    assert_eq!(
        attr_of(&page, "#cart-return", "action"),
        app.receiver.url("/sap-hook")
    );
    assert_eq!(attr_of(&page, "#cart-return", "target"), "_top");
    let sel = scraper::Selector::parse("#cart-return input[type=hidden]").unwrap();
    let fields: Vec<(String, String)> = page
        .select(&sel)
        .map(|e| {
            (
                e.value().attr("name").unwrap().to_owned(),
                e.value().attr("value").unwrap().to_owned(),
            )
        })
        .collect();
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert_eq!(get("NEW_ITEM-QUANTITY[1]"), "2");
    assert_eq!(get("NEW_ITEM-UNIT[1]"), "EA");
    assert_eq!(get("NEW_ITEM-PRICE[1]"), "16182.00");
    assert_eq!(get("NEW_ITEM-CURRENCY[1]"), "JPY");
    assert_eq!(get("NEW_ITEM-PRICEUNIT[1]"), "1");
    assert_eq!(get("NEW_ITEM-MATGROUP[1]"), "56101703");
    assert_eq!(get("NEW_ITEM-EXT_PRODUCT_ID[1]"), "B087JWRCP5");
    assert_eq!(get("NEW_ITEM-VENDORMAT[2]"), "B001TK8QMA");
    assert_eq!(get("NEW_ITEM-DESCRIPTION[1]").chars().count(), 40);
    assert!(get("NEW_ITEM-LONGTEXT_1:132[]").starts_with("[山善] パソコンデスク"));
    assert_eq!(get("~OkCode"), "ADDI");
    assert_eq!(get("~CALLER"), "CTLG");
    for (_, v) in &fields {
        assert!(v.chars().count() <= 132 || v.starts_with("[山善]"));
    }
    // The cut is reported in the log.
    let log = app.get_page("/groups/1/log").await.html();
    let sessions = texts_of(&log, "#sessions tbody tr");
    assert!(sessions[0].contains("oci"), "{sessions:?}");
    assert!(
        sessions[0].contains("NEW_ITEM-DESCRIPTION[1] was cut from"),
        "{sessions:?}"
    );
    app.receiver.drain();
}

#[tokio::test]
async fn oci_calls_with_bad_credentials_or_no_hook_get_readable_errors() {
    let app = spawn_app().await;
    let r = app.get_page(&oci_url(&app, IDENTITY, "wrong1pass")).await;
    assert_eq!(r.status, 401);
    assert!(text_of(&r.html(), ".message").contains("USERNAME"));
    let r = app.get_page("/eprocurement/oci?USERNAME=a").await;
    assert_eq!(r.status, 400);
    assert!(text_of(&r.html(), ".message").contains("HOOK_URL"));
    let form = app
        .post_form(
            "/eprocurement/oci",
            &[
                ("USERNAME", IDENTITY),
                ("PASSWORD", SECRET),
                ("HOOK_URL", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(form.status, 400);
}
