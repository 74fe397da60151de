//! Durable state and reliable delivery: retries with backoff, permanent
//! failures, 再送, restarts, and injected faults as a buyer sees them.

use std::time::Duration;

use absim::domain::delivery::{DeliveryKind, DeliveryState, RetryPolicy};
use absim::domain::fault::{FaultKind, FaultPlan};
use absim::outbound::{Outcome, deliver_next};

use crate::helpers::*;

fn po(order_id: &str) -> String {
    order_request(
        &format!("{order_id}@buyer.example"),
        order_id,
        "new",
        true,
        &[DESK_LINE],
    )
}

fn schedule(attempts: u32, base_secs: u64) -> RetryPolicy {
    RetryPolicy {
        attempts,
        base: Duration::from_secs(base_secs),
        jitter_percent: 0,
    }
}

async fn step(app: &TestApp) -> Outcome {
    deliver_next(&app.state).await.unwrap()
}

fn state_of(o: &Outcome) -> DeliveryState {
    match o {
        Outcome::Attempted { state, .. } => *state,
        other => panic!("expected an attempt, got {other:?}"),
    }
}

#[tokio::test]
async fn an_endpoint_failing_twice_then_succeeding_gets_the_document_once_after_three_attempts() {
    let mut app = spawn_app_steppable(|s| {
        s.retry = schedule(6, 60);
        s.ship_notice_url = None;
    })
    .await;
    app.receiver.answer_in_turn(
        "/confirm",
        vec![Answer::html(500), Answer::html(503), Answer::cxml(200)],
    );
    assert_eq!(app.post_order(&po("RETRY-1")).await.status, 200);

    assert_eq!(state_of(&step(&app).await), DeliveryState::Pending);
    assert!(
        matches!(step(&app).await, Outcome::NotDue(_)),
        "the retry waits"
    );
    advance_clock(Duration::from_secs(59)).await;
    assert!(matches!(step(&app).await, Outcome::NotDue(_)));
    advance_clock(Duration::from_secs(1)).await;
    assert_eq!(state_of(&step(&app).await), DeliveryState::Pending);
    advance_clock(Duration::from_secs(119)).await;
    assert!(
        matches!(step(&app).await, Outcome::NotDue(_)),
        "the wait doubles"
    );
    advance_clock(Duration::from_secs(1)).await;
    assert_eq!(state_of(&step(&app).await), DeliveryState::Delivered);

    let mut received = Vec::new();
    for _ in 0..3 {
        received.push(app.receiver.next("/confirm").await.body);
    }
    assert!(app.receiver.drain().iter().all(|(p, _)| p != "/confirm"));
    assert!(
        received.iter().all(|b| b == &received[0]),
        "every attempt resends the same document (same payloadID)"
    );
    let deliveries = app.state.store.deliveries_of(1).await.unwrap();
    let (conf, attempts) = &deliveries[0];
    assert_eq!(conf.state, DeliveryState::Delivered);
    let seen: Vec<(Option<u16>, Option<u16>)> = attempts
        .iter()
        .map(|a| (a.http_status, a.cxml_status))
        .collect();
    assert_eq!(
        seen,
        [(Some(500), None), (Some(503), None), (Some(200), Some(200))]
    );
    let entry = app.get_page("/groups/1/log/1").await.html();
    assert!(text_of(&entry, "#confirmation .delivery").starts_with("送信済み"));
    assert_eq!(
        texts_of(&entry, "#confirmation table.attempts tbody tr").len(),
        3
    );
}

