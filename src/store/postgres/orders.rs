//! Orders (accepted and refused) with their documents and marks, and the
//! resets that forget them. A repeated payloadID or orderID is refused by
//! the unique indexes, whichever replica received the first.

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{
    Postgres, WriteError, execute, insert_document, load_group, query, query_opt, save_group,
};
use crate::domain::mail::Mails;
use crate::domain::order::{Document, DocumentMeta, Mark, Order};
use crate::store::model::{
    Duplicate, InsertError, NewDelivery, OrderFilter, OrderRow, StoreError, StoredBodies,
    StoredDocument,
};
use crate::store::rows::{
    ORDER_COLUMNS, OrderColumns, build_mark, build_order, doc_kind, like_pattern, parse_time,
    result_text, time_text,
};

pub(super) fn order_row(r: &Row) -> OrderRow {
    (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))
}

/// Inserts an order row and sets the order's number; a broken unique index
/// comes back as the driver's error.
async fn insert_order_row(
    c: &impl GenericClient,
    order: &mut Order,
    refused: bool,
) -> Result<(), WriteError> {
    let cols = OrderColumns::of(order)?;
    let stmt = c
        .prepare_cached(
            "INSERT INTO orders (group_id, refused, order_id, payload_id, scenario, session_id, received_at, received_day, asins, search, body, run_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING no",
        )
        .await?;
    let inserted = c
        .query_one(
            &stmt,
            &[
                &i64::from(order.group_id),
                &refused,
                &order.order_id.as_str(),
                &order.payload_id,
                &order.scenario.as_str(),
                &order.session_id,
                &cols.received_at.as_str(),
                &cols.day.as_str(),
                &cols.asins,
                &cols.search,
                &cols.body.as_str()?,
                &order.run_id,
            ],
        )
        .await?;
    order.no = inserted.get::<_, i64>(0) as u64;
    Ok(())
}

async fn insert_po_documents(
    c: &impl GenericClient,
    no: u64,
    [po, answer]: &[Document; 2],
) -> Result<StoredBodies, StoreError> {
    Ok(StoredBodies {
        request: insert_document(c, None, Some(no), po).await?,
        response: insert_document(c, None, Some(no), answer).await?,
    })
}

pub(super) async fn insert_delivery(
    c: &impl GenericClient,
    order_no: u64,
    d: &NewDelivery,
) -> Result<(), StoreError> {
    execute(
        c,
        "INSERT INTO deliveries (order_no, kind, step, state, due_at, target) VALUES ($1, $2, $3, 'pending', $4, $5)
         ON CONFLICT (order_no, kind, step) DO NOTHING",
        &[
            &(order_no as i64),
            &d.kind.as_str(),
            &(d.step as i32),
            &d.due_at_ms,
            &d.target,
        ],
    )
    .await?;
    Ok(())
}

impl Postgres {
    pub async fn insert_order(
        &self,
        mut order: Order,
        documents: [Document; 2],
        first: NewDelivery,
        mails: Mails,
    ) -> Result<(Order, StoredBodies), InsertError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(StoreError::from)?;
        match insert_order_row(&tx, &mut order, false).await {
            Err(WriteError::Unique(c)) if c == "orders_payload" => {
                return Err(Duplicate::PayloadId(order.payload_id).into());
            }
            Err(WriteError::Unique(c)) if c == "orders_order_id" => {
                return Err(Duplicate::OrderId(order.order_id.into()).into());
            }
            other => other.map_err(StoreError::from)?,
        }
        let bodies = insert_po_documents(&tx, order.no, &documents).await?;
        insert_delivery(&tx, order.no, &first).await?;
        for m in &mails {
            execute(
                &tx,
                "INSERT INTO mails (group_id, order_no, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &i64::from(order.group_id),
                    &(order.no as i64),
                    &m.recipient,
                    &m.subject,
                    &m.body,
                    &time_text(&order.received_at).as_str(),
                ],
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok((order, bodies))
    }

