//! Groups and their credentials, and the faults injected into their POs.
//! Reads come from the in-memory copy; each change is read, made and saved
//! in one writer job, and the copy follows in commit order.

use std::sync::{Arc, RwLock};

use rusqlite::params;

use super::{Sqlite, load_group, load_groups, put_cached, save_group};
use crate::domain::account::{Group, generate_identity};
use crate::domain::fault::{FaultKind, FaultPlan, FaultRecord};
use crate::store::model::{GroupError, StoreError};
use crate::store::rows::{parse_time, time_text};

impl Sqlite {
    fn cache(&self) -> Arc<RwLock<Vec<Arc<Group>>>> {
        self.groups.clone()
    }

    pub fn groups(&self) -> Vec<Group> {
        let groups = self.groups.read().expect("groups lock");
        groups.iter().map(|g| Group::clone(g)).collect()
    }

    /// The cached group `pred` picks, shared (a clone of the group was six
    /// allocations on every PO and page).
    pub fn find_group(&self, pred: impl Fn(&Group) -> bool) -> Option<Arc<Group>> {
        self.groups
            .read()
            .expect("groups lock")
            .iter()
            .find(|g| pred(g))
            .cloned()
    }

    pub async fn update_group<F>(&self, id: u32, change: F) -> Result<Group, GroupError>
    where
        F: FnOnce(&mut Group) -> Result<(), crate::i18n::Note> + Send + 'static,
    {
        let cache = self.cache();
        self.db
            .write_then(
                move |c| {
                    let Some(mut g) = load_group(c, id)? else {
                        return Ok(Err(GroupError::NotFound(id)));
                    };
                    if let Err(why) = change(&mut g) {
                        return Ok(Err(GroupError::Refused(why)));
                    }
                    let taken = c
                        .prepare_cached("SELECT 1 FROM groups WHERE identity = ?1 AND id <> ?2")?
                        .exists(params![g.identity, id])?;
                    if taken {
                        return Ok(Err(GroupError::IdentityTaken(g.identity.clone())));
                    }
                    save_group(c, &g)?;
                    Ok(Ok(g))
                },
                move |saved| {
                    if let Ok(g) = saved {
                        put_cached(&cache, g);
                    }
                },
            )
            .await?
    }

    pub async fn add_group<F>(&self, name: String, adjust: F) -> Result<Group, GroupError>
    where
        F: FnOnce(&mut Group) -> Result<(), crate::i18n::Note> + Send + 'static,
    {
        let cache = self.cache();
        self.db
            .write_then(
                move |c| {
                    let groups = load_groups(c)?;
                    let id = groups.iter().map(|g| g.id).max().unwrap_or(0) + 1;
                    let mut g = Group::generate(id, &name);
                    while groups.iter().any(|o| o.identity == g.identity) {
                        g.identity = generate_identity();
                    }
                    if let Err(why) = adjust(&mut g) {
                        return Ok(Err(GroupError::Refused(why)));
                    }
                    if groups.iter().any(|o| o.identity == g.identity) {
                        return Ok(Err(GroupError::IdentityTaken(g.identity.clone())));
                    }
                    save_group(c, &g)?;
                    Ok(Ok(g))
                },
                move |made| {
                    if let Ok(g) = made {
                        put_cached(&cache, g);
                    }
                },
            )
            .await?
    }

    pub async fn delete_group(&self, id: u32) -> Result<bool, StoreError> {
        let cache = self.cache();
        let index = self.sessions.clone();
        let (found, _) = self
            .db
            .write_then(
                move |c| {
                    if load_group(c, id)?.is_none() {
                        return Ok((false, Vec::new()));
                    }
                    super::orders::delete_orders_where(
                        c,
                        "group_id = ?1",
                        [id],
                        super::orders::JournalOfOrders::Delete,
                    )?;
                    let gone = super::sessions::delete_sessions(c, "group_id = ?1", [id])?;
                    for table in ["faults", "mails", "runs"] {
                        c.execute(&format!("DELETE FROM {table} WHERE group_id = ?1"), [id])?;
                    }
                    c.execute("DELETE FROM journal WHERE group_id = ?1", [id])?;
                    c.execute("DELETE FROM groups WHERE id = ?1", [id])?;
                    Ok((true, gone))
                },
                move |(found, gone)| {
                    if *found {
                        index.remove(gone);
                        cache.write().expect("groups lock").retain(|g| g.id != id);
                    }
                },
            )
            .await?;
        Ok(found)
    }

    /// Changes a group's stored state in one writer job (a fault counted
    /// down), keeping the copy in step.
    async fn change_group<R: Send + 'static>(
        &self,
        id: u32,
        change: impl FnOnce(&mut Group) -> Option<R> + Send + 'static,
    ) -> Result<Option<R>, StoreError> {
        let cache = self.cache();
        let (taken, _) = self
            .db
            .write_then(
                move |c| {
                    let Some(mut g) = load_group(c, id)? else {
                        return Ok((None, None));
                    };
                    let taken = change(&mut g);
                    if taken.is_none() {
                        return Ok((None, None));
                    }
                    save_group(c, &g)?;
                    Ok((taken, Some(g)))
                },
                move |(_, g)| {
                    if let Some(g) = g {
                        put_cached(&cache, g);
                    }
                },
            )
            .await?;
        Ok(taken)
    }

    pub async fn take_fault(
        &self,
        group_id: u32,
        unit: f64,
    ) -> Result<Option<FaultKind>, StoreError> {
        self.change_group(group_id, move |g| g.faults.take(unit))
            .await
    }

    pub async fn take_scenario_fault(
        &self,
        group_id: u32,
        scenario: String,
        plan: FaultPlan,
        unit: f64,
    ) -> Result<Option<FaultKind>, StoreError> {
        self.change_group(group_id, move |g| {
            g.take_scenario_fault(&scenario, &plan, unit)
        })
        .await
    }

    pub async fn record_fault(&self, f: FaultRecord) -> Result<(), StoreError> {
        self.db
            .write(move |c| {
                c.execute(
                    "INSERT INTO faults (group_id, at, kind, payload_id, order_id, detail, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![f.group_id, time_text(&f.at).as_str(), f.kind.as_str(), f.payload_id, f.order_id, f.detail, f.run_id],
                )?;
                Ok(())
            })
            .await
    }

    pub async fn faults(
        &self,
        group_id: u32,
        limit: usize,
    ) -> Result<Vec<FaultRecord>, StoreError> {
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT at, kind, payload_id, order_id, detail, run_id FROM faults WHERE group_id = ?1 ORDER BY id DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![group_id, limit as i64], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (at, kind, payload_id, order_id, detail, run_id) = row?;
                    out.push(FaultRecord {
                        group_id,
                        at: parse_time(&at)?,
                        kind: FaultKind::parse(&kind).map_err(|n| StoreError::Corrupt(n.into()))?,
                        payload_id,
                        order_id,
                        detail,
                        run_id,
                    });
                }
                Ok(out)
            })
            .await
    }
}