#[tokio::test]
async fn a_permanently_failing_endpoint_ends_failed_visibly_and_resend_delivers_it() {
    let mut app = spawn_app_steppable(|s| {
        s.retry = schedule(3, 10);
        s.ship_notice_url = None;
    })
    .await;
    app.receiver.answer("/confirm", Answer::html(500));
    assert_eq!(app.post_order(&po("FAIL-1")).await.status, 200);
    assert_eq!(state_of(&step(&app).await), DeliveryState::Pending);
    advance_clock(Duration::from_secs(10)).await;
    assert_eq!(state_of(&step(&app).await), DeliveryState::Pending);
    advance_clock(Duration::from_secs(20)).await;
    assert_eq!(state_of(&step(&app).await), DeliveryState::Failed);
    assert_eq!(step(&app).await, Outcome::Idle);

    let entry = app.get_page("/groups/1/log/1").await.html();
    assert!(text_of(&entry, "#confirmation .delivery").starts_with("送信失敗"));
    let error = text_of(&entry, "#confirmation .error-box");
    assert!(error.contains("no attempt left after 3"), "{error}");
    assert_eq!(
        texts_of(&entry, "#confirmation table.attempts tbody tr").len(),
        3
    );

    // The buyer fixes its endpoint; 再送 from the page delivers it.
    app.receiver.answer("/confirm", Answer::cxml(200));
    let resend = attr_of(&entry, "#confirmation form.resend", "action");
    let page = app.post_form(&resend, &[]).await;
    assert_eq!(page.status, 200);
    assert!(
        page.url.ends_with("/groups/1/log/1?done=resent"),
        "{}",
        page.url
    );
    assert_eq!(state_of(&step(&app).await), DeliveryState::Delivered);
    let entry = app.get_page("/groups/1/log/1").await.html();
    assert!(text_of(&entry, "#confirmation .delivery").starts_with("送信済み"));
    assert_eq!(
        texts_of(&entry, "#confirmation table.attempts tbody tr").len(),
        4
    );
    let mut posts = 0;
    while posts < 4 {
        app.receiver.next("/confirm").await;
        posts += 1;
    }
}

#[tokio::test]
async fn a_restart_keeps_logs_marks_settings_and_queued_deliveries() {
    let storage = Storage::durable().await;
    let settings = storage.settings();
    // First run: no worker, so the confirmation stays owed.
    let mut app = spawn_app_steppable(settings.clone()).await;
    app.punch_out().await;
    // A second punchout with a cart, left open.
    let open = session_id(&app.punch_out().await);
    app.add_to_cart(&open, "B0009YD7P2", 3).await;
    assert_eq!(app.post_order(&po("KEEP-1")).await.status, 200);
    assert_eq!(app.post_order(&po("KEEP-2")).await.status, 200);
    app.post_form("/groups/1/log/1/mark", &[("result", "success")])
        .await;
    app.state
        .store
        .update_group(1, |g| {
            g.cart_field = absim::domain::CartField::Base64;
            g.faults = FaultPlan {
                kind: Some(FaultKind::Http503),
                remaining: Some(2),
                ..FaultPlan::default()
            };
            Ok(())
        })
        .await
        .unwrap();
    let group_before = app.group().await;
    let log_before = app.get_page("/groups/1/log").await.html();
    let rows_before = texts_of(&log_before, "#log-rows tbody tr");
    let entry_before = texts_of(&app.get_page("/groups/1/log/1").await.html(), "#setup tr");
    assert_eq!(app.state.store.queue_stats().await.unwrap().depth, 2);
    let receiver = app.stop().await;

    // Second run, same data dir, with the worker: what was owed goes out.
    let mut app = spawn_with_receiver(receiver, settings, true).await;
    assert_eq!(
        app.group().await,
        group_before,
        "settings and credentials survive"
    );
    let log_after = app.get_page("/groups/1/log").await.html();
    assert_eq!(texts_of(&log_after, "#log-rows tbody tr"), rows_before);
    assert!(
        rows_before.iter().any(|r| r.contains("成功")),
        "the mark survives"
    );
    assert_eq!(
        texts_of(&app.get_page("/groups/1/log/1").await.html(), "#setup tr"),
        entry_before
    );
    let confirmed = [
        app.receiver.next("/confirm").await.body,
        app.receiver.next("/confirm").await.body,
    ];
    for id in ["KEEP-1", "KEEP-2"] {
        assert!(
            confirmed.iter().any(|b| b.contains(id)),
            "{id} was confirmed"
        );
    }
    app.receiver.next("/ship").await;
    app.receiver.next("/ship").await;
    // The open punchout session and its cart are still there.
    let cart = app.get_page(&format!("/s/{open}/cart")).await;
    assert_eq!(cart.status, 200, "{}", cart.body);
    assert!(cart.body.contains("B0009YD7P2"), "{}", cart.body);
    let docs = app.state.store.documents_of(1, None).await.unwrap();
    assert!(
        docs.len() >= 4,
        "PO, response, confirmation, its answer: {docs:?}"
    );
}

