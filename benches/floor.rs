//! The benchmarks of issue #7, side by side in one run, each against its floor:
//!
//! - CSV import of the data set's answers by the real release binary (`kanogap import
//!   responses`, a child process: wall time and peak RSS from `wait4`), against the same rows
//!   loaded into a bare SQLite table with one prepared statement in one transaction, with the
//!   app's pragmas. The same loop into the real `kano_responses` table (its key and checks),
//!   in sorted chunks as the import writes it (but one row per statement, where the import
//!   writes 64), is shown too: the gap between the two floors is what the schema costs.
//! - The gap report over the full data (`kanogap::analysis::gap_report`, in process), against
//!   the same aggregation written as one SQL query.
//! - Authenticated `GET /api/v1/requirements/{id}` against `GET /health` of the same running
//!   binary, under `wrk`.
//! - The leadership dashboard page (`GET /dashboard`) on the same data: time and size, no floor.
//! - The Kano engine in-core (criterion, the group of `benches/kano.rs`).
//!
//! `cargo bench --bench floor`. Knobs (environment): KANOGAP_BENCH_DIR (default
//! `<target>/bench-data`), KANOGAP_BENCH_SEGMENTS / _REQUIREMENTS / _RESPONSES (default
//! 20 / 5000 / 1000000), KANOGAP_BENCH_RUNS (import runs, default 3), KANOGAP_BENCH_QUERY_RUNS
//! (default 5), KANOGAP_BENCH_HTTP_SECS (default 10), KANOGAP_BENCH_HTTP_CONNECTIONS (default 32).
//! Nothing here runs under `cargo test`: without `--bench` it exits at once.
//!
//! The run exits with status 1 when a goal is missed (after writing the results), so a script
//! or CI can rely on it; `KANOGAP_BENCH_REPORT_ONLY=1` (or `cargo bench --bench floor --
//! --report-only`) only reports. The gap report's floor must compute the same rows as the app
//! (the same (segment, requirement) pairs): otherwise the comparison means nothing and the run
//! fails whatever the flag says.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::Criterion;
use diesel::prelude::*;
use kanogap::db::{Db, Scope};
use kanogap::domain::kano::Answer;
use serde_json::{json, Value};

#[path = "common/http.rs"]
mod http;
#[path = "common/kano_core.rs"]
mod kano_core;
#[path = "common/postgres.rs"]
mod postgres;
#[path = "common/sqlite.rs"]
mod sqlite;

const BIN: &str = env!("CARGO_BIN_EXE_kanogap");
/// Issue #16's goals: import ≥ 0.4 of its floor, gap report ≤ 0.2× its floor, on both databases.
const IMPORT_GOAL: f64 = 0.4;
const GAP_GOAL: f64 = 0.2;
const ADMIN_EMAIL: &str = "bench@example.test";
const ADMIN_PASSWORD: &str = "bench-password-123";
// The app's per-connection pragmas (src/db/mod.rs), for the floors.
const PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

struct Setup {
    target: PathBuf,
    data: PathBuf,
    run: PathBuf,
    segments: usize,
    requirements: usize,
    responses: u64,
    import_runs: usize,
    query_runs: usize,
    http_secs: u64,
    http_connections: u32,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn fresh_copy(from: &Path, to: &Path) {
    remove_db(to);
    std::fs::copy(from, to).expect("copy the catalogue database");
}

fn progress(message: &str) {
    eprintln!("[floor] {message}");
}

/// Makes the data set unless the folder already holds one of these sizes.
fn ensure_data(s: &Setup) -> Option<f64> {
    let catalogue = s.data.join("catalogue.json");
    let have: Option<Value> = std::fs::read(&catalogue)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let wanted = json!({
        "segments": s.segments,
        "requirements": s.requirements,
        "responses": s.responses,
        "seed": kanogap::bench_data::DEFAULT_SEED,
    });
    let complete = s.data.join("responses.csv").exists() && s.data.join("kanogap.db").exists();
    if complete && have.as_ref().map(|v| &v["spec"]) == Some(&wanted) {
        return None;
    }
    progress(&format!("generating the data set in {}", s.data.display()));
    let start = Instant::now();
    let status = Command::new(BIN)
        .args(["bench-data", "--segments", &s.segments.to_string()])
        .args(["--requirements", &s.requirements.to_string()])
        .args(["--responses", &s.responses.to_string()])
        .arg("--out")
        .arg(&s.data)
        .env("RUST_LOG", "warn")
        .status()
        .expect("run kanogap bench-data");
    assert!(status.success(), "kanogap bench-data failed");
    Some(start.elapsed().as_secs_f64())
}

struct Measured {
    wall: Duration,
    max_rss_kib: i64,
    stdout: String,
}

/// Runs a child to its end: wall time, and its peak resident set from `wait4`.
// The child is reaped by `wait4`, which std's `wait` does not offer (it drops the rusage).
#[allow(clippy::zombie_processes)]
fn run_measured(command: &mut Command, log: &Path) -> Measured {
    let out = std::fs::File::create(log).expect("create log file");
    let start = Instant::now();
    let child = command
        .stdout(out.try_clone().expect("log file"))
        .stderr(out)
        .spawn()
        .expect("start child");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage are valid out pointers.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(rc, pid, "wait4 failed");
    let output = std::fs::read_to_string(log).unwrap_or_default();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed: {output}"
    );
    Measured {
        wall,
        max_rss_kib: usage.ru_maxrss,
        stdout: output,
    }
}

struct ImportResult {
    rows_per_sec: f64,
    secs: f64,
    peak_rss_mib: f64,
}

