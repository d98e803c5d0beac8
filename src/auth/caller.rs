//! The signed-in caller, extracted from the bearer token on every request. The user row is
//! read each time, so a disabled account or a changed role takes effect at once.

use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::Serialize;

use super::policy::Policy;
use crate::db::Scope;
use crate::domain::terms::Role;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Clone, Debug, Serialize)]
pub struct Caller {
    pub id: i32,
    pub email: String,
    pub role: Role,
    pub segment_ids: Vec<i32>,
}

impl Caller {
    /// Stakeholders see only their own segments; every other role sees all.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Stakeholder => Scope::Segments(self.segment_ids.clone()),
            _ => Scope::All,
        }
    }
}

/// The cookie that carries the same access token for the web pages.
pub const SESSION_COOKIE: &str = "kanogap_session";

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// The bearer token, else the session cookie where a cookie may stand in for it: on the pages
/// (whose forms carry a CSRF token) and for reads of the API (report downloads). A cookie never
/// authorizes an API write, so no other site can drive the API through a signed-in browser.
fn access_token(req: &HttpRequest) -> Option<String> {
    if let Some(token) = bearer_token(req) {
        return Some(token);
    }
    let read_only = matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    );
    if read_only || !req.path().starts_with("/api/") {
        return req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    }
    None
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = access_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let user_id = token
                .and_then(|t| state.tokens.verify(&t))
                .ok_or(AppError::Unauthorized)?;
            state
                .db
                .run(move |conn| crate::db::users::load_caller(conn, user_id))
                .await?
                .ok_or(AppError::Unauthorized)
        })
    }
}

/// A caller whose role the policy `P` allows; anyone else gets 403.
pub struct Authorized<P: Policy> {
    pub caller: Caller,
    _policy: PhantomData<P>,
}

impl<P: Policy> Deref for Authorized<P> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl<P: Policy + 'static> FromRequest for Authorized<P> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            if P::ROLES.contains(&caller.role) {
                Ok(Authorized {
                    caller,
                    _policy: PhantomData,
                })
            } else {
                Err(AppError::Forbidden)
            }
        })
    }
}
