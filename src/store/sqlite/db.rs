//! The SQLite connection layer: one writer thread that commits in batches
//! (group commit), and reader connections used from tokio's blocking pool.
//! No SQLite call ever runs on an async executor thread.
//!
//! Writes are closures sent to the writer thread. It takes every job waiting
//! (up to [`MAX_BATCH`]), runs them in one transaction, commits once, and
//! only then answers each caller: a caller that got `Ok` knows its change is
//! committed.
//!
//! Jobs run without a savepoint each (its statement journal cost a tenth of
//! PO intake's throughput). A job that fails before changing anything (a
//! conflict found by a query, a constraint refusing its one statement,
//! which SQLite undoes by itself) leaves the others alone. A job that fails
//! after it has changed something would leave half its change in the
//! batch: then nothing of the batch is committed and every caller in it is
//! answered with an error (the failing one with its own), so that no caller
//! is told `Ok` for a change that is not there and no half change is kept.
//! Only a bug or a failing disk gets there.
//!
//! Reads run on pooled read-only connections (WAL lets them proceed while
//! the writer commits). With an in-memory database there is one connection,
//! so reads are sent to the writer thread too.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Semaphore, oneshot};

use super::schema;
use crate::store::StoreError;
use crate::store::model::PoolStats;

/// Most jobs committed in one transaction.
pub const MAX_BATCH: usize = 1024;
/// Most read connections open at once.
const MAX_READERS: usize = 8;

type Finish = Box<dyn FnOnce(Result<(), Arc<str>>) + Send>;
/// A write: run on the connection (None when the transaction could not
/// begin), then finished with the commit's outcome. `true` beside the
/// finisher: the job failed after changing the database, which spoils its
/// batch.
type Job = Box<dyn FnOnce(Option<&Connection>) -> (Finish, bool) + Send>;

/// Why a batch was not committed although this caller's job succeeded.
const SPOILED: &str =
    "another write in the same batch failed half-way, so none of the batch was kept; try again";

/// How durable a commit is. `Normal` survives a crash of absim (kill -9);
/// `Full` also survives a power loss, at the cost of an fsync per batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sync {
    #[default]
    Normal,
    Full,
}

pub struct Db {
    writer: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// None for an in-memory database: reads go to the writer.
    path: Option<PathBuf>,
    readers: Mutex<Vec<Connection>>,
    reader_slots: Semaphore,
}

/// The page size of a new database (SQLite's default is 4 KB; an existing
/// database keeps the size it was made with). A commit writes fewer, larger
/// WAL frames, two system calls each, so a PO costs less CPU; 16 KB pages
/// were no better and raised the p99 (docs/performance.md).
const PAGE_SIZE: i64 = 8192;

fn configure(conn: &Connection, sync: Sync) -> rusqlite::Result<()> {
    // Before the WAL is set: a page size takes only on an empty database.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(
        None,
        "synchronous",
        match sync {
            Sync::Normal => "NORMAL",
            Sync::Full => "FULL",
        },
    )?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    super::packing::register(conn)?;
    // The writer checkpoints by itself (see `writer_loop`): SQLite's own
    // checkpoint runs inside the COMMIT, before the batch's callers are
    // answered. The pragma replaces the WAL hook, so it comes first.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.wal_hook(Some(note_wal_pages));
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Room for every statement the store prepares (about 40; rusqlite's
    // default of 16 would evict and prepare again under mixed work).
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// WAL pages after which the writer checkpoints (SQLite's default is 1,000):
/// a small WAL is copied back while its pages are still cached, and each
/// checkpoint is short, which keeps the p99 down; larger thresholds and a
/// checkpoint thread were measured worse (docs/performance.md).
const CHECKPOINT_PAGES: i32 = 300;

thread_local! {
    /// Pages in the WAL after this thread's last commit.
    static WAL_PAGES: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
}

/// SQLite's WAL hook: called in each commit with the WAL's size in pages.
fn note_wal_pages(_: &rusqlite::hooks::Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    WAL_PAGES.set(pages);
    Ok(())
}

/// Copies the WAL back into the database once it has grown past
/// [`CHECKPOINT_PAGES`]. Called after a batch's callers are answered: while
/// the checkpoint writes and syncs, the request threads go on reading and
/// answering what comes next instead of waiting with the whole batch (on
/// one pinned core, the core idled a sixth of the time during checkpoints).
fn checkpoint_if_due(conn: &Connection) {
    if WAL_PAGES.get() < CHECKPOINT_PAGES {
        return;
    }
    WAL_PAGES.set(0);
    // PASSIVE, as SQLite's own: it never waits for readers, and copies
    // what no reader still needs.
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "could not checkpoint the database's WAL");
    }
}

