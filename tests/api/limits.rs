//! Limits: lines per PO, body size on pages, the session bound and
//! lifetime, and the security headers pages carry.

use std::time::Duration;

use crate::helpers::*;

#[tokio::test]
async fn a_po_with_more_than_1000_lines_gets_413_naming_the_cap() {
    let app = spawn_app().await;
    let lines = vec![DESK_LINE; 1001];
    let r = app
        .post_order(&order_request("many@b", "PO-MANY", "new", true, &lines))
        .await;
    assert_eq!(r.status, 413);
    let (code, _, message) = r.cxml_status();
    assert_eq!(code, 413);
    assert!(message.contains("1001 ItemOut lines"), "{message}");
    assert!(message.contains("at most 1000"), "{message}");
}

#[tokio::test]
async fn a_page_form_over_the_body_limit_gets_413() {
    let mut app = spawn_app_with(|s| s.max_body_bytes = 64 * 1024).await;
    let sid = session_id(&app.punch_out().await);
    let big = "x".repeat(100 * 1024);
    let r = app
        .post_form(&format!("/s/{sid}/cart/add"), &[("asin", &big)])
        .await;
    assert_eq!(r.status, 413);
    // And the cXML endpoints answer it in cXML.
    let r = app.post_punchout_setup(&big).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.cxml_status().0, 413);
}

#[tokio::test]
async fn an_idle_session_expires_and_its_start_page_says_so() {
    let mut app = spawn_app_with(|s| s.session_lifetime = Duration::from_secs(3600)).await;
    let start = app.punch_out().await;
    let path = start.strip_prefix(&app.base).unwrap().to_owned();
    assert_eq!(app.get_page(&path).await.status, 200);
    advance_clock(Duration::from_secs(3601)).await;
    let r = app.get_page_lang(&path, "ja").await;
    assert_eq!(r.status, 410);
    let message = text_of(&r.html(), ".message");
    assert!(message.contains("期限切れ"), "{message}");
    let r = app.get_page_lang(&path, "en").await;
    assert!(text_of(&r.html(), ".message").contains("expired"));
    // The page says once what to do next.
    let page = text_of(&r.html(), "main");
    assert_eq!(page.matches("unch out again").count(), 1, "{page}");

    // A session the store has forgotten since it expired is told expired
    // too (its id says when it was made); an id of no session, unknown.
    let forgotten = absim::domain::ids::session_id(1_700_000_000_000);
    let r = app.get_page_lang(&format!("/s/{forgotten}"), "en").await;
    assert_eq!(r.status, 410);
    let r = app.get_page_lang("/s/not-a-session", "en").await;
    assert_eq!(r.status, 404);
    assert!(text_of(&r.html(), ".message").contains("copied whole"));
}

#[tokio::test]
async fn beyond_the_session_bound_the_oldest_idle_session_goes() {
    let mut app = spawn_app_with(|s| s.max_sessions = 2).await;
    async fn minutes_pass() {
        advance_clock(Duration::from_secs(61)).await;
    }
    let first = app.punch_out().await;
    minutes_pass().await;
    let second = app.punch_out().await;
    minutes_pass().await;
    // Browsing the first makes the second the oldest idle one.
    let base = app.base.clone();
    let path = |u: &str| u.strip_prefix(&base).unwrap().to_owned();
    assert_eq!(app.get_page(&path(&first)).await.status, 200);
    minutes_pass().await;
    let third = app.punch_out().await;
    assert_eq!(app.get_page(&path(&first)).await.status, 200);
    assert_eq!(app.get_page(&path(&third)).await.status, 200);
    assert_eq!(app.get_page(&path(&second)).await.status, 404);
}

/// Past a bound of 1,000 the idle-longest thousandth goes with the one in
/// excess: one punchout too many evicts the two oldest sessions.
#[tokio::test]
async fn past_a_large_bound_sessions_are_evicted_in_batches() {
    let mut app = spawn_app_with(|s| s.max_sessions = 1000).await;
    let mut starts = Vec::new();
    for _ in 0..1001 {
        starts.push(app.punch_out().await);
    }
    let base = app.base.clone();
    let status = |u: &str| {
        let path = u.strip_prefix(&base).unwrap().to_owned();
        let app = &app;
        async move { app.get_page(&path).await.status }
    };
    assert_eq!(status(&starts[0]).await, 404);
    assert_eq!(status(&starts[1]).await, 404);
    assert_eq!(status(&starts[2]).await, 200);
    assert_eq!(status(&starts[1000]).await, 200);
}

