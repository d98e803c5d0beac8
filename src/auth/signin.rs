//! Checking a password behind the sign-in throttle: used by the API's token route, the sign-in
//! page and a password change (which proves the current password). The failures live in the
//! database, so every instance counts the same attempts; the rules are in [`super::throttle`].

use actix_web::http::StatusCode;
use actix_web::web;

use super::jwt::Subject;
use super::password;
use crate::db::users::{self, UserRow};
use crate::db::{audit, login_failures};
use crate::error::AppError;
use crate::state::AppState;

pub fn invalid_credentials() -> AppError {
    AppError::Invalid {
        status: StatusCode::UNAUTHORIZED,
        code: "invalid_credentials",
        message: "wrong e-mail or password".into(),
        fields: Default::default(),
    }
}

/// Checks an e-mail and password from a client address; returns whom to issue a token for.
///
/// Over a limit of [`super::throttle::ThrottleRules`] the answer is 429 with the wait, logged and
/// audited with the address, and the password is not looked at. Otherwise the attempt is
/// recorded as a failure before the (slow) password check, so that guesses sent at once all
/// count, and taken back when the password was right.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password_given: String,
    address: &str,
) -> Result<Subject, AppError> {
    let account = email.trim().to_lowercase();
    let rules = state.throttle.clone();
    let now = crate::db::now();
    let (acct, addr) = (account.clone(), address.to_owned());
    let gate = state
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
    let verified = web::block(move || check(user, &password_given))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    match verified {
        Some(subject) => {
            let addr = address.to_owned();
            state
                .db
                .write(move |c| Ok(login_failures::clear_pair(c, &account, &addr)?))
                .await?;
            Ok(subject)
        }
        None => Err(invalid_credentials()),
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
/// password, role or set of segments, or disabling (so that re-enabling does not bring old
/// tokens back).
pub fn change_ends_sessions(
    password_changed: bool,
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
    password_changed || disabling || role.0 != role.1 || sorted(segments.0) != sorted(segments.1)
}

#[cfg(test)]
mod tests {
    use super::change_ends_sessions;

    #[test]
    fn credentials_and_rights_end_sessions_other_changes_do_not() {
        let same = |p, d| change_ends_sessions(p, ("admin", "admin"), (&[1, 2], &[2, 1]), d);
        assert!(!same(false, false), "an e-mail change or nothing at all");
        assert!(same(true, false), "a new password");
        assert!(same(false, true), "disabling");
        assert!(change_ends_sessions(false, ("admin", "leadership"), (&[], &[]), false));
        assert!(change_ends_sessions(
            false,
            ("stakeholder", "stakeholder"),
            (&[1], &[1, 2]),
            false
        ));
    }
}
