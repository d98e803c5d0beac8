//! What every request handler shares: the pool, token keys, limits and the login throttle.

use std::time::Duration;

use crate::auth::jwt::TokenKeys;
use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::db::Db;
use crate::render::templates::Templates;

pub struct AppState {
    pub db: Db,
    pub tokens: TokenKeys,
    pub throttle: LoginThrottle,
    pub json_limit_bytes: usize,
    pub csv_limit_bytes: usize,
    pub templates: Templates,
    /// Mark cookies `Secure` (behind TLS).
    pub cookie_secure: bool,
    pub metrics: crate::metrics::Metrics,
    /// A static bearer token a Prometheus scraper may use for `/metrics` (none: admins only).
    pub metrics_token: Option<String>,
}

impl AppState {
    pub fn new(db: Db, settings: &Settings, jwt_secret: &str) -> Result<Self, String> {
        Ok(AppState {
            db,
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
            templates: Templates::new()?,
            cookie_secure: settings.cookie_secure,
            metrics: crate::metrics::Metrics::default(),
            metrics_token: settings.metrics_token.clone().filter(|t| t.len() >= 32),
        })
    }
}