    pub async fn insert_refused(
        &self,
        mut order: Order,
        documents: [Document; 2],
    ) -> Result<(Order, StoredBodies), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        insert_order_row(&tx, &mut order, true).await?;
        let bodies = insert_po_documents(&tx, order.no, &documents).await?;
        tx.commit().await?;
        Ok((order, bodies))
    }

    pub async fn order(&self, no: u64) -> Result<Option<Order>, StoreError> {
        let c = self.client().await?;
        query_opt(
            &c,
            &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE no = $1"),
            &[&(no as i64)],
        )
        .await?
        .map(|r| build_order(order_row(&r)))
        .transpose()
    }

    pub async fn orders(
        &self,
        group_id: u32,
        filter: OrderFilter,
        limit: usize,
    ) -> Result<(Vec<Order>, usize), StoreError> {
        let mut clauses = vec!["group_id = $1".to_owned()];
        let mut args: Vec<Box<dyn ToSql + Sync + Send>> = vec![Box::new(i64::from(group_id))];
        let mut push = |clause: &str, arg: Box<dyn ToSql + Sync + Send>| {
            args.push(arg);
            clauses.push(clause.replace('?', &format!("${}", args.len())));
        };
        if let Some(f) = filter.from {
            push(
                "received_day >= ?",
                Box::new(f.format("%Y-%m-%d").to_string()),
            );
        }
        if let Some(t) = filter.to {
            push(
                "received_day <= ?",
                Box::new(t.format("%Y-%m-%d").to_string()),
            );
        }
        if let Some(s) = filter.scenario {
            push("scenario = ?", Box::new(s));
        }
        if let Some(t) = &filter.text {
            push("search LIKE ?", Box::new(like_pattern(t)));
        }
        if let Some(o) = &filter.order_id {
            push("lower(order_id) LIKE ?", Box::new(like_pattern(o)));
        }
        if let Some(a) = &filter.asin {
            push("asins LIKE ?", Box::new(like_pattern(a)));
        }
        match filter.result {
            None => {}
            Some(None) => clauses.push("mark_result IS NULL".into()),
            Some(Some(r)) => push("mark_result = ?", Box::new(result_text(r))),
        }
        let where_ = clauses.join(" AND ");
        let refs: Vec<&(dyn ToSql + Sync)> = args
            .iter()
            .map(|a| a.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let c = self.client().await?;
        let total: i64 = c
            .query_one(
                &format!("SELECT count(*) FROM orders WHERE {where_}"),
                &refs,
            )
            .await?
            .get(0);
        let rows = c
            .query(
                &format!(
                    "SELECT {ORDER_COLUMNS} FROM orders WHERE {where_} ORDER BY no DESC LIMIT {limit}"
                ),
                &refs,
            )
            .await?;
        let orders = rows
            .iter()
            .map(|r| build_order(order_row(r)))
            .collect::<Result<_, _>>()?;
        Ok((orders, total as usize))
    }

    pub async fn count_orders(
        &self,
        group_id: u32,
        scenario: Option<String>,
    ) -> Result<usize, StoreError> {
        let c = self.client().await?;
        let n: i64 = query(
            &c,
            "SELECT count(*) FROM orders WHERE group_id = $1 AND ($2::text IS NULL OR scenario = $2)",
            &[&i64::from(group_id), &scenario],
        )
        .await?[0]
            .get(0);
        Ok(n as usize)
    }

    pub async fn latest_mark(
        &self,
        group_id: u32,
        scenario: String,
    ) -> Result<Option<Mark>, StoreError> {
        let c = self.client().await?;
        query_opt(
            &c,
            "SELECT mark_result, mark_by, mark_at FROM orders
             WHERE group_id = $1 AND scenario = $2 AND mark_result IS NOT NULL
             ORDER BY mark_at DESC LIMIT 1",
            &[&i64::from(group_id), &scenario],
        )
        .await?
        .map(|r| build_mark(r.get(0), r.get(1), r.get(2)))
        .transpose()
    }

    pub async fn set_mark(&self, no: u64, mark: Mark) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let n = execute(
            &c,
            "UPDATE orders SET mark_result = $2, mark_by = $3, mark_at = $4, mark_comment = $5 WHERE no = $1",
            &[
                &(no as i64),
                &result_text(mark.result),
                &mark.by,
                &time_text(&mark.at).as_str(),
                &mark.comment,
            ],
        )
        .await?;
        Ok(n == 1)
    }

    pub async fn add_order_document(&self, no: u64, doc: Document) -> Result<i64, StoreError> {
        let c = self.client().await?;
        insert_document(&c, None, Some(no), &doc).await
    }

    pub async fn documents_of(
        &self,
        no: u64,
        session_id: Option<String>,
    ) -> Result<Vec<DocumentMeta>, StoreError> {
        let c = self.client().await?;
        let rows = query(
            &c,
            "SELECT id, kind, at, length(body)::bigint FROM documents
             WHERE order_no = $1 OR ($2::text IS NOT NULL AND session_id = $2)
             ORDER BY id",
            &[&(no as i64), &session_id],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DocumentMeta {
                    id: r.get(0),
                    kind: doc_kind(r.get(1))?,
                    at: parse_time(r.get(2))?,
                    size: r.get::<_, i64>(3) as usize,
                })
            })
            .collect()
    }

    pub async fn document(&self, id: i64) -> Result<Option<StoredDocument>, StoreError> {
        let c = self.client().await?;
        query_opt(
            &c,
            "SELECT kind, at, body, order_no, session_id FROM documents WHERE id = $1",
            &[&id],
        )
        .await?
        .map(|r| {
            let body: Vec<u8> = r.get(2);
            Ok(StoredDocument {
                meta: DocumentMeta {
                    id,
                    kind: doc_kind(r.get(0))?,
                    at: parse_time(r.get(1))?,
                    size: body.len(),
                },
                order_no: r.get::<_, Option<i64>>(3).map(|n| n as u64),
                session_id: r.get(4),
                body,
            })
        })
        .transpose()
    }

    pub async fn reset_scenario(
        &self,
        group_id: u32,
        scenario: String,
    ) -> Result<usize, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let mut g = locked_group(&tx, group_id).await?;
        let gid = i64::from(group_id);
        let nos = order_nos(
            &tx,
            "group_id = $1 AND scenario = $2",
            &[&gid, &scenario],
            None,
        )
        .await?;
        let n = delete_orders(&tx, &nos, JournalOfOrders::Keep).await?;
        delete_sessions(&tx, "group_id = $1 AND scenario = $2", &[&gid, &scenario]).await?;
        g.scenario_fault_uses.remove(&scenario);
        save_group(&tx, &g).await?;
        tx.commit().await?;
        Ok(n)
    }

    pub async fn reset_group(&self, group_id: u32) -> Result<usize, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let mut g = locked_group(&tx, group_id).await?;
        let gid = i64::from(group_id);
        let nos = order_nos(&tx, "group_id = $1", &[&gid], None).await?;
        let n = delete_orders(&tx, &nos, JournalOfOrders::Keep).await?;
        delete_sessions(&tx, "group_id = $1", &[&gid]).await?;
        execute(&tx, "DELETE FROM faults WHERE group_id = $1", &[&gid]).await?;
        execute(&tx, "DELETE FROM mails WHERE group_id = $1", &[&gid]).await?;
        g.scenario_fault_uses.clear();
        g.selected_scenario = crate::domain::scenario::BASIC.into();
        save_group(&tx, &g).await?;
        tx.commit().await?;
        Ok(n)
    }
}

