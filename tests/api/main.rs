//! Integration tests: the real application on a free port, spoken to over HTTP.

mod helpers;

mod auth;
mod bench_data;
mod cli;
mod crud;
mod input;
mod kano;
mod pages;
mod persistence;
mod promises;
mod reports;
mod roles;
mod scope;
mod sla;
mod test_database;