#[tokio::test]
async fn pages_carry_security_headers_and_only_the_test_ui_refuses_framing() {
    let mut app = spawn_app().await;
    let start = app.punch_out().await;
    let admin = app.http.get(app.url("/groups/1/log")).send().await.unwrap();
    let store = app.http.get(&start).send().await.unwrap();
    for r in [&admin, &store] {
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(h.get("x-frame-options").is_none());
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
    }
    let csp = |r: &reqwest::Response| {
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert!(csp(&admin).contains("frame-ancestors 'self'"));
    assert!(!csp(&store).contains("frame-ancestors"));
}

/// A client that writes its whole body before reading (as Java's, .NET's
/// and Python's common clients do) gets absim's 413 for an oversized
/// document, not a reset connection: absim reads and discards the rest
/// before it answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_writing_its_whole_oversized_body_first_reads_the_cxml_413() {
    use std::io::{Read, Write};
    let app = spawn_app_with(|s| s.max_body_bytes = 64 * 1024).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let po_path = format!("/po/{}", app.group().await.po_token);
    for size in [100_000usize, 1_000_000, 8_000_000] {
        for path in [po_path.clone(), "/eprocurement/punchout".to_owned()] {
            let addr = addr.clone();
            let answer = tokio::task::spawn_blocking(move || {
                let mut s = std::net::TcpStream::connect(&addr).unwrap();
                write!(
                    s,
                    "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nContent-Length: {size}\r\n\r\n"
                )
                .unwrap();
                let chunk = vec![b'<'; 64 * 1024];
                let mut left = size;
                while left > 0 {
                    let n = left.min(chunk.len());
                    s.write_all(&chunk[..n])
                        .unwrap_or_else(|e| panic!("{size} bytes to {path}: the write failed: {e}"));
                    left -= n;
                }
                let mut answer = String::new();
                s.read_to_string(&mut answer)
                    .unwrap_or_else(|e| panic!("{size} bytes to {path}: the read failed: {e}"));
                answer
            })
            .await
            .unwrap();
            assert!(answer.starts_with("HTTP/1.1 413"), "{size}: {answer}");
            assert!(
                answer.contains("larger than 65536 bytes"),
                "{size}: {answer}"
            );
        }
    }
    // The journal names what was discarded.
    let journal = app.journal("?status=413").await;
    assert!(
        journal.as_array().unwrap().iter().any(|e| e["note"]
            .as_str()
            .unwrap()
            .contains("8000000 received, discarded")),
        "{journal}"
    );
}

/// A PO written in pieces (four chunks, which absim reads as four frames or
/// more: hyper hands on each chunk as a frame of its own, never two in one,
/// however fast they arrive) is read whole: accepted, and journaled byte
/// for byte. (A body of one frame is kept as it came; more are joined.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_po_sent_in_pieces_is_read_and_kept_whole() {
    use std::io::{Read, Write};
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let path = format!("/po/{}", app.group().await.po_token);
    let po = desk_po(&format!("PIECES-{}", unique()));
    let body = po.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.set_nodelay(true).unwrap();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let bytes = body.as_bytes();
        for piece in bytes.chunks(bytes.len().div_ceil(4)) {
            write!(s, "{:x}\r\n", piece.len()).unwrap();
            s.write_all(piece).unwrap();
            s.write_all(b"\r\n").unwrap();
            s.flush().unwrap();
        }
        s.write_all(b"0\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#"code="200""#), "{answer}");
    let journal = app.journal("?status=200").await;
    let entry = journal
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target"].as_str().unwrap().starts_with("/po/"))
        .unwrap_or_else(|| panic!("no PO in {journal}"));
    assert_eq!(entry["request"].as_str().unwrap(), po);
}
