//! Persistence: one connection type over SQLite and PostgreSQL, chosen by the URL scheme, a
//! pool, embedded migrations, and helpers that keep blocking diesel work off the async workers.

pub mod assessments;
pub mod audit;
pub mod caller_check;
pub mod complaints;
pub mod coscom;
pub mod findings;
pub mod improvement_plans;
pub mod login_failures;
pub mod requirements;
pub mod responses;
pub mod root_causes;
pub mod satisfaction;
pub mod schema;
pub mod segments;
pub mod service_areas;
pub mod service_levels;
pub mod sessions;
pub mod sla;
pub mod sqlite_threading;
pub mod ticket_durations;
pub mod users;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Where the data lives, parsed from the configured URL.
#[derive(Clone, Debug, PartialEq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err("sqlite URL has no file path (use sqlite://data/kanogap.db)".into());
            }
            Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.to_owned()))
        } else {
            Err(format!(
                "unsupported database URL {url:?}: use sqlite://PATH or postgres://USER@HOST/DB"
            ))
        }
    }
}

/// An r2d2 manager that knows both backends, so that connection errors are reported as they
/// are (the derived `establish` would hide them) and SQLite gets its per-connection pragmas.
pub struct ConnectionManager {
    url: DatabaseUrl,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect: {0}")]
    Connection(#[from] ConnectionError),
    #[error("cannot configure connection: {0}")]
    Query(#[from] diesel::result::Error),
}

// WAL lets readers run beside the writer; synchronous=FULL makes every acknowledged commit
// survive a crash; foreign keys are off by default in SQLite.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                sqlite_threading::multi_thread();
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => Ok(DbConnection::Pg(PgConnection::establish(url)?)),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        Ok(conn.batch_execute("SELECT 1")?)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// The process's one pool, shared by every worker.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DatabaseUrl,
}

impl Db {
    /// Opens the pool (creating the SQLite file's folder when needed), applies pending
    /// migrations and fills derived data they leave empty.
    pub fn connect(url: &str, pool_size: u32) -> Result<Self, String> {
        let url = DatabaseUrl::parse(url)?;
        if let DatabaseUrl::Sqlite(path) = &url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(Duration::from_secs(10))
            .build(ConnectionManager { url: url.clone() })
            .map_err(|e| format!("cannot open database: {e}"))?;
        let db = Db { pool, url };
        db.with_startup_lock(|| {
            let mut conn = db.pool.get().map_err(|e| format!("cannot open database: {e}"))?;
            run_migrations(&mut conn)?;
            // Derived data a migration could not compute in SQL (business time needs the calendar).
            ticket_durations::fill_if_missing(&mut conn).map_err(|e| format!("ticket durations: {e}"))
        })?;
        Ok(db)
    }

    /// Runs `f` while holding the start-up lock, so that instances starting together against
    /// one PostgreSQL database migrate it and create the first admin one at a time. The lock is
    /// an advisory lock taken on a connection of its own (not one of the pool's, whose sessions
    /// outlive `f`), and goes with that connection however `f` ends. On SQLite `f` just runs:
    /// its writes take the file's lock (`BEGIN IMMEDIATE`).
    pub fn with_startup_lock<T>(&self, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
        match &self.url {
            DatabaseUrl::Sqlite(_) => f(),
            DatabaseUrl::Postgres(url) => {
                let mut lock =
                    PgConnection::establish(url).map_err(|e| format!("cannot connect for the start-up lock: {e}"))?;
                lock.batch_execute(&format!("SELECT pg_advisory_lock({STARTUP_LOCK_KEY})"))
                    .map_err(|e| format!("cannot take the start-up lock: {e}"))?;
                let result = f();
                let _ = lock.batch_execute(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK_KEY})"));
                result
            }
        }
    }

