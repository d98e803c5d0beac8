//! Security claims proved against the real server over HTTP: forged and broken tokens, the
//! role × route matrix, segment isolation for stakeholders, input limits, the sign-in throttle
//! and the end of sessions when credentials change.
//!
//! Every test here starts the application exactly as `main` does (`Application::build`) on a
//! fresh database, SQLite by default or PostgreSQL with `KANOGAP_TEST_DATABASE_URL`.

// The shared harness of the `api` target; not every helper is used here.
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod support;

mod cells;

mod isolation;
mod limits;
mod matrix;
mod openapi;
mod pages;
mod sessions;
mod throttle;
mod tokens;
