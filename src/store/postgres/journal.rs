//! The request journal. Entries are handed to a task that inserts what is
//! waiting in one transaction (the exchange was answered already, so nobody
//! waits for it); readers flush this replica's queue first, so a client
//! reading the journal after its answer finds its exchange.

use std::time::Duration;

use deadpool_postgres::{GenericClient, Pool};
use tokio::sync::{mpsc, oneshot};

use super::{Postgres, execute, query};
use crate::store::model::{Exchange, JournalFilter, StoreError};
use crate::store::rows::{parse_time, time_text};

/// Entries inserted in one transaction at most.
const MAX_BATCH: usize = 256;

enum Job {
    Record(Box<Exchange>),
    Flush(oneshot::Sender<()>),
}

/// The queue in front of the journal's insert task.
pub(super) struct Queue {
    tx: std::sync::Mutex<Option<mpsc::UnboundedSender<Job>>>,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Queue {
    pub fn start(pool: Pool) -> Queue {
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(insert_task(pool, rx));
        Queue {
            tx: std::sync::Mutex::new(Some(tx)),
            task: std::sync::Mutex::new(Some(task)),
        }
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let guard = self.tx.lock().expect("journal queue lock");
        let tx = guard.as_ref().ok_or(StoreError::Closed)?;
        tx.send(job).map_err(|_| StoreError::Closed)
    }

    /// Resolves once every entry queued before it is inserted (or given
    /// up).
    pub async fn flush(&self) -> Result<(), StoreError> {
        let (done, wait) = oneshot::channel();
        self.send(Job::Flush(done))?;
        wait.await.map_err(|_| StoreError::Closed)
    }

    /// Inserts what is queued, then stops the task.
    pub async fn close(&self) {
        self.tx.lock().expect("journal queue lock").take();
        let task = self.task.lock().expect("journal task lock").take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

async fn insert_task(pool: Pool, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut batch: Vec<Exchange> = Vec::new();
    let mut flushes = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(job) = next {
            match job {
                Job::Record(e) => batch.push(*e),
                Job::Flush(done) => flushes.push(done),
            }
            next = if batch.len() < MAX_BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        if !batch.is_empty() {
            insert_batch(&pool, &batch).await;
            batch.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Inserts a batch, trying three times while the database is away; then
/// logs what was lost.
async fn insert_batch(pool: &Pool, batch: &[Exchange]) {
    let mut last = None;
    for wait in [0, 200, 1000] {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let attempt = async {
            let mut c = pool.get().await?;
            let tx = c.transaction().await?;
            for e in batch {
                insert_exchange(&tx, e).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        };
        match attempt.await {
            Ok(()) => return,
            Err(e) => last = Some(e),
        }
    }
    if let Some(e) = last {
        tracing::warn!(error = %e, entries = batch.len(), "could not record journal entries");
    }
}

/// One journal row; a body held by a document is referred to, not copied.
pub(super) async fn insert_exchange(
    c: &impl GenericClient,
    e: &Exchange,
) -> Result<(), StoreError> {
    fn body(doc: Option<i64>, bytes: &[u8]) -> &[u8] {
        if doc.is_some() { &[] } else { bytes }
    }
    execute(
        c,
        "INSERT INTO journal (at, direction, method, target, status, group_id, note, request, response, request_doc, response_doc, replica)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &time_text(&e.at).as_str(),
            &e.direction.as_str(),
            &e.method.as_str(),
            &e.target,
            &e.status.map(i32::from),
            &e.group_id.map(i64::from),
            &e.note,
            &body(e.request_doc, &e.request),
            &body(e.response_doc, &e.response),
            &e.request_doc,
            &e.response_doc,
            &&*e.replica,
        ],
    )
    .await?;
    Ok(())
}

impl Postgres {
    pub fn record_exchange(&self, e: Exchange) -> Result<(), StoreError> {
        self.journal.send(Job::Record(Box::new(e)))
    }

    pub async fn journal(
        &self,
        filter: JournalFilter,
        limit: usize,
    ) -> Result<Vec<(i64, Exchange)>, StoreError> {
        let JournalFilter {
            direction,
            target,
            status,
            group,
            refused,
        } = filter;
        self.journal.flush().await?;
        let c = self.client().await?;
        let rows = query(
            &c,
            "SELECT j.id, j.at, j.direction, j.method, j.target, j.status, j.group_id, j.note,
                    coalesce(rq.body, j.request), coalesce(rs.body, j.response), j.replica
             FROM journal j
             LEFT JOIN documents rq ON rq.id = j.request_doc
             LEFT JOIN documents rs ON rs.id = j.response_doc
             WHERE ($1::text IS NULL OR j.direction = $1) AND ($2::text IS NULL OR strpos(j.target, $2) > 0)
               AND ($3::integer IS NULL OR j.status = $3) AND ($5::bigint IS NULL OR j.group_id = $5)
               AND (NOT $6 OR j.status >= 400)
             ORDER BY j.id DESC LIMIT $4",
            &[
                &direction,
                &target,
                &status.map(i32::from),
                &(limit as i64),
                &group.map(i64::from),
                &refused,
            ],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.get::<_, i64>(0),
                    Exchange {
                        at: parse_time(r.get(1))?,
                        direction: r.get::<_, &str>(2).into(),
                        method: r.get::<_, &str>(3).into(),
                        target: r.get(4),
                        status: r.get::<_, Option<i32>>(5).map(|s| s as u16),
                        group_id: r.get::<_, Option<i64>>(6).map(|g| g as u32),
                        note: r.get(7),
                        request: r.get::<_, Vec<u8>>(8).into(),
                        response: r.get::<_, Vec<u8>>(9).into(),
                        request_doc: None,
                        response_doc: None,
                        replica: r.get::<_, Option<&str>>(10).unwrap_or_default().into(),
                    },
                ))
            })
            .collect()
    }
}
