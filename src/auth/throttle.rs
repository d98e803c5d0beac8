//! Limits failed logins per account and per client address within a sliding window. Kept in
//! memory: each instance counts its own attempts (see README, "Scaling out").

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    window: Duration,
    max_per_account: u32,
    max_per_address: u32,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

// Beyond this many tracked keys, stale ones are swept so memory stays bounded.
const SWEEP_AT: usize = 10_000;

impl LoginThrottle {
    pub fn new(max_per_account: u32, max_per_address: u32, window: Duration) -> Self {
        LoginThrottle {
            window,
            max_per_account: max_per_account.max(1),
            max_per_address: max_per_address.max(1),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when either the account or the address is over its limit.
    pub fn check(&self, account: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let wait_account = self.wait(&mut map, &account_key(account), self.max_per_account, now);
        let wait_address = self.wait(&mut map, &address_key(address), self.max_per_address, now);
        match wait_account.max(wait_address) {
            0 => Ok(()),
            secs => Err(secs),
        }
    }

    pub fn record_failure(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= SWEEP_AT {
            let window = self.window;
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        map.entry(account_key(account)).or_default().push_back(now);
        map.entry(address_key(address)).or_default().push_back(now);
    }

    /// A successful login clears the account's count (not the address's: one good password
    /// must not reset a spray against many accounts).
    pub fn record_success(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(account));
    }

    fn wait(&self, map: &mut HashMap<String, VecDeque<Instant>>, key: &str, max: u32, now: Instant) -> u64 {
        let Some(times) = map.get_mut(key) else { return 0 };
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() < max as usize {
            return 0;
        }
        // Allowed again once the oldest failure that keeps it over the limit leaves the window.
        let oldest = times[times.len() - max as usize];
        let remaining = self.window.saturating_sub(now.duration_since(oldest));
        remaining.as_secs().max(1)
    }
}

fn account_key(account: &str) -> String {
    format!("account:{}", account.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_an_account_after_its_limit_and_success_clears_it() {
        let t = LoginThrottle::new(3, 100, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(t.check("a@x", "1.1.1.1").is_ok());
            t.record_failure("A@x", "1.1.1.1");
        }
        let wait = t.check("a@x", "2.2.2.2").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(t.check("b@x", "1.1.1.1").is_ok(), "other accounts are not affected");
        t.record_success("a@x");
        assert!(t.check("a@x", "1.1.1.1").is_ok());
    }

    #[test]
    fn locks_an_address_spraying_many_accounts() {
        let t = LoginThrottle::new(100, 2, Duration::from_secs(60));
        t.record_failure("a@x", "9.9.9.9");
        t.record_failure("b@x", "9.9.9.9");
        assert!(t.check("c@x", "9.9.9.9").is_err());
        assert!(t.check("c@x", "8.8.8.8").is_ok());
    }

    #[test]
    fn failures_expire_with_the_window() {
        let t = LoginThrottle::new(1, 100, Duration::from_millis(20));
        t.record_failure("a@x", "1.1.1.1");
        assert!(t.check("a@x", "1.1.1.1").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(t.check("a@x", "1.1.1.1").is_ok());
    }
}
