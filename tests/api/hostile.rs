//! The hostile-input corpus (`tests/hostile/`): each case is posted to the
//! cXML endpoints and must get its specific cXML Status, a journal entry, and
//! leave absim serving the next buyer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::helpers::*;

fn corpus(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/hostile/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn post_bytes(app: &TestApp, path: &str, body: Vec<u8>) -> Reply {
    let r = app
        .http
        .post(app.url(path))
        .header("content-type", "text/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    reply(r).await
}

/// A listener that only counts the connections it gets: absim must not
/// reach it.
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    (url, connections)
}

/// Posts `body` to the PO Request URL and to the Punchout URL and checks
/// that both answer HTTP `code` with a cXML Status `code` whose message
/// contains `needle`, that the journal recorded both, and that a normal
/// punchout still works afterwards.
async fn refused(name: &str, body: Vec<u8>, code: u16, needle: &str) -> TestApp {
    let mut app = spawn_app().await;
    let po_path = format!("/po/{}", app.group().await.po_token);
    for path in [po_path.as_str(), "/eprocurement/punchout"] {
        let r = post_bytes(&app, path, body.clone()).await;
        assert_eq!(r.status, code, "{name} at {path}: {}", r.body);
        let (status, _, message) = r.cxml_status();
        assert_eq!(status, code, "{name} at {path}: {message}");
        assert!(
            message.contains(needle),
            "{name} at {path}: {message:?} should mention {needle:?}"
        );
        let journal = app.journal(&format!("?status={code}")).await;
        assert!(
            journal
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["target"] == path && e["status"] == code),
            "{name}: no journal entry for {path}: {journal}"
        );
    }
    app.punch_out().await;
    app
}

#[tokio::test]
async fn billion_laughs_is_refused_without_expanding() {
    refused(
        "billion_laughs",
        corpus("billion_laughs.xml"),
        400,
        "never expands",
    )
    .await;
}

#[tokio::test]
async fn an_external_file_entity_is_refused_and_nothing_is_read() {
    let app = refused("xxe_file", corpus("xxe_file.xml"), 400, "XXE").await;
    let journal = app.journal("").await.to_string();
    assert!(!journal.contains("root:x:0"), "/etc/passwd leaked");
}

#[tokio::test]
async fn an_external_http_entity_is_refused_and_never_fetched() {
    let (url, connections) = counting_listener().await;
    let body = String::from_utf8(corpus("xxe_http.xml"))
        .unwrap()
        .replace("RECEIVER_URL", &url);
    refused("xxe_http", body.into_bytes(), 400, "never expands").await;
    tokio::task::yield_now().await;
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "absim fetched an entity"
    );
}

#[tokio::test]
async fn an_undeclared_entity_reference_is_refused() {
    refused(
        "undeclared_entity",
        corpus("undeclared_entity.xml"),
        400,
        "passwd",
    )
    .await;
}

