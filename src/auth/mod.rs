//! Who is calling and what they may do: passwords, tokens, the caller extractor, role policies
//! the login throttle's rules and the client address. Roles and policies live in
//! `crate::access`; signing in is an operation (`service::auth`).

pub mod address;
pub mod caller;
pub mod jwt;
pub mod password;
pub mod throttle;

pub use caller::{Authorized, Caller};

/// Compares secrets without leaking, through timing, how much of them matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