impl Db {
    /// Opens (creating and migrating) the database at `path`, or an
    /// in-memory one.
    pub fn open(path: Option<&Path>, sync: Sync) -> Result<Db, StoreError> {
        let mut conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        configure(&conn, sync)?;
        schema::migrate(&mut conn)?;
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("absim-db-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError::Internal(format!("starting the writer thread: {e}")))?;
        Ok(Db {
            writer: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
            path: path.map(Path::to_path_buf),
            readers: Mutex::new(Vec::new()),
            reader_slots: Semaphore::new(MAX_READERS),
        })
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let guard = self.writer.lock().expect("writer lock");
        let tx = guard.as_ref().ok_or(StoreError::Closed)?;
        tx.send(job).map_err(|_| StoreError::Closed)
    }

    /// Runs `f` in the writer's next batch; resolves once it is committed.
    pub async fn write<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        self.write_then(f, |_| {}).await
    }

    /// Like [`Db::write`], and once `f`'s change is committed, runs `after`
    /// with its result on the writer thread, before the caller resumes.
    /// Committed changes reach `after` in commit order: in-memory copies of
    /// stored state are kept in step this way.
    pub async fn write_then<R, F, A>(&self, f: F, after: A) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
        A: FnOnce(&R) + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let (result, spoiled) = apply_job(conn, f);
            let finish: Finish = Box::new(move |commit: Result<(), Arc<str>>| {
                let result = match (result, commit) {
                    (Ok(r), Ok(())) => Ok(r),
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(StoreError::Internal(format!("commit failed: {e}"))),
                };
                if let Ok(r) = &result {
                    after(r);
                }
                let _ = tx.send(result);
            });
            (finish, spoiled)
        });
        self.send(job)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Queues `f` for the writer's next batch without waiting for the
    /// commit: for records whose loss in a crash costs nothing but the
    /// record (the request journal). A failure is logged. Readers that must
    /// see every queued record call [`Db::flush`] first.
    pub fn enqueue<F>(&self, what: &'static str, f: F) -> Result<(), StoreError>
    where
        F: FnOnce(&Connection) -> Result<(), StoreError> + Send + 'static,
    {
        self.send(Box::new(move |conn| {
            let (result, spoiled) = apply_job(conn, f);
            let finish: Finish = Box::new(move |commit: Result<(), Arc<str>>| {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "could not record {what}");
                } else if let Err(e) = commit {
                    tracing::warn!(error = %e, "could not commit {what}");
                }
            });
            (finish, spoiled)
        }))
    }

    /// Resolves once everything sent to the writer before it is committed.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.write(|_| Ok(())).await
    }

    /// Runs `f` on a read connection, off the async threads.
    pub async fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let Some(path) = self.path.clone() else {
            // One in-memory connection: the writer serves reads in order.
            return self.write(f).await;
        };
        let _slot = self
            .reader_slots
            .acquire()
            .await
            .map_err(|_| StoreError::Closed)?;
        let pooled = self.readers.lock().expect("readers lock").pop();
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let conn = match pooled {
                Some(c) => c,
                None => {
                    let c = Connection::open_with_flags(
                        &path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    c.busy_timeout(std::time::Duration::from_secs(5))?;
                    super::packing::register(&c)?;
                    c
                }
            };
            let result = f(&conn);
            Ok::<_, StoreError>((conn, result))
        })
        .await
        .map_err(|e| StoreError::Internal(format!("a read task failed: {e}")))??;
        self.readers.lock().expect("readers lock").push(conn);
        result
    }

    /// The reader connections: open, and lent out now.
    pub fn stats(&self) -> PoolStats {
        let in_use = (MAX_READERS - self.reader_slots.available_permits()) as u64;
        let idle = self.readers.lock().expect("readers lock").len() as u64;
        PoolStats {
            size: idle + in_use,
            in_use,
            waiting: 0,
        }
    }

    /// Stops the writer after it has committed everything sent so far.
    pub fn close(&self) {
        self.writer.lock().expect("writer lock").take();
        if let Some(t) = self.thread.lock().expect("thread lock").take() {
            let _ = t.join();
        }
        self.readers.lock().expect("readers lock").clear();
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        self.close();
    }
}

