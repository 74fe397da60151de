//! Where a test's absim keeps its data: SQLite or a fresh PostgreSQL database.

use super::*;

/// The engine a test binary runs its tests on (`crate::BACKEND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server the PostgreSQL tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("ABSIM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A PostgreSQL database made for one test (a random name), dropped when
/// this goes.
pub struct PgDatabase {
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates a database; None (with a line saying the test is skipped on
    /// PostgreSQL) when no server answers, unless ABSIM_REQUIRE_POSTGRES=1,
    /// which makes that a failure.
    pub async fn create() -> Option<PgDatabase> {
        let admin = postgres_admin_url();
        let connected = tokio::time::timeout(
            Duration::from_secs(5),
            tokio_postgres::connect(&admin, tokio_postgres::NoTls),
        )
        .await;
        let (client, connection) = match connected {
            Ok(Ok(c)) => c,
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer within 5 s".into(),
                };
                assert!(
                    std::env::var("ABSIM_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "PostgreSQL is required (ABSIM_REQUIRE_POSTGRES=1) but {admin} cannot be reached: {why}"
                );
                eprintln!("SKIPPED on PostgreSQL (no server at {admin}: {why})");
                return None;
            }
        };
        tokio::spawn(connection);
        let name = format!("absim_t_{:016x}", rand::random::<u64>());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("creating the test database {name}: {e}"));
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        Some(PgDatabase {
            name,
            url: url.to_string(),
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Dropping runs outside any runtime that could be awaited here: a
        // thread of its own with a small runtime.
        let (admin, name) = (postgres_admin_url(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let (client, connection) =
                    tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

/// A number a PostgreSQL database answers.
pub async fn pg_scalar(url: &str, sql: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// Data that outlives one absim (for restarts): a SQLite file in a
/// temporary folder, or a PostgreSQL database, as the binary's backend
/// says.
pub enum Storage {
    Sqlite(tempfile::TempDir),
    Postgres(PgDatabase),
}

impl Storage {
    pub async fn durable() -> Storage {
        if crate::BACKEND == Backend::Postgres
            && let Some(db) = PgDatabase::create().await
        {
            return Storage::Postgres(db);
        }
        Storage::Sqlite(tempfile::tempdir().unwrap())
    }

    /// A number the database answers (SQL both engines read alike).
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Storage::Sqlite(dir) => rusqlite::Connection::open(dir.path().join("absim.db"))
                .unwrap()
                .query_row(sql, [], |r| r.get(0))
                .unwrap(),
            Storage::Postgres(db) => pg_scalar(&db.url, sql).await,
        }
    }

    /// Settings that keep the data here.
    pub fn settings(&self) -> impl Fn(&mut Settings) + Clone + use<> {
        let (dir, url) = match self {
            Storage::Sqlite(dir) => (Some(dir.path().to_path_buf()), None),
            Storage::Postgres(db) => (None, Some(db.url.clone())),
        };
        move |s: &mut Settings| {
            s.data_dir = dir.clone();
            s.database_url = url
                .as_deref()
                .map(|u| absim::store::DatabaseUrl::parse(u).unwrap());
        }
    }
}
