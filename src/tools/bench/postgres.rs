//! PO intake and the full flow of `absim bench --database-url` on
//! PostgreSQL, with one replica and with two sharing a database.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;

use super::servers::{Place, Server, spawn_absim, start_receiver};
use super::workloads::{full_flow, path_of};
use super::{Call, Measured, Workload, flow_row, measure_spread, order_request, row};
use crate::cli::{BenchArgs, BenchWorkload};

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
pub async fn postgres_runs(
    exe: &Path,
    admin_url: &str,
    args: &BenchArgs,
    po_floors: &HashMap<usize, Measured>,
) -> anyhow::Result<()> {
    let duration = Duration::from_secs(args.duration);
    let offset = Arc::new(AtomicU64::new(5_000_000_000));
    println!();
    println!(
        "{}",
        super::HEADER.replacen(
            "workload",
            "PostgreSQL (absim's CPU; the server's own is not counted)",
            1
        )
    );
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
            let replicas_now: Vec<&Server> = servers.iter().collect();
            let po_path = path_of(&servers[0].po_url);
            for &c in &args.connections {
                let base_n = offset.fetch_add(10_000_000, Ordering::Relaxed);
                let path = po_path.clone();
                let pos: Workload =
                    Arc::new(move |n| Call::post(&path, order_request(base_n + n, 1)));
                let r = measure_spread(&replicas_now, c, duration, pos).await?;
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
