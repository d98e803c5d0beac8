//! The operations: one function per thing a user can do. Each takes the context, the caller
//! and a typed input; it validates the input, authorizes the caller, acts through `db` and
//! `domain`, and writes the audit row in the same transaction. The API, the pages and the
//! command line all call these and nothing below them for a write, so a rule lives here once.
//!
//! Inputs carry their rules as `validator` attributes (and the matching OpenAPI schema), so the
//! API's edge check and the operation's own check are the same rule.

pub mod assessments;
pub mod audit;
pub mod auth;
pub mod complaints;
pub mod coscom;
pub mod findings;
pub mod improvement_plans;
pub mod kano;
pub mod listing;
pub mod reports;
pub mod requirements;
pub mod responses;
pub mod root_causes;
pub mod satisfaction;
pub mod segments;
pub mod service_areas;
pub mod service_levels;
pub mod sessions;
pub mod sla;
pub mod upload;
pub mod users;

use std::sync::Arc;

use validator::{Validate, ValidationError};

use crate::access::Caller;
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::render::templates::Templates;

pub use listing::{nullable, Listing};

/// What an operation needs besides its caller and input.
pub struct Context {
    pub db: Db,
    /// Shared with the blocking pool, where documents are rendered beside their queries.
    pub templates: Arc<Templates>,
    pub metrics: Metrics,
    /// The `kano_min_sample` setting: fewer A + O + M + I answers are a low sample.
    pub kano_min_sample: u64,
    /// How many points a year the satisfaction target rises from the baseline (setting
    /// `annual_improvement_pts`).
    pub annual_improvement_pts: f64,
}

impl Context {
    /// Templates are compiled on first use ([`Templates`]).
    pub fn new(db: Db) -> Self {
        Context {
            db,
            templates: Arc::new(Templates::new()),
            metrics: Metrics::default(),
            kano_min_sample: crate::domain::kano_waves::DEFAULT_MIN_SAMPLE,
            annual_improvement_pts: crate::domain::satisfaction::DEFAULT_ANNUAL_IMPROVEMENT_PTS,
        }
    }

    /// The context with the settings the operations read.
    pub fn with_settings(mut self, settings: &crate::config::Settings) -> Self {
        self.kano_min_sample = settings.kano_min_sample;
        self.annual_improvement_pts = settings.annual_improvement_pts;
        self
    }
}

/// Deletes an object: read first (404 when it is not there), removed, and audited with a
/// snapshot of what it was, in one transaction. The caller is authorized by the operation.
pub(crate) async fn delete_audited<T, G, D>(
    ctx: &Context,
    caller: &Caller,
    object_type: &'static str,
    id: i32,
    get: G,
    delete: D,
) -> Result<(), AppError>
where
    T: serde::Serialize,
    G: FnOnce(&mut DbConnection, i32) -> Result<T, AppError> + Send + 'static,
    D: FnOnce(&mut DbConnection, i32) -> diesel::QueryResult<usize> + Send + 'static,
{
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let object = get(c, id)?;
            delete(c, id)?;
            crate::db::audit::record_object(c, &caller, "delete", object_type, id, &object)?;
            Ok(())
        })
        .await
}

/// Checks an input against its rules (422 naming the fields).
pub fn validate<T: Validate>(input: &T) -> Result<(), AppError> {
    Ok(input.validate()?)
}

/// Trims free text and turns an empty string into "no value".
pub fn text(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `text` for PATCH fields: absent stays absent, null or blank clears.
pub fn text_patch(s: Option<Option<String>>) -> Option<Option<String>> {
    s.map(text)
}

/// Validator rule for names and titles: something other than white space.
pub fn not_blank(s: &str) -> Result<(), ValidationError> {
    if s.trim().is_empty() {
        Err(ValidationError::new("blank").with_message("must not be blank".into()))
    } else {
        Ok(())
    }
}

/// The same ids once each, in the order given.
pub fn unique_ids(ids: Vec<i32>) -> Vec<i32> {
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    seen
}

/// 422 on `field` when any of `ids` is not a segment.
pub fn require_segments(conn: &mut DbConnection, field: &str, ids: &[i32]) -> Result<(), AppError> {
    let missing = crate::db::segments::missing(conn, ids)?;
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ");
    Err(AppError::field(field, format!("no such segment: {list}")))
}
