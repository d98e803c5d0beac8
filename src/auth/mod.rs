//! Who is calling and what they may do: passwords, tokens, the caller extractor, role policies
//! the login throttle's rules, the client address and signing in.

pub mod address;
pub mod caller;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod signin;
pub mod throttle;

pub use caller::{Authorized, Caller};