fn import_app(s: &Setup) -> ImportResult {
    let mut secs = Vec::new();
    let mut rss = Vec::new();
    let db = s.run.join("import.db");
    for i in 0..s.import_runs {
        fresh_copy(&s.data.join("kanogap.db"), &db);
        let m = run_measured(
            Command::new(BIN)
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("RUST_LOG", "warn")
                .env("KANOGAP_DATABASE_URL", format!("sqlite://{}", db.display()))
                .env("KANOGAP_DATA_DIR", &s.run)
                .args(["import", "responses"])
                .arg(s.data.join("responses.csv")),
            &s.run.join("import.log"),
        );
        assert!(
            m.stdout.contains(&format!("imported {} answers", s.responses)),
            "unexpected import output: {}",
            m.stdout
        );
        progress(&format!(
            "import run {}: {:.2} s, peak RSS {:.1} MiB",
            i + 1,
            m.wall.as_secs_f64(),
            m.max_rss_kib as f64 / 1024.0
        ));
        secs.push(m.wall.as_secs_f64());
        rss.push(m.max_rss_kib as f64 / 1024.0);
    }
    let secs = median(secs);
    ImportResult {
        rows_per_sec: s.responses as f64 / secs,
        secs,
        peak_rss_mib: rss.into_iter().fold(0.0, f64::max),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum FloorTable {
    /// A table with the same columns and nothing else: no index, check or foreign key.
    Bare,
    /// The real `kano_responses` table of a fresh copy of the catalogue database, written
    /// much as the import writes it (src/import/mod.rs): 64 MiB page cache, chunks of 50 000
    /// rows sorted by the answers' key (respondent, segment, requirement); one row per
    /// statement (the import writes 64).
    Real,
}

fn id_map(conn: &sqlite::Connection, sql: &str, lowercase: bool) -> std::collections::HashMap<Vec<u8>, i64> {
    let mut stmt = conn.prepare(sql);
    let mut map = std::collections::HashMap::new();
    while stmt.step() {
        let mut name = stmt.text(0);
        if lowercase {
            name.make_ascii_lowercase();
        }
        map.insert(name, stmt.int(1));
    }
    map
}

/// The same rows, read from the same CSV, through one prepared INSERT in one transaction.
fn import_floor(s: &Setup, table: FloorTable) -> f64 {
    let db = s.run.join("floor.db");
    let mut secs = Vec::new();
    for _ in 0..s.import_runs {
        match table {
            FloorTable::Bare => remove_db(&db),
            FloorTable::Real => fresh_copy(&s.data.join("kanogap.db"), &db),
        }
        let start = Instant::now();
        let conn = sqlite::Connection::open(&db);
        conn.exec(PRAGMAS);
        if table == FloorTable::Bare {
            conn.exec(
                "CREATE TABLE kano_responses (id INTEGER PRIMARY KEY, requirement_id INTEGER, segment_id INTEGER, \
                 session_id INTEGER, respondent TEXT, functional INTEGER, dysfunctional INTEGER, importance INTEGER, \
                 created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
            );
        }
        let (segment_ids, requirement_ids) = {
            let catalogue = sqlite::Connection::open(&s.data.join("kanogap.db"));
            (
                id_map(&catalogue, "SELECT name, id FROM segments", true),
                id_map(&catalogue, "SELECT key, id FROM requirements", false),
            )
        };
        conn.exec("BEGIN IMMEDIATE");
        let mut insert = conn.prepare(
            "INSERT INTO kano_responses (requirement_id, segment_id, session_id, respondent, functional, \
             dysfunctional, importance) VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6)",
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(s.data.join("responses.csv"))
            .expect("open responses.csv");
        let mut record = csv::ByteRecord::new();
        let mut rows = 0u64;
        let mut segment_key = Vec::new();
        let answer = |bytes: &[u8]| {
            let text = std::str::from_utf8(bytes).expect("UTF-8 answer");
            i64::from(Answer::parse(text).expect("an answer").number())
        };
        // (requirement, segment, respondent, functional, dysfunctional, importance)
        type Row = (i64, i64, Vec<u8>, i64, i64, Option<i64>);
        let write = |insert: &mut sqlite::Statement<'_>, row: &Row| {
            insert.bind_int(1, row.0);
            insert.bind_int(2, row.1);
            insert.bind_text(3, &row.2);
            insert.bind_int(4, row.3);
            insert.bind_int(5, row.4);
            match row.5 {
                None => insert.bind_null(6),
                Some(v) => insert.bind_int(6, v),
            }
            insert.step();
            insert.reset();
        };
        let mut chunk: Vec<Row> = Vec::new();
        let flush = |insert: &mut sqlite::Statement<'_>, chunk: &mut Vec<Row>| {
            chunk.sort_by(|x, y| (&x.2, x.1, x.0).cmp(&(&y.2, y.1, y.0)));
            chunk.drain(..).for_each(|row| write(insert, &row));
        };
        if table == FloorTable::Real {
            conn.exec("PRAGMA cache_size = -65536");
        }
        while reader.read_byte_record(&mut record).expect("read CSV") {
            segment_key.clear();
            segment_key.extend(record[1].iter().map(u8::to_ascii_lowercase));
            let row: Row = (
                requirement_ids[&record[2]],
                segment_ids[&segment_key],
                record[0].to_vec(),
                answer(&record[3]),
                answer(&record[4]),
                match &record[5] {
                    b"" => None,
                    v => Some(std::str::from_utf8(v).expect("UTF-8").parse().expect("importance")),
                },
            );
            match table {
                FloorTable::Bare => write(&mut insert, &row),
                FloorTable::Real => {
                    chunk.push(row);
                    if chunk.len() == 50_000 {
                        flush(&mut insert, &mut chunk);
                    }
                }
            }
            rows += 1;
        }
        flush(&mut insert, &mut chunk);
        drop(insert);
        conn.exec("COMMIT");
        drop(conn);
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(rows, s.responses);
        progress(&format!(
            "floor ({}) run: {elapsed:.2} s",
            if table == FloorTable::Bare {
                "bare table"
            } else {
                "real table, sorted chunks"
            }
        ));
        secs.push(elapsed);
    }
    s.responses as f64 / median(secs)
}

/// The gap report's aggregation as one query: per (segment, requirement) the answer pairs per
/// Kano category (the evaluation table written as CASEs over the 5×5 grid) and importance,
/// with the segment's weight, the requirement's target and the current capability (the
/// segment's newest assessment, else the newest general one).
const GAP_SQL: &str = "
WITH grid AS (
    SELECT segment_id, requirement_id,
        SUM(functional = 1 AND dysfunctional BETWEEN 2 AND 4) AS a,
        SUM(functional = 1 AND dysfunctional = 5) AS o,
        SUM(functional BETWEEN 2 AND 4 AND dysfunctional = 5) AS m,
        SUM(functional BETWEEN 2 AND 4 AND dysfunctional BETWEEN 2 AND 4) AS i,
        SUM((functional = 5 AND dysfunctional < 5) OR (functional BETWEEN 2 AND 4 AND dysfunctional = 1)) AS r,
        SUM((functional = 1 AND dysfunctional = 1) OR (functional = 5 AND dysfunctional = 5)) AS q,
        SUM(importance) AS importance_sum,
        COUNT(importance) AS importance_n
    FROM kano_responses
    GROUP BY segment_id, requirement_id
),
newest AS (
    SELECT requirement_id, segment_id, current_value, fulfilment,
        ROW_NUMBER() OVER (PARTITION BY requirement_id, segment_id ORDER BY assessed_on DESC, id DESC) AS nth
    FROM assessments
)
SELECT g.segment_id, g.requirement_id, s.weight, r.service_area_id, r.direction, r.target,
    g.a, g.o, g.m, g.i, g.r, g.q, g.importance_sum, g.importance_n,
    CASE WHEN own.requirement_id IS NOT NULL THEN own.current_value ELSE general.current_value END,
    CASE WHEN own.requirement_id IS NOT NULL THEN own.fulfilment ELSE general.fulfilment END
FROM grid g
JOIN segments s ON s.id = g.segment_id
JOIN requirements r ON r.id = g.requirement_id
LEFT JOIN newest own ON own.requirement_id = g.requirement_id AND own.segment_id = g.segment_id AND own.nth = 1
LEFT JOIN newest general ON general.requirement_id = g.requirement_id AND general.segment_id IS NULL
    AND general.nth = 1
";

struct GapResult {
    app_ms: f64,
    sql_ms: f64,
    app_rows: usize,
    sql_rows: usize,
}

/// Panics unless the app's report and the floor's query have the same (segment, requirement)
/// rows, each once: a floor that computes something else is no floor.
fn check_same_rows(mut app: Vec<(i64, i64)>, mut sql: Vec<(i64, i64)>) {
    app.sort_unstable();
    sql.sort_unstable();
    let twice = |keys: &[(i64, i64)]| keys.windows(2).filter(|w| w[0] == w[1]).count();
    let (app_twice, sql_twice) = (twice(&app), twice(&sql));
    let only_app: Vec<_> = app.iter().filter(|k| sql.binary_search(k).is_err()).take(5).collect();
    let only_sql: Vec<_> = sql.iter().filter(|k| app.binary_search(k).is_err()).take(5).collect();
    assert!(
        app_twice == 0 && sql_twice == 0 && only_app.is_empty() && only_sql.is_empty(),
        "the gap report's floor does not compute the app's rows: app {} rows ({app_twice} repeated), SQL {} rows \
         ({sql_twice} repeated); (segment, requirement) only in the app: {only_app:?}, only in the SQL: {only_sql:?}",
        app.len(),
        sql.len()
    );
}

fn gap_report(s: &Setup) -> GapResult {
    let path = s.run.join("import.db");
    let db = Db::connect(&format!("sqlite://{}", path.display()), 1).expect("open the imported database");
    let mut conn = db.get().expect("a connection");
    let mut app = Vec::new();
    let mut app_rows = 0;
    let mut app_keys = Vec::new();
    for i in 0..=s.query_runs {
        let start = Instant::now();
        let data = kanogap::analysis::gap_report(&mut conn, &Scope::All, None, None, 30).expect("gap report");
        let ms = start.elapsed().as_secs_f64() * 1e3;
        app_rows = data.report.rows.len();
        if i == 0 {
            app_keys = data
                .report
                .rows
                .iter()
                .map(|r| (i64::from(r.segment_id), i64::from(r.requirement_id)))
                .collect();
        }
        if i > 0 {
            app.push(ms); // the first run warms the page cache
        }
    }
    progress(&format!("gap report: {app:.1?} ms"));
    let raw = sqlite::Connection::open(&path);
    raw.exec(PRAGMAS);
    let mut sql = Vec::new();
    let mut sql_rows = 0;
    let mut sql_keys = Vec::new();
    for i in 0..=s.query_runs {
        let start = Instant::now();
        let mut stmt = raw.prepare(GAP_SQL);
        let mut rows = 0usize;
        let mut checksum = 0.0;
        while stmt.step() {
            rows += 1;
            if i == 0 {
                sql_keys.push((stmt.int(0), stmt.int(1)));
            }
            for column in 0..16 {
                checksum += stmt.double(column).unwrap_or(0.0);
            }
        }
        std::hint::black_box(checksum);
        drop(stmt);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        sql_rows = rows;
        if i > 0 {
            sql.push(ms);
        }
    }
    progress(&format!("one SQL query: {sql:.1?} ms"));
    check_same_rows(app_keys, sql_keys);
    GapResult {
        app_ms: median(app),
        sql_ms: median(sql),
        app_rows,
        sql_rows,
    }
}

struct PgResult {
    import: ImportResult,
    floor_secs: f64,
    gap: GapResult,
    dashboard: PageResult,
}

/// The import, its `COPY` floor and the gap report on PostgreSQL (`KANOGAP_BENCH_POSTGRES`).
fn postgres_part(s: &Setup, server: &postgres::Server) -> PgResult {
    let catalogue = kanogap::bench_data::catalogue(&kanogap::bench_data::Spec {
        segments: s.segments,
        requirements: s.requirements,
        responses: s.responses,
        seed: kanogap::bench_data::DEFAULT_SEED,
    });
    let with_catalogue = |name: &str| {
        let url = server.fresh(name);
        let db = Db::connect(&url, 1).expect("migrate the PostgreSQL database");
        kanogap::bench_data::load_catalogue(&db, &catalogue).expect("load the catalogue");
        url
    };
    let mut secs = Vec::new();
    let mut rss = Vec::new();
    let mut url = String::new();
    for i in 0..s.import_runs {
        url = with_catalogue("kanogap_bench_import");
        let m = run_measured(
            Command::new(BIN)
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("RUST_LOG", "warn")
                .env("KANOGAP_DATABASE_URL", &url)
                .env("KANOGAP_DATA_DIR", &s.run)
                .args(["import", "responses"])
                .arg(s.data.join("responses.csv")),
            &s.run.join("import-pg.log"),
        );
        assert!(
            m.stdout.contains(&format!("imported {} answers", s.responses)),
            "unexpected import output: {}",
            m.stdout
        );
        progress(&format!(
            "PostgreSQL import run {}: {:.2} s, peak RSS {:.1} MiB",
            i + 1,
            m.wall.as_secs_f64(),
            m.max_rss_kib as f64 / 1024.0
        ));
        secs.push(m.wall.as_secs_f64());
        rss.push(m.max_rss_kib as f64 / 1024.0);
    }
    let import_secs = median(secs);
    let floor_url = with_catalogue("kanogap_bench_floor");
    let mut floor = Vec::new();
    for _ in 0..s.import_runs {
        let t = postgres::copy_floor(&floor_url, &s.data.join("responses.csv"), s.responses);
        progress(&format!("PostgreSQL floor (COPY into a bare table) run: {t:.2} s"));
        floor.push(t);
    }
    let gap = pg_gap_report(s, &url);
    let dashboard = dashboard_page(s, &url, "serve-pg.log");
    progress(&format!(
        "PostgreSQL dashboard page: {:.0} ms, {} bytes",
        dashboard.median_ms, dashboard.bytes
    ));
    PgResult {
        import: ImportResult {
            rows_per_sec: s.responses as f64 / import_secs,
            secs: import_secs,
            peak_rss_mib: rss.into_iter().fold(0.0, f64::max),
        },
        floor_secs: median(floor),
        gap,
        dashboard,
    }
}

/// The gap report on the imported PostgreSQL database at `url`, against its GROUP BY floor.
fn pg_gap_report(s: &Setup, url: &str) -> GapResult {
    let db = Db::connect(url, 1).expect("open the imported database");
    let mut conn = db.get().expect("a connection");
    {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("VACUUM ANALYZE").expect("analyze");
    }
    let mut app = Vec::new();
    let (mut app_rows, mut app_keys) = (0, Vec::new());
    for i in 0..=s.query_runs {
        let start = Instant::now();
        let data = kanogap::analysis::gap_report(&mut conn, &Scope::All, None, None, 30).expect("gap report");
        let ms = start.elapsed().as_secs_f64() * 1e3;
        app_rows = data.report.rows.len();
        if i == 0 {
            app_keys = data
                .report
                .rows
                .iter()
                .map(|r| (i64::from(r.segment_id), i64::from(r.requirement_id)))
                .collect();
        } else {
            app.push(ms);
        }
    }
    progress(&format!("PostgreSQL gap report: {app:.1?} ms"));
    let mut raw = diesel::PgConnection::establish(url).expect("connect");
    let mut sql = Vec::new();
    let (mut sql_rows, mut sql_keys) = (0, Vec::new());
    for i in 0..=s.query_runs {
        let start = Instant::now();
        let rows: Vec<postgres::GapRow> = diesel::sql_query(postgres::GAP_SQL).load(&mut raw).expect("GAP_SQL");
        let checksum: f64 = rows.iter().map(postgres::GapRow::checksum).sum();
        std::hint::black_box(checksum);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        sql_rows = rows.len();
        if i == 0 {
            sql_keys = rows
                .iter()
                .map(|r| (r.c0.unwrap_or(0.0) as i64, r.c1.unwrap_or(0.0) as i64))
                .collect();
        } else {
            sql.push(ms);
        }
    }
    progress(&format!("PostgreSQL one SQL query: {sql:.1?} ms"));
    check_same_rows(app_keys, sql_keys);
    GapResult {
        app_ms: median(app),
        sql_ms: median(sql),
        app_rows,
        sql_rows,
    }
}

struct Load {
    requests_per_sec: f64,
    p99_ms: f64,
    requests: u64,
}

fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => value / 1e3,
        "ms" => value,
        "s" => value * 1e3,
        "m" => value * 60e3,
        _ => return None,
    })
}

