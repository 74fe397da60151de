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
mod servers;
mod workloads;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::fixtures::{order_request, setup_request};
pub use load::{Call, LoadResult, Workload, load, load_spread};
pub use servers::floor;
use servers::{Place, Server, spawn_absim, spawn_floor, start_receiver};
use workloads::{cart_po_template, full_flow, open_session, path_of};

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

/// The header of the tables of [`row`].
pub const HEADER: &str = "| workload | connections | requests/s | p50 ms | p99 ms | p99.9 ms | errors | ratio to floor | CPU µs per request | allocations per request |\n|---|---|---|---|---|---|---|---|---|---|";

pub fn row(name: &str, conns: usize, m: &Measured, floor: Option<&Measured>) -> String {
    let r = &m.load;
    let ratio = floor
        .map(|f| format!("{:.3}x", ratio(f, m)))
        .unwrap_or_else(|| "—".into());
    let or_dash = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.0}"));
    format!(
        "| {name} | {conns} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {ratio} | {} | {} |",
        r.per_second(),
        r.p50_us as f64 / 1000.0,
        r.p99_us as f64 / 1000.0,
        r.p999_us as f64 / 1000.0,
        r.errors,
        or_dash(m.cpu_us),
        or_dash(m.allocations),
    )
}

/// absim's ratio to the floor in one run of a workload.
fn ratio(floor: &Measured, absim: &Measured) -> f64 {
    absim.load.per_second() / floor.load.per_second().max(1.0)
}

