//! Instances of the real binary on one PostgreSQL database, HAProxy in front of them, and plain
//! HTTP/1.1 from a chosen loopback address: shared by `tests/scaleout.rs` and
//! `benches/scaleout.rs` (`#[path]`; each uses part of it).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const START_DEADLINE: Duration = Duration::from_secs(60);
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

// ---------------------------------------------------------------------------------------------
// HTTP over a plain TcpStream, from a chosen loopback address

/// Sends one request (`Connection: close`) from `from` and returns status, headers (lower-case
/// names) and body.
pub fn http_from(
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

pub fn parse_response(raw: &[u8]) -> io::Result<(u16, HashMap<String, String>, Vec<u8>)> {
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

pub fn call(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
    let (status, _, bytes) = http_from(LOOPBACK, port, method, path, token, body)
        .unwrap_or_else(|e| panic!("{method} {path} on port {port}: {e}"));
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A sign-in from `from`: status and `Retry-After`.
pub fn sign_in(from: IpAddr, port: u16, email: &str, password: &str) -> (u16, Option<u64>) {
    let body = json!({"email": email, "password": password});
    let (status, headers, _) = http_from(from, port, "POST", "/api/v1/auth/token", None, Some(&body))
        .unwrap_or_else(|e| panic!("sign-in on port {port}: {e}"));
    (status, headers.get("retry-after").and_then(|v| v.parse().ok()))
}

pub fn token(port: u16, email: &str, password: &str) -> String {
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A child process, killed (SIGKILL) when dropped so that a failing test leaves nothing.
pub struct Process {
    child: Child,
    log: PathBuf,
}

impl Process {
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

pub struct Cluster {
    pub dir: PathBuf,
    pub database_url: String,
    pub jwt_secret: String,
    pub admin_email: String,
    pub ports: Vec<u16>,
    pub starts: usize,
}

impl Cluster {
    /// Starts `kanogap serve` as instance `i` (not waiting for it).
    pub fn spawn(&mut self, i: usize) -> Process {
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
    pub fn wait_healthy(&self, i: usize, process: &mut Process) {
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
pub fn start_haproxy(dir: &Path, frontend: u16, backends: &[u16]) -> Process {
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

/// Waits until HAProxy on `frontend` answers `/health` with 200 (an instance behind it is up).
pub fn wait_haproxy(dir: &Path, frontend: u16, haproxy: &mut Process) {
    let deadline = Instant::now() + START_DEADLINE;
    while !matches!(
        http_from(LOOPBACK, frontend, "GET", "/health", None, None),
        Ok((200, _, _))
    ) {
        if let Some(status) = haproxy.exited() {
            panic!(
                "haproxy exited ({status}): {}{}",
                haproxy.log_text(),
                std::fs::read_to_string(dir.join("haproxy.err")).unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "haproxy did not answer /health");
        std::thread::sleep(Duration::from_millis(50));
    }
}
