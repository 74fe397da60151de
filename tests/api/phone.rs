//! The pages on a phone (390×844) and on a desktop (1280×800), in Japanese
//! and in English, measured in Chromium: no page is wider than the
//! viewport (a wide table may scroll inside its own box), the named
//! controls are inside it, and the element at the centre of each main
//! button is the button itself (nothing lies over it), and axe-core finds
//! no serious accessibility violation (on the phone). Screenshots go to
//! `target/browser-screenshots/`.

use std::time::Duration;

use absim::buyer::web::Buyer;
use fantoccini::Locator;
use serde_json::Value;

use crate::browser::Browser;
use crate::helpers::*;

/// What the page must show: controls inside the viewport, and buttons a
/// tap reaches.
struct Page {
    name: String,
    url: String,
    controls: &'static [&'static str],
    buttons: &'static [&'static str],
}

const MEASURE: &str = r#"
const [controls, buttons] = arguments;
const vw = document.documentElement.clientWidth;
const out = { width: document.documentElement.scrollWidth, vw, problems: [] };
for (const s of controls) {
  const e = document.querySelector(s);
  if (!e) { out.problems.push(`no ${s}`); continue; }
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.left < -1 || r.right > vw + 1) {
    out.problems.push(`${s} is outside the viewport: ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
  }
}
for (const s of buttons) {
  const e = document.querySelector(s);
  if (!e) { out.problems.push(`no ${s}`); continue; }
  e.scrollIntoView({ block: 'center', inline: 'center' });
  const r = e.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (!(hit === e || e.contains(hit))) {
    out.problems.push(`${s} is covered by ${hit ? hit.outerHTML.slice(0, 90) : 'nothing'}`);
  }
  if (r.left < -1 || r.right > vw + 1) {
    out.problems.push(`${s} is outside the viewport`);
  }
}
if (out.width > vw) {
  // Name the outermost elements that stick out, to say what to fix.
  const inScroller = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.right > vw + 1 && !inScroller(e) && !(e.parentElement && e.parentElement.getBoundingClientRect().right > vw + 1);
  });
  for (const e of wide.slice(0, 3)) {
    out.problems.push(`sticks out: ${e.outerHTML.slice(0, 120)}`);
  }
}
// A button whose words break a character per line (German and French
// labels are long): three lines or more, and about as many lines as
// characters.
for (const b of document.querySelectorAll('button, input[type=submit], a.button')) {
  const text = (b.innerText || b.value || '').trim();
  if (text.length < 3) continue;
  const cs = getComputedStyle(b);
  const lh = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.2;
  const inner = b.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
  const lines = Math.round(inner / lh);
  if (lines >= 3 && lines * 2 >= text.length) {
    out.problems.push(`the button "${text}" breaks a character per line`);
  }
}
return out;
"#;

async fn measure(browser: &Browser, page: &Page, viewport: (u32, u32), lang: &str) -> Vec<String> {
    let sep = if page.url.contains('?') { '&' } else { '?' };
    browser
        .goto(&format!("{}{sep}lang={lang}", page.url))
        .await
        .unwrap();
    let controls: Vec<Value> = page.controls.iter().map(|c| Value::from(*c)).collect();
    let buttons: Vec<Value> = page.buttons.iter().map(|c| Value::from(*c)).collect();
    let out = browser
        .execute(MEASURE, vec![Value::Array(controls), Value::Array(buttons)])
        .await
        .unwrap();
    let mut problems: Vec<String> = out["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let (width, vw) = (out["width"].as_u64().unwrap(), out["vw"].as_u64().unwrap());
    if width > vw {
        problems.push(format!("the page is {width} px wide in a {vw} px viewport"));
    }
    // Accessibility does not depend on the width but for the phone's tap
    // targets: checked once, on the phone.
    if viewport == VIEWPORTS[0] {
        problems.extend(crate::axe::violations(browser).await);
    }
    browser
        .shot(&format!(
            "phone-{}x{}-{lang}-{}",
            viewport.0, viewport.1, page.name
        ))
        .await;
    problems
        .into_iter()
        .map(|p| format!("{} ({}×{}, {lang}): {p}", page.name, viewport.0, viewport.1))
        .collect()
}

/// A phone and a desktop, as wide and tall as they show a page.
const VIEWPORTS: [(u32, u32); 2] = [(390, 844), (1280, 800)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_a_desktop_in_every_language() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let mut app = spawn_app().await;
    let (_buyer, buyer_base, no) = an_order_through_the_buyer(&mut app).await;
    let sid = a_cart_of_two_lines(&mut app).await;
    // A punchout with the wrong password: the log shows it.
    let wrong = setup_request(IDENTITY, "wrong-password-1", &app.receiver.url("/hook"));
    assert_eq!(app.post_punchout_setup(&wrong).await.status, 401);
    let pages = pages_to_measure(&app, &sid, no, &buyer_base);
    let mut problems = Vec::new();
    for viewport in VIEWPORTS {
        browser
            .set_window_size(viewport.0, viewport.1)
            .await
            .unwrap();
        for lang in ["ja", "en", "de", "fr", "it", "es"] {
            for page in &pages {
                problems.extend(measure(&browser, page, viewport, lang).await);
            }
            // The cart-return page, held while the hook takes its time.
            problems.extend(cart_return(&browser, &mut app, viewport, lang).await);
        }
    }
    browser.quit().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The buyer, with a cart returned to it and ordered, the order delivered:
/// the buyer, its pages' base and the order's log entry.
pub(crate) async fn an_order_through_the_buyer(app: &mut TestApp) -> (Buyer, String, u64) {
    let (buyer, buyer_base) = crate::buyer::start_buyer(app).await;
    crate::buyer::shop_and_return(app, &buyer, &[("B087JWRCP5", 1), ("B001TK8QMA", 3)]).await;
    buyer.pay(1).await.unwrap();
    app.settle().await;
    let no = app.last_entry().await;
    (buyer, buyer_base, no)
}

/// A storefront session with two lines in its cart.
async fn a_cart_of_two_lines(app: &mut TestApp) -> String {
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, "B087JWRCP5", 1).await;
    app.add_to_cart(&sid, "B001TK8QMA", 2).await;
    sid
}

/// Every page a person sees, storefront (session `sid`), test UI (log
/// entry `no`) and buyer, with the controls and buttons each must show.
fn pages_to_measure(app: &TestApp, sid: &str, no: u64, buyer_base: &str) -> Vec<Page> {
    let mut pages = storefront_pages(app, sid);
    pages.extend(test_ui_pages(app, no));
    pages.extend(buyer_pages(buyer_base));
    pages
}

/// The storefront's pages of session `sid`.
fn storefront_pages(app: &TestApp, sid: &str) -> Vec<Page> {
    let s = |path: &str| format!("{}/s/{sid}{path}", app.base);
    let search_controls: &[&str] = &[
        "form.search input[name=q]",
        "form.search button",
        ".cart-link",
    ];
    vec![
        Page {
            name: "store".into(),
            url: s(""),
            controls: search_controls,
            buttons: &["button.add", ".cart-link", "form.search button"],
        },
        Page {
            name: "search".into(),
            url: s("/search?q=%E3%83%87%E3%82%B9%E3%82%AF"),
            controls: search_controls,
            buttons: &["button.add"],
        },
        Page {
            name: "product".into(),
            url: s("/dp/B087JWRCP5"),
            controls: &[
                "form.search input[name=q]",
                "form.search button",
                ".cart-link",
                ".back",
            ],
            buttons: &["button.add"],
        },
        Page {
            name: "cart".into(),
            url: s("/cart"),
            controls: &[
                ".cart-link",
                "#cart tbody tr:first-child .line-total",
                "#subtotal",
            ],
            buttons: &["#proceed"],
        },
        Page {
            name: "checkout".into(),
            url: s("/checkout"),
            controls: &["table.totals tr.grand"],
            buttons: &["#request-approval"],
        },
    ]
}

/// The test UI's pages, the log entry `no` among them.
fn test_ui_pages(app: &TestApp, no: u64) -> Vec<Page> {
    vec![
        Page {
            name: "log".into(),
            url: format!("{}/groups/1/log", app.base),
            controls: &["h1", "#refused .answer", "#log-rows"],
            buttons: &["form.filters button"],
        },
        Page {
            name: "entry".into(),
            url: format!("{}/groups/1/log/{no}", app.base),
            // The lines' totals on the screen, not cut off in a scroller.
            controls: &[
                "h1",
                "#verdict",
                "#mark-form",
                "#po tbody tr:first-child td:last-child",
                "#po [data-field=po-total]",
                "#confirmation table.lines.stack tbody tr:first-child td:nth-child(5)",
            ],
            buttons: &["#result button"],
        },
        Page {
            name: "settings".into(),
            url: format!("{}/groups/1/settings", app.base),
            controls: &["h1", "#status", "#po-url"],
            buttons: &["#start-testing"],
        },
        Page {
            name: "tests".into(),
            url: format!("{}/groups/1/tests", app.base),
            controls: &["h1"],
            buttons: &[],
        },
        Page {
            name: "groups".into(),
            url: format!("{}/groups", app.base),
            controls: &["h1"],
            buttons: &[],
        },
        Page {
            name: "tolerances".into(),
            url: format!("{}/groups/1/tolerances", app.base),
            controls: &["h1"],
            buttons: &[],
        },
        Page {
            name: "mode".into(),
            url: format!("{}/groups/1/mode", app.base),
            controls: &["h1"],
            buttons: &[],
        },
        Page {
            name: "order-search".into(),
            url: format!("{}/groups/1/orders", app.base),
            controls: &["h1"],
            buttons: &[],
        },
        Page {
            name: "mail".into(),
            url: format!("{}/groups/1/mail", app.base),
            controls: &["h1"],
            buttons: &[],
        },
        Page {
            name: "not-found".into(),
            url: format!("{}/groups/1/log/999999", app.base),
            controls: &["h1"],
            buttons: &[],
        },
    ]
}

/// The reference buyer's pages.
fn buyer_pages(buyer_base: &str) -> Vec<Page> {
    vec![
        Page {
            name: "buyer".into(),
            url: format!("{buyer_base}/"),
            controls: &["#email", "#cart-1"],
            buttons: &["#go-shopping"],
        },
        Page {
            name: "buyer-order".into(),
            url: format!("{buyer_base}/orders/1"),
            controls: &["h1", "#order-total"],
            buttons: &[],
        },
        Page {
            name: "buyer-admin".into(),
            url: format!("{buyer_base}/admin"),
            controls: &["h1"],
            buttons: &[],
        },
    ]
}

/// The page 承認を依頼する leads to. Its script posts the cart at once, so
/// its HTML is fetched by the checkout page and shown in its place (the
/// script not run) to be measured.
async fn cart_return(
    browser: &Browser,
    app: &mut TestApp,
    viewport: (u32, u32),
    lang: &str,
) -> Vec<String> {
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, "B087JWRCP5", 1).await;
    browser
        .goto(&format!("{}/s/{sid}/checkout?lang={lang}", app.base))
        .await
        .unwrap();
    browser
        .execute(
            r#"return (async () => {
                 const r = await fetch(location.pathname.replace(/checkout$/, 'submit'), {
                   method: 'POST',
                   headers: { 'content-type': 'application/x-www-form-urlencoded' },
                   body: '',
                 });
                 const html = await r.text();
                 const doc = new DOMParser().parseFromString(html, 'text/html');
                 document.body.replaceWith(doc.body);
                 return r.status;
               })()"#,
            vec![],
        )
        .await
        .unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#cart-return button"))
        .await
        .unwrap_or_else(|e| panic!("the cart-return page did not replace the checkout: {e}"));
    let out = browser
        .execute(
            MEASURE,
            vec![
                Value::Array(vec![Value::from("#cart-return button")]),
                Value::Array(vec![Value::from("#cart-return button")]),
            ],
        )
        .await
        .unwrap();
    browser
        .shot(&format!(
            "phone-{}x{}-{lang}-cart-return",
            viewport.0, viewport.1
        ))
        .await;
    let mut problems = Vec::new();
    if out["width"].as_u64() > out["vw"].as_u64() {
        problems.push(format!("the page is {} px wide", out["width"]));
    }
    for p in out["problems"].as_array().unwrap() {
        problems.push(p.as_str().unwrap().to_owned());
    }
    app.receiver.drain();
    problems
        .into_iter()
        .map(|p| format!("cart-return ({}×{}, {lang}): {p}", viewport.0, viewport.1))
        .collect()
}

/// A store's pages with a two-line cart and an order: (its code, the
/// ship-to of its order, the currency's mark the checkout must show).
const STORES: [(&str, crate::marketplaces::Place, &str); 3] = [
    ("DE", ("DE", None, "10115", "Berlin"), "€"),
    ("US", ("US", Some("WA"), "98109", "Seattle"), "$"),
    ("IN", ("IN", Some("MH"), "400001", "Mumbai"), "₹"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_a_us_and_an_indian_group_fit_a_phone_and_a_desktop() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let mut problems = Vec::new();
    for (code, place, mark) in STORES {
        let mut app = spawn_app_with(|s| s.marketplace = Some(code.into())).await;
        let (no, _) = crate::marketplaces::order_to(&mut app, place).await;
        let sid = a_cart_of_two_lines(&mut app).await;
        let total = text_of(
            &app.get_page(&format!("/s/{sid}/checkout")).await.html(),
            "#totals [data-field=total]",
        );
        assert!(
            total.contains(mark),
            "{code}: the checkout's total is {total}"
        );
        let pages = store_pages(&app, code, &sid, no);
        for viewport in VIEWPORTS {
            browser
                .set_window_size(viewport.0, viewport.1)
                .await
                .unwrap();
            for page in &pages {
                problems.extend(measure(&browser, page, viewport, "en").await);
            }
        }
    }
    browser.quit().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The pages whose text the store changes: titles, amounts, taxes.
fn store_pages(app: &TestApp, code: &str, sid: &str, no: u64) -> Vec<Page> {
    let s = |path: &str| format!("{}/s/{sid}{path}", app.base);
    let search: &[&str] = &[
        "form.search input[name=q]",
        "form.search button",
        ".cart-link",
    ];
    let page = |name: &str, url: String, controls, buttons| Page {
        name: format!("{}-{name}", code.to_lowercase()),
        url,
        controls,
        buttons,
    };
    vec![
        page("store", s(""), search, &["button.add", ".cart-link"]),
        page("search", s("/search?q=desk"), search, &["button.add"]),
        page("product", s("/dp/B087JWRCP5"), search, &["button.add"]),
        page(
            "cart",
            s("/cart"),
            &["#cart tbody tr:first-child .line-total", "#subtotal"],
            &["#proceed"],
        ),
        page(
            "checkout",
            s("/checkout"),
            &["table.totals tr.grand"],
            &["#request-approval"],
        ),
        page(
            "entry",
            format!("{}/groups/1/log/{no}", app.base),
            &["h1", "#verdict", "#mark-form"],
            &["#result button"],
        ),
        page(
            "settings",
            format!("{}/groups/1/settings", app.base),
            &["h1", "#po-url"],
            &["#start-testing"],
        ),
    ]
}
