//! Every link leads to a page: a crawl from the test UI, from a storefront
//! session and from the reference buyer, in Japanese and in English, that
//! follows every link it finds and gets no 4xx or 5xx; and the language
//! link of a page shown after a form post leads to a page too.

use std::collections::{BTreeSet, VecDeque};

use crate::helpers::*;

/// Links of a page, resolved against its URL, on `origins` only.
fn links(page_url: &str, html: &str, origins: &[String]) -> Vec<String> {
    let base = url::Url::parse(page_url).unwrap();
    let doc = scraper::Html::parse_document(html);
    let a = scraper::Selector::parse("a[href]").unwrap();
    doc.select(&a)
        .filter_map(|e| base.join(e.value().attr("href")?).ok())
        .filter(|u| origins.iter().any(|o| u.as_str().starts_with(o.as_str())))
        .map(|mut u| {
            u.set_fragment(None);
            u.to_string()
        })
        .collect()
}

/// Crawls from `seeds`, returning every page that answered 4xx or 5xx
/// with where its link was found.
async fn crawl(
    http: &reqwest::Client,
    seeds: &[String],
    origins: &[String],
) -> (usize, Vec<String>) {
    let mut seen: BTreeSet<String> = seeds.iter().cloned().collect();
    let mut queue: VecDeque<(String, String)> = seeds
        .iter()
        .map(|s| (s.clone(), "(seed)".to_owned()))
        .collect();
    let mut broken = Vec::new();
    let mut visited = 0;
    while let Some((url, from)) = queue.pop_front() {
        visited += 1;
        assert!(visited < 2_000, "the crawl does not end");
        let r = http.get(&url).send().await.unwrap();
        let status = r.status().as_u16();
        let html = r.text().await.unwrap_or_default();
        if status >= 400 {
            broken.push(format!("{status} {url} (linked from {from})"));
            continue;
        }
        // Downloads have no links.
        if url.contains("download=") || url.contains("openapi.json") {
            continue;
        }
        for link in links(&url, &html, origins) {
            if seen.insert(link.clone()) {
                queue.push_back((link, url.clone()));
            }
        }
    }
    (visited, broken)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_in_both_languages_leads_to_a_page() {
    let mut app = spawn_app().await;
    // Something in every page: an order through the basic flow, a refused
    // PO, an open storefront session with a cart.
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, "B087JWRCP5", 1).await;
    let cart = app.return_cart(&sid, false).await;
    assert_eq!(app.send_po(&app.po_for(&cart, "CRAWL-1")).await.status, 200);
    app.settle().await;
    let refused = order_request("crawl-2@b", "CRAWL-2", "update", true, &[DESK_LINE]);
    assert_eq!(app.post_order(&refused).await.status, 400);
    let open = app.open_store("create", &[], None).await;
    app.add_to_cart(&open, "B001TK8QMA", 2).await;

    // The reference buyer with a cart and an order.
    let (buyer, buyer_base) = crate::buyer::start_buyer(&app).await;
    crate::buyer::shop_and_return(&app, &buyer, &[("B087JWRCP5", 1)]).await;
    buyer.pay(1).await.unwrap();

    let origins = [app.base.clone(), buyer_base.clone()];
    let mut total = 0;
    let mut broken = Vec::new();
    for lang in ["ja", "en"] {
        // A browser of that language.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("accept-language", lang.parse().unwrap());
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .unwrap();
        let seeds = [
            format!("{}/?lang={lang}", app.base),
            format!("{}/s/{open}?lang={lang}", app.base),
            format!("{buyer_base}/?lang={lang}"),
            format!("{buyer_base}/admin?lang={lang}"),
        ];
        let (n, b) = crawl(&http, &seeds, &origins).await;
        total += n;
        broken.extend(b);
    }
    assert!(total > 60, "only {total} pages were reached");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    app.collect_posts();
}

#[tokio::test]
async fn the_language_link_after_a_form_post_leads_to_a_page() {
    let mut app = spawn_app().await;
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, "B087JWRCP5", 1).await;
    let cart = app.return_cart(&sid, false).await;
    assert_eq!(app.send_po(&app.po_for(&cart, "LANG-1")).await.status, 200);
    let no = app.last_entry().await;
    // Pages shown in answer to a POST: the mark form with nothing chosen,
    // the cart-return page, a cart change.
    for (path, form) in [
        (format!("/groups/1/log/{no}/mark"), vec![]),
        (format!("/s/{sid}/submit"), vec![]),
        (
            format!("/s/{sid}/cart/add"),
            vec![("asin", "B001TK8QMA"), ("quantity", "1")],
        ),
    ] {
        let page = app.post_form(&path, &form).await.html();
        let links = texts_of(&page, "nav.langs a");
        assert_eq!(
            links,
            [
                "日本語",
                "English",
                "Deutsch",
                "Français",
                "Italiano",
                "Español"
            ]
        );
        for code in ["en", "de"] {
            let link = attr_of(&page, &format!("nav.langs a[lang={code}]"), "href");
            let target = url::Url::parse(&app.base).unwrap().join(&link).unwrap();
            let r = app.get_page(target.as_str()).await;
            assert_eq!(
                r.status, 200,
                "{path}: the language link {target} answered {}",
                r.status
            );
            assert_eq!(attr_of(&r.html(), "html", "lang"), code);
        }
    }
    app.collect_posts();
}
