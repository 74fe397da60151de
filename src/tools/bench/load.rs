//! The load generator: keep-alive HTTP/1.1 connections, each sending the
//! next request of a workload as soon as the last is answered, for a fixed
//! time; latencies in µs and their percentiles.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use tokio::net::TcpStream;

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

    pub fn get(path: &str) -> Call {
        Call {
            path: path.to_owned(),
            body: None,
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
    load_spread(&[base], connections, duration, workload).await
}

/// [`load`] over several servers (replicas of one absim): connection `i`
/// goes to `bases[i % bases.len()]`.
pub async fn load_spread(
    bases: &[&str],
    connections: usize,
    duration: Duration,
    workload: Workload,
) -> anyhow::Result<LoadResult> {
    let authorities = bases
        .iter()
        .map(|base| {
            let uri: hyper::Uri = base.parse()?;
            Ok(uri.authority().context("a host and port")?.clone())
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            let authority = authorities[i % authorities.len()].clone();
            let (counter, workload) = (counter.clone(), workload.clone());
            tokio::spawn(drive(authority, counter, workload, deadline))
        })
        .collect();
    let mut all = Driven::default();
    for t in tasks {
        let one = t.await??;
        all.latencies.extend(one.latencies);
        all.gets.extend(one.gets);
        all.errors += one.errors;
    }
    Ok(all.result(started.elapsed()))
}

/// What the connections measured: every request's latency (µs), the GETs'
/// alone, and how many requests failed.
#[derive(Default)]
struct Driven {
    latencies: Vec<u32>,
    gets: Vec<u32>,
    errors: u64,
}

impl Driven {
    /// The run's result; the GETs get percentiles of their own only when
    /// the run mixed them with POSTs.
    fn result(mut self, elapsed: Duration) -> LoadResult {
        let [p50_us, p99_us, p999_us] = percentiles(&mut self.latencies);
        let mixed = !self.gets.is_empty() && self.gets.len() < self.latencies.len();
        LoadResult {
            requests: self.latencies.len() as u64 - self.errors,
            errors: self.errors,
            elapsed,
            p50_us,
            p99_us,
            p999_us,
            gets: mixed.then(|| percentiles(&mut self.gets)),
        }
    }
}

/// One keep-alive connection to `authority`, sending the workload's next
/// request as soon as the last is answered, until `deadline`.
async fn drive(
    authority: hyper::http::uri::Authority,
    counter: Arc<AtomicU64>,
    workload: Workload,
    deadline: Instant,
) -> anyhow::Result<Driven> {
    let mut driven = Driven {
        latencies: Vec::with_capacity(100_000),
        ..Driven::default()
    };
    let stream = TcpStream::connect(authority.as_str()).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    while Instant::now() < deadline {
        let call = workload(counter.fetch_add(1, Ordering::Relaxed));
        let is_post = call.body.is_some();
        let req = request_of(call, authority.as_str())?;
        let t = Instant::now();
        let ok = match sender.send_request(req).await {
            Ok(resp) => {
                let status = resp.status();
                let bytes = resp.into_body().collect().await?.to_bytes();
                answered_ok(status.as_u16(), is_post, &bytes)
            }
            Err(_) => false,
        };
        let took = t.elapsed().as_micros() as u32;
        driven.latencies.push(took);
        if !is_post {
            driven.gets.push(took);
        }
        if !ok {
            driven.errors += 1;
        }
    }
    Ok(driven)
}

/// The HTTP request of a call: a POST of its cXML body, or a GET.
fn request_of(call: Call, host: &str) -> anyhow::Result<Request<Full<Bytes>>> {
    Ok(match call.body {
        Some(body) => Request::post(call.path.as_str())
            .header("content-type", "text/xml; charset=utf-8")
            .header("host", host)
            .body(Full::new(Bytes::from(body)))?,
        None => Request::get(call.path.as_str())
            .header("host", host)
            .body(Full::new(Bytes::new()))?,
    })
}

/// Whether a request succeeded: a POST when answered 200 with a cXML 200,
/// a GET when answered 200.
fn answered_ok(status: u16, is_post: bool, body: &[u8]) -> bool {
    status == 200 && (!is_post || memchr_ok(body))
}

/// p50, p99 and p99.9 of latencies in µs.
pub fn percentiles(all: &mut [u32]) -> [u64; 3] {
    all.sort_unstable();
    [0.50, 0.99, 0.999].map(|p| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .map_or(0, |v| u64::from(*v))
    })
}

/// Whether an answer carries a cXML Status 200.
pub fn memchr_ok(body: &[u8]) -> bool {
    const OK: &[u8] = b"code=\"200\"";
    body.windows(OK.len()).any(|w| w == OK)
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentiles_pick_the_ranked_latency() {
        let mut latencies: Vec<u32> = (1..=1000).rev().collect();
        assert_eq!(super::percentiles(&mut latencies), [501, 991, 1000]);
        assert_eq!(super::percentiles(&mut []), [0, 0, 0]);
    }

    #[test]
    fn a_post_succeeds_only_with_a_cxml_200_and_a_get_with_http_200() {
        let ok = br#"<Status code="200" text="OK"/>"#;
        let refused = br#"<Status code="400" text="Bad Request"/>"#;
        assert!(super::answered_ok(200, true, ok));
        assert!(!super::answered_ok(200, true, refused));
        assert!(!super::answered_ok(500, true, ok));
        assert!(super::answered_ok(200, false, b"<html/>"));
        assert!(!super::answered_ok(404, false, b"<html/>"));
    }

    #[test]
    fn the_gets_have_percentiles_of_their_own_only_in_a_mixed_run() {
        let mixed = super::Driven {
            latencies: vec![10, 20, 30],
            gets: vec![10, 20],
            errors: 1,
        };
        let r = mixed.result(std::time::Duration::from_secs(1));
        assert_eq!((r.requests, r.errors), (2, 1));
        assert_eq!(r.gets, Some([20, 20, 20]));
        let only_gets = super::Driven {
            latencies: vec![10, 20],
            gets: vec![10, 20],
            errors: 0,
        };
        assert_eq!(
            only_gets.result(std::time::Duration::from_secs(1)).gets,
            None
        );
    }
}
