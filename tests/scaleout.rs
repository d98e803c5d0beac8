//! Scale-out: three instances of the real binary on one fresh PostgreSQL database, behind
//! HAProxy configured from `config/haproxy.cfg` (its ports replaced in a temporary copy).
//!
//! - The three start together on an empty database: one schema, one admin.
//! - A token from one instance works on the others.
//! - Sign-in throttling counts across instances, per client address: from 127.0.0.2 guesses spread
//!   over the instances throttle that address, directly and through HAProxy (which forwards the
//!   client address to instances that trust it), while 127.0.0.3 signs in.
//! - 16 writers create sessions through HAProxy for 20 seconds while one instance is killed with
//!   SIGKILL and later started again: every acknowledged write is in the database afterwards;
//!   failed requests are counted and printed.
//!
//! Runs when `KANOGAP_TEST_DATABASE_URL` is a PostgreSQL URL and `haproxy` is on the PATH;
//! otherwise prints why it skipped, unless `KANOGAP_REQUIRE_SCALEOUT_TESTS=1` (CI's PostgreSQL
//! pass), which makes a missing requirement a failure.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use rand::distributions::{Alphanumeric, DistString};
use serde_json::{json, Value};

#[path = "common/database.rs"]
mod database;
use database::fresh_database;

const INSTANCES: usize = 3;
const WRITERS: usize = 16;
const WRITE_FOR: Duration = Duration::from_secs(20);
const KILL_AT: Duration = Duration::from_secs(5);
const RESTART_AT: Duration = Duration::from_secs(11);
const START_DEADLINE: Duration = Duration::from_secs(60);
const IO_TIMEOUT: Duration = Duration::from_secs(10);
const ADMIN_PASSWORD: &str = "admin-password-123";
const PASSWORD: &str = "a-long-password-42";

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const GUESSER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const OWNER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));

// ---------------------------------------------------------------------------------------------
// Whether to run

/// `Some(postgres URL)` when the test can run; `None` after printing why not. Panics instead
/// when `KANOGAP_REQUIRE_SCALEOUT_TESTS=1`.
fn requirements() -> Option<String> {
    let required = std::env::var("KANOGAP_REQUIRE_SCALEOUT_TESTS").is_ok_and(|v| v == "1");
    let url = std::env::var("KANOGAP_TEST_DATABASE_URL").ok();
    // Set but not PostgreSQL is a mistake, never a reason to skip (the other targets fail too).
    if let Some(u) = &url {
        assert!(
            u.starts_with("postgres://") || u.starts_with("postgresql://"),
            "KANOGAP_TEST_DATABASE_URL={u:?} is set but is not a postgres:// URL; unset it to skip the scale-out test"
        );
    }
    let haproxy = Command::new("haproxy")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let missing = match (&url, haproxy) {
        (None, _) => "KANOGAP_TEST_DATABASE_URL is not set",
        (_, false) => "haproxy is not on the PATH (apt-get install haproxy)",
        _ => return url,
    };
    assert!(
        !required,
        "scale-out test required (KANOGAP_REQUIRE_SCALEOUT_TESTS=1) but {missing}"
    );
    println!("scaleout: SKIPPED: {missing}");
    None
}

// ---------------------------------------------------------------------------------------------
// HTTP over a plain TcpStream, from a chosen loopback address

/// Sends one request (`Connection: close`) from `from` and returns status, headers (lower-case
/// names) and body.
fn http_from(
    from: IpAddr,
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> io::Result<(u16, HashMap<String, String>, Vec<u8>)> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::new(from, 0).into())?;
    socket.connect_timeout(&SocketAddr::new(LOOPBACK, port).into(), IO_TIMEOUT)?;
    let mut stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let body = body.map(Value::to_string);
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    match &body {
        Some(body) => request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )),
        None => request.push_str("\r\n"),
    }
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> io::Result<(u16, HashMap<String, String>, Vec<u8>)> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "response head incomplete"))?;
    let head = std::str::from_utf8(&raw[..head_end]).map_err(|_| bad("response head not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| bad("no status line"))?;
    let mut headers = HashMap::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| bad("malformed header"))?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let body = &raw[head_end + 4..];
    if headers.get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        return Err(bad("chunked responses are not expected here"));
    }
    match headers.get("content-length").map(|v| v.parse::<usize>()) {
        Some(Ok(n)) if body.len() < n => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body cut short")),
        Some(Ok(n)) => Ok((status, headers, body[..n].to_vec())),
        Some(Err(_)) => Err(bad("bad content-length")),
        None => Ok((status, headers, body.to_vec())),
    }
}