async fn locked_group(c: &impl GenericClient, id: u32) -> Result<crate::domain::Group, StoreError> {
    load_group(c, id, true)
        .await?
        .ok_or_else(|| StoreError::Internal(format!("there is no group {id}")))
}

/// The numbers of the orders `filter` selects (the oldest `limit`),
/// locked: the deletions that follow see exactly these, whatever other
/// replicas insert meanwhile.
pub(super) async fn order_nos(
    c: &impl GenericClient,
    filter: &str,
    args: &[&(dyn ToSql + Sync)],
    limit: Option<i64>,
) -> Result<Vec<i64>, StoreError> {
    let limit = limit.map(|n| format!("LIMIT {n}")).unwrap_or_default();
    Ok(c.query(
        &format!("SELECT no FROM orders WHERE {filter} ORDER BY no {limit} FOR UPDATE"),
        args,
    )
    .await?
    .iter()
    .map(|r| r.get(0))
    .collect())
}

/// What a deletion does to the journal entries of the orders' documents.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum JournalOfOrders {
    /// A reset: the journal keeps its exchanges; bodies it refers to are
    /// copied in.
    Keep,
    /// Retention: the entries go with their orders.
    Delete,
}

/// Deletes these orders with everything that hangs off them.
pub(super) async fn delete_orders(
    c: &impl GenericClient,
    nos: &[i64],
    journal: JournalOfOrders,
) -> Result<usize, StoreError> {
    if nos.is_empty() {
        return Ok(0);
    }
    let nos = &nos;
    execute(
        c,
        "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE order_no = ANY($1))",
        &[nos],
    )
    .await?;
    execute(c, "DELETE FROM deliveries WHERE order_no = ANY($1)", &[nos]).await?;
    match journal {
        JournalOfOrders::Keep => execute(
            c,
            "UPDATE journal j SET
                request = coalesce((SELECT body FROM documents WHERE id = j.request_doc), j.request),
                response = coalesce((SELECT body FROM documents WHERE id = j.response_doc), j.response),
                request_doc = NULL, response_doc = NULL
             WHERE j.request_doc IN (SELECT id FROM documents WHERE order_no = ANY($1))",
            &[nos],
        )
        .await?,
        JournalOfOrders::Delete => execute(
            c,
            "DELETE FROM journal WHERE request_doc IN (SELECT id FROM documents WHERE order_no = ANY($1))",
            &[nos],
        )
        .await?,
    };
    execute(c, "DELETE FROM documents WHERE order_no = ANY($1)", &[nos]).await?;
    execute(c, "DELETE FROM mails WHERE order_no = ANY($1)", &[nos]).await?;
    Ok(execute(c, "DELETE FROM orders WHERE no = ANY($1)", &[nos]).await? as usize)
}

/// Deletes the sessions `filter` selects, with their documents.
async fn delete_sessions(
    c: &impl GenericClient,
    filter: &str,
    args: &[&(dyn ToSql + Sync)],
) -> Result<(), StoreError> {
    c.execute(
        &format!(
            "WITH gone AS (SELECT id FROM sessions WHERE {filter}),
                  docs AS (DELETE FROM documents WHERE session_id IN (SELECT id FROM gone))
             DELETE FROM sessions WHERE id IN (SELECT id FROM gone)"
        ),
        args,
    )
    .await?;
    Ok(())
}
