//! Who is calling and what they may do: passwords, tokens, the caller extractor, role policies
//! and the login throttle. Roles and policies themselves live in `crate::access`.

pub mod caller;
pub mod jwt;
pub mod password;
pub mod throttle;

pub use caller::{Authorized, Caller};

/// The client address used for throttling: the TCP peer. Forwarded-for headers are not
/// trusted, since any client can set them.
pub fn client_address(req: &actix_web::HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()
}

/// Compares secrets without leaking, through timing, how much of them matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