/// The run whose ratio is in the middle (the upper of the two middle ones
/// for an even count), and for more than one run a row with the spread of
/// all: requests/s, p99, ratio and CPU per request, lowest to highest.
fn middle_run(mut runs: Vec<(Measured, Measured)>) -> (Measured, Measured, Option<String>) {
    assert!(!runs.is_empty(), "a workload runs at least once");
    runs.sort_by(|(f1, a1), (f2, a2)| ratio(f1, a1).total_cmp(&ratio(f2, a2)));
    let spread = (runs.len() > 1).then(|| {
        let range = |v: Vec<f64>, decimals: usize| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("{lo:.decimals$}–{hi:.decimals$}")
        };
        let absim = |f: fn(&Measured) -> f64| runs.iter().map(|(_, a)| f(a)).collect::<Vec<_>>();
        let cpu = runs
            .iter()
            .map(|(_, a)| a.cpu_us)
            .collect::<Option<Vec<f64>>>()
            .map_or_else(|| "—".to_owned(), |v| range(v, 0));
        format!(
            "| the {} runs of that workload, lowest to highest | | {} | | {} | | | {}x | {cpu} | |",
            runs.len(),
            range(absim(|a| a.load.per_second()), 0),
            range(absim(|a| a.load.p99_us as f64 / 1000.0), 2),
            range(runs.iter().map(|(f, a)| ratio(f, a)).collect(), 3),
        )
    });
    let (f, a) = runs.swap_remove(runs.len() / 2);
    (f, a, spread)
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
    print_pinning(pinned, &[&absim, &floor]);
    if !cfg!(feature = "count-allocations") {
        println!("{NOT_COUNTED}");
    }
    println!();
    println!("{HEADER}");
    let floor_po = path_of(&floor.po_url);
    let absim_po = path_of(&absim.po_url);
    let offset = Arc::new(AtomicU64::new(1_000_000_000));
    // A PO workload whose orderIDs never repeat across runs: the 3.4 KB
    // two-line PO, not linked to a punchout.
    let pos = |path: String| -> Workload {
        let base = offset.fetch_add(10_000_000, Ordering::Relaxed);
        Arc::new(move |n| Call::post(&path, order_request(base + n, 2)))
    };
    // A PO for a returned cart, `{N}` numbering it.
    let cart_pos = |path: String, template: Arc<String>| -> Workload {
        let base = offset.fetch_add(10_000_000, Ordering::Relaxed);
        Arc::new(move |n| Call::post(&path, template.replace("{N}", &(base + n).to_string())))
    };
    let setups: Workload = Arc::new(|n| Call::post("/eprocurement/punchout", setup_request(n)));
    let pages = |sid: &str| {
        [
            format!("/s/{sid}"),
            format!("/s/{sid}/search?q=%E3%83%87%E3%82%B9%E3%82%AF"),
            format!("/s/{sid}/dp/B087JWRCP5"),
            format!("/s/{sid}/cart"),
        ]
    };
    let storefront = |sid: &str| -> Workload {
        let pages = pages(sid);
        Arc::new(move |n| Call::get(&pages[(n % 4) as usize]))
    };
    // 90% storefront page views in one punchout session, 10% POs.
    let mixed = |po_path: String, sid: &str| -> Workload {
        let base = offset.fetch_add(10_000_000, Ordering::Relaxed);
        let pages = pages(sid);
        Arc::new(move |n| {
            if n % 10 == 9 {
                Call::post(&po_path, order_request(base + n, 2))
            } else {
                Call::get(&pages[(n % 4) as usize])
            }
        })
    };
    // Warm up both servers.
    let warm = Duration::from_secs(1);
    load(&floor.base, 8, warm, pos(floor_po.clone())).await?;
    load(&absim.base, 8, warm, pos(absim_po.clone())).await?;
    // The floor of PO intake per connection count, for the PostgreSQL rows.
    let mut po_floors = HashMap::new();
    let http = reqwest::Client::new();
    for &c in &args.connections {
        for &workload in &args.workloads {
            // Sessions are opened just before their runs: the punchout
            // workload fills the session bound and evicts older ones. Each
            // round gets workloads of its own (its POs fresh IDs).
            type Make<'a> = Box<dyn Fn() -> (Workload, Workload) + 'a>;
            let (floor_po, absim_po) = (&floor_po, &absim_po);
            let (name, make): (&str, Make) = match workload {
                BenchWorkload::Flow => continue,
                BenchWorkload::Po => (
                    "PO intake, 3.4 KB two-line PO not linked to a punchout",
                    Box::new(|| (pos(floor_po.clone()), pos(absim_po.clone()))),
                ),
                BenchWorkload::PoCart => {
                    let template = Arc::new(cart_po_template(&absim.base).await?);
                    (
                        "PO intake, PO for a returned cart",
                        Box::new(move || {
                            (
                                cart_pos(floor_po.clone(), template.clone()),
                                cart_pos(absim_po.clone(), template.clone()),
                            )
                        }),
                    )
                }
                BenchWorkload::Setup => (
                    "punchout setup",
                    Box::new(|| (setups.clone(), setups.clone())),
                ),
                BenchWorkload::Pages => {
                    let sid = open_session(&http, &absim.base, 0).await?;
                    (
                        "storefront pages",
                        Box::new(move || (storefront(&sid), storefront(&sid))),
                    )
                }
                BenchWorkload::Mixed => {
                    let sid = open_session(&http, &absim.base, 0).await?;
                    (
                        "mixed: 90% storefront pages, 10% POs",
                        Box::new(move || {
                            (mixed(floor_po.clone(), &sid), mixed(absim_po.clone(), &sid))
                        }),
                    )
                }
            };
            let mut runs = Vec::with_capacity(args.rounds as usize);
            for _ in 0..args.rounds {
                let (on_floor, on_absim) = make();
                let f = measure(&floor, c, duration, on_floor).await?;
                let a = measure(&absim, c, duration, on_absim).await?;
                runs.push((f, a));
            }
            let (f, a, spread) = middle_run(runs);
            println!("{}", row(&format!("floor, for {name}"), c, &f, None));
            println!("{}", row(name, c, &a, Some(&f)));
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
            if workload == BenchWorkload::Po {
                po_floors.insert(c, f);
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
        postgres::postgres_runs(&exe, url, &args, &po_floors).await?;
    }

    if args.orders > 0 {
        let stored = count_orders(&dir)?;
        if stored < args.orders {
            let base = offset.fetch_add(1_000_000_000, Ordering::Relaxed);
            let po_path = absim_po.clone();
            let body: Workload =
                Arc::new(move |n| Call::post(&po_path, order_request(base + n, 2)));
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

    fn measured(per_second: u64, p99_ms: u64, cpu_us: f64) -> super::Measured {
        super::Measured {
            load: super::LoadResult {
                requests: per_second,
                errors: 0,
                elapsed: std::time::Duration::from_secs(1),
                p50_us: 500,
                p99_us: p99_ms * 1000,
                p999_us: p99_ms * 2000,
                gets: None,
            },
            cpu_us: Some(cpu_us),
            allocations: Some(98.0),
        }
    }

    /// Several runs of a workload: the rows show the run whose ratio to its
    /// own floor is in the middle, and a row the spread of all.
    #[test]
    fn several_runs_show_the_middle_one_by_ratio_and_the_spread() {
        let runs = vec![
            (measured(100_000, 1, 10.0), measured(20_000, 9, 60.0)),
            (measured(50_000, 1, 10.0), measured(5_000, 30, 150.0)),
            (measured(80_000, 1, 10.0), measured(12_000, 12, 90.0)),
        ];
        let (floor, absim, spread) = super::middle_run(runs);
        // Ratios 0.2, 0.1 and 0.15: the middle is the third run, not the
        // one with the middle requests/s.
        assert_eq!(floor.load.requests, 80_000);
        assert_eq!(absim.load.requests, 12_000);
        let spread = spread.expect("a spread row for three runs");
        assert!(
            spread.starts_with("| the 3 runs of that workload"),
            "{spread}"
        );
        for part in ["5000–20000", "9.00–30.00", "0.100–0.200x", "60–150"] {
            assert!(spread.contains(part), "{part} in {spread}");
        }
        assert_eq!(
            spread.matches('|').count(),
            11,
            "a row of the table: {spread}"
        );

        let one = vec![(measured(100_000, 1, 10.0), measured(20_000, 9, 60.0))];
        assert!(super::middle_run(one).2.is_none());
    }
}
