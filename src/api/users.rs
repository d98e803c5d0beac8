//! User accounts (admin only). Deleting disables: the audit trail keeps the name.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::AdminOnly;
use crate::auth::Authorized;
use crate::db::users::User;
use crate::error::AppError;
use crate::service::users::{self, CreateUser, UpdateUser};
use crate::state::AppState;

super::extract::json_body!(CreateUser, UpdateUser);

list_query!(UserQuery {});

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, description = "One page of users", body = Listing<User>)))]
pub async fn list(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<UserQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(users::list(&state, &caller, q.page()).await?))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i32, Path, description = "User id")),
    responses((status = 200, description = "The user", body = User)))]
pub async fn get(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(users::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 409, description = "The e-mail is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateUser>,
) -> Result<HttpResponse, AppError> {
    let user = users::create(&state, &caller, body).await?;
    Ok(created(&user))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i32, Path, description = "User id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "Changed", body = User),
        (status = 409, description = "The e-mail is taken (`duplicate`), or this is the last active admin (`last_admin`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateUser>,
) -> Result<HttpResponse, AppError> {
    let user = users::update(&state, &caller, id.into_inner(), body).await?;
    Ok(HttpResponse::Ok().json(user))
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
    users::disable(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
