//! PO intake and the full flow of `absim bench --database-url` on
//! PostgreSQL, with one replica and with two sharing a database.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use super::servers::{Place, Server, spawn_absim, start_receiver};
use super::workloads::{Workloads, full_flow, path_of};
use super::{Measured, flow_row, measure_spread, row};
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
    let workloads = Workloads::new(5_000_000_000);
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
            po_intake(exe, admin_url, replicas, args, po_floors, &workloads).await?;
        }
        if args.workloads.contains(&BenchWorkload::Flow) {
            for &c in &args.connections {
                flows.push(flow(exe, admin_url, replicas, c, args.duration).await?);
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

/// `replicas` absims sharing one database, named `{prefix}-{i}`, whose
/// documents go to `receiver` when given.
fn spawn_replicas(
    exe: &Path,
    db: &BenchDatabase,
    replicas: usize,
    prefix: &str,
    receiver: Option<&str>,
) -> anyhow::Result<Vec<Server>> {
    (0..replicas)
        .map(|i| {
            let place = Place::Postgres {
                url: db.url.clone(),
                replica: format!("{prefix}-{i}"),
            };
            spawn_absim(exe, &place, receiver).map(|(s, _)| s)
        })
        .collect()
}

/// "1 replica", "2 replicas".
fn replicas_named(replicas: usize) -> String {
    format!("{replicas} replica{}", if replicas > 1 { "s" } else { "" })
}

/// The PO intake rows of `replicas` replicas on a fresh database, at each
/// connection count, beside the floor measured on SQLite's run.
async fn po_intake(
    exe: &Path,
    admin_url: &str,
    replicas: usize,
    args: &BenchArgs,
    po_floors: &HashMap<usize, Measured>,
    workloads: &Workloads,
) -> anyhow::Result<()> {
    let db = BenchDatabase::create(
        admin_url,
        format!("absim_bench_{}_po{replicas}", std::process::id()),
    )
    .await?;
    let servers = spawn_replicas(exe, &db, replicas, "bench", None)?;
    let replicas_now: Vec<&Server> = servers.iter().collect();
    let po_path = path_of(&servers[0].po_url);
    let duration = Duration::from_secs(args.duration);
    for &c in &args.connections {
        let pos = workloads.pos(po_path.clone(), 1);
        let r = measure_spread(&replicas_now, c, duration, pos).await?;
        let name = format!("PO intake, {}", replicas_named(replicas));
        println!("{}", row(&name, c, &r, po_floors.get(&c)));
    }
    drop(servers);
    db.drop_now().await;
    Ok(())
}

/// The full-flow row of `replicas` replicas on a fresh database at `c`
/// connections.
async fn flow(
    exe: &Path,
    admin_url: &str,
    replicas: usize,
    c: usize,
    seconds: u64,
) -> anyhow::Result<String> {
    let db = BenchDatabase::create(
        admin_url,
        format!("absim_bench_{}_flow{replicas}_{c}", std::process::id()),
    )
    .await?;
    let (receiver, ships) = start_receiver().await?;
    let servers = spawn_replicas(exe, &db, replicas, "bench-flow", Some(&receiver))?;
    let flow = full_flow(&servers, &ships, c, Duration::from_secs(seconds)).await?;
    let row = flow_row(
        &format!("full flow, PostgreSQL, {}", replicas_named(replicas)),
        c,
        &flow,
    );
    drop(servers);
    db.drop_now().await;
    Ok(row)
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_replica_is_singular_and_more_are_plural() {
        assert_eq!(super::replicas_named(1), "1 replica");
        assert_eq!(super::replicas_named(2), "2 replicas");
    }
}
