//! Durability: a write the service acknowledged survives a crash of the process.
//!
//! Starts the real binary, lets concurrent writers create sessions, kills the server with SIGKILL
//! at a random moment after the round's first acknowledged write (from a seeded generator, so a
//! run can be repeated), starts it again on the same database and checks that every session
//! answered with 201 is there, with its title and its segment. Repeated for several rounds;
//! every round must acknowledge writes, any answer but 201 before the kill fails the test, and
//! on SQLite the database file must also pass `PRAGMA integrity_check`.
//!
//! Beside it: the durability settings read back from pooled connections (`synchronous=FULL`
//! and WAL on SQLite), and a SIGKILL in the middle of a large all-or-nothing CSV import (the
//! `kanogap import responses` command), which must leave none of its rows.
//!
//! SQLite by default (a file in a temporary folder). With `KANOGAP_TEST_DATABASE_URL` set to a
//! PostgreSQL URL, a database of its own is created on that server and dropped afterwards.
//! `KANOGAP_DURABILITY_SEED` replaces the default seed.
//!
//! The HTTP client is a few lines over `TcpStream` (one request per connection), so that a
//! refused or reset connection after the kill is an ordinary `io::Error`, never a panic.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

#[path = "common/database.rs"]
mod database;
use database::fresh_database;

const ROUNDS: usize = 20;
const WRITERS: usize = 16;
const MAX_REQUESTS_PER_WRITER: usize = 200;
/// The kill comes this long after the round's first acknowledged write.
const KILL_AFTER_MS: std::ops::RangeInclusive<u64> = 50..=400;
/// How long a round may take to acknowledge its first write.
const FIRST_ACK_DEADLINE: Duration = Duration::from_secs(30);
const DEFAULT_SEED: u64 = 20_261_120;
/// The whole test stops itself past this (it normally takes a fraction of it).
const TEST_DEADLINE: Duration = Duration::from_secs(120);
/// How long one start may take until `/health` answers 200.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// Connect, read and write timeout of every request.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

const ADMIN_PASSWORD: &str = "admin-password-123";

// ---------------------------------------------------------------------------------------------
// HTTP over a plain TcpStream

/// Sends one request (`Connection: close`) and returns the status and the complete body. A
/// response cut short (fewer bytes than its `Content-Length`) is an error, not an answer.
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> io::Result<(u16, Vec<u8>)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let body = body.map(Value::to_string);
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nAccept: application/json\r\n"
    );
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(body) = &body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> io::Result<(u16, Vec<u8>)> {
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
    let mut content_length = None;
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| bad("malformed header"))?;
        if name.eq_ignore_ascii_case("content-length") {
            content_length = Some(value.trim().parse::<usize>().map_err(|_| bad("bad content-length"))?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(bad("chunked responses are not expected here"));
        }
    }
    let body = &raw[head_end + 4..];
    match content_length {
        Some(n) if body.len() < n => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "response body cut short")),
        Some(n) => Ok((status, body[..n].to_vec())),
        None => Ok((status, body.to_vec())),
    }
}

fn call_json(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
    let (status, bytes) =
        http(port, method, path, token, body).unwrap_or_else(|e| panic!("{method} {path} on port {port}: {e}"));
    let value =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, value)
}

// ---------------------------------------------------------------------------------------------
// The server process

/// A free port on 127.0.0.1: bound to port 0 and released again.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts tried again because the port was taken meanwhile (reported in the summary).
static PORT_RETRIES: AtomicUsize = AtomicUsize::new(0);

/// What every start of the server gets. The signing secret and the admin's address are drawn
/// anew for each test run: a server of another process that happens to answer on our port (see
/// [`Server::start`]) then neither signs us in nor accepts our token, so it cannot acknowledge a
/// write of ours.
struct Launch {
    database_url: String,
    dir: PathBuf,
    admin_email: String,
    jwt_secret: String,
}

impl Launch {
    fn new(database_url: String, dir: &Path) -> Launch {
        let random = |n| Alphanumeric.sample_string(&mut rand::thread_rng(), n).to_lowercase();
        Launch {
            database_url,
            dir: dir.to_path_buf(),
            admin_email: format!("durability-{}@example.test", random(8)),
            jwt_secret: random(40),
        }
    }
}

