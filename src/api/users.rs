//! User accounts (admin only). Deleting disables: the audit trail keeps the name.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use super::{created, require_segments, unique_ids};
use crate::auth::policy::AdminOnly;
use crate::auth::{password, Authorized};
use crate::db::audit::{record_object, Actor};
use crate::db::users::{self, NewUser, UserChanges};
use crate::domain::terms::{check_role_segments, Role};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[validate(email, length(max = 320))]
    #[schema(max_length = 320, format = Email)]
    pub email: String,
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

super::extract::json_body!(CreateUser, UpdateUser);

list_query!(UserQuery {});

async fn hash(password: Option<String>) -> Result<Option<String>, AppError> {
    match password {
        None => Ok(None),
        Some(p) => web::block(move || password::hash(&p))
            .await
            .map_err(|e| AppError::internal(e.to_string()))?
            .map(Some),
    }
}

fn role_rule(role: Role, segment_ids: &[i32]) -> Result<(), AppError> {
    check_role_segments(role, segment_ids).map_err(|m| AppError::field("segment_ids", m))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, description = "One page of users", body = Listing<users::User>)))]
pub async fn list(
    _: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<UserQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.page();
    let (items, total) = state.db.run(move |c| Ok(users::list(c, page)?)).await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i32, Path, description = "User id")),
    responses((status = 200, description = "The user", body = users::User)))]
pub async fn get(
    _: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user = state.db.run(move |c| users::get(c, id)).await?;
    Ok(HttpResponse::Ok().json(user))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = users::User),
        (status = 409, description = "The e-mail is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateUser>,
) -> Result<HttpResponse, AppError> {
    let user = create_user(&state, caller.caller, body).await?;
    Ok(created(&user))
}

/// Creates an account with the API's rules (also used by the admin page).
pub async fn create_user(
    state: &AppState,
    caller: crate::auth::Caller,
    body: CreateUser,
) -> Result<users::User, AppError> {
    let segment_ids = unique_ids(body.segment_ids);
    role_rule(body.role, &segment_ids)?;
    let password_hash = hash(Some(body.password)).await?.unwrap_or_default();
    let new = NewUser {
        email: body.email.trim().to_lowercase(),
        password_hash,
        role: body.role.as_str().to_owned(),
    };
    state
        .db
        .write(move |c| {
            require_segments(c, "segment_ids", &segment_ids)?;
            if users::find_by_email(c, &new.email)?.is_some() {
                return Err(AppError::conflict(
                    "duplicate",
                    "a user with this e-mail already exists",
                ));
            }
            let user = users::insert(c, &new, &segment_ids)?;
            record_object(c, Actor::User(&caller), "create", "user", user.id, &user)?;
            Ok(user)
        })
        .await
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i32, Path, description = "User id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "Changed", body = users::User),
        (status = 409, description = "The e-mail is taken (`duplicate`), or this is the last active admin (`last_admin`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateUser>,
) -> Result<HttpResponse, AppError> {
    let user = update_user(&state, caller.caller, id.into_inner(), body).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Changes an account with the API's rules (also used by the admin page).
pub async fn update_user(
    state: &AppState,
    caller: crate::auth::Caller,
    id: i32,
    body: UpdateUser,
) -> Result<users::User, AppError> {
    let password_hash = hash(body.password).await?;
    let user = state
        .db
        .write(move |c| {
            let existing = users::get(c, id)?;
            let old_role = Role::parse(&existing.role).ok_or_else(|| AppError::internal("unknown role"))?;
            let role = body.role.unwrap_or(old_role);
            // A role that is no longer a stakeholder drops its segments unless told otherwise.
            let segment_ids = match body.segment_ids {
                Some(ids) => unique_ids(ids),
                None if role == Role::Stakeholder => existing.segment_ids.clone(),
                None => Vec::new(),
            };
            role_rule(role, &segment_ids)?;
            require_segments(c, "segment_ids", &segment_ids)?;
            let disabling = body.disabled == Some(true) && !existing.disabled;
            if (disabling || (old_role == Role::Admin && role != Role::Admin)) && is_last_admin(c, id)? {
                return Err(AppError::conflict(
                    "last_admin",
                    "the last active admin cannot be demoted or disabled",
                ));
            }
            let email = body.email.map(|e| e.trim().to_lowercase());
            if let Some(e) = &email {
                if users::find_by_email(c, e)?.is_some_and(|u| u.id != id) {
                    return Err(AppError::conflict(
                        "duplicate",
                        "a user with this e-mail already exists",
                    ));
                }
            }
            let ends_sessions = crate::auth::signin::change_ends_sessions(
                password_hash.is_some(),
                (&existing.role, role.as_str()),
                (&existing.segment_ids, &segment_ids),
                disabling,
            );
            let changes = UserChanges {
                email,
                password_hash,
                role: Some(role.as_str().to_owned()),
                disabled_at: body.disabled.map(|d| d.then(crate::db::now)),
                updated_at: Some(crate::db::now()),
            };
            let user = users::update(c, id, &changes, Some(&segment_ids))?;
            if ends_sessions {
                users::end_sessions(c, id)?;
            }
            record_object(c, Actor::User(&caller), "update", "user", id, &user)?;
            Ok(user)
        })
        .await?;
    Ok(user)
}

fn is_last_admin(c: &mut crate::db::DbConnection, id: i32) -> Result<bool, AppError> {
    let user = users::get(c, id)?;
    if user.role != Role::Admin.as_str() || user.disabled {
        return Ok(false);
    }
    Ok(users::count_active_admins(c)? <= 1)
}

/// Disables the account: its tokens are refused from now on; its history stays.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = i32, Path, description = "User id")),
    responses(
        (status = 204, description = "Disabled (or already was)"),
        (status = 409, description = "The last active admin (`last_admin`)", body = crate::error::ErrorBody),
    ))]
pub async fn disable(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    disable_user(&state, caller.caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Disables an account with the API's rules (also used by the admin page).
pub async fn disable_user(state: &AppState, caller: crate::auth::Caller, id: i32) -> Result<(), AppError> {
    state
        .db
        .write(move |c| {
            let existing = users::get(c, id)?;
            if existing.disabled {
                return Ok(());
            }
            if is_last_admin(c, id)? {
                return Err(AppError::conflict(
                    "last_admin",
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
            record_object(c, Actor::User(&caller), "disable", "user", id, &user)?;
            Ok(())
        })
        .await
}
