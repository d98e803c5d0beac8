//! Who is calling and what they may do: passwords, tokens, the caller extractor, role policies
//! and the login throttle.

pub mod caller;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod throttle;

pub use caller::{Authorized, Caller};