/// Runs a job's change; also says whether it failed after changing the
/// database (counted by SQLite's total of changed rows, which a statement
/// that failed and was undone does not add to).
fn apply_job<R>(
    conn: Option<&Connection>,
    f: impl FnOnce(&Connection) -> Result<R, StoreError>,
) -> (Result<R, StoreError>, bool) {
    let Some(conn) = conn else {
        return (
            Err(StoreError::Internal(
                "the transaction could not begin".into(),
            )),
            false,
        );
    };
    let before = conn.total_changes();
    let result = f(conn);
    let spoiled = result.is_err() && conn.total_changes() != before;
    (result, spoiled)
}

/// How many times the writer steps aside before it takes a batch.
const YIELDS_BEFORE_A_BATCH: usize = 4;

/// The writer's transaction statements, prepared once for the thread's
/// life (`execute_batch` parsed them for every batch, and a
/// `prepare_cached` lookup allocates its key).
struct Transactions<'c> {
    begin: rusqlite::Statement<'c>,
    commit: rusqlite::Statement<'c>,
    rollback: rusqlite::Statement<'c>,
}

impl<'c> Transactions<'c> {
    fn prepare(conn: &'c Connection) -> rusqlite::Result<Self> {
        Ok(Transactions {
            begin: conn.prepare("BEGIN IMMEDIATE")?,
            commit: conn.prepare("COMMIT")?,
            rollback: conn.prepare("ROLLBACK")?,
        })
    }
}

