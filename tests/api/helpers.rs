//! The test harness: absim on port 0 with in-memory state (or a fresh
//! PostgreSQL database, in the `postgres` test binary), a local receiver
//! standing in for the buyer's hook and endpoints, document builders, and
//! the DTD check of everything absim emitted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use absim::{AppState, Settings};
use axum::body::Bytes;
use axum::extract::{Path as AxPath, State};
use axum::http::HeaderMap;
use scraper::{Html, Selector};
use tokio::sync::mpsc;

pub const IDENTITY: &str = "BuyerSystem01";
pub const SECRET: &str = "s3cretPassw0rd";

/// What the receiver got on one path.
#[derive(Debug, Clone)]
pub struct Received {
    pub content_type: String,
    pub body: String,
}

/// How the receiver answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub http: u16,
    pub body: String,
}

impl Answer {
    pub fn html(http: u16) -> Answer {
        Answer {
            http,
            body: "<html><body><h1>Server Error</h1></body></html>".into(),
        }
    }

    pub fn cxml(code: u16) -> Answer {
        Answer {
            http: 200,
            body: format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd"><cXML payloadID="r@buyer" timestamp="2026-01-01T00:00:00+09:00"><Response><Status code="{code}" text="x"/></Response></cXML>"#
            ),
        }
    }
}

/// Answers per path: each post takes the next; the last one repeats.
type Answers = Arc<Mutex<HashMap<String, std::collections::VecDeque<Answer>>>>;

#[derive(Clone)]
struct ReceiverState {
    tx: mpsc::UnboundedSender<(String, Received)>,
    answers: Answers,
}

/// A local HTTP server standing in for the buyer: records every POST by
/// path and answers a cXML 200 (or what the test set).
pub struct Receiver {
    pub base: String,
    rx: mpsc::UnboundedReceiver<(String, Received)>,
    pending: Vec<(String, Received)>,
    answers: Answers,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let answers = Arc::new(Mutex::new(HashMap::new()));
        let state = ReceiverState {
            tx,
            answers: answers.clone(),
        };
        async fn record(
            State(s): State<ReceiverState>,
            AxPath(path): AxPath<String>,
            headers: HeaderMap,
            body: Bytes,
        ) -> axum::response::Response {
            use axum::response::IntoResponse;
            let path = format!("/{path}");
            let content_type = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let _ = s.tx.send((
                path.clone(),
                Received {
                    content_type,
                    body: String::from_utf8_lossy(&body).into_owned(),
                },
            ));
            let answer = {
                let mut answers = s.answers.lock().unwrap();
                match answers.get_mut(&path) {
                    Some(queue) if queue.len() > 1 => queue.pop_front().unwrap(),
                    Some(queue) => queue.front().cloned().unwrap_or_else(|| Answer::cxml(200)),
                    None => Answer::cxml(200),
                }
            };
            (
                axum::http::StatusCode::from_u16(answer.http).unwrap(),
                [("content-type", "text/xml")],
                answer.body,
            )
                .into_response()
        }
        let app = axum::Router::new()
            .route("/{*path}", axum::routing::post(record))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver {
            base,
            rx,
            pending: Vec::new(),
            answers,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn answer(&self, path: &str, answer: Answer) {
        self.answer_in_turn(path, vec![answer]);
    }

    /// Answers the posts to `path` in turn; the last answer repeats.
    pub fn answer_in_turn(&self, path: &str, answers: Vec<Answer>) {
        self.answers
            .lock()
            .unwrap()
            .insert(path.to_owned(), answers.into());
    }

    /// Posts received but not yet taken with [`Receiver::next`].
    pub fn drain(&mut self) -> Vec<(String, Received)> {
        while let Ok(got) = self.rx.try_recv() {
            self.pending.push(got);
        }
        std::mem::take(&mut self.pending)
    }

    /// The next post to `path`, waiting for it (at most 10 s).
    pub async fn next(&mut self, path: &str) -> Received {
        if let Some(i) = self.pending.iter().position(|(p, _)| p == path) {
            return self.pending.remove(i).1;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let got = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("nothing was posted to {path} within 10 s"))
                .expect("receiver channel open");
            if got.0 == path {
                return got.1;
            }
            self.pending.push(got);
        }
    }
}

// ---- where a test's absim keeps its data ------------------------------------