async fn with_fault(app: &TestApp, kind: FaultKind, adjust: impl FnOnce(&mut FaultPlan)) {
    let mut plan = FaultPlan {
        kind: Some(kind),
        remaining: Some(1),
        ..FaultPlan::default()
    };
    adjust(&mut plan);
    app.state
        .store
        .update_group(1, move |g| {
            g.faults = plan;
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn each_injected_fault_is_what_the_client_receives_and_is_recorded() {
    let app = spawn_app_steppable(|_| {}).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let po_url = app.po_url().await;
    let post = |body: String| {
        let client = client.clone();
        let url = po_url.clone();
        async move {
            client
                .post(url)
                .header("content-type", "text/xml")
                .body(body)
                .send()
                .await
        }
    };

    with_fault(&app, FaultKind::Http500Html, |_| {}).await;
    let r = post(po("F-500")).await.unwrap();
    assert_eq!(r.status().as_u16(), 500);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text().await.unwrap().contains("<h1>"));

    with_fault(&app, FaultKind::Http503, |_| {}).await;
    let r = post(po("F-503")).await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "5");

    with_fault(&app, FaultKind::Cxml500, |_| {}).await;
    let r = post(po("F-CXML")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let status = absim::cxml::read::read_status(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(status.code, 500);

    with_fault(&app, FaultKind::Malformed, |_| {}).await;
    let r = post(po("F-BAD")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(absim::cxml::read::read_status(&r.bytes().await.unwrap()).is_err());

    with_fault(&app, FaultKind::Timeout, |p| p.timeout_secs = 2).await;
    let err = post(po("F-TIME")).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");

    with_fault(&app, FaultKind::Delay, |p| p.delay_ms = 250).await;
    let started = std::time::Instant::now();
    let r = post(po("F-SLOW")).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(r.status().as_u16(), 200);

    // Only the delayed PO was accepted; a faulted PO sent again is accepted.
    let (orders, _) = app
        .state
        .store
        .orders(1, &Default::default(), 10)
        .await
        .unwrap();
    let ids: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["F-SLOW"]);
    assert_eq!(post(po("F-503")).await.unwrap().status().as_u16(), 200);

    let faults = app.state.store.faults(1, 10).await.unwrap();
    let kinds: Vec<&str> = faults.iter().rev().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "http500-html",
            "http503",
            "cxml500",
            "malformed",
            "timeout",
            "delay"
        ]
    );
    assert_eq!(faults[0].order_id.as_deref(), Some("F-SLOW"));
    let log = app.get_page("/groups/1/log").await.html();
    assert_eq!(texts_of(&log, "#faults tbody tr").len(), 6);
    assert!(
        !app.group().await.faults.is_on(),
        "each fault was used once"
    );
}

#[tokio::test]
async fn faults_are_set_from_the_settings_page_for_a_share_of_pos() {
    let app = spawn_app().await;
    let r = app
        .post_form(
            "/groups/1/faults",
            &[
                ("kind", "http503"),
                ("count", ""),
                ("share", "100"),
                ("delay_ms", ""),
                ("timeout_secs", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    let plan = app.group().await.faults;
    assert_eq!(plan.kind, Some(FaultKind::Http503));
    assert_eq!(plan.share_percent, Some(100));
    assert_eq!(app.post_order(&po("SHARE-1")).await.status, 503);
    assert_eq!(app.post_order(&po("SHARE-1")).await.status, 503);
    let bad = app
        .post_form("/groups/1/faults", &[("kind", "http503"), ("share", "150")])
        .await;
    assert_eq!(bad.status, 400);
    assert!(text_of(&bad.html(), ".error-box").contains("0～100"));
    app.post_form("/groups/1/faults", &[("kind", "")]).await;
    assert!(!app.group().await.faults.is_on());
    assert_eq!(app.post_order(&po("SHARE-1")).await.status, 200);
}

#[tokio::test]
async fn the_ship_notice_follows_a_delivered_confirmation_only() {
    let app = spawn_app_steppable(|s| s.retry = schedule(1, 1)).await;
    app.receiver.answer("/confirm", Answer::html(500));
    assert_eq!(app.post_order(&po("ONLY-CONF")).await.status, 200);
    assert_eq!(state_of(&step(&app).await), DeliveryState::Failed);
    let kinds: Vec<DeliveryKind> = app
        .state
        .store
        .deliveries_of(1)
        .await
        .unwrap()
        .iter()
        .map(|(d, _)| d.kind)
        .collect();
    assert_eq!(kinds, [DeliveryKind::Confirmation]);
}

/// The worker posts due deliveries concurrently: a buyer endpoint that
/// answers only once it holds four confirmations at the same time gets all
/// four (a worker posting one at a time would wait on the first until its
/// outbound timeout).
#[tokio::test]
async fn the_worker_posts_due_deliveries_concurrently() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    const AT_ONCE: usize = 4;
    let barrier = Arc::new(tokio::sync::Barrier::new(AT_ONCE));
    let answered = Arc::new(AtomicUsize::new(0));
    let ok = Answer::cxml(200).body;
    let confirm = {
        let (barrier, answered, ok) = (barrier.clone(), answered.clone(), ok.clone());
        move || async move {
            barrier.wait().await;
            answered.fetch_add(1, Ordering::SeqCst);
            ([("content-type", "text/xml")], ok)
        }
    };
    let buyer = axum::Router::new()
        .route("/confirm", axum::routing::post(confirm))
        .route(
            "/ship",
            axum::routing::post(move || async move { ([("content-type", "text/xml")], ok) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, buyer).await.unwrap() });

    let mut app = spawn_app_with(|s| {
        s.order_confirmation_url = Some(format!("{base}/confirm"));
        s.ship_notice_url = Some(format!("{base}/ship"));
    })
    .await;
    app.punch_out().await;
    for i in 0..AT_ONCE {
        let r = app.post_order(&po(&format!("AT-ONCE-{i}"))).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let within = Duration::from_secs(10);
    eventually(
        &format!("{AT_ONCE} confirmations to be answered (the posts overlap)"),
        within,
        async || match answered.load(Ordering::SeqCst) {
            n if n >= AT_ONCE => Ok(()),
            n => Err(format!("only {n} of {AT_ONCE} answered")),
        },
    )
    .await;
    // The buyer answered; absim records each answer as it reads it.
    for no in 1..=AT_ONCE as u64 {
        let what = format!("confirmation {no}, answered, to be recorded");
        let attempts = eventually(&what, within, async || {
            let deliveries = app.state.store.deliveries_of(no).await.unwrap();
            let (confirmation, attempts) = deliveries
                .into_iter()
                .find(|(d, _)| d.kind == DeliveryKind::Confirmation)
                .unwrap();
            match confirmation.state {
                DeliveryState::Delivered => Ok(attempts),
                _ => Err(format!("{confirmation:?}")),
            }
        })
        .await;
        assert_eq!(attempts.len(), 1, "{attempts:?}");
    }
}
