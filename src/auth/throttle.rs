//! The sign-in throttle's rules, as pure functions of the recent failures and of `now` (the
//! failures themselves are kept in the database by `db::login_failures`, so every instance
//! counts the same attempts).
//!
//! Failures count per (account, client address) and per client address within a sliding
//! window. Past a limit, the next attempt waits `backoff × 2^(failures − limit)` seconds after
//! the latest failure, capped: each further failure doubles the wait. Throttled attempts are not
//! failures (their password is never checked), so waiting is all it takes. Failures of an
//! account from other addresses never count against an address: whoever signs in from an
//! address without recent failures is never throttled, so a stranger cannot lock anyone out.

use chrono::{Duration, NaiveDateTime};

pub use crate::db::login_failures::Recent;

#[derive(Clone, Debug)]
pub struct ThrottleRules {
    /// Failures allowed per account and client address within the window.
    pub max_per_account_address: u32,
    /// Failures allowed per client address, whatever the accounts, within the window.
    pub max_per_address: u32,
    pub window_secs: u64,
    /// The first wait past a limit; doubled by each further failure.
    pub backoff_secs: u64,
    /// The longest wait.
    pub backoff_max_secs: u64,
}

impl ThrottleRules {
    pub fn new(
        max_per_account_address: u32,
        max_per_address: u32,
        window_secs: u64,
        backoff_secs: u64,
        backoff_max_secs: u64,
    ) -> Self {
        ThrottleRules {
            max_per_account_address: max_per_account_address.max(1),
            max_per_address: max_per_address.max(1),
            window_secs: window_secs.max(1),
            backoff_secs: backoff_secs.max(1),
            backoff_max_secs: backoff_max_secs.max(1),
        }
    }

    /// Failures after this moment count.
    pub fn window_start(&self, now: NaiveDateTime) -> NaiveDateTime {
        now - Duration::seconds(self.window_secs.min(i64::MAX as u64) as i64)
    }

    /// Failures before this moment can be deleted: they count no more.
    pub fn prune_before(&self, now: NaiveDateTime) -> NaiveDateTime {
        self.window_start(now)
    }

    /// The wait, in seconds, once `excess` failures have been made beyond a limit (0 for the
    /// first attempt over it): doubling from `backoff_secs`, at most `backoff_max_secs`.
    pub fn backoff(&self, excess: u32) -> u64 {
        let factor = 1u64.checked_shl(excess).unwrap_or(u64::MAX);
        self.backoff_secs.saturating_mul(factor).min(self.backoff_max_secs)
    }

    /// `Some(seconds to wait)` when either the pair or the address is over its limit, given
    /// their failures within the window (see [`ThrottleRules::window_start`]).
    pub fn retry_after(&self, now: NaiveDateTime, pair: Recent, address: Recent) -> Option<u64> {
        let wait =
            self.wait(now, pair, self.max_per_account_address)
                .max(self.wait(now, address, self.max_per_address));
        (wait > 0).then_some(wait)
    }

    fn wait(&self, now: NaiveDateTime, recent: Recent, limit: u32) -> u64 {
        let Some(last) = recent.last else { return 0 };
        if recent.count < i64::from(limit) {
            return 0;
        }
        let excess = u32::try_from(recent.count - i64::from(limit)).unwrap_or(u32::MAX);
        let until = last + Duration::seconds(self.backoff(excess).min(i64::MAX as u64 / 1000) as i64);
        let left = until - now;
        if left <= Duration::zero() {
            return 0;
        }
        // Whole seconds, rounded up: never tell a client to come back too early.
        let millis = left.num_milliseconds().max(1) as u64;
        millis.div_ceil(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + secs, 0)
            .unwrap()
            .naive_utc()
    }

    fn recent(count: i64, last: i64) -> Recent {
        Recent {
            count,
            last: Some(at(last)),
        }
    }

    fn rules() -> ThrottleRules {
        ThrottleRules::new(5, 20, 900, 30, 900)
    }

    #[test]
    fn under_the_limits_nobody_waits() {
        let r = rules();
        assert_eq!(r.retry_after(at(0), Recent::default(), Recent::default()), None);
        assert_eq!(r.retry_after(at(10), recent(4, 9), recent(19, 9)), None);
    }

    #[test]
    fn at_the_pair_limit_the_first_wait_is_the_backoff() {
        let r = rules();
        assert_eq!(r.retry_after(at(100), recent(5, 100), recent(5, 100)), Some(30));
        assert_eq!(r.retry_after(at(110), recent(5, 100), recent(5, 100)), Some(20));
        assert_eq!(
            r.retry_after(at(130), recent(5, 100), recent(5, 100)),
            None,
            "waited it out"
        );
    }

    #[test]
    fn each_further_failure_doubles_the_wait_up_to_the_cap() {
        let r = rules();
        let waits: Vec<u64> = (5..=12)
            .map(|n| r.retry_after(at(0), recent(n, 0), recent(n, 0)).unwrap())
            .collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(r.backoff(0), 30);
        assert_eq!(r.backoff(200), 900, "no overflow, however many");
    }

    #[test]
    fn the_address_limit_counts_failures_over_every_account() {
        let r = rules();
        // One failure for this account, but twenty from the address.
        assert_eq!(r.retry_after(at(0), recent(1, 0), recent(20, 0)), Some(30));
        assert_eq!(r.retry_after(at(0), recent(1, 0), recent(22, 0)), Some(120));
        // The longer of the two waits wins.
        assert_eq!(r.retry_after(at(0), recent(7, 0), recent(20, 0)), Some(120));
    }

    #[test]
    fn an_address_without_failures_is_never_throttled() {
        // Whatever other addresses did, their failures are not in this address's counts.
        let r = rules();
        assert_eq!(r.retry_after(at(0), Recent::default(), Recent::default()), None);
    }

    #[test]
    fn the_window_slides_with_now() {
        let r = rules();
        assert_eq!(r.window_start(at(1000)), at(100));
        assert_eq!(r.prune_before(at(1000)), at(100));
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        let r = rules();
        let now = at(100) + Duration::milliseconds(500);
        assert_eq!(r.retry_after(now, recent(5, 100), Recent::default()), Some(30));
        let now = at(129) + Duration::milliseconds(999);
        assert_eq!(r.retry_after(now, recent(5, 100), Recent::default()), Some(1));
    }

    #[test]
    fn limits_and_times_are_at_least_one() {
        let r = ThrottleRules::new(0, 0, 0, 0, 0);
        assert_eq!(r.retry_after(at(0), recent(1, 0), Recent::default()), Some(1));
    }
}
