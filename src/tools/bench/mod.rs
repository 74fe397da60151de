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
mod postgres;
pub mod process;
mod report;
mod servers;
mod workloads;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use load::{Call, LoadResult, Workload, load, load_spread};
pub use report::{HEADER, row};
use report::{flow_row, middle_run};
pub use servers::floor;
use servers::{Place, Server, spawn_absim, spawn_floor, start_receiver};
use workloads::{
    Workloads, cart_po_template, full_flow, open_session, path_of, setups, storefront,
};

use crate::cli::{BenchArgs, BenchWorkload};

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

/// What one load run measured, with the server's CPU time and heap
/// allocations per request where they could be read.
pub struct Measured {
    pub load: LoadResult,
    pub cpu_us: Option<f64>,
    pub allocations: Option<f64>,
}

/// Runs `workload` against `servers` and reads their CPU clocks (and
/// allocation counters) before and after.
pub async fn measure_spread(
    servers: &[&Server],
    connections: usize,
    duration: Duration,
    workload: Workload,
) -> anyhow::Result<Measured> {
    let http = reqwest::Client::new();
    let before = sample(&http, servers).await;
    let bases: Vec<&str> = servers.iter().map(|s| s.base.as_str()).collect();
    let load = load_spread(&bases, connections, duration, workload).await?;
    let after = sample(&http, servers).await;
    let n = (load.requests + load.errors).max(1) as f64;
    let per = |a: Option<u64>, b: Option<u64>| Some((b? - a?) as f64 / n);
    Ok(Measured {
        cpu_us: per(before.0, after.0),
        allocations: per(before.1, after.1),
        load,
    })
}

/// [`measure_spread`] on one server.
pub async fn measure(
    server: &Server,
    connections: usize,
    duration: Duration,
    workload: Workload,
) -> anyhow::Result<Measured> {
    measure_spread(&[server], connections, duration, workload).await
}

/// The CPU time (µs) and heap allocations of servers, summed.
async fn sample(http: &reqwest::Client, servers: &[&Server]) -> (Option<u64>, Option<u64>) {
    let (mut cpu, mut allocations) = (Some(0), Some(0));
    for s in servers {
        cpu = cpu.zip(process::cpu_us(s.child.id())).map(|(a, b)| a + b);
        let counted = if s.counts_allocations {
            heap_allocations(http, &s.base).await
        } else {
            None
        };
        allocations = allocations.zip(counted).map(|(a, b)| a + b);
    }
    (cpu, allocations)
}

/// `absim_heap_allocations_total` from a server's `/metrics`.
async fn heap_allocations(http: &reqwest::Client, base: &str) -> Option<u64> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("absim_heap_allocations_total "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as u64)
}

/// Said when this build does not count heap allocations.
pub const NOT_COUNTED: &str = "allocations per request: not counted in this build (build with --features count-allocations to count them)";

