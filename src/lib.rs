//! kanogap: Kano-model requirements, gap analysis and draft SLAs for IT service teams.
//!
//! Layout: `domain` is the pure core; `api` (HTTP handlers and the route table), `db`
//! (persistence), `auth` (tokens, passwords, roles) are the shell around it; `app` builds the
//! server for `main` and the tests alike.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod admin;
pub mod analysis;
pub mod api;
pub mod app;
pub mod auth;
pub mod bench_data;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod import;
pub mod metrics;
pub mod render;
pub mod state;
pub mod web;
