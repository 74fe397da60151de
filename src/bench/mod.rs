//! `absim bench`: the load benchmark. It starts absim (this executable, as
//! a child process with a durable store in a temporary directory) and, in the
//! same run, a floor server (a bare hyper handler answering a fixed cXML
//! Response, also a child process), drives both with the same client at each
//! connection count for a fixed time, and prints requests/s, latency
//! percentiles, errors and absim's ratio to the floor. Then it fills the
//! store to a number of orders and reports the database size per order, the
//! resident memory, and the start-up time with that many orders stored.
//!
//! With `--database-url`, PO intake and the full flow run again on
//! PostgreSQL, with one replica and with two sharing the database.
//!
//! Every figure is a ratio against the floor measured in the same run,
//! because these machines are noisy.

mod load;
mod servers;
mod workloads;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use load::{Call, LoadResult, Workload, load, load_spread};
pub use servers::floor;
use servers::{Place, Server, spawn_absim, spawn_floor, start_receiver};
use workloads::{full_flow, open_session, path_of};
pub use workloads::{order_request, setup_request};

use anyhow::Context;

use crate::cli::{BenchArgs, BenchWorkload};

const IDENTITY: &str = "BenchBuyer01";
const SECRET: &str = "benchSecret01";

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
    let (absim, ready) = spawn_absim(&exe, &Place::Dir(dir.clone()), None)?;
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
    // The floor of PO intake per connection count, for the PostgreSQL rows.
    let mut po_floors = HashMap::new();
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
            if workload == BenchWorkload::Po {
                po_floors.insert(c, f.clone());
            }
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
            let dir = dir.join(format!("flow-{c}"));
            std::fs::create_dir_all(&dir)?;
            let (receiver, ships) = start_receiver().await?;
            let (absim, _) = spawn_absim(&exe, &Place::Dir(dir.clone()), Some(&receiver))?;
            let flow = full_flow(&[absim], &ships, c, duration).await?;
            println!("{}", flow_row("full flow", c, &flow));
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    if let Some(url) = &args.database_url {
        postgres_runs(&exe, url, &args, &po_floors).await?;
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
        let (again, ready) = spawn_absim(&exe, &Place::Dir(dir.clone()), None)?;
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

/// A row of the full-flow table.
fn flow_row(
    name: &str,
    c: usize,
    (completed, placed, elapsed, flows): &(u64, u64, Duration, LoadResult),
) -> String {
    format!(
        "| {name} | {c} | {:.0} | {placed} | {completed} | {:.2} | {:.2} | {} |",
        *completed as f64 / elapsed.as_secs_f64(),
        flows.p50_us as f64 / 1000.0,
        flows.p99_us as f64 / 1000.0,
        flows.errors
    )
}

/// A database made on the bench's PostgreSQL server for one run, dropped
/// after it.
struct BenchDatabase {
    admin: tokio_postgres::Client,
    name: String,
    url: String,
}

impl BenchDatabase {
    async fn create(admin_url: &str, name: String) -> anyhow::Result<BenchDatabase> {
        let masked = crate::store::DatabaseUrl::parse(admin_url).map_err(anyhow::Error::msg)?;
        let (admin, connection) = tokio_postgres::connect(admin_url, tokio_postgres::NoTls)
            .await
            .with_context(|| format!("connecting to {masked}"))?;
        tokio::spawn(connection);
        // Two statements: neither may run inside a transaction block.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin
                .batch_execute(&sql)
                .await
                .with_context(|| format!("creating the database {name} on {masked}"))?;
        }
        let mut url = url::Url::parse(admin_url)?;
        url.set_path(&name);
        Ok(BenchDatabase {
            admin,
            name,
            url: url.to_string(),
        })
    }

    async fn drop_now(self) {
        let _ = self
            .admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await;
    }
}

/// PO intake and the full flow on PostgreSQL, with one replica and with two
/// on the same database, each on a fresh database.
async fn postgres_runs(
    exe: &Path,
    admin_url: &str,
    args: &BenchArgs,
    po_floors: &HashMap<usize, LoadResult>,
) -> anyhow::Result<()> {
    let duration = Duration::from_secs(args.duration);
    let offset = Arc::new(AtomicU64::new(5_000_000_000));
    println!();
    println!(
        "| PostgreSQL | connections | requests/s | p50 ms | p99 ms | p99.9 ms | errors | ratio to floor |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut flows = Vec::new();
    for replicas in [1, 2] {
        if args.workloads.contains(&BenchWorkload::Po) {
            let db = BenchDatabase::create(
                admin_url,
                format!("absim_bench_{}_po{replicas}", std::process::id()),
            )
            .await?;
            let servers = (0..replicas)
                .map(|i| {
                    let place = Place::Postgres {
                        url: db.url.clone(),
                        replica: format!("bench-{i}"),
                    };
                    spawn_absim(exe, &place, None).map(|(s, _)| s)
                })
                .collect::<anyhow::Result<Vec<Server>>>()?;
            let bases: Vec<&str> = servers.iter().map(|s| s.base.as_str()).collect();
            let po_path = path_of(&servers[0].po_url);
            for &c in &args.connections {
                let base_n = offset.fetch_add(10_000_000, Ordering::Relaxed);
                let path = po_path.clone();
                let pos: Workload =
                    Arc::new(move |n| Call::post(&path, order_request(base_n + n, 1)));
                let r = load_spread(&bases, c, duration, pos).await?;
                let name = format!(
                    "PO intake, {replicas} replica{}",
                    if replicas > 1 { "s" } else { "" }
                );
                println!("{}", row(&name, c, &r, po_floors.get(&c)));
            }
            drop(servers);
            db.drop_now().await;
        }
        if args.workloads.contains(&BenchWorkload::Flow) {
            for &c in &args.connections {
                let db = BenchDatabase::create(
                    admin_url,
                    format!("absim_bench_{}_flow{replicas}_{c}", std::process::id()),
                )
                .await?;
                let (receiver, ships) = start_receiver().await?;
                let servers = (0..replicas)
                    .map(|i| {
                        let place = Place::Postgres {
                            url: db.url.clone(),
                            replica: format!("bench-flow-{i}"),
                        };
                        spawn_absim(exe, &place, Some(&receiver)).map(|(s, _)| s)
                    })
                    .collect::<anyhow::Result<Vec<Server>>>()?;
                let flow = full_flow(&servers, &ships, c, duration).await?;
                flows.push(flow_row(
                    &format!(
                        "full flow, PostgreSQL, {replicas} replica{}",
                        if replicas > 1 { "s" } else { "" }
                    ),
                    c,
                    &flow,
                ));
                drop(servers);
                db.drop_now().await;
            }
        }
    }
    if !flows.is_empty() {
        println!();
        println!(
            "| full flow on PostgreSQL | connections | completed orders/s | orders placed | ship notices received | p50 ms per order | p99 ms per order | errors |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        for f in flows {
            println!("{f}");
        }
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("absim-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