/// The engine a test binary runs its tests on (`crate::BACKEND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server the PostgreSQL tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("ABSIM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A PostgreSQL database made for one test (a random name), dropped when
/// this goes.
pub struct PgDatabase {
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates a database; None (with a line saying the test is skipped on
    /// PostgreSQL) when no server answers, unless ABSIM_REQUIRE_POSTGRES=1,
    /// which makes that a failure.
    pub async fn create() -> Option<PgDatabase> {
        let admin = postgres_admin_url();
        let connected = tokio::time::timeout(
            Duration::from_secs(5),
            tokio_postgres::connect(&admin, tokio_postgres::NoTls),
        )
        .await;
        let (client, connection) = match connected {
            Ok(Ok(c)) => c,
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer within 5 s".into(),
                };
                assert!(
                    std::env::var("ABSIM_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "PostgreSQL is required (ABSIM_REQUIRE_POSTGRES=1) but {admin} cannot be reached: {why}"
                );
                eprintln!("SKIPPED on PostgreSQL (no server at {admin}: {why})");
                return None;
            }
        };
        tokio::spawn(connection);
        let name = format!("absim_t_{:016x}", rand::random::<u64>());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("creating the test database {name}: {e}"));
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        Some(PgDatabase {
            name,
            url: url.to_string(),
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Dropping runs outside any runtime that could be awaited here: a
        // thread of its own with a small runtime.
        let (admin, name) = (postgres_admin_url(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let (client, connection) =
                    tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

/// A number a PostgreSQL database answers.
pub async fn pg_scalar(url: &str, sql: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// Data that outlives one absim (for restarts): a SQLite file in a
/// temporary folder, or a PostgreSQL database, as the binary's backend
/// says.
pub enum Storage {
    Sqlite(tempfile::TempDir),
    Postgres(PgDatabase),
}

impl Storage {
    pub async fn durable() -> Storage {
        if crate::BACKEND == Backend::Postgres
            && let Some(db) = PgDatabase::create().await
        {
            return Storage::Postgres(db);
        }
        Storage::Sqlite(tempfile::tempdir().unwrap())
    }

    /// A number the database answers (SQL both engines read alike).
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Storage::Sqlite(dir) => rusqlite::Connection::open(dir.path().join("absim.db"))
                .unwrap()
                .query_row(sql, [], |r| r.get(0))
                .unwrap(),
            Storage::Postgres(db) => pg_scalar(&db.url, sql).await,
        }
    }

    /// Settings that keep the data here.
    pub fn settings(&self) -> impl Fn(&mut Settings) + Clone + use<> {
        let (dir, url) = match self {
            Storage::Sqlite(dir) => (Some(dir.path().to_path_buf()), None),
            Storage::Postgres(db) => (None, Some(db.url.clone())),
        };
        move |s: &mut Settings| {
            s.data_dir = dir.clone();
            s.database_url = url
                .as_deref()
                .map(|u| absim::store::DatabaseUrl::parse(u).unwrap());
        }
    }
}

/// absim running on a free port, with a receiver for its outbound posts.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub receiver: Receiver,
    /// Every document absim emitted during the test, for the DTD check.
    pub emitted: Vec<(String, String)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    /// The database made for this absim alone (PostgreSQL binary).
    _database: Option<PgDatabase>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts absim with test settings: in memory, no delays, the receiver as
/// the buyer's endpoints; `adjust` changes them further.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(adjust, true).await
}

/// Like [`spawn_app_with`], but no delivery worker runs: the test steps it
/// with `absim::outbound::deliver_next`.
pub async fn spawn_app_steppable(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(adjust, false).await
}

async fn spawn(adjust: impl FnOnce(&mut Settings), worker: bool) -> TestApp {
    spawn_with_receiver(Receiver::start().await, adjust, worker).await
}

/// Starts absim with a given receiver (to keep the buyer across a restart).
pub async fn spawn_with_receiver(
    receiver: Receiver,
    adjust: impl FnOnce(&mut Settings),
    worker: bool,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut settings = Settings {
        addr,
        base_url: format!("http://{addr}"),
        data_dir: None,
        identity: Some(IDENTITY.into()),
        shared_secret: Some(SECRET.into()),
        order_confirmation_url: Some(receiver.url("/confirm")),
        ship_notice_url: Some(receiver.url("/ship")),
        invoice_url: Some(receiver.url("/invoice")),
        confirmation_delay: Duration::ZERO,
        ship_notice_delay: Duration::ZERO,
        ..Settings::default()
    };
    adjust(&mut settings);
    // On PostgreSQL, an absim the test did not give a place of its own gets
    // a fresh database (the SQLite default is memory).
    let mut database = None;
    if crate::BACKEND == Backend::Postgres
        && settings.database_url.is_none()
        && settings.data_dir.is_none()
        && let Some(db) = PgDatabase::create().await
    {
        settings.database_url = Some(absim::store::DatabaseUrl::parse(&db.url).unwrap());
        database = Some(db);
    }
    let state = AppState::new(settings).await.expect("absim starts");
    let run_state = state.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stop_rx.await;
    };
    let server = tokio::spawn(async move {
        if worker {
            absim::run(listener, run_state, shutdown).await.unwrap()
        } else {
            axum::serve(listener, absim::app(run_state.clone()))
                .with_graceful_shutdown(shutdown)
                .await
                .unwrap();
            run_state.store.close().await;
        }
    });
    TestApp {
        base: format!("http://{addr}"),
        state,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(5))
            // Tests move the clock past absim's keep-alive timeout; fresh
            // connections keep them from racing a closing one.
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        receiver,
        emitted: Vec::new(),
        stop: Some(stop_tx),
        server: Some(server),
        _database: database,
    }
}

/// An HTTP answer, read whole.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub url: String,
}