fn wrk(s: &Setup, url: &str, token: Option<&str>, secs: u64) -> Load {
    let mut command = Command::new("wrk");
    command
        .args([
            "-t2",
            "-c",
            &s.http_connections.to_string(),
            "-d",
            &format!("{secs}s"),
            "--latency",
        ])
        .arg(url);
    if let Some(t) = token {
        command.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    let out = command.output().expect("run wrk");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "wrk failed: {text}");
    assert!(!text.contains("Non-2xx"), "errors under load against {url}:\n{text}");
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|rest| rest.trim().to_owned())
            .unwrap_or_else(|| panic!("no {prefix:?} in wrk output:\n{text}"))
    };
    Load {
        requests_per_sec: field("Requests/sec:").parse().expect("requests/sec"),
        p99_ms: duration_ms(&field("99%")).expect("p99 latency"),
        requests: text
            .lines()
            .find(|l| l.contains("requests in"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
    }
}

struct HttpResult {
    requirement: Load,
    health: Load,
    requirement_id: i64,
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM: the server's graceful stop; then reap it.
        // SAFETY: signals our own child.
        unsafe { libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

/// A release `kanogap serve` on `database_url`, up and signed in to as the bench's admin (whom
/// the server creates on its first start): the server, its port and a bearer token.
fn serve(s: &Setup, database_url: &str, log_name: &str) -> (Server, u16, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let log = std::fs::File::create(s.run.join(log_name)).expect("server log");
    let server = Server(
        Command::new(BIN)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env("KANOGAP_DATABASE_URL", database_url)
            .env("KANOGAP_LISTEN", format!("127.0.0.1:{port}"))
            .env("KANOGAP_DATA_DIR", &s.run)
            .env("KANOGAP_JWT_SECRET", "benchmark-secret-benchmark-secret-0123456789")
            .env("KANOGAP_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("KANOGAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start kanogap serve"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start; see {log_name}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let login = json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).to_string();
    let (status, body) = http::request(port, "POST", "/api/v1/auth/token", None, &login);
    assert_eq!(status, 200, "login: {body}");
    let token: Value = serde_json::from_str(&body).expect("token JSON");
    let token = token["access_token"].as_str().expect("access_token").to_owned();
    (server, port, token)
}

fn sqlite_import_url(s: &Setup) -> String {
    format!("sqlite://{}", s.run.join("import.db").display())
}

fn http_load(s: &Setup) -> Option<HttpResult> {
    if Command::new("wrk").arg("--version").output().is_err() {
        progress("wrk is not installed (apt-get install wrk): skipping the HTTP benchmark");
        return None;
    }
    let (_server, port, token) = serve(s, &sqlite_import_url(s), "serve.log");
    let requirement_id = (s.requirements / 2).max(1) as i64;
    let path = format!("/api/v1/requirements/{requirement_id}");
    let (status, body) = http::request(port, "GET", &path, Some(&token), "");
    assert_eq!(status, 200, "GET {path}: {body}");
    let base = format!("http://127.0.0.1:{port}");
    // Warm both up, then measure each.
    wrk(s, &format!("{base}/health"), None, 2);
    wrk(s, &format!("{base}{path}"), Some(&token), 2);
    let health = wrk(s, &format!("{base}/health"), None, s.http_secs);
    progress(&format!("GET /health: {:.0} req/s", health.requests_per_sec));
    let requirement = wrk(s, &format!("{base}{path}"), Some(&token), s.http_secs);
    progress(&format!("GET {path}: {:.0} req/s", requirement.requests_per_sec));
    Some(HttpResult {
        requirement,
        health,
        requirement_id,
    })
}

/// The leadership dashboard (`GET /dashboard`, every segment, the first page of ranked gaps,
/// charts, side lists) as the bench's admin sees it, one request at a time.
struct PageResult {
    median_ms: f64,
    bytes: usize,
}

/// Times the dashboard page of a `kanogap serve` on `database_url`: one request to warm up, then
/// the median of `query_runs` (each on a new connection, the whole response read).
fn dashboard_page(s: &Setup, database_url: &str, log_name: &str) -> PageResult {
    let (_server, port, token) = serve(s, database_url, log_name);
    let mut times = Vec::new();
    let mut bytes = 0;
    for i in 0..=s.query_runs {
        let start = Instant::now();
        let (status, body) = http::request(port, "GET", "/dashboard", Some(&token), "");
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(status, 200, "GET /dashboard: {body}");
        assert!(body.contains("<svg"), "the dashboard has no chart: {body}");
        bytes = body.len();
        if i > 0 {
            times.push(ms);
        }
    }
    PageResult {
        median_ms: median(times),
        bytes,
    }
}

/// The table's line for a dashboard measurement (`database`: "" for SQLite, or "PostgreSQL ").
fn dashboard_line(database: &str, runs: usize, page: &PageResult) -> String {
    format!(
        "| {database}leadership dashboard, `GET /dashboard` (every segment: first page of gaps, charts, side lists; median of {runs}) | {:.0} ms, {:.0} KiB of HTML | | | report | |\n",
        page.median_ms,
        page.bytes as f64 / 1024.0
    )
}

/// Runs the criterion group of `benches/kano.rs` here and reads its estimates: pairs/s by id.
fn kano_in_core(s: &Setup) -> Vec<(String, String, f64)> {
    let home = s.target.join("criterion-floor");
    std::env::set_var("CRITERION_HOME", &home);
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    kano_core::register(&mut c);
    kano_core::IDS
        .iter()
        .map(|(id, what)| {
            let path = home.join(kano_core::GROUP).join(id).join("new/estimates.json");
            let estimates: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("criterion estimates")).expect("estimates JSON");
            let ns = estimates["slope"]["point_estimate"]
                .as_f64()
                .or_else(|| estimates["mean"]["point_estimate"].as_f64())
                .expect("a time estimate");
            (
                (*id).to_owned(),
                (*what).to_owned(),
                kano_core::PAIRS as f64 / (ns * 1e-9),
            )
        })
        .collect()
}

fn machine() -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem_gib = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next().and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    format!(
        "{cores} cores ({cpu}), {mem_gib:.0} GiB RAM, Linux {}, SQLite {}",
        read("/proc/sys/kernel/osrelease").trim(),
        sqlite::version()
    )
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

/// Only report, never fail on a missed goal: `KANOGAP_BENCH_REPORT_ONLY=1` or `--report-only`.
fn report_only() -> bool {
    std::env::var("KANOGAP_BENCH_REPORT_ONLY").is_ok_and(|v| v == "1") || std::env::args().any(|a| a == "--report-only")
}

/// For profiling one part: KANOGAP_BENCH_ONLY=import|floor|gap|dashboard|postgres|pggap|http|kano|tickets|gaptargets, no table
/// (`tickets`: issue 12's ticket import and service report, written to `tickets.md`).
fn run_only(s: &Setup, only: &str) {
    match only {
        "import" => {
            let r = import_app(s);
            println!(
                "{:.0} rows/s, {:.2} s, peak RSS {:.1} MiB",
                r.rows_per_sec, r.secs, r.peak_rss_mib
            );
        }
        "floor" => println!(
            "bare {:.0} rows/s, real table {:.0} rows/s",
            import_floor(s, FloorTable::Bare),
            import_floor(s, FloorTable::Real)
        ),
        "gap" => {
            let g = gap_report(s);
            println!("app {:.0} ms, SQL {:.0} ms", g.app_ms, g.sql_ms);
        }
        "http" => {
            if let Some(w) = http_load(s) {
                println!(
                    "requirement {:.0} req/s p99 {:.2} ms, health {:.0} req/s p99 {:.2} ms",
                    w.requirement.requests_per_sec, w.requirement.p99_ms, w.health.requests_per_sec, w.health.p99_ms
                );
            }
        }
        "dashboard" => {
            let p = dashboard_page(s, &sqlite_import_url(s), "serve-dashboard.log");
            println!("SQLite dashboard page {:.0} ms, {} bytes", p.median_ms, p.bytes);
        }
        // The gap report alone, on the database a `postgres` run imported.
        "pggap" => match postgres::Server::from_env() {
            Some(server) => {
                let g = pg_gap_report(s, &server.url("kanogap_bench_import"));
                println!(
                    "PostgreSQL: app {:.0} ms, SQL {:.0} ms ({:.3}x)",
                    g.app_ms,
                    g.sql_ms,
                    g.app_ms / g.sql_ms
                );
            }
            None => eprintln!("set KANOGAP_BENCH_POSTGRES=postgres://USER@HOST:PORT/postgres"),
        },
        "postgres" => match postgres::Server::from_env() {
            Some(server) => {
                let p = postgres_part(s, &server);
                println!(
                    "import {:.2} s (floor {:.2} s, ratio {:.2}), peak RSS {:.1} MiB; gap report {:.0} ms, SQL {:.0} ms ({:.2}x); dashboard page {:.0} ms, {} bytes",
                    p.import.secs,
                    p.floor_secs,
                    p.floor_secs / p.import.secs,
                    p.import.peak_rss_mib,
                    p.gap.app_ms,
                    p.gap.sql_ms,
                    p.gap.app_ms / p.gap.sql_ms,
                    p.dashboard.median_ms,
                    p.dashboard.bytes
                );
            }
            None => eprintln!("set KANOGAP_BENCH_POSTGRES=postgres://USER@HOST:PORT/postgres"),
        },
        "kano" => {
            for (id, _, v) in kano_in_core(s) {
                println!("{id}: {:.0} M pairs/s", v / 1e6);
            }
        }
        "tickets" => tickets::run(s),
        "gaptargets" => tickets::gap_with_targets(s),
        other => eprintln!("KANOGAP_BENCH_ONLY: unknown part {other:?}"),
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("floor is a benchmark, not a test: run `cargo bench --bench floor`");
        return;
    }
    // The app's SQLite threading mode for every connection of this process, floors included:
    // the first connection opened fixes it, and the floors open theirs with the C API.
    kanogap::db::sqlite_threading::multi_thread();
    // The binary's memory settings too, for the reports measured in this process.
    kanogap::memory::keep_freed_memory();
    let bin = Path::new(BIN);
    let target = bin
        .parent()
        .and_then(Path::parent)
        .expect("the binary lives in <target>/<profile>/")
        .to_path_buf();
    let data = std::env::var_os("KANOGAP_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("bench-data"));
    let s = Setup {
        run: data.join("run"),
        data,
        target,
        segments: env_or("KANOGAP_BENCH_SEGMENTS", 20),
        requirements: env_or("KANOGAP_BENCH_REQUIREMENTS", 5000),
        responses: env_or("KANOGAP_BENCH_RESPONSES", 1_000_000),
        import_runs: env_or("KANOGAP_BENCH_RUNS", 3usize).max(1),
        query_runs: env_or("KANOGAP_BENCH_QUERY_RUNS", 5usize).max(1),
        http_secs: env_or("KANOGAP_BENCH_HTTP_SECS", 10),
        http_connections: env_or("KANOGAP_BENCH_HTTP_CONNECTIONS", 32),
    };
    std::fs::create_dir_all(&s.run).expect("create the run folder");
    let generated = ensure_data(&s);
    if let Ok(only) = std::env::var("KANOGAP_BENCH_ONLY") {
        return run_only(&s, &only);
    }

    progress("CSV import by the release binary");
    let app = import_app(&s);
    progress("floor: bare table, one prepared statement, one transaction");
    let floor = import_floor(&s, FloorTable::Bare);
    progress("floor: the real kano_responses table, sorted chunks");
    let schema_floor = import_floor(&s, FloorTable::Real);
    progress("gap report");
    let gap = gap_report(&s);
    progress("leadership dashboard page");
    let dashboard = dashboard_page(&s, &sqlite_import_url(&s), "serve-dashboard.log");
    let pg = postgres::Server::from_env().map(|server| {
        progress("PostgreSQL: import, COPY floor, gap report");
        postgres_part(&s, &server)
    });
    if pg.is_none() {
        progress("KANOGAP_BENCH_POSTGRES is not set: skipping PostgreSQL");
    }
    progress("HTTP");
    let web = http_load(&s);
    progress("Kano in-core (criterion)");
    let kano = kano_in_core(&s);

    let import_ratio = app.rows_per_sec / floor;
    let gap_ratio = gap.app_ms / gap.sql_ms;
    let kano_min = kano.iter().map(|k| k.2).fold(f64::INFINITY, f64::min);
    let mut missed = Vec::new();
    let import_met = import_ratio >= IMPORT_GOAL && app.peak_rss_mib * 1.048_576 < 200.0;
    if !import_met {
        missed.push(format!(
            "CSV import: {import_ratio:.2} of the floor (goal ≥ {IMPORT_GOAL}), peak RSS {:.0} MiB (goal < 200 MB)",
            app.peak_rss_mib
        ));
    }
    if gap_ratio > GAP_GOAL {
        missed.push(format!(
            "gap report: {gap_ratio:.2}x the SQL floor (goal ≤ {GAP_GOAL}x)"
        ));
    }
    let pg_import_ratio = pg.as_ref().map(|p| p.floor_secs / p.import.secs);
    let pg_gap_ratio = pg.as_ref().map(|p| p.gap.app_ms / p.gap.sql_ms);
    let pg_import_met = pg
        .as_ref()
        .map(|p| p.floor_secs / p.import.secs >= IMPORT_GOAL && p.import.peak_rss_mib * 1.048_576 < 200.0);
    if let (Some(false), Some(ratio), Some(p)) = (pg_import_met, pg_import_ratio, &pg) {
        missed.push(format!(
            "PostgreSQL CSV import: {ratio:.2} of the COPY floor (goal ≥ {IMPORT_GOAL}), peak RSS {:.0} MiB",
            p.import.peak_rss_mib
        ));
    }
    if let Some(ratio) = pg_gap_ratio.filter(|r| *r > GAP_GOAL) {
        missed.push(format!(
            "PostgreSQL gap report: {ratio:.2}x the SQL floor (goal ≤ {GAP_GOAL}x)"
        ));
    }
    for (id, _, per_sec) in &kano {
        if *per_sec < 50e6 {
            missed.push(format!(
                "Kano in-core {id}: {:.0} M pairs/s (goal ≥ 50 M/s)",
                per_sec / 1e6
            ));
        }
    }
    let mut md = String::new();
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    md.push_str(&format!(
        "Run {date} on {}. Data: {} segments, {} requirements, {} answer pairs ({} MiB of CSV){}.\n\n",
        machine(),
        s.segments,
        s.requirements,
        s.responses,
        std::fs::metadata(s.data.join("responses.csv"))
            .map(|m| m.len() / (1 << 20))
            .unwrap_or(0),
        generated
            .map(|secs| format!(", generated in {secs:.1} s"))
            .unwrap_or_default()
    ));
    md.push_str("| benchmark | kanogap | floor | ratio | goal | |\n|---|---|---|---|---|---|\n");
    md.push_str(&format!(
        "| CSV import (`kanogap import responses`, median of {}) | {:.0} rows/s ({:.2} s), peak RSS {:.0} MiB | {:.0} rows/s (bare table) | {:.2} | ≥ 0.4 of the floor, RSS < 200 MB | {} |\n",
        s.import_runs,
        app.rows_per_sec,
        app.secs,
        app.peak_rss_mib,
        floor,
        import_ratio,
        verdict(import_met)
    ));
    md.push_str(&format!(
        "| ↳ floor into the real `kano_responses` table (its key and checks; sorted chunks like the import, one row per statement) | | {:.0} rows/s | {:.2} | (what the schema allows) | |\n",
        schema_floor,
        app.rows_per_sec / schema_floor
    ));
    md.push_str(&format!(
        "| Gap report, full data (`analysis::gap_report` in process, median of {}) | {:.0} ms ({} rows) | {:.0} ms (one SQL query, {} rows) | {:.2}x | ≤ 0.2x | {} |\n",
        s.query_runs,
        gap.app_ms,
        gap.app_rows,
        gap.sql_ms,
        gap.sql_rows,
        gap_ratio,
        verdict(gap_ratio <= GAP_GOAL)
    ));
    md.push_str(&dashboard_line("", s.query_runs, &dashboard));
    match &pg {
        Some(p) => {
            md.push_str(&format!(
                "| PostgreSQL CSV import (`kanogap import responses`, median of {}) | {:.0} rows/s ({:.2} s), peak RSS {:.0} MiB | {:.0} rows/s (`COPY` into a bare table, {:.2} s) | {:.2} | ≥ 0.4 of the floor, RSS < 200 MB | {} |\n",
                s.import_runs,
                p.import.rows_per_sec,
                p.import.secs,
                p.import.peak_rss_mib,
                s.responses as f64 / p.floor_secs,
                p.floor_secs,
                p.floor_secs / p.import.secs,
                verdict(pg_import_met == Some(true))
            ));
            md.push_str(&format!(
                "| PostgreSQL gap report, full data (median of {}) | {:.0} ms ({} rows) | {:.0} ms (one SQL query, {} rows) | {:.2}x | ≤ 0.2x | {} |\n",
                s.query_runs,
                p.gap.app_ms,
                p.gap.app_rows,
                p.gap.sql_ms,
                p.gap.sql_rows,
                p.gap.app_ms / p.gap.sql_ms,
                verdict(p.gap.app_ms / p.gap.sql_ms <= GAP_GOAL)
            ));
            md.push_str(&dashboard_line("PostgreSQL ", s.query_runs, &p.dashboard));
        }
        None => md.push_str(
            "| PostgreSQL | not run: set KANOGAP_BENCH_POSTGRES=postgres://USER@HOST:PORT/postgres | | | | |\n",
        ),
    }
    match &web {
        Some(w) => md.push_str(&format!(
            "| `GET /api/v1/requirements/{}` with a bearer token (wrk, {} s, {} connections) | {:.0} req/s, p99 {:.2} ms | `GET /health`: {:.0} req/s, p99 {:.2} ms | {:.2} | report the ratio | |\n",
            w.requirement_id,
            s.http_secs,
            s.http_connections,
            w.requirement.requests_per_sec,
            w.requirement.p99_ms,
            w.health.requests_per_sec,
            w.health.p99_ms,
            w.requirement.requests_per_sec / w.health.requests_per_sec
        )),
        None => md.push_str("| HTTP | not run: wrk is not installed | | | | |\n"),
    }
    for (id, what, per_sec) in &kano {
        md.push_str(&format!(
            "| Kano in-core, `{id}`: {what} (criterion) | {:.0} M pairs/s | | | ≥ 50 M/s | {} |\n",
            per_sec / 1e6,
            verdict(*per_sec >= 50e6)
        ));
    }
    println!("\n{md}");
    std::fs::write(s.data.join("results.md"), &md).expect("write results.md");
    let results = json!({
        "date": date.to_string(),
        "machine": machine(),
        "data": {"segments": s.segments, "requirements": s.requirements, "responses": s.responses},
        "import": {
            "rows_per_sec": app.rows_per_sec, "secs": app.secs, "peak_rss_mib": app.peak_rss_mib,
            "floor_rows_per_sec": floor, "schema_floor_rows_per_sec": schema_floor, "ratio": import_ratio,
        },
        "gap_report": {
            "app_ms": gap.app_ms, "sql_ms": gap.sql_ms, "ratio": gap_ratio,
            "app_rows": gap.app_rows, "sql_rows": gap.sql_rows,
        },
        "postgres": pg.as_ref().map(|p| json!({
            "import": {"rows_per_sec": p.import.rows_per_sec, "secs": p.import.secs, "peak_rss_mib": p.import.peak_rss_mib,
                "floor_secs": p.floor_secs, "ratio": p.floor_secs / p.import.secs},
            "gap_report": {"app_ms": p.gap.app_ms, "sql_ms": p.gap.sql_ms, "ratio": p.gap.app_ms / p.gap.sql_ms,
                "app_rows": p.gap.app_rows, "sql_rows": p.gap.sql_rows},
            "dashboard": {"median_ms": p.dashboard.median_ms, "bytes": p.dashboard.bytes},
        })),
        "dashboard": {"median_ms": dashboard.median_ms, "bytes": dashboard.bytes},
        "http": web.as_ref().map(|w| json!({
            "requirement": {"requests_per_sec": w.requirement.requests_per_sec, "p99_ms": w.requirement.p99_ms, "requests": w.requirement.requests},
            "health": {"requests_per_sec": w.health.requests_per_sec, "p99_ms": w.health.p99_ms, "requests": w.health.requests},
            "ratio": w.requirement.requests_per_sec / w.health.requests_per_sec,
        })),
        "kano_pairs_per_sec": kano.iter().map(|(id, _, v)| (id.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "kano_min_pairs_per_sec": kano_min,
        "missed": missed,
    });
    std::fs::write(
        s.data.join("results.json"),
        serde_json::to_string_pretty(&results).expect("JSON"),
    )
    .expect("write results.json");
    println!("written to {} and results.json", s.data.join("results.md").display());
    if !missed.is_empty() {
        eprintln!("{} goal(s) missed:\n  {}", missed.len(), missed.join("\n  "));
        if report_only() {
            eprintln!("report only (KANOGAP_BENCH_REPORT_ONLY=1 / --report-only): exit 0");
        } else {
            std::process::exit(1);
        }
    }
}

/// Issue 12's quality bar: importing a ticket export of KANOGAP_BENCH_TICKETS rows (default
/// 1 000 000) streams, so its peak RSS does not grow with the file (a tenth of the file is
/// imported too, for comparison), and the monthly service report over them (three ticket
/// targets on a business-hours calendar plus one reported, through `kanogap report service`,
/// a child process). Both by the release binary on a fresh copy of the data set's database.
mod tickets {
    use std::io::Write;
    use std::path::Path;
    use std::process::Command;
    use std::time::Instant;

    use super::{env_or, fresh_copy, median, postgres, progress, run_measured, sqlite, Setup, BIN, PRAGMAS};

    /// Runs SQL statements on the bench database `url` (SQLite file or PostgreSQL).
    fn exec(url: &str, sql: &str) {
        match url.strip_prefix("sqlite://") {
            Some(path) => {
                let conn = sqlite::Connection::open(Path::new(path));
                conn.exec(PRAGMAS);
                conn.exec(sql);
            }
            None => {
                use diesel::connection::SimpleConnection;
                use diesel::Connection;
                let mut conn = diesel::PgConnection::establish(url).expect("connect to PostgreSQL");
                conn.batch_execute(sql).expect("bench SQL on PostgreSQL");
            }
        }
    }

    fn sqlite_url(db: &Path) -> String {
        format!("sqlite://{}", db.display())
    }

    /// A ticket export of `rows` rows over the year 2025, spread over `segments`.
    fn write_csv(path: &Path, rows: u64, segments: &[String]) {
        let file = std::fs::File::create(path).expect("create the tickets CSV");
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        writeln!(
            out,
            "ticket,segment,opened_at,first_response_at,resolved_at,priority,paused_minutes"
        )
        .unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..rows {
            let opened = start + chrono::Duration::minutes((next() % (365 * 24 * 60)) as i64);
            let response = opened + chrono::Duration::minutes((next() % 600) as i64);
            let resolved = response + chrono::Duration::minutes((next() % 5000) as i64);
            let fmt = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            let open = next() % 20 == 0;
            writeln!(
                out,
                "T-{i},{},{},{},{},P{},{}",
                segments[(next() % segments.len() as u64) as usize],
                fmt(opened),
                fmt(response),
                if open { String::new() } else { fmt(resolved) },
                1 + next() % 4,
                if next() % 10 == 0 { next() % 120 } else { 0 }
            )
            .unwrap();
        }
        out.flush().unwrap();
    }

    fn segment_names(db: &Path) -> Vec<String> {
        let conn = sqlite::Connection::open(db);
        let mut st = conn.prepare("SELECT name FROM segments ORDER BY id");
        let mut names = Vec::new();
        while st.step() {
            names.push(String::from_utf8_lossy(&st.text(0)).into_owned());
        }
        names
    }

    struct Import {
        secs: f64,
        rss_mib: f64,
    }

    fn import(s: &Setup, url: &str, csv: &Path, rows: u64) -> Import {
        let m = run_measured(
            Command::new(BIN)
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("RUST_LOG", "warn")
                .env("KANOGAP_DATABASE_URL", url)
                .env("KANOGAP_DATA_DIR", &s.run)
                .args(["import", "tickets"])
                .arg(csv),
            &s.run.join("tickets-import.log"),
        );
        assert!(
            m.stdout.contains(&format!("imported {rows} new tickets")),
            "unexpected import output: {}",
            m.stdout
        );
        Import {
            secs: m.wall.as_secs_f64(),
            rss_mib: m.max_rss_kib as f64 / 1024.0,
        }
    }

    /// The office calendar (Europe/Berlin, weekdays 08:00-12:00 and 13:00-17:00, two holidays),
    /// made before the import as a department would have it: the import stores each ticket's
    /// business durations under every calendar (`24x7` and this one).
    fn add_calendar(url: &str) {
        exec(
            url,
            "INSERT INTO calendars (name, timezone, week, holidays) VALUES ('Bench office', 'Europe/Berlin', \
             '{\"mon\":[\"08:00-12:00\",\"13:00-17:00\"],\"tue\":[\"08:00-12:00\",\"13:00-17:00\"],\"wed\":[\"08:00-12:00\",\"13:00-17:00\"],\"thu\":[\"08:00-12:00\",\"13:00-17:00\"],\"fri\":[\"08:00-12:00\",\"13:00-17:00\"]}', \
             '[\"2025-05-01\",\"2025-12-25\"]');",
        );
    }

    /// Three ticket targets (general; two on the office calendar, a P1 one on `24x7`) and one
    /// reported target with a figure, on requirements of their own.
    fn add_targets(url: &str) {
        exec(
            url,
            "INSERT INTO requirements (key, title, service_area_id, metric, unit, direction, target) \
             SELECT 'BENCH-RESPONSE', 'Bench response time', MIN(id), 'minutes to respond', 'min', 'lower_is_better', 60 FROM service_areas;
             INSERT INTO requirements (key, title, service_area_id, metric, unit, direction, target) \
             SELECT 'BENCH-FIX', 'Bench resolution time', MIN(id), 'hours to resolve', 'h', 'lower_is_better', 24 FROM service_areas;
             INSERT INTO requirements (key, title, service_area_id, metric, unit, direction, target) \
             SELECT 'BENCH-AVAIL', 'Bench availability', MIN(id), 'availability', '%', 'higher_is_better', 99.5 FROM service_areas;
             INSERT INTO service_targets (requirement_id, segment_id, measure, limit_value, goal, priority, calendar_id) \
             SELECT r.id, NULL, 'first_response', 60, 0.9, NULL, c.id FROM requirements r, calendars c WHERE r.key = 'BENCH-RESPONSE' AND c.name = 'Bench office';
             INSERT INTO service_targets (requirement_id, segment_id, measure, limit_value, goal, priority, calendar_id) \
             SELECT r.id, NULL, 'resolution', 24, 0.8, NULL, c.id FROM requirements r, calendars c WHERE r.key = 'BENCH-FIX' AND c.name = 'Bench office';
             INSERT INTO service_targets (requirement_id, segment_id, measure, limit_value, goal, priority, calendar_id) \
             SELECT r.id, NULL, 'resolution', 8, 0.9, 'P1', c.id FROM requirements r, calendars c WHERE r.key = 'BENCH-FIX' AND c.name = '24x7';
             INSERT INTO service_targets (requirement_id, segment_id, measure, limit_value, goal, priority, calendar_id) \
             SELECT r.id, NULL, 'reported', 99.5, NULL, NULL, c.id FROM requirements r, calendars c WHERE r.key = 'BENCH-AVAIL' AND c.name = '24x7';
             INSERT INTO reported_measurements (service_target_id, period, value) \
             SELECT t.id, '2025-12', 99.7 FROM service_targets t WHERE t.measure = 'reported' AND t.limit_value = 99.5;",
        );
    }

    /// `kanogap report service --period 2025-12` (the month and the six before as the trend),
    /// all segments; the median of the query runs. Returns the milliseconds and the output.
    fn report(s: &Setup, url: &str, format: &str) -> (f64, String) {
        let mut ms = Vec::new();
        let mut out = String::new();
        for _ in 0..s.query_runs {
            let m = run_measured(
                Command::new(BIN)
                    .env_clear()
                    .env("PATH", std::env::var("PATH").unwrap_or_default())
                    .env("RUST_LOG", "warn")
                    .env("KANOGAP_DATABASE_URL", url)
                    .env("KANOGAP_DATA_DIR", &s.run)
                    .args(["report", "service", "--period", "2025-12", "--format", format]),
                &s.run.join("tickets-report.log"),
            );
            ms.push(m.wall.as_secs_f64() * 1000.0);
            out = m.stdout;
        }
        (median(ms), out)
    }

    struct Report {
        ms: f64,
        targets: u64,
        counted: u64,
    }

    /// The JSON service report's median time, with its targets and the tickets it counted.
    fn measure_report(s: &Setup, url: &str) -> Report {
        let (ms, json) = report(s, url, "json");
        let report: serde_json::Value = serde_json::from_str(json.trim()).expect("the report as JSON");
        let counted: u64 = report["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["counted"].as_u64()).sum())
            .unwrap_or(0);
        let targets = report["summary"]["targets"].as_u64().unwrap_or(0);
        progress(&format!(
            "service report: {ms:.0} ms, {targets} targets, {counted} ticket counts"
        ));
        Report { ms, targets, counted }
    }

    /// Twelve general ticket targets on requirements every segment answered (ids 10-21 of the
    /// bench catalogue, given a unit in minutes): four each of first response and of resolution
    /// on the office calendar, and of P1 resolution on 24x7. The gap report then measures those
    /// requirements' capability from each segment's tickets.
    fn add_answered_targets(url: &str) {
        let mut sql = String::new();
        for i in 0..12 {
            let requirement = 10 + i;
            let (measure, limit, goal, priority, calendar) = match i % 3 {
                0 => ("first_response", 60, 0.9, "NULL", "Bench office"),
                1 => ("resolution", 24, 0.8, "NULL", "Bench office"),
                _ => ("resolution", 8, 0.9, "'P1'", "24x7"),
            };
            sql += &format!(
                "UPDATE requirements SET metric = 'minutes to respond', unit = 'min', direction = 'lower_is_better', \
                 target = 60 WHERE id = {requirement};\n\
                 INSERT INTO service_targets (requirement_id, segment_id, measure, limit_value, goal, priority, calendar_id) \
                 SELECT {requirement}, NULL, '{measure}', {limit}, {goal}, {priority}, id FROM calendars WHERE name = '{calendar}';\n"
            );
        }
        exec(url, &sql);
    }

    /// The gap report over every segment on `url`, in process: the median of the query runs
    /// after one to warm up, in ms.
    fn time_gap(s: &Setup, url: &str) -> f64 {
        let db = kanogap::db::Db::connect(url, 1).expect("open the database");
        let mut conn = db.get().expect("a connection");
        let mut ms = Vec::new();
        for i in 0..=s.query_runs {
            let start = Instant::now();
            kanogap::analysis::gap_report(&mut conn, &kanogap::db::Scope::All, None, None, 30).expect("gap report");
            if i > 0 {
                ms.push(start.elapsed().as_secs_f64() * 1e3);
            }
        }
        median(ms)
    }

    /// `KANOGAP_BENCH_ONLY=gaptargets`: the gap report over the imported answers (the import
    /// part's SQLite database; on PostgreSQL the `postgres` part's) with `KANOGAP_BENCH_TICKETS`
    /// tickets (default 300 000), before and after twelve ticket targets on answered
    /// requirements: what measured capability costs the leadership's report.
    pub fn gap_with_targets(s: &Setup) {
        let rows: u64 = env_or("KANOGAP_BENCH_TICKETS", 300_000);
        let answered = s.run.join("import.db");
        assert!(
            answered.exists(),
            "{} is missing: run the import part first (KANOGAP_BENCH_ONLY=import)",
            answered.display()
        );
        let csv = s.run.join("tickets-targets.csv");
        write_csv(&csv, rows, &segment_names(&s.data.join("kanogap.db")));
        let mut md =
            String::from("| database | gap report, no targets | with twelve ticket targets |\n|---|---|---|\n");
        // After the import as autovacuum leaves it: PostgreSQL reads a segment's month from the
        // durations' key alone once the visibility map says the pages are all visible.
        let mut measure = |database: &str, url: &str, settle: &str| {
            add_calendar(url);
            import(s, url, &csv, rows);
            exec(url, settle);
            let without = time_gap(s, url);
            add_answered_targets(url);
            let with = time_gap(s, url);
            progress(&format!(
                "{database}: gap report {without:.0} ms, with ticket targets {with:.0} ms"
            ));
            md += &format!("| {database} | {without:.0} ms | {with:.0} ms |\n");
        };
        let db = s.run.join("gap-targets.db");
        fresh_copy(&answered, &db);
        measure("SQLite", &sqlite_url(&db), "ANALYZE");
        match postgres::Server::from_env() {
            Some(server) => measure(
                "PostgreSQL",
                &server.copy_of("kanogap_bench_import", "kanogap_bench_targets"),
                "VACUUM ANALYZE",
            ),
            None => progress("KANOGAP_BENCH_POSTGRES is not set: SQLite only"),
        }
        println!("\n{rows} tickets\n\n{md}");
    }

    pub fn run(s: &Setup) {
        let rows: u64 = env_or("KANOGAP_BENCH_TICKETS", 1_000_000);
        let small = (rows / 10).max(1);
        let catalogue = s.data.join("kanogap.db");
        let segments = segment_names(&catalogue);
        assert!(!segments.is_empty(), "the data set has no segments");
        let big_csv = s.run.join("tickets.csv");
        let small_csv = s.run.join("tickets-small.csv");
        progress(&format!("writing {rows} and {small} ticket rows"));
        let start = Instant::now();
        write_csv(&big_csv, rows, &segments);
        write_csv(&small_csv, small, &segments);
        progress(&format!("written in {:.1} s", start.elapsed().as_secs_f64()));
        let db = s.run.join("tickets.db");
        let url = sqlite_url(&db);
        fresh_copy(&catalogue, &db);
        add_calendar(&url);
        let small_run = import(s, &url, &small_csv, small);
        progress(&format!(
            "{small} tickets: {:.2} s, peak RSS {:.1} MiB",
            small_run.secs, small_run.rss_mib
        ));
        fresh_copy(&catalogue, &db);
        add_calendar(&url);
        let big = import(s, &url, &big_csv, rows);
        progress(&format!(
            "{rows} tickets: {:.2} s, peak RSS {:.1} MiB",
            big.secs, big.rss_mib
        ));
        add_targets(&url);
        let sqlite_report = measure_report(s, &url);
        let mb = |p: &Path| std::fs::metadata(p).map(|m| m.len() as f64 / 1048576.0).unwrap_or(0.0);
        let import_row = |db: &str, n: u64, csv: &Path, run: &Import| {
            format!(
                "| {db} | `kanogap import tickets`, {n} rows ({:.0} MiB CSV) | {:.2} s ({:.0} rows/s), peak RSS {:.1} MiB |\n",
                mb(csv),
                run.secs,
                n as f64 / run.secs,
                run.rss_mib
            )
        };
        let report_row = |db: &str, r: &Report| {
            format!(
                "| {db} | `kanogap report service --period 2025-12` over {rows} tickets ({} targets, 7 months each; median of {}) | {:.0} ms, {} tickets counted in the month |\n",
                r.targets, s.query_runs, r.ms, r.counted
            )
        };
        let mut md = String::from("| database | benchmark | result |\n|---|---|---|\n");
        md += &import_row("SQLite", small, &small_csv, &small_run);
        md += &import_row("SQLite", rows, &big_csv, &big);
        md += &report_row("SQLite", &sqlite_report);
        match postgres::Server::from_env() {
            Some(server) => {
                progress("PostgreSQL: the same import and report");
                let url = server.fresh("kanogap_bench_tickets");
                {
                    let catalogue = kanogap::bench_data::catalogue(&kanogap::bench_data::Spec {
                        segments: s.segments,
                        requirements: s.requirements,
                        responses: s.responses,
                        seed: kanogap::bench_data::DEFAULT_SEED,
                    });
                    let db = kanogap::db::Db::connect(&url, 1).expect("migrate the PostgreSQL database");
                    kanogap::bench_data::load_catalogue(&db, &catalogue).expect("load the catalogue");
                }
                add_calendar(&url);
                let pg_big = import(s, &url, &big_csv, rows);
                progress(&format!(
                    "PostgreSQL, {rows} tickets: {:.2} s, peak RSS {:.1} MiB",
                    pg_big.secs, pg_big.rss_mib
                ));
                add_targets(&url);
                exec(&url, "ANALYZE");
                let pg_report = measure_report(s, &url);
                md += &import_row("PostgreSQL", rows, &big_csv, &pg_big);
                md += &report_row("PostgreSQL", &pg_report);
            }
            None => progress("KANOGAP_BENCH_POSTGRES is not set: tickets on SQLite only"),
        }
        println!("\n{md}");
        std::fs::write(s.data.join("tickets.md"), &md).expect("write tickets.md");
    }
}
