//! Signing in and the caller's own account. The API's token route and the sign-in page both
//! call [`sign_in`], so throttling and the timing-safe check live here once.

use serde::Deserialize;
use validator::Validate;

use super::{validate, Context};
use crate::access::Caller;
use crate::auth::password;
use crate::auth::throttle::LoginThrottle;
use crate::db::audit;
use crate::db::users::{self, UserChanges};
use crate::error::AppError;

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

/// What a user may change about themselves: only their password, proving the current one.
#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: String,
    /// Counted in characters, not bytes.
    #[validate(length(min = 12, max = 1024, message = "must be 12 to 1024 characters"))]
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
}

/// Checks credentials; the user's id when they hold. Failed attempts are counted per account
/// and per address; past the limit the answer is 429 with `Retry-After`. A wrong e-mail or
/// password is [`AppError::WrongPassword`] (401 `invalid_credentials`).
pub async fn sign_in(
    ctx: &Context,
    throttle: &LoginThrottle,
    input: TokenRequest,
    address: &str,
) -> Result<i32, AppError> {
    validate(&input)?;
    let email = input.email.trim().to_lowercase();
    throttle
        .check(&email, address)
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    let lookup = email.clone();
    let user = ctx.db.run(move |c| Ok(users::find_by_email(c, &lookup)?)).await?;
    let password_given = input.password;
    let verified = actix_web::web::block(move || match user {
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
            throttle.record_success(&email);
            Ok(id)
        }
        None => {
            throttle.record_failure(&email, address);
            Err(AppError::WrongPassword)
        }
    }
}

/// Changes the caller's own password, proving the current one (422 on `current_password`
/// when it is wrong; the attempt counts toward the throttle like a sign-in).
pub async fn change_password(
    ctx: &Context,
    throttle: &LoginThrottle,
    caller: &Caller,
    input: UpdateMe,
    address: &str,
) -> Result<(), AppError> {
    validate(&input)?;
    let proof = TokenRequest {
        email: caller.email.clone(),
        password: input.current_password,
    };
    sign_in(ctx, throttle, proof, address).await.map_err(|e| match e {
        AppError::WrongPassword => AppError::field("current_password", "is not your current password"),
        other => other,
    })?;
    let hash = super::users::hash(input.password).await?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let changes = UserChanges {
                password_hash: Some(hash),
                updated_at: Some(crate::db::now()),
                ..Default::default()
            };
            users::update(c, caller.id, &changes, None)?;
            audit::record(c, &caller, "change_password", "user", caller.id, None)?;
            Ok(())
        })
        .await
}

/// The signed-in user behind a token just issued, as every request will see them.
pub async fn caller(ctx: &Context, user_id: i32) -> Result<Caller, AppError> {
    ctx.db
        .run(move |c| users::load_caller(c, user_id))
        .await?
        .ok_or(AppError::Unauthorized)
}
