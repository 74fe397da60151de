//! Injection: a punchout and a PO whose every text field carries markup, then
//! a crawl of every page absim shows, parsed, asserting that no script element
//! or event-handler attribute came from the documents.

use std::collections::{BTreeSet, VecDeque};

use scraper::{Html, Selector};

use crate::helpers::*;

const EVIL: &str =
    r#"<script>alert(1)</script>"><img src=x onerror=alert(2)>'><svg onload=alert(3)>"#;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Every script element is one of absim's own files, empty, no attribute is
/// an event handler, and no image or svg came from the payload.
fn assert_inert(url: &str, html: &Html) {
    for el in html.select(&Selector::parse("*").unwrap()) {
        let v = el.value();
        if v.name() == "script" {
            assert!(
                matches!(
                    v.attr("src"),
                    Some(
                        "/assets/autopost.js"
                            | "/assets/back.js"
                            | "/assets/refresh.js"
                            | "/assets/copy.js"
                    )
                ),
                "{url}: a script element that is not absim's: {}",
                el.html()
            );
            assert!(
                el.text().all(|t| t.trim().is_empty()),
                "{url}: inline script"
            );
        }
        for (name, _) in v.attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{url}: handler attribute {name} on <{}>",
                v.name()
            );
        }
        assert!(
            !(v.name() == "img" && v.attr("src") == Some("x")) && v.name() != "svg",
            "{url}: injected element <{}>",
            v.name()
        );
        if let Some(href) = v.attr("href") {
            assert!(
                !href
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:"),
                "{url}: javascript link"
            );
        }
    }
}

/// Fetches every page reachable by GET links from `start`, checks each, and
/// returns how many it saw and whether the payload text showed up somewhere.
async fn crawl(app: &TestApp, start: &[String]) -> (usize, bool) {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = start.iter().cloned().collect();
    let mut payload_shown = false;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 300 {
            continue;
        }
        let r = app.get_page(&path).await;
        if !r.content_type.starts_with("text/html") {
            continue;
        }
        let html = r.html();
        assert_inert(&path, &html);
        payload_shown |= html.root_element().text().any(|t| t.contains("alert(2)"));
        for a in html.select(&Selector::parse("a[href]").unwrap()) {
            let href = a.value().attr("href").unwrap();
            let href = href.strip_prefix(&app.base).unwrap_or(href);
            let href = href.split('#').next().unwrap();
            // Language twins, downloads and the other products add nothing.
            let twin = href.contains("lang=") || href.contains("download=");
            let product = href.contains("/dp/") && !href.ends_with("B087JWRCP5");
            if (href.starts_with("/groups") || href.starts_with("/s/")) && !twin && !product {
                queue.push_back(href.to_owned());
            }
        }
    }
    (seen.len(), payload_shown)
}

#[tokio::test]
async fn markup_in_every_field_is_shown_as_text_on_every_page() {
    let mut app = spawn_app().await;
    let e = xml_escape(EVIL);
    let hook = app.receiver.url("/hook");
    let setup = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="{e}@evil" timestamp="2026-11-29T10:00:00+09:00">
  <Header>
    <From><Credential domain="NetworkId"><Identity>{IDENTITY}</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
    <Sender><Credential domain="NetworkId"><Identity>{IDENTITY}</Identity><SharedSecret>{SECRET}</SharedSecret></Credential><UserAgent>{e}</UserAgent></Sender>
  </Header>
  <Request deploymentMode="test">
    <PunchOutSetupRequest operation="create">
      <BuyerCookie>{e}</BuyerCookie>
      <Extrinsic name="UserEmail">tanaka@example.co.jp</Extrinsic>
      <Extrinsic name="UserFullName">{e}</Extrinsic>
      <Extrinsic name="{e}">{e}</Extrinsic>
      <BrowserFormPost><URL>{hook}</URL></BrowserFormPost>
      <Contact role="endUser"><Name xml:lang="ja">{e}</Name><Email>tanaka@example.co.jp</Email></Contact>
    </PunchOutSetupRequest>
  </Request>
</cXML>"#
    );
    let r = app.post_punchout_setup(&setup).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sid = session_id(&start_page(&r.body));
    app.add_to_cart(&sid, "B087JWRCP5", 1).await;
    let search = format!(
        "/s/{sid}/search?q={}",
        url::form_urlencoded::byte_serialize(EVIL.as_bytes()).collect::<String>()
    );
    let submit = app.post_form(&format!("/s/{sid}/submit"), &[]).await;
    assert_inert("submit", &submit.html());

    let po = order_request(
        &format!("{e}@evil-po"),
        &format!("PO-{}", xml_escape("\"><img src=x onerror=alert(2)>")),
        "new",
        true,
        &[DESK_LINE],
    )
    .replace("本社", &e)
    .replace("田中 太郎", &e)
    .replace("経理部", &e)
    .replace("品目 1", &e)
    .replace("目黒区下目黒1-8-1", &e)
    .replace(
        "</OrderRequestHeader>",
        &format!(
            "<Comments>{e}</Comments><Extrinsic name=\"{e}\">{e}</Extrinsic></OrderRequestHeader>"
        ),
    );
    let r = app.post_order(&po).await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.settle().await;

    let (pages, shown) = crawl(
        &app,
        &[
            format!("/s/{sid}"),
            search,
            format!("/s/{sid}/cart"),
            "/groups/1/log".into(),
            "/groups/1/orders".into(),
            "/groups/1/mail".into(),
        ],
    )
    .await;
    assert!(pages > 10, "the crawl saw only {pages} pages");
    assert!(shown, "the payload should be shown, as text");
    app.collect_posts();
}
