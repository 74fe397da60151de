//! Every link leads to a page: a crawl from the test UI, from a storefront
//! session and from the reference buyer, in each of the six languages,
//! that follows every link it finds and gets no 4xx or 5xx, and finds every
//! page in its language, with no message id and no amount left
//! unformatted; and the language link of a page shown after a form post
//! leads to a page too.

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

/// The text a person reads on a page: not scripts, and not the cXML or
/// JSON a page quotes as it is (`pre`, `code`, `textarea`).
fn visible_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let quoted = ["pre", "code", "textarea", "script", "style", "title"];
    let mut out = String::new();
    for node in doc.tree.nodes() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        let inside_quote = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| quoted.contains(&e.name()))
        });
        if !inside_quote {
            out.push_str(text);
            out.push(' ');
        }
    }
    out
}

/// What is wrong with a page in `lang`: another language, a message id
/// shown instead of its text (`ids`), an amount as a program writes it
/// (16182.00) instead of as the language does (￥16,182).
fn language_problems(url: &str, html: &str, lang: &str, ids: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let doc = scraper::Html::parse_document(html);
    let root = scraper::Selector::parse("html").unwrap();
    let page_lang = doc
        .select(&root)
        .next()
        .and_then(|e| e.value().attr("lang"))
        .unwrap_or_default();
    if page_lang != lang {
        problems.push(format!(
            "{url}: <html lang={page_lang:?}> on a {lang} crawl"
        ));
    }
    let text = visible_text(html);
    let words: BTreeSet<&str> = text
        .split(|c: char| c.is_whitespace() || "()[]{}「」,.:;'\"".contains(c))
        .collect();
    for id in ids.iter().filter(|id| words.contains(id.as_str())) {
        problems.push(format!("{url}: shows the message id {id}"));
    }
    // The domain's notes (checks, decisions, a refusal) in the page's
    // language: no Japanese on another language's page.
    if lang != "ja" {
        let notes = scraper::Selector::parse("ul.checks li, ul.decisions li, #refusal p").unwrap();
        for note in doc.select(&notes) {
            let text: String = note.text().collect();
            if text.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)) {
                problems.push(format!("{url}: a note in Japanese: {text}"));
            }
        }
    }
    let raw_amount = regex::Regex::new(r"\b\d{4,}\.\d{2}\b").unwrap();
    if let Some(m) = raw_amount.find(&text) {
        problems.push(format!(
            "{url}: shows the amount {} unformatted",
            m.as_str()
        ));
    }
    problems
}

/// Every message id the pages and the notes have that a page could show
/// by mistake and no sentence says: those of three words or more
/// (`add-to-cart`, `check-po-total-equal`; English writes "tax-exempt").
fn message_ids() -> Vec<String> {
    absim::i18n::IDS
        .iter()
        .map(|id| id.replace('_', "-"))
        .chain(absim::i18n::note_ids().unwrap())
        .filter(|id| id.matches('-').count() >= 2)
        .collect()
}

/// Crawls from `seeds`, returning every page that answered 4xx or 5xx
/// with where its link was found, and what is wrong with the language of
/// the pages it reached (see [`language_problems`]).
async fn crawl(
    http: &reqwest::Client,
    seeds: &[String],
    origins: &[String],
    lang: &str,
) -> (usize, Vec<String>) {
    let ids = message_ids();
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
        // Downloads have no links, and documents and JSON are not pages.
        if url.contains("download=") || url.contains("openapi.json") || url.contains("/api/") {
            continue;
        }
        if html.trim_start().starts_with("<!DOCTYPE html") {
            broken.extend(language_problems(&url, &html, lang, &ids));
        }
        // The language links lead to the other crawls' pages.
        let other_language = |link: &str| {
            url::Url::parse(link)
                .unwrap()
                .query_pairs()
                .any(|(k, v)| k == "lang" && v != lang)
        };
        for link in links(&url, &html, origins) {
            if !other_language(&link) && seen.insert(link.clone()) {
                queue.push_back((link, url.clone()));
            }
        }
    }
    (visited, broken)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_in_every_language_leads_to_a_page_in_that_language() {
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
    for lang in ["ja", "en", "de", "fr", "it", "es"] {
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
        let (n, b) = crawl(&http, &seeds, &origins, lang).await;
        total += n;
        broken.extend(b);
    }
    assert!(total > 180, "only {total} pages were reached");
    assert!(broken.is_empty(), "broken:\n{}", broken.join("\n"));
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
