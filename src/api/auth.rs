//! Signing in, and the caller's own account.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::extract::ValidJson;
use crate::auth::Caller;
use crate::error::AppError;
use crate::service::{self, auth::TokenRequest, auth::UpdateMe};
use crate::state::AppState;

/// The client address used for throttling: the socket's peer, or the address a trusted proxy
/// forwarded (see `auth::address`).
fn client_address(req: &HttpRequest, state: &AppState) -> String {
    crate::auth::address::of_request(req, &state.trusted_proxies)
}

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
        (status = 429, description = "Too many failed attempts for this account from this address, or from this address; see `Retry-After`", body = crate::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed"))),
    ))]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let signed_in = service::auth::sign_in(&state, &state.throttle, body, &client_address(&req, &state)).await?;
    let access_token = state
        .tokens
        .issue(signed_in.subject, &signed_in.caller)
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
        (status = 204, description = "Password changed; every token issued before, this one too, is refused from now on"),
        (status = 429, description = "Too many failed attempts; see `Retry-After`", body = crate::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed"))),
    ))]
pub async fn update_me(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<UpdateMe>,
) -> Result<HttpResponse, AppError> {
    service::auth::change_password(&state, &state.throttle, &caller, body, &client_address(&req, &state)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/me/sign-out-everywhere", tag = "auth",
    responses((status = 204, description = "Every token of the caller issued before, this one too, is refused from now on, on every instance")))]
pub async fn sign_out_everywhere(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    service::auth::sign_out_everywhere(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
}
