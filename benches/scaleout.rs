//! Authenticated `GET /api/v1/requirements/{id}` through HAProxy to three instances, against the
//! same request sent to one instance directly: all on this machine, on one PostgreSQL database,
//! so the ratio says what the proxy hop costs here, not how far N machines scale.
//!
//! `cargo bench --bench scaleout` (needs `wrk` and `haproxy`, from Debian's packages, and
//! PostgreSQL at `KANOGAP_BENCH_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`
//! — a fresh database is made beside it and dropped afterwards). Knobs:
//! `KANOGAP_BENCH_HTTP_SECS` (default 10), `KANOGAP_BENCH_HTTP_CONNECTIONS` (default 32).
//! Prints one table row for docs/BENCHMARKS.md.

use std::process::Command;

use rand::distributions::{Alphanumeric, DistString};
use serde_json::json;

#[path = "../tests/common/database.rs"]
#[allow(dead_code)]
mod database;

#[path = "../tests/common/cluster.rs"]
mod cluster;

use cluster::{call, free_port, start_haproxy, token, wait_haproxy, Cluster, Process, ADMIN_PASSWORD};

const INSTANCES: usize = 3;

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Requests per second and p99 latency (ms) of `wrk` against `url`.
fn wrk(url: &str, token: Option<&str>, secs: u64, connections: u64) -> (f64, f64) {
    let mut command = Command::new("wrk");
    command.args([
        "--latency",
        "-t",
        "2",
        "-c",
        &connections.to_string(),
        "-d",
        &format!("{secs}s"),
    ]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let out = command.arg(url).output().expect("run wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "wrk failed: {text}");
    let field = |prefix: &str| -> String {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in wrk output:\n{text}"))
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_owned()
    };
    let rps: f64 = field("Requests/sec:").parse().unwrap();
    let p99 = field("99%");
    let p99_ms = match p99.strip_suffix("ms") {
        Some(ms) => ms.parse().unwrap(),
        None => match p99.strip_suffix("us") {
            Some(us) => us.parse::<f64>().unwrap() / 1000.0,
            None => p99.trim_end_matches('s').parse::<f64>().unwrap() * 1000.0,
        },
    };
    assert!(
        !text.contains("Non-2xx"),
        "wrk saw failed requests against {url}:\n{text}"
    );
    (rps, p99_ms)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks benches for their list; there is nothing to list.
    }
    for tool in ["wrk", "haproxy"] {
        if Command::new(tool).arg("-v").output().is_err() {
            eprintln!("scaleout bench: {tool} is not installed (apt-get install {tool}); skipped");
            return;
        }
    }
    let secs = knob("KANOGAP_BENCH_HTTP_SECS", 10);
    let connections = knob("KANOGAP_BENCH_HTTP_CONNECTIONS", 32);
    let server = std::env::var("KANOGAP_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, _pg) = database::fresh_database_from(Some(&server), dir.path(), "kanogap_bench_scaleout");
    let random = |n| Alphanumeric.sample_string(&mut rand::thread_rng(), n).to_lowercase();
    let mut cluster = Cluster {
        dir: dir.path().to_path_buf(),
        database_url,
        jwt_secret: random(40),
        admin_email: format!("bench-{}@example.test", random(8)),
        ports: (0..INSTANCES).map(|_| free_port()).collect(),
        starts: 0,
    };
    let mut instances: Vec<Process> = (0..INSTANCES).map(|i| cluster.spawn(i)).collect();
    for (i, process) in instances.iter_mut().enumerate() {
        cluster.wait_healthy(i, process);
    }
    let frontend = free_port();
    let mut haproxy = start_haproxy(dir.path(), frontend, &cluster.ports);
    wait_haproxy(dir.path(), frontend, &mut haproxy);

    let admin = token(cluster.ports[0], &cluster.admin_email, ADMIN_PASSWORD);
    let (status, area) = call(
        frontend,
        "POST",
        "/api/v1/service-areas",
        Some(&admin),
        Some(&json!({"name": "Service desk"})),
    );
    assert_eq!(status, 201, "{area}");
    let (status, requirement) = call(
        frontend,
        "POST",
        "/api/v1/requirements",
        Some(&admin),
        Some(&json!({"key": "SD-1", "title": "First response within the hour", "service_area_id": area["id"]})),
    );
    assert_eq!(status, 201, "{requirement}");
    let path = format!("/api/v1/requirements/{}", requirement["id"]);

    let direct_url = format!("http://127.0.0.1:{}{path}", cluster.ports[0]);
    let proxied_url = format!("http://127.0.0.1:{frontend}{path}");
    let health_url = format!("http://127.0.0.1:{}/health", cluster.ports[0]);
    // Warm every path (connections, prepared statements) before measuring.
    for url in [&direct_url, &proxied_url] {
        wrk(url, Some(&admin), 2, connections);
    }
    wrk(&health_url, None, 2, connections);
    let (direct, direct_p99) = wrk(&direct_url, Some(&admin), secs, connections);
    let (proxied, proxied_p99) = wrk(&proxied_url, Some(&admin), secs, connections);
    let (health, health_p99) = wrk(&health_url, None, secs, connections);
    // The same instance's /health: the authenticated read's cost on PostgreSQL (issue #16's row;
    // `cargo bench --bench floor` gives it on SQLite).
    println!(
        "| `GET {path}` with a bearer token, one instance on PostgreSQL (wrk, {secs} s, {connections} connections) | {direct:.0} req/s, p99 {direct_p99:.2} ms | `GET /health` of the same instance: {health:.0} req/s, p99 {health_p99:.2} ms | {:.2} | ≥ 0.5 | |",
        direct / health
    );
    println!(
        "| `GET {path}` with a bearer token, through HAProxy to {INSTANCES} instances on one PostgreSQL (wrk, {secs} s, {connections} connections) | {proxied:.0} req/s, p99 {proxied_p99:.2} ms | one instance directly: {direct:.0} req/s, p99 {direct_p99:.2} ms | {:.2} | report (one machine: the proxy's cost, not a scaling claim) | |",
        proxied / direct
    );
    drop(haproxy);
    drop(instances);
}
