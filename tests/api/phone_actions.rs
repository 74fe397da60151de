//! What a person does on a phone, where a measure of the page is not
//! enough: the message an action leads to is on the screen, the copy
//! buttons copy, the product page's first screen has the price and the
//! button.

use serde_json::Value;

use crate::browser::Browser;
use crate::helpers::*;
use crate::phone::an_order_through_the_buyer;

/// Where an action's redirect scrolls on a phone, the message about it is
/// on the screen: 保存する without 成功 or 失敗 says so beside the form, and
/// このシナリオを選択 confirms beside the scenario.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_shows_where_the_redirect_scrolls_on_a_phone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let mut app = spawn_app().await;
    let (_buyer, _base, no) = an_order_through_the_buyer(&mut app).await;
    browser.set_window_size(390, 844).await.unwrap();
    const ON_SCREEN: &str = r#"
const m = document.querySelector('#message');
if (!m) return 'no #message';
const r = m.getBoundingClientRect();
return (r.top >= 0 && r.bottom <= window.innerHeight) ? 'on screen' : `at ${Math.round(r.top)}..${Math.round(r.bottom)} of ${window.innerHeight}`;
"#;
    // Each page, and the button a person presses on it.
    let actions = [
        (
            format!("/groups/1/log/{no}"),
            "#mark-form button[type=submit]",
        ),
        (
            "/groups/1/tests".to_owned(),
            "form[action$='/scenarios/checkout-multi-line/select'] button",
        ),
    ];
    let mut seen = Vec::new();
    for (page, button) in actions {
        if page.ends_with("/tests") {
            // The checkout tests open once the basic order is marked 成功.
            let mark = format!("/groups/1/log/{no}/mark");
            app.post_form(&mark, &[("result", "success")]).await;
        }
        browser.goto(&format!("{}{page}", app.base)).await.unwrap();
        if page.ends_with("/tests") {
            // A scenario that is not selected is folded: open it first.
            browser.click("#checkout-multi-line summary").await;
        }
        browser.click(button).await;
        browser
            .wait_for_url_where("the redirect", |u| u.contains("done="))
            .await;
        let place = browser.execute(ON_SCREEN, vec![]).await.unwrap();
        browser
            .shot(&format!("message-beside-{}", seen.len()))
            .await;
        seen.push(format!("{page}: {}", place.as_str().unwrap_or_default()));
    }
    browser.quit().await;
    assert!(
        seen.iter().all(|s| s.ends_with("on screen")),
        "{}",
        seen.join("\n")
    );
}

/// The values a user copies into the purchasing system each have a copy
/// button that works, on a phone, and the PO Request URL stays inside the
/// screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_values_are_copied_by_their_buttons_on_a_phone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_app().await;
    browser.set_window_size(390, 844).await.unwrap();
    browser
        .goto(&format!("{}/groups/1/settings", app.base))
        .await
        .unwrap();
    let buttons = browser
        .execute(
            "return [...document.querySelectorAll('button[data-copy]')].filter(b => !b.hidden).map(b => b.getAttribute('data-copy'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        buttons,
        Value::from(vec![
            "#identity",
            "#shared_secret",
            "#punchout-url",
            "#po-url"
        ])
    );
    browser.click("button[data-copy='#po-url']").await;
    let copied = absim::i18n::Lang::Ja.texts().copied.as_str();
    crate::helpers::eventually("the copy", std::time::Duration::from_secs(10), async || {
        let said = browser.text("button[data-copy='#po-url']").await;
        if said == copied { Ok(()) } else { Err(said) }
    })
    .await;
    let clipboard = browser
        .execute_async(
            "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('unreadable: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    let po_url = app.po_url().await;
    assert!(
        clipboard == po_url.as_str()
            || clipboard
                .as_str()
                .is_some_and(|c| c.starts_with("unreadable")),
        "{clipboard}"
    );
    let right = browser
        .execute(
            "return document.querySelector('#po-url').getBoundingClientRect().right;",
            vec![],
        )
        .await
        .unwrap();
    assert!(right.as_f64().unwrap() <= 390.0, "{right}");
    browser.quit().await;
}

/// On a phone the product page's first screen shows the price and カートに
/// 追加 (the facts follow), with the category's picture, and the category
/// select of the header shows its names whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_product_pages_first_screen_shows_the_price_and_the_button_on_a_phone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let mut app = spawn_app().await;
    let sid = app.open_store("create", &[], None).await;
    browser.set_window_size(390, 844).await.unwrap();
    browser
        .goto(&format!("{}/s/{sid}/dp/B087JWRCP5", app.base))
        .await
        .unwrap();
    const FIRST_SCREEN: &str = r#"
const inside = (s) => { const e = document.querySelector(s); if (!e) return `no ${s}`; const r = e.getBoundingClientRect(); return r.bottom <= window.innerHeight ? 'in' : `${s} ends at ${Math.round(r.bottom)}`; };
const picture = document.querySelector('img.picture');
const select = document.querySelector('form.search select');
return {
  price: inside('.price.big'),
  button: inside('button.add'),
  picture: picture && picture.complete && picture.naturalWidth > 0 ? 'drawn' : 'missing',
  // A row of its own: as wide as the header allows.
  select: select.getBoundingClientRect().width >= 300 ? 'whole' : `cut at ${Math.round(select.getBoundingClientRect().width)} px`,
};
"#;
    let seen = browser.execute(FIRST_SCREEN, vec![]).await.unwrap();
    browser.shot("product-first-screen").await;
    browser.quit().await;
    assert_eq!(
        seen,
        serde_json::json!({"price": "in", "button": "in", "picture": "drawn", "select": "whole"})
    );
}
