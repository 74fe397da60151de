//! Several absim processes on one PostgreSQL database, as behind a load
//! balancer: they behave as one absim, survive one another's death
//! (`kill -9`) and a rolling restart (SIGTERM), migrate an empty database
//! once between them, and name a database they cannot use.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use absim::cxml::Cxml;
use absim::cxml::order_message::PunchOutOrderMessage;
use tokio::sync::watch;

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

async fn get_json(http: &reqwest::Client, url: String) -> serde_json::Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
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
    let mut replicas = ThreeReplicas::start(&db).await;
    let sid = replicas.punch_out_through_r1().await;
    let cart = replicas.shop_on_r2_and_r3(&sid).await;
    replicas.order_through_r3(&cart).await;
    replicas.see_on_r1_the_entry_passed_and_marked_on_r2().await;
    replicas.journal_names_who_answered().await;
}

/// Three replicas on one database behind no balancer: each step of a basic
/// order goes to another, and each must see what the others did.
struct ThreeReplicas {
    r1: Replica,
    r2: Replica,
    r3: Replica,
    receiver: Receiver,
    http: reqwest::Client,
}

impl ThreeReplicas {
    async fn start(db: &PgDatabase) -> ThreeReplicas {
        let receiver = Receiver::start().await;
        let now = ["--confirmation-delay", "0"];
        ThreeReplicas {
            r1: Replica::start(db, "r1", &receiver, &now).await,
            r2: Replica::start(db, "r2", &receiver, &now).await,
            r3: Replica::start(db, "r3", &receiver, &now).await,
            receiver,
            http: reqwest::Client::new(),
        }
    }

    /// r1 answers the punchout with a StartPage: the storefront session.
    async fn punch_out_through_r1(&self) -> String {
        let setup = setup_request(IDENTITY, SECRET, &self.receiver.url("/hook"));
        let r = self
            .http
            .post(format!("{}/eprocurement/punchout", self.r1.base))
            .header("content-type", "text/xml")
            .body(setup)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        session_id(&start_page(&r.text().await.unwrap()))
    }

    /// The storefront on r2 fills the cart, r3's checkout shows its total
    /// at once, and 承認を依頼する on r2 returns it to the buyer's hook.
    async fn shop_on_r2_and_r3(&mut self, sid: &str) -> Cxml<PunchOutOrderMessage> {
        let store = |path: &str| format!("{}/s/{sid}{path}", self.r2.base);
        let added = self
            .http
            .post(store("/cart/add"))
            .form(&[("asin", "B087JWRCP5"), ("quantity", "1")])
            .send()
            .await
            .unwrap();
        assert!(added.status().is_success() || added.status().is_redirection());
        let cart = self.page(store("/cart")).await;
        assert!(cart.contains("B087JWRCP5"), "r2 sees the cart r2 filled");
        let on_r3 = self
            .page(format!("{}/s/{sid}/checkout", self.r3.base))
            .await;
        assert!(
            on_r3.contains("17,800") || on_r3.contains("17800"),
            "r3 sees it at once"
        );
        let page = self
            .http
            .post(store("/submit"))
            .form::<[(&str, &str); 0]>(&[])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        post_cart_return(&self.http, &scraper::Html::parse_document(&page)).await;
        cart_from_hook(&self.receiver.next("/hook").await)
    }

    /// r3 accepts the PO for the returned cart, and some replica delivers
    /// its confirmation and ship notice.
    async fn order_through_r3(&mut self, cart: &Cxml<PunchOutOrderMessage>) {
        let po = absim::buyer::order_request(
            &buyer_config(self.receiver.url("/hook")),
            cart.payload().unwrap(),
            "PO-REPLICAS-1",
            &format!("po-replicas.{}@buyer.example", unique()),
        );
        assert_eq!(
            post_po(
                &self.http,
                &self.r3.po_url,
                absim::cxml::write::document(&po)
            )
            .await,
            Ok(200)
        );
        let confirmation = self.receiver.next("/confirm").await;
        self.receiver.next("/ship").await;
        assert!(confirmation.body.contains("PO-REPLICAS-1"));
    }

    /// r1's API shows the entry with its checks all passing once decided,
    /// and a mark made through r2 at once.
    async fn see_on_r1_the_entry_passed_and_marked_on_r2(&self) {
        let entry_on_r1 = format!("{}/api/v1/groups/1/orders/1", self.r1.base);
        let entry = eventually(
            "r1 to decide the entry's verdict",
            Duration::from_secs(30),
            async || {
                let e = get_json(&self.http, entry_on_r1.clone()).await;
                (e["verdict"] != "pending").then_some(e)
            },
        )
        .await;
        assert_eq!(entry["verdict"], "success", "{entry:#}");
        let marked = self
            .http
            .post(format!("{}/api/v1/groups/1/orders/1/mark", self.r2.base))
            .json(&serde_json::json!({"result": "success", "comment": "r2"}))
            .send()
            .await
            .unwrap();
        assert_eq!(marked.status().as_u16(), 200);
        let on_r1 = get_json(&self.http, entry_on_r1).await;
        assert_eq!(on_r1["mark"], "success");
    }