/// Orders in the store, read from the database file (read-only, WAL lets
/// absim keep writing).
fn count_orders(dir: &Path) -> anyhow::Result<u64> {
    let db = rusqlite::Connection::open_with_flags(
        dir.join("absim.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    Ok(db.query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0))? as u64)
}

/// Says where the servers and the load generator run.
fn print_pinning(pinned: bool, servers: &[&Server]) {
    let me = std::process::id();
    let cores = |pid| process::allowed_cores(pid).unwrap_or_else(|| "?".into());
    if pinned {
        println!(
            "pinned: absim on core {}, the floor on core {}, the load generator on core {}",
            cores(servers[0].child.id()),
            cores(servers[1].child.id()),
            cores(me)
        );
    } else {
        println!(
            "not pinned: servers and the load generator share cores {}",
            cores(me)
        );
    }
}

/// Runs the whole benchmark and prints the tables.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let dir = tempfile_dir()?;
    let duration = Duration::from_secs(args.duration);
    let pinned = args.pin && servers::pin_servers()?;
    let (absim, ready) = spawn_absim(&exe, &Place::Dir(dir.clone()), None)?;
    let floor = spawn_floor(&exe)?;
    announce(&args, &dir, &absim, ready, &floor, pinned);
    let workloads = Workloads::new(1_000_000_000);
    // Warm up both servers.
    let warm = Duration::from_secs(1);
    for server in [&floor, &absim] {
        let pos = workloads.pos(path_of(&server.po_url), 2);
        load(&server.base, 8, warm, pos).await?;
    }
    let po_floors = load_table(&args, &floor, &absim, &workloads).await?;
    if args.workloads.contains(&BenchWorkload::Flow) {
        flow_table(&exe, &dir, &args.connections, duration).await?;
    }
    if let Some(url) = &args.database_url {
        postgres::postgres_runs(&exe, url, &args, &po_floors).await?;
    }
    if args.orders > 0 {
        fill_store(&dir, &absim, args.orders, &workloads).await?;
        store_table(&exe, &dir, absim).await?;
    }
    drop(floor);
    if !args.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Says what runs where, and opens the load table.
fn announce(
    args: &BenchArgs,
    dir: &Path,
    absim: &Server,
    ready: Duration,
    floor: &Server,
    pinned: bool,
) {
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
    print_pinning(pinned, &[absim, floor]);
    if !cfg!(feature = "count-allocations") {
        println!("{NOT_COUNTED}");
    }
    println!();
    println!("{HEADER}");
}

/// The load table: every workload at every connection count, on the floor
/// and on absim, each the middle of its rounds. Gives the floor's PO intake
/// per connection count, which the PostgreSQL rows are compared with.
async fn load_table(
    args: &BenchArgs,
    floor: &Server,
    absim: &Server,
    workloads: &Workloads,
) -> anyhow::Result<HashMap<usize, Measured>> {
    let duration = Duration::from_secs(args.duration);
    let mut po_floors = HashMap::new();
    let http = reqwest::Client::new();
    for &c in &args.connections {
        for &workload in &args.workloads {
            // Sessions are opened just before their runs: the punchout
            // workload fills the session bound and evicts older ones.
            let Some((name, make)) = pair_of(workload, &http, floor, absim, workloads).await?
            else {
                continue;
            };
            let mut runs = Vec::with_capacity(args.rounds as usize);
            for _ in 0..args.rounds {
                let (on_floor, on_absim) = make();
                let f = measure(floor, c, duration, on_floor).await?;
                let a = measure(absim, c, duration, on_absim).await?;
                runs.push((f, a));
            }
            let (f, a, spread) = middle_run(runs);
            print_rows(name, c, &f, &a, spread);
            if workload == BenchWorkload::Po {
                po_floors.insert(c, f);
            }
        }
    }
    Ok(po_floors)
}

/// Makes a workload for the floor and for absim, anew for each round (so
/// that its POs get fresh IDs).
type Pair<'a> = Box<dyn Fn() -> (Workload, Workload) + 'a>;

/// A workload of the load table: its name and its [`Pair`]; None for the
/// full flow, which has a table of its own.
async fn pair_of<'a>(
    workload: BenchWorkload,
    http: &reqwest::Client,
    floor: &Server,
    absim: &Server,
    w: &'a Workloads,
) -> anyhow::Result<Option<(&'static str, Pair<'a>)>> {
    let (floor_po, absim_po) = (path_of(&floor.po_url), path_of(&absim.po_url));
    let pair: (&str, Pair) = match workload {
        BenchWorkload::Flow => return Ok(None),
        BenchWorkload::Po => (
            "PO intake, 3.4 KB two-line PO not linked to a punchout",
            Box::new(move || (w.pos(floor_po.clone(), 2), w.pos(absim_po.clone(), 2))),
        ),
        BenchWorkload::PoCart => {
            let template = Arc::new(cart_po_template(&absim.base).await?);
            (
                "PO intake, PO for a returned cart",
                Box::new(move || {
                    (
                        w.cart_pos(floor_po.clone(), template.clone()),
                        w.cart_pos(absim_po.clone(), template.clone()),
                    )
                }),
            )
        }
        BenchWorkload::Setup => ("punchout setup", Box::new(|| (setups(), setups()))),
        BenchWorkload::Pages => {
            let sid = open_session(http, &absim.base, 0).await?;
            (
                "storefront pages",
                Box::new(move || (storefront(&sid), storefront(&sid))),
            )
        }
        BenchWorkload::Mixed => {
            let sid = open_session(http, &absim.base, 0).await?;
            (
                "mixed: 90% storefront pages, 10% POs",
                Box::new(move || {
                    (
                        w.mixed(floor_po.clone(), &sid),
                        w.mixed(absim_po.clone(), &sid),
                    )
                }),
            )
        }
    };
    Ok(Some(pair))
}

/// The rows of one workload at one connection count: the floor, absim, the
/// spread of the rounds, and the GETs alone when the workload mixed them
/// with POSTs.
fn print_rows(name: &str, c: usize, f: &Measured, a: &Measured, spread: Option<String>) {
    println!("{}", row(&format!("floor, for {name}"), c, f, None));
    println!("{}", row(name, c, a, Some(f)));
    if let Some(spread) = spread {
        println!("{spread}");
    }
    if let Some([p50, p99, p999]) = a.load.gets {
        let ms = |us: u64| us as f64 / 1000.0;
        println!(
            "| the storefront pages of that run | {c} | | {:.2} | {:.2} | {:.2} | | | | |",
            ms(p50),
            ms(p99),
            ms(p999)
        );
    }
}

/// The full-flow table: at each connection count, a fresh absim whose
/// documents go to a local receiver.
async fn flow_table(
    exe: &Path,
    dir: &Path,
    connections: &[usize],
    duration: Duration,
) -> anyhow::Result<()> {
    println!();
    println!(
        "| full flow (setup, cart by API, checkout, PO, confirmation and ship notice delivered) | connections | completed orders/s | orders placed | ship notices received | p50 ms per order | p99 ms per order | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for &c in connections {
        let dir = dir.join(format!("flow-{c}"));
        std::fs::create_dir_all(&dir)?;
        let (receiver, ships) = start_receiver().await?;
        let (absim, _) = spawn_absim(exe, &Place::Dir(dir.clone()), Some(&receiver))?;
        let flow = full_flow(&[absim], &ships, c, duration).await?;
        println!("{}", flow_row("full flow", c, &flow));
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Posts POs to absim, in slices, until its store holds `orders` orders.
async fn fill_store(
    dir: &Path,
    absim: &Server,
    orders: u64,
    workloads: &Workloads,
) -> anyhow::Result<()> {
    let mut have = count_orders(dir)?;
    if have >= orders {
        return Ok(());
    }
    let body = workloads.fill(path_of(&absim.po_url));
    while have < orders {
        let r = load(&absim.base, 32, Duration::from_secs(2), body.clone()).await?;
        have += r.requests;
    }
    Ok(())
}

/// The store table: the orders stored, absim's memory, the database's size
/// per order, and how long absim takes to start with that store.
async fn store_table(exe: &Path, dir: &Path, absim: Server) -> anyhow::Result<()> {
    let stored = count_orders(dir)?;
    let rss = rss_kb(absim.child.id()).unwrap_or(0);
    let size = dir_size(dir);
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
    let (again, ready) = spawn_absim(exe, &Place::Dir(dir.to_path_buf()), None)?;
    println!(
        "| start-up with {stored} orders stored | {:.0} ms |",
        ready.as_secs_f64() * 1000.0
    );
    drop(again);
    Ok(())
}

/// A new, empty directory for the run's stores: `absim-bench-PID`, or that
/// with a suffix when a kept run of an earlier process with the same PID
/// left one (its store would answer this run's payloadIDs as duplicates).
fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let base = format!("absim-bench-{}", std::process::id());
    let mut suffix = 0;
    loop {
        let name = match suffix {
            0 => base.clone(),
            n => format!("{base}-{n}"),
        };
        let dir = std::env::temp_dir().join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => suffix += 1,
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_run_gets_a_new_empty_directory_even_where_a_kept_one_has_its_pid() {
        let first = super::tempfile_dir().unwrap();
        std::fs::write(first.join("absim.db"), b"a kept run's store").unwrap();
        let second = super::tempfile_dir().unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read_dir(&second).unwrap().count(), 0);
        std::fs::remove_dir_all(first).unwrap();
        std::fs::remove_dir_all(second).unwrap();
    }
}