/// One running `kanogap serve`; killed (SIGKILL) when dropped, so a failing test leaves nothing.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts `kanogap serve` on a free port, waits for `/health` and signs in; returns the server
    /// and a fresh token. A port found free by binding port 0 can be taken by another process
    /// before the server binds it (other test suites run on this machine); then the server cannot
    /// listen, or someone else's server answers, and the start is tried again on another port.
    fn start(launch: &Launch, start_no: usize, deadline: Instant) -> (Server, String) {
        const ATTEMPTS: usize = 5;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match Server::try_start(launch, start_no, attempt, deadline) {
                Ok(started) => return started,
                Err(why) if attempt < ATTEMPTS => {
                    PORT_RETRIES.fetch_add(1, Ordering::SeqCst);
                    eprintln!("durability: start {start_no}, attempt {attempt}: {why}; trying another port")
                }
                Err(why) => panic!("start {start_no} failed {ATTEMPTS} times, last: {why}"),
            }
        }
    }

    fn try_start(
        launch: &Launch,
        start_no: usize,
        attempt: usize,
        deadline: Instant,
    ) -> Result<(Server, String), String> {
        let port = free_port();
        let log = launch.dir.join(format!("server-{start_no:02}-{attempt}.log"));
        let stderr = std::fs::File::create(&log).expect("server log file");
        let child = Command::new(env!("CARGO_BIN_EXE_kanogap"))
            .arg("serve")
            .env_clear()
            .env("KANOGAP_DATABASE_URL", &launch.database_url)
            .env("KANOGAP_LISTEN", format!("127.0.0.1:{port}"))
            .env("KANOGAP_JWT_SECRET", &launch.jwt_secret)
            .env("KANOGAP_ADMIN_EMAIL", &launch.admin_email)
            .env("KANOGAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("KANOGAP_DATA_DIR", &launch.dir)
            .env("KANOGAP_WORKERS", "2")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start kanogap serve");
        let mut server = Server { child, port, log };
        let deadline = deadline.min(Instant::now() + START_DEADLINE);
        loop {
            if let Some(status) = server.exited() {
                return server.port_lost(format!("kanogap exited during start-up ({status})"));
            }
            if let Ok((200, _)) = http(port, "GET", "/health", None, None) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "kanogap did not answer /health on port {port} in time:\n{}",
                server.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // The sign-in is also the proof that the server answering is this one: the account (its
        // address drawn for this run) exists only in this test's database.
        let credentials = json!({"email": launch.admin_email, "password": ADMIN_PASSWORD});
        match http(port, "POST", "/api/v1/auth/token", None, Some(&credentials)) {
            Ok((200, body)) => {
                let body: Value = serde_json::from_slice(&body).expect("token response");
                let token = body["access_token"].as_str().expect("access_token").to_owned();
                Ok((server, token))
            }
            other => {
                // Someone else's server took the port before ours could bind it (ours then fails,
                // or is still starting): give this start up and try another port.
                let answer = match other {
                    Ok((status, body)) => format!("{status} {}", String::from_utf8_lossy(&body)),
                    Err(e) => e.to_string(),
                };
                server.kill();
                Err(format!(
                    "sign-in on port {port} answered {answer}; server log: {:?}",
                    server.log_text().trim()
                ))
            }
        }
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// `Err` (try again) when the server could not listen on its port; any other failure panics.
    fn port_lost<T>(&mut self, what: String) -> Result<T, String> {
        let log = self.log_text();
        if self.exited().is_some() && log.contains("cannot listen") {
            Err(format!("{what}: {}", log.trim()))
        } else {
            panic!("{what}; server log:\n{log}")
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reap the process.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------------------------
// The database

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// `PRAGMA integrity_check` (["ok"] when sound) and the number of foreign-key violations.
fn sqlite_integrity(file: &Path) -> (Vec<String>, i64) {
    let mut conn = SqliteConnection::establish(&file.to_string_lossy()).expect("open the SQLite file");
    conn.batch_execute("PRAGMA busy_timeout = 10000").expect("busy timeout");
    let check = diesel::sql_query("PRAGMA integrity_check")
        .load::<IntegrityRow>(&mut conn)
        .expect("PRAGMA integrity_check")
        .into_iter()
        .map(|r| r.integrity_check)
        .collect();
    let violations = diesel::sql_query("SELECT count(*) AS n FROM pragma_foreign_key_check")
        .get_result::<CountRow>(&mut conn)
        .expect("foreign_key_check")
        .n;
    (check, violations)
}

// ---------------------------------------------------------------------------------------------
// Writers

#[derive(Default)]
struct WriterLog {
    /// (id, title) of every session answered with a complete 201.
    acked: Vec<(i64, String)>,
    sent: usize,
    /// Answers other than 201, by status.
    rejected: BTreeMap<u16, usize>,
    /// A 201 whose body did not describe the session sent.
    bad_acks: Vec<String>,
    /// Why and when the writer stopped on an error (normally: the kill).
    stopped: Option<(Instant, String)>,
}

/// What the writers of a round share: the stop signal, and counters the killer watches.
struct RoundState {
    stop: AtomicBool,
    /// Writes acknowledged (201) so far in this round.
    acks: AtomicUsize,
    /// Writers that have returned.
    finished: AtomicUsize,
}

fn writer(port: u16, token: &str, segment_id: i64, writer: usize, round: usize, state: &RoundState) -> WriterLog {
    let log = write_until_stopped(port, token, segment_id, writer, round, state);
    state.finished.fetch_add(1, Ordering::SeqCst);
    log
}

fn write_until_stopped(
    port: u16,
    token: &str,
    segment_id: i64,
    writer: usize,
    round: usize,
    state: &RoundState,
) -> WriterLog {
    let stop = &state.stop;
    let mut log = WriterLog::default();
    for n in 0..MAX_REQUESTS_PER_WRITER {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let title = format!("{writer}-{round}-{n}");
        let body = json!({"kind": "interview", "title": title, "held_on": "2026-11-20", "segment_ids": [segment_id]});
        log.sent += 1;
        match http(port, "POST", "/api/v1/sessions", Some(token), Some(&body)) {
            Ok((201, bytes)) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) if v["title"] == title.as_str() && v["id"].is_i64() => {
                    log.acked.push((v["id"].as_i64().unwrap_or_default(), title));
                    state.acks.fetch_add(1, Ordering::SeqCst);
                }
                _ => log
                    .bad_acks
                    .push(format!("{title}: {}", String::from_utf8_lossy(&bytes))),
            },
            Ok((status, _)) => *log.rejected.entry(status).or_default() += 1,
            Err(e) => {
                log.stopped = Some((Instant::now(), format!("{:?}: {e}", e.kind())));
                break;
            }
        }
    }
    log
}

/// Every session the server lists: id → (title, segment ids), page by page.
///
/// On PostgreSQL a transaction of the killed server can still commit after the restart (its
/// backend finishes the COMMIT it was sent before noticing the client is gone); a row arriving
/// between two pages shifts the pages. Such a listing is noticed (the total changes, or an id
/// comes twice) and taken again.
fn list_sessions(port: u16, token: &str) -> HashMap<i64, (String, Vec<i64>)> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        match list_sessions_once(port, token) {
            Ok(sessions) => return sessions,
            Err(why) if attempts < 50 => {
                eprintln!("durability: listing changed while read ({why}); reading it again");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(why) => panic!("no consistent listing of the sessions in {attempts} attempts: {why}"),
        }
    }
}

fn list_sessions_once(port: u16, token: &str) -> Result<HashMap<i64, (String, Vec<i64>)>, String> {
    let mut sessions = HashMap::new();
    let mut first_total = None;
    let mut offset = 0;
    loop {
        let path = format!("/api/v1/sessions?limit=500&offset={offset}");
        let (status, body) = call_json(port, "GET", &path, Some(token), None);
        assert_eq!(status, 200, "GET {path}: {body}");
        let items = body["items"].as_array().expect("items");
        let total = body["total"].as_u64().expect("total") as usize;
        if *first_total.get_or_insert(total) != total {
            return Err(format!("total went from {first_total:?} to {total}"));
        }
        for item in items {
            let id = item["id"].as_i64().expect("id");
            let title = item["title"].as_str().expect("title").to_owned();
            let segments = item["segment_ids"]
                .as_array()
                .expect("segment_ids")
                .iter()
                .map(|s| s.as_i64().expect("segment id"))
                .collect();
            if sessions.insert(id, (title, segments)).is_some() {
                return Err(format!("session {id} listed twice"));
            }
        }
        offset += items.len();
        if items.is_empty() || offset >= total {
            if sessions.len() != total {
                return Err(format!("{} items but a total of {total}", sessions.len()));
            }
            return Ok(sessions);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The test

#[test]
fn acknowledged_writes_survive_sigkill() {
    let started = Instant::now();
    let deadline = started + TEST_DEADLINE;
    let seed = std::env::var("KANOGAP_DURABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let mut rng = StdRng::seed_from_u64(seed);

    let dir = tempfile::tempdir().expect("temp dir");
    // Declared before the server so that it is dropped after it (the server is killed first).
    let (database_url, _pg) = fresh_database(dir.path(), "kanogap_durability");
    let sqlite_file = _pg.is_none().then(|| dir.path().join("kanogap.db"));
    let launch = Launch::new(database_url, dir.path());
    let backend = if sqlite_file.is_some() { "sqlite" } else { "postgres" };

    let mut starts = 0;
    // The signing secret stays the same across restarts, so a token would stay good; each start
    // signs in anyway, as proof that the server on the port is ours.
    let (mut server, mut token) = Server::start(&launch, starts, deadline);
    let (status, body) = call_json(
        server.port,
        "POST",
        "/api/v1/segments",
        Some(&token),
        Some(&json!({"name": "Durability"})),
    );
    assert_eq!(status, 201, "create segment: {body}");
    let segment_id = body["id"].as_i64().expect("segment id");

    // id → (title, round acknowledged in)
    let mut acked: BTreeMap<i64, (String, usize)> = BTreeMap::new();
    // id → (title expected, what was found, round checked)
    let mut lost: BTreeMap<i64, (String, String, usize)> = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    let mut rejected: BTreeMap<u16, usize> = BTreeMap::new();
    let mut sent = 0;
    let mut premature_stops = 0;
    let mut spot_checked = 0;
    let mut integrity_checks = 0;
    let mut in_db = 0;

    for round in 1..=ROUNDS {
        assert!(
            Instant::now() < deadline,
            "deadline of {TEST_DEADLINE:?} passed after {} rounds",
            round - 1
        );
        let delay = Duration::from_millis(rng.gen_range(KILL_AFTER_MS));
        let state = RoundState {
            stop: AtomicBool::new(false),
            acks: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
        };
        let go = Barrier::new(WRITERS + 1);
        let port = server.port;
        let (logs, killed_at) = std::thread::scope(|s| {
            let handles: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let (token, state, go) = (&token, &state, &go);
                    s.spawn(move || {
                        go.wait();
                        writer(port, token, segment_id, w, round, state)
                    })
                })
                .collect();
            go.wait();
            // The kill falls after the round's first acknowledged write (bounded in time, and
            // given up when every writer has stopped), so no round can pass having written nothing.
            let first_ack_by = (Instant::now() + FIRST_ACK_DEADLINE).min(deadline);
            while state.acks.load(Ordering::SeqCst) == 0
                && state.finished.load(Ordering::SeqCst) < WRITERS
                && Instant::now() < first_ack_by
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(delay);
            let killed_at = Instant::now();
            server.kill();
            state.stop.store(true, Ordering::SeqCst);
            let logs: Vec<WriterLog> = handles.into_iter().map(|h| h.join().expect("writer thread")).collect();
            (logs, killed_at)
        });

        let mut last_of_writer = Vec::new();
        let round_acks: usize = logs.iter().map(|l| l.acked.len()).sum();
        if round_acks == 0 {
            problems.push(format!(
                "round {round}: no write acknowledged before the kill (every round must write)"
            ));
        }
        for (w, log) in logs.iter().enumerate() {
            sent += log.sent;
            // Every answer arrived before the kill (a killed server answers nothing): a server
            // error, or any refusal of a valid write, is a failure, not a statistic.
            for (status, n) in &log.rejected {
                *rejected.entry(*status).or_default() += n;
                let what = if *status >= 500 { "server error" } else { "refusal" };
                problems.push(format!(
                    "round {round}, writer {w}: {n} × {status} ({what}) before the kill"
                ));
            }
            for bad in &log.bad_acks {
                problems.push(format!("round {round}, writer {w}: malformed 201: {bad}"));
            }
            if let Some((at, why)) = &log.stopped {
                if *at < killed_at {
                    premature_stops += 1;
                    problems.push(format!("round {round}, writer {w} stopped before the kill: {why}"));
                }
            }
            for (id, title) in &log.acked {
                if let Some((other, _)) = acked.insert(*id, (title.clone(), round)) {
                    problems.push(format!("id {id} acknowledged twice: {other:?} and {title:?}"));
                }
            }
            last_of_writer.extend(log.acked.last().cloned());
        }

        // Restart on the same database, as after a crash.
        starts += 1;
        (server, token) = Server::start(&launch, starts, deadline);

        // Every acknowledged session so far, with its title and its one segment.
        let sessions = list_sessions(server.port, &token);
        in_db = sessions.len();
        for (id, (title, _)) in &acked {
            match sessions.get(id) {
                Some((found, _)) if found == title => {}
                Some((found, _)) => {
                    lost.entry(*id)
                        .or_insert((title.clone(), format!("title {found:?}"), round));
                }
                None => {
                    lost.entry(*id).or_insert((title.clone(), "absent".into(), round));
                }
            }
        }
        // A session row without its participant row would mean a half-committed transaction.
        for (id, (title, segments)) in &sessions {
            if segments != &[segment_id] {
                problems.push(format!("session {id} ({title:?}) has segments {segments:?}"));
            }
        }
        let mut titles: Vec<&str> = sessions.values().map(|(t, _)| t.as_str()).collect();
        titles.sort_unstable();
        for pair in titles.windows(2).filter(|p| p[0] == p[1]) {
            problems.push(format!("title {:?} stored twice (no request was sent twice)", pair[0]));
        }

        // The writes acknowledged last before the kill, one by one.
        for (id, title) in &last_of_writer {
            let (status, body) = call_json(
                server.port,
                "GET",
                &format!("/api/v1/sessions/{id}"),
                Some(&token),
                None,
            );
            spot_checked += 1;
            if status != 200 || body["title"] != title.as_str() {
                problems.push(format!(
                    "GET /api/v1/sessions/{id} (acknowledged as {title:?}): {status} {body}"
                ));
            }
        }

        if let Some(file) = &sqlite_file {
            let (check, violations) = sqlite_integrity(file);
            integrity_checks += 1;
            if check != ["ok"] || violations != 0 {
                problems.push(format!(
                    "round {round}: integrity_check {check:?}, {violations} foreign-key violations"
                ));
            }
        }
    }

    // A last crash with nothing in flight, then the file as the killed process left it.
    server.kill();
    if let Some(file) = &sqlite_file {
        let (check, violations) = sqlite_integrity(file);
        integrity_checks += 1;
        if check != ["ok"] || violations != 0 {
            problems.push(format!(
                "after the final kill: integrity_check {check:?}, {violations} foreign-key violations"
            ));
        }
    }

    let verified = acked.len() - lost.len();
    println!(
        "durability ({backend}, seed {seed}): {ROUNDS} rounds, {sent} requests sent, {} acknowledged, {verified} verified, \
         {} missing, {} committed but unacknowledged, rejected {rejected:?}, {premature_stops} writers stopped early, \
         {spot_checked} spot checks, {integrity_checks} integrity checks, {} port retries, {:.1} s",
        acked.len(),
        lost.len(),
        in_db.saturating_sub(verified),
        PORT_RETRIES.load(Ordering::SeqCst),
        started.elapsed().as_secs_f64()
    );

    assert!(!acked.is_empty(), "no write was acknowledged; the test proved nothing");
    assert!(
        lost.is_empty(),
        "{} acknowledged writes missing after a restart (id: title expected, found, round checked): {:#?}",
        lost.len(),
        lost
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The durability settings, read back

#[derive(QueryableByName)]
struct SynchronousRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    synchronous: i32,
}

#[derive(QueryableByName)]
struct JournalModeRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    journal_mode: String,
}

#[derive(QueryableByName)]
struct SettingRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    setting: String,
}

/// What the README promises for an acknowledged write, read back from every connection of the
/// application's own pool (held at once, so each is a different connection): on SQLite
/// `synchronous` FULL (2) and the WAL journal; on PostgreSQL `synchronous_commit` and `fsync`
/// on (a commit returns only once it is on disk).
#[test]
fn pooled_connections_use_the_durable_settings() {
    use kanogap::db::{Db, DbConnection};
    const POOL: u32 = 3;
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, _pg) = fresh_database(dir.path(), "kanogap_pragmas");
    let db = Db::connect(&database_url, POOL).expect("open the pool");
    let mut held = Vec::new();
    for n in 0..POOL {
        let mut conn = db.get().expect("a pooled connection");
        match &mut *conn {
            DbConnection::Sqlite(c) => {
                let sync = diesel::sql_query("PRAGMA synchronous")
                    .get_result::<SynchronousRow>(c)
                    .expect("PRAGMA synchronous")
                    .synchronous;
                assert_eq!(sync, 2, "connection {n}: PRAGMA synchronous is {sync}, not FULL (2)");
                let mode = diesel::sql_query("PRAGMA journal_mode")
                    .get_result::<JournalModeRow>(c)
                    .expect("PRAGMA journal_mode")
                    .journal_mode;
                assert_eq!(mode.to_lowercase(), "wal", "connection {n}: journal_mode");
            }
            DbConnection::Pg(c) => {
                for name in ["synchronous_commit", "fsync"] {
                    let setting = diesel::sql_query(format!("SELECT current_setting('{name}') AS setting"))
                        .get_result::<SettingRow>(c)
                        .expect("current_setting")
                        .setting;
                    assert_eq!(setting, "on", "connection {n}: {name}");
                }
            }
        }
        held.push(conn);
    }
    assert_eq!(
        db.pool_state().connections,
        POOL,
        "every connection of the pool was checked"
    );
}

// ---------------------------------------------------------------------------------------------
// A SIGKILL in the middle of a large import

/// Respondents × requirements answer pairs in the import (long format, about 9 MB).
const IMPORT_RESPONDENTS: usize = 6_000;
const IMPORT_REQUIREMENTS: usize = 50;
/// The import is killed once it has read this share of the file (in percent): well past the
/// first batches written (50 000 rows on SQLite, 1 000 on PostgreSQL), well before the end.
const KILL_AT_PERCENT: u64 = 50;

/// How far `pid` has read `file`: the offset of its open descriptor on it (Linux `/proc`).
fn read_offset(pid: u32, file: &Path) -> Option<u64> {
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.flatten() {
        if std::fs::read_link(entry.path()).ok().as_deref() != Some(file) {
            continue;
        }
        let info =
            std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{}", entry.file_name().to_string_lossy())).ok()?;
        return info
            .lines()
            .find_map(|l| l.strip_prefix("pos:"))
            .and_then(|p| p.trim().parse().ok());
    }
    None
}

fn import_command(launch: &Launch, file: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kanogap"));
    cmd.args(["import", "responses"])
        .arg(file)
        .env_clear()
        .env("KANOGAP_DATABASE_URL", &launch.database_url)
        .env("KANOGAP_JWT_SECRET", &launch.jwt_secret)
        .env("KANOGAP_DATA_DIR", &launch.dir)
        .env("RUST_LOG", "warn");
    cmd
}

/// The answers stored, summed over the pooled Kano results, and the import audit entries.
fn answers_and_imports(port: u16, token: &str) -> (u64, u64) {
    let (status, kano) = call_json(port, "GET", "/api/v1/kano", Some(token), None);
    assert_eq!(status, 200, "GET /api/v1/kano: {kano}");
    let answers = kano["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["n"].as_u64().expect("n"))
        .sum();
    let (status, audit) = call_json(
        port,
        "GET",
        "/api/v1/audit?object_type=kano_responses",
        Some(token),
        None,
    );
    assert_eq!(status, 200, "GET /api/v1/audit: {audit}");
    (answers, audit["total"].as_u64().expect("total"))
}

#[test]
fn sigkill_in_the_middle_of_a_large_import_leaves_none_of_its_rows() {
    let deadline = Instant::now() + TEST_DEADLINE;
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, _pg) = fresh_database(dir.path(), "kanogap_import_kill");
    let sqlite_file = _pg.is_none().then(|| dir.path().join("kanogap.db"));
    let launch = Launch::new(database_url, dir.path());

    // The catalogue the answers refer to, made through the API.
    let (mut server, token) = Server::start(&launch, 0, deadline);
    let port = server.port;
    for name in ["Finance", "Research"] {
        let (status, body) = call_json(
            port,
            "POST",
            "/api/v1/segments",
            Some(&token),
            Some(&json!({"name": name})),
        );
        assert_eq!(status, 201, "segment {name}: {body}");
    }
    for r in 0..IMPORT_REQUIREMENTS {
        let body = json!({"key": format!("REQ-{r:03}"), "title": format!("Requirement {r}"), "service_area_id": 1});
        let (status, answer) = call_json(port, "POST", "/api/v1/requirements", Some(&token), Some(&body));
        assert_eq!(status, 201, "requirement {r}: {answer}");
    }
    server.kill();

    let csv = dir.path().join("answers.csv");
    {
        let mut out = io::BufWriter::new(std::fs::File::create(&csv).expect("create the CSV"));
        writeln!(
            out,
            "respondent,segment,requirement,functional,dysfunctional,importance"
        )
        .expect("write");
        let words = ["like", "must_be", "neutral", "live_with", "dislike"];
        for p in 0..IMPORT_RESPONDENTS {
            let segment = ["Finance", "Research"][p % 2];
            for r in 0..IMPORT_REQUIREMENTS {
                let (f, d) = (words[(p + r) % 5], words[(p * 7 + r * 3) % 5]);
                writeln!(out, "resp-{p:05},{segment},REQ-{r:03},{f},{d},{}", 1 + (p + r) % 5).expect("write");
            }
        }
        out.flush().expect("flush the CSV");
    }
    let csv = csv.canonicalize().expect("canonical CSV path");
    let size = std::fs::metadata(&csv).expect("CSV size").len();

    let log = dir.path().join("import.log");
    let mut child = import_command(&launch, &csv)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).expect("log"))
        .stderr(std::fs::File::create(dir.path().join("import.err")).expect("log"))
        .spawn()
        .expect("start kanogap import responses");
    let kill_at = size * KILL_AT_PERCENT / 100;
    let mut offset = 0;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!(
                "the import ended ({status}) before reaching {KILL_AT_PERCENT}% of the file (read {offset} of {size} bytes): \
                 make the file bigger; stdout: {:?}, stderr: {:?}",
                std::fs::read_to_string(&log).unwrap_or_default(),
                std::fs::read_to_string(dir.path().join("import.err")).unwrap_or_default()
            );
        }
        offset = read_offset(child.id(), &csv).unwrap_or(offset);
        if offset >= kill_at {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import read only {offset} of {size} bytes before the deadline"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL the import");
    let status = child.wait().expect("reap the import");
    assert!(!status.success(), "the import was killed, not finished: {status}");
    assert!(offset < size, "killed in the middle: {offset} of {size} bytes read");
    println!("durability: import killed after reading {offset} of {size} bytes");

    if let Some(file) = &sqlite_file {
        let (check, violations) = sqlite_integrity(file);
        assert!(
            check == ["ok"] && violations == 0,
            "after the killed import: integrity_check {check:?}, {violations} foreign-key violations"
        );
    }
    let (server, token) = Server::start(&launch, 1, deadline);
    assert_eq!(
        answers_and_imports(server.port, &token),
        (0, 0),
        "(answers stored, import audit entries) after a killed import"
    );
    drop(server);

    // The database takes the next import (no lock left behind), and the file was a good one:
    // its first rows import in full.
    let head = dir.path().join("head.csv");
    let text = std::fs::read_to_string(&csv).expect("read the CSV");
    let head_rows = 1_000;
    let head_text: Vec<&str> = text.lines().take(head_rows + 1).collect();
    std::fs::write(&head, head_text.join("\n") + "\n").expect("write the head");
    let out = import_command(&launch, &head).output().expect("run the second import");
    assert!(
        out.status.success(),
        "import after the kill: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (server, token) = Server::start(&launch, 2, deadline);
    assert_eq!(answers_and_imports(server.port, &token), (head_rows as u64, 1));
    if let Some(file) = &sqlite_file {
        drop(server);
        let (check, violations) = sqlite_integrity(file);
        assert!(check == ["ok"] && violations == 0, "{check:?}, {violations}");
    }
}
