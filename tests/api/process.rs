//! The absim binary as an operator runs it: killed with SIGKILL while POs
//! arrive (nothing that was answered `200 OK` is lost or half-written), and
//! stopped with SIGTERM (in-flight work finishes, the queue is kept).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::*;

struct Running {
    child: Child,
    po_url: String,
    /// What absim printed up to its PO Request URL.
    banner: Vec<String>,
}

/// Starts the binary on a free port and reads the PO Request URL it prints.
fn start(dir: &Path) -> Running {
    start_with(dir, |c| {
        c.args(["--confirmation-delay", "3600"]);
    })
}

/// [`start`] with the command adjusted first (more flags, environment,
/// stderr; stderr is discarded unless `adjust` says otherwise).
fn start_with(dir: &Path, adjust: impl FnOnce(&mut Command)) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_absim"));
    command
        .args([
            "--addr",
            "127.0.0.1:0",
            "--identity",
            IDENTITY,
            "--shared-secret",
            SECRET,
        ])
        .arg("--data-dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    adjust(&mut command);
    let mut child = command.spawn().expect("the absim binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    let po_url = loop {
        let line = lines
            .next()
            .expect("absim printed its connection values")
            .unwrap();
        banner.push(line.clone());
        if let Some(url) = line.split("PO Request URL:").nth(1) {
            break url.trim().to_owned();
        }
    };
    // Keep reading so that absim never writes into a closed pipe.
    std::thread::spawn(move || for _ in lines {});
    Running {
        child,
        po_url,
        banner,
    }
}

