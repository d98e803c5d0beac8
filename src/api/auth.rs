//! Signing in, and the caller's own account.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::extract::ValidJson;
use crate::auth::{client_address, Caller};
use crate::error::AppError;
use crate::service::{self, auth::TokenRequest, auth::UpdateMe};
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
}

#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", security(()),
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many failed attempts for this account or address; see `Retry-After`", body = crate::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed"))),
    ))]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let user_id = service::auth::sign_in(&state, &state.throttle, body, &client_address(&req)).await?;
    let access_token = state
        .tokens
        .issue(user_id)
        .map_err(|e| AppError::internal(format!("cannot sign token: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: state.tokens.ttl_secs(),
        }))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, description = "The caller", body = Caller)))]
pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(caller)
}

super::extract::json_body!(TokenRequest, UpdateMe);

#[utoipa::path(patch, path = "/api/v1/me", tag = "auth",
    request_body = UpdateMe,
    responses(
        (status = 204, description = "Password changed"),
        (status = 429, description = "Too many failed attempts; see `Retry-After`", body = crate::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed"))),
    ))]
pub async fn update_me(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<UpdateMe>,
) -> Result<HttpResponse, AppError> {
    service::auth::change_password(&state, &state.throttle, &caller, body, &client_address(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}