#[tokio::test]
async fn invalid_utf8_is_refused_with_the_offset() {
    refused(
        "invalid_utf8",
        corpus("invalid_utf8.xml"),
        400,
        "invalid byte at offset",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_declared_encoding_is_refused_and_named() {
    refused(
        "unknown_encoding",
        corpus("unknown_encoding.xml"),
        400,
        "x-klingon",
    )
    .await;
}

#[tokio::test]
async fn deep_nesting_is_refused_at_the_depth_bound() {
    refused(
        "deep_nesting",
        corpus("deep_nesting.xml"),
        400,
        "nest deeper than",
    )
    .await;
}

#[tokio::test]
async fn a_body_that_is_not_xml_is_refused() {
    refused("not_xml", corpus("not_xml.txt"), 400, "not well-formed").await;
}

#[tokio::test]
async fn a_truncated_document_is_refused() {
    refused("truncated", corpus("truncated.xml"), 400, "not well-formed").await;
}

#[tokio::test]
async fn the_wrong_root_element_is_refused_with_406() {
    refused(
        "wrong_root",
        corpus("wrong_root.xml"),
        406,
        "<PurchaseOrder>",
    )
    .await;
}

#[tokio::test]
async fn an_empty_body_is_refused() {
    refused("empty", Vec::new(), 400, "empty").await;
}

#[tokio::test]
async fn a_100_mb_body_gets_413_and_is_not_read() {
    let body = vec![b'<'; 100 * 1024 * 1024];
    refused("100 MB", body, 413, "larger than 5242880 bytes").await;
}

#[tokio::test]
async fn a_valid_document_of_the_wrong_type_gets_406() {
    let app = spawn_app().await;
    let setup = setup_request(IDENTITY, SECRET, "http://127.0.0.1:9/hook");
    let r = app.post_order(&setup).await;
    assert_eq!(r.cxml_status().0, 406);
    let po = order_request("w@b", "PO-WRONG", "new", true, &[DESK_LINE]);
    let r = app.post_punchout_setup(&po).await;
    assert_eq!(r.status, 406);
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 406);
    assert!(
        message.contains("expected a PunchOutSetupRequest"),
        "{message}"
    );
    let journal = app.journal("?status=406").await;
    assert_eq!(journal.as_array().unwrap().len(), 2, "{journal}");
}

/// A BOM and a Shift_JIS body are deviations, not refusals: the order is
/// taken and the test log names what was unusual.
#[tokio::test]
async fn a_bom_and_a_shift_jis_body_are_accepted_and_reported() {
    let mut app = spawn_app().await;
    let line = [DESK_LINE];
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(order_request("bom@b", "PO-BOM", "new", true, &line).into_bytes());
    assert_eq!(post_bytes(&app, &app.po_url().await, bom).await.status, 200);
    let bom_entry = app.last_entry().await;

    let utf8 = order_request("sjis@b", "PO-SJIS", "new", true, &line)
        .replace("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&utf8);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&sjis).is_err(), "really Shift_JIS");
    let r = post_bytes(&app, &app.po_url().await, sjis.into_owned()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sjis_entry = app.last_entry().await;

    let page = app
        .get_page(&format!("/groups/1/log/{bom_entry}"))
        .await
        .body;
    assert!(
        page.contains("UTF-8 の BOM (バイト順マーク)"),
        "BOM not reported"
    );
    let page = app
        .get_page(&format!("/groups/1/log/{sjis_entry}"))
        .await
        .body;
    assert!(page.contains("Shift_JIS"), "encoding not reported");
    // Each page says it in its language, the encoding named in each.
    let said = |lang: &'static str| {
        let path = format!("/groups/1/log/{sjis_entry}?lang={lang}");
        let app = &app;
        async move {
            let page = app.get_page(&path).await.html();
            texts_of(&page, "#deviations li")
                .into_iter()
                .find(|t| t.starts_with("encoding-decoded"))
                .unwrap_or_else(|| panic!("{lang}: no encoding-decoded"))
        }
    };
    let (en, ja, de) = (said("en").await, said("ja").await, said("de").await);
    assert!(en.contains("Shift_JIS; absim decoded it"), "{en}");
    assert!(ja.contains("Shift_JIS で符号化されています"), "{ja}");
    assert!(
        de.contains("Shift_JIS") && !de.contains("absim decoded it"),
        "{de}"
    );
    app.settle().await;
    app.collect_posts();
}

/// SSRF: a buyer endpoint that redirects elsewhere is not followed; the
/// delivery is recorded with the redirect's status and nothing reaches the
/// other host.
#[tokio::test]
async fn a_redirecting_buyer_endpoint_is_not_followed() {
    let (elsewhere, connections) = counting_listener().await;
    let target = format!("{elsewhere}/internal");
    let redirector = axum::Router::new().fallback(move || {
        let target = target.clone();
        async move { axum::response::Redirect::temporary(&target) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect_url = format!("http://{}/confirm", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, redirector).await.unwrap() });

    let app = spawn_app_steppable(|s| s.order_confirmation_url = Some(redirect_url.clone())).await;
    let po = order_request("redirect@b", "PO-REDIRECT", "new", true, &[DESK_LINE]);
    assert_eq!(app.post_order(&po).await.status, 200);
    absim::outbound::deliver_next(&app.state).await.unwrap();
    let journal = app.journal("?direction=out").await;
    let first = &journal.as_array().unwrap()[0];
    assert_eq!(first["status"], 307, "{first}");
    assert!(first["target"].as_str().unwrap().ends_with("/confirm"));
    tokio::task::yield_now().await;
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

/// Slowloris: a client that never finishes its headers is disconnected
/// after the header read timeout, and absim keeps serving others.
#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"POST /eprocurement/punchout HTTP/1.1\r\nHost: absim\r\nX-Slow: 1")
        .await
        .unwrap();
    // A request on a second connection, answered: absim accepted the slow
    // connection first (one accept queue) and, on this one-thread runtime,
    // read its bytes and started its header timer before it could answer
    // this one.
    assert_eq!(app.get_page("/healthz").await.status, 200);
    advance_clock(absim::HEADER_READ_TIMEOUT + Duration::from_secs(1)).await;
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(
        matches!(read, Ok(Ok(_)) | Ok(Err(_))),
        "the slow connection is still open"
    );
    app.punch_out().await;
}
