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

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[validate(length(min = 1, max = 320))]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    pub password: String,
}

#[derive(Serialize)]
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

pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(caller)
}

/// What a user may change about themselves: only their password, proving the current one.
#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[validate(length(min = 1, max = 1024))]
    pub current_password: String,
    #[validate(length(min = 12, max = 1024, message = "must be 12 to 1024 characters"))]
    pub password: String,
}

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