fn call(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
    let (status, _, bytes) = http_from(LOOPBACK, port, method, path, token, body)
        .unwrap_or_else(|e| panic!("{method} {path} on port {port}: {e}"));
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A sign-in from `from`: status and `Retry-After`.
fn sign_in(from: IpAddr, port: u16, email: &str, password: &str) -> (u16, Option<u64>) {
    let body = json!({"email": email, "password": password});
    let (status, headers, _) = http_from(from, port, "POST", "/api/v1/auth/token", None, Some(&body))
        .unwrap_or_else(|e| panic!("sign-in on port {port}: {e}"));
    (status, headers.get("retry-after").and_then(|v| v.parse().ok()))
}

fn token(port: u16, email: &str, password: &str) -> String {
    let (status, body) = call(
        port,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&json!({"email": email, "password": password})),
    );
    assert_eq!(status, 200, "sign-in on port {port}: {body}");
    body["access_token"].as_str().expect("access_token").to_owned()
}

// ---------------------------------------------------------------------------------------------
// Processes

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A child process, killed (SIGKILL) when dropped so that a failing test leaves nothing.
struct Process {
    child: Child,
    log: PathBuf,
}

impl Process {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

struct Cluster {
    dir: PathBuf,
    database_url: String,
    jwt_secret: String,
    admin_email: String,
    ports: Vec<u16>,
    starts: usize,
}

impl Cluster {
    /// Starts `kanogap serve` as instance `i` (not waiting for it).
    fn spawn(&mut self, i: usize) -> Process {
        self.starts += 1;
        let data = self.dir.join(format!("instance-{i}"));
        let log = self.dir.join(format!("instance-{i}-{}.log", self.starts));
        let child = Command::new(env!("CARGO_BIN_EXE_kanogap"))
            .arg("serve")
            .env_clear()
            .env("KANOGAP_DATABASE_URL", &self.database_url)
            .env("KANOGAP_LISTEN", format!("127.0.0.1:{}", self.ports[i]))
            .env("KANOGAP_JWT_SECRET", &self.jwt_secret)
            .env("KANOGAP_ADMIN_EMAIL", &self.admin_email)
            .env("KANOGAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("KANOGAP_DATA_DIR", &data)
            .env("KANOGAP_TRUSTED_PROXIES", "127.0.0.1")
            .env("KANOGAP_POOL_SIZE", "6")
            .env("KANOGAP_WORKERS", "2")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start kanogap serve");
        Process { child, log }
    }

    /// Waits until instance `i` answers `/health` with 200.
    fn wait_healthy(&self, i: usize, process: &mut Process) {
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            if let Some(status) = process.exited() {
                panic!(
                    "instance {i} exited during start-up ({status}):\n{}",
                    process.log_text()
                );
            }
            if let Ok((200, _, _)) = http_from(LOOPBACK, self.ports[i], "GET", "/health", None, None) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "instance {i} did not become healthy:\n{}",
                process.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// HAProxy from `config/haproxy.cfg`, its frontend and servers moved to our ports.
fn start_haproxy(dir: &Path, frontend: u16, backends: &[u16]) -> Process {
    let template = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/haproxy.cfg"))
        .expect("read config/haproxy.cfg");
    let mut servers_seen = 0;
    let mut config = String::new();
    for line in template.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("bind ") {
            config.push_str(&format!("    bind 127.0.0.1:{frontend}\n"));
        } else if trimmed.starts_with("server ") {
            // The example's server lines are replaced by one per instance of ours.
            if servers_seen == 0 {
                for (i, port) in backends.iter().enumerate() {
                    config.push_str(&format!("    server kanogap{} 127.0.0.1:{port}\n", i + 1));
                }
            }
            servers_seen += 1;
        } else {
            config.push_str(line);
            config.push('\n');
        }
    }
    assert!(servers_seen > 0, "config/haproxy.cfg has no server lines");
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, config).expect("write haproxy.cfg");
    let log = dir.join("haproxy.log");
    let child = Command::new("haproxy")
        .arg("-f")
        .arg(&path)
        .arg("-db")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).expect("log file"))
        .stderr(std::fs::File::create(dir.join("haproxy.err")).expect("log file"))
        .spawn()
        .expect("start haproxy");
    Process { child, log }
}

