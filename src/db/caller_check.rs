//! The caller check of a request, made on the first connection the request reads or writes
//! with instead of on a connection of its own.
//!
//! A token names its caller (`auth::jwt`), trusted while the user's token generation is the
//! token's: every change that ends sessions raises it. So the caller extractor need not read
//! the user before the handler runs; it leaves the generation to be checked here, and
//! [`Db::run`](super::Db::run) checks it on the same blocking-pool trip, before the work. A
//! request that never touches the database is checked when its response is ready
//! ([`settle`]). Either way no response leaves, and no write happens, before the check passed.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use super::{users, Db};
use crate::error::AppError;

/// A token's user and generation, still to be confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    pub user_id: i32,
    pub generation: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Nothing to check (no caller yet, or one read from the database).
    Nothing,
    Pending(Claim),
    Confirmed,
    Refused,
}

/// One request's check; the request's extensions and its task share it.
#[derive(Debug)]
pub struct CallerCheck(Cell<State>);

impl Default for CallerCheck {
    fn default() -> Self {
        CallerCheck(Cell::new(State::Nothing))
    }
}

impl CallerCheck {
    /// The caller came from a token: check `claim` before the request's first database work.
    pub fn expect(&self, claim: Claim) {
        self.0.set(State::Pending(claim));
    }

    fn pending(&self) -> Option<Claim> {
        match self.0.get() {
            State::Pending(claim) => Some(claim),
            _ => None,
        }
    }

    pub fn refused(&self) -> bool {
        self.0.get() == State::Refused
    }
}

tokio::task_local! {
    static CURRENT: Rc<CallerCheck>;
}

/// Runs a request's handling with `check` as its caller check.
pub fn scope<F: Future>(check: Rc<CallerCheck>, future: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(check, future)
}

/// The running request's unconfirmed claim, if any (none outside a request: the command line,
/// start-up, tests calling operations directly).
pub(super) fn pending() -> Option<(Rc<CallerCheck>, Claim)> {
    CURRENT
        .try_with(|check| check.pending().map(|claim| (check.clone(), claim)))
        .ok()
        .flatten()
}

/// Confirms a claim on `conn`: [`AppError::Unauthorized`] when the token's sessions have ended.
pub(super) fn confirm(conn: &mut super::DbConnection, claim: Claim) -> Result<(), AppError> {
    if users::generation_holds(conn, claim.user_id, claim.generation)? {
        Ok(())
    } else {
        Err(AppError::Unauthorized)
    }
}

/// Records what the check on the request's connection found.
pub(super) fn record(check: &CallerCheck, confirmed: bool) {
    check.0.set(if confirmed { State::Confirmed } else { State::Refused });
}

/// After the handler: whether the request's caller stands. A claim still pending (the handler
/// did not touch the database) is checked now, on a trip of its own.
pub async fn settle(db: &Db, check: &CallerCheck) -> Result<bool, AppError> {
    if let Some(claim) = check.pending() {
        let confirmed = db.run_unchecked(move |c| Ok(users::generation_holds(c, claim.user_id, claim.generation)?));
        record(check, confirmed.await?);
    }
    Ok(!check.refused())
}
