//! Integration tests: the real application on a free port, spoken to over HTTP.

mod helpers;

mod auth;
mod bench_data;
mod cli;
mod complaints;
mod coscom;
mod crud;
mod improvement_plans;
mod input;
mod kano;
mod pages;
mod persistence;
mod promises;
mod reports;
mod roles;
mod root_causes;
mod satisfaction;
mod scope;
mod service_levels;
mod sla;
mod test_database;
mod waves;