    /// Runs blocking database work on the blocking thread pool. Inside a request whose caller
    /// is still to be confirmed ([`caller_check`]), confirms it first on the same connection:
    /// [`AppError::Unauthorized`], and `f` not run, when the token's sessions have ended.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let Some((check, claim)) = caller_check::pending() else {
            return self.run_unchecked(f).await;
        };
        let outcome = self
            .run_unchecked(move |conn| {
                caller_check::confirm(conn, claim)?;
                Ok(f(conn))
            })
            .await;
        match &outcome {
            Ok(_) => caller_check::record(&check, true),
            Err(AppError::Unauthorized) => caller_check::record(&check, false),
            Err(_) => {}
        }
        outcome?
    }

    /// [`Db::run`] without the caller check: for the check itself.
    async fn run_unchecked<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
    }

    /// Like [`Db::run`], inside a write transaction (see [`write_transaction`]).
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, f)).await
    }

    /// A connection for synchronous callers (CLI, start-up).
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, AppError> {
        Ok(self.pool.get()?)
    }

    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }
}

/// Runs `f` on one consistent snapshot, for several reads that must agree with each other (a
/// count and then a window of the rows counted): SQLite `BEGIN` (a deferred transaction reads
/// one snapshot in WAL mode), PostgreSQL `REPEATABLE READ READ ONLY`. Inside a transaction
/// already, `f` runs in it.
pub fn read_snapshot<T, F>(conn: &mut DbConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError>,
{
    let outside = match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
        DbConnection::Pg(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
    }
    .is_ok_and(|depth| depth.is_none());
    if !outside {
        return f(conn);
    }
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")?,
        DbConnection::Pg(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?
        }
    }
    let result = f(conn);
    // Nothing was written: ending the transaction either way only releases the snapshot.
    let end = match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
        DbConnection::Pg(c) => AnsiTransactionManager::rollback_transaction(c),
    };
    let value = result?;
    end?;
    Ok(value)
}

/// Runs `f` in a transaction that, on SQLite, takes the write lock up front (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads and then writes can fail with SQLITE_BUSY
/// half-way when another writer got there first. PostgreSQL uses an ordinary transaction.
/// Commits on `Ok`, rolls back on `Err`.
pub fn write_transaction<T, F>(conn: &mut DbConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError>,
{
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let result = f(conn);
    let finish = match (&result, &mut *conn) {
        (Ok(_), DbConnection::Sqlite(c)) => AnsiTransactionManager::commit_transaction(c),
        (Ok(_), DbConnection::Pg(c)) => AnsiTransactionManager::commit_transaction(c),
        (Err(_), DbConnection::Sqlite(c)) => AnsiTransactionManager::rollback_transaction(c),
        (Err(_), DbConnection::Pg(c)) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (result, finish) {
        (Ok(value), Ok(())) => Ok(value),
        (Err(e), _) => Err(e),
        (Ok(_), Err(commit_error)) => {
            // A failed COMMIT leaves the transaction open on some backends; close it.
            let _ = match conn {
                DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
                DbConnection::Pg(c) => AnsiTransactionManager::rollback_transaction(c),
            };
            Err(commit_error.into())
        }
    }
}

/// The advisory lock key of start-up (migrations, first admin) on PostgreSQL.
const STARTUP_LOCK_KEY: i64 = 4_242_424_242;

/// Applies pending migrations. Run it under [`Db::with_startup_lock`] (as [`Db::connect`]
/// does), so that instances starting at the same time against one database take turns.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), String> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    match result {
        Ok(0) => Ok(()),
        Ok(n) => {
            tracing::info!(applied = n, "database migrations applied");
            Ok(())
        }
        Err(e) => Err(format!("migration failed: {e}")),
    }
}

/// `LIMIT`/`OFFSET` of a list request, already validated.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// Queries take the caller's scope to narrow what they return.
pub use crate::access::Scope;

pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Timestamps are stored as UTC without a zone; clients get RFC 3339 with `Z`.
pub fn utc<S: serde::Serializer>(t: &chrono::NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

pub fn utc_opt<S: serde::Serializer>(t: &Option<chrono::NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => utc(t, s),
        None => s.serialize_none(),
    }
}

/// A 422 naming `field` when a referenced object does not exist (or is out of the caller's
/// sight), so the client learns which id is wrong.
pub fn require_reference(found: bool, field: &str, what: &str) -> Result<(), AppError> {
    if found {
        Ok(())
    } else {
        Err(AppError::field(field, format!("no such {what}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_picks_the_backend_from_the_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/kanogap.db").unwrap(),
            DatabaseUrl::Sqlite("data/kanogap.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://postgres@127.0.0.1/test").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }
}
