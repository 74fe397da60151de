//! Several absim processes on one PostgreSQL database, as behind a load
//! balancer: they behave as one absim, survive one another's death
//! (`kill -9`) and a rolling restart (SIGTERM), migrate an empty database
//! once between them, and name a database they cannot use.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::*;

/// A database for the test, or None (skipped) without a server.
async fn database() -> Option<PgDatabase> {
    PgDatabase::create().await
}

/// One absim process on the database.
struct Replica {
    child: Child,
    base: String,
    po_url: String,
}

impl Replica {
    /// Starts the binary on a free port with `args` beside the shared
    /// ones, and waits for `/readyz`.
    async fn start(db: &PgDatabase, id: &str, receiver: &Receiver, args: &[&str]) -> Replica {
        let mut command = Command::new(env!("CARGO_BIN_EXE_absim"));
        command
            .args(["--addr", "127.0.0.1:0", "--database-url", &db.url])
            .args(["--replica-id", id, "--identity", IDENTITY])
            .args(["--shared-secret", SECRET])
            .args(["--order-confirmation-url", &receiver.url("/confirm")])
            .args(["--ship-notice-url", &receiver.url("/ship")])
            .args(["--ship-notice-delay", "0"])
            .args(args)
            .env("RUST_LOG", "absim=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the absim binary starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // What absim says on stderr, for the message when it does not start.
        let errors = Arc::new(Mutex::new(String::new()));
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let collected = errors.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                collected.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let po_url = tokio::task::spawn_blocking(move || {
            let url = loop {
                let Some(Ok(line)) = lines.next() else {
                    panic!(
                        "absim stopped before printing its connection values:\n{}",
                        errors.lock().unwrap()
                    );
                };
                if let Some(url) = line.split("PO Request URL:").nth(1) {
                    break url.trim().to_owned();
                }
            };
            // Keep reading so that absim never writes into a closed pipe.
            std::thread::spawn(move || for _ in lines {});
            url
        })
        .await
        .unwrap();
        let base = po_url.split("/po/").next().unwrap().to_owned();
        let replica = Replica {
            child,
            base,
            po_url,
        };
        replica.wait_ready().await;
        replica
    }

    async fn wait_ready(&self) {
        let http = reqwest::Client::new();
        let what = format!("the replica at {} to be ready", self.base);
        eventually(&what, Duration::from_secs(10), async || {
            is_ready(&http, &self.base).await
        })
        .await;
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// SIGTERM, and the exit status once it has stopped.
    async fn terminate(mut self) -> std::process::ExitStatus {
        self.signal("-TERM");
        tokio::task::spawn_blocking(move || self.child.wait().unwrap())
            .await
            .unwrap()
    }

    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the replica at `base` answers `/readyz` with 200.
async fn is_ready(http: &reqwest::Client, base: &str) -> bool {
    let r = http.get(format!("{base}/readyz")).send().await;
    r.is_ok_and(|r| r.status().as_u16() == 200)
}

/// The value of `attr="..."` after `after` in a document.
fn attr_after<'a>(body: &'a str, after: &str, attr: &str) -> Option<&'a str> {
    let rest = &body[body.find(after)?..];
    let start = rest.find(&format!("{attr}=\""))? + attr.len() + 2;
    Some(&rest[start..start + rest[start..].find('"')?])
}

async fn post_po(http: &reqwest::Client, url: &str, body: String) -> Result<u16, String> {
    let r = http
        .post(url)
        .header("content-type", "text/xml")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    let code = absim::cxml::read::read_status(&body).map_err(|e| e.to_string())?;
    assert_eq!(code.code, status, "the HTTP status follows the cXML code");
    Ok(status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_serve_one_basic_order_between_them() {
    let Some(db) = database().await else { return };
    let mut receiver = Receiver::start().await;
    let now = ["--confirmation-delay", "0"];
    let r1 = Replica::start(&db, "r1", &receiver, &now).await;
    let r2 = Replica::start(&db, "r2", &receiver, &now).await;
    let r3 = Replica::start(&db, "r3", &receiver, &now).await;
    let http = reqwest::Client::new();

    // Punchout through r1.
    let setup = setup_request(IDENTITY, SECRET, &receiver.url("/hook"));
    let r = http
        .post(format!("{}/eprocurement/punchout", r1.base))
        .header("content-type", "text/xml")
        .body(setup)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let sid = session_id(&start_page(&r.text().await.unwrap()));

    // The storefront on r2: the cart, the checkout, 承認を依頼する.
    let store = |path: &str| format!("{}/s/{sid}{path}", r2.base);
    let added = http
        .post(store("/cart/add"))
        .form(&[("asin", "B087JWRCP5"), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success() || added.status().is_redirection());
    let cart = http
        .get(store("/cart"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(cart.contains("B087JWRCP5"), "r2 sees the cart r2 filled");
    let on_r3 = http
        .get(format!("{}/s/{sid}/checkout", r3.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        on_r3.contains("17,800") || on_r3.contains("17800"),
        "r3 sees it at once"
    );
    let page = http
        .post(store("/submit"))
        .form::<[(&str, &str); 0]>(&[])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&page);
    let field = attr_of(&html, "#cart-return input[type=hidden]", "name");
    let value = attr_of(&html, "#cart-return input[type=hidden]", "value");
    http.post(attr_of(&html, "#cart-return", "action"))
        .form(&[(field.as_str(), value.as_str())])
        .send()
        .await
        .unwrap();
    let returned = receiver.next("/hook").await;
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(returned.body.as_bytes())
        .into_owned()
        .collect();
    let cart = absim::buyer::cart_from_form(&fields).unwrap();

    // The PO to r3, for the cart returned.
    let config = absim::buyer::BuyerConfig {
        identity: IDENTITY.into(),
        shared_secret: SECRET.into(),
        hook_url: receiver.url("/hook"),
        user_email: "tanaka@example.co.jp".into(),
        user_agent: "absim tests".into(),
    };
    let po = absim::buyer::order_request(
        &config,
        cart.payload().unwrap(),
        "PO-REPLICAS-1",
        &format!("po-replicas.{}@buyer.example", unique()),
    );
    let po_url = r3.po_url.clone();
    assert_eq!(
        post_po(&http, &po_url, absim::cxml::write::document(&po)).await,
        Ok(200)
    );
    // Some replica delivers the confirmation and the ship notice.
    let confirmation = receiver.next("/confirm").await;
    receiver.next("/ship").await;
    assert!(confirmation.body.contains("PO-REPLICAS-1"));

    // r1's API shows the entry, its checks all passing, and a mark made
    // on r2 at once.
    let entry: serde_json::Value = loop {
        let e: serde_json::Value = http
            .get(format!("{}/api/v1/groups/1/orders/1", r1.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if e["verdict"] != "pending" {
            break e;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(entry["verdict"], "success", "{entry:#}");
    let marked = http
        .post(format!("{}/api/v1/groups/1/orders/1/mark", r2.base))
        .json(&serde_json::json!({"result": "success", "comment": "r2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status().as_u16(), 200);
    let on_r1: serde_json::Value = http
        .get(format!("{}/api/v1/groups/1/orders/1", r1.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(on_r1["mark"], "success");
    // The journal says which replica handled what.
    let journal: serde_json::Value = http
        .get(format!("{}/api/v1/journal?limit=50", r1.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let replicas: BTreeSet<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["direction"] == "in")
        .map(|e| e["replica"].as_str().unwrap())
        .collect();
    assert_eq!(replicas, BTreeSet::from(["r1", "r3"]), "{journal:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_a_replica_loses_no_accepted_po_and_no_delivery() {
    let Some(db) = database().await else { return };
    let mut receiver = Receiver::start().await;
    // A short outbound timeout makes the dead replica's leases short.
    let args = ["--outbound-timeout", "1", "--confirmation-delay", "1"];
    let mut doomed = Replica::start(&db, "doomed", &receiver, &args).await;
    let survivor = Replica::start(&db, "survivor", &receiver, &args).await;
    let urls = [doomed.po_url.clone(), survivor.po_url.clone()];
    let accepted = Arc::new(Mutex::new(Vec::<String>::new()));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut senders = Vec::new();
    for worker in 0..6 {
        let (http, urls, accepted) = (http.clone(), urls.clone(), accepted.clone());
        senders.push(tokio::spawn(async move {
            for n in 0..60 {
                let id = format!("KILL-{worker}-{n}");
                // Alternate between the replicas; the dead one's share fails.
                let url = &urls[n % 2];
                if post_po(&http, url, desk_po(&id)).await == Ok(200) {
                    accepted.lock().unwrap().push(id);
                }
            }
        }));
    }
    eventually(
        "60 POs to be answered 200",
        Duration::from_secs(30),
        async || accepted.lock().unwrap().len() >= 60,
    )
    .await;
    doomed.kill();
    for s in senders {
        s.await.unwrap();
    }
    let accepted = accepted.lock().unwrap().clone();
    assert!(
        accepted.len() >= 100,
        "only {} POs got through",
        accepted.len()
    );

    // The survivor delivers what the dead one owed (its leases run out).
    let count = |sql: &'static str| pg_scalar(&db.url, sql);
    let what = "the survivor to deliver everything owed";
    eventually(what, Duration::from_secs(40), async || {
        let owed = count("SELECT count(*) FROM deliveries WHERE state <> 'delivered'").await;
        let orders = count("SELECT count(*) FROM orders").await;
        let delivered = count("SELECT count(*) FROM deliveries WHERE state = 'delivered'").await;
        if owed == 0 && delivered == 2 * orders {
            Ok(())
        } else {
            Err(format!(
                "{owed} deliveries still owed, {delivered} delivered for {orders} orders"
            ))
        }
    })
    .await;

    // Every PO answered 200 is kept once.
    let stored: BTreeSet<String> = {
        let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let rows = client
            .query("SELECT order_id FROM orders WHERE NOT refused", &[])
            .await
            .unwrap();
        let ids: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        let unique: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(unique.len(), ids.len(), "no order is stored twice");
        unique
    };
    for id in &accepted {
        assert!(stored.contains(id), "{id} was answered 200 but is not kept");
    }
    // Each stored order's confirmation and ship notice reached the buyer:
    // one payloadID each (a re-post after the crash repeats it).
    let posts = receiver.drain();
    for (path, kind) in [("/confirm", "confirmation"), ("/ship", "ship notice")] {
        let mut by_order: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (_, got) in posts.iter().filter(|(p, _)| p == path) {
            let order = attr_after(&got.body, "<OrderReference", "orderID").unwrap();
            let payload = attr_after(&got.body, "<cXML", "payloadID").unwrap();
            by_order
                .entry(order.to_owned())
                .or_default()
                .insert(payload.to_owned());
        }
        for id in &stored {
            let payloads = by_order.get(id).map(BTreeSet::len).unwrap_or(0);
            assert_eq!(
                payloads, 1,
                "{kind} of {id}: {payloads} distinct payloadIDs"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_under_load_fails_no_request() {
    let Some(db) = database().await else { return };
    let receiver = Receiver::start().await;
    let args = ["--shutdown-grace", "1"];
    let first = Replica::start(&db, "a", &receiver, &args).await;
    let second = Replica::start(&db, "b", &receiver, &args).await;
    // The load balancer: the replicas that answer /readyz, checked every
    // 100 ms, in turn; a refused connection (nothing sent) goes to the next.
    let pool = Arc::new(Mutex::new(vec![first.base.clone(), second.base.clone()]));
    let token = first.po_url.split("/po/").nth(1).unwrap().to_owned();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let checker = {
        let (pool, http) = (pool.clone(), http.clone());
        let all = Arc::new(Mutex::new(Vec::<String>::new()));
        let all_for_checks = all.clone();
        let task = tokio::spawn(async move {
            loop {
                let candidates = all_for_checks.lock().unwrap().clone();
                let mut ready = Vec::new();
                for base in candidates {
                    if let Ok(r) = http.get(format!("{base}/readyz")).send().await
                        && r.status().as_u16() == 200
                    {
                        ready.push(base);
                    }
                }
                *pool.lock().unwrap() = ready;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        (task, all)
    };
    checker
        .1
        .lock()
        .unwrap()
        .extend([first.base.clone(), second.base.clone()]);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (sent, failures) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(Mutex::new(Vec::new())),
    );
    let mut clients = Vec::new();
    for worker in 0..4 {
        let (pool, http, token) = (pool.clone(), http.clone(), token.clone());
        let (stop, sent, failures) = (stop.clone(), sent.clone(), failures.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let targets = pool.lock().unwrap().clone();
                if targets.is_empty() {
                    // No replica answered its last readiness check (a busy
                    // machine can make one miss it): the balancer holds the
                    // request a moment, as a real one queues it. Without
                    // this await the loop spun without yielding, starved
                    // the restarts and grew `failures` without end.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
                let mut answered = None;
                for base in targets.iter().cycle().skip(n).take(targets.len()) {
                    let url = format!("{base}/po/{token}");
                    match http
                        .post(&url)
                        .header("content-type", "text/xml")
                        .body(desk_po(&format!("ROLL-{worker}-{n}")))
                        .send()
                        .await
                    {
                        Ok(r) => {
                            answered = Some(r.status().as_u16());
                            break;
                        }
                        Err(e) if e.is_connect() => continue,
                        Err(e) => {
                            answered = Some(0);
                            failures.lock().unwrap().push(format!("{url}: {e}"));
                            break;
                        }
                    }
                }
                match answered {
                    Some(200) => {
                        sent.fetch_add(1, Ordering::SeqCst);
                    }
                    Some(0) => {}
                    other => failures
                        .lock()
                        .unwrap()
                        .push(format!("request {worker}-{n}: {other:?}")),
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Restart each replica in turn: SIGTERM, wait, start anew, wait ready.
    let mut replicas = vec![first, second];
    for (i, name) in ["a2", "b2"].iter().enumerate() {
        let old = replicas.remove(0);
        let old_base = old.base.clone();
        let status = old.terminate().await;
        assert!(status.success(), "SIGTERM ends absim cleanly: {status:?}");
        checker.1.lock().unwrap().retain(|b| *b != old_base);
        let new = Replica::start(&db, name, &receiver, &args).await;
        checker.1.lock().unwrap().push(new.base.clone());
        replicas.push(new);
        tokio::time::sleep(Duration::from_millis(300 + 200 * i as u64)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }
    checker.0.abort();
    let failures = failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "failed requests: {failures:#?}");
    assert!(sent.load(Ordering::SeqCst) > 50, "the load kept flowing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_racing_to_migrate_an_empty_database_both_start() {
    let Some(db) = database().await else { return };
    let receiver = Receiver::start().await;
    let (a, b) = tokio::join!(
        Replica::start(&db, "first", &receiver, &[]),
        Replica::start(&db, "second", &receiver, &[]),
    );
    assert_eq!(
        pg_scalar(&db.url, "SELECT count(*) FROM absim_schema").await,
        1
    );
    assert_eq!(pg_scalar(&db.url, "SELECT count(*) FROM groups").await, 1);
    // Both serve the one group.
    let token = |r: &Replica| r.po_url.split("/po/").nth(1).unwrap().to_owned();
    assert_eq!(token(&a), token(&b));
}

#[tokio::test]
async fn replicas_in_one_process_share_settings_carts_and_uniqueness_at_once() {
    let storage = Storage::durable().await;
    if !matches!(storage, Storage::Postgres(_)) {
        return;
    }
    let mut a = spawn_app_with(storage.settings()).await;
    let b = spawn_app_with(storage.settings()).await;
    // A new password set through a: b takes it at once, and refuses the old.
    let changed = a
        .http
        .patch(a.url("/api/v1/groups/1"))
        .json(&serde_json::json!({"shared_secret": "n3wPassw0rd"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 200);
    let old = b
        .post_punchout_setup(&setup_request(IDENTITY, SECRET, &b.receiver.url("/hook")))
        .await;
    assert_eq!(old.status, 401, "{}", old.body);
    let new = b
        .post_punchout_setup(&setup_request(
            IDENTITY,
            "n3wPassw0rd",
            &b.receiver.url("/hook"),
        ))
        .await;
    assert_eq!(new.status, 200, "{}", new.body);
    // A cart filled through b is the cart a shows.
    let sid = session_id(&start_page(&new.body));
    b.add_to_cart(&sid, "B087JWRCP5", 2).await;
    let on_a = a.get_page(&format!("/s/{sid}/cart")).await;
    assert!(on_a.body.contains("B087JWRCP5"), "{}", on_a.body);
    // One payloadID sent to both at once: kept once, refused once.
    let po = order_request_as(
        IDENTITY,
        "n3wPassw0rd",
        "twice@b",
        "TWICE",
        "new",
        true,
        &[DESK_LINE],
    );
    let (ra, rb) = tokio::join!(a.post_order(&po), b.post_order(&po));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", ra.body, rb.body);
    a.collect_posts();
}

#[tokio::test]
async fn a_lost_connection_gets_a_retryable_answer_and_the_pool_reconnects() {
    let Some(db) = database().await else { return };
    let app = spawn_app_with({
        let url = db.url.clone();
        move |s| s.database_url = Some(absim::store::DatabaseUrl::parse(&url).unwrap())
    })
    .await;
    let po_url = app.po_url().await;
    let post = |id: &str| {
        let body = desk_po(id);
        let (app, url) = (&app, &po_url);
        async move { app.post_xml(url, &body).await }
    };
    assert_eq!(post("BEFORE").await.status, 200);
    let (admin, conn) = tokio_postgres::connect(&postgres_admin_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let cut = |allow: bool| {
        let (admin, name) = (&admin, db.name.clone());
        async move {
            admin
                .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}"))
                .await
                .unwrap();
            admin
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    &[&name],
                )
                .await
                .unwrap();
        }
    };
    // The database goes away: POs get a cXML 503 that buyers retry, pages a
    // readable error, and /readyz says why.
    cut(false).await;
    let refused = post("DURING").await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    let (code, _, message) = refused.cxml_status();
    assert_eq!(code, 503);
    assert!(
        message.contains("send the same document again"),
        "{message}"
    );
    let page = app.get_page("/groups/1/log").await;
    assert_eq!(page.status, 503);
    assert!(page.body.contains("データベース"), "{}", page.body);
    let ready = app.get_page("/readyz").await;
    assert_eq!(ready.status, 503, "{}", ready.body);

    // It comes back: the pool reconnects, the same PO is accepted.
    cut(true).await;
    eventually(
        "the pool to reconnect",
        Duration::from_secs(10),
        async || {
            let r = post("AFTER").await;
            if r.status != 200 {
                assert_eq!(
                    r.status, 503,
                    "only retryable answers meanwhile: {}",
                    r.body
                );
            }
            r.status == 200
        },
    )
    .await;
    assert_eq!(app.get_page("/readyz").await.status, 200);
}

#[tokio::test]
async fn an_unreachable_database_is_named_with_its_password_masked() {
    let mut settings = absim::Settings {
        database_url: Some(
            absim::store::DatabaseUrl::parse("postgres://absim:s3cretPw@127.0.0.1:9/absim")
                .unwrap(),
        ),
        ..absim::Settings::default()
    };
    settings.data_dir = None;
    let err = format!("{:#}", absim::AppState::new(settings).await.err().unwrap());
    assert!(
        err.contains("postgres://absim:***@127.0.0.1:9/absim"),
        "{err}"
    );
    assert!(!err.contains("s3cretPw"), "{err}");
    assert!(err.contains("cannot connect"), "{err}");
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_absim_is_refused_naming_both_versions() {
    let storage = Storage::durable().await;
    let Storage::Postgres(db) = &storage else {
        return;
    };
    drop(spawn_app_with(storage.settings()).await);
    let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute("UPDATE absim_schema SET version = 99")
        .await
        .unwrap();
    let mut settings = absim::Settings::default();
    storage.settings()(&mut settings);
    let err = format!("{:#}", absim::AppState::new(settings).await.err().unwrap());
    let known = format!("knows up to {}", absim::store::POSTGRES_SCHEMA_VERSION);
    assert!(
        err.contains("schema version 99") && err.contains(&known),
        "{err}"
    );
}
