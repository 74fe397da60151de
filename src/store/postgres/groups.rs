//! Groups and their credentials, and the faults injected into their POs,
//! read from the database each time. A change locks the group's row
//! (`FOR UPDATE`), so that two replicas changing one group take turns.

use deadpool_postgres::GenericClient;

use super::{Postgres, WriteError, json_rows, load_group, query, save_group, unique_violation};
use crate::domain::account::Group;
use crate::domain::fault::{FaultKind, FaultPlan, FaultRecord};
use crate::store::model::{GroupError, StoreError};
use crate::store::rows::{parse_time, time_text};

impl Postgres {
    pub async fn groups(&self) -> Result<Vec<Group>, StoreError> {
        let c = self.client().await?;
        json_rows(&c, "SELECT body FROM groups ORDER BY id", &[]).await
    }

    pub async fn group(&self, id: u32) -> Result<Option<Group>, StoreError> {
        let c = self.client().await?;
        load_group(&c, id, false).await
    }

    pub async fn group_by_token(&self, token: &str) -> Result<Option<Group>, StoreError> {
        let c = self.client().await?;
        Ok(
            json_rows(&c, "SELECT body FROM groups WHERE po_token = $1", &[&token])
                .await?
                .into_iter()
                .next(),
        )
    }

    pub async fn group_by_identity(&self, identity: &str) -> Result<Option<Group>, StoreError> {
        let c = self.client().await?;
        Ok(json_rows(
            &c,
            "SELECT body FROM groups WHERE identity = $1",
            &[&identity],
        )
        .await?
        .into_iter()
        .next())
    }

    pub async fn update_group<F>(&self, id: u32, change: F) -> Result<Group, GroupError>
    where
        F: FnOnce(&mut Group) -> Result<(), crate::i18n::Note> + Send + 'static,
    {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(StoreError::from)?;
        let Some(mut g) = load_group(&tx, id, true).await? else {
            return Err(GroupError::NotFound(id));
        };
        change(&mut g).map_err(GroupError::Refused)?;
        match save_group(&tx, &g).await {
            Err(WriteError::Unique(c)) if c == "groups_identity_key" => {
                return Err(GroupError::IdentityTaken(g.identity.clone()));
            }
            other => other.map_err(StoreError::from)?,
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(g)
    }

    pub async fn add_group<F>(&self, name: String, adjust: F) -> Result<Group, GroupError>
    where
        F: FnOnce(&mut Group) -> Result<(), crate::i18n::Note> + Send + 'static,
    {
        let mut g = Group::generate(0, &name);
        adjust(&mut g).map_err(GroupError::Refused)?;
        // Two replicas adding a group at once may pick the same id: the
        // primary key refuses one, which takes the next.
        for _ in 0..8 {
            let c = self.client().await?;
            let next: i64 =
                query(&c, "SELECT coalesce(max(id), 0) + 1 FROM groups", &[]).await?[0].get(0);
            g.id = next as u32;
            let body = serde_json::to_string(&g).map_err(StoreError::from)?;
            let insert = c
                .execute(
                    "INSERT INTO groups (id, identity, po_token, body) VALUES ($1, $2, $3, $4)",
                    &[&next, &g.identity, &g.po_token, &body],
                )
                .await;
            match insert {
                Ok(_) => return Ok(g),
                Err(e) => match unique_violation(&e) {
                    Some("groups_pkey") => continue,
                    Some("groups_identity_key") => {
                        return Err(GroupError::IdentityTaken(g.identity.clone()));
                    }
                    _ => return Err(StoreError::from(e).into()),
                },
            }
        }
        Err(StoreError::Internal("could not find a free group id; try again".into()).into())
    }

    pub async fn delete_group(&self, id: u32) -> Result<bool, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        if load_group(&tx, id, true).await?.is_none() {
            return Ok(false);
        }
        let gid = i64::from(id);
        let nos = super::orders::order_nos(&tx, "group_id = $1", &[&gid], None).await?;
        super::orders::delete_orders(&tx, &nos, super::orders::JournalOfOrders::Delete).await?;
        super::execute(
            &tx,
            "WITH gone AS (SELECT id FROM sessions WHERE group_id = $1),
                  docs AS (DELETE FROM documents WHERE session_id IN (SELECT id FROM gone))
             DELETE FROM sessions WHERE id IN (SELECT id FROM gone)",
            &[&gid],
        )
        .await?;
        for table in ["faults", "mails", "runs", "journal"] {
            tx.execute(&format!("DELETE FROM {table} WHERE group_id = $1"), &[&gid])
                .await?;
        }
        tx.execute("DELETE FROM groups WHERE id = $1", &[&gid])
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Changes a group's stored state under its row lock; saved only when
    /// `change` takes something.
    async fn change_group<R>(
        &self,
        id: u32,
        change: impl FnOnce(&mut Group) -> Option<R>,
    ) -> Result<Option<R>, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let Some(mut g) = load_group(&tx, id, true).await? else {
            return Ok(None);
        };
        let taken = change(&mut g);
        if taken.is_some() {
            save_group(&tx, &g).await?;
            tx.commit().await?;
        }
        Ok(taken)
    }

    pub async fn take_fault(
        &self,
        group_id: u32,
        unit: f64,
    ) -> Result<Option<FaultKind>, StoreError> {
        self.change_group(group_id, |g| g.faults.take(unit)).await
    }

    pub async fn take_scenario_fault(
        &self,
        group_id: u32,
        scenario: String,
        plan: FaultPlan,
        unit: f64,
    ) -> Result<Option<FaultKind>, StoreError> {
        self.change_group(group_id, |g| g.take_scenario_fault(&scenario, &plan, unit))
            .await
    }

    pub async fn record_fault(&self, f: FaultRecord) -> Result<(), StoreError> {
        let c = self.client().await?;
        super::execute(
            &c,
            "INSERT INTO faults (group_id, at, kind, payload_id, order_id, detail, run_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &i64::from(f.group_id),
                &time_text(&f.at).as_str(),
                &f.kind.as_str(),
                &f.payload_id,
                &f.order_id,
                &f.detail,
                &f.run_id,
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn faults(
        &self,
        group_id: u32,
        limit: usize,
    ) -> Result<Vec<FaultRecord>, StoreError> {
        let c = self.client().await?;
        let rows = query(
            &c,
            "SELECT at, kind, payload_id, order_id, detail, run_id FROM faults WHERE group_id = $1 ORDER BY id DESC LIMIT $2",
            &[&i64::from(group_id), &(limit as i64)],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FaultRecord {
                    group_id,
                    at: parse_time(r.get(0))?,
                    kind: FaultKind::parse(r.get(1)).map_err(|n| StoreError::Corrupt(n.into()))?,
                    payload_id: r.get(2),
                    order_id: r.get(3),
                    detail: r.get(4),
                    run_id: r.get(5),
                })
            })
            .collect()
    }
}
