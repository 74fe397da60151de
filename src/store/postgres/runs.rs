//! CI runs: a run's record, and what the group received while it was open.
//! Opening and closing a run change the group's `open_run` under the
//! group's row lock, so two replicas never open two runs for one group.

use deadpool_postgres::GenericClient;

use super::orders::order_row;
use super::{Postgres, json_rows, load_group, query, save_group};
use crate::domain::account::OpenRun;
use crate::domain::fault::{FaultKind, FaultRecord};
use crate::domain::order::Order;
use crate::domain::run::Run;
use crate::domain::session::Session;
use crate::store::model::{RunError, StoreError};
use crate::store::rows::{ORDER_COLUMNS, build_order, parse_time, time_text};

async fn save_run(c: &impl GenericClient, run: &Run) -> Result<(), StoreError> {
    super::execute(
        c,
        "INSERT INTO runs (id, group_id, opened_at, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        &[
            &run.id,
            &i64::from(run.group_id),
            &time_text(&run.opened_at).as_str(),
            &serde_json::to_string(run)?,
        ],
    )
    .await?;
    Ok(())
}

impl Postgres {
    pub async fn open_run(&self, run: Run, now_ms: i64) -> Result<Run, RunError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(StoreError::from)?;
        let Some(mut g) = load_group(&tx, run.group_id, true).await? else {
            return Err(RunError::NoGroup(run.group_id));
        };
        if let Some(open) = g.run_at(now_ms) {
            return Err(RunError::Busy(open));
        }
        g.open_run = Some(OpenRun {
            id: run.id.clone(),
            until_ms: run.deadline_ms,
        });
        g.selected_scenario = run.scenario.clone();
        save_group(&tx, &g).await.map_err(StoreError::from)?;
        save_run(&tx, &run).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(run)
    }

    pub async fn save_run(&self, run: Run) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        save_run(&tx, &run).await?;
        if !run.state.is_open()
            && let Some(mut g) = load_group(&tx, run.group_id, true).await?
            && g.open_run.as_ref().is_some_and(|o| o.id == run.id)
        {
            g.open_run = None;
            save_group(&tx, &g).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn run(&self, id: String) -> Result<Option<Run>, StoreError> {
        let c = self.client().await?;
        Ok(json_rows(&c, "SELECT body FROM runs WHERE id = $1", &[&id])
            .await?
            .into_iter()
            .next())
    }

    pub async fn run_records(
        &self,
        id: String,
    ) -> Result<(Vec<Session>, Vec<Order>, Vec<FaultRecord>), StoreError> {
        let c = self.client().await?;
        let sessions = json_rows(
            &c,
            "SELECT body FROM sessions WHERE run_id = $1 ORDER BY seq",
            &[&id],
        )
        .await?;
        let orders = query(
            &c,
            &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE run_id = $1 ORDER BY no"),
            &[&id],
        )
        .await?
        .iter()
        .map(|r| build_order(order_row(r)))
        .collect::<Result<Vec<_>, _>>()?;
        let faults = query(
            &c,
            "SELECT group_id, at, kind, payload_id, order_id, detail FROM faults WHERE run_id = $1 ORDER BY id",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(FaultRecord {
                group_id: r.get::<_, i64>(0) as u32,
                at: parse_time(r.get(1))?,
                kind: FaultKind::parse(r.get(2)).map_err(|n| StoreError::Corrupt(n.into()))?,
                payload_id: r.get(3),
                order_id: r.get(4),
                detail: r.get(5),
                run_id: Some(id.clone()),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((sessions, orders, faults))
    }
}
