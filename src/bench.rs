//! `absim bench`: the load benchmark. It starts absim (this executable, as
//! a child process with a durable store in a temporary directory) and, in the
//! same run, a floor server (a bare hyper handler answering a fixed cXML
//! Response, also a child process), drives both with the same client at each
//! connection count for a fixed time, and prints requests/s, latency
//! percentiles, errors and absim's ratio to the floor. Then it fills the
//! store to a number of orders and reports the database size per order, the
//! resident memory, and the start-up time with that many orders stored.
//!
//! Every figure is a ratio against the floor measured in the same run,
//! because these machines are noisy.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use tokio::net::TcpStream;

use crate::cli::{BenchArgs, BenchWorkload};

const IDENTITY: &str = "BenchBuyer01";
const SECRET: &str = "benchSecret01";

/// A running child server and where to reach it.
struct Server {
    child: Child,
    base: String,
    po_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts absim on a free port. `delivery` is None to hold every
/// confirmation back (the PO workloads), or the receiver's base URL to
/// deliver at once (the full flow).
fn spawn_absim(
    exe: &Path,
    data_dir: &Path,
    delivery: Option<&str>,
) -> anyhow::Result<(Server, Duration)> {
    let started = Instant::now();
    let delivery_args = match delivery {
        None => vec!["--confirmation-delay".to_owned(), "86400".to_owned()],
        Some(r) => vec![
            "--confirmation-delay".into(),
            "0".into(),
            "--ship-notice-delay".into(),
            "0".into(),
            "--order-confirmation-url".into(),
            format!("{r}/confirm"),
            "--ship-notice-url".into(),
            format!("{r}/ship"),
        ],
    };
    let mut child = Command::new(exe)
        .args(["serve", "--addr", "127.0.0.1:0", "--identity", IDENTITY])
        .args(["--shared-secret", SECRET])
        .args(&delivery_args)
        .args(
            std::env::var("ABSIM_BENCH_SERVE_ARGS")
                .ok()
                .iter()
                .flat_map(|a| a.split_whitespace()),
        )
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting absim")?;
    let mut lines = BufReader::new(child.stdout.take().context("absim's stdout")?).lines();
    let (mut base, mut po_url) = (String::new(), String::new());
    for line in lines.by_ref() {
        let line = line?;
        if let Some(u) = line.split("PO Request URL:").nth(1) {
            po_url = u.trim().to_owned();
        }
        if let Some(u) = line.split("(test UI):").nth(1) {
            base = u.trim().trim_end_matches('/').to_owned();
            break;
        }
    }
    anyhow::ensure!(
        !po_url.is_empty() && !base.is_empty(),
        "absim did not print its URLs"
    );
    let ready = started.elapsed();
    std::thread::spawn(move || for _ in lines {});
    Ok((
        Server {
            child,
            base,
            po_url,
        },
        ready,
    ))
}

fn spawn_floor(exe: &Path) -> anyhow::Result<Server> {
    let mut child = Command::new(exe)
        .arg("bench-floor")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the floor server")?;
    let mut lines = BufReader::new(child.stdout.take().context("floor's stdout")?).lines();
    let addr = lines.next().context("the floor printed no address")??;
    std::thread::spawn(move || for _ in lines {});
    let base = format!("http://{}", addr.trim());
    Ok(Server {
        child,
        po_url: format!("{base}/po/floor"),
        base,
    })
}

/// `absim bench-floor`: a bare hyper server answering every request with a
/// fixed cXML Response. Prints its address, then serves until killed.
pub async fn floor() -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?);
    serve_fixed(listener, |_| {}).await?;
    Ok(())
}

/// The fixed answer of the floor server and the full flow's receiver.
const CXML_OK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="1.1.1@floor" timestamp="2026-01-01T00:00:00+09:00"><Response><Status code="200" text="OK"/></Response></cXML>"#;

