//! Administration done from the command line, with the same rules as the API.

use crate::auth::password;
use crate::db::audit::{record_object, Actor};
use crate::db::users::{self, NewUser, User};
use crate::db::{segments, write_transaction, Db, Page, Scope};
use crate::domain::terms::{check_role_segments, Role};
use crate::error::AppError;

/// Creates a user; stakeholders name their segments by name (case-insensitive).
pub fn add_user(
    db: &Db,
    email: &str,
    password_given: &str,
    role: Role,
    segment_names: &[String],
) -> Result<User, AppError> {
    let email = email.trim().to_lowercase();
    if !validator::ValidateEmail::validate_email(&email) {
        return Err(AppError::field("email", "must be an e-mail address"));
    }
    if password_given.len() < password::MIN_LENGTH {
        return Err(AppError::field("password", "must be at least 12 characters"));
    }
    let mut conn = db.get()?;
    let all = segments::list(
        &mut conn,
        &Scope::All,
        Page {
            limit: i64::MAX,
            offset: 0,
        },
    )?
    .0;
    let mut segment_ids = Vec::new();
    for name in segment_names {
        let segment = all
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| AppError::field("segment", format!("no segment named {name:?}")))?;
        segment_ids.push(segment.id);
    }
    check_role_segments(role, &segment_ids).map_err(|m| AppError::field("segment", m))?;
    let new = NewUser {
        email,
        password_hash: password::hash(password_given)?,
        role: role.as_str().to_owned(),
    };
    write_transaction(&mut conn, |c| {
        if users::find_by_email(c, &new.email)?.is_some() {
            return Err(AppError::conflict(
                "duplicate",
                "a user with this e-mail already exists",
            ));
        }
        let user = users::insert(c, &new, &segment_ids)?;
        record_object(c, Actor::System("cli"), "create", "user", user.id, &user)?;
        Ok(user)
    })
}

/// Imports a questionnaire CSV in one transaction, recorded in the audit trail as the CLI's.
pub fn import_responses<R: std::io::Read>(
    db: &Db,
    input: R,
    session_id: Option<i32>,
) -> Result<crate::import::ImportSummary, AppError> {
    let mut conn = db.get()?;
    write_transaction(&mut conn, |c| {
        let summary = crate::import::responses_csv(c, input, session_id)?;
        let detail = serde_json::to_string(&summary).ok();
        crate::db::audit::record(
            c,
            Actor::System("cli"),
            "import",
            "kano_responses",
            session_id.unwrap_or(0),
            detail.as_deref(),
        )?;
        Ok(summary)
    })
}
