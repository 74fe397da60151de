//! The servers of a benchmark run: absim and the floor as child processes,
//! and the buyer's endpoints of the full flow.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;

use crate::fixtures::{IDENTITY, SECRET};

/// A running child server and where to reach it.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub po_url: String,
    /// absim counts its heap allocations on `/metrics`; the floor does not.
    pub counts_allocations: bool,
}

/// The core the servers of this run are pinned to, when pinned.
static SERVER_CORE: OnceLock<usize> = OnceLock::new();

/// Pins the servers started from now on to core 0 (the load generator is
/// on core 1, see `main`). False when the load generator could not be
/// pinned (a machine with one core).
pub fn pin_servers() -> anyhow::Result<bool> {
    let me = super::process::allowed_cores(std::process::id()).unwrap_or_default();
    if me != "1" {
        println!(
            "pinning unavailable: the load generator could not be pinned to core 1 (it runs on cores {me:?}); the figures below are unpinned"
        );
        return Ok(false);
    }
    let _ = SERVER_CORE.set(0);
    Ok(true)
}

/// Pins a server child to the run's server core (when pinned).
fn configure(command: &mut Command) -> &mut Command {
    if let Some(core) = SERVER_CORE.get() {
        command.env(crate::process::PIN_ENV, core.to_string());
    }
    command
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a benchmarked absim keeps its data.
#[derive(Debug, Clone)]
pub enum Place {
    /// SQLite in this folder.
    Dir(PathBuf),
    /// PostgreSQL, shared by replicas.
    Postgres { url: String, replica: String },
}

/// Starts absim on a free port. `delivery` is None to hold every
/// confirmation back (the PO workloads), or the receiver's base URL to
/// deliver at once (the full flow). Also says how long it took to be
/// ready.
pub fn spawn_absim(
    exe: &Path,
    place: &Place,
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
    let place_args: Vec<String> = match place {
        Place::Dir(dir) => vec!["--data-dir".into(), dir.display().to_string()],
        Place::Postgres { url, replica } => vec![
            "--database-url".into(),
            url.clone(),
            "--replica-id".into(),
            replica.clone(),
        ],
    };
    let mut child = configure(&mut Command::new(exe))
        .args(["serve", "--addr", "127.0.0.1:0", "--identity", IDENTITY])
        .args(["--shared-secret", SECRET])
        .args(&delivery_args)
        .args(
            std::env::var("ABSIM_BENCH_SERVE_ARGS")
                .ok()
                .iter()
                .flat_map(|a| a.split_whitespace()),
        )
        .args(&place_args)
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
            counts_allocations: cfg!(feature = "count-allocations"),
        },
        ready,
    ))
}

pub fn spawn_floor(exe: &Path) -> anyhow::Result<Server> {
    let mut child = configure(&mut Command::new(exe))
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
        counts_allocations: false,
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
pub async fn start_receiver() -> anyhow::Result<(String, Arc<AtomicU64>)> {
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