/// Answers every request on `listener` with [`CXML_OK`] after reading its
/// body (as absim does), telling `seen` each request's path.
async fn serve_fixed(
    listener: tokio::net::TcpListener,
    seen: impl Fn(&str) + Clone + Send + Sync + 'static,
) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let seen = seen.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                seen(req.uri().path());
                async move {
                    let _ = req.into_body().collect().await;
                    Ok::<_, std::convert::Infallible>(
                        hyper::Response::builder()
                            .header("content-type", "text/xml; charset=utf-8")
                            .body(Full::new(Bytes::from_static(CXML_OK)))
                            .expect("a fixed response"),
                    )
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The buyer endpoints of the full flow: answers every post with a cXML 200
/// and counts the ship notices.
async fn start_receiver() -> anyhow::Result<(String, Arc<AtomicU64>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let ships = Arc::new(AtomicU64::new(0));
    let counter = ships.clone();
    tokio::spawn(serve_fixed(listener, move |path| {
        if path == "/ship" {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }));
    Ok((base, ships))
}

/// One whole order as a procurement system makes it: punchout, three cart
/// lines through the JSON API, checkout, the PO for the returned cart.
async fn one_flow(http: &reqwest::Client, base: &str, po_url: &str, n: u64) -> anyhow::Result<()> {
    let sid = open_session(http, base, n).await?;
    http.put(format!("{base}/api/v1/sessions/{sid}/cart"))
        .header("content-type", "application/json")
        .body(r#"{"lines":[{"asin":"B087JWRCP5","quantity":1},{"asin":"B0009YD7P2","quantity":2},{"asin":"B000FQTVQK","quantity":1}]}"#)
        .send()
        .await?
        .error_for_status()?;
    let checkout: serde_json::Value = serde_json::from_slice(
        &http
            .post(format!("{base}/api/v1/sessions/{sid}/checkout"))
            .header("content-type", "application/json")
            .body(r#"{"empty":false,"post":false}"#)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?,
    )?;
    let poom = checkout["punch_out_order_message"]
        .as_str()
        .unwrap_or_default();
    let cart = crate::cxml::read::read::<crate::cxml::order_message::PunchOutOrderMessage>(
        poom.as_bytes(),
    )?;
    let cfg = bench_buyer();
    let po = crate::buyer::order_request(
        &cfg,
        cart.doc.payload().context("an empty checkout")?,
        &format!("FLOW-{n}"),
        &format!("flow-{n}@bench"),
    );
    let answer = http
        .post(po_url)
        .body(crate::cxml::write::document(&po))
        .send()
        .await?;
    anyhow::ensure!(answer.status() == 200, "the PO got {}", answer.status());
    Ok(())
}

/// The full flow for `duration` with `connections` buyers at once; then
/// waits (up to 30 s) for every ship notice. Completed orders per second
/// counts orders whose ship notice reached the receiver.
async fn full_flow(
    exe: &Path,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<(u64, u64, Duration, LoadResult)> {
    let dir = tempfile_dir()?.join(format!("flow-{connections}"));
    std::fs::create_dir_all(&dir)?;
    let (receiver, ships) = start_receiver().await?;
    let (absim, _) = spawn_absim(exe, &dir, Some(&receiver))?;
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (base, po_url, counter) = (absim.base.clone(), absim.po_url.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let (mut latencies, mut errors) = (Vec::new(), 0u64);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if one_flow(&http, &base, &po_url, n).await.is_err() {
                    errors += 1;
                }
                latencies.push(t.elapsed().as_micros() as u32);
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, err) = t.await?;
        all.extend(lat);
        errors += err;
    }
    let placed = all.len() as u64 - errors;
    let wait_until = Instant::now() + Duration::from_secs(30);
    while ships.load(Ordering::Relaxed) < placed && Instant::now() < wait_until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let completed = ships.load(Ordering::Relaxed);
    let [p50_us, p99_us, p999_us] = percentiles(&mut all);
    let flows = LoadResult {
        requests: placed,
        errors,
        elapsed,
        p50_us,
        p99_us,
        p999_us,
        gets: None,
    };
    drop(absim);
    let _ = std::fs::remove_dir_all(&dir);
    Ok((completed, placed, elapsed, flows))
}

fn bench_buyer() -> crate::buyer::BuyerConfig {
    crate::buyer::BuyerConfig {
        identity: IDENTITY.into(),
        shared_secret: SECRET.into(),
        hook_url: "http://127.0.0.1:9/hook".into(),
        user_email: "bench@example.co.jp".into(),
        user_agent: "absim bench".into(),
    }
}

/// The path (and query) of a URL.
fn path_of(url: &str) -> String {
    url.parse::<hyper::Uri>()
        .ok()
        .and_then(|u| u.path_and_query().map(|p| p.to_string()))
        .unwrap_or_else(|| "/".into())
}

/// A PunchOutSetupRequest with a unique payloadID, from the bench buyer.
pub fn setup_request(n: u64) -> String {
    let cfg = bench_buyer();
    crate::buyer::setup_request(&cfg, "create", &format!("bench-{n}"), &[], None)
}

/// Punches out once and gives the storefront session id.
async fn open_session(http: &reqwest::Client, base: &str, n: u64) -> anyhow::Result<String> {
    let answer = http
        .post(format!("{base}/eprocurement/punchout"))
        .header("content-type", "text/xml")
        .body(setup_request(n))
        .send()
        .await?
        .bytes()
        .await?;
    let doc =
        crate::cxml::read::read::<crate::cxml::punchout_setup::PunchOutSetupResponse>(&answer)?;
    let url = doc
        .doc
        .payload()
        .map(|p| p.start_page.url.clone())
        .context("the punchout answer has no StartPage")?;
    Ok(url.rsplit('/').next().unwrap_or_default().to_owned())
}

/// A 3 KB OrderRequest with a unique orderID and payloadID.
pub fn order_request(n: u64, lines: usize) -> String {
    let items: String = (1..=lines)
        .map(|i| {
            format!(
                r#"
      <ItemOut quantity="1" lineNumber="{i}">
        <ItemID><SupplierPartID>B087JWRCP5</SupplierPartID><SupplierPartAuxiliaryID>000-0000000-0000000,{i}</SupplierPartAuxiliaryID></ItemID>
        <ItemDetail>
          <UnitPrice><Money currency="JPY">16182.00</Money></UnitPrice>
          <Description xml:lang="ja">[山善] パソコンデスク (手動昇降式) 幅81cm 在宅勤務 ゲーミングデスク マットブラック</Description>
          <UnitOfMeasure>EA</UnitOfMeasure>
          <Classification domain="UNSPSC">56101703</Classification>
          <ManufacturerPartID>CGD-8055(MBK)</ManufacturerPartID>
          <ManufacturerName>山善(YAMAZEN)</ManufacturerName>
          <Extrinsic name="soldBy">Amazon.co.jp</Extrinsic>
          <Extrinsic name="fulfilledBy">Amazon</Extrinsic>
          <Extrinsic name="category">FURNITURE</Extrinsic>
        </ItemDetail>
      </ItemOut>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="{n}.{pid}@bench.example" timestamp="2026-11-29T10:05:00+09:00" xml:lang="ja-JP">
  <Header>
    <From><Credential domain="NetworkId"><Identity>{IDENTITY}</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
    <Sender><Credential domain="NetworkId"><Identity>{IDENTITY}</Identity><SharedSecret>{SECRET}</SharedSecret></Credential><UserAgent>absim bench</UserAgent></Sender>
  </Header>
  <Request deploymentMode="test">
    <OrderRequest>
      <OrderRequestHeader orderID="BENCH-{pid}-{n}" orderDate="2026-11-29T10:04:00+09:00" type="new">
        <Total><Money currency="JPY">16182.00</Money></Total>
        <ShipTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">本社</Name><PostalAddress name="default"><DeliverTo>田中 太郎</DeliverTo><Street>目黒区下目黒1-8-1</Street><City>東京都</City><PostalCode>153-0064</PostalCode><Country isoCountryCode="JP">日本</Country></PostalAddress></Address></ShipTo>
        <BillTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">経理部</Name><PostalAddress name="default"><Street>目黒区下目黒1-8-1</Street><City>東京都</City><PostalCode>153-0064</PostalCode><Country isoCountryCode="JP">日本</Country></PostalAddress></Address></BillTo>
        <Contact role="endUser"><Name xml:lang="ja">田中 太郎</Name><Email>tanaka@example.co.jp</Email></Contact>
      </OrderRequestHeader>{items}
    </OrderRequest>
  </Request>
</cXML>"#,
        pid = std::process::id()
    )
}

/// What one load run measured.
#[derive(Debug, Clone)]
pub struct LoadResult {
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub p50_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    /// p50, p99 and p99.9 of the GET requests alone, when the run mixed
    /// GETs and POSTs.
    pub gets: Option<[u64; 3]>,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// One request of a workload: a POST of a cXML body, or a GET of a page.
pub struct Call {
    pub path: String,
    /// None: a GET.
    pub body: Option<String>,
}

impl Call {
    pub fn post(path: &str, body: String) -> Call {
        Call {
            path: path.to_owned(),
            body: Some(body),
        }
    }
}

/// Makes the `n`th request of a run.
pub type Workload = Arc<dyn Fn(u64) -> Call + Send + Sync>;

/// Drives the server at `base` with `connections` keep-alive HTTP/1.1
/// connections for `duration`, the `n`th request made by `workload(n)`. A
/// POST counts as an error unless it is answered 200 with a cXML 200; a GET
/// unless it is answered 200.
pub async fn load(
    base: &str,
    connections: usize,
    duration: Duration,
    workload: Workload,
) -> anyhow::Result<LoadResult> {
    let uri: hyper::Uri = base.parse()?;
    let authority = uri.authority().context("a host and port")?.clone();
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (authority, counter, workload) = (authority.clone(), counter.clone(), workload.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(100_000);
            let mut gets = Vec::new();
            let mut errors = 0u64;
            let stream = TcpStream::connect(authority.as_str()).await?;
            stream.set_nodelay(true)?;
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let call = workload(n);
                let is_post = call.body.is_some();
                let req = match call.body {
                    Some(body) => Request::post(call.path.as_str())
                        .header("content-type", "text/xml; charset=utf-8")
                        .header("host", authority.as_str())
                        .body(Full::new(Bytes::from(body)))?,
                    None => Request::get(call.path.as_str())
                        .header("host", authority.as_str())
                        .body(Full::new(Bytes::new()))?,
                };
                let t = Instant::now();
                let ok = match sender.send_request(req).await {
                    Ok(resp) => {
                        let status = resp.status();
                        let bytes = resp.into_body().collect().await?.to_bytes();
                        status == 200 && (!is_post || memchr_ok(&bytes))
                    }
                    Err(_) => false,
                };
                let took = t.elapsed().as_micros() as u32;
                latencies.push(took);
                if !is_post {
                    gets.push(took);
                }
                if !ok {
                    errors += 1;
                }
            }
            anyhow::Ok((latencies, gets, errors))
        }));
    }
    let (mut all, mut gets) = (Vec::new(), Vec::new());
    let mut errors = 0;
    for t in tasks {
        let (lat, get, err) = t.await??;
        all.extend(lat);
        gets.extend(get);
        errors += err;
    }
    let elapsed = started.elapsed();
    let [p50_us, p99_us, p999_us] = percentiles(&mut all);
    Ok(LoadResult {
        requests: all.len() as u64 - errors,
        errors,
        elapsed,
        p50_us,
        p99_us,
        p999_us,
        gets: (!gets.is_empty() && gets.len() < all.len()).then(|| percentiles(&mut gets)),
    })
}

/// p50, p99 and p99.9 of latencies in µs.
fn percentiles(all: &mut [u32]) -> [u64; 3] {
    all.sort_unstable();
    [0.50, 0.99, 0.999].map(|p| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .map_or(0, |v| u64::from(*v))
    })
}

/// Whether an answer carries a cXML Status 200.
fn memchr_ok(body: &[u8]) -> bool {
    const OK: &[u8] = b"code=\"200\"";
    body.windows(OK.len()).any(|w| w == OK)
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn row(name: &str, conns: usize, r: &LoadResult, floor: Option<&LoadResult>) -> String {
    let ratio = floor
        .map(|f| format!("{:.2}x", r.per_second() / f.per_second().max(1.0)))
        .unwrap_or_else(|| "—".into());
    format!(
        "| {name} | {conns} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {ratio} |",
        r.per_second(),
        r.p50_us as f64 / 1000.0,
        r.p99_us as f64 / 1000.0,
        r.p999_us as f64 / 1000.0,
        r.errors
    )
}

/// Orders in the store, read from the database file (read-only, WAL lets
/// absim keep writing).
fn count_orders(dir: &Path) -> anyhow::Result<u64> {
    let db = rusqlite::Connection::open_with_flags(
        dir.join("absim.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    Ok(db.query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0))? as u64)
}

/// Runs the whole benchmark and prints the tables.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let dir = tempfile_dir()?;
    let duration = Duration::from_secs(args.duration);
    let (absim, ready) = spawn_absim(&exe, &dir, None)?;
    let floor = spawn_floor(&exe)?;
    println!(
        "absim bench: {} s per run, connections {:?}, data in {}",
        args.duration,
        args.connections,
        dir.display()
    );
    println!(
        "absim at {} started in {:.0} ms with an empty store; floor at {}",
        absim.base,
        ready.as_secs_f64() * 1000.0,
        floor.base
    );
    println!();
    println!(
        "| workload | connections | requests/s | p50 ms | p99 ms | p99.9 ms | errors | ratio to floor |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let floor_po = path_of(&floor.po_url);
    let absim_po = path_of(&absim.po_url);
    let offset = Arc::new(AtomicU64::new(1_000_000_000));
    // A PO workload whose orderIDs never repeat across runs.
    let pos = |path: String| -> Workload {
        let base = offset.fetch_add(10_000_000, Ordering::Relaxed);
        Arc::new(move |n| Call::post(&path, order_request(base + n, 1)))
    };
    let setups: Workload = Arc::new(|n| Call::post("/eprocurement/punchout", setup_request(n)));
    // 90% storefront page views in one punchout session, 10% POs. The
    // session is opened just before the run: the punchout workload fills the
    // session bound and evicts older ones.
    let mixed = |po_path: String, sid: String| -> Workload {
        let base = offset.fetch_add(10_000_000, Ordering::Relaxed);
        let pages = [
            format!("/s/{sid}"),
            format!("/s/{sid}/search?q=%E3%83%87%E3%82%B9%E3%82%AF"),
            format!("/s/{sid}/dp/B087JWRCP5"),
            format!("/s/{sid}/cart"),
        ];
        Arc::new(move |n| {
            if n % 10 == 9 {
                Call::post(&po_path, order_request(base + n, 1))
            } else {
                Call {
                    path: pages[(n % 4) as usize].clone(),
                    body: None,
                }
            }
        })
    };
    // Warm up both servers.
    load(
        &floor.base,
        8,
        Duration::from_secs(1),
        pos(floor_po.clone()),
    )
    .await?;
    load(
        &absim.base,
        8,
        Duration::from_secs(1),
        pos(absim_po.clone()),
    )
    .await?;
    for &c in &args.connections {
        for (workload, name) in [
            (BenchWorkload::Po, "PO intake, durable commit"),
            (BenchWorkload::Setup, "punchout setup"),
            (BenchWorkload::Mixed, "mixed: 90% storefront pages, 10% POs"),
        ] {
            if !args.workloads.contains(&workload) {
                continue;
            }
            let (on_floor, on_absim) = match workload {
                BenchWorkload::Setup => (setups.clone(), setups.clone()),
                BenchWorkload::Po => (pos(floor_po.clone()), pos(absim_po.clone())),
                _ => {
                    let sid = open_session(&reqwest::Client::new(), &absim.base, 0).await?;
                    (
                        mixed(floor_po.clone(), sid.clone()),
                        mixed(absim_po.clone(), sid),
                    )
                }
            };
            let f = load(&floor.base, c, duration, on_floor).await?;
            let a = load(&absim.base, c, duration, on_absim).await?;
            println!("{}", row(&format!("floor, for {name}"), c, &f, None));
            println!("{}", row(name, c, &a, Some(&f)));
            if let Some([p50, p99, p999]) = a.gets {
                let ms = |us: u64| us as f64 / 1000.0;
                println!(
                    "| the storefront pages of that run | {c} | | {:.2} | {:.2} | {:.2} | | |",
                    ms(p50),
                    ms(p99),
                    ms(p999)
                );
            }
        }
    }
    if args.workloads.contains(&BenchWorkload::Flow) {
        println!();
        println!(
            "| full flow (setup, cart by API, checkout, PO, confirmation and ship notice delivered) | connections | completed orders/s | orders placed | ship notices received | p50 ms per order | p99 ms per order | errors |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        for &c in &args.connections {
            let (completed, placed, elapsed, flows) = full_flow(&exe, c, duration).await?;
            println!(
                "| full flow | {c} | {:.0} | {placed} | {completed} | {:.2} | {:.2} | {} |",
                completed as f64 / elapsed.as_secs_f64(),
                flows.p50_us as f64 / 1000.0,
                flows.p99_us as f64 / 1000.0,
                flows.errors
            );
        }
    }

    if args.orders > 0 {
        let stored = count_orders(&dir)?;
        if stored < args.orders {
            let base = offset.fetch_add(1_000_000_000, Ordering::Relaxed);
            let po_path = absim_po.clone();
            let body: Workload =
                Arc::new(move |n| Call::post(&po_path, order_request(base + n, 1)));
            // Fill in slices until the store holds enough orders.
            let mut have = stored;
            while have < args.orders {
                let r = load(&absim.base, 32, Duration::from_secs(2), body.clone()).await?;
                have += r.requests;
            }
        }
        let stored = count_orders(&dir)?;
        let rss = rss_kb(absim.child.id()).unwrap_or(0);
        let size = dir_size(&dir);
        println!();
        println!("| measure | value |");
        println!("|---|---|");
        println!("| orders stored | {stored} |");
        println!("| RSS of absim | {:.1} MB |", rss as f64 / 1024.0);
        println!(
            "| database size | {:.1} MB ({:.0} bytes per order, documents included) |",
            size as f64 / 1_048_576.0,
            size as f64 / stored.max(1) as f64
        );
        drop(absim);
        let (again, ready) = spawn_absim(&exe, &dir, None)?;
        println!(
            "| start-up with {stored} orders stored | {:.0} ms |",
            ready.as_secs_f64() * 1000.0
        );
        drop(again);
    }
    drop(floor);
    if !args.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("absim-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentiles_pick_the_ranked_latency() {
        let mut latencies: Vec<u32> = (1..=1000).rev().collect();
        assert_eq!(super::percentiles(&mut latencies), [501, 991, 1000]);
        assert_eq!(super::percentiles(&mut []), [0, 0, 0]);
    }
}
