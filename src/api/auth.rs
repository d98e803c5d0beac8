//! Signing in, and the caller's own account.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::extract::ValidJson;
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

fn invalid_credentials() -> AppError {
    AppError::Invalid {
        status: StatusCode::UNAUTHORIZED,
        code: "invalid_credentials",
        message: "wrong e-mail or password".into(),
        fields: Default::default(),
    }
}

/// The client address used for throttling: the TCP peer. Forwarded-for headers are not
/// trusted, since any client can set them.
fn client_address(req: &HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()
}

/// Checks credentials and returns an access token. Failed attempts are counted per account
/// and per address; past the limit the answer is 429 with `Retry-After`.
pub async fn login(state: &AppState, email: &str, password_given: String, address: &str) -> Result<i32, AppError> {
    let email = email.trim().to_lowercase();
    state
        .throttle
        .check(&email, address)
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    let lookup = email.clone();
    let user = state.db.run(move |c| Ok(users::find_by_email(c, &lookup)?)).await?;
    let verified = web::block(move || match user {
        Some(u) if u.disabled_at.is_none() => password::verify(&password_given, &u.password_hash).then_some(u.id),
        Some(u) => {
            let _ = password::verify(&password_given, &u.password_hash);
            None
        }
        None => {
            password::verify_dummy(&password_given);
            None
        }
    })
    .await
    .map_err(|e| AppError::internal(e.to_string()))?;
    match verified {
        Some(id) => {
            state.throttle.record_success(&email);
            Ok(id)
        }
        None => {
            state.throttle.record_failure(&email, address);
            Err(invalid_credentials())
        }
    }
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
    let user_id = login(&state, &body.email, body.password, &client_address(&req)).await?;
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
    login(&state, &caller.email, body.current_password, &client_address(&req))
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
