//! Orders (accepted and refused) with their documents and marks, and the
//! resets that forget them.

use rusqlite::{Connection, OptionalExtension, params};

use super::packing::{Packed, pack};
use super::sessions::delete_sessions;
use super::{Sqlite, insert_delivery, insert_document, insert_packed, load_group, save_group};
use crate::domain::mail::Mails;
use crate::domain::order::{Document, DocumentMeta, Mark, Order};
use crate::store::model::{
    Duplicate, InsertError, NewDelivery, OrderFilter, StoreError, StoredBodies, StoredDocument,
};
use crate::store::rows::{
    ORDER_COLUMNS, OrderColumns, OrderJson, build_mark, build_order, doc_kind, like_pattern,
    parse_time, result_text, time_text,
};

/// Inserts an order row and sets the order's number.
fn insert_order_row(c: &Connection, order: &mut Order, refused: bool) -> Result<(), StoreError> {
    let cols = OrderColumns::of(order)?;
    c.prepare_cached(
        "INSERT INTO orders (group_id, refused, order_id, payload_id, scenario, session_id, received_at, received_day, asins, search, body, run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        order.group_id,
        refused,
        order.order_id.as_str(),
        order.payload_id,
        order.scenario.as_str(),
        order.session_id,
        cols.received_at.as_str(),
        cols.day.as_str(),
        cols.asins,
        cols.search,
        &cols.body,
        order.run_id
    ])?;
    order.no = c.last_insert_rowid() as u64;
    Ok(())
}

impl rusqlite::ToSql for OrderJson {
    /// Bound as text, unchecked: see [`OrderJson`].
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(self.as_bytes()),
        ))
    }
}

/// The duplicate a failed order insert ran into, if that is why it failed
/// (SQLite names the unique index's columns in its message).
fn duplicate(e: &StoreError, order: &Order) -> Option<Duplicate> {
    let StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, Some(message))) = e else {
        return None;
    };
    if f.code != rusqlite::ErrorCode::ConstraintViolation {
        return None;
    }
    if message.contains("orders.payload_id") {
        Some(Duplicate::PayloadId(order.payload_id.clone()))
    } else if message.contains("orders.order_id") {
        Some(Duplicate::OrderId(order.order_id.to_string()))
    } else {
        None
    }
}

/// A PO's two documents (the PO and absim's answer), their bodies packed.
type PoDocuments = [(Document, Packed); 2];

/// Packs a PO's documents on the caller's thread: the writer, which every
/// request waits on, only inserts them.
fn pack_po_documents(documents: [Document; 2]) -> PoDocuments {
    documents.map(|d| {
        let body = pack(&d.body);
        (d, body)
    })
}

fn insert_po_documents(
    c: &Connection,
    no: u64,
    [(po, po_body), (answer, answer_body)]: &PoDocuments,
) -> Result<StoredBodies, StoreError> {
    Ok(StoredBodies {
        request: insert_packed(c, None, Some(no), po, po_body)?,
        response: insert_packed(c, None, Some(no), answer, answer_body)?,
    })
}

