//! Layered configuration: the defaults in `config/default.toml` (built into the binary, so it
//! runs from any folder), then an optional TOML file named by `KANOGAP_CONFIG`, then
//! `KANOGAP_*` environment variables. Secrets only ever come from the environment or that file.

use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat};
use rand::distributions::{Alphanumeric, DistString};
use serde::Deserialize;

const DEFAULTS: &str = include_str!("../config/default.toml");
const MIN_SECRET_LEN: usize = 32;

/// Deliberately not `Debug`: it holds secrets.
#[derive(Clone, Deserialize)]
pub struct Settings {
    pub database_url: String,
    pub listen: String,
    pub data_dir: PathBuf,
    pub pool_size: u32,
    pub workers: usize,
    pub jwt_secret: Option<String>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub jwt_ttl_secs: u64,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub json_limit_bytes: usize,
    pub csv_limit_bytes: usize,
    pub login_max_failures: u32,
    pub login_max_failures_per_address: u32,
    pub login_window_secs: u64,
    /// The first wait past a sign-in limit (doubled by each further failure) and the longest.
    pub login_backoff_secs: u64,
    pub login_backoff_max_secs: u64,
    /// Proxies whose `X-Forwarded-For` names the client: addresses or CIDR ranges, as a list or
    /// one string separated by commas or spaces (`KANOGAP_TRUSTED_PROXIES="127.0.0.1 10.0.0.0/8"`).
    #[serde(default, deserialize_with = "string_or_list")]
    pub trusted_proxies: String,
    pub log_format: String,
    pub cookie_secure: bool,
    /// A static bearer token for scraping `/metrics` (32+ characters); unset: admins only.
    #[serde(default)]
    pub metrics_token: Option<String>,
    /// Kano results on fewer A + O + M + I answers than this are marked `low_sample`
    /// (`KANOGAP_KANO_MIN_SAMPLE`).
    #[serde(default = "default_kano_min_sample")]
    pub kano_min_sample: u64,
    /// Points a year the satisfaction scorecard's target rises from the baseline survey.
    #[serde(default = "default_annual_improvement_pts")]
    pub annual_improvement_pts: f64,
}

fn default_kano_min_sample() -> u64 {
    crate::domain::kano_waves::DEFAULT_MIN_SAMPLE
}

fn default_annual_improvement_pts() -> f64 {
    crate::domain::satisfaction::DEFAULT_ANNUAL_IMPROVEMENT_PTS
}

impl Settings {
    pub fn load() -> Result<Self, config::ConfigError> {
        let mut builder = Config::builder().add_source(File::from_str(DEFAULTS, FileFormat::Toml));
        if let Ok(path) = std::env::var("KANOGAP_CONFIG") {
            builder = builder.add_source(File::new(&path, FileFormat::Toml));
        }
        builder
            .add_source(Environment::with_prefix("KANOGAP").try_parsing(true))
            .build()?
            .try_deserialize()
    }

    /// The built-in defaults alone, ignoring the environment (tests start from these).
    pub fn defaults() -> Result<Self, config::ConfigError> {
        Config::builder()
            .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
            .build()?
            .try_deserialize()
    }

    /// The signing secret: from configuration, or generated once and kept in the data folder so
    /// tokens survive a restart. A configured secret shorter than 32 characters is refused.
    pub fn resolve_jwt_secret(&self) -> Result<String, String> {
        if let Some(secret) = self.jwt_secret.as_deref().filter(|s| !s.is_empty()) {
            if secret.len() < MIN_SECRET_LEN {
                return Err(format!(
                    "KANOGAP_JWT_SECRET must be at least {MIN_SECRET_LEN} characters"
                ));
            }
            return Ok(secret.to_owned());
        }
        let path = self.data_dir.join("jwt_secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let existing = existing.trim().to_owned();
            if existing.len() >= MIN_SECRET_LEN {
                return Ok(existing);
            }
        }
        let secret = Alphanumeric.sample_string(&mut rand::rngs::OsRng, 64);
        write_private(&path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        tracing::warn!(
            path = %path.display(),
            "KANOGAP_JWT_SECRET is not set: generated a signing secret and stored it in the data folder; \
             set KANOGAP_JWT_SECRET for instances that share a database"
        );
        Ok(secret)
    }
}

/// A string, a number (the environment's parser may make one) or a list of strings, joined with
/// commas.
fn string_or_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                items.push(item);
            }
            Ok(items.join(","))
        }
    }
    d.deserialize_any(Visitor)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_contract() {
        let s = Settings::defaults().unwrap();
        assert_eq!(s.database_url, "sqlite://data/kanogap.db");
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.json_limit_bytes, 1024 * 1024);
        assert!(s.jwt_secret.is_none());
        assert_eq!(
            (
                s.login_max_failures,
                s.login_max_failures_per_address,
                s.login_window_secs
            ),
            (5, 20, 900)
        );
        assert_eq!(s.trusted_proxies, "");
        assert_eq!(s.kano_min_sample, 30);
        assert_eq!(s.annual_improvement_pts, 3.0);
    }

    #[test]
    fn trusted_proxies_come_as_a_string_or_a_list() {
        let from = |toml: &str| -> Settings {
            Config::builder()
                .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
                .add_source(File::from_str(toml, FileFormat::Toml))
                .build()
                .unwrap()
                .try_deserialize()
                .unwrap()
        };
        assert_eq!(
            from("trusted_proxies = \"127.0.0.1 10.0.0.0/8\"").trusted_proxies,
            "127.0.0.1 10.0.0.0/8"
        );
        assert_eq!(
            from("trusted_proxies = [\"127.0.0.1\", \"::1\"]").trusted_proxies,
            "127.0.0.1,::1"
        );
    }

    #[test]
    fn short_secret_is_refused_and_generated_secret_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::defaults().unwrap();
        s.data_dir = dir.path().to_path_buf();
        s.jwt_secret = Some("short".into());
        assert!(s.resolve_jwt_secret().is_err());
        s.jwt_secret = None;
        let first = s.resolve_jwt_secret().unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(s.resolve_jwt_secret().unwrap(), first, "the generated secret is reused");
    }
}
