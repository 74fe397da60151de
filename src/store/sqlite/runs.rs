//! CI runs: a run's record, and what the group received while it was open.
//! Opening and closing a run change the group's `open_run` in the same
//! writer job.

use rusqlite::params;

use super::orders::order_row;
use super::{Sqlite, json_rows, load_group, save_group};
use crate::domain::account::OpenRun;
use crate::domain::fault::{FaultKind, FaultRecord};
use crate::domain::order::Order;
use crate::domain::run::Run;
use crate::domain::session::Session;
use crate::store::model::{RunError, StoreError};
use crate::store::rows::{ORDER_COLUMNS, build_order, parse_time, time_text};

fn save_run(c: &rusqlite::Connection, run: &Run) -> Result<(), StoreError> {
    c.prepare_cached(
        "INSERT INTO runs (id, group_id, opened_at, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![
        run.id,
        run.group_id,
        time_text(&run.opened_at).as_str(),
        serde_json::to_string(run)?
    ])?;
    Ok(())
}

impl Sqlite {
    pub async fn open_run(&self, run: Run, now_ms: i64) -> Result<Run, RunError> {
        let cache = self.groups.clone();
        self.db
            .write_then(
                move |c| {
                    let Some(mut g) = load_group(c, run.group_id)? else {
                        return Ok(Err(RunError::NoGroup(run.group_id)));
                    };
                    if let Some(open) = g.run_at(now_ms) {
                        return Ok(Err(RunError::Busy(open)));
                    }
                    g.open_run = Some(OpenRun {
                        id: run.id.clone(),
                        until_ms: run.deadline_ms,
                    });
                    g.selected_scenario = run.scenario.clone();
                    save_group(c, &g)?;
                    save_run(c, &run)?;
                    Ok(Ok((run, g)))
                },
                move |opened| {
                    if let Ok((_, g)) = opened {
                        super::put_cached(&cache, g);
                    }
                },
            )
            .await?
            .map(|(run, _)| run)
    }

    pub async fn save_run(&self, run: Run) -> Result<(), StoreError> {
        let cache = self.groups.clone();
        self.db
            .write_then(
                move |c| {
                    save_run(c, &run)?;
                    // A run that is no longer open frees its group.
                    let mut freed = None;
                    if !run.state.is_open()
                        && let Some(mut g) = load_group(c, run.group_id)?
                        && g.open_run.as_ref().is_some_and(|o| o.id == run.id)
                    {
                        g.open_run = None;
                        save_group(c, &g)?;
                        freed = Some(g);
                    }
                    Ok(freed)
                },
                move |freed| {
                    if let Some(g) = freed {
                        super::put_cached(&cache, g);
                    }
                },
            )
            .await?;
        Ok(())
    }

    pub async fn run(&self, id: String) -> Result<Option<Run>, StoreError> {
        self.db
            .read(move |c| {
                Ok(json_rows(c, "SELECT body FROM runs WHERE id = ?1", [id])?
                    .into_iter()
                    .next())
            })
            .await
    }

    /// The run's sessions, orders and injected faults, oldest first.
    pub async fn run_records(
        &self,
        id: String,
    ) -> Result<(Vec<Session>, Vec<Order>, Vec<FaultRecord>), StoreError> {
        self.db
            .read(move |c| {
                let sessions = json_rows(
                    c,
                    "SELECT body FROM sessions WHERE run_id = ?1 ORDER BY rowid",
                    [&id],
                )?;
                let orders = c
                    .prepare_cached(&format!(
                        "SELECT {ORDER_COLUMNS} FROM orders WHERE run_id = ?1 ORDER BY no"
                    ))?
                    .query_map([&id], order_row)?
                    .map(|r| build_order(r?))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut faults = Vec::new();
                let mut stmt = c.prepare_cached(
                    "SELECT group_id, at, kind, payload_id, order_id, detail FROM faults WHERE run_id = ?1 ORDER BY id",
                )?;
                let rows = stmt.query_map([&id], |r| {
                    Ok((
                        r.get::<_, u32>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })?;
                for row in rows {
                    let (group_id, at, kind, payload_id, order_id, detail) = row?;
                    faults.push(FaultRecord {
                        group_id,
                        at: parse_time(&at)?,
                        kind: FaultKind::parse(&kind).map_err(|n| StoreError::Corrupt(n.into()))?,
                        payload_id,
                        order_id,
                        detail,
                        run_id: Some(id.clone()),
                    });
                }
                Ok((sessions, orders, faults))
            })
            .await
    }
}
