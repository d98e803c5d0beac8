//! `kanogap bench-data`: deterministic, and its answers import cleanly into its catalogue.
//! (The benchmarks themselves are `cargo bench`; nothing here is timed.)

use std::path::Path;
use std::process::Command;

use kanogap::db::{Db, Scope};

fn bench_data(out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_kanogap"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args([
            "bench-data",
            "--segments",
            "2",
            "--requirements",
            "10",
            "--responses",
            "200",
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn bench_data_is_deterministic_and_imports_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    bench_data(&first);
    bench_data(&second);
    for file in ["responses.csv", "catalogue.json"] {
        let a = std::fs::read(first.join(file)).unwrap();
        assert!(!a.is_empty());
        assert!(
            a == std::fs::read(second.join(file)).unwrap(),
            "{file} differs between runs"
        );
    }
    let csv = std::fs::read_to_string(first.join("responses.csv")).unwrap();
    assert_eq!(csv.lines().count(), 201, "a header and 200 answer pairs");

    let url = format!("sqlite://{}", first.join("kanogap.db").display());
    let output = Command::new(env!("CARGO_BIN_EXE_kanogap"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KANOGAP_DATABASE_URL", &url)
        .env("KANOGAP_DATA_DIR", dir.path())
        .args(["import", "responses"])
        .arg(first.join("responses.csv"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("imported 200 answers"));

    // 20 respondents answer all 10 requirements: every (segment, requirement) pair is in the
    // gap report.
    let db = Db::connect(&url, 1).unwrap();
    let mut conn = db.get().unwrap();
    let data = kanogap::analysis::gap_report(&mut conn, &Scope::All, None, None, 30).unwrap();
    assert_eq!(data.report.rows.len(), 2 * 10);
}