impl Transactions<'_> {
    fn begin(&mut self) -> rusqlite::Result<()> {
        self.begin.execute([]).map(drop)
    }

    fn commit(&mut self) -> rusqlite::Result<()> {
        self.commit.execute([]).map(drop)
    }

    fn rollback(&mut self) {
        // Best effort, as before: where it fails, no transaction is open.
        let _ = self.rollback.execute([]);
    }
}

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Job>) {
    let mut tx = match Transactions::prepare(&conn) {
        Ok(tx) => tx,
        Err(e) => {
            // Not expected on an open connection; every write is refused
            // with the reason rather than left waiting.
            tracing::error!(error = %e, "the database writer could not prepare its transactions");
            let e: Arc<str> = e.to_string().into();
            while let Ok(job) = rx.recv() {
                job(None).0(Err(e.clone()));
            }
            return;
        }
    };
    // Kept from batch to batch.
    let mut batch: Vec<Job> = Vec::with_capacity(64);
    let mut finishers: Vec<Finish> = Vec::with_capacity(64);
    while let Ok(first) = rx.recv() {
        // Group commit: the first job woke the writer; stepping aside lets
        // the request threads on this core queue theirs, so one commit
        // carries many more of them and each PO costs less. Where nothing
        // else waits to run, each yield returns at once.
        for _ in 0..YIELDS_BEFORE_A_BATCH {
            std::thread::yield_now();
        }
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = tx.begin() {
            let e: Arc<str> = e.to_string().into();
            for job in batch.drain(..) {
                job(None).0(Err(e.clone()));
            }
            continue;
        }
        let mut spoiled = false;
        finishers.extend(batch.drain(..).map(|job| {
            let (finish, spoils) = job(Some(&conn));
            spoiled |= spoils;
            finish
        }));
        let commit = if spoiled {
            tx.rollback();
            Err(Arc::<str>::from(SPOILED))
        } else {
            tx.commit().map_err(|e| {
                tx.rollback();
                Arc::<str>::from(e.to_string())
            })
        };
        for finish in finishers.drain(..) {
            finish(commit.clone());
        }
        checkpoint_if_due(&conn);
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;

    use super::*;

    /// Polls a write once, so that its job is queued, and keeps it.
    async fn queued<T>(
        mut write: Pin<Box<impl Future<Output = T>>>,
    ) -> Pin<Box<impl Future<Output = T>>> {
        std::future::poll_fn(|cx| {
            assert!(write.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        write
    }

    /// A job of the tests.
    type Change = fn(&Connection) -> Result<(), StoreError>;

    fn insert(c: &Connection, v: &str) -> Result<(), StoreError> {
        c.execute("INSERT INTO t (v) VALUES (?1)", [v])?;
        Ok(())
    }

    /// Runs `jobs` in one batch (the writer is held by a first job until all
    /// are queued) and returns their outcomes and the rows kept.
    async fn one_batch(jobs: Vec<Change>) -> (Vec<Result<(), String>>, Vec<String>) {
        let db = Db::open(None, Sync::Normal).unwrap();
        db.write(|c| Ok(c.execute_batch("CREATE TABLE t (v TEXT UNIQUE)")?))
            .await
            .unwrap();
        let (release, held) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        let hold = queued(Box::pin(db.write(move |_| {
            started.send(()).ok();
            held.recv().ok();
            Ok(())
        })))
        .await;
        // The writer is inside the first batch: what follows is the next.
        running.recv().unwrap();
        let mut writes = Vec::new();
        for job in jobs {
            writes.push(queued(Box::pin(db.write(job))).await);
        }
        release.send(()).unwrap();
        hold.await.unwrap();
        let mut outcomes = Vec::new();
        for w in writes {
            outcomes.push(w.await.map_err(|e| e.to_string()));
        }
        let rows = db
            .write(|c| {
                let mut stmt = c.prepare("SELECT v FROM t ORDER BY v")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<Vec<String>, _>>()?)
            })
            .await
            .unwrap();
        (outcomes, rows)
    }

    #[tokio::test]
    async fn the_writer_copies_the_wal_back_into_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let db = Db::open(Some(&path), Sync::Normal).unwrap();
        db.write(|c| Ok(c.execute_batch("CREATE TABLE t (v BLOB)")?))
            .await
            .unwrap();
        let size = |suffix: &str| {
            std::fs::metadata(format!("{}{suffix}", path.display())).map_or(0, |m| m.len())
        };
        let before = size("");
        let page = PAGE_SIZE as u64;
        // One commit per row, each a page or more of the WAL.
        for _ in 0..2 * CHECKPOINT_PAGES {
            db.write(|c| Ok(c.execute("INSERT INTO t (v) VALUES (zeroblob(7000))", [])?))
                .await
                .unwrap();
        }
        // The writer checkpoints after answering: a next job waits for it.
        db.flush().await.unwrap();
        let (db_bytes, wal_bytes) = (size(""), size("-wal"));
        assert!(
            db_bytes >= before + CHECKPOINT_PAGES as u64 * page,
            "database {before} -> {db_bytes} bytes: the WAL was not copied back"
        );
        // The WAL starts over after a checkpoint rather than growing.
        assert!(
            wal_bytes < 2 * CHECKPOINT_PAGES as u64 * page,
            "WAL {wal_bytes} bytes"
        );
    }

    #[tokio::test]
    async fn a_new_database_has_larger_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        async fn page_size(db: &Db) -> i64 {
            db.write(|c| Ok(c.pragma_query_value(None, "page_size", |r| r.get(0))?))
                .await
                .unwrap()
        }
        let new = dir.path().join("new.db");
        let db = Db::open(Some(&new), Sync::Normal).unwrap();
        assert_eq!(page_size(&db).await, PAGE_SIZE);
        db.close();

        // A database made with SQLite's default pages, as absim made them
        // before, opens and keeps them.
        let old = dir.path().join("old.db");
        Connection::open(&old)
            .unwrap()
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT);")
            .unwrap();
        let db = Db::open(Some(&old), Sync::Normal).unwrap();
        assert_eq!(page_size(&db).await, 4096);
        db.write(|c| Ok(c.execute("INSERT INTO t (v) VALUES ('x')", [])?))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_job_failing_before_any_change_leaves_its_batch_alone() {
        let (outcomes, rows) = one_batch(vec![
            |c| insert(c, "a"),
            // Its one statement is refused (UNIQUE) and undone by SQLite.
            |c| insert(c, "a"),
            |c| insert(c, "b"),
        ])
        .await;
        assert!(outcomes[0].is_ok() && outcomes[2].is_ok(), "{outcomes:?}");
        assert!(outcomes[1].as_ref().unwrap_err().contains("UNIQUE"));
        assert_eq!(rows, ["a", "b"]);
    }

    #[tokio::test]
    async fn a_job_failing_half_way_keeps_nothing_of_its_batch_and_says_so() {
        let (outcomes, rows) = one_batch(vec![
            |c| insert(c, "a"),
            |c| {
                insert(c, "b")?;
                insert(c, "a")
            },
            |c| insert(c, "c"),
        ])
        .await;
        assert!(
            outcomes[1].as_ref().unwrap_err().contains("UNIQUE"),
            "{outcomes:?}"
        );
        for other in [&outcomes[0], &outcomes[2]] {
            assert!(
                other
                    .as_ref()
                    .unwrap_err()
                    .contains("none of the batch was kept")
            );
        }
        assert!(rows.is_empty(), "{rows:?}");
    }
}
