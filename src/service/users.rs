//! User accounts (admin only), and the first admin of an empty database. Deleting disables:
//! the audit trail keeps the name. The API, the admin page, the command line and start-up all
//! create accounts through [`create_in`], so the rules (e-mail, password length in characters,
//! a stakeholder's segments) are checked once.

use serde::Deserialize;
use validator::Validate;

use super::{require_segments, unique_ids, validate, Context, Listing};
use crate::access::{AdminOnly, Caller};
use crate::auth::password;
use crate::db::audit::record_object;
use crate::db::users::{self, NewUser, User, UserChanges};
use crate::db::{write_transaction, DbConnection, Page};
use crate::domain::terms::{check_role_segments, Role};
use crate::error::AppError;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[validate(email, length(max = 320))]
    #[schema(max_length = 320, format = Email)]
    pub email: String,
    /// Counted in characters, not bytes.
    #[validate(length(min = 12, max = 1024, message = "must be 12 to 1024 characters"))]
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub segment_ids: Vec<i32>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[validate(email, length(max = 320))]
    #[schema(max_length = 320, format = Email)]
    pub email: Option<String>,
    #[validate(length(min = 12, max = 1024, message = "must be 12 to 1024 characters"))]
    #[schema(min_length = 12, max_length = 1024)]
    pub password: Option<String>,
    pub role: Option<Role>,
    pub segment_ids: Option<Vec<i32>>,
    /// `false` re-enables a disabled account.
    pub disabled: Option<bool>,
}

/// Hashes off the async workers: argon2 is slow on purpose.
pub async fn hash(password_given: String) -> Result<String, AppError> {
    actix_web::web::block(move || password::hash(&password_given))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?
}

fn role_rule(role: Role, segment_ids: &[i32]) -> Result<(), AppError> {
    check_role_segments(role, segment_ids).map_err(|m| AppError::field("segment_ids", m))
}

pub async fn list(ctx: &Context, caller: &Caller, page: Page) -> Result<Listing<User>, AppError> {
    caller.authorize::<AdminOnly>()?;
    Ok(ctx.db.run(move |c| users::list(c, page)).await?.into())
}

pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<User, AppError> {
    caller.authorize::<AdminOnly>()?;
    ctx.db.run(move |c| users::get(c, id)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateUser) -> Result<User, AppError> {
    caller.authorize::<AdminOnly>()?;
    validate(&input)?;
    let password_hash = hash(input.password.clone()).await?;
    let caller = caller.clone();
    ctx.db.write(move |c| create_in(c, &caller, input, password_hash)).await
}

/// The one way an account is made: checks the input and the caller, then inserts and audits,
/// inside the caller's transaction. `password_hash` is the hash of `input.password`.
pub fn create_in(
    c: &mut DbConnection,
    caller: &Caller,
    input: CreateUser,
    password_hash: String,
) -> Result<User, AppError> {
    caller.authorize::<AdminOnly>()?;
    validate(&input)?;
    let segment_ids = unique_ids(input.segment_ids);
    role_rule(input.role, &segment_ids)?;
    require_segments(c, "segment_ids", &segment_ids)?;
    let new = NewUser {
        email: input.email.trim().to_lowercase(),
        password_hash,
        role: input.role.as_str().to_owned(),
    };
    // A taken e-mail is refused by the unique index, as 409 naming `email`.
    let user = users::insert(c, &new, &segment_ids)?;
    record_object(c, caller, "create", "user", user.id, &user)?;
    Ok(user)
}

/// On an empty user table, creates the first admin (`None` when there are users already).
/// Instances starting together on one database may race here; the count is taken again inside
/// the write transaction, so only one of them creates it.
pub fn create_first_admin(db: &crate::db::Db, email: &str, password_given: &str) -> Result<Option<User>, AppError> {
    let mut conn = db.get()?;
    if users::count(&mut conn)? > 0 {
        return Ok(None);
    }
    let input = CreateUser {
        email: email.trim().to_lowercase(),
        password: password_given.to_owned(),
        role: Role::Admin,
        segment_ids: Vec::new(),
    };
    validate(&input)?;
    let password_hash = password::hash(password_given)?;
    write_transaction(&mut conn, |c| {
        if users::count(c)? > 0 {
            return Ok(None);
        }
        create_in(c, &Caller::system("kanogap"), input, password_hash).map(Some)
    })
}

/// Changes an account. A role that is no longer a stakeholder drops its segments unless told
/// otherwise; the last active admin can be neither demoted nor disabled.
pub async fn update(ctx: &Context, caller: &Caller, id: i32, input: UpdateUser) -> Result<User, AppError> {
    caller.authorize::<AdminOnly>()?;
    validate(&input)?;
    let password_hash = match input.password.clone() {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = users::get(c, id)?;
            let old_role = existing.role;
            let role = input.role.unwrap_or(old_role);
            let segment_ids = match input.segment_ids {
                Some(ids) => unique_ids(ids),
                None if role == Role::Stakeholder => existing.segment_ids.clone(),
                None => Vec::new(),
            };
            role_rule(role, &segment_ids)?;
            require_segments(c, "segment_ids", &segment_ids)?;
            let disabling = input.disabled == Some(true) && !existing.disabled;
            if (disabling || (old_role == Role::Admin && role != Role::Admin)) && is_last_admin(c, id)? {
                return Err(AppError::conflict(
                    crate::error::ErrorCode::LastAdmin,
                    "the last active admin cannot be demoted or disabled",
                ));
            }
            let email = input.email.map(|e| e.trim().to_lowercase());
            let ends_sessions = super::auth::change_ends_sessions(
                password_hash.is_some(),
                (&existing.email, email.as_deref().unwrap_or(&existing.email)),
                (existing.role.as_str(), role.as_str()),
                (&existing.segment_ids, &segment_ids),
                disabling,
            );
            let changes = UserChanges {
                email,
                password_hash,
                role: Some(role.as_str().to_owned()),
                disabled_at: input.disabled.map(|d| d.then(crate::db::now)),
                updated_at: Some(crate::db::now()),
            };
            let user = users::update(c, id, &changes, Some(&segment_ids))?;
            if ends_sessions {
                users::end_sessions(c, id)?;
            }
            record_object(c, &caller, "update", "user", id, &user)?;
            Ok(user)
        })
        .await
}

fn is_last_admin(c: &mut DbConnection, id: i32) -> Result<bool, AppError> {
    let user = users::get(c, id)?;
    if user.role != Role::Admin || user.disabled {
        return Ok(false);
    }
    Ok(users::count_active_admins(c)? <= 1)
}

/// Disables the account: its tokens are refused from now on; its history stays.
pub async fn disable(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<AdminOnly>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = users::get(c, id)?;
            if existing.disabled {
                return Ok(());
            }
            if is_last_admin(c, id)? {
                return Err(AppError::conflict(
                    crate::error::ErrorCode::LastAdmin,
                    "the last active admin cannot be disabled",
                ));
            }
            let changes = UserChanges {
                disabled_at: Some(Some(crate::db::now())),
                updated_at: Some(crate::db::now()),
                ..Default::default()
            };
            let user = users::update(c, id, &changes, None)?;
            users::end_sessions(c, id)?;
            record_object(c, &caller, "disable", "user", id, &user)?;
            Ok(())
        })
        .await
}
