//! What every request handler shares: the pool, token keys, limits and the login throttle.

use std::time::Duration;

use crate::auth::jwt::TokenKeys;
use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::db::Db;
use crate::service::Context;

/// The operations' context, and what only HTTP needs beside it. Derefs to the context, so a
/// handler passes `&state` to an operation.
pub struct AppState {
    pub ctx: Context,
    pub tokens: TokenKeys,
    pub throttle: LoginThrottle,
    pub json_limit_bytes: usize,
    pub csv_limit_bytes: usize,
    /// Mark cookies `Secure` (behind TLS).
    pub cookie_secure: bool,
    /// A static bearer token a Prometheus scraper may use for `/metrics` (none: admins only).
    pub metrics_token: Option<String>,
}

impl AppState {
    pub fn new(db: Db, settings: &Settings, jwt_secret: &str) -> Result<Self, String> {
        Ok(AppState {
            ctx: Context::new(db)?.with_settings(settings),
            tokens: TokenKeys::new(
                jwt_secret.as_bytes(),
                &settings.jwt_issuer,
                &settings.jwt_audience,
                settings.jwt_ttl_secs,
            ),
            throttle: LoginThrottle::new(
                settings.login_max_failures,
                settings.login_max_failures_per_address,
                Duration::from_secs(settings.login_window_secs),
            ),
            json_limit_bytes: settings.json_limit_bytes,
            csv_limit_bytes: settings.csv_limit_bytes,
            cookie_secure: settings.cookie_secure,
            metrics_token: settings.metrics_token.clone().filter(|t| t.len() >= 32),
        })
    }
}

impl std::ops::Deref for AppState {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.ctx
    }
}
