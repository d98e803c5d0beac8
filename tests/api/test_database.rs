//! The test harness itself: a `KANOGAP_TEST_DATABASE_URL` that is set but unusable fails the
//! test; it never falls back to SQLite (which would make a "PostgreSQL" run a second SQLite run).

use crate::helpers::database::fresh_database_from;

fn refusal(setting: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let setting = setting.to_owned();
    let path = dir.path().to_path_buf();
    let outcome = std::panic::catch_unwind(move || fresh_database_from(Some(&setting), &path, "kanogap_harness"));
    match outcome {
        Ok((url, _)) => panic!("accepted, and would test on {url}"),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default(),
    }
}

#[test]
fn an_unset_url_means_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database_from(None, dir.path(), "kanogap_harness");
    assert!(url.starts_with("sqlite://") && pg.is_none(), "{url}");
}

#[test]
fn a_url_of_another_scheme_fails_loudly() {
    for setting in [
        "",
        "sqlite://x.db",
        "mysql://root@127.0.0.1/test",
        "postgres",
        "pg://h/db",
    ] {
        let why = refusal(setting);
        assert!(
            why.contains("KANOGAP_TEST_DATABASE_URL") && why.contains("not a postgres:// URL"),
            "{setting:?}: {why}"
        );
    }
}

#[test]
fn a_postgres_url_without_a_server_fails_loudly() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let why = refusal("postgres://postgres@127.0.0.1:1/test");
    assert!(why.contains("cannot be connected to"), "{why}");
    let why = refusal("postgres://postgres@127.0.0.1:1");
    assert!(why.contains("names no database"), "{why}");
}
