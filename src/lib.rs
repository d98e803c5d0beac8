//! kanogap: Kano-model requirements, gap analysis and draft SLAs for IT service teams.
//!
//! Layout: `domain` is the pure core; `service` holds the operations (validate, authorize,
//! act, audit) that the front ends `api` (JSON), `web` (pages) and the CLI call; `db`
//! (persistence), `render` (documents, charts), `auth` (tokens, passwords) and `access`
//! (caller, scope, policies) serve it; `routes` wires both front ends; `app` builds the server
//! for `main` and the tests alike.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod access;
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
pub mod memory;
pub mod metrics;
pub mod render;
pub mod routes;
pub mod service;
pub mod state;
pub mod web;