/// What absim writes to stderr (piped by the caller), whole once it exits.
fn read_log(child: &mut Child) -> std::thread::JoinHandle<String> {
    let stderr = child.stderr.take().expect("stderr is piped");
    std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn po(order_id: &str) -> String {
    order_request(
        &format!("{order_id}@crash.example"),
        order_id,
        "new",
        true,
        &[DESK_LINE],
    )
}

fn open_db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("absim.db")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_pos_arrive_loses_nothing_that_was_answered_ok() {
    let dir = tempfile::tempdir().unwrap();
    let mut absim = start(dir.path());
    let accepted = Arc::new(Mutex::new(Vec::<String>::new()));
    let client = reqwest::Client::new();
    let mut senders = Vec::new();
    for worker in 0..8 {
        let (client, url, accepted) = (client.clone(), absim.po_url.clone(), accepted.clone());
        senders.push(tokio::spawn(async move {
            for n in 0.. {
                let id = format!("CRASH-{worker}-{n}");
                let Ok(r) = client
                    .post(&url)
                    .header("content-type", "text/xml")
                    .body(po(&id))
                    .send()
                    .await
                else {
                    return; // absim is gone
                };
                let ok = r.status().as_u16() == 200;
                let Ok(body) = r.bytes().await else { return };
                let cxml_ok = absim::cxml::read::read_status(&body).is_ok_and(|s| s.code == 200);
                if ok && cxml_ok {
                    accepted.lock().unwrap().push(id);
                }
            }
        }));
    }
    // Let a few hundred POs through, then kill -9 mid-stream.
    eventually(
        "300 POs to be answered 200 OK",
        Duration::from_secs(30),
        async || accepted.lock().unwrap().len() >= 300,
    )
    .await;
    absim.child.kill().unwrap();
    absim.child.wait().unwrap();
    for s in senders {
        s.await.unwrap();
    }
    let accepted = accepted.lock().unwrap().clone();
    assert!(
        accepted.len() >= 50,
        "only {} POs got through",
        accepted.len()
    );

    let db = open_db(dir.path());
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mut stmt = db.prepare("SELECT order_id FROM orders").unwrap();
    let stored: std::collections::HashSet<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    eprintln!(
        "kill -9 test: {} POs answered 200 OK before the kill, {} orders stored",
        accepted.len(),
        stored.len()
    );
    let lost: Vec<&String> = accepted.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "answered 200 OK but lost: {lost:?}");
    // No order is half-written: each has its PO, its answer and its queued
    // confirmation.
    let broken: i64 = db
        .query_row(
            "SELECT count(*) FROM orders o WHERE
               (SELECT count(*) FROM documents d WHERE d.order_no = o.no) <> 2
               OR (SELECT count(*) FROM deliveries q WHERE q.order_no = o.no) <> 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(broken, 0);
    drop(stmt);
    drop(db);

    // absim starts again on the same data and keeps serving.
    let mut again = start(dir.path());
    let r = client
        .post(&again.po_url)
        .header("content-type", "text/xml")
        .body(po("AFTER-CRASH"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    again.child.kill().unwrap();
    again.child.wait().unwrap();
}

#[tokio::test]
async fn sigterm_stops_gracefully_and_keeps_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut absim = start_with(dir.path(), |c| {
        c.args(["--confirmation-delay", "3600"])
            .env("RUST_LOG", "absim=info")
            .stderr(Stdio::piped());
    });
    let log = read_log(&mut absim.child);
    let client = reqwest::Client::new();
    let r = client
        .post(&absim.po_url)
        .header("content-type", "text/xml")
        .body(po("TERM-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let pid = absim.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = absim.child.wait().unwrap();
    assert!(status.success(), "absim exits cleanly on SIGTERM: {status}");
    // Each step of the shutdown is a log line, the last with what stays
    // queued.
    let log = log.join().unwrap();
    let at = |needle: &str| {
        log.find(needle)
            .unwrap_or_else(|| panic!("no '{needle}' in the log:\n{log}"))
    };
    assert!(at("shutting down") < at("closing the listener"));
    assert!(at("closing the listener") < at("connections drained"));
    assert!(at("connections drained") < at("absim stopped"));
    assert!(log.contains("deliveries_queued=1"), "{log}");
    let db = open_db(dir.path());
    let (order_id, state): (String, String) = db
        .query_row(
            "SELECT o.order_id, q.state FROM orders o JOIN deliveries q ON q.order_no = o.no",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((order_id.as_str(), state.as_str()), ("TERM-1", "pending"));
}

#[test]
fn a_reachable_address_without_an_admin_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_absim"))
        .args(["--addr", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("ABSIM_ADMIN_TOKEN")
        .env_remove("ABSIM_INSECURE_OPEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--admin-token"), "{err}");
    assert!(err.contains("--insecure-open"), "{err}");
}

/// The log (stderr, at debug level) never carries a shared secret or an
/// admin token, right or wrong, however the requests fail.
#[tokio::test]
async fn secrets_and_tokens_never_reach_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let token = "adm1n-t0ken-never-logged";
    let Running {
        mut child, po_url, ..
    } = start_with(dir.path(), |c| {
        c.args(["--admin-token", token])
            .env("RUST_LOG", "absim=debug,tower_http=debug")
            .stderr(Stdio::piped());
    });
    let log = read_log(&mut child);
    let base = po_url.split("/po/").next().unwrap().to_owned();
    let http = reqwest::Client::new();
    let wrong_secret = "wr0ngSecretX";
    let bad = order_request_as(
        IDENTITY,
        wrong_secret,
        "leak@b",
        "PO-LEAK",
        "new",
        true,
        &[],
    );
    let good = order_request("ok@b", "PO-OK", "new", true, &[DESK_LINE]);
    for body in [bad, good] {
        http.post(&po_url).body(body).send().await.unwrap();
    }
    let setup = setup_request(IDENTITY, wrong_secret, "http://127.0.0.1:9/hook");
    http.post(format!("{base}/eprocurement/punchout"))
        .body(setup)
        .send()
        .await
        .unwrap();
    http.post(format!("{base}/login"))
        .form(&[("token", "wr0ng-admin-t0ken")])
        .send()
        .await
        .unwrap();
    http.get(format!("{base}/api/v1/groups"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    // Stopped, absim has written its last line: the log is read whole.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    let log = log.join().unwrap();
    assert!(log.contains("PO"), "the log should say something: {log}");
    for secret in [SECRET, wrong_secret, token, "wr0ng-admin-t0ken"] {
        assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
    }
}

/// `absim bench --pin`: the servers on core 0, the load generator on core
/// 1 (where the machine has two cores), and every absim row with the CPU
/// time it took per request and, in a build with the `count-allocations`
/// feature, its heap allocations per request (a default build says it
/// does not count them); with `--rounds`, a row under each with the
/// spread of its runs.
#[test]
fn the_pinned_bench_says_where_each_runs_and_what_a_request_costs() {
    let out = Command::new(env!("CARGO_BIN_EXE_absim"))
        .args(["bench", "--pin", "--duration", "1", "--connections", "4"])
        .args(["--orders", "0", "--workloads", "po,pages", "--rounds", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text.contains(absim::tools::bench::NOT_COUNTED),
        !cfg!(feature = "count-allocations"),
        "{text}"
    );
    let two_cores = std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2;
    if two_cores {
        assert!(
            text.contains(
                "pinned: absim on core 0, the floor on core 0, the load generator on core 1"
            ),
            "{text}"
        );
    } else {
        assert!(text.contains("pinning unavailable"), "{text}");
    }
    for workload in ["| PO intake, 3.4 KB two-line PO", "| storefront pages |"] {
        let row = text
            .lines()
            .find(|l| l.starts_with(workload))
            .unwrap_or_else(|| panic!("no row {workload} in\n{text}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        // | name | connections | req/s | p50 | p99 | p99.9 | errors | ratio | CPU µs | allocations |
        assert_eq!(cells[7], "0", "{row}");
        let number = |i: usize| cells[i].parse::<f64>().unwrap_or_else(|_| panic!("{row}"));
        assert!(number(3) > 0.0, "{row}");
        assert!(number(9) > 0.0, "CPU µs per request: {row}");
        if cfg!(feature = "count-allocations") {
            assert!(number(10) >= 1.0, "allocations per request: {row}");
        } else {
            assert_eq!(cells[10], "—", "{row}");
        }
    }
    let spreads: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("| the 2 runs of that workload"))
        .collect();
    assert_eq!(spreads.len(), 2, "a spread row per workload:\n{text}");
    for spread in spreads {
        let ratios = spread.split('|').map(str::trim).nth(8).unwrap();
        assert!(ratios.ends_with('x') && ratios.contains('–'), "{spread}");
    }
}

/// The start-up banner labels the guide's values in the default group's
/// store's language: Japan's as the guide words them, Germany's in German;
/// the URLs' field names stay as Amazon's screens name them.
#[test]
fn the_banner_speaks_the_default_stores_language() {
    for (store, login, status) in [
        (
            "JP",
            "  a システムログイン (cXML From Identity): ",
            "状況: テスト",
        ),
        (
            "DE",
            "  a System-Login (cXML From Identity): ",
            "Status: Test",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut absim = start_with(dir.path(), |c| {
            c.args(["--marketplace", store]);
        });
        absim.child.kill().unwrap();
        let _ = absim.child.wait();
        let banner = absim.banner.join("\n");
        assert!(banner.contains(login), "{banner}");
        assert!(banner.contains(status), "{banner}");
        assert!(banner.contains("  c PO Request URL:"), "{banner}");
        assert!(absim.po_url.contains("/po/"), "{banner}");
    }
}