// ---------------------------------------------------------------------------------------------
// The database, read directly

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct SessionRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<CountRow>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

// ---------------------------------------------------------------------------------------------
// Writers

#[derive(Default)]
struct WriterLog {
    acked: Vec<(i64, String)>,
    sent: usize,
    /// Failed requests: by status, or "io: …" for a connection that failed.
    failed: BTreeMap<String, usize>,
    failed_at: Vec<Duration>,
}

fn writer(port: u16, token: &str, segment: i64, writer: usize, started: Instant, stop: &AtomicBool) -> WriterLog {
    let mut log = WriterLog::default();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let title = format!("scale-out w{writer} n{n}");
        let body = json!({"kind": "interview", "title": title, "held_on": "2026-11-20", "segment_ids": [segment]});
        log.sent += 1;
        match http_from(LOOPBACK, port, "POST", "/api/v1/sessions", Some(token), Some(&body)) {
            Ok((201, _, bytes)) => {
                let created: Value = serde_json::from_slice(&bytes).expect("201 with JSON");
                assert_eq!(created["title"], title.as_str(), "a 201 describing another session");
                log.acked.push((created["id"].as_i64().expect("id"), title));
            }
            Ok((status, _, _)) => {
                *log.failed.entry(status.to_string()).or_default() += 1;
                log.failed_at.push(started.elapsed());
            }
            Err(e) => {
                *log.failed.entry(format!("io: {:?}", e.kind())).or_default() += 1;
                log.failed_at.push(started.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    log
}

// ---------------------------------------------------------------------------------------------

#[test]
fn three_instances_behind_haproxy_on_one_postgresql() {
    if requirements().is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, _pg) = fresh_database(dir.path(), "kanogap_scaleout");
    let random = |n| Alphanumeric.sample_string(&mut rand::thread_rng(), n).to_lowercase();
    let mut cluster = Cluster {
        dir: dir.path().to_path_buf(),
        database_url: database_url.clone(),
        jwt_secret: random(40),
        admin_email: format!("scaleout-{}@example.test", random(8)),
        ports: (0..INSTANCES).map(|_| free_port()).collect(),
        starts: 0,
    };
    let frontend = free_port();

    // Three instances started together on an empty database.
    let mut instances: Vec<Process> = (0..INSTANCES).map(|i| cluster.spawn(i)).collect();
    for (i, process) in instances.iter_mut().enumerate() {
        cluster.wait_healthy(i, process);
    }
    let mut db = PgConnection::establish(&database_url).expect("connect to the test database");
    assert_eq!(count(&mut db, "SELECT count(*) AS n FROM users"), 1, "one first admin");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .count() as i64;
    assert_eq!(
        count(&mut db, "SELECT count(*) AS n FROM __diesel_schema_migrations"),
        migrations,
        "each migration applied once"
    );
    println!("scaleout: {INSTANCES} instances started together: one schema, one admin");

    let mut haproxy = start_haproxy(dir.path(), frontend, &cluster.ports);
    let deadline = Instant::now() + START_DEADLINE;
    while !matches!(
        http_from(LOOPBACK, frontend, "GET", "/health", None, None),
        Ok((200, _, _))
    ) {
        if let Some(status) = haproxy.exited() {
            panic!(
                "haproxy exited ({status}): {}{}",
                haproxy.log_text(),
                std::fs::read_to_string(dir.path().join("haproxy.err")).unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "haproxy did not answer /health");
        std::thread::sleep(Duration::from_millis(50));
    }

    // A token from one instance works on every other.
    let admin = token(cluster.ports[0], &cluster.admin_email, ADMIN_PASSWORD);
    for &port in &cluster.ports {
        assert_eq!(
            call(port, "GET", "/api/v1/me", Some(&admin), None).0,
            200,
            "port {port}"
        );
    }

    // Throttling counts across instances, per client address.
    let (status, user) = call(
        frontend,
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(&json!({"email": "owner@example.test", "password": PASSWORD, "role": "leadership"})),
    );
    assert_eq!(status, 201, "{user}");
    for attempt in 0..5 {
        let port = cluster.ports[attempt % INSTANCES];
        assert_eq!(
            sign_in(GUESSER, port, "owner@example.test", "wrong-password-1").0,
            401,
            "guess {attempt} on port {port}"
        );
    }
    for (label, port) in [("an instance", cluster.ports[2]), ("HAProxy", frontend)] {
        let (status, retry) = sign_in(GUESSER, port, "owner@example.test", PASSWORD);
        assert_eq!(status, 429, "the guessing address through {label}");
        assert!(retry.is_some_and(|r| r > 0), "Retry-After through {label}: {retry:?}");
    }
    for (label, port) in [("an instance", cluster.ports[0]), ("HAProxy", frontend)] {
        assert_eq!(
            sign_in(OWNER, port, "owner@example.test", PASSWORD).0,
            200,
            "another address through {label}"
        );
    }
    println!("scaleout: 127.0.0.2 throttled after guesses spread over 3 instances; 127.0.0.3 signs in");

    // 16 writers through HAProxy; one instance killed and started again meanwhile.
    let (status, segment) = call(
        frontend,
        "POST",
        "/api/v1/segments",
        Some(&admin),
        Some(&json!({"name": "Finance"})),
    );
    assert_eq!(status, 201, "{segment}");
    let segment = segment["id"].as_i64().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (stop, admin) = (stop.clone(), admin.clone());
            std::thread::spawn(move || writer(frontend, &admin, segment, w, started, &stop))
        })
        .collect();
    std::thread::sleep(KILL_AT);
    let victim = 1;
    instances[victim].kill();
    let killed_at = started.elapsed();
    std::thread::sleep(RESTART_AT.saturating_sub(started.elapsed()));
    instances[victim] = cluster.spawn(victim);
    cluster.wait_healthy(victim, &mut instances[victim]);
    let restarted_at = started.elapsed();
    std::thread::sleep(WRITE_FOR.saturating_sub(started.elapsed()));
    stop.store(true, Ordering::SeqCst);
    let logs: Vec<WriterLog> = handles.into_iter().map(|h| h.join().expect("writer")).collect();

    // Every acknowledged write is there.
    let stored: HashMap<i64, String> = diesel::sql_query("SELECT id, title FROM sessions")
        .load::<SessionRow>(&mut db)
        .expect("read sessions")
        .into_iter()
        .map(|r| (i64::from(r.id), r.title))
        .collect();
    let acked: Vec<&(i64, String)> = logs.iter().flat_map(|l| &l.acked).collect();
    let lost: Vec<_> = acked
        .iter()
        .filter(|(id, title)| stored.get(id) != Some(title))
        .collect();
    let sent: usize = logs.iter().map(|l| l.sent).sum();
    let mut failed: BTreeMap<String, usize> = BTreeMap::new();
    for log in &logs {
        for (kind, n) in &log.failed {
            *failed.entry(kind.clone()).or_default() += n;
        }
    }
    let failed_total: usize = failed.values().sum();
    let mut failed_at: Vec<f64> = logs
        .iter()
        .flat_map(|l| l.failed_at.iter().map(|d| d.as_secs_f64()))
        .collect();
    failed_at.sort_by(f64::total_cmp);
    println!(
        "scaleout: {sent} writes sent by {WRITERS} writers in {:.1} s, {} acknowledged, {failed_total} failed {failed:?} \
         at {failed_at:.2?} s; instance {} killed at {:.2} s, healthy again at {:.2} s; {} acknowledged writes missing",
        WRITE_FOR.as_secs_f64(),
        acked.len(),
        victim + 1,
        killed_at.as_secs_f64(),
        restarted_at.as_secs_f64(),
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged writes missing: {lost:?}");
    assert!(acked.len() > WRITERS, "the writers made progress");
    // At most the requests in flight on the killed instance (one per writer) may fail.
    assert!(
        failed_total <= WRITERS,
        "{failed_total} failed requests, more than the {WRITERS} that can be in flight on one instance"
    );

    // The restarted instance accepts the token issued before it died.
    assert_eq!(
        call(cluster.ports[victim], "GET", "/api/v1/me", Some(&admin), None).0,
        200
    );
    drop(haproxy);
    drop(instances);
}
