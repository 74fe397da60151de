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
    let mut tasks = Vec::new();
    for i in 0..connections {
        let authority = authorities[i % authorities.len()].clone();
        let (counter, workload) = (counter.clone(), workload.clone());
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
}
