//! What every request handler shares: the pool, token keys, limits and the login throttle.

use crate::auth::address::TrustedProxies;
use crate::auth::jwt::TokenKeys;
use crate::auth::throttle::ThrottleRules;
use crate::config::Settings;
use crate::db::Db;
use crate::service::Context;

/// The operations' context, and what only HTTP needs beside it. Derefs to the context, so a
/// handler passes `&state` to an operation.
pub struct AppState {
    pub ctx: Context,
    pub tokens: TokenKeys,
    /// The sign-in throttle's rules (the failures are counted in the database).
    pub throttle: ThrottleRules,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    pub json_limit_bytes: usize,
    pub csv_limit_bytes: usize,
    /// Mark cookies `Secure` (behind TLS).
    pub cookie_secure: bool,
    /// A static bearer token a Prometheus scraper may use for `/metrics` (none: admins only).
    pub metrics_token: Option<String>,
}

impl AppState {
    /// Compiles the templates now: a broken one stops the server at start, not at its first
    /// page.
    pub fn new(db: Db, settings: &Settings, jwt_secret: &str) -> Result<Self, String> {
        let ctx = Context::new(db).with_settings(settings);
        ctx.templates.compile()?;
        Ok(AppState {
            ctx,
            tokens: TokenKeys::new(
                jwt_secret.as_bytes(),
                &settings.jwt_issuer,
                &settings.jwt_audience,
                settings.jwt_ttl_secs,
            ),
            throttle: ThrottleRules::new(
                settings.login_max_failures,
                settings.login_max_failures_per_address,
                settings.login_window_secs,
                settings.login_backoff_secs,
                settings.login_backoff_max_secs,
            ),
            trusted_proxies: TrustedProxies::parse(&settings.trusted_proxies)?,
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
