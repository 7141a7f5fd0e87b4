//! Failed sign-ins, counted per network prefix and per name: past `MAX_FAILURES` within
//! `WINDOW_MILLIS`, either refuses more attempts until the oldest failure leaves the window.
//! Checked before the password is, so that a refused attempt costs no Argon2 hash.
//!
//! Bounded memory: at most `MAX_KEYS` keys; when full, the keys with no failure left in the
//! window go, and if none has, the fullest table is cleared (a flood of that many prefixes
//! or names is not stopped by a per-key limit anyway).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use crate::client::Prefix;

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MILLIS: i64 = 15 * 60 * 1000;
const MAX_KEYS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Prefix(Prefix),
    Name(String),
}

#[derive(Default)]
pub struct SignInLimit {
    /// Each key's failures in the window, oldest first (milliseconds).
    failures: Mutex<HashMap<Key, VecDeque<i64>>>,
}

impl SignInLimit {
    /// Whether an attempt from `prefix` for `name` may be made at `now`, else in how many
    /// seconds (at least 1) it may.
    pub fn check(&self, prefix: Prefix, name: &str, now: i64) -> Result<(), u64> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let mut wait = 0;
        for key in [Key::Prefix(prefix), Key::Name(name.to_owned())] {
            if let Some(times) = failures.get_mut(&key) {
                forget_old(times, now);
                if times.len() >= MAX_FAILURES {
                    wait = wait.max(times[times.len() - MAX_FAILURES] + WINDOW_MILLIS - now);
                }
            }
        }
        match wait {
            0 => Ok(()),
            millis => Err(((millis as u64).div_ceil(1000)).max(1)),
        }
    }

    /// Counts a failed attempt from `prefix` for `name` at `now`.
    pub fn fail(&self, prefix: Prefix, name: &str, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() + 2 > MAX_KEYS {
            failures.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
            if failures.len() + 2 > MAX_KEYS {
                failures.clear();
            }
        }
        for key in [Key::Prefix(prefix), Key::Name(name.to_owned())] {
            let times = failures.entry(key).or_default();
            times.push_back(now);
            // Only the last MAX_FAILURES decide.
            if times.len() > MAX_FAILURES {
                times.pop_front();
            }
        }
    }
}

fn forget_old(times: &mut VecDeque<i64>, now: i64) {
    while times.front().is_some_and(|time| *time + WINDOW_MILLIS <= now) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::parse_proxy;

    #[test]
    fn five_failures_per_prefix_or_per_name_in_fifteen_minutes() {
        let limit = SignInLimit::default();
        let (home, away) = (parse_proxy("2001:db8:1:2::/64").unwrap(), parse_proxy("192.0.2.9").unwrap());
        for minute in 0..5 {
            assert_eq!(limit.check(home, "anne", minute * 60_000), Ok(()));
            limit.fail(home, "anne", minute * 60_000);
        }
        assert_eq!(limit.check(home, "bob", 5 * 60_000), Err(10 * 60), "the prefix is over");
        assert_eq!(limit.check(away, "anne", 5 * 60_000), Err(10 * 60), "and so is the name");
        assert_eq!(limit.check(away, "bob", 5 * 60_000), Ok(()));
        assert_eq!(limit.check(home, "anne", WINDOW_MILLIS), Ok(()), "the first failure has left the window");
        limit.fail(home, "anne", WINDOW_MILLIS);
        assert_eq!(limit.check(home, "anne", WINDOW_MILLIS), Err(60));
    }

    #[test]
    fn memory_is_bounded() {
        let limit = SignInLimit::default();
        let prefix = parse_proxy("192.0.2.9").unwrap();
        for n in 0..MAX_KEYS {
            limit.fail(prefix, &n.to_string(), 0);
        }
        assert!(limit.failures.lock().unwrap().len() <= MAX_KEYS);
    }
}
