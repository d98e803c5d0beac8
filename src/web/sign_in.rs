//! Signing in and out of the pages, and the CSRF token every form carries.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use rand::distributions::{Alphanumeric, DistString};
use serde::{Deserialize, Serialize};

use super::{redirect, PageError, PageResult};
use crate::auth::caller::SESSION_COOKIE;
use crate::auth::Caller;
use crate::error::AppError;
use crate::service::{self, auth::TokenRequest};
use crate::state::AppState;

pub const CSRF_COOKIE: &str = "kanogap_csrf";
pub const CSRF_FIELD: &str = "csrf";

pub fn csrf_token(req: &HttpRequest) -> Option<String> {
    req.cookie(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 32)
}

/// Double-submit check: the form's hidden field must match the cookie only this site can
/// set. 403 otherwise.
pub fn check_csrf(req: &HttpRequest, submitted: Option<&str>) -> Result<(), PageError> {
    match (csrf_token(req), submitted) {
        (Some(cookie), Some(field)) if crate::auth::constant_time_eq(cookie.as_bytes(), field.as_bytes()) => Ok(()),
        _ => Err(PageError(AppError::Forbidden)),
    }
}

fn cookie<'a>(state: &AppState, name: &'a str, value: String, max_age_secs: i64) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.cookie_secure)
        .max_age(CookieDuration::seconds(max_age_secs))
        .finish()
}

#[derive(Serialize)]
struct LoginPage {
    csrf: String,
    email: String,
    error: Option<String>,
}

fn login_html(
    state: &AppState,
    status: actix_web::http::StatusCode,
    csrf: String,
    email: String,
    error: Option<String>,
) -> PageResult {
    let html = state.templates.html(
        "login",
        &LoginPage {
            csrf: csrf.clone(),
            email,
            error,
        },
    )?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie(state, CSRF_COOKIE, csrf, 12 * 3600))
        .body(html))
}

/// `GET /login`; a signed-in caller goes straight to their landing page.
pub async fn login_page(req: HttpRequest, caller: Option<Caller>, state: web::Data<AppState>) -> PageResult {
    if let Some(c) = caller {
        return Ok(redirect(&super::landing(&c)));
    }
    let csrf = csrf_token(&req).unwrap_or_else(|| Alphanumeric.sample_string(&mut rand::rngs::OsRng, 40));
    login_html(&state, actix_web::http::StatusCode::OK, csrf, String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: Option<String>,
}

/// `POST /login`: the API's login (same throttle, same checks), then the session cookie and a
/// 303 to the caller's landing page.
pub async fn login(req: HttpRequest, state: web::Data<AppState>, form: web::Form<LoginForm>) -> PageResult {
    let form = form.into_inner();
    check_csrf(&req, form.csrf.as_deref())?;
    let csrf = csrf_token(&req).unwrap_or_default();
    let address = crate::auth::address::of_request(&req, &state.trusted_proxies);
    let credentials = TokenRequest {
        email: form.email.clone(),
        password: form.password,
    };
    match service::auth::sign_in(&state, &state.throttle, credentials, &address).await {
        Ok(signed_in) => {
            let token = state
                .tokens
                .issue(signed_in.subject, &signed_in.caller)
                .map_err(|e| AppError::internal(format!("cannot sign token: {e}")))?;
            let caller = signed_in.caller;
            // A fresh CSRF token for the signed-in session.
            let fresh = Alphanumeric.sample_string(&mut rand::rngs::OsRng, 40);
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", super::landing(&caller)))
                .cookie(cookie(&state, SESSION_COOKIE, token, state.tokens.ttl_secs() as i64))
                .cookie(cookie(&state, CSRF_COOKIE, fresh, state.tokens.ttl_secs() as i64))
                .finish())
        }
        Err(AppError::TooManyRequests { retry_after_secs }) => login_html(
            &state,
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            csrf,
            form.email,
            Some(format!(
                "Too many failed attempts. Try again in {} minutes.",
                retry_after_secs.div_ceil(60)
            )),
        ),
        Err(AppError::WrongPassword | AppError::Invalid { .. }) => login_html(
            &state,
            actix_web::http::StatusCode::UNAUTHORIZED,
            csrf,
            form.email,
            Some("Wrong e-mail or password.".into()),
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// A page request whose session turned out to have ended (password changed, signed out
/// everywhere, account disabled): off to the sign-in page, and the dead cookie goes, so that the
/// sign-in page does not take it for a session.
pub fn session_ended(state: &AppState) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", "/login"))
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie(state, SESSION_COOKIE, String::new(), 0))
        .finish()
}

/// `POST /logout`: both cookies go.
pub async fn logout(req: HttpRequest, state: web::Data<AppState>, form: web::Form<CsrfForm>) -> PageResult {
    check_csrf(&req, form.csrf.as_deref())?;
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/login"))
        .cookie(cookie(&state, SESSION_COOKIE, String::new(), 0))
        .cookie(cookie(&state, CSRF_COOKIE, String::new(), 0))
        .finish())
}
