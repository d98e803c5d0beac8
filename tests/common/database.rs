//! A fresh database for each test: a SQLite file in the test's own folder by default, or, when
//! `KANOGAP_TEST_DATABASE_URL=postgres://…` is set, a PostgreSQL database created for the test
//! and dropped when it ends. Shared by the test targets (`#[path]`).

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
    match std::env::var("KANOGAP_TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let name = format!(
                "{prefix}_{}",
                Alphanumeric.sample_string(&mut rand::thread_rng(), 12).to_lowercase()
            );
            let mut conn = PgConnection::establish(&url).expect("connect to KANOGAP_TEST_DATABASE_URL");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create the test database");
            let (server, _) = url.rsplit_once('/').expect("database URL with a database name");
            // Servers under test may still run when the test binary exits; libpq's TLS state
            // would be torn down under them (SIGSEGV at exit). Over loopback TLS adds nothing.
            let query = match url.split_once('?') {
                Some((_, q)) if q.contains("sslmode") => format!("?{q}"),
                Some((_, q)) => format!("?{q}&sslmode=disable"),
                None => "?sslmode=disable".to_owned(),
            };
            (
                format!("{server}/{name}{query}"),
                Some(PgDatabase { server_url: url, name }),
            )
        }
        _ => (format!("sqlite://{}", dir.join("kanogap.db").display()), None),
    }
}