impl Sqlite {
    pub async fn insert_order(
        &self,
        mut order: Order,
        documents: [Document; 2],
        first: NewDelivery,
        mails: Mails,
    ) -> Result<(Order, StoredBodies), InsertError> {
        let documents = pack_po_documents(documents);
        let result = self
            .db
            .write(move |c| {
                // The unique indexes refuse a repeated payloadID or orderID
                // (SQLite undoes the refused statement by itself, the first
                // of this job: nothing of it is left in the batch).
                if let Err(e) = insert_order_row(c, &mut order, false) {
                    return match duplicate(&e, &order) {
                        Some(conflict) => Ok(Err(conflict)),
                        None => Err(e),
                    };
                }
                let bodies = insert_po_documents(c, order.no, &documents)?;
                insert_delivery(c, order.no, &first)?;
                for m in &mails {
                    c.prepare_cached(
                        "INSERT INTO mails (group_id, order_no, recipient, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        order.group_id,
                        order.no as i64,
                        m.recipient,
                        m.subject,
                        m.body,
                        time_text(&order.received_at).as_str()
                    ])?;
                }
                Ok(Ok((order, bodies)))
            })
            .await?;
        Ok(result?)
    }

    pub async fn insert_refused(
        &self,
        mut order: Order,
        documents: [Document; 2],
    ) -> Result<(Order, StoredBodies), StoreError> {
        let documents = pack_po_documents(documents);
        self.db
            .write(move |c| {
                insert_order_row(c, &mut order, true)?;
                let bodies = insert_po_documents(c, order.no, &documents)?;
                Ok((order, bodies))
            })
            .await
    }

    pub async fn order(&self, no: u64) -> Result<Option<Order>, StoreError> {
        self.db
            .read(move |c| {
                let row = c
                    .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE no = ?1"))?
                    .query_row([no as i64], order_row)
                    .optional()?;
                row.map(build_order).transpose()
            })
            .await
    }

    pub async fn orders(
        &self,
        group_id: u32,
        filter: OrderFilter,
        limit: usize,
    ) -> Result<(Vec<Order>, usize), StoreError> {
        self.db
            .read(move |c| {
                let mut clauses = vec!["group_id = ?".to_owned()];
                let mut args: Vec<rusqlite::types::Value> = vec![i64::from(group_id).into()];
                if let Some(f) = filter.from {
                    clauses.push("received_day >= ?".into());
                    args.push(f.format("%Y-%m-%d").to_string().into());
                }
                if let Some(t) = filter.to {
                    clauses.push("received_day <= ?".into());
                    args.push(t.format("%Y-%m-%d").to_string().into());
                }
                if let Some(s) = &filter.scenario {
                    clauses.push("scenario = ?".into());
                    args.push(s.clone().into());
                }
                if let Some(t) = &filter.text {
                    clauses.push("search LIKE ? ESCAPE '\\'".into());
                    args.push(like_pattern(t).into());
                }
                if let Some(o) = &filter.order_id {
                    clauses.push("lower(order_id) LIKE ? ESCAPE '\\'".into());
                    args.push(like_pattern(o).into());
                }
                if let Some(a) = &filter.asin {
                    clauses.push("asins LIKE ? ESCAPE '\\'".into());
                    args.push(like_pattern(a).into());
                }
                match &filter.result {
                    None => {}
                    Some(None) => clauses.push("mark_result IS NULL".into()),
                    Some(Some(r)) => {
                        clauses.push("mark_result = ?".into());
                        args.push(result_text(*r).to_owned().into());
                    }
                }
                let where_ = clauses.join(" AND ");
                let total: i64 = c.query_row(
                    &format!("SELECT count(*) FROM orders WHERE {where_}"),
                    rusqlite::params_from_iter(args.iter()),
                    |r| r.get(0),
                )?;
                args.push((limit as i64).into());
                let mut stmt = c.prepare(&format!(
                    "SELECT {ORDER_COLUMNS} FROM orders WHERE {where_} ORDER BY no DESC LIMIT ?"
                ))?;
                let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), order_row)?;
                let mut out = Vec::new();
                for row in rows {
                    out.push(build_order(row?)?);
                }
                Ok((out, total as usize))
            })
            .await
    }

    pub async fn count_orders(
        &self,
        group_id: u32,
        scenario: Option<String>,
    ) -> Result<usize, StoreError> {
        self.db
            .read(move |c| {
                let n: i64 = c
                    .prepare_cached(
                        "SELECT count(*) FROM orders WHERE group_id = ?1 AND (?2 IS NULL OR scenario = ?2)",
                    )?
                    .query_row(params![group_id, scenario], |r| r.get(0))?;
                Ok(n as usize)
            })
            .await
    }

    pub async fn latest_mark(
        &self,
        group_id: u32,
        scenario: String,
    ) -> Result<Option<Mark>, StoreError> {
        self.db
            .read(move |c| {
                let row: Option<(String, String, String)> = c
                    .prepare_cached(
                        "SELECT mark_result, mark_by, mark_at FROM orders
                         WHERE group_id = ?1 AND scenario = ?2 AND mark_result IS NOT NULL
                         ORDER BY mark_at DESC LIMIT 1",
                    )?
                    .query_row(params![group_id, scenario], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                row.map(|(result, by, at)| build_mark(&result, by, &at))
                    .transpose()
            })
            .await
    }

    pub async fn set_mark(&self, no: u64, mark: Mark) -> Result<bool, StoreError> {
        self.db
            .write(move |c| {
                let n = c.execute(
                    "UPDATE orders SET mark_result = ?2, mark_by = ?3, mark_at = ?4, mark_comment = ?5 WHERE no = ?1",
                    params![
                        no as i64,
                        result_text(mark.result),
                        mark.by,
                        time_text(&mark.at).as_str(),
                        mark.comment
                    ],
                )?;
                Ok(n == 1)
            })
            .await
    }

    pub async fn add_order_document(&self, no: u64, doc: Document) -> Result<i64, StoreError> {
        self.db
            .write(move |c| insert_document(c, None, Some(no), &doc))
            .await
    }

    pub async fn documents_of(
        &self,
        no: u64,
        session_id: Option<String>,
    ) -> Result<Vec<DocumentMeta>, StoreError> {
        self.db
            .read(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT id, kind, at, coalesce(packed_size, length(body)) FROM documents
                     WHERE order_no = ?1 OR (?2 IS NOT NULL AND session_id = ?2)
                     ORDER BY id",
                )?;
                let rows = stmt.query_map(params![no as i64, session_id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, kind, at, size) = row?;
                    out.push(DocumentMeta {
                        id,
                        kind: doc_kind(&kind)?,
                        at: parse_time(&at)?,
                        size: size as usize,
                    });
                }
                Ok(out)
            })
            .await
    }

    pub async fn document(&self, id: i64) -> Result<Option<StoredDocument>, StoreError> {
        self.db
            .read(move |c| {
                let row = c
                    .prepare_cached(
                        "SELECT kind, at, unpack(body, packed_size), order_no, session_id FROM documents WHERE id = ?1",
                    )?
                    .query_row([id], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, Vec<u8>>(2)?,
                            r.get::<_, Option<i64>>(3)?,
                            r.get::<_, Option<String>>(4)?,
                        ))
                    })
                    .optional()?;
                row.map(|(kind, at, body, order_no, session_id)| {
                    Ok(StoredDocument {
                        meta: DocumentMeta {
                            id,
                            kind: doc_kind(&kind)?,
                            at: parse_time(&at)?,
                            size: body.len(),
                        },
                        order_no: order_no.map(|n| n as u64),
                        session_id,
                        body,
                    })
                })
                .transpose()
            })
            .await
    }

    pub async fn reset_scenario(
        &self,
        group_id: u32,
        scenario: String,
    ) -> Result<usize, StoreError> {
        self.reset(group_id, move |c, g| {
            let n = delete_orders(
                c,
                "group_id = ?1 AND scenario = ?2",
                params![group_id, scenario],
            )?;
            let gone = delete_sessions(
                c,
                "group_id = ?1 AND json_extract(body, '$.scenario') = ?2",
                params![group_id, scenario],
            )?;
            g.scenario_fault_uses.remove(&scenario);
            Ok((n, gone))
        })
        .await
    }

    pub async fn reset_group(&self, group_id: u32) -> Result<usize, StoreError> {
        self.reset(group_id, move |c, g| {
            let n = delete_orders(c, "group_id = ?1", params![group_id])?;
            let gone = delete_sessions(c, "group_id = ?1", params![group_id])?;
            c.execute("DELETE FROM faults WHERE group_id = ?1", [group_id])?;
            c.execute("DELETE FROM mails WHERE group_id = ?1", [group_id])?;
            g.scenario_fault_uses.clear();
            g.selected_scenario = crate::domain::scenario::BASIC.into();
            Ok((n, gone))
        })
        .await
    }

    /// Runs a reset of a group in one writer job: `forget` deletes and
    /// changes the group; the group and the session index follow.
    async fn reset(
        &self,
        group_id: u32,
        forget: impl FnOnce(
            &Connection,
            &mut crate::domain::Group,
        ) -> Result<(usize, Vec<String>), StoreError>
        + Send
        + 'static,
    ) -> Result<usize, StoreError> {
        let index = self.sessions.clone();
        let groups = self.groups.clone();
        let (n, _, _) = self
            .db
            .write_then(
                move |c| {
                    let mut g = load_group(c, group_id)?.ok_or_else(|| {
                        StoreError::Internal(format!("there is no group {group_id}"))
                    })?;
                    let (n, gone) = forget(c, &mut g)?;
                    save_group(c, &g)?;
                    Ok((n, g, gone))
                },
                move |(_, g, gone)| {
                    index.remove(gone);
                    super::put_cached(&groups, g);
                },
            )
            .await?;
        Ok(n)
    }
}

