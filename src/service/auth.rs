//! Signing in and the caller's own account. The API's token route, the sign-in page and a
//! password change all call [`sign_in`], so throttling and the timing-safe check live here once.

use serde::Deserialize;
use validator::Validate;

use super::{validate, Context};
use crate::access::Caller;
use crate::auth::jwt::Subject;
use crate::auth::password;
use crate::auth::throttle::ThrottleRules;
use crate::db::users::{self, UserChanges, UserRow};
use crate::db::{audit, login_failures};
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

/// Who a token is issued to: the user's id and generation, and the caller as read at that
/// generation (the token carries both; see `auth::jwt`).
pub struct SignedIn {
    pub subject: Subject,
    pub caller: Caller,
}

/// Checks an e-mail and password from a client address; returns whom to issue a token for.
/// A wrong e-mail or password is [`AppError::WrongPassword`] (401 `invalid_credentials`).
///
/// Over a limit of the throttle's rules the answer is 429 with the wait, logged and audited
/// with the address, and the password is not looked at. Otherwise the attempt is recorded as a
/// failure before the (slow) password check, so that guesses sent at once all count, and taken
/// back when the password was right. The failures live in the database: every instance counts
/// the same attempts.
pub async fn sign_in(
    ctx: &Context,
    rules: &ThrottleRules,
    input: TokenRequest,
    address: &str,
) -> Result<SignedIn, AppError> {
    validate(&input)?;
    let account = input.email.trim().to_lowercase();
    let rules = rules.clone();
    let now = crate::db::now();
    let (acct, addr) = (account.clone(), address.to_owned());
    let gate = ctx
        .db
        .write(move |c| {
            let since = rules.window_start(now);
            let pair = login_failures::recent_for_pair(c, &acct, &addr, since)?;
            let from_address = login_failures::recent_for_address(c, &addr, since)?;
            let user = users::find_by_email(c, &acct)?;
            if let Some(wait) = rules.retry_after(now, pair, from_address) {
                let detail = serde_json::json!({
                    "account": acct,
                    "address": addr,
                    "retry_after_secs": wait,
                    "recent_failures_for_account_from_address": pair.count,
                    "recent_failures_from_address": from_address.count,
                })
                .to_string();
                let user_id = user.as_ref().map(|u| u.id);
                audit::record_anonymous(c, "anonymous", "sign_in_throttled", "user", user_id, &detail)?;
                return Ok(Err(wait));
            }
            login_failures::prune(c, rules.prune_before(now))?;
            login_failures::insert(c, &acct, &addr, now)?;
            Ok(Ok(user))
        })
        .await?;
    let user = match gate {
        Ok(user) => user,
        Err(retry_after_secs) => {
            tracing::warn!(account = %account, address = %address, retry_after_secs, "sign-in throttled");
            return Err(AppError::TooManyRequests { retry_after_secs });
        }
    };
    let password_given = input.password;
    let verified = actix_web::web::block(move || check(user, &password_given))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    match verified {
        Some(subject) => {
            let addr = address.to_owned();
            let caller = ctx
                .db
                .write(move |c| {
                    login_failures::clear_pair(c, &account, &addr)?;
                    // Read at the generation the password check saw: a change in between
                    // (which raises it) makes this sign-in fail rather than carry old rights.
                    users::load_caller_of_generation(c, subject.user_id, subject.generation)
                })
                .await?
                .ok_or(AppError::WrongPassword)?;
            Ok(SignedIn { subject, caller })
        }
        None => Err(AppError::WrongPassword),
    }
}

/// The password check, spending the same time whether or not the account exists or is enabled.
fn check(user: Option<UserRow>, password_given: &str) -> Option<Subject> {
    match user {
        Some(u) if u.disabled_at.is_none() => password::verify(password_given, &u.password_hash).then_some(Subject {
            user_id: u.id,
            generation: u.token_generation,
        }),
        Some(u) => {
            let _ = password::verify(password_given, &u.password_hash);
            None
        }
        None => {
            password::verify_dummy(password_given);
            None
        }
    }
}

/// Whether an account change ends the user's sessions (every token issued before it): a new
/// password, sign-in e-mail, role or set of segments (a token names all three, trusted while
/// its generation holds), or disabling (so that re-enabling does not bring old tokens back).
pub fn change_ends_sessions(
    password_changed: bool,
    email: (&str, &str),
    role: (&str, &str),
    segments: (&[i32], &[i32]),
    disabling: bool,
) -> bool {
    let sorted = |ids: &[i32]| {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    password_changed || disabling || email.0 != email.1 || role.0 != role.1 || sorted(segments.0) != sorted(segments.1)
}

/// Ends every session of the caller (every token issued before, this one too), on every
/// instance.
pub async fn sign_out_everywhere(ctx: &Context, caller: &Caller) -> Result<(), AppError> {
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            users::end_sessions(c, caller.id)?;
            audit::record(c, &caller, "sign_out_everywhere", "user", caller.id, None)?;
            Ok(())
        })
        .await
}

/// Changes the caller's own password, proving the current one (422 on `current_password`
/// when it is wrong; the attempt counts toward the throttle like a sign-in).
pub async fn change_password(
    ctx: &Context,
    throttle: &ThrottleRules,
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
            users::end_sessions(c, caller.id)?;
            audit::record(c, &caller, "change_password", "user", caller.id, None)?;
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::change_ends_sessions;

    #[test]
    fn credentials_and_rights_end_sessions_other_changes_do_not() {
        let mail = ("a@example.org", "a@example.org");
        let same = |p, d| change_ends_sessions(p, mail, ("admin", "admin"), (&[1, 2], &[2, 1]), d);
        assert!(!same(false, false), "nothing at all, segments in another order");
        assert!(same(true, false), "a new password");
        assert!(same(false, true), "disabling");
        assert!(change_ends_sessions(
            false,
            ("a@example.org", "b@example.org"),
            ("admin", "admin"),
            (&[], &[]),
            false
        ));
        assert!(change_ends_sessions(
            false,
            mail,
            ("admin", "leadership"),
            (&[], &[]),
            false
        ));
        assert!(change_ends_sessions(
            false,
            mail,
            ("stakeholder", "stakeholder"),
            (&[1], &[1, 2]),
            false
        ));
    }
}