impl Reply {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The cXML Status of a cXML answer: (code, text, message).
    pub fn cxml_status(&self) -> (u16, String, String) {
        let status = absim::cxml::read::read_status(self.body.as_bytes())
            .unwrap_or_else(|e| panic!("not a cXML Response ({e}): {}", self.body));
        (status.code, status.text, status.message)
    }
}

pub async fn reply(r: reqwest::Response) -> Reply {
    let status = r.status().as_u16();
    let url = r.url().to_string();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Reply {
        status,
        content_type,
        url,
        body: r.text().await.unwrap(),
    }
}

impl TestApp {
    /// Shuts absim down gracefully (as on SIGTERM) and gives back the
    /// receiver, so that a new absim can be started for the same buyer
    /// (on the same [`Storage`]).
    pub async fn stop(mut self) -> Receiver {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
        self.receiver
    }

    /// The default group as stored now.
    pub async fn group(&self) -> absim::domain::Group {
        self.state.default_group().await.unwrap()
    }

    pub async fn po_url(&self) -> String {
        self.state.po_url(&self.group().await)
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub async fn post_xml(&self, path: &str, body: &str) -> Reply {
        let r = self
            .http
            .post(self.url(path))
            .header("content-type", "text/xml; charset=utf-8")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        reply(r).await
    }

    pub async fn post_punchout_setup(&self, body: &str) -> Reply {
        self.post_xml("/eprocurement/punchout", body).await
    }

    pub async fn post_order(&self, body: &str) -> Reply {
        self.post_xml(&self.po_url().await, body).await
    }

    /// The request journal through the JSON API (`query`: `?status=404`,
    /// `?direction=out`, or empty).
    pub async fn journal(&self, query: &str) -> serde_json::Value {
        self.http
            .get(self.url(&format!("/api/v1/journal{query}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn get_page(&self, path: &str) -> Reply {
        reply(self.http.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn get_page_lang(&self, path: &str, accept_language: &str) -> Reply {
        let r = self
            .http
            .get(self.url(path))
            .header("accept-language", accept_language)
            .send()
            .await
            .unwrap();
        reply(r).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        reply(
            self.http
                .post(self.url(path))
                .form(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Opens a punchout session and returns its StartPage URL.
    pub async fn punch_out(&mut self) -> String {
        let setup = setup_request(IDENTITY, SECRET, &self.receiver.url("/hook"));
        let r = self.post_punchout_setup(&setup).await;
        assert_eq!(r.status, 200, "{}", r.body);
        self.emitted.push(("setup-response".into(), r.body.clone()));
        start_page(&r.body)
    }

    /// Checks every emitted document against the cXML DTDs with
    /// `../shared/tools/validate-cxml` when `../shared` exists.
    pub fn validate_emitted(&self) {
        validate_documents(&self.emitted);
    }
}

/// The StartPage URL of a PunchOutSetupResponse.
pub fn start_page(body: &str) -> String {
    let doc =
        absim::cxml::read::<absim::cxml::punchout_setup::PunchOutSetupResponse>(body.as_bytes())
            .unwrap_or_else(|e| panic!("not a setup response ({e}): {body}"));
    doc.doc
        .payload()
        .expect("a StartPage")
        .start_page
        .url
        .clone()
}

/// The storefront session id at the end of a StartPage URL.
pub fn session_id(start_page_url: &str) -> String {
    start_page_url.rsplit('/').next().unwrap().to_owned()
}

fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.join("tools/validate-cxml").exists().then_some(dir)
}

/// Reads a sample from `../shared/cxml/samples`, if present.
pub fn shared_sample(name: &str) -> Option<String> {
    let dir = shared_dir()?;
    std::fs::read_to_string(dir.join("cxml/samples").join(name)).ok()
}

/// Runs validate-cxml over the documents. Skips (saying so) where
/// `../shared` or xmllint is missing, except under CI, where xmllint must be
/// there.
pub fn validate_documents(docs: &[(String, String)]) {
    let Some(shared) = shared_dir() else {
        eprintln!("DTD check skipped: ../shared/tools/validate-cxml is not there");
        return;
    };
    let have_xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok();
    if !have_xmllint {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is missing under CI: .ci/run must install libxml2-utils"
        );
        eprintln!("DTD check skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return;
    }
    assert!(!docs.is_empty(), "no documents to validate");
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, (name, body)) in docs.iter().enumerate() {
        let p = dir.path().join(format!("{i:02}-{name}.xml"));
        std::fs::write(&p, body).unwrap();
        paths.push(p);
    }
    let out = std::process::Command::new("bash")
        .arg(shared.join("tools/validate-cxml"))
        .args(&paths)
        .output()
        .expect("validate-cxml runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "absim emitted DTD-invalid cXML:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("VALID")).count(),
        docs.len(),
        "{text}"
    );
}

/// A PunchOutSetupRequest as a buyer sends it.
pub fn setup_request(identity: &str, secret: &str, hook: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="{}@buyer.example" timestamp="2026-11-29T10:00:00+09:00">
  <Header>
    <From><Credential domain="NetworkId"><Identity>{identity}</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
    <Sender><Credential domain="NetworkId"><Identity>{identity}</Identity><SharedSecret>{secret}</SharedSecret></Credential><UserAgent>absim tests</UserAgent></Sender>
  </Header>
  <Request deploymentMode="test">
    <PunchOutSetupRequest operation="create">
      <BuyerCookie>cookie-42</BuyerCookie>
      <Extrinsic name="UserEmail">tanaka@example.co.jp</Extrinsic>
      <BrowserFormPost><URL>{hook}</URL></BrowserFormPost>
    </PunchOutSetupRequest>
  </Request>
</cXML>"#,
        unique()
    )
}

/// A fresh id for payloadIDs and orderIDs.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// One line of an OrderRequest.
#[derive(Clone, Copy)]
pub struct PoLine<'a> {
    pub asin: &'a str,
    pub aux: Option<&'a str>,
    pub quantity: u32,
    pub price: &'a str,
}

/// The guide's desk (B087JWRCP5 at 16182 yen), once: the line most tests
/// order.
pub const DESK_LINE: PoLine<'static> = PoLine {
    asin: "B087JWRCP5",
    aux: None,
    quantity: 1,
    price: "16182",
};

/// A new PO for the guide's desk, not linked to a punchout, with its own
/// payloadID.
pub fn desk_po(order_id: &str) -> String {
    order_request(
        &format!("{order_id}.{}@buyer.example", unique()),
        order_id,
        "new",
        true,
        &[DESK_LINE],
    )
}

/// An OrderRequest; `header_attrs` may override `type`, and `ship_to`
/// toggles the ShipTo.
pub fn order_request(
    payload_id: &str,
    order_id: &str,
    kind: &str,
    ship_to: bool,
    lines: &[PoLine],
) -> String {
    order_request_as(IDENTITY, SECRET, payload_id, order_id, kind, ship_to, lines)
}

#[allow(clippy::too_many_arguments)]
pub fn order_request_as(
    identity: &str,
    secret: &str,
    payload_id: &str,
    order_id: &str,
    kind: &str,
    ship_to: bool,
    lines: &[PoLine],
) -> String {
    let ship_to = if ship_to {
        r#"<ShipTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">本社</Name><PostalAddress name="default"><DeliverTo>田中 太郎</DeliverTo><Street>目黒区下目黒1-8-1</Street><City>東京都</City><PostalCode>153-0064</PostalCode><Country isoCountryCode="JP">日本</Country></PostalAddress></Address></ShipTo>"#
    } else {
        ""
    };
    let items: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let aux = l
                .aux
                .map(|a| format!("<SupplierPartAuxiliaryID>{a}</SupplierPartAuxiliaryID>"))
                .unwrap_or_default();
            format!(
                r#"<ItemOut quantity="{q}" lineNumber="{n}"><ItemID><SupplierPartID>{asin}</SupplierPartID>{aux}</ItemID><ItemDetail><UnitPrice><Money currency="JPY">{price}</Money></UnitPrice><Description xml:lang="ja">品目 {n}</Description><UnitOfMeasure>EA</UnitOfMeasure><Classification domain="UNSPSC">56101703</Classification></ItemDetail></ItemOut>"#,
                q = l.quantity,
                n = i + 1,
                asin = l.asin,
                price = l.price
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="{payload_id}" timestamp="2026-11-29T10:05:00+09:00">
  <Header>
    <From><Credential domain="NetworkId"><Identity>{identity}</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
    <Sender><Credential domain="NetworkId"><Identity>{identity}</Identity><SharedSecret>{secret}</SharedSecret></Credential><UserAgent>absim tests</UserAgent></Sender>
  </Header>
  <Request deploymentMode="test">
    <OrderRequest>
      <OrderRequestHeader orderID="{order_id}" orderDate="2026-11-29T10:04:00+09:00" type="{kind}">
        <Total><Money currency="JPY">16182</Money></Total>
        {ship_to}
        <BillTo><Address><Name xml:lang="ja">経理部</Name></Address></BillTo>
      </OrderRequestHeader>
      {items}
    </OrderRequest>
  </Request>
</cXML>"#
    )
}

/// Text of the first element matching `selector`.
pub fn text_of(html: &Html, selector: &str) -> String {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text()
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Texts of every element matching `selector`, text nodes joined by one
/// space.
pub fn texts_of(html: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// An attribute of the first element matching `selector`.
pub fn attr_of(html: &Html, selector: &str, attr: &str) -> String {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .value()
        .attr(attr)
        .unwrap_or_else(|| panic!("{selector} has no {attr}"))
        .to_owned()
}

// ---- driving scenarios as a buyer would -----------------------------------

use absim::buyer::{self, BuyerConfig};
use absim::cxml::Cxml;
use absim::cxml::order_message::{ItemIn, PunchOutOrderMessage};
use absim::cxml::order_request::OrderRequest;

/// The verdict and checks of a log entry, as its page shows them.
#[derive(Debug)]
pub struct Checks {
    pub verdict: String,
    pub passed: Vec<String>,
    pub failed: Vec<String>,
    pub pending: Vec<String>,
}

impl Checks {
    pub fn all_pass(&self) -> bool {
        self.failed.is_empty() && self.pending.is_empty()
    }

    pub fn failure_mentions(&self, text: &str) -> bool {
        self.failed.iter().any(|f| f.contains(text))
    }

    pub fn assert_all_pass(&self) {
        assert!(self.all_pass(), "{self:?}");
    }

    pub fn assert_fails_with(&self, text: &str) {
        assert!(self.failure_mentions(text), "{self:?}");
    }
}

impl TestApp {
    pub fn buyer_config(&self) -> BuyerConfig {
        BuyerConfig {
            identity: IDENTITY.into(),
            shared_secret: SECRET.into(),
            hook_url: self.receiver.url("/hook"),
            user_email: "tanaka@example.co.jp".into(),
            user_agent: "absim tests".into(),
        }
    }

    /// Punches out (any operation, with the returned cart for edit and
    /// inspect) and returns the storefront session id.
    pub async fn open_store(
        &mut self,
        operation: &str,
        cart: &[ItemIn],
        scenario: Option<&str>,
    ) -> String {
        let setup =
            buyer::setup_request(&self.buyer_config(), operation, "cookie-7", cart, scenario);
        let r = self.post_punchout_setup(&setup).await;
        assert_eq!(r.status, 200, "{}", r.body);
        self.emitted
            .push((format!("setup-{operation}"), r.body.clone()));
        session_id(&start_page(&r.body))
    }

    pub async fn add_to_cart(&self, sid: &str, asin: &str, quantity: u32) -> Reply {
        self.post_form(
            &format!("/s/{sid}/cart/add"),
            &[("asin", asin), ("quantity", &quantity.to_string())],
        )
        .await
    }

    pub async fn set_line(&self, sid: &str, line: u32, quantity: u32) -> Reply {
        self.post_form(
            &format!("/s/{sid}/cart/update"),
            &[
                ("line", &line.to_string()),
                ("quantity", &quantity.to_string()),
            ],
        )
        .await
    }

    /// 承認を依頼する (or leaving without a cart): the browser posts the
    /// return page's form to the hook; the buyer reads the cart from it.
    pub async fn return_cart(&mut self, sid: &str, empty: bool) -> Cxml<PunchOutOrderMessage> {
        let form: &[(&str, &str)] = if empty { &[("empty", "1")] } else { &[] };
        let page = self.post_form(&format!("/s/{sid}/submit"), form).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let html = page.html();
        let action = attr_of(&html, "#cart-return", "action");
        let name = attr_of(&html, "#cart-return input[type=hidden]", "name");
        let value = attr_of(&html, "#cart-return input[type=hidden]", "value");
        self.http
            .post(&action)
            .form(&[(name.as_str(), value.as_str())])
            .send()
            .await
            .unwrap();
        let got = self.receiver.next("/hook").await;
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(got.body.as_bytes())
            .into_owned()
            .collect();
        let cart = buyer::cart_from_form(&fields).unwrap();
        self.emitted
            .push(("poom".into(), absim::cxml::write::document(&cart)));
        cart
    }

    /// A PO for the returned cart, as the reference buyer writes it.
    pub fn po_for(&self, cart: &Cxml<PunchOutOrderMessage>, order_id: &str) -> Cxml<OrderRequest> {
        buyer::order_request(
            &self.buyer_config(),
            cart.payload().unwrap(),
            order_id,
            &format!("{order_id}.{}@buyer.example", unique()),
        )
    }

    pub async fn send_po(&self, po: &Cxml<OrderRequest>) -> Reply {
        self.post_order(&absim::cxml::write::document(po)).await
    }

    /// Delivers everything owed, moving the clock over scheduled gaps.
    pub async fn settle(&mut self) {
        use absim::outbound::{Outcome, deliver_next};
        for _ in 0..100 {
            match deliver_next(&self.state).await.unwrap() {
                Outcome::Attempted { .. } => {}
                Outcome::NotDue(due) => {
                    let wait = (due - self.state.clock.now_ms()).max(0) as u64;
                    tokio::time::pause();
                    tokio::time::advance(Duration::from_millis(wait + 1)).await;
                    tokio::time::resume();
                }
                Outcome::Idle => return,
            }
        }
        panic!("deliveries did not settle");
    }

    /// Every document posted to the receiver's endpoints so far, kept for
    /// the DTD check.
    pub fn collect_posts(&mut self) -> Vec<(String, Received)> {
        let posts = self.receiver.drain();
        for (path, r) in &posts {
            if path != "/hook" {
                self.emitted
                    .push((path.trim_start_matches('/').into(), r.body.clone()));
            }
        }
        posts
    }

    /// The newest log entry's number.
    pub async fn last_entry(&self) -> u64 {
        let (orders, _) = self
            .state
            .store
            .orders(1, &Default::default(), 1)
            .await
            .unwrap();
        orders.first().expect("an entry").no
    }

    pub async fn checks(&self, no: u64) -> Checks {
        let page = self
            .get_page_lang(&format!("/groups/1/log/{no}"), "en")
            .await
            .html();
        Checks {
            verdict: text_of(&page, "#verdict"),
            passed: texts_of(&page, "#checks li.pass"),
            failed: texts_of(&page, "#checks li.fail"),
            pending: texts_of(&page, "#checks li.pending"),
        }
    }
}
