//! Signing in, and the caller's own account.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::extract::ValidJson;
use crate::auth::jwt::Subject;
use crate::auth::{password, Caller};
use crate::db::users::{self, UserChanges};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(length(min = 1, max = 320))]
    #[schema(min_length = 1, max_length = 320)]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
}

/// The client address used for throttling: the socket's peer, or the address a trusted proxy
/// forwarded (see `auth::address`).
fn client_address(req: &HttpRequest, state: &AppState) -> String {
    crate::auth::address::of_request(req, &state.trusted_proxies)
}

/// Checks credentials (see `auth::signin`); returns whom to issue a token for. Failed attempts
/// are counted per account and address and per address; past a limit the answer is 429 with
/// `Retry-After`.
pub async fn login(state: &AppState, email: &str, password_given: String, address: &str) -> Result<Subject, AppError> {
    crate::auth::signin::sign_in(state, email, password_given, address).await
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
    let subject = login(&state, &body.email, body.password, &client_address(&req, &state)).await?;
    let access_token = state
        .tokens
        .issue(subject)
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

/// What a user may change about themselves: only their password, proving the current one.
#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: String,
    #[validate(length(min = 12, max = 1024, message = "must be 12 to 1024 characters"))]
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
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
    login(
        &state,
        &caller.email,
        body.current_password,
        &client_address(&req, &state),
    )
    .await
    .map_err(|e| match e {
        AppError::Invalid { .. } => AppError::field("current_password", "is not your current password"),
        other => other,
    })?;
    let hash = web::block(move || password::hash(&body.password))
        .await
        .map_err(|e| AppError::internal(e.to_string()))??;
    state
        .db
        .write(move |c| {
            let changes = UserChanges {
                password_hash: Some(hash),
                updated_at: Some(crate::db::now()),
                ..Default::default()
            };
            users::update(c, caller.id, &changes, None)?;
            users::end_sessions(c, caller.id)?;
            crate::db::audit::record(
                c,
                crate::db::audit::Actor::User(&caller),
                "change_password",
                "user",
                caller.id,
                None,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/me/sign-out-everywhere", tag = "auth",
    responses((status = 204, description = "Every token of the caller issued before, this one too, is refused from now on, on every instance")))]
pub async fn sign_out_everywhere(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state
        .db
        .write(move |c| {
            users::end_sessions(c, caller.id)?;
            crate::db::audit::record(
                c,
                crate::db::audit::Actor::User(&caller),
                "sign_out_everywhere",
                "user",
                caller.id,
                None,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