    /// The journal says which replica handled what: r1 the punchout, r3
    /// the PO.
    async fn journal_names_who_answered(&self) {
        let journal = get_json(
            &self.http,
            format!("{}/api/v1/journal?limit=50", self.r1.base),
        )
        .await;
        let replicas: BTreeSet<&str> = journal
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["direction"] == "in")
            .map(|e| e["replica"].as_str().unwrap())
            .collect();
        assert_eq!(replicas, BTreeSet::from(["r1", "r3"]), "{journal:#}");
    }

    async fn page(&self, url: String) -> String {
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
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
    let (client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let what = "the survivor to deliver everything owed";
    eventually(what, Duration::from_secs(40), async || {
        let counts = client
            .query_one(
                "SELECT (SELECT count(*) FROM deliveries WHERE state <> 'delivered'),
                        (SELECT count(*) FROM orders),
                        (SELECT count(*) FROM deliveries WHERE state = 'delivered')",
                &[],
            )
            .await
            .unwrap();
        let (owed, orders, delivered): (i64, i64, i64) =
            (counts.get(0), counts.get(1), counts.get(2));
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
    let mut replicas = vec![
        Replica::start(&db, "a", &receiver, &args).await,
        Replica::start(&db, "b", &receiver, &args).await,
    ];
    let balancer = Balancer::start(replicas.iter().map(|r| r.base.clone()).collect());
    let token = replicas[0].po_url.split("/po/").nth(1).unwrap();
    let load = Load::start(&balancer, token, 4);
    for r in &replicas {
        load.wait_until_served_by(&r.base).await;
    }
    // Restart each replica in turn: SIGTERM, wait, start anew, wait until
    // the balancer sends it POs.
    for name in ["a2", "b2"] {
        let old = replicas.remove(0);
        let old_base = old.base.clone();
        let status = old.terminate().await;
        assert!(status.success(), "SIGTERM ends absim cleanly: {status:?}");
        balancer.remove(&old_base);
        let new = Replica::start(&db, name, &receiver, &args).await;
        balancer.add(&new.base);
        load.wait_until_served_by(&new.base).await;
        replicas.push(new);
    }
    let (sent, failures) = load.stop().await;
    assert!(failures.is_empty(), "failed requests: {failures:#?}");
    assert!(sent > 50, "the load kept flowing");
}

/// The load balancer in front of the replicas: it checks each member's
/// `/readyz` every 100 ms (the period of the balancer simulated here, not a
/// wait) and offers the members that answered their last check.
struct Balancer {
    members: Arc<Mutex<Vec<String>>>,
    ready: watch::Receiver<Vec<String>>,
    checker: tokio::task::JoinHandle<()>,
}

impl Balancer {
    const CHECK_PERIOD: Duration = Duration::from_millis(100);

    fn start(members: Vec<String>) -> Balancer {
        let members = Arc::new(Mutex::new(members));
        let (checked, ready) = watch::channel(Vec::new());
        let checker = {
            let (members, http) = (members.clone(), reqwest::Client::new());
            tokio::spawn(async move {
                let mut period = tokio::time::interval(Self::CHECK_PERIOD);
                loop {
                    period.tick().await;
                    let candidates = members.lock().unwrap().clone();
                    let mut up = Vec::new();
                    for base in candidates {
                        if is_ready(&http, &base).await {
                            up.push(base);
                        }
                    }
                    checked.send_replace(up);
                }
            })
        };
        Balancer {
            members,
            ready,
            checker,
        }
    }

    fn add(&self, base: &str) {
        self.members.lock().unwrap().push(base.to_owned());
    }

    fn remove(&self, base: &str) {
        self.members.lock().unwrap().retain(|b| b != base);
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.checker.abort();
    }
}

/// Clients posting POs through the balancer until stopped, each to the
/// next ready replica; a refused connection (nothing sent) goes to the
/// next. Counts the POs each replica answered 200 and names every other
/// outcome.
struct Load {
    stop: Arc<AtomicBool>,
    answered: Arc<Mutex<BTreeMap<String, usize>>>,
    failures: Arc<Mutex<Vec<String>>>,
    clients: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(balancer: &Balancer, token: &str, workers: usize) -> Load {
        let load = Load {
            stop: Arc::new(AtomicBool::new(false)),
            answered: Arc::default(),
            failures: Arc::default(),
            clients: Vec::new(),
        };
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let clients = (0..workers)
            .map(|worker| {
                let (mut ready, http, token) =
                    (balancer.ready.clone(), http.clone(), token.to_owned());
                let (stop, answered, failures) = (
                    load.stop.clone(),
                    load.answered.clone(),
                    load.failures.clone(),
                );
                tokio::spawn(async move {
                    let mut n = 0usize;
                    while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        // No replica answered its last check (a busy machine
                        // can make one miss it): the request waits for one,
                        // as a real balancer queues it.
                        let targets = ready.wait_for(|r| !r.is_empty()).await.unwrap().clone();
                        let mut outcome = None;
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
                                    outcome = Some((base.clone(), r.status().as_u16()));
                                    break;
                                }
                                Err(e) if e.is_connect() => continue,
                                Err(e) => {
                                    outcome = Some((base.clone(), 0));
                                    failures.lock().unwrap().push(format!("{url}: {e}"));
                                    break;
                                }
                            }
                        }
                        match outcome {
                            Some((base, 200)) => {
                                *answered.lock().unwrap().entry(base).or_default() += 1;
                            }
                            Some((_, 0)) => {}
                            other => failures
                                .lock()
                                .unwrap()
                                .push(format!("request {worker}-{n}: {:?}", other.map(|o| o.1))),
                        }
                    }
                })
            })
            .collect();
        Load { clients, ..load }
    }

    async fn wait_until_served_by(&self, base: &str) {
        let what = format!("the balancer to send POs to {base}");
        eventually(&what, Duration::from_secs(10), async || {
            self.answered.lock().unwrap().contains_key(base)
        })
        .await;
    }

    /// Stops the clients: how many POs were answered 200, and the failures.
    async fn stop(self) -> (usize, Vec<String>) {
        self.stop.store(true, Ordering::SeqCst);
        for c in self.clients {
            c.await.unwrap();
        }
        let sent = self.answered.lock().unwrap().values().sum();
        let failures = self.failures.lock().unwrap().clone();
        (sent, failures)
    }
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
