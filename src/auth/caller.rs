//! The signed-in caller, extracted from the bearer token (or page cookie) on every request. A
//! token issued before the user's sessions were ended (password, e-mail, role or segment
//! change, disabling, sign out everywhere) is refused: its generation is compared with the
//! user's on the request's first database trip (`db::caller_check`), so a disabled account or a
//! changed role takes effect at once without a trip of its own.

use std::cell::RefCell;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::rc::Rc;
use std::task::{Poll, Waker};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;

pub use crate::access::Caller;
use crate::access::Policy;
use crate::db::caller_check::{CallerCheck, Claim};
use crate::error::AppError;
use crate::state::AppState;

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
    // The path as routed (percent-decoded), not as sent: `/%61pi/v1/…` is an API path too.
    let api = req.path().starts_with("/api/") || req.match_info().as_str().starts_with("/api/");
    if read_only || !api {
        return req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    }
    None
}

/// Opens once the caller of a request is known, allowed or refused. Extractors of the request's
/// input (body, query) that come after the caller in a handler's arguments wait for it, so that
/// whoever may not call a route is refused with 401 or 403 before their input is read or judged
/// (actix polls a handler's extractors together, and an input error would otherwise come first).
#[derive(Clone, Default)]
struct AuthGate(Rc<RefCell<GateState>>);

#[derive(Default)]
struct GateState {
    open: bool,
    waiting: Vec<Waker>,
}

/// Opens the gate when the caller's extraction ends, however it ends.
struct OpenOnDrop(AuthGate);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        let mut state = self.0 .0.borrow_mut();
        state.open = true;
        for waker in state.waiting.drain(..) {
            waker.wake();
        }
    }
}

/// Resolves when the caller extracted before this point of the request is known (at once when
/// the handler extracts no caller, or extracts it after its input).
pub fn caller_known(req: &HttpRequest) -> impl Future<Output = ()> + 'static {
    let gate = req.extensions().get::<AuthGate>().cloned();
    std::future::poll_fn(move |cx| match &gate {
        None => Poll::Ready(()),
        Some(gate) => {
            let mut state = gate.0.borrow_mut();
            if state.open {
                Poll::Ready(())
            } else {
                state.waiting.push(cx.waker().clone());
                Poll::Pending
            }
        }
    })
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = access_token(req);
        let check = req.extensions().get::<Rc<CallerCheck>>().cloned();
        let gate = AuthGate::default();
        req.extensions_mut().insert(gate.clone());
        Box::pin(async move {
            let _open = OpenOnDrop(gate);
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let token = token
                .and_then(|t| state.tokens.verify(&t))
                .ok_or(AppError::Unauthorized)?;
            let subject = token.subject;
            // A token that names its caller is believed now and its generation checked on the
            // request's own database trip (db::caller_check); an older token, or a request
            // outside the app's middleware, reads the user first.
            if let (Some(caller), Some(check)) = (token.caller, check) {
                check.expect(Claim {
                    user_id: subject.user_id,
                    generation: subject.generation,
                });
                return Ok(caller);
            }
            // Refused when the user's sessions ended after the token was issued.
            state
                .db
                .run(move |conn| crate::db::users::load_caller_of_generation(conn, subject.user_id, subject.generation))
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
