//! The command line, run as a user would run it.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{spawn_app_from, test_settings};

fn kanogap(database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kanogap"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KANOGAP_DATABASE_URL", database_url);
    cmd
}

#[actix_web::test]
async fn migrate_then_user_add_from_stdin_and_from_the_environment() {
    let (settings, dir, pg) = test_settings();
    let url = settings.database_url.clone();
    let status = kanogap(&url).arg("migrate").status().unwrap();
    assert!(status.success());

    let app = spawn_app_from(settings, dir, pg).await;
    app.segment("Finance").await;

    let mut child = kanogap(&url)
        .args([
            "user",
            "add",
            "--email",
            "cfo@example.test",
            "--role",
            "stakeholder",
            "--segment",
            "finance",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"cfo-password-123\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let token = app.login("cfo@example.test", "cfo-password-123").await;
    let (_, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(me["role"], "stakeholder");
    assert_eq!(me["segment_ids"].as_array().unwrap().len(), 1);

    let out = kanogap(&url)
        .args(["user", "add", "--email", "lead@example.test", "--role", "leadership"])
        .env("KANOGAP_PASSWORD", "lead-password-123")
        .output()
        .unwrap();
    assert!(out.status.success());
    app.login("lead@example.test", "lead-password-123").await;

    // Refusals say why and change nothing.
    let out = kanogap(&url)
        .args([
            "user",
            "add",
            "--email",
            "x@example.test",
            "--role",
            "stakeholder",
            "--segment",
            "Nowhere",
        ])
        .env("KANOGAP_PASSWORD", "some-password-123")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nowhere"));
    let out = kanogap(&url)
        .args(["user", "add", "--email", "y@example.test", "--role", "leadership"])
        .env("KANOGAP_PASSWORD", "short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(app.get("/api/v1/users", &app.admin).await.1["total"], 3);
}

#[actix_web::test]
async fn import_responses_from_a_file() {
    let (settings, dir, pg) = test_settings();
    let url = settings.database_url.clone();
    let csv_path = dir.path().join("answers.csv");
    let app = spawn_app_from(settings, dir, pg).await;
    app.segment("Finance").await;
    app.requirement("HD-CALLBACK").await;
    std::fs::write(
        &csv_path,
        "respondent,segment,requirement,functional,dysfunctional\nr1,Finance,HD-CALLBACK,like,dislike\n",
    )
    .unwrap();
    let out = kanogap(&url)
        .args(["import", "responses"])
        .arg(&csv_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 1 answers"));

    std::fs::write(
        &csv_path,
        "respondent,segment,requirement,functional,dysfunctional\nr2,Finance,HD-CALLBACK,like,whatever\n",
    )
    .unwrap();
    let out = kanogap(&url)
        .args(["import", "responses"])
        .arg(&csv_path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 2, column dysfunctional"), "{stderr}");
    let (_, kano) = app.get("/api/v1/kano", &app.admin).await;
    assert_eq!(kano["items"][0]["n"], 1, "the failed import stored nothing");
}

#[actix_web::test]
async fn demo_loads_a_realistic_data_set_once() {
    let (settings, dir, pg) = test_settings();
    let url = settings.database_url.clone();
    let out = kanogap(&url)
        .arg("demo")
        .env("KANOGAP_ADMIN_EMAIL", crate::helpers::ADMIN_EMAIL)
        .env("KANOGAP_ADMIN_PASSWORD", crate::helpers::ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Loaded the Northfield University demo"), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("leadership@northfield.example"))
        .unwrap();
    let password = line.split_whitespace().nth(2).unwrap().to_owned();

    let app = spawn_app_from(settings, dir, pg).await;
    let lead = app.login("leadership@northfield.example", &password).await;
    let (status, report) = app.get("/api/v1/reports/gaps", &lead).await;
    assert_eq!(status, 200);
    let rows = report["rows"].as_array().unwrap();
    assert!(rows.len() >= 25, "{} ranked gaps", rows.len());
    assert!(rows
        .iter()
        .any(|r| r["requirement"]["key"] == "HD-CALLBACK" && r["tier"] == 1));
    assert!(report["by_segment"].as_array().unwrap().len() >= 4);
    let (_, kano) = app.get("/api/v1/kano", &lead).await;
    let answers: u64 = kano["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["n"].as_u64().unwrap())
        .sum();
    assert!(answers >= 300, "{answers} answers");
    // One improvement plan per weak service area; the weakest is awaiting sign-off.
    let (_, plans) = app.get("/api/v1/improvement-plans", &lead).await;
    let plans = plans["items"].as_array().unwrap().clone();
    assert!(!plans.is_empty());
    assert!(
        plans.iter().all(|p| !p["changes"].as_array().unwrap().is_empty()),
        "{plans:?}"
    );
    assert!(plans.iter().any(|p| p["status"] == "in_review"), "{plans:?}");
    assert!(
        stdout.contains(&format!("{} improvement plans", plans.len())),
        "{stdout}"
    );
    // The improvement loop: two analyses (one with a verified root cause and its links, one
    // for the whole service) and a COScom with an off-track condition and its actions.
    let (_, analyses) = app.get("/api/v1/root-causes", &lead).await;
    assert_eq!(analyses["total"], 2, "{analyses}");
    let callbacks = analyses["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["segment_id"].is_number())
        .expect("the segment's analysis");
    assert_eq!(callbacks["verified_count"], 1);
    assert!(
        !callbacks["links"]["complaint_ids"].as_array().unwrap().is_empty(),
        "{callbacks}"
    );
    assert_eq!(callbacks["links"]["requirement_ids"].as_array().unwrap().len(), 1);
    let (status, _, _) = app
        .raw(
            actix_web::http::Method::GET,
            &format!("/api/v1/root-causes/{}/fishbone.svg", callbacks["id"]),
            Some(&lead),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, commitments) = app.get("/api/v1/coscom", &lead).await;
    assert_eq!(commitments["total"], 1);
    let condition = &commitments["items"][0]["conditions"][1];
    assert_eq!(condition["latest"], "off_track", "{commitments}");
    assert_eq!(condition["history"].as_array().unwrap().len(), 2);

    // Only into an empty database.
    let again = kanogap(&url).arg("demo").output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has segments"));
}

/// Sends raw bytes and reads the whole answer (the requests say `Connection: close`).
fn exchange(stream: &mut std::net::TcpStream, bytes: &[u8]) -> String {
    use std::io::Read;
    stream.write_all(bytes).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// One connection over loopback as the kernel sees it (`/proc/net/tcp`), found by its two ports:
/// the bytes queued on it (sent but not yet acknowledged, received but not yet read by the
/// program) and its socket inode.
struct TcpEntry {
    tx_queue: u64,
    rx_queue: u64,
    inode: String,
}

fn tcp_entry(local_port: u16, remote_port: u16) -> Option<TcpEntry> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let (local, remote) = (
        format!("0100007F:{local_port:04X}"),
        format!("0100007F:{remote_port:04X}"),
    );
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 || f[1] != local || f[2] != remote {
            return None;
        }
        let (tx, rx) = f[4].split_once(':')?;
        Some(TcpEntry {
            tx_queue: u64::from_str_radix(tx, 16).ok()?,
            rx_queue: u64::from_str_radix(rx, 16).ok()?,
            inode: f[9].to_owned(),
        })
    })
}

/// Whether the server process `pid` holds the accepted end of the connection from
/// `client_port` and has read every byte sent on it: the client's send queue is empty (the
/// server's kernel has the bytes), the server end's receive queue is empty (the program read
/// them), and that socket is one of the server's open files (it was accepted, not just queued).
fn server_has_read(pid: u32, server_port: u16, client_port: u16) -> bool {
    let (Some(client), Some(server)) = (tcp_entry(client_port, server_port), tcp_entry(server_port, client_port))
    else {
        return false;
    };
    if client.tx_queue != 0 || server.rx_queue != 0 {
        return false;
    }
    let socket = format!("socket:[{}]", server.inode);
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| {
            fds.flatten()
                .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy() == socket))
        })
        .unwrap_or(false)
}

/// SIGTERM stops taking connections, lets the request in flight finish and be answered, and
/// exits 0.
#[actix_web::test]
async fn sigterm_finishes_the_request_in_flight_then_exits_cleanly() {
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let (settings, dir, _pg) = test_settings();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = kanogap(&settings.database_url)
        .arg("serve")
        .env("KANOGAP_LISTEN", format!("127.0.0.1:{port}"))
        .env("KANOGAP_DATA_DIR", dir.path())
        .env("KANOGAP_ADMIN_PASSWORD", crate::helpers::ADMIN_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let login = format!(
        "{{\"email\":\"admin@localhost\",\"password\":\"{}\"}}",
        crate::helpers::ADMIN_PASSWORD
    );
    let answer = exchange(
        &mut TcpStream::connect(("127.0.0.1", port)).unwrap(),
        format!(
            "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{login}",
            login.len()
        )
        .as_bytes(),
    );
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let token: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{answer}"));
    let token = token["access_token"].as_str().unwrap().to_owned();

    // A request whose body is only half sent when the signal comes.
    let segment = r#"{"name":"Arrived during shutdown"}"#;
    let mut in_flight = TcpStream::connect(("127.0.0.1", port)).unwrap();
    in_flight
        .write_all(
            format!(
                "POST /api/v1/segments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                segment.len(),
                &segment[..10]
            )
            .as_bytes(),
        )
        .unwrap();
    // The signal comes once the server has accepted the connection and read what was sent,
    // not after a guessed pause.
    let client_port = in_flight.local_addr().unwrap().port();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server_has_read(child.id(), port, client_port) {
        assert!(
            Instant::now() < deadline,
            "the server did not read the half-sent request within 10 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(Instant::now() < deadline, "still taking connections 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(child.try_wait().unwrap().is_none(), "exited with a request in flight");
    let answer = exchange(&mut in_flight, &segment.as_bytes()[10..]);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains("Arrived during shutdown"), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(35);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "a graceful stop exits 0: {exit:?}");
            break;
        }
        assert!(Instant::now() < deadline, "still running 35 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[actix_web::test]
async fn import_tickets_and_print_the_service_report() {
    let (settings, dir, pg) = test_settings();
    let url = settings.database_url.clone();
    let app = spawn_app_from(settings, dir, pg).await;
    app.segment("Finance").await;
    let callback = app.requirement("HD-CALLBACK").await;
    app.create(
        "/api/v1/service-targets",
        &app.admin,
        serde_json::json!({"requirement_id": callback, "measure": "resolution", "limit": 60, "goal": 0.5}),
    )
    .await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        "ticket,segment,opened_at,first_response_at,resolved_at\n\
         T1,Finance,2026-03-02 09:00,2026-03-02 09:10,2026-03-02 09:30\n\
         T2,Finance,2026-03-02 09:00,,2026-03-02 12:00\n",
    )
    .unwrap();
    let out = kanogap(&url)
        .args(["import", "tickets"])
        .arg(file.path())
        .args(["--timezone", "Europe/Berlin"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "imported 2 new tickets, updated 0"
    );

    let out = kanogap(&url)
        .args([
            "report",
            "service",
            "--period",
            "2026-03",
            "--segment",
            "finance",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with("2026-03,1,HD-CALLBACK,"), "{text}");
    assert!(
        lines[1].contains(",2,1,0,0.5,"),
        "counted 2, met 1, pending 0, attainment 0.5: {text}"
    );
    let out = kanogap(&url)
        .args(["report", "service", "--period", "2026-03"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.starts_with("# Service report March 2026") && md.contains("<svg"),
        "{md}"
    );

    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        bad.path(),
        "ticket,segment,opened_at,first_response_at,resolved_at\nT9,Nobody,2026-03-02 09:00,,\n",
    )
    .unwrap();
    let out = kanogap(&url)
        .args(["import", "tickets"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("row 2, column segment"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kanogap(&url)
        .args(["report", "service", "--period", "March"])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // `recount` recomputes the tickets' business durations too (2 tickets, 24x7 only).
    let out = kanogap(&url).arg("recount").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("recomputed the business durations of 2 ticket(s) under 1 calendar(s)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
