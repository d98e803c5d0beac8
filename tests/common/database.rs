//! A fresh database for each test: a SQLite file in the test's own folder by default, or, when
//! `KANOGAP_TEST_DATABASE_URL=postgres://…` is set, a PostgreSQL database created for the test
//! and dropped when it ends. Shared by the test targets (`#[path]`).
//!
//! A `KANOGAP_TEST_DATABASE_URL` that is set but unusable (empty, another scheme, a server that
//! does not answer) fails the test: it never falls back to SQLite, so a "PostgreSQL" run cannot
//! quietly be a second SQLite run.

use std::path::Path;

use diesel::{Connection, PgConnection, RunQueryDsl};
use rand::distributions::{Alphanumeric, DistString};

/// A PostgreSQL database that lives as long as one test.
pub struct PgDatabase {
    server_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.server_url) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut conn);
        }
    }
}

/// The database URL for a server under test, and the PostgreSQL database to drop at the end
/// (none for SQLite: its file, `dir/kanogap.db`, goes with the folder).
pub fn fresh_database(dir: &Path, prefix: &str) -> (String, Option<PgDatabase>) {
    let setting = match std::env::var("KANOGAP_TEST_DATABASE_URL") {
        Ok(url) => Some(url),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(raw)) => {
            panic!("KANOGAP_TEST_DATABASE_URL is set but not UTF-8 ({raw:?}); unset it to test on SQLite")
        }
    };
    fresh_database_from(setting.as_deref(), dir, prefix)
}

/// [`fresh_database`] for a given value of `KANOGAP_TEST_DATABASE_URL` (`None`: unset).
/// Panics, naming the variable, when the value is set but is no PostgreSQL URL or its server
/// cannot be reached.
pub fn fresh_database_from(setting: Option<&str>, dir: &Path, prefix: &str) -> (String, Option<PgDatabase>) {
    let Some(url) = setting else {
        return (format!("sqlite://{}", dir.join("kanogap.db").display()), None);
    };
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        panic!(
            "KANOGAP_TEST_DATABASE_URL={url:?} is set but is not a postgres:// URL; \
             unset it to test on SQLite (no silent fallback)"
        );
    }
    let (_, host_and_db) = url.split_once("://").unwrap_or_default();
    let (server, _) = url
        .rsplit_once('/')
        .filter(|(_, db)| host_and_db.contains('/') && !db.is_empty() && !db.starts_with('?'))
        .unwrap_or_else(|| {
            panic!("KANOGAP_TEST_DATABASE_URL={url:?} names no database (postgres://USER@HOST:PORT/DB)")
        });
    let mut conn = PgConnection::establish(url)
        .unwrap_or_else(|e| panic!("KANOGAP_TEST_DATABASE_URL={url:?} is set but cannot be connected to: {e}"));
    let name = format!(
        "{prefix}_{}",
        Alphanumeric.sample_string(&mut rand::thread_rng(), 12).to_lowercase()
    );
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .unwrap_or_else(|e| panic!("create the test database {name} on {url:?}: {e}"));
    // Servers under test may still run when the test binary exits; libpq's TLS state would be
    // torn down under them (SIGSEGV at exit). Over loopback TLS adds nothing.
    let query = match url.split_once('?') {
        Some((_, q)) if q.contains("sslmode") => format!("?{q}"),
        Some((_, q)) => format!("?{q}&sslmode=disable"),
        None => "?sslmode=disable".to_owned(),
    };
    (
        format!("{server}/{name}{query}"),
        Some(PgDatabase {
            server_url: url.to_owned(),
            name,
        }),
    )
}