pub(super) fn order_row(r: &rusqlite::Row) -> rusqlite::Result<crate::store::model::OrderRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
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

/// Deletes orders matching `filter` with everything that hangs off them.
fn delete_orders(
    c: &Connection,
    filter: &str,
    args: impl rusqlite::Params + Clone,
) -> Result<usize, StoreError> {
    delete_orders_where(c, filter, args, JournalOfOrders::Keep)
}

pub(super) fn delete_orders_where(
    c: &Connection,
    filter: &str,
    args: impl rusqlite::Params + Clone,
    journal: JournalOfOrders,
) -> Result<usize, StoreError> {
    let nos = format!("SELECT no FROM orders WHERE {filter}");
    c.execute(
        &format!("DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE order_no IN ({nos}))"),
        args.clone(),
    )?;
    c.execute(
        &format!("DELETE FROM deliveries WHERE order_no IN ({nos})"),
        args.clone(),
    )?;
    let docs = format!("SELECT id FROM documents WHERE order_no IN ({nos})");
    match journal {
        JournalOfOrders::Keep => c.execute(
            &format!(
                "UPDATE journal SET
                    request = coalesce((SELECT unpack(body, packed_size) FROM documents WHERE id = journal.request_doc), request),
                    response = coalesce((SELECT unpack(body, packed_size) FROM documents WHERE id = journal.response_doc), response),
                    request_doc = NULL, response_doc = NULL
                 WHERE request_doc IN ({docs})"
            ),
            args.clone(),
        )?,
        JournalOfOrders::Delete => c.execute(
            &format!("DELETE FROM journal WHERE request_doc IN ({docs})"),
            args.clone(),
        )?,
    };
    c.execute(
        &format!("DELETE FROM documents WHERE order_no IN ({nos})"),
        args.clone(),
    )?;
    c.execute(
        &format!("DELETE FROM mails WHERE order_no IN ({nos})"),
        args.clone(),
    )?;
    Ok(c.execute(&format!("DELETE FROM orders WHERE {filter}"), args)?)
}
