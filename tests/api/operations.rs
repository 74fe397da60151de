//! What an operator points at absim: `/healthz`, `/readyz` and `/metrics`,
//! the retention pass that keeps a shared instance from growing without
//! bound, and the drain at shutdown.

use std::time::Duration;

use absim::store::Retention;

use crate::helpers::*;

#[tokio::test]
async fn health_and_readiness_answer_and_readiness_fails_while_draining() {
    let app = spawn_app().await;
    let health = app.get_page("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    let ready = app.get_page("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready"));

    // Shutdown begins: not ready at once, still serving, and answers ask
    // the client to open its next connection elsewhere.
    let state = app.state.clone();
    tokio::spawn(async move { state.begin_drain().await });
    eventually("the drain to begin", Duration::from_secs(5), async || {
        app.state.is_draining()
    })
    .await;
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["connection"], "close");
    assert_eq!(r.text().await.unwrap(), "shutting down");
    let page = app.get_page("/groups/1/log").await;
    assert_eq!(page.status, 200, "requests are still served");
}

/// One sample of a metric in the text format, by name and labels.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .find(|l| {
            labels
                .iter()
                .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_pos_and_deliveries_and_show_the_queue() {
    let mut app = spawn_app_steppable(|_| {}).await;
    assert_eq!(app.post_order(&desk_po("MET-1")).await.status, 200);
    assert_eq!(app.post_order(&desk_po("MET-2")).await.status, 200);
    let refused = order_request("met-3@b", "MET-3", "update", true, &[DESK_LINE]);
    assert_eq!(app.post_order(&refused).await.status, 400);
    let before = app.get_page("/metrics").await;
    assert_eq!(before.status, 200);
    assert!(
        before
            .content_type
            .starts_with("application/openmetrics-text"),
        "{}",
        before.content_type
    );
    let text = &before.body;
    let po_route = [("route", "/po/{token}"), ("status", "200")];
    assert_eq!(
        sample(text, "absim_http_requests_total", &po_route),
        Some(2.0)
    );
    assert_eq!(
        sample(
            text,
            "absim_purchase_orders_total",
            &[("outcome", "accepted"), ("code", "200")]
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            text,
            "absim_purchase_orders_total",
            &[("outcome", "refused"), ("code", "400")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            text,
            "absim_http_request_duration_seconds_count",
            &[("kind", "po")]
        ),
        Some(3.0)
    );
    assert_eq!(sample(text, "absim_delivery_queue_depth", &[]), Some(2.0));
    let engine = if crate::BACKEND == Backend::Postgres && app.state.store.is_shared() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(
        sample(text, "absim_replica", &[("engine", engine)]),
        Some(1.0),
        "{text}"
    );

    app.settle().await;
    let after = app.get_page("/metrics").await.body;
    assert_eq!(sample(&after, "absim_delivery_queue_depth", &[]), Some(0.0));
    assert_eq!(
        sample(
            &after,
            "absim_delivery_attempts_total",
            &[("kind", "confirmation"), ("outcome", "delivered")]
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &after,
            "absim_delivery_attempts_total",
            &[("kind", "ship_notice"), ("outcome", "delivered")]
        ),
        Some(2.0)
    );
    app.collect_posts();
}

#[tokio::test]
async fn metrics_need_the_admin_token_when_one_is_set() {
    let app = spawn_app_with(|s| s.admin_token = Some("metrics-token-1".into())).await;
    let denied = app.get_page("/metrics").await;
    assert_eq!(denied.status, 401);
    let allowed = app
        .http
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-1")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status().as_u16(), 200);
    // A load balancer's checks need no token.
    assert_eq!(app.get_page("/readyz").await.status, 200);
    assert_eq!(app.get_page("/healthz").await.status, 200);
}

#[tokio::test]
async fn retention_keeps_the_newest_orders_marked_ones_and_unfinished_ones() {
    let mut app = spawn_app_steppable(|s| {
        s.retention = Retention {
            orders_per_group: Some(2),
            journal_entries: Some(100),
            ..Retention::default()
        }
    })
    .await;
    // Orders 1 and 2 are delivered; 3 to 5 still owe their confirmation.
    for i in 1..=5 {
        let r = app.post_order(&desk_po(&format!("KEEP-{i}"))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        if i == 2 {
            app.settle().await;
        }
    }
    app.post_form("/groups/1/log/2/mark", &[("result", "success")])
        .await;
    let journal_before = app.journal("?limit=500").await.as_array().unwrap().len();

    let done = absim::retention::pass(&app.state).await.unwrap();
    assert_eq!(done.orders, 1, "{done:?}");
    let (orders, total) = app
        .state
        .store
        .orders(1, &Default::default(), 10)
        .await
        .unwrap();
    let kept: Vec<u64> = orders.iter().map(|o| o.no).collect();
    // 1 went (delivered, unmarked, beyond the newest two); 2 is marked; 3 has
    // an unfinished delivery.
    assert_eq!((kept, total), (vec![5, 4, 3, 2], 4));
    assert!(
        app.state
            .store
            .documents_of(1, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(app.state.store.deliveries_of(1).await.unwrap().is_empty());
    let journal_after = app.journal("?limit=500").await;
    let entries = journal_after.as_array().unwrap();
    assert!(
        entries.len() < journal_before,
        "order 1's PO and deliveries left the journal"
    );
    assert!(
        entries.iter().all(|e| !e["request"]
            .as_str()
            .unwrap()
            .contains(r#"orderID="KEEP-1""#)),
        "no entry of order 1 is left"
    );

    // Once delivered, the older unmarked ones go; a marked one stays unless
    // asked.
    app.settle().await;
    absim::retention::pass(&app.state).await.unwrap();
    let (orders, _) = app
        .state
        .store
        .orders(1, &Default::default(), 10)
        .await
        .unwrap();
    assert_eq!(
        orders.iter().map(|o| o.no).collect::<Vec<_>>(),
        [5, 4, 2],
        "the marked order stays"
    );
    app.collect_posts();
}

#[tokio::test]
async fn retention_bounds_the_journal_on_its_own() {
    let app = spawn_app_steppable(|s| {
        s.retention = Retention {
            journal_entries: Some(3),
            ..Retention::default()
        }
    })
    .await;
    for _ in 0..6 {
        app.post_xml("/eprocurement/punchout", "<not-xml").await;
    }
    assert_eq!(app.journal("?limit=500").await.as_array().unwrap().len(), 6);
    let done = absim::retention::pass(&app.state).await.unwrap();
    assert_eq!(done.journal, 3);
    assert_eq!(app.journal("?limit=500").await.as_array().unwrap().len(), 3);
}

#[test]
fn in_memory_runs_get_a_default_bound() {
    let args = absim::cli::ServeArgs {
        in_memory: true,
        ..Default::default()
    };
    let s = absim::Settings::resolve(&args).unwrap();
    assert_eq!(s.retention, absim::config::IN_MEMORY_RETENTION);
    let kept = absim::Settings::resolve(&absim::cli::ServeArgs {
        in_memory: true,
        retain_orders: Some(9),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(kept.retention.orders_per_group, Some(9));
    assert_eq!(kept.retention.journal_entries, None);
}
